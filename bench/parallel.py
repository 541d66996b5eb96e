#!/usr/bin/python3
"""jitexpr on 1 and 2 threads against numexpr at the same thread count and numpy, and jitexpr's
STREAM triad against a hand-written one, in one run.

For each case, thread count and size, runs bench_parallel (Google Benchmark, JSON) for the
hand-written loop and jitexpr, then at once times numexpr (ne.set_num_threads(threads)) and numpy
on the same expression, size and inputs (timeit-style medians), so that a row's columns are
measured within seconds of each other. Times are wall-clock (the work runs on several threads).
Writes a markdown report:

    /usr/bin/python3 bench/parallel.py build/release/parallel.md --bench build/release/bench/bench_parallel
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time

import numexpr as ne
import numpy as np

import benchutil
from benchutil import cpu_model, fmt, size_name

# (id in bench_parallel, expression, numpy's spelling, output dtype, bytes per element as STREAM counts)
CASES = {
    "triad": ("a + 2.5*b", lambda a, b, c: a + 2.5 * b, np.float64, 24),
    "arith": ("2*a + 3*b**2 > c", lambda a, b, c: 2 * a + 3 * b**2 > c, np.bool_, 25),
    # The four expressions of bench_expressions (docs/performance.md, first section) and a reduction.
    "add": ("2*a+3*b", lambda a, b, c: 2 * a + 3 * b, np.float64, 24),
    "compare": ("a*b-4.1*a > 2.5*b", lambda a, b, c: a * b - 4.1 * a > 2.5 * b, np.bool_, 17),
    "power": ("2*a + b**10", lambda a, b, c: 2 * a + b**10, np.float64, 24),
    "transcendental": ("sin(a) + arcsinh(a/b)", lambda a, b, c: np.sin(a) + np.arcsinh(a / b), np.float64, 24),
    "sumprod": ("sum(a*b)", lambda a, b, c: np.sum(a * b), None, 16),  # 0-d result: no out= variants
}
EXPRESSION_CASES = ["add", "compare", "power", "transcendental", "sumprod"]
SIZES = dict({"triad": [10_000_000, 30_000_000, 100_000_000]},
             **{case: [1_000, 10_000, 100_000, 1_000_000, 10_000_000] for case in ["arith"] + EXPRESSION_CASES})
THREADS = [1, 2]
CPP_VARIANTS = ["cpp", "jitexpr_out", "jitexpr_new"]


def inputs(n):
    """The distributions bench_parallel uses: a in [-1, 1), b in [0.1, 1.1), c in [0, 3)."""
    rng = np.random.default_rng(42)
    return rng.uniform(-1.0, 1.0, n), rng.uniform(0.1, 1.1, n), rng.uniform(0.0, 3.0, n)


def measure_python(case, threads, n, repeats, target_s):
    expr, np_fn, out_dtype, _ = CASES[case]
    a, b, c = inputs(n)
    local = {"a": a, "b": b, "c": c}
    ne.set_num_threads(threads)
    want = np.asarray(np_fn(a, b, c))
    got = ne.evaluate(expr, local_dict=local)
    # A sum in another order agrees to rounding of the sum of |terms|, not of the (cancelling) result.
    atol = 1e-12 * float(np.sum(np.abs(a * b))) if out_dtype is None else 1e-12
    if got.dtype != want.dtype or got.shape != want.shape or not np.allclose(got, want, rtol=1e-12, atol=atol):
        sys.exit(f"parallel.py: numexpr and numpy disagree on {expr}")
    fns = {"numexpr": lambda: ne.evaluate(expr, local_dict=local)}
    if out_dtype is not None:
        out = np.empty(n, dtype=out_dtype)
        fns["numexpr_out"] = lambda: ne.evaluate(expr, local_dict=local, out=out)
    if threads == 1:
        fns["numpy"] = lambda: np_fn(a, b, c)  # numpy's element-wise loops use one thread
    return {(name, case, threads, n): r for name, r in benchutil.time_calls(fns, repeats, target_s).items()}


def render(results, context, loads, started, elapsed_s, command):
    def t(variant, case, threads, n):
        e = results.get((variant, case, threads, n))
        return None if e is None else e["wall"]

    def ns(variant, case, threads, n):
        x = t(variant, case, threads, n)
        return None if x is None else x / n * 1e9

    def gbs(variant, case, threads, n):
        x = t(variant, case, threads, n)
        return None if x is None else CASES[case][3] * n / x / 1e9

    def ratio(x, y):
        return None if x is None or y is None else x / y

    lines = [f"- command: `{command}`",
             f"- machine: {cpu_model()}, {os.cpu_count()} cores "
             f"(Google Benchmark sees {context.get('num_cpus')} x {context.get('mhz_per_cpu')} MHz)",
             f"- date: {started:%Y-%m-%d %H:%M} UTC, run took {elapsed_s:.0f} s",
             f"- load average (1 min) before / after: {loads[0]:.2f} / {loads[1]:.2f}", ""]
    ran = {key[1] for key in results}  # the cases run (--cases)
    if "triad" in ran:
        lines += ["STREAM triad `a + 2.5*b` into an existing array, GB/s counted as STREAM does (24 bytes per"
                  " element), medians of wall time; `jit/C++` is jitexpr's bandwidth over the hand-written loop's on the"
                  " same thread count.", "",
                  "| n | threads | C++ triad GB/s | jitexpr (out=) GB/s | jit/C++ | numexpr (out=) GB/s | numpy GB/s |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for n in SIZES["triad"]:
            for th in THREADS:
                c, j = gbs("cpp", "triad", th, n), gbs("jitexpr_out", "triad", th, n)
                lines.append(f"| {size_name(n)} | {th} | {fmt(c)} | {fmt(j)} | {fmt(ratio(j, c))} |"
                             f" {fmt(gbs('numexpr_out', 'triad', th, n))} | {fmt(gbs('numpy', 'triad', 1, n) if th == 1 else None)} |")
        lines.append("")
    if "arith" in ran:
        lines += ["`2*a + 3*b**2 > c` (float64 in, bool out), ns per element, medians of wall time. Ratios: `ne/jit`"
                  " numexpr over jitexpr, both allocating; `ne out/jit out` both writing into an existing array; `np/jit`"
                  " numpy (one thread) over jitexpr allocating; `jit/C++` jitexpr (out=) over the hand-written loop;"
                  " `BW` jitexpr (out=)'s bandwidth (25 bytes per element) as a fraction of the C++ triad's on the same"
                  " thread count at 1e7.", "",
                  "| n | threads | C++ loop | jitexpr (out=) | jitexpr (new) | numexpr | numexpr (out=) | numpy | jit/C++"
                  " | ne/jit | ne out/jit out | np/jit | BW |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for n in SIZES["arith"]:
            for th in THREADS:
                c, jo, jn = (ns(v, "arith", th, n) for v in ("cpp", "jitexpr_out", "jitexpr_new"))
                e, eo = ns("numexpr", "arith", th, n), ns("numexpr_out", "arith", th, n)
                p = ns("numpy", "arith", 1, n)
                bw = ratio(gbs("jitexpr_out", "arith", th, n), gbs("cpp", "triad", th, n)) if n == 10_000_000 else None
                lines.append("| " + " | ".join([size_name(n), str(th), fmt(c), fmt(jo), fmt(jn), fmt(e), fmt(eo), fmt(p),
                                                fmt(ratio(jo, c)), fmt(ratio(e, jn)), fmt(ratio(eo, jo)),
                                                fmt(ratio(p, jn)), fmt(bw)]) + " |")
        lines.append("")
    if ran & set(EXPRESSION_CASES):
        lines += ["The four expressions of the single-thread benchmark and `sum(a*b)` (float64 in), ns per element,"
                  " medians of wall time. Ratios as above; `sum(a*b)` has no out= variants and no hand-written loop.",
                  "", "| expression | n | threads | C++ loop | jitexpr (out=) | jitexpr (new) | numexpr | numexpr (out=)"
                  " | numpy | ne/jit | ne out/jit out | np/jit |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for case in (case for case in EXPRESSION_CASES if case in ran):
        for n in SIZES[case]:
            for th in THREADS:
                c, jo, jn = (ns(v, case, th, n) for v in ("cpp", "jitexpr_out", "jitexpr_new"))
                e, eo, p = ns("numexpr", case, th, n), ns("numexpr_out", case, th, n), ns("numpy", case, 1, n)
                lines.append("| " + " | ".join([f"`{CASES[case][0]}`", size_name(n), str(th), fmt(c), fmt(jo), fmt(jn),
                                                fmt(e), fmt(eo), fmt(p), fmt(ratio(e, jn)), fmt(ratio(eo, jo)),
                                                fmt(ratio(p, jn))]) + " |")
    spreads = sorted(e.get("spread", e.get("spread_wall", 0.0)) for e in results.values())
    if lines[-1]:
        lines.append("")
    lines += [f"Noise: the coefficient of variation of wall time across repetitions is"
              f" {statistics.median(spreads) * 100:.1f}% (median), {max(spreads) * 100:.1f}% (worst) over all rows.", ""]
    return "\n".join(lines)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="markdown file to write")
    parser.add_argument("--bench", default=os.path.join(here, "..", "build", "release", "bench", "bench_parallel"),
                        help="the bench_parallel binary (release build)")
    parser.add_argument("--repetitions", type=int, default=9, help="Google Benchmark repetitions per benchmark")
    parser.add_argument("--min-time", type=float, default=0.1, help="seconds per benchmark repetition")
    parser.add_argument("--py-repeats", type=int, default=9, help="timed loops per numexpr/numpy measurement")
    parser.add_argument("--py-min-time", type=float, default=0.1, help="seconds per numexpr/numpy timed loop")
    parser.add_argument("--cases", default=",".join(CASES), help="which cases, comma-separated (default: all)")
    parser.add_argument("--save-json", help="also write every measurement here")
    args = parser.parse_args()

    command = "/usr/bin/python3 " + " ".join([os.path.relpath(sys.argv[0])] + sys.argv[1:])
    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.perf_counter()
    load_before = os.getloadavg()[0]
    results, context = {}, {}
    for case in args.cases.split(","):
        for n in SIZES[case]:
            for th in THREADS:
                context, cpp = benchutil.run_bench(args.bench, f"^({'|'.join(CPP_VARIANTS)})/{case}/{th}/{n}/",
                                                   args.repetitions, args.min_time)
                for e in cpp.values():
                    e["label"] == CASES[case][0] or sys.exit(f"parallel.py: bench_parallel times {e['label']!r}")
                results.update(cpp)
                py = measure_python(case, th, n, args.py_repeats, args.py_min_time)
                for e in py.values():
                    e["spread"] = e["spread_wall"]
                results.update(py)
                print(f"  {case} {size_name(n)} threads={th}: done", file=sys.stderr, flush=True)
    if args.save_json:
        with open(args.save_json, "w") as f:
            json.dump({"context": context, "results": {"/".join(map(str, k)): v for k, v in results.items()}}, f,
                      indent=1)
    text = render(results, context, (load_before, os.getloadavg()[0]), started, time.perf_counter() - t0, command)
    with open(args.output, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
