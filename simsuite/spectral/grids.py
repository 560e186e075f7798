"""Periodic Fourier grids, wavenumbers, spectral derivatives and dealiasing filters.

Conventions
-----------
A periodic grid on ``[x_min, x_max)`` with ``n`` points has ``x_j = x_min + j·dx``, ``dx = L/n``,
``L = x_max − x_min``; the right end is *excluded* (it is the same point as the left end). Transforms are
``scipy.fft.fft``/``ifft`` (unnormalised forward transform), wavenumbers ``k = 2π·fftfreq(n, dx)``.
For odd derivatives the Nyquist mode (``n`` even) is set to zero, since its sign is ambiguous for a real
field (Trefethen, *Spectral Methods in MATLAB*, SIAM 2000, ch. 3).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import scipy.fft as sfft

from simsuite.config import ConfigError, param

DEALIAS_CHOICES = ("none", "two_thirds", "half", "exponential")


def fft_workers(threads: int) -> int:
    """``scipy.fft`` worker count for a ``run.threads`` setting (0 = all cores)."""
    return threads if threads > 0 else (os.cpu_count() or 1)


@dataclass(frozen=True)
class PeriodicGrid:
    """Uniform periodic grid with its Fourier wavenumbers.

    Parameters
    ----------
    x_min, x_max : float
        Domain ends; ``x_max`` is excluded from the grid.
    n : int
        Number of grid points.
    workers : int
        Threads used by ``scipy.fft``.
    """

    x_min: float
    x_max: float
    n: int
    workers: int = 1

    @property
    def length(self) -> float:
        return self.x_max - self.x_min

    @property
    def dx(self) -> float:
        return self.length / self.n

    @cached_property
    def x(self) -> np.ndarray:
        return self.x_min + self.dx * np.arange(self.n)

    @cached_property
    def k(self) -> np.ndarray:
        """Angular wavenumbers in FFT order."""
        return 2.0 * np.pi * np.fft.fftfreq(self.n, d=self.dx)

    @cached_property
    def k_odd(self) -> np.ndarray:
        """Wavenumbers for odd derivatives: the Nyquist mode (``n`` even) is zeroed."""
        k = self.k.copy()
        if self.n % 2 == 0:
            k[self.n // 2] = 0.0
        return k

    @property
    def k_max(self) -> float:
        """Largest resolved |k| (π/dx for even ``n``)."""
        return float(np.max(np.abs(self.k)))

    def fft(self, f: np.ndarray) -> np.ndarray:
        return sfft.fft(f, workers=self.workers)

    def ifft(self, f_hat: np.ndarray) -> np.ndarray:
        return sfft.ifft(f_hat, workers=self.workers)

    def derivative(self, f: np.ndarray, order: int = 1) -> np.ndarray:
        """Spectral derivative ``d^order f / dx^order`` of periodic samples ``f``.

        Real input gives real output.
        """
        k = self.k_odd if order % 2 else self.k
        result = self.ifft((1j * k) ** order * self.fft(f))
        return result.real if np.isrealobj(f) else result

    def integrate(self, f: np.ndarray) -> float:
        """∫ f dx over one period (the trapezoid rule, spectrally accurate for periodic f)."""
        return float(np.sum(f) * self.dx)


def dealias_filter(
    k: np.ndarray, kind: str, strength: float = 36.0, order: int = 36
) -> np.ndarray | None:
    """Multiplier applied to the Fourier coefficients of the nonlinear term.

    Parameters
    ----------
    k : ndarray
        Wavenumbers.
    kind : {"none", "two_thirds", "half", "exponential"}
        ``two_thirds`` keeps |k| ≤ ⅔ k_max (Orszag's rule, exact for quadratic terms); ``half`` keeps
        |k| ≤ ½ k_max (exact for cubic terms such as |ψ|²ψ); ``exponential`` is the Hou–Li filter
        exp(−α (|k|/k_max)^p) (Hou & Li, J. Comput. Phys. 226, 379, 2007), α = ``strength``,
        p = ``order``.

    Returns
    -------
    ndarray or None
        The real multiplier, or ``None`` for ``kind = "none"`` (no work to do).
    """
    if kind == "none":
        return None
    ratio = np.abs(k) / np.max(np.abs(k))
    if kind == "two_thirds":
        return (ratio <= 2.0 / 3.0).astype(float)
    if kind == "half":
        return (ratio <= 0.5).astype(float)
    if kind == "exponential":
        return np.exp(-strength * ratio**order)
    raise ValueError(f"unknown dealiasing {kind!r}; known: {', '.join(DEALIAS_CHOICES)}")


def check_grid_extent(
    source: str, key: str, value: Any, x_min: float, x_max: float, n: int
) -> None:
    """Require a domain whose length, spacing and largest wavenumber are finite, non-zero floats
    (x_max > x_min is checked by :meth:`GridSection.check`)."""
    length = x_max - x_min
    dx = length / n
    if not (math.isfinite(length) and dx > 0 and math.isfinite(math.pi / dx)):
        raise ConfigError(
            source,
            key,
            value,
            f"gives a domain [{x_min:g}, {x_max:g}] with n_points = {n} whose length, spacing "
            "dx or wavenumbers pi/dx are not finite non-zero numbers",
        )


#: Boundary conditions of the field bases (:mod:`simsuite.spectral.bases`).
BOUNDARY_CHOICES = ("periodic", "antiperiodic", "neumann", "dirichlet")


@dataclass(frozen=True)
class GridSection:
    """``[grid]`` of every field model: the domain, its boundary condition and the dealiasing.

    A model sets its own defaults (``section(lambda: GridSection(x_min=..., x_max=...))``) and
    says which boundaries its bases implement and which initial-condition period
    ``fit_periods`` uses, through :meth:`check`.
    """

    x_min: float = param(
        -25.0,
        unit="length",
        per_axis=True,
        doc="left end of the domain (included if periodic); nlse, klein_gordon: an array "
        "[x, y(, z)] makes a 2D or 3D grid (a single number then applies to every axis)",
    )
    x_max: float = param(
        25.0,
        unit="length",
        per_axis=True,
        doc="right end of the domain (excluded if periodic); nlse, klein_gordon: per axis as x_min",
    )
    n_points: int = param(
        512,
        ge=4,
        le=2**24,
        per_axis=True,
        doc="number of grid points, dx = (x_max - x_min)/n_points; nlse, klein_gordon: per axis as "
        "x_min",
    )
    boundary: str = param(
        "periodic",
        choices=BOUNDARY_CHOICES,
        doc="periodic (FFT, every field model); klein_gordon also: antiperiodic (one phi4 kink), "
        "neumann (DCT, phi_x = 0), dirichlet (DST, phi fixed to its initial end values); 2D/3D "
        "grids: periodic, and for klein_gordon neumann or dirichlet on every face (dirichlet: phi "
        "fixed to its initial value on the faces, which must be one constant)",
    )
    winding: int = param(
        0,
        ge=-1000,
        le=1000,
        doc="klein_gordon, 1D periodic only: phi(x + L) = phi(x) + 2 pi winding (sine-Gordon kinks); "
        "the periodic part phi - 2 pi winding (x - x_min)/L is evolved",
    )
    dealias: str = param(
        "none",
        choices=DEALIAS_CHOICES,
        doc="filter on the nonlinear term: none, two_thirds (Orszag), half (exact for cubic terms), "
        "exponential (Hou-Li)",
    )
    filter_strength: float = param(
        36.0, gt=0.0, doc="alpha of the exponential filter exp(-alpha (k/k_max)^p)"
    )
    filter_order: int = param(36, ge=2, le=1000, doc="p of the exponential filter")
    fit_periods: int = param(
        0,
        ge=0,
        le=10**6,
        doc="if > 0, replace [x_min, x_max) by this many periods of a periodic initial condition, "
        "centred on x = 0",
    )

    @property
    def ndim(self) -> int:
        """Number of grid axes: the length of the per-axis arrays (1 when every key is a number)."""
        return max(
            (len(v) for v in self._per_axis_keys().values() if isinstance(v, tuple)), default=1
        )

    def _per_axis_keys(self) -> dict[str, Any]:
        """The per-axis keys, ``n_points`` first (a mismatch is reported against it)."""
        return {"n_points": self.n_points, "x_min": self.x_min, "x_max": self.x_max}

    def axes(self) -> tuple[tuple[float, ...], tuple[float, ...], tuple[int, ...]]:
        """``(x_min, x_max, n_points)`` per axis in the order ``(x, y, z)``; a single number
        applies to every axis."""
        d = self.ndim

        def spread(value: Any) -> tuple:
            return tuple(value) if isinstance(value, tuple) else (value,) * d

        return spread(self.x_min), spread(self.x_max), spread(self.n_points)

    def domain(self, period: float | None) -> tuple[float, float]:
        """The domain ``(x_min, x_max)`` actually used: ``fit_periods`` periods of length
        ``period`` centred on 0 when ``fit_periods > 0``, else the configured ends."""
        if self.fit_periods and period is not None:
            half = 0.5 * self.fit_periods * period
            return -half, half
        return self.x_min, self.x_max

    def check(
        self,
        source: str,
        model: str,
        boundaries: tuple[str, ...] = BOUNDARY_CHOICES,
        windings: bool = False,
        period: float | None = None,
        ic_name: str = "",
        max_dims: int = 1,
        nd_boundaries: tuple[str, ...] = ("periodic",),
    ) -> None:
        """Check the section for ``model``, whose bases implement ``boundaries``, which evolves a
        wound field when ``windings``, and whose initial condition ``ic_name`` has the spatial
        period ``period`` (None: none); the model takes grids of up to ``max_dims`` axes (per-axis
        arrays), with one of the boundaries ``nd_boundaries`` on every axis."""
        arrays = {k: v for k, v in self._per_axis_keys().items() if isinstance(v, tuple)}
        if arrays:
            self._check_axes(source, model, arrays, max_dims, nd_boundaries)
            return
        if self.x_max <= self.x_min:
            raise ConfigError(
                source, "grid.x_max", self.x_max, f"must be greater than grid.x_min = {self.x_min}"
            )
        if self.boundary not in boundaries:
            raise ConfigError(
                source,
                "grid.boundary",
                self.boundary,
                f"the {model} model supports {', '.join(boundaries)}",
            )
        if self.winding and not windings:
            raise ConfigError(
                source, "grid.winding", self.winding, f"the {model} model takes no winding (use 0)"
            )
        if self.winding and self.boundary != "periodic":
            raise ConfigError(
                source,
                "grid.winding",
                self.winding,
                f"needs grid.boundary = 'periodic' (is {self.boundary!r})",
            )
        if self.fit_periods and period is None:
            raise ConfigError(
                source,
                "grid.fit_periods",
                self.fit_periods,
                f"needs a periodic initial condition; {ic_name!r} has no period "
                "(set grid.fit_periods = 0)",
            )
        if self.fit_periods and self.boundary != "periodic":
            raise ConfigError(
                source,
                "grid.fit_periods",
                self.fit_periods,
                f"needs grid.boundary = 'periodic' (is {self.boundary!r})",
            )
        x_min, x_max = self.domain(period)
        key, value = (
            ("grid.fit_periods", self.fit_periods)
            if self.fit_periods
            else ("grid.x_max", self.x_max)
        )
        check_grid_extent(source, key, value, x_min, x_max, self.n_points)

    def _check_axes(
        self,
        source: str,
        model: str,
        arrays: dict[str, tuple],
        max_dims: int,
        nd_boundaries: tuple[str, ...] = ("periodic",),
    ) -> None:
        """Checks of a grid given by per-axis arrays (2 or 3 axes)."""
        first, value = next(iter(arrays.items()))
        if max_dims < 2:
            raise ConfigError(
                source,
                f"grid.{first}",
                list(value),
                f"the {model} model takes a 1D grid: a single number per key",
            )
        for key, other in arrays.items():
            if len(other) != len(value):
                raise ConfigError(
                    source,
                    f"grid.{key}",
                    list(other),
                    f"has {len(other)} entries but grid.{first} has {len(value)}: give every "
                    "per-axis array one entry per axis (x, y, z), or a single number for all",
                )
        if self.boundary not in nd_boundaries:
            raise ConfigError(
                source,
                "grid.boundary",
                self.boundary,
                f"a {len(value)}D grid of the {model} model is "
                + ", ".join(nd_boundaries[:-1])
                + (" or " if len(nd_boundaries) > 1 else "")
                + f"{nd_boundaries[-1]} (the same on every axis)",
            )
        if self.fit_periods:
            raise ConfigError(
                source,
                "grid.fit_periods",
                self.fit_periods,
                f"applies to 1D grids only (this one has {len(value)} axes); set it to 0",
            )
        for i, (lo, hi, n) in enumerate(zip(*self.axes(), strict=True)):
            name = "xyz"[i]
            value = list(self.x_max) if "x_max" in arrays else self.x_max
            if hi <= lo:
                raise ConfigError(
                    source,
                    "grid.x_max",
                    value,
                    f"must be greater than grid.x_min = {lo} on axis {name} (is {hi})",
                )
            check_grid_extent(source, "grid.x_max", value, lo, hi, n)
