// bench_distance: the distance matrix of docs/workloads.md (Lanaro ch. 3) with jitexpr, in a
// process of its own so that its peak memory is its own. bench/distance.py runs it beside the
// numpy and numexpr versions and compares results, times and peak memory.
//
//   bench_distance POINTS.npy REPEATS [RESULT.npy]
//
// POINTS is an (N, 2) float64 array. Each repetition computes the N x N matrix of distances as one
// fused expression
//   d = sqrt(sum((a - b)**2, axis=2))     a: the points as (N, 1, 2), b: as (1, N, 2), broadcast
// (the reduction over an axis of two is unrolled: one loop over the result, no N x N x 2
// temporary). Prints one JSON line: the seconds of
// each repetition (the first, which compiles, is not timed), the resident memory after loading the
// points (VmRSS) and the peak (VmHWM), in KiB, read before the result is written to RESULT.
#include "Warmup.h"

#include <jitexpr/jitexpr.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

// A field of /proc/self/status in KiB ("VmHWM", "VmRSS").
long status_kib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_distance POINTS.npy REPEATS [RESULT.npy]\n");
    return 2;
  }
  try {
    jitexpr::Array points = jitexpr::load_npy(argv[1]);
    int repeats = std::atoi(argv[2]);
    std::int64_t n = points.shape()[0];
    jitexpr::Array a = points.reshape({n, 1, 2});
    jitexpr::Array b = points.reshape({1, n, 2});
    jitexpr::Runtime rt;
    long rss_before = status_kib("VmRSS");
    auto distances = [&] { return rt.evaluate("sqrt(sum((a - b)**2, axis=2))", {{"a", a}, {"b", b}}); };
    jitexpr::Array d;
    jitexpr_bench::warm_up(rt, [&] { d = distances(); });  // compiles
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      d = jitexpr::Array();  // free the last result first, as numpy's `d = f()` cannot
      d = distances();
      times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    long peak = status_kib("VmHWM");
    std::string list;
    for (double t : times) list += (list.empty() ? "" : ", ") + std::to_string(t);
    std::printf("{\"variant\": \"jitexpr\", \"n\": %lld, \"threads\": %d, \"times\": [%s], \"rss_before_kib\": %ld, "
                "\"peak_kib\": %ld}\n",
                static_cast<long long>(n), rt.num_threads(), list.c_str(), rss_before, peak);
    if (argc > 3) jitexpr::save_npy(argv[3], d);
  } catch (const jitexpr::Error& e) {
    std::fprintf(stderr, "bench_distance: %s\n", e.what());
    return 1;
  }
  return 0;
}
