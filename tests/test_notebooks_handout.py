"""`make handout`: a student and a lecturer version of every notebook, an index, nothing loaded from the network.

Builds the handout once per session with tools/handout.py from the SHARED executed notebooks (course_support:
each notebook runs once per session, two kernels at a time, whichever test asks first). Checks, per notebook:
it ran; every widget cell shows a picture captioned with the controls' values, in both versions; the student
version has no ``solution`` or ``answer`` cell and no exercise answer (``SPOILERS``) in its outputs, the
lecturer version has them all; no page loads anything from the network; the index pages list the notebooks
in order with their learning goals and times. The browser test with the network blocked is
test_course_handout_offline.py.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
import pytest

from course_support import ANSI, NAMES, NOTEBOOKS, executed, handout, output_texts, read, spoilers, tags

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """{"dir": output folder, "problems": {name: [...]}, "executed": {name: nb}} for every notebook."""
    out = tmp_path_factory.mktemp("handout")
    runs = executed(*NAMES)
    problems = handout.build(NOTEBOOKS, out, executed=runs)
    return {"dir": out, "problems": problems, "executed": runs}


def _page(built, version: str, name: str) -> str:
    return (built["dir"] / version / (Path(name).stem + ".html")).read_text(encoding="utf-8")


def _cell_html(page: str, cell_id: str) -> str | None:
    marker = f'id="cell-id={cell_id}"'
    if marker not in page:
        return None
    start = page.index(marker)
    following = re.search(r'id="cell-id=', page[start + 1:])
    return page[start:start + 1 + following.start()] if following else page[start:]


def _run(built, name) -> nbformat.NotebookNode:
    nb = built["executed"][name]
    if isinstance(nb, Exception):
        pytest.fail(f"{name} could not run: {type(nb).__name__}: {str(nb)[-1500:]}")
    return nb


def _widget_cells(nb) -> list[str]:
    return [cell.id for cell in nb.cells if handout._widget_outputs(cell)]


@pytest.mark.parametrize("name", NAMES)
def test_handout_builds_without_problems(built, name):
    """Runs without an error, a picture for every widget, nothing from the network, goal and time stated."""
    assert built["problems"][name] == [], f"{name}: {built['problems'][name]}"


@pytest.mark.parametrize("name", NAMES)
def test_every_widget_cell_shows_a_captioned_picture(built, name):
    nb = _run(built, name)
    captions = handout.widget_captions(nb)
    for cell_id in _widget_cells(nb):
        for version in handout.VERSIONS:
            segment = _cell_html(_page(built, version, name), cell_id)
            if segment is None and version == "student":
                continue  # a widget inside a solution/answer cell is left out of the student version
            assert segment is not None, f"{name} ({version}): widget cell {cell_id} is missing"
            figures = re.findall(r'<figure class="handout-widget">(.*?)</figure>', segment, re.S)
            assert figures, f"{name} ({version}), cell {cell_id}: no captioned picture for this widget"
            for figure in figures:
                assert re.search(r'<img[^>]+src="data:image/(png|jpeg|svg\+xml);base64,', figure), figure[:200]
                caption = re.search(r"<figcaption>Shown at: (.*?)</figcaption>", figure, re.S)
                assert caption and re.search(r"[=:] \S", caption.group(1)), \
                    f"{name} ({version}), cell {cell_id}: the caption states no control value: {caption}"
            assert handout.WIDGET_MIME not in segment
    assert len(captions) >= len(_widget_cells(nb)), f"{name}: widgets without stored state: {captions}"


@pytest.mark.parametrize("name", NAMES)
def test_student_version_has_no_solution_or_answer_and_lecturer_has_all(built, name):
    nb = _run(built, name)
    student, lecturer = _page(built, "student", name), _page(built, "lecturer", name)
    hidden = [cell.id for cell in nb.cells if tags(cell) & handout.HIDDEN_IN_STUDENT]
    for cell_id in hidden:
        assert _cell_html(student, cell_id) is None, f"{name}: the student version shows cell {cell_id}"
        assert _cell_html(lecturer, cell_id) is not None, f"{name}: the lecturer version lacks cell {cell_id}"
    for cell_id in (c.id for c in nb.cells):
        assert _cell_html(lecturer, cell_id) is not None, f"{name}: the lecturer version lacks cell {cell_id}"
    # no answer in any output the student sees (the page is made from this copy; markdown and code are not outputs)
    outputs = " ".join(ANSI.sub("", text) for _, text in output_texts(handout.student_version(nb)))
    found = [answer for answer in spoilers(name) if answer in outputs]
    assert not found, f"{name}: the student version's outputs give answers away: {found}"


@pytest.mark.parametrize("version", handout.VERSIONS)
def test_index_lists_notebooks_in_order_with_goals_and_times(built, version):
    index = (built["dir"] / version / "index.html").read_text(encoding="utf-8")
    positions = []
    for name in NAMES:
        page = Path(name).stem + ".html"
        assert f'href="{page}"' in index, f"the {version} index does not link {page}"
        assert (built["dir"] / version / page).is_file()
        positions.append(index.index(f'href="{page}"'))
        run = built["executed"][name]
        info = handout.notebook_info(run if not isinstance(run, Exception) else read(name))
        assert info["time"] and info["time"] in index, f"{name}: time {info['time']!r} not in the index"
        assert info["goal"], f"{name}: no learning goal"
    assert positions == sorted(positions), "the index does not list the notebooks in order"
    assert (built["dir"] / version / "mathjax" / "MathJax.js").is_file()
    assert handout.remote_references(index) == []
    assert 'href="student/index.html"' in (built["dir"] / "index.html").read_text()


def test_remote_references_finds_every_kind_of_load():
    page = ('<script src="https://cdn.example/require.js"></script><link rel="stylesheet" href="//cdn.x/a.css">'
            '<style>@import url("https://fonts.x/f.css"); .a { background: url(http://x/y.png) }</style>'
            '<img src="http://x/p.png"><script type="module">await import("https://cdn.x/m.mjs")</script>'
            '<a href="https://example.org/paper">a link is not a load</a>'
            '<script src="mathjax/MathJax.js?config=TeX"></script><img src="data:image/png;base64,AAAA">')
    assert handout.remote_references(page) == sorted(["https://cdn.example/require.js", "//cdn.x/a.css",
                                                      "https://fonts.x/f.css", "http://x/y.png", "http://x/p.png",
                                                      "https://cdn.x/m.mjs"])


def test_plain_nbconvert_would_load_from_a_cdn_and_the_handout_does_not():
    """The check above is not vacuous: nbconvert's own lab template loads MathJax and require.js remotely."""
    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("$x^2$")])
    nb.metadata["widgets"] = {handout.WIDGET_STATE_MIME: {"state": {}, "version_major": 2, "version_minor": 0}}
    plain, _ = HTMLExporter(template_name="lab").from_notebook_node(copy.deepcopy(nb))
    assert any("mathjax" in url.lower() for url in handout.remote_references(plain))
    assert any("require" in url for url in handout.remote_references(plain))
    assert handout.remote_references(handout.to_html(handout.static_widgets(nb))) == []


def test_student_version_drops_solutions_answers_and_placeholder_feedback():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    said = [nbformat.v4.new_output("stream", name="stdout", text="Not attempted yet\n")]
    nb = nbformat.v4.new_notebook(cells=[md("**1.** Do it."), code("def f(): ...", metadata={"tags": ["exercise"]}),
                                         code("check(f)", outputs=said, metadata={"tags": ["check"]}),
                                         code("secret", metadata={"tags": ["solution"]}),
                                         code("reveal", metadata={"tags": ["answer"]}), code("plot()", outputs=said)])
    student = handout.student_version(nb)
    assert [c.source for c in student.cells] == ["**1.** Do it.", "def f(): ...", "check(f)", "plot()"]
    assert student.cells[2].outputs == [] and student.cells[3].outputs == said
    assert len(handout.lecturer_version(nb).cells) == 6 and len(nb.cells) == 6  # the input is not changed


def test_caption_reads_slider_and_choice_values_from_the_widget_state():
    state = {"app": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_row", "IPY_MODEL_hbox"]}},
             "row": {"model_name": "FloatSliderModel", "state": {"description": "weight $W$", "value": -2.5}},
             "hbox": {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_label", "IPY_MODEL_tb"]}},
             "label": {"model_name": "LabelModel", "state": {"value": "state $h_j$"}},
             "tb": {"model_name": "ToggleButtonsModel", "state": {"description": "", "index": 1,
                                                                  "_options_labels": ["0", "1"]}}}
    out = nbformat.v4.new_output("display_data", data={handout.WIDGET_MIME: {"model_id": "app"},
                                                       "image/png": "iVBORw0KGgo="})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("app", outputs=[out])])
    nb.metadata["widgets"] = {handout.WIDGET_STATE_MIME: {"state": state}}
    assert handout.widget_captions(nb) == {"app": "weight $W$ = -2.5; state $h_j$: 1"}
    page = handout.to_html(handout.static_widgets(copy.deepcopy(nb)))
    assert "<figcaption>Shown at: weight $W$ = -2.5; state $h_j$: 1</figcaption>" in page
    # without the widget state the caption says so, and the caption test above would fail
    del nb.metadata["widgets"]
    assert "controls unknown" in handout.to_html(handout.static_widgets(nb))


def test_handout_check_can_fail(built):
    """An output with only a live widget (no picture) is reported."""
    nb = copy.deepcopy(_run(built, "02_exact_correction.ipynb"))
    cell = next(c for c in nb.cells if handout._widget_outputs(c))
    for out in cell.outputs:
        for mime in handout.IMAGE_MIMES:
            out.get("data", {}).pop(mime, None)
    assert handout.widget_cells_without_image(nb) == [cell.id]


def test_the_interactive_notebooks_have_widget_cells(built):
    """02, 03 and 04 display apps; the caption checks are not vacuous for them."""
    for name, least in (("02_exact_correction.ipynb", 2), ("03_approximations.ipynb", 2),
                        ("04_explaining_away.ipynb", 1)):
        assert len(_widget_cells(_run(built, name))) >= least, name
