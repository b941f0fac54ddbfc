"""Checkers for notebook 05 (the notes' algebra): one identity of the notes in SymPy, and a wake rule that fails.

Exercise 1 asks for §2's red/green identity and checks that the two sides are *those* two functions, not
any identity SymPy can prove. Exercise 2 asks for a deliberately wrong wake rule and checks that it is a
rule (a function of the six arguments returning an expression in them), that it is wrong, and that the
derivations package's check rejects it. Each checker passes its own symbols (the student's function gets
deep copies) and computes its reference values only after the student's function has returned.
"""

from __future__ import annotations

import inspect
from dataclasses import replace
from typing import Any, Callable

import mpmath
import numpy as np
import sympy as sp

from .. import derivations as d  # at import, so that seal() records its functions (a cell cannot patch them)
from ._check import NO_ANSWER, call_student, checker, correct, not_yet, seal, student_function

__all__ = ["check_red_green_identity", "check_wrong_wake_rule", "RED_GREEN_POINTS", "IDENTITY_DIGITS", "SPOILERS"]

IDENTITY_DIGITS = 30   # "compared to 25 significant digits": evaluated with 30, relative tolerance 1e-25
_RTOL = mpmath.mpf("1e-25")

# (φ, ε, W): both signs of W and ε, the notes' values 0, ±10, ±40, small and large magnitudes.
RED_GREEN_POINTS: tuple[tuple[float, float, float], ...] = tuple(
    (p, e, w) for p in (-40.0, -3.5, -0.25, 0.0, 1.5, 10.0) for e in (-10.0, -0.75, 0.0, 2.0, 40.0)
    for w in (-7.0, 3.0))

_EXPECTED_1 = "a function red_green_identity(phi, eps, w) returning a pair of SymPy expressions (lhs, rhs)"
_EXPECTED_2 = "a function wrong_wake_rule(j, i, h, v, phi_a, phi_ab) returning a SymPy expression"


def _mp_sigmoid(x: Any) -> Any:
    return 1 / (1 + mpmath.exp(-x))


def _red_green(p: Any, e: Any, w: Any) -> Any:
    """−W [σ(φ+ε)(1 − σ(φ)) − (1 − σ(φ+ε)) σ(φ)], the notes' red/green form (§2), in mpmath."""
    s, t = _mp_sigmoid(p), _mp_sigmoid(p + e)
    return -w * (t * (1 - s) - (1 - t) * s)


def _as_expression(value: Any) -> sp.Expr | None:
    """A SymPy expression (numbers become SymPy numbers); None for strings and anything else."""
    if isinstance(value, (str, bytes, bool)):
        return None
    if isinstance(value, sp.Basic):
        return value if isinstance(value, sp.Expr) else None
    if isinstance(value, (int, float)):
        try:
            return sp.sympify(value)
        except Exception:
            return None
    return None


def _values(expr: sp.Expr, symbols: tuple, points: tuple) -> list | None:
    """The expression at each point, with :data:`IDENTITY_DIGITS` digits; None if it is not a finite real number."""
    with mpmath.workdps(IDENTITY_DIGITS):
        out = []
        for point in points:
            try:
                value = expr.xreplace(dict(zip(symbols, (sp.Float(x, IDENTITY_DIGITS) for x in point)))) \
                    .evalf(IDENTITY_DIGITS)
                number = mpmath.mpf(str(value)) if value.is_number else None  # "I", "zoo" and "nan" fail here
            except Exception:
                return None
            if not isinstance(number, mpmath.mpf) or not mpmath.isfinite(number):
                return None
            out.append(number)
        return out


def _sigmoid_products(expr: sp.Expr) -> int:
    """The most factors involving ``exp`` in one product of the expression as written (2 for σ(a)·σ(b))."""
    try:
        nodes = sp.preorder_traversal(expr.rewrite(sp.exp))
        return max((sum(1 for factor in node.args if factor.has(sp.exp)) for node in nodes
                    if isinstance(node, sp.Mul)), default=0)
    except Exception:
        return 0


def _same(got: list, want: list, sign: int = 1) -> bool:
    """``got == sign · want`` within a relative 1e-25, in 30-digit arithmetic (negating at 15 digits would round)."""
    with mpmath.workdps(IDENTITY_DIGITS):
        return all(abs(g - sign * w) <= _RTOL * max(1, abs(w)) for g, w in zip(got, want))


@checker(_EXPECTED_1)
def check_red_green_identity(fn: Callable[[Any, Any, Any], object]) -> bool:
    """Exercise 1: ``fn(phi, eps, w)`` returns (lhs, rhs): §2's red/green form and the notes' simplified form.

    Both sides are evaluated at :data:`RED_GREEN_POINTS` with 30 digits and compared with the notes' two
    sides within a relative 1e-25. The symbols passed in are the checker's own, so expressions built from
    other symbols (``d.phi`` …) are refused with a hint. The sides must come in the order asked, (red/green
    form, simplified form): the pair reversed is refused. The reference values are computed after the
    student's function has returned.
    """
    symbols = sp.symbols("x y z", real=True)
    if not student_function(fn, _EXPECTED_1):
        return False
    got = call_student(fn, *symbols)
    if got is NO_ANSWER:
        return False
    if isinstance(got, (str, bytes)) or not isinstance(got, (tuple, list)) or len(got) != 2:
        return not_yet(f"return a pair (lhs, rhs) of SymPy expressions, got {type(got).__name__}.")
    sides = [_as_expression(side) for side in got]
    if any(side is None for side in sides):
        kinds = ", ".join(type(side).__name__ for side in got)
        return not_yet(f"each side should be a SymPy expression built from the three symbols you are given "
                       f"(got {kinds}); a string is not an expression.")
    lhs, rhs = sides
    stray = (lhs.free_symbols | rhs.free_symbols) - set(symbols)
    if stray:
        return not_yet("your expressions contain symbols other than the three the check passes in "
                       f"({', '.join(sorted(map(str, stray)))}): build both sides from the function's arguments.")
    if sp.srepr(lhs) == sp.srepr(rhs):
        return not_yet("the two sides are the same expression, which proves nothing: the left side is the notes' "
                       "red-and-green form, the right side the form they simplify it to.")
    if _sigmoid_products(lhs) < 2 <= _sigmoid_products(rhs):
        return not_yet("your right side multiplies sigmoids together and your left side does not: the exercise "
                       "asks for the pair in the order (lhs, rhs), the left side the red-and-green form as the "
                       "notes write it, the right side the form they simplify it to.")
    if _sigmoid_products(lhs) < 2:
        return not_yet("the left side should be the notes' red-and-green form as they write it: each region's "
                       "probability is a product of two sigmoid terms.")
    if _sigmoid_products(rhs) > 1:
        return not_yet("the right side still multiplies sigmoids together: it should be the simple form the notes "
                       "reach, with each sigmoid on its own.")
    rng = np.random.default_rng()  # fresh points each run, beyond the published ones
    points = RED_GREEN_POINTS + tuple(tuple(row) for row in rng.uniform(-12.0, 12.0, (12, 3)).round(6))
    with mpmath.workdps(IDENTITY_DIGITS):
        want = [_red_green(*(mpmath.mpf(x) for x in point)) for point in points]
    values = [_values(side, symbols, points) for side in (lhs, rhs)]
    if any(v is None for v in values):
        return not_yet("a side does not evaluate to a finite real number at every point the check tries.")
    for name, value in zip(("left", "right"), values):
        if _same(value, want):
            continue
        if _same(value, want, sign=-1):
            return not_yet(f"the {name} side has the wrong sign: where v would be on under both causes but off "
                           "under A alone (red), the notes subtract the weight.")
        if name == "left":
            return not_yet("the left side is not yet the notes' red-and-green form: the red region's probability "
                           "times −W, plus the green region's probability times +W.")
        return not_yet("the right side is not yet the form the notes simplify the red/green sum to: a single "
                       "multiple of W, like the vanilla part.")
    return correct("both sides are §2's: the red/green sum and the form it simplifies to, at every point tried.")


# ------------------------------------------------------------------------------------------ exercise 2
def _right_rule(j: int, i: int, h: Any, v: Any, phi_a: Any, phi_ab: Any) -> Any:
    return (1 / (1 + sp.exp(-phi_a))) * h + (v - 1 / (1 + sp.exp(-phi_ab))) * h


_PROBES = tuple((h, v, pa, pab) for h in (0, 1) for v in (0, 1) for pa in (-2.5, 0.0, 1.25, 7.0)
                for pab in (-6.0, -0.5, 3.0))


def _takes_six_arguments(fn: Callable) -> bool:
    try:
        inspect.signature(fn).bind(0, 0, 0, 0, 0, 0)
    except TypeError:
        return False
    except ValueError:  # no signature (a builtin): let the call decide
        return True
    return True


@checker(_EXPECTED_2)
def check_wrong_wake_rule(fn: Callable[..., object]) -> bool:
    """Exercise 2: ``fn(j, i, h, v, phi_a, phi_ab)`` is a wake rule for ΔW^A_ji that is wrong, and
    ``derivations.check_wake_rule`` rejects it (✗).

    Refused: anything that is not a function of six arguments returning a SymPy expression in ``h, v,
    phi_a, phi_ab`` (a string, a constant), and a rule equal to the notes' right rule at every probe
    point for every weight of the 3×4 model the check uses.
    """
    symbols = sp.symbols("h v phi_A phi_AB", real=True)
    if not student_function(fn, _EXPECTED_2):
        return False
    if not _takes_six_arguments(fn):
        return not_yet("a wake rule takes six arguments, (j, i, h, v, phi_a, phi_ab): the weight's indices, the "
                       "hidden and visible states and the two inputs.")
    rule = {}
    for j in range(3):
        for i in range(4):
            got = call_student(fn, j, i, *symbols)
            if got is NO_ANSWER:
                return False
            expr = _as_expression(got)
            if expr is None:
                return not_yet(f"the rule should return a SymPy expression in h, v, phi_a and phi_ab, got "
                               f"{type(got).__name__}.")
            if expr.free_symbols - set(symbols):
                return not_yet("the rule's expression contains symbols other than its arguments: build it from "
                               "h, v, phi_a and phi_ab.")
            if not expr.free_symbols:
                return not_yet("a rule that returns the same number whatever the states and inputs is not a "
                               "learning rule: make a plausible mistake in the notes' rule instead.")
            rule[j, i] = expr
    # Judged now that the student's code has returned: the notes' right rule at the probe points.
    right = {(j, i): _values(_right_rule(j, i, *symbols), symbols, _PROBES) for j in range(3) for i in range(4)}
    differs = False
    for (j, i), expr in rule.items():
        values = _values(expr, symbols, _PROBES)
        if values is None:
            return not_yet("the rule does not give a finite real number at some states and inputs the check tries.")
        differs = differs or not _same(values, right[j, i])
    if not differs:
        return not_yet("that rule is the right one (at every weight, state and input the check tries): the "
                       "exercise asks for a deliberately wrong rule, to see the check reject it.")

    def rule_at(j: int, i: int, h: Any, v: Any, pa: Any, pab: Any) -> Any:
        """The student's rule, as called above (never their function again: an error there is not a rejection)."""
        return rule[j % 3, i % 4].xreplace(dict(zip(symbols, (h, v, pa, pab))))

    claim = d.check_wake_rule(replace(d.NOTES, wake_weight=rule_at))
    if claim.verdict == d.UNDECIDED:
        return not_yet("the derivations check ran out of time on that rule, which is not a rejection: try a simpler "
                       "wrong rule.")
    if claim.verdict != d.FAILS:
        return not_yet("the derivations check did not reject that rule: make it wrong for every weight, not only at "
                       "special values.")
    return correct("your rule is wrong, and the derivations check rejects it (✗) with a counterexample.")


# What would give the exercises away if a Run-All output showed it: exercise 1's right side as SymPy prints it,
# and the answers to the two "why" questions (they live in the collapsed solutions' comments only).
SPOILERS: tuple[str, ...] = ("W*(-1/(exp(-epsilon - phi) + 1) + 1/(1 + exp(-phi)))", "identity of polynomials",
                             "A check of one weight would pass it")

seal(__name__)
