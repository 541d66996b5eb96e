// The check the benchmarks run before timing: jitexpr must compute what the hand-written loops
// compute, or the timings compare different work.
#pragma once

#include <jitexpr/Array.h>

#include <cmath>
#include <cstdint>

namespace jitexpr::bench {

// How many elements of `got` differ from `want` by more than rounding (1e-13 relative: FMA
// contraction, libmvec against scalar libm). A result of another dtype or size differs everywhere.
inline std::int64_t count_differences(const Array& want, const Array& got) {
  if (got.dtype() != want.dtype() || got.size() != want.size()) return want.size();
  std::int64_t bad = 0;
  for (std::int64_t i = 0; i < want.size(); ++i) {
    double w = want.flat_as_double(i), g = got.flat_as_double(i);
    if (std::fabs(w - g) > 1e-13 * std::fmax(1.0, std::fabs(w))) ++bad;
  }
  return bad;
}

}  // namespace jitexpr::bench
