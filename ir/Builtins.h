// The built-in element-wise functions of expressions, written once: name, arity and typing rule.
// Type inference, the IR printer, the verifier and codegen all switch over this list.
#pragma once

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

// X(Enum, name, arity, rule, complex_ok)
#define JITEXPR_BUILTIN_FNS(X)                                                               \
  X(Sqrt, "sqrt", 1, FloatMath, true) X(Sin, "sin", 1, FloatMath, true)                      \
  X(Cos, "cos", 1, FloatMath, true) X(Tan, "tan", 1, FloatMath, true)                        \
  X(Arcsin, "arcsin", 1, FloatMath, true) X(Arccos, "arccos", 1, FloatMath, true)            \
  X(Arctan, "arctan", 1, FloatMath, true) X(Sinh, "sinh", 1, FloatMath, true)                \
  X(Cosh, "cosh", 1, FloatMath, true) X(Tanh, "tanh", 1, FloatMath, true)                    \
  X(Arcsinh, "arcsinh", 1, FloatMath, true) X(Arccosh, "arccosh", 1, FloatMath, true)        \
  X(Arctanh, "arctanh", 1, FloatMath, true) X(Exp, "exp", 1, FloatMath, true)                \
  X(Expm1, "expm1", 1, FloatMath, true) X(Log, "log", 1, FloatMath, true)                    \
  X(Log1p, "log1p", 1, FloatMath, true) X(Log2, "log2", 1, FloatMath, true)                  \
  X(Log10, "log10", 1, FloatMath, true)                                                      \
  X(Abs, "abs", 1, Abs, true) X(Fabs, "fabs", 1, RealMath, false)                            \
  X(Ceil, "ceil", 1, Rounding, false)                                                        \
  X(Floor, "floor", 1, Rounding, false) X(Round, "round", 1, Rounding, false)                \
  X(Trunc, "trunc", 1, Rounding, false) X(Sign, "sign", 1, Sign, false)                      \
  X(Arctan2, "arctan2", 2, RealMath2, false) X(Fmod, "fmod", 2, RealMath2, false)            \
  X(Hypot, "hypot", 2, RealMath2, false) X(Nextafter, "nextafter", 2, RealMath2, false)      \
  X(Copysign, "copysign", 2, RealMath2, false) X(Maximum, "maximum", 2, MinMax2, false)      \
  X(Minimum, "minimum", 2, MinMax2, false) X(Isnan, "isnan", 1, Predicate, true)             \
  X(Isfinite, "isfinite", 1, Predicate, true) X(Isinf, "isinf", 1, Predicate, true)          \
  X(Signbit, "signbit", 1, Predicate, false) X(Real, "real", 1, Part, true)                  \
  X(Imag, "imag", 1, Part, true) X(Complex, "complex", 2, MakeComplex, false)                \
  X(Conj, "conj", 1, Same, true) X(Copy, "copy", 1, Same, true)                              \
  X(OnesLike, "ones_like", 1, Same, true) X(Contains, "contains", 2, Contains, false)

enum class Fn : std::uint8_t {
#define X(e, name, arity, rule, cplx) e,
  JITEXPR_BUILTIN_FNS(X)
#undef X
};

struct FnInfo {
  std::string_view name;
  int arity;
  FnRule rule;
  bool complex_ok;
};

const FnInfo& fn_info(Fn f);
std::optional<Fn> fn_from_name(std::string_view name);

// The reductions: sum(x, axis=None), prod, min, max.
enum class ReduceOp : std::uint8_t { Sum, Prod, Min, Max };
std::string_view reduce_name(ReduceOp op);
std::optional<ReduceOp> reduce_from_name(std::string_view name);

}  // namespace jitexpr::ir
