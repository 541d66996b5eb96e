#!/usr/bin/python3
"""Compares jitexpr with a hand-written C++ loop, numexpr and numpy, one thread, in one run.

For each expression and size, runs bench_expressions (Google Benchmark, JSON) for the C++ loop and
jitexpr, then at once times numexpr (ne.set_num_threads(1)) and numpy on the same expression, size
and input distributions with timeit-style medians, so that all five columns of a row are measured
within seconds of each other. Writes a markdown table in ns per element. Run it with
/usr/bin/python3, which has numpy and numexpr:

    /usr/bin/python3 bench/compare.py build/bench/perf.md --bench build/bench/bench/bench_expressions

The table uses CPU time by default (--clock cpu): every measured call is single-threaded, and on a
shared machine CPU time leaves out the time the process waits for a core, which wall time does not.
Both clocks are recorded; --clock wall tabulates wall time instead.
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

# (id in bench_expressions, expression for jitexpr and numexpr, the same as numpy users write it)
CASES = [
    ("add", "2*a+3*b", lambda a, b: 2 * a + 3 * b),
    ("compare", "a*b-4.1*a > 2.5*b", lambda a, b: a * b - 4.1 * a > 2.5 * b),
    ("power", "2*a + b**10", lambda a, b: 2 * a + b**10),
    ("transcendental", "sin(a) + arcsinh(a/b)", lambda a, b: np.sin(a) + np.arcsinh(a / b)),
]
SIZES = [1_000, 10_000, 100_000, 1_000_000, 10_000_000]
CPP_VARIANTS = ["cpp", "cpp_stdpow", "jitexpr_out", "jitexpr_new"]
PY_VARIANTS = ["numexpr", "numexpr_out", "numpy"]


def inputs(n):
    """The distributions bench_expressions uses: a in [-1, 1), b in [0.1, 1.1)."""
    rng = np.random.default_rng(42)
    return rng.uniform(-1.0, 1.0, n), rng.uniform(0.1, 1.1, n)


def run_bench(path, case, n, repetitions, min_time):
    """Runs the C++ and jitexpr benchmarks of one case and size; returns (context, results) with
    results {(variant, case, n): {"wall": s, "cpu": s, "spread": fraction, "label": expr}}."""
    context, results = benchutil.run_bench(path, f"^({'|'.join(CPP_VARIANTS)})/{case}/{n}/", repetitions, min_time)
    for e in results.values():
        e["spread"] = e.pop("spread_cpu")  # this table is in CPU time
    return context, results


def measure_python(case, expr, np_fn, n, repeats, target_s):
    a, b = inputs(n)
    local = {"a": a, "b": b}
    out = np.empty(n, dtype=np.bool_ if case == "compare" else np.float64)
    # numexpr must compute what numpy computes before either is timed.
    want = np_fn(a, b)
    got = ne.evaluate(expr, local_dict=local)
    if got.dtype != want.dtype or not np.allclose(got, want, rtol=1e-12, atol=1e-12):
        sys.exit(f"compare.py: numexpr and numpy disagree on {expr}")
    fns = {
        "numexpr": lambda: ne.evaluate(expr, local_dict=local),
        "numexpr_out": lambda: ne.evaluate(expr, local_dict=local, out=out),
        "numpy": lambda: np_fn(a, b),
    }
    return {(name, case, n): r for name, r in benchutil.time_calls(fns, repeats, target_s).items()}


def render(sizes, results, clock, context, loads, started, elapsed_s, command):
    def ns(variant, case, n):
        e = results.get((variant, case, n))
        return None if e is None or clock not in e else e[clock] / n * 1e9

    def ratio(x, y):
        return None if x is None or y is None else x / y

    lines = []
    lines.append(f"- command: `{command}`")
    lines.append(f"- machine: {cpu_model()}, {os.cpu_count()} cores "
                 f"(Google Benchmark sees {context.get('num_cpus')} x {context.get('mhz_per_cpu')} MHz)")
    lines.append(f"- date: {started:%Y-%m-%d %H:%M} UTC, run took {elapsed_s:.0f} s")
    lines.append(f"- load average (1 min) before / after: {loads[0]:.2f} / {loads[1]:.2f}")
    lines.append("")
    lines.append(f"ns per element, medians of {clock} time; lower is better. Ratios: `jit/C++` is jitexpr (out=)"
                 " over the C++ loop; `ne/jit` is numexpr over jitexpr and `np/jit` numpy over jitexpr, all"
                 " three allocating a new result; `ne out/jit out` compares numexpr and jitexpr writing into a"
                 " preallocated output.")
    lines.append("")
    lines.append("| expression | n | C++ loop | jitexpr (out=) | jitexpr (new) | numexpr | numexpr (out=) | numpy"
                 " | jit/C++ | ne/jit | ne out/jit out | np/jit |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for case, expr, _ in CASES:
        for n in sizes:
            c, jo, jn = ns("cpp", case, n), ns("jitexpr_out", case, n), ns("jitexpr_new", case, n)
            e, eo, p = ns("numexpr", case, n), ns("numexpr_out", case, n), ns("numpy", case, n)
            cells = [f"`{expr}`", size_name(n), fmt(c), fmt(jo), fmt(jn), fmt(e), fmt(eo), fmt(p),
                     fmt(ratio(jo, c)), fmt(ratio(e, jn)), fmt(ratio(eo, jo)), fmt(ratio(p, jn))]
            lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    stdpow = [(n, ns("cpp_stdpow", "power", n)) for n in sizes]
    if any(v is not None for _, v in stdpow):
        lines.append("`2*a + b**10` with the C++ loop calling `std::pow(b, 10.0)` instead of multiplying out, ns per"
                     " element: " + ", ".join(f"{size_name(n)}: {fmt(v)}" for n, v in stdpow) + ".")
        lines.append("")

    def summary(values, percent=False):
        values = sorted(values)
        if percent:
            return f"{statistics.median(values) * 100:.1f}% (median), {max(values) * 100:.1f}% (worst)"
        return f"{statistics.median(values):.2f} (median), {max(values):.2f} (worst)"

    cpp_rows = [e for (v, _, _), e in results.items() if v in CPP_VARIANTS]
    py_rows = [e for (v, _, _), e in results.items() if v in PY_VARIANTS]
    lines.append("Noise: the coefficient of variation of CPU time across repetitions is"
                 f" {summary((e['spread'] for e in cpp_rows), True)} over the C++ and jitexpr rows and"
                 f" {summary((e['spread'] for e in py_rows), True)} over the numexpr and numpy rows; wall time over"
                 f" CPU time (time spent waiting for a core) is {summary(e['wall'] / e['cpu'] for e in cpp_rows)}"
                 f" and {summary(e['wall'] / e['cpu'] for e in py_rows)}.")
    lines.append("")
    # CPU time well above wall time means a measurement ran on more than one thread.
    threaded = sorted("/".join(map(str, k)) for k, e in results.items() if e["cpu"] > 1.2 * e["wall"])
    if threaded:
        lines.append("**Warning:** CPU time exceeds wall time by more than 20%, so these ran on more than one"
                     " thread: " + ", ".join(threaded) + ".")
        lines.append("")
    return "\n".join(lines)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="markdown file to write")
    parser.add_argument("--bench", default=os.path.join(here, "..", "build", "bench", "bench", "bench_expressions"),
                        help="the bench_expressions binary (release build)")
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu", help="the time the table shows")
    parser.add_argument("--repetitions", type=int, default=9, help="Google Benchmark repetitions per benchmark")
    parser.add_argument("--min-time", type=float, default=0.05, help="seconds per benchmark repetition")
    parser.add_argument("--py-repeats", type=int, default=9, help="timed loops per numexpr/numpy measurement")
    parser.add_argument("--py-min-time", type=float, default=0.05, help="seconds per numexpr/numpy timed loop")
    parser.add_argument("--max-size", type=int, default=SIZES[-1], help="largest n (for a quick run)")
    parser.add_argument("--save-json", help="also write every measurement here")
    args = parser.parse_args()

    ne.set_num_threads(1)
    sizes = [n for n in SIZES if n <= args.max_size]
    command = "/usr/bin/python3 " + " ".join([os.path.relpath(sys.argv[0])] + sys.argv[1:])
    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.perf_counter()
    load_before = os.getloadavg()[0]

    results = {}
    context = {}
    for case, expr, np_fn in CASES:
        for n in sizes:
            context, cpp = run_bench(args.bench, case, n, args.repetitions, args.min_time)
            for key, e in cpp.items():
                if e.get("label") != expr:
                    sys.exit(f"compare.py: bench_expressions times {e.get('label')!r} for {key}, expected {expr!r}")
            results.update(cpp)
            results.update(measure_python(case, expr, np_fn, n, args.py_repeats, args.py_min_time))
            print(f"  {case} {size_name(n)}: done", file=sys.stderr, flush=True)

    if args.save_json:
        with open(args.save_json, "w") as f:
            json.dump({"context": context, "results": {"/".join(map(str, k)): v for k, v in results.items()}}, f,
                      indent=1)
    text = render(sizes, results, args.clock, context, (load_before, os.getloadavg()[0]), started,
                  time.perf_counter() - t0, command)
    with open(args.output, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
