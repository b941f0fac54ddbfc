"""What the course tests share: the notebooks, their cells by tag, and ONE executed copy of each per session.

Executing a notebook takes seconds to a minute on two cores, so every test that needs Run All output
(the spoiler test, the handout tests, the offline browser test) asks :func:`executed` and gets the
same copy: each notebook runs at most once per pytest session, two kernels at a time
(tools/handout.py's ``execute_all``). Nothing is written back into notebooks/.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import threading
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
NAMES = [p.name for p in NOTEBOOKS]
# Expected study times (minutes), from the course plan: 00 30 min, 01 45–60, … 06 90–120.
EXPECTED_MINUTES = {"00": (30,), "01": (45, 60), "02": (60, 75), "03": (45, 60), "04": (60, 90),
                    "05": (30, 45), "06": (90, 120)}


def _load_handout():
    spec = importlib.util.spec_from_file_location("handout", ROOT / "tools" / "handout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


handout = _load_handout()

_EXECUTED: dict[str, object] = {}
_LOCK = threading.Lock()


def executed(*names: str) -> dict[str, nbformat.NotebookNode | Exception]:
    """{name: executed notebook} for ``names`` (default: all), running only those not run yet this session.

    A notebook that could not run at all maps to the exception; a cell that raised is an error output
    in the executed copy (``handout.errors``).
    """
    wanted = list(names) or NAMES
    with _LOCK:
        missing = [ROOT / "notebooks" / name for name in wanted if name not in _EXECUTED]
        if missing:
            _EXECUTED.update(handout.execute_all(missing, timeout=300, jobs=2))
        return {name: _EXECUTED[name] for name in wanted}


def number(name: str) -> str:
    """"02" for "02_exact_correction.ipynb"."""
    return name[:2]


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "notebooks" / name, as_version=4)


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def spoilers(name: str) -> tuple[str, ...]:
    """``orbm_explore.exercises.nbNN.SPOILERS`` for notebook ``name``; AssertionError naming what is missing."""
    module_name = f"orbm_explore.exercises.nb{number(name)}"
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise AssertionError(f"{name}: cannot import {module_name} ({err}); each notebook's exercises "
                             "module must exist and define SPOILERS") from None
    found = getattr(module, "SPOILERS", None)
    assert found is not None, (f"{module_name} does not define SPOILERS: a tuple of the strings (answers, "
                               "formatted numbers such as '0.47', phrases such as '3 steps') that no Run-All "
                               "output outside an `answer`-tagged cell may contain")
    assert isinstance(found, tuple) and found and all(isinstance(s, str) and s.strip() for s in found), \
        f"{module_name}.SPOILERS must be a non-empty tuple of non-empty strings, got {found!r}"
    return found


_TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex", "application/json")
_TEXT_WIDGETS = {"HTMLModel": "value", "HTMLMathModel": "value", "LabelModel": "value",
                 "TextareaModel": "value", "ValidModel": "readout"}


def _widget_texts(state: dict, model_id: str, seen: set) -> list[str]:
    """The text a displayed widget shows (HTML, labels, text areas), its children included."""
    if model_id in seen or model_id not in state:
        return []
    seen.add(model_id)
    model = state[model_id]
    props = model.get("state", {})
    texts = []
    key = _TEXT_WIDGETS.get(model.get("model_name", ""))
    if key and isinstance(props.get(key), str):
        texts.append(props[key])
    for child in props.get("children", []) or []:
        if isinstance(child, str) and child.startswith("IPY_MODEL_"):
            texts += _widget_texts(state, child[len("IPY_MODEL_"):], seen)
    return texts


def output_texts(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(cell id, text) of every output of every code cell NOT tagged ``answer``: streams, text and HTML
    data, error tracebacks, and the text of displayed widgets (from the stored widget state)."""
    state = nb.metadata.get("widgets", {}).get(handout.WIDGET_STATE_MIME, {}).get("state", {})
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "answer" in tags(cell):
            continue
        for out in cell.get("outputs", []):
            parts = []
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            elif out.get("output_type") == "error":
                parts += [out.get("ename", ""), out.get("evalue", ""), *out.get("traceback", [])]
            data = out.get("data", {})
            parts += [data[m] if isinstance(data[m], str) else str(data[m]) for m in _TEXT_MIMES if m in data]
            if handout.WIDGET_MIME in data:
                parts += _widget_texts(state, data[handout.WIDGET_MIME].get("model_id", ""), set())
            found += [(cell.get("id", "?"), text) for text in parts if text]
    return found


ANSI = re.compile(r"\x1b\[[0-9;]*m")
