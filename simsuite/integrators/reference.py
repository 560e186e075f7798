"""Reference integrator: scipy's DOP853 on the plain (non-integrating-factor) semilinear right-hand side.

This is the approach of the seed package simple-idealized-1d-nlse — ``solve_ivp(method="DOP853")`` on
du/dt = L u + N(u) with ``max_step = 0.1`` — kept so that benchmarks and users can compare against it.
The stiff linear part then limits the step (|L|·h must stay inside DOP853's stability region), which is
why the integrating-factor methods are much faster at fine resolution.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from simsuite.integrators.base import IntegrationError, Integrator, StopCheck


class PlainDOP853(Integrator):
    """``scipy.integrate.solve_ivp(method="DOP853", max_step=0.1)`` on du/dt = L u + N(u)."""

    name = "dop853_plain"
    adaptive = True
    order = 8
    description = (
        "scipy DOP853 on the plain Fourier-space RHS (the seed package's approach; reference)"
    )
    max_step = 0.1

    @classmethod
    def memory_arrays(
        cls, size: int, *, linear: bool = True, compiled: bool = False
    ) -> dict[str, float]:
        """scipy's 13 stages and work vectors, and the states of the steps ``solve_ivp`` keeps
        (counted as 20; a reference method for small grids)."""
        return {"scipy stages and kept steps": 40.0}

    def advance(
        self, u: np.ndarray, t: float, t_target: float, should_stop: StopCheck | None = None
    ) -> tuple[np.ndarray, float]:
        if t_target <= t:
            return u, t
        linear, nonlinear = self.problem.linear, self.problem.nonlinear

        def rhs(t_eval, y):
            # scipy takes its steps inside one call: the request is honoured at an evaluation
            if should_stop is not None and should_stop():
                raise self._interrupted(float(t_eval))
            return linear * y + nonlinear(y)

        first = self.stats.last_dt if np.isfinite(self.stats.last_dt) else None
        if first is not None:
            first = min(first, t_target - t)
        sol = solve_ivp(
            rhs,
            (t, t_target),
            u,
            method="DOP853",
            rtol=self.rtol,
            atol=self.atol,
            max_step=self.max_step,
            first_step=first,
        )
        self.stats.n_rhs += sol.nfev
        self.stats.n_steps += max(len(sol.t) - 1, 0)
        if not sol.success:
            raise IntegrationError(
                sol.message,
                float(sol.t[-1]),
                self.stats.n_steps,
                "reduce dt, enable dealiasing or raise n_points",
            )
        if len(sol.t) > 1:
            self.stats.last_dt = float(sol.t[-1] - sol.t[-2])
        return sol.y[:, -1], t_target
