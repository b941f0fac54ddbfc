"""Learning: RBMs by CD-k or PCD, and the two-cause model by wake/sleep (notes §3).

Wake/sleep for cause A (cause B likewise), per notes §3 with the biases
derived in :mod:`orbm_explore.derivations`:

    wake   ΔW^A_ji ∝ h^A_j [v_i + σ(φ^A_i) - σ(φ^A_i + φ^B_i)],  h from the posterior given v
           ΔW^A_j0 ∝ h^A_j,   ΔW^A_0i ∝ v_i + σ(φ^A_i) - σ(φ^A_i + φ^B_i)
    sleep  ΔW^A_ji ∝ -h^A_j σ(φ^A_i),  h from A's own Gibbs chain (persistent)
           ΔW^A_j0 ∝ -h^A_j,  ΔW^A_0i ∝ -σ(φ^A_i)

The wake terms are the gradient of log P*(h^A, h^B, v); the sleep terms
estimate the gradient of -log Z_A. Their sum, averaged over posterior
samples, is a stochastic gradient of the log-likelihood.

With ``empty_penalty`` = λ > 0 (the prior "each cause has a unit on" of
:mod:`orbm_explore.exact_learning`), each cause's log P*(h) gets -λ when all
its units are off. The penalty has no parameters, so the wake and sleep terms
keep their form; only the samplers change. Both are sequential Gibbs over the
hidden units, and the conditional log-odds of unit j gains +λ exactly when
every *other* unit of its cause is off (turning j on then lifts the cause out
of the empty state):

    wake   ψ^A_j = W_j0 + Σ_i W_ji v_i + Σ_i C_ji + λ·[h^A_k = 0 for all k ≠ j]
           (C the exact correction; :func:`_penalised_posterior_sweep`)
    sleep  v ~ σ(h W + W_0), then for each j in turn
           ψ_j = W_j0 + Σ_i W_ji v_i + λ·[h_k = 0 for all k ≠ j]
           (:func:`_penalised_hidden_chain`), whose h-marginal is
           P'(h) ∝ P*(h) e^{-λ[h = 0]}, so the sleep terms estimate ∂ log Z'.

Both run in compiled code: the wake phase is the engine's posterior sampler
with ``empty_penalty`` (a per-chain count of each cause's active units makes
the prior O(1) per update), the sleep phase :func:`_engine_hidden_chain`. The
numpy functions named above are kept as the reference the tests compare
them with, draw for draw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit
from tqdm.auto import tqdm

from . import exact, exact_learning, sampling
from ._kernels import sweep as _sweep
from .numerics import (as_binary_array, as_float_array, as_generator, bernoulli, check_budget, check_count,
                       check_real, one_blas_thread)
from .rbm import MAX_INPUT, RBM, check_input_bound
from .two_cause import TwoCauseRBM

__all__ = [
    "TrainingHistory",
    "train_rbm",
    "wake_statistics",
    "sleep_statistics",
    "train_wake_sleep",
    "rbm_log_likelihood",
    "two_cause_log_likelihood",
]

FloatArray = NDArray[np.float64]
# Exact log-likelihood is tracked when enumeration is cheap (2^16 states at most).
_EXACT_LIMIT = 16
# empty_penalty beyond this is "never empty" for any practical purpose (e^{-1e6} underflows to 0 anyway).
_MAX_PENALTY = 1e6
# With the prior, both phases run in the compiled engine (PosteriorSampler(empty_penalty=…) and
# _kernels.sweep.penalised_hidden_chain); False runs the numpy reference samplers below instead, with the
# same draws (for tests and the benchmark of the numpy path).
_PRIOR_ENGINE = True


@dataclass
class TrainingHistory:
    """What a user watches during training, one entry per epoch.

    Attributes
    ----------
    reconstruction_error : list of float
        Mean squared difference between the data and its one-step reconstruction.
    log_likelihood : list of float
        Mean exact log-likelihood per example (nats), or empty if the model is too large to enumerate.
    """

    reconstruction_error: list[float] = field(default_factory=list)
    log_likelihood: list[float] = field(default_factory=list)


def rbm_log_likelihood(rbm: RBM, data: Any) -> float:
    """Mean exact log P(v) over the rows of ``data``, shape (n, V) binary (nats); by enumeration."""
    if not isinstance(rbm, RBM):
        raise TypeError(f"rbm must be an RBM, got {type(rbm).__name__}")
    data = _check_data(data)
    return float(np.mean(-rbm.free_energy(data)) - exact.rbm_log_partition(rbm))


def two_cause_log_likelihood(model: TwoCauseRBM, data: Any) -> float:
    """Mean exact log P(v) of the two-cause model over the rows of ``data``, shape (n, V) binary (nats)."""
    if not isinstance(model, TwoCauseRBM):
        raise TypeError(f"model must be a TwoCauseRBM, got {type(model).__name__}")
    data = _check_data(data)
    return float(np.mean(exact.two_cause_log_probability(model, data)))


def _check_data(data: Any, name: str = "data") -> FloatArray:
    data = as_binary_array(data, name)
    if data.ndim != 2 or data.shape[0] == 0 or data.shape[1] == 0:
        raise ValueError(f"{name} must have shape (n_samples, n_visible) with both >= 1, got {data.shape}")
    return data


def _check_setting(value: Any, name: str, upper: float | None = None) -> float:
    """A finite, non-negative real setting (at most ``upper``), or an error naming it."""
    return check_real(value, name, minimum=0.0, maximum=upper)


def _check_diverged(rbms: list[RBM], epoch: int, what: str, belief_bias: FloatArray | None = None) -> None:
    """Stop training with a clear error once a parameter is non-finite or beyond the model's input bound."""
    try:
        for rbm in rbms:
            check_input_bound(rbm.weights, rbm.visible_bias, rbm.hidden_bias)
        if belief_bias is not None and not np.all(np.abs(belief_bias) <= MAX_INPUT):
            raise ValueError("belief_bias is out of range")
    except ValueError as err:
        raise ValueError(f"{what} diverged in epoch {epoch + 1} (the parameters are no longer finite or usable: "
                         f"{err}); lower the learning rate or the momentum") from None


@one_blas_thread
def train_rbm(data: Any, n_hidden: int, epochs: int = 20, learning_rate: float = 0.05, momentum: float = 0.5,
              weight_decay: float = 1e-4, batch_size: int = 20, method: str = "pcd", k: int = 1,
              rng: Any = None, progress: bool = False, init: RBM | None = None, n_chains: int | None = None,
              anneal: bool = True, monitor: bool = True) -> tuple[RBM, TrainingHistory]:
    """Fit a binary RBM by contrastive divergence (``"cd"``) or persistent CD (``"pcd"``).

    Parameters
    ----------
    data : array_like, shape (n_samples, n_visible), binary
    n_hidden : int
    epochs, learning_rate, momentum, weight_decay, batch_size : training settings
        Weight decay is L2 on the weights only.
    method : {"pcd", "cd"}
    k : int
        Gibbs steps per negative phase.
    rng : None, int or Generator
    progress : bool
        Show a tqdm progress bar over epochs (off by default; the command line turns it on).
    init : RBM, optional
        Start from this model (default: small random weights, visible biases from the data's means).
    n_chains : int, optional
        Persistent chains for PCD (default: ``batch_size``); more chains give a steadier negative phase.
    anneal : bool
        Decay the learning rate linearly to zero over the epochs (helps PCD settle).
    monitor : bool
        After each epoch record the reconstruction error over all data, and the exact
        log-likelihood when the model is small enough (costs about two extra passes over the data).

    Returns
    -------
    (rbm, history)
    """
    data = _check_data(data)
    rng = as_generator(rng)
    if method not in ("pcd", "cd"):
        raise ValueError(f"method must be 'pcd' or 'cd', got {method!r}")
    for name, value, minimum in (("n_hidden", n_hidden, 1), ("epochs", epochs, 0), ("batch_size", batch_size, 1),
                                 ("k", k, 1)):
        check_count(value, name, minimum)
    learning_rate = _check_setting(learning_rate, "learning_rate")
    momentum = _check_setting(momentum, "momentum", upper=1.0)
    weight_decay = _check_setting(weight_decay, "weight_decay")
    n_samples, n_visible = data.shape
    # persistent chains: v, P(v|h), its sample, P(h|v) and h, float64 each (before anything is allocated)
    chain_bytes = 8 * (3 * n_visible + 3 * n_hidden)
    if n_chains is None:
        check_budget("batch_size", batch_size, bytes_per_item=chain_bytes, fixed_bytes=8 * n_hidden * n_visible)
    else:
        check_count(n_chains, "n_chains", minimum=1)
        check_budget("n_chains", n_chains, bytes_per_item=chain_bytes, fixed_bytes=8 * n_hidden * n_visible)
    if init is None:
        mean = np.clip(data.mean(axis=0), 1e-3, 1 - 1e-3)
        rbm = RBM(rng.normal(0, 0.01, (n_hidden, n_visible)), np.log(mean / (1 - mean)), np.zeros(n_hidden))
    else:
        if not isinstance(init, RBM):
            raise TypeError(f"init must be an RBM, got {type(init).__name__}")
        if init.n_visible != n_visible or init.n_hidden != n_hidden:
            raise ValueError(f"init has shape ({init.n_hidden}, {init.n_visible}), expected ({n_hidden}, {n_visible})")
        rbm = init.copy()
    velocity = [np.zeros_like(array) for array in (rbm.weights, rbm.visible_bias, rbm.hidden_bias)]
    n_chains = batch_size if n_chains is None else check_count(n_chains, "n_chains", minimum=1)
    chains = data[rng.integers(0, n_samples, n_chains)].copy()
    chains_state = [expit(rbm._hidden_input(chains))]  # P(h | persistent chains), starts PCD's negative phase
    history = TrainingHistory()
    track_likelihood = min(n_hidden, n_visible) <= _EXACT_LIMIT
    for epoch in tqdm(range(epochs), desc="RBM training", disable=not progress, leave=False):
        rate = learning_rate * (1 - epoch / epochs) if anneal else learning_rate
        order = rng.permutation(n_samples)
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported after the epoch
            _rbm_epoch(rbm, data, order, batch_size, method, k, rate, momentum, weight_decay, velocity,
                       chains_state, rng)
        _check_diverged([rbm], epoch, "RBM training")
        if monitor:
            reconstruction = expit(rbm._visible_input(expit(rbm._hidden_input(data))))
            history.reconstruction_error.append(float(np.mean((data - reconstruction) ** 2)))
            if track_likelihood:
                history.log_likelihood.append(rbm_log_likelihood(rbm, data))
    return rbm, history


def _rbm_epoch(rbm: RBM, data: FloatArray, order: NDArray[np.int64], batch_size: int, method: str, k: int,
               rate: float, momentum: float, weight_decay: float, velocity: list[FloatArray],
               chains_p_h: list[FloatArray], rng: np.random.Generator) -> None:
    """One pass of CD-k / PCD over ``data`` in minibatches, updating ``rbm`` and ``velocity`` in place.

    ``chains_p_h[0]`` holds P(h | persistent chains), the start of PCD's next negative phase.
    """
    w, b, c = rbm.weights, rbm.visible_bias, rbm.hidden_bias
    for start in range(0, len(data), batch_size):
        batch = data[order[start:start + batch_size]]
        p_h_data = expit(rbm._hidden_input(batch))
        p_h = chains_p_h[0] if method == "pcd" else p_h_data
        for _step in range(k):  # each step: h ~ P(h | v), v ~ P(v | h), then P(h | new v)
            negative = bernoulli(expit(rbm._visible_input(bernoulli(p_h, rng))), rng)
            p_h = expit(rbm._hidden_input(negative))
        if method == "pcd":
            chains_p_h[0] = p_h
        grad_w = p_h_data.T @ batch / len(batch) - p_h.T @ negative / len(negative)
        if weight_decay:
            grad_w -= weight_decay * w
        grads = (grad_w, batch.mean(axis=0) - negative.mean(axis=0), p_h_data.mean(axis=0) - p_h.mean(axis=0))
        for param, vel, grad in zip((w, b, c), velocity, grads):
            vel *= momentum
            vel += rate * grad
            param += vel


def wake_statistics(model: TwoCauseRBM, v: FloatArray, h_a: FloatArray, h_b: FloatArray) -> dict[str, FloatArray]:
    """Wake-phase terms, averaged over rows: the gradient of log P*(h^A, h^B, v) for each parameter.

    See :meth:`TwoCauseRBM.log_joint_gradient`, which this returns. Keys are those of
    ``TwoCauseRBM.parameters``: ``a_weights``, ``a_visible_bias``, ``a_hidden_bias``, ``b_*``,
    and ``belief_bias`` when the model has one.
    """
    if not isinstance(model, TwoCauseRBM):
        raise TypeError(f"model must be a TwoCauseRBM, got {type(model).__name__}")
    return model.log_joint_gradient(v, h_a, h_b)


def sleep_statistics(rbm: RBM, h: FloatArray, weights: FloatArray | None = None) -> dict[str, FloatArray]:
    """Sleep-phase terms for one RBM from hidden states ``h`` of its own chain (or weighted states).

    Their expectation under the RBM's P(h) is the gradient of log Z.

    Parameters
    ----------
    h : (n, n_hidden)
    weights : (n,), optional
        Probability weights (default: equal), e.g. the exact P(h) over all states.
    """
    if not isinstance(rbm, RBM):
        raise TypeError(f"rbm must be an RBM, got {type(rbm).__name__}")
    h = as_binary_array(h, "h")
    if h.ndim != 2 or h.shape[1] != rbm.n_hidden or h.shape[0] == 0:
        raise ValueError(f"h must have shape (n, {rbm.n_hidden}) with n >= 1, got {h.shape}")
    if weights is None:
        weights = np.full(len(h), 1 / len(h))
    else:
        weights = as_float_array(weights, "weights")
        if weights.shape != (len(h),) or not np.all(weights >= 0) or not np.isclose(weights.sum(), 1.0):
            raise ValueError(f"weights must be {len(h)} non-negative numbers summing to 1")
    return _sleep_statistics(rbm, h, weights)


def _sleep_statistics(rbm: RBM, h: FloatArray, weights: FloatArray) -> dict[str, FloatArray]:
    s = expit(rbm._visible_input(h))
    return {"weights": (h * weights[:, None]).T @ s, "visible_bias": weights @ s, "hidden_bias": weights @ h}


@one_blas_thread
def train_wake_sleep(model: TwoCauseRBM, data: Any, epochs: int = 10, learning_rate: float = 0.01,
                     batch_size: int = 20, n_sweeps: int = 5, correction: str = "exact", n_fantasy: int = 100,
                     fantasy_steps: int = 1, learn: tuple[str, ...] = ("a", "b"), rng: Any = None,
                     progress: bool = False, empty_penalty: float = 0.0, nonnegative: bool = False,
                     momentum: float = 0.0, anneal: bool = False,
                     monitor: bool = True) -> tuple[TwoCauseRBM, TrainingHistory]:
    """Wake/sleep learning of a two-cause model on (composite) images, notes §3.

    Each example keeps a persistent posterior chain (warm-started, ``n_sweeps``
    sequential sweeps per visit); each cause keeps ``n_fantasy`` persistent
    sleep chains advanced by ``fantasy_steps`` Gibbs steps per update. The
    step for each parameter is wake − sleep, where wake is
    :meth:`TwoCauseRBM.log_joint_gradient` at the posterior samples and sleep
    estimates ∂ log Z (none for the belief layer's own bias, which is normalised).

    Parameters
    ----------
    model : TwoCauseRBM
        Starting point (for example two RBMs trained on each cause separately); not modified.
    data : array_like, shape (n_samples, n_visible), binary
    epochs, batch_size, n_sweeps, n_fantasy, fantasy_steps : int
    learning_rate : float, finite and >= 0
    correction : str
        The correction the posterior sampler uses (``"exact"`` for the true posterior).
    learn : tuple of {"a", "b"}
        Which causes to update (the other stays fixed).
    rng : None, int or Generator
    progress : bool
        Show a tqdm progress bar over epochs (off by default).
    empty_penalty : float, finite and >= 0
        The prior "each cause has a unit on" (:func:`orbm_explore.exact_learning.log_likelihood_and_gradient`):
        each cause's log P*(h) gets ``-empty_penalty`` when none of its units is on. 0 (the default) is
        the plain model (block Gibbs sleep chains); above 0 the posterior chains run in the compiled
        engine with the prior (``posterior_sampler(empty_penalty=…)``) and the sleep chains are
        sequential Gibbs under the prior (compiled too; see the module notes), at engine speed on any size.
    nonnegative : bool
        Keep the learned causes' weights >= 0: negative weights are set to 0 at the start and after
        every update (projected wake/sleep, as ``train_exact(..., nonnegative=True)``).
    momentum : float in [0, 1)
        Heavy-ball momentum, as :func:`orbm_explore.exact_learning.train_exact`: the velocity is
        ``momentum · velocity + rate · (wake − sleep)`` and the parameters move by it (0: plain steps).
    anneal : bool
        Decay the learning rate linearly to zero over the epochs, as :func:`train_rbm` (off by default),
        so that the sampling noise of the last steps dies out.
    monitor : bool
        After each epoch record the reconstruction error, and the exact log-likelihood when the model is
        small enough (as :func:`train_rbm`; on by default). Off, the history stays empty.

    Returns
    -------
    (trained model, history) with exact log-likelihood per epoch when the model is small enough
    (including the ``empty_penalty`` prior) and ``monitor`` is on.
    """
    if not isinstance(model, TwoCauseRBM):
        raise TypeError(f"model must be a TwoCauseRBM, got {type(model).__name__}")
    data = _check_data(data)
    rng = as_generator(rng)
    if data.shape[1] != model.n_visible:
        raise ValueError(f"data has {data.shape[1]} pixels, the model has {model.n_visible} visible units")
    for name, value, minimum in (("epochs", epochs, 0), ("batch_size", batch_size, 1), ("n_sweeps", n_sweeps, 1),
                                 ("n_fantasy", n_fantasy, 1), ("fantasy_steps", fantasy_steps, 1)):
        check_count(value, name, minimum)
    learning_rate = _check_setting(learning_rate, "learning_rate")
    learn = _check_learn(learn)
    empty_penalty = check_real(empty_penalty, "empty_penalty", minimum=0.0, maximum=_MAX_PENALTY)
    for name, flag in (("nonnegative", nonnegative), ("anneal", anneal), ("monitor", monitor)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {flag!r} ({type(flag).__name__})")
    momentum = check_real(momentum, "momentum", minimum=0.0, maximum=1.0, open_above=True)
    # the fantasy particles of both causes: h, v, P(v|h), the hidden inputs and uniforms, float64 each
    check_budget("n_fantasy", n_fantasy, bytes_per_item=8 * 2 * (2 * model.n_visible + 3 * max(
        model.a.n_hidden, model.b.n_hidden)))
    model.posterior_sampler(correction)  # checks the correction's name before any work
    if empty_penalty and correction != "exact":
        raise ValueError(f"empty_penalty > 0 samples the exact posterior under the prior; correction must be "
                         f"'exact', got {correction!r}")
    model = model.copy()
    params = model.parameters()
    if nonnegative:
        for name in learn:
            np.maximum(params[f"{name}_weights"], 0.0, out=params[f"{name}_weights"])
    n_samples = len(data)
    posterior_a = bernoulli(np.full((n_samples, model.a.n_hidden), 0.5), rng)
    posterior_b = bernoulli(np.full((n_samples, model.b.n_hidden), 0.5), rng)
    if empty_penalty:
        fantasies = {name: _prior_hidden_chain(getattr(model, name), bernoulli(np.full(
            (n_fantasy, getattr(model, name).n_hidden), 0.5), rng), 20, empty_penalty, rng) for name in ("a", "b")}
    else:
        fantasies = {name: getattr(model, name).sample_hidden(n_fantasy, 20, rng) for name in ("a", "b")}
    velocity = {key: np.zeros_like(value) for key, value in params.items()} if momentum else None
    history = TrainingHistory()
    track_likelihood = model.a.n_hidden + model.b.n_hidden <= _EXACT_LIMIT
    for epoch in tqdm(range(epochs), desc="wake/sleep", disable=not progress, leave=False):
        rate = learning_rate * (1 - epoch / epochs) if anneal else learning_rate
        order = rng.permutation(n_samples)
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported after the epoch
            for start in range(0, n_samples, batch_size):
                _wake_sleep_step(model, params, data, order[start:start + batch_size], posterior_a, posterior_b,
                                 fantasies, correction, n_sweeps, fantasy_steps, learn, rate, rng,
                                 empty_penalty, nonnegative, momentum, velocity)
        _check_diverged([model.a, model.b], epoch, "wake/sleep training", model.belief_bias)
        if not monitor:
            continue
        p_v = expit(model._belief_input(posterior_a, posterior_b))
        history.reconstruction_error.append(float(np.mean((data - p_v) ** 2)))
        if track_likelihood:
            history.log_likelihood.append(exact_learning.log_likelihood(model, data, empty_penalty) if empty_penalty
                                          else two_cause_log_likelihood(model, data))
    return model, history


def _wake_sleep_step(model: TwoCauseRBM, params: dict[str, FloatArray], data: FloatArray, rows: NDArray[np.int64],
                     posterior_a: FloatArray, posterior_b: FloatArray, fantasies: dict[str, FloatArray],
                     correction: str, n_sweeps: int, fantasy_steps: int, learn: tuple[str, ...],
                     learning_rate: float, rng: np.random.Generator, empty_penalty: float = 0.0,
                     nonnegative: bool = False, momentum: float = 0.0,
                     velocity: dict[str, FloatArray] | None = None) -> None:
    """One wake/sleep update on the examples ``rows``, in place (parameters, chains, fantasies, velocity).

    With ``empty_penalty`` > 0 the posterior is the exact one under the prior (``correction`` is 'exact').
    ``velocity`` (keys of ``params``) is used when given: heavy-ball steps with ``momentum``.
    """
    if empty_penalty:
        v, h_a, h_b = data[rows], posterior_a[rows], posterior_b[rows]
        _prior_posterior(model, v, h_a, h_b, n_sweeps, empty_penalty, rng)
    else:
        # a sampler of this step's parameters, made straight from the model's arrays (they do not change
        # while it runs; model.posterior_sampler would copy them)
        causes = [sampling.Cause(rbm.weights, rbm.hidden_bias, rbm.visible_bias) for rbm in (model.a, model.b)]
        sampler = sampling.make_sampler(*causes, model.total_visible_bias, correction, "sequential")
        state = sampler._init(data[rows], posterior_a[rows], posterior_b[rows], rng)
        sampler.step(state, n_sweeps)
        v, h_a, h_b = state.v, state.h_a, state.h_b
    posterior_a[rows], posterior_b[rows] = h_a, h_b
    step = model._log_joint_gradient(v, h_a, h_b)  # the penalty has no parameters: same wake terms
    for name in ("a", "b"):
        if name not in learn:
            for key in ("weights", "visible_bias", "hidden_bias"):
                del step[f"{name}_{key}"]
            continue
        rbm = getattr(model, name)
        if empty_penalty:
            fantasies[name] = _prior_hidden_chain(rbm, fantasies[name], fantasy_steps, empty_penalty, rng)
        else:
            fantasies[name] = rbm._gibbs_hidden(fantasies[name], fantasy_steps, rng)
        n_fantasy = len(fantasies[name])
        sleep = _sleep_statistics(rbm, fantasies[name], np.full(n_fantasy, 1 / n_fantasy))
        for key, value in sleep.items():
            step[f"{name}_{key}"] -= value
    for key, value in step.items():
        if velocity is None:
            params[key] += learning_rate * value
        else:
            velocity[key] = momentum * velocity[key] + learning_rate * value
            params[key] += velocity[key]
    if nonnegative:
        for name in learn:
            np.maximum(params[f"{name}_weights"], 0.0, out=params[f"{name}_weights"])


def _check_learn(learn: Any) -> tuple[str, ...]:
    """``learn`` as a tuple of distinct names from {"a", "b"}, or a clear error naming it."""
    problem = None
    if isinstance(learn, (str, bytes)):
        problem = ValueError
    elif not isinstance(learn, (tuple, list, set, frozenset)):
        problem = TypeError
    elif not all(isinstance(name, str) and name in ("a", "b") for name in learn):
        problem = TypeError if any(not isinstance(name, str) for name in learn) else ValueError
    if problem is not None:
        raise problem(f"learn must be a tuple naming causes 'a' and/or 'b', such as ('a', 'b') or ('a',), "
                      f"got {learn!r}")
    return tuple(name for name in ("a", "b") if name in learn)


# ------------------------------------------------- samplers under the prior "each cause has a unit on"
def _others_off(h: FloatArray, j: int) -> FloatArray:
    """(n,) 1.0 where every unit of ``h`` except unit j is off, else 0.0."""
    return (h.sum(axis=1) - h[:, j] == 0).astype(np.float64)


def _penalised_posterior_sweep(model: TwoCauseRBM, v: FloatArray, h_a: FloatArray, h_b: FloatArray,
                               empty_penalty: float, uniforms: FloatArray) -> None:
    """One sequential sweep of the exact P(h^A, h^B | v) under the prior, in place (A's units, then B's).

    Unit j of cause A (B likewise) is drawn from σ(ψ_j), ψ_j the log-odds of log P*(h^A, h^B, v)
    between h_j = 1 and h_j = 0 with every other unit fixed:

        ψ_j = W_j0 + Σ_i W_ji v_i + Σ_i [s(φ0_i + W_ji) - s(φ0_i)] - Σ_i [s(x0_i + W_ji) - s(x0_i)]
              + λ·[h^A_k = 0 for all k ≠ j],

    s = softplus, φ0 and x0 the cause's input to the visibles and the belief layer's input with
    h_j = 0, λ = ``empty_penalty``. Without the last term this is the exact correction's
    ψ of :func:`orbm_explore.sampling.sequential_sweep` (s(z) = z - log σ(z) turns the two sums into
    C = log σ(φ0+W+ε) + log σ(φ0) - log σ(φ0+W) - log σ(φ0+ε), ε = x0 - φ0). ``uniforms``: (n, H_A + H_B).
    """
    phi_a, phi_b, x = model._inputs(h_a, h_b)
    for rbm, h, own, offset in ((model.a, h_a, phi_a, 0), (model.b, h_b, phi_b, model.a.n_hidden)):
        base = rbm._hidden_input(v)
        for j in range(rbm.n_hidden):
            w_row = rbm.weights[j]
            was = h[:, j:j + 1]
            own_off, x_off = own - was * w_row, x - was * w_row
            psi = (base[:, j] + (np.logaddexp(0.0, own_off + w_row) - np.logaddexp(0.0, own_off)
                                 - np.logaddexp(0.0, x_off + w_row) + np.logaddexp(0.0, x_off)).sum(axis=1)
                   + empty_penalty * _others_off(h, j))
            new = (uniforms[:, offset + j] < expit(psi)).astype(np.float64)
            own[...] = own_off + new[:, None] * w_row
            x[...] = x_off + new[:, None] * w_row
            h[:, j] = new


def _penalised_posterior(model: TwoCauseRBM, v: FloatArray, h_a: FloatArray, h_b: FloatArray, n_sweeps: int,
                         empty_penalty: float, rng: np.random.Generator) -> None:
    """``n_sweeps`` sweeps of :func:`_penalised_posterior_sweep` from (h_a, h_b), in place."""
    n, n_hidden = len(v), model.a.n_hidden + model.b.n_hidden
    for _ in range(n_sweeps):
        _penalised_posterior_sweep(model, v, h_a, h_b, empty_penalty, rng.random((n, n_hidden)))


def _penalised_hidden_chain(rbm: RBM, h: FloatArray, n_steps: int, empty_penalty: float,
                            rng: np.random.Generator) -> FloatArray:
    """``n_steps`` Gibbs steps of one RBM's (v, h) under the prior, from hidden states h (n, H); a new array.

    Each step draws v ~ σ(h W + W_0), then each hidden unit j in turn from
    σ(W_j0 + Σ_i W_ji v_i + λ·[h_k = 0 for all k ≠ j]). Every conditional is exact
    for P'(v, h) ∝ P*(v, h) e^{-λ[h = 0]}, so the chain's law of h tends to
    P'(h) = Σ_v P'(v, h), the prior the sleep terms average over.
    """
    h = h.copy()
    for _ in range(n_steps):
        v = bernoulli(expit(rbm._visible_input(h)), rng)
        base = rbm._hidden_input(v)
        uniforms = rng.random(h.shape)
        for j in range(rbm.n_hidden):
            psi = base[:, j] + empty_penalty * _others_off(h, j)
            h[:, j] = (uniforms[:, j] < expit(psi)).astype(np.float64)
    return h


def _engine_hidden_chain(rbm: RBM, h: FloatArray, n_steps: int, empty_penalty: float,
                         rng: np.random.Generator) -> FloatArray:
    """:func:`_penalised_hidden_chain` compiled (both halves of each step): the same draws, a new array.

    The uniforms of all steps are drawn in one block, in the reference's order (per step the visible
    units', then the hidden units')."""
    h = np.array(h, dtype=np.float64, order="C")
    n, n_hidden = h.shape
    uniforms = rng.random((n_steps, n * (rbm.n_visible + n_hidden)))
    _sweep.penalised_hidden_chain(h, rbm.weights, rbm.visible_bias, rbm.hidden_bias, uniforms, float(empty_penalty))
    return h


def _engine_posterior(model: TwoCauseRBM, v: FloatArray, h_a: FloatArray, h_b: FloatArray, n_sweeps: int,
                      empty_penalty: float, rng: np.random.Generator) -> None:
    """:func:`_penalised_posterior` in the engine (``posterior_sampler(empty_penalty=…)``): the same draws, in place.

    ``h_a`` and ``h_b`` must be C-contiguous float64 arrays (they become the chains' state). The sampler
    is made straight from the model's arrays (no copies, no checks): it lives only for this call, during
    which the parameters do not change.
    """
    causes = [sampling.Cause(rbm.weights, rbm.hidden_bias, rbm.visible_bias) for rbm in (model.a, model.b)]
    sampler = sampling.make_sampler(*causes, model.total_visible_bias, "exact", "sequential", empty_penalty)
    sampler.step(sampler._init(np.ascontiguousarray(v, dtype=np.float64), h_a, h_b, rng), n_sweeps)


def _prior_posterior(model: TwoCauseRBM, v: FloatArray, h_a: FloatArray, h_b: FloatArray, n_sweeps: int,
                     empty_penalty: float, rng: np.random.Generator) -> None:
    """The wake phase's sampler under the prior: the engine, or the numpy reference if ``_PRIOR_ENGINE`` is off."""
    sample = _engine_posterior if _PRIOR_ENGINE else _penalised_posterior
    sample(model, v, h_a, h_b, n_sweeps, empty_penalty, rng)


def _prior_hidden_chain(rbm: RBM, h: FloatArray, n_steps: int, empty_penalty: float,
                        rng: np.random.Generator) -> FloatArray:
    """The sleep phase's chain under the prior: compiled, or the numpy reference if ``_PRIOR_ENGINE`` is off."""
    chain = _engine_hidden_chain if _PRIOR_ENGINE else _penalised_hidden_chain
    return chain(rbm, h, n_steps, empty_penalty, rng)
