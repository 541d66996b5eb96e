// Ahead-of-time compilation: kernel programs into one relocatable object for a chosen CPU, which a
// host program links (with libjitexpr for the call context and libmvec for vector math).
#pragma once

#include "codegen/Compiler.h"
#include "ir/KernelIR.h"

#include <string>
#include <vector>

namespace jitexpr::codegen {

struct AotKernel {
  const ir::KProgram* program;
  std::string symbol;  // the entry's name in the object (codegen/EmitKernel.h has its ABI)
};

// For `cpu`: "native" (this machine's CPU and features), an x86-64 level ("x86-64-v3") or an LLVM
// CPU name ("znver4"); the object need not run on this machine. Throws jitexpr::ValueError for a
// CPU LLVM does not know.
std::string compile_object(const std::vector<AotKernel>& kernels, const std::string& cpu, const CompileOptions& options);

// What compile_object would compile for `cpu`, in words ("x86-64-v3"); throws as it does.
std::string describe_target(const std::string& cpu);

}  // namespace jitexpr::codegen
