// The typing rules of operators and built-in functions, shared by expressions and kernels.
#pragma once

#include "frontend/Ast.h"
#include "frontend/Source.h"
#include "ir/Node.h"

#include <vector>

namespace jitexpr::ir {

// x converted to t (x itself if it has type t).
NodePtr cast_to(DType t, NodePtr x);
// An operator on two typed operands: promotes them (DTypeRules), checks the operator applies,
// casts both to the common type. Throws TypeError (ValueError for a negative constant integer
// exponent) pointing at b's operator.
NodePtr type_binary(const Source& src, const ast::Binary& b, NodePtr l, NodePtr r);
// A built-in function of the table in Builtins.h on typed arguments (the arity already checked).
NodePtr type_builtin(const Source& src, const ast::Call& c, Fn fn, std::vector<NodePtr> args);
// real(x) / imag(x).
NodePtr type_part(const Source& src, Fn fn, NodePtr x, SourceRange r);

}  // namespace jitexpr::ir
