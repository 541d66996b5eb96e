// Builds a random expression of the reference subset (ReferenceExpr.h) from fuzz input, as a
// tree for the reference evaluator and as jitexpr text. Every operation is written in full
// parentheses, so the text does not depend on the parser's precedence table: the parser's own
// targets test that.
#include "tests/fuzz/ReferenceExpr.h"

#include <cstdlib>
#include <iterator>
#include <optional>
#include <utility>

namespace jitexpr::fuzz {

namespace {

struct IntLiteral {
  const char* text;
  std::int64_t value;
};
constexpr IntLiteral kIntLiterals[] = {
    {"0", 0},           {"1", 1},
    {"2", 2},           {"3", 3},
    {"7", 7},           {"100", 100},
    {"65536", 65536},   {"2147483647", 2147483647},
    {"2147483648", 2147483648LL},  // does not fit int32: an int64 literal
    {"4294967296", 4294967296LL},   {"9223372036854775807", 9223372036854775807LL},
};
constexpr const char* kFloatLiterals[] = {"0.0", "0.5", "2.0", "3.5", "0.1", "1e16", "1e300", "1e-300", "4.9e-324", "1.5"};
// Exponents of `**`: small integers (repeated squaring), 0.5 (sqrt) and general ones (pow).
constexpr IntLiteral kIntExponents[] = {{"0", 0}, {"1", 1}, {"2", 2}, {"3", 3}, {"4", 4}};
constexpr const char* kFloatExponents[] = {"0.5", "1.5", "2.5", "2.0"};

std::unique_ptr<RNode> make_node(ROp op, RType t) {
  auto n = std::make_unique<RNode>();
  n->op = op;
  n->type = t;
  return n;
}

bool is_int(RType t) { return t == RType::Int32 || t == RType::Int64; }
RType promote(RType a, RType b) { return a > b ? a : b; }

class Generator {
 public:
  explicit Generator(FuzzedDataProvider& in) : in_(in) {}

  Generated expr(int depth) {
    if (depth <= 0) return leaf();
    switch (in_.ConsumeIntegralInRange(0, 14)) {
      case 0: case 1: return leaf();
      case 2: {
        constexpr ROp ops[] = {ROp::Add, ROp::Sub, ROp::Mul};
        constexpr const char* texts[] = {"+", "-", "*"};
        int k = in_.ConsumeIntegralInRange(0, 2);
        Generated x = numeric(depth - 1), y = numeric(depth - 1);
        RType t = promote(x.tree->type, y.tree->type);
        return binary(ops[k], texts[k], t, std::move(x), std::move(y));
      }
      case 3: {
        Generated x = numeric(depth - 1), y = numeric(depth - 1);
        return binary(ROp::Div, "/", RType::Float64, std::move(x), std::move(y));
      }
      case 4: {
        Generated x = integer(depth - 1), y = integer(depth - 1);
        RType t = promote(x.tree->type, y.tree->type);
        bool mod = in_.ConsumeBool();
        return binary(mod ? ROp::Mod : ROp::FloorDiv, mod ? "%" : "//", t, std::move(x), std::move(y));
      }
      case 5: {
        constexpr ROp ops[] = {ROp::Lt, ROp::Le, ROp::Eq, ROp::Ne, ROp::Ge, ROp::Gt};
        constexpr const char* texts[] = {"<", "<=", "==", "!=", ">=", ">"};
        int k = in_.ConsumeIntegralInRange(0, 5);
        Generated x = numeric(depth - 1), y = numeric(depth - 1);
        return binary(ops[k], texts[k], RType::Bool, std::move(x), std::move(y));
      }
      case 6: {
        constexpr ROp ops[] = {ROp::And, ROp::Or, ROp::Xor};
        constexpr const char* texts[] = {"&", "|", "^"};
        int k = in_.ConsumeIntegralInRange(0, 2);
        if (in_.ConsumeBool()) {
          Generated x = boolean(depth - 1), y = boolean(depth - 1);
          return binary(ops[k], texts[k], RType::Bool, std::move(x), std::move(y));
        }
        Generated x = integer(depth - 1), y = integer(depth - 1);
        RType t = promote(x.tree->type, y.tree->type);
        return binary(ops[k], texts[k], t, std::move(x), std::move(y));
      }
      case 7: {
        bool left = in_.ConsumeBool();
        Generated x = integer(depth - 1), y = integer(depth - 1);
        RType t = promote(x.tree->type, y.tree->type);
        return binary(left ? ROp::Shl : ROp::Shr, left ? "<<" : ">>", t, std::move(x), std::move(y));
      }
      case 8: {
        switch (in_.ConsumeIntegralInRange(0, 2)) {
          case 0: {
            Generated x = numeric(depth - 1);
            RType t = x.tree->type;
            // The language folds a minus sign on integer constants exactly (docs/semantics.md, as
            // numexpr does): -(2147483648) is the literal -2147483648, an int32, and
            // -(-2147483648) is 2147483648, an int64; the negation of INT64_MIN does not fit (a
            // ValueError there), so it is left out.
            if (is_int_lit(*x.tree)) {
              if (x.tree->literal.i == INT64_MIN) return x;
              return {int_lit_node(-x.tree->literal.i), "(-(" + x.text + "))"};  // parenthesized as call() does: -(2) ** 0.5 is -(2 ** 0.5)
            }
            return call(ROp::Neg, "-", t, std::move(x));
          }
          case 1: {
            Generated x = in_.ConsumeBool() ? boolean(depth - 1) : integer(depth - 1);
            RType t = x.tree->type;
            // Folded exactly too: ~ of an integer literal is a literal.
            if (is_int_lit(*x.tree)) return {int_lit_node(~x.tree->literal.i), "(~(" + x.text + "))"};
            return call(ROp::Not, "~", t, std::move(x));
          }
          default: {
            Generated x = numeric(depth - 1);
            RType t = x.tree->type;
            return call(ROp::Abs, "abs", t, std::move(x));
          }
        }
      }
      case 9: {
        Generated c = expr(depth - 1), x = numeric(depth - 1), y = numeric(depth - 1);
        RType t = promote(x.tree->type, y.tree->type);
        return call(ROp::Where, "where", t, std::move(c), std::move(x), std::move(y));
      }
      case 10: case 11: {
        constexpr ROp ops[] = {ROp::Sqrt, ROp::Exp, ROp::Log, ROp::Sin, ROp::Cos};
        constexpr const char* names[] = {"sqrt", "exp", "log", "sin", "cos"};
        int k = in_.ConsumeIntegralInRange(0, 4);
        return call(ops[k], names[k], RType::Float64, numeric(depth - 1));
      }
      case 12: {
        bool max = in_.ConsumeBool();
        Generated x = numeric(depth - 1), y = numeric(depth - 1);
        RType t = promote(x.tree->type, y.tree->type);
        return call(max ? ROp::Maximum : ROp::Minimum, max ? "maximum" : "minimum", t, std::move(x), std::move(y));
      }
      default: return power(depth - 1);
    }
  }

 private:
  Generated leaf() {
    switch (in_.ConsumeIntegralInRange(0, 5)) {
      case 0: case 1: case 2: return variable();
      case 3: {
        const IntLiteral& lit = kIntLiterals[in_.ConsumeIntegralInRange<std::size_t>(0, std::size(kIntLiterals) - 1)];
        return int_literal(lit);
      }
      case 4: {
        const char* text = kFloatLiterals[in_.ConsumeIntegralInRange<std::size_t>(0, std::size(kFloatLiterals) - 1)];
        auto n = make_node(ROp::Lit, RType::Float64);
        n->literal.f = std::strtod(text, nullptr);
        return {std::move(n), text};
      }
      default: {
        bool v = in_.ConsumeBool();
        auto n = make_node(ROp::Lit, RType::Bool);
        n->literal.i = v;
        return {std::move(n), v ? "True" : "False"};
      }
    }
  }

  Generated variable() {
    int v = in_.ConsumeIntegralInRange(0, kNumVariables - 1);
    auto n = make_node(ROp::Var, kVariables[v].type);
    n->var = v;
    return {std::move(n), kVariables[v].name};
  }

  Generated int_literal(const IntLiteral& lit) {
    bool fits32 = lit.value >= INT32_MIN && lit.value <= INT32_MAX;
    auto n = make_node(ROp::Lit, fits32 ? RType::Int32 : RType::Int64);
    n->literal.i = lit.value;
    return {std::move(n), lit.text};
  }

  // An operand of an arithmetic operation: bools take no part in arithmetic, so a boolean
  // subexpression is replaced by a variable.
  Generated numeric(int depth) {
    Generated g = expr(depth);
    return g.tree->type == RType::Bool ? variable() : std::move(g);
  }
  Generated integer(int depth) {
    Generated g = expr(depth);
    if (is_int(g.tree->type)) return g;
    int v = in_.ConsumeIntegralInRange(2, 4);  // i, j or k
    auto n = make_node(ROp::Var, kVariables[v].type);
    n->var = v;
    return {std::move(n), kVariables[v].name};
  }
  Generated boolean(int depth) {
    Generated g = expr(depth);
    if (g.tree->type == RType::Bool) return g;
    Generated zero = int_literal(kIntLiterals[0]);
    return binary(ROp::Ne, "!=", RType::Bool, std::move(g), std::move(zero));
  }

  Generated power(int depth) {
    Generated base = numeric(depth);
    Generated exponent;
    if (in_.ConsumeBool()) {
      exponent = int_literal(kIntExponents[in_.ConsumeIntegralInRange<std::size_t>(0, std::size(kIntExponents) - 1)]);
    } else {
      const char* text = kFloatExponents[in_.ConsumeIntegralInRange<std::size_t>(0, std::size(kFloatExponents) - 1)];
      auto n = make_node(ROp::Lit, RType::Float64);
      n->literal.f = std::strtod(text, nullptr);
      exponent = {std::move(n), text};
    }
    RType t = promote(base.tree->type, exponent.tree->type);
    return binary(ROp::Pow, "**", t, std::move(base), std::move(exponent));
  }

  // An integer literal node of value v, typed as the language types literals.
  static std::unique_ptr<RNode> int_lit_node(std::int64_t v) {
    auto n = make_node(ROp::Lit, v >= INT32_MIN && v <= INT32_MAX ? RType::Int32 : RType::Int64);
    n->literal.i = v;
    return n;
  }

  static bool is_int_lit(const RNode& n) { return n.op == ROp::Lit && is_int(n.type); }

  // The language folds an operation on integer literals with exact integers, as numexpr does
  // (docs/semantics.md, "Literals"): the value, or none when it is not folded (a division by
  // zero, a negative shift), or `overflow` when it does not fit in 64 bits (a ValueError there).
  static std::optional<std::int64_t> exact(ROp op, std::int64_t x, std::int64_t y, bool& overflow) {
    using I = __int128;
    I a = x, c = y, r = 0;
    overflow = false;
    auto fits = [&](I v) -> std::optional<std::int64_t> {
      if (v < INT64_MIN || v > INT64_MAX) {
        overflow = true;
        return std::nullopt;
      }
      return static_cast<std::int64_t>(v);
    };
    switch (op) {
      case ROp::Add: return fits(a + c);
      case ROp::Sub: return fits(a - c);
      case ROp::Mul: return fits(a * c);
      case ROp::FloorDiv:
      case ROp::Mod: {
        if (c == 0) return std::nullopt;
        I q = a / c, m = a % c;
        if (m != 0 && ((m < 0) != (c < 0))) {
          q -= 1;
          m += c;
        }
        return fits(op == ROp::FloorDiv ? q : m);
      }
      case ROp::Pow:
        r = 1;
        for (I k = 0; k < c; ++k) {
          r *= a;
          if (r < INT64_MIN || r > INT64_MAX) return fits(r);
        }
        return fits(r);
      case ROp::Shl:
        if (c < 0) return std::nullopt;
        if (a == 0) return 0;
        if (c >= 64) return fits(static_cast<I>(INT64_MAX) + 1);
        return fits(a * (static_cast<I>(1) << static_cast<int>(c)));
      case ROp::Shr:
        if (c < 0) return std::nullopt;
        return fits(a >> static_cast<int>(c < 127 ? c : 127));
      case ROp::And: return x & y;
      case ROp::Or: return x | y;
      case ROp::Xor: return x ^ y;
      default: return std::nullopt;
    }
  }

  static Generated binary(ROp op, const char* text, RType t, Generated x, Generated y) {
    if (is_int_lit(*x.tree) && is_int_lit(*y.tree)) {
      bool overflow = false;
      std::optional<std::int64_t> v = exact(op, x.tree->literal.i, y.tree->literal.i, overflow);
      if (overflow) return x;  // not a valid expression: the operation is left out
      if (v) return {int_lit_node(*v), "(" + x.text + " " + text + " " + y.text + ")"};
    }
    auto n = make_node(op, t);
    std::string s = "(" + x.text + " " + text + " " + y.text + ")";
    n->args.push_back(std::move(x.tree));
    n->args.push_back(std::move(y.tree));
    return {std::move(n), std::move(s)};
  }

  template <typename... G> static Generated call(ROp op, const char* name, RType t, G... args) {
    auto n = make_node(op, t);
    std::string s = name;
    s += "(";
    bool first = true;
    for (Generated* g : {&args...}) {
      if (!first) s += ", ";
      first = false;
      s += g->text;
      n->args.push_back(std::move(g->tree));
    }
    s += ")";
    // A unary operator binds less tightly than `**` on its right: -(a) ** 2 is -(a ** 2).
    if (op == ROp::Neg || op == ROp::Not) s = "(" + s + ")";
    return {std::move(n), std::move(s)};
  }

  FuzzedDataProvider& in_;
};

}  // namespace

Generated generate_expression(FuzzedDataProvider& in, int max_depth) { return Generator(in).expr(max_depth); }

std::string_view rtype_name(RType t) {
  switch (t) {
    case RType::Bool: return "bool";
    case RType::Int32: return "int32";
    case RType::Int64: return "int64";
    case RType::Float64: return "float64";
  }
  return "?";
}

}  // namespace jitexpr::fuzz
