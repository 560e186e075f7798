"""Compiled k nearest neighbours of every agent, and the spread of each agent's neighbour distances.

:func:`neighbour_distances` (and :func:`knn_snapshot`, which
:mod:`~simsuite.diagnostics.schooling.snapshot_kernels` runs per snapshot) gives the k
nearest-neighbour distances of every agent from a k-d tree built per snapshot: median splits along
the widest axis of the node's cell, leaves of 16, tight bounding boxes; the query walks the nearer
child first and skips a node whose box is further than its current k-th distance. A tree rather than
a cell list because a school's density is far from uniform: one agent that strays puts the whole
school into a few cells of a grid over the bounding box. :func:`neighbour_cv` gives the coefficient
of variation of each agent's neighbour distances (H_NN).

The distances equal, to the last bit, those of ``scipy.spatial.cKDTree``: the squared distance is
((0 + dx²) + dy²) + dz², dx the minimum image of x_i − x_j in a periodic box, then its square root.
numba compiles without fast-math (no fused multiply-add, no reassociation), and only + − × ÷ √ are
used, which IEEE 754 rounds alike everywhere.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["MAX_NEIGHBOURS", "knn_snapshot", "neighbour_distances", "neighbour_cv"]

_LEAF_SIZE = 16  # points per k-d tree leaf: a leaf is scanned in one tight loop
MAX_NEIGHBOURS = 7  # the query keeps its k + 1 best in eight registers
_PRUNE_SLACK = 1e-10  # relative: a node is skipped only if clearly further than the k-th distance


# -- k nearest neighbours --------------------------------------------------------------------------
@numba.njit(cache=True)
def _select(xs, ys, zs, ids, axis, lo, hi, kth):  # pragma: no cover - compiled
    """Hoare's selection on the points ``lo:hi`` of the coordinate arrays: afterwards point kth has
    rank kth along ``axis``, none before it larger and none after it smaller (the four arrays are
    permuted together). Expected O(hi − lo); runs of equal coordinates (coincident agents) split
    evenly instead of degrading to O(n²)."""
    keys = xs if axis == 0 else (ys if axis == 1 else zs)
    left, right = lo, hi - 1
    while left < right:
        pivot = keys[(left + right) // 2]
        i, j = left, right
        while i <= j:
            while keys[i] < pivot:
                i += 1
            while keys[j] > pivot:
                j -= 1
            if i <= j:
                xs[i], xs[j] = xs[j], xs[i]
                ys[i], ys[j] = ys[j], ys[i]
                zs[i], zs[j] = zs[j], zs[i]
                ids[i], ids[j] = ids[j], ids[i]
                i += 1
                j -= 1
        if kth <= j:
            right = j
        elif kth >= i:
            left = i
        else:  # points j + 1 … i − 1 all sit at the pivot
            return


@numba.njit(cache=True)
def _build_tree(points, xs, ys, zs, ids, start, end, child, lo, hi):  # pragma: no cover - compiled
    """Build the k-d tree of ``points`` (N, 3); returns the number of nodes.

    On return ``xs, ys, zs`` hold the coordinates in tree order and ``ids`` the agent of each.
    Node ``v`` holds the points ``start[v]:end[v]``; unless it is a leaf (``child[v] = −1``) its
    children are ``child[v]`` and ``child[v] + 1``, the halves at the median along the widest axis
    of the node's cell (its parent's cell cut at the parent's median: no pass over the points per
    node). A node with at most ``_LEAF_SIZE`` points, or whose points coincide along every axis,
    is a leaf. ``lo[v], hi[v]`` are finally the tight bounding box of the node's points, built
    bottom up from the leaves (children are numbered after their parent).
    """
    n = points.shape[0]
    for i in range(n):
        xs[i], ys[i], zs[i] = points[i, 0], points[i, 1], points[i, 2]
        ids[i] = i
    for a, column in enumerate((xs, ys, zs)):
        lo[0, a], hi[0, a] = column.min(), column.max()
    start[0], end[0] = 0, n
    stack = np.empty(n + 1, dtype=np.int64)  # depth first: at most one pending node per level + 1
    stack[0] = 0
    top, n_nodes = 1, 1
    while top > 0:
        top -= 1
        node = stack[top]
        s, e = start[node], end[node]
        child[node] = -1
        if e - s <= _LEAF_SIZE:
            continue
        axis = 0
        for a in (1, 2):
            if hi[node, a] - lo[node, a] > hi[node, axis] - lo[node, axis]:
                axis = a
        if not hi[node, axis] > lo[node, axis]:
            continue  # its cell is a point: the points coincide (or are NaN)
        mid = (s + e) // 2
        _select(xs, ys, zs, ids, axis, s, e, mid)
        split = (xs, ys, zs)[axis][mid]
        first = n_nodes
        n_nodes += 2
        child[node] = first
        start[first], end[first] = s, mid
        start[first + 1], end[first + 1] = mid, e
        for c in (first, first + 1):
            for a in range(3):
                lo[c, a], hi[c, a] = lo[node, a], hi[node, a]
        hi[first, axis] = split
        lo[first + 1, axis] = split
        stack[top], stack[top + 1] = first, first + 1
        top += 2
    for node in range(n_nodes - 1, -1, -1):
        first = child[node]
        if first >= 0:
            for a in range(3):
                lo[node, a] = min(lo[first, a], lo[first + 1, a])
                hi[node, a] = max(hi[first, a], hi[first + 1, a])
            continue
        s, e = start[node], end[node]
        for a, column in enumerate((xs, ys, zs)):
            low = high = column[s]
            for i in range(s + 1, e):
                low = min(low, column[i])
                high = max(high, column[i])
            lo[node, a], hi[node, a] = low, high
    return n_nodes


@numba.njit(cache=True)
def _gap(x, lo, hi, box):  # pragma: no cover - compiled
    """Distance along one axis from x to the interval [lo, hi]; with box > 0 the shorter way
    round the periodic axis (x, lo, hi in [0, box)). Without branches: a query sits on either
    side of a node at random, and a mispredicted branch costs more than this arithmetic."""
    below, above = lo - x, x - hi  # at most one of them positive
    gap = max(max(below, above), 0.0)
    if box > 0.0:  # the same for every node of a snapshot: predicted
        # the other way round: box − (hi − x) below the interval, box − (x − lo) above it
        gap = min(gap, box + min(below, above))
    return gap


@numba.njit(cache=True)
def _box_distance2(x, y, z, lo, hi, node, box):  # pragma: no cover - compiled
    """Squared distance from (x, y, z) to the bounding box of ``node``: no point of the node is
    nearer."""
    g = _gap(x, lo[node, 0], hi[node, 0], box)
    d2 = g * g
    g = _gap(y, lo[node, 1], hi[node, 1], box)
    d2 += g * g
    g = _gap(z, lo[node, 2], hi[node, 2], box)
    return d2 + g * g


@numba.njit(cache=True)
def _image(d, box, half):  # pragma: no cover - compiled
    """The minimum image of a coordinate difference d ∈ (−box, box), wrapped as cKDTree does."""
    if d < -half:
        return d + box
    if d > half:
        return d - box
    return d


@numba.njit(cache=True)
def knn_snapshot(points, box, k, out):  # pragma: no cover - compiled
    """k nearest-neighbour distances of one snapshot into ``out`` (N, k); see
    :func:`neighbour_distances`."""
    n = points.shape[0]
    xs, ys, zs = np.empty(n), np.empty(n), np.empty(n)
    ids = np.empty(n, dtype=np.int64)
    size = 2 * n  # a binary tree with non-empty leaves has fewer than 2N nodes
    start = np.empty(size, dtype=np.int64)
    end = np.empty(size, dtype=np.int64)
    child = np.empty(size, dtype=np.int64)
    lo, hi = np.empty((size, 3)), np.empty((size, 3))
    _build_tree(points, xs, ys, zs, ids, start, end, child, lo, hi)
    half = 0.5 * box
    stack = np.empty(size, dtype=np.int64)
    bound = np.empty(size)  # lower bound on the squared distance of each pending node
    d2s = np.empty(n)  # a leaf of coincident agents may exceed _LEAF_SIZE
    for q in range(n):  # the queries in tree order: consecutive queries walk the same nodes
        x, y, z = xs[q], ys[q], zs[q]
        # the k + 1 smallest squared distances, the query's own 0 among them, ascending; scalars
        # stay in registers
        b0 = b1 = b2 = b3 = b4 = b5 = b6 = b7 = np.inf
        worst = np.inf  # b_k
        top = 0
        node = 0
        while True:
            # down the nearer children to a leaf, the farther ones left on the stack
            while child[node] >= 0:
                near, far = child[node], child[node] + 1
                d_near = _box_distance2(x, y, z, lo, hi, near, box)
                d_far = _box_distance2(x, y, z, lo, hi, far, box)
                if d_far < d_near:
                    near, far, d_near, d_far = far, near, d_far, d_near
                limit = worst * (1.0 + _PRUNE_SLACK)
                if d_far <= limit:
                    stack[top], bound[top] = far, d_far
                    top += 1
                if d_near > limit:
                    node = -1
                    break
                node = near
            if node >= 0:
                s, e = start[node], end[node]
                # the squared distances of the whole leaf first, in a loop without branches
                # (the arithmetic of cKDTree: ((0 + dx²) + dy²) + dz²) ...
                if box > 0.0:
                    for v in range(s, e):
                        dx = _image(x - xs[v], box, half)
                        dy = _image(y - ys[v], box, half)
                        dz = _image(z - zs[v], box, half)
                        d2 = 0.0
                        d2 += dx * dx
                        d2 += dy * dy
                        d2 += dz * dz
                        d2s[v - s] = d2
                else:
                    for v in range(s, e):
                        dx = x - xs[v]
                        dy = y - ys[v]
                        dz = z - zs[v]
                        d2 = 0.0
                        d2 += dx * dx
                        d2 += dy * dy
                        d2 += dz * dz
                        d2s[v - s] = d2
                # ... then those below the k-th distance packed to the front, without branches ...
                m = 0
                for v in range(e - s):
                    d = d2s[v]
                    d2s[m] = d
                    m += d < worst
                # ... and inserted into the sorted slots by a min-max network, the largest
                # dropped: no data-dependent branch to mispredict
                for v in range(m):
                    d = d2s[v]
                    b7 = min(b7, max(b6, d))
                    b6 = min(b6, max(b5, d))
                    b5 = min(b5, max(b4, d))
                    b4 = min(b4, max(b3, d))
                    b3 = min(b3, max(b2, d))
                    b2 = min(b2, max(b1, d))
                    b1 = min(b1, max(b0, d))
                    b0 = min(b0, d)
                worst = _pick(k, b1, b2, b3, b4, b5, b6, b7)
            # the next pending node that may still hold a nearer point
            node = -1
            while top > 0:
                top -= 1
                if bound[top] <= worst * (1.0 + _PRUNE_SLACK):
                    node = stack[top]
                    break
            if node < 0:
                break
        # b0 = 0 is the query itself, or an agent at the same place: the same distance
        row = ids[q]
        for j in range(k):
            out[row, j] = np.sqrt(_pick(j + 1, b1, b2, b3, b4, b5, b6, b7))


@numba.njit(cache=True)
def _pick(j, b1, b2, b3, b4, b5, b6, b7):  # pragma: no cover - compiled
    """b_j for j in 1 … 7 (register slots cannot be indexed)."""
    if j == 5:  # the library's k, first
        return b5
    if j == 1:
        return b1
    if j == 2:
        return b2
    if j == 3:
        return b3
    if j == 4:
        return b4
    if j == 6:
        return b6
    return b7


@numba.njit(cache=True)
def _knn_serial(positions, box, k):  # pragma: no cover - compiled
    t_count, n = positions.shape[0], positions.shape[1]
    out = np.empty((t_count, n, k))
    for t in range(t_count):
        knn_snapshot(positions[t], box, k, out[t])
    return out


def neighbour_distances(positions: np.ndarray, box_size: float | None, k: int) -> np.ndarray:
    """Distances from each agent to its k nearest other agents, for every snapshot.

    Parameters
    ----------
    positions : (T, N, 3) array; in a periodic box every coordinate must lie in [0, box_size).
    box_size : side L of the periodic box (distances by the minimum image), or None/0 for open space.
    k : number of neighbours, 1 ≤ k ≤ min(N − 1, 7).

    Returns
    -------
    (T, N, k) array, each row ascending. Equal, to the last bit, to the distances
    ``scipy.spatial.cKDTree(points, boxsize=box_size).query(points, k + 1)`` returns without their
    first column (the agent itself, or a coincident agent: the same distance, 0).
    """
    positions = np.ascontiguousarray(positions, dtype=np.float64)
    if positions.ndim != 3 or positions.shape[2] != 3:
        raise ValueError(f"positions must have shape (T, N, 3), got {positions.shape}")
    n = positions.shape[1]
    if not 1 <= k <= min(n - 1, MAX_NEIGHBOURS):
        raise ValueError(f"k must be in [1, min(N − 1, {MAX_NEIGHBOURS})] with N = {n}, got {k}")
    return _knn_serial(positions, float(box_size or 0.0), int(k))


@numba.njit(cache=True)
def _cv_batch(distances, guard):  # pragma: no cover - compiled
    t_count, n, k = distances.shape
    cv = np.empty((t_count, n))
    for t in range(t_count):  # serial, as the histograms of histogram_kernels
        for i in range(n):
            row = distances[t, i]
            total = row[0]
            for j in range(1, k):
                total += row[j]
            mean = total / k
            deviation = row[0] - mean
            square = deviation * deviation
            for j in range(1, k):
                deviation = row[j] - mean
                square += deviation * deviation
            sd = np.sqrt(square / k)
            if guard:
                cv[t, i] = sd / (mean + 1e-10)
            else:
                cv[t, i] = sd / mean if mean > 0.0 else 0.0
    return cv


def neighbour_cv(distances: np.ndarray, seed_guard: bool) -> np.ndarray:
    """Coefficient of variation sd/mean of each agent's neighbour distances (T, N, k) → (T, N).

    Mean and population sd summed left to right, as ``np.mean`` and ``np.std`` sum a short axis.
    0 where the mean is 0 (coincident neighbours), or with ``seed_guard`` the seed's
    sd/(mean + 1e-10).
    """
    return _cv_batch(np.asarray(distances, dtype=np.float64), bool(seed_guard))
