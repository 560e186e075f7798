"""Saving what a benchmark measured: the ``--json PATH`` of ``nlse_bench.py`` and ``kg_bench.py``.

A record is one JSON object::

    {"benchmark": "nlse" | "kg",
     "metadata": {date, command, cpu_count, load_average_start, load_average_end, python, numpy,
                  platform, simsuite_version, commit, dirty, note, ...the run's options},
     "problem": {...what was integrated and the reference...},
     "rows": [{"method", "options", "label", "baseline", "wall_s", ...errors..., "n_rhs"}, ...],
     "figures": {name: value, ...the figures the benchmark prints last}}

``benchmarks/work_precision.py`` draws the work–precision diagrams from such records; the records
behind the figures of the documentation are kept in ``benchmarks/results/``.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = 1


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def _load_average() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def metadata(note: str | None, argv: list[str] | None, **options) -> dict:
    """The run's circumstances, taken when the benchmark starts (``finish`` adds the end)."""
    from simsuite.version import __version__

    status = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "schema": SCHEMA,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": [Path(sys.argv[0]).name, *(sys.argv[1:] if argv is None else argv)],
        "cpu_count": os.cpu_count(),
        "load_average_start": _load_average(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "simsuite_version": __version__,
        "commit": _git("rev-parse", "--short", "HEAD"),
        "dirty": None if status is None else bool(status),
        "note": note or "",
        **options,
    }


def _clean(value):
    """JSON-safe copy: numpy scalars to Python numbers, non-finite floats to None."""
    if isinstance(value, dict):
        return {str(key): _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write(path: str | os.PathLike, benchmark: str, meta: dict, problem: dict, rows, figures):
    """Write the record (the end time and load average are added to ``meta`` here)."""
    meta = {
        **meta,
        "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "load_average_end": _load_average(),
    }
    record = {
        "benchmark": benchmark,
        "metadata": meta,
        "problem": problem,
        "rows": list(rows),
        "figures": figures,
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_clean(record), indent=1) + "\n", encoding="utf-8")
    return path
