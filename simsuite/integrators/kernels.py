"""Compiled inner loops shared by the Runge–Kutta steppers.

Stage sums such as ``v0 + h·Σ_j a_ij K_j`` are fused into one pass over memory. They deliberately avoid
BLAS (``np.dot``): a threaded BLAS in several processes at once (pytest-xdist, Dask workers) spins on
oversubscribed cores and was measured 14× slower than these loops in that setting.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def combine_into(out: np.ndarray, base: np.ndarray, K: np.ndarray, coeffs: np.ndarray, h: float):
    """``out[m] = base[m] + h · Σ_j coeffs[j] · K[j, m]`` for ``j < len(coeffs)``.

    The sum runs over j in order, then is scaled by h and added to ``base`` — the same operation order
    as ``np.dot(K.T, coeffs) * h + base``.
    """
    n_terms = coeffs.size
    for m in range(out.size):
        acc = coeffs[0] * K[0, m]
        for j in range(1, n_terms):
            acc += coeffs[j] * K[j, m]
        out[m] = base[m] + h * acc


@numba.njit(cache=True)
def weighted_sum_into(out: np.ndarray, K: np.ndarray, coeffs: np.ndarray):
    """``out[m] = Σ_j coeffs[j] · K[j, m]`` for ``j < len(coeffs)``."""
    n_terms = coeffs.size
    for m in range(out.size):
        acc = coeffs[0] * K[0, m]
        for j in range(1, n_terms):
            acc += coeffs[j] * K[j, m]
        out[m] = acc
