"""The classroom app: explaining away, predict then reveal, on a projector (``make present``).

:class:`ClassroomApp` has two views. :class:`ExplainingAwayApp` (burglar,
earthquake, alarm) hides every answer until "Show answers" is pressed and
animates a Gibbs chain for the selected condition. :class:`WhyParallelView`
steps through one sweep of the sequential and of the layer-at-once sampler on
the smallest model where the latter is wrong.

The figures are plain Agg figures shown as PNG images, sized for a
1280×720 projector with text of at least 14 pt; the numbers come from
:mod:`orbm_explore.explore`.
"""

from __future__ import annotations

import asyncio
import base64
import io
import numbers
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import imsave

from .. import exact, explore, stats, toys
from .kit import Choice, ControlPanel, Slider, figure_png

__all__ = ["ExplainingAwayApp", "WhyParallelView", "ClassroomApp", "CLASSROOM_CSS"]

FONT = 15  # points; at 96 dpi shown 1:1 this is 15 pt on the page
DPI = 96
HIDDEN_COLOUR = "#b00020"
SHOWN_COLOUR = "#1b5e20"

CLASSROOM_CSS = """
<style>
.orbm-classroom { --jp-widgets-font-size: 14pt; --jp-widgets-inline-height: 34px;
  --jp-widgets-inline-label-width: 150px; font-size: 14pt; }
.orbm-classroom .widget-label, .orbm-classroom .widget-html-content, .orbm-classroom input,
.orbm-classroom select, .orbm-classroom button, .orbm-classroom .widget-readout {
  font-size: 14pt !important; }
.orbm-classroom .widget-html-content { line-height: 1.3; }
.orbm-classroom .orbm-state { font-weight: bold; padding: 0 10px; border-radius: 4px; color: white; }
.orbm-classroom .orbm-title { font-size: 16pt !important; font-weight: bold; }
.orbm-classroom .widget-toggle-buttons .widget-toggle-button { font-size: 14pt !important; }
</style>
"""


def _check_positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _buffer_png(canvas: FigureCanvasAgg) -> bytes:
    """PNG bytes of what is in an Agg canvas now (no redraw), fast compression."""
    buffer = io.BytesIO()
    imsave(buffer, np.asarray(canvas.buffer_rgba()), format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _png_view(figure: Figure) -> widgets.Image:
    """An image widget showing the figure's pixels 1:1, so figure text keeps its point size on the page."""
    width, height = (int(round(x)) for x in figure.get_size_inches() * figure.dpi)
    return widgets.Image(format="png", layout=widgets.Layout(width=f"{width}px", height=f"{height}px",
                                                             min_width=f"{width}px"))


class _PngApp:
    """Shared display logic: the live widget plus a PNG of the figure, in one bundle."""

    widget: widgets.Widget

    def static_png(self) -> bytes:
        """PNG bytes of the figure as it is now."""
        raise NotImplementedError

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = dict(self.widget._repr_mimebundle_() or {})
        bundle["image/png"] = base64.b64encode(self.static_png()).decode("ascii")
        bundle["text/plain"] = f"<{type(self).__name__}: an interactive app; static image attached>"
        return bundle


class ExplainingAwayApp(_PngApp):
    """Burglar (A), earthquake (B), alarm (v): predict P(burglar | ...) before it is shown.

    Parameters
    ----------
    preset : name in :data:`orbm_explore.toys.ALARM_PRESETS`.
    n_chains : chains run when Sample is pressed (the chains control offers 1, 20 and 200 too).
    n_sweeps : sweeps per chain, after 10 warm-up sweeps.
    seed : fixed seed: the same setting gives the same picture every time.
    answers_shown : start with the answers shown (self-study) or hidden (class).
    """

    CHAIN_OPTIONS = (1, 20, 200)
    CONDITION_LABELS = ("prior", "alarm", "alarm,\nno quake", "alarm,\nquake")

    def __init__(self, preset: str = "strong explaining away", n_chains: int = 1, n_sweeps: int = 200,
                 seed: int = 0, answers_shown: bool = False, animate: bool = True):
        if preset not in toys.ALARM_PRESETS:
            raise ValueError(f"preset must be one of {list(toys.ALARM_PRESETS)}, got {preset!r}")
        self.n_chains = _check_positive_int(n_chains, "n_chains")
        self.n_sweeps = _check_positive_int(n_sweeps, "n_sweeps")
        if self.n_sweeps < 2:
            raise ValueError("n_sweeps must be at least 2 (a one-chain standard error needs two batches), "
                             f"got {n_sweeps!r}")
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
            raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
        self.seed, self.animate = int(seed), animate
        start = toys.ALARM_PRESETS[preset]
        self.panel = ControlPanel(
            [Slider("w_a", "burglar → alarm", -10.0, 12.0, 0.1, start["w_a"]),
             Slider("w_b", "quake → alarm", -10.0, 12.0, 0.1, start["w_b"]),
             Slider("bias", "alarm bias", -12.0, 4.0, 0.1, start["bias"]),
             Slider("prior_a", "burglar prior", -6.0, 6.0, 0.1, start["prior_a"]),
             Slider("prior_b", "quake prior", -6.0, 6.0, 0.1, start["prior_b"]),
             Choice("alarm", "alarm", (1, 0), 1, ("rings", "silent")),
             Choice("quake", "we know", explore.QUAKE_STATES, "unknown", ("alarm only", "no quake", "quake"))],
            self.update, {name: dict(values) for name, values in toys.ALARM_PRESETS.items()},
            label_width="150px", slider_width="150px", box_width="80px")
        self.answers = widgets.ToggleButton(value=bool(answers_shown), layout=widgets.Layout(width="190px"))
        self.state_label = widgets.HTML()
        self.answers.observe(lambda _: self._answers_toggled(), names="value")
        self.guess = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="class guess",
                                         readout_format=".0%", continuous_update=True,
                                         style={"description_width": "150px"},
                                         layout=widgets.Layout(width="390px"))
        self.guess.observe(lambda _: self._redraw_guarded(), names="value")
        self.chains = widgets.ToggleButtons(options=[(f"{k} chain" + ("s" if k > 1 else ""), k)
                                                     for k in sorted({*self.CHAIN_OPTIONS, self.n_chains})],
                                            value=self.n_chains, style={"button_width": "auto"})
        self.sample_button = widgets.Button(description="Sample", button_style="primary",
                                            tooltip="Run Gibbs chains for the selected condition",
                                            layout=widgets.Layout(width="110px"))
        self.sample_button.on_click(lambda _: self._sample_clicked())
        self.readout = widgets.HTML()
        self.probabilities = np.zeros(4)
        self.run: explore.ChainRun | None = None
        self.frame = 0
        self._sampled_for = None
        self._task = None
        self._build_figure()
        self.view = _png_view(self.figure)
        controls = widgets.VBox([self.panel.preset_row, *self.panel.rows.values(), self.guess,
                                 widgets.HBox([self.sample_button, self.chains]), self.panel.state_row,
                                 self.panel.error_area],
                                layout=widgets.Layout(width="450px", min_width="450px"))
        self.panel.reset_button.layout.width = "auto"
        self.header = widgets.HBox([self.state_label, self.answers],
                                   layout=widgets.Layout(align_items="center"))
        self.main = widgets.HBox([controls, widgets.VBox([self.view, self.readout],
                                                         layout=widgets.Layout(flex="1 1 auto"))])
        self.widget = widgets.VBox([self.header, self.main])
        self._answers_toggled(draw=False)
        self.update(self.panel.values())

    # -- figure -------------------------------------------------------------------
    def _build_figure(self) -> None:
        fig = Figure(figsize=(8.0, 5.6), dpi=DPI, layout="constrained")
        grid = fig.add_gridspec(2, 2, width_ratios=[1.2, 1], height_ratios=[3.2, 1])
        ax_bars = fig.add_subplot(grid[:, 0])
        ax_trace = fig.add_subplot(grid[0, 1])
        ax_chain = fig.add_subplot(grid[1, 1], sharex=ax_trace)
        self.figure, self.ax_bars, self.ax_trace, self.ax_chain = fig, ax_bars, ax_trace, ax_chain
        self.bars = ax_bars.bar(range(4), np.zeros(4), color="0.65", width=0.7)
        self.bar_labels = [ax_bars.text(k, 0, "", ha="center", va="bottom", fontsize=FONT) for k in range(4)]
        self.question_marks = [ax_bars.text(k, 0.45, "?", ha="center", va="center", fontsize=40, color="0.55")
                               for k in range(4)]
        self.guess_line = ax_bars.plot([], [], color="tab:blue", lw=4, solid_capstyle="butt")[0]
        self.sample_marker = ax_bars.plot([], [], "kD", ms=10)[0]
        ax_bars.legend([self.guess_line, ax_bars.plot([], [], "kD", ms=10)[0]], ["class guess", "sampler"],
                       loc="upper left", fontsize=FONT - 1, frameon=False)
        ax_bars.set_xticks(range(4), self.CONDITION_LABELS, fontsize=FONT - 1)
        self._labels_for_alarm = 1
        ax_bars.set_xlim(-0.6, 3.6)
        ax_bars.set_ylim(0, 1.22)
        ax_bars.set_yticks(np.linspace(0, 1, 6))
        ax_bars.set_ylabel("P(burglar | what we know)", fontsize=FONT)
        ax_bars.tick_params(labelsize=FONT - 1)
        ax_bars.set_title("burglar, earthquake, alarm", fontsize=FONT + 1)
        self.running_line = ax_trace.plot([], [], color="k", lw=2, label="running estimate")[0]
        self.exact_line = ax_trace.axhline(0.5, color="tab:green", ls="--", lw=2.5, label="exact")
        ax_trace.legend(loc="upper right", fontsize=FONT - 1, frameon=False)
        ax_trace.set_ylim(0, 1)
        ax_trace.set_xlim(0, self.n_sweeps)
        ax_trace.set_ylabel("estimate", fontsize=FONT)
        ax_trace.tick_params(labelsize=FONT - 1, labelbottom=False)
        self.trace_title = ax_trace.set_title("", fontsize=FONT)
        self.chain_image = ax_chain.imshow(np.full((2, self.n_sweeps), np.nan), aspect="auto", cmap="Greys",
                                           vmin=-0.3, vmax=1.0, interpolation="nearest",
                                           extent=(0.5, self.n_sweeps + 0.5, 1.5, -0.5))
        ax_chain.set_yticks([0, 1], ["burglar", "quake"], fontsize=FONT - 1)
        ax_chain.set_xlabel("sweep (chain 1; dark = on)", fontsize=FONT - 1)
        ax_chain.tick_params(labelsize=FONT - 1)
        # Everything that shows a probability under question: hidden while answers are hidden.
        self.answer_artists = [*self.bars, *self.bar_labels, self.sample_marker, self.running_line,
                               self.exact_line]

        self.dynamic = [self.running_line, self.chain_image, self.sample_marker]  # what a frame changes
        self.canvas = FigureCanvasAgg(fig)
        self._background = None

    def static_png(self) -> bytes:
        if self._background is None:
            self._render()
        return _buffer_png(self.canvas)

    def _render(self, frame_only: bool = False) -> None:
        """Draw the figure into the canvas; a frame redraws only the chain's artists over a cached background."""
        if not frame_only or self._background is None:
            for artist in self.dynamic:
                artist.set_animated(True)
            self.canvas.draw()
            if self.figure.get_layout_engine() is not None:  # the layout is fixed after the first draw
                self.figure.set_layout_engine("none")
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        else:
            self.canvas.restore_region(self._background)
        for artist in self.dynamic:
            self.figure.draw_artist(artist)
        self.view.value = _buffer_png(self.canvas)

    # -- state ----------------------------------------------------------------------
    @property
    def answers_shown(self) -> bool:
        return bool(self.answers.value)

    def model(self, values: dict | None = None):
        values = values or self.panel.values()
        return toys.alarm_model(values["w_a"], values["w_b"], values["bias"], values["prior_a"], values["prior_b"])

    def exact_probabilities(self, values: dict) -> np.ndarray:
        """P(burglar = 1) under: the prior; given v; given v and no quake; given v and a quake. Shape (4,)."""
        return explore.alarm_probabilities(self.model(values), values["alarm"])

    @property
    def selected(self) -> int:
        return explore.condition_index(self.panel.values()["quake"])

    @property
    def gibbs_estimate(self) -> float | None:
        """The last run's estimate for the condition it was run at (None if none, or the setting changed)."""
        return None if self.run is None else self.run.estimate

    # -- callbacks ------------------------------------------------------------------
    def _answers_toggled(self, draw: bool = True) -> None:
        shown = self.answers_shown
        self.answers.description = "Hide answers" if shown else "Show answers"
        self.answers.button_style = "" if shown else "warning"
        colour = SHOWN_COLOUR if shown else HIDDEN_COLOUR
        self.state_label.value = (f"<span class='orbm-state' style='background:{colour}'>"
                                  f"{'Answers shown' if shown else 'Answers hidden'}</span>")
        if draw:
            self._redraw_guarded()

    def _redraw_guarded(self) -> None:
        try:
            self.redraw()
        except Exception as err:
            self.panel.show_error(err)

    def update(self, values: dict) -> None:
        """A setting changed: recompute the exact answers, drop a run made at another setting, redraw."""
        if values != self._sampled_for:
            self._cancel_animation()
            self.run = None
            self.frame = 0
        self.probabilities = self.exact_probabilities(values)
        self.redraw()

    def redraw(self, frame_only: bool = False) -> None:
        """Update every artist and the readout; ``frame_only`` (during an animation) repaints only the chain."""
        values = self.panel.values()
        shown, selected, p = self.answers_shown, self.selected, self.probabilities
        for k, (bar, label, mark) in enumerate(zip(self.bars, self.bar_labels, self.question_marks)):
            bar.set_height(p[k])
            bar.set_color("tab:red" if k == selected else "0.65")
            label.set_position((k, p[k] + 0.015))
            label.set_text(f"{p[k]:.3f}")
            mark.set_visible(not shown)
            mark.set_color(HIDDEN_COLOUR if k == selected else "0.6")
        guess = self.guess.value
        self.guess_line.set_data([selected - 0.45, selected + 0.45], [guess, guess])
        self.exact_line.set_ydata([p[selected]] * 2)
        alarm_word = "alarm" if values["alarm"] == 1 else "no alarm"
        if values["alarm"] != self._labels_for_alarm:  # the conditions' names follow the alarm
            self._labels_for_alarm = values["alarm"]
            self.ax_bars.set_xticks(range(4), [label.replace("alarm", alarm_word) if k else label
                                               for k, label in enumerate(self.CONDITION_LABELS)],
                                    fontsize=FONT - 1)
        what = {1: f"the {alarm_word}" if values["alarm"] == 1 else "no alarm",
                2: f"{alarm_word}, no quake", 3: f"{alarm_word}, quake"}[selected]
        self.trace_title.set_text(f"sampler, given {what}")
        self._draw_run()
        for artist in self.answer_artists:
            artist.set_visible(shown and (artist is not self.sample_marker or self.run is not None)
                               and (artist is not self.running_line or self.run is not None))
        alarm = "rings" if values["alarm"] == 1 else "is silent"
        if shown:
            text = (f"The alarm {alarm}. P(burglar | {what}) = <b>{p[selected]:.3f}</b>; "
                    f"the class guessed {guess:.0%}.")
            if self.run is not None:
                done = self.frame
                text += (f" Sampler: <b>{self.run.running[done - 1]:.4f}</b>"
                         + (f" ± {self.run.standard_error:.4f} (1 s.e.)" if done == self.n_sweeps else "")
                         + f" after {done} of {self.n_sweeps} sweeps, {self.run.h_a.shape[1]} chain"
                         + ("s." if self.run.h_a.shape[1] > 1 else "."))
        else:
            text = ("Predict first: given what we know, is the burglar more or less likely than before? "
                    "Set the class guess, then Show answers.")
            if self.run is not None:
                text += f" The chain has run {self.frame} sweeps."
        self.readout.value = text
        self._render(frame_only)

    def _draw_run(self) -> None:
        n = self.n_sweeps
        if self.run is None:
            self.running_line.set_data([], [])
            self.chain_image.set_data(np.full((2, n), np.nan))
            self.sample_marker.set_data([], [])
            return
        t = self.frame
        self.running_line.set_data(np.arange(1, t + 1), self.run.running[:t])
        strip = np.full((2, n), np.nan)
        strip[0, :t] = self.run.h_a[:t, 0]
        strip[1, :t] = self.run.h_b[:t, 0]
        self.chain_image.set_data(strip)
        self.sample_marker.set_data([self._run_condition + 0.42], [self.run.running[t - 1]])

    # -- sampling ---------------------------------------------------------------------
    def _sample_clicked(self) -> None:
        try:
            self.sample(animate=self.animate)
        except Exception as err:
            self.panel.show_error(err)

    def sample(self, animate: bool = False) -> np.ndarray:
        """Run the chains for the selected condition (fixed seed); returns the running estimate, (n_sweeps,).

        With ``animate`` and a running event loop (JupyterLab, Voilà) the
        chain is drawn sweep by sweep; otherwise the last frame is drawn.
        """
        self._cancel_animation()
        values = self.panel.values()
        self.run = explore.watch_chains(self.model(values), values["alarm"], values["quake"],
                                        n_chains=self.chains.value, n_sweeps=self.n_sweeps, seed=self.seed)
        self._run_condition = self.selected
        self._sampled_for = values
        frames = self._frames()
        loop = None
        if animate:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
        if loop is None:
            self.frame = self.n_sweeps
            self.redraw()
        else:
            self._task = loop.create_task(self._animate(frames))
        return self.run.running

    def _frames(self) -> list[int]:
        """Sweeps to draw: one at a time for the first 20, then in steps so a run takes a few seconds."""
        n = self.n_sweeps
        frames = list(range(1, min(n, 20) + 1))
        step = max(1, (n - 20) // 40)
        frames += list(range(20 + step, n + 1, step))
        if frames[-1] != n:
            frames.append(n)
        return frames

    async def _animate(self, frames: list[int], interval: float = 0.06) -> None:
        try:
            for t in frames:
                start = time.perf_counter()
                self.frame = t
                self.redraw(frame_only=t != frames[0])
                await asyncio.sleep(max(0.0, interval - (time.perf_counter() - start)))
        except Exception as err:  # shown, never lost in a task
            self.panel.show_error(err)

    def _cancel_animation(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    @property
    def animating(self) -> bool:
        return self._task is not None and not self._task.done()


class WhyParallelView(_PngApp):
    """Why a layer-at-once sampler is wrong: one sweep, step by step, on 8 joint states.

    The model is :func:`orbm_explore.toys.two_unit_cause_model` given v = (1, 0).
    Left: the sequential sampler (A1, then A2 given the new A1, then B1).
    Right: the parallel one (A1 and A2 at once from the old state, then B1).
    Nodes are the joint states h^A|h^B, their area the chain's law; arrows show
    where the law moves in this step, labelled with the transition probability.
    The bars compare both laws with the exact posterior; at the end they are
    the samplers' stationary laws.
    """

    CLOCK = ("A1", "A2", "B1")  # the sweep's clock: the parallel sampler does A1 and A2 together at "A1"
    END_SWEEPS = 60

    def __init__(self, weight: float = 4.0, start: str = "00|1"):
        self.model = toys.two_unit_cause_model(weight)
        self.v = np.array([1.0, 0.0])
        self.labels = explore.state_labels(self.model)
        if start not in self.labels:
            raise ValueError(f"start must be one of {self.labels}, got {start!r}")
        self.start = np.eye(len(self.labels))[self.labels.index(start)]
        self.steps = {s: explore.sweep_steps(self.model, self.v, s) for s in ("sequential", "parallel")}
        self.posterior = exact.posterior(self.model, self.v)
        self.stationary = {s: exact.sampler_stationary_distribution(self.model, self.v, "exact", s)
                           for s in ("sequential", "parallel")}
        self.clock = 0  # steps of the sequential sampler taken so far
        self.next_button = widgets.Button(description="Next step", button_style="primary")
        self.back_button = widgets.Button(description="Back")
        self.restart_button = widgets.Button(description="Restart")
        self.end_button = widgets.Button(description=f"Run {self.END_SWEEPS} sweeps",
                                         layout=widgets.Layout(width="auto"))
        self.next_button.on_click(lambda _: self.go(self.clock + 1))
        self.back_button.on_click(lambda _: self.go(max(0, self.clock - 1)))
        self.restart_button.on_click(lambda _: self.go(0))
        self.end_button.on_click(lambda _: self.go(3 * self.END_SWEEPS))
        self.readout = widgets.HTML()
        self.error_area = widgets.HTML()
        self._build_figure()
        self.view = _png_view(self.figure)
        buttons = widgets.HBox([self.next_button, self.back_button, self.restart_button, self.end_button])
        self.widget = widgets.VBox([buttons, widgets.HBox([self.view, self.readout]), self.error_area])
        self.readout.layout = widgets.Layout(width="400px")
        self.go(0)

    # -- numbers ----------------------------------------------------------------------
    def parallel_steps_done(self, clock: int) -> int:
        """Parallel steps taken when the sequential sampler has taken ``clock`` steps (A1 and A2 together)."""
        sweeps, within = divmod(clock, 3)
        return 2 * sweeps + (0 if within == 0 else 1)

    def laws(self, clock: int) -> dict[str, np.ndarray]:
        """Both chains' laws after ``clock`` sequential steps (and the matching parallel steps)."""
        seq = explore._law_after_steps(self.start, self.steps["sequential"], clock)[-1]
        par = explore._law_after_steps(self.start, self.steps["parallel"], self.parallel_steps_done(clock))[-1]
        return {"sequential": seq, "parallel": par}

    def current_steps(self, clock: int):
        """The step each sampler takes to reach ``clock`` (None where it waits), with the law before it."""
        if clock == 0:
            return None, None
        seq_step = self.steps["sequential"][(clock - 1) % 3]
        within = (clock - 1) % 3
        par_step = None if within == 1 else self.steps["parallel"][0 if within == 0 else 1]
        return seq_step, par_step

    # -- figure -----------------------------------------------------------------------
    def _positions(self) -> np.ndarray:
        """Node positions: A's four states on a square, one square per state of B."""
        h_a, h_b = exact.two_cause_hidden_states(self.model)
        return np.column_stack([1.3 * h_a[:, 0] + 2.9 * h_b[:, 0], 1.1 * h_a[:, 1]])

    def _build_figure(self) -> None:
        fig = Figure(figsize=(8.4, 5.8), dpi=DPI, layout="constrained")
        grid = fig.add_gridspec(2, 2, height_ratios=[1.5, 1])
        self.ax_nodes = [fig.add_subplot(grid[0, k]) for k in range(2)]
        self.ax_bars = fig.add_subplot(grid[1, :])
        self.figure = fig
        self.pos = self._positions()

    def _draw_nodes(self, ax, law, step, previous_law, title) -> None:
        ax.clear()
        ax.set_xlim(-0.45, 4.65)
        ax.set_ylim(-0.55, 1.85)
        ax.axis("off")
        ax.set_title(title, fontsize=FONT)
        for b, x0 in ((0, 0.65), (1, 3.55)):
            ax.text(x0, 1.72, f"B1 = {b}", ha="center", va="center", fontsize=FONT - 1, color="0.35")
        if step is not None:
            flow = previous_law[:, None] * step.matrix
            for s in range(len(law)):
                for t in range(len(law)):
                    if s == t or flow[s, t] < 0.01:
                        continue
                    (x0, y0), (x1, y1) = self.pos[s], self.pos[t]
                    ax.annotate("", (x1, y1), (x0, y0),
                                arrowprops=dict(arrowstyle="-|>", lw=1 + 10 * flow[s, t], color="tab:orange",
                                                shrinkA=14, shrinkB=14, mutation_scale=18,
                                                connectionstyle="arc3,rad=0.12"))
                    ax.text((x0 + x1) / 2 + 0.12 * (y1 - y0), (y0 + y1) / 2 - 0.12 * (x1 - x0) + 0.02,
                            f"{step.matrix[s, t]:.2f}", fontsize=FONT - 1, ha="center", va="center",
                            color="#8a4b00", bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
        posterior_colour = "tab:green"
        for s, (x, y) in enumerate(self.pos):
            ax.scatter([x], [y], s=40 + 2200 * law[s], color="tab:blue", alpha=0.85, zorder=3)
            ax.scatter([x], [y], s=40 + 2200 * self.posterior[s], facecolor="none", edgecolor=posterior_colour,
                       lw=1.5, ls="--", zorder=4)
            ax.text(x, y + (0.32 if y > 0 else -0.32), self.labels[s].split("|")[0], ha="center", va="center",
                    fontsize=FONT - 1, zorder=5, fontweight="bold")

    def go(self, clock: int) -> None:
        """Show the chains after ``clock`` steps of the sequential sampler (three per sweep)."""
        try:
            self._go(clock)
        except Exception as err:
            self.error_area.value = f"<b style='color:#b00'>Error:</b> {type(err).__name__}: {err}"
            raise

    def _go(self, clock: int) -> None:
        self.clock = clock
        laws = self.laws(clock)
        before = self.laws(clock - 1) if clock > 0 else laws
        # the parallel chain's law before *its* step: it waits at the A2 tick
        par_before = explore._law_after_steps(self.start, self.steps["parallel"],
                                             max(0, self.parallel_steps_done(clock) - 1))[-1]
        seq_step, par_step = self.current_steps(clock) if clock <= 3 * 3 else (None, None)
        sweeps, within = divmod(clock, 3)
        at_end = clock >= 3 * self.END_SWEEPS
        if clock == 0:
            when = "start: the chain is in state 00|1"
        elif at_end:
            when = f"after {sweeps} sweeps"
        else:
            when = f"sweep {sweeps + (within > 0)}, step {within or 3}"
        seq_title = "sequential: " + (seq_step.label if seq_step is not None else when)
        if par_step is not None:
            par_title = "parallel: " + par_step.label.replace(" (A1, A2 at once)", ": A1, A2 at once")
        elif clock > 0 and not at_end and clock <= 9:
            par_title = "parallel: waits (A done)"
        else:
            par_title = "parallel: " + when
        self._draw_nodes(self.ax_nodes[0], laws["sequential"], seq_step, before["sequential"], seq_title)
        self._draw_nodes(self.ax_nodes[1], laws["parallel"], par_step, par_before, par_title)
        ax = self.ax_bars
        ax.clear()
        series = {"exact posterior": self.posterior, "sequential chain": laws["sequential"],
                  "parallel chain": laws["parallel"]}
        colours = ("tab:green", "tab:blue", "tab:orange")
        x = np.arange(len(self.labels))
        for k, ((name, values), colour) in enumerate(zip(series.items(), colours)):
            ax.bar(x + (k - 1) * 0.27, values, 0.27, label=name, color=colour)
        if at_end:
            for k, schedule in ((1, "sequential"), (2, "parallel")):
                ax.plot(x + (k - 1) * 0.27, self.stationary[schedule], "k_", ms=16, mew=2.5,
                        label="stationary law" if k == 1 else None)
        ax.set_xticks(x, self.labels, fontsize=FONT - 1)
        ax.set_ylim(0, 1.0)
        ax.set_ylabel("probability", fontsize=FONT)
        ax.set_xlabel(r"joint state $h^A | h^B$ (given v = 10)", fontsize=FONT - 1)
        ax.tick_params(labelsize=FONT - 1)
        ax.legend(fontsize=FONT - 1, ncol=2, loc="upper left", frameon=False)
        tv = {s: stats.total_variation(laws[s], self.posterior) for s in laws}
        self.readout.value = self._explain(clock, at_end, tv)
        self.view.value = self.static_png()
        self.back_button.disabled = clock == 0

    def _explain(self, clock: int, at_end: bool, tv: dict) -> str:
        within = clock % 3
        if clock == 0:
            text = ("Both chains start in <b>00|1</b>: cause A's units both off. Given v = 10, exactly one of "
                    "A's units should be on: they are <b>coupled</b>.")
        elif at_end:
            text = (f"After {clock // 3} sweeps each chain sits at its stationary law (black marks). "
                    f"Sequential: TV to the posterior {stats.total_variation(self.stationary['sequential'], self.posterior):.3f}. "
                    f"Parallel: {stats.total_variation(self.stationary['parallel'], self.posterior):.3f}: "
                    "it converges, to the wrong law, with extra mass on 00|1 and 11|1.")
        elif within == 1:
            text = ("Sequential updates A1 given A2. Parallel updates A1 <b>and</b> A2 at once, each seeing the "
                    "other's <b>old</b> value: from 00 both switch on, a jump to 11 (diagonal arrows).")
        elif within == 2:
            text = ("Sequential now updates A2 given the <b>new</b> A1: it respects the coupling. "
                    "Parallel has nothing left to do for A.")
        else:
            text = "Both update B1 given A. Press Next step for another sweep, or run many sweeps."
        return (f"<div style='font-size:14pt'>{text}<br><br>Total variation to the exact posterior now: "
                f"sequential {tv['sequential']:.3f}, parallel {tv['parallel']:.3f}.<br><br>"
                "<span style='color:#2e7d32'>Dashed rings: exact posterior.</span></div>")

    def static_png(self) -> bytes:
        return figure_png(self.figure)


class ClassroomApp(_PngApp):
    """The page ``make present`` serves: two views, sized for a 1280×720 projector.

    Parameters are passed to :class:`ExplainingAwayApp` (``preset``,
    ``n_chains``, ``n_sweeps``, ``seed``, ``answers_shown``).
    """

    VIEWS = ("Explaining away", "Why parallel is wrong")

    def __init__(self, **kwargs):
        self.explaining = ExplainingAwayApp(**kwargs)
        self.why = WhyParallelView()
        self.view_choice = widgets.ToggleButtons(options=self.VIEWS, value=self.VIEWS[0],
                                                 style={"button_width": "auto"})
        self.view_choice.observe(lambda _: self._switch(), names="value")
        title = widgets.HTML("<span class='orbm-title'>oRBM in class</span>",
                             layout=widgets.Layout(margin="0 16px 0 0"))
        header = widgets.HBox([title, self.view_choice, widgets.HBox(layout=widgets.Layout(flex="1 1 auto")),
                               self.explaining.header],
                              layout=widgets.Layout(align_items="center", margin="0 0 6px 0"))
        self.widget = widgets.VBox([widgets.HTML(CLASSROOM_CSS), header, self.explaining.main, self.why.widget])
        self.widget.add_class("orbm-classroom")
        self._switch()

    def _switch(self) -> None:
        explaining = self.view_choice.value == self.VIEWS[0]
        self.explaining.main.layout.display = "" if explaining else "none"
        self.explaining.header.layout.visibility = "visible" if explaining else "hidden"
        self.why.widget.layout.display = "none" if explaining else ""

    def static_png(self) -> bytes:
        view = self.explaining if self.view_choice.value == self.VIEWS[0] else self.why
        return view.static_png()
