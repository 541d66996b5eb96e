// The cost model of expressions: what one element costs before any run is measured, and when
// work is worth other threads.
#pragma once

#include "ir/Node.h"

namespace jitexpr {

// A first guess at the cost of one element before any run is measured: memory traffic plus the
// operations, with calls of the math library much dearer than arithmetic. `calls_math` tells
// whether there are such calls.
double estimate_ns_per_element(const ir::Program& p, bool* calls_math = nullptr);

// Below this much estimated work an evaluation stays on the calling thread: waking a worker
// costs a few microseconds.
constexpr double kParallelMinNs = 50'000;

}  // namespace jitexpr
