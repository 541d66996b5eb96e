// Tiered compilation: a new small element-wise expression runs on fast code first; hot or large
// work gets optimized code from the background compiler, and evaluations switch to it between
// blocks. Reductions are compiled optimized at once.
#include <jitexpr/jitexpr.h>

#include "codegen/Compiler.h"
#include "runtime/Executor.h"
#include "runtime/Parallel.h"
#include "runtime/Plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace jitexpr;

RuntimeOptions memory_only(bool tiering = true) {
  RuntimeOptions o;
  o.disk_cache = false;
  o.tiering = tiering;
  o.num_threads = 1;
  return o;
}

Array filled(std::int64_t n, double scale) {
  Array a = Array::empty(DType::Float64, {n});
  for (std::int64_t i = 0; i < n; ++i) a.data<double>()[i] = std::sin(static_cast<double>(i) * 0.37) * scale;
  return a;
}

bool same_bits(const Array& x, const Array& y) {
  return x.dtype() == y.dtype() && x.shape() == y.shape() && std::memcmp(x.raw_data(), y.raw_data(), x.nbytes()) == 0;
}

CacheEntryStats only_entry(const RuntimeStats& s) {
  EXPECT_EQ(s.entries.size(), 1u);
  return s.entries.front();
}

TEST(Tiering, ANewSmallExpressionRunsOnFastCode) {
  Runtime rt(memory_only());
  Array a = filled(1000, 3.0), b = filled(1000, 5.0);
  Array r = rt.evaluate("a * 2.5 + b", {{"a", a}, {"b", b}});
  EXPECT_EQ(r.data<double>()[7], a.data<double>()[7] * 2.5 + b.data<double>()[7]);
  CacheEntryStats e = only_entry(rt.stats());
  EXPECT_EQ(e.first_tier, CodeTier::Fast);
  EXPECT_EQ(e.tier, CodeTier::Fast);
  EXPECT_GT(e.codegen_ms, 0.0);
  EXPECT_EQ(rt.stats().tier_ups, 0u);
}

TEST(Tiering, AHotExpressionGetsOptimizedCodeWithTheSameBits) {
  Runtime rt(memory_only());
  Array a = filled(1000, 3.0), b = filled(1000, 5.0);
  const char* expr = "where(a > b, a * 2.5 - b / 3.0, (a + 1.25) * (b - 0.5)) + a ** 3";
  Array first = rt.evaluate(expr, {{"a", a}, {"b", b}});
  for (int i = 0; i < 40; ++i) rt.evaluate(expr, {{"a", a}, {"b", b}});
  rt.wait_for_compiles();
  CacheEntryStats e = only_entry(rt.stats());
  EXPECT_EQ(e.first_tier, CodeTier::Fast);
  EXPECT_EQ(e.tier, CodeTier::Optimized);
  EXPECT_GT(e.tier_up_ms, 0.0);
  EXPECT_EQ(rt.stats().tier_ups, 1u);  // asked for once, however many hot calls followed
  EXPECT_TRUE(same_bits(rt.evaluate(expr, {{"a", a}, {"b", b}}), first));
}

TEST(Tiering, ALargeFirstEvaluationAsksForOptimizedCodeAtOnce) {
  // Arithmetic on 4M elements: several milliseconds on fast code, more than an optimized compile.
  Runtime rt(memory_only());
  const std::int64_t n = 1 << 22;
  Array a = filled(n, 3.0), b = filled(n, 5.0);
  Array r = rt.evaluate("a * b - 4.5 * a", {{"a", a}, {"b", b}});
  for (std::int64_t i : {std::int64_t{0}, n / 3, n - 1}) {
    EXPECT_EQ(r.data<double>()[i], a.data<double>()[i] * b.data<double>()[i] - 4.5 * a.data<double>()[i]);
  }
  rt.wait_for_compiles();
  EXPECT_EQ(rt.stats().tier_ups, 1u);
  EXPECT_EQ(only_entry(rt.stats()).tier, CodeTier::Optimized);
}

TEST(Tiering, LargeWorkWithMathFunctionsWaitsForOptimizedCode) {
  // sin on 1M elements: its fast code would call the scalar sin a million times.
  const std::int64_t n = 1 << 20;
  Array big = filled(n, 3.0), small = filled(1000, 3.0);
  {
    Runtime rt(memory_only());
    Array r = rt.evaluate("sin(a) * 2.5", {{"a", big}});
    EXPECT_NEAR(r.data<double>()[n / 2], std::sin(big.data<double>()[n / 2]) * 2.5, 1e-15);
    CacheEntryStats e = only_entry(rt.stats());
    EXPECT_EQ(e.first_tier, CodeTier::Optimized);
  }
  {
    // A fast entry made for small arrays, then large ones of the same specialization: the large
    // call waits for the optimized code. (Into out= views 8 bytes off alignment, so that the large
    // result does not get streaming stores, which are a specialization of their own.)
    Runtime rt(memory_only());
    Array buffer = Array::empty(DType::Float64, {n + 1});
    Array small_out = Array::view(buffer.data<double>() + 1, DType::Float64, {1000});
    Array big_out = Array::view(buffer.data<double>() + 1, DType::Float64, {n});
    rt.evaluate("sin(a) * 2.5", {{"a", small}}, small_out);
    EXPECT_EQ(only_entry(rt.stats()).tier, CodeTier::Fast);
    rt.evaluate("sin(a) * 2.5", {{"a", big}}, big_out);
    EXPECT_EQ(only_entry(rt.stats()).tier, CodeTier::Optimized);
    EXPECT_EQ(rt.stats().tier_ups, 1u);
    EXPECT_NEAR(big_out.data<double>()[n - 1], std::sin(big.data<double>()[n - 1]) * 2.5, 1e-15);
  }
}

TEST(Tiering, ReductionsAndTieringOffCompileOptimizedCodeFirst) {
  Array a = filled(1000, 3.0), b = filled(1000, 5.0);
  {
    Runtime rt(memory_only());
    rt.evaluate("sum(a * b)", {{"a", a}, {"b", b}});
    EXPECT_EQ(only_entry(rt.stats()).first_tier, CodeTier::Optimized);
  }
  {
    Runtime rt(memory_only(/*tiering=*/false));
    rt.evaluate("a * b", {{"a", a}, {"b", b}});
    EXPECT_EQ(only_entry(rt.stats()).first_tier, CodeTier::Optimized);
  }
}

TEST(Tiering, FastAndOptimizedCodeAgree) {
  Array a = filled(777, 3.0), b = filled(777, 5.0);
  Array i = Array::arange(777, DType::Int32), j = Array::arange(777, DType::Int64);
  Runtime fast(memory_only()), optimized(memory_only(/*tiering=*/false));
  Bindings bindings = {{"a", a}, {"b", b}, {"i", i}, {"j", j}};
  // Arithmetic, comparisons and integer operations: the same bits.
  for (const char* expr : {"a * b + 3.0 * a - b / 7.0", "(a > b) | (i % 3 == 0)", "where(a < 0, -a, a ** 2) * 1.5",
                           "i * 3 + j // 4 - (i << 2)", "abs(a - b) + sqrt(abs(a))", "a * 1e300 * b - i"}) {
    Array x = fast.evaluate(expr, bindings), y = optimized.evaluate(expr, bindings);
    EXPECT_TRUE(same_bits(x, y)) << expr;
  }
  // Math functions: scalar and vector implementations, each within a few units in the last place.
  for (const char* expr : {"sin(a) * 2.5", "exp(-a * 0.5) + b", "arcsinh(a / b)"}) {
    Array x = fast.evaluate(expr, bindings), y = optimized.evaluate(expr, bindings);
    for (std::int64_t k = 0; k < x.size(); ++k) {
      double u = x.data<double>()[k], v = y.data<double>()[k];
      bool close = (std::isnan(u) && std::isnan(v)) ||
                   std::abs(u - v) <= 8 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::abs(v));
      EXPECT_TRUE(close) << expr << " at " << k << ": " << u << " vs " << v;
    }
  }
  for (const CacheEntryStats& e : fast.stats().entries) EXPECT_EQ(e.first_tier, CodeTier::Fast) << e.key;
}

TEST(Tiering, TheDiskCacheKeepsTheCodeOfEachTier) {
  fs::path dir = fs::temp_directory_path() / ("jitexpr-tiering-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  RuntimeOptions o;
  o.disk_cache = true;
  o.cache_dir = dir.string();
  Array a = filled(1000, 3.0);
  const char* expr = "a * 0.75 - 2.0";
  auto fresh_process = [&](int evaluations) {
    Runtime rt(o);
    for (int k = 0; k < evaluations; ++k) rt.evaluate(expr, {{"a", a}});
    rt.wait_for_compiles();
    return rt.stats();
  };
  RuntimeStats first = fresh_process(1);  // compiles the fast code and stores it
  EXPECT_FALSE(only_entry(first).from_disk);
  EXPECT_EQ(only_entry(first).first_tier, CodeTier::Fast);
  RuntimeStats second = fresh_process(40);  // finds the fast code; hot, so stores the optimized code
  EXPECT_TRUE(only_entry(second).from_disk);
  EXPECT_EQ(only_entry(second).first_tier, CodeTier::Fast);
  EXPECT_EQ(only_entry(second).tier, CodeTier::Optimized);
  EXPECT_EQ(second.disk_hits, 1u);
  RuntimeStats third = fresh_process(1);  // starts on the optimized code
  EXPECT_TRUE(only_entry(third).from_disk);
  EXPECT_EQ(only_entry(third).first_tier, CodeTier::Optimized);
  EXPECT_EQ(third.disk_hits, 1u);
  EXPECT_EQ(third.disk_misses, 0u);
  fs::remove_all(dir);
}

// The executor reads the code again before each block: a kernel that installs another one in the
// slot sees the rest of the evaluation run on that one.
CodeSlot* g_slot = nullptr;
const codegen::CompiledKernel* g_second = nullptr;

std::int32_t first_code(std::int64_t n, char* const* ptrs, const std::int64_t*) {
  for (std::int64_t i = 0; i < n; ++i) reinterpret_cast<double*>(ptrs[0])[i] = 1.0;
  g_slot->store(g_second);
  return 0;
}

std::int32_t second_code(std::int64_t n, char* const* ptrs, const std::int64_t*) {
  for (std::int64_t i = 0; i < n; ++i) reinterpret_cast<double*>(ptrs[0])[i] = 2.0;
  return 0;
}

struct FunctionKernel : codegen::CompiledKernel {
  explicit FunctionKernel(codegen::ElementwiseFn fn) { entry_ = reinterpret_cast<void*>(fn); }
};

TEST(Tiering, TheExecutorSwitchesCodeBetweenBlocks) {
  const std::int64_t n = 5 * 16384 + 7;  // five whole blocks and a part
  Array a = filled(n, 1.0), out = Array::empty(DType::Float64, {n});
  FunctionKernel one(&first_code), two(&second_code);
  CodeSlot slot{&one};
  g_slot = &slot;
  g_second = &two;
  IterationPlan plan = make_plan({a}, {n}, out.strides(), 8, std::nullopt, {0});
  ThreadPool pool(1);
  run_elementwise(slot, plan, {a}, out, &pool);
  const double* r = out.data<double>();
  EXPECT_EQ(r[0], 1.0);
  EXPECT_EQ(r[16383], 1.0);
  EXPECT_EQ(r[16384], 2.0);
  EXPECT_EQ(r[n - 1], 2.0);
  // Without a pool the whole evaluation is one call of the code it started with.
  slot.store(&one);
  run_elementwise(slot, plan, {a}, out, nullptr);
  EXPECT_EQ(r[n - 1], 1.0);
}

}  // namespace
