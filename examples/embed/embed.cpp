// Evaluates 2*a + sin(b) through the installed jitexpr library, and calls a kernel compiled
// ahead of time (saxpy.py, by jitexpr_add_kernels), checking both against loops.
#include <jitexpr/jitexpr.h>

#include "saxpy.h"

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
  jitexpr::Runtime rt;
  const std::int64_t n = 1'000'000;
  jitexpr::Array a = jitexpr::Array::arange(n, jitexpr::DType::Float64);
  std::vector<float> host(n);
  for (std::int64_t i = 0; i < n; ++i) host[i] = static_cast<float>(i) * 0.001f;
  jitexpr::Array b = jitexpr::Array::view(host.data(), jitexpr::DType::Float32, {n});

  jitexpr::Array r = rt.evaluate("2*a + sin(b)", {{"a", a}, {"b", b}});
  const double* out = r.data<double>();
  for (std::int64_t i = 0; i < n; ++i) {
    double expect = 2.0 * static_cast<double>(i) + static_cast<double>(std::sin(host[i]));
    if (std::fabs(out[i] - expect) > 1e-6 * std::fabs(expect) + 1e-6) {
      std::printf("embed: mismatch at %lld: %g != %g\n", static_cast<long long>(i), out[i], expect);
      return 1;
    }
  }
  try {
    rt.evaluate("2*a + sin(", {{"a", a}});
    std::printf("embed: a syntax error was not reported\n");
    return 1;
  } catch (const jitexpr::SyntaxError& e) {
    std::printf("embed: errors arrive as exceptions:\n%s\n", e.what());
  }
  jitexpr::Array s = saxpy::saxpy(0.5, a, r).array();
  for (std::int64_t i = 0; i < n; ++i) {
    if (s.data<double>()[i] != 0.5 * static_cast<double>(i) + out[i]) {
      std::printf("embed: AOT saxpy mismatch at %lld\n", static_cast<long long>(i));
      return 1;
    }
  }
  std::printf("embed: 2*a + sin(b) over %lld elements through the installed package, and an AOT kernel: ok\n",
              static_cast<long long>(n));
  return 0;
}
