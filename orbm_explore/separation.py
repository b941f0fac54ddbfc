"""Separating a composite into its causes, and scoring the result against the true components."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit

from .numerics import as_generator
from .rbm import RBM, as_batch, bernoulli
from .two_cause import TwoCauseRBM

__all__ = ["separate", "rbm_reconstruct", "pixel_accuracy", "cross_entropy", "cosine_similarity"]

FloatArray = NDArray[np.float64]


def separate(model: TwoCauseRBM, v: Any, n_sweeps: int = 50, correction: str = "exact", n_average: int = 10,
             mode: str = "solo", rng: Any = None) -> tuple[FloatArray, FloatArray]:
    """Each cause's reconstruction of composite(s) v: posterior Gibbs, then reconstructions averaged.

    Runs ``n_sweeps`` sequential sweeps per chain (one chain per row of v) and
    averages each cause's reconstruction (:meth:`TwoCauseRBM.reconstructions`)
    over the last ``n_average`` of them.

    Returns
    -------
    (recon_a, recon_b) : probabilities, shape like v
    """
    rng = as_generator(rng)
    v, single = as_batch(v, model.n_visible, "v")
    if not 1 <= n_average <= n_sweeps:
        raise ValueError(f"n_average must be between 1 and n_sweeps={n_sweeps}, got {n_average}")
    h_a, h_b = model.sample_posterior(v, n_sweeps - n_average, correction=correction, rng=rng)
    total_a = np.zeros_like(v)
    total_b = np.zeros_like(v)
    for _ in range(n_average):
        h_a, h_b = model.sample_posterior(v, 1, correction=correction, h_a=h_a, h_b=h_b, rng=rng)
        recon_a, recon_b = model.reconstructions(h_a, h_b, mode=mode)
        total_a += recon_a
        total_b += recon_b
    out = total_a / n_average, total_b / n_average
    return (out[0][0], out[1][0]) if single else out


def rbm_reconstruct(rbm: RBM, v: Any, n_average: int = 10, rng: Any = None) -> FloatArray:
    """A plain RBM's picture of v (the baseline): σ(φ(h)) averaged over n_average draws of h ~ P(h | v)."""
    rng = as_generator(rng)
    v, single = as_batch(v, rbm.n_visible, "v")
    p_h = expit(v @ rbm.weights.T + rbm.hidden_bias)
    total = np.zeros_like(v)
    for _ in range(n_average):
        total += expit(bernoulli(p_h, rng) @ rbm.weights + rbm.visible_bias)
    out = total / n_average
    return out[0] if single else out


def pixel_accuracy(reconstruction: Any, truth: Any) -> FloatArray:
    """Fraction of pixels where the thresholded reconstruction (> ½) equals the truth; one value per row."""
    return np.mean((np.asarray(reconstruction) > 0.5) == (np.asarray(truth) > 0.5), axis=-1)


def cross_entropy(reconstruction: Any, truth: Any, floor: float = 1e-6) -> FloatArray:
    """Bernoulli cross-entropy of the truth under the reconstruction, nats per image (summed over pixels)."""
    r = np.clip(np.asarray(reconstruction, dtype=float), floor, 1 - floor)
    t = np.asarray(truth, dtype=float)
    return -np.sum(t * np.log(r) + (1 - t) * np.log1p(-r), axis=-1)


def cosine_similarity(reconstruction: Any, truth: Any) -> FloatArray:
    """Cosine between reconstruction and truth, per row (0 where either is all zero)."""
    r = np.asarray(reconstruction, dtype=float)
    t = np.asarray(truth, dtype=float)
    norms = np.linalg.norm(r, axis=-1) * np.linalg.norm(t, axis=-1)
    return np.divide(np.sum(r * t, axis=-1), norms, out=np.zeros_like(norms), where=norms > 0)
