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
from .numerics import as_float_array, as_generator, bernoulli, check_budget, check_count
from .rbm import BYTES_PER_CHAIN_UNIT, MAX_INPUT, RBM, _unbatch, as_batch

__all__ = ["TwoCauseRBM"]

FloatArray = NDArray[np.float64]
RECONSTRUCTION_MODES = ("solo", "counterfactual")


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

    Notes
    -----
    The public methods check their arguments; the package's own loops call the
    unchecked private helpers (``_inputs``, ``_belief_input``,
    ``_log_joint_gradient``) on 2-D float arrays.
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
            if belief_bias.shape != (a.n_visible,) or not np.all(np.abs(belief_bias) <= MAX_INPUT):
                raise ValueError(f"belief_bias must be a finite array of shape ({a.n_visible},) with "
                                 f"|values| <= {MAX_INPUT:g}, got shape {belief_bias.shape}")
            belief_bias = belief_bias.copy()
        self.belief_bias = belief_bias

    @property
    def n_visible(self) -> int:
        return self.a.n_visible

    def __repr__(self) -> str:
        merged = "" if self.belief_bias is None else ", belief_bias=..."
        return f"TwoCauseRBM(a={self.a!r}, b={self.b!r}{merged})"

    def __eq__(self, other: object) -> bool:
        if not (isinstance(other, TwoCauseRBM) and self.a == other.a and self.b == other.b):
            return False
        if self.belief_bias is None or other.belief_bias is None:
            return self.belief_bias is None and other.belief_bias is None
        return np.array_equal(self.belief_bias, other.belief_bias)

    def copy(self) -> "TwoCauseRBM":
        return TwoCauseRBM(self.a.copy(), self.b.copy(), self.belief_bias)

    @property
    def total_visible_bias(self) -> FloatArray:
        """The bias of the belief layer: W^A_0 + W^B_0 (the notes' model) or ``belief_bias``."""
        if self.belief_bias is None:
            return self.a.visible_bias + self.b.visible_bias
        return self.belief_bias

    # ------------------------------------------------- unchecked arithmetic
    def _inputs(self, h_a: FloatArray, h_b: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(φ^A, φ^B, x): each cause's input with its own visible bias, and the belief layer's input."""
        a_part = h_a @ self.a.weights
        b_part = h_b @ self.b.weights
        return (a_part + self.a.visible_bias, b_part + self.b.visible_bias,
                a_part + b_part + self.total_visible_bias)

    def _belief_input(self, h_a: FloatArray, h_b: FloatArray) -> FloatArray:
        return h_a @ self.a.weights + h_b @ self.b.weights + self.total_visible_bias

    def _log_joint_gradient(self, v: FloatArray, h_a: FloatArray, h_b: FloatArray) -> dict[str, FloatArray]:
        """Gradient of log P*(h^A, h^B, v), averaged over rows; keys as :meth:`parameters`."""
        phi_a, phi_b, x = self._inputs(h_a, h_b)
        error = v - expit(x)  # the perceptron term v - σ(x) of notes §3.1.1
        n = len(v)
        grads = {}
        for name, h, phi in (("a", h_a, phi_a), ("b", h_b, phi_b)):
            prior = expit(phi)  # from log P*(h) = Σ_i softplus(φ_i) + ...
            grads[f"{name}_weights"] = h.T @ (prior + error) / n
            # a cause's visible bias reaches the belief layer only in the notes' model
            grads[f"{name}_visible_bias"] = (prior + error if self.belief_bias is None else prior).mean(axis=0)
            grads[f"{name}_hidden_bias"] = h.mean(axis=0)
        if self.belief_bias is not None:
            grads["belief_bias"] = error.mean(axis=0)
        return grads

    def parameters(self) -> dict[str, FloatArray]:
        """The model's parameter arrays by name (the arrays themselves: updating them updates the model).

        Keys: ``a_weights``, ``a_visible_bias``, ``a_hidden_bias``, the same for ``b_``,
        and ``belief_bias`` when the model has its own belief-layer bias.
        """
        params = {**self.a.to_arrays("a_"), **self.b.to_arrays("b_")}
        if self.belief_bias is not None:
            params["belief_bias"] = self.belief_bias
        return params

    # ---------------------------------------------------------------- inputs
    def _hidden_batches(self, h_a: ArrayLike, h_b: ArrayLike) -> tuple[FloatArray, FloatArray, bool]:
        h_a, single_a = as_batch(h_a, self.a.n_hidden, "h_a")
        h_b, single_b = as_batch(h_b, self.b.n_hidden, "h_b")
        n = _common_batch_size(("h_a", h_a), ("h_b", h_b))
        h_a, h_b = (np.broadcast_to(h, (n, h.shape[1])) for h in (h_a, h_b))
        return h_a, h_b, single_a and single_b

    def visible_inputs(self, h_a: ArrayLike, h_b: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """(φ^A, φ^B): each cause's input to the visibles, including its own visible bias.

        h_a (H_A,) or (n, H_A) and h_b likewise (1 or n rows); returns two arrays (V,) or (n, V).
        """
        h_a, h_b, single = self._hidden_batches(h_a, h_b)
        phi_a, phi_b, _ = self._inputs(h_a, h_b)
        return _unbatch(phi_a, single), _unbatch(phi_b, single)

    def likelihood_input(self, h_a: ArrayLike, h_b: ArrayLike) -> FloatArray:
        """x = W^A h^A + W^B h^B + the belief layer's bias, so that P(v_i = 1 | h) = σ(x_i).

        In the notes' model (no ``belief_bias``) this is φ^A + φ^B. Shape (V,) or (n, V).
        """
        h_a, h_b, single = self._hidden_batches(h_a, h_b)
        return _unbatch(self._belief_input(h_a, h_b), single)

    # ----------------------------------------------------------- probability
    def log_p_star(self, h_a: ArrayLike, h_b: ArrayLike, v: ArrayLike) -> FloatArray:
        """log P*(h^A, h^B, v) = log P*_A(h^A) + log P*_B(h^B) + log P(v | h^A, h^B); shape () or (n,)."""
        h_a, h_b, single_h = self._hidden_batches(h_a, h_b)
        v, single_v = as_batch(v, self.n_visible, "v")
        _common_batch_size(("h_a", h_a), ("v", v))
        x = self._belief_input(h_a, h_b)
        log_p_v = (v * log_expit(x) + (1 - v) * log_expit(-x)).sum(axis=1)
        value = self.a._log_p_star_h(h_a) + self.b._log_p_star_h(h_b) + log_p_v
        return _unbatch(value, single_h and single_v)

    def p_v_given_h(self, h_a: ArrayLike, h_b: ArrayLike) -> FloatArray:
        """P(v_i = 1 | h^A, h^B) = σ(x_i), x = :meth:`likelihood_input` (σ(φ^A_i + φ^B_i) in the notes' model)."""
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
        n = _common_batch_size(("h_a", h_a), ("v", v))
        h_a, h_b, v = (np.broadcast_to(x, (n, x.shape[1])) for x in (h_a, h_b, v))
        phi_a, phi_b, x = self._inputs(h_a, h_b)
        psi_a = sampling.layer_psi(phi_a, x - phi_a, h_a, self.a.weights, self.a._hidden_input(v), corr)
        psi_b = sampling.layer_psi(phi_b, x - phi_b, h_b, self.b.weights, self.b._hidden_input(v), corr)
        single = single_h and single_v
        return _unbatch(psi_a, single), _unbatch(psi_b, single)

    def log_joint_gradient(self, v: ArrayLike, h_a: ArrayLike, h_b: ArrayLike) -> dict[str, FloatArray]:
        """The gradient of log P*(h^A, h^B, v) for each parameter, averaged over rows (the wake terms).

        For cause A (B likewise), with x the belief layer's input (notes §3.1.1):

            ∂/∂W^A_ji = h^A_j [v_i + σ(φ^A_i) − σ(x_i)],   ∂/∂W^A_j0 = h^A_j,
            ∂/∂W^A_0i = v_i + σ(φ^A_i) − σ(x_i)   (σ(φ^A_i) alone with a ``belief_bias``),
            ∂/∂belief_bias_i = v_i − σ(x_i)        (only with a ``belief_bias``).

        Parameters
        ----------
        v : (V,) or (n, V); h_a : (H_A,) or (n, H_A); h_b : (H_B,) or (n, H_B), binary, paired by row.

        Returns
        -------
        dict with the keys of :meth:`parameters`, each shaped like its parameter.
        """
        h_a, h_b, _ = self._hidden_batches(h_a, h_b)
        v, _ = as_batch(v, self.n_visible, "v")
        n = _common_batch_size(("h_a", h_a), ("v", v))
        h_a, h_b, v = (np.broadcast_to(x, (n, x.shape[1])) for x in (h_a, h_b, v))
        return self._log_joint_gradient(v, h_a, h_b)

    # -------------------------------------------------------------- sampling
    def posterior_sampler(self, correction: str = "exact", schedule: str = "sequential",
                          empty_penalty: float = 0.0) -> sampling.PosteriorSampler:
        """A sampler of P(h^A, h^B | v) with the correction and schedule resolved once.

        See :mod:`orbm_explore.sampling`. It holds a copy of the current
        parameters: make a new one after changing the model.

        Parameters
        ----------
        correction : str
            A key of :data:`orbm_explore.corrections.CORRECTIONS`.
        schedule : {"sequential", "parallel"}
            Only sequential + exact is a valid Gibbs sampler of the posterior.
        empty_penalty : float, 0 ≤ empty_penalty ≤ 1e6
            The prior "each cause has a unit on" (as ``train_wake_sleep``'s): each cause's log P*(h) gets
            ``-empty_penalty`` when none of its units is on. Above 0 it needs ``correction="exact"`` and
            ``schedule="sequential"``.
        """
        causes = [sampling.Cause(rbm.weights.copy(), rbm.hidden_bias.copy(), rbm.visible_bias.copy())
                  for rbm in (self.a, self.b)]
        return sampling.make_sampler(*causes, self.total_visible_bias.copy(), correction, schedule, empty_penalty)

    def sample_posterior(self, v: ArrayLike, n_sweeps: int, correction: str = "exact",
                         schedule: str = "sequential", h_a: ArrayLike | None = None,
                         h_b: ArrayLike | None = None, rng: Any = None,
                         progress: bool = False) -> tuple[FloatArray, FloatArray]:
        """Gibbs-sample P(h^A, h^B | v) (the wake phase), one chain per row of v.

        A driver over :meth:`posterior_sampler`: ``init`` then ``step(n_sweeps)``.

        Parameters
        ----------
        v : array_like, shape (V,) or (n, V), binary
            The clamped visible pattern of each chain.
        n_sweeps : int, 0 ≤ n_sweeps ≤ 10⁹
            Sweeps over all hidden units.
        correction : str
            A key of :data:`orbm_explore.corrections.CORRECTIONS`.
        schedule : {"sequential", "parallel"}
            Only sequential + exact is a valid Gibbs sampler of the posterior.
        h_a, h_b : array_like, optional
            Starting states, one row or one per chain (default: uniform random).
        rng : None, int or Generator
        progress : bool
            Show a tqdm progress bar (off by default).

        Returns
        -------
        (h_a, h_b) : arrays of shape (n, n_hidden_a) and (n, n_hidden_b) (1-D for a single v).
        """
        check_count(n_sweeps, "n_sweeps", minimum=0, maximum=sampling.MAX_SWEEPS)
        if not isinstance(progress, (bool, np.bool_)):
            raise TypeError(f"progress must be True or False, got {progress!r} ({type(progress).__name__})")
        sampler = self.posterior_sampler(correction, schedule)
        state = sampler.init(v, h_a, h_b, rng)
        sampler.step(state, n_sweeps, progress=progress)
        single = np.ndim(v) == 1
        return _unbatch(state.h_a, single), _unbatch(state.h_b, single)

    def sample(self, n_samples: int, n_steps: int = 200, rng: Any = None) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Ancestral ("sleep") sampling: each RBM runs its own Gibbs chain, then v ~ σ(x).

        Returns
        -------
        (h_a, h_b, v) : arrays of shape (n_samples, ·)

        Raises
        ------
        ValueError
            Naming ``n_samples`` when it is below 1, or (a BudgetError) when the samples would not fit the
            memory budget of :func:`orbm_explore.numerics.check_budget` (``$ORBM_EXPLORE_MEMORY_LIMIT``).
        """
        check_count(n_samples, "n_samples", minimum=1)
        check_budget("n_samples", n_samples,
                     bytes_per_item=BYTES_PER_CHAIN_UNIT * (self.a.n_hidden + self.b.n_hidden + self.n_visible))
        rng = as_generator(rng)
        h_a = self.a.sample_hidden(n_samples, n_steps, rng)
        h_b = self.b.sample_hidden(n_samples, n_steps, rng)
        v = bernoulli(expit(self._belief_input(h_a, h_b)), rng)
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
        if not isinstance(mode, str) or mode not in RECONSTRUCTION_MODES:
            raise ValueError(f"mode must be one of {RECONSTRUCTION_MODES}, got {mode!r}")
        h_a, h_b, single = self._hidden_batches(h_a, h_b)
        recon_a, recon_b = self._reconstructions(h_a, h_b, mode)
        return _unbatch(recon_a, single), _unbatch(recon_b, single)

    def _reconstructions(self, h_a: FloatArray, h_b: FloatArray, mode: str) -> tuple[FloatArray, FloatArray]:
        if mode == "solo":
            return expit(self.a._visible_input(h_a)), expit(self.b._visible_input(h_b))
        return (expit(self._belief_input(h_a, np.zeros_like(h_b))),
                expit(self._belief_input(np.zeros_like(h_a), h_b)))

    # -------------------------------------------------------------------- I/O
    def save(self, path: str | os.PathLike) -> Path:
        """Write both causes (and the belief layer's bias, if set) to one .npz file atomically."""
        return save_arrays(path, "TwoCauseRBM", self.parameters(), check=self.check_arrays)

    @staticmethod
    def check_arrays(arrays: Any) -> None:
        """Raise ValueError naming the array at fault if ``arrays`` (as :meth:`parameters`) break the input bound."""
        RBM.check_arrays(arrays, "a_")
        RBM.check_arrays(arrays, "b_")
        belief_bias = arrays.get("belief_bias")
        if belief_bias is not None and not np.all(np.abs(belief_bias) <= MAX_INPUT):
            raise ValueError(f"array 'belief_bias' must have |values| <= {MAX_INPUT:g}, got up to "
                             f"{np.max(np.abs(belief_bias)):.3g}")

    @classmethod
    def load(cls, path: str | os.PathLike) -> "TwoCauseRBM":
        """Read a model written by :meth:`save`; raises ModelFileError on a bad file."""
        shapes = {**RBM.array_shapes("a_", "n_hidden_a"), **RBM.array_shapes("b_", "n_hidden_b")}
        arrays = load_arrays(path, "TwoCauseRBM", shapes, optional={"belief_bias": ("n_visible",)},
                             check=cls.check_arrays)
        return cls(RBM(arrays["a_weights"], arrays["a_visible_bias"], arrays["a_hidden_bias"]),
                   RBM(arrays["b_weights"], arrays["b_visible_bias"], arrays["b_hidden_bias"]),
                   arrays.get("belief_bias"))


def _common_batch_size(*named: tuple[str, FloatArray]) -> int:
    """The number of rows shared by arrays of 1 or n rows, or a ValueError naming each."""
    sizes = {x.shape[0] for _, x in named if x.shape[0] != 1}
    if len(sizes) > 1:
        detail = ", ".join(f"{name} has {x.shape[0]} rows" for name, x in named)
        raise ValueError(f"batch sizes do not match: {detail}")
    return sizes.pop() if sizes else 1
