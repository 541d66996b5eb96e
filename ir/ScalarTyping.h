// The typing rules of operators and built-in functions, shared by expressions and kernels. Each
// rule takes the dialect (frontend/Language.h) where the two differ.
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
// exponent) pointing at b's operator. In Python, bools are integers: arithmetic on them, or a
// bool beside a number, is on int64 (True + 1 is 2); numexpr refuses bool arithmetic.
NodePtr type_binary(Dialect d, const Source& src, const ast::Binary& b, NodePtr l, NodePtr r);
// A unary operator: in Python a bool operand is an int64 (-True is -1, ~True is -2); numexpr
// refuses + and - on bools and takes ~ as logical not.
NodePtr type_unary(Dialect d, const Source& src, const ast::Unary& u, NodePtr x);
// A built-in function of the table in Builtins.h on typed arguments (the arity already checked).
// In Python, math.floor, math.ceil and math.trunc, and round() without a module, give int64.
NodePtr type_builtin(Dialect d, const Source& src, const ast::Call& c, Fn fn, std::vector<NodePtr> args);
// real(x) / imag(x).
NodePtr type_part(const Source& src, Fn fn, NodePtr x, SourceRange r);

}  // namespace jitexpr::ir
