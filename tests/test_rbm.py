
import numpy as np
import pytest
from scipy.special import logsumexp

from orbm_explore import exact, stats
from orbm_explore.modelio import ModelFileError
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM


def small_rbm(seed=0, n_hidden=3, n_visible=4, scale=2.0):
    return RBM.random(n_hidden, n_visible, scale=scale, rng=seed)


@pytest.mark.parametrize("seed", range(4))
def test_closed_form_marginal_matches_brute_force_sum_over_v(seed):
    rbm = small_rbm(seed, scale=5.0)
    h = exact.binary_states(rbm.n_hidden)
    v = exact.binary_states(rbm.n_visible)
    brute = [logsumexp(rbm.log_p_star(np.tile(x, (len(v), 1)), v)) for x in h]
    np.testing.assert_allclose(rbm.log_p_star_h(h), brute, atol=1e-10)


def test_free_energy_matches_brute_force_sum_over_h():
    rbm = small_rbm(1)
    h = exact.binary_states(rbm.n_hidden)
    v = exact.binary_states(rbm.n_visible)
    brute = [logsumexp(rbm.log_p_star(h, np.tile(x, (len(h), 1)))) for x in v]
    np.testing.assert_allclose(-rbm.free_energy(v), brute, atol=1e-10)


def test_log_partition_same_from_either_layer():
    wide = small_rbm(2, n_hidden=5, n_visible=3)
    via_h = logsumexp(wide.log_p_star_h(exact.binary_states(5)))
    via_v = logsumexp(-wide.free_energy(exact.binary_states(3)))
    assert exact.rbm_log_partition(wide) == pytest.approx(via_h) == pytest.approx(via_v)


def test_conditionals_are_the_joint_ratios():
    rbm = small_rbm(3)
    v = np.array([1.0, 0, 1, 1])
    h = exact.binary_states(rbm.n_hidden)
    joint = np.exp(rbm.log_p_star(h, np.tile(v, (len(h), 1))))
    p_h = joint / joint.sum()
    marginal_on = (p_h[:, None] * h).sum(0)
    np.testing.assert_allclose(rbm.p_h_given_v(v), marginal_on, atol=1e-12)


def test_section_0_2_ancestral_equals_gibbs_exactly():
    """Σ_h P(h) P(v|h) is P(v): ending a Gibbs chain in v = ancestral sampling through the belief net."""
    rbm = small_rbm(4, scale=3.0)
    h = exact.binary_states(rbm.n_hidden)
    v = exact.binary_states(rbm.n_visible)
    p_v_given_h = rbm.p_v_given_h(h)  # (2^H, V)
    lik = np.prod(np.where(v[None, :, :] == 1, p_v_given_h[:, None, :], 1 - p_v_given_h[:, None, :]), axis=2)
    ancestral = exact.rbm_hidden_distribution(rbm) @ lik
    np.testing.assert_allclose(ancestral, exact.rbm_visible_distribution(rbm), atol=1e-12)


def test_gibbs_and_ancestral_samplers_match_exact_distributions():
    rbm = small_rbm(5, scale=2.0)
    p_v = exact.rbm_visible_distribution(rbm)
    p_h = exact.rbm_hidden_distribution(rbm)
    n = 30_000
    rng = np.random.default_rng(0)
    v0 = (rng.random((n, rbm.n_visible)) < 0.5).astype(float)
    h_gibbs, v_gibbs = rbm.gibbs(v0, n_steps=60, rng=1)
    h_anc, v_anc = rbm.sample(n, n_steps=60, rng=2)
    for samples, target in [(v_gibbs, p_v), (v_anc, p_v), (h_gibbs, p_h), (h_anc, p_h)]:
        fit = stats.g_test(stats.counts(exact.state_index(samples), target.size), target)
        assert fit.p_value > 1e-3 and fit.tv < 4 * fit.tv_floor, fit


def test_single_vectors_and_batches_agree():
    rbm = small_rbm(6)
    v = np.array([[1.0, 0, 0, 1], [0, 1, 1, 1]])
    assert rbm.free_energy(v[0]).shape == ()
    np.testing.assert_allclose(rbm.free_energy(v)[1], rbm.free_energy(v[1]))
    assert rbm.p_h_given_v(v[0]).shape == (3,)
    assert rbm.p_h_given_v(v).shape == (2, 3)


def test_sklearn_round_trip_and_agreement():
    from sklearn.neural_network import BernoulliRBM

    data = (np.random.default_rng(0).random((50, 6)) < 0.3).astype(float)
    est = BernoulliRBM(n_components=4, n_iter=2, random_state=0).fit(data)
    rbm = RBM.from_sklearn(est)
    np.testing.assert_allclose(rbm.p_h_given_v(data), est.transform(data), atol=1e-12)
    np.testing.assert_allclose(rbm.free_energy(data), est._free_energy(data), atol=1e-10)
    back = RBM.from_sklearn(rbm.to_sklearn())
    assert back == rbm
    np.testing.assert_allclose(rbm.to_sklearn().transform(data), est.transform(data))
    with pytest.raises(ValueError, match="fitted BernoulliRBM"):
        RBM.from_sklearn(BernoulliRBM())


def test_save_load_round_trips_exactly(tmp_path):
    rbm = small_rbm(7)
    path = rbm.save(tmp_path / "rbm")
    assert path.name == "rbm.npz"
    loaded = RBM.load(path)
    assert loaded == rbm
    assert loaded.weights.tobytes() == rbm.weights.tobytes()


def test_load_rejects_truncated_file(tmp_path):
    path = small_rbm(8).save(tmp_path / "rbm.npz")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="corrupt or truncated"):
        RBM.load(path)


def test_load_rejects_wrong_shapes(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, weights=np.zeros((3, 4)), visible_bias=np.zeros(5), hidden_bias=np.zeros(3), kind=np.array("RBM"),
             format_version=np.array(1))
    with pytest.raises(ModelFileError, match="n_visible = 5"):
        RBM.load(path)


def test_load_rejects_pickles(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, weights=np.array([{"a": 1}], dtype=object), visible_bias=np.zeros(1),
             hidden_bias=np.zeros(1), kind=np.array("RBM"), format_version=np.array(1))
    with pytest.raises(ModelFileError, match="pickled objects"):
        RBM.load(path)


def test_load_rejects_other_kinds_and_missing_files(tmp_path):
    two = TwoCauseRBM(small_rbm(0), small_rbm(1)).save(tmp_path / "two.npz")
    with pytest.raises(ModelFileError, match="holds a TwoCauseRBM, expected a RBM"):
        RBM.load(two)
    with pytest.raises(ModelFileError, match="no model file"):
        RBM.load(tmp_path / "missing.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ModelFileError, match="corrupt"):
        RBM.load(tmp_path / "text.npz")


def test_failed_save_leaves_nothing_behind(tmp_path, monkeypatch):
    rbm = small_rbm(9)
    good = rbm.save(tmp_path / "m.npz")
    before = good.read_bytes()

    def broken_savez(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        small_rbm(10).save(good)
    assert good.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match=r"visible_bias must have shape \(4,\)"):
        RBM(np.zeros((3, 4)), np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"hidden_bias must have shape \(3,\)"):
        RBM(np.zeros((3, 4)), np.zeros(4), np.zeros(4))
    with pytest.raises(ValueError, match="weights must have shape"):
        RBM(np.zeros(4), np.zeros(4), np.zeros(1))
    with pytest.raises(ValueError, match="weights must be finite"):
        RBM(np.full((1, 1), np.nan), np.zeros(1), np.zeros(1))
    with pytest.raises(TypeError, match="rng must be"):
        small_rbm().sample(2, rng="seed")
