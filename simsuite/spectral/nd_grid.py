"""Periodic Fourier grids in one, two and three dimensions: coordinates, wavenumbers, spectral
derivatives, quadrature and dealiasing filters.

A :class:`PeriodicGridND` is the tensor product of one-dimensional
:class:`~simsuite.spectral.grids.PeriodicGrid` axes, given in the order ``(x, y, z)``; each axis keeps
the 1D conventions (``x_j = x_min + j·dx``, right end excluded, ``k = 2π·fftfreq(n, dx)``).

Array convention
----------------
Fields are C-ordered arrays with the axes *reversed*: shape ``(n_z, n_y, n_x)`` in 3D, ``(n_y, n_x)``
in 2D, ``(n_x,)`` in 1D, so ``x`` varies fastest and a series of snapshots is stored with dimensions
``(t, z, y, x)`` (:attr:`PeriodicGridND.dims`). Everything *per axis* (spacing, lengths, coordinates,
wavenumbers, gradient components) is a tuple in the axis order ``(x, y, z)``; grid axis ``i`` is
array axis ``ndim − 1 − i`` (:meth:`PeriodicGridND.array_axis`). Coordinates and wavenumbers are
sparse: the one of axis ``i`` has length ``n_i`` along its array axis and 1 along the others, so
they broadcast against each other and against a field (``np.meshgrid(..., sparse=True)`` in the
array order).

Formulas
--------
Transforms are ``scipy.fft.fftn``/``ifftn`` over the grid axes (the last ``ndim`` axes of an array,
so stacks of fields work too), with the unnormalised forward transform of the 1D code. With
``k_i = 2π·fftfreq(n_i, dx_i)`` and ``|k|² = Σ_i k_i²``:

* ``∂_i f = F⁻¹[i k_i f̂]``, where for odd derivatives the Nyquist mode of an axis with even ``n_i``
  is set to zero (its sign is ambiguous for a real field);
* ``∇²f = F⁻¹[−|k|² f̂]`` (even order: the Nyquist modes are kept);
* ``∫ f dV ≈ Σ_j f_j ΔV``, ``ΔV = Π_i dx_i``: the trapezoid rule, spectrally accurate for smooth
  periodic ``f``; Parseval reads ``Σ|f|² ΔV = Σ|f̂|² ΔV / N``, ``N = Π_i n_i``.

Dealiasing filters are products of the 1D filters of
:func:`~simsuite.spectral.grids.dealias_filter`, one per axis with that axis' ``k_max,i``: the ⅔
rule keeps a mode when ``|k_i| ≤ ⅔ k_max,i`` on *every* axis, the exponential filter is
``Π_i exp(−α (|k_i|/k_max,i)^p)``. A one-dimensional :class:`PeriodicGridND` gives exactly the
wavenumbers and filters of its :class:`~simsuite.spectral.grids.PeriodicGrid`, bit for bit.

References
----------
.. [Tre00] L. N. Trefethen, *Spectral Methods in MATLAB*, SIAM (2000), ch. 3 (periodic grids,
   differentiation via the FFT, the Nyquist mode of odd derivatives).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, reduce

import numpy as np
import scipy.fft as sfft

from simsuite.spectral.grids import PeriodicGrid, dealias_filter, fft_workers

__all__ = ["AXIS_NAMES", "PeriodicGridND", "TensorGridAxes", "grid_of", "state_sizes_nd"]

#: Names of the grid axes, in the order the axes are given.
AXIS_NAMES = ("x", "y", "z")


class TensorGridAxes:
    """The geometry of a tensor-product grid from its ``axes`` (order (x, y, z); each axis has
    ``n``, ``dx`` and ``length``): arrays have shape ``(n_z, n_y, n_x)``. Shared by
    :class:`PeriodicGridND` and the wall grids of the klein_gordon model."""

    axes: tuple

    @property
    def ndim(self) -> int:
        """Number of dimensions (1, 2 or 3)."""
        return len(self.axes)

    @property
    def shape(self) -> tuple[int, ...]:
        """Array shape ``(n_z, n_y, n_x)`` (the axes reversed)."""
        return tuple(axis.n for axis in reversed(self.axes))

    @property
    def dims(self) -> tuple[str, ...]:
        """Dimension names in the array order, e.g. ``("z", "y", "x")``."""
        return AXIS_NAMES[: self.ndim][::-1]

    @property
    def size(self) -> int:
        """Number of grid points ``N = Π_i n_i``."""
        return math.prod(self.shape)

    @property
    def spacing(self) -> tuple[float, ...]:
        """Grid spacings ``(dx, dy, dz)`` in the axis order."""
        return tuple(axis.dx for axis in self.axes)

    @property
    def lengths(self) -> tuple[float, ...]:
        """Box lengths ``(L_x, L_y, L_z)`` in the axis order (the periods of a periodic grid)."""
        return tuple(axis.length for axis in self.axes)

    @property
    def cell_volume(self) -> float:
        """``ΔV = Π_i dx_i``, the quadrature weight of every point."""
        return math.prod(self.spacing)

    def array_axis(self, i: int) -> int:
        """The array axis of grid axis ``i`` (0 = x, 1 = y, 2 = z): ``ndim − 1 − i``."""
        if not 0 <= i < self.ndim:
            raise ValueError(f"grid axis {i} out of range for a {self.ndim}D grid")
        return self.ndim - 1 - i

    def sparse(self, values: np.ndarray, i: int) -> np.ndarray:
        """``values`` (length ``n_i``) shaped to broadcast along array axis ``array_axis(i)``."""
        shape = [1] * self.ndim
        shape[self.array_axis(i)] = values.size
        return values.reshape(shape)


@dataclass(frozen=True)
class PeriodicGridND(TensorGridAxes):
    """Tensor product of 1, 2 or 3 periodic grids; arrays have shape ``(n_z, n_y, n_x)``.

    Parameters
    ----------
    axes : sequence of PeriodicGrid
        The axes in the order ``(x, y, z)`` (one, two or three of them).
    workers : int
        Threads used by ``scipy.fft``.

    Examples
    --------
    >>> grid = PeriodicGridND.from_bounds((0.0, 0.0), (2 * np.pi, 4 * np.pi), (16, 8))
    >>> grid.shape, grid.dims
    ((8, 16), ('y', 'x'))
    >>> x, y = grid.coordinates
    >>> (np.sin(x) * np.cos(y)).shape
    (8, 16)
    """

    axes: tuple[PeriodicGrid, ...]
    workers: int = 1

    def __post_init__(self) -> None:
        axes = tuple(self.axes)
        if not 1 <= len(axes) <= 3:
            raise ValueError(f"a PeriodicGridND has 1 to 3 axes, got {len(axes)}")
        if not all(isinstance(axis, PeriodicGrid) for axis in axes):
            raise TypeError("the axes of a PeriodicGridND must be PeriodicGrid instances")
        object.__setattr__(self, "axes", axes)

    @classmethod
    def from_bounds(
        cls,
        x_min: Sequence[float],
        x_max: Sequence[float],
        n: Sequence[int],
        workers: int = 1,
    ) -> PeriodicGridND:
        """The grid on ``Π_i [x_min[i], x_max[i])`` with ``n[i]`` points per axis, axes ``(x, y, z)``."""
        if not len(x_min) == len(x_max) == len(n):
            raise ValueError("x_min, x_max and n need one entry per axis")
        axes = tuple(
            PeriodicGrid(float(a), float(b), int(m), workers)
            for a, b, m in zip(x_min, x_max, n, strict=True)
        )
        return cls(axes, workers)

    @cached_property
    def coordinates(self) -> tuple[np.ndarray, ...]:
        """Sparse coordinates ``(x, y, z)`` in the axis order, each broadcastable to :attr:`shape`."""
        return tuple(self.sparse(axis.x, i) for i, axis in enumerate(self.axes))

    # --- wavenumbers ----------------------------------------------------------------------------

    @cached_property
    def wavenumbers(self) -> tuple[np.ndarray, ...]:
        """Sparse angular wavenumbers ``(k_x, k_y, k_z)`` in FFT order, ``k_i = 2π·fftfreq(n_i, dx_i)``."""
        return tuple(self.sparse(axis.k, i) for i, axis in enumerate(self.axes))

    @cached_property
    def wavenumbers_odd(self) -> tuple[np.ndarray, ...]:
        """As :attr:`wavenumbers`, with the Nyquist mode (even ``n_i``) zeroed: for odd derivatives."""
        return tuple(self.sparse(axis.k_odd, i) for i, axis in enumerate(self.axes))

    @property
    def k_max(self) -> tuple[float, ...]:
        """Largest resolved ``|k_i|`` per axis (``π/dx_i`` for even ``n_i``)."""
        return tuple(axis.k_max for axis in self.axes)

    @cached_property
    def k_squared(self) -> np.ndarray:
        """``|k|² = Σ_i k_i²`` on the full grid (shape :attr:`shape`; read-only, shared)."""
        k2 = np.array(np.broadcast_to(reduce(np.add, (k**2 for k in self.wavenumbers)), self.shape))
        k2.flags.writeable = False
        return k2

    # --- transforms and derivatives -------------------------------------------------------------

    @property
    def _fft_axes(self) -> tuple[int, ...]:
        return tuple(range(-self.ndim, 0))

    def fft(self, f: np.ndarray) -> np.ndarray:
        """``fftn`` over the grid axes (the last ``ndim`` axes of ``f``), unnormalised."""
        return sfft.fftn(f, axes=self._fft_axes, workers=self.workers)

    def ifft(self, f_hat: np.ndarray) -> np.ndarray:
        """``ifftn`` over the grid axes (the last ``ndim`` axes), with the factor ``1/N``."""
        return sfft.ifftn(f_hat, axes=self._fft_axes, workers=self.workers)

    def _back(self, f_hat: np.ndarray, real: bool) -> np.ndarray:
        result = self.ifft(f_hat)
        return result.real if real else result

    def derivative(self, f: np.ndarray, axis: int = 0, order: int = 1) -> np.ndarray:
        """Spectral derivative ``∂^order f / ∂x_axis^order`` (``axis`` 0 = x, 1 = y, 2 = z).

        ``F⁻¹[(i k_axis)^order f̂]``, with the Nyquist mode zeroed for odd ``order`` [Tre00]_.
        Real input gives real output.
        """
        self.array_axis(axis)  # raises ValueError for an axis the grid does not have
        k = (self.wavenumbers_odd if order % 2 else self.wavenumbers)[axis]
        return self._back((1j * k) ** order * self.fft(f), np.isrealobj(f))

    def gradient(self, f: np.ndarray) -> tuple[np.ndarray, ...]:
        """Spectral gradient ``(∂_x f, ∂_y f, ∂_z f)`` in the axis order (one transform of ``f``).

        ``∂_i f = F⁻¹[i k_i f̂]`` with the Nyquist mode of each axis zeroed [Tre00]_; real input
        gives real components.
        """
        f_hat = self.fft(f)
        real = np.isrealobj(f)
        return tuple(self._back(1j * k * f_hat, real) for k in self.wavenumbers_odd)

    def laplacian(self, f: np.ndarray) -> np.ndarray:
        """Spectral Laplacian ``∇²f = F⁻¹[−|k|² f̂]``; real input gives real output."""
        return self._back(-self.k_squared * self.fft(f), np.isrealobj(f))

    def integrate(self, f: np.ndarray) -> float | complex | np.ndarray:
        """``∫ f dV ≈ Σ_j f_j ΔV`` over one period of every axis.

        A scalar (float for real ``f``, complex otherwise) for a single field; for a stack of
        fields (extra leading axes) one value per field.
        """
        total = np.sum(f, axis=self._fft_axes) * self.cell_volume
        if np.ndim(total):
            return total
        return complex(total) if np.iscomplexobj(total) else float(total)

    # --- dealiasing -----------------------------------------------------------------------------

    def dealias_filter(
        self, kind: str, strength: float = 36.0, order: int = 36
    ) -> np.ndarray | None:
        """Multiplier of the Fourier coefficients of a nonlinear term, on the full grid.

        The product over the axes of :func:`~simsuite.spectral.grids.dealias_filter` of each
        axis' wavenumbers: ``two_thirds`` keeps the modes with ``|k_i| ≤ ⅔ k_max,i`` on every axis
        (``half``: ``≤ ½ k_max,i``), ``exponential`` is ``Π_i exp(−α (|k_i|/k_max,i)^p)`` with
        α = ``strength``, p = ``order``.

        Returns
        -------
        ndarray or None
            Real array of shape :attr:`shape`, or ``None`` for ``kind = "none"``.
        """
        factors = [
            dealias_filter(axis.k, kind, strength, order) for axis in self.axes
        ]  # raises ValueError for an unknown kind
        if factors[0] is None:
            return None
        product = reduce(np.multiply, (self.sparse(m, i) for i, m in enumerate(factors)))
        return np.array(np.broadcast_to(product, self.shape))


def grid_of(cfg) -> PeriodicGridND:
    """The N-D grid of a field model's config whose ``[grid]`` has per-axis arrays, with the FFT
    workers of ``run.threads``."""
    x_min, x_max, n = cfg.grid.axes()
    return PeriodicGridND.from_bounds(x_min, x_max, n, fft_workers(cfg.run.threads))


def state_sizes_nd(cfg) -> dict[str, int]:
    """``{"z": n_z, "y": n_y, "x": n_x}`` (array order) of an N-D config."""
    _, _, n = cfg.grid.axes()
    names = AXIS_NAMES[: len(n)]
    return {name: int(n[i]) for i, name in reversed(list(enumerate(names)))}
