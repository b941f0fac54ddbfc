"""SymPy and mpmath checks of every algebraic step in the notes, a bridge to the library, and the errata.

Three marks:

* ✓ **proven**: SymPy reduced the difference between claim and derivation to 0, within a time
  and memory limit, and the numbers agree;
* ≈ **numbers only**: no counterexample at points up to |x| = 1000 (always including the notes'
  values and the switch points) with 50+ digits, but no proof (every library bridge row is ≈:
  it compares float64 code with the claim, which can only be done on numbers);
* ✗ **fails**: a counterexample, confirmed with extra digits.

Modules: :mod:`.engine` (how a claim is decided), :mod:`.formulas` (the notes' formulas, which a
test can replace), :mod:`.claims` (the notes' statements, derived from the joint), :mod:`.bridge`
(the library's numpy code against the claims), :mod:`.errata` (the notes' errors, each backed by
a failing and a holding claim). ``python -m orbm_explore derivations`` prints the table
(:mod:`orbm_explore.derivations_report`).
"""

from __future__ import annotations

import os
import pickle
import traceback
from typing import Callable, Sequence

from . import bridge, claims, engine, errata, formulas
from .bridge import BRIDGES
from .claims import (check_closing_expressions, check_correction_symmetry, check_exact_correction,
                     check_free_phase_independence, check_gain, check_local_form, check_log_ratio_limits,
                     check_marginal_log_p_star_h, check_marginal_second_form, check_product_rule,
                     check_psi_every_unit, check_red_green, check_sleep_rule, check_vanilla_psi, check_wake_rule)
from .engine import FAILS, MARKS, NUMERIC, PROVEN, Claim, Comparison, combine, compare, compare_all
from .errata import ERRATA, ERRATA_CHECKS, REMARKS, Erratum, check_notes_code_cells, notes_code_cells
from .formulas import (NOTES, Formulas, W, eps, exact_correction_expr, gain_expr, log_sigmoid, phi, phi_a0,
                       sigmoid, softplus, t)

__all__ = [
    "Claim", "Comparison", "compare", "compare_all", "combine", "PROVEN", "NUMERIC", "FAILS", "MARKS",
    "Formulas", "NOTES", "W", "eps", "phi", "phi_a0", "t", "sigmoid", "log_sigmoid", "softplus",
    "exact_correction_expr", "gain_expr", "notes_code_cells", "check_notes_code_cells",
    "CHECKS", "BRIDGES", "ERRATA", "ERRATA_CHECKS", "REMARKS", "Erratum",
    "verify_all", "task_names", "library_claims", "bridge_claims", "errata_claims", "format_table", "main",
    "bridge", "claims", "engine", "errata", "formulas",
]

CHECKS: list[Callable[..., Claim | list[Claim]]] = [
    check_marginal_log_p_star_h,
    check_marginal_second_form,
    check_product_rule,
    check_vanilla_psi,
    check_exact_correction,
    check_psi_every_unit,
    check_red_green,
    check_log_ratio_limits,
    check_gain,
    check_local_form,
    check_wake_rule,
    check_sleep_rule,
    check_free_phase_independence,
    check_correction_symmetry,
]
"""The notes' statements the library relies on, in the notes' order; each takes ``formulas``."""


def _flatten(results) -> list[Claim]:
    out: list[Claim] = []
    for result in results:
        out.extend(result if isinstance(result, list) else [result])
    return out


def task_names(bridges: bool = True, errata: bool = True) -> list[str]:
    """The names ``verify_all(only=...)`` selects from: the check and bridge functions, and "errata"."""
    names = [c.__name__ for c in CHECKS]
    if bridges:
        names += [b.__name__ for b in BRIDGES]
    if errata:
        names += ["errata"] * (len(ERRATA_CHECKS) + 1)
    return names


def _tasks(formulas: Formulas, bridges: bool, errata: bool,
           only: Sequence[str] | None) -> list[Callable[[], Claim | list[Claim]]]:
    tasks = [lambda c=c: c(formulas) for c in CHECKS]
    if bridges:
        tasks += [lambda b=b: b(formulas) for b in BRIDGES]
    if errata:
        tasks += list(ERRATA_CHECKS) + [check_closing_expressions]
    if only is not None:
        tasks = [task for task, name in zip(tasks, task_names(bridges, errata)) if any(o in name for o in only)]
        if not tasks:
            raise ValueError(f"only must name checks among {sorted(set(task_names()))} (substrings), got {list(only)}")
    return tasks


def _run(tasks: list[Callable], workers: int) -> list:
    """Run the tasks, in ``workers`` forked processes when the platform can fork; results in task order.

    Each worker inherits the parent's state (so a monkeypatched library is what gets checked) and sends
    its claims back pickled. A task that raises makes the whole run raise.
    """
    if workers <= 1 or not hasattr(os, "fork") or len(tasks) < 2:
        return [task() for task in tasks]
    children = []
    for k in range(workers):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # worker: run every workers-th task, write the pickled results, exit
            os.close(read_end)
            try:
                try:
                    payload = pickle.dumps({i: tasks[i]() for i in range(k, len(tasks), workers)})
                except BaseException as error:  # noqa: BLE001 - reported to the parent
                    payload = pickle.dumps(RuntimeError(f"{type(error).__name__}: {error}\n"
                                                        f"{traceback.format_exc()}"))
                with os.fdopen(write_end, "wb") as out:
                    out.write(payload)
            finally:
                os._exit(0)
        os.close(write_end)
        children.append((pid, read_end))
    results: dict = {}
    failure = None
    for pid, read_end in children:
        with os.fdopen(read_end, "rb") as inp:
            data = inp.read()
        os.waitpid(pid, 0)
        received = pickle.loads(data) if data else RuntimeError("a derivations worker died")
        if isinstance(received, Exception):
            failure = failure or received
        else:
            results.update(received)
    if failure is not None:
        raise failure
    return [results[i] for i in range(len(tasks))]


def library_claims(formulas: Formulas | None = None) -> list[Claim]:
    """The claims the library relies on (role ``"library"``), checked against ``formulas`` (default: the notes')."""
    return verify_all(formulas, bridges=False, errata=False, workers=1)


def bridge_claims(formulas: Formulas | None = None) -> list[Claim]:
    """The library's numpy functions against the claims' expressions (role ``"bridge"``)."""
    formulas = formulas or formulas_module.NOTES
    return _flatten(b(formulas) for b in BRIDGES)


def errata_claims() -> list[Claim]:
    """The notes' versions (role ``"notes"``, expected ✗) and the corrected versions, plus the closing cells."""
    return _flatten([check() for check in ERRATA_CHECKS] + [check_closing_expressions()])


def verify_all(formulas: Formulas | None = None, bridges: bool = True, errata: bool = True,
               workers: int | None = None, only: Sequence[str] | None = None) -> list[Claim]:
    """Run every check: the claims the library relies on, the bridge to the library, then the errata.

    Parameters
    ----------
    formulas : Formulas, optional
        The formulas to check (default :data:`NOTES`, read at call time, so a test may monkeypatch it).
    bridges, errata : bool
        Include the library bridge rows and the errata rows.
    workers : int, optional
        Processes to spread the checks over (default: 2 where the platform can fork and has 2 cores, else 1).
    only : list of str, optional
        Run only the checks whose name (see :func:`task_names`) contains one of these strings.

    Returns
    -------
    list of Claim, in a fixed order (library claims in the notes' order, bridges, errata).
    """
    formulas = formulas or formulas_module.NOTES
    if workers is None:
        workers = 2 if (os.cpu_count() or 1) >= 2 else 1
    return _flatten(_run(_tasks(formulas, bridges, errata, only), workers))


formulas_module = formulas


def format_table(claims: list[Claim]) -> str:
    """A plain-text table of claims (see :func:`orbm_explore.derivations_report.format_table`)."""
    from ..derivations_report import format_table as _format
    return _format(claims)


def main(argv: list[str] | None = None) -> int:
    """``python -m orbm_explore derivations``: an alias of :func:`orbm_explore.derivations_report.main`."""
    from ..derivations_report import main as _main
    return _main(argv)
