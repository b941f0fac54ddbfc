"""Apps of notebooks 02 and 03: the correction maps, a 1-D cut, approximations, the notes' cells."""

from __future__ import annotations

import numbers

import matplotlib.pyplot as plt
import numpy as np

from .. import corrections, explore, plots
from ..numerics import check_real, sigmoid
from .kit import App, Blitter, Choice, ControlPanel, Slider

__all__ = ["CorrectionExplorer", "CutExplorer", "ApproximationExplorer", "NotesCellsExplorer"]


def _check_grid_size(n) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
        raise ValueError(f"n (grid points per axis) must be an integer >= 2, got {n!r}")
    return int(n)


def _nice_limit(w: float) -> float:
    """A round y-limit of at least 1.1 |W| + 0.1, from a short list, so dragging W rarely changes the axes
    (and the app stays on its fast, blitted path)."""
    target = abs(w) * 1.1 + 0.1
    for limit in (2.5, 5.0, 10.0, 15.0, 23.0):
        if target <= limit:
            return limit
    return float(np.ceil(target))


class CorrectionExplorer(App):
    """The §1.1 correction maps for h_j = 0 and h_j = 1, linked to a 1-D cut along one row.

    Black guides on each map are its true switch lines, φ = −W/2 + h_j W (solid)
    and φ + ε = −W/2 + h_j W (dashed). Click a map (or set "row ε" and "point φ")
    to choose the row shown in the cut on the right and the point marked on it.
    """

    PRESETS = {
        "W = 3, range ±10": {"w": 3.0, "reach": 10.0},
        "negative weight W = -3": {"w": -3.0, "reach": 10.0},
        "notes §1.1: W = 3, range ±40": {"w": 3.0, "reach": 40.0},
        "large weight W = 10, range ±30": {"w": 10.0, "reach": 30.0},
    }

    def __init__(self, w: float = 3.0, reach: float = 10.0, n: int = 200, correction: str = "exact",
                 eps: float = 4.0, phi: float = -1.0):
        super().__init__()
        self.n = _check_grid_size(n)
        self.correction = corrections.get_correction(correction).name
        self.panel = ControlPanel([Slider("w", r"weight $W_{ji}$", -20.0, 20.0, 0.1, w),
                                   Slider("reach", r"range $\pm$", 2.0, 100.0, 1.0, reach),
                                   Slider("eps", r"row $\epsilon_i$", -100.0, 100.0, 0.1, eps),
                                   Slider("phi", r"point $\phi^A_i$", -100.0, 100.0, 0.1, phi)],
                                  self.update, self.PRESETS)
        with plt.ioff():
            self.figure = plt.figure(figsize=(12.0, 4.0), dpi=80, layout="constrained")
        axes = self.figure.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 1.15]})
        axes[1].sharey(axes[0])
        self.artists = plots.draw_correction_panels(w, reach, self.n, correction=self.correction,
                                                    axes=list(axes[:2]))
        self.rows = [ax.axhline(eps, color="tab:blue", lw=1.5, alpha=0.8) for ax in axes[:2]]
        self.points = [ax.plot([phi], [eps], "o", mfc="white", mec="k", ms=8)[0] for ax in axes[:2]]
        self.ax_cut = axes[2]
        self.cut = plots.draw_correction_cut(self.ax_cut, eps, w, reach)
        self.ax_cut.yaxis.set_label_position("right")  # away from the colour bar's label
        self.ax_cut.yaxis.tick_right()
        self.cut_title = self.ax_cut.set_title("")
        guides = [line for lines in self.artists.guides for line in lines]
        switches = [line for lines in self.cut["switches"] for line in lines]
        self.blitter = Blitter(self.figure, [*self.artists.images, *guides, *self.rows, *self.points,
                                             *self.cut["curves"], *switches, self.cut["marker"],
                                             self.artists.colorbar.ax, self.cut_title])
        self.values = None
        self.grids = None
        self._limits = None
        self.figure.canvas.mpl_connect("button_press_event", self._clicked)
        self.widget = self._layout(self.figure)
        self.update(self.panel.values())

    def update(self, values: dict) -> None:
        w, reach, eps, phi = values["w"], values["reach"], values["eps"], values["phi"]
        self.grids = plots.update_correction_panels(self.artists, w, reach, self.n, correction=self.correction)
        self.values = self.grids[-1]
        for row, point in zip(self.rows, self.points):
            row.set_ydata([eps, eps])
            point.set_data([phi], [eps])
        at_point = []
        for k, h in enumerate(self.artists.hs):
            grid_phi, first, second = explore.log_ratio_terms(eps, w, h, reach, len(self.cut["curves"][k].get_xdata()))
            self.cut["curves"][k].set_data(grid_phi, first + second)
            c = explore._switch_offset(w, h)
            self.cut["switches"][k][0].set_xdata([c, c])
            self.cut["switches"][k][1].set_xdata([c - eps, c - eps])
            at_point.append(explore._correction_at(phi, eps, w, h, self.correction))
        self.cut["marker"].set_data([phi, phi], at_point)
        self.cut_title.set_text(rf"cut at $\epsilon_i = {eps:g}$")
        c0, c1 = (explore._switch_offset(w, h) for h in (0, 1))
        self.readout.value = (
            f"W = {w:.2f}. Where B explains v<sub>i</sub> (φ below the switch, φ + ε above it): "
            f"C ≈ −W = {-w:.2f}, the <b>{plots.wedge_colour(-w)}</b> wedge. Where B vetoes v<sub>i</sub> "
            f"(φ above, φ + ε below): C ≈ +W = {w:.2f}, the <b>{plots.wedge_colour(w)}</b> wedge. "
            f"Switch at φ = {c0:.2f} (h<sub>j</sub> = 0) and {c1:.2f} (h<sub>j</sub> = 1). "
            f"At φ = {phi:.2f}, ε = {eps:.2f}: C = {at_point[0]:.3f} (h<sub>j</sub> = 0), "
            f"{at_point[-1]:.3f} (h<sub>j</sub> = 1).")
        limits = (reach, _nice_limit(w))
        if limits == self._limits:
            self.blitter.update()  # only data changed
            self._refresh_image()
        else:  # new axis limits and ticks: full draw, which also recaptures the background
            self._limits = limits
            self.ax_cut.set_xlim(-reach, reach)
            self.ax_cut.set_ylim(-limits[1], limits[1])
            self._draw()

    def _clicked(self, event) -> None:
        """A click on a map chooses the row (ε) and the point (φ); on the cut, the point."""
        if event.inaxes is None or event.xdata is None:
            return
        if event.inaxes in self.artists.axes:
            values = {"phi": float(np.clip(round(event.xdata, 1), -100, 100)),
                      "eps": float(np.clip(round(event.ydata, 1), -100, 100))}
        elif event.inaxes is self.ax_cut:
            values = {"phi": float(np.clip(round(event.xdata, 1), -100, 100))}
        else:
            return
        try:
            self.panel.set_values(values)
        except Exception as err:
            self.panel.show_error(err)


class CutExplorer(App):
    """A 1-D cut through the correction at fixed ε: the two §2.1 log-ratio terms and their sum."""

    PRESETS = {
        "notes In[5]: W = -10, ε = 10": {"w": -10.0, "eps": 10.0, "h": 0},
        "W = 3, ε = 10": {"w": 3.0, "eps": 10.0, "h": 0},
        "other cause silent: ε = 0": {"w": 3.0, "eps": 0.0, "h": 0},
    }

    def __init__(self, w: float = -10.0, eps: float = 10.0, h: int = 0, phi: float = 0.0, reach: float = 30.0):
        super().__init__()
        self.reach = reach = check_real(reach, "reach", minimum=0.0, open_below=True)
        self.panel = ControlPanel([Slider("w", r"weight $W_{ji}$", -20.0, 20.0, 0.1, w),
                                   Slider("eps", r"$\epsilon_i$ (cause B)", -30.0, 30.0, 0.1, eps),
                                   Slider("phi", r"marker $\phi^A_i$", -reach, reach, 0.1, phi),
                                   Choice("h", r"state $h_j$", (0, 1), h)],
                                  self.update, self.PRESETS)
        with plt.ioff():
            self.figure, ax = plt.subplots(figsize=(8.0, 4.0), dpi=80)
        self.lines = plots.draw_log_ratio_cut(ax, eps, w, h, reach)
        self.marker = ax.plot([phi], [0.0], "ko", ms=7)[0]
        self.ax = ax
        self.widget = self._layout(self.figure)
        self.update(self.panel.values())

    def update(self, values: dict) -> None:
        w, eps, h, phi_mark = values["w"], values["eps"], values["h"], values["phi"]
        phi, first, second = explore.log_ratio_terms(eps, w, h, self.reach)
        self.lines["first"].set_ydata(first)
        self.lines["second"].set_ydata(second)
        self.lines["total"].set_ydata(first + second)
        c = explore._switch_offset(w, h)
        self.lines["switch_first"].set_xdata([c, c])
        self.lines["switch_second"].set_xdata([c - eps, c - eps])
        value = explore._correction_at(phi_mark, eps, w, h)
        self.marker.set_data([phi_mark], [value])
        self.ax.set_ylim(-abs(w) * 1.1 - 0.1, abs(w) * 1.1 + 0.1)
        self.readout.value = (f"At φ<sup>A</sup> = {phi_mark:.2f} (h<sub>j</sub> = {h}): correction C = "
                              f"<b>{value:.4f}</b>. Switching points: φ = {c:.2f} (first term), "
                              f"{c - eps:.2f} (second term).")
        self._draw()


class ApproximationExplorer(App):
    """Exact correction, an approximation, and their difference, with live error statistics."""

    APPROXIMATIONS = ("sigmoid", "sigmoid_nogain", "local", "linear")
    PRESETS = {
        "sigmoid with gain, W = 3": {"approximation": "sigmoid", "w": 3.0},
        "sigmoid without gain, W = 10": {"approximation": "sigmoid_nogain", "w": 10.0},
        "linear (§2), W = 10": {"approximation": "linear", "w": 10.0},
    }

    def __init__(self, approximation: str = "sigmoid", w: float = 3.0, reach: float = 40.0, h: int = 1,
                 n: int = 200):
        super().__init__()
        self.n = _check_grid_size(n)
        self.panel = ControlPanel([Choice("approximation", "approximation", self.APPROXIMATIONS, approximation),
                                   Slider("w", r"weight $W_{ji}$", -20.0, 20.0, 0.1, w),
                                   Slider("reach", r"range $\pm$", 2.0, 100.0, 1.0, reach),
                                   Choice("h", r"state $h_j$", (0, 1), h)],
                                  self.update, self.PRESETS)
        with plt.ioff():
            self.figure = plt.figure(figsize=(11.0, 3.8), dpi=80)
        axes = self.figure.subplots(1, 3, sharey=True)
        self.images = []
        extent = (-reach, reach, -reach, reach)
        for ax, title in zip(axes, ["exact", approximation, "approximation − exact"]):
            image = ax.imshow(np.zeros((self.n, self.n)), origin="lower", extent=extent, cmap=plots.DIVERGING,
                              interpolation="nearest")
            ax.set_title(title)
            ax.set_xlabel(r"$\phi^A_i$ (actual)")
            self.images.append(image)
        axes[0].set_ylabel(r"$\epsilon_i$")
        self.figure.colorbar(self.images[1], ax=list(axes[:2]), shrink=0.8, label="correction")
        self.figure.colorbar(self.images[2], ax=axes[2], shrink=0.8, label="error")
        self.axes = axes
        self.error = None
        self.widget = self._layout(self.figure)
        self.update(self.panel.values())

    def update(self, values: dict) -> None:
        w, reach, h, name = values["w"], values["reach"], values["h"], values["approximation"]
        truth, approx, self.error = explore.approximation_error(w, reach, h, self.n, name)
        limit = max(abs(w), 1e-9)
        err_limit = max(np.abs(self.error).max(), 1e-12)
        for image, data, clim in zip(self.images, (truth, approx, self.error),
                                     ((-limit, limit), (-limit, limit), (-err_limit, err_limit))):
            image.set_data(data)
            image.set_extent((-reach, reach, -reach, reach))
            image.set_clim(*clim)
        self.axes[1].set_title(name)
        for ax in self.axes:
            ax.set_xlim(-reach, reach)
            ax.set_ylim(-reach, reach)
        abs_err = np.abs(self.error)
        self.readout.value = (f"{name}, W = {w:.2f}, h<sub>j</sub> = {h}: max |error| = <b>{abs_err.max():.4f}</b>, "
                              f"mean |error| = <b>{abs_err.mean():.4f}</b> over the plotted square "
                              f"({abs_err.max() / limit:.1%} of |W| at worst).")
        self._draw()


class NotesCellsExplorer(App):
    """The notes' In[4], In[5] and In[12] plots, with sliders.

    In[4]: one log-ratio term against its sigmoid approximation (gain α).
    In[5]: the whole correction against the sigmoid approximation, at fixed ε.
    In[12]: σ(φ) against its tangent φ/4 + ½ at 0.
    """

    PRESETS = {"as in the notes: W = -10, ε = 10": {"w": -10.0, "eps": 10.0, "use_gain": True}}

    def __init__(self, w: float = -10.0, eps: float = 10.0, use_gain: bool = True, reach: float = 30.0):
        super().__init__()
        reach = check_real(reach, "reach", minimum=0.0, open_below=True)
        self.phi = np.linspace(-reach, reach, 1001)
        self.panel = ControlPanel([Slider("w", r"weight $W$", -20.0, 20.0, 0.1, w),
                                   Slider("eps", r"$\epsilon$", -30.0, 30.0, 0.1, eps),
                                   Choice("use_gain", "gain α", (True, False), use_gain, ("on", "off"))],
                                  self.update, self.PRESETS)
        with plt.ioff():
            self.figure, self.axes = plt.subplots(1, 3, figsize=(12.0, 3.6), dpi=80, layout="constrained")
        ax4, ax5, ax12 = self.axes
        self.lines = {
            "in4_true": ax4.plot(self.phi, self.phi * 0, "k", label=r"$\log\sigma(\phi)/\sigma(\phi+W)$")[0],
            "in4_approx": ax4.plot(self.phi, self.phi * 0, "b", label=r"$-W\sigma(-\alpha(\phi+W/2))$")[0],
            "in5_true": ax5.plot(self.phi, self.phi * 0, "k", label="exact correction")[0],
            "in5_approx": ax5.plot(self.phi, self.phi * 0, "b", label="sigmoid approximation")[0],
        }
        ax4.set_title("In[4]: one term")
        ax5.set_title(r"In[5]: whole correction at fixed $\epsilon$")
        for ax in (ax4, ax5):
            ax.set_xlabel(r"$\phi$ (input from cause A with $h_j = 0$)")
            ax.set_ylabel("contribution to ψ")
            ax.legend(fontsize=7, loc="lower right")
        x = np.linspace(-3, 3, 301)
        ax12.plot(x, sigmoid(x), "k", label=r"$\sigma(\phi)$")
        ax12.plot(x, x / 4 + 0.5, "r", label=r"$\phi/4 + 1/2$")
        ax12.set_title("In[12]: σ and its tangent at 0")
        ax12.set_xlabel(r"$\phi$")
        ax12.set_ylabel(r"$\sigma(\phi)$")
        ax12.legend(fontsize=7)
        self.widget = self._layout(self.figure)
        self.update(self.panel.values())

    def update(self, values: dict) -> None:
        w, eps, use_gain = values["w"], values["eps"], values["use_gain"]
        cells = explore.notes_cells(self.phi, w, eps, use_gain)
        alpha, truth, approx = cells.alpha, cells.exact, cells.approx
        self.lines["in4_true"].set_ydata(cells.term)
        self.lines["in4_approx"].set_ydata(cells.term_approx)
        self.lines["in5_true"].set_ydata(truth)
        self.lines["in5_approx"].set_ydata(approx)
        for ax in self.axes[:2]:
            ax.set_ylim(-abs(w) * 1.1 - 0.1, abs(w) * 1.1 + 0.1)
        self.readout.value = (f"α = {alpha:.6f}; max |approximation − exact| on this cut: "
                              f"<b>{np.abs(approx - truth).max():.4f}</b>")
        self._draw()
