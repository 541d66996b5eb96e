// Tiered compilation of expressions: fast code first, optimized code once an expression is hot
// or its work is large; the cache entry that holds both, and what it weighs in the cache.
#pragma once

#include "codegen/Compiler.h"
#include "ir/Node.h"
#include "runtime/CodeCache.h"

#include <jitexpr/Runtime.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace jitexpr {

// Tiered compilation (docs/architecture.md): the optimization level of the fast tier, and when
// an expression's optimized code is compiled in the background.
constexpr int kFastOptLevel = 0;
// About what an optimized compile costs. An evaluation estimated to take longer than this on fast
// code is large: it asks for the optimized code at once and moves to it between blocks, or, when
// it calls math functions (which the fast code calls one element at a time and the optimized code
// through libmvec's vector variants, 3x to 6x faster), it waits for the optimized code.
constexpr double kOptimizeCostNs = 4'000'000;
// An expression becomes hot, and gets its optimized code, after this many evaluations on fast
// code, or after this much time spent in at least two of them (one evaluation's time alone may be
// a preemption).
constexpr std::uint32_t kHotRuns = 16;
constexpr double kHotFastMs = 2.0;

struct Compiled {
  ir::Program program;
  DType natural_type = DType::Float64;  // the expression's own result type, before any out= cast
  std::string cache_key, disk_key;      // disk_key: empty without a disk cache
  // The code of the first evaluation: fast (tier Fast) or optimized.
  std::unique_ptr<codegen::CompiledKernel> kernel;
  CodeTier first_tier = CodeTier::Optimized;
  // The optimized code of a fast entry, compiled in the background. Written once, before `code`
  // points to it; read only by those who saw `code` point to it.
  mutable std::unique_ptr<codegen::CompiledKernel> optimized;
  // What evaluations run now: `kernel`, then `optimized` once installed.
  mutable CodeSlot code{nullptr};
  mutable std::atomic<bool> tier_up_requested{false};
  mutable std::atomic<std::uint32_t> fast_runs{0};
  mutable std::atomic<double> fast_ms{0};
  mutable std::atomic<double> tier_up_ms{0};

  bool runs_optimized() const {
    return first_tier == CodeTier::Optimized || code.load(std::memory_order_acquire) != kernel.get();
  }
  // The estimated cost of one element on fast code (the static estimate prices math calls at
  // their scalar cost, which is what the fast code pays), and whether it calls math functions.
  double fast_ns_per_element = 1.0;
  bool calls_math = false;
  // Measured cost of one element on one thread, refined after every serial run; it decides when
  // an evaluation is big enough to wake other threads.
  mutable std::atomic<double> ns_per_element{1.0};
  // Evaluations that reused this kernel through a FastPath, never touching the cache.
  mutable std::atomic<std::uint64_t> fast_hits{0};
};

// What a cache entry weighs against RuntimeOptions::max_cache_bytes: its object (the machine
// code and its relocations, about what the JIT maps) and a fixed share for the JITDylib, the
// typed program and the bookkeeping.
constexpr std::uint64_t kEntryOverhead = 4096;
inline std::uint64_t code_weight(const Compiled& c) {
  std::uint64_t bytes = c.kernel->object().size() + kEntryOverhead;
  if (c.first_tier == CodeTier::Fast && c.runs_optimized()) bytes += c.optimized->object().size();
  return bytes;
}

}  // namespace jitexpr
