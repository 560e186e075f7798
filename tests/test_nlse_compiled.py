"""The compiled Lawson and Adams steps (integrators/compiled_lawson.py, compiled_adams.py) around
the NLSE's compiled N (models/nlse/kernels.py) and the complex FFTW plans they execute
(fftw_numba.ComplexPlan): the same numbers as the Python path to round-off, the same step-size
decisions, the same statistics, and the physics unchanged."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from simsuite.integrators import IntegrationError
from simsuite.integrators.base import SemilinearKernels, semilinear_kernels
from simsuite.integrators.lawson import LawsonStepper
from simsuite.integrators.tableaux import DOP853, DOPRI5, RK4
from simsuite.models.nlse import kernels as nlse_kernels
from simsuite.models.nlse.exact import bright_soliton
from simsuite.runner import build
from simsuite.spectral import fftw_numba

from .test_kg_compiled import _run_plan
from .test_nlse import SOLITON, nlse_config

pytestmark = pytest.mark.skipif(not fftw_numba.available(), reason="no FFTW library")


@pytest.mark.parametrize("n", [16, 125, 512])
def test_complex_plan_is_fft_and_unnormalised_ifft(n):
    rng = np.random.default_rng(n)
    plan = fftw_numba.ComplexPlan(n)
    z = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    plan.physical[:] = z
    _run_plan(plan.execute_address, plan.forward)
    np.testing.assert_allclose(plan.spectral, np.fft.fft(z), rtol=0, atol=1e-12 * n)
    np.testing.assert_array_equal(plan.physical, z)  # out of place: the input is kept
    _run_plan(plan.execute_address, plan.backward)
    np.testing.assert_allclose(plan.physical, n * z, rtol=0, atol=1e-12 * n)
    for buffer in (plan.spectral, plan.physical):
        assert buffer.ctypes.data % 64 == 0


def test_complex_plans_copy_and_pickle_by_planning_anew():
    plan = fftw_numba.ComplexPlan(32)
    z = np.exp(1j * np.arange(32.0))
    for other in (copy.deepcopy(plan), pickle.loads(pickle.dumps(plan))):
        assert other.forward != plan.forward
        other.physical[:] = z
        _run_plan(other.execute_address, other.forward)
        np.testing.assert_allclose(other.spectral, np.fft.fft(z), atol=1e-12)


def soliton_model(n=512, dealias="none", method="dop853", **keys):
    cfg = nlse_config(
        integrator__method=method, grid__n_points=n, grid__dealias=dealias, **{**SOLITON, **keys}
    )
    return build(cfg)


def _python_path(model):
    """Make the model's problem take the Python path (N evaluated from Python)."""
    model.problem.__dict__["_compiled"] = None
    assert not model.problem.compiled_steps and semilinear_kernels(model.problem) is None


@pytest.mark.parametrize("dealias", ["none", "two_thirds", "exponential"])
def test_compiled_nonlinearity_is_the_python_one_bit_for_bit(dealias):
    """Same FFTW algorithm, same pointwise arithmetic: N agrees to the last bit."""
    model, _ = soliton_model(n=256, dealias=dealias)
    problem = model.problem
    assert problem.compiled_steps
    u = model.initial_state() * np.exp(0.3j * np.arange(256))
    kernels = problem.kernels
    assert isinstance(kernels, SemilinearKernels)
    out = np.empty_like(u)
    kernels.nonlinear_into(out, u, kernels.params)
    np.testing.assert_array_equal(out, problem.nonlinear(u))
    in_place = u.copy()
    nlse_kernels.nonlinear_into(in_place, in_place, kernels.params)  # out may be u
    np.testing.assert_array_equal(in_place, out)


@pytest.mark.parametrize("tableau", [DOP853, DOPRI5, RK4], ids=["dop853", "dopri5", "rk4"])
@pytest.mark.parametrize("dealias", ["none", "two_thirds"])
def test_one_compiled_step_is_the_python_step_to_round_off(tableau, dealias):
    model, _ = soliton_model(dealias=dealias)
    problem = model.problem
    u = model.initial_state()
    theta = 0.5 if tableau is RK4 else 0.0
    results = []
    for kernels in (problem.kernels, None):
        st = LawsonStepper(
            tableau, theta, problem.linear, problem.nonlinear, u.shape, u.dtype, kernels=kernels
        )
        P = st.propagators(0.02)
        out = np.empty_like(u)
        f_new = st.step(u, st.rhs(u), P, out)
        if f_new is None:
            f_new = st.rhs(out)
        results.append((out, st.K.copy(), f_new, st.n_rhs))
    (out_c, K_c, f_c, rhs_c), (out_p, K_p, f_p, _) = results
    scale = np.max(np.abs(out_p))
    assert np.max(np.abs(out_c - out_p)) <= 1e-15 * scale
    assert np.max(np.abs(K_c - K_p)) <= 1e-14 * np.max(np.abs(K_p))
    assert np.max(np.abs(f_c - f_p)) <= 1e-14 * np.max(np.abs(f_p))
    assert rhs_c == 1 + tableau.n_stages  # N(u_n), s - 1 stages and N(u_{n+1})


@pytest.mark.parametrize(
    "method, keys, tolerance",
    [
        ("dop853", {"integrator__rtol": 1e-10, "integrator__atol": 1e-12}, 1e-11),
        ("dopri5", {"integrator__rtol": 1e-8, "integrator__atol": 1e-10}, 1e-11),
        ("rk4ip", {"time__dt": 0.005}, 1e-11),
    ],
)
def test_compiled_runs_take_the_python_steps(method, keys, tolerance):
    """Whole runs: the same accepted and rejected steps, ψ equal to well within the time error."""
    runs = []
    for compiled in (True, False):
        model, stepper = soliton_model(method=method, **keys)
        if not compiled:
            _python_path(model)
        u = model.initial_state()
        for t0, t1 in ((0.0, 2.5), (2.5, 5.0)):  # two output intervals: the FSAL hand-over
            u, _ = stepper.advance(u, t0, t1)
        runs.append((model.psi(u), stepper.stats))
    (psi_c, stats_c), (psi_p, stats_p) = runs
    assert stats_c.n_steps == stats_p.n_steps and stats_c.n_rejected == stats_p.n_rejected
    assert np.max(np.abs(psi_c - psi_p)) <= tolerance
    exact = bright_soliton(model.grid.x, 5.0, 2.0, 1.0, -10.0)
    assert np.max(np.abs(psi_c - exact)) <= 1e-6


def test_rejected_steps_keep_the_start_derivative():
    """A first step far too long is rejected several times; each retry starts from N(u_n), not from
    the N(u_{n+1}) of the rejected attempt (the two alternate between buffers)."""
    runs = []
    for compiled in (True, False):
        model, stepper = soliton_model(time__dt=2.0, integrator__rtol=1e-10, integrator__atol=1e-12)
        if not compiled:
            _python_path(model)
        u, _ = stepper.advance(model.initial_state(), 0.0, 2.0)
        runs.append((model.psi(u), stepper.stats.n_rejected, stepper.stats.n_steps))
    (psi_c, rej_c, steps_c), (psi_p, rej_p, steps_p) = runs
    assert rej_c == rej_p >= 3 and steps_c == steps_p
    assert np.max(np.abs(psi_c - psi_p)) <= 1e-12
    exact = bright_soliton(model.grid.x, 2.0, 2.0, 1.0, -10.0)
    assert np.max(np.abs(psi_c - exact)) <= 1e-8


def test_compiled_soliton_meets_the_acceptance_tolerance():
    """The issue's case on the compiled path: η = 2, v = 1 to t = 20, dop853 at rtol 1e-12."""
    model, stepper = soliton_model(
        time__t_final=20.0, integrator__rtol=1e-12, integrator__atol=1e-14
    )
    assert semilinear_kernels(model.problem) is not None
    u, _ = stepper.advance(model.initial_state(), 0.0, 20.0)
    error = np.max(np.abs(model.psi(u) - bright_soliton(model.grid.x, 20.0, 2.0, 1.0, -10.0)))
    assert error <= 1e-9


def test_compiled_steps_only_where_they_apply():
    model, _ = soliton_model(run__fft="scipy")
    assert not model.problem.compiled_steps
    model, _ = soliton_model(run__fft="fftw_measure")
    assert not model.problem.compiled_steps  # measured plans may pick another algorithm
    model, _ = soliton_model(n=2**15, run__threads=2)
    assert not model.problem.compiled_steps  # threaded transforms stay threaded
    model, _ = soliton_model(n=2**15, run__threads=1)
    assert model.problem.compiled_steps
    model, stepper = soliton_model(method="dop853")
    two_d = np.stack([model.initial_state()] * 2)
    st = LawsonStepper(
        DOP853, 0.0, model.problem.linear, model.problem.nonlinear, two_d.shape, complex,
        kernels=model.problem.kernels,
    )  # fmt: skip
    assert st.kernels is None  # 1-D states only


def test_pickled_problem_plans_anew_and_steps_the_same():
    model, stepper = soliton_model(method="rk4ip", time__dt=0.01)
    u0 = model.initial_state()
    first, _ = stepper.advance(u0, 0.0, 0.5)
    clone = pickle.loads(pickle.dumps(stepper))
    assert clone.problem.compiled_steps
    assert clone.problem._compiled[0].forward != model.problem._compiled[0].forward
    second, _ = clone.advance(u0, 0.0, 0.5)
    np.testing.assert_array_equal(first, second)


# -- exponential Adams ----------------------------------------------------------------------------
@pytest.mark.parametrize("dealias", ["none", "two_thirds"])
@pytest.mark.parametrize("method", ["etd_abm4", "etd_abm8"])
def test_compiled_adams_steps_are_the_python_steps_to_round_off(method, dealias):
    runs = []
    for compiled in (True, False):
        model, stepper = soliton_model(method=method, dealias=dealias, time__dt=5e-3)
        if not compiled:
            _python_path(model)
        u = model.initial_state()
        for t0, t1 in ((0.0, 1.0), (1.0, 2.0)):  # the history carries over between calls
            u, _ = stepper.advance(u, t0, t1)
        runs.append((model.psi(u), stepper.stats))
    (psi_c, stats_c), (psi_p, stats_p) = runs
    assert stats_c.n_steps == stats_p.n_steps == 400
    # two N per step after the start-up; a compiled Dormand–Prince start-up step also returns N(u_n+1)
    assert 0 <= stats_c.n_rhs - stats_p.n_rhs <= 2
    assert np.max(np.abs(psi_c - psi_p)) <= 1e-12
    # and both follow the soliton (the 2/3 rule costs ~2e-7 here: the soliton's high modes)
    exact = bright_soliton(model.grid.x, 2.0, 2.0, 1.0, -10.0)
    tight = method == "etd_abm8" and dealias == "none"
    assert np.max(np.abs(psi_c - exact)) <= (1e-8 if tight else 1e-6)


def test_compiled_adams_blow_up_is_reported_like_the_python_one():
    """The noise-seeded modulation instability at dt = 0.005 blows up (the documented limitation):
    both paths stop at the same check with the same error."""
    errors = []
    for compiled in (True, False):
        model, stepper = build(
            nlse_config(
                integrator__method="etd_abm8",
                time__dt=0.005,
                initial_condition__type="modulation_instability",
                initial_condition__epsilon=1e-3,
            )
        )
        if not compiled:
            _python_path(model)
        with np.errstate(all="ignore"), pytest.raises(IntegrationError) as info:
            stepper.advance(model.initial_state(), 0.0, 200.0)
        errors.append((info.value.t, stepper.stats.n_steps, "reduce dt" in info.value.hint))
    assert errors[0] == errors[1] and errors[0][2]


# -- the compiled error norm ------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["dop853", "dopri5"])
@pytest.mark.parametrize("norm", ["componentwise", "global"])
@pytest.mark.parametrize("damped", [False, True], ids=["skew", "end_abs"])
def test_compiled_error_norm_is_the_numpy_norm(method, norm, damped):
    """kernels.embedded_error_norm against AdaptiveLawsonRK._error_norm (which mirrors scipy) on a
    real step's stages: the same number to round-off, and NaN where a state is NaN."""
    model, stepper = soliton_model(
        method=method, integrator__error_norm=norm, integrator__rtol=1e-9, integrator__atol=1e-11
    )
    u = model.initial_state()
    st = stepper._prepare(u)
    assert st.kernels is not None
    P = st.propagators(0.05)
    new = np.empty_like(u)
    st.step(u, st.rhs(u), P, new)
    if damped:  # a made-up |E((1 - θ)h)| != 1, as a dissipative L would give
        P.end_abs = np.linspace(0.5, 1.0, u.size)
    compiled = stepper._compiled_error_norm(st, P, 0.05, u, new)
    K_saved = st.K.copy()
    reference = stepper._error_norm(st, P, 0.05, np.maximum(np.abs(u), np.abs(new)))
    np.testing.assert_array_equal(st.K, K_saved)
    assert compiled > 0 and abs(compiled - reference) <= 1e-12 * reference
    new[3] = np.nan
    assert np.isnan(stepper._compiled_error_norm(st, P, 0.05, u, new))
