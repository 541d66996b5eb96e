// The typing rules of operators and built-in functions, shared by expressions (Infer) and kernels
// (KernelInfer): promotion, the result types of DTypeRules, explicit casts, and the type errors.
#include "ir/ScalarTyping.h"

#include "ir/DTypeRules.h"
#include "ir/passes/FoldConstants.h"

#include <fmt/format.h>

namespace jitexpr::ir {

namespace {
std::string quoted(DType t) { return fmt::format("'{}'", dtype_name(t)); }
}  // namespace

NodePtr cast_to(DType t, NodePtr x) {
  if (x->type == t) return x;
  SourceRange r = x->range;
  return Cast::make(t, std::move(x), r);
}

NodePtr type_part(const Source& src, Fn fn, NodePtr x, SourceRange r) {
  if (x->type == DType::Bytes) {
    fail_at(ErrorKind::Type, src, r, fmt::format("{}() needs a numeric argument, not 'bytes'", fn_info(fn).name));
  }
  return Call::make(fn, real_part_type(x->type), {x}, r);
}

NodePtr type_binary(Dialect d, const Source& src, const ast::Binary& b, NodePtr l, NodePtr r) {
  auto bad = [&](std::string_view why = {}) -> NodePtr {
    std::string msg = fmt::format("cannot {} {} and {}", binop_verb(b.op), quoted(l->type), quoted(r->type));
    if (!why.empty()) msg += fmt::format("; {}", why);
    fail_at(ErrorKind::Type, src, b.op_range, msg);
  };
  if (l->type == DType::Bytes || r->type == DType::Bytes) {
    if (l->type == r->type && is_comparison(b.op)) return Binary::make(b.op, l, r, b.range);
    return bad(l->type == r->type ? "bytes support only comparisons and contains()" : "bytes combine only with bytes");
  }
  if (d == Dialect::Python && (is_arithmetic(b.op) || is_bool(l->type) != is_bool(r->type))) {
    if (is_bool(l->type)) l = cast_to(DType::Int64, l);
    if (is_bool(r->type)) r = cast_to(DType::Int64, r);
  }
  DType t = promote(l->type, r->type);
  switch (b.op) {
    case BinOp::Add:
    case BinOp::Sub:
    case BinOp::Mul:
      if (is_bool(t)) return bad("use '|', '&' or '^' for booleans");
      break;
    case BinOp::Div:
      if (is_bool(t) || is_integer(t)) t = DType::Float64;  // true division, as numexpr
      break;
    case BinOp::FloorDiv:
    case BinOp::Mod:
      if (is_bool(t)) return bad();
      if (is_complex(t)) return bad("complex numbers have no floor division");
      break;
    case BinOp::Pow:
      if (is_bool(t)) return bad();
      if (is_integer(t)) {
        // A negative constant exponent, also one that folds to a constant (a ** (1 - 3)), as
        // numexpr, whose parser folds it first.
        NodePtr k = fold_constants(cast_to(t, r));
        if (const auto* c = k->as<Const>(); c && is_signed_int(c->type) && c->value.i < 0) {
          fail_at(ErrorKind::Value, src, b.rhs->range, "integers to negative integer powers are not allowed");
        }
      }
      break;
    case BinOp::LShift:
    case BinOp::RShift:
      if (!is_integer(t)) return bad("shifts need integers");
      break;
    case BinOp::BitAnd:
    case BinOp::BitOr:
    case BinOp::BitXor:
      if (!is_integer(t) && !is_bool(t)) return bad("it needs integers or booleans");
      break;
    case BinOp::Lt:
    case BinOp::Le:
    case BinOp::Gt:
    case BinOp::Ge:
      if (is_complex(t)) return bad("complex numbers have no order");
      break;
    case BinOp::Eq:
    case BinOp::Ne: break;
  }
  return Binary::make(b.op, cast_to(t, l), cast_to(t, r), b.range);
}

NodePtr type_unary(Dialect d, const Source& src, const ast::Unary& u, NodePtr x) {
  auto bad = [&](std::string msg) -> NodePtr { fail_at(ErrorKind::Type, src, u.range, std::move(msg)); };
  if (x->type == DType::Bytes)
    return bad(fmt::format("bad operand type for unary '{}': 'bytes'", unaryop_spelling(u.op)));
  if (d == Dialect::Python && is_bool(x->type)) x = cast_to(DType::Int64, x);
  switch (u.op) {
    case UnaryOp::Pos:
      if (is_bool(x->type)) return bad("bad operand type for unary '+': 'bool'");
      return x;
    case UnaryOp::Neg:
      if (is_bool(x->type)) return bad("cannot negate 'bool'; use '~' for logical not");
      return Unary::make(UnaryOp::Neg, x, u.range);
    case UnaryOp::Invert:
      if (!is_integer(x->type) && !is_bool(x->type)) {
        return bad(d == Dialect::Python ? fmt::format("'~' needs an integer, not '{}'", dtype_name(x->type))
                                        : fmt::format("'~' needs integers or booleans, not {}", quoted(x->type)));
      }
      return Unary::make(UnaryOp::Invert, x, u.range);
  }
  return x;
}

namespace {

NodePtr type_call(const Source& src, const ast::Call& c, Fn fn, std::vector<NodePtr> args) {
  const FnInfo& info = fn_info(fn);
  auto arg_error = [&](std::size_t i, std::string_view need) -> NodePtr {
    fail_at(ErrorKind::Type, src, c.args[i]->range,
         fmt::format("{}() argument {} must be {}, not {}", info.name, i + 1, need, quoted(args[i]->type)));
  };
  if (info.rule != FnRule::Contains) {
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (args[i]->type == DType::Bytes) arg_error(i, "numeric");
    }
  }
  auto no_complex = [&](DType t) {
    if (!is_complex(t)) return;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (is_complex(args[i]->type)) arg_error(i, "real");
    }
  };
  switch (info.rule) {
    case FnRule::FloatMath:
    case FnRule::RealMath: {
      DType t = float_type_for(args[0]->type);
      if (info.rule == FnRule::RealMath || !info.complex_ok) no_complex(t);
      return Call::make(fn, t, {cast_to(t, args[0])}, c.range);
    }
    case FnRule::Rounding: {
      DType t = float_type_for(args[0]->type);
      no_complex(t);
      return Call::make(fn, t, {cast_to(t, args[0])}, c.range);
    }
    case FnRule::Abs: return Call::make(fn, real_part_type(args[0]->type), {args[0]}, c.range);
    case FnRule::Sign:
      no_complex(args[0]->type);
      if (is_bool(args[0]->type)) arg_error(0, "a number");
      return Call::make(fn, args[0]->type, {args[0]}, c.range);
    case FnRule::RealMath2: {
      DType t = float_type_for(promote(args[0]->type, args[1]->type));
      no_complex(t);
      return Call::make(fn, t, {cast_to(t, args[0]), cast_to(t, args[1])}, c.range);
    }
    case FnRule::MinMax2: {
      DType t = promote(args[0]->type, args[1]->type);
      no_complex(t);
      return Call::make(fn, t, {cast_to(t, args[0]), cast_to(t, args[1])}, c.range);
    }
    case FnRule::Predicate:
      if (!info.complex_ok) no_complex(args[0]->type);
      return Call::make(fn, DType::Bool, {args[0]}, c.range);
    case FnRule::Part: return type_part(src, fn, args[0], c.range);
    case FnRule::MakeComplex:
      no_complex(promote(args[0]->type, args[1]->type));
      return Call::make(fn, DType::Complex128,
                        {cast_to(DType::Float64, args[0]), cast_to(DType::Float64, args[1])}, c.range);
    case FnRule::Same: return Call::make(fn, args[0]->type, {args[0]}, c.range);
    case FnRule::Contains:
      for (std::size_t i = 0; i < 2; ++i) {
        if (args[i]->type != DType::Bytes) arg_error(i, "'bytes'");
      }
      return Call::make(fn, DType::Bool, args, c.range);
  }
  fail_at(ErrorKind::Type, src, c.range, "unsupported call");
}

}  // namespace

NodePtr type_builtin(Dialect d, const Source& src, const ast::Call& c, Fn fn, std::vector<NodePtr> args) {
  NodePtr r = type_call(src, c, fn, std::move(args));
  if (d == Dialect::Python) {
    // Python's math.floor/ceil/trunc return integers; numpy's keep floats. round(x) rounds half
    // to even and returns an integer.
    bool rounds_to_int = c.prefix == "math" && (fn == Fn::Floor || fn == Fn::Ceil || fn == Fn::Trunc);
    if (rounds_to_int || (c.prefix.empty() && fn == Fn::Round)) return cast_to(DType::Int64, r);
  }
  return r;
}

}  // namespace jitexpr::ir
