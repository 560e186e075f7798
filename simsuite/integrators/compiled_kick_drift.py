"""Compiled loops of whole kick–drift steps over a problem's compiled kernels
(:class:`~simsuite.integrators.second_order.KickDriftKernels`).

Driven from Python, a kick–drift composition pays the interpreter once per sub-step (calls, kernel
dispatch, temporaries), more than the force itself on grids of 10³ points. The loops here run
``steps`` steps of a composition whose coefficients the integrator hands over, calling the
problem's kernels from compiled code: the integrator keeps the method (coefficients, FSAL, step
counts, checks), the problem the equation. Every operation is the one the Python path of
:mod:`~simsuite.integrators.symplectic` does, in the same order, so both give the same numbers.

Kick–drift (:func:`kick_drift_steps`), state ``(q, p)``::

    p += b_0 h a(q)
    repeat steps:  for k = 1..m:  q += a_k h p;  a = a(q);  p += b_k h a   (b_m + b_0 merged between steps)

Exponential (impulse) form (:func:`exponential_steps`), state = modes ``(a, b)`` of
``(q − q_ref, p)``: each sub-step is the kick ``b += c g`` followed by the exact flow of
``q'' = A q`` per mode, ``(a, b) ← (cos ωτ a + sin(ωτ)/ω b, −ω sin ωτ a + cos ωτ b)``
(:func:`kick_rotate`), then ``g`` = the modes of the remainder.

The kernels reach the loops as arguments, wrapped as
:class:`~simsuite.integrators.jit_argument.JitArgument` (the kernels objects carry them:
``force_arg``, ``modes_arg``, ...), as the semilinear loops take theirs: typed without Python, keyed
by module and name so that the loops compiled for them load from numba's on-disk cache in every
process, and called directly.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "all_finite",
    "kick_drift_steps",
    "kick_rotate",
    "exponential_begin",
    "exponential_steps",
    "exponential_end",
    "exponential_run",
]


@numba.njit(cache=True)
def all_finite(x, y):
    """Whether every entry of the rows ``x`` and ``y`` is finite."""
    for j in range(x.size):
        if not (np.isfinite(x[j]) and np.isfinite(y[j])):
            return False
    return True


@numba.njit(cache=True)
def kick_drift_steps(q, p, a, kicks, drifts, merged, steps, every, force_into, params):
    """Run ``steps`` kick–drift steps in place on the rows ``q``, ``p`` (module docstring); ``a``
    holds a(q) on entry and on return, the kernel ``force_into`` evaluates it
    (``force_into(a, q, params)``). ``kicks`` are b_0..b_m and ``drifts`` a_1..a_m (times h),
    ``merged`` the kick joining two steps. Returns 0,
    or the step after which a check (every ``every`` steps, before the last) found a non-finite
    state."""
    m, n = drifts.size, q.size
    for j in range(n):
        p[j] += a[j] * kicks[0]
    for step in range(1, steps + 1):
        for k in range(m):
            tau = drifts[k]
            for j in range(n):
                q[j] += p[j] * tau
            force_into(a, q, params)
            c = kicks[k + 1] if k < m - 1 else (merged if step < steps else kicks[m])
            for j in range(n):
                p[j] += a[j] * c
        if step % every == 0 and step < steps and not all_finite(q, p):
            return step
    return 0


@numba.njit(cache=True)
def kick_rotate(a, b, g, c, cos, sin_over, minus_w_sin):
    """In place: b ← b + c·g, then a ← cos·a + (sin ωh/ω)·b, b ← −ω sin ωh·a + cos·b."""
    for j in range(a.size):
        x, y = a[j], b[j] + c * g[j]
        a[j] = cos[j] * x + sin_over[j] * y
        b[j] = minus_w_sin[j] * x + cos[j] * y


@numba.njit(cache=True)
def exponential_begin(w, x, modes_into, remainder_into, params):
    """The modal state of :func:`exponential_steps` from the grid state ``x`` = (q, p): rows
    ``w[0]``, ``w[1]`` ← the modes (a, b) of q − q_ref and p, ``w[2]`` ← the remainder's modes g."""
    modes_into(w[0], w[1], x[0], x[1], params)
    remainder_into(w[2], w[0], params)


@numba.njit(cache=True)
def exponential_end(x, w, last, fields_into, params):
    """The last half kick b += ``last`` g on the modal state ``w`` = (a, b, g), and ``x`` ← the
    grid state (q, p) of (a, b)."""
    b, g = w[1], w[2]
    for j in range(b.size):
        b[j] += last * g[j]
    fields_into(x[0], x[1], w[0], b, params)


@numba.njit(cache=True)
def exponential_steps(
    w, kicks, merged, cos, sin_over, minus_w_sin, steps, every, remainder_into, params
):  # fmt: skip
    """Run ``steps`` impulse steps in place on the modal state ``w`` = (a, b, g) (module
    docstring); ``g`` holds the remainder's modes on entry and on return, row k of ``cos``,
    ``sin_over`` and ``minus_w_sin`` the flow of drift k. ``kicks[0]`` opens the first step (pass
    ``merged`` there when continuing earlier steps); the last half kick b += b_m h g is left to
    :func:`exponential_end`. Returns 0, or the step after which a check found a non-finite
    state."""
    a, b, g = w[0], w[1], w[2]
    m = cos.shape[0]
    for step in range(1, steps + 1):
        for k in range(m):
            c = kicks[k] if (k or step == 1) else merged
            kick_rotate(a, b, g, c, cos[k], sin_over[k], minus_w_sin[k])
            remainder_into(g, a, params)
        if step % every == 0 and step < steps and not all_finite(a, b):
            return step
    return 0


@numba.njit(cache=True)
def exponential_run(
    x, w, kicks, merged, cos, sin_over, minus_w_sin, steps, every, begin, end,
    modes_into, remainder_into, fields_into, params,
):  # fmt: skip
    """One block of impulse steps in one compiled call: :func:`exponential_begin` first when
    ``begin``, :func:`exponential_steps`, and :func:`exponential_end` with the last kick
    ``kicks[-1]`` when ``end`` (unless a check failed). Returns as :func:`exponential_steps`."""
    if begin:
        exponential_begin(w, x, modes_into, remainder_into, params)
    failed = exponential_steps(
        w, kicks, merged, cos, sin_over, minus_w_sin, steps, every, remainder_into, params
    )
    if end and not failed:
        exponential_end(x, w, kicks[kicks.size - 1], fields_into, params)
    return failed
