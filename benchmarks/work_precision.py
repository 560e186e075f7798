"""Work–precision diagrams from the records that ``nlse_bench.py --json`` and ``kg_bench.py --json``
save: wall time (log) against error (log), one line per integrator through its steps or tolerances,
the seed package's method as a black star with the level of its error dotted across the panel.

* NLSE (``"benchmark": "nlse"``): one column per grid size; top row the error against the exact
  soliton (with the floor of the discretisation dashed), bottom row the time error (distance to the
  reference run of the same ODE system), the two measures the benchmark's speedups use.
* Klein–Gordon (``"benchmark": "kg"``): the energy error and the final-field error.

Each panel names the fastest run at least as accurate as the seed's and its speedup, as the benchmark
counts them. Usage::

    python benchmarks/work_precision.py [RECORD.json ...] [--out DIR]

with the records of ``benchmarks/results/`` by default; writes ``DIR/<benchmark>_work_precision.png``
(default ``docs/img/benchmarks/``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_RECORDS = [RESULTS / "nlse_bench.json", RESULTS / "kg_bench.json"]
DEFAULT_OUT = ROOT / "docs" / "img" / "benchmarks"
DPI = 100
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "<", ">", "h", "p", "*"]
TIE = 1e-6  # kg_bench's slack in "no larger than the baseline's" (round-off must not decide)


def load(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _parameter(row: dict) -> tuple[str, float]:
    """The knob a method's runs differ in: its step, else its relative tolerance."""
    options = row["options"]
    for key in ("dt", "rtol"):
        if isinstance(options.get(key), int | float):
            return key, float(options[key])
    return "", 0.0


def _span(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:g}" if low == high else f"{low:g}–{high:g}"


def _methods(rows: list[dict]) -> dict[str, list[dict]]:
    """Measured simsuite rows by method, in first-seen order, each sorted by its step/tolerance."""
    methods: dict[str, list[dict]] = {}
    for row in rows:
        if not row.get("baseline") and row.get("wall_s") is not None:
            methods.setdefault(row["method"], []).append(row)
    return {name: sorted(group, key=lambda r: _parameter(r)[1]) for name, group in methods.items()}


def _styles(names: list[str]) -> dict[str, dict]:
    colors = [f"C{i}" for i in (0, 1, 2, 3, 4, 5, 6, 8, 9, 7)]  # grey last: the floor is grey
    return {
        name: {"color": colors[i % 10], "marker": MARKERS[i % len(MARKERS)]}
        for i, name in enumerate(names)
    }


def _legend_label(name: str, group: list[dict]) -> str:
    key, _ = _parameter(group[0])
    if not key:
        return name
    values = [_parameter(row)[1] for row in group]
    return f"{name} ({key} {_span(values)})"


def _panel(
    ax,
    methods: dict[str, list[dict]],
    styles: dict[str, dict],
    baseline: dict | None,
    error: str,
    ok: Callable[[float, float], bool],
    ylabel: str,
    title: str,
) -> None:
    """One log–log work–precision panel of the ``error`` column; ``ok(err, base_err)`` decides
    which runs count as at least as accurate as the baseline for the speedup note."""
    walls = []
    for name, group in methods.items():
        points = [(r["wall_s"], r[error]) for r in group if r.get(error) is not None]
        if not points:
            continue
        walls += [p[0] for p in points]
        ax.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            linestyle="-",
            linewidth=1.6,
            markersize=7,
            label=name,
            gid=f"method:{name}",
            **styles[name],
        )
        for row in group:
            if row.get("at_leapfrog_dt") and row.get(error) is not None:
                ax.annotate(
                    f"{name} at the seed's step",
                    (row["wall_s"], row[error]),
                    xytext=(12, 14),
                    textcoords="offset points",
                    fontsize=9,
                    arrowprops={"arrowstyle": "->", "color": "0.3", "linewidth": 0.8},
                )
    if baseline is not None and baseline.get(error) is not None:
        base_wall, base_err = baseline["wall_s"], baseline[error]
        walls.append(base_wall)
        ax.axhline(base_err, color="black", linestyle=":", linewidth=1.0, gid="baseline-level")
        ax.plot(
            [base_wall],
            [base_err],
            linestyle="none",
            marker="*",
            markersize=18,
            color="black",
            markeredgecolor="white",
            markeredgewidth=0.8,
            zorder=5,
            gid="baseline",
        )
        ax.annotate(
            baseline["label"],
            (base_wall, base_err),
            xytext=(-8, 10),
            textcoords="offset points",
            ha="right",
            fontsize=10,
            fontweight="bold",
        )
        accepted = [r for group in methods.values() for r in group if r.get(error) is not None]
        accepted = [r for r in accepted if ok(r[error], base_err)]
        if accepted:
            best = min(accepted, key=lambda r: r["wall_s"])
            note = (
                f"fastest at ≤ the seed's error:\n{best['label']}\n"
                f"{best['wall_s']:.3g} s, {base_wall / best['wall_s']:.1f}× faster"
            )
        else:
            note = "no simsuite run reaches\nthe seed's error"
        ax.text(
            0.98,
            0.98,
            note,
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=9.5,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.7", "alpha": 0.9},
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    if walls:  # room for the markers at both ends (the seed's star is usually the rightmost)
        ax.set_xlim(min(walls) / 1.35, max(walls) * 1.5)
    # wall times often span less than a decade: label 1, 2, 5 × 10^k, not every minor tick
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("wall time [s]")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=12)
    ax.grid(True, which="major", color="0.85", linewidth=0.8)
    ax.grid(True, which="minor", color="0.93", linewidth=0.5)


def _when(meta: dict) -> str:
    date = str(meta.get("date", ""))[:10]
    cores = meta.get("cpu_count")
    state = str(meta.get("note", "")).split(":")[0].strip()
    parts = [f"measured {date}" if date else "", f"{cores} cores" if cores else "", state]
    if meta.get("quick"):
        parts.append("--quick")
    return ", ".join(part for part in parts if part)


def _legend(fig: Figure, methods: dict, styles: dict, extra: list[tuple[Line2D, str]], ncol: int):
    handles = [Line2D([], [], linewidth=1.6, markersize=7, **styles[name]) for name in methods] + [
        handle for handle, _ in extra
    ]
    labels = [_legend_label(name, group) for name, group in methods.items()]
    labels += [label for _, label in extra]
    fig.legend(
        handles,
        labels,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.025),
        ncol=ncol,
        fontsize=10,
        frameon=False,
    )


def _baseline_handles(label: str) -> list[tuple[Line2D, str]]:
    star = Line2D(
        [], [], linestyle="none", marker="*", markersize=14, color="black", markeredgecolor="white"
    )
    level = Line2D([], [], color="black", linestyle=":", linewidth=1.0)
    return [(star, label), (level, "the seed's error level")]


def nlse_figure(record: dict) -> Figure:
    """Columns: grid sizes; rows: error against the exact soliton, distance to the reference."""
    rows, problem, meta = record["rows"], record["problem"], record["metadata"]
    sizes = sorted({row["n"] for row in rows})
    methods_by_n = {n: _methods([row for row in rows if row["n"] == n]) for n in sizes}
    names = list(dict.fromkeys(name for n in sizes for name in methods_by_n[n]))
    styles = _styles(names)
    fig = Figure(figsize=(6.25 * len(sizes), 11.2), dpi=DPI, layout="constrained")
    axes = fig.subplots(2, len(sizes), squeeze=False)
    floors = problem.get("floor", {})
    reference = problem.get("reference", {})
    ref_text = ", ".join(f"{k} {v:g}" if k != "method" else v for k, v in reference.items())
    for column, n in enumerate(sizes):
        base = next((row for row in rows if row["n"] == n and row.get("baseline")), None)
        top, bottom = axes[0, column], axes[1, column]
        _panel(
            top,
            methods_by_n[n],
            styles,
            base,
            "error_exact",
            lambda err, base_err: err <= base_err,
            "max |ψ − ψ_exact| at t_final",
            f"n = {n}: error against the exact soliton",
        )
        floor = floors.get(str(n))
        if floor is not None:
            low, high = top.get_ylim()
            top.set_ylim(min(low, floor / 6), high)
            top.axhline(floor, color="0.45", linestyle="--", linewidth=1.2, gid="floor")
            top.annotate(
                f"floor of the discretisation {floor:.2g}",
                (0.3, floor),
                xycoords=("axes fraction", "data"),
                xytext=(0, -14),
                textcoords="offset points",
                fontsize=9,
                color="0.3",
            )
        _panel(
            bottom,
            methods_by_n[n],
            styles,
            base,
            "error_reference",
            lambda err, base_err: err <= base_err,
            "max |ψ − ψ_reference| at t_final",
            f"n = {n}: time error (distance to the {reference.get('method', 'reference')} run)",
        )
    fig.suptitle(
        f"NLSE bright soliton (η = {problem['eta']:g}, v = {problem['velocity']:g}, "
        f"t = 0 → {problem['t_final']:g}, L = {problem['domain'][1] - problem['domain'][0]:g}): "
        f"work–precision\n{_when(meta)}; reference: {ref_text}",
        fontsize=13,
    )
    floor_handle = Line2D([], [], color="0.45", linestyle="--", linewidth=1.2)
    seed = next((row["label"] for row in rows if row.get("baseline")), "seed")
    extra = _baseline_handles(seed) + [(floor_handle, "floor (reference run vs exact)")]
    _legend(fig, _merge(methods_by_n, sizes), styles, extra, ncol=4)
    fig.get_layout_engine().set(rect=(0, 0.11, 1, 0.89))
    return fig


def _merge(methods_by_key: dict, keys: list) -> dict[str, list[dict]]:
    """Every method's rows over all panels, for the legend's parameter ranges."""
    merged: dict[str, list[dict]] = {}
    for key in keys:
        for name, group in methods_by_key[key].items():
            merged.setdefault(name, []).extend(group)
    return merged


def kg_figure(record: dict) -> Figure:
    """Two panels: the energy error and the final-field error."""
    rows, problem, meta = record["rows"], record["problem"], record["metadata"]
    methods = _methods(rows)
    styles = _styles(list(methods))
    base = next((row for row in rows if row.get("baseline")), None)
    fig = Figure(figsize=(13.0, 7.4), dpi=DPI, layout="constrained")
    left, right = fig.subplots(1, 2)

    def ok(err, base_err):
        return err <= (1 + TIE) * base_err

    _panel(
        left,
        methods,
        styles,
        base,
        "energy_error",
        ok,
        "max |E(t) − E(0)| / |E(0)|",
        f"energy error ({problem.get('energy_samples', '')} sample times)",
    )
    _panel(
        right,
        methods,
        styles,
        base,
        "field_error",
        ok,
        "max |φ(t_final) − φ_ref|",
        "final-field error",
    )
    reference = problem.get("reference", {})
    fig.suptitle(
        f"Klein–Gordon φ⁴ kink–antikink collision ({Path(problem['config']).stem}), "
        f"n = {problem['n']}, t = 0 → {problem['t_final']:g}: "
        f"work–precision\n{_when(meta)}; φ_ref: {reference.get('method', '')} "
        f"dt {reference.get('dt', 0):g}",
        fontsize=13,
    )
    seed = base["label"] if base else "seed"
    _legend(fig, methods, styles, _baseline_handles(seed), ncol=4)
    refused = [row["label"] for row in rows if row.get("refused")]
    if refused:
        fig.text(
            0.5,
            0.005,
            "refused by the config (step above the stability limit): " + ", ".join(refused),
            ha="center",
            va="bottom",
            fontsize=9,
            color="0.35",
        )
    fig.get_layout_engine().set(rect=(0, 0.16, 1, 0.84))
    return fig


FIGURES = {"nlse": nlse_figure, "kg": kg_figure}


def draw(record: dict) -> Figure:
    return FIGURES[record["benchmark"]](record)


def save(record: dict, out: str | Path) -> Path:
    """Draw ``record`` into ``out/<benchmark>_work_precision.png``."""
    path = Path(out) / f"{record['benchmark']}_work_precision.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    draw(record).savefig(path, dpi=DPI)
    return path


def main(argv: list[str] | None = None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", nargs="*", default=DEFAULT_RECORDS, help="--json records")
    parser.add_argument("--out", default=DEFAULT_OUT, help="folder of the PNGs")
    args = parser.parse_args(argv)
    written = [save(load(path), args.out) for path in args.records]
    for path in written:
        print(path)
    return written


if __name__ == "__main__":
    main()
