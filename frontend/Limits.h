// The hard limits of the language, each named with its reason and each tested
// (tests/unit/LimitsTest.cpp).
#pragma once

#include <cstddef>

namespace jitexpr {

// Longest expression text accepted. Far beyond any hand-written expression; it bounds the work a
// single call can make the compiler do.
inline constexpr std::size_t kMaxExpressionLength = 100'000;

// Most distinct variables one expression may read. Each becomes a pointer and a stride argument
// of the compiled loop; numexpr allows 32.
inline constexpr int kMaxOperands = 256;

// Deepest nesting. Each operator, call, attribute, subscript and pair of parentheses is one level
// around what it contains; the left operand counts too, so the flat sum `a + b + c`, which is
// `(a + b) + c`, is 2 levels deep. The parser and every pass recurse over the tree, so this bounds
// their stack use (well under 1 MiB at this depth). A flat sum of as many variables as an expression
// may read fits.
inline constexpr int kMaxNestingDepth = kMaxOperands;

}  // namespace jitexpr
