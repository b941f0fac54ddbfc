"""Ground truth by brute-force enumeration, for small models.

States are listed by :func:`binary_states`: row k holds the binary digits of
k, unit 0 first (most significant). Joint hidden states of the two-cause
model are the rows of ``np.hstack([h_a, h_b])``, A's units first, so the
index of (h_a, h_b) is ``index(h_a) * 2**Hb + index(h_b)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import log_expit, logsumexp

from .corrections import get_correction
from .rbm import RBM, as_batch
from .sampling import SCHEDULES

__all__ = [
    "MAX_STATES",
    "MAX_KERNEL_STATES",
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
MAX_STATES = 1 << 22
MAX_KERNEL_STATES = 1 << 12


def _check_size(n_units: int, what: str, limit: int = MAX_STATES) -> None:
    if 2.0 ** n_units > limit:
        raise ValueError(
            f"{what} has 2^{n_units} states, more than the {limit:,} (2^{limit.bit_length() - 1}) "
            "that exact enumeration allows; use a smaller model or a sampler")


def binary_states(n_units: int) -> FloatArray:
    """All 2**n_units binary vectors, shape (2**n_units, n_units), unit 0 most significant."""
    if n_units < 0:
        raise ValueError(f"n_units must be >= 0, got {n_units}")
    _check_size(n_units, f"a layer of {n_units} units")
    k = np.arange(2 ** n_units)
    return ((k[:, None] >> np.arange(n_units - 1, -1, -1)) & 1).astype(np.float64)


def state_index(states: ArrayLike) -> NDArray[np.int64]:
    """Index of each binary row in :func:`binary_states` order; shape (n,) or ()."""
    states = np.asarray(states)
    powers = 2 ** np.arange(states.shape[-1] - 1, -1, -1)
    return (states.astype(np.int64) * powers).sum(axis=-1)


def rbm_log_partition(rbm: RBM) -> float:
    """log Z of an RBM, enumerating whichever layer is smaller."""
    if rbm.n_hidden <= rbm.n_visible:
        return float(logsumexp(rbm.log_p_star_h(binary_states(rbm.n_hidden))))
    return float(logsumexp(-rbm.free_energy(binary_states(rbm.n_visible))))


def rbm_visible_distribution(rbm: RBM) -> FloatArray:
    """P(v) for every visible state, shape (2**n_visible,)."""
    log_p = -rbm.free_energy(binary_states(rbm.n_visible))
    return np.exp(log_p - logsumexp(log_p))


def rbm_hidden_distribution(rbm: RBM) -> FloatArray:
    """P(h) for every hidden state, shape (2**n_hidden,)."""
    log_p = rbm.log_p_star_h(binary_states(rbm.n_hidden))
    return np.exp(log_p - logsumexp(log_p))


def two_cause_hidden_states(model: Any) -> tuple[FloatArray, FloatArray]:
    """Every joint hidden state (h_a, h_b), shapes (S, Ha) and (S, Hb), S = 2**(Ha+Hb)."""
    ha, hb = model.a.n_hidden, model.b.n_hidden
    _check_size(ha + hb, "the joint hidden layer")
    states = binary_states(ha + hb)
    return states[:, :ha], states[:, ha:]


def two_cause_hidden_distribution(model: Any) -> FloatArray:
    """P(h_a, h_b) = P_A(h_a) P_B(h_b): with v summed out the causes are independent (§3.1.3)."""
    return np.outer(rbm_hidden_distribution(model.a), rbm_hidden_distribution(model.b)).ravel()


def two_cause_visible_distribution(model: Any) -> FloatArray:
    """P(v) of the two-cause model for every visible state, shape (2**V,)."""
    _check_size(model.a.n_hidden + model.b.n_hidden + model.n_visible, "the two-cause model (hidden and visible)")
    h_a, h_b = two_cause_hidden_states(model)
    prior = two_cause_hidden_distribution(model)
    phi = model.likelihood_input(h_a, h_b)  # (S, V)
    v = binary_states(model.n_visible)  # (2^V, V)
    log_lik = log_expit(phi) @ v.T + log_expit(-phi) @ (1 - v).T  # (S, 2^V)
    return np.exp(logsumexp(log_lik + np.log(prior)[:, None], axis=0))


def two_cause_log_probability(model: Any, v: ArrayLike, chunk: int = 4096) -> FloatArray:
    """log P(v) of the two-cause model for each row of v, summing over all joint hidden states.

    Costs 2^(Ha+Hb) × n × V operations, so it suits small hidden layers with any
    number of visible units (where :func:`two_cause_visible_distribution` cannot go).

    Returns
    -------
    ndarray, shape (n,) (or () for a single v)
    """
    v, single = as_batch(v, model.n_visible, "v")
    h_a, h_b = two_cause_hidden_states(model)
    log_prior = (model.a.log_p_star_h(h_a) + model.b.log_p_star_h(h_b)
                 - rbm_log_partition(model.a) - rbm_log_partition(model.b))
    parts = []
    for start in range(0, len(h_a), chunk):
        rows = slice(start, start + chunk)
        phi = model.likelihood_input(h_a[rows], h_b[rows])
        log_lik = v @ log_expit(phi).T + (1 - v) @ log_expit(-phi).T  # (n, chunk)
        parts.append(logsumexp(log_lik + log_prior[rows][None, :], axis=1))
    out = logsumexp(np.stack(parts), axis=0)
    return out[0] if single else out


def posterior(model: Any, v: ArrayLike) -> FloatArray:
    """The exact posterior P(h_a, h_b | v) over joint hidden states, shape (2**(Ha+Hb),)."""
    v, _ = as_batch(v, model.n_visible, "v")
    if v.shape[0] != 1:
        raise ValueError(f"v must be a single visible pattern, got {v.shape[0]} rows")
    h_a, h_b = two_cause_hidden_states(model)
    log_p = model.log_p_star(h_a, h_b, v)
    return np.exp(log_p - logsumexp(log_p))


def sweep_kernel(model: Any, v: ArrayLike, correction: str = "exact", schedule: str = "sequential") -> FloatArray:
    """Transition matrix T[s, s'] of one sampler sweep given v, over joint hidden states.

    Built exactly from the same log-odds the samplers use, so its stationary
    distribution is what the sampler converges to. Row-stochastic, shape (S, S).
    """
    corr = get_correction(correction)
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
    v, _ = as_batch(v, model.n_visible, "v")
    n_a, n_b = model.a.n_hidden, model.b.n_hidden
    _check_size(n_a + n_b, "the sweep kernel's joint hidden layer", MAX_KERNEL_STATES)
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


def _apply_single_site(kernel, model, h_a, h_b, v, unit, correction):
    """kernel @ T_unit, where T_unit resamples one hidden unit from its conditional."""
    n_a = model.a.n_hidden
    psi_a, psi_b = model.psi(h_a, h_b, v, correction)
    psi = psi_a[:, unit] if unit < n_a else psi_b[:, unit - n_a]
    p_on = np.exp(log_expit(psi))  # P(new bit = 1 | from state s), shape (S,)
    n_total = n_a + model.b.n_hidden
    stride = 2 ** (n_total - 1 - unit)
    shape = (kernel.shape[0], -1, 2, stride)  # axis 2 is this unit's bit
    k = kernel.reshape(shape)
    p = p_on.reshape(shape[1:])[None]
    to_on = (k * p).sum(axis=2, keepdims=True)
    to_off = (k * (1 - p)).sum(axis=2, keepdims=True)
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


def stationary_distribution(kernel: ArrayLike) -> FloatArray:
    """The stationary distribution π = π T of an irreducible row-stochastic matrix."""
    kernel = np.asarray(kernel, dtype=np.float64)
    n = kernel.shape[0]
    system = kernel.T - np.eye(n)
    system[-1, :] = 1.0
    rhs = np.zeros(n)
    rhs[-1] = 1.0
    pi = np.linalg.solve(system, rhs)
    pi = np.clip(pi, 0.0, None)
    return pi / pi.sum()


def sampler_stationary_distribution(model: Any, v: ArrayLike, correction: str = "exact",
                                    schedule: str = "sequential") -> FloatArray:
    """What a sampler converges to given v: the stationary law of its sweep kernel."""
    return stationary_distribution(sweep_kernel(model, v, correction, schedule))
