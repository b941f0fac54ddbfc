"""The fuzz tables: every public entry point with bad, edge and extreme inputs (issue 13).

Each row is a :class:`Case`:

``Bad``  the call must raise ``error`` (ValueError or TypeError by default; ModelFileError for files)
         with a message that contains one of ``names`` (the public argument at fault).
``Edge`` a valid but extreme input (huge finite values, empty batches, ...): the call may raise a
         ValueError/TypeError naming one of ``names``, or return; whatever it returns must be finite.

Rows are grouped by module, and each module has an owner. To extend the suite, add rows here;
``tests/test_fuzz.py`` runs them all, each under a timeout, and ``python tests/test_fuzz_table.py``
prints the per-module table (tried / clear error / unclear / hang / silently wrong).
Imports happen inside the calls, so a module that fails to import fails only its own rows.
"""

from __future__ import annotations

import dataclasses
import importlib
import signal
import sys
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

NAN, INF = float("nan"), float("inf")
HUGE = 1e308
OWNERS = {
    "numerics": "lead", "rbm": "lead", "two_cause": "lead", "sampling": "lead", "training": "lead",
    "corrections": "B1", "exact": "B1", "stats": "B1",
    "datasets": "B2", "modelio": "B2", "cli": "B2",
    "separation": "E", "exact_learning": "E", "blind": "lead",
    "toys": "C", "plots": "C", "widgets": "C", "explore": "C",
    "derivations": "A",
}
VALUE_ERRORS = (ValueError, TypeError)


def M(name: str):
    """orbm_explore.<name>, imported when a row runs."""
    return importlib.import_module(f"orbm_explore.{name}")


@dataclass(frozen=True)
class Case:
    module: str
    id: str
    call: Callable[[], Any]
    names: tuple[str, ...]
    kind: str = "bad"  # "bad" or "edge"
    error: Any = VALUE_ERRORS
    isolated: bool = False  # run in a forked child under a memory cap (see run_isolated)

    @property
    def owner(self) -> str:
        return OWNERS[self.module]

    @property
    def key(self) -> str:
        return f"{self.module}: {self.id}"


CASES: list[Case] = []


def bad(module: str, id: str, call: Callable[[], Any], *names: str, error: Any = VALUE_ERRORS) -> None:
    CASES.append(Case(module, id, call, names, "bad", error))


def edge(module: str, id: str, call: Callable[[], Any], *names: str, isolated: bool = False) -> None:
    CASES.append(Case(module, id, call, names, "edge", isolated=isolated))


def capped(module: str, id: str, call: Callable[[], Any], *names: str, error: Any = VALUE_ERRORS) -> None:
    """A bad row run in a forked child under a memory cap: a hang, a MemoryError or a crash fails it."""
    CASES.append(Case(module, id, call, names, "bad", error, isolated=True))


# ------------------------------------------------------------------------------ fixtures
def rbm(n_hidden=2, n_visible=3, seed=0):
    return M("rbm").RBM.random(n_hidden, n_visible, rng=seed)


def model(n_a=2, n_b=1, n_visible=3, seed=1):
    return M("two_cause").TwoCauseRBM(rbm(n_a, n_visible, seed), rbm(n_b, n_visible, seed + 1))


def huge_model(scale=HUGE):
    RBM = M("rbm").RBM
    w = np.array([[scale, -scale, scale]])
    return M("two_cause").TwoCauseRBM(RBM(w, np.zeros(3), np.zeros(1)), RBM(-w, np.zeros(3), np.zeros(1)))


V = np.array([1.0, 0.0, 1.0])
HA, HB = np.array([1.0, 0.0]), np.array([1.0])
DATA = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0], [0, 0, 1]], dtype=float)
RNG_BAD = [("rng=-1", -1, ValueError), ("rng='seed'", "seed", TypeError), ("rng=1.5", 1.5, TypeError),
           ("rng=object()", object(), TypeError)]
COUNT_BAD = [("-1", -1), ("2.5", 2.5), ("'3'", "3"), ("None", None), ("nan", NAN), ("True", True)]
REAL_BAD = [("nan", NAN), ("inf", INF), ("-inf", -INF), ("'1.0'", "1.0"), ("None", None), ("1j", 1j)]


def counts(module, label, make, name, minimum=1, none_allowed=False):
    """Rows for a count argument: below the minimum, negative, non-integers, strings, None, bools."""
    if minimum >= 1:
        bad(module, f"{label} {name}=0", lambda: make(0), name)
    for text, value in COUNT_BAD:
        if not (none_allowed and value is None):
            bad(module, f"{label} {name}={text}", lambda value=value: make(value), name)


def reals(module, label, make, name, also=()):
    for text, value in [*REAL_BAD, *also]:
        bad(module, f"{label} {name}={text}", lambda value=value: make(value), name)


def rngs(module, label, make):
    for text, value, _ in RNG_BAD:
        bad(module, f"{label} {text}", lambda value=value: make(value), "rng")


# ------------------------------------------------------------------------------ numerics
for fname in ("sigmoid", "log_sigmoid", "softplus"):
    bad("numerics", f"{fname}('a')", lambda f=fname: getattr(M("numerics"), f)("a"), "x")
    bad("numerics", f"{fname}(nan)", lambda f=fname: getattr(M("numerics"), f)(NAN), "x")
    bad("numerics", f"{fname}([1, inf])", lambda f=fname: getattr(M("numerics"), f)([1.0, INF]), "x")
    edge("numerics", f"{fname}(±1e308)", lambda f=fname: getattr(M("numerics"), f)([HUGE, -HUGE]), "x")
    edge("numerics", f"{fname}([])", lambda f=fname: getattr(M("numerics"), f)(np.zeros(0)), "x")
for text, value, error in RNG_BAD:
    bad("numerics", f"as_generator({text})", lambda value=value: M("numerics").as_generator(value), "rng")
for text, value in (("nan", NAN), ("inf", INF), ("'a'", "a"), ("None", None), ("1j", 1j), ("True", True)):
    bad("numerics", f"check_real({text})", lambda value=value: M("numerics").check_real(value, "x"), "x")
bad("numerics", "check_real(-1, minimum=0)", lambda: M("numerics").check_real(-1.0, "x", minimum=0.0), "x")
bad("numerics", "check_real(1, maximum=1, open_above)",
    lambda: M("numerics").check_real(1.0, "x", maximum=1.0, open_above=True), "x")
for text, value in (("nan", NAN), ("[1, inf]", [1.0, INF]), ("'a'", "a"), ("None", None)):
    bad("numerics", f"as_finite_array({text})", lambda value=value: M("numerics").as_finite_array(value, "x"), "x")

# ----------------------------------------------------------------------------- corrections
CORRECTION_ARGS = {"exact": ("phi0", "eps", "w"), "linear": ("phi", "eps", "w"), "sigmoid": ("phi0", "eps", "w"),
                   "local": ("phi", "h", "eps", "w")}
for fname, args in CORRECTION_ARGS.items():
    def call(f=fname, args=args, **over):
        values = {a: (1.0 if a == "h" else 0.5) for a in args}
        values.update(over)
        return getattr(M("corrections"), f)(**values)

    for arg in args:
        for text, value in [("nan", NAN), ("inf", INF), ("-inf", -INF), ("'1'", "1"), ("None", None)]:
            bad("corrections", f"{fname}({arg}={text})", lambda call=call, arg=arg, value=value: call(**{arg: value}),
                arg)
    bad("corrections", f"{fname} shapes (3,) vs (2,)",
        lambda call=call, args=args: call(**{args[0]: np.zeros(3), args[-1]: np.zeros(2)}), args[0], args[-1])
    edge("corrections", f"{fname} all ±1e308",
         lambda call=call, args=args: call(**{a: (1.0 if a == "h" else HUGE * (-1) ** k) for k, a in enumerate(args)}),
         *args)
    edge("corrections", f"{fname} empty", lambda call=call, args=args: call(**{args[0]: np.zeros(0)}), *args)
bad("corrections", "local(h=2)", lambda: M("corrections").local(0.0, 2.0, 1.0, 1.0), "h")
bad("corrections", "gain(nan)", lambda: M("corrections").gain(NAN), "w")
edge("corrections", "gain(1e308)", lambda: M("corrections").gain(HUGE), "w")
edge("corrections", "exact(-1e20, 1, 2e20)", lambda: M("corrections").exact(-1e20, 1.0, 2e20), "phi0")
edge("corrections", "exact(1e300, 1e6, -1e300)", lambda: M("corrections").exact(1e300, 1e6, -1e300), "phi0")
edge("corrections", "exact(-199, -199, -199)", lambda: M("corrections").exact(-199.0, -199.0, -199.0), "phi0")
edge("corrections", "exact(1e308, 1e308, 0)", lambda: M("corrections").exact(HUGE, HUGE, 0.0), "phi0")
edge("corrections", "exact(0, 1, 200) (|W| > 113)", lambda: M("corrections").exact(0.0, 1.0, 200.0), "w")
bad("corrections", "exact_reference(nan)", lambda: M("corrections").exact_reference(NAN, 1.0, 3.0), "phi0")
bad("corrections", "exact_reference(-1e308, 1e308, -1e308) overflows",
    lambda: M("corrections").exact_reference(-HUGE, HUGE, -HUGE), "phi0", "w")
bad("corrections", "exact_reference('1')", lambda: M("corrections").exact_reference("1", 1.0, 3.0), "phi0")
bad("corrections", "get_correction('bogus')", lambda: M("corrections").get_correction("bogus"), "correction")
bad("corrections", "get_correction(3)", lambda: M("corrections").get_correction(3), "correction")

# ----------------------------------------------------------------------------------- rbm
counts("rbm", "RBM.random", lambda n: M("rbm").RBM.random(n, 6), "n_hidden")
counts("rbm", "RBM.random", lambda n: M("rbm").RBM.random(2, n), "n_visible")
bad("rbm", "RBM.random(2**40, 6)", lambda: M("rbm").RBM.random(2 ** 40, 6), "n_hidden")
reals("rbm", "RBM.random", lambda s: M("rbm").RBM.random(2, 3, scale=s), "scale", also=[("-1", -1.0)])
rngs("rbm", "RBM.random", lambda r: M("rbm").RBM.random(2, 3, rng=r))
bad("rbm", "RBM('w', ...)", lambda: M("rbm").RBM("w", np.zeros(3), np.zeros(2)), "weights")
bad("rbm", "RBM(nan weights)", lambda: M("rbm").RBM(np.full((2, 3), NAN), np.zeros(3), np.zeros(2)), "weights")
bad("rbm", "RBM(3-D weights)", lambda: M("rbm").RBM(np.zeros((2, 3, 1)), np.zeros(3), np.zeros(2)), "weights")
bad("rbm", "RBM(visible_bias shape)", lambda: M("rbm").RBM(np.zeros((2, 3)), np.zeros(2), np.zeros(2)),
    "visible_bias")
bad("rbm", "RBM(hidden_bias inf)", lambda: M("rbm").RBM(np.zeros((2, 3)), np.zeros(3), [0, INF]), "hidden_bias")
edge("rbm", "RBM(weights ±1e308).p_h_given_v",
     lambda: M("rbm").RBM([[HUGE, -HUGE, HUGE]], np.zeros(3), np.zeros(1)).p_h_given_v([1, 1, 1]), "weights")
edge("rbm", "RBM(weights ±1e308).free_energy",
     lambda: M("rbm").RBM([[HUGE, -HUGE, HUGE]], np.zeros(3), np.zeros(1)).free_energy([1, 1, 1]), "weights")
edge("rbm", "RBM(0 hidden units)", lambda: M("rbm").RBM(np.zeros((0, 3)), np.zeros(3), np.zeros(0)).free_energy(V),
     "weights", "n_hidden")
for method, arg, width in [("visible_input", "h", 2), ("hidden_input", "v", 3), ("free_energy", "v", 3),
                           ("p_h_given_v", "v", 3), ("p_v_given_h", "h", 2), ("log_p_star_h", "h", 2)]:
    bad("rbm", f"RBM.{method} wrong width", lambda m=method, w=width: getattr(rbm(), m)(np.zeros(w + 1)), arg)
    bad("rbm", f"RBM.{method} non-binary", lambda m=method, w=width: getattr(rbm(), m)(np.full(w, 0.5)), arg)
    bad("rbm", f"RBM.{method} nan", lambda m=method, w=width: getattr(rbm(), m)(np.full(w, NAN)), arg)
    bad("rbm", f"RBM.{method} strings", lambda m=method, w=width: getattr(rbm(), m)(["1"] * w), arg)
    bad("rbm", f"RBM.{method} 3-D", lambda m=method, w=width: getattr(rbm(), m)(np.zeros((1, 1, w))), arg)
    edge("rbm", f"RBM.{method} empty batch", lambda m=method, w=width: getattr(rbm(), m)(np.zeros((0, w))), arg)
bad("rbm", "RBM.log_p_star 3-row h, 2-row v", lambda: rbm().log_p_star(np.zeros((3, 2)), np.zeros((2, 3))), "h", "v")
counts("rbm", "RBM.gibbs", lambda n: rbm().gibbs(V, n_steps=n), "n_steps")
rngs("rbm", "RBM.gibbs", lambda r: rbm().gibbs(V, rng=r))
counts("rbm", "RBM.sample_hidden", lambda n: rbm().sample_hidden(n), "n_samples")
counts("rbm", "RBM.sample_hidden", lambda n: rbm().sample_hidden(2, n_steps=n), "n_steps", minimum=0)
bad("rbm", "RBM.sample_hidden h_init 3 rows for 2", lambda: rbm().sample_hidden(2, h_init=np.zeros((3, 2))), "h_init")
counts("rbm", "RBM.sample", lambda n: rbm().sample(n), "n_samples")
rngs("rbm", "RBM.sample", lambda r: rbm().sample(2, rng=r))
bad("rbm", "RBM.from_sklearn('x')", lambda: M("rbm").RBM.from_sklearn("x"), "estimator")

# ----------------------------------------------------------------------------- two_cause
bad("two_cause", "TwoCauseRBM('a', rbm)", lambda: M("two_cause").TwoCauseRBM("a", rbm()), "a")
bad("two_cause", "TwoCauseRBM(rbm, 'b')", lambda: M("two_cause").TwoCauseRBM(rbm(), "b"), "b")
bad("two_cause", "TwoCauseRBM visible mismatch", lambda: M("two_cause").TwoCauseRBM(rbm(2, 3), rbm(2, 4)), "visible")
bad("two_cause", "TwoCauseRBM belief_bias nan",
    lambda: M("two_cause").TwoCauseRBM(rbm(), rbm(), belief_bias=[0, NAN, 0]), "belief_bias")
bad("two_cause", "TwoCauseRBM belief_bias shape",
    lambda: M("two_cause").TwoCauseRBM(rbm(), rbm(), belief_bias=[0, 0]), "belief_bias")
for method in ("visible_inputs", "reconstructions", "likelihood_input", "p_v_given_h"):
    bad("two_cause", f"{method} 3-row h_a, 2-row h_b",
        lambda m=method: getattr(model(), m)(np.zeros((3, 2)), np.zeros((2, 1))), "h_a", "h_b")
    bad("two_cause", f"{method} h_a wrong width", lambda m=method: getattr(model(), m)(np.zeros(3), HB), "h_a")
    bad("two_cause", f"{method} h_b non-binary", lambda m=method: getattr(model(), m)(HA, [0.5]), "h_b")
    edge("two_cause", f"{method} weights ±1e308", lambda m=method: getattr(huge_model(), m)([1], [1]), "weights")
bad("two_cause", "reconstructions mode='bogus'", lambda: model().reconstructions(HA, HB, mode="bogus"), "mode")
bad("two_cause", "log_p_star rows 2/2/3",
    lambda: model().log_p_star(np.zeros((2, 2)), np.zeros((2, 1)), np.zeros((3, 3))), "h_a", "v")
bad("two_cause", "psi correction='bogus'", lambda: model().psi(HA, HB, V, correction="bogus"), "correction")
bad("two_cause", "psi rows 3/2", lambda: model().psi(np.zeros((3, 2)), np.zeros((2, 1)), V), "h_a", "h_b")
edge("two_cause", "psi weights ±1e308", lambda: huge_model().psi([1], [1], [1, 0, 1]), "weights")
edge("two_cause", "psi weights ±1e308 linear", lambda: huge_model().psi([1], [0], [1, 0, 1], "linear"), "weights")
counts("two_cause", "sample_posterior", lambda n: model().sample_posterior(V, n), "n_sweeps", minimum=0)
rngs("two_cause", "sample_posterior", lambda r: model().sample_posterior(V, 1, rng=r))
bad("two_cause", "sample_posterior schedule='bogus'", lambda: model().sample_posterior(V, 1, schedule="bogus"),
    "schedule")
bad("two_cause", "sample_posterior correction=3", lambda: model().sample_posterior(V, 1, correction=3), "correction")
bad("two_cause", "sample_posterior h_a 3 rows for 2 chains",
    lambda: model().sample_posterior(np.tile(V, (2, 1)), 1, h_a=np.zeros((3, 2))), "h_a")
bad("two_cause", "sample_posterior v non-binary", lambda: model().sample_posterior([0.5, 0, 1], 1), "v")
counts("two_cause", "sample", lambda n: model().sample(n), "n_samples")
bad("two_cause", "posterior_sampler correction='bogus'", lambda: model().posterior_sampler(correction="bogus"),
    "correction")
bad("two_cause", "posterior_sampler schedule='bogus'", lambda: model().posterior_sampler(schedule="bogus"),
    "schedule")
rngs("two_cause", "sampler.init", lambda r: model().posterior_sampler().init(V, rng=r))
bad("two_cause", "sampler.init v wrong width", lambda: model().posterior_sampler().init([1, 0]), "v")
bad("two_cause", "sampler.step n_sweeps=-1",
    lambda: (lambda s: s.step(s.init(V, rng=0), n_sweeps=-1))(model().posterior_sampler()), "n_sweeps")
bad("two_cause", "sampler.step('state')", lambda: model().posterior_sampler().step("state"), "state")
bad("two_cause", "log_joint_gradient rows 3/2/2",
    lambda: model().log_joint_gradient(np.zeros((3, 3)), np.zeros((2, 2)), np.zeros((2, 1))), "v", "h_a")

# --------------------------------------------------------------------------------- exact
counts("exact", "binary_states", lambda n: M("exact").binary_states(n), "n_units", minimum=0)
bad("exact", "binary_states(70)", lambda: M("exact").binary_states(70), "n_units", "states")
bad("exact", "state_index([[2, 0]])", lambda: M("exact").state_index([[2, 0]]), "states")
bad("exact", "state_index([[nan]])", lambda: M("exact").state_index([[NAN]]), "states")
bad("exact", "state_index(70 units)", lambda: M("exact").state_index(np.ones((1, 70))), "states")
for fname in ("rbm_log_partition", "rbm_visible_distribution", "rbm_hidden_distribution"):
    bad("exact", f"{fname}('rbm')", lambda f=fname: getattr(M("exact"), f)("rbm"), "rbm")
for fname in ("two_cause_hidden_states", "two_cause_visible_distribution", "two_cause_hidden_distribution"):
    bad("exact", f"{fname}(rbm)", lambda f=fname: getattr(M("exact"), f)(rbm()), "model")
bad("exact", "two_cause_hidden_distribution 20+20", lambda: M("exact").two_cause_hidden_distribution(
    model(20, 20, 3)), "model", "states", "GiB", "MiB")
bad("exact", "posterior 11+11 x 784", lambda: M("exact").posterior(model(11, 11, 784), np.zeros(784)),
    "model", "states", "GiB", "MiB")
bad("exact", "posterior(rbm, v)", lambda: M("exact").posterior(rbm(), V), "model")
bad("exact", "posterior 2 rows", lambda: M("exact").posterior(model(), np.tile(V, (2, 1))), "v")
bad("exact", "two_cause_log_probability chunk=0", lambda: M("exact").two_cause_log_probability(model(), V, chunk=0),
    "chunk")
bad("exact", "sweep_kernel v with 8 rows", lambda: M("exact").sweep_kernel(model(), M("exact").binary_states(3)), "v")
bad("exact", "sweep_kernel correction='bogus'", lambda: M("exact").sweep_kernel(model(), V, "bogus"), "correction")
bad("exact", "sweep_kernel schedule='bogus'", lambda: M("exact").sweep_kernel(model(), V, "exact", "bogus"),
    "schedule")
bad("exact", "stationary_distribution(nan kernel)", lambda: M("exact").stationary_distribution(
    np.full((2, 2), NAN)), "kernel")
bad("exact", "stationary_distribution(2*T)", lambda: M("exact").stationary_distribution(
    2 * np.full((2, 2), 0.5)), "kernel")
bad("exact", "stationary_distribution(non-square)", lambda: M("exact").stationary_distribution(
    np.full((2, 3), 1 / 3)), "kernel")
bad("exact", "stationary_distribution('T')", lambda: M("exact").stationary_distribution("T"), "kernel")
reals("exact", "stationary_distribution", lambda x: M("exact").stationary_distribution(np.full((2, 2), 0.5), tol=x),
      "tol", also=[("-1", -1.0), ("0", 0.0)])
def overlap_scaled(scale):
    """tests/helpers.overlap_model with its weights times ``scale``: A's units so anti-coupled given v that the
    parallel-free exact sweep kernel is nearly reducible (a random model at the same scale is not)."""
    m, v = importlib.import_module("helpers").overlap_model()
    RBM, TwoCauseRBM = M("rbm").RBM, M("two_cause").TwoCauseRBM
    return TwoCauseRBM(*(RBM(r.weights * scale, r.visible_bias, r.hidden_bias) for r in (m.a, m.b))), v


bad("exact", "sampler_stationary_distribution overlap model x50 (ill-conditioned)",
    lambda: M("exact").sampler_stationary_distribution(*overlap_scaled(50.0)), "kernel", "condition")

# --------------------------------------------------------------------------------- stats
bad("stats", "total_variation shapes (2,) vs (1,)", lambda: M("stats").total_variation([0.5, 0.5], [1.0]), "p", "q")
bad("stats", "total_variation nan", lambda: M("stats").total_variation([NAN, 0.5], [0.5, 0.5]), "p")
bad("stats", "total_variation strings", lambda: M("stats").total_variation(["a"], [1.0]), "p")
bad("stats", "kl_divergence q nan", lambda: M("stats").kl_divergence([0.5, 0.5], [NAN, 0.5]), "q")
bad("stats", "kl_divergence p negative", lambda: M("stats").kl_divergence([-0.5, 1.5], [0.5, 0.5]), "p")
bad("stats", "kl_divergence shapes", lambda: M("stats").kl_divergence([1.0], [0.5, 0.5]), "p", "q")
counts("stats", "expected_tv_floor", lambda n: M("stats").expected_tv_floor([0.5, 0.5], n), "n_samples")
bad("stats", "expected_tv_floor p nan", lambda: M("stats").expected_tv_floor([NAN, 0.5], 10), "p")
bad("stats", "counts([0, 5], 4)", lambda: M("stats").counts([0, 5], 4), "indices")
bad("stats", "counts([-1], 4)", lambda: M("stats").counts([-1], 4), "indices")
bad("stats", "counts([0.5], 4)", lambda: M("stats").counts([0.5], 4), "indices")
counts("stats", "counts", lambda n: M("stats").counts([0], n), "n_states")
bad("stats", "g_test all-zero counts", lambda: M("stats").g_test([0, 0], [0.5, 0.5]), "observed")
bad("stats", "g_test negative counts", lambda: M("stats").g_test([-1, 3], [0.5, 0.5]), "observed")
bad("stats", "g_test p not summing to 1", lambda: M("stats").g_test([5, 5], [0.5, 0.9]), "expected_probabilities")
bad("stats", "g_test p nan", lambda: M("stats").g_test([5, 5], [NAN, 0.5]), "expected_probabilities")
bad("stats", "g_test shapes", lambda: M("stats").g_test([5, 5, 5], [0.5, 0.5]), "observed", "expected_probabilities")
reals("stats", "g_test", lambda x: M("stats").g_test([50, 50], [0.5, 0.5], min_expected=x), "min_expected",
      also=[("-1", -1.0)])

# ------------------------------------------------------------------------------ datasets
counts("datasets", "bars", lambda n: M("datasets").bars(n, 5, "horizontal"), "size")
counts("datasets", "bars", lambda n: M("datasets").bars(4, n, "horizontal"), "n_samples", minimum=0)
bad("datasets", "bars(4, 10**12) (too big)", lambda: M("datasets").bars(4, 10 ** 12, "horizontal"), "n_samples")
bad("datasets", "bars orientation='diagonal'", lambda: M("datasets").bars(4, 5, "diagonal"), "orientation")
bad("datasets", "bars orientation=None", lambda: M("datasets").bars(4, 5, None), "orientation")
reals("datasets", "bars", lambda p: M("datasets").bars(4, 5, "horizontal", p_on=p), "p_on",
      also=[("0", 0.0), ("1", 1.0), ("-0.5", -0.5)])
edge("datasets", "bars p_on=1e-300", lambda: M("datasets").bars(4, 5, "horizontal", p_on=1e-300), "p_on")
edge("datasets", "bars p_on=1-1e-16", lambda: M("datasets").bars(4, 5, "vertical", p_on=1 - 1e-16), "p_on")
edge("datasets", "bars n_samples=0", lambda: M("datasets").bars(4, 0, "vertical"), "n_samples")
rngs("datasets", "bars", lambda r: M("datasets").bars(4, 5, "horizontal", rng=r))
bad("datasets", "bars at_least_one='yes'", lambda: M("datasets").bars(4, 5, "horizontal", at_least_one="yes"),
    "at_least_one")
counts("datasets", "neighbouring_bits", lambda n: M("datasets").neighbouring_bits(n, 4), "n_on")
counts("datasets", "neighbouring_bits", lambda n: M("datasets").neighbouring_bits(1, n), "n_bits")
bad("datasets", "neighbouring_bits(5, 4)", lambda: M("datasets").neighbouring_bits(5, 4), "n_on")
reals("datasets", "digits", lambda t: M("datasets").digits(threshold=t), "threshold")
bad("datasets", "load_mnist_idx(3)", lambda: M("datasets").load_mnist_idx(3), "images_path")
bad("datasets", "load_mnist_idx(missing)", lambda: M("datasets").load_mnist_idx("/nonexistent/x.idx"), "images_path")
bad("datasets", "composites rows 3/2", lambda: M("datasets").composites(np.eye(3), np.eye(3)[:2]), "a", "b")
bad("datasets", "composites non-binary", lambda: M("datasets").composites(np.full((2, 3), 0.5), np.eye(3)[:2]), "a")
bad("datasets", "composites mode='and'", lambda: M("datasets").composites(np.eye(3), np.eye(3), mode="and"), "mode")
bad("datasets", "composites model='rbm'",
    lambda: M("datasets").composites(np.eye(3), np.eye(3), mode="model", model="rbm"), "model")
bad("datasets", "composites model=None", lambda: M("datasets").composites(np.eye(3), np.eye(3), mode="model"), "model")
bad("datasets", "composites model width",
    lambda: M("datasets").composites(np.eye(4), np.eye(4), mode="model", model=model()), "model")
rngs("datasets", "composites", lambda r: M("datasets").composites(np.eye(3), np.eye(3), mode="model", model=model(),
                                                                   rng=r))

# ------------------------------------------------------------------------------- modelio
bad("modelio", "RBM.load(None)", lambda: M("rbm").RBM.load(None), "path")
bad("modelio", "RBM.load(3)", lambda: M("rbm").RBM.load(3), "path")
bad("modelio", "RBM.load('')", lambda: M("rbm").RBM.load(""), "path")
bad("modelio", "RBM.load(missing)", lambda: M("rbm").RBM.load("/nonexistent/m.npz"), "m.npz",
    error=lambda: M("modelio").ModelFileError)
bad("modelio", "RBM.load(a directory)", lambda: M("rbm").RBM.load("/"), "directory",
    error=lambda: M("modelio").ModelFileError)
bad("modelio", "RBM.save(3)", lambda: rbm().save(3), "path")
bad("modelio", "RBM.save onto a directory", lambda: rbm().save("/tmp"), "directory",
    error=lambda: M("modelio").ModelFileError)
bad("modelio", "RBM.save under /dev/null", lambda: rbm().save("/dev/null/m.npz"), "/dev/null",
    error=lambda: M("modelio").ModelFileError)

bad("modelio", "save_arrays(None, ...)", lambda: M("modelio").save_arrays(None, "RBM", {}), "path")
bad("modelio", "save_arrays nan array", lambda: M("modelio").save_arrays("/tmp/never.npz", "RBM", {"w": [NAN]}), "w")
bad("modelio", "save_arrays string array", lambda: M("modelio").save_arrays("/tmp/never.npz", "RBM", {"w": ["a"]}),
    "w")
bad("modelio", "load_arrays([])", lambda: M("modelio").load_arrays([], "RBM", {}), "path")
bad("modelio", "load_arrays(missing)", lambda: M("modelio").load_arrays("/nonexistent.npz", "RBM", {}),
    "nonexistent", error=lambda: M("modelio").ModelFileError)


# ------------------------------------------------------------------------------ training
def train_rbm(**kw):
    settings = {"epochs": 1, "progress": False, "rng": 0}
    settings.update(kw)
    return M("training").train_rbm(settings.pop("data", DATA), settings.pop("n_hidden", 2), **settings)


def train_wake_sleep(**kw):
    settings = {"epochs": 1, "progress": False, "rng": 0, "n_fantasy": 5}
    settings.update(kw)
    return M("training").train_wake_sleep(settings.pop("model", model()), settings.pop("data", DATA), **settings)


for name in ("learning_rate", "momentum", "weight_decay"):
    reals("training", "train_rbm", lambda x, name=name: train_rbm(**{name: x}), name, also=[("-0.1", -0.1)])
reals("training", "train_wake_sleep", lambda x: train_wake_sleep(learning_rate=x), "learning_rate",
      also=[("-0.1", -0.1)])
for name, minimum in (("n_hidden", 1), ("epochs", 0), ("batch_size", 1), ("k", 1), ("n_chains", 1)):
    counts("training", "train_rbm", lambda n, name=name: train_rbm(**{name: n}), name, minimum,
           none_allowed=name == "n_chains")  # n_chains=None means "as many as batch_size"
bad("training", "train_rbm method='bogus'", lambda: train_rbm(method="bogus"), "method")
bad("training", "train_rbm data non-binary", lambda: train_rbm(data=DATA * 0.5), "data")
bad("training", "train_rbm data empty", lambda: train_rbm(data=np.zeros((0, 3))), "data")
bad("training", "train_rbm data nan", lambda: train_rbm(data=np.full((2, 3), NAN)), "data")
bad("training", "train_rbm data 1-D", lambda: train_rbm(data=V), "data")
bad("training", "train_rbm init='rbm'", lambda: train_rbm(init="rbm"), "init")
bad("training", "train_rbm init wrong shape", lambda: train_rbm(init=rbm(3, 3)), "init")
rngs("training", "train_rbm", lambda r: train_rbm(rng=r))
for name, minimum in (("epochs", 0), ("batch_size", 1), ("n_sweeps", 0), ("n_fantasy", 1), ("fantasy_steps", 0)):
    counts("training", "train_wake_sleep", lambda n, name=name: train_wake_sleep(**{name: n}), name, minimum)
bad("training", "train_wake_sleep model='m'", lambda: train_wake_sleep(model="m"), "model")
bad("training", "train_wake_sleep data width", lambda: train_wake_sleep(data=np.zeros((2, 4))), "data")
bad("training", "train_wake_sleep correction='bogus'", lambda: train_wake_sleep(correction="bogus"), "correction")
bad("training", "train_wake_sleep learn=('c',)", lambda: train_wake_sleep(learn=("c",)), "learn")
rngs("training", "train_wake_sleep", lambda r: train_wake_sleep(rng=r))
reals("training", "train_wake_sleep", lambda x: train_wake_sleep(empty_penalty=x), "empty_penalty",
      also=[("-1", -1.0), ("1e7", 1e7)])
for text, value in (("1", 1), ("'yes'", "yes"), ("None", None)):
    bad("training", f"train_wake_sleep nonnegative={text}", lambda value=value: train_wake_sleep(nonnegative=value),
        "nonnegative")
reals("training", "train_wake_sleep", lambda x: train_wake_sleep(momentum=x), "momentum",
      also=[("-0.1", -0.1), ("1.0", 1.0)])
bad("training", "train_wake_sleep anneal=1", lambda: train_wake_sleep(anneal=1), "anneal")
bad("training", "train_wake_sleep monitor='no'", lambda: train_wake_sleep(monitor="no"), "monitor")
bad("training", "train_wake_sleep empty_penalty=1 correction='sigmoid'",
    lambda: train_wake_sleep(empty_penalty=1.0, correction="sigmoid"), "correction")
edge("training", "train_wake_sleep empty_penalty=1e6 nonnegative=True",
     lambda: train_wake_sleep(empty_penalty=1e6, nonnegative=True)[1].log_likelihood, "empty_penalty")
bad("training", "wake_statistics rows 3/2/2", lambda: M("training").wake_statistics(
    model(), np.zeros((3, 3)), np.zeros((2, 2)), np.zeros((2, 1))), "v", "h_a")
bad("training", "wake_statistics model='m'", lambda: M("training").wake_statistics("m", V[None], HA[None], HB[None]),
    "model")
bad("training", "sleep_statistics weights length", lambda: M("training").sleep_statistics(
    rbm(), np.zeros((3, 2)), weights=[0.5, 0.5]), "weights")
bad("training", "sleep_statistics weights nan", lambda: M("training").sleep_statistics(
    rbm(), np.zeros((2, 2)), weights=[NAN, 0.5]), "weights")
bad("training", "sleep_statistics h wrong width", lambda: M("training").sleep_statistics(rbm(), np.zeros((2, 3))), "h")
bad("training", "sleep_statistics h empty", lambda: M("training").sleep_statistics(rbm(), np.zeros((0, 2))), "h")
bad("training", "rbm_log_likelihood('rbm', data)", lambda: M("training").rbm_log_likelihood("rbm", DATA), "rbm")
bad("training", "rbm_log_likelihood non-binary", lambda: M("training").rbm_log_likelihood(rbm(), DATA * 0.5), "data")
bad("training", "two_cause_log_likelihood(rbm, data)", lambda: M("training").two_cause_log_likelihood(rbm(), DATA),
    "model")

# ---------------------------------------------------------------------------- separation
bad("separation", "separate(rbm, v)", lambda: M("separation").separate(rbm(), V), "model")
bad("separation", "separate v wrong width", lambda: M("separation").separate(model(), [1, 0]), "v")
counts("separation", "separate", lambda n: M("separation").separate(model(), V, n_sweeps=n, n_average=1), "n_sweeps")
counts("separation", "separate", lambda n: M("separation").separate(model(), V, n_sweeps=5, n_average=n), "n_average")
bad("separation", "separate n_average > n_sweeps", lambda: M("separation").separate(model(), V, 5, n_average=6),
    "n_average")
bad("separation", "separate mode='bogus'", lambda: M("separation").separate(model(), V, 5, n_average=2, mode="bogus"),
    "mode")
bad("separation", "separate correction='bogus'", lambda: M("separation").separate(model(), V, 5, "bogus", 2),
    "correction")
rngs("separation", "separate", lambda r: M("separation").separate(model(), V, 5, n_average=2, rng=r))
bad("separation", "rbm_reconstruct(model, v)", lambda: M("separation").rbm_reconstruct(model(), V), "rbm")
counts("separation", "rbm_reconstruct", lambda n: M("separation").rbm_reconstruct(rbm(), V, n_average=n), "n_average")
rngs("separation", "rbm_reconstruct", lambda r: M("separation").rbm_reconstruct(rbm(), V, rng=r))
for fname in ("pixel_accuracy", "cross_entropy", "cosine_similarity"):
    f = lambda *a, fname=fname, **k: getattr(M("separation"), fname)(*a, **k)  # noqa: E731
    bad("separation", f"{fname} all-NaN reconstruction", lambda f=f: f(np.full((2, 3), NAN), np.eye(3)[:2]),
        "reconstruction")
    bad("separation", f"{fname} (4, 6) vs (1, 6)", lambda f=f: f(np.full((4, 6), 0.5), np.ones((1, 6))),
        "reconstruction", "truth")
    bad("separation", f"{fname} reconstruction -3", lambda f=f: f(np.full((1, 3), -3.0), np.ones((1, 3))),
        "reconstruction")
    bad("separation", f"{fname} reconstruction 1.5", lambda f=f: f(np.full((1, 3), 1.5), np.ones((1, 3))),
        "reconstruction")
    bad("separation", f"{fname} truth non-binary", lambda f=f: f(np.full((1, 3), 0.5), np.full((1, 3), 0.3)), "truth")
    bad("separation", f"{fname} strings", lambda f=f: f(["a", "b"], [1, 0]), "reconstruction")
    edge("separation", f"{fname} empty", lambda f=f: f(np.zeros((0, 3)), np.zeros((0, 3))), "reconstruction")
    edge("separation", f"{fname} all-zero rows", lambda f=f: f(np.zeros((2, 3)), np.zeros((2, 3))), "reconstruction")
reals("separation", "cross_entropy", lambda x: M("separation").cross_entropy([[0.5, 0.5]], [[1, 0]], floor=x),
      "floor", also=[("0", 0.0), ("0.5", 0.5), ("-1", -1.0)])
bad("separation", "pair_model('a', rbm, ...)", lambda: M("separation").pair_model("a", rbm(), DATA, DATA), "rbm_a")
bad("separation", "pair_model data width", lambda: M("separation").pair_model(rbm(), rbm(), np.zeros((2, 4)), DATA),
    "train_a")
reals("separation", "pair_model prior_precision", lambda x: M("separation").pair_model(
    rbm(), rbm(), DATA, DATA, rng=0, n_composites=5, prior_precision=x), "prior_precision",
    also=[("0", 0.0), ("-1", -1.0)])

# ------------------------------------------------------------------------- exact_learning
bad("exact_learning", "log_likelihood data width", lambda: M("exact_learning").log_likelihood(
    model(), np.zeros((2, 4))), "data")
bad("exact_learning", "log_likelihood data non-binary", lambda: M("exact_learning").log_likelihood(
    model(), DATA * 0.5), "data")
counts("exact_learning", "train_exact", lambda n: M("exact_learning").train_exact(model(), DATA, steps=n), "steps",
       minimum=0)
reals("exact_learning", "train_exact", lambda x: M("exact_learning").train_exact(model(), DATA, steps=1,
                                                                                   learning_rate=x),
      "learning_rate", also=[("-0.1", -0.1)])
reals("exact_learning", "train_exact", lambda x: M("exact_learning").train_exact(model(), DATA, steps=1, momentum=x),
      "momentum", also=[("-0.1", -0.1)])
counts("exact_learning", "random_start", lambda n: M("exact_learning").random_start(n, 2, 3), "n_hidden_a")
counts("exact_learning", "random_start", lambda n: M("exact_learning").random_start(2, 2, n), "n_visible")
rngs("exact_learning", "random_start", lambda r: M("exact_learning").random_start(1, 1, 3, rng=r))
bad("exact_learning", "attribution parts wrong width", lambda: M("exact_learning").attribution(
    model(), V, [1, 0], [0, 1]), "part_a")
bad("exact_learning", "parameters('rbm')", lambda: M("exact_learning").parameters("rbm"), "model")
counts("exact_learning", "bars_causes", lambda n: M("exact_learning").bars_causes(n, [0]), "size")
bad("exact_learning", "bars_causes bars_a out of range", lambda: M("exact_learning").bars_causes(2, [7]), "bars_a")
reals("exact_learning", "bars_causes", lambda x: M("exact_learning").bars_causes(2, [0], weight=x), "weight")
reals("exact_learning", "bars_causes", lambda x: M("exact_learning").bars_causes(2, [0], p_on=x), "p_on",
      also=[("0", 0.0), ("1", 1.0)])
bad("exact_learning", "attribution(rbm, ...)", lambda: M("exact_learning").attribution(rbm(), V, V, V), "model")
counts("exact_learning", "unit_orientation", lambda n: M("exact_learning").unit_orientation(np.zeros((2, 4)), n),
       "side")
bad("exact_learning", "unit_orientation side mismatch", lambda: M("exact_learning").unit_orientation(
    np.zeros((2, 5)), 2), "side", "weights")

for fname in ("log_likelihood", "log_likelihood_and_gradient"):
    bad("exact_learning", f"{fname}(rbm, data)", lambda f=fname: getattr(M("exact_learning"), f)(rbm(), DATA), "model")
    reals("exact_learning", fname, lambda x, f=fname: getattr(M("exact_learning"), f)(model(), DATA, empty_penalty=x),
          "empty_penalty", also=[("-1", -1.0)])


def train_rbm_exact(**kw):
    settings = {"data": DATA, "n_hidden": 2, "steps": 1, "rng": 0}
    settings.update(kw)
    return M("exact_learning").train_rbm_exact(**settings)


bad("exact_learning", "train_rbm_exact data non-binary", lambda: train_rbm_exact(data=DATA * 0.5), "data")
bad("exact_learning", "train_rbm_exact data empty", lambda: train_rbm_exact(data=np.zeros((0, 3))), "data")
counts("exact_learning", "train_rbm_exact", lambda n: train_rbm_exact(n_hidden=n), "n_hidden")
counts("exact_learning", "train_rbm_exact", lambda n: train_rbm_exact(steps=n), "steps", minimum=0)
reals("exact_learning", "train_rbm_exact", lambda x: train_rbm_exact(learning_rate=x), "learning_rate",
      also=[("-0.1", -0.1)])
rngs("exact_learning", "train_rbm_exact", lambda r: train_rbm_exact(rng=r))

# ---------------------------------------------------------------------------------- toys
for name in ("w_a", "w_b", "bias", "prior_a", "prior_b"):
    reals("toys", "alarm_model", lambda x, name=name: M("toys").alarm_model(**{name: x}), name)
edge("toys", "alarm_model all 1e308", lambda: M("toys").alarm_model(HUGE, HUGE, -HUGE, HUGE, -HUGE).psi(
    [1], [1], [1]), "w_a", "bias")
for name in ("weight", "hidden_bias", "visible_bias"):
    reals("toys", "xor_model", lambda x, name=name: M("toys").xor_model(**{name: x}), name)

reals("toys", "two_unit_cause_model", lambda x: M("toys").two_unit_cause_model(weight=x), "weight")

# --------------------------------------------------------------------------------- plots
reals("plots", "correction_grid", lambda x: M("plots").correction_grid(x, 10.0, 0.0, n=5), "w")
reals("plots", "correction_grid", lambda x: M("plots").correction_grid(3.0, x, 0.0, n=5), "reach",
      also=[("0", 0.0), ("-1", -1.0)])
bad("plots", "correction_grid h=2", lambda: M("plots").correction_grid(3.0, 10.0, 2.0, n=5), "h")
counts("plots", "correction_grid", lambda n: M("plots").correction_grid(3.0, 10.0, 0.0, n=n), "n")
bad("plots", "correction_grid correction='bogus'", lambda: M("plots").correction_grid(3.0, 10.0, 0.0, 5, "bogus"),
    "correction")
edge("plots", "correction_grid w=1e308", lambda: M("plots").correction_grid(HUGE, 10.0, 0.0, n=5), "w")
bad("plots", "draw_separation rows 3/2/2", lambda: M("plots").draw_separation(
    np.zeros((3, 4)), np.zeros((2, 4)), np.zeros((2, 4))), "composites", "recon_a")
bad("plots", "draw_separation nan", lambda: M("plots").draw_separation(
    np.zeros((1, 4)), np.full((1, 4), NAN), np.zeros((1, 4))), "recon_a")
bad("plots", "draw_weight_tiles image_shape", lambda: M("plots").draw_weight_tiles(
    __import__("matplotlib.figure", fromlist=["Figure"]).Figure(), np.zeros((2, 4)), (3, 3)), "image_shape")


def axes():
    from matplotlib.figure import Figure

    return Figure().add_subplot()


reals("plots", "draw_correction_panels", lambda x: M("plots").draw_correction_panels(w=x, n=5), "w")
bad("plots", "switch_line_legend(3)", lambda: M("plots").switch_line_legend(3), "target")
reals("plots", "error_maps_figure", lambda x: M("plots").error_maps_figure(x, 10.0, 0, ["linear"], n=5), "w")
bad("plots", "error_maps_figure(names=['bogus'])",
    lambda: M("plots").error_maps_figure(3.0, 10.0, 0, ["bogus"], n=5), "correction", "names")
counts("plots", "error_maps_figure", lambda n: M("plots").error_maps_figure(3.0, 10.0, 0, ["linear"], n=n), "n")
bad("plots", "draw_input_definitions('ax', ...)", lambda: M("plots").draw_input_definitions("ax", axes()), "ax_net")
counts("plots", "draw_correction_panels", lambda n: M("plots").draw_correction_panels(n=n), "n")
bad("plots", "update_correction_panels('panels', ...)", lambda: M("plots").update_correction_panels(
    "panels", 3.0, 10.0, 5), "panels")
reals("plots", "update_correction_panels", lambda x: M("plots").update_correction_panels(
    M("plots").draw_correction_panels(n=5), x, 10.0, 5), "w")
reals("plots", "wedge_colour", lambda x: M("plots").wedge_colour(x), "value")
reals("plots", "draw_log_ratio_cut", lambda x: M("plots").draw_log_ratio_cut(axes(), x, 3.0, n=11), "eps")
counts("plots", "draw_log_ratio_cut", lambda n: M("plots").draw_log_ratio_cut(axes(), 1.0, 3.0, n=n), "n")
reals("plots", "draw_correction_cut", lambda x: M("plots").draw_correction_cut(axes(), 1.0, x, 10.0, n=11), "w")
bad("plots", "draw_correction_cut ax='ax'", lambda: M("plots").draw_correction_cut("ax", 1.0, 3.0, 10.0), "ax")
bad("plots", "switch_line_legend('fig')", lambda: M("plots").switch_line_legend("fig"), "target")
reals("plots", "draw_input_definitions", lambda x: M("plots").draw_input_definitions(axes(), axes(), phi0=x), "phi0")
bad("plots", "draw_input_definitions h=2", lambda: M("plots").draw_input_definitions(axes(), axes(), h=2), "h")
bad("plots", "draw_architecture('ax')", lambda: M("plots").draw_architecture("ax"), "ax")
bad("plots", "sampler_bias_figure(rbm, v)", lambda: M("plots").sampler_bias_figure(rbm(), V), "model")
counts("plots", "sampler_bias_figure", lambda n: M("plots").sampler_bias_figure(model(), V, n_chains=n, n_sweeps=2),
       "n_chains")
bad("plots", "draw_distribution_bars series length", lambda: M("plots").draw_distribution_bars(
    axes(), ["a", "b", "c"], {"p": np.array([0.5, 0.5])}), "series", "labels")
bad("plots", "draw_distribution_bars series nan", lambda: M("plots").draw_distribution_bars(
    axes(), ["a", "b"], {"p": np.array([NAN, 0.5])}), "series")


# -------------------------------------------------------------------------------- explore
def explore(name, *args, **kwargs):
    return getattr(M("explore"), name)(*args, **kwargs)


reals("explore", "correction_grid", lambda x: explore("correction_grid", x, 10.0, 0.0, n=5), "w")
counts("explore", "correction_grid", lambda n: explore("correction_grid", 3.0, 10.0, 0.0, n=n), "n")
reals("explore", "log_ratio_terms", lambda x: explore("log_ratio_terms", x, 3.0, 0.0, 10.0, n=5), "eps")
counts("explore", "log_ratio_terms", lambda n: explore("log_ratio_terms", 1.0, 3.0, 0.0, 10.0, n=n), "n")
reals("explore", "switch_offset", lambda x: explore("switch_offset", x, 0.0), "w")
bad("explore", "switch_offset h=2", lambda: explore("switch_offset", 3.0, 2.0), "h")
reals("explore", "correction_at", lambda x: explore("correction_at", x, 1.0, 3.0, 0.0), "phi")
bad("explore", "correction_at correction='bogus'", lambda: explore("correction_at", 0.0, 1.0, 3.0, 0.0, "bogus"),
    "correction")
bad("explore", "approximation_error approximation='bogus'",
    lambda: explore("approximation_error", 3.0, 10.0, 0.0, 5, "bogus"), "approximation")
counts("explore", "approximation_error", lambda n: explore("approximation_error", 3.0, 10.0, 0.0, n, "sigmoid"), "n")
reals("explore", "sigmoid_step", lambda x: explore("sigmoid_step", [0.0, 1.0], 3.0, x), "alpha")
bad("explore", "sigmoid_step phi nan", lambda: explore("sigmoid_step", [NAN], 3.0, 1.0), "phi")
reals("explore", "notes_cells", lambda x: explore("notes_cells", [0.0, 1.0], x, 1.0), "w")
bad("explore", "notes_cells phi strings", lambda: explore("notes_cells", ["a"], 3.0, 1.0), "phi")
bad("explore", "alarm_probabilities(rbm, 1)", lambda: explore("alarm_probabilities", rbm(), 1.0), "model")
bad("explore", "alarm_probabilities alarm=0.5", lambda: explore("alarm_probabilities", M("toys").alarm_model(), 0.5),
    "alarm")
bad("explore", "condition_index('bogus')", lambda: explore("condition_index", "bogus"), "quake")
bad("explore", "given_cause_b h_b wrong width", lambda: explore("given_cause_b", model(), [1, 0, 1]), "h_b")
bad("explore", "given_cause_b('m', h_b)", lambda: explore("given_cause_b", "m", [1]), "model")
counts("explore", "watch_chains", lambda n: explore("watch_chains", M("toys").alarm_model(), 1.0, n_chains=n,
                                                    n_sweeps=5), "n_chains")
counts("explore", "watch_chains", lambda n: explore("watch_chains", M("toys").alarm_model(), 1.0, n_sweeps=n),
       "n_sweeps")
bad("explore", "watch_chains quake='bogus'", lambda: explore("watch_chains", M("toys").alarm_model(), 1.0,
                                                             quake="bogus", n_sweeps=5), "quake")
bad("explore", "watch_chains seed=-1", lambda: explore("watch_chains", M("toys").alarm_model(), 1.0, n_sweeps=5,
                                                       seed=-1), "seed")
bad("explore", "sweep_steps schedule='bogus'", lambda: explore("sweep_steps", model(), V, "bogus"), "schedule")
bad("explore", "sweep_steps(rbm, v)", lambda: explore("sweep_steps", rbm(), V, "sequential"), "model")
def alarm_steps():
    return explore("sweep_steps", M("toys").alarm_model(), [1], "sequential")


bad("explore", "cause_joint('model')", lambda: explore("cause_joint", "model"), "model")
bad("explore", "cause_joint(alarm=0.5)", lambda: explore("cause_joint", M("toys").alarm_model(), 0.5), "alarm")
bad("explore", "cause_joint(alarm='on')", lambda: explore("cause_joint", M("toys").alarm_model(), "on"), "alarm")
edge("explore", "cause_joint(alarm=None)", lambda: explore("cause_joint", M("toys").alarm_model()), "alarm")
bad("explore", "cause_covariance(nan table)", lambda: explore("cause_covariance", [[NAN, 0.5], [0.25, 0.25]]), "table")
bad("explore", "cause_covariance((3,) table)", lambda: explore("cause_covariance", [0.5, 0.25, 0.25]), "table")
bad("explore", "cause_covariance(sum 2)", lambda: explore("cause_covariance", np.full((2, 2), 0.5)), "table")
bad("explore", "cause_covariance(masked)", lambda: explore("cause_covariance", masked(np.full((2, 2), 0.25), NAN)),
    "table", error=TypeError)
bad("explore", "sampler_bias_table('model', v)", lambda: explore("sampler_bias_table", "model", V), "model")
bad("explore", "sampler_bias_table(v=[2, 0, 1])", lambda: explore("sampler_bias_table", model(), [2.0, 0.0, 1.0]), "v")
bad("explore", "sampler_bias_table(names=('bogus',))",
    lambda: explore("sampler_bias_table", model(), V, names=("bogus",)), "correction", "names")
bad("explore", "sampler_bias_table(schedule='random')",
    lambda: explore("sampler_bias_table", model(), V, schedule="random"), "schedule")
edge("explore", "sampler_bias_table -> BiasRow rows", lambda: explore("sampler_bias_table", model(), V), "v")


bad("explore", "law_after_steps start nan", lambda: explore("law_after_steps", [NAN, 0.5, 0.25, 0.25], alarm_steps(),
                                                            1), "start")
bad("explore", "law_after_steps start wrong length", lambda: explore("law_after_steps", [0.5, 0.5], alarm_steps(), 1),
    "start")
counts("explore", "law_after_steps", lambda n: explore("law_after_steps", np.full(4, 0.25), alarm_steps(), n),
       "n_steps", minimum=0)
counts("explore", "sampler_bias_results", lambda n: explore("sampler_bias_results", model(), V, n_chains=n,
                                                            n_sweeps=2), "n_chains")
bad("explore", "sampler_bias_results(rbm, v)", lambda: explore("sampler_bias_results", rbm(), V), "model")


# -------------------------------------------------------------------------------- widgets
def widget(name, *args, **kwargs):
    return getattr(M("widgets"), name)(*args, **kwargs)


counts("widgets", "CorrectionExplorer", lambda n: widget("CorrectionExplorer", n=n), "n")
reals("widgets", "CorrectionExplorer", lambda x: widget("CorrectionExplorer", w=x), "w")
bad("widgets", "CorrectionExplorer correction='bogus'", lambda: widget("CorrectionExplorer", correction="bogus"),
    "correction")
bad("widgets", "CorrectionExplorer set_values({'w': nan})",
    lambda: widget("CorrectionExplorer").panel.set_values({"w": NAN}), "w")
bad("widgets", "CorrectionExplorer set_values({'bogus': 1})",
    lambda: widget("CorrectionExplorer").panel.set_values({"bogus": 1.0}), "bogus")
bad("widgets", "CorrectionExplorer set_values({'w': '3'})",
    lambda: widget("CorrectionExplorer").panel.set_values({"w": "3"}), "w")
bad("widgets", "ExplainingAwayApp(preset='bogus')", lambda: widget("ExplainingAwayApp", preset="bogus"), "preset")
counts("widgets", "ExplainingAwayApp", lambda n: widget("ExplainingAwayApp", n_chains=n), "n_chains")
counts("widgets", "ExplainingAwayApp", lambda n: widget("ExplainingAwayApp", n_sweeps=n), "n_sweeps", minimum=0)
bad("widgets", "ExplainingAwayApp seed=-1", lambda: widget("ExplainingAwayApp", seed=-1), "seed")
bad("widgets", "CutExplorer h=2", lambda: widget("CutExplorer", h=2), "h")
reals("widgets", "CutExplorer", lambda x: widget("CutExplorer", eps=x), "eps")
bad("widgets", "ApproximationExplorer approximation='bogus'",
    lambda: widget("ApproximationExplorer", approximation="bogus"), "approximation")
counts("widgets", "ApproximationExplorer", lambda n: widget("ApproximationExplorer", n=n), "n")
reals("widgets", "NotesCellsExplorer", lambda x: widget("NotesCellsExplorer", reach=x), "reach",
      also=[("0", 0.0)])
bad("widgets", "NotesCellsExplorer use_gain='yes'", lambda: widget("NotesCellsExplorer", use_gain="yes"), "use_gain")
bad("widgets", "WhyParallelView start='bogus'", lambda: widget("WhyParallelView", start="bogus"), "start")
reals("widgets", "WhyParallelView", lambda x: widget("WhyParallelView", weight=x), "weight")
bad("widgets", "ClassroomApp(bogus=1)", lambda: widget("ClassroomApp", bogus=1), "bogus")
counts("widgets", "sampler_bias_figure", lambda n: widget("sampler_bias_figure", model(), V, n_chains=n), "n_chains")
bad("widgets", "sampler_bias_figure(rbm, v)", lambda: widget("sampler_bias_figure", rbm(), V), "model")
bad("widgets", "ControlPanel(params='w')", lambda: M("widgets").ControlPanel("w", lambda values: None), "params")
bad("widgets", "ControlPanel(on_change=3)", lambda: M("widgets").ControlPanel(
    [M("widgets").Slider("w", "w", -1.0, 1.0, 0.1, 0.0)], 3), "on_change")
bad("widgets", "ControlPanel preset with unknown name", lambda: M("widgets").ControlPanel(
    [M("widgets").Slider("w", "w", -1.0, 1.0, 0.1, 0.0)], lambda values: None, presets={"p": {"bogus": 1.0}}),
    "bogus", "presets")
bad("widgets", "Blitter('figure', [])", lambda: M("widgets").Blitter("figure", []), "figure")
bad("widgets", "show_figure('fig')", lambda: M("widgets").show_figure("fig"), "fig")
bad("widgets", "figure_png(3)", lambda: M("widgets").figure_png(3), "save")
bad("widgets", "Slider.check(nan)", lambda: M("widgets").Slider("w", "w", -1.0, 1.0, 0.1, 0.0).check(NAN), "w")
bad("widgets", "Choice.check('bogus')", lambda: M("widgets").Choice("c", "c", ["a", "b"], "a").check("bogus"), "c")


# ------------------------------------------------------------------- reliability, third pass (issue 23)
# Special files, array subclasses, training that diverges, files beyond the input bound, unbounded sizes,
# non-integer indices and string flags. Rows marked capped run in a forked child with the memory budget
# $ORBM_EXPLORE_MEMORY_LIMIT = 1 GiB and an address-space cap 2 GiB above the parent's: a hang, a
# MemoryError or a crash fails the row instead of the test run.
_SCRATCH: list[str] = []


def scratch() -> str:
    """A private temporary folder for the file rows (made on first use, removed at exit).

    Made in the parent before any capped row forks, so that children (which leave by os._exit) share it.
    """
    if not _SCRATCH:
        import atexit
        import shutil
        import tempfile

        _SCRATCH.append(tempfile.mkdtemp(prefix="orbm-fuzz-"))
        atexit.register(shutil.rmtree, _SCRATCH[0], True)
    return _SCRATCH[0]


def fifo(name: str) -> str:
    import os

    path = os.path.join(scratch(), name)
    if not os.path.exists(path):
        os.mkfifo(path)
    return path


def scratch_file(name: str, data: bytes, compressed: bool = False) -> str:
    import gzip
    import os

    path = os.path.join(scratch(), name)
    with (gzip.open(path, "wb", compresslevel=1) if compressed else open(path, "wb")) as handle:
        handle.write(data)
    return path


def idx_bytes(shape: tuple[int, ...], n_values: int | None = None) -> bytes:
    """An unsigned-byte IDX file declaring ``shape`` and holding ``n_values`` zero bytes (default: all)."""
    import struct

    n = int(np.prod(shape)) if n_values is None else n_values
    return bytes([0, 0, 8, len(shape)]) + struct.pack(f">{len(shape)}I", *shape) + bytes(n)


def gzip_bomb() -> str:
    """A small .gz (about 1 MB) that declares one 28×28 image and inflates to 1 GiB.

    gzip readers read concatenated members as one stream: the header's member, then one member of
    16 MiB of zeros repeated 64 times (compressed once, so the file is made in a fraction of a second).
    """
    import gzip
    import os

    path = os.path.join(scratch(), "bomb.idx.gz")
    if not os.path.exists(path):
        zeros = gzip.compress(bytes(16 << 20), compresslevel=9)
        with open(path + ".part", "wb") as handle:
            handle.write(gzip.compress(idx_bytes((1, 28, 28))))
            for _ in range(64):
                handle.write(zeros)
        os.replace(path + ".part", path)
    return path


def beyond_bound_rbm():
    """An RBM whose weights were pushed past the input bound after construction (as a diverged trainer would)."""
    m = rbm()
    m.weights[0, 0] = 1e305
    return m


def beyond_bound_file() -> str:
    import os

    path = os.path.join(scratch(), "beyond.npz")
    M("modelio").save_arrays(path, "RBM", beyond_bound_rbm().to_arrays())  # no check: the file a bug would write
    return path


def duplicate_member_file() -> str:
    import io
    import os
    import zipfile

    path = os.path.join(scratch(), "duplicate.npz")
    rbm().save(path)
    buffer = io.BytesIO()
    np.save(buffer, np.zeros((2, 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("weights.npy", buffer.getvalue())
    return path


def save_through_symlink():
    """Saving through a symlink writes the target atomically and keeps the link (documented in README)."""
    import os

    folder = scratch()
    target, link = os.path.join(folder, "target.npz"), os.path.join(folder, "link.npz")
    for path in (target, link):
        if os.path.lexists(path):
            os.unlink(path)
    rbm(seed=0).save(target)
    os.symlink(target, link)
    new = rbm(seed=5)
    new.save(link)
    if not os.path.islink(link) or M("rbm").RBM.load(target) != new:
        raise AssertionError("save through a symlink must write the target and keep the link")
    return M("rbm").RBM.load(link)


def masked(values, mask_first: float):
    """A masked array whose first entry is ``mask_first`` (NaN or 0.5) under the mask."""
    array = np.array(values, dtype=float)
    flat = array.reshape(-1)
    flat[0] = mask_first
    mask = np.zeros(array.shape, dtype=bool)
    mask.reshape(-1)[0] = True
    return np.ma.array(array, mask=mask)


def matrix(values):
    """np.matrix of ``values`` (without numpy's PendingDeprecationWarning about the class)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return np.asmatrix(np.atleast_2d(values))


class Tagged(np.ndarray):
    """An ndarray subclass with no special meaning: converted to a plain ndarray."""


def plain_result(result):
    arrays = result if isinstance(result, tuple) else (result,)
    for array in arrays:
        if isinstance(array, np.ndarray) and type(array) is not np.ndarray:
            raise AssertionError(f"returned a {type(array).__name__}, not a plain ndarray")
    return result


_SUBCLASS_TARGETS = [  # (module, label, call taking one array, argument name, a valid value)
    ("corrections", "exact", lambda x: M("corrections").exact(x, np.ones(2), np.ones(2)), "phi0", np.ones(2)),
    ("corrections", "linear", lambda x: M("corrections").linear(x, np.ones(2), np.ones(2)), "phi", np.ones(2)),
    ("corrections", "sigmoid", lambda x: M("corrections").sigmoid(x, np.ones(2), np.ones(2)), "phi0", np.ones(2)),
    ("numerics", "numerics.sigmoid", lambda x: M("numerics").sigmoid(x), "x", np.ones(2)),
    ("rbm", "RBM(weights)", lambda x: M("rbm").RBM(x, np.zeros(3), np.zeros(2)), "weights", np.ones((2, 3))),
    ("rbm", "RBM.log_p_star", lambda x: rbm().log_p_star(HA, x), "v", V),
    ("two_cause", "psi", lambda x: model().psi(HA, HB, x), "v", V),
    ("two_cause", "sample_posterior", lambda x: model().sample_posterior(x, n_sweeps=2, rng=0), "v", V),
    ("two_cause", "log_p_star", lambda x: model().log_p_star(HA, HB, x), "v", V),
    ("exact", "posterior", lambda x: M("exact").posterior(model(), x), "v", V),
]
for module_name, label, call, arg, valid in _SUBCLASS_TARGETS:
    for text, fill in (("NaN", NAN), ("0.5", 0.5)):
        bad(module_name, f"{label}: masked array with {text} under the mask",
            lambda call=call, valid=valid, fill=fill: call(masked(valid, fill)), arg, error=TypeError)
    bad(module_name, f"{label}: np.matrix", lambda call=call, valid=valid: call(matrix(valid)), arg, error=TypeError)
    edge(module_name, f"{label}: an ndarray subclass is converted",
         lambda call=call, valid=valid: plain_result(call(np.asarray(valid).view(Tagged))), arg)
bad("numerics", "check_plain_array(masked)", lambda: M("numerics").check_plain_array(masked([1.0], 0.5), "x"),
    "x", error=TypeError)
bad("numerics", "check_budget(n=10**9, 1 KiB each, limit 1 MiB)",
    lambda: M("numerics").check_budget("n", 10 ** 9, bytes_per_item=1024, limit_bytes=1 << 20), "n")
bad("numerics", "check_budget(n=-1)", lambda: M("numerics").check_budget("n", -1, bytes_per_item=1), "n")
bad("numerics", "check_budget(n=1.5)", lambda: M("numerics").check_budget("n", 1.5, bytes_per_item=1), "n")
bad("numerics", "check_time_budget(n=10**9, 1 s each)",
    lambda: M("numerics").check_time_budget("n", 10 ** 9, seconds_per_item=1.0, limit_seconds=60.0), "n")

# special files: refused at once, never read
for label, path in (("a FIFO", lambda: fifo("model.npz")), ("/dev/zero", lambda: "/dev/zero"),
                    ("/dev/urandom", lambda: "/dev/urandom")):
    capped("modelio", f"RBM.load({label})", lambda path=path: M("rbm").RBM.load(path()), "regular",
           error=lambda: M("modelio").ModelFileError)
    capped("modelio", f"TwoCauseRBM.load({label})", lambda path=path: M("two_cause").TwoCauseRBM.load(path()),
           "regular", error=lambda: M("modelio").ModelFileError)
    capped("datasets", f"load_mnist_idx({label})", lambda path=path: M("datasets").load_mnist_idx(path()),
           "images_path")
    capped("datasets", f"load_mnist_idx(labels_path={label})",
           lambda path=path: M("datasets").load_mnist_idx(scratch_file("ok.idx", idx_bytes((2, 28, 28))), path()),
           "labels_path")
bad("modelio", "open_regular_file(a FIFO)", lambda: M("modelio").open_regular_file(fifo("open.npz")), "FIFO",
    error=lambda: M("modelio").ModelFileError)
capped("datasets", "load_mnist_idx: header declares more than the file holds",
       lambda: M("datasets").load_mnist_idx(scratch_file("short.idx", idx_bytes((100, 28, 28), 1000))),
       "images_path")
capped("datasets", "load_mnist_idx: .gz header declares more than the file holds",
       lambda: M("datasets").load_mnist_idx(scratch_file("short.idx.gz", idx_bytes((100, 28, 28), 1000), True)),
       "images_path")
capped("datasets", "load_mnist_idx: header declares 2^31 × 2^16 × 2^16 images",
       lambda: M("datasets").load_mnist_idx(scratch_file("huge.idx", idx_bytes((2 ** 31, 2 ** 16, 2 ** 16), 16))),
       "images_path")
capped("datasets", "load_mnist_idx: gzip bomb (1 image declared, 1 GB inflated)",
       lambda: M("datasets").load_mnist_idx(gzip_bomb()), "images_path")
capped("datasets", "load_mnist_idx: labels declare more than the file holds",
       lambda: M("datasets").load_mnist_idx(scratch_file("two.idx", idx_bytes((2, 28, 28))),
                                            scratch_file("short-labels.idx", idx_bytes((2,), 1))), "labels_path")
edge("datasets", "load_mnist_idx: zero images", lambda: _zero_images(), "images_path", isolated=True)


def _zero_images():
    images, labels = M("datasets").load_mnist_idx(scratch_file("zero.idx.gz", idx_bytes((0, 28, 28)), True),
                                                  scratch_file("zero-labels.idx", idx_bytes((0,))))
    if images.shape != (0, 784) or labels.shape != (0,):
        raise AssertionError(f"zero images gave shapes {images.shape} and {labels.shape}")
    return images, labels


# model files beyond the input bound, duplicate members, symlinks
bad("modelio", "RBM.save beyond the input bound", lambda: beyond_bound_rbm().save(scratch() + "/never.npz"),
    "never.npz", error=lambda: M("modelio").ModelFileError)
bad("modelio", "RBM.save beyond the input bound names the array",
    lambda: beyond_bound_rbm().save(scratch() + "/never.npz"), "'weights'", error=lambda: M("modelio").ModelFileError)
bad("modelio", "TwoCauseRBM.save beyond the input bound",
    lambda: M("two_cause").TwoCauseRBM(beyond_bound_rbm(), rbm(1, 3)).save(scratch() + "/never2.npz"),
    "'a_weights'", error=lambda: M("modelio").ModelFileError)
bad("modelio", "RBM.load beyond the input bound names the file", lambda: M("rbm").RBM.load(beyond_bound_file()),
    "beyond.npz", error=lambda: M("modelio").ModelFileError)
bad("modelio", "RBM.load beyond the input bound names the array", lambda: M("rbm").RBM.load(beyond_bound_file()),
    "'weights'", error=lambda: M("modelio").ModelFileError)
bad("modelio", "RBM.load with duplicate members", lambda: M("rbm").RBM.load(duplicate_member_file()),
    "'weights'", error=lambda: M("modelio").ModelFileError)
edge("modelio", "RBM.save through a symlink writes the target", save_through_symlink, "link")

# training that diverges
bad("exact_learning", "train_exact learning_rate=1e300 diverges",
    lambda: M("exact_learning").train_exact(model(), DATA, steps=5, learning_rate=1e300), "diverged")
bad("exact_learning", "train_rbm_exact learning_rate=1e300 diverges",
    lambda: M("exact_learning").train_rbm_exact(DATA, 2, steps=5, learning_rate=1e300, rng=0), "diverged")

# indices and flags
for text, value in (("[0.5]", [0.5]), ("[True]", [True]), ("[1.9999]", [1.9999]), ("np.array([1.0])", np.array([1.0])),
                    ("'01'", "01"), ("None", None)):
    bad("exact_learning", f"bars_causes(2, {text})", lambda value=value: M("exact_learning").bars_causes(2, value),
        "bars_a")
bad("exact_learning", "random_start(merged='no')",
    lambda: M("exact_learning").random_start(2, 1, 3, merged="no"), "merged")
bad("exact_learning", "random_start(merged=None)", lambda: M("exact_learning").random_start(2, 1, 3, merged=None),
    "merged")
for text, value in (("None", None), ("[['a_weights']]", [["a_weights"]]), ("[{}]", [{}]), ("3", 3)):
    bad("exact_learning", f"train_exact(frozen={text})",
        lambda value=value: M("exact_learning").train_exact(model(), DATA, steps=1, frozen=value), "frozen")
for label, args in (("phi='x'", ("x", 0.0, 1.0, 1.0)), ("h='x'", (0.0, "x", 1.0, 1.0)),
                    ("h=0.5", (0.0, 0.5, 1.0, 1.0)), ("eps=nan", (0.0, 0.0, NAN, 1.0))):
    for name in ("none", "linear"):
        bad("corrections", f"CORRECTIONS[{name!r}].from_state({label})",
            lambda name=name, args=args: M("corrections").CORRECTIONS[name].from_state(*args), label.split("=")[0])
bad("separation", "separate(progress='no')", lambda: M("separation").separate(model(), V, 2, n_average=1,
                                                                              progress="no"), "progress")
bad("two_cause", "sample_posterior(progress='no')", lambda: model().sample_posterior(V, 1, progress="no"), "progress")

bad("two_cause", "reconstructions(mode=np.array([1, 2]))",
    lambda: model().reconstructions(HA, HB, mode=np.array([1, 2])), "mode")
bad("separation", "separate(mode=np.array([1, 2]))",
    lambda: M("separation").separate(model(), V, 2, n_average=1, mode=np.array([1, 2])), "mode")

# unbounded sizes: refused by the memory budget before any work
capped("separation", "separate(n_chains=10**9)",
       lambda: M("separation").separate(model(), V, 2, n_average=1, n_chains=10 ** 9), "n_chains")
capped("separation", "pair_model(n_composites=10**9)",
       lambda: M("separation").pair_model(rbm(), rbm(1, 3), DATA, DATA, n_composites=10 ** 9), "n_composites")
capped("two_cause", "TwoCauseRBM.sample(10**10)", lambda: model().sample(10 ** 10), "n_samples")
capped("rbm", "RBM.sample_hidden(10**12)", lambda: rbm().sample_hidden(10 ** 12), "n_samples")
capped("rbm", "RBM.sample(10**12)", lambda: rbm().sample(10 ** 12), "n_samples")
capped("rbm", "RBM.random(10**5, 10**4)", lambda: M("rbm").RBM.random(10 ** 5, 10 ** 4), "n_hidden")
capped("explore", "correction_grid(n=10**6)", lambda: M("explore").correction_grid(1.0, 1.0, 0, 10 ** 6), "n=")
capped("explore", "log_ratio_terms(n=10**12)", lambda: M("explore").log_ratio_terms(1.0, 1.0, 0, 1.0, 10 ** 12), "n=")
capped("widgets", "CorrectionExplorer(n=10**5)", lambda: M("widgets").CorrectionExplorer(n=10 ** 5), "n=")
capped("stats", "counts(n_states=10**12)", lambda: M("stats").counts([0], 10 ** 12), "n_states")
capped("datasets", "neighbouring_bits(1, 10**6)", lambda: M("datasets").neighbouring_bits(1, 10 ** 6), "n_bits")
capped("datasets", "bars(16384, 1) (2^28 pixels, beyond the 1 GiB budget)",
       lambda: M("datasets").bars(16384, 1, "horizontal"), "n_samples")
capped("widgets", "ApproximationExplorer(n=10**5)", lambda: M("widgets").ApproximationExplorer(n=10 ** 5), "n=")


# ---------------------------------------------------------------------------------- blind (issue 24)
def blind_settings(**kw):
    return M("blind").BlindSettings(**{"n_templates": 2, "n_restarts": 1, "em_iterations": 2, "rbm_epochs": 1,
                                       "wake_sleep_epochs": 1, "n_fantasy": 5, "n_snapshots": 1, **kw})


def learn_blind(**kw):
    settings = {"composites": DATA, "n_hidden_a": 2, "n_hidden_b": 2, "settings": blind_settings(), "rng": 0}
    settings.update(kw)
    return M("blind").learn_blind(**settings)


for name in ("n_hidden_a", "n_hidden_b"):
    counts("blind", "learn_blind", lambda n, name=name: learn_blind(**{name: n}), name)
bad("blind", "learn_blind composites non-binary", lambda: learn_blind(composites=DATA * 0.5), "composites")
bad("blind", "learn_blind composites 1-D", lambda: learn_blind(composites=V), "composites")
bad("blind", "learn_blind composites one row", lambda: learn_blind(composites=DATA[:1]), "composites")
bad("blind", "learn_blind composites nan", lambda: learn_blind(composites=np.full((4, 3), NAN)), "composites")
bad("blind", "learn_blind composites masked", lambda: learn_blind(composites=masked(DATA, 1.0)), "composites")
bad("blind", "learn_blind settings=dict", lambda: learn_blind(settings={"n_templates": 2}), "settings")
bad("blind", "learn_blind progress='yes'", lambda: learn_blind(progress="yes"), "progress")
bad("blind", "learn_blind causes='templates' with other sizes",
    lambda: learn_blind(settings=blind_settings(causes="templates"), n_hidden_a=3), "settings.n_templates")
rngs("blind", "learn_blind", lambda r: learn_blind(rng=r))
for name in ("n_templates", "n_restarts", "em_iterations", "rbm_epochs", "batch_size", "n_sweeps", "n_fantasy",
             "fantasy_steps", "n_snapshots"):
    counts("blind", "BlindSettings", lambda n, name=name: blind_settings(**{name: n}), f"settings.{name}")
for name in ("anneal_from", "learning_rate", "momentum", "empty_penalty"):
    reals("blind", "BlindSettings", lambda x, name=name: blind_settings(**{name: x}), f"settings.{name}",
          also=[("-0.1", -0.1)])
bad("blind", "BlindSettings causes='labels'", lambda: blind_settings(causes="labels"), "settings.causes")
bad("blind", "BlindSettings nonnegative='no'", lambda: blind_settings(nonnegative="no"), "settings.nonnegative")
counts("blind", "fit_templates", lambda n: M("blind").fit_templates(DATA, n_templates=n, iterations=2), "n_templates")
counts("blind", "fit_templates", lambda n: M("blind").fit_templates(DATA, n_restarts=n, iterations=2), "n_restarts")
reals("blind", "fit_templates", lambda x: M("blind").fit_templates(DATA, anneal_from=x, iterations=2), "anneal_from",
      also=[("0.5", 0.5)])
bad("blind", "fit_templates composites non-binary", lambda: M("blind").fit_templates(DATA * 0.5), "composites")
bad("blind", "estimated_parts recon_a wrong shape",
    lambda: M("blind").estimated_parts(DATA, DATA[:2], DATA), "recon_a")
bad("blind", "estimated_parts recon_b above 1", lambda: M("blind").estimated_parts(DATA, DATA, DATA * 2), "recon_b")
bad("blind", "estimated_parts recon_a nan", lambda: M("blind").estimated_parts(DATA, DATA * NAN, DATA), "recon_a")
bad("blind", "settings_table('x')", lambda: M("blind").settings_table("x"), "settings")
edge("blind", "learn_blind all-zero composites", lambda: learn_blind(composites=np.zeros((4, 3))).model.parameters(),
     "composites")
capped("blind", "learn_blind settings.n_templates=10**5",
       lambda: learn_blind(settings=blind_settings(n_templates=10 ** 5)), "n_templates")


# ------------------------------------------------------------------------------- running
@dataclass
class Outcome:
    verdict: str  # "clear", "unclear", "hang", "silently wrong", "ok"
    detail: str = ""


def _error_type(case: Case):
    error = case.error
    return error() if callable(error) and not isinstance(error, type) else error


def non_finite(value: Any, depth: int = 0) -> str | None:
    """A description of the first non-finite number in ``value`` (arrays, numbers, containers), or None."""
    if depth > 4:
        return None
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
        return None
    if isinstance(value, (float, np.floating, complex, np.complexfloating)):
        return None if np.isfinite(value) else f"returned {value}"
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc" and not np.all(np.isfinite(value)):
            return f"returned an array with {int(np.sum(~np.isfinite(value)))} non-finite values"
        return None
    if isinstance(value, dict):
        values = value.values()
    elif isinstance(value, (list, tuple)):
        values = value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        values = [getattr(value, f.name) for f in dataclasses.fields(value)]
    elif hasattr(value, "to_arrays"):
        values = value.to_arrays().values()
    elif hasattr(value, "a") and hasattr(value, "b") and hasattr(value.a, "to_arrays"):
        values = [value.a, value.b, getattr(value, "belief_bias", None)]
    else:
        return None
    for item in values:
        found = non_finite(item, depth + 1)
        if found:
            return found
    return None


class Timeout(BaseException):
    """Raised by the alarm; a BaseException so that library code cannot swallow it."""


ISOLATED_BUDGET = "1G"  # $ORBM_EXPLORE_MEMORY_LIMIT inside a capped row
ISOLATED_HEADROOM = 2 << 30  # address space a capped row may add to what the parent had mapped


def run_isolated(case: Case, seconds: float = 20.0, headroom: int = ISOLATED_HEADROOM) -> Outcome:
    """Run one row in a forked child with a fixed memory budget and an address-space cap.

    The child sets ``$ORBM_EXPLORE_MEMORY_LIMIT`` to :data:`ISOLATED_BUDGET` and ``RLIMIT_AS`` to its
    current size plus ``headroom``, runs :func:`run_case` and sends the outcome back through a pipe. A child
    that does not answer within ``seconds`` + 5 s is killed ("hang"); one that dies (a crash, the kernel's
    OOM killer) is "unclear"; a MemoryError inside it is "unclear" like any other wrong error.
    """
    import json
    import os
    import resource
    import time

    scratch()  # made here, so that the child's files land in the parent's folder (removed at its exit)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 0
        try:
            os.close(read_end)
            os.environ["ORBM_EXPLORE_MEMORY_LIMIT"] = ISOLATED_BUDGET
            with open("/proc/self/statm") as handle:
                mapped = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            resource.setrlimit(resource.RLIMIT_AS, (mapped + headroom, resource.getrlimit(resource.RLIMIT_AS)[1]))
            outcome = run_case(dataclasses.replace(case, isolated=False), seconds)
            message = json.dumps([outcome.verdict, outcome.detail])
        except BaseException as err:  # noqa: BLE001 - report whatever happened
            message = json.dumps(["unclear", f"the isolated run failed: {type(err).__name__}: {err}"])
            status = 1
        try:
            os.write(write_end, message.encode()[:60000])
        finally:
            os._exit(status)
    os.close(write_end)
    deadline = time.monotonic() + seconds + 5.0
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return Outcome("hang", f"no answer within {seconds + 5:g} s (isolated run killed)")
            time.sleep(0.01)
        data = b""
        while chunk := os.read(read_end, 65536):
            data += chunk
    finally:
        os.close(read_end)
    if os.WIFSIGNALED(status):
        return Outcome("unclear", f"the isolated run died of signal {os.WTERMSIG(status)}")
    if not data:
        return Outcome("unclear", "the isolated run sent no outcome")
    import json

    verdict, detail = json.loads(data.decode())
    return Outcome(verdict, detail)


def run_case(case: Case, seconds: float = 20.0) -> Outcome:
    """Run one row under a timeout and judge it (capped rows in a forked child: :func:`run_isolated`)."""
    if case.isolated:
        return run_isolated(case, seconds)

    def on_alarm(*_):
        raise Timeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"), \
                warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            result = case.call()
    except Timeout:
        return Outcome("hang", f"no answer within {seconds:g} s")
    except Exception as err:  # noqa: BLE001 - judging every failure is the point
        text = " ".join(str(err).split())
        message = f"{type(err).__name__}: {text[:300]}"
        try:
            expected = _error_type(case)
        except Exception as import_err:  # noqa: BLE001
            return Outcome("unclear", f"{message} (and {import_err})")
        named = any(name in text for name in case.names)
        if isinstance(err, expected) and named:
            return Outcome("clear" if case.kind == "bad" else "ok", message)
        return Outcome("unclear", message)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _close_figures()
    if case.kind == "bad":
        return Outcome("silently wrong", f"returned {type(result).__name__} instead of raising")
    found = non_finite(result)
    return Outcome("silently wrong", found) if found else Outcome("ok")


def _close_figures() -> None:
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def table(outcomes: dict[str, Outcome]) -> str:
    """Markdown table per module: tried / clear error / unclear / hang / silently wrong / edge ok."""
    rows = {}
    for case in CASES:
        outcome = outcomes[case.key]
        row = rows.setdefault(case.module, {"tried": 0, "clear": 0, "unclear": 0, "hang": 0, "silently wrong": 0,
                                            "ok": 0})
        row["tried"] += 1
        row[outcome.verdict] += 1
    lines = ["| module | owner | tried | clear error | unclear | hang | silently wrong | edge ok |",
             "|---|---|---|---|---|---|---|---|"]
    total = dict.fromkeys(["tried", "clear", "unclear", "hang", "silently wrong", "ok"], 0)
    for module, row in rows.items():
        lines.append(f"| {module} | {OWNERS[module]} | " + " | ".join(str(row[k]) for k in total) + " |")
        for k in total:
            total[k] += row[k]
    lines.append("| **all** | | " + " | ".join(str(total[k]) for k in total) + " |")
    return "\n".join(lines)


def responsible(case: Case, outcome: Outcome) -> str:
    """Who fixes a failing row: the module's owner, except errors that come from a shared helper."""
    if case.id.endswith("rng=-1") and "non-negative integer" in outcome.detail:
        return "lead (numerics.as_generator)"
    return case.owner


def main(argv: list[str]) -> int:
    """Print the table and every failing row; with --write-known, rewrite tests/fuzz_known_failures.txt."""
    outcomes = {}
    for case in CASES:
        outcomes[case.key] = run_case(case)
    print(table(outcomes))
    print()
    failing = [(responsible(case, outcomes[case.key]), case) for case in CASES
               if outcomes[case.key].verdict not in ("clear", "ok")]
    for owner, case in failing:
        outcome = outcomes[case.key]
        print(f"[{owner}] {case.key} -> {outcome.verdict}: {outcome.detail}")
    if "--write-known" in argv:
        from pathlib import Path

        path = Path(__file__).with_name("fuzz_known_failures.txt")
        kept = [line for line in path.read_text().splitlines() if " | wrong objects: " in line]
        header = ["# Fuzz rows that fail today, by owner: each runs as a non-strict xfail (tests/test_fuzz.py).",
                  "# Remove a line when its row passes (python tests/test_fuzz_table.py --write-known rewrites this",
                  "# file from a fresh run; 'wrong objects' lines are kept by hand). Format: owner | module: row id"]
        path.write_text("\n".join(header + [f"{owner} | {case.key}" for owner, case in failing] + kept) + "\n")
    return 0


if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    sys.exit(main(sys.argv[1:]))
