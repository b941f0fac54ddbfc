"""Shared plumbing of the exercise checkers: calling the student's function safely, and the outcome messages.

The contract every checker follows:

1. Check that the answer is a function that was attempted (:func:`student_function`).
2. Call it through :func:`call_student` on every problem, which passes deep
   copies of the inputs (so a function that edits its inputs in place can
   neither move the target nor be refused for it), turns an exception inside
   the student's code into a report of the student's own error, and turns a
   forgotten ``return`` into a hint.
3. Only then, after the student's code has returned, build the reference
   answers, on objects the student never saw (built again from fixed seeds or
   constants). Checkers that build them before the call (on private copies)
   are safe against mutation but leave the expected values on the stack while
   the student's code runs (see below); notebooks 03 and 06 build them after.
4. Convert the result with :func:`as_finite_array` or :func:`as_real`, which
   never raise, and compare.

Checkers are wrapped in :func:`checker`, so no answer of any type or size can
make a checker raise.

What a checker can and cannot defend against
--------------------------------------------
The student's function runs in the checker's own process, so nothing here is
airtight against a student who sets out to cheat with arbitrary Python. What
the harness does:

* Checkers call the student's function on every problem first and only then,
  after it has returned, build their reference answers (from fixed seeds, on
  fresh objects). While the student's code runs, no frame on the stack holds an
  expected value, so reading the checker's locals through
  ``inspect.currentframe().f_back`` finds only the student's own inputs, and
  editing objects the checker holds changes nothing that is judged.
* :func:`call_student` snapshots the functions of numpy, scipy.special, sympy,
  mpmath and every loaded ``orbm_explore`` module (including the methods of the
  library's classes and the code and defaults of its Python functions), and
  every global of the checker modules (``orbm_explore.exercises.*``, values
  compared by content, so a tolerance rebound or a constant array edited in
  place is caught). Whatever the student's function changed is put back and the
  answer is refused.
* A checker module calls :func:`seal` at the end of its import (one that does
  not is sealed at its first check); every checker run first compares that
  module and the guarded library functions with the sealed state and puts back
  what a notebook cell changed in between (so rebinding ``nbNN.<helper>``, a
  tolerance or ``np.allclose`` in a cell before running a check cell changes
  nothing that is judged), with a note saying what it put back.
* A checker called from inside the function it checks refuses at once.

What it cannot do (a deliberate cheat, not a mistake): a notebook cell can
rebind the checker itself (``nb03.check_best_gain = lambda f: True``); the
student's function can call the checker module's own reference helpers, read
its constants or its source; it can reach this module's snapshot records
through the stack or ``gc`` and edit them together with what they guard; and it
can use ``ctypes`` to write a frame's locals or an immutable object. Ordinary
mistakes never do any of this; the tables in tests/test_exercises_nbNN.py show
that the ordinary mistakes, and the cheats listed above as defended, are refused.
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
import types
from typing import Any, Callable

import numpy as np

__all__ = ["NO_ANSWER", "attempted", "correct", "not_yet", "as_finite_array", "as_real", "student_function",
           "call_student", "checker", "seal"]


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
    """``got`` as one finite float, or None. Never raises.

    Accepted: a real number (int, float, numpy scalar) or a numpy array holding exactly one real number,
    whatever its shape (``()``, ``(1,)``, ``(1, 1)``: what ``x[0:1]`` or a sum with ``keepdims`` gives).
    Refused: bools, strings, complex numbers, lists, arrays of more than one value, inf, NaN and ints
    beyond float64.
    """
    if isinstance(got, np.ndarray):
        if got.size != 1 or got.dtype == np.bool_:
            return None
        got = np.asarray(got).reshape(-1)[0]  # a numpy scalar (or the object in an object array)
    if isinstance(got, (bool, np.bool_)):
        return None
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
_CHECKER_PACKAGE = "orbm_explore.exercises"


def _is_checker_module(name: str) -> bool:
    return name.startswith(_CHECKER_PACKAGE + ".") and name != __name__


def _library_snapshot() -> list[tuple[Any, str, Any, Any]]:
    """What a checker relies on, as (owner, name, object, record) rows; :func:`_restore` puts back what changed.

    * the functions and classes of numpy, numpy.linalg, scipy.special, sympy, mpmath and every loaded
      ``orbm_explore`` module, by identity (a student's ``np.allclose = lambda *a: True``);
    * the methods and attributes of every class defined in ``orbm_explore`` (``TwoCauseRBM.psi = ...``);
    * the code, defaults and keyword defaults of every Python function among them (``f.__code__ = ...``);
    * every global of the checker modules ``orbm_explore.exercises.*`` except modules, by identity and by a
      private deep copy of its value (a tolerance rebound, a constant array or dict edited in place).
    """
    names = [*_GUARDED_MODULES, *(name for name in list(sys.modules) if name.startswith("orbm_explore"))]
    rows: list[tuple[Any, str, Any, Any]] = []
    seen_classes: set[int] = set()
    for module in (sys.modules[name] for name in names if name in sys.modules):
        checker_module = _is_checker_module(module.__name__)
        for key, value in list(vars(module).items()):
            if isinstance(value, types.ModuleType) or (key.startswith("__") and key.endswith("__")):
                continue
            if callable(value):
                rows.append((module, key, value, _function_record(value)))
                if isinstance(value, type) and getattr(value, "__module__", "").startswith("orbm_explore") \
                        and id(value) not in seen_classes:
                    seen_classes.add(id(value))
                    for attribute, member in list(vars(value).items()):  # methods only: class data may be a cache
                        if isinstance(member, (types.FunctionType, staticmethod, classmethod, property)):
                            rows.append((value, attribute, member, _function_record(member)))
            elif checker_module:
                rows.append((module, key, value, _data_record(value)))
    return rows


def _function_record(value: Any) -> Any:
    if isinstance(value, types.FunctionType):
        return ("function", value.__code__, value.__defaults__, value.__kwdefaults__)
    return None


_UNCOPYABLE = object()


_DATA_TYPES = (numbers.Number, str, bytes, np.ndarray, np.generic, list, tuple, dict, types.MappingProxyType,
               set, frozenset, type(None))


def _data_record(value: Any) -> Any:
    """A private copy of a constant (numbers, strings, arrays, containers); None (identity only) for other objects."""
    if not isinstance(value, _DATA_TYPES):
        return None
    try:
        if isinstance(value, types.MappingProxyType):
            return ("proxy", _with_flags(dict(value), copy.deepcopy(dict(value))))
        return ("data", _with_flags(value, copy.deepcopy(value)))
    except Exception:  # a value that cannot be copied is compared by identity only
        return ("data", _UNCOPYABLE)


def _with_flags(original: Any, copied: Any) -> Any:
    """``copied`` with the read-only flags of the arrays in ``original`` (a deep copy makes arrays writeable)."""
    if isinstance(original, np.ndarray) and isinstance(copied, np.ndarray):
        copied.flags.writeable = bool(original.flags.writeable)
    elif isinstance(original, (list, tuple)) and isinstance(copied, (list, tuple)):
        for a, b in zip(original, copied):
            _with_flags(a, b)
    elif isinstance(original, dict) and isinstance(copied, dict):
        for key in original:
            if key in copied:
                _with_flags(original[key], copied[key])
    return copied


def _same(current: Any, saved: Any) -> bool:
    """``current`` still holds the values of the private copy ``saved`` (arrays, containers, numbers). Never raises."""
    try:
        if isinstance(saved, np.ndarray):
            return isinstance(current, np.ndarray) and current.dtype == saved.dtype \
                and current.shape == saved.shape and current.tobytes() == saved.tobytes() \
                and bool(current.flags.writeable) == bool(saved.flags.writeable)
        if isinstance(saved, (dict, types.MappingProxyType)):
            return isinstance(current, (dict, types.MappingProxyType)) and list(current) == list(saved) \
                and all(_same(current[key], saved[key]) for key in saved)
        if isinstance(saved, (set, frozenset)):
            return type(current) is type(saved) and current == saved
        if isinstance(saved, (list, tuple)):
            return type(current) is type(saved) and len(current) == len(saved) \
                and all(_same(a, b) for a, b in zip(current, saved))
        if isinstance(saved, float) and saved != saved:
            return isinstance(current, float) and current != current
        if type(current) is not type(saved):
            return False
        return bool(current == saved)
    except Exception:
        return False


def _put_back_content(current: Any, saved: Any) -> bool:
    """Copy ``saved``'s values back into ``current`` in place; False if that is not possible."""
    try:
        if isinstance(current, np.ndarray) and isinstance(saved, np.ndarray) and current.shape == saved.shape \
                and current.dtype == saved.dtype:
            owner = current if current.base is None or not isinstance(current.base, np.ndarray) else current.base
            owner_writeable = owner.flags.writeable
            owner.flags.writeable = True
            current.flags.writeable = True
            current[...] = saved
            current.flags.writeable = saved.flags.writeable  # as it was when recorded (a read-only constant)
            owner.flags.writeable = owner_writeable and saved.flags.writeable
            return True
        if isinstance(current, dict) and type(saved) is dict:
            current.clear()
            current.update(copy.deepcopy(saved))
            return True
        if isinstance(current, list) and isinstance(saved, list):
            current[:] = copy.deepcopy(saved)
            return True
        if isinstance(current, tuple) and isinstance(saved, tuple) and len(current) == len(saved):
            return all(_same(a, b) or _put_back_content(a, b) for a, b in zip(current, saved))
    except Exception:
        return False
    return False


def _restore(snapshot: list[tuple[Any, str, Any, Any]]) -> list[str]:
    """Put back everything in ``snapshot`` that changed since it was taken; the changed names."""
    changed = []
    for owner, key, value, record in snapshot:
        name = f"{getattr(owner, '__module__', '') + '.' if isinstance(owner, type) else ''}" \
               f"{owner.__name__}.{key}"
        try:
            current = vars(owner).get(key, _UNCOPYABLE)
            if current is not value:
                setattr(owner, key, value)
                changed.append(name)
            if record is None:
                continue
            if record[0] == "function":
                _, code, defaults, kwdefaults = record
                if value.__code__ is not code or value.__defaults__ is not defaults \
                        or value.__kwdefaults__ is not kwdefaults:
                    value.__code__, value.__defaults__, value.__kwdefaults__ = code, defaults, kwdefaults
                    changed.append(name)
                continue
            kind, saved = record
            if saved is _UNCOPYABLE or _same(value, saved):
                continue
            if kind == "proxy" or not _put_back_content(value, saved):
                fresh = types.MappingProxyType(copy.deepcopy(saved)) if kind == "proxy" else copy.deepcopy(saved)
                setattr(owner, key, fresh)
                for index, row in enumerate(snapshot):  # later comparisons (this run) are with the fresh copy
                    if row[0] is owner and row[1] == key:
                        snapshot[index] = (owner, key, fresh, record)
            if name not in changed:
                changed.append(name)
        except Exception:  # an attribute that cannot be set back (a C type): say so, never raise
            changed.append(name)
    return changed


_SEALED: dict[str, list[tuple[Any, str, Any, Any]]] = {}


def seal(module_name: str) -> None:
    """Record the checker module ``module_name`` and the guarded libraries as they are now (at its import).

    Every run of a checker from that module first puts back whatever has changed since (a notebook cell
    that rebound one of the module's helpers or constants, or ``np.allclose``), and says so.
    """
    _SEALED[module_name] = _library_snapshot()


def _unseal_changes(module_name: str) -> None:
    """Put back what changed since ``seal(module_name)``; a note naming it (seals the module if it never was)."""
    sealed = _SEALED.get(module_name)
    if sealed is None:
        seal(module_name)
        return
    changed = _restore(sealed)
    if changed:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        print(f"Note: {shown} had been changed since the checks were loaded; the check put the original back "
              "and uses it.")


_ACTIVE: list[str] = []


def checker(expected: str) -> Callable[[Callable[..., bool]], Callable[..., bool]]:
    """Decorate a checker so that no answer can make it raise.

    Whatever escapes the checker's own comparison code (an answer of a kind no
    branch foresaw) is reported as "Not yet" with ``expected``, the kind of
    answer the exercise asks for.
    """
    def wrap(check: Callable[..., bool]) -> Callable[..., bool]:
        @functools.wraps(check)
        def run(*args: Any, **kwargs: Any) -> bool:
            if _ACTIVE:  # the student's function called a check: it would recurse without end
                return not_yet("a check cannot be run from inside the function it checks. Compute the answer "
                               "in your function and run the check cell on its own.")
            _ACTIVE.append(check.__name__)
            try:
                _unseal_changes(check.__module__)
                return bool(check(*args, **kwargs))
            except (Exception, SystemExit):
                return not_yet(f"the answer could not be checked; the exercise expects {expected}.")
            finally:
                _ACTIVE.clear()
        return run
    return wrap


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        text = type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."
