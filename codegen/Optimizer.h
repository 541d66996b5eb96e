// The LLVM optimization pipeline for generated modules: the new pass manager's O1..O3 pipeline for
// the host CPU, with loop and SLP vectorization and libmvec vector math.
#pragma once

#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

namespace jitexpr::codegen {

void optimize_module(llvm::Module& m, llvm::TargetMachine& tm, int opt_level);

}  // namespace jitexpr::codegen
