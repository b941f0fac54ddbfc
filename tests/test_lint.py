"""Pyflakes-level lint of everything we ship (ruff --select F): undefined names, unused imports and variables."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ["orbm_explore", "tests", "benchmarks", "tools", "apps"]


def _ruff(*paths):
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "F", "--no-cache", *map(str, paths)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_ruff_finds_no_pyflakes_errors():
    result = _ruff(*FOLDERS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_check_can_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\nprint(undefined_name)\n")
    result = _ruff(bad)
    assert result.returncode == 1 and "F401" in result.stdout and "F821" in result.stdout
