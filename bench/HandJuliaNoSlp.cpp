// hand_julia_noslp: the Julia loop built with -fno-slp-vectorize (bench/CMakeLists.txt), so that
// clang keeps the real and imaginary parts in scalar registers instead of packing them into one
// vector register: the fastest build of the loop found on this machine (docs/performance.md).
#include "HandJulia.h"
#include "HandWritten.h"

namespace jitexpr::bench {

void hand_julia_noslp(const double* zs, const double* cs, std::int64_t* out, std::int64_t n, std::int64_t maxiter) {
  julia_loop(zs, cs, out, n, maxiter);
}

}  // namespace jitexpr::bench
