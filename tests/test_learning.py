import numpy as np
import pytest

from orbm_explore import datasets, exact, separation, training
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM

from helpers import random_two_cause


# ---------------------------------------------------------------- datasets
def test_bars_have_the_right_structure():
    h = datasets.bars(4, 50, "horizontal", 0.3, rng=0).reshape(50, 4, 4)
    v = datasets.bars(4, 50, "vertical", 0.3, rng=0).reshape(50, 4, 4)
    assert np.all(h == h[:, :, :1]) and np.all(v == v[:, :1, :])  # rows constant / columns constant
    assert np.all(h.sum(axis=(1, 2)) > 0)
    assert datasets.bars(8, 3, "vertical", rng=1).shape == (3, 64)


def test_toy_sets():
    np.testing.assert_array_equal(datasets.xor_2bit(), [[1, 0], [0, 1]])
    pats = datasets.neighbouring_bits(2, 5)
    assert pats.shape == (4, 5) and np.all(pats.sum(1) == 2)
    squares, rectangles = datasets.squares_and_rectangles()
    assert squares.shape == (16, 25) and rectangles.shape == (12, 25)
    assert np.all(squares.sum(1) == 4) and np.all(rectangles.sum(1) == 6)
    assert len({tuple(r) for r in squares}) == 16


def test_digits_ship_with_sklearn():
    images, labels = datasets.digits()
    assert images.shape == (1797, 64) and set(np.unique(images)) == {0.0, 1.0}
    assert set(labels) == set(range(10))


def test_mnist_idx_reader(tmp_path):
    import gzip
    import struct
    pixels = np.random.default_rng(0).integers(0, 256, (3, 28, 28), dtype=np.uint8)
    with gzip.open(tmp_path / "img.gz", "wb") as f:
        f.write(bytes([0, 0, 8, 3]) + struct.pack(">3I", 3, 28, 28) + pixels.tobytes())
    (tmp_path / "lab").write_bytes(bytes([0, 0, 8, 1]) + struct.pack(">I", 3) + bytes([7, 1, 2]))
    images, labels = datasets.load_mnist_idx(tmp_path / "img.gz", tmp_path / "lab")
    np.testing.assert_array_equal(images, (pixels.reshape(3, -1) > 127).astype(float))
    np.testing.assert_array_equal(labels, [7, 1, 2])
    (tmp_path / "bad").write_bytes(b"\x00\x00\x08\x03" + struct.pack(">3I", 3, 28, 28) + b"\x00" * 10)
    with pytest.raises(ValueError, match="truncated"):
        datasets.load_mnist_idx(tmp_path / "bad")


def test_composites_keep_components():
    a = datasets.bars(4, 10, "horizontal", rng=0)
    b = datasets.bars(4, 10, "vertical", rng=1)
    c = datasets.composites(a, b)
    np.testing.assert_array_equal(c.v, np.maximum(a, b))
    assert c.a is not None and np.array_equal(c.b, b)
    model = TwoCauseRBM(RBM.random(3, 16, rng=0), RBM.random(3, 16, rng=1))
    m = datasets.composites(a, b, mode="model", model=model, rng=2)
    assert m.v.shape == a.shape and set(np.unique(m.v)) <= {0.0, 1.0}


def test_dataset_bad_input():
    with pytest.raises(ValueError, match="a and b must be batches of the same shape"):
        datasets.composites(np.zeros((3, 16)), np.zeros((3, 9)))
    with pytest.raises(ValueError, match="a must be binary"):
        datasets.composites(np.full((3, 4), 0.5), np.zeros((3, 4)))
    with pytest.raises(ValueError, match="orientation must be"):
        datasets.bars(4, 3, "diagonal")
    with pytest.raises(ValueError, match="needs the two-cause model"):
        datasets.composites(np.zeros((2, 4)), np.zeros((2, 4)), mode="model")


# ----------------------------------------------------------- RBM training
def test_training_increases_exact_log_likelihood():
    data = datasets.bars(4, 400, "horizontal", 0.3, rng=0)
    rbm, history = training.train_rbm(data, 6, epochs=80, learning_rate=0.05, n_chains=100, rng=1, progress=False)
    assert len(history.log_likelihood) == 80 and len(history.reconstruction_error) == 80
    start = training.rbm_log_likelihood(RBM(np.zeros((6, 16)), np.zeros(16), np.zeros(6)), data)
    assert start == pytest.approx(-16 * np.log(2))
    assert history.log_likelihood[-1] > start + 5  # from -11.1 nats towards the ~-2.5 optimum
    assert history.log_likelihood[-1] > history.log_likelihood[0]


def test_training_bad_input():
    with pytest.raises(ValueError, match="data must be binary"):
        training.train_rbm(np.full((4, 4), 0.3), 2, progress=False)
    with pytest.raises(ValueError, match=r"data must have shape \(n_samples, n_visible\)"):
        training.train_rbm(np.ones(4), 2, progress=False)
    with pytest.raises(ValueError, match="method must be"):
        training.train_rbm(np.ones((4, 4)), 2, method="sgd", progress=False)
    model = TwoCauseRBM(RBM.random(2, 4, rng=0), RBM.random(2, 4, rng=1))
    with pytest.raises(ValueError, match="data has 9 pixels, the model has 4"):
        training.train_wake_sleep(model, np.ones((3, 9)), progress=False)


# --------------------------------------------------- wake/sleep gradients
def _finite_difference(f, array, index, step=1e-6):
    old = array[index]
    array[index] = old + step
    up = f()
    array[index] = old - step
    down = f()
    array[index] = old
    return (up - down) / (2 * step)


@pytest.mark.parametrize("seed", range(3))
def test_wake_statistics_are_the_gradient_of_the_log_joint(seed):
    model = random_two_cause(2, 3, 4, scale=3, seed=seed)
    rng = np.random.default_rng(seed)
    v = rng.integers(0, 2, (1, 4)).astype(float)
    h_a = rng.integers(0, 2, (1, 2)).astype(float)
    h_b = rng.integers(0, 2, (1, 3)).astype(float)
    wake = training.wake_statistics(model, v, h_a, h_b)
    joint = lambda: float(model.log_p_star(h_a, h_b, v)[0])
    for name in ("a", "b"):
        rbm = getattr(model, name)
        for key, array in (("weights", rbm.weights), ("visible_bias", rbm.visible_bias),
                           ("hidden_bias", rbm.hidden_bias)):
            for index in np.ndindex(array.shape):
                fd = _finite_difference(joint, array, index)
                assert wake[f"{name}_{key}"][index] == pytest.approx(fd, abs=1e-6), (name, key, index)


def test_sleep_statistics_are_the_gradient_of_log_z():
    rbm = RBM.random(3, 4, scale=2, rng=3)
    states = exact.binary_states(3)
    sleep = training.sleep_statistics(rbm, states, weights=exact.rbm_hidden_distribution(rbm))
    log_z = lambda: exact.rbm_log_partition(rbm)
    for key, array in (("weights", rbm.weights), ("visible_bias", rbm.visible_bias), ("hidden_bias", rbm.hidden_bias)):
        for index in np.ndindex(array.shape):
            assert sleep[key][index] == pytest.approx(_finite_difference(log_z, array, index), abs=1e-6)


def test_wake_sleep_raises_composite_likelihood():
    rng = np.random.default_rng(0)
    a = datasets.bars(3, 300, "horizontal", 0.3, rng)
    b = datasets.bars(3, 300, "vertical", 0.3, rng)
    data = datasets.composites(a, b).v
    start = TwoCauseRBM(RBM.random(3, 9, 0.1, rng), RBM.random(3, 9, 0.1, rng))
    model, history = training.train_wake_sleep(start, data, epochs=10, learning_rate=0.05, n_sweeps=2,
                                               n_fantasy=50, rng=1, progress=False)
    assert len(history.log_likelihood) == 10
    assert history.log_likelihood[-1] > training.two_cause_log_likelihood(start, data) + 0.5


# --------------------------------------------------------------- separation
@pytest.fixture(scope="module")
def bars_causes():
    rng = np.random.default_rng(0)
    a = datasets.bars(4, 1000, "horizontal", 0.3, rng)
    b = datasets.bars(4, 1000, "vertical", 0.3, rng)
    kwargs = dict(epochs=60, learning_rate=0.05, n_chains=100, progress=False)
    rbm_a, _ = training.train_rbm(a, 8, rng=1, **kwargs)
    rbm_b, _ = training.train_rbm(b, 8, rng=2, **kwargs)
    return rbm_a, rbm_b


def test_two_cause_model_separates_bars_better_than_a_plain_rbm(bars_causes):
    rbm_a, rbm_b = bars_causes
    rng = np.random.default_rng(5)
    test = datasets.composites(datasets.bars(4, 200, "horizontal", 0.3, rng),
                               datasets.bars(4, 200, "vertical", 0.3, rng))
    model = TwoCauseRBM(rbm_a, rbm_b)
    recon_a, recon_b = separation.separate(model, test.v, n_sweeps=40, n_average=10, rng=6)
    two_cause = (separation.pixel_accuracy(recon_a, test.a).mean() + separation.pixel_accuracy(recon_b, test.b).mean()) / 2
    base_a = separation.rbm_reconstruct(rbm_a, test.v, 10, rng=7)
    base_b = separation.rbm_reconstruct(rbm_b, test.v, 10, rng=7)
    baseline = (separation.pixel_accuracy(base_a, test.a).mean() + separation.pixel_accuracy(base_b, test.b).mean()) / 2
    assert two_cause > 0.94 and two_cause > baseline + 0.02, (two_cause, baseline)


def test_scores():
    truth = np.array([[1.0, 0, 1, 0]])
    assert separation.pixel_accuracy(np.array([[0.9, 0.2, 0.4, 0.1]]), truth)[0] == 0.75
    assert separation.cosine_similarity(truth, truth)[0] == pytest.approx(1.0)
    assert separation.cross_entropy(truth, truth)[0] < 1e-4
    assert separation.cross_entropy(np.full((1, 4), 0.5), truth)[0] == pytest.approx(4 * np.log(2))


def test_wake_statistics_with_a_merged_belief_bias():
    base = random_two_cause(2, 2, 3, scale=3, seed=4)
    model = TwoCauseRBM(base.a, base.b, belief_bias=np.array([0.5, -1.0, 2.0]))
    v, h_a, h_b = np.array([[1.0, 0, 1]]), np.array([[1.0, 0]]), np.array([[1.0, 1]])
    wake = training.wake_statistics(model, v, h_a, h_b)
    joint = lambda: float(model.log_p_star(h_a, h_b, v)[0])
    for index in np.ndindex(3):
        assert wake["belief_bias"][index] == pytest.approx(_finite_difference(joint, model.belief_bias, index), abs=1e-6)
        assert wake["a_visible_bias"][index] == pytest.approx(
            _finite_difference(joint, model.a.visible_bias, index), abs=1e-6)
    for index in np.ndindex(2, 3):
        assert wake["b_weights"][index] == pytest.approx(_finite_difference(joint, model.b.weights, index), abs=1e-6)


# --------------------------------------------------- settings that would destroy training
BAD_SETTINGS = [  # (keyword, value, exception, words in the message)
    ("learning_rate", float("nan"), ValueError, "learning_rate"),
    ("learning_rate", float("inf"), ValueError, "learning_rate"),
    ("learning_rate", -0.1, ValueError, "learning_rate"),
    ("learning_rate", "fast", TypeError, "learning_rate"),
    ("momentum", float("nan"), ValueError, "momentum"),
    ("momentum", None, TypeError, "momentum"),
    ("momentum", 1.5, ValueError, "momentum"),
    ("weight_decay", float("-inf"), ValueError, "weight_decay"),
    ("epochs", -1, ValueError, "epochs"),
    ("batch_size", -1, ValueError, "batch_size"),
    ("batch_size", 2.5, TypeError, "batch_size"),
    ("n_chains", 0, ValueError, "n_chains"),
]


@pytest.mark.parametrize("keyword,value,error,words", BAD_SETTINGS)
def test_train_rbm_refuses_settings_that_destroy_it(keyword, value, error, words):
    data = datasets.bars(3, 20, "horizontal", rng=0)
    with pytest.raises(error, match=words):
        training.train_rbm(data, 3, **{"epochs": 2, keyword: value})


WAKE_SLEEP_BAD = [
    ("learning_rate", float("nan"), ValueError), ("learning_rate", -1.0, ValueError),
    ("epochs", -1, ValueError), ("batch_size", -1, ValueError), ("batch_size", 0, ValueError),
    ("n_fantasy", 0, ValueError), ("n_sweeps", 0, ValueError), ("fantasy_steps", 0, ValueError),
    ("learn", "ab", ValueError), ("correction", "bogus", ValueError),
]


@pytest.mark.parametrize("keyword,value,error", WAKE_SLEEP_BAD)
def test_wake_sleep_refuses_bad_settings_naming_them(keyword, value, error):
    model = random_two_cause(2, 2, 4, scale=1, seed=0)
    with pytest.raises(error, match=keyword):
        training.train_wake_sleep(model, np.ones((3, 4)), **{"epochs": 1, keyword: value})


def test_wake_sleep_refuses_a_plain_rbm():
    with pytest.raises(TypeError, match="model"):
        training.train_wake_sleep(RBM.random(2, 4, rng=0), np.ones((3, 4)))


def test_training_that_diverges_stops_naming_the_epoch():
    data = datasets.bars(3, 20, "horizontal", rng=0)
    with pytest.raises(ValueError, match=r"epoch \d+.*not? longer finite|epoch \d+"):
        training.train_rbm(data, 3, epochs=3, learning_rate=1e305, momentum=0.0, anneal=False, rng=0)
    model = random_two_cause(2, 2, 9, scale=1, seed=0)
    with pytest.raises(ValueError, match=r"diverged in epoch 1"):
        training.train_wake_sleep(model, data, epochs=2, learning_rate=1e306, rng=0)


def test_wake_sleep_learns_only_what_it_is_told():
    data = datasets.bars(3, 30, "vertical", rng=1)
    model = random_two_cause(2, 2, 9, scale=1, seed=1)
    trained, _ = training.train_wake_sleep(model, data, epochs=1, learn=("a",), rng=0)
    assert trained.b == model.b and trained.a != model.a
    merged = TwoCauseRBM(model.a, model.b, belief_bias=np.zeros(9))
    trained, _ = training.train_wake_sleep(merged, data, epochs=1, learn=(), rng=0)
    assert trained.a == merged.a and trained.b == merged.b
    assert not np.array_equal(trained.belief_bias, merged.belief_bias)  # the belief layer always learns


def test_model_inputs_are_paired_by_row_and_bounded():
    model = random_two_cause(2, 2, 4, scale=1, seed=0)
    with pytest.raises(ValueError, match="h_a has 3 rows, h_b has 2 rows"):
        model.visible_inputs(np.ones((3, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="h_a has 3 rows"):
        model.reconstructions(np.ones((3, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="too large"):
        RBM(np.full((2, 3), 1e308), np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="belief_bias"):
        TwoCauseRBM(model.a, model.b, belief_bias=np.full(4, np.nan))
    with pytest.raises(ValueError, match="n_hidden"):
        RBM.random(-1, 6)
    with pytest.raises(TypeError, match="rng"):
        RBM.random(2, 6, rng="seed")


def test_training_loops_run_blas_on_one_thread(monkeypatch):
    """train_exact / train_rbm / train_wake_sleep loop over small products: BLAS on one thread inside, restored after."""
    from threadpoolctl import threadpool_info

    from orbm_explore import exact_learning

    def blas_threads():
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    before = blas_threads()
    seen = []
    for module, name in ((exact_learning, "_log_likelihood_and_gradient"), (training, "_rbm_epoch"),
                         (training, "_wake_sleep_step")):
        original = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _original=original, **k: (seen.append(blas_threads()),
                                                                               _original(*a, **k))[1])
    data = np.random.default_rng(0).integers(0, 2, (20, 6)).astype(float)
    model = TwoCauseRBM(RBM.random(2, 6, rng=1), RBM.random(2, 6, rng=2))
    exact_learning.train_exact(model, data, steps=2)
    training.train_rbm(data, 3, epochs=1, rng=0, monitor=False)
    training.train_wake_sleep(model, data, epochs=1, batch_size=10, rng=0)
    assert len(seen) == 3 + 1 + 2 and all(threads and set(threads) == {1} for threads in seen), seen
    assert blas_threads() == before
