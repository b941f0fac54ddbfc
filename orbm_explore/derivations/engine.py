"""How a claim is decided: numbers that can find a wrong claim, then a time-limited SymPy proof.

:func:`compare` decides ``lhs == rhs`` for all real values of the free symbols, in two stages.

1. **Numbers.** The difference is evaluated with mpmath at a set of points that always
   includes the values the notes use (0, ±10, ±40) and ±1000, any special points the claim
   names (switch points such as φ = -W/2), a grid over those values for up to three
   symbols, points drawn log-uniformly over magnitudes 1e-3 … 1e3 with both signs, and
   points at the edges: magnitudes 1e-300 … 1e-3 (log-uniform), subnormals (5e-324,
   1e-310) and exact zeros, 1e3 … 1e30 (log-uniform), and a few at ±1e300 (claims of up to
   three real variables; whole models stop at 1e30).
   Each point is evaluated at ``50 + log10(1 + Σ|x|)`` digits (plus the digits below the
   smallest nonzero |x|) and compared with a relative tolerance of 1e-40 (absolute where both
   sides are below 1 in size). A point that fails is evaluated again with 40 more digits; a
   real difference stays the same, rounding noise shrinks. If it changed, it is evaluated
   once more with enough digits to survive cancellation between terms as large as e^{Σ|x|}
   (capped at 3000 extra digits). Only a failure that persists is a counterexample, and
   one counterexample makes the verdict ✗.
2. **Proof.** If the numbers find nothing, SymPy tries to reduce the difference to 0
   (``expand``, then ``simplify``, then ``simplify(exp(lhs - rhs) - 1)``). Every attempt
   runs in a forked child with a CPU-time limit (so a loaded machine does not change the
   verdict), a wall-clock backstop and a memory cap; a child that runs out is killed.
   Success is ✓ (proven). If SymPy finished without reducing the difference to 0 the
   verdict is ≈ (holds on the numbers only); if an attempt ran out of time or memory it
   is ? (undecided), never ✗. The evidence states the range and the precision.

Four verdicts: ✓ proven (SymPy), ≈ numbers only, ? undecided (a limit was hit), ✗ a confirmed
counterexample. A claim is never reported as proven on numbers alone.
"""

from __future__ import annotations

import math
import os
import pickle
import random
import select
import signal
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

import mpmath
import sympy as sp

__all__ = [
    "PROVEN",
    "NUMERIC",
    "UNDECIDED",
    "FAILS",
    "MARKS",
    "VERDICT_ORDER",
    "weakest",
    "undecided",
    "proof_step",
    "run_limited_status",
    "RAN_OUT",
    "Evidence",
    "Comparison",
    "compare",
    "compare_all",
    "combine",
    "symbolic",
    "Claim",
    "make_claim",
    "prove_zero",
    "run_limited",
    "limited",
    "NOTES_VALUES",
    "MAX_MAGNITUDE",
]

PROVEN, NUMERIC, UNDECIDED, FAILS = "proven", "numeric", "undecided", "fails"
MARKS = {PROVEN: "✓", NUMERIC: "≈", UNDECIDED: "?", FAILS: "✗"}
VERDICT_ORDER = (PROVEN, NUMERIC, UNDECIDED, FAILS)
"""From strongest to weakest: a conjunction takes the weakest verdict of its parts."""

NOTES_VALUES = (0, 10, -10, 40, -40)
MAX_MAGNITUDE = 1e3
TINY_EXPONENT = -300  # the small regime: 10^-300 … 10^-3, plus subnormals and exact zeros
SUBNORMALS = (5e-324, 1e-310)
HUGE_EXPONENT = 30  # the large regime: 10^3 … 10^30 drawn, plus a few points at ±1e300 (up to 3 variables)
HUGE_EXPONENT_MANY = 30  # claims of more than 3 real variables (whole models): 10^3 … 10^30 (mpmath's e^x costs
# ~50 ms per call at 1e300, and such a claim makes hundreds of calls per point)
HUGE = 1e300
BASE_DIGITS = 50
RELATIVE_TOLERANCE = mpmath.mpf(10) ** -40
EXTRA_DIGITS_CAP = 3000
SYMPY_TIME_LIMIT = 5.0  # CPU seconds per attempt (RLIMIT_CPU in the child, so the machine's load does not matter)
SYMPY_WALL_FACTOR = 10.0  # the wall-clock backstop is this many times the CPU limit
SYMPY_MEMORY_LIMIT = 1 << 30  # bytes of address space a SymPy child may add


@dataclass(frozen=True)
class Evidence:
    """What the numbers saw.

    Attributes
    ----------
    n_points : int                  points evaluated.
    magnitude : float               largest |coordinate| used.
    digits : tuple[int, int]        smallest and largest working precision (decimal digits).
    worst : float                   largest |lhs - rhs| / max(1, |lhs|, |rhs|) seen.
    counterexample : str            "" or "x=…, y=…: lhs=…, rhs=…".
    """

    n_points: int
    magnitude: float
    digits: tuple[int, int]
    worst: float
    counterexample: str = ""
    smallest: float = 1.0  # smallest nonzero |coordinate| used

    def merged(self, other: "Evidence") -> "Evidence":
        return Evidence(self.n_points + other.n_points, max(self.magnitude, other.magnitude),
                        (min(self.digits[0], other.digits[0]), max(self.digits[1], other.digits[1])),
                        max(self.worst, other.worst), self.counterexample or other.counterexample,
                        min(self.smallest, other.smallest))

    def describe(self) -> str:
        lo, hi = self.digits
        digits = f"{lo} digits" if lo == hi else f"{lo}–{hi} digits"
        return (f"{self.n_points} points with |x| ≤ {self.magnitude:g} and nonzero |x| ≥ {self.smallest:g} "
                f"(always 0, ±10, ±40 and special points), "
                f"{digits}, largest relative difference {self.worst:.1e} (tolerance 1e-40)")


@dataclass(frozen=True)
class Comparison:
    """The verdict on one identity (or a conjunction of several).

    Attributes
    ----------
    verdict : str                 ``PROVEN``, ``NUMERIC``, ``UNDECIDED`` or ``FAILS``.
    evidence : Evidence or None   the numbers (None for a purely symbolic step).
    proof : str                   how SymPy proved it, or why it did not.
    n_parts : int                 how many identities were combined.
    """

    verdict: str
    evidence: Evidence | None
    proof: str
    n_parts: int = 1
    supporting: bool = False  # numbers that accompany a proof made of other parts

    @property
    def holds(self) -> bool:
        return self.verdict != FAILS

    @property
    def method(self) -> str:
        return "symbolic" if self.verdict == PROVEN else "numeric"

    @property
    def detail(self) -> str:
        parts = []
        if self.verdict == FAILS:
            parts.append(self.proof if self.evidence is None or not self.evidence.counterexample
                         else f"counterexample: {self.evidence.counterexample}")
        elif self.verdict == NUMERIC and self.evidence is None:
            parts.append(f"holds on numbers only: {self.proof}")
        elif self.verdict == PROVEN:
            parts.append(f"proven ({self.n_parts} identit{'y' if self.n_parts == 1 else 'ies'}): {self.proof}")
        elif self.verdict == UNDECIDED:
            parts.append(f"undecided ({self.proof})" + ("; no counterexample in the numbers"
                                                        if self.evidence is not None else ""))
        else:
            parts.append(f"not proven ({self.proof}); holds on the numbers")
        if self.evidence is not None and self.verdict != FAILS:
            parts.append(self.evidence.describe())
        return "; ".join(parts)


def symbolic(holds: bool, proof: str) -> Comparison:
    """A step decided exactly (a SymPy limit or solve that finished, an exact check): ✓ or ✗."""
    return Comparison(PROVEN if holds else FAILS, None, proof)


def undecided(reason: str, evidence: "Evidence | None" = None) -> Comparison:
    """A step on which no verdict could be reached (a time or memory limit): ?, never ✗."""
    return Comparison(UNDECIDED, evidence, reason)


def weakest(verdicts: Iterable[str]) -> str:
    """The weakest of some verdicts (✗ < ? < ≈ < ✓); PROVEN for none."""
    return max(verdicts, key=VERDICT_ORDER.index, default=PROVEN)


def proof_step(difference: sp.Expr, description: str, prefer: str | None = None) -> Comparison:
    """A purely symbolic step: ✓ if SymPy reduces ``difference`` to 0, ? otherwise (never ✗: SymPy failing to
    simplify is not a counterexample)."""
    found, ran_out = prove_zero_status(difference, prefer=prefer)
    if found:
        return Comparison(PROVEN, None, f"{description} (SymPy {found})")
    return undecided(f"{description}: SymPy " + ("ran out of time or memory" if ran_out
                                                 else "did not reduce it to 0"))


def combine(*comparisons: Comparison) -> Comparison:
    """All must hold. The verdict is the weakest of the parts that carry a proof (numbers that only
    accompany a proof count when they fail); the evidence is merged; each proof method is named once."""
    if not comparisons:
        raise ValueError("combine needs at least one comparison")
    n = sum(c.n_parts for c in comparisons if not c.supporting) or sum(c.n_parts for c in comparisons)
    evidence = None
    for c in comparisons:
        if c.evidence is not None:
            evidence = c.evidence if evidence is None else evidence.merged(c.evidence)
    failed = [c for c in comparisons if c.verdict == FAILS]
    if failed:
        first = failed[0]
        return Comparison(FAILS, first.evidence, first.proof, n)
    deciding = [c for c in comparisons if not c.supporting] or list(comparisons)
    open_ = [c for c in deciding if c.verdict == UNDECIDED]
    if open_:
        return Comparison(UNDECIDED, evidence, f"{sum(c.n_parts for c in open_)} of {n} identities undecided: "
                          f"{open_[0].proof}", n)
    unproven = [c for c in deciding if c.verdict == NUMERIC]
    if unproven:
        return Comparison(NUMERIC, evidence, f"{sum(c.n_parts for c in unproven)} of {n} identities not proven: "
                          f"{unproven[0].proof}", n)
    methods = []
    for c in deciding:
        for method in c.proof.split("; "):
            if method not in methods:
                methods.append(method)
    return Comparison(PROVEN, evidence, "; ".join(methods), n)


# ------------------------------------------------------------------ the numbers
def _points(symbols: Sequence[sp.Symbol], specials: Mapping[sp.Symbol, Sequence], binary: set,
            positive: set, grid: Sequence[sp.Symbol], n_random: int, seed: int) -> list[dict]:
    """Points as {symbol: value-or-expression}; expressions name other symbols and are resolved later."""
    rng = random.Random(seed)
    few = len([s for s in symbols if s not in binary]) <= 3
    huge_exponent = HUGE_EXPONENT if few else HUGE_EXPONENT_MANY

    def base_values(s):
        if s in binary:
            return [0, 1]
        values = [v for v in NOTES_VALUES if v != 0] if s in positive else list(NOTES_VALUES)
        values += [MAX_MAGNITUDE] if s in positive else [MAX_MAGNITUDE, -MAX_MAGNITUDE]
        return values + list(specials.get(s, ()))

    def random_value(s, edges=True):
        if s in binary:
            return rng.randint(0, 1)
        regime = rng.random() if edges else 0.2 + 0.45 * rng.random()
        if regime < 0.2:
            return rng.choice(base_values(s))
        if regime < 0.65:
            magnitude = 10 ** rng.uniform(-3, math.log10(MAX_MAGNITUDE))
        elif regime < 0.85:  # the small edge: 1e-300 … 1e-3, subnormals, exact zero
            kind = rng.random()
            if kind < 0.1 and s not in positive:
                return 0
            magnitude = rng.choice(SUBNORMALS) if kind < 0.2 else 10 ** rng.uniform(TINY_EXPONENT, -3)
        else:  # the large edge: 1e3 … 1e100
            magnitude = 10 ** rng.uniform(math.log10(MAX_MAGNITUDE), huge_exponent)
        return magnitude if s in positive or rng.random() < 0.5 else -magnitude

    points: list[dict] = []
    grid = [s for s in grid if s in symbols]
    if grid:
        combos: list[dict] = [{}]
        for s in grid:
            combos = [dict(c, **{s.name: v}) for c in combos for v in base_values(s)]
        rng.shuffle(combos)
        for combo in combos[:300]:
            points.append({s: combo[s.name] if s.name in combo else random_value(s, False) for s in symbols})
    for k in range(n_random):  # one point in three mixes the edges into its coordinates; the others are ordinary
        edges = k % 3 == 0
        points.append({s: random_value(s, edges) for s in symbols})
    free = [s for s in symbols if s not in binary] if few else []
    for k, s in enumerate(free):  # ±1e300 in each of (up to) three coordinates, the others ordinary
        point = {r: random_value(r) if r in binary else rng.choice(base_values(r)) for r in symbols}
        point[s] = HUGE if s in positive or k % 2 == 0 else -HUGE
        points.append(point)
    return points


def _resolve(point: dict, symbols: Sequence[sp.Symbol]) -> list:
    """Replace expression-valued coordinates (switch points) by numbers, using the numeric ones."""
    numeric = {s: v for s, v in point.items() if not isinstance(v, sp.Basic) or v.is_number}
    values = []
    for s in symbols:
        v = point[s]
        if isinstance(v, sp.Basic) and not v.is_number:
            v = v.xreplace({k: sp.Float(float(x), 30) if not isinstance(x, int) else x
                            for k, x in numeric.items()})
        values.append(v)
    return values


def _evaluate(function: Callable, values: list, digits: int):
    """[(lhs, rhs, relative difference) or None where undefined] for every pair, or None if nothing evaluates."""
    with mpmath.workdps(digits):
        args = [mpmath.mpf(str(sp.N(v, digits + 5))) if isinstance(v, sp.Basic) else mpmath.mpf(v) for v in values]
        try:
            flat = function(*args)
        except (ZeroDivisionError, ValueError, OverflowError, TypeError):
            return None
        out = []
        for lhs, rhs in zip(flat[::2], flat[1::2]):
            try:
                lhs, rhs = mpmath.mpmathify(lhs), mpmath.mpmathify(rhs)
            except (TypeError, ValueError):
                out.append(None)
                continue
            if any(mpmath.isnan(x) or mpmath.isinf(x) for x in (lhs, rhs)):
                out.append(None)
                continue
            scale = max(mpmath.mpf(1), abs(lhs), abs(rhs))
            out.append((lhs, rhs, abs(lhs - rhs) / scale))
        return out if any(r is not None for r in out) else None


def _fmt(x) -> str:
    if isinstance(x, mpmath.mpc):
        return mpmath.nstr(x, 6)
    return mpmath.nstr(x, 6) if not math.isfinite(float(x)) or (x != 0 and float(x) == 0) else f"{float(x):.6g}"


def numeric_check(pairs: Sequence[tuple[sp.Expr, sp.Expr]], *, names: Sequence[str] | None = None,
                  specials: Mapping | None = None, binary: Iterable = (), positive: Iterable = (),
                  grid: Sequence | None = None, n_random: int = 100, seed: int = 0) -> Evidence:
    """Evaluate every ``lhs == rhs`` pair at the points described in the module docstring.

    All pairs share one set of points and one common-subexpression-eliminated function.
    """
    pairs = [(sp.sympify(a), sp.sympify(b)) for a, b in pairs]
    names = list(names) if names is not None else [""] * len(pairs)
    free = set().union(*[a.free_symbols | b.free_symbols for a, b in pairs])
    symbols = sorted(free, key=lambda s: s.name)
    binary, positive = set(binary) & free, set(positive)
    if grid is None:
        grid = [s for s in symbols if s not in binary] if len(symbols) - len(binary) <= 3 else []
    function = sp.lambdify(symbols, [x for pair in pairs for x in pair], modules="mpmath", cse=len(pairs) > 1)
    points = _points(symbols, specials or {}, binary, positive, grid, n_random, seed) if symbols else [{}]
    worst = mpmath.mpf(0)
    magnitude, lo, hi, evaluated, tiniest = 0.0, 10 ** 9, 0, 0, 1.0
    for point in points:
        values = _resolve(point, symbols)
        floats = [abs(float(v)) for v in values]
        if not all(math.isfinite(f) for f in floats):  # a switch point beyond float64
            continue
        size = sum(floats)
        magnitude = max([magnitude] + floats)
        smallest = min((f for f in floats if f != 0), default=1.0)
        tiniest = min(tiniest, smallest)
        digits = BASE_DIGITS + math.ceil(math.log10(1 + size)) + max(0, math.ceil(-math.log10(smallest)))
        result = _evaluate(function, values, digits)
        if result is None:
            continue
        evaluated += 1
        lo, hi = min(lo, digits), max(hi, digits)
        bad = [k for k, r in enumerate(result) if r is not None and r[2] > RELATIVE_TOLERANCE]
        if bad:  # a real difference is stable when digits are added; rounding noise shrinks
            confirmed, stable = result, []
            for extra in (40, min(EXTRA_DIGITS_CAP, math.ceil(size / math.log(10))) + 40):
                digits_now = digits + extra
                again = _evaluate(function, values, digits_now)
                hi = max(hi, digits_now)
                if again is None:
                    break
                stable = [k for k in bad if again[k] is not None and again[k][2] > RELATIVE_TOLERANCE
                          and abs(again[k][2] - confirmed[k][2]) <= confirmed[k][2] / 1000]
                confirmed = again
                if stable:
                    break
            digits = digits_now
            if confirmed is not None:
                for k in (stable or bad):
                    if confirmed[k] is not None and confirmed[k][2] > RELATIVE_TOLERANCE:
                        where = ", ".join(f"{s}={float(v):.6g}" for s, v in zip(symbols, values)
                                          if (s in pairs[k][0].free_symbols or s in pairs[k][1].free_symbols))
                        label = f"{names[k]}: " if names[k] else ""
                        return Evidence(evaluated, magnitude, (lo, hi), float(confirmed[k][2]),
                                        f"{label}at {where} (with {digits} digits): lhs = {_fmt(confirmed[k][0])}, "
                                        f"rhs = {_fmt(confirmed[k][1])}, lhs - rhs = "
                                        f"{mpmath.nstr(confirmed[k][0] - confirmed[k][1], 3)}", tiniest)
                result = confirmed
        for r in result:
            if r is not None and r[2] <= RELATIVE_TOLERANCE:
                worst = max(worst, r[2])
    if evaluated == 0:
        return Evidence(0, magnitude, (BASE_DIGITS, BASE_DIGITS), 0.0, "no point where both sides are defined")
    return Evidence(evaluated, magnitude, (lo, hi), float(worst), "", tiniest)


# ------------------------------------------------------------------- the proofs
RAN_OUT = object()
"""What :func:`limited` returns when asked for it as the default and the task ran out of time or memory."""

_STATS = {"slowest": 0.0, "attempts": 0, "ran_out": 0}
"""CPU seconds of the slowest finished SymPy attempt, attempts made and attempts that ran out (this process)."""


def take_stats() -> dict:
    """The attempt statistics since the last call (and reset them)."""
    stats = dict(_STATS)
    _STATS.update(slowest=0.0, attempts=0, ran_out=0)
    return stats


def run_limited_status(task: Callable[[], object], seconds: float = SYMPY_TIME_LIMIT,
                       memory: int = SYMPY_MEMORY_LIMIT) -> tuple[str, object]:
    """Run ``task`` in a forked child with a CPU-time limit, a wall-clock backstop and a memory cap.

    Returns
    -------
    (status, result) : status is ``"ok"`` (result is the task's picklable return value), ``"out"`` (it ran
    out of CPU time, wall time or memory: no verdict), ``"error"`` (it raised) or ``"unavailable"`` (the
    platform cannot fork: nothing is attempted).
    """
    if not hasattr(os, "fork"):
        return "unavailable", None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns
        payload = b""
        try:
            os.close(read_end)
            try:
                import resource

                used = _address_space()
                resource.setrlimit(resource.RLIMIT_AS, (used + memory, used + memory))
                cpu = max(1, math.ceil(seconds))
                resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
            except (ImportError, ValueError, OSError):
                pass
            try:
                payload = pickle.dumps(("ok", task()))
            except MemoryError:
                payload = pickle.dumps(("out", None))
            except RecursionError:
                payload = pickle.dumps(("out", None))
        except BaseException:  # noqa: BLE001 - any other failure in the child means "no result"
            payload = pickle.dumps(("error", None))
        finally:
            try:
                with os.fdopen(write_end, "wb") as out:
                    out.write(payload)
            finally:
                os._exit(0)
    os.close(write_end)
    chunks, complete = [], False
    deadline = time.monotonic() + seconds * SYMPY_WALL_FACTOR + 2.0
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([read_end], [], [], remaining)[0]:
                break
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                complete = True
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        if not complete:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, _, usage = os.wait4(pid, 0)
    _STATS["attempts"] += 1
    data = b"".join(chunks)
    try:
        status, result = pickle.loads(data) if complete and data else ("out", None)
    except Exception:  # noqa: BLE001 - a truncated payload
        status, result = "out", None
    if status == "ok":
        _STATS["slowest"] = max(_STATS["slowest"], usage.ru_utime + usage.ru_stime)
    elif status == "out":
        _STATS["ran_out"] += 1
    return status, result


def run_limited(task: Callable[[], object], seconds: float = SYMPY_TIME_LIMIT,
                memory: int = SYMPY_MEMORY_LIMIT) -> object | None:
    """``task()`` run as :func:`run_limited_status` does; None if it ran out, raised, or could not be run."""
    status, result = run_limited_status(task, seconds, memory)
    return result if status == "ok" else None


def limited(task: Callable[[], object], default: object = None, seconds: float = SYMPY_TIME_LIMIT) -> object:
    """``task()`` in a limited child (for a SymPy limit, solve or simplify), or ``default`` if it did not finish.

    Pass ``default=RAN_OUT`` to tell "ran out" from a result.
    """
    status, result = run_limited_status(task, seconds)
    return result if status == "ok" else default


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 4 << 30


_STRATEGIES: tuple[tuple[str, Callable[[sp.Expr], sp.Expr]], ...] = (
    ("expand", lambda d: sp.expand(d)),
    ("simplify", lambda d: sp.simplify(d)),
    ("simplify after rewriting in exponentials", lambda d: sp.simplify(d.rewrite(sp.exp))),
    ("simplify of exp(difference) - 1", lambda d: sp.simplify(sp.exp(d) - 1)),
)
_PROOF_CACHE: dict = {}


def prove_zero(difference: sp.Expr, seconds: float = SYMPY_TIME_LIMIT, prefer: str | None = None) -> str | None:
    """Name the strategy that reduces ``difference`` to 0 within the limits, or None (see :func:`prove_zero_status`)."""
    return prove_zero_status(difference, seconds, prefer)[0]


def prove_zero_status(difference: sp.Expr, seconds: float = SYMPY_TIME_LIMIT,
                      prefer: str | None = None) -> tuple[str | None, bool]:
    """(the strategy that reduces ``difference`` to 0, or None; whether an attempt ran out of time or memory).

    Order: ``expand`` on the whole difference; then, for a sum whose terms fall into groups with
    no symbol in common, each group on its own (the sum is 0 if each group is); then the other
    strategies on the whole. Every attempt runs in a limited child (:func:`run_limited_status`), on a
    copy with the symbols renamed in order (a bijection), so that groups differing only in their
    indices share one cached proof.
    """
    if difference == 0:
        return "construction (identical expressions)", False
    found, ran_out = _attempt(difference, [_STRATEGIES[0]], seconds)  # expand, on the whole difference
    if found:
        return found, False
    groups = _independent_groups(difference)
    if len(groups) > 1:
        results = [prove_zero_status(sp.Add(*g), seconds, prefer) for g in groups]
        if all(r[0] for r in results):
            return " and ".join(sorted({r[0] for r in results})), False
    found, out_too = _attempt(difference, sorted(_STRATEGIES[1:], key=lambda item: item[0] != prefer), seconds)
    return found, (ran_out or out_too) and not found


def _attempt(difference: sp.Expr, strategies, seconds: float) -> tuple[str | None, bool]:
    """(the first of ``strategies`` that reduces the renamed difference to 0, or None; whether one ran out)."""
    canonical = _renamed(difference)
    key = (sp.srepr(canonical), tuple(name for name, _ in strategies))
    if key not in _PROOF_CACHE:
        found, ran_out = None, False
        for name, strategy in strategies:
            status, result = run_limited_status(lambda: strategy(canonical) == 0, seconds)
            if status == "ok" and result is True:
                found = name
                break
            ran_out = ran_out or status in ("out", "unavailable")
        _PROOF_CACHE[key] = (found, ran_out)
    return _PROOF_CACHE[key]


def _independent_groups(expr: sp.Expr) -> list[list[sp.Expr]]:
    """The terms of a sum, grouped into connected components by shared free symbols."""
    if not isinstance(expr, sp.Add):
        return [[expr]]
    groups: list[tuple[set, list]] = []
    for term in expr.args:
        symbols, members = set(term.free_symbols), [term]
        for group in [g for g in groups if g[0] & symbols]:
            groups.remove(group)
            symbols |= group[0]
            members += group[1]
        groups.append((symbols, members))
    return [members for _, members in groups]


def _renamed(expr: sp.Expr) -> sp.Expr:
    """Rename the free symbols to x0, x1, … in name order (keeping their assumptions)."""
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    return expr.xreplace({s: sp.Symbol(f"x{k}", **s.assumptions0) for k, s in enumerate(symbols)
                          if isinstance(s, sp.Symbol)})


def compare(lhs: sp.Expr, rhs: sp.Expr, **options) -> Comparison:
    """Decide ``lhs == rhs`` for all real values of the free symbols (see :func:`compare_all`)."""
    return compare_all([(lhs, rhs)], **options)


def compare_all(pairs: Sequence[tuple[sp.Expr, sp.Expr]], *, names: Sequence[str] | None = None,
                specials: Mapping | None = None, binary: Iterable = (), positive: Iterable = (),
                grid: Sequence | None = None, n_random: int = 100, seed: int = 0, prove: bool = True,
                proof_hint: Callable[[sp.Expr], sp.Expr] | Sequence[Callable] | None = None,
                prefer: str | None = None) -> Comparison:
    """Decide every ``lhs == rhs`` in ``pairs`` for all real values of their free symbols.

    Parameters
    ----------
    pairs : list of (lhs, rhs) sympy expressions
    names : labels for the pairs, used in a counterexample.
    specials : {symbol: [values or expressions in other symbols]}
        Extra values the points always include for that symbol (e.g. the switch point -W/2 for φ).
    binary : symbols that take only the values 0 and 1 (hidden and visible states).
    positive : symbols that take only positive values.
    grid : symbols to put on a full grid of special values (default: all, if at most 3).
    n_random : int
        Points drawn log-uniformly over magnitudes 1e-3 … 1e3 (both signs), a quarter of the
        coordinates replaced by special values.
    prove : bool
        Try a SymPy proof of each pair if the numbers find nothing.
    proof_hint : callable or list of callables (one per pair), optional
        A sound rewrite of a difference tried first: an invertible change of variables
        (e.g. a visible bias replaced by the whole input φ_i) or a definition unfolded.
    prefer : str, optional
        The name of the SymPy strategy to try first (they are tried in turn, each time-limited).
    """
    evidence = numeric_check(pairs, names=names, specials=specials, binary=binary, positive=positive, grid=grid,
                             n_random=n_random, seed=seed)
    n = len(pairs)
    if evidence.counterexample:
        return Comparison(FAILS, evidence, "counterexample", n)
    if not prove:
        return Comparison(NUMERIC, evidence, "numbers only", n, supporting=True)
    used: set[str] = set()
    hints = proof_hint if isinstance(proof_hint, (list, tuple)) else [proof_hint] * n
    for (lhs, rhs), hint in zip(pairs, hints):
        difference = sp.sympify(lhs) - sp.sympify(rhs)
        candidates = [difference] if hint is None else [hint(difference), difference]
        found, ran_out = None, False
        for candidate in candidates:
            found, out = prove_zero_status(candidate, prefer=prefer)
            ran_out = ran_out or out
            if found:
                break
        if not found and ran_out:
            return Comparison(UNDECIDED, evidence, f"a SymPy attempt ran out of its {SYMPY_TIME_LIMIT:g} s of CPU "
                                                   f"or 1 GB of memory", n)
        if not found:
            return Comparison(NUMERIC, evidence, "SymPy finished without reducing lhs - rhs to 0", n)
        used.add(found)
    methods = sorted({m for found in used for m in found.split(" and ")})
    return Comparison(PROVEN, evidence, "SymPy reduces lhs - rhs to 0 by " + " / ".join(methods), n)


REQUIRED = {"library": "proof", "bridge": "numbers", "correction": "numbers", "notes": None, "reading": None}
"""The level each role must reach for the run to pass: ``"proof"`` (✓), ``"numbers"`` (✓ or ≈; for a bridge, ≈
means it held at every sampled point), None (not relied on: the notes' own claims may fail, those are the
errata, and rows behind a reading note only inform)."""


@dataclass(frozen=True)
class Claim:
    """The outcome of one check.

    Attributes
    ----------
    name : str
    section : str            where in the notes (for example "§2.1"), or "library" for a bridge.
    statement : str          the claim, as LaTeX (plain text for bridges).
    verdict : str            ``"proven"`` (✓), ``"numeric"`` (≈, holds on numbers only), ``"undecided"`` (?, a time
                             or memory limit was hit) or ``"fails"`` (✗, a confirmed counterexample).
    detail : str             how it was decided: the proof, the numbers (range, precision), or the counterexample.
    role : str               ``"library"`` (a claim of the notes the library relies on), ``"bridge"`` (library
                             code against the claim), ``"notes"`` (a statement of the notes the library does not
                             use; may fail: that is an erratum), ``"correction"`` (our corrected version of an
                             erratum, or a claim the project adds) or ``"reading"`` (behind a reading note).
    steps : tuple of str     the few SymPy lines that prove it (code), for the notebook.
    n_parts : int            how many identities the claim combines.
    required : str or None   ``"proof"``, ``"numbers"`` or None: see :data:`REQUIRED` (default from the role).
    """

    name: str
    section: str
    statement: str
    verdict: str
    detail: str
    role: str = "library"
    steps: tuple[str, ...] = field(default_factory=tuple)
    n_parts: int = 1
    required: str | None = "default"

    def __post_init__(self):
        if self.verdict not in MARKS:
            raise ValueError(f"verdict must be one of {sorted(MARKS)}, got {self.verdict!r}")
        if self.required == "default":
            object.__setattr__(self, "required", REQUIRED.get(self.role))
        if self.required not in ("proof", "numbers", None):
            raise ValueError(f"required must be 'proof', 'numbers' or None, got {self.required!r}")

    @property
    def holds(self) -> bool:
        """No counterexample was found (✓, ≈ or ?)."""
        return self.verdict != FAILS

    @property
    def mark(self) -> str:
        return MARKS[self.verdict]

    @property
    def method(self) -> str:
        return "symbolic" if self.verdict == PROVEN else "numeric"

    @property
    def relied_on(self) -> bool:
        """The library or the project depends on it: it must reach its required level for the run to pass."""
        return self.required is not None

    @property
    def meets_requirement(self) -> bool:
        """True if not relied on, or at its required level (✓ for "proof"; ✓ or ≈ for "numbers")."""
        if self.required is None:
            return True
        if self.required == "proof":
            return self.verdict == PROVEN
        return self.verdict in (PROVEN, NUMERIC)


def make_claim(name: str, section: str, statement: str, comparison: Comparison, role: str = "library",
               steps: Sequence[str] = (), required: str | None = "default") -> Claim:
    return Claim(name, section, statement, comparison.verdict, comparison.detail, role, tuple(steps),
                 comparison.n_parts, required)


def crashed_claim(name: str, error: BaseException, role: str = "library") -> Claim:
    """The row for a check that raised: ✗ (it could not confirm the claim), with the error as the detail."""
    return Claim(name, "(check)", "", FAILS, f"the check raised {type(error).__name__}: "
                 f"{' '.join(str(error).split())[:300]}", role)
