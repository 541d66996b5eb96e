// The streaming-store decision for element-wise results.
#pragma once

#include <cstdint>

namespace jitexpr {

// Streaming (non-temporal) stores for an element-wise result larger than a core's L2 cache: it
// cannot stay in the caches anyway, and stores that bypass them skip reading each line of the
// destination before writing it (a third of the memory traffic of `2*a + 3*b`).
std::int64_t streaming_min_bytes();

// Whether a base address suits streaming stores (ir::kStreamingAlignment).
bool streaming_aligned(const void* p);

}  // namespace jitexpr
