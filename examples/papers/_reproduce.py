"""What the paper pages share: their command line and the report printed as plain-text tables.
(Each page runs from anywhere: Python puts this folder on the path of a script it runs.)"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from simsuite.papers import Report

#: the default --outdir: ``examples/output/reproduce/<paper>``, wherever the script runs from
OUTPUT = Path(__file__).resolve().parents[1] / "output" / "reproduce"


def parse_args(paper: str, argv: list[str] | None = None) -> argparse.Namespace:
    """``--quick`` (also ``SIMSUITE_QUICK=1``), ``--outdir`` and ``--workers`` of a paper page."""
    p = argparse.ArgumentParser(
        description=f"Reproduce the {paper} paper: its figures and report (simsuite reproduce)."
    )
    p.add_argument(
        "--quick", action="store_true", help="reduced sizes, in seconds (or SIMSUITE_QUICK=1)"
    )
    p.add_argument(
        "--outdir",
        type=Path,
        default=OUTPUT / paper,
        help=f"folder for the figures, the report and the runs (default: {OUTPUT / paper})",
    )
    p.add_argument("--workers", type=int, default=1, help="processes running the cases (default 1)")
    args = p.parse_args(argv)
    args.quick = args.quick or os.environ.get("SIMSUITE_QUICK") == "1"
    return args


def shown(value: Any) -> str:
    """A reported value as ``report.md`` writes it: 4 significant digits, "–" for none."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    return str(value)


def print_report(report: Report) -> None:
    """Every row of the report, one table per section: the quantity, simsuite's value and the
    paper's (– where the paper gives none). The notes on how each number was made are in
    ``report.md``."""
    data = report.to_dict()
    print(data["title"])
    if data["quick"]:
        print("Quick mode: reduced sizes; the numbers are not the paper's runs.")
    sections = dict.fromkeys(row["section"] for row in data["rows"])
    for section in sections:
        rows = [row for row in data["rows"] if row["section"] == section]
        cells = [
            (row["name"], shown(row["value"]), shown(row["paper"]), row["unit"]) for row in rows
        ]
        widths = [
            max(len(c[i]) for c in [("quantity", "simsuite", "paper", ""), *cells])
            for i in range(3)
        ]
        print(f"\n{section}")
        print(
            f"  {'quantity':<{widths[0]}}  {'simsuite':>{widths[1]}}  {'paper':>{widths[2]}}  unit"
        )
        for name, value, paper, unit in cells:
            line = f"  {name:<{widths[0]}}  {value:>{widths[1]}}  {paper:>{widths[2]}}  {unit}"
            print(line.rstrip())
