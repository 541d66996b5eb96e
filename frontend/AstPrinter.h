// Prints an expression as canonical source: one space around binary operators, parentheses only
// where precedence needs them, literals in their shortest exact form. Equal trees print equally,
// so the printed text is the compiled-code cache's key (`2*a+b` and `2 * a + b` share an entry).
#pragma once

#include "frontend/Ast.h"

#include <string>

namespace jitexpr {

std::string print_expr(const ast::Expr& e);

// What print_expr does with a call's module prefix. In an expression it is spelling only
// (`np.sin` is `sin`) and is dropped. In a kernel module a bare name may be one of the module's own
// functions (`def random(): ...` against `random.random()`), so kernels keep it as written.
enum class CallPrefixes { Drop, Keep };
std::string print_expr(const ast::Expr& e, CallPrefixes prefixes);

}  // namespace jitexpr
