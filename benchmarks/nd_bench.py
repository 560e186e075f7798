"""Cost of the NLSE on 2D and 3D grids against its FFTs, and what a second thread gains.

Problem: i ψ_t + ½∇²ψ + |ψ|²ψ = 0 on [−20, 20)^d, the state a field with |ψ| = 1 and random phases
(generic numbers of order one: no subnormal spectrum, which a smooth Gaussian's far modes would
give). Every ratio is of two times measured in the same run, interleaved (each repeat times every
candidate once in turn; the smallest time of each is kept), so a slow phase of the machine hits
them alike.

Measured:

1. (printed last) the FFT pair (inverse + forward over the whole array) by backend — FFTW with
   estimated plans (bitwise reproducible), FFTW with measured plans (``run.fft = "fftw_measure"``;
   the planning time is printed), ``scipy.fft`` — on 1 and 2 threads, at 512² and 128³;
2. one evaluation of N(ψ̂) = F(i g|ψ|²ψ) (``problem.nonlinear``, with ``run.fft = "auto"``:
   ``scipy.fft`` on 2D grids) over two FFTW transforms (estimated plans) on 512² (goal ≤ 1.5), and
   over the run's own two transforms;
3. a whole ``etd_abm8`` step and a whole ``ssf4`` step over the same two transforms (goal ≤ 4);
4. ``run.threads = 2`` against 1 for a fixed number of ``ssf4`` steps at 512² and 128³ (goal
   ≥ 1.6 on a 2-core machine), and whether the two results are bitwise equal.

Usage: ``python benchmarks/nd_bench.py [--quick] [--json PATH [--note TEXT]]``. The last lines are
the figures, one per line; ``--json PATH`` saves them with the rows and the run's circumstances
(date, cores, load average, commit, ``--note``) as :mod:`bench_record` does.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numba
import numpy as np

from simsuite.config import build_config
from simsuite.runner import build
from simsuite.spectral.nd_fft import ComplexFFTND

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:  # the sibling module below
    sys.path.insert(0, HERE)
import bench_record  # noqa: E402

DT = 1e-3


def config(shape: tuple[int, ...], method: str, threads: int, fft: str = "auto"):
    """An nlse run on [−20, 20)^d with ``shape`` points per axis (x, y, z order)."""
    return build_config(
        {
            "model": {"name": "nlse"},
            "grid": {"x_min": -20.0, "x_max": 20.0, "n_points": list(shape)},
            "time": {"t_final": 1.0, "dt": DT},
            "integrator": {"method": method},
            "run": {"threads": threads, "fft": fft},
            "output": {"path": ""},
            "initial_condition": {"type": "gaussian", "width": 4.0},
        }
    )


def generic_state(problem) -> np.ndarray:
    """F ψ for ψ = exp(iθ) with random phases θ (seed 7)."""
    shape = problem.grid.shape
    phase = np.random.default_rng(7).uniform(0.0, 2.0 * np.pi, shape)
    return problem.to_spectral(np.exp(1j * phase))


def interleaved_best(funcs: dict, rounds: int) -> dict[str, float]:
    """Smallest wall time of each function over ``rounds`` rounds calling every one once in turn."""
    best = dict.fromkeys(funcs, np.inf)
    for _ in range(rounds):
        for name, func in funcs.items():
            start = time.perf_counter()
            func()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def pair_of(fft: ComplexFFTND, u: np.ndarray, calls: int):
    """``calls`` inverse + forward transforms of the plan's own buffers (no copies)."""
    if fft.backend == "scipy":
        import scipy.fft as sfft

        def run():
            for _ in range(calls):
                sfft.fftn(sfft.ifftn(u, workers=fft.workers), workers=fft.workers, overwrite_x=True)

        return run
    fft.backward(u)

    def run():
        for _ in range(calls):
            fft._backward.execute()
            fft._forward.execute()

    return run


def fft_table(shape, rounds: int, calls: int) -> tuple[list[dict], dict[str, float]]:
    """Pair time and planning time of every backend on 1 and 2 threads."""
    rng = np.random.default_rng(3)
    u = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    plans, planning = {}, {}
    for backend in ("fftw", "scipy", "fftw_measure"):  # estimated plans before any measured one
        for workers in (1, 2):
            start = time.perf_counter()
            plans[(backend, workers)] = ComplexFFTND(shape, workers, backend)
            planning[(backend, workers)] = time.perf_counter() - start
    funcs = {key: pair_of(fft, u, calls) for key, fft in plans.items()}
    best = interleaved_best(funcs, rounds)
    rows = [
        {
            "shape": list(shape),
            "backend": backend,
            "threads": workers,
            "pair_ms": 1e3 * best[(backend, workers)] / calls,
            "planning_s": planning[(backend, workers)],
        }
        for backend, workers in plans
    ]
    return rows, {f"{b}_{w}": best[(b, w)] / calls for b, w in plans}


def cost_ratios(shape, rounds: int, calls: int, steps: int) -> dict[str, float]:
    """N, an etd_abm8 step and an ssf4 step over two FFTW transforms, 1 thread."""
    model, ssf4 = build(config(shape, "ssf4", 1))
    _, etd = build(config(shape, "etd_abm8", 1))
    problem = model.problem
    u = generic_state(problem)
    problem.nonlinear(u)  # compile
    x_ssf, _ = ssf4.advance(u, 0.0, DT)
    # past the start-up: every later call continues the Adams history with steps of DT
    now = {"etd": etd.advance(u, 0.0, 8 * DT)}

    def n_calls():
        for _ in range(calls):
            problem.nonlinear(u)

    def etd_steps():
        x, t = now["etd"]
        now["etd"] = etd.advance(x, t, t + steps * DT)

    funcs = {
        "pair": pair_of(ComplexFFTND(problem.grid.shape, 1, "fftw"), u, calls),
        "own pair": pair_of(problem.fft, u, calls),
        "nonlinear": n_calls,
        "ssf4": lambda: ssf4.advance(x_ssf, DT, DT + steps * DT),
        "etd_abm8": etd_steps,
    }
    best = interleaved_best(funcs, rounds)
    pair, own = best["pair"] / calls, best["own pair"] / calls
    return {
        "backend": problem.fft.backend,
        "pair_ms": 1e3 * pair,
        "own_pair_ms": 1e3 * own,
        "nonlinear": best["nonlinear"] / calls / pair,
        "ssf4_step": best["ssf4"] / steps / pair,
        "etd_abm8_step": best["etd_abm8"] / steps / pair,
        "nonlinear_vs_own": best["nonlinear"] / calls / own,
        "ssf4_step_vs_own": best["ssf4"] / steps / own,
        "etd_abm8_step_vs_own": best["etd_abm8"] / steps / own,
    }


def thread_speedup(shape, rounds: int, steps: int) -> dict[str, float]:
    """Wall time of ``steps`` ssf4 steps on 1 thread over 2 threads, and bitwise equality."""
    steppers, results = {}, {}
    u = None
    for threads in (1, 2):
        model, stepper = build(config(shape, "ssf4", threads))
        u = generic_state(model.problem) if u is None else u
        stepper.advance(u, 0.0, DT)  # compile, build the propagators
        steppers[threads] = stepper

    def stepping(threads):
        def run():
            numba.set_num_threads(threads)
            results[threads] = steppers[threads].advance(u, 0.0, steps * DT)[0]

        return run

    best = interleaved_best({threads: stepping(threads) for threads in (1, 2)}, rounds)
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    return {
        "speedup": best[1] / best[2],
        "wall_1_s": best[1],
        "wall_2_s": best[2],
        "bitwise": float(np.array_equal(results[1], results[2])),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="small grids, few repeats (a smoke run)"
    )
    parser.add_argument("--json", metavar="PATH", help="also save the figures and rows to PATH")
    parser.add_argument("--note", help="a remark saved with --json (e.g. 'loaded machine')")
    args = parser.parse_args(argv)
    plane, cube = ((32, 32), (16, 16, 16)) if args.quick else ((512, 512), (128, 128, 128))
    rounds = 2 if args.quick else 7
    meta = bench_record.metadata(args.note, argv, quick=args.quick, plane=plane, cube=cube)
    rows, figures = [], {}
    name = "x".join(map(str, plane))
    costs = cost_ratios(plane, rounds, calls=10, steps=5)
    print(
        f"{name}: two FFTW transforms {costs['pair_ms']:.2f} ms (estimated plans, 1 thread); "
        f"the run's ({costs['backend']}, run.fft = auto) {costs['own_pair_ms']:.2f} ms"
    )
    for what in ("nonlinear", "ssf4_step", "etd_abm8_step"):
        print(f"{name}: {what} over the run's own two transforms: {costs[what + '_vs_own']:.2f}")
    rows.append({"shape": list(plane), **costs})
    figures[f"nd_nonlinear_cost_vs_two_ffts_{name}"] = costs["nonlinear"]
    figures[f"nd_ssf4_step_cost_vs_two_ffts_{name}"] = costs["ssf4_step"]
    figures[f"nd_etd_abm8_step_cost_vs_two_ffts_{name}"] = costs["etd_abm8_step"]
    for shape, steps in ((plane, 10), (cube, 2)):
        grid = "x".join(map(str, shape))
        speed = thread_speedup(shape, rounds, steps)
        print(
            f"{grid}: {steps} ssf4 steps {speed['wall_1_s']:.3f} s on 1 thread, "
            f"{speed['wall_2_s']:.3f} s on 2; bitwise equal: {bool(speed['bitwise'])}"
        )
        rows.append({"shape": list(shape), "ssf4_steps": steps, **speed})
        figures[f"nd_threads2_speedup_{grid}"] = speed["speedup"]
        figures[f"nd_threads2_bitwise_{grid}"] = speed["bitwise"]
    # last: FFTW keeps the wisdom of measured plans in the process, and estimated plans of the
    # same size made after them reuse it (they would no longer be the default's plans)
    print(f"{'grid':>12} {'backend':<13} {'threads':>7} {'pair [ms]':>10} {'planning [s]':>12}")
    for shape, calls in ((plane, 10), (cube, 2)):
        table, _ = fft_table(shape, rounds, calls)
        for row in table:
            grid = "x".join(map(str, shape))
            print(
                f"{grid:>12} {row['backend']:<13} {row['threads']:>7} {row['pair_ms']:10.2f} "
                f"{row['planning_s']:12.2f}"
            )
        rows.extend(table)
    for fig, value in figures.items():
        print(f"{fig}: {value:.2f}")
    if args.json:
        problem = {
            "name": "nlse on 2D/3D periodic grids, |psi| = 1 with random phases",
            "domain": [-20.0, 20.0],
            "dt": DT,
            "goals": {"nonlinear": 1.5, "steps": 4.0, "threads2_speedup": 1.6},
        }
        bench_record.write(args.json, "nd", meta, problem, rows, figures)


if __name__ == "__main__":
    main()
