// Streaming (non-temporal) stores: an element-wise result larger than a core's L2 cache is
// written around the caches, by a specialization of its own that relies on a 64-byte aligned
// output; an out= that is not aligned gets the ordinary code, also on the fast path of a repeat.
#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include <unistd.h>

namespace {

using namespace jitexpr;

// A core's L2 cache as the runtime reads it (2 MiB where the system does not say).
std::int64_t l2_bytes() {
  long l2 = ::sysconf(_SC_LEVEL2_CACHE_SIZE);
  return l2 > 0 ? l2 : 2 << 20;
}

// float64 elements of a result at least four times this machine's L2 cache, and 8 MiB.
const std::int64_t kN = std::max<std::int64_t>(1 << 20, l2_bytes() / 2);

Array ramp(std::int64_t n) {
  Array a = Array::empty(DType::Float64, {n});
  for (std::int64_t i = 0; i < n; ++i) a.data<double>()[i] = static_cast<double>(i % 1000) * 0.5;
  return a;
}

RuntimeOptions options(bool tiering) {
  RuntimeOptions o;
  o.disk_cache = false;
  o.tiering = tiering;
  return o;
}

bool any_streaming(const RuntimeStats& s) {
  for (const CacheEntryStats& e : s.entries) {
    if (e.key.find(":streaming") != std::string::npos) return true;
  }
  return false;
}

int wrong(const Array& r, const Array& a, const Array& b) {
  int bad = 0;
  for (std::int64_t i = 0; i < r.size(); ++i) {
    bad += r.data<double>()[i] == 2 * a.data<double>()[i] + 3 * b.data<double>()[i] ? 0 : 1;
  }
  return bad;
}

TEST(StreamingStores, ALargeNewResultIsWrittenAroundTheCachesAndRight) {
  Array a = ramp(kN), b = ramp(kN);
  for (bool tiering : {true, false}) {
    Runtime rt(options(tiering));
    for (int k = 0; k < 20; ++k) {  // fast code, then optimized code once hot
      EXPECT_EQ(wrong(rt.evaluate("2*a + 3*b", {{"a", a}, {"b", b}}), a, b), 0) << k;
    }
    rt.wait_for_compiles();
    EXPECT_EQ(wrong(rt.evaluate("2*a + 3*b", {{"a", a}, {"b", b}}), a, b), 0);
    EXPECT_TRUE(any_streaming(rt.stats()));
    EXPECT_NE(rt.dump_ir("2*a + 3*b", {{"a", a}, {"b", b}}).find("streaming stores"), std::string::npos);
    // The machine code really has them: non-temporal vector stores and the closing sfence.
    std::string assembly = rt.dump_asm("2*a + 3*b", {{"a", a}, {"b", b}});
    EXPECT_NE(assembly.find("movnt"), std::string::npos);
    EXPECT_NE(assembly.find("sfence"), std::string::npos);
  }
}

TEST(StreamingStores, SmallResultsAndReductionsDoNotStream) {
  Array a = ramp(1000), big = ramp(kN);
  Runtime rt(options(true));
  rt.evaluate("2*a + 3*b", {{"a", a}, {"b", a}});
  rt.evaluate("sum(a * 2)", {{"a", big}});
  EXPECT_FALSE(any_streaming(rt.stats()));
  EXPECT_EQ(rt.dump_asm("2*a + 3*b", {{"a", a}, {"b", a}}).find("movnt"), std::string::npos);
}

TEST(StreamingStores, TheResultsBytesDecideNotItsElements) {
  // Half an L2 cache of elements: as bools the result fits the cache, as doubles it is four times it.
  std::int64_t n = l2_bytes() / 2;
  Array a = ramp(n), b = ramp(n);
  Runtime rt(options(false));
  Array r = rt.evaluate("a > b", {{"a", a}, {"b", b}});
  EXPECT_FALSE(any_streaming(rt.stats()));
  EXPECT_FALSE(r.data<bool>()[5]);
  rt.evaluate("a + b", {{"a", a}, {"b", b}});
  EXPECT_TRUE(any_streaming(rt.stats()));
}

TEST(StreamingStores, AnUnalignedOutGetsTheOrdinaryCodeEvenOnTheFastPath) {
  Array a = ramp(kN), b = ramp(kN);
  Array buffer = Array::empty(DType::Float64, {kN + 8});
  Array aligned = Array::view(buffer.data<double>(), DType::Float64, {kN});
  Array unaligned = Array::view(buffer.data<double>() + 1, DType::Float64, {kN});  // 8 bytes off
  for (bool tiering : {true, false}) {
    Runtime rt(options(tiering));
    for (int k = 0; k < 20; ++k) {
      // Alternating, with equal shapes and strides: the repeat's fast path must not reuse the
      // aligned call's code for the unaligned array.
      EXPECT_EQ(wrong(rt.evaluate("2*a + 3*b", {{"a", a}, {"b", b}}, aligned), a, b), 0);
      EXPECT_EQ(wrong(rt.evaluate("2*a + 3*b", {{"a", a}, {"b", b}}, unaligned), a, b), 0);
    }
    rt.wait_for_compiles();
    RuntimeStats s = rt.stats();
    ASSERT_EQ(s.entries.size(), 2u);  // one streaming specialization, one ordinary
    EXPECT_TRUE(any_streaming(s));
  }
}

}  // namespace
