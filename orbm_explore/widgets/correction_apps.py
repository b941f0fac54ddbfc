"""Apps of notebooks 02 and 03: the correction maps, a 1-D cut, approximations, the notes' cells."""

from __future__ import annotations

import io
import numbers

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.image import imread, imsave

from .. import corrections, explore, plots
from ..numerics import check_budget, check_real, check_time_budget
from .kit import App, Blitter, Choice, ControlPanel, Slider, figure_png

__all__ = ["CorrectionExplorer", "CutExplorer", "ApproximationExplorer", "NotesCellsExplorer"]


# Measured cost of a map app per grid point (n² of them): peak memory with matplotlib's copies, and the
# time to compute and draw it (150-350 B and 1.3-2.8 µs per point at n = 500-1500 on 2 busy cores).
_BYTES_PER_GRID_POINT = 400.0
_SECONDS_PER_GRID_POINT = 3e-6
_MAX_DRAW_SECONDS = 60.0


def _check_grid_size(n) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
        raise ValueError(f"n (grid points per axis) must be an integer >= 2, got {n!r}")
    n = int(n)
    check_budget("n", n * n, bytes_per_item=_BYTES_PER_GRID_POINT, what=f"n={n} ({n * n:,} grid points)")
    check_time_budget("n", n * n, seconds_per_item=_SECONDS_PER_GRID_POINT, limit_seconds=_MAX_DRAW_SECONDS,
                      what=f"n={n} ({n * n:,} grid points)")
    return n


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
    to choose the row shown in the cut and the point marked on it.

    The maps and the cut are two figures in a box that wraps: side by side in a
    wide page, the cut under the maps in a narrow one (JupyterLab's notebook
    column at 1280×720 with the file browser open is about 840 px), so no
    panel is ever cut off. Each figure is at most :attr:`MAX_FIGURE_PX` wide.
    """

    PRESETS = {
        "W = 3, range ±10": {"w": 3.0, "reach": 10.0},
        "negative weight W = -3": {"w": -3.0, "reach": 10.0},
        "notes §1.1: W = 3, range ±40": {"w": 3.0, "reach": 40.0},
        "large weight W = 10, range ±30": {"w": 10.0, "reach": 30.0},
    }
    MAX_FIGURE_PX = 760  # figure width + ipympl's toolbar column stays inside an 840 px column
    DPI = 80

    def __init__(self, w: float = 3.0, reach: float = 10.0, n: int = 200, correction: str = "exact",
                 eps: float = 4.0, phi: float = -1.0):
        super().__init__()
        self.n = _check_grid_size(n)
        self.correction = corrections.get_correction(correction).name
        # plain-text labels (no LaTeX): MathJax in a slider label overflows the label's box in JupyterLab
        self.panel = ControlPanel([Slider("w", "weight Wⱼᵢ", -20.0, 20.0, 0.1, w),
                                   Slider("reach", "range ±", 2.0, 100.0, 1.0, reach),
                                   Slider("eps", "row εᵢ", -100.0, 100.0, 0.1, eps),
                                   Slider("phi", "point φᴬᵢ", -100.0, 100.0, 0.1, phi)],
                                  self.update, self.PRESETS)
        with plt.ioff():
            self.figure = plt.figure(figsize=(7.4, 3.9), dpi=self.DPI, layout="constrained")
            self.cut_figure = plt.figure(figsize=(4.9, 3.9), dpi=self.DPI, layout="constrained")
        axes = self.figure.subplots(1, 2, sharey=True)
        self.artists = plots.draw_correction_panels(w, reach, self.n, correction=self.correction,
                                                    axes=list(axes))
        plots.switch_line_legend(self.figure, loc="outside lower center", ncol=2, frameon=False)
        # the chosen row: black dash-dot on a white halo, so it shows on red, blue and white alike (a blue
        # line vanished into the blue wedge) and is not mistaken for a solid or dashed switch guide
        self.rows = [ax.axhline(eps, color="k", lw=1.3, ls="-.",
                                path_effects=[patheffects.withStroke(linewidth=3.5, foreground="white")])
                     for ax in axes]
        self.points = [ax.plot([phi], [eps], "o", mfc="white", mec="k", ms=8)[0] for ax in axes]
        self.ax_cut = self.cut_figure.subplots()
        self.cut = plots.draw_correction_cut(self.ax_cut, eps, w, reach)
        self.cut_title = self.ax_cut.set_title("")
        guides = [line for lines in self.artists.guides for line in lines]
        wedge_labels = [label for pair in self.artists.labels for label in pair]
        switches = [line for lines in self.cut["switches"] for line in lines]
        self.blitter = Blitter(self.figure, [*self.artists.images, *guides, *self.rows, *wedge_labels,
                                             *self.points, self.artists.colorbar.ax])
        self.cut_blitter = Blitter(self.cut_figure, [*self.cut["curves"], *switches, self.cut["marker"],
                                                     self.cut_title])
        self.values = None
        self.grids = None
        self._limits = None
        for figure in (self.figure, self.cut_figure):
            figure.canvas.mpl_connect("button_press_event", self._clicked)
        self._views = [self._figure_view(figure) for figure in (self.figure, self.cut_figure)]
        self._view = self._views[0]
        self.figure_box = widgets.Box(self._views, layout=widgets.Layout(
            display="flex", flex_flow="row wrap", align_items="flex-start", width="100%", max_width="100%"))
        self.widget = widgets.VBox([self.panel.widget, self.figure_box, self.readout],
                                   layout=widgets.Layout(max_width="100%"))
        self.update(self.panel.values())

    def figure_widths_px(self) -> list[float]:
        """Width in pixels of each figure as drawn on the page (maps, cut)."""
        return [figure.get_size_inches()[0] * figure.dpi for figure in (self.figure, self.cut_figure)]

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
            f"C ≈ −W = {-w:.2f}, the wedge labelled “C ≈ −W”, drawn <b>{plots.wedge_colour(-w)}</b> "
            f"(the notes' red wedge). Where B vetoes v<sub>i</sub> (φ above, φ + ε below): C ≈ +W = {w:.2f}, "
            f"labelled “C ≈ +W”, drawn <b>{plots.wedge_colour(w)}</b> (the notes' green wedge). "
            f"Switch at φ = {c0:.2f} (h<sub>j</sub> = 0) and {c1:.2f} (h<sub>j</sub> = 1). "
            f"At φ = {phi:.2f}, ε = {eps:.2f}: C = {at_point[0]:.3f} (h<sub>j</sub> = 0), "
            f"{at_point[-1]:.3f} (h<sub>j</sub> = 1).")
        limits = (reach, _nice_limit(w))
        if limits == self._limits:
            self.blitter.update()  # only data changed
            self.cut_blitter.update()
            self._refresh_image()
        else:  # new axis limits and ticks: full draw, which also recaptures the backgrounds
            self._limits = limits
            self.ax_cut.set_xlim(-reach, reach)
            self.ax_cut.set_ylim(-limits[1], limits[1])
            self._draw()

    def _draw(self) -> None:
        for figure in (self.figure, self.cut_figure):
            figure.canvas.draw_idle()
        self._refresh_image()

    def _refresh_image(self) -> None:
        """Without ipympl the views are PNG images: refresh each from its own figure."""
        if getattr(self, "_shown", False):
            for view, blitter in zip(self._views, (self.blitter, self.cut_blitter)):
                if isinstance(view, widgets.Image):
                    view.value = figure_png(blitter.savefig)

    def static_png(self) -> bytes:
        """One PNG of both figures side by side (maps, then the cut), animated artists included."""
        return side_by_side_png([figure_png(self.blitter.savefig), figure_png(self.cut_blitter.savefig)])

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = super()._repr_mimebundle_(include, exclude)
        self._refresh_image()  # the base class put the combined picture into the first view
        return bundle

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


def side_by_side_png(pngs: list[bytes]) -> bytes:
    """PNG bytes of several PNG images placed left to right (top-aligned, white below the shorter ones)."""
    images = [imread(io.BytesIO(png), format="png") for png in pngs]
    images = [image if image.shape[2] == 4 else np.dstack([image, np.ones(image.shape[:2])]) for image in images]
    height = max(image.shape[0] for image in images)
    padded = [np.concatenate([image, np.ones((height - image.shape[0], image.shape[1], 4), image.dtype)])
              for image in images]
    buffer = io.BytesIO()
    imsave(buffer, np.concatenate(padded, axis=1), format="png")
    return buffer.getvalue()


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
        self.panel = ControlPanel([Slider("w", "weight Wⱼᵢ", -20.0, 20.0, 0.1, w),
                                   Slider("eps", "εᵢ (cause B)", -30.0, 30.0, 0.1, eps),
                                   Slider("phi", "marker φᴬᵢ", -reach, reach, 0.1, phi),
                                   Choice("h", "state hⱼ", (0, 1), h)],
                                  self.update, self.PRESETS)
        with plt.ioff():
            self.figure, ax = plt.subplots(figsize=(8.0, 4.4), dpi=80, layout="constrained")
        self.lines = plots.draw_log_ratio_cut(ax, eps, w, h, reach, legend="below")
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
    """Exact correction, an approximation, and their difference, with live error statistics.

    Colour scales depend on W only, never on the approximation shown: the correction
    maps span ±|W| and the error map ±|W|/4 (:attr:`ERROR_SCALE`), so switching the
    approximation at fixed W compares their errors on one scale. The figure is
    760 px wide: with ipympl's toolbar beside it, it fits a JupyterLab notebook column with the
    file browser open (about 840 px).
    """

    ERROR_SCALE = 0.25  # the error map spans ±ERROR_SCALE·|W|, whatever the approximation

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
            self.figure = plt.figure(figsize=(9.5, 3.5), dpi=80, layout="constrained")
        axes = self.figure.subplots(1, 3, sharey=True)
        self.images = []
        extent = (-reach, reach, -reach, reach)
        for ax, title, cmap in zip(axes, ["exact", approximation, "approximation − exact"],
                                   [plots.DIVERGING, plots.DIVERGING, "PuOr_r"]):
            image = ax.imshow(np.zeros((self.n, self.n)), origin="lower", extent=extent, cmap=cmap,
                              interpolation="nearest")
            ax.set_title(title)
            ax.set_xlabel(r"$\phi^A_i$ (actual)")
            self.images.append(image)
        axes[0].set_ylabel(r"$\epsilon_i$")
        self.figure.colorbar(self.images[1], ax=list(axes[:2]), shrink=0.8, label=r"correction (scale $\pm|W|$)")
        self.figure.colorbar(self.images[2], ax=axes[2], shrink=0.8, extend="both",
                             label=r"error (fixed scale $\pm|W|/4$)")
        self.axes = axes
        self.error = None
        self.widget = self._layout(self.figure)
        self.update(self.panel.values())

    def update(self, values: dict) -> None:
        w, reach, h, name = values["w"], values["reach"], values["h"], values["approximation"]
        truth, approx, self.error = explore.approximation_error(w, reach, h, self.n, name)
        limit = max(abs(w), 1e-9)
        err_limit = self.ERROR_SCALE * limit  # the same for every approximation at this W
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
    """The notes' In[4], In[5] and In[12] plots, with sliders; every panel follows W, ε and the gain switch.

    In[4]: one log-ratio term against its sigmoid approximation (gain α).
    In[5]: the whole correction against the sigmoid approximation, at fixed ε.
    In[12]: the notes drew σ(φ) with its tangent φ/4 + ½ (σ'(0) = ¼, the "4" of the gain).
    Here that panel shows what the tangent is for: near the switch point φ = −W/2 the
    first term and its approximation, each with its tangent there; the exact slope is
    tanh(W/4), the approximation's Wα/4, equal when the gain is on.
    The figure is 760 px wide: with ipympl's toolbar beside it, it fits a JupyterLab notebook column
    with the file browser open (about 840 px).
    """

    PRESETS = {"as in the notes: W = -10, ε = 10": {"w": -10.0, "eps": 10.0, "use_gain": True},
               "no gain: W = -10, ε = 10": {"w": -10.0, "eps": 10.0, "use_gain": False}}
    ZOOM = 8.0  # the In[12] panel shows φ + W/2 in [-ZOOM, ZOOM]

    def __init__(self, w: float = -10.0, eps: float = 10.0, use_gain: bool = True, reach: float = 30.0):
        super().__init__()
        reach = check_real(reach, "reach", minimum=0.0, open_below=True)
        self.phi = np.linspace(-reach, reach, 1001)
        self.offset = np.linspace(-self.ZOOM, self.ZOOM, 401)  # φ + W/2 in the In[12] panel
        self.panel = ControlPanel([Slider("w", r"weight $W$", -20.0, 20.0, 0.1, w),
                                   Slider("eps", r"$\epsilon$", -30.0, 30.0, 0.1, eps),
                                   Choice("use_gain", "gain α", (True, False), use_gain, ("on", "off"))],
                                  self.update, self.PRESETS)
        with plt.ioff():
            self.figure, self.axes = plt.subplots(1, 3, figsize=(9.5, 3.7), dpi=80, layout="constrained")
        ax4, ax5, ax12 = self.axes
        self.lines = {
            "in4_true": ax4.plot(self.phi, self.phi * 0, "k", label=r"$\log\sigma(\phi)/\sigma(\phi+W)$")[0],
            "in4_approx": ax4.plot(self.phi, self.phi * 0, "b", label=r"$-W\sigma(-\alpha(\phi+W/2))$")[0],
            "in5_true": ax5.plot(self.phi, self.phi * 0, "k", label="exact correction")[0],
            "in5_approx": ax5.plot(self.phi, self.phi * 0, "b", label="sigmoid approximation")[0],
            "in12_true": ax12.plot(self.offset, self.offset * 0, "k", lw=2, label="first term (exact)")[0],
            "in12_approx": ax12.plot(self.offset, self.offset * 0, "b", lw=1.5, label="its approximation")[0],
            "in12_tangent_true": ax12.plot(self.offset, self.offset * 0, color="0.45", ls=":", lw=2.5,
                                           label=r"tangent, slope $\tanh(W/4)$")[0],
            "in12_tangent_approx": ax12.plot(self.offset, self.offset * 0, color="tab:red", ls="--", lw=1.5,
                                             label=r"tangent, slope $W\alpha/4$")[0],
        }
        ax4.set_title("In[4]: one term", fontsize=10)
        ax5.set_title(r"In[5]: whole correction, fixed $\epsilon$", fontsize=10)
        for ax in (ax4, ax5):
            ax.set_xlabel(r"$\phi$ (input from cause A with $h_j = 0$)")
            ax.set_ylabel(r"contribution to $\psi$")
            ax.legend(fontsize=7, loc="lower right")
        ax12.set_title("In[12]: slopes at the switch point", fontsize=10)
        ax12.set_xlabel(r"$\phi + W/2$ (0 = switch point)")
        ax12.set_ylabel("first term")
        ax12.legend(fontsize=7, loc="best")
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
        zoom = explore.notes_cells(self.offset - w / 2, w, eps, use_gain)  # the same curves near φ = −W/2
        slope_true, slope_approx = float(np.tanh(w / 4)), w * alpha / 4
        self.lines["in12_true"].set_ydata(zoom.term)
        self.lines["in12_approx"].set_ydata(zoom.term_approx)
        self.lines["in12_tangent_true"].set_ydata(-w / 2 + slope_true * self.offset)
        self.lines["in12_tangent_approx"].set_ydata(-w / 2 + slope_approx * self.offset)
        for ax in self.axes:
            ax.set_ylim(-abs(w) * 1.1 - 0.1, abs(w) * 1.1 + 0.1)
        self.readout.value = (f"α = {alpha:.6f}; max |approximation − exact| on this cut: "
                              f"<b>{np.abs(approx - truth).max():.4f}</b>. At the switch point the exact term's "
                              f"slope is tanh(W/4) = {slope_true:.4f}, the approximation's Wα/4 = "
                              f"{slope_approx:.4f} (σ'(0) = 1/4: the tangent φ/4 + 1/2 of the notes' In[12]).")
        self._draw()
