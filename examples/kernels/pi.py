"""Monte Carlo estimate of pi (High Performance Python, chapter 9): the fraction of points drawn
uniformly in the unit square that fall in the quarter circle is pi / 4.

Each block of the prange loop draws from its own random stream (seeded from the module's seed and
the block), so the estimate depends on the seed and not on the thread count."""
import random
from numba import prange


def points_in_quarter_circle(nbr_estimates: int64) -> int64:
    """The book's worker: draws nbr_estimates points, counts those with x^2 + y^2 <= 1."""
    inside = 0
    for _ in prange(nbr_estimates):
        x, y = random.random(), random.random()
        inside += 1 if x * x + y * y <= 1.0 else 0
    return inside


def estimate_pi(nbr_samples: int64) -> float64:
    return 4.0 * points_in_quarter_circle(nbr_samples) / nbr_samples
