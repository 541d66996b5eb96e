// The variables an expression reads, in order of first appearance: they become its operands.
#pragma once

#include "frontend/Ast.h"

#include <string>
#include <vector>

namespace jitexpr {

struct VariableUse {
  std::string name;
  SourceRange first_use;
};

// Names used as values (not called functions, not keyword names, not `None`).
std::vector<VariableUse> collect_variables(const ast::Expr& e);

}  // namespace jitexpr
