"""The Klein–Gordon equation on 2D and 3D periodic grids, pseudo-spectral in every axis.

.. math:: φ_{tt} − ∇²φ + V′(φ) = 0,

with φ on a :class:`~simsuite.spectral.nd_grid.PeriodicGridND` (arrays of shape ``(n_y, n_x)`` or
``(n_z, n_y, n_x)``) and the potentials of :mod:`~simsuite.models.klein_gordon.potentials`. The state
is the pair (φ, π = φ_t), an array of shape ``(2, *grid.shape)``. The problem
(:class:`KGProblemND`) offers the integrators the three views of the 1D problem
(:class:`~simsuite.models.klein_gordon.problem.KGProblem`) on arrays of the grid's shape:

* second order, q'' = a(q) with a(φ) = ∇²φ − V′(φ), for the symplectic methods;
* the linear part A = ∇² − m² (m² = V″ at the vacuum), solved exactly per Fourier mode
  (ω² = |k|² + m²), and the remainder g(φ) = m²φ − V′(φ), for the exponential methods, with the
  modal view (the state kept as real-FFT coefficients between kicks);
* the first-order system y' = (π, a(φ)) with no linear part, for ``dop853``.

Transforms are real FFTs over the grid axes (``scipy.fft.rfftn``: the last axis, x, holds
n_x//2 + 1 modes); ∇² multiplies by −|k|² with the Nyquist modes kept, the gradient by i k_i with
the Nyquist mode of each axis zeroed. The integrators take their Python loops (the compiled KG
kernels are 1D); every method of :data:`~simsuite.models.klein_gordon.config.INTEGRATORS` works on
these states.

Invariants (ΔV = Π dx_i): energy E = ∫ ½φ_t² + ½|∇φ|² + V(φ) dV with the gradient energy by
parts, ½∫|∇φ|² = −½∫ φ ∇²φ dV (Parseval over every mode the dynamics uses, Nyquist included), and
momentum P_i = −∫ φ_t ∂_iφ dV, one component per axis. P is conserved exactly by the linear
potential (Σ π ∂_iπ = 0 and Σ ∇²φ ∂_iφ = 0 for the antisymmetric spectral ∂_i); with a nonlinear V
the pseudo-spectral product V′(φ) breaks the discrete chain rule, and P drifts at the level of the
aliasing error (zero for fields symmetric under x_i → −x_i about the grid, as a centred ring).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.fft as sfft

from simsuite.models.base import MemoryNeeds
from simsuite.models.klein_gordon.potentials import Potential
from simsuite.models.klein_gordon.problem import KGProblem
from simsuite.spectral.grids import dealias_filter
from simsuite.spectral.nd_grid import AXIS_NAMES, PeriodicGridND

__all__ = [
    "KGProblemND",
    "memory_needs_nd",
]


class KGProblemND:
    """The Klein–Gordon operators on a :class:`PeriodicGridND` (see the module docstring).

    Parameters
    ----------
    grid : PeriodicGridND
    potential : Potential
    mask : ndarray or None
        Filter of the real-FFT modes applied to V′(φ) (dealiasing), or None.
    max_field : float
        Largest |φ| expected (the initial one), for the stability estimate :attr:`max_frequency`.
    """

    filter_each_step = False
    kernels = None
    compiled_steps = False

    def __init__(
        self,
        grid: PeriodicGridND,
        potential: Potential,
        mask: np.ndarray | None,
        max_field: float,
    ):
        self.grid = grid
        self.potential = potential
        self.mask = mask
        self.mass2 = max(float(potential.mass2), 0.0)
        self.axes = tuple(range(-grid.ndim, 0))
        self.k_squared = _full(real_modes(grid, [axis.k**2 for axis in grid.axes]), np.add)
        self.minus_k2 = -self.k_squared
        self.wavenumbers_odd = tuple(real_modes(grid, [axis.k_odd for axis in grid.axes]))
        self.omega = np.sqrt(self.k_squared + self.mass2)
        curvature = potential.max_curvature(-max_field, max_field)
        k2_max = sum(k * k for k in grid.k_max)
        self.max_frequency = math.sqrt(k2_max + max(curvature, 0.0))
        self._flow_cache: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        # first-order form for the Runge–Kutta methods: y = (φ, π), y' = (π, a(φ)), no linear part
        self.linear = np.zeros((2, *grid.shape))

    # -- transforms --------------------------------------------------------------------------------
    def to_modes(self, f: np.ndarray) -> np.ndarray:
        """Real-FFT coefficients of the field ``f`` over the grid axes (unnormalised)."""
        return sfft.rfftn(f, axes=self.axes, workers=self.grid.workers)

    def from_modes(self, f_hat: np.ndarray) -> np.ndarray:
        """The field of the real-FFT coefficients ``f_hat`` (with the factor 1/N)."""
        return sfft.irfftn(f_hat, s=self.grid.shape, axes=self.axes, workers=self.grid.workers)

    def laplacian(self, phi: np.ndarray) -> np.ndarray:
        """∇²φ = F⁻¹[−|k|² φ̂]."""
        return self.from_modes(self.minus_k2 * self.to_modes(phi))

    def gradient(self, phi: np.ndarray) -> tuple[np.ndarray, ...]:
        """(∂_x φ, ∂_y φ, ∂_z φ) = F⁻¹[i k_i φ̂], Nyquist modes zeroed."""
        modes = self.to_modes(phi)
        return tuple(self.from_modes(1j * k * modes) for k in self.wavenumbers_odd)

    def _minus_dv(self, phi: np.ndarray) -> np.ndarray:
        """−V′(φ) (unfiltered), a new contiguous array."""
        out = np.empty(self.grid.shape)
        zeros = np.zeros(self.grid.shape)
        self._force_into(out, zeros, phi)
        return out

    def _force_into(self, out: np.ndarray, lap: np.ndarray, phi: np.ndarray) -> np.ndarray:
        """out ← lap − V′(φ) by the potential's kernel on flat views (contiguous arrays)."""
        phi = np.ascontiguousarray(phi, dtype=float)
        self.potential.force_into(
            out.reshape(-1), np.ascontiguousarray(lap).reshape(-1), phi.reshape(-1)
        )
        return out

    # -- second-order view -------------------------------------------------------------------------
    def acceleration(self, phi: np.ndarray) -> np.ndarray:
        """a(φ) = ∇²φ − V′(φ) (V′ filtered when a mask is set)."""
        if self.mask is None:
            lap = np.ascontiguousarray(self.laplacian(phi))
            return self._force_into(lap, lap, phi)  # elementwise: in place is safe
        modes = self.to_modes(phi)
        force = self.minus_k2 * modes + self.mask * self.to_modes(self._minus_dv(phi))
        return self.from_modes(force)

    def remainder(self, phi: np.ndarray) -> np.ndarray:
        """g(φ) = a(φ) − Aφ = m²φ − V′(φ)."""
        force = self._minus_dv(phi)
        if self.mask is not None:
            force = self.from_modes(self.mask * self.to_modes(force))
        return self.mass2 * phi + force

    def linear_flow(self, phi: np.ndarray, pi: np.ndarray, h: float):
        """Exact flow over h of φ_tt = ∇²φ − m²φ, mode by mode:
        a ← a cos ωh + b sin(ωh)/ω, b ← −a ω sin ωh + b cos ωh, ω² = |k|² + m²."""
        a, b = self.to_modal(phi, pi)
        self.modal_kick_flow(a, b, None, 0.0, h)
        return self.from_modal(a, b)

    # -- modal view --------------------------------------------------------------------------------
    def to_modal(self, phi: np.ndarray, pi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Real-FFT coefficients (a, b) of φ and π."""
        return self.to_modes(phi), self.to_modes(pi)

    def from_modal(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(φ, π) on the grid from their coefficients."""
        return self.from_modes(a), self.from_modes(b)

    def modal_remainder(self, a: np.ndarray) -> np.ndarray:
        """Coefficients of g(φ) = m²φ − V′(φ) for φ with coefficients ``a``: m² a + the
        coefficients of −V′(φ) (filtered when a mask is set); one transform pair."""
        force = self.to_modes(self._minus_dv(self.from_modes(a)))
        if self.mask is not None:
            force *= self.mask
        force += self.mass2 * a
        return force

    def modal_kick_flow(self, a: np.ndarray, b: np.ndarray, g, c: float, h: float) -> None:
        """In place, the kick b ← b + c·g (none for ``g`` None) followed by the exact flow over h
        of φ_tt = ∇²φ − m²φ on the coefficients."""
        cos, sin_over, minus_w_sin = self._flow_factors(h)
        if g is not None and c != 0.0:
            b += c * g
        a_new = cos * a + sin_over * b
        b *= cos
        b += minus_w_sin * a
        a[...] = a_new

    #: cos ωh, sin(ωh)/ω and −ω sin ωh per mode, cached per step size: the 1D problem's method
    _flow_factors = KGProblem._flow_factors

    # -- first-order view (dop853) -----------------------------------------------------------------
    def nonlinear(self, y: np.ndarray) -> np.ndarray:
        """(π, a(φ)) for y = (φ, π)."""
        return np.stack((y[1], self.acceleration(y[0])))

    def filter(self, y: np.ndarray) -> np.ndarray:
        return y

    # -- diagnostics -------------------------------------------------------------------------------
    def energy_density(self, y: np.ndarray) -> np.ndarray:
        """e = ½φ_t² + ½|∇φ|² + V(φ) on the grid (spectral gradient, Nyquist modes zeroed)."""
        phi, pi = y[0], y[1]
        grad2 = sum(g * g for g in self.gradient(phi))
        return 0.5 * pi * pi + 0.5 * grad2 + self.potential.V(phi)

    def invariants(self, y: np.ndarray) -> dict[str, float]:
        """Energy E and momentum components P_i (module docstring)."""
        phi, pi = y[0], y[1]
        grid = self.grid
        modes = self.to_modes(phi)
        lap = self.from_modes(self.minus_k2 * modes)
        gradient_energy = -0.5 * grid.integrate(phi * lap)
        energy = grid.integrate(0.5 * pi * pi + self.potential.V(phi)) + gradient_energy
        out = {"energy": float(energy)}
        for name, k in zip(AXIS_NAMES, self.wavenumbers_odd, strict=False):
            out[f"momentum_{name}"] = -float(grid.integrate(pi * self.from_modes(1j * k * modes)))
        return out

    def energy_scale(self, y: np.ndarray) -> float:
        """E_s = E + ∫ (|V| − V) dV (= E where V ≥ 0, every built-in potential); E_s ≥ |P_i|
        since |φ_t ∂_iφ| ≤ ½(φ_t² + |∇φ|²)."""
        v = self.potential.V(y[0])
        return float(self.invariants(y)["energy"] + self.grid.integrate(np.abs(v) - v))


def real_modes(grid: PeriodicGridND, values: list[np.ndarray]) -> list[np.ndarray]:
    """Per-axis arrays ``values[i]`` (length n_i, FFT order) as sparse arrays on the real-FFT
    modes of ``grid`` (shape ``(..., n_x//2 + 1)``): the x axis keeps its first n_x//2 + 1
    entries, the non-negative wavenumbers of ``rfftfreq`` (for the quantities used here, k², the
    odd-derivative k with its Nyquist entry zeroed and the filters of |k|, the sign of the
    Nyquist entry does not matter)."""
    d = grid.ndim
    out = []
    for i, (axis, v) in enumerate(zip(grid.axes, values, strict=True)):
        v = np.asarray(v, dtype=float)
        if i == 0:
            v = v[: axis.n // 2 + 1]
        shape = [1] * d
        shape[d - 1 - i] = v.size
        out.append(v.reshape(shape))
    return out


def _full(parts: list[np.ndarray], combine) -> np.ndarray:
    """The sparse parts combined (``np.add``, ``np.multiply``) into one dense array."""
    total = parts[0]
    for part in parts[1:]:
        total = combine(total, part)
    shape = np.broadcast_shapes(*(p.shape for p in parts))
    return np.ascontiguousarray(np.broadcast_to(total, shape))


def real_mode_filter(grid: PeriodicGridND, kind: str, strength: float, order: int):
    """The dealiasing filter of ``[grid]`` on the real-FFT modes (the product over the axes of
    :func:`~simsuite.spectral.grids.dealias_filter`), or None for ``kind = "none"``."""
    if kind == "none":
        return None
    factors = [dealias_filter(axis.k, kind, strength, order) for axis in grid.axes]
    return _full(real_modes(grid, factors), np.multiply)


def memory_needs_nd(cfg) -> MemoryNeeds:
    """The state (φ, φ_t) is 2N floats (16 N bytes), N = Π n_i; the Runge–Kutta view has L = 0.
    Own arrays per point: the zero L (2 × 8), and on the ≈ N/2 real-FFT modes |k|², −|k|², ω, the
    mask and the sparse wavenumbers (≈ 5 × 4); the initial fields, the initial state, the
    invariants' and snapshots' temporaries (transforms, gradient, V: 12 × 8). A snapshot: φ and
    φ_t (2 × 8). The flow factors of the exponential methods are counted by the integrator."""
    n = int(np.prod(cfg.grid.axes()[2]))
    return MemoryNeeds(
        state_bytes=16 * n,
        state_size=2 * n,
        parts={
            "grid, operators and FFT buffers": (2 * 8 + 5 * 4) * n,
            "initial state and snapshot temporaries": (12 * 8) * n,
        },
        snapshot_bytes=2 * 8 * n + 16 * 8,
        probe_values=0,
        linear=False,
    )
