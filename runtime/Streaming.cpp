#include "runtime/Streaming.h"

#include "ir/Node.h"

#include <cstdint>

#include <unistd.h>

namespace jitexpr {

std::int64_t streaming_min_bytes() {
  static const std::int64_t bytes = [] {
    long l2 = ::sysconf(_SC_LEVEL2_CACHE_SIZE);
    return static_cast<std::int64_t>(l2 > 0 ? l2 : 2 << 20);
  }();
  return bytes;
}

bool streaming_aligned(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % ir::kStreamingAlignment == 0; }

}  // namespace jitexpr
