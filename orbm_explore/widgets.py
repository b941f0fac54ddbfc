"""ipywidgets apps built from :mod:`orbm_explore.plots`.

Every app has a :class:`ControlPanel` (sliders with linked number boxes, a
reset button, presets, and a short parameter string a lecturer can copy and
paste back) and one figure whose artists are updated in place on each change.
Errors raised while updating are shown in the app, never swallowed.

In JupyterLab run ``%matplotlib widget`` first: the figure is then an ipympl
canvas placed in the app's layout. Under any other backend (headless runs,
tests) the app still works and :meth:`App.show_static` renders a PNG.
"""

from __future__ import annotations

import io
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Image, display
from matplotlib.figure import Figure

from . import exact, plots, stats, toys
from .corrections import CORRECTIONS

__all__ = [
    "Slider",
    "Choice",
    "ControlPanel",
    "CorrectionExplorer",
    "CutExplorer",
    "ApproximationExplorer",
    "ExplainingAwayApp",
    "NotesCellsExplorer",
    "sampler_bias_figure",
    "show_figure",
]


def _display_png(save: Callable) -> None:
    """Display what ``save(buffer, **kwargs)`` (a ``savefig``) writes, as a PNG image."""
    buffer = io.BytesIO()
    save(buffer, format="png", bbox_inches="tight")
    display(Image(data=buffer.getvalue()))


def show_figure(fig: Figure) -> None:
    """Display ``fig`` as a static PNG (works headless and in every backend) and close it."""
    _display_png(fig.savefig)
    plt.close(fig)


@dataclass(frozen=True)
class Slider:
    """A continuous parameter: slider plus linked number box."""

    name: str
    label: str
    min: float
    max: float
    step: float
    value: float


@dataclass(frozen=True)
class Choice:
    """A discrete parameter: toggle buttons (or a dropdown for many options)."""

    name: str
    label: str
    options: Sequence[Any]
    value: Any
    labels: Sequence[str] = field(default_factory=tuple)


class ControlPanel:
    """Named controls with reset, presets, a shareable parameter string and an error area.

    Parameters
    ----------
    params : list of Slider or Choice
    on_change : callable
        Called with the dict of current values after every change (once per
        reset, preset or pasted string, not once per control).
    presets : dict of name -> partial dict of values
    """

    def __init__(self, params: Sequence[Slider | Choice], on_change: Callable[[dict], None],
                 presets: dict[str, dict] | None = None, label_width: str = "110px"):
        self.params = {p.name: p for p in params}
        self.on_change = on_change
        self.presets = presets or {}
        self.controls: dict[str, widgets.ValueWidget] = {}
        self.boxes: dict[str, widgets.BoundedFloatText] = {}
        self.last_error: BaseException | None = None
        self._batch = False
        rows = []
        for p in params:
            if isinstance(p, Slider):
                control = widgets.FloatSlider(value=p.value, min=p.min, max=p.max, step=p.step,
                                              description=p.label, continuous_update=True,
                                              readout_format=".2f",
                                              layout=widgets.Layout(width=f"calc(310px + {label_width})"),
                                              style={"description_width": label_width})
                box = widgets.BoundedFloatText(value=p.value, min=p.min, max=p.max, step=p.step,
                                               layout=widgets.Layout(width="90px"))
                widgets.link((control, "value"), (box, "value"))
                self.boxes[p.name] = box
                rows.append(widgets.HBox([control, box]))
            else:
                labels = p.labels or [str(o) for o in p.options]
                kind = widgets.ToggleButtons if len(p.options) <= 4 else widgets.Dropdown
                control = kind(options=list(zip(labels, p.options)), value=p.value, description=p.label,
                               style={"description_width": label_width, "button_width": "auto"})
                rows.append(control)
            control.observe(self._changed, names="value")
            self.controls[p.name] = control
        self.reset_button = widgets.Button(description="Reset", icon="undo", tooltip="Back to the defaults")
        self.reset_button.on_click(lambda _: self.reset())
        self.preset_menu = widgets.Dropdown(options=["(presets)"] + list(self.presets), value="(presets)",
                                            layout=widgets.Layout(width="220px"))
        self.preset_menu.observe(self._preset_chosen, names="value")
        self.state_text = widgets.Text(value=self.state_string(), description="Parameters",
                                       layout=widgets.Layout(width="420px"),
                                       tooltip="Copy this to share the exact setting; paste one and press Apply")
        self.apply_button = widgets.Button(description="Apply", tooltip="Apply a pasted parameter string")
        self.apply_button.on_click(lambda _: self.apply_state_string(self.state_text.value))
        self.error_area = widgets.HTML()
        self.error_output = widgets.Output()
        buttons = [self.reset_button] + ([self.preset_menu] if self.presets else [])
        self.widget = widgets.VBox(rows + [widgets.HBox(buttons), widgets.HBox([self.state_text, self.apply_button]),
                                           self.error_area, self.error_output])

    # -- values ---------------------------------------------------------------
    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def set_values(self, values: dict) -> None:
        """Set several controls, then update once. Unknown names raise ValueError."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown parameter(s) {sorted(unknown)}; known: {sorted(self.controls)}")
        self._batch = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._batch = False
        self._fire()

    def reset(self) -> None:
        self.set_values({name: p.value for name, p in self.params.items()})

    def state_string(self) -> str:
        """A short ``name=value; ...`` string of the current setting."""
        parts = []
        for name, control in self.controls.items():
            value = control.value
            parts.append(f"{name}={value:g}" if isinstance(value, float) else f"{name}={value}")
        return "; ".join(parts)

    def apply_state_string(self, text: str) -> None:
        """Parse a string from :meth:`state_string` and apply it; problems are shown in the app."""
        try:
            self.set_values(self.parse_state_string(text))
        except ValueError as err:
            self._show_error(err)

    def parse_state_string(self, text: str) -> dict:
        values = {}
        for item in filter(None, (part.strip() for part in text.replace(",", ";").split(";"))):
            if "=" not in item:
                raise ValueError(f"expected name=value, got {item!r}")
            name, raw = (s.strip() for s in item.split("=", 1))
            if name not in self.params:
                raise ValueError(f"unknown parameter {name!r}; known: {', '.join(self.params)}")
            param = self.params[name]
            if isinstance(param, Slider):
                try:
                    value = float(raw)
                except ValueError:
                    raise ValueError(f"{name} must be a number, got {raw!r}") from None
                if not param.min <= value <= param.max:
                    raise ValueError(f"{name} must be between {param.min:g} and {param.max:g}, got {value:g}")
            else:
                matches = [o for o in param.options if str(o) == raw]
                if not matches:
                    raise ValueError(f"{name} must be one of {[str(o) for o in param.options]}, got {raw!r}")
                value = matches[0]
            values[name] = value
        return values

    # -- callbacks --------------------------------------------------------------
    def _preset_chosen(self, change) -> None:
        if change["new"] in self.presets:
            self.set_values(self.presets[change["new"]])

    def _changed(self, change) -> None:
        if not self._batch:
            self._fire()

    def _fire(self) -> None:
        self.state_text.value = self.state_string()
        try:
            self.on_change(self.values())
        except Exception as err:  # shown to the user, and kept for tests
            self._show_error(err)
        else:
            if self.last_error is not None:
                self.error_area.value = ""
                self.error_output.clear_output()
            self.last_error = None

    def _show_error(self, err: BaseException) -> None:
        self.last_error = err
        self.error_area.value = f"<b style='color:#b00'>Error:</b> {type(err).__name__}: {err}"
        with self.error_output:
            self.error_output.clear_output()
            print("".join(traceback.format_exception(err)))


class Blitter:
    """Redraw only some artists over a cached background (matplotlib's blitting recipe).

    The background is captured after every full draw (``draw_event``), so a
    resize or a change of axes limits simply needs a full ``draw_idle``.
    """

    def __init__(self, figure: Figure, artists: Sequence):
        self.figure = figure
        self.artists = list(artists)
        self.background = None
        for artist in self.artists:
            artist.set_animated(True)
        figure.canvas.mpl_connect("draw_event", self._on_draw)

    def _on_draw(self, event) -> None:
        self.background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
        self._draw_artists()

    def _draw_artists(self) -> None:
        for artist in self.artists:
            self.figure.draw_artist(artist)

    def update(self) -> None:
        """Blit the artists if a background is cached, else ask for a full draw."""
        canvas = self.figure.canvas
        if self.background is None:
            canvas.draw_idle()
            return
        canvas.restore_region(self.background)
        self._draw_artists()
        canvas.blit(self.figure.bbox)

    def savefig(self, *args, **kwargs) -> None:
        """``Figure.savefig`` with the animated artists included (savefig skips animated artists)."""
        for artist in self.artists:
            artist.set_animated(False)
        try:
            self.figure.savefig(*args, **kwargs)
        finally:
            for artist in self.artists:
                artist.set_animated(True)


class App:
    """Base class: a control panel, a figure, a readout; ``.widget`` is what to display."""

    blitter: Blitter | None = None

    def __init__(self):
        self.readout = widgets.HTML()

    def _layout(self, figure: Figure, extra: Sequence[widgets.Widget] = ()) -> widgets.Widget:
        canvas = figure.canvas
        if isinstance(canvas, widgets.DOMWidget):  # ipympl
            canvas.header_visible = False
            canvas.toolbar_position = "right"
            view = canvas
        else:
            view = widgets.Output()
        self._view = view
        return widgets.VBox([self.panel.widget, *extra, view, self.readout])

    def _draw(self) -> None:
        self.figure.canvas.draw_idle()

    def show_static(self) -> None:
        """Display the current figure as a PNG (for headless runs and printed handouts)."""
        _display_png(self.blitter.savefig if self.blitter else self.figure.savefig)

    def _ipython_display_(self) -> None:
        display(self.widget)
        if isinstance(self._view, widgets.Output):
            with self._view:
                self.show_static()


class CorrectionExplorer(App):
    """The §1.1 correction maps for h_j = 0 and h_j = 1, with sliders for W and the plotted range."""

    PRESETS = {
        "notes §1.1: W = 3, range ±40": {"w": 3.0, "reach": 40.0},
        "negative weight W = -3": {"w": -3.0, "reach": 40.0},
        "small weight W = 0.5, zoomed in": {"w": 0.5, "reach": 10.0},
        "large weight W = 10": {"w": 10.0, "reach": 40.0},
    }

    def __init__(self, w: float = 3.0, reach: float = 40.0, n: int = 200, correction: str = "exact"):
        super().__init__()
        self.n = n
        self.correction = correction
        self.panel = ControlPanel([Slider("w", r"weight $W_{ji}$", -20.0, 20.0, 0.1, w),
                                   Slider("reach", r"range $\pm$", 2.0, 100.0, 1.0, reach)],
                                  self.update, self.PRESETS)
        with plt.ioff():
            self.figure = plt.figure(figsize=(9.0, 4.0), dpi=80)
        self.artists = plots.draw_correction_panels(w, reach, n, correction=correction, figure=self.figure)
        guides = [line for lines in self.artists.guides for line in lines]
        self.blitter = Blitter(self.figure, [*self.artists.images, *guides, self.artists.colorbar.ax])
        self.values = None
        self._drawn_reach = None
        self.widget = self._layout(self.figure)
        self.update(self.panel.values())

    def update(self, values: dict) -> None:
        self.values = plots.update_correction_panels(self.artists, values["w"], values["reach"], self.n,
                                                     correction=self.correction)
        w = values["w"]
        self.readout.value = (f"W = {w:.2f}: correction ranges over [{self.values.min():.3f}, "
                              f"{self.values.max():.3f}] on the h<sub>j</sub> = 1 panel; its plateaus are "
                              f"&minus;W = {-w:.2f} (red wedge: B explains v) and +W = {w:.2f} (green wedge).")
        if values["reach"] == self._drawn_reach:
            self.blitter.update()  # only images, guides and colour bar changed
        else:  # new axis limits and ticks: full draw, which also recaptures the background
            self._drawn_reach = values["reach"]
            self._draw()


class CutExplorer(App):
    """A 1-D cut through the correction at fixed ε: the two §2.1 log-ratio terms and their sum."""

    PRESETS = {
        "notes In[5]: W = -10, ε = 10": {"w": -10.0, "eps": 10.0, "h": 0},
        "W = 3, ε = 10": {"w": 3.0, "eps": 10.0, "h": 0},
        "other cause silent: ε = 0": {"w": 3.0, "eps": 0.0, "h": 0},
    }

    def __init__(self, w: float = -10.0, eps: float = 10.0, h: int = 0, phi: float = 0.0, reach: float = 30.0):
        super().__init__()
        self.reach = reach
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
        phi, first, second = plots.log_ratio_terms(eps, w, h, self.reach)
        self.lines["first"].set_ydata(first)
        self.lines["second"].set_ydata(second)
        self.lines["total"].set_ydata(first + second)
        self.lines["switch_first"].set_xdata([-w / 2 + h * w] * 2)
        self.lines["switch_second"].set_xdata([-eps - w / 2 + h * w] * 2)
        value = float(CORRECTIONS["exact"].from_state(np.array(phi_mark), float(h), eps, w))
        self.marker.set_data([phi_mark], [value])
        self.ax.set_ylim(-abs(w) * 1.1 - 0.1, abs(w) * 1.1 + 0.1)
        self.readout.value = (f"At φ<sup>A</sup> = {phi_mark:.2f} (h<sub>j</sub> = {h}): correction C = "
                              f"<b>{value:.4f}</b>. Switching points: φ = {-w / 2 + h * w:.2f} (first term), "
                              f"{-eps - w / 2 + h * w:.2f} (second term).")
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
        self.n = n
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
            image = ax.imshow(np.zeros((n, n)), origin="lower", extent=extent, cmap=plots.DIVERGING,
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
        _, _, truth = plots.correction_grid(w, reach, h, self.n, "exact")
        _, _, approx = plots.correction_grid(w, reach, h, self.n, name)
        self.error = approx - truth
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


class ExplainingAwayApp(App):
    """Burglar (A), earthquake (B), alarm (v): watch P(burglar | alarm, earthquake) move.

    Exact probabilities update live; Gibbs estimates update on the Sample button
    (fixed seed), and everything numeric can be hidden until "Reveal" is pressed.
    """

    QUAKE_STATES = ("unknown", 0, 1)

    def __init__(self, preset: str = "strong explaining away", n_chains: int = 2000, n_sweeps: int = 40,
                 seed: int = 0):
        super().__init__()
        start = toys.ALARM_PRESETS[preset]
        self.n_chains, self.n_sweeps, self.seed = n_chains, n_sweeps, seed
        self.panel = ControlPanel(
            [Slider("w_a", r"burglar$\to$alarm $W^A$", -10.0, 12.0, 0.1, start["w_a"]),
             Slider("w_b", r"quake$\to$alarm $W^B$", -10.0, 12.0, 0.1, start["w_b"]),
             Slider("bias", "alarm bias", -12.0, 4.0, 0.1, start["bias"]),
             Slider("prior_a", "burglar prior log-odds", -6.0, 6.0, 0.1, start["prior_a"]),
             Slider("prior_b", "quake prior log-odds", -6.0, 6.0, 0.1, start["prior_b"]),
             Choice("alarm", "alarm $v$", (1, 0), 1, ("rings", "silent")),
             Choice("quake", "earthquake $h_B$", self.QUAKE_STATES, "unknown", ("unknown", "no quake", "quake"))],
            self.update, {name: dict(values) for name, values in toys.ALARM_PRESETS.items()}, label_width="190px")
        self.reveal = widgets.ToggleButton(value=True, description="Reveal", icon="eye",
                                           tooltip="Hide the numbers, ask the class to predict, then reveal")
        self.reveal.observe(lambda _: self.panel._fire(), names="value")
        self.sample_button = widgets.Button(description="Sample (Gibbs)", icon="random",
                                            tooltip=f"{n_chains} sequential Gibbs chains, fixed seed")
        self.sample_button.on_click(lambda _: self._sample_clicked())
        with plt.ioff():
            self.figure, (self.ax_bars, self.ax_trace) = plt.subplots(1, 2, figsize=(10.0, 3.8), dpi=80,
                                                                      gridspec_kw={"width_ratios": [3, 2]})
        self.conditions = ["prior", "given v", "given v,\nno quake", "given v,\nquake"]
        self.bars = self.ax_bars.bar(range(4), np.zeros(4), color="0.6")
        self.gibbs_marker = self.ax_bars.plot([1], [np.nan], "kD", ms=9, label="Gibbs estimate")[0]
        self.bar_labels = [self.ax_bars.text(k, 0, "", ha="center", va="bottom") for k in range(4)]
        self.ax_bars.set_xticks(range(4))
        self.ax_bars.set_xticklabels(self.conditions)
        self.ax_bars.set_ylim(0, 1.1)
        self.ax_bars.set_ylabel(r"$P(h_A = 1 \mid \cdot)$, burglar")
        self.ax_bars.set_xlabel("what we know")
        self.ax_bars.legend(loc="upper left", fontsize=8)
        self.trace_line = self.ax_trace.plot([], [], "k-", label="Gibbs running estimate")[0]
        self.exact_line = self.ax_trace.axhline(np.nan, color="tab:green", ls="--", label="exact")
        self.ax_trace.set_xlim(0, n_sweeps)
        self.ax_trace.set_ylim(0, 1)
        self.ax_trace.set_xlabel("Gibbs sweep")
        self.ax_trace.set_ylabel(r"estimate of $P(h_A = 1 \mid v)$")
        self.ax_trace.legend(loc="lower right", fontsize=8)
        self.figure.tight_layout()
        self.probabilities = np.zeros(4)
        self.gibbs_estimate = None
        self._sampled_for = None
        self.widget = self._layout(self.figure, [widgets.HBox([self.sample_button, self.reveal])])
        self.update(self.panel.values())

    def model(self, values: dict | None = None):
        values = values or self.panel.values()
        return toys.alarm_model(values["w_a"], values["w_b"], values["bias"], values["prior_a"], values["prior_b"])

    def exact_probabilities(self, values: dict) -> np.ndarray:
        """P(burglar = 1) under: the prior; given v; given v and no quake; given v and a quake."""
        model = self.model(values)
        prior = exact.two_cause_hidden_distribution(model).reshape(2, 2)
        post = exact.posterior(model, [float(values["alarm"])]).reshape(2, 2)  # [h_A, h_B]
        return np.array([prior[1].sum(), post[1].sum(), post[1, 0] / post[:, 0].sum(),
                         post[1, 1] / post[:, 1].sum()])

    def update(self, values: dict) -> None:
        if values != self._sampled_for:  # a Gibbs result belongs to the setting it was run at
            self.gibbs_estimate = None
            self.trace_line.set_data([], [])
        self.probabilities = self.exact_probabilities(values)
        selected = {"unknown": 1, 0: 2, 1: 3}[values["quake"]]
        shown = self.reveal.value
        for k, (bar, label, p) in enumerate(zip(self.bars, self.bar_labels, self.probabilities)):
            bar.set_height(p if shown else 0.0)
            bar.set_color("tab:red" if k == selected else "0.65")
            label.set_position((k, (p if shown else 0.0) + 0.02))
            label.set_text(f"{p:.3f}" if shown else "?")
        self.exact_line.set_ydata([self.probabilities[1]] * 2)
        self.gibbs_marker.set_data([1], [self.gibbs_estimate if (shown and self.gibbs_estimate is not None)
                                         else np.nan])
        p = self.probabilities[selected]
        what = self.conditions[selected].replace("\n", " ")
        alarm = "rings" if values["alarm"] == 1 else "is silent"
        self.readout.value = (f"The alarm {alarm}. P(burglar | {what}) = <b>{p:.3f}</b>" if shown else
                              "Predict first: will knowing about the earthquake raise or lower P(burglar)? "
                              "Then press Reveal.")
        self._draw()

    def _sample_clicked(self) -> None:
        try:
            self.sample()
        except Exception as err:
            self.panel._show_error(err)

    def sample(self) -> np.ndarray:
        """Run the chains with the fixed seed; plot the running estimate of P(h_A = 1 | v). Returns the trace."""
        values = self.panel.values()
        model = self.model(values)
        v = np.full((self.n_chains, 1), float(values["alarm"]))
        rng = np.random.default_rng(self.seed)
        h_a, h_b = model.sample_posterior(v, 0, rng=rng)
        running, total = [], 0.0
        for sweep in range(1, self.n_sweeps + 1):
            h_a, h_b = model.sample_posterior(v, 1, h_a=h_a, h_b=h_b, rng=rng)
            total += h_a[:, 0].mean()
            running.append(total / sweep)
        trace = np.array(running)
        self.gibbs_estimate = float(trace[-1])
        self._sampled_for = values
        self.update(values)
        self.trace_line.set_data(np.arange(1, self.n_sweeps + 1), trace)
        self._draw()
        return trace


def sampler_bias_figure(model, v, n_chains: int = 20000, n_sweeps: int = 50, seed: int = 0) -> tuple[Figure, dict]:
    """Bars of the exact posterior against sequential and parallel Gibbs (sampled and exact-kernel)."""
    post = exact.posterior(model, v)
    pi_parallel = exact.sampler_stationary_distribution(model, v, "exact", "parallel")
    v_batch = np.tile(np.asarray(v, dtype=float), (n_chains, 1))
    n_states = post.size
    results = {"exact posterior": post, "parallel: exact kernel": pi_parallel}
    for schedule in ("sequential", "parallel"):
        h_a, h_b = model.sample_posterior(v_batch, n_sweeps, schedule=schedule, rng=seed)
        results[f"{schedule}: sampled"] = stats.counts(exact.state_index(np.hstack([h_a, h_b])), n_states) / n_chains
    h_a, h_b = exact.two_cause_hidden_states(model)
    labels = ["".join(str(int(x)) for x in a) + "|" + "".join(str(int(x)) for x in b) for a, b in zip(h_a, h_b)]
    fig, ax = plt.subplots(figsize=(11, 4.2), dpi=80, layout="constrained")
    order = ["exact posterior", "sequential: sampled", "parallel: sampled", "parallel: exact kernel"]
    plots.draw_distribution_bars(ax, labels, {k: results[k] for k in order}, xlabel=r"state $h^A | h^B$")
    ax.set_title(f"v = {np.asarray(v).astype(int).tolist()}: TV(parallel, exact) = "
                 f"{stats.total_variation(pi_parallel, post):.3f}, TV(sequential sample, exact) = "
                 f"{stats.total_variation(results['sequential: sampled'], post):.3f}")
    return fig, results


class NotesCellsExplorer(App):
    """The notes' In[4], In[5] and In[12] plots, with sliders.

    In[4]: one log-ratio term against its sigmoid approximation (gain α).
    In[5]: the whole correction against the sigmoid approximation, at fixed ε.
    In[12]: σ(φ) against its tangent φ/4 + ½ at 0.
    """

    PRESETS = {"as in the notes: W = -10, ε = 10": {"w": -10.0, "eps": 10.0, "use_gain": True}}

    def __init__(self, w: float = -10.0, eps: float = 10.0, use_gain: bool = True, reach: float = 30.0):
        super().__init__()
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
        ax12.plot(x, 1 / (1 + np.exp(-x)), "k", label=r"$\sigma(\phi)$")
        ax12.plot(x, x / 4 + 0.5, "r", label=r"$\phi/4 + 1/2$")
        ax12.set_title("In[12]: σ and its tangent at 0")
        ax12.set_xlabel(r"$\phi$")
        ax12.set_ylabel(r"$\sigma(\phi)$")
        ax12.legend(fontsize=7)
        self.widget = self._layout(self.figure)
        self.update(self.panel.values())

    def update(self, values: dict) -> None:
        from . import corrections

        w, eps, use_gain = values["w"], values["eps"], values["use_gain"]
        alpha = float(corrections.gain(w)) if use_gain else 1.0
        phi = self.phi
        term = plots.log_ratio_terms(0.0, w, 0.0, phi[-1], phi.size)[1]
        self.lines["in4_true"].set_ydata(term)
        self.lines["in4_approx"].set_ydata(-w / (1 + np.exp(np.clip(alpha * (phi + w / 2), -700, 700))))
        truth = corrections.exact(phi, eps, w)
        approx = corrections.sigmoid(phi, eps, w, gain=use_gain)
        self.lines["in5_true"].set_ydata(truth)
        self.lines["in5_approx"].set_ydata(approx)
        for ax in self.axes[:2]:
            ax.set_ylim(-abs(w) * 1.1 - 0.1, abs(w) * 1.1 + 0.1)
        self.readout.value = (f"α = {alpha:.6f}; max |approximation − exact| on this cut: "
                              f"<b>{np.abs(approx - truth).max():.4f}</b>")
        self._draw()
