"""The four figures of the NLSE reproduction (:mod:`simsuite.papers.nlse`), one function each.

Every function takes the runs by case name (in the order of ``labels``) and returns a
:class:`matplotlib.figure.Figure`; nothing here computes a number that the report does not hold.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from scipy import stats

from simsuite.papers.common import PALETTE
from simsuite.papers.nlse_fields import energy_centre, psi_of
from simsuite.plotting.common import new_figure

#: Below this resultant length the circular centre of |ψ|² is not drawn (the field fills the
#: domain, so no centre exists).
MIN_RESULTANT = 0.2


def _broken(centre: np.ndarray, length: float) -> tuple[np.ndarray, np.ndarray]:
    """The centre path with NaN where it crosses the periodic boundary (no line across the map)."""
    path = centre.astype(float).copy()
    jumps = np.flatnonzero(np.abs(np.diff(path)) > 0.5 * length) + 1
    return np.insert(path, jumps, np.nan), jumps


def spacetime_patterns(data: Mapping[str, xr.Dataset], labels: Mapping[str, str]) -> Figure:
    """2×2 maps of |ψ|²(x, t) with the periodic centre of |ψ|² (:func:`energy_centre`) overlaid
    where its resultant length R ≥ ``MIN_RESULTANT`` (for two solitons on opposite sides of the
    periodic domain R drops near 0 and their centre is undefined; the breather and modulation
    instability fill the domain and have R ≈ 0 throughout)."""
    figure = new_figure(7.2, 6.4)
    axes = figure.subplots(2, 2, sharex=False, sharey=True)
    for ax, (name, label) in zip(axes.flat, labels.items(), strict=True):
        ds = data[name]
        x, t = ds["x"].values, ds["t"].values
        rho = np.abs(psi_of(ds)) ** 2
        image = ax.pcolormesh(x, t, rho, cmap="viridis", shading="nearest", rasterized=True)
        figure.colorbar(image, ax=ax, label="|ψ|²", pad=0.02)
        centre, resultant = energy_centre(ds)
        shown = resultant >= MIN_RESULTANT
        length = float(ds.attrs["x_max"]) - float(ds.attrs["x_min"])
        if shown.any():
            path, jumps = _broken(np.where(shown, centre, np.nan), length)
            label_c = "centre" if shown.all() else f"centre (left out where R < {MIN_RESULTANT:g})"
            ax.plot(path, np.insert(t, jumps, np.nan), color=PALETTE[0], lw=1.4, label=label_c)
            ax.legend(loc="upper left", fontsize="x-small", framealpha=0.8)
        else:
            ax.text(
                0.03,
                0.97,
                f"no centre: R < {MIN_RESULTANT:g}\n(|ψ|² fills the domain)",
                transform=ax.transAxes,
                va="top",
                fontsize="x-small",
                color="white",
            )
        half = 0.5 * float(ds.attrs["dx"])
        ax.set_xlim(x[0] - half, x[-1] + half)
        ax.set_ylim(1.5 * t[0] - 0.5 * t[1], 1.5 * t[-1] - 0.5 * t[-2])
        ax.set_title(label, fontsize="medium")
        ax.set_xlabel("x")
    for ax in axes[:, 0]:
        ax.set_ylabel("t")
    figure.suptitle("|ψ|²(x, t) and the periodic centre of |ψ|²")
    return figure


def evolution_snapshots(data: Mapping[str, xr.Dataset], labels: Mapping[str, str]) -> Figure:
    """4×4 profiles |ψ|²(x) at t = 0, T/3, 2T/3, T (nearest snapshot); rows are the cases."""
    figure = new_figure(8.0, 7.5)
    axes = figure.subplots(4, 4, sharex="row", sharey="row")
    for row, (name, label) in enumerate(labels.items()):
        ds = data[name]
        t = ds["t"].values
        rho = np.abs(psi_of(ds)) ** 2
        for col, fraction in enumerate((0.0, 1 / 3, 2 / 3, 1.0)):
            k = int(np.argmin(np.abs(t - fraction * t[-1])))
            ax = axes[row, col]
            ax.plot(ds["x"].values, rho[k], color=PALETTE[4], lw=1.0)
            ax.set_ylim(0, 1.08 * rho.max())
            ax.text(
                0.97,
                0.95,
                f"t = {t[k]:.3g}",
                transform=ax.transAxes,
                ha="right",
                va="top",
                fontsize="x-small",
            )
            if row == 3:
                ax.set_xlabel("x")
        axes[row, 0].set_ylabel(f"{label}\n|ψ|²", fontsize="small")
    figure.suptitle("|ψ|²(x) at t = 0, T/3, 2T/3, T")
    return figure


def _stats_text(s: Mapping[str, float]) -> str:
    return "\n".join(
        (
            f"Pearson r\n  {s['pearson']:.3f}",
            f"Spearman ρ\n  {s['spearman']:.3f}",
            f"NMI\n  {s['nmi']:.3f}",
            f"circ. mean arg ψ\n  {s['circ_mean']:.2f} rad",
            f"circ. std arg ψ\n  {s['circ_std']:.2f} rad",
            f"eccentricity\n  {s['eccentricity']:.3f}",
            "(arg ψ: |ψ|²-weighted)",
        )
    )


def phase_space(
    data: Mapping[str, xr.Dataset],
    labels: Mapping[str, str],
    statistics: Mapping[str, tuple[float, Mapping[str, float]]],
) -> Figure:
    """2×2 scatter of (Re ψ_j, Im ψ_j) over the grid at t ≈ T/2, coloured by x, with the
    statistics of :func:`simsuite.papers.nlse.phase_space_statistics`."""
    figure = new_figure(8.4, 7.0)
    grid = figure.subplots(2, 4, width_ratios=(1, 0.5, 1, 0.5))
    for i, (name, label) in enumerate(labels.items()):
        ax, side = grid[i // 2, 2 * (i % 2)], grid[i // 2, 2 * (i % 2) + 1]
        ds = data[name]
        t_half, s = statistics[name]
        k = int(np.argmin(np.abs(ds["t"].values - t_half)))
        psi = psi_of(ds)[k]
        points = ax.scatter(psi.real, psi.imag, c=ds["x"].values, cmap="cividis", s=4, lw=0)
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_title(f"{label}, t = {t_half:.3g}", fontsize="medium", loc="left")
        ax.set_xlabel("Re ψ")
        ax.set_ylabel("Im ψ")
        side.axis("off")
        side.text(0.0, 0.5, _stats_text(s), transform=side.transAxes, va="center", fontsize=7)
    figure.colorbar(
        points, ax=grid, label="x (grid point)", orientation="horizontal", shrink=0.5, aspect=40
    )
    figure.suptitle("Phase space (Re ψ, Im ψ) at t = T/2")
    return figure


def intensity_distribution(
    samples: Mapping[str, np.ndarray],
    labels: Mapping[str, str],
    kruskal_h: float,
    kruskal_p: float,
    deltas: Mapping[tuple[str, str], float],
) -> Figure:
    """Gaussian KDE (scipy.stats.gaussian_kde, Scott's bandwidth; it spills a little below
    |ψ|² = 0, drawn from 0) and box plots (whiskers 1.5 IQR) of the thinned |ψ|² samples per
    case, with the Kruskal–Wallis test and the pairwise Cliff's δ."""
    figure = new_figure(9.0, 4.6)
    kde_ax, box_ax, text_ax = figure.subplots(1, 3, width_ratios=(1.3, 1, 0.42))
    top = max(float(v.max()) for v in samples.values())
    grid = np.linspace(0.0, top, 600)
    peak = 0.0
    for colour, (name, label) in zip(PALETTE, labels.items(), strict=False):
        values = samples[name]
        density = stats.gaussian_kde(values)(grid)
        peak = max(peak, float(density.max()))
        kde_ax.plot(grid, density, color=colour, lw=1.4, label=f"{label} (n = {values.size})")
    kde_ax.set_yscale("log")
    kde_ax.set_ylim(1e-3, 3.0 * peak)
    kde_ax.set_xlabel("|ψ|²")
    kde_ax.set_ylabel("density (Gaussian KDE)")
    kde_ax.legend(fontsize="x-small")
    names = list(labels)
    parts = box_ax.boxplot(
        [samples[n] for n in names],
        patch_artist=True,
        widths=0.6,
        flierprops={"ms": 2},
        medianprops={"color": "black"},
    )
    for patch, colour in zip(parts["boxes"], PALETTE, strict=False):
        patch.set_facecolor(colour)
    box_ax.set_ylabel("|ψ|²")
    short = {n: str(i + 1) for i, n in enumerate(names)}
    box_ax.set_xticks(
        range(1, len(names) + 1),
        [f"{short[n]}: {labels[n]}" for n in names],
        rotation=25,
        ha="right",
        fontsize="small",
    )
    p_text = f"p = {kruskal_p:.1e}" if kruskal_p > 0 else "p < 1e-300"
    text = [f"Kruskal–Wallis\nH = {kruskal_h:.1f}\n{p_text}", "", "Cliff's δ"]
    text += [f"  {short[a]} vs {short[b]}: {d:+.2f}" for (a, b), d in deltas.items()]
    text_ax.axis("off")
    text_ax.text(0.0, 0.5, "\n".join(text), transform=text_ax.transAxes, va="center", fontsize=7.5)
    figure.suptitle("Distribution of |ψ|² over space and time (decorrelated samples)")
    return figure
