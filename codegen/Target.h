// What compiled code is for: the host as LLVM sees it, and the target a Runtime or an AOT build
// chose (RuntimeOptions::cpu and vector_width, JITEXPR_CPU, JITEXPR_VECTOR_WIDTH, jitexpr-aot
// --cpu): an LLVM CPU, its features and a preferred vector width, with TargetMachines for it.
#pragma once

#include <llvm/Target/TargetMachine.h>

#include <memory>
#include <string>
#include <string_view>

namespace jitexpr::codegen {

struct HostTarget {
  std::string triple;
  std::string cpu;       // "znver3", "skylake-avx512", ...
  std::string features;  // "+avx2,+fma,..."
  bool has_avx2 = false;
  bool has_avx512 = false;
};

// Detected once per process; initializes LLVM's native target on first use.
const HostTarget& host_target();

// The instruction sets whose vector math variants (libmvec's b, d and e) compiled code may call.
enum class VectorIsa : std::uint8_t { Sse, Avx2, Avx512 };

struct TargetSpec {
  std::string name;      // as chosen: "native", "x86-64-v2", "znver4", ...
  std::string triple;
  std::string cpu;       // the LLVM CPU name ("native" resolved to the host's)
  std::string features;  // explicit features ("" for a named CPU: its own)
  int vector_width = 0;  // the preferred vector width in bits; 0: the CPU's own preference
  VectorIsa isa = VectorIsa::Sse;

  // "znver4" or "znver4, 512-bit vectors": what %cache and `jitexpr cache info` show.
  std::string describe() const;
  // What an object compiled for this target depends on: the LLVM version, triple, CPU, features
  // and vector width (part of every disk-cache key).
  std::string fingerprint() const;
};

// The CPU names accepted besides LLVM's own: "native" and the x86-64 levels.
inline constexpr const char* kCpuLevels[] = {"native", "x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4"};

// Resolves a CPU name and a preferred vector width (0, 128, 256 or 512). Throws
// jitexpr::ValueError for an unknown CPU (listing the accepted names) or width. With
// `must_run_here`, also for a CPU with an instruction set this host lacks, or a width the CPU
// cannot use: code that would stop with SIGILL is refused before it is compiled.
TargetSpec resolve_target(std::string_view cpu, int vector_width, bool must_run_here);

// The target of RuntimeOptions: `cpu` and `vector_width` where set, else JITEXPR_CPU and
// JITEXPR_VECTOR_WIDTH, else the host with its own preference.
TargetSpec target_from_options(std::string_view cpu, int vector_width);

// A TargetMachine for the target at an optimization level 0..3: for code the JIT maps anywhere
// in memory (`for_jit`), or for an object file linked into a program (small code model).
std::unique_ptr<llvm::TargetMachine> make_target_machine(const TargetSpec& t, int opt_level, bool for_jit = true);

// Gives every function defined in `m` the target's CPU, features and vector width.
void set_target_attributes(llvm::Module& m, const TargetSpec& t);

llvm::CodeGenOptLevel codegen_opt_level(int opt_level);

}  // namespace jitexpr::codegen
