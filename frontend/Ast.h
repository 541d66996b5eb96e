// The abstract syntax tree. Every node carries the source range it was parsed from.
#pragma once

#include "frontend/Operators.h"

#include <jitexpr/Error.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace jitexpr::ast {

// Every expression node, written once; the kind enum and the dispatch derive from it.
#define JITEXPR_AST_EXPRS(X) \
  X(IntLit) X(FloatLit) X(ImagLit) X(BoolLit) X(BytesLit) X(Name) X(Unary) X(Binary) X(Call) X(Attribute) X(Subscript) \
  X(Tuple) X(BoolOp) X(Not) X(IfExp) X(List)

enum class ExprKind : std::uint8_t {
#define X(name) name,
  JITEXPR_AST_EXPRS(X)
#undef X
};

struct Expr {
  explicit Expr(ExprKind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Expr() = default;
  const ExprKind kind;
  const SourceRange range;

  template <typename T> const T* as() const { return kind == T::Kind ? static_cast<const T*>(this) : nullptr; }
  template <typename T> const T& cast() const { return static_cast<const T&>(*this); }
};
using ExprPtr = std::unique_ptr<const Expr>;

// An integer literal. `value` is the literal's magnitude, except that the parser folds a minus
// sign into it (so -9223372036854775808 is representable).
struct IntLit : Expr {
  static constexpr ExprKind Kind = ExprKind::IntLit;
  IntLit(SourceRange r, std::int64_t v) : Expr(Kind, r), value(v) {}
  std::int64_t value;
};

struct FloatLit : Expr {
  static constexpr ExprKind Kind = ExprKind::FloatLit;
  FloatLit(SourceRange r, double v) : Expr(Kind, r), value(v) {}
  double value;
};

// `4j`: the imaginary part of a complex literal.
struct ImagLit : Expr {
  static constexpr ExprKind Kind = ExprKind::ImagLit;
  ImagLit(SourceRange r, double v) : Expr(Kind, r), value(v) {}
  double value;
};

struct BoolLit : Expr {
  static constexpr ExprKind Kind = ExprKind::BoolLit;
  BoolLit(SourceRange r, bool v) : Expr(Kind, r), value(v) {}
  bool value;
};

struct BytesLit : Expr {
  static constexpr ExprKind Kind = ExprKind::BytesLit;
  BytesLit(SourceRange r, std::string v) : Expr(Kind, r), value(std::move(v)) {}
  std::string value;
};

struct Name : Expr {
  static constexpr ExprKind Kind = ExprKind::Name;
  Name(SourceRange r, std::string id) : Expr(Kind, r), id(std::move(id)) {}
  std::string id;
};

struct Unary : Expr {
  static constexpr ExprKind Kind = ExprKind::Unary;
  Unary(SourceRange r, UnaryOp o, ExprPtr x) : Expr(Kind, r), op(o), operand(std::move(x)) {}
  UnaryOp op;
  ExprPtr operand;
};

struct Binary : Expr {
  static constexpr ExprKind Kind = ExprKind::Binary;
  Binary(SourceRange r, BinOp o, ExprPtr a, ExprPtr b)
      : Expr(Kind, r), op(o), lhs(std::move(a)), rhs(std::move(b)) {}
  BinOp op;
  SourceRange op_range;  // the operator token, where type errors point
  ExprPtr lhs, rhs;
};

struct Keyword {
  std::string name;
  SourceRange name_range;
  ExprPtr value;
};

// `f(x, y, axis=1)`; `callee` is the function's name with any module prefix removed
// (`np.sin` -> `sin`); `prefix` keeps the prefix as written (`np`), empty if none.
struct Call : Expr {
  static constexpr ExprKind Kind = ExprKind::Call;
  Call(SourceRange r, std::string p, std::string c, SourceRange cr, std::vector<ExprPtr> a, std::vector<Keyword> k)
      : Expr(Kind, r), prefix(std::move(p)), callee(std::move(c)), callee_range(cr), args(std::move(a)),
        keywords(std::move(k)) {}
  std::string prefix;
  std::string callee;
  SourceRange callee_range;
  std::vector<ExprPtr> args;
  std::vector<Keyword> keywords;
};

// `x.real`, `x.imag`, `a.shape`, `a.size`.
struct Attribute : Expr {
  static constexpr ExprKind Kind = ExprKind::Attribute;
  Attribute(SourceRange r, ExprPtr o, std::string a, SourceRange ar)
      : Expr(Kind, r), object(std::move(o)), attr(std::move(a)), attr_range(ar) {}
  ExprPtr object;
  std::string attr;
  SourceRange attr_range;
};

// `a[i]`, `a[i, j]`.
struct Subscript : Expr {
  static constexpr ExprKind Kind = ExprKind::Subscript;
  Subscript(SourceRange r, ExprPtr o, std::vector<ExprPtr> idx)
      : Expr(Kind, r), object(std::move(o)), indices(std::move(idx)) {}
  ExprPtr object;
  std::vector<ExprPtr> indices;
};

// `(a, b)`: for array shapes in the REPL's constructors and for kernels' tuple assignment;
// expressions reject it.
struct Tuple : Expr {
  static constexpr ExprKind Kind = ExprKind::Tuple;
  Tuple(SourceRange r, std::vector<ExprPtr> e) : Expr(Kind, r), elements(std::move(e)) {}
  std::vector<ExprPtr> elements;
};

// The kernel language's Python forms (module mode only; expressions reject them with a hint).

// `a and b`, `a or b`.
struct BoolOp : Expr {
  static constexpr ExprKind Kind = ExprKind::BoolOp;
  BoolOp(SourceRange r, bool is_and, ExprPtr a, ExprPtr b)
      : Expr(Kind, r), is_and(is_and), lhs(std::move(a)), rhs(std::move(b)) {}
  bool is_and;
  ExprPtr lhs, rhs;
};

// `not x`.
struct Not : Expr {
  static constexpr ExprKind Kind = ExprKind::Not;
  Not(SourceRange r, ExprPtr x) : Expr(Kind, r), operand(std::move(x)) {}
  ExprPtr operand;
};

// `a if cond else b`.
struct IfExp : Expr {
  static constexpr ExprKind Kind = ExprKind::IfExp;
  IfExp(SourceRange r, ExprPtr c, ExprPtr a, ExprPtr b)
      : Expr(Kind, r), cond(std::move(c)), if_true(std::move(a)), if_false(std::move(b)) {}
  ExprPtr cond, if_true, if_false;
};

// `[0]`: a list display, for the idiom `[0] * n` that makes an array.
struct List : Expr {
  static constexpr ExprKind Kind = ExprKind::List;
  List(SourceRange r, std::vector<ExprPtr> e) : Expr(Kind, r), elements(std::move(e)) {}
  std::vector<ExprPtr> elements;
};

// The direct children of an expression, in source order (a call's keyword values last).
std::vector<const Expr*> children(const Expr& e);

// A copy of an expression's tree in which `replace` may stand in for any node: it is asked of each
// node, outermost first, and what it returns (not null) takes that node's place; null copies the
// node and asks again of its children. Every node keeps its source range. Null when the tree holds
// a node outside expressions (subscripts, tuples, lists: the kernel language's forms).
using Replacer = std::function<ExprPtr(const Expr&)>;
ExprPtr rewrite(const Expr& e, const Replacer& replace);
// The same for `e`'s children only: a copy of `e` itself whose children are rewritten.
ExprPtr rewrite_children(const Expr& e, const Replacer& replace);

}  // namespace jitexpr::ast
