"""What the example scripts share: the ``--quick`` / ``--outdir`` command line, running canonical
configs in memory, and saving a figure. (Scripts run from anywhere: Python puts this folder on the
path of a script it runs.)

The scripts find the repository through this module (:data:`CONFIGS`, :data:`OUTPUT`), not through
their own ``__file__``, and describe their command line with the title of their docstring: both
keep them runnable by sphinx-gallery, which defines no ``__file__`` and blanks ``__doc__``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import xarray as xr
from matplotlib.figure import Figure

import simsuite

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
# the default --outdir: this folder's output/, wherever the script runs from
OUTPUT = Path(__file__).resolve().parent / "output"


def title(doc: str | None) -> str | None:
    """The first line of a docstring (the title of an example), or None for an empty one."""
    return (doc or "").strip().split("\n", 1)[0] or None


def parser(doc: str | None, quick_help: str) -> argparse.ArgumentParser:
    """A parser with ``--quick`` and ``--outdir``, described by the first line of ``doc``."""
    p = argparse.ArgumentParser(description=title(doc))
    p.add_argument("--quick", action="store_true", help=f"{quick_help} (or SIMSUITE_QUICK=1)")
    p.add_argument("--outdir", default=OUTPUT, help="folder for the PNG (default: examples/output)")
    return p


def is_quick(args: argparse.Namespace) -> bool:
    return args.quick or os.environ.get("SIMSUITE_QUICK") == "1"


def run_canonical(names: tuple[str, ...], overrides: dict) -> list[xr.Dataset]:
    """Each canonical config ``configs/<name>.toml`` run in memory with ``overrides``."""
    overrides = {**overrides, "run.progress": False}
    return [
        simsuite.run(CONFIGS / f"{name}.toml", output="", overrides=overrides) for name in names
    ]


def save(figure: Figure, outdir: str | Path, name: str, dpi: int = 110) -> Path:
    """Write ``figure`` as ``outdir/<name>.png`` and say so."""
    path = Path(outdir) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=dpi)
    print(f"wrote {path}")
    return path
