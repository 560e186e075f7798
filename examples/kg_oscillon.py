"""Klein–Gordon in 2D and 3D: a collapsing sine-Gordon ring and a φ⁴ oscillon
===========================================================================

Two canonical configs on 2D and 3D periodic grids, run in memory:

* ``kg2d_sine_gordon_ring``: the ring kink φ = 4 arctan(exp(R₀ − r)), R₀ = 12, at rest. Left: φ at
  t = 8; middle: its radius, measured from the area where φ ≈ 2π (R² = ∫ φ/(2π) dA / π), against
  the thin-wall law R(t) = R₀ cos(t/R₀) (the wall of a ring of tension σ has energy 2πRσγ, which
  is conserved);
* ``kg3d_phi4_oscillon``: the Gaussian bubble φ = 1 − 2 exp(−r²/r₀²), r₀ = 2.86, of the φ⁴ potential
  (φ² − 1)²/4. Right: the energy inside the sphere r < 6 against t, with the total energy: after
  a burst of radiation an oscillon keeps most of it for the whole run.

``--quick`` (or ``SIMSUITE_QUICK=1``) runs both on small grids for short times (a smoke test).

Usage: ``python examples/kg_oscillon.py [--quick] [--outdir DIR]``
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _common import CONFIGS, is_quick, parser, save
from matplotlib.figure import Figure

import simsuite
from simsuite.config import load_config
from simsuite.models.klein_gordon.model import KleinGordon

RING = "kg2d_sine_gordon_ring"
OSCILLON = "kg3d_phi4_oscillon"
SPHERE = 6.0  # radius of the sphere the oscillon's energy is measured in
FULL = {RING: {"time.n_snapshots": 81}, OSCILLON: {"time.n_snapshots": 51}}
QUICK = {
    RING: {"grid.n_points": [96, 96], "time.t_final": 12.0, "time.n_snapshots": 13},
    OSCILLON: {
        "grid.n_points": [24, 24, 24],
        "grid.x_min": [-12.0, -12.0, -12.0],
        "grid.x_max": [12.0, 12.0, 12.0],
        "time.t_final": 20.0,
        "time.n_snapshots": 11,
    },
}


def run(name: str, overrides: dict):
    """The canonical config ``name`` run in memory, and its model (for the energy density)."""
    overrides = {**overrides, "run.progress": False}
    path = CONFIGS / f"{name}.toml"
    ds = simsuite.run(path, output="", overrides=overrides)
    return ds, KleinGordon.from_config(load_config(path, overrides))


def ring_radius(ds) -> np.ndarray:
    """R(t) = √(∫ φ/(2π) dA / π): the radius of a disc where φ = 2π (0 outside)."""
    cell = float(ds.attrs["dx"] * ds.attrs["dy"])
    area = ds["phi"].values.sum(axis=(1, 2)) * cell / (2.0 * np.pi)
    return np.sqrt(np.clip(area, 0.0, None) / np.pi)


def sphere_energy(ds, model) -> tuple[np.ndarray, np.ndarray]:
    """The energy inside r < :data:`SPHERE` and the total energy, per snapshot, from the
    model's energy density ½φ_t² + ½|∇φ|² + V(φ)."""
    x, y, z = model.grid.coordinates
    inside = x * x + y * y + z * z < SPHERE * SPHERE
    cell = model.grid.cell_volume
    within, total = [], []
    for phi, phi_t in zip(ds["phi"].values, ds["phi_t"].values, strict=True):
        density = model.density(np.stack((phi, phi_t)))
        within.append(density[inside].sum() * cell)
        total.append(density.sum() * cell)
    return np.array(within), np.array(total)


def main(argv: list[str] | None = None) -> Path:
    args = parser(__doc__, "small grids, short runs").parse_args(argv)
    sizes = QUICK if is_quick(args) else FULL
    ring, _ = run(RING, sizes[RING])
    oscillon, model = run(OSCILLON, sizes[OSCILLON])

    figure = Figure(figsize=(13.0, 4.2), layout="constrained")
    ax_map, ax_radius, ax_energy = figure.subplots(1, 3)
    t_ring = ring["t"].values
    shown = int(np.argmin(np.abs(t_ring - 8.0)))
    image = ax_map.pcolormesh(
        ring["x"].values, ring["y"].values, ring["phi"].values[shown], cmap="viridis"
    )
    figure.colorbar(image, ax=ax_map, label="φ")
    ax_map.set_aspect("equal")
    ax_map.set(xlabel="x", ylabel="y", title=f"sine-Gordon ring, φ at t = {t_ring[shown]:g}")

    radius0 = float(load_config(CONFIGS / f"{RING}.toml").initial_condition.radius)
    ax_radius.plot(t_ring, ring_radius(ring), "o", ms=3, label="measured (area of φ ≈ 2π)")
    fine = np.linspace(0.0, min(t_ring[-1], 0.5 * np.pi * radius0), 200)
    ax_radius.plot(fine, radius0 * np.cos(fine / radius0), label="thin wall R₀ cos(t/R₀)")
    ax_radius.set(xlabel="t", ylabel="ring radius R", title="ring collapse")
    ax_radius.legend()

    within, total = sphere_energy(oscillon, model)
    t_osc = oscillon["t"].values
    ax_energy.plot(t_osc, total, label="total energy")
    ax_energy.plot(t_osc, within, label=f"inside r < {SPHERE:g}")
    ax_energy.set(xlabel="t", ylabel="energy", title="3D φ⁴ oscillon", ylim=(0, None))
    ax_energy.legend(loc="lower left")
    print(
        f"oscillon: energy inside r < {SPHERE:g} is {within[-1] / total[-1]:.3f} of the total at "
        f"t = {t_osc[-1]:g} ({within[0] / total[0]:.3f} at t = 0)"
    )
    figure.suptitle("Klein–Gordon  φ_tt − ∇²φ + V′(φ) = 0 on 2D and 3D grids")
    return save(figure, args.outdir, "kg_oscillon")


if __name__ == "__main__":
    main()
