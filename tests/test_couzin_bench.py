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
    bench.main(
        ["--quick", "--sizes", "50", "100", "--dense-sizes", "200"]
        + ["--sparse-sizes", "500", "2000", "--torus-n", "300"]
    )
    lines = capsys.readouterr().out.strip().splitlines()
    first = lines.index(next(line for line in lines if line.startswith("couzin_speedup_N50:")))
    figures, new_figures = lines[first : first + 5], lines[first + 5 :]
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
    assert [line.split(":")[0] for line in new_figures] == [
        "couzin_dense_ms_per_step_N200",
        "couzin_dense_ns_per_interacting_pair_N200",
        "couzin_dense_speedup_N200",
        "couzin_dense_floor_ratio_N200",
        "couzin_sparse_ms_per_step_N500",
        "couzin_sparse_ms_per_step_N2000",
        "couzin_sparse_scaling_exponent",
        "couzin_sparse_steps_run_N2000",
        "couzin_sparse_peak_rss_mib_N2000",
        "couzin_torus_steps_measured_N300",
        "couzin_torus_ms_per_step_N300",
        "couzin_torus_projected_minutes_N300_1000_steps",
    ]
    assert all(re.fullmatch(r"[\w.-]+: -?\d+\.\d\d", line) for line in new_figures)
    assert "couzin_sparse_steps_run_N2000: 3.00" in new_figures  # quick: 3 steps, within budget
    assert "couzin_torus_steps_measured_N300: 2.00" in new_figures
    assert any(line.startswith("    200 floor: read all pairs") for line in lines)
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
    big = bench.baseline_box(pos, box, params.r_a)
    base_pos, base_vel = bench.baseline_step(np.mod(pos, big), bench.SPEED * head, big, params)
    assert np.max(np.abs(base_vel / bench.SPEED - new_head)) < 1e-12
    shift = base_pos - new_pos
    shift -= big * np.round(shift / big)
    assert np.max(np.abs(shift)) < 1e-9
