"""Compiled per-snapshot work of the schooling time series, in parallel over the snapshots.

:func:`school_terms` computes, for all snapshots of a chunk at once, one snapshot per task of a numba
``prange`` (on the threads numba was given):

* the headings, centroid offsets, r̂ × v̂ and the sums of the order parameters, the covariance of
  the shape entropy and the extents of the group (here);
* the k nearest-neighbour distances of every agent
  (:func:`~simsuite.diagnostics.schooling.neighbours_kernels.knn_snapshot`);
* the histogram of the cosines v̂_i·v̂_j over all pairs i < j
  (:func:`~simsuite.diagnostics.schooling.histogram_kernels.pair_snapshot`).

Each repeats the arithmetic of the per-snapshot NumPy path operation for operation, so that the
histograms hold the same counts bit for bit: lengths are √((x² + y²) + z²) as ``np.linalg.norm``
sums them, r̂ × v̂ as ``np.cross`` computes it, and sums over the agents run in agent order as NumPy
reduces that axis. numba compiles without fast-math (no fused multiply-add, no reassociation), and
only + − × ÷ √ and rounding to integers are used, which IEEE 754 rounds alike everywhere; the
transcendental functions stay in NumPy.

numba's on-disk cache (``cache=True``) of :func:`school_terms`' parallel kernel holds the kernels it
calls from the two other ``*_kernels`` modules but is only invalidated when this file changes: after
editing those, clear the ``__pycache__`` of this package (numba issue #1833).
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from simsuite.diagnostics.schooling.histogram_kernels import pair_snapshot
from simsuite.diagnostics.schooling.neighbours_kernels import MAX_NEIGHBOURS, knn_snapshot

__all__ = ["SchoolTerms", "school_terms"]


# -- per-agent geometry ----------------------------------------------------------------------------
@numba.njit(cache=True)
def _offset(p, c, box, i):  # pragma: no cover - compiled
    """x_i − c, by the minimum image in a periodic box (np.round rounds half to even: np.rint)."""
    dx, dy, dz = p[i, 0] - c[0], p[i, 1] - c[1], p[i, 2] - c[2]
    if box > 0.0:
        dx -= box * np.rint(dx / box)
        dy -= box * np.rint(dy / box)
        dz -= box * np.rint(dz / box)
    return dx, dy, dz


@numba.njit(cache=True)
def _agent_snapshot(p, v, c, placed, box, seed, out, mask, per):  # pragma: no cover - compiled
    """The per-agent terms of :func:`school_terms` for one snapshot. ``out`` (6, N): unit heading
    (3), |r̂ × v̂|, depth, |d|²; ``mask`` (2, N): heading usable, agent usable for H_ang; ``per``
    (20,): Σ v̂ (3), Σ r̂ × v̂ (3), the covariance (9), max − min of the positions per axis (3), min
    and max of the depth (2)."""
    n = p.shape[0]
    if n == 0:
        return
    if seed:  # the seed's centroid: the mean of the wrapped positions, summed agent by agent
        mx, my, mz = placed[0, 0], placed[0, 1], placed[0, 2]
        for i in range(1, n):
            mx += placed[i, 0]
            my += placed[i, 1]
            mz += placed[i, 2]
        mx, my, mz = mx / n, my / n, mz / n
    for i in range(n):
        vx, vy, vz = v[i, 0], v[i, 1], v[i, 2]
        speed = np.sqrt(vx * vx + vy * vy + vz * vz)
        hx = hy = hz = 0.0
        if speed > 0.0:
            hx, hy, hz = vx / speed, vy / speed, vz / speed
        dx, dy, dz = _offset(p, c, box, i)
        d2 = dx * dx + dy * dy + dz * dz
        distance = np.sqrt(d2)
        rx = ry = rz = 0.0
        if distance > 0.0:
            rx, ry, rz = dx / distance, dy / distance, dz / distance
        # r̂ × v̂ with the arithmetic of np.cross
        cx, cy, cz = ry * hz - rz * hy, rz * hx - rx * hz, rx * hy - ry * hx
        # the order parameters' sums, over the agents in their order as NumPy reduces the agent
        # axis of (N, 3): the first term, then one addition per agent
        if i == 0:
            per[0], per[1], per[2], per[3], per[4], per[5] = hx, hy, hz, cx, cy, cz
        else:
            per[0] += hx
            per[1] += hy
            per[2] += hz
            per[3] += cx
            per[4] += cy
            per[5] += cz
        if seed:  # the seed's guard: a vector shorter than 1e-10 divided by 1
            scale = 1.0 if speed < 1e-10 else speed
            hx, hy, hz = vx / scale, vy / scale, vz / scale
            dx, dy, dz = placed[i, 0] - mx, placed[i, 1] - my, placed[i, 2] - mz
            distance = np.sqrt(dx * dx + dy * dy + dz * dz)
            scale = 1.0 if distance < 1e-10 else distance
            rx, ry, rz = dx / scale, dy / scale, dz / scale
            cx, cy, cz = ry * hz - rz * hy, rz * hx - rx * hz, rx * hy - ry * hx
            mask[0, i] = mask[1, i] = True
            depth = placed[i, 2]
        else:
            mask[0, i] = speed > 0.0
            mask[1, i] = speed > 0.0 and distance > 0.0
            depth = dz
        out[0, i], out[1, i], out[2, i] = hx, hy, hz
        out[3, i] = np.sqrt(cx * cx + cy * cy + cz * cz)
        out[4, i] = depth
        out[5, i] = d2
    # extremes: the bounding cube of open space, the simsuite depth range
    for a in range(3):
        low = high = p[0, a]
        for i in range(1, n):
            low = min(low, p[i, a])
            high = max(high, p[i, a])
        per[15 + a] = high - low
    low = high = out[4, 0]
    for i in range(1, n):
        low = min(low, out[4, i])
        high = max(high, out[4, i])
    per[18], per[19] = low, high
    # covariance of the shape's source (the offsets, or the seed's wrapped positions), ddof 1;
    # its eigenvalues only feed an entropy, so the order of these sums (not np.cov's) changes
    # nothing beyond rounding
    if n < 2:
        return
    sx = sy = sz = 0.0
    for i in range(n):
        ex, ey, ez = _shape_source(p, c, placed, box, seed, i)
        sx += ex
        sy += ey
        sz += ez
    sx, sy, sz = sx / n, sy / n, sz / n
    cov = per[6:15]
    cov[:] = 0.0
    for i in range(n):
        ex, ey, ez = _shape_source(p, c, placed, box, seed, i)
        ex, ey, ez = ex - sx, ey - sy, ez - sz
        cov[0] += ex * ex
        cov[1] += ex * ey
        cov[2] += ex * ez
        cov[4] += ey * ey
        cov[5] += ey * ez
        cov[8] += ez * ez
    for j in (0, 1, 2, 4, 5, 8):
        cov[j] /= n - 1
    cov[3], cov[6], cov[7] = cov[1], cov[2], cov[5]


@numba.njit(cache=True)
def _shape_source(p, c, placed, box, seed, i):  # pragma: no cover - compiled
    if seed:
        return placed[i, 0], placed[i, 1], placed[i, 2]
    return _offset(p, c, box, i)


# -- everything per snapshot, in parallel over the snapshots ---------------------------------------
@numba.njit(parallel=True, cache=True)
def _school_batch(
    positions, velocities, centre, placed, box, seed, k, bins, clip, edges
):  # pragma: no cover - compiled
    """All the per-snapshot work of a chunk in one parallel region: a region ends only when its
    last thread does, however long a loaded machine keeps that one waiting, so one is better than
    several."""
    t_count, n = positions.shape[0], positions.shape[1]
    # per-agent outputs by component, (component, snapshot, agent): contiguous for NumPy later
    out = np.empty((6, t_count, n))
    mask = np.empty((2, t_count, n), dtype=np.bool_)
    per = np.zeros((t_count, 20))
    neighbours = np.empty((t_count, n, k))
    counts = np.zeros((t_count, bins), dtype=np.int64)
    for t in numba.prange(t_count):
        _agent_snapshot(
            positions[t],
            velocities[t],
            centre[t],
            placed[t],
            box,
            seed,
            out[:, t],
            mask[:, t],
            per[t],
        )
        if k > 0:
            knn_snapshot(placed[t], box, k, neighbours[t])
        pair_snapshot(out[0, t], out[1, t], out[2, t], mask[0, t], bins, clip, edges, counts[t])
    return out, mask, per, neighbours, counts


class SchoolTerms(NamedTuple):
    """Per-agent and per-snapshot quantities of T snapshots; see :func:`school_terms`."""

    heading: np.ndarray  # (3, T, N) headings of the entropies, by component
    usable: np.ndarray  # (T, N) heading counts in H_pol and H_vel
    moment: np.ndarray  # (T, N) |r̂ × v̂| of the entropies
    angular_usable: np.ndarray  # (T, N) agent counts in H_ang
    depth: np.ndarray  # (T, N) z offset from the centroid, or the seed's wrapped z
    squared_offset: np.ndarray  # (T, N) |d|²
    heading_sum: np.ndarray  # (T, 3) Σ v̂ (zero velocities contributing nothing)
    moment_sum: np.ndarray  # (T, 3) Σ r̂ × v̂
    covariance: np.ndarray  # (T, 3, 3) of the offsets, or of the seed's wrapped positions
    extent: np.ndarray  # (T, 3) max − min of the positions per axis
    depth_range: np.ndarray  # (T, 2) min and max of the depth
    neighbours: np.ndarray  # (T, N, k) nearest-neighbour distances
    pair_counts: np.ndarray  # (T, bins) histogram of the pair cosines of the usable headings


def school_terms(
    positions: np.ndarray,
    velocities: np.ndarray,
    centre: np.ndarray,
    placed: np.ndarray,
    box_size: float | None,
    seed: bool,
    k: int,
    bins: int,
    clip: bool,
) -> SchoolTerms:
    """The per-agent geometry, the k nearest neighbours and the pair histogram of T snapshots.

    Parameters
    ----------
    positions, velocities : (T, N, 3).
    centre : (T, 3) simsuite centroids (:func:`~simsuite.diagnostics.schooling.geometry.centroid`).
    placed : (T, N, 3) the positions wrapped into [0, L) in a periodic box, the positions in open
        space: the seed's positions, and those of the neighbour search.
    box_size : periodic box side, or None/0 for open space.
    seed : the dewi-kadita definition for the entropies' terms (else simsuite).
    k : neighbours per agent, 0 (none) or 1 … min(N − 1, 7), as
        :func:`~simsuite.diagnostics.schooling.neighbours_kernels.neighbour_distances`.
    bins, clip : the pair histogram of the usable headings, as
        :func:`~simsuite.diagnostics.schooling.histogram_kernels.pair_cosine_counts`.

    Returns
    -------
    :class:`SchoolTerms`. Agent by agent: v̂ = v/|v| (0 if v = 0), the offset d = x − centre (minimum
    image in a box), r̂ = d/|d| (0 at the centroid), r̂ × v̂ and its length, each with the arithmetic
    of :func:`~simsuite.diagnostics.schooling.geometry.unit_vectors`, ``offsets`` and ``np.cross``,
    so that the histograms of these values hold the counts of the NumPy path. With ``seed`` the entropies'
    terms are the seed's instead: v and the offset from the plain mean of ``placed`` divided by 1
    when shorter than 1e-10, every agent usable, depth the wrapped z. The order parameters' sums
    always use the simsuite terms and run agent by agent, as NumPy reduces the agent axis.
    """
    arrays = [
        np.ascontiguousarray(a, dtype=np.float64) for a in (positions, velocities, centre, placed)
    ]
    n = arrays[0].shape[1]
    if k != 0 and not 1 <= k <= min(n - 1, MAX_NEIGHBOURS):
        raise ValueError(f"k must be 0 or in [1, min(N − 1, {MAX_NEIGHBOURS})] with N = {n}")
    edges = np.linspace(0.0, 1.0, bins + 1)  # np.histogram's edges for range (0, 1)
    box = float(box_size or 0.0)
    out, mask, per, neighbours, counts = _school_batch(
        *arrays, box, bool(seed), int(k), int(bins), bool(clip), edges
    )
    return SchoolTerms(
        heading=out[0:3],
        usable=mask[0],
        moment=out[3],
        angular_usable=mask[1],
        depth=out[4],
        squared_offset=out[5],
        heading_sum=per[:, 0:3],
        moment_sum=per[:, 3:6],
        covariance=per[:, 6:15].reshape(-1, 3, 3),
        extent=per[:, 15:18],
        depth_range=per[:, 18:20],
        neighbours=neighbours,
        pair_counts=counts,
    )
