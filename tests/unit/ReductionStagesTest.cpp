// Reductions anywhere in an expression (ir/ReductionStages.h): the split into stages, and the
// evaluation of the stages within one call.
#include "frontend/AstPrinter.h"
#include "frontend/Parser.h"
#include "ir/ReductionStages.h"

#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace jitexpr;

// The stages of `text`, one printed line each: "name = reduction", then the rest.
std::vector<std::string> stages_of(const std::string& text) {
  SourcePtr src = make_source("<expr>", text);
  ast::ExprPtr e = parse_expression(*src);
  std::optional<ir::StagedExpression> s = ir::stage_reductions(*e);
  if (!s) return {};
  std::vector<std::string> out;
  for (const ir::ReductionStage& r : s->reductions) out.push_back(r.name + " = " + print_expr(*r.expr));
  out.push_back(print_expr(*s->rest));
  return out;
}

TEST(ReductionStages, AnExpressionWithReductionsOnlyAtItsRootHasNoStages) {
  EXPECT_EQ(stages_of("sum(a * b)"), std::vector<std::string>{});
  EXPECT_EQ(stages_of("a + b"), std::vector<std::string>{});
}

TEST(ReductionStages, EachInnerReductionIsAStageInnermostFirst) {
  EXPECT_EQ(stages_of("1 + sum(a)"), (std::vector<std::string>{"__jx_r0 = sum(a)", "1 + __jx_r0"}));
  EXPECT_EQ(stages_of("4*sum((x*x + y*y) <= 1)/n"),
            (std::vector<std::string>{"__jx_r0 = sum(x * x + y * y <= 1)", "4 * __jx_r0 / n"}));
  EXPECT_EQ(stages_of("sum(a - sum(a)/n)"), (std::vector<std::string>{"__jx_r0 = sum(a)", "sum(a - __jx_r0 / n)"}));
  EXPECT_EQ(stages_of("min(a) < max(sqrt(a - min(a)), axis=0)"),
            (std::vector<std::string>{"__jx_r0 = min(a)", "__jx_r1 = min(a)", "__jx_r2 = max(sqrt(a - __jx_r1), axis=0)",
                                      "__jx_r0 < __jx_r2"}));
}

TEST(ReductionStages, TheResultsTakeNamesNoVariableUses) {
  EXPECT_EQ(stages_of("__jx_r0 + sum(a)"), (std::vector<std::string>{"__jx_r_0 = sum(a)", "__jx_r0 + __jx_r_0"}));
}

Runtime& rt() {
  static Runtime* r = new Runtime;
  return *r;
}

Array counting(const Shape& shape, double start = 0) {
  Array a = Array::empty(DType::Float64, shape);
  for (std::int64_t i = 0; i < a.size(); ++i) a.data<double>()[i] = start + static_cast<double>(i);
  return a;
}

TEST(ReductionStages, AReductionFeedsTheElementWiseStage) {
  Array a = counting({5});  // 0 1 2 3 4
  Value n(std::int64_t{5});
  EXPECT_EQ(rt().evaluate("1 + sum(a)", {{"a", a}}).data<double>()[0], 11.0);
  Array centered = rt().evaluate("a - sum(a)/n", {{"a", a}, {"n", n}});
  EXPECT_EQ(centered.shape(), (Shape{5}));
  EXPECT_EQ(centered.data<double>()[0], -2.0);
  EXPECT_EQ(centered.data<double>()[4], 2.0);
  EXPECT_EQ(rt().evaluate("sum(a - sum(a)/n)", {{"a", a}, {"n", n}}).data<double>()[0], 0.0);
}

TEST(ReductionStages, AnAxisReductionBroadcastsBackByNumpysRules) {
  Array m = counting({3, 20});
  Array r = rt().evaluate("m - max(m, axis=0)", {{"m", m}});  // (3, 20) - (20,)
  ASSERT_EQ(r.shape(), (Shape{3, 20}));
  EXPECT_EQ(r.data<double>()[0], -40.0);
  EXPECT_EQ(r.data<double>()[59], 0.0);
  // (3, 20) - (3,) does not broadcast: numpy's ValueError, pointing at the stage's result.
  try {
    rt().evaluate("m - max(m, axis=1)", {{"m", m}});
    ADD_FAILURE() << "no error";
  } catch (const ValueError& e) {
    EXPECT_NE(e.message().find("could not be broadcast together with shapes (3, 20) (3,)"), std::string::npos)
        << e.what();
    EXPECT_EQ(e.column(), 5) << e.what();
  }
}

TEST(ReductionStages, AnAxisOfAnyLengthWorksInsideAnExpression) {
  for (std::int64_t d : {2, 8, 9, 20, 100}) {
    Array a = counting({4, 1, d});
    Array b = counting({1, 3, d}, 1);
    Array r = rt().evaluate("sqrt(sum((a - b)**2, axis=2))", {{"a", a}, {"b", b}});
    ASSERT_EQ(r.shape(), (Shape{4, 3})) << d;
    // a[0, 0, k] - b[0, 0, k] = -1 for every k.
    EXPECT_DOUBLE_EQ(r.data<double>()[0], std::sqrt(static_cast<double>(d))) << d;
  }
}

TEST(ReductionStages, StagesAreDeterministicAcrossThreadCounts) {
  Array x = Array::empty(DType::Float64, {300'000});
  for (std::int64_t i = 0; i < x.size(); ++i) x.data<double>()[i] = std::sin(static_cast<double>(i)) * 1e3;
  Runtime one({.num_threads = 1});
  Runtime four({.num_threads = 4});
  Array a = one.evaluate("x / sum(x * x)", {{"x", x}});
  Array b = four.evaluate("x / sum(x * x)", {{"x", x}});
  for (std::int64_t i = 0; i < x.size(); i += 9973) EXPECT_EQ(a.data<double>()[i], b.data<double>()[i]) << i;
}

TEST(ReductionStages, OutReceivesTheLastStage) {
  Array a = counting({4});
  Array out = Array::zeros(DType::Float32, {4});
  rt().evaluate("a + min(a) + 0.5", {{"a", a}}, out, {.casting = Casting::SameKind});
  EXPECT_EQ(out.data<float>()[3], 3.5f);
}

TEST(ReductionStages, AnErrorInAStagePointsIntoTheTextAsWritten) {
  Array a = counting({4});
  try {
    rt().evaluate("2 * (1 + sum(a, axis=3))", {{"a", a}});
    ADD_FAILURE() << "no error";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.column(), 22) << e.what();
    EXPECT_NE(std::string(e.what()).find("2 * (1 + sum(a, axis=3))"), std::string::npos) << e.what();
  }
}

}  // namespace
