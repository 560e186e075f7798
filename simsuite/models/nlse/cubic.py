"""The cubic term of the NLSE in Fourier space, shared by the 1D and the N-D problems.

N(ψ̂) = F(i g |ψ|² ψ) and the exact flow of ψ_t = i g |ψ|² ψ over h, ψ ↦ ψ exp(i g |ψ|² h) (|ψ| is
constant under it), each evaluated pseudo-spectrally: inverse transform, the pointwise kernel of
:mod:`simsuite.models.nlse.kernels` on the flat physical array, forward transform, dealiasing.

With an external potential V (``potential``, an array of the grid's shape; N-D problems only) the
pointwise part is i (g|ψ|² − V) ψ and its exact flow ψ ↦ ψ exp(i (g|ψ|² − V) h), still with |ψ|
constant; without one (``potential = None``) the arithmetic is exactly the cubic one above.
"""

from __future__ import annotations

import numpy as np

from simsuite.models.nlse import kernels as nlse_kernels
from simsuite.spectral.fft import THREADS_FROM
from simsuite.spectral.nd_fft import ComplexFFTND


def parallel_pointwise(fft: object) -> bool:
    """Whether the pointwise kernels run on numba's threads: for N-D transforms
    (:class:`~simsuite.spectral.nd_fft.ComplexFFTND`) with more than one worker, from
    :data:`~simsuite.spectral.fft.THREADS_FROM` points on (where the transforms use threads too).
    The 1D problems keep the serial kernels."""
    return isinstance(fft, ComplexFFTND) and fft.workers > 1 and fft.size >= THREADS_FROM


class CubicTerms:
    """N(ψ̂) and its exact flow for a problem with ``fft`` (a ``ComplexFFT``-like pair of
    transforms with ``backward``, ``forward`` and ``inverse_scale``), ``g`` and ``mask`` (the
    dealiasing multiplier, or None), on states of any shape. The pointwise kernels without a
    potential are the parallel ones where :func:`parallel_pointwise` says so (the same numbers)."""

    fft: object
    g: float
    mask: np.ndarray | None
    #: V on the grid, C-contiguous float64 of the state's shape, or None (V = 0)
    potential: np.ndarray | None = None

    @property
    def _pointwise(self) -> tuple:
        """``(cubic_term, cubic_phase)``, serial or parallel."""
        if parallel_pointwise(self.fft):
            return nlse_kernels.cubic_term_parallel, nlse_kernels.cubic_phase_parallel
        return nlse_kernels.cubic_term, nlse_kernels.cubic_phase

    def nonlinear(self, u: np.ndarray) -> np.ndarray:
        """N(ψ̂) = F(i (g |ψ|² − V) ψ), dealiased."""
        fft = self.fft
        if self.potential is None:
            self._pointwise[0](fft.backward(u).reshape(-1), self.g, fft.inverse_scale)
        else:
            nlse_kernels.cubic_potential_term(
                fft.backward(u).reshape(-1), self.potential.reshape(-1), self.g, fft.inverse_scale
            )
        out = fft.forward()
        if self.mask is not None:
            out *= self.mask
        return out

    def nonlinear_flow(self, u: np.ndarray, h: float) -> np.ndarray:
        """Exact flow of ψ_t = i (g |ψ|² − V) ψ over h, in Fourier space, dealiased."""
        fft = self.fft
        if self.potential is None:
            self._pointwise[1](fft.backward(u).reshape(-1), self.g * h, fft.inverse_scale)
        else:
            nlse_kernels.cubic_potential_phase(
                fft.backward(u).reshape(-1),
                self.potential.reshape(-1),
                self.g,
                h,
                fft.inverse_scale,
            )
        out = fft.forward()
        if self.mask is not None:
            out *= self.mask
        return out

    def filter(self, u: np.ndarray) -> np.ndarray:
        """The dealiasing multiplier applied to ``u`` (``u`` itself without one)."""
        return u if self.mask is None else u * self.mask
