"""Build the course handout: a STUDENT and a LECTURER version of every notebook, readable offline.

``make handout`` runs ``python tools/handout.py``. Each notebook is executed
ONCE, in memory (nothing is written back into ``notebooks/``), with nbclient;
both versions are exported from that one execution with nbconvert's HTML
exporter::

    handout/index.html                 links both versions
    handout/student/index.html         the notebooks in order, with learning goals and times
    handout/student/NN_name.html       no solution cells, no answer cells, no exercise/check outputs
    handout/student/mathjax/           MathJax 2, copied from the jupyter-server-mathjax package
    handout/lecturer/...               the same with every solution and answer cell

Nothing in a page is fetched from the network: MathJax is referenced by a
relative path to the copy next to the pages; require.js, the widget manager
and mermaid are left out (a static page cannot run widgets). An interactive
app's output carries both the live widget and a PNG of its figure; the
handout shows the PNG inside a ``<figure class="handout-widget">`` whose
``<figcaption>`` lists the controls' values, read from the widget state
nbclient stores in the executed notebook. A widget output without a picture
is an error: the page would show an empty box there.
"""

from __future__ import annotations

import argparse
import base64
import copy
import html
import re
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jupyter_server_mathjax
import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html

ROOT = Path(__file__).resolve().parents[1]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg")
MATHJAX_SOURCE = Path(jupyter_server_mathjax.__file__).resolve().parent / "static"
MATHJAX_URL = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
VERSIONS = ("student", "lecturer")
HIDDEN_IN_STUDENT = {"solution", "answer"}  # cells left out of the student version
CLEARED_IN_STUDENT = {"exercise", "check"}  # cells kept, their outputs (a placeholder's feedback) dropped

__all__ = ["execute", "errors", "execute_all", "notebook_info", "widget_captions", "static_widgets", "student_version",
           "lecturer_version", "widget_cells_without_image", "prefer_static_images", "to_html",
           "remote_references", "copy_mathjax", "index_html", "write_versions", "build"]

# The lab template without require.js, the widget manager and mermaid (each from a CDN); see the file.
TEMPLATE_DIR = Path(__file__).resolve().parent / "handout_template"


# -- execution ---------------------------------------------------------------------------------------------

def execute(path: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Run every cell of the notebook at ``path`` (working directory: its folder); return the executed copy.

    A cell that raises does not stop the run: its error is an output (see :func:`errors`), so one broken
    cell is reported with everything the rest of the notebook printed. The widget state at the end of the
    run is stored in ``nb.metadata.widgets``.
    """
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=True, allow_errors=True,
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    return nb


def errors(nb: nbformat.NotebookNode) -> list[str]:
    """"cell id: ErrorName: message" for every error output of an executed notebook."""
    return [f"{cell.get('id', '?')}: {out.get('ename')}: {out.get('evalue')}"
            for cell in nb.cells for out in cell.get("outputs", []) if out.get("output_type") == "error"]


def execute_all(notebooks: list[Path], timeout: int = 300, jobs: int = 2) -> dict[str, nbformat.NotebookNode]:
    """Execute several notebooks, ``jobs`` kernels at a time; {file name: executed notebook}.

    A notebook that cannot run at all (no kernel, a timeout) maps to the exception instead.
    """
    def run(path):
        start = time.perf_counter()
        try:
            nb = execute(path, timeout)
        except Exception as err:  # reported per notebook by the caller
            nb = err
        print(f"{Path(path).name}: executed in {time.perf_counter() - start:.1f} s", flush=True)
        return Path(path).name, nb

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return dict(pool.map(run, notebooks))


# -- what a notebook says about itself ---------------------------------------------------------------------

def notebook_info(nb: nbformat.NotebookNode) -> dict[str, str | None]:
    """Title, learning goal and time from cell 0 (markdown): ``# NN · title``, ``**Learning goal.** …``,
    ``**Time:** …``. A missing part is None."""
    source = nb.cells[0].source if nb.cells and nb.cells[0].cell_type == "markdown" else ""
    title = re.search(r"^#\s+(.+?)\s*$", source, re.M)
    goal = re.search(r"^\*\*Learning goals?\.\*\*\s*(.+?)\s*$", source, re.M)
    spent = re.search(r"^\*\*Time:\*\*\s*(.+?)\s*$", source, re.M)
    return {"title": title.group(1) if title else None, "goal": goal.group(1) if goal else None,
            "time": spent.group(1) if spent else None}


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _widget_outputs(cell) -> list:
    return [out for out in cell.get("outputs", []) if WIDGET_MIME in out.get("data", {})]


def widget_cells_without_image(nb: nbformat.NotebookNode) -> list[str]:
    """Ids of code cells that display a widget but no static picture of it."""
    missing = []
    for cell in nb.cells:
        if _widget_outputs(cell) and not any(mime in out.get("data", {}) for out in cell.outputs
                                             for mime in IMAGE_MIMES):
            missing.append(cell.get("id", "?"))
    return missing


# -- captions from the widget state ------------------------------------------------------------------------

def _model_ids(value) -> list[str]:
    """Model ids referenced by a widget state value ("IPY_MODEL_<id>" strings, possibly in lists)."""
    if isinstance(value, str):
        return [value[len("IPY_MODEL_"):]] if value.startswith("IPY_MODEL_") else []
    if isinstance(value, list):
        return [mid for item in value for mid in _model_ids(item)]
    return []


def _format_value(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "–".join(_format_value(v) for v in value)
    return str(value)


def _controls(state: dict, model_id: str, seen: set, label: str | None = None) -> list[tuple[str, str]]:
    """(label, value) of every visible control under ``model_id``, depth first, in display order."""
    if model_id in seen or model_id not in state:
        return []
    seen.add(model_id)
    model = state[model_id]
    name, props = model.get("model_name", ""), model.get("state", {})
    layout = state.get(_model_ids(props.get("layout", ""))[0], {}) if _model_ids(props.get("layout", "")) else {}
    if layout.get("state", {}).get("display") == "none" or layout.get("state", {}).get("visibility") == "hidden":
        return []
    description = (props.get("description") or "").strip() or label or ""
    if name in ("FloatSliderModel", "IntSliderModel", "FloatLogSliderModel", "FloatRangeSliderModel",
                "IntRangeSliderModel", "SelectionSliderModel"):
        value = props.get("value")
        if name == "SelectionSliderModel":
            labels, index = props.get("_options_labels", []), props.get("index")
            value = labels[index] if isinstance(index, int) and 0 <= index < len(labels) else None
        return [(description, "= " + _format_value(value))] if value is not None else []
    if name in ("ToggleButtonsModel", "DropdownModel", "RadioButtonsModel", "SelectModel"):
        labels, index = props.get("_options_labels", []), props.get("index")
        if not isinstance(index, int) or not 0 <= index < len(labels) or labels[index] == "(custom)":
            return []
        return [(description, ": " + labels[index])] if description else [("", labels[index])]
    if name in ("CheckboxModel", "ToggleButtonModel"):
        return [(description, ": " + _format_value(bool(props.get("value"))))] if description else []
    children = _model_ids(props.get("children", []))
    found, pending = [], None
    for child in children:  # a Label followed by an unlabelled control names that control
        child_model = state.get(child, {})
        if child_model.get("model_name") == "LabelModel":
            pending = (child_model.get("state", {}).get("value") or "").strip() or None
            continue
        found += _controls(state, child, seen, pending)
        pending = None
    if name == "TabModel":
        titles, selected = props.get("titles", []), props.get("selected_index")
        if isinstance(selected, int) and 0 <= selected < len(titles) and titles[selected]:
            found.insert(0, ("view", ": " + titles[selected]))
    return found


def widget_captions(nb: nbformat.NotebookNode) -> dict[str, str]:
    """{model id of a displayed widget: "slider = value; choice: option; …"} from the stored widget state.

    A displayed widget without any control gets "(no controls)" so that the caption is never silently
    missing; a notebook without stored widget state gets no captions at all (an error for the caller).
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE_MIME, {}).get("state", {})
    captions = {}
    for cell in nb.cells:
        for out in _widget_outputs(cell):
            model_id = out["data"][WIDGET_MIME].get("model_id")
            if model_id not in state:
                continue
            controls = _controls(state, model_id, set())
            captions[model_id] = "; ".join((label + (" " if value.startswith("=") else "") + value) if label
                                           else value.lstrip("=: ")
                                           for label, value in controls) or "(no controls)"
    return captions


def static_widgets(nb: nbformat.NotebookNode, captions: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """Replace each widget output that carries a picture by a captioned figure (in place; returns nb).

    The figure is one ``text/html`` output: ``<figure class="handout-widget"><img …><figcaption>Shown
    at: W = 3; …</figcaption></figure>``. The stored widget state is removed (a static page has no
    widget manager to use it).
    """
    captions = widget_captions(nb) if captions is None else captions
    for cell in nb.cells:
        for out in _widget_outputs(cell):
            mime = next((m for m in IMAGE_MIMES if m in out["data"]), None)
            if mime is None:
                continue
            data = out["data"][mime]
            if mime == "image/svg+xml":
                data = base64.b64encode(data.encode()).decode("ascii")
            caption = captions.get(out["data"][WIDGET_MIME].get("model_id"))
            text = "Shown at: " + html.escape(caption) if caption else "Shown at: (controls unknown)"
            figure = (f'<figure class="handout-widget"><img alt="the app as first shown" '
                      f'src="data:{mime};base64,{data}"><figcaption>{text}</figcaption></figure>')
            out["data"] = {"text/html": figure}
            out.setdefault("metadata", {})
    nb.metadata.pop("widgets", None)
    return nb


def prefer_static_images(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Older name of :func:`static_widgets` (captions from the stored widget state)."""
    return static_widgets(nb)


# -- the two versions ----------------------------------------------------------------------------------------

def student_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without ``solution`` and ``answer`` cells, and with the outputs of ``exercise`` and ``check``
    cells cleared (they only report on the empty placeholder)."""
    nb = copy.deepcopy(nb)
    nb.cells = [cell for cell in nb.cells if not _tags(cell) & HIDDEN_IN_STUDENT]
    for cell in nb.cells:
        if cell.cell_type == "code" and _tags(cell) & CLEARED_IN_STUDENT:
            cell.outputs = []
    return nb


def lecturer_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy with everything, collapsed cells expanded."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        cell.get("metadata", {}).get("jupyter", {}).pop("source_hidden", None)
        cell.get("metadata", {}).get("jupyter", {}).pop("outputs_hidden", None)
    return nb


def to_html(nb: nbformat.NotebookNode) -> str:
    """The notebook as one HTML page: images embedded, MathJax from ``mathjax/`` beside the page."""
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(TEMPLATE_DIR)],
                            template_file="handout.html.j2", mathjax_url=MATHJAX_URL)
    body, _ = exporter.from_notebook_node(nb)
    return body


_REMOTE = re.compile(r"""(?:\bsrc\s*=\s*["']|<link\b[^>]*\bhref\s*=\s*["']|@import\s+(?:url\()?["']?|"""
                     r"""url\(\s*["']?|import\(\s*["'])\s*((?:https?:)?//[^"')\s>]+)""", re.I)


def remote_references(page: str) -> list[str]:
    """URLs the page would LOAD from elsewhere (scripts, stylesheets, images, fonts, imports); links a
    reader may click (``<a href>``) are not loads and are not listed."""
    return sorted(set(_REMOTE.findall(page)))


def copy_mathjax(target: Path) -> None:
    """Copy the MathJax 2 that jupyter-server-mathjax installs to ``target`` (replacing it)."""
    if not (MATHJAX_SOURCE / "MathJax.js").is_file():
        raise FileNotFoundError(f"MathJax.js is not in {MATHJAX_SOURCE}; reinstall jupyter-server-mathjax")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(MATHJAX_SOURCE, target)


def _mathjax_head() -> str:
    """The MathJax part of a page's head (the handout template's, so the index renders formulas the same way)."""
    text = (TEMPLATE_DIR / "handout_mathjax.html.j2").read_text(encoding="utf-8")
    return text.replace("{{ resources.mathjax_url }}", MATHJAX_URL)


def index_html(entries: list[dict], version: str) -> str:
    """The index page of one version: the notebooks in order, each with its goal and time."""
    rows = []
    for entry in entries:
        title = html.escape(entry["title"] or entry["file"])
        goal = markdown2html(entry["goal"]) if entry["goal"] else "<p><em>(no learning goal stated)</em></p>"
        spent = html.escape(entry["time"] or "not stated")
        rows.append(f'<li><h2><a href="{html.escape(entry["page"])}">{title}</a></h2>\n'
                    f'<p class="time"><strong>Time:</strong> {spent}</p>\n<div class="goal">{goal}</div></li>')
    other = "lecturer" if version == "student" else "student"
    note = ("Exercises without solutions; the answers of the predict-first questions are left out."
            if version == "student" else "With every solution and answer cell.")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>orbm-explore course: {version} handout</title>
{_mathjax_head()}
<style>body {{ font-family: sans-serif; max-width: 52em; margin: 2em auto; line-height: 1.45; }}
li {{ margin-bottom: 1.2em; }} h2 {{ font-size: 1.2em; margin-bottom: 0.2em; }} .time {{ margin: 0.2em 0; }}</style>
</head><body>
<h1>orbm-explore: the two-cause RBM course ({version} version)</h1>
<p>{note} Work through the notebooks in this order. The other version is in <code>../{other}/</code>.</p>
<ol>
{chr(10).join(rows)}
</ol>
</body></html>
"""


def write_versions(name: str, nb: nbformat.NotebookNode, out_dir: Path) -> dict:
    """Write ``out_dir/student/NAME.html`` and ``out_dir/lecturer/NAME.html`` from one executed notebook.

    Returns {"info": notebook_info, "missing": widget cells without a picture, "remote": URLs loaded
    from the network, "captions": {model id: caption}}.
    """
    captions = widget_captions(nb)
    missing = widget_cells_without_image(nb)
    remote = []
    for version, make in (("student", student_version), ("lecturer", lecturer_version)):
        page = to_html(static_widgets(make(nb), captions))
        remote += remote_references(page)
        folder = out_dir / version
        folder.mkdir(parents=True, exist_ok=True)
        (folder / (Path(name).stem + ".html")).write_text(page, encoding="utf-8")
    return {"info": notebook_info(nb), "missing": missing, "remote": sorted(set(remote)), "captions": captions}


def build(notebooks: list[Path], out_dir: Path, timeout: int = 300, jobs: int = 2,
          executed: dict | None = None) -> dict[str, list[str]]:
    """Execute each notebook once (or take ``executed``, {file name: executed notebook or exception}) and
    write both versions, their index pages and MathJax into ``out_dir``; return {notebook name: problems}.

    Problems: the notebook failed; widget cells lack a picture; the page loads something from the network;
    cell 0 has no learning goal or time.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = execute_all(notebooks, timeout, jobs) if executed is None else executed
    problems, entries = {}, []
    for path in notebooks:
        name = Path(path).name
        nb = executed[name]
        if isinstance(nb, Exception):
            problems[name] = [f"execution failed: {type(nb).__name__}: {str(nb)[-800:]}"]
            nb = nbformat.read(path, as_version=4)  # still listed in the index, without outputs
        else:
            problems[name] = [f"cell {found}" for found in errors(nb)]
        result = write_versions(name, nb, out_dir)
        problems[name] += [f"widget cell {cid} has no static picture" for cid in result["missing"]]
        problems[name] += [f"loads from the network: {url}" for url in result["remote"]]
        info = result["info"]
        problems[name] += [f"cell 0 states no {part}" for part in ("goal", "time") if not info[part]]
        entries.append({**info, "file": name, "page": Path(name).stem + ".html"})
        print(f"{name} -> {out_dir}/{{student,lecturer}}/{Path(name).stem}.html", flush=True)
    for version in VERSIONS:
        copy_mathjax(out_dir / version / "mathjax")
        (out_dir / version / "index.html").write_text(index_html(entries, version), encoding="utf-8")
    (out_dir / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>orbm-explore handouts</title></head>'
        '<body><h1>orbm-explore handouts</h1><ul><li><a href="student/index.html">student version</a> '
        '(no solutions, no answers)</li><li><a href="lecturer/index.html">lecturer version</a> (with them)</li>'
        '</ul></body></html>\n', encoding="utf-8")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--out", type=Path, default=ROOT / "handout", help="output folder (default: handout/)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once (default: 2)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    problems = build(notebooks, args.out, jobs=args.jobs)
    bad = {name: found for name, found in problems.items() if found}
    for name, found in bad.items():
        print(f"{name}: {'; '.join(found)}", file=sys.stderr)
    if not bad:
        print(f"open {args.out / 'index.html'} (student: {args.out / 'student'}, lecturer: {args.out / 'lecturer'})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
