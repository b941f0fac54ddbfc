"""Headless tests of the apps: set controls from Python, check the figure data and readouts change."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from orbm_explore import corrections, exact, toys
from orbm_explore.widgets import (ApproximationExplorer, Choice, ControlPanel, CorrectionExplorer, CutExplorer,
                                  ExplainingAwayApp, NotesCellsExplorer, Slider)


def test_correction_explorer_updates_images_in_place():
    app = CorrectionExplorer(w=3.0, reach=40.0, n=50)
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
                                     lambda: ApproximationExplorer(n=30), lambda: ExplainingAwayApp(n_chains=50, n_sweeps=3),
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
    app.panel.preset_menu.value = "negative weight W = -3"
    assert app.panel.values() == {"w": -3.0, "reach": 40.0}
    app.panel.controls["reach"].value = 12.0
    app.panel.reset()
    assert app.panel.values() == {"w": 3.0, "reach": 40.0}


def test_parameter_string_round_trip_and_errors():
    app = CutExplorer()
    app.panel.set_values({"w": 2.5, "eps": -4.0, "h": 1})
    text = app.panel.state_string()
    assert text == "w=2.5; eps=-4; phi=0; h=1"
    app.panel.reset()
    app.panel.apply_state_string(text)
    assert app.panel.values() == {"w": 2.5, "eps": -4.0, "phi": 0.0, "h": 1}
    assert app.panel.state_text.value == text
    app.panel.apply_state_string("w=99")
    assert "between -20 and 20" in app.panel.error_area.value
    app.panel.apply_state_string("gain=2")
    assert "unknown parameter 'gain'" in app.panel.error_area.value
    app.panel.apply_state_string("h=2")
    assert "h must be one of" in app.panel.error_area.value
    assert app.panel.values()["w"] == 2.5  # nothing applied from bad strings


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


def test_explaining_away_app_matches_exact_and_gibbs():
    app = ExplainingAwayApp(n_chains=3000, n_sweeps=30, seed=1)
    model = toys.alarm_model(**toys.ALARM_PRESETS["strong explaining away"])
    post = exact.posterior(model, [1.0]).reshape(2, 2)
    np.testing.assert_allclose(app.probabilities[1], post[1].sum())
    heights = [bar.get_height() for bar in app.bars]
    np.testing.assert_allclose(heights, app.probabilities)
    before = app.readout.value
    app.panel.controls["quake"].value = 1
    assert app.readout.value != before and f"{app.probabilities[3]:.3f}" in app.readout.value
    trace = app.sample()
    assert trace.shape == (30,)
    assert abs(app.gibbs_estimate - app.probabilities[1]) < 5 * np.sqrt(0.25 / 3000)
    app.panel.preset_menu.value = "no overlap"
    assert app.gibbs_estimate is None  # stale Gibbs results are cleared
    app.reveal.value = False
    assert all(bar.get_height() == 0 for bar in app.bars) and "Predict first" in app.readout.value


def test_blitted_update_reaches_the_canvas_pixels():
    app = CorrectionExplorer(w=3.0, reach=40.0, n=50)
    app.figure.canvas.draw()
    before = np.asarray(app.figure.canvas.buffer_rgba()).copy()
    app.panel.controls["w"].value = -8.0  # same range: the blitted path
    after = np.asarray(app.figure.canvas.buffer_rgba())
    assert (before != after).any(axis=2).mean() > 0.05
    app.panel.controls["reach"].value = 10.0  # new limits: full redraw
    assert app.panel.last_error is None and app._drawn_reach == 10.0
