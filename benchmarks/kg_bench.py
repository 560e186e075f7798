"""Work–precision benchmark of the Klein–Gordon integrators against the seed package's leapfrog.

Problem: ``configs/kg_collision.toml``, the φ⁴ kink–antikink collision (λ = 2, v = 1, walls at ∓10
moving toward each other at u = 0.3) on the periodic grid [−50, 50) with 1024 points, t = 0..100.

Baseline (measured in this process): the two-step leapfrog φⁿ⁺¹ = 2φⁿ − φⁿ⁻¹ + dt² F(φⁿ),
F = φ_xx − V′(φ), with φ_xx through the complex ``numpy.fft`` (fft, ifft, real part), as the seed
package did, at dt = 0.5/k_max shortened so that an integer number of steps lands on t_final. It starts
from the exact φ⁰, φ_t⁰ with the Taylor step φ¹ = φ⁰ + dt φ_t⁰ + ½dt² F(φ⁰) and, like the seed,
recomputes the energy E = Σ (½φ_t² + ½φ_x² + V(φ)) dx and the momentum P = −Σ φ_t φ_x dx at every step,
with φ_t = (φⁿ⁺¹ − φⁿ⁻¹)/(2dt) and φ_x spectral. It is written as well as plain vectorised numpy
allows: one forward FFT of φⁿ serves both φ_xx and φ_x (one fft and two ifft per step). This scheme
is Störmer–Verlet in disguise (its centred-difference φ_t is Verlet's velocity), so simsuite's
``verlet`` at the same step reproduces it to round-off and isolates the cost per step.

Every simsuite integrator runs at a few steps (tolerances for dop853); steps above the stability
limit are refused by the config and reported as such. For every run, baseline included:

* wall time, best of 2 (1 with ``--quick``), and the time per step. simsuite's includes building the
  run and stopping at the sample times to take the energy, as a run with snapshots does; the
  baseline's includes its every-step energy and momentum, as the seed's did;
* max relative energy error, max_k |E(t_k) − E(0)|/|E(0)|, with E from ``problem.invariants`` on
  (φ, φ_t) at 101 sample times t_k: the steps rint(k N/100) of the N steps of a fixed-step run (the
  baseline included, its φ_t being the centred difference), k t_final/100 for dop853. The baseline's
  own every-step energy error (its formula, numpy.fft φ_x) is printed beside it;
* final-field error max |φ(t_final) − φ_ref|, φ_ref from ``yoshida6`` at a small step (its distance to
  the same method at twice the step, ~63 times its own error, is printed).

Figures (printed last, one per line):

* ``kg_speedup_vs_leapfrog``: baseline wall time / wall time of the fastest simsuite run whose energy
  error is no larger than the baseline's (both through ``problem.invariants`` at the sample times;
  equal to 1e-6 relative counts, so that round-off does not decide the tie with ``verlet`` at the
  leapfrog's step);
* ``kg_speedup_vs_leapfrog_equal_accuracy``: the same, requiring a final-field error no larger than the
  baseline's (same slack);
* ``kg_step_cost_vs_ffts``: time per step of simsuite ``verlet`` (one uninterrupted ``advance`` over
  the run) / time of the transform pair its force needs, as the step does it (its two FFTW plans
  executed from compiled code, ``simsuite.models.klein_gordon.kernels``; the basis's pyFFTW plans from Python,
  or ``scipy.fft.rfft`` + ``irfft`` with ``run.fft = "scipy"``, where the steps are not compiled);
* ``kg_step_cost_vs_scipy_ffts``: the same step time / a scipy.fft rfft + irfft pair (the
  transforms before FFTW);
* ``kg_fft_fraction_baseline``: time of the baseline's FFTs (fft + two ifft) / its time per step.

A speedup of 0 means that no simsuite run reached the baseline's error.

Usage: ``python benchmarks/kg_bench.py [--quick] [--n N] [--t-final T] [--json PATH [--note TEXT]]``.
The last lines are the figures, one per line. ``--json PATH`` also saves every measured row, the
baseline's included, with the figures and the run's circumstances (date, cores, load average,
commit; ``--note`` adds a remark such as "loaded machine"), for ``benchmarks/work_precision.py``.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np
import scipy.fft as sfft

from simsuite.config import ConfigError, load_config
from simsuite.runner import build
from simsuite.spectral import fftw_numba

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:  # the sibling module below
    sys.path.insert(0, HERE)
import bench_record  # noqa: E402

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "kg_collision.toml"
SAMPLES = 100  # energy sample times per run
LEAPFROG = "leapfrog"  # a dt that stands for the baseline's own step
REFERENCE_DT = 0.005  # yoshida6

CANDIDATES = [
    ("verlet", {"dt": LEAPFROG}),
    ("verlet", {"dt": 0.01}),
    ("verlet", {"dt": 0.02}),
    ("verlet", {"dt": 0.04}),
    ("verlet", {"dt": 0.05}),
    ("yoshida4", {"dt": 0.02}),
    ("yoshida4", {"dt": 0.03}),
    ("yoshida4", {"dt": 0.04}),
    ("yoshida6", {"dt": 0.04}),
    ("exponential_verlet", {"dt": 0.01}),
    ("exponential_verlet", {"dt": 0.02}),
    ("exponential_verlet", {"dt": 0.05}),
    ("exponential_yoshida4", {"dt": 0.05}),
    ("exponential_yoshida4", {"dt": 0.1}),
    ("exponential_yoshida4", {"dt": 0.125}),
    ("exponential_yoshida6", {"dt": 0.2}),
    ("blanes_moan4", {"dt": 0.05}),
    ("exponential_blanes_moan4", {"dt": 0.2}),
    ("exponential_blanes_moan4", {"dt": 0.25}),
    ("exponential_blanes_moan4", {"dt": 0.3}),
    ("exponential_blanes_moan4", {"dt": 0.35}),
    ("exponential_blanes_moan4", {"dt": 0.375}),
    ("dop853", {"rtol": 1e-8, "atol": 1e-10}),
]
QUICK = [0, 2, 5, 13, 20, 21]
# relative slack in "error no larger than the baseline's": verlet at the leapfrog's step is the same
# scheme, and round-off (~1e-11 relative) must not decide whether it counts
TIE = 1e-6
COST_DT = 0.02  # step of the verlet run timed for kg_step_cost_vs_ffts


def config(n: int, t_final: float, method: str, dt: float = 0.01, **integrator):
    overrides = {
        "time.t_final": t_final,
        "time.dt": dt,
        "integrator.method": method,
        "grid.n_points": n,
        "output.path": "",
        "run.threads": 1,
    }
    overrides.update({f"integrator.{key}": value for key, value in integrator.items()})
    return load_config(CONFIG, overrides)


def best_of(repeats: int, func):
    """Smallest wall time over ``repeats`` calls, and the last result."""
    best, result = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def equal_steps(t_final: float, dt: float) -> tuple[int, float]:
    """Steps of size ≤ dt landing on t_final, as the fixed-step integrators count them."""
    steps = max(1, math.ceil(t_final / dt * (1.0 - 1e-12)))
    return steps, t_final / steps


def sample_steps(steps: int) -> np.ndarray:
    """Indices of the ~SAMPLES + 1 steps, 0 and ``steps`` included, at which the energy is taken."""
    return np.unique(np.rint(np.linspace(0, steps, SAMPLES + 1)).astype(int))


class Run(NamedTuple):
    """One timed run: wall time, steps, force evaluations, the states (φ, φ_t) at the sample times
    (the last at t_final) and their energies from ``problem.invariants``."""

    wall: float
    steps: int
    n_rhs: int
    states: list[np.ndarray]
    energies: list[float]

    def energy_error(self) -> float:
        """max_k |E(t_k) − E(0)|/|E(0)|."""
        e0 = self.energies[0]
        return max(abs(e - e0) for e in self.energies) / abs(e0)

    def field_error(self, phi_ref: np.ndarray) -> float:
        return float(np.max(np.abs(self.states[-1][0] - phi_ref)))


def leapfrog_baseline(n: int, t_final: float, repeats: int) -> tuple[Run, float, float]:
    """The seed's scheme (module docstring): the run, its dt and its own every-step energy error.
    The sampled energies are evaluated after the timing (the seed's own are inside it)."""
    cfg = config(n, t_final, "verlet")
    model, _ = build(cfg)  # the grid and the exact initial data only
    lam, v2 = cfg.potential.lambda_, cfg.potential.vacuum**2
    dx = model.basis.dx
    k = 2.0 * np.pi * np.fft.fftfreq(n, d=dx)
    minus_k2, ik = -(k**2), 1j * k
    steps, dt = equal_steps(t_final, 0.5 / model.basis.k_max)
    dt2 = dt * dt
    wanted = set(sample_steps(steps).tolist())
    phi0, pi0 = model.phi0, model.pi0

    def force_and_gradient(phi):
        phi_hat = np.fft.fft(phi)
        lap = np.fft.ifft(minus_k2 * phi_hat).real
        phi_x = np.fft.ifft(ik * phi_hat).real
        return lap - lam * phi * (phi * phi - v2), phi_x

    def energy(phi, phi_t, phi_x):
        d = phi * phi - v2
        return np.sum(0.5 * phi_t**2 + 0.5 * phi_x**2 + 0.25 * lam * d * d) * dx

    def solve():
        energies, momenta = np.empty(steps), np.empty(steps)
        force, phi_x = force_and_gradient(phi0)
        energies[0] = energy(phi0, pi0, phi_x)
        momenta[0] = -np.sum(pi0 * phi_x) * dx
        snapshots = [(phi0, pi0)]
        phi_prev, phi = phi0, phi0 + dt * pi0 + 0.5 * dt2 * force
        for step in range(1, steps):
            force, phi_x = force_and_gradient(phi)
            phi_next = 2.0 * phi - phi_prev + dt2 * force
            phi_t = (phi_next - phi_prev) / (2.0 * dt)
            energies[step] = energy(phi, phi_t, phi_x)
            momenta[step] = -np.sum(phi_t * phi_x) * dx
            if step in wanted:
                snapshots.append((phi, phi_t))
            phi_prev, phi = phi, phi_next
        return phi_prev, phi, energies, momenta, snapshots

    wall, (phi_prev, phi, energies, _, snapshots) = best_of(repeats, solve)
    # φ_t at the last step: Verlet's closing half kick, (φᴺ − φᴺ⁻¹)/dt + ½dt F(φᴺ)
    force, _ = force_and_gradient(phi)
    snapshots.append((phi, (phi - phi_prev) / dt + 0.5 * dt * force))
    states = [np.stack(s) for s in snapshots]
    sampled = [model.problem.invariants(u)["energy"] for u in states]
    own_error = float(np.max(np.abs(energies - energies[0])) / abs(energies[0]))
    return Run(wall, steps, steps, states, sampled), dt, own_error


def simsuite_run(n: int, t_final: float, method: str, repeats: int, dt=None, **options) -> Run:
    """One run, stopping at the sample times to take the energy (both timed, as in a run with
    snapshots). Fixed steps: ``dt`` shortened to land on t_final, samples at the baseline's steps;
    adaptive: ``dt=None``, ``options`` the tolerances, samples at k·t_final/SAMPLES."""
    if dt is None:
        cfg = config(n, t_final, method, **options)
        times = np.linspace(0.0, t_final, SAMPLES + 1)
    else:
        steps, h = equal_steps(t_final, dt)
        cfg = config(n, t_final, method, dt=h, **options)
        times = h * sample_steps(steps)
        times[-1] = t_final

    def solve():
        model, stepper = build(cfg)
        u, t = model.initial_state(), 0.0
        states, energies = [u], [model.problem.invariants(u)["energy"]]
        for t_next in times[1:]:
            u, t = stepper.advance(u, t, t_next)
            states.append(u)
            energies.append(model.problem.invariants(u)["energy"])
        return stepper.stats, states, energies

    wall, (stats, states, energies) = best_of(repeats, solve)
    return Run(wall, stats.n_steps, stats.n_rhs, states, energies)


def reference(n: int, t_final: float) -> tuple[np.ndarray, float]:
    """φ(t_final) from yoshida6 at REFERENCE_DT, and its distance to the run at twice the step (for
    order 6, ~63 times the reference's own error)."""
    finals = []
    for dt in (REFERENCE_DT, 2 * REFERENCE_DT):
        model, stepper = build(config(n, t_final, "yoshida6", dt=dt))
        u, _ = stepper.advance(model.initial_state(), 0.0, t_final)
        finals.append(u[0])
    return finals[0], float(np.max(np.abs(finals[0] - finals[1])))


def _per_call(func, calls: int) -> float:
    def loop():
        for _ in range(calls):
            func()

    return best_of(5, loop)[0] / calls


def fft_pair_time(n: int, calls: int) -> float:
    """One rfft + irfft of the field as the verlet step does them: its FFTW plans executed from
    compiled code when the model runs compiled steps, else the basis's FFTW plan executed from
    Python (``run.fft``), else scipy.fft."""
    model, _ = build(config(n, 1.0, "verlet"))
    plan, phi = model.basis.plan, model.phi0
    if model.problem.kernels is not None:
        compiled = model.problem._compiled["plan"]
        compiled.real[:] = phi
        args = (compiled.execute_address, compiled.r2c, compiled.c2r)
        fftw_numba.execute_pairs(*args, 1)
        return best_of(5, lambda: fftw_numba.execute_pairs(*args, calls))[0] / calls
    if plan.backend == "scipy":
        workers = plan.workers
        return _per_call(
            lambda: sfft.irfft(sfft.rfft(phi, workers=workers), n=n, workers=workers), calls
        )
    plan.field(plan.forward(phi))

    def pair():
        plan._r2c.execute()
        plan._c2r.execute()

    return _per_call(pair, calls)


def scipy_pair_time(n: int, calls: int) -> float:
    """One scipy.fft rfft + irfft of the field (what the transforms cost before FFTW)."""
    model, _ = build(config(n, 1.0, "verlet"))
    phi, workers = model.phi0, model.basis.workers
    return _per_call(
        lambda: sfft.irfft(sfft.rfft(phi, workers=workers), n=n, workers=workers), calls
    )


def baseline_fft_time(n: int, calls: int) -> float:
    """The baseline's transforms per step: one complex fft and two ifft (numpy.fft)."""
    model, _ = build(config(n, 1.0, "verlet"))
    phi, k = model.phi0, 2.0 * np.pi * np.fft.fftfreq(n, d=model.basis.dx)
    phi_hat = np.fft.fft(phi)
    a, b = -(k**2) * phi_hat, 1j * k * phi_hat

    def ffts():
        np.fft.fft(phi)
        np.fft.ifft(a)
        np.fft.ifft(b)

    return _per_call(ffts, calls)


def verlet_step_time(n: int, t_final: float, repeats: int) -> float:
    """Time per step of one uninterrupted ``verlet`` advance over the run."""
    model, stepper = build(config(n, t_final, "verlet", dt=COST_DT))
    u0 = model.initial_state()

    def solve():
        stepper.reset()
        return stepper.advance(u0, 0.0, t_final)

    wall, _ = best_of(repeats, solve)
    return wall / equal_steps(t_final, COST_DT)[0]


def _label(method: str, options: dict, leapfrog_dt: float) -> str:
    if options.get("dt") == LEAPFROG:
        return f"{method} dt={leapfrog_dt:.4g} (leapfrog's)"
    return method + " " + ",".join(f"{k}={v:g}" for k, v in options.items())


def _print_row(label: str, run: Run, phi_ref: np.ndarray) -> None:
    print(
        f"{label:<34} {run.steps:>7d} {run.n_rhs:>7d} {run.wall:9.3f} "
        f"{1e6 * run.wall / run.steps:9.1f} {run.energy_error():10.2e} "
        f"{run.field_error(phi_ref):10.2e}"
    )


def _row(method: str, options: dict, label: str, run: Run | None, phi_ref, **extra) -> dict:
    """One row as ``--json`` saves it (``run`` None: refused by the config)."""
    row = {"method": method, "options": dict(options), "label": label, "baseline": False, **extra}
    if run is not None:
        row.update(
            steps=run.steps,
            n_rhs=run.n_rhs,
            wall_s=run.wall,
            step_us=1e6 * run.wall / run.steps,
            energy_error=run.energy_error(),
            field_error=run.field_error(phi_ref),
        )
    return row


def _speedup(base: Run, runs: list[Run], ok) -> float:
    """Baseline time over the fastest run for which ``ok(run)`` holds (0 when none does)."""
    walls = [run.wall for run in runs if ok(run)]
    return base.wall / min(walls) if walls else 0.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat, fewer candidates")
    parser.add_argument("--n", type=int, default=1024, help="grid points (default 1024)")
    parser.add_argument(
        "--t-final", type=float, default=100.0, help="end time of the run (default 100)"
    )
    parser.add_argument("--json", metavar="PATH", help="also save the measured rows to PATH")
    parser.add_argument("--note", help="a remark saved with --json (e.g. 'loaded machine')")
    args = parser.parse_args(argv)
    n, t_final = args.n, args.t_final
    repeats = 1 if args.quick else 2
    candidates = [CANDIDATES[i] for i in QUICK] if args.quick else CANDIDATES
    meta = bench_record.metadata(
        args.note, argv, quick=args.quick, repeats=repeats, fftw_numba=fftw_numba.available()
    )
    for method in ("verlet", "dop853"):  # compile the kernels outside the timings
        simsuite_run(64, 0.1, method, 1, dt=0.01)

    phi_ref, ref_error = reference(n, t_final)
    base, base_dt, base_own = leapfrog_baseline(n, t_final, repeats)
    print(
        f"kg_collision, n = {n}, t = 0..{t_final:g}; reference yoshida6 dt={REFERENCE_DT:g} "
        f"(distance to dt={2 * REFERENCE_DT:g}: {ref_error:.1e})"
    )
    print(
        f"{'method':<34} {'steps':>7} {'forces':>7} {'wall [s]':>9} {'step [us]':>9} "
        f"{'max dE/E':>10} {'phi error':>10}"
    )
    _print_row("seed: leapfrog numpy.fft", base, phi_ref)
    print(f"  (the baseline's own energy, every step: max dE/E = {base_own:.2e})")
    rows = [
        _row(
            "seed",
            {"dt": base_dt},
            "seed: leapfrog numpy.fft",
            base,
            phi_ref,
            baseline=True,
            own_energy_error=base_own,
        )
    ]
    runs = []
    for method, options in candidates:
        options = dict(options)
        label = _label(method, options, base_dt)
        if options.get("dt") == LEAPFROG:
            options["dt"] = base_dt
        try:
            run = simsuite_run(n, t_final, method, repeats, **options)
        except ConfigError as exc:
            if exc.key != "time.dt":
                raise
            print(f"{label:<34} refused: {exc.allowed.split(',')[0]}")
            rows.append(_row(method, options, label, None, phi_ref, refused=exc.allowed))
            continue
        _print_row(label, run, phi_ref)
        runs.append(run)
        rows.append(
            _row(method, options, label, run, phi_ref, at_leapfrog_dt=label.endswith("'s)"))
        )

    step_time = verlet_step_time(n, t_final, 1 if args.quick else 5)
    calls = 200 if args.quick else 5000
    figures = {
        "kg_speedup_vs_leapfrog": _speedup(
            base, runs, lambda r: r.energy_error() <= (1 + TIE) * base.energy_error()
        ),
        "kg_speedup_vs_leapfrog_equal_accuracy": _speedup(
            base,
            runs,
            lambda r: r.field_error(phi_ref) <= (1 + TIE) * base.field_error(phi_ref),
        ),
        "kg_step_cost_vs_ffts": step_time / fft_pair_time(n, calls),
        "kg_step_cost_vs_scipy_ffts": step_time / scipy_pair_time(n, calls),
        "kg_fft_fraction_baseline": baseline_fft_time(n, calls) * base.steps / base.wall,
    }
    for name, value in figures.items():
        print(f"{name}: {value:.2f}")
    if args.json:
        problem = {
            "name": "kg_collision (phi^4 kink-antikink collision)",
            "config": "configs/kg_collision.toml",
            "n": n,
            "t_final": t_final,
            "energy_samples": SAMPLES + 1,
            "reference": {"method": "yoshida6", "dt": REFERENCE_DT, "distance_to_2dt": ref_error},
            "errors": {
                "energy_error": "max_k |E(t_k) - E(0)|/|E(0)| over the sample times",
                "field_error": "max |phi(t_final) - phi_ref|",
            },
        }
        bench_record.write(args.json, "kg", meta, problem, rows, figures)


if __name__ == "__main__":
    main()
