"""Tests of the second-order (Hamiltonian) integrators on toy problems built here (no models).

* Measured convergence orders against closed-form solutions: the pendulum (Jacobi elliptic
  functions) and independent harmonic oscillators.
* Exponential Verlet is exact for a linear problem whose linear part is the whole force, at steps far
  beyond the Verlet stability limit.
* Symplectic behaviour: the pendulum's energy error stays bounded without drift over 10⁵ steps and
  scales as ``dt^order``; the symmetric methods are time-reversible to round-off.
* Bookkeeping: exact landing on output times, force evaluations per step (FSAL across calls), the
  input left untouched, stability limits, options and the non-finite guard.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import ellipj, ellipk

from simsuite.integrators import IntegrationError, get_integrator, integrators_for
from simsuite.integrators.compositions import (
    BLANES_MOAN4,
    YOSHIDA4,
    YOSHIDA6,
    YOSHIDA8,
    Composition,
    kick_drift_stable_step,
)
from simsuite.integrators.exponential_symplectic import ExponentialKickDrift
from simsuite.integrators.second_order import SecondOrderProblem

# every registered second-order method, read from the registry: a new one is tested here too
ALL = integrators_for("second_order")
EXPONENTIAL = [name for name in ALL if issubclass(get_integrator(name), ExponentialKickDrift)]
PLAIN = [name for name in ALL if name not in EXPONENTIAL]


def per_step(name: str) -> int:
    """Force (or remainder) evaluations per step: one per sub-step of the composition."""
    return len(get_integrator(name).composition.weights)


# -- toy problems ----------------------------------------------------------------------------------
class Oscillators:
    """``q_j'' = -ω_j² q_j``, split as ``A = -ω0_j²`` plus the remainder ``-(ω_j² - ω0_j²) q_j``.

    With ``omega0 = omega`` (the default) the remainder vanishes identically.
    """

    def __init__(self, omega, omega0=None):
        self.omega = np.asarray(omega, dtype=float)
        self.omega0 = self.omega if omega0 is None else np.asarray(omega0, dtype=float)
        self.max_frequency = float(self.omega.max())

    def acceleration(self, q):
        return -(self.omega**2) * q

    def linear_flow(self, q, p, h):
        c, s, w = np.cos(self.omega0 * h), np.sin(self.omega0 * h), self.omega0
        return c * q + (s / w) * p, -w * s * q + c * p

    def remainder(self, q):
        return -(self.omega**2 - self.omega0**2) * q

    def exact(self, u0, t):
        q0, p0 = u0
        c, s, w = np.cos(self.omega * t), np.sin(self.omega * t), self.omega
        return np.array([c * q0 + (s / w) * p0, -w * s * q0 + c * p0])


class Pendulum:
    """``q'' = -sin q``, ``H = p²/2 - cos q``; split as ``A = -1`` plus ``g(q) = q - sin q``."""

    max_frequency = 1.0

    def acceleration(self, q):
        return -np.sin(q)

    def linear_flow(self, q, p, h):
        c, s = math.cos(h), math.sin(h)
        return c * q + s * p, -s * q + c * p

    def remainder(self, q):
        return q - np.sin(q)

    @staticmethod
    def energy(u):
        return 0.5 * u[1] ** 2 - np.cos(u[0])

    @staticmethod
    def exact(q0, t):
        """Released at rest from ``q0``: ``q = 2 asin(k sn(K - t))``, ``p = -2 k cn(K - t)``."""
        k = np.sin(np.asarray(q0) / 2)
        m = k**2
        sn, cn, _, _ = ellipj(ellipk(m) - t, m)
        return np.array([2 * np.arcsin(k * sn), -2 * k * cn])


class Counting:
    """Wraps a problem and counts calls of its operators."""

    def __init__(self, problem):
        self.problem = problem
        self.max_frequency = problem.max_frequency
        self.calls = {"acceleration": 0, "remainder": 0, "linear_flow": 0}

    def acceleration(self, q):
        self.calls["acceleration"] += 1
        return self.problem.acceleration(q)

    def remainder(self, q):
        self.calls["remainder"] += 1
        return self.problem.remainder(q)

    def linear_flow(self, q, p, h):
        self.calls["linear_flow"] += 1
        return self.problem.linear_flow(q, p, h)


class Unbounded:
    """``q'' = q³`` (no ``max_frequency``): blows up in finite time, and lets any dt through."""

    def acceleration(self, q):
        return q**3


def slope(dts, errs):
    return np.polyfit(np.log(dts), np.log(errs), 1)[0]


PENDULUM_Q0 = np.array([0.5, 1.5, 2.5])  # three pendulums, from nearly linear to strongly nonlinear


def pendulum_start():
    return np.array([PENDULUM_Q0, np.zeros_like(PENDULUM_Q0)])


# -- registry and weights --------------------------------------------------------------------------
def test_registry():
    assert {"verlet", "yoshida4", "exponential_verlet"} <= set(ALL) and EXPONENTIAL and PLAIN
    assert not set(ALL) & set(integrators_for("semilinear"))
    for name in ALL:
        cls = get_integrator(name)
        assert cls.name == name and cls.problem_kind == "second_order" and not cls.adaptive
        assert cls.order == cls.composition.order >= 2
        assert cls.description and cls.__doc__
    assert isinstance(Pendulum(), SecondOrderProblem)


def test_yoshida8_weights():
    w = np.array(YOSHIDA8.weights)
    assert len(w) == 15 and np.array_equal(w, w[::-1])
    assert abs(w.sum() - 1) < 1e-15
    # the error terms of the base method, h³, h⁵, h⁷, cancel; the table's 15 digits leave ~1e-12
    for k, tol in [(3, 1e-13), (5, 1e-12), (7, 1e-11)]:
        assert abs((w**k).sum()) < tol, k
    assert get_integrator("yoshida4").composition is YOSHIDA4
    assert get_integrator("yoshida6").composition is YOSHIDA6


# -- convergence orders ----------------------------------------------------------------------------
# steps at which the error is in the asymptotic range and above round-off (default: DTS[None])
DTS = {
    None: [0.2, 0.1, 0.05, 0.025],
    "verlet": [0.1, 0.05, 0.025, 0.0125],
    "yoshida6": [0.4, 0.2, 0.1, 0.05],
    "exponential_yoshida6": [0.4, 0.2, 0.1, 0.05],
    "blanes_moan4": [0.4, 0.2, 0.1, 0.05],
}


@pytest.mark.parametrize("name", ALL)
def test_convergence_order_pendulum(name):
    """Error at t = 10 against the elliptic-function solution (itself accurate to ~3e-14)."""
    dts = DTS.get(name, DTS[None])
    u0, t_end = pendulum_start(), 10.0
    exact = Pendulum.exact(PENDULUM_Q0, t_end)
    errs = []
    for dt in dts:
        u, _ = get_integrator(name)(Pendulum(), dt).advance(u0, 0.0, t_end)
        errs.append(np.abs(u - exact).max())
    order = get_integrator(name).order
    assert errs[-1] > 1e-12  # still above round-off and the reference's own error
    assert abs(slope(dts, errs) - order) < 0.3, (errs, slope(dts, errs))


@pytest.mark.parametrize(
    "name", ["verlet", "exponential_verlet", "exponential_yoshida4", "exponential_blanes_moan4"]
)
def test_convergence_order_oscillators_with_remainder(name):
    """Linear oscillators whose exponential split leaves a nonzero remainder ``-(ω² - ω0²) q``."""
    problem = Oscillators([1.0, 2.0, 3.0], omega0=[0.5, 1.5, 2.0])
    u0 = np.array([[1.0, 0.5, -0.3], [0.0, 1.0, 0.7]])
    exact = problem.exact(u0, 5.0)
    dts = [0.1, 0.05, 0.025]
    errs = [
        np.abs(get_integrator(name)(problem, dt).advance(u0, 0.0, 5.0)[0] - exact).max()
        for dt in dts
    ]
    assert abs(slope(dts, errs) - get_integrator(name).order) < 0.3, errs


@pytest.mark.parametrize("name", EXPONENTIAL)
def test_exponential_exact_without_remainder(name):
    """``g ≡ 0``: the exponential methods are the exact flow, here at ``dt ω_max = 250``.

    (Over a total phase ``ω_max t = 2000`` rad, so that the round-off of the phases themselves,
    ~``1e-16 × Σ|w_k| ω t`` for the compositions, stays below the tolerance.)
    """
    problem = Oscillators([1.0, 10.0, 100.0, 1000.0])
    u0 = np.array([[1.0, -0.5, 0.3, 0.2], [0.5, 3.0, -40.0, 500.0]])
    dt = 0.25
    assert dt >= 125 * get_integrator("verlet").stability_limit(problem.max_frequency)
    u, _ = get_integrator(name)(problem, dt).advance(u0, 0.0, 2.0)
    exact = problem.exact(u0, 2.0)
    scale = np.array([1.0, 1.0 / problem.max_frequency])[:, None]  # compare q and p / ω_max
    assert np.abs((u - exact) * scale).max() <= 1e-12


# -- symplectic behaviour --------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["verlet", "exponential_verlet"])
def test_energy_bounded_without_drift(name):
    """10⁵ steps of dt = 0.05 (≈ 600 periods of the largest swing): the energy error oscillates
    at O(dt²) and is the same in the last tenth of the run as in the first."""
    dt, n_chunks, per_chunk = 0.05, 1000, 100
    integ = get_integrator(name)(Pendulum(), dt)
    u, t = pendulum_start(), 0.0
    h0 = Pendulum.energy(u)
    dh = np.empty((n_chunks, u.shape[1]))
    for i in range(n_chunks):
        u, t = integ.advance(u, t, (i + 1) * per_chunk * dt)
        dh[i] = np.abs(Pendulum.energy(u) - h0)
    assert integ.stats.n_steps == n_chunks * per_chunk
    rel = dh / np.abs(h0)
    assert rel.max() < 5 * dt**2
    first, last = rel[: n_chunks // 10].max(axis=0), rel[-n_chunks // 10 :].max(axis=0)
    np.testing.assert_allclose(last, first, rtol=0.1)


@pytest.mark.parametrize(
    "name, dts",
    [
        ("verlet", [0.2, 0.1, 0.05]),
        ("yoshida4", [0.2, 0.1, 0.05]),
        ("yoshida6", [0.4, 0.2, 0.1]),
        ("yoshida8", [0.1, 0.05, 0.025]),
        ("exponential_verlet", [0.2, 0.1, 0.05]),
    ],
)
def test_energy_error_scales_as_order(name, dts):
    """Largest energy error over t ∈ [0, 40], sampled every 0.8 (a multiple of every dt, so
    the output times do not shorten the steps)."""
    u0, h0 = pendulum_start(), Pendulum.energy(pendulum_start())
    errs = []
    for dt in dts:
        integ, u, t = get_integrator(name)(Pendulum(), dt), u0, 0.0
        err = 0.0
        for t_out in 0.8 * np.arange(1, 51):
            u, t = integ.advance(u, t, t_out)
            err = max(err, np.abs(Pendulum.energy(u) - h0).max())
        errs.append(err)
    assert errs[-1] > 1e-13
    assert abs(slope(dts, errs) - get_integrator(name).order) < 0.3, errs


@pytest.mark.parametrize("name", ALL)
def test_time_reversible(name):
    """Symmetric methods: n steps forward, flip p, n steps forward, flip p gives back the start."""
    u0 = pendulum_start()
    u0[1] = [0.3, -0.2, 0.1]
    integ = get_integrator(name)(Pendulum(), 0.1)
    u, _ = integ.advance(u0, 0.0, 10.0)
    assert np.abs(u - u0).max() > 0.1
    u[1] *= -1
    u, _ = integ.advance(u, 0.0, 10.0)
    u[1] *= -1
    assert np.abs(u - u0).max() < 1e-12


# -- bookkeeping -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_lands_on_output_times(name):
    problem = Pendulum()
    integ = get_integrator(name)(problem, 0.07)
    u, t = pendulum_start(), 0.0
    for target, n in [(0.3, 5), (0.7, 6), (1.0, 5), (1.0, 0)]:
        n_before = integ.stats.n_steps
        u, t = integ.advance(u, t, target)
        assert t == target
        assert integ.stats.n_steps - n_before == n
    assert integ.stats.last_dt == pytest.approx(0.3 / 5, rel=1e-14)
    tol = {2: 1e-3, 4: 1e-5, 6: 1e-6, 8: 1e-6}[integ.order]
    assert np.abs(u - Pendulum.exact(PENDULUM_Q0, 1.0)).max() < tol
    # split in calls or not, the same steps give the same answer (merged kicks: round-off)
    whole, _ = get_integrator(name)(problem, 0.1).advance(pendulum_start(), 0.0, 1.0)
    half = get_integrator(name)(problem, 0.1)
    part, t = half.advance(pendulum_start(), 0.0, 0.5)
    part, t = half.advance(part, t, 1.0)
    assert np.abs(part - whole).max() < 1e-14


@pytest.mark.parametrize("name", ALL)
def test_input_not_modified(name):
    u0 = pendulum_start()
    keep = u0.copy()
    integ = get_integrator(name)(Pendulum(), 0.1)
    u, _ = integ.advance(u0, 0.0, 1.0)
    np.testing.assert_array_equal(u0, keep)
    assert not np.shares_memory(u, u0)
    u_same, _ = integ.advance(u0, 1.0, 1.0)  # no step: a copy
    np.testing.assert_array_equal(u_same, u0)
    assert not np.shares_memory(u_same, u0)


@pytest.mark.parametrize("name", ALL)
def test_force_counts(name):
    """One force evaluation per sub-step; one more at the start unless the state passed in is the
    one the previous call returned (first-same-as-last)."""
    per = per_step(name)
    problem = Counting(Pendulum())
    integ = get_integrator(name)(problem, 0.1)
    op = "remainder" if name in EXPONENTIAL else "acceleration"
    u, t = integ.advance(pendulum_start(), 0.0, 1.0)  # 10 steps
    assert integ.stats.n_rhs == problem.calls[op] == 1 + 10 * per
    u, t = integ.advance(u, t, 1.5)  # 5 steps, continuing: no extra evaluation
    assert integ.stats.n_rhs == problem.calls[op] == 1 + 15 * per
    u[0] += 1e-3  # a changed state needs its force
    u, t = integ.advance(u, t, 2.0)
    assert integ.stats.n_rhs == problem.calls[op] == 2 + 20 * per
    assert integ.stats.n_steps == 20
    drifts = problem.calls["linear_flow"]
    assert drifts == (20 * per if name in EXPONENTIAL else 0)
    assert problem.calls["acceleration" if name in EXPONENTIAL else "remainder"] == 0


def test_stability_limit_values():
    omega = 4.0
    w4 = 2 ** (1 / 3) / (2 - 2 ** (1 / 3))
    expected = {
        "verlet": 2 / omega,
        "yoshida4": 2 / (omega * w4),
        "yoshida6": 2 / (omega * 1.31518632068391),  # w0 = 1 - 2 (w1 + w2 + w3)
        "yoshida8": 2 / (omega * 2.44699182370524),
    }
    for name, limit in expected.items():
        assert get_integrator(name).stability_limit(omega) == pytest.approx(limit, rel=1e-13)
    for name in EXPONENTIAL:
        assert get_integrator(name).stability_limit(omega) == math.inf


@pytest.mark.parametrize("name", PLAIN)
def test_dt_above_stability_limit_is_refused(name):
    problem = Oscillators([0.5, 4.0])
    cls = get_integrator(name)
    limit = cls.stability_limit(4.0)
    with pytest.raises(ValueError, match=rf"{name}: dt = \S+ exceeds the stability limit \S+"):
        cls(problem, 1.01 * limit)
    # just below the limit the oscillators stay bounded over 2000 steps
    u0 = np.array([[1.0, 1.0], [0.0, 0.0]])
    u, _ = cls(problem, 0.999 * limit).advance(u0, 0.0, 2000 * 0.999 * limit)
    assert np.abs(u[0]).max() < 100


def test_blanes_moan_is_more_accurate_than_the_triple_jump_at_equal_work():
    """Six forces per step against three: at twice the step the optimised splitting's error is
    still far below the triple jump's (Blanes & Moan's design goal)."""
    u0, t_end = pendulum_start(), 10.0
    exact = Pendulum.exact(PENDULUM_Q0, t_end)
    yoshida, _ = get_integrator("yoshida4")(Pendulum(), 0.05).advance(u0, 0.0, t_end)
    blanes, _ = get_integrator("blanes_moan4")(Pendulum(), 0.1).advance(u0, 0.0, t_end)
    assert np.abs(blanes - exact).max() < 0.2 * np.abs(yoshida - exact).max()


def test_stable_step_of_a_splitting():
    """The scan of |trace| < 2 gives Verlet's 2 back, and the Blanes–Moan limit is sharp."""
    strang = Composition("strang", (1.0,), 2, outer=(0.5, 0.5))
    assert kick_drift_stable_step(strang) == pytest.approx(2.0)
    x = kick_drift_stable_step(BLANES_MOAN4)
    assert 3.0 < x < 3.3

    def trace(h):  # one step of q'' = -q as a 2x2 matrix, from its action on two unit states
        integ = get_integrator("blanes_moan4")(silent, h)
        cols = [integ.advance(np.array([[1.0], [0.0]]), 0.0, h)[0], None]
        integ.reset()
        cols[1] = integ.advance(np.array([[0.0], [1.0]]), 0.0, h)[0]
        return cols[0][0, 0] + cols[1][1, 0]

    silent = Oscillators([1.0])
    silent.max_frequency = None
    assert abs(trace(0.999 * x)) < 2.0 < abs(trace(x + 1e-6))


def test_verlet_unstable_above_limit():
    """The limit is sharp for Verlet: 1 % above it the oscillator grows exponentially (the problem
    here has no ``max_frequency``, so nothing refuses the step)."""

    silent = Oscillators([4.0])
    silent.max_frequency = None
    limit = get_integrator("verlet").stability_limit(4.0)
    integ = get_integrator("verlet")(silent, 1.01 * limit)
    u, _ = integ.advance(np.array([[1.0], [0.0]]), 0.0, 200 * limit)
    assert abs(u[0, 0]) > 1e10
    get_integrator("exponential_verlet")(Oscillators([4.0]), 100 * limit)  # accepted


@pytest.mark.parametrize("name", ["verlet", "yoshida8", "exponential_verlet"])
def test_non_finite_guard(name):
    """``q'' = q³`` blows up near t ≈ 1.3: caught within ``check_every`` steps, time named."""
    problem = Unbounded()
    if name in EXPONENTIAL:
        problem.remainder = problem.acceleration
        problem.linear_flow = lambda q, p, h: (q + h * p, p)  # A = 0
    integ = get_integrator(name)(problem, 0.01, check_every=10)
    u0 = np.array([[1.0, 0.5], [1.0, 0.0]])
    with np.errstate(all="ignore"), pytest.raises(IntegrationError, match="non-finite") as info:
        integ.advance(u0, 0.0, 100.0)
    err = info.value
    assert 1.0 < err.t < 5.0 and f"t = {err.t:.17g}" in str(err)
    assert err.step == integ.stats.n_steps and err.step % 10 == 0
    assert err.hint and err.hint in str(err)
    # the end of advance() is checked too, even with fewer steps than check_every
    integ = get_integrator(name)(problem, 0.01, check_every=10**6)
    with np.errstate(all="ignore"), pytest.raises(IntegrationError, match=r"t = 10 \(step 1000"):
        integ.advance(u0, 0.0, 10.0)


def test_options_and_arguments():
    with pytest.raises(TypeError, match="unknown option.*nope.*known: check_every, max_steps"):
        get_integrator("verlet")(Pendulum(), 0.1, nope=1)
    with pytest.raises(ValueError, match="dt > 0"):
        get_integrator("verlet")(Pendulum(), 0.0)
    with pytest.raises(ValueError, match="check_every"):
        get_integrator("verlet")(Pendulum(), 0.1, check_every=0)
    integ = get_integrator("yoshida4")(Pendulum(), 0.1, max_steps=5)
    with pytest.raises(IntegrationError, match="max_steps = 5"):
        integ.advance(pendulum_start(), 0.0, 1.0)
    with pytest.raises(ValueError, match="shape"):
        integ.advance(np.zeros((3, 4)), 0.0, 0.1)
    with pytest.raises(ValueError, match="before"):
        integ.advance(pendulum_start(), 1.0, 0.5)


def test_any_shape_state():
    """A (2, 3, 4) state of independent oscillators gives the same as its flattened (2, 12) form."""
    omega = np.linspace(0.5, 2.0, 12)
    u0 = np.stack([np.cos(omega), np.sin(3 * omega)])
    flat, _ = get_integrator("yoshida4")(Oscillators(omega), 0.05).advance(u0, 0.0, 2.0)
    grid, _ = get_integrator("yoshida4")(Oscillators(omega.reshape(3, 4)), 0.05).advance(
        u0.reshape(2, 3, 4), 0.0, 2.0
    )
    assert grid.shape == (2, 3, 4)
    np.testing.assert_array_equal(grid.reshape(2, 12), flat)
