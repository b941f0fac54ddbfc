"""Shared builders for small models used across the tests."""

import numpy as np

from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM


def random_two_cause(n_a, n_b, n_visible, scale, seed):
    rng = np.random.default_rng(seed)
    a = RBM(rng.uniform(-scale, scale, (n_a, n_visible)), rng.uniform(-2, 2, n_visible), rng.uniform(-2, 2, n_a))
    b = RBM(rng.uniform(-scale, scale, (n_b, n_visible)), rng.uniform(-2, 2, n_visible), rng.uniform(-2, 2, n_b))
    return TwoCauseRBM(a, b)


def overlap_model():
    """A 2+2 hidden x 3 visible model where, given v = (0, 1, 1), cause A's two units compete.

    Found by searching random models (seed 203, weights up to ±8): B's units
    are both on, and A needs exactly one of its two units on
    (P = 0.34 + 0.62), so A's units are strongly anti-coupled given v: the
    case where updating a layer at once goes wrong.
    """
    return random_two_cause(2, 2, 3, scale=8, seed=203), np.array([0.0, 1.0, 1.0])
