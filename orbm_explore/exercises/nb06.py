"""Checkers for notebook 06 (learning and separation): scoring by cross-entropy, and the belief-bias gradient."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import exact_learning, separation
from ._check import as_finite_array, attempted, correct, not_yet

__all__ = ["check_cross_entropies", "check_belief_bias_gradient", "blind_problem"]


def check_cross_entropies(fn: Callable[[], object], model: Any, test: Any, base_a: Any) -> bool:
    """Exercise 1: ``fn()`` returns (two-cause, plain-RBM) mean cross-entropy of cause A's reconstruction, nats.

    The plain RBM's value must match ``base_a`` scored against ``test.a`` exactly; the two-cause value must
    match a fresh run of ``separation.separate(model, test.v, 40, n_average=10, rng=3)`` within Monte-Carlo
    noise (0.15 nats per image).
    """
    got = fn()
    if not attempted(got):
        return False
    pair = as_finite_array(got, (2,))
    if pair is None:
        return not_yet("return a pair (two-cause cross-entropy, plain-RBM cross-entropy), two finite numbers.")
    baseline = float(separation.cross_entropy(base_a, test.a).mean())
    recon_a, _ = separation.separate(model, test.v, 40, n_average=10, rng=3)
    two_cause = float(separation.cross_entropy(recon_a, test.a).mean())
    if np.isclose(pair[0], baseline, atol=1e-9) and np.isclose(pair[1], two_cause, atol=0.15):
        return not_yet("the two numbers are the wrong way round: the two-cause model's comes first.")
    if not np.isclose(pair[1], baseline, rtol=1e-9, atol=1e-9):
        return not_yet("the second number should be the mean over images of separation.cross_entropy of the "
                       "plain RBM's reconstruction (base_a) against cause A's true component test.a.")
    if not np.isclose(pair[0], two_cause, atol=0.15):
        return not_yet("the first number should be the mean cross-entropy of cause A's reconstruction from "
                       "separation.separate (40 sweeps, last 10 averaged) against test.a.")
    return correct(f"two-cause {pair[0]:.2f} against plain RBM {pair[1]:.2f} nats per image.")


def blind_problem() -> tuple[Any, Any]:
    """The model and composites of exercise 2: a random 2+2-unit merged-bias model and 30 composites of 3×3 bars."""
    from .. import datasets

    rng = np.random.default_rng(6)
    model = exact_learning.random_start(2, 2, 9, scale=1.5, merged=True, rng=rng)
    model.belief_bias[:] = rng.normal(0, 1, 9)
    composites = datasets.composites(datasets.bars(3, 30, "horizontal", 0.3, rng),
                                     datasets.bars(3, 30, "vertical", 0.3, rng)).v
    return model, composites


def check_belief_bias_gradient(fn: Callable[[Any, Any], object]) -> bool:
    """Exercise 2: ``fn(model, v)`` returns ∂ mean log P(v) / ∂ belief_bias, shape (V,), by enumeration.

    Called on :func:`blind_problem` and on a second problem with another seed, so hard-coded numbers fail.
    """
    answers = []
    for problem in (blind_problem(), _second_problem()):
        model, v = problem
        got = fn(model, v)
        if not attempted(got):
            return False
        answers.append((got, model, v))
    for got, model, v in answers:
        gradient = as_finite_array(got, (model.n_visible,))
        if gradient is None:
            return not_yet(f"return one number per pixel, an array of shape ({model.n_visible},).")
        want = exact_learning.log_likelihood_and_gradient(model, v)[1]["belief_bias"]
        if not np.allclose(gradient, want, rtol=1e-6, atol=1e-9):
            return not_yet("average v - σ(x) over the exact posterior P(h^A, h^B | v) of each composite "
                           "(exact.posterior), then over the composites; x is model.likelihood_input(h_a, h_b).")
    return correct("the wake-phase gradient of the belief layer's bias, exactly.")


def _second_problem() -> tuple[Any, Any]:
    model, v = blind_problem()
    rng = np.random.default_rng(7)
    for rbm in (model.a, model.b):
        rbm.weights += rng.normal(0, 1, rbm.weights.shape)
    return model, 1.0 - v
