"""SymPy checks of every algebraic step in the notes, built from the joint distribution.

Each ``check_*`` function derives its expressions from the model's definition
(the unnormalised joint log P*), compares them with the notes' claim and
returns a :class:`Claim`. Equality is decided by :func:`compare`:

1. the difference is evaluated at 200 random points with 50-digit mpmath
   arithmetic; any value above 1e-30 is a counterexample (the claim fails);
2. *symbolic*: SymPy then reduces the difference (or exp(difference) - 1) to 0;
3. *numeric*: if it cannot, the claim holds on the numbers alone, and
   ``detail`` says that simplification failed.

Checks that take the claimed expression as an argument (``alpha=``,
``rule=``, ...) exist so that tests can feed in a deliberately wrong
variant and see the check fail.

Run ``python -m orbm_explore.derivations`` for the table.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable, Sequence

import mpmath
import sympy as sp

__all__ = [
    "Claim",
    "compare",
    "log_sigmoid",
    "sigmoid",
    "softplus",
    "exact_correction_expr",
    "gain_expr",
    "verify_all",
    "CHECKS",
]

# -------------------------------------------------------------- building blocks
phi, eps, W, phi_a0, t = sp.symbols("phi epsilon W phi_A0 t", real=True)


def sigmoid(x: sp.Expr) -> sp.Expr:
    """σ(x) = 1 / (1 + e^{-x})."""
    return 1 / (1 + sp.exp(-x))


def log_sigmoid(x: sp.Expr) -> sp.Expr:
    """log σ(x) = -log(1 + e^{-x})."""
    return -sp.log(1 + sp.exp(-x))


def softplus(x: sp.Expr) -> sp.Expr:
    """log(1 + e^x)."""
    return sp.log(1 + sp.exp(x))


def exact_correction_expr(p: sp.Expr = phi_a0, e: sp.Expr = eps, w: sp.Expr = W) -> sp.Expr:
    """The derived correction C = log σ(φ0+W+ε) + log σ(φ0) - log σ(φ0+W) - log σ(φ0+ε)."""
    return log_sigmoid(p + w + e) + log_sigmoid(p) - log_sigmoid(p + w) - log_sigmoid(p + e)


def gain_expr(w: sp.Expr = W) -> sp.Expr:
    """The notes' gain α = (4/W)(2σ(W/2) - 1)."""
    return 4 * (2 * sigmoid(w / 2) - 1) / w


@dataclass(frozen=True)
class Claim:
    """The outcome of one check.

    Attributes
    ----------
    name : str
    section : str            where in the notes (for example "§2.1").
    statement : str          the claim, as LaTeX.
    holds : bool
    method : str             "symbolic" or "numeric".
    detail : str             how it was decided; for "numeric", why SymPy could not.
    relied_on : bool         the library depends on it (the CLI fails if such a claim fails).
    steps : tuple of str     LaTeX steps a student can follow.
    """

    name: str
    section: str
    statement: str
    holds: bool
    method: str
    detail: str
    relied_on: bool = True
    steps: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Comparison:
    holds: bool
    method: str
    detail: str


def compare(lhs: sp.Expr, rhs: sp.Expr, n_points: int = 200, tolerance: float = 1e-30,
            seed: int = 0, ranges: dict | None = None) -> Comparison:
    """Decide whether ``lhs == rhs`` for all real values of their free symbols.

    First the difference is evaluated at ``n_points`` random points (uniform
    in [-8, 8], or ``ranges[symbol] = (lo, hi)``) with 50 digits. A value
    above ``tolerance`` is a counterexample: the claim is false. Otherwise
    SymPy tries to prove it (``simplify`` of the difference, then of
    exp(difference) - 1); if neither reduces to 0 the numeric evidence stands
    and the method is "numeric". (Numbers come first because ``simplify`` can
    run for a very long time on a false identity.)
    """
    difference = lhs - rhs
    symbols = sorted(difference.free_symbols, key=lambda s: s.name)
    function = sp.lambdify(symbols, difference, modules="mpmath")
    rng = random.Random(seed)
    ranges = ranges or {}
    worst = mpmath.mpf(0)
    worst_at: list = []
    with mpmath.workdps(50):
        for _ in range(n_points):
            point = [mpmath.mpf(rng.uniform(*ranges.get(s, (-8.0, 8.0)))) for s in symbols]
            value = abs(function(*point))
            if value > worst:
                worst, worst_at = value, point
    evidence = f"max |lhs - rhs| = {float(worst):.3g} at {n_points} random points with 50 digits"
    if not worst < tolerance:
        where = ", ".join(f"{s}={float(v):.3g}" for s, v in zip(symbols, worst_at))
        return Comparison(False, "numeric", f"counterexample: {evidence} (tolerance {tolerance:g}), at {where}")
    for label, candidate in (("simplify(lhs - rhs)", lambda: difference),
                             ("simplify(exp(lhs - rhs) - 1)", lambda: sp.exp(difference) - 1)):
        try:
            if sp.simplify(candidate()) == 0:
                return Comparison(True, "symbolic", f"{label} reduces to 0")
        except Exception:  # SymPy can fail internally on hard expressions; the numbers stand
            continue
    return Comparison(True, "numeric",
                      f"SymPy did not reduce the difference (nor exp of it, minus 1) to 0, so the identity "
                      f"rests on numbers: {evidence} (tolerance {tolerance:g})")


def _claim(name, section, statement, comparison: Comparison, relied_on=True, steps=()) -> Claim:
    return Claim(name, section, statement, comparison.holds, comparison.method, comparison.detail,
                 relied_on, tuple(steps))


def _and(*comparisons: Comparison) -> Comparison:
    """All sub-comparisons must hold; the method is numeric if any was."""
    holds = all(c.holds for c in comparisons)
    method = "symbolic" if all(c.method == "symbolic" for c in comparisons) else "numeric"
    return Comparison(holds, method, "; ".join(c.detail for c in comparisons))


# ------------------------------------------------------------------ the RBM
def _rbm_symbols(n_hidden: int, n_visible: int):
    w = sp.Matrix(n_hidden, n_visible, lambda j, i: sp.Symbol(f"W_{j + 1}{i + 1}", real=True))
    b = [sp.Symbol(f"W_0{i + 1}", real=True) for i in range(n_visible)]
    c = [sp.Symbol(f"W_{j + 1}0", real=True) for j in range(n_hidden)]
    h = [sp.Symbol(f"h_{j + 1}", real=True) for j in range(n_hidden)]
    v = [sp.Symbol(f"v_{i + 1}", real=True) for i in range(n_visible)]
    return w, b, c, h, v


def _rbm_log_joint(w, b, c, h, v):
    """log P*(h, v) = Σ_ij h_j W_ji v_i + Σ_i W_0i v_i + Σ_j W_j0 h_j (notes §0.1)."""
    return (sum(h[j] * w[j, i] * v[i] for j in range(len(h)) for i in range(len(v)))
            + sum(b[i] * v[i] for i in range(len(v))) + sum(c[j] * h[j] for j in range(len(h))))


def _visible_input(w, b, h, i):
    return sum(w[j, i] * h[j] for j in range(len(h))) + b[i]


def check_marginal_log_p_star_h(closed_form: Callable | None = None, sizes: Sequence[int] = (1, 2, 3)) -> Claim:
    """§0.1: Σ_v P*(h, v) = exp(Σ_j h_j W_j0) Π_i (1 + e^{φ_i(h)}), for n = 1, 2, 3, plus the induction step.

    ``closed_form(w, b, c, h)`` may replace the notes' log P*(h) (to test the check).
    """
    if closed_form is None:
        def closed_form(w, b, c, h):
            return (sum(c[j] * h[j] for j in range(len(h)))
                    + sum(softplus(_visible_input(w, b, h, i)) for i in range(w.shape[1])))
    parts = []
    for n in sizes:
        w, b, c, h, _ = _rbm_symbols(2, n)
        states = [[(k >> i) & 1 for i in range(n)] for k in range(2 ** n)]
        total = sum(sp.exp(_rbm_log_joint(w, b, c, h, s)) for s in states)
        parts.append(compare(sp.expand(total), sp.expand(sp.exp(closed_form(w, b, c, h)).rewrite(sp.exp)),
                             n_points=60))
    # Induction: adding visible unit n+1 multiplies the sum by (1 + e^{φ_{n+1}}).
    rest, phi_next = sp.symbols("R phi_next", positive=True)
    step = compare(sum(sp.exp(vn * phi_next) * rest for vn in (0, 1)), (1 + sp.exp(phi_next)) * rest)
    return _claim(
        "marginal log P*(h)", "§0.1",
        r"\log P^*(h) = \sum_j h_j W_{j0} + \sum_i \log(1 + e^{\phi_i(h)})",
        _and(*parts, step),
        steps=(r"P^*(h) = \sum_{v} \exp\Big[\sum_i v_i \phi_i(h) + \sum_j W_{j0} h_j\Big]",
               r"= e^{\sum_j h_j W_{j0}} \prod_i \sum_{v_i \in \{0,1\}} e^{v_i \phi_i(h)}",
               r"= e^{\sum_j h_j W_{j0}} \prod_i \big(1 + e^{\phi_i(h)}\big)",
               r"\text{checked by summing } 2^n \text{ terms for } n = 1, 2, 3 \text{ and the induction step } "
               r"\textstyle\sum_{v_{n+1}} e^{v_{n+1}\phi_{n+1}} R = (1 + e^{\phi_{n+1}}) R"))


def check_marginal_second_form() -> Claim:
    """§0.1: log(1 + e^φ) = φ - log σ(φ), the notes' second form of log P*(h)."""
    return _claim("second form of log P*(h)", "§0.1",
                  r"\log(1 + e^{\phi_i}) = \phi_i - \log \sigma_i(h)",
                  compare(softplus(phi), phi - log_sigmoid(phi)))


def check_product_rule(conditional: Callable | None = None) -> Claim:
    """§0.1: log P*(h) + log P(v|h) = log P*(h, v), "by collecting terms".

    Per visible unit the joint contributes v_i φ_i; the two-term form
    contributes log(1 + e^{φ_i}) + v_i log σ_i + (1 - v_i) log(1 - σ_i).
    Checked for v_i = 0 and 1. ``conditional(v, phi)`` may replace log P(v_i|h).
    """
    if conditional is None:
        def conditional(v, x):
            return v * sp.log(sigmoid(x)) + (1 - v) * sp.log(1 - sigmoid(x))
    comparisons = [compare(softplus(phi) + conditional(v, phi), v * phi) for v in (0, 1)]
    return _claim("product rule for the RBM", "§0.1",
                  r"\log P^*(h) + \log P(v|h) = \log P^*(h, v)",
                  _and(*comparisons),
                  steps=(r"\text{the } \sum_j h_j W_{j0} \text{ terms match; per visible unit: }"
                         r"\log(1+e^{\phi_i}) + v_i\log\sigma_i + (1-v_i)\log(1-\sigma_i) = v_i \phi_i",))


def check_vanilla_psi(claimed: Callable | None = None) -> Claim:
    """§0.2: ψ_j = log P*(h, v | h_j=1) - log P*(h, v | h_j=0) = W_j0 + Σ_i W_ji v_i (the notes stop mid-sentence)."""
    w, b, c, h, v = _rbm_symbols(2, 3)
    joint = _rbm_log_joint(w, b, c, h, v)
    derived = joint.subs(h[0], 1) - joint.subs(h[0], 0)
    if claimed is None:
        claimed_expr = c[0] + sum(w[0, i] * v[i] for i in range(3))
    else:
        claimed_expr = claimed(w, b, c, h, v)
    return _claim("vanilla Gibbs log-odds", "§0.2", r"\psi_j = W_{j0} + \sum_i W_{ji} v_i",
                  compare(derived, claimed_expr))


# ------------------------------------------------------------ the two causes
def _two_cause_visible_terms(phi_own: sp.Expr, other: sp.Expr, v: int) -> sp.Expr:
    """The parts of log P*(h^A, h^B, v) that involve one visible unit and cause A's input to it."""
    total = phi_own + other
    return softplus(phi_own) + v * log_sigmoid(total) + (1 - v) * log_sigmoid(-total)


def check_exact_correction(claimed: Callable | None = None) -> Claim:
    """§1: the change in ψ_j caused by the other cause, derived from the two-cause joint.

    ψ_j - W_ji v_i (per visible unit, the vanilla part removed) must equal the
    correction for v_i = 0 *and* v_i = 1 (so it does not depend on v), and the
    correction is the sum of the two log-ratio terms of §2.1.
    ``claimed(phi0, eps, w)`` may replace the correction.
    """
    claimed = claimed or exact_correction_expr
    comparisons = []
    for v in (0, 1):
        derived = _two_cause_visible_terms(phi_a0 + W, eps, v) - _two_cause_visible_terms(phi_a0, eps, v) - W * v
        comparisons.append(compare(derived, claimed(phi_a0, eps, W)))
    two_terms = (sp.log(sigmoid(phi_a0) / sigmoid(phi_a0 + W))
                 + sp.log(sigmoid(phi_a0 + eps + W) / sigmoid(phi_a0 + eps)))
    comparisons.append(compare(claimed(phi_a0, eps, W), two_terms))
    return _claim(
        "exact correction", "§1, §2.1",
        r"\psi_j = W_{j0} + \sum_i W_{ji} v_i + \sum_i C_{ji},\quad "
        r"C = \log\sigma(\phi^{A0}{+}W{+}\epsilon) + \log\sigma(\phi^{A0}) - \log\sigma(\phi^{A0}{+}W) "
        r"- \log\sigma(\phi^{A0}{+}\epsilon)",
        _and(*comparisons),
        steps=(r"\log P^*(h^A,h^B,v) = \sum_j W^A_{j0}h^A_j + \sum_i \log(1+e^{\phi^A_i}) + \log P^*(h^B) "
               r"+ \sum_i v_i \log\sigma(\phi^A_i{+}\phi^B_i) + (1-v_i)\log\sigma(-\phi^A_i{-}\phi^B_i)",
               r"\psi_j = \log P^*|_{h_j=1} - \log P^*|_{h_j=0},\ \ \phi^A_i = \phi^{A0}_i + W_{ji} h_j,\ "
               r"\epsilon_i = \phi^B_i",
               r"\log(1+e^{x}) = x - \log\sigma(x),\quad \log\sigma(-x) = \log\sigma(x) - x",
               r"\Rightarrow \psi_j - W_{j0} - \sum_i W_{ji}v_i = \sum_i C_{ji}\ \text{ for } v_i = 0 "
               r"\text{ and } v_i = 1"))


def notes_code_cells() -> dict[str, Callable]:
    """The §1.1 code cells' corrections, transcribed as functions of (φ0, ε, W)."""
    def calc_psi_correction(h):
        # phi is "the full weighted sum into the visible node": φ = φ0 + h W
        def cell(p0, e, w):
            full = p0 + h * w
            return log_sigmoid(full + w + e - h * w) + log_sigmoid(full - h * w) - log_sigmoid(full)
        return cell

    def calc_psi0_correction(p0, e, w):
        return log_sigmoid(p0 + w + e) + log_sigmoid(p0) - log_sigmoid(p0 + w)

    def in5_truth(p0, e, w):
        return sp.log(sigmoid(p0) / sigmoid(p0 + w)) - sp.log(sigmoid(p0 + e) / sigmoid(p0 + w + e))

    return {"calc_psi_correction(h=0)": calc_psi_correction(0),
            "calc_psi_correction(h=1)": calc_psi_correction(1),
            "calc_psi0_correction": calc_psi0_correction,
            "In[5] truth": in5_truth}


def check_notes_code_cells() -> list[Claim]:
    """Which of the notes' code cells compute the exact correction (§1.1 and In[5])."""
    claims = []
    for name, cell in notes_code_cells().items():
        comparison = compare(cell(phi_a0, eps, W), exact_correction_expr())
        claims.append(_claim(f"notes code: {name}", "§1.1" if "calc" in name else "§2.3 In[5]",
                             rf"\texttt{{{name.replace('_', chr(92) + '_')}}} = C", comparison, relied_on=False))
    return claims


def check_log_ratio_limits(switch: sp.Expr | None = None) -> Claim:
    """§2.1: log(σ(φ)/σ(φ+W)) runs from -W (φ → -∞) to 0 (φ → +∞), switching at φ = -W/2;
    the second term log(σ(φ+ε+W)/σ(φ+ε)) runs from W to 0, switching at φ = -ε - W/2.

    The switching point is the centre of point symmetry: g(-W/2 + t) + g(-W/2 - t) = -W.
    ``switch`` may replace the first term's switching point -W/2 (an expression in ``W``).
    """
    switch = -W / 2 if switch is None else switch
    first = log_sigmoid(phi) - log_sigmoid(phi + W)
    second = log_sigmoid(phi + eps + W) - log_sigmoid(phi + eps)
    comparisons = []
    for w_value in (sp.Rational(7, 2), -3):  # limits for a positive and a negative weight
        g1 = first.subs(W, w_value)
        g2 = second.subs({W: w_value, eps: 2})
        comparisons.append(Comparison(
            sp.limit(g1, phi, -sp.oo) == -w_value and sp.limit(g1, phi, sp.oo) == 0
            and sp.limit(g2, phi, -sp.oo) == w_value and sp.limit(g2, phi, sp.oo) == 0,
            "symbolic", f"limits at ±∞ for W = {w_value}"))
    comparisons.append(compare(first.subs(phi, switch + t) + first.subs(phi, switch - t), -W))
    comparisons.append(compare(second.subs(phi, switch - eps + t) + second.subs(phi, switch - eps - t), W))
    return _claim("plateaus and switching points of the two terms", "§2.1",
                  r"\log\frac{\sigma(\phi)}{\sigma(\phi+W)}: -W \to 0,\ \text{switch at } -W/2;\quad "
                  r"\log\frac{\sigma(\phi+\epsilon+W)}{\sigma(\phi+\epsilon)}: W \to 0,\ \text{switch at } "
                  r"-\epsilon - W/2",
                  _and(*comparisons))


def check_red_green(claimed: Callable | None = None) -> Claim:
    """§2: -W[σ_{φ+ε}(1 - σ_φ) - (1 - σ_{φ+ε})σ_φ] simplifies to W[σ_φ - σ_{φ+ε}]."""
    red_green = -W * (sigmoid(phi + eps) * (1 - sigmoid(phi)) - (1 - sigmoid(phi + eps)) * sigmoid(phi))
    claimed_expr = claimed(phi, eps, W) if claimed else W * (sigmoid(phi) - sigmoid(phi + eps))
    return _claim("red/green approximation simplifies", "§2",
                  r"-W\big[\sigma_{\phi+\epsilon}(1-\sigma_\phi) - (1-\sigma_{\phi+\epsilon})\sigma_\phi\big] "
                  r"= W\big[\sigma_\phi - \sigma_{\phi+\epsilon}\big]",
                  compare(red_green, claimed_expr))


def check_gain(alpha: sp.Expr | None = None) -> Claim:
    """§2.1: matching the slope at the switching point gives α = (4/W)(2σ(W/2) - 1).

    Also: α = 4 tanh(W/4)/W, α → 1 as W → 0, and the §2.3 ω = 8(σ(W/2) - ½)/W is the same.
    ``alpha`` may replace the notes' formula (an expression in ``W``).
    """
    alpha = gain_expr() if alpha is None else alpha
    a = sp.Symbol("alpha", positive=True)
    true_term = log_sigmoid(phi) - log_sigmoid(phi + W)
    approx_term = -W * sigmoid(-a * (phi + W / 2))
    true_slope = sp.diff(true_term, phi).subs(phi, -W / 2)
    approx_slope = sp.diff(approx_term, phi).subs(phi, -W / 2)
    solved = sp.solve(sp.Eq(approx_slope, true_slope), a)
    if len(solved) != 1:
        return _claim("slope-matching gain", "§2.1", "", Comparison(False, "symbolic", f"solve gave {solved}"))
    derived = solved[0]
    comparisons = [compare(derived, alpha),
                   compare(alpha, 4 * sp.tanh(W / 4) / W),
                   compare(alpha, 8 * (sigmoid(W / 2) - sp.Rational(1, 2)) / W)]
    limit = sp.limit(alpha, W, 0)
    comparisons.append(Comparison(limit == 1, "symbolic", f"limit W→0 of α is {limit}"))
    return _claim("slope-matching gain", "§2.1, §2.3",
                  r"\alpha = \frac{4}{W}\big(2\sigma(W/2) - 1\big) = \frac{4\tanh(W/4)}{W} = \omega,"
                  r"\quad \lim_{W\to 0}\alpha = 1",
                  _and(*comparisons),
                  steps=(r"\frac{d}{d\phi}\log\frac{\sigma(\phi)}{\sigma(\phi+W)}\Big|_{\phi=-W/2} "
                         r"= \sigma(W/2) - \sigma(-W/2) = 2\sigma(W/2) - 1",
                         r"\frac{d}{d\phi}\big[-W\sigma(-\alpha(\phi + W/2))\big]\Big|_{\phi=-W/2} = \alpha W/4",
                         rf"\Rightarrow \alpha = {sp.latex(sp.simplify(derived))}"))


def check_local_form(offset: sp.Expr = sp.Rational(1, 2)) -> Claim:
    """§2.3: with φ^A = φ^{A0} + h W and ĥ = h - ½, σ(ω(φ^A - ĥW)) = σ(ω(φ^{A0} + W/2)), for h = 0 and 1,
    so the local form equals the §2.1 approximation W[σ^A - σ^{AB}] (with gain).
    ``offset`` may replace the ½ in ĥ = h - ½."""
    comparisons = []
    omega = gain_expr()
    for h in (0, 1):
        phi_actual = phi_a0 + h * W
        hat = h - offset
        local = W * (sigmoid(omega * (phi_actual - hat * W)) - sigmoid(omega * (phi_actual + eps - hat * W)))
        sigmoid_form = W * (sigmoid(omega * (phi_a0 + W / 2)) - sigmoid(omega * (phi_a0 + W / 2 + eps)))
        comparisons.append(compare(local, sigmoid_form, n_points=200))
    return _claim("local form equals the sigmoid approximation", "§2.3",
                  r"W\big[\sigma(\omega(\phi^A - \hat h W)) - \sigma(\omega(\phi^{AB} - \hat h W))\big] "
                  r"= W\big[\sigma(\omega(\phi^{A0}+W/2)) - \sigma(\omega(\phi^{A0}+W/2+\phi^B))\big]",
                  _and(*comparisons))


def _two_cause_model_symbols():
    """A two-cause model with 2 hidden units per cause and 2 visible units, as SymPy symbols."""
    n_h, n_v = 2, 2
    wa = sp.Matrix(n_h, n_v, lambda j, i: sp.Symbol(f"A_{j + 1}{i + 1}", real=True))
    wb = sp.Matrix(n_h, n_v, lambda j, i: sp.Symbol(f"B_{j + 1}{i + 1}", real=True))
    ba = [sp.Symbol(f"A_0{i + 1}", real=True) for i in range(n_v)]
    bb = [sp.Symbol(f"B_0{i + 1}", real=True) for i in range(n_v)]
    ca = [sp.Symbol(f"A_{j + 1}0", real=True) for j in range(n_h)]
    cb = [sp.Symbol(f"B_{j + 1}0", real=True) for j in range(n_h)]
    ha = [sp.Symbol(f"a_{j + 1}", real=True) for j in range(n_h)]
    hb = [sp.Symbol(f"b_{j + 1}", real=True) for j in range(n_h)]
    v = [sp.Symbol(f"v_{i + 1}", real=True) for i in range(n_v)]
    return wa, wb, ba, bb, ca, cb, ha, hb, v


def _log_p_star_h(w, b, c, h):
    return sum(c[j] * h[j] for j in range(len(h))) + sum(softplus(_visible_input(w, b, h, i)) for i in range(w.shape[1]))


def check_wake_rule(rule: Callable | None = None, visible_bias_rule: Callable | None = None) -> Claim:
    """§3.1.1: ∂ log P*(h^A, h^B, v)/∂W^A_ji = σ(φ^A_i) h_j + (v_i - σ(φ^{AB}_i)) h_j,
    and for the biases ∂/∂W^A_j0 = h_j, ∂/∂W^A_0i = σ(φ^A_i) + v_i - σ(φ^{AB}_i).

    ``rule(h_j, v_i, phi_a_i, phi_ab_i)`` may replace the weight rule.
    """
    rule = rule or (lambda h, v, pa, pab: sigmoid(pa) * h + (v - sigmoid(pab)) * h)
    visible_bias_rule = visible_bias_rule or (lambda v, pa, pab: sigmoid(pa) + v - sigmoid(pab))
    wa, wb, ba, bb, ca, cb, ha, hb, v = _two_cause_model_symbols()
    phi_a = [_visible_input(wa, ba, ha, i) for i in range(2)]
    phi_b = [_visible_input(wb, bb, hb, i) for i in range(2)]
    log_joint = (_log_p_star_h(wa, ba, ca, ha) + _log_p_star_h(wb, bb, cb, hb)
                 + sum(v[i] * log_sigmoid(phi_a[i] + phi_b[i]) + (1 - v[i]) * log_sigmoid(-phi_a[i] - phi_b[i])
                       for i in range(2)))
    comparisons = []
    j, i = 0, 1
    comparisons.append(compare(sp.diff(log_joint, wa[j, i]), rule(ha[j], v[i], phi_a[i], phi_a[i] + phi_b[i]),
                               n_points=200))
    comparisons.append(compare(sp.diff(log_joint, ca[j]), ha[j]))
    comparisons.append(compare(sp.diff(log_joint, ba[i]), visible_bias_rule(v[i], phi_a[i], phi_a[i] + phi_b[i]),
                               n_points=200))
    # "Another way to say the same thing": [v + σ(φ^A) - σ(φ^AB)] h
    comparisons.append(compare(rule(ha[j], v[i], phi_a[i], phi_a[i] + phi_b[i]),
                               (v[i] + sigmoid(phi_a[i]) - sigmoid(phi_a[i] + phi_b[i])) * ha[j], n_points=200))
    return _claim("wake-phase rule is the gradient of the log joint", "§3.1.1",
                  r"\frac{\partial \log P^*(h^A,h^B,v)}{\partial W^A_{ji}} = "
                  r"\big[v_i + \sigma(\phi^A_i) - \sigma(\phi^{AB}_i)\big] h^A_j,\quad "
                  r"\frac{\partial}{\partial W^A_{j0}} = h^A_j,\quad "
                  r"\frac{\partial}{\partial W^A_{0i}} = v_i + \sigma(\phi^A_i) - \sigma(\phi^{AB}_i)",
                  _and(*comparisons))


def check_sleep_rule(rule: Callable | None = None) -> Claim:
    """§3.1.2: ∂ log Z_A/∂W_ji = E_{P_A(h)}[σ(φ_i) h_j] (so the sleep step is -σ(φ^A_i) h^A_j with h^A
    from A's own chain); for the biases E[h_j] and E[σ(φ_i)]. Checked on a 2×2 RBM by summing all h.

    ``rule(h_j, phi_i)`` may replace σ(φ_i) h_j.
    """
    rule = rule or (lambda h, p: sigmoid(p) * h)
    w, b, c, h, _ = _rbm_symbols(2, 2)
    states = [[(k >> j) & 1 for j in range(2)] for k in range(4)]
    log_p = [_log_p_star_h(w, b, c, s) for s in states]
    z = sum(sp.exp(lp) for lp in log_p)
    expectation = lambda f: sum(sp.exp(lp) * f(s) for lp, s in zip(log_p, states)) / z
    j, i = 0, 1
    comparisons = [
        compare(sp.diff(sp.log(z), w[j, i]), expectation(lambda s: rule(s[j], _visible_input(w, b, s, i))),
                n_points=100),
        compare(sp.diff(sp.log(z), c[j]), expectation(lambda s: s[j]), n_points=100),
        compare(sp.diff(sp.log(z), b[i]), expectation(lambda s: sigmoid(_visible_input(w, b, s, i))), n_points=100),
    ]
    return _claim("sleep-phase rule is the gradient of -log Z_A", "§3.1.2",
                  r"\frac{\partial \log Z_A}{\partial W_{ji}} = \mathbb{E}_{P_A(h)}\big[\sigma(\phi_i) h_j\big],\ "
                  r"\frac{\partial \log Z_A}{\partial W_{j0}} = \mathbb{E}[h_j],\ "
                  r"\frac{\partial \log Z_A}{\partial W_{0i}} = \mathbb{E}[\sigma(\phi_i)]",
                  _and(*comparisons))


def check_free_phase_independence(likelihood: Callable | None = None) -> Claim:
    """§3.1.3: summing v out of the two-cause joint leaves P*_A(h^A) P*_B(h^B): the causes are independent.

    Per visible unit, Σ_{v_i} P(v_i | h^A, h^B) = σ(x) + σ(-x) = 1 whatever x = φ^{AB}_i.
    ``likelihood(v, x)`` may replace log P(v_i | h^A, h^B).
    """
    x = sp.Symbol("x", real=True)
    likelihood = likelihood or (lambda v, x: v * log_sigmoid(x) + (1 - v) * log_sigmoid(-x))
    per_unit = sum(sp.exp(likelihood(v, x)) for v in (0, 1))
    return _claim("free phase: the two RBMs are independent", "§3.1.3",
                  r"\sum_v P^*(h^A, h^B, v) = P^*_A(h^A)\, P^*_B(h^B)", compare(per_unit, sp.Integer(1)),
                  steps=(r"\text{exact, not an approximation (the notes ask)}",))


def check_free_phase_psi() -> Claim:
    """§3.1.3: the notes' ψ̄_j = Σ_i W_ji σ_φ, read as the free-phase Gibbs log-odds of h_j.

    The exact log-odds of h_j under A's marginal P*_A(h) is W_j0 + Σ_i [log(1+e^{φ0+W}) - log(1+e^{φ0})];
    per visible unit that is not W σ(φ) (it is W σ at an intermediate point, by the mean-value theorem).
    """
    exact_free = softplus(phi_a0 + W) - softplus(phi_a0)
    claimed = W * sigmoid(phi_a0 + W / 2)
    return _claim("free-phase ψ̄ = Σ W σ(φ)", "§3.1.3",
                  r"\log(1+e^{\phi^{A0}+W}) - \log(1+e^{\phi^{A0}}) = W\sigma(\phi)\ \ (\text{any fixed } \phi)",
                  compare(exact_free, claimed), relied_on=False)


def check_closing_expressions() -> list[Claim]:
    """The two ``sp.simplify`` cells that end the notes: what they simplify to, and what they mean."""
    x, y, z = sp.symbols("x y z", real=True)
    first = sp.log((1 + sp.exp(-x - y)) * (1 + sp.exp(x + y + z)) / (1 + sp.exp(-x - y - z)) / (1 + sp.exp(x + y)))
    second = sp.log((1 + sp.exp(x)) * (1 + sp.exp(x + y + z)) / (1 + sp.exp(x + y)) / (1 + sp.exp(x + z)))
    first_simplified = sp.simplify(first)
    return [
        _claim("closing cell 1 equals z", "end of notes",
               r"\log\frac{(1+e^{-x-y})(1+e^{x+y+z})}{(1+e^{-x-y-z})(1+e^{x+y})} = z",
               compare(first, z), relied_on=False,
               steps=(rf"\texttt{{sp.simplify}} \text{{ returns }} {sp.latex(first_simplified)}",
                      r"\text{with } x+y = \phi^{A0}+\epsilon,\ z = W: \text{ the } v_i = 1 \text{ and } v_i = 0 "
                      r"\text{ likelihood terms differ by exactly } W v_i,\ \text{so } C \text{ does not depend on } v")),
        _claim("closing cell 2 is minus the exact correction", "end of notes",
               r"\log\frac{(1+e^{x})(1+e^{x+y+z})}{(1+e^{x+y})(1+e^{x+z})} = -C(\phi^{A0}{=}x,\ \epsilon{=}y,\ W{=}z)",
               compare(second, -exact_correction_expr(x, y, z)), relied_on=False,
               steps=(r"\texttt{sp.simplify} \text{ returns it unchanged: it does not reduce further}",
                      r"\text{it is symmetric in } y \text{ and } z\text{: } C(\phi^{A0}, \epsilon, W) = "
                      r"C(\phi^{A0}, W, \epsilon)")),
    ]


def check_correction_symmetry() -> Claim:
    """The exact correction is symmetric in ε and W (not stated in the notes; used by the library's tests)."""
    return _claim("correction is symmetric in ε and W", "(new)",
                  r"C(\phi^{A0}, \epsilon, W) = C(\phi^{A0}, W, \epsilon)",
                  compare(exact_correction_expr(phi_a0, eps, W), exact_correction_expr(phi_a0, W, eps)))


CHECKS: list[Callable[[], Claim | list[Claim]]] = [
    check_marginal_log_p_star_h,
    check_marginal_second_form,
    check_product_rule,
    check_vanilla_psi,
    check_exact_correction,
    check_notes_code_cells,
    check_log_ratio_limits,
    check_red_green,
    check_gain,
    check_local_form,
    check_wake_rule,
    check_sleep_rule,
    check_free_phase_independence,
    check_free_phase_psi,
    check_closing_expressions,
    check_correction_symmetry,
]


def verify_all() -> list[Claim]:
    """Run every check, in the notes' order."""
    claims: list[Claim] = []
    for check in CHECKS:
        result = check()
        claims.extend(result if isinstance(result, list) else [result])
    return claims


def format_table(claims: Sequence[Claim]) -> str:
    """A plain-text table of claims: mark, section, name, method."""
    lines = [f"{'':2} {'section':<16} {'claim':<52} {'method':<9} relied on"]
    for c in claims:
        mark = "✓" if c.holds else "✗"
        lines.append(f"{mark:2} {c.section:<16} {c.name:<52} {c.method:<9} {'yes' if c.relied_on else 'no'}")
    return "\n".join(lines)


def main() -> int:
    claims = verify_all()
    print(format_table(claims))
    broken = [c for c in claims if c.relied_on and not c.holds]
    wrong_in_notes = [c for c in claims if not c.relied_on and not c.holds]
    print(f"\n{sum(c.holds for c in claims)} of {len(claims)} hold; "
          f"{len(wrong_in_notes)} notes' claims are wrong (see the errata); "
          f"{len(broken)} claims the library relies on fail.")
    for c in broken:
        print(f"FAILED: {c.name}: {c.detail}")
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
