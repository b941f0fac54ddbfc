
import mpmath
import numpy as np
import pytest
from hypothesis import given, strategies as st

from orbm_explore import corrections
from orbm_explore.numerics import log_sigmoid, sigmoid, softplus

mpmath.mp.dps = 50

big = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)
moderate = st.floats(min_value=-60, max_value=60, allow_nan=False, allow_infinity=False)
args = st.one_of(big, moderate, st.sampled_from([0.0, -0.0, 1e-300, -200.0, 200.0, 199.999999]))
weights = st.one_of(st.floats(min_value=-50, max_value=50, allow_nan=False), st.just(0.0))


def mp_log_sigmoid(y):
    return -mpmath.log1p(mpmath.exp(-y))


def mp_exact(phi0, eps, w):
    p, e, w = (mpmath.mpf(float(x)) for x in (phi0, eps, w))
    return (mp_log_sigmoid(p + w + e) + mp_log_sigmoid(p)
            - mp_log_sigmoid(p + w) - mp_log_sigmoid(p + e))


def close(got, ref, tol=1e-12):
    return abs(mpmath.mpf(float(got)) - ref) <= tol * max(1, abs(ref))


@given(args, args, weights)
def test_exact_matches_50_digit_mpmath(phi0, eps, w):
    got = corrections.exact(phi0, eps, w)
    assert np.isfinite(got)
    ref = mp_exact(phi0, eps, w)
    assert close(got, ref), (phi0, eps, w, float(got), float(ref))


def test_exact_vectorised_matches_mpmath_on_a_grid():
    rng = np.random.default_rng(0)
    phi0 = rng.uniform(-1e4, 1e4, 300) * rng.choice([1, 1e-3, 1e-2], 300)
    eps = rng.uniform(-1e4, 1e4, 300) * rng.choice([1, 1e-3, 1e-2], 300)
    w = rng.uniform(-50, 50, 300)
    w[:20] = 0.0
    got = corrections.exact(phi0, eps, w)
    assert got.shape == (300,) and np.all(np.isfinite(got))
    for g, p, e, ww in zip(got, phi0, eps, w):
        assert close(g, mp_exact(p, e, ww)), (p, e, ww)


@given(args, args, weights)
def test_exact_bounded_by_weight(phi0, eps, w):
    c = corrections.exact(phi0, eps, w)
    assert -abs(w) - 1e-12 <= c <= abs(w) + 1e-12


@given(args, weights)
def test_exact_is_zero_without_other_cause(phi0, w):
    assert corrections.exact(phi0, 0.0, w) == 0.0
    assert corrections.exact(phi0, w, 0.0) == 0.0


@given(moderate, moderate, weights)
def test_exact_symmetric_in_eps_and_w(phi0, eps, w):
    assert corrections.exact(phi0, eps, w) == pytest.approx(corrections.exact(phi0, w, eps), abs=1e-12)


@pytest.mark.parametrize("w", [-8.0, -1.0, 0.5, 3.0, 10.0])
def test_exact_plateaus(w):
    far = 1e3
    # Cause A alone off, both together on: v is explained by B, subtract W.
    assert corrections.exact(-far, 2 * far, w) == pytest.approx(-w, abs=1e-12)
    # Cause A alone on, both together off: add W back.
    assert corrections.exact(far, -2 * far, w) == pytest.approx(w, abs=1e-12)
    # Both agree (both on, or both off, whichever way): no correction.
    for phi0, eps in [(far, far), (-far, -far), (far, 0.5 * far), (-far, -0.5 * far)]:
        assert corrections.exact(phi0, eps, w) == pytest.approx(0.0, abs=1e-12)


def test_exact_equals_two_log_ratio_terms_of_section_2_1():
    rng = np.random.default_rng(1)
    phi, eps, w = rng.uniform(-15, 15, (3, 1000))
    first = log_sigmoid(phi) - log_sigmoid(phi + w)
    second = log_sigmoid(phi + eps + w) - log_sigmoid(phi + eps)
    np.testing.assert_allclose(corrections.exact(phi, eps, w), first + second, atol=1e-12)


def test_exact_broadcasts_and_returns_scalar_for_scalars():
    out = corrections.exact(np.zeros((4, 1)), np.ones(3), 2.0)
    assert out.shape == (4, 3)
    assert isinstance(corrections.exact(0.0, 1.0, 2.0), np.floating)


@pytest.mark.parametrize("fn", [log_sigmoid, sigmoid, softplus])
def test_elementwise_functions_finite_at_extremes(fn):
    x = np.array([-1.7e308, -1e4, -745.0, -40.0, 0.0, 40.0, 745.0, 1e4, 1.7e308])
    assert np.all(np.isfinite(fn(x)))


def test_log_sigmoid_and_softplus_match_mpmath():
    for x in [-1e4, -700.0, -37.0, -1e-3, 0.0, 2.5, 36.0, 700.0, 1e4]:
        assert close(log_sigmoid(x), mp_log_sigmoid(mpmath.mpf(x)), 1e-15)
        assert close(softplus(x), mpmath.log1p(mpmath.exp(mpmath.mpf(x))), 1e-15)


def test_gain_reproduces_notes_value():
    # notes §2.1, In[4]: alpha printed as 0.394645719261 for W = -10
    assert round(float(corrections.gain(-10.0)), 12) == 0.394645719261


@given(st.floats(min_value=-50, max_value=50, allow_nan=False))
def test_gain_matches_measured_slope_condition(w):
    """The sigmoid -W σ(-α(φ + W/2)) has the slope of log(σ(φ)/σ(φ+W)) at φ = -W/2."""
    if abs(w) < 1e-3:
        return  # both slopes vanish; continuity at 0 is tested separately
    h = 1e-5
    x0 = -w / 2
    true_term = lambda x: log_sigmoid(x) - log_sigmoid(x + w)
    true_slope = (true_term(x0 + h) - true_term(x0 - h)) / (2 * h)
    alpha = corrections.gain(w)
    approx_term = lambda x: -w * sigmoid(-alpha * (x + w / 2))
    approx_slope = (approx_term(x0 + h) - approx_term(x0 - h)) / (2 * h)
    assert approx_slope == pytest.approx(true_slope, rel=1e-6, abs=1e-9)


def test_gain_is_continuous_and_finite_at_zero():
    w = np.array([-1e-3, -1e-4, -1e-5, -1e-300, 0.0, 1e-300, 1e-5, 1e-4, 1e-3])
    g = corrections.gain(w)
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, [float(4 * mpmath.tanh(mpmath.mpf(x) / 4) / x) if x else 1.0 for x in w],
                               rtol=1e-14)
    assert corrections.gain(0.0) == 1.0
    np.testing.assert_allclose(corrections.gain(-w), g, rtol=0, atol=0)


@given(moderate, st.sampled_from([0.0, 1.0]), moderate, st.floats(min_value=-50, max_value=50))
def test_local_equals_sigmoid_at_matching_inputs(phi, h, eps, w):
    phi0 = phi - h * w
    for use_gain in (True, False):
        assert corrections.local(phi, h, eps, w, gain=use_gain) == pytest.approx(
            corrections.sigmoid(phi0, eps, w, gain=use_gain), abs=1e-12)


def test_linear_is_the_red_green_formula():
    rng = np.random.default_rng(2)
    phi, eps, w = rng.uniform(-10, 10, (3, 100))
    s_phi, s_both = sigmoid(phi), sigmoid(phi + eps)
    red_green = -w * (s_both * (1 - s_phi) - (1 - s_both) * s_phi)
    np.testing.assert_allclose(corrections.linear(phi, eps, w), red_green, atol=1e-12)


@pytest.mark.parametrize("name", sorted(corrections.CORRECTIONS))
def test_registry_entries_are_finite_at_extremes(name):
    entry = corrections.CORRECTIONS[name]
    assert entry.description and entry.name == name
    x = np.array([-1e4, -30.0, 0.0, 30.0, 1e4])
    out = entry.from_state(x[:, None], 1.0, x[None, :], -50.0)
    assert out.shape == (5, 5) and np.all(np.isfinite(out))


def test_approximations_reach_the_right_plateaus():
    w = 4.0
    for fn in (lambda p, e: corrections.sigmoid(p, e, w), lambda p, e: corrections.linear(p, e, w)):
        assert fn(-1e3, 2e3) == pytest.approx(-w)
        assert fn(1e3, -2e3) == pytest.approx(w)


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match=r"phi0 has shape \(3,\).*eps has shape \(4,\)"):
        corrections.exact(np.zeros(3), np.zeros(4), 1.0)
    with pytest.raises(TypeError, match="eps must be a real number"):
        corrections.exact(0.0, "big", 1.0)
    with pytest.raises(TypeError, match="w must be a real number"):
        corrections.sigmoid(0.0, 1.0, [1 + 2j])
    with pytest.raises(TypeError, match="h must be a real number"):
        corrections.local(0.0, None, 1.0, 1.0)
    with pytest.raises(ValueError, match="correction must be one of"):
        corrections.get_correction("exactt")
    with pytest.raises(TypeError, match="gain must be True or False"):
        corrections.sigmoid(0.0, 1.0, 1.0, gain="yes")


def test_large_inputs_split_across_threads_match_the_scalar_kernel():
    from orbm_explore._kernels import correction as _kernels

    rng = np.random.default_rng(3)
    n = corrections._THREADED_FROM * 2 + 12345
    phi0, eps = rng.uniform(-30, 30, (2, n))
    w = rng.uniform(-50, 50, n)
    far = rng.choice(n, 500, replace=False)
    phi0[far] *= 300  # some elements take the large-argument path in every part
    reference = np.empty(n)
    _kernels.exact_correction_flat(phi0, eps, w, reference)
    np.testing.assert_allclose(corrections.exact(phi0, eps, w), reference, rtol=1e-12, atol=1e-13)
