r"""Order parameters and entropy indices of a school of agents (positions and headings in 3D).

The public names of the package, re-exported from its modules:

* :mod:`~simsuite.diagnostics.schooling.geometry`: :func:`centroid` (per-axis circular mean in a
  periodic box) and :func:`offsets` (minimum image);
* :mod:`~simsuite.diagnostics.schooling.order`: polarization P, rotation (milling) M, the order
  index max(P, M), spread and nearest-neighbour statistics [Cou02]_;
* :mod:`~simsuite.diagnostics.schooling.definitions`: :data:`ENTROPIES`, the 'simsuite' and
  'dewi-kadita' definitions of the entropies (:data:`DEFINITIONS`) and
  :class:`DegenerateSchoolWarning`;
* :mod:`~simsuite.diagnostics.schooling.entropies`: the seven schooling entropies of one snapshot;
* :mod:`~simsuite.diagnostics.schooling.osi`: the Oceanic Schooling Index,
  :math:`\sum_k w_k H_k` (:data:`OSI_WEIGHTS`);
* :mod:`~simsuite.diagnostics.schooling.timeseries`: all of the above for every snapshot of a
  trajectory at once, with the compiled kernels of the ``*_kernels`` modules.

``simsuite.diagnostics.schooling.histograms`` holds the histograms and normalised entropies the
entropies share.

References
----------
.. [Cou02] I. D. Couzin, J. Krause, R. James, G. D. Ruxton and N. R. Franks, "Collective memory and
   spatial sorting in animal groups", J. Theor. Biol. 218, 1–11 (2002).
"""

from simsuite.diagnostics.schooling.definitions import (
    DEFINITIONS,
    ENTROPIES,
    DegenerateSchoolWarning,
    SchoolingDefinition,
)
from simsuite.diagnostics.schooling.entropies import (
    angular_momentum_entropy,
    cohesion_entropy,
    depth_entropy,
    nearest_neighbour_entropy,
    polarization_entropy,
    shape_entropy,
    velocity_correlation_entropy,
)
from simsuite.diagnostics.schooling.geometry import centroid, offsets
from simsuite.diagnostics.schooling.order import (
    nearest_neighbour_distance,
    nearest_neighbour_statistics,
    order_index,
    order_parameters,
    polarization,
    rotation,
    spread,
)
from simsuite.diagnostics.schooling.osi import OSI_WEIGHTS, oceanic_schooling_index
from simsuite.diagnostics.schooling.timeseries import schooling_timeseries

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
