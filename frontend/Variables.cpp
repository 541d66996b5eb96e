// Collects the variables of an expression.
#include "frontend/Variables.h"

namespace jitexpr {

namespace {

void walk(const ast::Expr& e, std::vector<VariableUse>& out) {
  switch (e.kind) {
    case ast::ExprKind::IntLit:
    case ast::ExprKind::FloatLit:
    case ast::ExprKind::ImagLit:
    case ast::ExprKind::BoolLit:
    case ast::ExprKind::BytesLit: return;
    case ast::ExprKind::Name: {
      const auto& n = e.cast<ast::Name>();
      if (n.id == "None") return;
      for (const VariableUse& v : out) {
        if (v.name == n.id) return;
      }
      out.push_back({n.id, n.range});
      return;
    }
    case ast::ExprKind::Unary: walk(*e.cast<ast::Unary>().operand, out); return;
    case ast::ExprKind::Binary:
      walk(*e.cast<ast::Binary>().lhs, out);
      walk(*e.cast<ast::Binary>().rhs, out);
      return;
    case ast::ExprKind::Call:
      for (const auto& a : e.cast<ast::Call>().args) walk(*a, out);
      for (const auto& k : e.cast<ast::Call>().keywords) walk(*k.value, out);
      return;
    case ast::ExprKind::Attribute: walk(*e.cast<ast::Attribute>().object, out); return;
    case ast::ExprKind::Subscript:
      walk(*e.cast<ast::Subscript>().object, out);
      for (const auto& i : e.cast<ast::Subscript>().indices) walk(*i, out);
      return;
    case ast::ExprKind::Tuple:
      for (const auto& x : e.cast<ast::Tuple>().elements) walk(*x, out);
      return;
  }
}

}  // namespace

std::vector<VariableUse> collect_variables(const ast::Expr& e) {
  std::vector<VariableUse> out;
  walk(e, out);
  return out;
}

}  // namespace jitexpr
