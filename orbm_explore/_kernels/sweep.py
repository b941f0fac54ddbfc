"""Compiled (numba) sequential Gibbs sweeps, for :mod:`orbm_explore.sampling`.

The plain numpy sweep in :mod:`orbm_explore.sampling` is the reference; these
kernels compute the same conditional log-odds faster, and the tests check
both against exact enumeration.

Every kernel is serial and releases the GIL (``nogil=True``): the caller runs
disjoint ranges of chains ``[c0, c1)`` in Python threads (see
:mod:`orbm_explore._kernels.parallel`). No numba threading layer is used, so
the kernels are safe to call from several threads at once and after a fork.

The exact update of hidden unit j of one cause (own input φ, belief-layer
input x, both per visible unit) flips the unit by s = ±W_j and needs

    ψ_j = base_j + flip · Σ_i [log σ(x_i + s_i) − log σ(x_i)] − [log σ(φ_i + s_i) − log σ(φ_i)].

Two kernels compute it:

``sweeps_ratio``   caches S = σ(y) and T = σ(−y) for y = φ and y = x. Since
                   σ(y + s)/σ(y) = 1/(S + T e^{−s}), each term is the log of a
                   ratio d_φ/d_x with d = S + T e^{−s}, where e^{∓W} is computed
                   once per weight. Ratios are multiplied in groups of
                   ``_GROUP`` and one log is taken per group, so an update costs
                   two fused multiply-adds per visible unit and no exp. Valid
                   while |W| ≤ ``RATIO_WEIGHT_LIMIT`` (each d lies between 1
                   and e^{∓W}, so a group's product stays inside float64).
``sweeps_logsig``  caches log σ(φ) and log σ(x) and evaluates the two fresh
                   log-sigmoids directly: any finite weights.

The kernels assume float64, C-contiguous arrays of matching shapes.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .correction import log_sigmoid_scalar, sigmoid_scalar

# Let the compiler reorder sums and fuse multiply-adds; no assumptions about NaN or inf.
_FAST = {"reassoc", "contract", "nsz", "arcp"}
# Ratios multiplied before one log is taken; with |W| <= RATIO_WEIGHT_LIMIT a
# group's product stays within e^{±8·80} (float64 reaches e^{±709}).
_GROUP = 8
RATIO_WEIGHT_LIMIT = 80.0


# ------------------------------------------------------------------ ratio kernel
@njit(cache=True, nogil=True, inline="always", fastmath=_FAST, error_model="numpy")
def _ratio_update(c, j, u, h, w_row, e_row, base, phi, s_own, t_own, x, s_x, t_x, d_own, d_x):
    """One exact Gibbs update of unit j in chain c, from cached σ(±φ) and σ(±x).

    ``e_row`` holds e^{−s} for the flip the unit would make (e^{−W} to turn on,
    e^{+W} to turn off); ``d_own``/``d_x`` are scratch of length V.
    """
    n_visible = w_row.shape[0]
    for i in range(n_visible):
        d_own[i] = s_own[c, i] + t_own[c, i] * e_row[i]
        d_x[i] = s_x[c, i] + t_x[c, i] * e_row[i]
    total = 0.0
    n_full = n_visible - n_visible % _GROUP
    for g in range(0, n_full, _GROUP):
        p_own = 1.0
        p_x = 1.0
        for i in range(g, g + _GROUP):
            p_own *= d_own[i]
            p_x *= d_x[i]
        total += math.log(p_own / p_x)
    for i in range(n_full, n_visible):
        total += math.log(d_own[i] / d_x[i])
    flip = 1.0 - 2.0 * h[c, j]  # +1 if the unit is off (turning on adds W), -1 if on
    psi = base[c, j] + flip * total
    new_state = 1.0 if u < sigmoid_scalar(psi) else 0.0
    if new_state != h[c, j]:
        h[c, j] = new_state
        for i in range(n_visible):
            step = flip * w_row[i]
            phi[c, i] += step
            x[c, i] += step
            inv_own = 1.0 / d_own[i]
            inv_x = 1.0 / d_x[i]
            s_own[c, i] *= inv_own
            t_own[c, i] *= e_row[i] * inv_own
            s_x[c, i] *= inv_x
            t_x[c, i] *= e_row[i] * inv_x


@njit(cache=True, nogil=True, fastmath=_FAST, error_model="numpy")
def sweeps_ratio(c0, c1, uniforms, h_a, h_b, w_a, w_b, e_on_a, e_off_a, e_on_b, e_off_b, base_a, base_b,
                 phi_a, phi_b, x, s_a, t_a, s_b, t_b, s_x, t_x):
    """Exact sequential sweeps of chains c0 ≤ c < c1, in place (the ratio kernel).

    Shapes: uniforms (S, n, Ha + Hb) for S sweeps; h_a (n, Ha), h_b (n, Hb);
    w_a (Ha, V), w_b (Hb, V); e_on_* = e^{−W}, e_off_* = e^{+W}, like w_*;
    base_a (n, Ha) = W^A_j0 + Σ_i W^A_ji v_i, base_b likewise; phi_a, phi_b
    (n, V) each cause's input to the visibles; x (n, V) the belief layer's
    input; s_* = σ(·), t_* = σ(−·) of phi_a, phi_b and x.
    Within a chain the units are visited in order: all of A, then all of B.
    """
    n_a = w_a.shape[0]
    n_b = w_b.shape[0]
    n_visible = x.shape[1]
    d_own = np.empty(n_visible)
    d_x = np.empty(n_visible)
    for c in range(c0, c1):
        for s in range(uniforms.shape[0]):
            for j in range(n_a):
                e_row = e_off_a[j] if h_a[c, j] == 1.0 else e_on_a[j]
                _ratio_update(c, j, uniforms[s, c, j], h_a, w_a[j], e_row, base_a,
                              phi_a, s_a, t_a, x, s_x, t_x, d_own, d_x)
            for j in range(n_b):
                e_row = e_off_b[j] if h_b[c, j] == 1.0 else e_on_b[j]
                _ratio_update(c, j, uniforms[s, c, n_a + j], h_b, w_b[j], e_row, base_b,
                              phi_b, s_b, t_b, x, s_x, t_x, d_own, d_x)


# --------------------------------------------------------------- log-sigmoid kernel
@njit(cache=True, nogil=True, inline="always", fastmath=_FAST, error_model="numpy")
def _logsig_update(c, j, u, h, w_row, base, phi, log_own, x, log_x, fresh_own, fresh_x):
    """One exact Gibbs update of unit j in chain c, from cached log σ(φ) and log σ(x)."""
    n_visible = w_row.shape[0]
    flip = 1.0 - 2.0 * h[c, j]
    total = 0.0
    for i in range(n_visible):
        step = flip * w_row[i]
        f_own = log_sigmoid_scalar(phi[c, i] + step)
        f_x = log_sigmoid_scalar(x[c, i] + step)
        fresh_own[i] = f_own
        fresh_x[i] = f_x
        total += (f_x - log_x[c, i]) - (f_own - log_own[c, i])
    psi = base[c, j] + flip * total
    new_state = 1.0 if u < sigmoid_scalar(psi) else 0.0
    if new_state != h[c, j]:
        h[c, j] = new_state
        for i in range(n_visible):
            step = flip * w_row[i]
            phi[c, i] += step
            x[c, i] += step
            log_own[c, i] = fresh_own[i]
            log_x[c, i] = fresh_x[i]


@njit(cache=True, nogil=True, fastmath=_FAST, error_model="numpy")
def sweeps_logsig(c0, c1, uniforms, h_a, h_b, w_a, w_b, base_a, base_b, phi_a, phi_b, x,
                  log_a, log_b, log_x):
    """Exact sequential sweeps of chains c0 ≤ c < c1, in place (the log-sigmoid kernel).

    Shapes as :func:`sweeps_ratio`; log_a, log_b, log_x (n, V) cache log σ of
    phi_a, phi_b and x.
    """
    n_a = w_a.shape[0]
    n_b = w_b.shape[0]
    n_visible = x.shape[1]
    fresh_own = np.empty(n_visible)
    fresh_x = np.empty(n_visible)
    for c in range(c0, c1):
        for s in range(uniforms.shape[0]):
            for j in range(n_a):
                _logsig_update(c, j, uniforms[s, c, j], h_a, w_a[j], base_a, phi_a, log_a, x, log_x,
                               fresh_own, fresh_x)
            for j in range(n_b):
                _logsig_update(c, j, uniforms[s, c, n_a + j], h_b, w_b[j], base_b, phi_b, log_b, x, log_x,
                               fresh_own, fresh_x)
