"""The bridge: the library's numpy code evaluated against the claims' expressions in mpmath.

A claim proven in SymPy says nothing about the code that runs. Each ``bridge_*`` evaluates one
library function at extreme float64 points (0, ±10, ±40, ±1000, switch points, points drawn
log-uniformly over magnitudes 1e-3 … 1e3 with both signs; for ``corrections.exact`` also
±1e6 … ±1e300, since it promises accuracy for every finite input) and compares it with the
expression of the corresponding claim (from :data:`~.formulas.NOTES`, or the ``formulas`` given),
evaluated in mpmath at 50 + log10(Σ|x|) digits. The tolerance is the library's promise:
1e-12 absolute, or relative where the reference exceeds 1 in size. A disagreement is a ✗ row.

The library is looked up at call time (``corrections.gain``, …), so a monkeypatched library
function is what gets checked.
"""

from __future__ import annotations

import math
import random
from typing import Callable, Sequence

import mpmath
import numpy as np
import sympy as sp

from .engine import FAILS, NUMERIC, Claim, Comparison, Evidence, limited
from .formulas import NOTES, Formulas, W, eps, phi, phi_a0

TOLERANCE = 1e-12
NOTES_FLOATS = (0.0, 10.0, -10.0, 40.0, -40.0, 1e3, -1e3)
EXTREMES = (1e6, -1e6, 1e15, -1e15, 1e100, -1e100)


def _digits(values: Sequence[float]) -> int:
    """50 digits, plus the digits of the largest sum of magnitudes, plus those lost below the smallest."""
    smallest = min((abs(v) for v in values if v != 0), default=1.0)
    return (50 + math.ceil(math.log10(1 + sum(abs(v) for v in values)))
            + max(0, math.ceil(-math.log10(smallest))))


def _random_magnitude(rng: random.Random) -> float:
    """Log-uniform over 1e-3 … 1e3 (60 %) or 1e-300 … 1e-3 (25 %) or 1e3 … 1e30 (15 %), either sign."""
    regime = rng.random()
    exponent = rng.uniform(-3, 3) if regime < 0.6 else rng.uniform(-300, -3) if regime < 0.85 else rng.uniform(3, 30)
    value = 10 ** exponent
    return value if rng.random() < 0.5 else -value


def _triples(seed: int, extremes: bool) -> list[tuple[float, float, float]]:
    """(φ, ε, W) points: the notes' values on a grid, switch points, log-uniform points, optionally extremes."""
    rng = random.Random(seed)
    points = [(p, e, w) for p in NOTES_FLOATS for e in NOTES_FLOATS for w in NOTES_FLOATS]
    for e in NOTES_FLOATS:
        for w in NOTES_FLOATS:
            points += [(-w / 2, e, w), (-e - w / 2, e, w), (-w, e, w), (-e, e, w)]
    points += [tuple(_random_magnitude(rng) for _ in range(3)) for _ in range(300)]
    small = (1e-300, -1e-300, 5e-324, -1e-310, 1e-8, -1e-5, 0.0)
    points += [(p, e, w) for p in small[:3] + (10.0,) for e in small[3:] for w in (1e3, -40.0, 1e-5)]
    if extremes:  # mpmath needs ~0.1 s per point at 1e300, so that magnitude gets a few points only
        big = EXTREMES[:6] + (0.0, 10.0, -10.0)
        points += [(p, e, w) for p in big for e in big for w in big if max(abs(p), abs(e), abs(w)) >= 1e6][::4]
        huge = 1e300
        points += [(huge, 10.0, -10.0), (-huge, 10.0, 10.0), (10.0, huge, -10.0), (-10.0, -huge, 10.0),
                   (0.0, 10.0, huge), (-10.0, 0.0, -huge), (huge, -huge, 10.0), (-huge, 10.0, huge)]
    return points


def _verdict(name: str, statement: str, mismatches: list[str], n_points: int, magnitude: float,
             digits: tuple[int, int], worst: float) -> Claim:
    evidence = Evidence(n_points, magnitude, digits, worst)
    if mismatches:
        comparison = Comparison(FAILS, evidence, f"library disagrees with the claim: {mismatches[0]}"
                                + (f" (and {len(mismatches) - 1} more points)" if len(mismatches) > 1 else ""))
        detail = comparison.proof
    else:
        detail = (f"library matches the claim at {n_points} points with |x| ≤ {magnitude:g}, references with "
                  f"{digits[0]}–{digits[1]} digits, largest error {worst:.1e} (tolerance 1e-12 absolute, "
                  f"relative above 1)")
    return Claim(name, "library", statement, FAILS if mismatches else NUMERIC, detail, role="bridge")


def _error(got: float, ref, scale: float, relative: float | None = None) -> float:
    """The error of a library value against a reference (inf if the reference is complex, NaN or infinite).

    Default: absolute, relative where the reference or ``scale`` exceeds 1 (the library's promise). With
    ``relative``: the error divided by ``relative`` · |ref| + 1e-300, times TOLERANCE (so ≤ TOLERANCE passes).
    """
    if isinstance(ref, mpmath.mpc):
        if ref.imag != 0:
            return math.inf
        ref = ref.real
    if not mpmath.isfinite(ref) or not np.isfinite(got):
        return math.inf
    difference = abs(mpmath.mpf(float(got)) - ref)
    if relative is not None:
        return float(difference / (relative * abs(ref) + mpmath.mpf(10) ** -300)) * TOLERANCE
    return float(difference / max(mpmath.mpf(1), abs(ref), mpmath.mpf(scale)))


CONDITIONED = ("(tolerance 1e-12 relative to |W|·(1 + α(|φ| + |ε| + |W|)): C̃ is W times a difference of sigmoids "
               "of float64 sums, so that is its condition)")


def _float_gain(w: float) -> float:
    return 1.0 if abs(w) < 1e-8 else 4.0 * math.tanh(w / 4.0) / w


def _condition(p: float, e: float, w: float, alpha: float, with_w: bool = False) -> float:
    """The scale of an approximation's float64 error: |W| times (1 + the gain times the size of its sums)."""
    return abs(w) * (1.0 + alpha * (abs(p) + abs(e) + (abs(w) if with_w else 0.0)))


def _check_values(name: str, statement: str, library: Callable[[], np.ndarray],
                  reference: Callable[[int], mpmath.mpf], points: Sequence[Sequence[float]],
                  labels: Sequence[str], scale: Callable[[int], float] | None = None,
                  relative: float | None = None) -> Claim:
    """Compare ``library()`` (one value per point) with ``reference(k)`` for each point k."""
    try:
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            values = np.asarray(library(), dtype=float).ravel()
    except Exception as error:  # noqa: BLE001 - any failure of the library is a failed bridge
        return _verdict(name, statement, [f"the library raised {type(error).__name__}: {error}"], 0, 0, (0, 0), 0)
    mismatches, worst = [], 0.0
    digits = [10 ** 9, 0]
    magnitude = 0.0
    for k, point in enumerate(points):
        d = _digits(point)
        digits = [min(digits[0], d), max(digits[1], d)]
        magnitude = max([magnitude] + [abs(x) for x in point])
        with mpmath.workdps(d):
            try:
                ref = reference(k)
            except (ZeroDivisionError, ValueError, OverflowError, TypeError) as error:
                ref = mpmath.mpc(0, 1) if not isinstance(error, ZeroDivisionError) else mpmath.nan
            got = values[k]
            error = _error(got, ref, scale(k) if scale else 1.0, relative)
        if not error <= TOLERANCE:
            where = ", ".join(f"{label}={x:.6g}" for label, x in zip(labels, point))
            mismatches.append(f"at {where}: library {got!r}, claim {mpmath.nstr(ref, 17)}")
        else:
            worst = max(worst, error)
    return _verdict(name, statement, mismatches, len(points), magnitude, tuple(digits), worst)


def _mp(expr: sp.Expr, symbols: Sequence[sp.Symbol]) -> Callable:
    return sp.lambdify(symbols, expr, modules="mpmath")


# --------------------------------------------------------------- corrections
def bridge_exact(formulas: Formulas | None = None) -> Claim:
    from .. import corrections
    formulas = formulas or NOTES
    points = _triples(1, extremes=True)
    f = _mp(formulas.exact(phi_a0, eps, W), (phi_a0, eps, W))
    arrays = [np.array(a) for a in zip(*points)]
    return _check_values("corrections.exact = C", "corrections.exact(φ0, ε, W) equals the claim's C, also at "
                         "±1e6 … ±1e300", lambda: corrections.exact(*arrays),
                         lambda k: f(*map(mpmath.mpf, points[k])), points, ("phi0", "eps", "w"))


def bridge_linear(formulas: Formulas | None = None) -> Claim:
    from .. import corrections
    formulas = formulas or NOTES
    points = _triples(2, extremes=True)
    f = _mp(formulas.linear(phi, eps, W), (phi, eps, W))
    arrays = [np.array(a) for a in zip(*points)]
    return _check_values("corrections.linear = W[σ(φ) - σ(φ+ε)]", "corrections.linear(φ, ε, W) equals the §2 "
                         f"approximation {CONDITIONED}", lambda: corrections.linear(*arrays),
                         lambda k: f(*map(mpmath.mpf, points[k])), points, ("phi", "eps", "w"),
                         scale=lambda k: _condition(points[k][0], points[k][1], points[k][2], 1.0))


def bridge_gain(formulas: Formulas | None = None) -> Claim:
    from .. import corrections
    formulas = formulas or NOTES
    rng = random.Random(3)
    points = [(w,) for w in NOTES_FLOATS + (1e-3, -1e-3, 1e-5, -1e-5, 1e-300) + EXTREMES + (1e300, -1e300)]
    points += [(_random_magnitude(rng),) for _ in range(300)]
    f = _mp(formulas.gain(W), (W,))
    at_zero = limited(lambda: sp.limit(formulas.gain(W), W, 0))
    if at_zero is None or not at_zero.is_number:  # no reference at W = 0: leave that point out
        points = [p for p in points if p[0] != 0]

    def reference(k):
        w = points[k][0]
        return mpmath.mpf(sp.N(at_zero, 60)) if w == 0 else f(mpmath.mpf(w))
    return _check_values("corrections.gain = α(W)", "corrections.gain(W) equals the §2.1 gain α (its limit 1 at "
                         "W = 0)", lambda: corrections.gain(np.array([p[0] for p in points])), reference,
                         points, ("w",))


def bridge_sigmoid(formulas: Formulas | None = None) -> list[Claim]:
    from .. import corrections
    formulas = formulas or NOTES
    points = _triples(4, extremes=True)
    arrays = [np.array(a) for a in zip(*points)]
    claims = []
    for use_gain in (True, False):
        alpha = formulas.gain(W) if use_gain else sp.Integer(1)
        f = _mp(formulas.sigmoid(phi_a0, eps, W, alpha), (phi_a0, eps, W))
        limit_at_0 = formulas.sigmoid(phi_a0, eps, 0, 1)  # W = 0: the approximation is 0 whatever α

        def reference(k, f=f):
            p, e, w = points[k]
            if w == 0:
                return mpmath.mpf(float(limit_at_0.subs({phi_a0: p, eps: e})))
            return f(mpmath.mpf(p), mpmath.mpf(e), mpmath.mpf(w))
        label = "with gain α" if use_gain else "gain 1"
        claims.append(_check_values(f"corrections.sigmoid ({label}) = C̃", f"corrections.sigmoid(φ0, ε, W, gain="
                                    f"{use_gain}) equals the §2.1 approximation {label} {CONDITIONED}",
                                    lambda g=use_gain: corrections.sigmoid(*arrays, gain=g), reference, points,
                                    ("phi0", "eps", "w"), scale=lambda k, g=use_gain: _condition(
                                        points[k][0], points[k][1], points[k][2], _float_gain(points[k][2]) if g else 1.0,
                                        with_w=True)))
    return claims


def bridge_local(formulas: Formulas | None = None) -> Claim:
    from .. import corrections
    formulas = formulas or NOTES
    base = _triples(5, extremes=True)
    points = [(p, h, e, w) for (p, e, w), h in zip(base, [0.0, 1.0] * len(base))]
    h_sym = sp.Symbol("h", real=True)
    f = _mp(formulas.local(phi, h_sym, eps, W, formulas.gain(W)), (phi, h_sym, eps, W))
    arrays = [np.array(a) for a in zip(*points)]

    def reference(k):
        p, h, e, w = points[k]
        return mpmath.mpf(0) if w == 0 else f(*map(mpmath.mpf, (p, h, e, w)))
    return _check_values("corrections.local = §2.3 local form", "corrections.local(φ, h, ε, W) equals the §2.3 "
                         f"local form with ĥ = h - ½ and the gain {CONDITIONED}", lambda: corrections.local(*arrays),
                         reference, points, ("phi", "h", "eps", "w"),
                         scale=lambda k: _condition(points[k][0], points[k][2], points[k][3], _float_gain(points[k][3]),
                                                    with_w=True))


# -------------------------------------------------------------------- models
def _parameters(rng: np.random.Generator, shape, kind: str) -> np.ndarray:
    if kind == "notes":
        return rng.choice(np.array(NOTES_FLOATS[:5]), size=shape)
    if kind == "small":
        return rng.normal(0.0, 1.0, size=shape)
    low, high = {"wide": (-3, 3), "tiny": (-300, -3), "huge": (3, 6)}[kind]
    magnitude = 10 ** rng.uniform(low, high, size=shape)
    values = magnitude * rng.choice([-1.0, 1.0], size=shape)
    if kind == "tiny":
        values.flat[rng.integers(values.size)] = 0.0
        values.flat[rng.integers(values.size)] = 5e-324
    return values


def _models(seed: int = 0, n_hidden: int = 3, n_visible: int = 4, kinds=("notes", "small", "wide", "wide", "tiny")):
    """Two-cause models (3+3 hidden, 4 visible) with parameters from the notes' values, N(0, 1), log-uniform
    magnitudes up to 1e3, magnitudes 1e-300 … 1e-3 with a zero and a subnormal ("tiny"), and 1e3 … 1e6 ("huge")."""
    from ..rbm import RBM
    from ..two_cause import TwoCauseRBM
    rng = np.random.default_rng(seed)
    models = []
    for kind in kinds:
        causes = [RBM(_parameters(rng, (n_hidden, n_visible), kind), _parameters(rng, n_visible, kind),
                      _parameters(rng, n_hidden, kind)) for _ in range(2)]
        models.append(TwoCauseRBM(*causes))
    return models


def _states(n: int) -> np.ndarray:
    """All binary states of n units, in the library's order (exact.binary_states)."""
    from ..exact import binary_states
    return np.asarray(binary_states(n), dtype=float)


def _mpf_matrix(a: np.ndarray):
    return [[mpmath.mpf(float(x)) for x in row] for row in np.atleast_2d(a)]


def _rule_function(rule: Callable, arity_symbols: Sequence[sp.Symbol]) -> Callable:
    return sp.lambdify(arity_symbols, rule(*arity_symbols), modules="mpmath")


def _compare_arrays(name: str, statement: str, pairs: list[tuple[np.ndarray | Exception, list, float]],
                    magnitude: float, digits: int) -> Claim:
    """pairs: (library array or the exception it raised, reference mpf list, scale) for each case."""
    mismatches, worst, n = [], 0.0, 0
    for got, reference, scale in pairs:
        if isinstance(got, Exception):
            mismatches.append(f"the library raised {type(got).__name__}: {got}")
            continue
        got = np.asarray(got, dtype=float).ravel()
        for k, ref in enumerate(reference):
            n += 1
            error = _error(got[k], ref, scale)
            if not error <= TOLERANCE:
                mismatches.append(f"entry {k}: library {got[k]!r}, claim {mpmath.nstr(ref, 17)}")
            else:
                worst = max(worst, error)
    return _verdict(name, statement, mismatches, n, magnitude, (digits, digits), worst)


def _call(function: Callable):
    try:
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            return function()
    except Exception as error:  # noqa: BLE001
        return error


def _magnitude(model) -> float:
    return float(max(np.abs(np.concatenate([getattr(r, a).ravel() for r in (model.a, model.b)
                                             for a in ("weights", "visible_bias", "hidden_bias")]))))


def _mp_inputs(rbm, h):
    w, b = _mpf_matrix(rbm.weights), [mpmath.mpf(float(x)) for x in rbm.visible_bias]
    return [sum((w[j][i] * int(h[j]) for j in range(len(h))), mpmath.mpf(0)) + b[i] for i in range(len(b))]


def bridge_wake_statistics(formulas: Formulas | None = None) -> Claim:
    """training.wake_statistics against the wake rules, entry by entry, averaged over 16 random states."""
    from .. import training
    formulas = formulas or NOTES
    hs, vs, pa, pab = sp.symbols("h v p_a p_ab", real=True)
    rng = np.random.default_rng(7)
    pairs, magnitude, digits = [], 0.0, 0
    for model in _models(7):
        n_h, n_v = model.a.n_hidden, model.n_visible
        h_a, h_b = rng.integers(0, 2, (16, n_h)).astype(float), rng.integers(0, 2, (16, n_h)).astype(float)
        v = rng.integers(0, 2, (16, n_v)).astype(float)
        got = _call(lambda: training.wake_statistics(model, v, h_a, h_b))
        magnitude = max(magnitude, _magnitude(model))
        d = 50 + math.ceil(math.log10(1 + 20 * magnitude))
        digits = max(digits, d)
        with mpmath.workdps(d):
            for name, own, other, h_own in (("a", model.a, model.b, h_a), ("b", model.b, model.a, h_b)):
                h_other = h_b if name == "a" else h_a
                inputs = [_mp_inputs(own, h_own[r]) for r in range(16)]
                totals = [[x + y for x, y in zip(inputs[r], _mp_inputs(other, h_other[r]))] for r in range(16)]
                weight_ref, vbias_ref, hbias_ref = [], [], []
                for j in range(n_h):
                    for i in range(n_v):
                        rule = _rule_function(lambda h, vv, a, ab: formulas.wake_weight(j, i, h, vv, a, ab),
                                              (hs, vs, pa, pab))
                        weight_ref.append(sum(rule(int(h_own[r, j]), int(v[r, i]), inputs[r][i], totals[r][i])
                                              for r in range(16)) / 16)
                    rule = _rule_function(lambda h: formulas.wake_hidden_bias(j, h), (hs,))
                    hbias_ref.append(sum(rule(int(h_own[r, j])) for r in range(16)) / 16)
                for i in range(n_v):
                    rule = _rule_function(lambda vv, a, ab: formulas.wake_visible_bias(i, vv, a, ab), (vs, pa, pab))
                    vbias_ref.append(sum(rule(int(v[r, i]), inputs[r][i], totals[r][i]) for r in range(16)) / 16)
                for key, ref in (("weights", weight_ref), ("visible_bias", vbias_ref), ("hidden_bias", hbias_ref)):
                    value = got if isinstance(got, Exception) else got[f"{name}_{key}"]
                    pairs.append((value, ref, 1.0))
    return _compare_arrays("training.wake_statistics = wake rules", "training.wake_statistics(model, v, h_a, h_b) "
                           "equals the §3.1.1 rules averaged over the rows, for every entry of both causes",
                           pairs, magnitude, digits)


_MARGINALS: dict = {}


def _marginal_function(formulas: Formulas, n: int) -> Callable:
    x = sp.IndexedBase("x")
    c = sp.Symbol("c", real=True)
    expr = formulas.marginal(x, n, c).doit()
    key = (sp.srepr(expr), n)  # the expression itself: a formula (or a function it calls) may have been replaced
    if key not in _MARGINALS:
        _MARGINALS[key] = sp.lambdify([c] + [x[i + 1] for i in range(n)], expr, modules="mpmath")
    return _MARGINALS[key]


def _mp_log_marginal(rbm, h, formulas: Formulas):
    f = _marginal_function(formulas, rbm.n_visible)
    hidden = sum((mpmath.mpf(float(cj)) * int(hj) for cj, hj in zip(rbm.hidden_bias, h)), mpmath.mpf(0))
    return f(hidden, *_mp_inputs(rbm, h))


def bridge_free_statistics(formulas: Formulas | None = None) -> list[Claim]:
    """RBM.log_p_star_h, exact.rbm_hidden_distribution, training.sleep_statistics under the exact P(h), and
    exact.two_cause_hidden_distribution (v summed out of the joint), against the claims in mpmath."""
    from .. import exact, training
    formulas = formulas or NOTES
    hs, ps = sp.symbols("h p", real=True)
    marginal_pairs, distribution_pairs, sleep_pairs, joint_pairs = [], [], [], []
    magnitude, digits = 0.0, 0
    for model in _models(11):
        magnitude = max(magnitude, _magnitude(model))
        d = 60 + math.ceil(math.log10(1 + 40 * magnitude))
        digits = max(digits, d)
        with mpmath.workdps(d):
            for rbm in (model.a, model.b):
                states = _states(rbm.n_hidden)
                log_p = [_mp_log_marginal(rbm, s, formulas) for s in states]
                marginal_pairs.append((_call(lambda: rbm.log_p_star_h(states)), log_p,
                                       float(max(abs(x) for x in log_p))))
                z = mpmath.fsum(mpmath.exp(lp) for lp in log_p)
                probability = [mpmath.exp(lp) / z for lp in log_p]
                distribution_pairs.append((_call(lambda: exact.rbm_hidden_distribution(rbm)), probability, 1.0))
                weights = np.array([float(p) for p in probability])
                got = _call(lambda: training.sleep_statistics(rbm, states, weights))
                inputs = [_mp_inputs(rbm, s) for s in states]
                refs = {"weights": [], "visible_bias": [], "hidden_bias": []}
                for j in range(rbm.n_hidden):
                    for i in range(rbm.n_visible):
                        rule = _rule_function(lambda h, p: formulas.sleep_weight(j, i, h, p), (hs, ps))
                        refs["weights"].append(mpmath.fsum(mpmath.mpf(float(w)) * rule(int(s[j]), inputs[k][i])
                                                           for k, (w, s) in enumerate(zip(weights, states))))
                for j in range(rbm.n_hidden):
                    rule = _rule_function(lambda h: formulas.sleep_hidden_bias(j, h), (hs,))
                    refs["hidden_bias"].append(mpmath.fsum(mpmath.mpf(float(w)) * rule(int(s[j]))
                                                           for w, s in zip(weights, states)))
                for i in range(rbm.n_visible):
                    rule = _rule_function(lambda p: formulas.sleep_visible_bias(i, p), (ps,))
                    refs["visible_bias"].append(mpmath.fsum(mpmath.mpf(float(w)) * rule(inputs[k][i])
                                                            for k, w in enumerate(weights)))
                for key, ref in refs.items():
                    sleep_pairs.append((got if isinstance(got, Exception) else got[key], ref, 1.0))
            joint_pairs.append((_call(lambda: exact.two_cause_hidden_distribution(model)),
                                _mp_free_phase(model, formulas), 1.0))
    statement = "against the claims' expressions in mpmath, on 3+3×4 models with parameters up to 1e3"
    return [
        _compare_arrays("RBM.log_p_star_h = marginal log P*(h)", f"RBM.log_p_star_h(h) for all 8 states {statement}",
                        marginal_pairs, magnitude, digits),
        _compare_arrays("exact.rbm_hidden_distribution = free-phase P(h)", "exact.rbm_hidden_distribution(rbm) "
                        f"= exp(log P*(h)) / Z {statement}", distribution_pairs, magnitude, digits),
        _compare_arrays("training.sleep_statistics = E_P(h)[sleep rules]", "training.sleep_statistics(rbm, "
                        f"all states, exact P(h)) = E[σ(φ_i)h_j], E[σ(φ_i)], E[h_j] {statement}",
                        sleep_pairs, magnitude, digits),
        _compare_arrays("exact.two_cause_hidden_distribution = Σ_v joint", "exact.two_cause_hidden_distribution"
                        f"(model) = Σ_v P*(h^A, h^B, v) / Z, all 64 hidden states {statement}", joint_pairs,
                        magnitude, digits),
    ]


def _mp_free_phase(model, formulas: Formulas) -> list:
    """P(h^A, h^B) by summing v out of the joint (the likelihood from ``formulas``) and normalising."""
    xs, vs = sp.symbols("x v", real=True)
    likelihood = sp.lambdify((vs, xs), formulas.likelihood(vs, xs), modules="mpmath")
    states_a, states_b, visible = _states(model.a.n_hidden), _states(model.b.n_hidden), _states(model.n_visible)
    log_a = [_mp_log_marginal(model.a, s, formulas) for s in states_a]
    log_b = [_mp_log_marginal(model.b, s, formulas) for s in states_b]
    in_a = [_mp_inputs(model.a, s) for s in states_a]
    in_b = [_mp_inputs(model.b, s) for s in states_b]
    unnormalised = []
    for ka in range(len(states_a)):  # the library orders joint states with h_a's bits first
        for kb in range(len(states_b)):
            total = [x + y for x, y in zip(in_a[ka], in_b[kb])]
            per_unit = [[mpmath.exp(likelihood(v, total[i])) for v in (0, 1)] for i in range(model.n_visible)]
            sum_v = mpmath.fsum(mpmath.fprod(per_unit[i][int(s[i])] for i in range(model.n_visible)) for s in visible)
            unnormalised.append(mpmath.exp(log_a[ka] + log_b[kb]) * sum_v)
    z = mpmath.fsum(unnormalised)
    return [u / z for u in unnormalised]


def bridge_psi(formulas: Formulas | None = None) -> list[Claim]:
    """RBM.hidden_input (the vanilla ψ) and TwoCauseRBM.psi for each correction, against the claims."""
    formulas = formulas or NOTES
    p0, e, w, h = sp.symbols("p0 e w h", real=True)
    alpha = formulas.gain(w)
    corrections = {
        "exact": sp.lambdify((p0, e, w, h), formulas.exact(p0 - h * w, e, w), modules="mpmath"),
        "linear": sp.lambdify((p0, e, w, h), formulas.linear(p0, e, w), modules="mpmath"),
        "sigmoid": sp.lambdify((p0, e, w, h), formulas.sigmoid(p0 - h * w, e, w, alpha), modules="mpmath"),
        "local": sp.lambdify((p0, e, w, h), formulas.local(p0, h, e, w, alpha), modules="mpmath"),
    }
    c_sym = sp.Symbol("c", real=True)
    rng = np.random.default_rng(13)
    vanilla_pairs, psi_pairs = [], {name: [] for name in corrections}
    magnitude, digits = 0.0, 0
    for model in _models(13):
        magnitude = max(magnitude, _magnitude(model))
        d = 50 + math.ceil(math.log10(1 + 20 * magnitude))
        digits = max(digits, d)
        n_h, n_v = model.a.n_hidden, model.n_visible
        h_a, h_b = rng.integers(0, 2, (8, n_h)).astype(float), rng.integers(0, 2, (8, n_h)).astype(float)
        v = rng.integers(0, 2, (8, n_v)).astype(float)
        with mpmath.workdps(d):
            for rbm in (model.a, model.b):
                vsyms = sp.symbols(f"v1:{n_v + 1}", real=True)
                wsyms = sp.symbols(f"w1:{n_v + 1}", real=True)
                vanilla = sp.lambdify((c_sym, *wsyms, *vsyms), formulas.vanilla_psi(list(wsyms), c_sym, list(vsyms)),
                                      modules="mpmath")
                ref = [vanilla(mpmath.mpf(float(rbm.hidden_bias[j])), *map(mpmath.mpf, rbm.weights[j].tolist()),
                               *map(int, v[r])) for r in range(8) for j in range(n_h)]
                vanilla_pairs.append((_call(lambda: rbm.hidden_input(v)), ref, 20 * magnitude))
            for name, correction in corrections.items():
                got = _call(lambda: model.psi(h_a, h_b, v, correction=name))
                for index, (own, other) in enumerate(((model.a, model.b), (model.b, model.a))):
                    h_own, h_other = (h_a, h_b) if index == 0 else (h_b, h_a)
                    ref = []
                    for r in range(8):
                        inputs, eps_in = _mp_inputs(own, h_own[r]), _mp_inputs(other, h_other[r])
                        for j in range(n_h):
                            total = mpmath.mpf(float(own.hidden_bias[j]))
                            for i in range(n_v):
                                wji = mpmath.mpf(float(own.weights[j, i]))
                                total += wji * int(v[r, i])
                                total += mpmath.mpf(0) if wji == 0 else correction(inputs[i], eps_in[i], wji,
                                                                                   int(h_own[r, j]))
                            ref.append(total)
                    value = got if isinstance(got, Exception) else got[index]
                    psi_pairs[name].append((value, ref, 20 * magnitude))
    statement = "on 3+3×4 models with parameters up to 1e3, 8 random states each (tolerance relative to 20·max|param|)"
    claims = [_compare_arrays("RBM.hidden_input = vanilla ψ", f"RBM.hidden_input(v) = W_j0 + Σ_i W_ji v_i {statement}",
                              vanilla_pairs, magnitude, digits)]
    for name, pairs in psi_pairs.items():
        claims.append(_compare_arrays(f"TwoCauseRBM.psi({name}) = ψ^RBM + Σ C", f"TwoCauseRBM.psi(…, correction="
                                      f"'{name}') = W_j0 + Σ_i W_ji v_i + Σ_i C_ji with the claim's {name} "
                                      f"correction {statement}", pairs, magnitude, digits))
    return claims


BRIDGES: list[Callable[..., Claim | list[Claim]]] = [
    bridge_exact, bridge_linear, bridge_gain, bridge_sigmoid, bridge_local,
    bridge_wake_statistics, bridge_free_statistics, bridge_psi,
]

__all__ = ["BRIDGES", "TOLERANCE"] + [b.__name__ for b in BRIDGES]


# ------------------------------------------------------------ elementwise numerics
def bridge_numerics(formulas: Formulas | None = None) -> list[Claim]:
    """numerics.softplus and numerics.log_sigmoid against log(1 + e^x) and -log(1 + e^{-x}) in mpmath, from exact
    zeros and subnormals to ±1e300 (relative 1e-14, or 1e-300 absolute)."""
    from .. import numerics
    from . import formulas as formulas_module
    rng = random.Random(17)
    xs = [0.0, -0.0, 5e-324, -5e-324, 1e-310, -1e-310, 1e-300, -1e-300, 1e-16, -1e-16, 1e-3, -1e-3, 10.0, -10.0,
          36.7, -36.7, 40.0, -40.0, 709.0, -709.0, 745.0, -745.0, 746.0, -746.0, 1e3, -1e3, 1e15, -1e15, 1e100, -1e100,
          1e300, -1e300]
    xs += [_edge_magnitude(rng) for _ in range(120)]
    x = sp.Symbol("x", real=True)
    claims = []
    for name, library, expr in (("numerics.softplus = log(1 + e^x)", numerics.softplus, formulas_module.softplus(x)),
                                ("numerics.log_sigmoid = log σ(x)", numerics.log_sigmoid,
                                 formulas_module.log_sigmoid(x))):
        f = _mp(expr, (x,))
        points = [(v,) for v in xs]
        claims.append(_check_values(name, f"{name.split(' =')[0]}(x) equals the formula's {expr} (relative 1e-14, "
                                    "absolute 1e-300) from 0 and subnormals to ±1e300",
                                    lambda lib=library: lib(np.array(xs)), lambda k, f=f: _deep(f, xs[k]),
                                    points, ("x",), relative=1e-14))
    return claims


def _deep(f: Callable, x: float):
    """f(x) with enough digits that 1 + e^{-|x|} keeps e^{-|x|} (up to |x| = 1000; beyond, e^{-|x|} < 1e-434)."""
    with mpmath.workdps(60 + min(1000, math.ceil(abs(x) / math.log(10)))):
        return +f(mpmath.mpf(x))


def _edge_magnitude(rng: random.Random) -> float:
    """A signed magnitude from one of three regimes: 1e-300 … 1e-3, 1e-3 … 1e3, 1e3 … 1e300."""
    regime = rng.random()
    exponent = rng.uniform(-300, -3) if regime < 0.3 else rng.uniform(-3, 3) if regime < 0.7 else rng.uniform(3, 300)
    value = 10 ** exponent
    return value if rng.random() < 0.5 else -value


# ------------------------------------------------------------------ joints and inputs
def bridge_joints(formulas: Formulas | None = None) -> list[Claim]:
    """RBM.log_p_star (§0.1's log P*(h, v)), TwoCauseRBM._belief_input (φ^A + φ^B, both visible biases) and
    TwoCauseRBM.log_p_star (§3: log P*_A(h^A) + log P*_B(h^B) + Σ_i log P(v_i | x_i)) against mpmath."""
    formulas = formulas or NOTES
    xs, vs = sp.symbols("x v", real=True)
    likelihood = sp.lambdify((vs, xs), formulas.likelihood(vs, xs), modules="mpmath")
    rng = np.random.default_rng(19)
    rbm_pairs, input_pairs, joint_pairs = [], [], []
    magnitude, digits = 0.0, 0
    for model in _models(19, kinds=("notes", "small", "wide", "wide", "tiny", "huge")):
        magnitude = max(magnitude, _magnitude(model))
        d = 60 + math.ceil(math.log10(1 + 40 * magnitude))
        digits = max(digits, d)
        n_h, n_v = model.a.n_hidden, model.n_visible
        h_a, h_b = rng.integers(0, 2, (8, n_h)).astype(float), rng.integers(0, 2, (8, n_h)).astype(float)
        v = rng.integers(0, 2, (8, n_v)).astype(float)
        with mpmath.workdps(d):
            for rbm, h in ((model.a, h_a), (model.b, h_b)):
                w, b, c = _mpf_matrix(rbm.weights), _mpf_list(rbm.visible_bias), _mpf_list(rbm.hidden_bias)
                ref = [mpmath.fsum([w[j][i] * int(h[r, j]) * int(v[r, i]) for j in range(n_h) for i in range(n_v)]
                                   + [b[i] * int(v[r, i]) for i in range(n_v)] + [c[j] * int(h[r, j]) for j in range(n_h)])
                       for r in range(8)]
                rbm_pairs.append((_call(lambda rbm=rbm, h=h: rbm.log_p_star(h, v)), ref, 20 * magnitude))
            totals = [[x + y for x, y in zip(_mp_inputs(model.a, h_a[r]), _mp_inputs(model.b, h_b[r]))] for r in range(8)]
            input_pairs.append((_call(lambda: model._belief_input(h_a, h_b)), [x for row in totals for x in row],
                                20 * magnitude))
            ref = [_mp_log_marginal(model.a, h_a[r], formulas) + _mp_log_marginal(model.b, h_b[r], formulas)
                   + mpmath.fsum(likelihood(int(v[r, i]), totals[r][i]) for i in range(n_v)) for r in range(8)]
            joint_pairs.append((_call(lambda: model.log_p_star(h_a, h_b, v)), ref, 40 * magnitude))
    statement = "on 3+3×4 models with parameters from 1e-300 to 1e6 (and the notes' values), 8 random states each"
    return [
        _compare_arrays("RBM.log_p_star = §0.1 log P*(h, v)", f"RBM.log_p_star(h, v) = Σ h_j W_ji v_i + Σ W_0i v_i + "
                        f"Σ W_j0 h_j {statement}", rbm_pairs, magnitude, digits),
        _compare_arrays("TwoCauseRBM._belief_input = φ^A + φ^B", "TwoCauseRBM._belief_input(h_a, h_b) = Σ_j W^A_ji h^A_j "
                        f"+ W^A_0i + Σ_j W^B_ji h^B_j + W^B_0i {statement}", input_pairs, magnitude, digits),
        _compare_arrays("TwoCauseRBM.log_p_star = §3 joint", "TwoCauseRBM.log_p_star(h_a, h_b, v) = log P*_A(h^A) + "
                        f"log P*_B(h^B) + Σ_i log P(v_i | φ^A_i + φ^B_i) {statement}", joint_pairs, magnitude, digits),
    ]


def _mpf_list(a: np.ndarray) -> list:
    return [mpmath.mpf(float(x)) for x in np.ravel(a)]


# ------------------------------------------------------------------ the samplers' log-odds
class _ScriptedUniforms:
    """A stand-in for a chain's random generator: ``random(shape)`` gives the scripted uniform of each chain
    (rows) and hidden unit (columns), for every sweep asked for."""

    def __init__(self, table: np.ndarray):
        self.table = table

    def random(self, size=None, dtype=np.float64, out=None):
        shape = (size,) if isinstance(size, int) else tuple(size)
        result = np.broadcast_to(self.table, shape).copy()
        if out is not None:
            out[...] = result
            return out
        return result


_KEEP_ON, _KEEP_OFF = 0.0, float(np.nextafter(1.0, 0.0))  # u < σ(5) surely; u ≥ σ(-5) surely


def _correction_references(formulas: Formulas) -> dict[str, Callable]:
    """Per correction name, (φ^A actual, ε, W, h) -> C in mpmath, from the formulas (as the library's from_state)."""
    p0, e, w, h = sp.symbols("p0 e w h", real=True)
    alpha = formulas.gain(w)
    return {
        "exact": sp.lambdify((p0, e, w, h), formulas.exact(p0 - h * w, e, w), modules="mpmath"),
        "linear": sp.lambdify((p0, e, w, h), formulas.linear(p0, e, w), modules="mpmath"),
        "sigmoid": sp.lambdify((p0, e, w, h), formulas.sigmoid(p0 - h * w, e, w, alpha), modules="mpmath"),
        "local": sp.lambdify((p0, e, w, h), formulas.local(p0, h, e, w, alpha), modules="mpmath"),
    }


def bridge_sampler_log_odds(formulas: Formulas | None = None) -> list[Claim]:
    """The sequential posterior sampler's conditional log-odds of one unit, through ``sampler.step`` on constructed
    states with scripted uniforms, against ψ_j = W_j0 + Σ_i W_ji v_i + Σ_i C from the formulas in mpmath.

    For each correction (exact: the compiled kernels, with max |W| ≤ 80 for the ratio kernel and beyond it for the
    log-sigmoid kernel; linear, sigmoid, local: the numpy sweep), four scenarios: A's first unit; A's second unit
    after A's first has flipped in the same sweep; B's first unit after all of A kept its state; B's second unit
    after B's first flipped. Earlier units are forced (hidden bias chosen so ψ = ±5, uniform 0 or 1 - 2^-53); the
    tested unit's hidden bias puts its ψ at a target in [-30, 2], and two chains draw u = σ(ψ ∓ τ): the unit must
    end on in the first and off in the second, which holds iff the sampler's ψ is within τ = 1e-9 (1 + Σ|terms|).
    """
    from ..rbm import RBM
    from ..two_cause import TwoCauseRBM
    formulas = formulas or NOTES
    references = _correction_references(formulas)
    c_sym = sp.Symbol("c", real=True)
    rng = np.random.default_rng(23)
    n_h, n_v = 3, 4
    vsyms = sp.symbols(f"v1:{n_v + 1}", real=True)
    wsyms = sp.symbols(f"w1:{n_v + 1}", real=True)
    vanilla = sp.lambdify((c_sym, *wsyms, *vsyms), formulas.vanilla_psi(list(wsyms), c_sym, list(vsyms)),
                          modules="mpmath")
    scenarios = (("a", 0, []), ("a", 1, [("a", 0, "flip")]), ("b", 0, [("a", k, "keep") for k in range(n_h)]),
                 ("b", 1, [("a", k, "keep") for k in range(n_h)] + [("b", 0, "flip")]))
    results: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for correction, regime in [("exact", "ratio"), ("exact", "logsig"), ("linear", "wide"), ("sigmoid", "wide"),
                               ("local", "wide")]:
        key = f"{correction} ({'ratio kernel, |W| ≤ 80' if regime == 'ratio' else 'log-sigmoid kernel, |W| > 80' if regime == 'logsig' else 'numpy sweep'})"
        results.setdefault(key, [])
        counts.setdefault(key, 0)
        for trial in range(3):
            weights = [_sampler_weights(rng, regime, (n_h, n_v)) for _ in range(2)]
            vbias = [_sampler_weights(rng, "small" if regime == "ratio" else regime, n_v) for _ in range(2)]
            for own, unit, forced in scenarios:
                h0 = {"a": rng.integers(0, 2, n_h).astype(float), "b": rng.integers(0, 2, n_h).astype(float)}
                v = rng.integers(0, 2, n_v).astype(float)
                problem = _one_scenario(RBM, TwoCauseRBM, weights, vbias, h0, v, own, unit, forced, correction,
                                        references[correction], vanilla, rng)
                counts[key] += 1
                if problem:
                    results[key].append(f"trial {trial}, {own.upper()} unit {unit + 1}: {problem}")
    claims = []
    for key, problems in results.items():
        name = f"sampler.step log-odds, {key}"
        statement = (f"PosteriorSampler(correction='{key.split()[0]}', schedule='sequential').step: the conditional "
                     "log-odds of one unit, given the state left by the units before it in the sweep, equals "
                     "W_j0 + Σ_i W_ji v_i + Σ_i C from the formulas (within 1e-9 relative)")
        if problems:
            claims.append(Claim(name, "library", statement, FAILS, f"library disagrees with the claim: {problems[0]}"
                                + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""), role="bridge"))
        else:
            claims.append(Claim(name, "library", statement, NUMERIC,
                                f"library matches the claim in {counts[key]} scenarios (2 chains each), references "
                                f"in mpmath with 60+ digits (tolerance 1e-9 relative to the terms)", role="bridge"))
    return claims


def _sampler_weights(rng: np.random.Generator, regime: str, shape) -> np.ndarray:
    if regime == "small":
        return rng.normal(0.0, 1.0, size=shape)
    top = {"ratio": math.log10(80.0), "logsig": 3.0, "wide": 3.0}[regime]
    magnitude = 10 ** rng.uniform(-6, top, size=shape)
    values = magnitude * rng.choice([-1.0, 1.0], size=shape)
    if regime == "logsig":
        values.flat[rng.integers(values.size)] = 150.0 * rng.choice([-1.0, 1.0])  # beyond the ratio kernel's limit
    if regime == "ratio":
        values = np.clip(values, -80.0, 80.0)
    return values


def _one_scenario(RBM, TwoCauseRBM, weights, vbias, h0, v, own, unit, forced, correction, reference, vanilla, rng):
    """Build the model whose hidden biases force and target the units, step once, and report a disagreement."""
    n_h, n_v = weights[0].shape
    w = {"a": weights[0], "b": weights[1]}
    b = {"a": vbias[0], "b": vbias[1]}
    h = {k: h0[k].copy() for k in h0}
    biases = {"a": np.zeros(n_h), "b": np.zeros(n_h)}
    uniforms = np.full((2, 2 * n_h), 0.5)
    scale = 1.0 + float(np.abs(weights[0]).sum() + np.abs(weights[1]).sum() + np.abs(vbias[0]).sum()
                        + np.abs(vbias[1]).sum())
    d = 60 + math.ceil(math.log10(scale))
    with mpmath.workdps(d):
        def rest(cause, j):  # ψ_j without its hidden bias, at the current state
            other = "b" if cause == "a" else "a"
            phi_own = [mpmath.fsum([mpmath.mpf(float(w[cause][k, i])) * int(h[cause][k]) for k in range(n_h)])
                       + mpmath.mpf(float(b[cause][i])) for i in range(n_v)]
            phi_other = [mpmath.fsum([mpmath.mpf(float(w[other][k, i])) * int(h[other][k]) for k in range(n_h)])
                         + mpmath.mpf(float(b[other][i])) for i in range(n_v)]
            total = mpmath.mpf(0)
            for i in range(n_v):
                wji = mpmath.mpf(float(w[cause][j, i]))
                if wji != 0:
                    total += reference(phi_own[i], phi_other[i], wji, int(h[cause][j]))
            return total

        def psi(cause, j, bias):
            row = [mpmath.mpf(float(x)) for x in w[cause][j]]
            return vanilla(mpmath.mpf(float(bias)), *row, *map(int, v)) + rest(cause, j)

        def column(cause, j):
            return j if cause == "a" else n_h + j

        for cause, j, action in forced:
            on = h[cause][j] == 1.0
            target = 5.0 if (on and action == "keep") or (not on and action == "flip") else -5.0
            base = psi(cause, j, 0.0)
            biases[cause][j] = float(target - base)
            uniforms[:, column(cause, j)] = _KEEP_ON if target > 0 else _KEEP_OFF
            if action == "flip":
                h[cause][j] = 1.0 - h[cause][j]
        target = rng.uniform(-30.0, 2.0)
        base = psi(own, unit, 0.0)
        biases[own][unit] = float(target - base)
        exact_psi = psi(own, unit, biases[own][unit])
        tau = mpmath.mpf(1e-9) * scale
        uniforms[0, column(own, unit)] = float(1 / (1 + mpmath.exp(-(exact_psi - tau))))
        uniforms[1, column(own, unit)] = float(1 / (1 + mpmath.exp(-(exact_psi + tau))))
    try:
        model = TwoCauseRBM(RBM(w["a"], b["a"], biases["a"]), RBM(w["b"], b["b"], biases["b"]))
        sampler = model.posterior_sampler(correction=correction, schedule="sequential")
        state = sampler.init(np.stack([v, v]), h_a=h0["a"], h_b=h0["b"], rng=0)
        state.rng = _ScriptedUniforms(uniforms)
        with np.errstate(over="ignore", under="ignore"):
            sampler.step(state, 1)
        got = (state.h_a if own == "a" else state.h_b)[:, unit]
    except Exception as error:  # noqa: BLE001 - any failure is a failed bridge
        return f"the library raised {type(error).__name__}: {error}"
    if got[0] != 1.0 or got[1] != 0.0:
        return (f"with ψ = {mpmath.nstr(exact_psi, 12)} from the formulas, u = σ(ψ - τ) left the unit "
                f"{'on' if got[0] else 'off'} and u = σ(ψ + τ) left it {'on' if got[1] else 'off'} (τ = "
                f"{mpmath.nstr(tau, 3)}): the sampler's log-odds differ")
    return ""


BRIDGES += [bridge_numerics, bridge_joints, bridge_sampler_log_odds]
__all__ = ["BRIDGES", "TOLERANCE"] + [b.__name__ for b in BRIDGES]
