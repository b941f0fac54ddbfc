"""The errata of the notes: each quotes the notes, states the correct version, and names the claims behind it.

Every erratum about a formula or a computation is backed by a pair of claims: the notes' version
(role ``"notes"``), which must fail, and the corrected version (role ``"correction"`` or
``"library"``), which must hold. :data:`REMARKS` lists presentation points (plotting code, broken
sentences) that have no formula to check, and earlier errata of ours that were withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import sympy as sp

from .claims import N_HIDDEN, N_VISIBLE, SWITCH_POINTS, _binary, _states, check_marginal_log_p_star_h, \
    check_psi_every_unit
from .engine import FAILS, NUMERIC, Claim, Comparison, compare, compare_all, make_claim, symbolic
from .formulas import NOTES, W, eps, log_sigmoid, phi, phi_a0, rbm_symbols, sigmoid

__all__ = ["Erratum", "ERRATA", "REMARKS", "notes_code_cells", "ERRATA_CHECKS"]


# ------------------------------------------------------------- the notes' code
def notes_code_cells() -> dict[str, Callable]:
    """The §1.1 and §2.3 code cells' corrections, transcribed as functions of (φ0, ε, W)."""
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
    """Which of the notes' code cells compute the exact correction (§1.1 In[2] and §2.3 In[5])."""
    claims = []
    for name, cell in notes_code_cells().items():
        claims.append(make_claim(f"notes code: {name}", "§1.1 In[2]" if "calc" in name else "§2.3 In[5]",
                                 rf"\texttt{{{name.replace('_', chr(92) + '_')}}} = C",
                                 compare(cell(phi_a0, eps, W), NOTES.exact(phi_a0, eps, W), specials=SWITCH_POINTS),
                                 role="notes", steps=(f"simplify({name} - C) == 0 ?",)))
    return claims


def check_in3_approximation() -> Claim:
    """§1.1 In[3]: ``calc_APPROX_psi_correction`` should be the §2.1 approximation; it is In[2]'s cell verbatim."""
    h = 0
    cell = notes_code_cells()["calc_psi_correction(h=0)"]  # In[3]'s body is the same text
    return make_claim("notes code: In[3] calc_APPROX_psi_correction is the §2.1 approximation", "§1.1 In[3]",
                      r"\texttt{calc\_APPROX\_psi\_correction} = W\big[\sigma(\alpha(\phi^{A0}+W/2)) - "
                      r"\sigma(\alpha(\phi^{A0}+W/2+\epsilon))\big]",
                      compare(cell(phi_a0 - h * W, eps, W), NOTES.sigmoid(phi_a0, eps, W, NOTES.gain(W)),
                              specials=SWITCH_POINTS), role="notes",
                      steps=("In[3]'s body == In[2]'s calc_psi_correction body (verbatim copy)",
                             "compare(cell, W*(σ(α(φ0+W/2)) - σ(α(φ0+W/2+ε))))"))


# ----------------------------------------------------------- §0.2 and §1: σ(ψ)
def check_conditional_is_sigmoid(notes_version: bool = False) -> Claim:
    """§0.2/§1: p(h_j = 1 | v) = e^{J_1} / (e^{J_1} + e^{J_0}) = σ(ψ_j) with ψ_j = J_1 - J_0, every j of a 3×4 RBM.

    ``notes_version``: the §1 sentence "ψ_j = σ(φ_j)", read as: the log-odds ψ_j is σ of itself's input.
    """
    rbm = rbm_symbols(N_HIDDEN, N_VISIBLE)
    joint = rbm.log_joint()
    pairs = []
    for j in range(N_HIDDEN):
        j1, j0 = joint.subs(rbm.h[j], 1), joint.subs(rbm.h[j], 0)
        psi = NOTES.vanilla_psi([rbm.w[j, i] for i in range(N_VISIBLE)], rbm.c[j], rbm.v)
        if notes_version:
            pairs.append((j1 - j0, sigmoid(psi)))
        else:
            pairs.append((sp.exp(j1) / (sp.exp(j1) + sp.exp(j0)), sigmoid(psi)))
    binary = _binary(rbm.h, rbm.v)
    if notes_version:
        return make_claim("§1 as printed: ψ_j = σ(·)", "§1", r"\psi_j = \sigma(\phi_j)",
                          compare_all(pairs, binary=binary, n_random=60), role="notes",
                          steps=("psi_j = J_1 - J_0;  compare(psi_j, σ(W_j0 + Σ W_ji v_i))",))
    return make_claim("Gibbs conditional is σ(ψ_j)", "§0.2, §1",
                      r"p(h_j{=}1 \mid v) = \frac{e^{J_1}}{e^{J_1} + e^{J_0}} = \sigma(\psi_j),\ "
                      r"\psi_j = J_1 - J_0 = W_{j0} + \sum_i W_{ji} v_i",
                      compare_all(pairs, binary=binary, n_random=60), role="correction",
                      steps=("J_1, J_0 = log_joint.subs(h_j, 1), log_joint.subs(h_j, 0)    # every j",
                             "simplify(exp(J_1)/(exp(J_1) + exp(J_0)) - σ(W_j0 + Σ_i W_ji v_i)) == 0"))


# --------------------------------------------------------------------- §1.1 h_i
def check_h_i() -> Claim:
    """§1.1 "the two cases h_i = 0, 1": the correction with the state of hidden unit i (not j) removed from φ^A_i.

    Checked on a model with 4 hidden units per cause (cause A's units), so that h_i exists for every visible i.
    """
    return check_psi_every_unit(state=lambda j, i, hidden: hidden[i], n_hidden=N_VISIBLE, causes="A",
                                name="Gibbs log-odds with h_i in place of h_j", role="notes")


# --------------------------------------------------------------- §2.1 wording
def check_two_terms(notes_version: bool) -> Claim:
    """§2.1 "the sum of two terms of form log(σ(φ)/σ(φ+W))": with g(x) = log(σ(x)/σ(x+W)),
    the notes' reading C = g(φ0) + g(φ0+ε) fails; C = g(φ0) - g(φ0+ε) (the second term is the reciprocal) holds."""
    g = lambda x: sp.log(sigmoid(x) / sigmoid(x + W))  # noqa: E731
    sign = 1 if notes_version else -1
    claimed = g(phi_a0) + sign * g(phi_a0 + eps)
    statement = (r"C = g(\phi^{A0}) + g(\phi^{A0}+\epsilon)" if notes_version
                 else r"C = g(\phi^{A0}) - g(\phi^{A0}+\epsilon) = g(\phi^{A0}) + \log\frac{\sigma(\phi^{A0}+\epsilon+W)}"
                      r"{\sigma(\phi^{A0}+\epsilon)}")
    return make_claim("C is two terms of form log(σ(φ)/σ(φ+W))" if notes_version
                      else "C is log(σ(φ)/σ(φ+W)) minus the same at φ+ε", "§2.1",
                      statement + r",\quad g(x) = \log\frac{\sigma(x)}{\sigma(x+W)}",
                      compare(NOTES.exact(phi_a0, eps, W), claimed, specials=SWITCH_POINTS),
                      role="notes" if notes_version else "correction",
                      steps=(f"simplify(C - (g(φ0) {'+' if notes_version else '-'} g(φ0 + ε))) == 0 ?",))


def check_psi_sigmoid(notes_version: bool) -> Claim:
    """§2.1 "ψ_j = Σ_i W_ji(v_i - σ^AB_i + σ^A_i)": the Gibbs log-odds with the §2.1 approximation, derived as
    (log P*|h_j=1 - log P*|h_j=0 of one RBM) + Σ_i C̃_ji. The notes' version omits the hidden bias W_j0."""
    rbm = rbm_symbols(1, N_VISIBLE)
    joint = rbm.log_joint()
    p0 = sp.symbols(f"phi0_1:{N_VISIBLE + 1}", real=True)
    e = sp.symbols(f"epsilon_1:{N_VISIBLE + 1}", real=True)
    w = [rbm.w[0, i] for i in range(N_VISIBLE)]
    derived = joint.subs(rbm.h[0], 1) - joint.subs(rbm.h[0], 0) + sum(
        NOTES.sigmoid(p0[i], e[i], w[i], NOTES.gain(w[i])) for i in range(N_VISIBLE))
    sigma_ab = [sigmoid(NOTES.gain(w[i]) * (p0[i] + w[i] / 2 + e[i])) for i in range(N_VISIBLE)]
    sigma_a = [sigmoid(NOTES.gain(w[i]) * (p0[i] + w[i] / 2)) for i in range(N_VISIBLE)]
    notes = sum(w[i] * (rbm.v[i] - sigma_ab[i] + sigma_a[i]) for i in range(N_VISIBLE))
    claimed = notes if notes_version else rbm.c[0] + notes
    return make_claim("§2.1 ψ_j without W_j0" if notes_version else "§2.1 ψ_j with W_j0", "§2.1",
                      (r"\psi_j = " if notes_version else r"\psi_j = W_{j0} + ")
                      + r"\sum_i W_{ji}\big(v_i - \sigma^{AB}_i + \sigma^A_i\big)",
                      compare(derived, claimed, binary=set(rbm.v), n_random=60,
                              specials={s: [sp.Rational(1, 1000)] for s in w}),
                      role="notes" if notes_version else "correction",
                      steps=("derived = log_joint.subs(h_j, 1) - log_joint.subs(h_j, 0) + Σ_i C̃(φ0_i, ε_i, W_ji)",
                             "simplify(derived - claimed) == 0 ?"))


def check_gainless_slope() -> Claim:
    """§2.1: the displayed C̃ has no gain; its first term's slope at the switching point then does not match."""
    true_slope = sp.diff(log_sigmoid(phi) - log_sigmoid(phi + W), phi).subs(phi, -W / 2)
    shown = sp.diff(-W * sigmoid(-(phi + W / 2)), phi).subs(phi, -W / 2)
    return make_claim("§2.1 C̃ as displayed (gain 1) matches the slope at the switch", "§2.1",
                      r"\frac{d}{d\phi}\big[-W\sigma(-(\phi+W/2))\big]_{-W/2} = "
                      r"\frac{d}{d\phi}\log\frac{\sigma(\phi)}{\sigma(\phi+W)}\Big|_{-W/2}",
                      compare(shown, true_slope), role="notes",
                      steps=("compare(diff(-W σ(-(φ+W/2)), φ) at -W/2, 2σ(W/2) - 1)",))


# ------------------------------------------------------------- §2.3 In[5] range
IN4 = "W = -10.0\nalpha = 4*(2*sigmoid(W/2)-1)/W\nphi = np.linspace(-30, 30, 1001)\n"
IN12 = "phi = np.linspace(-3, 3, 1001)\n"
IN5 = ("eps = 10.0\n"
       "truth = np.log(sigmoid(phi)/sigmoid(phi+W)) - np.log(sigmoid(phi+eps)/sigmoid(phi+W+eps))\n"
       "approx = -W*(sigmoid(-alpha*(phi+W/2)) - sigmoid(-alpha*(phi+eps+W/2)))\n")


def _run_cells(*cells: str) -> dict:
    """Execute transcribed notes cells in order (plotting lines left out) and return their namespace."""
    namespace = {"np": np, "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x))}
    with np.errstate(all="ignore"):
        for cell in cells:
            exec(compile(cell, "<notes cell>", "exec"), namespace)  # noqa: S102 - our own transcription
    return namespace


def check_in5_range(notes_version: bool) -> Claim:
    """§2.3 In[5], run in document order (In[4], In[12], In[5]), plots φ ∈ [-3, 3]: both switch points of the
    W = -10, ε = 10 correction, -W/2 = 5 and -ε - W/2 = -5, fall outside. With In[4]'s φ ∈ [-30, 30] they are in."""
    order = ("In[4]", "In[12]", "In[5]") if notes_version else ("In[4]", "In[5]")
    ns = _run_cells(*[{"In[4]": IN4, "In[12]": IN12, "In[5]": IN5}[name] for name in order])
    switches = [-ns["W"] / 2, -ns["eps"] - ns["W"] / 2]
    inside = all(ns["phi"].min() <= s <= ns["phi"].max() for s in switches)
    where = f"φ ∈ [{ns['phi'].min():g}, {ns['phi'].max():g}], switch points {switches[0]:g} and {switches[1]:g}"
    return make_claim("In[5] in document order shows both switch points" if notes_version
                      else "In[5] with In[4]'s φ shows both switch points", "§2.3 In[5]",
                      r"-W/2 \text{ and } -\epsilon - W/2 \in [\min\phi, \max\phi]",
                      symbolic(inside, f"cells {' → '.join(order)} run: {where}"),
                      role="notes" if notes_version else "correction",
                      steps=("exec In[4], In[12], In[5] in document order" if notes_version
                             else "exec In[4], In[5]", "assert phi.min() <= -W/2, -eps - W/2 <= phi.max()"))


# ------------------------------------------------------------------- §3 joint
def check_section3_marginal() -> Claim:
    """§3: "log P*(h^A) = Σ_i log(1 + e^{φ^A_i})" without the hidden-bias term Σ_j W_j0 h_j."""
    without_bias = replace(NOTES, marginal=lambda x, n, c: NOTES.marginal(x, n, 0))
    claim = check_marginal_log_p_star_h(without_bias, sizes=(1, 2))
    return replace(claim, name="§3 log P*(h^A) without Σ_j W_j0 h_j", section="§3",
                   statement=r"\log P^*(h^A) = \sum_i \log(1 + e^{\phi^A_i})", role="notes")


# ------------------------------------------------------ §3.1.1 "below" (above)
NOTES_OUTLINE = ("0.1 The vanilla RBM", "0.2 Gibbs in vanilla RBM", "1 a model of two causes",
                 "1.1 What does the correction to standard RBM ψ look like?",
                 "2 Approximations (trying to find a simple one)", "2.1 A better approximation",
                 "2.2 ELEPHANT IN THE ROOM", "2.3 this looks like a pig, but perhaps can be found locally...",
                 "3 The learning algorithm", "3.1.1 WAKE PHASE", "3.1.2 SLEEP PHASE",
                 "3.1.3 notice the free phase is free")
"""The notes' headings in document order (transcribed)."""


def check_approximation_position(notes_version: bool) -> Claim:
    """§3.1.1 "the resemblance between this and the approximation, below": the approximations are §2–§2.3,
    above §3.1.1 in the notes (checked against the transcribed outline)."""
    position = {title.split()[0]: k for k, title in enumerate(NOTES_OUTLINE)}
    below = all(position[s] > position["3.1.1"] for s in ("2", "2.1", "2.3"))
    holds = below if notes_version else not below
    return make_claim("the approximation is below §3.1.1" if notes_version else "the approximation is above §3.1.1",
                      "§3.1.1", r"\S 2\text{–}\S 2.3 " + (r"\text{ after }" if notes_version else r"\text{ before }")
                      + r"\S 3.1.1", symbolic(holds, f"outline order: §2 is heading {position['2'] + 1}, §3.1.1 is "
                                                     f"heading {position['3.1.1'] + 1} of {len(NOTES_OUTLINE)}"),
                      role="notes" if notes_version else "correction",
                      steps=("NOTES_OUTLINE.index('2 …') < NOTES_OUTLINE.index('3.1.1 …')",))


def check_wake_resembles_linear() -> Claim:
    """§3.1.1: the resemblance, exactly: Σ_i W_ji [v_i + σ(φ^A_i) - σ(φ^AB_i)] = ψ_j - W_j0 with the §2 linear
    correction at the actual input. The wake rule's modified visible activity is the linear approximation's."""
    n = N_VISIBLE
    w = sp.symbols(f"W_1:{n + 1}", real=True)
    v = sp.symbols(f"v_1:{n + 1}", real=True)
    p = sp.symbols(f"phi_1:{n + 1}", real=True)
    e = sp.symbols(f"epsilon_1:{n + 1}", real=True)
    wake = sum(w[i] * (v[i] + sigmoid(p[i]) - sigmoid(p[i] + e[i])) for i in range(n))
    linear_psi = sum(w[i] * v[i] + NOTES.linear(p[i], e[i], w[i]) for i in range(n))
    return make_claim("wake rule's activity is the §2 linear approximation's", "§3.1.1, §2",
                      r"\sum_i W_{ji}\big[v_i + \sigma(\phi^A_i) - \sigma(\phi^{AB}_i)\big] = "
                      r"\sum_i W_{ji} v_i + \sum_i W_{ji}\big[\sigma(\phi^A_i) - \sigma(\phi^A_i + \epsilon_i)\big]",
                      compare(wake, linear_psi, binary=set(v), n_random=60), role="correction",
                      steps=("expand(Σ W(v + σ(φ) - σ(φ+ε)) - Σ (W v + W(σ(φ) - σ(φ+ε)))) == 0",))


# ------------------------------------------------------------------- §3.1.3 ψ̄
def check_free_psi_bar(notes_version: bool) -> Claim:
    """§3.1.3 "the expected ψ is simply ψ̄_j = Σ_i W_ji σ_φ": the expectation, over v_i ~ σ(φ^A_i + ε_i) (the free
    phase), of the vanilla ψ_j plus the §2 linear correction. It is W_j0 + Σ_i W_ji σ(φ^A_i): the notes omit W_j0.
    (It averages an approximation, as the notes suspect; the independence of the causes is exact.)"""
    n = N_VISIBLE
    c = sp.Symbol("W_10", real=True)
    w = sp.symbols(f"W_11:1{n + 1}", real=True)
    p = sp.symbols(f"phi_1:{n + 1}", real=True)
    e = sp.symbols(f"epsilon_1:{n + 1}", real=True)
    expectation = 0
    for s in _states(n):
        probability = sp.Mul(*[sigmoid(p[i] + e[i]) if s[i] else sigmoid(-p[i] - e[i]) for i in range(n)])
        psi = NOTES.vanilla_psi(list(w), c, s) + sum(NOTES.linear(p[i], e[i], w[i]) for i in range(n))
        expectation += probability * psi
    notes = sum(w[i] * sigmoid(p[i]) for i in range(n))
    claimed = notes if notes_version else c + notes
    s_ = sp.symbols(f"s_1:{n + 1}", real=True)
    # sound: σ(-x) = 1 - σ(x) replaced, then σ(x_i) -> s_i; an identity for all s_i holds at s_i = σ(x_i)
    replacement = {**{sigmoid(-p[i] - e[i]): 1 - s_[i] for i in range(n)},
                   **{sigmoid(p[i] + e[i]): s_[i] for i in range(n)}}
    return make_claim("§3.1.3 ψ̄ = Σ W σ(φ)" if notes_version else "§3.1.3 ψ̄ = W_j0 + Σ W σ(φ)", "§3.1.3",
                      (r"\bar\psi_j = " if notes_version else r"\bar\psi_j = W_{j0} + ")
                      + r"\sum_i W_{ji}\sigma(\phi^A_i) = \mathbb{E}_{v \sim \sigma(\phi^A+\epsilon)}"
                        r"\big[\psi^{RBM}_j + \textstyle\sum_i C^{lin}_{ji}\big]",
                      compare(expectation, claimed, n_random=60, proof_hint=lambda d: d.xreplace(replacement)),
                      role="notes" if notes_version else "correction",
                      steps=("E = Σ_v Π_i σ(±(φ_i+ε_i)) · (W_j0 + Σ_i W_ji v_i + Σ_i W_ji(σ(φ_i) - σ(φ_i+ε_i)))",
                             "σ(-x_i) -> 1 - s_i,  σ(x_i) -> s_i      # σ(-x) = 1 - σ(x); then s_i free",
                             "expand(E - (W_j0 + Σ_i W_ji σ(φ_i))) == 0"))


# ----------------------------------------------------------- np.log(sigmoid(x))
def check_log_of_sigmoid(notes_version: bool) -> Claim:
    """The notes' ``np.log(sigmoid(x))``: not accurate for every float64 (it is -inf below about -745), but
    accurate to 1e-15 relative for -709 < x < 0, to 1e-16 absolute for x ≥ 0, and so over the notes' plotted
    range (|x| ≤ 83: reach 40, w = 3, ε up to 40) to 1e-15 absolute. Checked against mpmath."""
    import mpmath
    xs = np.concatenate([-np.logspace(-3, 2.85, 300), np.logspace(-3, 2.85, 300), [-83.0, 83.0, 0.0]])
    if notes_version:
        xs = np.concatenate([xs, [-746.0, -800.0, -1e4]])
    with np.errstate(all="ignore"):
        got = np.log(1.0 / (1.0 + np.exp(-xs)))
    worst_abs, worst_rel_neg, bad = 0.0, 0.0, None
    for x, y in zip(xs, got):
        with mpmath.workdps(40):
            ref = -mpmath.log1p(mpmath.exp(-mpmath.mpf(float(x))))
            error = abs(mpmath.mpf(float(y)) - ref) if np.isfinite(y) else mpmath.inf
            relative = error / abs(ref) if ref != 0 else error
        if x < 0 and x > -709:
            worst_rel_neg = max(worst_rel_neg, float(relative))
            if relative > 1e-14:
                bad = bad or f"x={x:g}: relative error {float(relative):.1e}"
        elif not error <= 1e-15:
            bad = bad or f"x={x:g}: np.log(sigmoid(x)) = {y}, log σ(x) = {mpmath.nstr(ref, 8)}"
        else:
            worst_abs = max(worst_abs, float(error))
    detail = (f"{len(xs)} points; worst relative error on (-709, 0) {worst_rel_neg:.1e}, "
              f"worst absolute error elsewhere {worst_abs:.1e}" + (f"; fails at {bad}" if bad else ""))
    return make_claim("np.log(sigmoid(x)) is accurate for every float64" if notes_version
                      else "np.log(sigmoid(x)) is accurate on the notes' ranges", "code cells",
                      r"\texttt{np.log(sigmoid(x))} = \log\sigma(x)" + (r"\ \forall x" if notes_version
                                                                         else r",\ -709 < x \le 83"),
                      Comparison(NUMERIC if bad is None else FAILS, None, detail),
                      role="notes" if notes_version else "correction",
                      steps=("compare np.log(1/(1+np.exp(-x))) with mpmath -log1p(exp(-x))",))


ERRATA_CHECKS: list[Callable[[], Claim | list[Claim]]] = [
    check_notes_code_cells,
    check_in3_approximation,
    lambda: check_conditional_is_sigmoid(notes_version=True),
    lambda: check_conditional_is_sigmoid(notes_version=False),
    check_h_i,
    lambda: check_two_terms(notes_version=True),
    lambda: check_two_terms(notes_version=False),
    lambda: check_psi_sigmoid(notes_version=True),
    lambda: check_psi_sigmoid(notes_version=False),
    check_gainless_slope,
    lambda: check_in5_range(notes_version=True),
    lambda: check_in5_range(notes_version=False),
    check_section3_marginal,
    lambda: check_approximation_position(notes_version=True),
    lambda: check_approximation_position(notes_version=False),
    check_wake_resembles_linear,
    lambda: check_free_psi_bar(notes_version=True),
    lambda: check_free_psi_bar(notes_version=False),
    lambda: check_log_of_sigmoid(notes_version=True),
    lambda: check_log_of_sigmoid(notes_version=False),
]


# ------------------------------------------------------------------- the list
@dataclass(frozen=True)
class Erratum:
    """One erratum.

    Attributes
    ----------
    section : str
    quote : str                   the notes' words (Markdown).
    correction : str              the correct version (Markdown with LaTeX).
    fails : tuple of str          names of the claims for the notes' version (each must be ✗); empty when the
                                  notes give no formula to check (a sentence that stops).
    holds : tuple of str          names of the claims for the corrected version (each must be ✓ or ≈).
    """

    section: str
    quote: str
    correction: str
    fails: tuple[str, ...]
    holds: tuple[str, ...]


ERRATA: tuple[Erratum, ...] = (
    Erratum("§0.2", "“And from the $\\log P^*(h, v)$ given above, this is easily seen to be $\\psi_j$”",
            "The sentence stops before the formula: $\\psi_j = W_{j0} + \\sum_i W_{ji} v_i$, and "
            "$p(h_j{=}1 \\mid v) = \\sigma(\\psi_j)$.", (),
            ("vanilla Gibbs log-odds", "Gibbs conditional is σ(ψ_j)")),
    Erratum("§1", "“The Gibbs update step is given by $\\psi_j = \\sigma(\\phi_j)$ with $\\psi_j = \\log P$”",
            "Backwards and cut off: $p(h_j{=}1 \\mid \\cdot) = \\sigma(\\psi_j)$ with $\\psi_j = "
            "\\log P^*(\\ldots, h_j{=}1, \\ldots) - \\log P^*(\\ldots, h_j{=}0, \\ldots)$.",
            ("§1 as printed: ψ_j = σ(·)",), ("Gibbs conditional is σ(ψ_j)",)),
    Erratum("§1.1 In[2]", "`np.log(sigmoid(phi+w+eps-h*w)) + np.log(sigmoid(phi-h*w)) - np.log(sigmoid(phi))` "
            "and `calc_psi0_correction`",
            "Both cells drop $-\\log\\sigma(\\phi^{A0}+\\epsilon)$; with $h = 0$ the first reduces to "
            "$\\log\\sigma(\\phi+W+\\epsilon)$. The exact correction is $C = \\log\\sigma(\\phi^{A0}{+}W{+}\\epsilon) + "
            "\\log\\sigma(\\phi^{A0}) - \\log\\sigma(\\phi^{A0}{+}W) - \\log\\sigma(\\phi^{A0}{+}\\epsilon)$, as In[5] "
            "computes. The wedge plots show the wrong function; notebook 02 draws the right one.",
            ("notes code: calc_psi_correction(h=0)", "notes code: calc_psi_correction(h=1)",
             "notes code: calc_psi0_correction"), ("exact correction", "notes code: In[5] truth")),
    Erratum("§1.1", "“We'll need two plots for the two cases $h_i = 0, 1$”",
            "$h_j = 0, 1$: the state of the hidden unit being updated, whose weight $W_{ji}$ is removed from "
            "$\\phi^A_i$.", ("Gibbs log-odds with h_i in place of h_j",), ("Gibbs log-odds of every hidden unit",)),
    Erratum("§1.1 In[3]", "`def calc_APPROX_psi_correction(phi, eps, w, h): …`",
            "A verbatim copy of `calc_psi_correction`, so the “approximate” plot repeats the (wrong) exact one. "
            "The approximation it should plot is $W[\\sigma(\\alpha(\\phi^{A0}+W/2)) - "
            "\\sigma(\\alpha(\\phi^{A0}+W/2+\\epsilon))]$, which §2.3's local form equals.",
            ("notes code: In[3] calc_APPROX_psi_correction is the §2.1 approximation",),
            ("local form equals the sigmoid approximation",)),
    Erratum("§2.1", "“The true correction is composed of the sum of two terms of form "
            "$\\log(\\sigma(\\phi)/\\sigma(\\phi + W))$”",
            "The second term is the reciprocal form, shifted by $\\epsilon$: with $g(x) = \\log(\\sigma(x)/"
            "\\sigma(x+W))$, $C = g(\\phi^{A0}) - g(\\phi^{A0}+\\epsilon)$, as the next sentence's "
            "$\\log(\\sigma(\\phi+\\epsilon+W)/\\sigma(\\phi+\\epsilon))$ says.",
            ("C is two terms of form log(σ(φ)/σ(φ+W))",), ("C is log(σ(φ)/σ(φ+W)) minus the same at φ+ε",)),
    Erratum("§2.1", "“$\\tilde C = W[\\sigma(\\phi^{A0} + W/2) - \\sigma(\\phi^{A0} + W/2 + \\phi^B)]$”",
            "The displayed formula has no gain, so its slope at the switching point is wrong; the text's "
            "$\\alpha = (4/W)(2\\sigma(W/2) - 1) = 4\\tanh(W/4)/W$ fixes it: $\\tilde C = W[\\sigma(\\alpha(\\phi^{A0} "
            "+ W/2)) - \\sigma(\\alpha(\\phi^{A0} + W/2 + \\phi^B))]$, with $\\alpha \\to 1$ as $W \\to 0$ where the "
            "printed $\\alpha$ reads 0/0.",
            ("§2.1 C̃ as displayed (gain 1) matches the slope at the switch",), ("slope-matching gain",)),
    Erratum("§2.1", "“$\\psi_j = \\sum_i W_{ji}(v_i - \\sigma_i^{AB} + \\sigma_i^A)$”",
            "The hidden bias is missing: $\\psi_j = W_{j0} + \\sum_i W_{ji}(v_i - \\sigma_i^{AB} + \\sigma_i^A)$.",
            ("§2.1 ψ_j without W_j0",), ("§2.1 ψ_j with W_j0",)),
    Erratum("§2.2", "“in order to update $h_j^A$, we need to find the input to each visible unit *in the case that* "
            "$h_j^A = 0$. That really sucks.”",
            "Not a problem: $\\phi^{A0}_i = \\phi^A_i - h_j W_{ji}$ is local to the unit, for the exact correction "
            "as well as for §2.3's approximation.", (), ("Gibbs log-odds of every hidden unit",)),
    Erratum("§2.3 In[5]", "`phi = np.linspace(-3, 3, 1001)` (In[12]), then In[5] with `W = -10.0`, `eps = 10.0`",
            "Run in document order, In[5] uses In[12]'s $\\phi \\in [-3, 3]$, so both switch points, "
            "$-W/2 = 5$ and $-\\epsilon - W/2 = -5$, fall outside the plot. In[4]'s $\\phi \\in [-30, 30]$ shows them.",
            ("In[5] in document order shows both switch points",), ("In[5] with In[4]'s φ shows both switch points",)),
    Erratum("§3", "“$\\log P^*(h^A) = \\sum_i \\log(1 + e^{\\phi_i^A})$”, “$\\phi_i^A = \\sum_j h_j^A W_{ji}$”",
            "The hidden-bias term is missing: $\\log P^*(h^A) = \\sum_j W^A_{j0} h^A_j + \\sum_i \\log(1 + "
            "e^{\\phi^A_i})$, and $\\phi^A_i$ includes A's visible bias $W^A_{0i}$ (which §1 says to keep). The third "
            "term is the normalised $\\log P(v \\mid h^A, h^B)$. With these, the wake rule is the exact gradient and "
            "the bias rules follow.",
            ("§3 log P*(h^A) without Σ_j W_j0 h_j",), ("marginal log P*(h)", "wake-phase rule is the gradient of the log joint")),
    Erratum("§3.1.1", "“Q: What do we make of the resemblance between this and the approximation, below?”",
            "Above (§2). And the resemblance is exact: $\\sum_i W_{ji}[v_i + \\sigma(\\phi^A_i) - \\sigma(\\phi^{AB}_i)]$ "
            "is $\\psi_j - W_{j0}$ with §2's linear correction at the actual input.",
            ("the approximation is below §3.1.1",),
            ("the approximation is above §3.1.1", "wake rule's activity is the §2 linear approximation's")),
    Erratum("§3.1.3", "“In the FREE PHASE the expected $\\psi$ is simply: $\\bar\\psi_j = \\sum_i W_{ji} \\sigma_\\phi$”",
            "It is the average, over $v_i \\sim \\sigma(\\phi^A_i + \\epsilon_i)$, of the vanilla $\\psi_j$ plus §2's "
            "linear correction, and equals $W_{j0} + \\sum_i W_{ji}\\sigma(\\phi^A_i)$: the hidden bias is missing. "
            "It averages an approximation, as the notes suspect (“although this is just an approximation, isn't "
            "it?”); their conclusion is exact: with $v$ summed out of the joint the two RBMs are independent.",
            ("§3.1.3 ψ̄ = Σ W σ(φ)",),
            ("§3.1.3 ψ̄ = W_j0 + Σ W σ(φ)", "free phase: the two RBMs are independent")),
    Erratum("code cells", "`np.log(sigmoid(x))` throughout",
            "Returns $-\\infty$ once $e^{-x}$ overflows ($x \\lesssim -745$). It is accurate for $-709 < x < 0$ "
            "(relative) and to $10^{-16}$ absolute for $x \\ge 0$ (only relative precision of tiny values is lost), "
            "so nothing in the notes' results, with $|x| \\le 83$, depends on it. The library uses a stable "
            "log-sigmoid anyway.",
            ("np.log(sigmoid(x)) is accurate for every float64",), ("np.log(sigmoid(x)) is accurate on the notes' ranges",)),
)

REMARKS: tuple[str, ...] = (
    "§1: the headings after “ψ_j = log P” (“Conditionals on the size of φ, ε”, “Truncated Markov chain”, "
    "“Linear RBM”, …) have no content.",
    "§1.1 In[2]: the second panel's variable is named `psi_correction_h0` but holds h = 1; `plt.axis('off')` hides "
    "the ticks set after it; the comment “We're explicitly taking” stops; `cm.get_cmap` is gone from current "
    "matplotlib, and In[3]'s `cm.get_cmap(cmap, levels)` passes an array where a number of colours is expected.",
    "Withdrawn: an earlier erratum said the y-label “φ_i (right network)” should be ε_i. It is right: ε_i is the "
    "input from the right network, φ^B_i.",
    "Withdrawn: an earlier erratum called the titles `$\\ell h_j=0\\ell$` the author's typos. They look like an "
    "artefact of converting the notebook to PDF.",
    "End of the notes: the two `sp.simplify` cells are uncommented. The first returns z (the correction does not "
    "depend on v); the second does not simplify and is −C(x, y, z) (✓ in the table).",
)
