"""Integrating-factor (Lawson) Runge–Kutta steps for ``du/dt = L u + N(u)``, ``L`` diagonal.

Algorithm
---------
Let ``E(τ) = exp(L τ)``. Over a step ``t_n -> t_n + h`` pick a reference time ``t_ref = t_n + θ h``
and change variables to ``v(t) = E(-(t - t_ref)) u(t)``, which obeys
``dv/dt = E(-(t - t_ref)) N(E(t - t_ref) v)``: the linear part is integrated exactly and an explicit
Runge–Kutta method with tableau ``(c, a, b)`` is applied to ``v`` (Lawson 1967)::

    v_n     = E(θ h) u_n
    V_i     = v_n + h Σ_j a_ij K_j
    U_i     = E((c_i - θ) h) V_i                (the stage in the physical frame, time t_n + c_i h)
    K_i     = E(-(c_i - θ) h) N(U_i)
    v_{n+1} = v_n + h Σ_i b_i K_i
    u_{n+1} = E((1 - θ) h) v_{n+1}

With ``L = 0`` this is exactly the underlying Runge–Kutta method. ``U_1 = u_n`` is never recomputed,
so ``K_1 = E(θ h) N(u_n)`` reuses ``N(u_n)`` from the end of the previous step. The order of the
underlying method is kept for the full problem; the linear part imposes no stability restriction
when it is skew (e.g. ``L = -i k²/2`` for the NLSE).

:class:`LawsonStepper` takes one such step for any tableau, in Python around the problem's
``nonlinear`` or, when the problem declares :class:`~.base.SemilinearKernels`, as one compiled step
(:func:`~.compiled_lawson.lawson_step`). The adaptive driver is :mod:`.dormand_prince`, the
fixed-step one :mod:`.rk4ip`.

Cost
----
Per step of an ``s``-stage method: ``s - 1`` new evaluations of ``N`` (plus ``N(u_{n+1})``, which is
the first stage of the next step) and two diagonal multiplications per stage. The exponentials for
each distinct ``c_i - θ`` are computed once per step size and cached
(:class:`~.base.PropagatorCache`).

Limitations
-----------
For strongly dissipative ``L`` (``Re(L) h c_i`` beyond ≈ 700) the factors ``E(-c_i h)`` overflow;
the error norm is then non-finite, the step is rejected and shortened. Lawson methods are not the
right tool when the damping of the stiffest modes matters (use exponential time differencing
instead).

References
----------
.. [Law67] J. D. Lawson, "Generalized Runge–Kutta processes for stable systems with large Lipschitz
   constants", SIAM J. Numer. Anal. 4, 372–380 (1967).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import PropagatorCache, SemilinearKernels, semilinear_kernels
from .compiled_lawson import lawson_step
from .kernels import combine_into, combine_rotate_into
from .tableaux import ButcherTableau

__all__ = ["Propagators", "LawsonStepper", "stepper_for"]


@dataclass
class Propagators:
    """Everything that depends on the step size ``h`` (see :meth:`LawsonStepper.propagators`)."""

    h: float
    fwd: list  # E((c_i - θ) h) or None when c_i == θ
    bwd: list  # E(-(c_i - θ) h) or None; bwd[0] = E(θ h) maps u_n and N(u_n) to the v frame
    end: np.ndarray | None  # E((1 - θ) h)
    end_bwd: np.ndarray | None  # E(-(1 - θ) h), for the FSAL stage
    end_abs: np.ndarray | None  # |E((1 - θ) h)| when L has a real part (error mapping), else None
    fwd_real: list  # real views of ``fwd`` (for the fused stage kernel of complex states)
    stacked: tuple | None = None  # (fwd, bwd, end, end_bwd) as full arrays, for a compiled step


class LawsonStepper:
    """Integrating-factor Runge–Kutta step for one problem and one state layout.

    Works on flat (1-D) views of the state; preallocates the stage array ``K`` of shape
    ``(s + 1, n)`` and the work vectors, so that a step allocates only what ``N`` returns.

    Parameters
    ----------
    tableau : ButcherTableau
        The underlying explicit Runge–Kutta method.
    theta : float
        Position ``θ`` of the interaction-picture reference time in the step (0: start, ½: middle).
    linear : ndarray
        Diagonal of ``L``, broadcastable to ``shape``.
    nonlinear : callable
        ``N``; called with arrays of ``shape``.
    shape, dtype
        Layout of the state.
    cache_size : int
        Number of step sizes whose propagators are kept.
    kernels : SemilinearKernels, optional
        The problem's compiled ``N``: steps on 1-D complex states then run as one compiled step
        (:func:`~.compiled_lawson.lawson_step`, the same arithmetic as :meth:`step`'s Python path),
        which also leaves ``N(out)`` for the next step.
    """

    def __init__(
        self,
        tableau: ButcherTableau,
        theta: float,
        linear: np.ndarray,
        nonlinear,
        shape: tuple[int, ...],
        dtype,
        cache_size: int = 2,
        kernels: SemilinearKernels | None = None,
    ):
        self.tableau = tableau
        self.theta = float(theta)
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self._nonlinear = nonlinear
        lin = np.asarray(linear)
        self.linear = np.ascontiguousarray(np.broadcast_to(lin, self.shape)).reshape(-1)
        # purely imaginary L: |E| = 1, inverses by conjugation, no error mapping
        self.skew = not np.any(np.real(lin))
        self.zero_linear = not np.any(lin)
        n = self.linear.size
        s = tableau.n_stages
        self.n = n
        self.K = np.zeros((s + 1, n), dtype=self.dtype)
        self._V = np.empty(n, dtype=self.dtype)
        self._U = np.empty(n, dtype=self.dtype)
        self._v0 = np.empty(n, dtype=self.dtype)
        self._tau = tableau.c - self.theta
        self._a = np.ascontiguousarray(tableau.a, dtype=float)
        self._b = np.ascontiguousarray(tableau.b, dtype=float)
        # Error weights over all s + 1 rows of K; row s stays zero unless the estimator uses
        # f(u_{n+1}) (summing as many terms as scipy keeps L = 0 bitwise identical to it).
        self.n_err = s + 1
        self.e = None if tableau.e is None else np.array(tableau.e[: self.n_err], dtype=float)
        self.e3 = None if tableau.e3 is None else np.array(tableau.e3[: self.n_err], dtype=float)
        self.err = np.empty(n, dtype=self.dtype)
        # real views for the kernels (see kernels.py)
        self.complex = self.dtype.kind == "c"
        self.K_real = self.real_view(self.K)
        self.err_real = self.real_view(self.err)
        self._V_real = self.real_view(self._V)
        self._U_real = self.real_view(self._U)
        self.cache = PropagatorCache(self._build, cache_size)
        self.n_rhs = 0
        self.kernels: SemilinearKernels | None = None
        self.use_kernels(kernels)

    def use_kernels(self, kernels: SemilinearKernels | None) -> None:
        """Run the next steps compiled around ``kernels`` (ignored unless the state is 1-D complex),
        or in Python (None). The drivers pass the problem's kernels at every ``advance``: a copied
        or unpickled problem plans its transforms anew, and its kernels hold the new buffers."""
        if not (self.complex and len(self.shape) == 1):
            kernels = None
        if kernels is not None and not hasattr(self, "_f_buffers"):
            n = self.n
            # N(u_{n+1}) alternates between two buffers: a rejected step must keep N(u_n)
            self._f_buffers = (np.empty(n, self.dtype), np.empty(n, self.dtype))
            self.err3_real = self.real_view(np.empty(n, self.dtype))  # the second error estimate
            self.no_weights = np.empty(0)
        if kernels is not None:
            self._stage = kernels.work_array(self.n)
        self.kernels = kernels

    def __getstate__(self) -> dict:
        # the kernels' plan pointers belong to this process's problem (see use_kernels)
        return {**self.__dict__, "kernels": None, "_stage": None}

    @staticmethod
    def memory_arrays(
        tableau: ButcherTableau,
        theta: float,
        *,
        linear: bool = True,
        compiled: bool = False,
        cache_size: int = 2,
    ) -> dict[str, float]:
        """State-sized arrays a stepper of ``tableau`` holds: the ``s + 1`` stages ``K``, the work
        vectors (V, U, v0, err, the two N buffers and err3 of compiled steps, the caller's cur and
        new, the FSAL pair, the value of N), and per cached step size each distinct
        ``E(±τ h)`` (τ = c_i − θ and 1 − θ), |E| and, for compiled steps, the stacked copies."""
        s = tableau.n_stages
        work = s + 1 + 13.0
        if not linear:
            return {"stages and work arrays": work}
        taus = [float(c) - theta for c in tableau.c]
        exps = {t for t in taus[1:] + [1.0 - theta] if t} | {-t for t in taus + [1.0 - theta] if t}
        per_step = len(exps) + 1 + (2 * s + 2 if compiled else 0)
        return {"stages and work arrays": work, "propagators": float(cache_size * per_step)}

    def real_view(self, a: np.ndarray) -> np.ndarray:
        """``a`` as float64 numbers (pairs (re, im) along the last axis for a complex state)."""
        return a.view(np.float64) if self.complex else a

    # -- propagators -------------------------------------------------------------------------------
    def _exp(self, tau_h: float) -> np.ndarray:
        out = np.multiply(self.linear, tau_h)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.exp(out, out=out).astype(self.dtype, copy=False)

    def _build(self, h: float) -> Propagators:
        """Compute each distinct ``E(±(c_i - θ) h)`` once (inverses by conjugation/reciprocal)."""
        table: dict[float, np.ndarray] = {}

        def expo(tau: float) -> np.ndarray | None:
            if tau == 0.0 or self.zero_linear:  # E = 1: nothing to multiply
                return None
            if tau not in table:
                if -tau in table:
                    inv = table[-tau]
                    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                        table[tau] = np.conj(inv) if self.skew else np.reciprocal(inv)
                else:
                    table[tau] = self._exp(tau * h)
            return table[tau]

        tau_end = 1.0 - self.theta
        fwd = [None] + [expo(float(t)) for t in self._tau[1:]]
        end = expo(tau_end)
        bwd = [expo(-float(t)) for t in self._tau]
        end_bwd = expo(-tau_end) if self.tableau.error_needs_last else None
        end_abs = None if (self.skew or end is None) else np.abs(end)
        fwd_real = [None if f is None or not self.complex else self.real_view(f) for f in fwd]
        return Propagators(
            h=h,
            fwd=fwd,
            bwd=bwd,
            end=end,
            end_bwd=end_bwd,
            end_abs=end_abs,
            fwd_real=fwd_real,
            stacked=self._stack(fwd, bwd, end, end_bwd) if self.kernels is not None else None,
        )

    def _stack(self, fwd, bwd, end, end_bwd) -> tuple:
        """``(fwd, bwd, end, end_bwd)`` as full arrays (rows of ones for ``E = 1``), for a compiled
        step."""
        ones = np.ones(self.n, self.dtype)
        return (
            np.array([ones if e is None else e for e in fwd]),
            np.array([ones if e is None else e for e in bwd]),
            ones if end is None else end,
            ones if end_bwd is None else end_bwd,
        )

    def propagators(self, h: float, time_scale: float = 0.0) -> Propagators:
        """Propagators for ``h``, possibly cached for a step within round-off of it (see ``.h``)."""
        return self.cache.get(h, time_scale)[1]

    # -- evaluation --------------------------------------------------------------------------------
    def rhs(self, u_flat: np.ndarray) -> np.ndarray:
        """``N(u)`` as a flat array (counted in ``n_rhs``)."""
        self.n_rhs += 1
        return np.ravel(self._nonlinear(u_flat.reshape(self.shape)))

    def step(
        self, u: np.ndarray, f: np.ndarray, P: Propagators, out: np.ndarray, h: float | None = None
    ):
        """One step of size ``h`` (default ``P.h``) from ``u`` (with ``f = N(u)``) into ``out``.

        ``P`` may belong to a step size that differs from ``h`` by round-off (a cached one).

        Fills the stages ``K[0 .. s-1]`` (and ``K[s]`` when the error estimate needs the FSAL
        stage). Returns ``N(out)`` if it was evaluated (FSAL methods, and every compiled step),
        else ``None``.
        """
        s = self.tableau.n_stages
        K = self.K
        h = P.h if h is None else h
        if self.kernels is not None:  # the same step, compiled; it always returns N(out)
            f_out = self._f_buffers[1] if f is self._f_buffers[0] else self._f_buffers[0]
            if P.stacked is None:  # built before the kernels were given
                P.stacked = self._stack(P.fwd, P.bwd, P.end, P.end_bwd)
            lawson_step(
                u, f, out, f_out, self._v0, self._stage, K, self._a, self._b, *P.stacked, float(h),
                bool(self.tableau.error_needs_last), self.kernels.nonlinear_arg,
                self.kernels.params,
            )  # fmt: skip
            self.n_rhs += s
            return f_out
        if P.bwd[0] is None:
            np.copyto(K[0], f)
            v0 = u
        else:
            np.multiply(P.bwd[0], f, out=K[0])
            v0 = np.multiply(P.bwd[0], u, out=self._v0)
        U, V_real, U_real, K_real = self._U, self._V_real, self._U_real, self.K_real
        v0_real = self.real_view(v0)
        # (K^T a_i) h + v_n: scipy's rk_step operation by operation (L = 0 reproduces it), fused with
        # the map U_i = E((c_i - θ) h) V_i to the physical frame
        for i in range(1, s):
            a_i = self._a[i, :i]
            if P.fwd[i] is None:
                combine_into(V_real, v0_real, K_real, a_i, h)
                stage = self._V
            elif P.fwd_real[i] is not None:
                combine_rotate_into(U_real, v0_real, K_real, a_i, h, P.fwd_real[i])
                stage = U
            else:
                combine_into(V_real, v0_real, K_real, a_i, h)
                stage = np.multiply(P.fwd[i], self._V, out=U)
            ni = self.rhs(stage)
            if P.bwd[i] is None:
                np.copyto(K[i], ni)
            else:
                np.multiply(P.bwd[i], ni, out=K[i])
        out_real = self.real_view(out)
        if P.end is None:
            combine_into(out_real, v0_real, K_real, self._b, h)
        elif self.complex:
            combine_rotate_into(out_real, v0_real, K_real, self._b, h, self.real_view(P.end))
        else:
            combine_into(V_real, v0_real, K_real, self._b, h)
            np.multiply(P.end, self._V, out=out)
        if not self.tableau.error_needs_last:
            return None
        f_new = self.rhs(out)
        if P.end_bwd is None:
            np.copyto(K[s], f_new)
        else:
            np.multiply(P.end_bwd, f_new, out=K[s])
        return f_new


def stepper_for(
    stepper: LawsonStepper | None, tableau: ButcherTableau, theta: float, problem, u: np.ndarray
) -> LawsonStepper:
    """``stepper`` if it fits the state ``u`` (shape and dtype), else a new :class:`LawsonStepper`
    for ``problem``; either way set to run with the problem's current kernels."""
    lin = np.asarray(problem.linear)
    dtype = np.result_type(u.dtype, lin.dtype, np.float64)
    if stepper is None or stepper.shape != u.shape or stepper.dtype != dtype:
        stepper = LawsonStepper(tableau, theta, lin, problem.nonlinear, u.shape, dtype)
    stepper.use_kernels(semilinear_kernels(problem))
    return stepper
