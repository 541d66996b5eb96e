// The typed IR of expressions: immutable nodes shared by pointer, each with its dtype and the
// source range it came from. Factories check their operand types, so ill-typed IR cannot be built
// (a violation is our bug, an assertion; a user's type error is caught earlier, in Infer).
#pragma once

#include "base/KType.h"
#include "frontend/Operators.h"
#include "ir/Builtins.h"

#include <jitexpr/DType.h>
#include <jitexpr/Error.h>

#include <complex>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jitexpr::ir {

// The first eight kinds make expressions; kernels use them too, and the ones after them (see
// "Kernel nodes" below).
#define JITEXPR_IR_NODES(X)                                                          \
  X(Const) X(Operand) X(Cast) X(Unary) X(Binary) X(Select) X(Call) X(Reduce) X(Local) \
  X(Load) X(Dim) X(Invoke) X(NewArray) X(Random) X(Logical) X(Cond)

enum class NodeKind : std::uint8_t {
#define X(name) name,
  JITEXPR_IR_NODES(X)
#undef X
};
std::string_view node_kind_name(NodeKind k);

struct Node;
using NodePtr = std::shared_ptr<const Node>;

struct Node {
  Node(NodeKind k, DType t, SourceRange r) : kind(k), type(t), range(r) {}
  virtual ~Node() = default;
  const NodeKind kind;
  const DType type;
  const SourceRange range;

  template <typename T> const T* as() const { return kind == T::Kind ? static_cast<const T*>(this) : nullptr; }
  template <typename T> const T& cast() const { return static_cast<const T&>(*this); }
};

// A constant of any dtype. Signed integers and bool use `i`, unsigned `u`, floating and complex
// `c`, bytes `bytes`.
struct Scalar {
  DType type = DType::Int64;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  std::complex<double> c;
  std::string bytes;

  static Scalar of_bool(bool v);
  static Scalar of_int(DType t, std::int64_t v);  // wraps v into t's range
  static Scalar of_uint(DType t, std::uint64_t v);
  static Scalar of_float(DType t, double v);       // rounds to float32 when t is float32
  static Scalar of_complex(DType t, std::complex<double> v);
  static Scalar of_bytes(std::string v);
  // The value converted to another dtype with numpy's unsafe-cast rules.
  Scalar cast(DType to) const;
  bool operator==(const Scalar& o) const;
  std::string to_string() const;
};

struct Const : Node {
  static constexpr NodeKind Kind = NodeKind::Const;
  static NodePtr make(Scalar v, SourceRange r = {});
  Const(Scalar v, SourceRange r) : Node(Kind, v.type, r), value(std::move(v)) {}
  Scalar value;
};

// Element `index` of operand `slot` (the slots are the expression's variables, in order of
// first appearance).
struct Operand : Node {
  static constexpr NodeKind Kind = NodeKind::Operand;
  static NodePtr make(int slot, DType t, SourceRange r = {});
  Operand(int s, DType t, SourceRange r) : Node(Kind, t, r), slot(s) {}
  int slot;
};

// A conversion with numpy's rules (to bool: x != 0; float to int: saturating, NaN to 0).
struct Cast : Node {
  static constexpr NodeKind Kind = NodeKind::Cast;
  static NodePtr make(DType to, NodePtr x, SourceRange r = {});
  Cast(DType to, NodePtr x, SourceRange r) : Node(Kind, to, r), operand(std::move(x)) {}
  NodePtr operand;
};

// Neg (any numeric but bool), Invert (bitwise not of integers, logical not of bool).
struct Unary : Node {
  static constexpr NodeKind Kind = NodeKind::Unary;
  static NodePtr make(UnaryOp op, NodePtr x, SourceRange r = {});
  Unary(UnaryOp o, NodePtr x, SourceRange r) : Node(Kind, x->type, r), op(o), operand(std::move(x)) {}
  UnaryOp op;
  NodePtr operand;
};

// Both operands have the same type; the result has it too, or bool for a comparison.
struct Binary : Node {
  static constexpr NodeKind Kind = NodeKind::Binary;
  static NodePtr make(BinOp op, NodePtr a, NodePtr b, SourceRange r = {});
  Binary(BinOp o, DType t, NodePtr a, NodePtr b, SourceRange r)
      : Node(Kind, t, r), op(o), lhs(std::move(a)), rhs(std::move(b)) {}
  BinOp op;
  NodePtr lhs, rhs;
};

// where(cond, a, b): cond is bool; a, b and the result share one type.
struct Select : Node {
  static constexpr NodeKind Kind = NodeKind::Select;
  static NodePtr make(NodePtr c, NodePtr a, NodePtr b, SourceRange r = {});
  Select(NodePtr c, NodePtr a, NodePtr b, SourceRange r)
      : Node(Kind, a->type, r), cond(std::move(c)), if_true(std::move(a)), if_false(std::move(b)) {}
  NodePtr cond, if_true, if_false;
};

// A built-in function; the arguments already have the types the function computes in.
struct Call : Node {
  static constexpr NodeKind Kind = NodeKind::Call;
  static NodePtr make(Fn fn, DType result, std::vector<NodePtr> args, SourceRange r = {});
  Call(Fn f, DType t, std::vector<NodePtr> a, SourceRange r) : Node(Kind, t, r), fn(f), args(std::move(a)) {}
  Fn fn;
  std::vector<NodePtr> args;
};

// A reduction of the element-wise expression below it; only ever the root of an expression.
// The operand has the accumulator's type. `axis` is normalized (non-negative), or none for all.
struct Reduce : Node {
  static constexpr NodeKind Kind = NodeKind::Reduce;
  static NodePtr make(ReduceOp op, NodePtr x, std::optional<int> axis, SourceRange r = {});
  Reduce(ReduceOp o, NodePtr x, std::optional<int> a, SourceRange r)
      : Node(Kind, x->type, r), op(o), operand(std::move(x)), axis(a) {}
  ReduceOp op;
  NodePtr operand;
  std::optional<int> axis;
};

// ---- Kernel nodes ----
// Kernels read locals, array elements and shapes, call each other, make arrays and draw random
// numbers. Array-valued nodes (Local, Invoke, NewArray) keep their KType; `type` is its dtype.

// A local variable or parameter of the function being compiled (ir/KernelIR.h, KFunction::locals).
struct Local : Node {
  static constexpr NodeKind Kind = NodeKind::Local;
  static NodePtr make(int slot, KType t, SourceRange r = {});
  Local(int s, KType t, SourceRange r) : Node(Kind, t.dtype, r), slot(s), ktype(t) {}
  int slot;
  KType ktype;
};

// array[i, j, ...]: one index per dimension, each int64, negative ones counting from the end;
// bounds-checked unless the module turns checks off.
struct Load : Node {
  static constexpr NodeKind Kind = NodeKind::Load;
  static NodePtr make(NodePtr array, std::vector<NodePtr> indices, SourceRange r = {});
  Load(NodePtr a, std::vector<NodePtr> i, SourceRange r)
      : Node(Kind, a->type, r), array(std::move(a)), indices(std::move(i)) {}
  NodePtr array;
  std::vector<NodePtr> indices;
};

// array.shape[axis] (axis normalized), or array.size when axis is -1: an int64.
struct Dim : Node {
  static constexpr NodeKind Kind = NodeKind::Dim;
  static NodePtr make(NodePtr array, int axis, SourceRange r = {});
  Dim(NodePtr a, int ax, SourceRange r) : Node(Kind, DType::Int64, r), array(std::move(a)), axis(ax) {}
  NodePtr array;
  int axis;
};

// A call of another function of the module, specialized for these argument types; `callee`
// indexes KProgram::functions.
struct Invoke : Node {
  static constexpr NodeKind Kind = NodeKind::Invoke;
  static NodePtr make(int callee, KType result, std::vector<NodePtr> args, SourceRange r = {});
  Invoke(int c, KType t, std::vector<NodePtr> a, SourceRange r)
      : Node(Kind, t.dtype, r), callee(c), ktype(t), args(std::move(a)) {}
  int callee;
  KType ktype;
  std::vector<NodePtr> args;
};

// zeros/empty/ones, and [value] * n (Full): a new C-contiguous array of the given extents (int64
// each).
enum class Fill : std::uint8_t { Zeros, Empty, Ones, Full };
struct NewArray : Node {
  static constexpr NodeKind Kind = NodeKind::NewArray;
  static NodePtr make(Fill fill, DType t, std::vector<NodePtr> dims, SourceRange r = {}, NodePtr value = nullptr);
  NewArray(Fill f, DType t, std::vector<NodePtr> d, NodePtr v, SourceRange r)
      : Node(Kind, t, r), fill(f), dims(std::move(d)), value(std::move(v)) {}
  Fill fill;
  std::vector<NodePtr> dims;
  NodePtr value;  // Full only, of type t
  KType ktype() const { return KType::array(type, static_cast<int>(dims.size())); }
};

// random.random() (no bounds) or random.uniform(lo, hi): a float64 from the call's stream.
struct Random : Node {
  static constexpr NodeKind Kind = NodeKind::Random;
  static NodePtr make(NodePtr lo, NodePtr hi, SourceRange r = {});
  Random(NodePtr l, NodePtr h, SourceRange r) : Node(Kind, DType::Float64, r), lo(std::move(l)), hi(std::move(h)) {}
  NodePtr lo, hi;  // both null for random()
};

// `a and b`, `a or b` on booleans, short-circuiting: b is evaluated only when it decides.
struct Logical : Node {
  static constexpr NodeKind Kind = NodeKind::Logical;
  static NodePtr make(bool is_and, NodePtr a, NodePtr b, SourceRange r = {});
  Logical(bool i, NodePtr a, NodePtr b, SourceRange r)
      : Node(Kind, DType::Bool, r), is_and(i), lhs(std::move(a)), rhs(std::move(b)) {}
  bool is_and;
  NodePtr lhs, rhs;
};

// `a if cond else b`: only the chosen arm is evaluated (where() evaluates both).
struct Cond : Node {
  static constexpr NodeKind Kind = NodeKind::Cond;
  static NodePtr make(NodePtr c, NodePtr a, NodePtr b, SourceRange r = {});
  Cond(NodePtr c, NodePtr a, NodePtr b, SourceRange r)
      : Node(Kind, a->type, r), cond(std::move(c)), if_true(std::move(a)), if_false(std::move(b)) {}
  NodePtr cond, if_true, if_false;
};

// The kernel type of a node: its KType for array-valued kinds, else a scalar of its dtype.
KType ktype_of(const Node& n);

// The children of a node, in evaluation order.
std::vector<NodePtr> children(const Node& n);
// The same node with other children (same count, same types); `n` itself if they are unchanged.
NodePtr with_children(const NodePtr& n, const std::vector<NodePtr>& kids);

// How the compiled loop addresses one operand.
enum class Layout : std::uint8_t {
  Contiguous,  // unit stride along the inner loop: vectorizable loads
  Strided,     // any other stride, passed at run time
  Scalar,      // one value for every element (0-d, or broadcast along every axis)
};
std::string_view layout_name(Layout l);

struct OperandInfo {
  std::string name;
  DType dtype = DType::Float64;
  Layout layout = Layout::Contiguous;
  int rank = 0;
  std::size_t itemsize = 8;
  SourceRange first_use;
};

// A typed expression ready for the passes and codegen. The result is written with `out_layout`.
// The alignment of an output base that streaming stores rely on (Program::streaming_stores).
inline constexpr std::uint64_t kStreamingAlignment = 64;

struct Program {
  NodePtr root;
  std::vector<OperandInfo> operands;
  Layout out_layout = Layout::Contiguous;
  // Element-wise into a contiguous output whose base the runtime guarantees 64-byte aligned:
  // stores bypass the caches (non-temporal), for results too large to stay in them.
  bool streaming_stores = false;
  DType result_type() const { return root->type; }
  const Reduce* reduction() const { return root->as<Reduce>(); }
};

}  // namespace jitexpr::ir
