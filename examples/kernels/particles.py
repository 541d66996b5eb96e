"""The particle simulator (Python High Performance Programming, chapters 1-2 and 4-5): particles
move on circles around the origin, each with its own angular speed."""
import math


def evolve(xs: float64[:], ys: float64[:], ang_speeds: float64[:], dt: float64):
    """Advances every particle by dt in steps of 1e-5: int(dt / timestep) steps, so evolve(0.1)
    runs int(0.1 / 1e-5) = 10000 of them
    (and evolve(0.01) 999: the book's float truncation)."""
    timestep = 0.00001
    nsteps = int(dt / timestep)
    for i in range(len(xs)):
        x, y = xs[i], ys[i]
        d = timestep * ang_speeds[i]
        for _ in range(nsteps):
            norm = math.sqrt(x * x + y * y)
            v_x = -y / norm
            v_y = x / norm
            x += d * v_x
            y += d * v_y
        xs[i] = x
        ys[i] = y
