"""N-dimensional periodic grids (issue 22): the (z, y, x) array convention, spectral derivatives
exact on trigonometric polynomials, quadrature, Parseval, dealiasing filters equal to the 1D ones,
and the N-D FFT back-ends."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from simsuite.spectral.fft import fftw_available
from simsuite.spectral.grids import PeriodicGrid, dealias_filter
from simsuite.spectral.nd_fft import ComplexFFTND
from simsuite.spectral.nd_grid import PeriodicGridND

# Unequal points and periods per axis; odd and even n, so Nyquist handling is exercised.
BOUNDS_2D = ((-1.0, 0.5), (3.0, 6.5), (24, 15))  # L = (4, 6)
BOUNDS_3D = ((0.0, -2.0, 1.0), (2.0, 3.0, 4.5), (12, 10, 9))  # L = (2, 5, 3.5)


def grid_2d() -> PeriodicGridND:
    return PeriodicGridND.from_bounds(*BOUNDS_2D)


def grid_3d() -> PeriodicGridND:
    return PeriodicGridND.from_bounds(*BOUNDS_3D)


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def test_shapes_follow_the_zyx_convention():
    grid = grid_3d()
    assert grid.ndim == 3
    assert grid.shape == (9, 10, 12)  # (n_z, n_y, n_x)
    assert grid.dims == ("z", "y", "x")
    assert grid.size == 9 * 10 * 12
    assert grid.spacing == pytest.approx((2.0 / 12, 5.0 / 10, 3.5 / 9))
    assert grid.cell_volume == pytest.approx(2.0 * 5.0 * 3.5 / grid.size)
    x, y, z = grid.coordinates
    assert x.shape == (1, 1, 12) and y.shape == (1, 10, 1) and z.shape == (9, 1, 1)
    assert np.array_equal(x.ravel(), grid.axes[0].x) and np.array_equal(z.ravel(), grid.axes[2].x)
    kx, ky, kz = grid.wavenumbers
    assert kx.shape == (1, 1, 12) and ky.shape == (1, 10, 1) and kz.shape == (9, 1, 1)
    assert grid.k_squared.shape == grid.shape
    assert [grid.array_axis(i) for i in range(3)] == [2, 1, 0]
    with pytest.raises(ValueError, match="out of range"):
        grid_2d().derivative(np.zeros((15, 24)), axis=2)
    # the coordinates broadcast like np.meshgrid(z, y, x, indexing="ij")
    Z, Y, X = np.meshgrid(grid.axes[2].x, grid.axes[1].x, grid.axes[0].x, indexing="ij")
    assert np.array_equal(np.broadcast_to(x, grid.shape), X)
    assert np.array_equal(np.broadcast_to(z, grid.shape), Z)
    two = grid_2d()
    assert two.shape == (15, 24) and two.dims == ("y", "x")
    assert PeriodicGridND((PeriodicGrid(0, 1, 8),)).shape == (8,)


def test_rejects_bad_axes():
    with pytest.raises(ValueError, match="1 to 3 axes"):
        PeriodicGridND(())
    with pytest.raises(ValueError, match="1 to 3 axes"):
        PeriodicGridND((PeriodicGrid(0, 1, 4),) * 4)
    with pytest.raises(TypeError):
        PeriodicGridND((1.0, 2.0))


def _trig_2d(grid):
    # modes well below the Nyquist wavenumber of each axis: the spectral results are exact
    x, y = grid.coordinates
    ax, ay = 2 * np.pi * 3 / grid.lengths[0], 2 * np.pi * 2 / grid.lengths[1]
    f = np.sin(ax * x) * np.cos(ay * y) + np.cos(2 * ax * x + ay * y)
    fx = ax * np.cos(ax * x) * np.cos(ay * y) - 2 * ax * np.sin(2 * ax * x + ay * y)
    fy = -ay * np.sin(ax * x) * np.sin(ay * y) - ay * np.sin(2 * ax * x + ay * y)
    lap = -(ax**2 + ay**2) * np.sin(ax * x) * np.cos(ay * y) - (4 * ax**2 + ay**2) * np.cos(
        2 * ax * x + ay * y
    )
    return f, (fx, fy), lap


def _trig_3d(grid):
    x, y, z = grid.coordinates
    a = [2 * np.pi * m / L for m, L in zip((2, 3, 1), grid.lengths, strict=True)]
    f = np.sin(a[0] * x) * np.cos(a[1] * y) * np.sin(a[2] * z)
    grad = (
        a[0] * np.cos(a[0] * x) * np.cos(a[1] * y) * np.sin(a[2] * z),
        -a[1] * np.sin(a[0] * x) * np.sin(a[1] * y) * np.sin(a[2] * z),
        a[2] * np.sin(a[0] * x) * np.cos(a[1] * y) * np.cos(a[2] * z),
    )
    lap = -(a[0] ** 2 + a[1] ** 2 + a[2] ** 2) * f
    return f, grad, lap


@pytest.mark.parametrize("case", ["2d", "3d"])
def test_gradient_and_laplacian_exact_on_trigonometric_products(case):
    # Exact to round-off: measured relative errors are ~1e-15; 1e-12 leaves room for other BLAS/FFT.
    grid, exact = (grid_2d(), _trig_2d) if case == "2d" else (grid_3d(), _trig_3d)
    f, grad, lap = exact(grid)
    f = np.broadcast_to(f, grid.shape)
    numeric = grid.gradient(f)
    assert len(numeric) == grid.ndim
    for d_numeric, d_exact in zip(numeric, grad, strict=True):
        assert np.isrealobj(d_numeric) and d_numeric.shape == grid.shape
        assert rel_error(d_numeric, d_exact) < 1e-12
    for i, d_exact in enumerate(grad):
        assert rel_error(grid.derivative(f, axis=i), d_exact) < 1e-12
    assert np.isrealobj(grid.laplacian(f))
    assert rel_error(grid.laplacian(f), lap) < 1e-12
    # complex fields: the operators are linear, real and imaginary parts separately
    g = f + 1j * np.roll(f, 1, axis=-1)
    assert np.iscomplexobj(grid.laplacian(g))
    assert rel_error(grid.laplacian(g).real, lap) < 1e-12
    assert rel_error(grid.laplacian(g).imag, np.roll(lap, 1, axis=-1)) < 1e-12


def test_nyquist_mode_dropped_by_odd_derivatives_kept_by_laplacian():
    grid = grid_2d()  # n_x = 24 is even: cos(π x/dx) is the Nyquist mode of x
    x, _ = grid.coordinates
    f = np.broadcast_to(np.cos(grid.k_max[0] * (x - grid.axes[0].x_min)), grid.shape)
    assert np.max(np.abs(grid.gradient(f)[0])) < 1e-12
    assert rel_error(grid.laplacian(f), -(grid.k_max[0] ** 2) * f) < 1e-12


def test_parseval():
    grid = grid_3d()
    rng = np.random.default_rng(7)
    f = rng.standard_normal(grid.shape) + 1j * rng.standard_normal(grid.shape)
    physical = grid.integrate(np.abs(f) ** 2)
    spectral = np.sum(np.abs(grid.fft(f)) ** 2) * grid.cell_volume / grid.size
    assert isinstance(physical, float)
    assert physical == pytest.approx(spectral, rel=1e-13)


@pytest.mark.parametrize("case", ["2d", "3d"])
def test_integrate_gaussian(case):
    # ∫ exp(−Σ (x_i − c_i)²/(2 s_i²)) = Π √(2π) s_i; the tails at the box edges are < e^-30
    if case == "2d":
        grid = PeriodicGridND.from_bounds((-8.0, -12.0), (8.0, 12.0), (64, 80))
        sigma = (0.9, 1.4)
    else:
        grid = PeriodicGridND.from_bounds((-8.0, -10.0, -6.0), (8.0, 10.0, 6.0), (40, 48, 32))
        sigma = (0.9, 1.2, 0.7)
    exponent = sum(c**2 / (2 * s**2) for c, s in zip(grid.coordinates, sigma, strict=True))
    exact = np.prod([np.sqrt(2 * np.pi) * s for s in sigma])
    assert grid.integrate(np.exp(-exponent)) == pytest.approx(exact, rel=1e-12)
    assert grid.integrate(1j * np.exp(-exponent)) == pytest.approx(1j * exact, rel=1e-12)
    stack = np.stack([np.exp(-exponent), 2 * np.exp(-exponent)])
    assert np.allclose(grid.integrate(stack), [exact, 2 * exact], rtol=1e-12, atol=0)


@pytest.mark.parametrize("n", [64, 65])
def test_one_dimensional_grid_equals_periodic_grid_bitwise(n):
    line = PeriodicGrid(-3.0, 7.0, n)
    grid = PeriodicGridND((line,))
    assert grid.shape == (n,) and grid.dims == ("x",)
    assert np.array_equal(grid.coordinates[0], line.x)
    assert np.array_equal(grid.wavenumbers[0], line.k)
    assert np.array_equal(grid.wavenumbers_odd[0], line.k_odd)
    assert np.array_equal(grid.k_squared, line.k**2)
    assert grid.k_max == (line.k_max,) and grid.cell_volume == line.dx
    assert grid.dealias_filter("none") is None
    for kind in ("two_thirds", "half", "exponential"):
        assert np.array_equal(grid.dealias_filter(kind), dealias_filter(line.k, kind))
    assert np.array_equal(
        grid.dealias_filter("exponential", 10.0, 8), dealias_filter(line.k, "exponential", 10.0, 8)
    )
    with pytest.raises(ValueError, match="unknown dealiasing"):
        grid.dealias_filter("bogus")


def test_two_thirds_mask_is_the_product_of_the_axis_masks():
    grid = grid_3d()
    mask = grid.dealias_filter("two_thirds")
    assert mask.shape == grid.shape and set(np.unique(mask)) == {0.0, 1.0}
    assert mask.flags.c_contiguous and mask.flags.writeable
    outside = np.zeros(grid.shape, dtype=bool)
    for k, k_max in zip(grid.wavenumbers, grid.k_max, strict=True):
        outside |= np.abs(k) > 2.0 / 3.0 * k_max
    assert np.array_equal(mask == 0.0, outside)
    expo = grid.dealias_filter("exponential", 36.0, 36)
    ratios = [np.abs(k) / k_max for k, k_max in zip(grid.wavenumbers, grid.k_max, strict=True)]
    ex, ey, ez = (np.exp(-36.0 * r**36) for r in ratios)
    assert np.allclose(expo, ex * ey * ez, rtol=1e-15, atol=0)
    assert expo[0, 0, 0] == 1.0


BACKENDS = ["scipy"] + (["fftw", "fftw_measure"] if fftw_available() else [])


@pytest.mark.parametrize("shape", [(64,), (15, 24), (9, 10, 12)])
@pytest.mark.parametrize("backend", BACKENDS)
def test_nd_fft_matches_scipy_and_inverts(shape, backend):
    rng = np.random.default_rng(3)
    f = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    reference = np.fft.fftn(f)
    fft = ComplexFFTND(shape, workers=2, backend=backend)
    f_hat = fft.fft(f)
    assert rel_error(f_hat, reference) < 1e-13
    assert rel_error(fft.ifft(f_hat), f) < 1e-13
    # the buffer interface of ComplexFFT: backward() is the inverse up to inverse_scale
    buffer = fft.backward(f_hat)
    assert rel_error(buffer * fft.inverse_scale, f) < 1e-13
    assert rel_error(fft.forward(), f_hat / fft.inverse_scale) < 1e-13
    assert rel_error(fft.fft(f.real), np.fft.fftn(f.real)) < 1e-13
    copy = pickle.loads(pickle.dumps(fft))
    assert copy.backend == fft.backend and rel_error(copy.fft(f), reference) < 1e-13


def test_fftw_and_scipy_agree_on_a_grid():
    grid = grid_3d()
    rng = np.random.default_rng(11)
    f = rng.standard_normal(grid.shape) + 1j * rng.standard_normal(grid.shape)
    fftw = ComplexFFTND(grid.shape, backend="fftw")
    assert rel_error(fftw.fft(f), grid.fft(f)) < 1e-13
    assert rel_error(fftw.ifft(grid.fft(f)), f) < 1e-13


def test_nd_fft_rejects_bad_shapes():
    with pytest.raises(ValueError, match="1 to 3"):
        ComplexFFTND((2, 2, 2, 2))
    with pytest.raises(ValueError, match="unknown FFT backend"):
        ComplexFFTND((8,), backend="bogus")
