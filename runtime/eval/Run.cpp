// Evaluation, run: the compiled code on the executor, serial or parallel, and what the run teaches
// the tiering (see RuntimeImpl.h).
#include "runtime/RuntimeImpl.h"

#include <fmt/format.h>

namespace jitexpr {

Array Runtime::Impl::run(const Parsed& parsed, const std::shared_ptr<const Compiled>& c, const IterationPlan& plan,
                         const std::vector<Array>& operands, Array& out) {
  std::int32_t flags;
  std::int64_t elements = shape_size(plan.loop_shape);
  double estimate_ns = static_cast<double>(elements) * c->ns_per_element.load();
  bool on_fast_code = !c->runs_optimized();
  if (on_fast_code && large_on_fast_code(*c, plan)) {
    request_tier_up(c);
    if (c->calls_math) {
      background.wait_idle();
      on_fast_code = !c->runs_optimized();
    }
  }
  bool long_work = estimate_ns > kParallelMinNs;
  bool parallel = long_work && pool.threads() > 1;
  // Long work goes through the pool in blocks also on one thread when it can be interrupted, or
  // when it runs on fast code that optimized code may replace between blocks.
  ThreadPool* use = parallel || (long_work && (pool.has_interrupt_flag() || on_fast_code)) ? &pool : nullptr;
  auto t0 = std::chrono::steady_clock::now();
  if (const ir::Reduce* red = c->program.reduction()) {
    flags = run_reduction(c->code, *red, plan, operands, out, use);
  } else {
    flags = run_elementwise(c->code, plan, operands, out, use);
  }
  if (on_fast_code) {
    // Hot fast code gets optimized.
    std::uint32_t runs = c->fast_runs.fetch_add(1) + 1;
    double spent = c->fast_ms.load() + ms_since(t0);
    c->fast_ms.store(spent);
    if (runs >= kHotRuns || (runs >= 2 && spent >= kHotFastMs)) request_tier_up(c);
  }
  if (!parallel && !on_fast_code && elements >= 4096) {
    // Learn the real cost from serial runs big enough to time.
    double measured = ms_since(t0) * 1e6 / static_cast<double>(elements);
    c->ns_per_element.store(0.75 * c->ns_per_element.load() + 0.25 * measured);
  }
  if (flags & JX_ERROR_BIT(JX_NEGATIVE_POWER)) {
    const Source& src = *parsed.src;
    fail_at(ErrorKind::Value, src, {0, static_cast<std::uint32_t>(src.text.size())},
            "integers to negative integer powers are not allowed");
  }
  return out;
}

}  // namespace jitexpr
