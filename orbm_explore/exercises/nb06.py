"""Checkers for notebook 06 (learning and separation): scoring by cross-entropy, and the belief-bias gradient.

Each checker builds its own problems from fixed seeds; it takes nothing from the notebook, so nothing a
student's cell changes there (a model, the test images) changes what is checked. The student's function is
called on every problem first; only after it has returned does the checker build the problems again, from
the same seeds, and compute its reference answers on them (so while the student's code runs no expected
value exists anywhere on the stack, and editing the objects the checker holds changes nothing judged).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable

import numpy as np
from scipy.special import expit

from .. import datasets, exact, exact_learning, separation
from ..two_cause import TwoCauseRBM
from ._check import NO_ANSWER, as_finite_array, call_student, checker, correct, not_yet, seal, student_function

__all__ = ["check_cross_entropies", "check_belief_bias_gradient", "separation_problems", "blind_problem",
           "SEPARATION", "SPOILERS", "CROSS_ENTROPY_TOLERANCE", "GRADIENT_TOLERANCE"]

# Exercise 1's separation settings, stated in the notebook: with the seed fixed the answer is one exact number.
SEPARATION = MappingProxyType(dict(n_sweeps=40, n_average=10, rng=3))
CROSS_ENTROPY_TOLERANCE = 1e-6   # nats per image, absolute: "within 10⁻⁶ nats"
GRADIENT_TOLERANCE = 1e-6        # relative, with 1e-9 absolute: "within a relative 10⁻⁶"

_EXPECTED_1 = "a function cross_entropies(model, test, base_a) returning a pair of numbers (two-cause, plain RBM)"
_EXPECTED_2 = "a function belief_bias_gradient(model, v) returning one number per pixel"


# ------------------------------------------------------------------------------------------ exercise 1
def separation_problems() -> list[tuple[Any, Any, np.ndarray]]:
    """Exercise 1's two problems, ``(model, test, base_a)`` each, built afresh from fixed seeds on every call.

    The first is a small copy of the notebook's: RBMs with 4 hidden units trained (exact gradient) on 200
    horizontal and 200 vertical 4×4 bars, 120 held-out composites, and the plain RBM's reconstruction of cause
    A (10 draws, seed 4). The second takes every third of those composites in reverse order, with the matching
    rows of the first's ``base_a`` (so neither a number nor a reconstruction carries over).
    """
    rng = np.random.default_rng(0)
    rbm_a, _ = exact_learning.train_rbm_exact(datasets.bars(4, 200, "horizontal", 0.3, rng), 4, steps=300, rng=1)
    rbm_b, _ = exact_learning.train_rbm_exact(datasets.bars(4, 200, "vertical", 0.3, rng), 4, steps=300, rng=2)
    test = datasets.composites(datasets.bars(4, 120, "horizontal", 0.3, rng),
                               datasets.bars(4, 120, "vertical", 0.3, rng))
    base_a = separation.rbm_reconstruct(rbm_a, test.v, 10, rng=4)
    rows = np.arange(len(test.v))[::-3]
    second = datasets.Composites(test.v[rows].copy(), test.a[rows].copy(), test.b[rows].copy())
    return [(TwoCauseRBM(rbm_a, rbm_b), test, base_a),
            (TwoCauseRBM(rbm_a.copy(), rbm_b.copy()), second, base_a[rows].copy())]


def _mean_cross_entropy(recon: np.ndarray, truth: np.ndarray) -> float:
    return float(separation.cross_entropy(recon, truth).mean())


def _scores(model: Any, test: Any, base_a: np.ndarray) -> dict[str, tuple[float, float]]:
    """The right pair and the pairs of the wrong approaches the hints name, all computed here."""
    recon_a, recon_b = separation.separate(model, test.v, correction="exact", **SEPARATION)
    sigmoid_a, _ = separation.separate(model, test.v, correction="sigmoid", **SEPARATION)
    plain = _mean_cross_entropy(base_a, test.a)
    return {"right": (_mean_cross_entropy(recon_a, test.a), plain),
            "cause b": (_mean_cross_entropy(recon_b, test.b), plain),
            "sigmoid": (_mean_cross_entropy(sigmoid_a, test.a), plain)}


def _close(pair: np.ndarray, want: tuple[float, float]) -> bool:
    return bool(np.allclose(pair, want, rtol=0.0, atol=CROSS_ENTROPY_TOLERANCE))


@checker(_EXPECTED_1)
def check_cross_entropies(fn: Callable[[Any, Any, Any], object], *ignored: Any) -> bool:
    """Exercise 1: ``fn(model, test, base_a)`` returns (two-cause, plain-RBM) mean cross-entropy of cause A.

    The two-cause number is the mean over images of ``separation.cross_entropy`` of A's reconstruction from
    ``separation.separate(model, test.v, correction="exact", **SEPARATION)`` against ``test.a``; the plain
    number scores ``base_a`` against ``test.a``. Checked on the two problems of :func:`separation_problems`,
    within :data:`CROSS_ENTROPY_TOLERANCE` nats. Takes nothing from the notebook: anything passed after
    ``fn`` (the notebook's model, test and base_a, as an older check cell passed them) is ignored.
    """
    if not student_function(fn, _EXPECTED_1):
        return False
    answers = []
    for problem in separation_problems():  # the student's function gets deep copies; nothing here is reused
        got = call_student(fn, *problem)
        if got is NO_ANSWER:
            return False
        answers.append(got)
    # Judged now that the student's code has returned, on the problems built again from their seeds.
    for got, problem in zip(answers, separation_problems()):
        pair = as_finite_array(got, (2,))
        if pair is None:
            return not_yet("return a pair (two-cause cross-entropy, plain-RBM cross-entropy): two finite numbers, "
                           f"got {type(got).__name__}.")
        want = _scores(*problem)
        if _close(pair, want["right"]):
            continue
        if _close(pair[::-1], want["right"]):
            return not_yet("the two numbers are the wrong way round: the two-cause model's comes first.")
        if not np.isclose(pair[1], want["right"][1], rtol=0.0, atol=CROSS_ENTROPY_TOLERANCE):
            return not_yet("the second number should score the plain RBM's reconstruction of cause A, base_a, "
                           "against cause A's true component, averaged over the images of the test set you are given.")
        if _close(pair, want["cause b"]):
            return not_yet("that is cause B's score: the exercise scores cause A's reconstruction against A's "
                           "true component.")
        if _close(pair, want["sigmoid"]):
            return not_yet("that separation uses an approximate correction: use the correction whose sampler "
                           "targets the true posterior.")
        return not_yet("the first number is not yet cause A's mean cross-entropy after separation with the stated "
                       "settings and seed (it must match within 10⁻⁶ nats, so an approximate number is not enough). "
                       "Use the model, composites and clean images your function is given.")
    return correct("cross-entropy of cause A, two-cause model against plain RBM, on both problems the check tries.")


# ------------------------------------------------------------------------------------------ exercise 2
def blind_problem() -> tuple[Any, Any]:
    """The model and composites of exercise 2: a random 2+2-unit merged-bias model and 30 composites of 3×3 bars.

    Fresh objects on every call.
    """
    rng = np.random.default_rng(6)
    model = exact_learning.random_start(2, 2, 9, scale=1.5, merged=True, rng=rng)
    model.belief_bias[:] = rng.normal(0, 1, 9)
    composites = datasets.composites(datasets.bars(3, 30, "horizontal", 0.3, rng),
                                     datasets.bars(3, 30, "vertical", 0.3, rng)).v
    return model, composites


def _second_problem() -> tuple[Any, Any]:
    """Another model (weights moved, both signs) and the complemented composites: hard-coded numbers fail."""
    model, v = blind_problem()
    rng = np.random.default_rng(7)
    for rbm in (model.a, model.b):
        rbm.weights += rng.normal(0, 1, rbm.weights.shape)
    return model, 1.0 - v


def _gradients(model: Any, v: np.ndarray) -> dict[str, np.ndarray]:
    """The exact gradient, and the wrong approaches the hints name, by this module's own arithmetic."""
    h_a, h_b = exact.two_cause_hidden_states(model)
    x = model.likelihood_input(h_a, h_b)                 # (states, V)
    posterior = np.stack([exact.posterior(model, row) for row in v])   # (n, states)
    prior = exact.two_cause_hidden_distribution(model)
    residual = v[:, None, :] - expit(x)[None]           # (n, states, V)
    right = np.einsum("ns,nsv->v", posterior, residual) / len(v)
    return {"right": right, "other sign": -right, "sum": right * len(v),
            "prior": v.mean(axis=0) - prior @ expit(x)}


def _matches(values: np.ndarray, want: np.ndarray) -> bool:
    return bool(np.allclose(values, want, rtol=GRADIENT_TOLERANCE, atol=1e-9))


@checker(_EXPECTED_2)
def check_belief_bias_gradient(fn: Callable[[Any, Any], object]) -> bool:
    """Exercise 2: ``fn(model, v)`` returns ∂ mean log P(v) / ∂ belief_bias, shape (V,), by enumeration.

    Called on :func:`blind_problem` and on a second problem, within a relative :data:`GRADIENT_TOLERANCE`;
    judged after the student's function has returned, on the problems built again from their seeds.
    """
    if not student_function(fn, _EXPECTED_2):
        return False
    answers = []
    for model, v in (blind_problem(), _second_problem()):  # deep copies go to the student; nothing here is reused
        got = call_student(fn, model, v)
        if got is NO_ANSWER:
            return False
        answers.append(got)
    # Judged now that the student's code has returned, on the problems built again from their seeds.
    for got, (model, v) in zip(answers, (blind_problem(), _second_problem())):
        want = _gradients(model, v)
        gradient = as_finite_array(got, want["right"].shape)
        if gradient is None:
            return not_yet(f"return one finite number per pixel, an array of shape {want['right'].shape}, "
                           f"got {type(got).__name__}.")
        if _matches(gradient, want["right"]):
            continue
        if _matches(gradient, want["other sign"]):
            return not_yet("check the sign: the gradient points the way that makes the composites more likely.")
        if _matches(gradient, want["sum"]):
            return not_yet("the log-likelihood is a mean over composites, so its gradient is a mean too.")
        if _matches(gradient, want["prior"]):
            return not_yet("the causes are inferred from each composite: weight each joint hidden state by its "
                           "probability given that composite, not by its prior probability.")
        return not_yet("not yet right on every problem the check tries. For one composite, the gradient of "
                       "log P(v) is an average over the joint hidden states, each weighted by how probable it is "
                       "given v; then average over composites. Use the model and composites you are given.")
    return correct("the wake-phase gradient of the belief layer's bias, exactly, on both problems the check tries.")


# Exercise 1's answer in notebook 06 (two-cause and plain-RBM cross-entropy of cause A, nats per image, as
# Run All computes them there): no output outside an ``answer`` cell may show them.
SPOILERS: tuple[str, ...] = ("1.83", "3.03")

seal(__name__)
