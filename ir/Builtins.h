// The built-in element-wise functions, written once: their names, typing rule, libm function,
// cost class and dialects. Both type inferences, the IR printers, the verifier, the cost model and
// codegen read this list.
#pragma once

#include "frontend/Language.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace jitexpr::ir {

// How a function's result type follows from its argument types.
enum class FnRule : std::uint8_t {
  FloatMath,   // (x) real math: ints -> float64, float32 stays, complex allowed where supported
  RealMath,    // (x) as FloatMath, but complex is a TypeError
  Rounding,    // (x) ceil/floor/...: ints -> float64, complex is a TypeError
  Abs,         // (x) same type; complex -> its real part type
  Sign,        // (x) same type, complex is a TypeError
  RealMath2,   // (x, y) promote, ints -> float64, complex is a TypeError
  MinMax2,     // (x, y) promote, complex is a TypeError
  Predicate,   // (x) -> bool
  Part,        // (x) real/imag: -> the real part type
  MakeComplex, // (x, y) -> complex128
  Same,        // (x) -> same type (conj, copy, ones_like)
  Contains,    // (bytes, bytes) -> bool
};

// One row per function: X(Enum, name, alias, arity, rule, complex_ok, libm, cost, dialects).
// - alias: numpy's or Python's other spelling of it ("" for none);
// - libm: the C function that computes it for real arguments ("" where codegen emits
//   instructions instead; sqrt, sin, cos, exp and log go through LLVM's intrinsics of the same
//   name); complex arguments of FloatMath functions call the runtime helper jx_c<name>;
// - cost: the cost model's class (Math: a libm-class call, Cheap: a few instructions);
// - dialects: the dialects that accept it (frontend/Language.h).
#define JITEXPR_BUILTIN_FNS(X)                                                         \
  X(Sqrt, "sqrt", "", 1, FloatMath, true, "sqrt", Math, kBothDialects)                 \
  X(Sin, "sin", "", 1, FloatMath, true, "sin", Math, kBothDialects)                    \
  X(Cos, "cos", "", 1, FloatMath, true, "cos", Math, kBothDialects)                    \
  X(Tan, "tan", "", 1, FloatMath, true, "tan", Math, kBothDialects)                    \
  X(Arcsin, "arcsin", "asin", 1, FloatMath, true, "asin", Math, kBothDialects)         \
  X(Arccos, "arccos", "acos", 1, FloatMath, true, "acos", Math, kBothDialects)         \
  X(Arctan, "arctan", "atan", 1, FloatMath, true, "atan", Math, kBothDialects)         \
  X(Sinh, "sinh", "", 1, FloatMath, true, "sinh", Math, kBothDialects)                 \
  X(Cosh, "cosh", "", 1, FloatMath, true, "cosh", Math, kBothDialects)                 \
  X(Tanh, "tanh", "", 1, FloatMath, true, "tanh", Math, kBothDialects)                 \
  X(Arcsinh, "arcsinh", "asinh", 1, FloatMath, true, "asinh", Math, kBothDialects)     \
  X(Arccosh, "arccosh", "acosh", 1, FloatMath, true, "acosh", Math, kBothDialects)     \
  X(Arctanh, "arctanh", "atanh", 1, FloatMath, true, "atanh", Math, kBothDialects)     \
  X(Exp, "exp", "", 1, FloatMath, true, "exp", Math, kBothDialects)                    \
  X(Expm1, "expm1", "", 1, FloatMath, true, "expm1", Math, kBothDialects)              \
  X(Log, "log", "", 1, FloatMath, true, "log", Math, kBothDialects)                    \
  X(Log1p, "log1p", "", 1, FloatMath, true, "log1p", Math, kBothDialects)              \
  X(Log2, "log2", "", 1, FloatMath, true, "log2", Math, kBothDialects)                 \
  X(Log10, "log10", "", 1, FloatMath, true, "log10", Math, kBothDialects)              \
  X(Abs, "abs", "absolute", 1, Abs, true, "", Cheap, kBothDialects)                    \
  X(Fabs, "fabs", "", 1, RealMath, false, "", Cheap, kBothDialects)                    \
  X(Ceil, "ceil", "", 1, Rounding, false, "", Cheap, kBothDialects)                    \
  X(Floor, "floor", "", 1, Rounding, false, "", Cheap, kBothDialects)                  \
  X(Round, "round", "rint", 1, Rounding, false, "", Cheap, kBothDialects)              \
  X(Trunc, "trunc", "", 1, Rounding, false, "", Cheap, kBothDialects)                  \
  X(Sign, "sign", "", 1, Sign, false, "", Cheap, kBothDialects)                        \
  X(Arctan2, "arctan2", "atan2", 2, RealMath2, false, "atan2", Math, kBothDialects)    \
  X(Fmod, "fmod", "", 2, RealMath2, false, "", Math, kBothDialects)                    \
  X(Hypot, "hypot", "", 2, RealMath2, false, "hypot", Math, kBothDialects)             \
  X(Nextafter, "nextafter", "", 2, RealMath2, false, "nextafter", Math, kBothDialects) \
  X(Copysign, "copysign", "", 2, RealMath2, false, "", Math, kBothDialects)            \
  X(Maximum, "maximum", "", 2, MinMax2, false, "", Cheap, kBothDialects)               \
  X(Minimum, "minimum", "", 2, MinMax2, false, "", Cheap, kBothDialects)               \
  X(Isnan, "isnan", "", 1, Predicate, true, "", Cheap, kBothDialects)                  \
  X(Isfinite, "isfinite", "", 1, Predicate, true, "", Cheap, kBothDialects)            \
  X(Isinf, "isinf", "", 1, Predicate, true, "", Cheap, kBothDialects)                  \
  X(Signbit, "signbit", "", 1, Predicate, false, "", Cheap, kBothDialects)             \
  X(Real, "real", "", 1, Part, true, "", Cheap, kBothDialects)                         \
  X(Imag, "imag", "", 1, Part, true, "", Cheap, kBothDialects)                         \
  X(Complex, "complex", "", 2, MakeComplex, false, "", Cheap, kBothDialects)           \
  X(Conj, "conj", "conjugate", 1, Same, true, "", Cheap, kBothDialects)                \
  X(Copy, "copy", "", 1, Same, true, "", Cheap, kBothDialects)                         \
  X(OnesLike, "ones_like", "", 1, Same, true, "", Cheap, kBothDialects)                \
  X(Contains, "contains", "", 2, Contains, false, "", Cheap, kNumexpr)

enum class Fn : std::uint8_t {
#define X(e, name, alias, arity, rule, cplx, libm, cost, dialects) e,
  JITEXPR_BUILTIN_FNS(X)
#undef X
};

// How much a call costs per element, for the cost model (runtime/CostModel.cpp).
enum class FnCost : std::uint8_t { Cheap, Math };

struct FnInfo {
  std::string_view name;
  std::string_view alias;
  int arity;
  FnRule rule;
  bool complex_ok;
  std::string_view libm;
  FnCost cost;
  Dialects dialects;
};

const FnInfo& fn_info(Fn f);
// The function a name or its alias spells, if the dialect accepts it.
std::optional<Fn> fn_from_name(std::string_view name, Dialect d);

// The reductions: sum(x, axis=None), prod, min, max.
enum class ReduceOp : std::uint8_t { Sum, Prod, Min, Max };
std::string_view reduce_name(ReduceOp op);
std::optional<ReduceOp> reduce_from_name(std::string_view name);

}  // namespace jitexpr::ir
