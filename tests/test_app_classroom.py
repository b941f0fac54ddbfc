"""The classroom app as Python objects: hidden answers, sampling the selected condition, the step-by-step view."""

import matplotlib

matplotlib.use("Agg")

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from helpers import random_two_cause
from browser_support import ROOT
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


def answer_texts(app):
    """Every text the app shows: visible figure text, the readout, the state line and the 2x2 tables."""
    return " ".join([visible_figure_text(app.figure), app.readout.value, app.state_label.value, app.tables.value])


def leaks(app):
    """Answers of questions that are not revealed, seen anywhere (artists visible, or their numbers in text)."""
    found = []
    shown_strings = answer_strings([app.probabilities[0]]) | answer_strings(app.probabilities[sorted(app.revealed)])
    if app.run is not None and app._run_condition in app.revealed:
        shown_strings |= answer_strings([app.run.estimate])
    tokens = set(re.findall(r"\d+(?:\.\d+)?%?", answer_texts(app)))  # whole numbers: 0.00 is not in 0.006
    for k in app.QUESTIONS:
        if k in app.revealed:
            continue
        found += [(k, "artist", a) for a in app.answer_artists(k) if a.get_visible()]
        secrets = answer_strings([app.probabilities[k]])
        if app.run is not None and app._run_condition == k:
            secrets |= answer_strings([app.run.estimate])
        found += [(k, "text", s) for s in secrets - shown_strings if s in tokens]
    return found


def test_answers_hidden_means_hidden_and_reveal_shows_one_question_at_a_time():
    app = ExplainingAwayApp(n_sweeps=30)
    assert not app.revealed and "Answers hidden" in app.state_label.value and not app.answers_shown
    assert app.reveal_button.description == "Reveal answer" and app.hide_button.description == "Hide all"
    assert app.reveal_all_button.description == "Reveal all"
    for preset in toys.ALARM_PRESETS:
        app.panel.preset_menu.value = preset
        for alarm in (1, 0):
            app.panel.set_values({"alarm": alarm, "quake": "unknown"})
            assert not app.revealed  # a new model or alarm is a new round
            for k, quake in zip(app.QUESTIONS, CONDITIONS):
                app.panel.set_values({"quake": quake})
                app.sample()  # a run while its question is hidden shows the chain's states, never an estimate
                assert not leaks(app), (preset, alarm, quake, leaks(app))
                assert all(app.question_marks[j].get_visible() for j in app.QUESTIONS if j not in app.revealed)
                app.reveal()
                assert k in app.revealed and all(a.get_visible() for a in app.answer_artists(k))
                assert f"{app.probabilities[k]:.3f}" in app.readout.value
                assert not leaks(app), (preset, alarm, quake, leaks(app))  # the other questions stay hidden
                assert not app.tables.value or app.answers_shown
            assert app.answers_shown and "Answers shown" in app.state_label.value
            app.hide()
            assert not app.revealed and not leaks(app)
            app.reveal_all()
            assert all(a.get_visible() for a in app.all_answer_artists) and not leaks(app)
            np.testing.assert_allclose([bar.get_height() for bar in app.bars], app.probabilities)
            app.hide()


def test_the_airtight_check_can_fail():
    """If another question's artist were visible, or its number in the readout, the check would say so."""
    app = ExplainingAwayApp(n_sweeps=10)
    app.reveal()  # question 1 only
    assert not leaks(app)
    app.bar_labels[3].set_visible(True)
    assert leaks(app) and leaks(app)[0][0] == 3
    app.redraw()
    assert not leaks(app)
    app.readout.value += f" ({app.probabilities[2]:.3f})"
    assert any(k == 2 and kind == "text" for k, kind, _ in leaks(app))


def test_class_guesses_are_kept_per_question_and_drawn_beside_revealed_bars():
    app = ExplainingAwayApp(n_sweeps=10)
    guesses = {1: 0.3, 2: 0.75, 3: 0.1}
    for k, quake in zip(app.QUESTIONS, CONDITIONS):
        app.panel.set_values({"quake": quake})
        assert app.guess.value == 0.5  # a fresh question starts at 50 %
        app.guess.value = guesses[k]
        app.reveal()
    assert app.guesses == guesses
    for k, line in app.guess_lines.items():
        x, y = line.get_data()
        assert np.allclose(y, guesses[k]) and abs(np.mean(x) - k) < 1e-12 and line.get_visible()
    app.panel.set_values({"quake": 0})
    assert app.guess.value == guesses[2]  # going back shows that question's guess
    assert "guessed 75%" in app.readout.value
    app.panel.controls["w_a"].value = 7.0  # another model: a new round
    assert app.guesses == {} and not app.revealed
    assert all(len(line.get_data()[0]) == 0 for line in app.guess_lines.values())


def test_reveal_records_the_guess_on_screen_and_tables_wait_for_every_answer():
    app = ExplainingAwayApp(n_sweeps=10)
    app.reveal()
    assert app.guesses == {1: 0.5}
    assert app.tables_button.disabled and app.tables.value == ""
    app.tables_button.value = True  # even if forced, nothing is shown before every answer is out
    assert app.tables.value == "" and app.view.layout.display != "none"
    app.tables_button.value = False
    app.reveal_all()
    assert not app.tables_button.disabled
    app.tables_button.value = True
    assert "covariance" in app.tables.value and app.view.layout.display == "none"
    table = explore.cause_joint(app.model(), 1)
    assert f"{table[1, 1]:.3f}" in app.tables.value and f"{explore.cause_covariance(table):+.3f}" in app.tables.value
    app.hide()
    assert app.tables.value == "" and not app.tables_button.value and app.view.layout.display == ""


def test_labels_follow_the_evidence():
    app = ExplainingAwayApp(n_sweeps=10)
    quake = app.panel.controls["quake"]
    ticks = [t.get_text() for t in app.ax_bars.get_xticklabels()]
    assert ticks[1] == "alarm" and quake._options_labels[0] == "alarm only"
    app.panel.set_values({"alarm": 0, "quake": 1})
    ticks = [t.get_text() for t in app.ax_bars.get_xticklabels()]
    assert all("silence" in t for t in ticks[1:]) and not any("alarm" in t for t in ticks)
    assert quake._options_labels == ("silence only", "no quake", "quake") and quake.value == 1
    assert "silent" in app.readout.value and "rings" not in app.readout.value


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
    assert app.panel.preset_menu.value == "two weak causes" and app.panel.values()["quake"] == 1
    app.panel.controls["bias"].value = -5.9
    assert app.panel.preset_menu.value == "(custom)"


def test_classroom_switches_views_and_draws_projector_sized_text():
    app = ClassroomApp(n_sweeps=20)
    assert app.why.widget.layout.display == "none" and app.explaining.main.layout.display == ""
    app.view_choice.value = "Why parallel is wrong"
    assert app.why.widget.layout.display == "" and app.explaining.main.layout.display == "none"
    for figure, design in ((app.explaining.figure, (600, 520)), (app.why.figure, (760, 500))):
        np.testing.assert_allclose(figure.get_size_inches() * 96, design)  # the CSS scales from this size
        figure.canvas.draw()
        sizes = [t.get_fontsize() for t in drawn_texts(figure)]
        # 15 pt at the design size is >= 14 pt on a 1024x768 page, where the page shows it at >= 0.94x
        assert min(sizes) >= 15, min(sizes)
    text = re.sub("<[^>]+>", " ", app.why.readout.value)
    assert "coupled" in text


def test_the_notebook_04_default_is_the_class_setting():
    """ClassroomApp(preset=..., answers_shown=False) with no chain run: all hidden, and the words match the buttons."""
    app = ClassroomApp(preset="two weak causes", answers_shown=False)
    ex = app.explaining
    assert ex.run is None and not ex.revealed and not leaks(ex)
    assert "Answers hidden" in ex.state_label.value and "Reveal answer" in ex.readout.value
    assert {ex.reveal_button.description, ex.hide_button.description, ex.reveal_all_button.description} == {
        "Reveal answer", "Hide all", "Reveal all"}
    assert ex.panel.preset_menu.value == "two weak causes"
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## In class"):]
    section = section[:section.index("\n## ", 5)] if "\n## " in section[5:] else section
    for name in ("Reveal answer", "Hide all", "Reveal all", "Sample", "2×2 tables", "Next step"):
        assert name in section, name
    assert "Show answers" not in section


# -- no overlapping text ------------------------------------------------------------------------
def drawn_texts(figure):
    """Texts matplotlib draws: visible, non-empty, not the ticks of an axis("off") axes."""
    hidden_axes = {id(t) for ax in figure.axes if not ax.axison
                   for axis in (ax.xaxis, ax.yaxis) for t in axis.findobj(Text)}
    out = []
    for t in figure.findobj(Text):
        if not t.get_text().strip() or id(t) in hidden_axes:
            continue
        artist, visible = t, True
        while artist is not None:  # a legend's text is drawn only if the legend is
            visible &= artist.get_visible()
            artist = getattr(artist, "axes", None) if artist is t else None
        if visible and t.get_visible() and not _in_hidden_legend(t, figure):
            out.append(t)
    return out


def _in_hidden_legend(text, figure):
    for ax in figure.axes:
        legend = ax.get_legend()
        if legend is not None and text in legend.get_texts() and not legend.get_visible():
            return True
    return False


def text_problems(figure):
    """Pairs of drawn texts whose rendered boxes overlap, texts outside the figure, legends over bars."""
    if not hasattr(figure.canvas, "get_renderer"):
        FigureCanvasAgg(figure)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    texts = drawn_texts(figure)
    boxes = [t.get_window_extent(renderer) for t in texts]
    problems = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if boxes[i].overlaps(boxes[j]) and boxes[i].intersection(boxes[i], boxes[j]).width > 0.5 \
                    and boxes[i].intersection(boxes[i], boxes[j]).height > 0.5:
                problems.append(("overlap", texts[i].get_text(), texts[j].get_text()))
    frame = figure.bbox
    for t, b in zip(texts, boxes):
        if b.x0 < frame.x0 - 0.5 or b.y0 < frame.y0 - 0.5 or b.x1 > frame.x1 + 0.5 or b.y1 > frame.y1 + 0.5:
            problems.append(("outside the figure", t.get_text()))
    for ax in figure.axes:
        legend = ax.get_legend()
        if legend is None or not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer)
        for patch in ax.patches:
            if patch.get_visible() and patch.get_height() > 0 if hasattr(patch, "get_height") else False:
                if box.overlaps(patch.get_window_extent(renderer)):
                    problems.append(("legend over a bar", ax.get_title(loc="left") or ax.get_title()))
                    break
    return problems


def test_the_text_checker_can_fail():
    fig = plt.figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, "first label")
    ax.text(0.52, 0.5, "second label")
    assert ("overlap", "first label", "second label") in text_problems(fig)
    ax.texts[1].set_position((0.5, 0.2))
    assert not [p for p in text_problems(fig) if p[0] == "overlap"]
    ax.text(1.3, 0.5, "far right")
    assert ("outside the figure", "far right") in text_problems(fig)
    ax.bar([0.5], [0.9], width=0.5)
    ax.legend(["bar"], loc="center")
    assert any(p[0] == "legend over a bar" for p in text_problems(fig))


def test_no_text_overlaps_in_why_parallel_at_any_step():
    view = WhyParallelView()
    found = {}
    for clock in [*range(0, 61), 3 * view.END_SWEEPS]:
        view.go(clock)
        problems = text_problems(view.figure)
        if problems:
            found[clock] = problems
    assert not found, repr(found)[:3000]


@pytest.mark.parametrize("preset", list(toys.ALARM_PRESETS))
def test_no_text_overlaps_in_explaining_away(preset):
    app = ExplainingAwayApp(preset=preset, n_sweeps=30)
    found = {}
    for alarm in (1, 0):
        for quake in CONDITIONS:
            app.panel.set_values({"alarm": alarm, "quake": quake})
            for state in ("hidden", "hidden, sampled", "revealed", "all shown, sampled"):
                if state == "hidden":
                    app.hide()
                elif state == "hidden, sampled":
                    app.sample()
                elif state == "revealed":
                    app.reveal()
                else:
                    app.guess.value = 0.95
                    app.reveal_all()
                    app.sample()
                problems = text_problems(app.figure)
                if problems:
                    found[(alarm, quake, state)] = problems
            app.hide()
    assert not found, repr(found)[:3000]


# -- presets, tables, and bad input (issues 19, 20, 23) ---------------------------------------------------
def test_presets_are_read_only_and_named_for_what_they_teach():
    assert list(toys.ALARM_PRESETS) == ["strong explaining away", "no overlap", "two weak causes",
                                        "quake silences the alarm"]
    before = {name: dict(values) for name, values in toys.ALARM_PRESETS.items()}
    with pytest.raises(TypeError):
        toys.ALARM_PRESETS["two weak causes"]["w_a"] = 0.0
    with pytest.raises(TypeError):
        toys.ALARM_PRESETS["mine"] = {"w_a": 1.0}
    with pytest.raises(TypeError):
        del toys.ALARM_PRESETS["no overlap"]
    with pytest.raises(AttributeError):
        toys.ALARM_PRESETS["no overlap"].update(w_a=0.0)
    assert {name: dict(values) for name, values in toys.ALARM_PRESETS.items()} == before
    copy = dict(toys.ALARM_PRESETS["no overlap"])
    copy["w_a"] = 1.0  # a copy is the student's to change
    assert toys.ALARM_PRESETS["no overlap"]["w_a"] == 8.0
    model = toys.alarm_model(**toys.ALARM_PRESETS["two weak causes"])
    assert model.n_visible == 1


def enumerated_joint(w_a, w_b, bias, prior_a, prior_b, alarm=None):
    """Independent oracle from the alarm model's definition: independent causes with the given prior
    log-odds, P(alarm = 1 | h_A, h_B) = sigmoid(w_a h_A + w_b h_B + bias)."""
    table = np.zeros((2, 2))
    for a in (0, 1):
        for b in (0, 1):
            p = (1 / (1 + np.exp(-prior_a)) if a else 1 / (1 + np.exp(prior_a)))
            p *= (1 / (1 + np.exp(-prior_b)) if b else 1 / (1 + np.exp(prior_b)))
            if alarm is not None:
                ring = 1 / (1 + np.exp(-(w_a * a + w_b * b + bias)))
                p *= ring if alarm == 1 else 1 - ring
            table[a, b] = p
    return table / table.sum()


def test_cause_joint_and_covariance_match_an_independent_enumeration():
    for name, values in toys.ALARM_PRESETS.items():
        model = toys.alarm_model(**values)
        for alarm in (None, 0, 1, 0.0, 1.0):
            np.testing.assert_allclose(explore.cause_joint(model, alarm), enumerated_joint(**values, alarm=alarm),
                                       atol=1e-12, err_msg=f"{name} {alarm}")
        prior = explore.cause_joint(model)
        assert abs(explore.cause_covariance(prior)) < 1e-12  # independent a priori
    cov = {name: explore.cause_covariance(explore.cause_joint(toys.alarm_model(**v), 1))
           for name, v in toys.ALARM_PRESETS.items()}
    assert cov["strong explaining away"] < -0.1 and abs(cov["no overlap"]) < 1e-12
    assert -0.04 < cov["two weak causes"] < -0.03  # still explains away: hence no longer "both causes needed"
    quake_silences = toys.ALARM_PRESETS["quake silences the alarm"]
    assert quake_silences["w_a"] * quake_silences["w_b"] < 0 and cov["quake silences the alarm"] > 0.01  # explaining in
    # the sign rule on a grid: both weights positive never gives a positive covariance given the alarm
    for w_a in (0.5, 3.0, 9.0):
        for w_b in (0.5, 4.0):
            for bias in (-8.0, -2.0, 1.0):
                table = enumerated_joint(w_a, w_b, bias, -1.0, -2.0, 1)
                assert explore.cause_covariance(table) <= 1e-15
    # the covariance formula, and a wrong one it must not be confused with
    t = np.array([[0.1, 0.2], [0.3, 0.4]])
    assert explore.cause_covariance(t) == pytest.approx(0.4 - 0.7 * 0.6)
    assert explore.cause_covariance(t) != pytest.approx(0.4 - 0.7 * 0.7)


def test_cause_joint_refuses_bad_input_by_name():
    model = toys.alarm_model()
    for bad in (2, 0.5, "1", True, np.bool_(False), float("nan")):
        with pytest.raises(ValueError, match="alarm must be None, 0 or 1"):
            explore.cause_joint(model, bad)
    with pytest.raises(TypeError, match="model must be a TwoCauseRBM"):
        explore.cause_joint("model")
    with pytest.raises(ValueError, match="model must have one hidden unit per cause"):
        explore.cause_joint(random_two_cause(2, 1, 1, scale=1, seed=0))
    for bad, match in (([[0.5, 0.5]], "shape"), ([[0.5, 0.5], [0.5, 0.5]], "summing to 1"),
                       ([[1.5, -0.5], [0.0, 0.0]], "summing to 1"), ([[np.nan, 0], [0, 1]], "finite")):
        with pytest.raises(ValueError, match=f"table.*{match}"):
            explore.cause_covariance(bad)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"answers_shown": "no"}, TypeError, "answers_shown must be True or False"),
    ({"answers_shown": 0}, TypeError, "answers_shown must be True or False"),
    ({"answers_shown": None}, TypeError, "answers_shown must be True or False"),
    ({"animate": "yes"}, TypeError, "animate must be True or False"),
    ({"n_sweeps": 10**7}, ValueError, r"n_sweeps=10,000,000 .*about .* s and .* MiB; the limit is 2,000,000"),
    ({"n_chains": 10**6}, ValueError, r"n_chains=1,000,000.*the limit is 2,000,000"),
    ({"preset": ["strong explaining away"]}, ValueError, "preset must be one of"),
])
def test_flags_and_budgets_are_checked_before_any_work(kwargs, error, match, monkeypatch):
    import orbm_explore.widgets.classroom as classroom

    def no_work(*args, **kwargs):
        raise AssertionError("work started before the arguments were checked")

    monkeypatch.setattr(classroom, "Figure", no_work)
    monkeypatch.setattr(classroom, "ControlPanel", no_work)
    with pytest.raises(error, match=match):
        ExplainingAwayApp(**kwargs)
    with pytest.raises(error, match=match):
        ClassroomApp(**kwargs)


def test_flags_accept_real_booleans_and_the_budget_allows_its_limit():
    assert ExplainingAwayApp(answers_shown=np.bool_(True), n_sweeps=10).answers_shown
    app = ExplainingAwayApp(n_sweeps=2_000_000 // 200 - ExplainingAwayApp.WARMUP)
    assert app.n_sweeps == 9990


def test_the_lesson_plans_numbers_are_the_computed_ones():
    plan = (ROOT / "docs" / "lesson_plan.md").read_text()
    rows = re.findall(r"^\| ([a-z ]+) \| (rings|silent) \| ([0-9.]+) \| ([0-9.]+) \| ([0-9.]+) \| ([0-9.]+) \| "
                      r"([-+][0-9.]+) \|$", plan, re.M)
    assert len(rows) == 2 * len(toys.ALARM_PRESETS)
    for preset, alarm, *numbers in rows:
        model = toys.alarm_model(**toys.ALARM_PRESETS[preset])
        alarm = 1 if alarm == "rings" else 0
        expected = [f"{p:.3f}" for p in explore.alarm_probabilities(model, alarm)]
        expected.append(f"{explore.cause_covariance(explore.cause_joint(model, alarm)):+.3f}")
        assert numbers == expected, (preset, alarm, numbers, expected)
    view = WhyParallelView()
    tv_rows = re.findall(r"^\| (step \d|step 3 \(one sweep\)|\d+ sweeps[^|]*) \| ([0-9.]+) \| ([0-9.]+) \|$", plan, re.M)
    clocks = {"step 1": 1, "step 2": 2, "step 3 (one sweep)": 3, "3 sweeps": 9, "60 sweeps (stationary)": 180}
    assert [r[0] for r in tv_rows] == list(clocks)
    for label, seq, par in tv_rows:
        laws = view.laws(clocks[label])
        assert [seq, par] == [f"{stats.total_variation(laws[s], view.posterior):.3f}" for s in ("sequential", "parallel")]
    for number in ("0.521", "0.951", "0.124", "0.779", "0.947", "0.731", "0.757", "0.997", "0.236"):
        assert plan.count(number) >= 2, number  # each answer the lecture relies on is in the text and the table
    par, post = view.stationary["parallel"], view.posterior
    at = view.labels.index
    assert re.search(rf"\*\*{par[at('00|1')]:.3f}\*\* on each of 00\|1 and 11\|1 where the posterior\s+"
                     rf"has \*\*{post[at('00|1')]:.3f}\*\*", plan)
    assert f"{par[at('11|1')]:.3f}" == f"{par[at('00|1')]:.3f}" and f"{post[at('11|1')]:.3f}" == f"{post[at('00|1')]:.3f}"


# -- make present's kernel manager (the browser test of 20 opens is tests/test_app_classroom_opens.py) ----------
def test_a_kernel_is_not_culled_before_its_page_connects_and_a_full_server_refuses(monkeypatch):
    import asyncio

    from tornado import web

    from orbm_explore.widgets import present_server

    base = present_server.AsyncMappingKernelManager
    culled, started = [], []

    async def parent_cull(self, kernel_id):
        culled.append(kernel_id)

    async def parent_start(self, *args, **kwargs):
        started.append(kwargs)
        return "new"

    monkeypatch.setattr(base, "cull_kernel_if_idle", parent_cull)
    monkeypatch.setattr(base, "start_kernel", parent_start)
    clock = [1000.0]
    monkeypatch.setattr(present_server.time, "monotonic", lambda: clock[0])
    manager = present_server.ClassroomKernelManager(connect_grace=120.0, max_kernels=3)

    async def scenario():
        await manager.cull_kernel_if_idle("handed-out")  # its page is still loading: kept
        clock[0] += 119
        await manager.cull_kernel_if_idle("handed-out")
        assert culled == []
        clock[0] += 2  # a page that never connects is cleaned up after the grace
        await manager.cull_kernel_if_idle("handed-out")
        assert culled == ["handed-out"]
        await manager.cull_kernel_if_idle("connected")
        manager.notify_connect("connected")  # once connected, the usual idle rules decide
        await manager.cull_kernel_if_idle("connected")
        assert culled == ["handed-out", "connected"]
        monkeypatch.setattr(manager, "list_kernel_ids", lambda: ["a", "b"])
        assert await manager.start_kernel(kernel_name="python3") == "new"
        monkeypatch.setattr(manager, "list_kernel_ids", lambda: ["a", "b", "c"])
        try:
            await manager.start_kernel(kernel_name="python3")
        except web.HTTPError as err:
            return err
        raise AssertionError("a full server started a kernel")

    err = asyncio.run(scenario())
    assert err.status_code == 503 and "classroom server is full" in err.reason and "reload this page" in err.reason
    assert len(started) == 1
    # the check can fail: with no grace the handed-out kernel is culled at once
    culled.clear()
    eager = present_server.ClassroomKernelManager(connect_grace=0.0)
    asyncio.run(eager.cull_kernel_if_idle("handed-out"))
    assert culled == ["handed-out"]
