"""Symplectic integrators for second-order equations ``q'' = a(q)``: Störmer–Verlet and its
compositions (fixed step); their exponential (impulse) variants are in
:mod:`~simsuite.integrators.exponential_symplectic`.

Problems
--------
A :class:`~simsuite.integrators.second_order.SecondOrderProblem` supplies the force ``a(q)``, e.g.
``φ_xx - V'(φ)`` for a nonlinear Klein–Gordon field. The integrator state is one real array ``u`` of
shape ``(2, *shape)`` with ``u[0] = q`` and ``u[1] = p = q'``. The exponential methods
(:mod:`~simsuite.integrators.exponential_symplectic`) also need the split ``a(q) = A q + g(q)``
into a linear part ``A`` (e.g. ``∂_xx - m²``), whose exact flow the problem provides, and a
remainder ``g``. A problem that declares compiled kernels (``problem.kernels``, a
:class:`~simsuite.integrators.second_order.KickDriftKernels`) has whole runs of steps done by the
compiled loops of :mod:`~simsuite.integrators.compiled_kick_drift`.

Algorithm
---------
With the kick ``K(τ): p ← p + τ a(q)`` and the drift ``D(τ): q ← q + τ p`` (exact flows of the
two parts of ``H = p²/2 + U(q)``, ``a = -∇U``), the Störmer–Verlet step is the symmetric,
second-order, symplectic map

.. math:: S(h) = K(h/2)\\, D(h)\\, K(h/2).

A symmetric composition ``S(w_m h) ⋯ S(w_1 h)`` with ``Σ w_k = 1`` raises the order; the method is
the list of weights (:class:`~simsuite.integrators.compositions.Composition`, shared with the
split-step methods; Blanes–Moan's splitting has kick coefficients of its own). Consecutive half
kicks act at the same ``q`` and are merged,
``K(w_k h/2) K(w_{k+1} h/2) = K((w_k + w_{k+1}) h/2)``, also across steps inside one
:meth:`~KickDrift.advance` call, so a composition of ``m`` Verlet steps costs ``m`` force
evaluations per step: the force at the end of a step is the first of the next one (FSAL), kept
across :meth:`~KickDrift.advance` calls while the state passed in is the one returned.

Stability
---------
For ``q'' = -ω² q`` Verlet is stable for ``h ω < 2`` and a composition for ``h ω max|w_k| < 2``
(every sub-step stable; the true interval of the compositions is somewhat larger, see
:meth:`KickDrift.stability_limit`).

References
----------
.. [Ver67] L. Verlet, "Computer 'experiments' on classical fluids. I. Thermodynamical properties of
   Lennard-Jones molecules", Phys. Rev. 159, 98–103 (1967).
.. [HLW03] E. Hairer, C. Lubich and G. Wanner, "Geometric numerical integration illustrated by the
   Störmer–Verlet method", Acta Numerica 12, 399–450 (2003).
.. [Yos90] H. Yoshida, "Construction of higher order symplectic integrators",
   Phys. Lett. A 150, 262–268 (1990).
.. [HLW06] E. Hairer, C. Lubich and G. Wanner, *Geometric Numerical Integration*, 2nd ed., Springer
   (2006), Sec. II.4 and V.3 (compositions).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np

from .base import (
    FAILURE_HINT,
    IntegrationError,
    Integrator,
    StopCheck,
    check_options,
)
from .compiled_kick_drift import kick_drift_steps
from .compositions import (
    BLANES_MOAN4,
    STRANG,
    YOSHIDA4,
    YOSHIDA6,
    YOSHIDA8,
    Composition,
    kick_drift_stable_step,
)
from .fixed_step import run_fixed_steps
from .second_order import (
    ExponentialSecondOrderProblem,
    KickDriftKernels,
    SecondOrderProblem,
    kick_drift_kernels,
)

__all__ = [
    "SecondOrderProblem",
    "ExponentialSecondOrderProblem",
    "YOSHIDA8",
    "KickDrift",
    "Verlet",
    "Yoshida4",
    "Yoshida6",
    "Yoshida8",
    "BlanesMoan4",
    "all_finite",
]

_EPS = float(np.finfo(float).eps)


def all_finite(q: np.ndarray, p: np.ndarray) -> bool:
    """Whether every entry of ``q`` and ``p`` is finite (no floating-point state to save and
    restore, unlike a sum under ``np.errstate``)."""
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
    composition: ClassVar[Composition]
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
        # kick coefficients (units of h) around the m drifts: the composition's outer sub-steps
        self._kicks = self.composition.outer_coefficients
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
        if not cls.composition.of_base_steps:
            return kick_drift_stable_step(cls.composition) / omega
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
        peak, docs/guide/reliability.md, "Working memory")."""
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

    def _kernels(self) -> KickDriftKernels | None:
        """The problem's compiled kernels (``problem.kernels``) when this method runs on them: the
        plain drift ``q += τ p`` only (not a subclass with a drift of its own)."""
        if type(self)._drift is not KickDrift._drift:
            return None
        return kick_drift_kernels(self.problem)

    def _count(self, steps: int, m: int, h: float) -> None:
        """Add the ``m`` force evaluations of each of ``steps`` steps to the statistics (the steps
        themselves are counted by :func:`~.fixed_step.run_fixed_steps`)."""
        self.stats.n_rhs += m * steps
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

        def python_steps(done: int, count: int) -> int:
            """Steps ``done + 1 .. done + count``; the state ends in ``x`` after the last."""
            nonlocal q, p, a
            if done == 0:
                p += np.multiply(a, kicks[0], out=tmp)
            for step in range(done + 1, done + count + 1):
                for k in range(m):
                    q, p = drift(q, p, drifts[k], tmp)
                    a = force(q)
                    if k < m - 1:
                        p += np.multiply(a, kicks[k + 1], out=tmp)
                p += np.multiply(a, merged if step < n else kicks[m], out=tmp)
            self._count(count, m, h)
            if done + count == n:  # a no-op for the in-place drift, not for the exponential one
                x[0], x[1] = q, p
                q, p = x[0], x[1]
            return count

        kernels = self._kernels()
        if kernels is not None:  # the same steps, compiled as a whole over the problem's force
            a = np.require(a, np.float64, ["C", "W"])
            take_steps = self._compiled_steps(q, p, a, kicks, drifts, merged, n, h, kernels)
        else:
            take_steps = python_steps
        run_fixed_steps(
            self, t, t_target, n, h, take_steps, lambda: x, should_stop,
            compiled=kernels is not None, multiple=every, check_every=every,
            finite=lambda: all_finite(q, p), blow_up=self._non_finite,
        )  # fmt: skip
        self._fsal = (x[0].copy(), a)
        return x, t_target

    def _compiled_steps(
        self, q, p, a, kicks, drifts, merged, n, h, kernels: KickDriftKernels
    ) -> Callable[[int, int], int]:
        """``take_steps`` for :func:`~.fixed_step.run_fixed_steps`: steps by
        :func:`~.compiled_kick_drift.kick_drift_steps` over the problem's ``kernels.force_into``,
        in place on ``q``, ``p``, ``a``, in blocks of multiples of ``check_every`` (the kernel
        checks the same steps). A block that does not end the call closes with the merged kick, as
        the uninterrupted loop does there, and the next one opens with a kick of 0 (which adds
        ``±0`` to ``p``): the numbers are those of one call."""
        m, every = len(drifts), self.check_every
        force_into, params = kernels.force_arg, kernels.params
        drift_array = np.asarray(drifts, dtype=float)

        def take_steps(done: int, count: int) -> int:
            end = done + count
            coefficients = [kicks[0] if done == 0 else 0.0, *kicks[1:m]]
            coefficients.append(kicks[m] if end == n else merged)
            failed = kick_drift_steps(
                q, p, a, np.asarray(coefficients, dtype=float), drift_array, float(merged),
                int(count), int(every), force_into, params,
            )  # fmt: skip
            taken = failed or count
            self._count(taken, m, h)
            return taken

        return take_steps


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

    Weights ``(w3, w2, w1, w0, w1, w2, w3)`` as in :data:`~simsuite.integrators.compositions.YOSHIDA6`;
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
