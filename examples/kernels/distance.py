"""The distance matrix (Python High Performance Programming, chapter 3): the distances between
every pair of 2-D points, written straight into the N x N result; no N x N x 2 difference array."""
import math


def distances(points: float64[:, :], out: float64[:, :]):
    n = points.shape[0]
    for i in range(n):
        xi, yi = points[i, 0], points[i, 1]
        for j in range(n):
            dx = points[j, 0] - xi
            dy = points[j, 1] - yi
            out[i, j] = math.sqrt(dx * dx + dy * dy)
