"""Every course notebook follows the course's cell structure (read from the committed files; no execution).

- cell 0: ``# NN · title``, ``**Learning goal.** …`` and ``**Time:** about X min`` with the planned time;
- a ``## Key takeaways`` cell of 3–5 bullet lines and a ``## References`` cell with years;
- each exercise k: a markdown statement containing ``**k.**`` (task and tolerance), then a code cell tagged
  ``exercise``, one tagged ``check`` that calls the notebook's checker, one tagged ``solution`` (collapsed)
  that calls it too; no stray exercise tags; ``answer`` cells collapsed;
- no issue numbers in a notebook.

Each rule is a function returning the list of problems, so ``test_rules_reject_a_broken_notebook`` can show
that each one fails on a notebook that breaks it.
"""

from __future__ import annotations

import copy
import re

import nbformat
import pytest

from course_support import EXPECTED_MINUTES, NAMES, ROOT, number, read, tags

EXERCISE_TAGS = ("exercise", "check", "solution")
BULLET = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+\S")
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
TOLERANCE_WORDS = re.compile(r"within|toleran|exact|step|grid|%|digits|decimal|to \d|±|up to", re.I)


def _hidden(cell) -> bool:
    return bool(cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"))


def opening_problems(nb, name: str) -> list[str]:
    """Cell 0: title, learning goal, time (the planned one)."""
    if not nb.cells or nb.cells[0].cell_type != "markdown":
        return ["cell 0 is not a markdown cell"]
    source = nb.cells[0].source
    problems = []
    if not re.match(rf"#\s+{number(name)}\s+·\s+\S", source):
        problems.append(f"cell 0 does not start with the title '# {number(name)} · …'")
    goal = re.search(r"^\*\*Learning goal\.\*\*[ \t]*(\S.*)$", source, re.M)
    if not goal or len(goal.group(1).split()) < 5:
        problems.append("cell 0 has no line '**Learning goal.** …' stating the goal")
    spent = re.search(r"^\*\*Time:\*\*[ \t]*about[ \t]+(.+?)[ \t]*min\b", source, re.M)
    if not spent:
        problems.append("cell 0 has no line '**Time:** about X min'")
    else:
        minutes = tuple(int(x) for x in re.findall(r"\d+", spent.group(1)))
        expected = EXPECTED_MINUTES.get(number(name))
        if expected and minutes != expected:
            problems.append(f"cell 0 gives {spent.group(0)!r}; the course plan says "
                            f"{'–'.join(map(str, expected))} min")
    return problems


def ending_problems(nb) -> list[str]:
    """A Key takeaways cell with 3–5 bullets; a References cell with years."""
    problems = []
    takeaways = [c for c in nb.cells if c.cell_type == "markdown" and c.source.lstrip().startswith("## Key takeaways")]
    if len(takeaways) != 1:
        problems.append(f"expected one markdown cell starting '## Key takeaways', found {len(takeaways)}")
    else:
        bullets = [line for line in takeaways[0].source.splitlines() if BULLET.match(line)]
        if not 3 <= len(bullets) <= 5:
            problems.append(f"'## Key takeaways' has {len(bullets)} bullet lines; expected 3 to 5")
    references = [c for c in nb.cells if c.cell_type == "markdown" and c.source.lstrip().startswith("## References")]
    if len(references) != 1:
        problems.append(f"expected one markdown cell starting '## References', found {len(references)}")
    elif not YEAR.search(references[0].source):
        problems.append("'## References' cites no year")
    return problems


def exercise_problems(nb, name: str) -> list[str]:
    """Statement `**k.**`, then exercise / check / solution cells, k = 1, 2, … in order."""
    problems, k = [], 0
    cells = nb.cells
    used = set()
    checker = f"nb{number(name)}.check_"
    for i, cell in enumerate(cells):
        if "exercise" not in tags(cell):
            continue
        k += 1
        where = f"exercise {k} (cell {cell.get('id', i)})"
        statement = cells[i - 1] if i > 0 else None
        if statement is None or statement.cell_type != "markdown" or f"**{k}.**" not in statement.source:
            problems.append(f"{where}: the cell before it is not a markdown statement containing '**{k}.**'")
        elif not TOLERANCE_WORDS.search(statement.source):
            problems.append(f"{where}: its statement does not state the tolerance the checker uses "
                            "(e.g. 'within 1 %', 'a grid of step 0.01 is enough', 'exactly')")
        if cell.cell_type != "code":
            problems.append(f"{where}: the `exercise` cell is not a code cell")
        for offset, tag in ((1, "check"), (2, "solution")):
            j = i + offset
            if j >= len(cells) or tag not in tags(cells[j]) or cells[j].cell_type != "code":
                problems.append(f"{where}: cell {offset} after it is not a code cell tagged `{tag}`")
                continue
            used.add(j)
            if checker not in cells[j].source:
                problems.append(f"{where}: its `{tag}` cell does not call {checker}…")
        if i + 2 < len(cells) and "solution" in tags(cells[i + 2]) and not _hidden(cells[i + 2]):
            problems.append(f"{where}: its solution cell is not collapsed (metadata jupyter.source_hidden)")
        used.add(i)
    if k == 0:
        problems.append("no cell is tagged `exercise`")
    for j, cell in enumerate(cells):
        stray = tags(cell) & set(EXERCISE_TAGS)
        if stray and j not in used:
            problems.append(f"cell {cell.get('id', j)} is tagged {sorted(stray)} but is not part of an "
                            "exercise (statement, exercise, check, solution in that order)")
        if "answer" in tags(cell) and not _hidden(cell):
            problems.append(f"cell {cell.get('id', j)} is tagged `answer` but is not collapsed")
    statements = [c for c in cells if c.cell_type == "markdown" and re.search(r"\*\*\d+\.\*\*", c.source)]
    if len(statements) > k:
        problems.append(f"{len(statements)} markdown cells contain '**k.**' but only {k} exercise cells exist")
    return problems


ISSUE_NUMBER = re.compile(r"\b[Ii]ssues?\s*#?\d+|(?<![\w&])#\d{1,3}\b")


def issue_number_problems(nb) -> list[str]:
    """No issue numbers ('issue 12', '#12') in any cell's source."""
    problems = []
    for cell in nb.cells:
        text = cell.source if cell.cell_type == "markdown" else "\n".join(
            line for line in cell.source.splitlines() if line.lstrip().startswith("#"))  # code: comments only
        for match in ISSUE_NUMBER.finditer(text):
            if cell.cell_type == "markdown" and match.group(0).startswith("#"):
                continue  # markdown '#' is a heading or a colour, not an issue; only "issue N" counts there
            problems.append(f"cell {cell.get('id')}: {match.group(0)!r} looks like an issue number")
    return problems


@pytest.mark.parametrize("name", NAMES)
def test_opens_with_title_learning_goal_and_planned_time(name):
    problems = opening_problems(read(name), name)
    assert not problems, f"{name}: " + "; ".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_ends_with_key_takeaways_and_references(name):
    problems = ending_problems(read(name))
    assert not problems, f"{name}: " + "; ".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_each_exercise_has_statement_exercise_check_and_collapsed_solution(name):
    problems = exercise_problems(read(name), name)
    assert not problems, f"{name}: " + "; ".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_no_issue_numbers(name):
    problems = issue_number_problems(read(name))
    assert not problems, f"{name}: " + "; ".join(problems)


def test_readme_gives_each_notebooks_time_and_the_handout_versions():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The notebooks"):]
    section = section[:section.index("\n## ", 1)]
    for name in NAMES:
        expected = "–".join(map(str, EXPECTED_MINUTES[number(name)])) + " min"
        assert re.search(rf"^\| `{re.escape(name)}` \| {expected} \|", section, re.M), (name, expected)
    for phrase in ("make handout", "handout/student/", "handout/lecturer/", "index.html", "MathJax"):
        assert phrase in section, phrase


def test_there_are_seven_course_notebooks():
    assert [number(n) for n in NAMES] == [f"{k:02d}" for k in range(7)], NAMES


def _good_notebook() -> nbformat.NotebookNode:
    """A tiny notebook that follows every rule (the rules' own fixture)."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [md("# 02 · A title\n\n**Learning goal.** Derive the exact correction from the joint.\n\n"
                "**Time:** about 60–75 min"),
             md("**1.** Return C for both orders; within 1e-9."),
             code("def f():\n    # your code\n    ...", metadata={"tags": ["exercise"]}),
             code("nb02.check_pair(f);", metadata={"tags": ["check"]}),
             code("def f():\n    return 1\nnb02.check_pair(f);",
                  metadata={"tags": ["solution"], "jupyter": {"source_hidden": True}}),
             md("## Key takeaways\n\n- one\n- two\n- three"),
             md("## References\n\n- Pearl, J. (1988). Probabilistic reasoning.")]
    return nbformat.v4.new_notebook(cells=cells)


def test_rules_accept_a_good_notebook():
    nb, name = _good_notebook(), "02_x.ipynb"
    assert (opening_problems(nb, name) + ending_problems(nb) + exercise_problems(nb, name)
            + issue_number_problems(nb)) == []


def _broken(edit):
    nb = copy.deepcopy(_good_notebook())
    edit(nb)
    return nb


@pytest.mark.parametrize("edit, rule, expected", [
    (lambda nb: setattr(nb.cells[0], "source", nb.cells[0].source.replace("**Time:** about 60–75 min", "")),
     "opening", "Time"),
    (lambda nb: setattr(nb.cells[0], "source", nb.cells[0].source.replace("60–75", "30")), "opening", "plan"),
    (lambda nb: setattr(nb.cells[0], "source", nb.cells[0].source.replace("Learning goal.", "Goal.")),
     "opening", "Learning goal"),
    (lambda nb: setattr(nb.cells[0], "source", nb.cells[0].source.replace("# 02 ·", "# Two:")), "opening", "title"),
    (lambda nb: nb.cells.pop(5), "ending", "Key takeaways"),
    (lambda nb: setattr(nb.cells[5], "source", "## Key takeaways\n\n- one\n- two"), "ending", "bullet"),
    (lambda nb: setattr(nb.cells[6], "source", "## References\n\nPearl on explaining away."), "ending", "year"),
    (lambda nb: nb.cells.pop(6), "ending", "References"),
    (lambda nb: nb.cells.pop(1), "exercise", "**1.**"),
    (lambda nb: setattr(nb.cells[1], "source", "**1.** Return C for both orders."), "exercise", "tolerance"),
    (lambda nb: nb.cells[3].metadata.update(tags=[]), "exercise", "check"),
    (lambda nb: nb.cells[4].metadata.update(jupyter={}), "exercise", "collapsed"),
    (lambda nb: nb.cells.insert(6, nbformat.v4.new_code_cell("x", metadata={"tags": ["solution"]})),
     "exercise", "not part of an exercise"),
    (lambda nb: setattr(nb.cells[3], "source", "print(1)"), "exercise", "nb02.check_"),
    (lambda nb: nb.cells.insert(6, nbformat.v4.new_code_cell("print(0.47)", metadata={"tags": ["answer"]})),
     "exercise", "answer"),
    (lambda nb: setattr(nb.cells[5], "source", nb.cells[5].source + "\n\n(fixed in issue 19)"), "issue", "issue 19"),
    (lambda nb: setattr(nb.cells[2], "source", nb.cells[2].source + "\n# see #12 for why"), "issue", "#12"),
])
def test_rules_reject_a_broken_notebook(edit, rule, expected):
    nb, name = _broken(edit), "02_x.ipynb"
    problems = {"opening": lambda: opening_problems(nb, name), "ending": lambda: ending_problems(nb),
                "exercise": lambda: exercise_problems(nb, name), "issue": lambda: issue_number_problems(nb)}[rule]()
    assert problems and any(expected in p for p in problems), problems
