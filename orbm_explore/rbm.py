"""The vanilla restricted Boltzmann machine of notes §0.1–§0.2.

Notation: ``weights[j, i]`` is W_ji (hidden j, visible i), ``visible_bias[i]``
is W_0i and ``hidden_bias[j]`` is W_j0. The unnormalised joint is

    log P*(h, v) = Σ_ij h_j W_ji v_i + Σ_i W_0i v_i + Σ_j W_j0 h_j,

and φ_i(h) = Σ_j W_ji h_j + W_0i is the input to visible unit i.
Every method takes one vector or a batch with one row per configuration.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, log_expit

from .modelio import load_arrays, save_arrays
from .numerics import as_binary_array, as_float_array, as_generator, bernoulli, check_budget, check_count

__all__ = ["RBM", "as_batch", "bernoulli"]

FloatArray = NDArray[np.float64]
# The largest total input a unit may receive, Σ|W| + |bias|: beyond it sums of
# inputs could overflow float64.
MAX_INPUT = 1e300
# Gibbs steps a single call may ask for.
MAX_STEPS = 10**9
# Units per layer that RBM.random will allocate; the number of weights is checked against the memory budget
# (numerics.check_budget): a new RBM briefly holds two copies of its weights (the draw and the model's own).
MAX_UNITS = 10**7
BYTES_PER_WEIGHT = 16.0
# Peak bytes per chain and unit while sampling (the states, their probabilities and the random draws).
BYTES_PER_CHAIN_UNIT = 32.0


def as_batch(x: ArrayLike, width: int, name: str, binary: bool = True) -> tuple[FloatArray, bool]:
    """Check a vector (width,) or batch (n, width); return it as 2-D and whether it was 1-D.

    Raises
    ------
    ValueError, TypeError
        Naming ``name`` when the shape, type or (if ``binary``) the values are wrong.
    """
    array = as_binary_array(x, name) if binary else as_float_array(x, name)
    if array.ndim not in (1, 2) or array.shape[-1] != width:
        raise ValueError(f"{name} must have shape ({width},) or (n, {width}), got {array.shape}")
    single = array.ndim == 1
    return (array[None, :] if single else array), single


def _unbatch(x: FloatArray, single: bool) -> FloatArray:
    return x[0] if single else x


class RBM:
    """A binary RBM with weights (n_hidden, n_visible) and both biases.

    Parameters
    ----------
    weights : array_like, shape (n_hidden, n_visible)
        ``weights[j, i]`` is the notes' W_ji.
    visible_bias : array_like, shape (n_visible,)
        W_0i.
    hidden_bias : array_like, shape (n_hidden,)
        W_j0.
    """

    def __init__(self, weights: ArrayLike, visible_bias: ArrayLike, hidden_bias: ArrayLike):
        weights = as_float_array(weights, "weights")
        if weights.ndim != 2:
            raise ValueError(f"weights must have shape (n_hidden, n_visible), got {weights.shape}")
        n_hidden, n_visible = weights.shape
        visible_bias = as_float_array(visible_bias, "visible_bias")
        hidden_bias = as_float_array(hidden_bias, "hidden_bias")
        if visible_bias.shape != (n_visible,):
            raise ValueError(f"visible_bias must have shape ({n_visible},) to match weights, got {visible_bias.shape}")
        if hidden_bias.shape != (n_hidden,):
            raise ValueError(f"hidden_bias must have shape ({n_hidden},) to match weights, got {hidden_bias.shape}")
        for name, array in [("weights", weights), ("visible_bias", visible_bias), ("hidden_bias", hidden_bias)]:
            if not np.all(np.isfinite(array)):
                raise ValueError(f"{name} must be finite")
        check_input_bound(weights, visible_bias, hidden_bias)
        self.weights = np.array(weights, dtype=np.float64)
        self.visible_bias = np.array(visible_bias, dtype=np.float64)
        self.hidden_bias = np.array(hidden_bias, dtype=np.float64)

    # ------------------------------------------------------------------ basics
    @classmethod
    def random(cls, n_hidden: int, n_visible: int, scale: float = 1.0, rng: Any = None) -> "RBM":
        """An RBM with weights and biases drawn from N(0, scale²).

        Raises
        ------
        ValueError
            If a size is out of range, or (a :class:`~orbm_explore.numerics.BudgetError`) if the weights
            would not fit the memory budget of :func:`orbm_explore.numerics.check_budget` (16 bytes per weight
            at the peak; raise the budget with ``$ORBM_EXPLORE_MEMORY_LIMIT``).
        """
        check_count(n_hidden, "n_hidden", minimum=1, maximum=MAX_UNITS)
        check_count(n_visible, "n_visible", minimum=1, maximum=MAX_UNITS)
        check_budget("n_hidden × n_visible", n_hidden * n_visible, bytes_per_item=BYTES_PER_WEIGHT,
                     fixed_bytes=BYTES_PER_WEIGHT * (n_hidden + n_visible))
        scale = as_float_array(scale, "scale")
        if scale.ndim != 0 or not 0 <= scale <= 1e6:
            raise ValueError(f"scale must be a number between 0 and 1e6, got {scale!r}")
        rng = as_generator(rng)
        return cls(rng.normal(0, scale, (n_hidden, n_visible)), rng.normal(0, scale, n_visible),
                   rng.normal(0, scale, n_hidden))

    @property
    def n_hidden(self) -> int:
        return self.weights.shape[0]

    @property
    def n_visible(self) -> int:
        return self.weights.shape[1]

    def __repr__(self) -> str:
        return f"RBM(n_hidden={self.n_hidden}, n_visible={self.n_visible})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, RBM) and np.array_equal(self.weights, other.weights)
                and np.array_equal(self.visible_bias, other.visible_bias)
                and np.array_equal(self.hidden_bias, other.hidden_bias))

    def copy(self) -> "RBM":
        return RBM(self.weights, self.visible_bias, self.hidden_bias)

    # Unchecked arithmetic for the package's own loops: 2-D float arrays in, 2-D out.
    def _visible_input(self, h: FloatArray) -> FloatArray:
        return h @ self.weights + self.visible_bias

    def _hidden_input(self, v: FloatArray) -> FloatArray:
        return v @ self.weights.T + self.hidden_bias

    def visible_input(self, h: ArrayLike) -> FloatArray:
        """φ(h) = h W + W_0, shape (n_visible,) or (n, n_visible)."""
        h, single = as_batch(h, self.n_hidden, "h")
        return _unbatch(self._visible_input(h), single)

    def hidden_input(self, v: ArrayLike) -> FloatArray:
        """ψ(v) = W v + W_j0, the vanilla Gibbs log-odds of each hidden unit (notes §0.2)."""
        v, single = as_batch(v, self.n_visible, "v")
        return _unbatch(self._hidden_input(v), single)

    # ------------------------------------------------------------ probability
    def log_p_star(self, h: ArrayLike, v: ArrayLike) -> FloatArray:
        """log P*(h, v), the unnormalised log joint; shape () or (n,)."""
        h, single_h = as_batch(h, self.n_hidden, "h")
        v, single_v = as_batch(v, self.n_visible, "v")
        value = np.einsum("nj,ji,ni->n", h, self.weights, v) + v @ self.visible_bias + h @ self.hidden_bias
        return _unbatch(value, single_h and single_v)

    def log_p_star_h(self, h: ArrayLike) -> FloatArray:
        """The closed-form marginal log P*(h) = Σ_j h_j W_j0 + Σ_i log(1 + e^{φ_i(h)}) (§0.2)."""
        h, single = as_batch(h, self.n_hidden, "h")
        return _unbatch(self._log_p_star_h(h), single)

    def _log_p_star_h(self, h: FloatArray) -> FloatArray:
        return h @ self.hidden_bias - log_expit(-self._visible_input(h)).sum(axis=1)

    def free_energy(self, v: ArrayLike) -> FloatArray:
        """F(v) = -Σ_i W_0i v_i - Σ_j log(1 + e^{ψ_j(v)}), so that log P*(v) = -F(v)."""
        v, single = as_batch(v, self.n_visible, "v")
        return _unbatch(-(v @ self.visible_bias) + log_expit(-self._hidden_input(v)).sum(axis=1), single)

    def p_h_given_v(self, v: ArrayLike) -> FloatArray:
        """P(h_j = 1 | v) = σ(ψ_j(v)), shape (n_hidden,) or (n, n_hidden)."""
        return expit(self.hidden_input(v))

    def p_v_given_h(self, h: ArrayLike) -> FloatArray:
        """P(v_i = 1 | h) = σ(φ_i(h)), shape (n_visible,) or (n, n_visible)."""
        return expit(self.visible_input(h))

    # --------------------------------------------------------------- sampling
    def gibbs(self, v: ArrayLike, n_steps: int = 1, rng: Any = None) -> tuple[FloatArray, FloatArray]:
        """Alternating (block) Gibbs from visible states: n_steps of h ~ P(h|v), v ~ P(v|h).

        Block updates are exact here: given v the hidden units are independent.

        Returns
        -------
        (h, v) : the last hidden and visible samples, one row per chain.
        """
        rng = as_generator(rng)
        v, single = as_batch(v, self.n_visible, "v")
        check_count(n_steps, "n_steps", minimum=1, maximum=MAX_STEPS)
        for _ in range(n_steps):
            h = bernoulli(expit(self._hidden_input(v)), rng)
            v = bernoulli(expit(self._visible_input(h)), rng)
        return _unbatch(h, single), _unbatch(v, single)

    def sample_hidden(self, n_samples: int, n_steps: int = 200, rng: Any = None,
                      h_init: ArrayLike | None = None) -> FloatArray:
        """Samples of h from the RBM's marginal P(h), by n_steps of h→v→h Gibbs per chain.

        Returns
        -------
        ndarray, shape (n_samples, n_hidden)

        Raises
        ------
        ValueError
            Naming ``n_samples`` when it is below 1 or (a BudgetError) when the chains would not fit the
            memory budget of :func:`orbm_explore.numerics.check_budget`.
        """
        rng = as_generator(rng)
        check_count(n_samples, "n_samples", minimum=1)
        check_budget("n_samples", n_samples, bytes_per_item=BYTES_PER_CHAIN_UNIT * (self.n_hidden + self.n_visible))
        check_count(n_steps, "n_steps", minimum=0, maximum=MAX_STEPS)
        if h_init is None:
            h = bernoulli(np.full((n_samples, self.n_hidden), 0.5), rng)
        else:
            h, _ = as_batch(h_init, self.n_hidden, "h_init")
            if h.shape[0] not in (1, n_samples):
                raise ValueError(f"h_init must have 1 or n_samples={n_samples} rows, got {h.shape[0]}")
            h = np.broadcast_to(h, (n_samples, self.n_hidden)).copy()
        return self._gibbs_hidden(h, n_steps, rng)

    def _gibbs_hidden(self, h: FloatArray, n_steps: int, rng: np.random.Generator) -> FloatArray:
        """n_steps of h → v → h block Gibbs from hidden states h (n, n_hidden); no checks."""
        for _ in range(n_steps):
            v = bernoulli(expit(self._visible_input(h)), rng)
            h = bernoulli(expit(self._hidden_input(v)), rng)
        return h

    def sample(self, n_samples: int, n_steps: int = 200, rng: Any = None) -> tuple[FloatArray, FloatArray]:
        """Ancestral sampling (notes §0.2): h from Gibbs on the RBM, then one belief-net step v ~ P(v|h).

        Returns
        -------
        (h, v) : arrays of shape (n_samples, n_hidden) and (n_samples, n_visible)
        """
        rng = as_generator(rng)
        h = self.sample_hidden(n_samples, n_steps, rng)
        v = bernoulli(expit(self._visible_input(h)), rng)
        return h, v

    # ---------------------------------------------------------- interop, I/O
    @classmethod
    def from_sklearn(cls, estimator: Any) -> "RBM":
        """Build from a fitted ``sklearn.neural_network.BernoulliRBM``."""
        for attribute in ("components_", "intercept_visible_", "intercept_hidden_"):
            if not hasattr(estimator, attribute):
                raise ValueError(f"estimator must be a fitted BernoulliRBM (it has no {attribute})")
        return cls(estimator.components_, estimator.intercept_visible_, estimator.intercept_hidden_)

    def to_sklearn(self, **params: Any):
        """A ``BernoulliRBM`` with these parameters, ready for ``transform``, ``score_samples`` or ``gibbs``."""
        from sklearn.neural_network import BernoulliRBM

        estimator = BernoulliRBM(n_components=self.n_hidden, **params)
        estimator.components_ = self.weights.copy()
        estimator.intercept_visible_ = self.visible_bias.copy()
        estimator.intercept_hidden_ = self.hidden_bias.copy()
        estimator.h_samples_ = np.zeros((estimator.batch_size, self.n_hidden))
        estimator.n_features_in_ = self.n_visible
        return estimator

    def save(self, path: str | os.PathLike) -> Path:
        """Write to ``path`` (.npz) atomically; see :func:`orbm_explore.modelio.save_arrays`.

        A model that :meth:`load` would refuse (non-finite, or beyond the input bound) is refused here with
        the same message; through a symbolic link the link's target is written.
        """
        return save_arrays(path, "RBM", self.to_arrays(), check=self.check_arrays)

    def to_arrays(self, prefix: str = "") -> dict[str, FloatArray]:
        return {prefix + "weights": self.weights, prefix + "visible_bias": self.visible_bias,
                prefix + "hidden_bias": self.hidden_bias}

    @staticmethod
    def array_shapes(prefix: str = "", hidden: str = "n_hidden") -> dict[str, tuple[str, ...]]:
        return {prefix + "weights": (hidden, "n_visible"), prefix + "visible_bias": ("n_visible",),
                prefix + "hidden_bias": (hidden,)}

    @staticmethod
    def check_arrays(arrays: Any, prefix: str = "") -> None:
        """Raise ValueError, naming the array at fault, if ``arrays`` (as :meth:`to_arrays`) break the input bound."""
        check_input_bound(arrays[prefix + "weights"], arrays[prefix + "visible_bias"], arrays[prefix + "hidden_bias"],
                          prefix=prefix)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "RBM":
        """Read a model written by :meth:`save`; never unpickles; raises ModelFileError on a bad file."""
        arrays = load_arrays(path, "RBM", cls.array_shapes(), check=cls.check_arrays)
        return cls(arrays["weights"], arrays["visible_bias"], arrays["hidden_bias"])


def check_input_bound(weights: FloatArray, visible_bias: FloatArray, hidden_bias: FloatArray,
                      prefix: str = "") -> None:
    """Refuse parameters so large that a unit's total input Σ|W| + |bias| could exceed MAX_INPUT.

    weights (n_hidden, n_visible), visible_bias (n_visible,), hidden_bias (n_hidden,). The message names
    the array at fault (``prefix`` + the bias's name when the bias alone is too large, else the weights).
    """
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow to inf is refused below
        bounds = (("visible", np.abs(weights).sum(axis=0) + np.abs(visible_bias), "visible_bias", visible_bias),
                  ("hidden", np.abs(weights).sum(axis=1) + np.abs(hidden_bias), "hidden_bias", hidden_bias))
    for name, bound, bias_name, bias in bounds:
        if bound.size and not np.max(bound) <= MAX_INPUT:
            culprit = bias_name if not np.max(np.abs(bias)) <= MAX_INPUT else "weights"
            raise ValueError(f"weights and biases are too large (array {prefix + culprit!r}): a {name} unit's "
                             f"total input could reach {np.max(bound):.3g}, above {MAX_INPUT:g}")
