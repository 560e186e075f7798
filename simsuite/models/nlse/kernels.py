"""Compiled kernels of the NLSE: the cubic term, its exact flow, and N for compiled loops.

The right-hand side ``N(ψ̂) = FFT(i g |ψ|² ψ)`` (times a dealiasing mask) is two FFTs of length
``n`` and one pass over the grid. :func:`nonlinear_into` evaluates it in compiled code through an
FFTW plan (:class:`~simsuite.spectral.fftw_numba.ComplexPlan`): the state is copied into the plan's
input, transformed, cubed in place, transformed back and masked. The model hands it to the
integrators as its :class:`~simsuite.integrators.base.SemilinearKernels`, and their compiled loops
(:mod:`simsuite.integrators.compiled_lawson`, :mod:`simsuite.integrators.compiled_adams`) call it.

The arithmetic is the Python path's (:meth:`~simsuite.models.nlse.model.NLSEProblem.nonlinear`):
the same FFTW algorithm (plans made with the same flags on aligned buffers, so that N is bit for bit
the same) and the same pointwise products in the same order.

All complex arrays are C-contiguous complex128; "real view" means ``a.view(np.float64)``.
"""

from __future__ import annotations

import numba
import numpy as np

from simsuite.spectral.fftw_numba import execute

__all__ = [
    "cubic_term",
    "cubic_phase",
    "cubic_term_parallel",
    "cubic_phase_parallel",
    "transform_cubic",
    "same_array",
    "nonlinear_into",
    "cubic_potential_term",
    "cubic_potential_phase",
]


@numba.njit(cache=True)
def cubic_term(psi: np.ndarray, g: float, scale: float) -> None:
    """In place: ψ ← i g |z|² z with z = scale · ψ (the scale of an unnormalised inverse FFT).

    Computed as ``c |ψ|² (-ψ_i, ψ_r)`` with ``c = g scale³``, on the real view (pairs (re, im)),
    which vectorises better than complex arithmetic and saves the two scalings per point.
    """
    c = g * scale * scale * scale
    r = psi.view(np.float64)
    for p in range(psi.size):
        x = r[2 * p]
        y = r[2 * p + 1]
        a = c * (x * x + y * y)
        r[2 * p] = -a * y
        r[2 * p + 1] = a * x


@numba.njit(cache=True)
def cubic_phase(psi: np.ndarray, gh: float, scale: float) -> None:
    """In place: ψ ← z exp(i g h |z|²) with z = scale · ψ, the exact flow of ψ_t = i g |ψ|² ψ over h."""
    for j in range(psi.size):
        z = psi[j] * scale
        phase = gh * (z.real * z.real + z.imag * z.imag)
        c, s = np.cos(phase), np.sin(phase)
        psi[j] = complex(z.real * c - z.imag * s, z.real * s + z.imag * c)


@numba.njit(cache=True, parallel=True)
def cubic_term_parallel(psi: np.ndarray, g: float, scale: float) -> None:
    """:func:`cubic_term` with the points shared among numba's threads (``prange``). Every point
    is the same arithmetic on the same numbers, so the result is bit for bit
    :func:`cubic_term`'s on any number of threads."""
    c = g * scale * scale * scale
    r = psi.view(np.float64)
    for p in numba.prange(psi.size):
        x = r[2 * p]
        y = r[2 * p + 1]
        a = c * (x * x + y * y)
        r[2 * p] = -a * y
        r[2 * p + 1] = a * x


@numba.njit(cache=True, parallel=True)
def cubic_phase_parallel(psi: np.ndarray, gh: float, scale: float) -> None:
    """:func:`cubic_phase` with the points shared among numba's threads (``prange``); bit for
    bit :func:`cubic_phase`'s result (the same scalar operations per point)."""
    for j in numba.prange(psi.size):
        z = psi[j] * scale
        phase = gh * (z.real * z.real + z.imag * z.imag)
        c, s = np.cos(phase), np.sin(phase)
        psi[j] = complex(z.real * c - z.imag * s, z.real * s + z.imag * c)


@numba.njit(cache=True)
def transform_cubic(g, scale, spectral, physical, address, forward, backward):
    """In place on the plan's buffers: ``spectral ← FFT(i g |ψ|² ψ)`` with
    ``ψ = scale · n · IFFT(spectral)`` (no mask)."""
    execute(address, backward)
    cubic_term(physical, g, scale)
    execute(address, forward)


@numba.njit(cache=True)
def same_array(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether ``a`` and ``b`` are the same memory (same start and size)."""
    return a.ctypes.data == b.ctypes.data and a.size == b.size


@numba.njit(cache=True)
def nonlinear_into(out, u, params):
    """``out = mask ⊙ FFT(i g |ψ|² ψ)`` with ψ = IFFT(u): N of the NLSE, the problem's
    :class:`~simsuite.integrators.base.SemilinearKernels` kernel (``out`` may be ``u``).

    ``params = (g, scale, mask, spectral, physical, address, forward, backward)``: ``g``, ``1/n``,
    the dealiasing mask (empty for none) and
    :attr:`~simsuite.spectral.fftw_numba.ComplexPlan.args`, whose buffers it overwrites. With
    ``u`` or ``out`` the plan's ``spectral`` buffer itself, the copy in or out is skipped.
    """
    g, scale, mask, spectral, physical, address, forward, backward = params
    if not same_array(u, spectral):
        spectral[:] = u
    transform_cubic(g, scale, spectral, physical, address, forward, backward)
    if mask.size:
        for m in range(out.size):
            out[m] = spectral[m] * mask[m]
    elif not same_array(out, spectral):
        out[:] = spectral


@numba.njit(cache=True)
def cubic_potential_term(psi: np.ndarray, v: np.ndarray, g: float, scale: float) -> None:
    """In place: ψ ← i (g|z|² − V) z with z = scale · ψ (N of the NLSE with a potential V,
    ``v`` the flat array of V in the order of ``psi``)."""
    for j in range(psi.size):
        z = psi[j] * scale
        a = g * (z.real * z.real + z.imag * z.imag) - v[j]
        psi[j] = complex(-a * z.imag, a * z.real)


@numba.njit(cache=True)
def cubic_potential_phase(psi: np.ndarray, v: np.ndarray, g: float, h: float, scale: float) -> None:
    """In place: ψ ← z exp(i (g|z|² − V) h) with z = scale · ψ, the exact flow of
    ψ_t = i (g|ψ|² − V) ψ over h (|ψ| is constant under it)."""
    for j in range(psi.size):
        z = psi[j] * scale
        phase = h * (g * (z.real * z.real + z.imag * z.imag) - v[j])
        c, s = np.cos(phase), np.sin(phase)
        psi[j] = complex(z.real * c - z.imag * s, z.real * s + z.imag * c)
