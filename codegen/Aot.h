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

// "native" (this machine's CPU and features), or an LLVM CPU name such as "x86-64-v3" or
// "x86-64". Throws std::invalid_argument for a CPU LLVM does not know.
std::string compile_object(const std::vector<AotKernel>& kernels, const std::string& cpu, const CompileOptions& options);

}  // namespace jitexpr::codegen
