"""The particle simulator's evolve step (High Performance Python, chapter 1), over arrays."""


def evolve(xs: float64[:], ys: float64[:], ang_vels: float64[:], dt: float64):
    timestep = 0.00001
    nsteps = int(dt / timestep)
    for i in range(len(xs)):
        x, y = xs[i], ys[i]; ang_vel = ang_vels[i]
        for _ in range(nsteps):
            norm = (x ** 2 + y ** 2) ** 0.5
            v_x = -y / norm
            v_y = x / norm
            d_x = timestep * ang_vel * v_x
            d_y = timestep * ang_vel * v_y
            x += d_x
            y += d_y
        xs[i] = x
        ys[i] = y
