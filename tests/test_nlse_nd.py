"""The NLSE on 2D and 3D periodic grids (issue 22): config, exact solutions, output, refusals.

Tolerances are the measured errors of each check with a margin of about 3 (measured on this
machine, max |ψ − ψ_exact|: 2D plane wave with ssf4 5.4e-14 and its mass drift 4.2e-14; stripe
soliton along x 1.8e-9 at dt = 0.01 and 1.1e-10 at dt = 0.005 (ssf4, fourth order), along the
diagonal 1.8e-9; free Gaussian (g = 0) 7.3e-13).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import simsuite
from simsuite.config import ConfigError, build_config
from simsuite.io.checkpoint import checkpoint_path
from simsuite.models.nlse import exact_nd
from simsuite.models.nlse.model import NLSE

from .conftest import interrupt_after


def nd_config(grid: dict, ic: dict, method: str = "ssf4", **time) -> dict:
    times = {"t_final": 1.0, "dt": 0.01, "n_snapshots": 3} | time
    return {
        "model": {"name": "nlse"},
        "grid": grid,
        "time": times,
        "integrator": {"method": method, "rtol": 1e-10, "atol": 1e-12},
        "run": {"threads": 1},
        "initial_condition": ic,
    }


def final_psi(ds) -> np.ndarray:
    return ds["psi_real"].values[-1] + 1j * ds["psi_imag"].values[-1]


def grid_of(cfg):
    return NLSE.from_config(cfg).grid


def test_plane_wave_2d_ssf4_round_off_and_mass():
    raw = nd_config(
        {"x_min": [-8.0, -6.0], "x_max": [8.0, 6.0], "n_points": [32, 24]},
        {"type": "plane_wave", "modes": [1, -2], "amplitude": 0.8, "phase": 0.3},
    )
    cfg = build_config(raw)
    ds = simsuite.run(cfg, output="", progress=False)
    assert ds["psi_real"].dims == ("t", "y", "x")
    assert ds["psi_real"].shape == (3, 24, 32)
    grid = grid_of(cfg)
    k = 2 * np.pi * np.array([1, -2]) / np.array(grid.lengths)
    exact = exact_nd.plane_wave(grid.coordinates, 1.0, 0.8, k, 1.0) * np.exp(0.3j)
    assert np.max(np.abs(final_psi(ds) - exact)) < 2e-13
    assert np.max(np.abs(ds["mass_rel_error"].values)) < 2e-13
    assert set(ds.data_vars) >= {"momentum_x", "momentum_y", "energy_rel_error"}
    # P = N k for a plane wave, H = N (|k|^2/2 - g A^2 / 2)
    mass = float(ds["mass"][0])
    assert mass == pytest.approx(0.64 * 16 * 12, rel=1e-14)
    assert float(ds["momentum_y"][0]) == pytest.approx(mass * k[1], rel=1e-13)
    assert float(ds["energy"][0]) == pytest.approx(mass * (0.5 * k @ k - 0.32), rel=1e-13)


@pytest.mark.parametrize("method", ["ssf2", "dop853", "etd_abm6", "rk4ip"])
def test_plane_wave_2d_other_methods(method):
    raw = nd_config(
        {"x_min": -8.0, "x_max": 8.0, "n_points": [16, 16]},
        {"type": "plane_wave", "modes": [1, 1], "amplitude": 0.5},
        method=method,
        t_final=0.5,
    )
    cfg = build_config(raw)
    ds = simsuite.run(cfg, output="", progress=False)
    grid = grid_of(cfg)
    k = 2 * np.pi * np.array([1, 1]) / 16.0
    exact = exact_nd.plane_wave(grid.coordinates, 0.5, 0.5, k, 1.0)
    assert np.max(np.abs(final_psi(ds) - exact)) < 1e-9


def stripe_run(direction, length, n_points, dt):
    period = exact_nd.stripe_direction(direction, (length, length))[1]
    velocity = 3 * 2 * np.pi / period  # e^{ivs} fits the box
    raw = nd_config(
        {"x_min": -length / 2, "x_max": length / 2, "n_points": n_points},
        {
            "type": "stripe_soliton",
            "eta": 1.0,
            "velocity": velocity,
            "offset": 1.0,
            "direction": list(direction),
        },
        dt=dt,
        n_snapshots=2,
    )
    cfg = build_config(raw)
    ds = simsuite.run(cfg, output="", progress=False)
    grid = grid_of(cfg)
    unit, period = exact_nd.stripe_direction(direction, grid.lengths)
    exact = exact_nd.stripe_soliton(
        grid.coordinates, 1.0, 1.0, velocity, unit, 1.0, g=1.0, period=period
    )
    return np.max(np.abs(final_psi(ds) - exact)), ds


def test_stripe_soliton_along_x_is_the_1d_soliton_fourth_order():
    """Along x (ηP = 48: the fold is ~1e-10); ssf4's error falls 16-fold when dt halves."""
    coarse, ds = stripe_run((1, 0), 48.0, [256, 8], 0.01)
    fine, _ = stripe_run((1, 0), 48.0, [256, 8], 0.005)
    assert coarse < 6e-9
    assert fine < 4e-10
    assert coarse / fine > 10
    assert np.max(np.abs(ds["mass_rel_error"].values)) < 2e-13


def test_stripe_soliton_along_the_diagonal_of_a_square_box():
    """m = (1, 1) in a 64 × 64 box: n̂ = (1, 1)/√2, P = 64/√2 (ηP = 45, fold ~3e-10)."""
    error, ds = stripe_run((1, 1), 64.0, [224, 224], 0.01)
    assert error < 6e-9
    assert np.max(np.abs(ds["energy_rel_error"].values)) < 2e-13


def test_free_gaussian_2d():
    width, centre, velocity = 1.0, np.array([1.0, -0.5]), np.array([0.5, -0.25])
    raw = nd_config(
        {"x_min": -20.0, "x_max": 20.0, "n_points": [96, 96]},
        {
            "type": "gaussian",
            "amplitude": 1.0,
            "width": width,
            "x0": list(centre),
            "velocity": list(velocity),
        },
        method="ssf2",
        t_final=1.0,
        dt=0.1,
    )
    raw["equation"] = {"nonlinearity": 0.0}
    cfg = build_config(raw)
    ds = simsuite.run(cfg, output="", progress=False)
    grid = grid_of(cfg)
    # ψ(0) = A e^{-|x-c|²/2w²} e^{iv·x} = A (π w²)^{d/4} e^{iv·c} · free_gaussian(t = 0)
    factor = (np.pi * width**2) ** 0.5 * np.exp(1j * velocity @ centre)
    exact = factor * exact_nd.free_gaussian(grid.coordinates, 1.0, width, centre, velocity)
    assert np.max(np.abs(final_psi(ds) - exact)) < 2e-12


def test_3d_run_end_to_end_through_a_file(tmp_path):
    config = tmp_path / "pw3.toml"
    config.write_text(
        '[model]\nname = "nlse"\n'
        "[grid]\nx_min = -4.0\nx_max = [4.0, 4.0, 4.0]\nn_points = [32, 32, 32]\n"
        "[time]\nt_final = 0.5\ndt = 0.01\nn_snapshots = 3\n"
        '[integrator]\nmethod = "ssf4"\n[run]\nthreads = 1\n'
        '[initial_condition]\ntype = "plane_wave"\nmodes = [1, -1, 2]\namplitude = 0.5\n'
    )
    out = tmp_path / "pw3.nc"
    simsuite.run(config, output=out, progress=False)
    ds = simsuite.open_output(out)
    try:
        assert ds["psi_real"].dims == ("t", "z", "y", "x")
        assert ds["psi_real"].shape == (3, 32, 32, 32)
        assert ds["psi_real"].encoding["chunksizes"] == (1, 32, 32, 32)
        assert ds["psi_real"].encoding["zlib"]
        assert ds.attrs["status"] == "complete" and ds.attrs["ndim"] == 3
        coords = tuple(ds[name].values for name in "xyz")
        k = 2 * np.pi * np.array([1, -1, 2]) / 8.0
        sparse = np.meshgrid(*coords[::-1], indexing="ij", sparse=True)[::-1]
        exact = exact_nd.plane_wave(tuple(sparse), 0.5, 0.5, k, 1.0)
        assert np.max(np.abs(final_psi(ds) - exact)) < 1e-12
        assert np.max(np.abs(ds["mass_rel_error"].values)) < 1e-13
        assert "momentum_z_rel_error" in ds
    finally:
        ds.close()


def test_expression_in_x_and_y_matches_gaussian():
    grid = {"x_min": -6.0, "x_max": 6.0, "n_points": [24, 16]}
    expr = nd_config(grid, {"type": "expression", "psi": "exp(-(x**2 + (y - 1)**2)/2)"})
    gauss = nd_config(grid, {"type": "gaussian", "x0": [0.0, 1.0]})
    a = NLSE.from_config(build_config(expr)).psi0
    b = NLSE.from_config(build_config(gauss)).psi0
    assert a.shape == (16, 24)
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-15)


BAD = [
    ({"grid": {"n_points": [32, 32], "x_min": [-1.0, -1.0, -1.0]}}, "grid.x_min", "entries"),
    ({"grid": {"n_points": [8, 8, 8, 8]}}, "grid.n_points", "2 or 3"),
    ({"grid": {"n_points": [32]}}, "grid.n_points", "single number"),
    (
        {"grid": {"n_points": [32, 32], "x_max": [1.0, -30.0]}},
        "grid.x_max",
        "greater than grid.x_min = -25.0 on axis y",
    ),
    ({"grid": {"n_points": [32, 3]}}, "grid.n_points", "entry 1 (axis y): must be integer ≥ 4"),
    ({"grid": {"n_points": [32, 32], "fit_periods": 2}}, "grid.fit_periods", "1D"),
    ({"initial_condition": {"type": "single_soliton"}}, "initial_condition.type", "2D"),
    ({"integrator": {"method": "dop853_plain"}}, "integrator.method", "2D grid"),
    (
        {"initial_condition": {"type": "plane_wave", "modes": [1, 2, 3]}},
        "initial_condition.modes",
        "2 entries",
    ),
    (
        {"initial_condition": {"type": "expression", "psi": "exp(-z**2)"}},
        "initial_condition.psi",
        "z",
    ),
]


@pytest.mark.parametrize(("change", "key", "words"), BAD)
def test_bad_nd_configs_name_the_key(change, key, words):
    raw = nd_config({"n_points": [32, 32]}, {"type": "plane_wave"})
    for section, values in change.items():
        raw[section] = raw[section] | values
    with pytest.raises(ConfigError) as info:
        build_config(raw)
    assert info.value.key == key
    assert words in str(info.value)


def test_per_axis_arrays_are_refused_where_they_do_not_apply():
    kg = {
        "model": {"name": "klein_gordon"},
        "grid": {"n_points": [64, 64], "boundary": "antiperiodic"},
    }
    with pytest.raises(ConfigError, match="2D grid of the klein_gordon model is periodic"):
        build_config(kg)
    gauss_1d = {"model": {"name": "nlse"}, "initial_condition": {"type": "gaussian", "x0": [1, 2]}}
    with pytest.raises(ConfigError, match="single number on a 1D grid"):
        build_config(gauss_1d)
    stripe_1d = {"model": {"name": "nlse"}, "initial_condition": {"type": "stripe_soliton"}}
    with pytest.raises(ConfigError, match="not defined on 1D grids"):
        build_config(stripe_1d)
    boundary = {"model": {"name": "nlse"}, "grid": {"n_points": [32, 32], "boundary": "neumann"}}
    with pytest.raises(ConfigError, match="grid.boundary"):
        build_config(boundary)


def test_validate_refuses_a_bad_nd_config_with_exit_2(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text(
        '[model]\nname = "nlse"\n[grid]\nn_points = [64, 64]\nx_min = [-5.0, -5.0, -5.0]\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "simsuite", "validate", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "grid.x_min" in done.stderr and "one entry per axis" in done.stderr
    assert "bad.toml" in done.stderr


def test_plot_and_analyze_take_an_nd_file(tmp_path):
    raw = nd_config(
        {"x_min": -4.0, "x_max": 4.0, "n_points": [16, 16]},
        {"type": "plane_wave"},
        t_final=0.1,
    )
    out = tmp_path / "pw2.nc"
    simsuite.run(build_config(raw), output=out, progress=False)
    for command in ("analyze", "plot"):
        done = subprocess.run(
            [sys.executable, "-m", "simsuite", command, str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    assert (tmp_path / "pw2_analyzed.nc").exists() and (tmp_path / "pw2_maps.png").exists()


@pytest.mark.parametrize("method", ["ssf4", "dop853"])
def test_2d_restart_equals_the_uninterrupted_run_bitwise(method, tmp_path, monkeypatch):
    config = tmp_path / "stripe.toml"
    config.write_text(
        '[model]\nname = "nlse"\n'
        "[grid]\nx_min = -12.0\nx_max = 12.0\nn_points = [64, 32]\n"
        "[time]\nt_final = 0.6\ndt = 0.01\nn_snapshots = 7\n"
        f'[integrator]\nmethod = "{method}"\n[run]\nthreads = 1\nprogress = false\n'
        "[output]\ncheckpoint_every = 2\n"
        '[initial_condition]\ntype = "stripe_soliton"\neta = 2.5\ndirection = [1, 1]\n'
    )
    whole = simsuite.run(config, output=tmp_path / "whole.nc")
    path = tmp_path / "broken.nc"
    with monkeypatch.context() as patch:
        interrupt_after(patch, 4)
        with pytest.raises(KeyboardInterrupt):
            simsuite.run(config, output=path)
    assert checkpoint_path(path).exists()
    restarted = simsuite.run(config, restart=path)
    assert restarted.attrs["status"] == "complete"
    for name in whole.data_vars:
        if "wall" not in name:
            np.testing.assert_array_equal(restarted[name].values, whole[name].values, name)


def test_a_grid_beyond_memory_is_refused_before_allocating():
    """2^72 points: refused on grid.n_points (exit 2 from the CLI) before any array exists,
    as klein_gordon does, instead of a MemoryError traceback from ``simsuite validate``."""
    raw = {"model": {"name": "nlse"}, "initial_condition": {"type": "gaussian"}}
    raw["grid"] = {"n_points": [2**24] * 3, "x_min": -1e7, "x_max": 1e7}
    with pytest.raises(ConfigError, match="GiB are available") as info:
        NLSE.from_config(build_config(raw))
    assert info.value.key == "grid.n_points"
