"""Cheats that read the checker's state or rebind its helpers, shared by tests/test_exercises_nb00 … nb05.

* :func:`checker_numbers`: every number a cheat can read from the checker's frames above the student's function
  (:func:`test_exercises.stack_numbers`, also from an old copy of the module kept outside the package);
* :func:`on_stack`: whether an answer is among them;
* :func:`peeking`: a student's function that returns the checker's local ``want`` if it finds one on the stack;
* :func:`fresh_copy`: the checker module imported again from its file, as a notebook's first import does, so that a
  cell can rebind its helpers *before* any check has run (what ``seal(__name__)`` at import is for).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any, Callable

import numpy as np
from test_exercises import reachable, stack_numbers

import orbm_explore

_PACKAGE = os.path.dirname(orbm_explore.__file__)


def checker_numbers(module) -> list[np.ndarray]:
    """:func:`stack_numbers` from the frames of the package and of ``module``'s own folder (an old copy in /tmp)."""
    folder = os.path.dirname(module.__file__)
    found = stack_numbers(depth=40)
    if not folder.startswith(_PACKAGE):
        found += stack_numbers(depth=40, package=folder)
    return found


def on_stack(answer: Any, found: list[np.ndarray]) -> bool:
    """``answer`` (each of up to two numbers, or the whole array) is among the numbers ``found``."""
    shape = np.shape(answer)
    return reachable(answer, found) or any(f.shape == shape and np.allclose(f, answer, rtol=1e-9, atol=0)
                                           for f in found)


def peeking(module, fallback: Callable[..., Any], convert: Callable[[Any, tuple], Any] = lambda value, args: value,
            names: tuple[str, ...] = ("want",)) -> Callable[..., Any]:
    """A cheat: returns ``convert(local, args)`` for the first of ``names`` found among the locals of a frame of
    the package or of ``module``'s file on the stack, else ``fallback(*args)`` (a wrong answer)."""
    folders = (_PACKAGE, os.path.dirname(module.__file__))

    def cheat(*args):
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_filename.startswith(folders):
                for name in names:
                    if name in frame.f_locals:
                        return convert(frame.f_locals[name], args)
            frame = frame.f_back
        return fallback(*args)
    return cheat


def fresh_copy(module):
    """``module`` imported again from its file under a new name (sealed at import if it calls ``seal``).

    Registered in ``sys.modules`` while the test runs, as an import does; :func:`drop` removes it.
    """
    name = f"orbm_explore.exercises._fresh_{module.__name__.rsplit('.', 1)[-1]}"
    spec = importlib.util.spec_from_file_location(name, module.__file__)
    fresh = importlib.util.module_from_spec(spec)
    sys.modules[name] = fresh
    try:
        spec.loader.exec_module(fresh)
    except BaseException:
        del sys.modules[name]
        raise
    return fresh


def drop(fresh) -> None:
    """Forget the copy made by :func:`fresh_copy` (its module entry and its seal)."""
    from orbm_explore.exercises import _check

    sys.modules.pop(fresh.__name__, None)
    _check._SEALED.pop(fresh.__name__, None)
