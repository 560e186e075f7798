"""The command line: exit codes, error messages, subcommands, canonical configs."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from simsuite.cli import canonical_configs, config_reference, main

from .conftest import CONFIGS, ROOT, SMALL_NLSE, write_config


def test_run_writes_complete_file(small_config, workdir, capsys):
    assert main(["run", str(small_config), "--quiet"]) == 0
    with xr.open_dataset(workdir / "out" / "small.nc") as ds:
        assert ds.attrs["status"] == "complete"
        assert ds.sizes == {"t": 11, "x": 256, "t_probe": 101}  # probe every dt = 0.01
        assert capsys.readouterr().out == ""


def test_run_prints_summary_and_honours_set_and_output(small_config, workdir, capsys):
    code = main(["run", str(small_config), "--set", "time.n_snapshots=3", "--output", "other.nc"])
    assert code == 0
    assert "wrote other.nc (3 snapshots" in capsys.readouterr().out
    assert (workdir / "other.nc").exists() and not (workdir / "out").exists()


BAD_CASES = [
    ("n_points = 256", "n_pionts = 256", "grid.n_pionts", "did you mean 'n_points'"),
    ("t_final = 1.0", "t_final = 'ten'", "time.t_final = 'ten'", "must be float > 0"),
    ("n_points = 256", "n_points = -64", "grid.n_points = -64", "≥ 4"),
    ("[grid]", "[grid", "TOML", "malformed"),
]


@pytest.mark.parametrize(("old", "new", "key", "allowed"), BAD_CASES)
def test_bad_config_exits_2_naming_key_and_writes_nothing(old, new, key, allowed, workdir, capsys):
    path = write_config(workdir / "bad.toml", SMALL_NLSE.replace(old, new))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("simsuite: error: ") and "Traceback" not in err
    assert str(path) in err and key in err and allowed in err
    assert not (workdir / "out").exists()


def test_missing_file_exits_2(workdir, capsys):
    assert main(["run", "nowhere.toml"]) == 2
    assert "nowhere.toml: file: no such file" in capsys.readouterr().err


def test_debug_shows_traceback(workdir, capsys):
    assert main(["run", "nowhere.toml", "--debug"]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_bad_override_exits_2(small_config, capsys):
    assert main(["run", str(small_config), "--set", "grid.dealias=third"]) == 2
    assert "grid.dealias = 'third'" in capsys.readouterr().err


def test_blow_up_exits_1_and_keeps_snapshots(workdir, capsys):
    text = SMALL_NLSE.replace('method = "dop853"', 'method = "rk4ip"').replace(
        'type = "single_soliton"\neta = 2.0\nvelocity = 1.0\nx0 = -10.0',
        'type = "sech"\namplitude = 1000.0',
    )
    path = write_config(workdir / "blow.toml", text)
    assert main(["run", str(path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "non-finite state" in err and "hint" in err
    with xr.open_dataset(workdir / "out" / "small.nc") as ds:
        assert ds.attrs["status"] == "incomplete"
        assert "non-finite" in ds.attrs["status_reason"]
        assert ds.sizes["t"] >= 1
        assert np.all(np.isfinite(ds.psi_real.values))


def test_validate(small_config, capsys):
    assert main(["validate", str(small_config)]) == 0
    assert "valid nlse config" in capsys.readouterr().out
    assert main(["validate", str(small_config), "--set", "grid.n_points=2"]) == 2


def test_list_and_show_config(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for word in ("nlse", "dop853", "ssf4", "rk4ip", "akhmediev_breather", "nlse_two_soliton"):
        assert word in out
    assert main(["show-config", "nlse"]) == 0
    out = capsys.readouterr().out
    assert "grid.n_points = 512" in out and "integer ≥ 4" in out
    assert main(["show-config", "nope"]) == 2


def test_config_reference_is_up_to_date():
    committed = (ROOT / "docs" / "config_reference.md").read_text(encoding="utf-8")
    assert committed == config_reference(["couzin", "klein_gordon", "nlse"], markdown=True), (
        "regenerate with: simsuite show-config --markdown > docs/config_reference.md"
    )


def test_packaged_configs_equal_user_facing_copies():
    packaged = {p.name: p.read_bytes() for p in canonical_configs()}
    user = {p.name: p.read_bytes() for p in CONFIGS.glob("*.toml")}
    assert packaged == user
    # sweep files: packaged beside the configs, never among the canonical ones (run --all)
    folder = canonical_configs()[0].parent / "sweeps"
    packaged = {p.name: p.read_bytes() for p in folder.glob("*.toml")}
    user = {p.name: p.read_bytes() for p in (CONFIGS / "sweeps").glob("*.toml")}
    assert packaged == user and len(user) >= 4
    assert not any(p.parent.name == "sweeps" for p in canonical_configs())


def test_run_all_quick(workdir, capsys):
    code = main(
        [
            "run",
            "--all",
            "--quiet",
            "--set",
            "time.t_final=0.05",
            "--set",
            "time.n_snapshots=2",
            "--set",
            "time.dt=0.01",
        ]
    )
    assert code == 0
    written = sorted(p.stem for p in (workdir / "outputs").glob("*.nc"))
    assert written == sorted(p.stem for p in CONFIGS.glob("*.toml"))


def test_run_needs_config_or_all(capsys):
    assert main(["run"]) == 2
