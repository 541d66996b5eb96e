"""A kernel the embed example compiles ahead of time with the installed jitexpr-aot."""


def saxpy(a: float64, x: float64[:], y: float64[:]):
    out = empty(len(x))
    for i in prange(len(x)):
        out[i] = a * x[i] + y[i]
    return out
