"""Order parameters of a school of agents (positions and unit headings in 3D).

* Polarization P = |Σ v̂_i| / N (1 when all headings agree, ≈ 1/√N for random headings).
* Rotation (milling) M = |Σ r̂_ic × v̂_i| / N, r̂_ic the unit vector from the group centroid to agent i
  (1 for a perfect ring mill) [Couzin et al. 2002].
* Centroid: the mean position in open space; in a periodic box of side L the circular mean per axis,
  c = L/(2π) · atan2(⟨sin 2πx/L⟩, ⟨cos 2πx/L⟩) mod L, and offsets c_i − c by the minimum image (the
  plain mean of wrapped coordinates puts the centroid in the middle of the box whenever the school
  straddles a face, which makes M spurious).
* Spread: root-mean-square distance of the agents from the centroid.
* Nearest-neighbour distance: mean over agents of the distance to the closest other agent
  (``scipy.spatial.cKDTree``, with ``boxsize`` for the periodic box).

References
----------
.. [Cou02] I. D. Couzin, J. Krause, R. James, G. D. Ruxton and N. R. Franks, "Collective memory and
   spatial sorting in animal groups", J. Theor. Biol. 218, 1–11 (2002).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

__all__ = [
    "polarization",
    "centroid",
    "offsets",
    "rotation",
    "spread",
    "nearest_neighbour_distance",
    "order_parameters",
]


def polarization(headings: np.ndarray) -> float:
    """P = |Σ v̂_i| / N for unit headings of shape (N, 3)."""
    return float(np.linalg.norm(headings.sum(axis=0)) / len(headings))


def centroid(positions: np.ndarray, box_size: float | None = None) -> np.ndarray:
    """Group centroid; the per-axis circular mean in a periodic box of side ``box_size``."""
    if not box_size:
        return positions.mean(axis=0)
    angle = 2.0 * np.pi * positions / box_size
    mean_angle = np.arctan2(np.sin(angle).mean(axis=0), np.cos(angle).mean(axis=0))
    return np.mod(mean_angle * box_size / (2.0 * np.pi), box_size)


def offsets(positions: np.ndarray, centre: np.ndarray, box_size: float | None = None) -> np.ndarray:
    """c_i − centre, by the minimum image in a periodic box."""
    d = positions - centre
    if box_size:
        d -= box_size * np.round(d / box_size)
    return d


def rotation(positions: np.ndarray, headings: np.ndarray, box_size: float | None = None) -> float:
    """M = |Σ r̂_ic × v̂_i| / N (agents exactly at the centroid contribute nothing)."""
    d = offsets(positions, centroid(positions, box_size), box_size)
    norm = np.linalg.norm(d, axis=1, keepdims=True)
    r_hat = np.divide(d, norm, out=np.zeros_like(d), where=norm > 0)
    return float(np.linalg.norm(np.cross(r_hat, headings).sum(axis=0)) / len(headings))


def spread(positions: np.ndarray, box_size: float | None = None) -> float:
    """Root-mean-square distance from the centroid."""
    d = offsets(positions, centroid(positions, box_size), box_size)
    return float(np.sqrt(np.mean(np.sum(d * d, axis=1))))


def nearest_neighbour_distance(positions: np.ndarray, box_size: float | None = None) -> float:
    """Mean distance from each agent to its nearest neighbour (NaN for fewer than two agents)."""
    if len(positions) < 2:
        return float("nan")
    if box_size:
        tree = cKDTree(np.mod(positions, box_size), boxsize=box_size)
    else:
        tree = cKDTree(positions)
    distances, _ = tree.query(tree.data, k=2)
    return float(distances[:, 1].mean())


def order_parameters(
    positions: np.ndarray, headings: np.ndarray, box_size: float | None = None
) -> dict[str, float | np.ndarray]:
    """All of the above for one snapshot, keyed as in the Couzin output."""
    centre = centroid(positions, box_size)
    d = offsets(positions, centre, box_size)
    norm = np.linalg.norm(d, axis=1, keepdims=True)
    r_hat = np.divide(d, norm, out=np.zeros_like(d), where=norm > 0)
    n = len(headings)
    return {
        "polarization": polarization(headings),
        "rotation": float(np.linalg.norm(np.cross(r_hat, headings).sum(axis=0)) / n),
        "centroid": centre,
        "group_spread": float(np.sqrt(np.mean(np.sum(d * d, axis=1)))),
        "nearest_neighbour_distance": nearest_neighbour_distance(positions, box_size),
    }
