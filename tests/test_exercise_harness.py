"""The checkers' shared harness: deep copies, the student's own errors, forgotten returns, no raising."""

from __future__ import annotations

import numpy as np
import pytest

from orbm_explore.exercises._check import (NO_ANSWER, as_finite_array, as_real, call_student, checker,
                                           student_function)


def placeholder(x):
    # Return something.
    ...


def placeholder_pass(x, y):
    """Docstring only."""
    pass


def forgot_return(x):
    y = x + 1  # noqa: F841


def raises_inside(x):
    return helper_that_fails(x)


def helper_that_fails(x):
    return x["missing key"]


def zero_in_place_and_return(a):
    a[:] = 0.0
    return a


def test_placeholder_is_not_attempted(capsys):
    assert not student_function(placeholder, "a function")
    assert not student_function(placeholder_pass, "a function")
    assert "Not attempted yet" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [None, Ellipsis])
def test_missing_function_is_not_attempted(answer, capsys):
    assert not student_function(answer, "a function")
    assert "Not attempted yet" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [0.3, 0, "strong explaining away", [1, 2], np.zeros(3)])
def test_a_value_instead_of_a_function_says_what_was_expected(answer, capsys):
    assert not student_function(answer, "a function f(x) returning a number")
    out = capsys.readouterr().out
    assert "expects a function f(x) returning a number" in out and type(answer).__name__ in out


def test_real_functions_are_called(capsys):
    assert student_function(lambda x: x, "f") and student_function(forgot_return, "f")
    assert capsys.readouterr().out == ""


def test_forgotten_return_gets_its_own_hint(capsys):
    assert call_student(forgot_return, 1) is NO_ANSWER
    assert "returned None — did you forget `return`?" in capsys.readouterr().out


def test_an_error_in_the_students_code_is_shown_as_theirs(capsys):
    assert call_student(raises_inside, {}) is NO_ANSWER
    out = capsys.readouterr().out
    assert "your code's error" in out and "KeyError" in out and "missing key" in out
    assert "helper_that_fails" in out and "raises_inside" in out      # the student's own frames and lines
    assert "call_student" not in out                                  # not the checker's


def test_the_student_gets_deep_copies():
    data = np.ones(4)
    nested = {"weights": np.ones(2)}
    got = call_student(zero_in_place_and_return, data)
    assert np.all(got == 0) and np.all(data == 1)                     # the caller's array is untouched
    call_student(lambda d: d["weights"].fill(7) or 1, nested)
    assert np.all(nested["weights"] == 1)


def test_keyboard_interrupt_is_not_swallowed():
    def interrupted():
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        call_student(interrupted)


@pytest.mark.parametrize("got", [None, "1.0", b"1", {"a": 1}, {1.0}, True, np.bool_(True), 10 ** 400, float("inf"),
                                 float("nan"), [1.0, [2.0, 3.0]], np.array([True, False]), object(), print])
def test_as_finite_array_refuses_without_raising(got):
    assert as_finite_array(got, (2,)) is None and as_finite_array(got, ()) is None


def test_as_finite_array_accepts_numbers_of_the_right_shape():
    assert np.array_equal(as_finite_array([1, 2.5], (2,)), [1.0, 2.5])
    assert as_finite_array(np.float32(0.5), ()) == 0.5
    assert as_finite_array([1.0, 2.0], (3,)) is None


@pytest.mark.parametrize("got", [None, True, "0.5", 10 ** 400, float("inf"), -float("inf"), float("nan"), [0.5],
                                 np.array([0.5, 0.6]), 1j])
def test_as_real_refuses_without_raising(got):
    assert as_real(got) is None


@pytest.mark.parametrize("got, want", [(0.5, 0.5), (3, 3.0), (np.float64(0.25), 0.25), (np.array(2.0), 2.0),
                                       (10 ** 20, 1e20)])
def test_as_real_accepts_real_numbers(got, want):
    assert as_real(got) == want


@pytest.mark.parametrize("got", [np.array([0.25]), np.array([[0.25]]), np.arange(4.0)[1:2] / 4, np.float32([0.25]),
                                 np.array([0.25], dtype=object), np.zeros((2, 3)).sum(axis=(0, 1), keepdims=True) + 0.25])
def test_as_real_accepts_a_size_1_array_as_its_number(got):
    """A right number that arrives as a one-element array (``x[0:1]``, a sum with ``keepdims``) is that number."""
    assert as_real(got) == 0.25


@pytest.mark.parametrize("got", [np.array([True]), np.array([np.inf]), np.array([np.nan]), np.array([1j]),
                                 np.array([10 ** 400], dtype=object), np.array(["0.5"]), np.zeros((1, 2)),
                                 np.zeros(0), [0.5], (0.5,)])
def test_as_real_refuses_other_one_element_things(got):
    assert as_real(got) is None


def test_checker_never_raises_on_an_unforeseen_answer(capsys):
    @checker("a probability between 0 and 1")
    def fragile(value):
        return 1 / value > 2

    assert fragile(0) is False
    assert "expects a probability between 0 and 1" in capsys.readouterr().out
    assert fragile(0.25) is True


def test_exit_inside_the_students_function_is_their_error(capsys):
    def quits():
        exit()
    assert call_student(quits) is NO_ANSWER
    assert "SystemExit" in capsys.readouterr().out


def test_checker_survives_an_answer_whose_conversion_exits(capsys):
    class Exits:
        def __float__(self):
            raise SystemExit

    @checker("a number")
    def strict(value):
        return float(value) == 1.0

    assert strict(Exits()) is False


def test_replacing_numpy_or_the_library_is_undone_and_refused(capsys):
    import orbm_explore.exact as exact
    original_allclose, original_posterior = np.allclose, exact.posterior

    def cheat():
        np.allclose = lambda *args, **kwargs: True
        exact.posterior = lambda *args, **kwargs: 0
        return 1.0

    assert call_student(cheat) is NO_ANSWER
    assert np.allclose is original_allclose and exact.posterior is original_posterior
    out = capsys.readouterr().out
    assert "numpy.allclose" in out and "orbm_explore.exact.posterior" in out


def test_an_honest_function_is_not_flagged(capsys):
    assert call_student(lambda x: np.allclose(x, x) and 2.0, np.ones(3)) == 2.0
    assert capsys.readouterr().out == ""


# ------------------------------------------------- what the student's function (or a cell) changes is put back
@pytest.fixture
def checker_module():
    """A throwaway checker module (orbm_explore.exercises._harness_probe) with constants and a helper."""
    import sys
    import types

    from orbm_explore.exercises import _check

    module = types.ModuleType("orbm_explore.exercises._harness_probe")
    module.TOLERANCE = 1e-6
    module.TABLE = np.arange(4.0)
    module.TABLE.flags.writeable = False
    module.SETTINGS = {"rng": 3}
    module.SENTINEL = object()                 # an object compared by identity only: never a false alarm
    module.helper = lambda x: x + 1
    sys.modules[module.__name__] = module

    @checker("a number")
    def check(fn):
        got = call_student(fn, 1.0)
        return got is not NO_ANSWER and abs(got - module.helper(1.0)) <= module.TOLERANCE

    check.__wrapped__.__module__ = module.__name__
    module.check = check
    _check.seal(module.__name__)
    yield module
    del sys.modules[module.__name__]
    _check._SEALED.pop(module.__name__, None)


def test_an_honest_function_leaves_the_checker_modules_alone(checker_module, capsys):
    assert checker_module.check(lambda x: x + 1) is True
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("cheat", ["rebinds the tolerance", "edits a read-only table in place", "edits a dict",
                                   "rebinds the helper"])
def test_changing_a_checker_modules_globals_is_undone_and_refused(checker_module, cheat, capsys):
    module = checker_module

    def cheating(x):
        if cheat == "rebinds the tolerance":
            module.TOLERANCE = 10.0
        elif cheat == "edits a read-only table in place":
            module.TABLE.flags.writeable = True
            module.TABLE[:] = 0.0
        elif cheat == "edits a dict":
            module.SETTINGS["rng"] = 4
        else:
            module.helper = lambda x: 0.0
        return 0.0

    assert call_student(cheating, 1.0) is NO_ANSWER
    assert "_harness_probe" in capsys.readouterr().out
    assert module.TOLERANCE == 1e-6 and module.SETTINGS == {"rng": 3} and module.helper(1.0) == 2.0
    assert np.array_equal(module.TABLE, np.arange(4.0)) and not module.TABLE.flags.writeable


def test_a_cell_that_changes_a_checker_module_between_runs_is_undone_with_a_note(checker_module, capsys):
    module = checker_module
    module.helper = lambda x: 0.0               # what a notebook cell could do before running the check cell
    module.TOLERANCE = 10.0
    assert module.check(lambda x: 0.0) is False
    out = capsys.readouterr().out
    assert out.startswith("Note:") and "_harness_probe.helper" in out and "_harness_probe.TOLERANCE" in out
    assert module.check(lambda x: x + 1) is True


def test_library_methods_and_function_code_are_put_back(capsys):
    from orbm_explore import separation
    from orbm_explore.rbm import RBM

    original_method, original_code = RBM.p_h_given_v, separation.cross_entropy.__code__

    def cheat():
        RBM.p_h_given_v = lambda self, v: 0.5
        separation.cross_entropy.__code__ = separation.pixel_accuracy.__code__
        return 1.0

    assert call_student(cheat) is NO_ANSWER
    out = capsys.readouterr().out
    assert "RBM.p_h_given_v" in out and "separation.cross_entropy" in out
    assert RBM.p_h_given_v is original_method and separation.cross_entropy.__code__ is original_code


def test_a_check_run_from_inside_the_checked_function_refuses_at_once(capsys):
    calls = []

    @checker("a number")
    def check(fn):
        calls.append(1)
        got = call_student(fn)
        return got is not NO_ANSWER and got == 1.0

    def recursive():
        return check(recursive)

    assert check(recursive) is False
    out = capsys.readouterr().out
    assert len(calls) == 1 and "cannot be run from inside" in out
    assert check(lambda: 1.0) is True                                # and the next run is a normal one
