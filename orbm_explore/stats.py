"""Distances between distributions and goodness-of-fit of samples to an exact distribution."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

__all__ = ["total_variation", "kl_divergence", "expected_tv_floor", "GoodnessOfFit", "g_test", "counts"]


def total_variation(p: ArrayLike, q: ArrayLike) -> float:
    """TV(p, q) = ½ Σ |p - q|."""
    return 0.5 * float(np.abs(np.asarray(p) - np.asarray(q)).sum())


def kl_divergence(p: ArrayLike, q: ArrayLike) -> float:
    """KL(p || q) in nats; inf if q is 0 where p is not."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    support = p > 0
    if np.any(q[support] == 0):
        return float("inf")
    # KL >= 0; clip the rounding error of nearly equal distributions
    return max(0.0, float(np.sum(p[support] * (np.log(p[support]) - np.log(q[support])))))


def expected_tv_floor(p: ArrayLike, n_samples: int) -> float:
    """Expected TV between p and the empirical distribution of n independent draws from p.

    Uses E|p̂ - p| ≈ sqrt(2 p (1 - p) / (π n)) per state (normal approximation),
    the Monte-Carlo floor that a perfect sampler sits at.
    """
    p = np.asarray(p, dtype=float)
    return 0.5 * float(np.sum(np.sqrt(2 * p * (1 - p) / (np.pi * n_samples))))


def counts(indices: ArrayLike, n_states: int) -> np.ndarray:
    """Histogram of state indices, shape (n_states,)."""
    return np.bincount(np.asarray(indices, dtype=np.int64), minlength=n_states)


@dataclass(frozen=True)
class GoodnessOfFit:
    statistic: float
    dof: int
    p_value: float
    tv: float
    tv_floor: float


def g_test(observed: ArrayLike, expected_probabilities: ArrayLike, min_expected: float = 5.0) -> GoodnessOfFit:
    """G-test of observed counts against exact probabilities, pooling sparse cells.

    States whose expected count is below ``min_expected`` are pooled into one
    cell (as is standard for the χ² approximation to hold).
    """
    observed = np.asarray(observed, dtype=float)
    p = np.asarray(expected_probabilities, dtype=float)
    n = observed.sum()
    expected = n * p
    big = expected >= min_expected
    obs_cells = list(observed[big])
    exp_cells = list(expected[big])
    if np.any(~big):
        obs_cells.append(observed[~big].sum())
        exp_cells.append(expected[~big].sum())
    obs_cells, exp_cells = np.array(obs_cells), np.array(exp_cells)
    keep = exp_cells > 0
    result = stats.power_divergence(obs_cells[keep], exp_cells[keep], lambda_="log-likelihood")
    return GoodnessOfFit(float(result.statistic), int(keep.sum() - 1), float(result.pvalue),
                         total_variation(observed / n, p), expected_tv_floor(p, int(n)))
