r"""NLSE in 2D: the Townes threshold, collapse against spreading
============================================================

The focusing NLSE :math:`i\psi_t + \tfrac12\nabla^2\psi + |\psi|^2\psi = 0` in two dimensions
has a critical mass: the Townes profile :math:`Q = R(r)/\sqrt{2}` (:math:`\Delta R - R + R^3 = 0`)
holds :math:`N_c = N_R/2 = 5.850`. Scaled by 0.9 the beam spreads for ever; scaled by 1.1 it
collapses in finite time. The two canonical configs ``configs/nlse2d_townes_spreading.toml`` and
``configs/nlse2d_townes_collapse.toml`` are run in memory; the figure shows the peak density and
the rms width :math:`\sqrt{\int |x|^2|\psi|^2 / N}` against t, and the density maps at the end of
each run. The collapse run ends at t = 1.6, while the field is still resolved; a longer run stops
at t = 1.7 with "collapse" (exit 1, the snapshots before kept).

``--quick`` (or ``SIMSUITE_QUICK=1``) runs on 64² points over [−8, 8)² to shorter times.

Usage: ``python examples/nlse2d_townes.py [--quick] [--outdir DIR]``
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _common import is_quick, parser, run_canonical, save
from matplotlib.figure import Figure

CASES = ("nlse2d_townes_spreading", "nlse2d_townes_collapse")
QUICK = {"grid.n_points": [64, 64], "grid.x_min": [-8.0, -8.0], "grid.x_max": [8.0, 8.0]}
QUICK_TIMES = (
    {"time.t_final": 2.0, "time.n_snapshots": 21},
    {"time.t_final": 1.2, "time.n_snapshots": 13},
)


def summary(ds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t, peak |ψ|², rms width) of a 2D NLSE run."""
    density = ds["psi_real"].values ** 2 + ds["psi_imag"].values ** 2
    x, y = ds["x"].values, ds["y"].values
    r2 = x[None, None, :] ** 2 + y[None, :, None] ** 2
    width = np.sqrt((density * r2).sum(axis=(1, 2)) / density.sum(axis=(1, 2)))
    return ds["t"].values, density.max(axis=(1, 2)), width


def main(argv: list[str] | None = None) -> Path:
    args = parser(__doc__, "64² points, shorter runs").parse_args(argv)
    quick = is_quick(args)
    runs = [
        run_canonical((name,), {**QUICK, **times} if quick else {})[0]
        for name, times in zip(CASES, QUICK_TIMES, strict=True)
    ]
    figure = Figure(figsize=(10.0, 8.0), layout="constrained")
    axes = figure.subplots(2, 2)
    labels = ("0.9 Q: spreads", "1.1 Q: collapses")
    for ds, label, colour in zip(runs, labels, ("tab:blue", "tab:red"), strict=True):
        t, peak, width = summary(ds)
        axes[0, 0].semilogy(t, peak, color=colour, label=label)
        axes[0, 1].plot(t, width, color=colour, label=label)
        print(
            f"{label:18s} mass {float(ds['mass'][0]):.4f}  H {float(ds['energy'][0]):+.4f}  "
            f"peak {peak[0]:.3f} -> {peak[-1]:.3f} at t = {t[-1]:g}  "
            f"width {width[0]:.3f} -> {width[-1]:.3f}"
        )
    axes[0, 0].set(xlabel="t", ylabel="peak |ψ|²", title="peak density")
    axes[0, 1].set(xlabel="t", ylabel="rms width", title="width (∫|x|²|ψ|² / N)^½")
    for ax in axes[0]:
        ax.legend()
    for ax, ds, label in zip(axes[1], runs, labels, strict=True):
        density = ds["psi_real"].values[-1] ** 2 + ds["psi_imag"].values[-1] ** 2
        x, y = ds["x"].values, ds["y"].values
        image = ax.imshow(
            density,
            origin="lower",
            extent=(x[0], x[-1], y[0], y[-1]),
            cmap="magma",
        )
        title = f"{label}: |ψ|² at t = {float(ds['t'][-1]):g}"
        ax.set(xlabel="x", ylabel="y", xlim=(-5, 5), ylim=(-5, 5), title=title)
        figure.colorbar(image, ax=ax, shrink=0.85)
    figure.suptitle("2D NLSE  iψ_t + ½∇²ψ + |ψ|²ψ = 0: the Townes profile Q scaled by 0.9 and 1.1")
    return save(figure, args.outdir, "nlse2d_townes")


if __name__ == "__main__":
    main()
