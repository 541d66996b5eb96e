// One Runtime shared by many threads: results stay right while the code cache hits, misses,
// evicts and is cleared under them; concurrent first calls of a key compile it once; errors reach
// every waiting caller; the functions of one kernel Module specialize for several argument types
// at once while their compiled specializations run; evaluations move from fast to optimized code
// while they run. Every result is checked element by element.
// The tsan preset runs this file under ThreadSanitizer (scripts/test.sh); the arrays stay small
// enough to run on the calling thread except in the test that asks for the parallel executor.
#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <complex>
#include <cstdint>
#include <latch>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace jitexpr;

constexpr int kThreads = 8;

RuntimeOptions small_cache(std::size_t entries) {
  RuntimeOptions o;
  o.disk_cache = false;
  o.max_cache_entries = entries;
  return o;
}

// offset, offset + 1, ... as `dtype`.
Array ramp(DType dtype, std::int64_t n, std::int64_t offset) {
  Array a = Array::empty(dtype, {n});
  for (std::int64_t e = 0; e < n; ++e) {
    if (dtype == DType::Int64) a.data<std::int64_t>()[e] = offset + e;
    else a.data<double>()[e] = static_cast<double>(offset + e);
  }
  return a;
}

// Runs body(thread) on kThreads threads that start together.
template <typename F> void on_threads(int threads, F body) {
  std::latch start(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      start.arrive_and_wait();
      body(t);
    });
  }
  for (std::thread& th : pool) th.join();
}

// Evaluates `a * k + b` over ramps and counts the elements that are wrong (all exact in double).
int wrong_elements(Runtime& rt, int k, DType dtype, std::int64_t n, std::int64_t offset) {
  Array a = ramp(dtype, n, offset), b = ramp(dtype, n, 2 * offset);
  Array r = rt.evaluate(fmt::format("a * {} + b", k), {{"a", a}, {"b", b}});
  int wrong = r.dtype() != dtype || r.size() != n ? 1 : 0;
  for (std::int64_t e = 0; e < n && !wrong; ++e) {
    std::int64_t want = (offset + e) * k + 2 * offset + e;
    bool ok = dtype == DType::Int64 ? r.data<std::int64_t>()[e] == want
                                    : r.data<double>()[e] == static_cast<double>(want);
    wrong += ok ? 0 : 1;
  }
  return wrong;
}

TEST(Concurrency, ThousandsOfEvaluationsMixHitsMissesAndEvictions) {
  // 16 texts x 2 dtypes = 32 keys over a cache of 6 entries: evictions all the time, and a hot
  // key (every other call) that mostly hits. Lengths vary so that the warm-call fast path often
  // misses and the cache is consulted.
  constexpr int kPerThread = 250;
  Runtime rt(small_cache(6));
  std::atomic<int> wrong{0}, errors{0};
  on_threads(kThreads, [&](int t) {
    for (int it = 0; it < kPerThread; ++it) {
      int k = it % 2 == 0 ? 0 : (t * 7 + it * 13) % 16;
      DType dtype = it % 3 == 0 ? DType::Int64 : DType::Float64;
      try {
        wrong += wrong_elements(rt, k, dtype, 17 + it % 5, t * 1000 + it);
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++errors;
      }
    }
  });
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(errors.load(), 0);
  RuntimeStats s = rt.stats();
  EXPECT_GE(s.misses, 32u);
  EXPECT_GT(s.evictions, 0u);
  EXPECT_GT(s.hits, 0u);
  EXPECT_LE(s.entries.size(), 6u);
  EXPECT_LE(s.hits + s.misses, static_cast<std::uint64_t>(kThreads * kPerThread));
}

TEST(Concurrency, ConcurrentFirstCallsOfOneKeyCompileOnce) {
  constexpr int kRounds = 5;
  Runtime rt(small_cache(64));
  Array a = ramp(DType::Float64, 33, 1), b = ramp(DType::Float64, 33, 5);
  for (int round = 0; round < kRounds; ++round) {
    std::string text = fmt::format("sqrt(a) * {} + b", round);
    std::atomic<int> wrong{0};
    on_threads(kThreads, [&](int) {
      Array r = rt.evaluate(text, {{"a", a}, {"b", b}});
      for (std::int64_t e = 0; e < 33; ++e) {
        double want = std::sqrt(static_cast<double>(1 + e)) * round + static_cast<double>(5 + e);
        if (r.data<double>()[e] != want) ++wrong;
      }
    });
    EXPECT_EQ(wrong.load(), 0);
  }
  RuntimeStats s = rt.stats();
  EXPECT_EQ(s.misses, static_cast<std::uint64_t>(kRounds));  // one compile per key
  ASSERT_EQ(s.entries.size(), static_cast<std::size_t>(kRounds));
  for (const CacheEntryStats& e : s.entries) EXPECT_EQ(e.hits, static_cast<std::uint64_t>(kThreads - 1)) << e.key;
  EXPECT_EQ(s.hits, static_cast<std::uint64_t>(kRounds * (kThreads - 1)));
}

TEST(Concurrency, ACompileErrorReachesEveryWaitingCallerAndLeavesNoEntry) {
  Runtime rt(small_cache(64));
  Array i = ramp(DType::Int64, 8, 1);
  std::atomic<int> value_errors{0}, syntax_errors{0};
  on_threads(kThreads, [&](int t) {
    try {
      rt.evaluate(t % 2 ? "i ** -2" : "i +", {{"i", i}});
    } catch (const ValueError& e) {
      if (e.message() == "integers to negative integer powers are not allowed") ++value_errors;
    } catch (const SyntaxError&) {
      ++syntax_errors;
    }
  });
  EXPECT_EQ(value_errors.load(), kThreads / 2);
  EXPECT_EQ(syntax_errors.load(), kThreads / 2);
  EXPECT_TRUE(rt.stats().entries.empty());
  Array r = rt.evaluate("i ** 2", {{"i", i}});
  EXPECT_EQ(r.data<std::int64_t>()[7], 64);
}

TEST(Concurrency, ClearingTheCacheAndReadingStatsWhileEvaluating) {
  Runtime rt(small_cache(4));
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::thread clearer([&] {
    while (!done) {
      rt.clear_cache();
      std::this_thread::yield();
    }
  });
  std::thread reader([&] {
    while (!done) {
      RuntimeStats s = rt.stats();
      if (s.entries.size() > 4) ++wrong;
    }
  });
  on_threads(kThreads - 2, [&](int t) {
    for (int it = 0; it < 100; ++it) wrong += wrong_elements(rt, it % 8, DType::Float64, 9 + it % 3, t + it);
  });
  done = true;
  clearer.join();
  reader.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Concurrency, RuntimesOnSeveralThreadsAtOnce) {
  // Each thread its own Runtime, JIT and cache: the JITs share LLVM's process-wide state.
  std::atomic<int> wrong{0};
  on_threads(4, [&](int t) {
    Runtime rt(small_cache(8));
    for (int it = 0; it < 20; ++it) wrong += wrong_elements(rt, it % 4 + t, DType::Int64, 5, it);
  });
  EXPECT_EQ(wrong.load(), 0);
}

// The calls of KernelSpecializationsCompileOnceWhileOthersRunWarm: each is one function of
// kKernels at one tuple of argument types, that is one specialization.
constexpr const char* kKernels = R"(
def poly(x, k):
    return x * x + k

def dot(a, b):
    s = 0
    for i in range(len(a)):
        s += a[i] * b[i]
    return s

def fill(out, v):
    for i in range(len(out)):
        out[i] = v + i
    return len(out)
)";

enum class KernelCall { PolyInt, PolyFloat, PolyIntFloat, PolyComplex, DotInt, DotFloat, DotFloatInt, FillFloat,
                        FillInt, FillFloatInt };
constexpr int kKernelCalls = 10;

// Makes call `c` of kKernels with arguments drawn from `seed` and says whether its result (and,
// for fill, every element it wrote) is exactly what it should be, in the dtype it should have.
bool kernel_call_is_right(const Module& m, KernelCall c, std::int64_t seed) {
  std::int64_t n = 3 + seed % 7;
  auto ramp_dot = [&](std::int64_t off_a, std::int64_t off_b) {  // sum of (off_a + e) * (off_b + e)
    std::int64_t s = 0;
    for (std::int64_t e = 0; e < n; ++e) s += (off_a + e) * (off_b + e);
    return s;
  };
  auto filled = [&](const Array& out, DType dtype, std::int64_t v) {
    for (std::int64_t e = 0; e < n; ++e) {
      bool ok = dtype == DType::Int64 ? out.data<std::int64_t>()[e] == v + e
                                      : out.data<double>()[e] == static_cast<double>(v + e);
      if (!ok) return false;
    }
    return true;
  };
  double x = static_cast<double>(seed % 1000), k = static_cast<double>(seed % 13);
  std::int64_t xi = seed % 1000, ki = seed % 13;
  switch (c) {
    case KernelCall::PolyInt: {
      Value v = m("poly")(xi, ki);
      return v.dtype() == DType::Int64 && v.as<std::int64_t>() == xi * xi + ki;
    }
    case KernelCall::PolyFloat: {
      Value v = m("poly")(x, k);
      return v.dtype() == DType::Float64 && v.as<double>() == x * x + k;
    }
    case KernelCall::PolyIntFloat: {
      Value v = m("poly")(xi, k);
      return v.dtype() == DType::Float64 && v.as<double>() == x * x + k;
    }
    case KernelCall::PolyComplex: {
      std::complex<double> z(x, 1.0);
      Value v = m("poly")(z, ki);
      return v.dtype() == DType::Complex128 && v.as<std::complex<double>>() == std::complex<double>(x * x - 1 + k, 2 * x);
    }
    case KernelCall::DotInt: {
      Value v = m("dot")(ramp(DType::Int64, n, seed), ramp(DType::Int64, n, -seed));
      return v.dtype() == DType::Int64 && v.as<std::int64_t>() == ramp_dot(seed, -seed);
    }
    case KernelCall::DotFloat: {
      Value v = m("dot")(ramp(DType::Float64, n, seed), ramp(DType::Float64, n, 2));
      return v.dtype() == DType::Float64 && v.as<double>() == static_cast<double>(ramp_dot(seed, 2));
    }
    case KernelCall::DotFloatInt: {
      Value v = m("dot")(ramp(DType::Float64, n, 1), ramp(DType::Int64, n, seed));
      return v.dtype() == DType::Float64 && v.as<double>() == static_cast<double>(ramp_dot(1, seed));
    }
    case KernelCall::FillFloat: {
      Array out = Array::zeros(DType::Float64, {n});
      Value v = m("fill")(out, x);
      return v.as<std::int64_t>() == n && filled(out, DType::Float64, xi);
    }
    case KernelCall::FillInt: {
      Array out = Array::zeros(DType::Int64, {n});
      Value v = m("fill")(out, xi);
      return v.as<std::int64_t>() == n && filled(out, DType::Int64, xi);
    }
    case KernelCall::FillFloatInt: {
      Array out = Array::zeros(DType::Float64, {n});
      Value v = m("fill")(out, xi);
      return v.as<std::int64_t>() == n && filled(out, DType::Float64, xi);
    }
  }
  return false;
}

TEST(Concurrency, KernelSpecializationsCompileOnceWhileOthersRunWarm) {
  // 8 threads released together on 10 specializations of 3 functions of one Module, each thread
  // starting at another: the first calls compile several specializations at once (of different
  // functions) while later calls of the finished ones run warm; every call is made 24 times.
  constexpr int kPerThread = 30;
  Runtime rt(small_cache(64));  // no disk cache: every specialization is compiled here
  Module m = rt.compile_module(kKernels);
  std::atomic<int> wrong{0}, errors{0};
  auto check = [&](KernelCall c, std::int64_t seed) {
    try {
      if (!kernel_call_is_right(m, c, seed)) {
        ADD_FAILURE() << "wrong result of call " << static_cast<int>(c) << " with seed " << seed;
        ++wrong;
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
      ++errors;
    }
  };
  on_threads(kThreads, [&](int t) {
    for (int it = 0; it < kPerThread; ++it) check(static_cast<KernelCall>((t * 3 + it) % kKernelCalls), t * 100 + it);
  });
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(m("poly").specializations(), 4u);
  EXPECT_EQ(m("dot").specializations(), 3u);
  EXPECT_EQ(m("fill").specializations(), 3u);
  EXPECT_EQ(rt.stats().kernel_compiles, static_cast<std::uint64_t>(kKernelCalls));
  // Warm now: a second round compiles nothing.
  on_threads(kThreads, [&](int t) {
    for (int c = 0; c < kKernelCalls; ++c) check(static_cast<KernelCall>(c), 1000 + t);
  });
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(rt.stats().kernel_compiles, static_cast<std::uint64_t>(kKernelCalls));
}

TEST(Concurrency, ParallelEvaluationsFromSeveralThreads) {
  // Arrays large enough for the parallel executor, from several host threads at once: their
  // tasks share one worker pool.
  constexpr std::int64_t n = 1 << 18;
  Runtime rt(small_cache(16));
  Array a = ramp(DType::Float64, n, 0);
  std::atomic<int> wrong{0};
  on_threads(4, [&](int t) {
    for (int it = 0; it < 4; ++it) {
      Array r = rt.evaluate(fmt::format("a * {} + 1", t), {{"a", a}});
      for (std::int64_t e = 0; e < n; e += 997) {
        if (r.data<double>()[e] != static_cast<double>(e * t + 1)) ++wrong;
      }
      Array s = rt.evaluate("sum(a)", {{"a", a}});
      if (s.data<double>()[0] != static_cast<double>(n) * (n - 1) / 2) ++wrong;
    }
  });
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Concurrency, EvaluationsMoveToOptimizedCodeWhileRunning) {
  // Tiered compilation: the expressions start on fast code and become hot; the background
  // compiler installs their optimized code while other threads run the same entries in blocks,
  // reading the code again before each. Every element is checked; each entry is optimized once.
  constexpr std::int64_t n = 1 << 17;
  constexpr int kExprs = 3;
  RuntimeOptions o = small_cache(64);
  o.num_threads = 1;  // blocks on the calling threads: every host thread switches on its own
  Runtime rt(o);
  Array a = ramp(DType::Float64, n, 0);
  std::atomic<int> wrong{0};
  on_threads(kThreads, [&](int t) {
    for (int it = 0; it < 9; ++it) {  // 24 evaluations of each expression: hot after 16
      int k = (t + it) % kExprs;
      Array r = rt.evaluate(fmt::format("a * {} - 2", k + 3), {{"a", a}});
      for (std::int64_t e = 0; e < n; ++e) {
        if (r.data<double>()[e] != static_cast<double>(e * (k + 3) - 2)) ++wrong;
      }
    }
  });
  rt.wait_for_compiles();
  EXPECT_EQ(wrong.load(), 0);
  RuntimeStats s = rt.stats();
  EXPECT_EQ(s.tier_ups, static_cast<std::uint64_t>(kExprs));
  for (const CacheEntryStats& e : s.entries) EXPECT_EQ(e.tier, CodeTier::Optimized) << e.key;
}

}  // namespace
