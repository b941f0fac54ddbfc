"""Stable elementwise functions, input checking and random-state handling.

This is the ground floor of the package: nothing here imports from the rest
of ``orbm_explore``.  Every function works on float64 arrays, broadcasts like
a numpy ufunc, and returns finite values for finite inputs however extreme.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, log_expit
from threadpoolctl import threadpool_limits

__all__ = [
    "sigmoid",
    "log_sigmoid",
    "softplus",
    "as_float_array",
    "as_binary_array",
    "as_finite_array",
    "broadcast_named",
    "as_generator",
    "bernoulli",
    "check_count",
    "check_real",
]

FloatArray = NDArray[np.float64]


def sigmoid(x: ArrayLike) -> FloatArray:
    """Logistic function σ(x) = 1 / (1 + e^{-x}), stable for any finite x.

    Parameters
    ----------
    x : array_like
        Any shape.

    Returns
    -------
    ndarray of float64, same shape as ``x``
    """
    return expit(as_finite_array(x, "x"))


def log_sigmoid(x: ArrayLike) -> FloatArray:
    """log σ(x), computed without forming σ(x) (so it never returns -inf).

    ``log_sigmoid(-1e4)`` is ``-1e4``, where ``np.log(sigmoid(-1e4))`` is
    ``-inf``.

    Parameters
    ----------
    x : array_like
        Any shape.

    Returns
    -------
    ndarray of float64, same shape as ``x``
    """
    return log_expit(as_finite_array(x, "x"))


def softplus(x: ArrayLike) -> FloatArray:
    """softplus(x) = log(1 + e^x) = -log σ(-x), stable for any finite x.

    Parameters
    ----------
    x : array_like
        Any shape.

    Returns
    -------
    ndarray of float64, same shape as ``x``
    """
    return -log_expit(-as_finite_array(x, "x"))


def as_float_array(value: Any, name: str) -> FloatArray:
    """Convert ``value`` to a float64 array or raise an error naming ``name``.

    Booleans and integers are accepted (they are numbers); strings, objects
    and complex numbers are not.

    Raises
    ------
    TypeError
        If ``value`` is not a real number or an array of real numbers.
    """
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        return value
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a real number or an array of real numbers, got a string {value!r}")
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested sequences
        raise TypeError(f"{name} must be a real number or an array of real numbers: {err}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be a real number or an array of real numbers, got dtype {array.dtype}"
        )
    return array.astype(np.float64, copy=False)


def as_finite_array(value: Any, name: str) -> FloatArray:
    """:func:`as_float_array`, refusing NaN and ±inf with a ValueError naming ``name``."""
    array = as_float_array(value, name)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    return array


def broadcast_named(**arrays: ArrayLike) -> list[FloatArray]:
    """Convert keyword arrays to float64 and check that they broadcast together.

    Returns the converted arrays (not broadcast) in keyword order.

    Raises
    ------
    TypeError
        If an argument is not numeric (the message names it).
    ValueError
        If the shapes cannot broadcast (the message names every argument and shape).
    """
    converted = [as_float_array(value, name) for name, value in arrays.items()]
    try:
        np.broadcast_shapes(*(a.shape for a in converted))
    except ValueError:
        shapes = ", ".join(f"{name} has shape {a.shape}" for name, a in zip(arrays, converted))
        raise ValueError(f"arguments cannot be broadcast together: {shapes}") from None
    return converted


def as_binary_array(value: Any, name: str) -> FloatArray:
    """Convert ``value`` to a float64 array of zeros and ones, or raise naming ``name``.

    Raises
    ------
    TypeError
        If ``value`` is not numeric.
    ValueError
        If any entry is not 0 or 1.
    """
    array = as_float_array(value, name)
    if not np.all((array == 0) | (array == 1)):
        bad = array[(array != 0) & (array != 1)].ravel()[0]
        raise ValueError(f"{name} must be binary (0 or 1 only), found the value {float(bad)!r}")
    return array


def as_generator(rng: None | int | np.random.Generator | np.random.SeedSequence = None) -> np.random.Generator:
    """Turn ``None``, a seed or a Generator into a ``numpy.random.Generator``.

    Parameters
    ----------
    rng : None, int, SeedSequence or Generator
        ``None`` gives fresh OS entropy; an int or SeedSequence seeds a new
        generator; a Generator is returned unchanged (so state carries over).

    Raises
    ------
    TypeError
        If ``rng`` is none of these.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (bool, np.bool_)):
        raise TypeError(f"rng must be None, an int seed or a numpy.random.Generator, got {rng!r}")
    if isinstance(rng, numbers.Integral) and rng < 0:
        raise ValueError(f"rng must be a non-negative int seed, got {rng}")
    if rng is None or isinstance(rng, (numbers.Integral, np.random.SeedSequence)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be None, an int seed or a numpy.random.Generator, got {type(rng).__name__}")


def bernoulli(p: FloatArray, rng: np.random.Generator) -> FloatArray:
    """Draw 0.0/1.0 samples with success probabilities ``p`` (any shape; no input checks)."""
    return (rng.random(p.shape) < p).astype(np.float64)


def check_count(value: Any, name: str, minimum: int = 0, maximum: int | None = None) -> int:
    """Check that ``value`` is an integer in [minimum, maximum]; return it as a Python int.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (bools are refused too), naming ``name``.
    ValueError
        If it is out of range, naming ``name`` and the range.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        bound = f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        raise ValueError(f"{name} must be an integer {bound}, got {value}")
    return value


def check_real(value: Any, name: str, minimum: float | None = None, maximum: float | None = None,
               open_below: bool = False, open_above: bool = False) -> float:
    """Check that ``value`` is one finite real number in the given range; return it as a float.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (None, strings, complex numbers and bools are refused), naming ``name``.
    ValueError
        If it is NaN, infinite or out of range, naming ``name`` and the range.
    """
    if value is None or isinstance(value, (bool, np.bool_, str, bytes)) or not isinstance(
            value, (numbers.Real, np.integer, np.floating)) and not (isinstance(value, np.ndarray) and value.ndim == 0):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    array = as_float_array(value, name)
    number = float(array)
    too_low = minimum is not None and (number <= minimum if open_below else number < minimum)
    too_high = maximum is not None and (number >= maximum if open_above else number > maximum)
    if not np.isfinite(number) or too_low or too_high:
        low = "" if minimum is None else f"{'>' if open_below else '>='} {minimum:g}"
        high = "" if maximum is None else f"{'<' if open_above else '<='} {maximum:g}"
        bound = " and ".join(part for part in (low, high) if part)
        raise ValueError(f"{name} must be a finite number{' ' + bound if bound else ''}, got {number!r}")
    return number


#: Decorator: run the function with BLAS on one thread (restored afterwards). Training loops on small models do
#: thousands of small matrix products; OpenBLAS's thread pool then costs more than the arithmetic, and on a busy
#: 2-core machine its spinning threads made exact ascent about 20 times slower (same results either way).
one_blas_thread = threadpool_limits.wrap(limits=1, user_api="blas")
