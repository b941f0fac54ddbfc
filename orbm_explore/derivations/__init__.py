"""SymPy and mpmath checks of every algebraic step in the notes, a bridge to the library, and the errata.

Four marks:

* ✓ **proven**: SymPy reduced the difference between claim and derivation to 0 (or decided a
  limit or a solve) within a CPU-time and memory limit, and the numbers agree;
* ≈ **numbers only**: no counterexample at points from exact zeros, subnormals and 1e-300 up to
  1e300 (always including the notes' values and the switch points) with 50+ digits, but no proof.
  Every library bridge row is ≈: it compares float64 code with the claim, which can only be done
  on numbers, and it must hold at every sampled point;
* ? **undecided**: a SymPy step ran out of time or memory; never read as ✗;
* ✗ **fails**: a counterexample, confirmed with extra digits (or a check that raised).

Modules, arrows in one direction: :mod:`.formulas` (the notes' formulas, which a test can
replace) ← :mod:`.engine` (how a claim is decided) ← :mod:`.claims` (the notes' statements,
derived from the joint), :mod:`.bridge` (the library's code against the claims), :mod:`.errata`
(the notes' errors, each quoting the notes, and the reading notes) ← :mod:`.runner`
(:func:`verify_all`) ← :mod:`.report` (the table, the counts, the exit status and the command
``python -m orbm_explore derivations``).
"""

from __future__ import annotations

from . import bridge, claims, engine, errata, formulas, report, runner
from .bridge import BRIDGES
from .claims import (CHECKS, check_closing_expressions, check_correction_symmetry, check_exact_correction,
                     check_free_phase_independence, check_gain, check_local_form, check_log_ratio_limits,
                     check_marginal_log_p_star_h, check_marginal_second_form, check_product_rule,
                     check_psi_every_unit, check_red_green, check_sleep_rule, check_vanilla_psi, check_wake_rule)
from .engine import (FAILS, MARKS, NUMERIC, PROVEN, UNDECIDED, Claim, Comparison, combine, compare,
                     compare_all)
from .errata import ERRATA, ERRATA_CHECKS, READING_NOTES, REMARKS, Erratum, check_notes_code_cells, \
    notes_code_cells
from .formulas import (NOTES, Formulas, W, eps, exact_correction_expr, gain_expr, log_sigmoid, phi, phi_a0,
                       sigmoid, softplus, t)
from .report import counts, exit_status, format_table, main
from .runner import task_names, verify_all

__all__ = [
    "Claim", "Comparison", "compare", "compare_all", "combine", "PROVEN", "NUMERIC", "UNDECIDED", "FAILS", "MARKS",
    "Formulas", "NOTES", "W", "eps", "phi", "phi_a0", "t", "sigmoid", "log_sigmoid", "softplus",
    "exact_correction_expr", "gain_expr", "notes_code_cells", "check_notes_code_cells",
    "CHECKS", "BRIDGES", "check_closing_expressions", "check_correction_symmetry", "check_exact_correction",
    "check_free_phase_independence", "check_gain", "check_local_form", "check_log_ratio_limits",
    "check_marginal_log_p_star_h", "check_marginal_second_form", "check_product_rule", "check_psi_every_unit",
    "check_red_green", "check_sleep_rule", "check_vanilla_psi", "check_wake_rule", "ERRATA", "ERRATA_CHECKS", "READING_NOTES", "REMARKS", "Erratum",
    "verify_all", "task_names", "library_claims", "bridge_claims", "errata_claims", "format_table", "counts",
    "exit_status", "main", "bridge", "claims", "engine", "errata", "formulas", "report", "runner",
]


def library_claims(formulas: Formulas | None = None) -> list[Claim]:
    """The claims the library relies on (role ``"library"``), checked against ``formulas`` (default: the notes')."""
    return verify_all(formulas, bridges=False, errata=False, workers=1)


def bridge_claims(formulas: Formulas | None = None) -> list[Claim]:
    """The library's numpy functions against the claims' expressions (role ``"bridge"``)."""
    return verify_all(formulas, errata=False, workers=1, only=[b.__name__ for b in BRIDGES])


def errata_claims() -> list[Claim]:
    """The rows behind the errata and the reading notes (the notes' versions, the corrections, the closing cells)."""
    return verify_all(bridges=False, workers=1, only=["errata."])
