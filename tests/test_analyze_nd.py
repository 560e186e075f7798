"""``simsuite analyze`` of fields on 2D and 3D grids (issue 22): the differential entropies of the
density with ln ΔV against exact values, the spectral entropy over every mode, and what is refused.

Exact values (derived in docs/guide/entropy.md): ρ ∝ exp(−Σ x_i²/2σ_i²) has
h = (d/2) ln(2πe) + Σ ln σ_i, h_α = Σ ln(√(2π) σ_i) + (d/2) ln α/(α − 1) and
∫ρ^q = Π (2πσ_i²)^((1−q)/2) q^(−1/2); a uniform density on a box of volume V has h = h_α = ln V.
The free NLSE (g = 0) spreads ψ = exp(−x²/2a²) as |ψ|² ∝ exp(−x²/a(t)²), a(t)² = a² + t²/a², per
axis, so σ_i(t)² = a_i(t)²/2. Measured worst errors (this machine; tolerance 1e-12): 2D anisotropic
Gaussian over five snapshots 4.4e-16 (Shannon), 1.5e-14 (Rényi 0.5, 2, ∞), 5.7e-14 (Tsallis
0.5, 2); 3D Gaussian 8.9e-16; uniform density 0 (Shannon) and 4.4e-15 (Rényi), tolerance 1e-13.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

import simsuite
from simsuite.analyze import analyze, not_applicable
from simsuite.config import ConfigError, build_config
from simsuite.diagnostics import entropy
from simsuite.diagnostics.fields import (
    cell_volume,
    density_entropies,
    energy_entropy,
    field_axes,
    spectral_entropy_nd,
)

ALPHAS = (0.5, 2.0, math.inf)
QS = (0.5, 2.0)


def _config(grid: dict, ic: dict, **time) -> dict:
    return {
        "model": {"name": "nlse"},
        "grid": grid,
        "equation": {"nonlinearity": 0.0},
        "time": {"t_final": 1.0, "dt": 0.05, "n_snapshots": 5} | time,
        "integrator": {"method": "ssf4"},
        "run": {"threads": 1, "progress": False},
        "initial_condition": ic,
    }


def _run(tmp_path, name: str, raw: dict):
    path = tmp_path / f"{name}.nc"
    simsuite.run(build_config(raw), output=path, progress=False)
    return path


def _gaussian_exact(sigmas: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shannon, Rényi (ALPHAS) and Tsallis (QS) entropies of ρ ∝ exp(−Σ x_i²/2σ_i²); ``sigmas``
    of shape (n_t, d)."""
    d = sigmas.shape[1]
    log_sigma = np.log(sigmas).sum(axis=1)
    shannon = 0.5 * d * math.log(2 * math.pi * math.e) + log_sigma
    base = 0.5 * d * math.log(2 * math.pi) + log_sigma
    renyi = [base + 0.5 * d * math.log(a) / (a - 1) if np.isfinite(a) else base for a in ALPHAS]
    tsallis = []
    for q in QS:
        integral = np.prod((2 * math.pi * sigmas**2) ** ((1 - q) / 2), axis=1) * q ** (-d / 2)
        tsallis.append((1 - integral) / (q - 1))
    return shannon, np.stack(renyi, axis=1), np.stack(tsallis, axis=1)


def test_anisotropic_gaussian_2d_matches_the_exact_entropies_at_every_snapshot(tmp_path):
    a = np.array([1.0, 0.7])  # ψ = exp(−x²/2a_x² − y²/2a_y²), spreading freely (g = 0)
    raw = _config(
        {"x_min": [-12.0, -14.0], "x_max": [12.0, 14.0], "n_points": [96, 112]},
        {"type": "expression", "psi": "exp(-x**2/2 - y**2/(2*0.49))"},
    )
    path = _run(tmp_path, "gauss2", raw)
    ds = analyze(path, overrides={"diagnostics.renyi_orders": "0.5, 2, inf"})
    t = ds["t"].values
    sigmas = np.sqrt((a**2 + t[:, None] ** 2 / a**2) / 2)
    shannon, renyi, tsallis = _gaussian_exact(sigmas)
    np.testing.assert_allclose(ds["shannon_entropy"].values, shannon, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ds["renyi_entropy"].values, renyi, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ds["tsallis_entropy"].values, tsallis, rtol=0, atol=1e-12)
    volume = 0.25 * 0.25
    assert ds["shannon_entropy"].attrs["cell_volume"] == pytest.approx(volume, rel=1e-15)
    # the discrete entropy of the cells is h − ln ΔV: it measures the grid, h does not
    psi = ds["psi_real"].values + 1j * ds["psi_imag"].values
    p = np.abs(psi[0]) ** 2 / np.sum(np.abs(psi[0]) ** 2)
    cells = float(entropy.shannon(p.ravel()))
    assert cells + math.log(volume) == pytest.approx(shannon[0], abs=1e-12)
    assert "permutation_entropy" not in ds and "probe_permutation_entropy" not in ds


def test_gaussian_3d_and_the_cli_table(tmp_path):
    raw = _config(
        {"x_min": -8.0, "x_max": 8.0, "n_points": [32, 32, 40]},
        {"type": "gaussian", "width": 1.1},
        t_final=0.5,
        n_snapshots=3,
    )
    path = _run(tmp_path, "gauss3", raw)
    done = subprocess.run(
        [sys.executable, "-m", "simsuite", "analyze", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "shannon_entropy" in done.stdout and "spectral_entropy" in done.stdout
    assert "not computed: permutation_entropy" in done.stdout
    assert "not computed: probe_permutation_entropy" in done.stdout
    analyzed = xr.load_dataset(tmp_path / "gauss3_analyzed.nc")
    t = analyzed["t"].values
    sigma = np.sqrt((1.1**2 + t**2 / 1.1**2) / 2)
    exact = 1.5 * math.log(2 * math.pi * math.e) + 3 * np.log(sigma)
    np.testing.assert_allclose(analyzed["shannon_entropy"].values, exact, rtol=0, atol=1e-12)
    assert analyzed["renyi_entropy"].dims == ("t", "alpha")


def test_a_uniform_density_gives_ln_volume_exactly(tmp_path):
    raw = _config(
        {"x_min": [-3.0, -2.0], "x_max": [3.0, 2.5], "n_points": [24, 20]},
        {"type": "plane_wave", "modes": [2, -1], "amplitude": 0.7},
        t_final=0.2,
        n_snapshots=2,
    )
    ds = analyze(_run(tmp_path, "uniform", raw))
    volume = 6.0 * 4.5
    np.testing.assert_allclose(ds["shannon_entropy"].values, math.log(volume), rtol=0, atol=1e-13)
    np.testing.assert_allclose(ds["renyi_entropy"].values, math.log(volume), rtol=0, atol=1e-13)
    for j, q in enumerate(ds["q"].values):
        exact = (1 - volume ** (1 - q)) / (q - 1)
        np.testing.assert_allclose(ds["tsallis_entropy"].values[:, j], exact, rtol=1e-13)
    # one Fourier mode: the spectral entropy is 0
    np.testing.assert_allclose(ds["spectral_entropy"].values, 0.0, atol=1e-12)


def test_density_entropies_of_a_random_field_equal_the_flattened_1d_ones():
    rng = np.random.default_rng(3)
    field = rng.normal(size=(2, 5, 6, 7)) + 1j * rng.normal(size=(2, 5, 6, 7))
    volume = 0.1 * 0.2 * 0.3
    shannon, renyi, tsallis = density_entropies(field, volume, (0.5, 3.0), (2.0,))
    flat = field.reshape(2, -1)
    for k in range(2):
        p = np.abs(flat[k]) ** 2 / np.sum(np.abs(flat[k]) ** 2)
        assert shannon[k] == pytest.approx(float(entropy.shannon(p)) + math.log(volume), abs=1e-13)
        h3 = float(entropy.renyi(p, 3.0)) + math.log(volume)
        assert renyi[k, 1] == pytest.approx(h3, abs=1e-13)
        s2 = (1 - np.sum(p * p / volume)) / (2 - 1)
        assert tsallis[k, 0] == pytest.approx(s2, rel=1e-13)


def test_spectral_entropy_over_all_modes():
    rng = np.random.default_rng(5)
    for real in (True, False):
        data = rng.normal(size=(3, 1, 1, 10))  # one point along z and y: the 1D definition
        if not real:
            data = data + 1j * rng.normal(size=data.shape)
        one_d = entropy.spectral_entropy(data[:, 0, 0, :])
        np.testing.assert_allclose(spectral_entropy_nd(data), one_d, rtol=0, atol=1e-14)
    y, x = np.meshgrid(
        np.arange(12) * 2 * np.pi / 12, np.arange(16) * 2 * np.pi / 16, indexing="ij"
    )
    single_pair = np.cos(2 * x + 3 * y)[None]  # one pair {k, −k} of a real field
    single_mode = np.exp(1j * (2 * x - 3 * y))[None]
    assert spectral_entropy_nd(single_pair)[0] == pytest.approx(0.0, abs=1e-12)
    assert spectral_entropy_nd(single_mode)[0] == pytest.approx(0.0, abs=1e-12)
    delta = np.zeros((1, 12, 16), complex)
    delta[0, 3, 5] = 1.0  # a point: every mode equally, the maximum
    assert spectral_entropy_nd(delta)[0] == pytest.approx(1.0, abs=1e-14)


def _kg_2d(n_y: int = 24, n_x: int = 32) -> xr.Dataset:
    """A synthetic Klein–Gordon 2D file: φ = A cos(k·x), φ_t = B sin(k·x) on a periodic box."""
    x = np.linspace(-4.0, 4.0, n_x, endpoint=False)
    y = np.linspace(-3.0, 3.0, n_y, endpoint=False)
    k = np.array([2 * np.pi * 2 / 8.0, 2 * np.pi / 6.0])
    phase = k[0] * x[None, :] + k[1] * y[:, None]
    t = np.array([0.0, 0.5])
    phi = np.stack([0.3 * np.cos(phase), 0.2 * np.cos(phase)])
    phi_t = np.stack([0.1 * np.sin(phase), 0.4 * np.sin(phase)])
    return xr.Dataset(
        {
            "phi": (("t", "y", "x"), phi),
            "phi_t": (("t", "y", "x"), phi_t),
            "energy": ("t", [1.0, 1.0 + 1e-12]),
            "energy_rel_error": ("t", [0.0, 1e-12]),
        },
        coords={"t": t, "y": y, "x": x},
        attrs={"model": "klein_gordon", "ndim": 2, "dx": 0.25, "dy": 0.25},
    )


def test_energy_entropy_of_a_kg_2d_field_uses_the_exact_gradient():
    ds = _kg_2d()
    cfg = build_config({"model": {"name": "klein_gordon"}, "potential": {"name": "phi4"}})
    values, long_name = energy_entropy(ds, cfg)
    assert "energy density" in long_name
    k = np.array([2 * np.pi * 2 / 8.0, 2 * np.pi / 6.0])
    phase = k[0] * ds["x"].values[None, :] + k[1] * ds["y"].values[:, None]
    amplitude = np.array([0.3, 0.2])[:, None, None]
    gradient2 = (amplitude * np.sin(phase)) ** 2 * (k @ k)
    phi = ds["phi"].values
    e = 0.5 * ds["phi_t"].values ** 2 + 0.5 * gradient2 + cfg.potential.build().V(phi)
    exact = density_entropies(np.sqrt(e), cell_volume(ds, field_axes(ds)))[0]
    np.testing.assert_allclose(values, exact, rtol=0, atol=1e-13)
    assert field_axes(ds) == ("y", "x") and cell_volume(ds, ("y", "x")) == 0.0625
    # a file without the dx, dy attributes: the spacings of the coordinates
    bare = ds.copy()
    bare.attrs = {"model": "klein_gordon", "ndim": 2}
    np.testing.assert_array_equal(energy_entropy(bare, cfg)[0], values)
    assert set(not_applicable(ds)) == {
        "permutation_entropy",
        "probe_permutation_entropy",
        "probe_statistical_complexity",
    }


def test_a_file_of_slices_only_is_refused_with_exit_2(tmp_path):
    raw = _config(
        {"x_min": -4.0, "x_max": 4.0, "n_points": [8, 8, 8]},
        {"type": "gaussian"},
        t_final=0.1,
        n_snapshots=2,
    )
    full = xr.load_dataset(_run(tmp_path, "g3", raw))
    sliced = full.drop_vars(["psi_real", "psi_imag"]).assign(
        psi_real_xy=full["psi_real"].isel(z=4),
        psi_imag_xy=full["psi_imag"].isel(z=4),
    )
    path = tmp_path / "sliced.nc"
    sliced.to_netcdf(path)
    with pytest.raises(ConfigError, match="only slices or projections"):
        analyze(path)
    done = subprocess.run(
        [sys.executable, "-m", "simsuite", "analyze", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "psi_real_xy" in done.stderr and "full fields" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_spacing_of_an_nd_file_is_named(tmp_path):
    raw = _config(
        {"x_min": -4.0, "x_max": 4.0, "n_points": [8, 8]},
        {"type": "gaussian"},
        t_final=0.1,
        n_snapshots=2,
    )
    ds = xr.load_dataset(_run(tmp_path, "g2", raw))
    path = tmp_path / "bad.nc"
    ds.assign_attrs(dy=-1.0).to_netcdf(path)
    with pytest.raises(ConfigError, match="grid spacing along y"):
        analyze(path)
