// The host machine as LLVM sees it: triple, CPU, features, and TargetMachines for it.
#pragma once

#include <llvm/Target/TargetMachine.h>

#include <memory>
#include <string>

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

// A TargetMachine for the host at an optimization level 0..3.
std::unique_ptr<llvm::TargetMachine> make_host_target_machine(int opt_level);

llvm::CodeGenOptLevel codegen_opt_level(int opt_level);

}  // namespace jitexpr::codegen
