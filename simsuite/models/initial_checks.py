"""Checks that an initial condition describes a field on the grid, made when the model is built.

A closed-form initial condition that is localised (a soliton, a pulse, a kink, a breather) is placed by
its centre keys (``x0``, ``x1``, ``x2``; a kink–antikink pair at ±``x0``). The criterion, the same for
every model:

* every centre must lie in the domain [x_min − dx, x_max + dx] (the keys are named otherwise): a
  structure centred outside it leaves only its tail on the grid — an all-zero field for a soliton
  at x₀ = 1e308, a field equal to the vacuum for a kink — and a run of it would measure nothing;
* a ``width`` key must be at least one grid cell dx (a narrower pulse is not resolved: at
  width = 1e-300 its formula even gives NaN), and a carrier wavenumber (the NLSE's ``velocity``
  keys, ψ ∝ e^{ivx}) at most the grid's k_max = π/dx (a larger one aliases);
* the field must not vanish on the whole grid while its amplitude is not zero (a structure narrower
  than the round-off of its own position, or an amplitude that underflows);
* the initial state's invariants (mass, energy, ...) must be finite: a field so large that |f|²
  or the energy density overflows (|ψ| ≈ 1e200) is refused, not run into a "blow-up at t = 0".

``expression`` and ``from_file`` fields are taken as the user gave them: an explicit ψ = 0 is a valid
(if trivial) run. All canonical configs pass with a wide margin (centres at most 10 from the middle of
domains of half-width ≥ 25).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from simsuite.config import ConfigError, config_fields, key_of

__all__ = [
    "CENTRE_KEYS",
    "centres_of",
    "check_centres",
    "check_finite_invariants",
    "check_grid_fits_memory",
    "check_ic_dims",
    "check_not_vanishing",
]

#: Keys that place a localised closed-form initial condition.
CENTRE_KEYS = ("x0", "x1", "x2")


def centres_of(ic) -> dict[str, tuple[float, ...]]:
    """``{key: positions}`` of the initial condition's centres (its ``centres()`` method when it
    has one, else its :data:`CENTRE_KEYS`)."""
    if hasattr(ic, "centres"):
        return dict(ic.centres())
    return {key: (float(getattr(ic, key)),) for key in CENTRE_KEYS if hasattr(ic, key)}


def check_centres(ic, x: np.ndarray, source: str, wavenumbers: tuple[str, ...] = ()) -> None:
    """Refuse (ConfigError naming ``initial_condition.<key>``) a centre outside the grid ``x``, a
    ``width`` below one cell, or a carrier wavenumber (keys ``wavenumbers``) above π/dx; before
    the field is evaluated, so no overflow warning precedes the error."""
    x = np.asarray(x, dtype=float)
    if x.size < 2:
        return
    dx = float(x[1] - x[0])
    width = getattr(ic, "width", None)
    if isinstance(width, float) and width < dx:
        raise ConfigError(
            source,
            "initial_condition.width",
            width,
            f"must be at least one grid cell dx = {dx:.6g} to be resolved on the grid "
            "(or raise grid.n_points)",
        )
    k_max = np.pi / dx
    for key in wavenumbers:
        value = getattr(ic, key, None)
        if isinstance(value, float) and not abs(value) <= k_max:
            raise ConfigError(
                source,
                f"initial_condition.{key}",
                value,
                f"is a carrier wavenumber; the grid resolves |k| <= pi/dx = {k_max:.6g} "
                "(raise grid.n_points for faster pulses)",
            )
    low, high = float(x[0]) - dx, float(x[-1]) + dx
    for key, positions in centres_of(ic).items():
        for position in positions:
            if not low <= position <= high:
                raise ConfigError(
                    source,
                    f"initial_condition.{key}",
                    getattr(ic, key, position),
                    f"places the {ic.type_name} at x = {position:.6g}, outside the domain "
                    f"[{x[0]:.6g}, {x[-1]:.6g}]: only its tail would be on the grid; "
                    "choose a centre inside the domain",
                )


def check_not_vanishing(ic, fields: Mapping[str, np.ndarray], source: str) -> None:
    """Refuse a localised closed-form field that is zero at every grid point although its
    ``amplitude`` (when it has one) is not zero (see the module docstring)."""
    if not centres_of(ic) or getattr(ic, "amplitude", 1.0) == 0:
        return
    if all(not np.any(np.asarray(values)) for values in fields.values()):
        raise ConfigError(
            source,
            "initial_condition",
            ic.type_name,
            "is zero at every grid point (" + ", ".join(fields) + "): the structure is not "
            "resolved on the grid; check its width and amplitude against grid.n_points",
        )


def check_finite_invariants(model, source: str):
    """Refuse a model whose initial state has a non-finite invariant (the field is too large for
    double precision: |f|² or the energy density overflows); returns ``model``. The overflow is
    computed silently here, since it is reported as the error."""
    with np.errstate(all="ignore"):
        state = model.initial_state()
        values = {name: float(value) for name, value in model.invariants(state).items()}
    bad = [name for name, value in values.items() if not np.isfinite(value)]
    if bad:
        ic = model.cfg.initial_condition
        raise ConfigError(
            source,
            "initial_condition",
            ic.type_name,
            f"gives an initial state whose {', '.join(bad)} is not finite: the field is too large "
            "for double precision (reduce its amplitude)",
        )
    return model


def check_grid_fits_memory(cfg, bytes_per_point: float) -> None:
    """Refuse a grid whose state alone (``bytes_per_point`` per grid point) exceeds the memory
    available now, before anything is allocated (exit 2 on ``grid.n_points``). ``simsuite
    validate`` builds the model without the runner's ``run.max_memory`` check, and a per-axis
    ``n_points`` of 2^24 makes 2^48 points in 3D."""
    from simsuite.memory import available_memory

    counts = list(cfg.grid.axes()[2])
    n = math.prod(counts)
    available = available_memory()
    if available is not None and bytes_per_point * n > available:
        raise ConfigError(
            cfg.source,
            "grid.n_points",
            counts,
            f"gives {n:.4g} grid points, whose state alone needs "
            f"{bytes_per_point * n / 2**30:.4g} GiB; {available / 2**30:.4g} GiB are available",
        )


def check_ic_dims(ic, source: str, prefix: str, ndim: int) -> None:
    """An initial condition ``ic`` (a registered config type with ``dims``, the grid dimensions
    it is defined on) fits an ``ndim``-dimensional grid: its type is defined there and every
    per-axis array has ``ndim`` entries (none on a 1D grid). Exit 2 naming the key otherwise."""
    if ndim not in ic.dims:
        names = sorted(n for n, c in ic.registry.items() if ndim in c.dims)
        raise ConfigError(
            source,
            f"{prefix}.type",
            ic.type_name,
            f"is not defined on {ndim}D grids; on a {ndim}D grid use one of " + ", ".join(names),
        )
    for f in config_fields(type(ic)):
        value = getattr(ic, f.name)
        if isinstance(value, tuple) and len(value) != ndim:
            raise ConfigError(
                source,
                f"{prefix}.{key_of(f)}",
                list(value),
                f"needs {ndim} entries (one per axis of the {ndim}D grid) or a single number"
                if ndim > 1
                else "takes a single number on a 1D grid (per-axis arrays need a 2D or 3D "
                "grid: arrays in grid.x_min, grid.x_max, grid.n_points)",
            )
