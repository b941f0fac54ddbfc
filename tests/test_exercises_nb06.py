"""Notebook 06's checker table: right answers pass, trivial, mutating and wrong-approach answers are refused.

The right answers are written here, not imported from the package. Every refusal is checked to print no
"Correct" and none of the answer's numbers.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from orbm_explore import datasets, exact, exact_learning, separation
from orbm_explore.exercises import nb06
from orbm_explore.two_cause import TwoCauseRBM


@pytest.fixture(scope="module")
def scene():
    rng = np.random.default_rng(0)
    rbm_a, _ = exact_learning.train_rbm_exact(datasets.bars(4, 200, "horizontal", 0.3, rng), 4, steps=300, rng=1)
    rbm_b, _ = exact_learning.train_rbm_exact(datasets.bars(4, 200, "vertical", 0.3, rng), 4, steps=300, rng=2)
    test = datasets.composites(datasets.bars(4, 200, "horizontal", 0.3, rng),
                               datasets.bars(4, 200, "vertical", 0.3, rng))
    model = TwoCauseRBM(rbm_a, rbm_b)
    base_a = separation.rbm_reconstruct(rbm_a, test.v, 10, rng=4)
    return model, test, base_a


# ------------------------------------------------- right answers, written here (not imported from the package)
def cross_entropies(model, test, base_a):
    recon_a, _ = separation.separate(model, test.v, n_sweeps=40, n_average=10, rng=3)
    return separation.cross_entropy(recon_a, test.a).mean(), separation.cross_entropy(base_a, test.a).mean()


def belief_bias_gradient(model, v):
    h_a, h_b = exact.two_cause_hidden_states(model)
    x = model.likelihood_input(h_a, h_b)
    total = np.zeros(model.n_visible)
    for row in v:
        total += exact.posterior(model, row) @ (row - expit(x))
    return total / len(v)


def placeholder(model, test, base_a):
    # Return the pair.
    ...


def placeholder_2(model, v):
    ...


def forgot_return(*args):
    args[0].copy()


def raises(*args):
    return {}["no such key"]


def _constant(value):
    return lambda *args: value


TRIVIAL = {"0": _constant(0), "0.0": _constant(0.0), "zeros": None, "None": None, "placeholder": None,
           "a float": 0.5, "raises": raises, "returns None": forgot_return, "10**400": _constant(10 ** 400),
           "inf": _constant(np.inf), "nan": _constant(np.nan), "string": _constant("cross-entropy"),
           "a string instead of a function": "separate"}


def _trivial(name, zeros, placeholder_fn):
    return {"zeros": _constant(zeros), "placeholder": placeholder_fn}.get(name, TRIVIAL[name])


def _refused(check, fn, capsys, *args, answers=()):
    assert check(fn, *args) is False
    out = capsys.readouterr().out
    assert "Correct" not in out
    for answer in answers:
        assert answer not in out, f"the refusal gives away {answer}"
    return out


# ------------------------------------------------------------------------------------- exercise 1
def _answers_1(scene):
    two_cause, plain = cross_entropies(*scene)
    return [f"{two_cause:.2f}", f"{plain:.2f}"]


def test_cross_entropies_right_answer_passes(scene, capsys):
    assert nb06.check_cross_entropies(cross_entropies, *scene)
    out = capsys.readouterr().out
    assert "Correct" in out and not any(answer in out for answer in _answers_1(scene))


def _mutate_all(model, test, base_a):
    for array in (test.v, test.a, test.b, base_a, model.a.weights, model.b.weights, model.a.visible_bias):
        array[...] = 0.0


def right_then_mutates(model, test, base_a):
    answer = cross_entropies(model, test, base_a)
    _mutate_all(model, test, base_a)
    return answer


def mutates_then_answers(model, test, base_a):
    _mutate_all(model, test, base_a)
    return cross_entropies(model, test, base_a)


def overwrites_clean_images(model, test, base_a):
    """The attack issue 19 found: the clean images overwritten by the composite before scoring."""
    test.a[...] = test.v
    return cross_entropies(model, test, base_a)


def test_cross_entropies_accepts_a_right_answer_that_mutates_its_inputs_afterwards(scene, capsys):
    model, test, base_a = scene
    before = [test.v.copy(), test.a.copy(), base_a.copy(), model.a.weights.copy()]
    assert nb06.check_cross_entropies(right_then_mutates, *scene)
    assert "Correct" in capsys.readouterr().out
    after = [test.v, test.a, base_a, model.a.weights]
    assert all(np.array_equal(x, y) for x, y in zip(before, after))   # the caller's objects are untouched


@pytest.mark.parametrize("name", sorted(TRIVIAL))
def test_cross_entropies_refuses_trivial_answers(scene, name, capsys):
    fn = _trivial(name, np.zeros(2), placeholder)
    out = _refused(nb06.check_cross_entropies, fn, capsys, *scene, answers=_answers_1(scene))
    if name == "raises":
        assert "your code's error" in out and "no such key" in out
    if name == "returns None":
        assert "did you forget `return`" in out


def _sigmoid_correction(model, test, base_a):
    recon_a, _ = separation.separate(model, test.v, n_sweeps=40, n_average=10, correction="sigmoid", rng=3)
    return separation.cross_entropy(recon_a, test.a).mean(), separation.cross_entropy(base_a, test.a).mean()


def _cause_b(model, test, base_a):
    _, recon_b = separation.separate(model, test.v, n_sweeps=40, n_average=10, rng=3)
    return separation.cross_entropy(recon_b, test.b).mean(), separation.cross_entropy(base_a, test.a).mean()


def _merely_close(model, test, base_a):
    two_cause, plain = cross_entropies(model, test, base_a)
    return two_cause + 0.01, plain


def _another_seed(model, test, base_a):
    recon_a, _ = separation.separate(model, test.v, n_sweeps=40, n_average=10, rng=11)
    return separation.cross_entropy(recon_a, test.a).mean(), separation.cross_entropy(base_a, test.a).mean()


WRONG_1 = {"sigmoid correction": _sigmoid_correction, "cause B's score": _cause_b, "merely close": _merely_close,
           "another seed": _another_seed, "overwrites the clean images": overwrites_clean_images,
           "mutates then answers": mutates_then_answers,
           "swapped": lambda m, t, b: cross_entropies(m, t, b)[::-1],
           "sum, not mean": lambda m, t, b: tuple(len(t.v) * x for x in cross_entropies(m, t, b)),
           "pixel accuracy": lambda m, t, b: (
               separation.pixel_accuracy(separation.separate(m, t.v, 40, n_average=10, rng=3)[0], t.a).mean(),
               separation.pixel_accuracy(b, t.a).mean())}


@pytest.mark.parametrize("name", sorted(WRONG_1))
def test_cross_entropies_refuses_wrong_approaches(scene, name, capsys):
    _refused(nb06.check_cross_entropies, WRONG_1[name], capsys, *scene, answers=_answers_1(scene))


def test_cross_entropies_refuses_numbers_hard_coded_from_the_notebooks_problem(scene, capsys):
    right = cross_entropies(*scene)
    _refused(nb06.check_cross_entropies, _constant(right), capsys, *scene, answers=_answers_1(scene))


# ------------------------------------------------------------------------------------- exercise 2
def _answers_2():
    gradient = belief_bias_gradient(*nb06.blind_problem())
    return [f"{gradient[0]:.3f}", f"{gradient[4]:.3f}"]


def test_belief_bias_gradient_right_answer_passes(capsys):
    assert nb06.check_belief_bias_gradient(belief_bias_gradient)
    out = capsys.readouterr().out
    assert "Correct" in out and not any(answer in out for answer in _answers_2())


def _zero_causes(model, v):
    for rbm in (model.a, model.b):
        rbm.weights[...] = 0.0
        rbm.visible_bias[...] = 0.0
        rbm.hidden_bias[...] = 0.0
    model.belief_bias[...] = 0.0
    v[...] = 0.0


def zeroes_weights_then_answers(model, v):
    """The attack issue 19 found: both causes' weights zeroed in place before computing."""
    for rbm in (model.a, model.b):
        rbm.weights[...] = 0.0
    return belief_bias_gradient(model, v)


def right_then_zeroes(model, v):
    answer = belief_bias_gradient(model, v)
    _zero_causes(model, v)
    return answer


def test_belief_bias_gradient_accepts_a_right_answer_that_mutates_its_inputs_afterwards(capsys):
    assert nb06.check_belief_bias_gradient(right_then_zeroes)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(TRIVIAL))
def test_belief_bias_gradient_refuses_trivial_answers(name, capsys):
    fn = _trivial(name, np.zeros(9), placeholder_2)
    out = _refused(nb06.check_belief_bias_gradient, fn, capsys, answers=_answers_2())
    if name == "raises":
        assert "your code's error" in out and "no such key" in out


def _prior_instead_of_posterior(model, v):
    h_a, h_b = exact.two_cause_hidden_states(model)
    prior = exact.two_cause_hidden_distribution(model)
    return v.mean(axis=0) - prior @ expit(model.likelihood_input(h_a, h_b))


def _uniform_over_states(model, v):
    h_a, h_b = exact.two_cause_hidden_states(model)
    return v.mean(axis=0) - expit(model.likelihood_input(h_a, h_b)).mean(axis=0)


def _with_a_sleep_term(model, v):
    h_a, h_b = exact.two_cause_hidden_states(model)
    prior = exact.two_cause_hidden_distribution(model)
    sleep = prior @ expit(model.likelihood_input(h_a, h_b))
    return belief_bias_gradient(model, v) - sleep   # a "sleep phase" this parameter does not have


WRONG_2 = {"prior, not posterior": _prior_instead_of_posterior, "uniform over states": _uniform_over_states,
           "other sign": lambda m, v: -belief_bias_gradient(m, v),
           "sum, not mean": lambda m, v: len(v) * belief_bias_gradient(m, v),
           "with a sleep term": _with_a_sleep_term,
           "zeroes the weights, then answers": zeroes_weights_then_answers,
           "hard-coded": lambda m, v: belief_bias_gradient(*nb06.blind_problem()),
           "only the first composite": lambda m, v: belief_bias_gradient(m, v[:1])}


@pytest.mark.parametrize("name", sorted(WRONG_2))
def test_belief_bias_gradient_refuses_wrong_approaches(name, capsys):
    _refused(nb06.check_belief_bias_gradient, WRONG_2[name], capsys, answers=_answers_2())


def test_the_statements_state_the_checkers_settings_and_tolerances():
    import nbformat

    from course_support import ROOT

    statements = [c.source for c in nbformat.read(ROOT / "notebooks" / "06_learning.ipynb", as_version=4).cells
                  if c.cell_type == "markdown" and c.source.startswith(("**1.**", "**2.**"))]
    assert len(statements) == 2
    assert nb06.SEPARATION == dict(n_sweeps=40, n_average=10, rng=3)
    assert "n_sweeps=40, n_average=10, rng=3" in statements[0]
    assert nb06.CROSS_ENTROPY_TOLERANCE == 1e-6 and "within 10⁻⁶ nats" in statements[0]
    assert nb06.GRADIENT_TOLERANCE == 1e-6 and "within a relative 10⁻⁶" in statements[1]
