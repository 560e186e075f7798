"""What the field models share on 2D and 3D grids: the output's dimensions, coordinates and grid
attributes, and no probe series.

A field on a :class:`~simsuite.spectral.nd_grid.PeriodicGridND` is written on ``(t, y, x)`` or
``(t, z, y, x)`` (array order), with one coordinate variable per axis and the attributes
``x_min``, ``x_max``, ``dx``, ``n_x`` (and the same for y, z) that :mod:`simsuite.analyze` and the
plots read back. The probe series of the 1D models (``diagnostics.probe_x``, a point on a line)
is not recorded.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np

from simsuite.models.base import Coordinate, VariableSpec
from simsuite.spectral.nd_grid import AXIS_NAMES, PeriodicGridND

__all__ = ["FieldsOnGridND"]


class FieldsOnGridND:
    """Mixin of the N-D variants of the field models (put it before the 1D model class)."""

    grid: PeriodicGridND

    @cached_property
    def _dims(self) -> tuple[str, ...]:
        """``("t", "y", "x")`` or ``("t", "z", "y", "x")``."""
        return ("t", *self.grid.dims)

    def coords(self) -> dict[str, Coordinate]:
        return {
            name: Coordinate(axis.x, f"position {name} (dimensionless)", "1")
            for name, axis in zip(AXIS_NAMES, self.grid.axes, strict=False)
        }

    def grid_attrs(self) -> dict[str, Any]:
        """``ndim`` and, per axis, ``<axis>_min``, ``<axis>_max``, ``d<axis>``, ``n_<axis>``."""
        attrs: dict[str, Any] = {"ndim": self.grid.ndim}
        for name, axis in zip(AXIS_NAMES, self.grid.axes, strict=False):
            attrs[f"{name}_min"] = axis.x_min
            attrs[f"{name}_max"] = axis.x_max
            attrs[f"d{name}"] = axis.dx
            attrs[f"n_{name}"] = axis.n
        return attrs

    def probe(self, state: np.ndarray) -> dict[str, float]:
        return {}

    def probe_variables(self) -> dict[str, VariableSpec]:
        return {}
