#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from the test data:
the malformed-expression corpus, a list of valid expressions, the kernel fixtures, the example
kernels and the modules of the kernel unit tests. Run it again after those change; files are named
by the SHA-1 of their content, as libFuzzer names its own."""
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


def unit_test_modules():
    """The kernel modules written as raw strings in the kernel unit tests."""
    found = []
    for name in ("KernelTest.cpp", "KernelDiffTest.cpp"):
        text = (root / "tests/unit" / name).read_text()
        found += [m.encode() for m in re.findall(r'R"\((.*?)\)"', text, re.S) if "def " in m]
    return found


# Kernels that type-check and compile, each reaching constructs the fixtures leave out.
KERNEL_SNIPPETS = [
    "def f(a, b):\n    a, b = b, a\n    return a - b\n",
    "def f(x: float64[:, :]) -> float64:\n    n, m = x.shape\n    t: float64 = 0\n    for i in range(n):\n"
    "        for j in range(m - 1, -1, -1):\n            if x[i, j] < 0:\n                continue\n"
    "            t += x[i, -j]\n    return t\n",
    "def fact(n: int64) -> int64:\n    return 1 if n <= 1 else n * fact(n - 1)\n\ndef g(k):\n    return fact(k)\n",
    "import random\ndef f(n):\n    s = 0.0\n    for i in prange(n):\n        s += random.uniform(-1.0, 1.0)\n"
    "    return s\n",
    "import numpy as np\ndef f(n):\n    a = np.zeros((n, 2), dtype=np.int32)\n    b = [0.0] * n\n"
    "    c = ones_like(b)\n    a[0, 1] += 3\n    return a.size + len(b) + c.ndim\n",
    "import cmath\ndef f(z):\n    w = complex(z, 1.0)\n    return cmath.sqrt(w).real + abs(w) + w.imag\n",
    "def f(a, i):\n    x = a // i % 3 ** 2 << 1 >> 1 & 7 | 8 ^ 1\n    return min(x, 4, i) + max(int(x), 0) + round(float(x))\n",
    "def f(a):\n    while True:\n        a -= 1\n        if not (a > 0 and a != 5) or a == 7:\n            break\n"
    "    return None\n",
]
write("kernel", [p.read_bytes() for p in sorted((root / "examples/kernels").glob("*.py"))] + kernels
      + unit_test_modules() + [k.encode() for k in KERNEL_SNIPPETS] + snippets[:3])
