
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
    n = _kernels.THREADED_FROM * 2 + 12345
    phi0, eps = rng.uniform(-30, 30, (2, n))
    w = rng.uniform(-50, 50, n)
    far = rng.choice(n, 500, replace=False)
    phi0[far] *= 300  # some elements take the large-argument path in every part
    reference = np.empty(n)
    _kernels.exact_correction_flat(phi0, eps, w, reference)
    np.testing.assert_allclose(corrections.exact(phi0, eps, w), reference, rtol=1e-12, atol=1e-13)


# ---------------------------------------------------------------- every finite float64 input (issue 13)
# The oracle: the notes' four log-sigmoids in mpmath at 2300 bits, enough for the
# sums of any three doubles (exponents 2^-1074 .. 2^1024) to be exact.
def mp_exact_full(phi0, eps, w):
    with mpmath.workprec(2300):
        p, e, ww = (mpmath.mpf(float(x)) for x in (phi0, eps, w))
        return mp_log_sigmoid(p + ww + e) + mp_log_sigmoid(p) - mp_log_sigmoid(p + ww) - mp_log_sigmoid(p + e)


def log_uniform(lo=-300, hi=308):
    """Magnitudes spread evenly in log10 from 1e{lo} to ~1e{hi}, both signs."""
    return st.builds(lambda sign, power, mantissa: sign * mantissa * 10.0 ** power,
                     st.sampled_from([-1.0, 1.0]), st.integers(lo, hi - 1), st.floats(1.0, 9.99))


EDGES = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, -1e-300, 1e-16, 1.0, -1.0, 113.5, -113.5,
         169.99, 170.0, -170.0, 199.0, -199.0, 1e20, -1e20, 2.0 ** 1020, -(2.0 ** 1021), 1e300, -1e300,
         1e308, -1e308, 1.7976931348623157e308, -1.7976931348623157e308]
full_range = st.one_of(log_uniform(), log_uniform(-3, 4), st.sampled_from(EDGES),
                       st.floats(allow_nan=False, allow_infinity=False))


def assert_matches_oracle(phi0, eps, w, got=None):
    got = corrections.exact(phi0, eps, w) if got is None else got
    assert np.isfinite(got)
    ref = mp_exact_full(phi0, eps, w)
    assert abs(mpmath.mpf(float(got)) - ref) <= 1e-12 * max(1, abs(ref)), (phi0, eps, w, float(got), float(ref))
    # the sign of -εW (or 0, where |C| is below rounding)
    assert got == 0 or ref == 0 or (got > 0) == (ref > 0), (phi0, eps, w, float(got), float(ref))


@given(full_range, full_range, full_range)
def test_exact_matches_mpmath_for_every_finite_input(phi0, eps, w):
    assert_matches_oracle(phi0, eps, w)


@given(full_range, log_uniform(-3, 4), full_range)
def test_exact_matches_mpmath_when_phi0_and_eps_cancel(phi0, small, w):
    """ε = -φ0 + δ: the sum φ0+ε is small although both are huge."""
    eps = -phi0 + small
    if np.isfinite(eps):
        assert_matches_oracle(phi0, eps, w)


@given(full_range, full_range, log_uniform(-3, 4))
def test_exact_matches_mpmath_when_all_three_cancel(phi0, eps, small):
    """W = -(φ0+ε) + δ: φ0+ε+W is small, the case that needs the compensated sum."""
    with np.errstate(over="ignore"):
        w = -(phi0 + eps) + small
    if np.isfinite(w):
        assert_matches_oracle(phi0, eps, w)


KNOWN = [  # (phi0, eps, w, true value); reported in issue 13
    (-1e20, 1.0, 2e20, -1.0),          # was +1.0: far-argument sign reversed
    (-1e20, 2e20, 1.0, -1.0),          # the same by ε-W symmetry
    (1e300, 1e6, -1e300, np.log(2)),   # was -5e5: φ0+ε+W = 1e6 lost in the sums
    (-199.0, -199.0, -199.0, 0.0),     # was NaN: inf/inf in the product form
    (1e308, 1e308, 0.0, 0.0),          # was NaN: φ0+ε overflows
    (-150.0, -150.0, 150.0, np.log(2)),  # |W| > 113: product form overflowed with RuntimeWarnings
    (-190.0, -190.0, -140.0, 0.0),     # the same: "overflow encountered in multiply"
    (-180.0, -150.0, 120.0, None),     # was -1.1e-16: wrong sign (εW < 0, so C >= 0)
    (-199.0, -150.0, -115.0, None),    # was +2.2e-16: wrong sign
    (1.7976931348623157e308, -1.7976931348623157e308, 1.7976931348623157e308, np.log(2)),
]


@pytest.mark.parametrize("phi0, eps, w, truth", KNOWN)
def test_exact_known_failures_of_issue_13(phi0, eps, w, truth):
    got = corrections.exact(phi0, eps, w)  # RuntimeWarnings are errors in these tests
    assert_matches_oracle(phi0, eps, w, got)
    if truth is not None:
        assert got == pytest.approx(truth, abs=1e-15)


def test_exact_block_path_matches_oracle_on_mixed_arrays():
    """Arrays big enough for the numpy blocks, with far elements scattered among moderate ones."""
    from orbm_explore._kernels import correction as _kernels

    rng = np.random.default_rng(4)
    n = 3 * _kernels.COMPILED_BELOW + 7
    phi0, eps, w = rng.uniform(-30, 30, (3, n))
    far = rng.random((3, n)) < 0.1
    scale = 10.0 ** rng.uniform(2, 306, (3, n))
    phi0, eps, w = (np.where(f, x * s, x) for x, f, s in zip((phi0, eps, w), far, scale))
    got = corrections.exact(phi0, eps, w)
    check = rng.choice(n, 120, replace=False)
    for k in check:
        assert_matches_oracle(phi0[k], eps[k], w[k], got[k])
    scalar = np.array([corrections.exact(p, e, ww) for p, e, ww in zip(phi0, eps, w)])
    np.testing.assert_allclose(got, scalar, rtol=1e-13, atol=1e-14)


def test_exact_small_corrections_accuracy_is_as_documented():
    """The docstring's claim for tiny |C|: absolute error ~1e-15, so relative ~1e-15/|C|."""
    rng = np.random.default_rng(5)
    phi0 = rng.uniform(10, 30, 200)
    eps, w = rng.uniform(-5, 5, (2, 200))
    got = corrections.exact(phi0, eps, w)
    errors = [abs(float(mpmath.mpf(float(g)) - mp_exact_full(p, e, ww))) for g, p, e, ww in zip(got, phi0, eps, w)]
    assert max(errors) < 2e-15
    assert np.min(np.abs(got)) < 1e-8  # the sample does reach the tiny-|C| range


@given(full_range, full_range, full_range)
def test_exact_bounded_and_signed_for_every_finite_input(phi0, eps, w):
    c = corrections.exact(phi0, eps, w)
    bound = min(abs(eps), abs(w))
    assert abs(c) <= bound * (1 + 1e-15) + 1e-300
    assert c * np.sign(eps) * np.sign(w) <= 0


def test_exact_reference_is_the_notes_formula():
    rng = np.random.default_rng(6)
    phi0, eps, w = rng.uniform(-30, 30, (3, 500))
    by_hand = log_sigmoid(phi0 + w + eps) + log_sigmoid(phi0) - log_sigmoid(phi0 + w) - log_sigmoid(phi0 + eps)
    np.testing.assert_allclose(corrections.exact_reference(phi0, eps, w), by_hand, rtol=0, atol=5e-14)
    with pytest.raises(ValueError, match="overflows float64 in exact_reference"):
        corrections.exact_reference(-1e308, 1e308, -1e308)
    # the fast path agrees with its reference where the reference's sums are exact enough
    np.testing.assert_allclose(corrections.exact(phi0, eps, w), by_hand, rtol=0, atol=5e-14)


@pytest.mark.parametrize("fn, names", [
    (corrections.exact, ("phi0", "eps", "w")),
    (corrections.exact_reference, ("phi0", "eps", "w")),
    (corrections.linear, ("phi", "eps", "w")),
    (lambda a, b, c: corrections.sigmoid(a, b, c), ("phi0", "eps", "w")),
    (lambda a, b, c: corrections.local(a, 1.0, b, c), ("phi", "eps", "w")),
])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_input_is_refused_naming_the_argument(fn, names, bad):
    for k, name in enumerate(names):
        args = [np.zeros(200), 1.0, 2.0]  # 200: the block path as well as the scalar one
        args[k] = np.where(np.arange(200) == 150, bad, 0.5) if k == 0 else bad
        with pytest.raises(ValueError, match=f"{name} must be finite"):
            fn(*args)
    with pytest.raises(ValueError, match="w must be finite"):
        corrections.gain([1.0, bad])


@given(full_range, full_range, full_range, st.sampled_from([0.0, 1.0]))
def test_approximations_finite_and_bounded_for_every_finite_input(a, b, c, h):
    """No NaN, no inf, no warning (they are errors here), and within the plateau ±|W|."""
    try:
        reference = corrections.exact_reference(a, b, c)
    except ValueError as err:
        assert "overflows float64" in str(err)
    else:
        assert np.isfinite(reference)
    outs = [corrections.linear(a, b, c), corrections.sigmoid(a, b, c), corrections.sigmoid(a, b, c, gain=False),
            corrections.local(a, h, b, c), corrections.local(a, h, b, c, gain=False)]
    for out in outs:
        assert np.isfinite(out) and abs(out) <= abs(c)
    g = corrections.gain(c)
    assert np.isfinite(g) and 0 < g <= 1


@given(full_range, st.sampled_from([0.0, 1.0]), full_range, full_range)
def test_registry_from_state_finite_or_refused(phi, h, eps, w):
    """φ - hW can leave the float range; then a ValueError says so, never a warning or NaN."""
    for name, entry in corrections.CORRECTIONS.items():
        try:
            out = entry.from_state(np.float64(phi), h, np.float64(eps), np.float64(w))
        except ValueError as err:
            assert "phi - h * w" in str(err) and name in ("exact", "sigmoid", "sigmoid_nogain")
            with np.errstate(over="ignore"):
                assert not np.isfinite(np.float64(phi) - h * np.float64(w))  # refused only when it truly overflows
        else:
            assert np.isfinite(out)


def test_local_and_from_state_refuse_a_non_binary_state():
    with pytest.raises(ValueError, match="h must be a binary state"):
        corrections.local(0.0, 2.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="h must be a binary state"):
        corrections.CORRECTIONS["exact"].from_state(0.0, 0.5, 1.0, 1.0)
