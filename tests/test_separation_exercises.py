"""Notebook 06's exercise checkers accept the right answer and reject trivial and near-miss answers.

Trivial answers: 0, 0.0, zeros of the right shape, None, the starting placeholder (a function whose
body is ``...``, so it returns None), and the answer to the neighbouring exercise.
"""

import numpy as np
import pytest
from scipy.special import expit, log_expit

from orbm_explore import datasets, exact, exact_learning, separation
from orbm_explore.exercises import nb06
from orbm_explore.two_cause import TwoCauseRBM


@pytest.fixture(scope="module")
def scene():
    rng = np.random.default_rng(0)
    rbm_a, _ = exact_learning.train_rbm_exact(datasets.bars(4, 200, "horizontal", 0.3, rng), 4, steps=300, rng=1)
    rbm_b, _ = exact_learning.train_rbm_exact(datasets.bars(4, 200, "vertical", 0.3, rng), 4, steps=300, rng=2)
    test = datasets.composites(datasets.bars(4, 200, "horizontal", 0.3, rng), datasets.bars(4, 200, "vertical", 0.3, rng))
    model = TwoCauseRBM(rbm_a, rbm_b)
    base_a = separation.rbm_reconstruct(rbm_a, test.v, 10, rng=4)
    return model, test, base_a


# ------------------------------------------------- right answers, written here (not imported from the package)
def cross_entropies(model, test, base_a, seed=3):
    recon_a, _ = separation.separate(model, test.v, n_sweeps=40, n_average=10, rng=seed)
    return separation.cross_entropy(recon_a, test.a).mean(), separation.cross_entropy(base_a, test.a).mean()


def belief_bias_gradient(model, v):
    h_a, h_b = exact.two_cause_hidden_states(model)
    x = model.likelihood_input(h_a, h_b)
    total = np.zeros(model.n_visible)
    for row in v:
        total += exact.posterior(model, row) @ (row - expit(x))
    return total / len(v)


def placeholder(*args):
    ...


def _trivial(value):
    return lambda *args: value


# ------------------------------------------------------------------------------------- exercise 1
def test_cross_entropies_right_answer_passes(scene, capsys):
    model, test, base_a = scene
    assert nb06.check_cross_entropies(lambda: cross_entropies(model, test, base_a), model, test, base_a)
    assert nb06.check_cross_entropies(lambda: cross_entropies(model, test, base_a, seed=11), model, test, base_a)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [0, 0.0, np.zeros(2), None, "placeholder", "neighbour", "swapped",
                                    "solo accuracy", "sum not mean"])
def test_cross_entropies_rejects(scene, answer, capsys):
    model, test, base_a = scene
    right = cross_entropies(model, test, base_a)
    fn = {"placeholder": placeholder,
          "neighbour": lambda: belief_bias_gradient(*nb06.blind_problem()),
          "swapped": lambda: right[::-1],
          "solo accuracy": lambda: (separation.pixel_accuracy(separation.separate(model, test.v, 40, n_average=10,
                                                                                  rng=3)[0], test.a).mean(),
                                    separation.pixel_accuracy(base_a, test.a).mean()),
          "sum not mean": lambda: (right[0] * len(test.v), right[1] * len(test.v))}
    fn = fn[answer] if isinstance(answer, str) else _trivial(answer)
    assert not nb06.check_cross_entropies(fn, model, test, base_a)
    out = capsys.readouterr().out
    assert "Correct" not in out and f"{right[1]:.2f}" not in out  # no answer given away


# ------------------------------------------------------------------------------------- exercise 2
def test_belief_bias_gradient_right_answer_passes(capsys):
    assert nb06.check_belief_bias_gradient(belief_bias_gradient)
    assert "Correct" in capsys.readouterr().out


def _prior_instead_of_posterior(model, v):
    h_a, h_b = exact.two_cause_hidden_states(model)
    prior = exact.two_cause_hidden_distribution(model)
    return v.mean(axis=0) - prior @ expit(model.likelihood_input(h_a, h_b))


def _hard_coded(model, v):
    return belief_bias_gradient(*nb06.blind_problem())


@pytest.mark.parametrize("answer", [0, 0.0, np.zeros(9), None, "placeholder", "neighbour", "prior",
                                    "hard-coded", "log"])
def test_belief_bias_gradient_rejects(scene, answer, capsys):
    model, test, base_a = scene
    fn = {"placeholder": placeholder,
          "neighbour": lambda m, v: cross_entropies(model, test, base_a),
          "prior": _prior_instead_of_posterior,
          "hard-coded": _hard_coded,
          "log": lambda m, v: belief_bias_gradient(m, v) + log_expit(0.0)}
    fn = fn[answer] if isinstance(answer, str) else _trivial(answer)
    assert not nb06.check_belief_bias_gradient(fn)
    assert "Correct" not in capsys.readouterr().out
