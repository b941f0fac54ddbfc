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
                   mantissa put back into [1, 2). One log of the mantissas' ratio
                   plus the exponent difference × ln 2 then gives the whole
                   unit's sum: **one log per update**, two fused multiply-adds
                   and two multiplies per visible unit. Each d lies between 1
                   and e^{∓W_ji}, so with G_j = ``group_size(max_i |W_ji|)`` a
                   group's product stays within e^{±700} and, times a mantissa
                   in [1, 2), inside float64's normal range: exact to rounding
                   for any |W| ≤ ``RATIO_WEIGHT_LIMIT`` (G_j ≥ 8 there), with a
                   few renormalisations per update for moderate weights. After
                   a flip the cache follows without exp: σ(y + s) = S/d and
                   σ(−(y + s)) = T e^{−s}/d.
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
    return np.array([group_size(float(m), weights.shape[1]) for m in largest], dtype=np.int64)


@njit(cache=True, nogil=True, inline="always", fastmath=_FAST, error_model="numpy")
def _products(s_own, t_own, s_x, t_x, e_row):
    """(Π_i d_own,i, Π_i d_x,i), d = s + t·e, over whole (sliced) rows: a plain loop the compiler vectorises."""
    q_own = 1.0
    q_x = 1.0
    for i in range(e_row.shape[0]):
        q_own *= s_own[i] + t_own[i] * e_row[i]
        q_x *= s_x[i] + t_x[i] * e_row[i]
    return q_own, q_x


@njit(cache=True, nogil=True, inline="always", fastmath=_FAST, error_model="numpy")
def _log_ratio(s_own, t_own, s_x, t_x, e_row, group):
    """Σ_i log(d_own,i / d_x,i), d = s + t·e, with one log (exponent bookkeeping every ``group`` elements)."""
    n_visible = e_row.shape[0]
    if group >= n_visible:  # one group: no slicing
        q_own, q_x = _products(s_own, t_own, s_x, t_x, e_row)
        p_own, e_own = _renormalise(q_own)
        p_x, e_x = _renormalise(q_x)
        return math.log(p_own / p_x) + (e_own - e_x) * _LN2
    p_own = 1.0
    p_x = 1.0
    exponent = 0
    for g in range(0, n_visible, group):
        end = min(n_visible, g + group)
        q_own, q_x = _products(s_own[g:end], t_own[g:end], s_x[g:end], t_x[g:end], e_row[g:end])
        p_own, e_own = _renormalise(p_own * q_own)
        p_x, e_x = _renormalise(p_x * q_x)
        exponent += e_own - e_x
    return math.log(p_own / p_x) + exponent * _LN2


@njit(cache=True, nogil=True, fastmath=_FAST, error_model="numpy")
def log_ratio_sum(s_own, t_own, s_x, t_x, e_row, group):
    """The one-log accumulation on its own, for tests: Σ_i log((s_own,i + t_own,i e_i) / (s_x,i + t_x,i e_i)).

    All arguments (V,) float64 but ``group`` (int, from :func:`group_size`); each d must lie between 1 and
    e_i, as in the sampler, where s + t = 1.
    """
    return _log_ratio(s_own, t_own, s_x, t_x, e_row, group)


# ------------------------------------------------------------------ ratio kernel
@njit(cache=True, nogil=True, inline="always", fastmath=_FAST, error_model="numpy")
def _ratio_update(u, h, c, j, w, e_all, group, base_j, bonus, phi, s_own, t_own, x, s_x, t_x):
    """One exact Gibbs update of unit j of chain c, in place; returns new − old state.

    ``u`` is the logit of the update's uniform. ``e_all`` (H, V) holds e^{−s} for the flip the unit
    would make (e^{−W} to turn on, e^{+W} to turn off); the other arrays are the sampler's 2-D arrays
    (indexed [c, i] and [j, i], which the compiler turns into row pointers: no slices per update).
    """
    flip = 1.0 - 2.0 * h[c, j]  # +1 if the unit is off (turning on adds W), -1 if on
    n_visible = w.shape[1]
    if group >= n_visible:  # one group (ordinary weights): products over whole rows
        q_own = 1.0
        q_x = 1.0
        for i in range(n_visible):
            q_own *= s_own[c, i] + t_own[c, i] * e_all[j, i]
            q_x *= s_x[c, i] + t_x[c, i] * e_all[j, i]
        p_own, e_own = _renormalise(q_own)
        p_x, e_x = _renormalise(q_x)
        total = math.log(p_own / p_x) + (e_own - e_x) * _LN2
    else:
        total = _log_ratio(s_own[c], t_own[c], s_x[c], t_x[c], e_all[j], group)
    psi = base_j + flip * total + bonus
    new_state = 1.0 if u < psi else 0.0
    if new_state == h[c, j]:
        return 0.0
    h[c, j] = new_state
    for i in range(n_visible):
        e = e_all[j, i]
        d_own = s_own[c, i] + t_own[c, i] * e
        d_x = s_x[c, i] + t_x[c, i] * e
        inv = 1.0 / (d_own * d_x)  # one division for both (each d within e^{±80}, so no overflow)
        inv_own = d_x * inv
        inv_x = d_own * inv
        step = flip * w[j, i]
        phi[c, i] += step
        x[c, i] += step
        s_own[c, i] *= inv_own
        t_own[c, i] *= e * inv_own
        s_x[c, i] *= inv_x
        t_x[c, i] *= e * inv_x
    return flip


@njit(cache=True, nogil=True, fastmath=_FAST, error_model="numpy")
def sweeps_ratio(c0, c1, uniforms, h_a, h_b, w_a, w_b, e_on_a, e_off_a, e_on_b, e_off_b, group_a, group_b,
                 base_a, base_b, phi_a, phi_b, x, s_a, t_a, s_b, t_b, s_x, t_x, penalty_a, penalty_b, block):
    """Exact sequential sweeps of chains c0 ≤ c < c1, in place (the ratio kernel).

    Shapes: uniforms (S, n, Ha + Hb) for S sweeps, given as their logits log(u / (1 − u)) (the unit
    turns on when u < σ(ψ), that is when logit(u) < ψ: no exp per update); h_a (n, Ha), h_b (n, Hb);
    w_a (Ha, V), w_b (Hb, V); e_on_* = e^{−W}, e_off_* = e^{+W}, like w_*;
    group_a (Ha,), group_b (Hb,) int64 from :func:`group_sizes`;
    base_a (n, Ha) = W^A_j0 + Σ_i W^A_ji v_i, base_b likewise; phi_a, phi_b
    (n, V) each cause's input to the visibles; x (n, V) the belief layer's
    input; s_* = σ(·), t_* = σ(−·) of phi_a, phi_b and x. penalty_a,
    penalty_b: the prior's λ per cause (0.0: none). block: chains updated
    side by side, so that a unit's weight rows are read once per block.
    Within a chain the units are visited in order: all of A, then all of B
    (chains are independent, so the interleaving of chains changes no draw).
    """
    n_a = w_a.shape[0]
    n_b = w_b.shape[0]
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
                    e_all = e_off_a if h_a[c, j] == 1.0 else e_on_a
                    bonus = penalty_a if on_a[c - b0] - h_a[c, j] == 0.0 else 0.0
                    on_a[c - b0] += _ratio_update(uniforms[s, c, j], h_a, c, j, w_a, e_all, group_a[j], base_a[c, j],
                                                  bonus, phi_a, s_a, t_a, x, s_x, t_x)
            for j in range(n_b):
                for c in range(b0, b1):
                    e_all = e_off_b if h_b[c, j] == 1.0 else e_on_b
                    bonus = penalty_b if on_b[c - b0] - h_b[c, j] == 0.0 else 0.0
                    on_b[c - b0] += _ratio_update(uniforms[s, c, n_a + j], h_b, c, j, w_b, e_all, group_b[j],
                                                  base_b[c, j], bonus, phi_b, s_b, t_b, x, s_x, t_x)


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


# ------------------------------------------------- one RBM's hidden units under the prior
@njit(cache=True, nogil=True, fastmath=_FAST, error_model="numpy")
def penalised_hidden_sweep(h, base, uniforms, penalty):
    """One sequential sweep of an RBM's hidden units given v, under the prior, in place.

    h (n, H) hidden states; base (n, H) = W_j0 + Σ_i W_ji v_i; uniforms (n, H).
    Unit j is drawn from σ(base_j + λ·[every other unit is off]), in order j = 0 … H−1.
    """
    n_hidden = h.shape[1]
    for c in range(h.shape[0]):
        hc = h[c]
        on = 0.0
        for j in range(n_hidden):
            on += hc[j]
        for j in range(n_hidden):
            bonus = penalty if on - hc[j] == 0.0 else 0.0
            new_state = 1.0 if uniforms[c, j] < sigmoid_scalar(base[c, j] + bonus) else 0.0
            on += new_state - hc[j]
            hc[j] = new_state
