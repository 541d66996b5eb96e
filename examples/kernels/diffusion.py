"""2-D diffusion: explicit Euler steps of u' = u + D*dt*laplacian(u) on a periodic grid
(High Performance Python, chapters 6 and 7), in the loop form."""


def evolve(grid: float64[:, :], dt: float64, out: float64[:, :], D: float64):
    """One step from grid into out. Neighbours wrap around the edges (periodic boundaries); the
    wrapped indices are chosen with comparisons, once per row and once per column, rather than
    with a modulo per neighbour."""
    xmax, ymax = grid.shape[0], grid.shape[1]
    for i in range(xmax):
        up = i - 1 if i > 0 else xmax - 1
        down = i + 1 if i + 1 < xmax else 0
        for j in range(ymax):
            left = j - 1 if j > 0 else ymax - 1
            right = j + 1 if j + 1 < ymax else 0
            laplacian = (grid[down, j] + grid[up, j] + grid[i, right] + grid[i, left]
                         - 4.0 * grid[i, j])
            out[i, j] = grid[i, j] + D * dt * laplacian


def initial_grid(n: int64) -> float64[:, :]:
    """0.005 on the block of rows and columns [int(0.4 n), int(0.5 n)), zero elsewhere."""
    grid = zeros((n, n))
    lo, hi = int(n * 0.4), int(n * 0.5)
    for i in range(lo, hi):
        for j in range(lo, hi):
            grid[i, j] = 0.005
    return grid


def run_experiment(n: int64, num_iterations: int64) -> float64:
    """num_iterations steps with D = 1, dt = 0.1 from the initial grid; returns the total, which
    diffusion conserves."""
    grid = initial_grid(n)
    scratch = zeros((n, n))
    for _ in range(num_iterations):
        evolve(grid, 0.1, scratch, 1.0)
        grid, scratch = scratch, grid
    total = 0.0
    for i in range(n):
        for j in range(n):
            total += grid[i, j]
    return total
