"""The two cases of issue 20 for ``couzin_bench.py``: a dense school the cell list cannot prune, and
sparse schools up to 10⁶ agents. ``couzin_bench.py`` runs both (``--no-dense``, ``--no-sparse`` to skip)
and prints their figures after its own.

Dense case. The parameters of ``configs/couzin_torus.toml`` (r_r = 1, Δr_o = 1, Δr_a = 14, so r_a = 16;
α = 270°, 40°/s, τ = 0.1 s, σ = 0.05, s = 3, open space), read from that file, with N agents uniform in
a ball at the config's density (100 agents in radius 5: radius 5·(N/100)^{1/3}), headings isotropic;
N = 1600 and 6400 (``--dense-sizes``). Nearly every pair interacts: the table prints the mean number of
other agents within r_a. Timed in one round-robin (:func:`couzin_common.time_per_step`, as in
``couzin_bench.py``): simsuite's step (``draw_noise`` + ``kernels.step``, ``neighbours="auto"``), the
serial dewi-kadita baseline on the same school, and two "floors": numba kernels that only read the
positions and headings of every pair a search visits once and accumulate Σ (c_j − c_i)·v̂_j per agent
(``fastmath``, so the reads may be vectorised; ``prange`` over agents as the step): all N² ordered pairs
(the all-pairs search), or every pair of the 27-cell stencils of simsuite's cell list (cell building
not timed). The floor of the search ``auto`` picks is the one the figures use. Both floors are
plain loops in the kernels' (N, 3) layout, not tuned: where the cell list's stencils cover the whole
school (N = 1600) the cell floor reads the same N² pairs faster than the all-pairs floor, so compare
the two rows before reading the all-pairs floor as a hard lower bound.

Sparse case. The school of ``couzin_bench.py`` (ball of radius 5 N^{1/3}, r_a = 15: ~27 neighbours
within r_a inside) at N = 10⁴, 10⁵, 10⁶ (``--sparse-sizes``), each an actual run of 100 consecutive
steps (``--sparse-steps``) with the cell list; a run stops early when it has taken ``--sparse-budget``
seconds (default 300), and the output then says how many steps it ran. The time per step of a run is
the mean over its steps (the school starts to condense: the table prints the neighbours within r_a
before and after). Memory: the process's peak resident set size (``getrusage`` ``ru_maxrss``) before
and after the largest run; the largest run is the last and by far the largest allocation, so the peak
after it is its peak. Torus at scale: N = 10⁵ agents (``--torus-n``) in the torus parameters at the
config's density, a short actual run (``--torus-steps``, default 5) projected to 1000 steps at its mean
cost per step (a school that condenses further costs more later).

Figures (returned to ``couzin_bench.py``, which prints them last), for each dense N:

* ``couzin_dense_ms_per_step_N{N}``: simsuite ``auto``, ms per step;
* ``couzin_dense_ns_per_interacting_pair_N{N}``: that time / the ordered pairs within r_a, in ns;
* ``couzin_dense_speedup_N{N}``: baseline ms per step / simsuite's, on the same school; and
  ``couzin_dense_speedup_target_N{N}``: the issue's target (30 at N = 1600, 40 at N = 6400; other
  sizes have none and print no target);
* ``couzin_dense_floor_ratio_N{N}``: simsuite's time per step / the floor of the search it used;

and for the sparse case, with S the largest sparse size and T the torus size:

* ``couzin_sparse_ms_per_step_N{N}`` for each sparse N (mean over the steps of its run);
* ``couzin_sparse_scaling_exponent``: slope of log(ms per step) against log N over the sparse sizes;
* ``couzin_sparse_steps_run_N{S}``: the steps the largest run took (fewer than asked if over budget);
* ``couzin_sparse_peak_rss_mib_N{S}``: peak resident set size of the process after that run, MiB;
* ``couzin_torus_steps_measured_N{T}``, ``couzin_torus_ms_per_step_N{T}`` and
  ``couzin_torus_projected_minutes_N{T}_1000_steps`` (1000 × the mean time per step, in minutes).
"""

from __future__ import annotations

import math
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numba
import numpy as np
from scipy.spatial import cKDTree

import simsuite
from simsuite.models.couzin import kernels
from simsuite.models.couzin.cells import build_cells
from simsuite.models.couzin.initial import isotropic_headings, uniform_ball
from simsuite.models.couzin.neighbours import choose_neighbour_search
from simsuite.models.couzin.params import StepParams
from simsuite.models.couzin.turning import draw_noise

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
from couzin_common import baseline_stepper, fit_exponent, time_per_step  # noqa: E402

TORUS_CONFIG = HERE.parent / "configs" / "couzin_torus.toml"
DENSE_TARGETS = {1600: 30.0, 6400: 40.0}  # issue 20: speedup over the dewi-kadita-cost baseline
SEED = 2020


def torus_setup() -> tuple[StepParams, float, int]:
    """Step parameters of ``configs/couzin_torus.toml`` and its school: ball radius and agents."""
    config = simsuite.load_config(TORUS_CONFIG)
    return config.step_params(), config.initial_condition.radius, config.agents.n


def canonical_school(n: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """``n`` agents uniform in a ball at the torus config's density, isotropic headings."""
    _, radius, n_config = torus_setup()
    rng = np.random.default_rng(seed)
    pos = uniform_ball(rng, n, radius * (n / n_config) ** (1.0 / 3.0))
    return pos, isotropic_headings(rng, n)


def ordered_pairs_within(pos: np.ndarray, r: float) -> int:
    """Ordered pairs (i, j), i ≠ j, with |c_j − c_i| ≤ r."""
    tree = cKDTree(pos)
    return int(tree.count_neighbors(tree, r)) - len(pos)


# ---------------------------------------------------------------------------------------------------
# floors: read every visited pair's position and heading once


@numba.njit(parallel=True, fastmath=True)
def floor_all_pairs(pos, head, out):
    """out[i] = Σ_j (c_j − c_i)·v̂_j over all j: every ordered pair read once."""
    n = pos.shape[0]
    for i in numba.prange(n):
        xi, yi, zi = pos[i, 0], pos[i, 1], pos[i, 2]
        acc = 0.0
        for j in range(n):
            acc += (pos[j, 0] - xi) * head[j, 0] + (pos[j, 1] - yi) * head[j, 1]
            acc += (pos[j, 2] - zi) * head[j, 2]
        out[i] = acc


@numba.njit(parallel=True, fastmath=True)
def floor_cells(ps, hs, cell_of, start, nx, ny, nz, out, visits):
    """As :func:`floor_all_pairs` over the 27-cell stencil of each agent (open space, cells of
    :func:`~simsuite.models.couzin.cells.build_cells`); ``visits[k]``: the pairs agent k read."""
    for k in numba.prange(ps.shape[0]):
        xi, yi, zi = ps[k, 0], ps[k, 1], ps[k, 2]
        c = cell_of[k]
        cx, cy, cz = c % nx, (c // nx) % ny, c // (nx * ny)
        x0, x1 = max(cx - 1, 0), min(cx + 1, nx - 1)
        acc = 0.0
        count = 0
        for z in range(max(cz - 1, 0), min(cz + 1, nz - 1) + 1):
            for y in range(max(cy - 1, 0), min(cy + 1, ny - 1) + 1):
                row = (z * ny + y) * nx
                m0, m1 = start[row + x0], start[row + x1 + 1]
                for m in range(m0, m1):
                    acc += (ps[m, 0] - xi) * hs[m, 0] + (ps[m, 1] - yi) * hs[m, 1]
                    acc += (ps[m, 2] - zi) * hs[m, 2]
                count += m1 - m0
        out[k] = acc
        visits[k] = count


def floor_steppers(pos: np.ndarray, head: np.ndarray, r_a: float) -> tuple[dict, int]:
    """Closures calling each floor on this school, and the ordered pairs the cell list visits."""
    n = pos.shape[0]
    ok, nx, ny, nz, start, _, cell_of, ps, hs = build_cells(pos, head, r_a, 0.0, max(64, 4 * n))
    assert ok  # open space always has a grid
    out, visits = np.empty(n), np.empty(n, dtype=np.int64)
    floor_cells(ps, hs, cell_of, start, nx, ny, nz, out, visits)
    steppers = {
        "floor_all_pairs": lambda: floor_all_pairs(pos, head, out),
        "floor_cell": lambda: floor_cells(ps, hs, cell_of, start, nx, ny, nz, out, visits),
    }
    return steppers, int(visits.sum())


# ---------------------------------------------------------------------------------------------------
# dense case


def dense_steppers(pos: np.ndarray, head: np.ndarray, params: StepParams) -> tuple[dict, int]:
    """simsuite ``auto``, the serial baseline and both floors on one school; cell-list pair visits."""
    rng = np.random.default_rng(SEED)

    def simsuite_step():
        kernels.step(pos, head, params, draw_noise(rng, pos.shape[0], params), "auto")

    steppers = {
        "simsuite": simsuite_step,
        "baseline": baseline_stepper(pos, head, 0.0, params, False),
    }
    floors, cell_visits = floor_steppers(pos, head, params.r_a)
    steppers.update(floors)
    return steppers, cell_visits


def run_dense(sizes: list[int], block: float, repeats: int) -> dict[str, float]:
    """Time the dense case at each size (one round-robin over all), print its table, return figures."""
    params, radius, n_config = torus_setup()
    warm_pos, warm_head = canonical_school(200)
    for step_once in dense_steppers(warm_pos, warm_head, params)[0].values():
        step_once()  # compile
    schools = {n: canonical_school(n) for n in sizes}
    steppers, visits = {}, {}
    for n, (pos, head) in schools.items():
        case, visits[n] = dense_steppers(pos, head, params)
        steppers.update({(n, name): f for name, f in case.items()})
    timed = time_per_step(steppers, block, repeats)

    print(
        f"# dense case: {TORUS_CONFIG.name} (r_r={params.r_r:g} r_o={params.r_o:g} r_a={params.r_a:g}), "
        f"ball radius {radius:g} (N/{n_config})^(1/3); ns/pair per N^2 ordered pairs, per pair "
        f"within r_a, and per pair the chosen search reads"
    )
    head_row = f"{'N':>7} {'kernel':<28} {'ms/step':>10} {'ns/N^2':>8} {'ns/int':>8} {'ns/read':>8}"
    print(head_row + f" {'speedup':>8}")
    figures = {}
    for n, (pos, _) in schools.items():
        chosen = choose_neighbour_search(pos, params)
        interacting = ordered_pairs_within(pos, params.r_a)
        read = {"all_pairs": n * n, "cell": visits[n]}
        print(
            f"# N = {n}, ball radius {radius * (n / n_config) ** (1 / 3):.1f}: "
            f"{interacting / n:.1f} of {n - 1} others within r_a on average; auto picks {chosen}; "
            f"the cell list reads {visits[n] / (n * n):.0%} of the N^2 pairs"
        )
        t = {
            name: timed[n, name]
            for name in ("simsuite", "baseline", "floor_all_pairs", "floor_cell")
        }
        floor = t["floor_cell" if chosen == "cell" else "floor_all_pairs"]
        for name, label, reads in (
            ("baseline", "baseline dewi-kadita (serial)", n * n),
            ("simsuite", f"simsuite auto ({chosen})", read[chosen]),
            ("floor_all_pairs", "floor: read all pairs", n * n),
            ("floor_cell", "floor: read cell-list pairs", visits[n]),
        ):
            seconds = t[name]
            print(
                f"{n:>7} {label:<28} {1e3 * seconds:10.3f} {1e9 * seconds / (n * n):8.2f} "
                f"{1e9 * seconds / interacting:8.2f} {1e9 * seconds / reads:8.2f} "
                f"{t['baseline'] / seconds:8.2f}"
            )
        speedup = t["baseline"] / t["simsuite"]
        target = DENSE_TARGETS.get(n)
        verdict = (
            "no target"
            if target is None
            else f"target >= {target:g}x: " + ("met" if speedup >= target else "NOT met")
        )
        print(
            f"# N = {n}: speedup {speedup:.1f}x over the baseline ({verdict}); a step costs "
            f"{t['simsuite'] / floor:.1f}x the floor of {chosen} (reading its pairs once)"
        )
        figures[f"couzin_dense_ms_per_step_N{n}"] = 1e3 * t["simsuite"]
        figures[f"couzin_dense_ns_per_interacting_pair_N{n}"] = 1e9 * t["simsuite"] / interacting
        figures[f"couzin_dense_speedup_N{n}"] = speedup
        if target is not None:
            figures[f"couzin_dense_speedup_target_N{n}"] = target
        figures[f"couzin_dense_floor_ratio_N{n}"] = t["simsuite"] / floor
    return figures


# ---------------------------------------------------------------------------------------------------
# sparse case


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def actual_run(
    pos: np.ndarray, head: np.ndarray, params: StepParams, steps: int, budget: float, search: str
) -> tuple[list[float], np.ndarray]:
    """Wall seconds of each of up to ``steps`` consecutive steps (stopping once ``budget`` seconds
    have passed), and the final positions."""
    rng = np.random.default_rng(SEED)
    walls = []
    begin = time.perf_counter()
    for _ in range(steps):
        start = time.perf_counter()
        pos, head = kernels.step(pos, head, params, draw_noise(rng, pos.shape[0], params), search)
        walls.append(time.perf_counter() - start)
        if time.perf_counter() - begin > budget:
            break
    return walls, pos


def run_sparse(
    sizes: list[int],
    steps: int,
    budget: float,
    school: Callable[[int], tuple[np.ndarray, np.ndarray]],
    params: StepParams,
    torus_n: int,
    torus_steps: int,
) -> dict[str, float]:
    """Actual cell-list runs on ``school(n)`` at each size, then the torus run; returns figures."""
    print(
        f"# sparse case: couzin_bench's school (r_a={params.r_a:g}), {steps} consecutive steps per "
        f"size with the cell list (budget {budget:g} s per run), on {numba.get_num_threads()} threads"
    )
    per_step, figures = {}, {}
    largest = max(sizes)
    for n in sorted(sizes):
        pos, head = school(n)
        before = ordered_pairs_within(pos, params.r_a) / n
        rss_before = peak_rss_mib()
        walls, pos = actual_run(pos, head, params, steps, budget, "cell")
        rss_after = peak_rss_mib()
        per_step[n] = float(np.mean(walls))
        after = ordered_pairs_within(pos, params.r_a) / n
        note = "" if len(walls) == steps else f" (budget reached: {steps} asked)"
        print(
            f"{n:>8} agents: {len(walls)} steps{note} in {sum(walls):.1f} s, mean "
            f"{1e3 * per_step[n]:.3f} ms/step (min {1e3 * min(walls):.3f}, max {1e3 * max(walls):.3f}); "
            f"neighbours within r_a {before:.1f} -> {after:.1f}; peak RSS {rss_before:.0f} -> "
            f"{rss_after:.0f} MiB"
        )
        figures[f"couzin_sparse_ms_per_step_N{n}"] = 1e3 * per_step[n]
        if n == largest:
            steps_run, peak = len(walls), rss_after
    exponent, fitted = fit_exponent(per_step, 0)
    print(f"# sparse: time per step ~ N^{exponent:.3f} over N = {fitted}")
    figures["couzin_sparse_scaling_exponent"] = exponent
    figures[f"couzin_sparse_steps_run_N{largest}"] = float(steps_run)
    figures[f"couzin_sparse_peak_rss_mib_N{largest}"] = peak

    torus, _, _ = torus_setup()
    pos, head = canonical_school(torus_n)
    chosen = choose_neighbour_search(pos, torus)
    walls, _ = actual_run(pos, head, torus, torus_steps, math.inf, "auto")
    mean = float(np.mean(walls))
    projected = 1000 * mean / 60.0
    print(
        f"# torus parameters at the config's density, N = {torus_n} ({chosen}): {len(walls)} steps "
        f"measured, mean {mean:.3f} s/step (min {min(walls):.3f}, max {max(walls):.3f}); "
        f"1000 steps projected at {projected:.1f} min (not run)"
    )
    figures[f"couzin_torus_steps_measured_N{torus_n}"] = float(len(walls))
    figures[f"couzin_torus_ms_per_step_N{torus_n}"] = 1e3 * mean
    figures[f"couzin_torus_projected_minutes_N{torus_n}_1000_steps"] = projected
    return figures
