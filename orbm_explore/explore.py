"""The numbers behind the figures and apps (no matplotlib, no widgets here).

:mod:`orbm_explore.plots` and :mod:`orbm_explore.widgets` draw what this
module computes:

* the correction maps and 1-D cuts of notebook 02 (:func:`correction_grid`,
  :func:`log_ratio_terms`, :func:`switch_offset`, :func:`sigmoid_step`);
* the burglar/earthquake probabilities and the chains the classroom app
  animates (:func:`alarm_probabilities`, :func:`given_cause_b`,
  :func:`watch_chains`);
* the step-by-step laws of the "why a layer-at-once sampler is wrong" view
  (:func:`sweep_steps`, :func:`law_after_steps`);
* the sampler-bias comparison of notebook 04 (:func:`sampler_bias_results`);
* what each approximate correction costs a sampler, exactly, for notebook 03
  (:func:`sampler_bias_table`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import log_expit

from . import corrections, exact, stats
from .numerics import (as_binary_array, as_finite_array, as_generator, check_budget, check_count, check_real,
                       log_sigmoid, sigmoid)

# Peak bytes per grid point of a correction map (the exact correction's temporaries).
_BYTES_PER_GRID_POINT = 200.0
from .rbm import RBM
from .two_cause import TwoCauseRBM

__all__ = [
    "correction_grid",
    "log_ratio_terms",
    "switch_offset",
    "correction_at",
    "approximation_error",
    "sigmoid_step",
    "NotesCells",
    "notes_cells",
    "ALARM_CONDITIONS",
    "QUAKE_STATES",
    "alarm_probabilities",
    "condition_index",
    "given_cause_b",
    "ChainRun",
    "watch_chains",
    "Step",
    "sweep_steps",
    "law_after_steps",
    "sampler_bias_results",
    "cause_joint",
    "cause_covariance",
    "BIAS_TABLE_CORRECTIONS",
    "BiasRow",
    "sampler_bias_table",
]

FloatArray = NDArray[np.float64]


# --------------------------------------------------------------------------- checks at the public edge
def _check_h(h: Any) -> float:
    h = check_real(h, "h")
    if h not in (0.0, 1.0):
        raise ValueError(f"h (the state h_j) must be 0 or 1, got {h!r}")
    return h


def _check_name(name: Any, argument: str) -> str:
    """A key of :data:`orbm_explore.corrections.CORRECTIONS`, or an error naming ``argument``."""
    if not isinstance(name, str) or name not in corrections.CORRECTIONS:
        raise ValueError(f"{argument} must be one of {sorted(corrections.CORRECTIONS)}, got {name!r}")
    return name


def _check_model(model: Any) -> TwoCauseRBM:
    if not isinstance(model, TwoCauseRBM):
        raise TypeError(f"model must be a TwoCauseRBM, got {type(model).__name__}")
    return model


def _check_alarm_model(model: Any) -> TwoCauseRBM:
    """The alarm model's shape: one hidden unit per cause and one visible unit."""
    _check_model(model)
    if (model.a.n_hidden, model.b.n_hidden, model.n_visible) != (1, 1, 1):
        raise ValueError("model must have one hidden unit per cause and one visible unit (toys.alarm_model), got "
                         f"{model.a.n_hidden}+{model.b.n_hidden} hidden and {model.n_visible} visible")
    return model


def _check_binary(value: Any, name: str) -> float:
    value = check_real(value, name)
    if value not in (0.0, 1.0):
        raise ValueError(f"{name} must be 0 or 1, got {value!r}")
    return value


# --------------------------------------------------------------------------- notebook 02: the correction
def correction_grid(w: float, reach: float, h: float, n: int = 200,
                    correction: str = "exact") -> tuple[FloatArray, FloatArray, FloatArray]:
    """A registered correction on an n×n grid over the actual input φ^A_i (x) and ε_i (y).

    The notes' §1.1 panels use the *actual* input φ = φ^{A0} + h W on the x axis,
    so h = 0 and h = 1 give two different pictures of the same function.

    Returns
    -------
    phi : (n,), eps : (n,), values : (n, n) with values[k, l] at (phi[l], eps[k]).
    """
    w, reach, h = check_real(w, "w"), check_real(reach, "reach", minimum=0.0, open_below=True), _check_h(h)
    n = check_count(n, "n", minimum=1)
    check_budget("n", n * n, bytes_per_item=_BYTES_PER_GRID_POINT, what=f"n={n} ({n * n:,} grid points)")
    phi = np.linspace(-reach, reach, n)
    eps = np.linspace(-reach, reach, n)
    values = corrections.get_correction(correction).from_state(phi[None, :], h, eps[:, None], w)
    return phi, eps, np.broadcast_to(values, (n, n))


def log_ratio_terms(eps: float, w: float, h: float, reach: float,
                    n: int = 601) -> tuple[FloatArray, FloatArray, FloatArray]:
    """φ grid (n,) and the two §2.1 terms (n,) at fixed ε, as functions of the actual input φ = φ0 + h W."""
    eps, w, h = check_real(eps, "eps"), check_real(w, "w"), check_real(h, "h")
    reach, n = check_real(reach, "reach", minimum=0.0, open_below=True), check_count(n, "n", minimum=1)
    check_budget("n", n, bytes_per_item=_BYTES_PER_GRID_POINT)
    phi = np.linspace(-reach, reach, n)
    phi0 = phi - h * w
    first = log_sigmoid(phi0) - log_sigmoid(phi0 + w)
    second = log_sigmoid(phi0 + eps + w) - log_sigmoid(phi0 + eps)
    return phi, first, second


def switch_offset(w: float, h: float) -> float:
    """Where the correction's two terms switch, in the actual input: −W/2 + h W.

    The first term switches on the line φ = −W/2 + hW, the second on the line
    φ + ε = −W/2 + hW (at each, that term is exactly half its plateau).

    Raises
    ------
    TypeError, ValueError
        If ``w`` is not a finite real number, or ``h`` is not 0 or 1.
    """
    return _switch_offset(check_real(w, "w"), _check_h(h))


def _switch_offset(w: float, h: float) -> float:
    """:func:`switch_offset` without the checks (the widgets' per-slider-move path)."""
    return -w / 2 + h * w


def correction_at(phi: float, eps: float, w: float, h: float, correction: str = "exact") -> float:
    """A registered correction at one point of the map: actual input φ (with h_j = h), ε and W.

    Raises
    ------
    TypeError, ValueError
        If ``phi``, ``eps`` or ``w`` is not a finite real number, ``h`` is not 0 or 1,
        or ``correction`` is not a key of :data:`orbm_explore.corrections.CORRECTIONS`.
    """
    phi, eps, w, h = check_real(phi, "phi"), check_real(eps, "eps"), check_real(w, "w"), _check_h(h)
    return _correction_at(phi, eps, w, h, _check_name(correction, "correction"))


def _correction_at(phi: float, eps: float, w: float, h: float, correction: str = "exact") -> float:
    """:func:`correction_at` without the argument checks (the widgets' per-slider-move path)."""
    return float(corrections.get_correction(correction).from_state(np.array(phi, dtype=np.float64), float(h), eps, w))


def approximation_error(w: float, reach: float, h: float, n: int,
                        approximation: str) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The exact correction, an approximation and their difference on the map's grid, each (n, n).

    ``approximation`` is a key of :data:`orbm_explore.corrections.CORRECTIONS`.
    """
    approximation = _check_name(approximation, "approximation")
    truth = correction_grid(w, reach, h, n, "exact")[2]
    approx = correction_grid(w, reach, h, n, approximation)[2]
    return truth, approx, approx - truth


def sigmoid_step(phi: ArrayLike, w: float, alpha: float) -> FloatArray:
    """The notes' In[4] approximation of the first log-ratio term: −W σ(−α(φ + W/2)), same shape as φ.

    Raises
    ------
    TypeError, ValueError
        If ``phi`` is not a finite real array, or ``w`` or ``alpha`` not a finite real number.
    """
    return _sigmoid_step(as_finite_array(phi, "phi"), check_real(w, "w"), check_real(alpha, "alpha"))


def _sigmoid_step(phi: FloatArray, w: float, alpha: float) -> FloatArray:
    with np.errstate(over="ignore"):  # α(φ + W/2) beyond float64 saturates σ to 0 or 1, as it should
        return -w * sigmoid(np.clip(-alpha * (phi + w / 2), -1e300, 1e300))


@dataclass
class NotesCells:
    """The curves of the notes' In[4] and In[5] at fixed W and ε, each (n,) over φ (``alpha`` the gain used)."""

    alpha: float
    term: FloatArray
    term_approx: FloatArray
    exact: FloatArray
    approx: FloatArray


def notes_cells(phi: ArrayLike, w: float, eps: float, use_gain: bool = True) -> NotesCells:
    """In[4]: the first log-ratio term against −W σ(−α(φ + W/2)); In[5]: the correction against its
    sigmoid approximation (with the gain α of :func:`orbm_explore.corrections.gain`, or α = 1).

    Raises
    ------
    TypeError, ValueError
        If ``phi`` is not a finite real array, or ``w`` or ``eps`` not a finite real number.
    """
    phi, w, eps = as_finite_array(phi, "phi"), check_real(w, "w"), check_real(eps, "eps")
    alpha = float(corrections.gain(w)) if use_gain else 1.0
    term = log_sigmoid(phi) - log_sigmoid(phi + w)
    return NotesCells(alpha, term, _sigmoid_step(phi, w, alpha), corrections.exact(phi, eps, w),
                      corrections.sigmoid(phi, eps, w, gain=use_gain))


# --------------------------------------------------------------------------- the alarm (notebook 04, classroom)
ALARM_CONDITIONS = ("prior", "given v", "given v, no quake", "given v, quake")
QUAKE_STATES = ("unknown", 0, 1)


def condition_index(quake: Any) -> int:
    """Index into :data:`ALARM_CONDITIONS` of the condition that a quake state selects.

    Raises
    ------
    ValueError
        If ``quake`` is not one of :data:`QUAKE_STATES` ("unknown", 0 or 1).
    """
    return QUAKE_STATES.index(_check_quake(quake)) + 1


def _check_quake(quake: Any) -> Any:
    """One of :data:`QUAKE_STATES` (0.0 and 1.0 accepted as 0 and 1; bools refused), or a ValueError naming quake."""
    if isinstance(quake, str) and quake == "unknown":
        return quake
    if not isinstance(quake, (str, bool, np.bool_)):
        try:
            if quake in (0, 1):
                return int(quake)
        except (TypeError, ValueError):
            pass
    raise ValueError(f"quake must be one of {QUAKE_STATES}, got {quake!r}")


def alarm_probabilities(model: Any, alarm: float) -> FloatArray:
    """P(burglar = 1) under :data:`ALARM_CONDITIONS`, by enumeration; shape (4,).

    ``model`` has one hidden unit per cause (burglar A, earthquake B) and one
    visible unit (the alarm), as :func:`orbm_explore.toys.alarm_model` builds.
    ``alarm`` is 0 or 1.

    Raises
    ------
    TypeError, ValueError
        If ``model`` is not such a TwoCauseRBM, or ``alarm`` is not 0 or 1.
    """
    model, alarm = _check_alarm_model(model), _check_binary(alarm, "alarm")
    prior = exact.two_cause_hidden_distribution(model).reshape(2, 2)
    post = exact.posterior(model, [float(alarm)]).reshape(2, 2)  # [h_A, h_B]
    return np.array([prior[1].sum(), post[1].sum(), post[1, 0] / post[:, 0].sum(),
                     post[1, 1] / post[:, 1].sum()])


def given_cause_b(model: TwoCauseRBM, h_b: ArrayLike) -> TwoCauseRBM:
    """A model whose posterior over h^A given v is the original's P(h^A | v, h^B = h_b).

    Cause B's contribution to the belief layer is frozen at its value for
    ``h_b``; the new cause B has one unit wired to nothing, so sampling the
    new model's posterior samples A given v and the clamped B. Exact: A's
    conditional depends on B only through that contribution.

    Parameters
    ----------
    model : TwoCauseRBM
    h_b : (Hb,) binary, the clamped state of cause B.

    Raises
    ------
    TypeError, ValueError
        If ``model`` is not a TwoCauseRBM, or ``h_b`` is not a binary vector of length Hb.
    """
    model = _check_model(model)
    h_b = as_binary_array(h_b, "h_b")
    if h_b.shape != (model.b.n_hidden,):
        raise ValueError(f"h_b must have shape ({model.b.n_hidden},) (cause B's hidden units), got {h_b.shape}")
    return _given_cause_b(model, h_b)


def _given_cause_b(model: TwoCauseRBM, h_b: FloatArray) -> TwoCauseRBM:
    a, b = model.a, model.b
    frozen = h_b @ b.weights  # (V,)
    zeros = np.zeros((1, model.n_visible))
    if model.belief_bias is None:  # x = φ^A + φ^B, B's visible bias inside φ^B
        return TwoCauseRBM(a, RBM(zeros, frozen + b.visible_bias, [0.0]))
    return TwoCauseRBM(a, RBM(zeros, b.visible_bias, [0.0]), belief_bias=model.belief_bias + frozen)


@dataclass
class ChainRun:
    """Chains watched sweep by sweep, for one estimate of P(h_A,0 = 1 | condition).

    Attributes
    ----------
    h_a, h_b : (n_sweeps, n_chains) first unit of each cause after every sweep.
    running : (n_sweeps,) running estimate over all chains, sweeps 1..t.
    estimate : float, running[-1].
    standard_error : float, between-chain (n_chains ≥ 2) or batch means (one chain).
    """

    h_a: FloatArray
    h_b: FloatArray
    running: FloatArray
    estimate: float
    standard_error: float


def _sweeps(model: TwoCauseRBM, v: FloatArray, n_sweeps: int, rng: np.random.Generator):
    """Yield (h_a, h_b) after each sequential exact sweep, one chain per row of v (the engine's state + step)."""
    sampler = model.posterior_sampler(correction="exact", schedule="sequential")
    state = sampler.init(v, rng=rng)
    for _ in range(n_sweeps):
        sampler.step(state)
        yield state.h_a, state.h_b


def watch_chains(model: TwoCauseRBM, alarm: float, quake: Any = "unknown", n_chains: int = 1,
                 n_sweeps: int = 100, seed: int = 0, warmup: int = 10) -> ChainRun:
    """Run exact sequential Gibbs chains for P(burglar | alarm[, quake]) and keep every sweep.

    Parameters
    ----------
    model : the alarm model (one unit per cause, one visible unit).
    alarm : 0 or 1.
    quake : "unknown" (sample both causes), 0 or 1 (sample the burglar with the quake clamped).
    n_chains, n_sweeps : chains run side by side; sweeps kept after ``warmup`` discarded ones.
    seed : the same seed and setting always give the same run (a non-negative int).
    warmup : sweeps discarded first (≥ 0).

    Raises
    ------
    TypeError, ValueError
        If an argument is not as described (the message names it).
    """
    model, alarm = _check_alarm_model(model), _check_binary(alarm, "alarm")
    quake = _check_quake(quake)
    n_chains = check_count(n_chains, "n_chains", minimum=1)
    n_sweeps = check_count(n_sweeps, "n_sweeps", minimum=1)
    warmup = check_count(warmup, "warmup", minimum=0)
    if n_chains == 1 and n_sweeps < 2:
        raise ValueError("n_sweeps must be at least 2 with one chain (its standard error needs two batches), got 1")
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a non-negative int, got {seed!r} ({type(seed).__name__})")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    target = model if quake == "unknown" else _given_cause_b(model, np.array([float(quake)]))
    rng = as_generator(int(seed))
    v = np.full((n_chains, 1), float(alarm))
    h_a = np.empty((n_sweeps, n_chains))
    h_b = np.empty((n_sweeps, n_chains))
    for t, (a, b) in enumerate(_sweeps(target, v, warmup + n_sweeps, rng)):
        if t >= warmup:
            h_a[t - warmup], h_b[t - warmup] = a[:, 0], b[:, 0]
    if quake != "unknown":
        h_b[:] = float(quake)
    running = np.cumsum(h_a.mean(axis=1)) / np.arange(1, n_sweeps + 1)
    if n_chains >= 2:
        se = float(h_a.mean(axis=0).std(ddof=1) / np.sqrt(n_chains))
    else:
        batches = np.array_split(h_a[:, 0], min(10, n_sweeps))
        means = np.array([batch.mean() for batch in batches])
        se = float(means.std(ddof=1) / np.sqrt(len(means)))
    return ChainRun(h_a, h_b, running, float(running[-1]), se)


# --------------------------------------------------------------------------- why a layer at once is wrong
@dataclass
class Step:
    """One step of a sweep: what it resamples and its exact transition matrix T (S, S) over joint states."""

    label: str
    matrix: FloatArray


def sweep_steps(model: Any, v: ArrayLike, schedule: str) -> list[Step]:
    """The steps of one sweep of ``schedule`` (exact correction), each with its transition matrix.

    ``"sequential"``: one step per hidden unit (A's units, then B's), each
    resampling that unit from its exact conditional. ``"parallel"``: two
    steps, A's layer then B's layer, each resampled at once from the old
    state. States are ordered as in :mod:`orbm_explore.exact`; the product
    of the steps' matrices is :func:`orbm_explore.exact.sweep_kernel`.
    """
    if schedule not in ("sequential", "parallel"):
        raise ValueError(f"schedule must be 'sequential' or 'parallel', got {schedule!r}")
    h_a, h_b = exact.two_cause_hidden_states(model)
    states = np.hstack([h_a, h_b])
    n_a, n_total = h_a.shape[1], states.shape[1]
    index = exact.state_index(states)
    v = np.asarray(v, dtype=np.float64)

    def log_on_off():
        psi_a, psi_b = model.psi(h_a, h_b, np.broadcast_to(v, (len(states), v.size)), "exact")
        psi = np.hstack([psi_a, psi_b])
        return log_expit(psi), log_expit(-psi)  # (S, units)

    log_on, log_off = log_on_off()
    names = [f"A{j + 1}" for j in range(n_a)] + [f"B{j + 1}" for j in range(n_total - n_a)]
    if schedule == "sequential":
        groups = [[unit] for unit in range(n_total)]
    else:
        groups = [list(range(n_a)), list(range(n_a, n_total))]
    steps = []
    for units in groups:
        matrix = np.zeros((len(states), len(states)))
        for target, row in enumerate(states):
            # From every state s, the probability of landing on `row`: the other units must agree with s.
            others = [u for u in range(n_total) if u not in units]
            same = np.all(states[:, others] == row[others], axis=1)
            log_p = sum(log_on[:, u] if row[u] else log_off[:, u] for u in units)
            matrix[same, index[target]] = np.exp(log_p[same])
        if schedule == "sequential":
            label = f"unit {names[units[0]]}"
        else:
            label = f"layer {names[units[0]][0]} ({', '.join(names[u] for u in units)} at once)"
        steps.append(Step(label, matrix))
    return steps


def law_after_steps(start: ArrayLike, steps: list[Step], n_steps: int) -> FloatArray:
    """The chain's law after each of the first ``n_steps`` steps (cycling through a sweep's steps).

    Returns
    -------
    (n_steps + 1, S): row 0 is ``start``, row t is row t-1 @ T of step (t-1) mod len(steps).

    Raises
    ------
    TypeError, ValueError
        If ``steps`` is not a non-empty list of :class:`Step` with (S, S) matrices, ``start`` is not
        a probability vector of length S, or ``n_steps`` is not an integer ≥ 0.
    """
    if (not isinstance(steps, (list, tuple)) or not steps or not all(isinstance(s, Step) for s in steps)):
        raise TypeError("steps must be a non-empty list of Step (from sweep_steps)")
    size = steps[0].matrix.shape[0]
    start = as_finite_array(start, "start")
    if start.shape != (size,):
        raise ValueError(f"start must be a distribution over the {size} joint states, shape ({size},), "
                         f"got shape {start.shape}")
    if np.any(start < 0) or not np.isclose(start.sum(), 1.0, rtol=0, atol=1e-9):
        raise ValueError(f"start must be a probability vector (entries >= 0 summing to 1), sum is {start.sum()!r}")
    return _law_after_steps(start, steps, check_count(n_steps, "n_steps", minimum=0))


def _law_after_steps(start: FloatArray, steps: list[Step], n_steps: int) -> FloatArray:
    """:func:`law_after_steps` without the checks (the classroom app's per-tick path)."""
    laws = [start]
    for t in range(n_steps):
        laws.append(laws[-1] @ steps[t % len(steps)].matrix)
    return np.array(laws)


# --------------------------------------------------------------------------- notebook 04: sampler bias
def sampler_bias_results(model: Any, v: ArrayLike, n_chains: int = 20000, n_sweeps: int = 50,
                         seed: int = 0) -> dict[str, FloatArray]:
    """The exact posterior, both samplers' sampled laws and the parallel sampler's exact stationary law.

    Returns
    -------
    dict of name -> (S,) distributions over joint hidden states: "exact posterior",
    "sequential: sampled", "parallel: sampled", "parallel: exact kernel".
    """
    if not isinstance(model, TwoCauseRBM):
        raise TypeError(f"model must be a TwoCauseRBM, got {type(model).__name__}")
    post = exact.posterior(model, v)
    results = {"exact posterior": post,
               "parallel: exact kernel": exact.sampler_stationary_distribution(model, v, "exact", "parallel")}
    n_chains = check_count(n_chains, "n_chains", minimum=1)
    n_sweeps = check_count(n_sweeps, "n_sweeps", minimum=0)
    v_batch = np.tile(np.asarray(v, dtype=np.float64), (n_chains, 1))
    for schedule in ("sequential", "parallel"):
        h_a, h_b = model.sample_posterior(v_batch, n_sweeps, schedule=schedule, rng=seed)
        results[f"{schedule}: sampled"] = stats.counts(exact.state_index(np.hstack([h_a, h_b])),
                                                       post.size) / n_chains
    return results


def state_labels(model: Any) -> list[str]:
    """Labels "h^A|h^B" (e.g. "10|1") of the joint hidden states, in :mod:`orbm_explore.exact` order."""
    h_a, h_b = exact.two_cause_hidden_states(model)
    return ["".join(str(int(x)) for x in a) + "|" + "".join(str(int(x)) for x in b) for a, b in zip(h_a, h_b)]


# --------------------------------------------------------------------------- notebook 04: the 2x2 tables
def cause_joint(model: Any, alarm: Any = None) -> FloatArray:
    """The joint law of the two causes, by exact enumeration; shape (2, 2).

    Rows are burglar (h_A) off/on, columns quake (h_B) off/on. With
    ``alarm=None`` it is the prior P(h_A, h_B) (the causes are independent
    a priori, so it is an outer product); with ``alarm`` 0 or 1 it is the
    posterior P(h_A, h_B | v = alarm).

    Parameters
    ----------
    model : TwoCauseRBM with one hidden unit per cause and one visible unit
        (:func:`orbm_explore.toys.alarm_model`).
    alarm : None, 0 or 1.

    Returns
    -------
    (2, 2) float64 array summing to 1.

    Raises
    ------
    TypeError, ValueError
        If ``model`` is not such a model, or ``alarm`` is not None, 0 or 1.
    """
    model = _check_alarm_model(model)
    if alarm is None:
        return exact.two_cause_hidden_distribution(model).reshape(2, 2)
    if isinstance(alarm, (bool, np.bool_)):
        raise ValueError(f"alarm must be None, 0 or 1, got {alarm!r}")
    try:
        alarm = _check_binary(alarm, "alarm")
    except (TypeError, ValueError):
        raise ValueError(f"alarm must be None, 0 or 1, got {alarm!r}") from None
    return exact.posterior(model, [alarm]).reshape(2, 2)


def cause_covariance(table: ArrayLike) -> float:
    """Covariance of the two causes under a 2×2 joint law: P(1, 1) − P(1, ·) P(·, 1).

    Negative: explaining away (one cause makes the other less likely);
    positive: explaining in; zero: independent.

    Parameters
    ----------
    table : (2, 2) array of probabilities summing to 1, rows h_A, columns h_B
        (as :func:`cause_joint` returns).

    Raises
    ------
    ValueError
        If ``table`` is not a (2, 2) array of probabilities summing to 1.
    """
    table = as_finite_array(table, "table")
    if table.shape != (2, 2):
        raise ValueError(f"table must have shape (2, 2), got {table.shape}")
    if (table < 0).any() or abs(table.sum() - 1.0) > 1e-9:
        raise ValueError(f"table must hold probabilities summing to 1, got sum {table.sum()!r}")
    return float(table[1, 1] - table[1].sum() * table[:, 1].sum())


# --------------------------------------------------------------------------- notebook 03: what an approximation costs
BIAS_TABLE_CORRECTIONS = ("sigmoid", "sigmoid_nogain", "linear", "none")


@dataclass(frozen=True)
class BiasRow:
    """One row of :func:`sampler_bias_table`.

    Attributes
    ----------
    correction : str, a key of :data:`orbm_explore.corrections.CORRECTIONS`.
    tv : float, total variation between the stationary law of the sampler that uses this
        correction and the exact posterior P(h^A, h^B | v).
    max_psi_error : float, the largest |ψ_j(approximate) − ψ_j(exact)| over every joint hidden
        state and every hidden unit: the pointwise error of the correction where this model's
        sampler meets it.
    """

    correction: str
    tv: float
    max_psi_error: float


def sampler_bias_table(model: Any, v: ArrayLike, names: tuple[str, ...] = BIAS_TABLE_CORRECTIONS,
                       schedule: str = "sequential") -> list[BiasRow]:
    """What each correction costs a Gibbs sampler, computed exactly by enumeration.

    For every correction: the total variation between the sampler's stationary law
    (:func:`orbm_explore.exact.sampler_stationary_distribution`, the law it converges to
    however long it runs) and the exact posterior, beside the correction's largest
    pointwise error on this model's log-odds ψ.

    Parameters
    ----------
    model : TwoCauseRBM small enough to enumerate (at most about 12 hidden units in all).
    v : (V,) one visible pattern of 0/1.
    names : corrections to compare, keys of :data:`orbm_explore.corrections.CORRECTIONS`.
    schedule : "sequential" (one unit at a time) or "parallel" (a layer at once).

    Returns
    -------
    list of :class:`BiasRow`, one per name, in the order given.

    Raises
    ------
    TypeError, ValueError
        If ``model`` is not a TwoCauseRBM, ``v`` is not one binary pattern of length V,
        ``names`` is not a non-empty sequence of correction names, or ``schedule`` is unknown.
    """
    model = _check_model(model)
    if isinstance(names, str) or not isinstance(names, (list, tuple)) or not names:
        raise ValueError(f"names must be a non-empty tuple of correction names, got {names!r}")
    names = tuple(_check_name(name, "names") for name in names)
    if schedule not in ("sequential", "parallel"):
        raise ValueError(f"schedule must be 'sequential' or 'parallel', got {schedule!r}")
    post = exact.posterior(model, v)  # checks v
    h_a, h_b = exact.two_cause_hidden_states(model)
    v_rows = np.broadcast_to(np.asarray(v, dtype=np.float64).reshape(1, -1), (len(h_a), model.n_visible))
    truth = np.hstack(model.psi(h_a, h_b, v_rows, "exact"))
    rows = []
    for name in names:
        law = exact.sampler_stationary_distribution(model, v, name, schedule)
        error = np.abs(np.hstack(model.psi(h_a, h_b, v_rows, name)) - truth).max()
        rows.append(BiasRow(name, float(stats.total_variation(law, post)), float(error)))
    return rows
