"""The benchmark scripts run and end with their figures (no timing is asserted: machines are noisy)."""

from __future__ import annotations

import importlib.util
import re

from .conftest import ROOT


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_nlse_bench_prints_figures_last(capsys):
    bench = _load("nlse_bench")
    bench.main(["--quick", "--sizes", "128"])
    lines = capsys.readouterr().out.strip().splitlines()
    figures = lines[-5:]
    names = [line.split(":")[0] for line in figures]
    assert names == [
        "nlse_speedup_n128",
        "nlse_speedup_n128_at_1e-08",
        "nlse_speedup_n128_at_1e-10",
        "nlse_rhs_cost_vs_two_ffts_n128",
        "nlse_stage_cost_vs_two_ffts_n128",
    ]
    assert all(re.fullmatch(r"[\w.-]+: \d+\.\d\d", line) for line in figures)
    assert any(line.startswith("  128 seed: solve_ivp DOP853") for line in lines)
