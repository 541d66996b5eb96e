// Runtime::evaluate end to end: results, the code cache, stats, and concurrent first calls.
#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <regex>
#include <thread>
#include <vector>

namespace {

using namespace jitexpr;

TEST(Runtime, FusedExpressionMatchesScalarLoop) {
  Runtime rt;
  Array a = Array::arange(1000, DType::Float64);
  Array b = Array::linspace(0.0, 1.0, 1000);
  Array r = rt.evaluate("2*a + sin(b)", {{"a", a}, {"b", b}});
  ASSERT_EQ(r.dtype(), DType::Float64);
  ASSERT_EQ(r.shape(), Shape{1000});
  for (std::int64_t i = 0; i < 1000; ++i) {
    EXPECT_DOUBLE_EQ(r.data<double>()[i], 2 * a.data<double>()[i] + std::sin(b.data<double>()[i])) << i;
  }
}

TEST(Runtime, ScalarBindingsBroadcast) {
  Runtime rt;
  Array a = Array::arange(5, DType::Float64);
  Array r = rt.evaluate("a * k + 1", {{"a", a}, {"k", 2.5}});
  for (int i = 0; i < 5; ++i) EXPECT_DOUBLE_EQ(r.data<double>()[i], i * 2.5 + 1);
}

// A host's own function inside an expression: the host computes the call, the runtime the rest,
// and positions stay those of the text as written (a name shorter or longer than the call would
// move them).
TEST(Runtime, SubstitutedSubexpressionsReadAsOperandsAndKeepPositions) {
  Runtime rt;
  Array a = Array::arange(4, DType::Float64);
  const std::string text = "h(1) * a + sum(g(2, 3))";
  Array g = Array::arange(3, DType::Float64);  // what the host's g(2, 3) gave
  std::vector<Runtime::Substitution> subs = {{{0, 4}, Value(2.0)}, {{15, 22}, Value(g)}};
  Array r = rt.evaluate(text, {{"a", a}}, subs);
  ASSERT_EQ(r.shape(), Shape{4});
  for (int i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(r.data<double>()[i], 2.0 * i + 3.0) << i;
  // Again from the cache, with other values.
  subs[0].value = Value(10.0);
  r = rt.evaluate(text, {{"a", a}}, subs);
  EXPECT_DOUBLE_EQ(r.data<double>()[1], 13.0);

  try {
    rt.evaluate("f() + nope", {}, {{{0, 3}, Value(1.0)}});
    ADD_FAILURE() << "no error";
  } catch (const NameError& e) {
    EXPECT_EQ(e.message(), "name 'nope' is not defined");
    EXPECT_EQ(e.column(), 7);
  }
  // A range that is no sub-expression.
  EXPECT_THROW(rt.evaluate("a + 1", {{"a", a}}, {{{1, 3}, Value(1.0)}}), ValueError);
  // A variable of the text that looks like the values' names does not collide with them.
  Array r2 = rt.evaluate("__jx_s0 + k()", {{"__jx_s0", a}}, {{{10, 13}, Value(1.0)}});
  EXPECT_DOUBLE_EQ(r2.data<double>()[3], 4.0);
}

TEST(Runtime, ZeroDimensionalResultForAllScalarOperands) {
  Runtime rt;
  Array r = rt.evaluate("x * 2 + 1", {{"x", 3.0}});
  EXPECT_EQ(r.ndim(), 0);
  EXPECT_DOUBLE_EQ(*r.data<double>(), 7.0);
}

TEST(Runtime, SumOfProductsIsOneFusedReduction) {
  Runtime rt;
  Array a = Array::arange(100000, DType::Float64);
  Array r = rt.evaluate("sum(a*a)", {{"a", a}});
  EXPECT_EQ(r.ndim(), 0);
  double expect = 0;
  for (int i = 0; i < 100000; ++i) expect += static_cast<double>(i) * i;
  EXPECT_NEAR(*r.data<double>(), expect, expect * 1e-15);
}

TEST(Runtime, InPlaceOutputAliasingAnInput) {
  Runtime rt;
  Array a = Array::arange(1000, DType::Float64);
  rt.evaluate("a * 2", {{"a", a}}, a);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(a.data<double>()[i], 2.0 * i);
}

TEST(Runtime, CanonicalTextSharesOneCacheEntry) {
  Runtime rt;
  Array a = Array::arange(10, DType::Float64);
  Array b = Array::arange(10, DType::Float64);
  rt.evaluate("2*a+b", {{"a", a}, {"b", b}});
  rt.evaluate("2 * a + b", {{"a", a}, {"b", b}});
  rt.evaluate("(2*a)+(b)", {{"a", a}, {"b", b}});
  RuntimeStats s = rt.stats();
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.hits, 2u);
  ASSERT_EQ(s.entries.size(), 1u);
  EXPECT_EQ(s.entries[0].hits, 2u);
  EXPECT_GT(s.entries[0].optimize_ms, 0.0);
  EXPECT_GT(s.entries[0].codegen_ms, 0.0);
}

TEST(Runtime, DifferentDtypesAreDifferentSpecializations) {
  Runtime rt;
  rt.evaluate("a + 1", {{"a", Array::arange(4, DType::Float64)}});
  rt.evaluate("a + 1", {{"a", Array::arange(4, DType::Int32)}});
  Array r = rt.evaluate("a + 1", {{"a", Array::arange(4, DType::Float32)}});
  EXPECT_EQ(r.dtype(), DType::Float32);
  EXPECT_EQ(rt.stats().misses, 3u);
}

TEST(Runtime, ConcurrentFirstCallsCompileOnce) {
  Runtime rt;
  Array a = Array::arange(1000, DType::Float64);
  constexpr int kThreads = 8;
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  std::vector<double> firsts(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) {
      }
      Array r = rt.evaluate("sin(a) * cos(a) + 3*a", {{"a", a}});
      firsts[t] = r.data<double>()[7];
    });
  }
  for (auto& th : threads) th.join();
  RuntimeStats s = rt.stats();
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.hits, static_cast<std::uint64_t>(kThreads - 1));
  for (double v : firsts) EXPECT_DOUBLE_EQ(v, std::sin(7.0) * std::cos(7.0) + 21.0);
}

TEST(Runtime, ConcurrentFailingCompilesAllSeeTheError) {
  Runtime rt;
  Array s = Array::zeros(DType::Bytes, {3}, 4);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      try {
        rt.evaluate("s + 1", {{"s", s}});
      } catch (const TypeError&) {
        errors.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 8);
  EXPECT_EQ(rt.stats().entries.size(), 0u);
}

TEST(Runtime, EvictionBeyondCapacityKeepsResultsRight) {
  RuntimeOptions o;
  o.max_cache_entries = 4;
  Runtime rt(o);
  Array a = Array::arange(16, DType::Float64);
  for (int k = 0; k < 20; ++k) {
    Array r = rt.evaluate("a + " + std::to_string(k), {{"a", a}});
    EXPECT_EQ(r.data<double>()[3], 3.0 + k);
  }
  RuntimeStats s = rt.stats();
  EXPECT_LE(s.entries.size(), 4u);
  EXPECT_EQ(s.evictions, 16u);
}

TEST(Runtime, UnknownVariableIsANameErrorWithPosition) {
  Runtime rt;
  try {
    rt.evaluate("a + bb", {{"a", 1.0}});
    FAIL() << "no error";
  } catch (const NameError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Name);
    EXPECT_EQ(e.column(), 5);
    EXPECT_EQ(e.message(), "name 'bb' is not defined");
  }
}

TEST(Runtime, NegativeRuntimeIntegerPowerIsAValueError) {
  Runtime rt;
  Array a = Array::from<std::int64_t>({2, 3});
  Array b = Array::from<std::int64_t>({1, -1});
  EXPECT_THROW(rt.evaluate("a ** b", {{"a", a}, {"b", b}}), ValueError);
  Array ok = rt.evaluate("a ** b", {{"a", a}, {"b", Array::from<std::int64_t>({3, 2})}});
  EXPECT_EQ(ok.data<std::int64_t>()[0], 8);
  EXPECT_EQ(ok.data<std::int64_t>()[1], 9);
}

}  // namespace

namespace {

using namespace jitexpr;

TEST(RuntimeFastPath, RepeatedCallsCountAsHitsAndFollowChangingArrays) {
  Runtime rt;
  Array a = Array::arange(8, DType::Float64);
  Array b = Array::arange(8, DType::Int32);
  for (int i = 0; i < 5; ++i) rt.evaluate("a * 2", {{"a", a}});
  RuntimeStats s = rt.stats();
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.hits, 4u);
  ASSERT_EQ(s.entries.size(), 1u);
  EXPECT_EQ(s.entries[0].hits, 4u);
  // Another dtype, another shape, a strided view, back again: each gets its own right answer.
  Array rb = rt.evaluate("a * 2", {{"a", b}});
  EXPECT_EQ(rb.dtype(), DType::Int32);
  EXPECT_EQ(rb.data<std::int32_t>()[7], 14);
  Array m = Array::arange(12, DType::Float64).reshape({3, 4});
  Array rm = rt.evaluate("a * 2", {{"a", m}});
  EXPECT_EQ(rm.shape(), (Shape{3, 4}));
  Array col = Array::view(m.raw_data(), DType::Float64, {3}, {32});
  Array rc = rt.evaluate("a * 2", {{"a", col}});
  EXPECT_EQ(rc.data<double>()[2], 16.0);
  Array ra = rt.evaluate("a * 2", {{"a", a}});
  EXPECT_EQ(ra.data<double>()[7], 14.0);
  // A missing binding is still reported, even after fast calls.
  EXPECT_THROW(rt.evaluate("a * 2", {{"b", a}}), NameError);
}

}  // namespace

namespace {

using namespace jitexpr;

TEST(RuntimeOverlap, OutputOverlappingAnInputPartiallyReadsACopy) {
  Runtime rt;
  // out is a[1:], the input a[:-1]: a shift by one element, as numpy computes it.
  Array a = Array::arange(1000, DType::Float64);
  double* d = a.data<double>();
  Array in = Array::view(d, DType::Float64, {999});
  Array out = Array::view(d + 1, DType::Float64, {999});
  rt.evaluate("x * 2", {{"x", in}}, out);
  EXPECT_EQ(d[0], 0.0);
  for (int i = 1; i < 1000; ++i) ASSERT_EQ(d[i], 2.0 * (i - 1)) << i;
}

TEST(RuntimeOverlap, ExactInPlaceIsVectorizedAndRight) {
  Runtime rt;
  Array a = Array::arange(100003, DType::Float64);
  rt.evaluate("a * 2 + 1", {{"a", a}}, a);
  for (int i = 0; i < 100003; ++i) ASSERT_EQ(a.data<double>()[i], 2.0 * i + 1) << i;
  // The loop carries no run-time overlap check that the in-place case would fail.
  std::string llvm = rt.dump_llvm("a * 2 + 1", {{"a", a}});
  // Vectorized at whatever width the target chose (2, 4 or 8 lanes; TargetTest pins widths).
  EXPECT_TRUE(std::regex_search(llvm, std::regex("<([2-9]|[1-9][0-9]+) x double>"))) << llvm;
  EXPECT_EQ(llvm.find("diff.check"), std::string::npos) << llvm;
  EXPECT_EQ(llvm.find("found.conflict"), std::string::npos) << llvm;
}

}  // namespace

namespace {

using namespace jitexpr;

TEST(RuntimeOrder, ResultsKeepTheOperandsMemoryOrder) {
  Runtime rt;
  Array c = Array::arange(12, DType::Float64).reshape({3, 4});
  Array f = c.transpose();  // 4 x 3, Fortran order over the same buffer
  Array r = rt.evaluate("f * 2 + 1", {{"f", f}});
  ASSERT_EQ(r.shape(), (Shape{4, 3}));
  EXPECT_TRUE(r.is_f_contiguous());
  EXPECT_FALSE(r.is_c_contiguous());
  for (std::int64_t i = 0; i < 4; ++i) {
    for (std::int64_t j = 0; j < 3; ++j) {
      EXPECT_EQ(r.at_as_complex({i, j}).real(), 2.0 * (j * 4 + i) + 1) << i << "," << j;
    }
  }
  // Walked in memory order, the Fortran operand is one contiguous loop: vectorizable.
  EXPECT_NE(rt.dump_ir("f * 2 + 1", {{"f", f}}).find("f: float64 contiguous"), std::string::npos);
  // C-order operands still give C-order results.
  EXPECT_TRUE(rt.evaluate("c * 2", {{"c", c}}).is_c_contiguous());
}

}  // namespace

namespace {

using namespace jitexpr;

TEST(RuntimeOrder, OrderCAndFForceTheLayoutOfNewResults) {
  Runtime rt;
  Array c = Array::arange(12, DType::Float64).reshape({3, 4});
  Array f = rt.evaluate("c + 1", {{"c", c}}, EvaluateOptions{Casting::Safe, Order::F});
  EXPECT_TRUE(f.is_f_contiguous());
  EXPECT_FALSE(f.is_c_contiguous());
  EXPECT_EQ(f.at_as_complex({2, 3}).real(), 12.0);
  Array back = rt.evaluate("f * 1", {{"f", f}}, EvaluateOptions{Casting::Safe, Order::C});
  EXPECT_TRUE(back.is_c_contiguous());
  EXPECT_EQ(back.at_as_complex({2, 3}).real(), 12.0);
  // The default keeps the operand's order, also on the warm path after other orders.
  EXPECT_TRUE(rt.evaluate("c + 1", {{"c", c}}).is_c_contiguous());
  EXPECT_TRUE(rt.evaluate("f * 1", {{"f", f}}).is_f_contiguous());
}

}  // namespace
