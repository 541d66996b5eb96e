// How arrays get their memory: large buffers freed recently are reused for the next array of the
// same size (no fresh pages to fault in), new arrays still start as they should, and large
// arrays made one after another start at different offsets within a page.
#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <set>

namespace {

using namespace jitexpr;

bool buffer_pool_on() {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
  return false;  // off under AddressSanitizer, which must see every free
#endif
#endif
  return true;
}

TEST(ArrayMemory, AFreedLargeBufferServesTheNextArrayOfItsSize) {
  if (!buffer_pool_on()) GTEST_SKIP() << "the buffer pool is off under AddressSanitizer";
  const std::int64_t n = 1'000'000;  // 8 MB
  void* first;
  {
    Array a = Array::full(DType::Float64, {n}, 7.0);
    first = a.raw_data();
  }
  Array zeros = Array::zeros(DType::Float64, {n});
  EXPECT_EQ(zeros.raw_data(), first);
  for (std::int64_t i = 0; i < n; i += 4099) ASSERT_EQ(zeros.data<double>()[i], 0.0) << i;  // zeroed again
  Array other = Array::empty(DType::Float64, {n + 1});  // another size: not that buffer
  EXPECT_NE(other.raw_data(), first);
}

TEST(ArrayMemory, KeptBuffersAreNeverShared) {
  const std::int64_t n = 100'000;
  std::set<void*> live;
  std::vector<Array> arrays;
  for (int round = 0; round < 3; ++round) {
    arrays.clear();
    live.clear();
    for (int k = 0; k < 12; ++k) {
      arrays.push_back(Array::full(DType::Float64, {n}, static_cast<double>(k)));
      EXPECT_TRUE(live.insert(arrays.back().raw_data()).second) << "two live arrays share a buffer";
    }
    for (int k = 0; k < 12; ++k) EXPECT_EQ(arrays[static_cast<std::size_t>(k)].data<double>()[n - 1], k);
  }
}

TEST(ArrayMemory, LargeArraysStartAtDifferentOffsetsInAPage) {
  std::set<std::uintptr_t> offsets;
  std::vector<Array> arrays;
  for (int k = 0; k < 8; ++k) {
    arrays.push_back(Array::empty(DType::Float64, {200'000 + k}));
    offsets.insert(reinterpret_cast<std::uintptr_t>(arrays.back().raw_data()) % 4096);
  }
  EXPECT_EQ(offsets.size(), 8u);
}

TEST(ArrayMemory, EvaluateInALoopReusesItsResultBuffer) {
  if (!buffer_pool_on()) GTEST_SKIP() << "the buffer pool is off under AddressSanitizer";
  Runtime rt({.disk_cache = false, .num_threads = 1});
  Array a = Array::arange(1 << 17, DType::Float64);  // a 1 MiB result
  void* last = nullptr;
  int reused = 0;
  for (int k = 0; k < 5; ++k) {
    Array r = rt.evaluate("2*a + 3", {{"a", a}});
    ASSERT_EQ(r.data<double>()[11], 25.0);
    reused += r.raw_data() == last;
    last = r.raw_data();
  }
  EXPECT_GE(reused, 3);
}

}  // namespace
