"""The seven schooling entropies of one snapshot, in the 'simsuite' and 'dewi-kadita' definitions.

The seven entropies of the dewi-kadita package; each is the normalised Shannon entropy of a
histogram (:mod:`~simsuite.diagnostics.schooling.histograms`), 0 for every agent in one bin and 1 for
a flat histogram:

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
:class:`~simsuite.diagnostics.schooling.definitions.DegenerateSchoolWarning`. The dewi-kadita
definition differs as tabulated in :mod:`~simsuite.diagnostics.schooling.definitions`.

H_vel is O(N²), pair by pair without an N × N array; the neighbour distances come from one k-d tree
query per snapshot (NumPy and ``scipy.spatial.cKDTree``).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from simsuite.diagnostics.schooling.definitions import (
    BINS,
    EIGENVALUE_FLOOR,
    ENTROPIES,
    NEIGHBOURS,
    PHI_BINS,
    THETA_BINS,
    check_box,
    definition_named,
    warn_degenerate,
)
from simsuite.diagnostics.schooling.geometry import (
    box_side,
    centroid,
    offsets,
    tree_neighbour_distances,
    unit_vectors,
    wrap,
)
from simsuite.diagnostics.schooling.histograms import (
    bin_counts,
    heading_bins,
    normalised_entropy,
    pair_cosine_histogram,
    polarization_weight,
)

__all__ = [
    "SchoolSnapshot",
    "cohesion_entropy",
    "polarization_entropy",
    "depth_entropy",
    "angular_momentum_entropy",
    "nearest_neighbour_entropy",
    "velocity_correlation_entropy",
    "shape_entropy",
]


class SchoolSnapshot:
    """One snapshot, with what several entropies share (centroid offsets, neighbour distances)
    computed at most once and only when an entropy asks for it."""

    def __init__(self, positions, velocities, box_size, definition: str):
        self.spec = definition_named(definition)
        self.box = box_side(box_size)
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
            check_box(self.spec, self.box)

    # -- shared inputs -----------------------------------------------------------------------------
    @cached_property
    def placed(self) -> np.ndarray:
        """Positions as the definition sees them: wrapped into the box for the seed."""
        if self.spec.circular_centroid or self.box is None:
            return self.positions
        return wrap(self.positions, self.box)

    @cached_property
    def offsets(self) -> np.ndarray:
        if self.spec.circular_centroid:
            return offsets(self.positions, centroid(self.positions, self.box), self.box)
        return self.placed - self.placed.mean(axis=0)

    @cached_property
    def neighbours(self) -> np.ndarray:
        return tree_neighbour_distances(self.placed, self.box, min(NEIGHBOURS, self.n - 1))

    @cached_property
    def headings(self) -> tuple[np.ndarray, np.ndarray]:
        return unit_vectors(self.velocities, seed_guard=not self.spec.skip_undefined)

    def _usable_headings(self) -> np.ndarray:
        unit, moving = self.headings
        return unit[moving]

    # -- the seven entropies -----------------------------------------------------------------------
    def entropy_cohesion(self) -> float:
        length = self.box or float(np.ptp(self.positions, axis=0).max())
        counts = bin_counts(
            self.neighbours[:, 0], 0.0, length / 2, BINS["entropy_cohesion"], self.clip
        )
        return self._entropy(counts, BINS["entropy_cohesion"])

    def entropy_polarization(self) -> float:
        unit = self._usable_headings()
        index = heading_bins(unit[:, 0], unit[:, 1], unit[:, 2])
        counts = np.bincount(index, minlength=THETA_BINS * PHI_BINS)
        weighted = counts.reshape(THETA_BINS, PHI_BINS) * polarization_weight(self.spec)
        return self._entropy(weighted, THETA_BINS * PHI_BINS)

    def entropy_depth(self) -> float:
        bins = BINS["entropy_depth"]
        if self.spec.group_depth_range:
            z = self.offsets[:, 2]
            counts = bin_counts(z, z.min(), z.max(), bins, clip=True)
        else:
            counts = bin_counts(self.placed[:, 2], 0.0, self.box, bins, self.clip)
        return self._entropy(counts, bins)

    def entropy_angular_momentum(self) -> float:
        r_hat, placed = unit_vectors(self.offsets, seed_guard=not self.spec.skip_undefined)
        v_hat, moving = self.headings
        moment = np.linalg.norm(np.cross(r_hat, v_hat), axis=1)[placed & moving]
        counts = bin_counts(moment, 0.0, 1.0, BINS["entropy_angular_momentum"], self.clip)
        return self._entropy(counts, BINS["entropy_angular_momentum"])

    def entropy_nearest_neighbour(self) -> float:
        distances = self.neighbours
        mean, sd = distances.mean(axis=1), distances.std(axis=1)
        if self.spec.skip_undefined:
            cv = np.divide(sd, mean, out=np.zeros_like(sd), where=mean > 0)
        else:
            cv = sd / (mean + 1e-10)
        counts = bin_counts(cv, 0.0, 2.0, BINS["entropy_nearest_neighbour"], self.clip)
        return self._entropy(counts, BINS["entropy_nearest_neighbour"])

    def entropy_velocity_correlation(self) -> float:
        bins = BINS["entropy_velocity_correlation"]
        return self._entropy(pair_cosine_histogram(self._usable_headings(), bins, self.clip), bins)

    def entropy_shape(self) -> float:
        source = self.offsets if self.spec.circular_centroid else self.placed
        eigenvalues = np.maximum(np.linalg.eigvalsh(np.cov(source.T)), EIGENVALUE_FLOOR)
        return self._entropy(eigenvalues, 3)

    @property
    def clip(self) -> bool:
        return self.spec.clip_to_range

    def _entropy(self, weights: np.ndarray, n_states: int) -> float:
        return normalised_entropy(weights, n_states, self.spec.degenerate_value)

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


def _one(name: str, positions, velocities, box_size, definition: str) -> float:
    snapshot = SchoolSnapshot(positions, velocities, box_size, definition)
    values, degenerate = snapshot.evaluate((name,))
    warn_degenerate(snapshot.spec, dict.fromkeys(degenerate, 1), snapshot.n, stacklevel=4)
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
    r"""H_ang: :math:`|\hat r_{ic} \times \hat v_i|` in 20 bins on [0, 1] (0 for a ring mill)."""
    return _one("entropy_angular_momentum", positions, velocities, box_size, definition)


def nearest_neighbour_entropy(positions, box_size=None, definition: str = "simsuite") -> float:
    """H_NN: coefficient of variation of the 5 nearest-neighbour distances, 20 bins on [0, 2]."""
    return _one("entropy_nearest_neighbour", positions, None, box_size, definition)


def velocity_correlation_entropy(velocities, definition: str = "simsuite") -> float:
    r"""H_vel: :math:`(1 + \hat v_i \cdot \hat v_j)/2` over all pairs i < j in 20 bins on [0, 1]."""
    return _one("entropy_velocity_correlation", None, velocities, None, definition)


def shape_entropy(positions, box_size=None, definition: str = "simsuite") -> float:
    """H_shape: eigenvalues of the position covariance as a distribution, normalised by ln 3."""
    return _one("entropy_shape", positions, None, box_size, definition)
