"""Compiled (numba) sequential Gibbs sweeps, for :mod:`orbm_explore.sampling`.

The plain numpy sweep in :mod:`orbm_explore.sampling` is the reference; these
kernels compute the same conditional log-odds faster, and the tests check
both against it (same uniforms, same draws) and against exact enumeration.

Every kernel is serial and releases the GIL (``nogil=True``): the caller runs
disjoint ranges of chains ``[c0, c1)`` in Python threads (see
:mod:`orbm_explore._kernels.parallel`). No numba threading layer is used, so
the kernels are safe to call from several threads at once and after a fork.

The exact update of hidden unit j of one cause (own input φ, belief-layer
input x, both per visible unit) flips the unit by s = ±W_j and needs

    ψ_j = base_j + flip · Σ_i [log σ(x_i + s_i) − log σ(x_i)] − [log σ(φ_i + s_i) − log σ(φ_i)]
          (+ λ if every other unit of the cause is off, with the prior ``empty_penalty`` = λ).

Two kernels compute it:

``sweeps_ratio``   caches S = σ(y) and T = σ(−y) for y = φ and y = x. Since
                   σ(y + s)/σ(y) = 1/(S + T e^{−s}), the sum is log Π_i d_φ,i − log Π_i d_x,i
                   with d = S + T e^{−s}, where e^{∓W} is computed once per weight.
                   The two products are accumulated with explicit exponent
                   bookkeeping: after every group of G_j elements the running
                   product's binary exponent is taken from its bits and the
                   mantissa put back into [1, 2), so that the unit's sum is
                   L = log(p_φ / p_x) + E ln 2 (p_φ, p_x the mantissas, E the
                   exponent difference): two fused multiply-adds and two
                   multiplies per visible unit. The decision needs no log at
                   all: the unit is on after the update iff L > τ (now off) or
                   L < τ (now on), τ = flip·(logit u − base − bonus), and
                   :func:`_compare_exp` compares (p_φ / p_x)·2^E with
                   e^τ = m·2^k by exponents and one product, with the exp
                   computed from u and the state alone (off the path from the
                   products to the branch). Each d lies between 1
                   and e^{∓W_ji}, so with G_j = ``group_size(max_i |W_ji|)`` a
                   group's product stays within e^{±700} and, times a mantissa
                   in [1, 2), inside float64's normal range: exact to rounding
                   for any |W| ≤ ``RATIO_WEIGHT_LIMIT`` (G_j ≥ 8 there), with a
                   few renormalisations per update for moderate weights. After
                   a flip the cache follows without exp: σ(y + s) = S/d and
                   σ(−(y + s)) = T e^{−s}/d. It needs neither W nor the inputs
                   φ and x themselves, so it reads and writes only the four
                   cached rows (and e^{∓W}); the caller recomputes the inputs
                   from h when they are wanted.
``sweeps_logsig``  caches log σ(φ) and log σ(x) and evaluates the two fresh
                   log-sigmoids directly: any finite weights.

Both take the prior "each cause has a unit on" as ``penalty_a``/``penalty_b``
(0 switches it off): a per-chain count of each cause's active units makes it
O(1) per update.

The kernels assume float64, C-contiguous arrays of matching shapes.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .correction import log_sigmoid_scalar, sigmoid_scalar


def logits(uniforms: np.ndarray) -> np.ndarray:
    """log(u / (1 − u)) of uniforms in [0, 1), in place (u = 0 gives −inf, which every ψ exceeds)."""
    complement = np.log1p(-uniforms)
    with np.errstate(divide="ignore"):
        np.log(uniforms, out=uniforms)
    uniforms -= complement
    return uniforms


# Let the compiler reorder sums and fuse multiply-adds; no assumptions about NaN or inf.
_FAST = {"reassoc", "contract", "nsz", "arcp"}
# A group of G ratios whose logs are each at most m in size has a product within e^{±G·m};
# G·m <= _GROUP_LOG_BOUND keeps it, times a mantissa in [1, 2), inside float64's normal
# range (e^{-708.4} to e^{709.8}). At the weight limit, G = 8.
_GROUP_LOG_BOUND = 700.0
RATIO_WEIGHT_LIMIT = 80.0
_LN2 = math.log(2.0)
_INV_LN2 = 1.0 / _LN2
_LN2_HI = 6.93147180369123816490e-01  # ln 2 = _LN2_HI + _LN2_LO, _LN2_HI with 32 trailing zero bits (fdlibm)
_LN2_LO = 1.90821492927058770002e-10
_TAU_BOUND = 1e15
_MANTISSA_BITS = (1 << 52) - 1
_ONE_BITS = 1023 << 52


# ------------------------------------------------------------ one-log accumulation
@njit(cache=True, nogil=True, inline="always")
def _renormalise(p):
    """(m, e) with p = m · 2^e and m in [1, 2), for a positive normal float64 p (from its bits)."""
    bits = np.float64(p).view(np.int64)
    mantissa = np.int64((bits & _MANTISSA_BITS) | _ONE_BITS).view(np.float64)
    return mantissa, (bits >> 52) - 1023


def group_size(largest_weight: float, n_visible: int) -> int:
    """Ratios multiplied between renormalisations for a unit whose largest |W_ji| is ``largest_weight``.

    The largest G ≤ n_visible with G · largest_weight ≤ 700 (at least 1).
    """
    if largest_weight * n_visible <= _GROUP_LOG_BOUND:
        return max(1, n_visible)
    return max(1, int(_GROUP_LOG_BOUND / largest_weight))


def group_sizes(weights: np.ndarray) -> np.ndarray:
    """:func:`group_size` of every row of ``weights`` (H, V), as an int64 array (H,)."""
    largest = np.max(np.abs(weights), axis=1, initial=0.0)
    n_visible = weights.shape[1]
    with np.errstate(divide="ignore"):  # 700 / 0 is never selected
        groups = np.where(largest * n_visible <= _GROUP_LOG_BOUND, n_visible, np.floor(_GROUP_LOG_BOUND / largest))
    return np.maximum(groups, 1).astype(np.int64)


@njit(cache=True, nogil=True, inline="always", fastmath=_FAST, error_model="numpy")
def _ratio_products(s_own, t_own, s_x, t_x, e, k, j, c, group):
    """(p_own, p_x, E) with Π_i d_own,i / Π_i d_x,i = (p_own / p_x)·2^E and p_own, p_x in [1, 2),
    d = s[c, i] + t[c, i]·e[k, j, i]: the products with exponent bookkeeping every ``group`` elements.
    The product loop of :func:`_ratio_cause_sweep`, as a function for the tests (which also check the
    kernel's draws at the weight limit, where its grouped loop runs)."""
    n_visible = e.shape[2]
    if group >= n_visible:  # one group (ordinary weights): plain products over whole rows, vectorised
        q_own = 1.0
        q_x = 1.0
        for i in range(n_visible):
            q_own *= s_own[c, i] + t_own[c, i] * e[k, j, i]
            q_x *= s_x[c, i] + t_x[c, i] * e[k, j, i]
        p_own, e_own = _renormalise(q_own)
        p_x, e_x = _renormalise(q_x)
        return p_own, p_x, e_own - e_x
    p_own = 1.0
    p_x = 1.0
    exponent = 0
    for g in range(0, n_visible, group):
        q_own = p_own
        q_x = p_x
        for i in range(g, min(n_visible, g + group)):
            q_own *= s_own[c, i] + t_own[c, i] * e[k, j, i]
            q_x *= s_x[c, i] + t_x[c, i] * e[k, j, i]
        p_own, e_own = _renormalise(q_own)
        p_x, e_x = _renormalise(q_x)
        exponent += e_own - e_x
    return p_own, p_x, exponent


@njit(cache=True, nogil=True, inline="always", fastmath=_FAST, error_model="numpy")
def _compare_exp(p_own, p_x, exponent, tau):
    """The sign of (p_own / p_x)·2^E − e^τ (+1, −1 or 0), for p_own, p_x in [1, 2): no log, no division.

    e^τ = m·2^k with k = ⌊τ / ln 2⌋ and m = exp(τ − k ln 2) (Cody–Waite: k ln 2 in two parts), so the
    comparison is p_own·2^(E − k) against p_x·m, decided by the exponents alone when they differ by 3 or more.
    τ is clamped to ±1e15 (beyond any log-ratio of finite weights; −inf, from a uniform of 0, included).
    """
    tau = min(max(tau, -_TAU_BOUND), _TAU_BOUND)
    k = math.floor(tau * _INV_LN2)
    m = math.exp((tau - k * _LN2_HI) - k * _LN2_LO)  # within rounding of [1, 2)
    shift = exponent - np.int64(k)
    if shift >= 3:
        return 1
    if shift <= -3:
        return -1
    lhs = p_own * np.int64((shift + 1023) << 52).view(np.float64)  # exact: times 2^shift
    rhs = p_x * m
    return 1 if lhs > rhs else (-1 if lhs < rhs else 0)


@njit(cache=True, nogil=True, fastmath=_FAST, error_model="numpy")
def log_ratio_sum(s_own, t_own, s_x, t_x, e_row, group):
    """The one-log accumulation on its own, for tests: Σ_i log((s_own,i + t_own,i e_i) / (s_x,i + t_x,i e_i)).

    All arguments (V,) float64 but ``group`` (int, from :func:`group_size`); each d must lie between 1 and
    e_i, as in the sampler, where s + t = 1. The kernel's product loop (:func:`_ratio_products`), then one log.
    """
    n_visible = e_row.shape[0]
    p_own, p_x, exponent = _ratio_products(s_own.reshape(1, n_visible), t_own.reshape(1, n_visible),
                                           s_x.reshape(1, n_visible), t_x.reshape(1, n_visible),
                                           e_row.reshape(1, 1, n_visible), 0, 0, 0, group)
    return math.log(p_own / p_x) + exponent * _LN2


@njit(cache=True, nogil=True, fastmath=_FAST, error_model="numpy")
def compare_exp(p_own, p_x, exponent, tau):
    """:func:`_compare_exp` on its own, for tests."""
    return _compare_exp(p_own, p_x, exponent, tau)


# ------------------------------------------------------------------ ratio kernel
@njit(cache=True, nogil=True, fastmath=_FAST, error_model="numpy")
def _ratio_cause_sweep(sweep, offset, uniforms, h, e, group, base, s_own, t_own, s_x, t_x, penalty, on, b0, b1):
    """One sweep of every unit of one cause over chains b0 ≤ c < b1, in place (the ratio kernel's body).

    ``e`` (2, H, V) holds e^{−s} for the flip a unit would make: e[0] = e^{−W} (to turn on), e[1] = e^{+W}
    (to turn off). ``offset``: the cause's first column of ``uniforms``; ``on`` (block,) the chains' counts
    of active units of this cause. The update is written out here, on the arguments themselves: helpers
    taking arrays cost numba reference-count calls per update (measured: half the update at 64 visible
    units). :func:`_ratio_products` is the same product loop as a function, for the tests.
    """
    n_visible = e.shape[2]
    for j in range(h.shape[1]):
        size = group[j]
        for c in range(b0, b1):
            state = h[c, j]
            k = 1 if state == 1.0 else 0
            flip = 1.0 - 2.0 * state  # +1 if the unit is off (turning on adds W), -1 if on
            bonus = penalty if on[c - b0] - state == 0.0 else 0.0
            # Π_i d_own,i / Π_i d_x,i = (p_own / p_x)·2^exponent, d = s + t·e
            if size >= n_visible:  # one group (ordinary weights): plain products over whole rows, vectorised
                q_own = 1.0
                q_x = 1.0
                for i in range(n_visible):
                    q_own *= s_own[c, i] + t_own[c, i] * e[k, j, i]
                    q_x *= s_x[c, i] + t_x[c, i] * e[k, j, i]
                p_own, e_own = _renormalise(q_own)
                p_x, e_x = _renormalise(q_x)
                exponent = e_own - e_x
            else:
                p_own = 1.0
                p_x = 1.0
                exponent = 0
                for g in range(0, n_visible, size):
                    q_own = p_own
                    q_x = p_x
                    for i in range(g, min(n_visible, g + size)):
                        q_own *= s_own[c, i] + t_own[c, i] * e[k, j, i]
                        q_x *= s_x[c, i] + t_x[c, i] * e[k, j, i]
                    p_own, e_own = _renormalise(q_own)
                    p_x, e_x = _renormalise(q_x)
                    exponent += e_own - e_x
            # ψ = base + flip·L + bonus with L = log Π d_own/d_x; the unit is on after the update iff u < ψ,
            # that is L > τ (off now) or L < τ (on now), τ = flip·(u − base − bonus)
            side = _compare_exp(p_own, p_x, exponent, flip * (uniforms[sweep, c, offset + j] - base[c, j] - bonus))
            if (side <= 0) if state == 0.0 else (side < 0):  # the unit keeps its state
                continue
            h[c, j] = 1.0 - state
            on[c - b0] += flip
            for i in range(n_visible):  # σ(y + s) = S/d, σ(−(y + s)) = T e^{−s}/d
                e_i = e[k, j, i]
                d_own = s_own[c, i] + t_own[c, i] * e_i
                d_x = s_x[c, i] + t_x[c, i] * e_i
                inv = 1.0 / (d_own * d_x)  # one division for both (each d within e^{±80}, so no overflow)
                inv_own = d_x * inv
                inv_x = d_own * inv
                s_own[c, i] *= inv_own
                t_own[c, i] *= e_i * inv_own
                s_x[c, i] *= inv_x
                t_x[c, i] *= e_i * inv_x


@njit(cache=True, nogil=True, fastmath=_FAST, error_model="numpy")
def sweeps_ratio(c0, c1, uniforms, h_a, h_b, e_a, e_b, group_a, group_b, base_a, base_b,
                 s_a, t_a, s_b, t_b, s_x, t_x, penalty_a, penalty_b, block):
    """Exact sequential sweeps of chains c0 ≤ c < c1, in place (the ratio kernel).

    Shapes: uniforms (S, n, Ha + Hb) for S sweeps, given as their logits log(u / (1 − u)) (the unit
    turns on when u < σ(ψ), that is when logit(u) < ψ: no exp per update); h_a (n, Ha), h_b (n, Hb);
    e_a (2, Ha, V) = (e^{−W^A}, e^{+W^A}), e_b likewise; group_a (Ha,), group_b (Hb,) int64 from
    :func:`group_sizes`; base_a (n, Ha) = W^A_j0 + Σ_i W^A_ji v_i, base_b likewise; s_* = σ(·),
    t_* = σ(−·) (n, V) of each cause's input to the visibles φ_A, φ_B and of the belief layer's input x.
    The inputs themselves are not kept up to date (the caller recomputes them from h when needed).
    penalty_a, penalty_b: the prior's λ per cause (0.0: none). block: chains updated side by side,
    so that a unit's e rows are read once per block.
    Within a chain the units are visited in order: all of A, then all of B
    (chains are independent, so the interleaving of chains changes no draw).
    """
    n_a = e_a.shape[1]
    on_a = np.empty(block)
    on_b = np.empty(block)
    for b0 in range(c0, c1, block):
        b1 = min(c1, b0 + block)
        for c in range(b0, b1):
            on_a[c - b0] = np.sum(h_a[c])
            on_b[c - b0] = np.sum(h_b[c])
        for sweep in range(uniforms.shape[0]):
            _ratio_cause_sweep(sweep, 0, uniforms, h_a, e_a, group_a, base_a, s_a, t_a, s_x, t_x, penalty_a,
                               on_a, b0, b1)
            _ratio_cause_sweep(sweep, n_a, uniforms, h_b, e_b, group_b, base_b, s_b, t_b, s_x, t_x, penalty_b,
                               on_b, b0, b1)


# --------------------------------------------------------------- log-sigmoid kernel
@njit(cache=True, nogil=True, inline="always", fastmath=_FAST, error_model="numpy")
def _logsig_update(u, hc, j, w_row, base_j, bonus, phi, log_own, x, log_x, fresh_own, fresh_x):
    """One exact Gibbs update of unit j of one chain, from cached log σ(φ) and log σ(x); returns new − old.

    ``u`` is the logit of the update's uniform."""
    n_visible = w_row.shape[0]
    flip = 1.0 - 2.0 * hc[j]
    total = 0.0
    for i in range(n_visible):
        step = flip * w_row[i]
        f_own = log_sigmoid_scalar(phi[i] + step)
        f_x = log_sigmoid_scalar(x[i] + step)
        fresh_own[i] = f_own
        fresh_x[i] = f_x
        total += (f_x - log_x[i]) - (f_own - log_own[i])
    psi = base_j + flip * total + bonus
    new_state = 1.0 if u < psi else 0.0
    if new_state == hc[j]:
        return 0.0
    hc[j] = new_state
    for i in range(n_visible):
        step = flip * w_row[i]
        phi[i] += step
        x[i] += step
        log_own[i] = fresh_own[i]
        log_x[i] = fresh_x[i]
    return flip


@njit(cache=True, nogil=True, fastmath=_FAST, error_model="numpy")
def sweeps_logsig(c0, c1, uniforms, h_a, h_b, w_a, w_b, base_a, base_b, phi_a, phi_b, x,
                  log_a, log_b, log_x, penalty_a, penalty_b, block):
    """Exact sequential sweeps of chains c0 ≤ c < c1, in place (the log-sigmoid kernel).

    Shapes as :func:`sweeps_ratio` (uniforms as logits); log_a, log_b, log_x (n, V) cache log σ of
    phi_a, phi_b and x.
    """
    n_a = w_a.shape[0]
    n_b = w_b.shape[0]
    n_visible = x.shape[1]
    fresh_own = np.empty(n_visible)
    fresh_x = np.empty(n_visible)
    on_a = np.empty(block)
    on_b = np.empty(block)
    for b0 in range(c0, c1, block):
        b1 = min(c1, b0 + block)
        for c in range(b0, b1):
            on_a[c - b0] = np.sum(h_a[c])
            on_b[c - b0] = np.sum(h_b[c])
        for s in range(uniforms.shape[0]):
            for j in range(n_a):
                for c in range(b0, b1):
                    ha = h_a[c]
                    bonus = penalty_a if on_a[c - b0] - ha[j] == 0.0 else 0.0
                    on_a[c - b0] += _logsig_update(uniforms[s, c, j], ha, j, w_a[j], base_a[c, j], bonus, phi_a[c],
                                                   log_a[c], x[c], log_x[c], fresh_own, fresh_x)
            for j in range(n_b):
                for c in range(b0, b1):
                    hb = h_b[c]
                    bonus = penalty_b if on_b[c - b0] - hb[j] == 0.0 else 0.0
                    on_b[c - b0] += _logsig_update(uniforms[s, c, n_a + j], hb, j, w_b[j], base_b[c, j], bonus,
                                                   phi_b[c], log_b[c], x[c], log_x[c], fresh_own, fresh_x)


# ------------------------------------------------- one RBM's (v, h) chain under the prior
@njit(cache=True, nogil=True, fastmath=_FAST, error_model="numpy")
def penalised_hidden_chain(h, weights, visible_bias, hidden_bias, uniforms, penalty):
    """Gibbs steps of one RBM's (v, h) under the prior, in place: per step v ~ σ(h W + W_0), then one
    sequential sweep of the hidden units given v, unit j drawn from σ(W_j0 + Σ_i W_ji v_i + λ·[every other
    unit is off]) in order j = 0 … H−1 (λ = ``penalty``).

    h (n, H); weights (H, V); visible_bias (V,); hidden_bias (H,); uniforms (steps, n·V + n·H): per step
    first the visible units' (chain-major), then the hidden units' (as ``rng.random((n, V))`` then
    ``rng.random((n, H))`` would draw them).
    """
    n, n_hidden = h.shape
    n_visible = weights.shape[1]
    v = np.empty(n_visible)
    for s in range(uniforms.shape[0]):
        for c in range(n):
            x = visible_bias.copy()
            for j in range(n_hidden):
                if h[c, j] != 0.0:
                    for i in range(n_visible):
                        x[i] += weights[j, i]
            for i in range(n_visible):
                v[i] = 1.0 if uniforms[s, c * n_visible + i] < sigmoid_scalar(x[i]) else 0.0
            on = 0.0
            for j in range(n_hidden):
                on += h[c, j]
            offset = n * n_visible + c * n_hidden
            for j in range(n_hidden):
                base = hidden_bias[j]
                for i in range(n_visible):
                    base += v[i] * weights[j, i]
                bonus = penalty if on - h[c, j] == 0.0 else 0.0
                new_state = 1.0 if uniforms[s, offset + j] < sigmoid_scalar(base + bonus) else 0.0
                on += new_state - h[c, j]
                h[c, j] = new_state
