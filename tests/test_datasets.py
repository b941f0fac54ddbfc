"""Datasets: the bars sampler has the right law for every p_on, never loops, and checks its arguments."""

import gzip
import signal
import struct

import numpy as np
import pytest
from scipy import stats

from orbm_explore import datasets
from orbm_explore.datasets import _lines_with_at_least_one


@pytest.fixture
def alarm():
    """Fail (rather than hang) if a call takes more than 10 s."""
    def timeout(*_):
        raise TimeoutError("took more than 10 s")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def conditional_bit_mean(size, p):
    """P(bit on | at least one of `size` independent Bernoulli(p) bits on)."""
    return p / -np.expm1(size * np.log1p(-p))


@pytest.mark.parametrize("p_on", [1e-300, 5e-324, 1e-12])
def test_tiny_p_on_gives_exactly_one_bar_without_looping(alarm, p_on):
    images = datasets.bars(4, 2000, "horizontal", p_on=p_on, rng=0)
    lines = images.reshape(-1, 4, 4)[:, :, 0]
    assert np.all(lines.sum(axis=1) == 1)
    # the one bar is uniform over the 4 positions
    assert stats.chisquare(lines.sum(axis=0)).pvalue > 1e-3


def test_size_zero_is_refused_not_looped(alarm):
    with pytest.raises(ValueError, match="size must be an integer >= 1"):
        datasets.bars(0, 5, "horizontal")


@pytest.mark.parametrize("size, p", [(3, 0.3), (4, 0.05), (1, 0.5), (6, 0.9)])
def test_conditional_draw_has_the_law_of_rejection(size, p):
    rng = np.random.default_rng(7)
    n = 40_000
    lines = _lines_with_at_least_one(n, size, p, rng)
    assert np.all(lines.sum(axis=1) >= 1)
    # number of bars on: binomial restricted to k >= 1
    k = np.arange(1, size + 1)
    expected = stats.binom.pmf(k, size, p) / (1 - (1 - p) ** size)
    observed = np.bincount(lines.sum(axis=1).astype(int), minlength=size + 1)[1:]
    keep = expected * n > 5
    observed_kept = np.append(observed[keep], observed[~keep].sum())
    expected_kept = np.append(expected[keep], expected[~keep].sum()) * n
    mask = expected_kept > 0
    if mask.sum() > 1:
        assert stats.chisquare(observed_kept[mask], expected_kept[mask]).pvalue > 1e-4
    else:
        assert np.all(lines.sum(axis=1) == 1)
    # each position equally likely, with the conditional mean
    assert np.allclose(lines.mean(axis=0), conditional_bit_mean(size, p), atol=5 * np.sqrt(0.25 / n))


def test_the_conditional_law_test_can_fail():
    """The unconditioned draw (a wrong sampler) has the wrong mean for small p, and the check sees it."""
    rng = np.random.default_rng(7)
    wrong = (rng.random((40_000, 3)) < 0.05).astype(float)
    assert not np.allclose(wrong.mean(axis=0), conditional_bit_mean(3, 0.05), atol=5 * np.sqrt(0.25 / 40_000))


def test_fallback_after_rejection_rounds_keeps_the_law(monkeypatch):
    monkeypatch.setattr(datasets, "_REDRAW_ROUNDS", 0)  # every empty image goes to the direct draw
    images = datasets.bars(3, 60_000, "vertical", p_on=0.2, rng=3)
    lines = images.reshape(-1, 3, 3)[:, 0, :]
    assert np.all(lines.sum(axis=1) >= 1)
    assert np.allclose(lines.mean(axis=0), conditional_bit_mean(3, 0.2), atol=0.006)


def test_same_seed_same_images_and_classic_values():
    a = datasets.bars(4, 50, "horizontal", p_on=0.3, rng=5)
    b = datasets.bars(4, 50, "horizontal", p_on=0.3, rng=5)
    assert np.array_equal(a, b)
    images = a.reshape(-1, 4, 4)
    assert np.all(images == images[:, :, :1])  # rows constant: horizontal bars
    assert np.all(a.sum(axis=1) >= 4)
    assert datasets.bars(4, 0, "horizontal").shape == (0, 16)


def test_without_at_least_one_empty_images_occur():
    images = datasets.bars(2, 2000, "horizontal", p_on=0.2, rng=1, at_least_one=False)
    assert np.any(images.sum(axis=1) == 0)


@pytest.mark.parametrize("args, kwargs, error, name", [
    ((0, 5, "horizontal"), {}, ValueError, "size"),
    ((-3, 5, "horizontal"), {}, ValueError, "size"),
    ((4.0, 5, "horizontal"), {}, TypeError, "size"),
    (("4", 5, "horizontal"), {}, TypeError, "size"),
    ((True, 5, "horizontal"), {}, TypeError, "size"),
    ((4, -1, "horizontal"), {}, ValueError, "n_samples"),
    ((4, 2.5, "horizontal"), {}, TypeError, "n_samples"),
    ((4, 5, "diagonal"), {}, ValueError, "orientation"),
    ((4, 5, None), {}, ValueError, "orientation"),
    ((4, 5, "horizontal"), {"p_on": 0.0}, ValueError, "p_on"),
    ((4, 5, "horizontal"), {"p_on": 1.0}, ValueError, "p_on"),
    ((4, 5, "horizontal"), {"p_on": float("nan")}, ValueError, "p_on"),
    ((4, 5, "horizontal"), {"p_on": float("inf")}, ValueError, "p_on"),
    ((4, 5, "horizontal"), {"p_on": "0.3"}, TypeError, "p_on"),
    ((4, 5, "horizontal"), {"rng": "seed"}, TypeError, "rng"),
    ((4, 5, "horizontal"), {"at_least_one": "yes"}, TypeError, "at_least_one"),
])
def test_bars_arguments_are_checked(args, kwargs, error, name):
    with pytest.raises(error, match=name):
        datasets.bars(*args, **kwargs)


def test_neighbouring_bits_and_composites_check_arguments():
    assert datasets.neighbouring_bits(2, 4).shape == (3, 4)
    with pytest.raises(TypeError, match="n_on"):
        datasets.neighbouring_bits(1.5, 4)
    with pytest.raises(ValueError, match="n_on"):
        datasets.neighbouring_bits(5, 4)
    a = np.eye(3)
    with pytest.raises(ValueError, match="mode"):
        datasets.composites(a, a, mode="and")
    with pytest.raises(TypeError, match="model must be a TwoCauseRBM"):
        datasets.composites(a, a, mode="model", model="rbm")
    with pytest.raises(ValueError, match="a and b"):
        datasets.composites(a, a[:2])


def _idx(tmp_path, name, header, payload):
    path = tmp_path / name
    path.write_bytes(header + payload)
    return path


def test_mnist_idx_reader_round_trips_and_rejects_bad_files(tmp_path):
    images = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3) * 14
    header = bytes([0, 0, 8, 3]) + struct.pack(">3I", 2, 3, 3)
    good = tmp_path / "img.gz"
    with gzip.open(good, "wb") as handle:
        handle.write(header + images.tobytes())
    labels = _idx(tmp_path, "lab", bytes([0, 0, 8, 1]) + struct.pack(">I", 2), bytes([3, 8]))
    flat, lab = datasets.load_mnist_idx(good, labels)
    assert np.array_equal(flat, (images.reshape(2, 9) > 127).astype(float)) and lab.tolist() == [3, 8]
    with pytest.raises(ValueError, match="images_path.*truncated inside its header"):
        datasets.load_mnist_idx(_idx(tmp_path, "h", bytes([0, 0, 8, 3]) + b"\0\0", b""))
    with pytest.raises(ValueError, match="images_path.*truncated"):
        datasets.load_mnist_idx(_idx(tmp_path, "t", header, images.tobytes()[:-1]))
    with pytest.raises(ValueError, match="images_path.*not an unsigned-byte IDX"):
        datasets.load_mnist_idx(_idx(tmp_path, "x", b"hello", b""))
    with pytest.raises(ValueError, match="images_path: no IDX file"):
        datasets.load_mnist_idx(tmp_path / "missing")
    with pytest.raises(TypeError, match="images_path"):
        datasets.load_mnist_idx(3)
    with pytest.raises(ValueError, match="labels_path"):
        datasets.load_mnist_idx(good, _idx(tmp_path, "l3", bytes([0, 0, 8, 1]) + struct.pack(">I", 3), b"\1\2\3"))
    with pytest.raises(ValueError, match="threshold"):
        datasets.load_mnist_idx(good, threshold=float("nan"))
