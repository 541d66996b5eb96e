// The operators of the language, written once: spelling and binding power. The AST, the IR and
// the printers all read these tables.
#pragma once

#include <cstdint>
#include <string_view>

namespace jitexpr {

// Binding power, lowest first (Python's order). One row per operator in JITEXPR_BINARY_OPS.
enum class Prec : std::uint8_t {
  Lowest,
  Compare,         // < <= == != >= >   (no chaining)
  BitOr,           // |
  BitXor,          // ^
  BitAnd,          // &
  Shift,           // << >>
  Additive,        // + -
  Multiplicative,  // * / // %
  Unary,           // -x +x ~x
  Power,           // ** (right-associative; binds tighter than a unary operator on its left)
  Postfix,         // calls, attributes, subscripts
};

// X(Name, spelling, precedence)
#define JITEXPR_BINARY_OPS(X)                                                              \
  X(Add, "+", Additive) X(Sub, "-", Additive) X(Mul, "*", Multiplicative)                   \
  X(Div, "/", Multiplicative) X(FloorDiv, "//", Multiplicative) X(Mod, "%", Multiplicative) \
  X(Pow, "**", Power) X(LShift, "<<", Shift) X(RShift, ">>", Shift) X(BitAnd, "&", BitAnd) \
  X(BitOr, "|", BitOr) X(BitXor, "^", BitXor) X(Lt, "<", Compare) X(Le, "<=", Compare)     \
  X(Eq, "==", Compare) X(Ne, "!=", Compare) X(Ge, ">=", Compare) X(Gt, ">", Compare)

enum class BinOp : std::uint8_t {
#define X(name, spelling, prec) name,
  JITEXPR_BINARY_OPS(X)
#undef X
};

// X(Name, spelling)
#define JITEXPR_UNARY_OPS(X) X(Neg, "-") X(Pos, "+") X(Invert, "~")

enum class UnaryOp : std::uint8_t {
#define X(name, spelling) name,
  JITEXPR_UNARY_OPS(X)
#undef X
};

constexpr std::string_view binop_spelling(BinOp op) {
  switch (op) {
#define X(name, spelling, prec) \
  case BinOp::name: return spelling;
    JITEXPR_BINARY_OPS(X)
#undef X
  }
  return "?";
}

constexpr Prec binop_prec(BinOp op) {
  switch (op) {
#define X(name, spelling, prec) \
  case BinOp::name: return Prec::prec;
    JITEXPR_BINARY_OPS(X)
#undef X
  }
  return Prec::Lowest;
}

constexpr std::string_view unaryop_spelling(UnaryOp op) {
  switch (op) {
#define X(name, spelling) \
  case UnaryOp::name: return spelling;
    JITEXPR_UNARY_OPS(X)
#undef X
  }
  return "?";
}

constexpr bool is_comparison(BinOp op) { return binop_prec(op) == Prec::Compare; }

// +, -, *, /, //, %, **, << and >>: neither a comparison nor a bitwise operator.
constexpr bool is_arithmetic(BinOp op) {
  return !is_comparison(op) && op != BinOp::BitAnd && op != BinOp::BitOr && op != BinOp::BitXor;
}

// The word an error message uses for an operation: "cannot add 'bool' and 'bool'".
constexpr std::string_view binop_verb(BinOp op) {
  switch (op) {
    case BinOp::Add: return "add";
    case BinOp::Sub: return "subtract";
    case BinOp::Mul: return "multiply";
    case BinOp::Div: return "divide";
    case BinOp::FloorDiv: return "floor-divide";
    case BinOp::Mod: return "take the remainder of";
    case BinOp::Pow: return "exponentiate";
    case BinOp::LShift: return "shift";
    case BinOp::RShift: return "shift";
    case BinOp::BitAnd: return "apply '&' to";
    case BinOp::BitOr: return "apply '|' to";
    case BinOp::BitXor: return "apply '^' to";
    case BinOp::Lt:
    case BinOp::Le:
    case BinOp::Ge:
    case BinOp::Gt: return "order-compare";
    case BinOp::Eq:
    case BinOp::Ne: return "compare";
  }
  return "combine";
}

}  // namespace jitexpr
