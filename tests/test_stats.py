"""stats: the scores, and the refusals that keep them from lying (issue 13)."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

from orbm_explore import stats

P = np.array([0.1, 0.2, 0.3, 0.4])
Q = np.array([0.25, 0.25, 0.25, 0.25])


def test_total_variation_and_kl_values():
    assert stats.total_variation(P, Q) == pytest.approx(0.5 * (0.15 + 0.05 + 0.05 + 0.15))
    assert stats.total_variation(P, P) == 0.0
    assert stats.kl_divergence(P, Q) == pytest.approx(float(np.sum(P * np.log(P / Q))), rel=1e-14)
    assert stats.kl_divergence(P, P) == 0.0
    assert stats.kl_divergence([0.5, 0.5, 0.0], [1.0, 0.0, 0.0]) == float("inf")
    assert stats.kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(np.log(2))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_kl_and_tv_refuse_non_finite(bad):
    """kl_divergence(p, nan…) used to return 0.0."""
    with pytest.raises(ValueError, match="q must be finite"):
        stats.kl_divergence(P, [bad, 0.2, 0.3, 0.4])
    with pytest.raises(ValueError, match="p must be finite"):
        stats.kl_divergence([bad] * 4, Q)
    with pytest.raises(ValueError, match="q must be finite"):
        stats.total_variation(P, [bad, 0.2, 0.3, 0.4])


def test_scores_refuse_mismatched_shapes_negative_and_unnormalised():
    with pytest.raises(ValueError, match="p must be a non-empty 1-D array"):
        stats.total_variation(np.ones((4, 6)) / 6, np.ones((1, 6)) / 6)  # was broadcast silently
    with pytest.raises(ValueError, match="p and q must have the same shape"):
        stats.total_variation(np.ones(6) / 6, np.ones(1))
    with pytest.raises(ValueError, match="p and q must have the same shape"):
        stats.kl_divergence(P, Q[:3] / Q[:3].sum())
    with pytest.raises(ValueError, match="q must be nonnegative"):
        stats.total_variation(P, [0.5, 0.5, 0.5, -0.5])
    with pytest.raises(ValueError, match="q must be a probability vector summing to 1"):
        stats.kl_divergence(P, [1.0, 1.0, 1.0, 1.0])
    with pytest.raises(TypeError, match="p must be a real number"):
        stats.total_variation("abc", Q)
    with pytest.raises(ValueError, match="p must be a non-empty 1-D array"):
        stats.total_variation([], [])


def test_counts_is_a_histogram_and_refuses_out_of_range_indices():
    np.testing.assert_array_equal(stats.counts([0, 2, 2, 3], 5), [1, 0, 2, 1, 0])
    np.testing.assert_array_equal(stats.counts(np.array([1.0, 1.0]), 2), [0, 2])
    assert stats.counts([], 3).tolist() == [0, 0, 0]
    with pytest.raises(ValueError, match=r"indices must lie in \[0, 4\).*found 5"):
        stats.counts([0, 5], 4)  # used to return 6 bins
    with pytest.raises(ValueError, match="indices must lie in"):
        stats.counts([-1, 0], 4)
    with pytest.raises(ValueError, match="indices must be whole numbers"):
        stats.counts([0.5], 4)
    with pytest.raises(ValueError, match="n_states must be an integer >= 1"):
        stats.counts([0], 0)
    with pytest.raises(TypeError, match="n_states must be an integer"):
        stats.counts([0], 4.0)


def test_g_test_accepts_a_true_sample_and_rejects_a_wrong_one():
    rng = np.random.default_rng(0)
    draws = rng.choice(4, 20_000, p=P)
    good = stats.g_test(stats.counts(draws, 4), P)
    assert good.p_value > 1e-3 and good.dof == 3 and good.tv < 4 * good.tv_floor
    bad = stats.g_test(stats.counts(draws, 4), Q)
    assert bad.p_value < 1e-10


def test_g_test_refuses_empty_or_non_finite_counts():
    """g_test on all-zero counts used to return NaN."""
    with pytest.raises(ValueError, match="observed must contain at least one count"):
        stats.g_test(np.zeros(4), P)
    with pytest.raises(ValueError, match="observed must be finite"):
        stats.g_test([1.0, np.nan, 2.0, 3.0], P)
    with pytest.raises(ValueError, match="observed must hold counts"):
        stats.g_test([9.0, 5e-324, 0.0, 1.0], P)
    with pytest.raises(ValueError, match="observed and expected_probabilities must have the same shape"):
        stats.g_test([1, 2, 3], P)
    with pytest.raises(ValueError, match="expected_probabilities must be a probability vector"):
        stats.g_test([1, 2, 3, 4], [1, 1, 1, 1])
    with pytest.raises(ValueError, match="min_expected must be a positive finite number"):
        stats.g_test([1, 2, 3, 4], P, min_expected=np.nan)


def test_g_test_reports_an_impossible_observation_and_the_one_cell_case():
    impossible = stats.g_test([100, 0, 0, 5], [1.0, 0.0, 0.0, 0.0])
    assert impossible.p_value == 0.0 and impossible.statistic == float("inf")
    single = stats.g_test([100, 0, 0, 0], [1.0, 0.0, 0.0, 0.0])
    assert single.p_value == 1.0 and single.dof == 0 and np.isfinite(single.statistic)


@given(st.lists(st.integers(0, 10**12), min_size=2, max_size=8), st.integers(0, 2**32 - 1))
def test_g_test_never_returns_nan(raw_counts, seed):
    observed = np.array(raw_counts)
    p = np.random.default_rng(seed).dirichlet(np.ones(observed.size))
    if observed.sum() == 0:
        with pytest.raises(ValueError):
            stats.g_test(observed, p)
        return
    fit = stats.g_test(observed, p)
    assert not np.isnan(fit.statistic) and 0.0 <= fit.p_value <= 1.0 and np.isfinite(fit.tv)


def test_expected_tv_floor_checks_n_samples():
    assert stats.expected_tv_floor(P, 100) == pytest.approx(
        0.5 * np.sum(np.sqrt(2 * P * (1 - P) / (np.pi * 100))))
    with pytest.raises(ValueError, match="n_samples must be an integer >= 1"):
        stats.expected_tv_floor(P, 0)
