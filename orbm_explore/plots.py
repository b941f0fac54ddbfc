"""Matplotlib figures for the notebooks and apps (no widgets here).

Every function draws on axes it is given or creates, labels every axis, and
returns the artists that an app will later update in place.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from .numerics import check_count, check_real
from .explore import correction_grid, log_ratio_terms, sampler_bias_results, state_labels, switch_offset
from .stats import total_variation

__all__ = [
    "correction_grid",
    "CorrectionPanels",
    "draw_correction_panels",
    "update_correction_panels",
    "wedge_colour",
    "draw_log_ratio_cut",
    "draw_correction_cut",
    "sampler_bias_figure",
    "draw_architecture",
    "draw_distribution_bars",
    "draw_weight_tiles",
    "draw_separation",
    "DIVERGING",
]

# correction_grid and log_ratio_terms live in orbm_explore.explore (numbers); they are imported above
# so that `plots.correction_grid` in older notebooks keeps working.

DIVERGING = "RdYlGn"


@dataclass
class CorrectionPanels:
    """Artists of a correction map: images, guide lines, colour bar, and the h_j each panel shows."""

    figure: Figure
    axes: list[Axes]
    images: list
    guides: list
    colorbar: object
    hs: tuple


def wedge_colour(value: float) -> str:
    """The colour :data:`DIVERGING` gives a plateau of the correction: "red" below zero, "green" above."""
    return "red" if check_real(value, "value") < 0 else "green"


def _check_axes(ax) -> Axes:
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    return ax


def _guide_data(w: float, h: float, reach: float):
    """The two switch lines of one panel, clipped to the square: φ = c and φ + ε = c, c = −W/2 + hW."""
    c = switch_offset(w, h)
    return ([c, c], [-reach, reach]), ([c - reach, c + reach], [reach, -reach])


def draw_correction_panels(w: float = 3.0, reach: float = 10.0, n: int = 200, hs=(0, 1),
                           correction: str = "exact", figsize=(9.0, 4.0), figure: Figure | None = None,
                           dpi: int = 80, axes=None, colorbar: bool = True) -> CorrectionPanels:
    """The notes' §1.1 picture, drawn correctly: the correction to ψ_j over (φ^A_i, ε_i), one panel per h_j.

    Images (not filled contours) so that an app can update them with ``set_data``.
    Black guides mark each panel's true switch lines, φ = −W/2 + h_j W (first
    log-ratio term) and φ + ε = −W/2 + h_j W (second term). Pass ``axes`` (one
    per h) to draw into an existing figure.
    """
    w, n = check_real(w, "w"), check_count(n, "n", minimum=1)
    reach = check_real(reach, "reach", minimum=0.0, open_below=True)
    hs = tuple(hs)
    if not hs or any(h not in (0, 1) for h in hs):
        raise ValueError(f"hs must list states h_j of 0 or 1, got {hs!r}")
    if axes is None:
        fig = figure if figure is not None else plt.figure(figsize=figsize, dpi=dpi)
        axes = fig.subplots(1, len(hs), sharey=True, squeeze=False)[0]
    else:
        if len(axes) != len(hs):
            raise ValueError(f"axes must hold one axes per h in hs ({len(hs)}), got {len(axes)}")
        fig = axes[0].figure
    images, guides = [], []
    limit = max(abs(w), 1e-9)
    for ax, h in zip(axes, hs):
        phi, eps, values = correction_grid(w, reach, h, n, correction)
        image = ax.imshow(values, origin="lower", extent=(-reach, reach, -reach, reach), cmap=DIVERGING,
                          vmin=-limit, vmax=limit, interpolation="nearest", aspect="equal")
        first, second = _guide_data(w, h, reach)
        lines = [ax.plot(*first, "k", lw=1.2)[0], ax.plot(*second, "k", lw=1.2, ls="--")[0]]
        ax.set_xlim(-reach, reach)
        ax.set_ylim(-reach, reach)
        ax.set_title(rf"$h_j = {h}$")
        ax.set_xlabel(r"$\phi^A_i$ (actual $h_j$)")
        images.append(image)
        guides.append(lines)
    axes[0].set_ylabel(r"$\epsilon_i = \phi^B_i$")
    bar = fig.colorbar(images[-1], ax=list(axes), shrink=0.85, label=r"$C_{ji}$") if colorbar else None
    return CorrectionPanels(fig, list(axes), images, guides, bar, tuple(hs))


def update_correction_panels(panels: CorrectionPanels, w: float, reach: float, n: int,
                             correction: str = "exact") -> list[np.ndarray]:
    """Recompute and update the images and guides of :func:`draw_correction_panels` in place.

    Each panel is redrawn for the h_j it was drawn with (``panels.hs``).
    Returns the grids, one (n, n) array per panel, in panel order.
    """
    if not isinstance(panels, CorrectionPanels):
        raise TypeError(f"panels must be the CorrectionPanels of draw_correction_panels, got {type(panels).__name__}")
    w, n = check_real(w, "w"), check_count(n, "n", minimum=1)
    reach = check_real(reach, "reach", minimum=0.0, open_below=True)
    if not len(panels.images) == len(panels.guides) == len(panels.axes) == len(panels.hs):
        raise ValueError(f"panels has {len(panels.images)} images for {len(panels.hs)} states hs={panels.hs}")
    limit = max(abs(w), 1e-9)
    grids = []
    for image, lines, ax, h in zip(panels.images, panels.guides, panels.axes, panels.hs):
        _, _, values = correction_grid(w, reach, h, n, correction)
        image.set_data(values)
        image.set_extent((-reach, reach, -reach, reach))
        image.set_clim(-limit, limit)
        for line, data in zip(lines, _guide_data(w, h, reach)):
            line.set_data(*data)
        ax.set_xlim(-reach, reach)
        ax.set_ylim(-reach, reach)
        grids.append(values)
    return grids


def draw_log_ratio_cut(ax: Axes, eps: float, w: float, h: float = 0.0, reach: float = 30.0, n: int = 601):
    """A 1-D cut at fixed ε: the two log-ratio terms of §2.1 and their sum, against the actual input φ.

    Returns
    -------
    dict of line artists: "first", "second", "total", "switch_first", "switch_second".
    """
    _check_axes(ax)
    phi, first, second = log_ratio_terms(eps, w, h, reach, n)
    lines = {
        "first": ax.plot(phi, first, color="tab:blue", label=r"$\log\sigma(\phi^{A0})/\sigma(\phi^{A0}+W)$")[0],
        "second": ax.plot(phi, second, color="tab:orange",
                          label=r"$\log\sigma(\phi^{A0}+\epsilon+W)/\sigma(\phi^{A0}+\epsilon)$")[0],
        "total": ax.plot(phi, first + second, color="k", lw=2, label=r"$C$ (sum)")[0],
        "switch_first": ax.axvline(switch_offset(w, h), color="tab:blue", ls=":", lw=1),
        "switch_second": ax.axvline(switch_offset(w, h) - eps, color="tab:orange", ls=":", lw=1),
    }
    ax.set_xlabel(r"$\phi^A_i$, actual input from cause A")
    ax.set_ylabel(r"contribution to $\psi_j$")
    ax.set_ylim(-abs(w) * 1.1 - 0.1, abs(w) * 1.1 + 0.1)
    ax.axhline(0, color="0.7", lw=0.8)
    ax.legend(loc="upper right", fontsize=8)
    return lines


def draw_architecture(ax: Axes) -> None:
    """A diagram of the two-cause model: two RBMs whose inputs are summed into one sigmoid layer."""
    _check_axes(ax)
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6)
    ax.axis("off")

    def box(x, y, width, text, color):
        ax.add_patch(FancyBboxPatch((x, y), width, 0.8, boxstyle="round,pad=0.1", fc=color, ec="k"))
        ax.text(x + width / 2, y + 0.4, text, ha="center", va="center", fontsize=10)

    box(0.5, 4.6, 3.5, r"hidden $h^A$ (cause A)", "#cde4f7")
    box(6.0, 4.6, 3.5, r"hidden $h^B$ (cause B)", "#fde0c5")
    box(0.5, 2.6, 3.5, r"$\phi^A = W^A h^A + W^A_0$", "#eeeeee")
    box(6.0, 2.6, 3.5, r"$\phi^B = W^B h^B + W^B_0$", "#eeeeee")
    box(2.5, 0.4, 5.0, r"visible $v$,  $P(v_i{=}1) = \sigma(\phi^A_i + \phi^B_i)$", "#dff0d8")
    for x in (2.25, 7.75):
        ax.annotate("", (x, 3.5), (x, 4.55), arrowprops=dict(arrowstyle="<->", lw=1.5))
    ax.text(2.4, 4.0, "RBM A", fontsize=9)
    ax.text(7.9, 4.0, "RBM B", fontsize=9)
    for x in (2.25, 7.75):
        ax.annotate("", (5.0, 1.3), (x, 2.55), arrowprops=dict(arrowstyle="->", lw=1.5))
    ax.text(5.0, 2.0, "sum, then sigmoid", ha="center", fontsize=9)


def draw_distribution_bars(ax: Axes, labels, series: dict[str, np.ndarray], ylabel: str = "probability",
                           xlabel: str = "state"):
    """Grouped bars, one group per state and one bar per named series. Returns {name: BarContainer}."""
    _check_axes(ax)
    for name, values in series.items():
        values = np.asarray(values, dtype=np.float64)
        if values.shape != (len(labels),):
            raise ValueError(f"series {name!r} has shape {values.shape}; expected one value per label "
                             f"({len(labels)} labels)")
        if not np.all(np.isfinite(values)):
            raise ValueError(f"series {name!r} holds NaN or infinite values")
    n_series = len(series)
    x = np.arange(len(labels))
    width = 0.8 / max(n_series, 1)
    bars = {}
    for k, (name, values) in enumerate(series.items()):
        bars[name] = ax.bar(x + (k - (n_series - 1) / 2) * width, values, width, label=name)
    ax.set_xticks(x)
    ax.set_xticklabels(labels, rotation=60 if len(labels) > 8 else 0, fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    return bars


def draw_weight_tiles(fig: Figure, weights: np.ndarray, image_shape: tuple[int, int], title: str = "",
                      n_columns: int = 8):
    """Each hidden unit's weights as a small image (red positive, blue negative)."""
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 2 or int(np.prod(image_shape)) != weights.shape[1]:
        raise ValueError(f"image_shape {tuple(image_shape)} does not hold the {weights.shape[-1]} weights of "
                         f"each unit (weights shape {weights.shape})")
    n = weights.shape[0]
    n_rows = int(np.ceil(n / n_columns))
    axes = fig.subplots(n_rows, n_columns, squeeze=False)
    limit = np.abs(weights).max() or 1.0
    for k, ax in enumerate(axes.ravel()):
        ax.set_xticks([])
        ax.set_yticks([])
        if k < n:
            ax.imshow(weights[k].reshape(image_shape), cmap="RdBu_r", vmin=-limit, vmax=limit)
            ax.set_xlabel(f"unit {k}", fontsize=7)
        else:
            ax.axis("off")
    if title:
        fig.suptitle(title)
    return axes


def draw_separation(composites: np.ndarray, recon_a: np.ndarray, recon_b: np.ndarray,
                    truth_a: np.ndarray | None = None, truth_b: np.ndarray | None = None) -> Figure:
    """Rows of images: composite, cause A's and cause B's reconstructions (and the true components if given)."""
    named = {"composites": composites, "recon_a": recon_a, "recon_b": recon_b, "truth_a": truth_a,
             "truth_b": truth_b}
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in named.items() if v is not None}
    for name, array in arrays.items():
        if array.shape != arrays["composites"].shape:
            raise ValueError(f"{name} has shape {array.shape}, composites {arrays['composites'].shape}: "
                             "composites, recon_a, recon_b (and truths) need one image per row, same size")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} holds NaN or infinite values")
    columns = [("composite", composites), ("cause A", recon_a), ("cause B", recon_b)]
    if truth_a is not None:
        columns += [("true A", truth_a), ("true B", truth_b)]
    n = len(composites)
    side = int(round(np.sqrt(composites.shape[1])))
    fig, axes = plt.subplots(n, len(columns), figsize=(1.6 * len(columns), 1.6 * n), squeeze=False)
    for row in range(n):
        for col, (title, images) in enumerate(columns):
            ax = axes[row, col]
            ax.imshow(images[row].reshape(side, -1), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(title, fontsize=9)
    return fig


def draw_correction_cut(ax: Axes, eps: float, w: float, reach: float, hs=(0, 1), n: int = 401):
    """The correction along one row (fixed ε) of the maps, one curve per h_j, with each curve's switch points.

    Returns
    -------
    dict: "curves" (one line per h), "switches" (per h, two vertical lines), "marker" (the chosen point).
    """
    _check_axes(ax)
    w, eps = check_real(w, "w"), check_real(eps, "eps")
    colours = ("tab:purple", "tab:cyan")
    curves, switches = [], []
    for k, h in enumerate(hs):
        phi, first, second = log_ratio_terms(eps, w, h, reach, n)
        curves.append(ax.plot(phi, first + second, color=colours[k % 2], lw=2.5, label=rf"$h_j = {h}$")[0])
        c = switch_offset(w, h)
        switches.append([ax.axvline(c, color=colours[k % 2], ls=":", lw=1.2),
                         ax.axvline(c - eps, color=colours[k % 2], ls="--", lw=1.2)])
    marker = ax.plot([0.0], [0.0], "ko", ms=8, label="chosen point")[0]
    ax.axhline(0, color="0.7", lw=0.8)
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-abs(w) * 1.1 - 0.1, abs(w) * 1.1 + 0.1)
    ax.set_xlabel(r"$\phi^A_i$ (actual $h_j$)")
    ax.set_ylabel(r"correction $C_{ji}$")
    ax.legend(loc="upper right", fontsize=9)
    return {"curves": curves, "switches": switches, "marker": marker}


def sampler_bias_figure(model, v, n_chains: int = 20000, n_sweeps: int = 50, seed: int = 0) -> tuple[Figure, dict]:
    """Bars of the exact posterior against sequential and parallel Gibbs (sampled and exact-kernel).

    The numbers come from :func:`orbm_explore.explore.sampler_bias_results`.
    """
    results = sampler_bias_results(model, v, n_chains, n_sweeps, seed)
    fig, ax = plt.subplots(figsize=(11, 4.2), dpi=80, layout="constrained")
    order = ["exact posterior", "sequential: sampled", "parallel: sampled", "parallel: exact kernel"]
    draw_distribution_bars(ax, state_labels(model), {k: results[k] for k in order}, xlabel=r"state $h^A | h^B$")
    tv_parallel = total_variation(results["parallel: exact kernel"], results["exact posterior"])
    tv_sequential = total_variation(results["sequential: sampled"], results["exact posterior"])
    ax.set_title(f"v = {np.asarray(v).astype(int).tolist()}: TV(parallel, exact) = {tv_parallel:.3f}, "
                 f"TV(sequential sample, exact) = {tv_sequential:.3f}")
    return fig, results
