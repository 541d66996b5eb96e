"""Julia set: escape-time iteration of z -> z * z + c (High Performance Python, chapters 2 and 7).

The inputs are built as the book builds them, by repeated float addition of the step, not by an
evenly spaced grid, so that the count sum is the book's 33219980 for 1000 x 1000 points.
"""
import numpy as np
from numba import prange


def axis(start: float64, stop: float64, step: float64) -> float64[:]:
    """start, start + step, start + 2 * step, ... while short of stop, by repeated addition."""
    n = 0
    v = start
    while (v < stop) if step > 0.0 else (v > stop):
        v += step
        n += 1
    points = zeros(n)
    v = start
    for k in range(n):
        points[k] = v
        v += step
    return points


def initial_zs(width: int64) -> complex128[:]:
    """The width x width starting points in [-1.8, 1.8]^2, row-major with y outer and descending."""
    x1, x2, y1, y2 = -1.8, 1.8, -1.8, 1.8
    xs = axis(x1, x2, (x2 - x1) / width)
    ys = axis(y2, y1, (y1 - y2) / width)
    zs = zeros(len(xs) * len(ys), dtype=np.complex128)
    for j in range(len(ys)):
        for i in range(len(xs)):
            zs[j * len(xs) + i] = complex(xs[i], ys[j])
    return zs


def constants(n: int64) -> complex128[:]:
    """The book's per-point constant array: c a million times, "to simulate several inputs"."""
    return [complex(-0.62772, -0.42193)] * n


def escape_count(z: complex128, c: complex128, maxiter: int64) -> int64:
    """How many updates z = z * z + c happen before |z| reaches 2, at most maxiter. |z|^2 < 4
    gives the same counts as abs(z) < 2 without the square root."""
    n = 0
    while n < maxiter and z.real * z.real + z.imag * z.imag < 4.0:
        z = z * z + c
        n += 1
    return n


def calculate_z(maxiter: int64, zs: complex128[:], cs: complex128[:], output: int64[:]):
    for i in range(len(zs)):
        output[i] = escape_count(zs[i], cs[i], maxiter)


def calculate_z_prange(maxiter: int64, zs: complex128[:], cs: complex128[:], output: int64[:]):
    """calculate_z with the points spread over the runtime's threads: each point is independent."""
    for i in prange(len(zs)):
        output[i] = escape_count(zs[i], cs[i], maxiter)
