"""The compiled kernels at their limits (issue 22): the same draws as the numpy reference for W of both
signs across the ratio kernel's whole weight range and across cache refreshes, the one-log accumulation
against exact sums of logs on adversarial rows, the log-free decision against 60-digit comparisons, and the
prior "each cause has a unit on" in the engine."""

import itertools
import math

import mpmath
import numpy as np
import pytest
from scipy.special import logsumexp

from orbm_explore import sampling, stats, training
from orbm_explore._kernels import sweep as kernels
from orbm_explore.corrections import get_correction
from orbm_explore.numerics import bernoulli
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM

LIMIT = kernels.RATIO_WEIGHT_LIMIT


def _model(n_a, n_b, n_visible, low, high, seed, signs="both"):
    """Weights uniform in ±[low, high] (a random sign per weight, or all of one sign)."""
    rng = np.random.default_rng(seed)

    def weights(n):
        size = rng.uniform(low, high, (n, n_visible))
        sign = {"both": rng.choice([-1.0, 1.0], size.shape), "+": 1.0, "-": -1.0}[signs]
        return size * sign

    a = RBM(weights(n_a), rng.uniform(-2, 2, n_visible), rng.uniform(-2, 2, n_a))
    b = RBM(weights(n_b), rng.uniform(-2, 2, n_visible), rng.uniform(-2, 2, n_b))
    return TwoCauseRBM(a, b, belief_bias=rng.uniform(-2, 2, n_visible))


def _sampler(model, kernel, empty_penalty=0.0):
    sampler = model.posterior_sampler(empty_penalty=empty_penalty)
    if kernel == "logsig" and sampler._ratio:  # run the log-sigmoid kernel on weights the ratio kernel takes
        sampler._ratio, sampler._kernel = False, "logsig"
    assert sampler._kernel == kernel
    return sampler


def _reference(sampler, v, n_sweeps, seed):
    """The numpy reference sweep on the same random stream (sampling.sequential_sweep)."""
    state = sampler.init(v, rng=seed)
    n_hidden = sampler.a.n_hidden + sampler.b.n_hidden
    for _ in range(n_sweeps):
        sampling.sequential_sweep(sampler.a, sampler.b, state, get_correction("exact"),
                                  state.rng.random((state.n_chains, n_hidden)))
    return state


def _visible(n, n_visible, seed):
    return bernoulli(np.full((n, n_visible), 0.5), np.random.default_rng(seed))


# weight ranges: small, moderate, up to the ratio kernel's limit, and pinned at it (|W| = 80 exactly)
RANGES = [(0.0, 0.5), (0.5, 4.0), (4.0, LIMIT), (LIMIT, LIMIT)]


@pytest.mark.parametrize("kernel", ["ratio", "logsig"])
@pytest.mark.parametrize("signs", ["both", "+", "-"])
@pytest.mark.parametrize("low,high", RANGES)
def test_kernels_make_the_reference_draws_across_the_weight_range(kernel, signs, low, high):
    model = _model(4, 3, 23, low, high, seed=int(10 * high) + len(signs), signs=signs)
    sampler = _sampler(model, kernel)
    v = _visible(150, 23, 1)
    state = sampler.init(v, rng=5)
    sampler.step(state, 12)
    reference = _reference(sampler, v, 12, 5)
    np.testing.assert_array_equal(state.h_a, reference.h_a)
    np.testing.assert_array_equal(state.h_b, reference.h_b)
    if signs == "both" and high < LIMIT:  # the draws are not all alike (the comparison is not vacuous)
        assert 0.05 < np.hstack([state.h_a, state.h_b]).mean() < 0.95


@pytest.mark.parametrize("kernel", ["ratio", "logsig"])
def test_kernels_make_the_reference_draws_across_cache_refreshes(kernel):
    """600 sweeps cross two refreshes of the cached terms (every 256 sweeps), in uneven steps."""
    model = _model(3, 3, 17, 0.2, 3.0, seed=2)
    sampler = _sampler(model, kernel)
    v = _visible(40, 17, 3)
    state = sampler.init(v, rng=8)
    for chunk in (1, 255, 3, 300, 41):
        sampler.step(state, chunk)
    reference = _reference(sampler, v, 600, 8)
    np.testing.assert_array_equal(state.h_a, reference.h_a)
    np.testing.assert_array_equal(state.h_b, reference.h_b)
    np.testing.assert_allclose(state.x, reference.x, atol=1e-9)


def test_the_draws_comparison_fails_on_a_wrong_reference():
    """Not vacuous: the reference with the correction dropped makes other draws."""
    model = _model(4, 3, 23, 0.5, 4.0, seed=1)
    sampler = _sampler(model, "ratio")
    v = _visible(150, 23, 1)
    state = sampler.step(sampler.init(v, rng=5), 12)
    wrong = sampler.init(v, rng=5)
    for _ in range(12):
        sampling.sequential_sweep(sampler.a, sampler.b, wrong, get_correction("none"), wrong.rng.random((150, 7)))
    assert not np.array_equal(state.h_a, wrong.h_a)


def test_group_sizes_keep_products_in_range():
    assert kernels.group_size(LIMIT, 784) == 8
    assert kernels.group_size(0.0, 784) == 784
    assert kernels.group_size(1.0, 784) == 700
    assert kernels.group_size(0.5, 784) == 784
    np.testing.assert_array_equal(kernels.group_sizes(np.array([[0.1, -80.0], [3.0, 1.0]])), [2, 2])


# ------------------------------------------------ the products with exponent bookkeeping
def _rows(kind, n_visible, rng):
    """(s_own, t_own, s_x, t_x, e) float64 rows as the sampler holds them (s + t = 1, e = e^{∓W})."""
    if kind == "near 1, small":  # every ratio within 1e-9 of 1
        w = rng.uniform(-1e-3, 1e-3, n_visible)
        s_own = rng.uniform(0.2, 0.8, n_visible)
        s_x = s_own + rng.uniform(-1e-6, 1e-6, n_visible)
    elif kind == "near 1, moderate":  # ratios within about 1e-3 of 1, weights up to 3
        w = rng.uniform(-3, 3, n_visible)
        s_own = rng.uniform(0.2, 0.8, n_visible)
        s_x = np.clip(s_own + rng.uniform(-1e-3, 1e-3, n_visible), 0, 1)
    elif kind == "near 1, at the limit":  # both d at e^{±80}, ratio near 1
        w = rng.choice([-LIMIT, LIMIT], n_visible)
        s_own = rng.uniform(0, 1e-12, n_visible)
        s_x = rng.uniform(0, 1e-12, n_visible)
    elif kind == "extremes":  # d_own at e^{80}, d_x at 1 (or the other way round), every element
        w = np.full(n_visible, -LIMIT)
        s_own = np.zeros(n_visible)
        s_x = np.ones(n_visible)
    elif kind == "alternating extremes":
        w = np.where(np.arange(n_visible) % 2, LIMIT, -LIMIT)
        s_own = np.where(np.arange(n_visible) % 2, 1.0, 0.0)
        s_x = 1.0 - s_own
    elif kind == "alternating near 1 and extremes":
        w = np.where(np.arange(n_visible) % 2, LIMIT, -1e-3)
        s_own = np.where(np.arange(n_visible) % 2, 1e-30, 0.5)
        s_x = np.where(np.arange(n_visible) % 2, 1.0, 0.5 + 1e-4)
    else:
        raise AssertionError(kind)
    e = np.exp(-w)
    return s_own, 1.0 - s_own, s_x, 1.0 - s_x, e, w


def _exact_log_ratio_sum(s_own, t_own, s_x, t_x, e):
    """Σ_i log(d_own,i / d_x,i) of the float64 inputs, in 60-digit arithmetic."""
    with mpmath.workdps(60):
        total = mpmath.mpf(0)
        for values in zip(s_own, t_own, s_x, t_x, e):
            so, to, sx, tx, ee = (mpmath.mpf(float(value)) for value in values)
            total += mpmath.log(so + to * ee) - mpmath.log(sx + tx * ee)
        return float(total)


KINDS = ["near 1, small", "near 1, moderate", "near 1, at the limit", "extremes", "alternating extremes",
         "alternating near 1 and extremes"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n_visible", [1, 7, 64, 784, 5000])
def test_one_log_accumulation_equals_the_sum_of_logs(kind, n_visible):
    """Within 1e-12 relative to max(1, |sum|) of the exact sum (and of numpy's float64 sum of logs)."""
    s_own, t_own, s_x, t_x, e, w = _rows(kind, n_visible, np.random.default_rng(n_visible))
    group = kernels.group_size(float(np.max(np.abs(w))), n_visible)
    ours = kernels.log_ratio_sum(s_own, t_own, s_x, t_x, e, group)
    exact = _exact_log_ratio_sum(s_own, t_own, s_x, t_x, e)
    assert abs(ours - exact) <= 1e-12 * max(1.0, abs(exact)), (ours, exact)
    float_sum = math.fsum(np.log(s_own + t_own * e) - np.log(s_x + t_x * e))
    assert abs(ours - float_sum) <= 1e-12 * max(1.0, abs(float_sum)), (ours, float_sum)


def test_one_log_accumulation_check_fails_without_the_exponent_bookkeeping():
    """At the limit the plain product over- or underflows; the check above would then fail."""
    s_own, t_own, s_x, t_x, e, _ = _rows("extremes", 784, np.random.default_rng(0))
    exact = _exact_log_ratio_sum(s_own, t_own, s_x, t_x, e)
    with np.errstate(over="ignore", divide="ignore"):
        plain = math.log(np.prod(s_own + t_own * e) / np.prod(s_x + t_x * e)) if np.isfinite(
            np.prod(s_own + t_own * e)) else math.inf
    assert not abs(plain - exact) <= 1e-12 * max(1.0, abs(exact))
    # and a group too long for the limit loses the bookkeeping's guarantee
    wrong = kernels.log_ratio_sum(s_own, t_own, s_x, t_x, e, 784)
    assert not abs(wrong - exact) <= 1e-12 * max(1.0, abs(exact))


# ------------------------------------------------- the decision without a log
def _compare_cases(rng, n):
    """(p_own, p_x, E, τ) with τ at, near and far from L = log(p_own / p_x) + E ln 2."""
    p_own = rng.uniform(1, 2, n)
    p_x = rng.uniform(1, 2, n)
    p_own[:50] = np.nextafter(2.0, 0)  # mantissas at the ends of [1, 2)
    p_x[50:100] = 1.0
    exponent = rng.integers(-3_000_000, 3_000_000, n)
    exponent[: n // 2] = rng.integers(-3, 4, n // 2)  # small log-ratios too
    exact = [mpmath.log(mpmath.mpf(a) / mpmath.mpf(b)) + int(k) * mpmath.log(2) for a, b, k in zip(p_own, p_x, exponent)]
    relative = 10.0 ** rng.uniform(-14, 1, n) * rng.choice([-1.0, 1.0], n)
    tau = np.array([float(x + relative[i] * max(1, abs(x))) for i, x in enumerate(exact)])
    tau[100:150] = [float(x) for x in exact[100:150]]  # τ = L rounded: either side is right
    tau[150:200] = np.array([float(x) for x in exact[150:200]]) + np.round(rng.uniform(-4, 4, 50)) * math.log(2)
    return p_own, p_x, exponent, tau, exact


def test_decision_without_a_log_compares_like_the_log():
    """sign(L − τ) from exponents and mantissas equals the 60-digit sign wherever |L − τ| exceeds
    1e-14 relative to max(1, |τ|) (for L up to 2e6: weights of ±80 on 26,000 visible units)."""
    rng = np.random.default_rng(3)
    with mpmath.workdps(60):
        p_own, p_x, exponent, tau, exact = _compare_cases(rng, 4000)
        for a, b, k, t, x in zip(p_own, p_x, exponent, tau, exact):
            side = kernels.compare_exp(a, b, int(k), t)
            gap = x - mpmath.mpf(t)
            if abs(gap) > 1e-14 * max(1.0, abs(t)):
                assert side == (1 if gap > 0 else -1), (a, b, k, t, float(gap))
    for a, b, k in [(1.5, 1.0, 0), (1.0, 1.9, 2_000_000), (1.2, 1.7, -2_000_000)]:
        assert kernels.compare_exp(a, b, k, -math.inf) == 1 and kernels.compare_exp(a, b, k, math.inf) == -1


# ------------------------------------------------------------ the prior in the engine
def _tiny_model(seed, n_a=2, n_b=3, n_visible=4, scale=1.5):
    rng = np.random.default_rng(seed)
    a = RBM(rng.normal(0, scale, (n_a, n_visible)), rng.normal(0, 1, n_visible), rng.normal(-1, 1, n_a))
    b = RBM(rng.normal(0, scale, (n_b, n_visible)), rng.normal(0, 1, n_visible), rng.normal(-1, 1, n_b))
    return TwoCauseRBM(a, b, rng.normal(-1, 1, n_visible))


@pytest.mark.parametrize("kernel", ["ratio", "logsig"])
@pytest.mark.parametrize("penalty", [0.0, 2.0, 50.0])
def test_engine_prior_sweep_makes_the_numpy_prior_sweeps_draws(kernel, penalty):
    model = _tiny_model(11, n_a=3, n_b=4, n_visible=6)
    v = _visible(400, 6, 0)
    results = []
    for engine in (True, False):
        rng = np.random.default_rng(1)
        h_a, h_b = bernoulli(np.full((400, 3), 0.5), rng), bernoulli(np.full((400, 4), 0.5), rng)
        if engine:
            sampler = _sampler(model, kernel, penalty)
            state = sampler.step(sampler._init(v.copy(), h_a, h_b, rng), 9)
            results.append(np.hstack([state.h_a, state.h_b]))
        else:
            training._penalised_posterior(model, v, h_a, h_b, 9, penalty, rng)
            results.append(np.hstack([h_a, h_b]))
    np.testing.assert_array_equal(results[0], results[1])
    assert 0.05 < results[0].mean() < 0.95


def test_engine_prior_draws_differ_from_draws_without_the_prior():
    """Not vacuous: with λ = 2 the draws are not those of λ = 0."""
    model = _tiny_model(11, n_a=3, n_b=4, n_visible=6)
    v = _visible(400, 6, 0)
    draws = [model.posterior_sampler(empty_penalty=penalty).step(model.posterior_sampler(
        empty_penalty=penalty).init(v, rng=1), 9).h_a for penalty in (0.0, 2.0)]
    assert not np.array_equal(*draws)


def _states(n):
    return np.array(list(itertools.product((0.0, 1.0), repeat=n)))


def _exact_penalised_posterior(model, v, penalty):
    joint = _states(model.a.n_hidden + model.b.n_hidden)
    h_a, h_b = joint[:, :model.a.n_hidden], joint[:, model.a.n_hidden:]
    log_p = (model.log_p_star(h_a, h_b, np.broadcast_to(v, (len(joint), len(v))))
             - penalty * (h_a.sum(axis=1) == 0) - penalty * (h_b.sum(axis=1) == 0))
    return np.exp(log_p - logsumexp(log_p))


def _engine_fit(model, v, sampled_penalty, target_penalty, kernel, n_chains=20_000, n_sweeps=30):
    sampler = _sampler(model, kernel, sampled_penalty)
    state = sampler.step(sampler.init(np.tile(v, (n_chains, 1)), rng=4), n_sweeps)
    index = (np.hstack([state.h_a, state.h_b]) @ 2 ** np.arange(model.a.n_hidden + model.b.n_hidden - 1, -1, -1))
    observed = stats.counts(index.astype(int), 2 ** (model.a.n_hidden + model.b.n_hidden))
    return stats.g_test(observed, _exact_penalised_posterior(model, v, target_penalty))


@pytest.mark.parametrize("kernel", ["ratio", "logsig"])
def test_engine_prior_samples_the_exact_penalised_posterior(kernel):
    model = _tiny_model(3)
    for v in (np.array([1.0, 0.0, 1.0, 1.0]), np.array([0.0, 0.0, 0.0, 1.0])):
        fit = _engine_fit(model, v, 2.0, 2.0, kernel)
        assert fit.p_value > 1e-3 and fit.tv < 4 * fit.tv_floor, fit


@pytest.mark.parametrize("wrong", [0.0, -2.0, 4.0])
def test_engine_prior_check_fails_on_a_wrong_penalty(wrong):
    """The G-test above rejects chains run with another λ (dropped, sign flipped, doubled)."""
    model = _tiny_model(3)
    v = np.array([0.0, 0.0, 0.0, 1.0])
    if wrong < 0:  # the sampler refuses λ < 0; flip the sign inside the engine instead
        sampler = _sampler(model, "ratio", 2.0)
        sampler.empty_penalty = wrong
        state = sampler.step(sampler.init(np.tile(v, (20_000, 1)), rng=4), 30)
        index = (np.hstack([state.h_a, state.h_b]) @ 2 ** np.arange(4, -1, -1)).astype(int)
        fit = stats.g_test(stats.counts(index, 32), _exact_penalised_posterior(model, v, 2.0))
    else:
        fit = _engine_fit(model, v, wrong, 2.0, "ratio")
    assert fit.p_value < 1e-6, fit


@pytest.mark.parametrize("penalty", [0.0, 2.0])
def test_compiled_sleep_chain_makes_the_numpy_chains_draws(penalty):
    rng = np.random.default_rng(7)
    rbm = RBM(rng.normal(0, 1.5, (5, 6)), rng.normal(0, 1, 6), rng.normal(-1.5, 0.5, 5))
    start = bernoulli(np.full((500, 5), 0.5), np.random.default_rng(0))
    engine = training._engine_hidden_chain(rbm, start, 7, penalty, np.random.default_rng(3))
    reference = training._penalised_hidden_chain(rbm, start, 7, penalty, np.random.default_rng(3))
    np.testing.assert_array_equal(engine, reference)
    assert 0.05 < engine.mean() < 0.95
    other = training._engine_hidden_chain(rbm, start, 7, penalty + 3.0, np.random.default_rng(3))
    assert not np.array_equal(engine, other)


def test_the_prior_is_refused_where_the_engine_does_not_run():
    model = _tiny_model(3)
    with pytest.raises(ValueError, match="empty_penalty"):
        model.posterior_sampler("sigmoid", empty_penalty=1.0)
    with pytest.raises(ValueError, match="empty_penalty"):
        model.posterior_sampler(schedule="parallel", empty_penalty=1.0)
    for bad, error in ((-1.0, ValueError), (float("nan"), ValueError), ("1", TypeError), (2e6, ValueError)):
        with pytest.raises(error, match="empty_penalty"):
            model.posterior_sampler(empty_penalty=bad)


# ------------------------------------------------------------------ foreign states
def test_a_state_made_by_another_sampler_is_refused():
    model = _tiny_model(3)
    other = model.copy()
    other.a.weights[0, 0] += 1e-9
    state = model.posterior_sampler().init(np.ones(4), rng=0)
    with pytest.raises(ValueError, match="another sampler"):
        other.posterior_sampler().step(state, 3)
    with pytest.raises(ValueError, match="another sampler"):
        model.posterior_sampler(empty_penalty=1.0).step(state)
    with pytest.raises(ValueError, match="another sampler"):
        model.posterior_sampler("sigmoid").step(state)
    # a new sampler of the same model has the same fingerprint and steps the state
    model.posterior_sampler().step(state, 3)
    assert state.n_sweeps == 3
    assert model.posterior_sampler().fingerprint != other.posterior_sampler().fingerprint
