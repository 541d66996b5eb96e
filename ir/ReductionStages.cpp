#include "ir/ReductionStages.h"

#include "frontend/Variables.h"
#include "ir/Builtins.h"

#include <functional>

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

  // Each reduction, with its own inner ones staged first, becomes a stage and reads as its name;
  // for ast::rewrite. A reduction whose argument cannot be staged marks the whole as failed (and
  // stands in as a name, so that nothing is walked twice).
  ast::ExprPtr operator()(const ast::Expr& e) {
    if (!is_reduction(e)) return nullptr;
    ast::ExprPtr reduction = ast::rewrite_children(e, std::ref(*this));
    if (!reduction) failed = true;
    std::string name = prefix_ + std::to_string(reductions.size());
    reductions.push_back({name, std::move(reduction)});
    return std::make_unique<ast::Name>(e.range, name);
  }

  std::vector<ReductionStage> reductions;
  bool failed = false;

 private:
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
  out.rest = is_reduction(e) ? ast::rewrite_children(e, std::ref(stager)) : ast::rewrite(e, std::ref(stager));
  if (!out.rest || stager.failed) return std::nullopt;
  out.reductions = std::move(stager.reductions);
  return out;
}

}  // namespace jitexpr::ir
