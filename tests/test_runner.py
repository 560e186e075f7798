"""The runner and the NetCDF writer: API, file contents, streaming, interruption."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import netCDF4
import numpy as np
import pytest
import xarray as xr

import simsuite
from simsuite.config import load_config
from simsuite.runner import _probe_times, build, output_times, probe_counts

from .conftest import ROOT, SMALL_NLSE, write_config


def test_api_run_returns_dataset_and_writes_file(small_config, workdir):
    cfg = simsuite.load_config(small_config, overrides={"time.n_snapshots": 5})
    ds = simsuite.run(cfg)
    assert isinstance(ds, xr.Dataset) and ds.sizes["t"] == 5
    on_disk = simsuite.open_output(workdir / "out" / "small.nc")
    xr.testing.assert_identical(ds.drop_attrs(), on_disk.load().drop_attrs())
    on_disk.close()
    ds2 = simsuite.run(small_config, output="")  # a path works too; "" keeps it in memory
    assert ds2.sizes["t"] == 11 and ds2.attrs["status"] == "complete"
    np.testing.assert_array_equal(ds2.psi_real.values[:1], ds.psi_real.values[:1])


def test_file_is_self_describing(small_config, workdir):
    ds = simsuite.run(small_config)
    for name in (
        "title",
        "model",
        "label",
        "simsuite_version",
        "created",
        "config_toml",
        "integrator",
        "seed",
        "history",
        "status",
        "Conventions",
    ):
        assert name in ds.attrs, name
    assert ds.attrs["model"] == "nlse" and ds.attrs["integrator"] == "dop853"
    for name in list(ds.data_vars) + list(ds.coords):
        assert ds[name].attrs.get("long_name") and ds[name].attrs.get("units"), name
    assert set(ds.data_vars) >= {
        "psi_real",
        "psi_imag",
        "mass",
        "momentum",
        "energy",
        "mass_rel_error",
        "energy_rel_error",
    }
    # the stored config reproduces the run
    again = load_config(write_config(workdir / "again.toml", ds.attrs["config_toml"]))
    assert again.grid == load_config(small_config).grid
    np.testing.assert_allclose(ds.t.values, np.linspace(0, 1, 11), rtol=0, atol=1e-15)


def test_compression_level_is_applied(small_config, workdir):
    simsuite.run(small_config, overrides=None)
    with netCDF4.Dataset(workdir / "out" / "small.nc") as nc:
        assert nc.variables["psi_real"].filters()["complevel"] == 4
    cfg = load_config(small_config, {"output.compression": 0})
    simsuite.run(cfg, overwrite=True)
    with netCDF4.Dataset(workdir / "out" / "small.nc") as nc:
        assert not nc.variables["psi_real"].filters()["zlib"]


# ~30 s of work (dt = 0.001): long enough that a signal sent 2 s after the file appears lands mid-run
LONG = (
    SMALL_NLSE.replace("t_final = 1.0", "t_final = 400.0")
    .replace("n_snapshots = 11", "n_snapshots = 4001")
    .replace("dt = 0.01", "dt = 0.001")
    .replace('method = "dop853"', 'method = "ssf4"')
)


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_leaves_readable_file_with_every_snapshot(sig, code, workdir):
    path = write_config(workdir / "long.toml", LONG)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "simsuite", "run", str(path), "--quiet"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    out = workdir / "out" / "small.nc"
    deadline = time.monotonic() + 120
    try:
        # the writer creates the file once the model is built; no concurrent reads of a file being
        # written (HDF5 does not promise them), just a fixed delay for some snapshots to land
        while time.monotonic() < deadline and proc.poll() is None and not out.exists():
            time.sleep(0.1)
        time.sleep(2.0)
    finally:
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "interrupted" in err and "Traceback" not in err
    with xr.open_dataset(out) as ds:
        assert ds.attrs["status"] == "incomplete"
        assert "interrupted" in ds.attrs["status_reason"]
        n = ds.sizes["t"]
        assert 2 <= n < 4001
        got = ds.psi_real.values
    # the same model and stepper advanced through the same output times (by way of the probe
    # times in between, as the runner does) give the same snapshots
    cfg = load_config(path)
    model, stepper = build(cfg)
    state, t, expected = model.initial_state(), 0.0, []
    counts = probe_counts(cfg)
    for k, t_out in enumerate(output_times(cfg)[:n]):
        for target in _probe_times(t, float(t_out), counts[k - 1]) if k else [t_out]:
            state, t = stepper.advance(state, t, float(target))
        expected.append(model.observables(state)["psi_real"])
    np.testing.assert_array_equal(got, np.array(expected))
