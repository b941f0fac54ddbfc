"""The explaining-away correction to a hidden unit's Gibbs log-odds, exact and approximate.

Notation (notes §1–§2.3), for hidden unit j of cause A and visible unit i:

``phi0``  φ^{A0}_i, the input to visible i from cause A *with h_j = 0*
          (hidden-weighted sum plus A's visible bias).
``phi``   φ^A_i, the actual input from cause A (h_j at its current value).
``h``     h_j, the unit's current state (0 or 1).
``eps``   ε_i = φ^B_i, the input to visible i from the other cause.
``w``     W_ji, the weight from hidden j to visible i.

In the two-cause model the Gibbs log-odds is ψ_j = ψ_j^RBM + Σ_i C_ji with
ψ_j^RBM = W_j0 + Σ_i W_ji v_i and, derived from the joint (see
:mod:`orbm_explore.derivations`),

    C_ji = log σ(φ0+W+ε) + log σ(φ0) - log σ(φ0+W) - log σ(φ0+ε),

which does not depend on v. Every function here is elementwise, broadcasts
like a ufunc and returns float64.

Name note: ``sigmoid`` *in this module* is the §2.1 approximation; the
logistic function itself is :func:`orbm_explore.numerics.sigmoid`.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from ._kernels import correction as _kernels
from .numerics import as_float_array, broadcast_named, log_sigmoid, softplus

__all__ = [
    "exact",
    "linear",
    "sigmoid",
    "local",
    "gain",
    "log_sigmoid",
    "softplus",
    "Correction",
    "CORRECTIONS",
    "get_correction",
]

FloatArray = NDArray[np.float64]


def _scalar_or_array(out: FloatArray) -> FloatArray:
    return out[()] if out.ndim == 0 else out


def exact(phi0: ArrayLike, eps: ArrayLike, w: ArrayLike) -> FloatArray:
    """The exact correction C(φ0, ε, W) to the Gibbs log-odds (notes §1, §2.1).

    C = log σ(φ0+W+ε) + log σ(φ0) - log σ(φ0+W) - log σ(φ0+ε), the sum of the
    two log-ratio terms of notes §2.1. It lies in [-|W|, |W|], is 0 when
    ε = 0 or W = 0, and is symmetric in ε and W.

    Parameters
    ----------
    phi0 : array_like
        φ^{A0}_i, cause A's input to the visible unit when h_j = 0.
    eps : array_like
        ε_i, the other cause's input to the visible unit.
    w : array_like
        W_ji. The three arguments broadcast together.

    Returns
    -------
    ndarray of float64 with the broadcast shape (a float64 scalar for scalar inputs)
        Accurate to about 1e-15 relative (1e-12 in the worst case) for any finite inputs.
    """
    phi0, eps, w = broadcast_named(phi0=phi0, eps=eps, w=w)
    shape = np.broadcast_shapes(phi0.shape, eps.shape, w.shape)
    flat = [np.ascontiguousarray(np.broadcast_to(a, shape)).ravel() for a in (phi0, eps, w)]
    out = np.empty(flat[0].size)
    n_threads = _THREADS if out.size >= _THREADED_FROM else 1
    bounds = np.linspace(0, out.size, n_threads + 1).astype(int)
    if n_threads == 1:
        _exact_range(*flat, out, 0, out.size)
    else:  # numpy's ufunc loops release the GIL, so the blocks of each half run in parallel
        with ThreadPoolExecutor(n_threads) as pool:
            list(pool.map(lambda k: _exact_range(*flat, out, bounds[k], bounds[k + 1]), range(n_threads)))
    return _scalar_or_array(out.reshape(shape))


def _exact_range(phi0: FloatArray, eps: FloatArray, w: FloatArray, out: FloatArray, start: int, stop: int) -> None:
    """exact() on the flat slice [start, stop), block by block."""
    limit = _kernels.PRODUCT_FORM_LIMIT
    scratch = np.empty((3, min(_BLOCK, stop - start)))
    for first in range(start, stop, _BLOCK):
        block = slice(first, min(first + _BLOCK, stop))
        phi0_b, eps_b, w_b = phi0[block], eps[block], w[block]
        _exact_product_form(phi0_b, eps_b, w_b, out[block], scratch[:, :phi0_b.size])
        if any(x.max() >= limit or x.min() <= -limit for x in (phi0_b, eps_b, w_b)):
            far = np.flatnonzero((np.abs(phi0_b) >= limit) | (np.abs(eps_b) >= limit) | (np.abs(w_b) >= limit))
            far_out = np.empty(far.size)
            _kernels.exact_correction_flat(phi0_b[far], eps_b[far], w_b[far], far_out)
            out[block][far] = far_out


# Elements per block in exact(): small enough to stay in cache, large enough
# that numpy's SIMD exp and log dominate the per-call overhead. Large inputs
# are split between threads (one per core, at most 4).
_BLOCK = 1 << 15
_THREADED_FROM = 1 << 18
_THREADS = max(1, min(4, os.cpu_count() or 1))


def _exact_product_form(phi0: FloatArray, eps: FloatArray, w: FloatArray, out: FloatArray,
                        scratch: FloatArray) -> None:
    """The correction as one log of a ratio of four factors, for one block.

    With E = e^{-φ0}, F = e^{-ε}, G = e^{-W} and σ(y) = 1/(1 + e^{-y}),

        C = log[(1 + EF)(1 + EG) / ((1 + EFG)(1 + E))],

    three exponentials and one log per element, accurate to a few ulp while
    |φ0|, |ε|, |W| < 200 (no overflow, no cancellation: every factor is a
    sum of positive terms). Inputs are clipped to that range so nothing
    overflows; elements outside it are recomputed by the caller.
    ``scratch`` is a (3, n) work array, so that the block allocates nothing.
    """
    limit = _kernels.PRODUCT_FORM_LIMIT
    e_phi, e_w, e_both = scratch
    for source, target in ((phi0, e_phi), (w, e_w), (eps, e_both)):
        np.clip(source, -limit, limit, out=target)
        np.negative(target, out=target)
        np.exp(target, out=target)
    e_both *= e_phi  # EF
    np.multiply(e_phi, e_w, out=out)  # EG
    out += 1.0  # numerator, first factor
    e_w *= e_both  # EFG
    e_w += 1.0
    e_phi += 1.0
    e_w *= e_phi  # denominator
    e_both += 1.0
    out *= e_both  # numerator
    out /= e_w
    np.log(out, out=out)


def linear(phi: ArrayLike, eps: ArrayLike, w: ArrayLike) -> FloatArray:
    """The notes' first approximation (§2): C ≈ W [σ(φ) - σ(φ+ε)].

    It comes from the red/green picture: subtract W where v would be on under
    both causes but off under A alone, add it in the opposite case.

    Parameters
    ----------
    phi : array_like
        φ_i, the visible unit's input from cause A (the samplers pass the actual input).
    eps : array_like
        ε_i, the other cause's input.
    w : array_like
        W_ji. The three arguments broadcast together.

    Returns
    -------
    ndarray of float64 with the broadcast shape
    """
    phi, eps, w = broadcast_named(phi=phi, eps=eps, w=w)
    return w * (expit(phi) - expit(phi + eps))


def gain(w: ArrayLike) -> FloatArray:
    """The slope-matching gain α(W) = (4/W)(2σ(W/2) - 1) = 4 tanh(W/4) / W (notes §2.1).

    The notes' ω = 8(σ(W/2) - ½)/W of §2.3 is the same function. At W = 0
    the formula reads 0/0; its limit, 1, is returned there, and a series is
    used for |W| < 1e-4 so that the function is smooth through 0.

    Parameters
    ----------
    w : array_like
        W_ji, any shape.

    Returns
    -------
    ndarray of float64, same shape, values in (0, 1]
    """
    w = as_float_array(w, "w")
    small = np.abs(w) < 1e-4
    safe_w = np.where(small, 1.0, w)
    series = 1.0 - w * w / 48.0
    return _scalar_or_array(np.asarray(np.where(small, series, 4.0 * np.tanh(safe_w / 4.0) / safe_w)))


def sigmoid(phi0: ArrayLike, eps: ArrayLike, w: ArrayLike, gain: bool = True) -> FloatArray:
    """The notes' better approximation (§2.1): C ≈ W [σ(α(φ0 + W/2)) - σ(α(φ0 + W/2 + ε))].

    Each log-ratio term of the exact correction is replaced by a sigmoid with
    the same plateaus, switching at φ0 = -W/2 (and φ0 = -ε - W/2), with slope
    matched there when ``gain`` is true (α = :func:`gain`), else α = 1.

    Parameters
    ----------
    phi0 : array_like
        φ^{A0}_i, cause A's input when h_j = 0.
    eps : array_like
        ε_i, the other cause's input.
    w : array_like
        W_ji. The three arguments broadcast together.
    gain : bool, default True
        Use the slope-matching gain α(W); if false, α = 1.

    Returns
    -------
    ndarray of float64 with the broadcast shape
    """
    phi0, eps, w = broadcast_named(phi0=phi0, eps=eps, w=w)
    alpha = _gain_or_one(w, gain)
    mid = phi0 + w / 2.0
    return w * (expit(alpha * mid) - expit(alpha * (mid + eps)))


def local(phi: ArrayLike, h: ArrayLike, eps: ArrayLike, w: ArrayLike, gain: bool = True) -> FloatArray:
    """The §2.3 form of the sigmoid approximation, from the unit's actual input and state.

    C ≈ W [σ(α(φ - ĥW)) - σ(α(φ + ε - ĥW))] with ĥ = h - ½. Because
    φ - ĥW = φ0 + W/2, this equals ``sigmoid(phi - h*w, eps, w, gain)``:
    no "input with h_j = 0" has to be formed (the notes' §2.2 elephant).

    Parameters
    ----------
    phi : array_like
        φ^A_i, cause A's actual input to the visible unit.
    h : array_like
        h_j, the unit's current state (normally 0 or 1).
    eps : array_like
        ε_i, the other cause's input.
    w : array_like
        W_ji. The four arguments broadcast together.
    gain : bool, default True
        Use the slope-matching gain α(W); if false, α = 1.

    Returns
    -------
    ndarray of float64 with the broadcast shape
    """
    phi, h, eps, w = broadcast_named(phi=phi, h=h, eps=eps, w=w)
    alpha = _gain_or_one(w, gain)
    shifted = phi - (h - 0.5) * w
    return w * (expit(alpha * shifted) - expit(alpha * (shifted + eps)))


def _gain_or_one(w: FloatArray, use_gain: bool) -> FloatArray | float:
    if not isinstance(use_gain, (bool, np.bool_)):
        raise TypeError(f"gain must be True or False, got {use_gain!r}")
    return gain(w) if use_gain else 1.0


@dataclass(frozen=True)
class Correction:
    """A registered correction.

    Attributes
    ----------
    name : str
        Registry key.
    description : str
        One line, for menus and tables.
    from_state : callable
        ``from_state(phi, h, eps, w)`` -> correction, written with the unit's
        *actual* input φ and state h, the form a sampler has to hand.
    """

    name: str
    description: str
    from_state: Callable[[FloatArray, FloatArray, FloatArray, FloatArray], FloatArray]


def _none(phi, h, eps, w):
    return np.zeros(np.broadcast_shapes(np.shape(phi), np.shape(h), np.shape(eps), np.shape(w)))


CORRECTIONS: dict[str, Correction] = {
    c.name: c
    for c in [
        Correction("exact", "exact: log σ(φ0+W+ε) + log σ(φ0) − log σ(φ0+W) − log σ(φ0+ε)",
                   lambda phi, h, eps, w: exact(phi - h * w, eps, w)),
        Correction("linear", "§2 first approximation: W[σ(φ) − σ(φ+ε)] at the actual input φ",
                   lambda phi, h, eps, w: linear(phi, eps, w)),
        Correction("sigmoid", "§2.1 sigmoid approximation with slope-matching gain α(W)",
                   lambda phi, h, eps, w: sigmoid(phi - h * w, eps, w, gain=True)),
        Correction("sigmoid_nogain", "§2.1 sigmoid approximation with gain 1",
                   lambda phi, h, eps, w: sigmoid(phi - h * w, eps, w, gain=False)),
        Correction("local", "§2.3 local form (ĥ = h − ½), with gain; equal to 'sigmoid'",
                   lambda phi, h, eps, w: local(phi, h, eps, w, gain=True)),
        Correction("none", "no correction: each cause's vanilla RBM update, ignoring the other",
                   _none),
    ]
}


def get_correction(name: str) -> Correction:
    """Look up ``name`` in :data:`CORRECTIONS`, with an error that lists the choices."""
    try:
        return CORRECTIONS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"correction must be one of {sorted(CORRECTIONS)}, got {name!r}"
        ) from None
