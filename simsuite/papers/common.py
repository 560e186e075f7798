"""What every paper reproduction shares: its cases, the runs (reused by config hash), figures, report.

A reproduction (one module per paper in :mod:`simsuite.papers`) names its cases — a shipped
canonical config plus overrides, and smaller overrides for ``--quick`` — runs them with
:func:`run_cases`, draws its figures with :func:`save_figure` and records every number the paper
reports in a :class:`Report`, beside the paper's own value where the paper gives one.

Runs are written to ``<outdir>/runs/<case>-<hash>.nc``, the hash being
:func:`simsuite.sweep.spec.config_hash` of the resolved config (the same name a sweep gives the same
run): a second reproduction reuses every complete run whose config has not changed and reruns the
rest.
"""

from __future__ import annotations

import dataclasses
import json
import math
import multiprocessing
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from simsuite.config import RunConfig, load_config
from simsuite.io.netcdf import file_status, open_output

__all__ = [
    "PALETTE",
    "Case",
    "Paper",
    "Report",
    "Row",
    "case_config",
    "run_cases",
    "save_figure",
]

#: Colour-blind-safe colours for the cases of a figure (Okabe & Ito 2008): orange, sky blue,
#: bluish green, vermilion, blue, reddish purple, yellow, black.
PALETTE = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#D55E00",
    "#0072B2",
    "#CC79A7",
    "#F0E442",
    "#000000",
)


@dataclasses.dataclass(frozen=True)
class Case:
    """One run of a paper.

    Parameters
    ----------
    name
        Short name used in file names and tables (``"soliton"``).
    config
        Stem of a canonical config shipped with simsuite (``"nlse_single_soliton"``).
    label
        How figures and the report name the case (``"single soliton"``).
    overrides
        Dotted-key overrides applied in every mode (the paper's own sizes).
    quick
        Further overrides for ``--quick`` (small grids, short times; the physics unchanged).
    """

    name: str
    config: str
    label: str
    overrides: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    quick: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Paper:
    """A reproducible paper: its name on the command line, title, figure names and entry point.

    ``run(outdir, quick=..., workers=..., pdf=..., progress=...)`` runs the cases, writes every
    figure and returns the :class:`Report` (which :func:`simsuite.reproduce` writes).
    """

    name: str
    title: str
    figures: tuple[str, ...]
    run: Callable[..., Report]


def case_config(case: Case, quick: bool = False) -> RunConfig:
    """The resolved config of ``case``: the shipped config with the case's overrides (and its quick
    overrides with ``quick``), progress off (the reproduction reports progress per case)."""
    path = resources.files("simsuite") / "configs" / f"{case.config}.toml"
    overrides = {**case.overrides, **(case.quick if quick else {}), "run.progress": False}
    return load_config(Path(str(path)), overrides)


def _one_thread(cfg: RunConfig) -> RunConfig:
    """``cfg`` with ``run.threads = 1`` unless the case set it: parallel workers each running
    numba and FFTs on every core oversubscribe the CPU (Couzin runs become many times slower).
    ``run.threads`` is not part of the run's hash, so the run file keeps its name."""
    if cfg.run.threads:
        return cfg
    return dataclasses.replace(cfg, run=dataclasses.replace(cfg.run, threads=1))


def _run_one(cfg: RunConfig, path: str) -> float:
    from simsuite.runner import run

    started = time.perf_counter()
    run(cfg, output=path, overwrite=True, progress=False)
    return time.perf_counter() - started


def run_cases(
    cases: Sequence[Case],
    outdir: str | Path,
    *,
    quick: bool = False,
    workers: int = 1,
    progress: bool = True,
) -> dict[str, xr.Dataset]:
    """Run (or reuse) every case and return its output by case name, loaded into memory.

    A case whose file ``<outdir>/runs/<name>-<hash>.nc`` exists and is complete is reused; the others
    run, on ``workers`` processes when ``workers > 1``. One line per case on standard error (when
    ``progress``): reused, or the wall time of its run. Wall times are also in each dataset's
    attribute ``wall_time_s`` (for a reused run: the time it took when it ran).
    """
    from simsuite.sweep.spec import config_hash

    folder = Path(outdir) / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    configs = {case.name: case_config(case, quick) for case in cases}
    paths = {name: folder / f"{name}-{config_hash(cfg)}.nc" for name, cfg in configs.items()}
    todo = [case for case in cases if file_status(paths[case.name]) != "complete"]
    for case in cases:
        if case not in todo and progress:
            print(f"{case.label}: reused {paths[case.name].name}", file=sys.stderr, flush=True)

    def report(case: Case, seconds: float) -> None:
        if progress:
            print(f"{case.label}: ran in {seconds:.1f} s", file=sys.stderr, flush=True)

    if workers > 1 and len(todo) > 1:
        # spawned, not forked: a fork of a process whose numba kernels already ran on OpenMP
        # threads is killed by libgomp ("fork() called from a process already using GNU OpenMP")
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
            futures = [
                (
                    case,
                    pool.submit(_run_one, _one_thread(configs[case.name]), str(paths[case.name])),
                )
                for case in todo
            ]  # a list: a Case holds dicts, so it cannot be a dict key
            for case, future in futures:
                report(case, future.result())
    else:
        for case in todo:
            report(case, _run_one(configs[case.name], str(paths[case.name])))
    out = {}
    for case in cases:
        with open_output(paths[case.name]) as ds:
            out[case.name] = ds.load()
    return out


def save_figure(figure: Figure, outdir: str | Path, name: str, *, pdf: bool = False) -> list[Path]:
    """Write ``figure`` as ``<outdir>/<name>.png`` (200 dpi) and, with ``pdf``, ``.pdf``."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix in (".png", ".pdf") if pdf else (".png",):
        path = outdir / f"{name}{suffix}"
        figure.savefig(path, dpi=200)
        written.append(path)
    return written


@dataclasses.dataclass
class Row:
    """One reported number: what it is, simsuite's value, the paper's value where it gives one,
    the unit, and why the two differ (or how the number was obtained)."""

    section: str
    name: str
    value: Any
    paper: Any = None
    unit: str = ""
    note: str = ""


def _plain(value: Any) -> Any:
    """``value`` as JSON can hold it (NumPy scalars and arrays to Python; NaN and inf to null)."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, (float, np.floating)):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(_shown(v) for v in value)
    return str(value)


class Report:
    """Every statistic a paper reports, with simsuite's value beside the paper's.

    ``add`` records a number under a section; ``write`` writes ``report.md`` (one table per section:
    quantity | simsuite | paper | unit | note) and ``report.json`` (the same rows, machine-readable,
    plus the run metadata) into a folder.
    """

    def __init__(self, paper: str, title: str, quick: bool = False):
        self.paper = paper
        self.title = title
        self.quick = quick
        self.rows: list[Row] = []
        self.notes: list[str] = []
        self.figures: list[str] = []

    def add(
        self,
        section: str,
        name: str,
        value: Any,
        *,
        paper: Any = None,
        unit: str = "",
        note: str = "",
    ) -> None:
        """Record ``value`` of quantity ``name`` in ``section`` (with the paper's value)."""
        self.rows.append(Row(section, name, value, paper, unit, note))

    def note(self, text: str) -> None:
        """A paragraph printed under the title (how the numbers were made, caveats)."""
        self.notes.append(text)

    def value(self, section: str, name: str) -> Any:
        """The recorded value of ``name`` in ``section`` (KeyError if absent)."""
        for row in self.rows:
            if row.section == section and row.name == name:
                return row.value
        raise KeyError(f"{section}: {name}")

    def sections(self) -> list[str]:
        """The section names, in the order their first row was added."""
        return list(dict.fromkeys(row.section for row in self.rows))

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data: paper, title, quick flag, notes, figures and rows."""
        return {
            "paper": self.paper,
            "title": self.title,
            "quick": self.quick,
            "notes": self.notes,
            "figures": self.figures,
            "rows": [
                {k: _plain(v) for k, v in dataclasses.asdict(row).items()} for row in self.rows
            ],
        }

    def markdown(self) -> str:
        """The text of ``report.md``: the title, the notes, one table per section, the figures."""
        lines = [f"# {self.title}", ""]
        if self.quick:
            lines += ["*Quick mode: reduced sizes; the numbers are not the paper's runs.*", ""]
        for text in self.notes:
            lines += [text, ""]
        for section in self.sections():
            lines += [f"## {section}", "", "| quantity | simsuite | paper | unit | note |"]
            lines.append("|---|---|---|---|---|")
            for row in (r for r in self.rows if r.section == section):
                cells = [row.name, _shown(row.value), _shown(row.paper), row.unit, row.note]
                lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
            lines.append("")
        if self.figures:
            lines += ["## Figures", ""] + [f"![{name}]({name}.png)" for name in self.figures] + [""]
        return "\n".join(lines)

    def write(self, outdir: str | Path) -> tuple[Path, Path]:
        """Write ``report.md`` and ``report.json`` into ``outdir``; returns their paths."""
        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        md, js = outdir / "report.md", outdir / "report.json"
        md.write_text(self.markdown(), encoding="utf-8")
        js.write_text(json.dumps(self.to_dict(), indent=1, allow_nan=False) + "\n", "utf-8")
        return md, js
