"""Tiny hand-built two-cause models for teaching: the burglar/earthquake alarm and the 2-bit XOR."""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

import numpy as np

from .numerics import check_real as _real, softplus
from .rbm import RBM
from .two_cause import TwoCauseRBM

__all__ = ["ALARM_PRESETS", "alarm_model", "xor_model", "two_unit_cause_model"]

# Each preset: weights from burglar (A) and earthquake (B) to the alarm, the
# alarm's total bias (split equally between the causes) and each cause's prior
# log-odds, log P(h=1)/P(h=0) under its own RBM.
#
# "two weak causes" still explains away (covariance of the causes given the
# alarm -0.037): with both weights positive it always does. "quake silences
# the alarm" has weights of opposite sign and explains *in*: given the alarm,
# the causes' covariance is +0.016.
#
# Read-only (a mapping proxy over mapping proxies): an exercise answer cannot
# change a preset for the rest of the session. ``alarm_model(**ALARM_PRESETS[name])``
# works as with plain dicts; ``dict(ALARM_PRESETS[name])`` gives an editable copy.
_PRESETS: dict[str, dict[str, float]] = {
    "strong explaining away": {"w_a": 8.0, "w_b": 8.0, "bias": -5.0, "prior_a": -2.0, "prior_b": -2.0},
    "no overlap": {"w_a": 8.0, "w_b": 0.0, "bias": -5.0, "prior_a": -2.0, "prior_b": -2.0},
    "two weak causes": {"w_a": 4.0, "w_b": 4.0, "bias": -6.0, "prior_a": -1.0, "prior_b": -1.0},
    "quake silences the alarm": {"w_a": 8.0, "w_b": -6.0, "bias": -3.0, "prior_a": -2.0, "prior_b": -1.0},
}
ALARM_PRESETS: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {name: MappingProxyType(dict(values)) for name, values in _PRESETS.items()})
del _PRESETS


def alarm_model(w_a: float = 8.0, w_b: float = 8.0, bias: float = -5.0, prior_a: float = -2.0,
                prior_b: float = -2.0) -> TwoCauseRBM:
    """One visible unit (the alarm) and one hidden unit per cause (burglar A, earthquake B).

    P(alarm = 1 | h_A, h_B) = σ(w_a h_A + w_b h_B + bias), each cause taking
    half of ``bias`` as its visible bias. An RBM's marginal over its hidden
    unit is log P*(h) = c h + log(1 + e^{w h + bias/2}), so the hidden bias is
    set to c = prior - [softplus(w + bias/2) - softplus(bias/2)], which makes
    each cause's prior log-odds exactly ``prior_a`` (``prior_b``).
    """
    w_a, w_b, bias = _real(w_a, "w_a"), _real(w_b, "w_b"), _real(bias, "bias")
    prior_a, prior_b = _real(prior_a, "prior_a"), _real(prior_b, "prior_b")
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
    weight, hidden_bias = _real(weight, "weight"), _real(hidden_bias, "hidden_bias")
    visible_bias = _real(visible_bias, "visible_bias")
    w = np.array([[weight, -weight], [-weight, weight]])
    return TwoCauseRBM(RBM(w, [visible_bias / 2] * 2, [hidden_bias] * 2),
                       RBM(w.copy(), [visible_bias / 2] * 2, [hidden_bias] * 2))


def two_unit_cause_model(weight: float = 4.0) -> TwoCauseRBM:
    """The smallest model where updating a layer at once goes wrong: 2 + 1 hidden units, 2 visible bits.

    Cause A is the XOR cause of :func:`xor_model` (unit A1 draws bit 1 and
    vetoes bit 2, unit A2 the reverse); cause B has one unit that draws bit 1.
    Given v = (1, 0), A's two units are coupled: from A = 00 each unit, seeing
    the other off, wants to switch on, so a layer-at-once update jumps to 11
    and back. Its stationary law puts 0.16 on each of 00|1 and 11|1, where the
    posterior has 0.05 (total variation 0.24 with the default weight); the
    joint hidden space has only 8 states.
    """
    weight = _real(weight, "weight")
    w = np.array([[weight, -weight], [-weight, weight]])
    return TwoCauseRBM(RBM(w, [0.0, 0.0], [0.0, 0.0]), RBM(w[:1].copy(), [0.0, 0.0], [0.0]))
