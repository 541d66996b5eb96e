// The reference model of the end-to-end fuzz target (EvalFuzzer.cpp): a small expression tree of
// its own, a generator that builds one from fuzz input together with its jitexpr text, and a
// scalar tree-walking evaluator. It shares no code with the compiler under test, so it is an
// independent oracle for the subset it covers:
//
//   types     bool, int32, int64, float64 (int literals are int32 when they fit, and operations
//             on them fold exactly, as the language folds them; promotion
//             int32 < int64 < float64, docs/semantics.md)
//   operators + - * (integers wrap), / (true division), // % on integers (by zero gives 0),
//             comparisons, & | ^ ~ on bools and integers, << >> on integers, unary -,
//             ** with a small literal exponent
//   functions where, abs, sqrt, exp, log, sin, cos, maximum, minimum
//
// Each float value carries a bound on how far the compiled code's value may lie from the
// reference's: zero for IEEE-exact operations on exact inputs (then results must agree bit for
// bit, signed zeros and NaN included), a few ULP for libm/libmvec functions and for powers by
// repeated squaring, propagated through later operations. A comparison or condition that the
// bound cannot decide, and a non-finite value computed from inexact inputs, make that element
// undefined: it is not compared.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace jitexpr::fuzz {

enum class RType { Bool, Int32, Int64, Float64 };

enum class ROp {
  Var, Lit,
  Add, Sub, Mul, Div, FloorDiv, Mod, Pow,
  Lt, Le, Eq, Ne, Ge, Gt,
  And, Or, Xor, Shl, Shr,
  Neg, Not, Abs,
  Where, Sqrt, Exp, Log, Sin, Cos, Maximum, Minimum,
};

// One value of the reference: `i` holds bools and integers (int32 values kept in int32 range),
// `f` floats; `err` bounds |compiled - reference| for floats; `undefined` marks an element that
// the reference cannot predict.
struct RValue {
  std::int64_t i = 0;
  double f = 0;
  double err = 0;
  bool undefined = false;
};

struct RNode {
  ROp op = ROp::Lit;
  RType type = RType::Bool;
  int var = -1;     // Var: the variable's index
  RValue literal;   // Lit
  std::vector<std::unique_ptr<RNode>> args;
};

// The variables every generated expression may read.
struct RVariable {
  const char* name;
  RType type;
};
inline constexpr RVariable kVariables[] = {
    {"a", RType::Float64}, {"b", RType::Float64}, {"i", RType::Int64}, {"j", RType::Int64}, {"k", RType::Int32},
};
inline constexpr int kNumVariables = 5;

struct Generated {
  std::unique_ptr<RNode> tree;
  std::string text;  // the same expression in jitexpr's language
};

// Builds an expression at most `max_depth` operators deep from the fuzz input.
Generated generate_expression(FuzzedDataProvider& in, int max_depth);

// Evaluates the tree at one element, with `vars[v]` the value of variable v there.
RValue evaluate_reference(const RNode& n, const std::vector<RValue>& vars);

std::string_view rtype_name(RType t);

}  // namespace jitexpr::fuzz
