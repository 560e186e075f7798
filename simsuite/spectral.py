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

import os
from dataclasses import dataclass
from functools import cached_property

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


@dataclass(frozen=True)
class GridSection:
    """``[grid]`` of the spectral models: a periodic grid and its dealiasing."""

    x_min: float = param(-25.0, unit="length", doc="left end of the periodic domain (included)")
    x_max: float = param(25.0, unit="length", doc="right end of the periodic domain (excluded)")
    n_points: int = param(
        512, ge=4, le=2**24, doc="number of grid points, dx = (x_max - x_min)/n_points"
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

    def check(self, source: str) -> None:
        if self.x_max <= self.x_min:
            raise ConfigError(
                source, "grid.x_max", self.x_max, f"must be greater than grid.x_min = {self.x_min}"
            )
