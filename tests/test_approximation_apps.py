"""Notebook 03's apps and figures: fixed colour scales, an In[12] panel that follows the sliders, widths that
fit a JupyterLab notebook column (about 840 px with the file browser open)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from orbm_explore import plots  # noqa: E402
from orbm_explore.widgets import ApproximationExplorer, NotesCellsExplorer  # noqa: E402

COLUMN_PX = 840


def _width_px(figure) -> float:
    return float(figure.get_size_inches()[0] * figure.dpi)


def test_error_colour_scale_does_not_depend_on_the_approximation():
    """Linear and sigmoid at the same W share the error map's scale, so their maps do not look alike."""
    app = ApproximationExplorer(approximation="sigmoid", w=3.0, n=40)
    sigmoid_clim = app.images[2].get_clim()
    sigmoid_max = np.abs(app.error).max()
    app.panel.set_values({"approximation": "linear"})
    assert app.panel.last_error is None
    assert app.images[2].get_clim() == sigmoid_clim == (-0.75, 0.75)  # ±|W|/4 at W = 3
    assert np.abs(app.error).max() > 10 * sigmoid_max            # ... and the errors differ tenfold
    app.panel.set_values({"w": -8.0})
    assert app.images[2].get_clim() == (-2.0, 2.0)
    assert app.images[0].get_clim() == app.images[1].get_clim() == (-8.0, 8.0)


def test_in12_panel_follows_w_and_the_gain():
    app = NotesCellsExplorer(w=6.0, eps=10.0, use_gain=True)
    true_tangent, approx_tangent = app.lines["in12_tangent_true"], app.lines["in12_tangent_approx"]
    x = app.offset
    np.testing.assert_allclose(true_tangent.get_ydata(), -3.0 + np.tanh(1.5) * x, atol=1e-12)
    np.testing.assert_allclose(approx_tangent.get_ydata(), true_tangent.get_ydata(), atol=1e-12)  # gain on: equal
    term_before = app.lines["in12_true"].get_ydata().copy()
    app.panel.set_values({"use_gain": False})
    np.testing.assert_allclose(approx_tangent.get_ydata(), -3.0 + 1.5 * x, atol=1e-12)           # W/4 without gain
    assert "1.5000" in app.readout.value
    app.panel.set_values({"w": -10.0})
    assert app.panel.last_error is None
    assert not np.allclose(app.lines["in12_true"].get_ydata(), term_before)
    # the exact first term, log σ(φ0) − log σ(φ0 + W), around φ0 = −W/2
    phi0 = x + 5.0
    expected = -np.logaddexp(0, -phi0) + np.logaddexp(0, -(phi0 - 10.0))
    np.testing.assert_allclose(app.lines["in12_true"].get_ydata(), expected, atol=1e-12)


def test_in12_panel_check_can_fail():
    """The tangent test above would notice a panel left at its starting W."""
    app = NotesCellsExplorer(w=6.0)
    frozen = app.lines["in12_tangent_true"].get_ydata().copy()
    app.panel.set_values({"w": 2.0})
    assert not np.allclose(app.lines["in12_tangent_true"].get_ydata(), frozen)


@pytest.mark.parametrize("factory", [lambda: ApproximationExplorer(n=20).figure, lambda: NotesCellsExplorer().figure,
                                     lambda: plots.error_maps_figure(4.0, 12.0, 1, ["linear", "sigmoid_nogain",
                                                                                     "sigmoid"], n=20)])
def test_figures_fit_a_notebook_column(factory):
    assert _width_px(factory()) <= COLUMN_PX - 80  # room for ipympl's toolbar column


def test_error_maps_share_one_scale_and_name_their_error():
    fig = plots.error_maps_figure(4.0, 12.0, 1, ["linear", "sigmoid"], notes={"sigmoid": "TV 0.027"}, n=50)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert [im.get_clim() for im in images] == [(-1.0, 1.0)] * 2
    titles = [ax.get_title() for ax in fig.axes if ax.images]
    assert titles[1].endswith("TV 0.027") and "max |error|" in titles[0]
    assert all(ax.get_xlabel() for ax in fig.axes if ax.images)


@pytest.mark.parametrize("kwargs, match", [({"names": []}, "names"), ({"error_scale": 0.0}, "error_scale"),
                                          ({"w": float("nan")}, "w"), ({"names": ["bogus"]}, "names")])
def test_error_maps_bad_arguments_are_named(kwargs, match):
    arguments = {"w": 4.0, "reach": 12.0, "h": 1, "names": ["sigmoid"], "n": 10, **kwargs}
    with pytest.raises((TypeError, ValueError), match=match):
        plots.error_maps_figure(**arguments)
