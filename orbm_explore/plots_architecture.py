"""The two-cause model drawn unit by unit, as in the notes' "unrolled" picture (§0.2, §3.1.3).

Matplotlib only. Each cause is an RBM between its hidden units and *its own*
visible layer (drawn dashed: it is summed out, and summing it out is what puts
the softplus terms Σ_i log(1 + e^{φ_i}) into log P*(h)). Below, the hidden
units of both causes send their inputs φ^A_i and φ^B_i down a sigmoid belief
layer to the one shared visible layer v.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyArrowPatch

__all__ = ["draw_unrolled_architecture"]

_COLOURS = {"A": "#1f77b4", "B": "#ff7f0e", "v": "#2ca02c"}


def _row(ax: Axes, xs: np.ndarray, y: float, colour: str, dashed: bool, label: str, symbol: str) -> list[Circle]:
    units = []
    for k, x in enumerate(xs):
        circle = Circle((x, y), 0.25, fc="white" if dashed else colour, ec=colour, lw=1.5,
                        ls="--" if dashed else "-", alpha=1.0 if dashed else 0.85, zorder=3)
        circle.set_label(f"{label} {k + 1}")
        ax.add_patch(circle)
        ax.text(x, y, symbol.format(k + 1), ha="center", va="center", fontsize=7, zorder=5,
                color=colour if dashed else "white")
        units.append(circle)
    return units


def draw_unrolled_architecture(ax: Axes, n_hidden_a: int = 3, n_hidden_b: int = 2, n_visible: int = 4) -> dict:
    """Draw the unrolled two-cause model on ``ax``.

    Parameters
    ----------
    ax : matplotlib Axes
        Drawn on in data coordinates (0..10) × (0..8); its frame is switched off.
    n_hidden_a, n_hidden_b : int
        Hidden units of cause A and cause B.
    n_visible : int
        Visible units (each cause's own visible layer has as many).

    Returns
    -------
    dict
        ``"units"``: {layer name: list of Circle}, layers ``"own visible A"``,
        ``"hidden A"``, ``"own visible B"``, ``"hidden B"``, ``"visible v"``;
        ``"labels"``: list of the Text artists that name every element.
    """
    for name, value in (("n_hidden_a", n_hidden_a), ("n_hidden_b", n_hidden_b), ("n_visible", n_visible)):
        if not isinstance(value, (int, np.integer)) or not 1 <= value <= 6:
            raise ValueError(f"{name} must be an integer from 1 to 6, got {value!r}")
    ax.set_xlim(-0.2, 10.2)
    ax.set_ylim(-0.9, 8.3)
    ax.set_aspect("equal")
    ax.axis("off")

    def spread(n: int, centre: float, gap: float = 0.75) -> np.ndarray:
        return centre + gap * (np.arange(n) - (n - 1) / 2)

    y_own, y_hidden, y_visible = 6.6, 4.1, 0.7
    units = {
        "own visible A": _row(ax, spread(n_visible, 2.3), y_own, _COLOURS["A"], True, "own visible A", "$i{}$"),
        "hidden A": _row(ax, spread(n_hidden_a, 2.3), y_hidden, _COLOURS["A"], False, "hidden A", "$j{}$"),
        "own visible B": _row(ax, spread(n_visible, 7.7), y_own, _COLOURS["B"], True, "own visible B", "$i{}$"),
        "hidden B": _row(ax, spread(n_hidden_b, 7.7), y_hidden, _COLOURS["B"], False, "hidden B", "$j{}$"),
        "visible v": _row(ax, spread(n_visible, 5.0, 0.9), y_visible, _COLOURS["v"], False, "visible v", "$v_{}$"),
    }
    # RBM edges: undirected, every hidden unit to every unit of its own visible layer
    for cause in "AB":
        for top in units[f"own visible {cause}"]:
            for bottom in units[f"hidden {cause}"]:
                ax.plot([top.center[0], bottom.center[0]], [top.center[1] - 0.25, bottom.center[1] + 0.25],
                        color=_COLOURS[cause], lw=0.8, alpha=0.6, zorder=1)
    # belief-layer edges: directed, every hidden unit of each cause to every shared visible unit
    for cause in "AB":
        for source in units[f"hidden {cause}"]:
            for target in units["visible v"]:
                ax.add_patch(FancyArrowPatch((source.center[0], source.center[1] - 0.25),
                                             (target.center[0], target.center[1] + 0.25),
                                             arrowstyle="-|>", mutation_scale=7, color=_COLOURS[cause],
                                             lw=0.7, alpha=0.55, zorder=2))
    text = dict(ha="center", va="center", fontsize=8.5, zorder=4,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))
    labels = [
        ax.text(2.3, 7.45, "A's own visible layer (summed out)", color=_COLOURS["A"], **text),
        ax.text(7.7, 7.45, "B's own visible layer (summed out)", color=_COLOURS["B"], **text),
        ax.text(2.3, 5.35, "RBM A: weights $W^A$, undirected", **text),
        ax.text(7.7, 5.35, "RBM B: weights $W^B$, undirected", **text),
        ax.text(5.0, 8.05, r"summing it out gives $\log P^*(h^A) = \sum_j W^A_{j0}h^A_j + "
                           r"\sum_i \log(1 + e^{\phi^A_i})$ (notes §0.2), likewise for B", **text),
        ax.text(0.25, y_hidden, "hidden\n$h^A$", color=_COLOURS["A"], **text),
        ax.text(9.85, y_hidden, "hidden\n$h^B$", color=_COLOURS["B"], **text),
        ax.text(5.0, 2.55, "sigmoid belief layer (directed, same weights):\n"
                           r"$P(v_i{=}1 \mid h^A, h^B) = \sigma(\phi^A_i + \phi^B_i)$", **text),
        ax.text(5.0, -0.35, r"shared visible layer $v$ (the data): $\phi^A_i = \sum_j W^A_{ji}h^A_j + W^A_{0i}$, "
                            r"likewise $\phi^B_i$", **text),
    ]
    return {"units": units, "labels": labels}
