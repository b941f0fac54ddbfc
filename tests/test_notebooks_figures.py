"""The figure of notebook 00: the unrolled two-cause model, every unit and every layer named."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402

from orbm_explore.plots_architecture import draw_unrolled_architecture  # noqa: E402


@pytest.mark.parametrize("n_a, n_b, n_v", [(3, 2, 4), (1, 1, 1), (2, 4, 3)])
def test_draws_every_unit_and_each_rbms_own_visible_layer(n_a, n_b, n_v):
    fig, ax = plt.subplots()
    try:
        drawn = draw_unrolled_architecture(ax, n_hidden_a=n_a, n_hidden_b=n_b, n_visible=n_v)
        units = drawn["units"]
        assert {k: len(v) for k, v in units.items()} == {"own visible A": n_v, "hidden A": n_a,
                                                         "own visible B": n_v, "hidden B": n_b, "visible v": n_v}
        # the own visible layers are drawn dashed (summed out); the shared layer solid
        assert all(c.get_linestyle() == "--" for c in units["own visible A"] + units["own visible B"])
        assert all(c.get_linestyle() == "-" for c in units["visible v"] + units["hidden A"])
        # one directed arrow per (hidden unit, shared visible unit), one undirected edge per RBM pair
        arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
        assert len(arrows) == (n_a + n_b) * n_v
        assert len(ax.lines) == (n_a + n_b) * n_v
        text = " ".join(t.get_text() for t in drawn["labels"])
        for phrase in ("own visible layer", "RBM A", "RBM B", "sigmoid belief layer", "shared visible layer",
                       r"\log(1 + e^{\phi^A_i})"):
            assert phrase in text, phrase
        # every unit carries its own label
        unit_labels = [t for t in ax.texts if t not in drawn["labels"]]
        assert len(unit_labels) == 2 * n_v + n_a + n_b + n_v
    finally:
        plt.close(fig)


@pytest.mark.parametrize("kwargs, name", [({"n_hidden_a": 0}, "n_hidden_a"), ({"n_visible": 7}, "n_visible"),
                                          ({"n_hidden_b": 2.5}, "n_hidden_b")])
def test_bad_sizes_name_the_argument(kwargs, name):
    fig, ax = plt.subplots()
    try:
        with pytest.raises(ValueError, match=name):
            draw_unrolled_architecture(ax, **kwargs)
    finally:
        plt.close(fig)
