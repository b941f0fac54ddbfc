"""Chain-sweeps per second of the exact sequential two-cause sampler, side by side with
three baselines timed in the same run (interleaved, median of repeats):

- predecessor: the layer-at-once ("parallel") sampler with the exact correction,
  vectorised in numpy over (chains, units, visibles); biased, but the old way;
- numpy sequential: the straightforward correct sampler, about 15 lines of numpy
  that evaluate the four log-sigmoids of every (chain, visible) pair for each unit,
  with numpy's SIMD log-sigmoid;
- floor: numpy's own SIMD log-sigmoid, ``np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))``,
  on (N, V) arrays, 2·H·V evaluations per chain-sweep (the two fresh
  log-sigmoids a cached sequential update needs), into preallocated buffers.

Ours is timed with the default threads (one per CPU) and with one thread.

Usage: python benchmarks/bench_sampler.py [--quick]
"""

from __future__ import annotations

import os
import sys

import numpy as np
from scipy.special import expit

from _common import format_table, time_interleaved, write_results
from orbm_explore._kernels import parallel
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM

SIZES = [  # (n_visible, n_hidden per cause, n_chains, sweeps per timing)
    (64, 32, 100, 20),
    (784, 100, 20, 3),
    (784, 500, 100, 1),
]


def log_sigmoid(x):
    """numpy's own SIMD ufuncs (exp, log1p vectorise; scipy's log_expit does not)."""
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


def numpy_sequential_sweep(model, v, h_a, h_b, rng):
    """The straightforward correct sweep: four log-sigmoids per (chain, visible) for every unit."""
    a, b = model.a, model.b
    phi_a = h_a @ a.weights + a.visible_bias
    phi_b = h_b @ b.weights + b.visible_bias
    for own, other, h, rbm in [(phi_a, phi_b, h_a, a), (phi_b, phi_a, h_b, b)]:
        base = v @ rbm.weights.T + rbm.hidden_bias
        for j in range(rbm.n_hidden):
            w = rbm.weights[j]
            phi0 = own - h[:, j:j + 1] * w
            corr = (log_sigmoid(phi0 + w + other) + log_sigmoid(phi0)
                    - log_sigmoid(phi0 + w) - log_sigmoid(phi0 + other)).sum(axis=1)
            new = (rng.random(len(h)) < expit(base[:, j] + corr)).astype(float)
            own += (new - h[:, j])[:, None] * w
            h[:, j] = new


def predecessor_parallel_sweep(model, v, h_a, h_b, rng, chunk=10):
    """Layer at once (A from the old state, then B): the exact correction for all units of a layer,
    vectorised over (chains, units, visibles) in chunks of chains."""
    a, b = model.a, model.b
    for rbm, h, other_rbm, other_h in [(a, h_a, b, h_b), (b, h_b, a, h_a)]:
        own = h @ rbm.weights + rbm.visible_bias
        eps = other_h @ other_rbm.weights + other_rbm.visible_bias
        psi = v @ rbm.weights.T + rbm.hidden_bias
        w = rbm.weights[None]
        for c in range(0, len(v), chunk):
            rows = slice(c, c + chunk)
            phi0 = own[rows, None, :] - h[rows, :, None] * w
            e = eps[rows, None, :]
            psi[rows] += (log_sigmoid(phi0 + w + e) + log_sigmoid(phi0) - log_sigmoid(phi0 + w)
                          - log_sigmoid(phi0 + e)).sum(axis=2)
        h[...] = rng.random(h.shape) < expit(psi)


def simd_floor(x, out, tmp, n_evaluations):
    """numpy's SIMD log σ on the (N, V) array x, n_evaluations times, into preallocated buffers."""
    for _ in range(n_evaluations):
        np.abs(x, out=tmp)
        np.negative(tmp, out=tmp)
        np.exp(tmp, out=tmp)
        np.log1p(tmp, out=tmp)
        np.minimum(x, 0.0, out=out)
        np.subtract(out, tmp, out=out)


def with_threads(n, fn):
    def run():
        old = os.environ.get("ORBM_EXPLORE_THREADS")
        os.environ["ORBM_EXPLORE_THREADS"] = str(n)
        try:
            fn()
        finally:
            if old is None:
                del os.environ["ORBM_EXPLORE_THREADS"]
            else:
                os.environ["ORBM_EXPLORE_THREADS"] = old
    return run


def main(quick: bool = False):
    rows, data = [], []
    repeats = 3 if quick else 7
    threads = parallel.n_threads()
    for n_visible, n_hidden, n_chains, sweeps in SIZES:
        rng = np.random.default_rng(0)
        model = TwoCauseRBM(RBM.random(n_hidden, n_visible, 0.1, rng), RBM.random(n_hidden, n_visible, 0.1, rng))
        v = (rng.random((n_chains, n_visible)) < 0.3).astype(float)
        h_a0 = (rng.random((n_chains, n_hidden)) < 0.5).astype(float)
        h_b0 = (rng.random((n_chains, n_hidden)) < 0.5).astype(float)
        x = rng.normal(0, 3, (n_chains, n_visible))
        out, tmp = np.empty_like(x), np.empty_like(x)
        sampler = model.posterior_sampler()
        state = sampler.init(v, h_a0, h_b0, rng=1)

        times = time_interleaved({
            "ours": lambda: sampler.step(state, sweeps),
            "ours_1thread": with_threads(1, lambda: sampler.step(state, sweeps)),
            "numpy_sequential": lambda: [numpy_sequential_sweep(model, v, h_a0.copy(), h_b0.copy(), rng)
                                         for _ in range(sweeps)],
            "predecessor": lambda: [predecessor_parallel_sweep(model, v, h_a0.copy(), h_b0.copy(), rng)
                                    for _ in range(sweeps)],
            "floor": lambda: simd_floor(x, out, tmp, sweeps * 2 * (2 * n_hidden)),
        }, repeats=repeats)
        per = {name: n_chains * sweeps / t for name, t in times.items()}
        label = f"{n_visible}×({n_hidden}+{n_hidden}), N = {n_chains}"
        rows.append([label, per["predecessor"], per["numpy_sequential"], per["ours"], per["ours_1thread"],
                     per["floor"], times["ours"] / times["floor"], times["ours_1thread"] / times["floor"],
                     times["predecessor"] / times["ours"], times["numpy_sequential"] / times["ours"]])
        data.append({"size": label, **{f"{k}_chain_sweeps_per_s": val for k, val in per.items()}})
    table = format_table(["size, chains", "predecessor parallel (biased)", "numpy sequential",
                          f"ours ({threads} threads)", "ours (1 thread)", "SIMD floor",
                          "ours / floor (time)", "ours 1-thread / floor", "speed-up vs predecessor",
                          "speed-up vs numpy sequential"], rows)
    table += ("\n\nChain-sweeps per second; median of %d interleaved runs. floor = numpy's SIMD log σ, "
              "np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x))), on (N, V) arrays into preallocated buffers, "
              "2·H·V evaluations per chain-sweep (single-threaded, as numpy is)." % repeats)
    write_results("bench_sampler", table, {"rows": data, "threads": threads})


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
