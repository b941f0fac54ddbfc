"""Issue 23: the command line (train, separate) keeps the one-line rule for special files and huge sizes."""

import io
import os
import subprocess
import sys
import warnings
import zipfile

import numpy as np
import pytest

from orbm_explore.exact_learning import random_start
from orbm_explore.modelio import save_arrays


def run(*argv, env=None, timeout=60):
    """Run ``python -m orbm_explore`` in a child (a hang or a runaway read fails by the timeout)."""
    full_env = {**os.environ, **(env or {})}
    done = subprocess.run([sys.executable, "-m", "orbm_explore", *map(str, argv)], capture_output=True, text=True,
                          timeout=timeout, env=full_env, stdin=subprocess.DEVNULL)
    return done.returncode, done.stdout, done.stderr


def assert_one_line(code, err, *fragments):
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("python -m orbm_explore: error: "), err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    return random_start(2, 1, 16, rng=0).save(tmp_path_factory.mktemp("m") / "model.npz")


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.npz"
    os.mkfifo(path)
    return path


def test_separate_refuses_a_fifo_at_once(fifo):
    code, _, err = run("separate", fifo, timeout=30)
    assert_one_line(code, err, "pipe.npz is a FIFO")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_separate_refuses_devices(device):
    code, _, err = run("separate", device, timeout=30)
    assert_one_line(code, err, f"{device} is a character device")


def test_separate_refuses_a_model_beyond_the_input_bound(tmp_path):
    model = random_start(2, 1, 16, rng=0)
    model.a.weights[0, 0] = 1e305
    path = tmp_path / "beyond.npz"
    save_arrays(path, "TwoCauseRBM", model.parameters())
    code, _, err = run("separate", path, "--random", 1)
    assert_one_line(code, err, "beyond.npz", "'a_weights'")


def test_separate_refuses_duplicate_members(tmp_path, model_path):
    path = tmp_path / "dup.npz"
    path.write_bytes(model_path.read_bytes())
    buffer = io.BytesIO()
    np.save(buffer, np.zeros((2, 16)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("a_weights.npy", buffer.getvalue())
    code, _, err = run("separate", path, "--random", 1)
    assert_one_line(code, err, "dup.npz", "a_weights.npy")


@pytest.mark.parametrize("n_random, limit, fragment", [
    (10 ** 10, None, "--random 10000000000 (with 8 chains each): n_chains=8 would need"),
    (10 ** 5, "200M", "--random 100000 (with 8 chains each): n_chains=8 would need"),
])
def test_separate_random_beyond_the_memory_budget(model_path, n_random, limit, fragment):
    env = {"ORBM_EXPLORE_MEMORY_LIMIT": limit} if limit else {}
    code, _, err = run("separate", model_path, "--random", n_random, env=env)
    assert_one_line(code, err, fragment, "GiB")


def test_bad_memory_limit_variable_is_one_line(model_path):
    code, _, err = run("separate", model_path, "--random", 1, env={"ORBM_EXPLORE_MEMORY_LIMIT": "lots"})
    assert_one_line(code, err, "ORBM_EXPLORE_MEMORY_LIMIT")


def test_separate_through_a_symlinked_model_works(tmp_path, model_path):
    link = tmp_path / "link.npz"
    link.symlink_to(model_path)
    code, out, err = run("separate", link, "--random", 1, "--sweeps", 2)
    assert code == 0, err
    assert "composite 0" in out


@pytest.mark.parametrize("out", ["fifo", "fifo-without-suffix", "/dev/null"])
def test_train_refuses_a_special_out_path_before_training(tmp_path, out):
    pipe = tmp_path / "out.npz"
    os.mkfifo(pipe)
    target = {"fifo": pipe, "fifo-without-suffix": tmp_path / "out"}.get(out, out)
    code, stdout, err = run("train", "bars", "--epochs", 1, "--samples", 10, "--quiet", "--out", target, timeout=30)
    assert_one_line(code, err, "--out", "is not a regular file")
    assert "cause A" not in stdout  # refused before any training
