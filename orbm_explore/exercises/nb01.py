"""Checkers for notebook 01 (the vanilla RBM): free energy and exact mixing time.

Each checker calls the student's function on deep copies of its own RBMs (so
changing an RBM in place changes nothing here), and only after it has returned
builds the RBMs again and computes its reference answers (so no expected value is
on the stack while the student's code runs).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import exact
from ..numerics import log_sigmoid
from ..rbm import RBM
from ._check import (
    NO_ANSWER,
    as_finite_array,
    as_real,
    call_student,
    checker,
    correct,
    not_yet,
    seal,
    student_function,
)

__all__ = ["check_free_energy", "check_steps_to_mix", "visible_kernel", "checked_rbms", "SPOILERS"]

FREE_ENERGY_RTOL = 1e-9
MIXING_TOLERANCES = (0.05, 0.01, 0.001)


def checked_rbms() -> list[RBM]:
    """The RBMs the checkers try: the notebook's (3 hidden, 4 visible, seed 1) and three others.

    Fresh objects on every call. Hidden and visible sizes differ, and every RBM
    has visible biases far from zero, so an answer that drops a term or swaps
    the layers is caught.
    """
    return [RBM.random(n_hidden=3, n_visible=4, scale=2.0, rng=1),
            RBM.random(n_hidden=2, n_visible=3, scale=1.5, rng=7),
            RBM.random(n_hidden=4, n_visible=4, scale=1.0, rng=11),
            RBM.random(n_hidden=3, n_visible=5, scale=2.5, rng=3)]


def _bernoulli_table(p: np.ndarray, states: np.ndarray) -> np.ndarray:
    """P(state | row of p) for every row of p (n, d) and every state (m, d); shape (n, m)."""
    return np.prod(np.where(states[None] == 1, p[:, None], 1 - p[:, None]), axis=2)


def _kernel(weights: np.ndarray, visible_bias: np.ndarray, hidden_bias: np.ndarray) -> np.ndarray:
    hidden = exact.binary_states(len(hidden_bias))
    visible = exact.binary_states(len(visible_bias))
    p_h = np.exp(log_sigmoid(visible @ weights.T + hidden_bias))
    p_v = np.exp(log_sigmoid(hidden @ weights + visible_bias))
    return _bernoulli_table(p_h, hidden) @ _bernoulli_table(p_v, visible)


def visible_kernel(rbm: RBM) -> np.ndarray:
    """T(v, v') = Σ_h P(h | v) P(v' | h), the one-step Gibbs kernel on v; shape (2**V, 2**V).

    Rows and columns in :func:`orbm_explore.exact.binary_states` order; each row sums to 1.
    """
    if not isinstance(rbm, RBM):
        raise TypeError(f"rbm must be an orbm_explore RBM, got {type(rbm).__name__}")
    return _kernel(rbm.weights, rbm.visible_bias, rbm.hidden_bias)


def _free_energy(weights: np.ndarray, visible_bias: np.ndarray, hidden_bias: np.ndarray,
                 v: np.ndarray) -> np.ndarray:
    """F(v) = -Σ_i W_0i v_i - Σ_j log(1 + e^{ψ_j(v)}), by this module's own arithmetic."""
    return -(v @ visible_bias) - np.logaddexp(0.0, v @ weights.T + hidden_bias).sum(axis=1)


def _visible_states(n_visible: int) -> np.ndarray:
    """Every visible pattern, then the same patterns again in another order (a batch with repeats)."""
    states = exact.binary_states(n_visible)
    return np.concatenate([states, states[np.random.default_rng(n_visible).permutation(len(states))]])


@checker("a function free_energy(rbm, v) returning one number per row of v")
def check_free_energy(fn: Callable[[RBM, np.ndarray], object]) -> bool:
    """Exercise 1: ``fn(rbm, v)`` returns F(v) for a batch ``v`` of shape (n, n_visible).

    Checked on four RBMs, every visible pattern (twice, in two orders), within a relative 1e-9. An (n, 1)
    column is accepted as well as an (n,) vector (the shape is not what the exercise teaches). The
    references are computed after the student's function has returned, on the RBMs built again.
    """
    if not student_function(fn, "a function free_energy(rbm, v) returning one number per row of v"):
        return False
    answers = []
    for rbm in checked_rbms():
        got = call_student(fn, rbm, _visible_states(rbm.n_visible))
        if got is NO_ANSWER:
            return False
        answers.append(got)
    # Judged now that the student's code has returned, on the RBMs and batches built again.
    for got, rbm in zip(answers, checked_rbms()):
        v = _visible_states(rbm.n_visible)
        want = _free_energy(rbm.weights, rbm.visible_bias, rbm.hidden_bias, v)
        values = as_finite_array(got, want.shape)
        if values is None:
            column = as_finite_array(got, (len(want), 1))  # one free energy per row, kept as a column
            values = None if column is None else column[:, 0]
        if values is None:
            return not_yet(f"return one finite free energy per row of v: for v of shape {v.shape} an array of "
                           f"shape {want.shape}, got {type(got).__name__} {np.shape(got) if hasattr(got, 'shape') else ''}"
                           .rstrip() + ".")
        if not np.allclose(values, want, rtol=FREE_ENERGY_RTOL, atol=FREE_ENERGY_RTOL):
            if np.allclose(values, -want, rtol=FREE_ENERGY_RTOL, atol=FREE_ENERGY_RTOL):
                return not_yet("the sign: F(v) is *minus* log P*(v).")
            return not_yet("not yet right on every RBM the check tries. Sum the joint over h one hidden unit at a "
                           "time, and remember the terms of log P*(h, v) that contain no h at all.")
    return correct("F(v) is right on four different RBMs.")


def _tv_after(kernel: np.ndarray, target: np.ndarray, steps: int) -> float:
    dist = np.full(len(target), 1.0 / len(target)) @ np.linalg.matrix_power(kernel, steps)
    return 0.5 * float(np.abs(dist - target).sum())


def _first_step(kernel: np.ndarray, target: np.ndarray, tolerance: float) -> int:
    dist = np.full(len(target), 1.0 / len(target))
    for step in range(1, 100_000):
        dist = dist @ kernel
        if 0.5 * np.abs(dist - target).sum() < tolerance:
            return step
    raise RuntimeError("the checker's own chain did not mix")  # never for the RBMs above


@checker("a function steps_to_mix(rbm, tolerance) returning a whole number of steps")
def check_steps_to_mix(fn: Callable[..., object]) -> bool:
    """Exercise 2: ``fn(rbm, tolerance)`` returns the first k >= 1 with TV(uniform · T^k, P(v)) < tolerance.

    Checked exactly (an integer) on four RBMs and three tolerances; the references are computed after the
    student's function has returned, on the RBMs built again.
    """
    if not student_function(fn, "a function steps_to_mix(rbm, tolerance) returning a whole number of steps"):
        return False
    answers = []
    for rbm in checked_rbms():
        for tolerance in MIXING_TOLERANCES:
            got = call_student(fn, rbm, tolerance)
            if got is NO_ANSWER:
                return False
            answers.append((tolerance, got))
    # Judged now that the student's code has returned, on the RBMs built again.
    cases = [(_kernel(rbm.weights, rbm.visible_bias, rbm.hidden_bias), exact.rbm_visible_distribution(rbm))
             for rbm in checked_rbms() for _ in MIXING_TOLERANCES]
    for (tolerance, got), (kernel, target) in zip(answers, cases):
        value = as_real(got)
        if value is None or not float(value).is_integer():
            return not_yet(f"return a whole number of steps (an int), got {type(got).__name__}.")
        if value < 1:
            return not_yet("a number of steps is at least 1: the chain starts from uniform v, which is not P(v).")
        if int(value) != _first_step(kernel, target, tolerance):
            return not_yet(f"not the right number of steps for one of the RBMs the check tries (tolerance "
                           f"{tolerance}). "
                           "Start from the uniform distribution over v, apply one step at a time, and stop at the "
                           "first step whose total variation, half the summed absolute difference, is below "
                           "the tolerance.")
    return correct("the exact number of steps, for four RBMs and three tolerances.")


SPOILERS: tuple[str, ...] = ("3 steps", "3 Gibbs steps", "steps to TV < 0.01")

seal(__name__)
