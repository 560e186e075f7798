"""Order parameters of a school of agents (positions and unit headings in 3D), one snapshot.

* Polarization P = |Σ v̂_i| / N (1 when all headings agree, ≈ 1/√N for random headings).
* Rotation (milling) M = |Σ r̂_ic × v̂_i| / N, r̂_ic the unit vector from the group centroid to agent i
  (1 for a perfect ring mill) [Cou02]_; order index max(P, M).
* Spread: root-mean-square distance of the agents from the centroid.
* Nearest-neighbour distance: mean (and population sd, minimum) over agents of the distance to the
  closest other agent.

The centroid is that of :func:`~simsuite.diagnostics.schooling.geometry.centroid`: the per-axis
circular mean in a periodic box, with minimum-image offsets.

References
----------
.. [Cou02] I. D. Couzin, J. Krause, R. James, G. D. Ruxton and N. R. Franks, "Collective memory and
   spatial sorting in animal groups", J. Theor. Biol. 218, 1–11 (2002).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from simsuite.diagnostics.schooling.geometry import centroid, offsets, tree_neighbour_distances

__all__ = [
    "polarization",
    "rotation",
    "spread",
    "nearest_neighbour_distance",
    "nearest_neighbour_statistics",
    "NN_KEYS",
    "order_index",
    "order_parameters",
]


def polarization(headings: np.ndarray) -> float:
    r"""Polarization :math:`P = |\sum_i \hat v_i| / N` for unit headings of shape (N, 3)."""
    return float(np.linalg.norm(headings.sum(axis=0)) / len(headings))


def rotation(positions: np.ndarray, headings: np.ndarray, box_size: float | None = None) -> float:
    r"""Rotation :math:`M = |\sum_i \hat r_{ic} \times \hat v_i| / N` (agents exactly at the centroid
    contribute nothing)."""
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


def nearest_neighbour_statistics(
    positions: np.ndarray, box_size: float | None = None
) -> dict[str, float]:
    """Mean, population sd and minimum over agents of the nearest-neighbour distance.

    Keys ``nearest_neighbour_distance`` (the same number as :func:`nearest_neighbour_distance`),
    ``nearest_neighbour_distance_sd`` and ``nearest_neighbour_distance_min``; all NaN for fewer than
    two agents.
    """
    if len(positions) < 2:
        return _nn_statistics(None)
    return _nn_statistics(
        tree_neighbour_distances(np.asarray(positions, float), box_size or None, 1)
    )


NN_KEYS = (
    "nearest_neighbour_distance",
    "nearest_neighbour_distance_sd",
    "nearest_neighbour_distance_min",
)


def _nn_statistics(neighbours: np.ndarray | None) -> dict[str, float]:
    """Statistics of column 0 of (N, k) neighbour distances (None: fewer than two agents)."""
    if neighbours is None:
        return dict.fromkeys(NN_KEYS, float("nan"))
    nn = neighbours[:, 0]
    return dict(zip(NN_KEYS, (float(nn.mean()), float(nn.std()), float(nn.min())), strict=True))


def order_index(
    positions: np.ndarray, headings: np.ndarray, box_size: float | None = None
) -> float:
    r"""Order index :math:`\max(P, M)`: near 1 for a parallel school or a mill, small for a swarm."""
    return max(polarization(headings), rotation(positions, headings, box_size))


def order_parameters(
    positions: np.ndarray, headings: np.ndarray, box_size: float | None = None
) -> dict[str, float | np.ndarray]:
    """All of the above for one snapshot, keyed as in the Couzin output."""
    return _order_parameters(
        positions, headings, box_size, nearest_neighbour_distance(positions, box_size)
    )


def _order_parameters(positions, headings, box_size, nn_mean: float) -> dict:
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
        "nearest_neighbour_distance": nn_mean,
    }
