#!/usr/bin/python3
"""jitexpr's main demo: ahead of time against just in time on the book workloads
(docs/workloads.md, docs/aot-vs-jit.md).

Each workload runs in fresh processes, one per variant: hand-written C++ (workloads_cpp), kernels
compiled ahead of time by jitexpr-aot (workloads_aot), the same kernels through the JIT
(workloads_jit: cold, warm, and from the disk cache that an earlier process filled), jitexpr array
expressions (workloads_jit's *_expr workloads), and pure Python, numpy, numexpr and Numba
(bench/workloads/pyworkloads.py). Every program times one workload, checks its result and prints
one JSON line (bench/workloads/Workloads.h documents the fields).

    /usr/bin/python3 bench/demo.py [--build build/release] [--out report] [--repeat 3] [--quick]
                                   [--only julia,norm]

Writes OUT/README.md (machine, tables against hand-written C++ and the books' published figures,
what each table shows), OUT/results.json (every run's JSON line, command and exit status), one
chart of warm times per workload, one of the JIT's and Numba's cold and warm calls, and the Julia
set image. Exit status 1 when a variant failed its check, when the cpp, aot and jit checksums of a
workload disagree, when the JIT's second process found nothing in the disk cache, or when the
saved Julia counts are wrong; 2 on a bad command line or when nothing is there to run.
"""

import argparse
import datetime
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYWORKLOADS = REPO / "bench" / "workloads" / "pyworkloads.py"
PYTHON = "/usr/bin/python3"  # Debian's, with numpy, numexpr, Numba and matplotlib

BUDGET_S = 600  # the whole demo, on a 2-core machine
RUN_TIMEOUT_S = 300  # one process
CHECKSUM_RTOL = 1e-9
JULIA_COUNT_SUM = 33_219_980  # the book's check of the 1000x1000 Julia set

# Tables in the order the report shows them; a workload a program adds later comes after these.
TABLES = ["julia", "diffusion", "diffusion_expr", "norm", "pi", "primes", "particles", "distance"]
# workloads_jit's array-expression workloads and the tables they join.
EXPRESSION_TABLE = {"norm_expr": "norm", "distance_expr": "distance", "diffusion_expr": "diffusion_expr"}
# Tables that compute the same thing in other forms: a row missing from one (the hand-written C++
# baseline, a book reference) is looked up in the other.
RELATED = {"diffusion": "diffusion_expr", "diffusion_expr": "diffusion"}
# Where cpp, aot and jit do the same arithmetic, so their checksums must agree.
CHECKSUM_TABLES = ["julia", "diffusion", "particles"]

# Row kinds in table order, with their labels.
LABELS = {
    "cpp": "hand-written C++",
    "aot": "AOT (jitexpr-aot)",
    "aot-x86-64": "AOT for plain x86-64",
    "jit": "JIT, cold (no disk cache)",
    "jit-disk": "JIT, from the disk cache",
    "expr": "jitexpr expression",
    "numba": "Numba",
    "numexpr": "numexpr",
    "numpy": "numpy",
    "python": "pure Python",
}
JITEXPR_ROWS = ("aot", "aot-x86-64", "jit", "jit-disk", "expr")

# Rows whose every call takes seconds: one warm call instead of --repeat, to keep the demo within
# BUDGET_S (the first call is still timed and checked).
SLOW_ROWS = {("julia", "numpy"), ("julia", "numexpr")}
# Tables whose calls take about a millisecond: more warm calls, so that the median is not the
# noise of the first few (caches, page faults).
FAST_TABLES = {"norm": 50}


# --- what a row's time means: work units and the books' figures --------------------------------

def _number(pattern, text):
    m = re.search(pattern, text or "")
    return float(m.group(1)) if m else None


def _grid_updates(r):
    m = re.search(r"(\d+)x(\d+)(?: grid)?, (\d+) steps", r.get("size", ""))
    return float(m.group(1)) * float(m.group(2)) * float(m.group(3)) if m else None


def _particle_steps(r):
    size = r.get("size", "")
    n = _number(r"(\d+) particles", size)
    steps = _number(r"(\d+) steps", size)
    if steps is None:  # "evolve(0.1)": the book's int(dt / timestep), float truncation included
        dt = _number(r"evolve\(([\d.eE+-]+)\)", size)
        steps = int(dt / 0.00001) if dt is not None else None
    return n * steps if n is not None and steps is not None else None


def _matrix_entries(r):
    m = re.search(r"(\d+)x(\d+) matrix", r.get("size", ""))
    if m:
        return float(m.group(1)) * float(m.group(2))
    n = _number(r"(\d+) points", r.get("size", ""))
    return n * n if n is not None else None


@dataclass(frozen=True)
class WorkUnit:
    """What one unit of a workload's work is, and how many a run did (from its JSON), so that a
    reduced-size run can be compared per unit. Each workload's cost is linear in these units."""
    name: str
    count: object  # result JSON -> units, or None when the JSON does not tell
    book: str = ""  # the books' best figure per unit


WORK = {
    "julia": WorkUnit("inner iteration", lambda r: _number(r"count sum (\d+)", r.get("check")),
                      "the book's best serial figure: about 7 ns"),
    "diffusion": WorkUnit("cell update", _grid_updates, "the book's best: about 1 ns"),
    "diffusion_expr": WorkUnit("cell update", _grid_updates, "the book's best: about 1 ns"),
    "pi": WorkUnit("sample", lambda r: _number(r"([\d.]+(?:e\d+)?) samples", r.get("size"))),
    "particles": WorkUnit("particle step", _particle_steps),
    "distance": WorkUnit("matrix entry", _matrix_entries),
}


@dataclass(frozen=True)
class BookFigure:
    """A published figure, set beside the row of kind `row`. `measure` says which of our times it
    compares with ("first": the first call in a process, "warm"). Where the book gives a ratio to
    its reference rather than a time, `ratio` holds it."""
    row: str
    label: str
    seconds: float | None = None
    measure: str = "warm"
    ratio: float | None = None
    ratio_prefix: str = ""  # "over " where the book gives a bound


@dataclass(frozen=True)
class Book:
    """The books' figures for one table. Their machines and Pythons are a decade older, so only
    ratios compare: each figure's ratio to `ref` in the book, against ours to the row of kind
    ref.row."""
    source: str
    ref: BookFigure
    figures: list


JULIA_BOOK = Book("High Performance Python ch. 2 and 7 (1000x1000, 300 iterations)",
                  BookFigure("cpp", "Cython, typed, |z|^2 < 4", 0.25),
                  [BookFigure("python", "pure Python", 11.0),
                   BookFigure("numba", "Numba, first call (compile included)", 0.3, measure="first"),
                   BookFigure("numba", "Numba, second call", 0.23)])
DIFFUSION_REF = BookFigure("numpy", "numpy in place + laplacian", 0.53)
BOOK = {
    "julia": JULIA_BOOK,
    "diffusion": Book("High Performance Python Table 6-1 (1024x1024, 500 steps)", DIFFUSION_REF,
                      [BookFigure("python", "pure Python", 39.00)]),
    "diffusion_expr": Book("High Performance Python Table 6-1 (1024x1024, 500 steps)", DIFFUSION_REF,
                           [BookFigure("numexpr", "numpy in place + laplacian + numexpr", 0.50)]),
    "norm": Book("High Performance Python ch. 6 (1e6 elements)",
                 BookFigure("numpy", "numpy.sum(v*v)", 30.9e-6),
                 [BookFigure("python", "Python loop", 1.16e-3)]),
    "pi": Book("High Performance Python ch. 9 (1e8 samples; ours are 1e7)", BookFigure("numpy", "numpy"),
               [BookFigure("python", "pure Python, one process, 1e8 samples", 120.0, ratio=50.0,
                           ratio_prefix="over ")]),
    "particles": Book("Python High Performance Programming ch. 1-2, 4-5 (N = 1000, evolve(0.1))",
                      BookFigure("cpp", "Cython, typed", 0.134),
                      [BookFigure("python", "pure Python", 6.13), BookFigure("numpy", "numpy", 0.852)]),
    "distance": Book("Python High Performance Programming ch. 3 (10000 points)",
                     BookFigure("numpy", "numpy broadcasting"),
                     [BookFigure("numexpr", "numexpr (\"4.5x faster\")", ratio=1 / 4.5)]),
}


# --- runs and rows -----------------------------------------------------------------------------

@dataclass
class Run:
    """One process: its command, the environment variables set for it, and what it printed."""
    argv: list
    env: dict
    rc: int | None
    wall_s: float
    result: dict | None
    last_line: str
    stderr_tail: str
    timed_out: bool = False

    def failure(self):
        """Why this run failed, or None."""
        if self.timed_out:
            return f"timed out after {RUN_TIMEOUT_S} s"
        if self.result is None:
            return f"exit status {self.rc}, no JSON line" + (f": {self.stderr_tail}" if self.stderr_tail else "")
        if self.rc != 0 or self.result.get("ok") is not True:
            return f"exit status {self.rc}, ok {self.result.get('ok')}: {self.result.get('check', '')}"
        return None

    def record(self, table, key):
        return {"table": table, "row": key, "command": shlex.join(map(str, self.argv)), "env": self.env,
                "exit": self.rc, "wall_s": self.wall_s, "timed_out": self.timed_out, "json": self.result,
                "last_line": self.last_line, "stderr_tail": self.stderr_tail}


@dataclass
class Row:
    """One line of a table: a run of one variant, and what else it failed beyond its own check."""
    table: str
    key: str
    workload: str
    run: Run
    problems: list = field(default_factory=list)

    @property
    def r(self):
        return self.run.result or {}

    @property
    def label(self):
        return LABELS.get(self.key, self.key)

    @property
    def failures(self):
        own = self.run.failure()
        return ([own] if own else []) + self.problems

    @property
    def ok(self):
        return not self.failures

    @property
    def reduced(self):
        return bool(self.r.get("reduced"))

    def time(self, measure="warm"):
        value = self.r.get("first_s" if measure == "first" else "warm_s")
        return float(value) if isinstance(value, (int, float)) else None

    def units(self):
        work = WORK.get(self.table)
        return work.count(self.r) if work and self.run.result else None

    def per_unit(self, measure="warm"):
        t, u = self.time(measure), self.units()
        return t / u if t is not None and u else None


@dataclass
class Job:
    """One variant of one workload to run: the program's command without --repeat."""
    table: str
    key: str
    workload: str
    argv: list


def ratio(a, a_measure, b, b_measure="warm"):
    """Row a's time over row b's, and whether it was scaled per work unit (a reduced-size row);
    (None, False) where they cannot be compared honestly."""
    if a is None or b is None or not a.ok or not b.ok:
        return None, False
    if not a.reduced and not b.reduced:
        ta, tb = a.time(a_measure), b.time(b_measure)
        return (ta / tb, False) if ta is not None and tb else (None, False)
    pa, pb = a.per_unit(a_measure), b.per_unit(b_measure)
    return (pa / pb, True) if pa is not None and pb else (None, False)


# --- discovering, running and collecting -------------------------------------------------------

def list_pairs(argv):
    """The (workload, variant) pairs a program's --list prints, or an error message."""
    try:
        out = subprocess.run(argv + ["--list"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"{shlex.join(map(str, argv))} --list: {e}"
    if out.returncode != 0:
        return None, f"{shlex.join(map(str, argv))} --list: exit status {out.returncode}: {out.stderr.strip()[-300:]}"
    return [tuple(line.split()) for line in out.stdout.splitlines() if len(line.split()) == 2], None


def discover(build, only):
    """The jobs of every program that is there, in table order, and notes on what is missing."""
    jobs, notes = [], []
    for kind in ("cpp", "aot", "aot-x86-64", "jit"):
        path = build / "bench" / f"workloads_{kind.replace('-', '_')}"
        if not os.access(path, os.X_OK):
            notes.append(f"{path} is not built: no {LABELS[kind]} rows")
            continue
        pairs, error = list_pairs([str(path)])
        if error:
            notes.append(error)
            continue
        for workload, _ in pairs:
            if kind == "jit" and workload in EXPRESSION_TABLE:
                jobs.append(Job(EXPRESSION_TABLE[workload], "expr", workload, [str(path), workload]))
            else:
                jobs.append(Job(workload, kind, workload, [str(path), workload]))
    if PYWORKLOADS.exists():
        pairs, error = list_pairs([PYTHON, str(PYWORKLOADS)])
        if error:
            notes.append(error)
        for workload, variant in pairs or []:
            jobs.append(Job(workload, variant, workload, [PYTHON, str(PYWORKLOADS), workload, variant]))
    else:
        notes.append(f"{PYWORKLOADS} is missing: no Python rows")
    if only:
        unknown = only - {j.table for j in jobs} - {j.workload for j in jobs}
        if unknown:
            notes.append(f"--only: no workload named {', '.join(sorted(unknown))}")
        jobs = [j for j in jobs if j.table in only or j.workload in only]
    jobs.sort(key=lambda j: (table_rank(j.table), j.table, list(LABELS).index(j.key) if j.key in LABELS else 99))
    return jobs, notes


def table_rank(table):
    return TABLES.index(table) if table in TABLES else len(TABLES)


def run_one(argv, env=None, timeout=RUN_TIMEOUT_S):
    """Runs one program in a fresh process with the environment variables `env` set (None values
    unset); its JSON line is the last line of its stdout."""
    full_env = dict(os.environ)
    for name, value in (env or {}).items():
        if value is None:
            full_env.pop(name, None)
        else:
            full_env[name] = value
    t0 = time.perf_counter()
    try:
        out = subprocess.run([str(a) for a in argv], capture_output=True, text=True, env=full_env, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        stderr = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return Run(argv, env or {}, None, time.perf_counter() - t0, None, "", stderr.strip()[-500:], timed_out=True)
    wall = time.perf_counter() - t0
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    try:
        result = json.loads(last)
        result = result if isinstance(result, dict) else None
    except json.JSONDecodeError:
        result = None
    return Run(argv, env or {}, out.returncode, wall, result, last, out.stderr.strip()[-500:])


def fmt_time(s):
    if s is None:
        return "—"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s / 1e-9:.3g} ns"


def fmt_ratio(r, scaled=False):
    if r is None:
        return "—"
    text = f"{r:.2g}x" if r < 0.1 else f"{r:.2f}x" if r < 10 else f"{r:.1f}x" if r < 100 else f"{r:.0f}x"
    return text + ("*" if scaled else "")


def progress(table, label, run, extra="", problems=()):
    r = run.result or {}
    failure = run.failure() or (problems[0] if problems else None)
    verdict = "ok" if failure is None else f"FAIL ({failure[:160]})"
    print(f"  {table:<15} {label:<27} first {fmt_time(r.get('first_s')):>9}  warm {fmt_time(r.get('warm_s')):>9}"
          f"  {verdict}{extra}  [{run.wall_s:.1f} s]", flush=True)


def collect(jobs, repeat, started):
    """Runs every job; returns the rows, table by table in order, and every run's record."""
    tables, records = {}, []
    shrunk = False
    for job in jobs:
        if not shrunk and repeat > 1 and time.perf_counter() - started > BUDGET_S / 2:
            shrunk = True
            print(f"  (half of the {BUDGET_S} s budget is spent: one warm call per variant from here on)", flush=True)
        r = 1 if shrunk or job.key == "python" or (job.table, job.key) in SLOW_ROWS else repeat
        if repeat > 1 and job.table in FAST_TABLES:
            r = max(r, FAST_TABLES[job.table])
        argv = job.argv + ["--repeat", str(r)]
        rows = tables.setdefault(job.table, [])
        # The JIT's cold figure: a fresh process that neither reads nor writes the disk cache.
        env = {"JITEXPR_CACHE": "0"} if job.key in ("jit", "expr") else None
        row = Row(job.table, job.key, job.workload, run_one(argv, env))
        rows.append(row)
        records.append(row.run.record(job.table, job.key))
        compile_s = row.r.get("compile_s")
        progress(job.table, row.label, row.run, f"  compile {fmt_time(compile_s)}" if compile_s is not None else "")
        if job.key == "jit":
            rows.append(disk_cache_row(job, argv, records))
    return dict(sorted(tables.items(), key=lambda kv: table_rank(kv[0]))), records


def disk_cache_row(job, argv, records):
    """Two processes on one fresh cache directory: the first fills it, the second's first call is
    the "from the disk cache" figure, and it must have found its code there."""
    cache = tempfile.mkdtemp(prefix="jitexpr-demo-cache-")
    try:
        env = {"JITEXPR_CACHE": None, "JITEXPR_CACHE_DIR": cache}
        fill = run_one(argv, env)
        records.append(fill.record(job.table, "jit-fill"))
        progress(job.table, "JIT, filling the disk cache", fill)
        run = run_one(argv, env)
        records.append(run.record(job.table, "jit-disk"))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    row = Row(job.table, "jit-disk", job.workload, run)
    if fill.failure():
        row.problems.append(f"the process that filled the cache failed: {fill.failure()}")
    hits = row.r.get("disk_hits")
    if run.result is not None and not (isinstance(hits, (int, float)) and hits > 0):
        row.problems.append(f"the second process found nothing in the disk cache (disk_hits {hits})")
    progress(job.table, row.label, run, f"  disk hits {hits}", row.problems)
    return row


def find(tables, table, key):
    """The row of kind `key` in `table`, else in its related table."""
    for t in (table, RELATED.get(table)):
        for row in tables.get(t, []):
            if row.key == key:
                return row
    return None


def cross_check(tables):
    """cpp, aot and jit checksums per CHECKSUM_TABLES workload: (table, [(label, checksum, rel)],
    agree) with rel the relative difference from the first row's."""
    checks = []
    for table in CHECKSUM_TABLES:
        rows = [row for row in tables.get(table, []) if row.key in ("cpp", "aot", "aot-x86-64", "jit", "jit-disk")
                and isinstance(row.r.get("checksum"), (int, float))]
        if len(rows) < 2:
            continue
        ref = float(rows[0].r["checksum"])
        entries = []
        for row in rows:
            value = float(row.r["checksum"])
            rel = abs(value - ref) / max(abs(value), abs(ref), 1e-300)
            entries.append((row.label, value, rel))
        checks.append((table, entries, all(rel <= CHECKSUM_RTOL for _, _, rel in entries)))
    return checks


# --- the Julia set image -----------------------------------------------------------------------

def julia_image(build, out_dir, records):
    """Saves the JIT's Julia counts (else Numba's) and renders them. Returns what it found:
    "unused" lists the attempts that saved nothing, "wrong" the counts that failed the check."""
    import numpy as np
    npy = out_dir / "julia_counts.npy"
    attempts = []
    jit = build / "bench" / "workloads_jit"
    if os.access(jit, os.X_OK):
        attempts.append(("workloads_jit", [jit, "julia", "--repeat", "1", "--save", npy], {"JITEXPR_CACHE": "0"}))
    if PYWORKLOADS.exists():
        attempts.append(("Numba (pyworkloads.py)",
                         [PYTHON, PYWORKLOADS, "julia", "numba", "--repeat", "1", "--save", npy], None))
    info = {"source": None, "png": None, "unused": [], "wrong": []}
    for source, argv, env in attempts:
        npy.unlink(missing_ok=True)
        run = run_one(argv, env)
        records.append(run.record("julia", "image"))
        progress("julia", f"image from {source}", run)
        if run.failure() or not npy.exists():
            info["unused"].append(f"{source}: " + (run.failure() or "wrote no counts"))
            continue
        counts = np.load(npy)
        total = int(counts.sum())
        if counts.shape != (1000, 1000) or total != JULIA_COUNT_SUM:
            info["wrong"].append(f"{source} saved counts of shape {counts.shape} that sum to {total} "
                                 f"(want (1000, 1000) and {JULIA_COUNT_SUM})")
            continue
        info.update(source=source, count_sum=total)
        plt = pyplot()
        fig = plt.figure(figsize=(8, 8), dpi=125)
        ax = fig.add_axes([0, 0, 1, 1])
        ax.set_axis_off()
        ax.imshow(np.log1p(counts), cmap="magma", interpolation="nearest")  # log: most counts are small
        fig.savefig(out_dir / "julia.png")
        plt.close(fig)
        info["png"] = "julia.png"
        return info
    info["unused"].append("no program saved the Julia counts")
    return info


# --- charts ------------------------------------------------------------------------------------

def pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


COLORS = {"cpp": "#555555", "aot": "#1f4e9c", "aot-x86-64": "#8e7cc3",
          "jit": "#3a78d4", "jit-disk": "#7fa9e6", "expr": "#2a9d8f",
          "numba": "#d1495b", "numexpr": "#edae49", "numpy": "#e07a2f", "python": "#8c6d46"}


def full_size_units(rows):
    """The work units of the table's full-size runs (the C++ ones, where there are)."""
    for row in sorted(rows, key=lambda r: r.key != "cpp"):
        if row.ok and not row.reduced and row.units():
            return row.units()
    return None


def charts(tables, out_dir):
    """One bar chart of warm times per table, and the JIT against Numba across tables. Returns
    {table: file} and the file of the cross-table chart (or None)."""
    plt = pyplot()
    files = {}
    for table, rows in tables.items():
        full_units = full_size_units(rows)
        bars = []  # (label, seconds, key, scaled)
        for row in rows:
            if not row.ok or row.time() is None:
                continue
            if not row.reduced:
                bars.append((row.label, row.time(), row.key, False))
            elif row.per_unit() and full_units:
                label = f"{row.label} (scaled from {row.r.get('size')})"
                bars.append((label, row.per_unit() * full_units, row.key, True))
        if not bars:
            continue
        fig, ax = plt.subplots(figsize=(9, 0.55 * len(bars) + 1.6))
        y = range(len(bars))
        drawn = ax.barh(list(y), [b[1] for b in bars], color=[COLORS.get(b[2], "#999999") for b in bars])
        for bar, (_, seconds, _, scaled) in zip(drawn, bars):
            if scaled:
                bar.set_hatch("//")
            middle = bar.get_y() + bar.get_height() / 2
            ax.text(bar.get_width(), middle, " " + fmt_time(seconds), va="center", fontsize=8)
        ax.set_yticks(list(y), [b[0] for b in bars], fontsize=8)
        ax.invert_yaxis()
        times = [b[1] for b in bars]
        if max(times) / min(times) > 20:
            ax.set_xscale("log")
        ax.set_xlim(right=max(times) * (4 if ax.get_xscale() == "log" else 1.25))
        scaled_note = "; hatched: scaled per work unit" if any(b[3] for b in bars) else ""
        ax.set_xlabel("warm call, seconds (median)" + scaled_note)
        ax.set_title(f"{table}: warm time per variant (lower is better)")
        fig.tight_layout()
        files[table] = f"warm_{table}.png"
        fig.savefig(out_dir / files[table], dpi=100)
        plt.close(fig)
    return files, jit_numba_chart(tables, out_dir, plt)


def jit_numba_chart(tables, out_dir, plt):
    series = [("JIT cold (no cache)", "jit", "first"), ("JIT from the disk cache", "jit-disk", "first"),
              ("JIT warm", "jit", "warm"), ("jitexpr expression cold", "expr", "first"),
              ("jitexpr expression warm", "expr", "warm"), ("Numba first call", "numba", "first"),
              ("Numba warm", "numba", "warm")]
    groups = []
    for table, rows in tables.items():
        by_key = {row.key: row for row in rows if row.ok and not row.reduced}
        values = [by_key[key].time(measure) if key in by_key else None for _, key, measure in series]
        if any(v is not None for v in values[:5]) or values[5] is not None:
            groups.append((table, values))
    if not groups:
        return None
    fig, ax = plt.subplots(figsize=(max(8, 1.6 * len(groups) + 2), 5))
    width = 0.8 / len(series)
    shades = ["#1f4e9c", "#7fa9e6", "#3a78d4", "#1b6e64", "#2a9d8f", "#8f1d2c", "#d1495b"]
    for s, ((name, _, measure), color) in enumerate(zip(series, shades)):
        xs = [g + (s - len(series) / 2 + 0.5) * width for g in range(len(groups))]
        heights = [values[s] if values[s] is not None else 0 for _, values in groups]
        ax.bar(xs, heights, width, label=name, color=color, hatch="" if measure == "warm" else "..")
    ax.set_xticks(range(len(groups)), [g[0] for g in groups])
    ax.set_yscale("log")
    ax.set_ylabel("seconds (log scale)")
    ax.set_title("First call in a fresh process against warm call: the JIT and Numba")
    ax.legend(fontsize=8, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.08))
    fig.savefig(out_dir / "jit_vs_numba.png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return "jit_vs_numba.png"


# --- the report --------------------------------------------------------------------------------

def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = ""
    return {"cpu": cpu, "cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)),
            "kernel": os.uname().release, "python": sys.version.split()[0], "commit": commit or "unknown"}


def book_cells(table, row, tables):
    """The book's figure, its ratio to the book's reference, and ours for the same pair."""
    book = BOOK.get(table)
    if book is None:
        return "", "", ""
    ref_row = find(tables, table, book.ref.row)
    figs = ([book.ref] if row.key == book.ref.row else []) + [f for f in book.figures if f.row == row.key]
    figure, theirs, ours = [], [], []
    for fig in figs:
        figure.append(f"{fig.label}: {fmt_time(fig.seconds)}" if fig.seconds is not None else fig.label)
        if fig is book.ref:
            theirs.append("1.00x (reference)")
            ours.append("1.00x (reference)" if row.ok else "—")
            continue
        r_book = fig.ratio if fig.ratio is not None else fig.seconds / book.ref.seconds
        theirs.append(f"{fig.ratio_prefix}{fmt_ratio(r_book)}" + (" (first call)" if fig.measure == "first" else ""))
        r_ours, scaled = ratio(row, fig.measure, ref_row)
        ours.append(fmt_ratio(r_ours, scaled))
    return "<br>".join(figure), "<br>".join(theirs), "<br>".join(ours)


def cell(text):
    return str(text).replace("|", "\\|")


def render_table(table, rows, tables, repeat):
    baseline = find(tables, table, "cpp")
    work = WORK.get(table)
    book = BOOK.get(table)
    size = (baseline or rows[0]).r.get("size", "?")
    lines = [f"## {table}", ""]
    intro = f"Size: {size}."
    if baseline is not None and baseline.table != table:
        intro += f" The C++ baseline is the hand-written C++ of the {baseline.table} table (the same computation)."
    if book is not None:
        ref_row = find(tables, table, book.ref.row)
        intro += (f" Book: {book.source}; its ratios are to its {book.ref.label}"
                  f"{' (' + fmt_time(book.ref.seconds) + ')' if book.ref.seconds else ''}, ours to our "
                  f"{LABELS[book.ref.row]}{'' if ref_row else ' (not run here)'}.")
    lines += [intro, ""]
    unit = f" per {work.name}" if work else ""
    head = ["variant", "threads", "first call", "compile", f"warm (median of {repeat}; (n): of n)", "warm ÷ C++ warm",
            f"warm{unit}" if work else None, "process → first result", "peak RSS", "book", "book ratio",
            "ours, same ratio"]
    head = [h for h in head if h is not None]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    notes = []
    for row in rows:
        r = row.r
        label = row.label + (" (reduced size*)" if row.reduced else "")
        if not row.ok:
            label = f"**FAILED** {label}"
        vs_cpp, scaled = ratio(row, "warm", baseline)
        rss = r.get("peak_rss_mb")
        runs = r.get("runs")
        warm = fmt_time(r.get("warm_s")) + (f" ({runs})" if runs is not None and runs != repeat else "")
        cells = [label, str(r.get("threads", "—")), fmt_time(r.get("first_s")), fmt_time(r.get("compile_s")), warm,
                 fmt_ratio(vs_cpp, scaled)]
        if work:
            cells.append(fmt_time(row.per_unit()))
        cells += [fmt_time(r.get("process_first_result_s")),
                  f"{rss:.0f} MB" if isinstance(rss, (int, float)) else "—", *book_cells(table, row, tables)]
        lines.append("| " + " | ".join(map(cell, cells)) + " |")
        detail = []
        if r.get("size") and r.get("size") != size:
            detail.append(f"size {r['size']}")
        if r.get("note"):
            detail.append(r["note"])
        if row.key == "jit-disk" and "disk_hits" in r:
            detail.append(f"disk hits {r['disk_hits']}")
        detail += [f"FAILED: {f}" for f in row.failures]
        if detail:
            notes.append(f"- {row.label}: " + "; ".join(detail))
    lines.append("")
    if any(row.reduced for row in rows):
        how = (f"its ratios (marked *) compare times per {work.name}, which its work is linear in" if work
               else "this workload has no work unit to scale it by, so it has no ratios")
        notes.append(f"- \\* A reduced-size run's times are its own; {how}.")
    return lines + notes + [""]


# What the paragraphs call the jitexpr rows.
SUBJECTS = {"aot": "the AOT kernels", "aot-x86-64": "the AOT kernels for plain x86-64", "jit": "the JIT",
            "expr": "the jitexpr expression"}


def sentence_ratio(r):
    word = "faster" if r < 0.95 else "slower" if r > 1.05 else "on par, within 5%"
    return f"{fmt_ratio(r)} the hand-written C++'s time ({word})"


def explain(table, rows, tables):
    """A paragraph of what the table's numbers show, computed from them."""
    by_key = {row.key: row for row in rows}
    cpp = find(tables, table, "cpp")
    work = WORK.get(table)
    out = []
    failed = [row.label for row in rows if not row.ok]
    if failed:
        out.append(f"FAILED: {', '.join(failed)} (their times are not compared).")
    if cpp is not None and cpp.ok:
        text = f"Warm, the hand-written C++ takes {fmt_time(cpp.time())}"
        if work and cpp.per_unit():
            text += f", {fmt_time(cpp.per_unit())} per {work.name}" + (f" ({work.book})" if work.book else "")
        out.append(text + ".")
        for key in ("aot", "aot-x86-64", "jit", "expr"):
            row = by_key.get(key)
            r, _ = ratio(row, "warm", cpp)
            if r is not None:
                threads = row.r.get("threads")
                on = f", on {threads} threads against {cpp.r.get('threads')}" if threads != cpp.r.get("threads") else ""
                out.append(f"Warm, {SUBJECTS[key]} take{'' if key.startswith('aot') else 's'} {sentence_ratio(r)}{on}.")
    for key in ("jit", "expr"):
        row = by_key.get(key)
        if row is None or not row.ok or not row.time("first") or not row.time():
            continue
        text = f"In a fresh process the first call of {SUBJECTS[key]} takes {fmt_time(row.time('first'))}"
        if isinstance(row.r.get("compile_s"), (int, float)):
            text += f", {fmt_time(row.r['compile_s'])} of it compiling"
        text += (f": {fmt_ratio(row.time('first') / row.time())} its warm call; the process has its first result "
                 f"{fmt_time(row.r.get('process_first_result_s'))} after it starts.")
        out.append(text)
        disk = by_key.get("jit-disk") if key == "jit" else None
        if disk is not None and disk.ok and disk.time("first"):
            speedup = fmt_ratio(disk.time("first") / row.time("first"))
            out.append(f"From the disk cache that an earlier process filled, the first call takes "
                       f"{fmt_time(disk.time('first'))} ({speedup} the cold one, "
                       f"disk hits: {disk.r.get('disk_hits')}) and the first result comes "
                       f"{fmt_time(disk.r.get('process_first_result_s'))} after the start.")
    numba = by_key.get("numba")
    if numba is not None and numba.ok and not numba.reduced:
        text = (f"Numba's first call (compile included) takes {fmt_time(numba.time('first'))} and its warm call "
                f"{fmt_time(numba.time())}")
        jit = by_key.get("jit")
        if jit is not None and jit.ok and numba.time("first") and numba.time():
            text += (f"; the JIT's cold first call is {fmt_ratio(jit.time('first') / numba.time('first'))} Numba's, "
                     f"its warm call {fmt_ratio(jit.time() / numba.time())} Numba's warm")
        out.append(text + ".")
    full = [row for row in rows if row.ok and not row.reduced and row.time() and row.key != "jit-disk"]
    if len(full) >= 2:
        fast, slow = min(full, key=Row.time), max(full, key=Row.time)
        out.append(f"Of the full-size variants, {fast.label} is the fastest warm ({fmt_time(fast.time())}) and "
                   f"{slow.label} the slowest ({fmt_time(slow.time())}), {fmt_ratio(slow.time() / fast.time())} apart.")
    book = BOOK.get(table)
    if book is not None:
        ref_row = find(tables, table, book.ref.row)
        for fig in book.figures:
            r_ours, scaled = ratio(by_key.get(fig.row), fig.measure, ref_row)
            if r_ours is None:
                continue
            r_book = fig.ratio if fig.ratio is not None else fig.seconds / book.ref.seconds
            which = "first call" if fig.measure == "first" else "warm call"
            out.append(f"The book's {fig.label} took {fig.ratio_prefix}{fmt_ratio(r_book)} its {book.ref.label}; "
                       f"here the {LABELS[fig.row]} {which} takes {fmt_ratio(r_ours, scaled)} the "
                       f"{LABELS[book.ref.row]} warm call" + (" (scaled per work unit)." if scaled else "."))
    return " ".join(out)


def render_markdown(report):
    m, tables = report["machine"], report["tables"]
    lines = [
        "# jitexpr: ahead of time against just in time, on the book workloads", "",
        f"Generated by `bench/demo.py` on {report['date']}; the whole demo took {report['total_s']:.0f} s.", "",
        "## Machine", "",
        f"- CPU: {m['cpu']}, {m['cores']} logical cores ({m['usable_cores']} usable by this process); "
        f"Linux {m['kernel']}",
        f"- Load average (1, 5, 15 min): before {report['load_before']}, after {report['load_after']}",
        f"- jitexpr {m['commit']}; programs from `{report['build']}`; Python variants by `{PYTHON}`",
        f"- Command: `{report['command']}`",
    ]
    lines += [f"- Note: {n}" for n in report["notes"]]
    lines += [
        "", "## How to read the tables", "",
        "Every row is a fresh process that times one workload and checks its result (a failed check "
        "is marked **FAILED**). *first call* is the first call in that process: for the JIT it includes "
        "starting the JIT and compiling (*compile*), for Numba its compile. *warm* is the median of the "
        "calls after it in the same process. *process → first result* runs from the process's start to "
        "the end of its first call. The JIT runs twice more on a fresh cache directory: the second "
        "process's first call is *from the disk cache*. The books ran CPython 2.7 on 2011-2013 "
        "hardware: compare their ratios, not their seconds.", "",
    ]
    for table, rows in tables.items():
        lines += render_table(table, rows, tables, report["repeat"])
        lines += [f"**What this shows.** {explain(table, rows, tables)}", ""]
        if table in report["charts"]:
            lines += [f"![{table}: warm times]({report['charts'][table]})", ""]
    if report["jit_chart"]:
        lines += ["## The JIT against Numba: first call and warm call", "",
                  f"![first call against warm call]({report['jit_chart']})", ""]
    lines += ["## Checksums of the compiled variants", ""]
    if report["checksums"]:
        lines += [f"The hand-written C++, AOT and JIT runs of these workloads do the same arithmetic; their "
                  f"checksums must agree to {CHECKSUM_RTOL:g} relative.", "",
                  "| workload | variant | checksum | relative difference | |", "|---|---|---|---|---|"]
        for table, entries, agree in report["checksums"]:
            for label, value, rel in entries:
                verdict = "ok" if rel <= CHECKSUM_RTOL else "**DISAGREES**"
                values = [table, label, f"{value:.17g}", f"{rel:.2g}", verdict]
                lines.append("| " + " | ".join(map(cell, values)) + " |")
        lines.append("")
    else:
        lines += ["No workload had two compiled variants to compare.", ""]
    julia = report["julia"]
    if julia is not None:
        lines += ["## The Julia set", ""]
        if julia.get("png"):
            lines += [f"Escape counts of the 1000x1000 Julia set (log colour scale), saved by {julia['source']}: "
                      f"they sum to {julia['count_sum']} (the book: {JULIA_COUNT_SUM}).", "",
                      f"![Julia set]({julia['png']})", ""]
        lines += [f"- Not used: {p}" for p in julia["unused"]] + [f"- FAILED: {p}" for p in julia["wrong"]]
        lines += [""] if julia["unused"] or julia["wrong"] else []
    lines += ["## Verdict", ""]
    if report["failures"]:
        lines += [f"{len(report['failures'])} problem(s):", ""] + [f"- {f}" for f in report["failures"]]
    else:
        lines.append("Every variant passed its check; the compiled variants' checksums agree.")
    return "\n".join(lines) + "\n"


def failures_of(tables, checksums, julia):
    out = [f"{table} / {row.label}: {f}" for table, rows in tables.items() for row in rows for f in row.failures]
    for table, entries, agree in checksums:
        if not agree:
            found = ", ".join(f"{label} {value:.17g}" for label, value, _ in entries)
            out.append(f"{table}: checksums disagree: {found}")
    if julia is not None:  # an attempt that saved nothing is no failure where a fallback drew the image
        out += [f"julia image: {p}" for p in julia["wrong"] + (julia["unused"] if julia["png"] is None else [])]
    return out


def print_summary(tables):
    print("\nwarm time against the hand-written C++ (* = scaled per work unit from a reduced size):")
    for table, rows in tables.items():
        baseline = find(tables, table, "cpp")
        print(f"  {table}")
        for row in rows:
            r, scaled = ratio(row, "warm", baseline)
            state = "" if row.ok else "  FAILED"
            print(f"    {row.label:<27} first {fmt_time(row.time('first')):>9}  warm {fmt_time(row.time()):>9}"
                  f"  {fmt_ratio(r, scaled):>8}{state}")


def main():
    started = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=REPO / "build" / "release",
                        help="the build directory with bench/workloads_{cpp,aot,jit} (default build/release)")
    parser.add_argument("--out", type=Path, default=REPO / "report", help="where the report goes (default report/)")
    parser.add_argument("--repeat", type=int, default=3, help="warm calls per run (default 3; pure Python and "
                                                                "the slowest variants get 1)")
    parser.add_argument("--quick", action="store_true", help="one warm call per run, for a smoke test")
    parser.add_argument("--only", help="comma-separated workloads (table names or the programs' workload names)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    repeat = 1 if args.quick else args.repeat
    only = {w.strip() for w in args.only.split(",") if w.strip()} if args.only else None

    load_before = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    jobs, notes = discover(args.build, only)
    for note in notes:
        print(f"note: {note}", flush=True)
    if not jobs:
        print("nothing to run", file=sys.stderr)
        return 2
    print(f"{len(jobs)} variants to run (repeat {repeat}); load average {load_before}", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    tables, records = collect(jobs, repeat, started)
    checksums = cross_check(tables)
    julia = julia_image(args.build, args.out, records) if "julia" in tables else None
    chart_files, jit_chart = charts(tables, args.out)
    total_s = time.perf_counter() - started
    report = {
        "machine": machine(), "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": shlex.join([PYTHON if sys.executable == PYTHON else sys.executable] + sys.argv),
        "build": str(args.build), "notes": notes, "load_before": load_before,
        "load_after": ", ".join(f"{x:.2f}" for x in os.getloadavg()), "total_s": total_s, "tables": tables,
        "repeat": repeat, "checksums": checksums, "julia": julia,
        "charts": chart_files, "jit_chart": jit_chart,
    }
    report["failures"] = failures_of(tables, checksums, julia)
    (args.out / "README.md").write_text(render_markdown(report))
    results = {key: report[key] for key in ("machine", "date", "command", "build", "notes", "load_before",
                                            "load_after", "total_s", "failures")}
    results["checksums"] = [{"workload": table, "agree": agree,
                             "entries": [{"variant": label, "checksum": value, "relative_difference": rel}
                                         for label, value, rel in entries]}
                            for table, entries, agree in checksums]
    results["julia_image"] = julia
    results["runs"] = records
    (args.out / "results.json").write_text(json.dumps(results, indent=1) + "\n")

    print_summary(tables)
    print(f"\nreport: {args.out / 'README.md'}; total {total_s:.0f} s")
    if report["failures"]:
        print(f"{len(report['failures'])} FAILED:", *report["failures"], sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
