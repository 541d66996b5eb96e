// AST -> typed IR for expressions.
#include "ir/Infer.h"

#include "ir/DTypeRules.h"
#include "ir/ScalarTyping.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace jitexpr::ir {

namespace {

class Inferrer {
 public:
  Inferrer(const Source& src, const std::vector<OperandInfo>& operands) : src_(src), operands_(operands) {
    for (const OperandInfo& op : operands) result_rank_ = std::max(result_rank_, op.rank);
  }

  NodePtr top(const ast::Expr& e) {
    if (const auto* call = e.as<ast::Call>(); call && reduce_from_name(call->callee)) return reduction(*call);
    return expr(e);
  }

 private:
  [[noreturn]] void fail(ErrorKind k, SourceRange r, std::string msg) const { fail_at(k, src_, r, std::move(msg)); }

  NodePtr expr(const ast::Expr& e) {
    switch (e.kind) {
      case ast::ExprKind::IntLit: return int_literal(e.cast<ast::IntLit>().value, e.range);
      case ast::ExprKind::FloatLit:
        return Const::make(Scalar::of_float(DType::Float64, e.cast<ast::FloatLit>().value), e.range);
      case ast::ExprKind::ImagLit:
        return Const::make(Scalar::of_complex(DType::Complex128, {0.0, e.cast<ast::ImagLit>().value}), e.range);
      case ast::ExprKind::BoolLit: return Const::make(Scalar::of_bool(e.cast<ast::BoolLit>().value), e.range);
      case ast::ExprKind::BytesLit: return Const::make(Scalar::of_bytes(e.cast<ast::BytesLit>().value), e.range);
      case ast::ExprKind::Name: return name(e.cast<ast::Name>());
      case ast::ExprKind::Unary: return unary(e.cast<ast::Unary>());
      case ast::ExprKind::Binary: return binary(e.cast<ast::Binary>());
      case ast::ExprKind::Call: return call(e.cast<ast::Call>());
      case ast::ExprKind::Attribute: return attribute(e.cast<ast::Attribute>());
      case ast::ExprKind::Subscript:
        fail(ErrorKind::Syntax, e.range, "indexing is not supported in expressions; it belongs to kernels (def)");
      case ast::ExprKind::Tuple: fail(ErrorKind::Syntax, e.range, "tuples are not supported in expressions");
      case ast::ExprKind::BoolOp:
      case ast::ExprKind::Not:
      case ast::ExprKind::IfExp:
      case ast::ExprKind::List: fail(ErrorKind::Syntax, e.range, "this Python form belongs to kernels (def), not expressions");
    }
    fail(ErrorKind::Syntax, e.range, "unsupported expression");
  }

  NodePtr name(const ast::Name& n) {
    if (n.id == "None") fail(ErrorKind::Type, n.range, "'None' is not a value in expressions");
    for (std::size_t i = 0; i < operands_.size(); ++i) {
      if (operands_[i].name == n.id) return Operand::make(static_cast<int>(i), operands_[i].dtype, n.range);
    }
    fail(ErrorKind::Name, n.range, fmt::format("name '{}' is not defined", n.id));
  }

  NodePtr unary(const ast::Unary& u) {
    if (std::optional<std::int64_t> v = folded_integer(u)) return int_literal(*v, u.range);
    return type_unary(Dialect::Numexpr, src_, u, expr(*u.operand));
  }

  NodePtr binary(const ast::Binary& b) {
    if (std::optional<std::int64_t> v = folded_integer(b)) return int_literal(*v, b.range);
    return type_binary(Dialect::Numexpr, src_, b, expr(*b.lhs), expr(*b.rhs));
  }

  // numexpr folds an operation on integer constants with Python's exact integers before it types
  // anything: `2**40` and `2147483647 + 1` are the int64 constants 1099511627776 and 2147483648,
  // not int32 arithmetic that wraps, and `-2**63` is INT64_MIN. The same here, for + - * // % **
  // << >> & | ^ and unary - + ~ over integer literals; the result is typed as a literal of its
  // value, and one that does not fit in 64 bits is a ValueError (numexpr's OverflowError). Not
  // folded, left to the operators' own rules: `/`, a division by zero, a negative exponent and a
  // negative shift.
  std::optional<std::int64_t> folded_integer(const ast::Expr& e) const {
    std::optional<__int128> v = exact_integer(e);
    if (!v) return std::nullopt;
    if (*v < INT64_MIN || *v > INT64_MAX) {
      fail(ErrorKind::Value, e.range, "integer constant is too large for 64 bits");
    }
    return static_cast<std::int64_t>(*v);
  }

  std::optional<__int128> exact_integer(const ast::Expr& e) const {
    using I = __int128;
    // Far beyond 64 bits, yet far from overflowing the 128 bits computed in.
    constexpr I limit = static_cast<I>(1) << 100;
    auto bounded = [&](I v) -> std::optional<I> {
      if (v > limit || v < -limit) fail(ErrorKind::Value, e.range, "integer constant is too large for 64 bits");
      return v;
    };
    auto mul = [&](I p, I q) -> std::optional<I> {
      I r = 0;
      return bounded(__builtin_mul_overflow(p, q, &r) ? limit + 1 : r);
    };
    if (const auto* lit = e.as<ast::IntLit>()) return static_cast<I>(lit->value);
    if (const auto* u = e.as<ast::Unary>()) {
      std::optional<I> x = exact_integer(*u->operand);
      if (!x) return std::nullopt;
      switch (u->op) {
        case UnaryOp::Pos: return x;
        case UnaryOp::Neg: return -*x;
        case UnaryOp::Invert: return ~*x;
      }
      return std::nullopt;
    }
    const auto* b = e.as<ast::Binary>();
    if (!b) return std::nullopt;
    std::optional<I> x = exact_integer(*b->lhs);
    if (!x) return std::nullopt;
    std::optional<I> y = exact_integer(*b->rhs);
    if (!y) return std::nullopt;
    I a = *x, c = *y;
    switch (b->op) {
      case BinOp::Add: return bounded(a + c);
      case BinOp::Sub: return bounded(a - c);
      case BinOp::Mul: return mul(a, c);
      case BinOp::FloorDiv:
      case BinOp::Mod: {
        if (c == 0) return std::nullopt;
        I q = a / c, r = a % c;
        if (r != 0 && ((r < 0) != (c < 0))) {  // Python rounds the quotient down
          q -= 1;
          r += c;
        }
        return b->op == BinOp::FloorDiv ? q : r;
      }
      case BinOp::Pow: {
        if (c < 0) return std::nullopt;
        if (a == 0 || a == 1) return c == 0 ? 1 : a;
        if (a == -1) return c % 2 == 0 ? 1 : -1;
        I r = 1;
        for (I k = 0; k < c; ++k) r = *mul(r, a);  // |a| >= 2: past the limit within 100 steps
        return r;
      }
      case BinOp::LShift:
        if (c < 0) return std::nullopt;
        if (a == 0) return 0;
        if (c > 100) return bounded(limit + 1);
        return mul(a, static_cast<I>(1) << static_cast<int>(c));
      case BinOp::RShift:
        if (c < 0) return std::nullopt;
        return a >> static_cast<int>(std::min<I>(c, 127));
      case BinOp::BitAnd: return a & c;
      case BinOp::BitOr: return a | c;
      case BinOp::BitXor: return a ^ c;
      default: return std::nullopt;
    }
  }

  static NodePtr int_literal(std::int64_t v, SourceRange r) {
    // numexpr: an integer literal is int32 when it fits, int64 otherwise.
    bool fits32 = v >= INT32_MIN && v <= INT32_MAX;
    return Const::make(Scalar::of_int(fits32 ? DType::Int32 : DType::Int64, v), r);
  }

  NodePtr attribute(const ast::Attribute& a) {
    if (a.attr == "real" || a.attr == "imag") {
      NodePtr x = expr(*a.object);
      return type_part(src_, a.attr == "real" ? Fn::Real : Fn::Imag, x, a.range);
    }
    fail(ErrorKind::Type, a.attr_range, fmt::format("unknown attribute '.{}'; expressions support .real and .imag", a.attr));
  }

  void check_no_keywords(const ast::Call& c) {
    if (!c.keywords.empty()) {
      fail(ErrorKind::Type, c.keywords[0].name_range,
           fmt::format("{}() got an unexpected keyword argument '{}'", c.callee, c.keywords[0].name));
    }
  }

  void check_arity(const ast::Call& c, int arity) {
    if (static_cast<int>(c.args.size()) != arity) {
      fail(ErrorKind::Type, SourceRange{c.callee_range.begin, c.range.end},
           fmt::format("{}() takes {} argument{} ({} given)", c.callee, arity, arity == 1 ? "" : "s", c.args.size()));
    }
  }

  NodePtr call(const ast::Call& c) {
    if (reduce_from_name(c.callee)) {
      fail(ErrorKind::Syntax, c.callee_range,
           fmt::format("a reduction must be the outermost operation of an expression, as in {}(a * b)", c.callee));
    }
    if (c.callee == "where") {
      check_no_keywords(c);
      check_arity(c, 3);
      NodePtr cond = expr(*c.args[0]);
      NodePtr x = expr(*c.args[1]);
      NodePtr y = expr(*c.args[2]);
      if (cond->type == DType::Bytes) fail(ErrorKind::Type, c.args[0]->range, "where() needs a boolean condition, not 'bytes'");
      for (std::size_t i : {std::size_t{1}, std::size_t{2}}) {
        if ((i == 1 ? x : y)->type == DType::Bytes) {
          fail(ErrorKind::Type, c.args[i]->range, fmt::format("where() argument {} must be numeric, not 'bytes'", i + 1));
        }
      }
      DType t = promote(x->type, y->type);
      return Select::make(cast_to(DType::Bool, cond), cast_to(t, x), cast_to(t, y), c.range);
    }
    std::optional<Fn> fn = fn_from_name(c.callee, Dialect::Numexpr);
    if (!fn) fail(ErrorKind::Name, c.callee_range, fmt::format("unknown function '{}'", c.callee));
    check_no_keywords(c);
    check_arity(c, fn_info(*fn).arity);
    std::vector<NodePtr> args;
    for (const auto& a : c.args) args.push_back(expr(*a));
    return type_builtin(Dialect::Numexpr, src_, c, *fn, std::move(args));
  }

  NodePtr reduction(const ast::Call& c) {
    ReduceOp op = *reduce_from_name(c.callee);
    if (c.args.size() != 1) {
      fail(ErrorKind::Type, SourceRange{c.callee_range.begin, c.range.end},
           fmt::format("{}() takes 1 argument and an optional axis ({} given)", c.callee,
                                                 c.args.size()));
    }
    std::optional<int> axis;
    for (const ast::Keyword& k : c.keywords) {
      if (k.name != "axis") {
        fail(ErrorKind::Type, k.name_range, fmt::format("{}() got an unexpected keyword argument '{}'", c.callee, k.name));
      }
      if (const auto* n = k.value->as<ast::Name>(); n && n->id == "None") continue;
      const auto* lit = k.value->as<ast::IntLit>();
      if (!lit) fail(ErrorKind::Type, k.value->range, "axis must be an integer constant or None");
      std::int64_t a = lit->value;
      int rank = result_rank_;
      if (a < -rank || a >= rank) {
        fail(ErrorKind::Value, k.value->range,
             fmt::format("axis {} is out of bounds for an expression of rank {}", a, rank));
      }
      axis = static_cast<int>(a < 0 ? a + rank : a);
    }
    NodePtr x = expr(*c.args[0]);
    if (x->type == DType::Bytes) fail(ErrorKind::Type, c.args[0]->range, fmt::format("{}() argument 1 must be numeric, not 'bytes'", c.callee));
    if ((op == ReduceOp::Min || op == ReduceOp::Max) && is_complex(x->type)) {
      fail(ErrorKind::Type, c.args[0]->range, fmt::format("{}() of complex numbers is not defined: they have no order", c.callee));
    }
    DType acc = (op == ReduceOp::Sum || op == ReduceOp::Prod) ? sum_type_for(x->type) : x->type;
    return Reduce::make(op, cast_to(acc, x), axis, c.range);
  }

  const Source& src_;
  const std::vector<OperandInfo>& operands_;
  int result_rank_ = 0;
};

}  // namespace

Program infer_expression(const ast::Expr& e, const Source& src, std::vector<OperandInfo> operands) {
  Inferrer inferrer(src, operands);
  Program p;
  p.root = inferrer.top(e);
  p.operands = std::move(operands);
  return p;
}

}  // namespace jitexpr::ir
