"""Order parameters and entropy indices of a school of agents (positions and headings in 3D).

Order parameters
----------------
* Polarization P = |Σ v̂_i| / N (1 when all headings agree, ≈ 1/√N for random headings).
* Rotation (milling) M = |Σ r̂_ic × v̂_i| / N, r̂_ic the unit vector from the group centroid to agent i
  (1 for a perfect ring mill) [Cou02]_; order index max(P, M).
* Centroid: the mean position in open space; in a periodic box of side L the circular mean per axis,
  c = L/(2π) · atan2(⟨sin 2πx/L⟩, ⟨cos 2πx/L⟩) mod L, and offsets c_i − c by the minimum image (the
  plain mean of wrapped coordinates puts the centroid in the middle of the box whenever the school
  straddles a face, which makes M spurious).
* Spread: root-mean-square distance of the agents from the centroid.
* Nearest-neighbour distance: mean (and population sd, minimum) over agents of the distance to the
  closest other agent (``scipy.spatial.cKDTree``, with ``boxsize`` for the periodic box; in
  :func:`schooling_timeseries` a compiled k-d tree that returns the same distances).

Schooling entropies and the Oceanic Schooling Index
---------------------------------------------------
The seven entropies of the dewi-kadita package [DK]_. Each is the Shannon entropy (natural log) of a
histogram with K bins, H = −Σ p_b ln p_b over the occupied bins, divided by ln K (empty bins counted in
K), so 0 means every agent in one bin and 1 a flat histogram:

=================================  =====  ==========================================================
key                                K      histogrammed quantity (``definition="simsuite"``)
=================================  =====  ==========================================================
``entropy_cohesion``               25     nearest-neighbour distance on [0, L/2]
``entropy_polarization``           12×24  heading polar angle θ = arccos v̂_z on [0, π] × azimuth
                                          φ = atan2(v̂_y, v̂_x) + π on [0, 2π], counts / solid angle
``entropy_depth``                  15     z offset from the centroid, over the group's own z range
``entropy_angular_momentum``       20     |r̂_ic × v̂_i| on [0, 1]
``entropy_nearest_neighbour``      20     coefficient of variation (population sd / mean) of each
                                          agent's 5 nearest-neighbour distances, on [0, 2]
``entropy_velocity_correlation``   20     (1 + v̂_i·v̂_j)/2 over all pairs i < j, on [0, 1]
``entropy_shape``                  3      eigenvalues of the position covariance (ddof 1, floored at
                                          1e-10) taken as a distribution, normalised by ln 3
=================================  =====  ==========================================================

OSI = 0.18 H_coh + 0.28 H_pol + 0.08 H_depth + 0.08 H_ang + 0.10 H_NN + 0.18 H_vel + 0.10 H_shape
(0 for a perfectly ordered school, near 1 for a disordered gas).

L is the box side in a periodic box; in open space (``box_size`` None or 0) it is the edge of the
group's bounding cube, max over axes of (max − min) of the positions, so H_coh measures how the
spacing is spread relative to the size of the group. Histogram values outside a range go to the end
bin (for H_coh an agent whose nearest neighbour is further than L/2; elsewhere only rounding, e.g.
|r̂ × v̂| = 1 + 1 ulp on a ring mill, which the seed dropped).
Headings are the velocities divided by their length; an agent with zero velocity has no heading and
is left out of H_pol, H_vel and H_ang, as is an agent exactly at the centroid from H_ang.
Every entropy needs N ≥ 3 agents (H_shape 4: a full-rank covariance; H_NN 6: five neighbours): with
one or two agents each histogram is fixed by N alone (two agents share their nearest-neighbour
distance, have one pair, and sit in the end bins of their own z range). Fewer give NaN and a
:class:`DegenerateSchoolWarning`.

``definition="simsuite"`` (the default) fixes the seed package's flaws; ``"dewi-kadita"``
reproduces that package's numbers on the same positions and velocities (read from its
``src/dewi_kadita/core/metrics.py``; re-implemented here, not copied):

======================  =======================================  =====================================
                        ``simsuite``                             ``dewi-kadita``
======================  =======================================  =====================================
H_pol weights           count / solid angle of the bin           count · sin θ at the bin centre
                        (isotropic headings → 1)                 (isotropic headings → 0.946)
centroid (H_ang,        circular mean per axis, minimum-image    plain mean of the wrapped
H_shape, H_depth)       offsets (translation invariant)          coordinates (wrong across a face)
H_depth range           the group's z range (offsets)            [0, L] of the wrapped z
H_coh range             [0, L/2]; open space: L = bounding cube  [0, L/2]; needs a periodic box
out-of-range values     counted in the end bin                   dropped (e.g. |r̂ × v̂| = 1 + 1 ulp)
too few agents          NaN and a warning                        0.5 (and a warning)
minimum N               3 (H_shape 4, H_NN 6)                    coh 2, pol 1, depth 1, ang 3, vel 2,
                                                                 shape 4, NN 6
undefined directions    agent left out of that metric            |v| < 1e-10 divided by 1 (θ ≈ π/2,
                        (no heading, or at the centroid)         |r̂ × v̂| ≈ 0); cv = sd/(mean + 1e-10)
======================  =======================================  =====================================

In the dewi-kadita definition positions are first wrapped into [0, L) (that package always held them
wrapped) and ``box_size`` is required (it had no open space). The order parameters returned by
:func:`schooling_timeseries` always use the simsuite centroid, whatever the entropy definition.

Cost: H_vel is O(N²), pair by pair without an N × N array (N = 1000: ~5·10⁵ pairs, under a
millisecond); the neighbour distances come from one k-d tree query per snapshot. One snapshot
(:func:`oceanic_schooling_index`) is computed with NumPy and ``scipy.spatial.cKDTree``.
:func:`schooling_timeseries` computes the same numbers for many snapshots at once with the compiled
kernels of :mod:`~simsuite.diagnostics.schooling_kernels` (a k-d tree of their own, the pair
histogram, the per-agent geometry and the histograms), in parallel over the snapshots on numba's
threads: the same histogram counts, bit for bit, and entropies equal to rounding (~1e-16).

References
----------
.. [Cou02] I. D. Couzin, J. Krause, R. James, G. D. Ruxton and N. R. Franks, "Collective memory and
   spatial sorting in animal groups", J. Theor. Biol. 218, 1–11 (2002).
.. [DK] dewi-kadita: A Python Library for Idealized Fish Schooling Simulation with Entropy-Based
   Diagnostics; package at https://github.com/sandyherho/dewi-kadita.
.. [Sha48] C. E. Shannon, "A mathematical theory of communication", Bell Syst. Tech. J. 27,
   379–423 (1948).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.spatial import cKDTree

from simsuite.diagnostics.schooling_kernels import (
    neighbour_cv,
    pair_cosine_counts,
    row_counts,
    school_terms,
)

__all__ = [
    "polarization",
    "centroid",
    "offsets",
    "rotation",
    "spread",
    "nearest_neighbour_distance",
    "nearest_neighbour_statistics",
    "order_index",
    "order_parameters",
    "ENTROPIES",
    "OSI_WEIGHTS",
    "DEFINITIONS",
    "SchoolingDefinition",
    "DegenerateSchoolWarning",
    "cohesion_entropy",
    "polarization_entropy",
    "depth_entropy",
    "angular_momentum_entropy",
    "nearest_neighbour_entropy",
    "velocity_correlation_entropy",
    "shape_entropy",
    "oceanic_schooling_index",
    "schooling_timeseries",
]


def polarization(headings: np.ndarray) -> float:
    """P = |Σ v̂_i| / N for unit headings of shape (N, 3)."""
    return float(np.linalg.norm(headings.sum(axis=0)) / len(headings))


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
    return _nn_statistics(_neighbour_distances(np.asarray(positions, float), box_size or None, 1))


_NN_KEYS = (
    "nearest_neighbour_distance",
    "nearest_neighbour_distance_sd",
    "nearest_neighbour_distance_min",
)


def _nn_statistics(neighbours: np.ndarray | None) -> dict[str, float]:
    """Statistics of column 0 of (N, k) neighbour distances (None: fewer than two agents)."""
    if neighbours is None:
        return dict.fromkeys(_NN_KEYS, float("nan"))
    nn = neighbours[:, 0]
    return dict(zip(_NN_KEYS, (float(nn.mean()), float(nn.std()), float(nn.min())), strict=True))


def order_index(
    positions: np.ndarray, headings: np.ndarray, box_size: float | None = None
) -> float:
    """max(P, M): near 1 for a parallel school or a mill, small for a swarm."""
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


# -- schooling entropies ---------------------------------------------------------------------------
ENTROPIES = (
    "entropy_cohesion",
    "entropy_polarization",
    "entropy_depth",
    "entropy_angular_momentum",
    "entropy_nearest_neighbour",
    "entropy_velocity_correlation",
    "entropy_shape",
)
OSI_WEIGHTS: Mapping[str, float] = dict(
    zip(ENTROPIES, (0.18, 0.28, 0.08, 0.08, 0.10, 0.18, 0.10), strict=True)
)

_BINS = {
    "entropy_cohesion": 25,
    "entropy_depth": 15,
    "entropy_angular_momentum": 20,
    "entropy_nearest_neighbour": 20,
    "entropy_velocity_correlation": 20,
}
_THETA_BINS, _PHI_BINS = 12, 24
_NEIGHBOURS = 5  # H_NN: spread of the distances to the 5 nearest neighbours
_EIGENVALUE_FLOOR = 1e-10
_PAIR_BLOCK = 2**18  # pair values held at once by H_vel


class DegenerateSchoolWarning(RuntimeWarning):
    """Too few agents (or no usable headings) for an entropy: NaN (or the seed's 0.5) returned."""


@dataclass(frozen=True)
class SchoolingDefinition:
    """How the seven entropies are computed; one instance per name in :data:`DEFINITIONS`.

    Attributes
    ----------
    circular_centroid : centroid by the per-axis circular mean and minimum-image offsets (else the
        plain mean of the positions wrapped into the box).
    solid_angle_weights : H_pol divides each count by its bin's solid angle (else multiplies it by
        sin θ of the bin centre).
    group_depth_range : H_depth bins the group's z range (else [0, L]).
    clip_to_range : values outside a histogram's range go to the end bin (else they are dropped).
    skip_undefined : an agent without a heading (or at the centroid, for H_ang) is left out and the
        cv of five coincident neighbours is 0 (else the seed's guards: a vector shorter than 1e-10
        is divided by 1 instead of its length, and cv = sd / (mean + 1e-10)).
    needs_box : the definition only knows a periodic box.
    degenerate_value : returned when there are too few agents.
    min_agents : the fewest agents each entropy is defined for.
    """

    name: str
    circular_centroid: bool
    solid_angle_weights: bool
    group_depth_range: bool
    clip_to_range: bool
    skip_undefined: bool
    needs_box: bool
    degenerate_value: float
    min_agents: Mapping[str, int]


DEFINITIONS: Mapping[str, SchoolingDefinition] = {
    "simsuite": SchoolingDefinition(
        name="simsuite",
        circular_centroid=True,
        solid_angle_weights=True,
        group_depth_range=True,
        clip_to_range=True,
        skip_undefined=True,
        needs_box=False,
        degenerate_value=float("nan"),
        min_agents=dict(zip(ENTROPIES, (3, 3, 3, 3, _NEIGHBOURS + 1, 3, 4), strict=True)),
    ),
    "dewi-kadita": SchoolingDefinition(
        name="dewi-kadita",
        circular_centroid=False,
        solid_angle_weights=False,
        group_depth_range=False,
        clip_to_range=False,
        skip_undefined=False,
        needs_box=True,
        degenerate_value=0.5,
        min_agents=dict(zip(ENTROPIES, (2, 1, 1, 3, _NEIGHBOURS + 1, 2, 4), strict=True)),
    ),
}


def _definition(name: str) -> SchoolingDefinition:
    try:
        return DEFINITIONS[name]
    except KeyError:
        known = ", ".join(repr(k) for k in DEFINITIONS)
        raise ValueError(f"unknown schooling definition {name!r}; known: {known}") from None


def _box(box_size) -> float | None:
    """The periodic box side as a float, or None for open space (None or 0)."""
    if box_size is not None and box_size < 0:
        raise ValueError(f"box_size must be positive (or None/0 for open space), got {box_size}")
    return float(box_size) if box_size else None


def _check_box(spec: SchoolingDefinition, box: float | None) -> None:
    if spec.needs_box and box is None:
        raise ValueError(
            f"definition={spec.name!r} needs box_size (that package had only a periodic box)"
        )


def _wrap(positions: np.ndarray, box_size: float) -> np.ndarray:
    """Positions in [0, L) (``np.mod`` may round a tiny negative coordinate up to L itself)."""
    wrapped = np.mod(positions, box_size)
    wrapped[wrapped >= box_size] = 0.0
    return wrapped


def _neighbour_distances(positions: np.ndarray, box_size: float | None, k: int) -> np.ndarray:
    """(N, k) distances from each agent to its k nearest other agents (minimum image if periodic)."""
    if box_size:
        tree = cKDTree(_wrap(positions, box_size), boxsize=box_size)
    else:
        tree = cKDTree(positions)
    distances, _ = tree.query(tree.data, k=k + 1)
    return distances[:, 1:]


def _unit(vectors: np.ndarray, seed_guard: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors (zero rows stay zero) and the mask of non-zero rows; with ``seed_guard`` rows
    shorter than 1e-10 are divided by 1 instead, as the seed package did, and all rows count.
    Rows along the last axis: (N, 3) or (T, N, 3)."""
    norm = _norm3(vectors)[..., np.newaxis]
    if seed_guard:
        return vectors / np.where(norm < 1e-10, 1.0, norm), np.ones(vectors.shape[:-1], dtype=bool)
    unit = np.divide(vectors, norm, out=np.zeros_like(vectors), where=norm > 0)
    return unit, norm[..., 0] > 0


def _squared3(vectors: np.ndarray) -> np.ndarray:
    """Squared length along the last axis (of size 3), summed as ``np.sum`` and ``np.linalg.norm``
    sum such an axis, (x² + y²) + z², without NumPy's slow reduction over a short axis."""
    x, y, z = vectors[..., 0], vectors[..., 1], vectors[..., 2]
    return x * x + y * y + z * z


def _norm3(vectors: np.ndarray) -> np.ndarray:
    """Length along the last axis (of size 3): ``np.linalg.norm(vectors, axis=-1)``."""
    return np.sqrt(_squared3(vectors))


def _counts(values: np.ndarray, lo: float, hi: float, bins: int, clip: bool) -> np.ndarray:
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


def _normalised_entropy(weights: np.ndarray, n_states: int, degenerate: float) -> float:
    """−Σ p ln p / ln n_states for p ∝ weights; ``degenerate`` when nothing was counted."""
    total = weights.sum()
    if total <= 0:
        return degenerate
    p = weights[weights > 0] / total
    return float((0.0 - np.sum(p * np.log(p))) / np.log(n_states))  # 0.0 − 0: no −0.0


def _heading_bins(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """H_pol bin i·24 + j of each heading (x, y, z): polar angle bin i, azimuth bin j."""
    theta = np.arccos(np.clip(z, -1.0, 1.0))
    phi = np.arctan2(y, x) + np.pi
    i = np.minimum((theta * (_THETA_BINS / np.pi)).astype(np.intp), _THETA_BINS - 1)
    j = np.minimum((phi * (_PHI_BINS / (2 * np.pi))).astype(np.intp), _PHI_BINS - 1)
    return i * _PHI_BINS + j


def _polarization_weight(spec: SchoolingDefinition) -> np.ndarray:
    """(12, 1) weight of the H_pol counts per polar bin."""
    edges = np.linspace(0.0, np.pi, _THETA_BINS + 1)
    if spec.solid_angle_weights:
        # Ω = Δφ (cos θ_lo − cos θ_hi): a density on the sphere, flat for isotropic headings
        weight = 1.0 / ((2 * np.pi / _PHI_BINS) * -np.diff(np.cos(edges)))
    else:
        weight = np.sin(0.5 * (edges[:-1] + edges[1:]))
    return weight[:, np.newaxis]


def _pair_cosine_counts(unit: np.ndarray, bins: int, clip: bool) -> np.ndarray:
    """Histogram of (1 + v̂_i·v̂_j)/2 over pairs i < j on [0, 1] (no N×N array).

    ``clip``: the compiled kernel of :func:`schooling_timeseries`. Otherwise ``np.histogram`` in row
    blocks; the dot products are three outer products summed in place rather than a matrix product:
    with an inner dimension of 3, a threaded BLAS call costs more than it computes on a busy machine.
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
            counts += _counts((cosines + 1.0) / 2.0, 0.0, 1.0, bins, clip=False)
    return counts


def _dot_outer(rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """rows @ columns for (m, 3) rows and (3, k) columns, as Σ_c outer(rows[:, c], columns[c])."""
    out = np.multiply.outer(rows[:, 0], columns[0])
    term = np.empty_like(out)
    for c in (1, 2):
        out += np.multiply.outer(rows[:, c], columns[c], out=term)
    return out


class _Snapshot:
    """One snapshot, with what several entropies share (centroid offsets, neighbour distances)
    computed at most once and only when an entropy asks for it."""

    def __init__(self, positions, velocities, box_size, definition: str):
        self.spec = _definition(definition)
        self.box = _box(box_size)
        self.positions = None if positions is None else _as_agents(positions, "positions")
        self.velocities = None if velocities is None else _as_agents(velocities, "velocities")
        if self.positions is not None and self.velocities is not None:
            if len(self.positions) != len(self.velocities):
                raise ValueError(
                    f"positions and velocities disagree on N: "
                    f"{len(self.positions)} vs {len(self.velocities)}"
                )
        self.n = len(self.positions if self.positions is not None else self.velocities)
        if self.positions is not None:
            _check_box(self.spec, self.box)

    # -- shared inputs -----------------------------------------------------------------------------
    @cached_property
    def placed(self) -> np.ndarray:
        """Positions as the definition sees them: wrapped into the box for the seed."""
        if self.spec.circular_centroid or self.box is None:
            return self.positions
        return _wrap(self.positions, self.box)

    @cached_property
    def offsets(self) -> np.ndarray:
        if self.spec.circular_centroid:
            return offsets(self.positions, centroid(self.positions, self.box), self.box)
        return self.placed - self.placed.mean(axis=0)

    @cached_property
    def neighbours(self) -> np.ndarray:
        return _neighbour_distances(self.placed, self.box, min(_NEIGHBOURS, self.n - 1))

    @cached_property
    def headings(self) -> tuple[np.ndarray, np.ndarray]:
        return _unit(self.velocities, seed_guard=not self.spec.skip_undefined)

    def _usable_headings(self) -> np.ndarray:
        unit, moving = self.headings
        return unit[moving]

    # -- the seven entropies -----------------------------------------------------------------------
    def entropy_cohesion(self) -> float:
        length = self.box or float(np.ptp(self.positions, axis=0).max())
        counts = _counts(
            self.neighbours[:, 0], 0.0, length / 2, _BINS["entropy_cohesion"], self.clip
        )
        return self._entropy(counts, _BINS["entropy_cohesion"])

    def entropy_polarization(self) -> float:
        unit = self._usable_headings()
        index = _heading_bins(unit[:, 0], unit[:, 1], unit[:, 2])
        counts = np.bincount(index, minlength=_THETA_BINS * _PHI_BINS)
        weighted = counts.reshape(_THETA_BINS, _PHI_BINS) * _polarization_weight(self.spec)
        return self._entropy(weighted, _THETA_BINS * _PHI_BINS)

    def entropy_depth(self) -> float:
        bins = _BINS["entropy_depth"]
        if self.spec.group_depth_range:
            z = self.offsets[:, 2]
            counts = _counts(z, z.min(), z.max(), bins, clip=True)
        else:
            counts = _counts(self.placed[:, 2], 0.0, self.box, bins, self.clip)
        return self._entropy(counts, bins)

    def entropy_angular_momentum(self) -> float:
        r_hat, placed = _unit(self.offsets, seed_guard=not self.spec.skip_undefined)
        v_hat, moving = self.headings
        moment = np.linalg.norm(np.cross(r_hat, v_hat), axis=1)[placed & moving]
        counts = _counts(moment, 0.0, 1.0, _BINS["entropy_angular_momentum"], self.clip)
        return self._entropy(counts, _BINS["entropy_angular_momentum"])

    def entropy_nearest_neighbour(self) -> float:
        distances = self.neighbours
        mean, sd = distances.mean(axis=1), distances.std(axis=1)
        if self.spec.skip_undefined:
            cv = np.divide(sd, mean, out=np.zeros_like(sd), where=mean > 0)
        else:
            cv = sd / (mean + 1e-10)
        counts = _counts(cv, 0.0, 2.0, _BINS["entropy_nearest_neighbour"], self.clip)
        return self._entropy(counts, _BINS["entropy_nearest_neighbour"])

    def entropy_velocity_correlation(self) -> float:
        bins = _BINS["entropy_velocity_correlation"]
        return self._entropy(_pair_cosine_counts(self._usable_headings(), bins, self.clip), bins)

    def entropy_shape(self) -> float:
        source = self.offsets if self.spec.circular_centroid else self.placed
        eigenvalues = np.maximum(np.linalg.eigvalsh(np.cov(source.T)), _EIGENVALUE_FLOOR)
        return self._entropy(eigenvalues, 3)

    @property
    def clip(self) -> bool:
        return self.spec.clip_to_range

    def _entropy(self, weights: np.ndarray, n_states: int) -> float:
        return _normalised_entropy(weights, n_states, self.spec.degenerate_value)

    def evaluate(self, names=ENTROPIES) -> tuple[dict[str, float], list[str]]:
        """The named entropies, and the names that were degenerate (too few agents)."""
        values, degenerate = {}, []
        for name in names:
            if self.n < self.spec.min_agents[name]:
                values[name] = self.spec.degenerate_value
                degenerate.append(name)
                continue
            values[name] = getattr(self, name)()
            if np.isnan(values[name]):  # e.g. no agent with a heading
                degenerate.append(name)
        return values, degenerate


def _as_agents(array, what: str) -> np.ndarray:
    array = np.asarray(array, dtype=float)
    if array.ndim != 2 or array.shape[1] != 3:
        raise ValueError(f"{what} must have shape (N, 3), got {array.shape}")
    return array


def _warn_degenerate(
    spec: SchoolingDefinition, counts: Mapping[str, int], n: int, stacklevel: int
) -> None:
    if not counts:
        return
    fallback = "NaN" if np.isnan(spec.degenerate_value) else f"{spec.degenerate_value:g}"
    listed = ", ".join(
        f"{name} (needs N ≥ {spec.min_agents[name]})"
        + (f" in {count} snapshots" if count > 1 else "")
        for name, count in counts.items()
    )
    warnings.warn(
        f"too few agents (N = {n}) or no usable headings for {listed}: returned {fallback}",
        DegenerateSchoolWarning,
        stacklevel=stacklevel,
    )


def _one(name: str, positions, velocities, box_size, definition: str) -> float:
    snapshot = _Snapshot(positions, velocities, box_size, definition)
    values, degenerate = snapshot.evaluate((name,))
    _warn_degenerate(snapshot.spec, dict.fromkeys(degenerate, 1), snapshot.n, stacklevel=4)
    return values[name]


def cohesion_entropy(positions, box_size=None, definition: str = "simsuite") -> float:
    """H_coh: nearest-neighbour distances in 25 bins on [0, L/2] (L: box side or bounding cube)."""
    return _one("entropy_cohesion", positions, None, box_size, definition)


def polarization_entropy(velocities, definition: str = "simsuite") -> float:
    """H_pol: headings in 12 polar × 24 azimuthal bins, weighted per solid angle (or the seed's sin θ)."""
    return _one("entropy_polarization", None, velocities, None, definition)


def depth_entropy(positions, box_size=None, definition: str = "simsuite") -> float:
    """H_depth: z in 15 bins over the group's z range (seed: [0, L] of the wrapped z)."""
    return _one("entropy_depth", positions, None, box_size, definition)


def angular_momentum_entropy(
    positions, velocities, box_size=None, definition: str = "simsuite"
) -> float:
    """H_ang: |r̂_ic × v̂_i| in 20 bins on [0, 1] (0 for a ring mill)."""
    return _one("entropy_angular_momentum", positions, velocities, box_size, definition)


def nearest_neighbour_entropy(positions, box_size=None, definition: str = "simsuite") -> float:
    """H_NN: coefficient of variation of the 5 nearest-neighbour distances, 20 bins on [0, 2]."""
    return _one("entropy_nearest_neighbour", positions, None, box_size, definition)


def velocity_correlation_entropy(velocities, definition: str = "simsuite") -> float:
    """H_vel: (1 + v̂_i·v̂_j)/2 over all pairs i < j in 20 bins on [0, 1]."""
    return _one("entropy_velocity_correlation", None, velocities, None, definition)


def shape_entropy(positions, box_size=None, definition: str = "simsuite") -> float:
    """H_shape: eigenvalues of the position covariance as a distribution, normalised by ln 3."""
    return _one("entropy_shape", positions, None, box_size, definition)


def _osi(values: Mapping[str, float]) -> float:
    return float(sum(weight * values[name] for name, weight in OSI_WEIGHTS.items()))


def oceanic_schooling_index(
    positions, velocities, box_size=None, definition: str = "simsuite"
) -> dict[str, float]:
    """The seven schooling entropies and the Oceanic Schooling Index of one snapshot.

    Parameters
    ----------
    positions, velocities : (N, 3) arrays. Velocities need not be unit vectors.
    box_size : side L of the periodic box; None (or 0) for open space.
    definition : ``"simsuite"`` (default) or ``"dewi-kadita"`` (reproduces that package; needs
        ``box_size``). See the module docstring for the differences.

    Returns
    -------
    dict with the keys of :data:`ENTROPIES` and ``"oceanic_schooling_index"``
    (OSI = Σ w_k H_k with :data:`OSI_WEIGHTS`; NaN if any entropy is NaN). A
    :class:`DegenerateSchoolWarning` names the entropies that had too few agents.
    """
    snapshot = _Snapshot(positions, velocities, box_size, definition)
    values, degenerate = snapshot.evaluate()
    _warn_degenerate(snapshot.spec, dict.fromkeys(degenerate, 1), snapshot.n, stacklevel=3)
    values["oceanic_schooling_index"] = _osi(values)
    return values


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
    *_NN_KEYS,
)


def schooling_timeseries(
    positions, velocities, box_size=None, definition: str = "simsuite"
) -> dict[str, np.ndarray]:
    """Order parameters, entropies and OSI of every snapshot of a (T, N, 3) trajectory.

    Returns arrays over the first axis: the keys of :func:`oceanic_schooling_index`, and
    ``polarization``, ``rotation``, ``order_index``, ``group_spread``, ``centroid`` (T, 3) and the
    keys of :func:`nearest_neighbour_statistics`. The order parameters always use the simsuite
    (periodic-aware) centroid; ``definition`` selects only the entropies. Degenerate snapshots are
    reported in one warning for the whole series.

    The same numbers as :func:`oceanic_schooling_index` and :func:`order_parameters` snapshot by
    snapshot (the histogram counts bit for bit, the entropies to rounding), computed for many
    snapshots at once: the compiled kernels of :mod:`~simsuite.diagnostics.schooling_kernels`
    (per-agent geometry, k nearest neighbours and pair cosines in one region parallel over the
    snapshots, then the histograms), and NumPy over (snapshot, agent) arrays for the rest. Chunks
    of about 10⁶ agent-snapshots bound the temporaries.
    """
    positions = np.asarray(positions, dtype=float)
    velocities = np.asarray(velocities, dtype=float)
    if positions.ndim != 3 or positions.shape != velocities.shape or positions.shape[2] != 3:
        raise ValueError(
            f"positions and velocities must both have shape (T, N, 3), "
            f"got {positions.shape} and {velocities.shape}"
        )
    spec = _definition(definition)
    t_count, n = positions.shape[:2]
    if t_count == 0:
        return {key: np.empty((0, 3) if key == "centroid" else 0) for key in _SERIES_KEYS}
    box = _box(box_size)
    _check_box(spec, box)
    series = {key: np.empty((t_count, 3) if key == "centroid" else t_count) for key in _SERIES_KEYS}
    step = max(1, _SERIES_CHUNK // max(n, 1))
    for start in range(0, t_count, step):
        chunk = slice(start, start + step)
        values = _series_chunk(positions[chunk], velocities[chunk], box, spec)
        for key in _SERIES_KEYS:
            series[key][chunk] = values[key]
    _warn_degenerate(spec, _degenerate_snapshots(series, spec, n), n, stacklevel=3)
    return series


def _series_chunk(
    positions: np.ndarray, velocities: np.ndarray, box: float | None, spec: SchoolingDefinition
) -> dict[str, np.ndarray]:
    """:func:`schooling_timeseries` of T snapshots, each step for all of them at once.

    The compiled kernels do the per-agent work, the neighbour search, the pair histogram and the
    other histograms, repeating the arithmetic of :class:`_Snapshot` (:func:`_unit`,
    :func:`offsets`, ``np.cross``, cKDTree, :func:`_counts`, ``np.histogram``); NumPy computes the
    heading angles of H_pol (its ``arccos`` and ``arctan2``, which a compiled libm need not round
    alike), the centroids and the entropies.
    """
    t_count, n = positions.shape[:2]
    centre = centroid(positions, box)
    placed = _wrap(positions, box) if box else positions  # the seed's, and the neighbour search's
    k = min(_NEIGHBOURS, n - 1) if n >= 2 else 0  # H_coh, H_NN and the statistics: one search
    clip = spec.clip_to_range
    bins = _BINS["entropy_velocity_correlation"]
    terms = school_terms(
        positions, velocities, centre, placed, box, not spec.circular_centroid, k, bins, clip
    )
    out = {
        "polarization": _norm3(terms.heading_sum) / n,
        "rotation": _norm3(terms.moment_sum) / n,
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
        out.update(zip(_NN_KEYS, stats, strict=True))
    else:
        out.update(dict.fromkeys(_NN_KEYS, np.full(t_count, np.nan)))

    weights: dict[str, np.ndarray] = {}  # the histogram of each entropy
    for name in ENTROPIES:
        if n < spec.min_agents[name]:
            continue
        if name == "entropy_cohesion":
            length = box or terms.extent.max(axis=1)  # np.ptp(positions, axis=0).max()
            counts = row_counts(nearest, 0.0, length / 2, _BINS[name], clip)
        elif name == "entropy_polarization":
            index = _heading_bins(*terms.heading)
            bins = _row_bincount(index, _THETA_BINS * _PHI_BINS, terms.usable)
            shaped = bins.reshape(t_count, _THETA_BINS, _PHI_BINS) * _polarization_weight(spec)
            counts = shaped.reshape(t_count, -1)
        elif name == "entropy_depth":
            if spec.group_depth_range:
                low, high = terms.depth_range.T
                counts = row_counts(terms.depth, low, high, _BINS[name], clip=True)
            else:
                counts = row_counts(terms.depth, 0.0, box, _BINS[name], clip)
        elif name == "entropy_angular_momentum":
            usable = terms.angular_usable
            counts = row_counts(terms.moment, 0.0, 1.0, _BINS[name], clip, usable)
        elif name == "entropy_nearest_neighbour":
            cv = neighbour_cv(terms.neighbours, seed_guard=not spec.skip_undefined)
            counts = row_counts(cv, 0.0, 2.0, _BINS[name], clip)
        elif name == "entropy_velocity_correlation":
            counts = terms.pair_counts
        else:  # entropy_shape: eigenvalues of the covariance as a distribution
            counts = np.maximum(np.linalg.eigvalsh(terms.covariance), _EIGENVALUE_FLOOR)
        weights[name] = counts
    osi = np.zeros(t_count)
    for name in ENTROPIES:
        if name in weights:
            counts = weights[name]
            out[name] = _series_entropy(counts, counts.shape[1], spec.degenerate_value)
        else:
            out[name] = np.full(t_count, spec.degenerate_value)
        osi += OSI_WEIGHTS[name] * out[name]
    out["oceanic_schooling_index"] = osi
    return out


def _row_bincount(index: np.ndarray, bins: int, usable: np.ndarray | None = None) -> np.ndarray:
    """(T, bins) counts of the (T, M) bin indices of each row (only the ``usable`` ones)."""
    flat = index + bins * np.arange(len(index))[:, np.newaxis]
    flat = flat.ravel() if usable is None else flat[usable]
    return np.bincount(flat, minlength=len(index) * bins).reshape(len(index), bins)


def _series_entropy(weights: np.ndarray, n_states: int, degenerate: float) -> np.ndarray:
    """:func:`_normalised_entropy` of each row of (T, K) ``weights``."""
    total = weights.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = weights / total[:, np.newaxis]
        terms = np.where(weights > 0, p * np.log(p), 0.0)
        entropy = (0.0 - terms.sum(axis=1)) / np.log(n_states)
    entropy[total <= 0] = degenerate
    return entropy


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
