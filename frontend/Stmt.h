// The statements, functions and modules of the kernel language (docs/language.md, "Kernels").
// Every node carries the source range it was parsed from; expressions are the nodes of Ast.h.
#pragma once

#include "frontend/Ast.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jitexpr::ast {

// Every statement node, written once; the kind enum and the dispatch derive from it.
#define JITEXPR_AST_STMTS(X) \
  X(ExprStmt) X(Assign) X(AugAssign) X(AnnAssign) X(If) X(While) X(For) X(Break) X(Continue) X(Return) X(Pass)

enum class StmtKind : std::uint8_t {
#define X(name) name,
  JITEXPR_AST_STMTS(X)
#undef X
};

struct Stmt {
  explicit Stmt(StmtKind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Stmt() = default;
  const StmtKind kind;
  const SourceRange range;  // the first token to the last, or to the end of the last nested block

  template <typename T> const T* as() const { return kind == T::Kind ? static_cast<const T*>(this) : nullptr; }
  template <typename T> const T& cast() const { return static_cast<const T&>(*this); }
};
using StmtPtr = std::unique_ptr<const Stmt>;
// The statements of a block in order. A parsed block is never empty (`pass` is a statement), except
// a function body that holds only its docstring.
using Block = std::vector<StmtPtr>;

// A type annotation: a dtype name as written (`float64`, `int32`, `complex128`, `bool`, and Python's
// `int`, `float`, `complex`, which type inference reads as int64, float64, complex128) and one `:`
// per array dimension: `float64[:, :]` has rank 2, `float64` rank 0. A return annotation may also
// be `None`.
struct TypeAnnotation {
  std::string name;
  int rank = 0;
  SourceRange range;
};

// A call or any other expression evaluated for its effect: `f(a)`.
struct ExprStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::ExprStmt;
  ExprStmt(SourceRange r, ExprPtr v) : Stmt(Kind, r), value(std::move(v)) {}
  ExprPtr value;
};

// `a = v`, `a[i, j] = v`, `a, b = b, a`, and chained `a = b = 0` (targets {a, b}, assigned left to
// right as Python does). A target is a Name, a Subscript, or a Tuple of those.
struct Assign : Stmt {
  static constexpr StmtKind Kind = StmtKind::Assign;
  Assign(SourceRange r, std::vector<ExprPtr> t, ExprPtr v)
      : Stmt(Kind, r), targets(std::move(t)), value(std::move(v)) {}
  std::vector<ExprPtr> targets;
  ExprPtr value;
};

// `x += v` and the other augmented assignments; the target is a Name or a Subscript.
struct AugAssign : Stmt {
  static constexpr StmtKind Kind = StmtKind::AugAssign;
  AugAssign(SourceRange r, ExprPtr t, BinOp o, SourceRange orange, ExprPtr v)
      : Stmt(Kind, r), target(std::move(t)), op(o), op_range(orange), value(std::move(v)) {}
  ExprPtr target;
  BinOp op;              // `+=` is Add
  SourceRange op_range;  // the `+=` token, where type errors point
  ExprPtr value;
};

// `x: float64 = 0.0`, or a declaration without a value, `x: int64`. The target is a Name.
struct AnnAssign : Stmt {
  static constexpr StmtKind Kind = StmtKind::AnnAssign;
  AnnAssign(SourceRange r, ExprPtr t, TypeAnnotation a, ExprPtr v)
      : Stmt(Kind, r), target(std::move(t)), annotation(std::move(a)), value(std::move(v)) {}
  ExprPtr target;
  TypeAnnotation annotation;
  ExprPtr value;  // null for a declaration
};

// `if c: ... else: ...`. An `elif` is an If alone in the else block, whose range starts at `elif`.
struct If : Stmt {
  static constexpr StmtKind Kind = StmtKind::If;
  If(SourceRange r, ExprPtr c, Block t, Block e)
      : Stmt(Kind, r), cond(std::move(c)), then_body(std::move(t)), else_body(std::move(e)) {}
  ExprPtr cond;
  Block then_body;
  Block else_body;  // empty when there is no else
};

struct While : Stmt {
  static constexpr StmtKind Kind = StmtKind::While;
  While(SourceRange r, ExprPtr c, Block b) : Stmt(Kind, r), cond(std::move(c)), body(std::move(b)) {}
  ExprPtr cond;
  Block body;
};

// `for i in range(...)`, `for i in prange(...)`: one loop variable; the iterable is any expression,
// which type inference checks.
struct For : Stmt {
  static constexpr StmtKind Kind = StmtKind::For;
  For(SourceRange r, std::string v, SourceRange vr, ExprPtr it, Block b)
      : Stmt(Kind, r), var(std::move(v)), var_range(vr), iter(std::move(it)), body(std::move(b)) {}
  std::string var;
  SourceRange var_range;
  ExprPtr iter;
  Block body;
};

struct Break : Stmt {
  static constexpr StmtKind Kind = StmtKind::Break;
  explicit Break(SourceRange r) : Stmt(Kind, r) {}
};

struct Continue : Stmt {
  static constexpr StmtKind Kind = StmtKind::Continue;
  explicit Continue(SourceRange r) : Stmt(Kind, r) {}
};

// `return`, `return x`, `return a, b` (a Tuple).
struct Return : Stmt {
  static constexpr StmtKind Kind = StmtKind::Return;
  Return(SourceRange r, ExprPtr v) : Stmt(Kind, r), value(std::move(v)) {}
  ExprPtr value;  // null for a bare return
};

struct Pass : Stmt {
  static constexpr StmtKind Kind = StmtKind::Pass;
  explicit Pass(SourceRange r) : Stmt(Kind, r) {}
};

struct Param {
  std::string name;
  std::optional<TypeAnnotation> annotation;
  SourceRange range;  // the name and its annotation
};

// A Numba decorator, accepted so that Numba code runs unchanged and kept for the canonical text:
// `@njit`, `@jit`, with an optional `numba.` prefix, each with optional arguments
// (`@njit(parallel=True)`). It changes nothing: every kernel is compiled in nopython mode.
struct Decorator {
  std::string module;  // "numba" or empty
  ExprPtr expr;        // the Name `njit`, or the Call `njit(parallel=True)`
  SourceRange range;   // from '@' to the end of the line
};

struct FunctionDef {
  std::string name;
  SourceRange name_range;
  std::vector<Decorator> decorators;
  std::vector<Param> params;
  std::optional<TypeAnnotation> returns;  // `-> float64`
  std::optional<std::string> docstring;   // a leading string statement, removed from the body
  Block body;
  SourceRange range;  // from `def` to the end of the body
};

// An accepted import: `import math`, `import numpy as np` (module "numpy", alias "np"),
// `from math import sqrt, sin` (names {sqrt, sin}). `import math, cmath` gives one Import per module,
// each with the whole line's range.
struct ImportedName {
  std::string name;
  SourceRange range;
};
struct Import {
  std::string module;
  SourceRange module_range;
  std::string alias;                // `as np`; empty if none
  std::vector<ImportedName> names;  // empty for `import module`
  bool is_from = false;
  SourceRange range;
};

struct Module {
  std::optional<std::string> docstring;
  std::vector<Import> imports;
  std::vector<FunctionDef> functions;  // in source order
};

}  // namespace jitexpr::ast
