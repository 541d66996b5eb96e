// The typed IR of kernels: functions of statements over the expression nodes of ir/Node.h (with
// the kernel nodes: locals, element loads, calls, new arrays). Type inference (KernelInfer) makes
// one KFunction per specialization: each local has one type, and every conversion is an explicit
// Cast node, so codegen never decides a type.
#pragma once

#include "ir/Node.h"

#include <memory>
#include <string>
#include <vector>

namespace jitexpr::ir {

#define JITEXPR_KERNEL_STMTS(X) X(Eval) X(SetLocal) X(Store) X(If) X(While) X(For) X(Break) X(Continue) X(Return)

enum class KStmtKind : std::uint8_t {
#define X(name) name,
  JITEXPR_KERNEL_STMTS(X)
#undef X
};

struct KStmt;
using KStmtPtr = std::unique_ptr<const KStmt>;
using KBlock = std::vector<KStmtPtr>;

struct KStmt {
  KStmt(KStmtKind k, SourceRange r) : kind(k), range(r) {}
  virtual ~KStmt() = default;
  const KStmtKind kind;
  const SourceRange range;
  template <typename T> const T* as() const { return kind == T::Kind ? static_cast<const T*>(this) : nullptr; }
  template <typename T> const T& cast() const { return static_cast<const T&>(*this); }
};

// A reduction of a prange loop: `local op= value` is the only use of the local in the body.
struct Reduction {
  int slot;
  BinOp op;  // Add, Sub (an Add of negated terms), Mul, BitAnd, BitOr, BitXor
};

namespace k {

// A value computed for its effect (a call).
struct Eval : KStmt {
  static constexpr KStmtKind Kind = KStmtKind::Eval;
  Eval(SourceRange r, NodePtr v) : KStmt(Kind, r), value(std::move(v)) {}
  NodePtr value;
};

// locals[slot] = value; the value has the local's type.
struct SetLocal : KStmt {
  static constexpr KStmtKind Kind = KStmtKind::SetLocal;
  SetLocal(SourceRange r, int s, NodePtr v) : KStmt(Kind, r), slot(s), value(std::move(v)) {}
  int slot;
  NodePtr value;
};

// array[indices] = value; the value has the array's dtype.
struct Store : KStmt {
  static constexpr KStmtKind Kind = KStmtKind::Store;
  Store(SourceRange r, NodePtr a, std::vector<NodePtr> i, NodePtr v)
      : KStmt(Kind, r), array(std::move(a)), indices(std::move(i)), value(std::move(v)) {}
  NodePtr array;
  std::vector<NodePtr> indices;
  NodePtr value;
};

struct If : KStmt {
  static constexpr KStmtKind Kind = KStmtKind::If;
  If(SourceRange r, NodePtr c, KBlock t, KBlock e)
      : KStmt(Kind, r), cond(std::move(c)), then_body(std::move(t)), else_body(std::move(e)) {}
  NodePtr cond;  // bool
  KBlock then_body, else_body;
};

struct While : KStmt {
  static constexpr KStmtKind Kind = KStmtKind::While;
  While(SourceRange r, NodePtr c, KBlock b) : KStmt(Kind, r), cond(std::move(c)), body(std::move(b)) {}
  NodePtr cond;  // bool
  KBlock body;
};

// for var in range(start, stop, step) / prange(...): start, stop and step are int64, evaluated
// once; step != 0 is checked at run time. A parallel loop's body runs on the executor's threads:
// `captured` lists the locals it reads from outside (copied in), `reductions` the ones it combines.
struct For : KStmt {
  static constexpr KStmtKind Kind = KStmtKind::For;
  For(SourceRange r, int v, NodePtr a, NodePtr b, NodePtr s, bool par, KBlock body)
      : KStmt(Kind, r), var(v), start(std::move(a)), stop(std::move(b)), step(std::move(s)), parallel(par),
        body(std::move(body)) {}
  int var;
  NodePtr start, stop, step;
  bool parallel;
  KBlock body;
  std::vector<Reduction> reductions;
};

struct Break : KStmt {
  static constexpr KStmtKind Kind = KStmtKind::Break;
  explicit Break(SourceRange r) : KStmt(Kind, r) {}
};

struct Continue : KStmt {
  static constexpr KStmtKind Kind = KStmtKind::Continue;
  explicit Continue(SourceRange r) : KStmt(Kind, r) {}
};

// The value has the function's result type; null when it returns None.
struct Return : KStmt {
  static constexpr KStmtKind Kind = KStmtKind::Return;
  Return(SourceRange r, NodePtr v) : KStmt(Kind, r), value(std::move(v)) {}
  NodePtr value;
};

}  // namespace k

struct KLocal {
  std::string name;
  KType type;
  SourceRange first;   // the first assignment (or the parameter), for error messages
  bool param = false;
  bool fixed = false;  // declared by an annotation: values convert to it instead of widening it
};

// One specialization of one `def`.
struct KFunction {
  std::string name;    // the def's name
  std::string symbol;  // unique in the program: name and specialization number
  std::vector<KLocal> locals;  // the parameters first, in order
  std::vector<KType> params;   // the types the caller passes (a parameter's local may be wider)
  int num_params = 0;
  KType result = KType::none_type();
  KBlock body;
  bool recursive = false;  // calls itself (directly)
};

// Everything one entry call needs: the entry specialization and every one it calls.
struct KProgram {
  std::vector<std::unique_ptr<KFunction>> functions;  // functions[0] is the entry
  const KFunction& entry() const { return *functions[0]; }
};

// For %ir: each function's signature, then its statements, one per line, each expression nested
// in the words of the expression printer (ir/Printer.cpp prints both from one form per node):
//   def jx_norm_square_0(vector: float64[:]) -> float64
//     norm: float64 = 0.0
//     for i in range(0, dim(vector, 0), 1):
//       norm: float64 = add(norm, mul(load(vector, i), load(vector, i)))
//     return norm
std::string print_kernel_program(const KProgram& p);

}  // namespace jitexpr::ir
