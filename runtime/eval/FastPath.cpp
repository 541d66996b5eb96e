// Evaluation, fast path: the last specialization of a text again, when the arrays match it (see
// RuntimeImpl.h).
#include "runtime/RuntimeImpl.h"

#include <fmt/format.h>

namespace jitexpr {

std::shared_ptr<const FastPath> Runtime::Impl::match_fast_path(const Parsed& parsed, const Bindings& bindings,
                                                               const Array* out, Casting casting, Order order,
                                                               std::vector<Array>& operands) {
  std::shared_ptr<const FastPath> fast;
  {
    std::lock_guard<std::mutex> lock(parsed.fast_mutex);
    fast = parsed.fast;
  }
  if (!fast || fast->out.has_value() != (out != nullptr) || fast->casting != casting || fast->order_mode != order) {
    return nullptr;
  }
  if (out && !FastPath::same(*fast->out, *out)) return nullptr;
  if (out && fast->streaming && !streaming_aligned(out->raw_data())) return nullptr;  // its code assumes alignment
  operands.clear();
  operands.reserve(parsed.variables.size());
  for (std::size_t i = 0; i < parsed.variables.size(); ++i) {
    const Value* found = nullptr;
    for (const auto& [name, value] : bindings) {
      if (name == parsed.variables[i].name) found = &value;
    }
    if (!found) return nullptr;  // the slow path reports it
    operands.push_back(found->if_array() ? *found->if_array() : found->array());
    if (!FastPath::same(fast->operands[i], operands.back())) return nullptr;
  }
  return fast;
}

void Runtime::Impl::remember_fast_path(const Prepared& prep, const IterationPlan& plan, const Array* out,
                                       Casting casting, Order order, const std::shared_ptr<const Compiled>& c) {
  auto memo = std::make_shared<FastPath>();
  for (const Array& a : prep.operands) memo->operands.push_back(FastPath::of(a));
  if (out) memo->out = FastPath::of(*out);
  memo->casting = casting;
  memo->order_mode = order;
  memo->streaming = prep.streaming;
  memo->plan = plan;
  memo->out_shape = prep.out_shape;
  memo->order = c->program.reduction() ? std::vector<int>{} : prep.order;
  memo->compiled = c;
  std::lock_guard<std::mutex> lock(prep.parsed->fast_mutex);
  prep.parsed->fast = std::move(memo);
}

}  // namespace jitexpr
