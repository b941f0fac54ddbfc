"""Time per wake/sleep update with the prior "each cause has a unit on" (``empty_penalty``) and
non-negative weights: the compiled engine against the numpy path it replaced (issue 22).

Both paths make the same draws (tests/test_engine_kernels.py); the numpy path is
``training._PRIOR_ENGINE = False``: numpy sequential Gibbs for the posterior under the prior and
for the sleep chains, as train_wake_sleep ran before. Bars composites (horizontal OR vertical),
100 posterior chains per update (batch_size) and 100 fantasy particles per cause, 5 sweeps per
update, λ = 3. Interleaved runs, median.

Usage: python benchmarks/bench_wake_sleep_prior.py [--quick]
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np

from _common import format_table, write_results
from orbm_explore import datasets, training
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM

SIZES = [(4, 4), (8, 20)]  # (bars image side, hidden units per cause)
N_SAMPLES, BATCH, N_FANTASY, N_SWEEPS, PENALTY, EPOCHS = 1000, 100, 100, 5, 3.0, 3


def start_model(side, n_hidden, seed=5):
    rng = np.random.default_rng(seed)
    n_visible = side * side

    def cause():
        return RBM(np.abs(rng.normal(0, 0.5, (n_hidden, n_visible))), np.full(n_visible, -2.0), np.zeros(n_hidden))

    return TwoCauseRBM(cause(), cause(), np.full(n_visible, -3.0))


def seconds_per_update(model, data, engine, seed):
    """(wall seconds, CPU seconds of the whole process) per update."""
    training._PRIOR_ENGINE = engine
    try:
        start, cpu = time.perf_counter(), time.process_time()
        training.train_wake_sleep(model, data, epochs=EPOCHS, batch_size=BATCH, n_fantasy=N_FANTASY, n_sweeps=N_SWEEPS,
                                  empty_penalty=PENALTY, nonnegative=True, monitor=False, rng=seed)
        updates = EPOCHS * -(-len(data) // BATCH)
        return (time.perf_counter() - start) / updates, (time.process_time() - cpu) / updates
    finally:
        training._PRIOR_ENGINE = True


def main(quick: bool = False):
    repeats = 3 if quick else 5
    rows, data_out = [], []
    for side, n_hidden in SIZES:
        rng = np.random.default_rng(0)
        data = datasets.composites(datasets.bars(side, N_SAMPLES, "horizontal", 0.3, rng),
                                   datasets.bars(side, N_SAMPLES, "vertical", 0.3, rng)).v
        model = start_model(side, n_hidden)
        seconds_per_update(model, data[:BATCH], True, 0)  # compile
        times = {True: [], False: []}
        for repeat in range(repeats):
            for engine in (True, False):
                times[engine].append(seconds_per_update(model, data, engine, repeat))
        engine_t, numpy_t = (statistics.median(t[0] for t in times[key]) for key in (True, False))
        engine_c, numpy_c = (statistics.median(t[1] for t in times[key]) for key in (True, False))
        label = f"{side}×{side} bars, {side * side}×({n_hidden}+{n_hidden})"
        rows.append([label, engine_t * 1e3, numpy_t * 1e3, numpy_t / engine_t, engine_c * 1e3, numpy_c * 1e3,
                     numpy_c / engine_c])
        data_out.append({"size": label, "engine_s_per_update": engine_t, "numpy_s_per_update": numpy_t,
                         "engine_cpu_s_per_update": engine_c, "numpy_cpu_s_per_update": numpy_c})
    table = format_table(["model", "engine ms/update", "numpy path ms/update", "speed-up (wall)",
                          "engine CPU ms/update", "numpy CPU ms/update", "speed-up (CPU time)"], rows)
    table += (f"\n\ntrain_wake_sleep(empty_penalty={PENALTY}, nonnegative=True, batch_size={BATCH}, "
              f"n_fantasy={N_FANTASY}, n_sweeps={N_SWEEPS}, monitor=False) on {N_SAMPLES} bars composites; "
              f"median of {repeats} interleaved runs of {EPOCHS} epochs ({EPOCHS * N_SAMPLES // BATCH} updates; the time "
              f"includes train_wake_sleep's fixed set-up, such as putting BLAS on one thread). CPU time is the whole "
              f"process's (all threads), which a loaded machine distorts less than wall time. Load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the end.")
    write_results("bench_wake_sleep_prior", table, {"rows": data_out})


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
