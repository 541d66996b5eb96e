#include "ir/passes/FoldConstants.h"

#include <optional>

namespace jitexpr::ir {

namespace {

std::optional<Scalar> fold_unary(UnaryOp op, const Scalar& x) {
  DType t = x.type;
  if (op == UnaryOp::Invert) {
    if (is_bool(t)) return Scalar::of_bool(x.i == 0);
    if (is_unsigned_int(t)) return Scalar::of_uint(t, ~x.u);
    if (is_integer(t)) return Scalar::of_int(t, ~x.i);
    return std::nullopt;
  }
  if (op == UnaryOp::Neg) {
    if (is_unsigned_int(t)) return Scalar::of_uint(t, 0 - x.u);
    if (is_integer(t)) return Scalar::of_int(t, static_cast<std::int64_t>(0 - x.u));
    if (is_float(t)) return Scalar::of_float(t, -x.c.real());
    if (is_complex(t)) return Scalar::of_complex(t, -x.c);
  }
  return std::nullopt;
}

std::optional<Scalar> fold_binary(BinOp op, const Scalar& a, const Scalar& b) {
  DType t = a.type;
  if (t == DType::Bytes) return std::nullopt;
  bool integral = is_integer(t) || is_bool(t);
  if (is_comparison(op)) {
    if (is_complex(t)) {
      if (op == BinOp::Eq) return Scalar::of_bool(a.c == b.c);
      if (op == BinOp::Ne) return Scalar::of_bool(a.c != b.c);
      return std::nullopt;
    }
    auto cmp = [&](auto x, auto y) -> bool {
      switch (op) {
        case BinOp::Lt: return x < y;
        case BinOp::Le: return x <= y;
        case BinOp::Eq: return x == y;
        case BinOp::Ne: return x != y;
        case BinOp::Ge: return x >= y;
        case BinOp::Gt: return x > y;
        default: return false;
      }
    };
    if (is_unsigned_int(t)) return Scalar::of_bool(cmp(a.u, b.u));
    if (integral) return Scalar::of_bool(cmp(a.i, b.i));
    return Scalar::of_bool(cmp(a.c.real(), b.c.real()));
  }
  if (integral && !is_bool(t)) {
    // Unsigned arithmetic wraps; of_int/of_uint narrow to the type's width.
    std::uint64_t r;
    switch (op) {
      case BinOp::Add: r = a.u + b.u; break;
      case BinOp::Sub: r = a.u - b.u; break;
      case BinOp::Mul: r = a.u * b.u; break;
      case BinOp::BitAnd: r = a.u & b.u; break;
      case BinOp::BitOr: r = a.u | b.u; break;
      case BinOp::BitXor: r = a.u ^ b.u; break;
      default: return std::nullopt;
    }
    return is_unsigned_int(t) ? Scalar::of_uint(t, r) : Scalar::of_int(t, static_cast<std::int64_t>(r));
  }
  if (is_bool(t)) {
    switch (op) {
      case BinOp::BitAnd: return Scalar::of_bool(a.i && b.i);
      case BinOp::BitOr: return Scalar::of_bool(a.i || b.i);
      case BinOp::BitXor: return Scalar::of_bool((a.i != 0) != (b.i != 0));
      default: return std::nullopt;
    }
  }
  if (is_float(t)) {
    // float32 constants hold float32 values; float arithmetic then rounds the same way.
    if (t == DType::Float32) {
      float x = static_cast<float>(a.c.real()), y = static_cast<float>(b.c.real());
      switch (op) {
        case BinOp::Add: return Scalar::of_float(t, x + y);
        case BinOp::Sub: return Scalar::of_float(t, x - y);
        case BinOp::Mul: return Scalar::of_float(t, x * y);
        case BinOp::Div: return Scalar::of_float(t, x / y);
        default: return std::nullopt;
      }
    }
    double x = a.c.real(), y = b.c.real();
    switch (op) {
      case BinOp::Add: return Scalar::of_float(t, x + y);
      case BinOp::Sub: return Scalar::of_float(t, x - y);
      case BinOp::Mul: return Scalar::of_float(t, x * y);
      case BinOp::Div: return Scalar::of_float(t, x / y);
      default: return std::nullopt;
    }
  }
  if (is_complex(t)) {
    // Only + and -: complex * and / are computed with a specific formula at run time.
    switch (op) {
      case BinOp::Add: return Scalar::of_complex(t, a.c + b.c);
      case BinOp::Sub: return Scalar::of_complex(t, a.c - b.c);
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

// A constant converted as the generated code converts it. Scalar::cast goes from an integer to
// float32 through double, which rounds twice: int64 9007199791611905 (2^53 + 2^29 + 1) would
// become 2^53 where sitofp gives 2^53 + 2^30. Only integers beyond 2^53 can round twice, and only
// int64 ever becomes float32 (int64 + float32 is float32), but convert every integer directly.
Scalar cast_constant(const Scalar& v, DType to) {
  if ((is_integer(v.type) || is_bool(v.type)) && (to == DType::Float32 || to == DType::Complex64)) {
    float f = is_unsigned_int(v.type) ? static_cast<float>(v.u) : static_cast<float>(v.i);
    return to == DType::Float32 ? Scalar::of_float(to, f) : Scalar::of_complex(to, {f, 0.0f});
  }
  return v.cast(to);
}

NodePtr fold(const NodePtr& n) {
  std::vector<NodePtr> kids = children(*n);
  for (NodePtr& k : kids) k = fold(k);
  NodePtr m = with_children(n, kids);
  auto konst = [](const NodePtr& x) -> const Scalar* {
    const auto* c = x->as<Const>();
    return c ? &c->value : nullptr;
  };
  switch (m->kind) {
    case NodeKind::Cast:
      if (const Scalar* v = konst(kids[0]); v && v->type != DType::Bytes) {
        return Const::make(cast_constant(*v, m->type), m->range);
      }
      return m;
    case NodeKind::Unary:
      if (const Scalar* v = konst(kids[0])) {
        if (auto r = fold_unary(m->cast<Unary>().op, *v)) return Const::make(*r, m->range);
      }
      return m;
    case NodeKind::Binary:
      if (const Scalar *a = konst(kids[0]), *b = konst(kids[1]); a && b) {
        if (auto r = fold_binary(m->cast<Binary>().op, *a, *b)) return Const::make(*r, m->range);
      }
      return m;
    case NodeKind::Select:
      if (const Scalar* c = konst(kids[0])) return c->i ? kids[1] : kids[2];
      return m;
    case NodeKind::Const:
    case NodeKind::Operand:
    case NodeKind::Call:
    case NodeKind::Reduce:
    case NodeKind::Local:
    case NodeKind::Load:
    case NodeKind::Dim:
    case NodeKind::Invoke:
    case NodeKind::NewArray:
    case NodeKind::Random:
    case NodeKind::Logical:
    case NodeKind::Cond: return m;
  }
  return m;
}

}  // namespace

NodePtr fold_constants(const NodePtr& root) { return fold(root); }

}  // namespace jitexpr::ir
