// The tables behind Builtins.h.
#include "ir/Builtins.h"

#include <array>

namespace jitexpr::ir {

namespace {
constexpr std::array kFns = {
#define X(e, name, alias, arity, rule, cplx, libm, cost, dialects) \
  FnInfo{name, alias, arity, FnRule::rule, cplx, libm, FnCost::cost, dialects},
    JITEXPR_BUILTIN_FNS(X)
#undef X
};
}  // namespace

const FnInfo& fn_info(Fn f) { return kFns[static_cast<std::size_t>(f)]; }

std::optional<Fn> fn_from_name(std::string_view name, Dialect d) {
  for (std::size_t i = 0; i < kFns.size(); ++i) {
    const FnInfo& f = kFns[i];
    if ((f.name == name || (!f.alias.empty() && f.alias == name)) && accepts(f.dialects, d)) return static_cast<Fn>(i);
  }
  return std::nullopt;
}

std::string_view reduce_name(ReduceOp op) {
  switch (op) {
    case ReduceOp::Sum: return "sum";
    case ReduceOp::Prod: return "prod";
    case ReduceOp::Min: return "min";
    case ReduceOp::Max: return "max";
  }
  return "?";
}

std::optional<ReduceOp> reduce_from_name(std::string_view name) {
  if (name == "sum") return ReduceOp::Sum;
  if (name == "prod") return ReduceOp::Prod;
  if (name == "min" || name == "amin") return ReduceOp::Min;
  if (name == "max" || name == "amax") return ReduceOp::Max;
  return std::nullopt;
}

}  // namespace jitexpr::ir
