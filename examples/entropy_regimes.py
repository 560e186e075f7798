r"""Entropy: the complexity–entropy plane of every canonical run
==============================================================

The complexity–entropy causality plane (Rosso et al. 2007) for every canonical run: where the
Klein–Gordon and NLSE regimes and the four Couzin states fall between the curves of minimum and
maximum statistical complexity.

Each run gives one time series, turned into the distribution of its ordinal patterns of order
d = 4 (Bandt & Pompe 2002), and one point (H, C): the normalised permutation entropy H and the
Jensen–Shannon statistical complexity C of that distribution.

* Field runs (NLSE :math:`|\psi|`, Klein–Gordon φ): the field at the probe point x = 0, at 1001
  times. Values closer than 1e-9 of the run's largest :math:`|\text{field}|` are treated as equal
  (they are round-off), so a field that does not change at the probe (the static kink) has H = 0
  rather than the entropy of its rounding noise.
* Couzin runs: the polarization P(t) at every step (3001 values).

What the full run shows (order 4): the breathers, the passing soliton and the dispersing linear
packet sit at low H (0.22–0.28) close to the maximum-complexity curve; the collisions a little
higher (H ≈ 0.4); the static kink at (0, 0); modulation instability and the swarm, torus and dynamic
parallel schools at intermediate H (0.66–0.77, C ≈ 0.2–0.24); the highly parallel school, whose P
only fluctuates by noise around 0.999, at (1.0, 0.0) like white noise.

``--quick`` (or ``SIMSUITE_QUICK=1``) uses small grids, short runs and few agents (a smoke test).

Usage: ``python examples/entropy_regimes.py [--quick] [--outdir DIR]``
"""

from __future__ import annotations

import numpy as np
from _common import CONFIGS, is_quick, parser, save

import simsuite
from simsuite.diagnostics.entropy import (
    complexity_entropy_curves,
    ordinal_patterns,
    permutation_entropy,
    statistical_complexity,
)
from simsuite.plotting.common import new_figure
from simsuite.plotting.fields import profile

ORDER = 4
FIELD_RUNS = (
    "nlse_single_soliton",
    "nlse_two_soliton",
    "nlse_breather",
    "nlse_modulation_instability",
    "kg_linear_wave",
    "kg_kink",
    "kg_breather",
    "kg_collision",
)
SCHOOL_RUNS = ("couzin_swarm", "couzin_torus", "couzin_dynamic_parallel", "couzin_highly_parallel")
TIE_TOLERANCE = 1e-9


def plane_point(series: np.ndarray) -> tuple[float, float]:
    """(H, C) of the ordinal patterns of ``series`` (order :data:`ORDER`, delay 1)."""
    h = float(permutation_entropy(series, ORDER))
    c = float(statistical_complexity(ordinal_patterns(series, ORDER)))
    return h, c


def field_series(name: str, quick: bool) -> np.ndarray:
    """The field at x = 0 at 1001 times (51 when quick), rounded to ties below the tolerance."""
    overrides = {"time.n_snapshots": 51 if quick else 1001, "run.progress": False}
    if quick:
        overrides |= {"grid.n_points": 128, "time.t_final": 5.0}
    ds = simsuite.run(CONFIGS / f"{name}.toml", output="", overrides=overrides)
    field = profile(ds)
    scale = float(np.abs(field).max()) or 1.0
    at_probe = field.sel(x=0.0, method="nearest").values
    return np.round(at_probe / (scale * TIE_TOLERANCE)) * TIE_TOLERANCE


def school_series(name: str, quick: bool) -> np.ndarray:
    """The polarization at every step."""
    overrides = {"time.n_snapshots": 3001, "run.progress": False}
    if quick:
        overrides |= {"agents.n": 30, "time.t_final": 20.0, "time.n_snapshots": 201}
    ds = simsuite.run(CONFIGS / f"{name}.toml", output="", overrides=overrides)
    return ds["polarization"].values


def main(argv: list[str] | None = None) -> dict[str, tuple[float, float]]:
    args = parser(__doc__, "small grids, short runs").parse_args(argv)
    quick = is_quick(args)
    points = {name: plane_point(field_series(name, quick)) for name in FIELD_RUNS}
    points |= {name: plane_point(school_series(name, quick)) for name in SCHOOL_RUNS}

    figure = new_figure(8.0, 5.5)
    ax = figure.add_subplot()
    (h_min, c_min), (h_max, c_max) = complexity_entropy_curves(24)
    ax.plot(h_min, c_min, color="0.5", lw=1.0)
    ax.plot(h_max, c_max, color="0.5", lw=1.0, label=f"min / max C for {ORDER}! = 24 patterns")
    markers = {"nlse": ("o", "tab:blue"), "kg": ("s", "tab:red"), "couzin": ("^", "tab:green")}
    print(f"{'run':<28} {'H':>6} {'C':>6}")
    labels: list[tuple[float, float]] = []  # where labels went (data coordinates)
    for name, (h, c) in sorted(points.items(), key=lambda item: -item[1][1]):
        family = name.split("_", 1)[0]
        marker, colour = markers[family]
        ax.plot(h, c, marker, color=colour, ms=7)
        label = name.split("_", 1)[1].replace("_", " ")
        if family != "couzin":
            label = f"{'NLSE' if family == 'nlse' else 'KG'} {label}"
        left = h > 0.85  # near H = 1 the label goes left of its point, inside the axes
        where = (h - 0.015 if left else h + 0.015, c)
        while any(abs(where[0] - x) < 0.17 and abs(where[1] - y) < 0.011 for x, y in labels):
            where = (where[0], where[1] - 0.011)  # below the labels already placed nearby
        labels.append(where)
        arrow = {"arrowstyle": "-", "color": "0.35", "lw": 0.8} if where[1] != c else None
        ax.annotate(
            label,
            (h, c),
            xytext=where,
            fontsize=7,
            va="center",
            ha="right" if left else "left",
            arrowprops=arrow,
        )
        print(f"{name:<28} {h:>6.3f} {c:>6.3f}")
    for family, (marker, colour) in markers.items():
        ax.plot(
            [],
            [],
            marker,
            color=colour,
            label={"nlse": "NLSE |ψ(0, t)|", "kg": "Klein–Gordon φ(0, t)", "couzin": "Couzin P(t)"}[
                family
            ],
        )
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.01, max(c_max.max(), max(c for _, c in points.values())) * 1.1)
    ax.set_xlabel("normalised permutation entropy H (order 4)")
    ax.set_ylabel("statistical complexity C")
    ax.set_title("Complexity–entropy plane of the canonical runs")
    ax.legend(fontsize="small", loc="upper left")
    save(figure, args.outdir, "entropy_regimes")
    return points


if __name__ == "__main__":
    main()
