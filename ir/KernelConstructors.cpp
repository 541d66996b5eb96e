// Kernel type inference: array constructors, conversions, min/max and random numbers (see
// KernelInferImpl.h).
#include "ir/KernelInferImpl.h"

#include "ir/DTypeRules.h"
#include "ir/ScalarTyping.h"

#include <fmt/format.h>
#include <jitexpr/Limits.h>

#include <cassert>
#include <cmath>

namespace jitexpr::ir::kernel_infer {

DType FunctionInferrer::dtype_arg(const ast::Expr& e) const {
  std::string name;
  if (const auto* n = e.as<ast::Name>()) name = n->id;
  if (const auto* a = e.as<ast::Attribute>(); a && a->object->as<ast::Name>()) name = a->attr;
  if (name == "int") name = "int64";
  if (name == "float") name = "float64";
  if (name == "complex") name = "complex128";
  std::optional<DType> t = name.empty() ? std::nullopt : dtype_from_name(name);
  if (!t || *t == DType::Bytes) fail(ErrorKind::Type, e.range, "dtype must name a type, as in np.float64 or int64");
  return *t;
}

// n, or a tuple (n, m, ...): the extents of a new array.
std::vector<NodePtr> FunctionInferrer::shape_dims(const ast::Expr& e) {
  std::vector<const ast::Expr*> parts;
  if (const auto* t = e.as<ast::Tuple>()) {
    for (const ast::ExprPtr& x : t->elements) parts.push_back(x.get());
  } else {
    parts.push_back(&e);
  }
  if (parts.size() > static_cast<std::size_t>(kMaxRank)) {
    fail(ErrorKind::Value, e.range, fmt::format("arrays in kernels have at most {} dimensions", kMaxRank));
  }
  std::vector<NodePtr> dims;
  for (const ast::Expr* p : parts) {
    NodePtr d = expr(*p);
    KType t = ktype_of(*d);
    if (!t.is_scalar() || !(is_integer(t.dtype) || is_bool(t.dtype))) {
      fail(ErrorKind::Type, p->range, fmt::format("an array extent must be an integer, not {}", q(t)));
    }
    dims.push_back(cast_to(DType::Int64, d));
  }
  return dims;
}

NodePtr FunctionInferrer::new_array(const ast::Call& c, Fill fill) {
  check_args(c, 1, 2, {"dtype"});
  DType t = DType::Float64;
  if (c.args.size() == 2) t = dtype_arg(*c.args[1]);
  if (const ast::Expr* k = keyword(c, "dtype")) t = dtype_arg(*k);
  return NewArray::make(fill, t, shape_dims(*c.args[0]), c.range);
}

NodePtr FunctionInferrer::like_array(const ast::Call& c, Fill fill) {
  check_args(c, 1, 2, {"dtype"});
  NodePtr a = expr(*c.args[0]);
  KType t = ktype_of(*a);
  if (!t.is_array())
    fail(ErrorKind::Type, c.args[0]->range, fmt::format("{}() needs an array, not {}", c.callee, q(t)));
  DType d = t.dtype;
  if (c.args.size() == 2) d = dtype_arg(*c.args[1]);
  if (const ast::Expr* k = keyword(c, "dtype")) d = dtype_arg(*k);
  std::vector<NodePtr> dims;
  for (int i = 0; i < t.rank; ++i) dims.push_back(Dim::make(a, i, c.range));
  return NewArray::make(fill, d, std::move(dims), c.range);
}

NodePtr FunctionInferrer::conversion(const ast::Call& c) {
  const std::string& f = c.callee;
  if (f == "complex") {
    check_args(c, 1, 2);
    NodePtr re = scalar_expr(*c.args[0], "complex()");
    if (c.args.size() == 1) return cast_to(DType::Complex128, re);
    NodePtr im = scalar_expr(*c.args[1], "complex()");
    if (is_complex(re->type) || is_complex(im->type))
      fail(ErrorKind::Type, c.range, "complex(re, im) needs real parts");
    return Call::make(Fn::Complex, DType::Complex128, {cast_to(DType::Float64, re), cast_to(DType::Float64, im)},
                      c.range);
  }
  check_args(c, 1, 1);
  NodePtr x = scalar_expr(*c.args[0], f + "()");
  DType to = f == "int" ? DType::Int64 : f == "float" ? DType::Float64 : DType::Bool;
  if (is_complex(x->type) && to != DType::Bool) {
    fail(ErrorKind::Type, c.args[0]->range,
         fmt::format("cannot convert a complex number to {}; use .real or abs()", f));
  }
  return cast_to(to, x);
}

NodePtr FunctionInferrer::min_max(const ast::Call& c) {
  check_args(c, 2, SIZE_MAX);
  std::vector<NodePtr> xs;
  DType t = DType::Bool;
  for (std::size_t i = 0; i < c.args.size(); ++i) {
    xs.push_back(scalar_expr(*c.args[i], c.callee + "()"));
    if (is_complex(xs.back()->type)) fail(ErrorKind::Type, c.args[i]->range, "complex numbers have no order");
    t = i == 0 ? xs.back()->type : promote(t, xs.back()->type);
  }
  // Python's min/max return the first of equal values and do not propagate NaN specially: as
  // a < b ? a : b, left to right.
  NodePtr r = cast_to(t, xs[0]);
  for (std::size_t i = 1; i < xs.size(); ++i) {
    NodePtr x = cast_to(t, xs[i]);
    NodePtr better = Binary::make(c.callee == "min" ? BinOp::Lt : BinOp::Gt, x, r, c.range);
    r = Select::make(better, x, r, c.range);
  }
  return r;
}

NodePtr FunctionInferrer::random(const ast::Call& c) {
  if (c.callee == "random") {
    check_args(c, 0, 0);
    return Random::make(nullptr, nullptr, c.range);
  }
  if (c.callee == "uniform") {
    check_args(c, 2, 2);
    NodePtr lo = scalar_expr(*c.args[0], "uniform()");
    NodePtr hi = scalar_expr(*c.args[1], "uniform()");
    for (std::size_t i = 0; i < 2; ++i) {
      if (is_complex((i ? hi : lo)->type)) fail(ErrorKind::Type, c.args[i]->range, "uniform() needs real bounds");
    }
    return Random::make(cast_to(DType::Float64, lo), cast_to(DType::Float64, hi), c.range);
  }
  fail(ErrorKind::Name, c.callee_range,
       fmt::format("'random.{}' is not supported; kernels have random.random() and random.uniform(lo, hi)", c.callee));
}

}  // namespace jitexpr::ir::kernel_infer
