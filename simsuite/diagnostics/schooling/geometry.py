"""Geometry of a school: centroid and offsets (periodic-aware), box handling, unit vectors, lengths
and nearest-neighbour distances, shared by the order parameters and the entropies.

* Centroid: the mean position in open space; in a periodic box of side L the circular mean per axis,
  c = L/(2π) · atan2(⟨sin 2πx/L⟩, ⟨cos 2πx/L⟩) mod L, and offsets c_i − c by the minimum image (the
  plain mean of wrapped coordinates puts the centroid in the middle of the box whenever the school
  straddles a face, which makes the rotation order parameter spurious).
* Neighbour distances of one snapshot: ``scipy.spatial.cKDTree``, with ``boxsize`` for the periodic
  box (:mod:`~simsuite.diagnostics.schooling.neighbours_kernels` returns the same distances, bit for
  bit, for many snapshots at once).
* Lengths of 3-vectors are summed (x² + y²) + z², as ``np.linalg.norm`` sums a short last axis, so
  that the compiled kernels can repeat them to the last bit.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

__all__ = [
    "centroid",
    "offsets",
    "box_side",
    "wrap",
    "tree_neighbour_distances",
    "unit_vectors",
    "squared3",
    "norm3",
]


def centroid(positions: np.ndarray, box_size: float | None = None) -> np.ndarray:
    """Group centroid; the per-axis circular mean in a periodic box of side ``box_size``.

    ``positions`` (N, 3), or (T, N, 3) for the centroids (T, 3) of T snapshots."""
    if not box_size:
        return positions.mean(axis=-2)
    angle = 2.0 * np.pi * positions / box_size
    mean_angle = np.arctan2(np.sin(angle).mean(axis=-2), np.cos(angle).mean(axis=-2))
    return np.mod(mean_angle * box_size / (2.0 * np.pi), box_size)


def offsets(positions: np.ndarray, centre: np.ndarray, box_size: float | None = None) -> np.ndarray:
    """c_i − centre, by the minimum image in a periodic box."""
    d = positions - centre
    if box_size:
        d -= box_size * np.round(d / box_size)
    return d


def box_side(box_size) -> float | None:
    """The periodic box side as a float, or None for open space (None or 0)."""
    if box_size is not None and box_size < 0:
        raise ValueError(f"box_size must be positive (or None/0 for open space), got {box_size}")
    return float(box_size) if box_size else None


def wrap(positions: np.ndarray, box_size: float) -> np.ndarray:
    """Positions in [0, L) (``np.mod`` may round a tiny negative coordinate up to L itself)."""
    wrapped = np.mod(positions, box_size)
    wrapped[wrapped >= box_size] = 0.0
    return wrapped


def tree_neighbour_distances(positions: np.ndarray, box_size: float | None, k: int) -> np.ndarray:
    """(N, k) distances from each agent to its k nearest other agents (minimum image if periodic)."""
    if box_size:
        tree = cKDTree(wrap(positions, box_size), boxsize=box_size)
    else:
        tree = cKDTree(positions)
    distances, _ = tree.query(tree.data, k=k + 1)
    return distances[:, 1:]


def unit_vectors(vectors: np.ndarray, seed_guard: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors (zero rows stay zero) and the mask of non-zero rows; with ``seed_guard`` rows
    shorter than 1e-10 are divided by 1 instead, as the seed package did, and all rows count.
    Rows along the last axis: (N, 3) or (T, N, 3)."""
    norm = norm3(vectors)[..., np.newaxis]
    if seed_guard:
        return vectors / np.where(norm < 1e-10, 1.0, norm), np.ones(vectors.shape[:-1], dtype=bool)
    unit = np.divide(vectors, norm, out=np.zeros_like(vectors), where=norm > 0)
    return unit, norm[..., 0] > 0


def squared3(vectors: np.ndarray) -> np.ndarray:
    """Squared length along the last axis (of size 3), summed as ``np.sum`` and ``np.linalg.norm``
    sum such an axis, (x² + y²) + z², without NumPy's slow reduction over a short axis."""
    x, y, z = vectors[..., 0], vectors[..., 1], vectors[..., 2]
    return x * x + y * y + z * z


def norm3(vectors: np.ndarray) -> np.ndarray:
    """Length along the last axis (of size 3): ``np.linalg.norm(vectors, axis=-1)``."""
    return np.sqrt(squared3(vectors))
