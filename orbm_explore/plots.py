"""Matplotlib figures for the notebooks and apps (no widgets here).

Every function draws on axes it is given or creates, labels every axis, and
returns the artists that an app will later update in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch

from .corrections import CORRECTIONS
from .numerics import check_count, check_real
from .explore import (approximation_error, correction_grid, log_ratio_terms, sampler_bias_results,
                      state_labels, switch_offset)
from .stats import total_variation

__all__ = [
    "correction_grid",
    "CorrectionPanels",
    "draw_correction_panels",
    "update_correction_panels",
    "wedge_colour",
    "draw_log_ratio_cut",
    "draw_correction_cut",
    "switch_line_legend",
    "draw_input_definitions",
    "sampler_bias_figure",
    "error_maps_figure",
    "draw_architecture",
    "draw_distribution_bars",
    "draw_weight_tiles",
    "draw_separation",
    "DIVERGING",
    "WEDGE_LABELS",
]

# correction_grid and log_ratio_terms live in orbm_explore.explore (numbers); they are imported above
# so that `plots.correction_grid` in older notebooks keeps working.

# Red–blue, not the notes' red–green: under deuteranopia or protanopia red and green become the same
# olive, while red and blue stay apart (tests/test_wedge_colours.py simulates both). The two plateaus are
# also labelled in text ("C ≈ −W", "C ≈ +W"), so no reading depends on colour alone.
DIVERGING = "RdBu"


@dataclass
class CorrectionPanels:
    """Artists of a correction map: images, guide lines, colour bar, and the h_j each panel shows."""

    figure: Figure
    axes: list[Axes]
    images: list
    guides: list
    colorbar: object
    hs: tuple
    labels: list = field(default_factory=list)  # per panel: [the "C ≈ −W" text, the "C ≈ +W" text], or []


WEDGE_LABELS = ("C ≈ −W", "C ≈ +W")


def wedge_colour(value: float) -> str:
    """The colour :data:`DIVERGING` gives a plateau of the correction: "red" below zero, "blue" above.

    The notes' §2 "red section" is the C ≈ −W wedge (v_i on under both causes,
    off under A alone) and their "green section" the C ≈ +W wedge. Here the
    C ≈ −W wedge is red when W > 0 and blue when W < 0; the maps label both
    wedges in text, so the colour is never the only cue.
    """
    return "red" if check_real(value, "value") < 0 else "blue"


def _check_axes(ax, name: str = "ax") -> Axes:
    if not isinstance(ax, Axes):
        raise TypeError(f"{name} must be a matplotlib Axes, got {type(ax).__name__}")
    return ax


def _guide_data(w: float, h: float, reach: float):
    """The two switch lines of one panel, clipped to the square: φ = c and φ + ε = c, c = −W/2 + hW."""
    c = switch_offset(w, h)
    return ([c, c], [-reach, reach]), ([c - reach, c + reach], [reach, -reach])


# Where a wedge label goes, in units of the range (the square is [-1, 1]²): its centre's height above the
# wedges' vertex, and the margins its box needs from the vertical guide, the diagonal guide and the frame.
# A label of about 0.2 × range half-width fits the 9 × 4 in (80 dpi) maps and the explorer's 7.4 × 3.9 in.
_LABEL_HEIGHT, _LABEL_MARGIN_VERTICAL, _LABEL_MARGIN_DIAGONAL, _LABEL_MARGIN_FRAME = 0.75, 0.24, 0.3, 0.24


def _wedge_label_positions(w: float, h: float, reach: float) -> list[tuple[float, float, bool]]:
    """Centres (φ, ε, visible) of the "C ≈ −W" and "C ≈ +W" labels of one panel.

    The C ≈ −W wedge is left of the vertical switch line and above the
    diagonal one (φ < c < φ + ε, c = −W/2 + hW); the C ≈ +W wedge is its
    mirror image through the vertex (c, 0). Each label sits at height
    ±0.75 × range, midway across its wedge, and moves sideways to stay in the
    square; it is hidden when its wedge has no room for it in the square.
    """
    u = switch_offset(w, h) / reach

    def upper_left(u: float) -> tuple[float, float, bool]:  # the wedge (u − t, y), 0 < t < y, in range units
        y = _LABEL_HEIGHT
        low = max(u - y + _LABEL_MARGIN_DIAGONAL, -1.0 + _LABEL_MARGIN_FRAME)
        high = min(u - _LABEL_MARGIN_VERTICAL, 1.0 - _LABEL_MARGIN_FRAME)
        if low > high:
            return u - y / 2, y, False
        return float(np.clip(u - y / 2, low, high)), y, True

    x, y, seen = upper_left(u)
    xm, ym, seen_m = upper_left(-u)  # the +W wedge is the −W wedge of the mirrored panel
    return [(x * reach, y * reach, seen), (-xm * reach, -ym * reach, seen_m)]


def _place_wedge_labels(labels, w: float, h: float, reach: float) -> None:
    for label, (x, y, seen) in zip(labels, _wedge_label_positions(w, h, reach)):
        label.set_position((x, y))
        label.set_visible(seen)


def draw_correction_panels(w: float = 3.0, reach: float = 10.0, n: int = 200, hs=(0, 1),
                           correction: str = "exact", figsize=(9.0, 4.0), figure: Figure | None = None,
                           dpi: int = 80, axes=None, colorbar: bool = True,
                           wedge_labels: bool = True) -> CorrectionPanels:
    """The notes' §1.1 picture, drawn correctly: the correction to ψ_j over (φ^A_i, ε_i), one panel per h_j.

    Images (not filled contours) so that an app can update them with ``set_data``.
    Black guides mark each panel's true switch lines, φ = −W/2 + h_j W (first
    log-ratio term) and φ + ε = −W/2 + h_j W (second term). Pass ``axes`` (one
    per h) to draw into an existing figure. With ``wedge_labels`` each panel
    names its two plateaus in text, "C ≈ −W" (the notes' red wedge) and
    "C ≈ +W" (their green one), so the map does not rely on colour alone; the
    labels follow the switch lines in :func:`update_correction_panels`.
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
    images, guides, labels = [], [], []
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
        if wedge_labels:
            pair = [ax.text(0.0, 0.0, text, ha="center", va="center", fontsize=9, color="k", clip_on=True,
                            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none",
                                  "alpha": 0.8})
                    for text in WEDGE_LABELS]
            _place_wedge_labels(pair, w, h, reach)
            labels.append(pair)
    axes[0].set_ylabel(r"$\epsilon_i = \phi^B_i$")
    bar = fig.colorbar(images[-1], ax=list(axes), shrink=0.85, label=r"$C_{ji}$") if colorbar else None
    return CorrectionPanels(fig, list(axes), images, guides, bar, tuple(hs), labels)


def update_correction_panels(panels: CorrectionPanels, w: float, reach: float, n: int,
                             correction: str = "exact") -> list[np.ndarray]:
    """Recompute and update the images and guides of :func:`draw_correction_panels` in place.

    Each panel is redrawn for the h_j it was drawn with (``panels.hs``); its
    wedge labels, if any, move with the switch lines.
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
    for pair, h in zip(panels.labels, panels.hs):
        _place_wedge_labels(pair, w, h, reach)
    return grids


def draw_log_ratio_cut(ax: Axes, eps: float, w: float, h: float = 0.0, reach: float = 30.0, n: int = 601,
                       legend: str | None = "upper right"):
    """A 1-D cut at fixed ε: the two log-ratio terms of §2.1 and their sum, against the actual input φ.

    The dotted guides mark where each term switches; the legend names them too.
    ``legend="below"`` puts the legend under the axes (use a constrained
    layout), any other string is a matplotlib ``loc``, None omits it.

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
        "switch_first": ax.axvline(switch_offset(w, h), color="tab:blue", ls=":", lw=1.2,
                                   label=r"first term switches: $\phi^{A0} = -W/2$"),
        "switch_second": ax.axvline(switch_offset(w, h) - eps, color="tab:orange", ls=":", lw=1.2,
                                    label=r"second term switches: $\phi^{A0} + \epsilon = -W/2$"),
    }
    ax.set_xlabel(r"$\phi^A_i$, actual input from cause A")
    ax.set_ylabel(r"contribution to $\psi_j$")
    ax.set_ylim(-abs(w) * 1.1 - 0.1, abs(w) * 1.1 + 0.1)
    ax.axhline(0, color="0.7", lw=0.8)
    if legend == "below":  # outside the axes, so it never hides a curve
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize=8, frameon=False)
    elif legend:
        ax.legend(loc=legend, fontsize=8)
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


def draw_correction_cut(ax: Axes, eps: float, w: float, reach: float, hs=(0, 1), n: int = 401,
                        legend: str | None = "below"):
    """The correction along one row (fixed ε) of the maps, one curve per h_j, with each curve's switch points.

    Dotted guides: where A alone switches v_i; dashed: where A and B together
    do (one pair per curve, in its colour). The legend names the curves, the
    marker and both guides: ``legend="below"`` puts it under the axes (use a
    constrained layout), any other string is a matplotlib ``loc``, None omits it.

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
    handles = [*curves, marker, *_switch_handles(vertical=":", diagonal="--")]
    if legend == "below":  # outside the axes, so it never hides a curve (needs a constrained layout)
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=8,
                  frameon=False)
    elif legend:
        ax.legend(handles=handles, loc=legend, fontsize=8)
    return {"curves": curves, "switches": switches, "marker": marker}


def _switch_handles(vertical: str = "-", diagonal: str = "--") -> list:
    """Legend entries for the two kinds of switch guide, in black, with the line styles they are drawn in."""
    return [Line2D([], [], color="k", lw=1.2, ls=vertical,
                   label=r"A alone switches $v_i$: $\phi = -W/2 + h_jW$"),
            Line2D([], [], color="k", lw=1.2, ls=diagonal,
                   label=r"A and B together switch $v_i$: $\phi + \epsilon = -W/2 + h_jW$")]


def switch_line_legend(target, vertical: str = "-", diagonal: str = "--", **kwargs):
    """A legend for the black switch guides of :func:`draw_correction_panels` on ``target`` (Figure or Axes).

    ``vertical`` and ``diagonal`` are the line styles of the two guides (solid
    and dashed on the maps). Other keyword arguments go to ``legend``.
    Returns the Legend.
    """
    if not isinstance(target, (Figure, Axes)):
        raise TypeError(f"target must be a matplotlib Figure or Axes, got {type(target).__name__}")
    return target.legend(handles=_switch_handles(vertical, diagonal), **{"fontsize": 8, **kwargs})


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


def error_maps_figure(w: float, reach: float, h: int, names, notes: dict[str, str] | None = None,
                      error_scale: float = 0.25, n: int = 200) -> Figure:
    """Error maps (approximation − exact) of several corrections side by side, on ONE colour scale.

    The scale is ±``error_scale``·|W| for every panel, so a small error looks small
    next to a large one (never rescaled to each panel's own maximum). Each title
    gives the panel's max |error|, then ``notes[name]`` if given (e.g. the sampler's
    bias). 816 px wide at most, for a notebook column.

    Parameters
    ----------
    w, reach, h : the weight W, the half-width of the square, the state h_j (0 or 1).
    names : keys of :data:`orbm_explore.corrections.CORRECTIONS`, one panel each.
    notes : optional {name: text} added to each title.
    error_scale : the colour scale's half-range as a fraction of |W| (> 0).
    n : grid points per axis.
    """
    names = list(names)
    if not names:
        raise ValueError("names must list at least one correction")
    unknown = [name for name in names if name not in CORRECTIONS]
    if unknown:
        raise ValueError(f"names must be corrections among {sorted(CORRECTIONS)}, got {unknown}")
    error_scale = check_real(error_scale, "error_scale", minimum=0.0, open_below=True)
    limit = error_scale * max(abs(check_real(w, "w")), 1e-9)
    fig, axes = plt.subplots(1, len(names), figsize=(min(10.2, 2.6 * len(names) + 1.0), 3.2), dpi=80,
                             sharey=True, squeeze=False, layout="constrained")
    image = None
    for ax, name in zip(axes[0], names):
        _, _, error = approximation_error(w, reach, h, n, name)
        image = ax.imshow(error, origin="lower", extent=(-reach, reach, -reach, reach), cmap="PuOr_r",
                          vmin=-limit, vmax=limit, interpolation="nearest")
        title = f"{name}\nmax |error| {np.abs(error).max():.2f}"
        if notes and name in notes:
            title += f", {notes[name]}"
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(r"$\phi^A_i$ (actual)")
    axes[0, 0].set_ylabel(r"$\epsilon_i$")
    fig.colorbar(image, ax=list(axes[0]), shrink=0.85, extend="both",
                 label=rf"approximation − exact (scale $\pm{error_scale:g}|W|$)")
    fig.suptitle(rf"Error maps at $W = {w:g}$, $h_j = {h}$, one colour scale", fontsize=10)
    return fig


def draw_input_definitions(ax_net: Axes, ax_line: Axes, phi0: float = -4.0, w: float = 3.0, h: int = 1,
                           eps: float = 4.0) -> dict:
    """The inputs of one visible unit i that the correction is written in: φ^{A0}_i, φ^A_i and ε_i.

    Left (``ax_net``): cause A's hidden units, one of them unit j, cause B's
    units and the visible unit i; what each group sends to i. Right
    (``ax_line``): the three inputs on one number line for the given numbers,
    φ^{A0} (A's input if h_j were 0), φ^A = φ^{A0} + h_j W (A's actual input)
    and φ^A + ε (the total that the sigmoid of v_i sees).

    Returns
    -------
    dict: "points" {name: x} of the number line, "labels" (the text artists).
    """
    _check_axes(ax_net, "ax_net")
    _check_axes(ax_line, "ax_line")
    phi0, w, eps = check_real(phi0, "phi0"), check_real(w, "w"), check_real(eps, "eps")
    if h not in (0, 1) or isinstance(h, bool):
        raise ValueError(f"h must be 0 or 1, got {h!r}")
    colours = {"A": "#1f77b4", "j": "#d62728", "B": "#ff7f0e", "v": "#2ca02c"}
    ax_net.set_xlim(0, 10)
    ax_net.set_ylim(0, 6.4)
    ax_net.axis("off")
    target = (5.0, 1.0)
    units = [(1.0, "A", r"$h_k$"), (2.2, "j", r"$h_j$"), (3.4, "A", r"$h_k$"), (7.2, "B", r"$h^B$"),
             (8.4, "B", r"$h^B$")]
    for x, who, symbol in units:
        ax_net.add_patch(FancyBboxPatch((x - 0.35, 4.65), 0.7, 0.7, boxstyle="circle,pad=0", fc=colours[who],
                                        ec="k", lw=0.8))
        ax_net.text(x, 5.0, symbol, ha="center", va="center", color="white", fontsize=9)
        ax_net.annotate("", target, (x, 4.6), arrowprops=dict(arrowstyle="->", color=colours[who],
                                                                lw=2.2 if who == "j" else 1.2))
    ax_net.add_patch(FancyBboxPatch((target[0] - 0.4, target[1] - 0.6), 0.8, 0.8, boxstyle="circle,pad=0",
                                    fc=colours["v"], ec="k", lw=0.8))
    ax_net.text(target[0], target[1] - 0.2, r"$v_i$", ha="center", va="center", color="white", fontsize=10)
    box = dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.9)
    labels = [
        ax_net.text(2.2, 6.05, "cause A (unit j in red)", ha="center", color=colours["A"], fontsize=9),
        ax_net.text(7.8, 6.05, "cause B", ha="center", color=colours["B"], fontsize=9),
        ax_net.text(0.1, 3.1, r"$\phi^{A0}_i = W^A_{0i} + \sum_{k \neq j} W^A_{ki} h_k$" "\n(A's input if $h_j = 0$)",
                    color=colours["A"], fontsize=9, bbox=box),
        ax_net.text(2.9, 2.05, r"$+\, h_j W_{ji}$", color=colours["j"], fontsize=10, bbox=box),
        ax_net.text(6.6, 3.1, r"$\epsilon_i = \phi^B_i$" "\n(B's input)", color=colours["B"], fontsize=9, bbox=box),
        ax_net.text(5.0, -0.05, r"$P(v_i{=}1) = \sigma(\phi^A_i + \epsilon_i)$,  $\phi^A_i = \phi^{A0}_i + h_j W_{ji}$",
                    ha="center", fontsize=9),
    ]
    actual = phi0 + h * w
    points = {"phi_a0": phi0, "phi_a": actual, "total": actual + eps}
    names = {"phi_a0": r"$\phi^{A0}_i$", "phi_a": r"$\phi^A_i$", "total": r"$\phi^A_i + \epsilon_i$"}
    ax_line.axhline(0, color="0.5", lw=1)
    for key, colour in (("phi_a0", colours["A"]), ("phi_a", colours["j"]), ("total", colours["v"])):
        ax_line.plot([points[key]], [0], "o", color=colour, ms=9, zorder=3)
        labels.append(ax_line.text(points[key], -0.5, names[key], ha="center", va="top", fontsize=10,
                                   color=colour))
    for start, end, text, colour, y in ((phi0, actual, rf"$+h_j W = {h * w:g}$", colours["j"], 0.45),
                                        (actual, actual + eps, rf"$+\epsilon = {eps:g}$", colours["B"], 0.45)):
        if end != start:
            ax_line.annotate("", (end, y), (start, y), arrowprops=dict(arrowstyle="->", color=colour, lw=1.5))
        labels.append(ax_line.text((start + end) / 2, y + 0.15, text, ha="center", va="bottom", fontsize=9,
                                   color=colour))
    span = [phi0, actual, actual + eps]
    ax_line.set_xlim(min(span) - 2.0, max(span) + 2.0)
    ax_line.set_ylim(-1.4, 1.3)
    ax_line.yaxis.set_visible(False)
    for side in ("left", "right", "top"):
        ax_line.spines[side].set_visible(False)
    ax_line.set_xlabel(f"input to visible unit i (here $h_j = {h}$, $W_{{ji}} = {w:g}$)")
    ax_line.set_title("the same inputs as numbers", fontsize=10)
    return {"points": points, "labels": labels}
