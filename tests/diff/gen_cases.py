#!/usr/bin/python3
"""Generates the differential test's cases: random well-typed expressions over small arrays of
every dtype, with the results that numexpr or numpy give, for tests/diff/DiffTest.cpp.

    /usr/bin/python3 tests/diff/gen_cases.py OUT_FILE [--cases N] [--out-cases N] [--seed S]

The output is deterministic for a given seed, numpy and numexpr.

Expressions. Every operator (+ - * / // % ** << >> & | ^, the six comparisons), the unary - ~ +,
every built-in function of ir/Builtins.h, .real/.imag, where(), literals of every kind (int32 and
int64 integers, floats, imaginary numbers, booleans, byte strings) and the reductions sum, prod,
min and max at the top, over all axes or one (also negative) of 0-d to 3-d inputs (and a few
over more than one of the executor's 16384-element blocks), with broadcasting between operands of
fewer axes, axes of extent 1 and 0-d, a few empty arrays, repeated subexpressions (for CSE),
constant subexpressions (for constant folding), the functions' other spellings (absolute,
np.sin). Inputs are of every dtype, mixed with edge values: 0, -0.0, -1, the extremes, nan,
+-inf, subnormals, halves (for round), shift counts around the bit width, and lie in memory in
random layouts (layout_for: transposes, steps, negative and zero strides, unaligned). About 400
more cases evaluate into out= with a casting rule (make_out_case). REGRESSIONS adds the
hand-written cases of the bugs this test found. About 10% of the cases are rejected expressions:
their error kind (and for refused casts, the message) counts.

The oracle. Each expression is typed by our documented rules (docs/semantics.md; promotion
from tests/golden/data/promotion.csv, which gen_type_tables.py takes from numexpr and numpy).
When numexpr supports the expression and its semantics are ours (native types, none of numexpr's
own conventions: see numexpr_ok), numexpr computes the expected result, and the numpy emulation
below must agree with it (the script stops otherwise). Everywhere else numpy computes it,
following our documented rules; where they differ from numpy's own functions, the emulation says
so in a comment, and tests/diff/README.md lists them all.

Tolerances, checked by DiffTest.cpp:
  exact      integers, bools, and floats from + - * / // % **-by-squaring, sqrt, comparisons,
             rounding, fmod, nextafter, copysign, maximum/minimum, casts, complex + - * /
             (same formulas, no FMA contraction): bit-equal, any NaN matching any NaN.
  ulp K      a transcendental function, general pow, hypot/abs of complex or arctan2 at the root
             of the expression: within K ULP (K = 4, glibc's libmvec bound; see DiffTest.cpp),
             complex results per part relative to the larger part's ULP.
             Inexact operations appear only at the root (or directly under a reduction), so that
             no later operation can amplify their rounding error.
  bound      floating sum/prod: |got - want| <= the per-element bound that this script writes:
             (n + k + 1) * eps * sum(|x|) for sums (any summation order is within
             (n - 1) * u * sum(|x|) of the exact sum; ours and the reference each are), and
             ((n - 1) * c + n * k + 1) * eps * |prod| for products (c = 1 real, 3 complex).
             Inputs whose sum or product could overflow, underflow or hit inf * 0 depending on
             the order are not generated (legitimately ill-defined).
"""

import math
import operator
import os
import random
import sys
import warnings

import numexpr
import numpy as np

warnings.simplefilter("ignore")
np.seterr(all="ignore")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float32", "float64", "complex64", "complex128"]
NATIVE = {"bool", "int32", "int64", "float32", "float64", "complex128"}
ULP_BOUND = 4


class Reject(Exception):
    """The expression must fail to compile or run: args[0] is the error kind."""


class IllDefined(Exception):
    """The result depends on something no rule fixes (the sign of a NaN, the summation order)."""


# ---- types: our documented rules ----

def load_promotion():
    table = {}
    path = os.path.join(ROOT, "tests", "golden", "data", "promotion.csv")
    with open(path) as f:
        lines = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    cols = lines[0].split(",")
    for line in lines[1:]:
        row = dict(zip(cols, line.split(",")))
        table[row["a"], row["b"]] = row["result"]
    return table


PROMOTE = load_promotion()


def kind(t):
    return "S" if t == "bytes" else np.dtype(t).kind


def is_bool(t): return t == "bool"
def is_int(t): return kind(t) in "iu"
def is_signed(t): return kind(t) == "i"
def is_float(t): return kind(t) == "f"
def is_cplx(t): return kind(t) == "c"
def bits(t): return np.dtype(t).itemsize * 8


def promote(a, b):
    return PROMOTE[a, b]


def float_type_for(t):
    return t if t == "float32" or is_cplx(t) else "float64"


def real_part(t):
    return {"complex64": "float32", "complex128": "float64"}.get(t, t)


def sum_type(t):
    if is_bool(t) or is_signed(t):
        return "int64"
    if kind(t) == "u":
        return "uint64"
    return t


ARITH = ["+", "-", "*", "/", "//", "%", "**"]
SHIFT = ["<<", ">>"]
BITWISE = ["&", "|", "^"]
ORDER = ["<", "<=", ">", ">="]
EQUAL = ["==", "!="]
BINOPS = ARITH + SHIFT + BITWISE + ORDER + EQUAL

FLOAT_MATH = ["sqrt", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
              "arcsinh", "arccosh", "arctanh", "exp", "expm1", "log", "log1p", "log2", "log10"]
ROUNDING = ["ceil", "floor", "round", "trunc"]
REAL_MATH2 = ["arctan2", "fmod", "hypot", "nextafter", "copysign"]
MINMAX2 = ["maximum", "minimum"]
PREDICATES = ["isnan", "isfinite", "isinf", "signbit"]
PARTS = ["real", "imag"]
SAME = ["conj", "copy", "ones_like"]
FUNCS1 = FLOAT_MATH + ROUNDING + ["abs", "sign"] + PREDICATES + PARTS + SAME
FUNCS2 = REAL_MATH2 + MINMAX2 + ["complex"]
REDUCTIONS = ["sum", "prod", "min", "max"]
# Other spellings of the same functions (the alias column of ir/Builtins.h). Not fabs: numpy's fabs
# gives a float for integers, ours is abs.
ALIASES = {"abs": ["absolute"], "arcsin": ["asin"], "arccos": ["acos"], "arctan": ["atan"],
           "arctan2": ["atan2"], "arcsinh": ["asinh"], "arccosh": ["acosh"], "arctanh": ["atanh"],
           "conj": ["conjugate"], "round": ["rint"]}
PREFIXES = ["np.", "numpy.", "math."]


def spell(rng, node):
    """Now and then, another spelling of a call's function: an alias or a module prefix."""
    if node.op == "call" and rng.random() < 0.12:
        name = rng.choice([node.fn] + ALIASES.get(node.fn, []))
        node.spelling = (rng.choice(PREFIXES) if rng.random() < 0.5 else "") + name
    return node


class Node:
    def __init__(self, op, kids=(), **kw):
        self.op = op  # var lit un bin call attr where reduce
        self.kids = list(kids)
        self.__dict__.update(kw)
        self.t = None       # result dtype
        self.ct = None      # the common type the operands are cast to
        self.inexact = False

    def text(self, top=True):
        if self.op == "var":
            return self.name
        if self.op == "lit":
            negative = self.src.startswith("-")
            return f"({self.src})" if negative and not top else self.src
        if self.op == "un":
            s = f"{self.sym}{self.kids[0].text(False)}"
            return s if top else f"({s})"
        if self.op == "bin":
            s = f"{self.kids[0].text(False)} {self.sym} {self.kids[1].text(False)}"
            return s if top else f"({s})"
        if self.op == "attr":
            k = self.kids[0]
            inner = k.text() if k.op in ("var", "call", "where", "attr") else f"({k.text()})"
            return f"{inner}.{self.name}"
        if self.op in ("call", "where"):
            return f"{getattr(self, 'spelling', self.fn)}({', '.join(k.text() for k in self.kids)})"
        if self.op == "reduce":
            axis = "" if self.axis is None else f", axis={self.axis}"
            return f"{self.fn}({self.kids[0].text()}{axis})"
        raise AssertionError(self.op)

    def walk(self):
        yield self
        for k in self.kids:
            yield from k.walk()

    def has_var(self):
        return any(n.op == "var" for n in self.walk())


def is_const(n):
    """Whether ir/passes/FoldConstants turns the (typed) node into a constant: literals, - ~ + of
    constants, the operators it folds on constants, and where() with a constant condition."""
    if n.op == "lit":
        return True
    if n.op == "un":
        return is_const(n.kids[0])
    if n.op == "bin":
        if not (is_const(n.kids[0]) and is_const(n.kids[1])) or n.ct == "bytes":
            return False
        t, s = n.ct, n.sym
        if s in ORDER + EQUAL:
            return not (is_cplx(t) and s in ORDER)
        if is_int(t):
            return s in ("+", "-", "*") or s in BITWISE
        if is_bool(t):
            return s in BITWISE
        if is_float(t):
            return s in ("+", "-", "*", "/")
        return s in ("+", "-")
    if n.op == "where":
        if not is_const(n.kids[0]):
            return False
        return is_const(n.kids[1] if evaluate(n.kids[0], {}).astype(bool) else n.kids[2])
    return False


def typecheck(n, env):
    """Sets n.t (and n.ct) by our rules; raises Reject for what the compiler rejects."""
    if n.op == "reduce":
        rank = max((v.ndim for v in env.values()), default=0)
        if n.axis is not None and not -rank <= n.axis < rank:
            raise Reject("ValueError")  # checked before the operand is typed
    for k in n.kids:
        typecheck(k, env)
    ts = [k.t for k in n.kids]
    if n.op == "var":
        n.t = env[n.name].dtype.name if env[n.name].dtype.kind != "S" else "bytes"
    elif n.op == "lit":
        n.t = n.lt
    elif n.op == "un":
        t = ts[0]
        if t == "bytes":
            raise Reject("TypeError")
        if n.sym in "+-" and is_bool(t):
            raise Reject("TypeError")
        if n.sym == "~" and not (is_int(t) or is_bool(t)):
            raise Reject("TypeError")
        n.t = t
    elif n.op == "bin":
        a, b = ts
        if "bytes" in (a, b):
            if a == b and n.sym in ORDER + EQUAL:
                n.t, n.ct = "bool", "bytes"
                return
            raise Reject("TypeError")
        t = promote(a, b)
        s = n.sym
        if s in ("+", "-", "*") and is_bool(t):
            raise Reject("TypeError")
        if s in ("//", "%", "**") and is_bool(t):
            raise Reject("TypeError")
        if s in ("//", "%") and is_cplx(t):
            raise Reject("TypeError")
        if s in SHIFT and not is_int(t):
            raise Reject("TypeError")
        if s in BITWISE and not (is_int(t) or is_bool(t)):
            raise Reject("TypeError")
        if s in ORDER and is_cplx(t):
            raise Reject("TypeError")
        n.ct = t
        if s == "/":
            n.ct = n.t = "float64" if is_int(t) or is_bool(t) else t
        elif s in ORDER + EQUAL:
            n.t = "bool"
        else:
            n.t = t
        if s == "**" and is_int(t) and is_const(n.kids[1]) and evaluate(n.kids[1], env).astype(t) < 0:
            raise Reject("ValueError")  # integers to negative constant powers
    elif n.op == "attr":
        if ts[0] == "bytes":
            raise Reject("TypeError")
        n.t = real_part(ts[0])
    elif n.op == "where":
        c, x, y = ts
        if "bytes" in ts:
            raise Reject("TypeError")  # no bytes results (numpy and numexpr have them)
        n.t = n.ct = promote(x, y)
    elif n.op == "call":
        f = n.fn
        if f == "contains":
            if ts != ["bytes", "bytes"]:
                raise Reject("TypeError")
            n.t = "bool"
            return
        if "bytes" in ts:
            raise Reject("TypeError")
        a = ts[0]
        if f in FLOAT_MATH:
            n.t = n.ct = float_type_for(a)
        elif f in ROUNDING:
            if is_cplx(a):
                raise Reject("TypeError")
            n.t = n.ct = float_type_for(a)
        elif f == "abs":
            n.t = real_part(a)
        elif f == "sign":
            if is_cplx(a) or is_bool(a):
                raise Reject("TypeError")
            n.t = a
        elif f in REAL_MATH2:
            t = float_type_for(promote(*ts))
            if is_cplx(t):
                raise Reject("TypeError")
            n.t = n.ct = t
        elif f in MINMAX2:
            t = promote(*ts)
            if is_cplx(t):
                raise Reject("TypeError")
            n.t = n.ct = t
        elif f in PREDICATES:
            if f == "signbit" and is_cplx(a):
                raise Reject("TypeError")
            n.t = "bool"
        elif f in PARTS:
            n.t = real_part(a)
        elif f == "complex":
            if is_cplx(promote(*ts)):
                raise Reject("TypeError")
            n.t = "complex128"
        elif f in SAME:
            n.t = a
        else:
            raise AssertionError(f)
    elif n.op == "reduce":
        a = ts[0]
        if a == "bytes":
            raise Reject("TypeError")
        if n.fn in ("min", "max") and is_cplx(a):
            raise Reject("TypeError")
        n.t = n.ct = sum_type(a) if n.fn in ("sum", "prod") else a
    else:
        raise AssertionError(n.op)
    n.inexact = inexact(n)


def inexact(n):
    """Operations whose result is only within ULP_BOUND of the oracle's."""
    if n.op == "call":
        if n.fn in FLOAT_MATH:
            return is_cplx(n.t) or n.fn != "sqrt"
        if n.fn in ("arctan2", "hypot"):
            return True
        if n.fn == "abs":
            return is_cplx(n.kids[0].t)
    if n.op == "bin" and n.sym == "**":
        if is_cplx(n.t):
            return True
        if is_float(n.t):
            e = const_exponent(n)
            return e is None or not (e == 0.5 or (e == math.floor(e) and abs(e) <= 64))
    return False


def const_exponent(n):
    if not is_const(n.kids[1]):
        return None
    return float(np.asarray(evaluate(n.kids[1], {}), dtype=n.t).real)


# ---- the numpy emulation of our rules ----

def cast(x, t):
    x = np.asarray(x)
    if t == "bool":
        if x.dtype.kind == "c":
            return (x.real != 0) | (x.imag != 0)
        return x != 0  # NaN is true
    return x.astype(t)


def cmul(a, b, t):
    """Complex product by the plain formula in the parts' type, as codegen's complex_mul."""
    r = real_part(t)
    ar, ai, br, bi = (np.asarray(v, dtype=r) for v in (a.real, a.imag, b.real, b.imag))
    out = np.empty(np.broadcast(ar, br).shape, dtype=t)
    out.real = ar * br - ai * bi
    out.imag = ar * bi + ai * br
    return out


def cdiv128(a, b):
    """Smith's algorithm in double, as runtime/helpers jx_cdiv and numpy's complex division."""
    a = np.asarray(a, dtype="complex128")
    b = np.asarray(b, dtype="complex128")
    a, b = np.broadcast_arrays(a, b)
    ar, ai, br, bi = a.real, a.imag, b.real, b.imag
    abs_r, abs_i = np.abs(br), np.abs(bi)
    out = np.empty(a.shape, dtype="complex128")
    first = abs_r >= abs_i
    zero = first & (abs_r == 0) & (abs_i == 0)
    with np.errstate(all="ignore"):
        rat = np.where(first, bi / br, br / bi)
        scl = np.where(first, 1.0 / (br + bi * rat), 1.0 / (bi + br * rat))
        re = np.where(first, (ar + ai * rat) * scl, (ar * rat + ai) * scl)
        im = np.where(first, (ai - ar * rat) * scl, (ai * rat - ar) * scl)
        re = np.where(zero, ar / abs_r, re)
        im = np.where(zero, ai / abs_i, im)
    out.real, out.imag = re, im
    return out


def by_squaring(x, n, t):
    """x ** n for an integer n >= 0 by repeated squaring in type t (codegen's power_by_squaring,
    numexpr's expansion of constant powers)."""
    result = None
    base = np.asarray(x, dtype=t)
    while n:
        if n & 1:
            result = base if result is None else (result * base).astype(t)
        n >>= 1
        if n:
            base = (base * base).astype(t)
    return np.ones_like(base) if result is None else result


def cpow128(z, w):
    """runtime/helpers jx_cpow: numpy's npy_cpow (small integer exponents by squaring)."""
    z, w = np.broadcast_arrays(np.asarray(z, dtype="complex128"), np.asarray(w, dtype="complex128"))
    out = np.empty(z.shape, dtype="complex128")
    for idx in np.ndindex(z.shape):
        a, b, c, d = z[idx].real, z[idx].imag, w[idx].real, w[idx].imag
        if c == 0 and d == 0:
            r = complex(1.0, 0.0)
        elif a == 0 and b == 0:
            r = complex(0.0, 0.0) if (c > 0 and d == 0) else complex(np.nan, np.nan)
        elif d == 0 and np.isfinite(c) and c == math.floor(c) and abs(c) <= 100:
            n = int(c)
            base = np.complex128(complex(a, b))
            acc = np.complex128(1.0)
            m = abs(n)
            while m:
                if m & 1:
                    acc = cmul(acc, base, "complex128")[()]
                base = cmul(base, base, "complex128")[()]
                m >>= 1
            r = cdiv128(1.0, acc)[()] if n < 0 else acc
        else:
            r = np.power(np.complex128(complex(a, b)), np.complex128(complex(c, d)))
        out[idx] = r
    return out


def via_double(f, x, t):
    """A float32 function computed in double and rounded: within half an ULP of the true
    result, where numpy's own float32 SIMD loops may be 3 ULP off."""
    if t == "float32":
        return f(x.astype("float64")).astype("float32")
    return f(x).astype(t)


def complex_fn(name, z, t):
    """Complex functions compute in double and round after (runtime/helpers); log1p and expm1
    are log(1 + z) and exp(z) - 1 there (numpy has more careful formulas)."""
    z = z.astype("complex128")
    if name == "log1p":
        r = np.log(1 + z)
    elif name == "expm1":
        r = np.exp(z) - 1
    else:
        r = getattr(np, name)(z)
    return r.astype(t)


def no_nan_sign(x):
    if np.asarray(x).dtype.kind == "f" and np.isnan(x).any():
        raise IllDefined("the sign of a NaN")


def evaluate(n, env):
    with np.errstate(all="ignore"):
        return np.asarray(_evaluate(n, env))


def full_shape(env):
    return np.broadcast_shapes(*[a.shape for a in env.values()]) if env else ()


def _evaluate(n, env):
    if n.op == "where" and is_const(n.kids[0]):
        # Folded at compile time: the other branch is never computed (nor its run-time errors).
        chosen = n.kids[1] if cast(evaluate(n.kids[0], env), "bool") else n.kids[2]
        return cast(evaluate(chosen, env), n.t)
    if n.op == "reduce":
        # The reduction runs over the whole iteration space of the bound operands.
        return reduce_(n, np.broadcast_to(evaluate(n.kids[0], env), full_shape(env)))
    ev = [evaluate(k, env) for k in n.kids]
    if n.op == "var":
        return env[n.name]
    if n.op == "lit":
        return np.array(n.value, dtype=n.lt if n.lt != "bytes" else "S")
    if n.op == "un":
        x = ev[0]
        if n.sym == "+":
            return x
        if n.sym == "-":
            return np.negative(x)
        return np.invert(x)  # logical not for bools
    if n.op == "attr":
        return part(n.name, ev[0], n.t)
    if n.op == "where":
        return np.where(cast(ev[0], "bool"), cast(ev[1], n.t), cast(ev[2], n.t))
    if n.op == "bin":
        return binary(n, ev[0], ev[1], env)
    if n.op == "call":
        return call(n, ev)
    if n.op == "reduce":
        return reduce_(n, ev[0])
    raise AssertionError(n.op)


def part(name, x, t):
    if name == "real":
        return np.real(x).astype(t)
    return np.imag(x).astype(t) if x.dtype.kind == "c" else np.zeros_like(x, dtype=t)


COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
           "==": operator.eq, "!=": operator.ne}


def binary(n, a, b, env):
    s, t = n.sym, n.ct
    if t == "bytes":
        return COMPARE[s](a, b)  # numpy's fixed-width byte strings, NUL-padded
    x, y = cast(a, t), cast(b, t)
    if s in ORDER + EQUAL:
        return {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
                "==": np.equal, "!=": np.not_equal}[s](x, y)
    if s == "+":
        return np.add(x, y)
    if s == "-":
        return np.subtract(x, y)
    if s == "*":
        return cmul(x, y, t) if is_cplx(t) else np.multiply(x, y)
    if s == "/":
        return cdiv128(x, y).astype(t) if is_cplx(t) else np.true_divide(x, y)
    if s in ("//", "%"):
        if is_float(t):
            return np.floor_divide(x, y) if s == "//" else np.remainder(x, y)
        # Python's floor semantics; a zero divisor gives 0 (numexpr); x // -1 wraps (numpy
        # gives the same values with a warning).
        x, y = np.broadcast_arrays(x, y)
        zero = y == 0
        minus1 = (y == -1) if is_signed(t) else np.zeros(y.shape, bool)
        safe = np.where(zero | minus1, np.ones_like(y), y)
        r = np.floor_divide(x, safe) if s == "//" else np.remainder(x, safe)
        if s == "//":
            r = np.where(minus1, np.negative(x), r)
        else:
            r = np.where(minus1, np.zeros_like(r), r)
        return np.where(zero, np.zeros_like(r), r).astype(t)
    if s == "**":
        return power(n, x, y, t, env)
    if s in SHIFT:
        x, y = np.broadcast_arrays(x, y)
        w = bits(t)
        oob = y.astype("u%d" % (w // 8)) >= w  # a negative count is a huge unsigned one
        safe = np.where(oob, np.zeros_like(y), y)
        if s == "<<":
            return np.where(oob, np.zeros_like(x), np.left_shift(x, safe)).astype(t)
        fill = np.where(x < 0, np.full_like(x, -1), np.zeros_like(x)) if is_signed(t) else np.zeros_like(x)
        return np.where(oob, fill, np.right_shift(x, safe)).astype(t)
    if s in BITWISE:
        return {"&": np.bitwise_and, "|": np.bitwise_or, "^": np.bitwise_xor}[s](x, y)
    raise AssertionError(s)


def power(n, x, y, t, env):
    const = is_const(n.kids[1])
    if is_int(t):
        if is_signed(t) and (y < 0).any():
            raise Reject("ValueError")  # at run time (a constant one is rejected earlier)
        if const:
            return by_squaring(x, int(y), t)
        return np.power(x, y).astype(t)  # numpy's integer power squares and wraps alike
    if is_cplx(t):
        return cpow128(x, y).astype(t)
    if const:
        e = float(y)
        if e == 0.5:
            return np.sqrt(x)
        if e == math.floor(e) and abs(e) <= 64:
            p = by_squaring(x, int(abs(e)), t)
            return (np.ones_like(p) / p).astype(t) if e < 0 else p
    return via_double(lambda v: np.power(v, y.astype(v.dtype)), x, t)


def call(n, ev):
    f, t = n.fn, n.t
    a = ev[0]
    if f == "contains":
        return np.char.find(a, ev[1]) >= 0
    if f in FLOAT_MATH:
        x = cast(a, t)
        if is_cplx(t):
            return complex_fn(f, x, t)
        if f == "sqrt":
            return np.sqrt(x)
        return via_double(getattr(np, f), x, t)
    if f in ROUNDING:
        x = cast(a, t)
        return {"ceil": np.ceil, "floor": np.floor, "round": np.rint, "trunc": np.trunc}[f](x)
    if f == "abs":
        if a.dtype.kind == "c":
            return np.hypot(a.real, a.imag).astype(t)  # libm's hypot or hypotf
        if is_bool(t):
            return a
        return np.abs(a)  # the most negative integer stays itself
    if f == "sign":
        if is_int(t):
            return np.sign(a)
        # numpy's rule: 1, -1, 0 for both zeros, NaN for NaN
        one = np.ones_like(a)
        return np.where(a > 0, one, np.where(a < 0, -one, np.where(a == 0, 0 * one, a))).astype(t)
    if f in REAL_MATH2:
        x, y = cast(a, t), cast(ev[1], t)
        if f == "copysign":
            no_nan_sign(y)
            return np.copysign(x, y)
        if f == "fmod":
            return np.fmod(x, y)
        if f == "nextafter":
            return np.nextafter(x, y)
        return via_double(lambda u: getattr(np, f)(u, y.astype(u.dtype)), x, t)
    if f in MINMAX2:
        x, y = np.broadcast_arrays(cast(a, t), cast(ev[1], t))
        if is_bool(t):
            return (x | y) if f == "maximum" else (x & y)
        if is_int(t):
            return np.maximum(x, y) if f == "maximum" else np.minimum(x, y)
        # numpy's rule, written out: (a >= b or isnan(a)) ? a : b (its SIMD loops may pick
        # either zero of maximum(-0.0, 0.0)).
        keep = (x >= y) if f == "maximum" else (x <= y)
        return np.where(keep | np.isnan(x), x, y)
    if f in PREDICATES:
        if f == "signbit":
            if is_float(a.dtype.name):
                no_nan_sign(a)
                return np.signbit(a)
            return (a < 0) if is_signed(a.dtype.name) else np.zeros(a.shape, bool)
        if is_int(a.dtype.name) or is_bool(a.dtype.name):
            return np.full(a.shape, f == "isfinite")
        return getattr(np, f)(a)
    if f in PARTS:
        return part(f, a, t)
    if f == "complex":
        x, y = np.broadcast_arrays(cast(a, "float64"), cast(ev[1], "float64"))
        out = np.empty(x.shape, dtype="complex128")
        out.real, out.imag = x, y
        return out
    if f == "conj":
        return np.conj(a) if a.dtype.kind == "c" else a
    if f == "copy":
        return a.copy()
    if f == "ones_like":
        return np.ones_like(a)
    raise AssertionError(f)


def reduce_(n, a):
    t = n.t
    x = cast(a, t)
    axis = n.axis
    length = x.size if axis is None else (x.shape[axis] if x.ndim else 1)
    if n.fn in ("min", "max"):
        if length == 0 or (axis is None and x.size == 0):
            raise Reject("ValueError")
        r = np.amin(x, axis=axis) if n.fn == "min" else np.amax(x, axis=axis)
        if is_float(t):
            # IEEE 754 minimum/maximum (llvm.minimum): -0.0 < +0.0, where numpy's answer
            # depends on the order it meets the zeros in.
            neg_zero = (x == 0) & np.signbit(x)
            pos_zero = (x == 0) & ~np.signbit(x)
            if n.fn == "min":
                r = np.where((r == 0) & np.any(neg_zero, axis=axis), -0.0 * np.ones_like(r), r)
            else:
                r = np.where((r == 0) & np.any(pos_zero, axis=axis), 0 * np.ones_like(r), r)
        return np.asarray(r, dtype=t)
    if is_int(t):
        return np.asarray(np.sum(x, axis=axis) if n.fn == "sum" else np.prod(x, axis=axis), dtype=t)
    return float_reduction(n.fn, x, axis, t)


def float_reduction(fn, x, axis, t):
    wide = "complex128" if is_cplx(t) else "float64"
    xw = x.astype(wide)
    if fn == "sum":
        return np.asarray(np.sum(xw, axis=axis)).astype(t)
    if is_cplx(t):
        moved = xw.reshape(-1) if axis is None else np.moveaxis(xw, axis, -1)
        out = np.ones(moved.shape[:-1], dtype="complex128")
        for idx in np.ndindex(out.shape):
            acc = np.complex128(1.0)
            for v in moved[idx]:
                acc = cmul(acc, v, "complex128")[()]
            out[idx] = acc
        return out.astype(t)
    return np.asarray(np.prod(xw, axis=axis)).astype(t)


def reduction_bound(n, a, k):
    """The per-output-element absolute bound of a floating sum or prod (see the docstring)."""
    t = n.t
    x = cast(a, t).astype("complex128" if is_cplx(t) else "float64")
    axis = n.axis
    length = x.size if axis is None else (x.shape[axis] if x.ndim else 1)
    eps = float(np.finfo(real_part(t)).eps)
    big = float(np.finfo(real_part(t)).max)
    tiny = float(np.finfo(real_part(t)).tiny)
    mag = (np.abs(x.real) + np.abs(x.imag)) if is_cplx(t) else np.abs(x)
    finite = np.isfinite(mag)
    if n.fn == "sum":
        s = np.sum(np.where(finite, mag, 0.0), axis=axis)
        if (s > big / 4).any():
            raise IllDefined("a sum that may overflow depending on the order")
        return (length + k + 1) * eps * np.asarray(s, dtype="float64")
    if is_cplx(t) and not finite.all():
        raise IllDefined("complex products of infinities depend on the order")
    nonzero = finite & (mag != 0)
    logs = np.log2(np.where(nonzero, mag, 1.0))
    hi = np.sum(np.maximum(logs, 0), axis=axis)
    lo = np.sum(np.minimum(logs, 0), axis=axis)
    if (hi > math.log2(big) - 2).any() or (lo < math.log2(tiny) + 30).any():
        raise IllDefined("a product that may overflow or underflow depending on the order")
    c = 3 if is_cplx(t) else 1
    p = np.abs(float_reduction("prod", cast(a, t), axis, t).astype("complex128"))
    return ((max(length - 1, 0) * c + length * k + 1) * eps * np.asarray(p, dtype="float64"))


# ---- which expressions numexpr computes with our semantics ----

def numexpr_ok(n, root=True):
    """numexpr is the oracle when every node is numexpr-native and means the same there."""
    kids_ok = all(numexpr_ok(k, False) for k in n.kids)
    if not kids_ok:
        return False
    if n.op == "var":
        return n.t in NATIVE or n.t == "bytes"
    if n.op == "lit":
        if n.lt == "int64" and abs(n.value) > 2 ** 53:
            return False  # numexpr rounds such a constant twice (via double) on its way to float32
        return n.lt in ("int32", "int64", "float64", "complex128", "bool", "bytes")
    if n.op == "un":
        # numexpr folds constants with Python's rules (~False is -1 there)
        return not is_const(n) and (n.sym == "-" or (n.sym == "~" and is_bool(n.t)))
    if n.op == "bin":
        s, t = n.sym, n.ct
        if is_const(n.kids[0]) and is_const(n.kids[1]):
            return False  # numexpr folds constants with Python's integers
        if s in ("+", "-", "*"):
            return True
        if s == "/":  # numexpr turns x / constant into x * (1 / constant)
            return not is_const(n.kids[1]) and not is_cplx(t)
        if s == "**":  # numexpr expands constant integer powers by squaring, like us
            if not is_float(t):
                return False
            k = n.kids[1]
            return not is_const(k) or (k.op == "lit" and k.lt in ("int32", "int64") and abs(k.value) <= 50)
        if s in ORDER + EQUAL:
            return not is_bool(t)
        if s in BITWISE:
            return is_bool(t)
        return False  # // % << >>: numexpr's C semantics or unsupported
    if n.op == "where":
        return n.kids[0].t == "bool"
    if n.op == "call":
        if hasattr(n, "spelling"):
            return False
        args = [k.t for k in n.kids]
        if n.fn in FLOAT_MATH and n.fn != "log2" or n.fn in ("ceil", "floor", "abs", "copy", "ones_like"):
            return all(is_float(a) for a in args)
        if n.fn in ("arctan2", "fmod"):
            return all(is_float(a) for a in args)
        if n.fn in ("real", "imag", "conj"):
            return args == ["complex128"]
        if n.fn == "complex":
            return all(is_float(a) for a in args)
        if n.fn == "contains":
            return True
        return False
    if n.op == "reduce":
        return (n.fn in ("sum", "prod") and n.kids[0].t in ("float32", "float64", "complex128", "int64")
                and (n.axis is None or n.axis >= 0))
    return False


def numexpr_eval(expr, env):
    out = numexpr.evaluate(expr, local_dict=dict(env))
    return np.asarray(out)


# ---- random inputs ----

def float_pool(t, mode):
    fi = np.finfo(t)
    if mode == "tame":
        return [0.0, 1.0, -1.0, 0.5, 2.0, -0.75, 3.0, 0.1]
    if mode.startswith("zeros"):  # many zeros of both signs, for min/max across blocks
        return {"zeros+": [0.0, 1.0, 2.0], "zeros-": [-0.0, -1.0, -2.0],
                "zeros*": [1.0, -1.0, 1.0, 0.5, 2.0]}[mode]
    if mode == "prod":
        return [0.0, 1.0, -1.0, 0.5, -2.0, 1.5, np.nan, np.inf, -np.inf]
    pool = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.0, 1e-3, 123.456, float(fi.eps),
            np.nan, np.inf, -np.inf]
    if mode == "full":
        pool += [float(fi.max), -float(fi.max), float(fi.tiny), float(fi.tiny) / 4, 1e30, -1e-30]
    return pool


def random_floats(t, size, rng, mode):
    pool = float_pool(t, mode)
    out = np.empty(size, dtype="float64")
    for i in range(size):
        r = rng.random()
        if r < 0.35 or mode.startswith("zeros"):
            out[i] = rng.choice(pool)
        elif mode == "tame":
            out[i] = rng.uniform(-4, 4)
        elif mode == "prod":
            out[i] = rng.choice([-1, 1]) * rng.uniform(0.5, 2.0)
        elif r < 0.7:
            out[i] = rng.gauss(0, 10)
        else:
            out[i] = rng.choice([-1, 1]) * 10 ** rng.uniform(-4, 6)
    return out.astype(t)


def random_ints(t, size, rng, mode):
    info = np.iinfo(t)
    w = bits(t)
    if mode in ("tame", "prod") or mode.startswith("zeros"):
        lo, hi = max(info.min, -4), min(info.max, 4)
        return np.array([rng.randint(lo, hi) for _ in range(size)], dtype=t)
    pool = [0, 1, 2, 3, 7, info.max, info.max - 1, w - 1, w, w + 1]
    if info.min < 0:
        pool += [-1, -2, -7, info.min, info.min + 1]
    vals = []
    for _ in range(size):
        r = rng.random()
        if r < 0.4:
            vals.append(rng.choice(pool))
        elif r < 0.75:
            vals.append(rng.randint(max(info.min, -20), min(info.max, 20)))
        else:
            vals.append(rng.randint(int(info.min), int(info.max)))
    return np.array(vals, dtype=t)


def random_array(t, shape, rng, mode):
    size = int(np.prod(shape)) if shape else 1
    if t == "bool":
        a = np.array([rng.random() < 0.5 for _ in range(size)], dtype=bool)
    elif t == "bytes":
        pool = [b"", b"a", b"ab", b"abc", b"b", b"ba", b"abcd", b"cd", b"zz"]
        a = np.array([rng.choice(pool) for _ in range(size)], dtype="S4")
    elif is_int(t):
        a = random_ints(t, size, rng, mode)
    elif is_float(t):
        a = random_floats(t, size, rng, mode)
    else:
        r = real_part(t)
        a = np.empty(size, dtype=t)
        a.real = random_floats(r, size, rng, mode)
        a.imag = random_floats(r, size, rng, mode)
    return a.reshape(shape)


# ---- random expressions ----

class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.shared = []  # earlier subexpressions, repeated so that CSE merges them

    def literal(self):
        r = self.rng.random()
        if r < 0.45:
            v = self.rng.choice([0, 1, 2, 3, 5, 7, 10, 100, 127, 128, 255, 1000, 65535, 2147483647,
                                 -1, -2, -7, -128, -129, -32768, 3000000000, 4294967296,
                                 -5000000000, 9007199254740993, 9007199791611905,
                                 -9007199791611905, 9223372036854775807])
            lt = "int32" if -2 ** 31 <= v < 2 ** 31 else "int64"
            return Node("lit", lt=lt, value=v, src=str(v))
        if r < 0.8:
            v = self.rng.choice([0.0, 0.5, 1.0, 2.0, 2.5, -1.5, 3.0, 0.1, 1e-3, 1e10, 1e300, -2.0,
                                 -0.0, 1e-310, 0.3333333333333333])
            return Node("lit", lt="float64", value=v, src=repr(v))
        if r < 0.9:
            v = self.rng.choice([1.0, 2.5, 0.5, -1.0])
            src = ("-" if v < 0 else "") + repr(abs(v)) + "j"
            return Node("lit", lt="complex128", value=complex(-0.0 if v < 0 else 0.0, v), src=src)
        v = self.rng.random() < 0.5
        return Node("lit", lt="bool", value=v, src=str(v))

    def leaf(self, names):
        if self.rng.random() < 0.8:
            return Node("var", name=self.rng.choice(names))
        return self.literal()

    def exponent(self, names, depth):
        if self.rng.random() < 0.6:
            r = self.rng.random()
            if r < 0.6:
                v = self.rng.choice([0, 1, 2, 3, 4, 5, 7, 10, 64, 65, -1, -2, -3])
                return Node("lit", lt="int32", value=v, src=str(v))
            v = self.rng.choice([0.5, 2.0, -1.0, 1.5, 3.0, 0.0, -0.5, 2.5])
            return Node("lit", lt="float64", value=v, src=repr(v))
        return self.exact(names, depth)

    def exact(self, names, depth):
        """An expression of exact operations."""
        rng = self.rng
        if depth <= 0 or rng.random() < 0.2:
            return self.leaf(names)
        if self.shared and rng.random() < 0.08:
            old = rng.choice(self.shared)
            if all(n.name in names for n in old.walk() if n.op == "var"):
                return old
        node = self._exact(names, depth)
        self.shared = (self.shared + [node])[-20:]
        return node

    def _exact(self, names, depth):
        rng = self.rng
        r = rng.random()
        if r < 0.45:
            sym = rng.choice(BINOPS)
            left = self.exact(names, depth - 1)
            right = self.exponent(names, depth - 1) if sym == "**" else self.exact(names, depth - 1)
            if not (left.has_var() or right.has_var()) and rng.random() < 0.8:
                left = Node("var", name=rng.choice(names))  # some constant subexpressions
            return Node("bin", [left, right], sym=sym)
        if r < 0.55:
            return Node("un", [self.exact(names, depth - 1)], sym=rng.choice(["-", "-", "~", "~", "+"]))
        if r < 0.62:
            return Node("where", [self.exact(names, depth - 1) for _ in range(3)], fn="where")
        if r < 0.66:
            return Node("attr", [self.exact(names, depth - 1)], name=rng.choice(PARTS))
        fn = rng.choice(["sqrt", "abs"] + ROUNDING + ["sign"] + ["fmod", "nextafter", "copysign"]
                        + MINMAX2 + PREDICATES + PARTS + SAME + ["complex"])
        arity = 2 if fn in FUNCS2 else 1
        kids = [self.exact(names, depth - 1) for _ in range(arity)]
        if not any(k.has_var() for k in kids):
            kids[0] = Node("var", name=rng.choice(names))
        return spell(rng, Node("call", kids, fn=fn))

    def inexact_root(self, names, depth):
        rng = self.rng
        r = rng.random()
        if r < 0.7:
            fn = rng.choice(FLOAT_MATH)
            return spell(rng, Node("call", [self.exact(names, depth)], fn=fn))
        if r < 0.8:
            return spell(rng, Node("call", [self.exact(names, depth), self.exact(names, depth)],
                                   fn=rng.choice(["arctan2", "hypot"])))
        if r < 0.88:
            return spell(rng, Node("call", [self.exact(names, depth)], fn="abs"))
        return Node("bin", [self.exact(names, depth), self.exact(names, depth)], sym="**")


# ---- hand-written cases: the bugs the generator found, kept ----

def parse(text):
    """Our expression language is Python's expression syntax: ast gives the tree."""
    import ast

    def conv(e):
        if isinstance(e, ast.Name):
            return Node("var", name=e.id)
        if isinstance(e, ast.Constant):
            v = e.value
            if isinstance(v, bool):
                return Node("lit", lt="bool", value=v, src=str(v))
            if isinstance(v, int):
                return Node("lit", lt="int32" if -2 ** 31 <= v < 2 ** 31 else "int64", value=v, src=str(v))
            if isinstance(v, float):
                return Node("lit", lt="float64", value=v, src=repr(v))
            if isinstance(v, complex):
                return Node("lit", lt="complex128", value=v, src=repr(v.imag) + "j")
            return Node("lit", lt="bytes", value=v, src=repr(v))
        if isinstance(e, ast.UnaryOp):
            x = conv(e.operand)
            if isinstance(e.op, ast.USub) and x.op == "lit" and x.lt in ("int32", "int64", "float64"):
                return conv(ast.Constant(-e.operand.value))  # the parser folds a negative number
            return Node("un", [x], sym={ast.USub: "-", ast.UAdd: "+", ast.Invert: "~"}[type(e.op)])
        if isinstance(e, ast.BinOp):
            sym = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
                   ast.Mod: "%", ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitAnd: "&",
                   ast.BitOr: "|", ast.BitXor: "^"}[type(e.op)]
            return Node("bin", [conv(e.left), conv(e.right)], sym=sym)
        if isinstance(e, ast.Compare):
            sym = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
                   ast.NotEq: "!="}[type(e.ops[0])]
            return Node("bin", [conv(e.left), conv(e.comparators[0])], sym=sym)
        if isinstance(e, ast.Attribute):
            return Node("attr", [conv(e.value)], name=e.attr)
        if isinstance(e, ast.Call):
            fn = e.func.id
            args = [conv(a) for a in e.args]
            if fn in REDUCTIONS:
                axis = None
                for k in e.keywords:
                    axis = ast.literal_eval(k.value)
                return Node("reduce", args, fn=fn, axis=axis)
            return Node("where" if fn == "where" else "call", args, fn=fn)
        raise ValueError(f"unsupported syntax in {text}")

    return conv(ast.parse(text, mode="eval").body)


# (expression, {name: (dtype, values)}): each found a bug once.
REGRESSIONS = [
    # a constant exponent that folds to a negative integer: ValueError, not garbage
    ("a ** (1 - 3)", {"a": ("int32", [2, 3])}),
    ("a ** (0 - 1)", {"a": ("uint8", [2, 3])}),
    ("a ** (2 - 1)", {"a": ("int8", [2, -3])}),
    # int64 constants beyond 2^53 become float32 in one rounding (FoldConstants)
    ("a + 9007199791611905", {"a": ("float32", [0.0, 1.0])}),
    ("a * (-9007199791611905)", {"a": ("float32", [1.0, -1.0])}),
    # min/max reductions over blocks: -0.0 < +0.0 whichever block holds it
    ("min(a)", {"a": ("float64", [0.0] * 20000 + [-0.0])}),
    ("max(a)", {"a": ("float32", [-0.0] * 20000 + [0.0])}),
]


def regression_case(text, spec):
    env = {name: np.array(vals, dtype=dt) for name, (dt, vals) in spec.items()}
    expr = parse(text)
    assert expr.text() == text, (expr.text(), text)
    c = Case()
    c.expr, c.text, c.error = expr, text, None
    try:
        typecheck(expr, env)
    except Reject as e:
        c.error, c.env = e.args[0], env
        return c
    return finish_case(expr, env, lambda: env, c)


# ---- reductions inside expressions ----
# Evaluated in stages (ir/ReductionStages.h), or unrolled over an axis of at most 8: both must
# give numpy's values. The operands hold small integers (in float arrays too), so that every sum
# is exact whatever the order of its terms and the cases compare bit for bit; the numpy formula
# spells out jitexpr's result type where numpy's scalar rules would pick another.

class Opaque:
    """The expression of a case that the generator's own tree does not describe."""
    def walk(self):
        return []


def small_ints(rng, dtype, shape, lo=-8, hi=8):
    return np.array([rng.randint(lo, hi) for _ in range(int(np.prod(shape)))], dtype=dtype).reshape(shape)


def staged_specs(rng):
    """(text, env, numpy formula) for each case."""
    specs = []
    for dt in ("float64", "int32", "int64", "float32"):
        for n in (1, 7, 20, 20000):
            a = small_ints(rng, dt, (n,))
            want = {"float64": np.float64, "float32": np.float32}.get(dt, np.int64)(1 + np.sum(a, dtype=np.float32 if dt == "float32" else None))
            specs.append(("1 + sum(a)", {"a": a}, want))
    for n in (100, 20000):
        x = np.array([rng.uniform(-1, 1) for _ in range(n)])
        y = np.array([rng.uniform(-1, 1) for _ in range(n)])
        env = {"x": x, "y": y, "n": np.array(n, dtype=np.int64)}
        specs.append(("4*sum((x*x + y*y) <= 1)/n", env, np.float64(4 * np.sum((x * x + y * y) <= 1) / n)))
    for d in (2, 3, 8, 9, 20, 33):
        for dt in ("float64", "float32"):
            a = small_ints(rng, dt, (5, 1, d))
            b = small_ints(rng, dt, (1, 4, d))
            specs.append(("sqrt(sum((a - b)**2, axis=2))", {"a": a, "b": b}, np.sqrt(np.sum((a - b) ** 2, axis=2))))
    for r in (3, 12, 40):
        a = small_ints(rng, "float64", (r, 5))
        n = np.array(r, dtype=np.int64)
        specs.append(("a - sum(a, axis=0)/n", {"a": a, "n": n}, a - np.sum(a, axis=0) / r))
    for r in (3, 10):
        a = small_ints(rng, "float64", (r, r), 1, 9)
        specs.append(("a / max(abs(a), axis=1)", {"a": a}, a / np.max(np.abs(a), axis=1)))
        specs.append(("sum(a, axis=1) + sum(a, axis=0)", {"a": a}, np.sum(a, axis=1) + np.sum(a, axis=0)))
    for n in (9, 20, 20000):
        a = small_ints(rng, "float64", (n,))
        specs.append(("sum(a - min(a))", {"a": a}, np.float64(np.sum(a - np.min(a)))))
        q = np.sum(a) / n
        specs.append(("sum(where(a > sum(a)/n, a, 0))", {"a": a, "n": np.array(n, dtype=np.int64)},
                      np.float64(np.sum(np.where(a > q, a, 0)))))
        specs.append(("sum(a > 0) * 1.5", {"a": a}, np.float64(np.sum(a > 0) * 1.5)))
        i4 = small_ints(rng, "int32", (n,))
        specs.append(("sum(i4) // 3 + i4", {"i4": i4}, np.int64(np.sum(i4)) // 3 + i4.astype(np.int64)))
    for shape in ((4, 20), (3, 9, 2)):
        a = small_ints(rng, "float64", shape)
        specs.append(("2 * max(a, axis=-1) + 1", {"a": a}, 2 * np.max(a, axis=-1) + 1))
        specs.append(("sum(a * max(a), axis=1)", {"a": a}, np.sum(a * np.max(a), axis=1)))
    a = small_ints(rng, "float64", (6,))
    b = small_ints(rng, "float64", (6,), 1, 3)
    specs.append(("min(a) + max(a) * prod(b)", {"a": a, "b": b}, np.float64(np.min(a) + np.max(a) * np.prod(b))))
    c = (small_ints(rng, "float64", (30,)) + 1j * small_ints(rng, "float64", (30,))).astype(np.complex128)
    specs.append(("sum(c) * 2j", {"c": c}, np.complex128(np.sum(c) * 2j)))
    return specs


def staged_cases(rng):
    cases = []
    for text, env, want in staged_specs(rng):
        c = Case()
        c.expr, c.text, c.env, c.error = Opaque(), text, env, None
        c.want = np.asarray(want)
        c.oracle, c.tol, c.group = "numpy", "exact", "staged"
        cases.append(c)
    return cases


# ---- cases ----

def shapes_for(rng, nvars):
    """The operands' shapes: one spans the result, the others broadcast against it (fewer
    leading axes, axes of extent 1, 0-d)."""
    r = rng.random()
    if r < 0.3:
        full = (rng.choice([1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 67, 130]),)
    elif r < 0.8:
        full = (rng.randint(1, 5), rng.randint(1, 6))
    elif r < 0.9:
        full = (rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 5))
    elif r < 0.95:
        full = ()  # every operand 0-d
    else:
        full = rng.choice([(0,), (2, 0), (0, 3), (3, 0, 2), (0, 1), (1, 0)])
    shapes = []
    for i in range(nvars):
        s = rng.random()
        if i == 0 or s < 0.55:
            shapes.append(full)
        elif s < 0.85 and full:
            dropped = full[rng.randint(0, len(full) - 1):]
            shapes.append(tuple(1 if rng.random() < 0.4 else d for d in dropped))
        else:
            shapes.append(())
    rng.shuffle(shapes)
    return shapes


def zero_strided(rng, env):
    """Now and then an operand becomes a broadcast view (numpy.broadcast_to): equal along one axis,
    which it reads with a zero stride."""
    out = {}
    for name, a in env.items():
        axes = [ax for ax in range(a.ndim) if a.shape[ax] > 1]
        if axes and rng.random() < 0.12:
            ax = rng.choice(axes)
            a = np.broadcast_to(np.take(a, [0], axis=ax), a.shape)
        out[name] = a
    return out


def layout_for(rng, arr):
    """How an array lies in memory, for DiffTest.cpp: "c" (C order), or "x:SHIFT:S0,S1,..." with
    each axis' stride in elements (negative: the axis runs backwards, 0: broadcast) and the byte
    offset of the whole view from an aligned address (1: unaligned). The axes lie in C order,
    Fortran order or a random order (a transpose), some with steps (a slice a[::2]), some
    reversed (a[::-1]); the zero strides of broadcast views stay."""
    zero = [arr.strides[ax] == 0 and arr.shape[ax] > 1 for ax in range(arr.ndim)]
    if arr.size < 2 or (not any(zero) and rng.random() < 0.5):
        return "c"
    order = list(range(arr.ndim))  # outermost first
    r = rng.random()
    if r < 0.3:
        order.reverse()
    elif r < 0.5:
        rng.shuffle(order)
    strides = [0] * arr.ndim
    inner = 1
    for ax in reversed(order):
        if zero[ax]:
            continue
        strides[ax] = inner * rng.choice([1, 1, 1, 2, 3])
        inner = strides[ax] * arr.shape[ax]
    strides = [-s if rng.random() < 0.25 else s for s in strides]
    shift = 1 if arr.dtype.itemsize > 1 and rng.random() < 0.08 else 0
    return f"x:{shift}:{','.join(str(s) for s in strides)}"


class Case:
    pass


def large_case(rng, fn, dtype):
    """A reduction over more than one block (runtime/Executor.h kReduceBlock = 16384). For
    min/max of floats, one zero of the other sign sits in one block only: -0.0 < +0.0."""
    shape = rng.choice([(20000,), (2, 17000), (17000, 2)])
    axis = {(20000,): None, (2, 17000): rng.choice([1, -1]), (17000, 2): 0}[shape]
    var = Node("var", name="a")
    one = Node("lit", lt="int32", value=1, src="1")
    inner = var if rng.random() < 0.5 else Node("bin", [var, one], sym="*")
    expr = Node("reduce", [inner], fn=fn, axis=axis)
    mode = {"min": "zeros+", "max": "zeros-", "prod": "zeros*", "sum": "moderate"}[fn]
    a = random_array(dtype, shape, rng, mode)
    if fn in ("min", "max") and is_float(dtype):
        flat = a.reshape(-1)
        for _ in range(2):
            flat[rng.randrange(flat.size)] = -0.0 if fn == "min" else 0.0
    env = {"a": a}
    try:
        typecheck(expr, env)
    except Reject:
        return None
    return finish_case(expr, env, lambda: env)


def make_case(rng, gen, kind_wanted, dtype_hint):
    nvars = rng.choice([1, 1, 2, 2, 2, 3])
    names = ["a", "b", "c"][:nvars]
    dtypes = [dtype_hint] + [rng.choice(DTYPES) for _ in range(nvars - 1)]
    rng.shuffle(dtypes)
    shapes = shapes_for(rng, nvars)
    depth = rng.choice([1, 2, 3, 3, 4])

    if kind_wanted == "bytes":
        dtypes = ["bytes"] * nvars
        a, b = Node("var", name="a"), Node("var", name=rng.choice(names))
        if rng.random() < 0.3:
            b = Node("lit", lt="bytes", value=b"b", src="b'b'")
        if rng.random() < 0.5:
            expr = Node("call", [a, b], fn="contains")
        else:
            expr = Node("bin", [a, b], sym=rng.choice(ORDER + EQUAL))
        if rng.random() < 0.3:
            expr = Node("bin", [expr, Node("bin", [Node("var", name="a"), Node("var", name="a")], sym="==")],
                        sym=rng.choice(BITWISE))
    elif kind_wanted == "inexact":
        expr = gen.inexact_root(names, depth - 1)
    else:
        expr = gen.exact(names, depth)

    reduce_wanted = kind_wanted == "reduce"
    if reduce_wanted:
        fn = rng.choice(REDUCTIONS)
        inner = gen.inexact_root(names, depth - 1) if rng.random() < 0.25 else expr
        rank = max(len(s) for s in shapes)
        axis = None
        if rank and rng.random() < 0.6:
            axis = rng.choice(list(range(-rank, rank)))
        expr = Node("reduce", [inner], fn=fn, axis=axis)

    if not expr.has_var() and rng.random() < 0.9:
        return None  # a few constant expressions, without operands
    used = {n.name for n in expr.walk() if n.op == "var"}
    keep = [i for i, nm in enumerate(names) if nm in used]
    names = [names[i] for i in keep]
    dtypes = [dtypes[i] for i in keep]
    shapes = [shapes[i] for i in keep]
    c = Case()
    c.expr = expr
    c.text = expr.text()
    # Inputs: the full edge-value pools, tamer ones where an order or a formula would make the
    # result legitimately ill-defined.
    env = {nm: random_array(dt, sh, rng, "full") for nm, dt, sh in zip(names, dtypes, shapes)}
    try:
        typecheck(expr, env)
    except Reject as e:
        c.error = e.args[0]
        c.env = env
        return c
    c.error = None
    allowed = {id(expr)} | ({id(expr.kids[0])} if expr.op == "reduce" else set())
    if any(n.inexact and id(n) not in allowed for n in expr.walk()):
        return None  # inexact operations only at the root, where their error is bounded
    mode = "full"
    if any(n.inexact and (is_cplx(n.t) or is_cplx(n.kids[0].t)) for n in expr.walk()):
        mode = "tame"  # special values of complex functions differ between libraries
    if expr.op == "reduce" and not is_int(expr.t) and not is_bool(expr.t):
        mode = "prod" if expr.fn == "prod" else ("tame" if mode == "tame" else "moderate")
    return finish_case(expr, None, lambda: zero_strided(rng, {nm: random_array(dt, sh, rng, mode)
                                                          for nm, dt, sh in zip(names, dtypes, shapes)}), c)


CASTINGS = ["no", "equiv", "safe", "same_kind", "unsafe"]


def convert(x, t):
    """Our conversion of a result into out's dtype t (docs/semantics.md, Casts): numpy's astype,
    except that a float becomes an integer by truncation with saturation at the type's limits and
    NaN to 0 (LLVM's fptosi.sat), where numpy leaves out-of-range values to the platform."""
    x = np.asarray(x)
    if t == "bool" or not is_int(t) or x.dtype.kind not in "fc":
        return cast(x.real if x.dtype.kind == "c" and t != "bool" and not is_cplx(t) else x, t)
    info = np.iinfo(t)
    flat = [0 if math.isnan(v) else min(max(int(v) if math.isfinite(v) else (info.max if v > 0 else info.min),
                                            info.min), info.max)
            for v in np.asarray(x.real, dtype="float64").reshape(-1).tolist()]
    return np.array(flat, dtype=t).reshape(x.shape)


def shape_text(shape):
    """jitexpr's shape_string: (3, 4), (5,), ()."""
    return f"({shape[0]},)" if len(shape) == 1 else "(" + ", ".join(str(d) for d in shape) + ")"


def make_out_case(rng, gen, dtype_hint):
    """An evaluation into out=: of the result's dtype or another, with a casting rule that allows
    the conversion or refuses it (a TypeError naming both dtypes), in any layout, sometimes the
    very array of an operand (in place), rarely of the wrong shape (ValueError)."""
    kind_wanted = rng.choice(["exact", "exact", "exact", "inexact", "reduce"])
    c = make_case(rng, gen, kind_wanted, dtype_hint)
    if c is None or c.error:
        return None
    natural = c.natural = c.want.dtype.name
    c.casting = rng.choice(CASTINGS)
    c.alias = None
    c.errmsg = None
    out_dtype = natural if rng.random() < 0.45 else rng.choice(DTYPES)
    candidates = [nm for nm, a in c.env.items() if a.shape == c.want.shape and a.size
                  and 0 not in a.strides[:a.ndim] and c.expr.op != "reduce"]
    if candidates and rng.random() < 0.3:
        c.alias = rng.choice(sorted(candidates))
        out_dtype = c.env[c.alias].dtype.name
    c.out_shape = c.want.shape
    if c.alias is None and c.expr.op != "reduce" and rng.random() < 0.05:
        # (Reductions do not check out='s shape yet: see DiffTest.cpp, ReductionIntoOutOfTheWrongShape.)
        c.out_shape = c.want.shape + (1,) if rng.random() < 0.5 else (2,) + c.want.shape
        c.error = "ValueError"
        c.errmsg = (f"out= has shape {shape_text(c.out_shape)} "
                    f"but the expression gives shape {shape_text(c.want.shape)}")
    elif c.expr.op == "reduce" and out_dtype != natural:
        c.error = "TypeError"
        c.errmsg = f"out= has dtype '{out_dtype}' but the reduction gives '{natural}'"
    elif not np.can_cast(natural, out_dtype, c.casting):
        c.error = "TypeError"
        c.errmsg = f"cannot cast the result from '{natural}' to out's '{out_dtype}' with casting='{c.casting}'"
    c.out_dtype = out_dtype
    if c.error:
        return c
    inexact_ok = is_float(natural) and (is_float(out_dtype) or is_cplx(out_dtype))
    if c.tol != "exact" and out_dtype != natural and not inexact_ok:
        return None  # a value within K ULP may truncate or round to another integer
    want = convert(c.want, out_dtype)
    # numexpr writes into out= and converts as numpy's iterator does; it agrees with us where
    # the conversion is not a float or complex into an integer (ours saturates).
    clean = not (is_int(out_dtype) and kind(natural) in "fc")
    if c.oracle == "numexpr" and clean:
        env = {nm: np.array(a) for nm, a in c.env.items()}
        out = env[c.alias] if c.alias else np.zeros(c.out_shape, dtype=out_dtype)
        numexpr.evaluate(c.text, local_dict=env, out=out, casting=c.casting)
        if not agrees(out, want, c.tol, c.bound):
            sys.exit(f"numexpr and the numpy emulation disagree on {c.text} into {out_dtype} "
                     f"(casting={c.casting}, alias {c.alias})\ninputs: {c.env}\nnumexpr: {out!r}\nnumpy:   {want!r}")
        want = out
    else:
        c.oracle = "numpy"
    c.want = np.array(want, dtype=out_dtype)
    return c


def finish_case(expr, env, make_env, c=None):
    """Evaluates a typed expression over inputs from make_env (retried when ill-defined)."""
    if c is None:
        c = Case()
        c.expr, c.text, c.error = expr, expr.text(), None
    for attempt in range(8):
        env = make_env()
        try:
            result = evaluate(expr, env)
            bound = None
            if expr.op == "reduce" and expr.fn in ("sum", "prod") and not is_int(expr.t):
                k = ULP_BOUND if expr.kids[0].inexact else 0
                bound = reduction_bound(expr, np.broadcast_to(evaluate(expr.kids[0], env), full_shape(env)), k)
        except Reject as e:
            c.error = e.args[0]
            c.env = env
            return c
        except IllDefined:
            continue
        break
    else:
        return None
    c.env = env
    if expr.op != "reduce":
        result = np.broadcast_to(result, full_shape(env))  # every operand's shape takes part
    c.want = np.array(result, dtype=expr.t)  # a C-ordered copy (ascontiguousarray makes 0-d 1-d)
    c.bound = bound
    if expr.inexact or (expr.op == "reduce" and expr.kids[0].inexact and bound is None):
        c.tol = f"ulp {ULP_BOUND}"
    elif bound is not None:
        c.tol = "bound"
    else:
        c.tol = "exact"
    c.oracle = "numpy"
    got = None
    if numexpr_ok(expr) and env and all(a.size for a in env.values()):
        try:
            got = numexpr_eval(c.text, env)
        except (NotImplementedError, TypeError, ValueError, KeyError):
            got = None  # numexpr does not support it after all
    if got is not None:
        if got.dtype != c.want.dtype or got.shape != c.want.shape or not agrees(got, c.want, c.tol, bound):
            sys.exit(f"numexpr and the numpy emulation disagree on {c.text}\n"
                     f"inputs: {env}\nnumexpr: {got!r}\nnumpy:   {c.want!r}")
        c.want = got
        c.oracle = "numexpr"
    return c


def ulp_distance(a, b):
    """ULPs between same-typed floats, counting +0 and -0 as equal, NaN as equal to NaN."""
    a, b = np.broadcast_arrays(np.asarray(a), np.asarray(b))
    it = "i8" if a.dtype.itemsize == 8 else "i4"
    ia, ib = a.view(it).astype(object), b.view(it).astype(object)
    sign = 1 << (a.dtype.itemsize * 8 - 1)
    def ordered(i):
        return np.where(np.asarray(i) < 0, -sign - np.asarray(i), i)
    d = np.abs(ordered(ia) - ordered(ib))
    both_nan = np.isnan(a) & np.isnan(b)
    return np.where(both_nan, 0, np.where(np.isnan(a) | np.isnan(b), 1 << 62, d))


def agrees(got, want, tol, bound):
    if want.dtype.kind in "biuS":
        return np.array_equal(got, want)
    if want.dtype.kind == "c":
        parts = [(got.real, want.real), (got.imag, want.imag)]
    else:
        parts = [(got, want)]
    if tol == "exact":
        return all(((g == w) & (np.signbit(g) == np.signbit(w)) | (np.isnan(g) & np.isnan(w))).all()
                   for g, w in parts)
    if tol.startswith("ulp"):
        k = int(tol.split()[1])
        if want.dtype.kind != "c":
            return bool((ulp_distance(got, want) <= k).all())
        # complex: both parts within k ULP of the larger finite part (as DiffTest.cpp)
        r = want.real.dtype
        scale = np.maximum(np.where(np.isfinite(want.real), np.abs(want.real), 0),
                           np.where(np.isfinite(want.imag), np.abs(want.imag), 0)).astype(r)
        ulp = (np.nextafter(scale, np.array(np.inf, dtype=r)) - scale).astype("float64")
        for g, w in parts:
            nan_ok = np.isnan(g) == np.isnan(w)
            inf_ok = np.where(np.isinf(g) | np.isinf(w), g == w, True)
            near = np.abs(g.astype("float64") - w.astype("float64")) <= k * ulp
            if not (nan_ok & inf_ok & (near | np.isnan(w) | np.isinf(w))).all():
                return False
        return True
    for g, w in parts:
        g64, w64 = g.astype("float64"), w.astype("float64")
        same = (g64 == w64) | (np.isnan(g64) & np.isnan(w64))
        close = np.abs(g64 - w64) <= bound
        if not (same | close).all():
            return False
    return True


# ---- the case file ----

def hexdata(a):
    a = np.ascontiguousarray(a)
    return a.tobytes().hex() if a.size else "-"


def dtype_field(a):
    return ("bytes", a.dtype.itemsize) if a.dtype.kind == "S" else (a.dtype.name, a.dtype.itemsize)


def write_case(out, i, c):
    out.write(f"case {i}\n")
    out.write(f"expr {c.text}\n")
    if getattr(c, "group", None):
        out.write(f"group {c.group}\n")
    for name in sorted(c.env):
        a = c.env[name]
        dt, size = dtype_field(a)
        dims = " ".join(str(d) for d in a.shape)
        out.write(f"in {name} {dt} {size} {c.layouts[name]} {a.ndim} {dims} {hexdata(a)}".replace("  ", " ") + "\n")
    if getattr(c, "casting", None):
        if c.alias:
            out.write(f"out alias {c.alias}\n")
        else:
            dims = " ".join(str(d) for d in c.out_shape)
            out.write(f"out {c.out_dtype} {c.out_layout} {len(c.out_shape)} {dims}".rstrip() + "\n")
        out.write(f"casting {c.casting}\n")
    if c.error:
        out.write(f"error {c.error}\n")
        if getattr(c, "errmsg", None):
            out.write(f"message {c.errmsg}\n")
    else:
        dt, size = dtype_field(c.want)
        dims = " ".join(str(d) for d in c.want.shape)
        out.write(f"want {dt} {c.want.ndim} {dims} {hexdata(c.want)}".replace("  ", " ") + "\n")
        out.write(f"oracle {c.oracle}\n")
        if c.tol == "bound":
            out.write(f"tol bound {hexdata(np.asarray(c.bound, dtype='float64'))}\n")
        else:
            out.write(f"tol {c.tol}\n")
    out.write("end\n")


def coverage(cases):
    """Every operator, function, dtype and reduction form must take part."""
    seen = set()
    for c in cases:
        for n in c.expr.walk():
            if n.op == "bin":
                seen.add(n.sym)
            elif n.op == "un":
                seen.add("unary" + n.sym)
            elif n.op in ("call", "where"):
                seen.add(n.fn)
            elif n.op == "attr":
                seen.add("." + n.name)
            elif n.op == "lit":
                seen.add("lit:" + n.lt)
            elif n.op == "reduce":
                seen.add(f"{n.fn}:{'all' if n.axis is None else ('neg' if n.axis < 0 else 'axis')}")
        for name, a in c.env.items():
            seen.add("dtype:" + ("bytes" if a.dtype.kind == "S" else a.dtype.name))
            seen.add(f"rank:{a.ndim}")
            layout = c.layouts[name]
            if layout.startswith("x"):
                shift, strides = layout.split(":")[1:]
                strides = [int(v) for v in strides.split(",")]
                seen.add("layout:x")
                seen |= {"layout:zero"} if 0 in strides else set()
                seen |= {"layout:negative"} if min(strides) < 0 else set()
                seen |= {"layout:unaligned"} if shift != "0" else set()
        if getattr(c, "casting", None):
            seen.add("casting:" + c.casting)
            seen.add("out:alias" if c.alias else "out:" + ("same" if c.out_dtype == c.natural else "converted"))
            if c.error:
                seen.add("out-error:" + c.error)
        if c.error:
            seen.add("error:" + c.error)
        else:
            seen.add("result:" + c.want.dtype.name)
            seen.add("tol:" + c.tol.split()[0])
            seen.add("oracle:" + c.oracle)
    need = set(BINOPS) | {"unary-", "unary~", "unary+", "where", ".real", ".imag"} \
        | set(FUNCS1) | set(FUNCS2) | {"contains"} \
        | {f"{r}:{a}" for r in REDUCTIONS for a in ("all", "axis", "neg")} \
        | {"lit:int32", "lit:int64", "lit:float64", "lit:complex128", "lit:bool", "lit:bytes"} \
        | {"dtype:" + t for t in DTYPES + ["bytes"]} | {"rank:0", "rank:1", "rank:2", "rank:3", "layout:x", "layout:zero",
           "layout:negative", "layout:unaligned"} \
        | {"casting:" + k for k in CASTINGS} | {"out:alias", "out:same", "out:converted"} \
        | {"out-error:TypeError", "out-error:ValueError"} \
        | {"error:TypeError", "error:ValueError", "tol:exact", "tol:ulp", "tol:bound",
           "oracle:numexpr", "oracle:numpy"}
    missing = need - seen
    if missing:
        sys.exit(f"the cases miss: {sorted(missing)}; raise --cases or change the seed")
    return seen


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit("usage: gen_cases.py OUT_FILE [--cases N] [--out-cases N] [--seed S]")
    out_path = args[0]
    n_cases, n_out, seed = 2000, 400, 20240611
    if "--cases" in args:
        n_cases = int(args[args.index("--cases") + 1])
    if "--out-cases" in args:
        n_out = int(args[args.index("--out-cases") + 1])
    if "--seed" in args:
        seed = int(args[args.index("--seed") + 1])
    rng = random.Random(seed)
    gen = Gen(rng)
    cases = []
    plan = []
    for i in range(n_cases):
        r = i % 20
        kind_wanted = "reduce" if r < 4 else "inexact" if r < 7 else "bytes" if r == 7 and i % 40 == 7 else "exact"
        plan.append((kind_wanted, DTYPES[i % len(DTYPES)]))
    plan += [("large:" + fn, t) for fn in REDUCTIONS for t in ("float32", "float64", "float64", "int16")]
    plan += [("large:sum", "complex64"), ("large:max", "bool"), ("large:min", "uint64")]
    plan += [("out", DTYPES[i % len(DTYPES)]) for i in range(n_out)]
    errors = 0
    for kind_wanted, dtype_hint in plan:
        for _ in range(50):
            if kind_wanted.startswith("large"):
                c = large_case(rng, kind_wanted.split(":")[1], dtype_hint)
            elif kind_wanted == "out":
                c = make_out_case(rng, gen, dtype_hint)
                if c is not None:
                    cases.append(c)
                    break
            else:
                c = make_case(rng, gen, kind_wanted, dtype_hint)
            if c is None:
                continue
            if c.error:
                # Keep some rejected expressions: their error kind is checked too.
                if errors > len(cases) // 15 or rng.random() > 0.3:
                    continue
                errors += 1
            cases.append(c)
            break
    for text, spec in REGRESSIONS:
        cases.append(regression_case(text, spec))
    cases += staged_cases(rng)
    layout_rng = random.Random(seed + 1)
    for c in cases:
        c.layouts = {name: layout_for(layout_rng, c.env[name]) for name in sorted(c.env)}
        if getattr(c, "casting", None) and not c.alias:
            c.out_layout = layout_for(layout_rng, np.empty(c.out_shape, dtype=c.out_dtype))
    coverage(cases)
    tmp = out_path + ".tmp"
    with open(tmp, "w") as out:
        out.write(f"# jitexpr differential cases: seed {seed}, numpy {np.__version__}, "
                  f"numexpr {numexpr.__version__}. Generated by tests/diff/gen_cases.py.\n")
        for i, c in enumerate(cases):
            write_case(out, i, c)
    os.replace(tmp, out_path)
    by_oracle = {}
    for c in cases:
        key = "error" if c.error else c.oracle
        by_oracle[key] = by_oracle.get(key, 0) + 1
    print(f"{len(cases)} cases ({', '.join(f'{v} {k}' for k, v in sorted(by_oracle.items()))}) -> {out_path}")


if __name__ == "__main__":
    main()
