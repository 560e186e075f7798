"""Compiled inner loops shared by the Runge–Kutta steppers.

Stage sums such as ``v0 + h·Σ_j a_ij K_j`` are fused into one pass over memory. They deliberately avoid
BLAS (``np.dot``): a threaded BLAS in several processes at once (pytest-xdist, Dask workers) spins on
oversubscribed cores and was measured 14× slower than these loops in that setting.

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
    element is still summed over ``j`` in order (the bits do not depend on the loop order).
    ``out`` must not overlap ``K``.
    """
    c0 = coeffs[0]
    for m in range(out.size):
        out[m] = c0 * K[0, m]
    for j in range(1, coeffs.size):
        c = coeffs[j]
        for m in range(out.size):
            out[m] += c * K[j, m]


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
