// Reductions over a short axis, unrolled into element-wise arithmetic (runtime/Unroll.h): the
// distance matrix as one fused expression, element-wise operations on such a reduction's
// result, what stays a reduction, and errors that still point into the text as written. The
// expected values come from plain loops here.
#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace {

using namespace jitexpr;

Runtime& rt() {
  static Runtime r({.opt_level = 2, .disk_cache = false});
  return r;
}

Array filled(Shape shape, double start, double step) {
  Array a = Array::empty(DType::Float64, shape);
  for (std::int64_t i = 0; i < a.size(); ++i) a.data<double>()[i] = start + step * static_cast<double>(i % 17) * (i % 2 ? -1 : 1);
  return a;
}

TEST(Unroll, DistanceMatrixIsOneFusedExpression) {
  const std::int64_t n = 37;
  Array p = filled({n, 2}, 0.25, 0.37);
  Array d = rt().evaluate("sqrt(sum((a - b)**2, axis=2))", {{"a", p.reshape({n, 1, 2})}, {"b", p.reshape({1, n, 2})}});
  ASSERT_EQ(d.shape(), (Shape{n, n}));
  const double* x = p.data<double>();
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      double dx = x[2 * i] - x[2 * j], dy = x[2 * i + 1] - x[2 * j + 1];
      EXPECT_EQ(d.data<double>()[i * n + j], std::sqrt(dx * dx + dy * dy)) << i << "," << j;
    }
  }
}

TEST(Unroll, ElementwiseOperationsOnAReductionResult) {
  Array x = filled({5, 3}, 1.5, 0.75);
  x.data<double>()[7] = std::numeric_limits<double>::quiet_NaN();  // row 2
  Array r = rt().evaluate("2*max(x, axis=1) + 1", {{"x", x}});
  ASSERT_EQ(r.shape(), (Shape{5}));
  const double* v = x.data<double>();
  for (int i = 0; i < 5; ++i) {
    if (i == 2) {
      EXPECT_TRUE(std::isnan(r.data<double>()[i]));  // max propagates NaN, as numpy's does
      continue;
    }
    EXPECT_EQ(r.data<double>()[i], 2 * std::max({v[3 * i], v[3 * i + 1], v[3 * i + 2]}) + 1);
  }
  Array m = rt().evaluate("-min(x, axis=0) * prod(x, axis=0)", {{"x", x}});
  ASSERT_EQ(m.shape(), (Shape{3}));
  for (int j = 0; j < 3; ++j) {
    double lo = v[j], prod = v[j];
    for (int i = 1; i < 5; ++i) {
      lo = std::isnan(lo) || std::isnan(v[3 * i + j]) ? std::nan("") : std::min(lo, v[3 * i + j]);
      prod *= v[3 * i + j];
    }
    if (std::isnan(lo)) EXPECT_TRUE(std::isnan(m.data<double>()[j]));
    else EXPECT_EQ(m.data<double>()[j], -lo * prod);
  }
}

TEST(Unroll, TermsAreAddedInIndexOrder) {
  Array x = Array::from<double>({1e16, 1.0, -1e16, 1.0, 3.0, 0.5});
  Array s = rt().evaluate("sum(x, axis=0)", {{"x", x.reshape({3, 2})}});
  EXPECT_EQ(s.data<double>()[0], (1e16 + -1e16) + 3.0);
  EXPECT_EQ(s.data<double>()[1], (1.0 + 1.0) + 0.5);
}

TEST(Unroll, BroadcastOperandsAndNegativeAxes) {
  Array a = filled({4, 1, 3}, 2.0, 0.5), b = filled({6, 3}, -1.0, 0.25);
  Array r = rt().evaluate("sum(a * b, axis=-1) / 2", {{"a", a}, {"b", b}});
  ASSERT_EQ(r.shape(), (Shape{4, 6}));
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 6; ++j) {
      const double* av = a.data<double>() + 3 * i;
      const double* bv = b.data<double>() + 3 * j;
      EXPECT_EQ(r.data<double>()[i * 6 + j], ((av[0] * bv[0] + av[1] * bv[1]) + av[2] * bv[2]) / 2);
    }
  }
}

TEST(Unroll, IntegerAndBoolSumsKeepTheirAccumulatorTypes) {
  Array big = Array::full(DType::Int32, {3, 2}, 2'000'000'000);
  Array s = rt().evaluate("sum(x, axis=1)", {{"x", big}});
  EXPECT_EQ(s.dtype(), DType::Int64);  // an int32 sum accumulates in int64: no wrap-around
  EXPECT_EQ(s.data<std::int64_t>()[0], 4'000'000'000);
  Array flags = rt().evaluate("sum(x > 0, axis=1)", {{"x", filled({4, 3}, -1.0, 1.0)}});
  EXPECT_EQ(flags.dtype(), DType::Int64);  // bools are counted
}

TEST(Unroll, LongAxesStayReductionsAndMayStillSitInsideExpressions) {
  Array x = filled({3, 20}, 0.5, 0.125);
  Array s = rt().evaluate("sum(x, axis=1)", {{"x", x}});
  double want = 0;
  for (int j = 0; j < 20; ++j) want += x.data<double>()[j];
  EXPECT_NEAR(s.data<double>()[0], want, 1e-12);
  // Over a long axis an element-wise operation on the reduction is evaluated in stages: the
  // unrolling is an optimization, never what makes an expression valid.
  Array r = rt().evaluate("sqrt(sum(x, axis=1))", {{"x", x}});
  EXPECT_EQ(r.shape(), (Shape{3}));
  EXPECT_DOUBLE_EQ(r.data<double>()[0], std::sqrt(s.data<double>()[0]));
}

TEST(Unroll, IntoOutWithCasting) {
  Array x = filled({6, 2}, 1.0, 0.5);
  Array out = Array::zeros(DType::Float32, {6});
  rt().evaluate("sqrt(sum(x*x, axis=1))", {{"x", x}}, out, {.casting = Casting::SameKind});
  for (int i = 0; i < 6; ++i) {
    const double* v = x.data<double>() + 2 * i;
    EXPECT_EQ(out.data<float>()[i], static_cast<float>(std::sqrt(v[0] * v[0] + v[1] * v[1])));
  }
  // A reduction at the root keeps its rule: out= must have its exact type.
  EXPECT_THROW(rt().evaluate("sum(x, axis=1)", {{"x", x}}, out), TypeError);
}

TEST(Unroll, ErrorsPointIntoTheTextAsWritten) {
  Array x = filled({4, 2}, 1.0, 0.5);
  try {
    rt().evaluate("sqrt(sum(x, axis=1)) + y", {{"x", x}});
    FAIL() << "no NameError";
  } catch (const NameError& e) {
    EXPECT_NE(std::string(e.what()).find("<expr>:1:24: error: name 'y' is not defined"), std::string::npos) << e.what();
  }
  try {
    rt().evaluate("sqrt(sum(x, axis=1)) + z", {{"x", x}, {"z", Array::zeros(DType::Float64, {3})}});
    FAIL() << "no ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("<expr>:1:24: error: operands could not be broadcast"), std::string::npos)
        << e.what();
  }
}

TEST(Unroll, UserNamesLikeTheSliceOperandsStillWork) {
  Array x = filled({4, 2}, 1.0, 0.5);
  Array r = rt().evaluate("sum(__jx0_0_x, axis=1)", {{"__jx0_0_x", x}});
  EXPECT_EQ(r.data<double>()[1], x.data<double>()[2] + x.data<double>()[3]);
}

}  // namespace
