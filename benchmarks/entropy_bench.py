"""Cost of ``simsuite analyze`` against the simulation it analyses and against a per-snapshot loop.

Cases (issue 5):

* NLSE: ``configs/nlse_single_soliton.toml`` (bright soliton η = 2, v = 1; dop853, rtol 1e-10) on
  n = 1024 points, 400 snapshots over t ∈ [0, 19.95] (one every 0.05). Diagnostics: the
  differential Shannon, Rényi (α = 0.5, 2, ∞) and Tsallis (q = 0.5, 2) entropies of |ψ|², the
  spectral entropy and the permutation entropy of |ψ| (order 4, delay 1), per snapshot; the
  permutation entropy and statistical complexity of the probe series |ψ(x = 0, t)|, per run.
* Couzin: ``configs/couzin_torus.toml`` with N = 1000 agents, 1000 snapshots, one per step of
  τ = 0.1 over t ∈ [0, 99.9] (999 steps). Diagnostics: the seven schooling entropies and the
  Oceanic Schooling Index (``simsuite`` definition, open space), the order index and the
  nearest-neighbour statistics, per snapshot.

``--quick``: n = 128 and N = 50, 20 snapshots each, one timing each (a smoke test, no measurement).

Timing: the simulation is ``simsuite.run`` to a NetCDF file (best of 2), after tiny runs of both
models have compiled the numba kernels; its time is the output's ``wall_time_s`` attribute (the
stepping loop, snapshot writes included). It runs on the configs' ``run.threads = 0``, i.e. every
core numba sees (printed above the table); the compiled kernels of the Couzin diagnostics run on
the same numba threads (in parallel over the snapshots), the rest of the diagnostics serially.
*analyze* is ``simsuite.analyze.analyze(path, output=...)``, the whole command: read the file,
compute, write a new file (best of 2). *diagnostics* is the computation alone,
:func:`simsuite.analyze.diagnostics_for` on the dataset in memory (best of 2).

Baseline (measured in this process, best of 2, on the same in-memory dataset): a Python loop over
the snapshots that computes the same quantities one snapshot at a time with plain NumPy, written
here.

* NLSE: p = |ψ|²Δx/Σ|ψ|²Δx, ρ = p/Δx; Shannon −Σ p ln ρ, Rényi ln(Σ p ρ^(α−1))/(1 − α)
  (−ln max ρ at α = ∞), Tsallis (1 − Σ p ρ^(q−1))/(q − 1), one ``np.log`` per order; the spectral
  entropy of |``np.fft.fft`` ψ|²; the permutation entropy from a stable ``np.argsort`` of the
  snapshot's windows (``sliding_window_view``) and ``np.unique`` counts of the patterns; the probe
  measures once.
* Couzin: the seven entropies written again in NumPy (not calls to the library): a
  ``scipy.spatial.cKDTree`` query for the 5 nearest neighbours (the library's per-snapshot path
  too; its batched path has a compiled k-d tree that returns the same distances),
  ``np.histogram``/``np.histogram2d`` for the histograms, the pair cosines as one ``V @ V.T``
  product and its upper triangle, ``np.linalg.eigvalsh`` of ``np.cov`` for the shape; then the
  OSI, P, M, the order index and the nearest-neighbour statistics. It runs on one thread: the
  script sets ``OPENBLAS_NUM_THREADS=1`` (unless already set) before NumPy is imported, because a
  threaded ``V @ V.T`` slowed the whole loop 2–2.5× on a loaded machine.

Both baselines agree with the library to rounding: the table prints the largest difference over
every diagnostic and snapshot (``max |Δ|``).

Figures (printed last, one per line):

* ``entropy_analyze_fraction_of_sim_{nlse,couzin}``: analyze time / simulation wall time (the
  issue's target: below 0.10);
* ``entropy_speedup_vs_loop_{nlse,couzin}``: baseline time / diagnostics time (both in memory:
  reading and writing the file, which the baseline would need as well, are left out).

Usage: ``python benchmarks/entropy_bench.py [--quick]``. The last lines are the figures, one per
line.
"""

# ruff: noqa: E402 - the BLAS thread count must be set before NumPy is imported
from __future__ import annotations

import os

# The baseline runs on one thread: on BLAS threads, its one call per snapshot (V @ V.T) slowed the
# whole loop 2-2.5x on a loaded machine (idle BLAS threads spin on the cores).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import math
import tempfile
import time
import warnings
from pathlib import Path
from typing import NamedTuple

import numba
import numpy as np
import xarray as xr
from numpy.lib.stride_tricks import sliding_window_view
from scipy.spatial import cKDTree

from simsuite import run
from simsuite.analyze import analyze, diagnostics_for
from simsuite.config import RunConfig, load_config
from simsuite.diagnostics.schooling import OSI_WEIGHTS

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


class Case(NamedTuple):
    """One benchmark case: a config file, its size overrides and the row label."""

    name: str
    config: str
    overrides: dict
    label: str


def nlse_case(n_points: int, n_snapshots: int) -> Case:
    overrides = {
        "grid.n_points": n_points,
        "time.n_snapshots": n_snapshots,
        "time.t_final": round(0.05 * (n_snapshots - 1), 10),
    }
    return Case("nlse", "nlse_single_soliton.toml", overrides, f"nlse n={n_points}")


def couzin_case(n_agents: int, n_snapshots: int) -> Case:
    overrides = {
        "agents.n": n_agents,
        "time.dt": 0.1,
        "time.n_snapshots": n_snapshots,
        "time.t_final": round(0.1 * (n_snapshots - 1), 10),  # one snapshot per step
    }
    return Case("couzin", "couzin_torus.toml", overrides, f"couzin N={n_agents}")


def config(case: Case) -> RunConfig:
    return load_config(CONFIGS / case.config, {**case.overrides, "run.progress": False})


def best_of(repeats: int, func):
    """Smallest wall time over ``repeats`` calls, and the last result."""
    best, result = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


# -- baselines: one snapshot at a time, plain NumPy ------------------------------------------------


def _normalised_shannon(weights: np.ndarray, n_states: int) -> float:
    p = weights[weights > 0] / weights.sum()
    return float(-np.sum(p * np.log(p)) / np.log(n_states))


def _pattern_probabilities(series: np.ndarray, order: int, delay: int) -> np.ndarray:
    """Frequencies of the order! ordinal patterns (unordered: only the entropy is wanted)."""
    windows = sliding_window_view(series, (order - 1) * delay + 1)[:, ::delay]
    perms = np.argsort(windows, axis=1, kind="stable")
    codes = perms @ order ** np.arange(order)
    _, counts = np.unique(codes, return_counts=True)
    p = np.zeros(math.factorial(order))
    p[: len(counts)] = counts / counts.sum()
    return p


def _complexity(p: np.ndarray) -> float:
    """Jensen–Shannon complexity of p against the uniform distribution on its K states."""
    k = len(p)
    log_k = math.log(k)
    h = _normalised_shannon(p, k)
    # JS(p, u) = S[(p + u)/2] − S[p]/2 − S[u]/2, largest for a delta distribution
    js = _normalised_shannon(0.5 * (p + 1.0 / k), k) * log_k - 0.5 * h * log_k - 0.5 * log_k
    js_max = -0.5 * ((k + 1) / k * math.log(k + 1) - 2 * math.log(2 * k) + log_k)
    return max(js, 0.0) / js_max * h


def nlse_baseline(ds: xr.Dataset, cfg: RunConfig) -> dict[str, np.ndarray]:
    """The field diagnostics of an NLSE dataset, one snapshot at a time."""
    d = cfg.diagnostics
    alphas = d.orders(cfg.source, "renyi_orders")
    qs = d.orders(cfg.source, "tsallis_q")
    order, delay = d.permutation_order, d.permutation_delay
    psi = ds["psi_real"].values + 1j * ds["psi_imag"].values
    dx = float(ds.attrs["dx"])
    rows = {key: [] for key in ("shannon", "renyi", "tsallis", "spectral", "permutation")}
    for f in psi:
        p = np.abs(f) ** 2 * dx
        p /= p.sum()
        p = p[p > 0]
        rho = p / dx
        shannon = -np.sum(p * np.log(rho))
        renyi = []
        for alpha in alphas:
            if alpha == 1:
                renyi.append(shannon)
            elif alpha == 0:
                renyi.append(np.log(len(p) * dx))
            elif np.isinf(alpha):
                renyi.append(-np.log(rho.max()))
            else:
                renyi.append(np.log(np.sum(p * rho ** (alpha - 1))) / (1 - alpha))
        tsallis = [shannon if q == 1 else (1 - np.sum(p * rho ** (q - 1))) / (q - 1) for q in qs]
        power = np.abs(np.fft.fft(f)) ** 2
        rows["shannon"].append(shannon)
        rows["renyi"].append(renyi)
        rows["tsallis"].append(tsallis)
        rows["spectral"].append(_normalised_shannon(power, len(f)))
        pattern_p = _pattern_probabilities(np.abs(f), order, delay)
        rows["permutation"].append(_normalised_shannon(pattern_p, len(pattern_p)))
    if "probe_psi_real" in ds:  # the series recorded during the run, at probe_x exactly
        probe = np.hypot(ds["probe_psi_real"].values, ds["probe_psi_imag"].values)
    else:
        probe = np.abs(psi[:, int(np.argmin(np.abs(ds["x"].values - d.probe_x)))])
    probe_p = _pattern_probabilities(probe, order, delay)
    return {
        "shannon_entropy": np.array(rows["shannon"]),
        "renyi_entropy": np.array(rows["renyi"]),
        "tsallis_entropy": np.array(rows["tsallis"]),
        "spectral_entropy": np.array(rows["spectral"]),
        "permutation_entropy": np.array(rows["permutation"]),
        "probe_permutation_entropy": np.array(_normalised_shannon(probe_p, len(probe_p))),
        "probe_statistical_complexity": np.array(_complexity(probe_p)),
    }


def _clipped_counts(values: np.ndarray, lo: float, hi: float, bins: int) -> np.ndarray:
    """Histogram on [lo, hi] with the values outside counted in the end bins."""
    return np.histogram(np.clip(values, lo, hi), bins=bins, range=(lo, hi))[0]


def school_snapshot(pos: np.ndarray, vel: np.ndarray, pairs: tuple) -> dict[str, float]:
    """The seven entropies, OSI, order index and nearest-neighbour statistics of one snapshot
    (open space)."""
    n = len(pos)
    heading = vel / np.linalg.norm(vel, axis=1)[:, None]
    r = pos - pos.mean(axis=0)
    r_hat = r / np.linalg.norm(r, axis=1)[:, None]
    distances, _ = cKDTree(pos).query(pos, k=6)
    nn = distances[:, 1:]
    size = np.ptp(pos, axis=0).max()
    theta = np.arccos(np.clip(heading[:, 2], -1.0, 1.0))
    phi = np.arctan2(heading[:, 1], heading[:, 0]) + np.pi
    counts, _, _ = np.histogram2d(theta, phi, bins=(12, 24), range=((0, np.pi), (0, 2 * np.pi)))
    solid_angle = (2 * np.pi / 24) * -np.diff(np.cos(np.linspace(0.0, np.pi, 13)))
    moment = np.linalg.norm(np.cross(r_hat, heading), axis=1)
    cosines = (heading @ heading.T)[pairs]
    eigenvalues = np.maximum(np.linalg.eigvalsh(np.cov(r.T)), 1e-10)
    values = {
        "entropy_cohesion": _normalised_shannon(_clipped_counts(nn[:, 0], 0, size / 2, 25), 25),
        "entropy_polarization": _normalised_shannon(counts / solid_angle[:, None], 12 * 24),
        "entropy_depth": _normalised_shannon(np.histogram(r[:, 2], bins=15)[0], 15),
        "entropy_angular_momentum": _normalised_shannon(_clipped_counts(moment, 0, 1, 20), 20),
        "entropy_nearest_neighbour": _normalised_shannon(
            _clipped_counts(nn.std(axis=1) / nn.mean(axis=1), 0, 2, 20), 20
        ),
        "entropy_velocity_correlation": _normalised_shannon(
            _clipped_counts(cosines, -1, 1, 20), 20
        ),
        "entropy_shape": _normalised_shannon(eigenvalues, 3),
    }
    values["oceanic_schooling_index"] = sum(w * values[k] for k, w in OSI_WEIGHTS.items())
    polarization = np.linalg.norm(heading.sum(axis=0)) / n
    rotation = np.linalg.norm(np.cross(r_hat, heading).sum(axis=0)) / n
    values["order_index"] = max(polarization, rotation)
    values["nearest_neighbour_distance_sd"] = nn[:, 0].std()
    values["nearest_neighbour_distance_min"] = nn[:, 0].min()
    return values


def couzin_baseline(ds: xr.Dataset, cfg: RunConfig) -> dict[str, np.ndarray]:
    """The schooling diagnostics of an open-space Couzin dataset, one snapshot at a time."""
    if cfg.domain.kind != "open" or cfg.diagnostics.schooling_definition != "simsuite":
        raise ValueError("the baseline covers open space and the simsuite definition only")
    positions, velocities = ds["position"].values, ds["velocity"].values
    pairs = np.triu_indices(positions.shape[1], k=1)
    rows = [school_snapshot(p, v, pairs) for p, v in zip(positions, velocities, strict=True)]
    return {key: np.array([row[key] for row in rows]) for key in rows[0]}


BASELINES = {"nlse": nlse_baseline, "couzin": couzin_baseline}


def max_difference(library: dict[str, xr.DataArray], baseline: dict[str, np.ndarray]) -> float:
    """Largest |library − baseline| over the diagnostics both compute."""
    shared = [name for name in baseline if name in library]
    if not shared:
        raise ValueError("the baseline and the library share no diagnostics")
    return max(float(np.max(np.abs(library[k].values - baseline[k]))) for k in shared)


# -- measurement ----------------------------------------------------------------------------------


class Timing(NamedTuple):
    simulation: float
    analyze: float
    diagnostics: float
    baseline: float
    difference: float


def measure(case: Case, workdir: Path, repeats: int) -> Timing:
    """Simulate ``case`` to a file, then time analyze, the in-memory diagnostics and the
    baseline."""
    cfg = config(case)
    source = workdir / f"{case.name}.nc"
    simulation = min(
        float(run(cfg, output=source, overwrite=True).attrs["wall_time_s"]) for _ in range(repeats)
    )
    target = workdir / f"{case.name}_analyzed.nc"
    analyze_time, _ = best_of(repeats, lambda: analyze(source, output=target, overwrite=True))
    with xr.open_dataset(source, engine="netcdf4") as opened:
        ds = opened.load()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        diagnostics_time, library = best_of(repeats, lambda: diagnostics_for(ds, cfg))
        baseline_time, baseline = best_of(repeats, lambda: BASELINES[case.name](ds, cfg))
    return Timing(
        simulation,
        analyze_time,
        diagnostics_time,
        baseline_time,
        max_difference(library, baseline),
    )


def warm_up(workdir: Path) -> None:
    """Compile the numba kernels of both models and touch every code path once, on tiny runs."""
    for case in (nlse_case(64, 5), couzin_case(20, 5)):
        cfg = config(case)
        path = workdir / f"warm_{case.name}.nc"
        run(cfg, output=path)
        analyze(path, output=workdir / f"warm_{case.name}_analyzed.nc")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes (n = 128, N = 50, 20 snapshots), one repeat",
    )
    args = parser.parse_args(argv)
    if args.quick:
        cases, repeats = [nlse_case(128, 20), couzin_case(50, 20)], 1
    else:
        cases, repeats = [nlse_case(1024, 400), couzin_case(1000, 1000)], 2
    timings = {}
    with tempfile.TemporaryDirectory(prefix="entropy_bench_") as tmp:
        workdir = Path(tmp)
        warm_up(workdir)
        print(f"numba threads of the simulations: {numba.get_num_threads()}")
        header = f"{'case':<16} {'snapshots':>9} {'simulation [s]':>14} {'analyze [s]':>11}"
        print(header + f" {'diagnostics [s]':>15} {'baseline [s]':>12} {'max |Δ|':>9}")
        for case in cases:
            timing = measure(case, workdir, repeats)
            timings[case.name] = timing
            snapshots = case.overrides["time.n_snapshots"]
            print(
                f"{case.label:<16} {snapshots:>9d} {timing.simulation:>14.3f} "
                f"{timing.analyze:>11.3f} {timing.diagnostics:>15.3f} {timing.baseline:>12.3f} "
                f"{timing.difference:>9.1e}"
            )
    figures = {}
    for name, timing in timings.items():
        figures[f"entropy_analyze_fraction_of_sim_{name}"] = timing.analyze / timing.simulation
    for name, timing in timings.items():
        figures[f"entropy_speedup_vs_loop_{name}"] = timing.baseline / timing.diagnostics
    for name, value in figures.items():
        print(f"{name}: {value:.2f}")


if __name__ == "__main__":
    main()
