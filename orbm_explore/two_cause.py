"""The two-cause model (notes §1, §3): two independent RBMs whose visible inputs are summed.

Cause A and cause B are RBMs over the same visible units. In the generative
model each runs its own chain to give h^A and h^B, then

    P(v_i = 1 | h^A, h^B) = σ(φ^A_i + φ^B_i),

with φ^A_i = Σ_j h^A_j W^A_ji + W^A_0i (each cause keeps its own visible
bias, as the notes advise). The unnormalised joint is

    log P*(h^A, h^B, v) = log P*_A(h^A) + log P*_B(h^B) + log P(v | h^A, h^B),

normalised by Z_A Z_B. Inferring h^A given v must *explain away* what B
already accounts for: see :mod:`orbm_explore.corrections`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, log_expit

from . import sampling
from .corrections import get_correction
from .modelio import load_arrays, save_arrays
from .numerics import as_float_array, as_generator
from .rbm import RBM, _check_count, _unbatch, as_batch, bernoulli

__all__ = ["TwoCauseRBM"]

FloatArray = NDArray[np.float64]


class TwoCauseRBM:
    """Two RBMs, ``a`` and ``b``, combined through one sigmoid belief layer.

    Parameters
    ----------
    a, b : RBM
        The two causes; they must have the same number of visible units.
    belief_bias : array_like, shape (n_visible,), optional
        The sigmoid belief layer's own bias. By default (None) it is the sum of
        the two causes' visible biases, W^A_0 + W^B_0: the notes' model. Given,
        P(v_i = 1 | h^A, h^B) = σ(Σ_j W^A_ji h^A_j + Σ_j W^B_ji h^B_j + belief_bias_i),
        while each cause's prior P*(h) keeps its own visible bias: the notes'
        §1 suggestion to "merge" the two biases.
    """

    def __init__(self, a: RBM, b: RBM, belief_bias: ArrayLike | None = None):
        for name, rbm in [("a", a), ("b", b)]:
            if not isinstance(rbm, RBM):
                raise TypeError(f"{name} must be an RBM, got {type(rbm).__name__}")
        if a.n_visible != b.n_visible:
            raise ValueError(
                f"the two causes must share the visible layer: a has {a.n_visible} visible units, b has {b.n_visible}")
        self.a = a
        self.b = b
        if belief_bias is not None:
            belief_bias = as_float_array(belief_bias, "belief_bias")
            if belief_bias.shape != (a.n_visible,) or not np.all(np.isfinite(belief_bias)):
                raise ValueError(f"belief_bias must be a finite array of shape ({a.n_visible},), "
                                 f"got shape {belief_bias.shape}")
            belief_bias = belief_bias.copy()
        self.belief_bias = belief_bias

    @property
    def n_visible(self) -> int:
        return self.a.n_visible

    def __repr__(self) -> str:
        return f"TwoCauseRBM(a={self.a!r}, b={self.b!r})"

    def __eq__(self, other: object) -> bool:
        if not (isinstance(other, TwoCauseRBM) and self.a == other.a and self.b == other.b):
            return False
        if self.belief_bias is None or other.belief_bias is None:
            return self.belief_bias is None and other.belief_bias is None
        return np.array_equal(self.belief_bias, other.belief_bias)

    @property
    def total_visible_bias(self) -> FloatArray:
        """The bias of the belief layer: W^A_0 + W^B_0 (the notes' model) or ``belief_bias``."""
        if self.belief_bias is None:
            return self.a.visible_bias + self.b.visible_bias
        return self.belief_bias

    # ---------------------------------------------------------------- inputs
    def _hidden_batches(self, h_a, h_b):
        h_a, single_a = as_batch(h_a, self.a.n_hidden, "h_a")
        h_b, single_b = as_batch(h_b, self.b.n_hidden, "h_b")
        return h_a, h_b, single_a and single_b

    def visible_inputs(self, h_a: ArrayLike, h_b: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """(φ^A, φ^B): each cause's input to the visibles, including its own visible bias."""
        h_a, h_b, single = self._hidden_batches(h_a, h_b)
        phi_a = h_a @ self.a.weights + self.a.visible_bias
        phi_b = h_b @ self.b.weights + self.b.visible_bias
        return _unbatch(phi_a, single), _unbatch(phi_b, single)

    def likelihood_input(self, h_a: ArrayLike, h_b: ArrayLike) -> FloatArray:
        """x = W^A h^A + W^B h^B + the belief layer's bias, so that P(v_i = 1 | h) = σ(x_i).

        In the notes' model (no ``belief_bias``) this is φ^A + φ^B.
        """
        h_a, h_b, single = self._hidden_batches(h_a, h_b)
        return _unbatch(h_a @ self.a.weights + h_b @ self.b.weights + self.total_visible_bias, single)

    # ----------------------------------------------------------- probability
    def log_p_star(self, h_a: ArrayLike, h_b: ArrayLike, v: ArrayLike) -> FloatArray:
        """log P*(h^A, h^B, v) = log P*_A(h^A) + log P*_B(h^B) + log P(v | h^A, h^B); shape () or (n,)."""
        h_a, h_b, single_h = self._hidden_batches(h_a, h_b)
        v, single_v = as_batch(v, self.n_visible, "v")
        phi = h_a @ self.a.weights + h_b @ self.b.weights + self.total_visible_bias
        log_p_v = (v * log_expit(phi) + (1 - v) * log_expit(-phi)).sum(axis=1)
        value = self.a.log_p_star_h(h_a) + self.b.log_p_star_h(h_b) + log_p_v
        return _unbatch(value, single_h and single_v)

    def p_v_given_h(self, h_a: ArrayLike, h_b: ArrayLike) -> FloatArray:
        """P(v_i = 1 | h^A, h^B) = σ(φ^A_i + φ^B_i) (σ of :meth:`likelihood_input` in general)."""
        return expit(self.likelihood_input(h_a, h_b))

    def psi(self, h_a: ArrayLike, h_b: ArrayLike, v: ArrayLike,
            correction: str = "exact") -> tuple[FloatArray, FloatArray]:
        """Gibbs log-odds of every hidden unit given all the others and v.

        ψ_j = W_j0 + Σ_i W_ji v_i + Σ_i C_ji, where C is the named correction
        (``"exact"`` gives the true conditional log-odds).

        Returns
        -------
        (psi_a, psi_b) : shapes (n_hidden_a,) and (n_hidden_b,), or (n, ·) for a batch.
        """
        corr = get_correction(correction)
        h_a, h_b, single_h = self._hidden_batches(h_a, h_b)
        v, single_v = as_batch(v, self.n_visible, "v")
        n = _common_batch_size(("h_a", h_a), ("h_b", h_b), ("v", v))
        h_a, h_b, v = (np.broadcast_to(x, (n, x.shape[1])) for x in (h_a, h_b, v))
        phi_a = h_a @ self.a.weights + self.a.visible_bias
        phi_b = h_b @ self.b.weights + self.b.visible_bias
        total = h_a @ self.a.weights + h_b @ self.b.weights + self.total_visible_bias
        psi_a = sampling.layer_psi(phi_a, total - phi_a, h_a, self.a.weights,
                                   v @ self.a.weights.T + self.a.hidden_bias, corr)
        psi_b = sampling.layer_psi(phi_b, total - phi_b, h_b, self.b.weights,
                                   v @ self.b.weights.T + self.b.hidden_bias, corr)
        single = single_h and single_v
        return _unbatch(psi_a, single), _unbatch(psi_b, single)

    # -------------------------------------------------------------- sampling
    def sample_posterior(self, v: ArrayLike, n_sweeps: int, correction: str = "exact",
                         schedule: str = "sequential", h_a: ArrayLike | None = None,
                         h_b: ArrayLike | None = None, rng: Any = None,
                         progress: bool = False) -> tuple[FloatArray, FloatArray]:
        """Gibbs-sample P(h^A, h^B | v) (the wake phase), one chain per row of v.

        Parameters
        ----------
        v : array_like, shape (V,) or (n, V), binary
            The clamped visible pattern of each chain.
        n_sweeps : int
            Sweeps over all hidden units.
        correction : str
            A key of :data:`orbm_explore.corrections.CORRECTIONS`.
        schedule : {"sequential", "parallel"}
            See :mod:`orbm_explore.sampling`. Only sequential + exact is a valid
            Gibbs sampler of the posterior.
        h_a, h_b : array_like, optional
            Starting states (default: uniform random).
        rng : None, int or Generator
        progress : bool
            Show a tqdm progress bar.

        Returns
        -------
        (h_a, h_b) : arrays of shape (n, n_hidden_a) and (n, n_hidden_b) (1-D for a single v).
        """
        rng = as_generator(rng)
        _check_count(n_sweeps, "n_sweeps", minimum=0)
        get_correction(correction)
        if schedule not in sampling.SCHEDULES:
            raise ValueError(f"schedule must be one of {sampling.SCHEDULES}, got {schedule!r}")
        v, single = as_batch(v, self.n_visible, "v")
        n = v.shape[0]
        start_a = self._start(h_a, "h_a", self.a.n_hidden, n, rng)
        start_b = self._start(h_b, "h_b", self.b.n_hidden, n, rng)
        out_a, out_b = sampling.run_sweeps(self, v, start_a, start_b, n_sweeps, correction, schedule, rng, progress)
        return _unbatch(out_a, single), _unbatch(out_b, single)

    @staticmethod
    def _start(h, name, width, n, rng):
        if h is None:
            return bernoulli(np.full((n, width), 0.5), rng)
        h, _ = as_batch(h, width, name)
        if h.shape[0] not in (1, n):
            raise ValueError(f"{name} must have 1 or {n} rows (one per chain), got {h.shape[0]}")
        return np.broadcast_to(h, (n, width)).copy()

    def sample(self, n_samples: int, n_steps: int = 200, rng: Any = None) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Ancestral ("sleep") sampling: each RBM runs its own Gibbs chain, then v ~ σ(φ^A + φ^B).

        Returns
        -------
        (h_a, h_b, v) : arrays of shape (n_samples, ·)
        """
        rng = as_generator(rng)
        h_a = self.a.sample_hidden(n_samples, n_steps, rng)
        h_b = self.b.sample_hidden(n_samples, n_steps, rng)
        v = bernoulli(self.p_v_given_h(h_a, h_b), rng)
        return h_a, h_b, v

    def reconstructions(self, h_a: ArrayLike, h_b: ArrayLike,
                        mode: str = "solo") -> tuple[FloatArray, FloatArray]:
        """Each cause's own picture of v, given hidden states (for example posterior samples).

        mode="solo"            σ(φ^A): cause A alone with its own visible bias.
        mode="counterfactual"  P(v | h^A, h^B = 0): what v would look like if B's
                               hidden units were all silent (σ(φ^A + W^B_0) in the notes' model).

        Returns
        -------
        (recon_a, recon_b) : probabilities, shape (V,) or (n, V)
        """
        phi_a, phi_b = self.visible_inputs(h_a, h_b)
        if mode == "solo":
            return expit(phi_a), expit(phi_b)
        if mode == "counterfactual":
            h_a, h_b, single = self._hidden_batches(h_a, h_b)
            silent_a, silent_b = np.zeros_like(h_a), np.zeros_like(h_b)
            recon_a, recon_b = self.p_v_given_h(h_a, silent_b), self.p_v_given_h(silent_a, h_b)
            return _unbatch(recon_a, single), _unbatch(recon_b, single)
        raise ValueError(f"mode must be 'solo' or 'counterfactual', got {mode!r}")

    # -------------------------------------------------------------------- I/O
    def save(self, path: str | os.PathLike) -> Path:
        """Write both causes (and the belief layer's bias, if set) to one .npz file atomically."""
        arrays = {**self.a.to_arrays("a_"), **self.b.to_arrays("b_")}
        if self.belief_bias is not None:
            arrays["belief_bias"] = self.belief_bias
        return save_arrays(path, "TwoCauseRBM", arrays)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "TwoCauseRBM":
        """Read a model written by :meth:`save`; raises ModelFileError on a bad file."""
        shapes = {**RBM.array_shapes("a_", "n_hidden_a"), **RBM.array_shapes("b_", "n_hidden_b")}
        arrays = load_arrays(path, "TwoCauseRBM", shapes, optional={"belief_bias": ("n_visible",)})
        return cls(RBM(arrays["a_weights"], arrays["a_visible_bias"], arrays["a_hidden_bias"]),
                   RBM(arrays["b_weights"], arrays["b_visible_bias"], arrays["b_hidden_bias"]),
                   arrays.get("belief_bias"))


def _common_batch_size(*named):
    sizes = {x.shape[0] for _, x in named if x.shape[0] != 1}
    if len(sizes) > 1:
        detail = ", ".join(f"{name} has {x.shape[0]} rows" for name, x in named)
        raise ValueError(f"batch sizes do not match: {detail}")
    return sizes.pop() if sizes else 1
