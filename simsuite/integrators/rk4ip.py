"""Fourth-order Runge–Kutta in the interaction picture (RK4IP), fixed step.

Algorithm
---------
Hult's RK4IP is the Lawson scheme of :mod:`simsuite.integrators.lawson` with the classic RK4
tableau and the interaction-picture reference at the midpoint of the step, ``θ = ½``. With
``E(τ) = exp(L τ)`` and ``u_I = E(h/2) u_n``::

    k1 = E(h/2) N(u_n)
    k2 = N(u_I + h/2 k1)
    k3 = N(u_I + h/2 k2)
    k4 = E(-h/2) N(E(h/2) (u_I + h k3))
    u_{n+1} = E(h/2) (u_I + h/6 (k1 + 2 k2 + 2 k3 + k4))

Order 4; four evaluations of ``N`` per step (``N(u_{n+1})`` is the next ``k1``), no stability limit
from a skew ``L``; ``E(±h/2)`` are computed once per distinct step size (one ``exp`` and one
inverse).

References
----------
.. [Hult07] J. Hult, "A fourth-order Runge–Kutta in the interaction picture method for simulating
   supercontinuum generation in optical fibers", J. Lightwave Technol. 25, 3770–3775 (2007).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from .base import Integrator, StopCheck, check_options, wants_filter
from .fixed_step import run_fixed_steps
from .lawson import LawsonStepper, stepper_for
from .tableaux import RK4, ButcherTableau

__all__ = ["FixedLawsonRK", "RK4IP"]


class FixedLawsonRK(Integrator):
    """Fixed-step integrating-factor Runge–Kutta method (a tableau and a reference position ``θ``).

    ``[t, t_target]`` is divided into ``ceil((t_target - t) / dt)`` equal steps (``_equal_steps``).
    The problem's ``filter`` is applied after every step when ``problem.filter_each_step`` is true.
    A non-finite state at the end of :meth:`advance`, or more than the option ``max_steps``
    (default 10**7) steps in one call, raises :class:`IntegrationError`.
    """

    tableau: ClassVar[ButcherTableau]
    theta: ClassVar[float] = 0.0

    def __init__(self, problem, dt: float, rtol: float = 1e-9, atol: float = 1e-11, **options):
        super().__init__(problem, dt, rtol, atol, **options)
        opts = check_options(type(self).__name__, options, {"max_steps": 10**7})
        self.max_steps = int(opts["max_steps"])
        if not self.dt > 0:
            raise ValueError(f"{self.name} is a fixed-step method and needs dt > 0 (got {dt})")
        self._stepper: LawsonStepper | None = None
        self._warm_steps: list[float] = []  # cached step sizes to rebuild after a restart

    @classmethod
    def memory_arrays(
        cls, size: int, *, linear: bool = True, compiled: bool = False
    ) -> dict[str, float]:
        """The arrays of its :class:`LawsonStepper` (:meth:`LawsonStepper.memory_arrays`)."""
        return LawsonStepper.memory_arrays(cls.tableau, cls.theta, linear=linear, compiled=compiled)

    def checkpoint_state(self) -> dict[str, Any]:
        """The step sizes whose exponentials are cached (later steps snap to them)."""
        return {"cached_steps": [] if self._stepper is None else self._stepper.cache.keys()}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        self._warm_steps = list(state.get("cached_steps", []))

    @property
    def n_exp_builds(self) -> int:
        """Number of times the exponentials were computed."""
        return 0 if self._stepper is None else self._stepper.cache.n_builds

    def advance(
        self, u: np.ndarray, t: float, t_target: float, should_stop: StopCheck | None = None
    ) -> tuple[np.ndarray, float]:
        u_in = np.asarray(u)
        t, t_target = float(t), float(t_target)
        n, h = self._fixed_steps(t, t_target)
        if n == 0:
            return u_in.copy(), t_target
        st = self._stepper = stepper_for(
            self._stepper, self.tableau, self.theta, self.problem, u_in
        )
        if self._warm_steps:
            st.cache.warm(self._warm_steps)
            self._warm_steps = []
        cur = np.array(u_in.reshape(-1), dtype=st.dtype)
        new = np.empty_like(cur)
        h, P = st.cache.get(h, max(abs(t), abs(t_target)))
        filt = wants_filter(self.problem)
        f = None

        def take_steps(done: int, count: int) -> int:
            nonlocal cur, new, f
            for _ in range(count):
                if f is None:
                    f = st.rhs(cur)
                f = st.step(cur, f, P, new)
                cur, new = new, cur
                if filt:
                    np.copyto(cur, np.ravel(self.problem.filter(cur.reshape(st.shape))))
                    f = None
            return count

        rhs0 = st.n_rhs
        try:
            run_fixed_steps(self, t, t_target, n, h, take_steps, lambda: cur, should_stop)
        finally:
            self.stats.n_rhs += st.n_rhs - rhs0
        return cur.reshape(st.shape), t_target


class RK4IP(FixedLawsonRK):
    """Hult's fourth-order Runge–Kutta in the interaction picture (order 4, fixed step).

    The classic RK4 tableau applied in the interaction picture centred on the step midpoint (θ = ½):
    four evaluations of ``N`` and the cached ``E(±h/2)`` per step.

    Reference: J. Hult, J. Lightwave Technol. 25, 3770 (2007).
    """

    name = "rk4ip"
    order = 4
    tableau = RK4
    theta = 0.5
    description = "fourth-order Runge–Kutta in the interaction picture (Hult 2007), fixed step"
