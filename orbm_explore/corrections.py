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

from dataclasses import dataclass
from typing import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, log_expit

from ._kernels import correction as _kernels
from .numerics import broadcast_named, log_sigmoid, softplus

__all__ = [
    "exact",
    "exact_reference",
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


def exact_reference(phi0: ArrayLike, eps: ArrayLike, w: ArrayLike) -> FloatArray:
    """The exact correction as the notes write it: four log-sigmoids (scipy.special.log_expit).

        C = [log σ(φ0+W+ε) - log σ(φ0+W)] + [log σ(φ0) - log σ(φ0+ε)]

    (the two log-ratio terms of notes §2.1, grouped so that no sum of two of
    them can overflow). This is the definition that :func:`exact` evaluates
    faster, and the oracle its tests compare against. The sums are plain
    float64: the absolute error grows like 1e-16 · (|φ0| + |ε| + |W|) as
    they cancel, so use :func:`exact` for arguments beyond about 1e3.

    Parameters
    ----------
    phi0, eps, w : array_like
        As in :func:`exact`; finite; they broadcast together.

    Returns
    -------
    ndarray of float64 with the broadcast shape (a float64 scalar for scalar inputs)

    Raises
    ------
    ValueError
        If an argument is not finite, or a sum φ0+W, φ0+ε, φ0+W+ε overflows
        float64 (:func:`exact` handles those).
    """
    phi0, eps, w = _finite_named(phi0=phi0, eps=eps, w=w)
    with np.errstate(over="ignore"):
        both, with_w, with_eps = phi0 + w + eps, phi0 + w, phi0 + eps
    if not (np.isfinite(both).all() and np.isfinite(with_w).all() and np.isfinite(with_eps).all()):
        raise ValueError("phi0 + w + eps overflows float64 in exact_reference; use corrections.exact")
    out = (log_expit(both) - log_expit(with_w)) + (log_expit(phi0) - log_expit(with_eps))
    return _scalar_or_array(np.asarray(out))


def exact(phi0: ArrayLike, eps: ArrayLike, w: ArrayLike) -> FloatArray:
    """The exact correction C(φ0, ε, W) to the Gibbs log-odds (notes §1, §2.1).

        C = log σ(φ0+W+ε) + log σ(φ0) - log σ(φ0+W) - log σ(φ0+ε)

    the sum of the two log-ratio terms of notes §2.1 (:func:`exact_reference`
    writes it out with ``log_expit``). It lies in [-min(|ε|,|W|), min(|ε|,|W|)],
    has the sign of -εW, is 0 when ε = 0 or W = 0, and is symmetric in ε and W.

    The same value is computed by :mod:`orbm_explore._kernels.correction`:
    a product form (three exponentials and one log, numpy SIMD, threaded) while
    |φ0|, |ε|, |W| < 170, and otherwise the four log-sigmoids with the sums
    φ0+ε, φ0+W, φ0+ε+W never rounded more than once and their hinge parts
    combined exactly, so that huge cancelling arguments (φ0 = -1e20,
    ε = 2e20, W = 1 gives -1) and sums beyond the float range (φ0 = ε = 1e308)
    stay exact.

    Accuracy, measured against mpmath at 2300 bits (enough for the sums of any
    three doubles to be exact) on 12,000 inputs over the whole finite float64
    range: log-uniform magnitudes 1e-300 to 1e308 of both signs with zeros,
    subnormals and ±1.8e308 mixed in, cancelling sums (ε = -φ0 + δ,
    W = -(φ0+ε) + δ), and the product form's range. Largest absolute error
    4.7e-16 where |C| <= 1; largest relative error 3.9e-16 where |C| > 1; the
    sign (that of -εW) was never wrong. Where |C| is tiny only the absolute
    error stays this small: the product form takes the log of a ratio close
    to 1, so for 1e-8 < |C| < 1e-4 the relative error reaches 2e-8. The tests
    (tests/test_corrections.py) hold it to 1e-12 absolute, relative where |C| > 1.

    Parameters
    ----------
    phi0 : array_like
        φ^{A0}_i, cause A's input to the visible unit when h_j = 0.
    eps : array_like
        ε_i, the other cause's input to the visible unit.
    w : array_like
        W_ji. The three arguments broadcast together; all must be finite.

    Returns
    -------
    ndarray of float64 with the broadcast shape (a float64 scalar for scalar inputs)

    Raises
    ------
    ValueError
        If an argument holds NaN or ±inf (the message names it), or the shapes
        do not broadcast.
    TypeError
        If an argument is not real-valued.
    """
    phi0, eps, w = broadcast_named(phi0=phi0, eps=eps, w=w)
    out, finite = _kernels.exact_correction(phi0, eps, w)
    if not finite:
        _finite_named(phi0=phi0, eps=eps, w=w)  # raises, naming the argument
    return _scalar_or_array(out)


def _finite_named(**arrays: ArrayLike) -> list[FloatArray]:
    """broadcast_named, and a ValueError naming the first argument with NaN or ±inf."""
    converted = broadcast_named(**arrays)
    for name, array in zip(arrays, converted):
        if not np.isfinite(array).all():
            bad = array[~np.isfinite(array)].ravel()[0]
            raise ValueError(f"{name} must be finite, found the value {bad!r}")
    return converted


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
    phi, eps, w = _finite_named(phi=phi, eps=eps, w=w)
    with np.errstate(over="ignore"):  # φ+ε beyond the float range is ±inf, where expit is exact
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
    (w,) = _finite_named(w=w)
    small = np.abs(w) < 1e-4
    safe_w = np.where(small, 1.0, w)
    tiny_w = np.where(small, w, 0.0)
    series = 1.0 - tiny_w * tiny_w / 48.0
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
    phi0, eps, w = _finite_named(phi0=phi0, eps=eps, w=w)
    alpha = _gain_or_one(w, gain)
    # α(φ0 + W/2) as αφ0 + αW/2 (|αW| <= 4 with the gain); a sum can overflow only
    # when its true value is beyond the float range, where expit(±inf) is exact.
    with np.errstate(over="ignore"):
        first = alpha * phi0 + alpha * (w / 2.0)
        return w * (expit(first) - expit(first + alpha * eps))


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
        h_j, the unit's current state: 0 or 1.
    eps : array_like
        ε_i, the other cause's input.
    w : array_like
        W_ji. The four arguments broadcast together; all finite.
    gain : bool, default True
        Use the slope-matching gain α(W); if false, α = 1.

    Returns
    -------
    ndarray of float64 with the broadcast shape
    """
    phi, h, eps, w = _finite_named(phi=phi, h=h, eps=eps, w=w)
    _check_state(h)
    alpha = _gain_or_one(w, gain)
    with np.errstate(over="ignore"):  # as in sigmoid(): overflow only where expit saturates exactly
        first = alpha * phi - (h - 0.5) * (alpha * w)
        return w * (expit(first) - expit(first + alpha * eps))


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


def _check_state(h: FloatArray) -> None:
    if not np.all((h == 0) | (h == 1)):
        raise ValueError(f"h must be a binary state (0 or 1), found {h[(h != 0) & (h != 1)].ravel()[0]!r}")


def _input_with_h_off(phi: ArrayLike, h: ArrayLike, w: ArrayLike) -> FloatArray:
    """φ0 = φ - hW, the input with h_j = 0; a ValueError if it leaves the float range."""
    phi, h, w = broadcast_named(phi=phi, h=h, w=w)
    _check_state(h)
    with np.errstate(over="ignore", invalid="ignore"):
        phi0 = phi - h * w
    if not np.isfinite(phi0).all():
        _finite_named(phi=phi, h=h, w=w)
        raise ValueError("phi - h * w (the input with h_j = 0) must be finite in float64, "
                         f"got {phi0[~np.isfinite(phi0)].ravel()[0]!r}")
    return phi0


def _none(phi, h, eps, w):
    """No correction: zeros of the broadcast shape, after the same checks as every other entry."""
    phi, h, eps, w = _finite_named(phi=phi, h=h, eps=eps, w=w)
    _check_state(h)
    return np.zeros(np.broadcast_shapes(phi.shape, h.shape, eps.shape, w.shape))


def _linear_from_state(phi, h, eps, w):
    """linear(φ, ε, W) at the actual input; h is not used, but is checked like every entry's."""
    h = broadcast_named(phi=phi, h=h, eps=eps, w=w)[1]
    _check_state(h)  # refuses NaN and infinity too
    return linear(phi, eps, w)


CORRECTIONS: dict[str, Correction] = {
    c.name: c
    for c in [
        Correction("exact", "exact: log σ(φ0+W+ε) + log σ(φ0) − log σ(φ0+W) − log σ(φ0+ε)",
                   lambda phi, h, eps, w: exact(_input_with_h_off(phi, h, w), eps, w)),
        Correction("linear", "§2 first approximation: W[σ(φ) − σ(φ+ε)] at the actual input φ",
                   _linear_from_state),
        Correction("sigmoid", "§2.1 sigmoid approximation with slope-matching gain α(W)",
                   lambda phi, h, eps, w: sigmoid(_input_with_h_off(phi, h, w), eps, w, gain=True)),
        Correction("sigmoid_nogain", "§2.1 sigmoid approximation with gain 1",
                   lambda phi, h, eps, w: sigmoid(_input_with_h_off(phi, h, w), eps, w, gain=False)),
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
