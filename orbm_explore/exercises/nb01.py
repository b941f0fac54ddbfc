"""Checkers for notebook 01 (the vanilla RBM): free energy and exact mixing time."""

from __future__ import annotations

import numbers
from typing import Callable

import numpy as np

from .. import exact, stats
from ..rbm import RBM
from ._check import as_finite_array, attempted, correct, not_yet

__all__ = ["check_free_energy", "check_steps_to_mix", "visible_kernel", "checked_rbms"]


def checked_rbms() -> list[RBM]:
    """The RBMs the checkers try: the notebook's (3 hidden, 4 visible, seed 1) and two others."""
    return [RBM.random(n_hidden=3, n_visible=4, scale=2.0, rng=1),
            RBM.random(n_hidden=2, n_visible=3, scale=1.5, rng=7),
            RBM.random(n_hidden=4, n_visible=4, scale=1.0, rng=11)]


def visible_kernel(rbm: RBM) -> np.ndarray:
    """T(v, v') = Σ_h P(h | v) P(v' | h), the one-step Gibbs kernel on v; shape (2**V, 2**V)."""
    hidden = exact.binary_states(rbm.n_hidden)
    visible = exact.binary_states(rbm.n_visible)

    def bernoulli_table(p, states):
        return np.prod(np.where(states[None] == 1, p[:, None], 1 - p[:, None]), axis=2)

    return bernoulli_table(rbm.p_h_given_v(visible), hidden) @ bernoulli_table(rbm.p_v_given_h(hidden), visible)


def check_free_energy(fn: Callable[[RBM, np.ndarray], object]) -> bool:
    """Exercise 1: ``fn(rbm, v)`` returns F(v) for a batch ``v`` of shape (n, n_visible)."""
    for rbm in checked_rbms():
        v = exact.binary_states(rbm.n_visible)
        got = fn(rbm, v)
        if not attempted(got):
            return False
        values = as_finite_array(got, (v.shape[0],))
        if values is None:
            return not_yet(f"return one free energy per row of v, an array of shape ({v.shape[0]},); got {got!r}")
        want = rbm.free_energy(v)
        if not np.allclose(values, want, rtol=1e-9, atol=1e-9):
            if np.allclose(values, -want, rtol=1e-9, atol=1e-9):
                return not_yet("the sign is flipped: log P*(v) = -F(v).")
            return not_yet("sum out each h_j: Σ_{h_j∈{0,1}} e^{h_j ψ_j(v)} = 1 + e^{ψ_j(v)}, and keep the "
                           "visible-bias term W_0i v_i.")
    return correct("F(v) matches rbm.free_energy on three different RBMs.")


def _tv_after(rbm: RBM, steps: int) -> float:
    start = np.full(2 ** rbm.n_visible, 2.0 ** -rbm.n_visible)
    dist = start @ np.linalg.matrix_power(visible_kernel(rbm), steps)
    return stats.total_variation(dist, exact.rbm_visible_distribution(rbm))


def check_steps_to_mix(fn: Callable[..., object]) -> bool:
    """Exercise 2: ``fn(rbm, tolerance)`` returns the first step count at which TV(start·T^k, P(v)) < tolerance."""
    for rbm in checked_rbms():
        for tolerance in (0.01, 0.001):
            got = fn(rbm, tolerance)
            if not attempted(got):
                return False
            if isinstance(got, bool) or not isinstance(got, numbers.Integral):
                return not_yet(f"return a whole number of steps, got {got!r}")
            got = int(got)
            if got < 1:
                return not_yet(f"a number of steps is at least 1 (uniform v is not yet P(v)), got {got}")
            if _tv_after(rbm, got) >= tolerance:
                return not_yet(f"after {got} steps the chain is not yet within {tolerance} of P(v): "
                               "iterate dist = dist @ T until it is.")
            if _tv_after(rbm, got - 1) < tolerance:
                return not_yet(f"the chain is already within {tolerance} before step {got}: return the "
                               "*first* step at which it is.")
    return correct("the exact mixing step, for three RBMs and two tolerances.")
