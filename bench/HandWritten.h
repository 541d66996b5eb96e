// The hand-written C++ loops that bench_expressions compares jitexpr against.
#pragma once

#include <barrier>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

namespace jitexpr::bench {

// Each writes out[i] for i in [0, n) from a[i] and b[i]; `out` is an existing buffer. The loops are
// what a C++ programmer writes for the expression, compiled apart (HandWritten.cpp) with
// -O3 -march=native and without -ffast-math, so they cannot be inlined into the harness.

// 2*a + 3*b
void hand_add(const double* a, const double* b, double* out, std::int64_t n);
// a*b - 4.1*a > 2.5*b
void hand_compare(const double* a, const double* b, bool* out, std::int64_t n);
// 2*a + b**10 with b**10 multiplied out by squaring (b2 = b*b, b4 = b2*b2, b8 = b4*b4, b8*b2): the
// loop a programmer who cares writes, and what jitexpr and numexpr emit for a small integer power.
void hand_power(const double* a, const double* b, double* out, std::int64_t n);
// 2*a + std::pow(b, 10.0): the loop a programmer writes first. Without -ffast-math clang keeps the
// libm call.
void hand_power_stdpow(const double* a, const double* b, double* out, std::int64_t n);
// std::sin(a) + std::asinh(a/b). Without -fno-math-errno clang does not vectorize the libm calls,
// so this is one scalar glibc call per function and element.
void hand_transcendental(const double* a, const double* b, double* out, std::int64_t n);

// The Julia set's escape counts (examples/kernels/julia.py): for each point, how many updates
// z = z*z + c happen while |z|^2 < 4, at most maxiter. z and c are the complex arrays as
// interleaved (re, im) doubles. The complex square is written out in doubles, as a C++ programmer
// does for speed (std::complex's operator* checks for NaN and may call __muldc3).
// clang contracts the loop to FMA (-ffp-contract=on), which jitexpr does not; on the book's inputs
// the counts are the same at every point all the same (bench_kernels checks it).
// clang's SLP vectorizer packs (re, im) into one vector register, which puts shuffles on the
// loop-carried path; hand_julia_noslp is the same loop built without it (HandJuliaNoSlp.cpp).
void hand_julia(const double* zs, const double* cs, std::int64_t* out, std::int64_t n, std::int64_t maxiter);
void hand_julia_noslp(const double* zs, const double* cs, std::int64_t* out, std::int64_t n, std::int64_t maxiter);

// out = a + 2.5*b (the STREAM triad), over [begin, end). The loop that measures the machine's memory
// bandwidth: 24 bytes per element (two reads, one write), nothing to compute.
void hand_triad(const double* a, const double* b, double* out, std::int64_t begin, std::int64_t end);

// A fixed team of threads for the hand-written parallel loops, made once, so that a timed call pays
// two barrier crossings (about a microsecond) and no thread creation; OpenMP's parallel-for does
// the same. run(n, body) splits [0, n) into one contiguous chunk per thread, aligned to 64 bytes
// of doubles, and calls body(begin, end) on each; the calling thread takes the first chunk.
class ThreadTeam {
 public:
  explicit ThreadTeam(int threads);
  ~ThreadTeam();
  ThreadTeam(const ThreadTeam&) = delete;
  ThreadTeam& operator=(const ThreadTeam&) = delete;

  int threads() const { return threads_; }
  void run(std::int64_t n, const std::function<void(std::int64_t, std::int64_t)>& body);

 private:
  void chunk(int t);

  int threads_;
  std::int64_t n_ = 0;
  const std::function<void(std::int64_t, std::int64_t)>* body_ = nullptr;
  bool stop_ = false;
  std::barrier<> start_, done_;
  std::vector<std::thread> workers_;
};

}  // namespace jitexpr::bench
