"""Symplectic split-step methods: Strang splitting and its Yoshida compositions (fixed step).

Algorithm
---------
With ``E(τ) = exp(L τ)`` (exact flow of ``du/dt = L u``, diagonal) and ``Φ_N(τ)`` the exact flow of
``du/dt = N(u)`` (``problem.nonlinear_flow``), Strang's step is the symmetric, second-order map

.. math:: S(h) = E(h/2)\\, Φ_N(h)\\, E(h/2).

A symmetric composition ``S(w_m h) ⋯ S(w_1 h)`` with ``Σ w_k = 1`` raises the order: the method is
the list of weights (:class:`~simsuite.integrators.compositions.Composition`, whose outer
coefficients are here the linear sub-steps). Consecutive linear half-steps are merged into one
multiplication, ``E(w_k h/2) E(w_{k+1} h/2) = E((w_k + w_{k+1}) h/2)``, also across steps inside one
:meth:`~SplitStep.advance` call (unless the problem filters after every step), so a composition of
``m`` Strang steps costs ``m`` nonlinear flows and ``m`` diagonal multiplications per step. The
exponentials for each distinct linear sub-step are computed once per step size.

Each sub-flow is exact, so splitting conserves every quantity conserved by both flows (e.g. the mass
``Σ|û|²`` of the NLSE to round-off) and is symplectic for Hamiltonian splittings.

Higher-order compositions have negative weights: they step the linear flow backwards, which is
harmless for skew ``L`` (dispersion) but unstable for dissipative ``L`` (diffusion) and needs a
nonlinear flow that accepts negative times.

References
----------
.. [Str68] G. Strang, "On the construction and comparison of difference schemes",
   SIAM J. Numer. Anal. 5, 506–517 (1968).
.. [Yos90] H. Yoshida, "Construction of higher order symplectic integrators",
   Phys. Lett. A 150, 262–268 (1990).
.. [HLW06] E. Hairer, C. Lubich and G. Wanner, *Geometric Numerical Integration*, 2nd ed., Springer
   (2006), Sec. II.4 and V.3 (the digits of Yoshida's sixth-order weights).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from .base import (
    Integrator,
    PropagatorCache,
    StopCheck,
    check_options,
    wants_filter,
)
from .compositions import STRANG, YOSHIDA4, YOSHIDA6, Composition
from .fixed_step import run_fixed_steps

__all__ = ["Composition", "STRANG", "YOSHIDA4", "YOSHIDA6", "SplitStep", "SSF2", "SSF4", "SSF6"]


class SplitStep(Integrator):
    """Fixed-step split-step method defined by a :class:`~.compositions.Composition` of Strang
    steps.

    ``[t, t_target]`` is divided into ``ceil((t_target - t) / dt)`` equal steps. ``stats.n_rhs``
    counts calls of ``problem.nonlinear_flow``. The problem's ``filter`` is applied after every full
    step when ``problem.filter_each_step`` is true (linear half-steps are then not merged across
    steps). A non-finite state at the end of :meth:`advance`, or more than the option ``max_steps``
    (default 10**7) steps in one call, raises :class:`IntegrationError`.
    """

    composition: ClassVar[Composition]

    def __init__(self, problem, dt: float, rtol: float = 1e-9, atol: float = 1e-11, **options):
        super().__init__(problem, dt, rtol, atol, **options)
        opts = check_options(type(self).__name__, options, {"max_steps": 10**7})
        self.max_steps = int(opts["max_steps"])
        if not self.dt > 0:
            raise ValueError(f"{self.name} is a fixed-step method and needs dt > 0 (got {dt})")
        comp = self.composition
        self._lin = comp.outer_coefficients
        self._cache = PropagatorCache(self._build, maxsize=2)
        self._shape: tuple[int, ...] | None = None

    @classmethod
    def memory_arrays(
        cls, size: int, *, linear: bool = True, compiled: bool = False
    ) -> dict[str, float]:
        """Per cached step size (two) one ``exp(c h L)`` per distinct linear coefficient c; the
        state, the flow's result and four temporaries of the nonlinear flow and its FFTs."""
        comp = cls.composition
        n_exp = len({*comp.outer_coefficients, comp.merged_coefficient} - {0.0}) if linear else 0
        return {"work arrays": 6.0, "propagators": 2.0 * n_exp}

    @property
    def n_exp_builds(self) -> int:
        """Number of step sizes for which the linear propagators were computed."""
        return self._cache.n_builds

    def checkpoint_state(self) -> dict[str, Any]:
        """The step sizes whose propagators are cached (later steps snap to them)."""
        shape = None if self._shape is None else list(self._shape)
        return {"shape": shape, "cached_steps": self._cache.keys()}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        if state.get("shape"):
            self._shape = tuple(state["shape"])
            self._cache.clear()
            self._cache.warm(list(state.get("cached_steps", [])))

    def _build(self, h: float) -> dict[float, np.ndarray | None]:
        lin = np.broadcast_to(np.asarray(self.problem.linear), self._shape)
        coeffs = {*self._lin, self.composition.merged_coefficient}
        out: dict[float, np.ndarray | None] = {}
        for c in coeffs:
            if c == 0.0:
                out[c] = None
            else:
                with np.errstate(over="ignore", invalid="ignore"):
                    out[c] = np.exp(lin * (c * h))
        return out

    def advance(
        self, u: np.ndarray, t: float, t_target: float, should_stop: StopCheck | None = None
    ) -> tuple[np.ndarray, float]:
        u_in = np.asarray(u)
        t, t_target = float(t), float(t_target)
        n, h = self._fixed_steps(t, t_target)
        if n == 0:
            return u_in.copy(), t_target
        if self._shape != u_in.shape:
            self._shape = u_in.shape
            self._cache.clear()
        h, E = self._cache.get(h, max(abs(t), abs(t_target)))
        flow = self.problem.nonlinear_flow
        weights = [w * h for w in self.composition.weights]
        inner = [E[c] for c in self._lin[1:-1]]
        first, last, merged = (
            E[self._lin[0]],
            E[self._lin[-1]],
            E[self.composition.merged_coefficient],
        )
        filt = wants_filter(self.problem)
        m = len(weights)

        def linear(x: np.ndarray, e: np.ndarray | None) -> np.ndarray:
            if e is None:
                return x
            if np.result_type(e, x) == x.dtype and x.flags.writeable:
                return np.multiply(e, x, out=x)
            return e * x

        x = u_in if first is None else first * u_in  # never write into the caller's array

        def take_steps(done: int, count: int) -> int:
            nonlocal x
            for step in range(done, done + count):
                for k in range(m):
                    x = flow(x, weights[k])
                    if k < m - 1:
                        x = linear(x, inner[k])
                if filt:
                    x = np.asarray(self.problem.filter(linear(x, last)))
                    if step < n - 1:
                        x = linear(x, first)
                else:
                    x = linear(x, merged if step < n - 1 else last)
            self.stats.n_rhs += count * m
            return count

        run_fixed_steps(self, t, t_target, n, h, take_steps, lambda: x, should_stop)
        x = np.array(x, copy=x is u_in)
        return x, t_target


class SSF2(SplitStep):
    """Strang split-step (order 2): ``E(h/2) Φ_N(h) E(h/2)``; one nonlinear flow per step.

    Reference: G. Strang, SIAM J. Numer. Anal. 5, 506 (1968).
    """

    name = "ssf2"
    order = 2
    composition = STRANG
    description = "Strang split-step, order 2 (symplectic)"


class SSF4(SplitStep):
    """Yoshida's fourth-order triple jump of Strang steps, weights ``(w1, w0, w1)``.

    ``w1 = 1/(2 - 2^(1/3)) ≈ 1.3512``, ``w0 = 1 - 2 w1 ≈ -1.7024``; three nonlinear flows per step.

    Reference: H. Yoshida, Phys. Lett. A 150, 262 (1990).
    """

    name = "ssf4"
    order = 4
    composition = YOSHIDA4
    description = "Yoshida triple-jump composition of Strang steps, order 4 (symplectic)"


class SSF6(SplitStep):
    """Yoshida's sixth-order composition of Strang steps, solution A (seven steps).

    Weights ``(w3, w2, w1, w0, w1, w2, w3)`` with ``w1 ≈ -1.17768``, ``w2 ≈ 0.235573``,
    ``w3 ≈ 0.784514``, ``w0 = 1 - 2(w1 + w2 + w3) ≈ 1.315186``; seven nonlinear flows per step.

    Reference: H. Yoshida, Phys. Lett. A 150, 262 (1990); digits from Hairer, Lubich & Wanner,
    Geometric Numerical Integration (2006), Sec. V.3.
    """

    name = "ssf6"
    order = 6
    composition = YOSHIDA6
    description = "Yoshida sixth-order composition (solution A) of Strang steps (symplectic)"
