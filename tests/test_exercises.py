"""Exercise cells of notebooks 00–02, and the shared pieces of the checker test tables.

The per-checker tables are in tests/test_exercises_nb00.py … nb02.py (and the
N-B helper's nb03/nb04 files). They use the helpers below:

* :func:`load_checkers` imports ``orbm_explore.exercises.nbNN`` — or, when the
  environment variable ``ORBM_OLD_CHECKERS`` names a folder, the file
  ``old_nbNN.py`` in it, so a table can be run against an older checker
  (``git show HEAD:orbm_explore/exercises/nb00.py > /tmp/old/old_nb00.py``) to
  show that it fails there;
* :func:`trivial_answers`: the answers every checker must refuse;
* :func:`assert_refused` / :func:`assert_accepted`: run a checker and check its
  verdict and that a refusal does not print the answer.

The tests here check the notebooks' exercise cells: the committed placeholder
is "not attempted", exercise cells only define functions, checks and
collapsed solutions follow them, and every "why" has a written answer.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ shared helpers of the checker tables
def load_checkers(name: str):
    """The checker module ``orbm_explore.exercises.<name>``, or ``$ORBM_OLD_CHECKERS/old_<name>.py`` if set."""
    folder = os.environ.get("ORBM_OLD_CHECKERS")
    if not folder:
        return importlib.import_module(f"orbm_explore.exercises.{name}")
    path = Path(folder) / f"old_{name}.py"
    spec = importlib.util.spec_from_file_location(f"orbm_explore.exercises._old_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def returning(value: Any) -> Callable[..., Any]:
    """A student's function that ignores its inputs and returns ``value``."""
    return lambda *args, **kwargs: value


def placeholder(*args, **kwargs):
    # Return the answer here.
    ...


def forgot_return(*args, **kwargs):
    answer = 0.5  # noqa: F841


def raises_inside(*args, **kwargs):
    return {}["a key the student mistyped"]


def trivial_answers(shape: tuple[int, ...]) -> dict[str, Any]:
    """What is passed to the checker (mostly functions), for answers every checker refuses.

    ``shape`` is the shape of one right answer (``()`` for a number).
    """
    return {
        "returns 0": returning(0), "returns 0.0": returning(0.0), "returns zeros": returning(np.zeros(shape)),
        "returns ones": returning(np.ones(shape)),
        "returns None": returning(None), "returns Ellipsis": returning(...), "forgot return": forgot_return,
        "returns 10**400": returning(10 ** 400), "returns inf": returning(float("inf")),
        "returns nan": returning(float("nan")), "returns inf array": returning(np.full(shape, np.inf)),
        "returns nan array": returning(np.full(shape, np.nan)), "returns a string": returning("0.5"),
        "returns True": returning(True), "returns a dict": returning({"answer": 1}),
        "returns a huge-int list": returning([10 ** 400] * max(1, int(np.prod(shape)))),
        "placeholder": placeholder, "raises inside": raises_inside,
        "a float, not a function": 0.5, "None, not a function": None, "a string, not a function": "my answer",
    }


TRIVIAL_KINDS = sorted(trivial_answers(()))


def _numbers(values: Iterable[Any]) -> list[float]:
    flat = []
    for value in values:
        flat.extend(float(x) for x in np.ravel(np.asarray(value, dtype=np.float64)))
    return flat


def assert_answer_not_printed(out: str, answers: Iterable[Any] = (), texts: Iterable[str] = ()) -> None:
    """No right-answer number (formatted with 2–4 decimals) and none of ``texts`` appears in ``out``."""
    for value in _numbers(answers)[:200]:
        if np.isfinite(value) and abs(value) > 1e-6:
            for digits in (2, 3, 4):
                assert f"{value:.{digits}f}" not in out, (value, out)
    for text in texts:
        assert text not in out, (text, out)


def run_checker(check: Callable[[Any], bool], answer: Any, capsys) -> tuple[Any, str]:
    capsys.readouterr()
    result = check(answer)  # a checker never raises: an exception here fails the test
    return result, capsys.readouterr().out


def assert_refused(check, answer, capsys, answers: Iterable[Any] = (), texts: Iterable[str] = ()) -> str:
    """The checker returns False, says "Not yet"/"Not attempted", and does not print the answer."""
    result, out = run_checker(check, answer, capsys)
    assert result is False, out
    verdict = "".join(line for line in out.splitlines(keepends=True) if not line.startswith("Note: "))
    assert verdict.startswith(("Not yet", "Not attempted")), out  # after any note that something was put back
    assert "Correct" not in out, out
    assert_answer_not_printed(out, answers, texts)
    return out


def assert_accepted(check, answer, capsys) -> str:
    result, out = run_checker(check, answer, capsys)
    assert result is True, out
    assert out.startswith("Correct"), out
    return out


def assert_trivial_refused(check, kind: str, shape, capsys, answers=(), texts=()) -> None:
    """One of :func:`trivial_answers` is refused with the right kind of message."""
    out = assert_refused(check, trivial_answers(shape)[kind], capsys, answers, texts)
    if kind == "raises inside":
        assert "your code's error" in out and "KeyError" in out and "mistyped" in out, out
    if kind in ("returns None", "forgot return"):
        assert "did you forget `return`" in out, out
    if kind in ("placeholder", "None, not a function", "returns Ellipsis"):
        assert out.startswith("Not attempted"), out
    if kind.endswith("not a function") and kind != "None, not a function":
        assert "expects" in out, out


def stack_numbers(depth: int = 40, package: str = "orbm_explore") -> list[np.ndarray]:
    """A cheat's view of the checker: every number reachable from the locals of the frames above the caller.

    Walks ``depth`` frames up from the student's function and collects, from the locals of each frame whose
    code is in ``package`` (the checker and its harness, not the test that runs them), numbers and
    numeric arrays, looking inside lists, tuples, dicts and objects' attributes (three levels deep). A checker
    that builds its reference only after the student's function has returned leaves none of its expected
    values there.
    """
    import sys

    found: list[np.ndarray] = []
    seen: set[int] = set()

    def collect(value: Any, level: int) -> None:
        if id(value) in seen or level > 3:
            return
        seen.add(id(value))
        if isinstance(value, (bool, np.bool_)):
            return
        if isinstance(value, (int, float, np.number)):
            found.append(np.asarray(value, dtype=np.float64))
        elif isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
            found.append(np.asarray(value, dtype=np.float64))
        elif isinstance(value, (list, tuple, set)):
            for item in list(value)[:1000]:
                collect(item, level + 1)
        elif isinstance(value, dict) or type(value).__name__ == "mappingproxy":
            for item in list(value.values())[:1000]:
                collect(item, level + 1)
        elif hasattr(value, "__dict__") and not callable(value) and type(value).__module__ != "builtins":
            collect(vars(value), level + 1)

    frame = sys._getframe(2)
    for _ in range(depth):
        if frame is None:
            break
        if f"{package}/" in frame.f_code.co_filename.replace("\\", "/"):
            for value in list(frame.f_locals.values()):
                collect(value, 0)
        frame = frame.f_back
    return found


def reachable(answer: Any, found: list[np.ndarray], rtol: float = 1e-9) -> bool:
    """True if ``answer`` (or each of its numbers, for a pair) is among the collected ``found`` values."""
    answer = np.asarray(answer, dtype=np.float64)
    if answer.ndim == 0 or answer.size <= 2:
        return all(any(f.shape == () and np.isclose(f, x, rtol=rtol, atol=0) for f in found) for x in answer.ravel())
    return any(f.shape == answer.shape and np.allclose(f, answer, rtol=rtol, atol=0) for f in found)


# ------------------------------------------------------------------ the notebooks' exercise cells (00–02)
EXERCISE_FUNCTIONS = {
    "00_start_here": {"burglar_probabilities": ("nb00", "check_burglar_probabilities"),
                      "posterior_covariance": ("nb00", "check_posterior_covariance")},
    "01_vanilla_rbm": {"free_energy": ("nb01", "check_free_energy"), "steps_to_mix": ("nb01", "check_steps_to_mix")},
    "02_exact_correction": {"correction_pair": ("nb02", "check_correction_pair"),
                            "log_odds_every_v": ("nb02", "check_log_odds_every_v")},
}
CASES = [(notebook, name) for notebook, names in EXERCISE_FUNCTIONS.items() for name in names]


def _notebook_cells(notebook: str) -> list[dict]:
    return json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text())["cells"]


def _tagged(cells: list[dict], tag: str) -> list[dict]:
    return [c for c in cells if tag in c["metadata"].get("tags", [])]


@pytest.mark.parametrize("notebook, name", CASES)
def test_notebook_placeholder_is_not_attempted(notebook, name, capsys):
    """The exercise cell exactly as committed (the student's starting point) is "not attempted"."""
    module, check = EXERCISE_FUNCTIONS[notebook][name]
    namespace = {"np": np}
    for cell in _tagged(_notebook_cells(notebook), "exercise"):
        exec(compile("".join(cell["source"]), f"{notebook}:{cell['id']}", "exec"), namespace)
    assert name in namespace, f"{notebook} has no exercise cell defining {name}"
    checker = getattr(importlib.import_module(f"orbm_explore.exercises.{module}"), check)
    result, out = run_checker(checker, namespace[name], capsys)
    assert result is False and out.startswith("Not attempted"), out


@pytest.mark.parametrize("notebook", sorted(EXERCISE_FUNCTIONS))
def test_each_exercise_is_statement_exercise_check_solution(notebook):
    """Statement (with **k.** and a tolerance), exercise, check, collapsed solution, in that order."""
    cells = _notebook_cells(notebook)
    starts = [k for k, c in enumerate(cells) if "exercise" in c["metadata"].get("tags", [])]
    assert len(starts) == len(EXERCISE_FUNCTIONS[notebook]) == 2
    for number, k in enumerate(starts, start=1):
        statement, exercise, check, solution = cells[k - 1: k + 3]
        text = "".join(statement["source"])
        assert statement["cell_type"] == "markdown" and f"**{number}.**" in text, text
        assert re.search(r"within|exact|tolerance", text, re.I), f"{notebook} ex. {number} states no tolerance"
        source = "".join(exercise["source"])
        assert "check" not in source and "assert" not in source and "..." in source, source
        assert "check" in check["metadata"]["tags"]
        assert "from orbm_explore.exercises import" in "".join(check["source"])
        assert "solution" in solution["metadata"]["tags"]
        assert solution["metadata"].get("jupyter", {}).get("source_hidden") is True, solution["id"]
        assert "assert nb0" in "".join(solution["source"]), f"solution {solution['id']} does not assert its check"


@pytest.mark.parametrize("notebook", sorted(EXERCISE_FUNCTIONS))
def test_every_why_has_an_answer_in_a_solution(notebook):
    """Each exercise that asks "why" has a solution containing a written answer ("# Why:")."""
    cells = _notebook_cells(notebook)
    asked = 0
    for k, cell in enumerate(cells):
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and "why" in text.lower() and re.search(r"\*\*\d\.\*\*", text):
            following = [c for c in cells[k + 1:] if "solution" in c["metadata"].get("tags", [])]
            assert following, f"{notebook} cell {k} asks why but has no solution after it"
            assert "# Why:" in "".join(following[0]["source"]), f"{notebook}: solution after cell {k} answers no why"
            asked += 1
    assert asked >= 1, f"{notebook}: no exercise asks why"


@pytest.mark.parametrize("module", ["nb00", "nb01", "nb02"])
def test_spoilers_are_listed(module):
    spoilers = importlib.import_module(f"orbm_explore.exercises.{module}").SPOILERS
    assert isinstance(spoilers, tuple) and spoilers and all(isinstance(s, str) and s for s in spoilers)
