"""Checkers for notebook 02 (the exact correction): its symmetry, and the Gibbs log-odds for every v.

Each checker calls the student's function on deep copies of its inputs, and only
after it has returned builds the inputs again (from fixed seeds) and computes the
reference answers, so no expected value is on the stack while the student's code runs.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import exact
from ..numerics import log_sigmoid, sigmoid
from ..rbm import RBM
from ..two_cause import TwoCauseRBM
from ._check import NO_ANSWER, as_finite_array, call_student, checker, correct, not_yet, seal, student_function

__all__ = ["check_correction_pair", "check_log_odds_every_v", "notebook_model", "SPOILERS"]

RTOL = ATOL = 1e-9


# ------------------------------------------------------------------ exercise 1: the symmetry of C
def _exact(phi0, eps, w):
    """C(φ0, ε, W): the four log-sigmoids."""
    return log_sigmoid(phi0 + w + eps) + log_sigmoid(phi0) - log_sigmoid(phi0 + w) - log_sigmoid(phi0 + eps)


def _three_terms(phi0, eps, w):
    """The notes' ``calc_psi0_correction``: C without its last term, -log σ(φ0 + ε)."""
    return log_sigmoid(phi0 + w + eps) + log_sigmoid(phi0) - log_sigmoid(phi0 + w)


def _sigmoid_approximation(phi0, eps, w):
    """§2.1's W[σ(φ0 + W/2) - σ(φ0 + W/2 + ε)] (no gain)."""
    return w * (sigmoid(phi0 + w / 2) - sigmoid(phi0 + w / 2 + eps))


_CORRECTIONS = (_exact, _three_terms, _sigmoid_approximation)


def _inputs_1() -> list[tuple[Callable, np.ndarray, np.ndarray, np.ndarray]]:
    """Exercise 1's problems, fresh on every call: (correction, phi0, eps, w), 50 points each, two scales."""
    rng = np.random.default_rng(2024)
    cases = []
    for scale in (3.0, 20.0):
        phi0, eps, w = rng.uniform(-scale, scale, (3, 50))
        cases.extend((correction, phi0, eps, w) for correction in _CORRECTIONS)
    return cases


@checker("a function correction_pair(correction, phi0, eps, w) returning two arrays")
def check_correction_pair(fn: Callable[..., object]) -> bool:
    """Exercise 1: ``fn(correction, phi0, eps, w)`` returns (correction(φ0, ε, W), correction(φ0, W, ε)).

    Tried with the exact C and with two corrections that are *not* symmetric in
    ε and W (so returning one order twice is caught), on random arrays with both
    signs of W, within 1e-9 (relative and absolute). The references are computed after the student's
    function has returned, on the inputs built again from their seed.
    """
    if not student_function(fn, "a function correction_pair(correction, phi0, eps, w) returning two arrays"):
        return False
    answers = []
    for correction, phi0, eps, w in _inputs_1():
        got = call_student(fn, correction, phi0, eps, w)
        if got is NO_ANSWER:
            return False
        answers.append(got)
    # Judged now that the student's code has returned.
    for got, (correction, phi0, eps, w) in zip(answers, _inputs_1()):
        want = np.array([correction(phi0, eps, w), correction(phi0, w, eps)])
        pair = as_finite_array(got, want.shape)
        if pair is None:
            return not_yet(f"return two finite arrays of the shape of phi0 {phi0.shape}, one per order of ε and W; "
                           f"got {type(got).__name__}.")
        if not np.allclose(pair[0], want[0], rtol=RTOL, atol=ATOL):
            return not_yet("the first array should be the given correction at (φ0, ε, W), as passed in. Use the "
                           "function you are given, not a formula of your own: the check also passes corrections "
                           "other than the exact one.")
        if not np.allclose(pair[1], want[1], rtol=RTOL, atol=ATOL):
            return not_yet("the second array is not the given correction with the roles of ε and W exchanged. "
                           "Not every correction the check passes is symmetric, so the second array must "
                           "really be evaluated at the other order.")
    return correct("right for the exact correction and for two that are not symmetric.")


# ------------------------------------------------------------------ exercise 2: ψ for every v
def notebook_model(seed: int = 0) -> tuple[TwoCauseRBM, np.ndarray, np.ndarray]:
    """The random two-cause model of notebook 02 (seed 0) with its hidden states; other seeds for checking.

    Seed 0 is the notebook's model (3 units in A, 2 in B, 5 visible units,
    h_a = [1, 0, 1], h_b = [0, 1]). Other seeds give models of other sizes
    whose h_a holds both a 0 and a 1.
    """
    rng = np.random.default_rng(seed)
    if seed == 0:
        model = TwoCauseRBM(RBM.random(3, 5, scale=4, rng=rng), RBM.random(2, 5, scale=4, rng=rng))
        return model, np.array([1.0, 0.0, 1.0]), np.array([0.0, 1.0])
    n_a, n_b, n_v = 2 + seed % 3, 1 + seed % 2, 3 + seed % 3
    model = TwoCauseRBM(RBM.random(n_a, n_v, scale=3, rng=rng), RBM.random(n_b, n_v, scale=3, rng=rng))
    h_a = np.zeros(n_a)
    h_a[rng.permutation(n_a)[: max(1, n_a // 2)]] = 1.0
    return model, h_a, (rng.random(n_b) < 0.5).astype(float)


def _log_odds(model: TwoCauseRBM, h_a: np.ndarray, h_b: np.ndarray) -> np.ndarray:
    """ψ^A_j(v) = log P*(h_j = 1, rest) - log P*(h_j = 0, rest) for every v (rows) and unit j of A (columns)."""
    states = exact.binary_states(model.n_visible)
    columns = []
    for j in range(model.a.n_hidden):
        on, off = h_a.copy(), h_a.copy()
        on[j], off[j] = 1.0, 0.0
        h_b_batch = np.tile(h_b, (len(states), 1))
        columns.append(model.log_p_star(np.tile(on, (len(states), 1)), h_b_batch, states)
                       - model.log_p_star(np.tile(off, (len(states), 1)), h_b_batch, states))
    return np.column_stack(columns)


@checker("a function log_odds_every_v(model, h_a, h_b) returning an array of shape (2**n_visible, n_hidden_a)")
def check_log_odds_every_v(fn: Callable[[TwoCauseRBM, np.ndarray, np.ndarray], object]) -> bool:
    """Exercise 2: ``fn(model, h_a, h_b)`` returns ψ^A_j(v) for every v, shape (2**V, n_hidden_a).

    Rows in :func:`orbm_explore.exact.binary_states` order. Checked on the
    notebook's model and three others (other sizes, h_a with both 0s and 1s),
    within 1e-9. The rows differ from one v to the next (the vanilla part
    does), so one row repeated for every v is caught. The references are computed after the student's
    function has returned, on the models built again from their seeds.
    """
    expected = "a function log_odds_every_v(model, h_a, h_b) returning an array of shape (2**n_visible, n_hidden_a)"
    if not student_function(fn, expected):
        return False
    seeds = (0, 1, 2, 3)
    answers = []
    for seed in seeds:
        got = call_student(fn, *notebook_model(seed))
        if got is NO_ANSWER:
            return False
        answers.append(got)
    # Judged now that the student's code has returned, on the models built again.
    for got, seed in zip(answers, seeds):
        model, h_a, h_b = notebook_model(seed)
        want = _log_odds(model, h_a, h_b)
        values = as_finite_array(got, want.shape)
        if values is None:
            return not_yet(f"for a model with {model.n_visible} visible units and {model.a.n_hidden} hidden units "
                           f"in cause A return a finite array of shape {want.shape}: one row per visible pattern, "
                           f"one column per unit of A; got {type(got).__name__}.")
        if not np.allclose(values, want, rtol=RTOL, atol=ATOL):
            if np.allclose(values, -want, rtol=RTOL, atol=ATOL):
                return not_yet("the sign: ψ_j is the log-odds of h_j = 1 against h_j = 0.")
            return not_yet("not yet right for every model the check tries. ψ_j compares two joint states that "
                           "differ only in unit j of cause A (on against off); everything else, the other units "
                           "of A, cause B and this row's v, stays as given.")
    return correct("ψ is right for every v, on four models.")


SPOILERS: tuple[str, ...] = ("every row is the same", "rows are all equal", "does not depend on v",
                             "they differ by at most", "agree with corrections.exact")

seal(__name__)
