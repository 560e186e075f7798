"""The entropy benchmark runs and ends with its figures; its baselines compute what analyze computes
(no timing is asserted: machines are noisy)."""

from __future__ import annotations

import importlib.util
import re

import numpy as np
import pytest

from simsuite import run
from simsuite.analyze import diagnostics_for

from .conftest import ROOT


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_entropy_bench_prints_figures_last(capsys):
    bench = _load("entropy_bench")
    bench.main(["--quick"])
    lines = capsys.readouterr().out.strip().splitlines()
    figures = lines[-4:]
    names = [line.split(":")[0] for line in figures]
    assert names == [
        "entropy_analyze_fraction_of_sim_nlse",
        "entropy_analyze_fraction_of_sim_couzin",
        "entropy_speedup_vs_loop_nlse",
        "entropy_speedup_vs_loop_couzin",
    ]
    assert all(re.fullmatch(r"[\w.-]+: \d+\.\d\d", line) for line in figures)
    assert any(line.startswith("nlse n=128") for line in lines)
    assert any(line.startswith("couzin N=50") for line in lines)


@pytest.mark.parametrize(("name", "size", "snapshots"), [("nlse", 128, 12), ("couzin", 30, 6)])
def test_baseline_reproduces_the_library(name, size, snapshots):
    """The per-snapshot loop is a fair baseline only if it computes the same numbers."""
    bench = _load("entropy_bench")
    make = bench.nlse_case if name == "nlse" else bench.couzin_case
    cfg = bench.config(make(size, snapshots))
    ds = run(cfg, output="")
    library = diagnostics_for(ds, cfg)
    baseline = bench.BASELINES[name](ds, cfg)
    assert set(baseline) <= set(library)
    assert np.shape(baseline[next(iter(baseline))]) == (snapshots,)
    assert bench.max_difference(library, baseline) < 1e-12
