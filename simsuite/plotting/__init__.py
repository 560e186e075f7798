"""Figures and animations from simsuite output files.

Every function takes an :class:`xarray.Dataset` (an output of :func:`simsuite.run` or a file read
with :func:`load_output`) and returns a :class:`matplotlib.figure.Figure`; nothing is shown and no
pyplot state is touched, so the functions work headless and in notebooks alike.

``standard_figures(ds)`` gives the model's standard set by name; ``save_figures`` writes them as
PNG (and PDF); :func:`~simsuite.plotting.animation.animate` writes an MP4 or GIF.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import xarray as xr
from matplotlib.figure import Figure

from simsuite.io.paths import check_output_folder
from simsuite.plotting import fields, school, sweeps
from simsuite.plotting.common import check_dataset, load_output

__all__ = [
    "FIGURES",
    "fields",
    "load_output",
    "save_figures",
    "school",
    "standard_figures",
    "sweeps",
]

#: The standard figures of each model, by the name used in the file names.
FIGURES: dict[str, dict[str, Callable[[xr.Dataset], Figure]]] = {
    "nlse": {
        "spacetime": fields.spacetime_map,
        "snapshots": fields.snapshots,
        "invariants": fields.invariant_drift,
        "spectrum": fields.spectrum,
        "phase_portrait": fields.phase_portrait,
        "entropy": fields.entropy_timeseries,
    },
    "couzin": {
        "school": school.school_snapshot,
        "order_parameters": school.order_parameters,
        "centroid": school.centroid_trajectory,
        "nearest_neighbours": school.nearest_neighbour_histogram,
        "entropy": school.schooling_entropies,
    },
}
FIGURES["klein_gordon"] = FIGURES["nlse"]


def standard_figures(ds: xr.Dataset) -> dict[str, Figure]:
    """The model's standard figures by name. The field models' entropy figure is included only
    when the dataset holds the diagnostics; Couzin's schooling entropies are computed if absent;
    a sweep summary gets :func:`~simsuite.plotting.sweeps.standard_sweep_figures`."""
    model = check_dataset(ds, ds.encoding.get("source", "<dataset>"))
    if model == "sweep":
        return sweeps.standard_sweep_figures(ds)
    if model == "couzin":
        ds = school.with_entropies(ds)
    figures = {}
    for name, make in FIGURES[model].items():
        if name == "entropy" and model != "couzin" and not fields.has_entropies(ds):
            continue
        figures[name] = make(ds)
    return figures


def save_figures(
    ds: xr.Dataset,
    outdir: str | Path,
    stem: str,
    *,
    pdf: bool = False,
    dpi: int = 150,
) -> list[Path]:
    """Write the standard figures as ``outdir/<stem>_<name>.png`` (and ``.pdf``); returns the
    paths written. ``outdir`` is created if missing (:class:`~simsuite.config.ConfigError` when it
    cannot be written)."""
    outdir = Path(outdir)
    check_output_folder(outdir, ds.encoding.get("source", "<dataset>"), "--outdir")
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, figure in standard_figures(ds).items():
        for suffix in (".png", ".pdf") if pdf else (".png",):
            path = outdir / f"{stem}_{name}{suffix}"
            figure.savefig(path, dpi=dpi)
            written.append(path)
    return written
