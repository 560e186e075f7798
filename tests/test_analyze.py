"""`simsuite analyze` and `[diagnostics]`: the expected variables for each model, bad files exit 2."""

from __future__ import annotations

import numpy as np
import pytest
import tomli_w

from simsuite import open_output
from simsuite.analyze import file_sha256
from simsuite.cli import main

SMALL = {
    "nlse": {
        "model": {"name": "nlse"},
        "time": {"t_final": 1.0, "dt": 0.01, "n_snapshots": 11},
        "grid": {"n_points": 128},
    },
    "klein_gordon": {
        "model": {"name": "klein_gordon"},
        "time": {"t_final": 2.0, "dt": 0.02, "n_snapshots": 11},
        "grid": {"n_points": 128, "boundary": "antiperiodic"},
        "initial_condition": {"type": "kink", "velocity": 0.3},
    },
    "couzin": {
        "model": {"name": "couzin"},
        "time": {"t_final": 1.0, "dt": 0.1, "n_snapshots": 11},
        "agents": {"n": 40},
    },
}
FIELD_VARIABLES = (
    "shannon_entropy",
    "renyi_entropy",
    "tsallis_entropy",
    "spectral_entropy",
    "permutation_entropy",
    "probe_permutation_entropy",
    "probe_statistical_complexity",
)
SCHOOLING_VARIABLES = (
    "entropy_cohesion",
    "entropy_polarization",
    "entropy_depth",
    "entropy_angular_momentum",
    "entropy_nearest_neighbour",
    "entropy_velocity_correlation",
    "entropy_shape",
    "oceanic_schooling_index",
    "order_index",
)


def make_output(workdir, model: str, **extra) -> str:
    raw = {**SMALL[model], "output": {"path": f"{model}.nc"}, **extra}
    (workdir / f"{model}.toml").write_text(tomli_w.dumps(raw))
    assert main(["run", str(workdir / f"{model}.toml"), "--quiet", "--overwrite"]) == 0
    return str(workdir / f"{model}.nc")


@pytest.mark.parametrize("model", sorted(SMALL))
def test_analyze_adds_the_model_diagnostics(workdir, capsys, model):
    path = make_output(workdir, model)
    assert main(["analyze", path]) == 0
    out = capsys.readouterr().out
    assert "initial" in out and "mean 2nd half" in out
    ds = open_output(path.replace(".nc", "_analyzed.nc"))
    expected = SCHOOLING_VARIABLES if model == "couzin" else FIELD_VARIABLES
    for name in expected:
        assert name in ds, name
        assert ds[name].attrs["long_name"]
    if model == "couzin":
        assert ds.oceanic_schooling_index.dims == ("t",)
        assert np.all((ds.entropy_polarization >= 0) & (ds.entropy_polarization <= 1))
    else:
        assert ds.renyi_entropy.dims == ("t", "alpha")
        assert list(ds.alpha.values) == [0.5, 2.0, np.inf]
        assert list(ds.q.values) == [0.5, 2.0]
        assert np.all(np.isfinite(ds.shannon_entropy))
    if model == "klein_gordon":
        assert "energy_entropy" in ds
    # the new file holds the diagnostics only and names the file they belong to, with its hash
    assert not any(name in ds for name in ("psi_real", "phi", "position"))
    assert ds.attrs["run_file"] == f"{model}.nc"  # relative to the analyzed file's folder
    assert ds.attrs["run_sha256"] == file_sha256(path)
    assert f"wrote {model}_analyzed.nc" in out  # the path it wrote, relative to the cwd


def test_soliton_field_entropy_is_the_exact_differential_entropy(workdir):
    """|ψ|² of the soliton η sech(η(x − x0 − vt)) has h = 2 − ln(2η) at every time."""
    path = make_output(workdir, "nlse", grid={"n_points": 512})
    ds = open_output(path)
    from simsuite.analyze import diagnostics_for

    new = diagnostics_for(ds)
    assert np.allclose(new["shannon_entropy"], 2 - np.log(4.0), atol=1e-8)


def test_inplace_and_options(workdir):
    path = make_output(workdir, "klein_gordon")
    assert main(["analyze", path, "--inplace", "--set", "diagnostics.renyi_orders=1, 3"]) == 0
    ds = open_output(path)
    assert "phi" in ds and "shannon_entropy" in ds  # appended to the run's own file
    assert list(ds.alpha.values) == [1.0, 3.0]
    np.testing.assert_allclose(ds.renyi_entropy.sel(alpha=1.0), ds.shannon_entropy, rtol=1e-12)
    assert ds.attrs["status"] == "complete"
    ds.close()
    # a second analysis with other orders replaces the first (the file is rewritten atomically)
    assert main(["analyze", path, "--inplace", "--set", "diagnostics.renyi_orders=2"]) == 0
    ds = open_output(path)
    assert list(ds.alpha.values) == [2.0] and "phi" in ds


def test_diagnostics_during_the_run(workdir):
    path = make_output(workdir, "couzin", diagnostics={"enabled": True})
    ds = open_output(path)
    assert "oceanic_schooling_index" in ds and ds.attrs["status"] == "complete"


def test_dewi_kadita_definition_is_selectable(workdir, capsys):
    option = "diagnostics.schooling_definition=dewi-kadita"
    path = make_output(workdir, "couzin")
    # open space: that package's definition has no meaning there; a clear error, not a crash
    assert main(["analyze", path, "--set", option]) == 2
    err = capsys.readouterr().err
    assert "diagnostics.schooling_definition" in err
    assert "periodic" in err and "couzin_dk_" in err  # says which runs it works on
    assert "Traceback" not in err
    periodic = make_output(workdir, "couzin", domain={"kind": "periodic", "box_size": 40.0})
    assert main(["analyze", periodic, "--set", option, "--output", "dk.nc"]) == 0
    ds = open_output(workdir / "dk.nc")
    assert "dewi-kadita" in ds.oceanic_schooling_index.attrs["long_name"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a netcdf file", "not a readable NetCDF"),
        (None, "no such file"),
    ],
)
def test_bad_files_exit_2(workdir, capsys, content, message):
    path = workdir / "bad.nc"
    if content is not None:
        path.write_bytes(content)
    assert main(["analyze", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_wrong_model_and_missing_variables_exit_2(workdir, capsys):
    import xarray as xr

    xr.Dataset({"a": ("t", [1.0])}, attrs={"model": "lorenz"}).to_netcdf(workdir / "other.nc")
    assert main(["analyze", str(workdir / "other.nc")]) == 2
    assert "model" in capsys.readouterr().err
    path = make_output(workdir, "klein_gordon")
    ds = open_output(path).drop_vars("phi_t")
    ds.to_netcdf(workdir / "cut.nc")
    assert main(["analyze", str(workdir / "cut.nc")]) == 2
    assert "phi_t" in capsys.readouterr().err


def test_a_second_analysis_needs_overwrite(workdir, capsys):
    """Like ``simsuite run``, ``analyze`` never silently replaces an existing file."""
    path = make_output(workdir, "nlse")
    assert main(["analyze", path, "--quiet"]) == 0
    target = workdir / "nlse_analyzed.nc"
    before = target.read_bytes()
    capsys.readouterr()
    assert main(["analyze", path, "--quiet", "--set", "diagnostics.renyi_orders=3"]) == 2
    err = capsys.readouterr().err
    assert "nlse_analyzed.nc" in err and "--overwrite" in err
    assert target.read_bytes() == before  # untouched
    assert (
        main(["analyze", path, "--quiet", "--overwrite", "--set", "diagnostics.renyi_orders=3"])
        == 0
    )
    assert capsys.readouterr().out.strip() == "wrote nlse_analyzed.nc"
    assert list(open_output(target).alpha.values) == [3.0]


def test_plot_of_an_analyzed_file_finds_its_run(workdir, capsys):
    """``simsuite plot RUN_analyzed.nc`` joins the run's fields and the diagnostics: the standard
    figures and the entropy figure, even after the pair has moved to another folder."""
    path = make_output(workdir, "klein_gordon")
    assert main(["analyze", path, "--quiet"]) == 0
    moved = workdir / "moved"
    moved.mkdir()
    for name in ("klein_gordon.nc", "klein_gordon_analyzed.nc"):
        (workdir / name).rename(moved / name)
    capsys.readouterr()
    assert main(["plot", str(moved / "klein_gordon_analyzed.nc")]) == 0
    written = capsys.readouterr().out.split()
    for figure in ("spacetime", "phase_portrait", "entropy"):
        assert f"moved/klein_gordon_analyzed_{figure}.png" in written


def test_plot_of_an_analyzed_file_refuses_a_changed_or_missing_run(workdir, capsys):
    path = make_output(workdir, "nlse")
    assert main(["analyze", path, "--quiet"]) == 0
    analyzed = str(workdir / "nlse_analyzed.nc")
    # the run is replaced by another run at the same path: its diagnostics no longer belong to it
    assert (
        main(
            [
                "run",
                str(workdir / "nlse.toml"),
                "--quiet",
                "--overwrite",
                "--set",
                "time.t_final=0.5",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["plot", analyzed]) == 2
    err = capsys.readouterr().err
    assert "has changed since it was analyzed" in err and "Traceback" not in err
    (workdir / "nlse.nc").unlink()
    assert main(["plot", analyzed]) == 2
    assert "is missing" in capsys.readouterr().err


def test_analyzed_files_get_the_usual_permissions(workdir):
    """A new analyzed file is readable by others as any output is (umask), not owner-only as a
    :func:`tempfile.mkstemp` file; an in-place analysis keeps the run file's own mode."""
    import os
    import stat

    path = make_output(workdir, "nlse")
    previous = os.umask(0o022)
    try:
        assert main(["analyze", path, "--quiet"]) == 0
        mode = stat.S_IMODE(os.stat(workdir / "nlse_analyzed.nc").st_mode)
        assert mode == 0o644
        os.chmod(path, 0o640)
        assert main(["analyze", path, "--inplace", "--quiet"]) == 0
        assert (
            main(["analyze", path, "--inplace", "--quiet", "--set", "diagnostics.renyi_orders=3"])
            == 0
        )
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    finally:
        os.umask(previous)
