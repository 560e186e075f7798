"""Standard figures of Couzin runs from their output datasets.

* :func:`school_snapshot` — the agents in 3D with their headings, coloured by depth (z), beside a
  2D projection that shows the state: along the angular momentum L for a mill (M > P: a ring with
  an empty core), from the side with the mean heading to the right for a parallel group (P ≥ M);
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
from matplotlib.ticker import MaxNLocator
from scipy.spatial import cKDTree

from simsuite.diagnostics.schooling import ENTROPIES, centroid, offsets, polarization
from simsuite.plotting.common import new_figure, snapshot_index, time_label, title
from simsuite.plotting.registry import standard_figure

#: below this max(P, M) the projection panel calls the state a swarm (no order to show)
SWARM_ORDER = 0.5


def box_size(ds: xr.Dataset) -> float | None:
    """Edge of the periodic box, or ``None`` in open space."""
    if ds.attrs.get("domain") == "periodic":
        return float(ds.attrs["box_size"])
    return None


def unit_headings(velocity: np.ndarray) -> np.ndarray:
    """The unit vectors of ``velocity`` (last axis); zero where the velocity is zero."""
    norm = np.linalg.norm(velocity, axis=-1, keepdims=True)
    return np.divide(velocity, norm, out=np.zeros_like(velocity), where=norm > 0)


def plane_basis(normal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Orthonormal basis (e₁, e₂) of the plane normal to ``normal``, with e₁ × e₂ = n̂.

    Uses the branchless construction of Duff et al., "Building an orthonormal basis, revisited",
    JCGT 6(1), 2017: with :math:`s = \operatorname{sign}(n_z)` (+1 at :math:`n_z = 0`),
    :math:`a = -1/(s + n_z)` and :math:`b = n_x n_y a`,

    .. math::

        e_1 = (1 + s n_x^2 a, \; s b, \; -s n_x), \qquad e_2 = (b, \; s + n_y^2 a, \; -n_y).

    The denominator s + n_z is at least 1, so the basis is accurate to round-off for every
    direction (no special case near the poles).

    Parameters
    ----------
    normal : ndarray
        Any non-zero vector, shape (3,); it is normalised first.

    Returns
    -------
    e1, e2 : ndarray
        Unit vectors of shape (3,), orthogonal to each other and to ``normal``.
    """
    n = np.asarray(normal, dtype=float)
    length = float(np.linalg.norm(n))
    if not (np.isfinite(length) and length > 0):
        raise ValueError(f"plane_basis needs a finite non-zero normal, got {normal!r}")
    x, y, z = n / length
    sign = 1.0 if z >= 0 else -1.0
    a = -1.0 / (sign + z)
    b = x * y * a
    e1 = np.array([1.0 + sign * x * x * a, sign * b, -sign * x])
    e2 = np.array([b, sign + y * y * a, -y])
    return e1, e2


def projection_axis(
    relative: np.ndarray, heading: np.ndarray
) -> tuple[np.ndarray, str, float, float]:
    r"""The axis that shows a school's state, with its polarization P and rotation M.

    For a milling group (M > P) the angular momentum :math:`L = \sum_i (r_i - c) \times \hat v_i`:
    seen along L the mill is a ring around an empty core. For a parallel group (P ≥ M) the mean
    heading :math:`\sum_i \hat v_i / N` (drawn in the panel's plane, :func:`panel_basis`). A zero
    vector (a degenerate snapshot) falls back to the z axis.

    Parameters
    ----------
    relative : ndarray
        Positions relative to the centroid, :math:`r_i - c` (minimum image in a periodic box),
        shape (N, 3).
    heading : ndarray
        Unit headings :math:`\hat v_i`, shape (N, 3).

    Returns
    -------
    axis : ndarray
        :math:`L / |L|` or the normalised mean heading, shape (3,).
    name : str
        ``"angular momentum L"`` or ``"mean heading"``.
    P, M : float
        Polarization :math:`|\sum_i \hat v_i| / N` and rotation
        :math:`|\sum_i \hat r_{ic} \times \hat v_i| / N`.
    """
    p = polarization(heading)
    norm = np.linalg.norm(relative, axis=1, keepdims=True)
    r_hat = np.divide(relative, norm, out=np.zeros_like(relative), where=norm > 0)
    m = float(np.linalg.norm(np.cross(r_hat, heading).sum(axis=0)) / len(heading))
    if m > p:
        vector, name = np.cross(relative, heading).sum(axis=0), "angular momentum L"
    else:
        vector, name = heading.sum(axis=0), "mean heading"
    length = float(np.linalg.norm(vector))
    axis = vector / length if length > 0 else np.array([0.0, 0.0, 1.0])
    return axis, name, p, m


def panel_basis(
    axis: np.ndarray, milling: bool, relative: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """In-plane unit vectors (e₁, e₂) of the projection panel for the viewing ``axis``.

    A mill is drawn in the plane normal to L (:func:`plane_basis`): a ring around an empty core.
    A parallel group projected along its mean heading shows only its cross-section, the headings
    foreshortened to points; it is drawn from the side instead, with e₁ the mean heading (every
    arrow points right) and e₂ the direction across the heading in which the group is widest (the
    principal axis of the transverse offsets), so the panel shows the group's length and width.
    """
    b1, b2 = plane_basis(axis)
    if milling:
        return b1, b2
    across = relative @ np.stack((b1, b2), axis=1)  # (N, 2) offsets across the heading
    _, vectors = np.linalg.eigh(across.T @ across)
    widest = vectors[:, -1]
    return axis / np.linalg.norm(axis), widest[0] * b1 + widest[1] * b2


@standard_figure("school")
def school_snapshot(
    ds: xr.Dataset, time: float | None = None, ax: Axes | None = None, colorbar: bool = True
) -> Figure:
    """Positions and unit headings (one body length long) at the snapshot nearest ``time``
    (default: the last), coloured by depth z.

    Drawn into ``ax`` (a 3D axes: the 3D view only) or, by default, a new figure holding the
    3D view beside the 2D projection of :func:`projection_axis` and :func:`panel_basis` (positions
    relative to the centroid, minimum image in a periodic box; equal scales); with a depth
    colorbar unless ``colorbar`` is false."""
    k = snapshot_index(ds, time)
    position = ds["position"].values[k]
    heading = unit_headings(ds["velocity"].values[k])
    projected = None
    if ax is None:
        figure = new_figure(12.0, 5.5)
        ax = figure.add_subplot(1, 2, 1, projection="3d")
        projected = figure.add_subplot(1, 2, 2)
        figure.get_layout_engine().set(wspace=0.12)  # room for the 3D z label
    figure = ax.figure
    depth = position[:, 2]
    points = ax.scatter(*position.T, c=depth, cmap="viridis", s=10, depthshade=False)
    ax.quiver(*position.T, *heading.T, length=1.0, color="0.3", linewidth=0.6)
    _cube(ax, position, box_size(ds))
    ax.set_xlabel("x [body lengths]")
    ax.set_ylabel("y [body lengths]")
    ax.set_zlabel("z [body lengths]")
    ax.set_title(title(ds, f"t = {ds['t'].values[k]:.4g}"))
    if projected is not None:
        _projection(projected, position, heading, box_size(ds), points.norm)
    if colorbar:
        axes = ax if projected is None else [ax, projected]
        figure.colorbar(points, ax=axes, label="depth z [body lengths]", shrink=0.7)
    return figure


def _projection(ax: Axes, position, heading, box: float | None, norm) -> None:
    """The agents relative to the centroid projected onto the plane (e₁, e₂) of
    :func:`panel_basis`, headings as projected arrows (one body length before projection),
    coloured by depth z with the 3D view's ``norm``; the title names the axis, P and M."""
    relative = offsets(position, centroid(position, box), box)
    axis, name, p, m = projection_axis(relative, heading)
    milling = name.startswith("angular")
    e1, e2 = panel_basis(axis, milling, relative)
    u, w = relative @ e1, relative @ e2
    ax.scatter(u, w, c=position[:, 2], cmap="viridis", norm=norm, s=10, zorder=2)
    ax.quiver(
        u,
        w,
        heading @ e1,
        heading @ e2,
        angles="xy",
        scale_units="xy",
        scale=1.0,
        color="0.3",
        width=0.003,
        zorder=1,
    )
    ax.plot(0.0, 0.0, "+", color="tab:red", ms=10, label="centroid")
    _limits(ax, np.concatenate((u, u + heading @ e1)), np.concatenate((w, w + heading @ e2)))
    direction = "(" + ", ".join(f"{c:+.2f}" for c in axis) + ")"
    if milling:
        ax.set_xlabel("e₁ ⊥ L [body lengths]")
        ax.set_ylabel("e₂ ⊥ L [body lengths]")
        view = f"projected along angular momentum L ∥ {direction}"
    else:
        ax.set_xlabel("along the mean heading [body lengths]")
        ax.set_ylabel("across, widest direction [body lengths]")
        view = f"side view: mean heading {direction} to the right"
    state = "milling, M > P" if milling else "parallel, P ≥ M"
    if max(p, m) < SWARM_ORDER:
        state = f"swarm: P and M < {SWARM_ORDER}; axis by {'M > P' if milling else 'P ≥ M'}"
    ax.set_title(f"{view}\nP = {p:.2f}, M = {m:.2f} ({state})")
    ax.legend(fontsize="x-small", loc="upper right")


def _limits(ax: Axes, u: np.ndarray, w: np.ndarray) -> None:
    """Limits holding every point and arrow tip (quiver does not count its tips), equal scales."""
    ax.update_datalim(np.column_stack((u, w)))
    ax.autoscale_view()
    ax.set_aspect("equal", adjustable="datalim")


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
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(MaxNLocator(5))  # tick labels of a narrow 3D panel must not touch


@standard_figure("order_parameters")
def order_parameters(ds: xr.Dataset, ax: Axes | None = None) -> Figure:
    r"""Polarization :math:`P = |\sum_i \hat v_i| / N` and rotation
    :math:`M = |\sum_i \hat r_{ic} \times \hat v_i| / N` against t (and the order
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
    # beside the axes: P and M sit anywhere in [0, 1], so no corner inside is ever free
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return figure


@standard_figure("centroid")
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


@standard_figure("nearest_neighbours")
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
    """Whether the dataset holds the seven schooling entropies and the OSI."""
    return all(name in ds.variables for name in (*ENTROPIES, "oceanic_schooling_index"))


def with_entropies(ds: xr.Dataset) -> xr.Dataset:
    """The dataset with the schooling entropies and OSI, computed when it does not hold them."""
    if has_entropies(ds):
        return ds
    from simsuite.analyze import diagnostics_for

    return ds.assign(diagnostics_for(ds))


@standard_figure("schooling_entropy", file_name="entropy", prepare=with_entropies)
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
