// The tables behind Builtins.h.
#include "ir/Builtins.h"

#include <array>

namespace jitexpr::ir {

namespace {
constexpr std::array kFns = {
#define X(e, name, arity, rule, cplx) FnInfo{name, arity, FnRule::rule, cplx},
    JITEXPR_BUILTIN_FNS(X)
#undef X
};
}  // namespace

const FnInfo& fn_info(Fn f) { return kFns[static_cast<std::size_t>(f)]; }

std::optional<Fn> fn_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kFns.size(); ++i) {
    if (kFns[i].name == name) return static_cast<Fn>(i);
  }
  // NumPy's and Python's spellings of the same functions.
  if (name == "absolute") return Fn::Abs;
  if (name == "asin") return Fn::Arcsin;
  if (name == "acos") return Fn::Arccos;
  if (name == "atan") return Fn::Arctan;
  if (name == "atan2") return Fn::Arctan2;
  if (name == "asinh") return Fn::Arcsinh;
  if (name == "acosh") return Fn::Arccosh;
  if (name == "atanh") return Fn::Arctanh;
  if (name == "conjugate") return Fn::Conj;
  if (name == "rint") return Fn::Round;
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
