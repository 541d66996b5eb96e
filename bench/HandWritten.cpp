// Hand-written C++ loops for bench_expressions, built with -O3 -march=native (bench/CMakeLists.txt).
#include "HandWritten.h"

#include "HandJulia.h"

#include <algorithm>
#include <cmath>

namespace jitexpr::bench {

void hand_add(const double* a, const double* b, double* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = 2 * a[i] + 3 * b[i];
}

void hand_compare(const double* a, const double* b, bool* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = a[i] * b[i] - 4.1 * a[i] > 2.5 * b[i];
}

void hand_power(const double* a, const double* b, double* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    double b2 = b[i] * b[i];
    double b4 = b2 * b2;
    double b8 = b4 * b4;
    out[i] = 2 * a[i] + b8 * b2;
  }
}

void hand_power_stdpow(const double* a, const double* b, double* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = 2 * a[i] + std::pow(b[i], 10.0);
}

void hand_transcendental(const double* a, const double* b, double* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = std::sin(a[i]) + std::asinh(a[i] / b[i]);
}

void hand_triad(const double* a, const double* b, double* out, std::int64_t begin, std::int64_t end) {
  for (std::int64_t i = begin; i < end; ++i) out[i] = a[i] + 2.5 * b[i];
}

void hand_julia(const double* zs, const double* cs, std::int64_t* out, std::int64_t n, std::int64_t maxiter) {
  julia_loop(zs, cs, out, n, maxiter);
}

ThreadTeam::ThreadTeam(int threads) : threads_(threads), start_(threads), done_(threads) {
  for (int t = 1; t < threads_; ++t) {
    workers_.emplace_back([this, t] {
      for (;;) {
        start_.arrive_and_wait();
        if (stop_) return;
        chunk(t);
        done_.arrive_and_wait();
      }
    });
  }
}

ThreadTeam::~ThreadTeam() {
  stop_ = true;
  start_.arrive_and_wait();
  for (std::thread& w : workers_) w.join();
}

void ThreadTeam::chunk(int t) {
  constexpr std::int64_t kAlign = 8;  // doubles per cache line
  std::int64_t per = (n_ / threads_ + kAlign - 1) / kAlign * kAlign;
  std::int64_t begin = std::min(n_, t * per), end = t == threads_ - 1 ? n_ : std::min(n_, begin + per);
  (*body_)(begin, end);
}

void ThreadTeam::run(std::int64_t n, const std::function<void(std::int64_t, std::int64_t)>& body) {
  n_ = n;
  body_ = &body;
  start_.arrive_and_wait();
  chunk(0);
  done_.arrive_and_wait();
}

}  // namespace jitexpr::bench
