// Tree walks over the AST shared by the passes that need them.
#include "frontend/Ast.h"

namespace jitexpr::ast {

std::vector<const Expr*> children(const Expr& e) {
  std::vector<const Expr*> out;
  switch (e.kind) {
    case ExprKind::IntLit:
    case ExprKind::FloatLit:
    case ExprKind::ImagLit:
    case ExprKind::BoolLit:
    case ExprKind::BytesLit:
    case ExprKind::Name: break;
    case ExprKind::Unary: out.push_back(e.cast<Unary>().operand.get()); break;
    case ExprKind::Binary:
      out.push_back(e.cast<Binary>().lhs.get());
      out.push_back(e.cast<Binary>().rhs.get());
      break;
    case ExprKind::Call:
      for (const auto& a : e.cast<Call>().args) out.push_back(a.get());
      for (const auto& k : e.cast<Call>().keywords) out.push_back(k.value.get());
      break;
    case ExprKind::Attribute: out.push_back(e.cast<Attribute>().object.get()); break;
    case ExprKind::Subscript:
      out.push_back(e.cast<Subscript>().object.get());
      for (const auto& i : e.cast<Subscript>().indices) out.push_back(i.get());
      break;
    case ExprKind::Tuple:
      for (const auto& x : e.cast<Tuple>().elements) out.push_back(x.get());
      break;
    case ExprKind::List:
      for (const auto& x : e.cast<List>().elements) out.push_back(x.get());
      break;
    case ExprKind::BoolOp:
      out.push_back(e.cast<BoolOp>().lhs.get());
      out.push_back(e.cast<BoolOp>().rhs.get());
      break;
    case ExprKind::Not: out.push_back(e.cast<Not>().operand.get()); break;
    case ExprKind::IfExp:
      out.push_back(e.cast<IfExp>().if_true.get());
      out.push_back(e.cast<IfExp>().cond.get());
      out.push_back(e.cast<IfExp>().if_false.get());
      break;
  }
  return out;
}

}  // namespace jitexpr::ast
