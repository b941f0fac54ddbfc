"""separation: the recommended pair model, the separating sampler loop, the baseline and the scores."""

import numpy as np
import pytest
from scipy.special import expit

from orbm_explore import datasets, exact, exact_learning, separation, training
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM

from helpers import random_two_cause


@pytest.fixture(scope="module")
def bars_pair():
    rng = np.random.default_rng(0)
    train_a = datasets.bars(4, 300, "horizontal", 0.3, rng)
    train_b = datasets.bars(4, 300, "vertical", 0.3, rng)
    rbm_a, _ = exact_learning.train_rbm_exact(train_a, 4, steps=400, rng=1)
    rbm_b, _ = exact_learning.train_rbm_exact(train_b, 4, steps=400, rng=2)
    return rbm_a, rbm_b, train_a, train_b


# ------------------------------------------------------------------ pair_model
def test_pair_model_depends_only_on_its_training_inputs(bars_pair):
    rbm_a, rbm_b, train_a, train_b = bars_pair
    rng = np.random.default_rng(9)
    images = np.vstack([train_a, datasets.bars(4, 50, "horizontal", 0.3, rng)])  # training rows, then test rows
    view = images[:len(train_a)]
    first = separation.pair_model(rbm_a, rbm_b, view, train_b, rng=5, n_composites=60)
    test_1 = datasets.composites(images[len(train_a):], datasets.bars(4, 50, "vertical", 0.3, rng)).v
    separation.separate(first, test_1, 10, rng=1)
    images[len(train_a):] = 1.0 - images[len(train_a):]  # a different test set in the same array
    np.random.seed(123)  # global state must not matter...
    state = np.random.get_state()
    second = separation.pair_model(rbm_a, rbm_b, images[:len(train_a)], train_b, rng=5, n_composites=60)
    assert np.random.get_state()[1].tolist() == state[1].tolist()  # ...nor be touched
    separation.separate(second, datasets.composites(images[len(train_a):], test_1).v, 10, rng=2)
    assert first == second and first.belief_bias is not None
    third = separation.pair_model(rbm_a, rbm_b, train_a, train_b, rng=6, n_composites=60)
    assert not np.array_equal(third.belief_bias, first.belief_bias)  # the seed is used: the check can fail


def test_pair_model_leaves_its_inputs_alone(bars_pair):
    rbm_a, rbm_b, train_a, train_b = bars_pair
    copies = rbm_a.copy(), rbm_b.copy(), train_a.copy(), train_b.copy()
    model = separation.pair_model(rbm_a, rbm_b, train_a, train_b, rng=0, n_composites=60)
    assert rbm_a == copies[0] and rbm_b == copies[1]
    np.testing.assert_array_equal(train_a, copies[2])
    np.testing.assert_array_equal(train_b, copies[3])
    assert model.a == rbm_a and model.a is not rbm_a


def test_pair_model_with_a_rigid_prior_is_the_merged_bias(bars_pair):
    rbm_a, rbm_b, train_a, train_b = bars_pair
    model = separation.pair_model(rbm_a, rbm_b, train_a, train_b, rng=0, prior_precision=1e12)
    np.testing.assert_allclose(model.belief_bias, np.maximum(rbm_a.visible_bias, rbm_b.visible_bias), atol=1e-6)
    loose = separation.pair_model(rbm_a, rbm_b, train_a, train_b, rng=0)
    assert np.max(np.abs(loose.belief_bias - model.belief_bias)) > 0.5  # the data moves it: the check can fail


def _penalised_log_likelihood_slope(b, v, offset, prior_mean, prior_precision):
    """d/db of sum_n log P(v_n | o_n + b) - (lambda/2)(b - m)^2 for one pixel, written out independently."""
    return float(np.sum(v * expit(-(offset + b)) - (1 - v) * expit(offset + b)) - prior_precision * (b - prior_mean))


@pytest.mark.parametrize("case", ["random", "never on", "always on", "huge offsets"])
def test_offset_logistic_fit_is_each_pixels_optimum(case):
    """Each column's b solves its own 1-d problem: checked against scipy's brentq on the slope (a separate root finder)."""
    from scipy.optimize import brentq

    rng = np.random.default_rng(3)
    n, width = 300, 5
    offset = rng.normal(0, 3, (n, width))
    v = (rng.random((n, width)) < expit(offset + 1.0)).astype(float)
    if case == "never on":
        v[:, 0] = 0
    elif case == "always on":
        v[:, 0] = 1
    elif case == "huge offsets":  # plain Newton from the prior mean overshoots on these
        offset = rng.choice([-40.0, 40.0], (n, width)) + rng.normal(0, 0.1, (n, width))
        v = (rng.random((n, width)) < 0.5).astype(float)
    prior_mean = rng.normal(0, 2, width)
    fitted = separation._fit_offset_logistic(v, offset, prior_mean, 0.1)
    for i in range(width):
        args = (v[:, i], offset[:, i], prior_mean[i], 0.1)
        low, high = prior_mean[i] - n / 0.1, prior_mean[i] + n / 0.1
        root = brentq(_penalised_log_likelihood_slope, low, high, args=args, xtol=1e-13, rtol=1e-13)
        assert fitted[i] == pytest.approx(root, abs=1e-8), (case, i)
        assert abs(_penalised_log_likelihood_slope(fitted[i], *args)) < 1e-6 * n
    # a near miss fails: the optimum of a slightly different problem is not accepted
    other = separation._fit_offset_logistic(v, offset, prior_mean + 1.0, 0.1)
    assert np.max(np.abs(other - fitted)) > 1e-4


def test_pair_model_fit_raises_the_exact_likelihood_of_fresh_composites(bars_pair):
    """The fitted bias generalises: exact log P(v) rises on composites it never saw."""
    rbm_a, rbm_b, train_a, train_b = bars_pair
    rng = np.random.default_rng(11)
    fresh = datasets.composites(datasets.bars(4, 300, "horizontal", 0.3, rng),
                                datasets.bars(4, 300, "vertical", 0.3, rng)).v
    merged = separation.pair_model(rbm_a, rbm_b, train_a, train_b, rng=0, prior_precision=1e12)
    fitted = separation.pair_model(rbm_a, rbm_b, train_a, train_b, rng=0)
    before = training.two_cause_log_likelihood(merged, fresh)
    after = training.two_cause_log_likelihood(fitted, fresh)
    assert after > before + 0.1, (before, after)


def test_pair_model_bad_input(bars_pair):
    rbm_a, rbm_b, train_a, train_b = bars_pair
    with pytest.raises(TypeError, match="rbm_b must be an RBM"):
        separation.pair_model(rbm_a, TwoCauseRBM(rbm_a, rbm_b), train_a, train_b)
    with pytest.raises(ValueError, match="rbm_a and rbm_b must share"):
        separation.pair_model(rbm_a, RBM.random(2, 9, rng=0), train_a, train_b)
    with pytest.raises(ValueError, match=r"train_b must have shape \(n_images, 16\)"):
        separation.pair_model(rbm_a, rbm_b, train_a, train_b[:, :9])
    with pytest.raises(ValueError, match="train_a must be binary"):
        separation.pair_model(rbm_a, rbm_b, train_a * 0.5, train_b)
    with pytest.raises(ValueError, match="n_composites"):
        separation.pair_model(rbm_a, rbm_b, train_a, train_b, n_composites=0)
    for bad in (0.0, -1.0, np.inf, np.nan):
        with pytest.raises(ValueError, match="prior_precision"):
            separation.pair_model(rbm_a, rbm_b, train_a, train_b, prior_precision=bad)


# -------------------------------------------------------------------- separate
def test_separate_averages_the_exact_posterior_expectation():
    """Many chains: the averaged reconstruction is E[σ(φ^A) | v] under the exact posterior."""
    model = random_two_cause(2, 2, 3, scale=3, seed=8)
    v = np.array([1.0, 0.0, 1.0])
    recon_a, recon_b = separation.separate(model, v, n_sweeps=30, n_average=20, rng=0, n_chains=3000)
    post = exact.posterior(model, v)
    h_a, h_b = exact.two_cause_hidden_states(model)
    expected_a = post @ expit(h_a @ model.a.weights + model.a.visible_bias)
    expected_b = post @ expit(h_b @ model.b.weights + model.b.visible_bias)
    assert recon_a.shape == (3,)
    np.testing.assert_allclose(recon_a, expected_a, atol=0.02)
    np.testing.assert_allclose(recon_b, expected_b, atol=0.02)
    prior_a = exact.rbm_hidden_distribution(model.a) @ expit(exact.binary_states(2) @ model.a.weights
                                                            + model.a.visible_bias)
    assert np.max(np.abs(prior_a - expected_a)) > 0.2  # the check can tell posterior from prior


def test_recommended_separation_is_closer_to_the_exact_expectation():
    """RECOMMENDED_SEPARATION (8 chains × last 30 sweeps) estimates E[σ(φ^A) | v] with less error than the
    single-chain, last-10 average: the point of averaging more draws."""
    model = random_two_cause(3, 3, 6, scale=2, seed=4)
    v = np.random.default_rng(1).integers(0, 2, (400, 6)).astype(float)
    h_a, h_b = exact.two_cause_hidden_states(model)
    solo_a = expit(h_a @ model.a.weights + model.a.visible_bias)
    expected = np.array([exact.posterior(model, row) @ solo_a for row in v])
    assert set(separation.RECOMMENDED_SEPARATION) == {"n_sweeps", "n_average", "n_chains"}
    recommended, _ = separation.separate(model, v, rng=2, **separation.RECOMMENDED_SEPARATION)
    single, _ = separation.separate(model, v, n_sweeps=40, n_average=10, rng=2)
    error_recommended = np.sqrt(np.mean((recommended - expected) ** 2))
    error_single = np.sqrt(np.mean((single - expected) ** 2))
    assert error_recommended < 0.5 * error_single, (error_recommended, error_single)
    assert error_recommended < 0.03


def test_separate_counterfactual_mode_and_batches():
    model = random_two_cause(2, 2, 3, scale=3, seed=8)
    v = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    recon_a, _ = separation.separate(model, v, n_sweeps=30, n_average=20, mode="counterfactual", rng=0,
                                     n_chains=2000)
    h_a, h_b = exact.two_cause_hidden_states(model)
    for row in range(2):
        post = exact.posterior(model, v[row])
        expected = post @ expit(h_a @ model.a.weights + model.total_visible_bias)
        np.testing.assert_allclose(recon_a[row], expected, atol=0.02)


def test_separate_bad_input():
    model = random_two_cause(2, 2, 3, scale=2, seed=5)
    v = np.array([1.0, 0.0, 1.0])
    with pytest.raises(TypeError, match="model must be a TwoCauseRBM"):
        separation.separate(model.a, v)
    with pytest.raises(ValueError, match="n_average"):
        separation.separate(model, v, n_sweeps=5, n_average=6)
    with pytest.raises(ValueError, match="n_average"):
        separation.separate(model, v, n_sweeps=5, n_average=0)
    with pytest.raises(ValueError, match="n_sweeps"):
        separation.separate(model, v, n_sweeps=0, n_average=1)
    with pytest.raises(ValueError, match="n_chains"):
        separation.separate(model, v, n_chains=0)
    with pytest.raises(ValueError, match="mode must be"):
        separation.separate(model, v, mode="both")
    with pytest.raises(ValueError, match=r"v must have shape \(3,\)"):
        separation.separate(model, np.ones(4))


# --------------------------------------------------------- baseline and scores
def test_rbm_reconstruct_is_the_average_over_hidden_draws():
    rbm = RBM.random(2, 3, scale=2, rng=0)
    v = np.array([1.0, 1.0, 0.0])
    got = separation.rbm_reconstruct(rbm, np.tile(v, (4000, 1)), 1, rng=1).mean(axis=0)
    states = exact.binary_states(2)
    p_h = expit(v @ rbm.weights.T + rbm.hidden_bias)
    weights = np.prod(np.where(states == 1, p_h, 1 - p_h), axis=1)
    np.testing.assert_allclose(got, weights @ expit(states @ rbm.weights + rbm.visible_bias), atol=0.02)
    with pytest.raises(ValueError, match="n_average"):
        separation.rbm_reconstruct(rbm, v, n_average=0)
    with pytest.raises(TypeError, match="rbm must be an RBM"):
        separation.rbm_reconstruct(TwoCauseRBM(rbm, rbm), v)


def test_scores_values():
    truth = np.array([[1.0, 0, 1, 0]])
    assert separation.pixel_accuracy(np.array([[0.9, 0.2, 0.4, 0.1]]), truth)[0] == 0.75
    assert separation.cosine_similarity(truth, truth)[0] == pytest.approx(1.0)
    assert separation.cosine_similarity(np.zeros((1, 4)), truth)[0] == 0.0
    assert separation.cross_entropy(truth, truth)[0] < 1e-4
    assert separation.cross_entropy(np.full((1, 4), 0.5), truth)[0] == pytest.approx(4 * np.log(2))
    assert separation.cross_entropy(np.array([0.9, 0.2, 0.4, 0.1]), truth[0]) == pytest.approx(
        -np.log(0.9) - np.log(0.8) - np.log(0.4) - np.log(0.9))


@pytest.mark.parametrize("score", [separation.pixel_accuracy, separation.cross_entropy,
                                   separation.cosine_similarity])
def test_scores_bad_input(score):
    truth = np.zeros((4, 6))
    with pytest.raises(ValueError, match="reconstruction must not contain NaN"):
        score(np.full((4, 6), np.nan), truth)
    with pytest.raises(ValueError, match="reconstruction and truth must have the same shape"):
        score(np.full((4, 6), 0.5), np.zeros((1, 6)))
    with pytest.raises(ValueError, match=r"reconstruction must hold probabilities in \[0, 1\]"):
        score(np.full((4, 6), 1.5), truth)
    with pytest.raises(ValueError, match="truth must be binary"):
        score(np.full((4, 6), 0.5), np.full((4, 6), 0.5))
