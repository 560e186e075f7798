"""Compiled kernels of :func:`simsuite.diagnostics.schooling.schooling_timeseries`.

A Couzin output holds T snapshots of N agents (the benchmark: 1000 × 1000). The per-snapshot
NumPy/SciPy path of :mod:`~simsuite.diagnostics.schooling` spends most of its time in a
``scipy.spatial.cKDTree`` per snapshot, an O(N²) pair histogram and the overhead of ~30 small NumPy
calls per snapshot. :func:`school_terms` computes, for all snapshots of a chunk at once, one
snapshot per task of a numba ``prange`` (on the threads numba was given):

* the headings, centroid offsets, r̂ × v̂ and the sums of the order parameters;
* the k nearest-neighbour distances of every agent (also :func:`neighbour_distances`), from a k-d
  tree built per snapshot (median splits along the widest axis of the node's cell, leaves of 16,
  tight bounding boxes; the query walks nearer child first and skips a node whose box is further
  than its current k-th distance). A tree rather than a cell list because a school's density is
  far from uniform: one agent that strays puts the whole school into a few cells of a grid over
  the bounding box;
* the histogram of the cosines v̂_i·v̂_j over all pairs i < j, O(N²) (also
  :func:`pair_cosine_counts`).

:func:`row_counts` and :func:`neighbour_cv` then bin per-agent values and give the coefficient of
variation of each agent's neighbour distances (serial: a few nanoseconds per value).

Each repeats the arithmetic of the per-snapshot path operation for operation, so that the
histograms hold the same counts bit for bit: the squared distance is ((0 + dx²) + dy²) + dz², dx the
minimum image of x_i − x_j in a periodic box (what cKDTree computes, then its square root); the
cosine is (x_i x_j + y_i y_j) + z_i z_j; lengths are √((x² + y²) + z²) as ``np.linalg.norm`` sums
them; sums over the agents run in agent order as NumPy reduces that axis; bins are those of
``_counts`` and of ``np.histogram``. numba compiles without fast-math (no fused multiply-add, no
reassociation), and only + − × ÷ √ and rounding to integers are used, which IEEE 754 rounds alike
everywhere; the transcendental functions stay in NumPy.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

__all__ = [
    "SchoolTerms",
    "school_terms",
    "neighbour_distances",
    "neighbour_cv",
    "pair_cosine_counts",
    "row_counts",
]

_LEAF_SIZE = 16  # points per k-d tree leaf: a leaf is scanned in one tight loop
_MAX_NEIGHBOURS = 7  # the query keeps its k + 1 best in eight registers
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
def _knn_snapshot(points, box, k, out):  # pragma: no cover - compiled
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
        _knn_snapshot(positions[t], box, k, out[t])
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
    if not 1 <= k <= min(n - 1, _MAX_NEIGHBOURS):
        raise ValueError(f"k must be in [1, min(N − 1, {_MAX_NEIGHBOURS})] with N = {n}, got {k}")
    return _knn_serial(positions, float(box_size or 0.0), int(k))


# -- pair cosines ----------------------------------------------------------------------------------
@numba.njit(cache=True)
def _pairs_clipped(ux, uy, uz, m, bins, counts):  # pragma: no cover - compiled
    """Add the pairs of the first m headings to ``counts``: bin (c + 1)·bins/2, clipped to
    [0, bins − 1] and truncated.

    Counting is most of the cost. Rows i and i + 1 go together: each later heading j is loaded
    once for the two pairs (i, j) and (i + 1, j), whose bins (a, b) go to a buffer as one index of a
    bins × bins table (a loop the compiler vectorises); the table then takes one increment per two
    pairs and is split into a and b at the end. Two such tables take alternate increments, since
    consecutive increments of one entry wait on each other's store (in an ordered school most
    pairs share a bin).
    """
    scale = bins / 2.0
    top = bins - 1.0
    index = np.empty(max(m, 1), dtype=np.int32)
    single = np.zeros(bins, dtype=np.int64)
    double = np.zeros((2, bins * bins), dtype=np.int64)
    i = 0
    while i + 1 < m:  # (a range with a step of 2 here keeps the compiler from vectorising)
        x0, y0, z0 = ux[i], uy[i], uz[i]
        x1, y1, z1 = ux[i + 1], uy[i + 1], uz[i + 1]
        c = x0 * x1
        c += y0 * y1
        c += z0 * z1
        single[_clipped_bin(c, -1.0, scale, top)] += 1  # the pair (i, i + 1)
        row = m - i - 2
        for q in range(row):
            j = i + 2 + q
            xj, yj, zj = ux[j], uy[j], uz[j]
            c = x0 * xj
            c += y0 * yj
            c += z0 * zj
            d = x1 * xj
            d += y1 * yj
            d += z1 * zj
            # _clipped_bin written out ((c + 1)·scale is (c − (−1))·scale to the last bit): a call
            # here costs a tenth of the kernel
            a = min((c + 1.0) * scale, top)
            if not a >= 0.0:
                a = 0.0
            b = min((d + 1.0) * scale, top)
            if not b >= 0.0:
                b = 0.0
            index[q] = np.int32(a) * bins + np.int32(b)
        q = 0
        while q + 2 <= row:
            double[0, index[q]] += 1
            double[1, index[q + 1]] += 1
            q += 2
        if q < row:
            double[0, index[q]] += 1
        i += 2
    # with m odd the last row has no later heading
    for a in range(bins):
        for b in range(bins):
            both = double[0, a * bins + b] + double[1, a * bins + b]
            single[a] += both
            single[b] += both
    for b in range(bins):
        counts[b] += single[b]


@numba.njit(cache=True)
def _clipped_bin(value, lo, scale, top):  # pragma: no cover - compiled
    """The bin of ``_counts(clip=True)``: (value − lo)·scale clipped to [0, top], truncated (a NaN,
    which NumPy would refuse, goes to bin 0 rather than outside the array)."""
    b = min((value - lo) * scale, top)
    if not b >= 0.0:
        b = 0.0
    return np.int32(b)  # 32 bits: a conversion the compiler vectorises


@numba.njit(cache=True)
def _edge_bin(value, edges, scale):  # pragma: no cover - compiled
    """The bin of ``np.histogram(values, edges)`` for a value inside [edges[0], edges[−1]]:
    edges[b] ≤ value < edges[b + 1], the last bin closed. An estimate from ``scale`` = bins/width,
    then corrected against the edges themselves, as NumPy does."""
    bins = edges.shape[0] - 1
    b = min(int((value - edges[0]) * scale), bins - 1)
    while b > 0 and value < edges[b]:
        b -= 1
    while b < bins - 1 and value >= edges[b + 1]:
        b += 1
    return b


@numba.njit(cache=True)
def _pairs_binned(ux, uy, uz, m, edges, counts):  # pragma: no cover - compiled
    """Add the pairs of the first m headings to ``counts`` as ``np.histogram((1 + c)/2, edges)``
    bins them: edges[b] ≤ value < edges[b + 1] (the last bin closed), values outside dropped."""
    bins = edges.shape[0] - 1
    lo, hi = edges[0], edges[bins]
    scale = bins / (hi - lo)
    for i in range(m):
        x, y, z = ux[i], uy[i], uz[i]
        for j in range(i + 1, m):
            c = x * ux[j]
            c += y * uy[j]
            c += z * uz[j]
            value = (c + 1.0) / 2.0
            if lo <= value <= hi:
                counts[_edge_bin(value, edges, scale)] += 1


@numba.njit(cache=True)
def _pair_snapshot(x, y, z, usable, bins, clip, edges, counts):  # pragma: no cover - compiled
    """The pair histogram of one snapshot, headings by component, into ``counts``."""
    n = x.shape[0]
    # the usable headings, as three contiguous columns
    ux, uy, uz = np.empty(n), np.empty(n), np.empty(n)
    m = 0
    for i in range(n):
        if usable[i]:
            ux[m], uy[m], uz[m] = x[i], y[i], z[i]
            m += 1
    if clip:
        _pairs_clipped(ux, uy, uz, m, bins, counts)
    else:
        _pairs_binned(ux, uy, uz, m, edges, counts)


@numba.njit(cache=True)
def _pair_serial(unit, usable, bins, clip, edges):  # pragma: no cover - compiled
    t_count = unit.shape[0]
    counts = np.zeros((t_count, bins), dtype=np.int64)
    for t in range(t_count):
        unit_t = unit[t]
        _pair_snapshot(
            unit_t[:, 0], unit_t[:, 1], unit_t[:, 2], usable[t], bins, clip, edges, counts[t]
        )
    return counts


def pair_cosine_counts(
    unit: np.ndarray, usable: np.ndarray | None, bins: int, clip: bool
) -> np.ndarray:
    """Histogram of (1 + v̂_i·v̂_j)/2 on [0, 1] over the pairs i < j of usable headings, per snapshot.

    Parameters
    ----------
    unit : (T, N, 3) headings.
    usable : (T, N) bool, the headings that count (None: all).
    bins : number of equal bins.
    clip : True: bin index ⌊(c + 1)·bins/2⌋ clipped to [0, bins − 1] (a value past an end goes to
        the end bin); False: ``np.histogram`` of (c + 1)/2 on [0, 1] (values outside dropped).

    Returns
    -------
    (T, bins) int64 counts; O(T N²) work, no N × N array.
    """
    unit = np.asarray(unit, dtype=np.float64)  # a strided view will do: the kernel packs rows
    if unit.ndim != 3 or unit.shape[2] != 3:
        raise ValueError(f"unit must have shape (T, N, 3), got {unit.shape}")
    if usable is None:
        usable = np.ones(unit.shape[:2], dtype=bool)
    usable = np.ascontiguousarray(usable, dtype=bool)
    edges = np.linspace(0.0, 1.0, bins + 1)  # np.histogram's edges for range (0, 1)
    return _pair_serial(unit, usable, int(bins), bool(clip), edges)


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
            _knn_snapshot(placed[t], box, k, neighbours[t])
        _pair_snapshot(out[0, t], out[1, t], out[2, t], mask[0, t], bins, clip, edges, counts[t])
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
    centre : (T, 3) simsuite centroids (:func:`simsuite.diagnostics.schooling.centroid`).
    placed : (T, N, 3) the positions wrapped into [0, L) in a periodic box, the positions in open
        space: the seed's positions, and those of the neighbour search.
    box_size : periodic box side, or None/0 for open space.
    seed : the dewi-kadita definition for the entropies' terms (else simsuite).
    k : neighbours per agent, 0 (none) or 1 … min(N − 1, 7), as :func:`neighbour_distances`.
    bins, clip : the pair histogram of the usable headings, as :func:`pair_cosine_counts`.

    Returns
    -------
    :class:`SchoolTerms`. Agent by agent: v̂ = v/|v| (0 if v = 0), the offset d = x − centre (minimum
    image in a box), r̂ = d/|d| (0 at the centroid), r̂ × v̂ and its length, each with the arithmetic
    of :func:`~simsuite.diagnostics.schooling._unit`, ``offsets`` and ``np.cross``, so that the
    histograms of these values hold the counts of the NumPy path. With ``seed`` the entropies'
    terms are the seed's instead: v and the offset from the plain mean of ``placed`` divided by 1
    when shorter than 1e-10, every agent usable, depth the wrapped z. The order parameters' sums
    always use the simsuite terms and run agent by agent, as NumPy reduces the agent axis.
    """
    arrays = [
        np.ascontiguousarray(a, dtype=np.float64) for a in (positions, velocities, centre, placed)
    ]
    n = arrays[0].shape[1]
    if k != 0 and not 1 <= k <= min(n - 1, _MAX_NEIGHBOURS):
        raise ValueError(f"k must be 0 or in [1, min(N − 1, {_MAX_NEIGHBOURS})] with N = {n}")
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


# -- histograms of per-agent values ----------------------------------------------------------------
# Serial: a few nanoseconds per value, less than what a parallel region costs on a loaded machine
# (the region ends when its last thread does, however long the scheduler kept that one waiting).
@numba.njit(cache=True)
def _row_batch(values, lo, hi, bins, clip, edges, usable, masked):  # pragma: no cover
    t_count, m = values.shape[0], values.shape[1]
    counts = np.zeros((t_count, bins), dtype=np.int64)
    top = bins - 1.0
    for t in range(t_count):
        row = counts[t]
        if clip:
            width = hi[t] - lo[t]
            scale = bins / width if hi[t] > lo[t] else 0.0
            for i in range(m):
                if masked and not usable[t, i]:
                    continue
                row[_clipped_bin(values[t, i], lo[t], scale, top)] += 1
        else:
            first, last = edges[0], edges[bins]
            scale = bins / (last - first)
            for i in range(m):
                if masked and not usable[t, i]:
                    continue
                value = values[t, i]
                if first <= value <= last:
                    row[_edge_bin(value, edges, scale)] += 1
    return counts


def row_counts(
    values: np.ndarray,
    lo: float | np.ndarray,
    hi: float | np.ndarray,
    bins: int,
    clip: bool,
    usable: np.ndarray | None = None,
) -> np.ndarray:
    """Histogram of each row of (T, M) ``values`` in ``bins`` equal bins on [lo, hi].

    ``clip``: the bins of ``simsuite.diagnostics.schooling._counts`` (⌊(v − lo)·bins/(hi − lo)⌋
    clipped to [0, bins − 1]; a zero-width range puts everything in bin 0); ``lo``, ``hi`` scalars
    or one per row. Otherwise those of ``np.histogram(row, bins, range=(lo, hi))`` (values outside
    dropped), scalar ``lo`` < ``hi``. Only the ``usable`` (T, M) values count (None: all).
    Returns (T, bins) int64.
    """
    values = np.asarray(values, dtype=np.float64)
    t_count = values.shape[0]
    lo_rows = np.broadcast_to(np.asarray(lo, dtype=np.float64), (t_count,))
    hi_rows = np.broadcast_to(np.asarray(hi, dtype=np.float64), (t_count,))
    edges = (
        np.linspace(float(lo_rows[0]), float(hi_rows[0]), bins + 1)
        if t_count and not clip
        else np.zeros(bins + 1)
    )
    masked = usable is not None
    mask = np.asarray(usable, dtype=bool) if masked else np.ones((1, 1), dtype=bool)
    return _row_batch(values, lo_rows, hi_rows, int(bins), bool(clip), edges, mask, masked)


@numba.njit(cache=True)
def _cv_batch(distances, guard):  # pragma: no cover - compiled
    t_count, n, k = distances.shape
    cv = np.empty((t_count, n))
    for t in range(t_count):  # serial, as _row_batch
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
