"""Notebook hygiene: committed without outputs, stable cell ids, and `make strip` that fixes both."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
COURSE = [p for p in NOTEBOOKS if p.name[:2] in {f"{k:02d}" for k in range(7)}]  # 00 … 06: the whole course
FIX = ("run `make strip` before committing (JupyterLab's autosave writes outputs into an open notebook; "
       "`make strip` removes them and keeps the cell ids)")


def test_there_are_notebooks():
    assert len(COURSE) == 7, [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    dirty = [cell.get("id", f"#{k}") for k, cell in enumerate(nb["cells"])
             if cell["cell_type"] == "code" and (cell["outputs"] or cell["execution_count"] is not None)]
    assert not dirty, f"{path.name} has outputs or execution counts in cells {dirty}: {FIX}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_valid_with_unique_cell_ids(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5), "cell ids need nbformat 4.5"
    ids = [cell.get("id") for cell in nb.cells]
    assert all(ids) and len(set(ids)) == len(ids), ids


@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.name)
def test_course_notebook_ids_are_stable(path):
    """Ids are cell-00, cell-01, … in order, not random: re-saving never renumbers them."""
    nb = nbformat.read(path, as_version=4)
    assert [cell.id for cell in nb.cells] == [f"cell-{k:02d}" for k in range(len(nb.cells))]


def test_make_strip_removes_outputs_and_keeps_ids(tmp_path):
    """`make strip` on an executed-looking copy gives back the committed file byte for byte."""
    if not (ROOT / ".venv" / ".dev-installed").exists():
        pytest.skip("the dev environment is not installed (make test installs it)")
    source = ROOT / "notebooks" / "02_exact_correction.ipynb"
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    nb = nbformat.read(copy, as_version=4)
    for k, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.execution_count = k + 1
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="left over\n")]
            cell.metadata["execution"] = {"iopub.status.idle": "2026-11-29T10:00:00Z"}
    nbformat.write(nb, copy)
    assert copy.read_text() != source.read_text()

    result = subprocess.run(["make", "-s", "-C", str(ROOT), "strip", f"NOTEBOOKS={copy}"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    stripped = nbformat.read(copy, as_version=4)
    assert [c.id for c in stripped.cells] == [c.id for c in nbformat.read(source, as_version=4).cells]
    assert copy.read_text() == source.read_text()
    hidden = [c.id for c in stripped.cells if c.metadata.get("jupyter", {}).get("source_hidden")]
    assert hidden, "solution cells must stay collapsed after stripping"


def test_hygiene_failure_message_names_the_fix(tmp_path, monkeypatch):
    """The output test's message tells you what to run."""
    dirty = tmp_path / "99_dirty.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1", execution_count=1)])
    nbformat.write(nb, dirty)
    with pytest.raises(AssertionError, match="make strip"):
        test_notebook_is_committed_without_outputs(dirty)


def test_readme_explains_autosave_and_strip():
    readme = (ROOT / "README.md").read_text()
    assert "make strip" in readme and "autosave" in readme
