"""Rules 1–3 of the Couzin step for one focal agent: perception, zones and the desired direction.

For an agent at c_i with unit heading v̂_i (Couzin, Krause, James, Ruxton & Franks 2002):

1. **Perception.** Neighbours j ≠ i at distance d_ij = |c_j − c_i| (the minimum image in a periodic cube
   of side L) with unit vector r̂_ij = (c_j − c_i)/d_ij, visible iff the angle between v̂_i and r̂_ij is
   at most α/2, i.e. v̂_i·r̂_ij ≥ cos(α/2). α = 360° sees everything; for α < 360° a neighbour exactly
   behind is invisible. Coincident pairs (d_ij = 0) are ignored.
2. **Repulsion** (d_ij < r_r): d_r = −Σ r̂_ij. If any visible neighbour is this close, the desired
   direction is d_r and the other zones are ignored.
3. **Orientation** (r_r ≤ d_ij < r_o): d_o = Σ v̂_j (plus v̂_i with ``include_self``); **attraction**
   (r_o ≤ d_ij < r_a): d_a = Σ r̂_ij. Neighbours in both zones: desired = ½(d̂_o + d̂_a), each sum
   normalised first; in one zone: that sum; in none: keep v̂_i. A zero vector also means "keep v̂_i".
   With ``weighted_sum`` (dewi-kadita compatibility) the desired direction is the raw sum
   w Σ v̂_j + Σ r̂_ij instead.

The neighbour searches (:mod:`simsuite.models.couzin.neighbours`) visit an agent's candidate neighbours
in a fixed order and fold each into the zone sums with :func:`add_neighbour`; :func:`desired_direction`
then turns the sums into the desired direction. The sums are one tuple ``(n_r, d_r, n_o, d_o, n_a, d_a)``
flattened to 12 scalars (the counts and the x, y, z components), starting from :data:`NO_NEIGHBOURS`.

Tolerances. Visibility is tested as v̂_i·r̂_ij ≥ cos(α/2) − 1e-15 so that a neighbour placed exactly on
the cone (up to the rounding of r̂_ij and of cos(α/2)) counts as visible. A sum of n unit vectors whose
norm is ≤ 1e-12·n is treated as zero (:data:`~simsuite.models.couzin.vectors.ZERO_TOL`).
"""

from __future__ import annotations

import math

import numba

from simsuite.models.couzin.vectors import unit_or_zero

__all__ = [
    "ATTRACTION",
    "NONE",
    "NO_NEIGHBOURS",
    "ORIENTATION",
    "REPULSION",
    "accumulate_zone",
    "add_neighbour",
    "classify",
    "desired_direction",
]

COS_TOL = 1e-15  # slack of the perception-cone test (rounding of r̂_ij and of cos(α/2))

# zones returned by classify
NONE, REPULSION, ORIENTATION, ATTRACTION = 0, 1, 2, 3

#: Zone sums of an agent before any neighbour: (n_r, d_r, n_o, d_o, n_a, d_a) as 12 scalars.
NO_NEIGHBOURS = (0, 0.0, 0.0, 0.0, 0, 0.0, 0.0, 0.0, 0, 0.0, 0.0, 0.0)


@numba.njit(cache=True)
def classify(dx, dy, dz, vix, viy, viz, r_r, r_o, r_a, ra2_reject, cos_fov, box):
    """Zone of the displacement (dx, dy, dz) = c_j − c_i seen from an agent heading v̂_i, and r̂_ij.

    Returns ``(zone, r̂x, r̂y, r̂z)``; zone is ``NONE`` when the pair is coincident, out of range or in
    the blind cone. Periodic boxes use the minimum image d − L·round(d/L). ``ra2_reject`` is r_a²
    enlarged by a relative 1e-12: pairs beyond it are rejected before the square root.
    """
    if box > 0.0:
        dx -= box * math.floor(dx / box + 0.5)
        dy -= box * math.floor(dy / box + 0.5)
        dz -= box * math.floor(dz / box + 0.5)
    d2 = dx * dx + dy * dy + dz * dz
    if d2 == 0.0 or d2 > ra2_reject:
        return NONE, 0.0, 0.0, 0.0
    d = math.sqrt(d2)
    if d >= r_a:
        return NONE, 0.0, 0.0, 0.0
    rx, ry, rz = dx / d, dy / d, dz / d
    if vix * rx + viy * ry + viz * rz < cos_fov - COS_TOL:
        return NONE, 0.0, 0.0, 0.0
    if d < r_r:
        return REPULSION, rx, ry, rz
    if d < r_o:
        return ORIENTATION, rx, ry, rz
    return ATTRACTION, rx, ry, rz


@numba.njit(inline="always")
def accumulate_zone(sums, zone, ux, uy, uz, head, j):
    """The zone sums with neighbour j added to its zone: −r̂_ij to d_r, v̂_j (``head[j]``) to d_o, r̂_ij
    to d_a, and one to that zone's count; ``(ux, uy, uz)`` = r̂_ij. Zone ``NONE`` leaves them as they are.

    Each component is one addition to the running sum, so a fixed visiting order gives a fixed result.
    """
    n_r, rx, ry, rz, n_o, ox, oy, oz, n_a, ax, ay, az = sums
    if zone == REPULSION:
        return (n_r + 1, rx - ux, ry - uy, rz - uz, n_o, ox, oy, oz, n_a, ax, ay, az)
    if zone == ORIENTATION:
        return (
            n_r,
            rx,
            ry,
            rz,
            n_o + 1,
            ox + head[j, 0],
            oy + head[j, 1],
            oz + head[j, 2],
            n_a,
            ax,
            ay,
            az,
        )
    if zone == ATTRACTION:
        return (n_r, rx, ry, rz, n_o, ox, oy, oz, n_a + 1, ax + ux, ay + uy, az + uz)
    return sums


@numba.njit(inline="always")
def add_neighbour(sums, dx, dy, dz, head, j, vix, viy, viz, zones):
    """The zone sums of agent i (heading v̂_i) with neighbour j, at (dx, dy, dz) = c_j − c_i, added.

    ``zones`` is ``(r_r, r_o, r_a, ra2_reject, cos_fov, box)`` as for :func:`classify`; ``head[j]`` is
    the neighbour's heading.
    """
    r_r, r_o, r_a, ra2_reject, cos_fov, box = zones
    zone, ux, uy, uz = classify(dx, dy, dz, vix, viy, viz, r_r, r_o, r_a, ra2_reject, cos_fov, box)
    return accumulate_zone(sums, zone, ux, uy, uz, head, j)


@numba.njit(cache=True)
def desired_direction(sums, vix, viy, viz, include_self, weighted, w):
    """Desired direction from the zone sums (rules 2–3); zeros mean "keep v̂_i"."""
    n_r, rx, ry, rz, n_o, ox, oy, oz, n_a, ax, ay, az = sums
    if n_r > 0:
        return unit_or_zero(rx, ry, rz, n_r)
    if n_o > 0 and include_self:
        ox += vix
        oy += viy
        oz += viz
        n_o += 1
    if weighted:
        if n_o == 0 and n_a == 0:
            return 0.0, 0.0, 0.0
        return unit_or_zero(w * ox + ax, w * oy + ay, w * oz + az, abs(w) * n_o + n_a)
    if n_o > 0:
        ox, oy, oz = unit_or_zero(ox, oy, oz, n_o)
    if n_a > 0:
        ax, ay, az = unit_or_zero(ax, ay, az, n_a)
    if n_o > 0 and n_a > 0:
        return unit_or_zero(ox + ax, oy + ay, oz + az, 2)
    if n_o > 0:
        return ox, oy, oz
    return ax, ay, az
