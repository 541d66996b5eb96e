// The LLVM optimization pipeline for generated modules: the new pass manager's O1..O3 pipeline for
// the target CPU, with loop and SLP vectorization and libmvec vector math for its instruction sets.
#pragma once

#include "codegen/Target.h"

#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

namespace jitexpr::codegen {

// `slp`: the SLP vectorizer, which packs independent scalar operations into vector registers. It
// pays for straight-line array code; in kernels it packs the real and imaginary parts of complex
// recurrences (z = z*z + c) into one register and puts shuffles on the loop-carried chain, which
// made the Julia kernel 1.47x slower (docs/performance.md), so kernels run without it.
void optimize_module(llvm::Module& m, llvm::TargetMachine& tm, int opt_level, VectorIsa isa, bool slp = true);

}  // namespace jitexpr::codegen
