"""Wake/sleep under the prior "each cause has a unit on", with non-negative weights, momentum and annealing (issue 14).

The samplers are checked against enumeration: the penalised posterior sweep's
law against the exact P(h^A, h^B | v) with the prior, the penalised sleep
chain's law against an RBM's exact P'(h) ∝ P*(h) e^{-λ[h = 0]}, and one
wake/sleep step against exact_learning's exact gradient. Each statistical test
is also run on a mutated formula (the penalty term dropped, or its sign
flipped, by patching ``training._others_off``) and must then fail: that is
what shows it can fail.
"""

import itertools

import numpy as np
import pytest
from scipy.special import logsumexp

from orbm_explore import exact_learning, stats, training
from orbm_explore.numerics import bernoulli
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM

PENALTY = 2.0
MUTATIONS = {
    "dropped": lambda off: lambda h, j: 0.0 * off(h, j),
    "sign flipped": lambda off: lambda h, j: -off(h, j),
}


def _tiny_model(merged, seed=3, n_a=2, n_b=2, n_visible=4):
    rng = np.random.default_rng(seed)
    a = RBM(rng.normal(0, 1.5, (n_a, n_visible)), rng.normal(0, 1, n_visible), rng.normal(-1, 1, n_a))
    b = RBM(rng.normal(0, 1.5, (n_b, n_visible)), rng.normal(0, 1, n_visible), rng.normal(-1, 1, n_b))
    return TwoCauseRBM(a, b, rng.normal(-1, 1, n_visible) if merged else None)


def _states(n):
    return np.array(list(itertools.product((0.0, 1.0), repeat=n)))


def _index(h):
    return (h @ 2 ** np.arange(h.shape[1] - 1, -1, -1)).astype(int)


def _exact_penalised_posterior(model, v, penalty):
    """P(h^A, h^B | v) under the prior, by enumeration; states in _states(H_A + H_B) order."""
    joint = _states(model.a.n_hidden + model.b.n_hidden)
    h_a, h_b = joint[:, :model.a.n_hidden], joint[:, model.a.n_hidden:]
    log_p = (model.log_p_star(h_a, h_b, np.broadcast_to(v, (len(joint), len(v))))
             - penalty * (h_a.sum(axis=1) == 0) - penalty * (h_b.sum(axis=1) == 0))
    return np.exp(log_p - logsumexp(log_p))


def _posterior_p_value(model, v, penalty, seed=0, n_chains=3000, n_sweeps=25):
    rng = np.random.default_rng(seed)
    vs = np.repeat(v[None, :], n_chains, axis=0)
    h_a = bernoulli(np.full((n_chains, model.a.n_hidden), 0.5), rng)
    h_b = bernoulli(np.full((n_chains, model.b.n_hidden), 0.5), rng)
    training._penalised_posterior(model, vs, h_a, h_b, n_sweeps, penalty, rng)
    observed = stats.counts(_index(np.hstack([h_a, h_b])), 2 ** (model.a.n_hidden + model.b.n_hidden))
    return stats.g_test(observed, _exact_penalised_posterior(model, v, penalty)).p_value


V_PATTERNS = [np.array([1.0, 0.0, 1.0, 1.0]), np.array([0.0, 1.0, 0.0, 0.0])]


@pytest.mark.parametrize("merged", [False, True])
def test_penalised_posterior_sweep_samples_the_exact_posterior_under_the_prior(merged):
    model = _tiny_model(merged)
    for v in V_PATTERNS:
        assert _posterior_p_value(model, v, PENALTY) > 1e-3


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_posterior_check_fails_on_a_mutated_penalty(monkeypatch, mutation):
    monkeypatch.setattr(training, "_others_off", MUTATIONS[mutation](training._others_off))
    model = _tiny_model(True)
    assert min(_posterior_p_value(model, v, PENALTY) for v in V_PATTERNS) < 1e-6


def test_penalised_posterior_without_penalty_is_the_plain_posterior():
    model = _tiny_model(False)
    assert _posterior_p_value(model, V_PATTERNS[0], 0.0) > 1e-3


def test_penalised_sweep_without_penalty_draws_what_the_compiled_sampler_draws():
    """λ = 0: the numpy sweep and the engine's exact sequential sampler use the same uniforms, so the same states."""
    model = _tiny_model(True, seed=11, n_a=3, n_b=2, n_visible=5)
    v = bernoulli(np.full((300, 5), 0.5), np.random.default_rng(0))
    states = []
    for engine in (True, False):
        rng = np.random.default_rng(1)
        h_a, h_b = bernoulli(np.full((300, 3), 0.5), rng), bernoulli(np.full((300, 2), 0.5), rng)
        if engine:
            sampler = model.posterior_sampler("exact")
            state = sampler.step(sampler._init(v.copy(), h_a, h_b, rng), 6)
            states.append(np.hstack([state.h_a, state.h_b]))
        else:
            training._penalised_posterior(model, v, h_a, h_b, 6, 0.0, rng)
            states.append(np.hstack([h_a, h_b]))
    np.testing.assert_array_equal(states[0], states[1])
    assert 0.1 < states[0].mean() < 0.9


def _sleep_p_value(rbm, penalty, seed=1, n_chains=4000, n_steps=25):
    rng = np.random.default_rng(seed)
    h = training._penalised_hidden_chain(rbm, bernoulli(np.full((n_chains, rbm.n_hidden), 0.5), rng), n_steps,
                                         penalty, rng)
    states = _states(rbm.n_hidden)
    log_p = rbm.log_p_star_h(states) - penalty * (states.sum(axis=1) == 0)
    return stats.g_test(stats.counts(_index(h), len(states)), np.exp(log_p - logsumexp(log_p))).p_value


def _sleep_rbm():
    rng = np.random.default_rng(7)
    return RBM(rng.normal(0, 1.5, (3, 4)), rng.normal(0, 1, 4), rng.normal(-1.5, 0.5, 3))


def test_penalised_sleep_chain_samples_the_rbms_penalised_prior():
    assert _sleep_p_value(_sleep_rbm(), PENALTY) > 1e-3


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_sleep_check_fails_on_a_mutated_penalty(monkeypatch, mutation):
    monkeypatch.setattr(training, "_others_off", MUTATIONS[mutation](training._others_off))
    assert _sleep_p_value(_sleep_rbm(), PENALTY) < 1e-6


def _sampled_step(model, distinct, penalty, seed=0, copies=1500, n_fantasy=20000):
    """One wake/sleep step (rate 1) from burnt-in chains, as a dict of parameter changes."""
    rng = np.random.default_rng(seed)
    model = model.copy()
    params = model.parameters()
    data = np.repeat(distinct, copies, axis=0)
    post_a = bernoulli(np.full((len(data), model.a.n_hidden), 0.5), rng)
    post_b = bernoulli(np.full((len(data), model.b.n_hidden), 0.5), rng)
    training._prior_posterior(model, data, post_a, post_b, 30, penalty, rng)
    fantasies = {name: training._prior_hidden_chain(getattr(model, name), bernoulli(
        np.full((n_fantasy, getattr(model, name).n_hidden), 0.5), rng), 30, penalty, rng) for name in ("a", "b")}
    before = {key: value.copy() for key, value in params.items()}
    training._wake_sleep_step(model, params, data, np.arange(len(data)), post_a, post_b, fantasies, "exact", 1, 1,
                              ("a", "b"), 1.0, rng, penalty)
    return {key: params[key] - before[key] for key in params}


DISTINCT = np.array([[1, 0, 1, 1], [0, 1, 0, 0], [1, 1, 0, 1]], dtype=float)
STEP_TOLERANCE = 0.06  # about 4 standard errors of the largest entry's Monte Carlo error


def _largest_error(step, gradient):
    assert step.keys() == gradient.keys()
    return max(np.max(np.abs(step[key] - gradient[key])) for key in gradient)


@pytest.mark.parametrize("merged", [False, True])
def test_wake_sleep_step_estimates_the_exact_gradient_under_the_prior(merged):
    model = _tiny_model(merged, seed=5)
    _, gradient = exact_learning.log_likelihood_and_gradient(model, DISTINCT, PENALTY)
    _, plain_gradient = exact_learning.log_likelihood_and_gradient(model, DISTINCT, 0.0)
    # the prior changes the gradient by far more than the tolerance, so the test can tell them apart
    assert _largest_error(gradient, plain_gradient) > 3 * STEP_TOLERANCE
    assert _largest_error(_sampled_step(model, DISTINCT, PENALTY), gradient) < STEP_TOLERANCE


@pytest.mark.parametrize("engine", [True, False])
def test_wake_sleep_step_estimates_the_exact_gradient_in_both_paths(monkeypatch, engine):
    """The step above runs the compiled engine; the numpy reference path gives a step as good."""
    monkeypatch.setattr(training, "_PRIOR_ENGINE", engine)
    model = _tiny_model(True, seed=5)
    _, gradient = exact_learning.log_likelihood_and_gradient(model, DISTINCT, PENALTY)
    assert _largest_error(_sampled_step(model, DISTINCT, PENALTY), gradient) < STEP_TOLERANCE


def _drop_the_engines_penalty(monkeypatch):
    """Mutate the engine path: both compiled samplers run without the prior."""
    posterior, chain = training._engine_posterior, training._engine_hidden_chain
    monkeypatch.setattr(training, "_engine_posterior", lambda m, v, a, b, n, penalty, rng: posterior(m, v, a, b, n, 0.0,
                                                                                                     rng))
    monkeypatch.setattr(training, "_engine_hidden_chain", lambda rbm, h, n, penalty, rng: chain(rbm, h, n, 0.0, rng))


@pytest.mark.parametrize("engine", [True, False])
def test_wake_sleep_step_check_fails_on_a_dropped_penalty(monkeypatch, engine):
    monkeypatch.setattr(training, "_PRIOR_ENGINE", engine)
    if engine:
        _drop_the_engines_penalty(monkeypatch)
    else:
        monkeypatch.setattr(training, "_others_off", MUTATIONS["dropped"](training._others_off))
    model = _tiny_model(True, seed=5)
    _, gradient = exact_learning.log_likelihood_and_gradient(model, DISTINCT, PENALTY)
    assert _largest_error(_sampled_step(model, DISTINCT, PENALTY), gradient) > STEP_TOLERANCE


# ------------------------------------------------------------------ training with the new arguments
def _bars_like(seed=0, n=40):
    rng = np.random.default_rng(seed)
    rows = bernoulli(np.full((n, 3), 0.4), rng)
    cols = bernoulli(np.full((n, 3), 0.4), rng)
    return np.maximum(np.repeat(rows, 3, axis=1), np.tile(cols, 3))


def test_nonnegative_keeps_the_learned_weights_nonnegative():
    data = _bars_like()
    start = exact_learning.random_start(2, 2, 9, 1.0, merged=True, rng=0)
    assert np.any(start.a.weights < 0) and np.any(start.b.weights < 0)
    settings = {"epochs": 5, "learning_rate": 0.2, "batch_size": 10, "n_sweeps": 2, "n_fantasy": 30, "rng": 1}
    free, _ = training.train_wake_sleep(start, data, **settings)
    assert np.any(free.a.weights < 0)  # without the projection the weights do go negative
    for penalty in (0.0, 3.0):
        kept, history = training.train_wake_sleep(start, data, empty_penalty=penalty, nonnegative=True, **settings)
        assert np.all(kept.a.weights >= 0) and np.all(kept.b.weights >= 0)
        assert np.all(np.isfinite(history.log_likelihood))
    only_a, _ = training.train_wake_sleep(start, data, nonnegative=True, learn=("a",), **settings)
    assert np.all(only_a.a.weights >= 0)
    np.testing.assert_array_equal(only_a.b.weights, start.b.weights)  # a cause not learned is left alone


def test_history_tracks_the_log_likelihood_under_the_prior():
    data = _bars_like(1)
    start = exact_learning.random_start(2, 2, 9, 0.5, merged=True, rng=2)
    model, history = training.train_wake_sleep(start, data, epochs=3, batch_size=10, n_fantasy=20, rng=0,
                                               empty_penalty=4.0)
    assert history.log_likelihood[-1] == pytest.approx(exact_learning.log_likelihood(model, data, 4.0), abs=1e-12)
    assert history.log_likelihood[-1] != pytest.approx(exact_learning.log_likelihood(model, data, 0.0), abs=1e-3)


@pytest.mark.parametrize("value, error", [(-1.0, ValueError), (float("nan"), ValueError), (float("inf"), ValueError),
                                          (1e7, ValueError), ("1", TypeError), (None, TypeError), (True, TypeError),
                                          (1j, TypeError)])
def test_bad_empty_penalty_is_refused_by_name(value, error):
    with pytest.raises(error, match="empty_penalty"):
        training.train_wake_sleep(_tiny_model(False), DISTINCT, epochs=1, empty_penalty=value)


@pytest.mark.parametrize("value", [1, 0, "yes", None, 1.0, np.array([True])])
def test_bad_nonnegative_is_refused_by_name(value):
    with pytest.raises(TypeError, match="nonnegative"):
        training.train_wake_sleep(_tiny_model(False), DISTINCT, epochs=1, nonnegative=value)


def test_the_prior_needs_the_exact_correction():
    with pytest.raises(ValueError, match="correction"):
        training.train_wake_sleep(_tiny_model(False), DISTINCT, epochs=1, empty_penalty=1.0, correction="sigmoid")


def test_momentum_adds_the_last_velocity_to_the_next_step():
    """Two steps with momentum m from the same state and draws as two plain steps differ by m × the first step."""
    model = _tiny_model(True, seed=5)
    data = np.repeat(DISTINCT, 20, axis=0)
    results = []
    for momentum in (0.0, 0.9):
        rng = np.random.default_rng(0)
        trained = model.copy()
        params = trained.parameters()
        post_a, post_b = np.zeros((len(data), 2)), np.ones((len(data), 2))
        fantasies = {"a": np.zeros((50, 2)), "b": np.ones((50, 2))}
        velocity = {key: np.zeros_like(value) for key, value in params.items()} if momentum else None
        snapshots = [{key: value.copy() for key, value in params.items()}]
        for _ in range(2):
            training._wake_sleep_step(trained, params, data, np.arange(len(data)), post_a, post_b, fantasies, "exact",
                                      2, 2, ("a", "b"), 0.3, rng, PENALTY, False, momentum, velocity)
            snapshots.append({key: value.copy() for key, value in params.items()})
        results.append(snapshots)
    plain, heavy = results
    for key in plain[0]:
        np.testing.assert_array_equal(plain[1][key], heavy[1][key])  # the first step has no velocity yet
        np.testing.assert_allclose(heavy[2][key] - plain[2][key], 0.9 * (plain[1][key] - plain[0][key]), atol=1e-12)
    assert any(np.max(np.abs(plain[1][key] - plain[0][key])) > 0.01 for key in plain[0])


def test_anneal_decays_the_rate_linearly_to_zero(monkeypatch):
    rates = []
    real_step = training._wake_sleep_step

    def spy(*args):
        rates.append(args[11])  # the learning rate this step uses
        return real_step(*args)

    monkeypatch.setattr(training, "_wake_sleep_step", spy)
    data = _bars_like(3, 20)
    start = exact_learning.random_start(2, 2, 9, 0.3, rng=0)
    training.train_wake_sleep(start, data, epochs=4, learning_rate=0.2, batch_size=10, n_fantasy=10, anneal=True, rng=0)
    np.testing.assert_allclose(rates, np.repeat(0.2 * np.array([1, 0.75, 0.5, 0.25]), 2))
    rates.clear()
    training.train_wake_sleep(start, data, epochs=2, learning_rate=0.2, batch_size=10, n_fantasy=10, rng=0)
    assert rates == [0.2] * 4


@pytest.mark.parametrize("value, error", [(-0.1, ValueError), (1.0, ValueError), (float("nan"), ValueError),
                                          ("0.5", TypeError), (None, TypeError)])
def test_bad_momentum_is_refused_by_name(value, error):
    with pytest.raises(error, match="momentum"):
        training.train_wake_sleep(_tiny_model(False), DISTINCT, epochs=1, momentum=value)


@pytest.mark.parametrize("name", ["anneal", "monitor"])
@pytest.mark.parametrize("value", [1, "yes", None])
def test_bad_flags_are_refused_by_name(name, value):
    with pytest.raises(TypeError, match=name):
        training.train_wake_sleep(_tiny_model(False), DISTINCT, epochs=1, **{name: value})


def test_monitor_off_records_nothing_and_draws_the_same():
    data = _bars_like(4, 20)
    start = exact_learning.random_start(2, 2, 9, 0.3, merged=True, rng=1)
    for penalty in (0.0, 2.0):
        settings = {"epochs": 2, "batch_size": 10, "n_fantasy": 10, "rng": 3, "empty_penalty": penalty,
                    "nonnegative": True}
        watched, history = training.train_wake_sleep(start, data, **settings)
        quiet, silence = training.train_wake_sleep(start, data, monitor=False, **settings)
        assert len(history.log_likelihood) == len(history.reconstruction_error) == 2
        assert silence.log_likelihood == silence.reconstruction_error == []
        assert quiet == watched and quiet != start


# ------------------------------------------------------------------ the defaults are unchanged
def _train_wake_sleep_before_issue_14(model, data, epochs, learning_rate, batch_size, n_sweeps, correction, n_fantasy,
                                      fantasy_steps, learn, rng):
    """train_wake_sleep's loop as it was before empty_penalty/nonnegative (no checks, no history)."""
    rng = np.random.default_rng(rng)
    model = model.copy()
    params = model.parameters()
    n_samples = len(data)
    posterior_a = bernoulli(np.full((n_samples, model.a.n_hidden), 0.5), rng)
    posterior_b = bernoulli(np.full((n_samples, model.b.n_hidden), 0.5), rng)
    fantasies = {name: getattr(model, name).sample_hidden(n_fantasy, 20, rng) for name in ("a", "b")}
    for _ in range(epochs):
        order = rng.permutation(n_samples)
        for start in range(0, n_samples, batch_size):
            rows = order[start:start + batch_size]
            sampler = model.posterior_sampler(correction)
            state = sampler._init(data[rows], posterior_a[rows], posterior_b[rows], rng)
            sampler.step(state, n_sweeps)
            posterior_a[rows], posterior_b[rows] = state.h_a, state.h_b
            step = model._log_joint_gradient(state.v, state.h_a, state.h_b)
            for name in ("a", "b"):
                if name not in learn:
                    for key in ("weights", "visible_bias", "hidden_bias"):
                        del step[f"{name}_{key}"]
                    continue
                rbm = getattr(model, name)
                fantasies[name] = rbm._gibbs_hidden(fantasies[name], fantasy_steps, rng)
                sleep = training._sleep_statistics(rbm, fantasies[name], np.full(n_fantasy, 1 / n_fantasy))
                for key, value in sleep.items():
                    step[f"{name}_{key}"] -= value
            for key, value in step.items():
                params[key] += learning_rate * value
    return model


@pytest.mark.parametrize("merged, learn, correction", [(False, ("a", "b"), "exact"), (True, ("a", "b"), "exact"),
                                                       (True, ("b",), "exact"), (False, ("a", "b"), "sigmoid")])
def test_defaults_give_the_same_draws_as_before(merged, learn, correction):
    data = _bars_like(2, 30)
    start = exact_learning.random_start(2, 3, 9, 0.3, merged=merged, rng=4)
    settings = {"epochs": 3, "learning_rate": 0.1, "batch_size": 7, "n_sweeps": 2, "correction": correction,
                "n_fantasy": 11, "fantasy_steps": 2, "learn": learn, "rng": 9}
    before = _train_wake_sleep_before_issue_14(start, data, **settings)
    for extra in ({}, {"empty_penalty": 0.0, "nonnegative": False}, {"empty_penalty": 0},
                  {"momentum": 0.0, "anneal": False, "monitor": True}):
        now, _ = training.train_wake_sleep(start, data, **settings, **extra)
        assert now == before  # bit for bit: the same draws and the same arithmetic
    assert before != start  # training did change the model
