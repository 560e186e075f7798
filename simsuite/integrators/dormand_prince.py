"""Adaptive integrating-factor (Lawson) Runge–Kutta methods: Dormand–Prince 8(5,3) and 5(4).

The step is :class:`~.lawson.LawsonStepper`'s (the Lawson scheme, see :mod:`.lawson`) with an
embedded tableau (:mod:`.tableaux`); this module is the adaptive driver around it: the error
estimate, the starting step, landing on output times and the step-size control
(:mod:`.step_control`).

Error estimate
--------------
The embedded estimate ``h Σ e_i K_i`` lives in the ``v`` frame of the Lawson scheme; it is mapped
back with ``|E((1 - θ) h)|`` (a no-op when ``L`` is purely imaginary) and measured in Hairer's RMS
norm relative to ``atol + rtol max(|u_n|, |u_{n+1}|)``.

Cost
----
The exponentials for each distinct ``c_i - θ`` are computed once per step size and cached
(:class:`~.base.PropagatorCache`); the controller therefore holds the step when it would grow it by
less than ``hold_ratio`` (as Hairer's RADAU5 does to save LU decompositions).

References
----------
.. [HNW93] E. Hairer, S. P. Nørsett and G. Wanner, *Solving Ordinary Differential Equations I*, 2nd
   ed., Springer (1993), Sec. II.4 (initial step, error norm) and II.10 (DOP853).
.. [HW96] E. Hairer and G. Wanner, *Solving Ordinary Differential Equations II*, 2nd ed., Springer
   (1996), Sec. IV.8 (RADAU5's step hold).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from .base import (
    FAILURE_HINT,
    IntegrationError,
    Integrator,
    StopCheck,
    check_options,
    wants_filter,
)
from .kernels import embedded_error_norm, weighted_sum_into
from .lawson import LawsonStepper, Propagators, stepper_for
from .step_control import CONTROLLERS, IntegralController, PIController
from .tableaux import DOP853, DOPRI5, ButcherTableau

__all__ = [
    "LawsonStepper",
    "IntegralController",
    "PIController",
    "AdaptiveLawsonRK",
    "Dop853",
    "Dopri5",
]

ERROR_NORMS = ("componentwise", "global")


def _rms2(x: np.ndarray) -> float:
    """Sum of squared moduli."""
    return float(np.vdot(x, x).real)


# -- adaptive driver -------------------------------------------------------------------------------
class AdaptiveLawsonRK(Integrator):
    """Adaptive integrating-factor Runge–Kutta method over an embedded tableau (module docstring).

    Parameters
    ----------
    problem : SemilinearProblem
        Supplies ``linear`` and ``nonlinear``; if it has ``filter_each_step = True`` its ``filter``
        is applied to every accepted state.
    dt : float
        Initial step; ``<= 0`` selects one with Hairer's algorithm [HNW93, II.4] (scipy's
        ``select_initial_step``) in the interaction picture.
    rtol, atol : float
        Tolerances of the RMS error norm.
    controller : {"pi", "integral"} or controller object, default "pi"
        Step-size control; see :class:`PIController` and :class:`IntegralController`.
    hold_ratio : float, default 1.2
        Keep the step (and its cached exponentials) when the controller would enlarge it by a factor
        in ``[1, hold_ratio)``; ``1.0`` disables the hold.
    max_steps : int, default 10**7
        Maximum number of step attempts per :meth:`advance` call.

    Notes
    -----
    The step before ``t_target`` lands on it exactly: a remaining span up to ``1.01 h`` is done in
    one step, a span in ``(1.01 h, 1.5 h)`` in two equal steps (no slivers). The proposal ``h``
    before such an adjustment is kept for the next call. ``stats.n_rhs`` counts every evaluation of
    ``N``; ``stats.last_dt`` is the size of the last accepted step; ``n_exp_builds`` counts how
    often the exponentials were (re)computed.
    """

    adaptive: ClassVar[bool] = True
    tableau: ClassVar[ButcherTableau]
    theta: ClassVar[float] = 0.0
    defaults: ClassVar[dict] = {
        "controller": "pi",
        "hold_ratio": 1.2,
        "max_steps": 10**7,
        "error_norm": "componentwise",
    }

    def __init__(self, problem, dt: float, rtol: float = 1e-9, atol: float = 1e-11, **options):
        super().__init__(problem, dt, rtol, atol, **options)
        opts = check_options(type(self).__name__, options, self.defaults)
        ctrl = opts["controller"]
        if isinstance(ctrl, str):
            try:
                ctrl = CONTROLLERS[ctrl]()
            except KeyError:
                raise ValueError(
                    f"unknown controller {ctrl!r}; known: {', '.join(sorted(CONTROLLERS))}"
                ) from None
        ctrl.bind(self.tableau.error_order)
        self.controller = ctrl
        self.hold_ratio = float(opts["hold_ratio"])
        self.max_steps = int(opts["max_steps"])
        self.error_norm = opts["error_norm"]
        if self.error_norm not in ERROR_NORMS:
            raise ValueError(
                f"unknown error_norm {self.error_norm!r}; known: {', '.join(ERROR_NORMS)}"
            )
        if self.hold_ratio < 1.0:
            raise ValueError("hold_ratio must be >= 1")
        self._stepper: LawsonStepper | None = None
        self._h: float | None = None  # step to try next
        self._h_ctrl: float | None = None  # the controller's own (unheld) step
        self._fsal: tuple[np.ndarray, np.ndarray] | None = None  # (u, N(u)) from the last call
        self._warm_steps: list[float] = []  # cached step sizes to rebuild after a restart

    @classmethod
    def memory_arrays(
        cls, size: int, *, linear: bool = True, compiled: bool = False
    ) -> dict[str, float]:
        """The arrays of its :class:`LawsonStepper` (:meth:`LawsonStepper.memory_arrays`)."""
        return LawsonStepper.memory_arrays(cls.tableau, cls.theta, linear=linear, compiled=compiled)

    # -- public helpers ----------------------------------------------------------------------------
    @property
    def next_dt(self) -> float | None:
        """Step size the controller proposes for the next step (``None`` before the first step)."""
        return self._h

    @property
    def n_exp_builds(self) -> int:
        """Number of times the exponentials ``E(±(c_i - θ) h)`` were computed."""
        return 0 if self._stepper is None else self._stepper.cache.n_builds

    def reset(self) -> None:
        """Forget the step size, the controller history and all caches.

        Call it after changing ``problem.linear`` (the exponentials are cached).
        """
        self._h = None
        self._h_ctrl = None
        self._fsal = None
        self._stepper = None
        self.controller.reset()

    def checkpoint_state(self) -> dict[str, Any]:
        """The proposed and the controller's step sizes and the controller's error memory."""
        return {
            "h": self._h,
            "h_ctrl": self._h_ctrl,
            "err_prev": getattr(self.controller, "err_prev", None),
            "cached_steps": [] if self._stepper is None else self._stepper.cache.keys(),
            "fsal": self._fsal is not None,  # N(u) kept for the next call: recomputed on restart
        }

    def restore_state(self, state: Mapping[str, Any]) -> None:
        self._warm_steps = list(state.get("cached_steps", []))
        self._h = state.get("h")
        self._h_ctrl = state.get("h_ctrl")
        if state.get("err_prev") is not None and hasattr(self.controller, "err_prev"):
            self.controller.err_prev = float(state["err_prev"])

    # -- internals ---------------------------------------------------------------------------------
    def _on_accept(self, t: float, h: float, err: float) -> None:
        """Hook called after every accepted step (new time, step size, error norm); no-op here."""

    def _prepare(self, u: np.ndarray) -> LawsonStepper:
        st = stepper_for(self._stepper, self.tableau, self.theta, self.problem, u)
        if st is not self._stepper:
            self._stepper = st
            self._fsal = None
        if self._warm_steps:
            st.cache.warm(self._warm_steps)
            self._warm_steps = []
        return st

    def _initial_step(self, st: LawsonStepper, u: np.ndarray, f: np.ndarray, span: float) -> float:
        """Hairer's starting step [HNW93, II.4], applied to ``v(t) = E(-(t - t_n)) u(t)``."""
        scale = self.atol + np.abs(u) * self.rtol
        d0 = np.sqrt(_rms2(u / scale) / u.size)
        d1 = np.sqrt(_rms2(f / scale) / u.size)
        h0 = 1e-6 if (d0 < 1e-5 or d1 < 1e-5) else 0.01 * d0 / d1
        h0 = min(h0, span)
        v1 = u + h0 * f
        e = st._exp(h0)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            f1 = st.rhs(e * v1) / e
            d2 = np.sqrt(_rms2((f1 - f) / scale) / u.size) / h0
        if not np.isfinite(d2):
            return 1e-6 * span
        if d1 <= 1e-15 and d2 <= 1e-15:
            h1 = max(1e-6, h0 * 1e-3)
        else:
            h1 = (0.01 / max(d1, d2)) ** (1.0 / (self.tableau.error_order + 1))
        return float(min(100 * h0, h1, span))

    def _error_norm(self, st: LawsonStepper, P: Propagators, h: float, scale: np.ndarray) -> float:
        """Hairer's RMS error norm; ``scale`` (overwritten) holds ``max(|u_n|, |u_{n+1}|)``.

        The arithmetic mirrors scipy's ``RK45``/``DOP853`` operation by operation, so that with
        ``L = 0`` the accept/reject decisions agree to the last bit (the estimate is a cancelling
        sum, which amplifies any rounding difference).

        With ``error_norm = "global"`` every component is instead measured against
        ``atol + rtol * rms(max(|u_n|, |u_{n+1}|))``, the size of the whole state: for spectral
        coefficients of a localised field most components are near zero, and a per-component
        tolerance would leave ``atol`` alone in control of the step.
        """
        if self.error_norm == "global":
            scale.fill(np.sqrt(_rms2(scale) / scale.size))
        scale *= self.rtol
        scale += self.atol
        if P.end_abs is not None:  # map the v-frame error to the u frame: |E((1 - θ) h)| err
            np.divide(scale, P.end_abs, out=scale)
        n = st.n
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            err = st.err
            weighted_sum_into(st.err_real, st.K_real[: st.n_err], st.e)
            if st.e3 is None:
                err *= h
                err /= scale
                return float(np.linalg.norm(err) / n**0.5)
            err /= scale
            sq5 = np.linalg.norm(err) ** 2
            weighted_sum_into(st.err_real, st.K_real[: st.n_err], st.e3)
            err /= scale
            sq3 = np.linalg.norm(err) ** 2
            if sq5 == 0.0 and sq3 == 0.0:
                return 0.0
            return float(abs(h) * sq5 / np.sqrt((sq5 + 0.01 * sq3) * n))

    def _compiled_error_norm(self, st: LawsonStepper, P: Propagators, h: float, u, new) -> float:
        """:meth:`_error_norm` by :func:`~.kernels.embedded_error_norm` (compiled steps): the
        same norm, rounded differently (no scipy to agree with there)."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return float(
                embedded_error_norm(
                    st.err_real, st.err3_real, st.K_real[: st.n_err], st.e,
                    st.e3 if st.e3 is not None else st.no_weights, u, new, float(h), self.rtol,
                    self.atol, P.end_abs if P.end_abs is not None else st.no_weights,
                    self.error_norm == "global",
                )
            )  # fmt: skip

    def _plan(self, h_prop: float, remaining: float) -> tuple[float, bool]:
        """Step to try and whether it lands on the target, ``remaining`` ahead."""
        if remaining <= 1.01 * h_prop:
            return remaining, True
        if remaining < 1.5 * h_prop:
            return 0.5 * remaining, False
        return h_prop, False

    def _fail(self, message: str, t: float, step: int):
        return IntegrationError(
            f"{self.name}: {message} at t = {t:.17g} (step {step}); hint: {FAILURE_HINT}",
            t,
            step,
            FAILURE_HINT,
        )

    # -- the driver --------------------------------------------------------------------------------
    def advance(
        self, u: np.ndarray, t: float, t_target: float, should_stop: StopCheck | None = None
    ) -> tuple[np.ndarray, float]:
        u_in = np.asarray(u)
        t, t_target = float(t), float(t_target)
        if t_target < t:
            raise ValueError(f"t_target = {t_target} lies before t = {t}")
        if t_target == t:
            return u_in.copy(), t_target
        st = self._prepare(u_in)
        stats = self.stats
        cur = np.empty(st.n, st.dtype)
        new = np.empty(st.n, st.dtype)
        abs_new = np.empty(st.n, float)
        work = np.empty(st.n, float)
        np.copyto(cur, u_in.reshape(-1))
        if not np.all(np.isfinite(cur)):
            raise self._fail("non-finite state on entry", t, stats.n_steps)

        f = None
        if self._fsal is not None and np.array_equal(self._fsal[0], cur):
            f = self._fsal[1]
        self._fsal = None
        rhs0 = st.n_rhs
        if self._h is None:
            if self.dt > 0:
                self._h = self.dt
            else:
                f = st.rhs(cur) if f is None else f
                self._h = self._initial_step(st, cur, f, t_target - t)
            self._h_ctrl = self._h
        k_err = self.tableau.error_order + 1

        filt = wants_filter(self.problem)
        abs_cur = np.abs(cur)
        time_scale = max(abs(t), abs(t_target))
        # Time is summed with Kahan's compensation (the time reached is t - t_lost), so that a held
        # step is taken with exactly the h its cached exponentials were built for: rounding every
        # step to the representable (t + h) - t instead makes the linear and nonlinear parts advance
        # by times that differ by up to eps·t per step, coherently (measured: a 5e-12 error floor
        # for the soliton benchmark at n = 2048, against 3e-12 without it). Without a linear part
        # there is nothing to be consistent with, and scipy's rule is kept (so that L = 0 retraces
        # scipy's steps).
        compensate = not st.zero_linear
        t_lost = 0.0
        attempts = 0
        rejected = False
        try:
            while t < t_target:
                if attempts and should_stop is not None and should_stop():  # between attempts
                    raise self._interrupted(t)
                h_prop = self._h
                if not h_prop >= 1e-14 * max(1.0, abs(t)):
                    raise self._fail(f"step size underflow (h = {h_prop:.3g})", t, stats.n_steps)
                attempts += 1
                if attempts > self.max_steps:
                    raise self._fail(
                        f"more than max_steps = {self.max_steps} steps", t, stats.n_steps
                    )
                h, lands = self._plan(h_prop, (t_target - t) + t_lost)
                adjusted = h != h_prop
                if not (lands or compensate):
                    h = (t + h) - t  # scipy: the step the time grid can represent
                # a landing step (h = t_target - t, which varies by round-off from one output time to
                # the next) may reuse exponentials cached for a step within round-off of it
                P = st.propagators(h, time_scale if lands else 0.0)
                if f is None:
                    f = st.rhs(cur)
                f_new = st.step(cur, f, P, new, h)
                if st.kernels is not None:  # the same norm in one compiled pass
                    err = self._compiled_error_norm(st, P, h, cur, new)
                else:
                    np.abs(new, out=abs_new)
                    err = self._error_norm(st, P, h, np.maximum(abs_cur, abs_new, out=work))

                if not err < 1.0:  # also catches NaN
                    stats.n_rejected += 1
                    factor = self.controller.reject(err) if np.isfinite(err) else 0.2
                    self._h = self._h_ctrl = h * factor
                    rejected = True
                    continue

                if lands:
                    t, t_lost = t_target, 0.0
                else:
                    increment = h - t_lost
                    t_new = t + increment
                    t_lost = (t_new - t) - increment
                    t = t_new
                cur, new = new, cur
                f = f_new
                stats.n_steps += 1
                stats.last_dt = h
                self._on_accept(t, h, err)
                if filt:
                    np.copyto(cur, np.ravel(self.problem.filter(cur.reshape(st.shape))))
                    f = None
                    np.abs(cur, out=abs_cur)
                else:
                    abs_cur, abs_new = abs_new, abs_cur
                if adjusted:
                    self._h = h_prop  # landing/splitting adjustment: keep the controller's proposal
                else:
                    # The controller runs on its own step sequence h_ctrl; the error measured at the
                    # held step h is rescaled to h_ctrl with the asymptotic law err ~ h**k.
                    # (Without a hold, h_ctrl is the step just taken, exactly as in scipy.)
                    holding = self._h_ctrl != h_prop
                    h_ctrl = self._h_ctrl if holding else h
                    err_ctrl = err * (h_ctrl / h) ** k_err if holding else err
                    h_ctrl *= self.controller.accept(err_ctrl, rejected)
                    self._h_ctrl = h_ctrl
                    self._h = h_prop if 1.0 <= h_ctrl / h_prop < self.hold_ratio else h_ctrl
                rejected = False
        finally:
            stats.n_rhs += st.n_rhs - rhs0
        if f is not None:
            self._fsal = (cur.copy(), f)
        return cur.reshape(st.shape), t_target


class Dop853(AdaptiveLawsonRK):
    """Lawson (integrating-factor) Dormand–Prince 8(5,3), Hairer's DOP853 tableau, θ = 0.

    Order 8; twelve stages, i.e. eleven new evaluations of ``N`` per step plus ``N(u_{n+1})``, which
    is the first stage of the next step. Error norm: Hairer's combination of the fifth- and
    third-order estimators, ``|h| err5² / sqrt(n (err5² + 0.01 err3²))`` with RMS-weighted ``err5``,
    ``err3``. With ``L = 0`` and ``controller="integral", hold_ratio=1`` it reproduces scipy's
    ``DOP853``.

    References: E. Hairer, S. P. Nørsett, G. Wanner, Solving ODEs I, Sec. II.10 (1993);
    J. D. Lawson, SIAM J. Numer. Anal. 4, 372 (1967).
    """

    name = "dop853"
    order = 8
    tableau = DOP853
    description = "adaptive integrating-factor Dormand–Prince 8(5,3) (Lawson–DOP853)"


class Dopri5(AdaptiveLawsonRK):
    """Lawson (integrating-factor) Dormand–Prince 5(4), θ = 0.

    Order 5 with a fourth-order embedded estimator; FSAL: six evaluations of ``N`` per step attempt,
    the last one, ``N(u_{n+1})``, enters the error estimate and is reused as the next first stage.
    With ``L = 0`` and ``controller="integral", hold_ratio=1`` it reproduces scipy's ``RK45``.

    References: J. R. Dormand, P. J. Prince, J. Comput. Appl. Math. 6, 19 (1980);
    J. D. Lawson, SIAM J. Numer. Anal. 4, 372 (1967).
    """

    name = "dopri5"
    order = 5
    tableau = DOPRI5
    description = "adaptive integrating-factor Dormand–Prince 5(4) (Lawson–RK45)"
