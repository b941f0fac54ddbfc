"""The derivations table, its counts and exit status, and the command ``python -m orbm_explore derivations``.

Prints one row per claim (✓ proven by SymPy, ≈ holds on numbers only, ? undecided because a
SymPy step ran out of time or memory, ✗ a confirmed counterexample), the errata (each quoting
the notes) and the reading notes. Progress goes to stderr, one line per finished check.

Exit status (:func:`exit_status`): 0 iff every relied-on claim reaches its required level (a claim
of the notes the library relies on: ✓; a library bridge: ≈ or ✓, which for a bridge means it held
at every sampled point; our corrections: ≈ or ✓) and every erratum is backed (its notes' row is
✗, its corrected rows hold). The notes' own claims may fail: those are the errata. 1 otherwise;
2 for a bad command line (one line on stderr, before any work).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import NoReturn, Sequence

from .engine import FAILS, NUMERIC, PROVEN, SYMPY_TIME_LIMIT, UNDECIDED, Claim
from .errata import ERRATA, READING_NOTES
from .runner import LAST_RUN, check_only, verify_all

__all__ = ["format_table", "summary", "counts", "errata_problems", "exit_status", "claim_markdown",
           "errata_markdown", "reading_notes_markdown", "timing_summary", "main", "ROLES"]

ROLES = {"library": "library relies on it", "bridge": "library code vs claim", "notes": "notes' claim",
         "correction": "our correction/claim", "reading": "behind a reading note"}
REQUIRED = {"proof": "must be ✓", "numbers": "must hold", None: ""}


def _how(claim: Claim) -> str:
    if claim.verdict == PROVEN:
        return "SymPy" if "SymPy" in claim.detail else "exact check"
    if claim.verdict == NUMERIC:
        return "numbers"
    if claim.verdict == UNDECIDED:
        return "ran out"
    return "raised" if claim.detail.startswith("the check raised") else "counterexample"


def format_table(claims: Sequence[Claim]) -> str:
    """One line per claim: mark, section, name, role, what it must reach, how it was decided."""
    lines = [f"{'':2}{'section':<14} {'claim':<66} {'role':<22} {'required':<10} how"]
    for c in claims:
        lines.append(f"{c.mark:2}{c.section:<14} {c.name:<66} {ROLES.get(c.role, c.role):<22} "
                     f"{REQUIRED[c.required]:<10} {_how(c)}")
    return "\n".join(lines)


def counts(claims: Sequence[Claim]) -> dict[str, int]:
    """Rows by mark: ``proven`` (✓), ``numbers`` (≈), ``undecided`` (?), ``errata`` (✗: in a passing run every ✗
    row is one erratum of the notes), ``reading_notes`` (the reading notes, which have no row), ``total`` (rows)."""
    by = {v: sum(c.verdict == v for c in claims) for v in (PROVEN, NUMERIC, UNDECIDED, FAILS)}
    return {"proven": by[PROVEN], "numbers": by[NUMERIC], "undecided": by[UNDECIDED], "errata": by[FAILS],
            "reading_notes": len(READING_NOTES), "total": len(claims)}


def errata_problems(claims: Sequence[Claim], complete: bool = False) -> list[str]:
    """What is wrong with the errata, judged on the rows present: an erratum whose notes' row does not fail or
    whose corrected rows do not hold (✓ or ≈), and a ✗ row of the notes that names no erratum. With ``complete``
    (a full run), also a row an erratum names that is missing."""
    by_name = {c.name: c for c in claims}
    problems = []
    for erratum in ERRATA:
        names = erratum.fails + erratum.holds
        for name in names:
            if complete and name not in by_name:
                problems.append(f"{erratum.section}: no row named {name!r}")
        for name in erratum.fails:
            if name in by_name and by_name[name].verdict != FAILS:
                problems.append(f"{erratum.section}: the notes' version {name!r} is {by_name[name].mark}, not ✗, "
                                "so the erratum is not backed")
        for name in erratum.holds:
            if name in by_name and by_name[name].verdict not in (PROVEN, NUMERIC):
                problems.append(f"{erratum.section}: the corrected version {name!r} is {by_name[name].mark}")
    named = {n for e in ERRATA for n in e.fails}
    for c in claims:
        if c.verdict == FAILS and c.role in ("notes", "reading") and c.name not in named:
            problems.append(f"✗ row {c.name!r} names no erratum")
    return problems


def exit_status(claims: Sequence[Claim], check_errata: bool = True, complete: bool | None = None) -> int:
    """0 iff every relied-on claim reaches its required level and, with ``check_errata``, the errata are backed
    (see :func:`errata_problems`; ``complete`` defaults to whether every check ran); else 1. Claims that are not
    relied on (the notes' own) may be ✗ or ? without changing it."""
    if any(not c.meets_requirement for c in claims):
        return 1
    if complete is None:
        complete = {c.name for c in claims} >= {n for e in ERRATA for n in e.fails + e.holds}
    return 1 if check_errata and errata_problems(claims, complete) else 0


def summary(claims: Sequence[Claim], seconds: float | None = None) -> str:
    """Counts by mark and the relied-on claims, in one paragraph."""
    n = counts(claims)
    below = [c for c in claims if not c.meets_requirement]
    bridges = [c for c in claims if c.role == "bridge"]
    text = (f"{n['total']} rows: {n['proven']} ✓ proven, {n['numbers']} ≈ numbers only, {n['undecided']} ? undecided, "
            f"{n['errata']} ✗ fail; {len(ERRATA)} errata and {n['reading_notes']} reading notes. "
            f"{len(below)} of {sum(c.relied_on for c in claims)} relied-on claims are below their required level; "
            f"{sum(c.verdict == FAILS for c in bridges)} of {len(bridges)} library bridges fail.")
    if seconds is not None:
        text += f" ({seconds:.1f} s)"
    return text


def timing_summary(run: dict | None = None) -> str:
    """The slowest check and the slowest SymPy step (CPU seconds) against the per-step limit."""
    run = LAST_RUN if run is None else run
    tasks = run.get("tasks") or {}
    if not tasks:
        return ""
    name, slowest = max(tasks.items(), key=lambda item: item[1]["cpu"])
    step = max(t["slowest_step"] for t in tasks.values())
    cpu = sum(t["cpu"] for t in tasks.values())
    text = f"CPU {cpu:.1f} s in all; slowest check {name} ({slowest['cpu']:.1f} s CPU)"
    if step > 0:
        text += (f"; slowest SymPy step {step:.2f} s CPU against a limit of {SYMPY_TIME_LIMIT:g} s per step "
                 f"({SYMPY_TIME_LIMIT / step:.1f}× headroom)")
    return text + "."


def claim_markdown(claim: Claim, level: int = 4) -> str:
    """One claim as Markdown: heading with its mark, the statement, the steps (code), the verdict."""
    verdict = {PROVEN: "✓ proven symbolically", NUMERIC: "≈ holds on numbers only",
               UNDECIDED: "? undecided (a limit was hit)", FAILS: "✗ fails"}[claim.verdict]
    lines = [f"{'#' * level} {claim.mark} {claim.section}: {claim.name}", ""]
    if claim.statement:
        lines += [f"$$ {claim.statement} $$" if claim.role != "bridge" else claim.statement, ""]
    if claim.steps:
        lines += ["```python", *claim.steps, "```", ""]
    lines.append(f"**{verdict}** ({ROLES.get(claim.role, claim.role)}). {claim.detail}")
    return "\n".join(lines)


def errata_markdown(claims: Sequence[Claim]) -> str:
    """The errata as a numbered Markdown list: the notes' words, what they claim, the counterexample, the fix."""
    by_name = {c.name: c for c in claims}
    lines = []
    for k, e in enumerate(ERRATA, 1):
        evidence = "; ".join(f"{by_name[n].mark} {n}: {by_name[n].detail}" if n in by_name else f"(not run) {n}"
                             for n in e.fails)
        fixed = ", ".join(f"{by_name[n].mark} {n}" if n in by_name else f"(not run) {n}" for n in e.holds)
        lines.append(f"{k}. **{e.section}** ({e.kind}). The notes: “{e.quote}”. *They claim:* {e.claim} "
                     f"*Counterexample:* {evidence}. *Correct:* {e.correction} *(Corrected rows: {fixed}.)*")
    return "\n".join(lines)


def reading_notes_markdown() -> str:
    """The reading notes (loose wording, conventions, slips, duplicates): no ✗, as a Markdown list."""
    return "\n".join(f"- **{note.section}.** {note.text}" for note in READING_NOTES)


# ---------------------------------------------------------------------- the command
class _Parser(argparse.ArgumentParser):
    """Errors on one line, exit status 2 (no usage block)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())} (see {self.prog} --help)\n")


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = _Parser(prog=prog, description="Check the notes' algebra (SymPy), the library against it (mpmath), "
                                            "and the errata. Exit status 0 iff every relied-on claim holds at its "
                                            "required level; 1 otherwise; 2 for a bad command line.")
    parser.add_argument("-v", "--verbose", action="store_true", help="print how every row was decided")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="run only the checks whose name contains one of these (e.g. gain, bridge_exact, errata)")
    parser.add_argument("--json", metavar="FILE", help="also write every row (name, verdict, detail, …) to FILE")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return parser


def _check_json_path(text: str) -> Path:
    path = Path(text)
    if text == "":
        raise ValueError("--json needs a file name")
    if path.is_dir():
        raise ValueError(f"--json {path} is a directory; give a file name")
    if not path.parent.is_dir():
        raise ValueError(f"--json {path}: the folder {path.parent} does not exist")
    return path


def main(argv: Sequence[str] | None = None, prog: str = "python -m orbm_explore derivations") -> int:
    """Run the checks, print the table, return the exit status (see the module docstring)."""
    parser = _parser(prog)
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    try:  # every argument is checked before any work
        json_path = _check_json_path(args.json) if args.json is not None else None
        check_only(args.only)
    except ValueError as error:
        parser.error(str(error))
    start = time.perf_counter()
    claims = verify_all(only=args.only, progress=not args.quiet)
    elapsed = time.perf_counter() - start
    if json_path is not None:
        try:
            with open(json_path, "w", encoding="utf-8") as out:
                json.dump({"seconds": elapsed, "counts": counts(claims), "timing": LAST_RUN,
                           "claims": [asdict(c) for c in claims]}, out, ensure_ascii=False, indent=1)
        except OSError as error:
            print(f"{prog}: error: --json {json_path}: cannot write ({error.strerror or error})", file=sys.stderr)
            return 2
    print(format_table(claims))
    print()
    print("✓ proven: SymPy reduced lhs - rhs to 0, or decided a limit or solve, within its CPU and memory limits. "
          "≈ numbers only: no counterexample at points from 0, subnormals and 1e-300 up to 1e300 (always 0, ±10, "
          "±40 and the switch points) with 50+ digits; a library bridge is ≈ by nature and must hold at every "
          "point. ? undecided: a SymPy step ran out of time or memory (never read as ✗). ✗ fails: a confirmed "
          "counterexample.")
    print(summary(claims, elapsed))
    print(timing_summary())
    for c in claims:
        if args.verbose or not c.meets_requirement:
            label = "BELOW REQUIRED LEVEL" if not c.meets_requirement else c.mark
            print(f"{label}: {c.name}: {c.detail}")
    if args.only:
        print(f"Only the checks matching {' '.join(args.only)} were run.")
    problems = errata_problems(claims, complete=not args.only)
    for problem in problems:
        print(f"ERRATUM NOT BACKED: {problem}")
    if not problems and not args.only:
        print(f"All {len(ERRATA)} errata are backed: each notes' row is ✗ and each corrected row holds.")
    return exit_status(claims, complete=not args.only)


if __name__ == "__main__":
    raise SystemExit(main())
