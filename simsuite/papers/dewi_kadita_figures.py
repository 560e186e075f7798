"""Figures of the dewi-kadita reproduction (:mod:`simsuite.papers.dewi_kadita`), in that paper's
layout: 3D snapshots of the four states, P and M against t, entropy time series, and the
final-state entropy profile.

The faithful runs (Couzin's rules) are drawn solid and the published ones (the package's own
configs and rules) dashed; time series are the mean over seeds with a ±1 sd band.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from simsuite.diagnostics.schooling import ENTROPIES
from simsuite.papers.common import PALETTE
from simsuite.plotting.common import new_figure

#: Short symbols of the quantities, in the figures and the report.
SYMBOLS = {
    "entropy_cohesion": "H_coh",
    "entropy_polarization": "H_pol",
    "entropy_depth": "H_depth",
    "entropy_angular_momentum": "H_ang",
    "entropy_nearest_neighbour": "H_NN",
    "entropy_velocity_correlation": "H_vel",
    "entropy_shape": "H_shape",
    "oceanic_schooling_index": "OSI",
    "order_index": "order index",
    "polarization": "P",
    "rotation": "M",
}

#: Quantities of the final-state profile (the seven entropies, OSI, order index, P, M).
PROFILE = (*ENTROPIES, "oceanic_schooling_index", "order_index", "polarization", "rotation")

#: Line style per rule set key.
STYLES = {"faithful": "-", "published": "--"}
#: Colours of P and M in the order-parameter figure (Okabe–Ito blue, vermilion).
P_COLOUR, M_COLOUR = PALETTE[4], PALETTE[3]


def figures(runs, states, rules) -> dict[str, Figure]:
    """Every figure of the paper, by name."""
    return {
        "spatiotemporal_evolution": spatiotemporal(runs["faithful"], states, rules[0]),
        "spatiotemporal_evolution_published": spatiotemporal(runs["published"], states, rules[1]),
        "order_parameters_evolution": order_parameters(runs, states, rules),
        "entropy_metrics_evolution": entropy_metrics(runs, states, rules),
        "final_state_entropy_profile": final_profile(runs, states, rules),
    }


def _frames(n: int) -> tuple[int, int, int]:
    return 0, n // 2, n - 1


def _polarization_rotation(position, heading, box):
    from simsuite.diagnostics.schooling import centroid, offsets, polarization

    relative = offsets(position, centroid(position, box), box)
    norm = np.linalg.norm(relative, axis=1, keepdims=True)
    r_hat = np.divide(relative, norm, out=np.zeros_like(relative), where=norm > 0)
    m = float(np.linalg.norm(np.cross(r_hat, heading).sum(axis=0)) / len(heading))
    return polarization(heading), m


def spatiotemporal(by_state, states, rules) -> Figure:
    """4×3 grid of 3D quiver plots: one row per state (its first seed), columns the first,
    middle and last snapshot; each panel titled with t, P and M."""
    figure = new_figure(10.0, 13.0)
    for row, (state, label) in enumerate(states):
        ds = by_state[state][0].ds
        seed = by_state[state][0].seed
        box = float(ds.attrs["box_size"]) if ds.attrs.get("domain") == "periodic" else None
        for col, k in enumerate(_frames(ds.sizes["t"])):
            ax = figure.add_subplot(len(states), 3, 3 * row + col + 1, projection="3d")
            position = ds["position"].values[k]
            velocity = ds["velocity"].values[k]
            speed = np.linalg.norm(velocity, axis=1, keepdims=True)
            heading = np.divide(velocity, speed, out=np.zeros_like(velocity), where=speed > 0)
            p, m = _polarization_rotation(position, heading, box)
            ax.scatter(*position.T, s=4, color=PALETTE[row], depthshade=False)
            ax.quiver(*position.T, *heading.T, length=1.5, color="0.25", linewidth=0.5)
            _cube(ax, position, box)
            ax.set_title(f"t = {ds['t'].values[k]:.0f} s\nP = {p:.2f}, M = {m:.2f}", fontsize=9)
            if col == 0:
                ax.text2D(
                    -0.12,
                    0.5,
                    f"{label}\n(seed {seed})",
                    transform=ax.transAxes,
                    rotation=90,
                    va="center",
                    ha="center",
                    fontsize=10,
                )
    figure.suptitle(
        f"{rules.label}: positions and headings (arrows 1.5 body lengths); axes in body lengths"
        + (", periodic box" if rules.key == "published" else ", open space"),
        fontsize=11,
    )
    return figure


def _cube(ax, position: np.ndarray, box: float | None) -> None:
    """Equal scales: the whole periodic box, or a cube around the agents; three ticks a side."""
    if box is not None:
        low, high = np.zeros(3), np.full(3, box)
    else:
        centre = (position.max(axis=0) + position.min(axis=0)) / 2
        half = max(float(np.ptp(position, axis=0).max()) / 2, 1.0) * 1.1
        low, high = centre - half, centre + half
    for axis, setter, lo, hi, name in zip(
        (ax.xaxis, ax.yaxis, ax.zaxis),
        (ax.set_xlim, ax.set_ylim, ax.set_zlim),
        low,
        high,
        "xyz",
        strict=True,
    ):
        setter(lo, hi)
        axis.set_major_locator(MaxNLocator(3))
        axis.set_tick_params(labelsize=6, pad=0)
        axis.labelpad = -6
        axis.set_label_text(name, fontsize=8)
    ax.set_box_aspect((1, 1, 1))


def _band(ax: Axes, group, name: str, **style) -> float:
    """Mean over seeds of ``name`` against t with a ±1 sd band; returns the second-half mean."""
    t = group[0].ds["t"].values
    values = np.stack([r.ds[name].values for r in group])
    mean = values.mean(axis=0)
    ax.plot(t, mean, **style)
    if len(group) > 1:
        sd = values.std(axis=0, ddof=1)
        ax.fill_between(t, mean - sd, mean + sd, color=style.get("color"), alpha=0.15, lw=0)
    return float(np.mean([r.late(name) for r in group]))


def order_parameters(runs, states, rules) -> Figure:
    """2×2: P and M against t per state, both rule sets, second-half means as thick bars over the
    second half (value in the legend)."""
    figure = new_figure(11.0, 7.5)
    axes = figure.subplots(2, 2, sharey=True)
    for ax, (state, label) in zip(axes.flat, states, strict=True):
        for rule in rules:
            group = runs[rule.key][state]
            t = group[0].ds["t"].values
            for name, symbol, colour in (
                ("polarization", "P", P_COLOUR),
                ("rotation", "M", M_COLOUR),
            ):
                mean = _band(ax, group, name, color=colour, ls=STYLES[rule.key], lw=1.2)
                ax.hlines(mean, t[len(t) // 2], t[-1], color=colour, lw=4, alpha=0.35)
                ax.plot(
                    [],
                    [],
                    color=colour,
                    ls=STYLES[rule.key],
                    label=f"{symbol}, {rule.label}: second-half mean {mean:.2f}",
                )
        ax.set_ylim(-0.02, 1.42)  # headroom above P, M ≤ 1 for the legend
        ax.set_yticks(np.linspace(0.0, 1.0, 6))
        ax.set_title(label)
        ax.set_xlabel("t [s]")
        ax.set_ylabel("order parameter")
        ax.legend(fontsize=7, loc="upper center", ncol=2, framealpha=0.9)
    figure.suptitle(
        "Polarization P and rotation M (mean over seeds, ±1 sd band); thick bars: second-half "
        "means",
        fontsize=11,
    )
    return figure


def entropy_metrics(runs, states, rules) -> Figure:
    """2×2 time series of H_coh, H_pol, H_vel and the OSI, the four states overlaid."""
    figure = new_figure(11.0, 7.5)
    axes = figure.subplots(2, 2, sharey=True)
    panels = (
        ("entropy_cohesion", "cohesion entropy H_coh"),
        ("entropy_polarization", "polarization entropy H_pol"),
        ("entropy_velocity_correlation", "velocity-correlation entropy H_vel"),
        ("oceanic_schooling_index", "Oceanic Schooling Index"),
    )
    for ax, (name, title) in zip(axes.flat, panels, strict=True):
        for colour, (state, _) in zip(PALETTE, states, strict=False):
            for rule in rules:
                _band(ax, runs[rule.key][state], name, color=colour, ls=STYLES[rule.key], lw=1.2)
        ax.set_ylim(-0.02, 1.05)
        ax.set_title(title)
        ax.set_xlabel("t [s]")
        ax.set_ylabel("normalised entropy")
    handles = [
        Line2D([], [], color=c, lw=2, label=label)
        for c, (_, label) in zip(PALETTE, states, strict=False)
    ]
    handles += [
        Line2D([], [], color="0.3", ls=STYLES[r.key], label=f"{r.label} ({r.definition} entropies)")
        for r in rules
    ]
    figure.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=8)
    figure.suptitle("Schooling entropies against t (mean over seeds, ±1 sd band)", fontsize=11)
    return figure


def final_profile(runs, states, rules) -> Figure:
    """Grouped bars of the seven entropies, OSI, order index, P and M at the last snapshot, one
    bar per state (mean over seeds, sd as error bar); one panel per rule set."""
    figure = new_figure(11.0, 7.5)
    axes = figure.subplots(len(rules), 1, sharex=True)
    x = np.arange(len(PROFILE))
    width = 0.8 / len(states)
    for ax, rule in zip(axes, rules, strict=True):
        for i, (state, label) in enumerate(states):
            group = runs[rule.key][state]
            values = np.array([[r.final(name) for name in PROFILE] for r in group])
            sd = values.std(axis=0, ddof=1) if len(group) > 1 else None
            ax.bar(
                x + (i - (len(states) - 1) / 2) * width,
                values.mean(axis=0),
                width,
                yerr=sd,
                color=PALETTE[i],
                label=label,
                capsize=1.5,
                error_kw={"elinewidth": 0.7},
            )
        ax.set_ylim(0, 1.08)
        ax.set_ylabel("value (dimensionless)")
        seeds = len(runs[rule.key][states[0][0]])
        ax.set_title(
            f"{rule.label} ({rule.definition} entropies), last snapshot, mean ± sd over "
            f"{seeds} seeds",
            fontsize=10,
        )
        ax.axvline(len(PROFILE) - 4.5, color="0.6", lw=0.8, ls=":")
    axes[-1].set_xticks(x, [SYMBOLS[name] for name in PROFILE], rotation=30, ha="right")
    figure.legend(
        *axes[0].get_legend_handles_labels(), loc="outside upper center", ncol=4, fontsize=9
    )
    return figure
