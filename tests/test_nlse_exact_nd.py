"""The N-D exact and reference solutions of ``simsuite.models.nlse.exact_nd`` satisfy their equation.

Every solution is checked against the PDE  i ψ_t + ½∇²ψ + g|ψ|²ψ − Vψ = 0  itself: ∇² spectrally on a
periodic box (large enough that the field is negligible at its edges, or exactly periodic), ψ_t by a
fourth-order central difference in t with step 10⁻³ (truncation ~10⁻¹² ω⁵, round-off ~10⁻¹³).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simsuite.models.nlse import exact, exact_nd


def grid(lengths, points):
    """Centred periodic grid: sparse coordinates, spacings and the |k|² of the spectral Laplacian."""
    axes = [(np.arange(n) - n // 2) * (L / n) for L, n in zip(lengths, points, strict=True)]
    coords = tuple(np.meshgrid(*axes, indexing="ij", sparse=True))
    spacing = [L / n for L, n in zip(lengths, points, strict=True)]
    k = np.meshgrid(
        *[2 * np.pi * np.fft.fftfreq(n, h) for n, h in zip(points, spacing, strict=True)],
        indexing="ij",
        sparse=True,
    )
    return coords, spacing, sum(ki * ki for ki in k)


def laplacian(psi, k2):
    return np.fft.ifftn(-k2 * np.fft.fftn(psi))


def d_dt(field, t, h=1e-3):
    return (-field(t + 2 * h) + 8 * field(t + h) - 8 * field(t - h) + field(t - 2 * h)) / (12 * h)


def residual(field, t, k2, g=0.0, potential=0.0):
    psi = field(t)
    return (
        1j * d_dt(field, t)
        + 0.5 * laplacian(psi, k2)
        + g * np.abs(psi) ** 2 * psi
        - potential * psi
    )


# ------------------------------------------------------------------------------------------ plane wave


@pytest.mark.parametrize("d", [1, 2, 3])
def test_plane_wave_is_exact_on_a_periodic_box(d):
    lengths = [2 * np.pi * (1 + 0.5 * i) for i in range(d)]
    coords, _, k2 = grid(lengths, [16] * d)
    k = [2 * np.pi * m / L for m, L in zip([3, -2, 1], lengths, strict=False)]
    amplitude, g = 0.8, 1.3

    def field(t):
        return exact_nd.plane_wave(coords, t, amplitude, k, g)

    assert field(0.7).shape == (16,) * d
    res = residual(field, 0.7, k2, g)
    assert np.max(np.abs(res)) < 2e-10  # measured ≤ 6.1e-11 (the t-difference's round-off)
    # and the closed form of the frequency, analytically
    omega = 0.5 * sum(ki * ki for ki in k) - g * amplitude**2
    assert np.allclose(field(0.4), field(0.0) * np.exp(-1j * omega * 0.4), atol=1e-14)


# ------------------------------------------------------------------------------------- free Gaussian


@pytest.mark.parametrize("d", [1, 2, 3])
def test_free_gaussian_solves_the_free_equation_and_keeps_unit_mass(d):
    points = {1: 256, 2: 128, 3: 64}[d]
    coords, spacing, k2 = grid([24.0] * d, [points] * d)
    width = [1.0, 1.3, 0.9][:d]
    centre = [0.5, -1.0, 0.3][:d]
    momentum = [0.6, -0.4, 0.2][:d]

    def field(t):
        return exact_nd.free_gaussian(coords, t, width, centre, momentum)

    for t in (0.0, 0.8):
        assert np.max(np.abs(residual(field, t, k2))) < 1e-10  # measured ≤ 8.6e-12
        psi = field(t)
        assert abs(np.sum(np.abs(psi) ** 2) * np.prod(spacing) - 1.0) < 1e-12
        # the density is centred at c + p t
        mean = [np.sum(np.abs(psi) ** 2 * xi) * np.prod(spacing) for xi in coords]
        assert np.allclose(mean, np.add(centre, np.multiply(momentum, t)), atol=1e-12)


def test_free_gaussian_at_t0_is_the_gaussian():
    x = np.linspace(-5, 5, 41)
    coords = np.meshgrid(x, x[:31], indexing="ij", sparse=True)
    sigma, c, p = (1.2, 0.7), (0.3, -0.5), (1.1, -0.2)
    expected = 1.0
    for xi, si, ci, pi in zip(coords, sigma, c, p, strict=True):
        expected = expected * (
            (np.pi * si**2) ** -0.25 * np.exp(-((xi - ci) ** 2) / (2 * si**2) + 1j * pi * (xi - ci))
        )
    assert np.allclose(
        exact_nd.free_gaussian(coords, 0.0, sigma, c, p), expected, rtol=0, atol=1e-15
    )


def test_free_gaussian_spreads_as_stated():
    # ⟨(x − c − pt)²⟩ = ½(σ² + t²/σ²) per axis, the known free spreading law
    coords, spacing, _ = grid([40.0], [1024])
    sigma, t = 1.1, 2.5
    psi = exact_nd.free_gaussian(coords, t, sigma, 0.0, 0.0)
    variance = np.sum(coords[0] ** 2 * np.abs(psi) ** 2) * spacing[0]
    assert abs(variance - 0.5 * (sigma**2 + t**2 / sigma**2)) < 1e-12


# ------------------------------------------------------------------------------------ stripe soliton


def test_stripe_along_an_axis_is_the_1d_soliton():
    x = np.linspace(-20, 20, 201)
    y = np.linspace(-5, 5, 11)
    coords = np.meshgrid(x, y, indexing="ij", sparse=True)
    eta, v, x0, t, g = 1.3, 0.4, -2.0, 0.9, 2.5
    psi = exact_nd.stripe_soliton(coords, t, eta, v, (1.0, 0.0), x0, g=g, phase=0.3)
    one_d = exact.bright_soliton(x, t, eta, v, x0, 0.3) / math.sqrt(g)
    assert psi.shape == (201, 11)
    assert np.allclose(psi, one_d[:, None], rtol=0, atol=1e-15)
    # along y in 3D: the same profile in the second coordinate
    coords3 = np.meshgrid(y, x, y, indexing="ij", sparse=True)
    psi3 = exact_nd.stripe_soliton(coords3, t, eta, v, (0.0, 2.0, 0.0), x0, g=g, phase=0.3)
    assert np.allclose(psi3, one_d[None, :, None], rtol=0, atol=1e-15)


def test_stripe_along_the_diagonal_is_the_1d_soliton_and_solves_the_2d_equation():
    L, n = 50.0, 512
    coords, _, k2 = grid([L, L], [n, n])
    direction, period = exact_nd.stripe_direction([1, 1], [L, L])
    assert np.allclose(direction, [2**-0.5, 2**-0.5]) and abs(period - L / 2**0.5) < 1e-13
    eta, g = 1.5, 0.7
    v = 2 * np.pi * 2 / period  # the carrier e^{ivs} fits the box
    s = (coords[0] + coords[1]) / np.sqrt(2)
    t = 0.6
    one_d = exact.bright_soliton(s, t, eta, v, 1.0) / math.sqrt(g)
    single = exact_nd.stripe_soliton(coords, t, eta, v, (1.0, 1.0), 1.0, g=g)
    assert np.allclose(single, one_d, rtol=0, atol=1e-14)  # s = n̂·x rounds differently

    def field(t):
        return exact_nd.stripe_soliton(coords, t, eta, v, direction, 1.0, g=g, period=period)

    folded = field(t)
    near = np.abs(s - 1.0 - v * t) < 0.4 * period  # away from the fold the two agree exactly
    assert np.allclose(folded[near], one_d[near], rtol=0, atol=1e-14)
    # periodic images: ηP/2 ≈ 26.5, so fold and overlap are ~1e-11 of the peak
    res = residual(field, t, k2, g)
    assert np.max(np.abs(res)) < 1e-9 * eta**3 / math.sqrt(g)  # measured 1.6e-10


def test_stripe_direction_along_an_axis_and_a_rectangle():
    n, P = exact_nd.stripe_direction([0, 1], [3.0, 5.0])
    assert np.allclose(n, [0, 1]) and P == 5.0
    n, P = exact_nd.stripe_direction([1, 2], [3.0, 5.0])
    # n_i L_i / P must be the integers m_i
    assert np.allclose(n * np.array([3.0, 5.0]) / P, [1, 2])
    with pytest.raises(ValueError):
        exact_nd.stripe_direction([0.5, 1], [1.0, 1.0])


# ------------------------------------------------------------------------------------ harmonic trap


def test_harmonic_eigenstates_are_orthonormal_eigenfunctions():
    omegas = (1.0, 1.7)
    coords, spacing, k2 = grid([20.0, 20.0], [128, 128])
    potential = exact_nd.harmonic_potential(coords, omegas)
    quanta = [(0, 0), (1, 0), (0, 1), (2, 1), (3, 2), (5, 0)]
    states = [exact_nd.harmonic_eigenstate(coords, omegas, q) for q in quanta]
    cell = np.prod(spacing)
    gram = np.array([[np.sum(np.conj(a) * b) * cell for b in states] for a in states])
    assert np.max(np.abs(gram - np.eye(len(states)))) < 1e-14  # measured 4.4e-16
    for q, phi in zip(quanta, states, strict=True):
        energy = exact_nd.harmonic_energy(omegas, q)
        h_phi = -0.5 * laplacian(phi, k2) + potential * phi
        assert np.max(np.abs(h_phi - energy * phi)) < 1e-12  # measured 2.9e-14
    assert exact_nd.harmonic_energy(omegas, (0, 0)) == 0.5 * sum(omegas)


def test_harmonic_eigenstate_in_3d_evolves_with_its_energy():
    omegas = (1.0, 1.0, 1.4)
    coords, _, k2 = grid([16.0] * 3, [48] * 3)
    potential = exact_nd.harmonic_potential(coords, omegas)

    def field(t):
        return exact_nd.harmonic_eigenstate(coords, omegas, (1, 0, 2), t)

    res = residual(field, 0.3, k2, 0.0, potential)
    assert np.max(np.abs(res)) < 5e-10  # measured 5.4e-11
    # 1D: the Hermite functions against scipy's Hermite polynomials
    from scipy.special import eval_hermite

    x = np.linspace(-4, 4, 33)
    for n in range(6):
        w = 1.3
        ref = (w / np.pi) ** 0.25 / math.sqrt(2.0**n * math.factorial(n))
        ref = ref * eval_hermite(n, math.sqrt(w) * x) * np.exp(-0.5 * w * x * x)
        assert np.allclose(exact_nd.harmonic_eigenstate((x,), (w,), (n,)).real, ref, atol=1e-14)


# ------------------------------------------------------------------------------------------- Townes


def test_townes_constants():
    r0, norm = exact_nd.townes_constants()
    assert abs(r0 - 2.2062) < 1e-4
    assert abs(r0 - 2.20620086465) < 1e-10  # as computed; moves < 1e-13 with the table step
    assert abs(norm - 11.70) < 5e-3 and abs(norm - 11.7009) < 1e-4
    # N_R again, by quadrature of the interpolated profile
    from scipy.integrate import quad

    inner, _ = quad(lambda r: 2 * np.pi * r * exact_nd.townes_profile(r) ** 2, 0, 10, limit=200)
    outer, _ = quad(lambda r: 2 * np.pi * r * exact_nd.townes_profile(r) ** 2, 10, 60, limit=200)
    assert abs(inner + outer - norm) < 1e-9 * norm


def test_townes_profile_solves_its_ode():
    r = np.linspace(0.001, 30.0, 30000)
    R = exact_nd.townes_profile(r)
    dR = exact_nd.townes_profile(r, 1)
    d2R = exact_nd.townes_profile(r, 2)
    ode = d2R + dR / r - R + R**3
    assert np.max(np.abs(ode)) < 1e-8  # measured 3.1e-9 (quintic interpolation, step 0.01)
    assert exact_nd.townes_profile(0.0, 1) == 0.0
    assert np.all(R > 0) and np.all(np.diff(R) < 0)  # positive, decreasing: the ground state


@pytest.mark.parametrize("g", [1.0, 2.5])
def test_townes_solves_the_2d_equation_with_mass_n_over_2g(g):
    coords, spacing, k2 = grid([40.0, 40.0], [512, 512])
    scale, centre = 1.4, (0.3, -0.2)

    def field(t):
        return exact_nd.townes(coords, g, centre, scale, t)

    psi = field(0.5)
    res = residual(field, 0.5, k2, g)
    peak = np.max(np.abs(psi))
    assert np.max(np.abs(res)) < 1e-9 * peak * scale**2  # measured 7e-11
    _, norm = exact_nd.townes_constants()
    mass = np.sum(np.abs(psi) ** 2) * np.prod(spacing)
    assert abs(mass - norm / (2 * g)) < 1e-10 * norm / (2 * g)  # measured 1.3e-12
    # the Townes soliton has zero Hamiltonian (Pohozaev)
    _, hamiltonian = exact_nd.virial_second_moment(
        field(0.0), (coords[0] - centre[0], coords[1] - centre[1]), spacing, g
    )
    kinetic = 0.5 * np.sum(k2 * np.abs(np.fft.fftn(psi)) ** 2) * np.prod(spacing) / psi.size
    assert abs(hamiltonian) < 1e-8 * kinetic


# ------------------------------------------------------------------------------------- Thomas–Fermi


@pytest.mark.parametrize(
    ("omegas", "points"), [((0.7,), 200001), ((1.0, 1.6), 1601), ((1.0, 1.3, 0.8), 161)]
)
def test_thomas_fermi_density_holds_n(omegas, points):
    g, n_atoms = 2.0, 150.0
    mu = exact_nd.thomas_fermi_chemical_potential(g * n_atoms, omegas)
    extent = [1.05 * math.sqrt(2 * mu) / w for w in omegas]  # the TF radii, plus 5 %
    axes = [np.linspace(-e, e, points) for e in extent]
    coords = np.meshgrid(*axes, indexing="ij", sparse=True)
    cell = np.prod([a[1] - a[0] for a in axes])
    density = np.maximum(mu - exact_nd.harmonic_potential(coords, omegas), 0.0) / g
    # the density has a kink at the TF radius, so the grid sum converges slowly; measured relative
    # errors 1.8e-11 (1D), 7.4e-9 (2D), 2.1e-7 (3D)
    assert abs(np.sum(density) * cell / n_atoms - 1.0) < 1e-6


def test_thomas_fermi_closed_forms():
    # d = 3, isotropic: μ = ½ω(15 N a/a_ho)^{2/5} with g = 4πa, a_ho = ω^{-1/2}
    w, a, n = 1.3, 0.01, 1e4
    mu = exact_nd.thomas_fermi_chemical_potential(4 * np.pi * a * n, (w, w, w))
    assert abs(mu - 0.5 * w * (15 * n * a * math.sqrt(w)) ** 0.4) < 1e-12 * mu
    # d = 1: μ = ½(3gNω/2)^{2/3}
    assert (
        abs(
            exact_nd.thomas_fermi_chemical_potential(5.0, 0.9)
            - 0.5 * (3 * 5.0 * 0.9 / 2) ** (2 / 3)
        )
        < 1e-13
    )


# -------------------------------------------------------------------------------------- 2D virial


def test_virial_identity_on_the_free_gaussian_in_2d():
    # g = 0: M(t) = ∫|x|²|ψ|² is quadratic with M'' = 4H; here H = Σ_i (1/(4σ_i²) + ½p_i²)
    coords, spacing, _ = grid([48.0, 48.0], [192, 192])
    sigma, c, p = (1.0, 1.4), (0.5, -0.8), (0.3, 0.2)
    times = np.array([0.0, 0.5, 1.0])
    moments, energies = zip(
        *[
            exact_nd.virial_second_moment(
                exact_nd.free_gaussian(coords, t, sigma, c, p), coords, spacing, 0.0
            )
            for t in times
        ],
        strict=True,
    )
    hamiltonian = sum(1 / (4 * s**2) + 0.5 * q**2 for s, q in zip(sigma, p, strict=True))
    assert np.allclose(energies, hamiltonian, rtol=1e-12)
    second = (moments[2] - 2 * moments[1] + moments[0]) / 0.5**2  # exact for a quadratic
    assert abs(second - 4 * hamiltonian) < 1e-10


def test_virial_identity_on_a_moving_townes_soliton():
    # g > 0: the boosted Townes soliton Q(x − c − pt) e^{i(p·x − ½|p|²t)} has H = ½|p|² N_R/(2g)
    # (Q itself has H = 0) and M(t) = M(0) + N|c + pt|² − N|c|², so M'' = 2N|p|² = 4H
    g, scale = 1.7, 1.2
    coords, spacing, _ = grid([40.0, 40.0], [384, 384])
    c, p = np.array([-1.0, 0.5]), np.array([0.4, -0.3])

    def boosted(t):
        q = exact_nd.townes(coords, g, c + p * t, scale, t)
        return q * np.exp(1j * (p[0] * coords[0] + p[1] * coords[1] - 0.5 * (p @ p) * t))

    results = [exact_nd.virial_second_moment(boosted(t), coords, spacing, g) for t in (0, 1, 2)]
    moments = [m for m, _ in results]
    _, norm = exact_nd.townes_constants()
    mass = norm / (2 * g)
    for _, hamiltonian in results:
        assert abs(hamiltonian - 0.5 * (p @ p) * mass) < 1e-10  # measured 5.6e-13
    second = moments[2] - 2 * moments[1] + moments[0]
    assert abs(second - 4 * 0.5 * (p @ p) * mass) < 1e-10  # measured 2.2e-12
