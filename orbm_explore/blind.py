"""Learning two causes from their composites alone (blind separation, notes §3).

Only OR-composites v = a ∨ b are given; no clean part a or b and no label is
ever seen. :func:`learn_blind` returns a :class:`~orbm_explore.two_cause.TwoCauseRBM`
whose causes are the two sources, in four stages:

1. **Templates: the two-cause model with one unit on per cause.** Restricting
   each cause to one active unit turns the notes' belief layer into a
   factorial mixture: cause A picks template k, cause B template l, and

       P(v | k, l) = Π_i σ(±(T^A_ki + T^B_li + b_i)),   P(k, l) = π^A_k π^B_l,

   with the sign + where v_i = 1. All K_A × K_B pairs can be enumerated, so
   its log-likelihood is exact and EM needs no sampling. A composite always
   holds one part of each source, so pairs that put both parts in one cause
   waste probability: the likelihood favours templates that split the
   sources. EM is run with deterministic annealing (responsibilities at a
   temperature falling from ``anneal_from`` to 1) and non-negative templates,
   from ``n_restarts`` random starts; the restart with the best exact
   log-likelihood, the model's own objective, is kept.
2. **Estimated parts.** Each composite's expected template pictures
   σ(T^A_k + b) and σ(T^B_l + b) under P(k, l | v) say which cause drew each
   pixel that is on: cause A gets the pixels where its picture is above ½ or
   above cause B's (B likewise), so a pixel both pictures claim goes to both.
3. **Causes.** One RBM per cause is trained (PCD) on its estimated parts and
   the belief layer's bias fitted as in :func:`orbm_explore.separation.pair_model`,
   with the estimated parts in place of clean images. Then, ``n_bootstrap``
   times, the composites are separated with this model (the exact posterior,
   explaining away) and the parts re-estimated from its reconstructions.
4. **Wake/sleep.** :func:`orbm_explore.training.train_wake_sleep` with the
   prior "each cause has a unit on" (``empty_penalty``), which runs on the
   engine's compiled sweep, refines the model on the composites.

Which cause ends up with which source is arbitrary (the model is symmetric);
a user names them by looking at them, and a benchmark by its training
composites' own parts (never test data).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, logsumexp
from tqdm.auto import tqdm

from . import separation, training
from .numerics import as_binary_array, as_generator, check_budget, check_count, check_real, softplus
from .rbm import RBM
from .two_cause import TwoCauseRBM

__all__ = ["BlindSettings", "BARS_SETTINGS", "BlindResult", "TemplateFit", "learn_blind", "fit_templates",
           "estimated_parts", "settings_table"]

FloatArray = NDArray[np.float64]
# Peak bytes per composite and template pair in one EM step: the pair log-likelihoods, responsibilities and
# their scaled copy (float64 each).
_BYTES_PER_PAIR = 8.0 * 4
# A cause's own visible bias when its units are made from templates: e^{-20} keeps its prior P*(h) a product of
# independent units (softplus(-20 + T h) is about 0 for templates below 20).
_SILENT_VISIBLE_BIAS = -20.0


@dataclass(frozen=True)
class BlindSettings:
    """Settings of :func:`learn_blind` (defaults: 8×8 digits, 20 + 20 hidden units, one to three minutes a pair on one core).

    Attributes
    ----------
    n_templates : int
        Templates per cause in stage 1 (K_A = K_B).
    n_restarts : int
        Random starts of stage 1's EM; the one with the best exact log-likelihood is kept.
    em_iterations : int
        EM iterations per start (the first 70 % annealed).
    anneal_from : float >= 1
        Starting temperature of the annealed responsibilities (1: plain EM).
    rbm_epochs : int
        PCD epochs of each cause's RBM on its estimated parts (stage 3).
    n_bootstrap : int
        Re-estimations of the parts by separating the composites with the stage-3 model.
    wake_sleep_epochs : int
        Epochs of wake/sleep in stage 4 (0 skips it), run in ``n_snapshots`` equal chunks.
    learning_rate, batch_size, n_sweeps, n_fantasy, fantasy_steps, momentum : wake/sleep settings
        As :func:`orbm_explore.training.train_wake_sleep`.
    empty_penalty : float >= 0
        The prior "each cause has a unit on" used in stage 4.
    nonnegative : bool
        Keep the causes' weights >= 0 in stage 4.
    causes : {"parts", "templates"}
        How stage 3 makes the causes: "parts" trains an RBM per cause on its estimated parts (any number
        of hidden units; the default); "templates" makes each template a hidden unit (weights T, visible
        bias -20, hidden bias logit π), which needs ``n_templates`` equal to both causes' hidden units and
        skips the bootstrap.
    n_snapshots : int >= 1
        Wake/sleep chunks; the model after each is kept in :attr:`BlindResult.snapshots`.
    """

    n_templates: int = 16
    n_restarts: int = 8
    em_iterations: int = 150
    anneal_from: float = 3.0
    rbm_epochs: int = 60
    n_bootstrap: int = 0
    wake_sleep_epochs: int = 120
    learning_rate: float = 0.01
    batch_size: int = 20
    n_sweeps: int = 2
    n_fantasy: int = 200
    fantasy_steps: int = 2
    momentum: float = 0.5
    empty_penalty: float = 10.0
    nonnegative: bool = False
    causes: str = "parts"
    n_snapshots: int = 4

    def __post_init__(self) -> None:
        for name in ("n_templates", "n_restarts", "em_iterations", "rbm_epochs", "batch_size", "n_sweeps",
                     "n_fantasy", "fantasy_steps", "n_snapshots"):
            check_count(getattr(self, name), f"settings.{name}", minimum=1)
        for name in ("n_bootstrap", "wake_sleep_epochs"):
            check_count(getattr(self, name), f"settings.{name}", minimum=0)
        check_real(self.anneal_from, "settings.anneal_from", minimum=1.0, maximum=1e6)
        check_real(self.learning_rate, "settings.learning_rate", minimum=0.0, maximum=1e6)
        check_real(self.momentum, "settings.momentum", minimum=0.0, maximum=1.0, open_above=True)
        check_real(self.empty_penalty, "settings.empty_penalty", minimum=0.0, maximum=1e6)
        if not isinstance(self.nonnegative, (bool, np.bool_)):
            raise TypeError(f"settings.nonnegative must be True or False, got {self.nonnegative!r}")
        if not isinstance(self.causes, str) or self.causes not in ("parts", "templates"):
            raise ValueError(f"settings.causes must be 'parts' or 'templates', got {self.causes!r}")


#: learn_blind's settings for 4×4 bars with 4 + 4 hidden units (the test and the benchmark): one template per bar,
#: the templates made hidden units, then wake/sleep with the prior and non-negative weights at the settings of
#: bench_separation's wake/sleep rows (rate 0.1, momentum 0.9, 400 fantasies × 2 steps), 1,200 updates.
BARS_SETTINGS = BlindSettings(n_templates=4, n_restarts=3, causes="templates", wake_sleep_epochs=300,
                              learning_rate=0.1, momentum=0.9, batch_size=100, n_sweeps=1, n_fantasy=400,
                              fantasy_steps=2, nonnegative=True, n_snapshots=1)


@dataclass
class TemplateFit:
    """Stage 1: the two-cause model with one unit on per cause, fitted by exact EM.

    Attributes
    ----------
    templates_a, templates_b : ndarray, shapes (K_A, V), (K_B, V)
        T^A and T^B, non-negative (the weights of the one active unit).
    belief_bias : ndarray, shape (V,)
        b.
    log_mix_a, log_mix_b : ndarray, shapes (K_A,), (K_B,)
        log π^A, log π^B.
    log_likelihood : float
        Mean exact log P(v) over the composites (nats), at the end.
    restart_log_likelihoods : list of float
        The same for every restart (the kept one is the largest).
    """

    templates_a: FloatArray
    templates_b: FloatArray
    belief_bias: FloatArray
    log_mix_a: FloatArray
    log_mix_b: FloatArray
    log_likelihood: float
    restart_log_likelihoods: list[float] = field(default_factory=list)

    def pictures(self) -> tuple[FloatArray, FloatArray]:
        """Each template's picture alone, σ(T^A_k + b) and σ(T^B_l + b): shapes (K_A, V), (K_B, V)."""
        return expit(self.templates_a + self.belief_bias), expit(self.templates_b + self.belief_bias)

    def responsibilities(self, v: FloatArray) -> FloatArray:
        """P(k, l | v) for composites v (n, V): shape (n, K_A, K_B)."""
        joint = _pair_log_joint(v, self.templates_a, self.templates_b, self.belief_bias, self.log_mix_a,
                                self.log_mix_b)
        return np.exp(joint - logsumexp(joint, axis=1, keepdims=True)).reshape(
            len(v), len(self.templates_a), len(self.templates_b))

    def reconstructions(self, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Each cause's expected picture given composites v (n, V): E[σ(T^A_k + b) | v], likewise B; (n, V) each."""
        r = self.responsibilities(v)
        picture_a, picture_b = self.pictures()
        return r.sum(axis=2) @ picture_a, r.sum(axis=1) @ picture_b


@dataclass
class BlindResult:
    """What :func:`learn_blind` learned, and how it got there.

    Attributes
    ----------
    model : TwoCauseRBM
        The learned two-cause model (its causes are the sources, in an arbitrary order).
    templates : TemplateFit
        Stage 1's factorial mixture.
    snapshots : list of (str, TwoCauseRBM)
        The model after stage 3's first fit, after each bootstrap, and after each wake/sleep chunk
        (the last one is ``model``), labelled.
    """

    model: TwoCauseRBM
    templates: TemplateFit
    snapshots: list[tuple[str, TwoCauseRBM]]


def _check_composites(composites: Any, min_rows: int = 2) -> FloatArray:
    v = as_binary_array(composites, "composites")
    if v.ndim != 2 or v.shape[0] < min_rows or v.shape[1] == 0:
        raise ValueError(f"composites must have shape (n_composites, n_visible) with n_composites >= {min_rows} and "
                         f"n_visible >= 1, got {v.shape}")
    return v


# ------------------------------------------------------------------ stage 1
def _pair_log_joint(v: FloatArray, templates_a: FloatArray, templates_b: FloatArray, belief_bias: FloatArray,
                    log_mix_a: FloatArray, log_mix_b: FloatArray) -> FloatArray:
    """log π^A_k + log π^B_l + log P(v | k, l) for every composite and pair: shape (n, K_A·K_B).

    log P(v | k, l) = Σ_i [v_i z_i - softplus(z_i)] with z = T^A_k + T^B_l + b (the stable form of
    Σ_i log σ(±z_i)).
    """
    z = (templates_a[:, None, :] + templates_b[None, :, :] + belief_bias).reshape(-1, v.shape[1])
    return v @ z.T - softplus(z).sum(axis=1) + (log_mix_a[:, None] + log_mix_b[None, :]).ravel()


def _em_run(v: FloatArray, n_a: int, n_b: int, iterations: int, anneal_from: float,
            rng: np.random.Generator) -> TemplateFit:
    """One annealed EM run of the factorial mixture from a random start (templates seeded from composites)."""
    n, n_visible = v.shape
    belief_bias = np.full(n_visible, -3.0)
    templates = [1.5 * v[rng.integers(0, n, count)] + 0.5 * rng.random((count, n_visible)) for count in (n_a, n_b)]
    log_mix = [np.full(count, -np.log(count)) for count in (n_a, n_b)]
    annealed = max(1, int(0.7 * iterations))
    log_likelihood = -np.inf
    for iteration in range(iterations):
        joint = _pair_log_joint(v, templates[0], templates[1], belief_bias, log_mix[0], log_mix[1])
        log_likelihood = float(np.mean(logsumexp(joint, axis=1)))
        fraction = min(1.0, iteration / annealed)
        temperature = anneal_from + (1.0 - anneal_from) * fraction
        scaled = joint / temperature
        r = np.exp(scaled - logsumexp(scaled, axis=1, keepdims=True))  # (n, K_A·K_B)
        counts = r.sum(axis=0)
        pair_counts = counts.reshape(n_a, n_b)
        log_mix = [np.log(pair_counts.sum(axis=1) / n + 1e-300), np.log(pair_counts.sum(axis=0) / n + 1e-300)]
        on = r.T @ v  # expected 'on' counts per pair and pixel
        # M-step: a few diagonal-Newton steps of the expected complete log-likelihood (concave in each
        # parameter; curvature at most counts/4), keeping the templates non-negative.
        scale_a = 0.25 * np.maximum(pair_counts.sum(axis=1), 1.0)[:, None]
        scale_b = 0.25 * np.maximum(pair_counts.sum(axis=0), 1.0)[:, None]
        for _ in range(5):
            z = (templates[0][:, None, :] + templates[1][None, :, :] + belief_bias).reshape(-1, n_visible)
            gradient = (on - counts[:, None] * expit(z)).reshape(n_a, n_b, n_visible)
            templates[0] = np.maximum(templates[0] + gradient.sum(axis=1) / scale_a, 0.0)
            templates[1] = np.maximum(templates[1] + gradient.sum(axis=0) / scale_b, 0.0)
            belief_bias = belief_bias + 0.5 * gradient.sum(axis=(0, 1)) / (0.25 * n)
    joint = _pair_log_joint(v, templates[0], templates[1], belief_bias, log_mix[0], log_mix[1])
    log_likelihood = float(np.mean(logsumexp(joint, axis=1)))
    return TemplateFit(templates[0], templates[1], belief_bias, log_mix[0], log_mix[1], log_likelihood)


def fit_templates(composites: Any, n_templates: int = 16, n_restarts: int = 8, iterations: int = 150,
                  anneal_from: float = 3.0, rng: Any = None) -> TemplateFit:
    """Stage 1 of :func:`learn_blind`: the factorial mixture (one unit on per cause) by annealed exact EM.

    Parameters
    ----------
    composites : array_like, shape (n, V), binary
    n_templates : int >= 1
        Templates per cause.
    n_restarts : int >= 1
        Random starts; the one with the best exact mean log-likelihood is returned.
    iterations : int >= 1
    anneal_from : float >= 1
    rng : None, int or Generator

    Returns
    -------
    TemplateFit
    """
    v = _check_composites(composites)
    check_count(n_templates, "n_templates", minimum=1)
    check_count(n_restarts, "n_restarts", minimum=1)
    check_count(iterations, "iterations", minimum=1)
    anneal_from = check_real(anneal_from, "anneal_from", minimum=1.0, maximum=1e6)
    check_budget("n_templates", n_templates, bytes_per_item=_BYTES_PER_PAIR * len(v) * n_templates)
    rng = as_generator(rng)
    return _fit_templates(v, n_templates, n_restarts, iterations, anneal_from, rng)


def _fit_templates(v: FloatArray, n_templates: int, n_restarts: int, iterations: int, anneal_from: float,
                   rng: np.random.Generator) -> TemplateFit:
    runs = [_em_run(v, n_templates, n_templates, iterations, anneal_from, rng) for _ in range(n_restarts)]
    best = max(runs, key=lambda run: run.log_likelihood)
    best.restart_log_likelihoods = [run.log_likelihood for run in runs]
    return best


# ------------------------------------------------------------------ stage 2
def estimated_parts(composites: Any, recon_a: Any, recon_b: Any) -> tuple[FloatArray, FloatArray]:
    """Each cause's part of each composite, from the causes' pictures of it (stage 2 of :func:`learn_blind`).

    A pixel that is on goes to cause A where A's picture is above ½ or above B's, and to B where B's is
    above ½ or above A's (ties to A), so a pixel both pictures claim goes to both; pixels that are off
    stay off in both parts.

    Parameters
    ----------
    composites : array_like, shape (n, V), binary
    recon_a, recon_b : array_like, shape (n, V)
        Probabilities in [0, 1].

    Returns
    -------
    (part_a, part_b) : binary, shape (n, V) each
    """
    v = _check_composites(composites, min_rows=1)
    pictures = []
    for name, recon in (("recon_a", recon_a), ("recon_b", recon_b)):
        recon = np.asarray(recon, dtype=np.float64)
        if recon.shape != v.shape or not np.all((recon >= 0) & (recon <= 1)):
            raise ValueError(f"{name} must hold probabilities in [0, 1] with the composites' shape {v.shape}")
        pictures.append(recon)
    return _estimated_parts(v, pictures[0], pictures[1])


def _estimated_parts(v: FloatArray, recon_a: FloatArray, recon_b: FloatArray) -> tuple[FloatArray, FloatArray]:
    part_a = v * ((recon_a > 0.5) | (recon_a >= recon_b))
    part_b = v * ((recon_b > 0.5) | (recon_b > recon_a))
    return part_a, part_b


# ------------------------------------------------------------------ stages 3 and 4
def _causes_from_parts(v: FloatArray, part_a: FloatArray, part_b: FloatArray, n_hidden_a: int, n_hidden_b: int,
                       epochs: int, rng: np.random.Generator) -> TwoCauseRBM:
    """An RBM per cause trained on its estimated parts, and the belief bias fitted as pair_model does."""
    rbms = []
    for part, n_hidden in ((part_a, n_hidden_a), (part_b, n_hidden_b)):
        rbm, _ = training.train_rbm(part, n_hidden, epochs=epochs, learning_rate=0.05, batch_size=10,
                                    n_chains=100, rng=rng, monitor=False)
        rbms.append(rbm)
    return separation.pair_model(rbms[0], rbms[1], part_a, part_b, rng=rng, n_composites=max(1000, len(v)))


def _causes_from_templates(templates: TemplateFit) -> TwoCauseRBM:
    """Each template a hidden unit: weights T, hidden bias logit π, and a visible bias of -20, so that the
    cause's prior over its units is (almost exactly) independent units, each on with probability π
    (as :func:`orbm_explore.exact_learning.bars_causes`)."""
    causes = []
    for weights, log_mix in ((templates.templates_a, templates.log_mix_a), (templates.templates_b, templates.log_mix_b)):
        p_on = np.clip(np.exp(log_mix), 1e-6, 1 - 1e-6)
        causes.append(RBM(weights.copy(), np.full(weights.shape[1], _SILENT_VISIBLE_BIAS),
                          np.log(p_on) - np.log1p(-p_on)))
    return TwoCauseRBM(causes[0], causes[1], templates.belief_bias.copy())


def learn_blind(composites: Any, n_hidden_a: int, n_hidden_b: int, settings: BlindSettings | None = None,
                rng: Any = None, progress: bool = False) -> BlindResult:
    """Learn a two-cause model whose causes are the two sources of OR-composites, from the composites alone.

    See the module notes for the four stages. Nothing but the composites, the sizes and the settings is
    read: no clean image, no label, no test data.

    Parameters
    ----------
    composites : array_like, shape (n, V), binary, n >= 2
        v = a ∨ b for unknown parts a and b of two sources.
    n_hidden_a, n_hidden_b : int >= 1
        Hidden units of the two causes.
    settings : BlindSettings, optional
        Default ``BlindSettings()``.
    rng : None, int or Generator
    progress : bool
        Show a tqdm progress bar over the stages.

    Returns
    -------
    BlindResult
        ``.model`` is the learned TwoCauseRBM; ``.templates`` and ``.snapshots`` show the way there.
    """
    v = _check_composites(composites)
    check_count(n_hidden_a, "n_hidden_a", minimum=1)
    check_count(n_hidden_b, "n_hidden_b", minimum=1)
    if settings is None:
        settings = BlindSettings()
    elif not isinstance(settings, BlindSettings):
        raise TypeError(f"settings must be a BlindSettings, got {type(settings).__name__}")
    if not isinstance(progress, (bool, np.bool_)):
        raise TypeError(f"progress must be True or False, got {progress!r} ({type(progress).__name__})")
    check_budget("n_templates", settings.n_templates,
                 bytes_per_item=_BYTES_PER_PAIR * len(v) * settings.n_templates)
    if settings.causes == "templates" and not n_hidden_a == n_hidden_b == settings.n_templates:
        raise ValueError(f"settings.causes='templates' makes each template a hidden unit: n_hidden_a and n_hidden_b "
                         f"must both equal settings.n_templates={settings.n_templates}, got {n_hidden_a} and "
                         f"{n_hidden_b}")
    rng = as_generator(rng)
    chunks = settings.n_snapshots if settings.wake_sleep_epochs else 0
    with tqdm(total=2 + settings.n_bootstrap + chunks, desc="blind learning", disable=not progress,
              leave=False) as bar:
        templates = _fit_templates(v, settings.n_templates, settings.n_restarts, settings.em_iterations,
                                   settings.anneal_from, rng)
        bar.update(1)
        if settings.causes == "templates":
            model = _causes_from_templates(templates)
            snapshots = [("causes from the templates", model)]
        else:
            part_a, part_b = _estimated_parts(v, *templates.reconstructions(v))
            model = _causes_from_parts(v, part_a, part_b, n_hidden_a, n_hidden_b, settings.rbm_epochs, rng)
            snapshots = [("causes from the templates' parts", model)]
        bar.update(1)
        for round_ in range(settings.n_bootstrap if settings.causes == "parts" else 0):
            recon_a, recon_b = separation.separate(model, v, n_sweeps=20, n_average=10, rng=rng)
            part_a, part_b = _estimated_parts(v, recon_a, recon_b)
            model = _causes_from_parts(v, part_a, part_b, n_hidden_a, n_hidden_b, settings.rbm_epochs, rng)
            snapshots.append((f"bootstrap {round_ + 1}", model))
            bar.update(1)
        done = 0
        for chunk in range(chunks):
            epochs = (settings.wake_sleep_epochs * (chunk + 1)) // chunks - done
            done += epochs
            if epochs == 0:
                continue
            model, _ = training.train_wake_sleep(
                model, v, epochs=epochs, learning_rate=settings.learning_rate, batch_size=settings.batch_size,
                n_sweeps=settings.n_sweeps, n_fantasy=settings.n_fantasy, fantasy_steps=settings.fantasy_steps,
                rng=rng, empty_penalty=settings.empty_penalty, nonnegative=settings.nonnegative,
                momentum=settings.momentum, monitor=False)
            snapshots.append((f"wake/sleep, epoch {done}", model))
            bar.update(1)
    return BlindResult(model, templates, snapshots)


def settings_table(settings: BlindSettings) -> list[tuple[str, Any]]:
    """The settings as (name, value) rows, for a benchmark's or notebook's record."""
    if not isinstance(settings, BlindSettings):
        raise TypeError(f"settings must be a BlindSettings, got {type(settings).__name__}")
    return [(item.name, getattr(settings, item.name)) for item in fields(settings)]
