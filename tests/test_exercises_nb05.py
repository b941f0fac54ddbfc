"""Notebook 05's checker table: right answers pass; trivial answers, non-rules and wrong approaches are refused.

The right answers are written here, not imported from the package. The inputs of both checkers are SymPy
symbols, which cannot be changed in place, so there is no mutating answer to try. Every refusal is checked
to print no "Correct" and no formula of the answer.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from test_exercises import load_checkers

nb05 = load_checkers("nb05")


def sig(x):
    return 1 / (1 + sp.exp(-x))


# ------------------------------------------------- right answers, written here (not imported from the package)
def red_green_identity(phi, eps, w):
    s, s_eps = sig(phi), sig(phi + eps)
    return -w * (s_eps * (1 - s) - (1 - s_eps) * s), w * (s - s_eps)


def wrong_wake_rule(j, i, h, v, phi_a, phi_ab):
    return (v - sig(phi_ab)) * h          # the Hebbian term forgotten


def placeholder(*args):
    # Return the answer.
    ...


def forgot_return(*args):
    args[0] + 1


def raises(*args):
    return {}["no such key"]


def _constant(value):
    return lambda *args: value


TRIVIAL = {"0": _constant(0), "0.0": _constant(0.0), "zeros": _constant(np.zeros(2)), "None": None,
           "placeholder": placeholder, "a float": 0.5, "raises": raises, "returns None": forgot_return,
           "10**400": _constant(10 ** 400), "inf": _constant(np.inf), "nan": _constant(np.nan),
           "string": _constant("W*(sigma(phi) - sigma(phi + eps))"), "a string instead of a function": "rule"}

ANSWER_TEXT = ("sigma(", "σ(φ)", "exp(-", "1 - s")   # pieces of a formula that would give an answer away


def _refused(check, fn, capsys):
    assert check(fn) is False
    out = capsys.readouterr().out
    assert "Correct" not in out
    for piece in ANSWER_TEXT:
        assert piece not in out, f"the refusal shows {piece!r}"
    return out


# ------------------------------------------------------------------------------------- exercise 1
def test_red_green_right_answers_pass(capsys):
    assert nb05.check_red_green_identity(red_green_identity)
    assert "Correct" in capsys.readouterr().out


def test_red_green_refuses_the_sides_swapped(capsys):
    """The statement asks for (lhs, rhs) = (the red/green sum, the simplified form): the pair reversed is refused
    with a hint about the order (it used to be read right to left and accepted)."""
    out = _refused(nb05.check_red_green_identity, lambda p, e, w: red_green_identity(p, e, w)[::-1], capsys)
    assert "order" in out


@pytest.mark.parametrize("name", sorted(TRIVIAL))
def test_red_green_refuses_trivial_answers(name, capsys):
    out = _refused(nb05.check_red_green_identity, TRIVIAL[name], capsys)
    if name == "raises":
        assert "your code's error" in out and "no such key" in out
    if name == "returns None":
        assert "did you forget `return`" in out


def _other_sign(p, e, w):
    lhs, rhs = red_green_identity(p, e, w)
    return -lhs, -rhs


def _red_only(p, e, w):
    return -w * sig(p + e) * (1 - sig(p)), w * (sig(p) - sig(p + e))


def _phi_and_eps_swapped(p, e, w):
    return red_green_identity(e, p, w)


def _builds_from_its_own_symbols(p, e, w):
    x, y, z = sp.symbols("phi epsilon W", real=True)
    return red_green_identity(x, y, z)


def _rhs_other_sign(p, e, w):
    lhs, rhs = red_green_identity(p, e, w)
    return lhs, -rhs


WRONG_1 = {"1 = 1": lambda p, e, w: (sp.Integer(1), sp.Integer(1)),
           "another proven identity": lambda p, e, w: (sig(p) + sig(-p), sp.Integer(1)),
           "another identity in the same symbols": lambda p, e, w: (sp.log(sig(p)) - sp.log(sig(-p)), p),
           "the other sign": _other_sign, "the red term alone": _red_only,
           "φ and ε swapped": _phi_and_eps_swapped, "its own symbols": _builds_from_its_own_symbols,
           "right side with the other sign": _rhs_other_sign,
           "one side twice": lambda p, e, w: (red_green_identity(p, e, w)[1],) * 2,
           "strings": lambda p, e, w: tuple(str(s) for s in red_green_identity(p, e, w)),
           "three sides": lambda p, e, w: (*red_green_identity(p, e, w), p),
           "a number for W": lambda p, e, w: red_green_identity(p, e, 3)}


@pytest.mark.parametrize("name", sorted(WRONG_1))
def test_red_green_refuses_wrong_approaches(name, capsys):
    _refused(nb05.check_red_green_identity, WRONG_1[name], capsys)


def test_red_green_hints_at_the_sign(capsys):
    _refused(nb05.check_red_green_identity, _other_sign, capsys)
    assert False is nb05.check_red_green_identity(_other_sign)
    assert "wrong sign" in capsys.readouterr().out


# ------------------------------------------------------------------------------------- exercise 2
def test_wrong_wake_rule_accepts_wrong_rules(capsys):
    assert nb05.check_wrong_wake_rule(wrong_wake_rule)
    assert "Correct" in capsys.readouterr().out


def _flipped_at_one_weight(j, i, h, v, phi_a, phi_ab):
    """Wrong at one weight only: the derivations check tries every weight, so it still rejects it."""
    sign = -1 if (j, i) == (1, 2) else 1
    return (sign * sig(phi_a) + v - sig(phi_ab)) * h


def test_wrong_wake_rule_accepts_a_rule_wrong_at_one_weight_only(capsys):
    assert nb05.check_wrong_wake_rule(_flipped_at_one_weight)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(TRIVIAL))
def test_wrong_wake_rule_refuses_trivial_answers(name, capsys):
    out = _refused(nb05.check_wrong_wake_rule, TRIVIAL[name], capsys)
    if name == "raises":
        assert "your code's error" in out and "no such key" in out


WRONG_2 = {"the right rule": lambda j, i, h, v, pa, pab: sig(pa) * h + (v - sig(pab)) * h,
           "the right rule, second form": lambda j, i, h, v, pa, pab: (v + sig(pa) - sig(pab)) * h,
           "the right rule, with exp written out": lambda j, i, h, v, pa, pab:
               h * (v + sp.exp(pa) / (1 + sp.exp(pa)) - sp.exp(pab) / (1 + sp.exp(pab))),
           "a string": lambda j, i, h, v, pa, pab: "(v - sigma(phi_ab)) * h",
           "a constant": lambda j, i, h, v, pa, pab: sp.Integer(2),
           "five arguments": lambda j, i, h, v, pa: (v - sig(pa)) * h,
           "seven arguments": lambda j, i, h, v, pa, pab, extra: (v - sig(pab)) * h,
           "a symbol of its own": lambda j, i, h, v, pa, pab: (v - sig(sp.Symbol("phi_AB"))) * h,
           "a list": lambda j, i, h, v, pa, pab: [h, v],
           "an error for some weights": lambda j, i, h, v, pa, pab: (v - sig(pab)) * h if j < 2 else 1 / 0}


@pytest.mark.parametrize("name", sorted(WRONG_2))
def test_wrong_wake_rule_refuses_non_rules_and_right_rules(name, capsys):
    _refused(nb05.check_wrong_wake_rule, WRONG_2[name], capsys)


def test_a_right_rule_is_told_it_is_right(capsys):
    _refused(nb05.check_wrong_wake_rule, WRONG_2["the right rule, second form"], capsys)
    assert nb05.check_wrong_wake_rule(WRONG_2["the right rule"]) is False
    assert "is the right one" in capsys.readouterr().out


def test_a_timeout_is_not_a_rejection(monkeypatch, capsys):
    from orbm_explore import derivations as d

    class Undecided:
        verdict = d.UNDECIDED

    from orbm_explore.exercises._check import seal

    monkeypatch.setattr(d, "check_wake_rule", lambda formulas=None: Undecided())
    seal(nb05.__name__)  # as if the library had been like this at import (else the check puts the original back)
    try:
        _refused(nb05.check_wrong_wake_rule, wrong_wake_rule, capsys)
    finally:
        monkeypatch.undo()
        seal(nb05.__name__)


def test_the_statements_state_the_checkers_tolerances():
    import nbformat

    from course_support import ROOT

    statements = [c.source for c in nbformat.read(ROOT / "notebooks" / "05_derivations.ipynb", as_version=4).cells
                  if c.cell_type == "markdown" and c.source.startswith(("**1.**", "**2.**"))]
    assert len(statements) == 2
    assert f"{len(nb05.RED_GREEN_POINTS)} points" in statements[0] and "30 digits" in statements[0]
    assert nb05.IDENTITY_DIGITS == 30 and "10^{-25}" in statements[0]
    assert "3×4 model" in statements[1] and "12 pairs of inputs" in statements[1] and "25 digits" in statements[1]
    assert len({(pa, pab) for _, _, pa, pab in nb05._PROBES}) == 12


def _sides(p, e, w):
    sigmoid = lambda x: 1 / (1 + sp.exp(-x))  # noqa: E731
    return -w * (sigmoid(p + e) * (1 - sigmoid(p)) - (1 - sigmoid(p + e)) * sigmoid(p)), \
        w * (sigmoid(p) - sigmoid(p + e))


@pytest.mark.parametrize("wrong", [
    lambda p, e, w: (_sides(p, e, w)[1], _sides(p, e, w)[1] * 1),            # the simple form twice
    lambda p, e, w: (_sides(p, e, w)[0], sp.factor(_sides(p, e, w)[0])),    # a product form on both sides
    lambda p, e, w: tuple(side + sp.prod([p - x for x in (-40, -3.5, -0.25, 0, 1.5, 10)])
                          for side in _sides(p, e, w)),                      # zero at the published points
], ids=["simple form twice", "products on both sides", "zero at the published points"])
def test_red_green_refuses_forms_that_only_agree_in_value(wrong, capsys):
    assert not nb05.check_red_green_identity(wrong)


# ------------------------------------------------------------------ reading the checker's state, rebinding its helpers
def _reference_values_on_the_stack(module) -> list:
    """Every mpmath number (also inside lists, tuples and dicts, two levels deep) in the locals of the frames of
    the package or of ``module``'s file above the caller's caller: what a cheat could read while it runs."""
    import os
    import sys

    import mpmath

    import orbm_explore

    folders = (os.path.dirname(orbm_explore.__file__), os.path.dirname(module.__file__))
    found = []

    def collect(value, level):
        if isinstance(value, mpmath.mpf):
            found.append(value)
        elif level < 2 and isinstance(value, (list, tuple)):
            for item in value:
                collect(item, level + 1)
        elif level < 2 and isinstance(value, dict):
            for item in value.values():
                collect(item, level + 1)

    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.startswith(folders):
            for value in list(frame.f_locals.values()):
                collect(value, 0)
        frame = frame.f_back
    return found


def test_no_reference_value_is_on_the_stack_while_the_students_code_runs(capsys):
    """While the student's function runs, no frame of the checker holds its reference values (the notes' two
    sides at the points, the right rule at the probes): they are computed after it has returned."""
    seen = []

    def looks_1(p, e, w):
        seen.append(_reference_values_on_the_stack(nb05))
        return red_green_identity(p, e, w)

    def looks_2(j, i, h, v, phi_a, phi_ab):
        seen.append(_reference_values_on_the_stack(nb05))
        return wrong_wake_rule(j, i, h, v, phi_a, phi_ab)

    assert nb05.check_red_green_identity(looks_1) and nb05.check_wrong_wake_rule(looks_2)
    seen = [[x for x in found if x != nb05._RTOL] for found in seen]  # the tolerance, in the harness's snapshot
    assert len(seen) == 1 + 12 and all(found == [] for found in seen), [len(found) for found in seen]


def test_rebinding_the_checkers_helpers_in_a_cell_changes_nothing(capsys, monkeypatch):
    """A cell that rebinds the module's comparison, its reference rule or the derivations check right after the
    import, then a matching wrong answer: the check puts the originals back, says so, and refuses."""
    from checker_attacks import drop, fresh_copy
    from orbm_explore import derivations as d

    fresh = fresh_copy(nb05)
    try:
        fresh._same = lambda got, want, sign=1: True
        out = _refused(fresh.check_red_green_identity, _other_sign, capsys)
        assert "Note:" in out and "_same" in out

        class Fails:
            verdict = d.FAILS

        fresh._right_rule = lambda j, i, h, v, phi_a, phi_ab: 7 * h
        monkeypatch.setattr(d, "check_wake_rule", lambda formulas=None: Fails())
        out = _refused(fresh.check_wrong_wake_rule, WRONG_2["the right rule"], capsys)
        assert "Note:" in out and "_right_rule" in out and "check_wake_rule" in out
        assert fresh.check_red_green_identity(red_green_identity)
        assert fresh.check_wrong_wake_rule(wrong_wake_rule)
    finally:
        drop(fresh)
