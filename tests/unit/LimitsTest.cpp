// Each hard limit of frontend/Limits.h: exactly at the limit works, one past fails with a clear
// error at the place where the limit is crossed, and far past it fails the same way, with no stack
// overflow.
#include "frontend/AstPrinter.h"
#include "frontend/Limits.h"
#include "frontend/Parser.h"
#include "frontend/Variables.h"

#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace {

using namespace jitexpr;

std::string repeat(std::string_view s, int n) {
  std::string out;
  out.reserve(s.size() * static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

const std::string kNestedTooDeeply =
    "expression is nested too deeply (the limit is " + std::to_string(kMaxNestingDepth) + " levels)";

// A runtime and operands shared by the tests of this file.
Runtime& runtime() {
  static Runtime rt;
  return rt;
}
Array ones4() { return Array::ones(DType::Float64, {4}); }

// Evaluates `expr` over a = ones(4) and expects every element to be `value`.
void expect_evaluates(const std::string& expr, double value) {
  Array r = runtime().evaluate(expr, {{"a", ones4()}});
  ASSERT_EQ(r.dtype(), DType::Float64);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(r.data<double>()[i], value);
}

// Evaluates `expr` and expects SyntaxError `message` with the caret at 1-based `column`.
void expect_syntax_error(const std::string& expr, const std::string& message, int column) {
  try {
    runtime().evaluate(expr, {{"a", ones4()}});
    ADD_FAILURE() << "no error for an expression of " << expr.size() << " characters";
  } catch (const SyntaxError& e) {
    EXPECT_EQ(e.message(), message);
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.column(), column);
    EXPECT_EQ(std::string(e.what()).rfind("<expr>:1:" + std::to_string(column) + ": error: " + message + "\n", 0), 0u);
  }
}

// The nesting depth of each way to nest: each shape at the limit, and one level more.
struct Shape {
  const char* name;
  std::string (*text)(int depth);
  int (*error_column)(int depth);  // where depth kMaxNestingDepth + 1 is refused
};

const Shape kShapes[] = {
    {"parentheses", [](int d) { return repeat("(", d) + "a" + repeat(")", d); }, [](int d) { return d; }},
    {"unary minus", [](int d) { return repeat("-", d) + "a"; }, [](int d) { return d; }},
    {"calls", [](int d) { return repeat("abs(", d) + "a" + repeat(")", d); }, [](int d) { return 4 * d; }},
    {"flat sum", [](int d) { return "a" + repeat(" + a", d); }, [](int d) { return 4 * d - 1; }},
    {"power tower", [](int d) { return "a" + repeat("**a", d); }, [](int d) { return 3 * d - 1; }},
    {"attributes", [](int d) { return "a" + repeat(".real", d); }, [](int d) { return 5 * d - 2; }},
    {"negated groups", [](int d) { return repeat("-(", d / 2) + (d % 2 ? "-a" : "a") + repeat(")", d / 2); },
     [](int d) { return d; }},
};

TEST(Limits, NestingDepthExactlyAtTheLimitEvaluates) {
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(shape.name);
    std::string text = shape.text(kMaxNestingDepth);
    // ones(4) keeps every shape's value finite and known: -a and --a alternate in sign.
    double value = 1.0;
    if (std::string(shape.name) == "unary minus" || std::string(shape.name) == "negated groups") {
      value = kMaxNestingDepth % 2 ? -1.0 : 1.0;
    }
    if (std::string(shape.name) == "flat sum") value = kMaxNestingDepth + 1;
    expect_evaluates(text, value);
  }
}

TEST(Limits, NestingOneLevelPastTheLimitIsRefusedWhereItIsCrossed) {
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(shape.name);
    int depth = kMaxNestingDepth + 1;
    expect_syntax_error(shape.text(depth), kNestedTooDeeply, shape.error_column(depth));
  }
}

TEST(Limits, TheDepthCountsEveryKindOfLevel) {
  // Half the levels from parentheses, half from operators: the sum is what counts.
  int half = kMaxNestingDepth / 2;
  std::string at = repeat("(", half) + "a" + repeat(" + a)", half);  // each group holds one '+'
  expect_evaluates(at, half + 1);
  // One unary minus more inside: only the outermost group, at column 1, takes it past the limit.
  expect_syntax_error(repeat("(", half) + "-a" + repeat(" + a)", half), kNestedTooDeeply, 1);
}

TEST(Limits, HundredThousandDeepNestingIsRefusedWithoutOverflow) {
  // Each of these is at most kMaxExpressionLength long, so only the depth limit can refuse it.
  ASSERT_EQ(kMaxExpressionLength, 100'000u);
  expect_syntax_error(repeat("(", 100'000), kNestedTooDeeply, kMaxNestingDepth + 1);
  expect_syntax_error(repeat("-", 99'999) + "a", kNestedTooDeeply, kMaxNestingDepth + 1);
  expect_syntax_error(repeat("~(", 50'000), kNestedTooDeeply, kMaxNestingDepth + 1);
  expect_syntax_error(repeat("abs(", 25'000), kNestedTooDeeply, 4 * (kMaxNestingDepth + 1));
  expect_syntax_error("a" + repeat("+a", 49'999), kNestedTooDeeply, 2 * kMaxNestingDepth + 2);
  expect_syntax_error("a" + repeat("**a", 33'333), kNestedTooDeeply, 3 * kMaxNestingDepth + 2);
  expect_syntax_error("a" + repeat(".real", 19'999), kNestedTooDeeply, 5 * kMaxNestingDepth + 3);
}

TEST(Limits, ParserRefusesAMillionLevelsEvenPastTheLengthLimit) {
  // The parser on its own (no length check in front of it) still stops at the depth limit.
  Source src{"<expr>", repeat("(", 1'000'000) + "a" + repeat(")", 1'000'000)};
  Parser parser(src, LexMode::Expression);
  try {
    parser.parse_expr();
    FAIL() << "no error";
  } catch (const SyntaxError& e) {
    EXPECT_EQ(e.message(), kNestedTooDeeply);
    EXPECT_EQ(e.range().begin, static_cast<std::uint32_t>(kMaxNestingDepth));
  }
}

TEST(Limits, TreesAtTheDepthLimitPrintAndReparse) {
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(shape.name);
    Source src{"<expr>", shape.text(kMaxNestingDepth)};
    ast::ExprPtr e = parse_expression(src);
    std::string printed = print_expr(*e);
    Source again{"<expr>", printed};
    EXPECT_EQ(print_expr(*parse_expression(again)), printed);
    EXPECT_EQ(collect_variables(*e).size(), 1u);
  }
}

TEST(Limits, ExpressionLengthExactlyAtTheLimitEvaluates) {
  std::string text = "a + 1";
  text += std::string(kMaxExpressionLength - text.size() - 10, ' ');
  text += "# padding";
  text += ' ';
  ASSERT_EQ(text.size(), kMaxExpressionLength);
  expect_evaluates(text, 2.0);
  // Real work at the limit: 150 groups of 100 terms, padded to the limit with a comment.
  std::string group = "(a" + repeat(" + a", 99) + ")";
  std::string work = group + repeat(" + " + group, 149);
  work += " #";
  work += std::string(kMaxExpressionLength - work.size(), '.');
  ASSERT_EQ(work.size(), kMaxExpressionLength);
  expect_evaluates(work, 150 * 100);
}

TEST(Limits, ExpressionLengthOnePastTheLimitIsRefused) {
  std::string text = "a + 1" + std::string(kMaxExpressionLength - 4, ' ');
  ASSERT_EQ(text.size(), kMaxExpressionLength + 1);
  expect_syntax_error(text, fmt::format("expression is too long ({} characters; the limit is {})", kMaxExpressionLength + 1,
                                        kMaxExpressionLength),
                      1);
  expect_syntax_error(std::string(10 * kMaxExpressionLength, '('),
                      fmt::format("expression is too long ({} characters; the limit is {})", 10 * kMaxExpressionLength,
                                  kMaxExpressionLength),
                      1);
}

// `v0 + v1 + ...` over n distinct variables, each bound to ones(4).
std::pair<std::string, Bindings> sum_of_variables(int n) {
  std::string text;
  Bindings bindings;
  Array one = ones4();
  for (int i = 0; i < n; ++i) {
    std::string name = "v" + std::to_string(i);
    text += (i ? " + " : "") + name;
    bindings.emplace_back(name, one);
  }
  return {text, bindings};
}

TEST(Limits, OperandsExactlyAtTheLimitEvaluate) {
  // A flat sum of as many variables as allowed also fits the nesting limit.
  auto [text, bindings] = sum_of_variables(kMaxOperands);
  Array r = runtime().evaluate(text, bindings);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(r.data<double>()[i], kMaxOperands);
  // Reading a variable twice does not count it twice.
  auto [twice, bindings2] = sum_of_variables(kMaxOperands);
  twice += " + v0 * v1";
  EXPECT_NO_THROW(runtime().evaluate(twice, bindings2));
}

TEST(Limits, OperandsOnePastTheLimitAreRefusedAtTheFirstExtraVariable) {
  auto [text, bindings] = sum_of_variables(kMaxOperands + 1);
  std::string extra = "v" + std::to_string(kMaxOperands);
  int column = static_cast<int>(text.rfind(extra)) + 1;
  try {
    runtime().evaluate(text, bindings);
    FAIL() << "no error";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(), fmt::format("expression reads {} variables; the limit is {}", kMaxOperands + 1, kMaxOperands));
    EXPECT_EQ(e.column(), column);
  }
}

}  // namespace
