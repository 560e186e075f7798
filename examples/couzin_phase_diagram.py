"""Couzin: phase diagram over the zone widths
===========================================

Phase diagram of the Couzin et al. (2002) model: polarization P and rotation M over the zone
widths (Δr_o, Δr_a), run as a sweep on Dask (:func:`simsuite.sweep`).

Each grid point is ``configs/couzin_torus.toml`` with the two widths changed, N = 100 agents from a
random start for 1500 steps of τ = 0.1 s; P and M are averaged over the second half of the run. The
paper's picture (Couzin et al. 2002, Fig. 2): a swarm (P, M low) for Δr_o ≈ 0, a torus (M high) for
small Δr_o and large Δr_a, parallel groups (P high) for larger Δr_o. One replicate per point, so
individual points near a boundary can land in either state.

``--quick`` (or ``SIMSUITE_QUICK=1``) sweeps a 2 × 2 grid of 20 agents for 50 steps.

Usage: ``python examples/couzin_phase_diagram.py [--quick] [--workers N] [--outdir DIR]``
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr
from _common import CONFIGS, is_quick, parser, save

import simsuite
from simsuite.plotting.common import new_figure
from simsuite.plotting.sweeps import sweep_map

BASE = CONFIGS / "couzin_torus.toml"
FULL = {
    "orientation": [0, 1, 2, 4, 7, 10, 13],
    "attraction": [2, 6, 10, 14],
    "set": {"agents.n": 100, "time.t_final": 150.0, "time.n_snapshots": 151},
}
QUICK = {
    "orientation": [0, 5],
    "attraction": [6, 14],
    "set": {"agents.n": 20, "time.t_final": 5.0, "time.n_snapshots": 11},
}


def phase_diagram(grid: dict, outdir: Path, workers: int | None) -> xr.Dataset:
    """The sweep summary: P and M (means over the second half) on the (Δr_o, Δr_a) grid."""
    spec = {
        "base": str(BASE),
        "outdir": str(outdir / "couzin_phase_diagram_runs"),
        "sweep": {
            "mode": "grid",
            "zones.delta_r_orientation": grid["orientation"],
            "zones.delta_r_attraction": grid["attraction"],
        },
        "set": {**grid["set"], "model.label": "phase diagram point"},
        "collect": {"polarization": "mean_last_half", "rotation": "mean_last_half"},
    }
    return simsuite.sweep(spec, workers=workers, progress=False)


def main(argv: list[str] | None = None) -> xr.Dataset:
    options = parser(__doc__, "2 x 2 grid, 20 agents, 50 steps")
    options.add_argument("--workers", type=int, help="Dask worker processes (default: all cores)")
    args = options.parse_args(argv)
    quick = is_quick(args)
    outdir = Path(args.outdir)
    summary = phase_diagram(QUICK if quick else FULL, outdir, args.workers)
    figure = new_figure(12.0, 4.8)
    for ax, name in zip(figure.subplots(1, 2), ("polarization", "rotation"), strict=True):
        sweep_map(summary, name, ax=ax)
        ax.collections[0].set_clim(0.0, 1.0)  # both order parameters on the same scale
        ax.set_title(f"{name} ({'P' if name == 'polarization' else 'M'}), mean of the last half")
        ax.set_xlabel("width of the zone of attraction Δr_a (body lengths)")
        ax.set_ylabel("width of the zone of orientation Δr_o (body lengths)")
    figure.suptitle("Couzin et al. (2002): order parameters over the zone widths")
    save(figure, outdir, "couzin_phase_diagram", dpi=100)
    table = summary[["polarization", "rotation"]].squeeze("replicate", drop=True)
    print(table.to_dataframe().round(3).to_string())
    return summary


if __name__ == "__main__":
    main()
