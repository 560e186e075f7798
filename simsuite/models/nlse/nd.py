"""The NLSE on 2D and 3D periodic grids, pseudo-spectral in every axis.

.. math:: i ψ_t + ½ ∇²ψ + g |ψ|² ψ = 0,

with ψ on a :class:`~simsuite.spectral.nd_grid.PeriodicGridND` (arrays of shape ``(n_y, n_x)`` or
``(n_z, n_y, n_x)``). In Fourier space (ψ̂ = FFTN ψ) this is the semilinear system
ψ̂_t = L ψ̂ + N(ψ̂) with L = −i|k|²/2 and N(ψ̂) = FFTN(i g |ψ|² ψ), exactly as in 1D
(:mod:`simsuite.models.nlse.model`); the exact flow of the nonlinear part is ψ ↦ ψ exp(i g |ψ|² h).

The integrators take their Python loops here (the compiled loops and N's compiled kernel are
1D-only); :data:`ND_INTEGRATORS` are the methods allowed on an N-D grid.

Invariants (spectral derivatives, Parseval, ΔV = Π dx_i, N_pts = Π n_i): mass
N = ∫|ψ|² dV = (ΔV/N_pts) Σ|ψ̂|², momentum P_i = ∫ Im(ψ* ∂_i ψ) dV = (ΔV/N_pts) Σ k_i|ψ̂|² (one
component per axis, Nyquist modes zeroed), Hamiltonian H = ∫ ½|∇ψ|² − ½ g|ψ|⁴ dV.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from simsuite.config import ConfigError
from simsuite.models.base import Coordinate, MemoryNeeds, VariableSpec
from simsuite.models.initial_checks import check_finite_invariants
from simsuite.models.nlse import kernels as nlse_kernels
from simsuite.models.nlse.initial import ICContext
from simsuite.models.nlse.model import ND_INTEGRATORS, NLSE, NLSEConfig
from simsuite.spectral.grids import fft_workers
from simsuite.spectral.nd_fft import ComplexFFTND
from simsuite.spectral.nd_grid import AXIS_NAMES, PeriodicGridND

__all__ = ["ND_INTEGRATORS", "NLSEND", "NLSEProblemND", "nlse_invariants_nd"]


class NLSEProblemND:
    """The NLSE on a :class:`PeriodicGridND` as a semilinear problem in Fourier space.

    The same operators as :class:`~simsuite.models.nlse.model.NLSEProblem` on arrays of the
    grid's shape; no compiled kernel (:attr:`kernels` is None), so the integrators use their
    Python loops.
    """

    filter_each_step = False
    kernels = None
    compiled_steps = False

    def __init__(
        self,
        grid: PeriodicGridND,
        nonlinearity: float,
        mask: np.ndarray | None = None,
        fft_backend: str = "auto",
    ):
        self.grid = grid
        self.g = float(nonlinearity)
        self.mask = mask
        self.linear = -0.5j * grid.k_squared
        self.workers = grid.workers
        self.fft = ComplexFFTND(grid.shape, grid.workers, fft_backend)

    def to_physical(self, u: np.ndarray) -> np.ndarray:
        return self.grid.ifft(u)

    def to_spectral(self, psi: np.ndarray) -> np.ndarray:
        return self.grid.fft(psi)

    def nonlinear(self, u: np.ndarray) -> np.ndarray:
        """N(ψ̂) = FFTN(i g |ψ|² ψ), dealiased."""
        fft = self.fft
        nlse_kernels.cubic_term(fft.backward(u).reshape(-1), self.g, fft.inverse_scale)
        out = fft.forward()
        if self.mask is not None:
            out *= self.mask
        return out

    def nonlinear_flow(self, u: np.ndarray, h: float) -> np.ndarray:
        """Exact flow of ψ_t = i g |ψ|² ψ over h, in Fourier space, dealiased."""
        fft = self.fft
        nlse_kernels.cubic_phase(fft.backward(u).reshape(-1), self.g * h, fft.inverse_scale)
        out = fft.forward()
        if self.mask is not None:
            out *= self.mask
        return out

    def filter(self, u: np.ndarray) -> np.ndarray:
        return u if self.mask is None else u * self.mask


def grid_of(cfg: NLSEConfig) -> PeriodicGridND:
    """The N-D grid of a config whose ``[grid]`` has per-axis arrays."""
    x_min, x_max, n = cfg.grid.axes()
    return PeriodicGridND.from_bounds(x_min, x_max, n, fft_workers(cfg.run.threads))


def state_sizes_nd(cfg: NLSEConfig) -> dict[str, int]:
    """``{"z": n_z, "y": n_y, "x": n_x}`` (array order) of an N-D config."""
    _, _, n = cfg.grid.axes()
    names = AXIS_NAMES[: len(n)]
    return {name: int(n[i]) for i, name in reversed(list(enumerate(names)))}


def memory_needs_nd(cfg: NLSEConfig) -> MemoryNeeds:
    """ψ̂ is N complex numbers (16 N bytes), N = Π n_i. Own arrays per point: |k|², the mask
    (2 × 8), L, the two FFT buffers, FFTW's tables (4 × 16); ψ0, the initial state and the
    temporaries of the initial condition and the snapshots (5 × 16 + 4 × 8). A snapshot:
    Re ψ, Im ψ (2 × 8)."""
    n = int(np.prod(cfg.grid.axes()[2]))
    return MemoryNeeds(
        state_bytes=16 * n,
        state_size=n,
        parts={
            "grid, operators and FFT buffers": (2 * 8 + 4 * 16) * n,
            "initial state and snapshot temporaries": (5 * 16 + 4 * 8) * n,
        },
        snapshot_bytes=2 * 8 * n + 16 * 8,
        probe_values=0,
        compiled=False,
    )


class NLSEND(NLSE):
    """The NLSE on a 2D or 3D periodic grid (state ψ̂ of shape ``(n_z, n_y, n_x)``); the model
    ``nlse`` with per-axis ``[grid]`` arrays. No probe series (``diagnostics.probe_x`` is 1D)."""

    grid: PeriodicGridND  # type: ignore[assignment]
    problem: NLSEProblemND  # type: ignore[assignment]

    @classmethod
    def from_config(cls, cfg: NLSEConfig) -> NLSEND:
        grid = grid_of(cfg)
        g = cfg.grid
        mask = grid.dealias_filter(g.dealias, g.filter_strength, g.filter_order)
        problem = NLSEProblemND(grid, cfg.equation.nonlinearity, mask, cfg.run.fft)
        base_dir = Path(cfg.source).parent if cfg.source not in ("", "<dict>") else Path.cwd()
        ctx = ICContext(
            x=grid.coordinates[0],
            nonlinearity=cfg.equation.nonlinearity,
            rng=np.random.Generator(np.random.PCG64(cfg.run.seed)),
            base_dir=base_dir,
            source=cfg.source,
            coords=grid.coordinates,
            lengths=grid.lengths,
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
        return nlse_invariants_nd(state, self.grid, self.problem.g)

    def invariant_scales(self, state: np.ndarray) -> dict[str, float]:
        mass, _, kinetic, quartic = _sums(state, self.grid)
        bound = float(np.sqrt(mass * 2.0 * kinetic))
        scales = {"mass": mass}
        scales.update({f"momentum_{name}": bound for name in AXIS_NAMES[: self.grid.ndim]})
        scales["energy"] = float(kinetic + 0.5 * abs(self.problem.g) * quartic)
        return scales

    def probe(self, state: np.ndarray) -> dict[str, float]:
        return {}

    def probe_variables(self) -> dict[str, VariableSpec]:
        return {}

    @cached_property
    def _dims(self) -> tuple[str, ...]:
        return ("t", *self.grid.dims)

    def coords(self) -> dict[str, Coordinate]:
        return {
            name: Coordinate(axis.x, f"position {name} (dimensionless)", "1")
            for name, axis in zip(AXIS_NAMES, self.grid.axes, strict=False)
        }

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
            )
        specs["energy"] = VariableSpec(
            ("t",),
            "Hamiltonian H = integral of |grad psi|^2/2 - g|psi|^4/2 dV",
            "1",
            scale="integral of |grad psi|^2/2 + |g| |psi|^4/2 dV at t = 0 (>= |H|)",
        )
        return specs

    def attrs(self) -> dict[str, Any]:
        attrs: dict[str, Any] = {
            "equation": "i psi_t + laplacian(psi)/2 + g |psi|^2 psi = 0",
            "nonlinearity": self.problem.g,
            "ndim": self.grid.ndim,
        }
        for name, axis in zip(AXIS_NAMES, self.grid.axes, strict=False):
            attrs[f"{name}_min"] = axis.x_min
            attrs[f"{name}_max"] = axis.x_max
            attrs[f"d{name}"] = axis.dx
            attrs[f"n_{name}"] = axis.n
        attrs["dealias"] = self.cfg.grid.dealias
        attrs["initial_condition"] = self.cfg.initial_condition.type_name
        return attrs


def nlse_invariants_nd(state: np.ndarray, grid: PeriodicGridND, g: float) -> dict[str, float]:
    """Mass, momentum components and Hamiltonian of ψ̂ = ``state`` on ``grid`` (Parseval)."""
    mass, momentum, kinetic, quartic = _sums(state, grid)
    out = {"mass": mass}
    out.update({f"momentum_{name}": p for name, p in zip(AXIS_NAMES, momentum, strict=False)})
    out["energy"] = float(kinetic - 0.5 * g * quartic)
    return out


def _sums(state: np.ndarray, grid: PeriodicGridND) -> tuple[float, tuple[float, ...], float, float]:
    """N = ∫|ψ|², (P_x, P_y, P_z), ½∫|∇ψ|² and ∫|ψ|⁴ of ψ̂ = ``state``."""
    power = state.real**2 + state.imag**2
    weight = grid.cell_volume / grid.size
    psi = grid.ifft(state)
    density = psi.real**2 + psi.imag**2
    mass = weight * float(np.sum(power))
    momentum = tuple(weight * float(np.sum(k * power)) for k in grid.wavenumbers_odd)
    kinetic = 0.5 * weight * float(np.sum(grid.k_squared * power))
    quartic = grid.cell_volume * float(np.sum(density * density))
    return mass, momentum, kinetic, quartic
