"""Speed machinery behind :func:`orbm_explore.corrections.exact`.

The reference is the notes' formula, written out in
:func:`orbm_explore.corrections.exact_reference`:

    C = log σ(φ0+W+ε) + log σ(φ0) − log σ(φ0+W) − log σ(φ0+ε).

Two evaluations of that same formula live here.

``product form``     With E = e^{−φ0}, F = e^{−ε}, G = e^{−W} and σ(y) = 1/(1+e^{−y}),
                     C = log[(1+EF)(1+EG) / ((1+EFG)(1+E))]: three exponentials and one
                     log per element, every factor a sum of positive terms (no
                     cancellation). Used while |φ0|, |ε|, |W| < ``PRODUCT_FORM_LIMIT``,
                     where no product can overflow (e^{4·170} < 1.8e308). numpy's SIMD
                     exp and log evaluate it block by block, one thread per core.
``four log-sigmoids`` Every other element (any argument at or beyond the limit) goes
                     to a compiled kernel that evaluates the four log-sigmoids as
                     written, with log σ(x) = min(x, 0) − log1p(e^{−|x|}), but never
                     rounds the sums φ0+ε, φ0+W, φ0+ε+W more than once:

                     * the hinge part min(a,0) + min(φ0,0) − min(c,0) − min(d,0)
                       (a = φ0+ε+W, c = φ0+W, d = φ0+ε) is, for each sign pattern of
                       a, φ0, c, d, exactly one of 0, ±φ0, ±ε, ±W, ±c, ±d, ±a, since
                       a + φ0 = c + d. The kernel returns that piece, so huge terms
                       never cancel (−1e20 + 2e20 + 1 keeps its 1);
                     * c and d are single IEEE sums (correctly rounded, exact sign);
                       a is a compensated sum (TwoSum), accurate to about one ulp;
                     * if an argument exceeds 2^1020 the sums are formed on quarters
                       of the arguments, so nothing overflows; a sum beyond the float
                       range has log1p(e^{−|x|}) = 0, which is what the kernel uses.

The kernels assume float64 arrays; the public function checks its inputs.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit

# Below this magnitude of φ0, ε and W no product in the product form overflows:
# (1+EF)(1+EG) and (1+EFG)(1+E) stay below e^{4·170} ≈ 1e295.
PRODUCT_FORM_LIMIT = 170.0
# Arguments above this are quartered before the sums are formed (3 · 2^1018 < 1.8e308).
_QUARTER_FROM = 2.0 ** 1020

# Elements per block: small enough to stay in cache, large enough that numpy's
# SIMD exp and log dominate the per-call overhead. Large inputs are split
# between threads (one per core, at most 4); small ones go straight to the
# compiled scalar kernel, which beats a dozen ufunc calls below ~100 elements.
BLOCK = 1 << 15
THREADED_FROM = 1 << 18
COMPILED_BELOW = 128
THREADS = max(1, min(4, os.cpu_count() or 1))


# ------------------------------------------------------------------ scalar pieces
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
def _two_sum(x: float, y: float) -> tuple[float, float]:
    """(s, r) with s = fl(x + y) and s + r = x + y exactly (Knuth's TwoSum)."""
    s = x + y
    v = s - x
    return s, (x - (s - v)) + (y - v)


@njit(cache=True, inline="always")
def _tail(x: float) -> float:
    """log1p(e^{-|x|}), the smooth part of -log σ(x); 0 for |x| = inf."""
    return math.log1p(math.exp(-abs(x)))


@njit(cache=True, inline="always")
def _hinge(a: float, p: float, c: float, d: float, e: float, w: float) -> float:
    """min(a,0) + min(p,0) - min(c,0) - min(d,0), given a = p+e+w, c = p+w, d = p+e.

    Because a + p = c + d, each sign pattern leaves one exact piece; the two
    patterns that a + p = c + d forbids can only come from rounding of a, and
    get the (then tiny) value a + p or -(c + d).
    """
    pattern = (8 if a < 0.0 else 0) + (4 if p < 0.0 else 0) + (2 if c < 0.0 else 0) + (1 if d < 0.0 else 0)
    if pattern == 0 or pattern == 15:
        return 0.0
    if pattern == 1:
        return -d
    if pattern == 2:
        return -c
    if pattern == 3:
        return -(c + d)
    if pattern == 4:
        return p
    if pattern == 5:
        return -e  # p - d
    if pattern == 6:
        return -w  # p - c
    if pattern == 7:
        return -a  # p - c - d
    if pattern == 8:
        return a
    if pattern == 9:
        return w  # a - d
    if pattern == 10:
        return e  # a - c
    if pattern == 11:
        return -p  # a - c - d
    if pattern == 12:
        return a + p
    if pattern == 13:
        return c  # a + p - d
    return d  # pattern 14: a + p - c


@njit(cache=True)
def four_log_sigmoids_scalar(phi0: float, eps: float, w: float) -> float:
    """log σ(a) + log σ(φ0) - log σ(c) - log σ(d) with exactly handled sums, any finite input.

    a = φ0+ε+W, c = φ0+W, d = φ0+ε and log σ(x) = min(x, 0) - log1p(e^{-|x|}).
    """
    scale = 1.0
    if max(abs(phi0), abs(eps), abs(w)) > _QUARTER_FROM:
        scale = 4.0  # quartering is exact except below 2^-1020, far under any rounding here
        phi0, eps, w = 0.25 * phi0, 0.25 * eps, 0.25 * w
    d, d_err = _two_sum(phi0, eps)
    c = phi0 + w
    s, s_err = _two_sum(d, w)
    a = s + (s_err + d_err)
    hinge = scale * _hinge(a, phi0, c, d, eps, w)
    # scale * x may overflow to inf exactly when the true sum is beyond float range: tail 0.
    return hinge + ((_tail(scale * c) + _tail(scale * d)) - (_tail(scale * a) + _tail(scale * phi0)))


@njit(cache=True, inline="always")
def product_form_scalar(phi0: float, eps: float, w: float) -> float:
    """log[(1+EF)(1+EG) / ((1+EFG)(1+E))]; valid while every |argument| < PRODUCT_FORM_LIMIT."""
    e_phi = math.exp(-phi0)
    e_both = e_phi * math.exp(-eps)
    e_w = math.exp(-w)
    return math.log((1.0 + e_both) * (1.0 + e_phi * e_w) / ((1.0 + e_both * e_w) * (1.0 + e_phi)))


@njit(cache=True, inline="always")
def _signed(c: float, eps: float, w: float) -> float:
    """c, or 0 where rounding gave it the wrong sign: the correction has the sign of -εW."""
    if (eps > 0.0 and w > 0.0) or (eps < 0.0 and w < 0.0):
        return min(c, 0.0)
    if eps == 0.0 or w == 0.0:
        return 0.0
    return max(c, 0.0)


@njit(cache=True)
def exact_correction_scalar(phi0: float, eps: float, w: float) -> float:
    """The exact correction for one finite (φ0, ε, W)."""
    limit = PRODUCT_FORM_LIMIT
    if abs(phi0) < limit and abs(eps) < limit and abs(w) < limit:
        return _signed(product_form_scalar(phi0, eps, w), eps, w)
    return _signed(four_log_sigmoids_scalar(phi0, eps, w), eps, w)


@njit(cache=True, nogil=True)
def exact_correction_flat(phi0, eps, w, out):
    """Fill ``out[k]`` with the exact correction of ``(phi0[k], eps[k], w[k])`` (1-D arrays).

    Serial on purpose (no numba threading layer): it is safe to call from
    several Python threads at once and after a fork.
    """
    for k in range(out.size):
        out[k] = exact_correction_scalar(phi0[k], eps[k], w[k])


@njit(cache=True, nogil=True)
def _far_elements(phi0, eps, w, index, out):
    """out[index[k]] = four log-sigmoids of element index[k] (the product form's rejects)."""
    for k in range(index.size):
        i = index[k]
        out[i] = _signed(four_log_sigmoids_scalar(phi0[i], eps[i], w[i]), eps[i], w[i])


# ------------------------------------------------------------------ numpy driver
def exact_correction(phi0: np.ndarray, eps: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, bool]:
    """The exact correction of float64 arrays that broadcast together.

    Returns ``(out, finite)``: ``out`` has the broadcast shape; ``finite`` is
    False if some input is NaN or infinite, in which case ``out`` is not filled
    and the caller raises.
    """
    shape = np.broadcast_shapes(phi0.shape, eps.shape, w.shape)
    flat = [np.ascontiguousarray(np.broadcast_to(a, shape)).ravel() for a in (phi0, eps, w)]
    out = np.empty(flat[0].size)
    if out.size < COMPILED_BELOW:
        if not all(np.isfinite(a).all() for a in flat):
            return out.reshape(shape), False
        exact_correction_flat(*flat, out)
        return out.reshape(shape), True
    n_threads = THREADS if out.size >= THREADED_FROM else 1
    bounds = np.linspace(0, out.size, n_threads + 1).astype(int)
    if n_threads == 1:
        finite = [_exact_range(*flat, out, 0, out.size)]
    else:  # numpy's ufunc loops and the far kernel release the GIL, so the parts run in parallel
        with ThreadPoolExecutor(n_threads) as pool:
            finite = list(pool.map(lambda k: _exact_range(*flat, out, bounds[k], bounds[k + 1]), range(n_threads)))
    return out.reshape(shape), all(finite)


def _exact_range(phi0: np.ndarray, eps: np.ndarray, w: np.ndarray, out: np.ndarray, start: int, stop: int) -> bool:
    """exact_correction on the flat slice [start, stop), block by block; False on a non-finite input."""
    limit = PRODUCT_FORM_LIMIT
    scratch = np.empty((4, min(BLOCK, stop - start)))
    for first in range(start, stop, BLOCK):
        block = slice(first, min(first + BLOCK, stop))
        parts = (phi0[block], eps[block], w[block])
        far = False
        for x in parts:
            low, high = x.min(), x.max()
            if not (-np.inf < low and high < np.inf):  # NaN fails both comparisons
                return False
            far = far or high >= limit or low <= -limit
        _product_form(*parts, out[block], scratch[:, :parts[0].size], clip=far)
        if far:
            index = np.flatnonzero((np.abs(parts[0]) >= limit) | (np.abs(parts[1]) >= limit)
                                   | (np.abs(parts[2]) >= limit))
            _far_elements(*parts, index, out[block])
    return True


def _product_form(phi0: np.ndarray, eps: np.ndarray, w: np.ndarray, out: np.ndarray, scratch: np.ndarray,
                  clip: bool = True) -> None:
    """out = log[(1+EF)(1+EG) / ((1+EFG)(1+E))] for one block, E = e^{-φ0}, F = e^{-ε}, G = e^{-W}.

    With ``clip`` the inputs are clipped to ±PRODUCT_FORM_LIMIT so that nothing
    overflows (elements beyond it are recomputed by the caller); without it
    they must already lie inside. A result whose rounding
    gave it the wrong sign (possible only where |C| is near 1e-16) is set to 0.
    ``scratch`` is a (4, n) work array, so that the block allocates nothing.
    """
    limit = PRODUCT_FORM_LIMIT
    e_phi, e_w, e_both, sign = scratch
    for source, target in ((phi0, e_phi), (w, e_w), (eps, e_both)):
        if clip:
            np.clip(source, -limit, limit, out=target)
            np.negative(target, out=target)
        else:
            np.negative(source, out=target)
    np.multiply(e_w, e_both, out=sign)  # εW (clipped): C has the sign of -εW
    for target in (e_phi, e_w, e_both):
        np.exp(target, out=target)
    e_both *= e_phi  # EF
    np.multiply(e_phi, e_w, out=out)  # EG
    out += 1.0  # numerator, second factor
    e_w *= e_both  # EFG
    e_w += 1.0
    e_phi += 1.0
    e_w *= e_phi  # denominator
    e_both += 1.0
    out *= e_both  # numerator
    out /= e_w
    np.log(out, out=out)
    sign *= out
    np.putmask(out, sign > 0.0, 0.0)
