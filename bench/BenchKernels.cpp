// bench_kernels: the Julia-set kernel of examples/kernels/julia.py (1000 x 1000 points, 300
// iterations) against the same loop hand-written in C++, on 1 and 2 threads, and the cost of a
// warm kernel call through the C++ API. bench/kernels.py runs it next to Numba.
//
// Benchmarks (Google Benchmark, wall-clock time):
//   cpp/julia/1            hand_julia (HandWritten.cpp, clang++ -O3 -march=native)
//   cpp_noslp/julia/1      hand_julia_noslp: the same loop built with -fno-slp-vectorize
//   jitexpr/julia/1        calculate_z, the serial kernel, warm
//   jitexpr_prange/julia/T calculate_z_prange on a runtime set to T threads (set_num_threads)
//   call/<case>            one warm call of a trivial kernel through Function::operator()
//
//   bench_kernels --cold [--prange | --compile]
// instead times, in this fresh process, the first call of calculate_z (or calculate_z_prange)
// with the disk cache off, which compiles it, then a warm call, and prints one JSON line; the
// runtime and the inputs are made before the clock starts. With --compile the first call gets the
// first point only, so that it times the compile alone. kernels.py runs it in several processes.
#include "HandWritten.h"

#include <jitexpr/jitexpr.h>

#include <benchmark/benchmark.h>

#include <chrono>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#ifndef JITEXPR_KERNELS_DIR
#error "JITEXPR_KERNELS_DIR must name examples/kernels (bench/CMakeLists.txt)"
#endif

namespace {

using jitexpr::Array;
using jitexpr::DType;

constexpr std::int64_t kWidth = 1000;
constexpr std::int64_t kMaxIter = 300;
constexpr std::int64_t kCountSum = 33'219'980;  // docs/workloads.md

std::string read_julia() {
  std::ifstream in(JITEXPR_KERNELS_DIR "/julia.py");
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().empty()) throw std::runtime_error("cannot read " JITEXPR_KERNELS_DIR "/julia.py");
  return text.str();
}

jitexpr::Runtime& runtime() {
  static jitexpr::Runtime rt([] {
    jitexpr::RuntimeOptions o;
    o.disk_cache = false;
    return o;
  }());
  return rt;
}

// The module and the book's inputs (built by julia.py's own kernels), made once.
struct Julia {
  jitexpr::Module module;
  Array zs, cs;
};

Julia& julia() {
  static Julia j = [] {
    jitexpr::Module m = runtime().compile_module(read_julia(), {.name = "julia.py"});
    Array zs = m("initial_zs")(kWidth).array();
    Array cs = m("constants")(zs.size()).array();
    return Julia{m, zs, cs};
  }();
  return j;
}

const double* doubles(const Array& a) { return reinterpret_cast<const double*>(a.data<std::complex<double>>()); }

std::int64_t count_sum(const Array& counts) {
  std::int64_t s = 0;
  for (std::int64_t i = 0; i < counts.size(); ++i) s += counts.data<std::int64_t>()[i];
  return s;
}

void set_counters(benchmark::State& state, const Array& counts) {
  // Inner iterations (z updates) per second: the book's "ns per inner iteration".
  state.counters["updates"] = benchmark::Counter(static_cast<double>(count_sum(counts)) * state.iterations(),
                                                 benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

using HandJulia = void (*)(const double*, const double*, std::int64_t*, std::int64_t, std::int64_t);

void bm_cpp(benchmark::State& state, HandJulia hand) {
  Julia& j = julia();
  Array out = Array::zeros(DType::Int64, {j.zs.size()});
  for (auto _ : state) {
    hand(doubles(j.zs), doubles(j.cs), out.data<std::int64_t>(), j.zs.size(), kMaxIter);
    benchmark::ClobberMemory();
  }
  set_counters(state, out);
}

void bm_jitexpr(benchmark::State& state, const char* kernel, int threads) {
  Julia& j = julia();
  Array out = Array::zeros(DType::Int64, {j.zs.size()});
  jitexpr::Function f = j.module(kernel);
  runtime().set_num_threads(threads);
  f(kMaxIter, j.zs, j.cs, out);  // compiles
  for (auto _ : state) {
    f(kMaxIter, j.zs, j.cs, out);
    benchmark::ClobberMemory();
  }
  set_counters(state, out);
}

// Trivial kernels: what a warm call costs beyond the work.
const char* kCallSource = R"(
def nothing() -> int64:
    return 1

def inc(a: int64) -> int64:
    return a + 1

def add4(a: int64, b: int64, c: int64, d: int64) -> int64:
    return a + b + c + d

def first(a: float64[:]) -> float64:
    return a[0]

def first4(a: float64[:], b: float64[:], c: float64[:], d: float64[:]) -> float64:
    return a[0] + b[0] + c[0] + d[0]
)";

jitexpr::Module& call_module() {
  static jitexpr::Module m = runtime().compile_module(kCallSource, {.name = "calls"});
  return m;
}

template <typename... A> void bm_call(benchmark::State& state, const char* kernel, const A&... args) {
  jitexpr::Function f = call_module()(kernel);
  f(args...);  // compiles
  for (auto _ : state) {
    jitexpr::Value v = f(args...);
    benchmark::DoNotOptimize(v);
  }
}

// Every variant must count what the book counts, or the timings compare different work.
bool check_agreement() {
  Julia& j = julia();
  const std::int64_t n = j.zs.size();
  Array want = Array::zeros(DType::Int64, {n});
  jitexpr::bench::hand_julia(doubles(j.zs), doubles(j.cs), want.data<std::int64_t>(), n, kMaxIter);
  Array noslp = Array::zeros(DType::Int64, {n});
  jitexpr::bench::hand_julia_noslp(doubles(j.zs), doubles(j.cs), noslp.data<std::int64_t>(), n, kMaxIter);
  bool ok = n == kWidth * kWidth && count_sum(want) == kCountSum &&
            std::memcmp(noslp.data<std::int64_t>(), want.data<std::int64_t>(), n * sizeof(std::int64_t)) == 0;
  if (!ok) std::fprintf(stderr, "bench_kernels: the C++ loop's count sum is %lld\n", static_cast<long long>(count_sum(want)));
  for (const char* kernel : {"calculate_z", "calculate_z_prange"}) {
    for (int threads : {1, 2}) {
      runtime().set_num_threads(threads);
      Array got = Array::zeros(DType::Int64, {n});
      j.module(kernel)(kMaxIter, j.zs, j.cs, got);
      if (std::memcmp(got.data<std::int64_t>(), want.data<std::int64_t>(), n * sizeof(std::int64_t)) != 0) {
        std::fprintf(stderr, "bench_kernels: %s on %d threads differs from the C++ loop\n", kernel, threads);
        ok = false;
      }
    }
  }
  return ok;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

int cold(bool prange, bool compile_only) {
  auto t0 = std::chrono::steady_clock::now();
  Julia& j = julia();  // the runtime, the module and the inputs: not timed below
  double setup_ms = ms_since(t0);
  const char* kernel = prange ? "calculate_z_prange" : "calculate_z";
  Array out = Array::zeros(DType::Int64, {j.zs.size()});
  jitexpr::Function f = j.module(kernel);
  t0 = std::chrono::steady_clock::now();
  if (compile_only) {
    Array z1 = Array::full(DType::Complex128, {1}, j.zs.data<std::complex<double>>()[0]);
    Array c1 = Array::full(DType::Complex128, {1}, j.cs.data<std::complex<double>>()[0]);
    Array o1 = Array::zeros(DType::Int64, {1});
    f(kMaxIter, z1, c1, o1);
  } else {
    f(kMaxIter, j.zs, j.cs, out);
  }
  double first_ms = ms_since(t0);
  t0 = std::chrono::steady_clock::now();
  f(kMaxIter, j.zs, j.cs, out);
  double warm_ms = ms_since(t0);
  std::printf("{\"kernel\": \"%s\", \"compile_only\": %s, \"threads\": %d, \"setup_ms\": %.3f, \"first_ms\": %.3f, \"warm_ms\": %.3f, "
              "\"count_sum\": %lld}\n",
              kernel, compile_only ? "true" : "false", runtime().num_threads(), setup_ms, first_ms, warm_ms, static_cast<long long>(count_sum(out)));
  return count_sum(out) == kCountSum ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--cold") == 0) {
    std::string mode = argc >= 3 ? argv[2] : "";
    return cold(mode == "--prange", mode == "--compile");
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (!check_agreement()) return 1;
  benchmark::RegisterBenchmark("cpp/julia/1", bm_cpp, jitexpr::bench::hand_julia)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("cpp_noslp/julia/1", bm_cpp, jitexpr::bench::hand_julia_noslp)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("jitexpr/julia/1", bm_jitexpr, "calculate_z", 1)->UseRealTime()->Unit(benchmark::kMillisecond);
  for (int threads : {1, 2}) {
    benchmark::RegisterBenchmark(("jitexpr_prange/julia/" + std::to_string(threads)).c_str(), bm_jitexpr,
                                 "calculate_z_prange", threads)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  static Array v = Array::zeros(DType::Float64, {8});
  benchmark::RegisterBenchmark("call/no_args", [](benchmark::State& s) { bm_call(s, "nothing"); });
  benchmark::RegisterBenchmark("call/int64", [](benchmark::State& s) { bm_call(s, "inc", 41); });
  benchmark::RegisterBenchmark("call/int64_x4", [](benchmark::State& s) { bm_call(s, "add4", 1, 2, 3, 4); });
  benchmark::RegisterBenchmark("call/array", [](benchmark::State& s) { bm_call(s, "first", v); });
  benchmark::RegisterBenchmark("call/array_x4", [](benchmark::State& s) { bm_call(s, "first4", v, v, v, v); });
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
