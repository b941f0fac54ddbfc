"""Posterior sampling for the two-cause model, P(h^A, h^B | v), as an explicit state and a step.

Usage::

    sampler = model.posterior_sampler(correction="exact", schedule="sequential")
    state = sampler.init(v, rng=0)        # one chain per row of v
    for _ in range(50):
        sampler.step(state)               # one sweep over every hidden unit, in place
        use(state.h_a, state.h_b)

The correction and the schedule are resolved once, when the sampler is made,
and the sampler holds a snapshot of the model's parameters: it never calls
back into the model. :meth:`TwoCauseRBM.sample_posterior` is a short driver
over these two calls.

Schedules
---------
``"sequential"``  one hidden unit at a time, each from its conditional given
                  every other unit (A's units in order, then B's). With the
                  exact correction this is a valid Gibbs sampler.
``"parallel"``    a whole layer at once from the old state (A, then B given
                  the new A), as the predecessor code did. Given v the units
                  of one cause are coupled, so this does *not* leave the
                  posterior invariant; it is kept so that its bias can be seen.

The conditional log-odds of unit j of cause A (notes §1, §2) is

    ψ_j = W_j0 + Σ_i W_ji v_i + Σ_i C(φ^A_i, h_j, ε_i, W_ji),

with φ^A the cause's own input to the visibles, ε = x − φ^A the rest of the
belief layer's input x, and C a correction from :mod:`orbm_explore.corrections`.
:func:`sequential_sweep` and :func:`parallel_sweep` write this out in numpy;
they are the reference. The sequential exact sampler runs the same update in
a compiled kernel (:mod:`orbm_explore._kernels.sweep`) that keeps σ(±φ) and
σ(±x) of the current state cached, so that only the flipped terms are fresh.

Every sweep draws one uniform per chain and hidden unit, ``rng.random((n,
H_A + H_B))``, whichever path runs, so stepping k times by one sweep gives
exactly the draws of one step by k sweeps. The compiled path draws the
uniforms of many sweeps in one block (the same numbers, in the same order)
and passes them to the kernel as logits, so that a unit turns on when
logit(u) < ψ (the same decision as u < σ(ψ); the ratio kernel makes it
without a log, see :mod:`orbm_explore._kernels.sweep`). The ratio kernel does
not track the inputs φ_A, φ_B and x: the state recomputes them from h when
they are read after a step.
A compiled call covers as many sweeps, and as many chains, as fit in about
0.1 s of work per thread, from each kernel's measured cost; small work stays
on the calling thread.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, log_expit
from tqdm.auto import tqdm

from ._kernels import parallel
from ._kernels import sweep as _sweep
from .corrections import Correction, get_correction
from .numerics import as_binary_array, as_generator, bernoulli, check_budget, check_count, check_real

__all__ = ["SCHEDULES", "MAX_SWEEPS", "MAX_PENALTY", "Cause", "PosteriorSampler", "PosteriorState", "layer_psi",
           "sequential_sweep", "parallel_sweep"]

FloatArray = NDArray[np.float64]
SCHEDULES = ("sequential", "parallel")
MAX_SWEEPS = 10**9
# empty_penalty beyond this is "never empty" for any practical purpose (e^{-1e6} underflows to 0 anyway).
MAX_PENALTY = 1e6
# Caches are recomputed from h every this many sweeps (counted from init), so
# rounding cannot build up; being tied to the count keeps stepping patterns equivalent.
_REFRESH_SWEEPS = 256
# A compiled call is cut to about this much work (per thread), so Ctrl-C takes effect quickly: the cut
# uses the measured cost of each kernel (see _CostModel), and may split one sweep's chains over several calls.
_SECONDS_PER_CALL = 0.1
_UNIFORMS_PER_CALL = 1 << 22
# Work per thread below which a call stays on one thread (a thread hand-off costs tens of µs on an idle
# machine, and up to a scheduler time slice when the other cores are busy).
_MIN_SECONDS_PER_THREAD = 1e-3
# Bytes per chain a state and one sweep's uniforms need, per visible and per hidden unit (float64 arrays:
# v, φ_A, φ_B, x and up to six cached terms per visible unit; h, base and a uniform per hidden unit, twice over).
_BYTES_PER_VISIBLE = 8 * 10
_BYTES_PER_HIDDEN = 8 * 6


class _CostModel:
    """Measured seconds per (chain × hidden-unit update) of each compiled kernel, per number of visible units.

    The measured (pessimistic) estimate bounds a call's length, for Ctrl-C: it starts from a deliberately
    slow first guess (so that the first call is short), goes up at once when a call runs slower (a loaded
    machine) and down gently when faster. Calls shorter than ``MIN_TIMED`` seconds are not recorded (their
    time is mostly call overhead and scheduling delay, and they cannot delay Ctrl-C), nor is a kernel's
    first call in the process (it may include compiling or loading the kernel). Whether a hand-off to
    other threads pays is decided from a fixed fast rate instead (``pessimistic=False``, an idle machine's
    rate), so that small work stays on the calling thread however loaded the machine is. Shared by all
    samplers of the process (thread-safe).
    """

    # (seconds per update, per update and visible unit)
    _PESSIMISTIC = {"ratio": (2e-7, 1e-8), "logsig": (2e-7, 1e-7)}
    _OPTIMISTIC = {"ratio": (4e-8, 5e-10), "logsig": (1e-7, 5e-9)}
    MIN_TIMED = 1e-3

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slow: dict[tuple[str, int], float] = {}
        self._called: set[str] = set()

    def estimate(self, kernel: str, n_visible: int, pessimistic: bool = True) -> float:
        """Seconds per (chain × hidden-unit update) on one thread: measured, or the fixed fast rate."""
        if pessimistic:
            with self._lock:
                known = self._slow.get((kernel, n_visible))
            if known is not None:
                return known
        fixed, per_visible = (self._PESSIMISTIC if pessimistic else self._OPTIMISTIC)[kernel]
        return fixed + per_visible * n_visible

    def record(self, kernel: str, n_visible: int, seconds: float, updates_per_thread: int) -> None:
        """Record that a call of ``updates_per_thread`` updates per thread took ``seconds``."""
        with self._lock:
            first = kernel not in self._called
            self._called.add(kernel)
            if first or updates_per_thread <= 0 or seconds < self.MIN_TIMED:
                return
            measured = seconds / updates_per_thread
            key = (kernel, n_visible)
            old = self._slow.get(key)
            self._slow[key] = measured if old is None or measured > old else 0.75 * old + 0.25 * measured


COST = _CostModel()


@dataclass(frozen=True, eq=False)
class Cause:
    """One cause's parameters, as the sampler needs them.

    Attributes
    ----------
    weights : (H, V)         W_ji.
    hidden_bias : (H,)       W_j0.
    visible_bias : (V,)      W_0i, the cause's own visible bias (in its prior P*(h)).
    """

    weights: FloatArray
    hidden_bias: FloatArray
    visible_bias: FloatArray

    @property
    def n_hidden(self) -> int:
        return self.weights.shape[0]


@dataclass(eq=False)
class PosteriorState:
    """The chains of a posterior sampler: hidden states, inputs and cached terms.

    Attributes
    ----------
    v : (n, V)            the clamped visible pattern of each chain.
    h_a, h_b : (n, H_A), (n, H_B)   current hidden states (0.0 or 1.0).
    rng : numpy.random.Generator    the chains' random stream.
    n_sweeps : int        sweeps done since :meth:`PosteriorSampler.init`.
    phi_a, phi_b : (n, V) each cause's input to the visibles, h W + W_0 (properties: the ratio kernel
                          does not track them, and they are recomputed from h when read after a step).
    x : (n, V)            the belief layer's input, so that P(v_i = 1 | h) = σ(x_i) (likewise).
    base_a, base_b : (n, H)   the vanilla log-odds W_j0 + Σ_i W_ji v_i.
    cache : tuple         terms the compiled kernel keeps up to date (empty otherwise).
    sampler_fingerprint : str   identifies the sampler that made the state (its sizes, parameters,
                          correction, schedule and prior); :meth:`PosteriorSampler.step` refuses a state
                          made by a sampler with another fingerprint.
    inputs, stale_inputs  internal: the arrays behind ``phi_a``, ``phi_b`` and ``x``, and the sampler's
                          function that recomputes them from h (set while a kernel has left them stale).

    The arrays are updated in place by :meth:`PosteriorSampler.step`; copy
    ``h_a``/``h_b`` to keep a sample, and read ``phi_a``, ``phi_b`` and ``x`` again after a step.
    """

    v: FloatArray
    h_a: FloatArray
    h_b: FloatArray
    rng: np.random.Generator
    base_a: FloatArray
    base_b: FloatArray
    n_sweeps: int = 0
    cache: tuple = field(default=(), repr=False)
    sampler_fingerprint: str = ""
    # (φ_A, φ_B, x), and the function that brings them up to date from h when a kernel left them stale
    inputs: tuple = field(default=(), repr=False)
    stale_inputs: Callable[["PosteriorState"], None] | None = field(default=None, repr=False)

    @property
    def n_chains(self) -> int:
        return self.v.shape[0]

    def _fresh_inputs(self) -> tuple:
        if self.stale_inputs is not None:
            update, self.stale_inputs = self.stale_inputs, None
            update(self)
        return self.inputs

    def _set_input(self, k: int, value: FloatArray) -> None:
        inputs = list(self._fresh_inputs())
        inputs[k] = value
        self.inputs = tuple(inputs)

    @property
    def phi_a(self) -> FloatArray:
        """(n, V) cause A's input to the visibles, h_a W^A + W^A_0."""
        return self._fresh_inputs()[0]

    @phi_a.setter
    def phi_a(self, value: FloatArray) -> None:
        self._set_input(0, value)

    @property
    def phi_b(self) -> FloatArray:
        """(n, V) cause B's input to the visibles, h_b W^B + W^B_0."""
        return self._fresh_inputs()[1]

    @phi_b.setter
    def phi_b(self, value: FloatArray) -> None:
        self._set_input(1, value)

    @property
    def x(self) -> FloatArray:
        """(n, V) the belief layer's input."""
        return self._fresh_inputs()[2]

    @x.setter
    def x(self, value: FloatArray) -> None:
        self._set_input(2, value)


# ----------------------------------------------------------------- the formulas
def layer_psi(own_phi: FloatArray, other: FloatArray, h: FloatArray, weights: FloatArray,
              base: FloatArray, correction: Correction) -> FloatArray:
    """ψ_j of every unit of one cause, each given all the other units (no input checks).

    Parameters
    ----------
    own_phi : (n, V)   this cause's actual input to the visibles, φ^A.
    other : (n, V)     the rest of the belief layer's input, ε = x − φ^A.
    h : (n, H)         this cause's hidden states.
    weights : (H, V)   this cause's weights.
    base : (n, H)      the vanilla part W_j0 + Σ_i W_ji v_i.
    correction : Correction

    Returns
    -------
    (n, H) array of log-odds.
    """
    psi = base.copy()
    for j in range(weights.shape[0]):
        psi[:, j] += correction.from_state(own_phi, h[:, j:j + 1], other, weights[j]).sum(axis=1)
    return psi


def sequential_sweep(a: Cause, b: Cause, state: PosteriorState, correction: Correction,
                     uniforms: FloatArray) -> None:
    """One sequential sweep in numpy, in place: the reference the compiled kernel is tested against.

    ``uniforms`` has shape (n, H_A + H_B): unit j of A uses column j, unit j of B column H_A + j.
    """
    for cause, h, own, base, offset in ((a, state.h_a, state.phi_a, state.base_a, 0),
                                        (b, state.h_b, state.phi_b, state.base_b, a.n_hidden)):
        for j in range(cause.n_hidden):
            w_row = cause.weights[j]
            psi = base[:, j] + correction.from_state(own, h[:, j:j + 1], state.x - own, w_row).sum(axis=1)
            new = (uniforms[:, offset + j] < expit(psi)).astype(np.float64)
            change = (new - h[:, j])[:, None] * w_row
            own += change
            state.x += change
            h[:, j] = new


def parallel_sweep(a: Cause, b: Cause, state: PosteriorState, correction: Correction,
                   uniforms: FloatArray) -> None:
    """One parallel sweep in place: all of A from the old state, then all of B given the new A."""
    for cause, h, own, base, columns in ((a, state.h_a, state.phi_a, state.base_a, slice(0, a.n_hidden)),
                                         (b, state.h_b, state.phi_b, state.base_b, slice(a.n_hidden, None))):
        psi = layer_psi(own, state.x - own, h, cause.weights, base, correction)
        new = (uniforms[:, columns] < expit(psi)).astype(np.float64)
        change = (new - h) @ cause.weights
        own += change
        state.x += change
        h[...] = new


# ---------------------------------------------------------------------- sampler
class PosteriorSampler:
    """A posterior sampler with its correction and schedule fixed.

    Made by :meth:`orbm_explore.two_cause.TwoCauseRBM.posterior_sampler`, which
    checks the arguments; it holds copies of the model's parameters, so make a
    new sampler after the model changes.

    Parameters
    ----------
    a, b : Cause
        The two causes' parameters.
    belief_bias : (V,)
        The belief layer's bias: W^A_0 + W^B_0 in the notes' model.
    correction : Correction
    schedule : {"sequential", "parallel"}
    empty_penalty : float, 0 ≤ empty_penalty ≤ MAX_PENALTY
        The prior "each cause has a unit on" (see :mod:`orbm_explore.training`): unit j's log-odds gains
        ``empty_penalty`` when every other unit of its cause is off, so the chains sample the posterior
        under a prior that takes ``empty_penalty`` off a cause's log P*(h) when none of its units is on.
        Needs the exact correction and the sequential schedule (the compiled kernels).

    Attributes
    ----------
    fingerprint : str
        A digest of the sizes, parameters, correction, schedule and prior; states carry the fingerprint
        of the sampler that made them.
    """

    def __init__(self, a: Cause, b: Cause, belief_bias: FloatArray, correction: Correction, schedule: str,
                 empty_penalty: float = 0.0):
        self.a, self.b = a, b
        self.belief_bias = belief_bias
        self.correction = correction
        self.schedule = schedule
        self.empty_penalty = float(empty_penalty)
        self.n_visible = belief_bias.shape[0]
        self._compiled = schedule == "sequential" and correction.name == "exact"
        if self.empty_penalty and not self._compiled:
            raise ValueError(f"empty_penalty > 0 needs correction='exact' and schedule='sequential', got "
                             f"correction={correction.name!r}, schedule={schedule!r}")
        largest = max(np.max(np.abs(a.weights), initial=0.0), np.max(np.abs(b.weights), initial=0.0))
        self._ratio = self._compiled and largest <= _sweep.RATIO_WEIGHT_LIMIT
        self._kernel = "ratio" if self._ratio else "logsig"
        if self._ratio:  # e[0] = e^{−W} turns a unit on, e[1] = e^{+W} off (see _kernels.sweep)
            self._e = tuple(np.stack([np.exp(-c.weights), np.exp(c.weights)]) for c in (a, b))
            self._groups = (_sweep.group_sizes(a.weights), _sweep.group_sizes(b.weights))
        digest = hashlib.blake2b(digest_size=16)
        for array in (a.weights, a.hidden_bias, a.visible_bias, b.weights, b.hidden_bias, b.visible_bias,
                      belief_bias):
            digest.update(repr(array.shape).encode())
            digest.update(np.ascontiguousarray(array, dtype=np.float64))
        digest.update(f"{correction.name}|{schedule}|{self.empty_penalty!r}".encode())
        self.fingerprint = digest.hexdigest()

    def __repr__(self) -> str:
        prior = f", empty_penalty={self.empty_penalty!r}" if self.empty_penalty else ""
        return (f"PosteriorSampler(correction={self.correction.name!r}, schedule={self.schedule!r}, "
                f"n_hidden=({self.a.n_hidden}, {self.b.n_hidden}), n_visible={self.n_visible}{prior})")

    # ------------------------------------------------------------------- init
    def init(self, v: ArrayLike, h_a: ArrayLike | None = None, h_b: ArrayLike | None = None,
             rng: Any = None) -> PosteriorState:
        """Start one chain per row of ``v``.

        Parameters
        ----------
        v : array_like, shape (V,) or (n, V), binary
        h_a, h_b : array_like, shape (H,) or (1 or n, H), binary, optional
            Starting states (default: each unit on with probability ½, A's drawn first).
        rng : None, int or Generator

        Returns
        -------
        PosteriorState with n chains.
        """
        rng = as_generator(rng)
        self._check_chains(v, "v")
        for name, start in (("h_a", h_a), ("h_b", h_b)):
            if start is not None:
                self._check_chains(start, name)
        v = _as_rows(v, self.n_visible, "v", 1)
        n = v.shape[0]
        h_a = self._start(h_a, "h_a", self.a.n_hidden, n, rng)
        h_b = self._start(h_b, "h_b", self.b.n_hidden, n, rng)
        return self._init(v, h_a, h_b, rng)

    def bytes_per_chain(self) -> int:
        """Estimated memory of one chain of a state plus its share of one sweep's uniforms, in bytes."""
        return _BYTES_PER_VISIBLE * self.n_visible + _BYTES_PER_HIDDEN * (self.a.n_hidden + self.b.n_hidden)

    def _check_chains(self, rows: Any, name: str) -> None:
        """Refuse, before any copy, a number of chains (rows of an array) beyond the memory budget."""
        shape = np.shape(rows) if isinstance(rows, np.ndarray) else None
        if shape is not None and len(shape) == 2:
            check_budget(f"the number of chains (rows of {name})", shape[0], bytes_per_item=self.bytes_per_chain())

    def _init(self, v: FloatArray, h_a: FloatArray, h_b: FloatArray, rng: np.random.Generator) -> PosteriorState:
        """Build a state from checked arrays; h_a and h_b become the state's own (not copied)."""
        state = PosteriorState(v=v, h_a=h_a, h_b=h_b, rng=rng,
                               inputs=(np.empty_like(v), np.empty_like(v), np.empty_like(v)),
                               base_a=v @ self.a.weights.T + self.a.hidden_bias,
                               base_b=v @ self.b.weights.T + self.b.hidden_bias,
                               sampler_fingerprint=self.fingerprint)
        self._refresh(state)
        return state

    @staticmethod
    def _start(h: ArrayLike | None, name: str, width: int, n: int, rng: np.random.Generator) -> FloatArray:
        if h is None:
            return bernoulli(np.full((n, width), 0.5), rng)
        h = _as_rows(h, width, name, 1)
        if h.shape[0] not in (1, n):
            raise ValueError(f"{name} must have 1 or {n} rows (one per chain, as v), got {h.shape[0]}")
        return np.array(np.broadcast_to(h, (n, width)), dtype=np.float64, order="C")

    def _update_inputs(self, state: PosteriorState) -> None:
        """Recompute the inputs φ_A, φ_B and x from the hidden states, in place."""
        phi_a, phi_b, x = state.inputs
        a_part = state.h_a @ self.a.weights
        b_part = state.h_b @ self.b.weights
        np.add(a_part, self.a.visible_bias, out=phi_a)
        np.add(b_part, self.b.visible_bias, out=phi_b)
        a_part += b_part
        np.add(a_part, self.belief_bias, out=x)
        state.stale_inputs = None

    def _refresh(self, state: PosteriorState) -> None:
        """Recompute the inputs (and the kernel's cache) from the hidden states."""
        self._update_inputs(state)
        if self._ratio:
            state.cache = tuple(part for y in state.inputs for part in _sigmoid_pair(y))
        elif self._compiled:
            state.cache = tuple(log_expit(y) for y in state.inputs)

    # ------------------------------------------------------------------- step
    def step(self, state: PosteriorState, n_sweeps: int = 1, progress: bool = False) -> PosteriorState:
        """Advance every chain of ``state`` by ``n_sweeps`` sweeps, in place; returns ``state``.

        Parameters
        ----------
        state : PosteriorState
            Made by :meth:`init` of this sampler (or of a sampler with the same fingerprint: the same sizes,
            parameters, correction, schedule and prior).
        n_sweeps : int, 0 ≤ n_sweeps ≤ MAX_SWEEPS
        progress : bool
            Show a tqdm progress bar over sweeps.

        Raises
        ------
        ValueError
            If ``state`` was made by another sampler (other sizes or parameters).

        Notes
        -----
        Ctrl-C stops the call within a fraction of a second: each compiled call is cut to about
        0.1 s of work per thread, from the kernel's measured cost. Every chain is then at a valid
        state, but chains may have done different numbers of sweeps, so ``state.n_sweeps`` counts
        only the sweeps all have done.
        """
        check_count(n_sweeps, "n_sweeps", minimum=0, maximum=MAX_SWEEPS)
        if not isinstance(state, PosteriorState):
            raise TypeError(f"state must be a PosteriorState made by this sampler's init, got {type(state).__name__}")
        if state.h_a.shape[1] != self.a.n_hidden or state.h_b.shape[1] != self.b.n_hidden \
                or state.v.shape[1] != self.n_visible:
            raise ValueError("state was made for a model of another size; make it with this sampler's init")
        if state.sampler_fingerprint != self.fingerprint:
            raise ValueError("state was made by another sampler (other parameters, correction, schedule or "
                             "empty_penalty: its fingerprint differs); make it with this sampler's init, or "
                             "start a new state from its hidden units: sampler.init(state.v, state.h_a, state.h_b)")
        bar = tqdm(total=n_sweeps, desc=f"{self.schedule} Gibbs ({self.correction.name})", leave=False) \
            if progress else None
        try:
            threads = parallel.n_threads()
            remaining = n_sweeps
            while remaining:
                since_refresh = state.n_sweeps % _REFRESH_SWEEPS
                if since_refresh == 0 and state.n_sweeps:
                    self._refresh(state)
                todo = min(remaining, _REFRESH_SWEEPS - since_refresh,
                           self._sweeps_per_call(state.n_chains, threads))
                self._advance(state, todo)
                state.n_sweeps += todo
                remaining -= todo
                if bar is not None:
                    bar.update(todo)
        finally:
            if bar is not None:
                bar.close()
        return state

    def _seconds_per_update(self) -> float:
        """Measured seconds per chain and hidden-unit update of this sampler's kernel (per thread)."""
        return COST.estimate(self._kernel, self.n_visible)

    def _sweeps_per_call(self, n_chains: int, threads: int) -> int:
        if not self._compiled:
            return 1
        n_hidden = max(1, self.a.n_hidden + self.b.n_hidden)
        by_memory = _UNIFORMS_PER_CALL // max(1, n_chains * n_hidden)
        per_thread = -(-n_chains // threads)
        by_time = int(_SECONDS_PER_CALL / (self._seconds_per_update() * per_thread * n_hidden))
        return max(1, min(by_memory, by_time))

    def _advance(self, state: PosteriorState, n_sweeps: int) -> None:
        n, n_hidden = state.n_chains, self.a.n_hidden + self.b.n_hidden
        if not self._compiled:
            python_sweep = sequential_sweep if self.schedule == "sequential" else parallel_sweep
            for _ in range(n_sweeps):
                python_sweep(self.a, self.b, state, self.correction, state.rng.random((n, n_hidden)))
            return
        # the kernels compare logit(u) < ψ; each thread turns its own chains' uniforms into logits
        uniforms = state.rng.random((n_sweeps, n, n_hidden))
        s = state
        penalty = self.empty_penalty
        block = _chain_block(self.n_visible, n_hidden)
        if self._ratio:  # it does not track the inputs: they are recomputed from h when next read
            s.stale_inputs = self._update_inputs

            def kernel(c0: int, c1: int) -> None:
                _sweep.logits(uniforms[:, c0:c1])
                _sweep.sweeps_ratio(c0, c1, uniforms, s.h_a, s.h_b, self._e[0], self._e[1],
                                    self._groups[0], self._groups[1], s.base_a, s.base_b, *s.cache,
                                    penalty, penalty, block)
        else:
            def kernel(c0: int, c1: int) -> None:
                _sweep.logits(uniforms[:, c0:c1])
                _sweep.sweeps_logsig(c0, c1, uniforms, s.h_a, s.h_b, self.a.weights, self.b.weights,
                                     s.base_a, s.base_b, s.phi_a, s.phi_b, s.x, *s.cache, penalty, penalty, block)
        seconds = self._seconds_per_update()
        updates_per_chain = n_sweeps * max(1, n_hidden)
        threads = parallel.n_threads()
        # chains per thread and call: about _SECONDS_PER_CALL of work (the sweeps of one chain at least)
        per_thread = max(1, int(_SECONDS_PER_CALL / (seconds * updates_per_chain)))
        optimistic = COST.estimate(self._kernel, self.n_visible, pessimistic=False)
        min_items = max(1, int(_MIN_SECONDS_PER_THREAD / (optimistic * updates_per_chain)))
        c0 = 0
        while c0 < n:
            # threads this call uses (work too small for a hand-off stays on one), then its chains
            parts = max(1, min(threads, (n - c0) // min_items))
            c1 = min(n, c0 + per_thread * parts)
            parts = min(parts, c1 - c0)
            started = time.perf_counter()
            parallel.run_ranges(lambda lo, hi, c0=c0: kernel(c0 + lo, c0 + hi), c1 - c0, 1, parts)
            COST.record(self._kernel, self.n_visible, time.perf_counter() - started,
                        -(-(c1 - c0) // parts) * updates_per_chain)
            c0 = c1


def _sigmoid_pair(y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(σ(y), σ(−y)) of an array of finite reals, each to within a few ulps, from one SIMD exp."""
    z = np.exp(-np.abs(y))
    big = 1.0 / (1.0 + z)  # σ(|y|)
    z *= big  # σ(−|y|)
    positive = y >= 0
    return np.where(positive, big, z), np.where(positive, z, big)


def _chain_block(n_visible: int, n_hidden: int) -> int:
    """Chains a kernel updates side by side, so that each unit's weight rows are read once per block.

    Where the weight rows (e^{∓W}: 16·H·V bytes) fit in a core's L2 cache, as many chains as keep their
    four cached rows per chain (32·V bytes) within 8 KiB of L1 (at least 4); otherwise as many as keep them
    within about 512 KiB of L2; at most 32. Measured on a 2-core AMD EPYC (32 KiB L1d, 1 MiB L2 per core):
    4 chains at 64×(32+32), about 20 at 784 visible units (benchmarks/RESULTS.md).
    """
    n_visible = max(1, n_visible)
    if 16 * n_hidden * n_visible <= 256 * 1024:
        return max(4, min(32, (8 * 1024) // (32 * n_visible)))
    return max(1, min(32, (512 * 1024) // (32 * n_visible)))


def _as_rows(x: ArrayLike, width: int, name: str, minimum_rows: int) -> FloatArray:
    """A binary (width,) or (n, width) input as a C-contiguous (n, width) float64 array."""
    array = as_binary_array(x, name)
    if array.ndim not in (1, 2) or array.shape[-1] != width or (array.ndim == 2 and array.shape[0] < minimum_rows):
        raise ValueError(f"{name} must have shape ({width},) or (n, {width}) with n >= {minimum_rows}, "
                         f"got {array.shape}")
    return np.ascontiguousarray(array.reshape(-1, width), dtype=np.float64)


def make_sampler(a: Cause, b: Cause, belief_bias: FloatArray, correction: str, schedule: str,
                 empty_penalty: Any = 0.0) -> PosteriorSampler:
    """Resolve ``correction`` and ``schedule`` (with errors that list the choices), check ``empty_penalty``
    (a finite real in [0, MAX_PENALTY]) and make the sampler."""
    corr = get_correction(correction)
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
    empty_penalty = check_real(empty_penalty, "empty_penalty", minimum=0.0, maximum=MAX_PENALTY)
    return PosteriorSampler(a, b, belief_bias, corr, schedule, empty_penalty)
