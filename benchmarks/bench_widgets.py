"""Kernel-side latency of one slider step in the correction explorer (200×200 grid, Agg backend),
against a naive full re-plot (fig.clf(), contourf, colorbar, draw).

Usage: python benchmarks/bench_widgets.py [--steps 40]
"""

from __future__ import annotations

import argparse
import statistics
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from _common import format_table, write_results  # noqa: E402
from orbm_explore import explore, plots  # noqa: E402
from orbm_explore.widgets import CorrectionExplorer  # noqa: E402


def naive_replot(fig, w, reach, n=200):
    """What a notebook without in-place updates does on every slider step."""
    fig.clf()
    axes = fig.subplots(1, 2, sharey=True)
    levels = np.linspace(-abs(w) - 0.5, abs(w) + 0.5, 21)
    for ax, h in zip(axes, (0, 1)):
        phi, eps, values = explore.correction_grid(w, reach, h, n)
        contours = ax.contourf(phi, eps, values, levels, cmap=plots.DIVERGING)
        ax.set_xlabel(r"$\phi^A_i$")
        ax.set_title(f"h = {h}")
    axes[0].set_ylabel(r"$\epsilon_i$")
    fig.colorbar(contours, ax=list(axes))
    fig.canvas.draw()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args()
    app = CorrectionExplorer(w=3.0, reach=40.0, n=200)
    app.figure.canvas.draw()
    naive_fig = plt.figure(figsize=(9.0, 4.0), dpi=80)
    naive_replot(naive_fig, 3.0, 40.0)
    full = CorrectionExplorer(w=3.0, reach=40.0, n=200)
    full.figure.canvas.draw()
    values = 3.0 + 0.1 * np.arange(1, args.steps + 1)
    in_place, naive, full_draw = [], [], []
    for w in values:  # interleaved, so machine noise hits both alike
        start = time.perf_counter()
        app.panel.controls["w"].value = float(w)  # callback: recompute, set_data, draw
        in_place.append(time.perf_counter() - start)
        start = time.perf_counter()
        naive_replot(naive_fig, float(w), 40.0)
        naive.append(time.perf_counter() - start)
        start = time.perf_counter()
        full.update({**full.panel.values(), "w": float(w)})
        full.figure.canvas.draw()
        full_draw.append(time.perf_counter() - start)
    assert app.panel.last_error is None
    med_in_place, med_naive = statistics.median(in_place), statistics.median(naive)
    med_full = statistics.median(full_draw)
    rows = [["in-place update (set_data + blit), the app's callback", med_in_place * 1e3,
             np.percentile(in_place, 90) * 1e3, 1.0],
            ["in-place update + full draw (no blitting)", med_full * 1e3, np.percentile(full_draw, 90) * 1e3,
             med_full / med_in_place],
            ["naive re-plot (clf + contourf + colorbar + draw)", med_naive * 1e3, np.percentile(naive, 90) * 1e3,
             med_naive / med_in_place]]
    table = format_table(["slider step", "median ms", "p90 ms", "× slower than in-place"], rows)
    table += ("\n\nThe app blits on any canvas (Agg here; ipympl in the browser) and falls back to a full draw when"
              " the axis limits change.")
    table += (f"\n{args.steps} slider steps of W on the correction explorer (two 200×200 maps and the linked 1-D cut"
              " beside them; the naive re-plot draws only the two maps), Agg backend.")
    write_results("bench_widgets", table, {"median_in_place_s": med_in_place, "median_naive_s": med_naive,
                                            "speedup": med_naive / med_in_place, "median_full_draw_s": med_full, "steps": args.steps})


if __name__ == "__main__":
    main()
