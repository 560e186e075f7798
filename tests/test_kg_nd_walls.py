"""The Klein–Gordon model in 2D and 3D boxes with Neumann or Dirichlet walls (issue 22):
standing modes against the exact solution, the 1D reduction, energy conservation, refusals and
restarts.

Measured on this machine (the tolerances leave a margin of about 3):

* standing mode φ = A Π_i s_i(k_i (x_i − x_min,i)) cos ωt (s = sin for Dirichlet, cos for Neumann),
  k_i = π m_i/L_i, ω² = |k|² + m², linear potential, 24 × 20, to t = 1: exponential_verlet
  1.2e-14 and exponential_yoshida4 2.4e-14 from the exact φ and φ_t, energy drift ≤ 1.1e-14;
  dop853 (rtol 1e-12) 2.3e-13; yoshida4 1.09e-4 and 6.8e-6 at dt = 0.02 and 0.01 (ratio 16.03);
* a φ⁴ run constant along y (and z) with Neumann walls equals the 1D Neumann run to 8.6e-15
  (yoshida4) and 1.8e-15 (exponential_verlet), 2D and 3D;
* 10⁴ Verlet steps of a 2D φ⁴ gaussian_bubble with Neumann walls on 32²: |ΔE|/E_s ≤ 1.6e-4,
  first quarter 1.2e-4, last 1.5e-4 (bounded);
* Dirichlet φ⁴ bubble: the energy by parts equals the quadrature of the energy density to 2e-16.
"""

from __future__ import annotations

import numpy as np
import pytest

import simsuite
from simsuite.config import ConfigError, build_config
from simsuite.integrators import get_integrator
from simsuite.io.checkpoint import checkpoint_path
from simsuite.models.klein_gordon.model import KleinGordon
from simsuite.models.klein_gordon.nd_walls import KGProblemWallsND, WallGridND

from .conftest import interrupt_after

BOX = {"x_min": [-1.0, 0.5], "x_max": [2.0, 2.5], "n_points": [24, 20]}
MODES = (2, 3)
AMPLITUDE, MASS = 0.7, 1.3


def kg_config(grid: dict, ic: dict, potential: dict, method: str = "yoshida4", **time) -> dict:
    times = {"t_final": 1.0, "dt": 0.01, "n_snapshots": 3} | time
    return {
        "model": {"name": "klein_gordon"},
        "grid": grid,
        "time": times,
        "integrator": {"method": method, "rtol": 1e-12, "atol": 1e-14},
        "run": {"threads": 1},
        "potential": potential,
        "initial_condition": ic,
    }


def run(raw: dict):
    cfg = build_config(raw)
    return cfg, simsuite.run(cfg, output="", progress=False)


def standing(boundary: str, method: str, dt: float = 0.01):
    """Run the standing mode on BOX and return its largest error in φ and φ_t at t = 1, and the
    largest energy drift."""
    f = "sin" if boundary == "dirichlet" else "cos"
    lo, hi = BOX["x_min"], BOX["x_max"]
    k = [np.pi * m / (b - a) for m, a, b in zip(MODES, lo, hi, strict=True)]
    phi = f"{AMPLITUDE} * {f}({k[0]!r} * (x - {lo[0]!r})) * {f}({k[1]!r} * (y - {lo[1]!r}))"
    raw = kg_config(
        BOX | {"boundary": boundary},
        {"type": "expression", "phi": phi, "phi_t": "0"},
        {"name": "linear", "mass": MASS},
        method=method,
        dt=dt,
    )
    cfg, ds = run(raw)
    model = KleinGordon.from_config(cfg)
    x, y = model.grid.coordinates
    trig = np.sin if boundary == "dirichlet" else np.cos
    shape = AMPLITUDE * trig(k[0] * (x - lo[0])) * trig(k[1] * (y - lo[1]))
    omega = np.sqrt(k[0] ** 2 + k[1] ** 2 + MASS**2)
    t = float(ds["t"].values[-1])
    error = max(
        float(np.max(np.abs(ds["phi"].values[-1] - shape * np.cos(omega * t)))),
        float(np.max(np.abs(ds["phi_t"].values[-1] + omega * shape * np.sin(omega * t)))),
    )
    return error, float(np.max(np.abs(ds["energy_rel_error"].values))), ds


@pytest.mark.parametrize("boundary", ["dirichlet", "neumann"])
@pytest.mark.parametrize("method", ["exponential_verlet", "exponential_yoshida4", "dop853"])
def test_standing_mode_is_exact_to_round_off(boundary, method):
    error, drift, ds = standing(boundary, method)
    print(boundary, method, error, drift)
    assert ds["phi"].dims == ("t", "y", "x") and ds["phi"].shape == (3, 20, 24)
    assert ds.attrs["boundary"] == boundary
    assert "momentum_x" not in ds  # the walls break translations
    tol = 1e-12 if method == "dop853" else 1e-13  # dop853: rtol = 1e-12, atol = 1e-14
    assert error < tol
    assert drift < tol


@pytest.mark.parametrize("boundary", ["dirichlet", "neumann"])
def test_standing_mode_yoshida4_is_fourth_order(boundary):
    errors = [standing(boundary, "yoshida4", dt)[0] for dt in (0.02, 0.01)]
    ratio = errors[0] / errors[1]
    print(boundary, errors, ratio)
    assert errors[1] < 2e-5  # ω ≈ 5.3: (ω dt)⁴ is large
    assert 14.0 < ratio < 18.0, ratio  # 2^4 = 16


def test_coordinates_are_the_cell_centres():
    _, _, ds = standing("neumann", "exponential_verlet")
    for name, lo, hi, n in zip("xy", BOX["x_min"], BOX["x_max"], BOX["n_points"], strict=True):
        dx = (hi - lo) / n
        np.testing.assert_allclose(
            ds[name].values, lo + dx * (np.arange(n) + 0.5), rtol=0, atol=1e-15
        )


@pytest.mark.parametrize("ndim", [2, 3])
def test_constant_along_the_other_axes_equals_the_1d_neumann_run(ndim):
    """φ⁴ with a Gaussian in x only, Neumann walls: the N-D run is the 1D Neumann run on every
    line along x (the DCT of a constant is its m = 0 mode, and −|k|² there is −k_x²)."""
    n_x = 48
    grid = {
        "x_min": [-6.0] + [0.0] * (ndim - 1),
        "x_max": [6.0] + [3.0] * (ndim - 1),
        "n_points": [n_x] + [6] * (ndim - 1),
        "boundary": "neumann",
    }
    ic = {"type": "expression", "phi": "1 - 1.5 * exp(-(x - 0.7)**2)", "phi_t": "0.2 * exp(-x**2)"}
    cfg = build_config(kg_config(grid, ic, {"name": "phi4", "lambda": 1.0}))
    model = KleinGordon.from_config(cfg)
    line_raw = kg_config(
        {"x_min": -6.0, "x_max": 6.0, "n_points": n_x, "boundary": "neumann"},
        ic,
        {"name": "phi4", "lambda": 1.0},
    )
    line_model = KleinGordon.from_config(build_config(line_raw))
    for method in ("yoshida4", "exponential_verlet"):
        line, _ = get_integrator(method)(line_model.problem, 0.02).advance(
            line_model.initial_state(), 0.0, 1.0
        )
        field, _ = get_integrator(method)(model.problem, 0.02).advance(
            model.initial_state(), 0.0, 1.0
        )
        difference = float(np.max(np.abs(field - line.reshape((2,) + (1,) * (ndim - 1) + (n_x,)))))
        print(ndim, method, difference)
        assert difference < 1e-13


def test_energy_bounded_over_ten_thousand_verlet_steps_with_neumann_walls():
    raw = kg_config(
        {"x_min": -8.0, "x_max": 8.0, "n_points": [32, 32], "boundary": "neumann"},
        {"type": "gaussian_bubble", "radius": 1.8, "amplitude": 1.2, "x0": [0.5, -0.3]},
        {"name": "phi4", "lambda": 1.0},
        method="verlet",
        dt=0.02,
        t_final=200.0,
        n_snapshots=101,
    )
    _, ds = run(raw)
    assert int(ds.attrs["n_steps"]) == 10_000
    drift = np.abs(ds["energy_rel_error"].values)
    quarter = drift.size // 4
    print(
        "energy drift max, first and last quarter:",
        drift.max(),
        drift[1 : quarter + 1].max(),
        drift[-quarter:].max(),
    )
    assert drift.max() < 5e-4
    assert drift[-quarter:].max() < 2.0 * drift[1 : quarter + 1].max()  # bounded, not growing


def test_dirichlet_wall_value_is_the_initial_field_on_the_faces():
    """A φ⁴ bubble in the vacuum v = 1: φ = 1 on every wall, the coefficients are those of φ − 1,
    and the energy equals the direct quadrature of ½|∇φ|² + V with the basis's derivatives."""
    raw = kg_config(
        {"x_min": -8.0, "x_max": 8.0, "n_points": [32, 28], "boundary": "dirichlet"},
        {"type": "gaussian_bubble", "radius": 2.0, "amplitude": 1.2},
        {"name": "phi4", "lambda": 1.0},
    )
    model = KleinGordon.from_config(build_config(raw))
    assert abs(model.grid.wall_value - 1.0) < 1e-7  # 1 − 1.2 exp(−16) at the face centres
    state = model.initial_state()
    problem = model.problem
    direct = model.grid.integrate(problem.energy_density(state))
    energy = problem.invariants(state)["energy"]
    print("energy by parts vs direct:", energy, direct)
    assert abs(energy - direct) < 1e-12 * energy
    np.testing.assert_allclose(problem.from_modes(problem.to_modes(state[0])), state[0], atol=1e-15)


def test_the_wall_operators_on_a_3d_mode():
    """∂_i and ∇² of a product mode against their exact values, both bases, in 3D."""
    for kind, f, df in (("neumann", np.cos, lambda s: -np.sin(s)), ("dirichlet", np.sin, np.cos)):
        grid = WallGridND.from_bounds(kind, (-1.0, 0.0, 2.0), (2.0, 1.5, 3.0), (12, 10, 8))
        from simsuite.models.klein_gordon.potentials import Linear

        problem = KGProblemWallsND(grid, Linear(mass=1.0), None, 1.0)
        k = [np.pi * m / length for m, length in zip((2, 3, 1), grid.lengths, strict=True)]
        s = [
            ki * (x - axis.x_min)
            for ki, x, axis in zip(k, grid.coordinates, grid.axes, strict=True)
        ]
        phi = f(s[0]) * f(s[1]) * f(s[2])
        exact = [
            k[0] * df(s[0]) * f(s[1]) * f(s[2]),
            k[1] * f(s[0]) * df(s[1]) * f(s[2]),
            k[2] * f(s[0]) * f(s[1]) * df(s[2]),
        ]
        for got, want in zip(problem.gradient(phi), exact, strict=True):
            assert np.max(np.abs(got - want)) < 1e-13
        lap = problem.laplacian(phi)
        assert np.max(np.abs(lap + sum(ki * ki for ki in k) * phi)) < 1e-12


GOOD = kg_config(
    {"n_points": [32, 32], "boundary": "neumann"}, {"type": "gaussian"}, {"name": "phi4"}
)
BAD_CONFIG = [
    ({"grid": {"n_points": [32, 32], "boundary": "antiperiodic"}}, "grid.boundary", "neumann or dirichlet"),
    ({"grid": {"n_points": [32, 32], "boundary": "neumann", "winding": 1}}, "grid.winding", "1D grids only"),
]  # fmt: skip
LINEAR_PLANE = {"initial_condition": {"type": "plane_wave"}, "potential": {"name": "linear"}}
SLOPED = {
    "grid": {"n_points": [32, 32], "boundary": "dirichlet"},
    "initial_condition": {"type": "expression", "phi": "x"},
}
BAD_BUILD = [
    (LINEAR_PLANE, "initial_condition.type", "periodic box"),
    ({"initial_condition": {"type": "stripe_kink"}}, "initial_condition.type", "periodic box"),
    (SLOPED, "grid.boundary", "constant on the walls"),
    ({"initial_condition": {"type": "gaussian", "x0": [31.0, 0.0]}}, "initial_condition.x0", "outside"),
]  # fmt: skip


def _changed(change: dict) -> dict:
    raw = {section: dict(values) for section, values in GOOD.items()}
    for section, values in change.items():
        raw[section] = raw[section] | values
    return raw


@pytest.mark.parametrize(("change", "key", "words"), BAD_CONFIG)
def test_bad_wall_configs_name_the_key(change, key, words):
    with pytest.raises(ConfigError) as info:
        build_config(_changed(change))
    assert info.value.key == key
    assert words in str(info.value)


@pytest.mark.parametrize(("change", "key", "words"), BAD_BUILD)
def test_bad_wall_initial_conditions_are_refused_when_built(change, key, words):
    with pytest.raises(ConfigError) as info:
        KleinGordon.from_config(build_config(_changed(change)))
    assert info.value.key == key
    assert words in str(info.value)


def test_cli_exits_2_on_a_refused_wall_config(tmp_path):
    import subprocess
    import sys

    config = tmp_path / "bad.toml"
    config.write_text(
        '[model]\nname = "klein_gordon"\n[grid]\nn_points = [16, 16]\nboundary = "neumann"\n'
        '[potential]\nname = "linear"\n[initial_condition]\ntype = "plane_wave"\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "simsuite", "validate", str(config)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2, done.stderr
    assert "initial_condition.type" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("boundary", "method"), [("neumann", "yoshida4"), ("dirichlet", "exponential_verlet")]
)
def test_wall_restart_equals_the_uninterrupted_run_bitwise(boundary, method, tmp_path, monkeypatch):
    config = tmp_path / "ring.toml"
    config.write_text(
        '[model]\nname = "klein_gordon"\n'
        f'[grid]\nx_min = -12.0\nx_max = 12.0\nn_points = [40, 36]\nboundary = "{boundary}"\n'
        "[time]\nt_final = 0.6\ndt = 0.02\nn_snapshots = 7\n"
        f'[integrator]\nmethod = "{method}"\n[run]\nthreads = 1\nprogress = false\n'
        '[output]\ncheckpoint_every = 2\n[potential]\nname = "phi4"\n'
        '[initial_condition]\ntype = "ring_kink"\nradius = 3.0\nx0 = [0.5, -0.5]\n'
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
