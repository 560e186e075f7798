"""Rules 4–6 of the Couzin step: noise on the desired direction, limited turning, synchronous move.

For an agent with unit heading v̂ and desired direction d̂ (from :mod:`simsuite.models.couzin.neighbours`;
zero means "keep v̂"):

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

The dewi-kadita compatibility options ``interpolated_turn`` and ``additive_noise`` replace 5 and 4 (see
:mod:`simsuite.models.couzin.kernels`). All random numbers of a step are drawn up front by
:func:`draw_noise` from the run's ``numpy.random.Generator`` and every agent is handled by one thread,
so the results are bitwise identical for any number of numba threads.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from simsuite.models.couzin.params import StepParams, check_state
from simsuite.models.couzin.vectors import perp_basis, unit_or_zero

__all__ = ["draw_noise", "turn_and_move"]

# |part of d̂ perpendicular to v̂| below this: treated as antiparallel, turning plane from the RNG
PARALLEL_TOL = 1e-12


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
    if wn <= PARALLEL_TOL:
        e1x, e1y, e1z, e2x, e2y, e2z = perp_basis(vx, vy, vz)
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
    return unit_or_zero(vx * cm + wx * sm, vy * cm + wy * sm, vz * cm + wz * sm, 0.0)


@numba.njit(cache=True)
def _interpolated_turn(vx, vy, vz, tx, ty, tz, max_turn):
    """dewi-kadita's turn: normalise(v̂ + f (t̂ − v̂)), f = min(1, max_turn/angle); zero → keep v̂."""
    c = vx * tx + vy * ty + vz * tz
    sx, sy, sz = vy * tz - vz * ty, vz * tx - vx * tz, vx * ty - vy * tx
    angle = math.atan2(math.sqrt(sx * sx + sy * sy + sz * sz), c)
    if angle <= max_turn:
        return tx, ty, tz
    f = max_turn / angle
    nx, ny, nz = unit_or_zero(vx + f * (tx - vx), vy + f * (ty - vy), vz + f * (tz - vz), 1.0)
    if nx == 0.0 and ny == 0.0 and nz == 0.0:
        return vx, vy, vz
    return nx, ny, nz


@numba.njit(cache=True, parallel=True, fastmath=False)
def _turn_and_move(
    pos, head, desired, noise, new_pos, new_head, max_turn, step_length, box, interp, additive
):
    """Rules 4–6 for every agent into ``new_pos``, ``new_head`` (see :func:`turn_and_move`)."""
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
                e1x, e1y, e1z, e2x, e2y, e2z = perp_basis(tx, ty, tz)
                cp, sp = math.cos(phi), math.sin(phi)
                cs, ss = math.cos(noise[i, 1]), math.sin(noise[i, 1])
                ux, uy, uz = e1x * cs + e2x * ss, e1y * cs + e2y * ss, e1z * cs + e2z * ss
                tx, ty, tz = unit_or_zero(
                    tx * cp + ux * sp, ty * cp + uy * sp, tz * cp + uz * sp, 0.0
                )
        if interp:
            nx, ny, nz = _interpolated_turn(vx, vy, vz, tx, ty, tz, max_turn)
        else:
            nx, ny, nz = _exact_turn(vx, vy, vz, tx, ty, tz, max_turn, beta)
        if additive and (noise[i, 0] != 0.0 or noise[i, 1] != 0.0 or noise[i, 2] != 0.0):
            gx, gy, gz = unit_or_zero(nx + noise[i, 0], ny + noise[i, 1], nz + noise[i, 2], 0.0)
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
    pos, head = check_state(pos, head)
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
