#include "ir/Verifier.h"

#include <fmt/format.h>

#include <algorithm>

namespace jitexpr::ir {

namespace {

std::string check(const Program& p, const Node& n, bool is_root, int rank) {
  for (const NodePtr& k : children(n)) {
    if (std::string e = check(p, *k, false, rank); !e.empty()) return e;
  }
  auto bad = [&](std::string_view what) { return fmt::format("{} node: {}", node_kind_name(n.kind), what); };
  switch (n.kind) {
    case NodeKind::Const:
      if (n.cast<Const>().value.type != n.type) return bad("value type differs from node type");
      return {};
    case NodeKind::Operand: {
      int slot = n.cast<Operand>().slot;
      if (slot < 0 || static_cast<std::size_t>(slot) >= p.operands.size()) return bad("slot out of range");
      if (p.operands[static_cast<std::size_t>(slot)].dtype != n.type) return bad("type differs from the operand's");
      return {};
    }
    case NodeKind::Cast:
      if (!is_numeric(n.type) || !is_numeric(n.cast<Cast>().operand->type)) return bad("non-numeric cast");
      return {};
    case NodeKind::Unary: {
      const auto& u = n.cast<Unary>();
      if (u.operand->type != n.type) return bad("type changes");
      if (u.op == UnaryOp::Neg && is_bool(n.type)) return bad("negation of bool");
      if (u.op == UnaryOp::Invert && !is_integer(n.type) && !is_bool(n.type)) return bad("invert of a non-integer");
      if (u.op == UnaryOp::Pos) return bad("unary plus survives inference");
      return {};
    }
    case NodeKind::Binary: {
      const auto& b = n.cast<Binary>();
      if (b.lhs->type != b.rhs->type) return bad("operand types differ");
      DType want = is_comparison(b.op) ? DType::Bool : b.lhs->type;
      if (n.type != want) return bad("wrong result type");
      return {};
    }
    case NodeKind::Select: {
      const auto& s = n.cast<Select>();
      if (s.cond->type != DType::Bool) return bad("condition is not bool");
      if (s.if_true->type != n.type || s.if_false->type != n.type) return bad("arm types differ");
      return {};
    }
    case NodeKind::Call: {
      const auto& c = n.cast<Call>();
      const FnInfo& info = fn_info(c.fn);
      if (static_cast<int>(c.args.size()) != info.arity) return bad("wrong arity");
      if ((info.rule == FnRule::FloatMath || info.rule == FnRule::RealMath || info.rule == FnRule::Rounding ||
           info.rule == FnRule::RealMath2) &&
          (is_integer(c.args[0]->type) || is_bool(c.args[0]->type))) {
        return bad("real math on an integer type");
      }
      return {};
    }
    case NodeKind::Local:
    case NodeKind::Load:
    case NodeKind::Dim:
    case NodeKind::Invoke:
    case NodeKind::NewArray:
    case NodeKind::Random:
    case NodeKind::Logical:
    case NodeKind::Cond:
      return bad("a kernel node in an expression");
    case NodeKind::Reduce: {
      const auto& r = n.cast<Reduce>();
      if (!is_root) return bad("reduction below the root");
      if (r.axis && (*r.axis < 0 || *r.axis >= std::max(rank, 1))) return bad("axis out of range");
      return {};
    }
  }
  return {};
}

}  // namespace

std::string verify(const Program& p) {
  if (!p.root) return "program has no root";
  int rank = 0;
  for (const OperandInfo& op : p.operands) rank = std::max(rank, op.rank);
  return check(p, *p.root, true, rank);
}

}  // namespace jitexpr::ir
