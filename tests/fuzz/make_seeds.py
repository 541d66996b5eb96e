#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from the test data:
the malformed-expression corpus, a list of valid expressions, the kernel fixtures. Run it again
after those change; files are named by the SHA-1 of their content, as libFuzzer names its own."""
import hashlib
import os
import random
import re
import shutil
from pathlib import Path

root = Path(__file__).resolve().parents[2]
out = root / "tests/fuzz/corpus"

VALID = [
    "2*a + 3*b**2 > c", "a + b", "sin(a) + arcsinh(a/b)", "where(a > 0, a, -a)", "sum(a * b, axis=0)",
    "a // b % 3", "(a << 2) >> 1", "~(a & b) | c ^ d", "abs(c).real + c.imag", "contains(s, b'ab')",
    "1e-3 * a + 4j", "-9223372036854775808 + i", "maximum(a, nan)", "a.real.imag", "np.sqrt(a) + math.exp(b)",
    "prod(a, axis=-1)", "min(a) + max(b)", "round(a) + trunc(b) + sign(c)", "arctan2(a, b) + hypot(a, b)",
    "where(isnan(a), 0.0, a)", "copysign(1.0, a) * nextafter(a, b)", "complex(a, b) * conj(c)", "a ** -1.5",
    "a if b else c", "a and b", "f(x)(y)", "a[0]", "(a, b)", "0x1F + 0o17 + 0b1 + 1_000", "1e400", "'abc' == s",
    "\u00e9 + a", "a +\n b", "((((a))))", "a < b < c", "not a", "lambda: 0", "__import__('os')", "a.__class__",
]


def decode(s):
    """The "esc:" form of tests/unit/data/error_corpus.txt."""
    if not s.startswith("esc:"):
        return s.encode()
    s, out, i = s[4:], bytearray(), 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "x":
                out.append(int(s[i + 2:i + 4], 16))
                i += 4
                continue
            out += {"n": b"\n", "r": b"\r", "t": b"\t", "\\": b"\\"}.get(n, n.encode())
            i += 2
            continue
        out += c.encode()
        i += 1
    return bytes(out)


def expressions():
    exprs = [e.encode() for e in VALID]
    for line in (root / "tests/unit/data/error_corpus.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split(" | ", 3)
        if len(parts) == 4:
            exprs.append(decode(parts[3]))
    return exprs


def write(target, items):
    d = out / target
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    for data in items:
        (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


rng = random.Random(8)
exprs = expressions()
write("parse_expr", exprs)
# The infer target reads its operand types from the first byte.
write("infer", [bytes([rng.randrange(256)]) + e for e in exprs])
kernels = [p.read_bytes() for p in sorted((root / "tests/unit/data/kernels").glob("*.py"))]
snippets = [b"def f(a):\n    return a\n", b"import math\nfrom math import sqrt\ndef f(x: float64[:, :]) -> float64:\n"
            b"    s = 0.0\n    for i in prange(len(x)):\n        s += sqrt(x[i, 0])\n    return s\n",
            b"def g(n: int64):\n    while n > 0:\n        if n % 2 == 0:\n            n //= 2\n        elif n == 3:\n"
            b"            break\n        else:\n            n = 3 * n + 1\n    return n\n",
            b"class A:\n    pass\n", b"def f(:\n", b"def f(a):\n\treturn a\n        pass\n"]
write("parse_module", kernels + snippets)
# The generator of the eval target reads any bytes.
write("eval", [rng.randbytes(rng.randrange(16, 128)) for _ in range(32)])
