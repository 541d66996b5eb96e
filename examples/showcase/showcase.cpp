// The showcase: expressions compiled by jitexpr on their first call, with the cost of that first
// call (parse, type inference, LLVM optimization and code generation, then the run) and of the
// warm calls that follow, each result checked against a plain C++ loop.
#include <jitexpr/jitexpr.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

struct Case {
  const char* expr;
  std::function<double(double, double, double)> reference;  // element i from a[i], b[i], c[i]
  bool reduction = false;
};

}  // namespace

int main(int argc, char** argv) {
  bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const std::int64_t n = quick ? 10'000 : 10'000'000;
  const int warm_runs = quick ? 5 : 15;

  jitexpr::Runtime rt;
  jitexpr::Array a = jitexpr::Array::linspace(0.1, 10.0, n);
  jitexpr::Array b = jitexpr::Array::linspace(1.0, 3.0, n);
  jitexpr::Array c = jitexpr::Array::linspace(-5.0, 5.0, n);
  const double* pa = a.data<double>();
  const double* pb = b.data<double>();
  const double* pc = c.data<double>();

  std::vector<Case> cases = {
      {"2*a + 3*b", [](double x, double y, double) { return 2 * x + 3 * y; }},
      {"a*b - 4.1*a > 2.5*b", [](double x, double y, double) { return double(x * y - 4.1 * x > 2.5 * y); }},
      {"2*a + b**10", [](double x, double y, double) { return 2 * x + std::pow(y, 10); }},
      {"sin(a) + arcsinh(a/b)", [](double x, double y, double) { return std::sin(x) + std::asinh(x / y); }},
      {"where(c > 0, sqrt(c), -c**2)", [](double, double, double z) { return z > 0 ? std::sqrt(z) : -z * z; }},
      {"sum(a*b)", [](double x, double y, double) { return x * y; }, true},
  };

  std::printf("jitexpr showcase: %lld float64 elements per operand, %d thread%s\n\n", static_cast<long long>(n),
              rt.num_threads(), rt.num_threads() == 1 ? "" : "s");
  std::printf("%-30s %14s %14s %12s  %s\n", "expression", "first call", "warm (median)", "ns/element", "check");
  bool all_ok = true;
  for (const Case& k : cases) {
    jitexpr::Bindings bind = {{"a", a}, {"b", b}, {"c", c}};
    auto t0 = Clock::now();
    jitexpr::Array r = rt.evaluate(k.expr, bind);
    auto t1 = Clock::now();
    std::vector<double> warm;
    for (int i = 0; i < warm_runs; ++i) {
      auto w0 = Clock::now();
      r = rt.evaluate(k.expr, bind);
      warm.push_back(ms(w0, Clock::now()));
    }
    std::sort(warm.begin(), warm.end());
    double median = warm[warm.size() / 2];

    bool ok = true;
    if (k.reduction) {
      double expect = 0;
      for (std::int64_t i = 0; i < n; ++i) expect += k.reference(pa[i], pb[i], pc[i]);
      double got = *r.data<double>();
      ok = std::fabs(got - expect) <= 1e-12 * std::fabs(expect);
    } else {
      for (std::int64_t i = 0; i < n && ok; ++i) {
        double expect = k.reference(pa[i], pb[i], pc[i]);
        double got = r.dtype() == jitexpr::DType::Bool ? double(r.data<bool>()[i]) : r.data<double>()[i];
        ok = std::fabs(got - expect) <= 1e-13 * std::max(1.0, std::fabs(expect));
      }
    }
    all_ok = all_ok && ok;
    std::printf("%-30s %11.2f ms %11.3f ms %12.2f  %s\n", k.expr, ms(t0, t1), median, median * 1e6 / static_cast<double>(n),
                ok ? "ok" : "MISMATCH");
  }

  jitexpr::RuntimeStats s = rt.stats();
  std::printf("\ncompiled-code cache: %zu entries, %llu hits, %llu misses\n", s.entries.size(),
              static_cast<unsigned long long>(s.hits), static_cast<unsigned long long>(s.misses));
  std::printf("%-30s %10s %10s %10s %10s %10s %10s\n", "compile phases (ms)", "tier", "parse+infer", "llvm ir",
              "optimize", "codegen", "link");
  for (const jitexpr::CacheEntryStats& e : s.entries) {
    std::string expr = e.key.substr(0, e.key.find('|'));
    std::printf("%-30s %10s %10.3f %10.3f %10.3f %10.3f %10.3f\n", expr.c_str(),
                e.first_tier == jitexpr::CodeTier::Fast ? "fast" : "optimized", e.parse_ms + e.infer_ms + e.passes_ms,
                e.irgen_ms, e.optimize_ms, e.codegen_ms, e.link_ms);
  }

  std::printf("\nerrors are reported with their position, and the program goes on:\n");
  for (const char* bad : {"2*a + sin(b", "a and b", "a + unknown", "a << 2.5"}) {
    try {
      rt.evaluate(bad, {{"a", a}, {"b", b}});
    } catch (const jitexpr::Error& e) {
      std::printf("%s: %s\n\n", std::string(jitexpr::error_kind_name(e.kind())).c_str(), e.what());
    }
  }
  return all_ok ? 0 : 1;
}
