// bench_parallel: jitexpr on all threads against the machine's memory bandwidth, and at equal
// thread counts against what bench/parallel.py times for numexpr and numpy.
//
// Benchmarks are named <variant>/<case>/<threads>/<n>:
//   cpp          a hand-written loop (HandWritten.cpp) split over a ThreadTeam of <threads>
//   jitexpr_out  Runtime::evaluate(expr, bindings, out) into an existing buffer, with a runtime
//                made with RuntimeOptions::num_threads = <threads>
//   jitexpr_new  Runtime::evaluate(expr, bindings), a fresh result per call
// Cases: `triad` is STREAM's triad, out = a + 2.5*b: the cpp variant measures the bandwidth that
// jitexpr's triad is compared with; `arith` is 2*a + 3*b**2 > c into a bool array; `add`,
// `compare`, `power` and `transcendental` are the four expressions of bench_expressions (the same
// hand-written loops, here split over the team); `sumprod` is sum(a*b), a reduction to a 0-d
// result, timed for jitexpr_new only (no hand-written loop: its check is a serial long-double sum).
// The label is the expression text. The compile happens before timing. Times are wall-clock (UseRealTime): the
// work runs on several threads.
#include "Agreement.h"
#include "HandWritten.h"
#include "Warmup.h"

#include <jitexpr/Array.h>
#include <jitexpr/Runtime.h>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

using jitexpr::Array;
using jitexpr::Bindings;
using jitexpr::DType;
using namespace jitexpr::bench;

constexpr int kThreads[] = {1, 2};
constexpr std::int64_t kArithSizes[] = {1'000, 10'000, 100'000, 1'000'000, 10'000'000};
constexpr std::int64_t kTriadSizes[] = {10'000'000, 30'000'000, 100'000'000};

struct Inputs {
  Array a, b, c;
};

// a uniform in [-1, 1), b in [0.1, 1.1), c in [0, 3), fixed seed (parallel.py draws from the same
// ranges): `arith` is true for about 40% of the elements.
const Inputs& inputs(std::int64_t n) {
  static std::map<std::int64_t, Inputs> cache;
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  Inputs in{Array::empty(DType::Float64, {n}), Array::empty(DType::Float64, {n}), Array::empty(DType::Float64, {n})};
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> ua(-1.0, 1.0), ub(0.1, 1.1), uc(0.0, 3.0);
  double *a = in.a.data<double>(), *b = in.b.data<double>(), *c = in.c.data<double>();
  for (std::int64_t i = 0; i < n; ++i) {
    a[i] = ua(rng);
    b[i] = ub(rng);
    c[i] = uc(rng);
  }
  return cache.emplace(n, std::move(in)).first->second;
}

void hand_arith(const Inputs& in, Array& out, std::int64_t begin, std::int64_t end) {
  const double *a = in.a.data<double>(), *b = in.b.data<double>(), *c = in.c.data<double>();
  bool* o = out.data<bool>();
  for (std::int64_t i = begin; i < end; ++i) o[i] = 2 * a[i] + 3 * b[i] * b[i] > c[i];
}

void hand_triad_of(const Inputs& in, Array& out, std::int64_t begin, std::int64_t end) {
  hand_triad(in.a.data<double>(), in.b.data<double>(), out.data<double>(), begin, end);
}

// The single-threaded loops of HandWritten.cpp over [begin, end).
template <void (*F)(const double*, const double*, double*, std::int64_t)>
void hand_range(const Inputs& in, Array& out, std::int64_t begin, std::int64_t end) {
  F(in.a.data<double>() + begin, in.b.data<double>() + begin, out.data<double>() + begin, end - begin);
}
void hand_compare_of(const Inputs& in, Array& out, std::int64_t begin, std::int64_t end) {
  hand_compare(in.a.data<double>() + begin, in.b.data<double>() + begin, out.data<bool>() + begin, end - begin);
}

struct Case {
  const char* id;
  const char* expr;
  DType out;
  std::int64_t bytes_per_element;  // read and written, as STREAM counts them
  void (*hand)(const Inputs&, Array&, std::int64_t, std::int64_t);  // null for the reduction
};

const Case kTriad{"triad", "a + 2.5*b", DType::Float64, 24, hand_triad_of};
const Case kArith{"arith", "2*a + 3*b**2 > c", DType::Bool, 25, hand_arith};
const Case kExpressions[] = {
    {"add", "2*a+3*b", DType::Float64, 24, hand_range<hand_add>},
    {"compare", "a*b-4.1*a > 2.5*b", DType::Bool, 17, hand_compare_of},
    {"power", "2*a + b**10", DType::Float64, 24, hand_range<hand_power>},
    {"transcendental", "sin(a) + arcsinh(a/b)", DType::Float64, 24, hand_range<hand_transcendental>},
};
const Case kSumProd{"sumprod", "sum(a*b)", DType::Float64, 16, nullptr};

jitexpr::Runtime& runtime(int threads) {
  static std::map<int, std::unique_ptr<jitexpr::Runtime>> runtimes;
  auto& rt = runtimes[threads];
  if (!rt) {
    jitexpr::RuntimeOptions options;
    options.num_threads = threads;
    rt = std::make_unique<jitexpr::Runtime>(options);
  }
  return *rt;
}

ThreadTeam& team(int threads) {
  static std::map<int, std::unique_ptr<ThreadTeam>> teams;
  auto& t = teams[threads];
  if (!t) t = std::make_unique<ThreadTeam>(threads);
  return *t;
}

Bindings bindings_for(const Inputs& in) { return {{"a", in.a}, {"b", in.b}, {"c", in.c}}; }

void set_counters(benchmark::State& state, const Case& c, std::int64_t n) {
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * n * c.bytes_per_element);
  state.SetLabel(c.expr);
}

void bm_cpp(benchmark::State& state, const Case& c, int threads, std::int64_t n) {
  const Inputs& in = inputs(n);
  Array out = Array::empty(c.out, {n});
  ThreadTeam& t = team(threads);
  auto body = [&](std::int64_t begin, std::int64_t end) { c.hand(in, out, begin, end); };
  t.run(n, body);  // touch the output pages before timing, as jitexpr_out's warm-up does
  for (auto _ : state) {
    t.run(n, body);
    benchmark::ClobberMemory();
  }
  set_counters(state, c, n);
}

void bm_jitexpr(benchmark::State& state, const Case& c, int threads, std::int64_t n, bool into_out) {
  const Inputs& in = inputs(n);
  Bindings bindings = bindings_for(in);
  jitexpr::Runtime& rt = runtime(threads);
  Array out = Array::empty(c.out, {n});
  // Compiles (or hits the cache), touches `out`, waits for the optimized code and lets the runtime
  // learn the kernel's cost.
  auto call = [&] { into_out ? rt.evaluate(c.expr, bindings, out) : rt.evaluate(c.expr, bindings); };
  jitexpr_bench::warm_up(rt, call);
  for (int i = 0; i < 3; ++i) call();
  for (auto _ : state) {
    Array r = into_out ? rt.evaluate(c.expr, bindings, out) : rt.evaluate(c.expr, bindings);
    benchmark::DoNotOptimize(r.raw_data());
    benchmark::ClobberMemory();
  }
  set_counters(state, c, n);
}

// jitexpr must compute what the hand-written loops compute, or the timings compare different work.
bool check_agreement() {
  bool ok = true;
  const std::int64_t n = 100'000;
  const Inputs& in = inputs(n);
  std::vector<const Case*> cases{&kTriad, &kArith};
  for (const Case& c : kExpressions) cases.push_back(&c);
  for (const Case* c : cases) {
    Array want = Array::empty(c->out, {n});
    c->hand(in, want, 0, n);
    for (int threads : kThreads) {
      Array got = runtime(threads).evaluate(c->expr, bindings_for(in));
      std::int64_t bad = count_differences(want, got);
      if (bad) {
        std::fprintf(stderr, "bench_parallel: %s on %d threads differs from the C++ loop\n", c->expr, threads);
        ok = false;
      }
    }
  }
  // sum(a*b) in another order than the serial one: agreement to rounding of the sum of |a*b|.
  long double want = 0, scale = 0;
  const double *a = in.a.data<double>(), *b = in.b.data<double>();
  for (std::int64_t i = 0; i < n; ++i) {
    want += static_cast<long double>(a[i]) * b[i];
    scale += std::fabs(static_cast<long double>(a[i]) * b[i]);
  }
  for (int threads : kThreads) {
    Array got = runtime(threads).evaluate(kSumProd.expr, bindings_for(in));
    if (got.size() != 1 || std::fabs(got.flat_as_double(0) - static_cast<double>(want)) > 1e-13 * static_cast<double>(scale)) {
      std::fprintf(stderr, "bench_parallel: %s on %d threads differs from a serial sum\n", kSumProd.expr, threads);
      ok = false;
    }
  }
  return ok;
}

void register_case(const Case& c, const std::int64_t* sizes, std::size_t count, bool with_new) {
  for (int threads : kThreads) {
    for (std::size_t i = 0; i < count; ++i) {
      std::int64_t n = sizes[i];
      std::string suffix = "/" + std::string(c.id) + "/" + std::to_string(threads) + "/" + std::to_string(n);
      if (c.hand) {
        benchmark::RegisterBenchmark(("cpp" + suffix).c_str(), bm_cpp, c, threads, n)->UseRealTime();
        benchmark::RegisterBenchmark(("jitexpr_out" + suffix).c_str(), bm_jitexpr, c, threads, n, true)->UseRealTime();
      }
      if (with_new) {
        benchmark::RegisterBenchmark(("jitexpr_new" + suffix).c_str(), bm_jitexpr, c, threads, n, false)->UseRealTime();
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (!check_agreement()) return 1;
  register_case(kTriad, kTriadSizes, std::size(kTriadSizes), false);
  register_case(kArith, kArithSizes, std::size(kArithSizes), true);
  for (const Case& c : kExpressions) register_case(c, kArithSizes, std::size(kArithSizes), true);
  register_case(kSumProd, kArithSizes, std::size(kArithSizes), true);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
