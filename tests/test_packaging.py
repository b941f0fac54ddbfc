"""Packaging facts that must not drift: environment.yml and pyproject.toml agree, notebooks are clean."""

import json
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _requirement(spec: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_requirement(s) for s in project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted.update(_requirement(s) for s in extra)
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(_requirement(s) for s in env["dependencies"] if isinstance(s, str))
    conda.pop("python")
    conda.pop("pip")
    assert conda == wanted
    python_floor = project["requires-python"].removeprefix(">=")
    assert f"python>={python_floor}" in env["dependencies"]


def test_notebooks_are_committed_without_outputs():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, f"{path.name} has outputs"


def test_notebooks_are_numbered_and_listed_in_readme():
    readme = (ROOT / "README.md").read_text()
    names = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert names, "no notebooks"
    for index, name in enumerate(names):
        assert name.startswith(f"{index:02d}_"), name
        assert name in readme, f"README does not list {name}"
