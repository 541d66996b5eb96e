#!/usr/bin/python3
"""Cold start: the first call of new expressions and kernels in jitexpr, numexpr and Numba, in one
run, and whole processes from start to first result.

Runs bench_coldstart (JSON lines) for K new expressions (on the fast tier, as by default, and with
tiering off) and K new kernels compiled in a running process, and for the same from the disk cache (a first process fills a temporary cache directory,
a second finds all of them there); times `jitexpr -c 'a = arange(1000); 2*a + 1'` processes with a
warm disk cache and with JITEXPR_CACHE=0. Straight after, in this process: numexpr's first
evaluate of the same K expression texts, Numba's first call of K new @njit functions (the same
kernel source, exec'd with distinct constants); then processes of python3 with numexpr, with Numba,
and with a Numba cache=True function whose cache is warm. Writes a markdown section:

    /usr/bin/python3 bench/coldstart.py build/release/coldstart.md --bench build/release/bench/bench_coldstart \
        --jitexpr build/release/tools/jitexpr/jitexpr
"""

import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from benchutil import cpu_model, fmt

HERE = os.path.dirname(os.path.abspath(__file__))
STATEMENTS = "a = arange(1000); 2*a + 1"
# Every process computes 2*a + 1 over 0..999 and prints it; the output must end with 1999.
NUMEXPR_PROCESS = "import numpy, numexpr; a = numpy.arange(1000); print(numexpr.evaluate('2*a + 1'))"
NUMBA_PROCESS = "import numpy, numba; f = numba.njit(lambda a: 2*a + 1); print(f(numpy.arange(1000)))"
# Run as a file (Numba caches only functions defined in one); prints the first call's time and
# whether it came from the cache.
NUMBA_CACHED = r"""
import json, time
import numpy, numba

@numba.njit(cache=True)
def f(a):
    return 2 * a + 1

a = numpy.arange(1000)
t0 = time.perf_counter()
r = f(a)
t1 = time.perf_counter()
print(r)
print(json.dumps({"first_ms": (t1 - t0) * 1e3, "hits": sum(f.stats.cache_hits.values()),
                  "misses": sum(f.stats.cache_misses.values())}))
"""
TARGETS = {"expression": 5.0, "disk_hit": 0.5, "process": 50.0}  # ms, docs/workloads.md
LARGE_SIZES = (100_000, 1_000_000, 4_000_000)  # bench_coldstart large: first calls at these sizes


def tiering_lines(large, tiers):
    """Tables of what tiered compilation does to first calls of larger work, per expression kind."""
    kinds = large[LARGE_SIZES[0]]["exprs"][:8]
    kinds = [re.sub(r"[0-9]+\.5", "c", e) for e in kinds]
    lines = ["", "Tiered compilation: the first call of a new expression on larger arrays, with tiering on"
             " (the default) and off, each kind twice (two constants), median ms; every call waits for the"
             " background compiles of the one before (`bench_coldstart large N 16`); then the optimized code's"
             " steady state (median of 5 calls after warming up):", "",
             "| expression | " + " | ".join(f"n={n:.0e} on / off / warm" for n in LARGE_SIZES) + " |",
             "|---|" + "---:|" * len(LARGE_SIZES)]
    for i, kind in enumerate(kinds):
        cells = []
        for n in LARGE_SIZES:
            d = large[n]
            on = statistics.median(d["tiered"]["first_calls_ms"][i::8])
            off = statistics.median(d["optimized"]["first_calls_ms"][i::8])
            warm = statistics.median(d["optimized"]["warm_ms"][i::8])
            cells.append(f"{fmt(on)} / {fmt(off)} / {fmt(warm)}")
        lines.append(f"| `{kind}` | " + " | ".join(cells) + " |")
    lines += ["", "What each tier's code costs once compiled, float64[1e6], one thread, best of 7, ns per element"
              " (`bench_coldstart tiers 1000000`):", "", "| expression | fast tier (O0) | optimized (O3) | ratio |",
              "|---|---:|---:|---:|"]
    for expr, v in tiers["ns_per_element"].items():
        lines.append(f"| `{expr}` | {fmt(v['fast'])} | {fmt(v['optimized'])} | {v['fast'] / v['optimized']:.2f} |")
    return lines


def bench_json(cmd):
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def process_ms(cmd, runs, env=None):
    """Median wall time of `runs` processes of cmd, from start to exit, each checked to print the
    result."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, env=env).stdout
        times.append((time.perf_counter() - t0) * 1e3)
        if "1999]" not in out:
            sys.exit(f"coldstart.py: {cmd[:2]} printed {out[-200:]!r}, not 2*a + 1")
    return {"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times), "n": runs}


def summary(times):
    return {"first_ms": times[0], "median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times)}


def numexpr_first_calls(exprs, a, b):
    import numexpr as ne
    times = []
    for text in exprs:
        t0 = time.perf_counter()
        r = ne.evaluate(text, local_dict={"a": a, "b": b})
        times.append((time.perf_counter() - t0) * 1e3)
        if r.shape != a.shape:
            sys.exit(f"coldstart.py: numexpr gave shape {r.shape} for {text!r}")
    return summary(times)


def numba_first_calls(source, k_count, a):
    import numba
    times = []
    for k in range(k_count):
        c = k + 1.5
        namespace = {"float64": numba.float64}
        exec(source.replace("{k}", str(k)).replace("{c}", repr(c)), namespace)
        f = numba.njit(namespace[f"f{k}"])
        t0 = time.perf_counter()
        v = f(a)
        times.append((time.perf_counter() - t0) * 1e3)
        expected = float(np.sum(a * c))
        if abs(v - expected) > 1e-9 * abs(expected):
            sys.exit(f"coldstart.py: Numba's f{k} gave {v}, not {expected}")
    return summary(times)


def jitexpr_processes(jitexpr, runs, tmp):
    cache_dir = os.path.join(tmp, "jitexpr-cache")
    warm_env = dict(os.environ, JITEXPR_CACHE_DIR=cache_dir)
    warm_env.pop("JITEXPR_CACHE", None)
    subprocess.run([jitexpr, "-c", STATEMENTS], check=True, stdout=subprocess.DEVNULL, env=warm_env)
    warm = process_ms([jitexpr, "-c", STATEMENTS], runs, warm_env)
    off = process_ms([jitexpr, "-c", STATEMENTS], runs, dict(os.environ, JITEXPR_CACHE="0"))
    # The warm runs found the code on disk: the same process again, asked for its cache counts.
    out = subprocess.run([jitexpr, "-c", STATEMENTS + "; %cache"], check=True, stdout=subprocess.PIPE, text=True,
                         env=warm_env).stdout
    m = re.search(r"this session: (\d+) hits, (\d+) misses", out)
    if not m or (int(m.group(1)), int(m.group(2))) != (1, 0):
        sys.exit(f"coldstart.py: `jitexpr -c` with a warm cache did not hit it once: {m and m.group(0)!r}")
    return warm, off


def numba_cached_processes(runs, tmp):
    script = os.path.join(tmp, "numba_cached.py")
    with open(script, "w") as f:
        f.write(NUMBA_CACHED)
    env = dict(os.environ, NUMBA_CACHE_DIR=os.path.join(tmp, "numba-cache"))

    def one():
        t0 = time.perf_counter()
        out = subprocess.run(["/usr/bin/python3", script], check=True, stdout=subprocess.PIPE, text=True, env=env).stdout
        wall = (time.perf_counter() - t0) * 1e3
        return wall, json.loads(out.strip().splitlines()[-1])

    _, fill = one()
    if fill["misses"] != 1:
        sys.exit(f"coldstart.py: Numba's cache was not empty: {fill}")
    walls, firsts = [], []
    for _ in range(runs):
        wall, r = one()
        if (r["hits"], r["misses"]) != (1, 0):
            sys.exit(f"coldstart.py: Numba's cached function was not loaded from its cache: {r}")
        walls.append(wall)
        firsts.append(r["first_ms"])
    return {"median_ms": statistics.median(walls), "min_ms": min(walls), "max_ms": max(walls), "n": runs,
            "first_call_ms": statistics.median(firsts)}


def verdict(value, target):
    return f"{'met' if value <= target else 'missed'}: {fmt(value)} ms (target <= {fmt(target)} ms)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="markdown file to write")
    parser.add_argument("--bench", default=os.path.join(HERE, "..", "build", "release", "bench", "bench_coldstart"))
    parser.add_argument("--jitexpr", default=os.path.join(HERE, "..", "build", "release", "tools", "jitexpr", "jitexpr"))
    parser.add_argument("-k", type=int, default=40, help="new expressions and kernels per measurement")
    parser.add_argument("--processes", type=int, default=20, help="jitexpr and numexpr processes per row")
    parser.add_argument("--numba-processes", type=int, default=10, help="Numba processes per row")
    parser.add_argument("--save-json", help="also write every measurement here")
    args = parser.parse_args()

    command = "/usr/bin/python3 " + " ".join([os.path.relpath(sys.argv[0])] + sys.argv[1:])
    started = datetime.datetime.now(datetime.timezone.utc)
    t_start = time.perf_counter()
    load_before = os.getloadavg()[0]
    k = str(args.k)

    with tempfile.TemporaryDirectory(prefix="coldstart-") as tmp:
        exprs = bench_json([args.bench, "expressions", k])
        optimized = bench_json([args.bench, "optimized", k])
        large = {n: bench_json([args.bench, "large", str(n), "16"]) for n in LARGE_SIZES}
        tiers = bench_json([args.bench, "tiers", "1000000"])
        kernels = bench_json([args.bench, "kernels", k])
        disk_dir = os.path.join(tmp, "disk")
        fill = bench_json([args.bench, "disk", disk_dir, k])
        hit = bench_json([args.bench, "disk", disk_dir, k])
        if (fill["state"], hit["state"]) != ("fill", "hit"):
            sys.exit(f"coldstart.py: the disk runs were {fill['state']} then {hit['state']}, not fill then hit")
        print("  bench_coldstart: done", file=sys.stderr, flush=True)
        jx_warm, jx_off = jitexpr_processes(args.jitexpr, args.processes, tmp)
        print("  jitexpr -c: done", file=sys.stderr, flush=True)

        a = np.linspace(0.5, 2.0, 1000)
        b = np.linspace(1.0, 3.0, 1000)
        ne_calls = numexpr_first_calls(exprs["exprs"], a, b)
        nb_calls = numba_first_calls(kernels["source"], args.k, a)
        print("  numexpr, Numba in process: done", file=sys.stderr, flush=True)
        ne_proc = process_ms(["/usr/bin/python3", "-c", NUMEXPR_PROCESS], args.processes)
        nb_proc = process_ms(["/usr/bin/python3", "-c", NUMBA_PROCESS], args.numba_processes)
        nb_cached = numba_cached_processes(args.numba_processes, tmp)
        print("  python3 processes: done", file=sys.stderr, flush=True)
    loads = (load_before, os.getloadavg()[0])
    elapsed = time.perf_counter() - t_start

    import numba
    import numexpr
    if args.save_json:
        with open(args.save_json, "w") as f:
            json.dump({"expressions": exprs, "optimized": optimized, "large": large, "tiers": tiers, "kernels": kernels, "disk_fill": fill, "disk_hit": hit,
                       "jitexpr_c_warm": jx_warm, "jitexpr_c_off": jx_off, "numexpr_calls": ne_calls,
                       "numba_calls": nb_calls, "numexpr_process": ne_proc, "numba_process": nb_proc,
                       "numba_cached_process": nb_cached}, f, indent=1)

    lines = [f"- command: `{command}`",
             f"- machine: {cpu_model()}, {os.cpu_count()} cores; numexpr {numexpr.__version__}, numba"
             f" {numba.__version__}, numpy {np.__version__}",
             f"- date: {started:%Y-%m-%d %H:%M} UTC, run took {elapsed:.0f} s",
             f"- load average (1 min) before / after: {loads[0]:.2f} / {loads[1]:.2f}", "",
             f"First call of something new in a running process, {args.k} of each; ms (wall). The first of the"
             " process is shown apart (for jitexpr it also starts the JIT, for numexpr and Numba it does their"
             " lazy set-up) and is in the median, min and max:", "",
             "| what | first of the process | median | min | max |", "|---|---:|---:|---:|---:|"]

    def row(name, s):
        lines.append(f"| {name} | {fmt(s['first_ms'])} | {fmt(s['median_ms'])} | {fmt(s['min_ms'])} |"
                     f" {fmt(s['max_ms'])} |")

    row("jitexpr expression, fast tier compiled (disk cache off; the default)", exprs)
    row("jitexpr expression, optimized code compiled first (tiering off)", optimized)
    row("jitexpr expression, compiled and stored (empty disk cache)", fill["expressions"])
    row("jitexpr expression, disk-cache hit (second process)", hit["expressions"])
    row("numexpr `evaluate` of a new text", ne_calls)
    row("jitexpr kernel, `compile_module` + first call, compiled", kernels)
    row("jitexpr kernel, compiled and stored (empty disk cache)", fill["kernels"])
    row("jitexpr kernel, disk-cache hit (second process)", hit["kernels"])
    row("Numba `njit` of a new function, first call", nb_calls)

    phases = ["parse", "infer", "passes", "irgen", "optimize", "codegen", "link", "other"]
    lines += ["", "Where a jitexpr first call goes, medians over the same calls, ms (from `Runtime::stats()`:"
              " passes = jitexpr's IR passes, irgen = LLVM IR generation, codegen = instruction selection and"
              " object emission, link = linking into the JIT, or reading and linking the object on a disk hit;"
              " other = the call's wall time less the phases: lookups, planning, running on 1000 elements,"
              " storing to disk):", "",
              "| what | " + " | ".join(phases) + " | total |", "|---|" + "---:|" * (len(phases) + 1)]
    for name, run in [("expression, fast tier", exprs), ("expression, optimized first", optimized),
                      ("expression, disk hit", hit["expressions"])]:
        lines.append(f"| {name} | " + " | ".join(fmt(run["phases_ms"][p]) for p in phases) +
                     f" | {fmt(run['median_ms'])} |")
    lines += tiering_lines(large, tiers)
    lines += ["", f"Kernels: `compile_module` (parsing) {fmt(kernels['module_ms'])} ms, then `kernel_compile_ms`"
              f" (inference, LLVM optimization, code generation, linking) {fmt(kernels['kernel_compile_ms'])} ms per"
              f" kernel (medians); from the disk: `compile_module` {fmt(hit['kernels']['module_ms'])} ms,"
              f" {hit['kernels']['kernel_compiles']} compiles. Runtime construction:"
              f" {fmt(exprs['runtime_ms'])} ms. Disk runs: {fill['disk_misses']} misses then {hit['disk_hits']} hits"
              f" of {2 * args.k}.", "",
              "Whole processes, start to exit, computing `2*a + 1` over `arange(1000)` and printing it; ms (wall):",
              "", "| process | median | min | max | runs |", "|---|---:|---:|---:|---:|"]

    def prow(name, s):
        lines.append(f"| {name} | {fmt(s['median_ms'])} | {fmt(s['min_ms'])} | {fmt(s['max_ms'])} | {s['n']} |")

    prow(f"`jitexpr -c '{STATEMENTS}'`, warm disk cache", jx_warm)
    prow(f"`jitexpr -c '{STATEMENTS}'`, `JITEXPR_CACHE=0`", jx_off)
    prow("`python3 -c \"import numpy, numexpr; ... numexpr.evaluate('2*a + 1')\"`", ne_proc)
    prow("`python3 -c \"import numpy, numba; f = numba.njit(lambda a: 2*a + 1) ...\"`", nb_proc)
    prow(f"python3 script, `@njit(cache=True)`, warm `NUMBA_CACHE_DIR` (its first call:"
         f" {fmt(nb_cached['first_call_ms'])} ms)", nb_cached)

    hit_worst = max(hit["expressions"]["median_ms"], hit["kernels"]["median_ms"])
    lines += ["", "Targets (docs/workloads.md):", "",
              f"- small expression first call in a running process: {verdict(exprs['median_ms'], TARGETS['expression'])},"
              " median",
              f"- disk-cache hit: {verdict(hit_worst, TARGETS['disk_hit'])}, the larger of the expression"
              f" ({fmt(hit['expressions']['median_ms'])} ms) and kernel ({fmt(hit['kernels']['median_ms'])} ms) medians",
              f"- `jitexpr -c` start to first result with a warm disk cache: {verdict(jx_warm['median_ms'], TARGETS['process'])},"
              " median", ""]
    text = "\n".join(lines)
    with open(args.output, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
