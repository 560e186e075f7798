"""Spectral bases for a real field φ(x) under periodic, antiperiodic, Neumann and Dirichlet boundaries.

A basis is a grid of ``n`` points on ``[x_min, x_max]`` (``L = x_max − x_min``, ``dx = L/n``) together
with a fast transform whose modes are eigenfunctions of −∂xx: −∂xx of mode ``j`` is ``k[j]²`` times it.
The Klein–Gordon models evolve each mode exactly in their linear part, so the basis decides which boundary
condition the field obeys (design notes: "Boundary conditions for the field models").

* ``periodic``: x_j = x_min + j·dx (right end excluded); ``rfft``/``irfft``; k = 2π m/L, m = 0..⌊n/2⌋.
* ``antiperiodic``: same grid; ``fft`` of φ·e^{−iπ(x − x_min)/L}; k = 2π m/L + π/L, m in ``fftfreq`` order.
* ``neumann``: cell centres x_j = x_min + (j + ½)·dx; ``dct`` type II; k = π m/L, m = 0..n−1.
* ``dirichlet``: cell centres; ``dst`` type II of φ − φ_ref; k = π (m + 1)/L, m = 0..n−1.

All transforms use scipy's default ("backward") normalisation: the forward transform is unnormalised
and the inverse carries the 1/n (1/2n for DCT/DST), so ``from_modes(to_modes(f)) == f`` to round-off.

Non-homogeneous boundary data are carried by a *reference* φ_ref, a linear function (φ_ref_xx = 0):

* periodic with ``jump`` J (φ(x + L) = φ(x) + J, J = 2πQ for a sine-Gordon field of winding number Q):
  φ_ref = J·(x − x_min)/L, so that φ − φ_ref is periodic;
* dirichlet with end values ``left``, ``right``: φ_ref = left + (right − left)·(x − x_min)/L, so that
  φ − φ_ref vanishes at both ends.

The transforms act on φ − φ_ref; the reference adds nothing to the Laplacian and its constant slope to the
gradient. Pass ``subtract_reference=False`` (``add_reference=False``) for fields without a boundary offset,
such as φ_t.

Quadrature
----------
``integrate`` is the rectangle rule Σ f·dx on every grid. It is spectrally accurate for integrands whose
natural extension is smooth and periodic:

* periodic and antiperiodic grids: the trapezoid rule for an L-periodic integrand (it integrates
  e^{2πi m x/L} exactly for 0 < |m| < n). For an antiperiodic φ, φ², φ_t², φ_x² and V(φ) are L-periodic
  whenever V(−φ) = V(φ) (φ⁴, sine-Gordon), so the energy is spectrally accurate; φ itself is not
  periodic, and for it the rule is only first order.
* cell-centred grids: the midpoint rule, which integrates cos(π m (x − x_min)/L) exactly for 0 < m < 2n
  (Σ_j e^{iπ m (j + ½)/n} is 0 for even m and i/sin(π m/2n), purely imaginary, for odd m), so it is
  spectrally accurate for integrands whose even reflection about both ends is smooth (a cosine series).
  The energy density of a Neumann field is. For a Dirichlet field φ_t² and φ_x² are, and so is V(φ) if V
  is even about the end values (sine-Gordon at 0, 2π); at a vacuum end where it is not (φ⁴ at ±1:
  V''' = ±6) the midpoint error is O(dx⁴·V'''·φ_x³), negligible while the field is flat at the walls.
  A sine series (φ − φ_ref of a Dirichlet field itself) is integrated only to O(dx²).

References: J. P. Boyd, *Chebyshev and Fourier Spectral Methods*, 2nd ed. (Dover, 2001) (cosine and
sine bases, parity, quadrature); L. N. Trefethen, *Spectral Methods in MATLAB* (SIAM, 2000), ch. 3 (the
Nyquist mode in odd derivatives).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import numpy as np
import scipy.fft as sfft

from simsuite.spectral.fft import RealFFT
from simsuite.spectral.grids import BOUNDARY_CHOICES, dealias_filter

_BASES: dict[str, type[FieldBasis]] = {}


def _frozen(a: np.ndarray) -> np.ndarray:
    """Mark a cached array read-only, so that no caller can change the basis by accident."""
    a.flags.writeable = False
    return a


@dataclass(frozen=True)
class FieldBasis:
    """Spectral basis of a real field on ``[x_min, x_max]`` with ``n`` points.

    Subclasses set the class data ``kind`` (the registry name), ``transform`` and ``cell_centred`` and
    implement ``k``, ``_forward``, ``_inverse`` and ``_gradient`` on fields without a boundary offset.
    Every method accepts a stack of fields; the grid is the last axis.

    Parameters
    ----------
    x_min, x_max : float
        Domain ends.
    n : int
        Number of grid points.
    workers : int
        Threads of the transforms.
    fft : str
        FFT library where a basis can use planned transforms (``simsuite.spectral.fft``): "auto",
        "fftw", "fftw_measure" or "scipy" (the periodic basis; the others use scipy.fft).
    """

    x_min: float
    x_max: float
    n: int
    workers: int = 1
    fft: str = "scipy"

    kind: ClassVar[str] = ""
    transform: ClassVar[str] = ""
    cell_centred: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.kind:
            _BASES[cls.kind] = cls

    def __post_init__(self) -> None:
        if not self.x_max > self.x_min:
            raise ValueError(f"x_max = {self.x_max} must be greater than x_min = {self.x_min}")
        if self.n < 2:
            raise ValueError(f"n = {self.n}: a spectral basis needs at least 2 points")

    # -- grid -------------------------------------------------------------------------------------

    @property
    def length(self) -> float:
        return self.x_max - self.x_min

    @property
    def dx(self) -> float:
        return self.length / self.n

    @cached_property
    def x(self) -> np.ndarray:
        """Grid points: ``x_min + j·dx`` (periodic grids) or ``x_min + (j + ½)·dx`` (cell centres)."""
        offset = 0.5 if self.cell_centred else 0.0
        return _frozen(self.x_min + self.dx * (np.arange(self.n, dtype=np.float64) + offset))

    @cached_property
    def k(self) -> np.ndarray:
        """Wavenumbers of the modes, in the order ``to_modes`` returns them."""
        raise NotImplementedError

    @property
    def k_max(self) -> float:
        """Largest |k| of the basis."""
        return float(np.max(np.abs(self.k)))

    # -- boundary data ----------------------------------------------------------------------------

    @property
    def reference_slope(self) -> float:
        """Constant slope of the reference, d φ_ref/dx (0 without a reference)."""
        return 0.0

    @cached_property
    def reference(self) -> np.ndarray | None:
        """Linear φ_ref that carries the non-homogeneous boundary data, or None."""
        slope = self.reference_slope
        start = self._reference_start
        if slope == 0.0 and start == 0.0:
            return None
        return _frozen(start + slope * (self.x - self.x_min))

    @property
    def _reference_start(self) -> float:
        """φ_ref(x_min)."""
        return 0.0

    # -- transforms -------------------------------------------------------------------------------

    def _forward(self, f: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _inverse(self, c: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _gradient(self, c: np.ndarray) -> np.ndarray:
        """∂x of the field with modes ``c`` (no reference), on the grid."""
        raise NotImplementedError

    def to_modes(self, f: np.ndarray, subtract_reference: bool = True) -> np.ndarray:
        """Mode coefficients of ``f − φ_ref`` (of ``f`` itself if ``subtract_reference`` is False)."""
        f = np.asarray(f)
        if subtract_reference and self.reference is not None:
            f = f - self.reference
        return self._forward(f)

    def from_modes(self, c: np.ndarray, add_reference: bool = True) -> np.ndarray:
        """Field on the grid from its mode coefficients, plus φ_ref if ``add_reference``."""
        f = self._inverse(np.asarray(c))
        if add_reference and self.reference is not None:
            f = f + self.reference
        return f

    # -- operators --------------------------------------------------------------------------------

    @cached_property
    def minus_k2(self) -> np.ndarray:
        """−k², the symbol of ∂ₓ² (read-only)."""
        return _frozen(-(self.k**2))

    def laplacian(self, f: np.ndarray, *, subtract_reference: bool = True) -> np.ndarray:
        """f_xx, spectrally (φ_ref_xx = 0)."""
        modes = self.to_modes(f, subtract_reference)
        modes *= self.minus_k2
        return self._inverse(modes)

    def gradient(self, f: np.ndarray, *, subtract_reference: bool = True) -> np.ndarray:
        """f_x, spectrally, plus the slope of φ_ref if ``subtract_reference``."""
        df = self._gradient(self.to_modes(f, subtract_reference))
        if subtract_reference and self.reference_slope != 0.0:
            df += self.reference_slope
        return df

    def laplacian_and_gradient(self, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(f_xx, f_x) as :meth:`laplacian` and :meth:`gradient` give them, from one forward
        transform."""
        modes = self.to_modes(f)
        df = self._gradient(modes)
        if self.reference_slope != 0.0:
            df += self.reference_slope
        return self._inverse(modes * self.minus_k2), df

    def evaluation(self, x: float) -> np.ndarray:
        """Weights e_m(x) of the modes at the point ``x``: the basis expansion of a field f with
        modes c = ``to_modes(f)`` is f(x) = Re Σ_m c_m e_m(x) (+ φ_ref(x)), which is f itself at
        every grid point and its spectral interpolant between them."""
        return self._evaluation(float(x) - self.x_min)

    def _evaluation(self, s: float) -> np.ndarray:
        """:meth:`evaluation` at s = x − x_min."""
        raise NotImplementedError

    def cardinal(self, x: float) -> np.ndarray:
        """Grid weights w of the point ``x``: f(x) = w·(f − φ_ref) + φ_ref(x), the value of
        :meth:`interpolate` as one dot product (w_j = Re Σ_m e_m(x) T_mj, T the forward
        transform, evaluated with one transform of the weights e(x))."""
        return np.real(self._transpose(self.evaluation(x)))

    def _transpose(self, e: np.ndarray) -> np.ndarray:
        """Tᵀ e for the forward transform T (modes = T f)."""
        raise NotImplementedError

    def reference_at(self, x: float) -> float:
        """φ_ref(x) (0 without a reference)."""
        return self._reference_start + self.reference_slope * (float(x) - self.x_min)

    def interpolate(self, f: np.ndarray, x: float, *, subtract_reference: bool = True):
        """f(x) from the basis expansion of ``f`` (a field or a stack, grid last): exact for a
        field of the basis's modes, spectrally accurate for a smooth one, at any x (not only grid
        points); φ_ref(x) is added back if ``subtract_reference``."""
        value = np.real(self.to_modes(f, subtract_reference) @ self.evaluation(x))
        return value + self.reference_at(x) if subtract_reference else value

    def integrate(self, f: np.ndarray) -> float | np.ndarray:
        """∫ f dx by the rectangle rule Σ f·dx (see the module docstring for when it is spectral)."""
        if np.ndim(f) == 1:  # the common case, without np.sum's axis handling
            return float(np.add.reduce(f) * self.dx)
        total = np.sum(f, axis=-1) * self.dx
        return float(total) if np.ndim(total) == 0 else total

    def mode_filter(self, kind: str, strength: float = 36.0, order: int = 36) -> np.ndarray | None:
        """Real multiplier over the modes (``spectral.dealias_filter`` on ``k``); None for "none"."""
        return dealias_filter(self.k, kind, strength, order)

    def apply_filter(
        self, f: np.ndarray, mask: np.ndarray | None, *, subtract_reference: bool = True
    ) -> np.ndarray:
        """``f`` filtered through the modes; φ_ref passes untouched. ``mask = None`` returns ``f``."""
        if mask is None:
            return f
        return self.from_modes(mask * self.to_modes(f, subtract_reference), subtract_reference)

    def describe(self) -> str:
        """Short description for output attributes."""
        grid = "cell-centred grid" if self.cell_centred else "uniform grid, right end excluded"
        return f"{self.kind} ({self.transform}, {grid}{self._describe_data()})"

    def _describe_data(self) -> str:
        return ""


@dataclass(frozen=True)
class PeriodicBasis(FieldBasis):
    """φ(x + L) = φ(x) + ``jump``: real FFT of the periodic part φ − J·(x − x_min)/L.

    ``k = 2π m/L``, m = 0..⌊n/2⌋ (``rfft`` order). For the gradient the Nyquist mode (n even) is dropped,
    its sign being ambiguous for a real field.
    """

    jump: float = 0.0

    kind: ClassVar[str] = "periodic"
    transform: ClassVar[str] = "real FFT"

    @cached_property
    def k(self) -> np.ndarray:
        return _frozen(2.0 * np.pi * sfft.rfftfreq(self.n, d=self.dx))

    @cached_property
    def k_odd(self) -> np.ndarray:
        """The wavenumbers of odd derivatives: k with the Nyquist mode (even n) zeroed."""
        k = self.k.copy()
        if self.n % 2 == 0:
            k[-1] = 0.0
        return k

    @property
    def reference_slope(self) -> float:
        return self.jump / self.length

    @cached_property
    def plan(self) -> RealFFT:
        """The planned real FFT of one field (``simsuite.spectral.fft.RealFFT``)."""
        return RealFFT(self.n, self.workers, self.fft)

    def _forward(self, f):
        return self.plan.forward(np.asarray(f, dtype=float))

    def _inverse(self, c):
        return self.plan.inverse(np.asarray(c))

    def _gradient(self, c):
        return self._inverse(1j * self.k_odd * c)

    def _transpose(self, e):
        # rfft: T_mj = e^{−2πi mj/n}, m = 0..⌊n/2⌋
        padded = np.zeros(self.n, dtype=complex)
        padded[: e.size] = e
        return sfft.fft(padded)

    def _evaluation(self, s):
        # irfft: f = (1/n)[c_0 + 2 Σ_{0<m<n/2} Re(c_m e^{ik_m s}) + c_{n/2} cos(k_{n/2} s)], the
        # Nyquist coefficient (n even) being real
        weights = 2.0 * np.exp(1j * self.k * s) / self.n
        weights[0] = 1.0 / self.n
        if self.n % 2 == 0:
            weights[-1] = np.cos(self.k[-1] * s) / self.n
        return weights

    def _describe_data(self):
        return f", jump {self.jump:.12g}" if self.jump else ""


@dataclass(frozen=True)
class AntiperiodicBasis(FieldBasis):
    """φ(x + L) = −φ(x): half-integer Fourier modes e^{i k (x − x_min)}, k = (2m + 1)π/L.

    Forward: ``fft(φ·e^{−iπ(x − x_min)/L})``, whose entry m (``fftfreq`` order) multiplies
    e^{i(2π m/L + π/L)(x − x_min)}. Inverse: multiply ``ifft`` back by e^{iπ(x − x_min)/L} and take the
    real part. k is never 0. For even n the k come in ± pairs; for odd n the unpaired top mode k = nπ/L
    samples as (−1)^j with a real coefficient, so taking the real part drops it from the gradient, as the
    Nyquist mode is dropped on a periodic grid.
    """

    kind: ClassVar[str] = "antiperiodic"
    transform: ClassVar[str] = "complex FFT, half-integer modes"

    @cached_property
    def k(self) -> np.ndarray:
        return _frozen(2.0 * np.pi * sfft.fftfreq(self.n, d=self.dx) + np.pi / self.length)

    @cached_property
    def _twist(self) -> np.ndarray:
        return _frozen(np.exp(-1j * np.pi * (self.x - self.x_min) / self.length))

    def _forward(self, f):
        return sfft.fft(f * self._twist, workers=self.workers)

    def _inverse(self, c):
        return (sfft.ifft(c, workers=self.workers) * self._twist.conj()).real

    def _gradient(self, c):
        return self._inverse(1j * self.k * c)

    def _transpose(self, e):
        # T_mj = e^{−2πi mj/n}·e^{−iπ s_j/L}
        return sfft.fft(e) * self._twist

    def _evaluation(self, s):
        # f = Re (1/n) Σ_m c_m e^{i k_m s}, k_m = 2π m/L + π/L (the inverse above, at any s)
        return np.exp(1j * self.k * s) / self.n


@dataclass(frozen=True)
class NeumannBasis(FieldBasis):
    """φ_x = 0 at both ends: cosines cos(π m (x − x_min)/L), m = 0..n−1, on the cell-centred grid.

    ``dct`` type II samples exactly these cosines at x_j = x_min + (j + ½)dx. The gradient is a sine
    series sin(π m (x − x_min)/L), m = 1..n, evaluated with ``idst`` type II (the m = n sine, which would
    hold the derivative of a cosine m = n absent from the basis, is zero).
    """

    kind: ClassVar[str] = "neumann"
    transform: ClassVar[str] = "DCT-II"
    cell_centred: ClassVar[bool] = True

    @cached_property
    def k(self) -> np.ndarray:
        return _frozen(np.pi * np.arange(self.n) / self.length)

    def _forward(self, f):
        return sfft.dct(f, type=2, workers=self.workers)

    def _inverse(self, c):
        return sfft.idct(c, type=2, workers=self.workers)

    def _gradient(self, c):
        # With backward normalisation idct and idst weight coefficient m by 1/n alike (m ≥ 1), so the
        # derivative −k_m a_m cos → sin moves from cosine slot m to sine slot m − 1 unscaled.
        s = np.zeros_like(c)
        s[..., :-1] = -self.k[1:] * c[..., 1:]
        return sfft.idst(s, type=2, workers=self.workers)

    def _transpose(self, e):
        # DCT-II: T_mj = 2 cos(π m (2j + 1)/2n); DCT-III gives e_0 + 2 Σ_m≥1 e_m cos(...)
        return sfft.dct(e, type=3) + e[0]

    def _evaluation(self, s):
        # idct type II: f = (1/n)[c_0/2 + Σ_{m≥1} c_m cos(k_m s)]
        weights = np.cos(self.k * s) / self.n
        weights[0] = 0.5 / self.n
        return weights


@dataclass(frozen=True)
class DirichletBasis(FieldBasis):
    """φ = ``left`` at x_min and ``right`` at x_max: sines of w = φ − φ_ref on the cell-centred grid.

    φ_ref = left + (right − left)(x − x_min)/L; ``dst`` type II samples sin(π (m + 1)(x − x_min)/L),
    m = 0..n−1, at x_j = x_min + (j + ½)dx. The gradient of w is a cosine series evaluated with ``idct``
    type II; the top sine (m + 1 = n), which samples as (−1)^j, has zero derivative on the grid.
    """

    left: float = 0.0
    right: float = 0.0

    kind: ClassVar[str] = "dirichlet"
    transform: ClassVar[str] = "DST-II of phi - phi_ref"
    cell_centred: ClassVar[bool] = True

    @cached_property
    def k(self) -> np.ndarray:
        return _frozen(np.pi * np.arange(1, self.n + 1) / self.length)

    @property
    def reference_slope(self) -> float:
        return (self.right - self.left) / self.length

    @property
    def _reference_start(self) -> float:
        return self.left

    def _forward(self, f):
        return sfft.dst(f, type=2, workers=self.workers)

    def _inverse(self, c):
        return sfft.idst(c, type=2, workers=self.workers)

    def _gradient(self, c):
        # k_m b_m sin → cos moves from sine slot m to cosine slot m + 1 (see NeumannBasis._gradient).
        a = np.zeros_like(c)
        a[..., 1:] = self.k[:-1] * c[..., :-1]
        return sfft.idct(a, type=2, workers=self.workers)

    def _transpose(self, e):
        # DST-II: T_mj = 2 sin(π (m + 1)(2j + 1)/2n); DST-III weights the top mode by (−1)^j once
        return sfft.dst(e, type=3) + e[-1] * (-1.0) ** np.arange(self.n)

    def _evaluation(self, s):
        # idst type II: f = (1/n)[Σ_{m<n−1} c_m sin(k_m s) + ½ c_{n−1} sin(k_{n−1} s)]
        weights = np.sin(self.k * s) / self.n
        weights[-1] *= 0.5
        return weights

    def _describe_data(self):
        return f", phi(x_min) = {self.left:.12g}, phi(x_max) = {self.right:.12g}"


assert tuple(_BASES) == BOUNDARY_CHOICES, "one basis per grid.boundary choice"


def make_basis(
    kind: str,
    x_min: float,
    x_max: float,
    n: int,
    *,
    jump: float = 0.0,
    left: float | None = None,
    right: float | None = None,
    workers: int = 1,
    fft: str = "scipy",
) -> FieldBasis:
    """The basis for boundary ``kind`` (one of ``BOUNDARY_CHOICES``).

    ``jump`` applies to "periodic" only, ``left``/``right`` (default 0) to "dirichlet" only; giving them
    for another kind is an error rather than silently ignored.
    """
    if kind not in _BASES:
        raise ValueError(f"unknown boundary {kind!r}; known: {', '.join(BOUNDARY_CHOICES)}")
    if jump != 0.0 and kind != "periodic":
        raise ValueError(f"jump = {jump} applies to periodic boundaries only, not {kind!r}")
    if (left is not None or right is not None) and kind != "dirichlet":
        raise ValueError(f"left/right end values apply to dirichlet boundaries only, not {kind!r}")
    if kind == "periodic":
        return PeriodicBasis(x_min, x_max, n, workers, fft, jump=jump)
    if kind == "dirichlet":
        return DirichletBasis(x_min, x_max, n, workers, fft, left=left or 0.0, right=right or 0.0)
    return _BASES[kind](x_min, x_max, n, workers, fft)
