"""The notes' formulas as SymPy expressions, and the symbolic models they are derived from.

:data:`NOTES` holds every formula the library implements, as the notes state it. The checks
and the library bridge read it at call time, so a test can hand them a deliberately wrong
:class:`Formulas` (``dataclasses.replace(NOTES, gain=...)``) and see the claim rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import sympy as sp

__all__ = [
    "phi", "eps", "W", "phi_a0", "t",
    "sigmoid", "log_sigmoid", "softplus",
    "exact_correction_expr", "gain_expr",
    "Formulas", "NOTES",
    "RBMSymbols", "TwoCauseSymbols", "rbm_symbols", "two_cause_symbols",
]

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
    """C = log σ(φ0+W+ε) + log σ(φ0) - log σ(φ0+W) - log σ(φ0+ε) (§1, §2.1: the two log-ratio terms)."""
    return log_sigmoid(p + w + e) + log_sigmoid(p) - log_sigmoid(p + w) - log_sigmoid(p + e)


def gain_expr(w: sp.Expr = W) -> sp.Expr:
    """The notes' gain α = (4/W)(2σ(W/2) - 1) (§2.1)."""
    return 4 * (2 * sigmoid(w / 2) - 1) / w


def _linear(p, e, w):
    return w * (sigmoid(p) - sigmoid(p + e))


def _sigmoid_approx(p0, e, w, alpha):
    return w * (sigmoid(alpha * (p0 + w / 2)) - sigmoid(alpha * (p0 + w / 2 + e)))


def _local(p, h, e, w, alpha):
    hat = h - sp.Rational(1, 2)
    return w * (sigmoid(alpha * (p - hat * w)) - sigmoid(alpha * (p + e - hat * w)))


def _marginal(x: sp.IndexedBase, n, hidden_term: sp.Expr) -> sp.Expr:
    k = sp.Symbol("k", integer=True, positive=True)
    return hidden_term + sp.Sum(softplus(x[k]), (k, 1, n))


@dataclass(frozen=True)
class Formulas:
    """Every formula of the notes the library implements (callables returning SymPy expressions).

    Attributes
    ----------
    exact : (φ0, ε, W) -> C                       §1, §2.1
    linear : (φ, ε, W) -> W[σ(φ) - σ(φ+ε)]         §2
    gain : W -> α                                  §2.1 (= ω of §2.3)
    sigmoid : (φ0, ε, W, α) -> W[σ(α(φ0+W/2)) - σ(α(φ0+W/2+ε))]      §2.1
    local : (φ, h, ε, W, α) -> W[σ(α(φ-ĥW)) - σ(α(φ+ε-ĥW))], ĥ = h-½   §2.3
    marginal : (x, n, c) -> log P*(h) = c + Σ_{k=1}^n log(1+e^{x_k})  §0.2 (x an IndexedBase, n int or symbol)
    vanilla_psi : (w_row, c_j, v) -> W_j0 + Σ_i W_ji v_i              §0.2
    wake_weight : (j, i, h_j, v_i, φ^A_i, φ^AB_i) -> ΔW^A_ji            §3.1.1
    wake_visible_bias : (i, v_i, φ^A_i, φ^AB_i) -> ΔW^A_0i
    wake_hidden_bias : (j, h_j) -> ΔW^A_j0
    sleep_weight : (j, i, h_j, φ_i) -> σ(φ_i) h_j                      §3.1.2 (the term inside E_{P(h)})
    sleep_visible_bias : (i, φ_i) -> σ(φ_i)
    sleep_hidden_bias : (j, h_j) -> h_j
    likelihood : (v, x) -> log P(v_i | h^A, h^B) with x = φ^AB_i       §3
    """

    exact: Callable = exact_correction_expr
    linear: Callable = _linear
    gain: Callable = gain_expr
    sigmoid: Callable = _sigmoid_approx
    local: Callable = _local
    marginal: Callable = _marginal
    vanilla_psi: Callable = lambda w_row, c_j, v: c_j + sum(w * x for w, x in zip(w_row, v))  # noqa: E731
    wake_weight: Callable = lambda j, i, h, v, pa, pab: sigmoid(pa) * h + (v - sigmoid(pab)) * h  # noqa: E731
    wake_visible_bias: Callable = lambda i, v, pa, pab: sigmoid(pa) + v - sigmoid(pab)  # noqa: E731
    wake_hidden_bias: Callable = lambda j, h: h  # noqa: E731
    sleep_weight: Callable = lambda j, i, h, p: sigmoid(p) * h  # noqa: E731
    sleep_visible_bias: Callable = lambda i, p: sigmoid(p)  # noqa: E731
    sleep_hidden_bias: Callable = lambda j, h: h  # noqa: E731
    likelihood: Callable = lambda v, x: v * log_sigmoid(x) + (1 - v) * log_sigmoid(-x)  # noqa: E731


NOTES = Formulas()


# ------------------------------------------------------------ symbolic models
@dataclass(frozen=True)
class RBMSymbols:
    """An RBM with symbolic weights ``w[j, i]`` (W_ji), visible biases ``b`` (W_0i), hidden biases ``c`` (W_j0),
    hidden states ``h`` and visible states ``v`` (both binary)."""

    w: sp.Matrix
    b: list
    c: list
    h: list
    v: list

    @property
    def n_hidden(self) -> int:
        return self.w.shape[0]

    @property
    def n_visible(self) -> int:
        return self.w.shape[1]

    def visible_input(self, i: int, h: Sequence | None = None) -> sp.Expr:
        """φ_i(h) = Σ_j W_ji h_j + W_0i."""
        h = self.h if h is None else h
        return sum(self.w[j, i] * h[j] for j in range(self.n_hidden)) + self.b[i]

    def log_joint(self, h: Sequence | None = None, v: Sequence | None = None) -> sp.Expr:
        """log P*(h, v) = Σ_ij h_j W_ji v_i + Σ_i W_0i v_i + Σ_j W_j0 h_j (§0.1)."""
        h = self.h if h is None else h
        v = self.v if v is None else v
        return (sum(h[j] * self.w[j, i] * v[i] for j in range(self.n_hidden) for i in range(self.n_visible))
                + sum(self.b[i] * v[i] for i in range(self.n_visible))
                + sum(self.c[j] * h[j] for j in range(self.n_hidden)))

    def hidden_term(self, h: Sequence | None = None) -> sp.Expr:
        h = self.h if h is None else h
        return sum(self.c[j] * h[j] for j in range(self.n_hidden))

    def log_marginal(self, h: Sequence | None = None) -> sp.Expr:
        """The derived log P*(h) = Σ_j W_j0 h_j + Σ_i log(1 + e^{φ_i(h)}) (used to build the two-cause joint)."""
        return self.hidden_term(h) + sum(softplus(self.visible_input(i, h)) for i in range(self.n_visible))

    @property
    def symbols(self) -> list:
        return list(self.w) + self.b + self.c

    def input_substitution(self, h: Sequence | None = None, names: str = "p") -> dict:
        """The change of variables W_0i -> p_i - Σ_j W_ji h_j, which turns each φ_i(h) into the symbol p_i.

        It is invertible (p_i = φ_i(h)), so an identity that holds for all p_i holds for all W_0i.
        """
        h = self.h if h is None else h
        return {self.b[i]: sp.Symbol(f"{names}_{i + 1}", real=True)
                - sum(self.w[j, i] * h[j] for j in range(self.n_hidden)) for i in range(self.n_visible)}


def rbm_symbols(n_hidden: int, n_visible: int, prefix: str = "W", hidden: str = "h") -> RBMSymbols:
    """Symbols W_ji (j, i from 1), W_0i, W_j0, h_j, v_i; ``prefix`` renames the weights (A, B for two causes)."""
    w = sp.Matrix(n_hidden, n_visible, lambda j, i: sp.Symbol(f"{prefix}_{j + 1}{i + 1}", real=True))
    b = [sp.Symbol(f"{prefix}_0{i + 1}", real=True) for i in range(n_visible)]
    c = [sp.Symbol(f"{prefix}_{j + 1}0", real=True) for j in range(n_hidden)]
    h = [sp.Symbol(f"{hidden}_{j + 1}", real=True) for j in range(n_hidden)]
    v = [sp.Symbol(f"v_{i + 1}", real=True) for i in range(n_visible)]
    return RBMSymbols(w, b, c, h, v)


@dataclass(frozen=True)
class TwoCauseSymbols:
    """Two symbolic RBMs ``a`` and ``b`` sharing the visible states ``v`` (the notes' model, §1 and §3)."""

    a: RBMSymbols
    b: RBMSymbols

    @property
    def v(self) -> list:
        return self.a.v

    def log_joint(self, h_a=None, h_b=None, v=None, formulas: Formulas = NOTES) -> sp.Expr:
        """log P*(h^A, h^B, v) = log P*_A(h^A) + log P*_B(h^B) + Σ_i log P(v_i | h^A, h^B) (§3, with the biases)."""
        v = self.v if v is None else v
        total = [self.a.visible_input(i, h_a) + self.b.visible_input(i, h_b) for i in range(self.a.n_visible)]
        return (self.a.log_marginal(h_a) + self.b.log_marginal(h_b)
                + sum(formulas.likelihood(v[i], total[i]) for i in range(self.a.n_visible)))

    def input_substitution(self, h_a=None, h_b=None) -> dict:
        """Both causes' inputs φ^A_i -> p_i and φ^B_i -> q_i (an invertible change of the visible biases)."""
        return {**self.a.input_substitution(h_a, "p"), **self.b.input_substitution(h_b, "q")}


def two_cause_symbols(n_hidden: int = 3, n_visible: int = 4) -> TwoCauseSymbols:
    """A two-cause model with ``n_hidden`` hidden units per cause and ``n_visible`` visible units."""
    return TwoCauseSymbols(rbm_symbols(n_hidden, n_visible, "A", "a"), rbm_symbols(n_hidden, n_visible, "B", "b"))
