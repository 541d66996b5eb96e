// Kernel type inference: expressions (see KernelInferImpl.h).
#include "ir/KernelInferImpl.h"

#include "ir/DTypeRules.h"
#include "ir/ScalarTyping.h"

#include <fmt/format.h>
#include <jitexpr/Limits.h>

#include <cassert>
#include <cmath>

namespace jitexpr::ir::kernel_infer {

NodePtr FunctionInferrer::expr(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::IntLit: return Const::make(Scalar::of_int(DType::Int64, e.cast<ast::IntLit>().value), e.range);
    case ast::ExprKind::FloatLit:
      return Const::make(Scalar::of_float(DType::Float64, e.cast<ast::FloatLit>().value), e.range);
    case ast::ExprKind::ImagLit:
      return Const::make(Scalar::of_complex(DType::Complex128, {0.0, e.cast<ast::ImagLit>().value}), e.range);
    case ast::ExprKind::BoolLit: return Const::make(Scalar::of_bool(e.cast<ast::BoolLit>().value), e.range);
    case ast::ExprKind::BytesLit: fail(ErrorKind::Type, e.range, "strings are not supported in kernels");
    case ast::ExprKind::Name: return name(e.cast<ast::Name>());
    case ast::ExprKind::Unary: return unary(e.cast<ast::Unary>());
    case ast::ExprKind::Binary: return binary(e.cast<ast::Binary>());
    case ast::ExprKind::Call: {
      NodePtr v = call(e.cast<ast::Call>());
      if (ktype_of(*v).none) {
        fail(ErrorKind::Type, e.range,
             fmt::format("{}() returns None; its value cannot be used", e.cast<ast::Call>().callee));
      }
      return v;
    }
    case ast::ExprKind::Attribute: return attribute(e.cast<ast::Attribute>());
    case ast::ExprKind::Subscript: return subscript(e.cast<ast::Subscript>());
    case ast::ExprKind::Tuple:
      fail(ErrorKind::Type, e.range, "tuples are only supported in assignments, as in a, b = b, a");
    case ast::ExprKind::BoolOp: {
      const auto& b = e.cast<ast::BoolOp>();
      return Logical::make(b.is_and, truth(*b.lhs), truth(*b.rhs), e.range);
    }
    case ast::ExprKind::Not: return Unary::make(UnaryOp::Invert, truth(*e.cast<ast::Not>().operand), e.range);
    case ast::ExprKind::IfExp: {
      const auto& i = e.cast<ast::IfExp>();
      NodePtr c = truth(*i.cond);
      NodePtr a = expr(*i.if_true);
      NodePtr b = expr(*i.if_false);
      std::optional<KType> u = unify(ktype_of(*a), ktype_of(*b));
      if (!u) {
        fail(ErrorKind::Type, e.range,
             fmt::format("the two values of a conditional expression are {} and {}", q(ktype_of(*a)), q(ktype_of(*b))));
      }
      return Cond::make(c, convert(a, *u, i.if_true->range, "a conditional expression"),
                        convert(b, *u, i.if_false->range, "a conditional expression"), e.range);
    }
    case ast::ExprKind::List:
      fail(ErrorKind::Type, e.range, "a list is only supported as [value] * n, which makes an array");
  }
  fail(ErrorKind::Syntax, e.range, "unsupported expression");
}

NodePtr FunctionInferrer::scalar_expr(const ast::Expr& e, std::string_view what) {
  NodePtr v = expr(e);
  KType t = ktype_of(*v);
  if (!t.is_scalar()) {
    fail(ErrorKind::Type, e.range,
         fmt::format("{} needs a number, not {}{}", what, q(t),
                     t.is_array() ? "; array arithmetic is not supported in kernels: index the elements" : ""));
  }
  return v;
}

// A condition: a number, true when non-zero.
NodePtr FunctionInferrer::truth(const ast::Expr& e) {
  NodePtr v = expr(e);
  KType t = ktype_of(*v);
  if (!t.is_scalar()) fail(ErrorKind::Type, e.range, fmt::format("the truth of {} is not defined; compare it", q(t)));
  return cast_to(DType::Bool, v);
}

NodePtr FunctionInferrer::index(const ast::Expr& e) {
  NodePtr v = expr(e);
  KType t = ktype_of(*v);
  if (!t.is_scalar() || !is_integer(t.dtype)) {
    fail(ErrorKind::Type, e.range, fmt::format("an index must be an integer, not {}", q(t)));
  }
  return cast_to(DType::Int64, v);
}

NodePtr FunctionInferrer::name(const ast::Name& n) {
  int slot = find_local(n.id);
  if (slot >= 0 && typed_[static_cast<std::size_t>(slot)]) {
    return Local::make(slot, fn_.locals[static_cast<std::size_t>(slot)].type, n.range);
  }
  if (slot < 0 && assigned_names().count(n.id)) {
    slot = new_local(n.id, KType::scalar(DType::Int64), n.range, false);
    typed_[static_cast<std::size_t>(slot)] = false;
  }
  if (slot >= 0) {
    // Assigned further on (in a loop): a placeholder until a pass has seen its type.
    if (!incomplete_) {
      untyped_name_ = n.id;
      untyped_range_ = n.range;
    }
    incomplete_ = true;
    return Local::make(slot, fn_.locals[static_cast<std::size_t>(slot)].type, n.range);
  }
  if (n.id == "None") fail(ErrorKind::Type, n.range, "None is only supported as 'return None'");
  if (owner_.find(n.id)) fail(ErrorKind::Type, n.range, fmt::format("function '{}' is not a value; call it", n.id));
  if (is_module_name(n.id)) fail(ErrorKind::Type, n.range, fmt::format("module '{}' is not a value", n.id));
  fail(ErrorKind::Name, n.range, fmt::format("name '{}' is not defined", n.id));
}

NodePtr FunctionInferrer::unary(const ast::Unary& u) {
  NodePtr x = scalar_expr(*u.operand, fmt::format("unary '{}'", unaryop_spelling(u.op)));
  return type_unary(Dialect::Python, src_, u, x);
}

// [v] * n (or n * [v]): a new 1-d array of n copies of v, a scalar.
NodePtr FunctionInferrer::list_repeat(const ast::Binary& b) {
  bool left = b.lhs->as<ast::List>() != nullptr;
  const auto& list = (left ? b.lhs : b.rhs)->cast<ast::List>();
  const ast::Expr& count = left ? *b.rhs : *b.lhs;
  if (list.elements.size() != 1) {
    fail(ErrorKind::Type, list.range, "a list is only supported as [value] * n, with one value, which makes an array");
  }
  NodePtr v = scalar_expr(*list.elements[0], "[value] * n");
  std::vector<NodePtr> dims = shape_dims(count);
  if (dims.size() != 1) fail(ErrorKind::Type, count.range, "[value] * n needs one integer n");
  return NewArray::make(Fill::Full, v->type, std::move(dims), b.range, v);
}

NodePtr FunctionInferrer::binary(const ast::Binary& b) {
  if (b.op == BinOp::Mul && (b.lhs->as<ast::List>() || b.rhs->as<ast::List>())) return list_repeat(b);
  NodePtr l = expr(*b.lhs);
  NodePtr r = expr(*b.rhs);
  // [v] * n makes an array of n copies of v.
  if (b.op == BinOp::Mul && (b.lhs->as<ast::List>() || b.rhs->as<ast::List>())) return list_repeat(b);
  if (ktype_of(*l).is_array() || ktype_of(*r).is_array()) {
    fail(ErrorKind::Type, b.op_range,
         fmt::format("cannot {} {} and {}: array arithmetic is not supported in kernels; index the elements",
                     binop_verb(b.op), q(ktype_of(*l)), q(ktype_of(*r))));
  }
  return type_binary(Dialect::Python, src_, b, l, r);
}

NodePtr FunctionInferrer::attribute(const ast::Attribute& a) {
  if (const auto* m = a.object->as<ast::Name>(); m && is_module_name(m->id) && find_local(m->id) < 0) {
    if (std::optional<double> v = module_constant(a.attr))
      return Const::make(Scalar::of_float(DType::Float64, *v), a.range);
    fail(ErrorKind::Name, a.attr_range, fmt::format("module '{}' has no constant '{}'", m->id, a.attr));
  }
  NodePtr x = expr(*a.object);
  KType t = ktype_of(*x);
  if (a.attr == "real" || a.attr == "imag") {
    if (!t.is_scalar())
      fail(ErrorKind::Type, a.attr_range, fmt::format(".{} of {} is not supported in kernels", a.attr, q(t)));
    return type_part(src_, a.attr == "real" ? Fn::Real : Fn::Imag, x, a.range);
  }
  if (t.is_array()) {
    if (a.attr == "size") return Dim::make(x, -1, a.range);
    if (a.attr == "ndim") return Const::make(Scalar::of_int(DType::Int64, t.rank), a.range);
    if (a.attr == "shape") fail(ErrorKind::Type, a.range, "use a.shape[k] for one extent, or n, m = a.shape");
  }
  fail(ErrorKind::Type, a.attr_range, fmt::format("{} has no attribute '{}'", q(t), a.attr));
}

NodePtr FunctionInferrer::subscript(const ast::Subscript& s) {
  if (const auto* a = s.object->as<ast::Attribute>(); a && a->attr == "shape") {
    NodePtr arr = expr(*a->object);
    KType t = ktype_of(*arr);
    if (!t.is_array()) fail(ErrorKind::Type, a->object->range, fmt::format("{} has no shape", q(t)));
    const auto* lit = s.indices.size() == 1 ? s.indices[0]->as<ast::IntLit>() : nullptr;
    if (!lit) fail(ErrorKind::Type, s.range, "a.shape[k] needs a constant k");
    std::int64_t k = lit->value;
    if (k < -t.rank || k >= t.rank) {
      fail(ErrorKind::Index, s.indices[0]->range,
           fmt::format("shape index {} is out of range for an array of rank {}", k, t.rank));
    }
    return Dim::make(arr, static_cast<int>(k < 0 ? k + t.rank : k), s.range);
  }
  NodePtr arr = expr(*s.object);
  KType t = ktype_of(*arr);
  if (!t.is_array()) fail(ErrorKind::Type, s.object->range, fmt::format("{} cannot be indexed", q(t)));
  if (static_cast<int>(s.indices.size()) != t.rank) {
    fail(ErrorKind::Index, s.range,
         fmt::format("an array of rank {} needs {} ind{} here, not {} (one element at a time)", t.rank, t.rank,
                     t.rank == 1 ? "ex" : "ices", s.indices.size()));
  }
  std::vector<NodePtr> idx;
  for (const ast::ExprPtr& i : s.indices) idx.push_back(index(*i));
  return Load::make(arr, std::move(idx), s.range);
}

void FunctionInferrer::check_args(const ast::Call& c, std::size_t lo, std::size_t hi, std::set<std::string> keywords) {
  for (const ast::Keyword& k : c.keywords) {
    if (!keywords.count(k.name)) {
      fail(ErrorKind::Type, k.name_range,
           fmt::format("{}() got an unexpected keyword argument '{}'", c.callee, k.name));
    }
  }
  if (c.args.size() < lo || c.args.size() > hi) {
    std::string want = lo == hi         ? std::to_string(lo)
                       : hi == SIZE_MAX ? fmt::format("at least {}", lo)
                                        : fmt::format("{} to {}", lo, hi);
    fail(ErrorKind::Type, SourceRange{c.callee_range.begin, c.range.end},
         fmt::format("{}() takes {} argument{} ({} given)", c.callee, want, hi == 1 && lo == 1 ? "" : "s",
                     c.args.size()));
  }
}

NodePtr FunctionInferrer::call(const ast::Call& c) {
  const std::string& f = c.callee;
  if (c.prefix == "random") return random(c);
  if (c.prefix.empty()) {
    if (find_local(f) >= 0 || assigned_names().count(f)) {
      fail(ErrorKind::Type, c.callee_range, fmt::format("'{}' is a variable, not a function", f));
    }
    if (const ast::FunctionDef* d = owner_.find(f)) return call_def(c, *d);
    if (f == "len") {
      check_args(c, 1, 1);
      NodePtr a = expr(*c.args[0]);
      if (!ktype_of(*a).is_array())
        fail(ErrorKind::Type, c.args[0]->range, fmt::format("len() of {} is not defined", q(ktype_of(*a))));
      return Dim::make(a, 0, c.range);
    }
    if (f == "range" || f == "prange")
      fail(ErrorKind::Type, c.range, fmt::format("{}() is only supported as the iterable of a for loop", f));
    if (f == "int" || f == "float" || f == "complex" || f == "bool") return conversion(c);
    if (f == "min" || f == "max") return min_max(c);
    if (f == "print")
      fail(ErrorKind::Type, c.callee_range, "print() is not supported in kernels; return the values instead");
  }
  if (f == "zeros") return new_array(c, Fill::Zeros);
  if (f == "empty") return new_array(c, Fill::Empty);
  if (f == "ones") return new_array(c, Fill::Ones);
  if (f == "zeros_like") return like_array(c, Fill::Zeros);
  if (f == "empty_like") return like_array(c, Fill::Empty);
  if (f == "ones_like") return like_array(c, Fill::Ones);
  std::optional<Fn> fn = fn_from_name(f, Dialect::Python);
  if (!fn) {
    fail(ErrorKind::Name, c.callee_range,
         c.prefix.empty() ? fmt::format("name '{}' is not defined", f)
                          : fmt::format("'{}.{}' is not supported in kernels", c.prefix, f));
  }
  check_args(c, static_cast<std::size_t>(fn_info(*fn).arity), static_cast<std::size_t>(fn_info(*fn).arity));
  std::vector<NodePtr> args;
  for (std::size_t i = 0; i < c.args.size(); ++i) args.push_back(scalar_expr(*c.args[i], fmt::format("{}()", f)));
  return type_builtin(Dialect::Python, src_, c, *fn, std::move(args));
}

NodePtr FunctionInferrer::call_def(const ast::Call& c, const ast::FunctionDef& callee) {
  if (!c.keywords.empty())
    fail(ErrorKind::Type, c.keywords[0].name_range, "keyword arguments to kernels are not supported");
  std::vector<NodePtr> args;
  std::vector<KType> types;
  for (const ast::ExprPtr& a : c.args) {
    args.push_back(expr(*a));
    types.push_back(ktype_of(*args.back()));
  }
  int idx = owner_.specialize(callee, types, c.range, false);
  KFunction& f = owner_.function(idx);
  // Annotated scalar parameters convert here, at the call.
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (f.params[i].is_scalar()) args[i] = cast_to(f.params[i].dtype, args[i]);
  }
  if (&f == &fn_) fn_.recursive = true;
  return Invoke::make(idx, f.result, std::move(args), c.range);
}

}  // namespace jitexpr::ir::kernel_infer
