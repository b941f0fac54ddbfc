"""Time per PCD-1 update of orbm_explore.training.train_rbm against scikit-learn's BernoulliRBM.

Usage: python benchmarks/bench_training.py
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.neural_network import BernoulliRBM

from _common import format_table, write_results
from orbm_explore import training

SIZES = [  # (n_visible, n_hidden, batch_size, n_samples, epochs)
    (64, 100, 10, 2000, 5),
    (784, 500, 100, 5000, 2),
]


def main():
    rows, data = [], []
    rng = np.random.default_rng(0)
    for n_visible, n_hidden, batch_size, n_samples, epochs in SIZES:
        x = (rng.random((n_samples, n_visible)) < 0.2).astype(float)
        n_updates = epochs * int(np.ceil(n_samples / batch_size))
        ours, theirs = [], []
        for repeat in range(3):  # interleaved
            start = time.perf_counter()
            training.train_rbm(x, n_hidden, epochs=epochs, learning_rate=0.05, momentum=0.0, weight_decay=0.0,
                               batch_size=batch_size, method="pcd", k=1, rng=repeat, progress=False,
                               monitor=False)
            ours.append((time.perf_counter() - start) / n_updates)
            start = time.perf_counter()
            BernoulliRBM(n_components=n_hidden, learning_rate=0.05, batch_size=batch_size, n_iter=epochs,
                         random_state=repeat).fit(x)
            theirs.append((time.perf_counter() - start) / n_updates)
        ours_t, theirs_t = float(np.median(ours)), float(np.median(theirs))
        label = f"{n_visible} visible × {n_hidden} hidden, batch {batch_size}"
        rows.append([label, ours_t * 1e3, theirs_t * 1e3, theirs_t / ours_t])
        data.append({"size": label, "orbm_s_per_update": ours_t, "sklearn_s_per_update": theirs_t})
    table = format_table(["model", "orbm_explore ms/update", "sklearn ms/update", "sklearn time / ours"], rows)
    table += ("\n\nBoth PCD-1 on the same random binary data, no per-epoch monitoring (monitor=False; sklearn verbose=0)."
              " Median of 3 interleaved runs.")
    write_results("bench_training", table, {"rows": data})


if __name__ == "__main__":
    main()
