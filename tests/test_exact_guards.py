"""Enumeration guards and validation in orbm_explore.exact (issue 13, "Models and enumeration")."""

import numpy as np
import pytest

from orbm_explore import exact, stats
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM

from helpers import overlap_model, random_two_cause


def scaled_overlap(scale):
    """The overlap model (tests/helpers.py, weights up to ±8) with its weights scaled to ±scale."""
    model, v = overlap_model()
    f = scale / 8
    return TwoCauseRBM(*(RBM(r.weights * f, r.visible_bias, r.hidden_bias) for r in (model.a, model.b))), v


# ---------------------------------------------------------------- memory guards
def test_posterior_guard_counts_the_visible_units():
    """11+11 hidden × 784 visible passed the old guard and asked numpy for 24.5 GiB."""
    model = TwoCauseRBM(RBM(np.zeros((11, 784)), np.zeros(784), np.zeros(11)),
                        RBM(np.zeros((11, 784)), np.zeros(784), np.zeros(11)))
    with pytest.raises(ValueError, match=r"posterior over 2\^22 joint hidden states × 784 visible units would "
                                         r"need about \d+\.\d GiB of memory"):
        exact.posterior(model, np.zeros(784))


def test_two_cause_hidden_distribution_has_a_guard():
    """20+20 hidden units: the outer product alone is 2^40 floats, 8 TiB."""
    model = TwoCauseRBM(RBM(np.zeros((20, 3)), np.zeros(3), np.zeros(20)),
                        RBM(np.zeros((20, 3)), np.zeros(3), np.zeros(20)))
    with pytest.raises(ValueError, match=r"two_cause_hidden_distribution .* about 8\.0 TiB"):
        exact.two_cause_hidden_distribution(model)


@pytest.mark.parametrize("call", [
    lambda: exact.rbm_log_partition(RBM(np.zeros((21, 2000)), np.zeros(2000), np.zeros(21))),
    lambda: exact.rbm_hidden_distribution(RBM(np.zeros((21, 2000)), np.zeros(2000), np.zeros(21))),
    lambda: exact.rbm_visible_distribution(RBM(np.zeros((2000, 21)), np.zeros(21), np.zeros(2000))),
    lambda: exact.sweep_kernel(random_two_cause(6, 6, 20_000, 1.0, 0), np.zeros(20_000)),
    lambda: exact.two_cause_log_probability(random_two_cause(10, 11, 3, 1.0, 0), np.zeros((100_000, 3))),
])
def test_other_enumerations_refuse_with_the_estimated_size(call):
    with pytest.raises(ValueError, match=r"would need about \d+\.\d [MGT]iB of memory, more than the 2\.0 GiB"):
        call()


def test_guards_let_small_models_through():
    model = random_two_cause(2, 3, 4, 2.0, 1)
    assert exact.posterior(model, np.ones(4)).shape == (32,)
    assert exact.two_cause_hidden_distribution(model).sum() == pytest.approx(1.0)
    assert exact.two_cause_visible_distribution(model).sum() == pytest.approx(1.0)
    assert np.isfinite(exact.rbm_log_partition(model.a))


# ---------------------------------------------------------------- state_index
def test_state_index_validates():
    assert exact.state_index([1, 0, 1]) == 5
    np.testing.assert_array_equal(exact.state_index(exact.binary_states(4)), np.arange(16))
    with pytest.raises(ValueError, match="states must be binary"):
        exact.state_index([[2, 0]])  # used to return 4
    with pytest.raises(ValueError, match="states must have at most 63 units"):
        exact.state_index(np.ones(70))  # used to overflow to -1
    assert exact.state_index(np.ones(63)) == 2**63 - 1
    with pytest.raises(ValueError, match="states must have shape"):
        exact.state_index(np.zeros((2, 2, 2)))
    with pytest.raises(TypeError, match="states must be a real number"):
        exact.state_index("01")


# ---------------------------------------------------------------- wrong objects
@pytest.mark.parametrize("fn, name", [
    (exact.rbm_log_partition, "rbm"), (exact.rbm_visible_distribution, "rbm"),
    (exact.rbm_hidden_distribution, "rbm"), (exact.two_cause_hidden_states, "model"),
    (exact.two_cause_hidden_distribution, "model"), (exact.two_cause_visible_distribution, "model"),
])
def test_wrong_model_objects_give_type_errors_naming_the_argument(fn, name):
    with pytest.raises(TypeError, match=f"{name} must be an orbm_explore"):
        fn("rbm")


def test_wrong_model_objects_with_v():
    for fn in (exact.posterior, exact.sweep_kernel, exact.sampler_stationary_distribution,
               exact.two_cause_log_probability):
        with pytest.raises(TypeError, match="model must be an orbm_explore.two_cause.TwoCauseRBM"):
            fn(RBM.random(2, 3, rng=0), np.ones(3))


def test_binary_states_and_chunk_validate():
    with pytest.raises(TypeError, match="n_units must be an integer"):
        exact.binary_states(2.5)
    with pytest.raises(ValueError, match="n_units must be an integer >= 0"):
        exact.binary_states(-1)
    with pytest.raises(ValueError, match="chunk must be an integer >= 1"):
        exact.two_cause_log_probability(random_two_cause(1, 1, 2, 1.0, 0), np.ones(2), chunk=0)


# ---------------------------------------------------------------- sweep_kernel: one v
def test_sweep_kernel_requires_a_single_v():
    model = random_two_cause(1, 1, 3, 2.0, 0)  # 4 joint states
    with pytest.raises(ValueError, match=r"v must be a single visible pattern.*got 4 rows"):
        exact.sweep_kernel(model, np.ones((4, 3)))  # used to mix 4 patterns, one per state
    one = exact.sweep_kernel(model, np.ones((1, 3)))
    np.testing.assert_array_equal(one, exact.sweep_kernel(model, np.ones(3)))


# ---------------------------------------------------------------- stationary_distribution
def test_stationary_distribution_validates_the_kernel():
    model, v = overlap_model()
    kernel = exact.sweep_kernel(model, v)
    bad_nan = kernel.copy()
    bad_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="kernel must be finite"):
        exact.stationary_distribution(bad_nan)
    with pytest.raises(ValueError, match="kernel must be row-stochastic.*sums to 2"):
        exact.stationary_distribution(2 * kernel)
    with pytest.raises(ValueError, match="kernel must be nonnegative"):
        exact.stationary_distribution(np.array([[1.5, -0.5], [0.5, 0.5]]))
    with pytest.raises(ValueError, match="kernel must be a non-empty square matrix"):
        exact.stationary_distribution(kernel[:3])
    with pytest.raises(ValueError, match="tol must be a positive finite number"):
        exact.stationary_distribution(kernel, tol=0.0)
    pi = exact.stationary_distribution(kernel)
    np.testing.assert_allclose(pi @ kernel, pi, atol=1e-14)


def test_stationary_distribution_refuses_a_reducible_kernel():
    with pytest.raises(exact.IllConditionedKernelError, match="kernel is reducible"):
        exact.stationary_distribution(np.eye(3))


@pytest.mark.parametrize("scale", [8, 20, 30])
def test_sampler_law_is_right_where_it_is_returned(scale):
    model, v = scaled_overlap(scale)
    pi = exact.sampler_stationary_distribution(model, v, "exact", "sequential")
    assert stats.total_variation(pi, exact.posterior(model, v)) < 1e-8


@pytest.mark.parametrize("scale", [50, 100, 400])
def test_sampler_law_refused_when_the_kernel_is_nearly_reducible(scale):
    """The old code returned laws at TV 3e-9, 1.0 and 1.0 from the posterior here, silently."""
    model, v = scaled_overlap(scale)
    with pytest.raises(exact.IllConditionedKernelError,
                       match=r"kernel is nearly reducible .* could be wrong by up to .* in total variation"):
        exact.sampler_stationary_distribution(model, v, "exact", "sequential")
    assert issubclass(exact.IllConditionedKernelError, ValueError)


def test_the_refusal_is_needed_the_plain_solve_is_wrong_at_scale_100():
    """Solving the same system without the check gives a law far from the posterior."""
    model, v = scaled_overlap(100)
    kernel = exact.sweep_kernel(model, v)
    n = len(kernel)
    system = kernel.T - np.eye(n)
    system[-1, :] = 1.0
    with np.errstate(all="ignore"):
        pi = np.clip(np.linalg.solve(system, np.eye(n)[-1]), 0, None)
    pi /= pi.sum()
    assert stats.total_variation(pi, exact.posterior(model, v)) > 0.5


def test_two_cause_log_probability_matches_the_visible_distribution():
    """The prior is now built from each cause's own states; the result must not change."""
    model = random_two_cause(2, 3, 4, 3.0, 2)
    v = exact.binary_states(4)
    np.testing.assert_allclose(np.exp(exact.two_cause_log_probability(model, v, chunk=5)),
                               exact.two_cause_visible_distribution(model), rtol=1e-12)

