#!/usr/bin/python3
"""Writes tests/unit/data/format_cases.txt: arrays with numpy's repr of each, for FormatTest.cpp.

Run with Debian's interpreter and numpy 1.24 (the oracle the C++ formatter copies):
    /usr/bin/python3 tests/unit/gen_format_cases.py

Each case is one block of lines:
    case <name>
    dtype <jitexpr dtype name> <itemsize>
    shape <extents...>            (nothing after "shape" for a 0-d array)
    strides <byte strides...>
    offset <byte offset of the first element in the buffer>
    data <the whole underlying buffer as hex>
    expect <line count>
    <that many lines: repr(array), or the scalar's repr for a 0-d array>
The buffer is C-contiguous; views (transposes, steps, negative and zero strides) are described by
shape, strides and offset into it.
"""

import math
import os
import sys

import numpy as np

assert np.__version__.startswith("1.24"), "the golden data follows numpy 1.24, not " + np.__version__

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "format_cases.txt")

# jitexpr's names for numpy's dtypes.
NAMES = {
    np.dtype(np.bool_): "bool",
    np.dtype(np.int8): "int8",
    np.dtype(np.int16): "int16",
    np.dtype(np.int32): "int32",
    np.dtype(np.int64): "int64",
    np.dtype(np.uint8): "uint8",
    np.dtype(np.uint16): "uint16",
    np.dtype(np.uint32): "uint32",
    np.dtype(np.uint64): "uint64",
    np.dtype(np.float32): "float32",
    np.dtype(np.float64): "float64",
    np.dtype(np.complex64): "complex64",
    np.dtype(np.complex128): "complex128",
}
NUMERIC = list(NAMES)

cases = []


def expected(a):
    if a.ndim == 0:
        # A 0-d array prints as its scalar: Python's repr of the value, except that float32 and
        # complex64 keep their own shortest digits (numpy's repr of the numpy scalar).
        if a.dtype in (np.float32, np.complex64):
            return repr(a[()])
        return repr(a.item())
    return repr(a)


def add(name, a, base=None):
    """Adds array `a`; `base` is the C-contiguous array it views (a itself when None)."""
    if base is None:
        a = np.ascontiguousarray(a) if a.ndim else np.array(a)
        base = a
    assert base.flags.c_contiguous
    if a.dtype.kind == "S":
        dtype = "bytes"
    else:
        dtype = NAMES[a.dtype]
    lo = base.__array_interface__["data"][0]
    offset = a.__array_interface__["data"][0] - lo
    assert 0 <= offset <= max(base.nbytes - a.itemsize, 0)
    text = expected(a)
    cases.append(
        "case {}\ndtype {} {}\nshape {}\nstrides {}\noffset {}\ndata {}\nexpect {}\n{}\n".format(
            name,
            dtype,
            a.itemsize,
            " ".join(str(n) for n in a.shape),
            " ".join(str(s) for s in a.strides),
            offset,
            base.tobytes().hex(),
            len(text.split("\n")),
            text,
        ).replace("shape \n", "shape\n").replace("strides \n", "strides\n")
    )


def add_view(name, base, view_fn):
    base = np.ascontiguousarray(base)
    add(name, view_fn(base), base)


f32 = np.float32
nan, inf = math.nan, math.inf

# --- float64: positional, maxprec at 8 digits, padding ------------------------------------------
add("f64_basic", np.array([0.0, 2.5, 5.0]))
add("f64_linspace", np.linspace(0, 1, 7))
add("f64_thirds", np.array([1 / 3, 2 / 3, 1.0]))
add("f64_integers", np.arange(10.0))
add("f64_negative", np.array([-1.5, 2.25, -300.125]))
add("f64_rounding_8", np.array([0.123456789, 1.0]))
add("f64_round_up_carry", np.array([0.999999999, 9.9999999999]))
add("f64_tie_even", np.array([0.001953125, 1.0]))  # 2**-9 has 9 fraction digits: a tie at 8
add("f64_tie_odd", np.array([0.005859375, 1.0]))   # 3 * 2**-9
add("f64_tenths", np.array([0.1, 0.2, 0.30000000000000004]))
add("f64_pi_e", np.array([math.pi, math.e, -math.pi * 100]))
add("f64_big_positional", np.array([99999999.0, 1.5]))
add("f64_ratio_1000", np.array([1.0, 1000.0]))
add("f64_ratio_over_1000", np.array([1.0, 1000.0001]))
add("f64_min_1e-4", np.array([1e-4, 5e-4]))
add("f64_below_1e-4", np.array([9.99e-5, 5e-4]))
add("f64_1e8", np.array([1e8, 1.0, 2.0]))
add("f64_just_below_1e8", np.array([99999999.99, 20000.0]))
add("f64_zeros", np.zeros(4))
add("f64_neg_zero", np.array([-0.0, 1.0]))
add("f64_only_neg_zero", np.array([-0.0]))
add("f64_single", np.array([2.5]))
add("f64_1e-5_mix", np.array([1e-5, 1.23456e-5]))
add("f64_sci_big", np.array([1e300, 1e-300]))
add("f64_sci_mixed_exp", np.array([1e100, 1.5e-5, -2.0]))
add("f64_sci_neg", np.array([-1e10, 3.25e12, 0.0]))
add("f64_denormal", np.array([5e-324, 1.0]))
add("f64_max", np.array([np.finfo(np.float64).max, np.finfo(np.float64).tiny]))
add("f64_sci_precision8", np.array([1.23456789012e20, 1.0]))
add("f64_sci_round_carry", np.array([9.9999999999e20, 1.0]))
add("f64_power_of_two", np.array([2.0 ** 60, 2.0 ** -60]))
add("f64_nan_inf", np.array([1.5, nan, -inf]))
add("f64_all_nan", np.array([nan, nan]))
add("f64_nan", np.array([nan]))
add("f64_inf", np.array([inf, -inf]))
add("f64_neginf_zero", np.array([-inf, 0.0]))
add("f64_nan_sci", np.array([nan, 1e10, -1e-10, inf]))
add("f64_neg_nan", np.array([-np.float64(nan), 1.0]))
add("f64_long_row", np.linspace(-1, 1, 40))
add("f64_long_row_sci", np.logspace(-20, 20, 33))
add("f64_wrap_ints", np.arange(60.0) * 1001)

# --- float32: float32's own shortest digits -------------------------------------------------------
add("f32_basic", np.array([0.0, 2.5, 5.0], dtype=f32))
add("f32_tenths", np.array([0.1, 0.2, 0.3], dtype=f32))
add("f32_third", np.array([1 / 3, 2 / 3], dtype=f32))
add("f32_1e-4", np.array([1e-4, 5e-4], dtype=f32))
add("f32_1e-4_and_1", np.array([1e-4, 1], dtype=f32))
add("f32_min_digits", np.array([0.1, 1.2345678e-7], dtype=f32))
add("f32_min_digits_exact", np.array([0.1, 1.00000015e-07], dtype=f32))  # real digits past the shortest
add("f32_2_24", np.array([16777216.0, 1.0], dtype=f32))
add("f32_max", np.array([np.finfo(f32).max, 1.0], dtype=f32))
add("f32_denormal", np.array([1e-45, 1e-40, 1.0], dtype=f32))
add("f32_nan_inf", np.array([nan, -inf, 0.5], dtype=f32))
add("f32_near_1e8", np.array([99999992.0, 1.0], dtype=f32))
add("f32_ratio_rounds_to_1000", np.array([1 + 2.0 ** -23, 1000 + 2.0 ** -13], dtype=f32))
add("f32_ratio_over_1000", np.array([1.0, 1000 + 2.0 ** -13], dtype=f32))
add("f32_ratio_overflow", np.array([1e-40, 3e38], dtype=f32))
add("f32_linspace", np.linspace(0, 1, 11, dtype=f32))
add("f32_long_row", (np.arange(30, dtype=f32) / 7).astype(f32))

# --- complex --------------------------------------------------------------------------------------
add("c128_basic", np.array([1 + 2j, -1j]))
add("c128_real", np.array([1.0 + 0j, 3.0 + 0j]))
add("c128_mixed", np.array([2 + 4j, 6 - 2j, -3.5 + 0.25j]))
add("c128_sci", np.array([1 + 2j, -1j, complex(nan, inf), 1e-5]))
add("c128_nan_imag", np.array([complex(1, nan), complex(nan, -inf), complex(-inf, 0)]))
add("c128_neg_zero", np.array([complex(-0.0, -0.0), complex(0.0, 0.0)]))
add("c128_big_imag", np.array([complex(0.1, 1e20), complex(1, 1)]))
add("c128_all_nan", np.array([complex(nan, nan)]))
add("c128_long_row", np.exp(1j * np.linspace(0, 3, 20)))
add("c64_basic", np.array([1 + 2j, 0.1 - 0.2j], dtype=np.complex64))
add("c64_sci", np.array([1e-7 + 1j, 3 + 4e8j], dtype=np.complex64))
add("c64_inf", np.array([complex(inf, -inf), 1], dtype=np.complex64))

# --- integers and bool ----------------------------------------------------------------------------
for t in [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]:
    info = np.iinfo(t)
    n = np.dtype(t).name
    add(n + "_small", np.array([0, 1, 2], dtype=t))
    add(n + "_extremes", np.array([info.min, 0, info.max], dtype=t))
    add(n + "_long_row", (np.arange(50) * 37 % 101).astype(t))
add("int64_negatives", np.array([-1, -22, 333, -4444]))
add("int64_row_wraps", np.arange(100))
add("int64_wide_wraps", np.arange(30) * 10 ** 15)
add("int32_dtype_wraps", np.arange(22, dtype=np.int32) * 1000)
add("int8_dtype_wraps", np.arange(24, dtype=np.int8) - 12)
add("uint64_huge", np.array([2 ** 64 - 1, 2 ** 63, 1], dtype=np.uint64))
add("bool_basic", np.array([True, False]))
add("bool_all_true", np.array([True, True, True]))
add("bool_row", np.arange(30) % 3 == 0)
add("bool_2d", np.array([[True, False], [False, True]]))

# --- bytes ----------------------------------------------------------------------------------------
add("bytes_basic", np.array([b"ab", b"c"]))
add("bytes_single", np.array([b"x"]))
add("bytes_quotes", np.array([b"it's", b'say "hi"', b"'\"", b"\\"]))
add("bytes_control", np.array([b"a\x00b", b"\t\n\r", b"\x7f\x80\xff", b"\x01"]))
add("bytes_trailing_nul", np.array([b"ab\x00", b"", b"abcdef"], dtype="S8"))
add("bytes_wide", np.array([b"hello world", b"jitexpr"] * 6))
add("bytes_2d", np.array([[b"a", b"bb"], [b"ccc", b""]]))
add("bytes_long", np.array([b"w%d" % i for i in range(1200)]))

# --- shapes ---------------------------------------------------------------------------------------
add("shape_2d", np.arange(6).reshape(2, 3))
add("shape_2d_float", np.arange(6.0).reshape(3, 2) / 4)
add("shape_3d", np.arange(24).reshape(2, 3, 4))
add("shape_4d", np.arange(16, dtype=np.int16).reshape(2, 2, 2, 2))
add("shape_1x1x1", np.ones((1, 1, 1)))
add("shape_column", np.arange(5.0).reshape(5, 1))
add("shape_2d_wrap", np.arange(60.0).reshape(2, 30) * 1.5)
add("shape_3d_wrap", np.arange(2 * 2 * 25).reshape(2, 2, 25) * 12345)
add("shape_2d_bytes_wrap", np.array([[b"abcdefgh"] * 12] * 2))
add("shape_2d_complex", np.arange(6).reshape(2, 3) * (1 - 1.5j))

# --- empty arrays ---------------------------------------------------------------------------------
for t in NUMERIC:
    add("empty_" + NAMES[t], np.array([], dtype=t))
add("empty_bytes", np.array([], dtype="S3"))
add("empty_0x3", np.zeros((0, 3)))
add("empty_2x0_int8", np.zeros((2, 0), dtype=np.int8))
add("empty_2x0x3_bool", np.zeros((2, 0, 3), dtype=bool))
add("empty_3x4x0_c64", np.zeros((3, 4, 0), dtype=np.complex64))

# --- summaries (more than 1000 elements) ----------------------------------------------------------
add("sum_1001", np.arange(1001))
add("sum_1001_float", np.arange(1001) / 7)
add("sum_widths_from_edges", np.concatenate([[1, 2, 3], np.full(1000, 10 ** 12), [4, 5, 6]]))
add("sum_float_edges_only", np.concatenate([[0.5, 1.0, 1.5], np.full(1000, 1e-20), [2.0, 2.5, 3.0]]))
add("sum_2d", np.arange(1200, dtype=np.int32).reshape(40, 30))
add("sum_2d_narrow", np.arange(1400, dtype=np.uint16).reshape(2, 700))
add("sum_2d_tall", np.arange(2006.0).reshape(1003, 2))
add("sum_3d", np.arange(11 * 11 * 11, dtype=np.float32).reshape(11, 11, 11))
add("sum_bool", np.arange(1500) % 7 == 0)
add("sum_complex", np.arange(1100) * (0.5 + 0.25j))
add("sum_1000_not", np.arange(1000.0).reshape(10, 100))
add("sum_exactly_7", np.arange(7 * 150).reshape(7, 150) * 1.0)

# --- views: transposes, steps, negative and zero strides ------------------------------------------
add_view("view_transpose", np.arange(6).reshape(2, 3), lambda a: a.T)
add_view("view_transpose_float", np.arange(12.0).reshape(3, 4) / 3, lambda a: a.T)
add_view("view_reverse", np.arange(5.0), lambda a: a[::-1])
add_view("view_step", np.arange(20, dtype=np.int16), lambda a: a[1::3])
add_view("view_column", np.arange(12).reshape(3, 4), lambda a: a[:, 2])
add_view("view_3d_permuted", np.arange(24, dtype=np.int8).reshape(2, 3, 4), lambda a: a.transpose(2, 0, 1))
add_view("view_2d_negative", np.arange(12.0).reshape(3, 4), lambda a: a[::-1, ::-2])
add_view("view_broadcast", np.arange(3.0), lambda a: np.broadcast_to(a, (4, 3)))
add_view("view_complex_t", (np.arange(6) + 1j * np.arange(6)).reshape(2, 3).astype(np.complex64), lambda a: a.T)
add_view("view_bytes_step", np.array([b"aa", b"bb", b"cc", b"dd"]), lambda a: a[::-2])
add_view("view_sum_transpose", np.arange(1200.0).reshape(30, 40), lambda a: a.T)

# --- 0-d: the scalar's repr -----------------------------------------------------------------------
for i, v in enumerate([2.5, 1e-05, 1e16, 1e15, 9999999999999998.0, 1e22, 0.1, 1 / 3, 1e-4, 9.9999e-5, 123.0,
                       -0.0, 0.0, nan, inf, -inf, 5e-324, 1.7976931348623157e308, 123456789.125, 2.0 ** 70]):
    add("scalar_f64_%d" % i, np.array(v))
for i, v in enumerate([0.1, 1e-4, 1e16, 9.99e15, 16777216.0, 1 / 3, 3.4e38, 1e-45, -2.5, nan, -inf]):
    add("scalar_f32_%d" % i, np.array(v, dtype=f32))
for i, v in enumerate([1 + 2j, 2j, -2j, complex(-0.0, 2), complex(1, -0.0), complex(nan, -nan), complex(inf, -inf),
                       complex(0.1, 1e20), 0j, complex(-0.0, -0.0), complex(0, nan), complex(1e-5, 1e16)]):
    add("scalar_c128_%d" % i, np.array(v))
    add("scalar_c64_%d" % i, np.array(v, dtype=np.complex64))
add("scalar_true", np.array(True))
add("scalar_false", np.array(False))
for t in [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]:
    add("scalar_%s_min" % np.dtype(t).name, np.array(np.iinfo(t).min, dtype=t))
    add("scalar_%s_max" % np.dtype(t).name, np.array(np.iinfo(t).max, dtype=t))
add("scalar_bytes", np.array(b"abc"))
add("scalar_bytes_nul", np.array(b"a\x00", dtype="S4"))
add("scalar_bytes_quote", np.array(b"it's"))

# --- seeded random arrays -------------------------------------------------------------------------
rng = np.random.default_rng(20240611)


def random_floats(n, dtype):
    kind = rng.integers(0, 6)
    if kind == 0:
        v = rng.uniform(-1, 1, n)
    elif kind == 1:
        v = rng.uniform(0, 10, n).round(rng.integers(0, 4))
    elif kind == 2:
        v = 10.0 ** rng.uniform(-12, 12, n) * rng.choice([-1, 1], n)
    elif kind == 3:
        v = rng.normal(0, 10.0 ** rng.integers(-6, 10), n)
    elif kind == 4:
        v = rng.integers(-1000, 1000, n).astype(float) / rng.choice([1, 2, 4, 8, 10, 3])
    else:
        v = 10.0 ** rng.uniform(-3.5, 7.5, n)
    if rng.random() < 0.3:
        specials = [nan, inf, -inf, 0.0, -0.0]
        for i in rng.integers(0, n, max(1, n // 5)):
            v[i] = specials[rng.integers(0, len(specials))]
    return v.astype(dtype)


def random_array(dtype, shape):
    n = int(np.prod(shape))
    if dtype == np.bool_:
        v = rng.random(n) < 0.5
    elif dtype.kind in "iu":
        info = np.iinfo(dtype)
        bits = int(rng.integers(1, info.bits + 1))
        lo = max(info.min, -(2 ** (bits - 1)))
        hi = min(info.max, 2 ** bits - 1)
        v = rng.integers(lo, hi, n, dtype=dtype, endpoint=True)
    elif dtype.kind == "f":
        v = random_floats(n, dtype)
    else:
        part = np.float32 if dtype == np.complex64 else np.float64
        # Set the parts separately: 1j * inf would put a nan in the real part.
        v = np.empty(n, dtype=dtype)
        v.real = random_floats(n, part)
        v.imag = random_floats(n, part)
    return v.reshape(shape)


for i in range(260):
    dtype = NUMERIC[rng.integers(0, len(NUMERIC))]
    ndim = int(rng.choice([1, 1, 1, 2, 2, 3]))
    shape = tuple(int(x) for x in rng.integers(1, {1: 40, 2: 9, 3: 5}[ndim], ndim, endpoint=True))
    a = random_array(dtype, shape)
    view = rng.integers(0, 4)
    if view == 1 and ndim >= 2:
        add_view("random_%d_T" % i, a, lambda x: x.T)
    elif view == 2 and shape[0] > 2:
        add_view("random_%d_step" % i, a, lambda x: x[::-2])
    else:
        add("random_%d" % i, a)

text = "# Generated by tests/unit/gen_format_cases.py with numpy {}; do not edit.\n".format(np.__version__)
text += "".join(cases)
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    f.write(text)
print("{} cases, {} bytes -> {}".format(len(cases), len(text), OUT), file=sys.stderr)
