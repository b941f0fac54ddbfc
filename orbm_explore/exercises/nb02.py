"""Checkers for notebook 02 (the exact correction): its symmetry and its independence of v."""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import corrections, exact
from ..rbm import RBM
from ..two_cause import TwoCauseRBM
from ._check import as_finite_array, attempted, correct, not_yet

__all__ = ["check_correction_pair", "check_correction_remainders", "notebook_model"]


def check_correction_pair(fn: Callable[[np.ndarray, np.ndarray, np.ndarray], object]) -> bool:
    """Exercise 1: ``fn(phi0, eps, w)`` returns the pair (C(φ0, ε, W), C(φ0, W, ε)) for arrays of one shape."""
    rng = np.random.default_rng(2024)
    for scale in (3.0, 20.0):
        phi0, eps, w = rng.uniform(-scale, scale, (3, 50))
        got = fn(phi0, eps, w)
        if not attempted(got):
            return False
        pair = as_finite_array(got, (2, 50))
        if pair is None:
            return not_yet(f"return two arrays of shape (50,) (one per order of ε and W), got {type(got).__name__}")
        if not np.allclose(pair[0], corrections.exact(phi0, eps, w), rtol=1e-9, atol=1e-9):
            return not_yet("the first array should be C(φ0, ε, W): four log-sigmoids, or corrections.exact.")
        if not np.allclose(pair[1], corrections.exact(phi0, w, eps), rtol=1e-9, atol=1e-9):
            return not_yet("the second array should be C with ε and W swapped, C(φ0, W, ε).")
    largest = float(np.abs(pair[0] - pair[1]).max())
    return correct(f"both orders agree with corrections.exact; they differ by at most {largest:.1e}.")


def notebook_model(seed: int = 0) -> tuple[TwoCauseRBM, np.ndarray, np.ndarray]:
    """The random two-cause model of notebook 02 (seed 0) with its hidden states; other seeds for checking."""
    rng = np.random.default_rng(seed)
    model = TwoCauseRBM(RBM.random(3, 5, scale=4, rng=rng), RBM.random(2, 5, scale=4, rng=rng))
    if seed == 0:
        return model, np.array([1.0, 0.0, 1.0]), np.array([0.0, 1.0])
    return model, (rng.random(3) < 0.5).astype(float), (rng.random(2) < 0.5).astype(float)


def check_correction_remainders(fn: Callable[[TwoCauseRBM, np.ndarray, np.ndarray], object]) -> bool:
    """Exercise 2: ``fn(model, h_a, h_b)`` returns ψ^A(v) - ψ^A_RBM(v) for every v, shape (2**V, n_hidden_a).

    Rows in :func:`orbm_explore.exact.binary_states` order.
    """
    for seed in (0, 1, 2):
        model, h_a, h_b = notebook_model(seed)
        got = fn(model, h_a, h_b)
        if not attempted(got):
            return False
        shape = (2 ** model.n_visible, model.a.n_hidden)
        rest = as_finite_array(got, shape)
        if rest is None:
            return not_yet(f"return one row per visible pattern and one column per unit of A, shape {shape}")
        states = exact.binary_states(model.n_visible)
        want = model.psi(np.tile(h_a, (len(states), 1)), np.tile(h_b, (len(states), 1)), states)[0] \
            - model.a.hidden_input(states)
        if not np.allclose(rest, want, rtol=1e-9, atol=1e-9):
            return not_yet("for each v subtract the vanilla log-odds model.a.hidden_input(v) from "
                           "model.psi(h_a, h_b, v)[0]; rows in exact.binary_states order.")
    return correct("every row is the same: what is left after the vanilla part does not depend on v.")
