"""Vector norm (High Performance Python, chapter 6): one fused loop, no temporary for v * v."""
import math


def norm_square(vector: float64[:]) -> float64:
    norm = 0.0
    for i in range(len(vector)):
        norm += vector[i] * vector[i]
    return norm


def norm(vector: float64[:]) -> float64:
    return math.sqrt(norm_square(vector))
