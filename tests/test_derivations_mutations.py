"""The mutation table: each drift of the library or of the formulas makes the derivations run fail.

For each row, ``exit_status(verify_all(only=...))`` is 0 unmutated and 1 mutated (the forked workers inherit the
monkeypatched library), and a named row is below its required level. Two rows also run the real command in a
subprocess. The kinds the issue lists: a bias dropped, softplus changed, a kernel's sign flipped, a sweep that
updates late, a belief input missing a term, drift only for |x| < 1e-3, only beyond 1e3, only for W < 0.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from functools import lru_cache

import numpy as np
import pytest
import sympy as sp

from orbm_explore import corrections, numerics, sampling
from orbm_explore import derivations as d
from orbm_explore.derivations import formulas, report
from orbm_explore.derivations.formulas import NOTES, exact_correction_expr, gain_expr, log_sigmoid, sigmoid
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM


# ------------------------------------------------------------------ library mutants
def _log_p_star_without_visible_bias(self, h, v):
    h, v = np.atleast_2d(h), np.atleast_2d(v)
    return np.einsum("nj,ji,ni->n", h, self.weights, v) + h @ self.hidden_bias


def _log_p_star_h_without_hidden_bias(self, h):
    from scipy.special import log_expit
    h = np.atleast_2d(np.asarray(h, dtype=float))
    return -log_expit(-(h @ self.weights + self.visible_bias)).sum(axis=1)


def _belief_input_without_b(self, h_a, h_b):
    return h_a @ self.a.weights + self.total_visible_bias


def _sign_flipped_kernel(self, state, n_sweeps):
    """The compiled exact sweep replaced by a sweep whose correction has the wrong sign."""
    flipped = corrections.Correction("exact", "", lambda p, h, e, w: -corrections.get_correction("exact").from_state(
        p, h, e, w))
    for _ in range(n_sweeps):
        sampling.sequential_sweep(self.a, self.b, state, flipped,
                                  state.rng.random((state.n_chains, self.a.n_hidden + self.b.n_hidden)))


def _late_sweep(a, b, state, correction, uniforms):
    """A sequential sweep that updates the inputs only after the whole cause (every unit sees the old inputs)."""
    for cause, h, own, base, offset in ((a, state.h_a, state.phi_a, state.base_a, 0),
                                        (b, state.h_b, state.phi_b, state.base_b, a.n_hidden)):
        old_h = h.copy()
        for j in range(cause.n_hidden):
            psi = base[:, j] + correction.from_state(own, old_h[:, j:j + 1], state.x - own, cause.weights[j]).sum(axis=1)
            h[:, j] = (uniforms[:, offset + j] < 1.0 / (1.0 + np.exp(-psi))).astype(float)
        change = (h - old_h) @ cause.weights
        own += change
        state.x += change


_linear = corrections.linear
_sigmoid = corrections.sigmoid
_exact = corrections.exact
_gain = corrections.gain
_log_sigmoid = numerics.log_sigmoid

LIBRARY_MUTANTS = {
    "RBM.log_p_star drops the visible bias": (
        ["bridge_joints"], "RBM.log_p_star = §0.1 log P*(h, v)", (RBM, "log_p_star", _log_p_star_without_visible_bias)),
    "RBM.log_p_star_h drops the hidden bias": (
        ["bridge_free_statistics"], "RBM.log_p_star_h = marginal log P*(h)",
        (RBM, "_log_p_star_h", _log_p_star_h_without_hidden_bias)),
    "numerics.softplus as log(1 + x)": (
        ["bridge_numerics"], "numerics.softplus = log(1 + e^x)",
        (numerics, "softplus", lambda x: np.log(1 + np.asarray(x, dtype=float)))),
    "numerics.log_sigmoid drifts only for |x| < 1e-3": (
        ["bridge_numerics"], "numerics.log_sigmoid = log σ(x)",
        (numerics, "log_sigmoid", lambda x: _log_sigmoid(x) * np.where(np.abs(x) < 1e-3, 1 + 1e-9, 1.0))),
    "the compiled exact sweep with its correction's sign flipped": (
        ["bridge_sampler_log_odds"], "sampler.step log-odds, exact (ratio kernel, |W| ≤ 80)",
        (sampling.PosteriorSampler, "_advance", _sign_flipped_kernel)),
    "a sequential sweep that updates the inputs late": (
        ["bridge_sampler_log_odds"], "sampler.step log-odds, linear (numpy sweep)", (sampling, "sequential_sweep", _late_sweep)),
    "TwoCauseRBM._belief_input without B's sum": (
        ["bridge_joints"], "TwoCauseRBM._belief_input = φ^A + φ^B",
        (TwoCauseRBM, "_belief_input", _belief_input_without_b)),
    "corrections.gain with the series constant 1/24": (
        ["bridge_gain"], "corrections.gain = α(W)",
        (corrections, "gain", lambda w: np.where(np.abs(w) < 1e-4, 1 - np.asarray(w, float) ** 2 / 24, _gain(w)))),
    "corrections.linear clipped beyond ±1e3": (
        ["bridge_linear"], "corrections.linear = W[σ(φ) - σ(φ+ε)]",
        (corrections, "linear", lambda p, e, w: np.clip(_linear(p, e, w), -1e3, 1e3))),
    "corrections.linear zero for 0 < |ε| < 1e-4": (
        ["bridge_linear"], "corrections.linear = W[σ(φ) - σ(φ+ε)]",
        (corrections, "linear", lambda p, e, w: np.where(np.abs(e) < 1e-4, 0.0, _linear(p, e, w)))),
    "corrections.sigmoid with the sign flipped only for W < 0": (
        ["bridge_sigmoid"], "corrections.sigmoid (with gain α) = C̃",
        (corrections, "sigmoid", lambda p, e, w, gain=True: np.where(np.asarray(w) < 0, -1.0, 1.0) * _sigmoid(p, e, w, gain))),
    "corrections.exact wrong only for |ε| < 1e-3": (
        ["bridge_exact"], "corrections.exact = C",
        (corrections, "exact", lambda p, e, w: np.where(np.abs(e) < 1e-3, 0.0, _exact(p, e, w)))),
}


@lru_cache(maxsize=None)
def _unmutated_status(only: tuple[str, ...]) -> int:
    return report.exit_status(d.verify_all(only=list(only)))


@pytest.mark.parametrize("mutant", sorted(LIBRARY_MUTANTS))
def test_library_mutant_fails_the_run(mutant, monkeypatch):
    only, row, (owner, attribute, replacement) = LIBRARY_MUTANTS[mutant]
    assert _unmutated_status(tuple(only)) == 0
    monkeypatch.setattr(owner, attribute, replacement)
    claims = d.verify_all(only=only)
    assert report.exit_status(claims) == 1
    by_name = {c.name: c for c in claims}
    assert not by_name[row].meets_requirement, (row, by_name[row].detail)


# ------------------------------------------------------------------ formula mutants
def _piecewise(condition, wrong, right):
    return sp.Piecewise((wrong, condition), (right, True))


FORMULA_MUTANTS = {
    "exact wrong only for |ε| < 1e-3": (
        ["check_exact_correction", "bridge_exact"], ["exact correction", "corrections.exact = C"],
        lambda: replace(NOTES, exact=lambda p, e, w: _piecewise(sp.Abs(e) < sp.Rational(1, 1000), 0,
                                                                exact_correction_expr(p, e, w)))),
    "exact with the sign flipped only for W < 0": (
        ["check_exact_correction"], ["exact correction"],
        lambda: replace(NOTES, exact=lambda p, e, w: _piecewise(w < 0, -exact_correction_expr(p, e, w),
                                                                exact_correction_expr(p, e, w)))),
    "linear wrong only beyond |W| = 1e3": (
        ["check_red_green", "bridge_linear"], ["red/green approximation simplifies"],
        lambda: replace(NOTES, linear=lambda p, e, w: _piecewise(sp.Abs(w) > 1000, 0, w * (sigmoid(p) - sigmoid(p + e))))),
    "gain with 2 in place of 4": (
        ["check_gain", "bridge_gain"], ["slope-matching gain", "corrections.gain = α(W)"],
        lambda: replace(NOTES, gain=lambda w: 2 * (2 * sigmoid(w / 2) - 1) / w)),
    "vanilla ψ without the hidden bias": (
        ["check_vanilla_psi", "bridge_psi"], ["vanilla Gibbs log-odds", "RBM.hidden_input = vanilla ψ"],
        lambda: replace(NOTES, vanilla_psi=lambda w_row, c, v: sum(a * b for a, b in zip(w_row, v)))),
    "likelihood without the (1 - v) term": (
        ["check_product_rule", "bridge_joints"], ["product rule for the RBM", "TwoCauseRBM.log_p_star = §3 joint"],
        lambda: replace(NOTES, likelihood=lambda v, x: v * log_sigmoid(x))),
    "local form with ĥ = h - 1": (
        ["check_local_form", "bridge_local"], ["local form equals the sigmoid approximation",
                                               "corrections.local = §2.3 local form"],
        lambda: replace(NOTES, local=lambda p, h, e, w, a: w * (sigmoid(a * (p - (h - 1) * w))
                                                                 - sigmoid(a * (p + e - (h - 1) * w))))),
    "gain wrong only above |W| = 9": (
        ["check_gain"], ["slope-matching gain"],
        lambda: replace(NOTES, gain=lambda w: _piecewise(sp.Abs(w) > 9, 1, gain_expr(w)))),
}


@pytest.mark.slow
@pytest.mark.parametrize("mutant", sorted(FORMULA_MUTANTS))
def test_formula_mutant_fails_the_run(mutant):
    only, rows, make = FORMULA_MUTANTS[mutant]
    assert _unmutated_status(tuple(only)) == 0
    claims = d.verify_all(make(), only=only)
    assert report.exit_status(claims) == 1
    by_name = {c.name: c for c in claims}
    for row in rows:
        assert not by_name[row].meets_requirement, (row, by_name[row].verdict, by_name[row].detail)


def test_formulas_softplus_mutated_gives_rows_not_a_crash(monkeypatch):
    monkeypatch.setattr(formulas, "softplus", lambda x: sp.log(1 + x))
    claims = d.verify_all(only=["bridge_free_statistics", "check_marginal_second_form"])
    assert report.exit_status(claims) == 1
    assert all(c.name and c.detail for c in claims)


# ------------------------------------------------------------------ through the real command
SCRIPT = """
import sys, numpy as np
from orbm_explore import cli, corrections, rbm
{mutation}
sys.exit(cli.main(["derivations", "--only", {only!r}, "--quiet"]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("mutation, only", [
    ("rbm.RBM.log_p_star = lambda self, h, v: np.einsum('nj,ji,ni->n', np.atleast_2d(h), self.weights, "
     "np.atleast_2d(v)) + np.atleast_2d(h) @ self.hidden_bias", "bridge_joints"),
    ("_linear = corrections.linear\n"
     "corrections.linear = lambda p, e, w: np.where(np.abs(e) < 1e-4, 0.0, _linear(p, e, w))", "bridge_linear"),
    ("", "bridge_linear"),
])
def test_mutant_through_the_command_line(tmp_path, mutation, only):
    script = tmp_path / "run.py"
    script.write_text(SCRIPT.format(mutation=mutation, only=only))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600)
    expected = 1 if mutation else 0
    assert result.returncode == expected, result.stdout[-2000:] + result.stderr[-2000:]
    if mutation:
        assert "BELOW REQUIRED LEVEL" in result.stdout
