"""The derivations table for the command line: ``python -m orbm_explore derivations``.

Prints one row per claim (✓ proven by SymPy, ≈ holds on numbers only, ✗ fails), the details of
every failure, and the errata check. The exit status is 1 if a claim the library relies on fails,
a library bridge fails, a corrected erratum fails or an erratum is not backed by its claims; it
is 0 when only the notes' own claims fail (those are the errata).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from typing import Sequence

from .derivations import ERRATA, Claim, verify_all
from .derivations.engine import FAILS, NUMERIC, PROVEN

__all__ = ["format_table", "summary", "errata_problems", "exit_status", "claim_markdown", "errata_markdown", "main"]

ROLES = {"library": "library relies on it", "bridge": "library code vs claim", "notes": "notes' claim",
         "correction": "our correction"}


def _how(claim: Claim) -> str:
    if claim.verdict == PROVEN:
        return "SymPy" if "SymPy" in claim.detail else "exact check"
    if claim.verdict == NUMERIC:
        return "numbers"
    return "counterexample" if "counterexample" in claim.detail or "disagrees" in claim.detail else "fails"


def format_table(claims: Sequence[Claim]) -> str:
    """One line per claim: mark, section, name, role, how it was decided."""
    lines = [f"{'':2}{'section':<14} {'claim':<66} {'role':<22} how"]
    for c in claims:
        lines.append(f"{c.mark:2}{c.section:<14} {c.name:<66} {ROLES.get(c.role, c.role):<22} {_how(c)}")
    return "\n".join(lines)


def errata_problems(claims: Sequence[Claim]) -> list[str]:
    """Errata whose notes' version does not fail, or whose corrected version does not hold, or is missing."""
    by_name = {c.name: c for c in claims}
    problems = []
    for erratum in ERRATA:
        for name in erratum.fails:
            if name not in by_name:
                problems.append(f"{erratum.section}: no claim named {name!r}")
            elif by_name[name].holds:
                problems.append(f"{erratum.section}: the notes' version {name!r} holds, so the erratum is wrong")
        for name in erratum.holds:
            if name not in by_name:
                problems.append(f"{erratum.section}: no claim named {name!r}")
            elif not by_name[name].holds:
                problems.append(f"{erratum.section}: the corrected version {name!r} fails")
    return problems


def exit_status(claims: Sequence[Claim], check_errata: bool = True) -> int:
    """1 if a relied-on claim (library, bridge, correction) fails or an erratum is not backed; else 0."""
    if any(c.relied_on and not c.holds for c in claims):
        return 1
    return 1 if check_errata and errata_problems(claims) else 0


def summary(claims: Sequence[Claim], seconds: float | None = None) -> str:
    """Counts by mark and by role, in one paragraph."""
    count = {v: sum(c.verdict == v for c in claims) for v in (PROVEN, NUMERIC, FAILS)}
    notes_wrong = sum(c.role == "notes" and not c.holds for c in claims)
    broken = sum(c.role in ("library", "correction") and not c.holds for c in claims)
    bridges = [c for c in claims if c.role == "bridge"]
    text = (f"{len(claims)} rows: {count[PROVEN]} ✓ proven, {count[NUMERIC]} ≈ hold on numbers only, "
            f"{count[FAILS]} ✗ fail. {notes_wrong} notes' claims are wrong (the errata); "
            f"{broken} claims the library relies on fail; "
            f"{sum(not c.holds for c in bridges)} of {len(bridges)} library bridges fail.")
    if seconds is not None:
        text += f" ({seconds:.1f} s)"
    return text


def claim_markdown(claim: Claim, level: int = 4) -> str:
    """One claim as Markdown: heading with its mark, the statement, the steps (code), the verdict."""
    verdict = {PROVEN: "✓ proven symbolically", NUMERIC: "≈ holds on numbers only", FAILS: "✗ fails"}[claim.verdict]
    lines = [f"{'#' * level} {claim.mark} {claim.section}: {claim.name}", ""]
    if claim.statement:
        lines += [f"$$ {claim.statement} $$" if claim.role != "bridge" else claim.statement, ""]
    if claim.steps:
        lines += ["```python", *claim.steps, "```", ""]
    lines.append(f"**{verdict}** ({ROLES.get(claim.role, claim.role)}). {claim.detail}")
    return "\n".join(lines)


def errata_markdown(claims: Sequence[Claim]) -> str:
    """The errata as a numbered Markdown list, each with the verdicts of the claims behind it."""
    by_name = {c.name: c for c in claims}

    def marks(names):
        return ", ".join(f"{by_name[n].mark} {n}" if n in by_name else f"? {n}" for n in names)
    lines = []
    for k, e in enumerate(ERRATA, 1):
        backing = f"notes' version: {marks(e.fails)}; " if e.fails else "no formula in the notes to check; "
        lines.append(f"{k}. **{e.section}.** {e.quote} — {e.correction} *(Backed by: {backing}"
                     f"corrected: {marks(e.holds)}.)*")
    return "\n".join(lines)


def main(argv: list[str] | None = None, prog: str = "python -m orbm_explore derivations") -> int:
    """Run every check, print the table, return the exit status (see the module docstring)."""
    parser = argparse.ArgumentParser(prog=prog,
                                     description="Check the notes' algebra (SymPy), the library against it "
                                                 "(mpmath), and the errata.")
    parser.add_argument("-v", "--verbose", action="store_true", help="print how every row was decided")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="run only the checks whose name contains one of these (e.g. gain, bridge_exact, errata)")
    parser.add_argument("--json", metavar="FILE", help="also write every row (name, verdict, detail, …) to FILE")
    args = parser.parse_args([] if argv is None else argv)
    start = time.perf_counter()
    try:
        claims = verify_all(only=args.only)
    except ValueError as error:
        parser.error(str(error))
    elapsed = time.perf_counter() - start
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"seconds": elapsed, "claims": [asdict(c) for c in claims]}, out, ensure_ascii=False, indent=1)
    print(format_table(claims))
    print()
    print("✓ proven: SymPy reduced lhs - rhs to 0 (time- and memory-limited), or an exact check of the notes' "
          "transcribed code. ≈ numbers only: no counterexample "
          "at points up to |x| = 1e3 (always 0, ±10, ±40, switch points) with 50+ digits; library bridges are "
          "≈ by nature. ✗ fails: a confirmed counterexample.")
    print(summary(claims, elapsed))
    for c in claims:
        if args.verbose or (not c.holds and c.relied_on):
            label = "FAILED" if not c.holds else c.mark
            print(f"{label}: {c.name}: {c.detail}")
    if args.only:
        print(f"Only the checks matching {' '.join(args.only)} were run; the errata were not cross-checked.")
        return exit_status(claims, check_errata=False)
    problems = errata_problems(claims)
    for problem in problems:
        print(f"ERRATUM NOT BACKED: {problem}")
    if not problems:
        print(f"All {len(ERRATA)} errata are backed: each notes' version fails and each correction holds.")
    return exit_status(claims)


if __name__ == "__main__":
    raise SystemExit(main())
