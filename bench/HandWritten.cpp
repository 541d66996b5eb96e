// Hand-written C++ loops for bench_expressions, built with -O3 -march=native (bench/CMakeLists.txt).
#include "HandWritten.h"

#include <cmath>

namespace jitexpr::bench {

void hand_add(const double* a, const double* b, double* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = 2 * a[i] + 3 * b[i];
}

void hand_compare(const double* a, const double* b, bool* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = a[i] * b[i] - 4.1 * a[i] > 2.5 * b[i];
}

void hand_power(const double* a, const double* b, double* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    double b2 = b[i] * b[i];
    double b4 = b2 * b2;
    double b8 = b4 * b4;
    out[i] = 2 * a[i] + b8 * b2;
  }
}

void hand_power_stdpow(const double* a, const double* b, double* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = 2 * a[i] + std::pow(b[i], 10.0);
}

void hand_transcendental(const double* a, const double* b, double* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = std::sin(a[i]) + std::asinh(a[i] / b[i]);
}

}  // namespace jitexpr::bench
