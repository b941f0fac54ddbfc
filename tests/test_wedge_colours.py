"""Notebook 02's correction maps are colour-blind safe: the two plateaus differ in colour for
deuteranopes and protanopes, and each is also named in text ("C ≈ −W", "C ≈ +W") inside its wedge."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from orbm_explore import corrections, plots
from orbm_explore.widgets import CorrectionExplorer


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------- colour-vision simulation
# Machado, Oliveira & Fernandes (2009), severity 1.0, acting on linear RGB.
MACHADO = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
WHITE_D65 = np.array([0.95047, 1.0, 1.08883])
# CIELAB distance two flat regions must keep under each simulation. Distinct colours of one map are
# typically 40–100 apart; red against green under deuteranopia is about 18.
MIN_DELTA_E = 30.0


def _linear(rgb):
    rgb = np.asarray(rgb, dtype=float)[:3]
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb):
    xyz = SRGB_TO_XYZ @ np.clip(linear_rgb, 0.0, 1.0) / WHITE_D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _delta_e(colour_a, colour_b, deficiency=None):
    a, b = _linear(colour_a), _linear(colour_b)
    if deficiency is not None:
        a, b = MACHADO[deficiency] @ a, MACHADO[deficiency] @ b
    return float(np.linalg.norm(_lab(a) - _lab(b)))


def _plateau_colours(image, w):
    """The colours an image of the maps gives C = −W, C = 0 and C = +W."""
    return [image.cmap(image.norm(value)) for value in (-w, 0.0, w)]


def _smallest_distance(colours, deficiency):
    return min(_delta_e(colours[i], colours[j], deficiency) for i in range(3) for j in range(i + 1, 3))


def test_the_distance_check_rejects_red_against_green():
    """The simulation itself: white stays white, and the notes' red–green map is refused."""
    for matrix in MACHADO.values():
        np.testing.assert_allclose(matrix.sum(axis=1), 1.0, atol=1e-5)
    red_green = plt.get_cmap("RdYlGn")
    colours = [red_green(x) for x in (0.0, 0.5, 1.0)]
    assert _delta_e(colours[0], colours[2]) > 90                    # vivid for normal vision ...
    assert _delta_e(colours[0], colours[2], "deuteranopia") < 20    # ... nearly one colour without M cones
    assert _smallest_distance(colours, "deuteranopia") < MIN_DELTA_E


@pytest.mark.parametrize("deficiency", sorted(MACHADO))
@pytest.mark.parametrize("w", [3.0, -3.0])
def test_plateaus_stay_apart_for_colour_blind_readers(deficiency, w):
    panels = plots.draw_correction_panels(w=w, reach=10.0, n=20)
    colours = _plateau_colours(panels.images[0], w)
    assert _smallest_distance(colours, None) > MIN_DELTA_E
    assert _smallest_distance(colours, deficiency) > MIN_DELTA_E, plots.DIVERGING


def test_wedge_colour_names_the_colour_actually_drawn():
    cmap = plt.get_cmap(plots.DIVERGING)
    named = {"red": np.array([1.0, 0.0, 0.0]), "blue": np.array([0.0, 0.0, 1.0])}
    for value, end in ((-3.0, 0.0), (3.0, 1.0)):
        drawn = np.asarray(cmap(end)[:3])
        nearest = min(named, key=lambda name: np.linalg.norm(named[name] - drawn))
        assert plots.wedge_colour(value) == nearest


# --------------------------------------------------------------------------- the wedge labels
CASES = [(w, h, reach) for w in (3.0, -3.0, 7.5, -0.8) for h in (0, 1) for reach in (10.0, 40.0)]


def _inside_wedge(phi, eps, c, sign):
    """The C ≈ −W wedge (sign −1): φ < c < φ + ε; the C ≈ +W wedge (sign +1): φ + ε < c < φ."""
    if sign < 0:
        return (phi < c) & (phi + eps > c)
    return (phi > c) & (phi + eps < c)


def _box_corners_in_data(label, ax):
    """The drawn extent of the label's white box, in data coordinates (after the figure's layout)."""
    renderer = ax.figure.canvas.get_renderer()
    label.draw(renderer)  # places the box (an animated label is skipped by a canvas draw)
    box = label.get_bbox_patch().get_window_extent(renderer)
    corners = np.array([[box.x0, box.y0], [box.x0, box.y1], [box.x1, box.y0], [box.x1, box.y1]])
    return ax.transData.inverted().transform(corners)


def _check_labels(panels, w, reach):
    panels.figure.canvas.draw()  # the layout, so that data ↔ pixels is what the reader sees
    assert len(panels.labels) == len(panels.hs)
    for ax, pair, h in zip(panels.axes, panels.labels, panels.hs):
        c = -w / 2 + h * w
        for label, text, sign in zip(pair, ("C ≈ −W", "C ≈ +W"), (-1, 1)):
            assert label.get_text() == text
            assert label.axes is ax
            assert label.get_visible(), (w, h, reach, text)
            phi, eps = label.get_position()
            # C at the label's centre is the plateau it names: near sign·W, far from 0 and from −sign·W
            value = float(corrections.exact(phi - h * w, eps, w))
            assert abs(value - sign * w) < 0.2 * abs(w), (w, h, reach, text, value)
            # the whole drawn box lies inside that wedge and inside the square
            corners = _box_corners_in_data(label, ax)
            assert _inside_wedge(corners[:, 0], corners[:, 1], c, sign).all(), (w, h, reach, text, corners)
            assert (np.abs(corners) < reach).all(), (w, h, reach, text, corners)


@pytest.mark.parametrize("w, h, reach", CASES)
def test_wedge_labels_name_their_plateau_and_sit_inside_it(w, h, reach):
    panels = plots.draw_correction_panels(w=w, reach=reach, n=20, hs=(h,))
    _check_labels(panels, w, reach)


def test_wedge_labels_move_in_place_with_w_h_and_range():
    panels = plots.draw_correction_panels(w=3.0, reach=10.0, n=20)
    before = [list(pair) for pair in panels.labels]
    for w, reach in ((-3.0, 10.0), (7.5, 40.0), (-0.8, 40.0), (3.0, 10.0)):
        plots.update_correction_panels(panels, w=w, reach=reach, n=20)
        assert all(a is b for pair, old in zip(panels.labels, before) for a, b in zip(pair, old))
        assert len(panels.axes[0].texts) == 2   # moved, not drawn again
        _check_labels(panels, w, reach)


def test_wedge_labels_are_hidden_when_their_wedge_has_no_room():
    # W = 20, range ±2, h = 0: both switch lines pass through φ = −10, far left of the square
    panels = plots.draw_correction_panels(w=3.0, reach=10.0, n=20, hs=(0,))
    plots.update_correction_panels(panels, w=20.0, reach=2.0, n=20)
    assert not any(label.get_visible() for label in panels.labels[0])
    plots.update_correction_panels(panels, w=3.0, reach=10.0, n=20)
    assert all(label.get_visible() for label in panels.labels[0])


def test_wedge_labels_can_be_left_out():
    panels = plots.draw_correction_panels(w=3.0, reach=10.0, n=20, wedge_labels=False)
    assert panels.labels == [] and not panels.axes[0].texts
    plots.update_correction_panels(panels, w=-3.0, reach=10.0, n=20)  # nothing to move


@pytest.mark.parametrize("w", [3.0, -3.0])
def test_correction_explorer_labels_follow_the_sliders(w):
    app = CorrectionExplorer(w=-w, reach=10.0, n=20)
    labels = [label for pair in app.artists.labels for label in pair]
    assert len(labels) == 4 and all(label in app.blitter.artists for label in labels)  # redrawn on blit
    app.panel.set_values({"w": w, "reach": 10.0})
    _check_labels(app.artists, w, 10.0)
    assert app.figure_widths_px()[0] <= CorrectionExplorer.MAX_FIGURE_PX
    # the chosen row is black dash-dot (a blue line vanished into the blue wedge), unlike either guide
    assert all(row.get_color() == "k" and row.get_linestyle() == "-." for row in app.rows)
