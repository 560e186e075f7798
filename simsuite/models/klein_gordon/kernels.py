"""Compiled Klein–Gordon kernels: the force, and whole runs of kick–drift steps with it.

A kick–drift composition (Störmer–Verlet, Yoshida, Blanes–Moan; :mod:`simsuite.integrators.symplectic`)
evaluates the force a(φ) = φ_xx − V′(φ) once per sub-step. On the periodic grid that is one real FFT
pair and three passes over the field; driven from Python the interpreter's share (calls, kernel
dispatch, temporaries) costs more than the transforms. The kernels here run ``steps`` steps of a
composition whose coefficients the integrator hands over, with FFTW executed from compiled code
(:mod:`simsuite.spectral.fftw_numba`): the integrator keeps the method (its coefficients, FSAL, step counts,
checks), the model the equation. Every operation is the one the Python path does, in the same order,
so both give the same numbers (tested to round-off).

Potentials are selected by a code (``LINEAR``, ``PHI4``, ``SINE_GORDON``) with two parameters
``c1, c2``: m² (linear, sine-Gordon) or λ, v² (φ⁴). ``custom`` potentials stay on the Python path.

Kick–drift (:func:`kick_drift_steps`), state (q, p) = (φ, π) on the grid::

    p += b_0 h a(q)
    repeat steps:  for k = 1..m:  q += a_k h p;  a = a(q);  p += b_k h a   (b_m + b_0 merged between steps)

Exponential (impulse) form (:func:`exponential_advance`), state = modes (a, b) of (φ − φ_ref, π): each
sub-step is the kick b += c g followed by the exact flow of φ_tt = φ_xx − m²(φ − φ_ref) per mode,
(a, b) ← (cos ωτ a + sin(ωτ)/ω b, −ω sin ωτ a + cos ωτ b), then g = modes of the remainder
m²(φ − φ_ref) − V′(φ) (one inverse and one forward transform).
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
def kick_rotate(a, b, g, c, cos, sin_over, minus_w_sin):
    """In place: b ← b + c·g, then a ← cos·a + (sin ωh/ω)·b, b ← −ω sin ωh·a + cos·b."""
    for j in range(a.size):
        x, y = a[j], b[j] + c * g[j]
        a[j] = cos[j] * x + sin_over[j] * y
        b[j] = minus_w_sin[j] * x + cos[j] * y


@numba.njit(cache=True)
def scaled_sum_into(out, force, mask, m2, a):
    """out ← mask·force + m²·a (no mask when ``mask`` is None); ``out`` may be ``force``."""
    if mask is None:
        for j in range(out.size):
            out[j] = force[j] + m2 * a[j]
    else:
        for j in range(out.size):
            out[j] = mask[j] * force[j] + m2 * a[j]


@numba.njit(cache=True)
def _all_finite(x, y):
    for j in range(x.size):
        if not (np.isfinite(x[j]) and np.isfinite(y[j])):
            return False
    return True


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
def kick_drift_steps(
    q, p, a, kicks, drifts, merged, steps, every, ref, minus_k2, mask, kind, c1, c2,
    real, modes, fftw, r2c, c2r,
):  # fmt: skip
    """Run ``steps`` kick–drift steps in place (module docstring); ``a`` holds a(q) on entry and
    on return. a(q) = φ_xx − V′(φ) as ``KGProblem.acceleration`` computes it (with ``mask``,
    unless empty, filtering V′), the drift fused with loading the transform and the force with
    the kick. Returns 0, or the step after which a check (every ``every`` steps, before the
    last) found a non-finite state."""
    m, n = drifts.size, q.size
    shifted = ref.size > 0
    for j in range(n):
        p[j] += a[j] * kicks[0]
    for step in range(1, steps + 1):
        for k in range(m):
            tau = drifts[k]
            for j in range(n):
                q[j] += p[j] * tau
                real[j] = q[j] - ref[j] if shifted else q[j]
            _laplacian_in_place(real, modes, minus_k2, fftw, r2c, c2r)
            c = kicks[k + 1] if k < m - 1 else (merged if step < steps else kicks[m])
            if mask.size:
                a[:] = real
                _filtered_force(a, q, mask, kind, c1, c2, real, modes, fftw, r2c, c2r)
                for j in range(n):
                    p[j] += a[j] * c
            else:
                for j in range(n):
                    a[j] = real[j] - _dv(q[j], kind, c1, c2)
                    p[j] += a[j] * c
        if step % every == 0 and step < steps and not _all_finite(q, p):
            return step
    return 0


@numba.njit(cache=True)
def modal_remainder_into(g, a, ref, mask, kind, c1, c2, m2, real, modes, fftw, r2c, c2r):
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


@numba.njit(cache=True)
def exponential_advance(
    x, kicks, merged, cos, sin_over, minus_w_sin, steps, every, ref, mask, kind, c1, c2, m2,
    real, modes, fftw, r2c, c2r,
):  # fmt: skip
    """Run ``steps`` impulse steps in place on the state ``x`` = (φ, π) on the grid: to the modes,
    the remainder there, :func:`exponential_steps`, the last half kick b += b_m h g, and back.
    Returns 0, or the step after which a check found a non-finite state (``x`` then unchanged).
    The same as :func:`exponential_begin`, :func:`exponential_steps` (in as many parts as wanted:
    the first kick of a later part is ``merged``) and :func:`exponential_end`."""
    w = np.empty((3, modes.size), dtype=np.complex128)
    exponential_begin(w, x, ref, mask, kind, c1, c2, m2, real, modes, fftw, r2c, c2r)
    failed = exponential_steps(
        w[0], w[1], w[2], kicks, merged, cos, sin_over, minus_w_sin, steps, every, ref, mask, kind,
        c1, c2, m2, real, modes, fftw, r2c, c2r,
    )  # fmt: skip
    if failed:
        return failed
    exponential_end(x, w, kicks[kicks.size - 1], ref, real, modes, fftw, c2r)
    return 0


@numba.njit(cache=True)
def exponential_begin(w, x, ref, mask, kind, c1, c2, m2, real, modes, fftw, r2c, c2r):
    """The modal state of :func:`exponential_steps` from the grid state ``x`` = (φ, π): rows
    ``w[0]``, ``w[1]`` ← the modes (a, b) of φ − φ_ref and π, ``w[2]`` ← the remainder's modes g."""
    _modes_of(w[0], x[0], ref, real, modes, fftw, r2c)
    _modes_of(w[1], x[1], np.empty(0), real, modes, fftw, r2c)
    modal_remainder_into(w[2], w[0], ref, mask, kind, c1, c2, m2, real, modes, fftw, r2c, c2r)


@numba.njit(cache=True)
def exponential_end(x, w, last, ref, real, modes, fftw, c2r):
    """The last half kick b += ``last`` g on the modal state ``w`` = (a, b, g), and ``x`` ← the
    grid state (φ, π) of (a, b)."""
    b, g = w[1], w[2]
    for j in range(b.size):
        b[j] += last * g[j]
    _field_of(x[0], w[0], ref, real, modes, fftw, c2r)
    _field_of(x[1], b, np.empty(0), real, modes, fftw, c2r)


@numba.njit(cache=True)
def exponential_steps(
    a, b, g, kicks, merged, cos, sin_over, minus_w_sin, steps, every, ref, mask, kind, c1, c2,
    m2, real, modes, fftw, r2c, c2r,
):  # fmt: skip
    """Run ``steps`` impulse steps in place on the modes (module docstring); ``g`` holds the
    remainder's modes on entry and on return, row k of ``cos``, ``sin_over`` and ``minus_w_sin``
    the flow of drift k. The last half kick b += b_m h g is left to the caller. Returns 0, or the
    step after which a check found a non-finite state."""
    m = cos.shape[0]
    for step in range(1, steps + 1):
        for k in range(m):
            c = kicks[k] if (k or step == 1) else merged
            kick_rotate(a, b, g, c, cos[k], sin_over[k], minus_w_sin[k])
            modal_remainder_into(g, a, ref, mask, kind, c1, c2, m2, real, modes, fftw, r2c, c2r)
        if step % every == 0 and step < steps and not _all_finite(a, b):
            return step
    return 0
