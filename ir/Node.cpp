// IR factories (with their type checks), constants and tree utilities.
#include "ir/Node.h"

#include "ir/DTypeRules.h"

#include <fmt/format.h>

#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>

namespace jitexpr::ir {

std::string_view node_kind_name(NodeKind k) {
  switch (k) {
#define X(name) \
  case NodeKind::name: return #name;
    JITEXPR_IR_NODES(X)
#undef X
  }
  return "?";
}

std::string_view layout_name(Layout l) {
  switch (l) {
    case Layout::Contiguous: return "contiguous";
    case Layout::Strided: return "strided";
    case Layout::Scalar: return "scalar";
  }
  return "?";
}

// ---- Scalar ----

namespace {

std::int64_t wrap_signed(DType t, std::int64_t v) {
  switch (t) {
    case DType::Int8: return static_cast<std::int8_t>(v);
    case DType::Int16: return static_cast<std::int16_t>(v);
    case DType::Int32: return static_cast<std::int32_t>(v);
    default: return v;
  }
}

std::uint64_t wrap_unsigned(DType t, std::uint64_t v) {
  switch (t) {
    case DType::UInt8: return static_cast<std::uint8_t>(v);
    case DType::UInt16: return static_cast<std::uint16_t>(v);
    case DType::UInt32: return static_cast<std::uint32_t>(v);
    default: return v;
  }
}

// Float to integer as the generated code does it: saturating, NaN to 0 (llvm.fptosi.sat).
template <typename I> I saturate(double v) {
  if (std::isnan(v)) return 0;
  if (v <= static_cast<double>(std::numeric_limits<I>::min())) return std::numeric_limits<I>::min();
  if (v >= static_cast<double>(std::numeric_limits<I>::max())) return std::numeric_limits<I>::max();
  return static_cast<I>(v);
}

}  // namespace

Scalar Scalar::of_bool(bool v) {
  Scalar s;
  s.type = DType::Bool;
  s.i = v;
  s.u = v;
  s.c = v ? 1.0 : 0.0;
  return s;
}

Scalar Scalar::of_int(DType t, std::int64_t v) {
  assert(is_integer(t));
  if (is_unsigned_int(t)) return of_uint(t, static_cast<std::uint64_t>(v));
  Scalar s;
  s.type = t;
  s.i = wrap_signed(t, v);
  s.u = static_cast<std::uint64_t>(s.i);
  s.c = static_cast<double>(s.i);
  return s;
}

Scalar Scalar::of_uint(DType t, std::uint64_t v) {
  assert(is_unsigned_int(t));
  Scalar s;
  s.type = t;
  s.u = wrap_unsigned(t, v);
  s.i = static_cast<std::int64_t>(s.u);
  s.c = static_cast<double>(s.u);
  return s;
}

Scalar Scalar::of_float(DType t, double v) {
  assert(is_float(t));
  Scalar s;
  s.type = t;
  s.c = t == DType::Float32 ? static_cast<double>(static_cast<float>(v)) : v;
  return s;
}

Scalar Scalar::of_complex(DType t, std::complex<double> v) {
  assert(is_complex(t));
  Scalar s;
  s.type = t;
  if (t == DType::Complex64) v = {static_cast<float>(v.real()), static_cast<float>(v.imag())};
  s.c = v;
  return s;
}

Scalar Scalar::of_bytes(std::string v) {
  Scalar s;
  s.type = DType::Bytes;
  s.bytes = std::move(v);
  return s;
}

Scalar Scalar::cast(DType to) const {
  assert(is_numeric(type) && is_numeric(to) && "bytes constants are never cast");
  if (to == type) return *this;
  bool from_int = is_integer(type) || is_bool(type);
  if (is_bool(to)) return of_bool(from_int ? i != 0 : c != std::complex<double>(0.0, 0.0));
  if (is_complex(to)) return of_complex(to, from_int ? std::complex<double>(is_unsigned_int(type) ? static_cast<double>(u) : static_cast<double>(i)) : c);
  if (is_float(to)) return of_float(to, from_int ? (is_unsigned_int(type) ? static_cast<double>(u) : static_cast<double>(i)) : c.real());
  // to an integer type
  if (from_int) return is_unsigned_int(to) ? of_uint(to, u) : of_int(to, i);
  double v = c.real();
  switch (to) {
    case DType::Int8: return of_int(to, saturate<std::int8_t>(v));
    case DType::Int16: return of_int(to, saturate<std::int16_t>(v));
    case DType::Int32: return of_int(to, saturate<std::int32_t>(v));
    case DType::Int64: return of_int(to, saturate<std::int64_t>(v));
    case DType::UInt8: return of_uint(to, saturate<std::uint8_t>(v));
    case DType::UInt16: return of_uint(to, saturate<std::uint16_t>(v));
    case DType::UInt32: return of_uint(to, saturate<std::uint32_t>(v));
    case DType::UInt64: return of_uint(to, saturate<std::uint64_t>(v));
    default: break;
  }
  assert(false && "unhandled cast");
  return *this;
}

bool Scalar::operator==(const Scalar& o) const {
  if (type != o.type) return false;
  if (type == DType::Bytes) return bytes == o.bytes;
  if (is_integer(type) || is_bool(type)) return u == o.u;
  // Bitwise equality, so that NaN constants compare equal to themselves and 0.0 differs from -0.0.
  return std::memcmp(&c, &o.c, sizeof c) == 0;
}

std::string Scalar::to_string() const {
  if (type == DType::Bytes) return fmt::format("b'{}'", bytes);
  if (is_bool(type)) return i ? "True" : "False";
  if (is_unsigned_int(type)) return std::to_string(u);
  if (is_integer(type)) return std::to_string(i);
  // Python's spelling: 2.0 for a float, (1+2j) for a complex number.
  auto py = [](auto v) {
    std::string s = fmt::format("{}", v);
    if (s.find_first_of(".ein") == std::string::npos) s += ".0";
    return s;
  };
  if (is_float(type)) return type == DType::Float32 ? py(static_cast<float>(c.real())) : py(c.real());
  return fmt::format("({}{}{}j)", py(c.real()), c.imag() < 0 || std::signbit(c.imag()) ? "" : "+", py(c.imag()));
}

// ---- factories ----

NodePtr Const::make(Scalar v, SourceRange r) { return std::make_shared<Const>(std::move(v), r); }

NodePtr Operand::make(int slot, DType t, SourceRange r) {
  assert(slot >= 0);
  return std::make_shared<Operand>(slot, t, r);
}

NodePtr Cast::make(DType to, NodePtr x, SourceRange r) {
  assert(is_numeric(to) && is_numeric(x->type) && "casts are between numeric types");
  return std::make_shared<Cast>(to, std::move(x), r);
}

NodePtr Unary::make(UnaryOp op, NodePtr x, SourceRange r) {
  assert(op != UnaryOp::Pos && "unary plus is dropped by type inference");
  assert(is_numeric(x->type));
  assert((op != UnaryOp::Neg || !is_bool(x->type)) && "negation of bool");
  assert((op != UnaryOp::Invert || is_integer(x->type) || is_bool(x->type)) && "~ of a non-integer");
  return std::make_shared<Unary>(op, std::move(x), r);
}

NodePtr Binary::make(BinOp op, NodePtr a, NodePtr b, SourceRange r) {
  assert(a->type == b->type && "binary operands must have one type");
  DType t = is_comparison(op) ? DType::Bool : a->type;
  return std::make_shared<Binary>(op, t, std::move(a), std::move(b), r);
}

NodePtr Select::make(NodePtr c, NodePtr a, NodePtr b, SourceRange r) {
  assert(c->type == DType::Bool && a->type == b->type && "where(bool, T, T)");
  return std::make_shared<Select>(std::move(c), std::move(a), std::move(b), r);
}

NodePtr Call::make(Fn fn, DType result, std::vector<NodePtr> args, SourceRange r) {
  assert(static_cast<int>(args.size()) == fn_info(fn).arity && "wrong number of arguments");
  return std::make_shared<Call>(fn, result, std::move(args), r);
}

NodePtr Reduce::make(ReduceOp op, NodePtr x, std::optional<int> axis, SourceRange r) {
  assert(is_numeric(x->type));
  return std::make_shared<Reduce>(op, std::move(x), axis, r);
}

NodePtr Local::make(int slot, KType t, SourceRange r) {
  assert(slot >= 0 && !t.none);
  return std::make_shared<Local>(slot, t, r);
}

NodePtr Load::make(NodePtr array, std::vector<NodePtr> indices, SourceRange r) {
  assert(ktype_of(*array).rank == static_cast<int>(indices.size()) && "one index per dimension");
  for ([[maybe_unused]] const NodePtr& i : indices) assert(i->type == DType::Int64 && "indices are int64");
  return std::make_shared<Load>(std::move(array), std::move(indices), r);
}

NodePtr Dim::make(NodePtr array, int axis, SourceRange r) {
  assert(axis >= -1 && axis < ktype_of(*array).rank);
  return std::make_shared<Dim>(std::move(array), axis, r);
}

NodePtr Invoke::make(int callee, KType result, std::vector<NodePtr> args, SourceRange r) {
  assert(callee >= 0);
  return std::make_shared<Invoke>(callee, result, std::move(args), r);
}

NodePtr NewArray::make(Fill fill, DType t, std::vector<NodePtr> dims, SourceRange r, NodePtr value) {
  assert(!dims.empty() && static_cast<int>(dims.size()) <= kMaxRank);
  assert((fill == Fill::Full) == static_cast<bool>(value) && (!value || value->type == t));
  for ([[maybe_unused]] const NodePtr& d : dims) assert(d->type == DType::Int64 && "extents are int64");
  return std::make_shared<NewArray>(fill, t, std::move(dims), std::move(value), r);
}

NodePtr Random::make(NodePtr lo, NodePtr hi, SourceRange r) {
  assert((!lo) == (!hi) && (!lo || (lo->type == DType::Float64 && hi->type == DType::Float64)));
  return std::make_shared<Random>(std::move(lo), std::move(hi), r);
}

NodePtr Logical::make(bool is_and, NodePtr a, NodePtr b, SourceRange r) {
  assert(a->type == DType::Bool && b->type == DType::Bool);
  return std::make_shared<Logical>(is_and, std::move(a), std::move(b), r);
}

NodePtr Cond::make(NodePtr c, NodePtr a, NodePtr b, SourceRange r) {
  assert(c->type == DType::Bool && ktype_of(*a) == ktype_of(*b) && "a if bool else a");
  return std::make_shared<Cond>(std::move(c), std::move(a), std::move(b), r);
}

KType ktype_of(const Node& n) {
  switch (n.kind) {
    case NodeKind::Local: return n.cast<Local>().ktype;
    case NodeKind::Invoke: return n.cast<Invoke>().ktype;
    case NodeKind::NewArray: return n.cast<NewArray>().ktype();
    case NodeKind::Cond: return ktype_of(*n.cast<Cond>().if_true);
    default: return KType::scalar(n.type);
  }
}

// ---- tree utilities ----

std::vector<NodePtr> children(const Node& n) {
  switch (n.kind) {
    case NodeKind::Const:
    case NodeKind::Operand: return {};
    case NodeKind::Cast: return {n.cast<Cast>().operand};
    case NodeKind::Unary: return {n.cast<Unary>().operand};
    case NodeKind::Binary: return {n.cast<Binary>().lhs, n.cast<Binary>().rhs};
    case NodeKind::Select: {
      const auto& s = n.cast<Select>();
      return {s.cond, s.if_true, s.if_false};
    }
    case NodeKind::Call: return n.cast<Call>().args;
    case NodeKind::Reduce: return {n.cast<Reduce>().operand};
    case NodeKind::Local: return {};
    case NodeKind::Load: {
      std::vector<NodePtr> k = {n.cast<Load>().array};
      for (const NodePtr& i : n.cast<Load>().indices) k.push_back(i);
      return k;
    }
    case NodeKind::Dim: return {n.cast<Dim>().array};
    case NodeKind::Invoke: return n.cast<Invoke>().args;
    case NodeKind::NewArray: {
      std::vector<NodePtr> k = n.cast<NewArray>().dims;
      if (n.cast<NewArray>().value) k.push_back(n.cast<NewArray>().value);
      return k;
    }
    case NodeKind::Random: {
      const auto& r = n.cast<Random>();
      if (!r.lo) return {};
      return {r.lo, r.hi};
    }
    case NodeKind::Logical: return {n.cast<Logical>().lhs, n.cast<Logical>().rhs};
    case NodeKind::Cond: {
      const auto& c = n.cast<Cond>();
      return {c.cond, c.if_true, c.if_false};
    }
  }
  return {};
}

NodePtr with_children(const NodePtr& n, const std::vector<NodePtr>& kids) {
  std::vector<NodePtr> old = children(*n);
  assert(old.size() == kids.size());
  bool same = true;
  for (std::size_t i = 0; i < kids.size(); ++i) same = same && old[i] == kids[i];
  if (same) return n;
  switch (n->kind) {
    case NodeKind::Const:
    case NodeKind::Operand: return n;
    case NodeKind::Cast: return Cast::make(n->type, kids[0], n->range);
    case NodeKind::Unary: return Unary::make(n->cast<Unary>().op, kids[0], n->range);
    case NodeKind::Binary: return Binary::make(n->cast<Binary>().op, kids[0], kids[1], n->range);
    case NodeKind::Select: return Select::make(kids[0], kids[1], kids[2], n->range);
    case NodeKind::Call: return Call::make(n->cast<Call>().fn, n->type, kids, n->range);
    case NodeKind::Reduce: {
      const auto& red = n->cast<Reduce>();
      return Reduce::make(red.op, kids[0], red.axis, n->range);
    }
    case NodeKind::Local: return n;
    case NodeKind::Load: return Load::make(kids[0], std::vector<NodePtr>(kids.begin() + 1, kids.end()), n->range);
    case NodeKind::Dim: return Dim::make(kids[0], n->cast<Dim>().axis, n->range);
    case NodeKind::Invoke: return Invoke::make(n->cast<Invoke>().callee, n->cast<Invoke>().ktype, kids, n->range);
    case NodeKind::NewArray: {
      const auto& a = n->cast<NewArray>();
      if (!a.value) return NewArray::make(a.fill, n->type, kids, n->range);
      return NewArray::make(a.fill, n->type, std::vector<NodePtr>(kids.begin(), kids.end() - 1), n->range, kids.back());
    }
    case NodeKind::Random: return Random::make(kids[0], kids[1], n->range);
    case NodeKind::Logical: return Logical::make(n->cast<Logical>().is_and, kids[0], kids[1], n->range);
    case NodeKind::Cond: return Cond::make(kids[0], kids[1], kids[2], n->range);
  }
  return n;
}

}  // namespace jitexpr::ir
