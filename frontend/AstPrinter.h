// Prints an expression as canonical source: one space around binary operators, parentheses only
// where precedence needs them, literals in their shortest exact form. Equal trees print equally,
// so the printed text is the compiled-code cache's key (`2*a+b` and `2 * a + b` share an entry).
#pragma once

#include "frontend/Ast.h"

#include <string>

namespace jitexpr {

std::string print_expr(const ast::Expr& e);

}  // namespace jitexpr
