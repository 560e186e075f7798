"""External potentials and ground states of the NLSE / Gross–Pitaevskii equation (issue 22).

Equation: i ψ_t + ½∇²ψ + g|ψ|²ψ − Vψ = 0, so g > 0 is focusing (attractive) and g < 0 repulsive.
Exact references, derived here:

* g = 0, V = ½ Σ ω_i² x_i²: the ground state is Π_i (ω_i/π)^{1/4} exp(−ω_i x_i²/2) (times √N) with
  μ = E/N = ½ Σ ω_i; the first excited state is √(2ω_min)·x_min·(ground state), odd along the
  weakest axis, with energy ½ Σ ω_i + ω_min.
* 1D, V = 0, g > 0: φ = A sech(κx) solves μφ = −½φ'' − gφ³ when A² = κ²/g, μ = −κ²/2; its mass
  is N = 2A²/κ = 2κ/g, so κ = gN/2, μ = −g²N²/8 and E = ∫½φ'² − (g/2)φ⁴ = −g²N³/24.
* Thomas–Fermi, g < 0, 2D isotropic trap: neglecting the kinetic term, |ψ|² = (μ − V)/|g| where
  V < μ, and N = ∫(μ − ½ω²r²)/|g| 2πr dr over r < R = √(2μ)/ω gives N|g| = πμ²/ω², i.e.
  μ_TF = ω √(|g|N/π). The kinetic energy of the true ground state raises μ above μ_TF; the gap
  shrinks as |g|N grows.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simsuite.expressions import ExpressionError
from simsuite.models.nlse.ground_state import (
    GroundStateNotConverged,
    chemical_potential,
    default_initial,
    energy,
    ground_state,
)
from simsuite.models.nlse.potentials import (
    ExpressionPotential,
    HarmonicTrap,
    NoPotential,
    OpticalLattice,
    make_potential,
    potential_values,
)
from simsuite.spectral.nd_grid import PeriodicGridND


def box(ndim: int, half: float, n: int) -> PeriodicGridND:
    return PeriodicGridND.from_bounds((-half,) * ndim, (half,) * ndim, (n,) * ndim)


def gaussian(grid: PeriodicGridND, omega, mass: float = 1.0) -> np.ndarray:
    psi = np.full(grid.shape, math.sqrt(mass))
    for w, x in zip(omega, grid.coordinates, strict=True):
        psi = psi * (w / math.pi) ** 0.25 * np.exp(-0.5 * w * x**2)
    return psi


def aligned_error(grid: PeriodicGridND, psi: np.ndarray, exact: np.ndarray) -> float:
    """max |ψ e^{−iθ} − exact| / max |exact|, θ the phase of the overlap (a global phase is free)."""
    overlap = grid.integrate(np.conj(exact) * psi)
    return float(np.max(np.abs(psi * abs(overlap) / overlap - exact)) / np.max(np.abs(exact)))


def mirror(psi: np.ndarray, axis: int) -> np.ndarray:
    """ψ(−x) along an array axis of a grid symmetric about 0 (x_j ↦ x_{n−j}, x_0 = −L/2 fixed)."""
    return np.roll(np.flip(psi, axis=axis), 1, axis=axis)


# --- potentials -------------------------------------------------------------------------------


def test_harmonic_values_at_sample_points():
    grid = PeriodicGridND.from_bounds((-4.0, -3.0), (4.0, 5.0), (16, 12))
    v = HarmonicTrap(omega=(1.5, 0.5), center=(0.25, 1.0)).values(grid)
    assert v.shape == (12, 16)
    x, y = grid.axes[0].x, grid.axes[1].x
    for j, i in [(0, 0), (3, 7), (11, 15), (6, 2)]:  # (y index, x index)
        expected = 0.5 * (1.5**2 * (x[i] - 0.25) ** 2 + 0.5**2 * (y[j] - 1.0) ** 2)
        assert v[j, i] == pytest.approx(expected, rel=1e-14)
    # one number means every axis; the default centre is the origin
    v1 = potential_values("harmonic", grid, omega=2.0)
    assert v1[5, 9] == pytest.approx(0.5 * 4.0 * (x[9] ** 2 + y[5] ** 2), rel=1e-14)
    three = box(3, 2.0, 4)
    v3 = HarmonicTrap((1.0, 2.0, 3.0)).values(three)
    x3, y3, z3 = (axis.x for axis in three.axes)
    assert v3[1, 2, 3] == pytest.approx(0.5 * (x3[3] ** 2 + 4 * y3[2] ** 2 + 9 * z3[1] ** 2))
    assert np.array_equal(NoPotential().values(three), np.zeros((4, 4, 4)))


def test_lattice_values_and_fit():
    grid = PeriodicGridND.from_bounds((0.0, 0.0), (2 * np.pi, 4.0), (20, 10))
    k = (3.0, np.pi)  # k·L/π = 6 and 4 wells per period
    v = OpticalLattice(depth=(2.0, 0.5), wavenumber=k).values(grid)
    x, y = grid.axes[0].x, grid.axes[1].x
    for j, i in [(0, 0), (4, 7), (9, 19)]:
        expected = 2.0 * math.sin(k[0] * x[i]) ** 2 + 0.5 * math.sin(k[1] * y[j]) ** 2
        assert v[j, i] == pytest.approx(expected, rel=1e-13, abs=1e-15)
    with pytest.raises(ValueError, match=r"potential.wavenumber\[0\].*does not fit"):
        OpticalLattice(depth=1.0, wavenumber=(1.1, k[1])).values(grid)
    # a zero depth leaves an axis free, whatever its wavenumber
    free = OpticalLattice(depth=(0.0, 1.0), wavenumber=(1.1, k[1])).values(grid)
    assert np.all(free[:, 0] == free[:, 5])


def test_expression_values_and_errors():
    grid = box(2, 5.0, 16)
    v = ExpressionPotential("0.5*(x**2 + 4*y**2)").values(grid)
    assert np.allclose(v, HarmonicTrap((1.0, 2.0)).values(grid), rtol=1e-15, atol=0)
    assert np.array_equal(
        potential_values("expression", grid, formula="2.5"), np.full((16, 16), 2.5)
    )
    assert np.allclose(
        ExpressionPotential("x*y + 0j").values(grid), grid.coordinates[0] * grid.coordinates[1]
    )
    z3 = ExpressionPotential("z**2").values(box(3, 1.0, 4))
    assert z3[0, 0, 0] == 1.0 and z3[2, 3, 1] == 0.0
    for formula, what in [
        ("x + q", "unknown name 'q'"),
        ("z**2", "unknown name 'z'"),  # a 2D grid has no z
        ("x +", "cannot parse"),
        ("__import__('os')", ""),
        ("1j*x", "must be real"),
        ("log(x)", "non-finite"),
    ]:
        with pytest.raises(ValueError, match="potential.formula") as info:
            ExpressionPotential(formula).values(grid)
        assert repr(formula) in str(info.value) and what in str(info.value)
        assert isinstance(info.value, ExpressionError)


def test_bad_potential_parameters_name_the_parameter():
    grid = box(2, 5.0, 8)
    with pytest.raises(ValueError, match="potential.kind must be one of none, harmonic"):
        make_potential("quartic")
    with pytest.raises(ValueError, match="unknown: depth"):
        make_potential("harmonic", depth=1.0)
    with pytest.raises(ValueError, match="potential.omega needs one value per axis"):
        HarmonicTrap((1.0, 2.0, 3.0)).values(grid)
    with pytest.raises(ValueError, match="potential.omega must be >= 0"):
        HarmonicTrap((1.0, -2.0)).values(grid)
    with pytest.raises(ValueError, match="potential.center must be finite"):
        HarmonicTrap(1.0, center=(0.0, math.nan)).values(grid)
    with pytest.raises(ValueError, match="potential.depth must be numbers"):
        OpticalLattice(depth=("a", 1.0)).values(grid)


# --- ground states: g = 0 --------------------------------------------------------------------

HARMONIC_CASES = [
    (1, 10.0, 64, (1.0,)),
    (2, 10.0, 64, (1.0, 1.0)),
    (2, 10.0, 64, (1.0, 2.0)),
    (3, 8.0, 32, (1.0, 1.0, 1.0)),
]


@pytest.mark.parametrize("ndim, half, n, omega", HARMONIC_CASES)
def test_harmonic_ground_state_g0(ndim, half, n, omega):
    """μ = E/N = ½Σω_i and the Gaussian ground state.

    Measured (tol = 1e-13, refine_tol = 1e-11, dt = 0.02 halved twice): μ and E within 3e-15
    relative, ψ within 2e-8 (1D), 3e-8 (2D), 5e-8 (3D) of the Gaussian, relative to its peak;
    without the refinement μ is off by 1.3e-9 (ω = 1) and 1.4e-8 (ω = (1, 2)) and ψ by 1.5e-5 to
    6e-5 (the O(Δτ²) splitting bias at Δτ = 0.02).
    """
    grid = box(ndim, half, n)
    mass = 2.5
    exact_mu = 0.5 * sum(omega)
    result = ground_state(
        grid, HarmonicTrap(omega), 0.0, mass, dt=0.02, tol=1e-13, refine_tol=1e-11
    )
    assert result.extrapolated and len(result.stages) >= 2
    assert result.mu == pytest.approx(exact_mu, rel=1e-12)
    assert result.energy / mass == pytest.approx(exact_mu, rel=1e-12)
    error = aligned_error(grid, result.psi, gaussian(grid, omega, mass))
    assert error < 2e-7, f"ψ differs from the Gaussian ground state by {error:.2e}"
    assert result.mu_change <= 1e-11
    if ndim == 2 and omega == (1.0, 2.0):
        raw = ground_state(grid, HarmonicTrap(omega), 0.0, mass, dt=0.02, tol=1e-13, refine=False)
        raw_error = aligned_error(grid, raw.psi, gaussian(grid, omega, mass))
        assert abs(raw.mu - exact_mu) / exact_mu > 1e-9  # the splitting bias the refinement removes
        assert raw_error > 100 * error


def test_first_excited_state_by_orthogonalisation():
    """ω = (1, 2): the lowest state orthogonal to the ground state is odd in x, even in y, with
    energy ½(1 + 2) + 1 = 2.5 per particle and profile √(2ω_x)·x·ψ_0. Measured: μ and E within
    3e-15 relative, ψ within 5.4e-8 of the exact profile (relative to its peak), odd in x to
    1.4e-8, even in y to 2.2e-9, overlap with the ground state 3e-18."""
    grid = box(2, 10.0, 64)
    omega = (1.0, 2.0)
    trap = HarmonicTrap(omega)
    ground = ground_state(grid, trap, 0.0, 1.0, dt=0.02, tol=1e-13, refine_tol=1e-11)
    excited = ground_state(
        grid, trap, 0.0, 1.0, dt=0.02, tol=1e-13, refine_tol=1e-11, orthogonal_to=[ground.psi]
    )
    assert excited.mu == pytest.approx(2.5, rel=1e-12)
    assert excited.energy == pytest.approx(2.5, rel=1e-12)
    assert abs(grid.integrate(np.conj(ground.psi) * excited.psi)) < 1e-13
    psi = excited.psi
    peak = np.max(np.abs(psi))
    assert np.max(np.abs(psi + mirror(psi, axis=1))) < 1e-6 * peak  # odd in x (array axis 1)
    assert np.max(np.abs(psi - mirror(psi, axis=0))) < 1e-6 * peak  # even in y
    x = grid.coordinates[0]
    exact = math.sqrt(2 * omega[0]) * x * gaussian(grid, omega)
    assert aligned_error(grid, psi, exact) < 1e-6


# --- ground states: g ≠ 0 --------------------------------------------------------------------


def test_focusing_soliton_1d():
    """V = 0, g > 0 in 1D: the ground state is the sech soliton, μ = −g²N²/8, E = −g²N³/24.
    Measured with refine_tol = 1e-8: μ within 7.2e-10 relative, E within 1e-15 (E is minimal at
    the ground state, so its splitting bias is O(Δτ⁴); without refinement at Δτ = 0.02 μ is off
    by 3.0e-5)."""
    grid = box(1, 20.0, 256)
    g, mass = 1.0, 2.0
    result = ground_state(grid, None, g, mass, dt=0.02, refine_tol=1e-8)
    assert result.mu == pytest.approx(-(g**2) * mass**2 / 8, rel=2e-9)
    assert result.energy == pytest.approx(-(g**2) * mass**3 / 24, rel=1e-12)


def test_splitting_bias_is_second_order_for_g_nonzero():
    """Unrefined μ against Δτ (2D trap, g = −20, N = 1): the changes shrink 4× per halving.
    Measured (Δτ = 0.04, 0.02, 0.01): changes 8.0e-5 and 2.0e-5 absolute, ratio 3.95."""
    grid = box(2, 10.0, 64)
    mus = [
        ground_state(grid, HarmonicTrap(1.0), -20.0, 1.0, dt=dt, tol=1e-13, refine=False).mu
        for dt in (0.04, 0.02, 0.01)
    ]
    ratio = (mus[0] - mus[1]) / (mus[1] - mus[2])
    assert 3.7 < ratio < 4.3, f"μ(Δτ) = {mus}"


def test_thomas_fermi_limit_2d():
    """g < 0 (repulsive), ω = 1: μ approaches μ_TF = ω√(|g|N/π) as |g|N grows.

    Measured relative gaps (μ − μ_TF)/μ_TF on 64² over [−10, 10)² (128² over [−12, 12)² agrees to
    1e-10): |g|N = 100: 2.089e-2, 400: 6.069e-3, 1600: 1.735e-3.
    """
    grid = box(2, 10.0, 64)
    gaps = []
    for gn in (100.0, 400.0, 1600.0):
        result = ground_state(grid, HarmonicTrap(1.0), -gn, 1.0, tol=1e-11)
        mu_tf = math.sqrt(gn / math.pi)
        gaps.append((result.mu - mu_tf) / mu_tf)
        psi = np.abs(result.psi)
        edge = max(psi[0].max(), psi[:, 0].max())
        assert edge < 1e-6 * psi.max(), "the box must hold the cloud"
    message = f"relative gaps to Thomas–Fermi for |g|N = 100, 400, 1600: {gaps}"
    assert 0 < gaps[2] < gaps[1] < gaps[0] < 0.03, message
    assert gaps == pytest.approx([2.089e-2, 6.069e-3, 1.735e-3], rel=2e-3), message


# --- mass, functionals, failures -------------------------------------------------------------


@pytest.mark.parametrize("g, refine", [(0.0, False), (-30.0, True), (0.5, True)])
def test_mass_is_exact(g, refine):
    grid = box(2, 8.0, 32)
    mass = 3.7
    result = ground_state(grid, HarmonicTrap((1.0, 1.5)), g, mass, tol=1e-9, refine=refine)
    assert result.extrapolated == refine
    assert abs(grid.integrate(np.abs(result.psi) ** 2) - mass) <= 1e-13 * mass
    assert result.psi.dtype == np.complex128 and result.psi.shape == grid.shape
    assert result.mu == chemical_potential(grid, result.psi, HarmonicTrap((1.0, 1.5)), g)
    assert result.energy == energy(grid, result.psi, HarmonicTrap((1.0, 1.5)).values(grid), g)


def test_functionals_on_a_known_state():
    """E and μ of the Gaussian with g ≠ 0: ∫|ψ|⁴ = N²ω/(2π) in 2D isotropic (ω = 1)."""
    grid = box(2, 10.0, 64)
    mass, g = 2.0, -3.0
    psi = gaussian(grid, (1.0, 1.0), mass)
    quartic = mass**2 / (2 * math.pi)
    assert energy(grid, psi, HarmonicTrap(1.0), g) == pytest.approx(
        mass - 0.5 * g * quartic, rel=1e-13
    )
    mu = chemical_potential(grid, psi, HarmonicTrap(1.0), g)
    assert mu == pytest.approx((mass - g * quartic) / mass, rel=1e-13)


def test_not_converging_raises_with_the_reached_change():
    grid = box(2, 8.0, 32)
    with pytest.raises(GroundStateNotConverged, match=r"within 30 steps.*was still \d") as info:
        ground_state(grid, HarmonicTrap(1.0), 0.0, 1.0, max_steps=30, refine=False)
    assert "tolerance 1e-11" in str(info.value)
    with pytest.raises(GroundStateNotConverged, match=r"refine_tol = 1e-15: it was still \d"):
        ground_state(
            grid, HarmonicTrap(1.0), -10.0, 1.0, tol=1e-9, refine_tol=1e-15, max_halvings=1
        )


def test_bad_arguments():
    grid = box(1, 10.0, 32)
    with pytest.raises(ValueError, match="mass must be a positive number"):
        ground_state(grid, None, 0.0, 0.0)
    with pytest.raises(ValueError, match="dt must be a positive number"):
        ground_state(grid, None, 0.0, 1.0, dt=-0.1)
    with pytest.raises(ValueError, match="does not fit the grid"):
        ground_state(grid, np.zeros(31), 0.0, 1.0)
    with pytest.raises(ValueError, match="linearly dependent"):
        ground_state(grid, None, 0.0, 1.0, orthogonal_to=[np.zeros(32)])
    with pytest.raises(ValueError, match="reduce dt"):  # focusing half step beyond its blow-up
        ground_state(grid, HarmonicTrap(1.0), 1e4, 1.0, dt=0.5)


def test_default_initial_has_every_parity():
    grid = box(2, 5.0, 16)
    psi = default_initial(grid)
    for axis in (0, 1):
        odd = psi - mirror(psi, axis)
        assert np.max(np.abs(odd)) > 0.1 * np.max(np.abs(psi))
    both = psi - mirror(psi, 0) - mirror(psi, 1) + mirror(mirror(psi, 0), 1)
    assert np.max(np.abs(both)) > 0.01 * np.max(np.abs(psi))
