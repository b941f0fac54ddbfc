"""How much separation.pair_model's two settings matter: n_composites and prior_precision.

One seed, the digit-pairs protocol of bench_separation.py (one RBM per class on 70 % of it; 20 held-out
OR-composites per ordered pair; class a's plain RBM with 10 draws as the baseline; separation with
separation.RECOMMENDED_SEPARATION). The RBMs and the test composites are the same for every setting, so the rows
differ only by the setting (and the draws of pair_model and the sampler, from one fixed seed per row).

Usage: python benchmarks/bench_pair_model_settings.py [--mnist-dir DIR] [--quick]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from _common import format_table, write_results  # noqa: E402
from bench_separation import class_rbms, load_mnist  # noqa: E402
from orbm_explore import datasets, separation  # noqa: E402

SETTINGS = [(1000, 0.1), (200, 0.1), (5000, 0.1), (1000, 0.01), (1000, 1.0), (1000, 10.0)]


def setting_gains(images, labels, n_hidden, epochs, settings, per_pair=20, seed=0):
    """{(n_composites, prior_precision): (90,) mean cross-entropy gain per ordered pair}, one seed."""
    rng = np.random.default_rng(seed)
    train, test, rbms = class_rbms(images, labels, n_hidden, epochs, rng)
    pairs = [(a, b) for a in range(10) for b in range(10) if a != b]
    composites = {}
    for a, b in pairs:
        clean_a = test[a][rng.integers(0, len(test[a]), per_pair)]
        v = np.maximum(clean_a, test[b][rng.integers(0, len(test[b]), per_pair)])
        baseline = separation.cross_entropy(separation.rbm_reconstruct(rbms[a], v, 10, rng), clean_a)
        composites[a, b] = clean_a, v, baseline
    out = {}
    for n_composites, prior_precision in settings:
        run_rng = np.random.default_rng(seed + 1)
        gains = []
        for a, b in pairs:
            clean_a, v, baseline = composites[a, b]
            model = separation.pair_model(rbms[a], rbms[b], train[a], train[b], rng=run_rng,
                                          n_composites=n_composites, prior_precision=prior_precision)
            recon, _ = separation.separate(model, v, rng=run_rng, **separation.RECOMMENDED_SEPARATION)
            gains.append(np.mean(baseline - separation.cross_entropy(recon, clean_a)))
        out[n_composites, prior_precision] = np.array(gains)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mnist-dir", type=Path, help="MNIST IDX files (see bench_separation.py)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 settings, 3 composites per pair")
    args = parser.parse_args()
    settings = SETTINGS[:2] if args.quick else SETTINGS
    per_pair = 3 if args.quick else 20
    started = time.perf_counter()
    columns = {"8×8 digits, 30 hidden": setting_gains(*datasets.digits(), 30, 30 if args.quick else 150, settings,
                                                      per_pair)}
    if args.mnist_dir is not None:
        columns["MNIST, 50 hidden"] = setting_gains(*load_mnist(args.mnist_dir, 1200), 50, 20 if args.quick else 100,
                                                    settings, per_pair)
    rows = [[f"{n}, {precision:g}" + (" (defaults)" if (n, precision) == SETTINGS[0] else "")]
            + [f"{np.mean(g[n, precision] > 0):.1%}, {np.mean(g[n, precision]):+.2f}" for g in columns.values()]
            for n, precision in settings]
    table = (format_table(["n_composites, prior_precision"] + [f"{name}: pairs won, gain" for name in columns], rows)
             + f"\n\nSeed 0, {per_pair} held-out composites per ordered pair, 10-draw plain-RBM baseline, "
               f"RECOMMENDED_SEPARATION. Wall time {time.perf_counter() - started:.0f} s.\n")
    write_results("bench_pair_model_settings", table,
                  {name: {f"{n},{p}": g.tolist() for (n, p), g in gains.items()} for name, gains in columns.items()})


if __name__ == "__main__":
    main()
