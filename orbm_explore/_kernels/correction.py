"""Compiled (numba) kernels of the exact correction, for :mod:`orbm_explore.corrections`.

The kernels assume float64, C-contiguous arrays of matching shapes.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# Below this magnitude of φ0, ε and W the product form of the correction
# neither overflows (e^{3·200} < 1.8e308) nor loses precision.
PRODUCT_FORM_LIMIT = 200.0


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
