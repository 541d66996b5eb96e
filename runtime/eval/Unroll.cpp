// Evaluation, unroll: reductions over short axes into the element-wise loop, an optimization
// (runtime/Unroll.h; see RuntimeImpl.h).
#include "runtime/RuntimeImpl.h"

#include <fmt/format.h>

#include <cctype>

namespace jitexpr {

std::shared_ptr<const Parsed> Runtime::Impl::unroll(const std::shared_ptr<const Parsed>& parsed,
                                                    const Bindings& bindings, const Array* out, Bindings& with_slices) {
  // A reduction at the root with out= keeps its own rule (out= must have its exact type).
  if (!parsed->has_axis_reduction || (out && parsed->reduction)) return nullptr;
  std::shared_ptr<const UnrolledExpr> u = unrolled(parsed, bindings);
  if (!u || !u->parsed) return nullptr;
  with_slices = bindings;
  for (const SliceOperand& slice : u->slices) {
    with_slices.emplace_back(slice.name, Value(slice_view(*find_array(bindings, slice.source), slice)));
  }
  return u->parsed;
}

const Array* Runtime::Impl::find_array(const Bindings& bindings, const std::string& name) {
  for (const auto& [n, value] : bindings) {
    if (n == name) return value.if_array();
  }
  return nullptr;
}

std::shared_ptr<const UnrolledExpr> Runtime::Impl::unrolled(const std::shared_ptr<const Parsed>& parsed,
                                                            const Bindings& bindings) {
  std::string key = parsed->canonical;
  for (const VariableUse& v : parsed->variables) {
    const Array* a = find_array(bindings, v.name);
    if (!a) return nullptr;  // the normal path reports it
    key += fmt::format("|{}:{}", dtype_name(a->dtype()), shape_string(a->shape()));
  }
  for (const auto& [name, value] : bindings) {
    // The names of slice operands (`__jx<id>_...`, Unroll.cpp) are taken; the values a host
    // substituted (`__jx_s...`) and the reduction stages' results (`__jx_r...`) are not theirs.
    bool slice_name =
        name.size() > 4 && name.rfind("__jx", 0) == 0 && std::isdigit(static_cast<unsigned char>(name[4]));
    if (slice_name) return nullptr;
  }
  {
    std::lock_guard<std::mutex> lock(parse_mutex);
    if (auto it = unrolled_exprs.find(key); it != unrolled_exprs.end()) return it->second;
  }
  auto array_of = [&](const std::string& name) { return find_array(bindings, name); };
  // The terms must have the reduction's own type: an int32 sum accumulates in int64, a bool
  // sum counts; min and max of bool or complex stay reductions.
  auto terms_keep_type = [&](const ast::Call& reduction) {
    std::vector<ir::OperandInfo> infos;
    for (const VariableUse& v : collect_variables(reduction)) {
      const Array* a = find_array(bindings, v.name);
      infos.push_back({v.name, a->dtype(), ir::Layout::Strided, a->ndim(), a->itemsize(), v.first_use});
    }
    try {
      DType acc = ir::infer_expression(reduction, *parsed->src, infos).result_type();
      DType term = ir::infer_expression(*reduction.args[0], *parsed->src, infos).result_type();
      bool ordered =
          reduction.callee == "sum" || reduction.callee == "prod" || (acc != DType::Bool && !is_complex(acc));
      return acc == term && ordered;
    } catch (const Error&) {
      return false;  // the normal path reports it
    }
  };
  auto result = std::make_shared<UnrolledExpr>();  // with no parsed form: nothing to unroll
  if (std::optional<Unrolled> u = unroll_short_reductions(*parsed->ast, array_of, terms_keep_type)) {
    auto p = std::make_shared<Parsed>();
    p->src = parsed->src;  // the unrolled tree keeps the source ranges of the text as written
    p->ast = std::move(u->ast);
    p->describe();
    if (p->variables.size() <= static_cast<std::size_t>(kMaxOperands)) {
      result->parsed = std::move(p);
      result->slices = std::move(u->slices);
    }
  }
  std::lock_guard<std::mutex> lock(parse_mutex);
  if (unrolled_exprs.size() >= kMaxParsed) unrolled_exprs.clear();
  unrolled_exprs.emplace(std::move(key), result);
  return result;
}

}  // namespace jitexpr
