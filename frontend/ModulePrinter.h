// Prints a kernel module as canonical source: imports first, one per line, then the functions,
// 4-space indentation, one statement per line, `elif` for an if alone in an else block, and
// expressions as print_expr writes them (keeping call prefixes, see CallPrefixes). Comments,
// blank lines and the spelling of the text do not survive; equal trees print equally, and
// print -> parse -> print is a fixed point, so the printed text is the kernel cache's key.
#pragma once

#include "frontend/Stmt.h"

#include <string>

namespace jitexpr {

std::string print_module(const ast::Module& m);

}  // namespace jitexpr
