"""The panel kit every app is built from: controls, presets, a parameter string, figures and images.

:class:`ControlPanel` holds sliders with linked number boxes (rounded to the
slider's step), choices, a reset button, a preset menu that shows "(custom)"
once a value is changed by hand, a shareable parameter string and an error
line. :class:`App` is the base of every app: a panel, a figure whose artists
are updated in place, a readout, and a display bundle that carries a PNG of
the figure beside the live widget (for handouts and HTML exports).
"""

from __future__ import annotations

import base64
import io
import math
import numbers
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Image, display
from matplotlib.figure import Figure

__all__ = ["Slider", "Choice", "ControlPanel", "Blitter", "App", "show_figure", "figure_png", "CUSTOM"]

CUSTOM = "(custom)"


def figure_png(save: Callable | Figure, dpi: float | None = None) -> bytes:
    """PNG bytes of a figure (or of what ``save(buffer, **kwargs)``, a ``savefig``, writes)."""
    buffer = io.BytesIO()
    if isinstance(save, Figure):
        save = save.savefig
    elif not callable(save):
        raise TypeError(f"save must be a matplotlib Figure or its savefig, got {type(save).__name__}")
    save(buffer, format="png", dpi=dpi if dpi is not None else "figure")
    return buffer.getvalue()


def _display_png(save: Callable) -> None:
    buffer = io.BytesIO()
    save(buffer, format="png", bbox_inches="tight")
    display(Image(data=buffer.getvalue()))


def show_figure(fig: Figure) -> None:
    """Display ``fig`` as a static PNG (works headless and in every backend) and close it."""
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
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

    @property
    def decimals(self) -> int:
        """Decimals of the step (0.1 -> 1, 0.05 -> 2, 1 -> 0): values are rounded to these."""
        text = f"{self.step:.10f}".rstrip("0")
        return len(text.split(".")[1])

    def check(self, value: Any) -> float:
        """``value`` as a float in [min, max] rounded to the step, or a ValueError naming the parameter."""
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
            raise ValueError(f"{self.name} must be a number, got {value!r} ({type(value).__name__})")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{self.name} must be a finite number between {self.min:g} and {self.max:g}, "
                             f"got {value!r}")
        if not self.min <= value <= self.max:
            raise ValueError(f"{self.name} must be between {self.min:g} and {self.max:g}, got {value:g}")
        return round(value, self.decimals)


@dataclass(frozen=True)
class Choice:
    """A discrete parameter: toggle buttons (or a dropdown for many options)."""

    name: str
    label: str
    options: Sequence[Any]
    value: Any
    labels: Sequence[str] = field(default_factory=tuple)

    def check(self, value: Any) -> Any:
        """``value`` if it is one of the options, else a ValueError naming the parameter."""
        for option in self.options:
            if type(option) is type(value) and option == value:
                return option
        for option in self.options:  # 1.0 for 1, np.int64(1) for 1
            if not isinstance(option, str) and not isinstance(value, str) and option == value:
                return option
        raise ValueError(f"{self.name} must be one of {[str(o) for o in self.options]}, got {value!r}")


class ControlPanel:
    """Named controls with reset, presets, a shareable parameter string and an error line.

    Parameters
    ----------
    params : list of Slider or Choice
    on_change : callable
        Called with the dict of current values after every change (once per
        reset, preset or pasted string, not once per control).
    presets : dict of name -> partial dict of values
        The menu shows the first preset whose values all match, else "(custom)".
    label_width, slider_width, box_width : CSS widths of the parts of a slider row.
    """

    def __init__(self, params: Sequence[Slider | Choice], on_change: Callable[[dict], None],
                 presets: dict[str, dict] | None = None, label_width: str = "110px",
                 slider_width: str = "310px", box_width: str = "90px"):
        if isinstance(params, (str, bytes)) or not all(isinstance(p, (Slider, Choice)) for p in params):
            raise TypeError(f"params must be a list of Slider and Choice, got {params!r}")
        if not callable(on_change):
            raise TypeError(f"on_change must be callable (it gets the dict of values), got {on_change!r}")
        for p in params:  # a bad starting value names its parameter
            p.check(p.value)
        self.params = {p.name: p for p in params}
        self.on_change = on_change
        self.presets = presets or {}
        for name, values in self.presets.items():  # a broken preset is a programming error: fail at once
            for key, value in values.items():
                if key not in self.params:
                    raise ValueError(f"preset {name!r} sets unknown parameter {key!r}")
                self.params[key].check(value)
        self.controls: dict[str, widgets.ValueWidget] = {}
        self.boxes: dict[str, widgets.BoundedFloatText] = {}
        self.rows: dict[str, widgets.Widget] = {}
        self.last_error: BaseException | None = None
        self._batch = False
        self._writing_box = False
        for p in params:
            if isinstance(p, Slider):
                control = widgets.FloatSlider(value=p.value, min=p.min, max=p.max, step=p.step,
                                              description=p.label, continuous_update=True,
                                              readout=False,
                                              layout=widgets.Layout(width=f"calc({slider_width} + {label_width})"),
                                              style={"description_width": label_width})
                box = widgets.BoundedFloatText(value=p.value, min=p.min, max=p.max, step=p.step,
                                               layout=widgets.Layout(width=box_width))
                # Not widgets.link: see _changed and _box_changed for how the two stay in step.
                box.observe(self._box_changed, names="value")
                self.boxes[p.name] = box
                row = widgets.HBox([control, box])
            else:
                labels = p.labels or [str(o) for o in p.options]
                options = list(zip(labels, p.options))
                if len(p.options) <= 4:  # toggle buttons beside a label of the sliders' width
                    control = widgets.ToggleButtons(options=options, value=p.value,
                                                    style={"button_width": "auto"})
                    label = widgets.Label(p.label, layout=widgets.Layout(width=label_width, min_width=label_width))
                    row = widgets.HBox([label, control])
                else:
                    control = widgets.Dropdown(options=options, value=p.value, description=p.label,
                                               style={"description_width": label_width})
                    row = control
            control.observe(self._changed, names="value")
            self.controls[p.name] = control
            self.rows[p.name] = row
        self.reset_button = widgets.Button(description="Reset", tooltip="Back to the defaults")
        self.reset_button.on_click(lambda _: self.reset())
        self.preset_menu = widgets.Dropdown(options=[CUSTOM] + list(self.presets), value=CUSTOM,
                                            description="Preset", style={"description_width": "initial"},
                                            layout=widgets.Layout(width="auto"))
        self.preset_menu.observe(self._preset_chosen, names="value")
        self.state_text = widgets.Text(value=self.state_string(), description="Parameters",
                                       style={"description_width": "initial"},
                                       layout=widgets.Layout(width="auto", flex="1 1 auto"),
                                       tooltip="Copy this to share the exact setting; paste one and press Apply")
        self.apply_button = widgets.Button(description="Apply", tooltip="Apply a pasted parameter string",
                                           layout=widgets.Layout(width="auto"))
        self.apply_button.on_click(lambda _: self.apply_state_string(self.state_text.value))
        self.error_area = widgets.HTML()
        self.error_output = widgets.Output()
        self._sync_preset_menu()
        buttons = [self.reset_button] + ([self.preset_menu] if self.presets else [])
        self.preset_row = widgets.HBox(buttons)
        self.state_row = widgets.HBox([self.state_text, self.apply_button])
        self.widget = widgets.VBox(list(self.rows.values()) + [self.preset_row, self.state_row,
                                                               self.error_area, self.error_output])

    # -- values ---------------------------------------------------------------
    def values(self) -> dict:
        """The current values; a slider's on its step grid (the browser's float noise rounded off)."""
        return {name: self._value(name) for name in self.controls}

    def _value(self, name: str) -> Any:
        value = self.controls[name].value
        param = self.params[name]
        if isinstance(param, Slider):  # 4.399999999999999 from the browser's slider reads as 4.4
            return round(float(value), param.decimals) + 0.0  # + 0.0: no "-0"
        return value

    def check_values(self, values: dict) -> dict:
        """Checked copies of ``values``: unknown names, non-numbers, NaN and out-of-range raise ValueError."""
        if not isinstance(values, dict):
            raise TypeError(f"values must be a dict of parameter name -> value, got {type(values).__name__}")
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown parameter(s) {sorted(unknown)}; known: {sorted(self.controls)}")
        return {name: self.params[name].check(value) for name, value in values.items()}

    def set_values(self, values: dict) -> None:
        """Check all of ``values`` (nothing changes if one is bad), set the controls, then update once."""
        values = self.check_values(values)
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
        for name, value in self.values().items():
            parts.append(f"{name}={value:g}" if isinstance(value, float) else f"{name}={value}")
        return "; ".join(parts)

    def apply_state_string(self, text: str) -> bool:
        """Parse a string from :meth:`state_string` and apply it; a bad string shows one line and changes nothing."""
        try:
            values = self.parse_state_string(text)
        except ValueError as err:
            self.last_error = err
            self.error_area.value = f"<span style='color:#b00'>Not applied: {_escape(str(err))}</span>"
            return False
        self.set_values(values)
        return True

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
                value = param.check(value)
            else:
                matches = [o for o in param.options if str(o) == raw]
                if not matches:
                    raise ValueError(f"{name} must be one of {[str(o) for o in param.options]}, got {raw!r}")
                value = matches[0]
            values[name] = value
        return values

    def matching_preset(self) -> str:
        """The first preset whose values all equal the current ones, else "(custom)"."""
        current = self.values()
        for name, values in self.presets.items():
            if all(current[key] == value for key, value in values.items()):
                return name
        return CUSTOM

    # -- callbacks --------------------------------------------------------------
    def _preset_chosen(self, change) -> None:
        if change["new"] in self.presets and not self._batch:
            self.set_values(self.presets[change["new"]])

    def _sync_preset_menu(self) -> None:
        batch, self._batch = self._batch, True  # showing the match must not re-apply it
        try:
            self.preset_menu.value = self.matching_preset()
        finally:
            self._batch = batch

    # Why no value is ever written back to a slider the user moved: while the kernel is busy (a full
    # ipympl draw takes 0.2-0.3 s) the user drags on, and a kernel write reaches the browser as an
    # "update" that the widget model applies unconditionally, setting the slider to an older value under
    # the held mouse (a snap-back). It used to happen on every drag: the browser's slider sends float
    # noise (4.399999999999999) and the kernel wrote the rounded 4.4 back. Values are rounded when read
    # (values()) instead. The number box is kept in step from the kernel, one way per origin: a slider
    # change writes the box (which the user is not touching); a typed box value writes the slider
    # (which the user is not dragging). A browser-side jslink would instead copy the noise into the
    # box, and a kernel write to a jslinked box moves the slider in the browser: a snap-back again.
    def _box_changed(self, change) -> None:
        """A value typed into a number box: move its slider there (on the step grid), and tidy the box."""
        if self._writing_box:  # our own copy of the slider's value
            return
        name = next(name for name, b in self.boxes.items() if b is change["owner"])
        param = self.params[name]
        value = round(float(change["new"]), param.decimals) + 0.0
        if value != self._value(name):
            self.controls[name].value = value  # _changed then writes the box
        else:
            self._write_box(name)

    def _write_box(self, name: str) -> None:
        """Show a slider's value, rounded to its step, in its number box."""
        box, value = self.boxes[name], self._value(name)
        if box.value != value:
            self._writing_box = True
            try:
                box.value = value
            finally:
                self._writing_box = False

    def _changed(self, change) -> None:
        name = next(name for name, c in self.controls.items() if c is change["owner"])
        param = self.params[name]
        if isinstance(param, Slider):
            self._write_box(name)
            if round(float(change["old"]), param.decimals) == self._value(name) and not self._batch:
                return  # only float noise changed (4.4 -> 4.399999999999999): nothing to redraw
        if not self._batch:
            self._fire()

    def _fire(self) -> None:
        self.state_text.value = self.state_string()
        self._sync_preset_menu()
        try:
            self.on_change(self.values())
        except Exception as err:  # shown to the user, and kept for tests
            self.show_error(err)
        else:
            if self.last_error is not None:
                self.error_area.value = ""
                self.error_output.clear_output()
            self.last_error = None

    def show_error(self, err: BaseException) -> None:
        """Show an error raised while updating (one line, and the traceback below it)."""
        self.last_error = err
        self.error_area.value = f"<b style='color:#b00'>Error:</b> {type(err).__name__}: {_escape(str(err))}"
        with self.error_output:
            self.error_output.clear_output()
            print("".join(traceback.format_exception(err)))

    _show_error = show_error  # older name


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Blitter:
    """Redraw only some artists over a cached background (matplotlib's blitting recipe).

    The background is captured after every full draw (``draw_event``), so a
    resize or a change of axes limits simply needs a full ``draw_idle``.
    """

    def __init__(self, figure: Figure, artists: Sequence):
        if not isinstance(figure, Figure):
            raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
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
    """Base class: a control panel, a figure, a readout; ``.widget`` is what to display.

    Displaying an app (``app`` as the last line of a cell) emits one bundle
    holding the live widget *and* ``image/png``, a picture of the figure at
    that moment: JupyterLab and Voilà show the widget, an HTML export that
    cannot run widgets can show the PNG (see :meth:`static_png`).
    """

    blitter: Blitter | None = None
    figure: Figure
    widget: widgets.Widget

    def __init__(self):
        self.readout = widgets.HTML()
        self._view: widgets.Widget | None = None

    def _layout(self, figure: Figure, extra: Sequence[widgets.Widget] = ()) -> widgets.Widget:
        self._view = self._figure_view(figure)
        return widgets.VBox([self.panel.widget, *extra, self._view, self.readout])

    def _figure_view(self, figure: Figure) -> widgets.Widget:
        canvas = figure.canvas
        if isinstance(canvas, widgets.DOMWidget):  # ipympl
            canvas.header_visible = False
            canvas.toolbar_position = "right"
            return canvas
        return widgets.Image(format="png")  # any other backend: a picture refreshed on every draw

    def _draw(self) -> None:
        self.figure.canvas.draw_idle()
        self._refresh_image()

    def _refresh_image(self) -> None:
        if isinstance(self._view, widgets.Image) and getattr(self, "_shown", False):
            self._view.value = self.static_png()

    def static_png(self) -> bytes:
        """PNG bytes of the figure as it is now (animated/blitted artists included)."""
        return figure_png(self.blitter.savefig if self.blitter else self.figure)

    def show_static(self) -> None:
        """Display the current figure as a PNG (for headless runs and printed handouts)."""
        display(Image(data=self.static_png()))

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        self._shown = True
        png = self.static_png()
        if isinstance(self._view, widgets.Image):
            self._view.value = png
        bundle = dict(self.widget._repr_mimebundle_() or {})
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
        bundle["text/plain"] = f"<{type(self).__name__}: an interactive app; static image attached>"
        return bundle
