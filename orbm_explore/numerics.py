"""Stable elementwise functions, input checking and random-state handling.

This is the ground floor of the package: nothing here imports from the rest
of ``orbm_explore``.  Every function works on float64 arrays, broadcasts like
a numpy ufunc, and returns finite values for finite inputs however extreme.

Input policy (one for the whole package): the checks here refuse masked arrays
and ``np.matrix`` with a TypeError naming the argument, and turn every other
ndarray subclass into a plain ndarray. Sizes that set an allocation are checked
with :func:`check_budget` against a memory limit (half of physical memory, or
``$ORBM_EXPLORE_MEMORY_LIMIT``) before any work is done.
"""

from __future__ import annotations

import numbers
import os
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
    "check_plain_array",
    "broadcast_named",
    "as_generator",
    "bernoulli",
    "check_count",
    "check_real",
    "check_budget",
    "check_time_budget",
    "memory_limit_bytes",
    "BudgetError",
    "MEMORY_LIMIT_ENV",
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

    Array subclasses follow one policy across the package: masked arrays and
    ``np.matrix`` are refused (a mask would be silently ignored, and a matrix
    changes what ``*`` and indexing mean); any other subclass is converted to a
    plain ``ndarray``. The result is always a plain ``ndarray``.

    Raises
    ------
    TypeError
        If ``value`` is not a real number or an array of real numbers, or is a
        masked array or ``np.matrix``.
    """
    if type(value) is np.ndarray and value.dtype == np.float64:
        return value
    check_plain_array(value, name)
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


def check_plain_array(value: Any, name: str) -> None:
    """Refuse masked arrays and ``np.matrix`` with a TypeError naming ``name`` (see :func:`as_float_array`)."""
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(f"{name} must be a plain array, got a numpy masked array; masked values are not "
                        f"supported (use np.ma.filled or select the unmasked entries first)")
    if isinstance(value, np.matrix):
        raise TypeError(f"{name} must be a plain array, got a numpy matrix; convert it with np.asarray")


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


#: Environment variable that overrides the default memory limit of :func:`check_budget` (bytes, or with a
#: suffix K, M, G or T for KiB, MiB, GiB, TiB; e.g. ``ORBM_EXPLORE_MEMORY_LIMIT=4G``).
MEMORY_LIMIT_ENV = "ORBM_EXPLORE_MEMORY_LIMIT"

_GIB = float(1 << 30)
_SUFFIXES = {"": 1, "B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


class BudgetError(ValueError):
    """A size argument would need more memory (or time) than the budget allows."""


def _physical_memory_bytes() -> float:
    try:
        return float(os.sysconf("SC_PHYS_PAGES")) * float(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - platforms without sysconf
        return 8.0 * _GIB


def memory_limit_bytes() -> float:
    """The default memory budget of :func:`check_budget`, in bytes.

    Half the machine's physical memory, unless the environment variable ``ORBM_EXPLORE_MEMORY_LIMIT`` gives
    another number of bytes (a suffix K, M, G or T multiplies by 1024, 1024², …; ``4G`` is 4 GiB).

    Raises
    ------
    ValueError
        If the environment variable is set but is not a positive number of bytes.
    """
    text = os.environ.get(MEMORY_LIMIT_ENV, "").strip()
    if not text:
        return _physical_memory_bytes() / 2
    upper = text.upper().removesuffix("IB").removesuffix("B") if len(text) > 1 else text.upper()
    suffix = upper[-1] if upper and upper[-1] in "KMGT" else ""
    try:
        number = float(upper[:-1] if suffix else upper) * _SUFFIXES[suffix]
    except ValueError:
        number = float("nan")
    if not np.isfinite(number) or number <= 0:
        raise ValueError(f"{MEMORY_LIMIT_ENV} must be a positive number of bytes such as 4000000000 or 4G, "
                         f"got {text!r}")
    return number


def _as_float(value: int) -> float:
    try:
        return float(value)
    except OverflowError:  # ints beyond 1.8e308
        return float("inf")


def check_budget(name: str, value: Any, *, bytes_per_item: float, fixed_bytes: float = 0.0,
                 limit_bytes: float | None = None, option: str | None = None, what: str | None = None) -> int:
    """Check that a size argument fits the memory budget before any work is done; return it as an int.

    The estimate is ``fixed_bytes + value * bytes_per_item``. It is compared with ``limit_bytes``, by default
    :func:`memory_limit_bytes` (half of physical memory, or ``$ORBM_EXPLORE_MEMORY_LIMIT``).

    Parameters
    ----------
    name : str
        The argument's name, used in messages.
    value : int
        The size (chains, samples, grid points, …); must be a non-negative integer.
    bytes_per_item : float
        Estimated bytes needed per unit of ``value`` (peak, including temporaries).
    fixed_bytes : float
        Bytes needed whatever ``value`` is.
    limit_bytes : float, optional
        The budget; ``None`` uses the default.
    option : str, optional
        The keyword argument that raises the budget, named in the message.
    what : str, optional
        How the message describes the size instead of ``"<name>=<value>"`` (it should still name the argument,
        for example ``"n=10000 (10,000² grid points)"``).

    Returns
    -------
    int
        ``value`` as a Python int.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (naming ``name``).
    ValueError
        If it is negative.
    BudgetError
        (a ValueError) if the estimate exceeds the budget; the one-line message names ``name``, gives the
        estimate and the limit in GiB, and names ``option`` when given.
    """
    value = check_count(value, name, minimum=0)
    limit = memory_limit_bytes() if limit_bytes is None else float(limit_bytes)
    estimate = float(fixed_bytes) + _as_float(value) * float(bytes_per_item)
    if not estimate <= limit:
        hint = f"; pass a larger {option}= to allow it" if option else ""
        raise BudgetError(f"{what or f'{name}={value}'} would need about {estimate / _GIB:.3g} GiB of memory, more than the "
                          f"limit of {limit / _GIB:.3g} GiB (${MEMORY_LIMIT_ENV} or half of physical memory){hint}")
    return value


def check_time_budget(name: str, value: Any, *, seconds_per_item: float, fixed_seconds: float = 0.0,
                      limit_seconds: float, option: str | None = None, what: str | None = None) -> int:
    """Like :func:`check_budget` for run time: refuse ``value`` if ``fixed + value * seconds_per_item`` exceeds
    ``limit_seconds`` (a :class:`BudgetError` naming ``name``, the estimate, the limit and ``option``)."""
    value = check_count(value, name, minimum=0)
    estimate = float(fixed_seconds) + _as_float(value) * float(seconds_per_item)
    if not estimate <= float(limit_seconds):
        hint = f"; pass a larger {option}= to allow it" if option else ""
        raise BudgetError(f"{what or f'{name}={value}'} would take about {estimate:.3g} s, more than the limit of "
                          f"{float(limit_seconds):.3g} s{hint}")
    return value


#: Decorator: run the function with BLAS on one thread (restored afterwards). Training loops on small models do
#: thousands of small matrix products; OpenBLAS's thread pool then costs more than the arithmetic, and on a busy
#: 2-core machine its spinning threads made exact ascent about 20 times slower (same results either way).
one_blas_thread = threadpool_limits.wrap(limits=1, user_api="blas")
