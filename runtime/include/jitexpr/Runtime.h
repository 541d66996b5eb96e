// The entry point of the library: owns the JIT, the compiled-code cache and the thread pool.
#pragma once

#include <jitexpr/Array.h>
#include <jitexpr/Error.h>
#include <jitexpr/Export.h>
#include <jitexpr/Module.h>
#include <jitexpr/Value.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jitexpr {

// Names bound to arrays or scalars: {{"a", a}, {"b", 2.5}}.
using Bindings = std::vector<std::pair<std::string, Value>>;

struct JITEXPR_API RuntimeOptions {
  // LLVM optimization level for compiled code: 0..3.
  int opt_level = 3;
  // Tiered compilation (docs/architecture.md): a new expression whose work is small is compiled
  // with little optimization first (about a millisecond); the optimized code (opt_level) is
  // compiled on a background thread once the expression proves hot or its work is large, and
  // evaluations switch to it between blocks. Off: every expression is compiled at opt_level
  // before its first evaluation.
  bool tiering = true;
  // Most compiled specializations kept in memory; the least recently used is evicted beyond it.
  std::size_t max_cache_entries = 4096;
  // Most bytes of machine code those entries may hold (each counts its object's size and a fixed
  // bookkeeping share); least recently used entries are evicted beyond it, and their code freed.
  std::uint64_t max_cache_bytes = 256ull << 20;
  // The persistent cache of compiled code on disk. Unset: on, unless JITEXPR_CACHE=0.
  std::optional<bool> disk_cache;
  // Its directory. Empty: $JITEXPR_CACHE_DIR, else $XDG_CACHE_HOME/jitexpr, else ~/.cache/jitexpr.
  std::string cache_dir;
  // Its size limit; the least recently used entries are deleted beyond it.
  std::uint64_t disk_cache_max_bytes = 512ull << 20;
  // Threads for large evaluations. 0: $JITEXPR_NUM_THREADS, else every core. Work too small to
  // repay waking threads runs on the calling thread.
  int num_threads = 0;
  // The CPU compiled code is for: "native" (this host), an x86-64 level ("x86-64", "x86-64-v2",
  // "x86-64-v3", "x86-64-v4") or an LLVM CPU name ("znver4", "skylake-avx512"). Empty:
  // $JITEXPR_CPU, else native. A name LLVM does not know, or a CPU with instructions this host
  // lacks, is a ValueError when the Runtime is made.
  std::string cpu;
  // The preferred vector width in bits (128, 256 or 512; at most what the CPU has). 0:
  // $JITEXPR_VECTOR_WIDTH, else the CPU's own preference (LLVM's; 256 on several AVX-512 CPUs).
  int vector_width = 0;
};

// The code a cached specialization runs (RuntimeOptions::tiering).
enum class CodeTier : std::uint8_t {
  Fast,       // compiled with little optimization, for a quick first call
  Optimized,  // compiled at RuntimeOptions::opt_level
};

// How one cached specialization was made and used. Times are milliseconds; the phases are those
// of the compile that its first evaluation waited for.
struct JITEXPR_API CacheEntryStats {
  std::string key;  // the canonical expression and the operand signature
  std::uint64_t hits = 0;
  double parse_ms = 0;     // text to AST
  double infer_ms = 0;     // AST to typed IR
  double passes_ms = 0;    // jitexpr's IR passes (constant folding, powers, casts)
  double irgen_ms = 0;     // LLVM IR generation, with the runtime helpers it calls
  double optimize_ms = 0;  // the LLVM optimization pipeline
  double codegen_ms = 0;   // instruction selection and object emission
  double link_ms = 0;      // linking the object into the JIT (from disk: reading and linking it)
  bool from_disk = false;  // linked from the disk cache: no LLVM work at all
  CodeTier first_tier = CodeTier::Optimized;  // the code of the first evaluation
  CodeTier tier = CodeTier::Optimized;        // the code evaluations run now
  double tier_up_ms = 0;  // the background compile of the optimized code, off the callers' threads

  double compile_ms() const {
    return parse_ms + infer_ms + passes_ms + irgen_ms + optimize_ms + codegen_ms + link_ms;
  }
};

struct JITEXPR_API RuntimeStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t evictions = 0;
  std::uint64_t cache_bytes = 0;  // what the cached entries weigh (RuntimeOptions::max_cache_bytes)
  std::uint64_t tier_ups = 0;     // optimized code compiled in the background and switched to
  std::string target;             // the CPU the code is for, and a chosen vector width: "znver5"
  std::vector<CacheEntryStats> entries;  // the entries now cached, most recently used first
  // Kernel specializations of this runtime's Modules that were compiled (not found on disk), and
  // the time that took: type inference, LLVM optimization, code generation and linking.
  std::uint64_t kernel_compiles = 0;
  double kernel_compile_ms = 0;
  // The disk cache, consulted on in-memory misses.
  bool disk_enabled = false;
  std::string disk_dir;
  std::uint64_t disk_hits = 0;
  std::uint64_t disk_misses = 0;
  std::uint64_t disk_errors = 0;  // damaged entries found, removed and recompiled
  std::uint64_t disk_entries = 0;
  std::uint64_t disk_bytes = 0;
};

// The memory layout of a new result (numexpr's `order=`): K keeps the operands' order (the
// first operand that spans the result decides), C and F force row- or column-major.
enum class Order : std::uint8_t { K, C, F };

// Options of one evaluation.
struct JITEXPR_API EvaluateOptions {
  // Which conversions of the result into `out`'s dtype are allowed (numexpr's default: safe).
  Casting casting = Casting::Safe;
  // The layout of a new result; an out= keeps its own.
  Order order = Order::K;
};

class JITEXPR_API Runtime {
 public:
  explicit Runtime(RuntimeOptions options = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Evaluates an expression over the bound arrays and scalars into a new array. A reduction over
  // all axes gives a 0-d array. Throws jitexpr::Error on a user's mistake.
  Array evaluate(std::string_view expr, const Bindings& bindings);
  Array evaluate(std::string_view expr, const Bindings& bindings, EvaluateOptions options);
  // The same into `out`, which must have the result's shape; it may alias an input. The result is
  // converted to out's dtype when `options.casting` allows it (TypeError otherwise; a reduction
  // needs out's dtype to be its own). Returns out.
  Array evaluate(std::string_view expr, const Bindings& bindings, Array out, EvaluateOptions options = {});

  // A part of an expression computed already: the sub-expression whose source range is exactly
  // `range` (byte offsets into the text) reads as `value`. A host's own functions inside an
  // expression work this way (the REPL's `sum(arange(10) * 2)`): the host computes the call, the
  // runtime the rest, and errors keep the positions of the text as written. A range that is no
  // sub-expression of the text is a ValueError.
  struct Substitution {
    SourceRange range;
    Value value;
  };
  Array evaluate(std::string_view expr, const Bindings& bindings, const std::vector<Substitution>& substitutions);

  // A module of kernels (`def`s in the kernel language, docs/language.md): parsed now (SyntaxError),
  // each function compiled for the argument types of its first call. The module keeps this
  // runtime's JIT and threads alive, so it may outlive the Runtime.
  Module compile_module(std::string_view source, ModuleOptions options = {});

  // The typed IR, LLVM IR (optimized) or assembly of the expression's specialization for these
  // bindings, for inspection (the REPL's %ir, %llvm, %asm).
  std::string dump_ir(std::string_view expr, const Bindings& bindings);
  std::string dump_llvm(std::string_view expr, const Bindings& bindings);
  std::string dump_asm(std::string_view expr, const Bindings& bindings);

  RuntimeStats stats() const;
  // Waits until the optimizing compiles started in the background so far have finished, so that
  // what follows runs optimized code (a benchmark calls it after its warm-up).
  void wait_for_compiles();
  // A flag that stops long work when set (a Ctrl-C handler sets it): evaluations and prange loops
  // check it between blocks of work and throw jitexpr::Interrupted. The caller clears it. Null:
  // never interrupted. The flag must outlive the Runtime's use of it.
  void set_interrupt_flag(const std::atomic<bool>* flag);

  // The thread count for later evaluations (0: the default of RuntimeOptions::num_threads).
  void set_num_threads(int threads);
  int num_threads() const;
  // Drops the in-memory cache (code still running elsewhere stays until it returns).
  void clear_cache();
  // Deletes every entry of the disk cache; returns how many.
  std::uint64_t clear_disk_cache();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace jitexpr
