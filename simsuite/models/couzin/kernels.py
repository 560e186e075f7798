"""Compiled kernels of the Couzin schooling model: neighbour rules, noise, turn and move.

One step of length τ (Couzin, Krause, James, Ruxton & Franks 2002, *J. Theor. Biol.* 218, 1–11) for
positions c_i ∈ ℝ³ and unit headings v̂_i:

1. **Perception.** Neighbours j ≠ i at distance d_ij = |c_j − c_i| (the minimum image in a periodic cube
   of side L) with unit vector r̂_ij = (c_j − c_i)/d_ij, visible iff the angle between v̂_i and r̂_ij is
   at most α/2, i.e. v̂_i·r̂_ij ≥ cos(α/2). α = 360° sees everything; for α < 360° a neighbour exactly
   behind is invisible. Coincident pairs (d_ij = 0) are ignored.
2. **Repulsion** (d_ij < r_r): d_r = −Σ r̂_ij. If any visible neighbour is this close, the desired
   direction is d_r and the other zones are ignored.
3. **Orientation** (r_r ≤ d_ij < r_o): d_o = Σ v̂_j (plus v̂_i with ``include_self``); **attraction**
   (r_o ≤ d_ij < r_a): d_a = Σ r̂_ij. Neighbours in both zones: desired = ½(d̂_o + d̂_a), each sum
   normalised first; in one zone: that sum; in none: keep v̂_i. A zero vector also means "keep v̂_i".
4. **Noise** (wrapped Gaussian on the sphere): rotate the desired direction d̂ by an angle φ ~ N(0, σ²)
   about an axis u uniformly distributed in the plane perpendicular to d̂. With an orthonormal pair
   (e₁, e₂) ⊥ d̂ this is d̂′ = d̂ cos φ + (e₁ cos ψ + e₂ sin ψ) sin φ, ψ ~ U[0, 2π), and the angle
   between d̂ and d̂′ is exactly |φ| (for |φ| ≤ π).
5. **Turn** by at most θτ (``max_turn``, radians per step). If angle(v̂_i, d̂′) ≤ θτ the new heading is
   d̂′; otherwise v̂_i is rotated by exactly θτ towards d̂′ in the plane they span (Rodrigues' formula
   about the axis v̂_i × d̂′, written as v̂ cos θτ + ŵ sin θτ with ŵ the unit component of d̂′
   perpendicular to v̂_i). When d̂′ = −v̂_i the plane is undefined and ŵ = e₁ cos β + e₂ sin β in the
   plane perpendicular to v̂_i, β a pre-drawn uniform angle.
6. **Move.** All headings are updated synchronously, then c_i ← c_i + s τ v̂_i (wrapped into [0, L) when
   periodic).

Compatibility options (the dewi-kadita package): ``interpolated_turn`` replaces 5 by the normalised
linear interpolation v̂ ← normalise(v̂ + f (d̂ − v̂)), f = min(1, θτ/angle(v̂, d̂)). Its turn is
atan2(f sin Θ, 1 − f + f cos Θ) for an angle Θ > θτ between v̂ and d̂, less than the nominal θτ
(≈ θτ · sin Θ/Θ for small θτ). At Θ = 90° it is 66.6 % of θτ for the default 4° per step, 71.3 % for
10° per step, → 2/π ≈ 63.7 % as θτ → 0. At Θ = 180° there is no turn at all for θτ < 90° (the
interpolant stays parallel to v̂; for θτ > 90° it flips to −v̂, exactly at 90° it is zero and v̂ is
kept). ``additive_noise`` replaces 4 by
v̂ ← normalise(v̂ + σ g), g ~ N(0, I₃), applied *after* the turn. ``weighted_sum`` replaces the
average of 3 by the raw sum w Σ v̂_j + Σ r̂_ij (``orientation_weight`` w).

Neighbour search. Two kernels compute the same desired directions: an all-pairs O(N²) loop and a cell
list (Allen & Tildesley, *Computer Simulation of Liquids*, 2nd ed., OUP 2017, §5.3.2): the space is cut
into cubic cells of edge h ≥ r_a, agents are counting-sorted by cell (serial, O(N)), and each agent scans
the 27 cells around its own. In open space the cells tile the bounding box of the group; in a periodic
cube of side L there are n_c = ⌊L/r_a⌋ cells per axis, edge L/n_c, and the stencil wraps around (minimum
image). n_c < 3 would visit a cell twice, so the cell list then falls back to all pairs.
:func:`choose_neighbour_search` picks between the two (see there for the measured crossover).

Determinism. Each agent's neighbours are summed in a fixed order (index order for all pairs; stencil
order and index order within a cell for the cell list), every agent is handled by one thread, and all
random numbers of a step are drawn up front by :func:`draw_noise` from the run's
``numpy.random.Generator``. The results are therefore bitwise identical for any number of numba threads.
The two neighbour searches sum in different orders, so they agree to rounding (~1e-16), not bitwise.

Tolerances. Visibility is tested as v̂_i·r̂_ij ≥ cos(α/2) − 1e-15 so that a neighbour placed exactly on
the cone (up to the rounding of r̂_ij and of cos(α/2)) counts as visible. A sum of n unit vectors whose
norm is ≤ 1e-12·n is treated as zero ("keep v̂_i"), so symmetric configurations that cancel up to
rounding do not produce a direction out of rounding noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

__all__ = [
    "ALL_PAIRS_MAX_N",
    "NEIGHBOUR_SEARCHES",
    "StepParams",
    "choose_neighbour_search",
    "desired_directions",
    "draw_noise",
    "step",
    "turn_and_move",
]

NEIGHBOUR_SEARCHES = ("auto", "cell", "all_pairs")

#: Below this many agents :func:`choose_neighbour_search` always picks all pairs (measured crossover).
ALL_PAIRS_MAX_N = 128

_COS_TOL = 1e-15  # slack of the perception-cone test (rounding of r̂_ij and of cos(α/2))
_ZERO_TOL = 1e-12  # a sum of n unit vectors shorter than this times n counts as zero
# |part of d̂ perpendicular to v̂| below this: treated as antiparallel, turning plane from the RNG
_PARALLEL_TOL = 1e-12
# cells are (1 + this)·r_a wide, so that the rounding of cell indices cannot hide a neighbour
_CELL_MARGIN = 1e-9

# zones returned by _classify
_NONE, _REPULSION, _ORIENTATION, _ATTRACTION = 0, 1, 2, 3


@dataclass(frozen=True)
class StepParams:
    """Parameters of one step, in the units the kernels use (lengths, radians, cosines).

    Attributes
    ----------
    r_r, r_o, r_a
        Outer radii of the zones of repulsion, orientation and attraction, 0 ≤ r_r ≤ r_o ≤ r_a.
    cos_half_fov
        cos(α/2) for a field of perception of full angle α (−1 for α = 360°).
    max_turn
        Largest turn per step in radians (θτ in Couzin 2002, or dewi-kadita's ``max_turn_per_step``).
    noise_sd
        σ: standard deviation of the rotation angle (radians) of the wrapped-Gaussian noise, or of each
        component of the Gaussian vector added to the heading when ``additive_noise``.
    speed, dt
        Constant speed s and step length τ; each step moves an agent by s τ.
    box
        0 for open space, else the side L of the periodic cube (r_a ≤ L/2 is required unless
        ``allow_small_box``).
    include_self
        Add the focal agent's own heading to d_o (when its orientation zone has neighbours).
    interpolated_turn, additive_noise, weighted_sum, orientation_weight
        dewi-kadita compatibility options (see the module docstring).
    allow_small_box
        dewi-kadita compatibility: accept r_a > L/2 (the minimum image then cuts the attraction zone;
        the cell list falls back to all pairs).
    """

    r_r: float
    r_o: float
    r_a: float
    cos_half_fov: float
    max_turn: float
    noise_sd: float
    speed: float
    dt: float
    box: float = 0.0
    include_self: bool = False
    interpolated_turn: bool = False
    additive_noise: bool = False
    weighted_sum: bool = False
    orientation_weight: float = 1.0
    allow_small_box: bool = False

    def __post_init__(self) -> None:
        for name in ("r_r", "r_o", "r_a", "cos_half_fov", "max_turn", "noise_sd", "speed", "dt"):
            if not math.isfinite(getattr(self, name)):
                raise ValueError(f"StepParams.{name} must be finite, got {getattr(self, name)!r}")
        if not 0.0 <= self.r_r <= self.r_o <= self.r_a:
            raise ValueError(
                f"zone radii must satisfy 0 <= r_r <= r_o <= r_a, got {self.r_r}, {self.r_o}, {self.r_a}"
            )
        if not -1.0 <= self.cos_half_fov <= 1.0:
            raise ValueError(f"cos_half_fov must lie in [-1, 1], got {self.cos_half_fov}")
        if self.max_turn < 0.0 or self.noise_sd < 0.0 or self.speed < 0.0 or self.dt <= 0.0:
            raise ValueError("max_turn, noise_sd and speed must be >= 0 and dt > 0")
        if not (self.box >= 0.0 and math.isfinite(self.box)):
            raise ValueError(f"box must be 0 (open space) or a positive length, got {self.box}")
        if self.box > 0.0 and self.r_a > 0.5 * self.box and not self.allow_small_box:
            raise ValueError(
                f"periodic box of side {self.box} needs r_a <= box/2, got r_a = {self.r_a}"
            )
        if not math.isfinite(self.orientation_weight):
            raise ValueError("orientation_weight must be finite")


# ---------------------------------------------------------------------------------------------------
# small vector helpers (scalars in, tuples out: nothing is allocated)


@numba.njit(cache=True)
def _unit_or_zero(x, y, z, n_terms):
    """(x, y, z)/|(x, y, z)|, or zeros when the norm is at most ``_ZERO_TOL · n_terms``."""
    norm = math.sqrt(x * x + y * y + z * z)
    if norm <= _ZERO_TOL * n_terms:
        return 0.0, 0.0, 0.0
    return x / norm, y / norm, z / norm


@numba.njit(cache=True)
def _perp_basis(ax, ay, az):
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


@numba.njit(cache=True)
def _classify(dx, dy, dz, vix, viy, viz, r_r, r_o, r_a, ra2_reject, cos_fov, box):
    """Zone of the displacement (dx, dy, dz) = c_j − c_i seen from an agent heading v̂_i, and r̂_ij.

    Returns ``(zone, r̂x, r̂y, r̂z)``; zone is ``_NONE`` when the pair is coincident, out of range or in
    the blind cone. Periodic boxes use the minimum image d − L·round(d/L).
    """
    if box > 0.0:
        dx -= box * math.floor(dx / box + 0.5)
        dy -= box * math.floor(dy / box + 0.5)
        dz -= box * math.floor(dz / box + 0.5)
    d2 = dx * dx + dy * dy + dz * dz
    if d2 == 0.0 or d2 > ra2_reject:
        return _NONE, 0.0, 0.0, 0.0
    d = math.sqrt(d2)
    if d >= r_a:
        return _NONE, 0.0, 0.0, 0.0
    rx, ry, rz = dx / d, dy / d, dz / d
    if vix * rx + viy * ry + viz * rz < cos_fov - _COS_TOL:
        return _NONE, 0.0, 0.0, 0.0
    if d < r_r:
        return _REPULSION, rx, ry, rz
    if d < r_o:
        return _ORIENTATION, rx, ry, rz
    return _ATTRACTION, rx, ry, rz


@numba.njit(cache=True)
def _combine(
    n_r, rx, ry, rz, n_o, ox, oy, oz, n_a, ax, ay, az, vix, viy, viz, include_self, weighted, w
):
    """Desired direction from the zone sums (rules 2–3); zeros mean "keep v̂_i"."""
    if n_r > 0:
        return _unit_or_zero(rx, ry, rz, n_r)
    if n_o > 0 and include_self:
        ox += vix
        oy += viy
        oz += viz
        n_o += 1
    if weighted:
        if n_o == 0 and n_a == 0:
            return 0.0, 0.0, 0.0
        return _unit_or_zero(w * ox + ax, w * oy + ay, w * oz + az, abs(w) * n_o + n_a)
    if n_o > 0:
        ox, oy, oz = _unit_or_zero(ox, oy, oz, n_o)
    if n_a > 0:
        ax, ay, az = _unit_or_zero(ax, ay, az, n_a)
    if n_o > 0 and n_a > 0:
        return _unit_or_zero(ox + ax, oy + ay, oz + az, 2)
    if n_o > 0:
        return ox, oy, oz
    return ax, ay, az


# ---------------------------------------------------------------------------------------------------
# desired directions: all pairs


@numba.njit(cache=True, parallel=True, fastmath=False)
def _desired_all_pairs(pos, head, out, r_r, r_o, r_a, cos_fov, box, include_self, weighted, w):
    n = pos.shape[0]
    ra2_reject = r_a * r_a * (1.0 + 1e-12)
    for i in numba.prange(n):
        xi, yi, zi = pos[i, 0], pos[i, 1], pos[i, 2]
        vix, viy, viz = head[i, 0], head[i, 1], head[i, 2]
        n_r = n_o = n_a = 0
        rx = ry = rz = ox = oy = oz = ax = ay = az = 0.0
        for j in range(n):
            zone, ux, uy, uz = _classify(
                pos[j, 0] - xi,
                pos[j, 1] - yi,
                pos[j, 2] - zi,
                vix,
                viy,
                viz,
                r_r,
                r_o,
                r_a,
                ra2_reject,
                cos_fov,
                box,
            )
            if zone == _REPULSION:
                n_r += 1
                rx -= ux
                ry -= uy
                rz -= uz
            elif zone == _ORIENTATION:
                n_o += 1
                ox += head[j, 0]
                oy += head[j, 1]
                oz += head[j, 2]
            elif zone == _ATTRACTION:
                n_a += 1
                ax += ux
                ay += uy
                az += uz
        out[i, 0], out[i, 1], out[i, 2] = _combine(
            n_r,
            rx,
            ry,
            rz,
            n_o,
            ox,
            oy,
            oz,
            n_a,
            ax,
            ay,
            az,
            vix,
            viy,
            viz,
            include_self,
            weighted,
            w,
        )


# ---------------------------------------------------------------------------------------------------
# desired directions: cell list


@numba.njit(cache=True)
def _build_cells(pos, head, r_a, box, max_cells):
    """Cell grid and counting sort of the agents by cell (serial, O(N + cells)).

    Returns ``(ok, nx, ny, nz, start, order, cell_of, ps, hs)``: the agents ``order[start[c]:start[c+1]]``
    lie in cell c = (z·ny + y)·nx + x, in increasing index order; ``ps``, ``hs`` and ``cell_of`` are
    positions, headings and cells in that sorted order. ``ok`` is False when the periodic box has fewer
    than 3 cells per axis (the 27-cell stencil would visit a cell twice).
    """
    n = pos.shape[0]
    edge = r_a * (1.0 + _CELL_MARGIN)
    lo = np.zeros(3)
    hi = np.zeros(3)
    if box > 0.0:
        nc = int(math.floor(box / edge))
        if nc < 3:
            empty_i = np.zeros(1, dtype=np.int64)
            empty_f = np.zeros((1, 3))
            return False, 0, 0, 0, empty_i, empty_i, empty_i, empty_f, empty_f
        nx = ny = nz = nc
        h = box / nc
    else:
        for k in range(3):
            lo[k] = pos[0, k]
            hi[k] = pos[0, k]
        for i in range(1, n):
            for k in range(3):
                x = pos[i, k]
                if x < lo[k]:
                    lo[k] = x
                if x > hi[k]:
                    hi[k] = x
        scale = max(
            max(abs(lo[0]), abs(hi[0])),
            max(max(abs(lo[1]), abs(hi[1])), max(abs(lo[2]), abs(hi[2]))),
        )
        # the margin also covers the rounding of coordinates far from the origin
        h = edge + 1e-12 * scale
        # a sparse, spread-out group: coarser cells keep memory O(N) (counted in floats: no overflow)
        while (
            (math.floor((hi[0] - lo[0]) / h) + 1.0)
            * (math.floor((hi[1] - lo[1]) / h) + 1.0)
            * (math.floor((hi[2] - lo[2]) / h) + 1.0)
        ) > max_cells:
            h *= 1.1
        nx = int((hi[0] - lo[0]) / h) + 1
        ny = int((hi[1] - lo[1]) / h) + 1
        nz = int((hi[2] - lo[2]) / h) + 1
    n_cells = nx * ny * nz
    cell = np.empty(n, dtype=np.int64)
    for i in range(n):
        idx = 0
        for k in range(3):
            x = pos[i, k]
            if box > 0.0:
                x = (x - box * math.floor(x / box)) / h
            else:
                x = (x - lo[k]) / h
            m = int(x)
            n_k = nx if k == 0 else (ny if k == 1 else nz)
            if m >= n_k:
                m = n_k - 1
            elif m < 0:
                m = 0
            if k == 0:
                idx = m
            elif k == 1:
                idx += nx * m
            else:
                idx += nx * ny * m
        cell[i] = idx
    start = np.zeros(n_cells + 1, dtype=np.int64)
    for i in range(n):
        start[cell[i] + 1] += 1
    for c in range(n_cells):
        start[c + 1] += start[c]
    fill = start[:-1].copy()
    order = np.empty(n, dtype=np.int64)
    for i in range(n):
        c = cell[i]
        order[fill[c]] = i
        fill[c] += 1
    ps = np.empty((n, 3))
    hs = np.empty((n, 3))
    cell_of = np.empty(n, dtype=np.int64)
    for k in range(n):
        i = order[k]
        cell_of[k] = cell[i]
        for m in range(3):
            ps[k, m] = pos[i, m]
            hs[k, m] = head[i, m]
    return True, nx, ny, nz, start, order, cell_of, ps, hs


@numba.njit(cache=True)
def _x_ranges(cx, nx, periodic):
    """The x-neighbour cells of column cx as up to two contiguous ranges [a0, a1] and [b0, b1]."""
    if not periodic:
        return max(cx - 1, 0), min(cx + 1, nx - 1), 0, -1
    if cx == 0:
        return 0, 1, nx - 1, nx - 1
    if cx == nx - 1:
        return nx - 2, nx - 1, 0, 0
    return cx - 1, cx + 1, 0, -1


@numba.njit(cache=True, parallel=True, fastmath=False)
def _desired_cells(
    ps,
    hs,
    order,
    cell_of,
    start,
    nx,
    ny,
    nz,
    out,
    r_r,
    r_o,
    r_a,
    cos_fov,
    box,
    include_self,
    weighted,
    w,
):
    n = ps.shape[0]
    periodic = box > 0.0
    ra2_reject = r_a * r_a * (1.0 + 1e-12)
    for k in numba.prange(n):
        xi, yi, zi = ps[k, 0], ps[k, 1], ps[k, 2]
        vix, viy, viz = hs[k, 0], hs[k, 1], hs[k, 2]
        c = cell_of[k]
        cx = c % nx
        cy = (c // nx) % ny
        cz = c // (nx * ny)
        a0, a1, b0, b1 = _x_ranges(cx, nx, periodic)
        n_r = n_o = n_a = 0
        rx = ry = rz = ox = oy = oz = ax = ay = az = 0.0
        for dz in range(-1, 2):
            z = cz + dz
            if z < 0 or z >= nz:
                if not periodic:
                    continue
                z = z + nz if z < 0 else z - nz
            for dy in range(-1, 2):
                y = cy + dy
                if y < 0 or y >= ny:
                    if not periodic:
                        continue
                    y = y + ny if y < 0 else y - ny
                row = (z * ny + y) * nx
                for part in range(2):
                    if part == 0:
                        m0, m1 = start[row + a0], start[row + a1 + 1]
                    elif b1 >= b0:
                        m0, m1 = start[row + b0], start[row + b1 + 1]
                    else:
                        break
                    for m in range(m0, m1):
                        zone, ux, uy, uz = _classify(
                            ps[m, 0] - xi,
                            ps[m, 1] - yi,
                            ps[m, 2] - zi,
                            vix,
                            viy,
                            viz,
                            r_r,
                            r_o,
                            r_a,
                            ra2_reject,
                            cos_fov,
                            box,
                        )
                        if zone == _REPULSION:
                            n_r += 1
                            rx -= ux
                            ry -= uy
                            rz -= uz
                        elif zone == _ORIENTATION:
                            n_o += 1
                            ox += hs[m, 0]
                            oy += hs[m, 1]
                            oz += hs[m, 2]
                        elif zone == _ATTRACTION:
                            n_a += 1
                            ax += ux
                            ay += uy
                            az += uz
        i = order[k]
        out[i, 0], out[i, 1], out[i, 2] = _combine(
            n_r,
            rx,
            ry,
            rz,
            n_o,
            ox,
            oy,
            oz,
            n_a,
            ax,
            ay,
            az,
            vix,
            viy,
            viz,
            include_self,
            weighted,
            w,
        )


# ---------------------------------------------------------------------------------------------------
# noise, turn and move


@numba.njit(cache=True)
def _exact_turn(vx, vy, vz, tx, ty, tz, max_turn, beta):
    """Rotate v̂ towards t̂ by min(angle, max_turn) in their common plane (rule 5)."""
    c = vx * tx + vy * ty + vz * tz
    sx, sy, sz = vy * tz - vz * ty, vz * tx - vx * tz, vx * ty - vy * tx
    angle = math.atan2(math.sqrt(sx * sx + sy * sy + sz * sz), c)
    if angle <= max_turn:
        return tx, ty, tz
    wx, wy, wz = tx - c * vx, ty - c * vy, tz - c * vz
    wn = math.sqrt(wx * wx + wy * wy + wz * wz)
    if wn <= _PARALLEL_TOL:
        e1x, e1y, e1z, e2x, e2y, e2z = _perp_basis(vx, vy, vz)
        cb, sb = math.cos(beta), math.sin(beta)
        wx, wy, wz = e1x * cb + e2x * sb, e1y * cb + e2y * sb, e1z * cb + e2z * sb
    else:
        wx, wy, wz = wx / wn, wy / wn, wz / wn
        # second Gram–Schmidt pass: ŵ ⊥ v̂ to rounding even when t̂ is nearly (anti)parallel to v̂
        p = wx * vx + wy * vy + wz * vz
        wx, wy, wz = wx - p * vx, wy - p * vy, wz - p * vz
        wn = math.sqrt(wx * wx + wy * wy + wz * wz)
        wx, wy, wz = wx / wn, wy / wn, wz / wn
    cm, sm = math.cos(max_turn), math.sin(max_turn)
    return _unit_or_zero(vx * cm + wx * sm, vy * cm + wy * sm, vz * cm + wz * sm, 0.0)


@numba.njit(cache=True)
def _interpolated_turn(vx, vy, vz, tx, ty, tz, max_turn):
    """dewi-kadita's turn: normalise(v̂ + f (t̂ − v̂)), f = min(1, max_turn/angle); zero → keep v̂."""
    c = vx * tx + vy * ty + vz * tz
    sx, sy, sz = vy * tz - vz * ty, vz * tx - vx * tz, vx * ty - vy * tx
    angle = math.atan2(math.sqrt(sx * sx + sy * sy + sz * sz), c)
    if angle <= max_turn:
        return tx, ty, tz
    f = max_turn / angle
    nx, ny, nz = _unit_or_zero(vx + f * (tx - vx), vy + f * (ty - vy), vz + f * (tz - vz), 1.0)
    if nx == 0.0 and ny == 0.0 and nz == 0.0:
        return vx, vy, vz
    return nx, ny, nz


@numba.njit(cache=True, parallel=True, fastmath=False)
def _turn_and_move(
    pos, head, desired, noise, new_pos, new_head, max_turn, step_length, box, interp, additive
):
    n = pos.shape[0]
    for i in numba.prange(n):
        vx, vy, vz = head[i, 0], head[i, 1], head[i, 2]
        tx, ty, tz = desired[i, 0], desired[i, 1], desired[i, 2]
        if tx == 0.0 and ty == 0.0 and tz == 0.0:
            tx, ty, tz = vx, vy, vz
        if additive:
            beta = noise[i, 3]
        else:
            beta = noise[i, 2]
            phi = noise[i, 0]
            if phi != 0.0:
                e1x, e1y, e1z, e2x, e2y, e2z = _perp_basis(tx, ty, tz)
                cp, sp = math.cos(phi), math.sin(phi)
                cs, ss = math.cos(noise[i, 1]), math.sin(noise[i, 1])
                ux, uy, uz = e1x * cs + e2x * ss, e1y * cs + e2y * ss, e1z * cs + e2z * ss
                tx, ty, tz = _unit_or_zero(
                    tx * cp + ux * sp, ty * cp + uy * sp, tz * cp + uz * sp, 0.0
                )
        if interp:
            nx, ny, nz = _interpolated_turn(vx, vy, vz, tx, ty, tz, max_turn)
        else:
            nx, ny, nz = _exact_turn(vx, vy, vz, tx, ty, tz, max_turn, beta)
        if additive and (noise[i, 0] != 0.0 or noise[i, 1] != 0.0 or noise[i, 2] != 0.0):
            gx, gy, gz = _unit_or_zero(nx + noise[i, 0], ny + noise[i, 1], nz + noise[i, 2], 0.0)
            if gx != 0.0 or gy != 0.0 or gz != 0.0:
                nx, ny, nz = gx, gy, gz
        new_head[i, 0], new_head[i, 1], new_head[i, 2] = nx, ny, nz
        for k in range(3):
            x = pos[i, k] + step_length * new_head[i, k]
            if box > 0.0:
                x -= box * math.floor(x / box)
                if x >= box:  # x was a tiny negative number: x + L rounds to L
                    x = 0.0
            new_pos[i, k] = x


# ---------------------------------------------------------------------------------------------------
# public API


def _state(pos: np.ndarray, head: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pos = np.ascontiguousarray(pos, dtype=np.float64)
    head = np.ascontiguousarray(head, dtype=np.float64)
    if pos.ndim != 2 or pos.shape[1] != 3 or head.shape != pos.shape:
        raise ValueError(
            f"pos and head must both have shape (N, 3), got {pos.shape} and {head.shape}"
        )
    if not (np.isfinite(pos).all() and np.isfinite(head).all()):
        raise ValueError("positions and headings must be finite")
    return pos, head


def _cells_per_axis(params: StepParams) -> int:
    """Cells per axis of the periodic grid (0 in open space)."""
    if params.box <= 0.0 or params.r_a <= 0.0:
        return 0
    return int(math.floor(params.box / (params.r_a * (1.0 + _CELL_MARGIN))))


def choose_neighbour_search(pos: np.ndarray, params: StepParams) -> str:
    """Pick ``"cell"`` or ``"all_pairs"`` for the agents at ``pos``.

    The cell list scans the 27 cells (edge h ≥ r_a) around each agent. Measured (one thread, r_a = 15,
    α = 270°, agents uniform in a ball) it beats all pairs from N ≈ 64–128 when the group spans 6–20 r_a
    (1.3–1.6× at N = 128, 1.7–2.6× at N = 256), and it is 1.2–1.4× faster even for groups only
    2–3.5 r_a across, where most stencils cover most of the group: the cell-sorted order makes the
    in-range test predictable. Only a group within ≤ 2 cells per axis gains nothing (0.97–1.04× at an
    extent of 1.5 r_a). The rule:

    * ``"all_pairs"`` when N < :data:`ALL_PAIRS_MAX_N` (= 128), where a step takes ≲ 0.1 ms either way;
    * ``"all_pairs"`` when the group occupies at most 2 cells along every axis of the grid the cell
      list would use, so that every stencil covers the whole group. In open space the grid starts at
      the group's bounding box: an extent < 2h (h = r_a up to a 1e-9 margin) along every axis. In a
      periodic box the grid is fixed to the box and the occupied span is measured cyclically, so a
      group straddling a face is not mistaken for one spanning the box;
    * ``"all_pairs"`` when r_a = 0 or the periodic box has fewer than 3 cells per axis (n_c = ⌊L/r_a⌋);
    * ``"cell"`` otherwise.
    """
    pos = np.asarray(pos, dtype=np.float64)
    n = pos.shape[0]
    if n < ALL_PAIRS_MAX_N or params.r_a <= 0.0:
        return "all_pairs"
    edge = params.r_a * (1.0 + _CELL_MARGIN)
    if params.box > 0.0:
        nc = _cells_per_axis(params)
        if nc < 3:
            return "all_pairs"
        h = params.box / nc
        cells = np.clip(np.floor(np.mod(pos, params.box) / h).astype(np.int64), 0, nc - 1)
        for k in range(3):
            occupied = np.flatnonzero(np.bincount(cells[:, k], minlength=nc))
            gaps = np.diff(occupied, append=occupied[0] + nc) - 1
            if nc - gaps.max() > 2:  # cells spanned along axis k, cyclically
                return "cell"
        return "all_pairs"
    extent = pos.max(axis=0) - pos.min(axis=0)
    return "cell" if bool((extent >= 2.0 * edge).any()) else "all_pairs"


def desired_directions(
    pos: np.ndarray,
    head: np.ndarray,
    params: StepParams,
    neighbours: str = "auto",
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Desired directions of rules 1–3 for every agent.

    Parameters
    ----------
    pos, head
        Positions and unit headings, shape (N, 3).
    params
        Step parameters.
    neighbours
        ``"auto"`` (:func:`choose_neighbour_search`), ``"cell"`` or ``"all_pairs"``. A periodic box with
        fewer than 3 cells per axis uses all pairs even when ``"cell"`` is asked for.
    out
        Optional C-contiguous float64 array of shape (N, 3) to write into.

    Returns
    -------
    numpy.ndarray
        Shape (N, 3): unit desired directions, or rows of zeros meaning "keep the current heading".
    """
    pos, head = _state(pos, head)
    n = pos.shape[0]
    if neighbours not in NEIGHBOUR_SEARCHES:
        raise ValueError(
            f"unknown neighbour search {neighbours!r}; known: {', '.join(NEIGHBOUR_SEARCHES)}"
        )
    if out is None:
        out = np.empty((n, 3))
    elif out.shape != (n, 3) or out.dtype != np.float64 or not out.flags.c_contiguous:
        raise ValueError("out must be a C-contiguous float64 array of shape (N, 3)")
    if n == 0:
        return out
    if neighbours == "auto":
        neighbours = choose_neighbour_search(pos, params)
    args = (
        params.r_r,
        params.r_o,
        params.r_a,
        params.cos_half_fov,
        params.box,
        params.include_self,
        params.weighted_sum,
        params.orientation_weight,
    )
    if neighbours == "cell" and params.r_a > 0.0:
        ok, nx, ny, nz, start, order, cell_of, ps, hs = _build_cells(
            pos, head, params.r_a, params.box, max(64, 4 * n)
        )
        if ok:
            _desired_cells(ps, hs, order, cell_of, start, nx, ny, nz, out, *args)
            return out
    _desired_all_pairs(pos, head, out, *args)
    return out


def draw_noise(rng: np.random.Generator, n: int, params: StepParams) -> np.ndarray:
    """All random numbers of one step for ``n`` agents, drawn from ``rng`` outside the kernels.

    The layout of the returned (n, 4) float64 array, column by column:

    * wrapped-Gaussian noise (default): ``[φ, ψ, β, 0]`` — rotation angle φ = σ·z, z ~ N(0, 1); azimuth
      ψ ~ U[0, 2π) of the rotation axis in the plane perpendicular to the desired direction; β ~ U[0, 2π)
      choosing the turning plane when the desired direction is exactly opposite the heading;
    * ``additive_noise``: ``[σ g_x, σ g_y, σ g_z, β]`` with g ~ N(0, I₃), added to the heading after the
      turn, and β as above.

    The draws are, in this order, n·3 standard normals (additive) or n standard normals (wrapped),
    then the uniform angles, so a run is reproducible from its seed whatever the number of threads.
    """
    noise = np.zeros((n, 4))
    two_pi = 2.0 * math.pi
    if params.additive_noise:
        noise[:, :3] = params.noise_sd * rng.standard_normal((n, 3))
        noise[:, 3] = two_pi * rng.random(n)
    else:
        noise[:, 0] = params.noise_sd * rng.standard_normal(n)
        noise[:, 1:3] = two_pi * rng.random((n, 2))
    return noise


def step(
    pos: np.ndarray,
    head: np.ndarray,
    params: StepParams,
    noise: np.ndarray,
    neighbours: str = "auto",
) -> tuple[np.ndarray, np.ndarray]:
    """Advance every agent by one step of length τ (rules 1–6 of the module docstring).

    Parameters
    ----------
    pos, head
        Positions and unit headings, shape (N, 3); not modified.
    params
        Step parameters.
    noise
        The (N, 4) array of :func:`draw_noise` for this step.
    neighbours
        Neighbour search, as for :func:`desired_directions`.

    Returns
    -------
    tuple of numpy.ndarray
        New positions (wrapped into [0, L) when periodic) and new unit headings, each (N, 3).
    """
    pos, head = _state(pos, head)
    noise = np.ascontiguousarray(noise, dtype=np.float64)
    if noise.shape != (pos.shape[0], 4):
        raise ValueError(f"noise must have shape ({pos.shape[0]}, 4), got {noise.shape}")
    desired = desired_directions(pos, head, params, neighbours)
    return turn_and_move(pos, head, desired, noise, params)


def turn_and_move(
    pos: np.ndarray,
    head: np.ndarray,
    desired: np.ndarray,
    noise: np.ndarray,
    params: StepParams,
) -> tuple[np.ndarray, np.ndarray]:
    """Rules 4–6: noise, turn towards the desired directions, synchronous move.

    Parameters
    ----------
    pos, head
        Positions and unit headings, shape (N, 3); not modified.
    desired
        Desired directions (N, 3) as returned by :func:`desired_directions` (unit, or zero for "keep").
    noise
        The (N, 4) array of :func:`draw_noise`.
    params
        Step parameters.

    Returns
    -------
    tuple of numpy.ndarray
        New positions (wrapped into [0, L) when periodic) and new unit headings, each (N, 3).
    """
    pos, head = _state(pos, head)
    n = pos.shape[0]
    desired = np.ascontiguousarray(desired, dtype=np.float64)
    noise = np.ascontiguousarray(noise, dtype=np.float64)
    if desired.shape != (n, 3) or noise.shape != (n, 4):
        raise ValueError(
            f"desired and noise must have shapes ({n}, 3) and ({n}, 4), got {desired.shape} and {noise.shape}"
        )
    new_pos = np.empty_like(pos)
    new_head = np.empty_like(head)
    if n:
        _turn_and_move(
            pos,
            head,
            desired,
            noise,
            new_pos,
            new_head,
            params.max_turn,
            params.speed * params.dt,
            params.box,
            params.interpolated_turn,
            params.additive_noise,
        )
    return new_pos, new_head
