"""Run All of every notebook (one shared execution per session, see course_support): no cell raises, and no
output outside an ``answer``-tagged cell gives an exercise's answer away.

The answers are each exercises module's ``SPOILERS`` (``orbm_explore.exercises.nbNN.SPOILERS``): answers,
formatted numbers such as "0.47", phrases such as "3 steps". Outputs searched: streams, text/HTML data,
tracebacks, and the text of displayed widgets (HTML, labels) from the widget state stored by the run.
"""

from __future__ import annotations

import copy
import sys
import types

import nbformat
import pytest

from course_support import ANSI, NAMES, executed, handout, output_texts, spoilers, tags

pytestmark = pytest.mark.slow


def spoiled(nb: nbformat.NotebookNode, answers: tuple[str, ...]) -> list[str]:
    """"cell id: 'answer'" for each answer found in an output outside ``answer`` cells."""
    found = []
    for cell_id, text in output_texts(nb):
        plain = ANSI.sub("", text)
        found += [f"{cell_id}: {answer!r}" for answer in answers if answer in plain]
    return sorted(set(found))


def _executed(name: str) -> nbformat.NotebookNode:
    nb = executed(*NAMES)[name]  # the first call runs every notebook, two at a time
    if isinstance(nb, Exception):
        pytest.fail(f"{name} could not run: {type(nb).__name__}: {str(nb)[-1500:]}")
    return nb


@pytest.mark.parametrize("name", NAMES)
def test_run_all_raises_nowhere(name):
    problems = handout.errors(_executed(name))
    assert not problems, f"{name}: cells raised under Run All: " + "; ".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_run_all_prints_no_answer_outside_answer_cells(name):
    answers = spoilers(name)  # fails with a clear message if the module defines none
    found = spoiled(_executed(name), answers)
    assert not found, (f"{name}: Run All output gives answers away outside `answer`-tagged cells (a solution "
                       f"or check cell must print nothing that reveals the answer): {found}")


@pytest.mark.parametrize("name", NAMES)
def test_spoilers_cover_what_the_answer_cells_reveal(name):
    """An ``answer`` cell that prints text prints at least one SPOILER: otherwise the test above could not
    notice those answers leaking into another cell's output."""
    nb = _executed(name)
    answers = spoilers(name)
    for cell in nb.cells:
        if "answer" not in tags(cell):
            continue
        revealed = copy.deepcopy(cell)
        revealed.metadata["tags"] = []
        alone = nbformat.v4.new_notebook(cells=[revealed], metadata=nb.metadata)
        texts = output_texts(alone)
        found = spoiled(alone, answers)
        if texts:
            assert found, (
                f"{name}: answer cell {cell.id} prints {ANSI.sub('', texts[0][1])[:300]!r}, which contains none of "
                f"orbm_explore.exercises.nb{name[:2]}.SPOILERS {answers}; add the answers it reveals")


def _fake_run() -> nbformat.NotebookNode:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    stream = nbformat.v4.new_output("stream", name="stdout", text="Correct: 'strong explaining away'.\n")
    shown = nbformat.v4.new_output("display_data", data={"text/plain": "0.47"})
    return nbformat.v4.new_notebook(cells=[
        md("The answer is 0.47 (markdown is not output)."),
        code("print('ok')", outputs=[nbformat.v4.new_output("stream", name="stdout", text="ok\n")]),
        code("reveal()", outputs=[shown], metadata={"tags": ["answer"]}),
        code("check()", outputs=[stream], metadata={"tags": ["solution"]}),
    ])


def test_spoiler_search_finds_answers_in_outputs_only_outside_answer_cells():
    nb = _fake_run()
    assert spoiled(nb, ("strong explaining away", "0.47")) == [f"{nb.cells[3].id}: 'strong explaining away'"]
    nb.cells[1].outputs.append(nbformat.v4.new_output("error", ename="ValueError", evalue="expected 0.47",
                                                      traceback=["\x1b[31mValueError\x1b[0m: expected 0.47"]))
    assert f"{nb.cells[1].id}: '0.47'" in spoiled(nb, ("0.47",))


def test_spoiler_search_reads_displayed_widget_text():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("app", outputs=[nbformat.v4.new_output(
        "display_data", data={handout.WIDGET_MIME: {"model_id": "box"}, "text/plain": "VBox()"})])])
    nb.metadata["widgets"] = {handout.WIDGET_STATE_MIME: {"state": {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_readout"]}},
        "readout": {"model_name": "HTMLModel", "state": {"value": "<b>P(burglar | alarm) = 0.779</b>"}}}}}
    assert spoiled(nb, ("0.779",)) == [f"{nb.cells[0].id}: '0.779'"]


def test_a_module_without_spoilers_fails_with_a_clear_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "orbm_explore.exercises.nb97", types.ModuleType("orbm_explore.exercises.nb97"))
    with pytest.raises(AssertionError, match="does not define SPOILERS"):
        spoilers("97_fake.ipynb")
    empty = types.ModuleType("orbm_explore.exercises.nb98")
    empty.SPOILERS = ()
    monkeypatch.setitem(sys.modules, "orbm_explore.exercises.nb98", empty)
    with pytest.raises(AssertionError, match="non-empty tuple"):
        spoilers("98_fake.ipynb")
    with pytest.raises(AssertionError, match="cannot import"):
        spoilers("96_missing.ipynb")
