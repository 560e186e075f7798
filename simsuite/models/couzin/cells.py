"""The cell list of the Couzin neighbour search: cubic cells of edge h ≥ r_a, agents counting-sorted by cell.

Allen & Tildesley, *Computer Simulation of Liquids*, 2nd ed., OUP 2017, §5.3.2. In open space the cells
tile the bounding box of the group; in a periodic cube of side L there are n_c = ⌊L/r_a⌋ cells per axis,
edge L/n_c, and the 27-cell stencil around an agent's cell wraps around (minimum image). n_c < 3 would
visit a cell twice, so the cell list then reports that it cannot be used. Cells are (1 + 1e-9)·r_a wide,
so that the rounding of cell indices cannot hide a neighbour.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from simsuite.models.couzin.params import StepParams

__all__ = ["CELL_MARGIN", "build_cells", "cells_per_axis", "x_ranges"]

# cells are (1 + this)·r_a wide, so that the rounding of cell indices cannot hide a neighbour
CELL_MARGIN = 1e-9


@numba.njit(cache=True)
def build_cells(pos, head, r_a, box, max_cells):
    """Cell grid and counting sort of the agents by cell (serial, O(N + cells)).

    Returns ``(ok, nx, ny, nz, start, order, cell_of, ps, hs)``: the agents ``order[start[c]:start[c+1]]``
    lie in cell c = (z·ny + y)·nx + x, in increasing index order; ``ps``, ``hs`` and ``cell_of`` are
    positions, headings and cells in that sorted order. ``ok`` is False when the periodic box has fewer
    than 3 cells per axis (the 27-cell stencil would visit a cell twice).
    """
    n = pos.shape[0]
    edge = r_a * (1.0 + CELL_MARGIN)
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
def x_ranges(cx, nx, periodic):
    """The x-neighbour cells of column cx as up to two contiguous ranges [a0, a1] and [b0, b1]."""
    if not periodic:
        return max(cx - 1, 0), min(cx + 1, nx - 1), 0, -1
    if cx == 0:
        return 0, 1, nx - 1, nx - 1
    if cx == nx - 1:
        return nx - 2, nx - 1, 0, 0
    return cx - 1, cx + 1, 0, -1


def cells_per_axis(params: StepParams) -> int:
    """Cells per axis of the periodic grid (0 in open space)."""
    if params.box <= 0.0 or params.r_a <= 0.0:
        return 0
    return int(math.floor(params.box / (params.r_a * (1.0 + CELL_MARGIN))))
