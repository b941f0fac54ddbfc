"""Checker table of notebook 00: right answers pass; trivial, mutating-and-wrong and wrong-approach answers fail.

Run against the checkers of an older commit with ORBM_OLD_CHECKERS (see tests/test_exercises.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from checker_attacks import checker_numbers, drop, fresh_copy, on_stack, peeking
from scipy.special import expit
from test_exercises import TRIVIAL_KINDS, assert_accepted, assert_refused, assert_trivial_refused, load_checkers

from orbm_explore import exact, toys

nb00 = load_checkers("nb00")
PRESETS = list(toys.ALARM_PRESETS)


# ------------------------------------------------------------------ right answers, written here
def table(preset, alarm=1.0):
    """P(h_burglar, h_quake | alarm) by the library's enumeration; rows burglar, columns quake."""
    return exact.posterior(toys.alarm_model(**toys.ALARM_PRESETS[preset]), [alarm]).reshape(2, 2)


def burglar_probabilities(preset):
    post = table(preset)
    return post[1].sum(), post[1, 1] / post[:, 1].sum()


def posterior_covariance(preset):
    post = table(preset)
    return post[1, 1] - post[1].sum() * post[:, 1].sum()


def by_hand(preset):
    """Bayes by hand: prior odds and the alarm's sigmoid, no library."""
    p = toys.ALARM_PRESETS[preset]
    joint = np.array([[(expit(p["prior_a"]) if a else 1 - expit(p["prior_a"]))
                       * (expit(p["prior_b"]) if b else 1 - expit(p["prior_b"]))
                       * expit(p["w_a"] * a + p["w_b"] * b + p["bias"]) for b in (0, 1)] for a in (0, 1)])
    return joint / joint.sum()


def covariance_of(t):
    return t[1, 1] - t[1].sum() * t[:, 1].sum()


ANSWERS_1 = [burglar_probabilities(p) for p in PRESETS]
ANSWERS_2 = [posterior_covariance(p) for p in PRESETS]


@pytest.mark.parametrize("answer", [burglar_probabilities,
                                    lambda p: (by_hand(p)[1].sum(), by_hand(p)[1, 1] / by_hand(p)[:, 1].sum()),
                                    lambda p: np.array(burglar_probabilities(p)),
                                    lambda p: [float(x) for x in burglar_probabilities(p)]])
def test_ex1_right_answers_pass(answer, capsys):
    assert_accepted(nb00.check_burglar_probabilities, answer, capsys)


@pytest.mark.parametrize("answer", [posterior_covariance,
                                    lambda p: by_hand(p)[1, 1] - by_hand(p)[1].sum() * by_hand(p)[:, 1].sum(),
                                    lambda p: np.float64(posterior_covariance(p)),
                                    lambda p: np.array(posterior_covariance(p))])
def test_ex2_right_answers_pass(answer, capsys):
    assert_accepted(nb00.check_posterior_covariance, answer, capsys)


@pytest.mark.parametrize("kind", TRIVIAL_KINDS)
def test_ex1_trivial_answers_fail(kind, capsys):
    assert_trivial_refused(nb00.check_burglar_probabilities, kind, (2,), capsys, ANSWERS_1)


@pytest.mark.parametrize("kind", TRIVIAL_KINDS)
def test_ex2_trivial_answers_fail(kind, capsys):
    assert_trivial_refused(nb00.check_posterior_covariance, kind, (), capsys, ANSWERS_2)


# ------------------------------------------------------------------ wrong approaches
WRONG_1 = {
    "the other cause (quake given alarm, burglar)": lambda p: (table(p)[:, 1].sum(), table(p)[1, 1] / table(p)[1].sum()),
    "conditioned on *no* earthquake": lambda p: (table(p)[1].sum(), table(p)[1, 0] / table(p)[:, 0].sum()),
    "joint instead of conditional": lambda p: (table(p)[1].sum(), table(p)[1, 1]),
    "the prior instead of the posterior": lambda p: (expit(toys.ALARM_PRESETS[p]["prior_a"]),) * 2,
    "the pair reversed": lambda p: burglar_probabilities(p)[::-1],
    "the first number twice": lambda p: (burglar_probabilities(p)[0],) * 2,
    "given the alarm off": lambda p: (table(p, 0.0)[1].sum(), table(p, 0.0)[1, 1] / table(p, 0.0)[:, 1].sum()),
    "one preset's answer for every preset": lambda p: burglar_probabilities("strong explaining away"),
}
WRONG_2 = {
    "the other sign": lambda p: -posterior_covariance(p),
    "under the prior": lambda p: covariance_of(
        exact.two_cause_hidden_distribution(toys.alarm_model(**toys.ALARM_PRESETS[p])).reshape(2, 2)),
    "given the alarm off": lambda p: table(p, 0.0)[1, 1] - table(p, 0.0)[1].sum() * table(p, 0.0)[:, 1].sum(),
    "E[h_A h_B] without subtracting": lambda p: table(p)[1, 1],
    "a correlation coefficient": lambda p: posterior_covariance(p) / np.sqrt(
        table(p)[1].sum() * (1 - table(p)[1].sum()) * table(p)[:, 1].sum() * (1 - table(p)[:, 1].sum())),
    "one preset's answer for every preset": lambda p: posterior_covariance("strong explaining away"),
}


@pytest.mark.parametrize("name", sorted(WRONG_1))
def test_ex1_wrong_approaches_fail(name, capsys):
    assert_refused(nb00.check_burglar_probabilities, WRONG_1[name], capsys, ANSWERS_1)


@pytest.mark.parametrize("name", sorted(WRONG_2))
def test_ex2_wrong_approaches_fail(name, capsys):
    assert_refused(nb00.check_posterior_covariance, WRONG_2[name], capsys, ANSWERS_2)


# ------------------------------------------------------------------ answers that edit the presets
@pytest.fixture
def restore_presets(monkeypatch):
    """Any rebinding of toys.ALARM_PRESETS by an answer is undone after the test."""
    monkeypatch.setattr(toys, "ALARM_PRESETS", toys.ALARM_PRESETS)
    return toys.ALARM_PRESETS


def _silence_the_quake(preset):
    """Wrong: rewire every preset so the quake no longer reaches the alarm, then answer for that world."""
    edited = {name: {**values, "w_b": 0.0} for name, values in toys.ALARM_PRESETS.items()}
    toys.ALARM_PRESETS = edited
    return burglar_probabilities(preset)


SNAPSHOT = {name: dict(values) for name, values in toys.ALARM_PRESETS.items()}


def _rebind_then_right(preset):
    """Right values (from a copy of the presets taken earlier); then the answer rebinds the presets to junk."""
    post = exact.posterior(toys.alarm_model(**SNAPSHOT[preset]), [1.0]).reshape(2, 2)
    toys.ALARM_PRESETS = {name: {**values, "w_a": 0.0} for name, values in toys.ALARM_PRESETS.items()}
    return post[1].sum(), post[1, 1] / post[:, 1].sum()


def _edit_in_place(preset):
    toys.ALARM_PRESETS[preset]["w_b"] = 0.0  # read-only: raises, and the check shows the student's error
    return burglar_probabilities(preset)


def test_ex1_answer_that_rewires_the_presets_fails(restore_presets, capsys):
    assert_refused(nb00.check_burglar_probabilities, _silence_the_quake, capsys, ANSWERS_1)


def test_ex1_answer_that_edits_a_preset_in_place_fails_and_leaves_it(restore_presets, capsys):
    before = {name: dict(values) for name, values in toys.ALARM_PRESETS.items()}
    out = assert_refused(nb00.check_burglar_probabilities, _edit_in_place, capsys, ANSWERS_1)
    assert "your code's error" in out
    assert {name: dict(values) for name, values in toys.ALARM_PRESETS.items()} == before


def test_ex1_right_values_pass_even_if_the_answer_edits_the_presets_afterwards(restore_presets, capsys):
    assert_accepted(nb00.check_burglar_probabilities, _rebind_then_right, capsys)


def test_ex2_answer_that_rewires_the_presets_fails(restore_presets, capsys):
    def wrong(preset):
        toys.ALARM_PRESETS = {name: {**values, "w_b": 0.0} for name, values in toys.ALARM_PRESETS.items()}
        return posterior_covariance(preset)   # 0 in the rewired world
    assert_refused(nb00.check_posterior_covariance, wrong, capsys, ANSWERS_2)


def test_checker_presets_are_the_librarys():
    """The checker's private copy holds the same numbers as toys.ALARM_PRESETS (so right answers pass)."""
    assert nb00._PRESETS == {name: dict(values) for name, values in toys.ALARM_PRESETS.items()}
    for name in PRESETS:
        np.testing.assert_allclose(nb00._posterior_table(name), table(name), atol=1e-14)


def test_spoilers_name_answers_of_presets_not_worked_on_screen():
    assert f"{burglar_probabilities('two weak causes')[0]:.3f}" in nb00.SPOILERS
    assert f"{posterior_covariance('quake silences the alarm'):.3f}" in nb00.SPOILERS


# ------------------------------------------------------------------ reading the checker's state, rebinding its helpers
@pytest.fixture
def fresh_nb00():
    module = fresh_copy(nb00)
    yield module
    drop(module)


def test_no_expected_value_is_on_the_stack_while_the_students_code_runs(capsys):
    """A cheat that reads every number in the checker's frames above it finds neither exercise's answer; the
    reader of the local `want` gets nothing and is refused."""
    seen = {"1": [], "2": []}

    def looks_1(preset):
        seen["1"].append((checker_numbers(nb00), burglar_probabilities(preset)))
        return burglar_probabilities(preset)

    def looks_2(preset):
        seen["2"].append((checker_numbers(nb00), posterior_covariance(preset)))
        return posterior_covariance(preset)

    assert nb00.check_burglar_probabilities(looks_1) and nb00.check_posterior_covariance(looks_2)
    assert len(seen["1"]) == len(seen["2"]) == len(PRESETS)
    for found, answer in seen["1"] + seen["2"]:
        assert not on_stack(answer, found)
        assert not on_stack(answer[0] if np.ndim(answer) else answer, found)


def test_a_cheat_reading_the_checkers_want_is_refused(capsys):
    assert_refused(nb00.check_burglar_probabilities, peeking(nb00, lambda p: (0.5, 0.5)), capsys, ANSWERS_1)
    assert_refused(nb00.check_posterior_covariance, peeking(nb00, lambda p: 0.0), capsys, ANSWERS_2)


def test_rebinding_the_checkers_helpers_in_a_cell_changes_nothing(capsys, fresh_nb00):
    """A cell that rebinds the module's reference helper (before any check ran, right after the import), then
    a matching wrong answer: the check puts the original back, says so, and refuses; right answers still pass."""
    fresh_nb00._posterior_table = lambda preset: np.full((2, 2), 0.25)
    out = assert_refused(fresh_nb00.check_burglar_probabilities, lambda p: (0.5, 0.5), capsys, ANSWERS_1)
    assert "Note:" in out and "_posterior_table" in out
    fresh_nb00._covariance = lambda preset: 0.0
    out = assert_refused(fresh_nb00.check_posterior_covariance, lambda p: 0.0, capsys, ANSWERS_2)
    assert "Note:" in out and "_covariance" in out
    fresh_nb00.RTOL = 10.0
    assert_refused(fresh_nb00.check_posterior_covariance, lambda p: 1.1 * posterior_covariance(p), capsys, ANSWERS_2)
    assert_accepted(fresh_nb00.check_burglar_probabilities, burglar_probabilities, capsys)
    assert_accepted(fresh_nb00.check_posterior_covariance, posterior_covariance, capsys)


def test_rebinding_helpers_inside_the_function_is_refused_and_undone(capsys):
    def rebinds(preset):
        nb00._posterior_table = lambda p: np.full((2, 2), 0.25)
        return 0.5, 0.5

    out = assert_refused(nb00.check_burglar_probabilities, rebinds, capsys, ANSWERS_1)
    assert "replaced" in out and nb00._posterior_table.__name__ == "_posterior_table"
    assert_accepted(nb00.check_burglar_probabilities, burglar_probabilities, capsys)


@pytest.mark.parametrize("answer", [lambda p: np.array([posterior_covariance(p)]),
                                    lambda p: np.array([[posterior_covariance(p)]]),
                                    lambda p: np.array(posterior_covariance(p)).reshape(1)])
def test_ex2_right_answers_as_one_element_arrays_pass(answer, capsys):
    assert_accepted(nb00.check_posterior_covariance, answer, capsys)


@pytest.mark.parametrize("answer", [lambda p: tuple(np.array([x]) for x in burglar_probabilities(p)),
                                    lambda p: np.array(burglar_probabilities(p)).reshape(2, 1),
                                    lambda p: [np.float32(x) * 0 + np.float64(x) for x in burglar_probabilities(p)]])
def test_ex1_right_answers_as_one_element_arrays_pass(answer, capsys):
    """A pair whose numbers arrive as one-element arrays is accepted (not a pair of lists, not a wrong shape)."""
    assert_accepted(nb00.check_burglar_probabilities, answer, capsys)


@pytest.mark.parametrize("answer", [lambda p: np.array([burglar_probabilities(p)] * 2),
                                    lambda p: (burglar_probabilities(p)[0], np.array(burglar_probabilities(p))),
                                    lambda p: ([burglar_probabilities(p)[0]], [burglar_probabilities(p)[1]]),
                                    lambda p: np.array([posterior_covariance(p)] * 2)])
def test_ex1_other_shapes_are_refused(answer, capsys):
    assert_refused(nb00.check_burglar_probabilities, answer, capsys, ANSWERS_1)
