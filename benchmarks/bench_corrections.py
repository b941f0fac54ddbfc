"""Throughput of the correction functions against two plain numpy evaluations of the formula.

Baselines for corrections.exact, all on the same arrays in one run:
- naive (notes style): np.log(1/(1+np.exp(-x))) four times; overflows at the extremes;
- numpy SIMD floor: the four log-sigmoids as np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x))),
  numpy's own vectorised primitives, the strongest straightforward evaluation;
  timed on the whole arrays and on the same cache-sized blocks that exact uses;
- exact_reference: the same four log-sigmoids through scipy.special.log_expit.

Usage: python benchmarks/bench_corrections.py [--n 10000000]
"""

from __future__ import annotations

import argparse

import numpy as np

from _common import format_table, time_interleaved, write_results
from orbm_explore import corrections
from orbm_explore._kernels import correction as _kernels


def naive_exact(phi0, eps, w):
    """The notes' style: np.log(sigmoid(x)) with sigmoid = 1/(1+exp(-x)). Wrong at extremes."""
    def log_sig(x):
        return np.log(1.0 / (1.0 + np.exp(-x)))
    return log_sig(phi0 + w + eps) + log_sig(phi0) - log_sig(phi0 + w) - log_sig(phi0 + eps)


def simd_exact(phi0, eps, w):
    """The four log-sigmoids with numpy's SIMD exp and log1p: log σ(x) = min(x, 0) - log1p(e^{-|x|})."""
    def log_sig(x):
        return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))
    return log_sig(phi0 + w + eps) + log_sig(phi0) - log_sig(phi0 + w) - log_sig(phi0 + eps)


def simd_exact_blocked(phi0, eps, w, block=_kernels.BLOCK):
    """simd_exact on cache-sized blocks (the block size exact uses), so memory traffic is not the bottleneck."""
    out = np.empty_like(phi0)
    for start in range(0, phi0.size, block):
        part = slice(start, start + block)
        out[part] = simd_exact(phi0[part], eps[part], w[part])
    return out


def exact_one_thread(phi0, eps, w):
    """corrections.exact with its driver held to one thread, to compare per-core work with the baselines."""
    threads, _kernels.THREADS = _kernels.THREADS, 1
    try:
        return corrections.exact(phi0, eps, w)
    finally:
        _kernels.THREADS = threads


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    phi0 = rng.uniform(-20, 20, args.n)
    eps = rng.uniform(-20, 20, args.n)
    w = rng.uniform(-10, 10, args.n)

    contenders = {
        "naive (notes style)": lambda: naive_exact(phi0, eps, w),
        "numpy SIMD floor (4 log-sigmoids)": lambda: simd_exact(phi0, eps, w),
        "numpy SIMD floor, 32k blocks": lambda: simd_exact_blocked(phi0, eps, w),
        "exact_reference (log_expit)": lambda: corrections.exact_reference(phi0, eps, w),
        "exact": lambda: corrections.exact(phi0, eps, w),
        "exact, 1 thread": lambda: exact_one_thread(phi0, eps, w),
        "sigmoid (gain)": lambda: corrections.sigmoid(phi0, eps, w),
        "linear": lambda: corrections.linear(phi0, eps, w),
    }
    times = time_interleaved(contenders, repeats=5)
    base = times["naive (notes style)"]
    floor = min(times["numpy SIMD floor (4 log-sigmoids)"], times["numpy SIMD floor, 32k blocks"])

    # Accuracy at the extremes, where the naive form breaks.
    big = np.array([-1e3, -800.0, -50.0, 50.0, 800.0, 1e3])
    grid_phi, grid_eps = np.meshgrid(big, big)
    with np.errstate(all="ignore"):
        naive_big = naive_exact(grid_phi, grid_eps, 3.0)
    exact_big = corrections.exact(grid_phi, grid_eps, 3.0)
    bad_naive = int(np.sum(~np.isfinite(naive_big)))
    bad_exact = int(np.sum(~np.isfinite(exact_big)))

    rows = [[name, t * 1e3, args.n / t / 1e6, base / t, floor / t] for name, t in times.items()]
    table = format_table(["function", "median ms", "Melem/s", "speed-up vs naive", "speed-up vs SIMD floor (faster of the two)"], rows)
    table += (f"\n\nInputs: {args.n:,} elements, φ0, ε ~ U(-20, 20), W ~ U(-10, 10); median of 5 runs, "
              f"timed in turn; exact uses {_kernels.THREADS} threads, the baselines one.\n"
              f"At φ0, ε in ±{{50, 800, 1000}} (36 points, W = 3): naive gives {bad_naive} non-finite values, "
              f"exact gives {bad_exact}.")
    write_results("bench_corrections", table, {
        "n": args.n, "seconds": times, "speedup_vs_naive": {k: base / t for k, t in times.items()},
        "speedup_vs_simd_floor": {k: floor / t for k, t in times.items()},
        "naive_nonfinite_at_extremes": bad_naive, "exact_nonfinite_at_extremes": bad_exact})


if __name__ == "__main__":
    main()
