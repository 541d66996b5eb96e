// Evaluation, cache: the compiled code for a key, from memory, from disk or compiled, and its
// tier-up to optimized code (see RuntimeImpl.h).
#include "runtime/RuntimeImpl.h"

#include <fmt/format.h>

namespace jitexpr {

std::shared_ptr<const Compiled> Runtime::Impl::compiled(const Prepared& prep) {
  return cache.get(prep.key, [&](CacheEntryStats& stats) {
    auto c = std::make_shared<Compiled>();
    c->program = typed_program(prep, &c->natural_type, &stats);
    c->fast_ns_per_element = estimate_ns_per_element(c->program, &c->calls_math);
    c->ns_per_element = c->fast_ns_per_element;
    c->cache_key = prep.key;
    stats.parse_ms = prep.parsed->parse_ms;
    // The typed program is part of the disk key too: the object must match the types the
    // executor will use for it. The optimized code is looked for first, then the fast code.
    if (disk) c->disk_key = prep.key + "|" + ir::print_program(c->program);
    // A reduction is never tiered: its optimized code sums in vector lanes, its fast code in
    // order, and its result must not depend on which code folded which block. Large work that
    // calls math functions waits for the optimized code.
    bool tier = tiered() && !c->program.reduction() && !(c->calls_math && large_on_fast_code(*c, prep.plan));
    c->first_tier = tier ? CodeTier::Fast : CodeTier::Optimized;
    if (disk) {
      auto t0 = std::chrono::steady_clock::now();
      auto [code, index] =
          tier ? disk->load_first(jit, {disk_key(*c, CodeTier::Optimized), disk_key(*c, CodeTier::Fast)})
               : disk->load_first(jit, {disk_key(*c, CodeTier::Optimized)});
      if (code) {
        c->kernel = std::move(code);
        c->first_tier = index == 0 ? CodeTier::Optimized : CodeTier::Fast;
        stats.from_disk = true;
        stats.link_ms = ms_since(t0);
      }
    }
    if (!c->kernel) {
      int level = c->first_tier == CodeTier::Fast ? kFastOptLevel : options.opt_level;
      c->kernel = jit.compile(c->program, {level});
      const codegen::CompileTimings& t = c->kernel->timings();
      stats.irgen_ms = t.irgen_ms;
      stats.optimize_ms = t.optimize_ms;
      stats.codegen_ms = t.codegen_ms;
      stats.link_ms = t.link_ms;
      if (disk) disk->store(disk_key(*c, c->first_tier), *c->kernel);
    }
    c->code.store(c->kernel.get(), std::memory_order_release);
    stats.first_tier = c->first_tier;
    return std::shared_ptr<const Compiled>(std::move(c));
  });
}

bool Runtime::Impl::large_on_fast_code(const Compiled& c, const IterationPlan& plan) {
  return static_cast<double>(shape_size(plan.loop_shape)) * c.fast_ns_per_element > kOptimizeCostNs;
}

std::string Runtime::Impl::disk_key(const Compiled& c, CodeTier tier) {
  return tier == CodeTier::Fast ? c.disk_key + "|fast" : c.disk_key;
}

void Runtime::Impl::request_tier_up(const std::shared_ptr<const Compiled>& c) {
  if (c->first_tier != CodeTier::Fast || c->tier_up_requested.exchange(true)) return;
  std::weak_ptr<const Compiled> weak = c;
  background.submit([this, weak] {
    std::shared_ptr<const Compiled> entry = weak.lock();
    if (!entry) return;  // evicted meanwhile
    auto t0 = std::chrono::steady_clock::now();
    std::unique_ptr<codegen::CompiledKernel> code = jit.compile(entry->program, {options.opt_level});
    entry->tier_up_ms.store(ms_since(t0));
    if (disk) disk->store(entry->disk_key, *code);
    entry->optimized = std::move(code);
    entry->code.store(entry->optimized.get(), std::memory_order_release);
    tier_ups.fetch_add(1);
    cache.reweigh(entry->cache_key, *entry);
  });
}

}  // namespace jitexpr
