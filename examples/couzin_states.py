"""Couzin: the four collective states
====================================

The four collective states of the Couzin et al. (2002) model: swarm, torus, dynamic parallel and
highly parallel, each from its canonical config (N = 100, 3000 steps of τ = 0.1 s).

Top row: the school at the last snapshot (headings as arrows, coloured by depth); bottom row:
polarization P and rotation M against time. The printed table gives P and M averaged over the last
500 steps, next to the values measured with a reference implementation (``../shared/DESIGN.md``):
swarm P ≈ 0.13–0.19, M ≈ 0.1–0.2; torus P ≈ 0.1, M ≈ 0.88; dynamic parallel P ≈ 0.9; highly
parallel P ≈ 0.999.

``--quick`` (or ``SIMSUITE_QUICK=1``) runs N = 30 agents for 200 steps (a smoke test; the states
need the full length to form).

Usage: ``python examples/couzin_states.py [--quick] [--outdir DIR]``
"""

from __future__ import annotations

from _common import CONFIGS, is_quick, parser, save
from matplotlib.ticker import MaxNLocator

import simsuite
from simsuite.plotting.common import new_figure
from simsuite.plotting.school import order_parameters, school_snapshot

STATES = ("couzin_swarm", "couzin_torus", "couzin_dynamic_parallel", "couzin_highly_parallel")
QUICK = {"agents.n": 30, "time.t_final": 20.0, "time.n_snapshots": 21}


def late_mean(ds, name: str, seconds: float = 50.0) -> float:
    """Mean of ``name`` over the last ``seconds`` of the run (500 steps of τ = 0.1 s)."""
    t = ds["t"].values
    return float(ds[name].values[t >= t[-1] - seconds].mean())


def main(argv: list[str] | None = None) -> dict[str, tuple[float, float]]:
    args = parser(__doc__, "30 agents, 200 steps").parse_args(argv)
    overrides = {**(QUICK if is_quick(args) else {}), "run.progress": False}
    figure = new_figure(16.0, 7.5)
    # constrained layout does not see the z label of the last 3D panel: keep a margin for it
    figure.get_layout_engine().set(rect=(0.0, 0.0, 0.97, 1.0))
    grid = figure.add_gridspec(2, len(STATES), height_ratios=(1.6, 1.0))
    measured = {}
    print(f"{'state':<26} {'P (last 50 s)':>13} {'M (last 50 s)':>13}")
    for column, name in enumerate(STATES):
        ds = simsuite.run(CONFIGS / f"{name}.toml", output="", overrides=overrides)
        label = name.removeprefix("couzin_").replace("_", " ")
        top = figure.add_subplot(grid[0, column], projection="3d")
        school_snapshot(ds, ax=top, colorbar=False)
        for axis in (top.xaxis, top.yaxis, top.zaxis):  # 4 ticks: labels of 3 digits do not collide
            axis.set_major_locator(MaxNLocator(4))
        top.set_box_aspect(None, zoom=0.9)  # room for the z label inside the column
        top.set_title(f"{label} at t = {ds['t'].values[-1]:g} s", fontsize="medium")
        bottom = figure.add_subplot(grid[1, column])
        order_parameters(ds, ax=bottom)
        bottom.legend(fontsize="small", loc="center right")  # clear of P ≈ 1 and of M ≈ 0.9
        bottom.set_title(label, fontsize="medium")
        measured[name] = (late_mean(ds, "polarization"), late_mean(ds, "rotation"))
        print(f"{name:<26} {measured[name][0]:>13.3f} {measured[name][1]:>13.3f}")
    figure.suptitle("Couzin et al. (2002): the four collective states (agents coloured by depth z)")
    save(figure, args.outdir, "couzin_states", dpi=90)
    return measured


if __name__ == "__main__":
    main()
