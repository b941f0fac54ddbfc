"""Timing and reporting helpers shared by the benchmark scripts."""

from __future__ import annotations

import json
import platform
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

RESULTS_DIR = Path(__file__).parent / "results"


def time_call(fn, repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` in seconds, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_interleaved(fns: dict, repeats: int = 5, warmup: int = 1) -> dict:
    """Median wall time of each callable, timing them in turn so that machine noise hits all alike."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def format_table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(h) for h in headers]] + [[f"{c:.4g}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def write_results(name: str, table: str, data: dict) -> Path:
    """Print the table and write it (markdown) plus raw numbers (json) under benchmarks/results/."""
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = f"# {name}\n\nMeasured {stamp} on {platform.processor() or platform.machine()}, numpy {np.__version__}.\n\n"
    (RESULTS_DIR / f"{name}.md").write_text(header + table + "\n")
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps({"measured": stamp, **data}, indent=2, default=float))
    print(header + table)
    return RESULTS_DIR / f"{name}.md"
