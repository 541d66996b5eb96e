// The in-memory cache's limits: entries and bytes of machine code. Beyond either, the least
// recently used entries are evicted and their code freed, so a process that evaluates ever new
// expressions keeps a bounded footprint.
#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace {

using namespace jitexpr;

// This process's resident memory in KiB (VmRSS).
long resident_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

TEST(CacheLimits, BytesOfCodeAreBounded) {
  const std::uint64_t limit = 64 << 10;
  Runtime rt({.opt_level = 1, .max_cache_bytes = limit, .disk_cache = false, .num_threads = 1});
  Array a = Array::arange(16, DType::Float64);
  for (int k = 0; k < 60; ++k) {
    Array r = rt.evaluate("a * " + std::to_string(k) + " + 1", {{"a", a}});
    ASSERT_EQ(r.data<double>()[3], 3.0 * k + 1);
    RuntimeStats s = rt.stats();
    EXPECT_LE(s.cache_bytes, limit) << "after " << k + 1 << " expressions";
  }
  RuntimeStats s = rt.stats();
  EXPECT_GT(s.evictions, 0u);
  EXPECT_LT(s.entries.size(), 60u);
  EXPECT_GT(s.cache_bytes, 0u);
}

TEST(CacheLimits, EvictedExpressionsCompileAgain) {
  Runtime rt({.opt_level = 1, .max_cache_entries = 2, .disk_cache = false, .num_threads = 1});
  Array a = Array::arange(8, DType::Float64);
  for (int round = 0; round < 2; ++round) {
    for (const char* e : {"a + 1", "a + 2", "a + 3"}) rt.evaluate(e, {{"a", a}});
  }
  RuntimeStats s = rt.stats();
  EXPECT_EQ(s.entries.size(), 2u);
  EXPECT_EQ(s.misses, 6u);  // each evicted before its second use
  EXPECT_EQ(rt.evaluate("a + 3", {{"a", a}}).data<double>()[7], 10.0);
}

// 100000 distinct expressions through a small cache: resident memory stops growing once the
// cache is full (about 1.5 ms per expression at -O0: this test takes minutes).
TEST(CacheLimits, ResidentMemoryStaysBoundedOver100000NewExpressions) {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
  GTEST_SKIP() << "AddressSanitizer keeps freed memory in quarantine: resident memory says nothing here";
#endif
#endif
  Runtime rt({.opt_level = 0, .max_cache_entries = 64, .disk_cache = false, .num_threads = 1});
  Array a = Array::arange(8, DType::Float64);
  auto run = [&](int from, int to) {
    for (int k = from; k < to; ++k) {
      Array r = rt.evaluate("a * " + std::to_string(k) + " - 2", {{"a", a}});
      if (r.data<double>()[1] != k - 2.0) FAIL() << "wrong result for expression " << k;
    }
  };
  run(0, 2000);  // fills the cache and warms the allocators
  const long warm = resident_kib();
  ASSERT_GT(warm, 0);
  long highest = warm;
  for (int k = 2000; k < 100'000; k += 14'000) {
    run(k, std::min(k + 14'000, 100'000));
    highest = std::max(highest, resident_kib());
  }
  EXPECT_EQ(rt.stats().entries.size(), 64u);
  EXPECT_EQ(rt.stats().misses, 100'000u);
  // 98000 more compiles, each leaving code, IR and a JITDylib behind if nothing were freed (tens
  // of KiB each): an unbounded cache would grow by gigabytes.
  EXPECT_LT(highest - warm, 16 * 1024) << "resident memory grew from " << warm << " to " << highest << " KiB";
}

}  // namespace
