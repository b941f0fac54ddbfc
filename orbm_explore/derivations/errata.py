"""The errata of the notes: each quotes the notes, states the correct version, and names the claims behind it.

Every erratum about a formula or a computation is backed by a pair of claims: the notes' version
(role ``"notes"``), which must fail, and the corrected version (role ``"correction"`` or
``"library"``), which must hold. :data:`REMARKS` lists presentation points (plotting code, broken
sentences) that have no formula to check, and earlier errata of ours that were withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy as sp

from .claims import N_HIDDEN, N_VISIBLE, SWITCH_POINTS, _binary, _states, check_closing_expressions
from .engine import FAILS, NUMERIC, RAN_OUT, Claim, Comparison, compare, compare_all, limited, make_claim, symbolic, \
    undecided
from .formulas import NOTES, W, eps, log_sigmoid, phi_a0, rbm_symbols, sigmoid

__all__ = ["Erratum", "ReadingNote", "ERRATA", "READING_NOTES", "REMARKS", "notes_code_cells", "ERRATA_CHECKS"]


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

    def in5_approx(p0, e, w):
        alpha = NOTES.gain(w)
        return -w * (sigmoid(-alpha * (p0 + w / 2)) - sigmoid(-alpha * (p0 + e + w / 2)))

    def calc_approx_psi_correction(h):  # In[3]: transcribed on its own (its text is In[2]'s)
        def cell(p0, e, w):
            phi_ = p0 + h * w
            return log_sigmoid(phi_ + w + e - h * w) + log_sigmoid(phi_ - h * w) - log_sigmoid(phi_)
        return cell

    return {"In[3] calc_APPROX_psi_correction(h=0)": calc_approx_psi_correction(0),
            "calc_psi_correction(h=0)": calc_psi_correction(0),
            "calc_psi_correction(h=1)": calc_psi_correction(1),
            "calc_psi0_correction": calc_psi0_correction,
            "In[5] truth": in5_truth,
            "In[5] approx": in5_approx}


def _missing_term(p0, e, w):
    return -log_sigmoid(p0 + e)


def check_notes_code_cells() -> list[Claim]:
    """The §1.1 In[2] cells against C (two errata, one duplicate merged) and §2.3 In[5]'s ``truth`` (it is C)."""
    cells = notes_code_cells()
    c = NOTES.exact(phi_a0, eps, W)
    at = dict(specials=SWITCH_POINTS)
    return [
        make_claim("notes code: calc_psi0_correction (= calc_psi_correction at h=1) is C", "§1.1 In[2]",
                   r"\texttt{calc\_psi0\_correction} = C", compare(cells["calc_psi0_correction"](phi_a0, eps, W), c, **at),
                   role="notes", steps=("simplify(calc_psi0_correction(φ0, ε, W) - C) == 0 ?",
                                        "the difference is log σ(φ0+ε): the term -log σ(φ0+ε) is missing")),
        make_claim("notes code: calc_psi_correction(h=0) with the missing term is C", "§1.1 In[2]",
                   r"\texttt{calc\_psi\_correction}(\phi, \epsilon, W, 0) - \log\sigma(\phi+\epsilon) = C",
                   compare(cells["calc_psi_correction(h=0)"](phi_a0, eps, W) + _missing_term(phi_a0, eps, W), c, **at),
                   role="notes", steps=("cell = calc_psi_correction(φ0 + h W, ε, W, h) at h = 0, plus -log σ(φ0+ε)",
                                        "simplify(cell - C) == 0 ?   # no: its last term -log σ(phi) should be "
                                        "-log σ(phi + w - h w)")),
        make_claim("notes code: calc_psi_correction with -log σ(phi+w-h*w) and the missing term is C (h = 0, 1)",
                   "§1.1 In[2]", r"\log\sigma(\phi{+}W{+}\epsilon{-}hW) + \log\sigma(\phi{-}hW) - "
                   r"\log\sigma(\phi{+}W{-}hW) - \log\sigma(\phi{-}hW{+}\epsilon) = C,\ \phi = \phi^{A0} + hW",
                   compare_all([(log_sigmoid(phi_a0 + h * W + W + eps - h * W) + log_sigmoid(phi_a0 + h * W - h * W)
                                 - log_sigmoid(phi_a0 + h * W + W - h * W) - log_sigmoid(phi_a0 + h * W - h * W + eps),
                                 c) for h in (0, 1)], names=["h=0", "h=1"], **at),
                   role="correction", steps=("fixed = log σ(φ+W+ε-hW) + log σ(φ-hW) - log σ(φ+W-hW) - log σ(φ-hW+ε)",
                                             "simplify(fixed - C) == 0  for h = 0 and h = 1")),
        make_claim("notes code: calc_psi_correction(h=1) is calc_psi0_correction (one erratum, not two)", "§1.1 In[2]",
                   r"\texttt{calc\_psi\_correction}(\phi^{A0}{+}W, \epsilon, W, 1) = \texttt{calc\_psi0\_correction}"
                   r"(\phi^{A0}, \epsilon, W)",
                   compare(cells["calc_psi_correction(h=1)"](phi_a0, eps, W), cells["calc_psi0_correction"](phi_a0, eps, W)),
                   role="reading", steps=("expand(calc_psi_correction(φ0 + W, ε, W, 1) - calc_psi0_correction(φ0, ε, W))"
                                          " == 0",)),
        make_claim("notes code: In[5] truth is C", "§2.3 In[5]", r"\texttt{truth} = C",
                   compare(cells["In[5] truth"](phi_a0, eps, W), c, **at), role="notes",
                   steps=("simplify(truth - C) == 0",)),
    ]


def check_in3_approximation() -> list[Claim]:
    """§1.1 In[3]: ``calc_APPROX_psi_correction`` is none of the notes' approximations; its body is In[2]'s."""
    cells = notes_code_cells()
    in3 = cells["In[3] calc_APPROX_psi_correction(h=0)"](phi_a0, eps, W)
    alpha = NOTES.gain(W)
    approximations = {"§2 linear": NOTES.linear(phi_a0, eps, W),
                      "§2.1 C̃ with gain": NOTES.sigmoid(phi_a0, eps, W, alpha),
                      "§2.1 C̃ as displayed (gain 1)": NOTES.sigmoid(phi_a0, eps, W, 1),
                      "§2.3 local form (h = 0)": NOTES.local(phi_a0, 0, eps, W, alpha)}
    results = {name: compare(in3, expr, specials=SWITCH_POINTS, prove=False) for name, expr in approximations.items()}
    matched = [name for name, r in results.items() if r.verdict != FAILS]
    if matched:
        comparison = Comparison(NUMERIC, None, f"In[3] agrees with {matched[0]} on the numbers")
    else:
        comparison = Comparison(FAILS, None, "counterexample to each: " + "; ".join(
            f"{name}: {r.evidence.counterexample}" for name, r in results.items()))
    return [
        make_claim("notes code: In[3] calc_APPROX_psi_correction is one of the notes' approximations", "§1.1 In[3]",
                   r"\texttt{calc\_APPROX\_psi\_correction} \in \{C^{lin}, \tilde C_\alpha, \tilde C_1, "
                   r"C^{local}\}", comparison, role="notes",
                   steps=("compare(In[3](φ0, ε, W, 0), approximation) for each of the four: all fail",)),
        make_claim("notes code: In[3]'s body is In[2]'s calc_psi_correction", "§1.1 In[3]",
                   r"\texttt{calc\_APPROX\_psi\_correction} \equiv \texttt{calc\_psi\_correction}",
                   compare(in3, cells["calc_psi_correction(h=0)"](phi_a0, eps, W)),
                   role="reading", steps=("the two bodies are the same text: the difference is 0",)),
    ]


def check_in5_approx() -> Claim:
    """§2.3 In[5]: ``approx = -W*(σ(-α(φ+W/2)) - σ(-α(φ+ε+W/2)))`` is the §2.1 C̃ with gain α."""
    return make_claim("notes code: In[5] approx is C̃ (with gain α)", "§2.3 In[5]", r"\texttt{approx} = \tilde C_\alpha",
                      compare(notes_code_cells()["In[5] approx"](phi_a0, eps, W),
                              NOTES.sigmoid(phi_a0, eps, W, NOTES.gain(W)), specials=SWITCH_POINTS),
                      role="correction", steps=("σ(-x) = 1 - σ(x):  simplify(approx - C̃) == 0",))


def check_in4_alpha() -> Claim:
    """§2.1 In[4]: with W = -10 the notebook prints α = 0.394645719261 (12 digits)."""
    value = limited(lambda: sp.N(NOTES.gain(sp.Integer(-10)), 30), RAN_OUT)
    if value is RAN_OUT:
        return make_claim("In[4] prints α = 0.394645719261 for W = -10", "§2.1 In[4]", "", undecided("SymPy ran out"),
                          role="notes")
    printed = sp.Rational("0.394645719261")
    close = abs(value - printed) <= sp.Rational(5, 10 ** 13)
    return make_claim("In[4] prints α = 0.394645719261 for W = -10", "§2.1 In[4]",
                      r"\alpha(-10) = \frac{4}{-10}\big(2\sigma(-5) - 1\big) = 0.394645719261\ldots",
                      symbolic(bool(close), f"SymPy evaluates α(-10) = {sp.N(value, 20)} to 30 digits; the printed "
                                            "12 digits are its rounding" if close else
                               f"SymPy evaluates α(-10) = {sp.N(value, 20)}, not the printed 0.394645719261"),
                      role="notes", steps=("N(4*(2*σ(-5) - 1)/(-10), 30) rounds to 0.394645719261",))


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
                      role="notes" if notes_version else "reading",
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
                      role="notes" if notes_version else "reading",
                      steps=("derived = log_joint.subs(h_j, 1) - log_joint.subs(h_j, 0) + Σ_i C̃(φ0_i, ε_i, W_ji)",
                             "simplify(derived - claimed) == 0 ?"))


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
                      Comparison(NUMERIC if inside else FAILS, None, f"cells {' → '.join(order)} run: {where}"),
                      role="notes" if notes_version else "reading",
                      steps=("exec In[4], In[12], In[5] in document order" if notes_version
                             else "exec In[4], In[5]", "assert phi.min() <= -W/2, -eps - W/2 <= phi.max()"))


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
                      compare(wake, linear_psi, binary=set(v), n_random=60), role="reading",
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
                      role="notes" if notes_version else "reading",
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
                      role="notes" if notes_version else "reading",
                      steps=("compare np.log(1/(1+np.exp(-x))) with mpmath -log1p(exp(-x))",))


ERRATA_CHECKS: list[tuple[str, Callable[[], Claim | list[Claim]]]] = [
    ("notes_code_cells", check_notes_code_cells),
    ("in3_approximation", check_in3_approximation),
    ("in4_alpha", check_in4_alpha),
    ("in5_approx", check_in5_approx),
    ("section1_psi_sigma", lambda: check_conditional_is_sigmoid(notes_version=True)),
    ("conditional_is_sigmoid", lambda: check_conditional_is_sigmoid(notes_version=False)),
    ("two_terms", lambda: check_two_terms(notes_version=False)),
    ("psi_sigmoid_with_bias", lambda: check_psi_sigmoid(notes_version=False)),
    ("in5_range", lambda: check_in5_range(notes_version=False)),
    ("wake_resembles_linear", check_wake_resembles_linear),
    ("free_psi_bar_with_bias", lambda: check_free_psi_bar(notes_version=False)),
    ("log_of_sigmoid", lambda: check_log_of_sigmoid(notes_version=False)),
    ("closing_cells", check_closing_expressions),
]
"""(name, check) for the rows behind the errata and the reading notes; ``verify_all(only=["errata."])`` runs them."""


# ------------------------------------------------------------------- the list
@dataclass(frozen=True)
class Erratum:
    """One error of the notes, one row.

    Attributes
    ----------
    section : str
    kind : str                    ``"substantive"`` or ``"minor"``.
    quote : str                   the notes' exact words (a verbatim substring of the notes' text).
    claim : str                   what those words claim.
    correction : str              the correct version (Markdown with LaTeX).
    fails : tuple of str          the row of the notes' claim: it must be ✗ (its detail is the counterexample).
    holds : tuple of str          the rows of the corrected version: each must be ✓ or ≈.
    """

    section: str
    kind: str
    quote: str
    claim: str
    correction: str
    fails: tuple[str, ...]
    holds: tuple[str, ...]


@dataclass(frozen=True)
class ReadingNote:
    """A place where the notes read loosely, use a convention, or slip, but are not wrong: no ✗.

    Attributes
    ----------
    section : str
    quote : str        the notes' exact words (a verbatim substring of the notes' text).
    text : str         how to read them, and what the rows show.
    rows : tuple       the rows behind the note (✓ or ≈), if any.
    """

    section: str
    quote: str
    text: str
    rows: tuple[str, ...] = ()


ERRATA: tuple[Erratum, ...] = (
    Erratum("§1.1 In[2]", "substantive",
            "correction = np.log(sigmoid(phi0+w+eps)) + np.log( sigmoid(phi0)) - np.log( sigmoid(phi0+w))",
            "that `calc_psi0_correction` (and `calc_psi_correction` at h = 1, the same expression) computes the "
            "correction C to ψ that the contour plots show.",
            "The term $-\\log\\sigma(\\phi^{A0}+\\epsilon)$ is missing: $C = \\log\\sigma(\\phi^{A0}{+}W{+}\\epsilon) + "
            "\\log\\sigma(\\phi^{A0}) - \\log\\sigma(\\phi^{A0}{+}W) - \\log\\sigma(\\phi^{A0}{+}\\epsilon)$, as the notes' "
            "own In[5] `truth` computes. The wedge plots show the wrong function; notebook 02 draws the right one.",
            ("notes code: calc_psi0_correction (= calc_psi_correction at h=1) is C",),
            ("exact correction", "notes code: In[5] truth is C")),
    Erratum("§1.1 In[2]", "substantive",
            "correction = np.log(sigmoid(phi+w+eps-h*w)) + np.log( sigmoid(phi-h*w)) - np.log( sigmoid(phi))",
            "that `calc_psi_correction(phi, eps, w, h)`, with phi “the full weighted sum into the visible node”, is "
            "the correction for h = 0 as well as h = 1 (the first two terms remove h·w from phi).",
            "The last term must remove it too: $-\\log\\sigma(\\phi + W - hW)$, which is $-\\log\\sigma(\\phi)$ only at "
            "h = 1. At h = 0 the cell is wrong even with the missing $-\\log\\sigma(\\phi^{A0}+\\epsilon)$ added.",
            ("notes code: calc_psi_correction(h=0) with the missing term is C",),
            ("notes code: calc_psi_correction with -log σ(phi+w-h*w) and the missing term is C (h = 0, 1)",)),
    Erratum("§1", "minor",
            "The Gibbs update step is given by  $\\psi_j = \\sigma(\\phi_j)$  with  $\\psi_j = \\log P$",
            "that the log-odds ψ_j equals σ of the unit's input (the sentence then breaks off).",
            "Backwards and cut off: $p(h_j{=}1 \\mid \\cdot) = \\sigma(\\psi_j)$ with $\\psi_j = "
            "\\log P^*(\\ldots, h_j{=}1, \\ldots) - \\log P^*(\\ldots, h_j{=}0, \\ldots)$, as §0.2 says.",
            ("§1 as printed: ψ_j = σ(·)",), ("Gibbs conditional is σ(ψ_j)",)),
    Erratum("§1.1 In[3]", "minor",
            "def calc_APPROX_psi_correction(phi, eps, w, h):",
            "that In[3] plots an approximation of the correction (its name, and the plot it draws beside the "
            "exact one).",
            "Its body is In[2]'s `calc_psi_correction` verbatim, so the “approximate” plot repeats In[2]'s. None of the "
            "notes' approximations is computed; §2.3's In[5] `approx` (= the §2.1 $\\tilde C$ with gain α) is the one "
            "to plot.",
            ("notes code: In[3] calc_APPROX_psi_correction is one of the notes' approximations",),
            ("notes code: In[5] approx is C̃ (with gain α)",)),
)

READING_NOTES: tuple[ReadingNote, ...] = (
    ReadingNote("§0.2", "this is easily seen to be  $\\psi_j$",
                "The sentence stops before the formula: $\\psi_j = W_{j0} + \\sum_i W_{ji} v_i$ (✓).",
                ("vanilla Gibbs log-odds",)),
    ReadingNote("§1.1 In[2]", "psi_correction_h0 = calc_psi_correction(phi, eps, wgt, 1)",
                "Duplicates merged: `calc_psi_correction` at h = 1 is `calc_psi0_correction` (SymPy difference 0), "
                "so their missing term is one erratum. (The variable is named h0 but holds h = 1.)",
                ("notes code: calc_psi_correction(h=1) is calc_psi0_correction (one erratum, not two)",)),
    ReadingNote("§1.1", "We'll need two plots for the two cases  $h_i = 0, 1$",
                "The same sentence writes $w_{ij}$ with the hidden index first, so $h_i$ is the hidden unit being "
                "updated: the indices are swapped consistently, not wrongly.",
                ("Gibbs log-odds of every hidden unit",)),
    ReadingNote("§2.1", "The true correction is composed of the sum of two terms of form",
                "Loose wording that the next sentence makes precise: the second term is "
                "$\\log(\\sigma(\\phi+\\epsilon+W)/\\sigma(\\phi+\\epsilon))$, the reciprocal form shifted by ε (✓).",
                ("C is log(σ(φ)/σ(φ+W)) minus the same at φ+ε", "plateaus and switching points of the two terms")),
    ReadingNote("§2.1", "But that’s probably not completely crucial",
                "The displayed $\\tilde C$ has no gain; the notes say so and make the gain optional. With the gain α "
                "its slope at the switch matches (✓); the library offers both (`gain=True/False`).",
                ("slope-matching gain", "corrections.sigmoid (gain 1) = C̃")),
    ReadingNote("§2.1, §3, §3.1.3", "Handy shorthands:  $\\phi_i^A = \\sum_j h_j^A W_{ji}$",
                "From §2.1 on the notes leave the biases out (ψ_j of §2.1, log P*(h^A) of §3, ψ̄ of §3.1.3). Read with "
                "§0.1's bias units $W_{j0}$, $W_{0i}$, every one of them holds (✓); the library keeps the biases.",
                ("§2.1 ψ_j with W_j0", "marginal log P*(h)", "§3.1.3 ψ̄ = W_j0 + Σ W σ(φ)")),
    ReadingNote("§2.2", "That really sucks.",
                "Not a problem in practice: $\\phi^{A0}_i = \\phi^A_i - h_j W_{ji}$ is local to the unit (✓).",
                ("Gibbs log-odds of every hidden unit",)),
    ReadingNote("§2.3 In[5]", "In [12]: # testing",
                "In[12] sits above In[5] but ran after it (execution counts 4, 5, 12), so In[5] used In[4]'s "
                "$\\phi \\in [-30, 30]$, which shows both switch points of W = -10, ε = 10.",
                ("In[5] with In[4]'s φ shows both switch points",)),
    ReadingNote("§3.1.1", "the resemblance between this and the approximation, below?",
                "A one-word slip: the approximations are in §2, above. The resemblance is exact: the wake rule's "
                "modified activity is §2's linear correction (✓).",
                ("wake rule's activity is the §2 linear approximation's",)),
    ReadingNote("code cells", "np.log(sigmoid(phi)/sigmoid(phi+W))",
                "`np.log(sigmoid(x))` underflows to -inf below about -745, but the notes never rely on it there: on "
                "their ranges it is accurate (≈). The library uses a stable log-sigmoid.",
                ("np.log(sigmoid(x)) is accurate on the notes' ranges",)),
)

REMARKS: tuple[str, ...] = (
    "§1: the headings after “ψ_j = log P” (“Conditionals on the size of φ, ε”, “Truncated Markov chain”, "
    "“Linear RBM”, …) have no content.",
    "§1.1 In[2]: `plt.axis('off')` hides the ticks set after it; the comment “We're explicitly taking” stops; "
    "`cm.get_cmap` is gone from current matplotlib, and In[3]'s `cm.get_cmap(cmap, levels)` passes an array where a "
    "number of colours is expected.",
    "The titles `$\\ell h_j=0\\ell$` look like an artefact of converting the notebook to PDF.",
    "End of the notes: the two `sp.simplify` cells are uncommented. The first returns z (the correction does not "
    "depend on v); the second does not simplify and is −C(x, y, z) (✓ in the table).",
)
"""Presentation points with no formula to check."""
