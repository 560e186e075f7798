"""Exponential (impulse) kick–drift methods for ``q'' = A q + g(q)``: exponential Verlet and its
compositions (fixed step).

Algorithm
---------
The drift of Störmer–Verlet (:mod:`~simsuite.integrators.symplectic`) is replaced by the exact
flow ``L(τ)`` of ``q'' = A q`` (``problem.linear_flow``), and the kicks use the remainder ``g``
only,

.. math:: S(h) = K_g(h/2)\\, L(h)\\, K_g(h/2),

the impulse method: exact for ``g ≡ 0`` at any step size, symplectic when ``g = -∇U_g``. As a
two-step scheme in ``q`` it is Deuflhard's trigonometric method. Compositions and merged kicks are
those of the plain methods (:class:`~simsuite.integrators.symplectic.KickDrift`). No step-size
limit comes from ``A``; the kicks still limit accuracy, and for a stiff remainder the impulse
method shows resonances near ``h ω ∈ π ℤ`` [GSS99].

References
----------
.. [Deu79] P. Deuflhard, "A study of extrapolation methods based on multistep schemes without
   parasitic solutions", Z. Angew. Math. Phys. 30, 177–189 (1979).
.. [GSS99] B. García-Archilla, J. M. Sanz-Serna and R. D. Skeel, "Long-time-step methods for
   oscillatory differential equations", SIAM J. Sci. Comput. 20, 930–963 (1999).
.. [HLW06] E. Hairer, C. Lubich and G. Wanner, *Geometric Numerical Integration*, 2nd ed., Springer
   (2006), Sec. XIII.1 (impulse / Deuflhard method).
"""

from __future__ import annotations

import math

import numpy as np

from .base import StopCheck
from .compiled_kick_drift import exponential_run
from .compositions import BLANES_MOAN4, STRANG, YOSHIDA4, YOSHIDA6
from .fixed_step import run_fixed_steps
from .second_order import KickDriftKernels, ModalSecondOrderProblem, kick_drift_kernels
from .symplectic import KickDrift, all_finite

__all__ = [
    "ExponentialKickDrift",
    "ExponentialVerlet",
    "ExponentialYoshida4",
    "ExponentialYoshida6",
    "ExponentialBlanesMoan4",
]


class ExponentialKickDrift(KickDrift):
    """Composition of impulse (exponential Verlet) steps ``K_g(h/2) L(h) K_g(h/2)``.

    Needs an :class:`~.second_order.ExponentialSecondOrderProblem`; ``stats.n_rhs`` counts calls of
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
        """As :meth:`KickDrift.advance`; with a problem that offers a modal view
        (:class:`~.second_order.ModalSecondOrderProblem`, or compiled modal kernels
        ``problem.kernels.modal``) the state stays in mode space between kicks, so that a sub-step
        costs one transform pair (for the remainder) instead of three."""
        problem = self.problem
        kernels = kick_drift_kernels(problem)
        compiled = kernels is not None and kernels.modal is not None
        if not (compiled or isinstance(problem, ModalSecondOrderProblem)):
            return super().advance(u, t, t_target, should_stop)
        u_in = np.asarray(u)
        if u_in.ndim == 0 or u_in.shape[0] != 2:
            raise ValueError(f"{self.name}: state must have shape (2, ...), got {u_in.shape}")
        t, t_target = float(t), float(t_target)
        n, h = self._fixed_steps(t, t_target)
        h = self._snap(h, t, t_target)
        if n == 0:
            return u_in.copy(), t_target
        x = np.array(u_in, dtype=np.result_type(u_in.dtype, np.float64))
        drifts = [w * h for w in self.composition.weights]
        kicks = [c * h for c in self._kicks]
        merged = self._merged * h
        if compiled:  # the same steps, transforms included, compiled
            take_steps, finite = self._compiled_modal_steps(x, kicks, drifts, merged, n, h, kernels)
        else:
            take_steps, finite = self._python_modal_steps(x, kicks, drifts, merged, n, h)
        run_fixed_steps(
            self, t, t_target, n, h, take_steps, lambda: x, should_stop, compiled=compiled,
            multiple=self.check_every, check_every=self.check_every, finite=finite,
            blow_up=self._non_finite,
        )  # fmt: skip
        return x, t_target

    def _python_modal_steps(self, x, kicks, drifts, merged, n, h):
        """``take_steps`` and ``finite`` for :func:`~.fixed_step.run_fixed_steps`: the impulse
        steps on the modes ``(a, b)`` of the problem's modal view, ``x`` ← the grid state after the
        last one; ``finite`` tests the modes until then, ``x`` after."""
        problem, m = self.problem, len(drifts)
        a, b = problem.to_modal(x[0], x[1])
        # no force carried over from the last call: the modes of the returned state differ from
        # the ones it was computed on by a transform round trip, and a restart must reproduce it
        g = problem.modal_remainder(a)
        self.stats.n_rhs += 1
        remainder, kick_flow = problem.modal_remainder, problem.modal_kick_flow
        # the kick before each drift is fused with it: kicks[0] first, then the merged kick of two
        # consecutive steps, and the last half kick alone at the end
        before = kicks[:m]
        closed = False

        def take_steps(done: int, count: int) -> int:
            nonlocal g, b, closed
            for step in range(done + 1, done + count + 1):
                for k in range(m):
                    kick_flow(a, b, g, before[k] if (k or step == 1) else merged, drifts[k])
                    g = remainder(a)
            self._count(count, m, h)
            if done + count == n:
                b += kicks[m] * g
                x[0], x[1] = problem.from_modal(a, b)
                closed = True
            return count

        def finite() -> bool:
            return all_finite(x[0], x[1]) if closed else all_finite(a, b)

        return take_steps, finite

    def _compiled_modal_steps(self, x, kicks, drifts, merged, n, h, kernels: KickDriftKernels):
        """``take_steps`` and ``finite`` for :func:`~.fixed_step.run_fixed_steps`: impulse steps
        by the loops of :mod:`~.compiled_kick_drift` over the problem's modal kernels, in blocks
        of multiples of ``check_every``: the modal state ``w`` = (a, b, g) stays here between
        blocks, and a block that continues another opens with the merged kick, so the numbers are
        those of one call; ``x`` is written at the end only (``finite`` tests the modes until
        then, ``x`` after)."""
        m, every = len(drifts), self.check_every
        modal, params = kernels.modal, kernels.params
        cos, sin_over, minus_w_sin = modal.flow_factors(tuple(drifts))
        w = np.empty((3, cos.shape[1]), dtype=complex)
        modes_into, remainder_into, fields_into = (
            modal.modes_arg,
            modal.remainder_arg,
            modal.fields_arg,
        )
        self.stats.n_rhs += 1  # the remainder of the first block's begin
        closed = False

        def take_steps(done: int, count: int) -> int:
            nonlocal closed
            coefficients = [kicks[0] if done == 0 else merged, *kicks[1:]]
            end = done + count
            failed = exponential_run(
                x, w, np.asarray(coefficients, dtype=float), float(merged), cos, sin_over,
                minus_w_sin, int(count), int(every), done == 0, end == n, modes_into,
                remainder_into, fields_into, params,
            )  # fmt: skip
            taken = failed or count
            self._count(taken, m, h)
            closed = done + taken == n
            return taken

        def finite() -> bool:
            return all_finite(x[0], x[1]) if closed else all_finite(w[0], w[1])

        return take_steps, finite


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
