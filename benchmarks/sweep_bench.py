"""Throughput of ``simsuite.sweep`` on a local Dask cluster with 1 and with 2 worker processes.

Workload: 16 identical short Couzin runs — the ``couzin_torus`` config (N = 100, Couzin's defaults)
for 3000 steps of τ = 0.1 s with 31 snapshots, as ``replicates = 16`` of one point, so every run does
the same work from its own seed (with ``--quick``: 4 runs of N = 50 for 200 steps, 21 snapshots). Each
run is one Dask task on a single-threaded worker process with ``run.threads = 1``, writes its own
NetCDF file and returns its collected scalars.

Timing: two local clusters, of 1 and of 2 workers, are started side by side (the idle one costs
nothing; rescaling one cluster raced in ``distributed`` when it closed); the sweep is measured
``--repeat`` times per worker count (default 2, ``--quick`` 1) in the order 2, 1, 1, 2, ... so that a
drift in the load falls on both, and the best time of each count is used. Every worker first does a
short run of the same config written to a file (imports, numba cache loads, first NetCDF
file), so neither the cluster start nor the warm-up is timed; each timed sweep starts from an
empty output directory (no resume). The wall time is that of the whole ``simsuite.sweep`` call:
expansion and validation, submission, the runs, the manifest and the summary. The table also gives
the sum of the runs' own wall times over (wall time × workers): the share of the workers' time spent
inside runs (the rest is Dask and simsuite overhead), and the cores obtained: the runs' summed CPU time
(``cpu_time_s`` of the manifest, the worker thread's CPU time) over the wall time. With 2 workers on
an otherwise idle 2-core machine it is close to 2; when other processes hold a core it stays near 1,
and so does the speedup.

The machine may be shared: the load average (1 min) is printed before and after; a busy core makes the
2-worker speedup fall towards 1.

Figure (printed last): ``sweep_speedup_2_workers``: best wall time with 1 worker / best with 2.

Usage: ``python benchmarks/sweep_bench.py [--quick] [--runs N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "configs" / "couzin_torus.toml"


def workload(runs: int, quick: bool) -> dict:
    """The sweep: ``runs`` replicates of one Couzin point."""
    steps = 200 if quick else 3000
    return {
        "base": str(BASE),
        "replicates": runs,
        "set": {
            "agents.n": 50 if quick else 100,
            "time.t_final": steps * 0.1,
            "time.n_snapshots": 21 if quick else 31,
            "model.label": "sweep benchmark",
        },
        "collect": {"polarization": "mean_last_half", "rotation": "mean_last_half"},
    }


def _warm(spec: dict, folder: str) -> None:
    """One short run of the workload's config, written to a file (runs on a worker)."""
    import simsuite

    overrides = {**spec["set"], "time.t_final": 2.0, "time.n_snapshots": 3, "run.threads": 1}
    cfg = simsuite.load_config(spec["base"], overrides)
    path = os.path.join(folder, f"warm_{os.getpid()}_{uuid.uuid4().hex[:8]}.nc")
    simsuite.run(cfg, output=path, progress=False)


def warm_up(client, spec: dict, folder: Path) -> None:
    """Import simsuite, load the compiled kernels and open a NetCDF file on every worker (not
    timed)."""
    client.run(_warm, spec, str(folder))


def measure(client, spec: dict, outdir: Path) -> tuple[float, float, float]:
    """Wall time of one sweep, the sum of its runs' wall times and of their CPU times (manifest)."""
    import simsuite

    started = time.perf_counter()
    ds = simsuite.sweep(spec, client, outdir=outdir, progress=False)
    wall = time.perf_counter() - started
    if ds.attrs["n_complete"] != ds.attrs["n_runs"]:
        raise RuntimeError(f"{ds.attrs['n_failed']} benchmark runs failed; see {outdir}")
    with open(outdir / "manifest.csv", newline="", encoding="utf-8") as fh:
        cpu = sum(float(row["cpu_time_s"]) for row in csv.DictReader(fh))
    return wall, float(ds["wall_time"].sum()), cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="4 tiny runs, measured once (smoke test)"
    )
    parser.add_argument("--runs", type=int, default=None, help="runs per sweep (default 16)")
    parser.add_argument(
        "--repeat", type=int, default=None, help="measurements per worker count (default 2)"
    )
    args = parser.parse_args(argv)
    from dask.distributed import Client, LocalCluster

    # closing the second cluster logs its comms' shutdown at INFO (the first close resets the level)
    logging.getLogger("distributed").setLevel(logging.ERROR)

    runs = args.runs or (4 if args.quick else 16)
    repeat = args.repeat or (1 if args.quick else 2)
    spec = workload(runs, args.quick)
    print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
    print(
        f"workload: {runs} Couzin runs, N = {spec['set']['agents.n']}, "
        f"{round(spec['set']['time.t_final'] / 0.1)} steps each"
    )
    # 2, 1, 1, 2, 2, 1, ...: each worker count measured as often, early and late (load drifts)
    order = [n for r in range(repeat) for n in ((2, 1) if r % 2 == 0 else (1, 2))]
    results: dict[int, list[float]] = {1: [], 2: []}
    clusters, clients = {}, {}
    print(
        f"{'workers':>7} {'wall s':>8} {'runs/s':>7} {'sum of run times s':>19} {'in runs':>8} "
        f"{'cores obtained':>15}"
    )
    try:
        with tempfile.TemporaryDirectory(prefix="sweep_bench_") as tmp:
            for n in (1, 2):  # two clusters side by side: idle workers cost nothing
                clusters[n] = LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0"
                )
                clients[n] = Client(clusters[n])
                warm_up(clients[n], spec, Path(tmp))
            for i, n in enumerate(order):
                wall, busy, cpu = measure(clients[n], spec, Path(tmp) / f"m{i}")
                results[n].append(wall)
                share = 100 * busy / (wall * n)
                print(
                    f"{n:>7} {wall:8.2f} {runs / wall:7.2f} {busy:19.2f} {share:7.0f}% "
                    f"{cpu / wall:15.2f}"
                )
    finally:
        for n in clients:
            clients[n].close()
            clusters[n].close()
    best = {n: min(results[n]) for n in (1, 2)}
    print(f"best of {repeat}: 1 worker {best[1]:.2f} s, 2 workers {best[2]:.2f} s")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"sweep_speedup_2_workers: {best[1] / best[2]:.2f}")


if __name__ == "__main__":
    main()
