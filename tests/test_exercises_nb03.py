"""Checker table of notebook 03: right answers pass; trivial, mutating-and-wrong and wrong-approach answers fail.

Run against the checkers of an older commit with ORBM_OLD_CHECKERS (see tests/test_exercises.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit, log_expit
from test_exercises import (
    TRIVIAL_KINDS,
    assert_accepted,
    assert_refused,
    assert_trivial_refused,
    load_checkers,
    reachable,
    run_checker,
    stack_numbers,
)

nb03 = load_checkers("nb03")

PHI0 = np.linspace(-40, 40, 161)[None, :]
EPS = np.linspace(-40, 40, 161)[:, None]
MINIMAX_TEXT = ("0.47",)  # the minimax gain at W = 10, as any refusal might print it


# ------------------------------------------------------------------ right answers, written here
def exact_c(phi0, eps, w):
    return log_expit(phi0 + w + eps) + log_expit(phi0) - log_expit(phi0 + w) - log_expit(phi0 + eps)


def linear_at_midpoint(phi0, eps, w):
    x = phi0 + w / 2
    return w * (expit(x) - expit(x + eps))


def max_error(g, w, criterion=np.max, phi0=PHI0, eps=EPS, shift=0.5):
    mid = phi0 + shift * w
    return criterion(np.abs(w * (expit(g * mid) - expit(g * (mid + eps))) - exact_c(phi0, eps, w)))


def grid_search(step, start=0.02, criterion=np.max, stop=2.0, **kwargs):
    def best_constant_gain(w=10.0):
        gains = np.arange(start, stop, step)
        errors = [max_error(g, w, criterion, **kwargs) for g in gains]
        g = float(gains[int(np.argmin(errors))])
        return g, float(max_error(g, w))  # the max error of the chosen gain
    return best_constant_gain


def refined_grid(coarse_step=0.02, fine_step=0.001, start=0.02):
    """The statement's recipe: a coarse grid finds the valley, a fine grid around its best finds the bottom."""
    def best_constant_gain(w=10.0):
        coarse = min(np.arange(start, 2.0, coarse_step), key=lambda g: max_error(g, w))
        fine = np.arange(coarse - coarse_step, coarse + coarse_step, fine_step)
        g = float(min(fine, key=lambda g: max_error(g, w)))
        return g, float(max_error(g, w))
    return best_constant_gain


def minimiser_of(criterion, w):
    """The gain minimising ``criterion`` of |error| over the square, to 1e-8 (a bounded 1-D search)."""
    from scipy.optimize import minimize_scalar
    return float(minimize_scalar(lambda g: max_error(g, w, criterion), bounds=(0.1, 1.5), method="bounded",
                                 options={"xatol": 1e-8}).x)


def rms(a):
    return np.sqrt(np.mean(a ** 2))


def golden_section(w=10.0):
    lo, hi = 0.05, 1.5
    for _ in range(60):
        a, b = lo + 0.382 * (hi - lo), hi - 0.382 * (hi - lo)
        if max_error(a, w) < max_error(b, w):
            hi = b
        else:
            lo = a
    g = (lo + hi) / 2
    return g, max_error(g, w)


@pytest.mark.parametrize("answer", [linear_at_midpoint,
                                    lambda p, e, w: w * (expit(p + w / 2) - expit(p + w / 2 + e)),
                                    lambda p, e, w: list(linear_at_midpoint(p, e, w))])
def test_ex1_right_answers_pass(answer, capsys):
    assert_accepted(nb03.check_linear_at_midpoint, answer, capsys)


@pytest.mark.parametrize("answer", [refined_grid(), refined_grid(start=0.03), refined_grid(start=0.011),
                                    refined_grid(0.05, 0.002), grid_search(0.001, start=0.2, stop=1.0),
                                    golden_section, lambda w=10.0: (g := minimiser_of(np.max, w), max_error(g, w)),
                                    lambda w=10.0: list(refined_grid()(w)),
                                    lambda w=10.0: np.array(refined_grid()(w))])
def test_ex2_right_answers_pass(answer, capsys):
    assert_accepted(nb03.check_best_gain, answer, capsys)


@pytest.mark.parametrize("kind", TRIVIAL_KINDS)
def test_ex1_trivial_answers_fail(kind, capsys):
    assert_trivial_refused(nb03.check_linear_at_midpoint, kind, (40,), capsys)


@pytest.mark.parametrize("kind", TRIVIAL_KINDS)
def test_ex2_trivial_answers_fail(kind, capsys):
    assert_trivial_refused(nb03.check_best_gain, kind, (2,), capsys, texts=MINIMAX_TEXT)


# ------------------------------------------------------------------ answers that change their inputs in place
def zero_weights_then_zeros(phi0, eps, w):
    """Wrong: sets W to 0 in place (so any reference built afterwards on these arrays is 0), returns zeros."""
    w[:] = 0.0
    return np.zeros_like(phi0)


def right_then_scramble(phi0, eps, w):
    values = linear_at_midpoint(phi0, eps, w)
    phi0[:] = 0.0
    eps *= -1
    w[:] = 1.0
    return values


def right_by_shifting_in_place(phi0, eps, w):
    """Right: shifts its own copy of phi0 in place (a common way to write it)."""
    phi0 += w / 2
    return w * (expit(phi0) - expit(phi0 + eps))


def test_ex1_mutating_answers(capsys):
    assert_refused(nb03.check_linear_at_midpoint, zero_weights_then_zeros, capsys)
    assert_accepted(nb03.check_linear_at_midpoint, right_then_scramble, capsys)
    assert_accepted(nb03.check_linear_at_midpoint, right_by_shifting_in_place, capsys)


def test_ex2_mutating_answers(capsys, restore_state):
    """Ex. 2's only input is a float, which cannot be changed in place: its checker's own copies of the
    square are what a student could touch, and the checker uses private ones (SQUARE is read-only)."""
    def scribble_on_the_square(w=10.0):
        nb03.SQUARE[0][:] = 0.0  # wrong and sneaky: flatten the checker's square, then claim zero error
        return 1.0, 0.0

    assert_refused(nb03.check_best_gain, scribble_on_the_square, capsys, texts=MINIMAX_TEXT)
    assert_accepted(nb03.check_best_gain, refined_grid(), capsys)


# ------------------------------------------------------------------ red-team rows: answers that move the target
# A right gain with a wrong error, made "right" by changing what the checker measures the error with: the
# module's square (made writeable again), the library's exact correction, or this module's sigmoid. Each is
# refused, in the run that patches and in the next run (re-running a check cell).
@pytest.fixture
def restore_state():
    from orbm_explore import corrections
    saved = ([(a, a.copy(), a.flags.writeable, a.base) for a in nb03.SQUARE], corrections.exact,
             nb03.expit)
    yield
    for array, values, writeable, base in saved[0]:
        if not np.array_equal(array, values):
            for a in (base, array):
                if a is not None:
                    a.flags.writeable = True
            array[...] = values
            for a in (base, array):
                if a is not None and not writeable:
                    a.flags.writeable = False
    corrections.exact = saved[1]
    nb03.expit = saved[2]


def _right_gain(w):
    return grid_search(0.005, start=0.2, stop=1.0)(w)[0]


def zero_the_squares_eps_then_claim_no_error(w=10.0):
    """Wrong: with eps = 0 everywhere both C and the approximation are 0, so 'error 0' would be right there."""
    for array in (nb03.SQUARE[1].base, nb03.SQUARE[1]):
        if array is not None:
            array.flags.writeable = True  # an array that owns its memory can be made writeable again
    nb03.SQUARE[1][...] = 0.0
    return _right_gain(w), 0.0


def patch_the_librarys_exact_then_claim_no_error(w=10.0):
    from orbm_explore import corrections
    g = _right_gain(w)
    corrections.exact = lambda p, e, ww: ww * (expit(g * (p + ww / 2)) - expit(g * (p + ww / 2 + e)))
    return g, 0.0


def patch_the_checkers_sigmoid_then_claim(w=10.0):
    """Wrong: a sigmoid that is 0 everywhere makes the approximation 0, so the 'error' is max |C|."""
    g = _right_gain(w)
    nb03.expit = lambda x: 0.0 * np.asarray(x)
    return g, float(np.abs(exact_c(PHI0, EPS, w)).max())


@pytest.mark.parametrize("answer", [zero_the_squares_eps_then_claim_no_error,
                                    patch_the_librarys_exact_then_claim_no_error,
                                    patch_the_checkers_sigmoid_then_claim])
@pytest.mark.parametrize("runs", [1, 2])
def test_ex2_answers_that_patch_what_the_error_is_measured_with(answer, runs, capsys, restore_state):
    for _ in range(runs - 1):
        run_checker(nb03.check_best_gain, answer, capsys)
    assert_refused(nb03.check_best_gain, answer, capsys, texts=MINIMAX_TEXT)


@pytest.fixture
def restore_numpy():
    saved = {name: getattr(np, name) for name in ("allclose", "isclose", "isfinite")}
    yield
    for name, function in saved.items():
        setattr(np, name, function)


def patch_numpy_closeness_then_zeros(phi0, eps, w):
    """Wrong: makes numpy's closeness tests always True (the checker compares after this has run), returns zeros."""
    np.allclose = np.isclose = lambda *args, **kwargs: True
    return np.zeros_like(phi0)


def patch_isfinite_then_nan(phi0, eps, w):
    """Wrong: makes np.isfinite always True, so NaN gets through the conversion; NaN fails every `>` test."""
    np.isfinite = lambda x, *args, **kwargs: np.ones(np.shape(x), dtype=bool) if np.ndim(x) else True
    return np.full_like(phi0, np.nan)


@pytest.mark.parametrize("answer", [patch_numpy_closeness_then_zeros, patch_isfinite_then_nan])
def test_ex1_answers_that_patch_numpy_are_refused(answer, capsys, restore_numpy):
    assert_refused(nb03.check_linear_at_midpoint, answer, capsys)


def test_ex2_nan_through_a_patched_isfinite_is_refused(capsys, restore_numpy):
    def nan_pair(w=10.0):
        np.isfinite = lambda x, *args, **kwargs: np.ones(np.shape(x), dtype=bool) if np.ndim(x) else True
        return float("nan"), float("nan")
    assert_refused(nb03.check_best_gain, nan_pair, capsys, texts=MINIMAX_TEXT)


def with_scipy_minimize(w=10.0):
    """Right: scipy.optimize.minimize's x is an array of shape (1,), its fun a float."""
    from scipy.optimize import minimize
    result = minimize(lambda x: max_error(float(x[0]), w), x0=[0.5], method="Nelder-Mead",
                      options={"xatol": 1e-6, "fatol": 1e-9})
    return result.x, result.fun


@pytest.mark.parametrize("answer", [with_scipy_minimize,
                                    lambda w=10.0: tuple(np.array([x]) for x in refined_grid()(w)),
                                    lambda w=10.0: [np.float32(g := refined_grid()(w)[0]),
                                                    max_error(float(np.float32(g)), w)]])
def test_ex2_right_answers_with_one_element_arrays_pass(answer, capsys):
    assert_accepted(nb03.check_best_gain, answer, capsys)


def test_ex2_best_gains_are_the_computed_ones():
    """The checker's constants are what best_gain() computes (a grid, then a bounded search), and no gain
    found by a finer search here has a smaller max error than the stated one (by more than 0.01 %)."""
    assert tuple(w for w, _, _ in nb03._BEST) == nb03.GAIN_WEIGHTS
    for w, gain, error in nb03._BEST:
        assert abs(nb03.best_gain(w) - gain) < 1e-6
        assert abs(max_error(gain, w) - error) < 1e-12
        assert max_error(minimiser_of(np.max, w), w) > error * (1 - 1e-4)


# ------------------------------------------------------------------ wrong approaches
WRONG_1 = {
    "the linear form at phi0 (unshifted)": lambda p, e, w: w * (expit(p) - expit(p + e)),
    "shifted the wrong way (phi0 - W/2)": lambda p, e, w: linear_at_midpoint(p - w, e, w),
    "shifted by W instead of W/2": lambda p, e, w: linear_at_midpoint(p + w / 2, e, w),
    "shifted by |W|/2 (one sign of W only)": lambda p, e, w: linear_at_midpoint(p + np.abs(w) / 2 - w / 2, e, w),
    "the exact correction": exact_c,
    "the sigmoid form with the slope-matched gain": lambda p, e, w: w * (
        expit(4 * np.tanh(w / 4) / w * (p + w / 2)) - expit(4 * np.tanh(w / 4) / w * (p + w / 2 + e))),
    "the sign of the difference reversed": lambda p, e, w: -linear_at_midpoint(p, e, w),
    # new near-misses (this session)
    "one shift for all points, the mean W / 2 (right when every W is the same)": lambda p, e, w: w * (
        expit(p + np.mean(w) / 2) - expit(p + np.mean(w) / 2 + e)),
    "the tanh form without halving its argument": lambda p, e, w: w * 0.5 * (
        np.tanh(p + w / 2) - np.tanh(p + w / 2 + e)),
    "the step at the midpoint of both arguments (x + eps / 2 = 0)": lambda p, e, w: linear_at_midpoint(
        p + e / 2, e, w),
    "halves W in place, then uses it for the amplitude too": lambda p, e, w: (
        w.__itruediv__(2), w * (expit(p + w) - expit(p + w + e)))[1],
    "the first-order form -W eps sigma'(x) at the midpoint": lambda p, e, w: -w * e * expit(p + w / 2) * expit(
        -p - w / 2),
}

ALPHA = lambda w: 4 * np.tanh(w / 4) / w  # noqa: E731

WRONG_2 = {
    "minimises the RMS error (and reports it)": lambda w=10.0: (
        (g := grid_search(0.005, start=0.2, stop=1.0, criterion=lambda a: np.sqrt(np.mean(a ** 2)))(w)[0]),
        max_error(g, w, lambda a: np.sqrt(np.mean(a ** 2)))),
    "minimises the mean |error| (and reports it)": lambda w=10.0: (
        (g := grid_search(0.005, start=0.2, stop=1.0, criterion=np.mean)(w)[0]), max_error(g, w, np.mean)),
    "the slope-matched gain alpha(W)": lambda w=10.0: (ALPHA(w), max_error(ALPHA(w), w)),
    "gain 1 (no gain)": lambda w=10.0: (1.0, max_error(1.0, w)),
    "a grid too coarse (step 0.1)": grid_search(0.1, start=0.1),
    "a grid that stops too soon (up to 0.4)": lambda w=10.0: (
        (g := min(np.arange(0.02, 0.4, 0.02), key=lambda g: max_error(g, w))), max_error(g, w)),
    "the square of +-10, not +-40": lambda w=10.0: (
        (g := min(np.arange(0.2, 1.0, 0.005), key=lambda g: max_error(g, w, phi0=PHI0 / 4, eps=EPS / 4))),
        max_error(g, w, phi0=PHI0 / 4, eps=EPS / 4)),
    "the approximation at phi0, not the midpoint": grid_search(0.005, start=0.2, stop=1.0, shift=0.0),
    "the right gain with its RMS error": lambda w=10.0: (
        (g := grid_search(0.005, start=0.2, stop=1.0)(w)[0]), max_error(g, w, lambda a: np.sqrt(np.mean(a ** 2)))),
    "the gain only, not the pair": lambda w=10.0: grid_search(0.005, start=0.2, stop=1.0)(w)[0],
    "the pair reversed (error, gain)": lambda w=10.0: grid_search(0.005, start=0.2, stop=1.0)(w)[::-1],
    # new near-misses (this session): each reports the true max error of its own gain
    "the exact RMS-optimal gain, with its true max error": lambda w=10.0: (
        g := minimiser_of(rms, w), max_error(g, w)),
    "the exact mean-|error|-optimal gain, with its true max error": lambda w=10.0: (
        g := minimiser_of(np.mean, w), max_error(g, w)),
    "a grid of step 0.02 only, not refined": grid_search(0.02),
    "the gain rounded to 2 decimals, with its own max error": lambda w=10.0: (
        g := round(minimiser_of(np.max, w), 2), max_error(g, w)),
    "the gain rounded to 2 decimals, with the unrounded gain's max error": lambda w=10.0: (
        round(g := minimiser_of(np.max, w), 2), max_error(g, w)),
    "the minimax gain of W = 10 for every W (its true error)": lambda w=10.0: (
        g := minimiser_of(np.max, 10.0), max_error(g, w)),
}


@pytest.mark.parametrize("name", sorted(WRONG_1))
def test_ex1_wrong_approaches_fail(name, capsys):
    assert_refused(nb03.check_linear_at_midpoint, WRONG_1[name], capsys)


@pytest.mark.parametrize("name", sorted(WRONG_2))
def test_ex2_wrong_approaches_fail(name, capsys):
    assert_refused(nb03.check_best_gain, WRONG_2[name], capsys, texts=MINIMAX_TEXT)


def test_ex2_tolerance_is_what_the_text_states():
    """The stated recipe (a coarse grid refined with step 0.001, any offset) passes: within 2.5 % of the smallest
    max error, even 0.001 off the best gain; the RMS- and mean-optimal gains are more than 5 % above it."""
    assert nb03.EXCESS_TOLERANCE == 0.025
    for w, best, smallest in nb03._BEST:
        limit = (1 + nb03.EXCESS_TOLERANCE) * smallest
        assert max(max_error(best - 0.001, w), max_error(best + 0.001, w)) <= limit
        for start in np.linspace(0.02, 0.04, 6):
            assert refined_grid(start=start)(w)[1] <= limit
        for criterion in (rms, np.mean):
            assert max_error(minimiser_of(criterion, w), w) > 1.05 * smallest


def test_ex2_statement_states_the_tolerance():
    text = "".join(next(c for c in _cells("03_approximations") if "**2.**" in "".join(c["source"]))["source"])
    assert "within 2.5 %" in text and "10^{-6}" in text and "0.001" in text


# ------------------------------------------------------------------ the notebook's exercise cells
def _cells(notebook):
    import json
    from pathlib import Path
    return json.loads((Path(__file__).resolve().parents[1] / "notebooks" / f"{notebook}.ipynb").read_text())["cells"]


def check_notebook_exercises(notebook, functions, module, capsys):
    """Statement (**k.** and a tolerance), exercise, check, collapsed solution; the placeholder is not attempted."""
    import re
    cells = _cells(notebook)
    starts = [k for k, c in enumerate(cells) if "exercise" in c["metadata"].get("tags", [])]
    assert len(starts) == len(functions)
    for number, (k, (name, check)) in enumerate(zip(starts, functions.items()), start=1):
        statement, exercise, check_cell, solution = cells[k - 1: k + 3]
        text = "".join(statement["source"])
        assert statement["cell_type"] == "markdown" and f"**{number}.**" in text
        assert re.search(r"within", text), f"ex. {number} states no tolerance"
        assert "check" in check_cell["metadata"]["tags"] and f"{check}(" in "".join(check_cell["source"])
        assert "solution" in solution["metadata"]["tags"]
        assert solution["metadata"].get("jupyter", {}).get("source_hidden") is True
        namespace = {"np": np}
        exec("".join(exercise["source"]), namespace)
        capsys.readouterr()
        assert getattr(module, check)(namespace[name]) is False
        assert capsys.readouterr().out.startswith("Not attempted")


def test_notebook_exercises(capsys):
    check_notebook_exercises("03_approximations", {"linear_at_midpoint": "check_linear_at_midpoint",
                                                   "best_constant_gain": "check_best_gain"}, nb03, capsys)


def test_statement_names_no_library_call_and_hints_give_no_recipe(capsys):
    """Ex. 1's text and the checker's hints never name the call that is the answer."""
    text = "".join(next(c for c in _cells("03_approximations") if "**1.**" in "".join(c["source"]))["source"])
    assert "corrections.linear" not in text and "corrections.sigmoid" not in text
    for wrong in WRONG_1.values():
        out = assert_refused(nb03.check_linear_at_midpoint, wrong, capsys)
        assert "corrections." not in out and "phi0 + w / 2" not in out and "w / 2" not in out


# ------------------------------------------------------------------ reading the checker's state, rebinding its helpers
def test_no_expected_value_is_on_the_stack_while_the_students_code_runs(capsys):
    """A cheat that reads every local of every checker frame above it finds neither exercise's answer; the
    red-team's reader of the local `want` (or `references`) gets nothing and is refused."""
    seen = {"1": [], "2": []}

    def looks_1(phi0, eps, w):
        seen["1"].append((stack_numbers(), linear_at_midpoint(phi0, eps, w)))
        return linear_at_midpoint(phi0, eps, w)

    def looks_2(w=10.0):
        seen["2"].append((stack_numbers(), w))
        return refined_grid()(w)

    assert nb03.check_linear_at_midpoint(looks_1) and nb03.check_best_gain(looks_2)
    assert len(seen["1"]) == 2 and len(seen["2"]) == 3
    for found, answer in seen["1"]:
        assert found and not reachable(answer, found)
    for (found, w), (_, gain, error) in zip(seen["2"], nb03._BEST):
        assert found and not reachable(gain, found) and not reachable(error, found)

    def peek(*args):
        import sys
        frame = sys._getframe(1)
        while frame is not None:
            for name in ("want", "references", "cases"):
                if name in frame.f_locals:
                    value = frame.f_locals[name]
                    if name == "references":
                        return value[args[0]], 0.0
                    if name == "cases":
                        return value[0][-1]
                    return value
            frame = frame.f_back
        return np.zeros(40) if len(args) == 3 else (1.0, 0.0)

    capsys.readouterr()
    assert_refused(nb03.check_linear_at_midpoint, peek, capsys)
    assert_refused(nb03.check_best_gain, peek, capsys, texts=MINIMAX_TEXT)


@pytest.fixture
def restore_nb03():
    saved = dict(vars(nb03))
    yield
    for key, value in saved.items():
        setattr(nb03, key, value)


def test_rebinding_the_checkers_helpers_in_a_cell_changes_nothing(capsys, restore_nb03):
    """Between runs (a notebook cell): the module's helper, tolerance or constants rebound, then a matching wrong
    answer: the check puts the originals back, says so, and refuses; right answers still pass."""
    rms_gain = WRONG_2["the exact RMS-optimal gain, with its true max error"]
    nb03.EXCESS_TOLERANCE = 1.0
    out = assert_refused(nb03.check_best_gain, rms_gain, capsys, texts=MINIMAX_TEXT)
    assert "Note:" in out and "EXCESS_TOLERANCE" in out and nb03.EXCESS_TOLERANCE == 0.025
    nb03._max_error = lambda *args, **kwargs: 0.0
    assert_refused(nb03.check_best_gain, lambda w=10.0: (_right_gain(w), 0.0), capsys, texts=MINIMAX_TEXT)
    nb03._BEST = tuple((w, 1.0, 10.0) for w, _, _ in nb03._BEST)
    assert_refused(nb03.check_best_gain, lambda w=10.0: (1.0, max_error(1.0, w)), capsys, texts=MINIMAX_TEXT)
    nb03._linear_at = lambda x, eps, w, *args: np.zeros_like(x)
    assert_refused(nb03.check_linear_at_midpoint, lambda p, e, w: np.zeros_like(p), capsys)
    assert_accepted(nb03.check_best_gain, refined_grid(), capsys)
    assert_accepted(nb03.check_linear_at_midpoint, linear_at_midpoint, capsys)


def test_rebinding_helpers_inside_the_function_is_refused_and_undone(capsys, restore_nb03):
    def rebinds_tolerance(w=10.0):
        nb03.EXCESS_TOLERANCE = 1.0
        return WRONG_2["the exact RMS-optimal gain, with its true max error"](w)

    def rewrites_code(w=10.0):
        nb03._max_error.__code__ = (lambda gain, w, phi0, eps, truth, sigmoid=None, absolute=None,
                                    errstate=None: 0.0).__code__
        return _right_gain(w), 0.0

    def edits_the_square_in_place(w=10.0):
        nb03.SQUARE[1].base.flags.writeable = True
        nb03.SQUARE[1].flags.writeable = True
        nb03.SQUARE[1][...] = 0.0
        return _right_gain(w), 0.0

    for fn in (rebinds_tolerance, rewrites_code, edits_the_square_in_place):
        for _ in range(2):
            out = assert_refused(nb03.check_best_gain, fn, capsys, texts=MINIMAX_TEXT)
            assert "replaced" in out, out
    assert nb03.EXCESS_TOLERANCE == 0.025 and nb03._max_error.__code__.co_name == "_max_error"
    assert np.array_equal(nb03.SQUARE[1], EPS) and not nb03.SQUARE[1].flags.writeable
    assert_accepted(nb03.check_best_gain, refined_grid(), capsys)


def test_a_check_called_from_the_checked_function_refuses_at_once(capsys):
    def recursive(phi0, eps, w):
        return nb03.check_linear_at_midpoint(recursive)

    out = assert_refused(nb03.check_linear_at_midpoint, recursive, capsys)
    assert "cannot be run from inside" in out and len(out) < 1000
