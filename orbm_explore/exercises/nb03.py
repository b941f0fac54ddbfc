"""Checkers for notebook 03 (approximations): the linear form moved to the switch point, and the minimax gain."""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit, log_expit

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

__all__ = ["check_linear_at_midpoint", "check_best_gain", "max_error_of_gain", "best_gain", "SQUARE",
           "EXCESS_TOLERANCE", "ERROR_TOLERANCE", "GAIN_WEIGHTS", "SPOILERS"]


def _square() -> tuple[np.ndarray, np.ndarray]:
    """The ±40 square of exercise 2, 161 × 161 points: (phi0 row, eps column), built afresh on every call."""
    return np.linspace(-40, 40, 161)[None, :], np.linspace(-40, 40, 161)[:, None]


# The square, for reading (read-only; the checker never uses it: it builds its own with _square()).
SQUARE = _square()
for _axis in SQUARE:
    _axis.base.flags.writeable = False
    _axis.flags.writeable = False

# Exercise 2 accepts a gain whose max error is within EXCESS_TOLERANCE (relative) of the smallest any gain achieves.
# The gain that minimises the RMS error instead is about 0.004 away and its max error 5.5 % (W = ±10) and 8.2 %
# (W = 5) above the smallest, so 2.5 % tells the two criteria apart; a grid of step 0.002 near the best gain
# (at most 0.001 off) stays within 2.2 % (tests/test_exercises_nb03.py measures both).
EXCESS_TOLERANCE = 0.025
ERROR_TOLERANCE = 1e-6  # the reported max error against the checker's, for the student's own gain
GAIN_WEIGHTS = (10.0, 5.0, -10.0)
# (W, best gain, its max error) at GAIN_WEIGHTS, from best_gain() and max_error_of_gain() (the tests recompute
# them): constants, so a check costs milliseconds. A tuple: nothing can edit it in place.
_BEST = ((10.0, 0.4714720436542775, 0.48923108117527425), (5.0, 0.7349864641524471, 0.10231661792310387),
         (-10.0, 0.4714720436542775, 0.48923108117527425))

# What no output outside an answer cell may show: the minimax gain at W = 10 (0.4715...).
SPOILERS: tuple[str, ...] = ("0.47",)


# The functions below take scipy's and numpy's functions as default arguments, bound when this module is
# imported: a student's function that rebinds ``nb03.expit`` or ``np.abs`` cannot change a later check.
def _linear_at(x: np.ndarray, eps: np.ndarray, w: np.ndarray, sigmoid: Callable = expit) -> np.ndarray:
    """W[σ(x) − σ(x + ε)], written out (the checker's own copy, not the student's library)."""
    return w * (sigmoid(x) - sigmoid(x + eps))


def _all_close(got: np.ndarray, want: np.ndarray, absolute: Callable = np.abs) -> bool:
    """|got − want| ≤ 1e-9 (1 + |want|) everywhere; False for NaN (no library call looked up after the student's
    function has run, so patching ``np.allclose`` or ``np.isfinite`` cannot turn a wrong answer right)."""
    return bool((absolute(got - want) <= 1e-9 * (1.0 + absolute(want))).all())


def _inputs_1() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Exercise 1's inputs, fresh on every call: 40 points each of (phi0, eps, w), W of both signs, small and large."""
    rng = np.random.default_rng(3)
    cases = []
    for scale in (2.0, 20.0):
        phi0, eps, w = rng.uniform(-scale, scale, (3, 40))
        w[:20] = np.abs(w[:20]) + 0.5  # both signs of W, never near 0
        w[20:] = -np.abs(w[20:]) - 0.5
        cases.append((phi0, eps, w))
    return cases


@checker("a function linear_at_midpoint(phi0, eps, w) returning an array shaped like its inputs")
def check_linear_at_midpoint(fn: Callable[[np.ndarray, np.ndarray, np.ndarray], object]) -> bool:
    """Exercise 1: ``fn(phi0, eps, w)`` is the §2 linear form with its step moved to the exact one's switch point.

    The reference is W[σ(φ0 + W/2) − σ(φ0 + W/2 + ε)], on inputs of both signs of W, small and large; it
    is computed after the student's function has returned, on inputs built again from their seed.
    """
    if not student_function(fn, "a function linear_at_midpoint(phi0, eps, w)"):
        return False
    answers = []
    for phi0, eps, w in _inputs_1():  # the student's function gets deep copies; nothing here is reused
        got = call_student(fn, phi0, eps, w)
        if got is NO_ANSWER:
            return False
        answers.append(got)
    # Judged now that the student's code has returned, on the inputs built again from their seed.
    for got, (phi0, eps, w) in zip(answers, _inputs_1()):
        values = as_finite_array(got, (40,))
        if values is None:
            return not_yet("return one finite value per input: an array of the same shape as phi0 (here (40,)).")
        if not _all_close(values, _linear_at(phi0 + w / 2, eps, w)):
            return not_yet("not the linear form with its step where the exact one switches. The exact first term "
                           "log σ(φ0) − log σ(φ0 + W) goes from 0 to −W: find the input at which it is exactly "
                           "halfway, and evaluate the linear form W[σ(x) − σ(x + ε)] with its x there. "
                           "Check your sign with W both positive and negative.")
    return correct("the linear form, moved to the exact switch point, matches the checker on both signs of W.")


def _exact_c(phi0: np.ndarray, eps: np.ndarray, w: float, log_sigmoid: Callable = log_expit) -> np.ndarray:
    """C(φ0, ε, W), the four log-sigmoids (the checker's own copy, not the library's ``corrections.exact``)."""
    return log_sigmoid(phi0 + w + eps) + log_sigmoid(phi0) - log_sigmoid(phi0 + w) - log_sigmoid(phi0 + eps)


def _max_error(gain: float, w: float, phi0: np.ndarray, eps: np.ndarray, truth: np.ndarray,
               sigmoid: Callable = expit, absolute: Callable = np.abs, errstate: Callable = np.errstate) -> float:
    mid = phi0 + w / 2
    with errstate(over="ignore"):  # a huge gain: σ(±inf) is 0 or 1, no warning for the student to read
        return float(absolute(w * (sigmoid(gain * mid) - sigmoid(gain * (mid + eps))) - truth).max())


def max_error_of_gain(gain: float, w: float) -> float:
    """Max |W[σ(g(φ0 + W/2)) − σ(g(φ0 + W/2 + ε))] − C(φ0, ε, W)| over the ±40 square (:data:`SQUARE`)."""
    phi0, eps = _square()
    return _max_error(gain, w, phi0, eps, _exact_c(phi0, eps, w))


def best_gain(w: float) -> float:
    """The constant gain with the smallest max error over :data:`SQUARE` (grid, then a bounded 1-D search)."""
    phi0, eps = _square()
    truth = _exact_c(phi0, eps, w)
    gains = np.linspace(0.02, 2.0, 100)
    errors = [_max_error(g, w, phi0, eps, truth) for g in gains]
    k = int(np.argmin(errors))
    lo, hi = gains[max(k - 1, 0)], gains[min(k + 1, len(gains) - 1)]
    best = minimize_scalar(lambda g: _max_error(g, w, phi0, eps, truth), bounds=(lo, hi), method="bounded",
                           options={"xatol": 1e-5})
    return float(best.x) if best.fun <= errors[k] else float(gains[k])


def _one_number(value: object) -> float | None:
    """A finite float from a number or a one-element array (``scipy.optimize.minimize``'s ``x``), else None."""
    number = as_real(value)
    if number is not None or not isinstance(value, (np.ndarray, list, tuple)):
        return number
    try:
        array = as_finite_array(value, np.shape(value)) if np.size(value) == 1 else None
    except Exception:  # a ragged list
        return None
    return None if array is None else float(array.reshape(-1)[0])


def _pair(got: object) -> tuple[float, float] | None:
    """(gain, error) from a pair of numbers, each possibly a one-element array; None if it is not one."""
    array = as_finite_array(got, (2,))
    if array is not None:
        return float(array[0]), float(array[1])
    if isinstance(got, (tuple, list, np.ndarray)) and len(got) == 2:
        gain, error = (_one_number(x) for x in got)
        if gain is not None and error is not None:
            return gain, error
    return None


@checker("a function best_constant_gain(w) returning a pair (gain, max error)")
def check_best_gain(fn: Callable[[float], object]) -> bool:
    """Exercise 2: ``fn(w)`` returns (g, e): the minimax constant gain and its max error over the ±40 square.

    Accepted: e within :data:`ERROR_TOLERANCE` of the max error of the student's own g, and that max error
    within a relative :data:`EXCESS_TOLERANCE` of the smallest max error any gain achieves. Checked at
    W = 10, 5 and −10; everything the verdict uses is computed after the student's function has returned.
    """
    if not student_function(fn, "a function best_constant_gain(w)"):
        return False
    answers = []
    for w in GAIN_WEIGHTS:
        got = call_student(fn, w)
        if got is NO_ANSWER:
            return False
        answers.append(got)
    # Judged now that the student's code has returned: the square, the exact C on it and the best errors.
    phi0, eps = _square()
    for got, (w, _, smallest) in zip(answers, _BEST):
        if isinstance(got, (str, bytes, dict)):
            return not_yet(f"return a pair (gain, max error) of two numbers, got a {type(got).__name__}.")
        pair = _pair(got)
        if pair is None:
            return not_yet("return a pair (gain, max error): two finite numbers, e.g. a tuple (g, e).")
        gain, error = pair
        if not gain > 0:
            return not_yet("the gain must be a positive number and the max error a finite number.")
        true_error = _max_error(gain, w, phi0, eps, _exact_c(phi0, eps, w))
        if not abs(error - true_error) <= ERROR_TOLERANCE:  # written so that NaN fails
            return not_yet(f"at W = {w:g}, the second number is not the maximum of |approximation − exact| over "
                           "the 161 × 161 square for your gain. The criterion is the worst point (max), not an "
                           "average: check the square (φ0 and ε both from −40 to 40) and the midpoint φ0 + W/2.")
        if not true_error <= (1.0 + EXCESS_TOLERANCE) * smallest:
            return not_yet(f"at W = {w:g}, another gain has a max error more than 2.5 % smaller than yours. Is the "
                           "quantity you minimise the worst point of the square (an average favours another "
                           "gain)? Then search finely near your best gain: a step of 0.001 there is enough.")
    return correct("your gain is the minimax one, within the stated tolerance, at W = 10, 5 and −10.")


seal(__name__)
