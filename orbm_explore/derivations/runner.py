"""Running the checks: the task list, the ``only`` filter, forked workers, progress, crash safety.

:func:`verify_all` runs every check (the claims, the library bridges, the errata) and returns the
claims in a fixed order. A check that raises becomes a ✗ row naming the error (never a crash of
the run). :data:`LAST_RUN` holds the CPU time of each task and of the slowest SymPy step.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import time
from typing import Callable, Sequence

from . import engine
from .bridge import BRIDGES
from .claims import CHECKS
from .engine import Claim, crashed_claim
from .errata import ERRATA_CHECKS
from .formulas import Formulas

__all__ = ["verify_all", "task_names", "check_only", "LAST_RUN"]

LAST_RUN: dict = {}
"""``{"tasks": {name: {"cpu": s, "wall": s, "slowest_step": s, "ran_out": n}}, "wall": s}`` of the last run."""


def _all_tasks(formulas: Formulas, bridges: bool = True, errata: bool = True) -> list[tuple[str, str, Callable]]:
    """(name, role of a crash row, task) for every check."""
    tasks = [(c.__name__, "library", lambda c=c: c(formulas)) for c in CHECKS]
    if bridges:
        tasks += [(b.__name__, "bridge", lambda b=b: b(formulas)) for b in BRIDGES]
    if errata:
        tasks += [(f"errata.{name}", "correction", check) for name, check in ERRATA_CHECKS]
    return tasks


def task_names(bridges: bool = True, errata: bool = True) -> list[str]:
    """The names ``verify_all(only=...)`` selects from (substrings match): checks, bridges, ``errata.*``."""
    return [name for name, _, _ in _all_tasks(Formulas(), bridges, errata)]


def check_only(only: Sequence[str] | None, bridges: bool = True, errata: bool = True) -> None:
    """Raise ValueError unless ``only`` is None or a non-empty list of strings each matching a task name."""
    if only is None:
        return
    if isinstance(only, str) or not all(isinstance(o, str) for o in only) or not list(only):
        raise ValueError(f"only must be a non-empty list of check names, got {only!r}")
    names = task_names(bridges, errata)
    unknown = [o for o in only if not o or not any(o in name for name in names)]
    if unknown:
        raise ValueError(f"only must name checks among {', '.join(names)} (substrings match), "
                         f"got {', '.join(repr(u) for u in unknown)}")


_TASKS: list = []  # the tasks of the run in progress, inherited by the forked workers


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _run_one(index: int):
    """Run task ``index``; returns (index, claims, timing). An exception becomes a ✗ row."""
    name, role, task = _TASKS[index]
    engine.take_stats()
    start, cpu = time.perf_counter(), _cpu()
    try:
        result = task()
        claims = list(result) if isinstance(result, (list, tuple)) else [result]
        if not claims or not all(isinstance(c, Claim) for c in claims):
            raise TypeError(f"the check returned {result!r}, not claims")
    except Exception as error:  # noqa: BLE001 - a crash is a failed row, never a crashed run
        claims = [crashed_claim(name, error, role)]
    stats = engine.take_stats()
    timing = {"cpu": _cpu() - cpu, "wall": time.perf_counter() - start, "slowest_step": stats["slowest"],
              "ran_out": stats["ran_out"]}
    return index, claims, timing


def _progress(done: int, total: int, name: str, timing: dict, stream) -> None:
    print(f"derivations: [{done}/{total}] {name} ({timing['wall']:.1f} s)", file=stream, flush=True)


def verify_all(formulas: Formulas | None = None, bridges: bool = True, errata: bool = True,
               workers: int | None = None, only: Sequence[str] | None = None,
               progress: bool = False) -> list[Claim]:
    """Run every check: the claims the library relies on, the bridge to the library, then the errata.

    Parameters
    ----------
    formulas : Formulas, optional
        The formulas to check (default :data:`~.formulas.NOTES`, read at call time, so a test may monkeypatch it).
    bridges, errata : bool
        Include the library bridge rows and the errata rows.
    workers : int, optional
        Processes to spread the checks over (default: 2 where the platform can fork and has 2 cores, else 1).
        Forked workers inherit the caller's state, so a monkeypatched library is what gets checked.
    only : list of str, optional
        Run only the checks whose name (see :func:`task_names`) contains one of these strings.
    progress : bool
        Print one line per finished check on stderr.

    Returns
    -------
    list of Claim, in a fixed order (library claims in the notes' order, bridges, errata).

    Raises
    ------
    ValueError
        If ``only`` names no check.
    """
    from . import formulas as formulas_module

    check_only(only, bridges, errata)
    formulas = formulas or formulas_module.NOTES
    if workers is None:
        workers = 2 if (os.cpu_count() or 1) >= 2 else 1
    tasks = _all_tasks(formulas, bridges, errata)
    if only is not None:
        tasks = [t for t in tasks if any(o in t[0] for o in only)]
    global _TASKS
    _TASKS = tasks
    start = time.perf_counter()
    results: dict = {}
    stream = sys.stderr
    try:
        if workers <= 1 or len(tasks) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            for k in range(len(tasks)):
                index, claims, timing = _run_one(k)
                results[index] = (claims, timing)
                if progress:
                    _progress(len(results), len(tasks), tasks[index][0], timing, stream)
        else:
            # the slow checks first, so that the two workers finish together
            order = sorted(range(len(tasks)), key=lambda k: -_EXPECTED.get(tasks[k][0], 1.0))
            with multiprocessing.get_context("fork").Pool(min(workers, len(tasks))) as pool:
                for index, claims, timing in pool.imap_unordered(_run_one, order):
                    results[index] = (claims, timing)
                    if progress:
                        _progress(len(results), len(tasks), tasks[index][0], timing, stream)
    finally:
        _TASKS = []
    LAST_RUN.clear()
    LAST_RUN.update(wall=time.perf_counter() - start,
                    tasks={tasks[k][0]: results[k][1] for k in range(len(tasks))})
    return [claim for k in range(len(tasks)) for claim in results[k][0]]


_EXPECTED = {"check_sleep_rule": 6.0, "check_free_phase_independence": 5.0, "check_gain": 5.0,
             "check_wake_rule": 4.0, "check_psi_every_unit": 4.0, "bridge_free_statistics": 4.0,
             "check_marginal_log_p_star_h": 3.0, "check_log_ratio_limits": 3.0}
"""Rough relative costs, only to start the slow checks first."""
