"""Sizes refused before any allocation, and `learn` checked as a collection of cause names (issue 23)."""

import time
import tracemalloc

import numpy as np
import pytest

from orbm_explore import training
from orbm_explore.numerics import BudgetError

from helpers import random_two_cause

DATA = (np.random.default_rng(0).random((20, 6)) < 0.5).astype(float)


def _refused_quickly(call, match):
    """``call`` raises a BudgetError matching ``match`` within 2 s, having allocated less than 50 MB."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(BudgetError, match=match) as info:
            call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 2.0
    assert peak < 50e6, peak
    assert "GiB" in str(info.value) and "limit" in str(info.value)
    return str(info.value)


def test_train_rbm_refuses_a_billion_chains():
    _refused_quickly(lambda: training.train_rbm(DATA, 4, n_chains=10**9), "n_chains")
    _refused_quickly(lambda: training.train_rbm(DATA, 4, batch_size=10**9), "batch_size")


def test_train_wake_sleep_refuses_a_billion_fantasy_particles():
    model = random_two_cause(2, 2, 6, scale=1, seed=0)
    _refused_quickly(lambda: training.train_wake_sleep(model, DATA, n_fantasy=10**9), "n_fantasy")


def test_sampler_init_refuses_a_huge_number_of_chains_before_copying():
    model = random_two_cause(2, 2, 6, scale=1, seed=0)
    huge = np.broadcast_to(np.ones(6), (10**9, 6))  # a view: no memory yet
    _refused_quickly(lambda: model.posterior_sampler().init(huge), "chains")
    _refused_quickly(lambda: model.sample_posterior(huge, 1), "chains")
    _refused_quickly(lambda: model.posterior_sampler().init(np.ones((2, 6)), h_a=np.broadcast_to(
        np.ones(2), (10**9, 2))), "h_a")


def test_budgets_pass_ordinary_sizes():
    model = random_two_cause(2, 2, 6, scale=1, seed=0)
    training.train_rbm(DATA, 4, epochs=1, n_chains=50, monitor=False, rng=0)
    training.train_wake_sleep(model, DATA, epochs=1, n_fantasy=50, monitor=False, rng=0)
    assert model.posterior_sampler().init(np.ones((500, 6)), rng=0).n_chains == 500


@pytest.mark.parametrize("learn, error", [(None, TypeError), ([["a"]], TypeError), ({"a": 1}, TypeError),
                                          ("ab", ValueError), (("a", "c"), ValueError), ((1,), TypeError),
                                          ((["a"],), TypeError), (3, TypeError)])
def test_bad_learn_is_refused_by_name(learn, error):
    model = random_two_cause(2, 2, 6, scale=1, seed=0)
    with pytest.raises(error, match="learn"):
        training.train_wake_sleep(model, DATA, epochs=1, learn=learn)


@pytest.mark.parametrize("learn", [("a",), ["b"], ("a", "b"), (), {"a", "b"}])
def test_good_learn_is_accepted(learn):
    model = random_two_cause(2, 2, 6, scale=1, seed=0)
    trained, _ = training.train_wake_sleep(model, DATA, epochs=1, learn=learn, monitor=False, rng=0)
    for name in ("a", "b"):
        changed = not np.array_equal(getattr(trained, name).weights, getattr(model, name).weights)
        assert changed == (name in learn)
