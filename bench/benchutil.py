"""What the benchmark scripts share: running a Google Benchmark binary for JSON medians, timing
Python callables the way timeit does, and formatting. Imported by compare.py and parallel.py."""

import gc
import json
import os
import statistics
import subprocess
import time


def run_bench(path, name_filter, repetitions, min_time, extra_env=None):
    """Runs the benchmarks of `path` that match `name_filter` with repetitions in random order;
    returns (context, results) with results {key: {"wall": s, "cpu": s, "spread": fraction,
    "label": str}}, the key being the benchmark's name split at "/" (numbers as ints, without the
    "real_time" suffix): "cpp/add/1000" gives ("cpp", "add", 1000)."""
    cmd = [
        path,
        "--benchmark_format=json",
        f"--benchmark_filter={name_filter}",
        f"--benchmark_repetitions={repetitions}",
        "--benchmark_report_aggregates_only=true",
        "--benchmark_enable_random_interleaving=true",
        f"--benchmark_min_time={min_time}",
    ]
    env = dict(os.environ, **(extra_env or {}))
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, env=env).stdout
    report = json.loads(out)
    results = {}
    for b in report["benchmarks"]:
        if b.get("run_type") != "aggregate":
            continue
        parts = [p for p in b["run_name"].split("/") if p != "real_time"]
        key = tuple(int(p) if p.isdigit() else p for p in parts)
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        entry = results.setdefault(key, {})
        if b["aggregate_name"] == "median":
            entry["wall"] = b["real_time"] * scale
            entry["cpu"] = b["cpu_time"] * scale
            entry["label"] = b.get("label", "")
        elif b["aggregate_name"] == "cv":
            entry["spread"] = b["real_time"]  # coefficient of variation over the repetitions
            entry["spread_cpu"] = b["cpu_time"]
    return report["context"], results


def time_calls(fns, repeats, target_s):
    """timeit-style: per callable, a loop count that takes >= target_s, then `repeats` timed loops,
    interleaved across the callables so they share the machine's load. Returns
    {name: {"wall": median s per call, "cpu": median s per call, "spread": stdev / mean of cpu,
    "spread_wall": the same of wall}}."""
    numbers = {}
    for name, f in fns.items():
        f()  # numexpr compiles and caches the expression on its first call
        number = 1
        while True:
            t0 = time.perf_counter()
            for _ in range(number):
                f()
            elapsed = time.perf_counter() - t0
            if elapsed >= target_s:
                break
            number = max(number * 2, int(number * target_s * 1.2 / max(elapsed, 1e-9)))
        numbers[name] = number
    wall = {name: [] for name in fns}
    cpu = {name: [] for name in fns}
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            for name, f in fns.items():
                number = numbers[name]
                w0, c0 = time.perf_counter(), time.process_time()
                for _ in range(number):
                    f()
                c1, w1 = time.process_time(), time.perf_counter()
                wall[name].append((w1 - w0) / number)
                cpu[name].append((c1 - c0) / number)
    finally:
        if gc_was_enabled:
            gc.enable()

    def spread(xs):
        return statistics.stdev(xs) / statistics.mean(xs) if repeats > 1 else 0.0

    return {
        name: {
            "wall": statistics.median(wall[name]),
            "cpu": statistics.median(cpu[name]),
            "spread": spread(cpu[name]),
            "spread_wall": spread(wall[name]),
        }
        for name in fns
    }


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def fmt(x):
    if x is None:
        return "n/a"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def size_name(n):
    return f"1e{len(str(n)) - 1}" if str(n).strip("0") == "1" else str(n)
