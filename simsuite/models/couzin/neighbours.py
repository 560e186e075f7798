"""Neighbour searches of the Couzin step: the desired directions (rules 1–3) of every agent.

Two kernels compute the same desired directions: an all-pairs O(N²) loop and a cell list
(:mod:`simsuite.models.couzin.cells`): each agent scans the 27 cells around its own. Both fold each
candidate neighbour into the agent's zone sums with :func:`~simsuite.models.couzin.rules.add_neighbour`
and finish with :func:`~simsuite.models.couzin.rules.desired_direction`, so the rules are written once.
:func:`choose_neighbour_search` picks between the two.

Determinism. Each agent's neighbours are summed in a fixed order (index order for all pairs; stencil
order and index order within a cell for the cell list), and every agent is handled by one thread, so
the results are bitwise identical for any number of numba threads. The two searches sum in different
orders, so they agree to rounding (~1e-16), not bitwise (they do agree bitwise when no zone sum has
more than two terms, floating-point addition being commutative).
"""

from __future__ import annotations

import numba
import numpy as np

from simsuite.models.couzin.cells import CELL_MARGIN, build_cells, cells_per_axis, x_ranges
from simsuite.models.couzin.params import StepParams, check_state
from simsuite.models.couzin.rules import NO_NEIGHBOURS, add_neighbour, desired_direction

__all__ = [
    "ALL_PAIRS_MAX_N",
    "NEIGHBOUR_SEARCHES",
    "choose_neighbour_search",
    "desired_all_pairs",
    "desired_directions",
    "desired_in_cells",
]

NEIGHBOUR_SEARCHES = ("auto", "cell", "all_pairs")

#: Below this many agents :func:`choose_neighbour_search` always picks all pairs.
ALL_PAIRS_MAX_N = 128


@numba.njit(cache=True, parallel=True, fastmath=False)
def desired_all_pairs(pos, head, out, r_r, r_o, r_a, cos_fov, box, include_self, weighted, w):
    """Desired directions into ``out`` (N, 3), every agent against every other in index order."""
    n = pos.shape[0]
    ra2_reject = r_a * r_a * (1.0 + 1e-12)
    zones = (r_r, r_o, r_a, ra2_reject, cos_fov, box)
    for i in numba.prange(n):
        xi, yi, zi = pos[i, 0], pos[i, 1], pos[i, 2]
        vix, viy, viz = head[i, 0], head[i, 1], head[i, 2]
        sums = NO_NEIGHBOURS
        for j in range(n):
            sums = add_neighbour(
                sums, pos[j, 0] - xi, pos[j, 1] - yi, pos[j, 2] - zi, head, j, vix, viy, viz, zones
            )
        out[i, 0], out[i, 1], out[i, 2] = desired_direction(
            sums, vix, viy, viz, include_self, weighted, w
        )


@numba.njit(cache=True, parallel=True, fastmath=False)
def desired_in_cells(
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
    """Desired directions into ``out`` (N, 3) from the cell list of
    :func:`~simsuite.models.couzin.cells.build_cells` (agents ``ps``, ``hs`` in cell order; agent k of
    that order is agent ``order[k]`` of ``out``), scanning the 27 cells around each agent's own."""
    n = ps.shape[0]
    periodic = box > 0.0
    ra2_reject = r_a * r_a * (1.0 + 1e-12)
    zones = (r_r, r_o, r_a, ra2_reject, cos_fov, box)
    for k in numba.prange(n):
        xi, yi, zi = ps[k, 0], ps[k, 1], ps[k, 2]
        vix, viy, viz = hs[k, 0], hs[k, 1], hs[k, 2]
        c = cell_of[k]
        cx = c % nx
        cy = (c // nx) % ny
        cz = c // (nx * ny)
        a0, a1, b0, b1 = x_ranges(cx, nx, periodic)
        sums = NO_NEIGHBOURS
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
                        sums = add_neighbour(
                            sums,
                            ps[m, 0] - xi,
                            ps[m, 1] - yi,
                            ps[m, 2] - zi,
                            hs,
                            m,
                            vix,
                            viy,
                            viz,
                            zones,
                        )
        i = order[k]
        out[i, 0], out[i, 1], out[i, 2] = desired_direction(
            sums, vix, viy, viz, include_self, weighted, w
        )


def choose_neighbour_search(pos: np.ndarray, params: StepParams) -> str:
    """Pick ``"cell"`` or ``"all_pairs"`` for the agents at ``pos``.

    The cell list scans the 27 cells (edge h ≥ r_a) around each agent. It pays off for large groups, even
    ones only a few r_a across, where most stencils cover most of the group (the cell-sorted order makes
    the in-range test predictable); a group within ≤ 2 cells per axis gains nothing.
    ``benchmarks/couzin_bench.py`` times both searches. The rule:

    * ``"all_pairs"`` when N < :data:`ALL_PAIRS_MAX_N` (= 128), where a step is cheap either way;
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
    edge = params.r_a * (1.0 + CELL_MARGIN)
    if params.box > 0.0:
        nc = cells_per_axis(params)
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
    pos, head = check_state(pos, head)
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
        ok, nx, ny, nz, start, order, cell_of, ps, hs = build_cells(
            pos, head, params.r_a, params.box, max(64, 4 * n)
        )
        if ok:
            desired_in_cells(ps, hs, order, cell_of, start, nx, ny, nz, out, *args)
            return out
    desired_all_pairs(pos, head, out, *args)
    return out
