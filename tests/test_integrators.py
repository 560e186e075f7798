"""Tests of the time integrators on toy problems built here (no models).

* With ``L = 0`` the Lawson Dormand–Prince methods are the plain ones: they must retrace scipy's
  ``DOP853``/``RK45`` step by step.
* Measured convergence orders: RK4IP against a closed-form solution, splitting methods against a
  tight DOP853 reference on a small Fourier-grid NLSE (whose flows do not commute).
* Adaptive methods meet their tolerance, count their right-hand sides honestly, land on output
  times.
* Failures raise :class:`IntegrationError`; the registry names what exists.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from simsuite.integrators import IntegrationError, Integrator, get_integrator, integrators_for
from simsuite.integrators.dormand_prince import AdaptiveLawsonRK, Dop853, Dopri5
from simsuite.integrators.exponential_adams import ExponentialAdams
from simsuite.integrators.splitting import YOSHIDA4, YOSHIDA6
from simsuite.integrators.tableaux import DOP853, DOPRI5, RK4

#: From the registry, so that a new method is tested without editing this file: the adaptive
#: integrating-factor methods (every AdaptiveLawsonRK tableau) and the fixed-step one-step methods
#: for semilinear problems (the multistep exponential Adams methods have test_exponential_adams.py).
SEMILINEAR = {name: get_integrator(name) for name in integrators_for("semilinear")}
ADAPTIVE = sorted(name for name, cls in SEMILINEAR.items() if issubclass(cls, AdaptiveLawsonRK))
FIXED = sorted(
    name
    for name, cls in SEMILINEAR.items()
    if not cls.adaptive and not issubclass(cls, ExponentialAdams)
)


# -- toy problems ----------------------------------------------------------------------------------
class ODE:
    """``u' = f(u)`` with ``L = 0`` (a plain ODE in the semilinear form)."""

    def __init__(self, f, n, dtype=float):
        self.f = f
        self.linear = np.zeros(n, dtype=dtype)

    def nonlinear(self, u):
        return self.f(u)

    def nonlinear_flow(self, u, h):  # pragma: no cover - not used
        raise NotImplementedError

    def filter(self, u):
        return u


def lotka_volterra(u):
    x, y = u
    return np.array([1.5 * x - x * y, -3.0 * y + x * y])


def coupled_oscillators(u):
    """Two nonlinear, coupled, weakly damped complex oscillators."""
    a, b = u
    return np.array([1j * abs(a) ** 2 * a + 0.5j * b, 1j * abs(b) ** 2 * b + 0.5j * a - 0.05 * b])


class Phase:
    """``u' = (iω - γ) u + i g |u|² u`` componentwise; exact solution known."""

    def __init__(self, omega, g=1.0, gamma=0.0):
        self.omega = np.asarray(omega, dtype=float)
        self.g = g
        self.gamma = gamma
        self.linear = 1j * self.omega - gamma

    def nonlinear(self, u):
        return 1j * self.g * np.abs(u) ** 2 * u

    def nonlinear_flow(self, u, h):
        return u * np.exp(1j * self.g * np.abs(u) ** 2 * h)

    def filter(self, u):
        return u

    def exact(self, u0, t):
        a2 = np.abs(u0) ** 2
        if self.gamma == 0:
            phase = self.g * a2 * t
        else:
            phase = self.g * a2 * (1 - np.exp(-2 * self.gamma * t)) / (2 * self.gamma)
        return u0 * np.exp((1j * self.omega - self.gamma) * t + 1j * phase)


class NLSE:
    """``i ψ_t + ½ ψ_xx + |ψ|² ψ = 0`` on a periodic grid, state = FFT coefficients."""

    def __init__(self, n=16, length=2 * np.pi):
        self.x = np.arange(n) * length / n
        k = 2 * np.pi * np.fft.fftfreq(n, length / n)
        self.linear = -0.5j * k**2
        self.n_filter = 0

    def nonlinear(self, u):
        psi = np.fft.ifft(u)
        return np.fft.fft(1j * np.abs(psi) ** 2 * psi)

    def nonlinear_flow(self, u, h):
        psi = np.fft.ifft(u)
        return np.fft.fft(psi * np.exp(1j * np.abs(psi) ** 2 * h))

    def filter(self, u):
        self.n_filter += 1
        return u

    def initial(self, amplitude=1.0):
        x = self.x
        return np.fft.fft(amplitude * (1 + 0.5 * np.cos(x) + 0.3j * np.sin(2 * x)))


def recording(cls):
    """Unregistered subclass that records the accepted times."""

    class Recording(cls):
        name = ""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.times = []

        def _on_accept(self, t, h, err):
            self.times.append(t)

    return Recording


def slope(dts, errs):
    return np.polyfit(np.log(dts), np.log(errs), 1)[0]


# -- registry and tableaux -------------------------------------------------------------------------
def test_registry():
    names = integrators_for("semilinear")
    assert {"dop853", "dopri5"} <= set(ADAPTIVE) and {"rk4ip", "ssf2", "ssf4", "ssf6"} <= set(FIXED)
    assert all(cls is Integrator.registry[cls.name] for cls in SEMILINEAR.values())
    for name in ADAPTIVE + FIXED:
        assert name in names
        cls = get_integrator(name)
        assert cls.name == name and cls.order > 0 and cls.description
        assert cls.adaptive == (name in ADAPTIVE)
    with pytest.raises(KeyError, match="nope.*dop853.*ssf6"):
        get_integrator("nope")


@pytest.mark.parametrize("tab", [RK4, DOPRI5, DOP853], ids=lambda t: t.name)
def test_tableau_order_conditions(tab):
    np.testing.assert_allclose(tab.a.sum(axis=1), tab.c, atol=1e-14)
    # bushy-tree conditions sum_i b_i c_i^(q-1) = 1/q up to the order of the method
    for q in range(1, tab.order + 1):
        assert abs(tab.b @ tab.c ** (q - 1) - 1 / q) < 1e-14, q
    # a second family (tall trees): b^T A c^(q-2) = 1/(q (q-1))
    for q in range(2, tab.order + 1):
        assert abs(tab.b @ tab.a @ tab.c ** (q - 2) - 1 / (q * (q - 1))) < 1e-13, q
    for e in (tab.e, tab.e3):
        if e is not None:
            assert abs(e.sum()) < 1e-14
            # the embedded solution b - e has the estimator's order in the first conditions
            c_ext = np.append(tab.c, 1.0)
            b_hat = np.append(tab.b, 0.0) - e
            assert abs(b_hat @ c_ext - 0.5) < 1e-14


def test_yoshida_weights():
    for comp in (YOSHIDA4, YOSHIDA6):
        w = np.array(comp.weights)
        assert abs(w.sum() - 1) < 1e-15
        assert abs((w**3).sum()) < 1e-14
    assert abs((np.array(YOSHIDA6.weights) ** 5).sum()) < 1e-13


# -- (a) L = 0 reproduces scipy step by step -------------------------------------------------------
@pytest.mark.parametrize(
    "cls, method", [(Dop853, "DOP853"), (Dopri5, "RK45")], ids=["dop853", "dopri5"]
)
@pytest.mark.parametrize("first_step", [0.05, None], ids=["given", "hairer"])
@pytest.mark.parametrize(
    "f, u0, rtol, atol, step_rtol",
    [
        # Real state: numpy's BLAS dot sums the stages in another order than our sequential kernel,
        # and the error estimate h·Σ e_j K_j cancels ~8 digits at rtol 1e-8 (O(1) stages, estimate
        # ~1e-8), so the order changes it by ~1e-7..1e-6 relative and the step by that / (q + 1).
        (lotka_volterra, np.array([1.0, 1.0]), 1e-8, 1e-10, 1e-5),
        # Complex state: both sum in the same order here, and the steps agree to round-off.
        (coupled_oscillators, np.array([1.0 + 0.2j, 0.5j]), 1e-10, 1e-12, 1e-10),
    ],
    ids=["lotka-volterra", "complex-oscillators"],
)
def test_matches_scipy(cls, method, first_step, f, u0, rtol, atol, step_rtol):
    problem = ODE(f, 2, dtype=u0.dtype)
    kwargs = {} if first_step is None else {"first_step": first_step}
    sol = solve_ivp(
        lambda t, y: f(y), (0.0, 10.0), u0, method=method, rtol=rtol, atol=atol, **kwargs
    )
    assert sol.success and len(sol.t) > 30
    # Stop at an accepted scipy time before its last (shortened) step: the landing rules differ.
    t_end = sol.t[-3]
    integ = recording(cls)(
        problem, dt=first_step or 0.0, rtol=rtol, atol=atol, controller="integral", hold_ratio=1.0
    )
    u, t = integ.advance(u0, 0.0, t_end)
    assert t == t_end
    mine = np.diff([0.0, *integ.times])
    ref = np.diff(sol.t[:-2])
    assert len(mine) == len(ref)  # same accept/reject decisions all the way
    np.testing.assert_allclose(mine, ref, rtol=step_rtol, atol=0)
    # the same steps give the same solution, up to the local errors the step changes imply
    np.testing.assert_allclose(u, sol.y[:, -3], rtol=max(1e-10, 10 * rtol), atol=1e-13)


# -- (b) convergence orders ------------------------------------------------------------------------
def test_rk4ip_order_on_exact_solution():
    problem = Phase([1.0, 3.0, -2.0], g=1.0)
    u0 = np.array([1.0, 0.8j, 0.6 + 0.6j])
    T = 2.0
    dts = T / np.array([10, 20, 40, 80])
    errs = []
    for dt in dts:
        u, _ = get_integrator("rk4ip")(problem, dt).advance(u0, 0.0, T)
        errs.append(np.abs(u - problem.exact(u0, T)).max())
    assert abs(slope(dts, errs) - 4) < 0.3


def test_rk4ip_is_hults_scheme():
    problem = NLSE(16)
    u = problem.initial()
    h = 0.05
    E = np.exp(problem.linear * h / 2)
    N = problem.nonlinear
    u_i = E * u
    k1 = E * N(u)
    k2 = N(u_i + h / 2 * k1)
    k3 = N(u_i + h / 2 * k2)
    k4 = N(E * (u_i + h * k3))
    expected = E * (u_i + h / 6 * (k1 + 2 * k2 + 2 * k3)) + h / 6 * k4
    integ = get_integrator("rk4ip")(problem, h)
    got, _ = integ.advance(u, 0.0, h)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13 * np.abs(u).max())
    assert integ.stats.n_rhs == 4 and integ.n_exp_builds == 1


@pytest.fixture(scope="module")
def nlse_reference():
    problem = NLSE(16)
    u0 = problem.initial(1.0)
    T = 1.0
    ref, _ = get_integrator("dop853")(problem, 0.0, rtol=1e-13, atol=1e-13).advance(u0, 0.0, T)
    return problem, u0, T, ref


#: Step counts inside each method's asymptotic range on the NLSE test problem (the order is the
#: registry's ``cls.order``).
NLSE_STEPS = {
    "ssf2": [32, 64, 128, 256],
    "ssf4": [16, 32, 64],
    "ssf6": [12, 16, 24, 32],
    "rk4ip": [64, 128, 256],
}


@pytest.mark.parametrize("name", FIXED)
def test_convergence_order_nlse(nlse_reference, name):
    steps = NLSE_STEPS.get(name)
    if steps is None:
        pytest.fail(f"{name}: add its step counts to NLSE_STEPS")
    order = get_integrator(name).order
    problem, u0, T, ref = nlse_reference
    dts = T / np.array(steps)
    errs = []
    for dt in dts:
        u, t = get_integrator(name)(problem, dt).advance(u0, 0.0, T)
        assert t == T
        errs.append(np.abs(u - ref).max() / np.abs(ref).max())
    assert (
        max(errs) < 1e-2 and min(errs) > 1e-11
    )  # inside the asymptotic, above the reference error
    assert abs(slope(dts, errs) - order) < 0.3, (name, errs)


@pytest.mark.parametrize("name", ["ssf2", "ssf4", "ssf6"])
def test_splitting_conserves_mass(name):
    problem = NLSE(32)
    u0 = problem.initial(1.2)
    integ = get_integrator(name)(problem, 0.05)
    u, t = u0, 0.0
    for t_next in (0.3, 0.6, 1.0):
        u, t = integ.advance(u, t, t_next)
    assert abs(np.sum(np.abs(u) ** 2) / np.sum(np.abs(u0) ** 2) - 1) < 1e-13


def test_ssf2_merged_half_steps_equal_plain_strang():
    problem = NLSE(16)
    u0 = problem.initial()
    h, n = 0.1, 7
    E = np.exp(problem.linear * h / 2)
    u = u0
    for _ in range(n):
        u = E * problem.nonlinear_flow(E * u, h)
    got, _ = get_integrator("ssf2")(problem, h).advance(u0, 0.0, n * h)
    np.testing.assert_allclose(got, u, rtol=0, atol=1e-12 * np.abs(u).max())
    # the filtered path does not merge across steps and calls the filter once per step
    problem.filter_each_step = True
    got, _ = get_integrator("ssf2")(problem, h).advance(u0, 0.0, n * h)
    np.testing.assert_allclose(got, u, rtol=0, atol=1e-12 * np.abs(u).max())
    assert problem.n_filter == n


# -- (c) adaptive methods: tolerance, statistics, caching ------------------------------------------
@pytest.mark.parametrize("name", ADAPTIVE)
@pytest.mark.parametrize("controller", ["pi", "integral"])
@pytest.mark.parametrize("gamma", [0.0, 0.3], ids=["skew-L", "damped-L"])
def test_adaptive_meets_tolerance(name, controller, gamma):
    problem = Phase([1.0, 30.0, -20.0], g=1.0, gamma=gamma)
    u0 = np.array([1.0, 0.8j, 0.6 + 0.6j])
    T = 5.0
    for rtol in (1e-6, 1e-10):
        integ = get_integrator(name)(
            problem, 0.0, rtol=rtol, atol=1e-3 * rtol, controller=controller
        )
        u, t = integ.advance(u0, 0.0, T)
        assert t == T
        assert np.abs(u - problem.exact(u0, T)).max() < 100 * rtol * np.abs(u0).max()
        assert integ.stats.n_steps > 0 and integ.stats.last_dt > 0


def test_rhs_counts():
    problem = NLSE(16)
    u0 = problem.initial()
    # DOP853: 11 new stages per attempt, plus N(u_{n+1}) as the next first stage.
    integ = get_integrator("dop853")(problem, 0.3, rtol=1e-9, atol=1e-12)
    integ.advance(u0, 0.0, 1.0)
    s = integ.stats
    assert s.n_rejected > 0  # dt = 0.3 is too large to start with
    assert s.n_rhs == 12 * s.n_steps + 11 * s.n_rejected
    # DOPRI5 (FSAL): 6 per attempt + the very first; nothing is recomputed across advance() calls.
    integ = get_integrator("dopri5")(problem, 0.01, rtol=1e-8, atol=1e-11)
    u, t = u0, 0.0
    for t_next in np.linspace(0.1, 1.0, 10):
        u, t = integ.advance(u, t, t_next)
    s = integ.stats
    assert s.n_rhs == 1 + 6 * (s.n_steps + s.n_rejected)
    # Hairer's initial step costs one extra evaluation
    integ = get_integrator("dopri5")(problem, 0.0, rtol=1e-8, atol=1e-11)
    integ.advance(u0, 0.0, 1.0)
    s = integ.stats
    assert s.n_rhs == 2 + 6 * (s.n_steps + s.n_rejected)
    # fixed-step methods
    for name, per_step in [("rk4ip", 4), ("ssf2", 1), ("ssf4", 3), ("ssf6", 7)]:
        integ = get_integrator(name)(problem, 0.1)
        integ.advance(u0, 0.0, 1.0)
        assert integ.stats.n_steps == 10 and integ.stats.n_rhs == 10 * per_step


def test_hold_saves_exponentials():
    problem = NLSE(32)
    u0 = problem.initial(1.2)
    runs = {}
    for hold in (1.0, 1.2):
        integ = get_integrator("dop853")(problem, 0.0, rtol=1e-10, atol=1e-12, hold_ratio=hold)
        u, _ = integ.advance(u0, 0.0, 3.0)
        runs[hold] = (integ.stats.n_steps, integ.n_exp_builds, u)
    steps_free, builds_free, u_free = runs[1.0]
    steps_held, builds_held, u_held = runs[1.2]
    assert builds_free >= steps_free - 2  # a new step size nearly every step
    assert builds_held < 0.7 * builds_free
    assert steps_held < 1.15 * steps_free  # holding does not ratchet the step down
    assert np.abs(u_held - u_free).max() < 1e-8 * np.abs(u_free).max()


# -- (d) landing on output times -------------------------------------------------------------------
@pytest.mark.parametrize("name", ADAPTIVE + FIXED)
def test_lands_on_successive_targets(name):
    problem = Phase([1.0, 3.0, -2.0], g=0.5)
    u0 = np.array([1.0, 0.8j, 0.6 + 0.6j])
    integ = get_integrator(name)(problem, 0.013 if name in FIXED else 0.0, rtol=1e-10, atol=1e-12)
    u, t = u0, 0.0
    targets = [0.1, 0.2, 0.35, 0.35, 0.35 + 1e-9, 1.0, 2.5]
    for target in targets:
        u, t = integ.advance(u, t, target)
        assert t == target
    tol = 1e-8 if name in ADAPTIVE else 1e-4
    np.testing.assert_allclose(u, problem.exact(u0, t), rtol=0, atol=tol)


def test_landing_keeps_controller_proposal():
    problem = Phase([1.0, 3.0, -2.0], g=0.5)
    u0 = np.array([1.0, 0.8j, 0.6 + 0.6j])
    integ = get_integrator("dop853")(problem, 0.0, rtol=1e-9, atol=1e-12)
    u, t = integ.advance(u0, 0.0, 1.0)
    h = integ.next_dt
    u, t = integ.advance(u, t, t + 1e-3 * h)  # a tiny output interval
    assert t == 1.0 + 1e-3 * h and integ.stats.last_dt < 2e-3 * h
    assert integ.next_dt == h


# -- (e) failures ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ADAPTIVE)
def test_blow_up_raises(name):
    problem = ODE(lambda u: u**2, 1)  # u = 1/(1 - t) blows up at t = 1
    integ = get_integrator(name)(problem, 0.0, rtol=1e-8, atol=1e-10)
    with np.errstate(all="ignore"), pytest.raises(IntegrationError) as info:
        integ.advance(np.array([1.0]), 0.0, 2.0)
    assert 0.9 < info.value.t < 1.01
    assert "dealiasing" in str(info.value) and info.value.hint


@pytest.mark.parametrize("name", ADAPTIVE + FIXED)
def test_nan_raises(name):
    class Broken(Phase):
        def nonlinear(self, u):
            return np.full_like(u, np.nan)

        def nonlinear_flow(self, u, h):
            return np.full_like(u, np.nan)

    problem = Broken([1.0, 2.0])
    integ = get_integrator(name)(problem, 0.01)
    with pytest.raises(IntegrationError):
        integ.advance(np.array([1.0, 1.0j]), 0.0, 1.0)
    with pytest.raises(IntegrationError, match="non-finite"):
        get_integrator(name)(Phase([1.0]), 0.01).advance(np.array([np.nan + 0j]), 0.0, 1.0)


@pytest.mark.parametrize("name", ADAPTIVE + FIXED)
def test_max_steps(name):
    problem = Phase([1.0], g=1.0)
    integ = get_integrator(name)(problem, 1e-3, rtol=1e-12, atol=1e-14, max_steps=5)
    with pytest.raises(IntegrationError, match="max_steps"):
        integ.advance(np.array([1.0 + 0j]), 0.0, 100.0)


def test_options_are_validated():
    problem = Phase([1.0])
    with pytest.raises(TypeError, match="hold_ratio"):
        get_integrator("dop853")(problem, 0.0, hold_ratoi=1.1)
    with pytest.raises(ValueError, match="controller"):
        get_integrator("dopri5")(problem, 0.0, controller="pid")
    with pytest.raises(TypeError):
        get_integrator("ssf2")(problem, 0.1, controller="pi")
    with pytest.raises(ValueError):
        get_integrator("rk4ip")(problem, 0.0)


@pytest.mark.parametrize("name", ADAPTIVE + FIXED)
def test_filter_each_step(name):
    problem = NLSE(16)
    u0 = problem.initial(0.5)
    problem.filter_each_step = True
    integ = get_integrator(name)(problem, 0.1, rtol=1e-8, atol=1e-10)
    integ.advance(u0, 0.0, 1.0)
    assert problem.n_filter == integ.stats.n_steps > 0
