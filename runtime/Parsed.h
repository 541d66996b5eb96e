// An expression as parsed once, with what follows from its tree: its variables, whether it is a
// reduction, and its stages when reductions sit inside it.
#pragma once

#include "frontend/AstPrinter.h"
#include "frontend/Source.h"
#include "frontend/Variables.h"
#include "ir/Builtins.h"
#include "ir/ReductionStages.h"
#include "runtime/FastPath.h"
#include "runtime/Unroll.h"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace jitexpr {

// An expression as parsed once: its source, AST, canonical text and variables.
struct Parsed {
  SourcePtr src;
  ast::ExprPtr ast;
  std::string canonical;
  std::vector<VariableUse> variables;
  std::optional<ir::ReduceOp> reduction;
  std::optional<std::int64_t> axis;  // as written, not yet checked against the rank
  bool has_axis_reduction = false;     // anywhere: such a reduction may be unrolled (Unroll.h)
  bool has_inner_reduction = false;    // below the root: evaluated in stages (ir/ReductionStages.h)
  double parse_ms = 0;
  mutable std::mutex fast_mutex;
  mutable std::shared_ptr<const FastPath> fast;  // the last specialization used, if any

  // Fills in what follows from the tree: the variables, and whether it is a reduction.
  void describe() {
    canonical = print_expr(*ast);
    variables = collect_variables(*ast);
    if (const auto* call = ast->as<ast::Call>()) {
      reduction = ir::reduce_from_name(call->callee);
      for (const ast::Keyword& k : call->keywords) {
        if (const auto* lit = k.value->as<ast::IntLit>(); lit && k.name == "axis") axis = lit->value;
      }
    }
    has_axis_reduction = find_axis_reduction(*ast);
    has_inner_reduction = ir::has_inner_reduction(*ast);
  }

  // The stages of an expression with inner reductions, each parsed once: made at the first
  // evaluation that needs them, then kept with the expression.
  struct Stages {
    std::vector<std::pair<std::string, std::shared_ptr<const Parsed>>> reductions;  // name, stage
    std::shared_ptr<const Parsed> rest;
  };
  mutable std::once_flag stages_once;
  mutable std::shared_ptr<const Stages> stages;  // null when it cannot be staged

  const Stages* staged() const {
    std::call_once(stages_once, [this] {
      std::optional<ir::StagedExpression> s = ir::stage_reductions(*ast);
      if (!s) return;
      auto out = std::make_shared<Stages>();
      auto parsed_of = [this](ast::ExprPtr e) {
        auto p = std::make_shared<Parsed>();
        p->src = src;  // each stage keeps the source ranges of the text as written
        p->ast = std::move(e);
        p->describe();
        return std::shared_ptr<const Parsed>(std::move(p));
      };
      for (ir::ReductionStage& r : s->reductions) out->reductions.emplace_back(r.name, parsed_of(std::move(r.expr)));
      out->rest = parsed_of(std::move(s->rest));
      stages = std::move(out);
    });
    return stages.get();
  }

  static bool find_axis_reduction(const ast::Expr& e) {
    if (const auto* call = e.as<ast::Call>(); call && ir::reduce_from_name(call->callee)) {
      for (const ast::Keyword& k : call->keywords) {
        if (k.name == "axis") return true;
      }
    }
    for (const ast::Expr* child : ast::children(e)) {
      if (find_axis_reduction(*child)) return true;
    }
    return false;
  }
};

// What an expression with reductions over short axes becomes for operands of given dtypes and
// shapes: the unrolled expression and its slice operands, or nothing.
struct UnrolledExpr {
  std::shared_ptr<const Parsed> parsed;  // null: nothing to unroll
  std::vector<SliceOperand> slices;
};

}  // namespace jitexpr
