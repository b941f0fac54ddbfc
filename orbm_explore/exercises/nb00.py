"""Checkers for notebook 00 (start here): explaining away in the alarm model.

The references are computed here, by a few lines of numpy on this module's own
copy of the presets' numbers, after the student's function has returned (so no
expected value is on the stack while it runs): editing
:data:`orbm_explore.toys.ALARM_PRESETS` or the library cannot move the target.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import toys
from ..numerics import sigmoid
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

__all__ = ["check_burglar_probabilities", "check_posterior_covariance", "SPOILERS"]

# This module's own copy of the presets (plain floats), taken when the module is imported.
_PRESETS: dict[str, dict[str, float]] = {name: {key: float(value) for key, value in values.items()}
                                         for name, values in toys.ALARM_PRESETS.items()}

RTOL, ATOL = 1e-9, 1e-12


def _posterior_table(preset: str) -> np.ndarray:
    """P(h_burglar, h_quake | alarm = 1) as a (2, 2) table (rows burglar off/on, columns quake off/on).

    Each cause has prior log-odds ``prior_a`` (``prior_b``), and P(alarm | h_A, h_B) = σ(w_a h_A + w_b h_B + bias).
    """
    p = _PRESETS[preset]
    h = np.array([0.0, 1.0])
    p_a, p_b = sigmoid(p["prior_a"]), sigmoid(p["prior_b"])
    prior = np.outer([1.0 - p_a, p_a], [1.0 - p_b, p_b])
    joint = prior * sigmoid(p["w_a"] * h[:, None] + p["w_b"] * h[None, :] + p["bias"])
    return joint / joint.sum()


def _burglar_pair(preset: str) -> np.ndarray:
    table = _posterior_table(preset)
    return np.array([table[1].sum(), table[1, 1] / table[:, 1].sum()])


def _covariance(preset: str) -> float:
    table = _posterior_table(preset)
    return float(table[1, 1] - table[1].sum() * table[:, 1].sum())


def _pair(got: object) -> np.ndarray | None:
    """Two finite numbers from a pair, each possibly a one-element array (``x[0:1]``); None if it is not one."""
    pair = as_finite_array(got, (2,))
    if pair is not None or isinstance(got, (str, bytes, dict)):
        return pair
    try:
        if len(got) != 2:  # type: ignore[arg-type]
            return None
        numbers = [as_real(x) for x in got]  # type: ignore[union-attr]
    except Exception:  # not a sequence
        return None
    return None if any(x is None for x in numbers) else np.array(numbers)


@checker("a function burglar_probabilities(preset) returning two probabilities")
def check_burglar_probabilities(fn: Callable[[str], object]) -> bool:
    """Exercise 1: ``fn(preset)`` returns (P(burglar | alarm), P(burglar | alarm, earthquake)).

    Checked on every preset, within a relative 1e-9, against this module's own enumeration, computed after
    the student's function has returned.
    """
    if not student_function(fn, "a function burglar_probabilities(preset) returning two probabilities"):
        return False
    answers = {}
    for preset in list(_PRESETS):
        got = call_student(fn, preset)
        if got is NO_ANSWER:
            return False
        answers[preset] = got
    # Judged now that the student's code has returned.
    for preset, got in answers.items():
        want = _burglar_pair(preset)
        pair = _pair(got)
        if pair is None:
            return not_yet(f"for preset {preset!r} return a pair of two finite probabilities "
                           f"(P(burglar | alarm), P(burglar | alarm, earthquake)), got {type(got).__name__}.")
        if not np.isclose(pair[0], want[0], rtol=RTOL, atol=ATOL):
            return not_yet(f"the first number, P(burglar | alarm), is not right for preset {preset!r}. It is the "
                           "burglar's probability once the alarm rings, whatever the earthquake did.")
        if not np.isclose(pair[1], want[1], rtol=RTOL, atol=ATOL):
            return not_yet(f"the second number, P(burglar | alarm, earthquake), is not right for preset {preset!r}. "
                           "Now you also know there *was* an earthquake: keep only the states in which it "
                           "happened, and renormalise.")
    return correct("both probabilities are right for every preset.")


@checker("a function posterior_covariance(preset) returning one number")
def check_posterior_covariance(fn: Callable[[str], object]) -> bool:
    """Exercise 2: ``fn(preset)`` returns P(A=1, B=1 | alarm) - P(A=1 | alarm) P(B=1 | alarm).

    Checked on every preset, within a relative 1e-9 (absolute 1e-12), against this module's own enumeration,
    computed after the student's function has returned.
    """
    if not student_function(fn, "a function posterior_covariance(preset) returning one number"):
        return False
    answers = {}
    for preset in list(_PRESETS):
        got = call_student(fn, preset)
        if got is NO_ANSWER:
            return False
        answers[preset] = got
    # Judged now that the student's code has returned.
    for preset, got in answers.items():
        want = _covariance(preset)
        value = as_real(got)
        if value is None:
            return not_yet(f"for preset {preset!r} return one finite number (a covariance), "
                           f"got {type(got).__name__}.")
        if not np.isclose(value, want, rtol=RTOL, atol=ATOL):
            return not_yet(f"not right for preset {preset!r}. All three probabilities are under the *posterior* "
                           "(the alarm rings): the joint one is a single cell of the 2×2 posterior table, "
                           "each cause's own one a sum over the other cause.")
    return correct("the covariance is right for every preset.")


def _spoilers() -> tuple[str, ...]:
    """The answers for the presets the lesson does not work out on screen, as a notebook would print them."""
    numbers = [*(_burglar_pair(p) for p in _PRESETS if p != "strong explaining away"),
               *([_covariance(p)] for p in _PRESETS if p != "no overlap")]
    texts = {f"{x:.{digits}f}" for values in numbers for x in values for digits in (3, 4)}
    return tuple(sorted(texts)) + ("the two numbers are equal", "It is negative whenever")


SPOILERS: tuple[str, ...] = _spoilers()

seal(__name__)
