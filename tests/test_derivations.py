"""The derivations: four verdicts, checks that can fail, the bridge to the library, the exit status, timing.

One full command run (a subprocess, with ``--json``) gives the unmutated table. The mutation table is in
tests/test_derivations_mutations.py, the errata in tests/test_derivations_errata.py.
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy as sp

from orbm_explore import derivations as d
from orbm_explore.derivations import W, eps, engine, phi, report
from orbm_explore.derivations.engine import FAILS, NUMERIC, PROVEN, UNDECIDED, compare, run_limited, run_limited_status

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ the unmutated run
@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("derivations") / "claims.json"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "orbm_explore", "derivations", "--json", str(out)],
                            capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # includes the forked workers and SymPy children
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    data = json.loads(out.read_text())
    claims = [d.Claim(**{k: tuple(v) if k == "steps" else v for k, v in c.items()}) for c in data["claims"]]
    return result, (elapsed, cpu), claims, data


def test_unmutated_cli_exits_0_with_progress_on_stderr(cli_run):
    result, (elapsed, cpu), claims, data = cli_run
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    progress = [line for line in result.stderr.splitlines() if line.startswith("derivations: [")]
    assert len(progress) == len(d.task_names())
    assert "Traceback" not in result.stderr
    assert f"All {len(d.ERRATA)} errata are backed" in result.stdout
    assert "0 of" in result.stdout and "relied-on claims are below their required level" in result.stdout
    assert data["counts"] == report.counts(claims)
    print(f"derivations: {elapsed:.1f} s wall, {cpu:.1f} s CPU")  # shown with -s; the limits are in the benchmark
    assert cpu < 120, f"the command used {cpu:.1f} s of CPU"


def test_verdicts_and_requirements_of_the_unmutated_run(cli_run):
    _, _, claims, _ = cli_run
    names = [c.name for c in claims]
    assert len(names) == len(set(names))
    library = [c for c in claims if c.role == "library"]
    assert {c.name for c in library} >= {"marginal log P*(h)", "slope-matching gain", "exact correction"}
    assert [c.name for c in library if c.verdict != PROVEN] == []  # relied on: each must be a SymPy proof
    bridges = [c for c in claims if c.role == "bridge"]
    assert len(bridges) >= 26 and all(c.verdict == NUMERIC for c in bridges)  # numbers by nature, every point holds
    assert all(c.meets_requirement for c in claims)
    assert not [c.name for c in claims if c.verdict == UNDECIDED]
    # ✓ only for proofs: the rows that check numbers (linspace bounds, float64 accuracy) are ≈
    assert next(c for c in claims if c.name.startswith("In[5] with In[4]")).verdict == NUMERIC
    assert all(c.verdict != PROVEN for c in claims if "np.log(sigmoid" in c.name)


def test_readme_states_the_counts_the_run_prints(cli_run):
    _, _, claims, _ = cli_run
    n = report.counts(claims)
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    expected = (f"{n['total']} rows: {n['proven']} ✓ proofs, {n['numbers']} ≈ numbers only, {n['undecided']} ? "
                f"undecided, {n['errata']} ✗ errata, and {n['reading_notes']} reading notes")
    assert expected in readme, expected


def test_numeric_evidence_reaches_the_edges(cli_run):
    _, _, claims, _ = cli_run
    largest_seen = []
    for c in claims:
        if c.role == "library" and re.search(r"\d{3,} points with", c.detail):
            largest = re.search(r"\|x\| ≤ ([0-9.e+]+)", c.detail)
            smallest = re.search(r"nonzero \|x\| ≥ ([0-9.e+-]+)", c.detail)
            assert largest and float(largest.group(1)) >= 1e20, c.detail
            assert smallest and float(smallest.group(1)) <= 1e-100, c.detail
            largest_seen.append(float(largest.group(1)))
    assert max(largest_seen) >= 1e300


# ------------------------------------------------------------------ the engine
def test_edge_sampling_catches_drift_only_near_zero_and_only_far_out():
    near_zero = sp.Piecewise((phi * (1 + sp.Rational(1, 10 ** 6)), sp.Abs(phi) < sp.Rational(1, 10 ** 5)), (phi, True))
    assert compare(near_zero, phi, prove=False).verdict == FAILS
    far_out = sp.Piecewise((0, sp.Abs(phi) > 10 ** 50), (phi, True))
    assert compare(far_out, phi, prove=False).verdict == FAILS
    negative_w = sp.Piecewise((-W, W < 0), (W, True))
    assert compare(negative_w, W, prove=False).verdict == FAILS
    assert compare(phi, phi, prove=False).verdict == NUMERIC


def test_a_forced_sympy_timeout_gives_undecided_never_a_cross(monkeypatch):
    monkeypatch.setattr(engine, "_PROOF_CACHE", {})
    monkeypatch.setattr(engine, "run_limited_status", lambda task, seconds=0, memory=0: ("out", None))
    claims = d.verify_all(bridges=False, workers=1, only=["check_gain", "check_free_phase", "check_log_ratio",
                                                           "check_marginal_log", "check_sleep", "errata.closing_cells"])
    assert claims and not [c.name for c in claims if c.verdict == FAILS]
    assert all(c.verdict == UNDECIDED for c in claims), [(c.name, c.verdict) for c in claims]
    assert "ran out" in next(c for c in claims if c.name == "slope-matching gain").detail
    # the exit status counts only relied-on claims: the notes' own undecided rows do not fail the run
    assert report.exit_status(claims) == 1
    notes_only = [c for c in claims if c.role == "notes"]
    assert notes_only and report.exit_status(notes_only) == 0
    assert report.counts(claims)["undecided"] == len(claims)


def test_a_wrong_claim_stays_a_cross_when_sympy_times_out(monkeypatch):
    monkeypatch.setattr(engine, "_PROOF_CACHE", {})
    monkeypatch.setattr(engine, "run_limited_status", lambda task, seconds=0, memory=0: ("out", None))
    assert d.check_log_ratio_limits(switch=-W).verdict == FAILS


def test_a_sympy_step_that_runs_too_long_is_killed_by_its_cpu_limit():
    start = time.perf_counter()
    status, _ = run_limited_status(lambda: sum(i * i for i in range(10 ** 10)), seconds=1.0)
    assert status == "out" and time.perf_counter() - start < 15
    assert run_limited_status(lambda: time.sleep(30), seconds=0.2)[0] == "out"  # the wall-clock backstop
    assert run_limited(lambda: True, seconds=5.0) is True
    assert run_limited_status(lambda: 1 / 0, seconds=5.0)[0] == "error"  # an error is "not proven", never ✓


def test_a_sympy_step_that_uses_too_much_memory_is_stopped():
    assert run_limited_status(lambda: len(bytearray(1 << 33)) > 0, seconds=20.0, memory=1 << 28)[0] == "out"


def test_points_include_the_switch_points_and_the_notes_values():
    wrong_only_at_switch = sp.Piecewise((1, sp.Eq(phi, -W / 2)), (0, True))
    assert compare(wrong_only_at_switch, 0, specials={phi: [-W / 2]}, n_random=0).verdict == FAILS
    wrong_only_at_40 = sp.Piecewise((1, sp.Eq(eps, 40)), (0, True))
    assert compare(wrong_only_at_40, 0, n_random=0).verdict == FAILS


def test_only_filter_and_bad_names():
    assert [c.name for c in d.verify_all(only=["check_red_green"], workers=1)] == ["red/green approximation simplifies"]
    for bad in (["no such check"], [], [""], "check_gain"):
        with pytest.raises(ValueError, match="only must"):
            d.verify_all(only=bad)


def test_a_crashing_check_is_a_failed_row_not_a_crash(monkeypatch):
    from orbm_explore.derivations import formulas
    monkeypatch.setattr(formulas, "softplus", lambda x: sp.log(1 + x))  # complex below -1: the old float(mpc) crash
    claims = d.verify_all(only=["bridge_free_statistics", "bridge_numerics"], workers=1)
    assert any(c.verdict == FAILS for c in claims)
    assert report.exit_status(claims) == 1

    def boom(formulas_=None):
        raise RuntimeError("kaput")
    from orbm_explore.derivations import runner
    monkeypatch.setattr(runner, "CHECKS", [boom])
    rows = d.verify_all(bridges=False, errata=False, workers=1)
    assert [c.verdict for c in rows] == [FAILS] and "kaput" in rows[0].detail and report.exit_status(rows) == 1


def test_no_import_cycle_and_one_home_for_the_report():
    assert not (ROOT / "orbm_explore" / "derivations_report.py").exists()
    for module in ("engine", "formulas", "claims", "bridge", "errata", "runner"):
        text = (ROOT / "orbm_explore" / "derivations" / f"{module}.py").read_text(encoding="utf-8")
        assert "from .report" not in text and "from . import report" not in text, module
    text = (ROOT / "orbm_explore" / "derivations" / "report.py").read_text(encoding="utf-8")
    assert "from .. import" not in text and "from . import" not in text


def test_module_entry_point(capsys):
    assert d.main(["--only", "check_red_green", "--quiet"]) == 0
    assert "relied-on claims are below their required level" in capsys.readouterr().out


def test_counts_keys_and_exit_status_interface():
    rows = [d.Claim("a", "§", "", PROVEN, "SymPy"), d.Claim("b", "§", "", NUMERIC, "n", role="bridge"),
            d.Claim("c", "§", "", UNDECIDED, "ran out", role="notes"), d.Claim("e", "§", "", FAILS, "c", role="notes")]
    n = report.counts(rows)
    assert set(n) == {"proven", "numbers", "undecided", "errata", "reading_notes", "total"}
    assert (n["proven"], n["numbers"], n["undecided"], n["errata"], n["total"]) == (1, 1, 1, 1, 4)
    assert report.exit_status(rows, check_errata=False) == 0
    assert report.exit_status([d.Claim("a", "§", "", NUMERIC, "n")]) == 1  # a library claim must be a proof
    assert report.exit_status([d.Claim("a", "§", "", UNDECIDED, "n", role="bridge")]) == 1
    assert report.exit_status([d.Claim("a", "§", "", FAILS, "n", role="correction")]) == 1
