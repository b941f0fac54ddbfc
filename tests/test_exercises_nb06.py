"""Notebook 06's checker table: right answers pass, trivial, mutating and wrong-approach answers are refused.

The right answers are written here, not imported from the package. Every refusal is checked to print no
"Correct" and none of the answer's numbers. The checkers build their own problems from seeds and take
nothing from the notebook, so a student's cell that changes the notebook's objects changes nothing checked.

Run against the checkers of an older commit with ORBM_OLD_CHECKERS (see tests/test_exercises.py); the old
exercise-1 checker took the notebook's objects, so there the table fails at every call.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from test_exercises import load_checkers, reachable, stack_numbers

from orbm_explore import datasets, exact, exact_learning, separation
from orbm_explore.two_cause import TwoCauseRBM

nb06 = load_checkers("nb06")


@pytest.fixture(scope="module")
def scene():
    """The notebook's kind of objects (a student's globals), which the checker must not depend on."""
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
@pytest.fixture(scope="module")
def checked_answers(scene):
    """The right pairs on the checker's two problems and on the notebook-like scene, as a refusal might print them."""
    pairs = [cross_entropies(*problem) for problem in nb06.separation_problems()] + [cross_entropies(*scene)]
    return pairs, [f"{x:.{digits}f}" for pair in pairs for x in pair for digits in (2, 3)]


@pytest.fixture
def answers_1(checked_answers):
    return checked_answers[1]


def check_1(fn, capsys, answers=()):
    return _refused(nb06.check_cross_entropies, fn, capsys, answers=answers)


def test_cross_entropies_right_answer_passes(capsys, answers_1):
    assert nb06.check_cross_entropies(cross_entropies)
    out = capsys.readouterr().out
    assert "Correct" in out and not any(answer in out for answer in answers_1)


def test_the_checker_builds_the_same_problems_every_time():
    """Fixed seeds: the two problems (and so the right numbers) are the same on every call, and distinct."""
    first, second = nb06.separation_problems(), nb06.separation_problems()
    for (m1, t1, b1), (m2, t2, b2) in zip(first, second):
        assert np.array_equal(t1.v, t2.v) and np.array_equal(t1.a, t2.a) and np.array_equal(b1, b2)
        assert np.array_equal(m1.a.weights, m2.a.weights) and m1.a.weights is not m2.a.weights
    assert len(first[0][1].v) != len(first[1][1].v)


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


def test_cross_entropies_accepts_a_right_answer_that_mutates_its_inputs_afterwards(capsys):
    assert nb06.check_cross_entropies(right_then_mutates)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(TRIVIAL))
def test_cross_entropies_refuses_trivial_answers(name, capsys, answers_1):
    fn = _trivial(name, np.zeros(2), placeholder)
    out = check_1(fn, capsys, answers_1)
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


def _separated(model, test, **changes):
    settings = dict(n_sweeps=40, n_average=10, rng=3) | changes
    return separation.separate(model, test.v, **settings)[0]


# New near-misses (this session): each is one detail away from the right pair.
def _counterfactual_readout(model, test, base_a):
    """A's picture read as P(v | h_A, h_B = 0) instead of A drawn by itself."""
    return (separation.cross_entropy(_separated(model, test, mode="counterfactual"), test.a).mean(),
            separation.cross_entropy(base_a, test.a).mean())


def _images_in_reverse_order(model, test, base_a):
    """Separates the composites in reverse order (the seed's draws land on other images), then puts them back."""
    recon_a, _ = separation.separate(model, test.v[::-1], n_sweeps=40, n_average=10, rng=3)
    return (separation.cross_entropy(recon_a[::-1], test.a).mean(),
            separation.cross_entropy(base_a, test.a).mean())


def _nats_per_pixel(model, test, base_a):
    return tuple(x / test.v.shape[1] for x in cross_entropies(model, test, base_a))


def _plain_reconstruction_redone(model, test, base_a):
    """Recomputes the plain RBM's reconstruction the notebook's way instead of using base_a: right on a
    problem whose base_a was made that way, wrong on the second (its rows were drawn among more images)."""
    redone = separation.rbm_reconstruct(model.a, test.v, 10, rng=4)
    return cross_entropies(model, test, base_a)[0], separation.cross_entropy(redone, test.a).mean()


def _two_chains(model, test, base_a):
    return (separation.cross_entropy(_separated(model, test, n_chains=2), test.a).mean(),
            separation.cross_entropy(base_a, test.a).mean())


def _other_floor(model, test, base_a):
    return (separation.cross_entropy(_separated(model, test), test.a, floor=1e-3).mean(),
            separation.cross_entropy(base_a, test.a, floor=1e-3).mean())


def _scores_the_composite_then_the_truth(model, test, base_a):
    """Mutates its input: writes the composite into test.a (a symmetric case: A's score against v), answers."""
    test.a[...] = test.v
    return cross_entropies(model, test, base_a)


WRONG_1 = {"sigmoid correction": _sigmoid_correction, "cause B's score": _cause_b, "merely close": _merely_close,
           "another seed": _another_seed, "overwrites the clean images": overwrites_clean_images,
           "mutates then answers": mutates_then_answers,
           "swapped": lambda m, t, b: cross_entropies(m, t, b)[::-1],
           "sum, not mean": lambda m, t, b: tuple(len(t.v) * x for x in cross_entropies(m, t, b)),
           "pixel accuracy": lambda m, t, b: (
               separation.pixel_accuracy(separation.separate(m, t.v, 40, n_average=10, rng=3)[0], t.a).mean(),
               separation.pixel_accuracy(b, t.a).mean()),
           "counterfactual readout": _counterfactual_readout, "images in reverse order": _images_in_reverse_order,
           "nats per pixel": _nats_per_pixel, "plain reconstruction redone": _plain_reconstruction_redone,
           "two chains per composite": _two_chains, "another floor": _other_floor,
           "first answer for every problem": None}


@pytest.mark.parametrize("name", sorted(WRONG_1))
def test_cross_entropies_refuses_wrong_approaches(name, capsys, answers_1):
    fn = WRONG_1[name]
    if fn is None:
        first = []
        fn = lambda *args: first[0] if first else first.append(cross_entropies(*args)) or first[0]  # noqa: E731
    check_1(fn, capsys, answers_1)


def test_the_new_near_misses_really_differ(checked_answers):
    """Each new near-miss gives another pair than the right one on at least one of the checker's problems."""
    problems = nb06.separation_problems()
    right = checked_answers[0][:2]
    for name in ("counterfactual readout", "images in reverse order", "nats per pixel", "plain reconstruction redone",
                 "two chains per composite", "another floor"):
        assert any(np.abs(np.subtract(WRONG_1[name](*problem), want)).max() > 1e-4
                   for problem, want in zip(problems, right)), name
    # the redone reconstruction is right on the first problem only: the second problem is what refuses it
    assert np.allclose(_plain_reconstruction_redone(*problems[0]), right[0], atol=1e-9)


def test_cross_entropies_refuses_numbers_hard_coded(scene, capsys, checked_answers, answers_1):
    for pair in checked_answers[0]:
        check_1(_constant(pair), capsys, answers_1)


# ------------------------------------------------- ex. 1: what a student's cell or function changes elsewhere
def test_corrupting_the_notebooks_objects_changes_nothing_checked(scene, capsys, answers_1):
    """The red-team's cross-run attack: a function that overwrites the notebook's test.a (through its globals)
    and answers for the corrupted data is refused on every run; and the right answer is still accepted after."""
    model, test, base_a = scene
    saved = test.a.copy()

    def corrupts_the_notebook(m, t, b):
        test.a[...] = test.v
        return cross_entropies(m, datasets.Composites(t.v, t.v.copy(), t.b), b)

    try:
        for _ in range(2):
            check_1(corrupts_the_notebook, capsys, answers_1)
        assert nb06.check_cross_entropies(cross_entropies)
    finally:
        test.a[...] = saved


def test_no_expected_value_is_on_the_stack_while_the_students_code_runs(capsys, checked_answers):
    """A cheat that reads every local of every frame above it finds neither right number (ex. 1), nor the
    right gradient (ex. 2); the red-team's reader of the local `want` is refused."""
    seen = {}

    def looks_1(model, test, base_a):
        seen.setdefault("1", []).append(stack_numbers())
        return cross_entropies(model, test, base_a)

    def looks_2(model, v):
        seen.setdefault("2", []).append(stack_numbers())
        return belief_bias_gradient(model, v)

    assert nb06.check_cross_entropies(looks_1) and nb06.check_belief_bias_gradient(looks_2)
    problems_2 = [nb06.blind_problem(), nb06._second_problem()]
    for found, pair in zip(seen["1"], checked_answers[0]):
        assert found and not any(reachable(x, found) for x in pair)
    for found, problem in zip(seen["2"], problems_2):
        assert found and not reachable(belief_bias_gradient(*problem), found)

    def peek(*args):
        import sys
        frame = sys._getframe(1)
        while frame is not None:
            if "want" in frame.f_locals:
                want = frame.f_locals["want"]
                return want["right"] if isinstance(want, dict) else want
            frame = frame.f_back
        return np.zeros(2) if len(args) == 3 else np.zeros(9)

    capsys.readouterr()
    check_1(peek, capsys)
    _refused(nb06.check_belief_bias_gradient, peek, capsys)


@pytest.fixture
def restore_nb06():
    saved = dict(vars(nb06))
    yield
    for key, value in saved.items():
        setattr(nb06, key, value)


def _fake_scores(*args):
    return {"right": (0.0, 0.0), "cause b": (1.0, 1.0), "sigmoid": (1.0, 1.0)}


def test_rebinding_the_checkers_helpers_in_a_cell_changes_nothing(capsys, restore_nb06, answers_1):
    """Between runs (a notebook cell): the module's reference helper and settings rebound, a matching wrong
    answer given: the check puts the originals back, says so, and refuses."""
    nb06._scores = _fake_scores
    out = check_1(_constant((0.0, 0.0)), capsys, answers_1)
    assert "Note:" in out and "nb06._scores" in out and nb06._scores is not _fake_scores
    nb06.SEPARATION = dict(n_sweeps=40, n_average=10, rng=11)   # then answers with that seed
    check_1(_another_seed, capsys, answers_1)
    assert nb06.SEPARATION["rng"] == 3
    nb06._gradients = lambda model, v: {k: np.zeros(9) for k in ("right", "other sign", "sum", "prior")}
    _refused(nb06.check_belief_bias_gradient, _constant(np.zeros(9)), capsys)
    assert nb06.check_cross_entropies(cross_entropies)
    assert nb06.check_belief_bias_gradient(belief_bias_gradient)


def test_rebinding_helpers_or_library_methods_inside_the_function_is_refused(capsys, restore_nb06, answers_1):
    """Within a run: the student's function rebinds the checker's helper, the library's class method or a
    library function's code; each is put back and the answer refused, and the next run is judged as usual."""
    def rebinds_helper(*args):
        nb06._scores = _fake_scores
        return 0.0, 0.0

    original_psi = TwoCauseRBM.psi

    def rebinds_method(*args):
        TwoCauseRBM.psi = lambda self, *a, **k: original_psi(self, *a, **{**k, "correction": "none"})
        return _sigmoid_correction(*args)

    def rewrites_code(*args):
        separation.cross_entropy.__code__ = separation.pixel_accuracy.__code__
        return cross_entropies(*args)

    for fn in (rebinds_helper, rebinds_method, rewrites_code):
        for _ in range(2):
            out = check_1(fn, capsys, answers_1)
            assert "replaced" in out, out
    assert TwoCauseRBM.psi is original_psi and separation.cross_entropy.__code__.co_name == "cross_entropy"
    assert nb06.check_cross_entropies(cross_entropies)


def test_a_check_called_from_the_checked_function_refuses_at_once(capsys):
    def recursive(*args):
        return nb06.check_cross_entropies(recursive)

    out = check_1(recursive, capsys)
    assert "cannot be run from inside" in out and len(out) < 1000


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


# New near-misses (this session).
def _posterior_of_cause_a_only(model, v):
    """Infers cause A alone (cause B's units held off): right only if B never mattered."""
    h_a, h_b = exact.two_cause_hidden_states(model)
    keep = h_b.sum(axis=1) == 0
    x = model.likelihood_input(h_a[keep], h_b[keep])
    total = np.zeros(model.n_visible)
    for row in v:
        weights = exact.posterior(model, row)[keep]
        total += weights / weights.sum() @ (row - expit(x))
    return total / len(v)


def _mean_field(model, v):
    """σ at the posterior mean of the hidden units instead of the posterior mean of σ."""
    h_a, h_b = exact.two_cause_hidden_states(model)
    out = []
    for row in v:
        post = exact.posterior(model, row)
        out.append(row - expit(model.likelihood_input((post @ h_a)[None], (post @ h_b)[None])[0]))
    return np.mean(out, axis=0)


def _most_probable_state(model, v):
    h_a, h_b = exact.two_cause_hidden_states(model)
    x = model.likelihood_input(h_a, h_b)
    return np.mean([row - expit(x[np.argmax(exact.posterior(model, row))]) for row in v], axis=0)


def _zeroes_the_belief_bias_then_answers(model, v):
    """Mutates its input: the belief bias set to 0 in place (a symmetric case), then the right method."""
    model.belief_bias[...] = 0.0
    return belief_bias_gradient(model, v)


def _complemented_composites(model, v):
    return belief_bias_gradient(model, 1.0 - v)


WRONG_2 = {"prior, not posterior": _prior_instead_of_posterior, "uniform over states": _uniform_over_states,
           "cause A inferred alone": _posterior_of_cause_a_only, "mean field": _mean_field,
           "most probable state only": _most_probable_state,
           "zeroes the belief bias, then answers": _zeroes_the_belief_bias_then_answers,
           "complemented composites": _complemented_composites,
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


def _corrupt_what_the_checker_holds(corrupt):
    """Walks the frames above the student's function and applies ``corrupt`` to every object found there."""
    import sys

    frame = sys._getframe(2)
    while frame is not None:
        if "orbm_explore/" in frame.f_code.co_filename.replace("\\", "/"):
            for value in list(frame.f_locals.values()):
                for item in (value if isinstance(value, (list, tuple)) else [value]):
                    for thing in (item if isinstance(item, (list, tuple)) else [item]):
                        corrupt(thing)
        frame = frame.f_back


def test_editing_the_objects_the_checker_holds_through_the_stack_changes_nothing(capsys, answers_1):
    """A cheat that reaches the checker's own problem objects through the stack and overwrites A's clean images
    with the composites (and the gradient problem's model) answers for the corrupted data: refused."""
    def corrupts_images(model, test, base_a):
        def corrupt(thing):
            if isinstance(thing, datasets.Composites):
                thing.a[...] = thing.v
        _corrupt_what_the_checker_holds(corrupt)
        return cross_entropies(model, datasets.Composites(test.v, test.v.copy(), test.b), base_a)

    def corrupts_model(model, v):
        def corrupt(thing):
            if isinstance(thing, TwoCauseRBM):
                thing.belief_bias[...] = 0.0
            if isinstance(thing, np.ndarray) and thing.ndim == 2:
                thing[...] = 0.0
        _corrupt_what_the_checker_holds(corrupt)
        model.belief_bias[...] = 0.0
        return belief_bias_gradient(model, np.zeros_like(v))

    check_1(corrupts_images, capsys, answers_1)
    _refused(nb06.check_belief_bias_gradient, corrupts_model, capsys)
