// The parser: every operator and precedence level, associativity, literals, calls and postfix
// forms, source ranges, and canonical printing (print_expr), which must be a fixed point of
// print -> parse -> print because the printed text is the compiled-code cache's key.
#include "frontend/AstPrinter.h"
#include "frontend/Parser.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace jitexpr;

ast::ExprPtr parse(const std::string& text) {
  Source src{"<expr>", text};
  return parse_expression(src);
}

// The tree as an S-expression, every node explicit: (+ a (* 2 b)), (neg x), (call np.sin a),
// i:2 / f:2.5 / j:4 for literals, so that tests see the structure rather than the printing.
// `prefixes` keeps a call's module prefix, which is spelling only (canonical printing drops it).
std::string tree(const ast::Expr& e, bool prefixes = true) {
  switch (e.kind) {
    case ast::ExprKind::IntLit: return fmt::format("i:{}", e.cast<ast::IntLit>().value);
    case ast::ExprKind::FloatLit: return fmt::format("f:{}", e.cast<ast::FloatLit>().value);
    case ast::ExprKind::ImagLit: return fmt::format("j:{}", e.cast<ast::ImagLit>().value);
    case ast::ExprKind::BoolLit: return e.cast<ast::BoolLit>().value ? "True" : "False";
    case ast::ExprKind::BytesLit: {
      std::string out = "b:";
      for (unsigned char c : e.cast<ast::BytesLit>().value) out += c >= 0x20 && c < 0x7f ? std::string(1, static_cast<char>(c)) : fmt::format("<{:02x}>", c);
      return out;
    }
    case ast::ExprKind::Name: return e.cast<ast::Name>().id;
    case ast::ExprKind::Unary: {
      const auto& u = e.cast<ast::Unary>();
      const char* op = u.op == UnaryOp::Neg ? "neg" : u.op == UnaryOp::Pos ? "pos" : "inv";
      return fmt::format("({} {})", op, tree(*u.operand, prefixes));
    }
    case ast::ExprKind::Binary: {
      const auto& b = e.cast<ast::Binary>();
      return fmt::format("({} {} {})", binop_spelling(b.op), tree(*b.lhs, prefixes), tree(*b.rhs, prefixes));
    }
    case ast::ExprKind::Call: {
      const auto& c = e.cast<ast::Call>();
      std::string out = "(call " + (c.prefix.empty() || !prefixes ? "" : c.prefix + ".") + c.callee;
      for (const auto& a : c.args) out += " " + tree(*a, prefixes);
      for (const auto& k : c.keywords) out += " " + k.name + "=" + tree(*k.value, prefixes);
      return out + ")";
    }
    case ast::ExprKind::Attribute: {
      const auto& a = e.cast<ast::Attribute>();
      return fmt::format("(. {} {})", tree(*a.object, prefixes), a.attr);
    }
    case ast::ExprKind::Subscript: {
      const auto& s = e.cast<ast::Subscript>();
      std::string out = "([] " + tree(*s.object, prefixes);
      for (const auto& i : s.indices) out += " " + tree(*i, prefixes);
      return out + ")";
    }
    case ast::ExprKind::Tuple: {
      std::string out = "(tuple";
      for (const auto& x : e.cast<ast::Tuple>().elements) out += " " + tree(*x, prefixes);
      return out + ")";
    }
    // Kernel-only nodes: the expression parser never makes them.
    case ast::ExprKind::BoolOp:
    case ast::ExprKind::Not:
    case ast::ExprKind::IfExp:
    case ast::ExprKind::List: break;
  }
  return "?";
}

std::string tree(const std::string& text) { return tree(*parse(text)); }
std::string canonical(const std::string& text) { return print_expr(*parse(text)); }

struct Case {
  const char* text;
  const char* tree;
};

void expect_trees(const std::vector<Case>& cases) {
  for (const Case& c : cases) EXPECT_EQ(tree(c.text), c.tree) << c.text;
}

TEST(Parser, EveryBinaryOperator) {
  expect_trees({
      {"a + b", "(+ a b)"},   {"a - b", "(- a b)"},   {"a * b", "(* a b)"},   {"a / b", "(/ a b)"},
      {"a // b", "(// a b)"}, {"a % b", "(% a b)"},   {"a ** b", "(** a b)"}, {"a << b", "(<< a b)"},
      {"a >> b", "(>> a b)"}, {"a & b", "(& a b)"},   {"a | b", "(| a b)"},   {"a ^ b", "(^ a b)"},
      {"a < b", "(< a b)"},   {"a <= b", "(<= a b)"}, {"a == b", "(== a b)"}, {"a != b", "(!= a b)"},
      {"a >= b", "(>= a b)"}, {"a > b", "(> a b)"},
  });
}

TEST(Parser, EveryUnaryOperator) {
  expect_trees({{"-a", "(neg a)"}, {"+a", "(pos a)"}, {"~a", "(inv a)"}, {"- - a", "(neg (neg a))"}, {"~-+a", "(inv (neg (pos a)))"}});
}

// Python's order, lowest first: comparisons, |, ^, &, shifts, + -, * / // %, unary, **.
TEST(Parser, PrecedenceLevelsFromLowestToHighest) {
  expect_trees({
      {"a < b | c", "(< a (| b c))"},
      {"a | b ^ c", "(| a (^ b c))"},
      {"a ^ b & c", "(^ a (& b c))"},
      {"a & b << c", "(& a (<< b c))"},
      {"a << b + c", "(<< a (+ b c))"},
      {"a + b * c", "(+ a (* b c))"},
      {"a * -b", "(* a (neg b))"},
      {"-a ** b", "(neg (** a b))"},
      {"a | b ^ c & d << e + f * g ** h", "(| a (^ b (& c (<< d (+ e (* f (** g h)))))))"},
      {"a ** b * c + d >> e & f ^ g | h == i", "(== (| (^ (& (>> (+ (* (** a b) c) d) e) f) g) h) i)"},
      {"a * b + c * d", "(+ (* a b) (* c d))"},
      {"a % b - c // d", "(- (% a b) (// c d))"},
      {"a + b < c - d", "(< (+ a b) (- c d))"},
      {"(a + b) * c", "(* (+ a b) c)"},
      {"a + (b < c)", "(+ a (< b c))"},
      {"~a & b", "(& (inv a) b)"},
      {"-a.real", "(neg (. a real))"},
      {"-sin(a) ** 2", "(neg (** (call sin a) i:2))"},
  });
}

TEST(Parser, LeftAssociativeOperators) {
  expect_trees({
      {"a - b - c", "(- (- a b) c)"},
      {"a / b / c", "(/ (/ a b) c)"},
      {"a // b % c * d", "(* (% (// a b) c) d)"},
      {"a << b >> c", "(>> (<< a b) c)"},
      {"a & b & c", "(& (& a b) c)"},
      {"a | b | c", "(| (| a b) c)"},
      {"a ^ b ^ c", "(^ (^ a b) c)"},
      {"a + b - c + d", "(+ (- (+ a b) c) d)"},
  });
}

TEST(Parser, PowerIsRightAssociativeAndBindsTighterThanUnaryOnItsLeft) {
  expect_trees({
      {"a ** b ** c", "(** a (** b c))"},
      {"(a ** b) ** c", "(** (** a b) c)"},
      {"-a**2", "(neg (** a i:2))"},
      {"-2**2", "(neg (** i:2 i:2))"},
      {"(-2)**2", "(** i:-2 i:2)"},
      {"2**-1", "(** i:2 i:-1)"},
      {"a**-b", "(** a (neg b))"},
      {"a**-b**c", "(** a (neg (** b c)))"},
      {"~a**2", "(inv (** a i:2))"},
      {"a ** ~b", "(** a (inv b))"},
      {"-a*b", "(* (neg a) b)"},
      {"2 ** - 1", "(** i:2 i:-1)"},
  });
}

TEST(Parser, MinusFoldsIntoIntegerLiterals) {
  expect_trees({
      {"-1", "i:-1"},
      {"- 1", "i:-1"},
      {"-(1)", "i:-1"},
      {"--1", "(neg i:-1)"},
      {"-9223372036854775808", "i:-9223372036854775808"},
      {"- 9223372036854775808", "i:-9223372036854775808"},
      {"-2147483648", "i:-2147483648"},
      {"-1.5", "(neg f:1.5)"},
      {"a - 1", "(- a i:1)"},
      {"a-1", "(- a i:1)"},
      {"a - -1", "(- a i:-1)"},
  });
}

TEST(Parser, LiteralsOfEveryKind) {
  expect_trees({
      {"0", "i:0"},
      {"42", "i:42"},
      {"0x2a", "i:42"},
      {"0X_FF", "i:255"},
      {"0o52", "i:42"},
      {"0b101010", "i:42"},
      {"1_000_000", "i:1000000"},
      {"9223372036854775807", "i:9223372036854775807"},
      {"0x7fffffffffffffff", "i:9223372036854775807"},
      {"2.5", "f:2.5"},
      {".5", "f:0.5"},
      {"5.", "f:5"},
      {"1e-3", "f:0.001"},
      {"1E6", "f:1000000"},
      {"1_0.2_5e1_0", "f:102500000000"},
      {"4j", "j:4"},
      {"2.5e3J", "j:2500"},
      {"True", "True"},
      {"False", "False"},
      {"None", "None"},
      {"b'abc'", "b:abc"},
      {"'abc'", "b:abc"},
      {R"(b'\x00\n\t\\\'')", "b:<00><0a><09>\\'"},
      {R"(b'\101\x42' b"C" rb'\D')", "b:ABC\\D"},
      {"'ab' 'cd'", "b:abcd"},
  });
}

TEST(Parser, CallsAttributesSubscriptsAndTuples) {
  expect_trees({
      {"sin(a)", "(call sin a)"},
      {"np.sin(a)", "(call np.sin a)"},
      {"numpy.arctan2(a, b)", "(call numpy.arctan2 a b)"},
      {"math.sqrt(a)", "(call math.sqrt a)"},
      {"cmath.exp(a)", "(call cmath.exp a)"},
      {"where(a > 0, a, -a)", "(call where (> a i:0) a (neg a))"},
      {"sum(a * b, axis=0)", "(call sum (* a b) axis=i:0)"},
      {"sum(a, axis = -1)", "(call sum a axis=i:-1)"},
      {"sum(a, axis=None)", "(call sum a axis=None)"},
      {"sin(a,)", "(call sin a)"},
      {"f()", "(call f)"},
      {"sin(cos(a))", "(call sin (call cos a))"},
      {"sin (a)", "(call sin a)"},
      {"(sin)(a)", "(call sin a)"},
      {"a.real", "(. a real)"},
      {"a.real.imag", "(. (. a real) imag)"},
      {"(a + b).imag", "(. (+ a b) imag)"},
      {"sin(a).real", "(. (call sin a) real)"},
      {"1.5.real", "(. f:1.5 real)"},
      {"(1).real", "(. i:1 real)"},
      {"a[0]", "([] a i:0)"},
      {"a[i, j + 1]", "([] a i (+ j i:1))"},
      {"a[0,]", "([] a i:0)"},
      {"a[0][1]", "([] ([] a i:0) i:1)"},
      {"(a, b)", "(tuple a b)"},
      {"(a,)", "(tuple a)"},
      {"(a, b,)", "(tuple a b)"},
      {"((a))", "a"},
      {"where(b, (1, 2), 3)", "(call where b (tuple i:1 i:2) i:3)"},
  });
}

TEST(Parser, WhiteSpaceNewlinesAndCommentsDoNotMatter) {
  EXPECT_EQ(tree("a+b*c"), tree("  a +\n b\t* c  # trailing comment"));
  EXPECT_EQ(tree("sin(a)"), tree("sin(\n  a\n)"));
  EXPECT_EQ(tree("a + b"), tree("a \\\n+ b"));
}

TEST(Parser, NodesCarryTheirSourceRanges) {
  ast::ExprPtr e = parse("x + sin(yy) * 2");
  const auto& add = e->cast<ast::Binary>();
  EXPECT_EQ(add.range.begin, 0u);
  EXPECT_EQ(add.range.end, 15u);
  EXPECT_EQ(add.op_range.begin, 2u);
  EXPECT_EQ(add.op_range.end, 3u);
  const auto& mul = add.rhs->cast<ast::Binary>();
  EXPECT_EQ(mul.range.begin, 4u);
  EXPECT_EQ(mul.op_range.begin, 12u);
  const auto& call = mul.lhs->cast<ast::Call>();
  EXPECT_EQ(call.range.begin, 4u);
  EXPECT_EQ(call.range.end, 11u);
  EXPECT_EQ(call.callee_range.begin, 4u);
  EXPECT_EQ(call.callee_range.end, 7u);
  EXPECT_EQ(call.args[0]->range.begin, 8u);

  ast::ExprPtr prefixed = parse("np.sqrt(a, axis=1)");
  const auto& c = prefixed->cast<ast::Call>();
  EXPECT_EQ(c.range.begin, 0u);
  EXPECT_EQ(c.callee_range.begin, 3u);  // the function's name, not the prefix
  EXPECT_EQ(c.keywords[0].name_range.begin, 11u);
  EXPECT_EQ(c.keywords[0].value->range.begin, 16u);

  ast::ExprPtr neg = parse("- 12");
  EXPECT_EQ(neg->range.begin, 0u);  // a folded minus belongs to the literal
  EXPECT_EQ(neg->range.end, 4u);

  ast::ExprPtr attr = parse("(a).real");
  EXPECT_EQ(attr->cast<ast::Attribute>().attr_range.begin, 4u);
}

// A few syntax errors at the parser's level (the corpus has hundreds, through the runtime).
TEST(Parser, SyntaxErrorsCarryKindMessageAndRange) {
  try {
    parse("a + * b");
    FAIL() << "no error";
  } catch (const SyntaxError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Syntax);
    EXPECT_EQ(e.message(), "expected a value after '+', found '*'");
    EXPECT_EQ(e.range().begin, 4u);
    EXPECT_EQ(e.range().end, 5u);
    EXPECT_EQ(e.column(), 5);
    EXPECT_STREQ(e.what(), "<expr>:1:5: error: expected a value after '+', found '*'\na + * b\n    ^");
  }
  try {
    parse("");
    FAIL() << "no error";
  } catch (const SyntaxError& e) {
    EXPECT_EQ(e.column(), 1);
    EXPECT_STREQ(e.what(), "<expr>:1:1: error: empty expression\n\n^");
  }
  EXPECT_THROW(parse("a < b < c"), SyntaxError);
  EXPECT_THROW(parse("a and b"), SyntaxError);
  EXPECT_THROW(parse("(a"), SyntaxError);
}

// The same tree prints the same text however it was spelled: the cache key.
TEST(Parser, CanonicalPrintingIgnoresSpellingAndRedundantParentheses) {
  EXPECT_EQ(canonical("2*a+b"), "2 * a + b");
  EXPECT_EQ(canonical("2 * a + b"), "2 * a + b");
  EXPECT_EQ(canonical("(2*a)+(b)"), "2 * a + b");
  EXPECT_EQ(canonical("((2)*(a))+b"), "2 * a + b");
  EXPECT_EQ(canonical("np.sin(a)"), canonical("sin(a)"));
  EXPECT_EQ(canonical("0x10 + 1_000"), "16 + 1000");
  EXPECT_EQ(canonical("a*1e3"), "a * 1000.0");
  EXPECT_EQ(canonical("a*1e-05"), canonical("a * 0.00001"));
}

TEST(Parser, CanonicalPrintingKeepsNeededParentheses) {
  struct Want {
    const char* text;
    const char* printed;
  };
  const Want cases[] = {
      {"(a+b)*c", "(a + b) * c"},
      {"a-(b-c)", "a - (b - c)"},
      {"(a-b)-c", "a - b - c"},
      {"a/(b*c)", "a / (b * c)"},
      {"a**(b**c)", "a ** b ** c"},
      {"(a**b)**c", "(a ** b) ** c"},
      {"-(a**2)", "-a ** 2"},
      {"(-a)**2", "(-a) ** 2"},
      {"(-2)**2", "(-2) ** 2"},
      {"2**-1", "2 ** -1"},
      {"a**(-b)", "a ** -b"},
      {"-(a*b)", "-(a * b)"},
      {"-(-a)", "--a"},
      {"~(a&b)", "~(a & b)"},
      {"(a<b)==c", "(a < b) == c"},
      {"a==(b<c)", "a == (b < c)"},
      {"(a<b)&(c>d)", "(a < b) & (c > d)"},
      {"a<(b|c)", "a < b | c"},
      {"(a|b)&c", "(a | b) & c"},
      {"(a+b).real", "(a + b).real"},
      {"(1).real", "(1).real"},
      {"(-1).real", "(-1).real"},
      {"1.5.real", "1.5.real"},
      {"sum(a*b,axis=0)", "sum(a * b, axis=0)"},
      {"where(a>0,a,-a)", "where(a > 0, a, -a)"},
      {"(a,b)", "(a, b)"},
      {"(a,)", "(a,)"},
      {"b'a\\'\\\\\\x00'", "b'a\\'\\\\\\x00'"},
      {"4j+2.5j", "4j + 2.5j"},
      {"True|False", "True | False"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"1e999", "1e999"},
  };
  for (const Want& w : cases) EXPECT_EQ(canonical(w.text), w.printed) << w.text;
}

// Random expressions, spelled with random spacing and optional redundant parentheses.
class ExpressionGenerator {
 public:
  explicit ExpressionGenerator(unsigned seed) : rng_(seed) {}

  struct Generated {
    std::string text;
    bool atomic;          // a leaf, call, or parenthesized group: safe anywhere
    bool compare = false;  // a comparison, which chains into a neighbouring one unless grouped
  };

  Generated expression(int depth) {
    int pick = depth <= 0 ? 0 : uniform(0, 9);
    switch (pick) {
      case 0:
      case 1: return {leaf(), true};
      case 2: {
        static const char* ops[] = {"-", "+", "~"};
        return {std::string(ops[uniform(0, 2)]) + space() + operand(depth - 1, true), false};
      }
      case 3: {
        static const char* fns[] = {"sin", "np.cos", "sqrt", "numpy.exp", "abs", "math.log", "cmath.tan"};
        return {std::string(fns[uniform(0, 6)]) + "(" + space() + expression(depth - 1).text + space() + ")", true};
      }
      case 4: {
        return {"where(" + expression(depth - 1).text + "," + space() + expression(depth - 1).text + ", " +
                    expression(depth - 1).text + ")",
                true};
      }
      case 5: {
        std::string object = operand(depth - 1, true);
        // `12.real` would lex as the float `12.` and a name.
        if (object[0] >= '0' && object[0] <= '9' && object.find_first_of(".ejx") == std::string::npos) object = "(" + object + ")";
        return {object + space() + "." + (uniform(0, 1) ? "real" : "imag"), true};
      }
      case 6: return {"(" + space() + expression(depth - 1).text + space() + ")", true};
      default: {
        static const char* ops[] = {"+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^",
                                    "<", "<=", "==", "!=", ">=", ">"};
        std::string op = ops[uniform(0, 17)];
        bool compare = op == "<" || op == "<=" || op == "==" || op == "!=" || op == ">=" || op == ">";
        // Comparisons do not chain: their operands get parentheses unless atomic.
        return {operand(depth - 1, compare) + space() + op + space() + operand(depth - 1, compare), false, compare};
      }
    }
  }

 private:
  // A compound operand, wrapped in parentheses when `must` or at random (precedence then decides
  // the tree, which is all the fixed-point test needs).
  std::string operand(int depth, bool must) {
    Generated g = expression(depth);
    if (g.atomic) return g.text;
    if (must || g.compare || uniform(0, 2) != 0) return "(" + g.text + ")";
    return g.text;
  }

  std::string leaf() {
    switch (uniform(0, 11)) {
      case 0: return "a";
      case 1: return "b2";
      case 2: return "_c";
      case 3: return std::to_string(uniform(0, 100000));
      case 4: return fmt::format("0x{:x}", uniform(0, 1 << 20));
      case 5: return fmt::format("{}_{:03}", uniform(1, 99), uniform(0, 999));
      case 6: return fmt::format("{}.{}", uniform(0, 99), uniform(0, 99));
      case 7: return fmt::format("{}e{}", uniform(1, 9), uniform(-20, 20));
      case 8: return fmt::format("{}j", uniform(0, 9));
      case 9: return uniform(0, 1) ? "True" : "False";
      case 10: return "b'x\\ty\\x00'";
      default: return fmt::format("{}.5e-3j", uniform(0, 9));
    }
  }

  std::string space() {
    static const char* spaces[] = {"", " ", "  ", "\t", ""};
    return spaces[uniform(0, 4)];
  }

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  std::mt19937 rng_;
};

TEST(Parser, PrintParsePrintIsAFixedPointOverGeneratedExpressions) {
  ExpressionGenerator gen(20240611);
  int checked = 0;
  for (int i = 0; i < 500; ++i) {
    std::string text = gen.expression(1 + i % 6).text;
    SCOPED_TRACE(text);
    ast::ExprPtr first;
    ASSERT_NO_THROW(first = parse(text));
    std::string printed = print_expr(*first);
    ast::ExprPtr second;
    ASSERT_NO_THROW(second = parse(printed)) << printed;
    EXPECT_EQ(print_expr(*second), printed);
    // Printing loses nothing but module prefixes: the reparsed tree is the tree.
    EXPECT_EQ(tree(*second, false), tree(*first, false)) << printed;
    ++checked;
  }
  EXPECT_EQ(checked, 500);
}

}  // namespace
