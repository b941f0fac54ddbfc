"""Checkers for notebook 03 (approximations): the linear form at the midpoint, and the best constant gain."""

from __future__ import annotations

import numbers
from typing import Callable

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit

from .. import corrections
from ._check import as_finite_array, attempted, correct, not_yet

__all__ = ["check_linear_at_midpoint", "check_best_gain", "max_error_of_gain", "SQUARE"]

# The ±40 square of the exercise, 161 × 161 points: (phi0 row, eps column).
SQUARE = (np.linspace(-40, 40, 161)[None, :], np.linspace(-40, 40, 161)[:, None])


def check_linear_at_midpoint(fn: Callable[[np.ndarray, np.ndarray, np.ndarray], object]) -> bool:
    """Exercise 1: ``fn(phi0, eps, w)`` returns the §2 linear form evaluated at φ0 + W/2."""
    rng = np.random.default_rng(3)
    for scale in (2.0, 20.0):
        phi0, eps, w = rng.uniform(-scale, scale, (3, 40))
        got = fn(phi0, eps, w)
        if not attempted(got):
            return False
        values = as_finite_array(got, (40,))
        if values is None:
            return not_yet(f"return one value per input, an array of shape (40,), got {type(got).__name__}")
        mid = phi0 + w / 2
        if not np.allclose(values, w * (expit(mid) - expit(mid + eps)), rtol=1e-9, atol=1e-9):
            return not_yet("evaluate corrections.linear at the shifted input phi0 + w / 2 (not at phi0).")
    return correct("the linear form at φ0 + W/2 is the §2.1 sigmoid approximation without the gain.")


def max_error_of_gain(gain: float, w: float) -> float:
    """Max |W[σ(g(φ0 + W/2)) - σ(g(φ0 + W/2 + ε))] - C(φ0, ε, W)| over :data:`SQUARE`."""
    phi0, eps = SQUARE
    mid = phi0 + w / 2
    approx = w * (expit(gain * mid) - expit(gain * (mid + eps)))
    return float(np.abs(approx - corrections.exact(phi0, eps, w)).max())


def _best_error(w: float) -> float:
    gains = np.linspace(0.02, 2.0, 100)
    errors = [max_error_of_gain(g, w) for g in gains]
    k = int(np.argmin(errors))
    lo, hi = gains[max(k - 1, 0)], gains[min(k + 1, len(gains) - 1)]
    best = minimize_scalar(lambda g: max_error_of_gain(g, w), bounds=(lo, hi), method="bounded",
                           options={"xatol": 1e-4})
    return min(float(best.fun), errors[k])


def check_best_gain(fn: Callable[[float], object]) -> bool:
    """Exercise 2: ``fn(w)`` returns a constant gain whose max error on the ±40 square is within 10 % of the best."""
    for w in (10.0, 5.0):
        got = fn(w)
        if not attempted(got):
            return False
        if isinstance(got, bool) or not isinstance(got, numbers.Real) or not np.isfinite(got) or got <= 0:
            return not_yet(f"return one positive number (a gain) for W = {w:g}, got {got!r}")
        error, best = max_error_of_gain(float(got), w), _best_error(w)
        if error > 1.1 * best:
            return not_yet(f"at W = {w:g} a gain of {float(got):.3f} has max error {error:.3f}; some gain does "
                           "clearly better. Scan a grid of gains and keep the one with the smallest max error.")
    alpha = float(corrections.gain(10.0))
    return correct(f"your gain at W = 10 has max error {max_error_of_gain(float(fn(10.0)), 10.0):.3f}, against "
                   f"{max_error_of_gain(alpha, 10.0):.3f} for the slope-matched α(10) = {alpha:.3f}.")
