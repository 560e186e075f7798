"""Bad input exits 2 with one line naming the file (issue 17 items 4-8): output paths that cannot be
written, damaged checkpoints and outputs, unbounded sweeps, foreign files at the analyze target,
``--debug`` on either side of the subcommand, and a hint printed once.

Tests run as root here, so a "read-only folder" is one that root cannot write either: a path under
a regular file, or ``/proc`` (no file can be created there by anyone).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import netCDF4
import numpy as np
import pytest
import xarray as xr

import simsuite
from simsuite.cli import main
from simsuite.config import ConfigError
from simsuite.io.checkpoint import checkpoint_path
from simsuite.sweep.spec import load_sweep

from .conftest import CONFIGS, interrupt_after, write_config

TINY = """
[model]
name = "nlse"
label = "tiny soliton"

[time]
t_final = 1.0
dt = 0.01
n_snapshots = 11

[integrator]
method = "ssf2"

[grid]
x_min = -10.0
x_max = 10.0
n_points = 64

[initial_condition]
type = "single_soliton"
eta = 1.0

[output]
path = "run.nc"
checkpoint_every = 2
"""

UNWRITABLE_FOLDER = Path("/proc")  # no one, root included, can create a file here


def one_line_error(capsys, *names: str) -> str:
    """The captured stderr, checked to be one ``simsuite: error:`` line naming ``names``."""
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("simsuite: error: "), err
    for name in names:
        assert name in err, (name, err)
    return err


@pytest.fixture
def tiny(workdir) -> Path:
    return write_config(workdir / "tiny.toml", TINY)


@pytest.fixture
def tiny_run(tiny, workdir, capsys) -> Path:
    """A complete small NLSE output ``run.nc`` in the working directory."""
    assert main(["run", str(tiny), "--quiet"]) == 0
    capsys.readouterr()
    return workdir / "run.nc"


# -- item 4: output paths ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("output", "fragment"),
    [
        ("afile/x.nc", "afile is a file, not a folder"),  # the parent is a regular file
        ("afile/deeper/x.nc", "afile is a file, not a folder"),
        (str(UNWRITABLE_FOLDER / "x.nc"), "cannot create files in /proc"),  # not writable
        (str(UNWRITABLE_FOLDER / "sub" / "x.nc"), "cannot create files in /proc"),
        ("adir", "is a directory"),
        ("/dev/null", "is not a regular file"),
        ("dangling.nc", "broken symbolic link"),
    ],
)
@pytest.mark.parametrize("overwrite", [False, True])
def test_unwritable_output_path_exits_2_before_running(
    output, fragment, overwrite, tiny, workdir, capsys
):
    (workdir / "afile").write_text("not a folder")
    (workdir / "adir").mkdir()
    (workdir / "dangling.nc").symlink_to(workdir / "missing" / "target.nc")
    args = ["run", str(tiny), "--output", output, "--quiet"] + ["--overwrite"] * overwrite
    assert main(args) == 2
    one_line_error(capsys, str(tiny), "output.path", output, fragment)
    assert sorted(p.name for p in workdir.iterdir()) == [
        "adir",
        "afile",
        "dangling.nc",
        "tiny.toml",
    ]
    assert not any((workdir / "adir").iterdir())


def test_output_path_check_from_python(tiny, workdir):
    (workdir / "adir").mkdir()
    with pytest.raises(ConfigError, match="is a directory"):
        simsuite.run(tiny, output=workdir / "adir", overwrite=True)


def test_new_deep_folders_are_still_created(tiny, workdir, capsys):
    assert main(["run", str(tiny), "--output", "a/b/c/ü.nc", "--quiet"]) == 0
    assert (workdir / "a" / "b" / "c" / "ü.nc").is_file()


# -- item 4: damaged checkpoint ----------------------------------------------------------------
def _incomplete_run(tiny: Path, workdir: Path, monkeypatch) -> Path:
    interrupt_after(monkeypatch, 6)  # checkpoints after snapshots 2 and 4
    with pytest.raises(KeyboardInterrupt):
        simsuite.run(tiny, output=workdir / "inc.nc", progress=False)
    monkeypatch.undo()
    assert checkpoint_path(workdir / "inc.nc").exists()
    return workdir / "inc.nc"


@pytest.mark.parametrize(
    "damage",
    ["truncate", "garbage", "empty", "no_state", "bad_json", "t_later", "n_written_huge"],
)
def test_damaged_checkpoint_exits_2_naming_it(damage, tiny, workdir, monkeypatch, capsys):
    out = _incomplete_run(tiny, workdir, monkeypatch)
    sidecar = checkpoint_path(out)
    data = sidecar.read_bytes()
    if damage == "truncate":
        sidecar.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        sidecar.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 8)
    elif damage == "empty":
        sidecar.write_bytes(b"")
    elif damage == "no_state":
        with netCDF4.Dataset(sidecar, "a") as nc:
            nc.renameVariable("u_real", "other")
    elif damage == "bad_json":
        with netCDF4.Dataset(sidecar, "a") as nc:
            nc.setncattr("integrator", "{not json")
    else:  # readable, but not on the run's output times (a flipped bit in an attribute)
        with netCDF4.Dataset(sidecar, "a") as nc:
            if damage == "t_later":
                nc.setncattr("t", 1e10)
            else:
                nc.setncattr("n_written", 2**40)
    before = out.read_bytes()
    assert main(["run", str(tiny), "--restart", str(out), "--quiet"]) == 2
    one_line_error(capsys, sidecar.name, "not a readable simsuite checkpoint", "--overwrite")
    assert out.read_bytes() == before  # the output is left as it was


def test_intact_checkpoint_still_restarts(tiny, workdir, monkeypatch, capsys):
    out = _incomplete_run(tiny, workdir, monkeypatch)
    assert main(["run", str(tiny), "--restart", str(out), "--quiet"]) == 0
    with xr.open_dataset(out) as ds:
        assert ds.attrs["status"] == "complete" and ds.sizes["t"] == 11


# -- item 4: damaged outputs for analyze and plot ----------------------------------------------
def _damaged(run: Path, how: str) -> Path:
    bad = run.with_name(f"bad_{how}.nc")
    if how == "zero_snapshots":
        with xr.open_dataset(run) as ds:
            ds.load().isel(t=slice(0, 0)).to_netcdf(bad)
        return bad
    shutil.copy(run, bad)
    with netCDF4.Dataset(bad, "a") as nc:
        if how == "config_toml":
            nc.setncattr("config_toml", "[[[ garbage = ")
        elif how == "nan":
            nc["psi_real"][:] = np.nan
            nc["psi_imag"][:] = np.nan
        elif how == "model":
            nc.setncattr("model", "couzin")
    return bad


@pytest.mark.parametrize(
    ("how", "key"),
    [
        ("config_toml", "config_toml"),
        ("zero_snapshots", "t = 0"),
        ("nan", "psi_real"),
        ("model", "model"),
    ],
)
def test_analyze_of_a_damaged_output_exits_2_and_writes_nothing(
    how, key, tiny_run, workdir, capsys
):
    bad = _damaged(tiny_run, how)
    listing = sorted(p.name for p in workdir.iterdir())
    assert main(["analyze", str(bad)]) == 2
    one_line_error(capsys, bad.name, key)
    assert sorted(p.name for p in workdir.iterdir()) == listing  # nothing partial remains


@pytest.mark.parametrize(("how", "key"), [("zero_snapshots", "t = 0"), ("nan", "psi_real")])
def test_plot_of_a_damaged_output_exits_2(how, key, tiny_run, workdir, capsys):
    bad = _damaged(tiny_run, how)
    assert main(["plot", str(bad), "--outdir", "figs"]) == 2
    one_line_error(capsys, bad.name, key)
    assert not any(workdir.glob("figs/*.png"))


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        (str(UNWRITABLE_FOLDER / "y.nc"), "cannot create files in /proc"),
        ("afile/y.nc", "afile is a file, not a folder"),
        ("adir", "is a directory"),
    ],
)
def test_analyze_into_an_unwritable_place_exits_2(target, fragment, tiny_run, workdir, capsys):
    (workdir / "afile").write_text("")
    (workdir / "adir").mkdir()
    assert main(["analyze", str(tiny_run), "--output", target, "--overwrite"]) == 2
    one_line_error(capsys, tiny_run.name, "--output", fragment)


@pytest.mark.parametrize(
    ("outdir", "fragment"),
    [
        (str(UNWRITABLE_FOLDER / "figs"), "cannot create files in /proc"),
        ("afile/figs", "afile is a file, not a folder"),
        ("afile", "afile is a file, not a folder"),
    ],
)
def test_plot_into_an_unwritable_place_exits_2(outdir, fragment, tiny_run, workdir, capsys):
    (workdir / "afile").write_text("")
    assert main(["plot", str(tiny_run), "--outdir", outdir]) == 2
    one_line_error(capsys, tiny_run.name, "--outdir", fragment)


def test_animate_to_a_directory_exits_2(tiny_run, workdir, capsys):
    (workdir / "adir").mkdir()
    assert main(["animate", str(tiny_run), "--output", "adir", "--format", "gif"]) == 2
    one_line_error(capsys, tiny_run.name, "--output", "is a directory")


# -- item 7: --debug on either side of the subcommand ------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        ["--debug", "analyze", "nowhere.nc"],
        ["analyze", "nowhere.nc", "--debug"],
        ["--debug", "run", "nowhere.toml"],
        ["run", "--debug", "nowhere.toml"],
    ],
)
def test_debug_before_or_after_the_subcommand_shows_the_traceback(argv, workdir, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and err.rstrip().splitlines()[-1].startswith("simsuite: error:")


def test_without_debug_no_traceback(workdir, capsys):
    assert main(["analyze", "nowhere.nc"]) == 2
    one_line_error(capsys, "nowhere.nc")


# -- item 8: the hint once ---------------------------------------------------------------------
def test_run_failure_prints_the_hint_once(tiny, workdir, capsys):
    # etd_abm4 starts with Dormand-Prince steps, whose error message carries the hint itself
    code = main(
        [
            "run",
            str(tiny),
            "--set",
            "integrator.method=etd_abm4",
            "--set",
            "integrator.max_steps=1",
            "--quiet",
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert err.count("hint:") == 1, err


# -- items 4 and 5: unbounded sweeps are counted before anything is expanded -------------------
SWEEP_BASE = (CONFIGS / "couzin_swarm.toml").name


@pytest.mark.parametrize(
    ("body", "key", "count"),
    [
        ("replicates = 1000000000\n", "replicates", "1000000000 runs"),
        (
            '[sweep]\n"zones.delta_r_orientation" = {start = 0, stop = 1, num = 3000000}\n',
            "sweep.zones.delta_r_orientation",
            "3000000 runs",
        ),
        (
            '[sweep]\n"zones.delta_r_orientation" = {start = 0, stop = 1, num = 1000000000000}\n',
            "sweep.zones.delta_r_orientation",
            "1000000000000 runs",
        ),
        (
            '[sweep]\n"zones.delta_r_orientation" = {start = 0.0, stop = 1e300, step = 1e-300}\n',
            "sweep.zones.delta_r_orientation",
            "1.00e+600 runs",
        ),
        (
            'replicates = 1000\n[sweep]\n"zones.delta_r_orientation" = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n'
            '"zones.delta_r_attraction" = {start = 1, stop = 20, num = 20}\n',
            "replicates",
            "200000 runs",
        ),
    ],
)
def test_huge_sweep_is_refused_at_once(body, key, count, workdir, capsys):
    path = write_config(workdir / "huge.toml", f'base = "{CONFIGS / SWEEP_BASE}"\n{body}')
    started = time.perf_counter()
    assert main(["sweep", str(path), "--outdir", "out"]) == 2
    assert time.perf_counter() - started < 1.0
    one_line_error(capsys, "huge.toml", key, count, "max_runs = 100000", "--max-runs")
    assert not (workdir / "out").exists()


def test_max_runs_option_and_argument(workdir, capsys):
    body = 'replicates = 2\n[sweep]\n"zones.delta_r_orientation" = [0.0, 1.0, 2.0]\n'
    path = write_config(workdir / "six.toml", f'base = "{CONFIGS / SWEEP_BASE}"\n{body}')
    assert main(["sweep", str(path), "--outdir", "out", "--max-runs", "5"]) == 2
    one_line_error(capsys, "six.toml", "6 runs", "max_runs = 5")
    assert main(["sweep", str(path), "--outdir", "out", "--max-runs", "0"]) == 2
    one_line_error(capsys, "--max-runs", ">= 1")
    with pytest.raises(ConfigError, match="6 runs"):
        simsuite.sweep(path, outdir="out", max_runs=5)
    assert len(load_sweep(path, max_runs=6).runs) == 6


def test_a_long_list_is_checked_in_linear_time(workdir):
    values = ", ".join(f"{i / 1000:.3f}" for i in range(50_000))
    body = f'[sweep]\n"zones.delta_r_orientation" = [{values}, 0.0]\n'
    path = write_config(workdir / "long.toml", f'base = "{CONFIGS / SWEEP_BASE}"\n{body}')
    started = time.perf_counter()
    with pytest.raises(ConfigError, match="twice"):
        load_sweep(path)
    assert time.perf_counter() - started < 2.0


def test_sweep_into_an_unwritable_outdir_exits_2(workdir, capsys):
    (workdir / "afile").write_text("")
    body = '[sweep]\n"zones.delta_r_orientation" = [0.0, 1.0]\n'
    path = write_config(workdir / "two.toml", f'base = "{CONFIGS / SWEEP_BASE}"\n{body}')
    assert main(["sweep", str(path), "--outdir", "afile/out"]) == 2
    one_line_error(capsys, "two.toml", "afile is a file, not a folder")


# -- item 6: --overwrite replaces only an earlier analysis -------------------------------------
@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"my notes, not NetCDF", "not a readable NetCDF file"),
        ("netcdf", "not a simsuite analysis output"),
        ("run", "a simsuite nlse run output, not an analysis"),
    ],
)
def test_analyze_overwrite_refuses_a_file_that_is_not_an_analysis(
    content, fragment, tiny_run, workdir, capsys
):
    target = workdir / "run_analyzed.nc"
    if content == "netcdf":
        xr.Dataset({"a": ("x", np.arange(3.0))}, attrs={"title": "someone else's"}).to_netcdf(
            target
        )
    elif content == "run":
        shutil.copy(tiny_run, target)
    else:
        target.write_bytes(content)
    before = target.read_bytes()
    assert main(["analyze", str(tiny_run), "--overwrite", "--quiet"]) == 2
    one_line_error(capsys, "run_analyzed.nc", "--output", fragment, "--overwrite")
    assert target.read_bytes() == before


def test_analyze_overwrite_refuses_to_replace_its_own_input(tiny_run, capsys):
    before = tiny_run.read_bytes()
    assert main(["analyze", str(tiny_run), "--output", str(tiny_run), "--overwrite"]) == 2
    one_line_error(capsys, "run output, not an analysis")
    assert tiny_run.read_bytes() == before


def test_analyze_overwrite_replaces_an_earlier_analysis(tiny_run, workdir, capsys):
    assert main(["analyze", str(tiny_run), "--quiet"]) == 0
    assert main(["analyze", str(tiny_run), "--quiet"]) == 2  # exists, no --overwrite
    one_line_error(capsys, "already exists")
    args = ["analyze", str(tiny_run), "--quiet", "--overwrite"]
    assert main([*args, "--set", "diagnostics.renyi_orders=3"]) == 0
    with xr.open_dataset(workdir / "run_analyzed.nc") as ds:
        assert list(ds["alpha"].values) == [3.0]


def test_refusals_name_the_target_even_when_its_path_is_long(tiny_run, workdir, capsys):
    """The value shown in a message is cut at 80 characters: the target's name is said again."""
    deep = workdir / ("long_folder_name_" * 4) / "x"
    deep.mkdir(parents=True)
    target = deep / "run_analyzed.nc"
    target.write_text("not an analysis")
    assert len(str(target)) > 90
    assert main(["analyze", str(tiny_run), "--output", str(target)]) == 2
    one_line_error(capsys, "run_analyzed.nc already exists")
    assert main(["analyze", str(tiny_run), "--output", str(target), "--overwrite"]) == 2
    one_line_error(capsys, "run_analyzed.nc exists and is not a readable NetCDF file")
