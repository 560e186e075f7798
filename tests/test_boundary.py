"""Spectral bases for the field models: grids, transforms, derivatives, quadrature, filters.

Each boundary kind is checked on two fields that obey its boundary condition: a smooth closed-form
function with infinitely many modes on a short domain, and a kink on [−30, 30) (φ⁴ kink tanh(x/√2), or the
sine-Gordon kink 4·arctan(eˣ) with winding jump 2π), whose tails reach the vacua to round-off there.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import iv

from simsuite.spectral.bases import BOUNDARY_CHOICES, FieldBasis, make_basis
from simsuite.spectral.grids import PeriodicGrid

SQRT2 = np.sqrt(2.0)
PHI4_KINK_ENERGY = 2 * SQRT2 / 3  # ∫ φ_x²/2 + (φ² − 1)²/4 for φ = tanh(x/√2)
SG_KINK_ENERGY = 8.0  # ∫ φ_x²/2 + 1 − cos φ for φ = 4 arctan(eˣ)
A, B = -1.3, 2.7  # short domain, L = 4, x_min ≠ 0 so that a lost x_min shows
L = B - A


def phi4_kink(x, x0=0.0):
    """tanh((x − x0)/√2), its first and second derivative (static kink of φ_xx = φ³ − φ)."""
    t, s2 = np.tanh((x - x0) / SQRT2), 1 / np.cosh((x - x0) / SQRT2) ** 2
    return t, s2 / SQRT2, -t * s2


def sg_kink(x):
    """4 arctan(eˣ) and its derivatives (static kink of φ_xx = sin φ)."""
    return 4 * np.arctan(np.exp(x)), 2 / np.cosh(x), -2 * np.tanh(x) / np.cosh(x)


def periodic_exp_sin(x):
    """exp(sin(2πx/L)): L-periodic."""
    w = 2 * np.pi / L
    s, c = np.sin(w * x), np.cos(w * x)
    e = np.exp(s)
    return e, w * c * e, w**2 * (c**2 - s) * e


def antiperiodic_sin_exp(x, shift=0.3):
    """sin θ·exp(cos 2θ), θ = π(x − shift)/L: genuinely antiperiodic, f(x + L) = −f(x) for every x."""
    w = np.pi / L
    th = w * (x - shift)
    s, c, s2, c2 = np.sin(th), np.cos(th), np.sin(2 * th), np.cos(2 * th)
    e = np.exp(c2)
    d1 = c - 2 * s * s2
    d2 = -2 * s2 * d1 - s - 2 * c * s2 - 4 * s * c2
    return s * e, w * d1 * e, w**2 * d2 * e


def neumann_exp_cos(x):
    """exp(cos θ), θ = π(x − x_min)/L: a cosine series, all odd derivatives vanish at both ends."""
    w = np.pi / L
    s, c = np.sin(w * (x - A)), np.cos(w * (x - A))
    e = np.exp(c)
    return e, -w * s * e, w**2 * (s**2 - c) * e


LEFT, RIGHT = 0.4, -1.1


def dirichlet_sin_exp(x):
    """sin θ·exp(cos θ) + linear from LEFT to RIGHT: a sine series plus φ_ref, slopes ≠ 0 at the ends."""
    w = np.pi / L
    s, c = np.sin(w * (x - A)), np.cos(w * (x - A))
    e = np.exp(c)
    slope = (RIGHT - LEFT) / L
    return (
        s * e + LEFT + slope * (x - A),
        w * (c - s**2) * e + slope,
        -(w**2) * s * e * (1 + 3 * c - s**2),
    )


# id: (kind, domain, options, field, coarse n); the accuracy checks use n and 2n
CASES = {
    "periodic": ("periodic", (A, B), {}, periodic_exp_sin, 12),
    "periodic-sg-kink-jump": ("periodic", (-30.0, 30.0), {"jump": 2 * np.pi}, sg_kink, 160),
    "antiperiodic": ("antiperiodic", (A, B), {}, antiperiodic_sin_exp, 12),
    "antiperiodic-phi4-kink": ("antiperiodic", (-30.0, 30.0), {}, phi4_kink, 128),
    "neumann": ("neumann", (A, B), {}, neumann_exp_cos, 8),
    "neumann-phi4-kink": ("neumann", (-30.0, 30.0), {}, lambda x: phi4_kink(x, 0.7), 128),
    "dirichlet": ("dirichlet", (A, B), {"left": LEFT, "right": RIGHT}, dirichlet_sin_exp, 8),
    "dirichlet-phi4-kink": (
        "dirichlet",
        (-30.0, 30.0),
        {"left": -1.0, "right": 1.0},
        lambda x: phi4_kink(x, 0.7),
        128,
    ),
}


def basis_for(case: str, n: int) -> FieldBasis:
    kind, (x_min, x_max), options, _, _ = CASES[case]
    return make_basis(kind, x_min, x_max, n, **options)


def max_error(a, b) -> float:
    return float(np.max(np.abs(a - b)))


@pytest.mark.parametrize("case", CASES)
def test_test_fields_obey_their_boundary_condition(case):
    kind, (x_min, x_max), options, field, _ = CASES[case]
    (f0, f1, f2), (g0, g1, g2) = field(np.array(x_min)), field(np.array(x_max))
    if kind == "periodic":
        # the sine-Gordon kink misses 2π by 8e^{-30} ≈ 7.5e-13 on [-30, 30)
        assert g0 - f0 == pytest.approx(options.get("jump", 0.0), abs=1e-12)
        assert g1 == pytest.approx(f1, abs=1e-12) and g2 == pytest.approx(f2, abs=1e-12)
    elif kind == "antiperiodic":
        # tanh is antiperiodic only to round-off: its derivative is even, off by 2 sech²(30/√2)/√2 ≈ 1e-18
        assert (g0, g1, g2) == pytest.approx((-f0, -f1, -f2), abs=1e-12)
    elif kind == "neumann":
        assert (f1, g1) == pytest.approx((0.0, 0.0), abs=1e-12)
    else:
        assert (f0, g0) == pytest.approx((options["left"], options["right"]), abs=1e-12)
        assert (f2, g2) == pytest.approx((0.0, 0.0), abs=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_round_trip(case):
    basis = basis_for(case, 2 * CASES[case][4])
    f = CASES[case][3](basis.x)[0]
    scale = np.max(np.abs(f))
    assert max_error(basis.from_modes(basis.to_modes(f)), f) <= 1e-14 * scale
    raw = basis.from_modes(basis.to_modes(f, False), False)
    assert max_error(raw, f) <= 1e-14 * scale


@pytest.mark.parametrize("case", CASES)
def test_derivatives_are_spectrally_accurate(case):
    # Accuracy at 2n (2n = 16 to 320, see CASES) ≤ 1e-10, and one doubling n → 2n gains ≥ 4 orders: an
    # algebraic method would need order ≥ 13 for that. Measured at 2n: 4e-15 to 4e-11.
    field, n = CASES[case][3], CASES[case][4]
    errors = {}
    for m in (n, 2 * n):
        basis = basis_for(case, m)
        f, f_x, f_xx = field(basis.x)
        errors[m] = (max_error(basis.gradient(f), f_x), max_error(basis.laplacian(f), f_xx))
    (grad_n, lap_n), (grad_2n, lap_2n) = errors[n], errors[2 * n]
    assert grad_2n <= 1e-10 and lap_2n <= 1e-10
    assert grad_n >= 1e4 * grad_2n and lap_n >= 1e4 * lap_2n


@pytest.mark.parametrize("n", [32, 33])
@pytest.mark.parametrize("kind", BOUNDARY_CHOICES)
def test_modes_are_eigenfunctions_of_the_laplacian(kind, n):
    options = {"periodic": {"jump": 2 * np.pi}, "dirichlet": {"left": -1.0, "right": 0.5}}
    basis = make_basis(kind, A, B, n, **options.get(kind, {}))
    n_modes = basis.k.size
    modes = basis.from_modes(np.eye(n_modes), add_reference=False)  # one mode per row
    lap = basis.laplacian(modes, subtract_reference=False)
    scale = basis.k_max**2 * np.max(np.abs(modes))
    assert max_error(lap, -(basis.k[:, None] ** 2) * modes) <= 1e-13 * scale
    if basis.reference is not None:
        # the reference carries the boundary data and contributes nothing to the Laplacian
        shifted = modes + basis.reference
        assert max_error(basis.laplacian(shifted), lap) <= 1e-13 * scale
        assert max_error(basis.to_modes(shifted), basis.to_modes(modes, False)) <= 1e-12


@pytest.mark.parametrize("kind", BOUNDARY_CHOICES)
@pytest.mark.parametrize("n", [25, 33])
def test_odd_n(kind, n):
    field = {
        "periodic": periodic_exp_sin,
        "antiperiodic": antiperiodic_sin_exp,
        "neumann": neumann_exp_cos,
        "dirichlet": dirichlet_sin_exp,
    }[kind]
    options = {"left": LEFT, "right": RIGHT} if kind == "dirichlet" else {}
    basis = make_basis(kind, A, B, n, **options)
    f, f_x, f_xx = field(basis.x)
    assert max_error(basis.from_modes(basis.to_modes(f)), f) <= 1e-14 * np.max(np.abs(f))
    assert max_error(basis.gradient(f), f_x) <= 1e-10
    assert max_error(basis.laplacian(f), f_xx) <= 1e-10


def test_integrals_of_smooth_fields():
    # closed forms through ∫₀^π e^{z cos θ} cos(mθ) dθ = π I_m(z)
    periodic = make_basis("periodic", A, B, 24)
    assert periodic.integrate(periodic_exp_sin(periodic.x)[0]) == pytest.approx(
        L * iv(0, 1), abs=1e-12
    )
    # an antiperiodic field's square is periodic, and that is what the rectangle rule integrates
    anti = make_basis("antiperiodic", A, B, 24)
    exact = L / 2 * (iv(0, 2) - iv(1, 2))
    assert anti.integrate(antiperiodic_sin_exp(anti.x)[0] ** 2) == pytest.approx(exact, abs=1e-12)
    neumann = make_basis("neumann", A, B, 16)
    assert neumann.integrate(neumann_exp_cos(neumann.x)[0]) == pytest.approx(
        L * iv(0, 1), abs=1e-12
    )
    # ∫ φ_x² = ∫ w_x² + slope²·L, and ∫ w_x² = −∫ w w_xx = (π²/L)[I₀/8 + 3I₁/4 − 3I₃/4 − I₄/8](2)
    dirichlet = make_basis("dirichlet", A, B, 16, left=LEFT, right=RIGHT)
    phi_x = dirichlet.gradient(dirichlet_sin_exp(dirichlet.x)[0])
    exact = np.pi**2 / L * (iv(0, 2) / 8 + 3 * iv(1, 2) / 4 - 3 * iv(3, 2) / 4 - iv(4, 2) / 8)
    exact += (RIGHT - LEFT) ** 2 / L
    assert dirichlet.integrate(phi_x**2) == pytest.approx(exact, abs=1e-12)


def test_midpoint_rule_is_exact_for_cosines_below_2n():
    basis = make_basis("neumann", A, B, 16)
    m = np.arange(1, 32)[:, None]
    cosines = np.cos(np.pi * m * (basis.x - A) / L)
    assert np.max(np.abs(basis.integrate(cosines))) <= 1e-13
    assert basis.integrate(np.cos(np.pi * 32 * (basis.x - A) / L)) == pytest.approx(-L)  # aliased


@pytest.mark.parametrize("kind", ["antiperiodic", "neumann", "dirichlet", "periodic-jump"])
def test_static_kink_energy_and_residual(kind):
    # A static kink solves φ_xx = V'(φ): the residual is the force that would move it, and the energy is
    # the kink mass. Both to round-off on bases that fit the kink.
    if kind == "periodic-jump":
        basis = make_basis("periodic", -30.0, 30.0, 320, jump=2 * np.pi)
        phi = sg_kink(basis.x)[0]
        force, density, energy = np.sin(phi), 1 - np.cos(phi), SG_KINK_ENERGY
    else:
        options = {"left": -1.0, "right": 1.0} if kind == "dirichlet" else {}
        basis = make_basis(kind, -30.0, 30.0, 256, **options)
        phi = phi4_kink(basis.x)[0]
        force, density, energy = phi**3 - phi, (phi**2 - 1) ** 2 / 4, PHI4_KINK_ENERGY
    assert max_error(basis.laplacian(phi), force) <= 1e-10
    assert basis.integrate(basis.gradient(phi) ** 2 / 2 + density) == pytest.approx(
        energy, abs=1e-12
    )


def test_a_kink_on_a_plain_periodic_grid_sees_the_seam():
    basis = make_basis("periodic", -30.0, 30.0, 256)
    phi = phi4_kink(basis.x)[0]
    assert max_error(basis.laplacian(phi), phi**3 - phi) > 1.0
    phi = sg_kink(basis.x)[0]
    assert max_error(basis.laplacian(phi), np.sin(phi)) > 1.0


@pytest.mark.parametrize("kind", BOUNDARY_CHOICES)
def test_grid_and_wavenumbers(kind):
    n = 16
    basis = make_basis(kind, A, B, n)
    assert (basis.kind, basis.n, basis.workers) == (kind, n, 1)
    assert basis.length == pytest.approx(L) and basis.dx == pytest.approx(L / n)
    assert basis.x.dtype == np.float64 and basis.x.shape == (n,)
    assert np.allclose(np.diff(basis.x), basis.dx, rtol=0, atol=1e-14)
    m = np.arange(n)
    if kind in ("periodic", "antiperiodic"):  # right end excluded
        assert basis.x[0] == A and basis.x[-1] == pytest.approx(B - basis.dx, abs=1e-14)
    else:  # cell-centred
        assert basis.x[0] == pytest.approx(A + basis.dx / 2, abs=1e-14)
        assert basis.x[-1] == pytest.approx(B - basis.dx / 2, abs=1e-14)
    expected_k = {
        "periodic": 2 * np.pi * np.arange(n // 2 + 1) / L,
        "antiperiodic": 2 * np.pi * np.fft.fftfreq(n, 1 / n) / L + np.pi / L,
        "neumann": np.pi * m / L,
        "dirichlet": np.pi * (m + 1) / L,
    }[kind]
    assert np.allclose(basis.k, expected_k, rtol=1e-15, atol=0)
    assert basis.k_max == pytest.approx(np.max(np.abs(expected_k)))
    assert basis.reference is None
    if kind == "antiperiodic":
        assert np.all(basis.k != 0)
        assert np.allclose(np.sort(basis.k), -np.sort(basis.k)[::-1])  # ± pairs for even n
    assert kind in basis.describe()


def test_describe():
    assert make_basis("neumann", A, B, 8).describe() == "neumann (DCT-II, cell-centred grid)"
    assert "jump 6.28318530718" in make_basis("periodic", A, B, 8, jump=2 * np.pi).describe()
    assert "phi(x_min) = -1" in make_basis("dirichlet", A, B, 8, left=-1.0, right=1.0).describe()


def test_references():
    periodic = make_basis("periodic", A, B, 16, jump=2 * np.pi)
    assert np.allclose(periodic.reference, 2 * np.pi * (periodic.x - A) / L, rtol=0, atol=1e-15)
    assert periodic.reference_slope == pytest.approx(2 * np.pi / L)
    dirichlet = make_basis("dirichlet", A, B, 16, left=LEFT, right=RIGHT)
    expected = LEFT + (RIGHT - LEFT) * (dirichlet.x - A) / L
    assert np.allclose(dirichlet.reference, expected, rtol=0, atol=1e-15)
    # the cached arrays are read-only so that no caller changes the basis by accident
    with pytest.raises(ValueError):
        dirichlet.reference[0] = 0.0
    with pytest.raises(ValueError):
        dirichlet.x[0] = 0.0


@pytest.mark.parametrize("kind", BOUNDARY_CHOICES)
def test_mode_filters(kind):
    basis = make_basis(kind, A, B, 32)
    assert basis.mode_filter("none") is None
    for name in ("two_thirds", "half", "exponential"):
        mask = basis.mode_filter(name)
        assert mask.shape == basis.k.shape
        assert np.all((mask >= 0) & (mask <= 1))
        if kind in ("periodic", "neumann"):
            assert basis.k[0] == 0 and mask[0] == 1
    assert basis.mode_filter("exponential", 36.0, 36)[np.argmax(np.abs(basis.k))] == pytest.approx(
        np.exp(-36.0)
    )


@pytest.mark.parametrize(
    "kind, options",
    [("periodic", {"jump": 2 * np.pi}), ("dirichlet", {"left": -1.0, "right": 1.0})],
)
def test_filter_leaves_the_reference_untouched(kind, options):
    basis = make_basis(kind, -30.0, 30.0, 512, **options)
    phi = sg_kink(basis.x)[0] if kind == "periodic" else phi4_kink(basis.x)[0]
    assert np.array_equal(basis.apply_filter(phi, basis.mode_filter("none")), phi)
    wipe = np.zeros(basis.k.shape)
    assert max_error(basis.apply_filter(phi, wipe), basis.reference) <= 1e-15
    # at n = 512 the kink's modes beyond 2/3 k_max are below round-off (measured change 1e-13, 4e-16)
    assert max_error(basis.apply_filter(phi, basis.mode_filter("two_thirds")), phi) <= 1e-12


def test_periodic_basis_agrees_with_periodic_grid():
    basis = make_basis("periodic", -25.0, 25.0, 256, workers=2)
    grid = PeriodicGrid(-25.0, 25.0, 256)
    f = 1 / np.cosh(basis.x)
    assert np.array_equal(basis.x, grid.x)
    assert max_error(basis.gradient(f), grid.derivative(f)) <= 1e-14
    assert max_error(basis.laplacian(f), grid.derivative(f, 2)) <= 1e-13
    assert basis.integrate(f) == pytest.approx(grid.integrate(f), abs=1e-14)


def test_stacked_fields():
    basis = make_basis("dirichlet", A, B, 16, left=LEFT, right=RIGHT)
    f = dirichlet_sin_exp(basis.x)[0]
    g = np.sin(np.pi * (basis.x - A) / L)  # no boundary offset, like φ_t
    stack = np.stack([f - basis.reference, g])
    lap = basis.laplacian(stack, subtract_reference=False)
    assert max_error(lap[0], basis.laplacian(f)) <= 1e-13
    assert max_error(lap[1], -((np.pi / L) ** 2) * g) <= 1e-13
    assert basis.integrate(stack).shape == (2,)


def test_make_basis_rejects_bad_input():
    assert BOUNDARY_CHOICES == ("periodic", "antiperiodic", "neumann", "dirichlet")
    with pytest.raises(ValueError, match="periodic, antiperiodic, neumann, dirichlet"):
        make_basis("robin", A, B, 16)
    with pytest.raises(ValueError, match="jump"):
        make_basis("neumann", A, B, 16, jump=2 * np.pi)
    with pytest.raises(ValueError, match="dirichlet"):
        make_basis("periodic", A, B, 16, left=1.0)
    with pytest.raises(ValueError, match="greater than"):
        make_basis("periodic", B, A, 16)
