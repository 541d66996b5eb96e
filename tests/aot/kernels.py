"""Kernels the AOT test host links: scalars, arrays of both layout classes, a new array, prange
with a reduction, a kernel that raises, and loops an interrupt stops."""
import math


def norm(v: float64[:]) -> float64:
    s = 0.0
    for i in range(len(v)):
        s += v[i] * v[i]
    return math.sqrt(s)


def scaled(a: float64, x: float64[:]):
    out = zeros(len(x))
    for i in prange(len(x)):
        out[i] = a * x[i]
    return out


def count_primes(n: int64) -> int64:
    count = 0
    for k in prange(2, n):
        prime = 1
        d = 2
        while d * d <= k:
            if k % d == 0:
                prime = 0
                break
            d += 1
        count += prime
    return count


def at(x: float64[:], i: int64) -> float64:
    return x[i]
