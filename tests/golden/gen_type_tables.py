#!/usr/bin/python3
"""Generates the expected type tables of expressions from the oracles themselves.

Writes tests/golden/data/promotion.csv (the common type of every pair of the 13 numeric dtypes)
and tests/golden/data/function_types.csv (the result type of every built-in function of
ir/Builtins.h, of where() and of the reductions, for every input dtype), which
tests/unit/DTypeRulesTest.cpp checks against ir::promote() and Runtime::evaluate.

Run with the interpreter that has numpy 1.24 and numexpr 2.8.4:

    /usr/bin/python3 tests/golden/gen_type_tables.py [--out DIR]

(--out writes the tables elsewhere: DTypeRulesTest regenerates them that way and checks that the
committed tables are current.)

Each expected value comes from an oracle, and the row says which one:

  numexpr    numexpr's own result, for inputs of numexpr's native types (bool, int32, int64,
             float32, float64, complex128, bytes) and functions numexpr has. numexpr's errors count
             too: an operation numexpr rejects for its own types is a TypeError for us.
  numpy      numpy's result, where numexpr has no such function or one of the types is not
             native to numexpr (numexpr would silently widen int8 to int32, complex64 to
             complex128 and take uint64 for int64), or where our documented rule is numpy's
             rather than numexpr's (then `note` says how numexpr differs).
  deviation  neither oracle: our documented rule (docs/semantics.md), with the reason in `note`.

A deviation is never inferred from the C++ code: every one is a rule written in DEVIATIONS below
with its reason, and the script fails if an oracle is missing and no rule covers the row.
"""

import csv
import io
import os
import re
import sys
import warnings

import numexpr
import numexpr.expressions
import numpy as np

warnings.simplefilter("ignore")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(HERE, "data")

NUMERIC = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float32", "float64", "complex64", "complex128"]
ALL = NUMERIC + ["bytes"]
NATIVE = {"bool", "int32", "int64", "float32", "float64", "complex128", "bytes"}
ERROR = "TypeError"  # every oracle's rejection of a type combination (numexpr raises TypeError,
                     # NotImplementedError or ValueError; numpy UFuncTypeError or TypeError)


def sample(dtype):
    if dtype == "bytes":
        return np.array([b"ab", b"c"], dtype="S4")
    return np.ones(2, dtype=dtype)


def numexpr_result(expr, types):
    """numexpr's result dtype (or ERROR), or None when numexpr is not the oracle for these types."""
    if any(t not in NATIVE for t in types):
        return None
    env = {name: sample(t) for name, t in zip("abc", types)}
    try:
        return dtype_str(numexpr.evaluate(expr, local_dict=env))
    except Exception:  # noqa: BLE001 - any rejection is the oracle's answer
        return ERROR


def numpy_result(fn, types):
    if fn is None:
        return None
    try:
        return dtype_str(np.asarray(fn(*[sample(t) for t in types])))
    except Exception:  # noqa: BLE001
        return ERROR


def dtype_str(a):
    return "bytes" if a.dtype.kind == "S" else a.dtype.name


# ---- our documented rules where they differ from the oracle that would otherwise apply ----

def kind(t):
    return "S" if t == "bytes" else np.dtype(t).kind


def real_part(t):
    return {"complex64": "float32", "complex128": "float64"}.get(t, t)


REAL_MATH = ["sqrt", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
             "arcsinh", "arccosh", "arctanh", "exp", "expm1", "log", "log1p", "log2", "log10",
             "ceil", "floor", "round", "trunc", "arctan2", "fmod", "hypot", "nextafter",
             "copysign", "fabs"]


BINARY_NUMERIC = ["arctan2", "fmod", "hypot", "nextafter", "copysign", "maximum", "minimum"]


def promote_ours(types):
    """numexpr's common type of its native types (bool with bool stays bool)."""
    r = numexpr_result("a + b", types)
    return promote_np(types) if r in (None, ERROR) else r


def promote_np(types):
    return np.result_type(*[np.dtype(t) for t in types]).name


# Each rule: (name, applies(fn, types), expected(fn, types), reason). Reasons avoid commas.
DEVIATIONS = [
    ("bytes-results",
     lambda f, ts: "bytes" in ts and f not in ("contains",),
     lambda f, ts: ERROR,
     "bytes take part only in comparisons and contains(); functions of bytes and bytes results "
     "(copy(s) / where(c; s; t)) are rejected"),
    ("complex-has-no-order",
     lambda f, ts: f in ("round", "sign", "maximum", "minimum", "min", "max")
     and any(kind(t) == "c" for t in ts),
     lambda f, ts: ERROR,
     "complex numbers have no order: round/sign/maximum/minimum/min/max reject them where numpy "
     "orders them lexicographically"),
    ("real-math-on-integers",
     lambda f, ts: f in REAL_MATH and all(kind(t) in "biu" for t in ts)
     and kind(promote_np(ts)) in "biu",
     lambda f, ts: "float64",
     "real math on integers and bools computes in float64 (numexpr's rule for int32/int64; "
     "numexpr gives float32 for bool; numpy picks float16/float32 for narrow integers and keeps "
     "integers for fmod)"),
    ("numexpr-promotion",
     lambda f, ts: f in BINARY_NUMERIC and all(t in NATIVE and t != "bytes" for t in ts)
     and not any(kind(t) == "c" for t in ts),
     lambda f, ts: promote_ours(ts) if f not in REAL_MATH or kind(promote_ours(ts)) == "f" else "float64",
     "the arguments of a binary function promote as an operator's do: numexpr's kind order between "
     "its native types (int32/int64 with float32 is float32) where numpy gives float64"),
    ("abs-keeps-integers",
     lambda f, ts: f == "abs" and kind(ts[0]) in "biu",
     lambda f, ts: ts[0],
     "abs keeps integer and bool types as numpy does (numexpr converts them to float)"),
    ("abs-of-complex-is-real",
     lambda f, ts: f == "abs" and kind(ts[0]) == "c",
     lambda f, ts: real_part(ts[0]),
     "abs of a complex number is real as in numpy (numexpr returns a complex with zero imaginary "
     "part)"),
    ("same-type-functions",
     lambda f, ts: f in ("conj", "copy", "ones_like"),
     lambda f, ts: ts[0],
     "conj/copy/ones_like keep their argument's type (numexpr converts integers to float64 and "
     "conj of reals to complex128; numpy's conjugate turns bool into int8)"),
    ("real-imag-parts",
     lambda f, ts: f in ("real", "imag"),
     lambda f, ts: real_part(ts[0]),
     "real/imag give the real part type as numpy (numexpr converts every real input to float64)"),
    ("complex-of-reals",
     lambda f, ts: f == "complex",
     lambda f, ts: ERROR if any(kind(t) == "c" for t in ts) else "complex128",
     "complex(x; y) converts real arguments to float64 and gives complex128 (numexpr's only "
     "signature is complex(double; double) and it rejects integers; numpy has no complex())"),
    ("wide-accumulators",
     lambda f, ts: f in ("sum", "prod") and kind(ts[0]) in "biu",
     lambda f, ts: "uint64" if kind(ts[0]) == "u" else "int64",
     "sum/prod accumulate bools and signed integers in int64 and unsigned in uint64 as numpy "
     "(numexpr keeps int32 and overflows; it rejects bool)"),
    ("min-max-of-bool",
     lambda f, ts: f in ("min", "max") and ts[0] == "bool",
     lambda f, ts: "bool",
     "min/max of bools are all/any as in numpy (numexpr rejects them)"),
    ("where-numeric-condition",
     lambda f, ts: f == "where",
     lambda f, ts: promote_np(ts[1:]),
     "where() casts a numeric condition to bool (nonzero) as numpy; numexpr requires a bool "
     "condition"),
]


# ---- the functions and their numpy counterparts ----

def builtins():
    """(name, arity) in the order of ir/Builtins.h's JITEXPR_BUILTIN_FNS."""
    text = open(os.path.join(ROOT, "ir", "Builtins.h")).read()
    return [(name, int(arity)) for name, arity in re.findall(r'X\(\w+, "(\w+)", "\w*", (\d), ', text)]


NUMPY_FN = {
    "round": np.rint,  # our round is half-to-even and gives a float for integers: numpy's rint
    "abs": np.absolute,
    "conj": np.conjugate,
    "copy": np.copy,
    "ones_like": np.ones_like,
    "real": np.real,
    "imag": np.imag,
    "complex": None,  # numpy has no complex(x, y)
    "contains": lambda a, b: np.char.find(a, b) >= 0,
    "where": np.where,
    "sum": np.sum,
    "prod": np.prod,
    "min": np.amin,
    "max": np.amax,
}

NUMEXPR_FNS = set(numexpr.expressions.functions)


def function_rows():
    rows = []
    cases = []
    for name, arity in builtins():
        if arity == 1:
            cases += [(name, f"{name}(a)", (t,)) for t in ALL]
        elif name == "contains":
            cases += [(name, f"{name}(a, b)", (t, t)) for t in ALL]
        else:
            cases += [(name, f"{name}(a, b)", (t, u)) for t in ALL for u in ALL]
    cases += [("where", "where(a, b, c)", (t, t, t)) for t in ALL]
    cases += [(name, f"{name}(a)", (t,)) for name in ("sum", "prod", "min", "max") for t in ALL]

    for name, expr, types in cases:
        nx = numexpr_result(expr, types) if name in NUMEXPR_FNS else None
        npf = NUMPY_FN.get(name, getattr(np, name, None))
        nr = numpy_result(npf, types)
        # The oracle: numexpr for its own types and functions, numpy otherwise.
        if nx is not None:
            rule, expected = "numexpr", nx
        elif nr is not None:
            rule, expected = "numpy", nr
        else:
            rule, expected = None, None
        note = ""
        for dev_name, applies, ours, reason in DEVIATIONS:
            if not applies(name, types):
                continue
            want = ours(name, types)
            if want != expected:
                rule = "numpy" if want == nr else "deviation"
                expected = want
                note = dev_name
            break
        if rule is None:
            sys.exit(f"no oracle and no documented rule for {expr} with {types}")
        if rule != "numexpr" and nx is not None and nx != expected and not note:
            sys.exit(f"{expr} with {types}: numexpr gives {nx} but the row uses numpy: document why")
        rows.append([name, " ".join(types), expected, rule, nx or "-", nr or "-", note])
    return rows


def promotion_rows():
    rows = []
    for a in NUMERIC:
        for b in NUMERIC:
            nx = numexpr_result("a + b", (a, b))
            nr = promote_np((a, b))
            if nx is not None and nx != ERROR:
                rows.append([a, b, nx, "numexpr", nx, nr])
            else:
                rows.append([a, b, nr, "numpy", nx or "-", nr])
    return rows


def write(path, header_lines, columns, rows):
    out = io.StringIO()
    for line in header_lines:
        out.write(f"# {line}\n" if line else "#\n")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        assert all("," not in str(x) for x in r), r
        w.writerow(r)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(out.getvalue())


def main():
    global DATA
    if len(sys.argv) == 3 and sys.argv[1] == "--out":
        DATA = sys.argv[2]
    elif len(sys.argv) != 1:
        sys.exit("usage: gen_type_tables.py [--out DIR]")
    versions = f"numpy {np.__version__}, numexpr {numexpr.__version__}"
    write(os.path.join(DATA, "promotion.csv"), [
        "The common type of two numeric operands (ir::promote), generated by",
        f"tests/golden/gen_type_tables.py from {versions}. Do not edit.",
        "result: numexpr's dtype of a + b when both a and b are numexpr's native types and numexpr",
        "accepts the sum (oracle=numexpr); numpy.result_type(a, b) otherwise (oracle=numpy), which",
        "covers int8/int16/uint*/complex64 and bool + bool (numexpr rejects bool arithmetic; the",
        "common type of two bools is still bool for & | ^ == and where). Between native types this is",
        "numexpr's kind order bool < int32 < int64 < float32 < float64 < complex128 (int64 + float32",
        "is float32 where numpy gives float64).",
        "numexpr / numpy: what each oracle gives ('-': not applicable; TypeError: rejected).",
    ], ["a", "b", "result", "oracle", "numexpr", "numpy"], promotion_rows())
    write(os.path.join(DATA, "function_types.csv"), [
        "The result dtype of every built-in function (ir/Builtins.h), where() and the reductions",
        f"for every argument dtype, generated by tests/golden/gen_type_tables.py from {versions}.",
        "Do not edit. Binary functions cover every pair of argument types; where(a, b, c) and",
        "contains(a, b) take one type for all arguments.",
        "result: a dtype, or TypeError when the call must be rejected.",
        "rule: numexpr = numexpr's result (native types and numexpr's functions; its rejections",
        "count); numpy = numpy's result (numexpr lacks the function or a type; or our rule is numpy's",
        "and note says how numexpr differs); deviation = our documented rule (docs/semantics.md),",
        "neither oracle's, with the reason in note. round's numpy counterpart is numpy.rint.",
        "numexpr / numpy: what each oracle gives ('-': not applicable).",
        "note: the documented rule behind a row that is not numexpr's result:",
    ] + [f"  {name}: {reason}" for name, _, _, reason in DEVIATIONS],
        ["function", "args", "result", "rule", "numexpr", "numpy", "note"], function_rows())


if __name__ == "__main__":
    main()
