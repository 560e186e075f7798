"""The compiled Klein–Gordon steps (integrators/compiled_kick_drift.py over the kernels of
models/klein_gordon/kernels.py) and the FFTW plans they execute
(fftw_numba.py): the same numbers as the Python path, the same checks, the same statistics."""

from __future__ import annotations

import copy
import pickle

import numba
import numpy as np
import pytest

from simsuite.integrators.base import IntegrationError
from simsuite.integrators.second_order import KickDriftKernels
from simsuite.runner import build
from simsuite.spectral import fftw_numba

from .test_kg import kg_config

pytestmark = pytest.mark.skipif(not fftw_numba.available(), reason="no FFTW library")


@numba.njit(cache=True)
def _run_plan(function, plan):
    fftw_numba.execute(function, plan)


@pytest.mark.parametrize("n", [16, 125, 1024])
def test_real_plan_is_rfft_and_unnormalised_irfft(n):
    rng = np.random.default_rng(n)
    plan = fftw_numba.RealPlan(n)
    f = rng.standard_normal(n)
    plan.real[:] = f
    _run_plan(plan.execute_address, plan.r2c)
    np.testing.assert_allclose(plan.modes, np.fft.rfft(f), rtol=0, atol=1e-12 * n)
    _run_plan(plan.execute_address, plan.c2r)
    np.testing.assert_allclose(plan.real, n * f, rtol=0, atol=1e-12 * n)
    for buffer in (plan.real, plan.modes):
        assert buffer.ctypes.data % 64 == 0


def test_plans_copy_and_pickle_by_planning_anew():
    plan = fftw_numba.RealPlan(64)
    for other in (copy.deepcopy(plan), pickle.loads(pickle.dumps(plan))):
        assert other.n == 64 and other.r2c != plan.r2c
        assert other.real.ctypes.data != plan.real.ctypes.data
        other.real[:] = np.arange(64.0)
        _run_plan(other.execute_address, other.r2c)
        np.testing.assert_allclose(other.modes, np.fft.rfft(np.arange(64.0)), atol=1e-10)


def _python_path(model):
    """Make the model's problem take the per-sub-step Python path."""
    model.problem.__dict__["_compiled"] = None
    assert model.problem.kernels is None


CASES = {
    "phi4 collision": dict(
        initial_condition={"type": "kink_antikink", "x0": 8.0, "velocity": 0.3},
    ),
    "phi4 dealiased": dict(
        grid={"dealias": "two_thirds"},
        initial_condition={"type": "kink_antikink", "x0": 8.0, "velocity": 0.3},
    ),
    "sine-Gordon winding": dict(
        grid={"winding": 1, "dealias": "exponential"},
        potential={"name": "sine_gordon"},
        initial_condition={"type": "sine_gordon_kink", "x0": 0.0, "velocity": 0.4},
    ),
    "linear": dict(
        potential={"name": "linear", "mass": 1.0},
        initial_condition={"type": "gaussian", "amplitude": 0.5, "width": 2.0},
    ),
}
METHODS = [
    "verlet",
    "yoshida4",
    "blanes_moan4",
    "exponential_verlet",
    "exponential_yoshida4",
    "exponential_blanes_moan4",
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", list(CASES))
def test_compiled_steps_equal_the_python_path(case, method):
    """Same operations in the same order: the compiled steps reproduce the Python loop to
    round-off (in practice bit for bit) over two advance calls, with the same force counts."""
    cfg = kg_config(
        grid={"n_points": 128, **CASES[case].get("grid", {})},
        **{k: v for k, v in CASES[case].items() if k != "grid"},
        integrator={"method": method},
        time={"dt": 0.02},
    )
    compiled_model, compiled = build(cfg)
    python_model, python = build(cfg)
    _python_path(python_model)
    assert isinstance(compiled_model.problem.kernels, KickDriftKernels)
    u0 = compiled_model.initial_state()
    got, expected = u0, u0
    for t0, t1 in ((0.0, 2.0), (2.0, 5.0)):
        got, _ = compiled.advance(got, t0, t1)
        expected, _ = python.advance(expected, t0, t1)
    assert np.max(np.abs(got - expected)) <= 1e-12 * max(1.0, np.max(np.abs(expected)))
    assert compiled.stats.n_rhs == python.stats.n_rhs
    assert compiled.stats.n_steps == python.stats.n_steps


@pytest.mark.parametrize("method", ["verlet", "exponential_verlet"])
def test_compiled_steps_stop_on_a_non_finite_state(method):
    """A blow-up is caught at the first check after it (every 100 steps), with the time and the
    counts of the Python path."""
    cfg = kg_config(
        grid={"n_points": 64},
        initial_condition={"type": "kink_antikink", "x0": 8.0, "velocity": 0.3},
        integrator={"method": method},
        time={"dt": 0.02},
    )
    reports = []
    for compiled_path in (True, False):
        model, stepper = build(cfg)
        if not compiled_path:
            _python_path(model)
        u = model.initial_state()
        u[0, 5] = np.inf
        with pytest.raises(IntegrationError) as info, np.errstate(invalid="ignore"):
            stepper.advance(u, 0.0, 5.0)
        reports.append((info.value.t, stepper.stats.n_steps, stepper.stats.n_rhs))
    assert reports[0] == reports[1]
    assert reports[0][1] == 100


def test_other_bases_potentials_and_backends_keep_the_python_path():
    for changes in (
        dict(grid={"boundary": "neumann"}, initial_condition={"type": "kink"}),
        dict(run={"fft": "scipy"}),
        dict(run={"fft": "fftw_measure"}),
        dict(potential={"name": "custom", "V": "0.5*phi**2", "dV": "phi", "vacuum": 0.0}),
    ):
        model, _ = build(kg_config(grid={"n_points": 64, **changes.pop("grid", {})}, **changes))
        assert model.problem.kernels is None, changes


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("n", [127, 128])
def test_compiled_invariants_equal_the_python_sums(case, n):
    """Energy and momentum by Parseval in one compiled pass agree with the physical-space sums
    (``KGProblem.invariants`` on the Python path) to round-off, odd and even n, with a winding."""
    cfg = kg_config(
        grid={"n_points": n, **CASES[case].get("grid", {})},
        **{k: v for k, v in CASES[case].items() if k != "grid"},
    )
    compiled_model, _ = build(cfg)
    python_model, _ = build(cfg)
    _python_path(python_model)
    rng = np.random.default_rng(n)
    u = compiled_model.initial_state()
    u = u + 1e-3 * rng.standard_normal(u.shape)  # every mode, Nyquist included
    got, expected = compiled_model.invariants(u), python_model.invariants(u)
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert abs(got[key] - value) <= 1e-13 * max(1.0, abs(value)), key


def test_a_pickled_problem_plans_anew():
    """A pickled (or Dask-shipped) problem plans again instead of reusing the pointers of plans
    that belong to another object, and takes the same steps."""
    cfg = kg_config(
        grid={"n_points": 64},
        initial_condition={"type": "kink_antikink", "x0": 8.0, "velocity": 0.3},
        integrator={"method": "exponential_verlet"},
    )
    model, stepper = build(cfg)
    u0 = model.initial_state()
    expected, _ = stepper.advance(u0, 0.0, 1.0)
    clone = pickle.loads(pickle.dumps(stepper))
    assert clone.problem._compiled["plan"].r2c != model.problem._compiled["plan"].r2c
    del model, stepper
    clone.reset()
    got, _ = clone.advance(u0, 0.0, 1.0)
    np.testing.assert_array_equal(got, expected)
