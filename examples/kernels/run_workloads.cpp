// The book workloads (docs/workloads.md; their figures in docs/performance.md) as jitexpr
// kernels. Each .py file next to this one is loaded, compiled by jitexpr on its first call, run,
// and checked against the books' published facts; one line per workload gives the first call
// (compile and run) and a warm call. The exit status is 0 only if every check passes.
//
//   run_workloads [DIR]      DIR: the directory of the .py files (default: examples/kernels)
#include <jitexpr/jitexpr.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef JITEXPR_KERNELS_DIR
#define JITEXPR_KERNELS_DIR "examples/kernels"
#endif

namespace {

using Clock = std::chrono::steady_clock;
using jitexpr::Array;
using jitexpr::DType;

std::string kernels_dir = JITEXPR_KERNELS_DIR;

jitexpr::Module load(jitexpr::Runtime& rt, const std::string& file) {
  std::string path = kernels_dir + "/" + file;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  jitexpr::ModuleOptions options;
  options.name = path;
  return rt.compile_module(text.str(), options);
}

// One run of a workload: whether its check passed, and what it found (for the report line).
struct Outcome {
  bool ok = false;
  std::string detail;
};

std::string format(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

// Julia set, 1000 x 1000 points, at most 300 iterations: the count sum is 33219980.
Outcome julia(jitexpr::Module& m) {
  Array zs = m("initial_zs")(1000).array();
  Array cs = m("constants")(zs.size()).array();
  Array counts = Array::zeros(DType::Int64, {zs.size()});
  m("calculate_z")(300, zs, cs, counts);
  const std::int64_t* c = counts.data<std::int64_t>();
  std::int64_t sum = 0, at_max = 0;
  for (std::int64_t i = 0; i < counts.size(); ++i) {
    sum += c[i];
    at_max += c[i] == 300;
  }
  return {zs.size() == 1'000'000 && sum == 33'219'980 && at_max == 100'321,
          format("%lld points, count sum %lld (want 33219980), %lld at 300 (want 100321)",
                 static_cast<long long>(zs.size()), static_cast<long long>(sum), static_cast<long long>(at_max))};
}

// Diffusion, 500 steps on periodic 256 x 256 and 512 x 512 grids: the total is conserved.
Outcome diffusion(jitexpr::Module& m) {
  double t256 = m("run_experiment")(256, 500).as<double>();
  double t512 = m("run_experiment")(512, 500).as<double>();
  return {std::fabs(t256 - 3.38) < 1e-9 && std::fabs(t512 - 13.52) < 1e-9,
          format("total after 500 steps: %.12g at 256 (want 3.38), %.12g at 512 (want 13.52)", t256, t512)};
}

// The sum of squares of 0 .. 999999. The kernel adds in loop order, as Python does, so it must give
// the bits of that sequential sum; that sum is within 2e-12 of the exact n(n-1)(2n-1)/6 (its terms
// pass 2^53, so the additions round).
Outcome vector_norm(jitexpr::Module& m) {
  const std::int64_t n = 1'000'000;
  Array v = Array::arange(n, DType::Float64);
  double got = m("norm_square")(v).as<double>();
  double sequential = 0;
  for (std::int64_t i = 0; i < n; ++i) sequential += static_cast<double>(i) * static_cast<double>(i);
  double exact = static_cast<double>((n - 1) * n / 2 * (2 * n - 1) / 3);
  double norm = m("norm")(v).as<double>();
  return {got == sequential && std::fabs(got - exact) <= 2e-12 * exact && norm == std::sqrt(sequential),
          format("sum of squares %.17g (the sequential sum: %.17g; exact %.17g), norm %.10g", got, sequential,
                 exact, norm)};
}

// Monte Carlo pi with 1e7 samples over the runtime's threads: 3 decimals.
Outcome monte_carlo_pi(jitexpr::Module& m) {
  m.seed(2014);  // the same streams on every run, so warm runs give the same estimate
  double pi = m("estimate_pi")(10'000'000).as<double>();
  return {std::fabs(pi - std::numbers::pi) < 1e-3, format("pi ~ %.6f (|error| %.1e, want < 1e-3)", pi, std::fabs(pi - std::numbers::pi))};
}

// Trial division of the book's five numbers: three composites, two 18-digit primes.
Outcome primes(jitexpr::Module& m) {
  const std::vector<std::int64_t> numbers = {112272535095295, 100109100129100369, 100109100129101027,
                                             100109100129100151, 100109100129162907};
  const bool want[] = {false, false, false, true, true};
  jitexpr::Function check_prime = m("check_prime");
  Outcome r{true, "prime:"};
  for (std::size_t k = 0; k < numbers.size(); ++k) {
    bool got = check_prime(numbers[k]).as<bool>();
    r.ok = r.ok && got == want[k];
    r.detail += format(" %lld %s", static_cast<long long>(numbers[k]), got ? "yes" : "no");
  }
  return r;
}

// Three particles evolved by 0.1 (10000 steps): the positions the book prints, to 1e-5.
Outcome particles(jitexpr::Module& m) {
  Array xs = Array::from<double>({0.3, 0.0, -0.1});
  Array ys = Array::from<double>({0.5, -0.5, -0.4});
  Array speeds = Array::from<double>({1.0, -1.0, 3.0});
  m("evolve")(xs, ys, speeds, 0.1);
  const double want[3][2] = {{0.210269, 0.543863}, {-0.099334, -0.490034}, {0.191358, -0.365227}};
  Outcome r{true, "positions:"};
  for (int k = 0; k < 3; ++k) {
    double x = xs.data<double>()[k], y = ys.data<double>()[k];
    r.ok = r.ok && std::fabs(x - want[k][0]) < 1e-5 && std::fabs(y - want[k][1]) < 1e-5;
    r.detail += format(" (%.6f, %.6f)", x, y);
  }
  return r;
}

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

struct Workload {
  const char* name;
  const char* file;
  Outcome (*run)(jitexpr::Module&);
};

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2) {
    std::fprintf(stderr, "usage: run_workloads [DIR]\n");
    return 2;
  }
  if (argc == 2) kernels_dir = argv[1];
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each workload's line as soon as it is done

  // No disk cache, so that the first call's time is the compile's.
  jitexpr::RuntimeOptions options;
  options.disk_cache = false;
  jitexpr::Runtime rt(options);
  const Workload workloads[] = {{"julia", "julia.py", julia},       {"diffusion", "diffusion.py", diffusion},
                                {"norm", "norm.py", vector_norm},   {"pi", "pi.py", monte_carlo_pi},
                                {"primes", "primes.py", primes},    {"particles", "particles.py", particles}};
  const int warm_runs = 1;  // the checks run three times in all: keeps the ctest run short

  std::printf("book workloads as jitexpr kernels (%s), %d thread%s\n", kernels_dir.c_str(), rt.num_threads(),
              rt.num_threads() == 1 ? "" : "s");
  bool all_ok = true;
  for (const Workload& w : workloads) {
    Outcome first;
    double first_ms = 0, warm_ms = 0;
    bool ok = true;
    try {
      // Parsed here, compiled at each function's first call. A Module must not outlive its
      // Runtime: this one ends with the iteration.
      jitexpr::Module m = load(rt, w.file);
      auto t0 = Clock::now();
      first = w.run(m);
      first_ms = ms_since(t0);
      ok = first.ok;
      for (int r = 0; r < warm_runs; ++r) {
        t0 = Clock::now();
        Outcome again = w.run(m);
        double t = ms_since(t0);
        warm_ms = r == 0 ? t : std::min(warm_ms, t);  // the best warm call
        ok = ok && again.ok && again.detail == first.detail;  // warm runs must find the same
      }
    } catch (const std::exception& e) {
      ok = false;
      first.detail = std::string("error: ") + e.what();
    }
    all_ok = all_ok && ok;
    std::printf("%-10s %-4s first call %9.1f ms, warm %9.1f ms   %s\n", w.name, ok ? "ok" : "FAIL", first_ms, warm_ms,
                first.detail.c_str());
  }
  std::printf("%s\n", all_ok ? "all checks passed" : "SOME CHECKS FAILED");
  return all_ok ? 0 : 1;
}
