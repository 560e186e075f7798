"""Exponential Adams–Bashforth–Moulton methods (ETD multistep, predictor–corrector), fixed step.

Algorithm
---------
For ``du/dt = L u + N(u)`` with ``L`` diagonal, the variation-of-constants formula over one step
``t_n -> t_n + h`` with ``z = h L`` is

.. math:: u(t_n + h) = e^{z} u(t_n) + h \\int_0^1 e^{(1-θ) z} N(u(t_n + θ h))\\, dθ .

An exponential Adams method replaces ``N(t_n + θh)`` by the polynomial through past values of ``N``
and integrates the product with ``e^{(1−θ)z}`` exactly, mode by mode (Beylkin, Keiser and Vozovoi
1998; Cox and Matthews 2002)::

    predictor (order p):  ũ   = e^z u_n + h Σ_{j=0}^{p-1} β_j(z) N_{n-j},        nodes θ = 0, −1, …, 1 − p
    corrector (order p):  u_{n+1} = e^z u_n + h [β̂_0(z) N(ũ) + Σ_{j=1}^{p-1} β̂_j(z) N_{n+1-j}],
                                                                              nodes θ = 1, 0, …, 2 − p

with ``β_j(z) = ∫_0^1 e^{(1−θ)z} ℓ_j(θ) dθ`` and ``ℓ_j`` the Lagrange basis polynomials of the nodes.
Evaluating ``N(u_{n+1})`` for the next step completes a PECE step: **two evaluations of N per step,
whatever the order**. For ``L = 0`` the scheme is the classical Adams–Bashforth–Moulton PECE method.

Why it suits dispersive waves
-----------------------------
The polynomial interpolates ``N`` in the laboratory frame. For a coherent structure (a travelling
soliton, a breather), ``N̂(k, t)`` of a high mode varies at the slow laboratory frequency ``~ k v``,
while the integrand of an integrating-factor (Lawson) method, ``e^{−L t} N̂``, turns at ``k²/2``: at
equal order the exponential Adams step can be an order of magnitude longer, and each step costs two
evaluations of ``N`` against eleven for Dormand–Prince 8(5,3).

Round-off
---------
Multiplying the state by the same rounded ``e^{z}`` at every step biases its modulus by up to one
ulp per step (about 4e-13 relative after 8000 steps, measured), which for the NLSE turns into a phase
error growing with time. The state is therefore kept in an interaction frame anchored at the start of
every window of ``A`` steps: ``w = e^{−L(t−t_a)} u``, ``w_{n+1} = w_n + h e^{−L(t_{n+1}−t_a)} Σ β N``,
with the factors ``e^{L m h}`` (``m = 0..A``) each computed directly, never by repeated products. The
state is rotated once per window (``A`` up to 64), not once per step.

Start-up and history
--------------------
The first ``p − 1`` steps after the start (or after a change of step size or of the state between
calls) are taken with the adaptive Lawson Dormand–Prince 8(5,3) method at ``rtol = 1e-13`` on each
Fourier mode, landing exactly on ``t + h, t + 2h, …``; their ``N`` values fill the history. The
history carries over from one :meth:`advance` call to the next when the step size is unchanged and the
state passed in is the one returned (checked by a hash), and it is part of the restart checkpoint.

Coefficients
------------
``β_j(z)`` is computed by :func:`~.adams_weights.adams_weights` (Gauss–Legendre quadrature for
small ``|z|``, repeated integration by parts for large ``|z|``; see :mod:`.adams_weights`). Weights
and the ``A + 1`` factors are computed once per step size.

Limitations
-----------
Fixed step, no error estimate. The polynomial extrapolates ``N̂`` in the laboratory frame, which is
right for slaved modes (those of a coherent structure) but wrong for modes that oscillate freely at
``|L|`` (noise, radiation, a modulationally unstable background): once ``h |L_k|`` is of order one for
such modes the method loses accuracy and then stability. Measured on the noise-seeded modulation
instability (n = 512, L = 50): unstable at h = 0.005, 1e-4 off at h = 0.002, while Lawson DOP853 is
4e-8 off. Use the integrating-factor methods for broadband fields. For strongly dissipative ``L``
(``|Re L| A h`` beyond ≈ 700) the frame factors overflow. Higher orders have smaller stability
regions: order 8 is the highest offered.

References
----------
.. [BKV98] G. Beylkin, J. M. Keiser and L. Vozovoi, "A new class of time discretization schemes for
   the solution of nonlinear PDEs", J. Comput. Phys. 147, 362–387 (1998).
.. [CM02] S. M. Cox and P. C. Matthews, "Exponential time differencing for stiff systems",
   J. Comput. Phys. 176, 430–455 (2002), Sec. 2.2 (multistep ETD).
.. [HO11] M. Hochbruck and A. Ostermann, "Exponential multistep methods of Adams-type",
   BIT Numer. Math. 51, 889–908 (2011).
.. [HNW93] E. Hairer, S. P. Nørsett and G. Wanner, *Solving Ordinary Differential Equations I*, 2nd
   ed., Springer (1993), Sec. III.1 (Adams methods, PECE).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .adams_weights import QUADRATURE_POINTS, QUADRATURE_RADIUS, adams_weights
from .base import (
    CHECK_EVERY,
    IntegrationError,
    Integrator,
    PropagatorCache,
    StopCheck,
    check_options,
    semilinear_kernels,
    wants_filter,
)
from .compiled_adams import adams_correct, adams_predict, adams_steps, store_row
from .fixed_step import run_fixed_steps

__all__ = [
    "adams_weights",
    "QUADRATURE_POINTS",
    "QUADRATURE_RADIUS",
    "ExponentialAdams",
    "EtdAbm4",
    "EtdAbm6",
    "EtdAbm8",
]

#: Frame factors kept per step size: at most this many elements in all (16 MB of complex128).
FRAME_BUDGET = 2**20
#: Longest window between two rotations of the state.
MAX_WINDOW = 64
#: Tolerance of the Dormand–Prince start-up steps.
STARTUP_RTOL = 1e-13


@dataclass
class _Weights:
    """Everything that depends on the step size ``h``."""

    weights: np.ndarray  # (4, p, n): Re, Im of the predictor's β_j(hL), then of the corrector's
    frames: np.ndarray  # (A + 1, 2, n) complex: exp(L m h) and exp(-L m h) (1 when L is skew)


def _state_hash(u: np.ndarray) -> str:
    return hashlib.blake2b(np.ascontiguousarray(u).tobytes(), digest_size=16).hexdigest()


def _encode(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")


class ExponentialAdams(Integrator):
    """Exponential Adams–Bashforth–Moulton PECE method of order ``steps``, fixed step.

    ``[t, t_target]`` is divided into ``ceil((t_target - t) / dt)`` equal steps. Two evaluations of
    ``N`` per step after a start-up of ``steps − 1`` Dormand–Prince steps (see the module docstring).
    The problem's ``filter`` (a diagonal mask) is applied after every step when
    ``problem.filter_each_step`` is true. A non-finite state, or more than ``max_steps`` steps in
    one call, raises :class:`IntegrationError`.
    """

    steps: ClassVar[int]
    defaults: ClassVar[dict] = {"max_steps": 10**7}

    def __init__(self, problem, dt: float, rtol: float = 1e-9, atol: float = 1e-11, **options):
        super().__init__(problem, dt, rtol, atol, **options)
        opts = check_options(type(self).__name__, options, self.defaults)
        self.max_steps = int(opts["max_steps"])
        if not self.dt > 0:
            raise ValueError(f"{self.name} is a fixed-step method and needs dt > 0 (got {dt})")
        p = self.steps
        self._pred_nodes = [-float(j) for j in range(p)]
        self._corr_nodes = [1.0] + [-float(j) for j in range(p - 1)]
        self._cache = PropagatorCache(self._build, 1)
        self._window = 1
        # _columns[head][j]: the history row of N_{n-j} when the newest entry is in row ``head``
        self._columns = (np.arange(p)[:, None] - np.arange(p)[None, :]) % p
        self._forget()
        self._restored: Mapping[str, Any] | None = None

    # -- history -----------------------------------------------------------------------------------
    def _forget(self) -> None:
        self._hist: np.ndarray | None = None  # (2, p, n) ring buffer of N values (Re, Im)
        self._count = 0  # valid entries
        self._head = -1  # row of the newest entry
        self._h: float | None = None  # step size of the history
        self._t_end: float | None = None  # time of the newest entry
        self._last: np.ndarray | None = None  # the state returned at t_end
        self._signature = ""  # hash of that state, after a restore
        self._startup = None  # Dormand–Prince stepper of the start-up steps

    def _start_history(self, n: int, h: float) -> None:
        self._forget()
        self._hist = np.zeros((2, self.steps, n))
        self._h = h

    def _push(self, value: np.ndarray) -> None:
        self._head = (self._head + 1) % self.steps
        store_row(self._hist, self._head, value)
        self._count = min(self._count + 1, self.steps)

    def _continues(self, u: np.ndarray, t: float, h: float) -> bool:
        """Whether the history ends at ``(u, t)`` with step ``h`` (else the start-up is redone)."""
        if self._count == 0 or self._h != h or self._t_end != t or self._hist.shape[2] != u.size:
            return False
        if self._last is not None:
            return np.array_equal(self._last, u)
        return self._signature == _state_hash(u)

    @classmethod
    def memory_arrays(
        cls, size: int, *, linear: bool = True, compiled: bool = False
    ) -> dict[str, float]:
        """Complex arrays of the state's size at the peak: the history of ``p`` values of N, the
        predictor and corrector weights (packed, and as computed), the frame factors
        ``exp(±L m h)`` of a window of ``FRAME_BUDGET / size`` steps, the step's work vectors;
        and the larger of the two passing peaks: the Gauss–Legendre quadrature of the weights
        (``2 QUADRATURE_POINTS`` values per point) and the Dormand–Prince start-up stepper."""
        from .lawson import LawsonStepper
        from .tableaux import DOP853

        p = cls.steps
        window = int(np.clip(FRAME_BUDGET // max(size, 1), 1, MAX_WINDOW))
        startup = LawsonStepper.memory_arrays(DOP853, 0.0, linear=linear, compiled=compiled)
        return {
            "history and weights": 5.0 * p,
            "frame factors": 2.0 * (window + 1),
            "work arrays": 6.0,
            "weights quadrature or start-up": max(
                2.0 * QUADRATURE_POINTS + p, sum(startup.values())
            ),
        }

    def checkpoint_state(self) -> dict[str, Any]:
        """The history of ``N`` (base64 of its bytes), its step size, end time and state hash."""
        if self._count == 0 or self._t_end is None:
            return {}
        order = [(self._head - j) % self.steps for j in range(self._count)]
        rows = self._hist[0, order] + 1j * self._hist[1, order]
        state = {
            "h": self._h,
            "t_end": self._t_end,
            "signature": _state_hash(self._last) if self._last is not None else self._signature,
            "count": self._count,
            "n": int(rows.shape[1]),
            "history": _encode(rows),
        }
        if self._startup is not None and self._count < self.steps:
            state["startup_atol"] = self._startup.atol
            state["startup"] = self._startup.checkpoint_state()
        return state

    def restore_state(self, state: Mapping[str, Any]) -> None:
        self._forget()
        self._restored = dict(state) if state.get("history") else None

    def _apply_restored(self, n: int) -> None:
        state, self._restored = self._restored, None
        if state is None or int(state["n"]) != n:
            return
        count = int(state["count"])
        rows = np.frombuffer(base64.b64decode(state["history"]), dtype=complex).reshape(count, n)
        self._start_history(n, float(state["h"]))
        for row in rows[::-1]:  # oldest first
            self._push(row)
        self._t_end = float(state["t_end"])
        self._signature = str(state["signature"])
        self._cache.warm([self._h])  # later steps snap to the interrupted run's step size
        if "startup" in state:
            self._startup = self._new_startup(float(state["startup_atol"]))
            self._startup.restore_state(state["startup"])

    # -- weights and frame factors -----------------------------------------------------------------
    def _build(self, h: float) -> _Weights:
        lin = np.asarray(self.problem.linear).reshape(-1).astype(complex)
        z = h * lin
        window = int(np.clip(FRAME_BUDGET // max(lin.size, 1), 1, MAX_WINDOW))
        self._window = window
        m = np.arange(window + 1, dtype=float)[:, None]
        frames = np.ones((window + 1, 2, lin.size), dtype=complex)
        with np.errstate(over="ignore", invalid="ignore"):
            frames[:, 0] = np.exp(m * z[None, :])
            if not self._skew:
                frames[:, 1] = np.exp(-m * z[None, :])
        pred = adams_weights(z, self._pred_nodes).T
        corr = adams_weights(z, self._corr_nodes).T
        return _Weights(
            weights=np.ascontiguousarray(np.stack([pred.real, pred.imag, corr.real, corr.imag])),
            frames=frames,
        )

    @property
    def _skew(self) -> bool:
        return not np.any(np.real(self.problem.linear))

    def _new_startup(self, atol: float, dt: float = 0.0):
        """The Lawson DOP853 stepper of the start-up (``dt <= 0``: it picks its first step)."""
        from .dormand_prince import Dop853

        return Dop853(
            self.problem,
            dt=dt,
            rtol=STARTUP_RTOL,
            atol=atol,
            error_norm="componentwise",
            max_steps=self.max_steps,
        )

    def _startup_step(self, u: np.ndarray, t: float, h: float) -> np.ndarray:
        """One step of size ``h`` by Lawson DOP853 at ``rtol = 1e-13`` per mode (the start-up)."""
        if self._startup is None:
            scale = float(np.max(np.abs(u))) or 1.0
            self._startup = self._new_startup(STARTUP_RTOL * 1e-2 * scale, h / 4)
        before = self._startup.stats.n_rhs
        out, _ = self._startup.advance(u.reshape(self.problem.linear.shape), t, t + h)
        self.stats.n_rhs += self._startup.stats.n_rhs - before
        return np.ascontiguousarray(out, dtype=complex).reshape(-1)

    def _blow_up(self, t: float) -> IntegrationError:
        """The base error with a hint about this family's stability limit."""
        error = super()._blow_up(t)
        error.hint = (
            "reduce dt (exponential Adams methods lose stability when freely dispersing modes, "
            "e.g. noise or a modulationally unstable background, have dt*k^2/2 of order one) or "
            "use dop853"
        )
        return error

    def _nonlinear(self, u: np.ndarray, shape) -> np.ndarray:
        self.stats.n_rhs += 1
        return np.asarray(self.problem.nonlinear(u.reshape(shape))).reshape(-1)

    # -- stepping ----------------------------------------------------------------------------------
    def advance(
        self, u: np.ndarray, t: float, t_target: float, should_stop: StopCheck | None = None
    ) -> tuple[np.ndarray, float]:
        u_in = np.asarray(u)
        t, t_target = float(t), float(t_target)
        n, h = self._fixed_steps(t, t_target)
        if n == 0:
            return u_in.copy(), t_target
        shape = u_in.shape
        cur = np.array(u_in.reshape(-1), dtype=complex)
        if self._restored is not None:
            self._apply_restored(cur.size)
        h, W = self._cache.get(h, max(abs(t), abs(t_target)))
        if not self._continues(cur, t, h):
            self._start_history(cur.size, h)
            self._push(self._nonlinear(cur, shape))
        skew = self._skew
        filt = wants_filter(self.problem)
        w = cur.copy()
        w_pred, u_pred = np.empty_like(cur), np.empty_like(cur)
        work = np.empty((4, cur.size))  # rest (re, im) and the predictor's sum (re, im)
        kernels = None if (filt or len(shape) != 1) else semilinear_kernels(self.problem)
        value = None if kernels is None else kernels.work_array(cur.size)
        m = 0  # position in the window of the frame

        def python_step(step: int) -> None:
            """Step number ``step`` from Python: a start-up step or a PECE step."""
            nonlocal cur, m
            if self._count < self.steps:
                cur = self._startup_step(cur, t + (step - 1) * h, h)
                m = 0
            else:
                m += 1
                frame = W.frames[m]
                cols = self._columns[self._head]
                adams_predict(w, self._hist, cols, W.weights, frame, skew, h, w_pred, u_pred, work)
                n_pred = self._nonlinear(u_pred, shape)
                adams_correct(w, work, W.weights, n_pred, frame, skew, h, cur)
                if m == self._window:
                    m = 0
            if filt:
                cur = np.ravel(self.problem.filter(cur.reshape(shape))).astype(complex)
                m = 0
            if m == 0:
                np.copyto(w, cur)
            self._push(self._nonlinear(cur, shape))

        def python_steps(done: int, count: int) -> int:
            for k in range(1, count + 1):
                python_step(done + k)
            return count

        def compiled_steps(done: int, count: int) -> int:
            """The start-up from Python, then the same steps compiled: the loop resumes from
            (head, m) and counts its non-finite checks from ``done``."""
            nonlocal m
            k = 0
            while k < count and self._count < self.steps:
                k += 1
                python_step(done + k)
                at_check = (done + k) % CHECK_EVERY == 0 and k < count
                if at_check and not np.isfinite(np.sum(cur)):
                    return k
            if k == count:
                return k
            taken, self._head, m, _ = adams_steps(
                w, cur, w_pred, value, work, self._hist, self._columns, self._head, W.weights,
                W.frames, self._window, m, skew, h, count - k, CHECK_EVERY, done + k,
                kernels.nonlinear_arg, kernels.params,
            )  # fmt: skip
            self.stats.n_rhs += 2 * taken
            return k + taken

        run_fixed_steps(
            self, t, t_target, n, h, python_steps if kernels is None else compiled_steps,
            lambda: cur, should_stop, compiled=kernels is not None, on_abort=self._forget,
        )  # fmt: skip
        self._t_end = t_target
        self._last = cur.copy()
        return cur.reshape(shape), t_target


class EtdAbm4(ExponentialAdams):
    """Exponential Adams–Bashforth–Moulton PECE, order 4 (two evaluations of N per step)."""

    name = "etd_abm4"
    order = 4
    steps = 4
    description = "exponential Adams–Bashforth–Moulton PECE, order 4, fixed step"


class EtdAbm6(ExponentialAdams):
    """Exponential Adams–Bashforth–Moulton PECE, order 6 (two evaluations of N per step)."""

    name = "etd_abm6"
    order = 6
    steps = 6
    description = "exponential Adams–Bashforth–Moulton PECE, order 6, fixed step"


class EtdAbm8(ExponentialAdams):
    """Exponential Adams–Bashforth–Moulton PECE, order 8 (two evaluations of N per step)."""

    name = "etd_abm8"
    order = 8
    steps = 8
    description = "exponential Adams–Bashforth–Moulton PECE, order 8, fixed step"
