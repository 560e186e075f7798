"""Symplectic integrators for second-order equations ``q'' = a(q)``: Störmer–Verlet and its
compositions, and the exponential (impulse) Verlet method (fixed step).

Problems
--------
A :class:`SecondOrderProblem` supplies the force ``a(q)``, e.g. ``φ_xx - V'(φ)`` for a nonlinear
Klein–Gordon field. The integrator state is one real array ``u`` of shape ``(2, *shape)`` with
``u[0] = q`` and ``u[1] = p = q'``. The exponential methods also need the split
``a(q) = A q + g(q)`` into a linear part ``A`` (e.g. ``∂_xx - m²``), whose exact flow the problem
provides, and a remainder ``g`` (:class:`ExponentialSecondOrderProblem`).

Algorithm
---------
With the kick ``K(τ): p ← p + τ a(q)`` and the drift ``D(τ): q ← q + τ p`` (exact flows of the
two parts of ``H = p²/2 + U(q)``, ``a = -∇U``), the Störmer–Verlet step is the symmetric,
second-order, symplectic map

.. math:: S(h) = K(h/2)\\, D(h)\\, K(h/2).

A symmetric composition ``S(w_m h) ⋯ S(w_1 h)`` with ``Σ w_k = 1`` raises the order; the method is
the list of weights (:class:`~simsuite.integrators.splitting.Composition`, shared with the split-step
methods). Consecutive half kicks act at the same ``q`` and are merged,
``K(w_k h/2) K(w_{k+1} h/2) = K((w_k + w_{k+1}) h/2)``, also across steps inside one
:meth:`~KickDrift.advance` call, so a composition of ``m`` Verlet steps costs ``m`` force
evaluations per step: the force at the end of a step is the first of the next one (FSAL), kept
across :meth:`~KickDrift.advance` calls while the state passed in is the one returned.

The exponential variant replaces the drift by the exact flow ``L(τ)`` of ``q'' = A q``
(``problem.linear_flow``) and kicks with the remainder ``g`` only,

.. math:: S(h) = K_g(h/2)\\, L(h)\\, K_g(h/2),

the impulse method: exact for ``g ≡ 0`` at any step size, symplectic when ``g = -∇U_g``.

Stability
---------
For ``q'' = -ω² q`` Verlet is stable for ``h ω < 2`` and a composition for ``h ω max|w_k| < 2``
(every sub-step stable; the true interval of the compositions is somewhat larger, see
:meth:`KickDrift.stability_limit`). The exponential methods have no step-size limit from ``A``;
the kicks still limit accuracy, and for a stiff remainder the impulse method shows resonances near
``h ω ∈ π ℤ`` [GSS99].

References
----------
.. [Ver67] L. Verlet, "Computer 'experiments' on classical fluids. I. Thermodynamical properties of
   Lennard-Jones molecules", Phys. Rev. 159, 98–103 (1967).
.. [HLW03] E. Hairer, C. Lubich and G. Wanner, "Geometric numerical integration illustrated by the
   Störmer–Verlet method", Acta Numerica 12, 399–450 (2003).
.. [Yos90] H. Yoshida, "Construction of higher order symplectic integrators",
   Phys. Lett. A 150, 262–268 (1990).
.. [HLW06] E. Hairer, C. Lubich and G. Wanner, *Geometric Numerical Integration*, 2nd ed., Springer
   (2006), Sec. II.4, V.3 (compositions) and XIII.1 (impulse / Deuflhard method).
.. [Deu79] P. Deuflhard, "A study of extrapolation methods based on multistep schemes without
   parasitic solutions", Z. Angew. Math. Phys. 30, 177–189 (1979).
.. [GSS99] B. García-Archilla, J. M. Sanz-Serna and R. D. Skeel, "Long-time-step methods for
   oscillatory differential equations", SIAM J. Sci. Comput. 20, 930–963 (1999).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from .base import (
    FAILURE_HINT,
    IntegrationError,
    Integrator,
    StopCheck,
    check_options,
    step_blocks,
)
from .splitting import STRANG, YOSHIDA4, YOSHIDA6, Composition

__all__ = [
    "SecondOrderProblem",
    "ExponentialSecondOrderProblem",
    "YOSHIDA8",
    "KickDrift",
    "ExponentialKickDrift",
    "Verlet",
    "Yoshida4",
    "Yoshida6",
    "Yoshida8",
    "ExponentialVerlet",
    "ExponentialYoshida4",
    "ExponentialYoshida6",
]


@runtime_checkable
class SecondOrderProblem(Protocol):
    """``q'' = a(q)`` for a real ``q`` of any shape; the state is ``u = (q, q')``, shape ``(2, *shape)``.

    Attributes
    ----------
    max_frequency : float
        Largest frequency ``ω`` of the linearised problem (e.g. ``sqrt(k_max² + max V'')``); used to
        refuse unstable steps. Optional: without it no check is made.

    Problems may also run whole sequences of steps in compiled code: with ``compiled_steps`` true,
    :class:`KickDrift` hands its coefficients to ``kick_drift_steps(q, p, a, kicks, drifts,
    merged, steps, check_every)`` and the exponential methods to ``exponential_advance(u, kicks,
    drifts, merged, steps, check_every)`` (in place; both return 0 or the step after which the
    state was found non-finite) instead of calling the force once per sub-step. To stop between
    blocks of steps (``should_stop``) the exponential methods use, when offered, the same steps
    in parts on a modal state: ``w = exponential_modes(u)``, ``exponential_steps(w, kicks,
    drifts, merged, steps, check_every)`` (returns as above) and ``exponential_finish(u, w,
    last_kick)``.
    """

    max_frequency: float

    def acceleration(self, q: np.ndarray) -> np.ndarray:
        """Return ``a(q)`` as a new array of ``q``'s shape."""
        ...


@runtime_checkable
class ExponentialSecondOrderProblem(SecondOrderProblem, Protocol):
    """A :class:`SecondOrderProblem` split as ``a(q) = A q + g(q)`` for the exponential methods."""

    def linear_flow(self, q: np.ndarray, p: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
        """Exact flow over time ``h`` (of either sign) of ``q'' = A q``: new arrays ``(q, p)``."""
        ...

    def remainder(self, q: np.ndarray) -> np.ndarray:
        """Return ``g(q) = a(q) - A q`` as a new array."""
        ...


def _yoshida8() -> Composition:
    """Yoshida's eighth-order "solution A", fifteen Verlet steps ``(w7, …, w1, w0, w1, …, w7)``.

    ``w0 = 1 - 2 (w1 + … + w7)``; the fifteen digits printed in [Yos90], Table 2 (they satisfy the
    order conditions to ~1e-12, far below any error measurable at order 8).
    """
    w = (
        -1.61582374150097,
        -2.44699182370524,
        -0.716989419708120e-2,
        2.44002732616735,
        0.157739928123617,
        1.82020630970714,
        1.04242620869991,
    )
    w0 = 1.0 - 2.0 * sum(w)
    return Composition(
        "yoshida8a",
        (*w[::-1], w0, *w),
        8,
        "Yoshida, Phys. Lett. A 150, 262 (1990), Table 2, solution A",
    )


YOSHIDA8 = _yoshida8()


@dataclass(frozen=True)
class KickDriftSplitting:
    """A symmetric splitting ``K(b_0 h) D(a_1 h) K(b_1 h) ⋯ D(a_m h) K(b_m h)`` with its own kick
    coefficients (a Runge–Kutta–Nyström splitting), read by :class:`KickDrift` like a
    :class:`~simsuite.integrators.splitting.Composition`.

    Attributes
    ----------
    weights : tuple of float
        The drifts ``a_1..a_m`` (palindromic, sum 1).
    linear_coefficients : tuple of float
        The kicks ``b_0..b_m`` (palindromic, sum 1).
    """

    name: str
    weights: tuple[float, ...]
    linear_coefficients: tuple[float, ...]
    order: int
    reference: str = ""

    def __post_init__(self):
        for part in (self.weights, self.linear_coefficients):
            w = np.asarray(part)
            if abs(w.sum() - 1.0) > 1e-14 or not np.allclose(w, w[::-1], rtol=0, atol=1e-16):
                raise ValueError(f"{self.name}: coefficients must be palindromic and sum to 1")
        if len(self.linear_coefficients) != len(self.weights) + 1:
            raise ValueError(f"{self.name}: needs one kick more than drifts")

    @property
    def merged_coefficient(self) -> float:
        """Kick joining two consecutive steps, ``b_m + b_0``."""
        return self.linear_coefficients[-1] + self.linear_coefficients[0]


def _blanes_moan4() -> KickDriftSplitting:
    """Blanes and Moan's optimised fourth-order RKN splitting "SRKN_6^b": six force evaluations
    per step, with error coefficients far below those of the triple jump.

    The last kick and the middle drift pair follow from consistency (``Σ a = Σ b = 1``).
    """
    a1, a2 = 0.245298957184271, 0.604872665711080
    a3 = 0.5 - a1 - a2
    b1, b2, b3 = 0.0829844064174052, 0.396309801498368, -0.0390563049223486
    b4 = 1.0 - 2.0 * (b1 + b2 + b3)
    return KickDriftSplitting(
        "blanes_moan4",
        (a1, a2, a3, a3, a2, a1),
        (b1, b2, b3, b4, b3, b2, b1),
        4,
        "S. Blanes and P. C. Moan, J. Comput. Appl. Math. 142, 313 (2002), Table 3, SRKN_6^b",
    )


BLANES_MOAN4 = _blanes_moan4()


_EPS = float(np.finfo(float).eps)


@functools.cache
def _stable_step(splitting: KickDriftSplitting) -> float:
    """Largest ``x = hω`` such that the splitting's step for ``q'' = −ω² q`` is stable on all of
    ``(0, x)``: the step is a 2×2 matrix of determinant 1, stable while ``|trace| < 2``. Found by a
    scan in steps of 1e-3 and bisection to 1e-12."""

    def trace(x: float) -> float:
        m = np.eye(2)
        kicks, drifts = splitting.linear_coefficients, splitting.weights
        for k, kick in enumerate(kicks):
            m = np.array([[1.0, 0.0], [-kick * x, 1.0]]) @ m
            if k < len(drifts):
                m = np.array([[1.0, drifts[k] * x], [0.0, 1.0]]) @ m
        return float(np.trace(m))

    x = 1e-3
    while abs(trace(x)) < 2.0 and x < 100.0:
        x += 1e-3
    lo, hi = x - 1e-3, x
    while hi - lo > 1e-12:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if abs(trace(mid)) < 2.0 else (lo, mid)
    return lo


def _all_finite(q: np.ndarray, p: np.ndarray) -> bool:
    """Whether every entry of ``q`` and ``p`` is finite (no floating-point state to save and
    restore, unlike a sum under ``np.errstate``: 3× cheaper on fields of 10³ points)."""
    return bool(np.isfinite(q).all() and np.isfinite(p).all())


class KickDrift(Integrator):
    """Fixed-step symmetric composition of kick–drift–kick steps (module docstring).

    Parameters
    ----------
    problem : SecondOrderProblem
    dt : float
        Largest step; ``[t, t_target]`` is divided into ``ceil((t_target - t) / dt)`` equal steps.
        Refused (``ValueError``) above :meth:`stability_limit` of ``problem.max_frequency``.
    max_steps : int, default 10**9
        Maximum number of steps in one :meth:`advance` call (:class:`IntegrationError` beyond).
    check_every : int, default 100
        Test the state for NaN/inf every this many steps and at the end of :meth:`advance`.

    Notes
    -----
    ``stats.n_rhs`` counts force evaluations: ``m`` per step for ``m`` sub-steps, plus one at the
    start of an :meth:`advance` call unless the state passed in is the one the previous call
    returned (FSAL). Call :meth:`reset` when the problem changes between calls.
    """

    problem_kind: ClassVar[str] = "second_order"
    composition: ClassVar[Composition | KickDriftSplitting]
    defaults: ClassVar[dict] = {"max_steps": 10**9, "check_every": 100}

    def __init__(self, problem, dt: float, rtol: float = 1e-9, atol: float = 1e-11, **options):
        super().__init__(problem, dt, rtol, atol, **options)
        opts = check_options(type(self).__name__, options, self.defaults)
        self.max_steps = int(opts["max_steps"])
        self.check_every = int(opts["check_every"])
        if self.check_every < 1:
            raise ValueError(f"check_every must be >= 1 (got {opts['check_every']})")
        if not self.dt > 0:
            raise ValueError(f"{self.name} is a fixed-step method and needs dt > 0 (got {dt})")
        omega = getattr(problem, "max_frequency", None)
        if omega is not None:
            limit = self.stability_limit(float(omega))
            if self.dt > limit:
                raise ValueError(
                    f"{self.name}: dt = {self.dt:g} exceeds the stability limit {limit:g} for "
                    f"max_frequency = {float(omega):g}; use dt <= {limit:g} or another method"
                )
        # kick coefficients (units of h) around the m drifts; the numbers are the splitting's
        # merged linear sub-steps, here multiplying the force
        self._kicks = self.composition.linear_coefficients
        self._merged = self.composition.merged_coefficient
        self._fsal: tuple[np.ndarray, np.ndarray] | None = None  # (q, force(q)) of the last call
        self._h_last: float | None = None  # step of the last call (see _snap)

    @classmethod
    def stability_limit(cls, max_frequency: float) -> float:
        """Largest stable step for ``q'' = -ω² q``, ``ω = max_frequency``: ``2 / (ω max|w_k|)``.

        Exact for Verlet (``2/ω``). For the compositions it is the step at which every sub-step is
        stable, a safe bound: the composed map stays stable somewhat beyond it (to ``h ω ≈ 1.57``,
        ``2.27``, ``0.93`` for orders 4, 6, 8 instead of ``1.17``, ``1.52``, ``0.82``).
        """
        omega = abs(float(max_frequency))
        if omega == 0.0:
            return math.inf
        if isinstance(cls.composition, KickDriftSplitting):
            return _stable_step(cls.composition) / omega
        return 2.0 / (omega * max(abs(w) for w in cls.composition.weights))

    def reset(self) -> None:
        """Forget the force kept from the last call (e.g. after changing the problem)."""
        self._fsal = None

    def _snap(self, h: float, t: float, t_target: float) -> float:
        """The step of the last call when ``h`` differs from it by round-off only (the spans of
        equal output intervals differ in the last bits): the problem's per-step-size caches (the
        exponential methods' cos ωh, sin ωh/ω) then keep hitting."""
        last = self._h_last
        if last is not None and abs(h - last) <= 8.0 * _EPS * max(abs(t), abs(t_target), h):
            return last
        self._h_last = h
        return h

    @classmethod
    def memory_arrays(
        cls, size: int, *, linear: bool = True, compiled: bool = False
    ) -> dict[str, float]:
        """Arrays of the state's size (q and p): the working copy, the returned state, and (as
        halves) the force, ``tmp``, the FSAL pair and the temporaries of the force's transforms
        and of the potential (counted as 12 in all: the count is calibrated on the measured
        peak, README "Working memory")."""
        return {"work arrays": 12.0}

    def checkpoint_state(self) -> dict[str, Any]:
        """The step size later steps snap to; ``fsal``: whether the next call would reuse the force
        of this one (a restarted stepper evaluates it again; the runner does not count it)."""
        return {"h": self._h_last, "fsal": self._fsal is not None}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        self._h_last = state.get("h")

    # -- the two sub-flows; the exponential methods override both ---------------------------------
    def _force(self, q: np.ndarray) -> np.ndarray:
        return self.problem.acceleration(q)

    def _drift(
        self, q: np.ndarray, p: np.ndarray, tau: float, tmp: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        q += np.multiply(p, tau, out=tmp)
        return q, p

    def _initial_force(self, q: np.ndarray) -> np.ndarray:
        fsal = self._fsal
        self._fsal = None
        if fsal is not None and fsal[0].shape == q.shape and np.array_equal(fsal[0], q):
            return fsal[1]
        self.stats.n_rhs += 1
        return np.asarray(self._force(q))

    def _compiled(self, drift: bool = True) -> bool:
        """Whether the problem runs the steps in compiled code (``compiled_steps``): those with
        the plain drift ``q += τ p`` (``kick_drift_steps``; not for a subclass with a drift of its
        own), or with ``drift=False`` the exponential methods' (``exponential_advance``)."""
        if drift and type(self)._drift is not KickDrift._drift:
            return False
        return bool(getattr(self.problem, "compiled_steps", False))

    def _count(self, steps: int, m: int, h: float) -> None:
        """Add ``steps`` steps of ``m`` force evaluations each to the statistics."""
        self.stats.n_rhs += m * steps
        self.stats.n_steps += steps
        self.stats.last_dt = h

    def _non_finite(self, t: float, step: int) -> IntegrationError:
        return IntegrationError(
            f"{self.name}: non-finite state at t = {t:.17g} (step {step} of this call, "
            f"{self.stats.n_steps} in total); hint: {FAILURE_HINT}",
            t,
            self.stats.n_steps,
            FAILURE_HINT,
        )

    def advance(
        self, u: np.ndarray, t: float, t_target: float, should_stop: StopCheck | None = None
    ) -> tuple[np.ndarray, float]:
        u_in = np.asarray(u)
        if u_in.ndim == 0 or u_in.shape[0] != 2:
            raise ValueError(f"{self.name}: state must have shape (2, ...), got {u_in.shape}")
        t, t_target = float(t), float(t_target)
        n, h = self._fixed_steps(t, t_target)
        h = self._snap(h, t, t_target)
        if n == 0:
            return u_in.copy(), t_target
        x = np.array(u_in, dtype=np.result_type(u_in.dtype, np.float64))  # never the caller's
        q, p = x[0], x[1]
        tmp = np.empty_like(q)
        a = self._initial_force(q)
        m = len(self.composition.weights)
        drifts = [w * h for w in self.composition.weights]
        kicks = [c * h for c in self._kicks]
        merged = self._merged * h
        force, drift, every = self._force, self._drift, self.check_every

        if self._compiled():  # the same steps, compiled as a whole by the problem
            a = np.require(a, np.float64, ["C", "W"])
            self._compiled_blocks(q, p, a, kicks, drifts, merged, n, t, h, should_stop)
        else:
            p += np.multiply(a, kicks[0], out=tmp)
            for step in range(1, n + 1):
                for k in range(m):
                    q, p = drift(q, p, drifts[k], tmp)
                    a = force(q)
                    if k < m - 1:
                        p += np.multiply(a, kicks[k + 1], out=tmp)
                p += np.multiply(a, merged if step < n else kicks[m], out=tmp)
                if step % every == 0 and step < n and not _all_finite(q, p):
                    self._count(step, m, h)
                    raise self._non_finite(t + step * h, step)
                if should_stop is not None and step < n and should_stop():
                    self._count(step, m, h)
                    raise self._interrupted(t + step * h)
        self._count(n, m, h)
        x[0], x[1] = q, p  # no-op for the in-place drift; the exponential drift returns new arrays
        if not _all_finite(x[0], x[1]):
            raise self._non_finite(t_target, n)
        self._fsal = (x[0].copy(), a)
        return x, t_target

    def _compiled_blocks(self, q, p, a, kicks, drifts, merged, n, t, h, should_stop) -> None:
        """``n`` steps by ``problem.kick_drift_steps``, in blocks between ``should_stop`` checks
        (:func:`~.base.step_blocks`, multiples of ``check_every`` so that the kernel checks the
        same steps). A block that does not end the call closes with the merged kick, as the
        uninterrupted loop does there, and the next one opens with a kick of 0 (which adds
        ``±0`` to ``p``): the numbers are those of one call."""
        m, every = len(drifts), self.check_every
        done = 0
        for i, block in enumerate(step_blocks(n, should_stop, every)):
            if i and should_stop():
                self._count(done, m, h)
                raise self._interrupted(t + done * h)
            end = done + block
            coefficients = [kicks[0] if done == 0 else 0.0, *kicks[1:m]]
            coefficients.append(kicks[m] if end == n else merged)
            failed = self.problem.kick_drift_steps(
                q, p, a, coefficients, drifts, merged, block, every
            )
            if failed or (end < n and end % every == 0 and not _all_finite(q, p)):
                step = done + (failed or block)
                self._count(step, m, h)
                raise self._non_finite(t + step * h, step)
            done = end


class ExponentialKickDrift(KickDrift):
    """Composition of impulse (exponential Verlet) steps ``K_g(h/2) L(h) K_g(h/2)``.

    Needs an :class:`ExponentialSecondOrderProblem`; ``stats.n_rhs`` counts calls of
    ``problem.remainder``. No step-size limit from the linear part (:meth:`stability_limit` is
    infinite), but the kicks with ``g`` limit accuracy, and a stiff remainder makes the impulse
    method resonant near ``h ω ∈ π ℤ`` [GSS99]: choose ``dt`` to resolve ``g``.
    """

    @classmethod
    def memory_arrays(
        cls, size: int, *, linear: bool = True, compiled: bool = False
    ) -> dict[str, float]:
        """The state, the mode coefficients (a, b), the remainder g and the transforms in and out
        of the modal view (counted as 10); and the problem's flow factors cos ωτ, sin ωτ/ω,
        −ω sin ωτ (three half-state arrays) for each distinct drift τ of two step sizes."""
        n_drifts = len(set(cls.composition.weights))
        return {"work arrays": 10.0, "flow factors": 3.0 * n_drifts}

    @classmethod
    def stability_limit(cls, max_frequency: float) -> float:
        """``inf``: the linear part is integrated exactly (the remainder is not accounted for)."""
        return math.inf

    def _force(self, q: np.ndarray) -> np.ndarray:
        return self.problem.remainder(q)

    def _drift(
        self, q: np.ndarray, p: np.ndarray, tau: float, tmp: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        return self.problem.linear_flow(q, p, tau)

    def advance(
        self, u: np.ndarray, t: float, t_target: float, should_stop: StopCheck | None = None
    ) -> tuple[np.ndarray, float]:
        """As :meth:`KickDrift.advance`; with a problem that offers a modal view (``to_modal``,
        ``modal_remainder``, ``from_modal``) the state stays in mode space between
        kicks, so that a sub-step costs one transform pair (for the remainder) instead of three.
        Needs also ``modal_kick_flow(a, b, g, c, tau)``: the kick ``b += c g`` and the flow over
        ``tau`` in one pass."""
        if not hasattr(self.problem, "modal_remainder"):
            return super().advance(u, t, t_target, should_stop)
        u_in = np.asarray(u)
        if u_in.ndim == 0 or u_in.shape[0] != 2:
            raise ValueError(f"{self.name}: state must have shape (2, ...), got {u_in.shape}")
        t, t_target = float(t), float(t_target)
        n, h = self._fixed_steps(t, t_target)
        h = self._snap(h, t, t_target)
        if n == 0:
            return u_in.copy(), t_target
        problem = self.problem
        x = np.array(u_in, dtype=np.result_type(u_in.dtype, np.float64))
        m = len(self.composition.weights)
        drifts = [w * h for w in self.composition.weights]
        kicks = [c * h for c in self._kicks]
        merged = self._merged * h
        if self._compiled(drift=False):  # the same steps, transforms included, compiled
            if should_stop is not None and hasattr(problem, "exponential_steps"):
                self._compiled_modal_blocks(x, kicks, drifts, merged, n, t, h, should_stop)
            else:
                failed = problem.exponential_advance(x, kicks, drifts, merged, n, self.check_every)
                self.stats.n_rhs += 1
                if failed:
                    self._count(failed, m, h)
                    raise self._non_finite(t + failed * h, failed)
            self._count(n, m, h)
            if not _all_finite(x[0], x[1]):
                raise self._non_finite(t_target, n)
            return x, t_target
        a, b = problem.to_modal(x[0], x[1])
        # no force carried over from the last call: the modes of the returned state differ from
        # the ones it was computed on by a transform round trip, and a restart must reproduce it
        g = problem.modal_remainder(a)
        self.stats.n_rhs += 1
        remainder, kick_flow, every = (
            problem.modal_remainder,
            problem.modal_kick_flow,
            self.check_every,
        )
        # the kick before each drift is fused with it: kicks[0] first, then the merged kick of two
        # consecutive steps, and the last half kick alone at the end
        before = kicks[:m]
        for step in range(1, n + 1):
            for k in range(m):
                kick_flow(a, b, g, before[k] if (k or step == 1) else merged, drifts[k])
                g = remainder(a)
            if step % every == 0 and step < n and not _all_finite(a, b):
                self._count(step, m, h)
                raise self._non_finite(t + step * h, step)
            if should_stop is not None and step < n and should_stop():
                self._count(step, m, h)
                raise self._interrupted(t + step * h)
        b += kicks[m] * g
        self._count(n, m, h)
        x[0], x[1] = problem.from_modal(a, b)
        if not _all_finite(x[0], x[1]):
            raise self._non_finite(t_target, n)
        return x, t_target

    def _compiled_modal_blocks(self, x, kicks, drifts, merged, n, t, h, should_stop) -> None:
        """``problem.exponential_advance`` in blocks between ``should_stop`` checks
        (:func:`~.base.step_blocks`, multiples of ``check_every``): the modal state stays with
        the problem's ``exponential_modes`` / ``exponential_steps`` / ``exponential_finish``, and
        a block that continues another opens with the merged kick, so the numbers are those of
        one call; ``x`` is written at the end only."""
        problem, m, every = self.problem, len(drifts), self.check_every
        w = problem.exponential_modes(x)
        self.stats.n_rhs += 1
        done = 0
        for i, block in enumerate(step_blocks(n, should_stop, every)):
            if i and should_stop():
                self._count(done, m, h)
                raise self._interrupted(t + done * h)
            coefficients = [kicks[0] if done == 0 else merged, *kicks[1:]]
            failed = problem.exponential_steps(w, coefficients, drifts, merged, block, every)
            end = done + block
            if failed or (end < n and end % every == 0 and not _all_finite(w[0], w[1])):
                step = done + (failed or block)
                self._count(step, m, h)
                raise self._non_finite(t + step * h, step)
            done = end
        problem.exponential_finish(x, w, kicks[m])


class Verlet(KickDrift):
    """Störmer–Verlet, kick–drift–kick (order 2, symplectic, symmetric):

    ``p ← p + h/2 a(q);  q ← q + h p;  p ← p + h/2 a(q)``; one force evaluation per step.

    References: L. Verlet, Phys. Rev. 159, 98 (1967); E. Hairer, C. Lubich and G. Wanner,
    Acta Numerica 12, 399 (2003).
    """

    name = "verlet"
    order = 2
    composition = STRANG
    description = "Störmer–Verlet (leapfrog) kick–drift–kick, order 2 (symplectic)"


class Yoshida4(KickDrift):
    """Yoshida's fourth-order triple jump of Verlet steps, weights ``(w1, w0, w1)``.

    ``w1 = 1/(2 - 2^(1/3)) ≈ 1.3512``, ``w0 = 1 - 2 w1 ≈ -1.7024``; three force evaluations per step.

    Reference: H. Yoshida, Phys. Lett. A 150, 262 (1990).
    """

    name = "yoshida4"
    order = 4
    composition = YOSHIDA4
    description = "Yoshida triple-jump composition of Verlet steps, order 4 (symplectic)"


class Yoshida6(KickDrift):
    """Yoshida's sixth-order composition of Verlet steps, solution A (seven sub-steps).

    Weights ``(w3, w2, w1, w0, w1, w2, w3)`` as in :data:`~simsuite.integrators.splitting.YOSHIDA6`;
    seven force evaluations per step.

    Reference: H. Yoshida, Phys. Lett. A 150, 262 (1990); digits from Hairer, Lubich & Wanner,
    Geometric Numerical Integration (2006), Sec. V.3.
    """

    name = "yoshida6"
    order = 6
    composition = YOSHIDA6
    description = "Yoshida sixth-order composition (solution A) of Verlet steps (symplectic)"


class Yoshida8(KickDrift):
    """Yoshida's eighth-order composition of Verlet steps, solution A (fifteen sub-steps).

    Weights ``(w7, …, w1, w0, w1, …, w7)`` with ``w1 ≈ -1.61582``, ``w2 ≈ -2.44699``,
    ``w3 ≈ -0.00717``, ``w4 ≈ 2.44003``, ``w5 ≈ 0.157740``, ``w6 ≈ 1.82021``, ``w7 ≈ 1.04243``,
    ``w0 = 1 - 2(w1 + … + w7) ≈ -1.78083``; fifteen force evaluations per step. Its largest weight
    makes the stable step the smallest of the compositions (``h ω < 0.817``).

    Reference: H. Yoshida, Phys. Lett. A 150, 262 (1990), Table 2 (digits as printed there).
    """

    name = "yoshida8"
    order = 8
    composition = YOSHIDA8
    description = "Yoshida eighth-order composition (solution A) of Verlet steps (symplectic)"


class ExponentialVerlet(ExponentialKickDrift):
    """Exponential Verlet (impulse method), order 2:

    ``p ← p + h/2 g(q);  (q, p) ← L(h)(q, p);  p ← p + h/2 g(q)`` with ``L`` the exact flow of
    ``q'' = A q``; one evaluation of the remainder ``g`` per step. Exact for ``g ≡ 0`` at any ``h``.
    As a two-step scheme in ``q`` it is Deuflhard's trigonometric method.

    References: P. Deuflhard, Z. Angew. Math. Phys. 30, 177 (1979); B. García-Archilla,
    J. M. Sanz-Serna and R. D. Skeel, SIAM J. Sci. Comput. 20, 930 (1999); Hairer, Lubich & Wanner,
    Geometric Numerical Integration (2006), Sec. XIII.1.
    """

    name = "exponential_verlet"
    order = 2
    composition = STRANG
    description = "exponential (impulse) Verlet: exact linear flow, Strang-split remainder, order 2"


class ExponentialYoshida4(ExponentialKickDrift):
    """Yoshida's triple jump (weights of :class:`Yoshida4`) of exponential Verlet steps, order 4.

    Three remainder evaluations per step; the linear flow is also taken backwards (``w0 < 0``).
    Reference: H. Yoshida, Phys. Lett. A 150, 262 (1990).
    """

    name = "exponential_yoshida4"
    order = 4
    composition = YOSHIDA4
    description = "Yoshida triple jump of exponential Verlet steps, order 4 (symplectic)"


class BlanesMoan4(KickDrift):
    """Blanes and Moan's optimised fourth-order RKN splitting SRKN_6^b (six forces per step).

    For the same work its error is one to two orders of magnitude below the triple jump's
    (Blanes & Moan's effective-error measure, confirmed on the kink–antikink benchmark).

    Reference: S. Blanes and P. C. Moan, J. Comput. Appl. Math. 142, 313–330 (2002).
    """

    name = "blanes_moan4"
    order = 4
    composition = BLANES_MOAN4
    description = "Blanes-Moan optimised fourth-order RKN splitting SRKN6b (symplectic)"


class ExponentialBlanesMoan4(ExponentialKickDrift):
    """Blanes and Moan's SRKN_6^b with the exact linear flow as the drift, order 4.

    The RKN order conditions hold because the remainder kick depends on ``q`` only and the drift
    is the flow of a quadratic Hamiltonian. Six remainder evaluations per step.
    Reference: S. Blanes and P. C. Moan, J. Comput. Appl. Math. 142, 313–330 (2002).
    """

    name = "exponential_blanes_moan4"
    order = 4
    composition = BLANES_MOAN4
    description = "Blanes-Moan SRKN6b splitting with the exact linear flow, order 4 (symplectic)"


class ExponentialYoshida6(ExponentialKickDrift):
    """Yoshida's sixth-order solution A (weights of :class:`Yoshida6`) of exponential Verlet steps.

    Seven remainder evaluations per step. Reference: H. Yoshida, Phys. Lett. A 150, 262 (1990).
    """

    name = "exponential_yoshida6"
    order = 6
    composition = YOSHIDA6
    description = "Yoshida sixth-order composition of exponential Verlet steps (symplectic)"
