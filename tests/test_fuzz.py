"""Fuzz suite (issue 13): every public entry point with bad, edge and extreme inputs, each under a timeout.

The rows live in ``tests/test_fuzz_table.py`` (add rows there when you add an entry point). A row
that fails today and belongs to another module's owner is listed in
``tests/fuzz_known_failures.txt`` and runs as a non-strict xfail until its owner fixes it; remove
the line when it passes.
"""

from __future__ import annotations

import faulthandler
import importlib
import inspect
import signal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_fuzz_table import CASES, OWNERS, non_finite, run_case

KNOWN_FILE = Path(__file__).with_name("fuzz_known_failures.txt")


def _known() -> dict[str, str]:
    known = {}
    for line in KNOWN_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            owner, key = line.split(" | ", 1)
            known[key.strip()] = owner.strip()
    return known


KNOWN = _known()


def _param(case):
    marks = ()
    if case.key in KNOWN:
        marks = (pytest.mark.xfail(strict=False, reason=f"owner: {KNOWN[case.key]}"),)
    return pytest.param(case, id=case.key, marks=marks)


@pytest.fixture
def hard_timeout():
    """A last-resort guard: a case stuck in compiled code (where the alarm cannot reach) ends the run."""
    faulthandler.dump_traceback_later(180, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_fuzz_row(case, hard_timeout):
    outcome = run_case(case, seconds=20)
    assert outcome.verdict in ("clear", "ok"), f"{case.key} [{case.owner}]: {outcome.verdict}: {outcome.detail}"


def test_known_failures_name_real_rows():
    keys = {case.key for case in CASES} | {f"wrong objects: {t}" for t in _wrong_object_targets()}
    assert set(KNOWN) <= keys, sorted(set(KNOWN) - keys)
    assert len({case.key for case in CASES}) == len(CASES), "row ids must be unique"


def test_the_judge_can_fail():
    """run_case flags a silent NaN, a wrong error, a missing name, and a hang."""
    from test_fuzz_table import Case

    assert run_case(Case("stats", "x", lambda: np.nan, ("x",), "edge")).verdict == "silently wrong"
    assert run_case(Case("stats", "x", lambda: 1.0, ("x",), "bad")).verdict == "silently wrong"
    assert run_case(Case("stats", "x", lambda: [][1], ("x",), "bad")).verdict == "unclear"
    assert run_case(Case("stats", "x", lambda: (_ for _ in ()).throw(ValueError("y is bad")), ("x",))).verdict \
        == "unclear"
    assert run_case(Case("stats", "x", lambda: (_ for _ in ()).throw(ValueError("x is bad")), ("x",))).verdict \
        == "clear"

    def spin():
        while True:
            pass

    assert run_case(Case("stats", "x", spin, ("x",)), seconds=0.5).verdict == "hang"
    assert non_finite({"a": (1.0, np.array([1.0, np.inf]))})


# Entry points that take no arguments, or are not called by users (types, constants, re-exports).
NOT_FUZZED = {
    "numerics": {"as_float_array", "as_binary_array", "broadcast_named", "bernoulli", "check_count",
                 "memory_limit_bytes", "BudgetError", "MEMORY_LIMIT_ENV"},
    "corrections": {"Correction", "CORRECTIONS", "log_sigmoid", "softplus", "exact_reference"},
    "rbm": {"as_batch", "bernoulli"},
    "sampling": {"Cause", "PosteriorState", "PosteriorSampler", "layer_psi", "sequential_sweep", "parallel_sweep",
                 "SCHEDULES"},
    "exact": {"MAX_STATES", "MAX_KERNEL_STATES", "MAX_BYTES"},
    "stats": {"GoodnessOfFit"},
    "datasets": {"xor_2bit", "squares_and_rectangles", "Composites"},
    "training": {"TrainingHistory"},
    "exact_learning": {"ExactHistory"},
    "toys": {"ALARM_PRESETS"},
    "plots": {"CorrectionPanels"},
    "explore": {"NotesCells", "ChainRun", "Step", "ALARM_CONDITIONS", "QUAKE_STATES"},
    "modelio": {"ModelFileError", "FORMAT_VERSION", "MAX_ARRAY_BYTES"},
    "blind": {"BARS_SETTINGS", "BlindResult", "TemplateFit"},
}


@pytest.mark.parametrize("module", sorted(set(OWNERS) - {"cli", "derivations", "sampling"}))
def test_every_public_entry_point_has_rows(module):
    """A new public function or class needs rows in the table (cli: tests/test_cli.py)."""
    try:
        mod = importlib.import_module(f"orbm_explore.{module}")
    except ImportError as err:
        pytest.skip(f"orbm_explore.{module} does not import: {err}")
    public = getattr(mod, "__all__", [])
    ids = " ".join(case.id for case in CASES if case.module in (module, "modelio"))
    missing = []
    for name in public:
        obj = getattr(mod, name, None)
        if name in NOT_FUZZED.get(module, set()) or not callable(obj):
            continue
        if inspect.isclass(obj) and issubclass(obj, BaseException):
            continue
        if name not in ids:
            missing.append(name)
    assert not missing, f"no fuzz rows for {module}.{', '.join(missing)} (owner: {OWNERS[module]})"


# ------------------------------------------------------------------------- property-based fuzzing
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(finite, finite, finite)
def test_corrections_are_finite_for_every_finite_input(phi0, eps, w):
    from orbm_explore import corrections

    for name, args in (("exact", (phi0, eps, w)), ("linear", (phi0, eps, w)), ("sigmoid", (phi0, eps, w)),
                       ("local", (phi0, 1.0, eps, w)), ("local", (phi0, 0.0, eps, w))):
        value = getattr(corrections, name)(*args)
        assert np.isfinite(value), (name, args, value)
    assert abs(corrections.exact(phi0, eps, w)) <= abs(w) * (1 + 1e-12) + 1e-300


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(0, 30), st.sampled_from(["horizontal", "vertical"]),
       st.floats(5e-324, 1.0, exclude_max=True), st.booleans(), st.integers(0, 2 ** 32))
def test_bars_valid_arguments_always_answer_with_bars(size, n_samples, orientation, p_on, at_least_one, seed):
    from orbm_explore import datasets

    images = datasets.bars(size, n_samples, orientation, p_on=p_on, rng=seed, at_least_one=at_least_one)
    assert images.shape == (n_samples, size * size)
    grid = images.reshape(n_samples, size, size)
    lines = grid[:, :, 0] if orientation == "horizontal" else grid[:, 0, :]
    expected = np.repeat(lines[:, :, None], size, axis=2)
    assert np.array_equal(grid, expected if orientation == "horizontal" else expected.transpose(0, 2, 1))
    if at_least_one:
        assert np.all(lines.sum(axis=1) >= 1)


WRONG_OBJECTS = st.one_of(
    st.text(max_size=5), st.none(), st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.lists(st.text(max_size=2), min_size=1, max_size=3), st.just(float("nan")), st.just([[0.0, float("nan")]]),
    st.just(1j), st.just(object()), st.just([[1, 0], [1]]), st.just(np.zeros((2, 2, 2))),
    st.just(np.array([1, 0, 1], dtype=object)), st.just(np.full(3, 0.5)), st.just(np.zeros((0, 0))),
)


def _wrong_object_targets():
    from test_fuzz_table import DATA, model, rbm

    return {
        "RBM.hidden_input(v)": ("lead", "v", lambda x: rbm().hidden_input(x)),
        "TwoCauseRBM.psi(v)": ("lead", "v", lambda x: model().psi([1, 0], [1], x)),
        "TwoCauseRBM.sample_posterior(v)": ("lead", "v", lambda x: model().sample_posterior(x, 1, rng=0)),
        "train_rbm(data)": ("lead", "data", lambda x: __import__("orbm_explore.training", fromlist=["x"]).train_rbm(
            x, 2, epochs=1, progress=False)),
        "separate(v)": ("E", "v", lambda x: __import__("orbm_explore.separation", fromlist=["x"]).separate(
            model(), x, 2, n_average=1)),
        "composites(a)": ("B2", "a", lambda x: __import__("orbm_explore.datasets", fromlist=["x"]).composites(
            x, DATA)),
        "exact.posterior(v)": ("B1", "v", lambda x: __import__("orbm_explore.exact", fromlist=["x"]).posterior(
            model(), x)),
        "stats.total_variation(p)": ("B1", "p", lambda x: __import__("orbm_explore.stats", fromlist=["x"]).
                                     total_variation(x, [0.5, 0.5])),
        "pixel_accuracy(reconstruction)": ("E", "reconstruction", lambda x: __import__(
            "orbm_explore.separation", fromlist=["x"]).pixel_accuracy(x, np.zeros((1, 3)))),
    }


@pytest.mark.parametrize("target", [
    pytest.param(t, marks=(pytest.mark.xfail(strict=False, reason=f"owner: {o}"),) if f"wrong objects: {t}" in KNOWN
                 else (), id=t) for t, (o, _, _) in _wrong_object_targets().items()])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=WRONG_OBJECTS)
def test_wrong_objects_get_an_error_naming_the_argument(target, value):
    owner, name, call = _wrong_object_targets()[target]
    previous = signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError(target)))
    signal.alarm(20)
    try:
        with pytest.raises((ValueError, TypeError)) as err:
            call(value)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert name in str(err.value), f"[{owner}] {target}({value!r}): {err.value}"


COMMAND_WORDS = {
    "--size": ["0", "1", "3", "65", "x", "-2", ""], "--p-on": ["0", "0.5", "1", "nan", "-inf", "1e-300"],
    "--samples": ["0", "5", "-1", "1.5"], "--n-hidden": ["0", "2", "x"], "--epochs": ["0", "1", "-1", "2.0"],
    "--learning-rate": ["nan", "inf", "-1", "0.1", "1e308", "x"], "--batch-size": ["0", "3", "-3"],
    "--seed": ["-1", "0", "99999999999999999999", "s"], "--classes": ["3", "11"],
    "--random": ["0", "1", "-1", "x"], "--sweeps": ["0", "1", "2", "x"], "--image": ["", "10", "1" * 16, "01x",
                                                                                      "1111 0000"],
    "--correction": ["exact", "bogus", ""], "--mode": ["solo", "bogus"], "--plot": ["{tmp}/nodir/p.png",
                                                                                   "{tmp}", "{tmp}/p.xyz"],
    "--out": ["{tmp}/m.npz", "{tmp}", "{tmp}/afile/m.npz", ""], "--bogus": ["1"],
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(["train bars", "train digits", "separate {model}", "derivations", "bogus", ""]),
       options=st.lists(st.tuples(st.sampled_from(sorted(COMMAND_WORDS)), st.integers(0, 6)), max_size=4))
def test_random_command_lines_exit_0_or_2_with_one_line(tmp_path_factory, command, options, capsys):
    from orbm_explore.cli import main

    tmp = tmp_path_factory.getbasetemp() / "fuzzcli"
    tmp.mkdir(exist_ok=True)
    (tmp / "afile").write_text("x")
    model_path = tmp / "model.npz"
    if not model_path.exists():
        from test_fuzz_table import model

        model(2, 2, 16).save(model_path)
    argv = command.format(model=model_path).split()
    for option, index in options:
        words = COMMAND_WORDS[option]
        argv += [option, words[index % len(words)].format(tmp=tmp)]
    if argv[:1] == ["train"]:  # keep any training that does run short
        argv += ["--quiet"]
        argv = [w if w not in ("--epochs",) else w for w in argv]
        if "--epochs" not in argv:
            argv += ["--epochs", "1"]
        if "--samples" not in argv:
            argv += ["--samples", "20"]
    if argv[:1] == ["derivations"]:
        argv = ["derivations", "--help"]
    previous = signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError(" ".join(argv))))
    signal.alarm(60)
    try:
        code = main(argv)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    out, err = capsys.readouterr()
    assert code in (0, 2), (argv, code, err)
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and "error" in err and "Traceback" not in err, (argv, err)
