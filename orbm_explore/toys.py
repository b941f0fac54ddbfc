"""Tiny hand-built two-cause models for teaching: the burglar/earthquake alarm and the 2-bit XOR."""

from __future__ import annotations

import numpy as np

from .numerics import softplus
from .rbm import RBM
from .two_cause import TwoCauseRBM

__all__ = ["ALARM_PRESETS", "alarm_model", "xor_model"]

# Each preset: weights from burglar (A) and earthquake (B) to the alarm, the
# alarm's total bias (split equally between the causes) and each cause's prior
# log-odds, log P(h=1)/P(h=0) under its own RBM.
ALARM_PRESETS: dict[str, dict[str, float]] = {
    "strong explaining away": {"w_a": 8.0, "w_b": 8.0, "bias": -5.0, "prior_a": -2.0, "prior_b": -2.0},
    "no overlap": {"w_a": 8.0, "w_b": 0.0, "bias": -5.0, "prior_a": -2.0, "prior_b": -2.0},
    "both causes needed": {"w_a": 4.0, "w_b": 4.0, "bias": -6.0, "prior_a": -1.0, "prior_b": -1.0},
    "quake silences the alarm": {"w_a": 8.0, "w_b": -6.0, "bias": -3.0, "prior_a": -2.0, "prior_b": -1.0},
}


def alarm_model(w_a: float = 8.0, w_b: float = 8.0, bias: float = -5.0, prior_a: float = -2.0,
                prior_b: float = -2.0) -> TwoCauseRBM:
    """One visible unit (the alarm) and one hidden unit per cause (burglar A, earthquake B).

    P(alarm = 1 | h_A, h_B) = σ(w_a h_A + w_b h_B + bias), each cause taking
    half of ``bias`` as its visible bias. An RBM's marginal over its hidden
    unit is log P*(h) = c h + log(1 + e^{w h + bias/2}), so the hidden bias is
    set to c = prior - [softplus(w + bias/2) - softplus(bias/2)], which makes
    each cause's prior log-odds exactly ``prior_a`` (``prior_b``).
    """
    causes = []
    for w, prior in ((w_a, prior_a), (w_b, prior_b)):
        hidden_bias = prior - (softplus(w + bias / 2) - softplus(bias / 2))
        causes.append(RBM([[w]], [bias / 2], [hidden_bias]))
    return TwoCauseRBM(*causes)


def xor_model(weight: float = 4.0, hidden_bias: float = 0.0, visible_bias: float = 0.0) -> TwoCauseRBM:
    """Two visible bits; each cause has two units, one drawing each bit and suppressing the other.

    Either cause can draw either bit (the 2-bit XOR patterns 10 and 01), and
    a unit that draws one bit vetoes the other. Given v = (1, 0) the units of
    each cause are coupled in the posterior (a cause should not switch on
    both of its units), and updating a layer at once is visibly biased
    (total variation 0.35 from the posterior with the defaults), while the
    sequential sampler mixes within 30 sweeps.
    """
    w = np.array([[weight, -weight], [-weight, weight]])
    return TwoCauseRBM(RBM(w, [visible_bias / 2] * 2, [hidden_bias] * 2),
                       RBM(w.copy(), [visible_bias / 2] * 2, [hidden_bias] * 2))
