"""Reliability (issue 8): refusing to overwrite, one writer per path, checkpoints and restart,
and what SIGKILL / SIGINT leave behind.

A restarted run must equal the uninterrupted one bitwise: for fixed-step methods and Couzin because
the checkpoint holds the exact state array (and the random generator's state), for the adaptive
DOP853 because it also holds the step size and the controller's memory.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import xarray as xr

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import simsuite
from simsuite.cli import main
from simsuite.config import ConfigError, to_toml
from simsuite.io.checkpoint import checkpoint_path, read_checkpoint
from simsuite.io.netcdf import OutputLock, process_start, writer_of

from .conftest import CONFIGS, ROOT, SMALL_NLSE, interrupt_after, write_config

CASES = {
    "nlse_dop853": ("nlse_two_soliton.toml", {"grid.n_points": 128, "time.t_final": 3.0}),
    "nlse_ssf4": (
        "nlse_two_soliton.toml",
        {"grid.n_points": 128, "time.t_final": 3.0, "integrator.method": "ssf4"},
    ),
    "nlse_rk4ip": (
        "nlse_two_soliton.toml",
        {"grid.n_points": 128, "time.t_final": 3.0, "integrator.method": "rk4ip"},
    ),
    "nlse_etd_abm8": (
        "nlse_two_soliton.toml",
        {"grid.n_points": 128, "time.t_final": 3.0, "integrator.method": "etd_abm8"},
    ),
    "kg_yoshida4": ("kg_collision.toml", {"grid.n_points": 256, "time.t_final": 6.0}),
    "kg_exponential_blanes_moan4": (
        "kg_collision.toml",
        {
            "grid.n_points": 256,
            "time.t_final": 6.0,
            "integrator.method": "exponential_blanes_moan4",
            "time.dt": 0.1,
        },
    ),
    "couzin": ("couzin_torus.toml", {"agents.n": 40, "time.t_final": 6.0}),
}


def _overrides(case: str, **more) -> dict:
    base = {**CASES[case][1], "time.n_snapshots": 13, "run.progress": False}
    return {**base, "output.checkpoint_every": 2, **more}


def _data(ds: xr.Dataset) -> xr.Dataset:
    return ds.drop_attrs().load()


@pytest.mark.parametrize("case", sorted(CASES))
def test_restart_equals_the_uninterrupted_run_bitwise(case, tmp_path, monkeypatch):
    config = CONFIGS / CASES[case][0]
    whole = simsuite.run(config, output=tmp_path / "whole.nc", overrides=_overrides(case))
    assert not checkpoint_path(tmp_path / "whole.nc").exists()  # removed once complete

    path = tmp_path / "broken.nc"
    with monkeypatch.context() as patch:
        interrupt_after(patch, 8)
        with pytest.raises(KeyboardInterrupt):
            simsuite.run(config, output=path, overrides=_overrides(case))
    saved = read_checkpoint(checkpoint_path(path))
    assert (
        saved.n_written == 7
    )  # checkpoints after snapshots 2, 4, 6 (0-based), i.e. 3, 5, 7 written
    with xr.open_dataset(path) as partial:
        assert partial.attrs["status"] == "incomplete" and partial.sizes["t"] == 8

    restarted = simsuite.run(config, restart=path, overrides=_overrides(case))
    assert restarted.attrs["status"] == "complete"
    assert "restarted at t =" in restarted.attrs["history"]
    xr.testing.assert_identical(_data(restarted), _data(whole))
    assert restarted.attrs["n_steps"] == whole.attrs["n_steps"]
    # issue 17.8: the force a stepper carried over (FSAL) was counted twice after a restart
    for stat in ("n_rejected_steps", "n_rhs_evaluations"):
        assert restarted.attrs[stat] == whole.attrs[stat], stat
    assert not checkpoint_path(path).exists()


def test_existing_output_is_not_overwritten(tmp_path, capsys):
    config = write_config(tmp_path / "small.toml", SMALL_NLSE)
    target = tmp_path / "run.nc"
    assert main(["run", str(config), "--output", str(target), "--quiet"]) == 0
    stamp = target.stat().st_mtime_ns
    assert main(["run", str(config), "--output", str(target), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "output.path" in err and "already exists (a complete simsuite output)" in err
    assert "--overwrite" in err and target.stat().st_mtime_ns == stamp
    assert main(["run", str(config), "--output", str(target), "--quiet", "--overwrite"]) == 0
    with pytest.raises(ConfigError, match="overwrite=True"):
        simsuite.run(config, output=target)
    foreign = tmp_path / "notes.nc"
    foreign.write_text("my notes")
    with pytest.raises(ConfigError, match="not a simsuite output"):
        simsuite.run(config, output=foreign)
    assert foreign.read_text() == "my notes"


def test_a_second_writer_on_the_same_path_refuses(tmp_path):
    config = write_config(tmp_path / "small.toml", SMALL_NLSE)
    target = tmp_path / "run.nc"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        target.with_name("run.nc.lock").write_text(str(sleeper.pid))
        with pytest.raises(ConfigError, match=f"another simsuite run \\(pid {sleeper.pid}\\)"):
            simsuite.run(config, output=target)
        assert not target.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    # the holder is gone: its lock is stale and taken over
    ds = simsuite.run(config, output=target)
    assert ds.attrs["status"] == "complete"
    assert not target.with_name("run.nc.lock").exists()


def test_lock_is_exclusive_within_one_process(tmp_path):
    first = OutputLock(tmp_path / "x.nc")
    first.acquire()
    try:
        record = json.loads(first.lock.read_text())
        assert record["pid"] == os.getpid() and record["host"] == socket.gethostname()
        assert record["start"] == process_start(os.getpid())
    finally:
        first.release()
    assert not first.lock.exists()


def test_restart_refusals(tmp_path, monkeypatch):
    config = CONFIGS / "kg_kink.toml"
    small = {"grid.n_points": 64, "time.t_final": 2.0, "time.n_snapshots": 11}
    done = tmp_path / "done.nc"
    simsuite.run(config, output=done, overrides=small)
    with pytest.raises(ConfigError, match="nothing to continue"):
        simsuite.run(config, restart=done, overrides=small)
    with pytest.raises(ConfigError, match="no such output file"):
        simsuite.run(config, restart=tmp_path / "missing.nc", overrides=small)
    broken = tmp_path / "broken.nc"
    with monkeypatch.context() as patch:
        interrupt_after(patch, 5)
        with pytest.raises(KeyboardInterrupt):
            simsuite.run(config, output=broken, overrides=small)  # checkpoint_every = 0
    with pytest.raises(ConfigError, match="no checkpoint"):
        simsuite.run(config, restart=broken, overrides=small)
    with monkeypatch.context() as patch:
        interrupt_after(patch, 5)
        with pytest.raises(KeyboardInterrupt):
            simsuite.run(
                config,
                output=broken,
                overrides={**small, "output.checkpoint_every": 2},
                overwrite=True,
            )
    changed = {**small, "output.checkpoint_every": 2, "potential.lambda": 3.0}
    with pytest.raises(ConfigError, match="potential.lambda"):
        simsuite.run(config, restart=broken, overrides=changed)


# -- a real process, killed ----------------------------------------------------------------------
LONG = (
    SMALL_NLSE.replace("t_final = 1.0", "t_final = 60.0")
    .replace("n_snapshots = 11", "n_snapshots = 601")
    .replace("dt = 0.01", "dt = 0.002")
    .replace('method = "dop853"', 'method = "ssf4"')
    .replace('path = "out/small.nc"', 'path = "out/small.nc"\ncheckpoint_every = 10')
)


def _start(config, out):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "simsuite", "run", str(config), "--output", str(out), "--quiet"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_checkpoint(proc, out, n_written: int, timeout: float = 120.0) -> None:
    """Until the run has checkpointed at least ``n_written`` snapshots (checkpoints appear by an
    atomic rename, so reading one while the run goes on is safe)."""
    sidecar = checkpoint_path(out)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if sidecar.exists() and read_checkpoint(sidecar).n_written >= n_written:
            return
        time.sleep(0.05)
    raise AssertionError(f"no checkpoint of {n_written} snapshots (exit {proc.poll()})")


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGKILL, -signal.SIGKILL), (signal.SIGINT, 130)])
def test_killed_run_keeps_its_snapshots_and_restarts_exactly(sig, code, tmp_path):
    config = write_config(tmp_path / "long.toml", LONG.replace("out/small.nc", "unused.nc"))
    out = tmp_path / "killed.nc"
    proc = _start(config, out)
    try:
        _wait_for_checkpoint(proc, out, 31)
    finally:
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "Traceback" not in err
    assert proc.returncode != 0  # it did not finish before the signal
    with xr.open_dataset(out) as ds:
        assert ds.attrs["status"] == "incomplete"
        kept = ds.load()
    n = kept.sizes["t"]
    assert 31 <= n < 601
    whole = simsuite.run(config, output="", overrides={"run.progress": False})
    # the probe series (its own dimension t_probe) reaches at least the last snapshot kept
    n_probe = kept.sizes["t_probe"]
    assert kept["t_probe"].values[-1] >= kept["t"].values[-1]
    expected = whole.isel(t=slice(0, n), t_probe=slice(0, n_probe))
    xr.testing.assert_identical(_data(kept), _data(expected))

    assert main(["run", str(config), "--restart", str(out), "--quiet"]) == 0
    with xr.open_dataset(out) as ds:
        assert ds.attrs["status"] == "complete"
        xr.testing.assert_identical(_data(ds), _data(whole))


def test_fixed_step_blow_up_is_caught_between_output_times():
    """RK4IP far outside its stability region (|ψ|² h = 20): the NaN is found at the first check
    (64 steps), not at the only output time t = 200, and reported with time, step and hint."""
    overrides = {
        "integrator.method": "rk4ip",
        "time.dt": 0.05,
        "time.t_final": 200.0,
        "time.n_snapshots": 2,
        "initial_condition.eta": 20.0,
        "diagnostics.probe_every": 200.0,  # no probe stop in between: the integrator's own check
        "run.progress": False,
    }
    with pytest.raises(simsuite.RunFailed) as caught:
        simsuite.run(CONFIGS / "nlse_single_soliton.toml", output="", overrides=overrides)
    message = str(caught.value)
    assert "non-finite state (NaN or inf) at t = 3.2" in message and "after step 64" in message
    assert message.count("hint: reduce dt") == 1


def test_two_runs_on_one_path_the_second_refuses(tmp_path, capsys):
    """A real second `simsuite run` while the first is writing: exit 2, the first goes on."""
    config = write_config(tmp_path / "long.toml", LONG)
    out = tmp_path / "shared.nc"
    first = _start(config, out)
    try:
        _wait_for_checkpoint(first, out, 11)
        code = main(["run", str(config), "--output", str(out), "--quiet", "--overwrite"])
        err = capsys.readouterr().err
        assert code == 2
        assert f"being written by another simsuite run (pid {first.pid})" in err
        assert first.poll() is None  # untouched
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=60)
    assert first.returncode == 130


def test_output_too_big_is_refused_before_the_run_in_memory_too(tmp_path):
    """``output.max_bytes`` guards memory-only runs as well as files: nothing starts."""
    overrides = {"output.max_bytes": 1e5, "run.progress": False}  # 101 x 512 x 2 x 8 B = 0.8 MB
    for output in ("", tmp_path / "big.nc"):
        with pytest.raises(ConfigError, match="output.max_bytes"):
            simsuite.run(CONFIGS / "nlse_single_soliton.toml", output=output, overrides=overrides)
    assert not (tmp_path / "big.nc").exists()


# -- issue 17: one lock per file, whatever the path; overwrite only once the new run has started --
def _files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_overwrite_through_a_symlink_of_a_running_output_refuses(tmp_path, capsys):
    """Issue 17.1: a second run reaching a running job's file through a symlink (or ``a/../``)
    with ``--overwrite`` truncated it under the first run (``NetCDF: HDF error``, the file lost).
    Now it meets the same lock: exit 2 naming the first run's PID, and the first completes."""
    config = write_config(tmp_path / "long.toml", LONG)
    out = tmp_path / "race.nc"
    (tmp_path / "lnk.nc").symlink_to("race.nc")
    (tmp_path / "a").mkdir()
    first = _start(config, out)
    try:
        _wait_for_checkpoint(first, out, 11)
        first.send_signal(signal.SIGSTOP)  # hold it mid-run, however fast this machine is
        for other in (tmp_path / "lnk.nc", tmp_path / "a" / ".." / "race.nc"):
            code = main(["run", str(config), "--output", str(other), "--quiet", "--overwrite"])
            err = capsys.readouterr().err
            assert code == 2, err
            assert f"being written by another simsuite run (pid {first.pid})" in err
            assert err.count("\n") == 1
        assert main(["run", str(config), "--restart", str(tmp_path / "lnk.nc"), "--quiet"]) == 2
        assert f"(pid {first.pid})" in capsys.readouterr().err
    finally:
        first.send_signal(signal.SIGCONT)
        _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    with xr.open_dataset(out) as ds:
        assert ds.attrs["status"] == "complete" and ds.sizes["t"] == 601
        assert float(ds["t"][-1]) == 60.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "lnk.nc", "long.toml", "race.nc"]


def test_a_file_being_written_is_reported_as_in_use(tmp_path, capsys):
    """Issue 17.8: ``analyze`` and ``plot`` of a file another run is writing said "not a
    readable NetCDF file"; they now name the running run and its PID."""
    config = write_config(tmp_path / "long.toml", LONG)
    out = tmp_path / "busy.nc"
    first = _start(config, out)
    try:
        _wait_for_checkpoint(first, out, 11)
        first.send_signal(signal.SIGSTOP)
        assert writer_of(out) == first.pid
        for command in (["analyze", str(out), "--quiet"], ["plot", str(out), "--quiet"]):
            assert main(command) == 2
            err = capsys.readouterr().err
            assert f"being written by a running simsuite run (pid {first.pid})" in err, err
            assert "not a readable NetCDF file" not in err and err.count("\n") == 1
    finally:
        first.send_signal(signal.SIGCONT)
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=60)
    assert writer_of(out) is None  # released by the interrupted run


def _kill_at_first_snapshot(patch, exc: BaseException) -> None:
    """Make the writer fail before it writes its first snapshot."""
    from simsuite.io.netcdf import NetCDFWriter

    def append(self, t, values):
        raise exc

    patch.setattr(NetCDFWriter, "append", append)


@pytest.mark.parametrize("failure", [KeyboardInterrupt(), OSError("disk full")])
def test_a_failed_overwrite_leaves_the_old_file_and_its_checkpoint(failure, tmp_path, monkeypatch):
    """Issue 17.1(c): ``--overwrite`` truncated the old file (and removed its checkpoint) before
    the new run had computed anything; a start that fails now leaves both byte-identical, and a
    restart of the old run still works. A successful overwrite replaces them."""
    config = CONFIGS / "kg_kink.toml"
    small = {"grid.n_points": 64, "time.t_final": 2.0, "time.n_snapshots": 11}
    small |= {"output.checkpoint_every": 2, "run.progress": False}
    old = tmp_path / "old.nc"
    with monkeypatch.context() as patch:
        interrupt_after(patch, 6)
        with pytest.raises(KeyboardInterrupt):
            simsuite.run(config, output=old, overrides=small)
    before = _files(tmp_path)
    assert set(before) == {"old.nc", "old.nc.ckpt.nc"}
    with monkeypatch.context() as patch:
        _kill_at_first_snapshot(patch, failure)
        with pytest.raises(type(failure)):
            simsuite.run(config, output=old, overrides=small, overwrite=True)
    assert _files(tmp_path) == before  # no temporary file left either
    assert simsuite.run(config, restart=old, overrides=small).attrs["status"] == "complete"

    # through a symlink, a successful overwrite replaces the file it points to (the link stays)
    with monkeypatch.context() as patch:
        interrupt_after(patch, 6)
        with pytest.raises(KeyboardInterrupt):
            simsuite.run(config, output=old, overwrite=True, overrides=small)
    (tmp_path / "link.nc").symlink_to("old.nc")
    other = {**small, "time.n_snapshots": 5}
    ds = simsuite.run(config, output=tmp_path / "link.nc", overwrite=True, overrides=other)
    assert ds.attrs["status"] == "complete" and ds.sizes["t"] == 5
    assert (tmp_path / "link.nc").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.nc", "old.nc"]  # stale ckpt gone
    with xr.open_dataset(old) as replaced:
        assert replaced.attrs["status"] == "complete" and replaced.sizes["t"] == 5


@pytest.mark.skipif(process_start(os.getpid()) is None, reason="no /proc start times")
def test_a_lock_of_a_reused_pid_is_taken_over(tmp_path):
    """Issue 17.1(d): a lock holding the PID of a live but unrelated process (the PID reused
    after a reboot) blocked every run on the path for as long as that process lived."""
    target = tmp_path / "run.nc"
    lock = tmp_path / "run.nc.lock"
    parent = os.getppid()
    host = socket.gethostname()
    live = {"pid": parent, "start": process_start(parent), "host": host}
    for record in ({**live, "start": live["start"] + 1}, {**live, "host": host + "-elsewhere"}):
        lock.write_text(json.dumps(record))
        assert writer_of(target) is None
        with OutputLock(target) as taken:
            assert json.loads(lock.read_text())["pid"] == os.getpid()
        assert not taken.lock.exists()
    lock.write_text(json.dumps(live))  # the same process, still running: held
    assert writer_of(target) == parent
    with pytest.raises(FileExistsError, match=f"pid {parent}"):
        OutputLock(tmp_path / "sub" / ".." / "run.nc").acquire()
    assert json.loads(lock.read_text()) == live


def test_restart_with_another_models_config_says_different_model(tmp_path, monkeypatch, capsys):
    """Issue 17.8: ``--restart`` of a Klein–Gordon output with an NLSE config reported a
    confusing key difference instead of the mismatch of models."""
    small = {"grid.n_points": 64, "time.t_final": 2.0, "time.n_snapshots": 11}
    kg = tmp_path / "kg.nc"
    with monkeypatch.context() as patch:
        interrupt_after(patch, 6)
        with pytest.raises(KeyboardInterrupt):
            simsuite.run(
                CONFIGS / "kg_kink.toml",
                output=kg,
                overrides={**small, "output.checkpoint_every": 2, "run.progress": False},
            )
    config = write_config(tmp_path / "nlse.toml", SMALL_NLSE)
    before = _files(tmp_path)
    assert main(["run", str(config), "--restart", str(kg), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "different model" in err and "kg" in err and err.count("\n") == 1, err
    assert _files(tmp_path) == before


def test_config_toml_records_the_output_actually_written(tmp_path, monkeypatch):
    """Issue 17.8: ``config_toml`` held the config's ``output.path``, not the ``--output`` the
    run wrote; a restart (through a symlink here) still matches, since it ignores that key."""
    config = write_config(tmp_path / "small.toml", SMALL_NLSE)
    out = tmp_path / "given.nc"
    small = {"output.checkpoint_every": 2, "run.progress": False}
    with monkeypatch.context() as patch:
        interrupt_after(patch, 6)
        with pytest.raises(KeyboardInterrupt):
            simsuite.run(config, output=out, overrides=small)
    with xr.open_dataset(out) as ds:
        assert tomllib.loads(ds.attrs["config_toml"])["output"]["path"] == str(out)
    assert tomllib.loads(read_checkpoint(checkpoint_path(out)).config_toml)["output"] == {
        **tomllib.loads(to_toml(simsuite.load_config(config)))["output"],
        "path": str(out),
        "checkpoint_every": 2,
    }
    (tmp_path / "alias.nc").symlink_to(out)
    done = simsuite.run(config, restart=tmp_path / "alias.nc", overrides=small)
    assert done.attrs["status"] == "complete" and done.sizes["t"] == 11
    assert tomllib.loads(done.attrs["config_toml"])["output"]["path"] == str(out)
