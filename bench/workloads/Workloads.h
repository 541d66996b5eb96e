// The book workloads (docs/aot-vs-jit.md) as the programs of the AOT-versus-JIT comparison see
// them: their standard sizes, their inputs, the checks of their results, and one main() that times
// a workload and prints one JSON line. Three programs share it: workloads_cpp (hand-written C++),
// workloads_aot (kernels compiled by jitexpr-aot) and workloads_jit (the same kernels and
// expressions through the JIT). It depends on nothing of jitexpr, so that the hand-written program
// is plain C++.
//
//   workloads_<variant> WORKLOAD [--repeat R] [--save PATH]
//   workloads_<variant> --list
//
// The JSON line: {"workload", "variant", "size", "first_s" (the first call: for the JIT it
// includes starting the JIT and compiling), "warm_s" (median of R more calls), "best_s", "runs",
// "threads", "ok", "check", "checksum", "process_first_result_s" (from main() to the first result),
// "peak_rss_mb", and what the program adds}. The exit status is 0 when the check passed.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <sys/resource.h>

namespace workloads {

using Clock = std::chrono::steady_clock;

// What a check found, and whether it is what the workload wants.
struct Outcome {
  bool ok = false;
  std::string check;
  double checksum = 0;  // a number that variants of one workload can be compared by
};

inline std::string format(const char* fmt, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

// One workload as a program runs it: setup() builds the inputs (not timed), run() is the timed
// work, check() verifies what the last run() produced.
struct Case {
  std::string size;  // in words, e.g. "1000x1000 points, 300 iterations"
  std::function<void()> setup;
  std::function<void()> run;
  std::function<Outcome()> check;
};

// --- Julia set (High Performance Python ch. 2 and 7) -------------------------------------------

constexpr int kJuliaWidth = 1000;
constexpr std::int64_t kJuliaMaxIter = 300;
constexpr std::complex<double> kJuliaC{-0.62772, -0.42193};

// The start points as the book builds them: repeated float addition of the step, row-major with
// y outer and descending.
inline std::vector<std::complex<double>> julia_points(int width) {
  const double x1 = -1.8, x2 = 1.8, y1 = -1.8, y2 = 1.8;
  const double x_step = (x2 - x1) / width, y_step = (y1 - y2) / width;
  std::vector<double> xs, ys;
  for (double x = x1; x < x2; x += x_step) xs.push_back(x);
  for (double y = y2; y > y1; y += y_step) ys.push_back(y);
  std::vector<std::complex<double>> zs;
  zs.reserve(xs.size() * ys.size());
  for (double y : ys) {
    for (double x : xs) zs.emplace_back(x, y);
  }
  return zs;
}

inline Outcome check_julia(const std::int64_t* counts, std::size_t n) {
  std::int64_t sum = 0, at_max = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sum += counts[i];
    at_max += counts[i] == kJuliaMaxIter;
  }
  return {n == 1'000'000 && sum == 33'219'980 && at_max == 100'321,
          format("count sum %lld (want 33219980), %lld points at 300 (want 100321)", static_cast<long long>(sum),
                 static_cast<long long>(at_max)),
          static_cast<double>(sum)};
}

// --- 2-D diffusion (ch. 6 and 7) -----------------------------------------------------------------

constexpr std::int64_t kDiffusionN = 1024;
constexpr std::int64_t kDiffusionSteps = 500;
constexpr double kDiffusionD = 1.0, kDiffusionDt = 0.1;

inline std::vector<double> diffusion_initial(std::int64_t n) {
  std::vector<double> grid(static_cast<std::size_t>(n * n), 0.0);
  auto lo = static_cast<std::int64_t>(static_cast<double>(n) * 0.4), hi = static_cast<std::int64_t>(static_cast<double>(n) * 0.5);
  for (std::int64_t i = lo; i < hi; ++i) {
    for (std::int64_t j = lo; j < hi; ++j) grid[static_cast<std::size_t>(i * n + j)] = 0.005;
  }
  return grid;
}

// Diffusion conserves the total: the initial block's 0.005 * (hi - lo)^2.
inline Outcome check_diffusion(double total, std::int64_t n) {
  auto lo = static_cast<std::int64_t>(static_cast<double>(n) * 0.4), hi = static_cast<std::int64_t>(static_cast<double>(n) * 0.5);
  double want = 0.005 * static_cast<double>((hi - lo) * (hi - lo));
  return {std::fabs(total - want) <= 1e-9 * want, format("total after %lld steps %.12g (want %.12g)",
                                                          static_cast<long long>(kDiffusionSteps), total, want),
          total};
}

// --- Vector norm (ch. 6) -------------------------------------------------------------------------

constexpr std::int64_t kNormN = 1'000'000;

// Within 2e-12 of the exact n(n-1)(2n-1)/6: the terms pass 2^53, so a sum in loop order rounds
// (by 1.1e-12 here); a blocked or pairwise sum comes closer.
inline Outcome check_norm_square(double got) {
  const std::int64_t n = kNormN;
  double exact = static_cast<double>((n - 1) * n / 2 * (2 * n - 1) / 3);
  return {std::fabs(got - exact) <= 2e-12 * exact, format("sum of squares %.17g (exact %.17g)", got, exact), got};
}

// --- Monte Carlo pi (ch. 9) ----------------------------------------------------------------------

constexpr std::int64_t kPiSamples = 10'000'000;
constexpr std::uint64_t kPiSeed = 2014;

inline Outcome check_pi(double pi) {
  double err = std::fabs(pi - 3.14159265358979323846);
  return {err < 1e-3, format("pi ~ %.6f (|error| %.1e, want < 1e-3)", pi, err), pi};
}

// --- Primes by trial division (ch. 9) ------------------------------------------------------------

inline const std::vector<std::int64_t>& prime_candidates() {
  static const std::vector<std::int64_t> numbers = {112272535095295, 100109100129100369, 100109100129101027,
                                                    100109100129100151, 100109100129162907};
  return numbers;
}

inline Outcome check_primes(const std::vector<bool>& got) {
  const bool want[] = {false, false, false, true, true};
  Outcome r{got.size() == 5, "prime:", 0};
  for (std::size_t k = 0; k < got.size() && k < 5; ++k) {
    r.ok = r.ok && got[k] == want[k];
    r.check += format(" %lld %s", static_cast<long long>(prime_candidates()[k]), got[k] ? "yes" : "no");
    r.checksum += got[k] ? static_cast<double>(1 << k) : 0.0;
  }
  r.check += " (want no no no yes yes)";
  return r;
}

// --- Particle simulator (Lanaro ch. 1-2, 4-5) ----------------------------------------------------

constexpr std::int64_t kParticles = 1000;
constexpr double kParticleDt = 0.1;

struct Particles {
  std::vector<double> x, y, speed;
};

// kParticles particles with x, y and angular speed uniform in [-1, 1), from a fixed seed.
inline Particles random_particles(std::int64_t n) {
  std::mt19937_64 gen(1234);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Particles p;
  for (std::int64_t i = 0; i < n; ++i) {
    p.x.push_back(u(gen));
    p.y.push_back(u(gen));
    p.speed.push_back(u(gen));
  }
  return p;
}

// The book's three-particle test, after evolve(0.1): positions to 1e-5.
inline Particles three_particles() { return {{0.3, 0.0, -0.1}, {0.5, -0.5, -0.4}, {1.0, -1.0, 3.0}}; }

inline Outcome check_three_particles(const Particles& p) {
  const double want[3][2] = {{0.210269, 0.543863}, {-0.099334, -0.490034}, {0.191358, -0.365227}};
  Outcome r{true, "three-particle test:", 0};
  for (int k = 0; k < 3; ++k) {
    r.ok = r.ok && std::fabs(p.x[k] - want[k][0]) < 1e-5 && std::fabs(p.y[k] - want[k][1]) < 1e-5;
    r.check += format(" (%.6f, %.6f)", p.x[k], p.y[k]);
  }
  return r;
}

// The N-particle run cannot be checked against a published figure: it must keep every particle on
// its circle (the radius changes only by the Euler steps' drift, under 1e-3 here), and its
// checksum (the sum of all coordinates) lets the variants be compared with each other.
inline Outcome check_particles(const Particles& start, const Particles& end, const Outcome& three) {
  double worst = 0, sum = 0;
  for (std::size_t i = 0; i < start.x.size(); ++i) {
    double r0 = std::hypot(start.x[i], start.y[i]), r1 = std::hypot(end.x[i], end.y[i]);
    worst = std::max(worst, std::fabs(r1 - r0));
    sum += end.x[i] + end.y[i];
  }
  bool ok = three.ok && worst < 1e-3 && std::isfinite(sum) && end.x != start.x;
  return {ok, three.check + format("; %zu particles: radius drift %.2e (want < 1e-3), coordinate sum %.12g",
                                   start.x.size(), worst, sum),
          sum};
}

// --- Distance matrix (Lanaro ch. 3) --------------------------------------------------------------

constexpr std::int64_t kDistancePoints = 10'000;

// n points uniform in [0, 1)^2, row-major (x0, y0, x1, y1, ...).
inline std::vector<double> random_points(std::int64_t n) {
  std::mt19937_64 gen(42);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> p(static_cast<std::size_t>(2 * n));
  for (double& v : p) v = u(gen);
  return p;
}

// The n x n matrix must be symmetric with a zero diagonal, and 1000 sampled entries must equal
// the distance computed here.
inline Outcome check_distances(const std::vector<double>& points, const double* d, std::int64_t n) {
  std::mt19937_64 gen(7);
  std::uniform_int_distribution<std::int64_t> pick(0, n - 1);
  double worst = 0;
  bool ok = true;
  for (int s = 0; s < 1000; ++s) {
    std::int64_t i = pick(gen), j = pick(gen);
    double want = std::hypot(points[2 * i] - points[2 * j], points[2 * i + 1] - points[2 * j + 1]);
    worst = std::max(worst, std::fabs(d[i * n + j] - want));
    ok = ok && d[i * n + j] == d[j * n + i] && d[i * n + i] == 0.0;
  }
  double sum = 0;
  for (std::int64_t i = 0; i < n; ++i) sum += d[i * n + (i * 7919) % n];
  return {ok && worst <= 1e-12, format("%lldx%lld, symmetric with a zero diagonal: %s; 1000 entries within %.1e of hypot (want 1e-12)",
                                       static_cast<long long>(n), static_cast<long long>(n), ok ? "yes" : "NO", worst),
          sum};
}

// --- the program ---------------------------------------------------------------------------------

inline const Clock::time_point kProgramStart = Clock::now();

inline double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Where --save asks a workload to write its main result (the Julia counts), or empty.
inline std::string save_path;

// Writes a C-ordered int64 matrix as a .npy file (format 1.0), for the report's Julia image.
inline bool save_npy(const std::string& path, const std::int64_t* data, std::int64_t rows, std::int64_t cols) {
  std::string header = format("{'descr': '<i8', 'fortran_order': False, 'shape': (%lld, %lld), }",
                              static_cast<long long>(rows), static_cast<long long>(cols));
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const unsigned char len[2] = {static_cast<unsigned char>(header.size() & 0xff), static_cast<unsigned char>(header.size() >> 8)};
  bool ok = std::fwrite("\x93NUMPY\x01\x00", 1, 8, f) == 8 && std::fwrite(len, 1, 2, f) == 2 &&
            std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
            std::fwrite(data, sizeof *data, static_cast<std::size_t>(rows * cols), f) == static_cast<std::size_t>(rows * cols);
  return std::fclose(f) == 0 && ok;
}

inline double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// JSON string literal of s.
inline std::string quoted(const std::string& s) {
  std::string r = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') r += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      r += format("\\u%04x", c);
      continue;
    }
    r += c;
  }
  return r + "\"";
}

// Runs `workload` of `cases` as the command line asks and prints its JSON line. `extra` adds
// fields (",\"name\": value" each) to it, e.g. compile times. `settle`, if given, runs untimed
// before each warm run (the JIT waits there for the optimized code its first call asked for).
// `threads` is asked after the runs (the JIT's runtime starts inside the first).
inline int main_with(int argc, char** argv, const std::string& variant, const std::function<int()>& threads,
                     const std::map<std::string, std::function<Case()>>& cases,
                     const std::function<std::string()>& extra = {}, const std::function<void()>& settle = {}) {
  std::string workload;
  int repeat = 3;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--list") {
      for (const auto& [name, _] : cases) std::printf("%s %s\n", name.c_str(), variant.c_str());
      return 0;
    }
    if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--save" && i + 1 < argc) {
      save_path = argv[++i];
    } else if (workload.empty() && !a.empty() && a[0] != '-') {
      workload = a;
    } else {
      std::fprintf(stderr, "usage: %s WORKLOAD [--repeat R] [--save PATH] | --list\n", argv[0]);
      return 2;
    }
  }
  auto found = cases.find(workload);
  if (found == cases.end()) {
    std::fprintf(stderr, "%s: no workload '%s' (--list shows them)\n", argv[0], workload.c_str());
    return 2;
  }
  Case c = found->second();
  c.setup();
  auto t0 = Clock::now();
  c.run();
  double first = seconds_since(t0);
  double first_result = seconds_since(kProgramStart);
  Outcome outcome = c.check();
  const std::string first_check = outcome.check;
  bool differed = false;
  std::vector<double> times;
  for (int r = 0; r < repeat; ++r) {
    if (settle) settle();
    c.setup();
    t0 = Clock::now();
    c.run();
    times.push_back(seconds_since(t0));
    Outcome again = c.check();
    outcome.ok = outcome.ok && again.ok;
    if (again.check != first_check && !differed) {  // every run must find the same
      outcome.ok = false;
      differed = true;
      outcome.check += "; a later run found: " + again.check;
    }
  }
  std::sort(times.begin(), times.end());
  double median = times.size() % 2 ? times[times.size() / 2] : (times[times.size() / 2 - 1] + times[times.size() / 2]) / 2;
  std::printf("{\"workload\": %s, \"variant\": %s, \"size\": %s, \"first_s\": %.9g, \"warm_s\": %.9g, \"best_s\": %.9g, "
              "\"runs\": %d, \"threads\": %d, \"ok\": %s, \"check\": %s, \"checksum\": %.17g, "
              "\"process_first_result_s\": %.9g, \"peak_rss_mb\": %.1f%s}\n",
              quoted(workload).c_str(), quoted(variant).c_str(), quoted(c.size).c_str(), first, median, times.front(),
              repeat, threads(), outcome.ok ? "true" : "false", quoted(outcome.check).c_str(), outcome.checksum,
              first_result, peak_rss_mb(), extra ? extra().c_str() : "");
  return outcome.ok ? 0 : 1;
}

inline int main_with(int argc, char** argv, const std::string& variant, int threads,
                     const std::map<std::string, std::function<Case()>>& cases,
                     const std::function<std::string()>& extra = {}) {
  return main_with(argc, argv, variant, std::function<int()>([threads] { return threads; }), cases, extra);
}

}  // namespace workloads
