"""Standard figures of a field on a 2D or 3D grid: snapshot maps, mid-plane slices, projections.

What is drawn is the model's field (its ``field_variables``): the density :math:`|\\psi|^2` of a
complex field (NLSE, on a sequential colormap from 0), a real field φ itself (Klein–Gordon, on a
diverging colormap centred on 0). Every panel of a figure shares one colour scale and one colorbar;
x is across, and the axes have equal aspect, so a square box looks square.

* :func:`snapshot_maps` (file ``maps``, 2D) — the field over (x, y) at the first, middle and last
  snapshots, above the invariants' drifts against t (as :func:`~.fields.invariant_drift`);
* :func:`mid_plane_slices` (file ``slices``, 3D) — the planes z = z[n_z//2] (xy), y = y[n_y//2]
  (xz) and x = x[n_x//2] (yz) at the first and last snapshots, above the drifts: cut from the full
  field, or read from the slice variables ``<V>_xy``, ``<V>_xz``, ``<V>_yz`` of a run that saved only
  those;
* :func:`projections` (file ``projections``, 3D) — the projections ``density_proj_xy`` = ∫ D dz,
  ``density_proj_xz``, ``density_proj_yz`` of the model's density D, when the file holds them.

The names of the slices and projections are those of :data:`simsuite.io.reader.PLANES`. A field
on a 1D grid has the figures of :mod:`simsuite.plotting.fields`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simsuite.io.reader import NORMAL, PLANES, PROJECTION
from simsuite.plotting.common import new_figure, snapshot_indices, time_label, title
from simsuite.plotting.fields import draw_drifts
from simsuite.plotting.registry import grid_ndim, standard_figure
from simsuite.registry import get_model

__all__ = [
    "MapQuantity",
    "PlaneImage",
    "draw_plane",
    "map_quantity",
    "mid_plane_slices",
    "plane_image",
    "projections",
    "slice_planes",
    "snapshot_maps",
]

#: How a real field variable is written in labels (others by their name).
SYMBOLS = {"phi": "φ", "psi": "ψ", "phi_t": "φ_t"}


@dataclass(frozen=True)
class MapQuantity:
    """What a map shows: a label, the colormap, and whether its scale is centred on 0."""

    label: str
    cmap: str
    centred: bool


def map_quantity(ds: xr.Dataset) -> MapQuantity:
    """``|ψ|²`` for a complex field (two ``field_variables``: real and imaginary parts), the
    field itself for a real one."""
    names = get_model(str(ds.attrs.get("model"))).field_variables
    if len(names) == 2:
        base = names[0].removesuffix("_real")
        return MapQuantity(f"|{SYMBOLS.get(base, base)}|²", "magma", False)
    return MapQuantity(SYMBOLS.get(names[0], names[0]), "RdBu_r", True)


def _values(ds: xr.Dataset, names: Sequence[str], index: tuple) -> np.ndarray:
    """The map quantity of the variables ``names`` (one real field, or real and imaginary
    parts) at ``index``."""
    if len(names) == 2:
        real, imag = (ds[name].values[index] for name in names)
        return real * real + imag * imag
    return ds[names[0]].values[index]


@dataclass(frozen=True)
class PlaneImage:
    """One 2D image: values on (vertical, horizontal), their coordinates and names, and where
    the plane lies (e.g. ``"z = 0"``, ``""`` for a 2D grid)."""

    values: np.ndarray
    horizontal: np.ndarray
    vertical: np.ndarray
    names: tuple[str, str]
    where: str


def _coord(ds: xr.Dataset, name: str, n: int) -> np.ndarray:
    return ds[name].values if name in ds.coords else np.arange(n, dtype=float)


def plane_image(ds: xr.Dataset, k: int, plane: str = "xy", projection: bool = False) -> PlaneImage:
    """The map of snapshot ``k`` in ``plane`` (``"xy"``, ``"xz"``, ``"yz"``).

    On a 2D grid the field itself (``plane`` ``"xy"``). On a 3D grid the mid-plane slice normal to
    the third axis, cut from the full field (index n//2 along it) or read from the slice variables
    ``<V>_<plane>``; with ``projection``, ``density_proj_<plane>``.
    """
    names = get_model(str(ds.attrs.get("model"))).field_variables
    vertical, horizontal = PLANES[plane]
    normal = NORMAL[plane]
    if projection:
        da = ds[f"{PROJECTION}_{plane}"].transpose("t", vertical, horizontal)
        values = da.values[k]
        where = f"∫ d{normal}"
    elif all(name in ds.variables for name in names):
        dims = ds[names[0]].dims[1:]
        if len(dims) == 2:
            values = _values(ds, names, (k,))
            if dims != (vertical, horizontal):
                values = values.T
            where = ""
        else:
            index: list = [k, slice(None), slice(None), slice(None)]
            axis = 1 + dims.index(normal)
            middle = ds.sizes[normal] // 2
            index[axis] = middle
            values = _values(ds, names, tuple(index))
            kept = [d for d in dims if d != normal]
            if kept != [vertical, horizontal]:
                values = values.T
            where = f"{normal} = {float(_coord(ds, normal, ds.sizes[normal])[middle]):.4g}"
    else:
        planes = [f"{name}_{plane}" for name in names]
        arrays = [ds[name].transpose("t", vertical, horizontal) for name in planes]
        values = _values(xr.Dataset(dict(zip(planes, arrays, strict=True))), planes, (k,))
        value = ds[planes[0]].attrs.get("slice_value")
        where = f"{normal} = {float(value):.4g}" if value is not None else f"mid-plane {normal}"
    n_v, n_h = values.shape
    return PlaneImage(
        values,
        _coord(ds, horizontal, n_h),
        _coord(ds, vertical, n_v),
        (horizontal, vertical),
        where,
    )


def _extent(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """Image extent with each sample at the centre of its cell."""
    dx = x[1] - x[0] if len(x) > 1 else 1.0
    dy = y[1] - y[0] if len(y) > 1 else 1.0
    return (x[0] - dx / 2, x[-1] + dx / 2, y[0] - dy / 2, y[-1] + dy / 2)


def colour_limits(quantity: MapQuantity, images: Sequence[np.ndarray]) -> dict[str, float]:
    """``vmin``/``vmax`` shared by ``images``: [0, max] for a density, ±max |value| for a field
    centred on 0."""
    top = max((float(np.nanmax(np.abs(v))) for v in images), default=0.0) or 1.0
    if quantity.centred:
        return {"vmin": -top, "vmax": top}
    low = min(float(np.nanmin(v)) for v in images)
    return {"vmin": min(low, 0.0), "vmax": top}


def draw_plane(ax: Axes, image: PlaneImage, cmap: str, limits: dict[str, float]):
    """``image`` into ``ax`` (equal aspect, axes named), returning the image artist."""
    artist = ax.imshow(
        image.values,
        origin="lower",
        interpolation="nearest",
        extent=_extent(image.horizontal, image.vertical),
        cmap=cmap,
        **limits,
    )
    ax.set_aspect("equal")
    ax.set_xlabel(image.names[0])
    ax.set_ylabel(image.names[1])
    return artist


def on_2d_grid(ds: xr.Dataset) -> bool:
    """Whether the dataset's field is on a 2D grid."""
    return grid_ndim(ds) == 2


def has_slices(ds: xr.Dataset) -> bool:
    """Whether the dataset is a 3D run with its full field or mid-plane slices of it."""
    if grid_ndim(ds) != 3:
        return False
    return bool(slice_planes(ds))


def has_projections(ds: xr.Dataset) -> bool:
    """Whether the dataset is a 3D run holding projections ``density_proj_<plane>``."""
    return grid_ndim(ds) == 3 and any(f"{PROJECTION}_{p}" in ds.variables for p in PLANES)


def slice_planes(ds: xr.Dataset) -> list[str]:
    """The planes (``"xy"``, ``"xz"``, ``"yz"``) of a 3D field the dataset can show: all three
    with the full field, else those with a slice of every field variable."""
    names = get_model(str(ds.attrs.get("model"))).field_variables
    if all(name in ds.variables for name in names):
        return list(PLANES)
    return [p for p in PLANES if all(f"{name}_{p}" in ds.variables for name in names)]


def _maps_with_drifts(
    ds: xr.Dataset,
    panels: list[list[tuple[PlaneImage, str]]],
    quantity: MapQuantity,
    label: str,
    what: str,
    drifts: bool = True,
) -> Figure:
    """Rows of image panels (each ``(image, panel title)``) with one colour scale and colorbar,
    above the invariants' drifts across the whole width."""
    rows, columns = len(panels), max(len(row) for row in panels)
    # each row as tall as its widest-aspect image needs at 3.4 in across (+ labels and title)
    heights = [
        float(np.clip(3.4 * max(_aspect(image) for image, _ in row), 1.2, 5.0)) + 0.9
        for row in panels
    ]
    heights += [3.0] * drifts
    figure = new_figure(3.6 * columns + 1.2, sum(heights) + 0.5)
    grid = figure.add_gridspec(rows + drifts, columns, height_ratios=heights)
    limits = colour_limits(quantity, [image.values for row in panels for image, _ in row])
    axes, artist = [], None
    for r, row in enumerate(panels):
        for c, (image, panel_title) in enumerate(row):
            ax = figure.add_subplot(grid[r, c])
            artist = draw_plane(ax, image, quantity.cmap, limits)
            ax.set_title(panel_title, fontsize="medium")
            axes.append(ax)
    figure.colorbar(artist, ax=axes, label=label, shrink=0.9)
    if drifts:
        ax = figure.add_subplot(grid[rows, :])
        draw_drifts(ax, ds, legend_columns=2)
        ax.set_ylabel("|I − I₀| / scale of I")
        ax.set_title("conservation: drift of each invariant from t = 0", fontsize="medium")
    figure.suptitle(title(ds, what, width=90))
    return figure


def _aspect(image: PlaneImage) -> float:
    """Height over width of the image's extent."""
    left, right, bottom, top = _extent(image.horizontal, image.vertical)
    return abs(top - bottom) / (abs(right - left) or 1.0)


def _time(ds: xr.Dataset, k: int) -> str:
    name = time_label(ds).split(" [")[0]
    units = str(ds["t"].attrs.get("units", ""))
    value = f"{float(ds['t'].values[k]):.4g}"
    return f"{name} = {value}" + ("" if units in ("", "1") else f" {units}")


@standard_figure("field_maps", file_name="maps", applies=on_2d_grid)
def snapshot_maps(ds: xr.Dataset, times: Sequence[float] | None = None, count: int = 3) -> Figure:
    """The field on a 2D grid at ``count`` snapshots spread evenly (first and last included), or at
    the snapshots nearest ``times``, on one colour scale, above the invariants' drifts."""
    quantity = map_quantity(ds)
    indices = _indices(ds, times, count)
    row = [(plane_image(ds, int(k)), _time(ds, int(k))) for k in indices]
    return _maps_with_drifts(ds, [row], quantity, quantity.label, f"{quantity.label}(x, y)")


def _indices(ds: xr.Dataset, times: Sequence[float] | None, count: int) -> np.ndarray:
    t = ds["t"].values
    if times is None:
        return snapshot_indices(len(t), count)
    return np.unique([int(np.argmin(np.abs(t - time))) for time in times])


@standard_figure("field_slices", file_name="slices", applies=has_slices)
def mid_plane_slices(ds: xr.Dataset, times: Sequence[float] | None = None) -> Figure:
    """The mid-plane slices xy, xz, yz of a 3D field (those the file has) at the first and last
    snapshots (or those nearest ``times``), one row per snapshot, above the drifts."""
    quantity = map_quantity(ds)
    planes = slice_planes(ds)
    panels = []
    for k in _indices(ds, times, 2):
        row = []
        for plane in planes:
            image = plane_image(ds, int(k), plane)
            row.append((image, f"{image.where}, {_time(ds, int(k))}"))
        panels.append(row)
    return _maps_with_drifts(ds, panels, quantity, quantity.label, f"{quantity.label}, mid-planes")


@standard_figure("field_projections", file_name="projections", applies=has_projections)
def projections(ds: xr.Dataset, times: Sequence[float] | None = None) -> Figure:
    """The density projections of a 3D run (``density_proj_xy`` = ∫ D dz, …) at the first and
    last snapshots (or those nearest ``times``), one row per snapshot."""
    planes = [p for p in PLANES if f"{PROJECTION}_{p}" in ds.variables]
    density = projected_density(ds)
    quantity = MapQuantity(f"∫ {density}", "viridis", False)
    panels = []
    for k in _indices(ds, times, 2):
        row = []
        for plane in planes:
            image = plane_image(ds, int(k), plane, projection=True)
            row.append((image, f"{image.where}, {_time(ds, int(k))}"))
        panels.append(row)
    return _maps_with_drifts(
        ds, panels, quantity, f"{density} integrated along the third axis", "projections", False
    )


def projected_density(ds: xr.Dataset) -> str:
    """The name of the density D the projections integrate: the model's ``density_long_name``
    (e.g. "density |psi|^2"), else "density"."""
    model = get_model(str(ds.attrs.get("model")))
    return str(getattr(model, "density_long_name", None) or "density")
