"""Issue 23: model and IDX files. Only regular files are read; headers bound every read; save ≡ load checks."""

import gzip
import io
import os
import struct
import subprocess
import sys
import zipfile
import warnings

import numpy as np
import pytest

from orbm_explore import datasets
from orbm_explore.modelio import ModelFileError, load_arrays, open_regular_file, save_arrays
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM


def idx(shape, n_values=None):
    n = int(np.prod(shape)) if n_values is None else n_values
    return bytes([0, 0, 8, len(shape)]) + struct.pack(f">{len(shape)}I", *shape) + bytes(n)


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.npz"
    os.mkfifo(path)
    return path


# ------------------------------------------------------------------------------- special files
@pytest.mark.parametrize("load", [RBM.load, TwoCauseRBM.load])
def test_model_load_refuses_a_fifo_without_blocking(load, fifo):
    with pytest.raises(ModelFileError, match=r"pipe\.npz is a FIFO .*only regular files"):
        load(fifo)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_model_load_refuses_devices(device):
    with pytest.raises(ModelFileError, match=f"{device} is a character device"):
        RBM.load(device)


def test_open_regular_file_reads_regular_files(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"abc")
    with open_regular_file(path) as handle:
        assert handle.read() == b"abc"
    with pytest.raises(ModelFileError, match="cannot open"):
        open_regular_file(tmp_path / "missing")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_idx_refuses_devices(device):
    with pytest.raises(ValueError, match=f"images_path: {device} is a character device"):
        datasets.load_mnist_idx(device)


def test_idx_refuses_a_fifo(tmp_path):
    path = tmp_path / "pipe.idx"
    os.mkfifo(path)
    with pytest.raises(ValueError, match="images_path: .*FIFO"):
        datasets.load_mnist_idx(path)
    good = tmp_path / "ok.idx"
    good.write_bytes(idx((2, 28, 28)))
    with pytest.raises(ValueError, match="labels_path: .*FIFO"):
        datasets.load_mnist_idx(good, path)


# ---------------------------------------------------------------------------------- IDX bounds
@pytest.mark.parametrize("compressed", [False, True])
def test_idx_header_declaring_more_than_the_file_holds(tmp_path, compressed):
    path = tmp_path / ("short.idx.gz" if compressed else "short.idx")
    data = idx((100, 28, 28), 1000)
    path.write_bytes(gzip.compress(data) if compressed else data)
    with pytest.raises(ValueError, match=r"images_path: .*short\.idx.* is truncated: header says \(100, 28, 28\)"):
        datasets.load_mnist_idx(path)


def test_idx_with_more_data_than_declared(tmp_path):
    path = tmp_path / "long.idx"
    path.write_bytes(idx((1, 28, 28)) + b"\0")
    with pytest.raises(ValueError, match="holds more data than its header declares"):
        datasets.load_mnist_idx(path)


def test_idx_header_beyond_the_memory_budget_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setenv("ORBM_EXPLORE_MEMORY_LIMIT", "1M")
    path = tmp_path / "big.idx"
    path.write_bytes(idx((1000, 28, 28), 0))  # 784,000 values x 10 bytes > 1 MiB
    with pytest.raises(ValueError, match=r"images_path: .*declares shape \(1000, 28, 28\).*limit of"):
        datasets.load_mnist_idx(path)
    path.write_bytes(idx((100, 28, 28)))  # 78,400 values fit
    assert datasets.load_mnist_idx(path)[0].shape == (100, 784)


def test_gzip_bomb_is_refused_with_bounded_memory(tmp_path):
    """A 1 MB .gz declaring one image but inflating to 1 GiB: refused after reading 785 bytes of it."""
    path = tmp_path / "bomb.idx.gz"
    zeros = gzip.compress(bytes(16 << 20), compresslevel=9)
    with open(path, "wb") as handle:
        handle.write(gzip.compress(idx((1, 28, 28))))
        for _ in range(64):
            handle.write(zeros)
    code = ("import resource, sys\n"
            "from orbm_explore import datasets\n"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "try:\n"
            f"    datasets.load_mnist_idx({str(path)!r})\n"
            "except ValueError as err:\n"
            "    print(err)\n"
            "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True).stdout
    message, grown_mb = out.strip().splitlines()
    assert "holds more data than its header declares" in message
    assert int(grown_mb) < 64, f"memory grew by {grown_mb} MB while refusing a gzip bomb"


def test_zero_image_idx_loads_as_empty_arrays(tmp_path):
    images_path, labels_path = tmp_path / "i.idx.gz", tmp_path / "l.idx"
    images_path.write_bytes(gzip.compress(idx((0, 28, 28))))
    labels_path.write_bytes(idx((0,)))
    images, labels = datasets.load_mnist_idx(images_path, labels_path)
    assert images.shape == (0, 784) and images.dtype == np.float64
    assert labels.shape == (0,) and labels.dtype == np.int64


def test_valid_idx_round_trip(tmp_path):
    pixels = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    path = tmp_path / "ok.idx"
    path.write_bytes(bytes([0, 0, 8, 3]) + struct.pack(">3I", 2, 28, 28) + pixels.tobytes())
    labels = tmp_path / "ok-labels.idx"
    labels.write_bytes(bytes([0, 0, 8, 1]) + struct.pack(">I", 2) + bytes([3, 8]))
    images, got = datasets.load_mnist_idx(path, labels, threshold=127)
    np.testing.assert_array_equal(images, (pixels.reshape(2, -1) > 127).astype(float))
    np.testing.assert_array_equal(got, [3, 8])


# ------------------------------------------------------------------------ save and load agree
def beyond_bound():
    m = RBM.random(2, 3, rng=0)
    m.weights[1, 2] = 1e305  # past the input bound, as a diverged trainer could leave it
    return m


def test_save_refuses_what_load_refuses_with_the_same_message(tmp_path):
    path = tmp_path / "m.npz"
    with pytest.raises(ModelFileError) as saving:
        beyond_bound().save(path)
    assert not path.exists()
    save_arrays(path, "RBM", beyond_bound().to_arrays())  # unchecked: the file a buggy writer would leave
    with pytest.raises(ModelFileError) as loading:
        RBM.load(path)
    assert str(saving.value) == str(loading.value)
    assert str(path) in str(loading.value) and "'weights'" in str(loading.value)


def test_two_cause_bound_names_the_array(tmp_path):
    model = TwoCauseRBM(RBM.random(2, 3, rng=0), RBM.random(1, 3, rng=1))
    model.b.hidden_bias[0] = 5e300
    with pytest.raises(ModelFileError, match=r"m\.npz: .*array 'b_hidden_bias'"):
        model.save(tmp_path / "m.npz")


def test_load_nan_names_file_and_array(tmp_path):
    path = tmp_path / "nan.npz"
    arrays = RBM.random(2, 3, rng=0).to_arrays()
    arrays["hidden_bias"] = np.array([np.nan, 0.0])
    with pytest.raises(ModelFileError, match=r"nan\.npz: array 'hidden_bias' contains NaN") as saving:
        save_arrays(path, "RBM", arrays)
    assert not path.exists()
    np.savez(path, kind=np.array("RBM"), format_version=np.array(1), **arrays)
    with pytest.raises(ModelFileError, match=r"nan\.npz: array 'hidden_bias' contains NaN") as loading:
        RBM.load(path)
    assert str(saving.value) == str(loading.value)


def test_duplicate_members_are_refused(tmp_path):
    path = tmp_path / "dup.npz"
    RBM.random(2, 3, rng=0).save(path)
    buffer = io.BytesIO()
    np.save(buffer, np.zeros((2, 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("weights.npy", buffer.getvalue())
    with pytest.raises(ModelFileError, match=r"dup\.npz is corrupt: it holds 2 members named 'weights\.npy'"):
        RBM.load(path)
    with pytest.raises(ModelFileError, match="members named"):
        load_arrays(path, "RBM", {})


def test_save_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path):
    target_dir = tmp_path / "real"
    target_dir.mkdir()
    target, link = target_dir / "model.npz", tmp_path / "link.npz"
    RBM.random(2, 3, rng=0).save(target)
    link.symlink_to(target)
    new = RBM.random(2, 3, rng=7)
    written = new.save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert RBM.load(target) == new and RBM.load(link) == new
    assert written == target
    assert not list(tmp_path.glob(".*.tmp")) and not list(target_dir.glob(".*.tmp"))


def test_save_through_a_dangling_symlink_creates_the_target(tmp_path):
    target, link = tmp_path / "later.npz", tmp_path / "link.npz"
    link.symlink_to(target)
    model = RBM.random(2, 3, rng=0)
    model.save(link)
    assert link.is_symlink() and RBM.load(target) == model


def test_save_through_a_symlink_to_a_directory_is_refused(tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "link.npz").symlink_to(tmp_path / "folder")
    with pytest.raises(ModelFileError, match="directory"):
        RBM.random(2, 3, rng=0).save(tmp_path / "link.npz")
