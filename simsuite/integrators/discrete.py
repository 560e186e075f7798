"""Discrete-time maps: models whose dynamics *is* a step rule (e.g. the Couzin schooling model).

A map problem supplies ``step(u) -> u_new`` for one step of its own fixed length ``time.dt``; there is no
continuous equation to approximate, so the step cannot be shortened to land on an output time. The
integrator only counts: every output interval must be a whole number of steps.
"""

from __future__ import annotations

from typing import ClassVar, Protocol, runtime_checkable

import numpy as np

from .base import IntegrationError, Integrator, StopCheck, check_options
from .fixed_step import run_fixed_steps


@runtime_checkable
class MapProblem(Protocol):
    """``u_{n+1} = step(u_n)``; the problem owns any random state it needs."""

    def step(self, u: np.ndarray) -> np.ndarray:
        """The state after one step (a new array; ``u`` untouched)."""
        ...


class DiscreteMap(Integrator):
    """Apply ``problem.step`` ``(t_target - t)/dt`` times (an integer, else ``ValueError``).

    Options: ``max_steps`` (per :meth:`advance` call, default 10**9) and ``check_every`` (test the
    state for NaN/inf every this many steps and at the end, default 100).
    """

    name = "map"
    problem_kind: ClassVar[str] = "map"
    order = 0
    description = "the model's own discrete-time step rule (step length time.dt)"
    defaults: ClassVar[dict] = {"max_steps": 10**9, "check_every": 100}

    def __init__(self, problem, dt: float, rtol: float = 1e-9, atol: float = 1e-11, **options):
        super().__init__(problem, dt, rtol, atol, **options)
        opts = check_options(type(self).__name__, options, self.defaults)
        self.max_steps = int(opts["max_steps"])
        self.check_every = max(1, int(opts["check_every"]))

    def steps_between(self, t: float, t_target: float) -> int:
        """Number of steps from ``t`` to ``t_target`` (must be a whole number)."""
        span = t_target - t
        if span < 0:
            raise ValueError(f"t_target = {t_target} lies before t = {t}")
        n = round(span / self.dt)
        if abs(n * self.dt - span) > 1e-9 * max(self.dt, span):
            raise ValueError(
                f"{self.name}: the interval [{t:g}, {t_target:g}] is not a whole number of steps "
                f"dt = {self.dt:g}"
            )
        return n

    def advance(
        self, u: np.ndarray, t: float, t_target: float, should_stop: StopCheck | None = None
    ) -> tuple[np.ndarray, float]:
        n = self.steps_between(float(t), float(t_target))
        if n > self.max_steps:
            raise IntegrationError(
                f"{self.name}: {n} steps needed, more than max_steps = {self.max_steps}",
                t,
                self.stats.n_steps,
            )
        state = np.array(u, copy=True)
        if n == 0:  # nothing to take or check
            self.stats.last_dt = self.dt
            return state, float(t_target)

        def take_steps(done: int, count: int) -> int:
            nonlocal state
            for _ in range(count):
                state = self.problem.step(state)
                self.stats.n_rhs += 1
            return count

        def non_finite(time: float, done: int) -> IntegrationError:
            return IntegrationError(
                f"{self.name}: non-finite state at t = {time:.6g} (step {self.stats.n_steps})",
                time,
                self.stats.n_steps,
            )

        run_fixed_steps(
            self, t, t_target, n, self.dt, take_steps, lambda: state, should_stop,
            check_every=self.check_every, finite=lambda: bool(np.isfinite(np.sum(state))),
            blow_up=non_finite,
        )  # fmt: skip
        return state, float(t_target)
