"""Standard figures of Couzin runs from their output datasets.

* :func:`school_snapshot` — the agents in 3D with their headings, coloured by depth (z);
* :func:`order_parameters` — polarization P, rotation M (and the order index) against t;
* :func:`centroid_trajectory` — the path of the group centroid in 3D, coloured by time;
* :func:`nearest_neighbour_histogram` — distances to the nearest neighbour in one snapshot;
* :func:`schooling_entropies` — the seven schooling entropies and the Oceanic Schooling Index
  against t (from the dataset, or computed by :func:`simsuite.analyze.diagnostics_for`).
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from scipy.spatial import cKDTree

from simsuite.diagnostics.schooling import ENTROPIES
from simsuite.plotting.common import new_figure, snapshot_index, time_label, title


def box_size(ds: xr.Dataset) -> float | None:
    """Edge of the periodic box, or ``None`` in open space."""
    if ds.attrs.get("domain") == "periodic":
        return float(ds.attrs["box_size"])
    return None


def _headings(velocity: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(velocity, axis=-1, keepdims=True)
    return np.divide(velocity, norm, out=np.zeros_like(velocity), where=norm > 0)


def school_snapshot(
    ds: xr.Dataset, time: float | None = None, ax: Axes | None = None, colorbar: bool = True
) -> Figure:
    """Positions and unit headings (one body length long) at the snapshot nearest ``time``
    (default: the last), coloured by depth z; drawn into ``ax`` (a 3D axes) or a new figure,
    with a depth colorbar unless ``colorbar`` is false."""
    k = snapshot_index(ds, time)
    position = ds["position"].values[k]
    heading = _headings(ds["velocity"].values[k])
    if ax is None:
        ax = new_figure(6.5, 5.5).add_subplot(projection="3d")
    figure = ax.figure
    depth = position[:, 2]
    points = ax.scatter(*position.T, c=depth, cmap="viridis", s=10, depthshade=False)
    ax.quiver(*position.T, *heading.T, length=1.0, color="0.3", linewidth=0.6)
    if colorbar:
        figure.colorbar(points, ax=ax, label="depth z [body lengths]", shrink=0.7)
    _cube(ax, position, box_size(ds))
    ax.set_xlabel("x [body lengths]")
    ax.set_ylabel("y [body lengths]")
    ax.set_zlabel("z [body lengths]")
    ax.set_title(title(ds, f"t = {ds['t'].values[k]:.4g}"))
    return figure


def _cube(ax, position: np.ndarray, box: float | None) -> None:
    """Equal scales on the three axes: the whole box, or a cube around the agents."""
    if box is not None:
        low, high = np.zeros(3), np.full(3, box)
    else:
        centre = (position.max(axis=0) + position.min(axis=0)) / 2
        half = max(float(np.ptp(position, axis=0).max()) / 2, 1.0) * 1.05
        low, high = centre - half, centre + half
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])
    ax.set_zlim(low[2], high[2])
    ax.set_box_aspect((1, 1, 1))


def order_parameters(ds: xr.Dataset, ax: Axes | None = None) -> Figure:
    """Polarization P = |Σ v̂_i|/N and rotation M = |Σ r̂_ic × v̂_i|/N against t (and the order
    index max(P, M) when the dataset holds it); drawn into ``ax`` or a new figure."""
    t = ds["t"].values
    if ax is None:
        ax = new_figure(7.0, 3.8).add_subplot()
    figure = ax.figure
    ax.plot(t, ds["polarization"].values, lw=1.3, label="polarization P")
    ax.plot(t, ds["rotation"].values, lw=1.3, label="rotation M")
    if "order_index" in ds.variables:
        ax.plot(t, ds["order_index"].values, lw=0.8, ls=":", color="0.3", label="max(P, M)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(time_label(ds))
    ax.set_ylabel("order parameter")
    ax.set_title(title(ds, "order parameters"))
    ax.legend(fontsize="small")
    return figure


def centroid_trajectory(ds: xr.Dataset) -> Figure:
    """The path of the group centroid, coloured from early (dark) to late (light). In a periodic
    box the centroid is the circular mean, drawn without the jumps across faces."""
    centre = ds["centroid"].values
    box = box_size(ds)
    if box is not None:  # unwrap the jumps across the faces
        centre = np.unwrap(centre, period=box, axis=0)
    t = ds["t"].values
    figure = new_figure(6.5, 5.5)
    ax = figure.add_subplot(projection="3d")
    ax.plot(*centre.T, color="0.6", lw=0.8)
    points = ax.scatter(*centre.T, c=t, cmap="viridis", s=6, depthshade=False)
    figure.colorbar(points, ax=ax, label=time_label(ds), shrink=0.7)
    _cube(ax, centre, None)
    ax.set_xlabel("x [body lengths]")
    ax.set_ylabel("y [body lengths]")
    ax.set_zlabel("z [body lengths]")
    ax.set_title(title(ds, "centroid trajectory"))
    return figure


def nearest_neighbour_distances(position: np.ndarray, box: float | None) -> np.ndarray:
    """Distance from each agent to its nearest other agent (minimum image in a periodic box)."""
    if len(position) < 2:
        return np.empty(0)
    if box is not None:
        wrapped = np.mod(position, box)
        wrapped[wrapped >= box] = 0.0
        tree = cKDTree(wrapped, boxsize=box)
    else:
        tree = cKDTree(position)
    distances, _ = tree.query(tree.data, k=2)
    return distances[:, 1]


def nearest_neighbour_histogram(ds: xr.Dataset, time: float | None = None) -> Figure:
    """Histogram of nearest-neighbour distances at the snapshot nearest ``time`` (default: last),
    with the repulsion radius r_r marked when the file records it."""
    k = snapshot_index(ds, time)
    distances = nearest_neighbour_distances(ds["position"].values[k], box_size(ds))
    figure = new_figure(6.0, 4.0)
    ax = figure.add_subplot()
    ax.hist(distances, bins=min(40, max(5, len(distances) // 5)), color="tab:blue", alpha=0.8)
    if "r_repulsion" in ds.attrs:
        ax.axvline(float(ds.attrs["r_repulsion"]), color="tab:red", ls="--", label="r_r")
        ax.legend(fontsize="small")
    ax.set_xlabel("nearest-neighbour distance [body lengths]")
    ax.set_ylabel("agents")
    ax.set_title(title(ds, f"nearest neighbours at t = {ds['t'].values[k]:.4g}"))
    return figure


def has_entropies(ds: xr.Dataset) -> bool:
    return all(name in ds.variables for name in (*ENTROPIES, "oceanic_schooling_index"))


def with_entropies(ds: xr.Dataset) -> xr.Dataset:
    """The dataset with the schooling entropies and OSI, computed when it does not hold them."""
    if has_entropies(ds):
        return ds
    from simsuite.analyze import diagnostics_for

    return ds.assign(diagnostics_for(ds))


def schooling_entropies(ds: xr.Dataset) -> Figure:
    """The seven normalised schooling entropies (thin) and the Oceanic Schooling Index (thick)
    against t; computed first when the dataset does not hold them."""
    ds = with_entropies(ds)
    t = ds["t"].values
    figure = new_figure(8.0, 4.2)
    ax = figure.add_subplot()
    for name in ENTROPIES:
        ax.plot(t, ds[name].values, lw=1.0, label=name.removeprefix("entropy_").replace("_", " "))
    ax.plot(t, ds["oceanic_schooling_index"].values, lw=2.4, color="black", label="OSI")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(time_label(ds))
    ax.set_ylabel("normalised entropy")
    definition = ds["oceanic_schooling_index"].attrs.get("long_name", "")
    suffix = f" ({definition.split('(')[-1]}" if "(" in definition else ""
    ax.set_title(title(ds, f"schooling entropies{suffix}"))
    ax.legend(fontsize="x-small", ncol=2, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return figure
