"""The sampling engine: explicit state and step, the compiled kernels against the numpy reference,
and safety with threads, fork and Ctrl-C."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from orbm_explore import exact, sampling, stats
from orbm_explore.corrections import get_correction
from orbm_explore.rbm import RBM
from orbm_explore.two_cause import TwoCauseRBM

from helpers import random_two_cause


def _visible(model, n, seed):
    return (np.random.default_rng(seed).random((n, model.n_visible)) < 0.5).astype(float)


@pytest.mark.parametrize("correction,schedule", [("exact", "sequential"), ("sigmoid", "sequential"),
                                                 ("exact", "parallel")])
def test_stepping_k_times_gives_the_draws_of_sample_posterior(correction, schedule):
    model = random_two_cause(3, 4, 9, scale=3, seed=1)
    v = _visible(model, 25, 2)
    k = 7
    sampler = model.posterior_sampler(correction, schedule)
    state = sampler.init(v, rng=123)
    for _ in range(k):
        sampler.step(state)
    h_a, h_b = model.sample_posterior(v, n_sweeps=k, correction=correction, schedule=schedule, rng=123)
    assert state.n_sweeps == k
    np.testing.assert_array_equal(state.h_a, h_a)
    np.testing.assert_array_equal(state.h_b, h_b)


def test_any_stepping_pattern_gives_the_same_draws_across_cache_refreshes():
    model = random_two_cause(4, 3, 12, scale=2, seed=3)
    v = _visible(model, 6, 4)
    sampler = model.posterior_sampler()
    one = sampler.init(v, rng=9)
    sampler.step(one, 600)  # crosses two refreshes of the cached terms
    other = sampler.init(v, rng=9)
    for chunk in (1, 5, 250, 44, 300):
        sampler.step(other, chunk)
    np.testing.assert_array_equal(one.h_a, other.h_a)
    np.testing.assert_array_equal(one.h_b, other.h_b)


def test_a_different_seed_gives_different_draws():
    """The identity above is not vacuous: the draws depend on the random stream."""
    model = random_two_cause(3, 4, 9, scale=3, seed=1)
    v = _visible(model, 25, 2)
    first = model.sample_posterior(v, 7, rng=123)
    second = model.sample_posterior(v, 7, rng=124)
    assert not np.array_equal(first[0], second[0])


def _reference_run(model, v, n_sweeps, seed):
    """The numpy reference sweep (sampling.sequential_sweep) on the same random stream as the sampler."""
    sampler = model.posterior_sampler()
    state = sampler.init(v, rng=seed)
    n_hidden = model.a.n_hidden + model.b.n_hidden
    for _ in range(n_sweeps):
        sampling.sequential_sweep(sampler.a, sampler.b, state, get_correction("exact"),
                                  state.rng.random((state.n_chains, n_hidden)))
    return state


@pytest.mark.parametrize("scale,merged,kernel", [(3.0, False, "ratio"), (3.0, True, "ratio"),
                                                 (120.0, False, "logsig")])
def test_compiled_sweep_makes_the_reference_sweeps_draws(scale, merged, kernel):
    """Same uniforms, same decisions: the compiled kernels compute the reference ψ."""
    model = random_two_cause(5, 4, 20, scale=scale, seed=7)
    if merged:
        model = TwoCauseRBM(model.a, model.b, belief_bias=np.maximum(model.a.visible_bias, model.b.visible_bias))
    sampler = model.posterior_sampler()
    assert sampler._ratio == (kernel == "ratio")
    v = _visible(model, 200, 8)
    state = sampler.init(v, rng=11)
    sampler.step(state, 30)
    reference = _reference_run(model, v, 30, 11)
    np.testing.assert_array_equal(state.h_a, reference.h_a)
    np.testing.assert_array_equal(state.h_b, reference.h_b)
    np.testing.assert_allclose(state.x, reference.x, rtol=0, atol=1e-9 * max(1.0, scale))


@pytest.mark.parametrize("scale", [3.0, 120.0])
def test_inputs_read_after_a_step_follow_the_hidden_states(scale):
    """The ratio kernel does not track φ_A, φ_B and x; read after a step they are h W + W_0 of the new h."""
    model = random_two_cause(5, 4, 20, scale=scale, seed=7)
    sampler = model.posterior_sampler()
    state = sampler.init(_visible(model, 50, 8), rng=11)
    for n_sweeps in (3, 300):
        sampler.step(state, n_sweeps)
        phi_a = state.h_a @ model.a.weights + model.a.visible_bias
        phi_b = state.h_b @ model.b.weights + model.b.visible_bias
        np.testing.assert_allclose(state.phi_a, phi_a, rtol=0, atol=1e-9 * scale)
        np.testing.assert_allclose(state.phi_b, phi_b, rtol=0, atol=1e-9 * scale)
        np.testing.assert_allclose(state.x, model._inputs(state.h_a, state.h_b)[2], rtol=0, atol=1e-9 * scale)


def test_reference_sweep_rejects_a_mutated_formula():
    """The comparison above can fail: a reference with the correction dropped makes other draws."""
    model = random_two_cause(5, 4, 20, scale=3, seed=7)
    v = _visible(model, 200, 8)
    sampler = model.posterior_sampler()
    state = sampler.init(v, rng=11)
    sampler.step(state, 30)
    wrong = sampler.init(v, rng=11)
    for _ in range(30):
        sampling.sequential_sweep(sampler.a, sampler.b, wrong, get_correction("none"), wrong.rng.random((200, 9)))
    assert not np.array_equal(state.h_a, wrong.h_a)


def test_logsig_kernel_follows_the_exact_kernel():
    """Weights beyond the ratio kernel's limit take the log-sigmoid kernel.

    Such a posterior barely mixes, so the check is the law after k sweeps from
    the uniform start, start @ K^k with K the exact one-sweep kernel.
    """
    rng = np.random.default_rng(5)
    a = RBM(rng.uniform(-100, 100, (2, 3)), rng.uniform(-2, 2, 3), rng.uniform(-60, 60, 2))
    b = RBM(rng.uniform(-100, 100, (2, 3)), rng.uniform(-2, 2, 3), rng.uniform(-60, 60, 2))
    model = TwoCauseRBM(a, b)
    assert not model.posterior_sampler()._ratio
    v = np.array([1.0, 0.0, 1.0])
    kernel = exact.sweep_kernel(model, v)
    target = np.full(kernel.shape[0], 1 / kernel.shape[0]) @ np.linalg.matrix_power(kernel, 3)
    h_a, h_b = model.sample_posterior(np.tile(v, (20_000, 1)), 3, rng=3)
    observed = stats.counts(exact.state_index(np.hstack([h_a, h_b])), target.size)
    fit = stats.g_test(observed, target)
    assert fit.p_value > 1e-3 and fit.tv < 4 * fit.tv_floor, fit


def test_sampler_is_resolved_once_and_snapshots_the_model():
    model = random_two_cause(2, 2, 4, scale=2, seed=0)
    sampler = model.posterior_sampler("linear", "parallel")
    assert sampler.correction.name == "linear" and sampler.schedule == "parallel"
    before = sampler.a.weights.copy()
    model.a.weights += 1.0
    np.testing.assert_array_equal(sampler.a.weights, before)
    with pytest.raises(ValueError, match="correction"):
        model.posterior_sampler("bogus")
    with pytest.raises(ValueError, match="schedule"):
        model.posterior_sampler(schedule="bogus")


def test_step_and_sample_posterior_check_their_arguments():
    model = random_two_cause(2, 2, 4, scale=2, seed=0)
    sampler = model.posterior_sampler()
    state = sampler.init(np.ones(4), rng=0)
    with pytest.raises(ValueError, match="n_sweeps"):
        sampler.step(state, -1)
    with pytest.raises(ValueError, match="n_sweeps"):
        model.sample_posterior(np.ones(4), 10**30)
    with pytest.raises(TypeError, match="n_sweeps"):
        sampler.step(state, 1.5)
    with pytest.raises(TypeError, match="state"):
        sampler.step((state.h_a, state.h_b))
    other = random_two_cause(3, 2, 4, scale=2, seed=0).posterior_sampler()
    with pytest.raises(ValueError, match="state"):
        other.step(state)
    with pytest.raises(ValueError, match="h_a"):
        sampler.init(np.ones((3, 4)), h_a=np.ones((2, 2)))
    with pytest.raises(ValueError, match="v"):
        sampler.init(np.ones(5))


def _run_script(code, env=None, timeout=240):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=os.path.dirname(__file__))


THREADS_SCRIPT = """
    import threading
    import numpy as np
    from helpers import random_two_cause
    model = random_two_cause(6, 6, 30, scale=2, seed=4)
    v = (np.random.default_rng(0).random((40, 30)) < 0.5).astype(float)
    expected = [model.sample_posterior(v, 50, rng=seed) for seed in range(4)]
    results = [None] * 4
    def work(k):
        for _ in range(5):
            results[k] = model.sample_posterior(v, 50, rng=k)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    for k in range(4):
        assert np.array_equal(results[k][0], expected[k][0]) and np.array_equal(results[k][1], expected[k][1])
    print("threads ok")
"""


@pytest.mark.parametrize("layer", ["workqueue", "omp", "default"])
def test_four_python_threads_sample_correctly_under_each_threading_layer(layer):
    env = {} if layer == "default" else {"NUMBA_THREADING_LAYER": layer}
    result = _run_script(THREADS_SCRIPT, env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "threads ok" in result.stdout


FORK_SCRIPT = """
    import multiprocessing
    import numpy as np
    from helpers import random_two_cause
    model = random_two_cause(4, 4, 20, scale=2, seed=4)
    v = np.ones((50, 20))
    def work(seed):
        h_a, h_b = model.sample_posterior(v, 20, rng=seed)
        return float(h_a.sum() + h_b.sum())
    parent = [work(seed) for seed in range(4)]  # the sampler has run (and its thread pool exists)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        children = pool.map(work, range(4))
    assert children == parent, (children, parent)
    print("fork ok")
"""


def test_a_forked_pool_after_sampling_finishes():
    result = _run_script(FORK_SCRIPT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "fork ok" in result.stdout


INTERRUPT_SCRIPT = """
    import sys, time
    import numpy as np
    from orbm_explore.rbm import RBM
    from orbm_explore.two_cause import TwoCauseRBM
    model = TwoCauseRBM(RBM.random(500, 784, 0.05, rng=0), RBM.random(500, 784, 0.05, rng=1))
    v = np.ones((100, 784))
    model.sample_posterior(v[:2], 1, rng=0)  # compile first
    print("ready", flush=True)
    try:
        model.sample_posterior(v, 100_000, rng=0)
    except KeyboardInterrupt:
        print("interrupted", time.perf_counter(), flush=True)
        sys.exit(0)
    print("finished without interrupt", flush=True)
"""


CTRL_C_SCRIPT = """
    import sys, time
    import numpy as np
    from orbm_explore.rbm import RBM
    from orbm_explore.two_cause import TwoCauseRBM
    a, b = RBM.random(500, 784, 0.05, rng=0), RBM.random(500, 784, 0.05, rng=1)
    if sys.argv[1] == "logsig":
        a.weights[0, 0] = 100.0  # beyond the ratio kernel's limit: the log-sigmoid kernel runs
    model = TwoCauseRBM(a, b)
    sampler = model.posterior_sampler()
    assert sampler._kernel == sys.argv[1]
    state = sampler.init(np.ones((1000, 784)), rng=0)
    sampler.step(sampler.init(np.ones((2, 784)), rng=0), 1)  # compile first
    print("ready", flush=True)
    try:
        sampler.step(state, 100_000)
    except KeyboardInterrupt:
        print("interrupted", time.perf_counter(), flush=True)
        sys.exit(0)
    print("finished without interrupt", flush=True)
"""


def ctrl_c_latency(kernel, wait=2.0):
    """Seconds from SIGINT to KeyboardInterrupt in a subprocess stepping 784×(500+500), 1,000 chains."""
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(CTRL_C_SCRIPT), kernel], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=os.path.dirname(__file__))
    try:
        assert process.stdout.readline().strip() == "ready", process.stderr.read()[-2000:]
        time.sleep(wait)
        sent = time.perf_counter()
        process.send_signal(signal.SIGINT)
        line = process.stdout.readline().split()
        assert line[:1] == ["interrupted"], (line, process.stderr.read()[-2000:])
        assert process.wait(timeout=30) == 0
        return float(line[1]) - sent
    finally:
        process.kill()


@pytest.mark.parametrize("kernel", ["ratio", "logsig"])
def test_ctrl_c_stops_step_at_784x1000_with_1000_chains(kernel):
    """|W| below and above the ratio kernel's limit. The goal is 0.5 s (measured in
    benchmarks/bench_sampler.py); the 2 s bound leaves room for a loaded machine."""
    delay = ctrl_c_latency(kernel)
    assert delay < 2.0, f"Ctrl-C took {delay:.2f} s with the {kernel} kernel"


@pytest.mark.parametrize("slow", [1e-5, 1e-4])
def test_each_compiled_call_covers_at_most_a_tenth_of_a_second_of_estimated_work(monkeypatch, slow):
    """Ctrl-C takes effect between compiled calls, so each call is cut to about 0.1 s of work per thread by the
    kernel's cost estimate. With the estimate pinned to a slow rate (seconds per chain and unit update), every
    range a thread runs must be at most 0.1 s of estimated work, or one sweep of one chain (at 1e-4 s one sweep
    of all chains is 0.3 s, so chains must be split too). A looser target, such as 20 s, fails here."""
    monkeypatch.setattr(sampling.COST, "estimate",
                        lambda kernel, n_visible, pessimistic=True: slow if pessimistic else 1e-7)
    calls = []
    real = sampling._sweep.sweeps_ratio

    def recording(c0, c1, uniforms, *args):
        calls.append((c1 - c0, uniforms.shape[0]))
        real(c0, c1, uniforms, *args)

    monkeypatch.setattr(sampling._sweep, "sweeps_ratio", recording)
    model = random_two_cause(5, 5, 20, scale=1, seed=2)
    sampler = model.posterior_sampler()
    state = sampler.init(_visible(model, 300, 1), rng=0)
    sampler.step(state, 40)
    assert sum(chains * sweeps for chains, sweeps in calls) == 300 * 40
    estimated = [chains * sweeps * 10 * slow for chains, sweeps in calls]
    assert len(calls) >= 10 and max(estimated) <= 0.1 * 1.001, (len(calls), max(estimated))


def test_ctrl_c_stops_a_long_sampler_call_promptly():
    """100,000 sweeps at 784×(500+500)×100 chains would take hours; SIGINT must end it at once."""
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(INTERRUPT_SCRIPT)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=os.path.dirname(__file__))
    try:
        assert process.stdout.readline().strip() == "ready"
        time.sleep(1.5)
        sent = time.perf_counter()
        process.send_signal(signal.SIGINT)
        line = process.stdout.readline().split()
        assert line[:1] == ["interrupted"], (line, process.stderr.read()[-2000:])
        delay = float(line[1]) - sent
        # the promise is 1 s; the bound leaves room for a loaded CI machine
        assert delay < 3.0, f"Ctrl-C took {delay:.2f} s"
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
