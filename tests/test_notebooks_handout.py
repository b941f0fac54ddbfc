"""`make handout`: every notebook executes, and in its HTML every widget cell also shows a picture.

Runs tools/handout.py in-process on all notebooks, each executed once, two kernels at a time
(about 1 minute on an idle two-core machine; notebooks 05 and 06 dominate).
"""

from __future__ import annotations

import copy
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAMES = [p.name for p in NOTEBOOKS]

pytestmark = pytest.mark.slow


def _handout_module():
    spec = importlib.util.spec_from_file_location("handout", ROOT / "tools" / "handout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


handout = _handout_module()
_CACHE: dict[str, dict] = {}


def _built(name: str) -> dict:
    """Execute (all notebooks, two kernels at a time, once per session) and export one notebook."""
    if not _CACHE:
        for done, nb in handout.execute_all(NOTEBOOKS, timeout=300, jobs=2).items():
            _CACHE[done] = {"executed": nb}
    entry = _CACHE[name]
    if "executed" in entry:
        nb = entry.pop("executed")
        if isinstance(nb, Exception):  # a failing cell: reported by the test of this notebook only
            entry["error"] = f"{type(nb).__name__}: {str(nb)[-1500:]}"
            return entry
        widget_cells = [cell.id for cell in nb.cells if handout._widget_outputs(cell)]
        missing = handout.widget_cells_without_image(nb)
        raw = copy.deepcopy(nb)
        html = handout.to_html(handout.prefer_static_images(nb))
        entry.update({"nb": raw, "html": html, "widget_cells": widget_cells, "missing": missing})
    return entry


def _cell_html(html: str, cell_id: str) -> str:
    start = html.index(f'id="cell-id={cell_id}"')
    following = re.search(r'id="cell-id=', html[start + 1:])
    return html[start:start + 1 + following.start()] if following else html[start:]


@pytest.mark.parametrize("name", NAMES)
def test_handout_has_a_picture_for_every_widget_cell(name):
    built = _built(name)
    assert "error" not in built, f"{name} does not execute: {built.get('error')}"
    assert built["missing"] == [], f"{name}: widget cells without a picture: {built['missing']}"
    for cell_id in built["widget_cells"]:
        segment = _cell_html(built["html"], cell_id)
        assert re.search(r'<img[^>]+src="data:image/(png|jpeg|svg\+xml)', segment), \
            f"{name}, cell {cell_id}: the handout shows no picture for this widget"
        assert "application/vnd.jupyter.widget-view+json" not in segment


def test_the_interactive_notebooks_have_widget_cells():
    """02, 03 and 04 display apps; the check above is not vacuous for them."""
    for name, least in (("02_exact_correction.ipynb", 2), ("03_approximations.ipynb", 2),
                        ("04_explaining_away.ipynb", 1)):
        built = _built(name)
        assert "error" not in built, built.get("error")
        assert len(built["widget_cells"]) >= least, (name, built["widget_cells"])


def test_handout_check_can_fail():
    """An output with only a live widget (no picture) is reported."""
    built = _built("02_exact_correction.ipynb")
    assert "error" not in built, built.get("error")
    nb = copy.deepcopy(built["nb"])
    cell = next(c for c in nb.cells if handout._widget_outputs(c))
    for out in cell.outputs:
        for mime in handout.IMAGE_MIMES:
            out.get("data", {}).pop(mime, None)
    assert handout.widget_cells_without_image(nb) == [cell.id]
