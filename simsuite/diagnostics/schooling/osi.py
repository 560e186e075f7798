"""The Oceanic Schooling Index (OSI) of one snapshot: a weighted sum of the seven entropies.

OSI = 0.18 H_coh + 0.28 H_pol + 0.08 H_depth + 0.08 H_ang + 0.10 H_NN + 0.18 H_vel + 0.10 H_shape
(0 for a perfectly ordered school, near 1 for a disordered gas), with the entropies of
:mod:`~simsuite.diagnostics.schooling.entropies` in either definition.
"""

from __future__ import annotations

from collections.abc import Mapping

from simsuite.diagnostics.schooling.definitions import ENTROPIES, warn_degenerate
from simsuite.diagnostics.schooling.entropies import SchoolSnapshot

__all__ = ["OSI_WEIGHTS", "oceanic_schooling_index"]

#: The weight w_k of each entropy in the OSI, by the names of :data:`ENTROPIES` (they sum to 1).
OSI_WEIGHTS: Mapping[str, float] = dict(
    zip(ENTROPIES, (0.18, 0.28, 0.08, 0.08, 0.10, 0.18, 0.10), strict=True)
)


def _osi(values: Mapping[str, float]) -> float:
    return float(sum(weight * values[name] for name, weight in OSI_WEIGHTS.items()))


def oceanic_schooling_index(
    positions, velocities, box_size=None, definition: str = "simsuite"
) -> dict[str, float]:
    r"""The seven schooling entropies and the Oceanic Schooling Index of one snapshot.

    Parameters
    ----------
    positions : array_like
        The agents' positions, shape (N, 3).
    velocities : array_like
        Their velocities, shape (N, 3); they need not be unit vectors.
    box_size : float, optional
        Side L of the periodic box; None (or 0) for open space.
    definition : str
        ``"simsuite"`` (default) or ``"dewi-kadita"`` (reproduces that package; needs
        ``box_size``). See :mod:`~simsuite.diagnostics.schooling.definitions` for the
        differences.

    Returns
    -------
    dict of str to float
        The keys of :data:`ENTROPIES` and ``"oceanic_schooling_index"``
        (:math:`\mathrm{OSI} = \sum_k w_k H_k` with :data:`OSI_WEIGHTS`; NaN if any entropy is
        NaN).

    Warns
    -----
    DegenerateSchoolWarning
        Naming the entropies that had too few agents.
    """
    snapshot = SchoolSnapshot(positions, velocities, box_size, definition)
    values, degenerate = snapshot.evaluate()
    warn_degenerate(snapshot.spec, dict.fromkeys(degenerate, 1), snapshot.n, stacklevel=3)
    values["oceanic_schooling_index"] = _osi(values)
    return values
