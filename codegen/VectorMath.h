// Vector math: which scalar math functions the loop vectorizer may replace with glibc's libmvec
// variants: all of libmvec (sin, exp, asinh, tanh, atan2, log10, expm1, hypot, ...), for the
// vector widths the target CPU supports: SSE (2 doubles), AVX2 (4) and AVX-512 (8).
#pragma once

#include "codegen/Target.h"

#include <llvm/Analysis/TargetLibraryInfo.h>

namespace jitexpr::codegen {

// The TargetLibraryInfoImpl with libmvec's variants for the instruction sets up to `isa`
// registered: made once per process (sorting the mappings costs more than copying them),
// read-only after.
const llvm::TargetLibraryInfoImpl& library_info(VectorIsa isa);

}  // namespace jitexpr::codegen
