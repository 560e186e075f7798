"""Cost per step of simsuite's Couzin kernels against the dewi-kadita package's all-pairs loop.

School (constant density): N agents uniform in a ball of radius c N^{1/3}, c = 5, i.e. density
ρ = 3/(4π c³), so that an agent deep inside has (r_a/c)³ = 27 neighbours within r_a (fewer near the
surface; the table prints the mean). Headings isotropic. Couzin's rules with r_r = 1, r_o = 3 (Δr_o = 2),
r_a = 15 (Δr_a = 12), field of perception α = 270°, turning rate 40°/s, τ = 0.1 s, σ = 0.05, s = 3,
open space, at N = 100, 400, 1600, 6400. Periodic case: N = 1600 in a cube of side
L = c (4πN/3)^{1/3} (the same density, 6 cells per axis).

Baseline (measured in this process): a re-implementation of the dewi-kadita package's cost, written
in its style: an O(N²) ``numba.njit`` loop over all ordered pairs that, for every pair, allocates the
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

Usage: ``python benchmarks/couzin_bench.py [--quick] [--sizes N ...] [--threads T] [--large-n N]
[--periodic-n N]``. The last lines are the figures, one per line.
"""

from __future__ import annotations

import argparse
import math
import os
import time

import numba
import numpy as np
from scipy.spatial import cKDTree

from simsuite.models.couzin import kernels
from simsuite.models.couzin.neighbours import NEIGHBOUR_SEARCHES, choose_neighbour_search
from simsuite.models.couzin.params import StepParams
from simsuite.models.couzin.turning import draw_noise

C_BALL = 5.0  # ball radius c N^(1/3): (r_a/c)^3 = 27 neighbours within r_a inside the school
R_R, R_O, R_A = 1.0, 3.0, 15.0
FOV_DEG, TURNING_RATE_DEG = 270.0, 40.0
DT, SPEED, NOISE_SD = 0.1, 3.0, 0.05
ORIENTATION_WEIGHT = 1.0
LARGE_N, LARGE_STEPS = 100_000, 20
PROJECTED_N, PROJECTED_STEPS = 100_000, 1000
SEED = 2002
SLOW = 2.0  # seconds: a step this long is timed twice only


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


# ---------------------------------------------------------------------------------------------------
# baseline: the dewi-kadita package's all-pairs loop, in its allocating style


@numba.njit
def _baseline_displacement(xi, xj, box):
    """Minimum-image c_j − c_i, with a fresh array for every intermediate, as the package did."""
    d = xj - xi
    return d - box * np.round(d / box)


@numba.njit
def _baseline_visible(v, d, cos_fov):
    """Visibility by the clamped cosine between v and d, both norms recomputed for every pair."""
    v_norm = math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
    d_norm = math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
    if v_norm < 1e-10 or d_norm < 1e-10:
        return True
    cos_angle = (v[0] * d[0] + v[1] * d[1] + v[2] * d[2]) / (v_norm * d_norm)
    return max(-1.0, min(1.0, cos_angle)) > cos_fov


@numba.njit
def _baseline_unit(v):
    """v/|v| as a new array, or zeros when |v| < 1e-10."""
    norm = math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
    if norm < 1e-10:
        return np.zeros(3)
    return v / norm


@numba.njit
def _baseline_agent(
    i, pos, vel, new_vel, box, r_r, r_o, r_a, cos_fov, max_turn, noise_sd, speed, w
):
    """New velocity of agent i: zone sums over all others, interpolated turn, additive noise."""
    n = pos.shape[0]
    v = vel[i]
    own = _baseline_unit(v)
    repulsion = np.zeros(3)
    orientation = np.zeros(3)
    attraction = np.zeros(3)
    n_r = n_o = n_a = 0
    for j in range(n):
        if j == i:
            continue
        d = _baseline_displacement(pos[i], pos[j], box)
        dist = math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
        if dist < 1e-10 or not _baseline_visible(v, d, cos_fov):
            continue
        r_hat = d / dist
        if dist < r_r:
            repulsion -= r_hat
            n_r += 1
        elif dist < r_o:
            vj = vel[j]
            vj_norm = math.sqrt(vj[0] * vj[0] + vj[1] * vj[1] + vj[2] * vj[2])
            if vj_norm > 1e-10:
                orientation += vj / vj_norm
                n_o += 1
        elif dist < r_a:
            attraction += r_hat
            n_a += 1
    if n_r > 0:
        desired = _baseline_unit(repulsion)
    elif n_o > 0 or n_a > 0:
        desired = _baseline_unit(w * orientation + attraction)
    else:
        desired = own.copy()
    if desired[0] == 0.0 and desired[1] == 0.0 and desired[2] == 0.0:
        desired = own.copy()
    angle = np.arccos(max(-1.0, min(1.0, np.sum(own * desired))))
    if angle <= max_turn:
        heading = desired
    else:
        f = max_turn / angle
        heading = _baseline_unit(own + f * (desired - own))
        if heading[0] == 0.0 and heading[1] == 0.0 and heading[2] == 0.0:
            heading = own.copy()
    if noise_sd > 0.0:
        # numba's in-kernel generator, as the package drew its noise
        kick = np.array([np.random.randn(), np.random.randn(), np.random.randn()])  # noqa: NPY002
        noisy = _baseline_unit(heading + noise_sd * kick)
        if noisy[0] != 0.0 or noisy[1] != 0.0 or noisy[2] != 0.0:
            heading = noisy
    new_vel[i] = heading * speed


@numba.njit
def _baseline_serial(pos, vel, *args):
    new_vel = np.empty_like(vel)
    for i in range(pos.shape[0]):
        _baseline_agent(i, pos, vel, new_vel, *args)
    return new_vel


@numba.njit(parallel=True)
def _baseline_prange(pos, vel, *args):
    new_vel = np.empty_like(vel)
    for i in numba.prange(pos.shape[0]):
        _baseline_agent(i, pos, vel, new_vel, *args)
    return new_vel


_BASELINE_KERNELS = {False: _baseline_serial, True: _baseline_prange}


def baseline_box(pos: np.ndarray, box: float) -> float:
    """The box the baseline works in: ``box``, or in open space one 4× the school's extent."""
    if box > 0.0:
        return box
    return 4.0 * float(np.max(pos.max(axis=0) - pos.min(axis=0))) + 4.0 * R_A


def baseline_step(
    pos: np.ndarray, vel: np.ndarray, box: float, noise_sd: float = NOISE_SD, parallel=False
) -> tuple[np.ndarray, np.ndarray]:
    """One baseline step: new velocities (speed s) from the all-pairs loop, then c ← c + τ v, wrapped."""
    params = step_params()
    vel = _BASELINE_KERNELS[parallel](
        pos,
        vel,
        box,
        R_R,
        R_O,
        R_A,
        params.cos_half_fov,
        params.max_turn,
        noise_sd,
        SPEED,
        ORIENTATION_WEIGHT,
    )
    return np.mod(pos + vel * DT, box), vel


# ---------------------------------------------------------------------------------------------------
# timing


def time_per_step(steppers: dict, block: float, repeats: int) -> dict[str, float]:
    """Seconds per call of each stepper: best over ``repeats`` blocks of consecutive calls lasting
    about ``block`` seconds, of the mean per call. The blocks of the different steppers take turns,
    so that load from other processes falls on all of them alike. A stepper whose single call
    exceeds ``block`` runs one call per block; one exceeding :data:`SLOW` is timed twice only."""
    best, calls, rounds = {}, {}, {}
    for name, step_once in steppers.items():
        start = time.perf_counter()
        step_once()
        best[name] = time.perf_counter() - start
        calls[name] = max(1, int(block / best[name]))
        rounds[name] = min(1, repeats) if best[name] > SLOW else repeats
    for round_ in range(repeats):
        for name, step_once in steppers.items():
            if round_ >= rounds[name]:
                continue
            start = time.perf_counter()
            for _ in range(calls[name]):
                step_once()
            best[name] = min(best[name], (time.perf_counter() - start) / calls[name])
    return best


def simsuite_stepper(pos, head, params: StepParams, neighbours: str):
    """A closure taking one simsuite step (noise drawn, then ``step``) from the school given here
    per call."""
    rng = np.random.default_rng(SEED)

    def step_once():
        kernels.step(pos, head, params, draw_noise(rng, pos.shape[0], params), neighbours)

    return step_once


def baseline_stepper(pos, head, box: float, parallel: bool):
    """A closure taking one baseline step from the school given here per call."""
    box = baseline_box(pos, box)
    pos, vel = np.mod(pos, box), SPEED * head

    def step_once():
        baseline_step(pos, vel, box, parallel=parallel)

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
            baseline_stepper(pos, head, box, parallel)()


def fit_exponent(points: dict[int, float], n_min: int) -> tuple[float, list[int]]:
    """Slope of log t against log N over the points with N ≥ ``n_min`` (all when fewer than 2)."""
    sizes = sorted(n for n in points if n >= n_min)
    if len(sizes) < 2:
        sizes = sorted(points)
    if len(sizes) < 2:
        return math.nan, sizes
    slope = np.polyfit(np.log(sizes), np.log([points[n] for n in sizes]), 1)[0]
    return float(slope), sizes


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
        self.steppers = {"serial": baseline_stepper(self.pos, head, self.box, False)}
        if prange_baseline:
            self.steppers["prange"] = baseline_stepper(self.pos, head, self.box, True)
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


def load_average() -> str:
    """The system's 1, 5 and 15 minute load averages: other processes make parallel steps wait."""
    if not hasattr(os, "getloadavg"):
        return "load average: unknown"
    one, five, fifteen = os.getloadavg()
    return f"load average: {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cpus"


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
    for name, value in figures.items():
        print(f"{name}: {value:.2f}")


if __name__ == "__main__":
    main()
