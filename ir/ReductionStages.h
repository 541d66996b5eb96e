// The planning of reductions inside expressions: `1 + sum(a)`, `4*sum((x*x + y*y) <= 1)/n`,
// `a - sum(a, axis=0)`, `sum(a - sum(a)/n)`. An expression whose reductions are not all at its
// root is split into stages, evaluated in order within one call: each reduction stage is a
// reduction at its root (parallel and deterministic, as any reduction), and the last stage is the
// element-wise rest, reading each reduction's result as an operand (a 0-d array for a whole-array
// reduction, the reduced shape for one over an axis, broadcast by numpy's rules).
//
// The split is structural: it does not depend on the operands. Unrolling short axes
// (runtime/Unroll.h) runs before it as an optimization; what it leaves is staged here.
#pragma once

#include "frontend/Ast.h"

#include <optional>
#include <string>
#include <vector>

namespace jitexpr::ir {

struct ReductionStage {
  std::string name;   // the operand that stands for its result in later stages
  ast::ExprPtr expr;  // a reduction at its root; the reductions inside it are earlier stages' names
};

struct StagedExpression {
  std::vector<ReductionStage> reductions;  // innermost first, then in source order
  ast::ExprPtr rest;                       // the last stage
};

// Whether `e` holds a reduction anywhere but at its root.
bool has_inner_reduction(const ast::Expr& e);

// The stages of `e`, or nothing when it has no inner reduction or holds a node that expressions
// cannot (the normal path reports those). The names of the results start with a prefix that no
// variable of `e` starts with. Every node keeps its source range, so an error of any stage points
// into the text as written.
std::optional<StagedExpression> stage_reductions(const ast::Expr& e);

}  // namespace jitexpr::ir
