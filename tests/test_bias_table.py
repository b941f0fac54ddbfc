"""The sampler-bias table of notebook 03 (explore.sampler_bias_table) equals exact enumeration.

The reference here is written independently of orbm_explore.exact: the joint hidden
states are enumerated with itertools, the posterior is normalised from log P*, the
sequential sweep's kernel is built unit by unit from the samplers' own log-odds
(model.psi with the named correction), and the stationary law is numpy's eigenvector
for eigenvalue 1.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.special import expit, logsumexp

from orbm_explore import explore, toys


def _states(model):
    n_a, n_b = model.a.n_hidden, model.b.n_hidden
    states = np.array(list(itertools.product((0.0, 1.0), repeat=n_a + n_b)))  # first unit most significant
    return states[:, :n_a], states[:, n_a:]


def _posterior(model, v):
    h_a, h_b = _states(model)
    log_p = model.log_p_star(h_a, h_b, np.tile(v, (len(h_a), 1)))
    return np.exp(log_p - logsumexp(log_p))


def _sequential_kernel(model, v, correction):
    h_a, h_b = _states(model)
    states = np.hstack([h_a, h_b])
    n_a, n = h_a.shape[1], states.shape[1]
    index = {tuple(s): k for k, s in enumerate(states)}
    v_rows = np.tile(v, (len(states), 1))
    psi = np.hstack(model.psi(h_a, h_b, v_rows, correction))  # (S, units), from every state
    kernel = np.eye(len(states))
    for unit in range(n):  # one unit at a time, always from the current state
        step = np.zeros_like(kernel)
        for k, s in enumerate(states):
            p_on = expit(psi[k, unit])
            for bit, p in ((1.0, p_on), (0.0, 1.0 - p_on)):
                t = s.copy()
                t[unit] = bit
                step[k, index[tuple(t)]] += p
        kernel = kernel @ step
    assert n_a >= 0
    return kernel


def _stationary(kernel):
    values, vectors = np.linalg.eig(kernel.T)
    pi = np.real(vectors[:, np.argmin(np.abs(values - 1.0))])
    return pi / pi.sum()


def _reference_tv(model, v, correction):
    return 0.5 * np.abs(_stationary(_sequential_kernel(model, v, correction)) - _posterior(model, v)).sum()


MODELS = {"xor": (toys.xor_model, [1.0, 0.0]),
          "xor v=11": (toys.xor_model, [1.0, 1.0]),
          "alarm": (lambda: toys.alarm_model(**toys.ALARM_PRESETS["strong explaining away"]), [1.0])}


@pytest.mark.parametrize("key", sorted(MODELS))
def test_table_equals_independent_enumeration(key):
    make, v = MODELS[key]
    model = make()
    rows = explore.sampler_bias_table(model, v)
    assert [row.correction for row in rows] == list(explore.BIAS_TABLE_CORRECTIONS)
    for row in rows:
        assert row.tv == pytest.approx(_reference_tv(model, np.array(v), row.correction), abs=1e-9), row


def test_xor_numbers_are_the_ones_quoted_in_the_notebook():
    """sigmoid with gain 0.027, without gain 0.107, linear 0.255, none 0.368 (XOR model, v = 10)."""
    rows = {row.correction: row for row in explore.sampler_bias_table(toys.xor_model(), [1.0, 0.0])}
    assert {name: round(row.tv, 3) for name, row in rows.items()} == {
        "sigmoid": 0.027, "sigmoid_nogain": 0.107, "linear": 0.255, "none": 0.368}
    # the ordering the notebook draws its lesson from: better pointwise, less biased, never unbiased
    tvs = [rows[name].tv for name in explore.BIAS_TABLE_CORRECTIONS]
    assert tvs == sorted(tvs) and tvs[0] > 0.01


def test_exact_correction_has_no_bias_and_no_error():
    row, = explore.sampler_bias_table(toys.xor_model(), [1.0, 0.0], names=("exact",))
    assert row.tv < 1e-9 and row.max_psi_error == 0.0


def test_max_psi_error_is_the_largest_log_odds_error_over_states():
    model, v = toys.xor_model(), np.array([1.0, 0.0])
    h_a, h_b = _states(model)
    truth = np.hstack(model.psi(h_a, h_b, np.tile(v, (16, 1)), "exact"))
    for row in explore.sampler_bias_table(model, v):
        approx = np.hstack(model.psi(h_a, h_b, np.tile(v, (16, 1)), row.correction))
        assert row.max_psi_error == pytest.approx(np.abs(approx - truth).max(), abs=1e-12)


def test_the_reference_can_fail():
    """The independent reference tells the corrections apart and tells sequential from parallel."""
    model, v = toys.xor_model(), np.array([1.0, 0.0])
    rows = explore.sampler_bias_table(model, v)
    assert rows[0].tv != pytest.approx(_reference_tv(model, v, "sigmoid_nogain"), abs=1e-3)
    parallel = explore.sampler_bias_table(model, v, schedule="parallel")
    assert parallel[0].tv != pytest.approx(_reference_tv(model, v, "sigmoid"), abs=1e-3)


@pytest.mark.parametrize("kwargs, match", [
    ({"model": "xor"}, "model must be a TwoCauseRBM"),
    ({"names": "sigmoid"}, "names must be a non-empty tuple"),
    ({"names": ()}, "names must be a non-empty tuple"),
    ({"names": ("sigmoid", "bogus")}, "names must be one of"),
    ({"schedule": "random"}, "schedule must be"),
    ({"v": [1.0, 0.0, 1.0]}, "v"),
])
def test_bad_arguments_are_named(kwargs, match):
    arguments = {"model": toys.xor_model(), "v": [1.0, 0.0], **kwargs}
    with pytest.raises((TypeError, ValueError), match=match):
        explore.sampler_bias_table(**arguments)
