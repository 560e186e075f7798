"""Klein–Gordon: resonance windows of φ⁴ kink–antikink collisions
================================================================

Resonance windows of φ⁴ kink–antikink collisions: outgoing speed against incoming speed.

Physics
-------
The φ⁴ model φ_tt − φ_xx + V′(φ) = 0 with V = (λ/4)(φ² − v²)², λ = 2, v = 1, has the kink
φ_K = tanh(x) (width 1, mass m² = V″(±v) = 4 of the vacuum) and the antikink −tanh(x). A kink at −x₀
and an antikink at +x₀ (φ = −v outside the pair, +v between) are sent toward each other, each at speed
u. They attract, collide and, being non-integrable, lose energy to radiation and to the kink's internal
shape mode (frequency ω_s = √3, i.e. √(3/4)·m). Campbell, Schonfeld & Wingate [CSW83]_ found that

* above a critical speed u_c ≈ 0.26 (0.2598 per [AOM91]_) the walls bounce once and separate, more
  slowly than they came;
* below u_c they are mostly captured into a long-lived breathing bound state (a bion) that slowly
  radiates away;
* but in narrow *two-bounce windows* below u_c they escape after a second collision: energy stored in
  the shape mode at the first bounce is given back at the second when the time between bounces is in
  resonance with the shape mode (ω_s T₁₂ ≈ 2πn + δ). The windows accumulate at u_c from below, the
  low-n windows are widest, and their edges hold thinner three-bounce windows, and so on (a fractal).

This script scans u over [0.15, 0.32], runs one simulation per speed with simsuite's Klein–Gordon model
(periodic pseudo-spectral grid, 4th-order Yoshida integrator) and plots the outgoing speed of the walls
against the incoming speed.

Measurement
-----------
The walls are the zero crossings of φ (linear interpolation between grid points), sampled every
``SAMPLE_EVERY`` in time. Over the late window t ≥ (1 − ``LATE_FRACTION``)·t_final:

* the pair is **captured** (outgoing speed 0) unless, at the last sample, both outermost crossings lie
  beyond ``FREE_RADIUS`` = 5 widths from the centre (there the kink–antikink force, ∝ e^{−m d} with d
  the separation, is below 1e-8: the walls move freely);
* otherwise it **escaped**; the outgoing speed is half the slope of a straight-line fit of the
  separation of the outermost crossings against time, over the trailing samples of the late window in
  which both lie beyond ``FREE_RADIUS``, clipped at ≥ 0.

"Captured" therefore means "still bound at t_final": a pair that escapes so late or so slowly that it
has not cleared ``FREE_RADIUS`` by then is counted as captured. This only affects runs very close to
a window edge or to u_c, where the outgoing speed tends to zero.

The number of bounces of an escaped pair is the number of times the field at the centre, φ(0, t),
crosses zero downward: each collision drives it from +v through zero toward −v and back.

The critical speed is estimated as the smallest scanned speed above which every run escapes after one
bounce (the two-bounce windows accumulate at u_c, so "every run escapes" alone would stop below it),
and the escape windows are the runs of consecutive escaped speeds below it.

The domain (default L = 200, n = 2048, dx ≈ 0.1) is large enough that the walls (outgoing speed < 0.25)
stay far from its ends up to t_final = 250, and the radiation that wraps round the periodic domain is
small.

References
----------
.. [CSW83] D. K. Campbell, J. F. Schonfeld and C. A. Wingate, "Resonance structure in kink–antikink
   interactions in φ⁴ theory", Physica D 9, 1 (1983).
.. [AOM91] P. Anninos, S. Oliveira and R. A. Matzner, "Fractal structure in the scalar λ(φ² − 1)²
   theory", Phys. Rev. D 44, 1147 (1991).

Usage
-----
``python examples/kg_kink_antikink_windows.py --outdir figures`` (simsuite installed, e.g.
``pip install -e .``); ``--workers 2`` runs the scan on two processes, ``--speeds 0.22 0.3``
runs chosen speeds instead of the ``--num`` speeds evenly spaced on [``--u-min``, ``--u-max``]. Writes
``kg_kink_antikink_windows.png`` and ``kg_kink_antikink_windows.csv`` in ``--outdir`` (default
``examples/output``, wherever the script runs from) and prints a summary.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np
from _common import OUTPUT, title
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from simsuite.config import load_config
from simsuite.runner import build

X0 = 10.0  # initial half-separation, in kink widths
U_CRITICAL_LITERATURE = 0.2598  # [AOM91]
SAMPLE_EVERY = 0.2  # a collision keeps φ(0) < 0 for about 2.5 time units
LATE_FRACTION = 0.3
FREE_RADIUS = 5.0  # kink widths from the centre
DT = 0.02


@dataclass(frozen=True)
class Grid:
    """Domain [−length/2, length/2) with n_points, and the time of each run."""

    length: float = 200.0
    n_points: int = 2048
    t_final: float = 250.0


@dataclass(frozen=True)
class Outcome:
    """One collision: incoming speed u, outgoing speed u_out (0 if captured), bounces if escaped."""

    u: float
    u_out: float
    captured: bool
    n_bounces: int | None


@dataclass(frozen=True)
class Window:
    """Consecutive escaped runs below the critical speed: the first and last escaped speed, the
    scanned speeds just outside it (captured, or the critical speed itself above the last window;
    None at the ends of the scan) and the bounce counts."""

    first: float
    last: float
    below: float | None
    above: float | None
    bounces: tuple[int | None, ...]


@dataclass(frozen=True)
class ScanResult:
    outcomes: list[Outcome]
    critical_speed: float | None
    below_critical: (
        float | None
    )  # the largest scanned speed below the estimate that is not 1-bounce
    windows: list[Window]
    png: Path
    csv: Path
    seconds: float


def config(u: float, grid: Grid):
    half = 0.5 * grid.length
    return load_config(
        {
            "model": {"name": "klein_gordon"},
            "time": {"t_final": grid.t_final, "dt": DT, "n_snapshots": 2},
            "integrator": {"method": "yoshida4"},
            "grid": {"x_min": -half, "x_max": half, "n_points": grid.n_points},
            "potential": {"name": "phi4"},
            "initial_condition": {"type": "kink_antikink", "x0": X0, "velocity": u},
            "output": {"path": ""},
            "run": {"threads": 1},
        }
    )


def zero_crossings(x: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Positions where φ changes sign, linearly interpolated between neighbouring grid points."""
    j = np.nonzero(np.signbit(phi[:-1]) != np.signbit(phi[1:]))[0]
    return x[j] - phi[j] * (x[j + 1] - x[j]) / (phi[j + 1] - phi[j])


def simulate(u: float, grid: Grid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sample times, outermost crossings (left, right; NaN without crossings) and φ(0) over a run."""
    model, stepper = build(config(u, grid))
    x = model.basis.x
    times = SAMPLE_EVERY * np.arange(1, int(round(grid.t_final / SAMPLE_EVERY)) + 1)
    walls = np.full((times.size, 2), np.nan)
    centre = np.empty(times.size)
    state, t = model.initial_state(), 0.0
    for i, target in enumerate(times):
        state, t = stepper.advance(state, t, target)
        phi = state[0]
        crossings = zero_crossings(x, phi)
        if crossings.size:
            walls[i] = crossings.min(), crossings.max()
        centre[i] = np.interp(0.0, x, phi)
    return times, walls, centre


def outgoing_speed(times: np.ndarray, walls: np.ndarray, t_final: float) -> float | None:
    """Half the separation rate of freely moving walls in the late window, or None if captured."""
    late = times >= (1.0 - LATE_FRACTION) * t_final
    with np.errstate(invalid="ignore"):  # NaN (no crossing) compares False: not free
        free = late & (-walls[:, 0] > FREE_RADIUS) & (walls[:, 1] > FREE_RADIUS)
    if not free[-1]:
        return None
    # the trailing run of free samples (an earlier excursion that came back is not escape)
    start = free.size - np.argmin(free[::-1]) if not free.all() else 0
    t, separation = times[start:], walls[start:, 1] - walls[start:, 0]
    if t.size < 2:
        return None
    return max(0.5 * float(np.polyfit(t, separation, 1)[0]), 0.0)


def count_bounces(centre: np.ndarray) -> int:
    """Downward zero crossings of φ(0, t): one per collision."""
    return int(np.count_nonzero((centre[:-1] > 0) & (centre[1:] <= 0)))


def run_one(u: float, grid: Grid) -> Outcome:
    times, walls, centre = simulate(u, grid)
    speed = outgoing_speed(times, walls, grid.t_final)
    if speed is None:
        return Outcome(u, 0.0, True, None)
    bounces = count_bounces(centre)
    if bounces == 0:
        raise RuntimeError(
            f"u = {u}: the walls have not collided by t = {grid.t_final} (collision near "
            f"t = {X0 / u:.0f}); increase --t-final"
        )
    return Outcome(u, speed, False, bounces)


def scan(speeds: np.ndarray, grid: Grid, workers: int = 1) -> list[Outcome]:
    speeds = [float(u) for u in speeds]
    if workers <= 1:
        return [run_one(u, grid) for u in speeds]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run_one, speeds, repeat(grid)))


def critical_speed(outcomes: list[Outcome]) -> tuple[float | None, float | None]:
    """Smallest scanned speed above which every run escapes after one bounce, and the largest
    scanned speed below it (the bracket of u_c); None where the scan does not reach."""
    ordered = sorted(outcomes, key=lambda o: o.u)
    one_bounce = [not o.captured and o.n_bounces == 1 for o in ordered]
    if not one_bounce[-1]:
        return None, None
    k = len(ordered) - int(np.argmin(one_bounce[::-1])) if not all(one_bounce) else 0
    return ordered[k].u, (ordered[k - 1].u if k > 0 else None)


def escape_windows(outcomes: list[Outcome], limit: float | None) -> list[Window]:
    """Maximal runs of consecutive escaped speeds below ``limit`` (all speeds if None), with the
    scanned speeds just outside each (see :class:`Window`)."""
    ordered = sorted(outcomes, key=lambda o: o.u)
    end = len(ordered) if limit is None else sum(o.u < limit for o in ordered)
    windows, i = [], 0
    while i < end:
        if ordered[i].captured:
            i += 1
            continue
        j = i
        while j + 1 < end and not ordered[j + 1].captured:
            j += 1
        windows.append(
            Window(
                ordered[i].u,
                ordered[j].u,
                ordered[i - 1].u if i > 0 else None,
                ordered[j + 1].u if j + 1 < len(ordered) else None,
                tuple(o.n_bounces for o in ordered[i : j + 1]),
            )
        )
        i = j + 1
    return windows


def write_csv(path: Path, outcomes: list[Outcome]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["u", "u_out", "captured", "n_bounces"])
        for o in outcomes:
            bounces = "" if o.n_bounces is None else o.n_bounces
            out.writerow([f"{o.u:.6f}", f"{o.u_out:.6f}", int(o.captured), bounces])


def plot(path: Path, outcomes: list[Outcome], u_c: float | None, windows: list[Window]) -> None:
    u = np.array([o.u for o in outcomes])
    u_out = np.array([o.u_out for o in outcomes])
    captured = np.array([o.captured for o in outcomes])
    bounces = np.array([0 if o.n_bounces is None else o.n_bounces for o in outcomes])
    spacing = float(np.min(np.diff(np.sort(u)))) if u.size > 1 else 0.0

    fig = Figure(figsize=(9.6, 5.4), dpi=120)  # 1152 × 648 px; Agg, no pyplot state
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for k, w in enumerate(windows):
        ax.axvspan(
            w.first - 0.5 * spacing,
            w.last + 0.5 * spacing,
            color="tab:orange",
            alpha=0.12,
            lw=0,
            label="escape windows below $u_c$" if k == 0 else None,
        )
    groups = [
        (captured, "tab:gray", "x", "captured (bion)"),
        (~captured & (bounces == 1), "tab:blue", "o", "escaped, 1 bounce"),
        (~captured & (bounces == 2), "tab:orange", "o", "escaped, 2 bounces"),
        (~captured & (bounces >= 3), "tab:red", "s", "escaped, 3+ bounces"),
    ]
    for mask, colour, marker, label in groups:
        if mask.any():
            ax.plot(u[mask], u_out[mask], marker, color=colour, ms=5, ls="none", label=label)
    ax.axvline(
        U_CRITICAL_LITERATURE,
        color="k",
        ls="--",
        lw=1,
        label=f"$u_c$ = {U_CRITICAL_LITERATURE} (Anninos et al. 1991)",
    )
    if u_c is not None:
        ax.axvline(
            u_c, color="tab:green", ls=":", lw=1.5, label=f"first 1-bounce escape: {u_c:.4f}"
        )
    ax.set_xlabel("incoming speed $u$ of each wall")
    ax.set_ylabel(r"outgoing speed $u_{\mathrm{out}}$")
    ax.set_title(r"$\phi^4$ kink–antikink collisions: capture, escape and two-bounce windows")
    ax.set_ylim(bottom=-0.01)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def summary(result: ScanResult) -> str:
    lines = [f"{len(result.outcomes)} runs in {result.seconds:.0f} s"]
    if result.critical_speed is None:
        lines.append("critical speed: not reached (the fastest run does not escape in one bounce)")
    else:
        lines.append(
            f"critical speed u_c ≈ {result.critical_speed:.4f} (every run from here on escapes "
            f"after one bounce; bracket ({_fmt(result.below_critical)}, "
            f"{result.critical_speed:.4f}]; literature {U_CRITICAL_LITERATURE})"
        )
    lines.append(f"escape windows below u_c: {len(result.windows)}")
    for w in result.windows:
        bounces = ",".join("?" if b is None else str(b) for b in w.bounces)
        lines.append(
            f"  u in [{w.first:.4f}, {w.last:.4f}]  (edges within ({_fmt(w.below)}, {w.first:.4f}] "
            f"and [{w.last:.4f}, {_fmt(w.above)}))  bounces {bounces}"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    defaults = Grid()
    p = argparse.ArgumentParser(description=title(__doc__))
    p.add_argument("--num", type=int, default=60, help="number of incoming speeds (default 60)")
    p.add_argument("--u-min", type=float, default=0.15, help="smallest incoming speed")
    p.add_argument("--u-max", type=float, default=0.32, help="largest incoming speed")
    p.add_argument(
        "--speeds",
        type=float,
        nargs="+",
        help="explicit incoming speeds (replace --num, --u-min, --u-max)",
    )
    p.add_argument("--n-points", type=int, default=defaults.n_points, help="grid points")
    p.add_argument("--length", type=float, default=defaults.length, help="domain length L")
    p.add_argument("--t-final", type=float, default=defaults.t_final, help="end time of each run")
    p.add_argument("--workers", type=int, default=1, help="processes for the scan (default 1)")
    p.add_argument(
        "--outdir",
        type=Path,
        default=OUTPUT,
        help="where the PNG and CSV go (default: examples/output)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: 3 speeds on L = 100, n = 512, t = 60 (also SIMSUITE_QUICK=1)",
    )
    args = p.parse_args(argv)
    if args.quick or os.environ.get("SIMSUITE_QUICK") == "1":
        args.speeds, args.n_points, args.length, args.t_final = [0.22, 0.3, 0.35], 512, 100.0, 60.0
    return args


def main(argv: list[str] | None = None) -> ScanResult:
    args = parse_args(argv)
    grid = Grid(args.length, args.n_points, args.t_final)
    if args.speeds:
        speeds = np.sort(np.array(args.speeds, dtype=float))
    else:
        speeds = np.linspace(args.u_min, args.u_max, args.num)
    start = time.perf_counter()
    outcomes = scan(speeds, grid, args.workers)
    seconds = time.perf_counter() - start
    u_c, below = critical_speed(outcomes)
    windows = escape_windows(outcomes, u_c)
    args.outdir.mkdir(parents=True, exist_ok=True)
    png = args.outdir / "kg_kink_antikink_windows.png"
    table = args.outdir / "kg_kink_antikink_windows.csv"
    write_csv(table, outcomes)
    plot(png, outcomes, u_c, windows)
    result = ScanResult(outcomes, u_c, below, windows, png, table, seconds)
    print(summary(result))
    print(f"wrote {png} and {table}")
    return result


if __name__ == "__main__":
    main()
