"""Compiled (numba) sequential Gibbs sweeps, for :mod:`orbm_explore.sampling`.

The kernels assume float64, C-contiguous arrays of matching shapes.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .correction import log_sigmoid_scalar, sigmoid_scalar

# Let the compiler reorder sums and fuse multiply-adds; no assumptions about NaN or inf.
_FAST = {"reassoc", "contract", "nsz", "arcp"}


@njit(cache=True, inline="always", fastmath=_FAST)
def _update_unit(c, j, h, w_row, base, u, own_phi, own_log, phi_ab, log_ab, fresh_own, fresh_ab):
    """One exact Gibbs update of hidden unit j in chain c.

    ``own_phi`` is this cause's input to the visibles (φ^A), ``phi_ab`` the
    total input (φ^A + φ^B); ``own_log`` and ``log_ab`` cache their
    log-sigmoids.  Only the two log-sigmoids at the flipped state are fresh.
    """
    n_visible = w_row.shape[0]
    flip = 1.0 - 2.0 * h[c, j]  # +1 if the unit is off (flipping adds W), -1 if on
    total = 0.0
    for i in range(n_visible):
        step = flip * w_row[i]
        f_own = log_sigmoid_scalar(own_phi[c, i] + step)
        f_ab = log_sigmoid_scalar(phi_ab[c, i] + step)
        fresh_own[i] = f_own
        fresh_ab[i] = f_ab
        total += (f_ab - log_ab[c, i]) - (f_own - own_log[c, i])
    psi = base[c, j] + flip * total
    new_state = 1.0 if u[c, j] < sigmoid_scalar(psi) else 0.0
    if new_state != h[c, j]:
        h[c, j] = new_state
        for i in range(n_visible):
            step = flip * w_row[i]
            own_phi[c, i] += step
            phi_ab[c, i] += step
            own_log[c, i] = fresh_own[i]
            log_ab[c, i] = fresh_ab[i]


@njit(parallel=True, cache=True, fastmath=_FAST)
def sequential_sweeps_exact(h_a, h_b, w_a, w_b, base_a, base_b, phi_a, phi_b, phi_ab,
                            log_a, log_b, log_ab, uniforms_a, uniforms_b):
    """Run sweeps of exact single-site Gibbs on every chain, in place.

    Shapes: h_a (n, Ha), h_b (n, Hb), w_a (Ha, V), w_b (Hb, V),
    base_a (n, Ha) = c^A + v W^A^T, base_b likewise, phi_* and log_* (n, V),
    uniforms_a (S, n, Ha), uniforms_b (S, n, Hb) for S sweeps.
    Chains are independent, so they run in parallel; within a chain the
    units are visited in order: all of A, then all of B.
    """
    n_sweeps = uniforms_a.shape[0]
    n_chains, n_visible = phi_a.shape
    for c in prange(n_chains):
        fresh_own = np.empty(n_visible)
        fresh_ab = np.empty(n_visible)
        for s in range(n_sweeps):
            for j in range(w_a.shape[0]):
                _update_unit(c, j, h_a, w_a[j], base_a, uniforms_a[s], phi_a, log_a, phi_ab, log_ab,
                             fresh_own, fresh_ab)
            for j in range(w_b.shape[0]):
                _update_unit(c, j, h_b, w_b[j], base_b, uniforms_b[s], phi_b, log_b, phi_ab, log_ab,
                             fresh_own, fresh_ab)
