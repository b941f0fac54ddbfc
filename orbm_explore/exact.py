"""Ground truth by brute-force enumeration, for small models.

States are listed by :func:`binary_states`: row k holds the binary digits of
k, unit 0 first (most significant). Joint hidden states of the two-cause
model are the rows of ``np.hstack([h_a, h_b])``, A's units first, so the
index of (h_a, h_b) is ``index(h_a) * 2**Hb + index(h_b)``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike, NDArray
from scipy.linalg import lapack
from scipy.special import log_expit, logsumexp

from .corrections import get_correction
from .numerics import MEMORY_LIMIT_ENV, as_binary_array, as_float_array, check_count, memory_limit_bytes
from .rbm import RBM, as_batch
from .sampling import SCHEDULES
from .two_cause import TwoCauseRBM

__all__ = [
    "MAX_STATES",
    "MAX_KERNEL_STATES",
    "MAX_BYTES",
    "IllConditionedKernelError",
    "binary_states",
    "state_index",
    "rbm_log_partition",
    "rbm_visible_distribution",
    "rbm_hidden_distribution",
    "two_cause_hidden_states",
    "two_cause_visible_distribution",
    "two_cause_hidden_distribution",
    "two_cause_log_probability",
    "posterior",
    "sweep_kernel",
    "stationary_distribution",
    "sampler_stationary_distribution",
]

FloatArray = NDArray[np.float64]
# Enumeration limits: states of one enumerated layer, states of a sweep kernel
# (an S × S matrix), and the estimated peak memory of any one call.
MAX_STATES = 1 << 22
MAX_KERNEL_STATES = 1 << 12
MAX_BYTES = 2 << 30
_FLOAT = 8  # bytes


class IllConditionedKernelError(ValueError):
    """The stationary law of a kernel cannot be computed reliably in float64 (a nearly reducible chain)."""


def _check_size(n_units: int, what: str, limit: int = MAX_STATES) -> None:
    if 2.0 ** n_units > limit:
        raise ValueError(
            f"{what} has 2^{n_units} states, more than the {limit:,} (2^{limit.bit_length() - 1}) "
            "that exact enumeration allows; use a smaller model or a sampler")


def _format_bytes(n_bytes: float) -> str:
    for unit, size in (("TiB", 2.0 ** 40), ("GiB", 2.0 ** 30), ("MiB", 2.0 ** 20)):
        if n_bytes >= size:
            return f"{n_bytes / size:.1f} {unit}"
    return f"{n_bytes / 1024:.1f} KiB"


def _check_memory(n_floats: float, what: str) -> None:
    """Refuse a computation whose estimated peak memory (in float64 numbers) exceeds MAX_BYTES."""
    n_bytes = float(n_floats) * _FLOAT
    limit = min(MAX_BYTES, memory_limit_bytes())  # never more than the package's memory budget either
    if n_bytes > limit:
        raise ValueError(
            f"{what} would need about {_format_bytes(n_bytes)} of memory, more than the "
            f"{_format_bytes(limit)} that exact enumeration allows (orbm_explore.exact.MAX_BYTES, or "
            f"${MEMORY_LIMIT_ENV} if lower); use a smaller model or a sampler")


def _check_rbm(rbm: Any, name: str = "rbm") -> None:
    if not isinstance(rbm, RBM):
        raise TypeError(f"{name} must be an orbm_explore.rbm.RBM, got {type(rbm).__name__}")


def _check_model(model: Any) -> None:
    if not isinstance(model, TwoCauseRBM):
        raise TypeError(f"model must be an orbm_explore.two_cause.TwoCauseRBM, got {type(model).__name__}")


def _joint_states(model: TwoCauseRBM) -> float:
    return 2.0 ** (model.a.n_hidden + model.b.n_hidden)


def binary_states(n_units: int) -> FloatArray:
    """All 2**n_units binary vectors, shape (2**n_units, n_units), unit 0 most significant."""
    n_units = check_count(n_units, "n_units")
    _check_size(n_units, f"a layer of {n_units} units")
    _check_memory(2.0 ** n_units * max(n_units, 1) * 2, f"binary_states({n_units})")
    k = np.arange(2 ** n_units)
    return ((k[:, None] >> np.arange(n_units - 1, -1, -1)) & 1).astype(np.float64)


def state_index(states: ArrayLike) -> NDArray[np.int64]:
    """Index of each binary row in :func:`binary_states` order.

    Parameters
    ----------
    states : array_like, shape (n_units,) or (n, n_units)
        Rows of 0/1 values, at most 63 units (so that the index fits an int64).

    Returns
    -------
    ndarray of int64, shape () or (n,)

    Raises
    ------
    ValueError
        If an entry is not 0 or 1, the array is not 1-D or 2-D, or it has more than 63 columns.
    """
    array = as_binary_array(states, "states")
    if array.ndim not in (1, 2):
        raise ValueError(f"states must have shape (n_units,) or (n, n_units), got {array.shape}")
    if array.shape[-1] > 63:
        raise ValueError(f"states must have at most 63 units (an int64 index), got {array.shape[-1]}")
    powers = np.int64(1) << np.arange(array.shape[-1] - 1, -1, -1, dtype=np.int64)
    return (array.astype(np.int64) * powers).sum(axis=-1)


def rbm_log_partition(rbm: RBM) -> float:
    """log Z of an RBM, enumerating whichever layer is smaller."""
    _check_rbm(rbm)
    if rbm.n_hidden <= rbm.n_visible:
        _check_memory(2.0 ** rbm.n_hidden * (rbm.n_hidden + 3 * rbm.n_visible), "rbm_log_partition")
        return float(logsumexp(rbm.log_p_star_h(binary_states(rbm.n_hidden))))
    _check_memory(2.0 ** rbm.n_visible * (rbm.n_visible + 3 * rbm.n_hidden), "rbm_log_partition")
    return float(logsumexp(-rbm.free_energy(binary_states(rbm.n_visible))))


def rbm_visible_distribution(rbm: RBM) -> FloatArray:
    """P(v) for every visible state, shape (2**n_visible,)."""
    _check_rbm(rbm)
    _check_size(rbm.n_visible, "the visible layer")
    _check_memory(2.0 ** rbm.n_visible * (rbm.n_visible + 3 * rbm.n_hidden), "rbm_visible_distribution")
    log_p = -rbm.free_energy(binary_states(rbm.n_visible))
    return np.exp(log_p - logsumexp(log_p))


def rbm_hidden_distribution(rbm: RBM) -> FloatArray:
    """P(h) for every hidden state, shape (2**n_hidden,)."""
    _check_rbm(rbm)
    _check_size(rbm.n_hidden, "the hidden layer")
    _check_memory(2.0 ** rbm.n_hidden * (rbm.n_hidden + 3 * rbm.n_visible), "rbm_hidden_distribution")
    log_p = rbm.log_p_star_h(binary_states(rbm.n_hidden))
    return np.exp(log_p - logsumexp(log_p))


def two_cause_hidden_states(model: TwoCauseRBM) -> tuple[FloatArray, FloatArray]:
    """Every joint hidden state (h_a, h_b), shapes (S, Ha) and (S, Hb), S = 2**(Ha+Hb)."""
    _check_model(model)
    ha, hb = model.a.n_hidden, model.b.n_hidden
    _check_size(ha + hb, "the joint hidden layer")
    states = binary_states(ha + hb)
    return states[:, :ha], states[:, ha:]


def two_cause_hidden_distribution(model: TwoCauseRBM) -> FloatArray:
    """P(h_a, h_b) = P_A(h_a) P_B(h_b): with v summed out the causes are independent (§3.1.3)."""
    _check_model(model)
    _check_memory(_joint_states(model) + 2.0 ** model.a.n_hidden * (model.a.n_hidden + 3 * model.n_visible)
                  + 2.0 ** model.b.n_hidden * (model.b.n_hidden + 3 * model.n_visible),
                  f"two_cause_hidden_distribution over 2^{model.a.n_hidden + model.b.n_hidden} joint hidden states")
    _check_size(model.a.n_hidden + model.b.n_hidden, "the joint hidden layer")
    return np.outer(rbm_hidden_distribution(model.a), rbm_hidden_distribution(model.b)).ravel()


def two_cause_visible_distribution(model: TwoCauseRBM) -> FloatArray:
    """P(v) of the two-cause model for every visible state, shape (2**V,)."""
    _check_model(model)
    _check_size(model.a.n_hidden + model.b.n_hidden + model.n_visible, "the two-cause model (hidden and visible)")
    n_v = model.n_visible
    _check_memory(_joint_states(model) * (model.a.n_hidden + model.b.n_hidden + 4 * n_v + 3 * 2.0 ** n_v)
                  + 2.0 ** n_v * n_v, "two_cause_visible_distribution")
    h_a, h_b = two_cause_hidden_states(model)
    prior = two_cause_hidden_distribution(model)
    phi = model.likelihood_input(h_a, h_b)  # (S, V)
    v = binary_states(model.n_visible)  # (2^V, V)
    log_lik = log_expit(phi) @ v.T + log_expit(-phi) @ (1 - v).T  # (S, 2^V)
    return np.exp(logsumexp(log_lik + np.log(prior)[:, None], axis=0))


def two_cause_log_probability(model: TwoCauseRBM, v: ArrayLike, chunk: int = 4096) -> FloatArray:
    """log P(v) of the two-cause model for each row of v, summing over all joint hidden states.

    Costs 2^(Ha+Hb) × n × V operations, so it suits small hidden layers with any
    number of visible units (where :func:`two_cause_visible_distribution` cannot go).

    Returns
    -------
    ndarray, shape (n,) (or () for a single v)
    """
    _check_model(model)
    v, single = as_batch(v, model.n_visible, "v")
    chunk = check_count(chunk, "chunk", minimum=1)
    n_a, n_b, n_v = model.a.n_hidden, model.b.n_hidden, model.n_visible
    n_s = _joint_states(model)
    rows = min(chunk, n_s)
    _check_memory(n_s * (n_a + n_b + 3) + (2.0 ** n_a + 2.0 ** n_b) * (max(n_a, n_b) + 3 * n_v)
                  + rows * 4 * n_v + len(v) * rows * 2 + len(v) * np.ceil(n_s / rows),
                  f"two_cause_log_probability of {len(v)} patterns over 2^{n_a + n_b} joint hidden states")
    h_a, h_b = two_cause_hidden_states(model)
    # log P(h_a) + log P(h_b) from each cause's own states (2^Ha + 2^Hb of them), in joint order
    log_p_a = model.a.log_p_star_h(binary_states(n_a))
    log_p_b = model.b.log_p_star_h(binary_states(n_b))
    log_prior = ((log_p_a - logsumexp(log_p_a))[:, None] + (log_p_b - logsumexp(log_p_b))[None, :]).ravel()
    parts = []
    for start in range(0, len(h_a), chunk):
        rows = slice(start, start + chunk)
        phi = model.likelihood_input(h_a[rows], h_b[rows])
        log_lik = v @ log_expit(phi).T + (1 - v) @ log_expit(-phi).T  # (n, chunk)
        parts.append(logsumexp(log_lik + log_prior[rows][None, :], axis=1))
    out = logsumexp(np.stack(parts), axis=0)
    return out[0] if single else out


def posterior(model: TwoCauseRBM, v: ArrayLike) -> FloatArray:
    """The exact posterior P(h_a, h_b | v) over joint hidden states, shape (2**(Ha+Hb),).

    Memory grows like 2^(Ha+Hb) × V; above :data:`MAX_BYTES` it refuses,
    giving the estimate.
    """
    v = _single_v(model, v)
    _check_size(model.a.n_hidden + model.b.n_hidden, "the joint hidden layer")
    _check_memory(_joint_states(model) * (model.a.n_hidden + model.b.n_hidden + 4 * model.n_visible),
                  f"posterior over 2^{model.a.n_hidden + model.b.n_hidden} joint hidden states "
                  f"× {model.n_visible} visible units")
    h_a, h_b = two_cause_hidden_states(model)
    log_p = model.log_p_star(h_a, h_b, v)
    return np.exp(log_p - logsumexp(log_p))


def sweep_kernel(model: TwoCauseRBM, v: ArrayLike, correction: str = "exact", schedule: str = "sequential") -> FloatArray:
    """Transition matrix T[s, s'] of one sampler sweep given v, over joint hidden states.

    Built exactly from the same log-odds the samplers use, so its stationary
    distribution is what the sampler converges to. Row-stochastic, shape (S, S).

    Parameters
    ----------
    model : TwoCauseRBM
    v : array_like, shape (V,) or (1, V)
        One visible pattern (0/1).
    correction, schedule : str
        As for :meth:`TwoCauseRBM.sample_posterior`.
    """
    corr = get_correction(correction)
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
    v = _single_v(model, v)
    n_a, n_b = model.a.n_hidden, model.b.n_hidden
    _check_size(n_a + n_b, "the sweep kernel's joint hidden layer", MAX_KERNEL_STATES)
    n_s = _joint_states(model)
    _check_memory(3 * n_s * n_s + 6 * n_s * model.n_visible, f"sweep_kernel over {int(n_s)} joint hidden states")
    h_a, h_b = two_cause_hidden_states(model)
    n_states = h_a.shape[0]
    if schedule == "sequential":
        kernel = np.eye(n_states)
        for unit in range(n_a + n_b):
            kernel = _apply_single_site(kernel, model, h_a, h_b, v, unit, corr.name)
        return kernel
    psi_a, _ = model.psi(h_a, h_b, v, corr.name)
    layer_a = _layer_kernel(psi_a, h_a, h_b, n_a, n_b, first=True)
    _, psi_b = model.psi(h_a, h_b, v, corr.name)
    layer_b = _layer_kernel(psi_b, h_a, h_b, n_a, n_b, first=False)
    return layer_a @ layer_b


def _single_v(model: TwoCauseRBM, v: ArrayLike) -> FloatArray:
    """Check the model and one visible pattern; return v as (1, V)."""
    _check_model(model)
    v, _ = as_batch(v, model.n_visible, "v")
    if v.shape[0] != 1:
        raise ValueError(f"v must be a single visible pattern, shape ({model.n_visible},) or "
                         f"(1, {model.n_visible}), got {v.shape[0]} rows")
    return v


def _apply_single_site(kernel, model, h_a, h_b, v, unit, correction):
    """kernel @ T_unit, where T_unit resamples one hidden unit from its conditional."""
    n_a = model.a.n_hidden
    psi_a, psi_b = model.psi(h_a, h_b, v, correction)
    psi = psi_a[:, unit] if unit < n_a else psi_b[:, unit - n_a]
    p_on = np.exp(log_expit(psi))  # P(new bit = 1 | from state s), shape (S,)
    p_off = np.exp(log_expit(-psi))  # not 1 - p_on, which loses a tiny p_off entirely
    n_total = n_a + model.b.n_hidden
    stride = 2 ** (n_total - 1 - unit)
    shape = (kernel.shape[0], -1, 2, stride)  # axis 2 is this unit's bit
    k = kernel.reshape(shape)
    to_on = (k * p_on.reshape(shape[1:])[None]).sum(axis=2, keepdims=True)
    to_off = (k * p_off.reshape(shape[1:])[None]).sum(axis=2, keepdims=True)
    return np.concatenate([to_off, to_on], axis=2).reshape(kernel.shape)


def _layer_kernel(psi, h_a, h_b, n_a, n_b, first):
    """Resample a whole layer at once from the current state: T[s, s']."""
    n_states = h_a.shape[0]
    layer_states = binary_states(n_a if first else n_b)
    log_prob = log_expit(psi) @ layer_states.T + log_expit(-psi) @ (1 - layer_states).T  # (S, 2^H_layer)
    kernel = np.zeros((n_states, n_states))
    rows = np.arange(n_states)
    index_a = state_index(h_a) if n_a else np.zeros(n_states, dtype=np.int64)
    index_b = state_index(h_b) if n_b else np.zeros(n_states, dtype=np.int64)
    for k in range(layer_states.shape[0]):
        target = k * 2 ** n_b + index_b if first else index_a * 2 ** n_b + k
        kernel[rows, target] = np.exp(log_prob[:, k])
    return kernel


def stationary_distribution(kernel: ArrayLike, tol: float = 1e-6) -> FloatArray:
    """The stationary distribution π = π T of an irreducible row-stochastic matrix.

    π solves the linear system (Tᵀ - I) π = 0, Σ π = 1, by LU. For a nearly
    reducible chain (states that the chain leaves with probability ~1e-10 or
    less) that system is ill-conditioned and the solution can be wrong, even
    entirely. LAPACK's condition estimate (dgecon) bounds the error:
    TV(π_computed, π) ≲ n · 2^-52 · cond(A). If that bound exceeds ``tol`` this
    refuses with :class:`IllConditionedKernelError` instead of returning a
    law it cannot vouch for.

    Parameters
    ----------
    kernel : array_like, shape (n, n)
        Finite, nonnegative, each row summing to 1 (within 1e-9).
    tol : float, default 1e-6
        Largest acceptable bound on the total-variation error of π.

    Returns
    -------
    ndarray of float64, shape (n,)

    Raises
    ------
    ValueError
        If ``kernel`` is not a finite, nonnegative, square, row-stochastic matrix.
    IllConditionedKernelError
        (a ValueError) If the chain is reducible or too nearly reducible for π to be
        computed within ``tol``.
    """
    kernel = _check_kernel(kernel)
    if isinstance(tol, (bool, np.bool_)) or not isinstance(tol, (int, float, np.integer, np.floating)) \
            or not np.isfinite(tol) or tol <= 0:
        raise ValueError(f"tol must be a positive finite number, got {tol!r}")
    n = kernel.shape[0]
    system = kernel.T - np.eye(n)
    system[-1, :] = 1.0
    rhs = np.zeros(n)
    rhs[-1] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)  # a singular system is reported below
        lu, pivots = scipy.linalg.lu_factor(system, check_finite=False)
        rcond, _ = lapack.dgecon(lu, np.linalg.norm(system, 1), norm="1")
        error_bound = n * np.finfo(float).eps / rcond if rcond > 0 else np.inf
        if not error_bound <= tol:
            raise IllConditionedKernelError(
                f"kernel is {'reducible' if rcond == 0 else 'nearly reducible'} "
                f"(the condition number of its stationary equations is about {1 / max(rcond, 1e-300):.2g}): "
                f"its stationary distribution could be wrong by up to {min(error_bound, 1.0):.2g} in total "
                f"variation, more than tol = {tol:g}. A chain that barely leaves some states also mixes "
                "too slowly for a sampler to reach this law; use smaller weights, or a larger tol to accept it.")
        pi = scipy.linalg.lu_solve((lu, pivots), rhs, check_finite=False)
    pi = np.clip(pi, 0.0, None)
    return pi / pi.sum()


def _check_kernel(kernel: ArrayLike) -> FloatArray:
    array = as_float_array(kernel, "kernel")
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] == 0:
        raise ValueError(f"kernel must be a non-empty square matrix (n, n), got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError("kernel must be finite, found NaN or inf")
    if array.min() < 0:
        raise ValueError(f"kernel must be nonnegative, found {array.min()!r}")
    row_sums = array.sum(axis=1)
    worst = int(np.argmax(np.abs(row_sums - 1.0)))
    if abs(row_sums[worst] - 1.0) > 1e-9:
        raise ValueError(f"kernel must be row-stochastic (each row summing to 1), row {worst} sums to "
                         f"{row_sums[worst]:.12g}")
    return array


def sampler_stationary_distribution(model: TwoCauseRBM, v: ArrayLike, correction: str = "exact",
                                    schedule: str = "sequential", tol: float = 1e-6) -> FloatArray:
    """What a sampler converges to given v: the stationary law of its sweep kernel.

    Raises :class:`IllConditionedKernelError` when the kernel is too nearly
    reducible for that law to be computed within ``tol`` (see
    :func:`stationary_distribution`), e.g. for weights of a few tens and up.
    """
    return stationary_distribution(sweep_kernel(model, v, correction, schedule), tol)
