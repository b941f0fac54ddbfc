"""Headless tests of the apps: set controls from Python, check the figure data and readouts change."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import base64

from matplotlib.backend_bases import MouseEvent
from scipy.optimize import brentq

from orbm_explore import corrections, explore, plots
from orbm_explore.widgets import (ApproximationExplorer, Choice, ClassroomApp, ControlPanel, CorrectionExplorer,
                                  CutExplorer, ExplainingAwayApp, NotesCellsExplorer, Slider, WhyParallelView)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_correction_explorer_updates_images_in_place():
    app = CorrectionExplorer(w=3.0, reach=40.0, n=50)
    assert app.artists.hs == (0, 1)
    images_before = list(app.artists.images)
    data_before = [im.get_array().copy() for im in app.artists.images]
    readout_before = app.readout.value
    app.panel.controls["w"].value = -5.0
    assert app.panel.last_error is None
    assert app.artists.images == images_before  # same artists, new data
    for image, before in zip(app.artists.images, data_before):
        assert not np.allclose(image.get_array(), before)
    assert app.readout.value != readout_before and "-5.00" in app.readout.value
    phi = np.linspace(-40, 40, 50)
    expected = corrections.exact(phi[None, :] - (-5.0), phi[:, None], -5.0)  # h = 1 panel
    np.testing.assert_allclose(app.artists.images[1].get_array(), expected)
    assert app.artists.images[0].get_clim() == (-5.0, 5.0)


def test_number_box_is_linked_to_slider():
    app = CorrectionExplorer(n=20)
    app.panel.boxes["w"].value = 7.5
    assert app.panel.controls["w"].value == 7.5
    app.panel.controls["reach"].value = 10.0
    assert app.panel.boxes["reach"].value == 10.0


@pytest.mark.parametrize("factory", [lambda: CorrectionExplorer(n=30), lambda: CutExplorer(),
                                     lambda: ApproximationExplorer(n=30), lambda: ExplainingAwayApp(n_chains=5, n_sweeps=3),
                                     lambda: NotesCellsExplorer()])
def test_extreme_slider_values_raise_nothing(factory):
    app = factory()
    for name, param in app.panel.params.items():
        if isinstance(param, Slider):
            for value in (param.min, param.max, 0.0 if param.min <= 0 <= param.max else param.min):
                app.panel.controls[name].value = value
                assert app.panel.last_error is None, (name, value, app.panel.last_error)
        else:
            for option in param.options:
                app.panel.controls[name].value = option
                assert app.panel.last_error is None, (name, option, app.panel.last_error)
    for name in app.panel.presets:
        app.panel.preset_menu.value = name
        assert app.panel.last_error is None


def test_reset_and_presets():
    app = CorrectionExplorer(n=20)
    assert app.panel.preset_menu.value == "W = 3, range ±10"  # the defaults are a preset
    app.panel.preset_menu.value = "negative weight W = -3"
    assert {k: app.panel.values()[k] for k in ("w", "reach")} == {"w": -3.0, "reach": 10.0}
    app.panel.controls["reach"].value = 12.0
    assert app.panel.preset_menu.value == "(custom)"  # a hand change is no longer the preset
    app.panel.controls["reach"].value = 10.0
    assert app.panel.preset_menu.value == "negative weight W = -3"
    app.panel.reset()
    assert {k: app.panel.values()[k] for k in ("w", "reach")} == {"w": 3.0, "reach": 10.0}


def test_parameter_string_round_trip_and_errors():
    app = CutExplorer()
    app.panel.set_values({"w": 2.5, "eps": -4.0, "h": 1})
    text = app.panel.state_string()
    assert text == "w=2.5; eps=-4; phi=0; h=1"
    app.panel.reset()
    app.panel.apply_state_string(text)
    assert app.panel.values() == {"w": 2.5, "eps": -4.0, "phi": 0.0, "h": 1}
    assert app.panel.state_text.value == text
    figure_before = app.lines["total"].get_ydata().copy()
    for bad, message in [("w=99", "between -20 and 20"), ("gain=2", "unknown parameter 'gain'"),
                         ("h=2", "h must be one of"), ("w=nan", "finite"), ("w=3; eps", "expected name=value"),
                         ("eps=-4; w=abc", "w must be a number")]:
        assert app.panel.apply_state_string(bad) is False
        shown = app.panel.error_area.value
        assert message in shown and "Not applied" in shown and "\n" not in shown and "<br" not in shown
        assert app.panel.values() == {"w": 2.5, "eps": -4.0, "phi": 0.0, "h": 1}  # nothing applied
        assert app.panel.state_text.value == bad or app.panel.state_text.value == text
        np.testing.assert_array_equal(app.lines["total"].get_ydata(), figure_before)
    assert app.panel.apply_state_string(text) is True and app.panel.error_area.value == ""


def test_errors_in_callbacks_are_shown_not_swallowed():
    calls = []

    def broken(values):
        calls.append(values)
        raise RuntimeError("boom")

    panel = ControlPanel([Slider("x", "x", 0, 1, 0.1, 0.5), Choice("c", "c", ("a", "b"), "a")], broken)
    panel.controls["x"].value = 0.7
    assert calls and isinstance(panel.last_error, RuntimeError)
    assert "boom" in panel.error_area.value


def test_cut_explorer_readout_matches_library():
    app = CutExplorer()
    app.panel.set_values({"w": 4.0, "eps": 6.0, "phi": -1.0, "h": 1})
    expected = corrections.exact(-1.0 - 4.0, 6.0, 4.0)
    assert f"{expected:.4f}" in app.readout.value
    x, y = app.lines["total"].get_data()
    np.testing.assert_allclose(y, corrections.exact(x - 4.0, 6.0, 4.0), atol=1e-12)


def test_approximation_explorer_reports_error_statistics():
    app = ApproximationExplorer(approximation="local", w=3.0, n=40)
    local_max = np.abs(app.error).max()
    app.panel.controls["approximation"].value = "linear"
    linear_max = np.abs(app.error).max()
    assert linear_max > local_max
    assert f"{linear_max:.4f}" in app.readout.value


def test_blitted_update_reaches_the_canvas_pixels():
    app = CorrectionExplorer(w=3.0, reach=40.0, n=50)
    app.figure.canvas.draw()
    before = np.asarray(app.figure.canvas.buffer_rgba()).copy()
    app.panel.controls["w"].value = -8.0  # same range: the blitted path
    after = np.asarray(app.figure.canvas.buffer_rgba())
    assert (before != after).any(axis=2).mean() > 0.05
    app.panel.controls["reach"].value = 10.0  # new limits: full redraw
    assert app.panel.last_error is None and app._limits[0] == 10.0


def test_number_boxes_round_to_the_slider_step():
    app = CorrectionExplorer(n=20)
    app.panel.boxes["w"].value = 8.09999999  # what one arrow press used to leave in the box
    assert app.panel.controls["w"].value == 8.1 and app.panel.boxes["w"].value == 8.1
    app.panel.controls["reach"].value = 12.000000001
    assert app.panel.boxes["reach"].value == 12.0
    assert app.panel.values()["reach"] == 12.0
    assert "w=8.1;" in app.panel.state_text.value


class _RecordingComm:
    """Stands in for a widget's comm: records what the kernel would send to the browser."""

    kernel = object()

    def __init__(self):
        self.sent = []
        self.comm_id = f"recording-{id(self)}"

    def on_msg(self, callback):
        pass

    def send(self, data=None, buffers=None, **kwargs):
        self.sent.append(data)

    def close(self, *args, **kwargs):
        pass


def _from_browser(widget, value):
    """Deliver ``value`` to ``widget`` as its browser view does (a comm "update" message); return the
    ``update`` messages the kernel sends back (echoes of the browser's own value excluded)."""
    comm = _RecordingComm()
    widget.comm = comm
    try:
        widget._handle_msg({"content": {"data": {"method": "update", "state": {"value": value},
                                                 "buffer_paths": []}}, "buffers": []})
    finally:
        widget.comm = None
    return [m for m in comm.sent if m.get("method") == "update" and "value" in m.get("state", {})]


def test_a_dragged_slider_is_never_written_back():
    """The snap-back: while the user drags, any kernel write to the slider reaches the browser late and
    moves the handle back to an older value. The browser's float noise is rounded when read instead."""
    calls = []
    panel = ControlPanel([Slider("w", "w", -20.0, 20.0, 0.1, 3.0), Slider("r", "r", 2.0, 100.0, 1.0, 10.0)],
                         calls.append)
    slider, box = panel.controls["w"], panel.boxes["w"]
    for value in (4.399999999999999, 5.800000000000001, 8.5, -0.04999999999999716):
        assert _from_browser(slider, value) == [], value  # nothing written back to the slider
        rounded = round(value, 1) + 0.0
        assert calls[-1]["w"] == rounded and panel.values()["w"] == rounded
        assert box.value == rounded  # the box shows the value on the step grid
    assert f"{panel.values()['w']:g}" == "0" and panel.state_string().startswith("w=0;")  # not "-0"
    n_calls = len(calls)
    _from_browser(slider, -0.0 + 1e-15)  # only noise changed: no redraw
    assert len(calls) == n_calls
    # A value typed into the box moves the slider (the user is not dragging it) and is tidied in the box.
    assert _from_browser(box, 7.25) == [{"method": "update", "state": {"value": 7.2}, "buffer_paths": []}]
    assert slider.value == 7.2 and calls[-1]["w"] == 7.2


@pytest.mark.parametrize("bad, message", [({"w": float("nan")}, "w must be a finite number"),
                                          ({"w": float("inf")}, "w must be a finite number"),
                                          ({"w": "3"}, "w must be a number"),
                                          ({"w": 25.0}, "w must be between -20 and 20"),
                                          ({"w": None}, "w must be a number"), ({"gain": 1.0}, "unknown parameter")])
def test_set_values_rejects_bad_values_by_name(bad, message):
    app = CorrectionExplorer(n=20)
    before = app.panel.values()
    with pytest.raises(ValueError, match=message):
        app.panel.set_values(bad)
    assert app.panel.values() == before


@pytest.mark.parametrize("n", [0, 1, -5, 2.5, "200", None, True])
def test_grid_size_must_be_an_integer_of_at_least_two(n):
    with pytest.raises(ValueError, match="n .*integer >= 2"):
        CorrectionExplorer(n=n)
    with pytest.raises(ValueError, match="n .*integer >= 2"):
        ApproximationExplorer(n=n)


def test_panels_drawn_for_h1_are_redrawn_with_the_h1_grid():
    """The old update zipped panels with hs=(0, 1): a lone h = 1 panel got the h = 0 grid."""
    panels = plots.draw_correction_panels(w=3.0, reach=10.0, n=40, hs=(1,))
    grids = plots.update_correction_panels(panels, w=-4.0, reach=12.0, n=40)
    expected = explore.correction_grid(-4.0, 12.0, 1, 40)[2]
    wrong = explore.correction_grid(-4.0, 12.0, 0, 40)[2]
    np.testing.assert_allclose(panels.images[0].get_array(), expected)
    np.testing.assert_allclose(grids[0], expected)
    assert np.abs(expected - wrong).max() > 1.0  # the two grids differ, so the test can tell them apart
    reversed_panels = plots.draw_correction_panels(w=3.0, reach=10.0, n=40, hs=(1, 0))
    plots.update_correction_panels(reversed_panels, w=2.0, reach=10.0, n=40)
    for image, h in zip(reversed_panels.images, (1, 0)):
        np.testing.assert_allclose(image.get_array(), explore.correction_grid(2.0, 10.0, h, 40)[2])
    reversed_panels.images.pop()  # a panel list that no longer matches its hs is an error, not a silent cut
    with pytest.raises(ValueError):
        plots.update_correction_panels(reversed_panels, w=2.0, reach=10.0, n=40)


def _half_plateau_crossing(f, a, b):
    return brentq(f, a, b, xtol=1e-12)


@pytest.mark.parametrize("w", [3.0, -3.0, 0.8, -7.5, 12.0])
@pytest.mark.parametrize("h", [0, 1])
def test_guides_lie_on_the_switch_lines_of_the_exact_correction(w, h):
    """Each map's solid guide is where C crosses half its plateau along a row (first term switching);
    the dashed guide is where it does along a column (second term switching)."""
    reach = 30.0
    panels = plots.draw_correction_panels(w=1.0, reach=reach, n=20, hs=(0, 1))
    plots.update_correction_panels(panels, w=w, reach=reach, n=20)
    solid, dashed = panels.guides[panels.hs.index(h)]

    def correction(phi, eps):  # the actual input φ = φ0 + hW on the map's x axis
        return float(corrections.exact(phi - h * w, eps, w))

    # Along the row ε = -25 (B strongly off: second term ≈ +W everywhere near the switch) C goes from 0 to W
    # ... and the row ε = +25 (second term ≈ 0): C goes from -W to 0. Both cross half-way at the first switch.
    guide_x = solid.get_xdata()[0]
    assert np.allclose(solid.get_xdata(), guide_x)
    for eps, half in ((25.0, -w / 2), (-25.0, w / 2)):
        crossing = _half_plateau_crossing(lambda p: correction(p, eps) - half, -reach / 2, reach / 2)
        assert abs(crossing - guide_x) < 1e-4, (eps, crossing, guide_x)
    # Along the column φ = 25 + switch (first term ≈ 0), C goes from W (φ + ε below) to 0: half-way on the dashed line.
    x_column = guide_x + 25.0
    (x0, x1), (y0, y1) = dashed.get_xdata(), dashed.get_ydata()
    guide_eps = y0 + (y1 - y0) * (x_column - x0) / (x1 - x0)
    crossing = _half_plateau_crossing(lambda e: correction(x_column, e) - w / 2, -60.0, 30.0)
    assert abs(crossing - guide_eps) < 1e-4
    assert abs((x_column + guide_eps) - (-w / 2 + h * w)) < 1e-9


def test_default_range_shows_two_different_panels():
    app = CorrectionExplorer(n=100)
    assert app.panel.values()["reach"] == 10.0
    h0, h1 = app.grids
    w = app.panel.values()["w"]
    assert (np.abs(h0 - h1) > 0.25 * abs(w)).mean() > 0.1  # visibly different at the default range


@pytest.mark.parametrize("w", [3.0, -4.0])
def test_wedge_colours_are_named_right_for_either_sign(w):
    app = CorrectionExplorer(w=w, n=20)
    text = app.readout.value
    assert (f"C ≈ −W = {-w:.2f}, the wedge labelled “C ≈ −W”, drawn <b>{plots.wedge_colour(-w)}</b> "
            "(the notes' red wedge)") in text
    assert f"C ≈ +W = {w:.2f}, labelled “C ≈ +W”, drawn <b>{plots.wedge_colour(w)}</b>" in text
    assert plots.wedge_colour(-w) == ("red" if w > 0 else "blue")
    assert plots.wedge_colour(w) == ("blue" if w > 0 else "red")
    # the colour map itself: negative values are drawn red, positive blue (tests/test_wedge_colours.py
    # checks that the two stay apart for colour-blind readers)
    cmap = app.artists.images[0].get_cmap()
    r, _, b, _ = cmap(0.0)
    assert r > b
    r, _, b, _ = cmap(1.0)
    assert b > r


def test_clicking_the_map_sets_the_cut_beside_it():
    app = CorrectionExplorer(w=3.0, reach=10.0, n=40)
    app.figure.canvas.draw()
    ax = app.artists.axes[1]
    x, y = ax.transData.transform((2.5, -4.0))
    event = MouseEvent("button_press_event", app.figure.canvas, x, y, button=1)
    app.figure.canvas.callbacks.process("button_press_event", event)
    values = app.panel.values()
    assert abs(values["phi"] - 2.5) < 0.11 and abs(values["eps"] + 4.0) < 0.11
    for row in app.rows:
        assert row.get_ydata()[0] == values["eps"]
    for curve, h in zip(app.cut["curves"], (0, 1)):
        phi, c = curve.get_data()
        np.testing.assert_allclose(c, corrections.exact(phi - h * 3.0, values["eps"], 3.0), atol=1e-12)
    marker_x, marker_y = app.cut["marker"].get_data()
    np.testing.assert_allclose(marker_y, [corrections.exact(values["phi"] - h * 3.0, values["eps"], 3.0)
                                          for h in (0, 1)])
    assert app.panel.last_error is None


@pytest.mark.parametrize("factory", [lambda: CorrectionExplorer(n=20), lambda: CutExplorer(),
                                     lambda: ApproximationExplorer(n=20), lambda: NotesCellsExplorer(),
                                     lambda: ExplainingAwayApp(n_sweeps=5), lambda: WhyParallelView(),
                                     lambda: ClassroomApp(n_sweeps=5)])
def test_every_app_displays_a_widget_and_a_static_png_in_one_bundle(factory):
    bundle = factory()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(b"\x89PNG") and len(png) > 5000


def test_correction_explorer_fits_an_840_px_column():
    """Each figure plus ipympl's toolbar column fits 840 px (JupyterLab at 1280×720 with the file browser open);
    the maps and the cut sit in a wrapping box, so a narrow column puts the cut under the maps, never off screen.
    (tests/test_explorer_fits_browser.py checks the same in a real 840-px page.)"""
    app = CorrectionExplorer(n=20)
    toolbar = 50
    widths = app.figure_widths_px()
    assert len(widths) == 2 and all(width + toolbar <= 840 for width in widths), widths
    assert app.figure_box.layout.flex_flow == "row wrap"
    assert list(app.figure_box.children) == app._views and app.widget.children[1] is app.figure_box
    for figure, legend in ((app.figure, app.figure.legends[0]), (app.cut_figure, app.ax_cut.get_legend())):
        figure.canvas.draw()
        box, page = legend.get_window_extent(), figure.bbox
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1
    labels = " ".join(t.get_text() for t in app.ax_cut.get_legend().get_texts())
    assert "A alone switches" in labels and "A and B together switch" in labels and "h_j = 1" in labels
    styles = {line.get_linestyle() for pair in app.cut["switches"] for line in pair}
    legend_styles = {h.get_linestyle() for h in app.ax_cut.get_legend().legend_handles[-2:]}
    assert styles == legend_styles == {":", "--"}


def test_log_ratio_cut_names_its_guides():
    app = CutExplorer()
    labels = [t.get_text() for t in app.ax.get_legend().get_texts()]
    assert any("first term switches" in t for t in labels) and any("second term switches" in t for t in labels)
    app.figure.canvas.draw()
    box, page = app.ax.get_legend().get_window_extent(), app.figure.bbox
    assert page.y0 <= box.y0 and box.x1 <= page.x1


def test_correction_explorer_static_png_shows_maps_and_cut():
    import io

    from orbm_explore.widgets.kit import figure_png

    app = CorrectionExplorer(n=20)
    image = plt.imread(io.BytesIO(app.static_png()), format="png")
    maps = plt.imread(io.BytesIO(figure_png(app.blitter.savefig)), format="png")
    assert image.shape[1] > maps.shape[1] * 1.4 and image.shape[0] == maps.shape[0]
