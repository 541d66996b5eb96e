// Warming a runtime up for a steady-state measurement. With tiered compilation a new expression
// first runs on fast code and moves to optimized code once it is hot; a benchmark of the steady
// state times only the optimized code.
#pragma once

#include <jitexpr/Runtime.h>

namespace jitexpr_bench {

// Calls `call` until every cached expression of `rt` runs its optimized code (at least once; at
// most 1000 times).
template <typename F> void warm_up(jitexpr::Runtime& rt, F&& call) {
  for (int i = 0; i < 1000; ++i) {
    call();
    rt.wait_for_compiles();
    bool optimized = true;
    for (const jitexpr::CacheEntryStats& e : rt.stats().entries) optimized = optimized && e.tier == jitexpr::CodeTier::Optimized;
    if (optimized) return;
  }
}

}  // namespace jitexpr_bench
