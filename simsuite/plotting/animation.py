"""Animations of output files: MP4 through matplotlib's ffmpeg writer when ffmpeg is on the PATH,
GIF (Pillow) otherwise.

The artists are made once and updated each frame (``Line2D.set_data``, ``Line3D.set_data_3d``,
``Line3DCollection.set_segments``); nothing clears or re-plots the axes, so titles and labels stay.
At most ``max_frames`` snapshots, spread evenly over the run, become frames, and the default size
is 640 × 480 px (``dpi`` 100; at most 1280 px wide). What is drawn is the scene the model names in
its ``animation`` (:data:`SCENES`: ``"field"``, the profile against x, or on a 2D grid the map over
(x, y) and on a 3D grid the mid-plane z = z[n_z//2]; ``"school"``, the agents in 3D).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import xarray as xr
from matplotlib import animation
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from mpl_toolkits.mplot3d.art3d import Line3DCollection

from simsuite.config import ConfigError
from simsuite.io.reader import PROJECTION, reduced_variables
from simsuite.plotting import fields, maps, school
from simsuite.plotting.common import (
    SWEEP,
    check_dataset,
    new_figure,
    run_label,
    snapshot_indices,
)
from simsuite.plotting.registry import grid_ndim
from simsuite.progress import progress_bar
from simsuite.registry import get_model

FORMATS = ("mp4", "gif")
WIDTH_INCHES, HEIGHT_INCHES = 6.4, 4.8
MAX_WIDTH_PX = 1280


def default_format() -> str:
    """``"mp4"`` when matplotlib finds ffmpeg, else ``"gif"``."""
    return "mp4" if animation.writers.is_available("ffmpeg") else "gif"


def animate(
    ds: xr.Dataset,
    path: str | Path,
    *,
    fmt: str | None = None,
    fps: int = 15,
    max_frames: int = 200,
    dpi: int = 100,
    progress: bool = True,
) -> Path:
    """Write an animation of ``ds`` to ``path`` and return the path.

    Parameters
    ----------
    ds
        A simsuite output (any model).
    path
        Target file; its suffix is replaced by the format's.
    fmt
        ``"mp4"`` (needs ffmpeg) or ``"gif"``; default :func:`default_format`.
    fps
        Frame rate.
    max_frames
        The most snapshots used (spread evenly, first and last kept).
    dpi
        Resolution (the frame is 6.4 × 4.8 inches, so dpi 100 gives 640 × 480 px; at most 1280 px
        wide).
    progress
        Show a progress bar over the frames.
    """
    source = ds.encoding.get("source", "<dataset>")
    model = check_dataset(ds, source)
    if model == SWEEP:
        raise ConfigError(source, "file", source, "is a sweep summary; animate a run output")
    scene = scene_of(model, source)
    fmt = fmt or default_format()
    _check_options(fmt, fps, max_frames, dpi)
    frames = snapshot_indices(ds.sizes["t"], max_frames)
    figure, update = scene(ds)
    path = Path(path).with_suffix(f".{fmt}")
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = (
        animation.FFMpegWriter(fps=fps, codec="h264", extra_args=["-pix_fmt", "yuv420p"])
        if fmt == "mp4"
        else animation.PillowWriter(fps=fps)
    )
    movie = animation.FuncAnimation(figure, update, frames=frames, blit=False, repeat=False)
    with progress_bar(len(frames), enabled=progress, unit="frame", leave=True) as bar:
        movie.save(path, writer=writer, dpi=dpi, progress_callback=lambda i, n: bar.update(1))
    return path


#: What an animation draws, by the name a model gives in its ``animation``: ``scene(ds)`` returns
#: the figure and ``update(k)``, which shows snapshot ``k``.
#:
#: :meta hide-value:
SCENES: dict[str, Callable[[xr.Dataset], tuple[Figure, Callable[[int], list]]]] = {}


def scene(name: str) -> Callable:
    """Decorator registering a scene function under ``name`` in :data:`SCENES`."""

    def register(draw: Callable) -> Callable:
        SCENES[name] = draw
        return draw

    return register


def scene_of(model: str, source: str = "<dataset>") -> Callable:
    """The scene the model ``model`` declares (its ``animation``), or :class:`~simsuite.ConfigError` when it
    declares none."""
    name = get_model(model).animation
    if name not in SCENES:
        raise ConfigError(
            source,
            "model",
            model,
            "has no animation" if not name else f"names an unknown animation {name!r}",
        )
    return SCENES[name]


def _check_options(fmt: str, fps: int, max_frames: int, dpi: int) -> None:
    if fmt not in FORMATS:
        raise ConfigError("simsuite animate", "--format", fmt, f"one of {', '.join(FORMATS)}")
    if fmt == "mp4" and not animation.writers.is_available("ffmpeg"):
        raise ConfigError(
            "simsuite animate", "--format", fmt, "needs ffmpeg on the PATH; use --format gif"
        )
    if not 1 <= fps <= 120:
        raise ConfigError("simsuite animate", "--fps", fps, "an integer in [1, 120]")
    if max_frames < 1:
        raise ConfigError("simsuite animate", "--max-frames", max_frames, "an integer ≥ 1")
    if not 10 <= dpi <= MAX_WIDTH_PX / WIDTH_INCHES:
        limit = int(MAX_WIDTH_PX / WIDTH_INCHES)
        raise ConfigError(
            "simsuite animate", "--dpi", dpi, f"an integer in [10, {limit}] (≤ {MAX_WIDTH_PX} px)"
        )


@scene("field")
def _field(ds: xr.Dataset):
    """|ψ| (with Re ψ) or φ against x; one line artist each, updated per frame. On a 2D grid the
    map of |ψ|² or φ over (x, y); on a 3D grid that of its mid-plane z = z[n_z//2] (the full
    field's, or the ``_xy`` slice's; the ``density_proj_xy`` projection when the file holds
    nothing else): one image artist, its data replaced per frame, on one colour scale."""
    if grid_ndim(ds) > 1:
        return _field_map(ds)
    profile = fields.profile(ds).values
    x, t = ds["x"].values, ds["t"].values
    figure = new_figure(WIDTH_INCHES, HEIGHT_INCHES)
    ax = figure.add_subplot()
    lines = {"profile": ax.plot(x, profile[0], lw=1.5, label=fields.profile(ds).attrs["long_name"])}
    low, high = float(profile.min()), float(profile.max())
    if fields.is_complex(ds):
        real = ds["psi_real"].values
        lines["real"] = ax.plot(x, real[0], lw=0.8, alpha=0.6, label="Re ψ")
        low = min(low, float(real.min()))
    pad = 0.05 * (high - low or 1.0)
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlim(x[0], x[-1])
    ax.set_xlabel("x")
    ax.set_ylabel("field")
    ax.set_title(run_label(ds))
    ax.legend(fontsize="small", loc="upper right")
    clock = ax.text(0.02, 0.95, "", transform=ax.transAxes, va="top")

    def update(k: int):
        lines["profile"][0].set_ydata(profile[k])
        if "real" in lines:
            lines["real"][0].set_ydata(real[k])
        clock.set_text(f"t = {t[k]:.4g}")
        return [artist[0] for artist in lines.values()] + [clock]

    return figure, update


def _field_map(ds: xr.Dataset):
    """The scene of a field on a 2D or 3D grid (see :func:`_field`)."""
    projection = grid_ndim(ds) == 3 and "xy" not in maps.slice_planes(ds)
    if projection and f"{PROJECTION}_xy" not in ds.variables:
        source = ds.encoding.get("source", "<dataset>")
        raise ConfigError(
            source,
            "variables",
            ", ".join(reduced_variables(ds, get_model(ds.attrs["model"]).field_variables)),
            "hold no xy plane of the 3D field to animate: simsuite animate draws the mid-plane "
            "z = z[n_z//2] (the full field, its _xy slices, or density_proj_xy)",
        )
    quantity = maps.map_quantity(ds)
    if projection:
        quantity = maps.MapQuantity(f"∫ {maps.projected_density(ds)} dz", "viridis", False)
    t = ds["t"].values
    images = [maps.plane_image(ds, k, "xy", projection) for k in range(len(t))]
    limits = maps.colour_limits(quantity, [image.values for image in images])
    figure = new_figure(WIDTH_INCHES, HEIGHT_INCHES)
    ax = figure.add_subplot()
    artist = maps.draw_plane(ax, images[0], quantity.cmap, limits)
    figure.colorbar(artist, ax=ax, label=quantity.label)
    where = f" ({images[0].where})" if images[0].where else ""
    ax.set_title(f"{run_label(ds)}: {quantity.label}{where}", fontsize="medium")
    clock = ax.text(
        0.02, 0.97, "", transform=ax.transAxes, va="top", color="w" if not quantity.centred else "k"
    )

    def update(k: int):
        artist.set_data(images[k].values)
        clock.set_text(f"t = {t[k]:.4g}")
        return [artist, clock]

    return figure, update


@scene("school")
def _school(ds: xr.Dataset):
    """Agents as markers and headings as short segments coloured by depth, in 3D."""
    position = ds["position"].values
    heading = school.unit_headings(ds["velocity"].values)
    t = ds["t"].values
    box = school.box_size(ds)
    figure = new_figure(WIDTH_INCHES, HEIGHT_INCHES)
    ax = figure.add_subplot(projection="3d")
    (agents,) = ax.plot(*position[0].T, "o", ms=2.5, color="0.25", ls="")
    depth = Normalize(float(position[..., 2].min()), float(position[..., 2].max()) or 1.0)
    arrows = Line3DCollection(_segments(position[0], heading[0]), cmap="viridis", norm=depth, lw=1)
    arrows.set_array(position[0, :, 2])
    ax.add_collection3d(arrows)
    figure.colorbar(arrows, ax=ax, label="depth z [body lengths]", shrink=0.6)
    half = _half_width(position) if box is None else None
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("z")
    ax.set_title(run_label(ds))
    clock = ax.text2D(0.02, 0.95, "", transform=ax.transAxes)
    if box is not None:
        for set_limits in (ax.set_xlim, ax.set_ylim, ax.set_zlim):
            set_limits(0.0, box)
    ax.set_box_aspect((1, 1, 1))

    def update(k: int):
        agents.set_data_3d(*position[k].T)
        arrows.set_segments(_segments(position[k], heading[k]))
        arrows.set_array(position[k, :, 2])
        if half is not None:  # follow the school with a fixed-size cube
            centre = (position[k].max(axis=0) + position[k].min(axis=0)) / 2
            ax.set_xlim(centre[0] - half, centre[0] + half)
            ax.set_ylim(centre[1] - half, centre[1] + half)
            ax.set_zlim(centre[2] - half, centre[2] + half)
        clock.set_text(f"t = {t[k]:.4g}")
        return [agents, arrows, clock]

    return figure, update


def _segments(position: np.ndarray, heading: np.ndarray, length: float = 1.0) -> np.ndarray:
    """(N, 2, 3) segments from each agent one body length along its heading."""
    return np.stack((position, position + length * heading), axis=1)


def _half_width(position: np.ndarray) -> float:
    """Half the edge of a cube that holds the school in every frame."""
    extent = np.ptp(position, axis=1).max()
    return max(float(extent) / 2, 1.0) * 1.1
