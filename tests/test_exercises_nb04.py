"""Checker table of notebook 04: right answers pass; trivial, mutating-and-wrong and wrong-approach answers fail.

Run against the checkers of an older commit with ORBM_OLD_CHECKERS (see tests/test_exercises.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from checker_attacks import checker_numbers, drop, fresh_copy, on_stack, peeking
from scipy.special import expit
from test_exercises import (
    TRIVIAL_KINDS,
    assert_accepted,
    assert_refused,
    assert_trivial_refused,
    load_checkers,
    run_checker,
)

from orbm_explore import exact, explore, stats, toys

nb04 = load_checkers("nb04")


# ------------------------------------------------------------------ right answers, written here
def by_hand_table(p, alarm=1):
    """P(burglar, quake | alarm) from the priors and the alarm's sigmoid, no library; rows burglar."""
    like = lambda a, b: expit(p["w_a"] * a + p["w_b"] * b + p["bias"])  # noqa: E731
    joint = np.array([[(expit(p["prior_a"]) if a else expit(-p["prior_a"]))
                       * (expit(p["prior_b"]) if b else expit(-p["prior_b"]))
                       * (like(a, b) if alarm else 1 - like(a, b)) for b in (0, 1)] for a in (0, 1)])
    return joint / joint.sum()


def quake_drop(params):
    t = by_hand_table(params)
    return t[1].sum() - t[1, 1] / t[:, 1].sum()


def quake_drop_library(params):
    t = explore.cause_joint(toys.alarm_model(**params), alarm=1)
    return float(t[1].sum() - t[1, 1] / t[:, 1].sum())


def quake_drop_from_covariance(params):
    """The drop is -cov / P(quake | alarm)."""
    t = by_hand_table(params)
    return -(t[1, 1] - t[1].sum() * t[:, 1].sum()) / t[:, 1].sum()


def parallel_bias_by_pattern(model):
    return {tuple(int(x) for x in v): stats.total_variation(
        exact.posterior(model, v), exact.sampler_stationary_distribution(model, v, "exact", "parallel"))
        for v in exact.binary_states(model.n_visible)}


@pytest.mark.parametrize("answer", [quake_drop, quake_drop_library, quake_drop_from_covariance,
                                    lambda p: np.float64(quake_drop(p)), lambda p: np.array(quake_drop(p))])
def test_ex1_right_answers_pass(answer, capsys):
    assert_accepted(nb04.check_quake_drop, answer, capsys)


@pytest.mark.parametrize("answer", [parallel_bias_by_pattern,
                                    lambda m: {tuple(float(x) for x in k): np.float64(v)
                                               for k, v in parallel_bias_by_pattern(m).items()},
                                    lambda m: {(a, b): parallel_bias_by_pattern(m)[(a, b)]
                                               for a in (1, 0) for b in (1, 0)}])
def test_ex2_right_answers_pass(answer, capsys):
    assert_accepted(nb04.check_parallel_bias, answer, capsys)


@pytest.mark.parametrize("kind", TRIVIAL_KINDS)
def test_ex1_trivial_answers_fail(kind, capsys):
    assert_trivial_refused(nb04.check_quake_drop, kind, (), capsys)


@pytest.mark.parametrize("kind", TRIVIAL_KINDS)
def test_ex2_trivial_answers_fail(kind, capsys):
    assert_trivial_refused(nb04.check_parallel_bias, kind, (), capsys, texts=nb04.SPOILERS)


# ------------------------------------------------------------------ answers that change their inputs in place
def silence_quake_then_zero(params):
    """Wrong: sets the quake's weight to 0 in place (nothing left to explain away), returns 0."""
    params["w_b"] = 0.0
    return 0.0


def drop_then_scramble(params):
    value = quake_drop(params)
    for key in params:
        params[key] = 0.0
    return value


def flatten_model_then_zeros(model):
    """Wrong: zeroes both causes' weights in place (no coupling, no bias), returns zeros."""
    model.a.weights[:] = 0.0
    model.b.weights[:] = 0.0
    return {tuple(int(x) for x in v): 0.0 for v in exact.binary_states(model.n_visible)}


def bias_then_scramble(model):
    values = parallel_bias_by_pattern(model)
    model.a.weights[:] = 0.0
    model.b.visible_bias[:] = 9.0
    return values


def test_ex1_mutating_answers(capsys):
    assert_refused(nb04.check_quake_drop, silence_quake_then_zero, capsys)
    assert_accepted(nb04.check_quake_drop, drop_then_scramble, capsys)


def test_ex2_mutating_answers(capsys):
    assert_refused(nb04.check_parallel_bias, flatten_model_then_zeros, capsys, texts=nb04.SPOILERS)
    assert_accepted(nb04.check_parallel_bias, bias_then_scramble, capsys)


# ------------------------------------------------------------------ wrong approaches
def swap(params):
    return {"w_a": params["w_b"], "w_b": params["w_a"], "bias": params["bias"],
            "prior_a": params["prior_b"], "prior_b": params["prior_a"]}


WRONG_1 = {
    "the other cause (quake's drop when the burglar is known)": lambda p: quake_drop(swap(p)),
    "the other sign": lambda p: -quake_drop(p),
    "no quake instead of quake": lambda p: (lambda t: t[1].sum() - t[1, 0] / t[:, 0].sum())(by_hand_table(p)),
    "prior instead of given the alarm": lambda p: (lambda t: expit(p["prior_a"]) - t[1, 1] / t[:, 1].sum())(
        by_hand_table(p)),
    "the alarm silent": lambda p: (lambda t: t[1].sum() - t[1, 1] / t[:, 1].sum())(by_hand_table(p, alarm=0)),
    "joint instead of conditional": lambda p: (lambda t: t[1].sum() - t[1, 1])(by_hand_table(p)),
    "the covariance itself": lambda p: (lambda t: t[1, 1] - t[1].sum() * t[:, 1].sum())(by_hand_table(p)),
    "largest w_a + w_b as a score": lambda p: p["w_a"] + p["w_b"],
    "a preset's drop, whatever the setting": lambda p: quake_drop(dict(toys.ALARM_PRESETS["strong explaining away"])),
}


def flipped_keys(model):
    return {tuple(1 - x for x in k): v for k, v in parallel_bias_by_pattern(model).items()}


def reversed_keys(model):
    return {k[::-1]: v for k, v in parallel_bias_by_pattern(model).items()}


WRONG_2 = {
    "values for 1 - v": flipped_keys,
    "values for the reversed bits": reversed_keys,
    "the sequential sampler": lambda m: {tuple(int(x) for x in v): stats.total_variation(
        exact.posterior(m, v), exact.sampler_stationary_distribution(m, v)) for v in exact.binary_states(2)},
    "the parallel sampler with the sigmoid correction": lambda m: {tuple(int(x) for x in v): stats.total_variation(
        exact.posterior(m, v), exact.sampler_stationary_distribution(m, v, "sigmoid", "parallel"))
        for v in exact.binary_states(2)},
    "the XOR model's values whatever the model": lambda m: parallel_bias_by_pattern(toys.xor_model()),
    "TV to the prior, not the posterior": lambda m: {tuple(int(x) for x in v): stats.total_variation(
        exact.two_cause_hidden_distribution(m), exact.sampler_stationary_distribution(m, v, "exact", "parallel"))
        for v in exact.binary_states(2)},
    "twice the total variation (L1 distance)": lambda m: {k: 2 * v for k, v in parallel_bias_by_pattern(m).items()},
    "two patterns only": lambda m: dict(list(parallel_bias_by_pattern(m).items())[:2]),
}


@pytest.mark.parametrize("name", sorted(WRONG_1))
def test_ex1_wrong_approaches_fail(name, capsys):
    assert_refused(nb04.check_quake_drop, WRONG_1[name], capsys)


@pytest.mark.parametrize("name", sorted(WRONG_2))
def test_ex2_wrong_approaches_fail(name, capsys):
    assert_refused(nb04.check_parallel_bias, WRONG_2[name], capsys, texts=nb04.SPOILERS)


def test_checker_inputs_tell_wrong_answers_apart():
    """Ex. 1's settings are not presets and separate the causes; ex. 2's model separates v, 1 - v and reversed bits."""
    presets = [tuple(p.values()) for p in toys.ALARM_PRESETS.values()]
    drops = [quake_drop(dict(zip(("w_a", "w_b", "bias", "prior_a", "prior_b"), s))) for s in nb04.DROP_SETTINGS]
    assert not set(nb04.DROP_SETTINGS) & set(presets)
    assert min(drops) < 0 < max(drops)  # both explaining away and explaining in
    values = parallel_bias_by_pattern(nb04.asymmetric_model())
    assert min(abs(a - b) for a in values.values() for b in values.values() if a != b) > 1e-3
    assert len(set(np.round(list(values.values()), 6))) == 4
    assert {f"{v:.4f}" for v in values.values()} <= set(nb04.SPOILERS)  # with the classroom answers too


# ------------------------------------------------------------------ red-team rows: answers that move the target
# A student's function that patches the library the checker could compute its references with, or that
# returns keys int() would misread; each run twice (re-running a check cell), the second run judged.
@pytest.fixture
def restore_library():
    saved = (exact.posterior, exact.sampler_stationary_distribution, toys.alarm_model, toys.xor_model)
    yield
    exact.posterior, exact.sampler_stationary_distribution, toys.alarm_model, toys.xor_model = saved


def patch_posterior_then_zero(params):
    """Wrong: makes exact.posterior uniform (no explaining away anywhere), returns 0."""
    exact.posterior = lambda model, v: np.full(4, 0.25)
    return 0.0


_REAL_ALARM_MODEL = toys.alarm_model


def silence_the_quake_in_the_library_then_zero(params):
    """Wrong: makes every alarm model's quake weight 0 (nothing to explain away), returns 0."""
    keys = ("w_a", "w_b", "bias", "prior_a", "prior_b")
    toys.alarm_model = lambda *a, **k: _REAL_ALARM_MODEL(**{**dict(zip(keys, a)), **k, "w_b": 0.0})
    return 0.0


_REAL_POSTERIOR = exact.posterior


def patch_stationary_law_then_zeros(model):
    """Wrong: makes the parallel sampler's stationary law the posterior (no bias), returns zeros."""
    exact.sampler_stationary_distribution = lambda m, v, *a, **k: _REAL_POSTERIOR(m, v)
    return {tuple(int(x) for x in v): 0.0 for v in exact.binary_states(model.n_visible)}


@pytest.mark.parametrize("answer", [patch_posterior_then_zero, silence_the_quake_in_the_library_then_zero])
def test_ex1_answers_that_patch_the_library_are_refused_in_the_next_run_too(answer, capsys, restore_library):
    run_checker(nb04.check_quake_drop, answer, capsys)
    assert_refused(nb04.check_quake_drop, answer, capsys)
    exact.posterior, toys.alarm_model = _REAL_POSTERIOR, _REAL_ALARM_MODEL
    assert_accepted(nb04.check_quake_drop, quake_drop, capsys)


def test_ex2_answers_that_patch_the_library_are_refused_in_the_next_run_too(capsys, restore_library):
    run_checker(nb04.check_parallel_bias, patch_stationary_law_then_zeros, capsys)
    assert_refused(nb04.check_parallel_bias, patch_stationary_law_then_zeros, capsys, texts=nb04.SPOILERS)


@pytest.fixture
def restore_isfinite():
    saved = np.isfinite
    yield
    np.isfinite = saved


def _let_nan_through():
    np.isfinite = lambda x, *args, **kwargs: np.ones(np.shape(x), dtype=bool) if np.ndim(x) else True


def test_nan_through_a_patched_isfinite_is_refused(capsys, restore_isfinite):
    """NaN fails every `>` test, so a checker that refuses with `abs(got - want) > tol` would accept it."""
    def nan_drop(params):
        _let_nan_through()
        return float("nan")

    def nan_biases(model):
        _let_nan_through()
        return {tuple(int(x) for x in v): float("nan") for v in exact.binary_states(model.n_visible)}

    assert_refused(nb04.check_quake_drop, nan_drop, capsys)
    assert_refused(nb04.check_parallel_bias, nan_biases, capsys, texts=nb04.SPOILERS)


def test_ex2_keys_that_are_not_zero_one_patterns_are_refused(capsys):
    """int() would read (1.7, 0.2) as (1, 0) and "10" as (1, 0): keys must be tuples of whole numbers."""
    def fractional_keys(model):
        return {tuple(x + 0.7 * (x == 1) + 0.2 * (x == 0) for x in k): v
                for k, v in parallel_bias_by_pattern(model).items()}
    out = assert_refused(nb04.check_parallel_bias, fractional_keys, capsys, texts=nb04.SPOILERS)
    assert "tuples of ints" in out


@pytest.mark.parametrize("answer", [lambda p: np.array([quake_drop(p)]), lambda p: np.float32(quake_drop(p))])
def test_ex1_right_answers_as_one_element_arrays_pass(answer, capsys):
    assert_accepted(nb04.check_quake_drop, answer, capsys)


def test_ex2_a_read_only_mapping_passes(capsys):
    from types import MappingProxyType
    assert_accepted(nb04.check_parallel_bias, lambda m: MappingProxyType(parallel_bias_by_pattern(m)), capsys)


def test_ex2_constant_references_are_the_librarys():
    """The checker's constant references are what the library computes, and its XOR model is the toy one."""
    xor = toys.xor_model()
    built = nb04.checker_xor_model()
    for a, b in ((xor.a, built.a), (xor.b, built.b)):
        for name in ("weights", "visible_bias", "hidden_bias"):
            assert np.array_equal(getattr(a, name), getattr(b, name))
    for build, want in nb04._BIAS_REFERENCES:
        got = parallel_bias_by_pattern(build())
        assert set(got) == set(want) and all(abs(got[k] - want[k]) < 1e-9 for k in want)


# ------------------------------------------------------------------ the notebook
def test_notebook_exercises(capsys):
    from test_exercises_nb03 import check_notebook_exercises
    check_notebook_exercises("04_explaining_away", {"quake_drop": "check_quake_drop",
                                                    "parallel_bias_by_pattern": "check_parallel_bias"}, nb04, capsys)


def test_app_starts_hidden_and_answers_come_after_the_reveal_in_a_collapsed_cell():
    from test_exercises_nb03 import _cells
    cells = _cells("04_explaining_away")
    sources = ["".join(c["source"]) for c in cells]
    app = next(k for k, s in enumerate(sources) if "ClassroomApp(" in s and "import" not in s)
    assert "answers_shown=False" in sources[app] and ".sample(" not in "".join(sources)
    answer = [k for k, c in enumerate(cells) if "answer" in c["metadata"].get("tags", [])]
    assert answer and all(k > app for k in answer)
    assert all(cells[k]["metadata"].get("jupyter", {}).get("source_hidden") is True for k in answer)
    printing = [k for k, s in enumerate(sources) if "burglar(name)" in s and "print" in s]
    assert printing and set(printing) <= set(answer)
    assert "both causes needed" not in "".join(sources[:app] + sources[app + 1:]).replace(
        'once called "both causes needed"', "")


def _page_words(widget, found=None):
    """Every description, option label, label value and preset name shown by a widget tree."""
    import ipywidgets as widgets
    found = set() if found is None else found
    for attribute in ("description", "value"):
        value = getattr(widget, attribute, None)
        if isinstance(value, str) and len(value) < 60 and isinstance(widget, (widgets.Button, widgets.ToggleButton,
                                                                               widgets.Label, widgets.FloatSlider)):
            found.add(value)
    if isinstance(widget, widgets.FloatSlider):
        found.add(widget.description)
    for label in getattr(widget, "_options_labels", ()) or ():
        found.add(label)
    if isinstance(widget, widgets.Dropdown):
        found.add(widget.description)
    for child in getattr(widget, "children", ()) or ():
        _page_words(child, found)
    return found


def test_buttons_named_in_the_text_are_on_the_page():
    """The predict-first instructions name the app's controls exactly as the page shows them."""
    import re

    from test_exercises_nb03 import _cells

    from orbm_explore.widgets import ClassroomApp
    cells = _cells("04_explaining_away")
    text = "".join(next(c for c in cells if "### Predict first" in "".join(c["source"]))["source"])
    instructions = text[text.index("### Predict first"):text.index("The questions:")]
    named = set(re.findall(r"\*\*([^*]+)\*\*", instructions))
    words = _page_words(ClassroomApp(preset="strong explaining away", answers_shown=False).widget)
    assert {"Reveal answer", "Reveal all", "Hide all", "class guess"} <= named
    assert named <= words, named - words
    assert "Show answers" not in "".join("".join(c["source"]) for c in cells)


# ------------------------------------------------------------------ reading the checker's state, rebinding its helpers
@pytest.fixture
def fresh_nb04():
    module = fresh_copy(nb04)
    yield module
    drop(module)


def test_no_expected_value_is_on_the_stack_while_the_students_code_runs(capsys):
    """While the student's function runs, no frame of the checker holds the answer within three levels of its
    locals (exercise 2's references are module constants, readable as nb04._BIAS_REFERENCES like any constant,
    which the harness does not claim to hide)."""
    seen = {"1": [], "2": []}

    def looks_1(params):
        seen["1"].append((checker_numbers(nb04), quake_drop(params)))
        return quake_drop(params)

    def looks_2(model):
        seen["2"].append((checker_numbers(nb04), parallel_bias_by_pattern(model)))
        return parallel_bias_by_pattern(model)

    assert nb04.check_quake_drop(looks_1) and nb04.check_parallel_bias(looks_2)
    assert len(seen["1"]) == 4 and len(seen["2"]) == 2
    for found, answer in seen["1"]:
        assert not on_stack(answer, found)
    for found, answer in seen["2"]:
        assert not any(on_stack(value, found) for value in answer.values())


def test_a_cheat_reading_the_checkers_want_is_refused(capsys):
    assert_refused(nb04.check_quake_drop, peeking(nb04, lambda params: 0.0), capsys)
    zeros = {(0, 0): 0.0, (0, 1): 0.0, (1, 0): 0.0, (1, 1): 0.0}
    assert_refused(nb04.check_parallel_bias, peeking(nb04, lambda model: zeros, lambda value, args: dict(value)),
                   capsys)


def test_rebinding_the_checkers_helpers_in_a_cell_changes_nothing(capsys, fresh_nb04):
    """A cell that rebinds the module's reference helper, tolerances or settings right after the import, then a
    matching wrong answer: the check puts the originals back, says so, and refuses; right answers still pass."""
    fresh_nb04.quake_drop = lambda *setting: 0.0
    out = assert_refused(fresh_nb04.check_quake_drop, lambda params: 0.0, capsys)
    assert "Note:" in out and "quake_drop" in out
    fresh_nb04.DROP_TOLERANCE = 10.0
    out = assert_refused(fresh_nb04.check_quake_drop, lambda params: 0.0, capsys)
    assert "Note:" in out and "DROP_TOLERANCE" in out and fresh_nb04.DROP_TOLERANCE == 1e-6
    fresh_nb04.BIAS_TOLERANCE = 10.0
    zeros = {(0, 0): 0.0, (0, 1): 0.0, (1, 0): 0.0, (1, 1): 0.0}
    out = assert_refused(fresh_nb04.check_parallel_bias, lambda model: zeros, capsys)
    assert "Note:" in out and "BIAS_TOLERANCE" in out
    assert_accepted(fresh_nb04.check_quake_drop, quake_drop, capsys)
    assert_accepted(fresh_nb04.check_parallel_bias, parallel_bias_by_pattern, capsys)
