"""Compiled kernels of the NLSE: the cubic term, its exact flow, and whole Lawson Runge–Kutta steps.

The right-hand side ``N(ψ̂) = FFT(i g |ψ|² ψ)`` (times a dealiasing mask) is two FFTs of length
``n`` and one pass over the grid. Evaluated from Python it also pays a method call, pyFFTW's
``execute`` twice, a numba dispatch, a copy in and a copy out, which at n = 512 cost as much as the
transforms themselves (measured: an evaluation 2.0–2.4 times its FFT pair). :func:`lawson_step`
therefore runs a whole integrating-factor Runge–Kutta step compiled: each stage is summed straight
into the input buffer of an FFTW plan (:class:`~simsuite.spectral.fftw_numba.ComplexPlan`), transformed,
cubed in place and transformed back, and the dealiasing mask is folded into the pass that maps the
stage derivative to the interaction picture. Between the two transforms nothing is copied.

The arithmetic is the Python path's (:class:`~simsuite.integrators.dormand_prince.LawsonStepper`
with :meth:`~simsuite.models.nlse.model.NLSEProblem.nonlinear`): the same stage sums
(:mod:`simsuite.integrators.kernels`), the same FFTW algorithm (plans made with the same flags on
aligned buffers, so that N is bit for bit the same), the same pointwise products in the same order.
Propagators that the Python path skips (``E = 1``) are rows of ones here, and multiplying by one is
exact; with no dealiasing the mask pass is skipped, as there. The two paths still differ in the last
bit: numpy's vectorised complex product may use fused multiply–adds, numba's does not (measured:
3e-16 relative after one DOP853 step).

All complex arrays are C-contiguous complex128; "real view" means ``a.view(np.float64)``.
"""

from __future__ import annotations

import numba
import numpy as np

from simsuite.integrators.exponential_adams import adams_correct, adams_predict
from simsuite.integrators.kernels import combine_rotate_into
from simsuite.spectral.fftw_numba import execute

__all__ = [
    "cubic_term",
    "cubic_phase",
    "transform_cubic",
    "nonlinear_into",
    "lawson_step",
    "adams_steps",
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


@numba.njit(cache=True)
def transform_cubic(g, scale, spectral, physical, address, forward, backward):
    """In place on the plan's buffers: ``spectral ← FFT(i g |ψ|² ψ)`` with
    ``ψ = scale · n · IFFT(spectral)`` (no mask): N as :func:`lawson_step` evaluates it, on a
    stage it summed into ``spectral``."""
    execute(address, backward)
    cubic_term(physical, g, scale)
    execute(address, forward)


@numba.njit(cache=True)
def _masked_into(out, spectral, mask, factor):
    """``out = factor ⊙ mask ⊙ spectral``; an empty ``mask`` is no mask, an empty ``factor`` is 1."""
    if mask.size and factor.size:
        for m in range(out.size):
            out[m] = factor[m] * (spectral[m] * mask[m])
    elif mask.size:
        for m in range(out.size):
            out[m] = spectral[m] * mask[m]
    elif factor.size:
        for m in range(out.size):
            out[m] = factor[m] * spectral[m]
    else:
        out[:] = spectral


@numba.njit(cache=True)
def nonlinear_into(out, u, g, scale, mask, spectral, physical, address, forward, backward):
    """``out = mask ⊙ FFT(i g |ψ|² ψ)`` with ψ = IFFT(u): one evaluation of N from ``u`` through
    the plan's buffers. ``scale`` = 1/n; an empty ``mask`` is no dealiasing."""
    spectral[:] = u
    transform_cubic(g, scale, spectral, physical, address, forward, backward)
    _masked_into(out, spectral, mask, spectral[:0])


@numba.njit(cache=True)
def lawson_step(
    u, f, out, f_out, v0, K, a, b, fwd, bwd, end, end_bwd, h, last_stage,
    g, scale, mask, spectral, physical, address, forward, backward,
):  # fmt: skip
    """One integrating-factor Runge–Kutta step of the NLSE (the algorithm of
    :mod:`simsuite.integrators.dormand_prince`), with every evaluation of N compiled in.

    Parameters
    ----------
    u, f : complex arrays (n,)
        ``u_n`` and ``N(u_n)``.
    out, f_out : complex arrays (n,)
        Receive ``u_{n+1}`` and ``N(u_{n+1})`` (the next step's ``f``, also when the method is
        not FSAL: computed here, it saves a call from Python).
    v0 : complex array (n,)
        Work space (``E(θh) u_n`` on return).
    K : complex array (s + 1, n)
        Receives ``K_i = E(-(c_i - θ)h) N(U_i)``; row ``s`` only when ``last_stage``.
    a, b : float arrays (s, s), (s,)
        The tableau.
    fwd, bwd : complex arrays (s, n)
        ``E((c_i - θ)h)`` and ``E(-(c_i - θ)h)`` (rows of ones where ``c_i = θ``).
    end, end_bwd : complex arrays (n,)
        ``E((1 - θ)h)`` and ``E(-(1 - θ)h)``.
    h : float
    last_stage : bool
        Also store ``E(-(1 - θ)h) N(u_{n+1})`` in ``K[s]`` (error estimators that use it).
    g, scale, mask
        ``g``, ``1/n`` and the dealiasing mask (empty for none).
    spectral, physical, address, forward, backward
        :attr:`~simsuite.spectral.fftw_numba.ComplexPlan.args`.
    """
    n = u.size
    s = b.size
    for m in range(n):
        K[0, m] = bwd[0, m] * f[m]
        v0[m] = bwd[0, m] * u[m]
    K_real = K.view(np.float64)
    v0_real = v0.view(np.float64)
    spectral_real = spectral.view(np.float64)
    for i in range(1, s):
        # U_i = E((c_i - θ)h) (v_n + h Σ_j a_ij K_j), summed into the plan's input
        combine_rotate_into(spectral_real, v0_real, K_real, a[i, :i], h, fwd[i].view(np.float64))
        transform_cubic(g, scale, spectral, physical, address, forward, backward)
        _masked_into(K[i], spectral, mask, bwd[i])
    combine_rotate_into(out.view(np.float64), v0_real, K_real, b, h, end.view(np.float64))
    spectral[:] = out
    transform_cubic(g, scale, spectral, physical, address, forward, backward)
    _masked_into(f_out, spectral, mask, spectral[:0])
    if last_stage:
        for m in range(n):
            K[s, m] = end_bwd[m] * f_out[m]


@numba.njit(cache=True)
def _store_masked(hist, row, spectral, mask):
    """``hist[:, row] = (re, im)`` of ``mask ⊙ spectral`` (no mask when ``mask`` is empty)."""
    for i in range(spectral.size):
        value = spectral[i] * mask[i] if mask.size else spectral[i]
        hist[0, row, i] = value.real
        hist[1, row, i] = value.imag


@numba.njit(cache=True)
def adams_steps(
    w, u, w_pred, work, hist, columns, head, weights, frames, window, m, skew, h, steps, check_every,
    offset, g, scale, mask, spectral, physical, address, forward, backward,
):  # fmt: skip
    """``steps`` exponential Adams PECE steps of the NLSE (the loop of :meth:`~simsuite.
    integrators.exponential_adams.ExponentialAdams.advance` once its history is full), with both
    evaluations of N per step compiled in: the predicted state is written straight into the plan's
    input, and N of the corrected state straight into the history.

    ``w``, ``u``: the frame state and the state (updated); ``w_pred``, ``work``: work space;
    ``hist``, ``columns``, ``head``: the ring buffer of N and its row order; ``weights``,
    ``frames``, ``window``, ``m``: the step size's weights and frame factors and the position in the
    window; ``check_every``, ``offset``: ``sum(u)`` is checked for non-finite values after every
    step whose number, counted from ``offset`` steps before the first, is a multiple of
    ``check_every`` (as the Python loop counts them). The other arguments are :func:`lawson_step`'s.

    Returns ``(steps done, head, m, finite)``: it stops early, with ``finite`` false, at the first
    check that finds a non-finite state.
    """
    p = hist.shape[1]
    for step in range(1, steps + 1):
        m += 1
        frame = frames[m]
        adams_predict(w, hist, columns[head], weights, frame, skew, h, w_pred, spectral, work)
        transform_cubic(g, scale, spectral, physical, address, forward, backward)
        if mask.size:
            for i in range(spectral.size):
                spectral[i] = spectral[i] * mask[i]
        adams_correct(w, work, weights, spectral, frame, skew, h, u)
        if m == window:
            m = 0
        if m == 0:
            w[:] = u
        spectral[:] = u
        transform_cubic(g, scale, spectral, physical, address, forward, backward)
        head = (head + 1) % p
        _store_masked(hist, head, spectral, mask)
        if (offset + step) % check_every == 0 and step < steps and not np.isfinite(np.sum(u)):
            return step, head, m, False
    return steps, head, m, True
