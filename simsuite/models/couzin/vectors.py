"""Small compiled 3-vector helpers of the Couzin kernels: normalisation and perpendicular bases.

Vectors are passed as scalar components and returned as tuples, so nothing is allocated.
"""

from __future__ import annotations

import math

import numba

__all__ = ["ZERO_TOL", "perp_basis", "unit_or_zero"]

#: A sum of n unit vectors whose norm is at most this times n counts as zero ("keep v̂_i"), so that
#: symmetric configurations that cancel up to rounding do not produce a direction out of rounding noise.
ZERO_TOL = 1e-12


@numba.njit(cache=True)
def unit_or_zero(x, y, z, n_terms):
    """(x, y, z)/|(x, y, z)|, or zeros when the norm is at most ``ZERO_TOL · n_terms``."""
    norm = math.sqrt(x * x + y * y + z * z)
    if norm <= ZERO_TOL * n_terms:
        return 0.0, 0.0, 0.0
    return x / norm, y / norm, z / norm


@numba.njit(cache=True)
def perp_basis(ax, ay, az):
    """Right-handed orthonormal pair (e₁, e₂) perpendicular to the unit vector a (e₁ × e₂ = a).

    e₁ is the coordinate axis least aligned with a, made orthogonal to it (its norm is ≥ √(2/3), so
    this is well conditioned); e₂ = a × e₁.
    """
    bx, by, bz = abs(ax), abs(ay), abs(az)
    if bx <= by and bx <= bz:
        ex, ey, ez = 1.0 - ax * ax, -ax * ay, -ax * az
    elif by <= bz:
        ex, ey, ez = -ay * ax, 1.0 - ay * ay, -ay * az
    else:
        ex, ey, ez = -az * ax, -az * ay, 1.0 - az * az
    norm = math.sqrt(ex * ex + ey * ey + ez * ez)
    ex, ey, ez = ex / norm, ey / norm, ez / norm
    return ex, ey, ez, ay * ez - az * ey, az * ex - ax * ez, ax * ey - ay * ex
