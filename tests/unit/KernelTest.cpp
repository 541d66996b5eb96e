// Kernels end to end through the public API: each statement kind, the expression semantics of
// docs/semantics.md (Numba's nopython model), arrays, calls between defs, type and run-time errors
// with their positions, prange with reductions and random streams, and the book's workloads.
#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include "tests/unit/KernelTesting.h"

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace jitexpr;
using namespace jitexpr::testing;
using cplx = std::complex<double>;

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(JITEXPR_SOURCE_DIR) + "/tests/unit/data/kernels/" + name);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_FALSE(s.str().empty()) << name;
  return s.str();
}

std::uint64_t bits(double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

// ---- statements ----

TEST(KernelStatements, AssignmentComputesInOrder) {
  Module m = compile(R"(
def f(a: int64):
    x = a + 1
    y = x * 2
    x = y - x
    return x * 100 + y
)");
  Value v = m("f")(3);
  EXPECT_EQ(v.dtype(), DType::Int64);
  EXPECT_EQ(v.as<std::int64_t>(), 4 * 100 + 8);
}

TEST(KernelStatements, AugmentedAssignmentOfEveryOperator) {
  Module m = compile(R"(
def f(a):
    x = a
    x += 7
    x -= 2
    x *= 3
    x //= 4
    x %= 5
    x **= 3
    x <<= 2
    x >>= 1
    x |= 64
    x &= 127
    x ^= 1
    return x
)");
  // Python: ((((10+7-2)*3)//4)%5)**3 = 1 -> <<2 = 4 -> >>1 = 2 -> |64 = 66 -> &127 = 66 -> ^1 = 67
  EXPECT_EQ(m("f")(10).as<std::int64_t>(), 67);
  Module d = compile("def f(a):\n    x = a\n    x /= 4\n    return x\n");
  Value v = d("f")(10);
  EXPECT_EQ(v.dtype(), DType::Float64);  // true division
  EXPECT_DOUBLE_EQ(v.as<double>(), 2.5);
}

TEST(KernelStatements, AugmentedAssignmentWidensTheLocal) {
  Module m = compile(R"(
def widen():
    x = 0
    x += 0.5
    return x

def widen_in_loop(n):
    s = 0
    for i in range(n):
        s += 0.25
    return s

def to_complex():
    z = 1
    z += 2j
    return z
)");
  Value v = m("widen")();
  EXPECT_EQ(v.dtype(), DType::Float64);
  EXPECT_EQ(v.as<double>(), 0.5);
  Value w = m("widen_in_loop")(6);
  EXPECT_EQ(w.dtype(), DType::Float64);
  EXPECT_EQ(w.as<double>(), 1.5);
  Value z = m("to_complex")();
  EXPECT_EQ(z.dtype(), DType::Complex128);
  EXPECT_EQ(z.as<cplx>(), cplx(1, 2));
}

TEST(KernelStatements, AugmentedAssignmentOfAnElement) {
  Module m = compile(R"(
def f(a: float64[:], b: int64[:, :]):
    a[1] += 2.5
    a[-1] *= 2.0
    b[1, 0] -= 7
    b[0, -1] //= 2
)");
  Array a = Array::from<double>({1, 2, 3});
  Array b = Array::arange(6).reshape({2, 3});
  EXPECT_TRUE(m("f")(a, b).is_none());
  EXPECT_EQ(a.data<double>()[1], 4.5);
  EXPECT_EQ(a.data<double>()[2], 6.0);
  EXPECT_EQ(b.data<std::int64_t>()[3], 3 - 7);
  EXPECT_EQ(b.data<std::int64_t>()[2], 1);
}

TEST(KernelStatements, AnnotatedAssignmentFixesTheType) {
  Module m = compile(R"(
def f():
    x: float64 = 1
    y: int32 = 5
    y += 1
    return x + y

def g():
    y: int32 = 2147483647
    y += 1
    return y
)");
  Value v = m("f")();
  EXPECT_EQ(v.dtype(), DType::Float64);
  EXPECT_EQ(v.as<double>(), 7.0);
  // An int32 local stays int32: it wraps at 32 bits.
  Value w = m("g")();
  EXPECT_EQ(w.dtype(), DType::Int32);
  EXPECT_EQ(w.as<std::int64_t>(), std::numeric_limits<std::int32_t>::min());
}

TEST(KernelStatements, TupleAssignmentAndSwap) {
  Module m = compile(R"(
def f():
    a, b = 1, 2
    a, b = b, a
    c, d, e = a + b, a * b, a - b
    return a * 10000 + b * 1000 + c * 100 + d * 10 + e
)");
  EXPECT_EQ(m("f")().as<std::int64_t>(), 2 * 10000 + 1 * 1000 + 3 * 100 + 2 * 10 + 1);
}

TEST(KernelStatements, TupleAssignmentFromShape) {
  Module m = compile(R"(
def f(a):
    n, m = a.shape
    return n * 10 + m

def g(a):
    x, y, z = a.shape
    return x * 100 + y * 10 + z + a.size * 1000 + a.ndim * 100000
)");
  EXPECT_EQ(m("f")(Array::zeros(DType::Float64, {3, 4})).as<std::int64_t>(), 34);
  EXPECT_EQ(m("g")(Array::zeros(DType::Int32, {2, 3, 4})).as<std::int64_t>(), 234 + 24000 + 300000);
  Error e = error_of([&] { m("f")(Array::zeros(DType::Float64, {2, 3, 4})); });
  EXPECT_EQ(e.kind(), ErrorKind::Value);
  EXPECT_EQ(e.message(), "cannot unpack 3 values into 2 targets");
}

TEST(KernelStatements, ChainedAssignment) {
  Module m = compile(R"(
def f(v: float64[:]):
    a = b = 0
    a += 1
    v[0] = c = v[1] = 2.5
    return a * 10 + b + c
)");
  Array v = Array::zeros(DType::Float64, {2});
  EXPECT_EQ(m("f")(v).as<double>(), 12.5);
  EXPECT_EQ(v.data<double>()[0], 2.5);
  EXPECT_EQ(v.data<double>()[1], 2.5);
}

TEST(KernelStatements, IfElifElse) {
  Module m = compile(R"(
def sign(x):
    if x < 0:
        return -1
    elif x == 0:
        return 0
    elif x < 10:
        r = 1
    else:
        r = 2
    return r
)");
  Function f = m("sign");
  EXPECT_EQ(f(-5).as<std::int64_t>(), -1);
  EXPECT_EQ(f(0).as<std::int64_t>(), 0);
  EXPECT_EQ(f(3).as<std::int64_t>(), 1);
  EXPECT_EQ(f(30).as<std::int64_t>(), 2);
  EXPECT_EQ(f(-0.5).as<std::int64_t>(), -1);  // a second specialization
  EXPECT_EQ(f.specializations(), 2u);
}

TEST(KernelStatements, WhileLoop) {
  Module m = compile(R"(
def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps
)");
  EXPECT_EQ(m("collatz_steps")(27).as<std::int64_t>(), 111);
  EXPECT_EQ(m("collatz_steps")(1).as<std::int64_t>(), 0);
}

TEST(KernelStatements, ForRangeWithOneTwoAndThreeArguments) {
  Module m = compile(R"(
def one(n):
    s = 0
    for i in range(n):
        s += i
    return s

def two(a, b):
    s = 0
    for i in range(a, b):
        s = s * 10 + i
    return s

def three(a, b, c):
    s = 0
    for i in range(a, b, c):
        s = s * 100 + i
    return s

def last(n):
    for i in range(n):
        pass
    return i
)");
  EXPECT_EQ(m("one")(5).as<std::int64_t>(), 10);
  EXPECT_EQ(m("one")(0).as<std::int64_t>(), 0);
  EXPECT_EQ(m("one")(-3).as<std::int64_t>(), 0);
  EXPECT_EQ(m("two")(2, 5).as<std::int64_t>(), 234);
  EXPECT_EQ(m("two")(5, 2).as<std::int64_t>(), 0);
  EXPECT_EQ(m("two")(-2, 1).as<std::int64_t>(), (-2 * 10 - 1) * 10 + 0);
  // Variable steps, positive and negative; the step need not divide the distance.
  EXPECT_EQ(m("three")(0, 10, 3).as<std::int64_t>(), 30609);
  EXPECT_EQ(m("three")(10, 0, -3).as<std::int64_t>(), 10070401);
  EXPECT_EQ(m("three")(10, -1, -5).as<std::int64_t>(), 100500);
  EXPECT_EQ(m("three")(0, 10, -1).as<std::int64_t>(), 0);
  EXPECT_EQ(m("three")(10, 0, 1).as<std::int64_t>(), 0);
  EXPECT_EQ(m("last")(4).as<std::int64_t>(), 3);  // the variable keeps its last value
}

TEST(KernelStatements, ForRangeWithConstantNegativeStep) {
  Module m = compile(R"(
def f():
    s = 0
    for i in range(10, 0, -3):
        s = s * 100 + i
    for j in range(3, -3, -2):
        s = s * 10 + j + 5
    return s
)");
  EXPECT_EQ(m("f")().as<std::int64_t>(), ((std::int64_t{10070401} * 10 + 8) * 10 + 6) * 10 + 4);
}

TEST(KernelStatements, RangeWithZeroStepIsValueError) {
  Module m = compile(R"(
def variable(s):
    t = 0
    for i in range(0, 10, s):
        t += i
    return t

def constant():
    t = 0
    for i in range(0, 10, 0):
        t += i
    return t
)");
  expect_error(error_of([&] { m("variable")(0); }), ErrorKind::Value, "in variable(): range() arg 3 must not be zero", 4,
               27);
  expect_error(error_of([&] { m("constant")(); }), ErrorKind::Value, "in constant(): range() arg 3 must not be zero", 10,
               27);
}

TEST(KernelStatements, BreakAndContinue) {
  Module m = compile(R"(
def f(n):
    s = 0
    for i in range(n):
        if i % 2 == 0:
            continue
        if i > 10:
            break
        s += i
    k = 0
    while True:
        k += 1
        if k < 5:
            continue
        break
    for i in range(3):
        for j in range(10):
            if j == 2:
                break
            s += 1000
    return s * 10 + k
)");
  // odd 1..9 -> 25; the inner break leaves only the inner loop: 3 * 2 * 1000.
  EXPECT_EQ(m("f")(100).as<std::int64_t>(), (25 + 6000) * 10 + 5);
}

TEST(KernelStatements, ReturnScalarArrayOrNone) {
  Module m = compile(R"(
def scalar(x):
    return x * 2.0

def array(n):
    a = zeros(n)
    for i in range(n):
        a[i] = i * 0.5
    return a

def nothing(a):
    a[0] = 1.0

def explicit_none(a):
    a[0] = 2.0
    return None

def bare(a):
    a[0] = 3.0
    return
)");
  EXPECT_EQ(m("scalar")(1.25).as<double>(), 2.5);
  Value v = m("array")(4);
  ASSERT_TRUE(v.is_array());
  Array a = v.array();
  ASSERT_EQ(a.shape(), Shape{4});
  EXPECT_EQ(a.dtype(), DType::Float64);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(a.data<double>()[i], i * 0.5);
  Array x = Array::zeros(DType::Float64, {1});
  EXPECT_TRUE(m("nothing")(x).is_none());
  EXPECT_EQ(x.data<double>()[0], 1.0);
  EXPECT_TRUE(m("explicit_none")(x).is_none());
  EXPECT_EQ(x.data<double>()[0], 2.0);
  EXPECT_TRUE(m("bare")(x).is_none());
  EXPECT_EQ(x.data<double>()[0], 3.0);
}

TEST(KernelStatements, AValueReturningDefMustNotReachItsEnd) {
  // Python would return None from f(-1); a def that returns an int64 has no None to give.
  Module m = compile(R"(
def f(x):
    if x > 0:
        return 7

def g(x):
    if x > 0:
        return 7
    else:
        return 8

def h(x):
    while True:
        x += 1
        if x > 10:
            return x

def k(x):
    while True:
        if x > 10:
            break
        x += 1
    return x
)");
  expect_error(error_of([&] { m("f")(-1); }), ErrorKind::Type,
               "f() returns 'int64' but can reach the end of its body, which would return None; end it with a return", 2,
               5);
  EXPECT_EQ(m("g")(-1).as<std::int64_t>(), 8);
  EXPECT_EQ(m("h")(3).as<std::int64_t>(), 11);
  EXPECT_EQ(m("k")(3).as<std::int64_t>(), 11);
}

TEST(KernelStatements, PassDoesNothing) {
  Module m = compile(R"(
def f(n):
    """A docstring; then pass in every kind of block."""
    s = 1
    if n > 0:
        pass
    else:
        pass
    for i in range(n):
        pass
    while False:
        pass
    pass
    return s
)");
  EXPECT_EQ(m("f")(3).as<std::int64_t>(), 1);
}

// ---- expressions ----

TEST(KernelExpressions, Int64WrapsAround) {
  Module m = compile(R"(
def add(a, b):
    return a + b

def mul(a, b):
    return a * b

def neg(a):
    return -a

def inc():
    x = 9223372036854775807
    x += 1
    return x
)");
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(m("add")(kMax, 1).as<std::int64_t>(), kMin);
  EXPECT_EQ(m("mul")(std::int64_t{1} << 62, 4).as<std::int64_t>(), 0);
  EXPECT_EQ(m("mul")(3037000500, 3037000500).as<std::int64_t>(), -9223372036709301616);
  EXPECT_EQ(m("neg")(kMin).as<std::int64_t>(), kMin);
  EXPECT_EQ(m("inc")().as<std::int64_t>(), kMin);
}

TEST(KernelExpressions, FloorDivisionAndModuloFollowPython) {
  Module m = compile(R"(
def fdiv(a, b):
    return a // b

def mod(a, b):
    return a % b

def both_constant():
    return (-7) // 2 * 1000 + (-7) % 2 * 100 + 7 // -2 * 10 + 7 % -2
)");
  // Python's results, integers.
  struct Case {
    std::int64_t a, b, q, r;
  };
  for (Case c : {Case{7, 2, 3, 1}, Case{-7, 2, -4, 1}, Case{7, -2, -4, -1}, Case{-7, -2, 3, -1}, Case{6, -3, -2, 0},
                 Case{-6, 3, -2, 0}, Case{0, -5, 0, 0}}) {
    EXPECT_EQ(m("fdiv")(c.a, c.b).as<std::int64_t>(), c.q) << c.a << " // " << c.b;
    EXPECT_EQ(m("mod")(c.a, c.b).as<std::int64_t>(), c.r) << c.a << " % " << c.b;
  }
  // INT64_MIN // -1 wraps as numpy's int64 does (Python's int would grow).
  EXPECT_EQ(m("fdiv")(std::numeric_limits<std::int64_t>::min(), -1).as<std::int64_t>(),
            std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(m("mod")(std::numeric_limits<std::int64_t>::min(), -1).as<std::int64_t>(), 0);
  EXPECT_EQ(m("both_constant")().as<std::int64_t>(), -4 * 1000 + 1 * 100 - 4 * 10 - 1);
  // Floats: the sign of the remainder follows the divisor.
  struct FCase {
    double a, b, q, r;
  };
  for (FCase c : {FCase{7.5, 2, 3, 1.5}, FCase{-7.5, 2, -4, 0.5}, FCase{7.5, -2, -4, -0.5}, FCase{-7.5, -2, 3, -1.5},
                  FCase{1.0, 0.1, 9, 0.09999999999999995}}) {
    EXPECT_EQ(m("fdiv")(c.a, c.b).as<double>(), c.q) << c.a << " // " << c.b;
    EXPECT_EQ(m("mod")(c.a, c.b).as<double>(), c.r) << c.a << " % " << c.b;
  }
  EXPECT_TRUE(std::signbit(m("mod")(-4.0, 2.0).as<double>()) == false);  // Python: -4.0 % 2.0 == 0.0
  EXPECT_TRUE(std::signbit(m("mod")(4.0, -2.0).as<double>()));           // Python: 4.0 % -2.0 == -0.0
}

TEST(KernelExpressions, IntegerDivisionByZeroRaisesWithPosition) {
  Module m = compile(R"(
def fdiv(a, b):
    return a // b

def mod(a, b):
    x = 1
    x = x + a % b
    return x

def aug(a, b):
    a //= b
    return a
)");
  const std::string msg = "integer division or modulo by zero";
  expect_error(error_of([&] { m("fdiv")(1, 0); }), ErrorKind::ZeroDivision, "in fdiv(): " + msg, 3, 12);
  expect_error(error_of([&] { m("mod")(5, 0); }), ErrorKind::ZeroDivision, "in mod(): " + msg, 7, 13);
  expect_error(error_of([&] { m("aug")(5, 0); }), ErrorKind::ZeroDivision, "in aug(): " + msg, 11, 5);
  EXPECT_EQ(m("fdiv")(1, 1).as<std::int64_t>(), 1);  // the module is usable after an error
  EXPECT_TRUE(std::string(error_of([&] { m("fdiv")(1, 0); }).what()).find("<module>:3:12") != std::string::npos);
}

TEST(KernelExpressions, ComplexArithmeticAndAbs) {
  Module m = compile(R"(
def f(z, w):
    return z * w - z / w + (1 + 2j)

def mag(z):
    return abs(z)

def parts(z):
    return z.real * 10 + z.imag

def sq(z):
    return z ** 2
)");
  cplx z(1, 2), w(3, -1);
  cplx got = m("f")(z, w).as<cplx>();
  cplx want = z * w - z / w + cplx(1, 2);
  EXPECT_NEAR(got.real(), want.real(), 1e-15);
  EXPECT_NEAR(got.imag(), want.imag(), 1e-15);
  Value a = m("mag")(cplx(3, 4));
  EXPECT_EQ(a.dtype(), DType::Float64);
  EXPECT_EQ(a.as<double>(), 5.0);
  EXPECT_EQ(m("mag")(-2).as<std::int64_t>(), 2);
  EXPECT_EQ(m("mag")(-2.5).as<double>(), 2.5);
  EXPECT_EQ(m("parts")(cplx(3, 4)).as<double>(), 34.0);
  cplx s = m("sq")(cplx(1, 1)).as<cplx>();
  EXPECT_NEAR(s.real(), 0.0, 1e-15);
  EXPECT_NEAR(s.imag(), 2.0, 1e-15);
}

TEST(KernelExpressions, MinAndMax) {
  Module m = compile(R"(
def f(a, b):
    return min(a, b)

def g(a, b, c):
    return max(a, b, c)
)");
  Value v = m("f")(3, 1.5);
  EXPECT_EQ(v.dtype(), DType::Float64);
  EXPECT_EQ(v.as<double>(), 1.5);
  EXPECT_EQ(m("f")(-3, 2).as<std::int64_t>(), -3);
  EXPECT_EQ(m("g")(1, 7, 3).as<std::int64_t>(), 7);
  EXPECT_EQ(m("g")(1, 2, 3).as<std::int64_t>(), 3);
  EXPECT_EQ(m("g")(9, 2, 3).as<std::int64_t>(), 9);
}

TEST(KernelExpressions, Conversions) {
  Module m = compile(R"(
def to_int(x):
    return int(x)

def to_float(x):
    return float(x)

def to_complex(x, y):
    return complex(x, y)

def one_complex(x):
    return complex(x)
)");
  EXPECT_EQ(m("to_int")(-2.7).as<std::int64_t>(), -2);  // truncation toward zero
  EXPECT_EQ(m("to_int")(2.7).as<std::int64_t>(), 2);
  EXPECT_EQ(m("to_int")(true).as<std::int64_t>(), 1);
  Value f = m("to_float")(3);
  EXPECT_EQ(f.dtype(), DType::Float64);
  EXPECT_EQ(f.as<double>(), 3.0);
  EXPECT_EQ(m("to_complex")(1, 2.5).as<cplx>(), cplx(1, 2.5));
  EXPECT_EQ(m("one_complex")(4).as<cplx>(), cplx(4, 0));
}

TEST(KernelExpressions, MathFloorReturnsAnInteger) {
  Module m = compile(R"(
import math

def f(x):
    return math.floor(x)

def g(x):
    return math.ceil(x)

def h(x):
    return math.sqrt(x) + math.pi
)");
  Value v = m("f")(-2.5);
  EXPECT_EQ(v.dtype(), DType::Int64);
  EXPECT_EQ(v.as<std::int64_t>(), -3);
  EXPECT_EQ(m("g")(-2.5).as<std::int64_t>(), -2);
  EXPECT_EQ(m("g")(2.1).as<std::int64_t>(), 3);
  EXPECT_EQ(m("h")(4.0).as<double>(), 2.0 + M_PI);
}

TEST(KernelExpressions, AndOrNotShortCircuit) {
  Module m = compile(R"(
def count_positive_prefix(a):
    i = 0
    n = len(a)
    while i < n and a[i] > 0:
        i += 1
    return i

def any_or(a, i):
    return i >= len(a) or a[i] > 0

def negate(x):
    return not x
)");
  Array a = Array::from<double>({1, 2, 3});
  EXPECT_EQ(m("count_positive_prefix")(a).as<std::int64_t>(), 3);  // a[3] is never read
  Array b = Array::from<double>({1, -2, 3});
  EXPECT_EQ(m("count_positive_prefix")(b).as<std::int64_t>(), 1);
  EXPECT_TRUE(m("any_or")(a, 10).as<bool>());
  EXPECT_FALSE(m("any_or")(b, 1).as<bool>());
  EXPECT_TRUE(m("negate")(0).as<bool>());
  EXPECT_FALSE(m("negate")(2.5).as<bool>());
}

TEST(KernelExpressions, ConditionalExpressionEvaluatesOneArm) {
  Module m = compile(R"(
def f(a, i):
    return a[i] if i < len(a) else -1.0

def g(x):
    return 1 if x > 0 else 0.5
)");
  Array a = Array::from<double>({4, 5});
  EXPECT_EQ(m("f")(a, 1).as<double>(), 5.0);
  EXPECT_EQ(m("f")(a, 7).as<double>(), -1.0);  // no IndexError: a[7] is not evaluated
  Value v = m("g")(1);
  EXPECT_EQ(v.dtype(), DType::Float64);
  EXPECT_EQ(v.as<double>(), 1.0);
  EXPECT_EQ(m("g")(-1).as<double>(), 0.5);
}

TEST(KernelExpressions, ModuleConstants) {
  Module m = compile(R"(
import math
import numpy as np

def f():
    return math.pi * 1000 + np.e
)");
  EXPECT_EQ(m("f")().as<double>(), 3.141592653589793 * 1000 + 2.718281828459045);
}

TEST(KernelExpressions, ChainedComparisonsAreASyntaxErrorWithAKernelHint) {
  // Python's 0 <= i < n is not in the language; the hint uses `and`, which kernels have.
  expect_error(error_of([&] { compile("def inside(i, n):\n    return 0 <= i < n\n"); }), ErrorKind::Syntax,
               "chained comparisons are not supported; combine them with 'and', as in a < b and b < c", 2, 19);
  Module m = compile("def inside(i, n):\n    return 0 <= i and i < n\n");
  EXPECT_TRUE(m("inside")(2, 3).as<bool>());
  EXPECT_FALSE(m("inside")(3, 3).as<bool>());
}

TEST(KernelExpressions, PowersShiftsAndBooleansAsIntegers) {
  Module m = compile(R"(
def ipow(a, b):
    return a ** b

def shifts(a, b):
    return (a << b) * 10 + (a >> b)

def bools(a, b):
    return (a + b) * 100 + (-a) * 10 + (a & b)

def truediv(a, b):
    return a / b
)");
  Value p = m("ipow")(3, 4);
  EXPECT_EQ(p.dtype(), DType::Int64);
  EXPECT_EQ(p.as<std::int64_t>(), 81);
  EXPECT_EQ(m("ipow")(2, 64).as<std::int64_t>(), 0);  // wraps
  EXPECT_EQ(m("ipow")(-3, 3).as<std::int64_t>(), -27);
  EXPECT_EQ(m("ipow")(5, 0).as<std::int64_t>(), 1);
  expect_error(error_of([&] { m("ipow")(2, -1); }), ErrorKind::Value,
               "in ipow(): integers to negative integer powers are not allowed", 3, 12);
  EXPECT_EQ(m("ipow")(2.0, -1).as<double>(), 0.5);
  EXPECT_EQ(m("shifts")(5, 1).as<std::int64_t>(), 10 * 10 + 2);
  EXPECT_EQ(m("shifts")(5, 64).as<std::int64_t>(), 0);
  EXPECT_EQ(m("shifts")(-5, 70).as<std::int64_t>(), -1);
  EXPECT_EQ(m("bools")(true, true).as<std::int64_t>(), 200 - 10 + 1);
  Value d = m("truediv")(7, 2);
  EXPECT_EQ(d.dtype(), DType::Float64);
  EXPECT_EQ(d.as<double>(), 3.5);
  EXPECT_EQ(m("truediv")(1, 0).as<double>(), HUGE_VAL);  // IEEE, as docs/semantics.md says
}

TEST(KernelExpressions, ReturnTypesUnifyAcrossReturns) {
  Module m = compile(R"(
def f(x):
    if x > 0:
        return 1
    return 2.5

def g(x) -> float64:
    return x * 2

def h(x) -> int32:
    return x
)");
  Value a = m("f")(1);
  EXPECT_EQ(a.dtype(), DType::Float64);
  EXPECT_EQ(a.as<double>(), 1.0);
  EXPECT_EQ(m("f")(0).as<double>(), 2.5);
  Value b = m("g")(3);
  EXPECT_EQ(b.dtype(), DType::Float64);
  EXPECT_EQ(b.as<double>(), 6.0);
  Value c = m("h")(std::int64_t{1} << 33 | 5);
  EXPECT_EQ(c.dtype(), DType::Int32);
  EXPECT_EQ(c.as<std::int64_t>(), 5);
}

TEST(KernelStatements, RangeNearTheInt64LimitsEnds) {
  Module m = compile(R"(
def count(a, b, s):
    n = 0
    for i in range(a, b, s):
        n += 1
        if n > 10:
            break
    return n
)");
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(m("count")(kMax - 7, kMax, 4).as<std::int64_t>(), 2);
  EXPECT_EQ(m("count")(kMin + 7, kMin, -4).as<std::int64_t>(), 2);
  EXPECT_EQ(m("count")(kMax - 3, kMax, 1).as<std::int64_t>(), 3);
  EXPECT_EQ(m("count")(0, kMax, kMax).as<std::int64_t>(), 1);
  EXPECT_EQ(m("count")(kMin, kMax, kMax).as<std::int64_t>(), 3);
}

TEST(KernelArrays, ElementTypesConvertOnStore) {
  Module m = compile(R"(
def f(a, b, c, v):
    a[0] = v
    b[0] = v
    c[0] = v
    c[1] += 0.75
    return a[0] * 2.0
)");
  Array a = Array::zeros(DType::Int8, {1});
  Array b = Array::zeros(DType::Float32, {1});
  Array c = Array::zeros(DType::Int64, {2});
  Value r = m("f")(a, b, c, 300);
  EXPECT_EQ(a.data<std::int8_t>()[0], 44);  // wraps
  EXPECT_EQ(b.data<float>()[0], 300.0f);
  EXPECT_EQ(c.data<std::int64_t>()[0], 300);
  EXPECT_EQ(c.data<std::int64_t>()[1], 0);  // 0.75 truncates toward zero
  EXPECT_EQ(r.as<double>(), 88.0);
  EXPECT_EQ(r.dtype(), DType::Float64);
}

// ---- arrays ----

TEST(KernelArrays, IndexingOneTwoAndThreeDimensions) {
  Module m = compile(R"(
def f(a, b, c):
    return a[2] + b[1, 2] * 10 + c[1, 2, 3] * 100
)");
  Array a = Array::arange(5, DType::Float64);
  Array b = Array::arange(12, DType::Float64).reshape({3, 4});
  Array c = Array::arange(24, DType::Float64).reshape({2, 3, 4});
  EXPECT_EQ(m("f")(a, b, c).as<double>(), 2 + 6 * 10 + 23 * 100);
}

TEST(KernelArrays, NegativeIndicesWrap) {
  Module m = compile(R"(
def f(a, b):
    b[-1, -2] = a[-1]
    return a[-5] * 10 + b[-3, 0]
)");
  Array a = Array::arange(5, DType::Float64);
  Array b = Array::arange(12, DType::Float64).reshape({3, 4});
  EXPECT_EQ(m("f")(a, b).as<double>(), 0 * 10 + 0);
  EXPECT_EQ(b.data<double>()[10], 4.0);
  expect_error(error_of([&] { m("f")(Array::arange(4, DType::Float64), b); }), ErrorKind::Index,
               "in f(): index -5 is out of bounds for axis 0 with size 4", 4, 12);
}

TEST(KernelArrays, IndexErrorNamesIndexExtentAxisKernelAndPosition) {
  Module m = compile(R"(
def get(a, i):
    return a[i]

def put(a, i, j):
    a[i, j] = 1.0

def outer(a):
    x = 0.0
    for i in range(len(a) + 1):
        x += get(a, i)
    return x
)");
  Array a = Array::arange(10, DType::Float64);
  Error e = error_of([&] { m("get")(a, 10); });
  expect_error(e, ErrorKind::Index, "in get(): index 10 is out of bounds for axis 0 with size 10", 3, 12);
  EXPECT_TRUE(std::string(e.what()).find("<module>:3:12: error:") != std::string::npos) << e.what();
  Array b = Array::zeros(DType::Float64, {2, 3});
  expect_error(error_of([&] { m("put")(b, 1, 3); }), ErrorKind::Index,
               "in put(): index 3 is out of bounds for axis 1 with size 3", 6, 5);
  expect_error(error_of([&] { m("put")(b, -3, 0); }), ErrorKind::Index,
               "in put(): index -3 is out of bounds for axis 0 with size 2", 6, 5);
  // An error in a called def names that def and its line.
  expect_error(error_of([&] { m("outer")(a); }), ErrorKind::Index,
               "in get(): index 10 is out of bounds for axis 0 with size 10", 3, 12);
}

TEST(KernelArrays, BoundsChecksCanBeTurnedOff) {
  const char* src = R"(
def get(a, i):
    return a[i]
)";
  ModuleOptions off;
  off.boundscheck = false;
  Module m = compile(src, off);
  // Reads inside a larger buffer through a shorter view: out of the view's bounds, no error.
  std::vector<double> buf = {0, 1, 2, 3, 4, 5, 6, 7};
  Array view = Array::view(buf.data(), DType::Float64, {4});
  EXPECT_EQ(m("get")(view, 6).as<double>(), 6.0);
  EXPECT_EQ(m("get")(view, -1).as<double>(), 3.0);  // negative indices still wrap
  // With checks (the default), the same call is an IndexError.
  expect_error(error_of([&] { compile(src)("get")(view, 6); }), ErrorKind::Index,
               "in get(): index 6 is out of bounds for axis 0 with size 4", 3, 12);
}

TEST(KernelArrays, StridedInputsGiveTheSameResults) {
  Module m = compile(R"(
def weighted(a):
    s = 0.0
    n, k = a.shape
    for i in range(n):
        for j in range(k):
            s += a[i, j] * (i * 7 + j)
    return s

def scale(a, out, f):
    for i in range(len(a)):
        out[i] = a[i] * f
)");
  // A 5x3 matrix as a transposed view of a 3x5 one, and as a contiguous copy.
  Array base = Array::arange(15, DType::Float64).reshape({3, 5});
  Array t = base.transpose();
  ASSERT_FALSE(t.is_c_contiguous());
  Array c = t.copy();
  double contiguous = m("weighted")(c).as<double>();  // first, so the strided call compiles its own code
  EXPECT_EQ(m("weighted")(t).as<double>(), contiguous);
  EXPECT_EQ(m("weighted")(t).as<double>(), 0.0 + [&] {
    double s = 0;
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 3; ++j) s += (j * 5 + i) * (i * 7 + j);
    return s;
  }());
  EXPECT_EQ(m("weighted").specializations(), 2u);  // contiguous and strided
  // Every other element, read and written through stepped views.
  std::vector<double> in(20), out(20, -1.0);
  std::iota(in.begin(), in.end(), 0.0);
  Array sin = Array::view(in.data(), DType::Float64, {10}, {16});
  Array sout = Array::view(out.data() + 1, DType::Float64, {10}, {16});
  m("scale")(sin, sout, 0.5);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(out[static_cast<std::size_t>(i)], i % 2 ? (i - 1) * 0.5 : -1.0) << i;
  // Negative strides: a reversed view.
  Array rev = Array::view(in.data() + 19, DType::Float64, {20}, {-8});
  Array res = Array::zeros(DType::Float64, {20});
  m("scale")(rev, res, 1.0);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(res.data<double>()[i], 19 - i);
}

TEST(KernelArrays, ArrayCreation) {
  Module m = compile(R"(
import numpy as np

def make(n):
    a = zeros(n)
    b = np.ones((2, n), dtype=np.int32)
    c = empty(n, np.float32)
    d = [0] * n
    e = zeros_like(a)
    f = [1.5] * n
    for i in range(n):
        c[i] = 1.0
    total = 0.0
    for i in range(n):
        total += a[i] + b[1, i] * 10 + c[i] * 100 + d[i] * 1000 + e[i] + f[i] * 10000
    return total

def kinds(n):
    d = [0] * n
    return d

def ones_complex(n):
    return np.ones((n, 2), np.complex128)
)");
  EXPECT_EQ(m("make")(3).as<double>(), 3 * (10 + 100 + 15000));
  Array d = m("kinds")(4).array();
  EXPECT_EQ(d.dtype(), DType::Int64);
  EXPECT_EQ(d.shape(), Shape{4});
  for (int i = 0; i < 4; ++i) EXPECT_EQ(d.data<std::int64_t>()[i], 0);
  Array o = m("ones_complex")(3).array();
  EXPECT_EQ(o.dtype(), DType::Complex128);
  EXPECT_EQ(o.shape(), (Shape{3, 2}));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(o.data<cplx>()[i], cplx(1, 0));
  EXPECT_EQ(m("kinds")(0).array().shape(), Shape{0});
  expect_error(error_of([&] { m("kinds")(-1); }), ErrorKind::Value, "in kinds(): negative dimensions are not allowed (-1)",
               19, 9);
}

TEST(KernelArrays, ReturningANewArrayKeepsItAlive) {
  Module m = compile(R"(
def fill(n, m):
    a = zeros((n, m))
    for i in range(n):
        for j in range(m):
            a[i, j] = i * 10 + j
    return a

def identity(a):
    return a
)");
  Array a = m("fill")(3, 4).array();
  ASSERT_EQ(a.shape(), (Shape{3, 4}));
  EXPECT_TRUE(a.is_c_contiguous());
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) EXPECT_EQ(a.data<double>()[i * 4 + j], i * 10 + j);
  // Returning an argument gives that array back.
  Array x = Array::arange(3, DType::Float64);
  Array y = m("identity")(x).array();
  EXPECT_EQ(y.raw_data(), x.raw_data());
}

// ---- calls between defs ----

TEST(KernelCalls, CalleesAreSpecializedPerArgumentTypes) {
  Module m = compile(R"(
def sq(x):
    return x * x

def ints():
    return sq(7)

def floats():
    return sq(1.5)

def mixed(n):
    return sq(n) + sq(0.5) + sq(n)
)");
  Value i = m("ints")();
  EXPECT_EQ(i.dtype(), DType::Int64);
  EXPECT_EQ(i.as<std::int64_t>(), 49);
  Value f = m("floats")();
  EXPECT_EQ(f.dtype(), DType::Float64);
  EXPECT_EQ(f.as<double>(), 2.25);
  EXPECT_EQ(m("mixed")(3).as<double>(), 18.25);
  EXPECT_EQ(m("sq")(3).dtype(), DType::Int64);
  EXPECT_EQ(m("sq")(cplx(0, 1)).as<cplx>(), cplx(-1, 0));
  EXPECT_EQ(m("sq").specializations(), 2u);
}

TEST(KernelCalls, CalleesTakeAndReturnArrays) {
  Module m = compile(R"(
def total(a):
    s = 0.0
    for i in range(len(a) - 1, -1, -1):
        s += a[i]
    return s

def doubled(a):
    b = zeros_like(a)
    for i in range(len(a)):
        b[i] = 2 * a[i]
    return b

def f(n):
    a = zeros(n)
    for i in range(n):
        a[i] = i
    return total(doubled(a))
)");
  EXPECT_EQ(m("f")(5).as<double>(), 20.0);
}

TEST(KernelCalls, RecursionWithAnnotatedReturnType) {
  Module m = compile(R"(
def fib(n: int64) -> int64:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

def fact(n) -> float64:
    if n <= 1:
        return 1.0
    return n * fact(n - 1)
)");
  EXPECT_EQ(m("fib")(20).as<std::int64_t>(), 6765);
  EXPECT_EQ(m("fact")(10).as<double>(), 3628800.0);
}

TEST(KernelCalls, RecursionWithoutAnnotationIsATypeError) {
  Module m = compile(R"(
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
)");
  expect_error(error_of([&] { m("fib")(10); }), ErrorKind::Type,
               "recursive call of 'fib' needs a return type annotation on its def, as in 'def fib(...) -> int64:'", 5, 12);
}

TEST(KernelCalls, LocalsShadowDefs) {
  Module m = compile(R"(
def norm(v):
    return v * 2

def f(x):
    norm = x + 1
    return norm

def g(x):
    norm = 1
    return norm(x)
)");
  EXPECT_EQ(m("f")(3).as<std::int64_t>(), 4);
  expect_error(error_of([&] { m("g")(3); }), ErrorKind::Type, "'norm' is a variable, not a function", 11, 12);
}

// ---- type and name errors ----

TEST(KernelErrors, IncompatibleAssignmentNamesBothTypesAndLines) {
  Module m = compile(R"(
def f():
    x = 1
    y = 2
    x = zeros(3)
    return y
)");
  expect_error(error_of([&] { m("f")(); }), ErrorKind::Type,
               "cannot assign 'float64[:]' to 'x', which is 'int64' since line 3", 5, 5);
  Module c = compile(R"(
def g(a: float64[:]):
    z = 1j
    z = 2.5
    a[0] = z
)");
  expect_error(error_of([&] { c("g")(Array::zeros(DType::Float64, {1})); }), ErrorKind::Type,
               "cannot convert 'complex128' to 'float64' for an element of 'float64[:]': it would drop the imaginary "
               "part; use .real or abs()",
               5, 5);
}

TEST(KernelErrors, UnknownNames) {
  Module m = compile(R"(
def f(a):
    return a + b

def g():
    return undefined_function(1)

def h(n):
    if n > 0:
        y = 1
    return y
)");
  expect_error(error_of([&] { m("f")(1); }), ErrorKind::Name, "name 'b' is not defined", 3, 16);
  expect_error(error_of([&] { m("g")(); }), ErrorKind::Name, "name 'undefined_function' is not defined", 6, 12);
  EXPECT_EQ(m("h")(1).as<std::int64_t>(), 1);
  Error e = error_of([&] { m("nope"); });
  EXPECT_EQ(e.kind(), ErrorKind::Name);
  EXPECT_EQ(e.message(), "the module has no function 'nope'");
}

TEST(KernelErrors, ArgumentCountAndAnnotationMismatchFromCpp) {
  Module m = compile(R"(
def f(a, b):
    return a

def g(a: float64[:], n: int64):
    return a[n]
)");
  expect_error(error_of([&] { m("f")(1); }), ErrorKind::Type, "f() takes 2 arguments (1 given)", 2, 5);
  expect_error(error_of([&] { m("f")(1, 2, 3); }), ErrorKind::Type, "f() takes 2 arguments (3 given)", 2, 5);
  expect_error(error_of([&] { m("g")(3, 1); }), ErrorKind::Type,
               "argument 1 of g() ('a') must be 'float64[:]', not 'int64'", 5, 7);
  expect_error(error_of([&] { m("g")(Array::zeros(DType::Int64, {3}), 1); }), ErrorKind::Type,
               "argument 1 of g() ('a') must be 'float64[:]', not 'int64[:]'", 5, 7);
  expect_error(error_of([&] { m("g")(Array::zeros(DType::Float64, {3}), cplx(1, 1)); }), ErrorKind::Type,
               "argument 2 of g() ('n') must be 'int64', not 'complex128'", 5, 22);
  EXPECT_EQ(m("g")(Array::arange(3, DType::Float64), 2).as<double>(), 2.0);
  // A real scalar converts to the annotated type (docs/semantics.md): 1.5 -> 1, True -> 1.
  EXPECT_EQ(m("g")(Array::arange(3, DType::Float64), 1.5).as<double>(), 1.0);
  EXPECT_EQ(m("g")(Array::arange(3, DType::Float64), -0.5).as<double>(), 0.0);
  EXPECT_EQ(m("g")(Array::arange(3, DType::Float64), true).as<double>(), 1.0);
  EXPECT_EQ(m("g")(Array::arange(3, DType::Float64), 2.0f).as<double>(), 2.0);
}

// ---- prange ----

const char* kPrangeSource = R"(
def square_serial(a, out):
    for i in range(len(a)):
        out[i] = a[i] * a[i] + i

def square_parallel(a, out):
    for i in prange(len(a)):
        out[i] = a[i] * a[i] + i

def float_sum(a):
    s = 0.0
    for i in prange(len(a)):
        s += a[i]
    return s

def int_reductions(n):
    s = 0
    p = 1
    d = 1000
    for i in prange(1, n):
        s += i * i * 2654435761
        p *= 3
        d -= i
    return s * 1000003 + p * 7 + d

def product(a):
    p = 1.0
    for i in prange(len(a)):
        p *= a[i]
    return p

def draws(n):
    s = 0.0
    for i in prange(n):
        s += random.random() * (i % 7)
    return s

def first_draw():
    return random.random()

def bad_index(a, k):
    for i in prange(len(a) + k):
        a[i] = 1.0
)";

// int_reductions of kPrangeSource as a serial C++ loop, wrapping as int64 does.
std::int64_t int_reductions(std::int64_t n) {
  std::uint64_t s = 0, p = 1, d = 1000;
  for (std::uint64_t i = 1; static_cast<std::int64_t>(i) < n; ++i) {
    s += i * i * 2654435761u;
    p *= 3;
    d -= i;
  }
  return static_cast<std::int64_t>(s * 1000003 + p * 7 + d);
}

TEST(KernelPrange, ResultsEqualTheSerialLoop) {
  Module m = compile(kPrangeSource);
  Array a = Array::linspace(-3.0, 5.0, 10007);
  Array s = Array::zeros(DType::Float64, {10007});
  Array p = Array::zeros(DType::Float64, {10007});
  m("square_serial")(a, s);
  m("square_parallel")(a, p);
  EXPECT_EQ(std::memcmp(s.raw_data(), p.raw_data(), 10007 * sizeof(double)), 0);
  Array e = Array::zeros(DType::Float64, {0});
  m("square_parallel")(e, e);  // no iterations
}

TEST(KernelPrange, ReductionsAreBitEqualAcrossThreadCounts) {
  Runtime rt;
  Module m = rt.compile_module(kPrangeSource);
  Array a = Array::empty(DType::Float64, {100003});
  Array q = Array::empty(DType::Float64, {1000});
  for (std::int64_t i = 0; i < 100003; ++i) a.data<double>()[i] = std::sin(i * 0.37) * std::pow(10.0, i % 13 - 6);
  for (std::int64_t i = 0; i < 1000; ++i) q.data<double>()[i] = 1.0 + std::sin(i * 0.1) * 0.01;
  std::vector<std::uint64_t> sums, products;
  std::vector<std::int64_t> ints;
  for (int threads : {1, 2, 4}) {
    rt.set_num_threads(threads);
    sums.push_back(bits(m("float_sum")(a).as<double>()));
    products.push_back(bits(m("product")(q).as<double>()));
    ints.push_back(m("int_reductions")(100000).as<std::int64_t>());
  }
  for (std::size_t k = 1; k < 3; ++k) {
    EXPECT_EQ(sums[k], sums[0]) << k;
    EXPECT_EQ(products[k], products[0]) << k;
    EXPECT_EQ(ints[k], ints[0]) << k;
  }
  // Integer reductions (wrapping) equal the serial loop exactly; float ones within rounding.
  EXPECT_EQ(ints[0], int_reductions(100000));
  double serial = 0;
  for (std::int64_t i = 0; i < 100003; ++i) serial += a.data<double>()[i];
  double sum;
  std::memcpy(&sum, &sums[0], sizeof sum);
  EXPECT_NEAR(sum, serial, 1e-9 * std::abs(serial) + 1e-12);
  // Fewer iterations than blocks, one, and none.
  for (std::int64_t n : {3, 2, 1, 0, -5}) EXPECT_EQ(m("int_reductions")(n).as<std::int64_t>(), int_reductions(n)) << n;
  EXPECT_EQ(m("float_sum")(Array::zeros(DType::Float64, {0})).as<double>(), 0.0);
}

TEST(KernelPrange, RandomStreamsFollowTheSeed) {
  Runtime rt;
  ModuleOptions o;
  o.seed = 42;
  Module m = rt.compile_module(kPrangeSource, o);
  std::vector<std::uint64_t> by_threads;
  for (int threads : {1, 2, 4}) {
    rt.set_num_threads(threads);
    m.seed(42);
    by_threads.push_back(bits(m("draws")(50000).as<double>()));
  }
  EXPECT_EQ(by_threads[1], by_threads[0]);
  EXPECT_EQ(by_threads[2], by_threads[0]);
  // ModuleOptions::seed is the seed of a new module's first calls.
  Module fresh = rt.compile_module(kPrangeSource, o);
  EXPECT_EQ(bits(fresh("draws")(50000).as<double>()), by_threads[0]);
  // Same seed, same first draw; another seed, another one; successive calls differ.
  m.seed(7);
  double a1 = m("first_draw")().as<double>();
  double a2 = m("first_draw")().as<double>();
  m.seed(7);
  EXPECT_EQ(m("first_draw")().as<double>(), a1);
  EXPECT_NE(a1, a2);
  m.seed(8);
  EXPECT_NE(m("first_draw")().as<double>(), a1);
  m.seed(43);
  EXPECT_NE(bits(m("draws")(50000).as<double>()), by_threads[0]);
  EXPECT_GE(a1, 0.0);
  EXPECT_LT(a1, 1.0);
}

TEST(KernelPrange, ErrorsInsideTheBodyAreReported) {
  Runtime rt;
  rt.set_num_threads(2);
  Module m = rt.compile_module(kPrangeSource);
  Array a = Array::zeros(DType::Float64, {1000});
  expect_error(error_of([&] { m("bad_index")(a, 1); }), ErrorKind::Index,
               "in bad_index(): index 1000 is out of bounds for axis 0 with size 1000", 43, 9);
  m("bad_index")(a, 0);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.data<double>()[i], 1.0);
}

// ---- the book's workloads (tests/unit/data/kernels, docs/workloads.md) ----

TEST(KernelWorkloads, JuliaCountSum) {
  // The grid as the book builds it: repeated float addition of the step, y outer.
  const double x1 = -1.8, x2 = 1.8, y1 = -1.8, y2 = 1.8;
  const int width = 1000;
  const double x_step = (x2 - x1) / width, y_step = (y1 - y2) / width;
  std::vector<double> xs, ys;
  for (double y = y2; y > y1; y += y_step) ys.push_back(y);
  for (double x = x1; x < x2; x += x_step) xs.push_back(x);
  const std::int64_t n = static_cast<std::int64_t>(xs.size() * ys.size());
  Array zs = Array::empty(DType::Complex128, {n});
  Array cs = Array::full(DType::Complex128, {n}, cplx(-0.62772, -0.42193));
  std::int64_t k = 0;
  for (double y : ys)
    for (double x : xs) zs.data<cplx>()[k++] = cplx(x, y);
  Array out = Array::zeros(DType::Int64, {n});
  Module m = compile(read_fixture("julia.py"));
  m("calculate_z")(300, zs, cs, out);
  const std::int64_t* o = out.data<std::int64_t>();
  EXPECT_EQ(std::accumulate(o, o + n, std::int64_t{0}), 33219980);
  EXPECT_EQ(std::count(o, o + n, 300), 100321);
  // The prange variant gives the same counts (on a slice: its cost is not the point here).
  const std::int64_t part = 200000;
  Array zp = Array::view(zs.data<cplx>() + 400000, DType::Complex128, {part});
  Array cp = Array::view(cs.data<cplx>(), DType::Complex128, {part});
  Array op = Array::zeros(DType::Int64, {part});
  m("calculate_z_parallel")(300, zp, cp, op);
  EXPECT_EQ(std::memcmp(op.raw_data(), o + 400000, part * sizeof(std::int64_t)), 0);
}

TEST(KernelWorkloads, DiffusionConservesMass) {
  const std::int64_t n = 256;
  Array grid = Array::zeros(DType::Float64, {n, n});
  Array scratch = Array::zeros(DType::Float64, {n, n});
  for (std::int64_t i = n * 4 / 10; i < n * 5 / 10; ++i)
    for (std::int64_t j = n * 4 / 10; j < n * 5 / 10; ++j) grid.data<double>()[i * n + j] = 0.005;
  Module m = compile(read_fixture("diffusion.py"));
  double total = m("run_experiment")(grid, scratch, 40).as<double>();
  EXPECT_NEAR(total, 3.38, 1e-10);
  // It diffused: the peak is lower and the mass spread beyond the block.
  EXPECT_LT(grid.data<double>()[115 * n + 115], 0.005);
  EXPECT_GT(grid.data<double>()[100 * n + 115], 0.0);
}

TEST(KernelWorkloads, NormMatchesASequentialSum) {
  Module m = compile(read_fixture("norm.py"));
  Array v = Array::arange(1000000, DType::Float64);
  double want = 0;
  for (int i = 0; i < 1000000; ++i) want += static_cast<double>(i) * i;
  EXPECT_EQ(m("norm_square")(v).as<double>(), want);
  EXPECT_EQ(m("norm")(v).as<double>(), std::sqrt(want));
  EXPECT_NEAR(want, 333332833333500000.0, 1e-11 * want);  // the exact sum, up to rounding
}

TEST(KernelWorkloads, ParticlesMatchTheBook) {
  Module m = compile(read_fixture("particles.py"));
  Array xs = Array::from<double>({0.3, 0.0, -0.1});
  Array ys = Array::from<double>({0.5, -0.5, -0.4});
  Array ang = Array::from<double>({1.0, -1.0, 3.0});
  m("evolve")(xs, ys, ang, 0.1);
  const double want[3][2] = {{0.210269, 0.543863}, {-0.099334, -0.490034}, {0.191358, -0.365227}};
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(xs.data<double>()[i], want[i][0], 1e-5) << i;
    EXPECT_NEAR(ys.data<double>()[i], want[i][1], 1e-5) << i;
  }
}

TEST(KernelWorkloads, PrimesStatuses) {
  Module m = compile(read_fixture("primes.py"));
  // The five numbers of the book; trial division from 2 costs 1e8-3e8 divisions for the 18-digit
  // ones, so those run through the prange form below, and the fixture checks small cases.
  Array small = Array::from<std::int64_t>({0, 1, 2, 3, 4, 9, 97, 7919, 7917, 112272535095295});
  Array out = Array::zeros(DType::Bool, {10});
  m("check_primes")(small, out);
  const bool want[10] = {false, false, true, true, false, false, true, true, false, false};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(out.data<bool>()[i], want[i]) << small.data<std::int64_t>()[i];

  // The book's split: odd divisors up to sqrt(n) + 1, here over prange with a count reduction.
  Module p = compile(R"(
import math

def has_odd_divisor(number: int64) -> bool:
    if number % 2 == 0:
        return True
    top = (int(math.sqrt(number)) + 1) // 2
    found = 0
    for k in prange(1, top):
        if number % (2 * k + 1) == 0:
            found += 1
    return found > 0
)");
  struct Case {
    std::int64_t n;
    bool prime;
  };
  for (Case c : {Case{112272535095295, false}, Case{100109100129100369, false}, Case{100109100129101027, false},
                 Case{100109100129100151, true}, Case{100109100129162907, true}}) {
    EXPECT_EQ(!p("has_odd_divisor")(c.n).as<bool>(), c.prime) << c.n;
  }
}

TEST(KernelWorkloads, MonteCarloPi) {
  Module m = compile(read_fixture("pi.py"));
  m.seed(2014);
  double pi = m("estimate_pi")(10000000).as<double>();
  EXPECT_NEAR(pi, M_PI, 1e-3);
}

}  // namespace
