"""Exact-gradient learning of small two-cause models (orbm_explore.exact_learning)."""

import numpy as np
import pytest
from scipy.special import logsumexp

from orbm_explore import datasets, exact, exact_learning
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM

from helpers import random_two_cause


def _models():
    notes = random_two_cause(2, 3, 5, scale=2, seed=1)
    merged = TwoCauseRBM(notes.a, notes.b, np.array([0.3, -1.0, 2.0, 0.1, -0.5]))
    return {"notes' model": notes, "merged belief bias": merged}


def _data(n=7, width=5, seed=0):
    return np.random.default_rng(seed).integers(0, 2, (n, width)).astype(float)


@pytest.mark.parametrize("kind", ["notes' model", "merged belief bias"])
def test_log_likelihood_matches_full_enumeration(kind):
    model = _models()[kind]
    data = _data()
    p_v = exact.two_cause_visible_distribution(model)  # P(v) over all 2^5 visible states
    expected = np.mean(np.log(p_v[exact.state_index(data)]))
    assert exact_learning.log_likelihood(model, data) == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize("penalty", [0.0, 1.5])
@pytest.mark.parametrize("kind", ["notes' model", "merged belief bias"])
def test_exact_gradient_equals_finite_differences(kind, penalty):
    model = _models()[kind]
    data = _data()
    _, grads = exact_learning.log_likelihood_and_gradient(model, data, penalty)
    params = exact_learning.parameters(model)
    assert set(grads) == set(params)
    step = 1e-6
    for key, array in params.items():
        for index in np.ndindex(array.shape):
            old = array[index]
            array[index] = old + step
            up = exact_learning.log_likelihood(model, data, penalty)
            array[index] = old - step
            down = exact_learning.log_likelihood(model, data, penalty)
            array[index] = old
            assert grads[key][index] == pytest.approx((up - down) / (2 * step), abs=1e-7), (key, index)


def test_the_empty_penalty_is_a_normalised_prior():
    """With the penalty, P(v) still sums to one over all visible states, and it changes P(v)."""
    model = _models()["notes' model"]
    every_v = exact.binary_states(5)
    log_p = np.array([exact_learning.log_likelihood(model, v[None], 2.0) for v in every_v])
    assert logsumexp(log_p) == pytest.approx(0.0, abs=1e-12)
    plain = np.array([exact_learning.log_likelihood(model, v[None]) for v in every_v])
    assert np.max(np.abs(log_p - plain)) > 0.05
    with pytest.raises(ValueError, match="empty_penalty"):
        exact_learning.log_likelihood(model, every_v, -1.0)


def test_the_gradient_check_can_fail():
    """Dropping the sleep term (∂ log Z) gives the wake gradient alone, which finite differences reject."""
    model = _models()["notes' model"]
    data = _data()
    _, grads = exact_learning.log_likelihood_and_gradient(model, data)
    prior = exact.rbm_hidden_distribution(model.a)
    states = exact.binary_states(model.a.n_hidden)
    sleep = prior @ states  # ∂ log Z_A / ∂ hidden bias
    wake_only = grads["a_hidden_bias"] + sleep
    assert np.max(np.abs(wake_only - grads["a_hidden_bias"])) > 1e-2


def test_exact_training_raises_the_log_likelihood_monotonically():
    rng = np.random.default_rng(3)
    data = datasets.composites(datasets.bars(3, 60, "horizontal", 0.3, rng),
                               datasets.bars(3, 60, "vertical", 0.3, rng)).v
    start = exact_learning.random_start(2, 2, 9, scale=0.5, rng=4)
    model, history = exact_learning.train_exact(start, data, steps=60, learning_rate=0.02, momentum=0.0)
    ll = np.array(history.log_likelihood)
    assert len(ll) == 61
    assert ll[0] == pytest.approx(exact_learning.log_likelihood(start, data))
    assert ll[-1] == pytest.approx(exact_learning.log_likelihood(model, data))
    assert np.all(np.diff(ll) > 0), np.diff(ll).min()
    assert ll[-1] > ll[0] + 0.5
    assert start.a.weights[0, 0] != model.a.weights[0, 0] and exact_learning.log_likelihood(start, data) == ll[0]


def test_frozen_parameters_do_not_move():
    data = _data(10, 5, 2)
    start = _models()["merged belief bias"]
    model, _ = exact_learning.train_exact(start, data, steps=5, frozen=("a_visible_bias", "belief_bias"))
    np.testing.assert_array_equal(model.a.visible_bias, start.a.visible_bias)
    np.testing.assert_array_equal(model.belief_bias, start.belief_bias)
    assert not np.array_equal(model.b.visible_bias, start.b.visible_bias)


def test_train_rbm_exact_fits_one_family():
    data = datasets.bars(4, 200, "horizontal", 0.3, rng=0)
    rbm, history = exact_learning.train_rbm_exact(data, 4, steps=300, rng=1)
    log_z = logsumexp(rbm.log_p_star_h(exact.binary_states(4)))
    assert history[-1] == pytest.approx(float(np.mean(-rbm.free_energy(data)) - log_z))
    assert history[0] < -9 and history[-1] > -4.5


def _bars_split_model(weight=8.0):
    """Hand-built split model on 4×4 bars: A's units are the four rows, B's the four columns."""
    rows = np.repeat(np.eye(4), 4, axis=1)  # unit j on row j
    cols = np.tile(np.eye(4), (1, 4))  # unit j on column j
    a = RBM(weight * rows, np.zeros(16), np.full(4, -1.0))
    b = RBM(weight * cols, np.zeros(16), np.full(4, -1.0))
    return TwoCauseRBM(a, b, np.full(16, -weight / 2))


def test_attribution_scores_a_split_one_and_identical_causes_about_a_half():
    rng = np.random.default_rng(0)
    comp = datasets.composites(datasets.bars(4, 50, "horizontal", 0.3, rng), datasets.bars(4, 50, "vertical", 0.3, rng))
    split = _bars_split_model()
    assert exact_learning.attribution(split, comp.v, comp.a, comp.b) > 0.97
    assert exact_learning.attribution(split, comp.v, comp.b, comp.a) > 0.97  # labelling does not matter
    same = TwoCauseRBM(split.a, split.a, split.belief_bias)
    assert exact_learning.attribution(same, comp.v, comp.a, comp.b) < 0.75
    np.testing.assert_array_equal(exact_learning.unit_orientation(split.a.weights, 4), [1, 1, 1, 1])
    np.testing.assert_array_equal(exact_learning.unit_orientation(split.b.weights, 4), [-1, -1, -1, -1])


def test_nonnegative_training_is_projected_ascent():
    """Weights stay >= 0, and at a small step the projected ascent still raises the exact log-likelihood."""
    rng = np.random.default_rng(3)
    data = datasets.composites(datasets.bars(3, 60, "horizontal", 0.3, rng),
                               datasets.bars(3, 60, "vertical", 0.3, rng)).v
    start = exact_learning.random_start(2, 2, 9, scale=0.5, merged=True, rng=4)
    assert start.a.weights.min() < 0  # the projection has something to do
    model, history = exact_learning.train_exact(start, data, steps=60, learning_rate=0.02, momentum=0.0,
                                                nonnegative=True, empty_penalty=2.0)
    assert model.a.weights.min() >= 0 and model.b.weights.min() >= 0
    assert start.a.weights.min() < 0  # the start is not modified
    ll = np.array(history.log_likelihood)
    assert np.all(np.diff(ll) > 0), np.diff(ll).min()
    assert ll[-1] == pytest.approx(exact_learning.log_likelihood(model, data, 2.0))
    free, _ = exact_learning.train_exact(start, data, steps=60, learning_rate=0.02, momentum=0.0, empty_penalty=2.0)
    assert free.a.weights.min() < 0  # without the option the weights do go negative
    with pytest.raises(TypeError, match="nonnegative"):
        exact_learning.train_exact(start, data, steps=1, nonnegative="yes")


def test_bars_causes_draws_one_bar_per_unit():
    split = exact_learning.bars_causes(4, [0, 1, 2, 3])
    np.testing.assert_array_equal(exact_learning.unit_orientation(split.a.weights, 4), [1, 1, 1, 1])
    np.testing.assert_array_equal(exact_learning.unit_orientation(split.b.weights, 4), [-1, -1, -1, -1])
    assert np.all(split.a.weights.sum(axis=1) == 32) and split.belief_bias is not None
    mixed = exact_learning.bars_causes(4, [0, 1, 4, 5])
    np.testing.assert_array_equal(exact_learning.unit_orientation(mixed.a.weights, 4), [1, 1, -1, -1])
    prior = exact.rbm_hidden_distribution(split.a)  # (almost) independent bars, each on with p_on = 0.3
    np.testing.assert_allclose(prior @ exact.binary_states(4), 0.3, atol=1e-3)
    for bars_a in ([], [0, 0, 1], [0, 1, 2, 3, 4, 5, 6, 7], [8]):
        with pytest.raises(ValueError, match="bars_a"):
            exact_learning.bars_causes(4, bars_a)


def test_the_prior_and_nonnegative_weights_make_the_split_the_better_model():
    """Plain model: split and mixed sharing of the bars fit composites about equally well. With each cause
    required to have a unit on (and units that can only draw), the split is clearly the more likely model."""
    rng = np.random.default_rng(100)
    data = datasets.composites(datasets.bars(4, 400, "horizontal", 0.3, rng),
                               datasets.bars(4, 400, "vertical", 0.3, rng))
    final = {}
    for name, bars_a in (("split", [0, 1, 2, 3]), ("mixed", [0, 1, 4, 5])):
        for changed in (False, True):
            _, history = exact_learning.train_exact(exact_learning.bars_causes(4, bars_a), data.v, steps=150,
                                                    learning_rate=0.05, empty_penalty=10.0 if changed else 0.0,
                                                    nonnegative=changed)
            final[name, changed] = history.log_likelihood[-1]
    assert abs(final["split", False] - final["mixed", False]) < 0.1, final
    assert final["split", True] > final["mixed", True] + 0.4, final
    assert final["split", True] > final["split", False] + 0.2, final


def test_bad_input():
    model = _models()["notes' model"]
    with pytest.raises(TypeError, match="model must be a TwoCauseRBM"):
        exact_learning.log_likelihood(model.a, _data())
    with pytest.raises(ValueError, match=r"data must have shape \(5,\) or \(n, 5\)"):
        exact_learning.log_likelihood(model, _data(3, 4))
    with pytest.raises(ValueError, match="data must be binary"):
        exact_learning.log_likelihood(model, np.full((2, 5), 0.5))
    big = TwoCauseRBM(RBM.random(9, 3, rng=0), RBM.random(9, 3, rng=1))
    with pytest.raises(ValueError, match="at most 16"):
        exact_learning.log_likelihood(big, np.zeros((1, 3)))
    for kwargs, word in [({"steps": -1}, "steps"), ({"learning_rate": 0.0}, "learning_rate"),
                         ({"momentum": 1.0}, "momentum"), ({"weight_decay": -1.0}, "weight_decay"),
                         ({"frozen": ("c_weights",)}, "frozen")]:
        with pytest.raises(ValueError, match=word):
            exact_learning.train_exact(model, _data(), **kwargs)
    with pytest.raises(ValueError, match="part_a must have the shape of v"):
        exact_learning.attribution(model, _data(), _data()[:2], _data())
