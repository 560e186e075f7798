"""The 1D nonlinear Schrödinger equation on a periodic domain, pseudo-spectral in x.

.. math:: i ψ_t + ½ ψ_{xx} + g |ψ|² ψ = 0,

g = ``equation.nonlinearity`` (+1 focusing, −1 defocusing). In Fourier space (ψ̂ = FFT ψ) this is the
semilinear system ψ̂_t = L ψ̂ + N(ψ̂) with L = −i k²/2 (diagonal, solved exactly by integrating-factor and
splitting methods) and N(ψ̂) = FFT(i g |ψ|² ψ), evaluated pseudo-spectrally. The exact flow of the
nonlinear part alone is ψ ↦ ψ·exp(i g |ψ|² h), since |ψ| is constant under it.

Invariants (spectral derivatives, Parseval): mass N = ∫|ψ|² dx, momentum P = ∫ Im(ψ* ψ_x) dx,
Hamiltonian H = ∫ (½|ψ_x|² − ½ g |ψ|⁴) dx.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import scipy.fft as sfft

from simsuite.config import (
    ConfigError,
    IntegratorSection,
    ModelSection,
    RunConfig,
    TimeSection,
    param,
    section,
)
from simsuite.integrators.base import SemilinearKernels
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
from simsuite.models.nd_fields import FieldsOnGridND
from simsuite.models.nlse import kernels as nlse_kernels
from simsuite.models.nlse.cubic import CubicTerms
from simsuite.models.nlse.initial import ICContext, NLSEInitialCondition, SingleSoliton
from simsuite.models.nlse.nd import (
    ND_INTEGRATORS,
    NLSEProblemND,
    memory_needs_nd,
    nlse_invariants_nd,
    nlse_scales_nd,
)
from simsuite.models.nlse.potential_section import PotentialSection
from simsuite.spectral import fftw_numba
from simsuite.spectral.fft import THREADS_FROM, ComplexFFT
from simsuite.spectral.grids import GridSection, PeriodicGrid, dealias_filter, fft_workers
from simsuite.spectral.nd_grid import AXIS_NAMES, PeriodicGridND, grid_of, state_sizes_nd

#: Growth of the peak density max|ψ|² over its initial value from which a field that leaves the
#: grid's resolution counts as a collapse (:meth:`NLSEND.stop_reason`).
COLLAPSE_PEAK_GROWTH = 2.0

#: Initial-condition keys that are carrier wavenumbers (ψ ∝ e^{ivx}), at most π/dx.
NLSE_WAVENUMBERS = ("velocity", "velocity1", "velocity2")


@dataclass(frozen=True)
class EquationSection:
    """``[equation]`` of the NLSE."""

    nonlinearity: float = param(
        1.0, doc="g in i psi_t + psi_xx/2 + g |psi|^2 psi = 0 (+1 focusing, -1 defocusing)"
    )
    collapse_threshold: float = param(
        1e-3,
        ge=0.0,
        lt=1.0,
        doc="2D/3D grids with g > 0: stop the run (exit 1, a message saying collapse) at the first "
        "snapshot where this fraction of the spectral power lies in the outer band of "
        "wavenumbers (max_i |k_i|/k_max_i above half the dealiased range) and the peak |psi|^2 has "
        "at least doubled: the field has left the grid's resolution; 0 = never stop",
    )


@dataclass(frozen=True)
class NLSEConfig(RunConfig):
    """Run config of the NLSE model."""

    model: ModelSection = section(lambda: ModelSection(name="nlse"))
    time: TimeSection = section(lambda: TimeSection(t_final=20.0, dt=0.01, n_snapshots=101))
    integrator: IntegratorSection = section(lambda: IntegratorSection(method="dop853"))
    grid: GridSection = section(GridSection)
    equation: EquationSection = section(EquationSection)
    initial_condition: NLSEInitialCondition = section(SingleSoliton)
    potential: PotentialSection = section(PotentialSection)

    def check(self) -> None:
        super().check()
        self.check_integrator(NLSE.integrators, "nlse")
        self.grid.check(
            self.source,
            "nlse",
            boundaries=NLSE.boundaries,
            period=self.initial_condition.period(),
            ic_name=self.initial_condition.type_name,
            max_dims=3,
        )
        ndim = self.grid.ndim
        if ndim > 1 and self.integrator.method not in ND_INTEGRATORS:
            raise ConfigError(
                self.source,
                "integrator.method",
                self.integrator.method,
                f"is not available on a {ndim}D grid; the nlse model on 2D and 3D grids "
                "supports " + ", ".join(ND_INTEGRATORS),
            )
        self.potential.check(self.source, ndim)
        self.initial_condition.check_dims(self.source, "initial_condition", ndim)


class NLSEProblem(CubicTerms):
    """The NLSE as a semilinear problem in Fourier space (see the module docstring).

    Parameters
    ----------
    grid : PeriodicGrid
    nonlinearity : float
        g.
    mask : ndarray or None
        Dealiasing multiplier applied to the Fourier transform of every nonlinear evaluation and flow.
    """

    filter_each_step = False

    def __init__(
        self,
        grid: PeriodicGrid,
        nonlinearity: float,
        mask: np.ndarray | None = None,
        fft_backend: str = "auto",
    ):
        self.grid = grid
        self.g = float(nonlinearity)
        self.mask = mask
        self.linear = -0.5j * grid.k**2
        self.workers = grid.workers
        self.fft = ComplexFFT(grid.n, grid.workers, fft_backend)

    def to_physical(self, u: np.ndarray) -> np.ndarray:
        return sfft.ifft(u, workers=self.workers)

    def to_spectral(self, psi: np.ndarray) -> np.ndarray:
        return sfft.fft(psi, workers=self.workers)

    # -- compiled N for the integrators' compiled loops -------------------------------------------
    @cached_property
    def _compiled(self) -> tuple[fftw_numba.ComplexPlan, np.ndarray] | None:
        """The FFTW plan and mask (empty for none) of the compiled kernel, or None where it does
        not apply: ``run.fft`` other than FFTW's estimate plans (whose results the compiled plans
        reproduce), threaded transforms (``run.threads > 1`` from n = THREADS_FROM on; the
        compiled plans are single-threaded), or no FFTW library for compiled code."""
        if self.fft.backend != "fftw" or not fftw_numba.available():
            return None
        if self.workers > 1 and self.grid.n >= THREADS_FROM:
            return None
        mask = np.empty(0) if self.mask is None else np.array(self.mask, dtype=float)
        return fftw_numba.ComplexPlan(self.grid.n), mask

    @property
    def kernels(self) -> SemilinearKernels | None:
        """N compiled (:func:`~simsuite.models.nlse.kernels.nonlinear_into`, bit for bit
        :meth:`nonlinear`) for the integrators' compiled loops, or None where it does not apply."""
        if self._compiled is None:
            return None
        plan, mask = self._compiled
        return SemilinearKernels(
            nlse_kernels.nonlinear_into,
            (self.g, self.fft.inverse_scale, mask, *plan.args),
            buffer=plan.spectral,
        )

    @property
    def compiled_steps(self) -> bool:
        """Whether :attr:`kernels` is available."""
        return self._compiled is not None


class NLSE(Model):
    """1D NLSE i ψ_t + ½ ψ_xx + g|ψ|²ψ = 0, Fourier pseudo-spectral, state = ψ̂ (FFT of ψ)."""

    name = "nlse"
    description = (
        "1D nonlinear Schrödinger equation i psi_t + psi_xx/2 + g|psi|^2 psi = 0 (periodic)"
    )
    config_class = NLSEConfig
    state_variables = ("psi_real", "psi_imag")
    field_variables = ("psi_real", "psi_imag")
    figures = (
        "spacetime",
        "snapshots",
        "invariants",
        "spectrum",
        "phase_portrait",
        "field_entropy",
    )
    animation = "field"
    boundaries = ("periodic",)
    integrators = (*ND_INTEGRATORS, "dop853_plain")  # the N-D ones and scipy's, 1D only

    def __init_subclass__(cls, **kwargs):
        """The N-D variant (:class:`NLSEND`) shares the model's name and
        is built by :meth:`from_config`: it stays out of the model registry."""
        super(Model, cls).__init_subclass__(**kwargs)

    def __init__(self, cfg: NLSEConfig, grid: PeriodicGrid, problem: NLSEProblem, psi0: np.ndarray):
        self.cfg = cfg
        self.grid = grid
        self.problem = problem
        self.psi0 = psi0

    @classmethod
    def state_sizes(cls, cfg: NLSEConfig) -> dict[str, int]:
        if cfg.grid.ndim > 1:
            return state_sizes_nd(cfg)
        return {"x": cfg.grid.n_points}

    @classmethod
    def memory_needs(cls, cfg: NLSEConfig) -> MemoryNeeds:
        """ψ̂ is n complex numbers (16 n bytes). Own arrays, per grid point: x, k, k_odd, k² and
        the mask (5 × 8 bytes), L, the probe weights, the two FFT buffers of the Python and the
        two of the compiled plan, FFTW's twiddle tables (7 × 16); ψ0, the initial state, the
        initial condition's and the snapshots' temporaries (ψ, |ψ̂|², |ψ|², products: 5 × 16 +
        4 × 8). A snapshot: Re ψ and Im ψ (2 × 8). On 2D and 3D grids:
        :func:`~simsuite.models.nlse.nd.memory_needs_nd`."""
        if cfg.grid.ndim > 1:
            return memory_needs_nd(cfg)
        n = cfg.grid.n_points
        return MemoryNeeds(
            state_bytes=16 * n,
            state_size=n,
            parts={
                "grid, operators and FFT buffers": (5 * 8 + 7 * 16) * n,
                "initial state and snapshot temporaries": (5 * 16 + 4 * 8) * n,
            },
            snapshot_bytes=2 * 8 * n + 8 * 8,
            probe_values=2,
            compiled=True,
        )

    @classmethod
    def from_config(cls, cfg: NLSEConfig) -> NLSE:
        """The model of ``cfg``: on a 2D or 3D grid (per-axis ``[grid]`` arrays) the
        :class:`NLSEND` variant."""
        if cfg.grid.ndim > 1:
            return NLSEND.from_config(cfg)
        g = cfg.grid
        x_min, x_max = g.domain(cfg.initial_condition.period())
        grid = PeriodicGrid(x_min, x_max, g.n_points, fft_workers(cfg.run.threads))
        check_probe(cfg.source, cfg.diagnostics.probe_x, x_min, x_max)
        mask = dealias_filter(grid.k, g.dealias, g.filter_strength, g.filter_order)
        problem = NLSEProblem(grid, cfg.equation.nonlinearity, mask, cfg.run.fft)
        base_dir = Path(cfg.source).parent if cfg.source not in ("", "<dict>") else Path.cwd()
        ctx = ICContext(
            x=grid.x,
            nonlinearity=cfg.equation.nonlinearity,
            rng=np.random.Generator(np.random.PCG64(cfg.run.seed)),
            base_dir=base_dir,
            source=cfg.source,
            lengths=(grid.length,),
        )
        check_centres(cfg.initial_condition, grid.x, cfg.source, NLSE_WAVENUMBERS)
        psi0 = np.asarray(cfg.initial_condition.evaluate(ctx), dtype=complex)
        if not np.all(np.isfinite(psi0)):
            raise ConfigError(
                cfg.source,
                "initial_condition",
                cfg.initial_condition.type_name,
                "gives non-finite values of psi on the grid",
            )
        check_not_vanishing(cfg.initial_condition, {"psi": psi0}, cfg.source)
        return check_finite_invariants(cls(cfg, grid, problem, psi0), cfg.source)

    def initial_state(self) -> np.ndarray:
        return self.problem.to_spectral(self.psi0)

    def psi(self, state: np.ndarray) -> np.ndarray:
        """ψ on the grid from the state ψ̂."""
        return self.problem.to_physical(state)

    def observables(self, state: np.ndarray) -> dict[str, np.ndarray]:
        psi = self.psi(state)
        return {"psi_real": psi.real, "psi_imag": psi.imag}

    def invariants(self, state: np.ndarray) -> dict[str, float]:
        return nlse_invariants(state, self.grid, self.problem.g)

    @cached_property
    def _probe_weights(self) -> np.ndarray:
        """e^{ik s}/n at s = x_p − x_min, the Nyquist mode (n even) as cos(k s)/n: the symmetric
        trigonometric interpolant, which equals ψ at every grid point."""
        grid = self.grid
        s = self.cfg.diagnostics.probe_x - grid.x_min
        weights = np.exp(1j * grid.k * s) / grid.n
        if grid.n % 2 == 0:
            weights[grid.n // 2] = np.cos(grid.k[grid.n // 2] * s) / grid.n
        return weights

    def probe(self, state: np.ndarray) -> dict[str, float]:
        """Re ψ and Im ψ at x_p = ``diagnostics.probe_x``: ψ(x_p) = Σ_k ψ̂_k e^{ik(x_p − x_min)}/n
        from the state ψ̂ (exact at any x_p, not the nearest grid point)."""
        value = complex(state @ self._probe_weights)
        return {"probe_psi_real": value.real, "probe_psi_imag": value.imag}

    def probe_variables(self) -> dict[str, VariableSpec]:
        where = (("probe_x", self.cfg.diagnostics.probe_x),)
        return {
            f"probe_psi_{part}": VariableSpec(
                (PROBE_DIM,), f"{part} part of psi at the probe point x = probe_x", "1", False,
                attrs=where,
            )
            for part in ("real", "imag")
        }  # fmt: skip

    def invariant_scales(self, state: np.ndarray) -> dict[str, float]:
        return nlse_scales(state, self.grid, self.problem.g)

    def coords(self) -> dict[str, Coordinate]:
        return {"x": Coordinate(self.grid.x, "position (dimensionless)", "1")}

    def variables(self) -> dict[str, VariableSpec]:
        return {
            "psi_real": VariableSpec(("t", "x"), "real part of the wave function psi", "1"),
            "psi_imag": VariableSpec(("t", "x"), "imaginary part of the wave function psi", "1"),
            "mass": VariableSpec(("t",), "mass N = integral of |psi|^2 dx", "1", scale="mass[0]"),
            "momentum": VariableSpec(
                ("t",),
                "momentum P = integral of Im(conj(psi) psi_x) dx",
                "1",
                scale="sqrt(N K) at t = 0, K = integral of |psi_x|^2 dx (>= |P|, Cauchy-Schwarz)",
            ),
            "energy": VariableSpec(
                ("t",),
                "Hamiltonian H = integral of |psi_x|^2/2 - g|psi|^4/2 dx",
                "1",
                scale="integral of |psi_x|^2/2 + |g| |psi|^4/2 dx at t = 0 (>= |H|)",
            ),
        }

    def attrs(self) -> dict[str, Any]:
        return {
            "equation": "i psi_t + psi_xx/2 + g |psi|^2 psi = 0",
            "nonlinearity": self.problem.g,
            "x_min": self.grid.x_min,
            "x_max": self.grid.x_max,
            "dx": self.grid.dx,
            "n_points": self.grid.n,
            "dealias": self.cfg.grid.dealias,
            "initial_condition": self.cfg.initial_condition.type_name,
        }


def nlse_invariants(state: np.ndarray, grid: PeriodicGrid, g: float) -> dict[str, float]:
    """Mass, momentum and Hamiltonian of ψ̂ = ``state`` via Parseval (spectral derivatives).

    With ψ̂ the unnormalised FFT, ∫|ψ|² = (dx/n) Σ|ψ̂|², ∫ Im(ψ*ψ_x) = (dx/n) Σ k|ψ̂|²,
    ∫|ψ_x|² = (dx/n) Σ k²|ψ̂|².
    """
    mass, momentum, kinetic, quartic = _nlse_sums(state, grid)
    return {
        "mass": mass,
        "momentum": momentum,
        "energy": float(kinetic + -0.5 * g * grid.dx * quartic),
    }


def nlse_scales(state: np.ndarray, grid: PeriodicGrid, g: float) -> dict[str, float]:
    """Natural scales of the invariants of ψ̂ = ``state``, from the sums of
    :func:`nlse_invariants`: mass N; momentum sqrt(N·K), K = ∫|ψ_x|² dx, which bounds |P| by
    Cauchy–Schwarz (|Σ k|ψ̂|²| ≤ (Σ|ψ̂|² Σ k²|ψ̂|²)^½); energy ½K + ½|g|∫|ψ|⁴ dx ≥ |H|."""
    mass, _, kinetic, quartic = _nlse_sums(state, grid)
    return {
        "mass": mass,
        "momentum": float(np.sqrt(mass * 2.0 * kinetic)),
        "energy": float(kinetic + 0.5 * abs(g) * grid.dx * quartic),
    }


def _nlse_sums(state: np.ndarray, grid: PeriodicGrid) -> tuple[float, float, float, float]:
    """N = ∫|ψ|², P = ∫ Im(ψ*ψ_x), ½∫|ψ_x|² and Σ|ψ_j|⁴ (∫|ψ|⁴ = dx·Σ|ψ_j|⁴) of ψ̂ = ``state``."""
    power = state.real**2 + state.imag**2
    weight = grid.dx / grid.n
    psi = sfft.ifft(state, workers=grid.workers)
    density = psi.real**2 + psi.imag**2
    mass = weight * float(np.sum(power))
    momentum = weight * float(np.dot(grid.k_odd, power))
    kinetic = 0.5 * weight * float(np.dot(grid.k**2, power))
    quartic = float(np.dot(density, density))
    return float(mass), float(momentum), float(kinetic), quartic


class NLSEND(FieldsOnGridND, NLSE):
    """The NLSE on a 2D or 3D periodic grid (state ψ̂ of shape ``(n_z, n_y, n_x)``); the model
    ``nlse`` with per-axis ``[grid]`` arrays. No probe series (``diagnostics.probe_x`` is 1D)."""

    grid: PeriodicGridND  # type: ignore[assignment]
    problem: NLSEProblemND  # type: ignore[assignment]

    @classmethod
    def from_config(cls, cfg: NLSEConfig) -> NLSEND:
        check_grid_fits_memory(cfg, 16.0)  # the state ψ̂
        grid = grid_of(cfg)
        g = cfg.grid
        mask = grid.dealias_filter(g.dealias, g.filter_strength, g.filter_order)
        potential = cfg.potential.values(cfg.source, grid)
        problem = NLSEProblemND(grid, cfg.equation.nonlinearity, mask, cfg.run.fft, potential)
        base_dir = Path(cfg.source).parent if cfg.source not in ("", "<dict>") else Path.cwd()
        ctx = ICContext(
            x=grid.coordinates[0],
            nonlinearity=cfg.equation.nonlinearity,
            rng=np.random.Generator(np.random.PCG64(cfg.run.seed)),
            base_dir=base_dir,
            source=cfg.source,
            coords=grid.coordinates,
            lengths=grid.lengths,
            grid=grid,
            potential=potential,
        )
        ic = cfg.initial_condition
        psi0 = np.asarray(ic.evaluate_nd(ctx), dtype=complex)
        if psi0.shape != grid.shape:
            psi0 = np.broadcast_to(psi0, grid.shape).copy()
        if not np.all(np.isfinite(psi0)):
            raise ConfigError(
                cfg.source,
                "initial_condition",
                ic.type_name,
                "gives non-finite values of psi on the grid",
            )
        if getattr(ic, "amplitude", 1.0) != 0 and not np.any(psi0) and ic.type_name != "expression":
            raise ConfigError(
                cfg.source,
                "initial_condition",
                ic.type_name,
                "is zero at every grid point: the structure is not resolved on the grid; check "
                "its width and amplitude against grid.n_points",
            )
        return check_finite_invariants(cls(cfg, grid, problem, psi0), cfg.source)  # type: ignore[arg-type]

    def invariants(self, state: np.ndarray) -> dict[str, float]:
        return nlse_invariants_nd(state, self.grid, self.problem.g, self.problem.potential)

    def invariant_scales(self, state: np.ndarray) -> dict[str, float]:
        return nlse_scales_nd(state, self.grid, self.problem.g, self.problem.potential)

    @cached_property
    def _outer_band(self) -> np.ndarray:
        """The outer band of wavenumbers: max_i |k_i|/k_max,i > c/2, with c the fraction of the
        range the dealiasing keeps (1, ⅔ for two_thirds, ½ for half)."""
        kept = {"two_thirds": 2.0 / 3.0, "half": 0.5}.get(self.cfg.grid.dealias, 1.0)
        ratio = np.zeros(self.grid.shape)
        for k, k_max in zip(self.grid.wavenumbers, self.grid.k_max, strict=True):
            ratio = np.maximum(ratio, np.abs(k) / k_max)
        return ratio > 0.5 * kept

    @cached_property
    def _initial_peak(self) -> float:
        return float(np.max(np.abs(self.psi0) ** 2))

    def stop_reason(self, state: np.ndarray, t: float) -> str:
        """A collapse (focusing g > 0 only): the fraction of the spectral power Σ|ψ̂|² in the
        outer band of wavenumbers (:attr:`_outer_band`) exceeds ``equation.collapse_threshold``
        and the peak density max|ψ|² has grown :data:`COLLAPSE_PEAK_GROWTH` = 2-fold or more
        over its initial value (a field under-resolved from the start, such as a sharp stripe
        soliton, is not a collapse).
        A smooth, resolved field has a spectrum that decays fast (a Townes profile resolved by
        its grid: below 1e-8); a collapsing one widens its spectrum as its peak narrows, and
        once the band holds a visible fraction the pseudo-spectral solution is no longer
        accurate (measured for a Townes profile scaled by 1.1 on 128² points over
        [−12, 12]²: fraction 5e-4 with an energy drift of 1e-7, then 1e-2 with 1e-5)."""
        threshold = self.cfg.equation.collapse_threshold
        if threshold <= 0 or self.problem.g <= 0:
            return ""
        power = state.real**2 + state.imag**2
        total = float(np.sum(power))
        outer = float(np.sum(power[self._outer_band]))
        if not total > 0 or outer <= threshold * total:
            return ""
        psi = self.problem.to_physical(state)
        peak = float(np.max(psi.real**2 + psi.imag**2))
        if peak < COLLAPSE_PEAK_GROWTH * self._initial_peak:
            return ""  # under-resolved from the start (e.g. a sharp stripe), not collapsing
        return (
            f"collapse at t = {t:.6g}: {outer / total:.3g} of the spectral power lies in the outer "
            f"band of wavenumbers (threshold equation.collapse_threshold = {threshold:g}), the "
            f"field has left the grid's resolution (peak |psi|^2 = {peak:.4g}, "
            f"{peak / self._initial_peak:.3g} times its initial value); the snapshots before are "
            "kept. A focusing run (g > 0) above the critical mass blows up in finite time; raise "
            "grid.n_points or end the run earlier"
        )

    def variables(self) -> dict[str, VariableSpec]:
        specs = {
            "psi_real": VariableSpec(self._dims, "real part of the wave function psi", "1"),
            "psi_imag": VariableSpec(self._dims, "imaginary part of the wave function psi", "1"),
            "mass": VariableSpec(("t",), "mass N = integral of |psi|^2 dV", "1", scale="mass[0]"),
        }
        for name in AXIS_NAMES[: self.grid.ndim]:
            specs[f"momentum_{name}"] = VariableSpec(
                ("t",),
                f"momentum P_{name} = integral of Im(conj(psi) dpsi/d{name}) dV",
                "1",
                scale="sqrt(N K) at t = 0, K = integral of |grad psi|^2 dV (>= |P_i|, "
                "Cauchy-Schwarz)",
                drift=self.cfg.potential.conserves_momentum(),
            )
        specs["energy"] = VariableSpec(
            ("t",),
            "Hamiltonian H = integral of |grad psi|^2/2 + V|psi|^2 - g|psi|^4/2 dV",
            "1",
            scale="integral of |grad psi|^2/2 + |V| |psi|^2 + |g| |psi|^4/2 dV at t = 0 (>= |H|)",
        )
        if self.grid.ndim > 1:
            specs["angular_momentum_z"] = VariableSpec(
                ("t",),
                "angular momentum L_z = integral of Im(conj(psi) (X dpsi/dy - Y dpsi/dx)) dV, "
                "X, Y relative to the box centre",
                "1",
                scale="sqrt(M K) at t = 0, M = integral of (X^2 + Y^2)|psi|^2 dV, "
                "K = integral of |grad psi|^2 dV (>= |L_z|, Cauchy-Schwarz)",
                drift=self.cfg.potential.conserves_angular_momentum_z(self.grid),
            )
        return specs

    def attrs(self) -> dict[str, Any]:
        attrs: dict[str, Any] = {
            "equation": "i psi_t + laplacian(psi)/2 + g |psi|^2 psi - V psi = 0",
            "nonlinearity": self.problem.g,
            "potential": self.cfg.potential.type,
        }
        attrs.update(self.grid_attrs())
        attrs["dealias"] = self.cfg.grid.dealias
        attrs["initial_condition"] = self.cfg.initial_condition.type_name
        return attrs

    density_long_name = "density |psi|^2"

    def density(self, state: np.ndarray) -> np.ndarray:
        """|ψ|² on the grid from the state ψ̂ (projected by ``output.fields = "projections"``)."""
        psi = self.problem.to_physical(state)
        return psi.real**2 + psi.imag**2
