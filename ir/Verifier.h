// Checks the invariants of a typed program; a failure is a compiler bug, never a user's error.
// Invariants:
//   - every Operand's slot names an operand, and its type is that operand's dtype;
//   - Binary operands share one type; the result is bool for comparisons, that type otherwise;
//   - Select's condition is bool and its arms and result share one type;
//   - Call has its function's arity; a real-math call computes in a floating or complex type;
//   - Cast goes between numeric types; Unary Neg is never on bool, Invert only on ints and bool;
//   - a Reduce appears only at the root, and its axis is within the operand rank.
// Returns an empty string when the program is valid, else a description of the first violation.
#pragma once

#include "ir/Node.h"

#include <string>

namespace jitexpr::ir {

std::string verify(const Program& p);

}  // namespace jitexpr::ir
