"""Posterior samplers for the two-cause model: P(h^A, h^B | v).

Two schedules:

``"sequential"``  one hidden unit at a time, each from its full conditional
                  given every other unit (A's units in order, then B's).
                  With the exact correction this is a valid Gibbs sampler.
``"parallel"``    a whole layer at once from the old state (A, then B), as
                  the predecessor code did. Given v the units of one cause
                  are coupled, so this does *not* leave the posterior
                  invariant; it is kept so that its bias can be seen.

The sequential exact sampler runs in a compiled kernel that keeps φ^A,
φ^B, φ^A+φ^B and their log-sigmoids up to date, so each unit update costs
two fresh log-sigmoids per visible unit and chain.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, log_expit
from tqdm.auto import tqdm

from ._kernels import sweep as _kernels
from .corrections import Correction, get_correction

__all__ = ["layer_psi", "run_sweeps", "SCHEDULES"]

FloatArray = NDArray[np.float64]
SCHEDULES = ("sequential", "parallel")
# Uniform draws made at once in the compiled path: bounds memory for many chains.
_UNIFORMS_PER_BLOCK = 1 << 22


def layer_psi(own_phi: FloatArray, other_phi: FloatArray, h: FloatArray, weights: FloatArray,
              base: FloatArray, correction: Correction) -> FloatArray:
    """Gibbs log-odds ψ_j of every unit of one cause, each given all the other units.

    Parameters
    ----------
    own_phi : (n, V)   this cause's actual input to the visibles, φ^A.
    other_phi : (n, V) the other cause's input, ε = φ^B.
    h : (n, H)         this cause's hidden states.
    weights : (H, V)   this cause's weights W^A.
    base : (n, H)      the vanilla part W_j0 + Σ_i W_ji v_i.
    correction : Correction

    Returns
    -------
    (n, H) array of log-odds.
    """
    psi = base.copy()
    for j in range(weights.shape[0]):
        psi[:, j] += correction.from_state(own_phi, h[:, j:j + 1], other_phi, weights[j]).sum(axis=1)
    return psi


def run_sweeps(model: Any, v: FloatArray, h_a: FloatArray, h_b: FloatArray, n_sweeps: int,
               correction: str, schedule: str, rng: np.random.Generator,
               progress: bool = False) -> tuple[FloatArray, FloatArray]:
    """Run ``n_sweeps`` sweeps on a batch of chains; inputs are checked 2-D float arrays.

    ``h_a`` and ``h_b`` are updated in place and returned.
    """
    corr = get_correction(correction)
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
    a, b = model.a, model.b
    base_a = v @ a.weights.T + a.hidden_bias
    base_b = v @ b.weights.T + b.hidden_bias
    if schedule == "sequential" and corr.name == "exact":
        return _sequential_exact(model, h_a, h_b, base_a, base_b, n_sweeps, rng, progress)
    bar = tqdm(total=n_sweeps, desc=f"{schedule} Gibbs ({corr.name})", disable=not progress, leave=False)
    for _ in range(n_sweeps):
        if schedule == "sequential":
            _sequential_python(model, h_a, h_b, base_a, base_b, corr, rng)
        else:
            phi_a, phi_b = model.visible_inputs(h_a, h_b)
            total = model.likelihood_input(h_a, h_b)
            psi_a = layer_psi(phi_a, total - phi_a, h_a, a.weights, base_a, corr)
            h_a[...] = rng.random(h_a.shape) < expit(psi_a)
            total = model.likelihood_input(h_a, h_b)
            psi_b = layer_psi(phi_b, total - phi_b, h_b, b.weights, base_b, corr)
            h_b[...] = rng.random(h_b.shape) < expit(psi_b)
        bar.update()
    bar.close()
    return h_a, h_b


def _sequential_python(model, h_a, h_b, base_a, base_b, corr, rng):
    """One sequential sweep for any registered correction, vectorised over chains."""
    phi_a, phi_b = model.visible_inputs(h_a, h_b)
    total = model.likelihood_input(h_a, h_b)  # the belief layer's input; the other cause's part is total - own
    for own, h, rbm, base in [(phi_a, h_a, model.a, base_a), (phi_b, h_b, model.b, base_b)]:
        for j in range(rbm.n_hidden):
            w_row = rbm.weights[j]
            psi = base[:, j] + corr.from_state(own, h[:, j:j + 1], total - own, w_row).sum(axis=1)
            new = (rng.random(psi.shape) < expit(psi)).astype(np.float64)
            change = (new - h[:, j])[:, None] * w_row
            own += change
            total += change
            h[:, j] = new


def _sequential_exact(model, h_a, h_b, base_a, base_b, n_sweeps, rng, progress):
    a, b = model.a, model.b
    n_chains = h_a.shape[0]
    phi_a = np.ascontiguousarray(h_a @ a.weights + a.visible_bias)
    phi_b = np.ascontiguousarray(h_b @ b.weights + b.visible_bias)
    phi_ab = np.ascontiguousarray(model.likelihood_input(h_a, h_b))  # φ^A + φ^B in the notes' model
    log_a, log_b, log_ab = log_expit(phi_a), log_expit(phi_b), log_expit(phi_ab)
    h_a_c, h_b_c = np.ascontiguousarray(h_a), np.ascontiguousarray(h_b)
    per_sweep = max(1, n_chains * (a.n_hidden + b.n_hidden))
    block = max(1, min(n_sweeps, _UNIFORMS_PER_BLOCK // per_sweep))
    bar = tqdm(total=n_sweeps, desc="sequential Gibbs (exact)", disable=not progress, leave=False)
    done = 0
    while done < n_sweeps:
        todo = min(block, n_sweeps - done)
        uniforms_a = rng.random((todo, n_chains, a.n_hidden))
        uniforms_b = rng.random((todo, n_chains, b.n_hidden))
        _kernels.sequential_sweeps_exact(h_a_c, h_b_c, a.weights, b.weights,
                                         np.ascontiguousarray(base_a), np.ascontiguousarray(base_b),
                                         phi_a, phi_b, phi_ab, log_a, log_b, log_ab, uniforms_a, uniforms_b)
        done += todo
        bar.update(todo)
    bar.close()
    h_a[...] = h_a_c
    h_b[...] = h_b_c
    return h_a, h_b
