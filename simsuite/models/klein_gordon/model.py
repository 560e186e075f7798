"""The (1+1)D nonlinear Klein–Gordon equation, pseudo-spectral in x.

.. math:: φ_{tt} − φ_{xx} + V′(φ) = 0,

with V linear (½m²φ²), φ⁴ ((λ/4)(φ² − v²)²), sine-Gordon (m²(1 − cos φ)) or a custom expression
(:mod:`~simsuite.models.klein_gordon.potentials`). The state is the pair (φ, π = φ_t) on the grid, an array of
shape (2, n). φ_xx is spectral in the basis of the boundary condition (:mod:`simsuite.spectral.bases`:
periodic with an optional winding, antiperiodic, Neumann, Dirichlet).

The operators are those of :class:`~simsuite.models.klein_gordon.problem.KGProblem`, the config
sections in :mod:`~simsuite.models.klein_gordon.config`. The problem supplies three views of the same
equation:

* second order, ``q'' = a(q)`` with a(φ) = φ_xx − V′(φ), for the symplectic integrators (Störmer–Verlet
  and its compositions);
* the linear part ``A = ∂_xx − m²`` (m² = V″ at the vacuum), solved exactly per mode, and the remainder
  a(φ) − A(φ − φ_ref) = m²(φ − φ_ref) − V′(φ), for ``exponential_verlet``;
* the first-order system y' = (π, a(φ)) with no linear part, for ``dop853``.

Diagnostics per snapshot (spectral derivatives, the quadrature of the basis): energy
E = ∫ (½φ_t² + ½φ_x² + V(φ)) dx, momentum P = −∫ φ_t φ_x dx and, for φ⁴ and sine-Gordon, the
topological charge Q = (φ(x_max) − φ(x_min))/Δ with Δ = 2v (φ⁴) or 2π (sine-Gordon), from the field
at the two ends of the grid.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from simsuite.config import ConfigError
from simsuite.integrators import get_integrator
from simsuite.models.base import (
    PROBE_DIM,
    Coordinate,
    MemoryNeeds,
    Model,
    VariableSpec,
    check_probe,
)
from simsuite.models.initial_checks import (
    check_centres,
    check_finite_invariants,
    check_grid_fits_memory,
    check_not_vanishing,
)
from simsuite.models.klein_gordon.config import INTEGRATORS, KGConfig, PotentialSection
from simsuite.models.klein_gordon.initial import KGContext
from simsuite.models.klein_gordon.nd import (
    KGProblemND,
    memory_needs_nd,
    real_mode_filter,
)
from simsuite.models.klein_gordon.nd_walls import KGProblemWallsND, WallGridND
from simsuite.models.klein_gordon.potentials import Phi4, SineGordon
from simsuite.models.klein_gordon.problem import KGProblem
from simsuite.models.nd_fields import FieldsOnGridND
from simsuite.spectral.bases import make_basis
from simsuite.spectral.grids import BOUNDARY_CHOICES, fft_workers
from simsuite.spectral.nd_grid import AXIS_NAMES, PeriodicGridND, grid_of, state_sizes_nd

__all__ = ["KleinGordon", "KleinGordonND", "KGConfig", "KGProblem", "PotentialSection"]

_ENERGY_SCALE = (
    "E_s = integral of phi_t^2/2 + phi_x^2/2 + |V(phi)| dx at t = 0 (= energy[0] when V >= 0)"
)


class KleinGordon(Model):
    """(1+1)D nonlinear Klein–Gordon φ_tt − φ_xx + V′(φ) = 0; state (φ, φ_t) on the grid."""

    name = "klein_gordon"
    state_variables = ("phi", "phi_t")
    field_variables = ("phi",)
    field_diagnostics = ("energy_entropy",)
    figures = (
        "spacetime",
        "snapshots",
        "invariants",
        "spectrum",
        "phase_portrait",
        "field_entropy",
    )
    animation = "field"
    description = (
        "(1+1)D nonlinear Klein-Gordon phi_tt - phi_xx + V'(phi) = 0 (phi4, sine-Gordon...)"
    )
    config_class = KGConfig
    boundaries = BOUNDARY_CHOICES
    integrators = INTEGRATORS

    def __init_subclass__(cls, **kwargs):
        """The N-D variant (:class:`KleinGordonND`) shares the model's name and is built by
        :meth:`from_config`: it stays out of the model registry."""
        super(Model, cls).__init_subclass__(**kwargs)

    def __init__(self, cfg: KGConfig, problem: KGProblem, phi0: np.ndarray, pi0: np.ndarray):
        self.cfg = cfg
        self.problem = problem
        self.basis = getattr(problem, "basis", None)
        self.phi0 = phi0
        self.pi0 = pi0

    @classmethod
    def state_sizes(cls, cfg: KGConfig) -> dict[str, int]:
        if cfg.grid.ndim > 1:
            return state_sizes_nd(cfg)
        return {"x": cfg.grid.n_points}

    @classmethod
    def memory_needs(cls, cfg: KGConfig) -> MemoryNeeds:
        """The state (φ, φ_t) is 2 n floats (16 n bytes); the Runge–Kutta view has L = 0 (no
        propagators). Own arrays, per grid point, counting the modes as complex (the
        antiperiodic basis; the others need less): x, k, ω, zeros, L (2), mask, φ_ref and k²
        (9 × 8), the twist and two FFT buffers (3 × 16); φ0, π0, the initial state and the
        snapshots' temporaries (12 × 8 + 2 × 16). A snapshot: φ and φ_t (2 × 8). The flow
        factors of the exponential methods are counted by the integrator, which knows its
        drifts. On 2D and 3D grids: :func:`~simsuite.models.klein_gordon.nd.memory_needs_nd`."""
        if cfg.grid.ndim > 1:
            return memory_needs_nd(cfg)
        n = cfg.grid.n_points
        return MemoryNeeds(
            state_bytes=16 * n,
            state_size=2 * n,
            parts={
                "grid, basis and FFT buffers": (9 * 8 + 3 * 16) * n,
                "initial state and snapshot temporaries": (12 * 8 + 2 * 16) * n,
            },
            snapshot_bytes=2 * 8 * n + 8 * 8,
            probe_values=2,
            linear=False,
        )

    @classmethod
    def from_config(cls, cfg: KGConfig) -> KleinGordon:
        """The model of ``cfg``: on a 2D or 3D grid (per-axis ``[grid]`` arrays) the
        :class:`KleinGordonND` variant."""
        if cfg.grid.ndim > 1:
            return KleinGordonND.from_config(cfg)
        g, source = cfg.grid, cfg.source
        potential = cfg.potential.build()
        base_dir = Path(source).parent if source not in ("", "<dict>") else Path.cwd()
        ic = cfg.initial_condition
        ends = np.array([g.x_min, g.x_max])
        jump = 2.0 * np.pi * g.winding
        left = right = None
        if ic.type_name == "from_file" and g.boundary == "dirichlet":
            raise ConfigError(
                source,
                "grid.boundary",
                g.boundary,
                "cannot take its end values from a file yet (the cell-centred grid holds no values "
                "at the ends); use 'neumann' or 'antiperiodic' to continue a kink run",
            )
        check_centres(ic, np.linspace(g.x_min, g.x_max, g.n_points), source)
        if ic.type_name != "from_file":
            phi_ends, _ = ic.evaluate(KGContext(ends, potential, base_dir, source))
            _check_boundary(cfg, phi_ends, jump)
            left, right = float(phi_ends[0]), float(phi_ends[1])
        kwargs: dict[str, Any] = {"workers": fft_workers(cfg.run.threads), "fft": cfg.run.fft}
        if g.boundary == "dirichlet":
            kwargs.update(left=left or 0.0, right=right or 0.0)
        if g.winding:
            kwargs["jump"] = jump
        basis = make_basis(g.boundary, g.x_min, g.x_max, g.n_points, **kwargs)
        check_probe(source, cfg.diagnostics.probe_x, g.x_min, g.x_max)
        phi0, pi0 = ic.evaluate(KGContext(basis.x, potential, base_dir, source))
        phi0, pi0 = np.array(phi0, dtype=float), np.array(pi0, dtype=float)
        if not (np.all(np.isfinite(phi0)) and np.all(np.isfinite(pi0))):
            raise ConfigError(
                source, "initial_condition", ic.type_name, "gives non-finite values on the grid"
            )
        check_not_vanishing(ic, {"phi": phi0, "phi_t": pi0}, source)
        mask = basis.mode_filter(g.dealias, g.filter_strength, g.filter_order)
        max_field = float(np.max(np.abs(phi0))) if phi0.size else 0.0
        problem = KGProblem(basis, potential, mask, max_field)
        _check_step(cfg, problem)
        return check_finite_invariants(cls(cfg, problem, phi0, pi0), source)

    def initial_state(self) -> np.ndarray:
        return np.stack((self.phi0, self.pi0))

    def observables(self, state: np.ndarray) -> dict[str, np.ndarray]:
        return {"phi": state[0], "phi_t": state[1]}

    @cached_property
    def _probe_weights(self) -> tuple[np.ndarray, float]:
        """Grid weights w of x_p and φ_ref(x_p) − w·φ_ref, so that φ(x_p) = w·φ + that."""
        basis, x_p = self.basis, self.cfg.diagnostics.probe_x
        weights = basis.cardinal(x_p)
        ref = basis.reference
        return weights, basis.reference_at(x_p) - (0.0 if ref is None else float(weights @ ref))

    def probe(self, state: np.ndarray) -> dict[str, float]:
        """φ and φ_t at x_p = ``diagnostics.probe_x`` from the expansion in the basis's own modes
        (Fourier, half-integer Fourier, cosine or sine series; φ_ref(x_p) added back for a
        winding or Dirichlet data), exact at any x_p, not the nearest grid point. The expansion
        is linear in the grid values, so it is one dot product with the grid weights of
        :meth:`~simsuite.spectral.bases.FieldBasis.cardinal` (no transform per sample)."""
        weights, offset = self._probe_weights
        return {
            "probe_phi": float(weights @ state[0]) + offset,
            "probe_phi_t": float(weights @ state[1]),
        }

    def probe_variables(self) -> dict[str, VariableSpec]:
        where = (("probe_x", self.cfg.diagnostics.probe_x),)
        return {
            "probe_phi": VariableSpec(
                (PROBE_DIM,), "field phi at the probe point x = probe_x", "1", False, attrs=where
            ),
            "probe_phi_t": VariableSpec(
                (PROBE_DIM,), "phi_t at the probe point x = probe_x", "1", False, attrs=where
            ),
        }

    def invariants(self, state: np.ndarray) -> dict[str, float]:
        out = self.problem.invariants(state)
        scale = self._charge_scale()
        if scale:  # φ is the full field (the winding ramp included)
            out["topological_charge"] = float((state[0][-1] - state[0][0]) / scale)
        return out

    def invariant_scales(self, state: np.ndarray) -> dict[str, float]:
        """Energy and momentum: E_s of :meth:`KGProblem.energy_scale`; topological charge: 1 (a
        charge unit, so its drift is absolute)."""
        energy = self.problem.energy_scale(state)
        scales = {"energy": energy, "momentum": energy}
        if self._charge_scale():
            scales["topological_charge"] = 1.0
        return scales

    def _charge_scale(self) -> float:
        pot = self.problem.potential
        if isinstance(pot, Phi4):
            return 2.0 * pot.vacuum
        if isinstance(pot, SineGordon):
            return 2.0 * np.pi
        return 0.0

    def coords(self) -> dict[str, Coordinate]:
        return {"x": Coordinate(self.basis.x, "position (dimensionless)", "1")}

    def variables(self) -> dict[str, VariableSpec]:
        specs = {
            "phi": VariableSpec(("t", "x"), "field phi", "1"),
            "phi_t": VariableSpec(("t", "x"), "time derivative of the field phi_t", "1"),
            "energy": VariableSpec(
                ("t",),
                "energy E = integral of phi_t^2/2 + phi_x^2/2 + V(phi) dx",
                "1",
                scale=_ENERGY_SCALE,
            ),
            "momentum": VariableSpec(
                ("t",),
                "momentum P = -integral of phi_t phi_x dx",
                "1",
                scale=_ENERGY_SCALE + "; |P| <= E_s for unit wave speed",
            ),
        }
        if self._charge_scale():
            specs["topological_charge"] = VariableSpec(
                ("t",),
                "topological charge (phi(x_max) - phi(x_min)) / (vacuum difference), from the "
                "field at the grid ends",
                "1",
                scale="1 (one charge unit: the drift is absolute)",
            )
        return specs

    def attrs(self) -> dict[str, Any]:
        pot = self.cfg.potential
        attrs = {
            "equation": "phi_tt - phi_xx + V'(phi) = 0",
            "potential": pot.name,
            "boundary": self.cfg.grid.boundary,
            "basis": self.basis.describe(),
            "x_min": self.cfg.grid.x_min,
            "x_max": self.cfg.grid.x_max,
            "dx": self.basis.dx,
            "n_points": self.cfg.grid.n_points,
            "winding": self.cfg.grid.winding,
            "dealias": self.cfg.grid.dealias,
            "initial_condition": self.cfg.initial_condition.type_name,
            "mass2_linear_part": self.problem.mass2,
            "max_frequency": self.problem.max_frequency,
        }
        if self.cfg.grid.boundary == "dirichlet":
            attrs.update(dirichlet_left=self.basis.left, dirichlet_right=self.basis.right)
        if pot.name == "phi4":
            attrs.update(**{"lambda": pot.lambda_, "vacuum": pot.vacuum})
        elif pot.name in ("linear", "sine_gordon"):
            attrs["mass"] = pot.mass
        else:
            attrs.update(V=pot.V, dV=pot.dV, vacuum=pot.vacuum)
        return attrs


def _check_boundary(cfg: KGConfig, phi_ends: np.ndarray, jump: float) -> None:
    """Refuse an initial field that does not fit the boundary condition (e.g. one kink on a
    periodic grid, whose seam would radiate into the domain)."""
    kind = cfg.grid.boundary
    left, right = float(phi_ends[0]), float(phi_ends[1])
    scale = max(1.0, abs(left), abs(right))
    tol = 1e-6 * scale
    if kind == "periodic" and abs(right - left - jump) > tol:
        mismatch = right - left - jump
        hint = "use grid.boundary = 'antiperiodic', 'neumann' or 'dirichlet'"
        turns = (right - left) / (2 * np.pi)
        if cfg.potential.name == "sine_gordon" and abs(turns) <= 1000:  # finite, an allowed winding
            hint = f"set grid.winding = {round(turns)} or " + hint
        raise ConfigError(
            cfg.source,
            "grid.boundary",
            kind,
            f"the initial field is not periodic: phi(x_min) = {left:.6g}, phi(x_max) = {right:.6g} "
            f"(mismatch {mismatch:.3g} after the winding jump {jump:.6g})",
            hint,
        )
    if kind == "antiperiodic" and abs(right + left) > tol:
        raise ConfigError(
            cfg.source,
            "grid.boundary",
            kind,
            f"the initial field is not antiperiodic: phi(x_min) = {left:.6g}, "
            f"phi(x_max) = {right:.6g} (need phi(x_max) = -phi(x_min))",
            "use 'periodic', 'neumann' or 'dirichlet'",
        )


def _check_step(cfg: KGConfig, problem: KGProblem) -> None:
    """Refuse a step above the stability limit of the chosen method, before the run."""
    cls = get_integrator(cfg.integrator.method)
    limit_of = getattr(cls, "stability_limit", None)
    if limit_of is None:
        return
    limit = limit_of(problem.max_frequency)
    if cfg.time.dt > limit:
        raise ConfigError(
            cfg.source,
            "time.dt",
            cfg.time.dt,
            f"must be at most {limit:.4g}, the stability limit of {cfg.integrator.method} for "
            f"k_max = {problem.basis.k_max:.4g} and max V'' over the initial field "
            f"(max frequency {problem.max_frequency:.4g})",
            "reduce time.dt or grid.n_points, or use integrator.method = 'exponential_verlet'",
        )


class KleinGordonND(FieldsOnGridND, KleinGordon):
    """φ_tt − ∇²φ + V′(φ) = 0 on a 2D or 3D grid, periodic (:mod:`~simsuite.models.klein_gordon.nd`)
    or with Neumann or Dirichlet walls (:mod:`~simsuite.models.klein_gordon.nd_walls`); the model
    ``klein_gordon`` with per-axis ``[grid]`` arrays. State (φ, φ_t) of shape ``(2, n_y, n_x)`` or
    ``(2, n_z, n_y, n_x)``. Invariants: energy and, periodic only, the momentum vector; no probe
    series (``diagnostics.probe_x`` is 1D) and no topological charge."""

    grid: PeriodicGridND | WallGridND
    problem: KGProblemND | KGProblemWallsND  # type: ignore[assignment]
    density_long_name = "energy density phi_t^2/2 + |grad phi|^2/2 + V(phi)"

    @classmethod
    def from_config(cls, cfg: KGConfig) -> KleinGordonND:
        source = cfg.source
        check_grid_fits_memory(cfg, 16.0)  # the state (φ, φ_t)
        grid = grid_of(cfg)
        potential = cfg.potential.build()
        base_dir = Path(source).parent if source not in ("", "<dict>") else Path.cwd()
        ic = cfg.initial_condition
        walls = cfg.grid.boundary != "periodic"
        if walls:
            grid = _wall_grid(cfg, grid, potential, base_dir)
        _check_placement(ic, grid, source)
        ctx = KGContext(
            grid.coordinates[0], potential, base_dir, source, grid.coordinates, grid.lengths
        )
        phi0, pi0 = ic.evaluate_nd(ctx)
        phi0 = np.array(np.broadcast_to(phi0, grid.shape), dtype=float)
        pi0 = np.array(np.broadcast_to(pi0, grid.shape), dtype=float)
        if not (np.all(np.isfinite(phi0)) and np.all(np.isfinite(pi0))):
            raise ConfigError(
                source, "initial_condition", ic.type_name, "gives non-finite values on the grid"
            )
        if (
            ic.type_name not in ("expression", "from_file")
            and getattr(ic, "amplitude", 1.0) != 0
            and not (np.any(phi0) or np.any(pi0))
        ):
            raise ConfigError(
                source,
                "initial_condition",
                ic.type_name,
                "is zero at every grid point: the structure is not resolved on the grid; check "
                "its width and amplitude against grid.n_points",
            )
        g = cfg.grid
        max_field = float(np.max(np.abs(phi0)))
        problem: KGProblemND | KGProblemWallsND
        if walls:
            mask = grid.mode_filter(g.dealias, g.filter_strength, g.filter_order)
            problem = KGProblemWallsND(grid, potential, mask, max_field)
        else:
            mask = real_mode_filter(grid, g.dealias, g.filter_strength, g.filter_order)
            problem = KGProblemND(grid, potential, mask, max_field)
        model = cls(cfg, problem, phi0, pi0)  # type: ignore[arg-type]
        model.grid = grid
        _check_step_nd(cfg, problem)
        return check_finite_invariants(model, source)

    def invariants(self, state: np.ndarray) -> dict[str, float]:
        return self.problem.invariants(state)

    def invariant_scales(self, state: np.ndarray) -> dict[str, float]:
        """E_s of :meth:`KGProblemND.energy_scale` for the energy and every momentum component."""
        energy = self.problem.energy_scale(state)
        return {name: energy for name in self.problem.invariants(state)}

    def density(self, state: np.ndarray) -> np.ndarray:
        """The energy density e = ½φ_t² + ½|∇φ|² + V(φ) on the grid (shape of the grid)."""
        return self.problem.energy_density(state)

    def variables(self) -> dict[str, VariableSpec]:
        specs = {
            "phi": VariableSpec(self._dims, "field phi", "1"),
            "phi_t": VariableSpec(self._dims, "time derivative of the field phi_t", "1"),
            "energy": VariableSpec(
                ("t",),
                "energy E = integral of phi_t^2/2 + |grad phi|^2/2 + V(phi) dV",
                "1",
                scale=_ENERGY_SCALE_ND,
            ),
        }
        if self.cfg.grid.boundary != "periodic":
            return specs  # walls break translations: no momentum
        for name in AXIS_NAMES[: self.grid.ndim]:
            specs[f"momentum_{name}"] = VariableSpec(
                ("t",),
                f"momentum P_{name} = -integral of phi_t dphi/d{name} dV",
                "1",
                scale=_ENERGY_SCALE_ND + "; |P_i| <= E_s for unit wave speed",
            )
        return specs

    def attrs(self) -> dict[str, Any]:
        pot = self.cfg.potential
        attrs: dict[str, Any] = {
            "equation": "phi_tt - laplacian(phi) + V'(phi) = 0",
            "potential": pot.name,
            "boundary": self.cfg.grid.boundary,
        }
        if isinstance(self.grid, WallGridND):
            attrs["basis"] = self.grid.describe()
            if self.grid.kind == "dirichlet":
                attrs["dirichlet_wall_value"] = self.grid.wall_value
        attrs.update(self.grid_attrs())
        attrs.update(
            dealias=self.cfg.grid.dealias,
            initial_condition=self.cfg.initial_condition.type_name,
            mass2_linear_part=self.problem.mass2,
            max_frequency=self.problem.max_frequency,
        )
        if pot.name == "phi4":
            attrs.update(**{"lambda": pot.lambda_, "vacuum": pot.vacuum})
        elif pot.name in ("linear", "sine_gordon"):
            attrs["mass"] = pot.mass
        else:
            attrs.update(V=pot.V, dV=pot.dV, vacuum=pot.vacuum)
        return attrs


_ENERGY_SCALE_ND = (
    "E_s = integral of phi_t^2/2 + |grad phi|^2/2 + |V(phi)| dV at t = 0 (= energy[0] when V >= 0)"
)


#: N-D initial conditions built for a periodic box only.
_PERIODIC_ONLY = ("plane_wave", "stripe_kink")


def _wall_grid(cfg: KGConfig, periodic: PeriodicGridND, potential, base_dir: Path) -> WallGridND:
    """The Neumann or Dirichlet grid of ``cfg`` (same box and cells as ``periodic``); for
    Dirichlet, the wall value c is the initial field on the faces, refused unless it is one
    constant there (to 1e-6 relative)."""
    source, g, ic = cfg.source, cfg.grid, cfg.initial_condition
    if ic.type_name in _PERIODIC_ONLY:
        raise ConfigError(
            source,
            "initial_condition.type",
            ic.type_name,
            f"is built for a periodic box and does not fit grid.boundary = {g.boundary!r}; "
            "use gaussian, expression, gaussian_bubble or ring_kink",
        )
    x_min, x_max, n = g.axes()
    workers = periodic.workers
    if g.boundary == "neumann":
        return WallGridND.from_bounds("neumann", x_min, x_max, n, workers=workers)
    cells = WallGridND.from_bounds("dirichlet", x_min, x_max, n, workers=workers)
    faces = []
    for i in range(cells.ndim):  # the field on the two faces normal to axis i
        coords = list(cells.coordinates)
        coords[i] = cells.sparse(np.array([x_min[i], x_max[i]]), i)
        ctx = KGContext(coords[0], potential, base_dir, source, tuple(coords), cells.lengths)
        phi, _ = ic.evaluate_nd(ctx)
        faces.append(np.ravel(phi))
    values = np.concatenate(faces)
    low, high = float(np.min(values)), float(np.max(values))
    if not (np.isfinite(low) and np.isfinite(high)) or high - low > 1e-6 * max(
        1.0, abs(low), abs(high)
    ):
        raise ConfigError(
            source,
            "grid.boundary",
            g.boundary,
            f"needs the initial field constant on the walls (it fixes phi there); it ranges over "
            f"[{low:.6g}, {high:.6g}] on the faces",
            "use 'neumann', or an initial field that is flat at the walls",
        )
    value = 0.5 * (low + high)
    return WallGridND.from_bounds("dirichlet", x_min, x_max, n, value, workers)


def _check_placement(ic, grid: PeriodicGridND | WallGridND, source: str) -> None:
    """Refuse an N-D initial condition whose centre ``x0`` lies outside the box, or whose
    ``width`` or ``radius`` is below one grid cell on some axis (not resolved)."""
    d = grid.ndim
    if hasattr(ic, "x0"):
        for i, (c, axis) in enumerate(zip(ic.vector("x0", d), grid.axes, strict=True)):
            slack = axis.dx if isinstance(grid, PeriodicGridND) else 0.0  # walls: inside
            if not axis.x_min - slack <= c <= axis.x_max:
                raise ConfigError(
                    source,
                    "initial_condition.x0",
                    list(ic.x0) if isinstance(ic.x0, tuple) else ic.x0,
                    f"places the {ic.type_name} at {AXIS_NAMES[i]} = {c:.6g}, outside the box "
                    f"[{axis.x_min:.6g}, {axis.x_max:.6g}) of that axis",
                )
    for key in ("width", "radius"):
        if not hasattr(ic, key):
            continue
        sizes = ic.vector(key, d)
        for i, (size, axis) in enumerate(zip(sizes, grid.axes, strict=True)):
            if size < axis.dx:
                value = getattr(ic, key)
                raise ConfigError(
                    source,
                    f"initial_condition.{key}",
                    list(value) if isinstance(value, tuple) else value,
                    f"must be at least one grid cell d{AXIS_NAMES[i]} = {axis.dx:.6g} to be "
                    "resolved on the grid (or raise grid.n_points)",
                )


def _check_step_nd(cfg: KGConfig, problem: KGProblemND | KGProblemWallsND) -> None:
    """Refuse a step above the stability limit of the chosen method, before the run."""
    cls = get_integrator(cfg.integrator.method)
    limit_of = getattr(cls, "stability_limit", None)
    if limit_of is None:
        return
    limit = limit_of(problem.max_frequency)
    if cfg.time.dt > limit:
        k_max = float(np.sqrt(sum(k * k for k in problem.grid.k_max)))
        raise ConfigError(
            cfg.source,
            "time.dt",
            cfg.time.dt,
            f"must be at most {limit:.4g}, the stability limit of {cfg.integrator.method} for "
            f"|k|_max = {k_max:.4g} and max V'' over the initial field "
            f"(max frequency {problem.max_frequency:.4g})",
            "reduce time.dt or grid.n_points, or use integrator.method = 'exponential_verlet'",
        )
