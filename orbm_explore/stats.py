"""Distances between distributions and goodness-of-fit of samples to an exact distribution.

Every function checks its arguments (finite, nonnegative, matching shapes, and
for probability vectors a sum of 1 within ``SUM_TOLERANCE``) and raises a
ValueError or TypeError naming the argument, rather than returning a score
computed from NaN or from arrays that numpy silently broadcast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from .numerics import as_float_array, check_budget, check_count

__all__ = ["total_variation", "kl_divergence", "expected_tv_floor", "GoodnessOfFit", "g_test", "counts",
           "SUM_TOLERANCE"]

# How far from 1 the sum of a probability vector may be (rounding, or counts / n).
SUM_TOLERANCE = 1e-6


def _nonnegative_vector(value: ArrayLike, name: str) -> NDArray[np.float64]:
    array = as_float_array(value, name)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite, found {array[~np.isfinite(array)][0]!r}")
    if array.min() < 0:
        raise ValueError(f"{name} must be nonnegative, found {array.min()!r}")
    return array


def _probabilities(value: ArrayLike, name: str) -> NDArray[np.float64]:
    array = _nonnegative_vector(value, name)
    total = array.sum()
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ValueError(f"{name} must be a probability vector summing to 1, it sums to {total!r}")
    return array


def _same_shape(p: np.ndarray, q: np.ndarray, p_name: str, q_name: str) -> None:
    if p.shape != q.shape:
        raise ValueError(f"{p_name} and {q_name} must have the same shape, got {p.shape} and {q.shape}")


def total_variation(p: ArrayLike, q: ArrayLike) -> float:
    """TV(p, q) = ½ Σ |p - q|.

    Parameters
    ----------
    p, q : array_like, shape (n,)
        Finite, nonnegative, same length (normally probability vectors; not renormalised).

    Returns
    -------
    float
    """
    p, q = _nonnegative_vector(p, "p"), _nonnegative_vector(q, "q")
    _same_shape(p, q, "p", "q")
    return 0.5 * float(np.abs(p - q).sum())


def kl_divergence(p: ArrayLike, q: ArrayLike) -> float:
    """KL(p || q) in nats; inf if q is 0 where p is not.

    Parameters
    ----------
    p, q : array_like, shape (n,)
        Probability vectors (finite, nonnegative, summing to 1 within SUM_TOLERANCE).

    Returns
    -------
    float, >= 0
    """
    p, q = _probabilities(p, "p"), _probabilities(q, "q")
    _same_shape(p, q, "p", "q")
    support = p > 0
    if np.any(q[support] == 0):
        return float("inf")
    # KL >= 0; clip the rounding error of nearly equal distributions
    return max(0.0, float(np.sum(p[support] * (np.log(p[support]) - np.log(q[support])))))


def expected_tv_floor(p: ArrayLike, n_samples: int) -> float:
    """Expected TV between p and the empirical distribution of n independent draws from p.

    Uses E|p̂ - p| ≈ sqrt(2 p (1 - p) / (π n)) per state (normal approximation),
    the Monte-Carlo floor that a perfect sampler sits at.

    Parameters
    ----------
    p : array_like, shape (n_states,)
        A probability vector.
    n_samples : int
        Number of draws, >= 1.
    """
    p = _probabilities(p, "p")
    n_samples = check_count(n_samples, "n_samples", minimum=1)
    return 0.5 * float(np.sum(np.sqrt(np.clip(2 * p * (1 - p), 0.0, None) / (np.pi * n_samples))))


def counts(indices: ArrayLike, n_states: int) -> NDArray[np.int64]:
    """Histogram of state indices, shape (n_states,).

    Parameters
    ----------
    indices : array_like of int, any shape
        State indices, each in [0, n_states).
    n_states : int
        Number of states, >= 1.

    Raises
    ------
    ValueError
        If an index is not an integer in [0, n_states).
    """
    n_states = check_count(n_states, "n_states", minimum=1)
    check_budget("n_states", n_states, bytes_per_item=8.0)  # the histogram (int64)
    array = as_float_array(indices, "indices")
    if array.size:
        if not (np.isfinite(array).all() and (array == np.round(array)).all()):
            raise ValueError("indices must be whole numbers (state indices)")
        low, high = array.min(), array.max()
        if low < 0 or high >= n_states:
            raise ValueError(f"indices must lie in [0, {n_states}) (n_states = {n_states}), "
                             f"found {int(low if low < 0 else high)}")
    return np.bincount(array.astype(np.int64).ravel(), minlength=n_states)


@dataclass(frozen=True)
class GoodnessOfFit:
    """Result of :func:`g_test`.

    Attributes
    ----------
    statistic : float
        The G statistic (inf if a state of probability 0 was observed).
    dof : int
        Degrees of freedom after pooling (number of cells - 1).
    p_value : float
        P(G >= statistic) under the χ² approximation (0.0 for an impossible
        observation, 1.0 when only one cell is left, where no test is possible).
    tv : float
        TV between the observed frequencies and the probabilities.
    tv_floor : float
        :func:`expected_tv_floor` for the same number of samples.
    """

    statistic: float
    dof: int
    p_value: float
    tv: float
    tv_floor: float


def g_test(observed: ArrayLike, expected_probabilities: ArrayLike, min_expected: float = 5.0) -> GoodnessOfFit:
    """G-test of observed counts against exact probabilities, pooling sparse cells.

    States whose expected count is below ``min_expected`` are pooled into one
    cell (as is standard for the χ² approximation to hold).

    Parameters
    ----------
    observed : array_like, shape (n_states,)
        Counts: whole numbers in [0, 2**53), at least one nonzero.
    expected_probabilities : array_like, shape (n_states,)
        A probability vector.
    min_expected : float, default 5
        Positive; the smallest expected count a cell may have before pooling.

    Returns
    -------
    GoodnessOfFit
    """
    observed = _nonnegative_vector(observed, "observed")
    if observed.max() >= 2.0 ** 53 or np.any(observed != np.round(observed)):
        raise ValueError("observed must hold counts: whole numbers below 2**53")
    p = _probabilities(expected_probabilities, "expected_probabilities")
    _same_shape(observed, p, "observed", "expected_probabilities")
    if isinstance(min_expected, (bool, np.bool_)) or not isinstance(min_expected, (int, float, np.integer,
                                                                                   np.floating)) \
            or not np.isfinite(min_expected) or min_expected <= 0:
        raise ValueError(f"min_expected must be a positive finite number, got {min_expected!r}")
    n = observed.sum()
    if n <= 0:
        raise ValueError("observed must contain at least one count, got all zeros")
    expected = n * p
    big = expected >= min_expected
    obs_cells = list(observed[big])
    exp_cells = list(expected[big])
    if np.any(~big):
        obs_cells.append(observed[~big].sum())
        exp_cells.append(expected[~big].sum())
    obs_cells, exp_cells = np.array(obs_cells), np.array(exp_cells)
    impossible = exp_cells == 0
    tv, floor = total_variation(observed / n, p), expected_tv_floor(p, max(1, int(round(n))))
    if np.any(obs_cells[impossible] > 0):  # a state of probability 0 was observed: G is infinite
        return GoodnessOfFit(float("inf"), int((~impossible).sum() - 1), 0.0, tv, floor)
    obs_cells, exp_cells = obs_cells[~impossible], exp_cells[~impossible]
    if obs_cells.size < 2:  # one cell: nothing to compare
        return GoodnessOfFit(0.0, 0, 1.0, tv, floor)
    result = stats.power_divergence(obs_cells, exp_cells, lambda_="log-likelihood")
    return GoodnessOfFit(float(result.statistic), int(obs_cells.size - 1), float(result.pvalue), tv, floor)
