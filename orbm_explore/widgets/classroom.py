"""The classroom app: explaining away, predict then reveal, on a projector (``make present``).

:class:`ClassroomApp` has two views. :class:`ExplainingAwayApp` (burglar,
earthquake, alarm) asks one question at a time: the class guesses the
selected condition, the lecturer reveals that answer alone, then moves on;
every guess is kept and drawn beside its bar. It animates a Gibbs chain for
the selected condition and, once every answer is out, shows the 2×2 tables
P(burglar, quake) before and after the evidence. :class:`WhyParallelView`
steps through one sweep of the sequential and of the layer-at-once sampler on
the smallest model where the latter is wrong.

The figures are Agg figures shown as PNG images that the page scales to the
room it has (CSS: as wide as the column, as tall as the window allows), so
the same app fits a 1024×768 projector, a 1920×1080 screen and JupyterLab's
notebook column. Text is drawn at 15–16 pt at the figure's design size;
a 1024×768 page shows the figure at 0.94× or more, so at 14 pt or more. Keys (shown on the
page): Space or → next, ← back, R reveal, H hide, A reveal all, S sample,
T tables, V the other view. Colours are the Okabe–Ito palette, and every colour difference is
also a hatch, line style, marker or word. The numbers come from
:mod:`orbm_explore.explore`.
"""

from __future__ import annotations

import asyncio
import base64
import html
import io
import numbers
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import imsave

from .. import exact, explore, stats, toys
from .kit import Choice, ControlPanel, Slider

__all__ = ["ExplainingAwayApp", "WhyParallelView", "ClassroomApp", "CLASSROOM_CSS", "KEYS_HTML"]

FONT = 16  # points at the figure's design size (its size in inches x 96 CSS px)
TICK = 15  # tick labels and legends
RENDER_DPI = 144  # PNG pixels per inch: 1.5x the design size, so the picture stays sharp when scaled up
# Okabe–Ito colours (safe for the common colour-vision deficiencies)
BLUE, VERMILLION, GREEN, ORANGE, SKY = "#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9"
HIDDEN_COLOUR, SHOWN_COLOUR, PARTLY_COLOUR = "#a3001b", "#1b5e20", "#5c3d00"

# Design sizes (CSS px) of the two figures; the CSS below scales them to the space on the page.
EXPLAIN_SIZE = (600, 520)
WHY_SIZE = (760, 500)

CLASSROOM_CSS = """
<style>
.orbm-classroom { --jp-widgets-font-size: 14pt; --jp-widgets-inline-height: 30px;
  --jp-widgets-inline-label-width: 110px; font-size: 14pt; }
.orbm-classroom .widget-label, .orbm-classroom .widget-html-content, .orbm-classroom input,
.orbm-classroom select, .orbm-classroom button, .orbm-classroom .widget-readout {
  font-size: 14pt !important; }
.orbm-classroom .widget-html-content { line-height: 1.3; }
.orbm-classroom .orbm-state { font-weight: bold; padding: 0 10px; border-radius: 4px; color: white;
  white-space: nowrap; }
.orbm-classroom .orbm-title { font-size: 16pt !important; font-weight: bold; white-space: nowrap; }
.orbm-classroom .orbm-keys .widget-html-content, .orbm-classroom .orbm-keys {
  font-size: 11pt !important; color: #333; line-height: 1.2; }
.orbm-classroom .jupyter-button.mod-primary { background-color: #0b57a4; color: white; }
.orbm-classroom .jupyter-button.mod-warning { background-color: #8a3b00; color: white; }
.orbm-classroom .widget-toggle-button.mod-active { background-color: #444; color: white; }
.orbm-classroom img.orbm-fig-explain, .orbm-classroom img.orbm-fig-why {
  width: 100% !important; height: auto !important; }
/* The figure's box is sized from the room the app has (a container query: the app's own width, so the
   same rules serve a full Voilà page and JupyterLab's notebook column) and the window's height, less
   the header, the controls and the readout (beside the figure when there is room, else below). */
.orbm-classroom { container-type: inline-size; }
.orbm-classroom .orbm-figbox-explain { flex: 0 0 auto; width: min(100%, calc((100vh - 215px) * 600 / 520)); }
.orbm-classroom .orbm-readout-explain { flex: 1 1 100%; }
@container (min-width: 900px) {
  .orbm-classroom .orbm-figbox-explain { width: min(calc(100% - 430px), calc((100vh - 215px) * 600 / 520)); }
}
@container (min-width: 1200px) {
  .orbm-classroom .orbm-figbox-explain { width: min(calc(100% - 420px - 250px), calc((100vh - 118px) * 600 / 520)); }
  .orbm-classroom .orbm-readout-explain { flex: 1 1 220px; min-width: 220px; margin-left: 12px; }
}
.orbm-classroom .orbm-figbox-why { flex: 0 0 auto; width: min(100%, calc((100vh - 128px) * 760 / 500)); }
.orbm-classroom .orbm-readout-why { flex: 1 1 100%; }
@container (min-width: 900px) {
  .orbm-classroom .orbm-figbox-why { width: min(calc(100% - 260px), calc((100vh - 128px) * 760 / 500)); }
  .orbm-classroom .orbm-readout-why { flex: 1 1 220px; min-width: 220px; margin-left: 12px; }
}
.orbm-classroom .orbm-tables table { border-collapse: collapse; margin: 4px 16px 10px 0; }
.orbm-classroom .orbm-tables td, .orbm-classroom .orbm-tables th {
  border: 1px solid #555; padding: 4px 12px; text-align: center; }
</style>
"""

# Keyboard: one document listener (installed once per window) that clicks the app's own buttons, so a
# key does exactly what the button does. In JupyterLab it acts only when focus is inside the app
# (Lab's own keys stay Lab's); under Voilà it acts on the visible app. Runs from an <img> error
# handler because a widget's HTML is inserted as innerHTML, where <script> does not run.
_KEYS_JS = """(function(){
var apps = document.querySelectorAll('.orbm-classroom');
for (var i = 0; i < apps.length; i++) { if (!apps[i].hasAttribute('tabindex')) apps[i].setAttribute('tabindex', '-1'); }
if (window.__orbmClassroomKeys) return; window.__orbmClassroomKeys = true;
var visible = function(x){ return x.offsetParent !== null && !x.disabled; };
document.addEventListener('keydown', function(e){
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  var t = e.target, tag = (t && t.tagName ? t.tagName : '').toLowerCase();
  if ((tag === 'input' && t.type !== 'range') || tag === 'textarea' || tag === 'select' || (t && t.isContentEditable)) return;
  var all = Array.prototype.slice.call(document.querySelectorAll('.orbm-classroom'));
  var app = all.find(function(a){ return a.contains(document.activeElement); });
  if (!app) { if (document.querySelector('#jp-main-dock-panel, .jp-NotebookPanel')) return; app = all.find(visible); }
  if (!app) return;
  var click = function(cls){ var b = Array.prototype.slice.call(app.querySelectorAll('.' + cls)).find(visible);
    if (b) { b.click(); return true; } return false; };
  var step = function(d){ var g = Array.prototype.slice.call(app.querySelectorAll('.orbm-quake')).find(visible);
    if (!g) return false; var bs = Array.prototype.slice.call(g.querySelectorAll('button'));
    var k = bs.findIndex(function(b){ return b.classList.contains('mod-active'); }) + d;
    if (k < 0 || k >= bs.length) return true; bs[k].click(); return true; };
  var key = e.key.length === 1 ? e.key.toLowerCase() : e.key, done = false;
  if (key === ' ' || key === 'ArrowRight') done = click('orbm-key-next') || step(1);
  else if (key === 'ArrowLeft') done = click('orbm-key-back') || step(-1);
  else if (key === 'r') done = click('orbm-key-reveal');
  else if (key === 'h') done = click('orbm-key-hide');
  else if (key === 'a') done = click('orbm-key-all');
  else if (key === 's') done = click('orbm-key-sample');
  else if (key === 't') done = click('orbm-key-tables');
  else if (key === 'v') { var v = Array.prototype.slice.call(app.querySelectorAll('.orbm-views button'))
    .find(function(b){ return !b.classList.contains('mod-active'); }); if (v) { v.click(); done = true; } }
  if (done) { e.preventDefault(); e.stopPropagation();
    if (document.activeElement && document.activeElement.tagName === 'BUTTON') document.activeElement.blur(); }
}, true);
})()"""

KEYS_HTML = ("<span class='orbm-keys'>Keys: Space or → next question · ← back · R reveal this answer · "
             "H hide all · A reveal all · S sample · T 2×2 tables · V other view</span>"
             f"<img alt='' src='' style='display:none' onerror=\"{html.escape(_KEYS_JS, quote=True)}\">")
WHY_KEYS_HTML = ("<span class='orbm-keys'>Keys: Space or → next step · ← back · V other view</span>"
                 f"<img alt='' src='' style='display:none' onerror=\"{html.escape(_KEYS_JS, quote=True)}\">")

# Work a Sample may do (chains x sweeps), and what one chain-sweep costs (measured: 200 chains x
# 10,000 sweeps in 2.4 s on this project's 2-core machine).
MAX_CHAIN_SWEEPS = 2_000_000
SECONDS_PER_CHAIN_SWEEP = 1.2e-6
BYTES_PER_CHAIN_SWEEP = 2 * 8 * 2  # h_a and h_b kept (float64), with a copy while the run is assembled


def _check_positive_int(value, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _check_flag(value, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return bool(value)


def _canvas_png(canvas: FigureCanvasAgg) -> bytes:
    """PNG bytes of what is in an Agg canvas now (no redraw), fast compression."""
    buffer = io.BytesIO()
    imsave(buffer, np.asarray(canvas.buffer_rgba()), format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _png_view(css_class: str) -> widgets.Image:
    """An image widget as wide as its box, which CLASSROOM_CSS sizes from the room on the page."""
    image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", margin="0"))
    image.add_class(css_class)
    return image


def _button(description: str, key_class: str, tooltip: str, style: str = "", width: str = "auto") -> widgets.Button:
    button = widgets.Button(description=description, tooltip=tooltip, button_style=style,
                            layout=widgets.Layout(width=width))
    button.add_class(key_class)
    return button


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


def _alarm_words(alarm) -> tuple[str, str]:
    """(short, in a sentence) names of the evidence: ("alarm", "the alarm rings") or ("silence", ...)."""
    return ("alarm", "the alarm rings") if alarm == 1 else ("silence", "the alarm is silent")


class ExplainingAwayApp(_PngApp):
    """Burglar (A), earthquake (B), alarm (v): predict P(burglar | ...) before it is shown, one question at a time.

    The prior P(burglar) is given (it is set by the preset); the three
    questions are P(burglar | evidence), P(burglar | evidence, no quake) and
    P(burglar | evidence, quake), where the evidence is the alarm ringing or
    silent. "Reveal answer" shows the selected question's answer only;
    "Reveal all" shows all three; "Hide all" hides them again. The class
    guess is kept per question and drawn beside its bar. Changing the model or
    the alarm starts a new round: answers hidden, guesses cleared.

    Parameters
    ----------
    preset : name in :data:`orbm_explore.toys.ALARM_PRESETS`.
    n_chains : chains run when Sample is pressed (the chains control offers 1, 20 and 200 too).
    n_sweeps : sweeps per chain, after 10 warm-up sweeps (n_sweeps x chains is capped, see
        :data:`MAX_CHAIN_SWEEPS`).
    seed : fixed seed: the same setting gives the same picture every time.
    answers_shown : start with every answer shown (self-study) or hidden (class). A real bool.
    animate : draw a Sample sweep by sweep when an event loop runs (JupyterLab, Voilà). A real bool.
    """

    CHAIN_OPTIONS = (1, 20, 200)
    QUESTIONS = (1, 2, 3)  # condition indices the class predicts; 0, the prior, is given
    WARMUP = 10

    def __init__(self, preset: str = "strong explaining away", n_chains: int = 1, n_sweeps: int = 200,
                 seed: int = 0, answers_shown: bool = False, animate: bool = True):
        if not isinstance(preset, str) or preset not in toys.ALARM_PRESETS:
            raise ValueError(f"preset must be one of {list(toys.ALARM_PRESETS)}, got {preset!r}")
        answers_shown, self.animate = _check_flag(answers_shown, "answers_shown"), _check_flag(animate, "animate")
        self.n_chains = _check_positive_int(n_chains, "n_chains")
        self.n_sweeps = _check_positive_int(n_sweeps, "n_sweeps")
        if self.n_sweeps < 2:
            raise ValueError("n_sweeps must be at least 2 (a one-chain standard error needs two batches), "
                             f"got {n_sweeps!r}")
        chains = max(*self.CHAIN_OPTIONS, self.n_chains)
        work = chains * (self.n_sweeps + self.WARMUP)
        if work > MAX_CHAIN_SWEEPS:
            raise ValueError(
                f"n_sweeps={self.n_sweeps:,} with up to {chains:,} chains (n_chains={self.n_chains:,}) is "
                f"{work:,} chain-sweeps per Sample: about {work * SECONDS_PER_CHAIN_SWEEP:,.0f} s and "
                f"{work * BYTES_PER_CHAIN_SWEEP / 2**20:,.0f} MiB; the limit is {MAX_CHAIN_SWEEPS:,} "
                f"chain-sweeps (n_sweeps <= {MAX_CHAIN_SWEEPS // chains - self.WARMUP:,} with {chains:,} chains)")
        if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (numbers.Integral, np.integer)) or seed < 0:
            raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
        self.seed = int(seed)
        start = toys.ALARM_PRESETS[preset]
        self.panel = ControlPanel(
            [Slider("w_a", "burglar → alarm", -10.0, 12.0, 0.1, start["w_a"]),
             Slider("w_b", "quake → alarm", -10.0, 12.0, 0.1, start["w_b"]),
             Slider("bias", "alarm bias", -12.0, 4.0, 0.1, start["bias"]),
             Slider("prior_a", "burglar prior", -6.0, 6.0, 0.1, start["prior_a"]),
             Slider("prior_b", "quake prior", -6.0, 6.0, 0.1, start["prior_b"]),
             Choice("alarm", "alarm", (1, 0), 1, ("rings", "silent")),
             Choice("quake", "we know", explore.QUAKE_STATES, "unknown", self.quake_labels(1))],
            self.update, {name: dict(values) for name, values in toys.ALARM_PRESETS.items()},
            label_width="155px", slider_width="105px", box_width="80px")
        self.panel.apply_button.layout.min_width = "76px"
        self.panel.state_text.layout = widgets.Layout(flex="1 1 0", width="0", min_width="0")
        self.panel.controls["quake"].add_class("orbm-quake")
        self.revealed: set[int] = set(self.QUESTIONS) if answers_shown else set()
        self.guesses: dict[int, float] = {}
        self.reveal_button = _button("Reveal answer", "orbm-key-reveal", "Show this question's answer (key R)",
                                     "warning")
        self.hide_button = _button("Hide all", "orbm-key-hide", "Hide every answer (key H)")
        self.reveal_all_button = _button("Reveal all", "orbm-key-all", "Show all three answers (key A)")
        self.reveal_button.on_click(lambda _: self._guarded(self.reveal))
        self.hide_button.on_click(lambda _: self._guarded(self.hide))
        self.reveal_all_button.on_click(lambda _: self._guarded(self.reveal_all))
        self.state_label = widgets.HTML()
        self.guess = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="class guess",
                                         readout_format=".0%", continuous_update=True,
                                         style={"description_width": "130px"},
                                         layout=widgets.Layout(width="370px"))
        self._setting_guess = False
        self.guess.observe(lambda _: self._guess_moved(), names="value")
        self.chains = widgets.ToggleButtons(options=[(str(k), k) for k in sorted({*self.CHAIN_OPTIONS, self.n_chains})],
                                            value=self.n_chains, style={"button_width": "auto"},
                                            tooltips=[f"{k} chain" + ("s" if k > 1 else "")
                                                      for k in sorted({*self.CHAIN_OPTIONS, self.n_chains})])
        self.sample_button = _button("Sample", "orbm-key-sample", "Run Gibbs chains for this question (key S)",
                                     "primary")
        self.sample_button.on_click(lambda _: self._sample_clicked())
        self.tables_button = widgets.ToggleButton(value=False, description="2×2 tables",
                                                  tooltip="P(burglar, quake) before and after the evidence (key T)",
                                                  layout=widgets.Layout(width="auto"))
        self.tables_button.add_class("orbm-key-tables")
        self.tables_button.observe(lambda _: self._guarded(self._show_tables), names="value")
        self.tables = widgets.HTML(layout=widgets.Layout(display="none"))
        self.tables.add_class("orbm-tables")
        self.readout = widgets.HTML()
        self.probabilities = np.zeros(4)
        self.run: explore.ChainRun | None = None
        self.frame = 0
        self._sampled_for = None
        self._round = None
        self._task = None
        self._build_figure()
        self.view = _png_view("orbm-fig-explain")
        self.keys = widgets.HTML(KEYS_HTML)
        chains_label = widgets.Label("chains", layout=widgets.Layout(margin="0 4px 0 12px", flex="0 0 auto"))
        for button in (self.sample_button, self.tables_button):
            button.layout.flex = "0 0 auto"
        controls = widgets.VBox(
            [self.panel.preset_row, *self.panel.rows.values(), self.guess,
             widgets.HBox([self.reveal_button, self.hide_button, self.reveal_all_button]),
             widgets.HBox([self.sample_button, chains_label, self.chains, self.tables_button],
                          layout=widgets.Layout(flex_flow="row wrap")),  # wraps, never squeezes a label
             self.panel.state_row, self.panel.error_area, self.keys],
            layout=widgets.Layout(width="420px", min_width="420px"))
        self.controls = controls
        self.panel.reset_button.layout.width = "auto"
        self.header = widgets.HBox([self.state_label], layout=widgets.Layout(align_items="center"))
        self.figure_box = widgets.VBox([self.view, self.tables])
        self.figure_box.add_class("orbm-figbox-explain")
        self.readout.add_class("orbm-readout-explain")
        self.main = widgets.HBox([controls, self.figure_box, self.readout], layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox([self.header, self.main])
        self.update(self.panel.values())

    # -- figure -------------------------------------------------------------------
    def _build_figure(self) -> None:
        width, height = EXPLAIN_SIZE
        fig = Figure(figsize=(width / 96, height / 96), dpi=RENDER_DPI, layout="constrained")
        grid = fig.add_gridspec(3, 1, height_ratios=[2.6, 1.3, 0.8])
        ax_bars = fig.add_subplot(grid[0])
        ax_trace = fig.add_subplot(grid[1])
        ax_chain = fig.add_subplot(grid[2], sharex=ax_trace)
        self.figure, self.ax_bars, self.ax_trace, self.ax_chain = fig, ax_bars, ax_trace, ax_chain
        self.bars = ax_bars.bar(range(4), np.zeros(4), color="0.8", width=0.62, edgecolor="black", lw=1)
        self.bar_labels = [ax_bars.text(k, 0, "", ha="center", va="bottom", fontsize=TICK) for k in range(4)]
        self.question_marks = [ax_bars.text(k, 0.25, "?", ha="center", va="center", fontsize=34, color="0.45")
                               for k in range(4)]
        self.question_marks[0].set_visible(False)  # the prior is given
        self.guess_lines = {k: ax_bars.plot([], [], color=BLUE, lw=4, ls=(0, (2, 1)), solid_capstyle="butt")[0]
                            for k in self.QUESTIONS}
        self.sample_marker = ax_bars.plot([], [], "kD", ms=10)[0]
        self.bars_legend = ax_bars.legend(
            [ax_bars.plot([], [], color=BLUE, lw=4, ls=(0, (2, 1)))[0], ax_bars.plot([], [], "kD", ms=10)[0]],
            ["class guess", "sampler"], loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, fontsize=TICK,
            frameon=False, borderaxespad=0.1, handlelength=1.6, columnspacing=1.0)
        ax_bars.set_title("P(burglar)", fontsize=FONT, loc="left")
        ax_bars.set_xlim(-0.5, 3.5)
        ax_bars.set_ylim(0, 1.13)
        ax_bars.set_yticks([0, 0.5, 1], ["0", "0.5", "1"])
        ax_bars.tick_params(labelsize=TICK)
        self._tick_alarm = None
        self.running_line = ax_trace.plot([], [], color="k", lw=2)[0]
        self.exact_line = ax_trace.axhline(0.5, color=GREEN, ls="--", lw=2.5)
        self.trace_legend = ax_trace.legend(
            [ax_trace.plot([], [], color="k", lw=2)[0], ax_trace.plot([], [], color=GREEN, ls="--", lw=2.5)[0]],
            ["estimate", "exact"], loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, fontsize=TICK,
            frameon=False, borderaxespad=0.1, handlelength=1.6, columnspacing=1.0)
        ax_trace.set_ylim(0, 1)
        ax_trace.set_yticks([0, 0.5, 1], ["0", "0.5", "1"])
        ax_trace.set_xlim(0, self.n_sweeps)
        ax_trace.tick_params(labelsize=TICK, labelbottom=False)
        self.trace_title = ax_trace.set_title("", fontsize=TICK, loc="left")
        self.chain_image = ax_chain.imshow(np.full((2, self.n_sweeps), np.nan), aspect="auto", cmap="Greys",
                                           vmin=-0.3, vmax=1.0, interpolation="nearest",
                                           extent=(0.5, self.n_sweeps + 0.5, 1.5, -0.5))
        ax_chain.set_yticks([0, 1], ["burglar", "quake"], fontsize=TICK)
        ax_chain.set_xlabel("sweep (chain 1; dark = on)", fontsize=TICK)
        ax_chain.tick_params(labelsize=TICK)
        self.dynamic = [self.running_line, self.chain_image, self.sample_marker]  # what a frame changes
        self.canvas = FigureCanvasAgg(fig)
        self._background = None

    def answer_artists(self, k: int) -> list:
        """The artists that show question ``k``'s answer (1, 2 or 3): hidden until ``k`` is revealed."""
        out = [self.bars[k], self.bar_labels[k]]
        if k == self.selected:
            out.append(self.exact_line)
            if self.run is not None:
                out += [self.running_line, self.sample_marker]
        return out

    @property
    def all_answer_artists(self) -> list:
        return [a for k in self.QUESTIONS for a in self.answer_artists(k)]

    def static_png(self) -> bytes:
        if self._background is None:
            self._render()
        return _canvas_png(self.canvas)

    def _render(self, frame_only: bool = False) -> None:
        """Draw into the canvas; a frame redraws only the chain's artists over a cached background."""
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
        self.view.value = _canvas_png(self.canvas)

    # -- state ----------------------------------------------------------------------
    @property
    def answers_shown(self) -> bool:
        """Every question's answer is revealed."""
        return self.revealed >= set(self.QUESTIONS)

    @staticmethod
    def quake_labels(alarm) -> tuple[str, str, str]:
        """The "we know" buttons' names: they follow the evidence (alarm ringing or silent)."""
        return ("alarm only" if alarm == 1 else "silence only", "no quake", "quake")

    @staticmethod
    def condition_labels(alarm) -> list[str]:
        """The bars' names: prior, then the evidence alone, with no quake, with a quake."""
        word = _alarm_words(alarm)[0]
        return ["prior", word, f"{word},\nno quake", f"{word},\nquake"]

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

    def _question(self, k: int, values: dict | None = None) -> str:
        """Question ``k`` in words: "the alarm rings", "the alarm rings and there was no quake", ..."""
        values = values or self.panel.values()
        sentence = _alarm_words(values["alarm"])[1]
        return {1: sentence, 2: f"{sentence} and there was no quake", 3: f"{sentence} and there was a quake"}[k]

    # -- actions --------------------------------------------------------------------
    def reveal(self, k: int | None = None) -> None:
        """Reveal question ``k`` (default: the selected one); its guess is kept as it is now."""
        k = self.selected if k is None else k
        if k not in self.QUESTIONS:
            raise ValueError(f"k must be one of {self.QUESTIONS}, got {k!r}")
        if k == self.selected:
            self.guesses.setdefault(k, float(self.guess.value))
        self.revealed.add(k)
        self.redraw()

    def reveal_all(self) -> None:
        self.revealed |= set(self.QUESTIONS)
        self.redraw()

    def hide(self) -> None:
        self.revealed.clear()
        self.redraw()

    def _guarded(self, action) -> None:
        try:
            action()
        except Exception as err:
            self.panel.show_error(err)

    def _guess_moved(self) -> None:
        if not self._setting_guess:
            self.guesses[self.selected] = float(self.guess.value)
            self._guarded(self.redraw)

    def _show_tables(self) -> None:
        shown = bool(self.tables_button.value) and self.answers_shown
        self.tables.value = self.tables_html() if shown else ""
        self.tables.layout.display = "" if shown else "none"
        self.view.layout.display = "none" if shown else ""

    def tables_html(self) -> str:
        """The 2×2 tables P(burglar, quake) before the evidence and after it, with each covariance."""
        values = self.panel.values()
        model = self.model(values)
        prior, post = explore.cause_joint(model), explore.cause_joint(model, values["alarm"])
        sentence = _alarm_words(values["alarm"])[1]

        def table(t: np.ndarray, caption: str) -> str:
            cov = explore.cause_covariance(t)
            verdict = ("explaining away: one cause makes the other less likely" if cov < -5e-4 else
                       "explaining in: one cause makes the other more likely" if cov > 5e-4 else
                       "independent")
            rows = "".join(f"<tr><th>burglar {name}</th><td>{t[i, 0]:.3f}</td><td>{t[i, 1]:.3f}</td></tr>"
                           for i, name in enumerate(("no", "yes")))
            shown = f"{cov:+.3f}" if abs(cov) >= 5e-4 else "0.000"
            return (f"<div style='display:inline-block;vertical-align:top'><b>{caption}</b><table>"
                    f"<tr><th></th><th>no quake</th><th>quake</th></tr>{rows}</table>"
                    f"covariance {shown}: {verdict}</div>")

        return (table(prior, "Before any evidence: P(burglar, quake)")
                + table(post, f"When {sentence}: P(burglar, quake | evidence)")
                + "<div>With both weights positive the covariance given the alarm is never positive; "
                  "weights of opposite sign can make it positive.</div>")

    # -- callbacks ------------------------------------------------------------------
    def update(self, values: dict) -> None:
        """A setting changed: recompute the answers; a new model or alarm starts a new round (all hidden)."""
        if values != self._sampled_for:
            self._cancel_animation()
            self.run = None
            self.frame = 0
        this_round = {k: v for k, v in values.items() if k != "quake"}
        if self._round is not None and this_round != self._round:
            self.revealed.clear()
            self.guesses.clear()
        self._round = this_round
        if self._tick_alarm != values["alarm"]:  # the names follow the evidence
            self._tick_alarm = values["alarm"]
            self.ax_bars.set_xticks(range(4), self.condition_labels(values["alarm"]), fontsize=TICK)
            self.panel.controls["quake"].set_trait("_options_labels", self.quake_labels(values["alarm"]))
        self._setting_guess = True
        try:
            self.guess.value = self.guesses.get(self.selected, 0.5)
        finally:
            self._setting_guess = False
        self.probabilities = self.exact_probabilities(values)
        self.redraw()

    def redraw(self, frame_only: bool = False) -> None:
        """Update every artist and the readout; ``frame_only`` (during an animation) repaints only the chain."""
        values = self.panel.values()
        selected, p = self.selected, self.probabilities
        for k, (bar, label, mark) in enumerate(zip(self.bars, self.bar_labels, self.question_marks)):
            bar.set_height(p[k])
            bar.set_facecolor(ORANGE if k == selected else ("white" if k == 0 else "0.8"))
            bar.set_hatch("//" if k == selected else ("" if k else ".."))
            label.set_position((k, p[k] + 0.015))
            label.set_text(f"{p[k]:.3f}")
            if k:
                mark.set_visible(k not in self.revealed)
                mark.set_color("black" if k == selected else "0.45")
                mark.set_fontweight("bold" if k == selected else "normal")
        for k, tick in enumerate(self.ax_bars.get_xticklabels()):
            tick.set_fontweight("bold" if k == selected else "normal")
        for k, line in self.guess_lines.items():
            if k in self.guesses:
                line.set_data([k - 0.4, k + 0.4], [self.guesses[k]] * 2)
            else:
                line.set_data([], [])
        self.exact_line.set_ydata([p[selected]] * 2)
        self.trace_title.set_text("sampler")
        self._draw_run()
        for artist in self.all_answer_artists:
            artist.set_visible(False)
        for k in self.revealed:
            for artist in self.answer_artists(k):
                artist.set_visible(True)
        self._update_state(values)
        self._render(frame_only)

    def _update_state(self, values: dict) -> None:
        selected, p, shown = self.selected, self.probabilities, self.revealed
        n = len(shown)
        if n == 0:
            colour, state = HIDDEN_COLOUR, "Answers hidden"
        elif n == len(self.QUESTIONS):
            colour, state = SHOWN_COLOUR, "Answers shown"
        else:
            colour, state = PARTLY_COLOUR, f"{n} of 3 answers shown"
        self.state_label.value = f"<span class='orbm-state' style='background:{colour}'>{state}</span>"
        self.reveal_button.disabled = selected in shown
        self.hide_button.disabled = n == 0
        self.reveal_all_button.disabled = n == len(self.QUESTIONS)
        self.tables_button.disabled = not self.answers_shown
        if not self.answers_shown and self.tables_button.value:
            self.tables_button.value = False
        self._show_tables()
        question = self._question(selected, values)
        if selected in shown:
            guess = self.guesses.get(selected)
            text = (f"When {question}: P(burglar) = <b>{p[selected]:.3f}</b>"
                    + (f"; the class guessed {guess:.0%}." if guess is not None else "."))
            if self.run is not None:
                done = self.frame
                text += (f" Sampler: <b>{self.run.running[done - 1]:.4f}</b>"
                         + (f" ± {self.run.standard_error:.4f} (1 s.e.)" if done == self.n_sweeps else "")
                         + f" after {done} of {self.n_sweeps} sweeps, {self.run.h_a.shape[1]} chain"
                         + ("s." if self.run.h_a.shape[1] > 1 else "."))
        else:
            text = (f"Predict: when {question}, is the burglar more or less likely than the prior "
                    f"({p[0]:.3f})? Set the class guess, then Reveal answer.")
            if self.run is not None:
                text += f" The chain has run {self.frame} sweeps."
        self.readout.value = text

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
                                        n_chains=self.chains.value, n_sweeps=self.n_sweeps, seed=self.seed,
                                        warmup=self.WARMUP)
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
    the samplers' stationary laws. One colour per sampler throughout (blue
    sequential, vermillion parallel), and each also has its own hatch and name.
    """

    CLOCK = ("A1", "A2", "B1")  # the sweep's clock: the parallel sampler does A1 and A2 together at "A1"
    END_SWEEPS = 60
    COLOURS = {"sequential": BLUE, "parallel": VERMILLION}
    HATCHES = {"exact": "", "sequential": "//", "parallel": "xx"}

    def __init__(self, weight: float = 4.0, start: str = "00|1"):
        self.model = toys.two_unit_cause_model(weight)
        self.v = np.array([1.0, 0.0])
        self.labels = explore.state_labels(self.model)
        if start not in self.labels:
            raise ValueError(f"start must be one of {self.labels}, got {start!r}")
        self.start_label = start
        self.start = np.eye(len(self.labels))[self.labels.index(start)]
        self.steps = {s: explore.sweep_steps(self.model, self.v, s) for s in ("sequential", "parallel")}
        self.posterior = exact.posterior(self.model, self.v)
        self.stationary = {s: exact.sampler_stationary_distribution(self.model, self.v, "exact", s)
                           for s in ("sequential", "parallel")}
        self.clock = 0  # steps of the sequential sampler taken so far
        self.next_button = _button("Next step", "orbm-key-next", "One more step (Space or →)", "primary")
        self.back_button = _button("Back", "orbm-key-back", "One step back (←)")
        self.restart_button = _button("Restart", "orbm-key-restart", "Back to the start")
        self.end_button = _button(f"Run {self.END_SWEEPS} sweeps", "orbm-key-end", "Jump to the stationary laws")
        self.next_button.on_click(lambda _: self.go(self.clock + 1))
        self.back_button.on_click(lambda _: self.go(max(0, self.clock - 1)))
        self.restart_button.on_click(lambda _: self.go(0))
        self.end_button.on_click(lambda _: self.go(3 * self.END_SWEEPS))
        self.readout = widgets.HTML()
        self.readout.add_class("orbm-readout-why")
        self.error_area = widgets.HTML()
        self._build_figure()
        self.view = _png_view("orbm-fig-why")
        self.keys = widgets.HTML(WHY_KEYS_HTML, layout=widgets.Layout(margin="0 0 0 16px"))
        buttons = widgets.HBox([self.next_button, self.back_button, self.restart_button, self.end_button, self.keys],
                               layout=widgets.Layout(align_items="center", flex_flow="row wrap"))
        figure_box = widgets.Box([self.view])
        figure_box.add_class("orbm-figbox-why")
        self.widget = widgets.VBox([buttons, widgets.HBox([figure_box, self.readout],
                                                          layout=widgets.Layout(flex_flow="row wrap")),
                                    self.error_area])
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
        """The step each sampler takes to reach ``clock`` (None where it waits)."""
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
        return np.column_stack([1.35 * h_a[:, 0] + 2.9 * h_b[:, 0], 1.15 * h_a[:, 1]])

    def _build_figure(self) -> None:
        width, height = WHY_SIZE
        fig = Figure(figsize=(width / 96, height / 96), dpi=RENDER_DPI, layout="constrained")
        grid = fig.add_gridspec(2, 2, height_ratios=[1.45, 1])
        self.ax_nodes = [fig.add_subplot(grid[0, k]) for k in range(2)]
        self.ax_bars = fig.add_subplot(grid[1, :])
        self.figure = fig
        self.canvas = FigureCanvasAgg(fig)
        self.pos = self._positions()

    def _draw_nodes(self, ax, law, step, previous_law, title, colour) -> None:
        ax.clear()
        ax.set_xlim(-0.5, 4.75)
        ax.set_ylim(-0.62, 1.78)
        ax.axis("off")
        ax.set_title(title, fontsize=FONT, color="black")
        for b, x0 in ((0, 0.675), (1, 3.575)):
            ax.text(x0, 1.62, f"B1 = {b}", ha="center", va="center", fontsize=TICK, color="0.25")
        if step is not None:
            flow = previous_law[:, None] * step.matrix
            moves = [(s, t) for s in range(len(law)) for t in range(len(law)) if s != t and flow[s, t] >= 0.01]
            for s, t in moves:
                (x0, y0), (x1, y1) = self.pos[s], self.pos[t]
                ax.annotate("", (x1, y1), (x0, y0),
                            arrowprops=dict(arrowstyle="-|>", lw=1 + 8 * flow[s, t], color=colour,
                                            shrinkA=15, shrinkB=15, mutation_scale=18,
                                            connectionstyle="arc3,rad=0.15"))
        placed = [ax.title]
        for s, (x, y) in enumerate(self.pos):
            ax.scatter([x], [y], s=40 + 1800 * law[s], color=colour, alpha=0.9, zorder=3, edgecolor="black", lw=0.5)
            ax.scatter([x], [y], s=40 + 1800 * self.posterior[s], facecolor="none", edgecolor="black",
                       lw=1.5, ls="--", zorder=4)
            placed.append(ax.text(x - 0.36 if x in (0.0, 2.9) else x + 0.36, y, self.labels[s].split("|")[0],
                                  ha="center", va="center", fontsize=TICK, zorder=5, fontweight="bold"))
        placed += [t for t in ax.texts if t.get_text().startswith("B1")]
        if step is not None:  # label the largest moves first, each where it overlaps no other text
            renderer = self.canvas.get_renderer()
            frame = ax.get_window_extent(renderer)
            boxes = [t.get_window_extent(renderer).padded(2) for t in placed]
            for s, t in sorted(moves, key=lambda m: -flow[m]):
                (x0, y0), (x1, y1) = self.pos[s], self.pos[t]
                dx, dy = x1 - x0, y1 - y0
                length = float(np.hypot(dx, dy))
                nx, ny = dy / length, -dx / length  # the side arc3 with rad > 0 bends to
                label = ax.text(0, 0, f"{step.matrix[s, t]:.2f}", fontsize=TICK, ha="center", va="center",
                                color="black", zorder=6,
                                bbox=dict(boxstyle="round,pad=0.08", fc="white", ec=colour, lw=1))
                for f in (0.3, 0.5, 0.7, 0.2, 0.8, 0.4, 0.6):
                    for side in (0.2, -0.2, 0.35, -0.35):
                        label.set_position((x0 + f * dx + side * nx, y0 + f * dy + side * ny))
                        box = label.get_window_extent(renderer).padded(3)
                        inside = (box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0
                                  and box.y1 <= frame.y1)
                        if inside and not any(box.overlaps(b) for b in boxes):
                            break
                    else:
                        continue
                    break
                else:  # no free place: the arrow's width still shows the move
                    label.remove()
                    continue
                boxes.append(box)

    def titles(self, clock: int) -> tuple[str, str]:
        """The two panels' titles at ``clock``: the sampler's name and what it just did."""
        sweeps, within = divmod(clock, 3)
        at_end = clock >= 3 * self.END_SWEEPS
        seq_step, par_step = self.current_steps(clock) if clock <= 9 else (None, None)
        if clock == 0:
            when = f"start ({self.start_label})"
        elif at_end:
            when = f"after {sweeps} sweeps"
        else:
            when = f"sweep {sweeps + (within > 0)}, step {within or 3}"
        seq = "sequential: " + (seq_step.label if seq_step is not None else when)
        if par_step is not None:
            par = "parallel: " + ("A1 and A2 at once" if "A1" in par_step.label else par_step.label)
        elif 0 < clock <= 9:
            par = "parallel: waits (A done)"
        else:
            par = "parallel: " + when
        return seq, par

    def go(self, clock: int) -> None:
        """Show the chains after ``clock`` steps of the sequential sampler (three per sweep)."""
        try:
            self._go(clock)
        except Exception as err:
            self.error_area.value = f"<b style='color:#a3001b'>Error:</b> {html.escape(type(err).__name__)}: " \
                                    f"{html.escape(str(err))}"
            raise

    def _go(self, clock: int) -> None:
        clock = int(clock)
        if clock < 0:
            raise ValueError(f"clock must be >= 0, got {clock}")
        self.clock = clock
        laws = self.laws(clock)
        before = self.laws(clock - 1) if clock > 0 else laws
        # the parallel chain's law before *its* step: it waits at the A2 tick
        par_before = explore._law_after_steps(self.start, self.steps["parallel"],
                                             max(0, self.parallel_steps_done(clock) - 1))[-1]
        seq_step, par_step = self.current_steps(clock) if clock <= 9 else (None, None)
        at_end = clock >= 3 * self.END_SWEEPS
        seq_title, par_title = self.titles(clock)
        self._draw_nodes(self.ax_nodes[0], laws["sequential"], seq_step, before["sequential"], seq_title, BLUE)
        self._draw_nodes(self.ax_nodes[1], laws["parallel"], par_step, par_before, par_title, VERMILLION)
        ax = self.ax_bars
        ax.clear()
        series = {"exact": (self.posterior, "white"), "sequential": (laws["sequential"], BLUE),
                  "parallel": (laws["parallel"], VERMILLION)}
        x = np.arange(len(self.labels))
        for k, (name, (values, colour)) in enumerate(series.items()):
            ax.bar(x + (k - 1) * 0.27, values, 0.27, label=name, color=colour, edgecolor="black", lw=1,
                   hatch=self.HATCHES[name])
        if at_end:
            for k, schedule in ((1, "sequential"), (2, "parallel")):
                ax.plot(x + (k - 1) * 0.27, self.stationary[schedule], "k_", ms=16, mew=2.5,
                        label="stationary" if k == 1 else None)
        ax.set_xticks(x, self.labels, fontsize=TICK)
        ax.set_xlim(-0.6, len(x) - 0.4)
        ax.set_ylim(0, 1.0)
        ax.set_yticks([0, 0.5, 1], ["0", "0.5", "1"])
        ax.set_ylabel("probability", fontsize=TICK)
        ax.set_xlabel(r"joint state $h^A | h^B$ (given v = 10)", fontsize=TICK)
        ax.tick_params(labelsize=TICK)
        ax.legend(fontsize=TICK, ncol=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False,
                  borderaxespad=0.2, columnspacing=1.2, handlelength=1.5)
        tv = {s: stats.total_variation(laws[s], self.posterior) for s in laws}
        self.readout.value = self._explain(clock, at_end, tv)
        self.canvas.draw()
        if self.figure.get_layout_engine() is not None:  # fixed after the first draw: labels are placed on it
            self.figure.set_layout_engine("none")
        self.view.value = _canvas_png(self.canvas)
        self.back_button.disabled = clock == 0

    def _explain(self, clock: int, at_end: bool, tv: dict) -> str:
        within = clock % 3
        if clock == 0:
            text = (f"Both chains start in <b>{self.start_label}</b>: cause A's units both off. Given v = 10, "
                    "exactly one of A's units should be on: they are <b>coupled</b>.")
        elif at_end:
            text = (f"After {clock // 3} sweeps each chain sits at its stationary law (black marks). "
                    f"Sequential: TV to the posterior "
                    f"{stats.total_variation(self.stationary['sequential'], self.posterior):.3f}. "
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
        return (f"<div>{text}<br><br>Total variation to the exact posterior now: "
                f"<b>sequential</b> (blue, //) {tv['sequential']:.3f}, "
                f"<b>parallel</b> (vermillion, xx) {tv['parallel']:.3f}.<br><br>"
                "Dashed rings and white bars: the exact posterior.</div>")

    def static_png(self) -> bytes:
        return _canvas_png(self.canvas)


class ClassroomApp(_PngApp):
    """The page ``make present`` serves (and notebook 04 embeds): two views that fit the space they get.

    Parameters are passed to :class:`ExplainingAwayApp` (``preset``,
    ``n_chains``, ``n_sweeps``, ``seed``, ``answers_shown``, ``animate``).
    The default is the class setting: every answer hidden, no chain run.
    """

    VIEWS = ("Explaining away", "Why parallel is wrong")

    def __init__(self, **kwargs):
        self.explaining = ExplainingAwayApp(**kwargs)
        self.why = WhyParallelView()
        self.view_choice = widgets.ToggleButtons(options=self.VIEWS, value=self.VIEWS[0],
                                                 style={"button_width": "auto"})
        self.view_choice.add_class("orbm-views")
        self.view_choice.observe(lambda _: self._switch(), names="value")
        title = widgets.HTML("<span class='orbm-title'>oRBM in class</span>",
                             layout=widgets.Layout(margin="0 16px 0 0"))
        header = widgets.HBox([title, self.view_choice, self.explaining.header],
                              layout=widgets.Layout(align_items="center", margin="0 0 6px 0",
                                                    flex_flow="row wrap"))
        self.explaining.header.layout.margin = "0 0 0 16px"
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
