"""The command line: it works, and every error is one line with exit status 2 (no traceback, no hang)."""

import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbm_explore.cli import build_parser, main
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def alarm():
    def timeout(*_):
        raise TimeoutError("the command took more than 60 s")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def bars_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "bars.npz"
    assert main(["train", "bars", "--epochs", "3", "--samples", "100", "--quiet", "--out", str(path)]) == 0
    return path


def test_train_and_separate_bars(tmp_path, capsys):
    out = tmp_path / "bars.npz"
    assert main(["train", "bars", "--epochs", "5", "--samples", "200", "--quiet", "--out", str(out)]) == 0
    model = TwoCauseRBM.load(out)
    assert model.n_visible == 16 and model.a.n_hidden == 8
    assert model.belief_bias is not None  # the pair separation.pair_model recommends, not the plain sum
    assert main(["separate", str(out), "--image", "1111000000000000", "--sweeps", "5",
                 "--plot", str(tmp_path / "sep.png")]) == 0
    text = capsys.readouterr().out
    assert "cause A" in text and "exact log-likelihood" in text
    assert (tmp_path / "sep.png").stat().st_size > 0


def test_train_digits(tmp_path):
    out = tmp_path / "d.npz"
    assert main(["train", "digits", "--classes", "0", "1", "--epochs", "2", "--n-hidden", "5", "--quiet",
                 "--out", str(out)]) == 0
    assert TwoCauseRBM.load(out).n_visible == 64


def test_out_without_suffix_is_loadable_by_the_same_name(tmp_path, capsys):
    out = tmp_path / "model.bin"
    code, text, _ = run(["train", "bars", "--epochs", "1", "--samples", "50", "--quiet", "--out", out], capsys)
    assert code == 0 and "saved" in text
    code, text, err = run(["separate", out, "--random", "1", "--sweeps", "2"], capsys)
    assert code == 0, err
    assert text.count("composite") == 1


def test_random_gives_that_many_composites(bars_model, capsys):
    code, text, _ = run(["separate", bars_model, "--random", "3", "--sweeps", "2"], capsys)
    assert code == 0 and text.count("composite ") == 3


def test_progress_bars_are_on_in_the_cli_and_quiet_turns_them_off(tmp_path, capsys):
    code, _, err = run(["train", "bars", "--epochs", "2", "--samples", "40", "--out", tmp_path / "p.npz"], capsys)
    assert code == 0 and "RBM training" in err
    code, _, err = run(["train", "bars", "--epochs", "2", "--samples", "40", "--quiet",
                        "--out", tmp_path / "q.npz"], capsys)
    assert code == 0 and err == ""


def test_errors_are_reported_cleanly(tmp_path, capsys):
    assert main(["separate", str(tmp_path / "missing.npz")]) == 2
    assert "no model file" in capsys.readouterr().err


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    root = tmp_path_factory.mktemp("paths")
    (root / "afile").write_text("x")
    (root / "adir").mkdir()
    (root / "text.npz").write_text("not a model")
    rbm_path = RBM.random(2, 16, rng=0).save(root / "rbm.npz")
    nan_model = root / "nan.npz"
    np.savez(nan_model, **{f"{c}_{k}": v for c in "ab" for k, v in RBM.random(2, 16, rng=1).to_arrays().items()},
             kind=np.array("TwoCauseRBM"), format_version=np.array(1))
    with np.load(nan_model) as data:
        arrays = dict(data)
    arrays["a_weights"][0, 0] = np.nan
    np.savez(nan_model, **arrays)
    return {"root": root, "afile": root / "afile", "adir": root / "adir", "text": root / "text.npz",
            "rbm": rbm_path, "nan": nan_model}


TRAIN = ["train", "bars", "--epochs", "1", "--samples", "20", "--quiet"]
# (command line with {model}/{afile}/{adir}/{text}/{rbm}/{nan}/{root} placeholders, words the one line must hold)
BAD_COMMAND_LINES = [
    (["train", "bars", "--size", "0", "--out", "{root}/m.npz"], ["--size", "between 1 and 64", "got 0"]),
    (["train", "bars", "--size", "1000", "--out", "{root}/m.npz"], ["--size", "64"]),
    (["train", "bars", "--size", "four", "--out", "{root}/m.npz"], ["--size", "integer"]),
    (["train", "bars", "--epochs", "0", "--out", "{root}/m.npz"], ["--epochs", ">= 1"]),
    (["train", "bars", "--epochs", "-1", "--out", "{root}/m.npz"], ["--epochs"]),
    (["train", "bars", "--samples", "0", "--out", "{root}/m.npz"], ["--samples"]),
    (["train", "bars", "--n-hidden", "0", "--out", "{root}/m.npz"], ["--n-hidden"]),
    (["train", "bars", "--batch-size", "0", "--out", "{root}/m.npz"], ["--batch-size"]),
    (["train", "bars", "--learning-rate", "nan", "--out", "{root}/m.npz"], ["--learning-rate", "finite"]),
    (["train", "bars", "--learning-rate", "inf", "--out", "{root}/m.npz"], ["--learning-rate", "finite"]),
    (["train", "bars", "--learning-rate", "-0.1", "--out", "{root}/m.npz"], ["--learning-rate", "> 0"]),
    (["train", "bars", "--learning-rate", "0", "--out", "{root}/m.npz"], ["--learning-rate"]),
    (["train", "bars", "--learning-rate", "fast", "--out", "{root}/m.npz"], ["--learning-rate", "number"]),
    (["train", "bars", "--p-on", "0", "--out", "{root}/m.npz"], ["--p-on"]),
    (["train", "bars", "--p-on", "1.5", "--out", "{root}/m.npz"], ["--p-on"]),
    (["train", "bars", "--p-on", "nan", "--out", "{root}/m.npz"], ["--p-on"]),
    (["train", "bars", "--seed", "-1", "--out", "{root}/m.npz"], ["--seed"]),
    (["train", "digits", "--classes", "3", "12", "--out", "{root}/m.npz"], ["--classes", "0 and 9"]),
    (["train", "digits", "--classes", "3", "3", "--out", "{root}/m.npz"], ["--classes", "different"]),
    (["train", "digits", "--classes", "3", "--out", "{root}/m.npz"], ["--classes"]),
    (["train", "mnist", "--out", "{root}/m.npz"], ["dataset", "mnist"]),
    (["train", "bars"], ["--out"]),
    ([*TRAIN, "--out", "{afile}/m.npz"], ["--out", "afile", "not a folder"]),
    ([*TRAIN, "--out", "{adir}"], ["--out", "adir", "directory"]),
    (["separate", "{root}/missing.npz"], ["no model file", "missing.npz"]),
    (["separate", "{adir}"], ["adir", "directory"]),
    (["separate", "{text}"], ["text.npz", "corrupt"]),
    (["separate", "{rbm}"], ["rbm.npz", "holds a RBM, expected a TwoCauseRBM"]),
    (["separate", "{nan}"], ["nan.npz", "a_weights", "NaN or infinite"]),
    (["separate", "{model}", "--image", ""], ["--image", "empty"]),
    (["separate", "{model}", "--image", "1111 0000 0000 0000"], ["--image", "' '"]),
    (["separate", "{model}", "--image", "111100000000000x"], ["--image", "'x'"]),
    (["separate", "{model}", "--image", "2111000000000000"], ["--image", "'2'"]),
    (["separate", "{model}", "--image", "1111"], ["--image", "16 digits", "got 4"]),
    (["separate", "{model}", "--image", "1" * 17], ["--image", "16 digits", "got 17"]),
    (["separate", "{model}", "--image", "1111000000000000", "--random", "2"], ["--random", "--image"]),
    (["separate", "{model}", "--random", "0"], ["--random", ">= 1"]),
    (["separate", "{model}", "--random", "-2"], ["--random"]),
    (["separate", "{model}", "--sweeps", "0"], ["--sweeps", ">= 1"]),
    (["separate", "{model}", "--sweeps", "1.5"], ["--sweeps", "integer"]),
    (["separate", "{model}", "--correction", "bogus"], ["--correction", "bogus"]),
    (["separate", "{model}", "--mode", "bogus"], ["--mode", "bogus"]),
    (["separate", "{model}", "--seed", "-1"], ["--seed"]),
    (["separate", "{model}", "--plot", "{root}/nodir/x.png"], ["--plot", "nodir", "does not exist"]),
    (["separate", "{model}", "--plot", "{afile}/x.png"], ["--plot", "afile", "not a folder"]),
    (["separate", "{model}", "--plot", "{adir}"], ["--plot", "directory"]),
    (["separate", "{model}", "--plot", "{root}/x.xyz"], ["--plot", ".png"]),
    (["separate"], ["model"]),
    (["bogus"], ["bogus"]),
    ([], ["required"]),
    (["derivations", "--json", "{root}/nodir/x.json"], ["--json", "nodir", "does not exist"]),
    (["derivations", "--json", "{adir}"], ["--json", "directory"]),
    (["derivations", "--json", ""], ["--json"]),
    (["derivations", "--bogus"], ["--bogus"]),
    (["derivations", "--only"], ["--only"]),
    (["derivations", "--only", "no_such_check"], ["only must name", "no_such_check"]),
    (["derivations", "--only", "check_gain", "--json"], ["--json"]),
    (["derivations", "extra"], ["extra"]),
]


@pytest.mark.parametrize("argv, words", BAD_COMMAND_LINES, ids=lambda x: " ".join(x) if isinstance(x, list) else "")
def test_bad_command_lines_give_one_line_and_exit_2(alarm, argv, words, paths, bars_model, capsys):
    filled = [a.format(model=bars_model, **{k: v for k, v in paths.items()}) for a in argv]
    before = set(paths["root"].iterdir())
    code, out, err = run(filled, capsys)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "error:" in lines[0] and "Traceback" not in err
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert set(paths["root"].iterdir()) == before, "a failed command wrote a file"


def test_a_diverging_training_run_is_refused_not_saved(tmp_path, capsys, monkeypatch):
    """Whatever the settings, the CLI never saves a model with non-finite weights."""
    from orbm_explore import training

    real = training.train_rbm

    def diverging(*args, **kwargs):
        rbm, history = real(*args, **kwargs)
        rbm.weights[0, 0] = np.inf
        return rbm, history

    monkeypatch.setattr(training, "train_rbm", diverging)
    code, _, err = run([*TRAIN, "--out", tmp_path / "m.npz"], capsys)
    assert code == 2 and "not finite" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "m.npz").exists()


def test_library_value_errors_become_one_line(tmp_path, capsys, monkeypatch):
    from orbm_explore import training

    def refuse(*args, **kwargs):
        raise ValueError("learning_rate must be finite and > 0,\n got nan")

    monkeypatch.setattr(training, "train_rbm", refuse)
    code, _, err = run([*TRAIN, "--out", tmp_path / "m.npz"], capsys)
    assert code == 2 and err.count("\n") == 1 and "learning_rate must be finite" in err


def test_every_option_has_help_text_and_shows_its_default():
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, sub in subparsers.choices.items():
        help_text = sub.format_help()
        assert help_text.startswith("usage: orbm-explore " + name)
        for action in sub._actions:
            if action.dest in ("help",):
                continue
            assert action.help, f"{name} {action.option_strings or action.dest} has no help text"
            if action.option_strings and action.default not in (None, False) and action.default is not \
                    __import__("argparse").SUPPRESS:
                shown = re.sub(r"\s+", " ", help_text)
                default = action.default if not isinstance(action.default, list) else " ".join(map(str, action.default))
                assert f"default: {default})" in shown, f"{name} {action.option_strings} hides its default"
    separate = re.sub(r"\s+", " ", subparsers.choices["separate"].format_help())
    assert "default 2" in separate  # --random's default, written out (it must stay None to detect --image)


def test_usage_names_the_installed_command():
    assert build_parser().format_usage().startswith("usage: orbm-explore")


def test_derivations_passes_the_exit_code_through(monkeypatch):
    import types

    calls = []
    fake = types.ModuleType("orbm_explore.derivations.report")
    fake.main = lambda argv, prog: calls.append(argv) or 3
    monkeypatch.setitem(sys.modules, "orbm_explore.derivations.report", fake)
    assert main(["derivations", "--markdown"]) == 3
    assert calls == [["--markdown"]]


def test_module_entry_points_run():
    result = subprocess.run([sys.executable, "-m", "orbm_explore", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "train" in result.stdout
    assert result.stdout.startswith("usage: python -m orbm_explore")
    result = subprocess.run([sys.executable, "-m", "orbm_explore", "train", "bars", "--size", "0", "--out", "x"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    # the report itself is tested in tests/test_derivations.py; here only that the command reaches it
    result = subprocess.run([sys.executable, "-m", "orbm_explore", "derivations", "--help"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and "derivations" in result.stdout


def test_installed_script_runs():
    script = Path(sys.executable).parent / "orbm-explore"
    if not script.exists():
        pytest.skip("the orbm-explore script is not installed next to this python")
    result = subprocess.run([str(script), "separate", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("usage: orbm-explore separate")


DERIVATIONS_WORDS = ["--only", "check_red_green", "no_such_check", "--json", "{tmp}/nodir/x.json", "{tmp}",
                     "{tmp}/d.json", "--bogus", "-v", "--quiet", "extra", "", "--help"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(DERIVATIONS_WORDS), max_size=5))
def test_random_derivations_lines_exit_0_1_or_2_with_one_line(tmp_path_factory, words, capsys):
    """Random ``derivations`` command lines: a bad one is one line and exit 2, before any check runs; a good
    one (only --only check_red_green, which is quick, may run checks) exits 0."""
    tmp = tmp_path_factory.getbasetemp() / "fuzzderivations"
    tmp.mkdir(exist_ok=True)
    argv = ["derivations", *[w.format(tmp=tmp) for w in words]]
    runs_all = "--only" not in argv or "--help" in argv
    if runs_all and "--help" not in argv:
        argv += ["--only", "check_red_green"]  # keep the full table out of this test
    previous = signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError(" ".join(argv))))
    signal.alarm(120)
    try:
        code = main(argv)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    out, err = capsys.readouterr()
    assert code in (0, 2), (argv, code, err)
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "error" in lines[0] and "Traceback" not in err, (argv, err)
        assert "derivations: [" not in err, "a bad command line started the checks"
