"""Argument checks for the teaching layer's public edges (toys, explore, plots, widgets)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["check_real", "check_count"]


def check_real(value: Any, name: str, positive: bool = False) -> float:
    """``value`` as a finite float, or an error naming ``name`` (strings, None, complex, NaN and ±inf refused).

    Raises
    ------
    TypeError
        If ``value`` is not a real number (a bool is not accepted either).
    ValueError
        If it is NaN or infinite, or not positive when ``positive``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return value


def check_count(value: Any, name: str, minimum: int = 1) -> int:
    """``value`` as an int of at least ``minimum``, or an error naming ``name`` (bools and 2.5 refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)
