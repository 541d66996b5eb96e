"""Julia set: escape-time iteration of z -> z * z + c (High Performance Python, chapter 2)."""
from numba import njit, prange


@njit
def calculate_z(maxiter, zs: complex128[:], cs: complex128[:], output: int64[:]):
    """For each point, the iterations before |z| reaches 2, at most maxiter."""
    for i in range(len(zs)):
        n = 0
        z = zs[i]
        c = cs[i]
        while abs(z) < 2:
            if n >= maxiter:
                break
            z = z * z + c
            n += 1
        output[i] = n


@njit(parallel=True)
def calculate_z_parallel(maxiter: int64, zs: complex128[:], cs: complex128[:], output: int64[:]):
    for i in prange(len(zs)):  # each point is independent
        n = 0
        z = zs[i]
        c = cs[i]
        while abs(z) < 2:
            if n >= maxiter:
                break
            z = z * z + c
            n += 1
        output[i] = n
