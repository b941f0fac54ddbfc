"""Checker table of notebook 01: right answers pass; trivial, mutating-and-wrong and wrong-approach answers fail.

Run against the checkers of an older commit with ORBM_OLD_CHECKERS (see tests/test_exercises.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from checker_attacks import checker_numbers, drop, fresh_copy, on_stack, peeking
from scipy.special import expit
from test_exercises import TRIVIAL_KINDS, assert_accepted, assert_refused, assert_trivial_refused, load_checkers

from orbm_explore import exact
from orbm_explore.rbm import RBM

nb01 = load_checkers("nb01")


# ------------------------------------------------------------------ right answers, written here
def free_energy(rbm, v):
    return -(v @ rbm.visible_bias) - np.logaddexp(0, v @ rbm.weights.T + rbm.hidden_bias).sum(axis=1)


def free_energy_by_enumeration(rbm, v):
    """-log Σ_h exp(log P*(h, v)), every h written out."""
    hidden = exact.binary_states(rbm.n_hidden)
    log_joint = np.array([[h @ rbm.weights @ x + rbm.visible_bias @ x + rbm.hidden_bias @ h for h in hidden] for x in v])
    return -np.logaddexp.reduce(log_joint, axis=1)


def kernel_by_hand(rbm):
    hidden, visible = exact.binary_states(rbm.n_hidden), exact.binary_states(rbm.n_visible)
    p_h = expit(visible @ rbm.weights.T + rbm.hidden_bias)
    p_v = expit(hidden @ rbm.weights + rbm.visible_bias)
    h_given_v = np.prod(np.where(hidden[None] == 1, p_h[:, None], 1 - p_h[:, None]), axis=2)
    v_given_h = np.prod(np.where(visible[None] == 1, p_v[:, None], 1 - p_v[:, None]), axis=2)
    return h_given_v @ v_given_h


def steps_to_mix(rbm, tolerance=0.01, start=None, half=0.5, offset=0):
    kernel = kernel_by_hand(rbm)
    target = exact.rbm_visible_distribution(rbm)
    dist = np.full(len(target), 1 / len(target)) if start is None else start(len(target))
    for step in range(1, 1000):
        dist = dist @ kernel
        if half * np.abs(dist - target).sum() < tolerance:
            return step + offset


def steps_by_matrix_power(rbm, tolerance=0.01):
    kernel = nb01.visible_kernel(rbm)
    target = exact.rbm_visible_distribution(rbm)
    start = np.full(len(target), 1 / len(target))
    k = 1
    while 0.5 * np.abs(start @ np.linalg.matrix_power(kernel, k) - target).sum() >= tolerance:
        k += 1
    return k


@pytest.mark.parametrize("answer", [free_energy, free_energy_by_enumeration,
                                    lambda rbm, v: list(free_energy(rbm, v))])
def test_ex1_right_answers_pass(answer, capsys):
    assert_accepted(nb01.check_free_energy, answer, capsys)


@pytest.mark.parametrize("answer", [steps_to_mix, steps_by_matrix_power,
                                    lambda rbm, tolerance=0.01: np.int64(steps_to_mix(rbm, tolerance)),
                                    lambda rbm, tolerance=0.01: float(steps_to_mix(rbm, tolerance))])
def test_ex2_right_answers_pass(answer, capsys):
    assert_accepted(nb01.check_steps_to_mix, answer, capsys)


@pytest.mark.parametrize("kind", TRIVIAL_KINDS)
def test_ex1_trivial_answers_fail(kind, capsys):
    assert_trivial_refused(nb01.check_free_energy, kind, (32,), capsys)


@pytest.mark.parametrize("kind", TRIVIAL_KINDS)
def test_ex2_trivial_answers_fail(kind, capsys):
    assert_trivial_refused(nb01.check_steps_to_mix, kind, (), capsys, texts=["3 steps"])


# ------------------------------------------------------------------ answers that change their inputs in place
def zero_bias_then_drop_it(rbm, v):
    """Wrong: zero the visible bias in place, then leave its term out (the old checker then agreed)."""
    rbm.visible_bias[:] = 0.0
    return -np.logaddexp(0, v @ rbm.weights.T + rbm.hidden_bias).sum(axis=1)


def right_then_scramble(rbm, v):
    """Right values; then every input is overwritten in place."""
    values = free_energy(rbm, v)
    rbm.weights[:] = 0.0
    rbm.visible_bias[:] = 1.0
    rbm.hidden_bias[:] = -1.0
    v[:] = 1.0
    return values


def steps_then_scramble(rbm, tolerance=0.01):
    k = steps_to_mix(rbm, tolerance)
    rbm.weights *= 0.0
    rbm.visible_bias[:] = 0.0
    return k


def scramble_then_count(rbm, tolerance=0.01):
    """Wrong: zero the weights in place first (the chain then mixes in one step)."""
    rbm.weights[:] = 0.0
    return steps_to_mix(rbm, tolerance)


def test_ex1_mutating_answers(capsys):
    assert_refused(nb01.check_free_energy, zero_bias_then_drop_it, capsys)
    assert_accepted(nb01.check_free_energy, right_then_scramble, capsys)


def test_ex2_mutating_answers(capsys):
    assert_refused(nb01.check_steps_to_mix, scramble_then_count, capsys, texts=["3 steps"])
    assert_accepted(nb01.check_steps_to_mix, steps_then_scramble, capsys)


# ------------------------------------------------------------------ wrong approaches
WRONG_1 = {
    "the other sign": lambda rbm, v: -free_energy(rbm, v),
    "no visible-bias term": lambda rbm, v: -np.logaddexp(0, v @ rbm.weights.T + rbm.hidden_bias).sum(axis=1),
    "hinge max(0, psi) instead of softplus": lambda rbm, v: -(v @ rbm.visible_bias)
    - np.maximum(0, v @ rbm.weights.T + rbm.hidden_bias).sum(axis=1),
    "hidden bias left out": lambda rbm, v: -(v @ rbm.visible_bias) - np.logaddexp(0, v @ rbm.weights.T).sum(axis=1),
    "log P*(v) of the most likely h only": lambda rbm, v: -(v @ rbm.visible_bias)
    - np.maximum(0, v @ rbm.weights.T + rbm.hidden_bias).sum(axis=1) - 1e-3,
    "the notebook's RBM for every RBM": lambda rbm, v: free_energy(nb01.checked_rbms()[0], v)
    if v.shape[1] == 4 else free_energy(rbm, v) + 1.0,
}
WRONG_2 = {
    "one step too many": lambda rbm, tolerance=0.01: steps_to_mix(rbm, tolerance) + 1,
    "one step too few (counting from 0)": lambda rbm, tolerance=0.01: steps_to_mix(rbm, tolerance, offset=-1),
    "TV without the 1/2": lambda rbm, tolerance=0.01: steps_to_mix(rbm, tolerance, half=1.0),
    "from v = 0...0 instead of uniform": lambda rbm, tolerance=0.01: steps_to_mix(
        rbm, tolerance, start=lambda n: np.eye(n)[0]),
    "the notebook's RBM's answer": lambda rbm, tolerance=0.01: 3,
    "a step count that is not whole": lambda rbm, tolerance=0.01: steps_to_mix(rbm, tolerance) + 0.5,
    "a count below 1": lambda rbm, tolerance=0.01: 0,
}


@pytest.mark.parametrize("name", sorted(WRONG_1))
def test_ex1_wrong_approaches_fail(name, capsys):
    assert_refused(nb01.check_free_energy, WRONG_1[name], capsys)


@pytest.mark.parametrize("name", sorted(WRONG_2))
def test_ex2_wrong_approaches_fail(name, capsys):
    assert_refused(nb01.check_steps_to_mix, WRONG_2[name], capsys, texts=["3 steps"])


def test_checked_rbms_catch_dropped_terms():
    """Every checked RBM has sizable visible and hidden biases, and layers of different sizes somewhere."""
    rbms = nb01.checked_rbms()
    assert all(np.abs(r.visible_bias).max() > 0.3 and np.abs(r.hidden_bias).max() > 0.3 for r in rbms)
    assert any(r.n_hidden != r.n_visible for r in rbms)


def test_mixing_counts_are_not_on_a_knife_edge():
    """At the answer the TV is clearly below the tolerance and one step earlier clearly above: a right
    method with other rounding (matrix powers, another TV routine) cannot land on the other side."""
    for rbm in nb01.checked_rbms():
        kernel, target = kernel_by_hand(rbm), exact.rbm_visible_distribution(rbm)
        for tolerance in nb01.MIXING_TOLERANCES:
            k = steps_to_mix(rbm, tolerance)
            tv = [0.5 * np.abs(np.full(len(target), 1 / len(target)) @ np.linalg.matrix_power(kernel, s)
                               - target).sum() for s in (k - 1, k)]
            assert tv[1] < tolerance * (1 - 1e-3) and tv[0] > tolerance * (1 + 1e-3), (k, tv)


def test_visible_kernel_is_a_stochastic_matrix():
    rbm = RBM.random(n_hidden=2, n_visible=3, scale=1.0, rng=0)
    np.testing.assert_allclose(nb01.visible_kernel(rbm), kernel_by_hand(rbm), atol=1e-14)
    with pytest.raises(TypeError, match="rbm must be"):
        nb01.visible_kernel("rbm")


# ------------------------------------------------------------------ shapes of a right answer
@pytest.mark.parametrize("answer", [lambda rbm, v: free_energy(rbm, v)[:, None],
                                    lambda rbm, v: -(v @ rbm.visible_bias[:, None])
                                    - np.logaddexp(0, v @ rbm.weights.T + rbm.hidden_bias).sum(axis=1, keepdims=True)])
def test_ex1_a_column_of_free_energies_passes(answer, capsys):
    """(n, 1), what a sum with ``keepdims`` or a column of visible biases gives, is one number per row too."""
    assert_accepted(nb01.check_free_energy, answer, capsys)


@pytest.mark.parametrize("answer", [lambda rbm, v: free_energy(rbm, v)[None, :],
                                    lambda rbm, v: np.column_stack([free_energy(rbm, v)] * 2),
                                    lambda rbm, v: -free_energy(rbm, v)[:, None],
                                    lambda rbm, v: free_energy(rbm, v)[:-1, None]])
def test_ex1_other_shapes_and_a_wrong_column_are_refused(answer, capsys):
    assert_refused(nb01.check_free_energy, answer, capsys)


@pytest.mark.parametrize("answer", [lambda rbm, tolerance=0.01: np.array([steps_to_mix(rbm, tolerance)]),
                                    lambda rbm, tolerance=0.01: np.int64(steps_to_mix(rbm, tolerance)),
                                    lambda rbm, tolerance=0.01: float(steps_to_mix(rbm, tolerance))])
def test_ex2_a_count_as_a_one_element_array_or_a_whole_float_passes(answer, capsys):
    assert_accepted(nb01.check_steps_to_mix, answer, capsys)


@pytest.mark.parametrize("answer", [lambda rbm, tolerance=0.01: np.array([0]), lambda rbm, tolerance=0.01: [3],
                                    lambda rbm, tolerance=0.01: np.array([steps_to_mix(rbm, tolerance)] * 2)])
def test_ex2_other_one_element_forms_are_refused(answer, capsys):
    assert_refused(nb01.check_steps_to_mix, answer, capsys, texts=["3 steps"])


# ------------------------------------------------------------------ reading the checker's state, rebinding its helpers
@pytest.fixture
def fresh_nb01():
    module = fresh_copy(nb01)
    yield module
    drop(module)


def test_no_expected_value_is_on_the_stack_while_the_students_code_runs(capsys):
    """While the student's function runs, no frame of the checker holds the answer: for exercise 1 the free
    energies of the batch, for exercise 2 the count (other than counts the student itself returned before)."""
    seen = {"1": [], "2": []}

    def looks_1(rbm, v):
        seen["1"].append((checker_numbers(nb01), free_energy(rbm, v)))
        return free_energy(rbm, v)

    def looks_2(rbm, tolerance=0.01):
        seen["2"].append((checker_numbers(nb01), steps_to_mix(rbm, tolerance)))
        return steps_to_mix(rbm, tolerance)

    assert nb01.check_free_energy(looks_1) and nb01.check_steps_to_mix(looks_2)
    assert len(seen["1"]) == 4 and len(seen["2"]) == 12
    for found, answer in seen["1"]:
        assert not on_stack(answer, found)
    returned: list[int] = []
    for found, answer in seen["2"]:
        if answer not in returned:  # the student's own earlier answers are on the stack, and may be equal
            assert not on_stack(answer, found), answer
        returned.append(answer)
    assert len(set(returned)) >= 6  # so most calls were really tested


def test_a_cheat_reading_the_checkers_want_is_refused(capsys):
    cheat_1 = peeking(nb01, lambda rbm, v: np.zeros(len(v)))
    cheat_2 = peeking(nb01, lambda rbm, tolerance=0.01: 1, names=("want", "cases"),
                      convert=lambda value, args: value if np.ndim(value) == 0 else 1)
    assert_refused(nb01.check_free_energy, cheat_1, capsys)
    assert_refused(nb01.check_steps_to_mix, cheat_2, capsys, texts=["3 steps"])


def test_rebinding_the_checkers_helpers_in_a_cell_changes_nothing(capsys, fresh_nb01):
    """A cell that rebinds the module's reference helpers right after the import, then a matching wrong answer:
    the check puts the originals back, says so, and refuses; right answers still pass."""
    fresh_nb01._free_energy = lambda weights, visible_bias, hidden_bias, v: np.zeros(len(v))
    out = assert_refused(fresh_nb01.check_free_energy, lambda rbm, v: np.zeros(len(v)), capsys)
    assert "Note:" in out and "_free_energy" in out
    fresh_nb01._first_step = lambda kernel, target, tolerance: 1
    out = assert_refused(fresh_nb01.check_steps_to_mix, lambda rbm, tolerance=0.01: 1, capsys, texts=["3 steps"])
    assert "Note:" in out and "_first_step" in out
    fresh_nb01.FREE_ENERGY_RTOL = 1e9
    assert_refused(fresh_nb01.check_free_energy, WRONG_1["no visible-bias term"], capsys)
    assert_accepted(fresh_nb01.check_free_energy, free_energy, capsys)
    assert_accepted(fresh_nb01.check_steps_to_mix, steps_to_mix, capsys)


def test_rebinding_helpers_inside_the_function_is_refused_and_undone(capsys):
    def rebinds(rbm, tolerance=0.01):
        nb01._first_step = lambda kernel, target, tolerance: 1
        return 1

    out = assert_refused(nb01.check_steps_to_mix, rebinds, capsys, texts=["3 steps"])
    assert "replaced" in out and nb01._first_step.__name__ == "_first_step"
    assert_accepted(nb01.check_steps_to_mix, steps_to_mix, capsys)
