"""Figures of a sweep summary (``summary.nc`` written by :func:`simsuite.sweep`).

The summary holds one variable per collected scalar on the dimensions [``branch``,] one per swept
key (or ``point`` for zipped keys) and ``replicate``. Two figures:

* :func:`sweep_lines` — each collected variable against the first swept key, one line per value of
  the other keys and per branch (ascending ▲ / descending ▼ for carried-state sweeps, which is how
  hysteresis shows), the mean over replicates with their standard deviation as error bars;
* :func:`sweep_map` — a variable over a two-key grid as an image (mean over replicates).
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simsuite.plotting.common import new_figure

#: Summary variables that are bookkeeping, not results.
BOOKKEEPING = ("status", "run_hash", "wall_time")
_BRANCH_MARKERS = {"ascending": "^-", "descending": "v--"}
MAX_LINES = 8


def collected(ds: xr.Dataset) -> list[str]:
    """The collected result variables of a summary."""
    return [str(n) for n in ds.data_vars if n not in BOOKKEEPING and ds[n].dtype.kind in "fiu"]


def swept_dims(ds: xr.Dataset) -> list[str]:
    """The summary's parameter dimensions (swept keys, or ``point``), carried key first."""
    dims = [str(d) for d in ds.dims if d not in ("replicate", "branch")]
    carry = ds.attrs.get("carry_key", "")
    first = [d for d in dims if ds[d].attrs.get("config_key") == carry] if carry else []
    return first + [d for d in dims if d not in first]


def _x_label(ds: xr.Dataset, dim: str) -> str:
    attrs = ds[dim].attrs if dim in ds.coords else {}
    key = attrs.get("long_name") or attrs.get("config_key", dim)  # long_name names the unit
    units = attrs.get("units", "")
    return key if units in ("", "1") else f"{key} [{units}]"


def sweep_lines(ds: xr.Dataset, variables: list[str] | None = None) -> Figure:
    """Each collected variable against the first swept key (one panel per variable)."""
    variables = variables or collected(ds)
    dims = swept_dims(ds)
    if not dims or not variables:
        raise ValueError("the summary has no swept key or no collected variable to plot")
    x_dim, others = dims[0], dims[1:]
    columns = min(len(variables), 2)
    rows = -(-len(variables) // columns)
    figure = new_figure(6.0 * columns, 3.8 * rows)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    x = ds[x_dim].values if x_dim in ds.coords else np.arange(ds.sizes[x_dim])
    for ax, name in zip(axes, variables, strict=False):
        for label, series in _lines(ds[name], others):
            branch = label.split(",")[0] if "branch" in ds.dims else ""
            style = _BRANCH_MARKERS.get(branch, "o-")
            mean = series.mean("replicate", skipna=True) if "replicate" in series.dims else series
            spread = series.std("replicate") if series.sizes.get("replicate", 1) > 1 else None
            ax.errorbar(
                x,
                mean.transpose(x_dim).values,
                yerr=None if spread is None else spread.transpose(x_dim).values,
                fmt=style,
                ms=4,
                capsize=2,
                label=label or None,
            )
        ax.set_xlabel(_x_label(ds, x_dim))
        ax.set_ylabel(_variable_label(ds[name], name))
        ax.set_title(name.replace("_", " "))
        if ax.get_legend_handles_labels()[1]:
            ax.legend(fontsize="x-small")
    for ax in axes[len(variables) :]:
        ax.set_visible(False)
    figure.suptitle(ds.attrs.get("title", "sweep"))
    return figure


def _variable_label(da: xr.DataArray, name: str) -> str:
    units = da.attrs.get("units", "")
    return name if units in ("", "1") else f"{name} [{units}]"


def _lines(da: xr.DataArray, others: list[str]):
    """(label, DataArray over x and replicate) for each branch and combination of other keys; at
    most :data:`MAX_LINES` (further keys are averaged)."""
    groups = (["branch"] if "branch" in da.dims else []) + others
    kept: list[str] = []
    count = 1
    for dim in groups:
        if count * da.sizes[dim] > MAX_LINES:
            break
        kept.append(dim)
        count *= da.sizes[dim]
    dropped = [d for d in groups if d not in kept]
    if dropped:
        da = da.mean(dropped, skipna=True)
    if not kept:
        yield "", da
        return
    stacked = da.stack(_line=kept)
    for i in range(stacked.sizes["_line"]):
        series = stacked.isel(_line=i)
        label = ", ".join(_describe(dim, series[dim].values) for dim in kept)
        yield label, series.drop_vars(["_line", *kept], errors="ignore")


def _describe(dim: str, value) -> str:
    if dim == "branch":
        return str(value)
    return f"{dim} = {value:g}" if np.issubdtype(np.asarray(value).dtype, np.number) else str(value)


def sweep_map(ds: xr.Dataset, variable: str, ax: Axes | None = None) -> Figure:
    """``variable`` over the first two swept keys of a grid sweep (mean over replicates and any
    further keys; the first branch of a carried sweep); drawn into ``ax`` or a new figure."""
    dims = swept_dims(ds)
    if len(dims) < 2 or "point" in dims:
        raise ValueError("a map needs a grid sweep over at least two keys")
    da = ds[variable]
    if "branch" in da.dims:
        da = da.isel(branch=0)
    da = da.mean([d for d in da.dims if d not in dims[:2]], skipna=True)
    y_dim, x_dim = dims[0], dims[1]
    values = da.transpose(y_dim, x_dim).values
    if ax is None:
        ax = new_figure(6.5, 5.0).add_subplot()
    figure = ax.figure
    image = ax.pcolormesh(
        _edges(ds[x_dim].values), _edges(ds[y_dim].values), values, cmap="viridis", shading="flat"
    )
    figure.colorbar(image, ax=ax, label=_variable_label(ds[variable], variable))
    ax.set_xlabel(_x_label(ds, x_dim))
    ax.set_ylabel(_x_label(ds, y_dim))
    ax.set_title(f"{variable.replace('_', ' ')} ({ds.attrs.get('title', 'sweep')})")
    return figure


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around (possibly uneven) centres: midpoints, the ends extended by half a cell."""
    c = np.asarray(centres, dtype=float)
    if c.size == 1:
        return np.array([c[0] - 0.5, c[0] + 0.5])
    mid = (c[1:] + c[:-1]) / 2
    return np.concatenate(([c[0] - (mid[0] - c[0])], mid, [c[-1] + (c[-1] - mid[-1])]))


def standard_sweep_figures(ds: xr.Dataset) -> dict[str, Figure]:
    """``lines`` (every collected variable against the first key) and, for grid sweeps over two
    keys or more, one ``map_<variable>`` per collected variable."""
    figures = {"lines": sweep_lines(ds)}
    dims = swept_dims(ds)
    if len(dims) >= 2 and "point" not in dims:
        for name in collected(ds):
            figures[f"map_{name}"] = sweep_map(ds, name)
    return figures
