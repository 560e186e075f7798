"""Compiled Klein–Gordon kernels: the force a(φ) = φ_xx − V′(φ), the energy and momentum, and the
modal pieces of the exponential methods, on the periodic grid with FFTW executed from compiled code
(:mod:`simsuite.spectral.fftw_numba`).

The kick–drift integrators run whole steps in compiled loops over these kernels
(:mod:`simsuite.integrators.compiled_kick_drift`; the problem declares them as
:class:`~simsuite.integrators.second_order.KickDriftKernels`): the integrator keeps the method, the
model the equation. Every operation is the one the Python path of
:class:`~simsuite.models.klein_gordon.problem.KGProblem` does, in the same order, so both give the
same numbers (tested to round-off).

Potentials are selected by a code (``LINEAR``, ``PHI4``, ``SINE_GORDON``) with two parameters
``c1, c2``: m² (linear, sine-Gordon) or λ, v² (φ⁴). ``custom`` potentials stay on the Python path.

The kernels of the integrators take one ``params`` tuple as their last argument (:func:`params`):
``(ref, minus_k2, mask, kind, c1, c2, m2, real, modes, fftw, r2c, c2r)`` with φ_ref (``ref``, empty
for none), −k² per mode, the mode filter of V′ (``mask``, empty for none), the potential, the mass
m² of the linear part, and the FFTW plan's buffers and pointers.

Exponential (impulse) form: the modes (a, b) of (φ − φ_ref, π) (:func:`modes_into`,
:func:`fields_into`), and the modes g of the remainder m²(φ − φ_ref) − V′(φ)
(:func:`modal_remainder_into`: one inverse and one forward transform).
"""

from __future__ import annotations

import numba
import numpy as np

from simsuite.spectral.fftw_numba import execute

LINEAR, PHI4, SINE_GORDON = 0, 1, 2


@numba.njit(cache=True, inline="always")
def _dv(phi, kind, c1, c2):
    """V′(φ) of the potential ``kind`` (module docstring)."""
    if kind == PHI4:
        return c1 * phi * (phi * phi - c2)
    if kind == SINE_GORDON:
        return c1 * np.sin(phi)
    return c1 * phi


@numba.njit(cache=True, inline="always")
def _v(phi, kind, c1, c2):
    """V(φ) of the potential ``kind`` (module docstring)."""
    if kind == PHI4:
        d = phi * phi - c2
        return 0.25 * c1 * d * d
    if kind == SINE_GORDON:
        return c1 * (1.0 - np.cos(phi))
    return 0.5 * c1 * phi * phi


@numba.njit(cache=True)
def energy_momentum(phi, pi, ref, slope, dx, k, k_odd, kind, c1, c2, real, modes, fftw, r2c):
    """(E, P) of the state (φ, π) on the periodic grid, E = ∫ ½π² + V(φ) + ½φ_x² dx and
    P = −∫ π φ_x dx, φ = w + φ_ref with φ_ref of slope ``slope`` (``ref`` empty for none).

    The rectangle rule, with the gradient terms by Parseval over the real FFT (W, Π the rfft of
    w and π, weights c_m = 1 for m = 0 and the Nyquist mode, 2 otherwise):
    ½∫ φ_x² dx = ½ (s² L + (dx/n) Σ c_m k_m² |W_m|²) (every mode, as ``KGProblem.invariants``
    integrates −w w_xx) and ∫ π w_x dx = −(dx/n) Σ c_m k'_m Im(Π̄_m W_m), k' without the Nyquist
    mode (the pointwise spectral gradient drops it)."""
    n = phi.size
    local = 0.0
    for j in range(n):
        local += 0.5 * pi[j] * pi[j] + _v(phi[j], kind, c1, c2)
    total_pi = 0.0
    for j in range(n):
        total_pi += pi[j]
    real[:] = pi
    execute(fftw, r2c)
    pi_modes = modes.copy()
    if ref.size:
        for j in range(n):
            real[j] = phi[j] - ref[j]
    else:
        real[:] = phi
    execute(fftw, r2c)
    gradient, cross = 0.0, 0.0
    for m in range(modes.size):
        weight = 1.0 if (m == 0 or 2 * m == n) else 2.0
        w = modes[m]
        gradient += weight * k[m] * k[m] * (w.real * w.real + w.imag * w.imag)
        c = pi_modes[m]
        cross += weight * k_odd[m] * (c.real * w.imag - c.imag * w.real)
    length = n * dx
    energy = local * dx + 0.5 * (slope * slope * length + gradient * dx / n)
    momentum = (cross * dx / n) - slope * total_pi * dx
    return energy, momentum


@numba.njit(cache=True)
def scaled_sum_into(out, force, mask, m2, a):
    """out ← mask·force + m²·a (no mask when ``mask`` is None); ``out`` may be ``force``."""
    if mask is None:
        for j in range(out.size):
            out[j] = force[j] + m2 * a[j]
    else:
        for j in range(out.size):
            out[j] = mask[j] * force[j] + m2 * a[j]


@numba.njit(cache=True, inline="always")
def _laplacian_in_place(real, modes, minus_k2, fftw, r2c, c2r):
    """real ← ∂xx of the field in ``real`` (periodic, spectral): rfft, −k²/n, unnormalised irfft."""
    inv_n = 1.0 / real.size
    execute(fftw, r2c)
    for j in range(modes.size):
        modes[j] = modes[j] * minus_k2[j] * inv_n
    execute(fftw, c2r)


@numba.njit(cache=True)
def _filtered_force(out, q, mask, kind, c1, c2, real, modes, fftw, r2c, c2r):
    """out ← out + (−V′(q) filtered by ``mask`` through the modes)."""
    inv_n = 1.0 / q.size
    for j in range(q.size):
        real[j] = -_dv(q[j], kind, c1, c2)
    execute(fftw, r2c)
    for j in range(modes.size):
        modes[j] = mask[j] * modes[j] * inv_n
    execute(fftw, c2r)
    for j in range(q.size):
        out[j] = out[j] + real[j]


@numba.njit(cache=True)
def _modal_remainder(g, a, ref, mask, kind, c1, c2, m2, real, modes, fftw, r2c, c2r):
    """g ← modes of m²(φ − φ_ref) − V′(φ) for φ − φ_ref with modes ``a``: m² a + modes of −V′(φ)
    (filtered by ``mask`` unless it is empty), as ``KGProblem.modal_remainder`` does."""
    n = real.size
    inv_n = 1.0 / n
    for j in range(modes.size):
        modes[j] = a[j] * inv_n
    execute(fftw, c2r)
    if ref.size:
        for j in range(n):
            phi = real[j] + ref[j]
            real[j] = 0.0 - _dv(phi, kind, c1, c2)
    else:
        for j in range(n):
            real[j] = 0.0 - _dv(real[j], kind, c1, c2)
    execute(fftw, r2c)
    if mask.size:
        scaled_sum_into(g, modes, mask, m2, a)
    else:
        scaled_sum_into(g, modes, None, m2, a)


@numba.njit(cache=True)
def _modes_of(out, f, ref, real, modes, fftw, r2c):
    """out ← rfft of f − ref (``ref`` empty for none)."""
    if ref.size:
        for j in range(f.size):
            real[j] = f[j] - ref[j]
    else:
        real[:] = f
    execute(fftw, r2c)
    out[:] = modes


@numba.njit(cache=True)
def _field_of(out, c, ref, real, modes, fftw, c2r):
    """out ← irfft(c) + ref (``ref`` empty for none)."""
    inv_n = 1.0 / real.size
    for j in range(modes.size):
        modes[j] = c[j] * inv_n
    execute(fftw, c2r)
    if ref.size:
        for j in range(real.size):
            out[j] = real[j] + ref[j]
    else:
        out[:] = real


def params(ref, minus_k2, mask, potential, m2, plan_args) -> tuple:
    """The ``params`` tuple of the integrators' kernels (module docstring): ``potential`` is
    ``(kind, c1, c2)``, ``plan_args`` the plan's ``(real, modes, fftw, r2c, c2r)``."""
    kind, c1, c2 = potential
    return (ref, minus_k2, mask, int(kind), float(c1), float(c2), float(m2), *plan_args)


@numba.njit(cache=True)
def force_into(out, q, params):
    """out ← a(q) = φ_xx − V′(φ) as ``KGProblem.acceleration`` computes it (with ``mask``, unless
    empty, filtering V′): q − φ_ref loaded into the transform, ∂xx spectrally, then V′."""
    ref, minus_k2, mask, kind, c1, c2, _, real, modes, fftw, r2c, c2r = params
    n = q.size
    shifted = ref.size > 0
    for j in range(n):
        real[j] = q[j] - ref[j] if shifted else q[j]
    _laplacian_in_place(real, modes, minus_k2, fftw, r2c, c2r)
    if mask.size:
        out[:] = real
        _filtered_force(out, q, mask, kind, c1, c2, real, modes, fftw, r2c, c2r)
    else:
        for j in range(n):
            out[j] = real[j] - _dv(q[j], kind, c1, c2)


@numba.njit(cache=True)
def modal_remainder_into(g, a, params):
    """g ← modes of m²(φ − φ_ref) − V′(φ) for φ − φ_ref with modes ``a`` (:func:`_modal_remainder`)."""
    ref, _, mask, kind, c1, c2, m2, real, modes, fftw, r2c, c2r = params
    _modal_remainder(g, a, ref, mask, kind, c1, c2, m2, real, modes, fftw, r2c, c2r)


@numba.njit(cache=True)
def modes_into(a, b, phi, pi, params):
    """a, b ← the modes (rfft) of φ − φ_ref and π."""
    ref, real, modes, fftw, r2c = params[0], params[7], params[8], params[9], params[10]
    _modes_of(a, phi, ref, real, modes, fftw, r2c)
    _modes_of(b, pi, np.empty(0), real, modes, fftw, r2c)


@numba.njit(cache=True)
def fields_into(phi, pi, a, b, params):
    """φ, π ← the grid values (irfft) of the modes a (φ_ref added back) and b."""
    ref, real, modes, fftw, c2r = params[0], params[7], params[8], params[9], params[11]
    _field_of(phi, a, ref, real, modes, fftw, c2r)
    _field_of(pi, b, np.empty(0), real, modes, fftw, c2r)
