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

ExprPtr rewrite(const Expr& e, const Replacer& replace) {
  if (ExprPtr r = replace(e)) return r;
  return rewrite_children(e, replace);
}

ExprPtr rewrite_children(const Expr& e, const Replacer& replace) {
  switch (e.kind) {
    case ExprKind::IntLit: return std::make_unique<IntLit>(e.range, e.cast<IntLit>().value);
    case ExprKind::FloatLit: return std::make_unique<FloatLit>(e.range, e.cast<FloatLit>().value);
    case ExprKind::ImagLit: return std::make_unique<ImagLit>(e.range, e.cast<ImagLit>().value);
    case ExprKind::BoolLit: return std::make_unique<BoolLit>(e.range, e.cast<BoolLit>().value);
    case ExprKind::BytesLit: return std::make_unique<BytesLit>(e.range, e.cast<BytesLit>().value);
    case ExprKind::Name: return std::make_unique<Name>(e.range, e.cast<Name>().id);
    case ExprKind::Unary: {
      const auto& u = e.cast<Unary>();
      ExprPtr x = rewrite(*u.operand, replace);
      return x ? std::make_unique<Unary>(e.range, u.op, std::move(x)) : nullptr;
    }
    case ExprKind::Binary: {
      const auto& b = e.cast<Binary>();
      ExprPtr lhs = rewrite(*b.lhs, replace);
      ExprPtr rhs = lhs ? rewrite(*b.rhs, replace) : nullptr;
      if (!rhs) return nullptr;
      auto r = std::make_unique<Binary>(e.range, b.op, std::move(lhs), std::move(rhs));
      r->op_range = b.op_range;
      return r;
    }
    case ExprKind::Attribute: {
      const auto& a = e.cast<Attribute>();
      ExprPtr x = rewrite(*a.object, replace);
      return x ? std::make_unique<Attribute>(e.range, std::move(x), a.attr, a.attr_range) : nullptr;
    }
    case ExprKind::Call: {
      const auto& c = e.cast<Call>();
      std::vector<ExprPtr> args;
      for (const ExprPtr& a : c.args) {
        args.push_back(rewrite(*a, replace));
        if (!args.back()) return nullptr;
      }
      std::vector<Keyword> keywords;
      for (const Keyword& k : c.keywords) {
        ExprPtr v = rewrite(*k.value, replace);
        if (!v) return nullptr;
        keywords.push_back({k.name, k.name_range, std::move(v)});
      }
      return std::make_unique<Call>(c.range, c.prefix, c.callee, c.callee_range, std::move(args), std::move(keywords));
    }
    default: return nullptr;
  }
}

}  // namespace jitexpr::ast
