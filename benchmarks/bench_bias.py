"""How far each sampler's stationary law is from the exact posterior (no sampling noise: exact kernels).

For every registered correction and both schedules, the one-sweep transition matrix is built
exactly and its stationary distribution compared with P(h^A, h^B | v): total variation and KL.

Usage: python benchmarks/bench_bias.py
"""

from __future__ import annotations

import numpy as np

from _common import format_table, write_results
from orbm_explore import exact, stats, toys
from orbm_explore.corrections import CORRECTIONS
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM


def random_model(n_a, n_b, n_visible, scale, seed):
    rng = np.random.default_rng(seed)
    return TwoCauseRBM(RBM(rng.uniform(-scale, scale, (n_a, n_visible)), rng.uniform(-2, 2, n_visible),
                           rng.uniform(-2, 2, n_a)),
                       RBM(rng.uniform(-scale, scale, (n_b, n_visible)), rng.uniform(-2, 2, n_visible),
                           rng.uniform(-2, 2, n_b)))


def main():
    cases = {"2-bit XOR, v = 10": (toys.xor_model(), [1.0, 0.0]),
             "alarm (strong explaining away), v = 1": (toys.alarm_model(), [1.0])}
    for seed in range(3):
        model = random_model(3, 3, 5, 6.0, seed)
        v = (np.random.default_rng(seed).random(5) < 0.5).astype(float)
        cases[f"random 3+3 × 5, weights ±6, seed {seed}"] = (model, v)
    rows, data = [], {}
    for name, (model, v) in cases.items():
        post = exact.posterior(model, v)
        for correction in CORRECTIONS:
            for schedule in ("sequential", "parallel"):
                pi = exact.sampler_stationary_distribution(model, v, correction, schedule)
                tv, kl = stats.total_variation(pi, post), stats.kl_divergence(post, pi)
                rows.append([name, correction, schedule, round(tv, 4), round(kl, 4)])
                data.setdefault(name, {})[f"{correction}/{schedule}"] = {"tv": tv, "kl": kl}
    table = format_table(["model", "correction", "schedule", "TV(stationary, posterior)", "KL(posterior‖stationary)"],
                         rows)
    table += "\n\nComputed from exact transition matrices: these numbers have no Monte-Carlo error."
    write_results("bench_bias", table, data)


if __name__ == "__main__":
    main()
