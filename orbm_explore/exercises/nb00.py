"""Checkers for notebook 00 (start here): explaining away in the alarm model."""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import exact, toys
from ._check import as_finite_array, attempted, correct, not_yet

__all__ = ["check_burglar_probabilities", "check_posterior_covariance"]


def _posterior_table(preset: str) -> np.ndarray:
    """P(h_burglar, h_quake | alarm) as a (2, 2) table."""
    return exact.posterior(toys.alarm_model(**toys.ALARM_PRESETS[preset]), [1.0]).reshape(2, 2)


def check_burglar_probabilities(fn: Callable[[str], object]) -> bool:
    """Exercise 1: ``fn(preset)`` returns (P(burglar | alarm), P(burglar | alarm, earthquake)).

    Checked on every preset of :data:`orbm_explore.toys.ALARM_PRESETS`.
    """
    for preset in toys.ALARM_PRESETS:
        got = fn(preset)
        if not attempted(got):
            return False
        pair = as_finite_array(got, (2,))
        if pair is None:
            return not_yet(f"for preset {preset!r} return a pair of two probabilities, got {got!r}")
        table = _posterior_table(preset)
        want = (table[1].sum(), table[1, 1] / table[:, 1].sum())
        if not np.allclose(pair[0], want[0], rtol=1e-9, atol=1e-12):
            return not_yet(f"P(burglar | alarm) is wrong for preset {preset!r}: sum the posterior over the quake.")
        if not np.allclose(pair[1], want[1], rtol=1e-9, atol=1e-12):
            return not_yet(f"P(burglar | alarm, earthquake) is wrong for preset {preset!r}: condition on the "
                           "quake column, i.e. divide P(burglar, quake | alarm) by P(quake | alarm).")
    return correct("right for every preset. With 'no overlap' the two numbers are equal: "
                   "the earthquake does not touch the alarm, so there is nothing to explain away.")


def check_posterior_covariance(fn: Callable[[str], object]) -> bool:
    """Exercise 2: ``fn(preset)`` returns P(A=1, B=1 | alarm) - P(A=1 | alarm) P(B=1 | alarm)."""
    for preset in toys.ALARM_PRESETS:
        got = fn(preset)
        if not attempted(got):
            return False
        value = as_finite_array(got, ())
        if value is None:
            return not_yet(f"for preset {preset!r} return one number (a covariance), got {got!r}")
        table = _posterior_table(preset)
        want = table[1, 1] - table[1].sum() * table[:, 1].sum()
        if not np.isclose(value, want, rtol=1e-9, atol=1e-12):
            return not_yet(f"wrong for preset {preset!r}: P(A=1, B=1 | v) is one cell of the posterior table, "
                           "and each marginal is a row or column sum.")
    return correct("right for every preset. It is negative whenever both causes can ring the alarm: "
                   "given the alarm, one cause makes the other less likely.")
