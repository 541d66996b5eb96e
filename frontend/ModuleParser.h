// The parser for kernel modules: `def`s, their statements and the accepted imports. Expressions are
// parsed by the expression Parser (frontend/Parser.h), driven over the same tokens in Module mode.
#pragma once

#include "frontend/Source.h"
#include "frontend/Stmt.h"

namespace jitexpr {

// Parses a whole module. Throws SyntaxError at the first construct outside the kernel language,
// naming it ("'class' is not supported in kernels"), with its source range.
ast::Module parse_module(const Source& src);

}  // namespace jitexpr
