// bench_expressions: jitexpr against hand-written C++ loops on four float64 expressions, one thread.
// bench/compare.py runs it with --benchmark_format=json and adds numexpr and numpy.
//
// Benchmarks are named <variant>/<case>/<n>:
//   cpp          the hand-written loop (HandWritten.cpp) into an existing buffer
//   cpp_stdpow   the same for `power`, calling std::pow(b, 10.0)
//   jitexpr_out  Runtime::evaluate(expr, bindings, out) into an existing buffer
//   jitexpr_new  Runtime::evaluate(expr, bindings), a fresh result per call as numpy and numexpr do
// The label is the expression text. The compile happens before timing starts. The comparison is
// single-threaded: the runtime is made with num_threads = 1.
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
#include <random>
#include <string>

namespace {

using jitexpr::Array;
using jitexpr::Bindings;
using jitexpr::DType;
using namespace jitexpr::bench;

constexpr std::int64_t kSizes[] = {1'000, 10'000, 100'000, 1'000'000, 10'000'000};

struct Inputs {
  Array a;
  Array b;
};

// a uniform in [-1, 1), b uniform in [0.1, 1.1), fixed seed; compare.py draws from the same ranges.
// `compare` is true for about 28% of the elements, and a/b stays within [-10, 10].
const Inputs& inputs(std::int64_t n) {
  static std::map<std::int64_t, Inputs> cache;
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  Inputs in{Array::empty(DType::Float64, {n}), Array::empty(DType::Float64, {n})};
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> ua(-1.0, 1.0), ub(0.1, 1.1);
  double* a = in.a.data<double>();
  double* b = in.b.data<double>();
  for (std::int64_t i = 0; i < n; ++i) {
    a[i] = ua(rng);
    b[i] = ub(rng);
  }
  return cache.emplace(n, std::move(in)).first->second;
}

using HandFn = void (*)(const Inputs&, Array&);

struct Case {
  const char* id;
  const char* expr;
  DType out;
  HandFn hand;
};

template <void (*F)(const double*, const double*, double*, std::int64_t)>
void run_double(const Inputs& in, Array& out) {
  F(in.a.data<double>(), in.b.data<double>(), out.data<double>(), in.a.size());
}
void run_compare(const Inputs& in, Array& out) {
  hand_compare(in.a.data<double>(), in.b.data<double>(), out.data<bool>(), in.a.size());
}

const Case kCases[] = {
    {"add", "2*a+3*b", DType::Float64, run_double<hand_add>},
    {"compare", "a*b-4.1*a > 2.5*b", DType::Bool, run_compare},
    {"power", "2*a + b**10", DType::Float64, run_double<hand_power>},
    {"transcendental", "sin(a) + arcsinh(a/b)", DType::Float64, run_double<hand_transcendental>},
};

jitexpr::Runtime& runtime() {
  static jitexpr::Runtime rt([] {
    jitexpr::RuntimeOptions options;
    options.num_threads = 1;
    return options;
  }());
  return rt;
}

Bindings bindings_for(const Inputs& in) { return {{"a", in.a}, {"b", in.b}}; }

void set_counters(benchmark::State& state, const Case& c, std::int64_t n) {
  std::int64_t out_bytes = c.out == DType::Bool ? 1 : 8;
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * n * (16 + out_bytes));
  state.SetLabel(c.expr);
}

void bm_cpp(benchmark::State& state, const Case& c, HandFn fn, std::int64_t n) {
  const Inputs& in = inputs(n);
  Array out = Array::empty(c.out, {n});
  fn(in, out);  // touch the output pages before timing, as jitexpr_out's warm-up does
  for (auto _ : state) {
    fn(in, out);
    benchmark::ClobberMemory();
  }
  set_counters(state, c, n);
}

void bm_jitexpr_out(benchmark::State& state, const Case& c, std::int64_t n) {
  const Inputs& in = inputs(n);
  Bindings bindings = bindings_for(in);
  Array out = Array::empty(c.out, {n});
  // Compiles (or hits the cache), touches `out`, and waits for the optimized code.
  jitexpr_bench::warm_up(runtime(), [&] { runtime().evaluate(c.expr, bindings, out); });
  for (auto _ : state) {
    Array r = runtime().evaluate(c.expr, bindings, out);
    benchmark::DoNotOptimize(r.raw_data());
    benchmark::ClobberMemory();
  }
  set_counters(state, c, n);
}

void bm_jitexpr_new(benchmark::State& state, const Case& c, std::int64_t n) {
  const Inputs& in = inputs(n);
  Bindings bindings = bindings_for(in);
  jitexpr_bench::warm_up(runtime(), [&] { runtime().evaluate(c.expr, bindings); });
  for (auto _ : state) {
    Array r = runtime().evaluate(c.expr, bindings);
    benchmark::DoNotOptimize(r.raw_data());
    benchmark::ClobberMemory();
  }
  set_counters(state, c, n);
}

// jitexpr must compute what the hand-written loop computes, or the timings compare different work.
bool check_agreement() {
  bool ok = true;
  const std::int64_t n = 100'000;
  const Inputs& in = inputs(n);
  for (const Case& c : kCases) {
    Array want = Array::empty(c.out, {n});
    c.hand(in, want);
    Array got = runtime().evaluate(c.expr, bindings_for(in));
    if (std::int64_t bad = count_differences(want, got)) {
      std::fprintf(stderr, "bench_expressions: %s (%s) differs from the C++ loop at %lld of %lld elements\n", c.expr,
                   got.describe().c_str(), static_cast<long long>(bad), static_cast<long long>(n));
      ok = false;
    }
  }
  return ok;
}

void register_benchmarks() {
  for (const Case& c : kCases) {
    for (std::int64_t n : kSizes) {
      std::string suffix = std::string("/") + c.id + "/" + std::to_string(n);
      benchmark::RegisterBenchmark(("cpp" + suffix).c_str(), bm_cpp, c, c.hand, n)->UseRealTime();
      if (std::string(c.id) == "power") {
        benchmark::RegisterBenchmark(("cpp_stdpow" + suffix).c_str(), bm_cpp, c, run_double<hand_power_stdpow>, n)
            ->UseRealTime();
      }
      benchmark::RegisterBenchmark(("jitexpr_out" + suffix).c_str(), bm_jitexpr_out, c, n)->UseRealTime();
      benchmark::RegisterBenchmark(("jitexpr_new" + suffix).c_str(), bm_jitexpr_new, c, n)->UseRealTime();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (!check_agreement()) return 1;
  register_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
