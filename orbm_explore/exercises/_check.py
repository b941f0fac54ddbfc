"""Shared plumbing of the exercise checkers: calling the student's function safely, and the outcome messages.

The contract every checker follows:

1. Build the reference answer first, on objects the student never sees.
2. Check that the answer is a function that was attempted (:func:`student_function`).
3. Call it through :func:`call_student`, which passes deep copies of the inputs
   (so a function that edits its inputs in place can neither move the target
   nor be refused for it), turns an exception inside the student's code into
   a report of the student's own error, and turns a forgotten ``return`` into
   a hint.
4. Convert the result with :func:`as_finite_array` or :func:`as_real`, which
   never raise, and compare.

Checkers are wrapped in :func:`checker`, so no answer of any type or size can
make a checker raise.
"""

from __future__ import annotations

import ast
import copy
import functools
import inspect
import numbers
import sys
import textwrap
import traceback
from typing import Any, Callable

import numpy as np

__all__ = ["NO_ANSWER", "attempted", "correct", "not_yet", "as_finite_array", "as_real", "student_function",
           "call_student", "checker"]


class _NoAnswer:
    """The result of :func:`call_student` when there is nothing to compare (feedback already printed)."""

    def __repr__(self) -> str:
        return "NO_ANSWER"


NO_ANSWER = _NoAnswer()


def attempted(got: Any) -> bool:
    """False (after saying so) for the placeholder answer: ``None`` or ``...``."""
    if got is None or got is Ellipsis:
        print("Not attempted yet: fill in the exercise above, run its cell, then run this check again.")
        return False
    return True


def correct(message: str) -> bool:
    """Report a right answer."""
    print(f"Correct: {message}")
    return True


def not_yet(hint: str) -> bool:
    """Report a wrong answer with a hint that does not give the answer away."""
    print(f"Not yet: {hint}")
    return False


def as_finite_array(got: Any, shape: tuple[int, ...]) -> np.ndarray | None:
    """``got`` as a finite float64 array of exactly ``shape``, or None if it is not one. Never raises."""
    if got is None or isinstance(got, (str, bytes, dict, set, bool, np.bool_)) or callable(got):
        return None
    try:
        array = np.array(got, dtype=np.float64)
    except Exception:  # ragged lists, huge ints (OverflowError), objects numpy cannot convert
        return None
    if isinstance(got, np.ndarray) and got.dtype == np.bool_:
        return None
    if array.shape != tuple(shape) or not np.all(np.isfinite(array)):
        return None
    return array


def as_real(got: Any) -> float | None:
    """``got`` as one finite float (not a bool, string or array of more than one value), or None. Never raises."""
    if isinstance(got, (bool, np.bool_)):
        return None
    if isinstance(got, np.ndarray) and got.shape == ():
        got = got[()]
    if not isinstance(got, numbers.Real):
        return None
    try:
        value = float(got)
    except Exception:  # an int beyond float64
        return None
    return value if np.isfinite(value) else None


def _placeholder(*args: Any, **kwargs: Any) -> None:
    ...


def _is_placeholder(fn: Callable) -> bool:
    """True when the function's body is only a docstring, comments, ``...`` or ``pass``."""
    try:
        source = textwrap.dedent(inspect.getsource(fn))
        tree = ast.parse(source)
    except Exception:  # no source: a body that only returns None compiles to the same code as ``...``
        code = getattr(fn, "__code__", None)
        return code is not None and code.co_code == _placeholder.__code__.co_code \
            and code.co_name != "<lambda>"
    node = tree.body[0] if tree.body else None
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False  # a lambda: it returns its expression, so it is an attempt
    for statement in node.body:
        if isinstance(statement, ast.Pass):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
                and (statement.value.value is Ellipsis or isinstance(statement.value.value, str)):
            continue
        return False
    return True


def student_function(fn: Any, expected: str) -> bool:
    """True when ``fn`` is a function worth calling; otherwise say why and return False.

    Parameters
    ----------
    fn : object
        What the student passed to the checker.
    expected : str
        What the exercise asks for, e.g. ``"a function biggest_drop() returning a preset name"``.
    """
    if fn is None or fn is Ellipsis:
        return attempted(fn)
    if not callable(fn):
        return not_yet(f"the checker expects {expected}, got a {type(fn).__name__} ({_short(fn)}). "
                       "Pass the function itself, without calling it.")
    if _is_placeholder(fn):
        return attempted(None)
    return True


def call_student(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` on deep copies of the arguments; :data:`NO_ANSWER` (feedback printed) if nothing came back.

    An exception inside the student's function is shown as the student's own
    error, with their lines, and the notebook keeps running. A ``None`` result
    gets the hint that a ``return`` may be missing.
    """
    try:
        args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    except Exception:  # an argument that cannot be copied is the checker's own object; pass it as is
        pass
    guarded = _library_snapshot()
    try:
        got = fn(*args, **kwargs)
    except (Exception, SystemExit) as error:  # exit() in a notebook cell is the student's error too
        frames = traceback.extract_tb(error.__traceback__)[1:]  # drop this function's own frame
        print("Not yet: your function raised an error (this is your code's error, not the checker's):")
        print("".join(traceback.format_list(frames)).rstrip())
        print("".join(traceback.format_exception_only(type(error), error)).rstrip())
        _restore(guarded)
        return NO_ANSWER
    changed = _restore(guarded)
    if changed:
        print(f"Not yet: your function replaced {', '.join(changed)}, which the check relies on; they are put "
              "back. Compute the answer without changing the library or numpy.")
        return NO_ANSWER
    if got is None:
        print("Not yet: your function returned None — did you forget `return`?")
        return NO_ANSWER
    if got is Ellipsis:
        attempted(got)
        return NO_ANSWER
    return got


_GUARDED_MODULES = ("numpy", "numpy.linalg", "scipy.special", "sympy", "mpmath")


def _library_snapshot() -> list[tuple[Any, dict[str, Any]]]:
    """The functions and classes of numpy, scipy.special, sympy, mpmath and every loaded orbm_explore module.

    A student's function that rebinds one of them (``np.allclose = lambda *a: True``) would change what a
    checker compares with; :func:`_restore` puts them back and names them.
    """
    names = [*_GUARDED_MODULES, *(name for name in sys.modules if name.startswith("orbm_explore"))]
    modules = [sys.modules[name] for name in names if name in sys.modules]
    return [(module, {key: value for key, value in vars(module).items() if callable(value)}) for module in modules]


def _restore(snapshot: list[tuple[Any, dict[str, Any]]]) -> list[str]:
    """Put back every snapshotted function the call replaced or removed; their names."""
    changed = []
    for module, functions in snapshot:
        current = vars(module)
        for key, value in functions.items():
            if current.get(key) is not value:
                setattr(module, key, value)
                changed.append(f"{module.__name__}.{key}")
    return changed


def checker(expected: str) -> Callable[[Callable[..., bool]], Callable[..., bool]]:
    """Decorate a checker so that no answer can make it raise.

    Whatever escapes the checker's own comparison code (an answer of a kind no
    branch foresaw) is reported as "Not yet" with ``expected``, the kind of
    answer the exercise asks for.
    """
    def wrap(check: Callable[..., bool]) -> Callable[..., bool]:
        @functools.wraps(check)
        def run(*args: Any, **kwargs: Any) -> bool:
            try:
                return bool(check(*args, **kwargs))
            except (Exception, SystemExit):
                return not_yet(f"the answer could not be checked; the exercise expects {expected}.")
        return run
    return wrap


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        text = type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."
