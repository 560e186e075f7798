"""Periodic grid conventions, spectral derivatives and dealiasing filters."""

from __future__ import annotations

import numpy as np
import pytest

from simsuite.spectral.grids import PeriodicGrid, dealias_filter


def test_grid_excludes_right_end():
    grid = PeriodicGrid(-25.0, 25.0, 512)
    assert grid.dx == pytest.approx(50.0 / 512)
    assert grid.x[0] == -25.0
    assert grid.x[-1] == pytest.approx(25.0 - grid.dx)
    assert grid.k_max == pytest.approx(np.pi / grid.dx)


@pytest.mark.parametrize("n", [64, 65])
def test_derivatives_of_trigonometric_polynomial_are_exact(n):
    grid = PeriodicGrid(0.0, 2 * np.pi, n)
    f = np.sin(3 * grid.x) + np.cos(5 * grid.x)
    df = 3 * np.cos(3 * grid.x) - 5 * np.sin(5 * grid.x)
    d2f = -9 * np.sin(3 * grid.x) - 25 * np.cos(5 * grid.x)
    assert np.max(np.abs(grid.derivative(f) - df)) < 1e-12
    assert np.max(np.abs(grid.derivative(f, 2) - d2f)) < 1e-11
    assert np.isrealobj(grid.derivative(f))


def test_derivative_converges_spectrally_for_sech():
    # Exponential convergence: each doubling of n gains more digits than the one before
    # (measured ratios 26, 1.3e3, 3.6e6); a power law would give constant ratios.
    errors = []
    for n in (64, 128, 256, 512):
        grid = PeriodicGrid(-40.0, 40.0, n)
        f = 1 / np.cosh(grid.x)
        exact = -np.tanh(grid.x) / np.cosh(grid.x)
        errors.append(np.max(np.abs(grid.derivative(f) - exact)))
    ratios = [a / b for a, b in zip(errors, errors[1:], strict=False)]
    assert ratios[0] < ratios[1] < ratios[2]
    assert errors[-1] < 1e-11


def test_integrate_is_trapezoid():
    grid = PeriodicGrid(-30.0, 30.0, 300)
    assert grid.integrate(1 / np.cosh(grid.x) ** 2) == pytest.approx(2.0, abs=1e-12)


def test_dealias_filters():
    k = PeriodicGrid(0, 2 * np.pi, 96).k  # integer wavenumbers, k_max = 48
    assert dealias_filter(k, "none") is None
    two_thirds = dealias_filter(k, "two_thirds")
    assert two_thirds[np.abs(k) <= 32].min() == 1 and two_thirds[np.abs(k) > 32].max() == 0
    half = dealias_filter(k, "half")
    assert np.count_nonzero(half) == 2 * 24 + 1
    expo = dealias_filter(k, "exponential", 36.0, 36)
    assert expo[0] == 1.0 and expo[np.argmax(np.abs(k))] == pytest.approx(np.exp(-36.0))
    assert expo[np.abs(k) <= 24].min() > 0.999
    with pytest.raises(ValueError, match="unknown dealiasing"):
        dealias_filter(k, "bogus")
