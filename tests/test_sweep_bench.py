"""Smoke test of benchmarks/sweep_bench.py: the quick mode runs on 1 and 2 Dask workers and ends with its
figure (no timing is asserted)."""

from __future__ import annotations

import importlib.util
import re

import pytest

from .conftest import ROOT


def test_sweep_bench_prints_speedup_last(capsys):
    pytest.importorskip("dask.distributed")
    spec = importlib.util.spec_from_file_location(
        "sweep_bench", ROOT / "benchmarks" / "sweep_bench.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.main(["--quick"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"sweep_speedup_2_workers: \d+\.\d\d", lines[-1])
    rows = [line.split() for line in lines if re.match(r"\s+[12] ", line)]
    assert sorted(row[0] for row in rows) == ["1", "2"]
    assert lines[0].startswith("load average before: ")
