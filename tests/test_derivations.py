import time

import numpy as np
import pytest
import sympy as sp

from orbm_explore import corrections, derivations as d
from orbm_explore.derivations import W, eps, phi_a0, sigmoid, log_sigmoid


@pytest.fixture(scope="module")
def claims():
    start = time.perf_counter()
    result = d.verify_all()
    elapsed = time.perf_counter() - start
    assert elapsed < 60, f"verify_all took {elapsed:.1f} s"
    return result


def test_every_claim_the_library_relies_on_holds(claims):
    failing = [(c.name, c.detail) for c in claims if c.relied_on and not c.holds]
    assert not failing


def test_claim_records_are_complete(claims):
    names = [c.name for c in claims]
    assert len(names) == len(set(names))
    for c in claims:
        assert c.method in ("symbolic", "numeric")
        assert c.section and c.statement and c.detail
        if c.method == "numeric":
            assert "50 digits" in c.detail
            assert ("did not reduce" in c.detail) if c.holds else ("counterexample" in c.detail)


def test_notes_errors_are_found(claims):
    by_name = {c.name: c for c in claims}
    assert not by_name["notes code: calc_psi0_correction"].holds
    assert not by_name["notes code: calc_psi_correction(h=0)"].holds
    assert not by_name["notes code: calc_psi_correction(h=1)"].holds
    assert by_name["notes code: In[5] truth"].holds
    assert not by_name["free-phase ψ̄ = Σ W σ(φ)"].holds


def test_command_line_exit_status(capsys):
    assert d.main() == 0
    out = capsys.readouterr().out
    assert "✗" in out and "✓" in out and "claims the library relies on fail" in out


WRONG_VARIANTS = {
    "gain, factor 2 instead of 4": lambda: d.check_gain(alpha=2 * (2 * sigmoid(W / 2) - 1) / W),
    "gain, σ(W) instead of σ(W/2)": lambda: d.check_gain(alpha=4 * (2 * sigmoid(W) - 1) / W),
    "log P*(h) second form missing the -Σ log σ term": lambda: d.check_marginal_log_p_star_h(
        closed_form=lambda w, b, c, h: sum(c[j] * h[j] for j in range(len(h)))
        + sum(sum(w[j, i] * h[j] for j in range(len(h))) + b[i] for i in range(w.shape[1])), sizes=(1, 2)),
    "wake rule with the perceptron term's sign flipped": lambda: d.check_wake_rule(
        rule=lambda h, v, pa, pab: sigmoid(pa) * h - (v - sigmoid(pab)) * h),
    "sleep rule without the hidden unit": lambda: d.check_sleep_rule(rule=lambda h, p: sigmoid(p)),
    "correction missing -log σ(φ0+ε)": lambda: d.check_exact_correction(
        claimed=lambda p, e, w: log_sigmoid(p + w + e) + log_sigmoid(p) - log_sigmoid(p + w)),
    "red/green with the sign flipped": lambda: d.check_red_green(
        claimed=lambda p, e, w: w * (sigmoid(p + e) - sigmoid(p))),
    "vanilla ψ without the hidden bias": lambda: d.check_vanilla_psi(
        claimed=lambda w, b, c, h, v: sum(w[0, i] * v[i] for i in range(3))),
    "product rule with the (1-v) term dropped": lambda: d.check_product_rule(
        conditional=lambda v, x: v * sp.log(sigmoid(x))),
    "switching point at -W": lambda: d.check_log_ratio_limits(switch=-W),
    "ĥ = h - 1": lambda: d.check_local_form(offset=1),
    "likelihood that does not normalise": lambda: d.check_free_phase_independence(
        likelihood=lambda v, x: v * log_sigmoid(x)),
}


@pytest.mark.parametrize("variant", sorted(WRONG_VARIANTS))
def test_each_checker_rejects_a_wrong_variant(variant):
    claim = WRONG_VARIANTS[variant]()
    assert claim.holds is False, claim


def test_lambdified_correction_and_gain_match_the_library():
    rng = np.random.default_rng(0)
    exact_fn = sp.lambdify((phi_a0, eps, W), d.exact_correction_expr(), modules="mpmath")
    gain_fn = sp.lambdify(W, d.gain_expr(), modules="mpmath")
    for p, e, w in rng.uniform(-30, 30, (200, 3)):
        assert float(exact_fn(p, e, w)) == pytest.approx(corrections.exact(p, e, w), abs=1e-12)
        assert float(gain_fn(w)) == pytest.approx(corrections.gain(w), rel=1e-13)
