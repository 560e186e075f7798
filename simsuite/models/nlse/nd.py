"""The NLSE on 2D and 3D periodic grids, pseudo-spectral in every axis.

.. math:: i ψ_t + ½ ∇²ψ + g |ψ|² ψ = 0,

with ψ on a :class:`~simsuite.spectral.nd_grid.PeriodicGridND` (arrays of shape ``(n_y, n_x)`` or
``(n_z, n_y, n_x)``). In Fourier space (ψ̂ = FFTN ψ) this is the semilinear system
ψ̂_t = L ψ̂ + N(ψ̂) with L = −i|k|²/2 and N(ψ̂) = FFTN(i g |ψ|² ψ), exactly as in 1D
(:mod:`simsuite.models.nlse.model`); the exact flow of the nonlinear part is ψ ↦ ψ exp(i g |ψ|² h).

The integrators take their Python loops here (the compiled loops and N's compiled kernel are
1D-only); :data:`ND_INTEGRATORS` are the methods allowed on an N-D grid. The model class of N-D
runs, :class:`~simsuite.models.nlse.model.NLSEND`, lives beside the 1D one and uses the pieces here.

Invariants (spectral derivatives, Parseval, ΔV = Π dx_i, N_pts = Π n_i): mass
N = ∫|ψ|² dV = (ΔV/N_pts) Σ|ψ̂|², momentum P_i = ∫ Im(ψ* ∂_i ψ) dV = (ΔV/N_pts) Σ k_i|ψ̂|² (one
component per axis, Nyquist modes zeroed), Hamiltonian H = ∫ ½|∇ψ|² − ½ g|ψ|⁴ dV.
"""

from __future__ import annotations

import numpy as np

from simsuite.models.base import MemoryNeeds
from simsuite.models.nlse.cubic import CubicTerms
from simsuite.spectral.grids import fft_workers
from simsuite.spectral.nd_fft import ComplexFFTND
from simsuite.spectral.nd_grid import AXIS_NAMES, PeriodicGridND

__all__ = [
    "ND_INTEGRATORS",
    "NLSEProblemND",
    "grid_of",
    "memory_needs_nd",
    "nlse_invariants_nd",
    "nlse_scales_nd",
    "state_sizes_nd",
]

#: Integrators of the nlse model on 2D and 3D grids (their Python loops work on states of any
#: shape; ``dop853_plain``, scipy's solve_ivp, takes 1D states only).
ND_INTEGRATORS = (
    "dop853",
    "dopri5",
    "rk4ip",
    "ssf2",
    "ssf4",
    "ssf6",
    "etd_abm4",
    "etd_abm6",
    "etd_abm8",
)


class NLSEProblemND(CubicTerms):
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


def grid_of(cfg) -> PeriodicGridND:
    """The N-D grid of a config whose ``[grid]`` has per-axis arrays."""
    x_min, x_max, n = cfg.grid.axes()
    return PeriodicGridND.from_bounds(x_min, x_max, n, fft_workers(cfg.run.threads))


def state_sizes_nd(cfg) -> dict[str, int]:
    """``{"z": n_z, "y": n_y, "x": n_x}`` (array order) of an N-D config."""
    _, _, n = cfg.grid.axes()
    names = AXIS_NAMES[: len(n)]
    return {name: int(n[i]) for i, name in reversed(list(enumerate(names)))}


def memory_needs_nd(cfg) -> MemoryNeeds:
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


def nlse_invariants_nd(state: np.ndarray, grid: PeriodicGridND, g: float) -> dict[str, float]:
    """Mass, momentum components and Hamiltonian of ψ̂ = ``state`` on ``grid`` (Parseval)."""
    mass, momentum, kinetic, quartic = _sums(state, grid)
    out = {"mass": mass}
    out.update({f"momentum_{name}": p for name, p in zip(AXIS_NAMES, momentum, strict=False)})
    out["energy"] = float(kinetic - 0.5 * g * quartic)
    return out


def nlse_scales_nd(state: np.ndarray, grid: PeriodicGridND, g: float) -> dict[str, float]:
    """Natural scales of the invariants of ψ̂ = ``state`` (as in 1D): mass N; every momentum
    component sqrt(N K), K = ∫|∇ψ|² dV ≥ ∫|∂_i ψ|² dV, which bounds |P_i| by Cauchy–Schwarz;
    energy ½K + ½|g|∫|ψ|⁴ dV ≥ |H|."""
    mass, _, kinetic, quartic = _sums(state, grid)
    bound = float(np.sqrt(mass * 2.0 * kinetic))
    scales = {"mass": mass}
    scales.update({f"momentum_{name}": bound for name in AXIS_NAMES[: grid.ndim]})
    scales["energy"] = float(kinetic + 0.5 * abs(g) * quartic)
    return scales


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
