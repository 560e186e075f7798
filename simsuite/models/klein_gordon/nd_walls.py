"""The Klein–Gordon equation in a 2D or 3D box with walls: Neumann or Dirichlet on every face.

.. math:: φ_{tt} − ∇²φ + V′(φ) = 0 \\quad\\text{in } Π_i [x_{min,i}, x_{max,i}],

with ∂_nφ = 0 on every face (``grid.boundary = "neumann"``) or φ = c on every face
(``"dirichlet"``, c the value the initial field takes on the faces, which must be the same on all
of them). The basis is the tensor product of the 1D basis of :mod:`simsuite.spectral.bases` along
each axis (:class:`WallGridND`): the cell-centred points x_j = x_min + (j + ½)dx per axis, the modes
Π_i cos(k_i (x_i − x_min,i)) with k_i = π m_i/L_i, m_i = 0..n_i − 1 (Neumann; ``scipy.fft.dctn``
type II over the grid axes) or Π_i sin(k_i (x_i − x_min,i)) with k_i = π (m_i + 1)/L_i (Dirichlet;
``dstn`` type II of w = φ − c). Each mode is an eigenfunction of ∇² with eigenvalue
−|k|² = −Σ_i k_i², so the problem (:class:`KGProblemWallsND`) offers the integrators the same three
views as :class:`~simsuite.models.klein_gordon.nd.KGProblemND`, on mode arrays of the grid's shape:

* second order, q'' = a(q) with a(φ) = ∇²φ − V′(φ);
* the linear part A = ∇² − m², exact per mode (ω² = |k|² + m²) on the coefficients of w = φ − c
  (w = φ for Neumann), and the remainder g(φ) = m²(φ − c) − V′(φ);
* the first-order system y' = (π, a(φ)) for ``dop853``.

∂_i is the 1D basis derivative along axis i (cosine → sine series along that axis, unchanged
along the others), ∫ f dV the product midpoint rule Σ f ΔV, ΔV = Π dx_i, the dealiasing filter the
product of the 1D filters of the bases.

Invariants: the energy E = ∫ ½φ_t² + ½|∇φ|² + V(φ) dV, the gradient energy by parts as the 1D
Neumann and Dirichlet problems take it, ½∫|∇φ|² dV = −½ Σ w ∇²w ΔV (w satisfies the homogeneous
boundary condition; with the midpoint rule this is Parseval's sum over every mode the dynamics
uses). The walls break translation invariance, so no momentum is recorded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, reduce

import numpy as np
import scipy.fft as sfft

from simsuite.models.klein_gordon.nd import KGProblemND
from simsuite.models.klein_gordon.potentials import Potential
from simsuite.spectral.bases import DirichletBasis, FieldBasis, NeumannBasis
from simsuite.spectral.nd_grid import TensorGridAxes

__all__ = ["WALL_BOUNDARIES", "WallGridND", "KGProblemWallsND"]

#: The boundaries a 2D or 3D Klein–Gordon grid takes besides "periodic".
WALL_BOUNDARIES = ("neumann", "dirichlet")


@dataclass(frozen=True)
class WallGridND(TensorGridAxes):
    """Tensor product of 2 or 3 Neumann or Dirichlet bases, arrays of shape ``(n_z, n_y, n_x)``.

    Parameters
    ----------
    axes : tuple of FieldBasis
        One :class:`NeumannBasis` or homogeneous :class:`DirichletBasis` per axis, order (x, y, z).
    kind : str
        ``"neumann"`` or ``"dirichlet"``.
    wall_value : float
        c, the value of φ on every face (Dirichlet); 0 for Neumann.
    workers : int
        Threads of ``scipy.fft``.
    """

    axes: tuple[FieldBasis, ...]
    kind: str
    wall_value: float = 0.0
    workers: int = 1

    @classmethod
    def from_bounds(cls, kind, x_min, x_max, n, wall_value: float = 0.0, workers: int = 1):
        """The grid of boundary ``kind`` on Π_i [x_min[i], x_max[i]] with n[i] cells per axis."""
        if kind not in WALL_BOUNDARIES:
            raise ValueError(f"a WallGridND is neumann or dirichlet, not {kind!r}")
        basis = NeumannBasis if kind == "neumann" else DirichletBasis
        axes = tuple(
            basis(float(a), float(b), int(m), workers)
            for a, b, m in zip(x_min, x_max, n, strict=True)
        )
        return cls(axes, kind, float(wall_value) if kind == "dirichlet" else 0.0, workers)

    @property
    def k_max(self) -> tuple[float, ...]:
        return tuple(axis.k_max for axis in self.axes)

    @cached_property
    def coordinates(self) -> tuple[np.ndarray, ...]:
        """The cell centres of every axis, sparse, order (x, y, z)."""
        return tuple(self.sparse(axis.x, i) for i, axis in enumerate(self.axes))

    def integrate(self, f: np.ndarray) -> float:
        """∫ f dV by the product midpoint rule Σ f ΔV (over the last ``ndim`` axes)."""
        return float(np.sum(f) * self.cell_volume)

    def dense(self, parts: list[np.ndarray], combine) -> np.ndarray:
        """Per-axis arrays combined over the tensor grid (``np.add`` or ``np.multiply``)."""
        total = reduce(combine, (self.sparse(p, i) for i, p in enumerate(parts)))
        return np.ascontiguousarray(np.broadcast_to(total, self.shape), dtype=float)

    def mode_filter(self, kind: str, strength: float, order: int) -> np.ndarray | None:
        """The product of the 1D bases' dealiasing filters over the modes, None for "none"."""
        factors = [axis.mode_filter(kind, strength, order) for axis in self.axes]
        if factors[0] is None:
            return None
        return self.dense(factors, np.multiply)

    def describe(self) -> str:
        text = (
            f"{self.axes[0].kind} on every face ({self.axes[0].transform} per axis, cell-centred)"
        )
        if self.kind == "dirichlet":
            text += f", phi = {self.wall_value:.12g} on the walls"
        return text


class KGProblemWallsND(KGProblemND):
    """The Klein–Gordon operators on a :class:`WallGridND` (see the module docstring): the
    transforms, derivatives, the modal view and the energy of the walls' bases; the exact linear
    flow, the first-order view for dop853, the energy density and scale are
    :class:`~simsuite.models.klein_gordon.nd.KGProblemND`'s.

    Parameters
    ----------
    grid : WallGridND
    potential : Potential
    mask : ndarray or None
        Filter of the modes applied to V′(φ) (dealiasing), or None.
    max_field : float
        Largest |φ| expected (the initial one), for the stability estimate :attr:`max_frequency`.
    """

    def __init__(
        self, grid: WallGridND, potential: Potential, mask: np.ndarray | None, max_field: float
    ):
        self.grid = grid
        self.potential = potential
        self.mask = mask
        self.mass2 = max(float(potential.mass2), 0.0)
        self.axes = tuple(range(-grid.ndim, 0))
        self.neumann = grid.kind == "neumann"
        self.reference = grid.wall_value
        self.k_squared = grid.dense([axis.k**2 for axis in grid.axes], np.add)
        self.minus_k2 = -self.k_squared
        self.omega = np.sqrt(self.k_squared + self.mass2)
        curvature = potential.max_curvature(-max_field, max_field)
        self.max_frequency = math.sqrt(sum(k * k for k in grid.k_max) + max(curvature, 0.0))
        self._flow_cache: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.linear = np.zeros((2, *grid.shape))

    # -- transforms --------------------------------------------------------------------------------
    def to_modes(self, f: np.ndarray, subtract_reference: bool = True) -> np.ndarray:
        """Coefficients of f − c (of f if not ``subtract_reference``): DCT-II (Neumann) or DST-II
        (Dirichlet) over the grid axes, unnormalised."""
        if subtract_reference and self.reference != 0.0:
            f = f - self.reference
        transform = sfft.dctn if self.neumann else sfft.dstn
        return transform(f, type=2, axes=self.axes, workers=self.grid.workers)

    def from_modes(self, c: np.ndarray, add_reference: bool = True) -> np.ndarray:
        """The field of the coefficients ``c`` (+ c_wall if ``add_reference``)."""
        inverse = sfft.idctn if self.neumann else sfft.idstn
        f = inverse(c, type=2, axes=self.axes, workers=self.grid.workers)
        if add_reference and self.reference != 0.0:
            f += self.reference
        return f

    def laplacian(self, phi: np.ndarray) -> np.ndarray:
        """∇²φ = ∇²w from the coefficients of w = φ − c times −|k|²."""
        return self.from_modes(self.minus_k2 * self.to_modes(phi), add_reference=False)

    def gradient(self, phi: np.ndarray) -> tuple[np.ndarray, ...]:
        """(∂_x φ, ∂_y φ, ∂_z φ): along axis i the 1D basis derivative (Neumann: −k a_m cos →
        sine slot m − 1, inverse DST-II along i; Dirichlet: k b_m sin → cosine slot m + 1,
        inverse DCT-II along i), the other axes transformed back unchanged."""
        modes = self.to_modes(phi)
        out = []
        for i, axis in enumerate(self.grid.axes):
            a = self.grid.array_axis(i) - self.grid.ndim  # negative array axis
            k = self.grid.sparse(axis.k, i)
            shifted = np.zeros_like(modes)
            n = axis.n
            if self.neumann:
                dst = _take(shifted, a, 0, n - 1)
                dst[...] = -_take(k, a, 1, n) * _take(modes, a, 1, n)
            else:
                dst = _take(shifted, a, 1, n)
                dst[...] = _take(k, a, 0, n - 1) * _take(modes, a, 0, n - 1)
            field = shifted
            for j in range(self.grid.ndim):
                b = self.grid.array_axis(j) - self.grid.ndim
                along = (j == i) == self.neumann  # sine along i (Neumann) / off i (Dirichlet)
                inverse = sfft.idst if along else sfft.idct
                field = inverse(field, type=2, axis=b, workers=self.grid.workers)
            out.append(field)
        return tuple(out)

    def _minus_dv(self, phi: np.ndarray) -> np.ndarray:
        """−V′(φ) (unfiltered), a new contiguous array."""
        out = np.empty(self.grid.shape)
        self._force_into(out, np.zeros(self.grid.shape), phi)
        return out

    # -- second-order view -------------------------------------------------------------------------
    def acceleration(self, phi: np.ndarray) -> np.ndarray:
        """a(φ) = ∇²φ − V′(φ) (V′ filtered when a mask is set)."""
        if self.mask is None:
            lap = np.ascontiguousarray(self.laplacian(phi))
            return self._force_into(lap, lap, phi)
        force = self.minus_k2 * self.to_modes(phi)
        force += self.mask * self.to_modes(self._minus_dv(phi), subtract_reference=False)
        return self.from_modes(force, add_reference=False)

    def _potential_force(self, phi: np.ndarray) -> np.ndarray:
        """−V′(φ), filtered when a mask is set."""
        force = self._minus_dv(phi)
        if self.mask is None:
            return force
        modes = self.mask * self.to_modes(force, subtract_reference=False)
        return self.from_modes(modes, add_reference=False)

    def remainder(self, phi: np.ndarray) -> np.ndarray:
        """g(φ) = a(φ) − A(φ − c) = m²(φ − c) − V′(φ)."""
        return self.mass2 * (phi - self.reference) + self._potential_force(phi)

    # -- modal view --------------------------------------------------------------------------------
    def to_modal(self, phi: np.ndarray, pi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients (a, b) of φ − c and π."""
        return self.to_modes(phi), self.to_modes(pi, subtract_reference=False)

    def from_modal(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(φ, π) on the grid from their coefficients (c added back to φ)."""
        return self.from_modes(a), self.from_modes(b, add_reference=False)

    def modal_remainder(self, a: np.ndarray) -> np.ndarray:
        """Coefficients of g(φ) = m²(φ − c) − V′(φ) for φ − c with coefficients ``a``."""
        force = self.to_modes(self._minus_dv(self.from_modes(a)), subtract_reference=False)
        if self.mask is not None:
            force *= self.mask
        force += self.mass2 * a
        return force

    # -- diagnostics -------------------------------------------------------------------------------

    def invariants(self, y: np.ndarray) -> dict[str, float]:
        """The energy E (module docstring); no momentum (the walls break translations)."""
        phi, pi = y[0], y[1]
        w = phi - self.reference
        gradient_energy = -0.5 * self.grid.integrate(w * self.laplacian(phi))
        energy = self.grid.integrate(0.5 * pi * pi + self.potential.V(phi)) + gradient_energy
        return {"energy": float(energy)}


def _take(a: np.ndarray, axis: int, start: int, stop: int) -> np.ndarray:
    """The view a[start:stop] along ``axis`` (a broadcast axis of length 1 is kept whole)."""
    if a.shape[axis] == 1:
        return a
    index = [slice(None)] * a.ndim
    index[axis] = slice(start, stop)
    return a[tuple(index)]
