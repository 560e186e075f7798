"""The machinery shared by the paper reproductions: cases from shipped configs, runs reused by
config hash, the report's Markdown and JSON, the command line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simsuite.cli import main
from simsuite.papers import get_paper, paper_names
from simsuite.papers.common import Case, Report, case_config, run_cases

TINY = Case(
    "soliton",
    "nlse_single_soliton",
    "single soliton",
    overrides={"time.t_final": 0.2, "time.n_snapshots": 3},
    quick={"grid.n_points": 64},
)


def test_case_config_applies_overrides_and_quick():
    cfg = case_config(TINY)
    assert cfg.time.t_final == 0.2 and cfg.run.progress is False
    assert cfg.grid.n_points != 64
    assert case_config(TINY, quick=True).grid.n_points == 64


def test_runs_are_reused_by_config_hash(tmp_path, capsys):
    first = run_cases([TINY], tmp_path, quick=True)
    assert "single soliton: ran in" in capsys.readouterr().err
    (path,) = (tmp_path / "runs").glob("soliton-*.nc")
    stamp = path.stat().st_mtime_ns
    again = run_cases([TINY], tmp_path, quick=True)
    assert "single soliton: reused soliton-" in capsys.readouterr().err
    assert path.stat().st_mtime_ns == stamp
    np.testing.assert_array_equal(first["soliton"].psi_real, again["soliton"].psi_real)
    # another config is another run beside it
    run_cases([TINY], tmp_path, quick=False, progress=False)
    assert len(list((tmp_path / "runs").glob("soliton-*.nc"))) == 2


def test_report_writes_markdown_and_json(tmp_path):
    report = Report("nlse", "A paper", quick=True)
    report.note("How the numbers were made.")
    report.add("Conservation", "mass", 4.0000000001, paper=4, unit="1", note="exact: 2η")
    report.add("Conservation", "drift", float("nan"))
    report.add("Shifts", "positions", np.array([0.5, -0.5]))
    report.figures.append("fig1")
    md, js = report.write(tmp_path)
    text = md.read_text()
    assert "| mass | 4 | 4 | 1 | exact: 2η |" in text and "## Shifts" in text
    assert "![fig1](fig1.png)" in text and "Quick mode" in text
    data = json.loads(js.read_text())
    assert data["rows"][1]["value"] is None  # NaN is not JSON
    assert data["rows"][2]["value"] == [0.5, -0.5]
    assert report.value("Conservation", "mass") == pytest.approx(4.0)


def test_every_paper_is_listed_with_its_figures(capsys):
    assert main(["reproduce", "--list"]) == 0
    out = capsys.readouterr().out
    starts = [line.split(": ", 1)[0] for line in out.splitlines() if not line.startswith(" ")]
    assert starts == paper_names()
    for name in paper_names():
        assert ", ".join(get_paper(name).figures) in out


def test_unknown_paper_and_bad_workers_exit_2(tmp_path, capsys):
    assert main(["reproduce", "lorenz"]) == 2
    assert "one of amangkurat, nlse, dewi-kadita" in capsys.readouterr().err
    assert main(["reproduce", "nlse", "--workers", "0", "--outdir", str(tmp_path)]) == 2
    assert main(["reproduce"]) == 2


def test_parallel_cases_after_openmp_threads_ran(tmp_path):
    """``workers > 1`` after numba's parallel kernels have run in this process (as in a notebook or
    a test session): the workers are spawned, since libgomp kills a forked child."""
    import numba

    @numba.njit(parallel=True)
    def total(x):
        s = 0.0
        for i in numba.prange(x.size):
            s += x[i]
        return s

    assert total(np.ones(1000)) == 1000.0
    # Couzin runs use numba's parallel kernels in the workers too (where libgomp checks)
    small = {"time.t_final": 1.0, "time.dt": 0.1, "time.n_snapshots": 11, "agents.n": 40}
    cases = [Case(f"school{k}", "couzin_swarm", f"school {k}", small) for k in range(2)]
    out = run_cases(cases, tmp_path, workers=2, progress=False)
    np.testing.assert_array_equal(out["school0"].position, out["school1"].position)
