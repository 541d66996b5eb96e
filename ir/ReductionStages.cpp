#include "ir/ReductionStages.h"

#include "frontend/Variables.h"
#include "ir/Builtins.h"

namespace jitexpr::ir {

namespace {

bool is_reduction(const ast::Expr& e) {
  const auto* call = e.as<ast::Call>();
  return call && reduce_from_name(call->callee);
}

bool contains_reduction(const ast::Expr& e) {
  if (is_reduction(e)) return true;
  for (const ast::Expr* child : ast::children(e)) {
    if (contains_reduction(*child)) return true;
  }
  return false;
}

class Stager {
 public:
  explicit Stager(std::string prefix) : prefix_(std::move(prefix)) {}

  // A copy of `e` in which each reduction (with its own inner ones staged first) is a stage's
  // name; null when `e` holds a node expressions cannot.
  ast::ExprPtr stage(const ast::Expr& e) {
    if (is_reduction(e)) {
      ast::ExprPtr reduction = copy(e);
      if (!reduction) return nullptr;
      std::string name = prefix_ + std::to_string(reductions.size());
      reductions.push_back({name, std::move(reduction)});
      return std::make_unique<ast::Name>(e.range, name);
    }
    return copy(e);
  }

  std::vector<ReductionStage> reductions;

 private:
  // `e` with its children staged (a reduction's own argument included).
  ast::ExprPtr copy(const ast::Expr& e) {
    switch (e.kind) {
      case ast::ExprKind::IntLit: return std::make_unique<ast::IntLit>(e.range, e.cast<ast::IntLit>().value);
      case ast::ExprKind::FloatLit: return std::make_unique<ast::FloatLit>(e.range, e.cast<ast::FloatLit>().value);
      case ast::ExprKind::ImagLit: return std::make_unique<ast::ImagLit>(e.range, e.cast<ast::ImagLit>().value);
      case ast::ExprKind::BoolLit: return std::make_unique<ast::BoolLit>(e.range, e.cast<ast::BoolLit>().value);
      case ast::ExprKind::BytesLit: return std::make_unique<ast::BytesLit>(e.range, e.cast<ast::BytesLit>().value);
      case ast::ExprKind::Name: return std::make_unique<ast::Name>(e.range, e.cast<ast::Name>().id);
      case ast::ExprKind::Unary: {
        const auto& u = e.cast<ast::Unary>();
        ast::ExprPtr x = stage(*u.operand);
        return x ? std::make_unique<ast::Unary>(e.range, u.op, std::move(x)) : nullptr;
      }
      case ast::ExprKind::Binary: {
        const auto& b = e.cast<ast::Binary>();
        ast::ExprPtr lhs = stage(*b.lhs);
        ast::ExprPtr rhs = lhs ? stage(*b.rhs) : nullptr;
        if (!rhs) return nullptr;
        auto r = std::make_unique<ast::Binary>(e.range, b.op, std::move(lhs), std::move(rhs));
        r->op_range = b.op_range;
        return r;
      }
      case ast::ExprKind::Attribute: {
        const auto& a = e.cast<ast::Attribute>();
        ast::ExprPtr x = stage(*a.object);
        return x ? std::make_unique<ast::Attribute>(e.range, std::move(x), a.attr, a.attr_range) : nullptr;
      }
      case ast::ExprKind::Call: {
        const auto& c = e.cast<ast::Call>();
        std::vector<ast::ExprPtr> args;
        for (const ast::ExprPtr& a : c.args) {
          args.push_back(stage(*a));
          if (!args.back()) return nullptr;
        }
        std::vector<ast::Keyword> keywords;
        for (const ast::Keyword& k : c.keywords) {
          ast::ExprPtr v = stage(*k.value);
          if (!v) return nullptr;
          keywords.push_back({k.name, k.name_range, std::move(v)});
        }
        return std::make_unique<ast::Call>(c.range, c.prefix, c.callee, c.callee_range, std::move(args),
                                           std::move(keywords));
      }
      default: return nullptr;
    }
  }

  std::string prefix_;
};

}  // namespace

bool has_inner_reduction(const ast::Expr& e) {
  for (const ast::Expr* child : ast::children(e)) {
    if (contains_reduction(*child)) return true;
  }
  return false;
}

std::optional<StagedExpression> stage_reductions(const ast::Expr& e) {
  if (!has_inner_reduction(e)) return std::nullopt;
  std::string prefix = "__jx_r";
  const std::vector<VariableUse> vars = collect_variables(e);
  auto taken = [&] {
    for (const VariableUse& v : vars) {
      if (v.name.rfind(prefix, 0) == 0) return true;
    }
    return false;
  };
  while (taken()) prefix += "_";
  Stager stager(prefix);
  StagedExpression out;
  // A reduction at the root stays the last stage; only what is inside it is staged.
  if (const auto* root = e.as<ast::Call>(); root && is_reduction(e)) {
    std::vector<ast::ExprPtr> args;
    for (const ast::ExprPtr& a : root->args) {
      args.push_back(stager.stage(*a));
      if (!args.back()) return std::nullopt;
    }
    std::vector<ast::Keyword> keywords;
    for (const ast::Keyword& k : root->keywords) {
      ast::ExprPtr v = stager.stage(*k.value);
      if (!v) return std::nullopt;
      keywords.push_back({k.name, k.name_range, std::move(v)});
    }
    out.rest = std::make_unique<ast::Call>(root->range, root->prefix, root->callee, root->callee_range,
                                           std::move(args), std::move(keywords));
  } else {
    out.rest = stager.stage(e);
    if (!out.rest) return std::nullopt;
  }
  out.reductions = std::move(stager.reductions);
  return out;
}

}  // namespace jitexpr::ir
