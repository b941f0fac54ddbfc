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

from . import corrections
from .numerics import log_sigmoid

__all__ = [
    "correction_grid",
    "CorrectionPanels",
    "draw_correction_panels",
    "draw_log_ratio_cut",
    "draw_architecture",
    "draw_distribution_bars",
    "draw_weight_tiles",
    "draw_separation",
    "DIVERGING",
]

DIVERGING = "RdYlGn"


def correction_grid(w: float, reach: float, h: float, n: int = 200,
                    correction: str = "exact") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A registered correction on an n×n grid over the actual input φ^A_i (x) and ε_i (y).

    The notes' §1.1 panels use the *actual* input φ = φ^{A0} + h W on the x axis,
    so h = 0 and h = 1 give two different pictures of the same function.

    Returns
    -------
    phi : (n,), eps : (n,), values : (n, n) with values[k, l] at (phi[l], eps[k]).
    """
    phi = np.linspace(-reach, reach, n)
    eps = np.linspace(-reach, reach, n)
    values = corrections.get_correction(correction).from_state(phi[None, :], h, eps[:, None], w)
    return phi, eps, np.broadcast_to(values, (n, n))


@dataclass
class CorrectionPanels:
    """Artists of a correction map: images, guide lines, colour bar, titles."""

    figure: Figure
    axes: list[Axes]
    images: list
    guides: list
    colorbar: object


def draw_correction_panels(w: float = 3.0, reach: float = 40.0, n: int = 200, hs=(0, 1),
                           correction: str = "exact", figsize=(9.0, 4.0), figure: Figure | None = None,
                           dpi: int = 80) -> CorrectionPanels:
    """The notes' §1.1 picture, drawn correctly: the correction to ψ_j over (φ^A_i, ε_i), one panel per h_j.

    Images (not filled contours) so that an app can update them with ``set_data``.
    Black guides mark φ = 0, ε = 0 and φ + ε = 0, where the regimes change.
    """
    fig = figure if figure is not None else plt.figure(figsize=figsize, dpi=dpi)
    axes = fig.subplots(1, len(hs), sharey=True, squeeze=False)[0]
    images, guides = [], []
    limit = max(abs(w), 1e-9)
    for ax, h in zip(axes, hs):
        phi, eps, values = correction_grid(w, reach, h, n, correction)
        image = ax.imshow(values, origin="lower", extent=(-reach, reach, -reach, reach), cmap=DIVERGING,
                          vmin=-limit, vmax=limit, interpolation="nearest", aspect="equal")
        lines = [ax.axvline(0, color="k", lw=0.8), ax.axhline(0, color="k", lw=0.8),
                 ax.plot([-reach, reach], [reach, -reach], "k", lw=0.8)[0]]
        ax.set_xlim(-reach, reach)
        ax.set_ylim(-reach, reach)
        ax.set_title(rf"$h_j = {h}$")
        ax.set_xlabel(r"$\phi^A_i$, input from cause A (actual $h_j$)")
        images.append(image)
        guides.append(lines)
    axes[0].set_ylabel(r"$\epsilon_i = \phi^B_i$, input from cause B")
    colorbar = fig.colorbar(images[-1], ax=list(axes), shrink=0.85, label=r"correction $C_{ji}$ to $\psi_j$")
    return CorrectionPanels(fig, list(axes), images, guides, colorbar)


def update_correction_panels(panels: CorrectionPanels, w: float, reach: float, n: int, hs=(0, 1),
                             correction: str = "exact") -> np.ndarray:
    """Recompute and update the images of :func:`draw_correction_panels` in place; returns the last grid."""
    limit = max(abs(w), 1e-9)
    values = None
    for image, lines, ax, h in zip(panels.images, panels.guides, panels.axes, hs):
        _, _, values = correction_grid(w, reach, h, n, correction)
        image.set_data(values)
        image.set_extent((-reach, reach, -reach, reach))
        image.set_clim(-limit, limit)
        lines[2].set_data([-reach, reach], [reach, -reach])
        ax.set_xlim(-reach, reach)
        ax.set_ylim(-reach, reach)
    return values


def draw_log_ratio_cut(ax: Axes, eps: float, w: float, h: float = 0.0, reach: float = 30.0, n: int = 601):
    """A 1-D cut at fixed ε: the two log-ratio terms of §2.1 and their sum, against the actual input φ.

    Returns
    -------
    dict of line artists: "first", "second", "total", "switch_first", "switch_second".
    """
    phi, first, second = log_ratio_terms(eps, w, h, reach, n)
    lines = {
        "first": ax.plot(phi, first, color="tab:blue", label=r"$\log\sigma(\phi^{A0})/\sigma(\phi^{A0}+W)$")[0],
        "second": ax.plot(phi, second, color="tab:orange",
                          label=r"$\log\sigma(\phi^{A0}+\epsilon+W)/\sigma(\phi^{A0}+\epsilon)$")[0],
        "total": ax.plot(phi, first + second, color="k", lw=2, label=r"$C$ (sum)")[0],
        "switch_first": ax.axvline(-w / 2 + h * w, color="tab:blue", ls=":", lw=1),
        "switch_second": ax.axvline(-eps - w / 2 + h * w, color="tab:orange", ls=":", lw=1),
    }
    ax.set_xlabel(r"$\phi^A_i$, actual input from cause A")
    ax.set_ylabel(r"contribution to $\psi_j$")
    ax.set_ylim(-abs(w) * 1.1 - 0.1, abs(w) * 1.1 + 0.1)
    ax.axhline(0, color="0.7", lw=0.8)
    ax.legend(loc="upper right", fontsize=8)
    return lines


def log_ratio_terms(eps: float, w: float, h: float, reach: float, n: int = 601):
    """φ grid and the two §2.1 terms at fixed ε, as functions of the actual input φ = φ0 + h W."""
    phi = np.linspace(-reach, reach, n)
    phi0 = phi - h * w
    first = log_sigmoid(phi0) - log_sigmoid(phi0 + w)
    second = log_sigmoid(phi0 + eps + w) - log_sigmoid(phi0 + eps)
    return phi, first, second


def draw_architecture(ax: Axes) -> None:
    """A diagram of the two-cause model: two RBMs whose inputs are summed into one sigmoid layer."""
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
