"""The benchmark scripts run and end with their figures (no timing is asserted: machines are noisy)."""

from __future__ import annotations

import importlib.util
import re
import sys

import numpy as np

from simsuite.spectral import fftw_numba

from .conftest import ROOT


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # numba's cache finds cached functions' modules by name
    spec.loader.exec_module(module)
    return module


def test_nlse_bench_prints_figures_last(capsys):
    bench = _load("nlse_bench")
    bench.main(["--quick", "--sizes", "128"])
    lines = capsys.readouterr().out.strip().splitlines()
    compiled = ["nlse_rhs_call_cost_vs_two_ffts_n128"] if fftw_numba.available() else []
    figures = lines[-(10 + len(compiled)) :]
    names = [line.split(":")[0] for line in figures]
    assert names == [
        "nlse_floor_n128",
        "nlse_speedup_n128_vs_exact",
        "nlse_speedup_n128_vs_reference",
        "nlse_speedup_n128_at_1e-08",
        "nlse_speedup_n128_at_1e-10",
        "nlse_rhs_cost_vs_two_ffts_n128",
        *compiled,
        "nlse_rhs_python_cost_vs_two_ffts_n128",
        "nlse_stage_cost_vs_two_ffts_n128",
        "nlse_etd_step_cost_vs_two_ffts_n128",
        "nlse_speedup_n128",
    ]
    assert all(re.fullmatch(r"[\w.-]+: \d+\.\d\d", line) for line in figures[1:])
    assert float(figures[0].split(":")[1]) > 0  # the floor of the 128-point grid
    assert any(line.startswith("  128 seed: solve_ivp DOP853") for line in lines)


def test_kg_bench_prints_figures_last(capsys):
    bench = _load("kg_bench")
    bench.main(["--quick", "--n", "128", "--t-final", "5"])
    lines = capsys.readouterr().out.strip().splitlines()
    figures = lines[-5:]
    names = [line.split(":")[0] for line in figures]
    assert names == [
        "kg_speedup_vs_leapfrog",
        "kg_speedup_vs_leapfrog_equal_accuracy",
        "kg_step_cost_vs_ffts",
        "kg_step_cost_vs_scipy_ffts",
        "kg_fft_fraction_baseline",
    ]
    assert all(re.fullmatch(r"[\w.-]+: \d+\.\d\d", line) for line in figures)
    assert any(line.startswith("seed: leapfrog numpy.fft") for line in lines)


def test_kg_bench_leapfrog_baseline_is_verlet():
    """The seed's two-step leapfrog with its Taylor start is Störmer–Verlet: simsuite's verlet at the
    same step must reproduce its field and its (centred-difference) φ_t to round-off."""
    bench = _load("kg_bench")
    leapfrog, dt, _ = bench.leapfrog_baseline(128, 5.0, 1)
    verlet = bench.simsuite_run(128, 5.0, "verlet", 1, dt=dt)
    assert verlet.steps == leapfrog.steps
    pairs = zip(leapfrog.states, verlet.states, strict=True)
    assert max(np.max(np.abs(a - b)) for a, b in pairs) < 1e-10
    assert abs(verlet.energy_error() - leapfrog.energy_error()) < 1e-12
