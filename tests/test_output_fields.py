"""``output.fields`` (issue 22): a 3D run writes full fields, mid-plane slices, density projections
or only its scalars; slices are the full fields' mid-planes bit for bit, projections the density
summed along an axis times the cell width, restarts continue a sliced run bitwise, and the output
size check counts what is written."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import simsuite
from simsuite.config import ConfigError, build_config
from simsuite.io.checkpoint import checkpoint_path
from simsuite.run_setup import (
    build,
    check_output_size,
    estimated_bytes,
    memory_line,
    output_times,
    planned_output_bytes,
)

from .conftest import interrupt_after

N = (32, 32, 32)  # (x, y, z); arrays are (z, y, x)


def config(fields, n=N, **output) -> dict:
    return {
        "model": {"name": "nlse"},
        "grid": {"x_min": [-6.0, -5.0, -4.0], "x_max": [6.0, 5.0, 4.0], "n_points": list(n)},
        "time": {"t_final": 0.2, "dt": 0.01, "n_snapshots": 3},
        "integrator": {"method": "ssf4"},
        "run": {"threads": 1, "progress": False},
        "output": {"fields": fields, **output},
        "initial_condition": {
            "type": "gaussian",
            "amplitude": 1.2,
            "width": 1.1,
            "x0": [0.3, -0.4, 0.2],
            "velocity": [1.0, 0.5, -0.7],
        },
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The same run written in full and as slices and projections."""
    folder = tmp_path_factory.mktemp("fields")
    full = simsuite.run(build_config(config("full")), output=folder / "full.nc")
    part = simsuite.run(build_config(config(["slices", "projections"])), output=folder / "part.nc")
    sizes = {name: (folder / f"{name}.nc").stat().st_size for name in ("full", "part")}
    return full, part, sizes


def test_slices_are_the_mid_planes_bitwise(runs):
    full, part, _ = runs
    assert "psi_real" not in part and "psi_imag" not in part
    for name in ("psi_real", "psi_imag"):
        field = full[name].values
        nz, ny, nx = field.shape[1:]
        expected = {
            "xy": (field[:, nz // 2, :, :], ("t", "y", "x"), "z"),
            "xz": (field[:, :, ny // 2, :], ("t", "z", "x"), "y"),
            "yz": (field[:, :, :, nx // 2], ("t", "z", "y"), "x"),
        }
        for plane, (values, dims, axis) in expected.items():
            var = part[f"{name}_{plane}"]
            assert var.dims == dims
            np.testing.assert_array_equal(var.values, values)
            assert var.attrs["slice_axis"] == axis
            coord = full[axis].values
            assert var.attrs["slice_value"] == coord[coord.size // 2]


def test_projections_are_the_density_integrated_along_each_axis(runs):
    full, part, _ = runs
    density = full["psi_real"].values ** 2 + full["psi_imag"].values ** 2
    spacing = {axis: float(full.attrs[f"d{axis}"]) for axis in "xyz"}
    worst = 0.0
    for k, (plane, axis) in enumerate((("xy", "z"), ("xz", "y"), ("yz", "x"))):
        var = part[f"density_proj_{plane}"]
        assert var.attrs["projection_axis"] == axis
        assert var.attrs["long_name"].startswith("density |psi|^2")
        expected = density.sum(axis=k + 1) * spacing[axis]
        error = np.max(np.abs(var.values - expected)) / np.max(expected)
        worst = max(worst, error)
        # integrating the projection over the plane gives the mass
        cell = np.prod([spacing[a] for a in "xyz" if a != axis])
        mass = var.values.sum(axis=(1, 2)) * cell
        np.testing.assert_allclose(mass, full["mass"].values, rtol=1e-13)
    assert worst < 1e-14  # measured 0: the same sums of the same numbers


def test_scalars_are_the_same_and_the_file_is_much_smaller(runs):
    full, part, sizes = runs
    for name in full.data_vars:
        if full[name].dims == ("t",) and "wall" not in name:
            np.testing.assert_array_equal(part[name].values, full[name].values, name)
    ratio = sizes["full"] / sizes["part"]
    assert ratio > 3  # measured 4.9 at 32^3 (the full fields grow as n^3, the planes as n^2)


def test_none_writes_only_the_scalars(tmp_path):
    ds = simsuite.run(build_config(config("none")), output=tmp_path / "none.nc")
    assert all(ds[name].dims == ("t",) for name in ds.data_vars)
    assert "mass_rel_error" in ds and "energy" in ds


def test_max_bytes_counts_what_is_written():
    full = build_config(config("full", n=(128, 128, 128)))
    model, _ = build(full)
    n = len(output_times(full))
    whole = estimated_bytes(model, n)
    sliced = estimated_bytes(model, n, ("slices",))
    planes = 2 * 3 * 128 * 128 * 8 * n
    assert whole > 2 * 128**3 * 8 * n and planes <= sliced < planes + 4096
    limit = {"max_bytes": 2 * sliced}
    check_output_size(build_config(config(["slices"], n=(128, 128, 128), **limit)), model)
    with pytest.raises(ConfigError, match="output.max_bytes"):
        check_output_size(build_config(config("full", n=(128, 128, 128), **limit)), model)


@pytest.mark.parametrize(
    ("fields", "n", "words"),
    [
        (["slices"], (64,), "1D"),
        (["projections"], (16, 16), "2D"),
        (["none", "full"], N, "cannot be combined"),
        (["full", "full"], N, "no repeats"),
        ([], N, "non-empty"),
        (["slice"], N, "one of"),
    ],
)
def test_bad_fields_are_refused(fields, n, words):
    raw = config(fields, n=n)
    if len(n) == 1:
        raw["grid"] = {"x_min": -8.0, "x_max": 8.0, "n_points": n[0]}
        raw["initial_condition"] = {"type": "gaussian"}
    if len(n) == 2:
        raw["grid"] = {"x_min": -8.0, "x_max": 8.0, "n_points": list(n)}
        raw["initial_condition"] = {"type": "gaussian"}
    with pytest.raises(ConfigError) as info:
        build_config(raw)
    assert info.value.key == "output.fields" and words in str(info.value)


def test_diagnostics_need_the_full_fields():
    raw = config(["slices"]) | {"diagnostics": {"enabled": True}}
    with pytest.raises(ConfigError, match="must include 'full'"):
        build_config(raw)


def test_couzin_refuses_slices_with_exit_2(tmp_path):
    path = tmp_path / "school.toml"
    path.write_text('[model]\nname = "couzin"\n[output]\nfields = "slices"\n')
    done = subprocess.run(
        [sys.executable, "-m", "simsuite", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "output.fields" in done.stderr and "Traceback" not in done.stderr


def test_sliced_3d_restart_equals_the_uninterrupted_run_bitwise(tmp_path, monkeypatch):
    raw = config(["slices", "projections"], n=(16, 16, 16), checkpoint_every=2)
    raw["time"] = {"t_final": 0.3, "dt": 0.01, "n_snapshots": 7}
    cfg = build_config(raw)
    whole = simsuite.run(cfg, output=tmp_path / "whole.nc")
    path = tmp_path / "broken.nc"
    with monkeypatch.context() as patch:
        interrupt_after(patch, 4)
        with pytest.raises(KeyboardInterrupt):
            simsuite.run(cfg, output=path)
    assert checkpoint_path(path).exists()
    restarted = simsuite.run(cfg, restart=path)
    assert restarted.attrs["status"] == "complete"
    assert "psi_real_xz" in restarted and "psi_real" not in restarted
    for name in whole.data_vars:
        if "wall" not in name:
            np.testing.assert_array_equal(restarted[name].values, whole[name].values, name)


@pytest.mark.parametrize("fields", ["full", ["slices"], ["slices", "projections"], "none"])
def test_output_size_from_the_config_is_the_written_size(fields):
    """The size ``simsuite run`` prints before building the model is the one output.max_bytes
    checks on the built model (to the few scalars the model's snapshot_bytes rounds)."""
    cfg = build_config(config(fields))
    model, _ = build(cfg)
    exact = estimated_bytes(model, len(output_times(cfg)), cfg.output.field_outputs())
    assert planned_output_bytes(cfg) == pytest.approx(exact, rel=0.02, abs=1000)


def test_run_prints_the_memory_estimate_before_it_starts(tmp_path):
    path = tmp_path / "small3d.toml"
    path.write_text(
        '[model]\nname = "nlse"\n'
        "[grid]\nx_min = -4.0\nx_max = 4.0\nn_points = [16, 16, 16]\n"
        "[time]\nt_final = 0.02\ndt = 0.01\nn_snapshots = 2\n"
        '[integrator]\nmethod = "ssf4"\n[run]\nthreads = 1\n[output]\nfields = ["slices"]\n'
        '[initial_condition]\ntype = "gaussian"\n'
    )
    command = [sys.executable, "-m", "simsuite", "run", str(path), "--output"]
    done = subprocess.run(
        [*command, str(tmp_path / "a.nc")], capture_output=True, text=True, check=True
    )
    line = done.stderr.strip().splitlines()[0]
    assert "estimated memory:" in line and "work arrays" in line
    assert "on disk before compression (2 snapshots)" in line
    quiet = subprocess.run(
        [*command, str(tmp_path / "b.nc"), "--quiet"], capture_output=True, text=True, check=True
    )
    assert "estimated memory" not in quiet.stderr


def test_memory_line_is_none_when_the_run_does_not_fit():
    """Then the runner refuses it, quoting the estimate (tests/test_memory.py)."""
    assert memory_line(build_config(config("full") | {"run": {"max_memory": 1000.0}})) is None
    assert memory_line(build_config(config("full"))).startswith("estimated memory: ")
