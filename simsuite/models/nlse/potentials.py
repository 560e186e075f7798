"""External potentials V(x) of the NLSE / Gross–Pitaevskii equation on a periodic N-D grid.

The equation is

.. math::

    i ψ_t + ½∇²ψ + g|ψ|²ψ − V(\\mathbf{x})ψ = 0,

so ``g > 0`` is focusing (attractive) and ``g < 0`` defocusing (repulsive; a trapped repulsive
condensate has ``g < 0`` in this convention). Each potential is a small frozen dataclass whose
:meth:`values` returns the real array ``V`` on a :class:`~simsuite.spectral.nd_grid.PeriodicGridND`
(shape ``(n_z, n_y, n_x)``); per-axis parameters are given in the axis order ``(x, y, z)``, and a
single number stands for the same value on every axis.

=============  ===============================================  ==============================
kind           V(x)                                             parameters
=============  ===============================================  ==============================
none           0                                                —
harmonic       ½ Σ_i ω_i² (x_i − c_i)²                          ``omega``, ``center`` (0)
lattice        Σ_i V0_i sin²(k_i x_i)                           ``depth`` (V0), ``wavenumber``
expression     a formula in x, y, z                             ``formula``
=============  ===============================================  ==============================

The lattice is periodic with period ``π/k_i`` along axis ``i``, so on a periodic box of length
``L_i`` it must satisfy ``k_i L_i / π ∈ ℕ`` (a whole number of lattice wells per period), or the
potential would jump at the box edge; :class:`OpticalLattice` refuses a wavenumber that does not
fit. A harmonic trap is not periodic: the box must be large enough that ψ is negligible where the
periodic copies of the trap meet. Expressions are evaluated by the whitelisted interpreter of
:mod:`simsuite.expressions` (never ``eval``) with the variables of the grid's axes (``x``; ``x, y``;
``x, y, z``) and must give finite real values.

Errors are :class:`ValueError` (for formulas :class:`~simsuite.expressions.ExpressionError`, a
subclass) naming the offending parameter; the config layer will turn them into config errors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simsuite import expressions
from simsuite.spectral.nd_grid import AXIS_NAMES, PeriodicGridND

__all__ = [
    "POTENTIAL_KINDS",
    "ExpressionPotential",
    "HarmonicTrap",
    "NoPotential",
    "OpticalLattice",
    "make_potential",
    "potential_values",
]

#: The potential kinds :func:`make_potential` knows.
POTENTIAL_KINDS = ("none", "harmonic", "lattice", "expression")

PerAxis = float | Sequence[float]


def _per_axis(value: PerAxis, grid: PeriodicGridND, name: str) -> tuple[float, ...]:
    """``value`` as one finite float per grid axis (a scalar is repeated)."""
    if np.ndim(value) == 0:
        values = (value,) * grid.ndim
    else:
        values = tuple(value)  # type: ignore[arg-type]
        if len(values) != grid.ndim:
            raise ValueError(
                f"{name} needs one value per axis of the {grid.ndim}D grid (or one number), "
                f"got {len(values)}: {list(values)}"
            )
    try:
        result = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers, got {value!r}") from None
    if not all(math.isfinite(v) for v in result):
        raise ValueError(f"{name} must be finite, got {list(result)}")
    return result


@dataclass(frozen=True)
class NoPotential:
    """``V = 0``."""

    kind = "none"

    def values(self, grid: PeriodicGridND) -> np.ndarray:
        """Zeros of shape ``grid.shape``."""
        return np.zeros(grid.shape)


@dataclass(frozen=True)
class HarmonicTrap:
    """Harmonic trap ``V = ½ Σ_i ω_i² (x_i − c_i)²``.

    Parameters
    ----------
    omega : float or sequence of float
        Trap frequencies ``ω_i ≥ 0`` in the axis order ``(x, y, z)``; one number for all axes.
    center : float or sequence of float
        Trap centre ``c_i`` (default the origin).
    """

    omega: PerAxis = 1.0
    center: PerAxis = 0.0
    kind = "harmonic"

    def values(self, grid: PeriodicGridND) -> np.ndarray:
        """``V`` on the grid (shape ``grid.shape``)."""
        omega = _per_axis(self.omega, grid, "potential.omega")
        if any(w < 0 for w in omega):
            raise ValueError(f"potential.omega must be >= 0, got {list(omega)}")
        center = _per_axis(self.center, grid, "potential.center")
        v = np.zeros(grid.shape)
        for w, c, x in zip(omega, center, grid.coordinates, strict=True):
            v = v + 0.5 * (w * w) * (x - c) ** 2  # sparse coordinates broadcast to the full grid
        return v


@dataclass(frozen=True)
class OpticalLattice:
    """Optical lattice ``V = Σ_i V0_i sin²(k_i x_i)``.

    Parameters
    ----------
    depth : float or sequence of float
        Lattice depths ``V0_i`` per axis (0 leaves an axis free).
    wavenumber : float or sequence of float
        ``k_i > 0``; the lattice period is ``π/k_i`` and must divide the box length ``L_i``
        (``k_i L_i/π`` a whole number, to 1e-9 relative), or :meth:`values` raises.
    """

    depth: PerAxis = 1.0
    wavenumber: PerAxis = 1.0
    kind = "lattice"

    def values(self, grid: PeriodicGridND) -> np.ndarray:
        """``V`` on the grid (shape ``grid.shape``)."""
        depth = _per_axis(self.depth, grid, "potential.depth")
        wavenumber = _per_axis(self.wavenumber, grid, "potential.wavenumber")
        v = np.zeros(grid.shape)
        for i, (v0, k, x, length) in enumerate(
            zip(depth, wavenumber, grid.coordinates, grid.lengths, strict=True)
        ):
            if v0 == 0.0:
                continue
            wells = k * length / math.pi
            if k <= 0 or abs(wells - round(wells)) > 1e-9 * max(1.0, abs(wells)):
                raise ValueError(
                    f"potential.wavenumber[{i}] = {k} does not fit the periodic box: the lattice "
                    f"period π/k must divide L_{AXIS_NAMES[i]} = {length}, i.e. k·L/π must be a "
                    f"whole number (got {wells:.6g}); e.g. k = {max(1, round(wells))}·π/L"
                )
            v = v + v0 * np.sin(k * x) ** 2
        return v


@dataclass(frozen=True)
class ExpressionPotential:
    """``V`` from a formula in the grid's coordinates, e.g. ``"0.5*(x**2 + 4*y**2)"``.

    Parameters
    ----------
    formula : str
        Arithmetic, numbers, ``pi``, ``e``, the whitelisted NumPy functions of
        :mod:`simsuite.expressions` and the variables ``x`` (1D), ``x, y`` (2D), ``x, y, z`` (3D).
        The values must be real (an imaginary part of exactly zero is accepted) and finite.
    """

    formula: str = "0"
    kind = "expression"

    def values(self, grid: PeriodicGridND) -> np.ndarray:
        """``V`` on the grid (shape ``grid.shape``); :class:`~simsuite.expressions.ExpressionError`
        (a :class:`ValueError`) names the formula when it is not allowed or not real and finite."""
        variables = dict(zip(AXIS_NAMES[: grid.ndim], grid.coordinates, strict=True))
        try:
            value = expressions.evaluate(self.formula, variables)
        except expressions.ExpressionError as exc:
            raise expressions.ExpressionError(
                f"potential.formula {self.formula!r}: {exc}"
            ) from None
        if np.iscomplexobj(value):
            if np.any(value.imag != 0):
                raise expressions.ExpressionError(
                    f"potential.formula {self.formula!r}: the potential must be real"
                )
            value = value.real
        v = np.array(np.broadcast_to(value, grid.shape), dtype=float)
        if not np.all(np.isfinite(v)):
            raise expressions.ExpressionError(
                f"potential.formula {self.formula!r}: gives non-finite values on the grid"
            )
        return v


#: Any of the potential classes.
Potential = NoPotential | HarmonicTrap | OpticalLattice | ExpressionPotential

_KINDS = {
    "none": NoPotential,
    "harmonic": HarmonicTrap,
    "lattice": OpticalLattice,
    "expression": ExpressionPotential,
}


def make_potential(kind: str, **params) -> Potential:
    """The potential of a kind (one of :data:`POTENTIAL_KINDS`) with its parameters.

    Raises
    ------
    ValueError
        For an unknown kind or a parameter the kind does not take (named in the message).
    """
    try:
        cls = _KINDS[kind]
    except (KeyError, TypeError):
        raise ValueError(
            f"potential.kind must be one of {', '.join(POTENTIAL_KINDS)}, got {kind!r}"
        ) from None
    try:
        return cls(**params)
    except TypeError:
        allowed = [f for f in cls.__dataclass_fields__]
        unknown = sorted(set(params) - set(allowed))
        raise ValueError(
            f"potential kind {kind!r} takes {', '.join(allowed) or 'no parameters'}; "
            f"unknown: {', '.join(unknown)}"
        ) from None


def potential_values(kind: str, grid: PeriodicGridND, **params) -> np.ndarray:
    """``V`` on ``grid`` for a kind and its parameters: ``make_potential(kind, **params).values(grid)``.

    Examples
    --------
    >>> grid = PeriodicGridND.from_bounds((-8.0, -8.0), (8.0, 8.0), (32, 32))
    >>> v = potential_values("harmonic", grid, omega=(1.0, 2.0))
    >>> v.shape
    (32, 32)
    """
    return make_potential(kind, **params).values(grid)
