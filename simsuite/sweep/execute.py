"""Running an expanded sweep on Dask: one task per run, the manifest and the summary.

Every run is one ``dask.distributed`` task that calls :func:`simsuite.run` with its own output file
``runs/<hash>.nc`` and returns a small record (status, wall time, error, collected scalars). Only the
client writes ``manifest.csv`` and ``summary.nc``. A carried-state run is submitted with the future of
the run it continues as an argument, so Dask starts it when that run has finished; chains, replicates
and the other swept keys run in parallel.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import math
import os
import time
import uuid
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from simsuite.config import MISSING, ConfigError, RunConfig
from simsuite.io.paths import check_output_folder
from simsuite.progress import progress_bar
from simsuite.sweep.spec import (
    MAX_RUNS,
    Collect,
    RunSpec,
    Sweep,
    coordinate_attrs,
    load_sweep,
    sweep_toml,
)

__all__ = ["sweep", "run_task", "default_workers"]

MANIFEST = "manifest.csv"
SUMMARY = "summary.nc"


@dataclass(frozen=True)
class RunTask:
    """What a worker needs for one run (picklable)."""

    hash: str
    config: RunConfig
    output: str  # absolute path
    collect: tuple[Collect, ...]
    resume: bool


def default_workers() -> int:
    """Worker processes of the default local cluster: the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


# --------------------------------------------------------------------------------------------------
# Worker side
# --------------------------------------------------------------------------------------------------
def _record(task: RunTask, status: str, **fields: Any) -> dict[str, Any]:
    record = {"hash": task.hash, "status": status, "reused": False, "wall_time_s": math.nan}
    record["cpu_time_s"] = math.nan
    record.update({"error": "", "values": {}})
    record.update(fields)
    return record


def _collected(ds: xr.Dataset, collect: tuple[Collect, ...]) -> dict[str, float]:
    values = {}
    for item in collect:
        if item.variable not in ds.variables:
            raise KeyError(
                f"collect.{item.name}: variable {item.variable!r} is not in the output "
                f"(it has {', '.join(sorted(map(str, ds.data_vars)))})"
            )
        values[item.name] = item.reduce(ds[item.variable].values)
    return values


def _complete(path: Path) -> bool:
    """True when ``path`` is a simsuite output whose run finished (``status = "complete"``)."""
    if not path.is_file():
        return False
    import netCDF4

    try:
        with netCDF4.Dataset(path) as nc:
            return getattr(nc, "status", "") == "complete"
    except OSError:
        return False


def run_task(task: RunTask, previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Execute one run (on a worker) and return its record; never raises for a failed run.

    Parameters
    ----------
    task
        The run.
    previous
        Record of the run this one continues (carried state), or None.

    Returns
    -------
    dict
        ``hash``, ``status`` ("complete", "failed" or "skipped"), ``reused`` (the file of an earlier
        sweep was complete and kept, with ``resume``), ``wall_time_s``, ``cpu_time_s`` (CPU time of
        the worker thread during the run: below the wall time when the cores are shared), ``error``
        and ``values`` (collected scalars).
    """
    from simsuite.io.netcdf import open_output
    from simsuite.runner import run

    path = Path(task.output)
    if task.resume and _complete(path):
        try:
            with open_output(path) as ds:
                values = _collected(ds, task.collect)
                wall = float(ds.attrs.get("wall_time_s", math.nan))
            return _record(task, "complete", reused=True, wall_time_s=wall, values=values)
        except Exception:  # noqa: BLE001 - unreadable or stale: run it again
            pass
    if previous is not None and previous["status"] != "complete":
        return _record(
            task, "skipped", error=f"the run it continues ({previous['hash']}) {previous['status']}"
        )
    started, cpu = time.perf_counter(), time.thread_time()
    try:
        # the sweep owns runs/<hash>.nc: an earlier (incomplete, or not resumed) file is replaced
        path.unlink(missing_ok=True)
        ds = run(task.config, output=path, progress=False)
        values = _collected(ds, task.collect)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded, the sweep goes on
        text = " ".join(str(exc).split()) or type(exc).__name__
        return _record(
            task,
            "failed",
            wall_time_s=time.perf_counter() - started,
            cpu_time_s=time.thread_time() - cpu,
            error=f"{type(exc).__name__}: {text}",
        )
    return _record(
        task,
        "complete",
        wall_time_s=time.perf_counter() - started,
        cpu_time_s=time.thread_time() - cpu,
        values=values,
    )


# --------------------------------------------------------------------------------------------------
# Client side
# --------------------------------------------------------------------------------------------------
@contextlib.contextmanager
def _dask_client(client: Any, scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """The given client, a client of the scheduler at ``scheduler``, or a new local cluster."""
    if client is not None:
        yield client
        return
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError(
            "simsuite sweep",
            "dask",
            MISSING,
            "needs dask[distributed]: pip install 'simsuite[dask]'",
        ) from None
    if scheduler:
        try:
            own = Client(scheduler)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(
                "--scheduler", "address", scheduler, f"no Dask scheduler reachable ({exc})"
            ) from None
        try:
            yield own
        finally:
            own.close()
        return
    n = workers or default_workers()
    if n < 1:
        raise ConfigError("--workers", "N", n, "must be an integer >= 1")
    cluster = LocalCluster(
        n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    own = Client(cluster)
    try:
        yield own
    finally:
        own.close()
        cluster.close()


def _warn_threads(client: Any) -> None:
    try:
        info = client.scheduler_info()["workers"]
    except Exception:  # noqa: BLE001 - informational only
        return
    if any(w.get("nthreads", 1) > 1 for w in info.values()):
        warnings.warn(
            "some Dask workers have more than one thread; HDF5 (NetCDF output) is not thread-safe, "
            "start workers with --nthreads 1 (one process per core)",
            RuntimeWarning,
            stacklevel=3,
        )


def sweep(
    source: str | Path | Mapping[str, Any],
    client: Any = None,
    *,
    outdir: str | Path | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    resume: bool = False,
    progress: bool = True,
    max_runs: int = MAX_RUNS,
) -> xr.Dataset:
    """Run a sweep or ensemble on Dask and return its summary.

    Parameters
    ----------
    source
        Path of a sweep TOML file, or the parsed mapping (the format: the docstring of the
        ``simsuite.sweep`` package, and the user guide's page on sweeps).
    client
        A ``dask.distributed.Client`` to use (kept open). Default: connect to ``scheduler``, or start
        a ``LocalCluster`` of ``workers`` single-threaded processes, closed at the end.
    outdir
        Output directory (default: the sweep's ``outdir`` key, else ``outputs/sweeps/<stem>``); runs go
        to ``outdir/runs/<hash>.nc``, then ``manifest.csv`` and ``summary.nc``.
    scheduler
        Address of a running Dask scheduler, e.g. ``tcp://10.0.0.5:8786``.
    workers
        Worker processes of the local cluster (default: the usable cores).
    resume
        Keep the runs whose file is complete instead of running them again.
    progress
        Show a progress bar over runs.
    max_runs
        Refuse (``ConfigError``, before anything is expanded or started) a sweep of more runs.

    Returns
    -------
    xarray.Dataset
        The summary (also written to ``outdir/summary.nc``): one variable per ``[collect]`` entry plus
        ``status``, ``run_hash`` and ``wall_time``, on [branch,] one dimension per swept key (``point``
        for zip) and ``replicate``. A failed run is NaN.

    Raises
    ------
    ConfigError
        For a bad sweep file, before any run starts.
    """
    sw = load_sweep(source, outdir, max_runs)
    check_output_folder(sw.outdir, sw.source, "outdir")
    started = time.perf_counter()
    records: dict[str, dict[str, Any]] = {}
    with _dask_client(client, scheduler, workers) as dc:
        _warn_threads(dc)
        (sw.outdir / "runs").mkdir(parents=True, exist_ok=True)
        try:
            _execute(dc, sw, resume, progress, records)
        finally:
            write_manifest(sw, records, sw.outdir / MANIFEST)
    summary = build_summary(sw, records, time.perf_counter() - started)
    target = sw.outdir / SUMMARY
    tmp = target.with_name(f".{SUMMARY}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        summary.to_netcdf(tmp, engine="netcdf4")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return summary


def _execute(dc: Any, sw: Sweep, resume: bool, progress: bool, records: dict) -> None:
    from dask.distributed import as_completed

    tag = uuid.uuid4().hex[:8]
    futures: dict[str, Any] = {}
    by_key: dict[str, RunSpec] = {}
    for spec in sw.runs:
        task = RunTask(
            spec.hash, spec.config, str(sw.outdir / spec.output), sw.collect, bool(resume)
        )
        previous = futures[spec.previous] if spec.previous else None
        key = f"simsuite-run-{spec.hash}-{tag}"
        futures[spec.hash] = dc.submit(run_task, task, previous, key=key, pure=False)
        by_key[key] = spec
    bar = progress_bar(len(sw.runs), enabled=bool(progress), desc="sweep", unit="run")
    failed = 0
    log = _ManifestLog(sw, sw.outdir / MANIFEST)
    try:
        for future in as_completed(list(futures.values())):
            spec = by_key[future.key]
            try:
                record = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker, a pickling error ...
                text = " ".join(str(exc).split()) or type(exc).__name__
                record = {
                    "hash": spec.hash,
                    "status": "failed",
                    "reused": False,
                    "wall_time_s": math.nan,
                    "cpu_time_s": math.nan,
                    "error": f"{type(exc).__name__}: {text}",
                    "values": {},
                }
            records[spec.hash] = record
            log.append(spec, record)
            failed += record["status"] != "complete"
            bar.set_postfix_str(f"{failed} failed" if failed else "", refresh=False)
            bar.update(1)
    except BaseException:
        for future in futures.values():
            future.cancel()
        raise
    finally:
        bar.close()
        log.close()


# --------------------------------------------------------------------------------------------------
# Manifest and summary
# --------------------------------------------------------------------------------------------------
def _manifest_header(sw: Sweep) -> list[str]:
    head = ["hash"] + (["branch"] if sw.carry_state else [])
    tail = ["replicate", "seed", "previous", "status", "reused", "wall_time_s", "cpu_time_s"]
    tail += ["error", "output"]
    return head + list(sw.keys) + tail


def _manifest_row(sw: Sweep, spec: RunSpec, record: Mapping[str, Any] | None) -> list[Any]:
    record = record or {"status": "not run", "reused": False, "wall_time_s": math.nan, "error": ""}
    times = [record.get(k, math.nan) for k in ("wall_time_s", "cpu_time_s")]
    row: list[Any] = [spec.hash] + ([spec.branch] if sw.carry_state else [])
    row += [spec.params[k] for k in sw.keys]
    row += [spec.replicate, spec.seed, spec.previous or "", record["status"]]
    row += [int(bool(record["reused"]))] + ["" if math.isnan(t) else f"{t:.3f}" for t in times]
    return row + [record["error"], spec.output]


class _ManifestLog:
    """Appends one manifest row per finished run while the sweep goes (rewritten in run order at the
    end), so a killed sweep leaves a manifest of what finished."""

    def __init__(self, sw: Sweep, path: Path):
        self.sw = sw
        self.file = open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115
        self.writer = csv.writer(self.file)
        self.writer.writerow(_manifest_header(sw))
        self.file.flush()

    def append(self, spec: RunSpec, record: Mapping[str, Any]) -> None:
        self.writer.writerow(_manifest_row(self.sw, spec, record))
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def write_manifest(sw: Sweep, records: Mapping[str, Mapping[str, Any]], path: Path) -> None:
    """``manifest.csv``: one row per run in run order (unfinished runs: status "not run")."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(_manifest_header(sw))
        for spec in sw.runs:
            writer.writerow(_manifest_row(sw, spec, records.get(spec.hash)))
    os.replace(tmp, path)


def _coordinate(values: list) -> np.ndarray:
    if all(isinstance(v, str) for v in values):
        return np.array(values, dtype=object)
    return np.asarray(values)


def build_summary(
    sw: Sweep, records: Mapping[str, Mapping[str, Any]], wall_time: float = math.nan
) -> xr.Dataset:
    """The summary Dataset of a sweep from its run records (missing runs are NaN / "not run")."""
    from simsuite.version import __version__

    dims, shape = sw.dims, sw.shape
    data = {c.name: np.full(shape, np.nan) for c in sw.collect}
    status = np.full(shape, "not run", dtype=object)
    hashes = np.full(shape, "", dtype=object)
    wall = np.full(shape, np.nan)
    for spec in sw.runs:
        hashes[spec.index] = spec.hash
        record = records.get(spec.hash)
        if record is None:
            continue
        status[spec.index] = record["status"]
        wall[spec.index] = record["wall_time_s"]
        for name, value in record["values"].items():
            if name in data:
                data[name][spec.index] = value
    variables: dict[str, Any] = {}
    for c in sw.collect:
        attrs = {
            "long_name": f"{c.reduction} of {c.variable} over t",
            "units": sw.collect_units[c.name],
        }
        variables[c.name] = (dims, data[c.name], attrs)
    variables["status"] = (dims, status, {"long_name": "run status (complete, failed, skipped)"})
    variables["run_hash"] = (dims, hashes, {"long_name": "run name: its output is runs/<hash>.nc"})
    variables["wall_time"] = (
        dims,
        wall,
        {"long_name": "wall time of the run (reused run: its file's wall_time_s)", "units": "s"},
    )
    coords: dict[str, Any] = {}
    if sw.carry_state:
        coords["branch"] = ("branch", np.array(sw.branches, dtype=object))
    if sw.mode == "zip" and sw.keys:
        coords["point"] = ("point", np.arange(shape[-2]))
        for key in sw.keys:
            attrs = {"config_key": key, **coordinate_attrs(key, sw.units[key])}
            coords[sw.dim_names[key]] = ("point", _coordinate(sw.values[key]), attrs)
    else:
        for key in sw.keys:
            attrs = {"config_key": key, **coordinate_attrs(key, sw.units[key])}
            coords[sw.dim_names[key]] = (sw.dim_names[key], _coordinate(sw.values[key]), attrs)
    coords["replicate"] = (
        "replicate",
        np.arange(sw.replicates),
        {"long_name": "replicate index", "units": "1"},
    )
    if "run.seed" not in sw.keys:
        coords["seed"] = (
            "replicate",
            np.asarray(sw.seeds, dtype=np.int64),
            {"long_name": "run.seed", "units": "1"},
        )
    counts = {s: int(np.sum(status == s)) for s in ("complete", "failed", "skipped", "not run")}
    reused = sum(1 for r in records.values() if r.get("reused"))
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    attrs = {
        "title": f"simsuite sweep {Path(sw.source).stem}",
        "simsuite_version": __version__,
        "created": now,
        "sweep_source": sw.source,
        "sweep_toml": sweep_toml(sw),
        "base_config": str(sw.base),
        "outdir": str(sw.outdir),
        "mode": sw.mode,
        "carry_state": str(sw.carry_state).lower() if not sw.carry_state else sw.carry_state,
        "carry_key": sw.carry_key or "",
        "replicates": sw.replicates,
        "n_runs": len(sw.runs),
        "n_complete": counts["complete"],
        "n_reused": reused,
        "n_failed": counts["failed"],
        "n_skipped": counts["skipped"],
        "n_not_run": counts["not run"],
        "wall_time_s": round(wall_time, 3) if math.isfinite(wall_time) else -1.0,
        "Conventions": "CF-1.10",
    }
    return xr.Dataset(variables, coords=coords, attrs=attrs)
