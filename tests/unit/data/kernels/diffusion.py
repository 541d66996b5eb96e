"""2-D diffusion: explicit Euler steps on a periodic grid (High Performance Python, chapter 6)."""
import numpy as np


def evolve(grid: float64[:, :], dt: float64, out: float64[:, :], D: float64) -> None:
    xmax, ymax = grid.shape[0], grid.shape[1]
    for i in range(xmax):
        for j in range(ymax):
            # the periodic Laplacian: neighbours wrap around the edges
            grid_xx = (grid[(i + 1) % xmax, j] + grid[(i - 1) % xmax, j]
                       - 2.0 * grid[i, j])
            grid_yy = grid[i, (j + 1) % ymax] + grid[i, (j - 1) % ymax] \
                - 2.0 * grid[i, j]
            out[i, j] = grid[i, j] + D * (grid_xx + grid_yy) * dt


def run_experiment(grid: float64[:, :], scratch: float64[:, :], num_iterations: int64) -> float64:
    for _ in range(num_iterations):
        evolve(grid, 0.1, scratch, 1.0)
        grid, scratch = scratch, grid
    total = 0.0
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            total += grid[i, j]
    return total
