"""Order parameters, entropies and OSI of every snapshot of a trajectory, all snapshots at once.

:func:`schooling_timeseries` returns, snapshot by snapshot, the numbers of
:func:`~simsuite.diagnostics.schooling.osi.oceanic_schooling_index`,
:func:`~simsuite.diagnostics.schooling.order.order_parameters` and
:func:`~simsuite.diagnostics.schooling.order.nearest_neighbour_statistics`: the same histogram
counts, bit for bit, and entropies equal to rounding (~1e-16). The per-agent geometry, a k-d tree of
its own, the pair histogram and the other histograms are compiled kernels
(:mod:`~simsuite.diagnostics.schooling.snapshot_kernels`,
:mod:`~simsuite.diagnostics.schooling.neighbours_kernels`,
:mod:`~simsuite.diagnostics.schooling.histogram_kernels`) run in parallel over the snapshots on
numba's threads; NumPy does the rest over (snapshot, agent) arrays. The order parameters always use
the simsuite centroid, whatever the entropy definition.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from simsuite.diagnostics.schooling.definitions import (
    BINS,
    EIGENVALUE_FLOOR,
    ENTROPIES,
    NEIGHBOURS,
    PHI_BINS,
    THETA_BINS,
    SchoolingDefinition,
    check_box,
    definition_named,
    warn_degenerate,
)
from simsuite.diagnostics.schooling.geometry import box_side, centroid, norm3, wrap
from simsuite.diagnostics.schooling.histogram_kernels import row_counts
from simsuite.diagnostics.schooling.histograms import (
    heading_bins,
    polarization_weight,
    row_bincount,
    row_entropies,
)
from simsuite.diagnostics.schooling.neighbours_kernels import neighbour_cv
from simsuite.diagnostics.schooling.order import NN_KEYS
from simsuite.diagnostics.schooling.osi import OSI_WEIGHTS
from simsuite.diagnostics.schooling.snapshot_kernels import school_terms

__all__ = ["schooling_timeseries"]


# agent-snapshots per chunk of schooling_timeseries: temporaries of ~150 MB at most, and few
# parallel regions (each waits for its slowest thread, however long a loaded machine delays it)
_SERIES_CHUNK = 2**20
_SERIES_KEYS = (
    *ENTROPIES,
    "oceanic_schooling_index",
    "polarization",
    "rotation",
    "order_index",
    "group_spread",
    "centroid",
    *NN_KEYS,
)


def schooling_timeseries(
    positions, velocities, box_size=None, definition: str = "simsuite"
) -> dict[str, np.ndarray]:
    """Order parameters, entropies and OSI of every snapshot of a (T, N, 3) trajectory.

    Parameters
    ----------
    positions : array_like
        The agents' positions, shape (T, N, 3): T snapshots of N agents.
    velocities : array_like
        Their velocities, shape (T, N, 3).
    box_size : float, optional
        Side L of the periodic box; None (or 0) for open space.
    definition : str
        ``"simsuite"`` (default) or ``"dewi-kadita"``, as in :func:`oceanic_schooling_index`.

    Returns
    -------
    dict of str to ndarray
        Arrays over the first axis: the keys of :func:`oceanic_schooling_index`, and
        ``polarization``, ``rotation``, ``order_index``, ``group_spread``, ``centroid`` (shape
        (T, 3)) and the keys of :func:`nearest_neighbour_statistics`. The order parameters always
        use the simsuite (periodic-aware) centroid; ``definition`` selects only the entropies.
        Degenerate snapshots are reported in one warning for the whole series.

    Notes
    -----
    The same numbers as ``oceanic_schooling_index`` and :func:`order_parameters` snapshot by
    snapshot (the histogram counts bit for bit, the entropies to rounding), computed for many
    snapshots at once: the compiled kernels of this package's ``*_kernels`` modules (per-agent
    geometry, k nearest neighbours and pair cosines in one region parallel over the snapshots, then
    the histograms), and NumPy over (snapshot, agent) arrays for the rest. Chunks of about 10⁶
    agent-snapshots bound the temporaries.
    """
    positions = np.asarray(positions, dtype=float)
    velocities = np.asarray(velocities, dtype=float)
    if positions.ndim != 3 or positions.shape != velocities.shape or positions.shape[2] != 3:
        raise ValueError(
            f"positions and velocities must both have shape (T, N, 3), "
            f"got {positions.shape} and {velocities.shape}"
        )
    spec = definition_named(definition)
    t_count, n = positions.shape[:2]
    if t_count == 0:
        return {key: np.empty((0, 3) if key == "centroid" else 0) for key in _SERIES_KEYS}
    box = box_side(box_size)
    check_box(spec, box)
    series = {key: np.empty((t_count, 3) if key == "centroid" else t_count) for key in _SERIES_KEYS}
    step = max(1, _SERIES_CHUNK // max(n, 1))
    for start in range(0, t_count, step):
        chunk = slice(start, start + step)
        values = _series_chunk(positions[chunk], velocities[chunk], box, spec)
        for key in _SERIES_KEYS:
            series[key][chunk] = values[key]
    warn_degenerate(spec, _degenerate_snapshots(series, spec, n), n, stacklevel=3)
    return series


def _series_chunk(
    positions: np.ndarray, velocities: np.ndarray, box: float | None, spec: SchoolingDefinition
) -> dict[str, np.ndarray]:
    """:func:`schooling_timeseries` of T snapshots, each step for all of them at once.

    The compiled kernels do the per-agent work, the neighbour search, the pair histogram and the
    other histograms, repeating the arithmetic of the per-snapshot path
    (:class:`~simsuite.diagnostics.schooling.entropies.SchoolSnapshot`: ``unit_vectors``,
    ``offsets``, ``np.cross``, cKDTree, ``bin_counts``, ``np.histogram``); NumPy computes the
    heading angles of H_pol (its ``arccos`` and ``arctan2``, which a compiled libm need not round
    alike), the centroids and the entropies.
    """
    t_count, n = positions.shape[:2]
    centre = centroid(positions, box)
    placed = wrap(positions, box) if box else positions  # the seed's, and the neighbour search's
    k = min(NEIGHBOURS, n - 1) if n >= 2 else 0  # H_coh, H_NN and the statistics: one search
    clip = spec.clip_to_range
    bins = BINS["entropy_velocity_correlation"]
    terms = school_terms(
        positions, velocities, centre, placed, box, not spec.circular_centroid, k, bins, clip
    )
    out = {
        "polarization": norm3(terms.heading_sum) / n,
        "rotation": norm3(terms.moment_sum) / n,
        "centroid": centre,
        "group_spread": np.sqrt(np.mean(terms.squared_offset, axis=1)),
    }
    # max(P, M) as Python's max takes it: P unless M is larger
    out["order_index"] = np.where(
        out["rotation"] > out["polarization"], out["rotation"], out["polarization"]
    )
    if k:
        nearest = terms.neighbours[..., 0]
        stats = (nearest.mean(axis=1), nearest.std(axis=1), nearest.min(axis=1))
        out.update(zip(NN_KEYS, stats, strict=True))
    else:
        out.update(dict.fromkeys(NN_KEYS, np.full(t_count, np.nan)))

    weights: dict[str, np.ndarray] = {}  # the histogram of each entropy
    for name in ENTROPIES:
        if n < spec.min_agents[name]:
            continue
        if name == "entropy_cohesion":
            length = box or terms.extent.max(axis=1)  # np.ptp(positions, axis=0).max()
            counts = row_counts(nearest, 0.0, length / 2, BINS[name], clip)
        elif name == "entropy_polarization":
            index = heading_bins(*terms.heading)
            bins = row_bincount(index, THETA_BINS * PHI_BINS, terms.usable)
            shaped = bins.reshape(t_count, THETA_BINS, PHI_BINS) * polarization_weight(spec)
            counts = shaped.reshape(t_count, -1)
        elif name == "entropy_depth":
            if spec.group_depth_range:
                low, high = terms.depth_range.T
                counts = row_counts(terms.depth, low, high, BINS[name], clip=True)
            else:
                counts = row_counts(terms.depth, 0.0, box, BINS[name], clip)
        elif name == "entropy_angular_momentum":
            usable = terms.angular_usable
            counts = row_counts(terms.moment, 0.0, 1.0, BINS[name], clip, usable)
        elif name == "entropy_nearest_neighbour":
            cv = neighbour_cv(terms.neighbours, seed_guard=not spec.skip_undefined)
            counts = row_counts(cv, 0.0, 2.0, BINS[name], clip)
        elif name == "entropy_velocity_correlation":
            counts = terms.pair_counts
        else:  # entropy_shape: eigenvalues of the covariance as a distribution
            counts = np.maximum(np.linalg.eigvalsh(terms.covariance), EIGENVALUE_FLOOR)
        weights[name] = counts
    osi = np.zeros(t_count)
    for name in ENTROPIES:
        if name in weights:
            counts = weights[name]
            out[name] = row_entropies(counts, counts.shape[1], spec.degenerate_value)
        else:
            out[name] = np.full(t_count, spec.degenerate_value)
        osi += OSI_WEIGHTS[name] * out[name]
    out["oceanic_schooling_index"] = osi
    return out


def _degenerate_snapshots(
    series: Mapping[str, np.ndarray], spec: SchoolingDefinition, n: int
) -> dict[str, int]:
    """Snapshots per entropy with too few agents or a NaN, in the order a loop over the snapshots
    meets them."""
    found = []
    for rank, name in enumerate(ENTROPIES):
        bad = np.isnan(series[name]) | (n < spec.min_agents[name])
        if bad.any():
            found.append((int(np.argmax(bad)), rank, name, int(bad.sum())))
    return {name: count for _, _, name, count in sorted(found)}
