"""Histograms of the schooling entropies and their normalised Shannon entropy.

Each entropy is the Shannon entropy (natural log) [Sha48]_ of a histogram with K bins,
H = −Σ p_b ln p_b over the occupied bins, divided by ln K (empty bins counted in K), so 0 means every
agent in one bin and 1 a flat histogram. Bins are equal on [lo, hi], the last one closed as in
``np.histogram``; with ``clip`` a value outside the range goes to the end bin (the simsuite
definition), otherwise it is dropped (the dewi-kadita one). This module bins one snapshot
(:func:`bin_counts`, :func:`heading_bins`, :func:`pair_cosine_histogram`) or rows of snapshots
(:func:`row_bincount`, :func:`row_entropies`); the compiled kernels of
:mod:`~simsuite.diagnostics.schooling.histogram_kernels` give the same counts bit for bit.

References
----------
.. [Sha48] C. E. Shannon, "A mathematical theory of communication", Bell Syst. Tech. J. 27,
   379–423 (1948).
"""

from __future__ import annotations

import numpy as np

from simsuite.diagnostics.schooling.definitions import PHI_BINS, THETA_BINS, SchoolingDefinition
from simsuite.diagnostics.schooling.histogram_kernels import pair_cosine_counts

__all__ = [
    "bin_counts",
    "normalised_entropy",
    "heading_bins",
    "polarization_weight",
    "pair_cosine_histogram",
    "row_bincount",
    "row_entropies",
]

_PAIR_BLOCK = 2**18  # pair values held at once by H_vel


def bin_counts(values: np.ndarray, lo: float, hi: float, bins: int, clip: bool) -> np.ndarray:
    """Counts in ``bins`` equal bins on [lo, hi] (last bin closed, as ``np.histogram``).

    ``clip`` puts values outside the range into the end bins and a zero-width range into bin 0;
    otherwise they are dropped, as ``np.histogram`` does.
    """
    if not clip:
        return np.histogram(values, bins=bins, range=(lo, hi))[0]
    index = values - lo
    index *= bins / (hi - lo) if hi > lo else 0.0
    np.clip(index, 0, bins - 1, out=index)  # then truncation is the floor
    return np.bincount(index.astype(np.intp).ravel(), minlength=bins)


def normalised_entropy(weights: np.ndarray, n_states: int, degenerate: float) -> float:
    """−Σ p ln p / ln n_states for p ∝ weights; ``degenerate`` when nothing was counted."""
    total = weights.sum()
    if total <= 0:
        return degenerate
    p = weights[weights > 0] / total
    return float((0.0 - np.sum(p * np.log(p))) / np.log(n_states))  # 0.0 − 0: no −0.0


def heading_bins(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """H_pol bin i·24 + j of each heading (x, y, z): polar angle bin i, azimuth bin j."""
    theta = np.arccos(np.clip(z, -1.0, 1.0))
    phi = np.arctan2(y, x) + np.pi
    i = np.minimum((theta * (THETA_BINS / np.pi)).astype(np.intp), THETA_BINS - 1)
    j = np.minimum((phi * (PHI_BINS / (2 * np.pi))).astype(np.intp), PHI_BINS - 1)
    return i * PHI_BINS + j


def polarization_weight(spec: SchoolingDefinition) -> np.ndarray:
    """(12, 1) weight of the H_pol counts per polar bin."""
    edges = np.linspace(0.0, np.pi, THETA_BINS + 1)
    if spec.solid_angle_weights:
        # Ω = Δφ (cos θ_lo − cos θ_hi): a density on the sphere, flat for isotropic headings
        weight = 1.0 / ((2 * np.pi / PHI_BINS) * -np.diff(np.cos(edges)))
    else:
        weight = np.sin(0.5 * (edges[:-1] + edges[1:]))
    return weight[:, np.newaxis]


def pair_cosine_histogram(unit: np.ndarray, bins: int, clip: bool) -> np.ndarray:
    """Histogram of (1 + v̂_i·v̂_j)/2 over pairs i < j on [0, 1] (no N×N array).

    ``clip``: the compiled kernel (:mod:`~simsuite.diagnostics.schooling.histogram_kernels`).
    Otherwise ``np.histogram`` in row blocks; the dot products are three outer products summed in
    place rather than a matrix product: with an inner dimension of 3, a threaded BLAS call costs
    more than it computes on a busy machine.
    """
    if clip:
        return pair_cosine_counts(unit[np.newaxis], None, bins, clip=True)[0]
    n = len(unit)
    columns = np.ascontiguousarray(unit.T)
    counts = np.zeros(bins, dtype=np.int64)
    rows = max(1, _PAIR_BLOCK // max(n, 1))
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        block = unit[start:stop]
        # pairs inside the block (upper triangle), then the block against all later agents
        diagonal = _dot_outer(block, columns[:, start:stop])[np.triu_indices(stop - start, k=1)]
        for cosines in (diagonal, _dot_outer(block, columns[:, stop:]).ravel()):
            counts += bin_counts((cosines + 1.0) / 2.0, 0.0, 1.0, bins, clip=False)
    return counts


def _dot_outer(rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """rows @ columns for (m, 3) rows and (3, k) columns, as Σ_c outer(rows[:, c], columns[c])."""
    out = np.multiply.outer(rows[:, 0], columns[0])
    term = np.empty_like(out)
    for c in (1, 2):
        out += np.multiply.outer(rows[:, c], columns[c], out=term)
    return out


def row_bincount(index: np.ndarray, bins: int, usable: np.ndarray | None = None) -> np.ndarray:
    """(T, bins) counts of the (T, M) bin indices of each row (only the ``usable`` ones)."""
    flat = index + bins * np.arange(len(index))[:, np.newaxis]
    flat = flat.ravel() if usable is None else flat[usable]
    return np.bincount(flat, minlength=len(index) * bins).reshape(len(index), bins)


def row_entropies(weights: np.ndarray, n_states: int, degenerate: float) -> np.ndarray:
    """:func:`normalised_entropy` of each row of (T, K) ``weights``."""
    total = weights.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = weights / total[:, np.newaxis]
        terms = np.where(weights > 0, p * np.log(p), 0.0)
        entropy = (0.0 - terms.sum(axis=1)) / np.log(n_states)
    entropy[total <= 0] = degenerate
    return entropy
