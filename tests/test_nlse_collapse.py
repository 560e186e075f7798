"""The Townes threshold of the 2D focusing NLSE and the runner's collapse stop (issue 22).

i ψ_t + ½∇²ψ + g|ψ|²ψ = 0 in 2D, g = 1: the Townes profile Q = R(r)/√(2g) has the critical mass
N_c = N_R/(2g) = 5.850 (Weinstein 1983). ``initial_condition.type = "townes"`` with ``scale`` s
gives s·Q, mass s² N_c: below the threshold (s = 0.9) the beam spreads for ever (its variance
M(t) = ∫|x|²|ψ|² grows, d²M/dt² = 4H > 0 since H(sQ) = s²(1 − s²)∫½|∇Q|² > 0); above it
(s = 1.1, H < 0) it collapses in finite time. The runner stops such a run at the first snapshot
where the field has left the grid's resolution (a fraction of the spectral power above
``equation.collapse_threshold`` in the outer band of wavenumbers, and the peak density at least
doubled): RunFailed saying "collapse", exit 1, the snapshots before kept.

Measured (128² over [−12, 12)², ssf4, dt = 0.005, snapshots every 0.1): s = 0.9 runs to t = 4,
peak |ψ|² from 1.971 to 0.472, M from 5.63 to 20.0, H = 0.450, energy drift ≤ 3.5e-10; s = 1.1
stops at t = 1.7 (outer-band fraction 1.8e-3, peak 6.4 times its initial value), after 17
snapshots t = 0 … 1.6; its energy drift at t = 1.6 is 3.9e-6 (1.0e-7 with dt = 0.002: the drift
is the time step's, the field is still resolved).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

import simsuite
from simsuite.config import build_config
from simsuite.runner import RunFailed


def townes_toml(tmp_path, scale: float, t_final: float, extra: str = "") -> str:
    path = tmp_path / f"townes_{scale}.toml"
    path.write_text(
        '[model]\nname = "nlse"\n'
        "[grid]\nx_min = [-12.0, -12.0]\nx_max = [12.0, 12.0]\nn_points = [128, 128]\n"
        f"[time]\nt_final = {t_final}\ndt = 0.005\nn_snapshots = {round(t_final / 0.1) + 1}\n"
        '[integrator]\nmethod = "ssf4"\n[run]\nthreads = 1\nprogress = false\n'
        f'[initial_condition]\ntype = "townes"\nscale = {scale}\n{extra}'
    )
    return str(path)


def second_moment(ds) -> np.ndarray:
    x, y = ds["x"].values[None, None, :], ds["y"].values[None, :, None]
    density = ds["psi_real"].values ** 2 + ds["psi_imag"].values ** 2
    cell = float(ds["x"][1] - ds["x"][0]) * float(ds["y"][1] - ds["y"][0])
    return (density * (x * x + y * y)).sum(axis=(1, 2)) * cell


def test_below_the_threshold_the_townes_profile_spreads(tmp_path):
    """s = 0.9: the run reaches its end; the peak falls and M(t) grows monotonically."""
    ds = simsuite.run(townes_toml(tmp_path, 0.9, 4.0), output="")
    assert ds.attrs["status"] == "complete"
    assert float(ds["t"][-1]) == pytest.approx(4.0)
    peak = (ds["psi_real"].values ** 2 + ds["psi_imag"].values ** 2).max(axis=(1, 2))
    assert np.all(np.diff(peak) < 0) and peak[-1] < 0.3 * peak[0]
    moment = second_moment(ds)
    assert np.all(np.diff(moment) > 0) and moment[-1] > 2.5 * moment[0]
    assert float(ds["energy"][0]) > 0
    assert float(ds["mass"][0]) == pytest.approx(0.81 * 11.700896525 / 2, rel=1e-9)
    assert np.max(np.abs(ds["energy_rel_error"].values)) < 1e-9  # measured 3.5e-10


def test_above_the_threshold_the_run_stops_with_collapse_exit_1(tmp_path):
    """s = 1.1 through ``python -m simsuite run``: exit 1, "collapse" and the time in stderr, the
    file keeps every snapshot written before (status "incomplete"), which are resolved."""
    config = townes_toml(tmp_path, 1.1, 4.0)
    out = tmp_path / "collapse.nc"
    done = subprocess.run(
        [sys.executable, "-m", "simsuite", "run", config, "--output", str(out), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "collapse at t = 1.7" in done.stderr and "Traceback" not in done.stderr
    assert "outer band" in done.stderr
    with xr.open_dataset(out) as ds:
        assert ds.attrs["status"] == "incomplete"
        assert "collapse" in ds.attrs["status_reason"]
        np.testing.assert_allclose(ds["t"].values, np.arange(17) * 0.1, atol=1e-12)
        assert float(ds["energy"][0]) < 0
        peak = (ds["psi_real"].values ** 2 + ds["psi_imag"].values ** 2).max(axis=(1, 2))
        assert peak[-1] > 3 * peak[0]
        assert np.all(np.diff(second_moment(ds)) < 0)  # it contracts
        assert np.max(np.abs(ds["mass_rel_error"].values)) < 1e-12
        assert np.max(np.abs(ds["energy_rel_error"].values)) < 1e-5


def test_the_collapse_stop_can_be_turned_off_and_needs_focusing(tmp_path):
    """``equation.collapse_threshold = 0`` never stops (the run goes on, under-resolved); a
    defocusing run is never a collapse. In memory the stop is RunFailed."""
    config = townes_toml(tmp_path, 1.1, 2.0)
    with pytest.raises(RunFailed, match="collapse at t = 1.7"):
        simsuite.run(config, output="")
    ds = simsuite.run(config, output="", overrides={"equation.collapse_threshold": 0.0})
    assert ds.attrs["status"] == "complete" and float(ds["t"][-1]) == pytest.approx(2.0)
    raw = {
        "model": {"name": "nlse"},
        "grid": {"x_min": -4.0, "x_max": 4.0, "n_points": [16, 16]},
        "time": {"t_final": 0.2, "dt": 0.01, "n_snapshots": 3},
        "integrator": {"method": "ssf4"},
        "run": {"threads": 1, "progress": False},
        "equation": {"nonlinearity": -1.0},
        "initial_condition": {"type": "gaussian", "amplitude": 3.0, "width": 0.3},
    }
    assert simsuite.run(build_config(raw), output="").attrs["status"] == "complete"
