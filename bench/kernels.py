#!/usr/bin/python3
"""The Julia-set kernel (1000 x 1000, 300 iterations) in jitexpr against hand-written C++ and Numba,
in one run, and the warm call overhead of trivial kernels.

Runs bench_kernels (Google Benchmark, JSON) for the hand-written loop, jitexpr's serial kernel and
its prange version on 1 and 2 threads, and the call overheads; straight after, times Numba's njit
of the same source (examples/kernels/julia.py) warm, serial and parallel=True on 1 and 2 threads
(timeit-style medians); then, each in fresh processes, the first call (compile included) of
jitexpr and of Numba, at full size and on one point (the compile alone). Writes a markdown report:

    /usr/bin/python3 bench/kernels.py build/release/kernels.md --bench build/release/bench/bench_kernels
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

import benchutil
from benchutil import cpu_model, fmt

HERE = os.path.dirname(os.path.abspath(__file__))
JULIA_PY = os.path.join(HERE, "..", "examples", "kernels", "julia.py")
WIDTH, MAXITER, COUNT_SUM = 1000, 300, 33219980

# Run in a fresh interpreter: imports numba, loads julia.py, builds the inputs, then times the
# first call of one kernel (compile included) and a second call. argv: kernel, "full" or "one".
NUMBA_COLD = r"""
import json, sys, time
sys.path.insert(0, %(here)r)
import kernels
mod = kernels.numba_module()
zs, cs = kernels.book_inputs()
kernel, size = sys.argv[1], sys.argv[2]
f = mod[kernel]
if size == "one":
    zs, cs = zs[:1], cs[:1]
out = kernels.np.zeros(len(zs), dtype=kernels.np.int64)
t0 = time.perf_counter(); f(%(maxiter)d, zs, cs, out); t1 = time.perf_counter()
f(%(maxiter)d, zs, cs, out); t2 = time.perf_counter()
print(json.dumps({"first_ms": (t1 - t0) * 1e3, "warm_ms": (t2 - t1) * 1e3, "count_sum": int(out.sum())}))
"""


def book_inputs():
    """The book's inputs, built by its own Python code (repeated addition of the step), as numpy
    complex128 arrays: an independent construction of what julia.py's initial_zs builds."""
    x1, x2, y1, y2 = -1.8, 1.8, -1.8, 1.8
    x_step, y_step = (x2 - x1) / WIDTH, (y1 - y2) / WIDTH
    xs, ys = [], []
    y = y2
    while y > y1:
        ys.append(y)
        y += y_step
    x = x1
    while x < x2:
        xs.append(x)
        x += x_step
    zs = np.array([complex(x, y) for y in ys for x in xs], dtype=np.complex128)
    cs = np.full(len(zs), complex(-0.62772, -0.42193), dtype=np.complex128)
    return zs, cs


def numba_module():
    """julia.py's source executed as Python, its kernels compiled by Numba: njit for the serial
    ones, njit(parallel=True) for the prange one. The annotations name Numba's types."""
    import numba
    namespace = {"float64": numba.float64, "complex128": numba.complex128, "int64": numba.int64,
                 "zeros": np.zeros}
    with open(JULIA_PY) as f:
        exec(compile(f.read(), JULIA_PY, "exec"), namespace)
    # Numba resolves escape_count from the module's globals when it compiles the callers.
    namespace["escape_count"] = numba.njit(namespace["escape_count"])
    return {"calculate_z": numba.njit(namespace["calculate_z"]),
            "calculate_z_prange": numba.njit(parallel=True)(namespace["calculate_z_prange"]),
            "escape_count": namespace["escape_count"]}


def measure_numba(repeats, target_s):
    import numba
    mod = numba_module()
    zs, cs = book_inputs()
    out = np.zeros(len(zs), dtype=np.int64)
    results = {}
    for kernel, threads, key in [("calculate_z", 1, "numba"), ("calculate_z_prange", 1, "numba_prange/1"),
                                 ("calculate_z_prange", 2, "numba_prange/2")]:
        numba.set_num_threads(threads)
        f = mod[kernel]
        f(MAXITER, zs, cs, out)
        if int(out.sum()) != COUNT_SUM:
            sys.exit(f"kernels.py: Numba's {kernel} counts {int(out.sum())}, not {COUNT_SUM}")
        results[key] = benchutil.time_calls({key: lambda: f(MAXITER, zs, cs, out)}, repeats, target_s)[key]
    return results


def cold_runs(cmd, processes, full):
    runs = []
    for _ in range(processes):
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ, JITEXPR_CACHE="0")).stdout
        r = json.loads(out.strip().splitlines()[-1])
        if full and r["count_sum"] != COUNT_SUM:
            sys.exit(f"kernels.py: {cmd} counted {r['count_sum']}")
        runs.append(r)
    return {k: statistics.median(r[k] for r in runs) for k in ("first_ms", "warm_ms")} | {"n": len(runs)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="markdown file to write")
    parser.add_argument("--bench", default=os.path.join(HERE, "..", "build", "release", "bench", "bench_kernels"))
    parser.add_argument("--repetitions", type=int, default=9, help="Google Benchmark repetitions")
    parser.add_argument("--min-time", type=float, default=0.5, help="seconds per benchmark repetition")
    parser.add_argument("--py-repeats", type=int, default=9, help="timed loops per Numba measurement")
    parser.add_argument("--processes", type=int, default=5, help="fresh processes per cold measurement")
    parser.add_argument("--save-json", help="also write every measurement here")
    args = parser.parse_args()

    command = "/usr/bin/python3 " + " ".join([os.path.relpath(sys.argv[0])] + sys.argv[1:])
    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.perf_counter()
    load_before = os.getloadavg()[0]

    context, gb = benchutil.run_bench(args.bench, "^(cpp|cpp_noslp|jitexpr|jitexpr_prange)/julia/", args.repetitions,
                                      args.min_time)
    print("  julia (C++, jitexpr): done", file=sys.stderr, flush=True)
    numba_warm = measure_numba(args.py_repeats, args.min_time)
    print("  julia (Numba): done", file=sys.stderr, flush=True)
    _, calls = benchutil.run_bench(args.bench, "^call/", args.repetitions, 0.2)
    print("  calls: done", file=sys.stderr, flush=True)
    cold_script = NUMBA_COLD % {"here": HERE, "maxiter": MAXITER}
    cold = {
        "jitexpr_full": cold_runs([args.bench, "--cold"], args.processes, True),
        "jitexpr_one": cold_runs([args.bench, "--cold", "--compile"], args.processes, False),
        "numba_full": cold_runs(["/usr/bin/python3", "-c", cold_script, "calculate_z", "full"], args.processes, True),
        "numba_one": cold_runs(["/usr/bin/python3", "-c", cold_script, "calculate_z", "one"], args.processes, False),
    }
    print("  cold: done", file=sys.stderr, flush=True)
    loads = (load_before, os.getloadavg()[0])
    elapsed = time.perf_counter() - t0

    if args.save_json:
        with open(args.save_json, "w") as f:
            json.dump({"context": context, "bench": {"/".join(map(str, k)): v for k, v in (gb | calls).items()},
                       "numba": numba_warm, "cold": cold}, f, indent=1)

    def gbv(key, clock="wall"):
        e = gb.get(key)
        return None if e is None else e[clock] * 1e3

    cpp, jit = gbv(("cpp", "julia", 1)), gbv(("jitexpr", "julia", 1))
    cpp_cpu, jit_cpu = gbv(("cpp", "julia", 1), "cpu"), gbv(("jitexpr", "julia", 1), "cpu")
    p1, p2 = gbv(("jitexpr_prange", "julia", 1)), gbv(("jitexpr_prange", "julia", 2))
    nb = numba_warm["numba"]["wall"] * 1e3
    nb_cpu = numba_warm["numba"]["cpu"] * 1e3
    nb1, nb2 = numba_warm["numba_prange/1"]["wall"] * 1e3, numba_warm["numba_prange/2"]["wall"] * 1e3
    updates = COUNT_SUM

    lines = [f"- command: `{command}`",
             f"- machine: {cpu_model()}, {os.cpu_count()} cores "
             f"(Google Benchmark sees {context.get('num_cpus')} x {context.get('mhz_per_cpu')} MHz)",
             f"- date: {started:%Y-%m-%d %H:%M} UTC, run took {elapsed:.0f} s",
             f"- load average (1 min) before / after: {loads[0]:.2f} / {loads[1]:.2f}", "",
             "Julia set, 1000 x 1000 points, 300 iterations, warm, medians; ms per call (wall, and CPU of the"
             " calling thread), ns per z update (33219980 updates):", "",
             "| variant | threads | wall ms | CPU ms | ns/update (wall) | wall / C++ |",
             "|---|---:|---:|---:|---:|---:|"]

    def row(name, threads, wall, cpu):
        lines.append(f"| {name} | {threads} | {fmt(wall)} | {fmt(cpu)} | {fmt(wall * 1e6 / updates)} |"
                     f" {fmt(wall / cpp)} |")

    row("C++ loop (clang++ -O3 -march=native)", 1, cpp, cpp_cpu)
    row("C++ loop, also -fno-slp-vectorize", 1, gbv(("cpp_noslp", "julia", 1)), gbv(("cpp_noslp", "julia", 1), "cpu"))
    row("jitexpr `calculate_z`", 1, jit, jit_cpu)
    row("jitexpr `calculate_z_prange`", 1, p1, gbv(("jitexpr_prange", "julia", 1), "cpu"))
    row("jitexpr `calculate_z_prange`", 2, p2, gbv(("jitexpr_prange", "julia", 2), "cpu"))
    row("Numba `njit` `calculate_z`", 1, nb, nb_cpu)
    row("Numba `njit(parallel=True)` `calculate_z_prange`", 1, nb1, numba_warm["numba_prange/1"]["cpu"] * 1e3)
    row("Numba `njit(parallel=True)` `calculate_z_prange`", 2, nb2, numba_warm["numba_prange/2"]["cpu"] * 1e3)
    noslp = gbv(("cpp_noslp", "julia", 1))
    lines += ["", f"Ratios: jitexpr / C++ {fmt(jit / cpp)} (wall), {fmt(jit_cpu / cpp_cpu)} (CPU); jitexpr / C++ without SLP"
              f" {fmt(jit / noslp)} (wall); Numba / jitexpr"
              f" {fmt(nb / jit)} (wall), {fmt(nb_cpu / jit_cpu)} (CPU); jitexpr prange 2 threads over 1:"
              f" {fmt(p1 / p2)}x (wall); Numba parallel 2 over 1: {fmt(nb1 / nb2)}x.", "",
              f"First call in a fresh process (compile included; disk cache off), median of {args.processes}"
              " processes each:", "",
              "| | first call, full size ms | its warm call ms | first call on one point (compile) ms |",
              "|---|---:|---:|---:|"]
    for name, key in (("jitexpr", "jitexpr"), ("Numba", "numba")):
        full, one = cold[key + "_full"], cold[key + "_one"]
        lines.append(f"| {name} | {fmt(full['first_ms'])} | {fmt(full['warm_ms'])} | {fmt(one['first_ms'])} |")
    lines += ["", "Warm call of a trivial kernel through `Function::operator()`, ns per call (medians):", "",
              "| kernel | wall ns | CPU ns |", "|---|---:|---:|"]
    for key in sorted(calls):
        e = calls[key]
        lines.append(f"| {key[1]} | {fmt(e['wall'] * 1e9)} | {fmt(e['cpu'] * 1e9)} |")
    spreads = sorted(e.get("spread", 0.0) for e in (gb | calls).values())
    lines += ["", f"Noise: coefficient of variation of wall time across repetitions {statistics.median(spreads) * 100:.1f}%"
              f" (median), {max(spreads) * 100:.1f}% (worst) over the Google Benchmark rows.", ""]
    text = "\n".join(lines)
    with open(args.output, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
