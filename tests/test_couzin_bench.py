"""Smoke test of benchmarks/couzin_bench.py: it ends with its figures (no timing is asserted), and its
dewi-kadita baseline computes the step simsuite's compatibility options define."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import replace

import numpy as np
import pytest

from simsuite.models.couzin import kernels

from .conftest import ROOT


@pytest.fixture(scope="module")
def bench():
    """The benchmark module, loaded once (its baseline kernel takes seconds to compile)."""
    spec = importlib.util.spec_from_file_location(
        "couzin_bench", ROOT / "benchmarks" / "couzin_bench.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_couzin_bench_prints_figures_last(bench, capsys):
    bench.main(["--quick", "--sizes", "50", "100"])
    lines = capsys.readouterr().out.strip().splitlines()
    figures = lines[-5:]
    names = [line.split(":")[0] for line in figures]
    assert names == [
        "couzin_speedup_N50",
        "couzin_speedup_N100",
        "couzin_scaling_exponent_cell",
        "couzin_scaling_exponent_baseline",
        "couzin_projected_minutes_1e5_agents_1000_steps",
    ]
    assert all(re.fullmatch(r"[\w.-]+: \d+\.\d\d", line) for line in figures)
    assert any(line.startswith("    100 baseline dewi-kadita (serial)") for line in lines)
    assert lines[0].startswith("numba threads: ")


@pytest.mark.parametrize("periodic", [False, True])
def test_baseline_step_is_simsuite_compat_step(bench, periodic):
    """Without noise, the baseline's all-pairs loop (minimum image, clamped-cosine visibility, raw
    weighted sums, interpolated turn) gives simsuite's step with the dewi-kadita options."""
    n = 300
    pos, head = bench.school(n, periodic)
    box = bench.periodic_side(n) if periodic else 0.0
    params = replace(bench.step_params(box, compat=True), noise_sd=0.0)
    new_pos, new_head = kernels.step(pos, head, params, np.zeros((n, 4)))
    big = bench.baseline_box(pos, box)
    base_pos, base_vel = bench.baseline_step(
        np.mod(pos, big), bench.SPEED * head, big, noise_sd=0.0
    )
    assert np.max(np.abs(base_vel / bench.SPEED - new_head)) < 1e-12
    shift = base_pos - new_pos
    shift -= big * np.round(shift / big)
    assert np.max(np.abs(shift)) < 1e-9
