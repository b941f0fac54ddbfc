"""numerics.check_budget / check_time_budget, and every size checked by it before any work (issue 23)."""

import subprocess
import sys

import numpy as np
import pytest

from orbm_explore import explore, separation
from orbm_explore.numerics import (MEMORY_LIMIT_ENV, BudgetError, check_budget, check_time_budget,
                                   memory_limit_bytes)
from orbm_explore.rbm import BYTES_PER_WEIGHT, RBM
from orbm_explore.two_cause import TwoCauseRBM

GIB = 1 << 30


def test_within_budget_returns_int():
    assert check_budget("n", 10, bytes_per_item=8.0, limit_bytes=80) == 10
    assert type(check_budget("n", 0, bytes_per_item=1e30, limit_bytes=1)) is int


def test_over_budget_message_names_argument_estimate_limit_and_option():
    with pytest.raises(BudgetError) as info:
        check_budget("n_chains", 10**9, bytes_per_item=8 * 1000, limit_bytes=4 * GIB, option="memory_limit")
    message = str(info.value)
    assert "\n" not in message
    assert "n_chains=1000000000" in message
    assert "7.45e+03 GiB" in message and "4 GiB" in message
    assert "memory_limit=" in message
    assert isinstance(info.value, ValueError)


def test_fixed_bytes_count_towards_the_estimate():
    assert check_budget("n", 1, bytes_per_item=1, fixed_bytes=9, limit_bytes=10) == 1
    with pytest.raises(BudgetError):
        check_budget("n", 2, bytes_per_item=1, fixed_bytes=9, limit_bytes=10)


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (1.5, TypeError), (True, TypeError), ("3", TypeError),
                                        (None, TypeError)])
def test_value_must_be_a_non_negative_int(bad, error):
    with pytest.raises(error, match="n_samples"):
        check_budget("n_samples", bad, bytes_per_item=1.0)


def test_huge_python_ints_are_refused_not_overflowed():
    with pytest.raises(BudgetError, match="n"):
        check_budget("n", 10**400, bytes_per_item=1.0)


def test_default_limit_is_half_of_physical_memory(monkeypatch):
    import os
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert memory_limit_bytes() == pytest.approx(physical / 2)


@pytest.mark.parametrize("text, expected", [("1000", 1000), ("4G", 4 * GIB), ("2GiB", 2 * GIB), ("512m", 512 << 20),
                                            ("1.5K", 1536)])
def test_environment_overrides_the_limit(monkeypatch, text, expected):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, text)
    assert memory_limit_bytes() == expected
    with pytest.raises(BudgetError):
        check_budget("n", expected + 1, bytes_per_item=1.0)
    assert check_budget("n", expected, bytes_per_item=1.0) == expected


@pytest.mark.parametrize("text", ["lots", "-1", "0", "nan", "infG"])
def test_bad_environment_value_is_a_clear_error(monkeypatch, text):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, text)
    with pytest.raises(ValueError, match=MEMORY_LIMIT_ENV):
        memory_limit_bytes()


def test_time_budget():
    assert check_time_budget("n_sweeps", 10, seconds_per_item=0.1, limit_seconds=1.0) == 10
    with pytest.raises(BudgetError, match=r"n_sweeps=11 would take about 1.1 s.*limit of 1 s.*max_seconds="):
        check_time_budget("n_sweeps", 11, seconds_per_item=0.1, limit_seconds=1.0, option="max_seconds")


# ------------------------------------------------------------------- sizes checked before any work


def small_model():
    return TwoCauseRBM(RBM.random(2, 3, rng=0), RBM.random(1, 3, rng=1))


DATA = np.array([[1, 0, 1], [0, 1, 1]], dtype=float)
V = np.array([1.0, 0.0, 1.0])


@pytest.mark.parametrize("call, name", [
    (lambda: separation.separate(small_model(), V, 2, n_average=1, n_chains=10 ** 9), "n_chains=1000000000"),
    (lambda: separation.pair_model(RBM.random(2, 3, rng=0), RBM.random(1, 3, rng=1), DATA, DATA,
                                   n_composites=10 ** 9), "n_composites=1000000000"),
    (lambda: small_model().sample(10 ** 10), "n_samples=10000000000"),
    (lambda: RBM.random(2, 3, rng=0).sample_hidden(10 ** 12), "n_samples=1000000000000"),
    (lambda: RBM.random(2, 3, rng=0).sample(10 ** 12), "n_samples=1000000000000"),
    (lambda: RBM.random(10 ** 5, 10 ** 4), "n_hidden × n_visible=1000000000"),
    (lambda: explore.correction_grid(1.0, 1.0, 0, 10 ** 6), "n=1000000 "),
    (lambda: explore.log_ratio_terms(1.0, 1.0, 0, 1.0, 10 ** 12), "n=1000000000000"),
])
def test_unbounded_sizes_are_refused_before_any_work(monkeypatch, call, name):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1G")
    with pytest.raises(BudgetError, match=rf"^{name}.*would need about .* GiB.*limit of 1 GiB"):
        call()


@pytest.mark.parametrize("app", ["CorrectionExplorer", "ApproximationExplorer"])
def test_map_apps_refuse_huge_grids(app, monkeypatch):
    from orbm_explore.widgets import correction_apps

    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1T")  # so that the time budget speaks for n = 6000
    with pytest.raises(BudgetError, match=r"^n=100000 \(10,000,000,000 grid points\) would need"):
        getattr(correction_apps, app)(n=10 ** 5)
    with pytest.raises(BudgetError, match=r"^n=6000 \(36,000,000 grid points\) would take about"):
        getattr(correction_apps, app)(n=6000)


def test_rbm_random_cap_is_the_memory_budget(monkeypatch):
    """RBM.random allows exactly what fits: 16 bytes per weight and per bias within the limit."""
    monkeypatch.setenv(MEMORY_LIMIT_ENV, str(1 << 20))
    assert BYTES_PER_WEIGHT * (100 * 647 + 100 + 647) <= 1 << 20 < BYTES_PER_WEIGHT * (100 * 648 + 100 + 648)
    assert RBM.random(100, 647, rng=0).weights.shape == (100, 647)
    with pytest.raises(BudgetError, match="n_hidden × n_visible=64800"):
        RBM.random(100, 648, rng=0)


def test_budget_estimates_cover_the_measured_peak():
    """Peak resident memory of each sized call stays within its check_budget estimate (one subprocess each)."""
    code = """
import resource, sys
import numpy as np
from orbm_explore.rbm import RBM, BYTES_PER_WEIGHT, BYTES_PER_CHAIN_UNIT
from orbm_explore.two_cause import TwoCauseRBM
from orbm_explore import separation
a, b = RBM.random(20, 30, rng=0), RBM.random(10, 30, rng=1)
data = (np.random.default_rng(0).random((5, 30)) < 0.5).astype(float)
calls = {
    "random": (lambda: RBM.random(1000, 20000, rng=0), BYTES_PER_WEIGHT * 2e7),
    "sample_hidden": (lambda: a.sample_hidden(200000, n_steps=2, rng=0), BYTES_PER_CHAIN_UNIT * 50 * 2e5),
    "sample": (lambda: TwoCauseRBM(a, b).sample(200000, n_steps=2, rng=0), BYTES_PER_CHAIN_UNIT * 60 * 2e5),
    "pair_model": (lambda: separation.pair_model(a, b, data, data, n_composites=200000, rng=0),
                   separation._BYTES_PER_VALUE * 60 * 2e5),
    "separate": (lambda: separation.separate(TwoCauseRBM(a, b), np.tile(data, (40, 1)), 2, n_average=1,
                                             n_chains=1000, rng=0), separation._BYTES_PER_CHAIN_VALUE * 60 * 2e5),
}
call, estimate = calls[sys.argv[1]]
separation.separate(TwoCauseRBM(a, b), data, 2, n_average=1, rng=0)  # compile the sampler's kernels first
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
call()
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
print(grown, estimate)
"""
    for name in ("random", "sample_hidden", "sample", "pair_model", "separate"):
        out = subprocess.run([sys.executable, "-c", code, name], capture_output=True, text=True, timeout=300,
                             check=True).stdout
        grown, estimate = map(float, out.split())
        assert grown <= estimate * 1.05, f"{name}: peak grew by {grown / 2**20:.0f} MiB, estimate {estimate / 2**20:.0f}"
