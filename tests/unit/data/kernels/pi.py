"""Monte Carlo estimate of pi (High Performance Python, chapter 9)."""
import random
from numba import njit, prange


@njit(parallel=True)
def estimate_pi(nbr_samples: int64) -> float64:
    inside = 0
    for _ in prange(nbr_samples):
        x = random.random()
        y = random.random()
        if x * x + y * y <= 1.0:
            inside += 1
    return 4.0 * inside / nbr_samples
