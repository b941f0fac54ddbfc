"""Separating a composite into its causes, and scoring the result against the true components.

:func:`pair_model` builds the two-cause model the project recommends for a
pair of trained causes; :func:`separate` runs the posterior sampler on
composites and averages each cause's reconstruction; :func:`rbm_reconstruct`
is the baseline (one cause's RBM alone); the scores compare a reconstruction
(probabilities) with the true component (0/1), one value per image.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit
from tqdm.auto import tqdm

from .numerics import as_binary_array, as_float_array, as_generator, check_budget, check_count, check_real
from .rbm import RBM, as_batch, bernoulli
from .sampling import MAX_SWEEPS
from .two_cause import TwoCauseRBM

__all__ = ["RECOMMENDED_SEPARATION", "pair_model", "separate", "rbm_reconstruct", "pixel_accuracy", "cross_entropy",
           "cosine_similarity"]

FloatArray = NDArray[np.float64]

#: The settings of :func:`separate` used with :func:`pair_model` (benchmark, notebook 06):
#: 8 independent chains per composite, 40 sweeps each, reconstructions averaged over the last 30
#: sweeps of every chain (240 correlated draws per composite; the plain-RBM baseline averages 10
#: independent ones). Cross-entropy punishes a noisy picture, and the sampler's draws are correlated,
#: so the average needs many more of them than the baseline does.
# Peak bytes per composite and unit in pair_model (the images, states and the offset fit; measured 31),
# and per chain and unit in separate (states, sums, reconstructions and one sweep's temporaries; measured 72).
_BYTES_PER_VALUE = 48.0
_BYTES_PER_CHAIN_VALUE = 96.0
RECOMMENDED_SEPARATION = {"n_sweeps": 40, "n_average": 30, "n_chains": 8}


# ------------------------------------------------------------------ the recipe
def pair_model(rbm_a: RBM, rbm_b: RBM, train_a: Any, train_b: Any, rng: Any = None, n_composites: int = 1000,
               prior_precision: float = 0.1) -> TwoCauseRBM:
    """The two-cause model recommended for separating composites of two trained causes.

    The causes' RBMs are used as trained (each keeps its own visible bias in its
    prior P*(h)). Only the belief layer's bias b is chosen, by maximum likelihood
    with the causes *observed*. Synthetic composites of training images are
    made here, so for each one we know which images drew it:

    1. draw ``n_composites`` pairs of training images (a, b) and OR them, v = max(a, b);
    2. draw each cause's hidden units from its own RBM given its clean image,
       h^A ~ P_A(h | a) and h^B ~ P_B(h | b);
    3. choose b to maximise the belief layer's log-likelihood of the composites
       given those causes, minus a Gaussian prior around the merged bias
       max(W^A_0, W^B_0) (notes §1: "merge" the two biases),

           Σ_n Σ_i log σ(±(W^A h^A_n + W^B h^B_n + b)_i)  -  (prior_precision / 2) ||b - max(W^A_0, W^B_0)||²,

       where the sign is + where v_ni = 1. Each pixel is a one-parameter
       logistic regression with a known offset, concave in b_i, solved by
       safeguarded Newton (:func:`_fit_offset_logistic`). The prior keeps a
       pixel that is never on (an MNIST border) at a finite bias.

    No posterior sampling is needed. Nothing else is read: the model depends
    only on the arguments (and ``rng``), never on test images or on global
    random state. Separate its composites with
    ``separate(model, v, **RECOMMENDED_SEPARATION)``.

    Parameters
    ----------
    rbm_a, rbm_b : RBM
        The two causes, trained separately, on the same visible units.
    train_a, train_b : array_like, shapes (n_a, V) and (n_b, V), binary
        Clean training images of each cause (those the RBMs were trained on are fine).
    rng : None, int or Generator
        Draws the pairs of images and the causes' hidden units.
    n_composites : int >= 1
        Synthetic composites fitted; checked against the memory budget of
        :func:`orbm_explore.numerics.check_budget` before any work (``$ORBM_EXPLORE_MEMORY_LIMIT``).
    prior_precision : float > 0
        Precision λ of the Gaussian prior on b around the merged bias (per pixel;
        the data term has weight 1 per composite, so λ = 0.1 matters only where
        the composites say almost nothing).

    Returns
    -------
    TwoCauseRBM
        ``TwoCauseRBM(rbm_a, rbm_b, belief_bias=b)`` (copies of the RBMs).
    """
    for name, rbm in (("rbm_a", rbm_a), ("rbm_b", rbm_b)):
        if not isinstance(rbm, RBM):
            raise TypeError(f"{name} must be an RBM, got {type(rbm).__name__}")
    if rbm_a.n_visible != rbm_b.n_visible:
        raise ValueError(f"rbm_a and rbm_b must share the visible layer, got {rbm_a.n_visible} and "
                         f"{rbm_b.n_visible} visible units")
    images = []
    for name, train in (("train_a", train_a), ("train_b", train_b)):
        train = as_binary_array(train, name)
        if train.ndim != 2 or train.shape[0] == 0 or train.shape[1] != rbm_a.n_visible:
            raise ValueError(f"{name} must have shape (n_images, {rbm_a.n_visible}) with n_images >= 1, "
                             f"got {train.shape}")
        images.append(train)
    check_count(n_composites, "n_composites", minimum=1)
    check_budget("n_composites", n_composites,
                 bytes_per_item=_BYTES_PER_VALUE * (rbm_a.n_visible + rbm_a.n_hidden + rbm_b.n_hidden))
    prior_precision = check_real(prior_precision, "prior_precision", minimum=0.0, open_below=True)
    rng = as_generator(rng)
    rbm_a, rbm_b = rbm_a.copy(), rbm_b.copy()
    a_images = images[0][rng.integers(0, len(images[0]), n_composites)]
    b_images = images[1][rng.integers(0, len(images[1]), n_composites)]
    v = np.maximum(a_images, b_images)
    h_a = bernoulli(rbm_a.p_h_given_v(a_images), rng)
    h_b = bernoulli(rbm_b.p_h_given_v(b_images), rng)
    offset = h_a @ rbm_a.weights + h_b @ rbm_b.weights
    merged = np.maximum(rbm_a.visible_bias, rbm_b.visible_bias)
    return TwoCauseRBM(rbm_a, rbm_b, _fit_offset_logistic(v, offset, merged, prior_precision))


def _fit_offset_logistic(v: FloatArray, offset: FloatArray, prior_mean: FloatArray, prior_precision: float,
                         max_iterations: int = 200) -> FloatArray:
    """argmax_b Σ_n [v_n log σ(o_n + b) + (1 - v_n) log σ(-o_n - b)] - (λ/2)(b - m)², per column.

    The derivative g(b) = Σ_n (v_n - σ(o_n + b)) - λ (b - m) falls strictly, and the
    data sum lies in [-n, n], so the root lies in [m - n/λ, m + n/λ]. Newton steps
    are taken while they stay inside the shrinking bracket; otherwise the bracket
    is bisected, so every column converges.

    Parameters
    ----------
    v, offset : ndarray, shape (n, V)
    prior_mean : ndarray, shape (V,)
    prior_precision : float > 0

    Returns
    -------
    ndarray, shape (V,)
    """
    n = len(v)
    low = prior_mean - n / prior_precision
    high = prior_mean + n / prior_precision
    b = prior_mean.copy()
    on = v.sum(axis=0)
    for _ in range(max_iterations):
        p = expit(offset + b)
        slope = -(p * (1 - p)).sum(axis=0) - prior_precision
        g = on - p.sum(axis=0) - prior_precision * (b - prior_mean)
        low = np.where(g > 0, b, low)
        high = np.where(g > 0, high, b)
        newton = b - g / slope
        inside = (newton > low) & (newton < high)
        step = np.where(inside, newton, 0.5 * (low + high)) - b
        b = b + step
        if np.all(np.abs(step) <= 1e-12 * (1 + np.abs(b))):
            break
    return b


# ------------------------------------------------------------------ separating
def separate(model: TwoCauseRBM, v: Any, n_sweeps: int = 50, correction: str = "exact", n_average: int = 10,
             mode: str = "solo", rng: Any = None, n_chains: int = 1,
             progress: bool = False) -> tuple[FloatArray, FloatArray]:
    """Each cause's reconstruction of composite(s) v: posterior Gibbs, then reconstructions averaged.

    Runs ``n_chains`` independent chains per row of v, each for ``n_sweeps``
    sequential sweeps from a uniform random start, and averages each cause's
    reconstruction (:meth:`TwoCauseRBM.reconstructions`, ``mode``) over the
    last ``n_average`` sweeps of every chain.

    Parameters
    ----------
    model : TwoCauseRBM
    v : array_like, shape (V,) or (n, V), binary
    n_sweeps : int >= 1
    correction : str
        A key of :data:`orbm_explore.corrections.CORRECTIONS`.
    n_average : int, 1 <= n_average <= n_sweeps
    mode : {"solo", "counterfactual"}
        "solo": σ(φ^A), cause A with its own visible bias; "counterfactual": P(v | h^A, h^B = 0).
    rng : None, int or Generator
    n_chains : int >= 1
        Checked (with the rows of v) against the memory budget of :func:`orbm_explore.numerics.check_budget`
        before any work; raise it with ``$ORBM_EXPLORE_MEMORY_LIMIT``.
    progress : bool
        Show a tqdm progress bar over sweeps.

    Returns
    -------
    (recon_a, recon_b) : probabilities, each shaped like v
    """
    if not isinstance(model, TwoCauseRBM):
        raise TypeError(f"model must be a TwoCauseRBM, got {type(model).__name__}")
    check_count(n_sweeps, "n_sweeps", minimum=1, maximum=MAX_SWEEPS)
    check_count(n_average, "n_average", minimum=1, maximum=n_sweeps)
    check_count(n_chains, "n_chains", minimum=1)
    if not isinstance(mode, str) or mode not in ("solo", "counterfactual"):
        raise ValueError(f"mode must be 'solo' or 'counterfactual', got {mode!r}")
    if not isinstance(progress, (bool, np.bool_)):
        raise TypeError(f"progress must be True or False, got {progress!r} ({type(progress).__name__})")
    rng = as_generator(rng)
    v, single = as_batch(v, model.n_visible, "v")
    check_chains_budget(model, len(v), n_chains)
    sampler = model.posterior_sampler(correction)
    state = sampler.init(np.repeat(v, n_chains, axis=0), rng=rng)
    total_a = np.zeros_like(state.v)
    total_b = np.zeros_like(state.v)
    with tqdm(total=n_sweeps, desc="separating", disable=not progress, leave=False) as bar:
        sampler.step(state, n_sweeps - n_average)
        bar.update(n_sweeps - n_average)
        for _ in range(n_average):
            sampler.step(state)
            bar.update(1)
            recon_a, recon_b = model.reconstructions(state.h_a, state.h_b, mode=mode)
            total_a += recon_a
            total_b += recon_b
    out = [(total / n_average).reshape(len(v), n_chains, -1).mean(axis=1) for total in (total_a, total_b)]
    return (out[0][0], out[1][0]) if single else (out[0], out[1])


def check_chains_budget(model: TwoCauseRBM, n_rows: int, n_chains: int) -> None:
    """Refuse (a BudgetError naming ``n_chains``) a :func:`separate` run of ``n_rows`` composites × ``n_chains``
    chains that would not fit the memory budget of :func:`orbm_explore.numerics.check_budget`."""
    check_budget("n_chains", n_chains, bytes_per_item=_BYTES_PER_CHAIN_VALUE * n_rows
                 * (model.n_visible + model.a.n_hidden + model.b.n_hidden))


def rbm_reconstruct(rbm: RBM, v: Any, n_average: int = 10, rng: Any = None) -> FloatArray:
    """A plain RBM's picture of v (the baseline): σ(φ(h)) averaged over n_average draws of h ~ P(h | v).

    Returns
    -------
    ndarray, shaped like v (probabilities)
    """
    if not isinstance(rbm, RBM):
        raise TypeError(f"rbm must be an RBM, got {type(rbm).__name__}")
    check_count(n_average, "n_average", minimum=1)
    rng = as_generator(rng)
    v, single = as_batch(v, rbm.n_visible, "v")
    p_h = expit(v @ rbm.weights.T + rbm.hidden_bias)
    total = np.zeros_like(v)
    for _ in range(n_average):
        total += expit(bernoulli(p_h, rng) @ rbm.weights + rbm.visible_bias)
    out = total / n_average
    return out[0] if single else out


# ---------------------------------------------------------------------- scores
def _score_inputs(reconstruction: Any, truth: Any) -> tuple[FloatArray, FloatArray]:
    """Check a reconstruction (probabilities in [0, 1]) against 0/1 truth of the same shape."""
    r = as_float_array(reconstruction, "reconstruction")
    t = as_binary_array(truth, "truth")
    if r.ndim not in (1, 2) or r.shape != t.shape:
        raise ValueError(f"reconstruction and truth must have the same shape (V,) or (n, V), "
                         f"got {r.shape} and {t.shape}")
    if r.size == 0:
        raise ValueError("reconstruction must not be empty")
    if np.isnan(r).any():
        raise ValueError("reconstruction must not contain NaN")
    if np.any(r < 0) or np.any(r > 1):
        raise ValueError("reconstruction must hold probabilities in [0, 1]")
    return r, t


def pixel_accuracy(reconstruction: Any, truth: Any) -> FloatArray:
    """Fraction of pixels where the thresholded reconstruction (> ½) equals the truth; one value per row."""
    r, t = _score_inputs(reconstruction, truth)
    return np.mean((r > 0.5) == (t > 0.5), axis=-1)


def cross_entropy(reconstruction: Any, truth: Any, floor: float = 1e-6) -> FloatArray:
    """Bernoulli cross-entropy of the truth under the reconstruction, nats per image (summed over pixels).

    Probabilities are clipped to [floor, 1 - floor] (0 < floor < ½) so a confident mistake costs at most -log(floor).
    """
    r, t = _score_inputs(reconstruction, truth)
    floor = check_real(floor, "floor", minimum=0.0, maximum=0.5, open_below=True, open_above=True)
    r = np.clip(r, floor, 1 - floor)
    return -np.sum(t * np.log(r) + (1 - t) * np.log1p(-r), axis=-1)


def cosine_similarity(reconstruction: Any, truth: Any) -> FloatArray:
    """Cosine between reconstruction and truth, per row (0 where either is all zero)."""
    r, t = _score_inputs(reconstruction, truth)
    norms = np.linalg.norm(r, axis=-1) * np.linalg.norm(t, axis=-1)
    return np.divide(np.sum(r * t, axis=-1), norms, out=np.zeros_like(norms), where=norms > 0)
