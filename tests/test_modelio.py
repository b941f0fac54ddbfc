"""Model files: every bad file is a ModelFileError naming file and array; saves are atomic and tidy."""

import io
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orbm_explore import modelio
from orbm_explore.modelio import FORMAT_VERSION, ModelFileError, save_arrays
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM

SHAPES = RBM.array_shapes()
ROOT = Path(__file__).resolve().parents[1]


def small_rbm(seed=0, n_hidden=3, n_visible=4):
    return RBM.random(n_hidden, n_visible, rng=seed)


def rbm_members(**overrides):
    """The members of a valid RBM file, with some replaced (None removes one)."""
    members = {"weights": np.zeros((3, 4)), "visible_bias": np.zeros(4), "hidden_bias": np.zeros(3),
               "kind": np.array("RBM"), "format_version": np.array(FORMAT_VERSION)}
    members.update(overrides)
    return {k: v for k, v in members.items() if v is not None}


def write_npz(path, compressed=False, **members):
    (np.savez_compressed if compressed else np.savez)(path, **members)
    return path


def npy_bytes(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=True)
    return buffer.getvalue()


def write_zip(path, members, compression=zipfile.ZIP_STORED):
    """An .npz built by hand: members maps a name to an array or to raw .npy bytes."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, value in members.items():
            archive.writestr(f"{name}.npy", value if isinstance(value, bytes) else npy_bytes(value))
    return path


def assert_names(err, path, array=None):
    text = str(err.value)
    assert str(path) in text, text
    if array is not None:
        assert repr(array) in text or f" {array} " in text or f"{array}:" in text, text


# ------------------------------------------------------------------------ round trips & paths
def test_round_trip_is_exact_and_returns_the_path(tmp_path):
    rbm = small_rbm(1)
    path = rbm.save(tmp_path / "m.npz")
    assert path == tmp_path / "m.npz"
    loaded = RBM.load(path)
    assert loaded == rbm and loaded.weights.tobytes() == rbm.weights.tobytes()


@pytest.mark.parametrize("name", ["model.bin", "model", "dotted.name.v2", "model.NPZ"])
def test_whatever_path_save_accepts_load_accepts(tmp_path, name):
    model = TwoCauseRBM(small_rbm(1), small_rbm(2))
    written = model.save(tmp_path / name)
    assert written.exists()
    assert TwoCauseRBM.load(tmp_path / name) == model  # the same path, as given to save
    assert TwoCauseRBM.load(written) == model  # and the path save returned
    assert TwoCauseRBM.load(str(tmp_path / name)) == model


def test_load_reads_an_existing_file_as_named_without_suffix(tmp_path):
    path = tmp_path / "plain.bin"
    with open(path, "wb") as handle:  # numpy writes exactly here when given a handle
        np.savez(handle, **{k: v for k, v in small_rbm(3).to_arrays().items()}, kind=np.array("RBM"),
                 format_version=np.array(1))
    assert RBM.load(path) == small_rbm(3)


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_saved_files_follow_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        path = small_rbm().save(tmp_path / "m.npz")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == mode


def test_save_refuses_bad_paths(tmp_path):
    (tmp_path / "adir.npz").mkdir()
    with pytest.raises(ModelFileError, match="is a directory"):
        small_rbm().save(tmp_path / "adir.npz")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ModelFileError, match="afile"):
        small_rbm().save(tmp_path / "afile" / "m.npz")
    with pytest.raises(TypeError, match="path must be"):
        small_rbm().save(12)
    with pytest.raises(ValueError, match="path must"):
        small_rbm().save("")
    with pytest.raises(TypeError, match="path must be"):
        RBM.load(None)


def test_save_never_writes_a_non_finite_model(tmp_path):
    rbm = small_rbm()
    rbm.weights[0, 0] = np.nan  # e.g. a diverged training run, which mutates the arrays in place
    with pytest.raises(ValueError, match="weights.*NaN or infinite"):
        rbm.save(tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(TypeError, match="weights must be a real array"):
        save_arrays(tmp_path / "m.npz", "RBM", {"weights": np.array(["a"])})


def test_compressed_and_fortran_order_files_load(tmp_path):
    arrays = {k: np.asfortranarray(v) for k, v in small_rbm(4).to_arrays().items()}
    path = write_npz(tmp_path / "c.npz", compressed=True, **arrays, kind=np.array("RBM"),
                     format_version=np.array(1))
    assert RBM.load(path) == small_rbm(4)


def test_files_without_a_version_tag_are_refused(tmp_path):
    """Every file orbm-explore has written carries format_version; one without it is not ours."""
    path = write_npz(tmp_path / "old.npz", **rbm_members(format_version=None))
    with pytest.raises(ModelFileError, match="format_version"):
        RBM.load(path)


# --------------------------------------------------------------------------- bad files
BAD_FILES = {
    # name: (members, array named in the message or None, message fragment)
    "nan weights": (rbm_members(weights=np.full((3, 4), np.nan)), "weights", "NaN or infinite"),
    "inf visible bias": (rbm_members(visible_bias=np.array([0, np.inf, 0, 0])), "visible_bias", "NaN or infinite"),
    "-inf hidden bias": (rbm_members(hidden_bias=np.array([0, -np.inf, 0])), "hidden_bias", "NaN or infinite"),
    "raw bytes": (rbm_members(weights=np.zeros(3, dtype="V12")), "weights", "raw bytes"),
    "structured": (rbm_members(weights=np.zeros(3, dtype=[("x", "f8")])), "weights", "real numbers"),
    "strings": (rbm_members(weights=np.array(["a", "b"])), "weights", "real numbers"),
    "complex": (rbm_members(weights=np.zeros((3, 4), complex)), "weights", "real numbers"),
    "bytes": (rbm_members(hidden_bias=np.array([b"ab"])), "hidden_bias", "real numbers"),
    "version 99": (rbm_members(format_version=np.array(99)), "format_version", "format_version 99"),
    "version 0": (rbm_members(format_version=np.array(0)), "format_version", "format_version 0"),
    "version vector": (rbm_members(format_version=np.array([1, 1])), "format_version", "one integer"),
    "version float": (rbm_members(format_version=np.array(1.0)), "format_version", "integers"),
    "kind numeric": (rbm_members(kind=np.array(3)), "kind", "text"),
    "kind vector": (rbm_members(kind=np.array(["RBM", "RBM"])), "kind", "single string"),
    "no kind": (rbm_members(kind=None), None, "without a kind tag"),
    "wrong kind": (rbm_members(kind=np.array("TwoCauseRBM")), None, "holds a TwoCauseRBM, expected a RBM"),
    "missing array": (rbm_members(hidden_bias=None), "hidden_bias", "no array"),
    "wrong axes": (rbm_members(weights=np.zeros(12)), "weights", "2 axes"),
    "mismatched": (rbm_members(visible_bias=np.zeros(5)), "visible_bias", "n_visible = 5"),
    "pickle": (rbm_members(weights=np.array([{"a": 1}], dtype=object)), "weights", "pickled objects"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_raise_model_file_error_naming_file_and_array(tmp_path, case):
    members, array, fragment = BAD_FILES[case]
    path = write_zip(tmp_path / "bad.npz", members)
    with pytest.raises(ModelFileError, match=fragment) as err:
        RBM.load(path)
    assert_names(err, path, array)


def test_pickles_are_never_unpickled(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (marker,))

    path = write_zip(tmp_path / "evil.npz", rbm_members(weights=np.array([Evil()], dtype=object)))
    with pytest.raises(ModelFileError, match="pickled"):
        RBM.load(path)
    assert not marker.exists()
    pickle.loads(pickle.dumps(Evil()))  # the payload does work when unpickled: the test can fail
    assert marker.exists()


def test_a_huge_claimed_shape_is_refused_before_any_allocation(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False,
                                                  "shape": (100_000, 100_000)})
    path = write_zip(tmp_path / "huge.npz", rbm_members(weights=header.getvalue() + b"\0" * 64))
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match="claims shape") as err:
            RBM.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_names(err, path, "weights")
    assert peak < 5_000_000


def test_a_member_larger_than_the_cap_is_refused_unread(tmp_path, monkeypatch):
    path = small_rbm(n_hidden=60, n_visible=60).save(tmp_path / "m.npz")
    monkeypatch.setattr(modelio, "MAX_ARRAY_BYTES", 4000)  # weights are 28,800 bytes
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(
        getattr(name, "filename", name)) or real_open(self, name, *a, **k))
    with pytest.raises(ModelFileError, match="claims") as err:
        RBM.load(path)
    assert_names(err, path, "weights")
    assert "weights.npy" not in opened  # refused from the zip directory's claimed size


def test_header_shape_and_data_size_must_agree(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (3, 4)})
    short = write_zip(tmp_path / "short.npz", rbm_members(weights=header.getvalue() + b"\0" * 80))
    with pytest.raises(ModelFileError, match="truncated") as err:
        RBM.load(short)
    assert_names(err, short, "weights")
    long = write_zip(tmp_path / "long.npz", rbm_members(weights=header.getvalue() + b"\0" * 200))
    with pytest.raises(ModelFileError, match="more data") as err:
        RBM.load(long)
    assert_names(err, long, "weights")
    garbage = write_zip(tmp_path / "garbage.npz", rbm_members(weights=b"\x93NUMPY\x01\x00\x10\x00{'descr': ???}\n"))
    with pytest.raises(ModelFileError, match="weights") as err:
        RBM.load(garbage)
    assert_names(err, garbage, "weights")


def test_unsupported_compression_is_refused(tmp_path):
    path = write_zip(tmp_path / "bz.npz", rbm_members(), compression=zipfile.ZIP_BZIP2)
    with pytest.raises(ModelFileError, match="compression") as err:
        RBM.load(path)
    assert_names(err, path, "kind")


def test_extra_members_are_never_decompressed(tmp_path, monkeypatch):
    extra = np.zeros(20_000_000)  # 160 MB of zeros, a few hundred kB compressed
    path = write_npz(tmp_path / "extra.npz", compressed=True, **rbm_members(), extra=extra)
    del extra
    assert path.stat().st_size < 1_000_000
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(
        getattr(name, "filename", name)) or real_open(self, name, *a, **k))
    tracemalloc.start()
    try:
        RBM.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "extra.npy" not in opened and "weights.npy" in opened
    assert peak < 5_000_000


def test_missing_directory_and_non_zip_files(tmp_path):
    with pytest.raises(ModelFileError, match="no model file"):
        RBM.load(tmp_path / "missing.npz")
    with pytest.raises(ModelFileError, match="directory"):
        RBM.load(tmp_path)
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ModelFileError, match="corrupt") as err:
        RBM.load(tmp_path / "text.npz")
    assert_names(err, tmp_path / "text.npz")


def _valid_file_bytes():
    buffer = io.BytesIO()
    np.savez(buffer, **small_rbm(5).to_arrays(), kind=np.array("RBM"), format_version=np.array(1))
    return buffer.getvalue()


VALID = _valid_file_bytes()


def test_every_truncation_is_a_model_file_error(tmp_path):
    path = tmp_path / "t.npz"
    for length in range(0, len(VALID), 7):
        path.write_bytes(VALID[:length])
        with pytest.raises(ModelFileError):
            RBM.load(path)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), min_size=1, max_size=4))
def test_corrupted_bytes_load_a_finite_model_or_raise_model_file_error(tmp_path_factory, flips):
    data = bytearray(VALID)
    for position, value in flips:
        data[position] = value
    path = tmp_path_factory.mktemp("flip") / "f.npz"
    path.write_bytes(bytes(data))
    try:
        rbm = RBM.load(path)
    except ModelFileError as err:
        assert str(path) in str(err)
    else:
        assert all(np.all(np.isfinite(a)) for a in rbm.to_arrays().values())


# ---------------------------------------------------------------------------- atomicity
def _dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_of_dead_saves_are_removed_live_ones_kept(tmp_path):
    stale = tmp_path / f".m.npz.{_dead_pid()}.0badc0de.tmp"
    stale.write_bytes(b"x" * 1000)
    live = tmp_path / f".m.npz.{os.getppid()}.00c0ffee.tmp"  # a running process (maybe mid-save)
    live.write_bytes(b"y")
    other = tmp_path / f".other.npz.{_dead_pid()}.00000000.tmp"  # a different target: not ours to touch
    other.write_bytes(b"z")
    small_rbm().save(tmp_path / "m.npz")
    assert not stale.exists() and live.exists() and other.exists()


def test_failed_save_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    good = small_rbm(9).save(tmp_path / "m.npz")
    before = good.read_bytes()
    monkeypatch.setattr(np, "savez", lambda *a, **k: (_ for _ in ()).throw(OSError(28, "No space left")))
    with pytest.raises(OSError):
        small_rbm(10).save(good)
    assert good.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


KILLED_SAVE = textwrap.dedent("""
    import sys, time
    import numpy as np
    from orbm_explore.rbm import RBM

    real_savez = np.savez

    def slow_savez(handle, **arrays):
        handle.write(b"PK partial data " * 4096)
        handle.flush()
        print("writing", flush=True)
        time.sleep(120)

    np.savez = slow_savez
    RBM.random(50, 60, rng=1).save(sys.argv[1])
""")


def test_kill_9_during_save_keeps_the_old_model_and_the_next_save_cleans_up(tmp_path):
    target = tmp_path / "m.npz"
    old = small_rbm(11)
    old.save(target)
    child = subprocess.Popen([sys.executable, "-c", KILLED_SAVE, str(target)], stdout=subprocess.PIPE, text=True,
                             cwd=ROOT)
    try:
        assert child.stdout.readline().strip() == "writing"
        temporaries = list(tmp_path.glob(".m.npz.*.tmp"))
        assert len(temporaries) == 1 and temporaries[0].stat().st_size > 0
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert temporaries[0].exists()  # what a SIGKILL leaves behind ...
    assert RBM.load(target) == old  # ... while the old model is intact
    new = small_rbm(12)
    new.save(target)  # the next save to that path removes the stale temporary
    assert not temporaries[0].exists()
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]
    assert RBM.load(target) == new


def test_concurrent_save_to_another_path_is_not_disturbed(tmp_path):
    """Cleaning up only touches temporaries of the same target whose process is gone."""
    started = time.monotonic()
    for k in range(5):
        small_rbm(k).save(tmp_path / f"m{k}.npz")
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"m{k}.npz" for k in range(5)]
    assert time.monotonic() - started < 30
