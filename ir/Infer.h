// Type inference for expressions: resolves names against the operands, applies the promotion
// rules of DTypeRules, inserts explicit casts, and reports every type error of the user's with its
// position. The result is a typed ir::Program.
#pragma once

#include "frontend/Ast.h"
#include "frontend/Source.h"
#include "ir/Node.h"

#include <vector>

namespace jitexpr::ir {

// `operands` are the expression's variables in order of first appearance (collect_variables),
// with their dtypes, layouts and ranks. Throws jitexpr::Error.
Program infer_expression(const ast::Expr& e, const Source& src, std::vector<OperandInfo> operands);

}  // namespace jitexpr::ir
