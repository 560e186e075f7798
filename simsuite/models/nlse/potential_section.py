"""The ``[potential]`` section of the nlse model: the external potential V of

.. math:: i ψ_t + ½∇²ψ + g|ψ|²ψ − Vψ = 0

on a 2D or 3D grid (a 1D grid takes only ``type = "none"``). The kinds and their formulas are those
of :mod:`simsuite.models.nlse.potentials`:

* ``none``: V = 0 (the default; the run is then exactly the one without a potential);
* ``harmonic``: V = ½ Σ_i ω_i² (x_i − c_i)² (keys ``omega`` > 0 and ``center``);
* ``lattice``: V = Σ_i V0_i sin²(k_i x_i) (keys ``depth`` and ``wavenumber``; π/k_i must divide
  the box length L_i);
* ``expression``: V from ``formula`` in x, y (and z), real and finite.

Every key takes one number (the same on every axis) or an array of one entry per axis (x, y, z).
A key that does not belong to the chosen type must keep its default (a set ``omega`` with
``type = "lattice"`` is refused, it would silently do nothing). Errors of
:mod:`~simsuite.models.nlse.potentials` become :class:`~simsuite.config.ConfigError` naming the
key ``potential.<key>``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np

from simsuite import expressions
from simsuite.config import ConfigError, param
from simsuite.models.nlse.potentials import POTENTIAL_KINDS, make_potential
from simsuite.spectral.nd_grid import AXIS_NAMES, PeriodicGridND

__all__ = ["PotentialSection"]

#: The keys each type reads (besides ``type``).
TYPE_KEYS = {
    "none": (),
    "harmonic": ("omega", "center"),
    "lattice": ("depth", "wavenumber"),
    "expression": ("formula",),
}


@dataclass(frozen=True)
class PotentialSection:
    """``[potential]`` of the nlse model (2D and 3D grids)."""

    type: str = param(
        "none",
        choices=POTENTIAL_KINDS,
        doc="external potential V in i psi_t + laplacian(psi)/2 + g|psi|^2 psi - V psi = 0: none, "
        "harmonic (1/2 sum omega_i^2 (x_i - center_i)^2), lattice (sum depth_i sin^2(wavenumber_i "
        "x_i)) or expression (formula); not none needs a 2D or 3D grid",
    )
    omega: float = param(
        1.0, gt=0.0, per_axis=True, unit="1/time", doc="harmonic: trap frequency per axis"
    )
    center: float = param(0.0, per_axis=True, unit="length", doc="harmonic: trap centre per axis")
    depth: float = param(1.0, per_axis=True, doc="lattice: depth V0 per axis (0 = no lattice)")
    wavenumber: float = param(
        1.0,
        gt=0.0,
        per_axis=True,
        unit="1/length",
        doc="lattice: wavenumber k per axis; the period pi/k must divide the box length",
    )
    formula: str = param("0", doc="expression: V as a formula in x, y (and z), real and finite")

    def check(self, source: str, ndim: int) -> None:
        """The type fits the grid, only its keys are set, per-axis arrays have ``ndim`` entries
        and the formula parses."""
        if self.type != "none" and ndim < 2:
            raise ConfigError(
                source,
                "potential.type",
                self.type,
                "needs a 2D or 3D grid (per-axis arrays in grid.x_min, grid.x_max, "
                "grid.n_points); on a 1D grid only 'none' is available",
            )
        default = PotentialSection()
        for f in dataclasses.fields(self):
            if f.name == "type":
                continue
            value = getattr(self, f.name)
            if f.name not in TYPE_KEYS[self.type] and value != getattr(default, f.name):
                users = [t for t, keys in TYPE_KEYS.items() if f.name in keys]
                raise ConfigError(
                    source,
                    f"potential.{f.name}",
                    list(value) if isinstance(value, tuple) else value,
                    f"applies only to potential.type = {users[0]!r} (type is {self.type!r})",
                )
            if isinstance(value, tuple) and len(value) != ndim:
                raise ConfigError(
                    source,
                    f"potential.{f.name}",
                    list(value),
                    f"needs {ndim} entries (one per axis of the {ndim}D grid) or a single number",
                )
        if self.type == "expression":
            try:
                expressions.parse(self.formula, AXIS_NAMES[:ndim])
            except expressions.ExpressionError as exc:
                raise ConfigError(source, "potential.formula", self.formula, str(exc)) from None

    def conserves_momentum(self) -> bool:
        """Whether the momentum vector is an invariant: only without a potential (any V that
        depends on position exerts the force −∇V)."""
        return self.type == "none"

    def conserves_angular_momentum_z(self, grid: PeriodicGridND) -> bool:
        """Whether L_z about the box centre is an invariant: without a potential, or in a
        harmonic trap with ω_x = ω_y centred (in x and y) at the box centre, where V commutes
        with x∂_y − y∂_x. A lattice or a formula breaks the rotation symmetry."""
        if self.type == "none":
            return True
        if self.type != "harmonic":
            return False
        omega = self.omega if isinstance(self.omega, tuple) else (self.omega,) * grid.ndim
        center = self.center if isinstance(self.center, tuple) else (self.center,) * grid.ndim
        box_centre = [0.5 * (axis.x_min + axis.x_max) for axis in grid.axes[:2]]
        return omega[0] == omega[1] and all(
            np.isclose(center[i], box_centre[i], rtol=0.0, atol=1e-12 * grid.lengths[i])
            for i in range(2)
        )

    def values(self, source: str, grid: PeriodicGridND) -> np.ndarray | None:
        """V on ``grid`` (C-contiguous float64 of ``grid.shape``), or None for ``type = "none"``;
        an error of the potential is a :class:`ConfigError` naming its key."""
        if self.type == "none":
            return None
        params = {key: getattr(self, key) for key in TYPE_KEYS[self.type]}
        try:
            v = make_potential(self.type, **params).values(grid)
        except ValueError as exc:
            match = re.search(r"potential\.(\w+)", str(exc))
            key = match.group(1) if match else "type"
            value = getattr(self, key, self.type)
            raise ConfigError(
                source,
                f"potential.{key}",
                list(value) if isinstance(value, tuple) else value,
                str(exc),
            ) from None
        return np.ascontiguousarray(v, dtype=np.float64)
