// What bounds checks cost: the Julia kernel (examples/kernels/julia.py, its path the first
// argument) and a periodic 2-D stencil, warm, with ModuleOptions::boundscheck on and off, best of
// 7 calls each, on one thread.
#include <jitexpr/jitexpr.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
using namespace jitexpr;
static double best_ms(const Function& f, const std::vector<Value>& args) {
  std::vector<Arg> a(args.begin(), args.end());
  double best = 1e30;
  for (int r = 0; r < 7; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    f.call(a.data(), a.size());
    best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}
int main(int argc, char** argv) {
  std::ifstream in(argv[1]);
  std::stringstream ss;
  ss << in.rdbuf();
  RuntimeOptions options;
  options.disk_cache = false;
  options.num_threads = 1;
  Runtime rt(options);
  const char* stencil = R"(
def smooth(a: float64[:, :], out: float64[:, :], steps: int64):
    n, m = a.shape
    for s in range(steps):
        for i in range(n):
            for j in range(m):
                out[i, j] = 0.25 * (a[(i + 1) % n, j] + a[i - 1, j] + a[i, (j + 1) % m] + a[i, j - 1])
)";
  for (bool check : {true, false}) {
    Module m = rt.compile_module(ss.str(), {.boundscheck = check});
    Module st = rt.compile_module(stencil, {.boundscheck = check});
    const std::int64_t n = 1000 * 1000;
    Array zs = Array::zeros(DType::Complex128, {n}), cs = Array::full(DType::Complex128, {n}, {-0.62772, -0.42193});
    std::complex<double>* z = zs.data<std::complex<double>>();
    for (std::int64_t i = 0; i < n; ++i) z[i] = {-1.8 + 3.6 * (i % 1000) / 1000.0, 1.8 - 3.6 * (i / 1000) / 1000.0};
    Array out = Array::zeros(DType::Int64, {n});
    Array g = Array::ones(DType::Float64, {512, 512}), o = Array::zeros(DType::Float64, {512, 512});
    double jul = best_ms(m("calculate_z"), {Value(std::int64_t{300}), Value(zs), Value(cs), Value(out)});
    double sten = best_ms(st("smooth"), {Value(g), Value(o), Value(std::int64_t{20})});
    std::printf("boundscheck %-3s julia %.1f ms  stencil 512x512x20 %.1f ms\n", check ? "on" : "off", jul, sten);
  }
}
