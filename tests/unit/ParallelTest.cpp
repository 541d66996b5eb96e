// The parallel executor: the same results on any number of threads, bit for bit for reductions.
#include <jitexpr/jitexpr.h>

#include "runtime/Parallel.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <random>

namespace {

using namespace jitexpr;

Array random_array(std::int64_t n, std::uint64_t seed) {
  Array a = Array::empty(DType::Float64, {n});
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  double* d = a.data<double>();
  for (std::int64_t i = 0; i < n; ++i) d[i] = u(rng) * (i % 7 == 0 ? 1e6 : 1.0);
  return a;
}

TEST(Parallel, ReductionsAreBitForBitTheSameOnAnyThreadCount) {
  const std::int64_t n = 3'000'017;  // not a multiple of the block size
  Array a = random_array(n, 1), b = random_array(n, 2);
  Array m = random_array(1000 * 999, 3).reshape({1000, 999});
  const char* exprs[] = {"sum(a*b)", "sum(a)", "prod(1 + a*1e-7)", "min(a - b)", "max(sin(a) * b)"};
  for (const char* expr : exprs) {
    double reference = 0;
    for (int threads : {1, 2, 3, 4, 8}) {
      RuntimeOptions o;
      o.num_threads = threads;
      Runtime rt(o);
      Array r = rt.evaluate(expr, {{"a", a}, {"b", b}});
      double v = *r.data<double>();
      if (threads == 1) reference = v;
      EXPECT_EQ(std::memcmp(&v, &reference, sizeof v), 0) << expr << " on " << threads << " threads: " << v << " vs " << reference;
    }
  }
  Array ref0, ref1;
  for (int threads : {1, 2, 4}) {
    RuntimeOptions o;
    o.num_threads = threads;
    Runtime rt(o);
    Array r0 = rt.evaluate("sum(m * m, axis=0)", {{"m", m}});
    Array r1 = rt.evaluate("sum(m * m, axis=-1)", {{"m", m}});
    if (threads == 1) {
      ref0 = r0;
      ref1 = r1;
      continue;
    }
    EXPECT_EQ(std::memcmp(r0.raw_data(), ref0.raw_data(), r0.nbytes()), 0) << threads;
    EXPECT_EQ(std::memcmp(r1.raw_data(), ref1.raw_data(), r1.nbytes()), 0) << threads;
  }
}

TEST(Parallel, ElementwiseResultsMatchTheSerialOnesForEveryLayout) {
  Array m = random_array(600 * 700, 4).reshape({600, 700});
  // A transposed view: strided in the inner loop.
  Array t = Array::view(m.raw_data(), DType::Float64, {700, 600}, {8, 700 * 8});
  Array v = random_array(600, 5);
  RuntimeOptions one;
  one.num_threads = 1;
  RuntimeOptions four;
  four.num_threads = 4;
  Runtime serial(one), parallel(four);
  for (const char* expr : {"2*t + sin(t)", "t * v", "where(t > 0, t, -t) ** 2"}) {
    Array a = serial.evaluate(expr, {{"t", t}, {"v", v}});
    Array b = parallel.evaluate(expr, {{"t", t}, {"v", v}});
    ASSERT_EQ(a.shape(), b.shape());
    EXPECT_EQ(std::memcmp(a.raw_data(), b.raw_data(), a.nbytes()), 0) << expr;
  }
}

TEST(Parallel, ThreadCountComesFromTheEnvironment) {
  ::setenv("JITEXPR_NUM_THREADS", "3", 1);
  EXPECT_EQ(ThreadPool::default_threads(), 3);
  ::setenv("JITEXPR_NUM_THREADS", "zero", 1);
  EXPECT_GE(ThreadPool::default_threads(), 1);
  ::unsetenv("JITEXPR_NUM_THREADS");
  Runtime rt;
  rt.set_num_threads(2);
  EXPECT_EQ(rt.num_threads(), 2);
}

TEST(Parallel, ErrorBitsFromAnyThreadBecomeErrors) {
  RuntimeOptions o;
  o.num_threads = 4;
  Runtime rt(o);
  Array a = Array::full(DType::Int64, {2'000'000}, 2.0);
  Array e = Array::full(DType::Int64, {2'000'000}, 3.0);
  reinterpret_cast<std::int64_t*>(e.raw_data())[1'999'999] = -1;
  EXPECT_THROW(rt.evaluate("a ** e", {{"a", a}, {"e", e}}), ValueError);
}

}  // namespace
