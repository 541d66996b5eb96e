// The hand-written C++ loops that bench_expressions compares jitexpr against.
#pragma once

#include <cstdint>

namespace jitexpr::bench {

// Each writes out[i] for i in [0, n) from a[i] and b[i]; `out` is an existing buffer. The loops are
// what a C++ programmer writes for the expression, compiled apart (HandWritten.cpp) with
// -O3 -march=native and without -ffast-math, so they cannot be inlined into the harness.

// 2*a + 3*b
void hand_add(const double* a, const double* b, double* out, std::int64_t n);
// a*b - 4.1*a > 2.5*b
void hand_compare(const double* a, const double* b, bool* out, std::int64_t n);
// 2*a + b**10 with b**10 multiplied out by squaring (b2 = b*b, b4 = b2*b2, b8 = b4*b4, b8*b2): the
// loop a programmer who cares writes, and what jitexpr and numexpr emit for a small integer power.
void hand_power(const double* a, const double* b, double* out, std::int64_t n);
// 2*a + std::pow(b, 10.0): the loop a programmer writes first. Without -ffast-math clang keeps the
// libm call.
void hand_power_stdpow(const double* a, const double* b, double* out, std::int64_t n);
// std::sin(a) + std::asinh(a/b). Without -fno-math-errno clang does not vectorize the libm calls,
// so this is one scalar glibc call per function and element.
void hand_transcendental(const double* a, const double* b, double* out, std::int64_t n);

}  // namespace jitexpr::bench
