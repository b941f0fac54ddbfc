"""The classroom app as Python objects: hidden answers, sampling the selected condition, the step-by-step view."""

import matplotlib

matplotlib.use("Agg")

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Text

from helpers import random_two_cause
from orbm_explore import exact, explore, stats, toys
from orbm_explore.widgets import ClassroomApp, ExplainingAwayApp, WhyParallelView

CONDITIONS = ("unknown", 0, 1)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def answer_strings(probabilities):
    """How an answer could appear as text: 0.521, 0.52, 52%, 52.1%."""
    out = set()
    for p in probabilities:
        out |= {f"{p:.3f}", f"{p:.2f}", f"{100 * p:.0f}%", f"{100 * p:.1f}%"}
    return out


def visible_figure_text(figure):
    return " ".join(t.get_text() for t in figure.findobj(Text) if t.get_visible() and t.get_text())


def test_answers_hidden_means_hidden_for_every_preset_and_condition():
    app = ExplainingAwayApp(n_sweeps=30)
    assert app.answers.value is False and "Answers hidden" in app.state_label.value
    assert app.answers.description == "Show answers"
    for preset in toys.ALARM_PRESETS:
        app.panel.preset_menu.value = preset
        for alarm in (1, 0):
            for quake in CONDITIONS:
                app.panel.set_values({"alarm": alarm, "quake": quake})
                app.sample()  # a run while hidden shows the chain's states, never an estimate
                probabilities = app.exact_probabilities(app.panel.values())
                secrets = answer_strings(probabilities) | answer_strings([app.run.estimate])
                assert all(not artist.get_visible() for artist in app.answer_artists)
                text = visible_figure_text(app.figure) + " " + app.readout.value
                leaked = [s for s in secrets if s in text]
                assert not leaked, (preset, alarm, quake, leaked)
                assert all(mark.get_visible() for mark in app.question_marks)
    app.answers.value = True
    assert "Answers shown" in app.state_label.value and app.answers.description == "Hide answers"
    assert all(artist.get_visible() for artist in app.answer_artists)
    np.testing.assert_allclose([bar.get_height() for bar in app.bars], app.probabilities)
    assert f"{app.probabilities[app.selected]:.3f}" in app.readout.value
    assert not any(mark.get_visible() for mark in app.question_marks)


def test_the_hidden_check_can_fail():
    """If an answer artist were left visible, the same check would see the answer."""
    app = ExplainingAwayApp(n_sweeps=10)
    app.bar_labels[1].set_visible(True)
    assert f"{app.probabilities[1]:.3f}" in visible_figure_text(app.figure)


@pytest.mark.parametrize("quake", CONDITIONS)
@pytest.mark.parametrize("preset", ["strong explaining away", "quake silences the alarm"])
def test_sample_estimates_the_selected_condition(preset, quake):
    app = ExplainingAwayApp(preset=preset, n_sweeps=100, seed=3)
    app.panel.set_values({"quake": quake})
    app.chains.value = 200
    running = app.sample()
    exact_value = app.probabilities[explore.condition_index(quake)]
    assert running.shape == (100,) and app.gibbs_estimate == running[-1]
    assert app.run.standard_error > 0
    assert abs(app.gibbs_estimate - exact_value) < 3 * app.run.standard_error, (app.gibbs_estimate, exact_value)
    others = [p for k, p in enumerate(app.probabilities[1:], 1) if k != explore.condition_index(quake)]
    assert all(abs(app.gibbs_estimate - p) > 3 * app.run.standard_error for p in others
               if abs(p - exact_value) > 0.1)  # it does not estimate another condition


def test_one_chain_is_watched_sweep_by_sweep_and_the_seed_fixes_the_picture():
    app = ExplainingAwayApp(n_sweeps=60, answers_shown=True)
    assert app.chains.value == 1
    app.sample()
    frames = app._frames()
    assert frames[0] == 1 and frames[-1] == 60 and frames == sorted(set(frames)) and frames[:20] == list(range(1, 21))
    app.frame = 5
    app.redraw(frame_only=True)
    x, y = app.running_line.get_data()
    np.testing.assert_array_equal(x, np.arange(1, 6))
    np.testing.assert_allclose(y, np.cumsum(app.run.h_a[:5, 0]) / np.arange(1, 6))
    strip = np.ma.filled(app.chain_image.get_array(), np.nan)
    assert np.isnan(strip[:, 5:]).all() and not np.isnan(strip[:, :5]).any()
    app.frame = 60
    app.redraw(frame_only=True)
    frame_picture = app.static_png()
    app.redraw()
    assert app.static_png() == frame_picture  # a frame over the cached background equals a full draw
    again = ExplainingAwayApp(n_sweeps=60, answers_shown=True)
    again.sample()
    assert again.static_png() == frame_picture  # same seed, same picture in every lecture
    app.panel.controls["w_a"].value = 7.0
    assert app.run is None and app.gibbs_estimate is None  # a run belongs to the setting it was made at


def test_sampling_with_the_quake_clamped_is_exact():
    """given_cause_b(model, b): its posterior over h_A is the original P(h_A | v, h_B = b)."""
    models = [(toys.alarm_model(), np.array([1.0])), (toys.alarm_model(8, -6, -3, -2, -1), np.array([1.0]))]
    model = random_two_cause(2, 2, 3, scale=3, seed=5)
    models.append((model, np.array([1.0, 0.0, 1.0])))
    belief = random_two_cause(2, 1, 3, scale=3, seed=6)
    from orbm_explore.two_cause import TwoCauseRBM
    models.append((TwoCauseRBM(belief.a, belief.b, belief_bias=[0.5, -1.0, 2.0]), np.array([0.0, 1.0, 1.0])))
    for model, v in models:
        n_a, n_b = model.a.n_hidden, model.b.n_hidden
        joint = exact.posterior(model, v).reshape(2 ** n_a, 2 ** n_b)
        for k, h_b in enumerate(exact.binary_states(n_b)):
            clamped = explore.given_cause_b(model, h_b)
            marginal = exact.posterior(clamped, v).reshape(2 ** n_a, -1).sum(axis=1)
            np.testing.assert_allclose(marginal, joint[:, k] / joint[:, k].sum(), atol=1e-12)


def _single_site_matrix_from_joint(model, v, unit):
    """Independent oracle: resample one unit from P(unit | rest, v) computed from log P* ratios."""
    h_a, h_b = exact.two_cause_hidden_states(model)
    states = np.hstack([h_a, h_b])
    n_a = h_a.shape[1]
    log_p = model.log_p_star(h_a, h_b, np.broadcast_to(v, (len(states), len(v))))
    index = exact.state_index(states)
    matrix = np.zeros((len(states), len(states)))
    for s, row in enumerate(states):
        on, off = row.copy(), row.copy()
        on[unit], off[unit] = 1, 0
        i_on, i_off = (int(exact.state_index(x)) for x in (on, off))
        p_on = 1 / (1 + np.exp(log_p[i_off] - log_p[i_on]))
        matrix[index[s], i_on] += p_on
        matrix[index[s], i_off] += 1 - p_on
    assert n_a >= 1
    return matrix


def test_step_by_step_numbers():
    view = WhyParallelView()
    model, v = view.model, view.v
    seq, par = view.steps["sequential"], view.steps["parallel"]
    assert [s.label for s in seq] == ["unit A1", "unit A2", "unit B1"] and len(par) == 2
    for unit, step in enumerate(seq):  # each step's exact transition matrix, from the joint itself
        np.testing.assert_allclose(step.matrix, _single_site_matrix_from_joint(model, v, unit), atol=1e-12)
        np.testing.assert_allclose(step.matrix.sum(axis=1), 1.0)
    # the parallel A step: both units drawn from their conditionals given the OLD state (a product)
    a1, a2 = (_single_site_matrix_from_joint(model, v, u) for u in (0, 1))
    states = np.hstack(exact.two_cause_hidden_states(model))
    for s in range(8):
        for t in range(8):
            if states[s, 2] != states[t, 2]:
                assert par[0].matrix[s, t] == 0
                continue
            p1 = a1[s, int(exact.state_index(np.r_[states[t, 0], states[s, 1:]]))]
            p2 = a2[s, int(exact.state_index(np.r_[states[s, 0], states[t, 1], states[s, 2]]))]
            assert abs(par[0].matrix[s, t] - p1 * p2) < 1e-12
    # a sweep's steps multiply to the library's sweep kernel
    for schedule in ("sequential", "parallel"):
        product = np.linalg.multi_dot([s.matrix for s in view.steps[schedule]] + [np.eye(8)])
        np.testing.assert_allclose(product, exact.sweep_kernel(model, v, "exact", schedule), atol=1e-12)
    # each law the view shows is the previous law times that step's matrix
    previous = {"sequential": view.start, "parallel": view.start}
    for clock in range(1, 13):
        laws = view.laws(clock)
        step_seq, step_par = view.current_steps(clock)
        np.testing.assert_allclose(laws["sequential"], previous["sequential"] @ step_seq.matrix, atol=1e-12)
        expected_par = previous["parallel"] @ step_par.matrix if step_par is not None else previous["parallel"]
        np.testing.assert_allclose(laws["parallel"], expected_par, atol=1e-12)
        previous = laws
        view.go(clock)
        bars = view.ax_bars.containers
        np.testing.assert_allclose([b.get_height() for b in bars[1]], laws["sequential"], atol=1e-12)
        np.testing.assert_allclose([b.get_height() for b in bars[2]], laws["parallel"], atol=1e-12)
    # repeating the sweep converges to each schedule's stationary law, shown beside the exact posterior
    end = view.laws(3 * view.END_SWEEPS)
    for schedule in ("sequential", "parallel"):
        stationary = exact.sampler_stationary_distribution(model, v, "exact", schedule)
        np.testing.assert_allclose(view.stationary[schedule], stationary)
        np.testing.assert_allclose(end[schedule], stationary, atol=1e-9)
    np.testing.assert_allclose(view.stationary["sequential"], view.posterior, atol=1e-12)
    assert stats.total_variation(view.stationary["parallel"], view.posterior) > 0.2
    view.go(3 * view.END_SWEEPS)
    np.testing.assert_allclose([b.get_height() for b in view.ax_bars.containers[0]], view.posterior)
    assert "0.236" in view.readout.value  # TV(parallel stationary, posterior) is stated


def test_law_after_steps_multiplies_in_order():
    rng = np.random.default_rng(0)
    mats = [rng.random((3, 3)) for _ in range(2)]
    mats = [m / m.sum(axis=1, keepdims=True) for m in mats]
    steps = [explore.Step("a", mats[0]), explore.Step("b", mats[1])]
    start = np.array([1.0, 0.0, 0.0])
    laws = explore.law_after_steps(start, steps, 3)
    np.testing.assert_allclose(laws[3], start @ mats[0] @ mats[1] @ mats[0])
    assert not np.allclose(laws[3], start @ mats[1] @ mats[0] @ mats[1])


def test_bad_input_to_the_classroom_apps():
    with pytest.raises(ValueError, match="preset must be one of .*strong explaining away"):
        ExplainingAwayApp(preset="bogus")
    for name in ("n_chains", "n_sweeps"):
        for bad in (0, -1, 2.5, None):
            with pytest.raises(ValueError, match=name):
                ExplainingAwayApp(**{name: bad})
    with pytest.raises(ValueError, match="seed"):
        ExplainingAwayApp(seed="x")
    with pytest.raises(ValueError, match="start must be one of"):
        WhyParallelView(start="22|2")
    app = ExplainingAwayApp(n_sweeps=5)
    with pytest.raises(ValueError, match="w_a must be a finite number"):
        app.panel.set_values({"w_a": float("nan")})
    with pytest.raises(ValueError, match="quake must be one of"):
        app.panel.set_values({"quake": 2})


def test_explore_checks_once_at_the_edge_and_the_fast_paths_agree():
    """The public explore functions refuse bad input by name; the widgets' private paths give the same numbers."""
    model = toys.alarm_model()
    steps = explore.sweep_steps(model, [1], "sequential")
    start = np.array([0.25, 0.25, 0.25, 0.25])
    np.testing.assert_array_equal(explore.law_after_steps(start, steps, 5), explore._law_after_steps(start, steps, 5))
    assert explore.law_after_steps(start, steps, 0).shape == (1, 4)
    for w, h in ((3.0, 0), (3.0, 1), (-2.5, 1.0)):
        assert explore.switch_offset(w, h) == explore._switch_offset(w, h) == -w / 2 + h * w
        assert explore.correction_at(0.5, 1.0, w, h) == explore._correction_at(0.5, 1.0, w, h)
    assert explore.condition_index("unknown") == 1 and explore.condition_index(0) == 2
    assert explore.condition_index(1.0) == 3
    with pytest.raises(ValueError, match=r"quake must be one of \('unknown', 0, 1\)"):
        explore.condition_index("bogus")
    with pytest.raises(ValueError, match="quake"):
        explore.condition_index(True)
    with pytest.raises(ValueError, match="start must be a probability vector"):
        explore.law_after_steps(2 * start, steps, 1)
    with pytest.raises(ValueError, match="h .*must be 0 or 1"):
        explore.switch_offset(3.0, 0.5)
    with pytest.raises(ValueError, match="alarm must be 0 or 1"):
        explore.alarm_probabilities(model, 0.5)
    with pytest.raises(ValueError, match="model must have one hidden unit per cause"):
        explore.alarm_probabilities(random_two_cause(2, 1, 1, scale=1, seed=0), 1.0)
    with pytest.raises(TypeError, match="model must be a TwoCauseRBM"):
        explore.given_cause_b("m", [1])
    with pytest.raises(ValueError, match="approximation must be one of"):
        explore.approximation_error(3.0, 10.0, 0.0, 5, "bogus")
    with pytest.raises(ValueError, match="n_sweeps must be at least 2 with one chain"):
        explore.watch_chains(model, 1.0, n_chains=1, n_sweeps=1)
    with pytest.raises(ValueError, match="n_sweeps must be at least 2"):
        ExplainingAwayApp(n_sweeps=1)
    run = explore.watch_chains(model, 1.0, n_chains=1, n_sweeps=2)
    assert np.isfinite(run.standard_error) and np.isfinite(run.estimate)
    # sigmoid_step: the notes' In[4] formula, with saturation instead of overflow for huge α
    phi = np.array([-3.0, 0.0, 2.0])
    np.testing.assert_allclose(explore.sigmoid_step(phi, 3.0, 2.0), -3.0 / (1 + np.exp(2.0 * (phi + 1.5))), rtol=1e-14)
    np.testing.assert_array_equal(explore.sigmoid_step(phi, 3.0, 1e308), [-3.0, 0.0, 0.0])


def test_malformed_parameter_string_shows_one_line_and_changes_nothing():
    app = ExplainingAwayApp(n_sweeps=5)
    before_values, before_picture = app.panel.values(), app.static_png()
    for bad in ("w_a=abc", "w_a=99", "w_a", "colour=red", "quake=maybe", "w_a=nan"):
        assert app.panel.apply_state_string(bad) is False
        message = app.panel.error_area.value
        assert message.startswith("<span") and "Not applied" in message and "\n" not in message
        assert app.panel.values() == before_values and app.static_png() == before_picture
    good = "w_a=4; w_b=4; bias=-6; prior_a=-1; prior_b=-1; alarm=1; quake=1"
    assert app.panel.apply_state_string(good) is True
    assert app.panel.preset_menu.value == "both causes needed" and app.panel.values()["quake"] == 1
    app.panel.controls["bias"].value = -5.9
    assert app.panel.preset_menu.value == "(custom)"


def test_classroom_switches_views_and_has_projector_sized_figures():
    app = ClassroomApp(n_sweeps=20)
    assert app.why.widget.layout.display == "none" and app.explaining.main.layout.display == ""
    app.view_choice.value = "Why parallel is wrong"
    assert app.why.widget.layout.display == "" and app.explaining.main.layout.display == "none"
    for figure in (app.explaining.figure, app.why.figure):
        width, height = figure.get_size_inches() * figure.dpi
        assert width <= 820 and height <= 570  # beside 450 px of controls on a 1280×720 page
        figure.canvas.draw()
        not_drawn = {id(t) for ax in figure.axes if not ax.axison  # axis("off") draws no ticks
                     for axis in (ax.xaxis, ax.yaxis) for t in axis.findobj(Text)}
        drawn = [t for t in figure.findobj(Text) if t.get_text().strip() and t.get_visible() and id(t) not in not_drawn]
        sizes = [t.get_fontsize() for t in drawn]
        assert min(sizes) >= 14, min(sizes)
    text = re.sub("<[^>]+>", " ", app.why.readout.value)
    assert "coupled" in text
