#!/usr/bin/python3
"""The book workloads of docs/workloads.md in numpy, numexpr, Numba and pure Python: one
(workload, variant) pair per process, timed cold and warm, each checking its own result.

    /usr/bin/python3 bench/workloads/pyworkloads.py WORKLOAD VARIANT [--repeat R] [--threads T] [--save PATH]
    /usr/bin/python3 bench/workloads/pyworkloads.py --list

The inputs are built first (not timed). Then one call, `first_s` (for Numba it includes the
compile: the cold figure), and R more calls: `warm_s` is their median, `best_s` their minimum,
`runs` is R. Every result is checked outside the timing; a result's inputs are rebuilt before each
call (not timed) where the call changes them. Checks that call the variant's code on a small
problem (diffusion, particles) run after the timed calls, so that Numba's first call is the timed one.

The last line of stdout is one JSON object: workload, variant, size, reduced (and why, in note),
first_s, warm_s, best_s, runs, threads, ok, check (what was found against what was wanted), note,
import_s (from the top of this script to numpy and the variant's tool imported),
process_first_result_s (from the interpreter's start, read from /proc, to the end of the first
call; `process_clock` says which clock: "script start" where /proc cannot tell), peak_rss_mb, the
versions of the modules imported, and fields of the workload's own (checksum, dot_warm_s, ...).
Progress goes to stderr. Exit status: 0 when the check passes, 1 when it fails, 2 for a pair
that does not apply (or a bad command line).

Threads: numexpr runs on --threads (default 1); Monte Carlo pi in Numba is the one parallel
kernel (prange), on --threads or Numba's default; everything else is serial, and numpy's BLAS
(np.dot) is held to one thread.
"""

import time

SCRIPT_START = time.perf_counter()

import argparse
import gc
import json
import math
import os
import random
import resource
import statistics
import sys
import traceback


def process_age():
    """Seconds since this interpreter started, from /proc (a resolution of 1/CLK_TCK, 10 ms), or
    None where /proc does not give a believable figure."""
    try:
        with open("/proc/self/stat") as f:
            stat = f.read()
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        start_ticks = int(stat[stat.rindex(")") + 2:].split()[19])  # field 22, starttime
        age = uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return age if 0.0 <= age < 10.0 else None


AGE_AT_SCRIPT_START = process_age()

# numpy is single-threaded; its BLAS (np.dot of the norm) is held to one thread as well.
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
import numpy as np  # noqa: E402

ne = None  # numexpr, imported for the numexpr variants only
numba = None  # the same for Numba

SEED = 2014


# --- what every workload hands the driver ------------------------------------------------------

class Plan:
    """One (workload, variant) pair. `call(*prepare())` is what is timed; `check(result)` returns
    (ok, text, fields) for one result; `after()`, run once after all timed calls, returns the same
    for checks that run the variant's code again or time something else."""

    def __init__(self, size, call, check, prepare=tuple, reduced=False, note="", threads=1,
                 after=None, save=None):
        self.size, self.call, self.check, self.prepare = size, call, check, prepare
        self.reduced, self.note, self.threads = reduced, note, threads
        self.after, self.save = after, save


def rel_err(got, want):
    return abs(got - want) / abs(want)


def verdict(ok, text, **fields):
    return bool(ok), text, fields


# --- Julia set ---------------------------------------------------------------------------------

JULIA_C = complex(-0.62772, -0.42193)
JULIA_MAXITER = 300


def julia_inputs(width):
    """The book's points and constants: coordinates by repeated addition of the step (x from -1.8
    while x < 1.8, y from 1.8 down while y > -1.8), row-major with y outer; c once per point."""
    x1, x2, y1, y2 = -1.8, 1.8, -1.8, 1.8
    x_step, y_step = (x2 - x1) / width, (y1 - y2) / width
    xs, ys = [], []
    x = x1
    while x < x2:
        xs.append(x)
        x += x_step
    y = y2
    while y > y1:
        ys.append(y)
        y += y_step
    zs = [complex(x, y) for y in ys for x in xs]
    return zs, [JULIA_C] * len(zs), (len(ys), len(xs))


def julia_numpy(zs, cs, maxiter):
    """Vectorized: every iteration tests all points and updates those still running (|z|^2 < 4);
    a point that has escaped stays escaped, since its z no longer changes."""
    z = zs.copy()
    counts = np.zeros(len(z), dtype=np.int64)
    for _ in range(maxiter):
        running = z.real * z.real + z.imag * z.imag < 4.0
        z[running] = z[running] * z[running] + cs[running]
        counts += running
    return counts


def julia_numexpr(zs, cs, maxiter):
    """julia_numpy with numexpr doing each pass: the counts first (they read the z of this
    iteration), then z in place; no mask array, but every point is touched every iteration."""
    z = zs.copy()
    counts = np.zeros(len(z), dtype=np.int64)
    running = "real(z) * real(z) + imag(z) * imag(z) < 4"
    count_step = f"where({running}, counts + 1, counts)"
    z_step = f"where({running}, z * z + cs, z)"
    names = {"z": z, "cs": cs, "counts": counts}
    for _ in range(maxiter):
        ne.evaluate(count_step, local_dict=names, out=counts)
        ne.evaluate(z_step, local_dict=names, out=z)
    return counts


def julia_numba():
    from numba import njit

    @njit
    def escape_count(z, c, maxiter):
        n = 0
        while n < maxiter and z.real * z.real + z.imag * z.imag < 4.0:
            z = z * z + c
            n += 1
        return n

    @njit
    def calculate_z(zs, cs, maxiter):
        output = np.zeros(len(zs), dtype=np.int64)
        for i in range(len(zs)):
            output[i] = escape_count(zs[i], cs[i], maxiter)
        return output

    return calculate_z


def julia_python(zs, cs, maxiter):
    """The book's calculate_z_serial_purepython."""
    output = [0] * len(zs)
    for i in range(len(zs)):
        n = 0
        z = zs[i]
        c = cs[i]
        while n < maxiter and abs(z) < 2:
            z = z * z + c
            n += 1
        output[i] = n
    return output


def julia(variant, threads):
    width = 200 if variant == "python" else 1000
    zs_list, cs_list, shape = julia_inputs(width)
    zs, cs = np.array(zs_list, dtype=np.complex128), np.array(cs_list, dtype=np.complex128)
    maxiter = JULIA_MAXITER
    size = f"{shape[1]}x{shape[0]}, {maxiter} iterations"

    def counts_of(result):
        return np.asarray(result, dtype=np.int64)

    if width == 1000:
        def check(result):
            counts = counts_of(result)
            total, at_max = int(counts.sum()), int(np.count_nonzero(counts == maxiter))
            return verdict(counts.shape == (1_000_000,) and total == 33219980 and at_max == 100321,
                           f"{counts.size} points, count sum {total} (wanted 33219980), "
                           f"{at_max} points at {maxiter} (wanted 100321)")
    else:
        reference = {}

        def check(result):
            if "counts" not in reference:  # computed once, outside the timing
                reference["counts"] = julia_numpy(zs, cs, maxiter)
            counts, want = counts_of(result), reference["counts"]
            differ = int(np.count_nonzero(counts != want)) if counts.shape == want.shape else -1
            return verdict(differ == 0,
                           f"count sum {int(counts.sum())}, {differ} of {want.size} points differ from "
                           f"the numpy-vectorized counts at the same width (sum {int(want.sum())})")

    def save(result, path):
        np.save(path, counts_of(result).reshape(shape))

    if variant == "python":
        return Plan(size, lambda: julia_python(zs_list, cs_list, maxiter), check, reduced=True,
                    note="pure Python at width 200 (the full 1000x1000 takes minutes); abs(z) < 2 as "
                         "in the book", save=save)
    if variant == "numba":
        calculate_z = julia_numba()
        return Plan(size, lambda: calculate_z(zs, cs, maxiter), check,
                    note="@njit, serial: a loop over points calling an escape-count function", save=save)
    if variant == "numpy":
        return Plan(size, lambda: julia_numpy(zs, cs, maxiter), check,
                    note="vectorized over all points with a mask of those still running", save=save)
    return Plan(size, lambda: julia_numexpr(zs, cs, maxiter), check, threads=threads,
                note="vectorized; ne.evaluate does each iteration's count and z update", save=save)


# --- 2-D diffusion -----------------------------------------------------------------------------

DIFFUSION_D, DIFFUSION_DT = 1.0, 0.1


def diffusion_initial(n):
    """0.005 on the block of rows and columns [int(0.4 n), int(0.5 n)), zero elsewhere."""
    grid = np.zeros((n, n))
    lo, hi = int(n * 0.4), int(n * 0.5)
    grid[lo:hi, lo:hi] = 0.005
    return grid, 0.005 * (hi - lo) ** 2


def diffusion_reference(grid, steps):
    """An independent oracle: np.roll's periodic neighbours, allocating each step."""
    for _ in range(steps):
        lap = (np.roll(grid, 1, 0) + np.roll(grid, -1, 0) + np.roll(grid, 1, 1) + np.roll(grid, -1, 1)
               - 4.0 * grid)
        grid = grid + DIFFUSION_D * DIFFUSION_DT * lap
    return grid


def roll_add(rollee, shift, axis, out):
    """out += np.roll(rollee, shift, axis), by slice additions (the book's hand-made roll)."""
    if shift == 1 and axis == 0:
        out[1:, :] += rollee[:-1, :]
        out[0, :] += rollee[-1, :]
    elif shift == -1 and axis == 0:
        out[:-1, :] += rollee[1:, :]
        out[-1, :] += rollee[0, :]
    elif shift == 1 and axis == 1:
        out[:, 1:] += rollee[:, :-1]
        out[:, 0] += rollee[:, -1]
    else:
        out[:, :-1] += rollee[:, 1:]
        out[:, -1] += rollee[:, 0]


def laplacian(grid, out):
    np.copyto(out, grid)
    out *= -4
    roll_add(grid, +1, 0, out)
    roll_add(grid, -1, 0, out)
    roll_add(grid, +1, 1, out)
    roll_add(grid, -1, 1, out)


def diffusion_numpy(grid, out, steps):
    """The book's "numpy in place + laplacian": no allocation per step, grid updated in place."""
    for _ in range(steps):
        laplacian(grid, out)
        out *= DIFFUSION_D * DIFFUSION_DT
        grid += out
    return grid


def diffusion_numexpr(grid, out, steps):
    """The same laplacian, the update done by numexpr in one pass."""
    names = {"out": out, "grid": grid, "D": DIFFUSION_D, "dt": DIFFUSION_DT}
    for _ in range(steps):
        laplacian(grid, out)
        ne.evaluate("out*D*dt+grid", local_dict=names, out=grid)
    return grid


def diffusion_numba():
    from numba import njit

    @njit
    def evolve(grid, out, dt, D):
        xmax, ymax = grid.shape
        for i in range(xmax):
            for j in range(ymax):
                grid_xx = grid[(i + 1) % xmax, j] + grid[(i - 1) % xmax, j] - 2.0 * grid[i, j]
                grid_yy = grid[i, (j + 1) % ymax] + grid[i, (j - 1) % ymax] - 2.0 * grid[i, j]
                out[i, j] = grid[i, j] + D * (grid_xx + grid_yy) * dt

    @njit
    def run(grid, scratch, steps, dt, D):
        for _ in range(steps):
            evolve(grid, scratch, dt, D)
            grid, scratch = scratch, grid
        return grid

    return lambda grid, scratch, steps: run(grid, scratch, steps, DIFFUSION_DT, DIFFUSION_D)


def diffusion_python(grid, scratch, steps):
    """The book's pure Python evolve on lists of lists, a new grid each step; scratch unused."""
    xmax, ymax = len(grid), len(grid[0])
    dt, D = DIFFUSION_DT, DIFFUSION_D
    for _ in range(steps):
        new_grid = [[0.0] * ymax for _ in range(xmax)]
        for i in range(xmax):
            for j in range(ymax):
                grid_xx = grid[(i + 1) % xmax][j] + grid[(i - 1) % xmax][j] - 2.0 * grid[i][j]
                grid_yy = grid[i][(j + 1) % ymax] + grid[i][(j - 1) % ymax] - 2.0 * grid[i][j]
                new_grid[i][j] = grid[i][j] + D * (grid_xx + grid_yy) * dt
        grid = new_grid
    return grid


def diffusion_plan(variant, threads, evolve, as_lists=False):
    """A plan for one of the diffusion forms: evolve(grid, scratch, steps) returns the last grid."""
    n, steps, mass_tol = (64, 50, 1e-12) if as_lists else (1024, 500, 1e-9)
    initial, wanted = diffusion_initial(n)

    def prepare():
        if as_lists:
            return initial.tolist(), None, steps
        return initial.copy(), np.zeros_like(initial), steps

    block = initial > 0

    def check(result):
        grid = np.asarray(result, dtype=np.float64)
        if grid.shape != (n, n):
            return verdict(False, f"shape {grid.shape} (wanted {(n, n)})")
        total = float(grid.sum())
        moved = float(grid[~block].sum()) / wanted
        return verdict(rel_err(total, wanted) <= mass_tol and moved > 0,
                       f"total {total!r} (wanted {wanted!r}, the initial mass, within {mass_tol:g} "
                       f"relative), {moved:.3g} of it out of the initial block (wanted > 0)")

    def after():
        # The variant's step against np.roll's on a small grid: mass conservation alone would
        # pass a step that does nothing or moves mass the wrong way.
        small, _ = diffusion_initial(64)
        grid = small.tolist() if as_lists else small.copy()
        got = np.asarray(evolve(grid, None if as_lists else np.zeros_like(small), 50))
        want = diffusion_reference(small, 50)
        worst = float(np.max(np.abs(got - want))) / float(np.max(np.abs(want)))
        return verdict(worst <= 1e-12, f"64x64, 50 steps against np.roll: largest difference "
                                       f"{worst:.2g} of the largest value (wanted <= 1e-12)")

    note = {"numba": "@njit loop form with modulo indexing (the book's pure Python evolve)",
            "numpy": "the book's numpy in place + laplacian (slice additions into a preallocated out)",
            "numexpr": "the same laplacian; the update ne.evaluate(\"out*D*dt+grid\", out=grid)",
            "python": "pure Python lists at 64x64 and 50 steps (the full size takes minutes)"}[variant]
    return Plan(f"{n}x{n}, {steps} steps", evolve, check, prepare=prepare, reduced=as_lists, note=note,
                threads=threads if variant == "numexpr" else 1, after=after)


def diffusion(variant, threads):
    if variant == "numba":
        return diffusion_plan(variant, threads, diffusion_numba())
    return diffusion_plan(variant, threads, diffusion_python, as_lists=True)


def diffusion_expr(variant, threads):
    return diffusion_plan(variant, threads, diffusion_numpy if variant == "numpy" else diffusion_numexpr)


# --- vector norm -------------------------------------------------------------------------------

def norm(variant, threads):
    n = 1_000_000
    exact = n * (n - 1) * (2 * n - 1) // 6
    v = np.arange(n, dtype=np.float64)

    # A loop's running sum rounds at each of its n - 1 additions: the classic bound on its relative
    # error is (n - 1) u, u = 2^-53, 1.1e-10 here (a sequential sum of these squares is 1.1e-12
    # off). Leaving out the last square alone would be 3e-6 off.
    tol = (n - 1) * 2.0 ** -53

    def check(result):
        err = rel_err(float(result), exact)
        return verdict(err <= tol, f"sum of squares {float(result)!r}, relative error {err:.2g} from "
                                   f"n(n-1)(2n-1)/6 = {exact} (wanted <= (n-1) 2^-53 = {tol:.2g})")

    size = "1e6 float64"
    if variant == "numpy":
        def after():
            # np.dot: the BLAS reduction, no v * v temporary; one untimed call, then `runs` timed.
            ok, text, _ = check(np.dot(v, v))
            times = []
            for _ in range(max(ARGS.repeat, 1)):
                t0 = time.perf_counter()
                dot = np.dot(v, v)
                times.append(time.perf_counter() - t0)
                ok = ok and check(dot)[0]
            return verdict(ok, "np.dot: " + text, dot_warm_s=statistics.median(times))
        return Plan(size, lambda: np.sum(v * v), check, after=after, note="np.sum(v*v); np.dot(v, v) in dot_warm_s")
    if variant == "numexpr":
        return Plan(size, lambda: ne.evaluate("sum(v*v)", local_dict={"v": v}), check, threads=threads, note='ne.evaluate("sum(v*v)")')
    if variant == "numba":
        from numba import njit

        @njit
        def norm_square(vector):
            total = 0.0
            for i in range(len(vector)):
                total += vector[i] * vector[i]
            return total
        return Plan(size, lambda: norm_square(v), check, note="@njit loop")
    floats = [float(i) for i in range(n)]
    return Plan("1e6 Python floats", lambda: sum(x * x for x in floats), check,
                note="sum(x * x for x in a list of floats)")


# --- Monte Carlo pi ----------------------------------------------------------------------------

def pi(variant, threads):
    n = 1_000_000 if variant == "python" else 10_000_000
    # The estimate's standard error is 4 sqrt(p (1 - p) / n) with p = pi / 4: 5.2e-4 at 1e7, so a
    # fixed 1e-3 would be two standard errors. Five of them fail a correct estimator about once
    # in two million runs, and still catch a biased one.
    size = f"1e{len(str(n)) - 1} samples"
    p = math.pi / 4
    sigma = 4 * math.sqrt(p * (1 - p) / n)
    tol = 5 * sigma

    def check(count):
        estimate = 4.0 * int(count) / n
        err = abs(estimate - math.pi)
        return verdict(err < tol, f"pi ~ {estimate!r}, |error| {err:.2g} (wanted < {tol:.2g}, five standard "
                                  f"errors of {sigma:.2g} at {size})", pi=estimate)

    if variant == "numpy":
        chunk = 1_000_000

        def count_inside():
            rng = np.random.default_rng(SEED)
            inside = 0
            for _ in range(n // chunk):
                x, y = rng.random(chunk), rng.random(chunk)
                inside += int(np.count_nonzero(x * x + y * y <= 1.0))
            return inside
        return Plan(size, count_inside, check, note="np.random.default_rng arrays in chunks of 1e6")
    if variant == "numba":
        from numba import njit, prange
        if threads:
            numba.set_num_threads(threads)
        blocks = 100

        @njit(parallel=True)
        def count_inside(blocks, per_block, seed):
            # Each block seeds the generator of the thread that runs it, so the count does not
            # depend on how blocks are spread over threads.
            inside = 0
            for b in prange(blocks):
                np.random.seed(seed + b)
                k = 0
                for _ in range(per_block):
                    x = np.random.random()
                    y = np.random.random()
                    if x * x + y * y <= 1.0:
                        k += 1
                inside += k
            return inside
        return Plan(size, lambda: count_inside(blocks, n // blocks, SEED), check, threads=numba.get_num_threads(),
                    note=f"@njit(parallel=True), prange over {blocks} blocks, each seeding np.random")

    def count_inside():
        draw = random.Random(SEED).random
        inside = 0
        for _ in range(n):
            x, y = draw(), draw()
            if x * x + y * y <= 1.0:
                inside += 1
        return inside
    return Plan(size, count_inside, check, reduced=True,
                note="pure Python random.random loop at 1e6 samples (1e7 takes several seconds a call)")


# --- primes by trial division ------------------------------------------------------------------

PRIMES_FULL = [(112272535095295, False), (100109100129100369, False), (100109100129101027, False),
               (100109100129100151, True), (100109100129162907, True)]
PRIMES_REDUCED = [(112272535095295, False), (1000000007, True), (999999000001, True)]


def check_prime_python(n):
    """The book's check_prime: even is not prime; odd divisors from 3 up to int(sqrt(n) + 1)."""
    if n % 2 == 0:
        return False
    for i in range(3, int(math.sqrt(n) + 1), 2):
        if n % i == 0:
            return False
    return True


def check_prime_numpy(n, chunk=1_000_000):
    """check_prime over chunks of `chunk` odd divisors, stopping at the first chunk that divides."""
    if n % 2 == 0:
        return False
    stop = int(math.sqrt(n) + 1)
    big = np.int64(n)
    for start in range(3, stop, 2 * chunk):
        divisors = np.arange(start, min(start + 2 * chunk, stop), 2, dtype=np.int64)
        if not np.all(big % divisors):
            return False
    return True


def primes(variant, threads):
    cases = PRIMES_REDUCED if variant == "python" else PRIMES_FULL
    numbers = [n for n, _ in cases]

    def check(statuses):
        found = ",".join("yes" if s else "no" for s in statuses)
        wanted = ",".join("yes" if w else "no" for _, w in cases)
        return verdict(found == wanted, f"prime: {found} (wanted {wanted})")

    size = f"{len(numbers)} numbers of {len(str(min(numbers)))} to {len(str(max(numbers)))} digits"
    if variant == "numba":
        from numba import njit
        check_prime = njit(check_prime_python)
        return Plan(size, lambda: [bool(check_prime(n)) for n in numbers], check, note="@njit loop")
    if variant == "numpy":
        return Plan(size, lambda: [check_prime_numpy(n) for n in numbers], check,
                    note="n % divisors over chunks of 1e6 odd divisors, early exit")
    return Plan(size, lambda: [check_prime_python(n) for n in numbers], check, reduced=True,
                note="pure Python on 112272535095295 and the primes 1000000007 and 999999000001 "
                     "(an 18-digit prime takes minutes)")


# --- particle simulator ------------------------------------------------------------------------

TIMESTEP = 0.00001
PARTICLES_TEST = [(0.3, 0.5, +1), (0.0, -0.5, -1), (-0.1, -0.4, +3)]
PARTICLES_TEST_WANTED = [(0.210269, 0.543863), (-0.099334, -0.490034), (0.191358, -0.365227)]


class Particle:
    def __init__(self, x, y, ang_speed):
        self.x, self.y, self.ang_speed = x, y, ang_speed


def evolve_python(particles, dt):
    """The book's ParticleSimulator.evolve: every particle takes each step in turn."""
    nsteps = int(dt / TIMESTEP)
    for _ in range(nsteps):
        for p in particles:
            norm = (p.x ** 2 + p.y ** 2) ** 0.5
            v_x = (-p.y) / norm
            v_y = p.x / norm
            d_x = TIMESTEP * p.ang_speed * v_x
            d_y = TIMESTEP * p.ang_speed * v_y
            p.x += d_x
            p.y += d_y
    return [(p.x, p.y) for p in particles]


def evolve_numpy(r_i, ang_speed_i, dt):
    """The book's evolve_numpy: vectorized over particles, a loop over steps."""
    nsteps = int(dt / TIMESTEP)
    for _ in range(nsteps):
        norm_i = np.sqrt((r_i ** 2).sum(axis=1))
        v_i = r_i[:, [1, 0]]
        v_i[:, 0] *= -1
        v_i /= norm_i[:, np.newaxis]
        d_i = TIMESTEP * ang_speed_i[:, np.newaxis] * v_i
        r_i += d_i
    return r_i


def particles_numba():
    from numba import njit

    @njit
    def evolve(r, ang_speed, dt):
        timestep = 0.00001
        nsteps = int(dt / timestep)
        for k in range(len(ang_speed)):
            x, y, speed = r[k, 0], r[k, 1], ang_speed[k]
            for _ in range(nsteps):
                norm = np.sqrt(x * x + y * y)
                v_x = -y / norm
                v_y = x / norm
                x += timestep * speed * v_x
                y += timestep * speed * v_y
            r[k, 0] = x
            r[k, 1] = y
        return r

    return evolve


def particles(variant, threads):
    n = 100 if variant == "python" else 1000
    dt = 0.1
    # x, y, speed per row; the first 100 rows are the same for N = 100 and N = 1000.
    start = np.random.default_rng(SEED).uniform(-1.0, 1.0, size=(n, 3))

    if variant == "python":
        def prepare_from(rows):
            return [(float(x), float(y)) for x, y, _ in rows], [float(s) for _, _, s in rows]

        def evolve(state, speeds):
            return evolve_python([Particle(x, y, s) for (x, y), s in zip(state, speeds)], dt)
    else:
        evolve_arrays = particles_numba() if variant == "numba" else evolve_numpy

        def prepare_from(rows):
            return np.ascontiguousarray(rows[:, :2]), np.ascontiguousarray(rows[:, 2])

        def evolve(state, speeds):
            return evolve_arrays(state, speeds, dt)

    def check(result):
        final = np.asarray(result, dtype=np.float64)
        finite = final.shape == (n, 2) and bool(np.all(np.isfinite(final)))
        # Motion on circles: each particle keeps its distance from the origin.
        drift = float(np.max(np.abs(np.hypot(final[:, 0], final[:, 1]) - np.hypot(start[:, 0], start[:, 1]))))
        return verdict(finite and drift < 1e-3,
                       f"{n} particles, largest change of radius {drift:.2g} (wanted < 1e-3)",
                       checksum=float(final.sum()), checksum_100=float(final[:100].sum()))

    def after():
        # The book's three-particle test, on the variant's own evolve (after the timed calls, so
        # that Numba's first call is the timed one).
        got = np.asarray(evolve(*prepare_from(np.array(PARTICLES_TEST, dtype=np.float64))))
        worst = float(np.max(np.abs(got - np.array(PARTICLES_TEST_WANTED))))
        return verdict(worst <= 1e-5, f"three-particle test: largest difference {worst:.2g} (wanted <= 1e-5)")

    note = {"numba": "@njit: a loop over particles, an inner loop over steps",
            "numpy": "the book's evolve_numpy: vectorized over particles, a loop over steps",
            "python": "the book's pure Python classes at N = 100 (its first 100 particles are those of "
                      "N = 1000: compare checksum_100)"}[variant]
    return Plan(f"{n} particles, {int(dt / TIMESTEP)} steps", evolve, check, prepare=lambda: prepare_from(start),
                reduced=variant == "python", note=note, after=after)


# --- distance matrix ---------------------------------------------------------------------------

def distance_numba():
    from numba import njit

    @njit
    def distances(points):
        n = points.shape[0]
        out = np.empty((n, n))
        for i in range(n):
            xi, yi = points[i, 0], points[i, 1]
            for j in range(n):
                dx = points[j, 0] - xi
                dy = points[j, 1] - yi
                out[i, j] = np.sqrt(dx * dx + dy * dy)
        return out

    return distances


def distance_numexpr(points):
    a, b = points[:, np.newaxis, :], points[np.newaxis, :, :]
    s = ne.evaluate("sum((a - b)**2, axis=2)", local_dict={"a": a, "b": b})
    return ne.evaluate("sqrt(s)", local_dict={"s": s}, out=s)


def distance_python(points):
    return [[math.sqrt((xi - xj) ** 2 + (yi - yj) ** 2) for xj, yj in points] for xi, yi in points]


def distance(variant, threads):
    n = 300 if variant == "python" else 10_000
    points = np.random.default_rng(SEED).random((n, 2))
    picks = np.random.default_rng(SEED + 1).integers(0, n, size=(1000, 2))

    def check(result):
        d = np.asarray(result, dtype=np.float64)
        if d.shape != (n, n):
            return verdict(False, f"shape {d.shape} (wanted {(n, n)})")
        # In blocks of rows, so that the check adds little to the peak memory reported.
        symmetric = all(np.array_equal(d[i:i + 500], d[:, i:i + 500].T) for i in range(0, n, 500))
        zero_diagonal = not np.any(np.diagonal(d))
        worst = 0.0
        for i, j in picks:
            want = math.hypot(points[i, 0] - points[j, 0], points[i, 1] - points[j, 1])
            err = abs(d[i, j] - want) / want if want else abs(d[i, j])
            worst = max(worst, err)
        return verdict(symmetric and zero_diagonal and worst <= 1e-12,
                       f"symmetric: {symmetric}, zero diagonal: {zero_diagonal}, 1000 random entries "
                       f"against math.hypot: largest relative difference {worst:.2g} (wanted <= 1e-12)")

    size = f"{n} points, {n}x{n} matrix"
    if variant == "numpy":
        def distances():
            d = points[:, None, :] - points[None, :, :]
            return np.sqrt((d ** 2).sum(axis=2))
        return Plan(size, distances, check, note="broadcasting: an N x N x 2 temporary, then sqrt(sum(d**2, axis=2))")
    if variant == "numexpr":
        return Plan(size, lambda: distance_numexpr(points), check, threads=threads,
                    note='ne.evaluate("sum((a - b)**2, axis=2)") over broadcast views, then sqrt in place')
    if variant == "numba":
        distances = distance_numba()
        return Plan(size, lambda: distances(points), check, note="@njit double loop")
    as_list = points.tolist()
    return Plan(size, lambda: distance_python(as_list), check, reduced=True,
                note="pure Python lists at N = 300 (the full 1e8 entries take about a minute)")


# --- the driver --------------------------------------------------------------------------------

WORKLOADS = {
    "julia": (julia, ["python", "numpy", "numexpr", "numba"]),
    "diffusion": (diffusion, ["python", "numba"]),
    "diffusion_expr": (diffusion_expr, ["numpy", "numexpr"]),
    "norm": (norm, ["python", "numpy", "numexpr", "numba"]),
    "pi": (pi, ["python", "numpy", "numba"]),
    "primes": (primes, ["python", "numpy", "numba"]),
    "particles": (particles, ["python", "numpy", "numba"]),
    "distance": (distance, ["python", "numpy", "numexpr", "numba"]),
}
VARIANTS = ["python", "numpy", "numexpr", "numba"]
ARGS = None


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def timed(plan):
    """One call with its inputs prepared first; returns (seconds, result). The collector is off
    during the call, as timeit does."""
    args = plan.prepare()
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        result = plan.call(*args)
        return time.perf_counter() - t0, result
    finally:
        gc.enable()


def main():
    global ne, numba, ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", nargs="?", choices=list(WORKLOADS))
    parser.add_argument("variant", nargs="?", choices=VARIANTS)
    parser.add_argument("--repeat", type=int, default=3, help="warm calls after the first (default 3)")
    parser.add_argument("--threads", type=int, default=None,
                        help="numexpr's threads (default 1); Numba's for the parallel pi (default Numba's)")
    parser.add_argument("--save", metavar="PATH", help="julia: save the counts (int64, height x width) as .npy")
    parser.add_argument("--list", action="store_true", help="print the applicable 'workload variant' pairs")
    ARGS = args = parser.parse_args()
    if args.list:
        for workload, (_, variants) in WORKLOADS.items():
            for variant in variants:
                print(workload, variant)
        return 0
    if args.workload is None or args.variant is None:
        parser.error("WORKLOAD and VARIANT are required (or --list)")
    if args.repeat < 0 or (args.threads is not None and args.threads < 1):
        parser.error("--repeat must be >= 0 and --threads >= 1")
    make_plan, variants = WORKLOADS[args.workload]
    if args.variant not in variants:
        log(f"pyworkloads.py: {args.workload} has no {args.variant} variant (it has {', '.join(variants)})")
        return 2
    if args.save and args.workload != "julia":
        log("pyworkloads.py: --save applies to julia only")
        return 2

    threads = args.threads
    if args.variant == "numexpr":
        os.environ.setdefault("NUMEXPR_MAX_THREADS", str(max(threads or 1, os.cpu_count() or 1)))
        import numexpr
        ne = numexpr
        threads = threads or 1
        ne.set_num_threads(threads)
    elif args.variant == "numba":
        import numba as numba_module
        numba = numba_module
    import_s = time.perf_counter() - SCRIPT_START
    versions = {"python": sys.version.split()[0], "numpy": np.__version__}
    for module in (ne, numba):
        if module is not None:
            versions[module.__name__] = module.__version__

    out = {"workload": args.workload, "variant": args.variant}
    try:
        return run_plan(args, make_plan(args.variant, threads), out, import_s, versions)
    except Exception as e:  # a variant that raises is a failed check, still reported as JSON
        traceback.print_exc()
        out.update({"ok": False, "check": f"raised {type(e).__name__}: {e}", "versions": versions})
        print(json.dumps(out))
        return 1


def run_plan(args, plan, out, import_s, versions):
    """Times and checks one plan; prints the JSON line and returns the exit status."""
    log(f"{args.workload} {args.variant}: {plan.size}, inputs built")
    first_s, result = timed(plan)
    first_done = time.perf_counter()
    log(f"  first call {first_s:.4g} s")
    ok, text, fields = plan.check(result)
    if args.save:
        plan.save(result, args.save)
    del result
    warm, failed = [], None if ok else text
    for _ in range(args.repeat):
        seconds, result = timed(plan)
        warm.append(seconds)
        log(f"  warm call {seconds:.4g} s")
        call_ok, call_text, _ = plan.check(result)
        del result
        if not call_ok and failed is None:
            failed = call_text
        ok = ok and call_ok
    calls = 1 + len(warm)
    checks = [text + (f"; all {calls} results checked" if calls > 1 else "") if failed is None else failed]
    if plan.after is not None:
        after_ok, after_text, after_fields = plan.after()
        ok = ok and after_ok
        checks.append(after_text)
        fields.update(after_fields)

    age = AGE_AT_SCRIPT_START
    out.update({
        "size": plan.size, "reduced": plan.reduced,
        "first_s": first_s,
        "warm_s": statistics.median(warm) if warm else None,
        "best_s": min(warm) if warm else None,
        "runs": len(warm), "threads": plan.threads, "ok": ok, "check": "; ".join(checks), "note": plan.note,
        "import_s": import_s,
        "process_first_result_s": (first_done - SCRIPT_START) + (age or 0.0),
        "process_clock": "script start" if age is None else "interpreter start",
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "versions": versions,
    })
    out.update(fields)
    log(f"  {'ok' if ok else 'FAILED'}: {out['check']}")
    print(json.dumps(out))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
