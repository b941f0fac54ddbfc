"""Separating composites: the two-cause model (each correction) against a plain RBM per cause.

Bars: cause A is trained on horizontal bars, cause B on vertical bars; held-out OR-composites are
separated and each cause's reconstruction is scored against its true component.
Digits: one RBM per class of scikit-learn's 8×8 digits; for every ordered pair of classes (a, b),
composites of held-out images are separated and cause a's reconstruction is scored.

Usage: python benchmarks/bench_separation.py [--quick]
"""

from __future__ import annotations

import argparse

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

from _common import RESULTS_DIR, format_table, write_results  # noqa: E402
from orbm_explore import datasets, separation, training  # noqa: E402
from orbm_explore.rbm import RBM  # noqa: E402
from orbm_explore.two_cause import TwoCauseRBM  # noqa: E402

CORRECTIONS = ["exact", "sigmoid", "local", "linear", "none"]


def bars_experiment(size, n_hidden, seeds, n_train, n_test, epochs):
    rows = {}
    for seed in seeds:
        rng = np.random.default_rng(seed)
        train_a = datasets.bars(size, n_train, "horizontal", 0.3, rng)
        train_b = datasets.bars(size, n_train, "vertical", 0.3, rng)
        kwargs = dict(epochs=epochs, learning_rate=0.05, n_chains=100, progress=False, monitor=False)
        rbm_a, _ = training.train_rbm(train_a, n_hidden, rng=rng, **kwargs)
        rbm_b, _ = training.train_rbm(train_b, n_hidden, rng=rng, **kwargs)
        test = datasets.composites(datasets.bars(size, n_test, "horizontal", 0.3, rng),
                                   datasets.bars(size, n_test, "vertical", 0.3, rng))
        model = TwoCauseRBM(rbm_a, rbm_b)
        runs = {f"two-cause, {c}": lambda c=c: separation.separate(model, test.v, 40, c, 10, "solo", rng)
                for c in CORRECTIONS}
        runs["two-cause, exact, counterfactual"] = lambda: separation.separate(model, test.v, 40, "exact", 10,
                                                                               "counterfactual", rng)
        merged = TwoCauseRBM(rbm_a, rbm_b, np.maximum(rbm_a.visible_bias, rbm_b.visible_bias))
        runs["two-cause, exact, merged bias = max"] = lambda: separation.separate(merged, test.v, 40, "exact", 10,
                                                                                  "solo", rng)
        runs["plain RBM per cause (baseline)"] = lambda: (separation.rbm_reconstruct(rbm_a, test.v, 10, rng),
                                                          separation.rbm_reconstruct(rbm_b, test.v, 10, rng))
        for name, run in runs.items():
            recon_a, recon_b = run()
            rows.setdefault(name, []).append([
                separation.pixel_accuracy(recon_a, test.a).mean(), separation.pixel_accuracy(recon_b, test.b).mean(),
                separation.cross_entropy(recon_a, test.a).mean(), separation.cross_entropy(recon_b, test.b).mean()])
    table_rows = []
    for name, values in rows.items():
        values = np.array(values)
        mean, sd = values.mean(axis=0), values.std(axis=0)
        table_rows.append([name] + [f"{m:.3f} ± {s:.3f}" for m, s in zip(mean, sd)])
    return table_rows, {name: np.array(v).tolist() for name, v in rows.items()}


def digits_experiment(n_hidden, epochs, per_pair, seed=0):
    """Cross-entropy and cosine gains of the two-cause model over class a's plain RBM, per ordered pair.

    Variants of the belief layer's bias: the notes' sum W^A_0 + W^B_0; the merged
    max(W^A_0, W^B_0); and the merged bias fitted to 100 training composites of
    the pair by the wake phase alone (the causes' RBMs are not changed).
    """
    images, labels = datasets.digits()
    rng = np.random.default_rng(seed)
    train, test, rbms = {}, {}, {}
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(labels == digit))
        cut = int(0.7 * len(members))
        train[digit], test[digit] = images[members[:cut]], images[members[cut:]]
        rbms[digit], _ = training.train_rbm(train[digit], n_hidden, epochs=epochs, learning_rate=0.05,
                                            batch_size=10, n_chains=100, rng=rng, progress=False, monitor=False)
    variants = ["sum of biases (notes)", "merged bias = max", "merged bias, fitted on composites"]
    gains = {name: {"cross_entropy": np.full((10, 10), np.nan), "cosine": np.full((10, 10), np.nan)}
             for name in variants + ["sum of biases, counterfactual"]}
    for a in tqdm(range(10), desc="digit pairs"):
        for b in range(10):
            if a == b:
                continue
            ia = test[a][rng.integers(0, len(test[a]), per_pair)]
            ib = test[b][rng.integers(0, len(test[b]), per_pair)]
            composite = datasets.composites(ia, ib).v
            base_a = separation.rbm_reconstruct(rbms[a], composite, 10, rng)
            merged = TwoCauseRBM(rbms[a], rbms[b], np.maximum(rbms[a].visible_bias, rbms[b].visible_bias))
            fitting = datasets.composites(train[a][rng.integers(0, len(train[a]), 100)],
                                          train[b][rng.integers(0, len(train[b]), 100)]).v
            fitted, _ = training.train_wake_sleep(merged, fitting, epochs=10, learning_rate=0.3, batch_size=20,
                                                  n_sweeps=5, learn=(), rng=rng, progress=False)
            models = {"sum of biases (notes)": (TwoCauseRBM(rbms[a], rbms[b]), "solo"),
                      "sum of biases, counterfactual": (TwoCauseRBM(rbms[a], rbms[b]), "counterfactual"),
                      "merged bias = max": (merged, "solo"),
                      "merged bias, fitted on composites": (fitted, "solo")}
            for name, (model, mode) in models.items():
                recon_a, _ = separation.separate(model, composite, 40, "exact", 10, mode, rng)
                gains[name]["cross_entropy"][a, b] = (separation.cross_entropy(base_a, ia)
                                                      - separation.cross_entropy(recon_a, ia)).mean()
                gains[name]["cosine"][a, b] = (separation.cosine_similarity(recon_a, ia)
                                               - separation.cosine_similarity(base_a, ia)).mean()
    return gains


def orientation(weights, side):
    """+1 for a unit whose weight image is constant along rows (horizontal bar), -1 along columns."""
    w = weights.reshape(-1, side, side)
    return np.sign(w.std(axis=1).mean(axis=1) - w.std(axis=2).mean(axis=1))


def blind_wake_sleep(seeds, epochs):
    """Wake/sleep from 4×4 composites alone, from small random weights: does each cause own one family?"""
    rows = []
    for seed in seeds:
        rng = np.random.default_rng(100 + seed)
        data = datasets.composites(datasets.bars(4, 400, "horizontal", 0.3, rng),
                                   datasets.bars(4, 400, "vertical", 0.3, rng)).v
        start = TwoCauseRBM(RBM.random(4, 16, 0.1, rng), RBM.random(4, 16, 0.1, rng))
        learned, history = training.train_wake_sleep(start, data, epochs=epochs, learning_rate=0.05, n_sweeps=3,
                                                     n_fantasy=100, rng=rng, progress=False)
        a, b = orientation(learned.a.weights, 4), orientation(learned.b.weights, 4)
        clean = bool((np.all(a == a[0]) and np.all(b == -a[0])))
        rows.append([seed, round(training.two_cause_log_likelihood(start, data), 3),
                     round(history.log_likelihood[-1], 3), " ".join(f"{x:+.0f}" for x in a),
                     " ".join(f"{x:+.0f}" for x in b), "yes" if clean else "no"])
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer seeds and images (a smoke run)")
    args = parser.parse_args()
    seeds = range(2) if args.quick else range(5)
    headers = ["method", "pixel acc. A", "pixel acc. B", "cross-entropy A (nats)", "cross-entropy B (nats)"]
    table = ""
    data = {}
    for size, n_hidden, n_train in [(4, 8, 1000), (8, 16, 2000)]:
        rows, raw = bars_experiment(size, n_hidden, seeds, n_train, 200 if args.quick else 500, 60)
        table += f"## Bars {size}×{size} ({n_hidden}+{n_hidden} hidden, mean ± sd over {len(seeds)} seeds)\n\n"
        table += format_table(headers, rows) + "\n\n"
        data[f"bars{size}"] = raw
    gains = digits_experiment(30, 50 if args.quick else 150, 10 if args.quick else 30)
    off_diagonal = ~np.eye(10, dtype=bool)
    rows = []
    for name, gain in gains.items():
        ce, cos = gain["cross_entropy"][off_diagonal], gain["cosine"][off_diagonal]
        rows.append([name, f"{np.mean(ce > 0):.0%}", f"{ce.mean():+.2f}", f"{np.mean(cos > 0):.0%}", f"{cos.mean():+.3f}"])
    table += ("## Digits 8×8, every ordered pair of classes (a ≠ b), exact correction\n\n"
              + format_table(["belief-layer bias", "pairs won (cross-entropy)", "mean gain (nats/image)",
                              "pairs won (cosine)", "mean cosine gain"], rows)
              + "\n\nGain = plain RBM of class a minus two-cause, scored on class a's clean image; both use class a's "
                "own visible bias for the reconstruction and 10 draws. Heat maps: results/digits_pairs.png.\n")
    shown = ["sum of biases (notes)", "merged bias = max"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    limit = max(np.nanmax(np.abs(gains[name]["cross_entropy"])) for name in shown)
    for ax, name in zip(axes, shown):
        values = gains[name]["cross_entropy"]
        image = ax.imshow(values, cmap="RdBu", vmin=-limit, vmax=limit)
        ax.set_xlabel("class b (the other cause)")
        ax.set_ylabel("class a (scored cause)")
        ax.set_xticks(range(10))
        ax.set_yticks(range(10))
        ax.set_title(f"{name}: wins {np.mean(values[off_diagonal] > 0):.0%}", fontsize=10)
    fig.colorbar(image, ax=list(axes), label="cross-entropy gain (nats/image)")
    data["digits"] = {name: {key: value.tolist() for key, value in gain.items()} for name, gain in gains.items()}
    blind = blind_wake_sleep(seeds, 10 if args.quick else 30)
    table += ("\n## Wake/sleep from 4×4 composites alone (4+4 hidden, from small random weights)\n\n"
              + format_table(["seed", "log-lik. before (nats)", "after", "A units' orientation",
                              "B units' orientation", "clean split"], blind)
              + "\n\norientation: +1 horizontal-bar-like, -1 vertical-bar-like weight image.\n")
    data["blind_wake_sleep"] = blind
    RESULTS_DIR.mkdir(exist_ok=True)
    fig.savefig(RESULTS_DIR / "digits_pairs.png", dpi=90)
    write_results("bench_separation", table, data)


if __name__ == "__main__":
    main()
