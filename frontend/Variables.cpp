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
    default:
      for (const ast::Expr* k : ast::children(e)) walk(*k, out);
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
