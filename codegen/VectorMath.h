// Vector math: which scalar math functions the loop vectorizer may replace with glibc's libmvec
// variants. LLVM 19's LIBMVEC-X86 table covers sin, cos, tan, exp, log and pow; this adds the
// rest of libmvec (asinh, tanh, atan2, log10, expm1, hypot, ...) for the vector widths the host
// supports: SSE (2 doubles), AVX2 (4) and, when present, AVX-512 (8).
#pragma once

#include <llvm/Analysis/TargetLibraryInfo.h>

namespace jitexpr::codegen {

// The TargetLibraryInfoImpl for the host with libmvec and our extra mappings registered: made
// once per process (sorting the mappings costs more than copying them), read-only after.
const llvm::TargetLibraryInfoImpl& host_library_info();

}  // namespace jitexpr::codegen
