"""The (1+1)D nonlinear Klein–Gordon equation, pseudo-spectral in x.

.. math:: φ_{tt} − φ_{xx} + V′(φ) = 0,

with V linear (½m²φ²), φ⁴ ((λ/4)(φ² − v²)²), sine-Gordon (m²(1 − cos φ)) or a custom expression
(:mod:`~simsuite.models.klein_gordon.potentials`). The state is the pair (φ, π = φ_t) on the grid, an array of
shape (2, n). φ_xx is spectral in the basis of the boundary condition (:mod:`simsuite.spectral.bases`:
periodic with an optional winding, antiperiodic, Neumann, Dirichlet).

The model supplies three views of the same equation:

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

import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from simsuite.config import (
    ConfigError,
    IntegratorSection,
    ModelSection,
    RunConfig,
    TimeSection,
    param,
    section,
)
from simsuite.integrators import get_integrator
from simsuite.integrators.compiled_kick_drift import kick_rotate
from simsuite.integrators.second_order import KickDriftKernels, ModalKernels
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
    check_not_vanishing,
)
from simsuite.models.klein_gordon import kernels as kg_kernels
from simsuite.models.klein_gordon.initial import Gaussian, KGContext, KGInitialCondition
from simsuite.models.klein_gordon.kernels import scaled_sum_into
from simsuite.models.klein_gordon.potentials import Custom, Linear, Phi4, Potential, SineGordon
from simsuite.spectral import fftw_numba
from simsuite.spectral.bases import FieldBasis, PeriodicBasis, make_basis
from simsuite.spectral.grids import BOUNDARY_CHOICES, GridSection, fft_workers

POTENTIALS = ("linear", "phi4", "sine_gordon", "custom")
_ENERGY_SCALE = (
    "E_s = integral of phi_t^2/2 + phi_x^2/2 + |V(phi)| dx at t = 0 (= energy[0] when V >= 0)"
)


@dataclass(frozen=True)
class PotentialSection:
    """``[potential]`` of the Klein–Gordon model."""

    name: str = param("phi4", choices=POTENTIALS, doc="linear, phi4, sine_gordon or custom")
    mass: float = param(
        1.0,
        ge=0.0,
        doc="m of the linear (m^2 phi^2/2) and sine_gordon (m^2 (1 - cos phi)) potentials",
    )
    lambda_: float = param(2.0, gt=0.0, doc="lambda of phi4: V = lambda/4 (phi^2 - v^2)^2")
    vacuum: float = param(
        1.0,
        doc="phi4: the vacuum v > 0 (kink width sqrt(2)/(sqrt(lambda) v)); custom: the vacuum "
        "about which the linear part m^2 = V''(vacuum) is taken",
    )
    V: str = param("0.5*phi**2", doc="custom: V(phi), an expression in phi")
    dV: str = param("phi", doc="custom: V'(phi), an expression in phi (checked against V)")

    def check(self, source: str) -> None:
        if self.name == "sine_gordon" and not self.mass > 0:
            raise ConfigError(source, "potential.mass", self.mass, "must be > 0 for sine_gordon")
        if self.name == "phi4" and not self.vacuum > 0:
            raise ConfigError(source, "potential.vacuum", self.vacuum, "must be > 0 for phi4")
        if self.name != "custom":
            return
        from simsuite import expressions

        for key in ("V", "dV"):
            try:  # parse, and compute once: some errors (1j % 2) only show when computed
                expressions.evaluate(getattr(self, key), {"phi": np.linspace(-3.0, 3.0, 7)})
            except expressions.ExpressionError as exc:
                raise ConfigError(
                    source, f"potential.{key}", getattr(self, key), str(exc)
                ) from None
        mismatch = self.build().derivative_mismatch()
        if not mismatch < 1e-5:
            raise ConfigError(
                source,
                "potential.dV",
                self.dV,
                f"must be the derivative of potential.V = {self.V!r} "
                + (
                    f"(they differ by {mismatch:.2g} on -3 <= phi <= 3)"
                    if np.isfinite(mismatch)
                    else "(V or dV is not finite somewhere on -3 <= phi <= 3)"
                ),
            )

    def build(self) -> Potential:
        if self.name == "linear":
            return Linear(self.mass)
        if self.name == "phi4":
            return Phi4(self.lambda_, self.vacuum)
        if self.name == "sine_gordon":
            return SineGordon(self.mass)
        return Custom(self.V, self.dV, self.vacuum)


@dataclass(frozen=True)
class KGConfig(RunConfig):
    """Run config of the Klein–Gordon model."""

    model: ModelSection = section(lambda: ModelSection(name="klein_gordon"))
    time: TimeSection = section(lambda: TimeSection(t_final=50.0, dt=0.01, n_snapshots=101))
    integrator: IntegratorSection = section(lambda: IntegratorSection(method="yoshida4"))
    grid: GridSection = section(lambda: GridSection(x_min=-30.0, x_max=30.0))
    potential: PotentialSection = section(PotentialSection)
    initial_condition: KGInitialCondition = section(Gaussian)

    def check(self) -> None:
        super().check()
        self.check_integrator(KleinGordon.integrators, "klein_gordon")
        self.grid.check(
            self.source,
            "klein_gordon",
            boundaries=KleinGordon.boundaries,
            windings=True,
            ic_name=self.initial_condition.type_name,
        )
        self.potential.check(self.source)
        ic = self.initial_condition
        if ic.potentials and self.potential.name not in ic.potentials:
            raise ConfigError(
                self.source,
                "initial_condition.type",
                ic.type_name,
                "needs potential.name = "
                + " or ".join(repr(p) for p in ic.potentials)
                + f" (is {self.potential.name!r})",
            )
        ic.check(self.source, "initial_condition")


class KGProblem:
    """The Klein–Gordon operators on one basis (see the module docstring).

    Parameters
    ----------
    basis : FieldBasis
    potential : Potential
    mask : ndarray or None
        Mode filter applied to V′(φ) (dealiasing), or None.
    max_field : float
        Largest |φ| expected (the initial one), for the stability estimate ``max_frequency``.
    """

    filter_each_step = False

    def __init__(
        self, basis: FieldBasis, potential: Potential, mask: np.ndarray | None, max_field: float
    ):
        self.basis = basis
        self.potential = potential
        self.mask = mask
        self.mass2 = max(float(potential.mass2), 0.0)
        self.omega = np.sqrt(basis.k**2 + self.mass2)
        curvature = potential.max_curvature(-max_field, max_field)
        self.max_frequency = math.sqrt(basis.k_max * basis.k_max + max(curvature, 0.0))
        self._flow_cache: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        n = basis.x.size
        self._zeros = np.zeros(n)
        # first-order form for the Runge–Kutta methods: y = (φ, π), y' = (π, a(φ)), no linear part
        self.linear = np.zeros((2, n))

    # -- second-order view -------------------------------------------------------------------------
    def _potential_force(self, phi: np.ndarray) -> np.ndarray:
        """−V′(φ), filtered when a mask is set."""
        force = -self.potential.dV(phi)
        if self.mask is None:
            return force
        return self.basis.apply_filter(force, self.mask, subtract_reference=False)

    def acceleration(self, phi: np.ndarray) -> np.ndarray:
        """a(φ) = φ_xx − V′(φ)."""
        lap = self.basis.laplacian(phi)
        if self.mask is None:
            return self.potential.force_into(lap, lap, phi)  # elementwise: in place is safe
        return lap + self._potential_force(phi)

    def remainder(self, phi: np.ndarray) -> np.ndarray:
        """a(φ) − A(φ − φ_ref) = m²(φ − φ_ref) − V′(φ)."""
        ref = self.basis.reference
        shifted = phi if ref is None else phi - ref
        return self.mass2 * shifted + self._potential_force(phi)

    def linear_flow(self, phi: np.ndarray, pi: np.ndarray, h: float):
        """Exact flow over h of φ_tt = φ_xx − m²(φ − φ_ref), mode by mode:
        a ← a cos ωh + b sin(ωh)/ω, b ← −a ω sin ωh + b cos ωh, ω² = k² + m²."""
        cos, sin_over, minus_w_sin = self._flow_factors(h)
        a = self.basis.to_modes(phi)
        b = self.basis.to_modes(pi, subtract_reference=False)
        a_new = cos * a + sin_over * b
        b_new = minus_w_sin * a + cos * b
        return self.basis.from_modes(a_new), self.basis.from_modes(b_new, add_reference=False)

    # -- modal view (the exponential methods keep (φ, π) as mode coefficients between kicks) ------
    def to_modal(self, phi: np.ndarray, pi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mode coefficients (a, b) of φ − φ_ref and π."""
        return self.basis.to_modes(phi), self.basis.to_modes(pi, subtract_reference=False)

    def from_modal(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(φ, π) on the grid from their mode coefficients (φ_ref added back)."""
        return self.basis.from_modes(a), self.basis.from_modes(b, add_reference=False)

    def modal_kick_flow(self, a: np.ndarray, b: np.ndarray, g: np.ndarray, c: float, h: float):
        """In place, the kick b ← b + c·g followed by the exact flow over h of
        φ_tt = φ_xx − m²(φ − φ_ref) on the modes (as :meth:`linear_flow`, without the transforms;
        one pass)."""
        cos, sin_over, minus_w_sin = self._flow_factors(h)
        kick_rotate(a, b, g, c, cos, sin_over, minus_w_sin)

    def modal_remainder(self, a: np.ndarray) -> np.ndarray:
        """Modes of g(φ) = m²(φ − φ_ref) − V′(φ) for φ with modes ``a``: m² a + modes of −V′(φ)
        (filtered when a mask is set); one inverse and one forward transform."""
        plan = getattr(self.basis, "plan", None)
        if plan is not None:  # one pass through the plan's buffers, no copies
            phi = plan.field(a)
            if self.basis.reference is not None:
                phi += self.basis.reference
            self.potential.force_into(phi, self._zeros, phi)  # elementwise: in place is safe
            force = np.empty_like(a)
            scaled_sum_into(force, plan.modes_of_field(), self.mask, self.mass2, a)
            return force
        phi = self.basis.from_modes(a)
        minus_dv = self.potential.force_into(phi, self._zeros, phi)
        force = self.basis.to_modes(minus_dv, subtract_reference=False)
        scaled_sum_into(force, force, self.mask, self.mass2, a)
        return force

    def _flow_factors(self, h: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """cos ωh, sin(ωh)/ω and −ω sin ωh per mode, cached per step size."""
        factors = self._flow_cache.get(h)
        if factors is None:
            if len(self._flow_cache) >= 16:  # the sub-steps of a composition: a handful of sizes
                self._flow_cache.clear()
            wh = self.omega * h
            sin_over = h * np.sinc(wh / np.pi)  # sin(ωh)/ω, = h at ω = 0
            factors = (np.cos(wh), sin_over, -(self.omega**2) * sin_over)
            self._flow_cache[h] = factors
        return factors

    # -- compiled kernels (simsuite.models.klein_gordon.kernels) -------------------------------------
    @cached_property
    def _compiled(self) -> dict[str, Any] | None:
        """The compiled kernels' arguments that describe the equation, or None where they do not
        apply: another basis than periodic, a custom potential, ``run.fft`` other than FFTW's
        estimate plans, or no FFTW library for compiled code."""
        basis, pot = self.basis, self.potential
        if not isinstance(basis, PeriodicBasis) or basis.plan.backend != "fftw":
            return None
        if not fftw_numba.available():
            return None
        if isinstance(pot, Phi4):
            kind, c1, c2 = kg_kernels.PHI4, pot.lam, pot.vacuum * pot.vacuum
        elif isinstance(pot, SineGordon):
            kind, c1, c2 = kg_kernels.SINE_GORDON, pot.mass2, 0.0
        elif isinstance(pot, Linear):
            kind, c1, c2 = kg_kernels.LINEAR, pot.mass2, 0.0
        else:
            return None
        plan = fftw_numba.RealPlan(basis.n)
        empty = np.empty(0)
        c = {
            "ref": empty if basis.reference is None else np.ascontiguousarray(basis.reference),
            "mask": empty if self.mask is None else np.ascontiguousarray(self.mask, dtype=float),
            "potential": (kind, float(c1), float(c2)),
            "plan": plan,  # owns the buffers and plans that the kernels' params point to
        }
        params = kg_kernels.params(
            c["ref"], basis.minus_k2, c["mask"], c["potential"], self.mass2, plan.args
        )
        modal = ModalKernels(
            modes_into=kg_kernels.modes_into,
            fields_into=kg_kernels.fields_into,
            remainder_into=kg_kernels.modal_remainder_into,
            flow_factors=self.stacked_flow_factors,
        )
        c["kernels"] = KickDriftKernels(kg_kernels.force_into, params, modal)
        return c

    def __getstate__(self) -> dict[str, Any]:
        """Without the compiled kernels: their params point into this process's FFTW plans, and
        a copy plans anew when it first needs them."""
        state = self.__dict__.copy()
        if state.get("_compiled") is not None:
            del state["_compiled"]
        return state

    @property
    def kernels(self) -> KickDriftKernels | None:
        """The compiled kernels the kick–drift integrators run whole steps on
        (:mod:`~simsuite.models.klein_gordon.kernels`), or None where they do not apply (see
        ``_compiled``)."""
        c = self._compiled
        return None if c is None else c["kernels"]

    @property
    def compiled_steps(self) -> bool:
        """Whether :attr:`kernels` are offered (for tests and benchmarks)."""
        return self._compiled is not None

    def stacked_flow_factors(self, drifts: tuple[float, ...]):
        """:meth:`_flow_factors` of each drift, stacked into three (m, modes) arrays."""
        cache = self.__dict__.setdefault("_stacked_cache", {})
        stacked = cache.get(drifts)
        if stacked is None:
            if len(cache) >= 4:
                cache.clear()
            rows = [self._flow_factors(h) for h in drifts]
            stacked = tuple(np.ascontiguousarray([r[i] for r in rows]) for i in range(3))
            cache[drifts] = stacked
        return stacked

    # -- first-order view (dop853) -----------------------------------------------------------------
    def nonlinear(self, y: np.ndarray) -> np.ndarray:
        """(π, a(φ)) for y = (φ, π)."""
        return np.stack((y[1], self.acceleration(y[0])))

    def filter(self, y: np.ndarray) -> np.ndarray:
        return y

    # -- diagnostics -------------------------------------------------------------------------------
    def invariants(self, y: np.ndarray) -> dict[str, float]:
        """Energy and momentum. The gradient energy ½∫φ_x² is evaluated as
        ½(s² L − ∫ w w_xx dx), w = φ − φ_ref (s the slope of φ_ref; integration by parts with w
        satisfying the boundary condition), i.e. by Parseval with every mode the dynamics uses —
        the Nyquist mode included, which a pointwise spectral φ_x drops for even n."""
        basis = self.basis
        phi, pi = y[0], y[1]
        c = self._compiled
        if c is not None and np.ndim(phi) == 1:  # the same sums, by Parseval, compiled
            energy, momentum = kg_kernels.energy_momentum(
                np.ascontiguousarray(phi, dtype=float), np.ascontiguousarray(pi, dtype=float),
                c["ref"], basis.reference_slope, basis.dx, basis.k, basis.k_odd, *c["potential"],
                *c["plan"].args[:4],
            )  # fmt: skip
            return {"energy": float(energy), "momentum": float(momentum)}
        ref = basis.reference
        w = phi if ref is None else phi - ref
        lap, grad = basis.laplacian_and_gradient(phi)
        gradient_energy = 0.5 * (basis.reference_slope**2 * basis.length - basis.integrate(w * lap))
        energy = basis.integrate(0.5 * pi**2 + self.potential.V(phi)) + gradient_energy
        return {"energy": energy, "momentum": -basis.integrate(pi * grad)}

    def energy_scale(self, y: np.ndarray) -> float:
        """E_s = ∫ (½φ_t² + ½φ_x² + |V(φ)|) dx: the energy of :meth:`invariants` (same derivatives
        and quadrature) plus ∫ (|V| − V) dx, so E_s = E exactly where V ≥ 0 (every built-in
        potential). E_s ≥ |E|, and E_s ≥ |P| since |φ_t φ_x| ≤ ½(φ_t² + φ_x²) (unit wave speed)."""
        v = self.potential.V(y[0])
        return float(self.invariants(y)["energy"] + self.basis.integrate(np.abs(v) - v))


class KleinGordon(Model):
    """(1+1)D nonlinear Klein–Gordon φ_tt − φ_xx + V′(φ) = 0; state (φ, φ_t) on the grid."""

    name = "klein_gordon"
    state_variables = ("phi", "phi_t")
    description = (
        "(1+1)D nonlinear Klein-Gordon phi_tt - phi_xx + V'(phi) = 0 (phi4, sine-Gordon...)"
    )
    config_class = KGConfig
    boundaries = BOUNDARY_CHOICES
    integrators = (
        "yoshida4",
        "verlet",
        "yoshida6",
        "yoshida8",
        "exponential_verlet",
        "exponential_yoshida4",
        "exponential_yoshida6",
        "blanes_moan4",
        "exponential_blanes_moan4",
        "dop853",
    )

    def __init__(self, cfg: KGConfig, problem: KGProblem, phi0: np.ndarray, pi0: np.ndarray):
        self.cfg = cfg
        self.problem = problem
        self.basis = problem.basis
        self.phi0 = phi0
        self.pi0 = pi0

    @classmethod
    def state_sizes(cls, cfg: KGConfig) -> dict[str, int]:
        return {"x": cfg.grid.n_points}

    @classmethod
    def memory_needs(cls, cfg: KGConfig) -> MemoryNeeds:
        """The state (φ, φ_t) is 2 n floats (16 n bytes); the Runge–Kutta view has L = 0 (no
        propagators). Own arrays, per grid point, counting the modes as complex (the
        antiperiodic basis; the others need less): x, k, ω, zeros, L (2), mask, φ_ref and k²
        (9 × 8), the twist and two FFT buffers (3 × 16); φ0, π0, the initial state and the
        snapshots' temporaries (12 × 8 + 2 × 16). A snapshot: φ and φ_t (2 × 8). The flow
        factors of the exponential methods are counted by the integrator, which knows its
        drifts."""
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
