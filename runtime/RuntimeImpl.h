// The inside of jitexpr::Runtime, shared by the files of its evaluation. Runtime.cpp reads as
// the table of contents: an evaluation is
//   parse  (eval/Parse.cpp)     the text to a tree, cached by text;
//   unroll (eval/Unroll.cpp)    short reduction axes into the element-wise loop, an optimization;
//   stages                      reductions inside an expression first (ir/ReductionStages.h);
//   fast   (eval/FastPath.cpp)  the last specialization again when the arrays match it;
//   bind   (eval/Bind.cpp)      names to arrays, broadcasting, the iteration plan;
//   key    (eval/Key.cpp)       the cache key, with the streaming-store decision;
//   cache  (eval/Cache.cpp)     the compiled code for the key: from memory, from disk, or
//   infer  (eval/Infer.cpp)       typed and through the IR passes, then compiled;
//   run    (eval/Run.cpp)       on the executor, serial or parallel, tiering up hot code.
#pragma once

#include <jitexpr/Error.h>
#include <jitexpr/Limits.h>
#include <jitexpr/Runtime.h>

#include "base/KernelAbi.h"
#include "codegen/Compiler.h"
#include "frontend/AstPrinter.h"
#include "frontend/Parser.h"
#include "frontend/Variables.h"
#include "ir/DTypeRules.h"
#include "ir/Infer.h"
#include "ir/Passes.h"
#include "ir/Printer.h"
#include "ir/ReductionStages.h"
#include "runtime/BackgroundCompiler.h"
#include "runtime/BuildId.h"
#include "runtime/CodeCache.h"
#include "runtime/CodeStore.h"
#include "runtime/CostModel.h"
#include "runtime/Executor.h"
#include "runtime/FastPath.h"
#include "runtime/ModuleImpl.h"
#include "runtime/Parallel.h"
#include "runtime/Parsed.h"
#include "runtime/Plan.h"
#include "runtime/Streaming.h"
#include "runtime/Tiering.h"
#include "runtime/Unroll.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <unordered_map>

namespace jitexpr {

inline double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Everything one evaluation needs, before the result dtype is known.
struct Prepared {
  std::shared_ptr<const Parsed> parsed;
  std::vector<Array> operands;
  std::vector<ir::OperandInfo> infos;
  IterationPlan plan;
  Shape out_shape;
  std::optional<int> axis;         // normalized
  std::optional<DType> out_dtype;  // an element-wise result is converted to it
  std::vector<int> order;          // the axes in memory order (numpy's order='K')
  bool streaming = false;          // ir::Program::streaming_stores
  std::string key;
};

// key (eval/Key.cpp): whether the stores stream past the cache (ir::Program::streaming_stores),
// and the cache key of the bound expression.
bool streams(const Prepared& prep, const Shape& result_shape, const Array* out);
std::string cache_key(const Prepared& prep, int opt_level);

struct Runtime::Impl {
  explicit Impl(RuntimeOptions o)
      : pool_owner(std::make_shared<ThreadPool>(o.num_threads)),
        pool(*pool_owner),
        options(o),
        jit_owner(std::make_shared<codegen::Jit>(o.cpu, o.vector_width)),
        cache(o.max_cache_entries, o.max_cache_bytes, [](const Compiled& c) { return code_weight(c); }) {
    if (options.disk_cache.value_or(DiskCache::enabled_by_environment())) {
      // What an object on disk depends on besides its key: this very build of the library (any
      // change to codegen or to the type rules must never reuse an old object) and the machine.
      disk = std::make_shared<CodeStore>(
          options.cache_dir.empty() ? DiskCache::default_dir() : options.cache_dir, options.disk_cache_max_bytes,
          "|jitexpr " JITEXPR_VERSION "|" + library_build_id() + "|" + jit.target_fingerprint());
    }
  }

  // The thread pool and the JIT are shared with the Modules this runtime makes, so that a Module
  // that outlives its Runtime still works and frees its code safely.
  std::shared_ptr<ThreadPool> pool_owner;
  ThreadPool& pool;
  RuntimeOptions options;
  std::shared_ptr<codegen::Jit> jit_owner;  // compiles for the target the options chose
  codegen::Jit& jit = *jit_owner;
  std::shared_ptr<CodeStore> disk;  // null when the disk cache is off; shared with the Modules
  std::shared_ptr<KernelCompileStats> kernel_stats = std::make_shared<KernelCompileStats>();

  CodeCache<Compiled> cache;
  std::mutex parse_mutex;
  std::unordered_map<std::string, std::shared_ptr<const Parsed>> parsed_exprs;
  std::unordered_map<std::string, std::shared_ptr<const UnrolledExpr>> unrolled_exprs;  // guarded by parse_mutex
  static constexpr std::size_t kMaxParsed = 4096;
  std::atomic<std::uint64_t> tier_ups{0};
  // Last, so that it stops before what its jobs use (the JIT, the caches) goes.
  BackgroundCompiler background;

  // ---- the evaluation, in order (Runtime.cpp) ----

  // An evaluation: parse, unroll, stages, then evaluate_parsed for each stage.
  Array evaluate(std::string_view text, const Bindings& bindings, const Array* out, Casting casting = Casting::Safe,
                 Order order = Order::K);
  Array evaluate(std::shared_ptr<const Parsed> parsed, const Bindings& bindings, const Array* out, Casting casting,
                 Order order);
  // One expression without inner reductions: the fast path, or bind, cache and infer; then run.
  Array evaluate_parsed(const std::shared_ptr<const Parsed>& parsed, const Bindings& bindings, const Array* out,
                        Casting casting, Order order);
  // For dump_ir, dump_llvm and dump_asm: what evaluate would compile.
  Prepared prepare_as_evaluated(std::string_view text, const Bindings& bindings);

  // ---- the steps ----

  // parse (eval/Parse.cpp): the text's tree, parsed once; and the tree with each substitution's
  // sub-expression an operand, whose values go into `bindings`.
  std::shared_ptr<const Parsed> parse(std::string_view text);
  std::shared_ptr<const Parsed> parse(std::string_view text, const std::vector<Substitution>& substitutions,
                                      Bindings& bindings);

  // unroll (eval/Unroll.cpp): what is evaluated for `text`, its unrolled form where it has one
  // (then `with_slices` gets the bindings plus the slice operands), else nothing.
  std::shared_ptr<const Parsed> unroll(const std::shared_ptr<const Parsed>& parsed, const Bindings& bindings,
                                       const Array* out, Bindings& with_slices);
  // The unrolled form of `parsed` for these operands (Unroll.h), cached by their dtypes and shapes.
  std::shared_ptr<const UnrolledExpr> unrolled(const std::shared_ptr<const Parsed>& parsed, const Bindings& bindings);
  static const Array* find_array(const Bindings& bindings, const std::string& name);

  // fast path (eval/FastPath.cpp): the operands of `parsed` from the bindings, if they match its
  // fast path; else nothing. remember_fast_path makes `prep` the fast path of its text.
  static std::shared_ptr<const FastPath> match_fast_path(const Parsed& parsed, const Bindings& bindings,
                                                         const Array* out, Casting casting, Order order,
                                                         std::vector<Array>& operands);
  static void remember_fast_path(const Prepared& prep, const IterationPlan& plan, const Array* out, Casting casting,
                                 Order order, const std::shared_ptr<const Compiled>& c);

  // bind (eval/Bind.cpp, eval/Key.cpp): the operands, the plan, the layouts and the key.
  Prepared prepare(std::shared_ptr<const Parsed> parsed, const Bindings& bindings, const Array* out,
                   Order order = Order::K);

  // cache (eval/Cache.cpp): the code for prep's key, from memory, from disk or compiled.
  std::shared_ptr<const Compiled> compiled(const Prepared& prep);
  bool tiered() const { return options.tiering && options.opt_level > kFastOptLevel; }
  static bool large_on_fast_code(const Compiled& c, const IterationPlan& plan);
  static std::string disk_key(const Compiled& c, CodeTier tier);
  // Compiles the optimized code of a fast entry on the background thread (once), then installs
  // it: evaluations running now switch to it at their next block.
  void request_tier_up(const std::shared_ptr<const Compiled>& c);

  // infer (eval/Infer.cpp): the typed program, through the IR passes.
  ir::Program typed_program(const Prepared& prep, DType* natural = nullptr, CacheEntryStats* stats = nullptr);

  // run (eval/Run.cpp): the code on the executor.
  Array run(const Parsed& parsed, const std::shared_ptr<const Compiled>& c, const IterationPlan& plan,
            const std::vector<Array>& operands, Array& out);
};

}  // namespace jitexpr
