"""Build the printable handout: execute every notebook and write one HTML file per notebook.

``make handout`` runs ``python tools/handout.py``. Each notebook is executed
in memory (nothing is written back into ``notebooks/``) with nbclient, then
exported with nbconvert's HTML exporter. An interactive app's output carries
both the live widget and a PNG of its figure; a static page cannot run a
widget, so the handout keeps the PNG. A widget output without a picture is an
error: the handout would show an empty box there.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg")

__all__ = ["execute", "execute_all", "prefer_static_images", "widget_cells_without_image", "to_html", "build"]


def execute(path: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Run every cell of the notebook at ``path`` (working directory: its folder); return the executed copy."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def _widget_outputs(cell) -> list:
    return [out for out in cell.get("outputs", []) if WIDGET_MIME in out.get("data", {})]


def widget_cells_without_image(nb: nbformat.NotebookNode) -> list[str]:
    """Ids of code cells that display a widget but no static picture of it."""
    missing = []
    for cell in nb.cells:
        widget_outputs = _widget_outputs(cell)
        if widget_outputs and not any(mime in out.get("data", {}) for out in cell.outputs for mime in IMAGE_MIMES):
            missing.append(cell.get("id", "?"))
    return missing


def prefer_static_images(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop the live-widget part of every output that also carries a picture (in place; returns nb)."""
    for cell in nb.cells:
        for out in _widget_outputs(cell):
            if any(mime in out["data"] for mime in IMAGE_MIMES):
                del out["data"][WIDGET_MIME]
                out["data"].pop("text/plain", None)
    return nb


def to_html(nb: nbformat.NotebookNode) -> str:
    """The notebook as one self-contained HTML page (images embedded)."""
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    return body


def execute_all(notebooks: list[Path], timeout: int = 300, jobs: int = 2) -> dict[str, nbformat.NotebookNode]:
    """Execute several notebooks, ``jobs`` kernels at a time; {name: executed notebook}.

    A notebook whose cell raises maps to the ``CellExecutionError`` instead.
    """
    def run(path):
        start = time.perf_counter()
        try:
            nb = execute(path, timeout)
        except Exception as err:  # reported per notebook by the caller
            nb = err
        print(f"{path.name}: executed in {time.perf_counter() - start:.1f} s", flush=True)
        return path.name, nb

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return dict(pool.map(run, notebooks))


def build(notebooks: list[Path], out_dir: Path, timeout: int = 300, jobs: int = 2) -> dict[str, list[str]]:
    """Execute and export each notebook into ``out_dir``; return {notebook name: problems}.

    Problems are the ids of widget cells lacking a picture, or the error of a notebook that failed.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    problems = {}
    for name, nb in execute_all(notebooks, timeout, jobs).items():
        if isinstance(nb, Exception):
            problems[name] = [f"execution failed: {type(nb).__name__}: {str(nb)[-800:]}"]
            continue
        problems[name] = widget_cells_without_image(nb)
        target = out_dir / (Path(name).stem + ".html")
        target.write_text(to_html(prefer_static_images(nb)), encoding="utf-8")
        print(f"{name} -> {target}", flush=True)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--out", type=Path, default=ROOT / "handout", help="output folder (default: handout/)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once (default: 2)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    problems = build(notebooks, args.out, jobs=args.jobs)
    bad = {name: ids for name, ids in problems.items() if ids}
    for name, ids in bad.items():
        print(f"{name}: widget cells without a static picture, or failed: {'; '.join(ids)}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
