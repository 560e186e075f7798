"""The four figures of the amangkurat reproduction (:mod:`simsuite.papers.amangkurat`).

Each function takes the cases, their datasets (and the numbers the analysis made) and returns a
:class:`matplotlib.figure.Figure`; nothing here computes physics beyond what it draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr
from matplotlib import colormaps
from matplotlib.figure import Figure
from scipy import stats

from simsuite.config import RunConfig
from simsuite.papers.common import PALETTE, Case
from simsuite.plotting.common import new_figure

__all__ = ["distributions", "phase_space", "snapshots", "spacetime"]

#: At most this many grid values per case go into a KDE (evenly strided; the shape, not a test).
KDE_POINTS = 20_000


def _broken(x: np.ndarray, length: float) -> np.ndarray:
    """``x`` with NaN inserted where it jumps by more than L/2 (a wrap), so a line is not drawn
    across the domain."""
    out = np.array(x, dtype=float)
    jumps = np.flatnonzero(np.abs(np.diff(out)) > 0.5 * length)
    out[jumps + 1] = np.nan
    return out


def spacetime(
    cases: Sequence[Case],
    data: Mapping[str, xr.Dataset],
    results: Mapping[str, dict],
    configs: Mapping[str, RunConfig],
) -> Figure:
    """2×2 φ(x, t) (RdBu_r, symmetric about 0) with the energy centroid x_E(t) and, for the
    collision, the φ = 0 crossings (the two walls)."""
    figure = new_figure(7.5, 6.4)
    axes = figure.subplots(2, 2).ravel()
    for ax, case in zip(axes, cases, strict=True):
        ds, g = data[case.name], configs[case.name].grid
        x, t, phi = ds["x"].values, ds["t"].values, ds["phi"].values
        top = float(np.abs(phi).max())
        mesh = ax.pcolormesh(
            x, t, phi, cmap="RdBu_r", vmin=-top, vmax=top, shading="nearest", rasterized=True
        )
        figure.colorbar(mesh, ax=ax, label="φ", pad=0.02)
        centre = _broken(results[case.name]["centroid"], g.x_max - g.x_min)
        ax.plot(centre, t, color="black", lw=1.4, ls="--", label="energy centroid $x_E$")
        if case.name == "collision":
            left, right = results[case.name]["walls"]
            ax.plot(left, t, color=PALETTE[0], lw=1.0, ls=":", label="walls (φ = 0)")
            ax.plot(right, t, color=PALETTE[0], lw=1.0, ls=":")
        ax.set_title(case.label, fontsize="medium")
        ax.set_xlabel("x")
        ax.set_ylabel("t")
        ax.set_xlim(x[0], x[-1])
        ax.legend(loc="upper left", fontsize="x-small", framealpha=0.85)
    figure.suptitle("φ(x, t) with the energy centroid (circular mean of e = ½φ_t² + ½φ_x² + V)")
    return figure


def snapshots(cases: Sequence[Case], data: Mapping[str, xr.Dataset], count: int = 5) -> Figure:
    """φ(x) at ``count`` evenly spaced snapshot times, one row per case (viridis: early → late)."""
    figure = new_figure(7.0, 8.4)
    axes = figure.subplots(len(cases), 1)
    colours = colormaps["viridis"](np.linspace(0.0, 0.9, count))
    for ax, case in zip(axes, cases, strict=True):
        ds = data[case.name]
        picks = np.linspace(0, ds.sizes["t"] - 1, count).round().astype(int)
        for colour, i in zip(colours, picks, strict=True):
            ax.plot(ds["x"], ds["phi"][i], color=colour, lw=1.2, label=f"t = {float(ds.t[i]):g}")
        if case.name == "kink":
            ax.text(0.02, 0.8, f"all {count} curves coincide", transform=ax.transAxes)
        ax.set_title(case.label, fontsize="medium", loc="left")
        ax.set_ylabel("φ")
        ax.set_xlim(float(ds.x[0]), float(ds.x[-1]))
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="x-small", frameon=False)
    axes[-1].set_xlabel("x")
    return figure


def distributions(
    cases: Sequence[Case],
    data: Mapping[str, xr.Dataset],
    results: Mapping[str, dict],
    numbers: Mapping[str, object],
) -> Figure:
    """Per case: a Gaussian KDE of all grid values of φ over space and time, a box plot of the
    decorrelated samples, and the matrix of Cliff's δ; Kruskal–Wallis H and p in the title."""
    figure = new_figure(10.0, 3.9)
    kde_ax, box_ax, delta_ax = figure.subplots(1, 3, width_ratios=(1.3, 1.0, 1.0))
    grid = np.linspace(-1.2, 1.2, 400) * max(
        float(np.abs(data[c.name]["phi"]).max()) for c in cases
    )
    top = 0.0
    for colour, case in zip(PALETTE, cases, strict=False):
        values = data[case.name]["phi"].values.ravel()
        values = values[:: max(1, values.size // KDE_POINTS)]
        n = results[case.name]["samples"].size
        if np.ptp(values) > 0:
            density = stats.gaussian_kde(values)(grid)
            top = max(top, float(density.max()))
            kde_ax.plot(grid, density, color=colour, lw=1.5, label=f"{case.label} (n_eff = {n})")
    kde_ax.set_yscale("log")
    kde_ax.set_ylim(1e-3, 30.0 * top)
    kde_ax.set_xlabel("φ")
    kde_ax.set_ylabel("density (Gaussian KDE)")
    kde_ax.legend(fontsize="x-small", loc="upper center")
    samples = [results[c.name]["samples"] for c in cases]
    parts = box_ax.boxplot(
        samples, patch_artist=True, widths=0.6, flierprops={"markersize": 3, "alpha": 0.6}
    )
    for colour, patch in zip(PALETTE, parts["boxes"], strict=False):
        patch.set_facecolor(colour)
        patch.set_alpha(0.8)
    for median in parts["medians"]:
        median.set_color("black")
    box_ax.set_xticks(range(1, len(cases) + 1), [c.name for c in cases], fontsize="small")
    box_ax.set_ylabel("φ (decorrelated samples)")
    delta = np.asarray(numbers["delta"])
    image = delta_ax.imshow(delta, cmap="RdBu_r", vmin=-1.0, vmax=1.0)
    for i in range(delta.shape[0]):
        for j in range(delta.shape[1]):
            shade = "white" if abs(delta[i, j]) > 0.6 else "black"
            delta_ax.text(j, i, f"{delta[i, j]:+.2f}", ha="center", va="center", color=shade)
    names = [c.name for c in cases]
    delta_ax.set_xticks(range(len(names)), names, fontsize="small", rotation=30)
    delta_ax.set_yticks(range(len(names)), names, fontsize="small")
    delta_ax.set_title("Cliff's δ = P(row > col) − P(row < col)", fontsize="small")
    figure.colorbar(image, ax=delta_ax, shrink=0.8, label="δ")
    figure.suptitle(
        f"Distribution of φ over x and t: Kruskal–Wallis H = {numbers['H']:.3g}, "
        f"p = {numbers['p']:.2g}"
    )
    return figure


def phase_space(
    cases: Sequence[Case], data: Mapping[str, xr.Dataset], numbers: Mapping[str, object]
) -> Figure:
    """2×2 (φ, φ_t) at x = 0 from the probe sampled every step, coloured by time (cividis),
    Pearson ρ in each title."""
    figure = new_figure(7.5, 6.4)
    axes = figure.subplots(2, 2).ravel()
    rho = numbers["rho"]
    for ax, case in zip(axes, cases, strict=True):
        ds = data[case.name]
        phi, pi, t = ds["probe_phi"].values, ds["probe_phi_t"].values, ds["t_probe"].values
        points = ax.scatter(phi, pi, c=t, cmap="cividis", s=1.5, lw=0, rasterized=True)
        ax.plot(phi[0], pi[0], "o", color=PALETTE[3], ms=5, label="t = 0")
        value = rho[case.name]
        if np.isfinite(value):
            ax.set_title(f"{case.label}: ρ = {value:+.2g}", fontsize="medium")
        else:
            ax.set_title(f"{case.label}: ρ undefined", fontsize="medium")
            ax.text(0.03, 0.04, "φ(0, t) = 0 to round-off", transform=ax.transAxes)
        ax.set_xlabel("φ(0, t)")
        ax.set_ylabel("φ_t(0, t)")
        ax.legend(loc="upper right", fontsize="x-small")
        figure.colorbar(points, ax=ax, label="t", pad=0.02)
    figure.suptitle("Phase space at x = 0 (probe, every step)")
    return figure
