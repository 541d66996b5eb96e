// Warming a runtime up for a steady-state measurement. With tiered compilation a new expression
// first runs on fast code and moves to optimized code once it is hot; a benchmark of the steady
// state times only the optimized code.
#pragma once

#include <jitexpr/Runtime.h>

namespace jitexpr_bench {

// Calls `call`, which evaluates one expression, until that expression runs its optimized code
// (at least once; at most 1000 times). Its cache entry is the most recently used one.
template <typename F> void warm_up(jitexpr::Runtime& rt, F&& call) {
  for (int i = 0; i < 1000; ++i) {
    call();
    rt.wait_for_compiles();
    jitexpr::RuntimeStats s = rt.stats();
    if (s.entries.empty() || s.entries.front().tier == jitexpr::CodeTier::Optimized) return;
  }
}

}  // namespace jitexpr_bench
