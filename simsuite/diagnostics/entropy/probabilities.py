r"""Probability makers: data → a probability vector along an axis.

* :func:`histogram` — bin counts / total count (empty bins kept as zeros),
* :func:`field_density` — :math:`p_j = |f_j|^2 \Delta x_j / \sum_k |f_k|^2 \Delta x_k` for a field
  on a grid,
* :func:`power_spectrum` — the normalised power spectrum :math:`|\hat f_k|^2 / \sum_k |\hat f_k|^2`,
* :func:`ordinal_patterns` — Bandt–Pompe ordinal-pattern frequencies [BP02]_.

Each has a row-level form (:func:`field_rows`, :func:`power_rows`, :func:`ordinal_rows`) that the
composite entropies call on rows they have already laid out.
"""

from __future__ import annotations

import math
import operator
from typing import TYPE_CHECKING

import numba
import numpy as np
import scipy.fft as sfft
from numpy.lib.stride_tricks import sliding_window_view

from simsuite.diagnostics.entropy.arrays import (
    KEEP_DIMS,
    normalise_rows,
    to_rows,
    vector_out,
    xarray_aware,
)

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from simsuite.diagnostics.entropy.arrays import Result


@xarray_aware(new_dim="bin")
def histogram(
    values: ArrayLike,
    bins: int | ArrayLike,
    range: tuple[float, float] | None = None,
    axis: int = -1,
) -> Result:
    r"""Histogram probabilities :math:`p_b = n_b / \sum n` along ``axis`` (the states are the bins).

    Bins follow :func:`numpy.histogram`: ``bins`` equal-width bins on ``range`` (half-open
    :math:`[e_b, e_{b+1})` except the last, which is closed), or explicit non-decreasing edges. Empty bins are
    kept as zeros, so K = number of bins. Values outside the range and non-finite values are not
    counted; the probabilities are fractions of the counted values.

    Parameters
    ----------
    values : array_like or xarray.DataArray
        Samples; each series along ``axis`` is binned separately.
    bins : int or array_like
        Number of equal-width bins, or the bin edges (shared by all series).
    range : tuple of float, optional
        Range of the equal-width bins. Default: each series' own finite min and max (as numpy; a
        zero-width range is widened by ±0.5). Pass it to compare snapshots on a common grid.
    axis : int
        Axis of the samples.
    dim : str, optional
        Dimension name instead of ``axis`` for a DataArray (new dimension ``bin``).

    Returns
    -------
    ndarray or DataArray
        Probabilities with the bins along ``axis``; NaN (and a warning) for a series without counted
        values.
    """
    rows, batch = to_rows(np.asarray(values, dtype=float), axis)
    n_rows = rows.shape[0]
    finite = np.isfinite(rows)
    if np.ndim(bins) == 0:
        n_bins = operator.index(bins)
        if n_bins < 1:
            raise ValueError("bins must be a positive integer")
        if range is None:
            lo = np.min(np.where(finite, rows, np.inf), axis=-1, initial=np.inf)
            hi = np.max(np.where(finite, rows, -np.inf), axis=-1, initial=-np.inf)
            empty = ~finite.any(axis=-1)
            lo, hi = np.where(empty, 0.0, lo), np.where(empty, 1.0, hi)
        else:
            lo, hi = (np.full(n_rows, float(v)) for v in range)
            if not (np.isfinite(lo).all() and np.isfinite(hi).all() and np.all(lo <= hi)):
                raise ValueError(f"range must be finite with min <= max, got {range!r}")
        same = lo == hi
        lo, hi = np.where(same, lo - 0.5, lo), np.where(same, hi + 0.5, hi)
        edges = np.linspace(lo, hi, n_bins + 1, axis=-1)
        inside = finite & (rows >= lo[:, None]) & (rows <= hi[:, None])
        x = np.where(inside, rows, lo[:, None])
        idx = np.clip(np.floor((x - lo[:, None]) * (n_bins / (hi - lo))[:, None]), 0, n_bins - 1)
        idx = idx.astype(np.intp)
        # the scaled index can be off by one through rounding: settle it against the actual edges
        idx -= x < np.take_along_axis(edges, idx, axis=-1)
        idx += (x >= np.take_along_axis(edges, idx + 1, axis=-1)) & (idx < n_bins - 1)
    else:
        edges = np.asarray(bins, dtype=float)
        if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) < 0):
            raise ValueError("bin edges must be a 1-D non-decreasing array of length >= 2")
        n_bins = edges.size - 1
        inside = finite & (rows >= edges[0]) & (rows <= edges[-1])
        idx = np.clip(
            np.searchsorted(edges, np.where(inside, rows, edges[0]), "right") - 1, 0, n_bins - 1
        )
    flat = (np.arange(n_rows)[:, None] * n_bins + idx)[inside]
    counts = np.bincount(flat, minlength=n_rows * n_bins).reshape(n_rows, n_bins)
    return vector_out(normalise_rows(counts.astype(float), "histogram"), batch, axis)


def cell_widths(dx: float | ArrayLike | None, n: int) -> float | np.ndarray:
    """Checked cell widths: a float for a uniform grid (1 if ``dx`` is None), else an (n,) array."""
    if dx is None:
        return 1.0
    widths = np.asarray(dx, dtype=float)
    if widths.ndim > 1 or (widths.ndim == 1 and widths.shape != (n,)):
        raise ValueError(f"dx must be a scalar or have the length of the axis ({n})")
    if not np.all(np.isfinite(widths) & (widths > 0)):
        raise ValueError("dx must be finite and positive")
    return float(widths) if widths.ndim == 0 else widths


def field_rows(rows: np.ndarray, widths: float | np.ndarray, what: str) -> np.ndarray:
    r"""Rows of field values → :math:`p_j = |f_j|^2 \Delta x_j / \sum_k |f_k|^2 \Delta x_k`
    (see :func:`field_density`)."""
    power = rows.real**2 + rows.imag**2 if np.iscomplexobj(rows) else rows.astype(float) ** 2
    return normalise_rows(power * widths, what)


@xarray_aware(new_dim=KEEP_DIMS)
def field_density(field: ArrayLike, dx: float | ArrayLike | None = None, axis: int = -1) -> Result:
    r"""Spatial probabilities of a field, :math:`p_j = |f_j|^2 \Delta x_j / \sum_k |f_k|^2 \Delta x_k`.

    A proper discrete distribution (Σ p = 1, 0 ≤ p ≤ 1): the mass fraction in cell j of the density
    :math:`\rho = |f|^2 / \int |f|^2 \, dx` (:math:`|\psi|^2` for the NLSE, φ² for Klein–Gordon). On
    a uniform grid Δx cancels. Its Shannon entropy grows like ln N with resolution; see
    :func:`field_entropy` for the resolution-independent quantity.

    Parameters
    ----------
    field : array_like or xarray.DataArray
        Real or complex field values.
    dx : float or array_like, optional
        Grid spacing, or the cell widths (length of ``axis``) on a non-uniform grid. Default 1.
    axis : int
        Spatial axis.
    dim : str, optional
        Dimension name instead of ``axis`` for a DataArray (coordinates kept).

    Returns
    -------
    ndarray or DataArray
        p with the shape of ``field``; NaN (and a warning) for an all-zero or non-finite snapshot.
    """
    rows, batch = to_rows(np.asarray(field), axis)
    p = field_rows(rows, cell_widths(dx, rows.shape[-1]), "field_density")
    return vector_out(p, batch, axis)


def power_rows(rows: np.ndarray, onesided: bool | None, what: str) -> np.ndarray:
    """Rows of samples → normalised power spectra (see :func:`power_spectrum`)."""
    n = rows.shape[-1]
    if onesided is None:
        onesided = not np.iscomplexobj(rows)
    if n == 0:
        power = np.zeros(rows.shape)
    elif onesided:
        if np.iscomplexobj(rows):
            raise ValueError("a one-sided spectrum needs a real field")
        spec = sfft.rfft(rows, axis=-1)
        power = spec.real**2 + spec.imag**2
        power[:, 1 : (n + 1) // 2] *= 2.0  # modes ±k folded onto |k|; k = 0 and Nyquist are single
    else:
        spec = sfft.fft(rows, axis=-1)
        power = spec.real**2 + spec.imag**2
    return normalise_rows(power, what)


@xarray_aware(new_dim="mode")
def power_spectrum(field: ArrayLike, axis: int = -1, *, onesided: bool | None = None) -> Result:
    r"""Normalised power spectrum :math:`P_k = |\hat f_k|^2 / \sum_{k'} |\hat f_{k'}|^2`,
    f̂ = ``scipy.fft.fft(f)``.

    Parameters
    ----------
    field : array_like or xarray.DataArray
        Real or complex samples along ``axis`` (a periodic profile or a time series).
    axis : int
        Axis to transform.
    onesided : bool, optional
        Default: True for real input, False for complex input. One-sided: the n//2 + 1 modes
        k = 0 … ⌊n/2⌋ (``scipy.fft.rfft`` order) with the power of ±k added
        (:math:`|\hat f_{-k}| = |\hat f_k|` for a real field), i.e. the distribution of power over
        :math:`|k|`. Two-sided: all n modes in ``scipy.fft.fft``
        order (0, 1, …, −1), as needed for complex fields where ±k differ.
    dim : str, optional
        Dimension name instead of ``axis`` for a DataArray (new dimension ``mode``).

    Returns
    -------
    ndarray or DataArray
        Probabilities with the modes along ``axis``; NaN (and a warning) for an all-zero, empty or
        non-finite series.
    """
    rows, batch = to_rows(np.asarray(field), axis)
    return vector_out(power_rows(rows, onesided, "power_spectrum"), batch, axis)


def check_embedding(order: int, delay: int) -> tuple[int, int]:
    """Embedding dimension d ≥ 2 and delay τ ≥ 1 as ints, or ``ValueError``."""
    order, delay = operator.index(order), operator.index(delay)
    if order < 2 or delay < 1:
        raise ValueError(f"need order >= 2 and delay >= 1, got order={order}, delay={delay}")
    return order, delay


@numba.njit(cache=True)
def _lehmer_rank_rows(perm: np.ndarray, weights: np.ndarray) -> np.ndarray:  # pragma: no cover
    out = np.empty(perm.shape[0], np.int64)
    d = perm.shape[1]
    for w in range(perm.shape[0]):
        rank = 0
        for i in range(d - 1):
            smaller = 0
            for j in range(i + 1, d):
                if perm[w, j] < perm[w, i]:
                    smaller += 1
            rank += smaller * weights[i]
        out[w] = rank
    return out


def _lehmer_rank(perm: np.ndarray) -> np.ndarray:
    """Rank of each permutation (last axis) in lexicographic order: Σ_i c_i (d − 1 − i)!,
    c_i = #{j > i : π_j < π_i} (a compiled loop: no (…, d, d) temporary)."""
    d = perm.shape[-1]
    weights = np.array([math.factorial(d - 1 - i) for i in range(d)], dtype=np.int64)
    flat = np.ascontiguousarray(perm.reshape(-1, d), dtype=np.int64)
    return _lehmer_rank_rows(flat, weights).reshape(perm.shape[:-1])


def ordinal_rows(rows: np.ndarray, order: int, delay: int, what: str) -> np.ndarray:
    """Rows of series → ordinal-pattern frequencies (see :func:`ordinal_patterns`)."""
    n_rows, n = rows.shape
    n_patterns = math.factorial(order)
    span = (order - 1) * delay + 1
    counts = np.zeros((n_rows, n_patterns))
    bad = ~np.isfinite(rows).all(axis=-1)
    if n >= span and n_rows > 0:
        windows = sliding_window_view(rows, span, axis=-1)[..., ::delay]
        rank = _lehmer_rank(np.argsort(windows, axis=-1, kind="stable"))
        flat = (rank + n_patterns * np.arange(n_rows)[:, None]).ravel()
        counts = np.bincount(flat, minlength=n_rows * n_patterns).reshape(n_rows, n_patterns)
        counts = counts.astype(float)
    counts[bad] = np.nan
    return normalise_rows(counts, what, "are shorter than one window or not finite")


@xarray_aware(new_dim="pattern")
def ordinal_patterns(series: ArrayLike, order: int = 3, delay: int = 1, axis: int = -1) -> Result:
    r"""Relative frequencies of the order! ordinal patterns of a series (Bandt & Pompe [BP02]_).

    Each window :math:`(x_t, x_{t+\tau}, \dots, x_{t+(d-1)\tau})`, t = 0 … n − 1 − (d − 1)τ, is
    mapped to the permutation π that sorts it,
    :math:`x_{t+\pi_0 \tau} \le x_{t+\pi_1 \tau} \le \dots` (a stable argsort: tied values keep
    their time order, so a constant series has the single pattern (0, 1, …, d − 1)). Pattern k is the k-th
    permutation in lexicographic order, i.e. ``list(itertools.permutations(range(order)))[k]``;
    pattern 0 is increasing, pattern order! − 1 decreasing.

    Parameters
    ----------
    series : array_like or xarray.DataArray
        Time series or spatial profiles along ``axis``.
    order : int
        Embedding dimension d ≥ 2 (order! states).
    delay : int
        Embedding delay τ ≥ 1.
    axis : int
        Axis of the series.
    dim : str, optional
        Dimension name instead of ``axis`` for a DataArray (new dimension ``pattern``).

    Returns
    -------
    ndarray or DataArray
        Probabilities with the order! patterns along ``axis``; NaN (and a warning) for a series shorter
        than one window or with non-finite values.
    """
    order, delay = check_embedding(order, delay)
    rows, batch = to_rows(np.asarray(series, dtype=float), axis)
    return vector_out(ordinal_rows(rows, order, delay, "ordinal_patterns"), batch, axis)
