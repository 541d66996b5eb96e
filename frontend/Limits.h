// The hard limits of the language, each named with its reason and each tested
// (tests/unit/LimitsTest.cpp).
#pragma once

#include <cstddef>

namespace jitexpr {

// Longest expression text accepted. Far beyond any hand-written expression; it bounds the work a
// single call can make the compiler do.
inline constexpr std::size_t kMaxExpressionLength = 100'000;

// Deepest nesting of parentheses, operators and calls. The parser and every pass recurse over the
// tree, so this bounds their stack use (well under 1 MiB at this depth).
inline constexpr int kMaxNestingDepth = 200;

// Most distinct variables one expression may read. Each becomes a pointer and a stride argument
// of the compiled loop; numexpr allows 32.
inline constexpr int kMaxOperands = 256;

}  // namespace jitexpr
