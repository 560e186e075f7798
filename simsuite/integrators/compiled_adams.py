"""Compiled loops of the exponential Adams–Bashforth–Moulton PECE methods.

The algorithm is :mod:`simsuite.integrators.exponential_adams`'s (see its docstring): the state is
kept in an interaction frame anchored at the start of a window, ``w = e^{−L(t−t_a)} u``, and a step
is ``w̃ = w + h e^{−L τ} Σ_j β_j N_{n−j}`` (predictor), ``w ← w + h e^{−L τ} (β̂_0 N(ũ) +
Σ_{j≥1} β̂_j N_{n+1−j})`` (corrector), ``u = e^{L τ} w``. :func:`adams_predict`,
:func:`adams_correct` and :func:`store_row` are the pieces the Python loop calls around the
problem's ``nonlinear``; :func:`adams_steps` runs whole steps compiled around the problem's
``nonlinear_into`` (:class:`~simsuite.integrators.base.SemilinearKernels`), which numba takes as
an argument, with the same arithmetic in the same order.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["adams_predict", "adams_correct", "store_row", "adams_steps"]


# History and weights are stored as separate real and imaginary (p, n) arrays: the weighted sums
# then vectorise better than over interleaved complex numbers.
# Few arguments: numba checks the type of each one at every call.
@numba.njit(cache=True)
def adams_predict(w, hist, cols, weights, frame, skew, h, w_pred, u_pred, work):
    """``w̃ = w + h e^{−L τ} Σ_j β_j N_{n−j}`` and ``ũ = e^{L τ} w̃``; the corrector's history sum
    ``Σ_{j≥1} β̂_j N_{n+1−j}`` goes to ``work[0] + i work[1]``.

    ``hist[0|1, cols[j]]`` is ``N_{n−j}`` (real, imaginary); ``weights[0|1]`` are the predictor's
    ``β_j`` and ``weights[2|3]`` the corrector's; ``frame[0]`` is ``e^{L τ}`` and ``frame[1]``
    ``e^{−L τ}`` (unused when ``skew``: it is the conjugate).
    """
    p, n = hist.shape[1], hist.shape[2]
    rest_re, rest_im, acc_re, acc_im = work[0], work[1], work[2], work[3]
    work[:] = 0.0
    for j in range(p):
        xr, xi = hist[0, cols[j]], hist[1, cols[j]]
        br, bi = weights[0, j], weights[1, j]
        if j < p - 1:  # both sums in one pass over N_{n-j}
            cr, ci = weights[2, j + 1], weights[3, j + 1]
            for i in range(n):
                a, b = xr[i], xi[i]
                acc_re[i] += br[i] * a - bi[i] * b
                acc_im[i] += br[i] * b + bi[i] * a
                rest_re[i] += cr[i] * a - ci[i] * b
                rest_im[i] += cr[i] * b + ci[i] * a
        else:
            for i in range(n):
                a, b = xr[i], xi[i]
                acc_re[i] += br[i] * a - bi[i] * b
                acc_im[i] += br[i] * b + bi[i] * a
    _advance_frame(w, acc_re, acc_im, frame, skew, h, w_pred, u_pred)


@numba.njit(cache=True)
def _advance_frame(w, inc_re, inc_im, frame, skew, h, w_out, u_out):
    """``w_out = w + h e^{−L τ} inc`` and ``u_out = e^{L τ} w_out``, in real arithmetic."""
    for i in range(w.size):
        er, ei = frame[0, i].real, frame[0, i].imag
        if skew:
            fr, fi = er, -ei
        else:
            fr, fi = frame[1, i].real, frame[1, i].imag
        tr, ti = inc_re[i], inc_im[i]
        wr = w[i].real + h * (fr * tr - fi * ti)
        wi = w[i].imag + h * (fr * ti + fi * tr)
        w_out[i] = complex(wr, wi)
        u_out[i] = complex(er * wr - ei * wi, er * wi + ei * wr)


@numba.njit(cache=True)
def adams_correct(w, work, weights, n_pred, frame, skew, h, u):
    """``w ← w + h e^{−L τ} (β̂_0 N(ũ) + rest)`` and ``u = e^{L τ} w`` (arguments as
    :func:`adams_predict`'s; ``work[2|3]`` is overwritten)."""
    for i in range(w.size):
        cr, ci = weights[2, 0, i], weights[3, 0, i]
        nr, ni = n_pred[i].real, n_pred[i].imag
        work[2, i] = cr * nr - ci * ni + work[0, i]
        work[3, i] = cr * ni + ci * nr + work[1, i]
    _advance_frame(w, work[2], work[3], frame, skew, h, w, u)


@numba.njit(cache=True)
def store_row(hist, row, value):
    """``hist[:, row] = (value.real, value.imag)``."""
    for i in range(value.size):
        hist[0, row, i] = value[i].real
        hist[1, row, i] = value[i].imag


@numba.njit(cache=True)
def adams_steps(
    w, u, w_pred, value, work, hist, columns, head, weights, frames, window, m, skew, h,
    steps, check_every, offset, nonlinear_into, params,
):  # fmt: skip
    """``steps`` exponential Adams PECE steps (the Python loop of
    :class:`~simsuite.integrators.exponential_adams.ExponentialAdams` once its history is full),
    with both evaluations of N per step compiled in.

    ``w``, ``u``: the frame state and the state (updated); ``w_pred``, ``work``: work space;
    ``value``: where ``ũ`` and the values of N are formed (the kernels' ``buffer`` when they have
    one: no copies); ``hist``, ``columns``, ``head``: the ring buffer of N and its row order;
    ``weights``, ``frames``, ``window``, ``m``: the step size's weights and frame factors and the
    position in the window; ``check_every``, ``offset``: ``sum(u)`` is checked for non-finite values
    after every step but the last whose number, counted from ``offset`` steps before the first, is a
    multiple of ``check_every`` (as the Python loop counts them); ``nonlinear_into``, ``params``:
    the problem's :class:`~simsuite.integrators.base.SemilinearKernels`.

    Returns ``(steps done, head, m, finite)``: it stops early, with ``finite`` false, at the first
    check that finds a non-finite state.
    """
    p = hist.shape[1]
    for step in range(1, steps + 1):
        m += 1
        frame = frames[m]
        adams_predict(w, hist, columns[head], weights, frame, skew, h, w_pred, value, work)
        nonlinear_into(value, value, params)  # ũ, then N(ũ) in its place
        adams_correct(w, work, weights, value, frame, skew, h, u)
        if m == window:
            m = 0
        if m == 0:
            w[:] = u
        nonlinear_into(value, u, params)
        head = (head + 1) % p
        store_row(hist, head, value)
        if (offset + step) % check_every == 0 and step < steps and not np.isfinite(np.sum(u)):
            return step, head, m, False
    return steps, head, m, True
