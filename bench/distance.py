#!/usr/bin/python3
"""The distance matrix of docs/workloads.md (Lanaro ch. 3): jitexpr, numpy and numexpr, each
in a process of its own, compared on time, peak memory and result.

    /usr/bin/python3 bench/distance.py build/release/distance.md --bench build/release/bench/bench_distance

N random 2-D points (uniform in [0, 1), fixed seed) are written to an .npy file; each variant
computes the N x N matrix of pairwise distances from it:
  jitexpr  bench_distance: sqrt(sum((a - b)**2, axis=2)), one fused expression; a is (N, 1, 2), b (1, N, 2)
  numpy    np.sqrt(((a - b)**2).sum(axis=2)): broadcasting builds N x N x 2 temporaries
  numexpr  np.sqrt(ne.evaluate("sum((a - b)**2, axis=2)")), as Lanaro writes it
Each process times `--repeats` calls after one untimed call, reads its peak resident memory
(VmHWM) and its memory before the first call (VmRSS, after loading the points), and saves its
last result; the script checks the results agree (to 1e-12 relative) and runs the processes in
turn `--rounds` times, so that the variants share the machine's load. Times are medians of wall
time over all rounds; memory the largest peak.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from benchutil import cpu_model, fmt

VARIANTS = ["jitexpr", "numpy", "numexpr"]


def status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def worker(variant, points_path, repeats, result_path):
    """Runs in its own process: one variant, printed as bench_distance prints it."""
    import numexpr as ne
    points = np.load(points_path)
    n = len(points)
    a, b = points.reshape(n, 1, 2), points.reshape(1, n, 2)
    if variant == "numpy":
        def distances():
            return np.sqrt(((a - b) ** 2).sum(axis=2))
        threads = 1
    else:
        def distances():
            return np.sqrt(ne.evaluate("sum((a - b)**2, axis=2)", local_dict={"a": a, "b": b}))
        threads = ne.get_num_threads() if hasattr(ne, "get_num_threads") else ne.detect_number_of_cores()
    rss_before = status_kib("VmRSS")
    d = distances()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        d = None
        d = distances()
        times.append(time.perf_counter() - t0)
    peak = status_kib("VmHWM")
    print(json.dumps({"variant": variant, "n": n, "threads": threads, "times": times,
                      "rss_before_kib": rss_before, "peak_kib": peak}))
    np.save(result_path, d)


def run_variant(variant, bench, points_path, repeats, result_path):
    if variant == "jitexpr":
        cmd = [bench, points_path, str(repeats), result_path]
    else:
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", variant, points_path, str(repeats), result_path]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
        return
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="markdown file to write")
    parser.add_argument("--bench", default=os.path.join(here, "..", "build", "release", "bench", "bench_distance"))
    parser.add_argument("--n", type=int, default=10_000, help="number of points")
    parser.add_argument("--repeats", type=int, default=3, help="timed calls per process")
    parser.add_argument("--rounds", type=int, default=2, help="processes per variant, run in turn")
    args = parser.parse_args()

    command = "/usr/bin/python3 " + " ".join([os.path.relpath(sys.argv[0])] + sys.argv[1:])
    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.perf_counter()
    load_before = os.getloadavg()[0]
    runs = {v: [] for v in VARIANTS}
    with tempfile.TemporaryDirectory() as tmp:
        points_path = os.path.join(tmp, "points.npy")
        np.save(points_path, np.random.default_rng(2013).random((args.n, 2)))
        results = {}
        for _ in range(args.rounds):
            for v in VARIANTS:
                path = os.path.join(tmp, f"{v}.npy")
                runs[v].append(run_variant(v, args.bench, points_path, args.repeats, path))
                results[v] = np.load(path)
                print(f"  {v}: {runs[v][-1]['times']}", file=sys.stderr, flush=True)
        for v in VARIANTS[1:]:
            if results[v].shape != results["jitexpr"].shape or not np.allclose(results[v], results["jitexpr"],
                                                                                rtol=1e-12, atol=0):
                sys.exit(f"distance.py: {v} and jitexpr disagree")
        worst = max(float(np.max(np.abs(results[v] - results["jitexpr"]))) for v in VARIANTS[1:])
    n = args.n
    matrix_mib = n * n * 8 / 2**20
    lines = [f"- command: `{command}`",
             f"- machine: {cpu_model()}, {os.cpu_count()} cores",
             f"- date: {started:%Y-%m-%d %H:%M} UTC, run took {time.perf_counter() - t0:.0f} s",
             f"- load average (1 min) before / after: {load_before:.2f} / {os.getloadavg()[0]:.2f}",
             f"- N = {n} points; the N x N float64 result is {matrix_mib:.0f} MiB, an N x N x 2 temporary"
             f" {2 * matrix_mib:.0f} MiB; the results agree (largest difference from jitexpr's {worst:.2g})", "",
             "| variant | threads | median s | min s | peak MiB | peak - before MiB | peak - before, in results |"
             " time / jitexpr |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    jit_median = statistics.median(t for r in runs["jitexpr"] for t in r["times"])
    for v in VARIANTS:
        times = [t for r in runs[v] for t in r["times"]]
        peak = max(r["peak_kib"] for r in runs[v]) / 1024
        grown = max(r["peak_kib"] - r["rss_before_kib"] for r in runs[v]) / 1024
        med = statistics.median(times)
        lines.append(f"| {v} | {runs[v][0]['threads']} | {fmt(med)} | {fmt(min(times))} | {peak:.0f} | {grown:.0f} |"
                     f" {grown / matrix_mib:.2f} | {fmt(med / jit_median)} |")
    text = "\n".join(lines) + "\n"
    with open(args.output, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
