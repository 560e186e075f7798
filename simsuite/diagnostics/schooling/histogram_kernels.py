"""Compiled histograms: the cosines of all pairs of headings, and per-agent values row by row.

* :func:`pair_cosine_counts` (and :func:`pair_snapshot`, which
  :mod:`~simsuite.diagnostics.schooling.snapshot_kernels` runs per snapshot): the histogram of
  (1 + v̂_i·v̂_j)/2 over all pairs i < j of usable headings, O(N²) without an N × N array (H_vel).
* :func:`row_counts`: the histogram of each row of per-agent values (H_coh, H_depth, H_ang, H_NN).

Bins are those of :func:`~simsuite.diagnostics.schooling.histograms.bin_counts` (``clip``: the
simsuite definition) and of ``np.histogram`` (values outside dropped: the dewi-kadita one), bit for
bit: the cosine is (x_i x_j + y_i y_j) + z_i z_j, and a bin index is computed as those functions
compute it. numba compiles without fast-math (no fused multiply-add, no reassociation), and only
+ − × ÷ and rounding to integers are used, which IEEE 754 rounds alike everywhere.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["pair_snapshot", "pair_cosine_counts", "row_counts"]


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
            # _clipped_bin written out ((c + 1)·scale is (c − (−1))·scale to the last bit), to keep
            # a call out of the innermost loop
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
    """The bin of ``histograms.bin_counts(clip=True)``: (value − lo)·scale clipped to [0, top],
    truncated (a NaN, which NumPy would refuse, goes to bin 0 rather than outside the array)."""
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
def pair_snapshot(x, y, z, usable, bins, clip, edges, counts):  # pragma: no cover - compiled
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
        pair_snapshot(
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


# -- histograms of per-agent values ----------------------------------------------------------------
# Serial: binning is cheap next to what a parallel region costs on a loaded machine (the region
# ends when its last thread does, however long the scheduler kept that one waiting).
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

    ``clip``: the bins of :func:`~simsuite.diagnostics.schooling.histograms.bin_counts`
    (⌊(v − lo)·bins/(hi − lo)⌋
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
