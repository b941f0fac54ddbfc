"""Issue 23: one policy for array subclasses, divergence in every exact trainer, indices and flags."""

import warnings

import numpy as np
import pytest

from orbm_explore import corrections, exact, exact_learning, numerics
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM

V = np.array([1.0, 0.0, 1.0])
DATA = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0]], dtype=float)


def model():
    return TwoCauseRBM(RBM.random(2, 3, rng=0), RBM.random(1, 3, rng=1))


def matrix(values):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return np.asmatrix(np.atleast_2d(values))


class Tagged(np.ndarray):
    pass


TARGETS = {  # name -> (call with one array, argument name, a valid value)
    "corrections.exact": (lambda x: corrections.exact(x, np.ones(2), np.ones(2)), "phi0", np.ones(2)),
    "corrections.linear": (lambda x: corrections.linear(x, np.ones(2), np.ones(2)), "phi", np.ones(2)),
    "corrections.sigmoid": (lambda x: corrections.sigmoid(x, np.ones(2), np.ones(2)), "phi0", np.ones(2)),
    "RBM": (lambda x: RBM(x, np.zeros(3), np.zeros(2)), "weights", np.ones((2, 3))),
    "psi": (lambda x: model().psi(np.array([1.0, 0.0]), np.array([1.0]), x), "v", V),
    "sample_posterior": (lambda x: model().sample_posterior(x, n_sweeps=2, rng=0), "v", V),
    "log_p_star": (lambda x: model().log_p_star(np.array([1.0, 0.0]), np.array([1.0]), x), "v", V),
    "exact.posterior": (lambda x: exact.posterior(model(), x), "v", V),
}


@pytest.mark.parametrize("under_mask", [np.nan, 0.5])
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_masked_arrays_are_refused_naming_the_argument(target, under_mask):
    call, name, valid = TARGETS[target]
    data = np.array(valid, dtype=float)
    data.reshape(-1)[0] = under_mask
    mask = np.zeros(data.shape, dtype=bool)
    mask.reshape(-1)[0] = True
    with pytest.raises(TypeError, match=f"^{name} must be a plain array, got a numpy masked array"):
        call(np.ma.array(data, mask=mask))


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_np_matrix_is_refused_naming_the_argument(target):
    call, name, valid = TARGETS[target]
    with pytest.raises(TypeError, match=f"^{name} must be a plain array, got a numpy matrix"):
        call(matrix(valid))


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_other_subclasses_give_the_plain_answer(target):
    call, _, valid = TARGETS[target]
    plain = call(np.asarray(valid))
    tagged = call(np.asarray(valid, dtype=float).view(Tagged))
    for got, want in zip(*(x if isinstance(x, tuple) else (x,) for x in (tagged, plain))):
        if isinstance(want, np.ndarray):
            assert type(got) is np.ndarray
            if target != "sample_posterior":
                np.testing.assert_array_equal(got, want)
    if target == "RBM":
        assert type(tagged.weights) is np.ndarray and tagged == plain


def test_float64_fast_path_returns_only_plain_arrays():
    x = np.ones(3).view(Tagged)
    assert type(numerics.as_float_array(x, "x")) is np.ndarray
    plain = np.ones(3)
    assert numerics.as_float_array(plain, "x") is plain  # the fast path still avoids a copy
    with pytest.raises(TypeError, match="x must be a plain array"):
        numerics.as_float_array(np.ma.array([1.0]), "x")
    with pytest.raises(TypeError, match="p must be a plain array"):
        numerics.check_real(np.ma.array(1.0), "p")


# ---------------------------------------------------------------------------------- divergence
@pytest.mark.parametrize("train", [
    lambda: exact_learning.train_exact(model(), DATA, steps=5, learning_rate=1e300),
    lambda: exact_learning.train_rbm_exact(DATA, 2, steps=5, learning_rate=1e300, rng=0),
], ids=["train_exact", "train_rbm_exact"])
def test_exact_trainers_raise_diverged(train):
    with np.errstate(all="raise", under="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"diverged in step \d+ .*lower the learning_rate"):
            train()


@pytest.mark.parametrize("rate", [1e10, 1e100, 1e150, 1e250, 1e299, 1e300, 1e305])
@pytest.mark.parametrize("merged", [False, True])
def test_exact_trainers_return_models_the_library_accepts(tmp_path, rate, merged):
    """At any rate a trainer either raises "diverged" or returns a model that copies, saves and loads."""
    start = exact_learning.random_start(2, 1, 3, merged=merged, rng=0)
    for label, train in (("exact", lambda: exact_learning.train_exact(start, DATA, steps=5, learning_rate=rate)[0]),
                         ("rbm", lambda: exact_learning.train_rbm_exact(DATA, 2, steps=5, learning_rate=rate,
                                                                        rng=0)[0])):
        with np.errstate(all="raise", under="ignore"), warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                trained = train()
            except ValueError as err:
                assert "diverged" in str(err)
                continue
        assert type(trained).load(trained.copy().save(tmp_path / f"{label}.npz")) == trained


# ---------------------------------------------------------------------------- indices and flags
@pytest.mark.parametrize("bars_a", [[0.5], [True], [1.9999], np.array([1.0]), "01", None, 3, [None]])
def test_bar_indices_must_be_integers(bars_a):
    with pytest.raises(TypeError, match="bars_a"):
        exact_learning.bars_causes(2, bars_a)


@pytest.mark.parametrize("bars_a", [[0, 1], (0,), range(2), np.array([0, 1]), [np.int64(1)]])
def test_integer_bar_indices_are_accepted(bars_a):
    assert isinstance(exact_learning.bars_causes(2, bars_a), TwoCauseRBM)


@pytest.mark.parametrize("merged", ["no", "yes", 1, 0, None])
def test_random_start_merged_must_be_a_real_bool(merged):
    with pytest.raises(TypeError, match="merged must be True or False"):
        exact_learning.random_start(2, 1, 3, merged=merged)
    assert exact_learning.random_start(2, 1, 3, merged=np.True_).belief_bias is not None


@pytest.mark.parametrize("frozen, error", [(None, TypeError), (3, TypeError), ([["a_weights"]], TypeError),
                                           ([{}], TypeError), (["a_weights", None], TypeError),
                                           (["bogus"], ValueError)])
def test_frozen_errors_name_frozen(frozen, error):
    with pytest.raises(error, match="frozen"):
        exact_learning.train_exact(model(), DATA, steps=1, frozen=frozen)


def test_frozen_accepts_a_single_name_and_any_collection():
    start = model()
    for frozen in ("a_weights", ["a_weights"], {"a_weights"}, ("a_weights",)):
        trained, _ = exact_learning.train_exact(start, DATA, steps=2, frozen=frozen)
        np.testing.assert_array_equal(trained.a.weights, start.a.weights)
        assert not np.array_equal(trained.b.weights, start.b.weights)


@pytest.mark.parametrize("name", sorted(corrections.CORRECTIONS))
@pytest.mark.parametrize("args, culprit", [(("x", 0.0, 1.0, 1.0), "phi"), ((0.0, "x", 1.0, 1.0), "h"),
                                           ((0.0, 0.5, 1.0, 1.0), "h"), ((0.0, 0.0, np.nan, 1.0), "eps"),
                                           ((0.0, 0.0, 1.0, "w"), "w"),
                                           ((0.0, 0.0, [1.0, 2.0], [1.0, 2.0, 3.0]), "eps")])
def test_every_registered_from_state_checks_its_arguments(name, args, culprit):
    with pytest.raises((TypeError, ValueError), match=culprit):
        corrections.CORRECTIONS[name].from_state(*args)


def test_none_from_state_broadcasts_to_zeros():
    out = corrections.CORRECTIONS["none"].from_state(np.zeros((2, 1)), 1, np.ones(3), 2.0)
    assert out.shape == (2, 3) and not out.any()


@pytest.mark.parametrize("call", [lambda: model().sample_posterior(V, 1, progress="no"),
                                  lambda: __import__("orbm_explore.separation").separation.separate(
                                      model(), V, 2, n_average=1, progress="no")])
def test_progress_flags_must_be_bools(call):
    with pytest.raises(TypeError, match="progress must be True or False"):
        call()
