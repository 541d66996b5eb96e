"""2-D diffusion: explicit Euler steps of u' = u + D*dt*laplacian(u) on a periodic grid
(High Performance Python, chapters 6 and 7), in the loop form."""


def evolve(grid: float64[:, :], dt: float64, out: float64[:, :], D: float64):
    """One step from grid into out. Neighbours wrap around the edges (periodic boundaries): the
    wrapped rows are chosen with comparisons once per row, and the first and last columns are
    done apart from the others, so that the inner loop has no branch and vectorizes."""
    xmax, ymax = grid.shape[0], grid.shape[1]
    for i in range(xmax):
        up = i - 1 if i > 0 else xmax - 1
        down = i + 1 if i + 1 < xmax else 0
        out[i, 0] = cell(grid, i, 0, up, down, ymax - 1, 1 % ymax, D, dt)
        for j in range(1, ymax - 1):
            out[i, j] = cell(grid, i, j, up, down, j - 1, j + 1, D, dt)
        if ymax > 1:
            out[i, ymax - 1] = cell(grid, i, ymax - 1, up, down, ymax - 2, 0, D, dt)


def cell(grid: float64[:, :], i: int64, j: int64, up: int64, down: int64, left: int64, right: int64,
         D: float64, dt: float64) -> float64:
    """The explicit Euler update of grid[i, j] from its four neighbours."""
    laplacian = (grid[down, j] + grid[up, j] + grid[i, right] + grid[i, left]
                 - 4.0 * grid[i, j])
    return grid[i, j] + D * dt * laplacian


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
