"""Reproductions of the three papers simsuite grows from, one command each.

``simsuite reproduce PAPER`` (or :func:`reproduce`) runs the paper's cases from the shipped
canonical configs, writes each of the paper's figures as a PNG (and PDF) and a ``report.md`` plus
``report.json`` with every statistic the paper reports beside the paper's own value. The papers:

* ``amangkurat`` — the (1+1)D nonlinear Klein–Gordon library (:mod:`simsuite.papers.amangkurat`);
* ``nlse`` — the simple idealized 1D NLSE solver (:mod:`simsuite.papers.nlse`);
* ``dewi-kadita`` — the Couzin fish-schooling library (:mod:`simsuite.papers.dewi_kadita`).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from simsuite.config import ConfigError
from simsuite.papers.common import Paper, Report

__all__ = ["MODULES", "Paper", "Report", "get_paper", "paper_names", "reproduce"]

#: Paper name on the command line → the module that defines its ``PAPER``.
MODULES = {
    "amangkurat": "simsuite.papers.amangkurat",
    "nlse": "simsuite.papers.nlse",
    "dewi-kadita": "simsuite.papers.dewi_kadita",
}


def paper_names() -> list[str]:
    """The papers that can be reproduced, in the order of :data:`MODULES`."""
    return list(MODULES)


def get_paper(name: str) -> Paper:
    """The :class:`Paper` called ``name`` (ConfigError naming the known ones otherwise)."""
    if name not in MODULES:
        raise ConfigError("simsuite reproduce", "PAPER", name, "one of " + ", ".join(paper_names()))
    return importlib.import_module(MODULES[name]).PAPER


def reproduce(
    paper: str,
    outdir: str | Path | None = None,
    *,
    quick: bool = False,
    workers: int = 1,
    pdf: bool = False,
    progress: bool = True,
) -> Report:
    """Reproduce a paper: run its cases, write its figures and its report.

    Parameters
    ----------
    paper
        ``"amangkurat"``, ``"nlse"`` or ``"dewi-kadita"``.
    outdir
        Folder for the figures, ``report.md``, ``report.json`` and the runs (``runs/``); default
        ``outputs/reproduce/<paper>``. Complete runs already there with the same config are reused.
    quick
        Reduced sizes (seconds, for tests); the default runs the paper's own sizes.
    workers
        Processes that run the cases in parallel.
    pdf
        Also write each figure as PDF.
    progress
        One line per case on standard error.

    Returns
    -------
    ~simsuite.papers.common.Report
        The numbers, as written to ``report.md`` and ``report.json``.
    """
    if workers < 1:
        raise ConfigError("simsuite reproduce", "--workers", workers, "an integer >= 1")
    chosen = get_paper(paper)
    folder = Path(outdir) if outdir is not None else Path("outputs") / "reproduce" / paper
    from simsuite.io.paths import check_output_folder

    check_output_folder(folder, "simsuite reproduce", "--outdir")
    report = chosen.run(folder, quick=quick, workers=workers, pdf=pdf, progress=progress)
    report.write(folder)
    return report
