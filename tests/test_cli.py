import subprocess
import sys


from orbm_explore.cli import main
from orbm_explore.two_cause import TwoCauseRBM


def test_train_and_separate_bars(tmp_path, capsys):
    out = tmp_path / "bars.npz"
    assert main(["train", "bars", "--epochs", "5", "--samples", "200", "--quiet", "--out", str(out)]) == 0
    model = TwoCauseRBM.load(out)
    assert model.n_visible == 16 and model.a.n_hidden == 8
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


def test_errors_are_reported_cleanly(tmp_path, capsys):
    assert main(["separate", str(tmp_path / "missing.npz")]) == 2
    assert "no model file" in capsys.readouterr().err


def test_module_entry_points_run():
    result = subprocess.run([sys.executable, "-m", "orbm_explore", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "train" in result.stdout
    result = subprocess.run([sys.executable, "-m", "orbm_explore.derivations"], capture_output=True, text=True)
    assert result.returncode == 0 and "claims the library relies on fail" in result.stdout
