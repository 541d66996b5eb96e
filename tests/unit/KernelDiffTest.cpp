// Differential tests of kernels against the same algorithms written as plain C++ loops: random
// sizes, random values and random memory layouts (stepped, reversed, column-major views), compared
// element for element. Kernels compile without fast-math and without FMA contraction, so float
// results must match bit for bit; the C++ side keeps products in named temporaries so that the
// C++ compiler cannot contract them either.
#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include "tests/unit/KernelTesting.h"

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>

namespace {

using namespace jitexpr;
using jitexpr::testing::runtime;
using cplx = std::complex<double>;

constexpr int kCases = 40;

// A view with its own buffer: `array` points into `owner`.
struct View {
  Array owner;
  Array array;
};

template <typename T> T& at(const Array& a, std::int64_t i) {
  return *reinterpret_cast<T*>(static_cast<char*>(a.raw_data()) + i * a.strides()[0]);
}
template <typename T> T& at(const Array& a, std::int64_t i, std::int64_t j) {
  return *reinterpret_cast<T*>(static_cast<char*>(a.raw_data()) + i * a.strides()[0] + j * a.strides()[1]);
}

// n elements, every `step`-th of a buffer (a negative step walks it backwards).
View view1d(DType t, std::int64_t n, std::int64_t step) {
  std::int64_t item = static_cast<std::int64_t>(dtype_size(t));
  std::int64_t s = std::abs(step);
  View v{Array::zeros(t, {std::max<std::int64_t>(n * s, 1)}), {}};
  char* base = static_cast<char*>(v.owner.raw_data()) + (step < 0 && n ? (n - 1) * s * item : 0);
  v.array = Array::view(base, t, {n}, {step * item});
  return v;
}

// r x c elements: rows and columns stepped by sr and sc (negative reverses) in a buffer stored
// column-major when `fortran`.
View view2d(DType t, std::int64_t r, std::int64_t c, std::int64_t sr, std::int64_t sc, bool fortran) {
  std::int64_t item = static_cast<std::int64_t>(dtype_size(t));
  std::int64_t R = r * std::abs(sr), C = c * std::abs(sc);
  View v{Array::zeros(t, {R * C}), {}};
  std::int64_t row = fortran ? 1 : C, col = fortran ? R : 1;
  std::int64_t i0 = sr < 0 ? (r - 1) * -sr : 0, j0 = sc < 0 ? (c - 1) * -sc : 0;
  char* base = static_cast<char*>(v.owner.raw_data()) + (i0 * row + j0 * col) * item;
  v.array = Array::view(base, t, {r, c}, {sr * row * item, sc * col * item});
  return v;
}

class KernelDiff : public ::testing::Test {
 protected:
  std::mt19937_64 rng{20240611};
  std::int64_t size(std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); }
  std::int64_t step() {
    static constexpr std::int64_t steps[] = {1, 1, 2, 3, -1, -2};
    return steps[size(0, 5)];
  }
  double real() { return std::uniform_real_distribution<double>(-100.0, 100.0)(rng); }
  // Small, large and extreme integers of both signs.
  std::int64_t integer() {
    switch (size(0, 3)) {
      case 0: return size(-10, 10);
      case 1: return size(-1000000, 1000000);
      case 2: return static_cast<std::int64_t>(rng());
      default: return size(0, 1) ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
    }
  }
};

TEST_F(KernelDiff, SaxpyOverStridedArrays) {
  Module m = runtime().compile_module(R"(
def saxpy(a, x, y, out):
    for i in range(len(x)):
        out[i] = a * x[i] + y[i]
)");
  for (int k = 0; k < kCases; ++k) {
    DType t = k % 2 ? DType::Float32 : DType::Float64;
    std::int64_t n = size(0, 300);
    View x = view1d(t, n, step()), y = view1d(t, n, step()), out = view1d(t, n, step());
    double a = real();
    for (std::int64_t i = 0; i < n; ++i) {
      if (t == DType::Float64) {
        at<double>(x.array, i) = real();
        at<double>(y.array, i) = real();
      } else {
        at<float>(x.array, i) = static_cast<float>(real());
        at<float>(y.array, i) = static_cast<float>(real());
      }
    }
    m("saxpy")(a, x.array, y.array, out.array);
    for (std::int64_t i = 0; i < n; ++i) {
      // A float64 scalar times a float32 element computes in float64 (Numba's rule), stored back
      // rounded to float32.
      if (t == DType::Float64) {
        double p = a * at<double>(x.array, i);
        ASSERT_EQ(at<double>(out.array, i), p + at<double>(y.array, i)) << "case " << k << " i " << i;
      } else {
        double p = a * static_cast<double>(at<float>(x.array, i));
        double s = p + static_cast<double>(at<float>(y.array, i));
        ASSERT_EQ(at<float>(out.array, i), static_cast<float>(s)) << "case " << k << " i " << i;
      }
    }
  }
}

TEST_F(KernelDiff, PeriodicStencil) {
  Module m = runtime().compile_module(R"(
def stencil(u, out, w):
    n, m = u.shape
    for i in range(n):
        for j in range(m):
            lap = u[(i + 1) % n, j] + u[i - 1, j] + u[i, (j + 1) % m] + u[i, j - 1] - 4.0 * u[i, j]
            out[i, j] = u[i, j] + w * lap
)");
  for (int k = 0; k < kCases; ++k) {
    std::int64_t r = size(1, 40), c = size(1, 40);
    View u = view2d(DType::Float64, r, c, step(), step(), size(0, 1));
    View out = view2d(DType::Float64, r, c, step(), step(), size(0, 1));
    for (std::int64_t i = 0; i < r; ++i)
      for (std::int64_t j = 0; j < c; ++j) at<double>(u.array, i, j) = real();
    double w = real() / 100;
    m("stencil")(u.array, out.array, w);
    for (std::int64_t i = 0; i < r; ++i) {
      for (std::int64_t j = 0; j < c; ++j) {
        auto U = [&](std::int64_t a, std::int64_t b) { return at<double>(u.array, (a + r) % r, (b + c) % c); };
        double four = 4.0 * U(i, j);
        double lap = U(i + 1, j) + U(i - 1, j) + U(i, j + 1) + U(i, j - 1) - four;
        double step = w * lap;
        ASSERT_EQ(at<double>(out.array, i, j), U(i, j) + step) << "case " << k << " at " << i << ", " << j;
      }
    }
  }
}

// Python's floor division and remainder of int64 values (wrapping at INT64_MIN // -1, as numpy).
std::pair<std::int64_t, std::int64_t> floor_divmod(std::int64_t a, std::int64_t b) {
  if (b == -1) return {static_cast<std::int64_t>(0 - static_cast<std::uint64_t>(a)), 0};
  std::int64_t q = a / b, r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) {
    q -= 1;
    r += b;
  }
  return {q, r};
}

TEST_F(KernelDiff, IntegerArithmeticWrapsAndFloors) {
  Module m = runtime().compile_module(R"(
def fnv(a):
    h = 1469598103934665603
    for i in range(len(a)):
        h = (h ^ a[i]) * 1099511628211
        h += h >> 13
    return h

def sums(a):
    s = 0
    q = 0
    for i in prange(len(a)):
        s += a[i] * a[i]
        q ^= a[i] * 31
    return s * 7 + q

def floors(a, b, quot, rem):
    for i in range(len(a)):
        if b[i] != 0:
            quot[i] = a[i] // b[i]
            rem[i] = a[i] % b[i]
)");
  for (int k = 0; k < kCases; ++k) {
    std::int64_t n = size(0, 2000);
    View a = view1d(DType::Int64, n, step()), b = view1d(DType::Int64, n, step());
    View quot = view1d(DType::Int64, n, step()), rem = view1d(DType::Int64, n, step());
    for (std::int64_t i = 0; i < n; ++i) {
      at<std::int64_t>(a.array, i) = integer();
      at<std::int64_t>(b.array, i) = size(0, 9) ? integer() : 0;
    }
    std::uint64_t h = 1469598103934665603ull, s = 0, q = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      std::uint64_t x = static_cast<std::uint64_t>(at<std::int64_t>(a.array, i));
      h = (h ^ x) * 1099511628211ull;
      h += static_cast<std::uint64_t>(static_cast<std::int64_t>(h) >> 13);
      s += x * x;
      q ^= x * 31;
    }
    EXPECT_EQ(m("fnv")(a.array).as<std::int64_t>(), static_cast<std::int64_t>(h)) << "case " << k;
    EXPECT_EQ(m("sums")(a.array).as<std::int64_t>(), static_cast<std::int64_t>(s * 7 + q)) << "case " << k;
    m("floors")(a.array, b.array, quot.array, rem.array);
    for (std::int64_t i = 0; i < n; ++i) {
      std::int64_t x = at<std::int64_t>(a.array, i), y = at<std::int64_t>(b.array, i);
      auto [qq, rr] = y ? floor_divmod(x, y) : std::pair<std::int64_t, std::int64_t>{0, 0};
      ASSERT_EQ(at<std::int64_t>(quot.array, i), qq) << x << " // " << y;
      ASSERT_EQ(at<std::int64_t>(rem.array, i), rr) << x << " % " << y;
    }
  }
}

TEST_F(KernelDiff, ComplexEscapeIteration) {
  Module m = runtime().compile_module(R"(
def escape(zs, c, maxiter, counts, finals):
    for i in range(len(zs)):
        z = zs[i]
        n = 0
        while n < maxiter and abs(z) < 2.0:
            z = z * z + c
            n += 1
        counts[i] = n
        finals[i] = z
)");
  for (int k = 0; k < kCases; ++k) {
    std::int64_t n = size(0, 400), maxiter = size(0, 60);
    View zs = view1d(DType::Complex128, n, step()), finals = view1d(DType::Complex128, n, step());
    View counts = view1d(DType::Int32, n, step());
    cplx c(real() / 100, real() / 100);
    for (std::int64_t i = 0; i < n; ++i) at<cplx>(zs.array, i) = cplx(real() / 50, real() / 50);
    m("escape")(zs.array, c, maxiter, counts.array, finals.array);
    for (std::int64_t i = 0; i < n; ++i) {
      double re = at<cplx>(zs.array, i).real(), im = at<cplx>(zs.array, i).imag();
      std::int64_t it = 0;
      while (it < maxiter && std::hypot(re, im) < 2.0) {
        double rr = re * re, ii = im * im, ri = re * im, ir = im * re;
        double nre = rr - ii, nim = ri + ir;
        re = nre + c.real();
        im = nim + c.imag();
        ++it;
      }
      ASSERT_EQ(at<std::int32_t>(counts.array, i), it) << "case " << k << " i " << i;
      ASSERT_EQ(at<cplx>(finals.array, i), cplx(re, im)) << "case " << k << " i " << i;
    }
  }
}

}  // namespace
