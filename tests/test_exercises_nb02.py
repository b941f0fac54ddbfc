"""Checker table of notebook 02: right answers pass; trivial, mutating-and-wrong and wrong-approach answers fail.

Run against the checkers of an older commit with ORBM_OLD_CHECKERS (see tests/test_exercises.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from checker_attacks import checker_numbers, drop, fresh_copy, on_stack, peeking
from scipy.special import log_expit
from test_exercises import TRIVIAL_KINDS, assert_accepted, assert_refused, assert_trivial_refused, load_checkers

from orbm_explore import corrections, exact

nb02 = load_checkers("nb02")


# ------------------------------------------------------------------ right answers, written here
def correction_pair(correction, phi0, eps, w):
    return correction(phi0, eps, w), correction(phi0, w, eps)


def log_odds_every_v(model, h_a, h_b):
    rows = []
    for v in exact.binary_states(model.n_visible):
        row = []
        for j in range(len(h_a)):
            on, off = h_a.copy(), h_a.copy()
            on[j], off[j] = 1.0, 0.0
            row.append(model.log_p_star(on, h_b, v) - model.log_p_star(off, h_b, v))
        rows.append(row)
    return np.array(rows)


def log_odds_from_parts(model, h_a, h_b):
    """Vanilla part + the exact correction, unit by unit (notebook 02's cell 5 for every v)."""
    states = exact.binary_states(model.n_visible)
    phi_a = h_a @ model.a.weights + model.a.visible_bias
    eps = h_b @ model.b.weights + model.b.visible_bias
    out = np.empty((len(states), len(h_a)))
    for j, w_j in enumerate(model.a.weights):
        phi0 = phi_a - h_a[j] * w_j
        out[:, j] = model.a.hidden_bias[j] + states @ w_j + corrections.exact(phi0, eps, w_j).sum()
    return out


@pytest.mark.parametrize("answer", [correction_pair,
                                    lambda c, p, e, w: np.stack([c(p, e, w), c(p, w, e)]),
                                    lambda c, p, e, w: [c(p, e, w), c(p, w, e)]])
def test_ex1_right_answers_pass(answer, capsys):
    assert_accepted(nb02.check_correction_pair, answer, capsys)


@pytest.mark.parametrize("answer", [log_odds_every_v, log_odds_from_parts,
                                    lambda m, a, b: np.array([m.psi(a, b, v)[0]
                                                              for v in exact.binary_states(m.n_visible)])])
def test_ex2_right_answers_pass(answer, capsys):
    assert_accepted(nb02.check_log_odds_every_v, answer, capsys)


@pytest.mark.parametrize("kind", TRIVIAL_KINDS)
def test_ex1_trivial_answers_fail(kind, capsys):
    assert_trivial_refused(nb02.check_correction_pair, kind, (2, 50), capsys)


@pytest.mark.parametrize("kind", TRIVIAL_KINDS)
def test_ex2_trivial_answers_fail(kind, capsys):
    assert_trivial_refused(nb02.check_log_odds_every_v, kind, (32, 3), capsys)


# ------------------------------------------------------------------ answers that change their inputs in place
def shift_phi0_then_pair(correction, phi0, eps, w):
    """Wrong: shift phi0 in place, then return the pair at the shifted point."""
    phi0 += 1.0
    return correction_pair(correction, phi0, eps, w)


def pair_then_scramble(correction, phi0, eps, w):
    pair = correction_pair(correction, phi0, eps, w)
    phi0[:] = 0.0
    eps[:] = 0.0
    w *= -1.0
    return pair


def switch_b_off_then_vanilla(model, h_a, h_b):
    """Wrong: switch cause B off in place (weights and bias), then return the vanilla part."""
    model.b.weights[:] = 0.0
    model.b.visible_bias[:] = -50.0
    return model.a.hidden_input(exact.binary_states(model.n_visible))


def log_odds_then_scramble(model, h_a, h_b):
    values = log_odds_every_v(model, h_a, h_b)
    model.a.weights[:] = 0.0
    model.b.weights[:] = 0.0
    h_a[:] = 1 - h_a
    h_b[:] = 0.0
    return values


def test_ex1_mutating_answers(capsys):
    assert_refused(nb02.check_correction_pair, shift_phi0_then_pair, capsys)
    assert_accepted(nb02.check_correction_pair, pair_then_scramble, capsys)


def test_ex2_mutating_answers(capsys):
    assert_refused(nb02.check_log_odds_every_v, switch_b_off_then_vanilla, capsys)
    assert_accepted(nb02.check_log_odds_every_v, log_odds_then_scramble, capsys)


# ------------------------------------------------------------------ wrong approaches
def exact_c(phi0, eps, w):
    return log_expit(phi0 + w + eps) + log_expit(phi0) - log_expit(phi0 + w) - log_expit(phi0 + eps)


WRONG_1 = {
    "the same order twice": lambda c, p, e, w: (c(p, e, w), c(p, e, w)),
    "the orders reversed": lambda c, p, e, w: (c(p, w, e), c(p, e, w)),
    "the exact formula, whatever correction is given": lambda c, p, e, w: (exact_c(p, e, w), exact_c(p, w, e)),
    "phi0 swapped with eps instead of W with eps": lambda c, p, e, w: (c(p, e, w), c(e, p, w)),
    "the notes' three-term cell in place of the given one": lambda c, p, e, w: (
        log_expit(p + w + e) + log_expit(p) - log_expit(p + w), log_expit(p + w + e) + log_expit(p) - log_expit(p + e)),
}


def tiled_first_row(model, h_a, h_b):
    rows = log_odds_every_v(model, h_a, h_b)
    return np.tile(rows[0], (len(rows), 1))


def other_units_off(model, h_a, h_b):
    return log_odds_every_v(model, np.zeros_like(h_a), h_b)


def flipped_from_current(model, h_a, h_b):
    """log P*(current h) - log P*(h with unit j flipped): -ψ_j wherever h_j = 0."""
    values = log_odds_every_v(model, h_a, h_b)
    return np.where(h_a[None, :] == 1, values, -values)


WRONG_2 = {
    "one row repeated for every v": tiled_first_row,
    "vanilla part only (no correction)": lambda m, a, b: m.a.hidden_input(exact.binary_states(m.n_visible)),
    "the correction only (no vanilla part)": lambda m, a, b: log_odds_every_v(m, a, b)
    - m.a.hidden_input(exact.binary_states(m.n_visible)),
    "the other sign": lambda m, a, b: -log_odds_every_v(m, a, b),
    "the other units of A switched off": other_units_off,
    "relative to the current state": flipped_from_current,
    "cause B silent (h_b = 0)": lambda m, a, b: log_odds_every_v(m, a, np.zeros_like(b)),
    "rows in reversed order": lambda m, a, b: log_odds_every_v(m, a, b)[::-1],
}


@pytest.mark.parametrize("name", sorted(WRONG_1))
def test_ex1_wrong_approaches_fail(name, capsys):
    assert_refused(nb02.check_correction_pair, WRONG_1[name], capsys)


@pytest.mark.parametrize("name", sorted(WRONG_2))
def test_ex2_wrong_approaches_fail(name, capsys):
    assert_refused(nb02.check_log_odds_every_v, WRONG_2[name], capsys)


def test_ex2_models_tell_wrong_answers_apart():
    """On every checked model the rows differ, h_a holds a 0 and a 1, and the correction is not zero."""
    for seed in (0, 1, 2, 3):
        model, h_a, h_b = nb02.notebook_model(seed)
        values = log_odds_every_v(model, h_a, h_b)
        assert np.ptp(values, axis=0).min() > 0.5
        assert 0 < h_a.sum() < len(h_a)
        rest = values - model.a.hidden_input(exact.binary_states(model.n_visible))
        assert np.abs(rest).max() > 0.1 and np.ptp(rest, axis=0).max() < 1e-9


def test_notebook_model_is_the_notebooks():
    model, h_a, h_b = nb02.notebook_model(0)
    assert (model.a.n_hidden, model.b.n_hidden, model.n_visible) == (3, 2, 5)
    np.testing.assert_array_equal(h_a, [1, 0, 1])
    np.testing.assert_array_equal(h_b, [0, 1])


# ------------------------------------------------------------------ reading the checker's state, rebinding its helpers
@pytest.fixture
def fresh_nb02():
    module = fresh_copy(nb02)
    yield module
    drop(module)


def test_no_expected_value_is_on_the_stack_while_the_students_code_runs(capsys):
    """While the student's function runs, no frame of the checker holds the answer (the pair of arrays, ψ for
    every v): only the inputs, from which the student must compute it."""
    seen = {"1": [], "2": []}

    def looks_1(correction, phi0, eps, w):
        seen["1"].append((checker_numbers(nb02), np.array(correction_pair(correction, phi0, eps, w))))
        return correction_pair(correction, phi0, eps, w)

    def looks_2(model, h_a, h_b):
        seen["2"].append((checker_numbers(nb02), log_odds_every_v(model, h_a, h_b)))
        return log_odds_every_v(model, h_a, h_b)

    assert nb02.check_correction_pair(looks_1) and nb02.check_log_odds_every_v(looks_2)
    assert len(seen["1"]) == 6 and len(seen["2"]) == 4
    for found, answer in seen["1"]:
        assert not on_stack(answer, found) and not any(on_stack(half, found) for half in answer)
    for found, answer in seen["2"]:
        assert not on_stack(answer, found)


def test_a_cheat_reading_the_checkers_want_is_refused(capsys):
    assert_refused(nb02.check_correction_pair, peeking(nb02, lambda c, p, e, w: (p * 0, p * 0)), capsys)
    assert_refused(nb02.check_log_odds_every_v,
                   peeking(nb02, lambda model, h_a, h_b: np.zeros((2 ** model.n_visible, len(h_a)))), capsys)


def test_rebinding_the_checkers_helpers_in_a_cell_changes_nothing(capsys, fresh_nb02):
    """A cell that rebinds the module's tolerances or reference helper right after the import, then a matching
    wrong answer: the check puts the originals back, says so, and refuses; right answers still pass."""
    fresh_nb02.RTOL = fresh_nb02.ATOL = 1e9
    out = assert_refused(fresh_nb02.check_correction_pair, lambda c, p, e, w: (p * 0, p * 0), capsys)
    assert "Note:" in out and "RTOL" in out and fresh_nb02.RTOL == 1e-9
    fresh_nb02._log_odds = lambda model, h_a, h_b: np.zeros((2 ** model.n_visible, len(h_a)))
    out = assert_refused(fresh_nb02.check_log_odds_every_v,
                         lambda model, h_a, h_b: np.zeros((2 ** model.n_visible, len(h_a))), capsys)
    assert "Note:" in out and "_log_odds" in out
    assert_accepted(fresh_nb02.check_correction_pair, correction_pair, capsys)
    assert_accepted(fresh_nb02.check_log_odds_every_v, log_odds_every_v, capsys)


def test_rebinding_helpers_inside_the_function_is_refused_and_undone(capsys):
    def rebinds(correction, phi0, eps, w):
        nb02.RTOL = nb02.ATOL = 1e9
        return phi0 * 0, phi0 * 0

    out = assert_refused(nb02.check_correction_pair, rebinds, capsys)
    assert "replaced" in out and nb02.RTOL == nb02.ATOL == 1e-9
    assert_accepted(nb02.check_correction_pair, correction_pair, capsys)
