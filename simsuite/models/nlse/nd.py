"""The NLSE on 2D and 3D periodic grids, pseudo-spectral in every axis.

.. math:: i ψ_t + ½ ∇²ψ + g |ψ|² ψ − V ψ = 0,

with an optional external potential V(x) (``[potential]``,
:mod:`~simsuite.models.nlse.potential_section`) and ψ on a
:class:`~simsuite.spectral.nd_grid.PeriodicGridND` (arrays of shape ``(n_y, n_x)`` or
``(n_z, n_y, n_x)``). In Fourier space (ψ̂ = FFTN ψ) this is the semilinear system
ψ̂_t = L ψ̂ + N(ψ̂) with L = −i|k|²/2 and N(ψ̂) = FFTN(i (g |ψ|² − V) ψ), as in 1D
(:mod:`simsuite.models.nlse.model`); the exact flow of the nonlinear part is
ψ ↦ ψ exp(i (g |ψ|² − V) h) (|ψ| is constant under it). Without a potential the arithmetic is
exactly that of V = None (no term −Vψ is evaluated).

The integrators take their Python loops here (the compiled loops and N's compiled kernel are
1D-only); :data:`ND_INTEGRATORS` are the methods allowed on an N-D grid. The model class of N-D
runs, :class:`~simsuite.models.nlse.model.NLSEND`, lives beside the 1D one and uses the pieces here.

Invariants (spectral derivatives, Parseval, ΔV = Π dx_i, N_pts = Π n_i): mass
N = ∫|ψ|² dV = (ΔV/N_pts) Σ|ψ̂|², momentum P_i = ∫ Im(ψ* ∂_i ψ) dV = (ΔV/N_pts) Σ k_i|ψ̂|² (one
component per axis, Nyquist modes zeroed), Hamiltonian H = ∫ ½|∇ψ|² + V|ψ|² − ½ g|ψ|⁴ dV and
the angular momentum about the z axis through the box centre c,
L_z = ∫ Im(ψ* (X ∂_y − Y ∂_x) ψ) dV with X = x − c_x, Y = y − c_y (spectral derivatives, the
trapezoid rule). L_z is conserved when V is symmetric under rotations about that axis (an
isotropic trap centred at c, or no potential) and ψ is negligible at the box edges (the periodic
box itself is not rotation-invariant).

Scales of the drifts: mass N; P_i by sqrt(N K), K = ∫|∇ψ|² (Cauchy–Schwarz); H by
½K + ∫|V||ψ|² + ½|g|∫|ψ|⁴ ≥ |H|; L_z by sqrt(M_⊥ K), M_⊥ = ∫ (X² + Y²)|ψ|² dV: pointwise
|X ∂_yψ − Y ∂_xψ| ≤ (X² + Y²)^½ |∇ψ| (Cauchy–Schwarz in the plane), and then
|L_z| ≤ ∫ r_⊥|ψ| |∇ψ| ≤ (∫ r_⊥²|ψ|²)^½ (∫|∇ψ|²)^½ (Cauchy–Schwarz in the integral).
"""

from __future__ import annotations

import numpy as np

from simsuite.models.base import MemoryNeeds
from simsuite.models.nlse.cubic import CubicTerms
from simsuite.spectral.nd_fft import ComplexFFTND
from simsuite.spectral.nd_grid import AXIS_NAMES, PeriodicGridND

__all__ = [
    "ND_INTEGRATORS",
    "NLSEProblemND",
    "memory_needs_nd",
    "angular_momentum_z",
    "nlse_invariants_nd",
    "nlse_scales_nd",
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
        potential: np.ndarray | None = None,
    ):
        self.grid = grid
        self.g = float(nonlinearity)
        self.mask = mask
        if potential is not None:
            potential = np.ascontiguousarray(np.broadcast_to(potential, grid.shape), dtype=float)
        self.potential = potential
        self.linear = -0.5j * grid.k_squared
        self.workers = grid.workers
        self.fft = ComplexFFTND(grid.shape, grid.workers, fft_backend)

    def to_physical(self, u: np.ndarray) -> np.ndarray:
        return self.grid.ifft(u)

    def to_spectral(self, psi: np.ndarray) -> np.ndarray:
        return self.grid.fft(psi)


def memory_needs_nd(cfg) -> MemoryNeeds:
    """ψ̂ is N complex numbers (16 N bytes), N = Π n_i. Own arrays per point: |k|², the mask
    (2 × 8), L, the two FFT buffers, FFTW's tables (4 × 16); ψ0, the initial state and the
    temporaries of the initial condition and the snapshots (5 × 16 + 4 × 8). A snapshot:
    Re ψ, Im ψ (2 × 8). With a potential, V and its temporaries (3 × 8); with a ground state
    to compute (``ground_state``, or a ``vortex`` on one), the flow's arrays: ψ, the previous
    stage's ψ, the extrapolated ψ and two transforms (5 × 16), the kinetic factor, the two
    potential factors, V and their temporaries (6 × 8)."""
    n = int(np.prod(cfg.grid.axes()[2]))
    parts = {
        "grid, operators and FFT buffers": (2 * 8 + 4 * 16) * n,
        "initial state and snapshot temporaries": (5 * 16 + 4 * 8) * n,
    }
    if cfg.potential.type != "none":
        parts["potential"] = 3 * 8 * n
    ic = cfg.initial_condition
    if ic.type_name == "ground_state" or getattr(ic, "background", "") == "ground_state":
        parts["ground-state flow"] = (5 * 16 + 6 * 8) * n
    return MemoryNeeds(
        state_bytes=16 * n,
        state_size=n,
        parts=parts,
        snapshot_bytes=2 * 8 * n + 16 * 8,
        probe_values=0,
        compiled=False,
    )


def nlse_invariants_nd(
    state: np.ndarray, grid: PeriodicGridND, g: float, potential: np.ndarray | None = None
) -> dict[str, float]:
    """Mass, momentum components, Hamiltonian (with the potential term) and, in 2D and 3D, the
    angular momentum L_z of ψ̂ = ``state`` on ``grid`` (Parseval; see the module docstring)."""
    mass, momentum, kinetic, quartic = _sums(state, grid)
    out = {"mass": mass}
    out.update({f"momentum_{name}": p for name, p in zip(AXIS_NAMES, momentum, strict=False)})
    if potential is None:
        out["energy"] = float(kinetic - 0.5 * g * quartic)
    else:
        out["energy"] = float(
            kinetic + _potential_energy(state, grid, potential) - 0.5 * g * quartic
        )
    if grid.ndim > 1:
        out["angular_momentum_z"] = angular_momentum_z(state, grid)
    return out


def nlse_scales_nd(
    state: np.ndarray, grid: PeriodicGridND, g: float, potential: np.ndarray | None = None
) -> dict[str, float]:
    """Natural scales of the invariants of ψ̂ = ``state`` (as in 1D): mass N; every momentum
    component sqrt(N K), K = ∫|∇ψ|² dV ≥ ∫|∂_i ψ|² dV, which bounds |P_i| by Cauchy–Schwarz;
    energy ½K + ∫|V||ψ|² + ½|g|∫|ψ|⁴ dV ≥ |H|; L_z sqrt(M_⊥ K) ≥ |L_z| (module docstring)."""
    mass, _, kinetic, quartic = _sums(state, grid)
    bound = float(np.sqrt(mass * 2.0 * kinetic))
    scales = {"mass": mass}
    scales.update({f"momentum_{name}": bound for name in AXIS_NAMES[: grid.ndim]})
    trapped = 0.0 if potential is None else _potential_energy(state, grid, np.abs(potential))
    scales["energy"] = float(kinetic + trapped + 0.5 * abs(g) * quartic)
    if grid.ndim > 1:
        x, y = _relative_xy(grid)
        psi = grid.ifft(state)
        moment = grid.cell_volume * float(np.sum((x * x + y * y) * (psi.real**2 + psi.imag**2)))
        scales["angular_momentum_z"] = float(np.sqrt(moment * 2.0 * kinetic))
    return scales


def _relative_xy(grid: PeriodicGridND) -> tuple[np.ndarray, np.ndarray]:
    """The sparse coordinates X = x − c_x, Y = y − c_y relative to the box centre."""
    x, y = grid.coordinates[:2]
    cx, cy = (axis.x_min + 0.5 * axis.length for axis in grid.axes[:2])
    return x - cx, y - cy


def angular_momentum_z(state: np.ndarray, grid: PeriodicGridND) -> float:
    """L_z = ∫ Im(ψ* (X ∂_y ψ − Y ∂_x ψ)) dV of ψ̂ = ``state`` about the z axis through the box
    centre (2D or 3D; spectral derivatives with the Nyquist modes zeroed)."""
    x, y = _relative_xy(grid)
    kx, ky = grid.wavenumbers_odd[:2]
    psi = grid.ifft(state)
    dx_psi = grid.ifft(1j * kx * state)
    dy_psi = grid.ifft(1j * ky * state)
    return grid.cell_volume * float(np.sum(np.imag(np.conj(psi) * (x * dy_psi - y * dx_psi))))


def _potential_energy(state: np.ndarray, grid: PeriodicGridND, potential: np.ndarray) -> float:
    """∫ V |ψ|² dV of ψ̂ = ``state``."""
    psi = grid.ifft(state)
    return grid.cell_volume * float(np.sum(potential * (psi.real**2 + psi.imag**2)))


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
