"""The two definitions of the seven schooling entropies, their bins and the degenerate-school warning.

``definition="simsuite"`` (the default) fixes the seed package's flaws; ``"dewi-kadita"``
reproduces that package's numbers on the same positions and velocities [DK]_ (read from its
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
wrapped) and ``box_size`` is required (it had no open space).

References
----------
.. [DK] dewi-kadita: A Python Library for Idealized Fish Schooling Simulation with Entropy-Based
   Diagnostics; package at https://github.com/sandyherho/dewi-kadita.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ENTROPIES",
    "BINS",
    "THETA_BINS",
    "PHI_BINS",
    "NEIGHBOURS",
    "EIGENVALUE_FLOOR",
    "DegenerateSchoolWarning",
    "SchoolingDefinition",
    "DEFINITIONS",
    "definition_named",
    "check_box",
    "warn_degenerate",
]

#: The names of the seven entropies, in the order of the OSI weights and of every output.
ENTROPIES = (
    "entropy_cohesion",
    "entropy_polarization",
    "entropy_depth",
    "entropy_angular_momentum",
    "entropy_nearest_neighbour",
    "entropy_velocity_correlation",
    "entropy_shape",
)

#: histogram bins of the entropies with one histogrammed quantity (H_pol: THETA_BINS × PHI_BINS)
BINS = {
    "entropy_cohesion": 25,
    "entropy_depth": 15,
    "entropy_angular_momentum": 20,
    "entropy_nearest_neighbour": 20,
    "entropy_velocity_correlation": 20,
}
THETA_BINS, PHI_BINS = 12, 24
NEIGHBOURS = 5  # H_NN: spread of the distances to the 5 nearest neighbours
EIGENVALUE_FLOOR = 1e-10


class DegenerateSchoolWarning(RuntimeWarning):
    """Too few agents (or no usable headings) for an entropy: NaN (or the seed's 0.5) returned."""


@dataclass(frozen=True)
class SchoolingDefinition:
    """How the seven entropies are computed; one instance per name in :data:`DEFINITIONS`.

    Attributes
    ----------
    name : str
        The key of the definition in :data:`DEFINITIONS` (``"simsuite"`` or ``"dewi-kadita"``).
    circular_centroid : bool
        Centroid by the per-axis circular mean and minimum-image offsets (else the plain mean of
        the positions wrapped into the box).
    solid_angle_weights : bool
        H_pol divides each count by its bin's solid angle (else multiplies it by sin θ of the bin
        centre).
    group_depth_range : bool
        H_depth bins the group's z range (else [0, L]).
    clip_to_range : bool
        Values outside a histogram's range go to the end bin (else they are dropped).
    skip_undefined : bool
        An agent without a heading (or at the centroid, for H_ang) is left out and the cv of five
        coincident neighbours is 0 (else the seed's guards: a vector shorter than 1e-10 is divided
        by 1 instead of its length, and cv = sd / (mean + 1e-10)).
    needs_box : bool
        The definition only knows a periodic box.
    degenerate_value : float
        Returned when there are too few agents.
    min_agents : dict of str to int
        The fewest agents each entropy is defined for, by entropy name.
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


#: The two definitions of the seven entropies, by name: ``"simsuite"`` (the default of every
#: function that takes ``definition``) and ``"dewi-kadita"`` (reproduces that package; needs a
#: periodic box). See :class:`SchoolingDefinition` for what each field switches.
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
        min_agents=dict(zip(ENTROPIES, (3, 3, 3, 3, NEIGHBOURS + 1, 3, 4), strict=True)),
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
        min_agents=dict(zip(ENTROPIES, (2, 1, 1, 3, NEIGHBOURS + 1, 2, 4), strict=True)),
    ),
}


def definition_named(name: str) -> SchoolingDefinition:
    """The :class:`SchoolingDefinition` called ``name``; ValueError naming the known ones."""
    try:
        return DEFINITIONS[name]
    except KeyError:
        known = ", ".join(repr(k) for k in DEFINITIONS)
        raise ValueError(f"unknown schooling definition {name!r}; known: {known}") from None


def check_box(spec: SchoolingDefinition, box: float | None) -> None:
    """Refuse open space (``box`` None) for a definition that only knows a periodic box."""
    if spec.needs_box and box is None:
        raise ValueError(
            f"definition={spec.name!r} needs box_size (that package had only a periodic box)"
        )


def warn_degenerate(
    spec: SchoolingDefinition, counts: Mapping[str, int], n: int, stacklevel: int
) -> None:
    """One :class:`DegenerateSchoolWarning` naming the entropies (and how many snapshots of each,
    ``counts``) that had too few agents or no usable headings; nothing if ``counts`` is empty."""
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
