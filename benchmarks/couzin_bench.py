"""Cost per step of simsuite's Couzin kernels against the dewi-kadita package's all-pairs loop.

School (constant density): N agents uniform in a ball of radius c N^{1/3}, c = 5, i.e. density
ρ = 3/(4π c³), so that an agent deep inside has (r_a/c)³ = 27 neighbours within r_a (fewer near the
surface; the table prints the mean). Headings isotropic. Couzin's rules with r_r = 1, r_o = 3 (Δr_o = 2),
r_a = 15 (Δr_a = 12), field of perception α = 270°, turning rate 40°/s, τ = 0.1 s, σ = 0.05, s = 3,
open space, at N = 100, 400, 1600, 6400. Periodic case: N = 1600 in a cube of side
L = c (4πN/3)^{1/3} (the same density, 6 cells per axis).

Baseline (measured in this process; in ``couzin_common.py``, with the timing below, shared with
``couzin_dense_sparse.py``): a re-implementation of the dewi-kadita package's cost, written in its
style: an O(N²) ``numba.njit`` loop over all ordered pairs that, for every pair, allocates the
displacement ``pos[j] - pos[i]`` and the temporaries of its minimum image ``d - L*np.round(d/L)`` (the
package always runs in a periodic box; in open space the box is made 4× wider than the school, so
the image is never shifted but is still computed), takes the distance and the norms of both vectors
from their components, tests visibility by the clamped cosine, allocates the unit vector r̂_ij of
every visible pair and sums the zones raw (−Σ r̂_ij; w Σ v̂_j with each v_j normalised on the way;
Σ r̂_ij). Each agent then turns by the normalised linear interpolation
v̂ ← normalise(v̂ + f (d̂ − v̂)), f = min(1, θτ/arccos(v̂·d̂)), adds Gaussian noise drawn in the kernel
(``np.random.randn``) and renormalises; positions move by s τ v̂ and wrap into the box (numpy). Its
per-step diagnostics and history are not timed. The figures use the serial loop, as the issue
specifies; the table also shows the same loop with ``prange`` over the focal agent (``parallel=True``),
since a published version of the package had that (not with ``--quick``: it takes ~9 s to compile).
With noise off, the baseline's step equals simsuite's with its dewi-kadita compatibility options to
rounding (``tests/test_couzin_bench.py``).

simsuite: ``turning.draw_noise`` + ``kernels.step`` of :mod:`simsuite.models.couzin` (Couzin's exact turn and
wrapped-Gaussian noise) with ``neighbours="auto"``, ``"cell"`` and ``"all_pairs"``, on the numba
threads available (``--threads`` to change). A row with the compatibility options (interpolated turn,
additive noise, weighted sum) shows that the per-agent rules hardly change the cost. One more run:
N = 100 000 for 20 steps (``auto``), simsuite only; the baseline's time there is estimated from its
cost per pair at the largest N measured.

Timing: numba compile time is excluded (every kernel is called once on a tiny school first). Every
timed call steps from the same initial school and discards the result: a Couzin school condenses
within a few hundred steps (at N = 400 from 21 to ~150 neighbours within r_a in 250 steps, and the
cell list's step then costs twice as much), so advancing the state would change the work per step
from block to block and from kernel to kernel. A measurement is the mean time per step of a block of
consecutive calls lasting about 0.3 s (0.05 s with ``--quick``), best of 7 blocks (1 with
``--quick``). All schools and kernels take turns block by block (one round-robin over the table), so
that a burst of load from other processes does not fall on one kernel only: on a 2-core machine with
one core taken, every 2-thread step waits for its descheduled thread (~15 ms a step, measured here).
A step longer than the block makes a block of one step; one longer than 2 s is timed twice only (the
baseline at N = 6400, whose single steps vary by ±20 % here). The N = 100 000 run is a run: 20
consecutive steps, each from the previous one (too few to condense the school; the neighbours are
printed before and after), and its time is their mean. The table gives ms per step, ns per pair
(ms per step / N², all-pairs kernels only) and the speedup over the serial baseline on the same
school.

Figures (printed last, one per line):

* ``couzin_speedup_N{N}``: baseline (serial) ms per step / simsuite ``auto`` ms per step;
* ``couzin_scaling_exponent_cell``: slope of log(ms per step) against log N for simsuite's cell list,
  fitted over the measured N ≥ 1600 (1600, 6400 and the 100 000 run; over all sizes when fewer than
  two qualify). The fit over 400..6400 is printed in the table;
* ``couzin_scaling_exponent_baseline``: the same for the baseline, over the measured N ≥ 400;
* ``couzin_projected_minutes_1e5_agents_1000_steps``: 1000 × the mean time per step of the
  N = 100 000 run, in minutes (with ``--quick``: a smaller run, extrapolated to 10⁵ agents with the
  fitted cell-list exponent). A real run whose school condenses costs more per step later on.

Then the dense and sparse cases of issue 20 (``couzin_dense_sparse.py``, whose docstring defines them
and their figures; ``--no-dense``, ``--no-sparse`` skip them), their figures printed after the above:
``couzin_dense_ms_per_step_N{N}``, ``couzin_dense_ns_per_interacting_pair_N{N}``,
``couzin_dense_speedup_N{N}``, ``couzin_dense_speedup_target_N{N}`` (N = 1600 and 6400 only),
``couzin_dense_floor_ratio_N{N}`` for each dense N (torus parameters, canonical density; default 1600
and 6400, quick 200); ``couzin_sparse_ms_per_step_N{N}`` for each sparse N (default 10⁴, 10⁵, 10⁶; quick
1000, 4000), ``couzin_sparse_scaling_exponent``, ``couzin_sparse_steps_run_N{S}`` and
``couzin_sparse_peak_rss_mib_N{S}`` (S the largest sparse N), ``couzin_torus_steps_measured_N{T}``,
``couzin_torus_ms_per_step_N{T}``, ``couzin_torus_projected_minutes_N{T}_1000_steps`` (T = 10⁵, quick
1000). With ``--quick`` the dense case is timed like the table (one short block).

Usage: ``python benchmarks/couzin_bench.py [--quick] [--sizes N ...] [--threads T] [--large-n N]
[--periodic-n N] [--[no-]dense] [--[no-]sparse] [--dense-sizes N ...] [--sparse-sizes N ...]
[--sparse-steps S] [--sparse-budget SECONDS] [--torus-n N] [--torus-steps S]``. The last lines are the
figures, one per line.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numba
import numpy as np
from scipy.spatial import cKDTree

from simsuite.models.couzin import kernels
from simsuite.models.couzin.neighbours import NEIGHBOUR_SEARCHES, choose_neighbour_search
from simsuite.models.couzin.params import StepParams
from simsuite.models.couzin.turning import draw_noise

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:  # the sibling modules below
    sys.path.insert(0, HERE)
from couzin_common import (  # noqa: E402
    baseline_box,
    baseline_step,
    baseline_stepper,
    fit_exponent,
    load_average,
    time_per_step,
)
from couzin_dense_sparse import run_dense, run_sparse  # noqa: E402

__all__ = ["baseline_box", "baseline_step", "main", "school", "step_params"]

C_BALL = 5.0  # ball radius c N^(1/3): (r_a/c)^3 = 27 neighbours within r_a inside the school
R_R, R_O, R_A = 1.0, 3.0, 15.0
FOV_DEG, TURNING_RATE_DEG = 270.0, 40.0
DT, SPEED, NOISE_SD = 0.1, 3.0, 0.05
ORIENTATION_WEIGHT = 1.0
LARGE_N, LARGE_STEPS = 100_000, 20
PROJECTED_N, PROJECTED_STEPS = 100_000, 1000
SEED = 2002


def step_params(box: float = 0.0, compat: bool = False) -> StepParams:
    """Couzin's rules at the benchmark's parameters; ``compat``: dewi-kadita's turn, noise and sums."""
    return StepParams(
        r_r=R_R,
        r_o=R_O,
        r_a=R_A,
        cos_half_fov=math.cos(math.radians(0.5 * FOV_DEG)),
        max_turn=math.radians(TURNING_RATE_DEG) * DT,
        noise_sd=NOISE_SD,
        speed=SPEED,
        dt=DT,
        box=box,
        interpolated_turn=compat,
        additive_noise=compat,
        weighted_sum=compat,
        orientation_weight=ORIENTATION_WEIGHT,
    )


def periodic_side(n: int) -> float:
    """Side of the cube holding ``n`` agents at the ball's density 3/(4π c³)."""
    return C_BALL * (4.0 * math.pi * n / 3.0) ** (1.0 / 3.0)


def school(n: int, periodic: bool, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Positions (uniform in the ball of radius c n^(1/3), or in the periodic cube) and isotropic
    unit headings."""
    rng = np.random.default_rng(seed)
    head = rng.standard_normal((n, 3))
    head /= np.linalg.norm(head, axis=1, keepdims=True)
    if periodic:
        pos = periodic_side(n) * rng.random((n, 3))
    else:
        direction = rng.standard_normal((n, 3))
        direction /= np.linalg.norm(direction, axis=1, keepdims=True)
        pos = direction * (C_BALL * n ** (1.0 / 3.0) * rng.random(n) ** (1.0 / 3.0))[:, None]
    return pos, head


def mean_neighbours(pos: np.ndarray, box: float) -> float:
    """Mean number of other agents within r_a (all directions)."""
    if box > 0.0:
        tree = cKDTree(np.mod(pos, box), boxsize=box)
    else:
        tree = cKDTree(pos)
    return (float(tree.count_neighbors(tree, R_A)) - len(pos)) / len(pos)


def simsuite_stepper(pos, head, params: StepParams, neighbours: str):
    """A closure taking one simsuite step (noise drawn, then ``step``) from the school given here
    per call."""
    rng = np.random.default_rng(SEED)

    def step_once():
        kernels.step(pos, head, params, draw_noise(rng, pos.shape[0], params), neighbours)

    return step_once


def warm_up(prange_baseline: bool) -> None:
    """Compile every kernel the timings call (open and periodic, all neighbour searches)."""
    for periodic in (False, True):
        pos, head = school(200 if periodic else 64, periodic)
        box = periodic_side(200) if periodic else 0.0
        for compat in (False, True):
            params = step_params(box, compat)
            for neighbours in NEIGHBOUR_SEARCHES:
                simsuite_stepper(pos, head, params, neighbours)()
        for parallel in (False, True) if prange_baseline else (False,):
            baseline_stepper(pos, head, box, step_params(), parallel)()


def _row(n, label, seconds, base=None, pairs=False, extra=""):
    ms = 1e3 * seconds
    ns_pair = f"{1e9 * seconds / (n * n):8.1f}" if pairs else " " * 8
    speedup = f"{base / seconds:8.2f}" if base else " " * 8
    print(f"{n:>7} {label:<36} {ms:10.3f} {ns_pair} {speedup}  {extra}".rstrip())


LABELS = {
    "serial": "baseline dewi-kadita (serial)",
    "prange": "baseline dewi-kadita (prange)",
    "auto": "simsuite auto",
    "cell": "simsuite cell",
    "all_pairs": "simsuite all_pairs",
    "compat": "simsuite auto, dewi-kadita options",
}


class Case:
    """One school (open ball or periodic cube) and a step closure per kernel of the table."""

    def __init__(self, n: int, periodic: bool, prange_baseline: bool):
        self.n, self.periodic = n, periodic
        self.pos, head = school(n, periodic)
        self.box = periodic_side(n) if periodic else 0.0
        params = step_params(self.box)
        self.chosen = choose_neighbour_search(self.pos, params)
        base = step_params()
        self.steppers = {"serial": baseline_stepper(self.pos, head, self.box, base, False)}
        if prange_baseline:
            self.steppers["prange"] = baseline_stepper(self.pos, head, self.box, base, True)
        for neighbours in NEIGHBOUR_SEARCHES:
            self.steppers[neighbours] = simsuite_stepper(self.pos, head, params, neighbours)
        compat = step_params(self.box, compat=True)
        self.steppers["compat"] = simsuite_stepper(self.pos, head, compat, "auto")

    def print_rows(self, times: dict[str, float]) -> None:
        if self.periodic:
            tag = f"{self.n} periodic L={self.box:.1f}"
        else:
            tag = f"{self.n} ball R={C_BALL * self.n ** (1 / 3):.1f}"
        neighbours = mean_neighbours(self.pos, self.box)
        print(f"# N = {tag}: {neighbours:.1f} neighbours within r_a on average")
        for name, seconds in times.items():
            label = LABELS[name] + (f" ({self.chosen})" if name == "auto" else "")
            pairs = name in ("serial", "prange", "all_pairs") or (
                name == "auto" and self.chosen != "cell"
            )
            _row(self.n, label, seconds, times["serial"], pairs=pairs)


def long_run(n: int, steps: int) -> tuple[float, str]:
    """Mean seconds per step of ``steps`` consecutive simsuite ``auto`` steps, and the search used."""
    pos, head = school(n, False)
    params = step_params()
    chosen = choose_neighbour_search(pos, params)
    before = mean_neighbours(pos, 0.0)
    rng = np.random.default_rng(SEED)
    walls = []
    for _ in range(steps):
        start = time.perf_counter()
        noise = draw_noise(rng, n, params)
        pos, head = kernels.step(pos, head, params, noise, "auto")
        walls.append(time.perf_counter() - start)
    mean = float(np.mean(walls))
    print(
        f"# N = {n} ball, {steps} consecutive steps, simsuite only: {before:.1f} neighbours within "
        f"r_a on average before, {mean_neighbours(pos, 0.0):.1f} after"
    )
    _row(n, f"simsuite auto ({chosen}), mean", mean, extra=f"min {1e3 * min(walls):.3f} ms")
    return mean, chosen


def add_dense_sparse_options(parser: argparse.ArgumentParser) -> None:
    """Options of the dense and sparse cases (:mod:`couzin_dense_sparse`)."""
    on_off = argparse.BooleanOptionalAction
    parser.add_argument("--dense", action=on_off, default=True, help="run the dense case")
    parser.add_argument("--sparse", action=on_off, default=True, help="run the sparse case")
    parser.add_argument(
        "--dense-sizes",
        type=int,
        nargs="+",
        help="dense school sizes (default 1600 6400; quick 200)",
    )
    parser.add_argument(
        "--sparse-sizes",
        type=int,
        nargs="+",
        help="sparse school sizes (default 10000 100000 1000000; quick 1000 4000)",
    )
    parser.add_argument(
        "--sparse-steps", type=int, help="steps of each sparse run (default 100; quick 3)"
    )
    parser.add_argument(
        "--sparse-budget",
        type=float,
        default=300.0,
        help="seconds after which a sparse run stops early (default 300)",
    )
    parser.add_argument(
        "--torus-n", type=int, help="agents of the torus run (default 100000; quick 1000)"
    )
    parser.add_argument(
        "--torus-steps", type=int, help="measured steps of the torus run (default 5; quick 2)"
    )


def run_dense_sparse(args: argparse.Namespace, block: float, repeats: int) -> dict[str, float]:
    """The dense and sparse cases the options ask for; their figures."""
    figures = {}
    if args.dense:
        sizes = args.dense_sizes or ([200] if args.quick else [1600, 6400])
        figures.update(run_dense(sizes, block, repeats))
    if args.sparse:
        figures.update(
            run_sparse(
                args.sparse_sizes or ([1000, 4000] if args.quick else [10**4, 10**5, 10**6]),
                args.sparse_steps or (3 if args.quick else 100),
                args.sparse_budget,
                lambda n: school(n, False),
                step_params(),
                args.torus_n or (1000 if args.quick else 100_000),
                args.torus_steps or (2 if args.quick else 5),
            )
        )
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes, short timings, no 1e5 run"
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        help="school sizes (default 100 400 1600 6400; quick 50 100)",
    )
    parser.add_argument("--threads", type=int, help="numba threads (default: all available)")
    parser.add_argument(
        "--large-n",
        type=int,
        help=f"agents of the long simsuite run (default {LARGE_N}; quick 400)",
    )
    parser.add_argument(
        "--periodic-n", type=int, help="agents of the periodic case (default 1600; quick 400)"
    )
    add_dense_sparse_options(parser)
    args = parser.parse_args(argv)
    sizes = args.sizes or ([50, 100] if args.quick else [100, 400, 1600, 6400])
    large_n = args.large_n or (400 if args.quick else LARGE_N)
    large_steps = 2 if args.quick else LARGE_STEPS
    periodic_n = args.periodic_n or (400 if args.quick else 1600)
    block, repeats = (0.05, 1) if args.quick else (0.3, 7)
    if args.threads:
        numba.set_num_threads(min(args.threads, numba.config.NUMBA_NUM_THREADS))
    warm_up(not args.quick)

    print(
        f"numba threads: {numba.get_num_threads()} (of {numba.config.NUMBA_NUM_THREADS}); "
        f"r_r={R_R:g} r_o={R_O:g} r_a={R_A:g} alpha={FOV_DEG:g} deg, ball radius {C_BALL:g} N^(1/3)"
    )
    print(f"# {load_average()}")
    print(f"{'N':>7} {'kernel':<36} {'ms/step':>10} {'ns/pair':>8} {'speedup':>8}")
    cases = [Case(n, False, not args.quick) for n in sizes]
    cases.append(Case(periodic_n, True, not args.quick))
    # one round-robin over every school and kernel: the best-of blocks spread over the whole run
    steppers = {(k, name): f for k, case in enumerate(cases) for name, f in case.steppers.items()}
    timed = time_per_step(steppers, block, repeats)
    times = [{name: timed[k, name] for name in case.steppers} for k, case in enumerate(cases)]
    for case, case_times in zip(cases, times, strict=True):
        case.print_rows(case_times)
    open_space = list(zip(sizes, times[: len(sizes)], strict=True))
    base_times = {n: t["serial"] for n, t in open_space}
    cell_times = {n: t["cell"] for n, t in open_space}
    speedups = {n: t["serial"] / t["auto"] for n, t in open_space}

    large, chosen = long_run(large_n, large_steps)
    if chosen == "cell":
        cell_times[large_n] = large

    exponent_cell, fit_cell = fit_exponent(cell_times, 1600)
    exponent_small, fit_small = fit_exponent({n: cell_times[n] for n in sizes}, 400)
    exponent_base, fit_base = fit_exponent(base_times, 400)
    print(
        f"# scaling exponents: cell list {exponent_cell:.3f} over N = {fit_cell}, "
        f"{exponent_small:.3f} over N = {fit_small}; baseline {exponent_base:.3f} over N = {fit_base}"
    )
    largest = max(base_times)
    pair_cost = base_times[largest] / largest**2
    estimate = pair_cost * large_n**2
    print(
        f"# baseline at N = {large_n}, estimated from its {1e9 * pair_cost:.1f} ns/pair at "
        f"N = {largest} (not run): {estimate:.3g} s/step, "
        f"{estimate * PROJECTED_STEPS / 3600:.3g} h per {PROJECTED_STEPS} steps, "
        f"{estimate / large:.0f}x simsuite's time"
    )
    print(f"# {load_average()}")
    projected = large * PROJECTED_STEPS / 60.0
    if large_n != PROJECTED_N:
        exponent = exponent_cell if chosen == "cell" and math.isfinite(exponent_cell) else 1.0
        projected *= (PROJECTED_N / large_n) ** exponent
        print(f"# projection extrapolated from N = {large_n} with exponent {exponent:.3f}")

    figures = {f"couzin_speedup_N{n}": speedups[n] for n in sizes}
    figures["couzin_scaling_exponent_cell"] = exponent_cell
    figures["couzin_scaling_exponent_baseline"] = exponent_base
    figures["couzin_projected_minutes_1e5_agents_1000_steps"] = projected
    figures.update(run_dense_sparse(args, block, repeats))
    for name, value in figures.items():
        print(f"{name}: {value:.2f}")


if __name__ == "__main__":
    main()
