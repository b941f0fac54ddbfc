"""Checkers for notebook 04 (explaining away): the biggest drop, and the parallel sampler's bias per pattern."""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import exact, stats, toys
from ._check import as_finite_array, attempted, correct, not_yet

__all__ = ["check_biggest_drop", "check_parallel_bias", "burglar_given_alarm"]


def burglar_given_alarm(preset: str) -> tuple[float, float]:
    """(P(burglar | alarm), P(burglar | alarm, earthquake)) for a preset, exactly."""
    table = exact.posterior(toys.alarm_model(**toys.ALARM_PRESETS[preset]), [1.0]).reshape(2, 2)
    return float(table[1].sum()), float(table[1, 1] / table[:, 1].sum())


def check_biggest_drop(fn: Callable[[], object]) -> bool:
    """Exercise 1: ``fn()`` names the preset with the largest P(burglar | alarm) - P(burglar | alarm, quake)."""
    got = fn()
    if not attempted(got):
        return False
    if not isinstance(got, str) or got not in toys.ALARM_PRESETS:
        return not_yet(f"return the *name* of a preset (a key of toys.ALARM_PRESETS), got {got!r}")
    drops = {name: np.subtract(*burglar_given_alarm(name)) for name in toys.ALARM_PRESETS}
    if got != max(drops, key=drops.get):
        return not_yet(f"{got!r} is not the largest drop: compute the drop for every preset and compare.")
    return correct(f"{got!r}.")


def _patterns(model) -> list[tuple[int, ...]]:
    return [tuple(int(x) for x in v) for v in exact.binary_states(model.n_visible)]


def check_parallel_bias(fn: Callable[[], object]) -> bool:
    """Exercise 2: ``fn()`` returns {v as a tuple of ints: TV(posterior, parallel stationary)} for the XOR model."""
    got = fn()
    if not attempted(got):
        return False
    model = toys.xor_model()
    patterns = _patterns(model)
    if not isinstance(got, dict):
        return not_yet(f"return a dict {{pattern: TV}}, got {type(got).__name__}")
    try:
        answer = {tuple(int(x) for x in key): value for key, value in got.items()}
    except (TypeError, ValueError):
        return not_yet("use tuples such as (1, 0) as keys.")
    if sorted(answer) != sorted(patterns):
        return not_yet(f"one entry per visible pattern, keys {patterns}; got keys {sorted(answer)}")
    for v in patterns:
        tv = as_finite_array(answer[v], ())
        want = stats.total_variation(exact.posterior(model, v),
                                     exact.sampler_stationary_distribution(model, v, "exact", "parallel"))
        if tv is None or not np.isclose(tv, want, rtol=1e-6, atol=1e-12):
            return not_yet(f"the value for v = {v} is not the total variation between exact.posterior and the "
                           "parallel sampler's stationary distribution (exact.sampler_stationary_distribution).")
    return correct("the parallel sampler's bias for every visible pattern.")
