"""Sweeps on Dask: expansion (grid, zip, ranges, replicates, seeds, hashes), a small sweep on a local
cluster against the same runs done serially, resume after a failure, carried state, bad sweep files."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import netCDF4
import numpy as np
import pytest
import xarray as xr

import simsuite
from simsuite.cli import canonical_configs, main
from simsuite.config import ConfigError
from simsuite.sweep import REDUCTIONS, config_hash, load_sweep

from .conftest import write_config

BASE = """
[model]
name = "couzin"
label = "tiny school"

[time]
t_final = 2.0
dt = 0.1
n_snapshots = 11

[integrator]
method = "map"

[agents]
n = 20

[zones]
delta_r_orientation = 1.0
delta_r_attraction = 6.0

[initial_condition]
type = "random_ball"
radius = 3.0

[run]
seed = 42
"""


@pytest.fixture(scope="module")
def client():
    """One local cluster of 2 single-threaded worker processes for the whole module."""
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    dc = distributed.Client(cluster)
    yield dc
    dc.close()
    cluster.close()


@pytest.fixture
def base(tmp_path) -> Path:
    return write_config(tmp_path / "base.toml", BASE)


def spec(base: Path, **extra) -> dict:
    """A sweep mapping on the tiny base config."""
    return {"base": str(base), "collect": {"polarization": "mean_last_half"}, **extra}


def manifest(outdir: Path) -> list[dict]:
    with open(outdir / "manifest.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------------------------------
# Expansion
# --------------------------------------------------------------------------------------------------
def test_grid_expansion_runs_and_seeds(base, tmp_path):
    sw = load_sweep(
        spec(
            base,
            replicates=2,
            sweep={"zones.delta_r_orientation": [0, 1, 2], "zones.delta_r_attraction": [4, 8]},
        ),
        tmp_path / "out",
    )
    assert len(sw.runs) == 12
    assert sw.dims == ("delta_r_orientation", "delta_r_attraction", "replicate")
    seeds = [
        int(c.generate_state(1, dtype=np.uint32)[0]) for c in np.random.SeedSequence(42).spawn(2)
    ]
    assert sw.seeds == seeds
    expected = [(o, a, r) for o in (0, 1, 2) for a in (4, 8) for r in (0, 1)]
    got = [
        (s.params["zones.delta_r_orientation"], s.params["zones.delta_r_attraction"], s.replicate)
        for s in sw.runs
    ]
    assert got == expected
    for s in sw.runs:
        assert s.config.zones.delta_r_orientation == s.params["zones.delta_r_orientation"]
        assert s.config.zones.delta_r_attraction == s.params["zones.delta_r_attraction"]
        assert s.config.run.seed == s.seed == seeds[s.replicate]
        assert s.config.run.threads == 1 and s.config.run.progress is False
        o, a = s.params["zones.delta_r_orientation"], s.params["zones.delta_r_attraction"]
        assert s.index == ((0, 1, 2).index(o), (4, 8).index(a), s.replicate)
    assert len({s.hash for s in sw.runs}) == 12
    # the child of index r does not depend on n: more replicates keep the earlier ones (and files)
    more = load_sweep(spec(base, replicates=3, sweep={"zones.delta_r_orientation": [0]}))
    assert more.seeds[:2] == seeds


def test_same_sweep_file_same_hashes(base, tmp_path):
    text = f'base = "{base.name}"\nreplicates = 2\n[sweep]\nzones.delta_r_orientation = [0, 1]\n'
    path = write_config(tmp_path / "s.toml", text)
    first = [s.hash for s in load_sweep(path, tmp_path / "a").runs]
    again = [s.hash for s in load_sweep(path, tmp_path / "b").runs]  # other outdir, same names
    from_dict = load_sweep(spec(base, replicates=2, sweep={"zones.delta_r_orientation": [0, 1]}))
    assert first == again == [s.hash for s in from_dict.runs]
    assert all(len(h) == 16 and int(h, 16) >= 0 for h in first)


def test_one_replicate_keeps_the_base_seed_and_seed_key_overrides(base):
    sw = load_sweep(spec(base, sweep={"zones.delta_r_orientation": [0, 1]}))
    assert [s.seed for s in sw.runs] == [42, 42]
    assert sw.seeds == [42]
    sw = load_sweep(spec(base, seed=7, replicates=2))
    seeds = [int(c.generate_state(1, np.uint32)[0]) for c in np.random.SeedSequence(7).spawn(2)]
    assert [s.seed for s in sw.runs] == seeds and sw.dims == ("replicate",)


def test_zip_and_ranges(base):
    sw = load_sweep(
        spec(
            base,
            sweep={
                "mode": "zip",
                "zones": {
                    "delta_r_orientation": {"start": 0, "stop": 2, "num": 3},
                    "delta_r_attraction": {"start": 4.0, "stop": 4.6, "step": 0.3},
                },
            },
        )
    )
    assert sw.dims == ("point", "replicate")
    assert sw.values["zones.delta_r_orientation"] == [0, 1, 2]
    assert sw.values["zones.delta_r_attraction"] == [4.0, 4.3, 4.6]
    pairs = [tuple(s.params.values()) for s in sw.runs]
    assert pairs == [(0, 4.0), (1, 4.3), (2, 4.6)]


def test_hash_ignores_output_threads_progress_not_physics(base):
    cfg = simsuite.load_config(base)
    same = simsuite.load_config(
        base,
        {"output.path": "x.nc", "output.compression": 0, "run.threads": 2, "run.progress": False},
    )
    other = simsuite.load_config(base, {"behaviour.noise_sd": 0.06})
    assert config_hash(cfg) == config_hash(same) != config_hash(other)
    assert config_hash(cfg, previous="abc") != config_hash(cfg)


def test_reductions():
    x = np.array([1.0, 3.0, 2.0, 6.0, 4.0])
    assert REDUCTIONS["final"](x) == 4.0
    assert REDUCTIONS["mean"](x) == 3.2
    assert REDUCTIONS["mean_last_half"](x) == 4.0  # indices >= 5 // 2
    assert REDUCTIONS["max"](x) == 6.0 and REDUCTIONS["min"](x) == 1.0
    assert REDUCTIONS["max_abs"](-x) == 6.0
    assert REDUCTIONS["std_last_half"](x) == pytest.approx(np.std([2.0, 6.0, 4.0]))


def test_carried_expansion_both_branches(base, tmp_path):
    sw = load_sweep(
        spec(base, carry_state="both", sweep={"zones.delta_r_orientation": [2, 0, 1]}),
        tmp_path / "out",
    )
    assert sw.dims == ("branch", "delta_r_orientation", "replicate")
    order = [(s.branch, s.params["zones.delta_r_orientation"]) for s in sw.runs]
    assert order == [
        ("ascending", 0),
        ("ascending", 1),
        ("ascending", 2),
        ("descending", 2),
        ("descending", 1),
        ("descending", 0),
    ]
    assert sw.runs[0].previous is None
    for prev, run in zip(sw.runs, sw.runs[1:], strict=False):
        assert run.previous == prev.hash
        ic = run.config.initial_condition
        assert ic.type_name == "from_file" and ic.path == str(tmp_path / "out" / prev.output)
    # the coordinate keeps the order of the file, the index points into it
    assert sw.runs[0].index == (0, 1, 0)


def test_diagnostics_variables_need_diagnostics_enabled(base):
    with pytest.raises(ConfigError, match="diagnostics.enabled"):
        load_sweep(
            spec(base, collect={"osi": {"variable": "oceanic_schooling_index", "reduce": "mean"}})
        )
    sw = load_sweep(
        spec(
            base,
            set={"diagnostics.enabled": True},
            collect={"osi": {"variable": "oceanic_schooling_index", "reduce": "mean"}},
        )
    )
    assert sw.runs[0].config.diagnostics.enabled


def test_sweeps_are_not_canonical_configs():
    assert all(p.parent.name == "configs" for p in canonical_configs())
    for path in sorted((Path(simsuite.__file__).parent / "configs" / "sweeps").glob("*.toml")):
        sw = load_sweep(path)
        assert sw.runs and sw.collect


def test_sweep_name_is_the_function():
    import simsuite.sweep.execute  # noqa: F401 - importing the subpackage must not shadow it

    assert callable(simsuite.sweep)


# --------------------------------------------------------------------------------------------------
# Running on a local cluster
# --------------------------------------------------------------------------------------------------
def test_small_sweep_matches_serial_runs(base, tmp_path, client):
    sweep = spec(
        base,
        replicates=2,
        sweep={"zones.delta_r_orientation": [0.0, 1.0, 2.0]},
        collect={
            "polarization": "mean_last_half",
            "rotation": "final",
            "spread": {"variable": "group_spread", "reduce": "max"},
        },
    )
    outdir = tmp_path / "out"
    ds = simsuite.sweep(sweep, client, outdir=outdir, progress=False)
    assert dict(ds.sizes) == {"delta_r_orientation": 3, "replicate": 2}
    assert list(ds["polarization"].dims) == ["delta_r_orientation", "replicate"]
    on_disk = xr.load_dataset(outdir / "summary.nc")
    xr.testing.assert_identical(
        on_disk[["polarization", "rotation"]], ds[["polarization", "rotation"]]
    )
    sw = load_sweep(sweep, outdir)
    for run in sw.runs:
        serial = simsuite.run(run.config, output="", progress=False)
        p, m, g = (serial[v].values for v in ("polarization", "rotation", "group_spread"))
        here = ds.isel(delta_r_orientation=run.index[0], replicate=run.index[1])
        assert float(here["polarization"]) == np.mean(p[len(p) // 2 :])
        assert float(here["rotation"]) == m[-1]
        assert float(here["spread"]) == np.max(g)
        assert str(here["status"].values) == "complete"
        assert (outdir / "runs" / f"{run.hash}.nc").is_file()
    rows = manifest(outdir)
    assert [r["hash"] for r in rows] == [r.hash for r in sw.runs]
    assert {r["status"] for r in rows} == {"complete"}
    assert set(rows[0]) >= {"hash", "zones.delta_r_orientation", "replicate", "seed", "cpu_time_s"}
    assert all(float(r["cpu_time_s"]) > 0 for r in rows)


def test_failed_run_recorded_then_resume(base, tmp_path, client):
    sweep_file = write_config(
        tmp_path / "s.toml",
        f'base = "{base.name}"\n[sweep]\n"zones.delta_r_orientation" = [0.0, 1.0, 2.0]\n'
        '[collect]\npolarization = "final"\n',
    )
    outdir = tmp_path / "out"
    runs = load_sweep(sweep_file, outdir).runs
    blocker = outdir / "runs" / f"{runs[1].hash}.nc"
    blocker.mkdir(parents=True)  # the run cannot create its file: it fails, the others go on
    args = ["sweep", str(sweep_file), "--scheduler", client.scheduler.address]
    assert main([*args, "--outdir", str(outdir), "--quiet"]) == 1
    rows = manifest(outdir)
    assert [r["status"] for r in rows] == ["complete", "failed", "complete"]
    assert "Error" in rows[1]["error"]
    ds = xr.load_dataset(outdir / "summary.nc")
    assert np.isnan(ds["polarization"].values[1, 0]) and np.isfinite(ds["polarization"][0, 0])
    blocker.rmdir()
    # simulate a sweep killed while run 2 was writing: its file is left incomplete
    done = [outdir / "runs" / f"{r.hash}.nc" for r in runs]
    with netCDF4.Dataset(done[2], "a") as nc:
        nc.setncattr("status", "incomplete")
    os.utime(done[0], (1_000_000_000, 1_000_000_000))
    assert main([*args, "--outdir", str(outdir), "--quiet", "--resume"]) == 0
    rows = manifest(outdir)
    assert [(r["status"], r["reused"]) for r in rows] == [
        ("complete", "1"),
        ("complete", "0"),
        ("complete", "0"),
    ]
    assert done[0].stat().st_mtime == 1_000_000_000  # not recomputed
    ds = xr.load_dataset(outdir / "summary.nc")
    assert np.all(np.isfinite(ds["polarization"].values))
    assert ds.attrs["n_reused"] == 1 and ds.attrs["n_failed"] == 0
    for r, path in zip(runs, done, strict=True):
        with netCDF4.Dataset(path) as nc:
            assert nc.status == "complete"
            final = float(nc["polarization"][-1])
        assert (
            float(
                ds["polarization"]
                .sel(delta_r_orientation=r.params["zones.delta_r_orientation"])
                .item()
            )
            == final
        )


def test_carried_state_starts_from_previous_final_snapshot(base, tmp_path, client):
    sweep = spec(
        base, carry_state="ascending", sweep={"zones.delta_r_orientation": [0.0, 0.5, 1.0]}
    )
    outdir = tmp_path / "out"
    ds = simsuite.sweep(sweep, client, outdir=outdir, progress=False)
    assert dict(ds.sizes) == {"branch": 1, "delta_r_orientation": 3, "replicate": 1}
    assert list(ds["branch"].values) == ["ascending"]
    runs = load_sweep(sweep, outdir).runs
    files = [xr.load_dataset(outdir / r.output) for r in runs]
    for before, after in zip(files, files[1:], strict=False):
        np.testing.assert_array_equal(after["position"].values[0], before["position"].values[-1])
        np.testing.assert_allclose(
            after["velocity"].values[0], before["velocity"].values[-1], rtol=0, atol=1e-12
        )
    assert not np.allclose(files[0]["position"].values[0], files[0]["position"].values[-1])
    assert [str(s) for s in ds["status"].values.ravel()] == ["complete"] * 3


# --------------------------------------------------------------------------------------------------
# Bad sweep files
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[sweep]\n"zones.delta_r_orientatoin" = [1.0, 2.0]\n', "sweep.zones.delta_r_orientatoin"),
        ('[sweep]\n"zones.delta_r_orientation" = []\n', "must not be empty"),
        ('[sweep]\n"zones.delta_r_orientation" = [1.0, 1.0]\n', "twice"),
        ('[sweep]\n"zones.delta_r_orientation" = [-1.0]\n', "sweep.zones.delta_r_orientation"),
        ("replicate = 3\n", "did you mean 'replicates'"),
        ('[collect]\npolarisation = "mean"\n', "collect.polarisation"),
        ('[collect]\npolarization = "median"\n', "mean_last_half"),
        ('carry_state = "up"\n', "carry_state"),
        ('[sweep]\n"run.threads" = [1, 2]\n', "not sweepable"),
    ],
)
def test_bad_sweep_file_exits_2_before_running(base, tmp_path, capsys, body, message):
    path = write_config(tmp_path / "bad.toml", f'base = "{base.name}"\n{body}')
    outdir = tmp_path / "out"
    assert main(["sweep", str(path), "--outdir", str(outdir)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and message in err and len(err.strip().splitlines()) == 1
    assert not outdir.exists()


def test_missing_base_exits_2(tmp_path, capsys):
    path = write_config(tmp_path / "bad.toml", 'base = "nowhere.toml"\n')
    assert main(["sweep", str(path), "--outdir", str(tmp_path / "out")]) == 2
    assert "base = 'nowhere.toml': no such config file" in capsys.readouterr().err
    write_config(path, '[sweep]\n"zones.delta_r_orientation" = [1.0]\n')
    assert main(["sweep", str(path)]) == 2
    assert "base" in capsys.readouterr().err
