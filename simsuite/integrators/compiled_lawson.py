"""A whole integrating-factor (Lawson) Runge–Kutta step compiled around a problem's ``N``.

The algorithm is that of :mod:`simsuite.integrators.lawson` (see its docstring): for a tableau
``(c, a, b)`` and propagators ``E(τ) = exp(L τ)``, ``v_n = E(θh) u_n``, stages
``U_i = E((c_i − θ)h)(v_n + h Σ_j a_ij K_j)``, ``K_i = E(−(c_i − θ)h) N(U_i)`` and
``u_{n+1} = E((1 − θ)h)(v_n + h Σ_i b_i K_i)``. Evaluated from Python, each ``N`` also pays a
method call and the dispatch into compiled code; here the whole step runs compiled, calling the
problem's ``nonlinear_into`` (:class:`~simsuite.integrators.base.SemilinearKernels`), which numba
takes as an argument: one compiled step serves every problem that declares its kernels.

The arithmetic is the Python path's: the same stage sums (:mod:`simsuite.integrators.kernels`),
the same pointwise products in the same order. Propagators that the Python path skips (``E = 1``)
are rows of ones here, and multiplying by one is exact. The two paths can still differ in the last
bit where numpy's vectorised complex product uses fused multiply–adds and numba's does not.

All complex arrays are C-contiguous complex128; "real view" means ``a.view(np.float64)``.
"""

from __future__ import annotations

import numba
import numpy as np

from .kernels import combine_rotate_into

__all__ = ["lawson_step"]


@numba.njit(cache=True)
def lawson_step(
    u, f, out, f_out, v0, stage, K, a, b, fwd, bwd, end, end_bwd, h, last_stage,
    nonlinear_into, params,
):  # fmt: skip
    """One integrating-factor Runge–Kutta step with every evaluation of ``N`` compiled in.

    Parameters
    ----------
    u, f : complex arrays (n,)
        ``u_n`` and ``N(u_n)``.
    out, f_out : complex arrays (n,)
        Receive ``u_{n+1}`` and ``N(u_{n+1})`` (the next step's ``f``, also when the method is
        not FSAL: computed here, it saves a call from Python).
    v0, stage : complex arrays (n,)
        Work space: ``E(θh) u_n`` on return, and where each stage ``U_i`` is assembled and
        replaced by ``N(U_i)`` (the kernels' ``buffer`` when they have one: no copies).
    K : complex array (s + 1, n)
        Receives ``K_i = E(-(c_i - θ)h) N(U_i)``; row ``s`` only when ``last_stage``.
    a, b : float arrays (s, s), (s,)
        The tableau.
    fwd, bwd : complex arrays (s, n)
        ``E((c_i - θ)h)`` and ``E(-(c_i - θ)h)`` (rows of ones where ``c_i = θ``).
    end, end_bwd : complex arrays (n,)
        ``E((1 - θ)h)`` and ``E(-(1 - θ)h)``.
    h : float
    last_stage : bool
        Also store ``E(-(1 - θ)h) N(u_{n+1})`` in ``K[s]`` (error estimators that use it).
    nonlinear_into, params
        The problem's :class:`~simsuite.integrators.base.SemilinearKernels`.
    """
    n = u.size
    s = b.size
    for m in range(n):
        K[0, m] = bwd[0, m] * f[m]
        v0[m] = bwd[0, m] * u[m]
    K_real = K.view(np.float64)
    v0_real = v0.view(np.float64)
    stage_real = stage.view(np.float64)
    for i in range(1, s):
        # U_i = E((c_i - θ)h) (v_n + h Σ_j a_ij K_j), then K_i = E(-(c_i - θ)h) N(U_i)
        combine_rotate_into(stage_real, v0_real, K_real, a[i, :i], h, fwd[i].view(np.float64))
        nonlinear_into(stage, stage, params)
        for m in range(n):
            K[i, m] = bwd[i, m] * stage[m]
    combine_rotate_into(out.view(np.float64), v0_real, K_real, b, h, end.view(np.float64))
    nonlinear_into(f_out, out, params)
    if last_stage:
        for m in range(n):
            K[s, m] = end_bwd[m] * f_out[m]
