"""Figures and animations from simsuite output files.

Every function takes an :class:`xarray.Dataset` (an output of :func:`simsuite.run` or a file read
with :func:`load_output`) and returns a :class:`matplotlib.figure.Figure`; nothing is shown and no
pyplot state is touched, so the functions work headless and in notebooks alike.

``standard_figures(ds)`` gives the model's standard set by name (the names the model class lists in
its ``figures``, drawn by the functions the plotting modules register under them, see
:mod:`simsuite.plotting.registry`; on 2D and 3D grids the maps, slices and projections of
:mod:`simsuite.plotting.maps`); ``save_figures`` writes them as
PNG (and PDF); :func:`~simsuite.plotting.animation.animate` writes an MP4 or GIF.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import xarray as xr
from matplotlib.figure import Figure

from simsuite.io.paths import check_output_folder
from simsuite.plotting import fields, maps, school, sweeps
from simsuite.plotting.common import SWEEP, check_dataset, load_output
from simsuite.plotting.registry import figures_of, grid_ndim
from simsuite.registry import get_model, model_names

__all__ = [
    "FIGURES",
    "fields",
    "figures_of",
    "load_output",
    "maps",
    "save_figures",
    "school",
    "standard_figures",
    "sweeps",
]


class ModelFigures(Mapping):
    """The standard figures of each registered model that declares some, by model name: a
    read-only view ``{model: {file name: figure function}}`` of the models' ``figures`` and the
    figure registry (:mod:`simsuite.plotting.registry`), computed when asked, so a model
    registered later is in it too."""

    def _models(self) -> list[str]:
        return [name for name in model_names() if get_model(name).figures]

    def __getitem__(self, model: str) -> dict[str, Callable[[xr.Dataset], Figure]]:
        if model not in self._models():
            raise KeyError(model)
        return {figure.file_name: figure.draw for figure in figures_of(get_model(model))}

    def __iter__(self) -> Iterator[str]:
        return iter(self._models())

    def __len__(self) -> int:
        return len(self._models())


#: The standard figures of each model, by the name used in the file names.
#:
#: :meta hide-value:
FIGURES: Mapping[str, dict[str, Callable[[xr.Dataset], Figure]]] = ModelFigures()


def standard_figures(ds: xr.Dataset) -> dict[str, Figure]:
    """The model's standard figures (the model class's ``figures``) by file name. A figure that
    applies only to some data (the field models' entropy figure, drawn when the dataset holds the
    diagnostics) is left out otherwise; what a figure needs is added first (Couzin's schooling
    entropies are computed if absent); a sweep summary gets
    :func:`~simsuite.plotting.sweeps.standard_sweep_figures`. A field on a 2D or 3D grid gets
    ``simsuite.plotting.registry.ND_FIGURES`` (the maps, slices and projections of
    :mod:`~simsuite.plotting.maps`) instead of the model's 1D ones."""
    model = check_dataset(ds, ds.encoding.get("source", "<dataset>"))
    if model == SWEEP:
        return sweeps.standard_sweep_figures(ds)
    chosen = figures_of(get_model(model), grid_ndim(ds))
    for figure in chosen:
        if figure.prepare is not None:
            ds = figure.prepare(ds)
    return {
        figure.file_name: figure.draw(ds)
        for figure in chosen
        if figure.applies is None or figure.applies(ds)
    }


def save_figures(
    ds: xr.Dataset,
    outdir: str | Path,
    stem: str,
    *,
    pdf: bool = False,
    dpi: int = 150,
) -> list[Path]:
    """Write the standard figures as ``outdir/<stem>_<name>.png`` (and ``.pdf``); returns the
    paths written. ``outdir`` is created if missing (:class:`~simsuite.ConfigError` when it
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
