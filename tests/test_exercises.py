"""Every exercise checker accepts the right answer and rejects trivial and near-miss answers.

Trivial answers, for every checker: 0, 0.0, zeros of the right shape, None,
the starting placeholder taken from the notebook's own exercise cell, and the
answer to the neighbouring exercise. A rejection must not print the answer.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit, log_expit

from orbm_explore import corrections, exact, stats, toys
from orbm_explore.exercises import nb00, nb01, nb02, nb03, nb04

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ right answers (written here, not imported)
def burglar_probabilities(preset):
    post = exact.posterior(toys.alarm_model(**toys.ALARM_PRESETS[preset]), [1.0]).reshape(2, 2)
    return post[1].sum(), post[1, 1] / post[:, 1].sum()


def posterior_covariance(preset):
    post = exact.posterior(toys.alarm_model(**toys.ALARM_PRESETS[preset]), [1.0]).reshape(2, 2)
    return post[1, 1] - post[1].sum() * post[:, 1].sum()


def free_energy(rbm, v):
    return -(v @ rbm.visible_bias) - np.logaddexp(0, v @ rbm.weights.T + rbm.hidden_bias).sum(axis=1)


def steps_to_mix(rbm, tolerance=0.01):
    kernel = nb01.visible_kernel(rbm)
    target = exact.rbm_visible_distribution(rbm)
    dist = np.full(len(target), 1 / len(target))
    for step in range(1, 1000):
        dist = dist @ kernel
        if stats.total_variation(dist, target) < tolerance:
            return step


def four_log_sigmoids(phi0, eps, w):
    return log_expit(phi0 + w + eps) + log_expit(phi0) - log_expit(phi0 + w) - log_expit(phi0 + eps)


def correction_pair(phi0, eps, w):
    return four_log_sigmoids(phi0, eps, w), four_log_sigmoids(phi0, w, eps)


def correction_remainders(model, h_a, h_b):
    return np.array([model.psi(h_a, h_b, v)[0] - model.a.hidden_input(v) for v in exact.binary_states(model.n_visible)])


def linear_at_midpoint(phi0, eps, w):
    return corrections.linear(phi0 + w / 2, eps, w)


def best_constant_gain(w=10.0):
    phi0, eps = np.linspace(-40, 40, 161)[None, :], np.linspace(-40, 40, 161)[:, None]
    truth = corrections.exact(phi0, eps, w)
    gains = np.linspace(0.05, 1.0, 96)
    errors = [np.abs(w * (expit(g * (phi0 + w / 2)) - expit(g * (phi0 + w / 2 + eps))) - truth).max() for g in gains]
    return float(gains[int(np.argmin(errors))])


def biggest_drop():
    drops = {name: np.subtract(*burglar_probabilities(name)) for name in toys.ALARM_PRESETS}
    return max(drops, key=drops.get)


def parallel_bias_by_pattern():
    model = toys.xor_model()
    return {tuple(int(x) for x in v): stats.total_variation(
        exact.posterior(model, v), exact.sampler_stationary_distribution(model, v, "exact", "parallel"))
        for v in exact.binary_states(2)}


# ------------------------------------------------------------------ the table of exercises
# (checker, notebook, name of the function the student fills in, right answer, shape of one answer,
#  neighbouring exercise's answer, near misses)
def _answer(value):
    return lambda *args, **kwargs: value


EXERCISES = {
    "00-1": (nb00.check_burglar_probabilities, "00_start_here", "burglar_probabilities", burglar_probabilities,
             (2,), posterior_covariance, [lambda p: burglar_probabilities(p)[::-1],
                                          lambda p: (burglar_probabilities(p)[0],) * 2]),
    "00-2": (nb00.check_posterior_covariance, "00_start_here", "posterior_covariance", posterior_covariance,
             (), burglar_probabilities, [lambda p: -posterior_covariance(p),
                                         lambda p: posterior_covariance("strong explaining away")]),
    "01-1": (nb01.check_free_energy, "01_vanilla_rbm", "free_energy", free_energy, (16,), steps_to_mix,
             [lambda rbm, v: -free_energy(rbm, v), lambda rbm, v: free_energy(rbm, v) + v @ rbm.visible_bias,
              lambda rbm, v: -np.logaddexp(0, v @ rbm.weights.T + rbm.hidden_bias).sum(axis=1)]),
    "01-2": (nb01.check_steps_to_mix, "01_vanilla_rbm", "steps_to_mix", steps_to_mix, (), free_energy,
             [lambda rbm, tol=0.01: steps_to_mix(rbm, tol) + 1, lambda rbm, tol=0.01: steps_to_mix(rbm, tol) - 1,
              lambda rbm, tol=0.01: 3, lambda rbm, tol=0.01: float(steps_to_mix(rbm, tol))]),
    "02-1": (nb02.check_correction_pair, "02_exact_correction", "correction_pair", correction_pair, (2, 50),
             correction_remainders,
             [lambda p, e, w: (log_expit(p + w + e) + log_expit(p) - log_expit(p + w),  # the notes' psi0 cell
                               log_expit(p + w + e) + log_expit(p) - log_expit(p + e)),
              lambda p, e, w: (corrections.linear(p, e, w), corrections.linear(p, w, e))]),
    "02-2": (nb02.check_correction_remainders, "02_exact_correction", "correction_remainders", correction_remainders,
             (32, 3), correction_pair,
             [lambda m, a, b: np.array([m.psi(a, b, v)[0] for v in exact.binary_states(m.n_visible)]),
              lambda m, a, b: np.tile(correction_remainders(m, a, b).max(axis=0) * 0 + 1e-13, (32, 1))]),
    "03-1": (nb03.check_linear_at_midpoint, "03_approximations", "linear_at_midpoint", linear_at_midpoint, (40,),
             best_constant_gain,
             [lambda p, e, w: corrections.linear(p, e, w), lambda p, e, w: corrections.sigmoid(p, e, w),
              lambda p, e, w: corrections.exact(p, e, w)]),
    "03-2": (nb03.check_best_gain, "03_approximations", "best_constant_gain", best_constant_gain, (), linear_at_midpoint,
             [lambda w=10.0: float(corrections.gain(w)), lambda w=10.0: 1.0, lambda w=10.0: 0.2, lambda w=10.0: 0.7,
              lambda w=10.0: -1.0]),
    "04-1": (nb04.check_biggest_drop, "04_explaining_away", "biggest_drop", biggest_drop, (), parallel_bias_by_pattern,
             [lambda: name for name in toys.ALARM_PRESETS if name != "strong explaining away"]
             + [lambda: "strong explaining away".upper()]),
    "04-2": (nb04.check_parallel_bias, "04_explaining_away", "parallel_bias_by_pattern", parallel_bias_by_pattern,
             (), biggest_drop,
             [lambda: {k: 0.0 for k in parallel_bias_by_pattern()},
              lambda: {k: v for k, v in list(parallel_bias_by_pattern().items())[:2]},
              lambda: {k: stats.total_variation(exact.posterior(toys.xor_model(), k),
                                                exact.sampler_stationary_distribution(toys.xor_model(), k))
                       for k in parallel_bias_by_pattern()}]),
}


def _check(checker, fn, capsys):
    result = checker(fn)
    return result, capsys.readouterr().out


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_right_answer_passes(key, capsys):
    checker, solution = EXERCISES[key][0], EXERCISES[key][3]
    result, out = _check(checker, solution, capsys)
    assert result is True, out
    assert out.startswith("Correct"), out


def _trivial_answers(key):
    checker, _, _, solution, shape, neighbour, _ = EXERCISES[key]
    answers = {"0": _answer(0), "0.0": _answer(0.0), "zeros": _answer(np.zeros(shape)), "None": _answer(None),
               "Ellipsis": _answer(...), "neighbour": neighbour}
    return answers


@pytest.mark.parametrize("key", sorted(EXERCISES))
@pytest.mark.parametrize("trivial", ["0", "0.0", "zeros", "None", "Ellipsis", "neighbour"])
def test_trivial_answer_fails(key, trivial, capsys):
    checker = EXERCISES[key][0]
    fn = _trivial_answers(key)[trivial]
    if trivial == "neighbour":  # the neighbouring exercise's *answer*, returned from a function of this signature
        neighbour = fn
        sample = {"00-1": ("strong explaining away",), "00-2": ("strong explaining away",),
                  "01-1": (nb01.checked_rbms()[0], 0.01), "01-2": (nb01.checked_rbms()[0], exact.binary_states(4)),
                  "02-1": nb02.notebook_model(0), "02-2": (*np.random.default_rng(0).uniform(-3, 3, (3, 50)),),
                  "03-1": (10.0,), "03-2": (*np.random.default_rng(0).uniform(-3, 3, (3, 40)),),
                  "04-1": (), "04-2": ()}[key]
        fn = _answer(neighbour(*sample))
    result, out = _check(checker, fn, capsys)
    assert result is False, out
    assert out.startswith(("Not yet", "Not attempted")), out
    _assert_answer_not_printed(key, out)


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_near_misses_fail(key, capsys):
    checker, near_misses = EXERCISES[key][0], EXERCISES[key][6]
    assert near_misses
    for k, fn in enumerate(near_misses):
        result, out = _check(checker, fn, capsys)
        assert result is False, (k, out)
        _assert_answer_not_printed(key, out)


def _assert_answer_not_printed(key, out):
    """The feedback to a wrong answer never contains the right answer."""
    solution = EXERCISES[key][3]
    if key == "04-1":
        assert biggest_drop() not in out
        return
    if key == "04-2":
        values = list(parallel_bias_by_pattern().values())
    elif key in ("00-1", "00-2"):
        values = [x for p in toys.ALARM_PRESETS for x in np.ravel(solution(p))]
    elif key == "01-2":
        return  # a step count is a small integer that hints legitimately mention (e.g. "at least 1")
    elif key == "03-2":
        values = [best_constant_gain(10.0), best_constant_gain(5.0)]
    else:
        return  # array answers: no hint prints arrays (checked by the shape of the messages below)
    for value in values:
        if abs(value) > 1e-6:
            for digits in (2, 3, 4):
                assert f"{value:.{digits}f}" not in out, (value, out)


def _notebook_cells(notebook):
    nb = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text())
    return nb["cells"]


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_notebook_placeholder_fails(key, capsys):
    """The exercise cell exactly as committed (the student's starting point) does not pass its checker."""
    checker, notebook, name = EXERCISES[key][:3]
    cells = [c for c in _notebook_cells(notebook) if "exercise" in c["metadata"].get("tags", [])]
    namespace = {"np": np}
    for cell in cells:
        exec(compile("".join(cell["source"]), f"{notebook}:{cell['id']}", "exec"), namespace)
    assert name in namespace, f"{notebook} has no exercise cell defining {name}"
    result, out = _check(checker, namespace[name], capsys)
    assert result is False and out.startswith("Not attempted"), out


@pytest.mark.parametrize("notebook", sorted({v[1] for v in EXERCISES.values()}))
def test_checkers_live_outside_the_cells_students_edit(notebook):
    """Exercise cells define functions only; checks run in their own cells; solutions are collapsed and assert."""
    cells = _notebook_cells(notebook)
    exercises = [c for c in cells if "exercise" in c["metadata"].get("tags", [])]
    solutions = [c for c in cells if "solution" in c["metadata"].get("tags", [])]
    checks = [c for c in cells if "check" in c["metadata"].get("tags", [])]
    assert exercises and len(solutions) == len(exercises) == len(checks)
    for cell in exercises:
        source = "".join(cell["source"])
        assert "check" not in source and "assert" not in source, source
    for cell in checks:
        assert "from orbm_explore.exercises import" in "".join(cell["source"])
    for cell in solutions:
        source = "".join(cell["source"])
        assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True, cell["id"]
        assert "assert nb0" in source, f"solution {cell['id']} does not assert its checker passes"


@pytest.mark.parametrize("notebook", sorted({v[1] for v in EXERCISES.values()}))
def test_every_why_has_an_answer_in_a_solution(notebook):
    """Each exercise that asks "why" has a solution containing a written answer ("# Why:")."""
    cells = _notebook_cells(notebook)
    asked = 0
    for k, cell in enumerate(cells):
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and "why" in text.lower() and re.search(r"\*\*\d\.\*\*", text):
            following = [c for c in cells[k + 1:] if "solution" in c["metadata"].get("tags", [])]
            assert following, f"{notebook} cell {k} asks why but has no solution after it"
            assert "# Why:" in "".join(following[0]["source"]), f"{notebook}: solution after cell {k} answers no why"
            asked += 1
    assert asked >= 1, f"{notebook}: no exercise asks why"
