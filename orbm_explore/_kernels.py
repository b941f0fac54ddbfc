"""Compiled (numba) inner loops: the exact correction and the sequential sweep.

Only :mod:`orbm_explore.corrections` and :mod:`orbm_explore.sampling` call
these; users go through those modules, which check their inputs first.
The kernels assume float64, C-contiguous arrays of matching shapes.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# Below this magnitude of φ0, ε and W the product form of the correction
# neither overflows (e^{3·200} < 1.8e308) nor loses precision.
PRODUCT_FORM_LIMIT = 200.0
# Let the compiler reorder sums and fuse multiply-adds; no assumptions about NaN or inf.
_FAST = {"reassoc", "contract", "nsz", "arcp"}


@njit(cache=True, inline="always")
def log_sigmoid_scalar(x: float) -> float:
    """log σ(x) = min(x, 0) - log1p(e^{-|x|})."""
    return min(x, 0.0) - math.log1p(math.exp(-abs(x)))


@njit(cache=True, inline="always")
def sigmoid_scalar(x: float) -> float:
    """σ(x) without overflow for either sign."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@njit(cache=True, inline="always")
def _log_sigmoid_step(x: float, w: float) -> float:
    """log σ(x + w) - log σ(x), with the piecewise-linear part taken exactly."""
    if w >= 0.0:
        hinge = min(max(-x, 0.0), w)
    else:
        hinge = min(max(x + w, w), 0.0)
    return hinge + math.log1p(math.exp(-abs(x))) - math.log1p(math.exp(-abs(x + w)))


@njit(cache=True, inline="always")
def exact_correction_scalar(phi0: float, eps: float, w: float) -> float:
    """log σ(φ0+W+ε) + log σ(φ0) - log σ(φ0+W) - log σ(φ0+ε)."""
    if abs(phi0) < PRODUCT_FORM_LIMIT and abs(eps) < PRODUCT_FORM_LIMIT and abs(w) < PRODUCT_FORM_LIMIT:
        # σ(y) = 1/(1+e^{-y}): the four sigmoids share three exponentials.
        e_phi = math.exp(-phi0)
        e_both = e_phi * math.exp(-eps)
        e_w = math.exp(-w)
        return math.log((1.0 + e_both) * (1.0 + e_phi * e_w) / ((1.0 + e_both * e_w) * (1.0 + e_phi)))
    # Large arguments: difference of two log-sigmoid steps.  x = φ0 + ε is
    # rounded; TwoSum recovers the rounding error dx and a first-order term
    # puts it back, so the result is accurate to the exact float inputs.
    x = phi0 + eps
    b = x - phi0
    dx = (phi0 - (x - b)) + (eps - b)
    slope = sigmoid_scalar(x + w) - sigmoid_scalar(x)
    return _log_sigmoid_step(x, w) - _log_sigmoid_step(phi0, w) + dx * slope


@njit(cache=True)
def exact_correction_flat(phi0, eps, w, out):
    """Fill ``out[k]`` with the exact correction of ``(phi0[k], eps[k], w[k])`` (1-D arrays).

    Serial on purpose: :func:`orbm_explore.corrections.exact` calls it from several
    Python threads at once, which numba's parallel launcher does not allow.
    """
    for k in range(out.size):
        out[k] = exact_correction_scalar(phi0[k], eps[k], w[k])


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
