// Every hard limit of jitexpr, each named with its reason and each tested
// (tests/unit/LimitsTest.cpp). Part of the public API.
#pragma once

#include <cstddef>

namespace jitexpr {

// The most dimensions an array may have, in the runtime and in kernels alike (numpy's NPY_MAXDIMS
// is 32 as well). A kernel passes an array as its data pointer, extents and strides.
inline constexpr int kMaxRank = 32;

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

// Kernel modules (frontend/ModuleParser.h).

// Longest kernel module text accepted: about 20,000 lines of code. Like kMaxExpressionLength, it
// bounds the work one call can make the compiler do; source ranges are 32-bit offsets.
inline constexpr std::size_t kMaxModuleLength = 1'000'000;

// Most statements in one function, counting those in nested blocks (an `elif` is an `if` of its
// own). Type inference and code generation are linear in it, and LLVM's optimizer is not: a
// generated kernel beyond this should be split into functions.
inline constexpr int kMaxStatementsPerFunction = 10'000;

// Deepest nesting of blocks: a function's body is depth 1, an `if` in it opens depth 2. An `elif` is
// an `if` in the else block, so each one of a chain is a level as well. The parser, type inference
// and code generation recurse once per block, so this bounds their stack use; CPython's tokenizer
// stops at 100 levels of indentation too.
inline constexpr int kMaxBlockDepth = 100;

}  // namespace jitexpr
