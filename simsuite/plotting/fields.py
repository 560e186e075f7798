"""Standard figures of the field models (NLSE ψ, Klein–Gordon φ) from their output datasets.

Each function takes a Dataset written by ``simsuite run`` (or returned by :func:`simsuite.run`) and
returns a :class:`~matplotlib.figure.Figure`:

* :func:`spacetime_map` — the field over (x, t): φ on a diverging colormap centred on 0, |ψ| on a
  sequential one;
* :func:`snapshots` — profiles at a few times;
* :func:`invariant_drift` — |drift| of every conserved quantity relative to its natural scale,
  against t (log scale);
* :func:`spectrum` — log₁₀ |f̂(k, t)| over (k, t), f̂ the discrete Fourier transform of ψ or φ;
* :func:`phase_portrait` — φ_t against φ (Re ψ against Im ψ) at the probe point, from the dense
  probe series recorded during the run;
* :func:`entropy_timeseries` — the entropy diagnostics of :mod:`simsuite.diagnostics.fields`,
  when the dataset holds them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from simsuite.plotting.common import (
    config_value,
    new_figure,
    run_label,
    snapshot_indices,
    time_label,
    title,
)
from simsuite.plotting.registry import grid_ndim, standard_figure

#: Relative drifts are drawn no lower than this (an exactly conserved quantity has drift 0).
DRIFT_FLOOR = 1e-17


def is_complex(ds: xr.Dataset) -> bool:
    """Whether the dataset holds a complex field ψ (the NLSE, stored as ``psi_real`` and
    ``psi_imag``) rather than a real one (Klein–Gordon φ)."""
    return "psi_real" in ds.variables


def profile(ds: xr.Dataset) -> xr.DataArray:
    r"""The real profile (t, x) the figures show: :math:`|\psi|` for the NLSE, φ for Klein–Gordon."""
    if is_complex(ds):
        values = np.hypot(ds["psi_real"], ds["psi_imag"])
        return values.assign_attrs(long_name="|ψ|", units="1")
    return ds["phi"].assign_attrs(long_name="φ", units=ds["phi"].attrs.get("units", "1"))


def on_1d_grid(ds: xr.Dataset) -> bool:
    """Whether the dataset's field is on a 1D grid, ``(t, x)`` (the figures of a profile against x
    apply; 2D and 3D fields get those of :mod:`simsuite.plotting.maps`)."""
    return grid_ndim(ds) == 1


def _field(ds: xr.Dataset) -> np.ndarray:
    if is_complex(ds):
        return ds["psi_real"].values + 1j * ds["psi_imag"].values
    return ds["phi"].values


@standard_figure("spacetime", applies=on_1d_grid)
def spacetime_map(ds: xr.Dataset, ax: Axes | None = None) -> Figure:
    """The field over (x, t) as an image (x across, t up), with a colorbar; drawn into ``ax``
    (for panels of several runs) or a new figure."""
    field = profile(ds)
    x, t = ds["x"].values, ds["t"].values
    if ax is None:
        ax = new_figure(7.0, 4.8).add_subplot()
    figure = ax.figure
    values = field.values
    if is_complex(ds):
        options = {"cmap": "magma", "vmin": 0.0, "vmax": float(np.nanmax(values)) or 1.0}
    else:
        limit = float(np.nanmax(np.abs(values))) or 1.0
        options = {"cmap": "RdBu_r", "vmin": -limit, "vmax": limit}
    image = ax.imshow(
        values,
        origin="lower",
        aspect="auto",
        interpolation="nearest",
        extent=_extent(x, t),
        **options,
    )
    figure.colorbar(image, ax=ax, label=field.attrs["long_name"])
    ax.set_xlabel("x")
    ax.set_ylabel(time_label(ds))
    ax.set_title(title(ds, f"{field.attrs['long_name']}(x, t)"))
    return figure


def _extent(x: np.ndarray, t: np.ndarray) -> tuple[float, float, float, float]:
    """Image extent with each sample at the centre of its cell."""
    dx = x[1] - x[0] if len(x) > 1 else 1.0
    dt = t[1] - t[0] if len(t) > 1 else 1.0
    return (x[0] - dx / 2, x[-1] + dx / 2, t[0] - dt / 2, t[-1] + dt / 2)


@standard_figure("snapshots", applies=on_1d_grid)
def snapshots(ds: xr.Dataset, times: Sequence[float] | None = None, count: int = 5) -> Figure:
    """Profiles at ``times`` (nearest snapshots), or at ``count`` evenly spread snapshots."""
    field = profile(ds)
    t = ds["t"].values
    if times is None:
        indices = snapshot_indices(len(t), count)
    else:
        indices = np.unique([int(np.argmin(np.abs(t - time))) for time in times])
    figure = new_figure(7.0, 4.0)
    ax = figure.add_subplot()
    palette = _palette(len(indices))  # early to late: dark to light
    for colour, k in zip(palette, indices, strict=True):
        ax.plot(ds["x"].values, field.values[k], color=colour, lw=1.3, label=f"t = {t[k]:.4g}")
    ax.set_xlabel("x")
    ax.set_ylabel(field.attrs["long_name"])
    ax.set_title(title(ds, "snapshots"))
    ax.legend(fontsize="small", loc="upper right")
    return figure


def _palette(count: int) -> list:
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    return [cmap(v) for v in np.linspace(0.0, 0.9, max(count, 1))]


@standard_figure("invariants")
def invariant_drift(ds: xr.Dataset) -> Figure:
    r""":math:`|I - I_0| / s` of every invariant I against t, on a log scale.

    ``<name>_rel_error`` is the drift relative to the invariant's natural scale s (its attribute
    ``natural_scale``: E_s for the Klein–Gordon energy and momentum, a charge unit for the
    topological charge, N, √(NK) and :math:`\tfrac12 K + \tfrac12 |g| \int |\psi|^4 \, dx` for the
    NLSE). Drawn from the second snapshot; values below ``DRIFT_FLOOR`` (1e-17) are drawn at the
    floor."""
    figure = new_figure(7.0, 4.0)
    ax = figure.add_subplot()
    draw_drifts(ax, ds)
    ax.set_title(title(ds, "conservation"))
    return figure


def draw_drifts(ax: Axes, ds: xr.Dataset, legend_columns: int = 1) -> None:
    """The drift curves of :func:`invariant_drift` (every ``<name>_rel_error``) into ``ax``,
    with its axis labels and grid (no title)."""
    names = [name for name in ds.data_vars if str(name).endswith("_rel_error")]
    t = ds["t"].values
    for name in names:
        drift = np.maximum(np.abs(ds[name].values), DRIFT_FLOOR)
        ax.semilogy(t[1:], drift[1:], lw=1.3, label=_drift_label(ds[name]))
    if not names or len(t) < 2:
        ax.text(0.5, 0.5, "no invariants or one snapshot", ha="center", transform=ax.transAxes)
    else:
        ax.legend(fontsize="small", ncol=legend_columns)
    ax.set_xlabel(time_label(ds))
    ax.set_ylabel(f"|I − I₀| / natural scale of I (floor {DRIFT_FLOOR:g})")
    ax.grid(True, which="major", alpha=0.3)


def _drift_label(drift: xr.DataArray) -> str:
    """The invariant's name and the value of its natural scale (older files: the name only)."""
    name = str(drift.name).removesuffix("_rel_error")
    scale = drift.attrs.get("natural_scale")
    return name if scale is None else f"{name} (scale {float(scale):.4g})"


@standard_figure("spectrum", applies=on_1d_grid)
def spectrum(ds: xr.Dataset) -> Figure:
    r""":math:`\log_{10}` of the Fourier amplitude :math:`|\hat f(k, t)| / n` over (k, t).

    The colour range spans 15 decades below the largest amplitude (round-off lies below that)."""
    field = _field(ds)
    x = ds["x"].values
    n = field.shape[-1]
    dx = x[1] - x[0] if n > 1 else 1.0
    amplitude = np.abs(np.fft.fftshift(np.fft.fft(field, axis=-1), axes=-1)) / n
    k = np.fft.fftshift(np.fft.fftfreq(n, d=dx)) * 2 * np.pi
    top = float(amplitude.max()) or 1.0
    figure = new_figure(7.0, 4.8)
    ax = figure.add_subplot()
    image = ax.imshow(
        np.maximum(amplitude, top * 1e-15),
        origin="lower",
        aspect="auto",
        interpolation="nearest",
        extent=_extent(k, ds["t"].values),
        cmap="viridis",
        norm=LogNorm(vmin=top * 1e-15, vmax=top),
    )
    symbol = "ψ" if is_complex(ds) else "φ"
    figure.colorbar(image, ax=ax, label=f"|{symbol}̂(k)| / n")
    ax.set_xlabel("wavenumber k")
    ax.set_ylabel(time_label(ds))
    ax.set_title(title(ds, "spectrum"))
    return figure


@standard_figure("phase_portrait", applies=on_1d_grid)
def phase_portrait(ds: xr.Dataset, x: float | None = None) -> Figure:
    """The trajectory at a probe point: φ_t against φ, or Im ψ against Re ψ. By default the probe
    series recorded during the run (``probe_phi``, ``probe_phi_t`` or ``probe_psi_real``,
    ``probe_psi_imag`` on ``t_probe``: every ``diagnostics.probe_every``, at
    ``diagnostics.probe_x`` exactly); with ``x`` given, or for files without the series, the
    snapshots at the grid point nearest ``x`` (default ``diagnostics.probe_x``)."""
    u, v, where = _probe_trajectory(ds, x)
    labels = ("Re ψ", "Im ψ") if is_complex(ds) else ("φ", "φ_t")
    figure = new_figure(5.5, 5.0)
    ax = figure.add_subplot()
    ax.plot(u, v, lw=0.8, color="tab:blue")
    ax.plot(u[:1], v[:1], "o", color="tab:green", label="start")
    ax.plot(u[-1:], v[-1:], "s", color="tab:red", label="end")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_title(title(ds, f"phase portrait at {where}"))
    ax.legend(fontsize="small")
    return figure


def _probe_trajectory(ds: xr.Dataset, x: float | None) -> tuple[np.ndarray, np.ndarray, str]:
    """(u, v) of the phase portrait and a description of where and how it was sampled."""
    names = ("probe_psi_real", "probe_psi_imag") if is_complex(ds) else ("probe_phi", "probe_phi_t")
    if x is None and all(name in ds.variables for name in names):
        u, v = (ds[name].values for name in names)
        x_p = float(ds[names[0]].attrs.get("probe_x", np.nan))
        t = ds[ds[names[0]].dims[0]].values
        spacing = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
        return u, v, f"x = {x_p:.4g} ({len(t)} samples, Δt = {spacing:.3g})"
    if x is None:
        x = float(config_value(ds, "diagnostics", "probe_x", 0.0))
    j = int(np.argmin(np.abs(ds["x"].values - x)))
    fields_uv = ("psi_real", "psi_imag") if is_complex(ds) else ("phi", "phi_t")
    u, v = (ds[name].values[:, j] for name in fields_uv)
    return u, v, f"x = {ds['x'].values[j]:.4g} (snapshots)"


def has_entropies(ds: xr.Dataset) -> bool:
    """Whether the dataset holds the entropy diagnostics (those of ``simsuite analyze``), so that
    :func:`entropy_timeseries` applies."""
    return "shannon_entropy" in ds.variables


@standard_figure("field_entropy", file_name="entropy", applies=has_entropies)
def entropy_timeseries(ds: xr.Dataset) -> Figure:
    r"""The per-snapshot entropies of ``simsuite.diagnostics.fields.field_diagnostics``, one axes per
    family.

    Each axes is scaled to its own data, t shared: the differential Shannon entropy of
    :math:`|f|^2`; the Shannon entropy of the energy density (Klein–Gordon kinks); the Rényi
    entropies :math:`H_\alpha` and the Tsallis entropies :math:`S_q`, each order drawn as its change
    since t = 0 (its initial value in the legend: orders differ by far more in level —
    :math:`S_{0.5} \approx 18` against :math:`S_2 \approx 1` for a φ⁴ pair — than in time); the
    normalised spectral and permutation entropies on [0, 1].

    Raises
    ------
    ValueError
        When the dataset holds none (run ``simsuite analyze`` first)."""
    if not has_entropies(ds):
        raise ValueError("the dataset holds no entropy diagnostics; run `simsuite analyze` first")
    panels = [p for p in _ENTROPY_PANELS if any(name in ds.variables for name in p[0])]
    rows = -(-len(panels) // 2)
    figure = new_figure(10.0, 2.6 * rows + 0.6)
    grid = figure.add_gridspec(rows, 2)
    first = None
    for i, (names, draw, what) in enumerate(panels):
        row, col = divmod(i, 2)
        last_alone = i == len(panels) - 1 and len(panels) % 2 == 1
        spec = grid[row, :] if last_alone else grid[row, col]
        ax = figure.add_subplot(spec, sharex=first)
        first = first or ax
        draw(ax, ds, names)
        present = [name for name in names if name in ds.variables]
        if len(names) > 1 and len(present) == 1:  # e.g. no permutation entropy on N-D grids
            what = f"{present[0].removesuffix('_entropy')} entropy (normalised)"
        ax.set_title(what, fontsize="medium")
        ax.set_xlabel(time_label(ds))
        ax.legend(fontsize="x-small", ncol=2 if len(ax.lines) > 3 else 1)
    figure.suptitle(title(ds, "entropies", width=90))
    return figure


def _draw_absolute(ax: Axes, ds: xr.Dataset, names: Sequence[str]) -> None:
    """Each variable of ``names`` the dataset holds, on the time axis."""
    t = ds["t"].values
    for name in names:
        if name in ds.variables:
            ax.plot(t, ds[name].values, lw=1.3, label=name.removesuffix("_entropy"))
    units = "nats" if "shannon_entropy" in names or "energy_entropy" in names else ""
    ax.set_ylabel(f"entropy [{units}]" if units else "normalised entropy")


def _draw_orders(ax: Axes, ds: xr.Dataset, names: Sequence[str]) -> None:
    """Each order of a Rényi or Tsallis family as its change since t = 0."""
    (name,) = names
    coord, symbol, letter = ("alpha", "α", "H") if name.startswith("renyi") else ("q", "q", "S")
    t = ds["t"].values
    for value in ds[coord].values:
        series = ds[name].sel({coord: value}).values
        ax.plot(
            t,
            series - series[0],
            lw=1.2,
            label=f"{symbol} = {value:g} ({letter}(0) = {series[0]:.4g})",
        )
    units = " [nats]" if letter == "H" else ""
    ax.set_ylabel(f"{letter}_{symbol}(t) − {letter}_{symbol}(0){units}")


#: The entropy figure's panels: the variables of each family, how they are drawn, the title.
_ENTROPY_PANELS = (
    (("shannon_entropy",), _draw_absolute, "Shannon entropy of the density |f|²"),
    (("energy_entropy",), _draw_absolute, "Shannon entropy of the energy density"),
    (("renyi_entropy",), _draw_orders, "Rényi entropies of |f|²"),
    (("tsallis_entropy",), _draw_orders, "Tsallis entropies of |f|²"),
    (
        ("spectral_entropy", "permutation_entropy"),
        _draw_absolute,
        "spectral and permutation entropy (normalised)",
    ),
)


def spacetime_panels(datasets: Sequence[xr.Dataset], columns: int = 2) -> Figure:
    """Space–time maps of several runs side by side (one panel each, titled by its run label)."""
    rows = -(-len(datasets) // columns)
    figure = new_figure(5.2 * columns, 3.9 * rows)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for ax, ds in zip(axes, datasets, strict=False):
        spacetime_map(ds, ax=ax)
        ax.set_title(run_label(ds), fontsize="medium")
    for ax in axes[len(datasets) :]:
        ax.set_visible(False)
    return figure
