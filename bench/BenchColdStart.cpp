// bench_coldstart: what the first call of something new costs, the compile latency targets of
// docs/workloads.md ("Performance targets"). bench/coldstart.py runs it beside numexpr and Numba
// and times whole `jitexpr -c` processes. Each mode prints one JSON line (times in milliseconds,
// wall clock):
//
//   bench_coldstart expressions K   K distinct new small expressions ("a * 3.5 + b",
//                                   "sin(a) * 4.5", ...) on float64[1000], each evaluated once in
//                                   this process with the disk cache off: median, min and max of
//                                   the first calls, the first of the process apart (it also starts
//                                   the JIT), and the median phase split from Runtime::stats().
//                                   Tiered compilation is on, as by default: these run fast code
//   bench_coldstart optimized K     the same with tiering off: each first call waits for the
//                                   optimized code
//   bench_coldstart large N K       K new expressions on float64[N], first calls with tiering on
//                                   and, in a second runtime, off (each after the background
//                                   compiles of the one before have finished); then, for each
//                                   expression, the median of 5 calls of the optimized code
//   bench_coldstart tiers N         what each tier's code costs: for each of the 8 expression
//                                   kinds on float64[N], one thread, the best of 7 calls of code
//                                   compiled at O0 (the fast tier) and at O3, in ns per element
//   bench_coldstart kernels K       K distinct new modules, each one def summing a[i] * c over a
//                                   float64[1000], made by compile_module and called once: the
//                                   same figures, and the median kernel_compile_ms per kernel
//   bench_coldstart disk DIR K      the same expressions and kernels with the disk cache on in DIR.
//                                   Run twice: the first process finds DIR empty and fills it
//                                   ("state": "fill"), the second finds every one of the 2K
//                                   specializations there ("state": "hit"). A mix of the two, or
//                                   any count that disagrees, is an error (exit status 1).
//
// The runtime and the inputs are made before any clock starts; its construction is timed apart.
#include "Warmup.h"

#include <jitexpr/jitexpr.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

using jitexpr::Array;
using jitexpr::DType;

constexpr std::int64_t kSize = 1000;

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

// The constant that makes the k-th expression and kernel new: 1.5, 2.5, ...
std::string constant(int k) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", k + 1.5);
  return buf;
}

// Small expressions of the kinds numexpr users write, each spelled so numexpr reads it too.
std::string expression(int k) {
  static const char* const kTemplates[] = {
      "a * {} + b",        "sin(a) * {}",         "(a - {}) * b",   "sqrt(a) + b / {}",
      "where(a > {}, a, b)", "exp(-a * {}) + b", "a ** 2 + {} * b", "cos(a) + sin(b) * {}",
  };
  std::string t = kTemplates[k % (sizeof kTemplates / sizeof kTemplates[0])];
  return t.replace(t.find("{}"), 2, constant(k));
}

std::string kernel_source(int k) {
  return "def f" + std::to_string(k) +
         "(a: float64[:]) -> float64:\n"
         "    s = 0.0\n"
         "    for i in range(len(a)):\n"
         "        s += a[i] * " +
         constant(k) +
         "\n"
         "    return s\n";
}

struct Summary {
  double first = 0, median = 0, min = 0, max = 0;
};

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  std::size_t n = xs.size();
  return n == 0 ? 0.0 : n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

Summary summarize(const std::vector<double>& xs) {
  Summary s;
  if (xs.empty()) return s;
  s.first = xs.front();
  s.median = median(xs);
  s.min = *std::min_element(xs.begin(), xs.end());
  s.max = *std::max_element(xs.begin(), xs.end());
  return s;
}

std::string json(const Summary& s) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "\"first_ms\": %.4f, \"median_ms\": %.4f, \"min_ms\": %.4f, \"max_ms\": %.4f", s.first,
                s.median, s.min, s.max);
  return buf;
}

std::string number(const char* name, double v) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "\"%s\": %.4f", name, v);
  return buf;
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "bench_coldstart: %s\n", what.c_str());
  std::exit(1);
}

struct Inputs {
  explicit Inputs(std::int64_t n = kSize) : a(Array::linspace(0.5, 2.0, n)), b(Array::linspace(1.0, 3.0, n)) {}
  Array a, b;
};

// The first calls of K new expressions, and the phases the runtime recorded for each.
struct ExpressionRun {
  std::vector<double> total, other;
  std::vector<std::vector<double>> phases = std::vector<std::vector<double>>(7);  // as kPhaseNames
  int from_disk = 0;
};

constexpr const char* kPhaseNames[] = {"parse", "infer", "passes", "irgen", "optimize", "codegen", "link"};

std::vector<double> phases_of(const jitexpr::CacheEntryStats& e) {
  return {e.parse_ms, e.infer_ms, e.passes_ms, e.irgen_ms, e.optimize_ms, e.codegen_ms, e.link_ms};
}

// `settle`: wait, untimed, for the background compiles the last call asked for before the next.
ExpressionRun first_expression_calls(jitexpr::Runtime& rt, const Inputs& in, int k_count, bool settle = false) {
  ExpressionRun run;
  std::uint64_t misses = rt.stats().misses;
  for (int k = 0; k < k_count; ++k) {
    if (settle) rt.wait_for_compiles();
    std::string text = expression(k);
    auto t0 = Clock::now();
    Array r = rt.evaluate(text, {{"a", in.a}, {"b", in.b}});
    double ms = ms_since(t0);
    if (r.size() != in.a.size()) fail("'" + text + "' gave " + std::to_string(r.size()) + " elements");
    jitexpr::RuntimeStats s = rt.stats();
    // Each expression must be a new specialization, compiled or loaded by this very call.
    if (s.misses != ++misses || s.entries.empty() || s.entries.front().hits != 0) {
      fail("'" + text + "' was not a new specialization (misses " + std::to_string(s.misses) + ")");
    }
    const jitexpr::CacheEntryStats& e = s.entries.front();
    run.total.push_back(ms);
    std::vector<double> phases = phases_of(e);
    for (std::size_t p = 0; p < phases.size(); ++p) run.phases[p].push_back(phases[p]);
    run.other.push_back(ms - e.compile_ms());
    run.from_disk += e.from_disk ? 1 : 0;
  }
  return run;
}

// On a disk hit, link is the time of reading and linking the stored object.
std::string json(const ExpressionRun& run) {
  std::string s = json(summarize(run.total)) + ", \"phases_ms\": {";
  for (std::size_t p = 0; p < run.phases.size(); ++p) s += number(kPhaseNames[p], median(run.phases[p])) + ", ";
  return s + number("other", median(run.other)) + "}, \"from_disk\": " + std::to_string(run.from_disk);
}

// The first calls of K new kernels: compile_module (which parses) and the call (which infers,
// compiles or loads, and runs).
struct KernelRun {
  std::vector<double> total, module, compile;
  std::uint64_t compiles = 0;
};

KernelRun first_kernel_calls(jitexpr::Runtime& rt, const Inputs& in, int k_count) {
  KernelRun run;
  double sum = 0;
  for (std::int64_t i = 0; i < kSize; ++i) sum += in.a.data<double>()[i];
  jitexpr::RuntimeStats before = rt.stats();
  for (int k = 0; k < k_count; ++k) {
    std::string source = kernel_source(k);
    double compile_before = rt.stats().kernel_compile_ms;
    auto t0 = Clock::now();
    jitexpr::Module m = rt.compile_module(source);
    double module_ms = ms_since(t0);
    double v = m("f" + std::to_string(k))(in.a).as<double>();
    double ms = ms_since(t0);
    double expected = sum * (k + 1.5);
    if (std::abs(v - expected) > 1e-9 * std::abs(expected)) {
      fail("kernel f" + std::to_string(k) + " gave " + std::to_string(v) + ", not " + std::to_string(expected));
    }
    run.total.push_back(ms);
    run.module.push_back(module_ms);
    run.compile.push_back(rt.stats().kernel_compile_ms - compile_before);
  }
  run.compiles = rt.stats().kernel_compiles - before.kernel_compiles;
  return run;
}

std::string json(const KernelRun& run) {
  return json(summarize(run.total)) + ", " + number("module_ms", median(run.module)) + ", " +
         number("kernel_compile_ms", median(run.compile)) + ", \"kernel_compiles\": " + std::to_string(run.compiles);
}

std::string expressions_list(int k_count) {
  std::string s = "[";
  for (int k = 0; k < k_count; ++k) s += (k ? ", \"" : "\"") + expression(k) + "\"";
  return s + "]";
}

std::string kernel_template() {
  // The source of kernel k, with its name and constant as placeholders, for Numba's side.
  std::string s = kernel_source(0);
  s.replace(s.find("f0"), 2, "f{k}");
  s.replace(s.find(constant(0)), constant(0).size(), "{c}");
  std::string escaped;
  for (char c : s) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  return "\"" + escaped + "\"";
}

// A runtime with the disk cache on in `dir` or off, and the milliseconds making it took.
std::unique_ptr<jitexpr::Runtime> make_runtime(bool disk, const std::string& dir, double& ms, bool tiering = true) {
  jitexpr::RuntimeOptions o;
  o.disk_cache = disk;
  o.cache_dir = dir;
  o.tiering = tiering;
  auto t0 = Clock::now();
  auto rt = std::make_unique<jitexpr::Runtime>(o);
  ms = ms_since(t0);
  return rt;
}

int run_expressions(int k_count, bool tiering) {
  Inputs in;
  double runtime_ms = 0;
  std::unique_ptr<jitexpr::Runtime> rt = make_runtime(false, "", runtime_ms, tiering);
  ExpressionRun run = first_expression_calls(*rt, in, k_count);
  // Each first call must have run on the code of the tier asked for.
  jitexpr::CodeTier want = tiering ? jitexpr::CodeTier::Fast : jitexpr::CodeTier::Optimized;
  for (const jitexpr::CacheEntryStats& e : rt->stats().entries) {
    if (e.first_tier != want) fail("'" + e.key + "' started on the other tier");
  }
  std::printf("{\"mode\": \"%s\", \"k\": %d, %s, %s, \"exprs\": %s}\n", tiering ? "expressions" : "optimized", k_count,
              number("runtime_ms", runtime_ms).c_str(), json(run).c_str(), expressions_list(k_count).c_str());
  return 0;
}

int run_large(std::int64_t n, int k_count) {
  Inputs in(n);
  std::string out = "{\"mode\": \"large\", \"n\": " + std::to_string(n) + ", \"k\": " + std::to_string(k_count);
  {
    // The process has run such work before: the result buffers, the vector math library and the
    // worker threads are warm for both runtimes measured below, whichever goes first.
    double ms = 0;
    std::unique_ptr<jitexpr::Runtime> rt = make_runtime(false, "", ms, false);
    for (int k = 0; k < 8; ++k) rt->evaluate(expression(k + 1000), {{"a", in.a}, {"b", in.b}});
  }
  for (bool tiering : {true, false}) {
    double runtime_ms = 0;
    std::unique_ptr<jitexpr::Runtime> rt = make_runtime(false, "", runtime_ms, tiering);
    ExpressionRun run = first_expression_calls(*rt, in, k_count, /*settle=*/true);
    // The steady state: every expression again, once it runs its optimized code.
    std::vector<double> warm;
    for (int k = 0; k < k_count; ++k) {
      jitexpr_bench::warm_up(*rt, [&] { rt->evaluate(expression(k), {{"a", in.a}, {"b", in.b}}); });
      std::vector<double> times;
      for (int r = 0; r < 5; ++r) {
        auto t0 = Clock::now();
        rt->evaluate(expression(k), {{"a", in.a}, {"b", in.b}});
        times.push_back(ms_since(t0));
      }
      warm.push_back(median(times));
    }
    jitexpr::RuntimeStats s = rt->stats();
    for (const jitexpr::CacheEntryStats& e : s.entries) {
      if (e.tier != jitexpr::CodeTier::Optimized) fail("'" + e.key + "' is not on optimized code after waiting");
    }
    std::string calls, warms;
    for (std::size_t k = 0; k < run.total.size(); ++k) {
      calls += (k ? ", " : "") + std::to_string(run.total[k]);
      warms += (k ? ", " : "") + std::to_string(warm[k]);
    }
    out += std::string(", \"") + (tiering ? "tiered" : "optimized") + "\": {" + json(run) + ", \"first_calls_ms\": [" +
           calls + "], \"warm_ms\": [" + warms + "], \"tier_ups\": " + std::to_string(s.tier_ups) + "}";
  }
  std::printf("%s, \"exprs\": %s}\n", out.c_str(), expressions_list(k_count).c_str());
  return 0;
}

int run_tiers(std::int64_t n) {
  Inputs in(n);
  std::string out = "{\"mode\": \"tiers\", \"n\": " + std::to_string(n) + ", \"ns_per_element\": {";
  for (int k = 0; k < 8; ++k) {
    double best[2] = {1e300, 1e300};
    for (int optimized = 0; optimized < 2; ++optimized) {
      jitexpr::RuntimeOptions o;
      o.disk_cache = false;
      o.tiering = false;
      o.opt_level = optimized ? 3 : 0;
      o.num_threads = 1;
      jitexpr::Runtime rt(o);
      for (int r = 0; r < 7; ++r) {
        auto t0 = Clock::now();
        rt.evaluate(expression(k), {{"a", in.a}, {"b", in.b}});
        best[optimized] = std::min(best[optimized], ms_since(t0) * 1e6 / static_cast<double>(n));
      }
    }
    out += (k ? ", \"" : "\"") + expression(k) + "\": {" + number("fast", best[0]) + ", " + number("optimized", best[1]) + "}";
  }
  std::printf("%s}}\n", out.c_str());
  return 0;
}

int run_kernels(int k_count) {
  Inputs in;
  double runtime_ms = 0;
  std::unique_ptr<jitexpr::Runtime> rt = make_runtime(false, "", runtime_ms);
  KernelRun run = first_kernel_calls(*rt, in, k_count);
  if (run.compiles != static_cast<std::uint64_t>(k_count)) fail("kernel_compiles is " + std::to_string(run.compiles));
  std::printf("{\"mode\": \"kernels\", \"k\": %d, %s, %s, \"source\": %s}\n", k_count,
              number("runtime_ms", runtime_ms).c_str(), json(run).c_str(), kernel_template().c_str());
  return 0;
}

int run_disk(const std::string& dir, int k_count) {
  Inputs in;
  double runtime_ms = 0;
  std::unique_ptr<jitexpr::Runtime> rt = make_runtime(true, dir, runtime_ms);
  if (!rt->stats().disk_enabled) fail("the disk cache is off");
  ExpressionRun exprs = first_expression_calls(*rt, in, k_count);
  KernelRun kernels = first_kernel_calls(*rt, in, k_count);
  jitexpr::RuntimeStats s = rt->stats();
  std::uint64_t k = static_cast<std::uint64_t>(k_count);
  const char* state = nullptr;
  if (s.disk_hits == 0 && s.disk_misses == 2 * k && exprs.from_disk == 0 && kernels.compiles == k) state = "fill";
  if (s.disk_hits == 2 * k && s.disk_misses == 0 && exprs.from_disk == k_count && kernels.compiles == 0) state = "hit";
  if (!state || s.disk_errors != 0) {
    fail("expected all 2K = " + std::to_string(2 * k) + " specializations missing from " + dir +
         " or all found; disk hits " + std::to_string(s.disk_hits) + ", misses " + std::to_string(s.disk_misses) +
         ", damaged " + std::to_string(s.disk_errors) + ", expressions from disk " + std::to_string(exprs.from_disk) +
         ", kernels compiled " + std::to_string(kernels.compiles));
  }
  std::printf("{\"mode\": \"disk\", \"state\": \"%s\", \"k\": %d, %s, \"disk_hits\": %llu, \"disk_misses\": %llu, "
              "\"expressions\": {%s}, \"kernels\": {%s}}\n",
              state, k_count, number("runtime_ms", runtime_ms).c_str(), static_cast<unsigned long long>(s.disk_hits),
              static_cast<unsigned long long>(s.disk_misses), json(exprs).c_str(), json(kernels).c_str());
  return 0;
}

int usage() {
  std::fprintf(stderr, "usage: bench_coldstart expressions K | optimized K | large N K | tiers N | kernels K | disk DIR K\n");
  return 2;
}

int count(const char* arg) {
  int k = std::atoi(arg);
  if (k < 1 || k > 100000) std::exit(usage());
  return k;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 3 && std::strcmp(argv[1], "expressions") == 0) return run_expressions(count(argv[2]), true);
    if (argc == 3 && std::strcmp(argv[1], "optimized") == 0) return run_expressions(count(argv[2]), false);
    if (argc == 3 && std::strcmp(argv[1], "kernels") == 0) return run_kernels(count(argv[2]));
    if (argc == 3 && std::strcmp(argv[1], "tiers") == 0) {
      std::int64_t n = std::atoll(argv[2]);
      if (n < 1 || n > (std::int64_t{1} << 30)) return usage();
      return run_tiers(n);
    }
    if (argc == 4 && std::strcmp(argv[1], "large") == 0) {
      std::int64_t n = std::atoll(argv[2]);
      if (n < 1 || n > (std::int64_t{1} << 30)) return usage();
      return run_large(n, count(argv[3]));
    }
    if (argc == 4 && std::strcmp(argv[1], "disk") == 0) return run_disk(argv[2], count(argv[3]));
  } catch (const jitexpr::Error& e) {
    std::fprintf(stderr, "bench_coldstart: %s\n", e.what());
    return 1;
  }
  return usage();
}
