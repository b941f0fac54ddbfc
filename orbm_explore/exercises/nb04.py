"""Checkers for notebook 04 (explaining away): the drop in P(burglar) when the quake is known, for any
alarm setting; and the parallel sampler's bias for every visible pattern of a model."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Callable

import numpy as np
from scipy.special import expit

from .. import exact, stats
from ..rbm import RBM
from ..two_cause import TwoCauseRBM
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

__all__ = ["check_quake_drop", "check_parallel_bias", "quake_drop", "asymmetric_model", "checker_xor_model",
           "DROP_SETTINGS", "DROP_TOLERANCE", "BIAS_TOLERANCE", "SPOILERS"]

DROP_TOLERANCE = 1e-6
BIAS_TOLERANCE = 1e-6

# The checker's own alarm settings (none of them a preset): both signs of each weight, unequal weights,
# unequal priors, so that swapping the causes, the quake's state or the sign gives a different number.
DROP_SETTINGS: tuple[tuple[float, float, float, float, float], ...] = (
    # (w_a, w_b, bias, prior_a, prior_b)
    (6.0, 3.0, -4.0, -1.5, -0.5),
    (2.5, 7.0, -5.0, -0.5, -2.0),
    (5.0, -4.0, -2.0, -1.0, 0.5),
    (-3.0, 6.0, 1.0, 0.3, -1.2),
)

# What no output outside an answer cell may show: exercise 2's values for the checker's model, and the
# classroom questions' answers (P(burglar | evidence) for each preset, as the answer table prints them;
# the prior is not a question: the app always shows it).
SPOILERS: tuple[str, ...] = ("0.0172", "0.1827", "0.2698", "0.0237",
                             "0.521", "0.951", "0.124", "0.779", "0.947", "0.731", "0.757", "0.739", "0.997")


def _joint_given_alarm(w_a: float, w_b: float, bias: float, prior_a: float, prior_b: float,
                       sigmoid: Callable = expit) -> np.ndarray:
    """P(h_A, h_B | alarm = 1), 2×2 (rows burglar, columns quake), by the checker's own enumeration.

    A few lines of numpy, not the library, with the sigmoid bound when the module is imported: a student's
    function that patches ``exact.posterior``, ``toys.alarm_model`` or ``nb04.expit`` cannot move the
    target of a later run.
    """
    h = np.array([0.0, 1.0])
    prior = sigmoid((2 * h - 1) * prior_a)[:, None] * sigmoid((2 * h - 1) * prior_b)[None, :]
    joint = prior * sigmoid(w_a * h[:, None] + w_b * h[None, :] + bias)
    return joint / joint.sum()


def quake_drop(w_a: float, w_b: float, bias: float, prior_a: float, prior_b: float) -> float:
    """P(burglar | alarm) − P(burglar | alarm, quake), exactly."""
    table = _joint_given_alarm(w_a, w_b, bias, prior_a, prior_b)
    return float(table[1].sum() - table[1, 1] / table[:, 1].sum())


def _one_number(value: object) -> float | None:
    """A finite float from a number or a one-element array (e.g. a batch of one), else None."""
    number = as_real(value)
    if number is not None or not isinstance(value, np.ndarray) or value.size != 1:
        return number
    array = as_finite_array(value, value.shape)
    return None if array is None else float(array.reshape(-1)[0])


@checker("a function quake_drop(params) returning one number")
def check_quake_drop(fn: Callable[[dict], object]) -> bool:
    """Exercise 1: ``fn(params)`` returns P(burglar | alarm) − P(burglar | alarm, quake) for an alarm setting.

    ``params`` is a dict with the keys of :data:`orbm_explore.toys.ALARM_PRESETS`'
    values (w_a, w_b, bias, prior_a, prior_b). The checker uses settings of its own
    (:data:`DROP_SETTINGS`), none of them a preset, with references computed after the student's function
    has returned.
    """
    keys = ("w_a", "w_b", "bias", "prior_a", "prior_b")
    if not student_function(fn, "a function quake_drop(params)"):
        return False
    answers = []
    for setting in DROP_SETTINGS:
        got = call_student(fn, dict(zip(keys, setting)))
        if got is NO_ANSWER:
            return False
        answers.append(got)
    # Judged now that the student's code has returned.
    for got, setting in zip(answers, DROP_SETTINGS):
        want = quake_drop(*setting)
        value = _one_number(got)
        if value is None:
            return not_yet(f"return one finite number (a difference of two probabilities), got {type(got).__name__}.")
        if not abs(value - want) <= DROP_TOLERANCE:  # written so that NaN fails
            return not_yet("not the drop for one of the checker's settings. From the 2×2 table of P(burglar, quake "
                           "| alarm), P(burglar | alarm) is a row's total, and P(burglar | alarm, quake) a cell "
                           "divided by its column's total. Which cause is the burglar, which state is 'quake', and "
                           "which probability is subtracted from which?")
    return correct("the drop is right for four settings of the checker's own, with both signs of each weight.")


def asymmetric_model() -> TwoCauseRBM:
    """The checker's model for exercise 2: two causes of two units on two bits, no symmetry between the bits,
    between v and 1 − v, or between the causes."""
    a = RBM([[4.0, -3.0], [-2.5, 5.0]], [0.3, -0.4], [0.2, -0.3])
    b = RBM([[3.5, -4.5], [-4.0, 2.5]], [-0.2, 0.5], [-0.1, 0.4])
    return TwoCauseRBM(a, b)


def _parallel_bias(model: TwoCauseRBM) -> dict[tuple[int, ...], float]:
    return {tuple(int(x) for x in v): stats.total_variation(
        exact.posterior(model, v), exact.sampler_stationary_distribution(model, v, "exact", "parallel"))
        for v in exact.binary_states(model.n_visible)}


def checker_xor_model() -> TwoCauseRBM:
    """The XOR model of :func:`orbm_explore.toys.xor_model` (weight 4, no biases), built here from its numbers."""
    w = [[4.0, -4.0], [-4.0, 4.0]]
    return TwoCauseRBM(RBM(w, [0.0, 0.0], [0.0, 0.0]), RBM(w, [0.0, 0.0], [0.0, 0.0]))


# Exercise 2's references, as constants: TV(posterior, parallel stationary law) for every v, computed with
# the library (tests/test_exercises_nb04.py recomputes them). Constants, so that a student's function that
# patches the library (``exact.sampler_stationary_distribution``, ``toys.xor_model``) cannot move the target
# of this run or of a later one.
_BIAS_REFERENCES: tuple[tuple[Callable[[], TwoCauseRBM], Mapping[tuple[int, ...], float]], ...] = (
    (checker_xor_model, MappingProxyType({(0, 0): 0.00738704095422425, (0, 1): 0.3512576824175358,
                                          (1, 0): 0.3512576824175359, (1, 1): 0.00738704095422425})),
    (lambda: asymmetric_model(), MappingProxyType({(0, 0): 0.01722991527708262, (0, 1): 0.18269395235320088,
                                                   (1, 0): 0.2698393313787179, (1, 1): 0.02368712619997459})),
)


@checker("a function parallel_bias_by_pattern(model) returning a dict {pattern tuple: TV}")
def check_parallel_bias(fn: Callable[[TwoCauseRBM], object]) -> bool:
    """Exercise 2: ``fn(model)`` returns {v as a tuple of ints: TV(posterior, parallel stationary law)}.

    Called on the XOR model and on :func:`asymmetric_model` (whose four values
    all differ, so answers for 1 − v or for reversed bits are refused). The references are read after the
    student's function has returned.
    """
    if not student_function(fn, "a function parallel_bias_by_pattern(model)"):
        return False
    answers = []
    for index in range(len(_BIAS_REFERENCES)):  # no reference in a local while the student's code runs
        got = call_student(fn, _BIAS_REFERENCES[index][0]())   # a fresh model from the checker's numbers
        if got is NO_ANSWER:
            return False
        answers.append(got)
    # Judged now that the student's code has returned.
    for got, (_, want) in zip(answers, _BIAS_REFERENCES):
        if not isinstance(got, Mapping):
            return not_yet(f"return a dict {{pattern: TV}} with one entry per visible pattern, "
                           f"got a {type(got).__name__}.")
        answer = {}
        for key, value in got.items():
            try:
                pattern = tuple(int(x) for x in key)
                whole = all(bool(p == x) for p, x in zip(pattern, key))  # no 0.9 read as 0, no "1" as 1
            except Exception:
                whole = False
            if not whole:
                return not_yet("use tuples of ints such as (1, 0) as keys.")
            if pattern in answer:
                return not_yet(f"the pattern {pattern} appears twice among your keys.")
            answer[pattern] = value
        patterns = sorted(want)
        if sorted(answer) != sorted(patterns):
            return not_yet(f"one entry per visible pattern of the model, keys {patterns}; got {sorted(answer)}.")
        for v in patterns:
            tv = as_real(answer[v])
            if tv is None:
                return not_yet(f"the value for v = {v} is not one finite number.")
            if not abs(tv - want[v]) <= BIAS_TOLERANCE:  # written so that NaN fails
                return not_yet(f"the value for v = {v} is not the total variation between the exact posterior given "
                               "that v and the law the layer-at-once sampler converges to. Check that each value "
                               "belongs to its own pattern, and which sampler and which correction you used.")
    return correct("the parallel sampler's bias for every visible pattern, on the XOR model and on a model "
                   "without symmetries.")


seal(__name__)
