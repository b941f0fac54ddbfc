import numpy as np
import pytest

from orbm_explore import exact, stats
from orbm_explore.corrections import CORRECTIONS
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM

from helpers import overlap_model, random_two_cause


@pytest.mark.parametrize("seed", range(6))
def test_exact_psi_is_the_log_joint_difference(seed):
    rng = np.random.default_rng(seed)
    n_a, n_b, n_v = rng.integers(1, 6, 3)
    model = random_two_cause(n_a, n_b, n_v, scale=50, seed=seed)
    n = 64
    h_a = rng.integers(0, 2, (n, n_a)).astype(float)
    h_b = rng.integers(0, 2, (n, n_b)).astype(float)
    v = rng.integers(0, 2, (n, n_v)).astype(float)
    psi_a, psi_b = model.psi(h_a, h_b, v)
    assert np.all(np.isfinite(psi_a)) and np.all(np.isfinite(psi_b))
    for which, h, psi in [("a", h_a, psi_a), ("b", h_b, psi_b)]:
        for j in range(h.shape[1]):
            on, off = h.copy(), h.copy()
            on[:, j], off[:, j] = 1, 0
            args_on = (on, h_b) if which == "a" else (h_a, on)
            args_off = (off, h_b) if which == "a" else (h_a, off)
            diff = model.log_p_star(*args_on, v) - model.log_p_star(*args_off, v)
            np.testing.assert_allclose(psi[:, j], diff, atol=1e-9, rtol=1e-12)


def test_exact_psi_does_not_depend_on_v_beyond_the_vanilla_term():
    model = random_two_cause(3, 2, 5, scale=5, seed=3)
    h_a, h_b = np.array([1.0, 0, 1]), np.array([0.0, 1])
    for v in np.random.default_rng(0).integers(0, 2, (5, 5)).astype(float):
        psi_a, _ = model.psi(h_a, h_b, v)
        vanilla = model.a.hidden_input(v)
        psi_a0, _ = model.psi(h_a, h_b, np.zeros(5))
        np.testing.assert_allclose(psi_a - vanilla, psi_a0 - model.a.hidden_input(np.zeros(5)), atol=1e-12)


def test_log_p_star_normalises_to_z_a_times_z_b():
    model = random_two_cause(2, 3, 4, scale=3, seed=1)
    h_a, h_b = exact.two_cause_hidden_states(model)
    v = exact.binary_states(4)
    total = np.logaddexp.reduce([np.logaddexp.reduce(model.log_p_star(h_a, h_b, np.tile(x, (len(h_a), 1))))
                                 for x in v])
    assert total == pytest.approx(exact.rbm_log_partition(model.a) + exact.rbm_log_partition(model.b), abs=1e-10)


def test_free_phase_causes_are_independent():
    """Σ_v P(h_a, h_b, v) = P_A(h_a) P_B(h_b) (notes §3.1.3): exact, not an approximation."""
    model = random_two_cause(2, 2, 3, scale=4, seed=7)
    h_a, h_b = exact.two_cause_hidden_states(model)
    log_z = exact.rbm_log_partition(model.a) + exact.rbm_log_partition(model.b)
    joint = sum(np.exp(model.log_p_star(h_a, h_b, np.tile(v, (len(h_a), 1))) - log_z) for v in exact.binary_states(3))
    np.testing.assert_allclose(joint, exact.two_cause_hidden_distribution(model), atol=1e-12)


def choose_sweeps(model, v, start, tolerance, max_sweeps=400):
    """Smallest number of sweeps after which the exact kernel brings `start` within `tolerance` of the posterior."""
    kernel = exact.sweep_kernel(model, v)
    target = exact.posterior(model, v)
    dist = start
    for k in range(1, max_sweeps + 1):
        dist = dist @ kernel
        if stats.total_variation(dist, target) < tolerance:
            return k
    raise AssertionError("chain does not mix within max_sweeps; pick another test model")


CASES = [  # (n_a, n_b, n_visible, weight scale, seed, visible pattern)
    (2, 2, 2, 8, 11, [1, 1]),
    (2, 3, 4, 8, 12, [1, 1, 0, 1]),
    (3, 3, 5, 6, 13, [1, 1, 1, 0, 0]),
    (4, 4, 6, 4, 14, [1, 0, 1, 1, 0, 1]),
    (4, 2, 3, 8, 15, [0, 1, 1]),
]


@pytest.mark.parametrize("case", CASES)
def test_sequential_exact_gibbs_matches_exact_posterior(case):
    n_a, n_b, n_v, scale, seed, v = case
    model = random_two_cause(n_a, n_b, n_v, scale, seed)
    v = np.array(v, dtype=float)
    n_chains = 40_000
    target = exact.posterior(model, v)
    n_states = target.size
    floor = stats.expected_tv_floor(target, n_chains)
    sweeps = choose_sweeps(model, v, np.full(n_states, 1 / n_states), tolerance=floor / 20)
    h_a, h_b = model.sample_posterior(np.tile(v, (n_chains, 1)), sweeps, rng=seed)
    observed = stats.counts(exact.state_index(np.hstack([h_a, h_b])), n_states)
    fit = stats.g_test(observed, target)
    assert fit.p_value > 1e-3, fit
    assert fit.tv < 4 * fit.tv_floor, fit


def test_overlap_case_is_a_hard_posterior():
    model, v = overlap_model()
    post = exact.posterior(model, v)
    h_a, h_b = exact.two_cause_hidden_states(model)
    one_of_a = h_a.sum(1) == 1
    assert post[one_of_a].sum() > 0.9  # exactly one of A's units explains v
    assert post[one_of_a & (h_a[:, 0] == 1)].sum() > 0.3 and post[one_of_a & (h_a[:, 1] == 1)].sum() > 0.3


def test_parallel_schedule_is_visibly_biased_on_the_overlap_case():
    model, v = overlap_model()
    post = exact.posterior(model, v)
    pi_parallel = exact.sampler_stationary_distribution(model, v, "exact", "parallel")
    pi_sequential = exact.sampler_stationary_distribution(model, v, "exact", "sequential")
    assert stats.total_variation(pi_sequential, post) < 1e-12
    assert stats.total_variation(pi_parallel, post) > 0.2
    # ...and the sampler really does what the kernel says.
    n_chains = 20_000
    h_a, h_b = model.sample_posterior(np.tile(v, (n_chains, 1)), 50, schedule="parallel", rng=0)
    observed = stats.counts(exact.state_index(np.hstack([h_a, h_b])), post.size)
    assert stats.g_test(observed, pi_parallel).p_value > 1e-3
    assert stats.g_test(observed, post).p_value < 1e-10


@pytest.mark.parametrize("correction", sorted(CORRECTIONS))
@pytest.mark.parametrize("schedule", ["sequential", "parallel"])
def test_every_sampler_matches_its_own_kernel(correction, schedule):
    """Whatever a sampler's bias, the exact kernel predicts it: the sampled law equals its stationary law."""
    model = random_two_cause(2, 2, 3, scale=4, seed=21)
    v = np.array([1.0, 0.0, 1.0])
    pi = exact.sampler_stationary_distribution(model, v, correction, schedule)
    n_chains = 20_000
    h_a, h_b = model.sample_posterior(np.tile(v, (n_chains, 1)), 40, correction=correction, schedule=schedule, rng=5)
    observed = stats.counts(exact.state_index(np.hstack([h_a, h_b])), pi.size)
    fit = stats.g_test(observed, pi)
    assert fit.p_value > 1e-3 and fit.tv < 4 * fit.tv_floor, fit


def test_approximations_bias_is_measured_not_hidden():
    model, v = overlap_model()
    post = exact.posterior(model, v)
    report = {}
    for correction in CORRECTIONS:
        for schedule in ("sequential", "parallel"):
            pi = exact.sampler_stationary_distribution(model, v, correction, schedule)
            report[correction, schedule] = (stats.total_variation(pi, post), stats.kl_divergence(post, pi))
    assert report["exact", "sequential"][0] < 1e-12
    assert all(np.isfinite(kl) for _, kl in report.values())
    # the uncorrected sampler ignores explaining-away and is the worst sequential one
    worst = max(report[c, "sequential"][0] for c in CORRECTIONS)
    assert report["none", "sequential"][0] == worst


def test_ancestral_sampling_matches_exact_visible_distribution():
    model = random_two_cause(2, 2, 3, scale=3, seed=4)
    p_v = exact.two_cause_visible_distribution(model)
    assert p_v.sum() == pytest.approx(1.0)
    _, _, v = model.sample(30_000, n_steps=60, rng=2)
    fit = stats.g_test(stats.counts(exact.state_index(v), 8), p_v)
    assert fit.p_value > 1e-3 and fit.tv < 4 * fit.tv_floor, fit


def test_reconstructions():
    model = random_two_cause(2, 2, 3, scale=3, seed=4)
    h_a, h_b = np.array([1.0, 0]), np.array([0.0, 1])
    solo_a, solo_b = model.reconstructions(h_a, h_b)
    np.testing.assert_allclose(solo_a, model.a.p_v_given_h(h_a))
    cf_a, _ = model.reconstructions(h_a, h_b, mode="counterfactual")
    np.testing.assert_allclose(cf_a, model.p_v_given_h(h_a, np.zeros(2)))
    with pytest.raises(ValueError, match="mode must be"):
        model.reconstructions(h_a, h_b, mode="both")


def test_bad_input_is_named():
    model = random_two_cause(2, 3, 4, scale=1, seed=0)
    with pytest.raises(ValueError, match=r"v must have shape \(4,\) or \(n, 4\)"):
        model.sample_posterior(np.ones(5), 1)
    with pytest.raises(ValueError, match="v must be binary"):
        model.sample_posterior(np.full(4, 0.5), 1)
    with pytest.raises(ValueError, match="correction must be one of"):
        model.sample_posterior(np.ones(4), 1, correction="exakt")
    with pytest.raises(ValueError, match="schedule must be one of"):
        model.sample_posterior(np.ones(4), 1, schedule="random")
    with pytest.raises(ValueError, match="h_a must have shape"):
        model.psi(np.ones(3), np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="a has 4 visible units, b has 5"):
        TwoCauseRBM(RBM.random(2, 4, rng=0), RBM.random(2, 5, rng=0))
    with pytest.raises(TypeError, match="b must be an RBM"):
        TwoCauseRBM(model.a, "B")
    with pytest.raises(ValueError, match="n_sweeps must be an integer"):
        model.sample_posterior(np.ones(4), -1)
    with pytest.raises(ValueError, match="batch sizes do not match"):
        model.psi(np.ones((3, 2)), np.ones((2, 3)), np.ones(4))


def test_enumeration_refuses_large_models():
    model = random_two_cause(12, 12, 4, scale=1, seed=0)
    with pytest.raises(ValueError, match="2\\^24 states"):
        exact.posterior(model, np.ones(4))
    with pytest.raises(ValueError, match="sweep kernel"):
        exact.sweep_kernel(random_two_cause(7, 7, 3, 1, 0), np.ones(3))


def test_save_load_round_trip(tmp_path):
    model = random_two_cause(2, 3, 4, scale=2, seed=9)
    path = model.save(tmp_path / "m.npz")
    assert TwoCauseRBM.load(path) == model
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


def merged_bias_model(seed=31):
    """The notes' §1 variant: one bias for the belief layer; each cause's prior keeps its own."""
    model = random_two_cause(2, 3, 4, scale=6, seed=seed)
    return TwoCauseRBM(model.a, model.b, belief_bias=np.random.default_rng(seed).uniform(-3, 3, 4))


def test_merged_bias_psi_is_the_log_joint_difference():
    model = merged_bias_model()
    rng = np.random.default_rng(0)
    h_a = rng.integers(0, 2, (32, 2)).astype(float)
    h_b = rng.integers(0, 2, (32, 3)).astype(float)
    v = rng.integers(0, 2, (32, 4)).astype(float)
    psi_a, psi_b = model.psi(h_a, h_b, v)
    for j in range(2):
        on, off = h_a.copy(), h_a.copy()
        on[:, j], off[:, j] = 1, 0
        np.testing.assert_allclose(psi_a[:, j], model.log_p_star(on, h_b, v) - model.log_p_star(off, h_b, v),
                                   atol=1e-9)
    for j in range(3):
        on, off = h_b.copy(), h_b.copy()
        on[:, j], off[:, j] = 1, 0
        np.testing.assert_allclose(psi_b[:, j], model.log_p_star(h_a, on, v) - model.log_p_star(h_a, off, v),
                                   atol=1e-9)


def test_merged_bias_sequential_gibbs_matches_posterior():
    model = merged_bias_model()
    v = np.array([1.0, 1.0, 0.0, 1.0])
    target = exact.posterior(model, v)
    assert stats.total_variation(exact.sampler_stationary_distribution(model, v), target) < 1e-12
    n_chains = 30_000
    sweeps = choose_sweeps(model, v, np.full(target.size, 1 / target.size),
                           stats.expected_tv_floor(target, n_chains) / 20)
    for correction in ("exact", "sigmoid"):  # compiled and Python paths
        h_a, h_b = model.sample_posterior(np.tile(v, (n_chains, 1)), sweeps, correction=correction, rng=3)
        expected = target if correction == "exact" else exact.sampler_stationary_distribution(model, v, correction)
        fit = stats.g_test(stats.counts(exact.state_index(np.hstack([h_a, h_b])), target.size), expected)
        assert fit.p_value > 1e-3 and fit.tv < 4 * fit.tv_floor, (correction, fit)


def test_merged_bias_normalises_and_round_trips(tmp_path):
    model = merged_bias_model()
    assert exact.two_cause_visible_distribution(model).sum() == pytest.approx(1.0)
    np.testing.assert_allclose(np.exp(exact.two_cause_log_probability(model, exact.binary_states(4))),
                               exact.two_cause_visible_distribution(model), rtol=1e-10)
    loaded = TwoCauseRBM.load(model.save(tmp_path / "merged.npz"))
    assert loaded == model and loaded != TwoCauseRBM(model.a, model.b)
    with pytest.raises(ValueError, match=r"belief_bias must be a finite array of shape \(4,\)"):
        TwoCauseRBM(model.a, model.b, belief_bias=np.zeros(3))
