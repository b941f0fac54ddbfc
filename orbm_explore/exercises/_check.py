"""Shared plumbing of the exercise checkers: outcome messages and tolerant conversion of answers."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["attempted", "correct", "not_yet", "as_finite_array"]


def attempted(got: Any) -> bool:
    """False (after saying so) for the placeholder answer: ``None`` or ``...``."""
    if got is None or got is Ellipsis:
        print("Not attempted yet: fill in the function above, run its cell, then run this check again.")
        return False
    return True


def correct(message: str) -> bool:
    """Report a right answer."""
    print(f"Correct: {message}")
    return True


def not_yet(hint: str) -> bool:
    """Report a wrong answer with a hint that does not give the answer away."""
    print(f"Not yet: {hint}")
    return False


def as_finite_array(got: Any, shape: tuple[int, ...]) -> np.ndarray | None:
    """``got`` as a finite float64 array of exactly ``shape``, or None if it is not one."""
    if isinstance(got, (str, bytes, dict)) or got is None:
        return None
    try:
        array = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if array.shape != shape or not np.all(np.isfinite(array)):
        return None
    return array
