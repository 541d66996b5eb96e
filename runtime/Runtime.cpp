// jitexpr::Runtime: its public API, and the evaluation as a table of contents (RuntimeImpl.h
// names the steps and their files).
#include "runtime/RuntimeImpl.h"

#include <fmt/format.h>

namespace jitexpr {

namespace {

// A new result array of `shape` whose axes lie in memory in `order` (outermost first).
Array new_result(DType dtype, const Shape& shape, const std::vector<int>& order) {
  bool c_order = true;
  for (std::size_t k = 0; k < order.size(); ++k) c_order = c_order && order[k] == static_cast<int>(k);
  if (c_order) return Array::empty(dtype, shape);
  Shape permuted;
  for (int d : order) permuted.push_back(shape[static_cast<std::size_t>(d)]);
  std::vector<int> inverse(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) inverse[static_cast<std::size_t>(order[k])] = static_cast<int>(k);
  return Array::empty(dtype, permuted).transpose(inverse);
}

// The bindings with each input that overlaps out= without being exactly it replaced by a copy;
// null when none does.
std::optional<Bindings> without_partial_overlaps(const Bindings& bindings, const Array* out) {
  std::optional<Bindings> copied;
  if (!out) return copied;
  for (std::size_t i = 0; i < bindings.size(); ++i) {
    const Array* in = bindings[i].second.if_array();
    if (!in || !overlaps_partially(*out, *in)) continue;
    if (!copied) copied = bindings;
    (*copied)[i].second = Value(in->copy());
  }
  return copied;
}

// out= takes the result's dtype as the casting rule allows; a reduction's out= must be exact.
void check_out_dtype(const Compiled& c, const Array* out, Casting casting) {
  if (!out || out->dtype() == c.natural_type) return;
  if (c.program.reduction()) {
    throw TypeError(fmt::format("out= has dtype '{}' but the reduction gives '{}'", dtype_name(out->dtype()),
                                dtype_name(c.natural_type)));
  }
  if (!ir::can_cast(c.natural_type, out->dtype(), casting)) {
    throw TypeError(fmt::format("cannot cast the result from '{}' to out's '{}' with casting='{}'",
                                dtype_name(c.natural_type), dtype_name(out->dtype()), casting_name(casting)));
  }
}

}  // namespace

Array Runtime::Impl::evaluate(std::string_view text, const Bindings& bindings, const Array* out, Casting casting,
                              Order order) {
  return evaluate(parse(text), bindings, out, casting, order);
}

Array Runtime::Impl::evaluate(std::shared_ptr<const Parsed> parsed, const Bindings& bindings, const Array* out,
                              Casting casting, Order order) {
  std::optional<Bindings> copied = without_partial_overlaps(bindings, out);
  const Bindings* use_bindings = copied ? &*copied : &bindings;
  Bindings with_slices;
  if (std::shared_ptr<const Parsed> u = unroll(parsed, *use_bindings, out, with_slices)) {
    parsed = std::move(u);
    use_bindings = &with_slices;
  }
  if (const Parsed::Stages* stages = parsed->has_inner_reduction ? parsed->staged() : nullptr) {
    // The reductions first, each into a new operand of the stages after it.
    Bindings with_results = *use_bindings;
    for (const auto& [name, stage] : stages->reductions) {
      with_results.emplace_back(name, Value(evaluate_parsed(stage, with_results, nullptr, Casting::Safe, Order::K)));
    }
    return evaluate_parsed(stages->rest, with_results, out, casting, order);
  }
  return evaluate_parsed(parsed, *use_bindings, out, casting, order);
}

Prepared Runtime::Impl::prepare_as_evaluated(std::string_view text, const Bindings& bindings) {
  std::shared_ptr<const Parsed> parsed = parse(text);
  Bindings with_slices;
  const Bindings* use_bindings = &bindings;
  if (std::shared_ptr<const Parsed> u = unroll(parsed, bindings, nullptr, with_slices)) {
    parsed = std::move(u);
    use_bindings = &with_slices;
  }
  if (const Parsed::Stages* stages = parsed->has_inner_reduction ? parsed->staged() : nullptr) {
    // The element-wise stage, with each reduction's result typed and shaped but not computed.
    Bindings with_results = *use_bindings;
    for (const auto& [name, stage] : stages->reductions) {
      Prepared p = prepare(stage, with_results, nullptr);
      with_results.emplace_back(name, Value(Array::empty(typed_program(p).result_type(), p.out_shape)));
    }
    return prepare(stages->rest, with_results, nullptr);
  }
  return prepare(parsed, *use_bindings, nullptr);
}

Array Runtime::Impl::evaluate_parsed(const std::shared_ptr<const Parsed>& parsed, const Bindings& bindings,
                                     const Array* out_arg, Casting casting, Order order) {
  std::vector<Array> operands;
  std::shared_ptr<const FastPath> fast = match_fast_path(*parsed, bindings, out_arg, casting, order, operands);
  if (std::shared_ptr<const Compiled> c = fast ? fast->compiled.lock() : nullptr) {
    c->fast_hits.fetch_add(1, std::memory_order_relaxed);
    Array out = out_arg ? *out_arg : new_result(c->program.result_type(), fast->out_shape, fast->order);
    return run(*parsed, c, fast->plan, operands, out);
  }
  Prepared prep = prepare(parsed, bindings, out_arg, order);
  std::shared_ptr<const Compiled> c = compiled(prep);
  check_out_dtype(*c, out_arg, casting);
  DType result = c->program.result_type();
  bool elementwise = !c->program.reduction();
  Array out = out_arg       ? *out_arg
              : elementwise ? new_result(result, prep.out_shape, prep.order)
                            : Array::empty(result, prep.out_shape);
  IterationPlan& plan = prep.plan;
  if (!out_arg) {
    for (std::int64_t& s : plan.strides[0]) s *= static_cast<std::int64_t>(dtype_size(result));
  }
  remember_fast_path(prep, plan, out_arg, casting, order, c);
  return run(*prep.parsed, c, plan, prep.operands, out);
}

Runtime::Runtime(RuntimeOptions options) : impl_(std::make_unique<Impl>(options)) {}
Runtime::~Runtime() = default;

void Runtime::set_interrupt_flag(const std::atomic<bool>* flag) { impl_->pool.set_interrupt_flag(flag); }

Module Runtime::compile_module(std::string_view source, ModuleOptions options) {
  return make_module({impl_->jit_owner, impl_->pool_owner, impl_->disk, impl_->kernel_stats}, source, std::move(options));
}

Array Runtime::evaluate(std::string_view expr, const Bindings& bindings) { return impl_->evaluate(expr, bindings, nullptr); }

Array Runtime::evaluate(std::string_view expr, const Bindings& bindings,
                        const std::vector<Substitution>& substitutions) {
  Bindings with_values = bindings;
  std::shared_ptr<const Parsed> parsed = impl_->parse(expr, substitutions, with_values);
  return impl_->evaluate(std::move(parsed), with_values, nullptr, Casting::Safe, Order::K);
}

Array Runtime::evaluate(std::string_view expr, const Bindings& bindings, EvaluateOptions options) {
  return impl_->evaluate(expr, bindings, nullptr, options.casting, options.order);
}

Array Runtime::evaluate(std::string_view expr, const Bindings& bindings, Array out, EvaluateOptions options) {
  return impl_->evaluate(expr, bindings, &out, options.casting, options.order);
}

std::string Runtime::dump_ir(std::string_view expr, const Bindings& bindings) {
  Prepared prep = impl_->prepare_as_evaluated(expr, bindings);
  return ir::print_program(impl_->typed_program(prep));
}

std::string Runtime::dump_llvm(std::string_view expr, const Bindings& bindings) {
  Prepared prep = impl_->prepare_as_evaluated(expr, bindings);
  return impl_->jit.llvm_ir(impl_->typed_program(prep), {impl_->options.opt_level});
}

std::string Runtime::dump_asm(std::string_view expr, const Bindings& bindings) {
  Prepared prep = impl_->prepare_as_evaluated(expr, bindings);
  return impl_->jit.assembly(impl_->typed_program(prep), {impl_->options.opt_level});
}

void Runtime::set_num_threads(int threads) { impl_->pool.set_threads(threads); }
int Runtime::num_threads() const { return impl_->pool.threads(); }

RuntimeStats Runtime::stats() const {
  std::uint64_t fast_hits = 0;
  RuntimeStats s = impl_->cache.stats([&](const Compiled& c, CacheEntryStats& e) {
    std::uint64_t n = c.fast_hits.load(std::memory_order_relaxed);
    e.hits += n;
    fast_hits += n;
    e.tier = c.runs_optimized() ? CodeTier::Optimized : CodeTier::Fast;
    e.tier_up_ms = c.tier_up_ms.load();
  });
  s.hits += fast_hits;
  s.tier_ups = impl_->tier_ups.load();
  s.target = impl_->jit.target_description();
  s.kernel_compiles = impl_->kernel_stats->compiles.load();
  s.kernel_compile_ms = static_cast<double>(impl_->kernel_stats->compile_ns.load()) / 1e6;
  if (const CodeStore* disk = impl_->disk.get()) {
    DiskCacheInfo info = disk->cache().info();
    s.disk_enabled = true;
    s.disk_dir = info.dir;
    s.disk_entries = info.entries;
    s.disk_bytes = info.bytes;
    s.disk_hits = disk->hits();
    s.disk_misses = disk->misses();
    s.disk_errors = disk->cache().errors();
  }
  return s;
}

std::uint64_t Runtime::clear_disk_cache() { return impl_->disk ? impl_->disk->cache().clear() : 0; }

void Runtime::clear_cache() { impl_->cache.clear(); }

void Runtime::wait_for_compiles() { impl_->background.wait_idle(); }

}  // namespace jitexpr
