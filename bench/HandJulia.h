// The Julia-set loop of hand_julia and hand_julia_noslp (HandWritten.h), inline so that each of
// the two files that call it compiles it with its own flags.
#pragma once

#include <cstdint>

namespace jitexpr::bench {

inline void julia_loop(const double* zs, const double* cs, std::int64_t* out, std::int64_t n, std::int64_t maxiter) {
  for (std::int64_t i = 0; i < n; ++i) {
    double zr = zs[2 * i], zi = zs[2 * i + 1];
    const double cr = cs[2 * i], ci = cs[2 * i + 1];
    std::int64_t k = 0;
    while (k < maxiter && zr * zr + zi * zi < 4.0) {
      double re = zr * zr - zi * zi + cr;
      zi = zr * zi + zi * zr + ci;
      zr = re;
      ++k;
    }
    out[i] = k;
  }
}

}  // namespace jitexpr::bench
