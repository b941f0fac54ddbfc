"""Exact maximum-likelihood learning of a small two-cause model, by enumeration.

For a model with few hidden units (4 + 4 gives 256 joint states) the
log-likelihood of composites and its gradient need no sampling at all:

    log P(v) = logsumexp_{h^A, h^B} [log P*_A(h^A) + log P*_B(h^B) + log P(v | h^A, h^B)]
               - log Z_A - log Z_B,

    ∂ log P(v) / ∂θ = E_{P(h | v)}[∂ log P*(h^A, h^B, v) / ∂θ]  -  ∂ log Z_A / ∂θ  -  ∂ log Z_B / ∂θ,

the first expectation over the exact posterior (the wake phase of notes §3
with the sampler replaced by enumeration), the second over each RBM's exact
P(h) (the sleep phase, ∂ log Z_A / ∂W^A_ji = E_{P_A(h)}[h_j σ(φ^A_i)]).
This is the yardstick for wake/sleep: whatever exact-gradient ascent
reaches is what the model *can* learn from the data; whether the optimum
separates the causes is then a question about the model, not the optimiser.

Also here: :func:`attribution`, the split criterion used for blind
separation (which cause the exact posterior says drew each pixel), and
:func:`bars_causes`, hand-built bars models to compare the split's
log-likelihood with mixed ones'. Two model changes for blind separation:
``empty_penalty`` (a prior that each cause has a unit on) and
``nonnegative`` weights in :func:`train_exact`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, log_expit, logsumexp

from . import exact
from .numerics import as_binary_array, as_finite_array, as_generator, check_count, check_real, one_blas_thread
from .rbm import RBM
from .two_cause import TwoCauseRBM

__all__ = [
    "PARAMETERS",
    "parameters",
    "log_likelihood_and_gradient",
    "log_likelihood",
    "ExactHistory",
    "train_exact",
    "random_start",
    "bars_causes",
    "train_rbm_exact",
    "attribution",
    "unit_orientation",
]

FloatArray = NDArray[np.float64]
# Gradients are keyed like TwoCauseRBM.save and training.wake_statistics.
PARAMETERS = ("a_weights", "a_visible_bias", "a_hidden_bias", "b_weights", "b_visible_bias", "b_hidden_bias")
_MAX_JOINT_HIDDEN = 16


def _check_diverged(model: TwoCauseRBM | RBM, step: int, what: str) -> None:
    """Stop training with a clear error once a parameter is non-finite or beyond the model's input bound.

    The same test and message as the sampling trainers (:mod:`orbm_explore.training`), so that no trainer
    returns a model the library would refuse (its constructor, ``copy`` and ``save``).
    """
    try:
        if isinstance(model, RBM):
            if not all(np.all(np.isfinite(array)) for array in model.to_arrays().values()):
                raise ValueError("a parameter is NaN or infinite")
            RBM.check_arrays(model.to_arrays())
        else:
            if not all(np.all(np.isfinite(array)) for array in model.parameters().values()):
                raise ValueError("a parameter is NaN or infinite")
            TwoCauseRBM.check_arrays(model.parameters())
    except ValueError as err:
        raise ValueError(f"{what} diverged in step {step + 1} (the parameters are no longer finite or usable: "
                         f"{err}); lower the learning_rate or the momentum") from None


def _check_frozen(frozen: Any, params: dict[str, FloatArray]) -> frozenset[str]:
    """``frozen`` as a set of parameter names, or a clear error naming ``frozen``."""
    if isinstance(frozen, str):  # a single name would otherwise be read letter by letter
        frozen = (frozen,)
    try:
        items = list(frozen)
    except TypeError:
        raise TypeError(f"frozen must be a collection of parameter names among {sorted(params)}, "
                        f"got {frozen!r} ({type(frozen).__name__})") from None
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"frozen must hold parameter names (str) among {sorted(params)}, "
                            f"got {item!r} ({type(item).__name__})")
    return frozenset(items)


def _check_model_and_data(model: Any, data: Any, name: str = "data") -> FloatArray:
    if not isinstance(model, TwoCauseRBM):
        raise TypeError(f"model must be a TwoCauseRBM, got {type(model).__name__}")
    n_joint = model.a.n_hidden + model.b.n_hidden
    if n_joint > _MAX_JOINT_HIDDEN:
        raise ValueError(f"model has {n_joint} hidden units in all; exact learning enumerates 2^{n_joint} "
                         f"joint states and allows at most {_MAX_JOINT_HIDDEN} units")
    data = as_binary_array(data, name)
    if data.ndim == 1:
        data = data[None, :]
    if data.ndim != 2 or data.shape[0] == 0 or data.shape[1] != model.n_visible:
        raise ValueError(f"{name} must have shape ({model.n_visible},) or (n, {model.n_visible}) with n >= 1, "
                         f"got {data.shape}")
    return data


def parameters(model: TwoCauseRBM) -> dict[str, FloatArray]:
    """The model's parameter arrays by name (the arrays themselves): :meth:`TwoCauseRBM.parameters`."""
    if not isinstance(model, TwoCauseRBM):
        raise TypeError(f"model must be a TwoCauseRBM, got {type(model).__name__}")
    return model.parameters()


def _empty_term(states: FloatArray, empty_penalty: float) -> FloatArray:
    """The log-prior term -penalty · [no unit of the cause is on], per state."""
    return -empty_penalty * (states.sum(axis=1) == 0)


def _log_likelihood_and_gradient(model: TwoCauseRBM, data: FloatArray, counts: FloatArray | None = None,
                                 empty_penalty: float = 0.0) -> tuple[float, dict[str, FloatArray]]:
    """Mean log P(v) and its gradient; ``counts`` weights distinct rows (default: each row once)."""
    counts = np.ones(len(data)) if counts is None else counts
    h_a, h_b = exact.two_cause_hidden_states(model)  # (S, Ha), (S, Hb), S = 2^(Ha+Hb)
    phi_a = h_a @ model.a.weights + model.a.visible_bias  # (S, V)
    phi_b = h_b @ model.b.weights + model.b.visible_bias
    x = h_a @ model.a.weights + h_b @ model.b.weights + model.total_visible_bias  # belief-layer input
    log_prior = (h_a @ model.a.hidden_bias - log_expit(-phi_a).sum(axis=1)
                 + h_b @ model.b.hidden_bias - log_expit(-phi_b).sum(axis=1))  # log P*_A + log P*_B
    if empty_penalty:
        log_prior = log_prior + _empty_term(h_a, empty_penalty) + _empty_term(h_b, empty_penalty)
    joint = data @ log_expit(x).T + (1 - data) @ log_expit(-x).T + log_prior  # (n, S)
    log_evidence = logsumexp(joint, axis=1)
    n = counts.sum()
    posterior = np.exp(joint - log_evidence[:, None]) * (counts / n)[:, None]  # (n, S), row weights folded in
    mass = posterior.sum(axis=0)  # (S,): average posterior weight of each joint state
    seen = posterior.T @ data  # (S, V): Σ_n P(s | v_n) v_n / n
    error = seen - mass[:, None] * expit(x)  # E[v - σ(x)] per state, weighted
    grads: dict[str, FloatArray] = {}
    log_z = 0.0
    for name, h, phi in (("a", h_a, phi_a), ("b", h_b, phi_b)):
        rbm = getattr(model, name)
        states = exact.binary_states(rbm.n_hidden)
        prior_log = rbm.log_p_star_h(states) + _empty_term(states, empty_penalty)
        rbm_log_z = float(logsumexp(prior_log))
        log_z += rbm_log_z
        prior = np.exp(prior_log - rbm_log_z)
        s_prior = expit(states @ rbm.weights + rbm.visible_bias)
        s_post = mass[:, None] * expit(phi)  # wake: the softplus terms of log P*(h)
        through_belief = s_post + error  # wake: plus the belief layer's v - σ(x)
        grads[f"{name}_weights"] = h.T @ through_belief - (states * prior[:, None]).T @ s_prior
        visible_wake = through_belief if model.belief_bias is None else s_post
        grads[f"{name}_visible_bias"] = visible_wake.sum(axis=0) - prior @ s_prior
        grads[f"{name}_hidden_bias"] = mass @ h - prior @ states
    if model.belief_bias is not None:
        grads["belief_bias"] = error.sum(axis=0)
    return float(counts @ log_evidence / n - log_z), grads


def log_likelihood_and_gradient(model: TwoCauseRBM, data: Any,
                                empty_penalty: float = 0.0) -> tuple[float, dict[str, FloatArray]]:
    """Mean exact log P(v) over the rows of ``data`` and its exact gradient.

    Parameters
    ----------
    model : TwoCauseRBM
        At most 16 hidden units in all.
    data : array_like, shape (n, n_visible), binary
    empty_penalty : float >= 0
        A prior on the hidden units: each cause's log P*(h) gets ``-empty_penalty``
        when none of its units is on ("every composite has both causes in it").
        0 is the plain model; the normalisers Z_A, Z_B include the term.

    Returns
    -------
    (log_likelihood, gradient)
        Mean log-likelihood in nats per example, and a dict of arrays shaped like
        the parameters: keys :data:`PARAMETERS`, plus ``"belief_bias"`` when the
        model has its own belief-layer bias.
    """
    data = _check_model_and_data(model, data)
    return _log_likelihood_and_gradient(model, data, None, _check_penalty(empty_penalty))


def _check_penalty(empty_penalty: Any) -> float:
    if isinstance(empty_penalty, bool) or not isinstance(empty_penalty, (int, float, np.integer, np.floating)) \
            or not (np.isfinite(empty_penalty) and empty_penalty >= 0):
        raise ValueError(f"empty_penalty must be a finite number >= 0, got {empty_penalty!r}")
    return float(empty_penalty)


def log_likelihood(model: TwoCauseRBM, data: Any, empty_penalty: float = 0.0) -> float:
    """Mean exact log P(v) over the rows of ``data`` (nats), by enumeration (see :func:`log_likelihood_and_gradient`)."""
    return log_likelihood_and_gradient(model, data, empty_penalty)[0]


@dataclass
class ExactHistory:
    """Per-step record of exact-gradient ascent: ``log_likelihood[k]`` is before step k (and the last after)."""

    log_likelihood: list[float] = field(default_factory=list)


@one_blas_thread
def train_exact(model: TwoCauseRBM, data: Any, steps: int = 2000, learning_rate: float = 0.1,
                momentum: float = 0.9, weight_decay: float = 0.0, frozen: tuple[str, ...] = (),
                empty_penalty: float = 0.0, nonnegative: bool = False) -> tuple[TwoCauseRBM, ExactHistory]:
    """Exact-gradient ascent on the mean log-likelihood of ``data`` (full batch, heavy-ball momentum).

    Parameters
    ----------
    model : TwoCauseRBM
        Starting point; not modified. At most 16 hidden units in all.
    data : array_like, shape (n, n_visible), binary
    steps : int
        Gradient steps (>= 0).
    learning_rate : float
        Step size (> 0). With ``momentum=0`` and a small rate every step raises the log-likelihood.
    momentum : float in [0, 1)
    weight_decay : float >= 0
        L2 penalty on the weights only (subtracted from the objective as ½·decay·‖W‖²).
    frozen : tuple of str
        Parameter names (keys of :data:`PARAMETERS` or ``"belief_bias"``) that are not changed.
    empty_penalty : float >= 0
        The prior on the hidden units of :func:`log_likelihood_and_gradient` (0: the plain model).
    nonnegative : bool
        Keep both causes' weights >= 0 (projected gradient ascent: negative weights are set to 0
        after every step, and at the start). In an OR-world a cause can only add ink; with
        this constraint a hidden unit that is on always draws, never erases.

    Returns
    -------
    (trained model, history)
        ``history.log_likelihood`` holds the exact mean log-likelihood (without
        the weight decay) before each step and after the last, ``steps + 1`` values.
    """
    data = _check_model_and_data(model, data)
    check_count(steps, "steps", minimum=0)
    check_real(learning_rate, "learning_rate", minimum=0.0, open_below=True)
    check_real(momentum, "momentum", minimum=0.0, maximum=1.0, open_above=True)
    check_real(weight_decay, "weight_decay", minimum=0.0)
    empty_penalty = _check_penalty(empty_penalty)
    if not isinstance(nonnegative, (bool, np.bool_)):
        raise TypeError(f"nonnegative must be True or False, got {type(nonnegative).__name__}")
    model = model.copy()
    params = model.parameters()
    if nonnegative:
        for key in ("a_weights", "b_weights"):
            np.maximum(params[key], 0.0, out=params[key])
    frozen = _check_frozen(frozen, params)
    unknown = set(frozen) - set(params)
    if unknown:
        raise ValueError(f"frozen must name parameters among {sorted(params)}, got {sorted(unknown)}")
    velocity = {key: np.zeros_like(value) for key, value in params.items()}
    history = ExactHistory()
    data, counts = np.unique(data, axis=0, return_counts=True)  # each distinct composite once, weighted
    counts = counts.astype(np.float64)
    for index in range(steps):
        value, grads = _log_likelihood_and_gradient(model, data, counts, empty_penalty)
        history.log_likelihood.append(value)
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported after the step
            for key, param in params.items():
                if key in frozen:
                    continue
                step = grads[key]
                if weight_decay and key.endswith("weights"):
                    step = step - weight_decay * param
                velocity[key] = momentum * velocity[key] + learning_rate * step
                param += velocity[key]
                if nonnegative and key.endswith("weights"):
                    np.maximum(param, 0.0, out=param)
        _check_diverged(model, index, "exact training")
    history.log_likelihood.append(_log_likelihood_and_gradient(model, data, counts, empty_penalty)[0])
    return model, history


@one_blas_thread
def train_rbm_exact(data: Any, n_hidden: int, steps: int = 2000, learning_rate: float = 0.1,
                    momentum: float = 0.9, rng: Any = None) -> tuple[RBM, list[float]]:
    """One RBM fitted to clean data by exact-gradient ascent (its hidden layer enumerated; at most 16 units).

    Returns
    -------
    (rbm, log_likelihoods) : the RBM and its exact mean log-likelihood before each step and after the last.
    """
    data = as_binary_array(data, "data")
    if data.ndim != 2 or data.shape[0] == 0:
        raise ValueError(f"data must have shape (n_samples, n_visible) with n_samples >= 1, got {data.shape}")
    check_count(n_hidden, "n_hidden", minimum=1, maximum=16)
    check_count(steps, "steps", minimum=0)
    check_real(learning_rate, "learning_rate", minimum=0.0, open_below=True)
    check_real(momentum, "momentum", minimum=0.0, maximum=1.0, open_above=True)
    rng = as_generator(rng)
    mean = np.clip(data.mean(axis=0), 1e-3, 1 - 1e-3)
    rbm = RBM(rng.normal(0, 0.1, (n_hidden, data.shape[1])), np.log(mean / (1 - mean)), np.zeros(n_hidden))
    states = exact.binary_states(n_hidden)
    velocity = [np.zeros_like(rbm.weights), np.zeros_like(rbm.visible_bias), np.zeros_like(rbm.hidden_bias)]
    history = []
    for step in range(steps + 1):
        psi = data @ rbm.weights.T + rbm.hidden_bias
        prior_log = rbm.log_p_star_h(states)
        log_z = float(logsumexp(prior_log))
        history.append(float(np.mean(data @ rbm.visible_bias - log_expit(-psi).sum(axis=1)) - log_z))
        if step == steps:
            break
        prior = np.exp(prior_log - log_z)
        s_model = expit(states @ rbm.weights + rbm.visible_bias)
        p_h = expit(psi)
        grads = (p_h.T @ data / len(data) - (states * prior[:, None]).T @ s_model,
                 data.mean(axis=0) - prior @ s_model, p_h.mean(axis=0) - prior @ states)
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported after the step
            for param, vel, grad in zip((rbm.weights, rbm.visible_bias, rbm.hidden_bias), velocity, grads):
                vel *= momentum
                vel += learning_rate * grad
                param += vel
        _check_diverged(rbm, step, "exact RBM training")
    return rbm, history


def random_start(n_hidden_a: int, n_hidden_b: int, n_visible: int, scale: float = 0.1, merged: bool = False,
                 rng: Any = None) -> TwoCauseRBM:
    """A symmetric, know-nothing start: weights N(0, scale²), hidden biases 0, visible biases 0.

    With ``merged`` the belief layer gets its own bias (zeros), as in ``TwoCauseRBM(..., belief_bias=...)``.
    """
    check_count(n_hidden_a, "n_hidden_a", minimum=1, maximum=16)
    check_count(n_hidden_b, "n_hidden_b", minimum=1, maximum=16)
    check_count(n_visible, "n_visible", minimum=1, maximum=10**6)
    scale = check_real(scale, "scale", minimum=0.0, maximum=1e6)
    if not isinstance(merged, (bool, np.bool_)):
        raise TypeError(f"merged must be True or False, got {merged!r} ({type(merged).__name__})")
    rng = as_generator(rng)
    a = RBM(rng.normal(0, scale, (n_hidden_a, n_visible)), np.zeros(n_visible), np.zeros(n_hidden_a))
    b = RBM(rng.normal(0, scale, (n_hidden_b, n_visible)), np.zeros(n_visible), np.zeros(n_hidden_b))
    return TwoCauseRBM(a, b, np.zeros(n_visible) if merged else None)


def bars_causes(size: int, bars_a: Any, weight: float = 8.0, belief_bias: float = -4.0,
                p_on: float = 0.3) -> TwoCauseRBM:
    """A hand-built two-cause model of bars composites: every hidden unit draws one bar.

    Bars are numbered 0 … size-1 (rows, horizontal) and size … 2·size-1 (columns,
    vertical). Cause A gets one unit for each bar in ``bars_a``, cause B one for
    each other bar. A unit's weights are ``weight`` on its bar's pixels and 0
    elsewhere; the belief layer has its own bias ``belief_bias`` (merged); each
    cause's visible bias is -20, so its prior over units is (almost exactly)
    independent bars, each on with probability ``p_on``. ``bars_a = range(size)``
    is the split; any other choice shares the families between the causes.
    Used as starting points for :func:`train_exact` to compare the split's
    log-likelihood with the mixed ones'.

    Returns
    -------
    TwoCauseRBM with len(bars_a) + 2·size - len(bars_a) hidden units and size² visible units.
    """
    check_count(size, "size", minimum=1, maximum=1000)
    owned = _bar_indices(bars_a)
    if len(set(owned)) != len(owned) or not all(0 <= k < 2 * size for k in owned) or not 0 < len(owned) < 2 * size:
        raise ValueError(f"bars_a must list distinct bars in [0, {2 * size}), at least one and not all, got {bars_a!r}")
    weight = check_real(weight, "weight")
    belief_bias = check_real(belief_bias, "belief_bias")
    p_on = check_real(p_on, "p_on", minimum=0.0, maximum=1.0, open_below=True, open_above=True)
    drawings = np.zeros((2 * size, size, size))
    for k in range(size):
        drawings[k, k, :] = weight
        drawings[size + k, :, k] = weight
    drawings = drawings.reshape(2 * size, size * size)
    others = [k for k in range(2 * size) if k not in owned]
    bias = np.log(p_on / (1 - p_on))
    causes = [RBM(drawings[ks], np.full(size * size, -20.0), np.full(len(ks), bias)) for ks in (owned, others)]
    return TwoCauseRBM(causes[0], causes[1], np.full(size * size, float(belief_bias)))


def _bar_indices(bars_a: Any) -> list[int]:
    """``bars_a`` as a list of Python ints; only integers are indices (no bools, floats or strings)."""
    if isinstance(bars_a, (str, bytes)) or bars_a is None:
        raise TypeError(f"bars_a must be a sequence of integer bar indices, got {bars_a!r}")
    if isinstance(bars_a, np.ndarray):
        from .numerics import check_plain_array

        check_plain_array(bars_a, "bars_a")
        if bars_a.dtype.kind not in "iu":
            raise TypeError(f"bars_a must hold integer bar indices, got an array of dtype {bars_a.dtype}")
        return [int(k) for k in bars_a.ravel()]
    try:
        items = list(bars_a)
    except TypeError:
        raise TypeError(f"bars_a must be a sequence of integer bar indices, got {type(bars_a).__name__}") from None
    for k in items:
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
            raise TypeError(f"bars_a must hold integer bar indices, got {k!r} ({type(k).__name__})")
    return [int(k) for k in items]


def attribution(model: TwoCauseRBM, v: Any, part_a: Any, part_b: Any, empty_penalty: float = 0.0) -> float:
    """How well the exact posterior attributes each pixel to the cause that drew it (0.5 … 1).

    For every composite v (with known components ``part_a``, ``part_b``) and
    every pixel that is on in exactly one component, ask how much the pixel's
    probability of being on, σ(x) with x the belief layer's input, drops when
    one cause's hidden units are silenced: Δ_A = σ(x) - σ(x - W^A h^A), and
    likewise Δ_B, averaged over the exact posterior P(h^A, h^B | v). The pixel
    counts as attributed to A if Δ_A > Δ_B. The score is the fraction
    attributed right under the better of the two labellings (A drew
    ``part_a``, or A drew ``part_b``): 1 is a perfect split, about 0.5 no split.
    The split criterion used in the benchmark and notebook 06 is ``attribution >= 0.9``.
    Silencing rather than comparing weights makes the score indifferent to how
    the model shares its biases between the causes.

    Parameters
    ----------
    model : TwoCauseRBM
        At most 16 hidden units in all.
    v, part_a, part_b : array_like, shape (n, n_visible), binary
        Composites and their two true components.
    empty_penalty : float >= 0
        The model's prior on the hidden units (see :func:`log_likelihood_and_gradient`).

    Returns
    -------
    float in [0.5, 1]
    """
    v = _check_model_and_data(model, v, "v")
    part_a = np.atleast_2d(as_binary_array(part_a, "part_a"))
    part_b = np.atleast_2d(as_binary_array(part_b, "part_b"))
    for name, part in (("part_a", part_a), ("part_b", part_b)):
        if part.shape != v.shape:
            raise ValueError(f"{name} must have the shape of v {v.shape}, got {part.shape}")
    only_a = (part_a > 0) & (part_b == 0)
    only_b = (part_b > 0) & (part_a == 0)
    n_pixels = only_a.sum() + only_b.sum()
    if n_pixels == 0:
        raise ValueError("part_a and part_b have no pixel that is on in exactly one of them; nothing to attribute")
    empty_penalty = _check_penalty(empty_penalty)
    h_a, h_b = exact.two_cause_hidden_states(model)
    drawn_a, drawn_b = h_a @ model.a.weights, h_b @ model.b.weights
    x = drawn_a + drawn_b + model.total_visible_bias
    log_prior = (model.a.log_p_star_h(h_a) + model.b.log_p_star_h(h_b)
                 + _empty_term(h_a, empty_penalty) + _empty_term(h_b, empty_penalty))
    joint = v @ log_expit(x).T + (1 - v) @ log_expit(-x).T + log_prior
    posterior = np.exp(joint - logsumexp(joint, axis=1, keepdims=True))  # (n, S)
    drop_a = posterior @ (expit(x) - expit(x - drawn_a))  # (n, V)
    drop_b = posterior @ (expit(x) - expit(x - drawn_b))
    says_a = drop_a > drop_b
    right = (says_a & only_a).sum() + (~says_a & only_b).sum()
    score = right / n_pixels
    return float(max(score, 1 - score))


def unit_orientation(weights: Any, side: int) -> NDArray[np.int64]:
    """+1 for a unit whose weight image is constant along rows (a horizontal bar), -1 along columns, per unit.

    weights : (n_units, side²); side : the image's side length.
    """
    check_count(side, "side", minimum=1, maximum=10**4)
    weights = as_finite_array(weights, "weights")
    if weights.ndim != 2 or weights.shape[1] != side * side:
        raise ValueError(f"weights must have shape (n_units, side² = {side * side}), got {weights.shape}")
    w = weights.reshape(-1, side, side)
    return np.sign(w.std(axis=1).mean(axis=1) - w.std(axis=2).mean(axis=1)).astype(np.int64)
