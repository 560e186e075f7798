"""Compiled inner loops shared by the Runge–Kutta steppers.

Stage sums such as ``v0 + h·Σ_j a_ij K_j`` are fused into one pass over memory. They deliberately avoid
BLAS (``np.dot``): a threaded BLAS in several processes at once (pytest-xdist, Dask workers) spins on
oversubscribed cores.

The kernels work on *real views* of the state (``z.view(np.float64)`` for a complex array, the array
itself for a real one), so that real Butcher coefficients multiply real numbers: two products per
complex element instead of the four of a complex product, with bit-identical results (``(a + 0i) z``
and ``a z`` round the same way). Diagonal complex factors such as ``exp(L c h)`` are applied to
consecutive (real, imaginary) pairs.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def weighted_sum_into(out: np.ndarray, K: np.ndarray, coeffs: np.ndarray):
    """``out[m] = Σ_j coeffs[j] · K[j, m]`` for ``j < len(coeffs)`` (real views).

    The loop over ``m`` is innermost, so it vectorises and carries no dependency chain; every
    element is still summed over ``j`` in order (the bits do not depend on the loop order). Rows
    are added four per pass, ``((((out + c_j K_j) + c_{j+1} K_{j+1}) + …)``, the same additions in
    the same order as one row per pass with a quarter of the traffic through ``out``. ``out`` must
    not overlap ``K``.
    """
    s = coeffs.size
    c0 = coeffs[0]
    K0 = K[0]
    for m in range(out.size):
        out[m] = c0 * K0[m]
    j = 1
    while j + 3 < s:
        a, b, c, d = coeffs[j], coeffs[j + 1], coeffs[j + 2], coeffs[j + 3]
        Ka, Kb, Kc, Kd = K[j], K[j + 1], K[j + 2], K[j + 3]
        for m in range(out.size):
            out[m] = (((out[m] + a * Ka[m]) + b * Kb[m]) + c * Kc[m]) + d * Kd[m]
        j += 4
    while j < s:
        c = coeffs[j]
        Kj = K[j]
        for m in range(out.size):
            out[m] += c * Kj[m]
        j += 1


@numba.njit(cache=True)
def combine_into(out: np.ndarray, base: np.ndarray, K: np.ndarray, coeffs: np.ndarray, h: float):
    """``out[m] = base[m] + h · Σ_j coeffs[j] · K[j, m]`` for ``j < len(coeffs)`` (real views).

    The sum runs over j in order, then is scaled by h and added to ``base`` — the same operation order
    as ``np.dot(K.T, coeffs) * h + base``. ``out`` must not overlap ``base`` or ``K``.
    """
    weighted_sum_into(out, K, coeffs)
    for m in range(out.size):
        out[m] = base[m] + h * out[m]


@numba.njit(cache=True)
def combine_rotate_into(
    out: np.ndarray,
    base: np.ndarray,
    K: np.ndarray,
    coeffs: np.ndarray,
    h: float,
    factor: np.ndarray,
):
    """``out = factor ⊙ (base + h · Σ_j coeffs[j] · K[j])`` on real views of complex arrays.

    ``factor`` is the real view of a complex diagonal (pairs ``(re, im)``); the complex product is
    ``(f_r x - f_i y, f_r y + f_i x)``, as numpy computes it. ``out`` must not overlap ``base`` or
    ``K``.
    """
    weighted_sum_into(out, K, coeffs)
    for p in range(out.size // 2):
        m = 2 * p
        x = base[m] + h * out[m]
        y = base[m + 1] + h * out[m + 1]
        f_r, f_i = factor[m], factor[m + 1]
        out[m] = f_r * x - f_i * y
        out[m + 1] = f_r * y + f_i * x


@numba.njit(cache=True)
def _larger_modulus_squared(u, new, i):
    """``max(|u_i|², |new_i|²)``, NaN if either is (as ``np.maximum`` propagates it)."""
    a = u[i].real * u[i].real + u[i].imag * u[i].imag
    b = new[i].real * new[i].real + new[i].imag * new[i].imag
    return a if (a >= b or a != a) else b


@numba.njit(cache=True)
def embedded_error_norm(
    err5, err3, K, e, e3, u, new, h, rtol, atol, end_abs, global_norm
):  # fmt: skip
    """Hairer's RMS norm of an embedded Runge–Kutta error estimate for a complex state, in one pass
    after the weighted sums (:meth:`~.dormand_prince.AdaptiveLawsonRK._error_norm` computes the
    same quantity with numpy, mirroring scipy operation by operation; this one rounds differently).

    ``err5 = Σ_j e_j K_j`` and, when ``e3`` is not empty, ``err3 = Σ_j e3_j K_j`` (real views,
    overwritten) are measured against ``sc_i = atol + rtol max(|u_i|, |new_i|)`` (with
    ``global_norm`` the RMS of those maxima for every i), divided by ``end_abs`` when it is not
    empty. Returns ``|h| sqrt(Σ|err5/sc|² / n)`` (one estimate, e.g. Dormand–Prince 5(4)) or
    ``|h| S5 / sqrt((S5 + 0.01 S3) n)`` with ``S = Σ|err/sc|²`` (DOP853's two estimates). A NaN in
    ``u`` or ``new`` gives NaN.
    """
    n = u.size
    weighted_sum_into(err5, K, e)
    two = e3.size > 0
    if two:
        weighted_sum_into(err3, K, e3)
    common = 0.0
    if global_norm:
        for i in range(n):
            common += _larger_modulus_squared(u, new, i)
        common = rtol * np.sqrt(common / n) + atol
    sq5 = 0.0
    sq3 = 0.0
    for i in range(n):
        scale = common if global_norm else rtol * np.sqrt(_larger_modulus_squared(u, new, i)) + atol
        if end_abs.size:
            scale = scale / end_abs[i]
        inv = 1.0 / scale
        x, y = err5[2 * i] * inv, err5[2 * i + 1] * inv
        sq5 += x * x + y * y
        if two:
            x, y = err3[2 * i] * inv, err3[2 * i + 1] * inv
            sq3 += x * x + y * y
    if not two:
        return abs(h) * np.sqrt(sq5 / n)
    if sq5 == 0.0 and sq3 == 0.0:
        return 0.0
    return abs(h) * sq5 / np.sqrt((sq5 + 0.01 * sq3) * n)
