"""The work–precision figures: ``benchmarks/work_precision.py`` draws log–log diagrams, one line per
method, from the records that the benchmarks' ``--json`` writes (no timing is asserted)."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from .conftest import ROOT


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # numba's cache finds cached functions' modules by name
    spec.loader.exec_module(module)
    return module


META = {"date": "2026-01-02T03:04:05+00:00", "cpu_count": 2, "note": "synthetic: test"}


def _nlse_row(n, method, options, wall, error, baseline=False):
    label = "seed: solve_ivp DOP853" if baseline else f"{method} {options}"
    return {
        "n": n,
        "method": method,
        "options": options,
        "label": label,
        "baseline": baseline,
        "wall_s": wall,
        "error_exact": error,
        "error_reference": error / 2,
        "n_rhs": 100,
    }


def _nlse_record() -> dict:
    rows = []
    for n, scale in ((64, 1.0), (128, 3.0)):
        rows.append(_nlse_row(n, "seed", {"rtol": 1e-9}, 2.0 * scale, 1e-11, baseline=True))
        rows += [
            _nlse_row(n, "dop853", {"rtol": 1e-6}, 0.05 * scale, 1e-5),
            _nlse_row(n, "dop853", {"rtol": 1e-10}, 0.2 * scale, 1e-10),
            _nlse_row(n, "etd_abm8", {"dt": 0.01}, 0.03 * scale, 1e-9),
            _nlse_row(n, "etd_abm8", {"dt": 0.003}, 0.09 * scale, 5e-12),
            _nlse_row(n, "rk4ip", {"dt": 0.002}, 0.2 * scale, 1e-7),
        ]
    problem = {
        "eta": 2.0,
        "velocity": 1.0,
        "t_final": 20.0,
        "domain": [-25.0, 25.0],
        "reference": {"method": "etd_abm8", "dt": 1e-3},
        "floor": {"64": 6e-12, "128": 3e-13},
    }
    return {"benchmark": "nlse", "metadata": META, "problem": problem, "rows": rows, "figures": {}}


def _kg_row(method, options, wall, energy, field, **extra):
    return {
        "method": method,
        "options": options,
        "label": f"{method} {options}",
        "baseline": False,
        "wall_s": wall,
        "steps": 10,
        "n_rhs": 10,
        "energy_error": energy,
        "field_error": field,
        **extra,
    }


def _kg_record() -> dict:
    rows = [
        {**_kg_row("seed", {"dt": 0.015}, 0.6, 2e-4, 1e-2), "baseline": True, "label": "seed"},
        _kg_row("verlet", {"dt": 0.015}, 0.03, 2e-4, 1e-2, at_leapfrog_dt=True),
        _kg_row("verlet", {"dt": 0.04}, 0.017, 1.5e-3, 7e-2),
        _kg_row("yoshida4", {"dt": 0.02}, 0.06, 6e-7, 2e-4),
        {
            "method": "yoshida4",
            "options": {"dt": 0.04},
            "label": "yoshida4 dt=0.04",
            "baseline": False,
            "refused": "must be at most 0.036",
        },  # fmt: skip
        _kg_row("exponential_blanes_moan4", {"dt": 0.375}, 0.016, 6e-5, 2.6e-3),
        _kg_row("exponential_blanes_moan4", {"dt": 0.2}, 0.022, 2.6e-6, 6.8e-5),
    ]
    problem = {"config": "configs/kg_collision.toml", "n": 128, "t_final": 5.0}
    problem["reference"] = {"method": "yoshida6", "dt": 0.005}
    return {"benchmark": "kg", "metadata": META, "problem": problem, "rows": rows, "figures": {}}


def _png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _method_lines(ax) -> list[str]:
    gids = [line.get_gid() or "" for line in ax.get_lines()]
    return [gid.removeprefix("method:") for gid in gids if gid.startswith("method:")]


@pytest.mark.parametrize(
    ("record", "panels", "methods"),
    [
        (_nlse_record(), 4, ["dop853", "etd_abm8", "rk4ip"]),
        (_kg_record(), 2, ["verlet", "yoshida4", "exponential_blanes_moan4"]),
    ],
    ids=["nlse", "kg"],
)
def test_work_precision_figure_from_synthetic_record(tmp_path, record, panels, methods):
    plot = _load("work_precision")
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    [png] = plot.main([str(path), "--out", str(tmp_path / "img")])
    assert png == tmp_path / "img" / f"{record['benchmark']}_work_precision.png"
    width, height = _png_size(png)
    assert 1000 <= width <= 1300 and 600 <= height <= 1300

    fig = plot.draw(plot.load(path))
    axes = fig.get_axes()
    assert len(axes) == panels
    for ax in axes:
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        assert _method_lines(ax) == methods  # one line per method, the seed's not among them
        assert [line.get_gid() for line in ax.get_lines()].count("baseline") == 1
        assert ax.get_xlabel() == "wall time [s]"


def test_method_lines_follow_the_step(tmp_path):
    """A method's points are joined in the order of its step (or tolerance), not of its rows."""
    plot = _load("work_precision")
    record = _kg_record()
    ax = plot.draw(record).get_axes()[0]
    [line] = [
        line for line in ax.get_lines() if line.get_gid() == "method:exponential_blanes_moan4"
    ]
    assert list(line.get_xdata()) == [0.022, 0.016]  # dt 0.2, then 0.375


def test_kg_bench_json_rows(tmp_path):
    bench = _load("kg_bench")
    path = tmp_path / "kg.json"
    bench.main(["--quick", "--n", "128", "--t-final", "5", "--json", str(path), "--note", "x"])
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["benchmark"] == "kg" and record["metadata"]["note"] == "x"
    assert record["metadata"]["cpu_count"] >= 1 and record["metadata"]["date"]
    rows = record["rows"]
    assert [row["baseline"] for row in rows].count(True) == 1 and rows[0]["baseline"]
    measured = [row for row in rows if not row.get("refused")]
    assert len(measured) == 1 + 6  # the baseline and the quick candidates (none refused at n = 128)
    for row in measured:
        assert row["wall_s"] > 0 and row["energy_error"] >= 0 and row["field_error"] >= 0
    assert set(record["figures"]) >= {"kg_speedup_vs_leapfrog", "kg_step_cost_vs_ffts"}
    assert len(_load("work_precision").draw(record).get_axes()) == 2


def test_nlse_bench_json_rows(tmp_path):
    bench = _load("nlse_bench")
    path = tmp_path / "nlse.json"
    bench.main(["--quick", "--sizes", "128", "--json", str(path)])
    record = json.loads(path.read_text(encoding="utf-8"))
    rows = record["rows"]
    assert [(row["n"], row["baseline"]) for row in rows] == [(128, True)] + [(128, False)] * 4
    for row in rows:
        assert row["wall_s"] > 0 and row["n_rhs"] > 0
        assert row["error_exact"] >= 0 and row["error_reference"] >= 0
    assert record["problem"]["floor"]["128"] == pytest.approx(record["figures"]["nlse_floor_n128"])
    assert "nlse_speedup_n128" in record["figures"]
    assert len(_load("work_precision").draw(record).get_axes()) == 2
