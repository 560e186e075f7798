r"""Entropies of a signal (a time series or a spatial profile) along an axis.

* :func:`permutation_entropy` — Shannon entropy of the ordinal patterns [BP02]_,
* :func:`spectral_entropy` — Shannon entropy of the normalised power spectrum [PP79]_,
* :func:`sample_entropy` — :math:`\mathrm{SampEn}(m, r) = -\ln(A/B)` of template matches [RM00]_.
"""

from __future__ import annotations

import math
import operator
from typing import TYPE_CHECKING

import numba
import numpy as np

from simsuite.diagnostics.entropy.arrays import scalar_out, to_rows, warn_nan, xarray_aware
from simsuite.diagnostics.entropy.probabilities import check_embedding, ordinal_rows, power_rows
from simsuite.diagnostics.entropy.row_functionals import check_base, finish_entropy, shannon_nat

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from simsuite.diagnostics.entropy.arrays import Result

#: Below this many templates the NumPy lag loop of :func:`sample_entropy` beats compiling the numba
#: kernel: series with fewer templates use the loop, longer ones the kernel.
SAMPEN_NUMBA_MIN_TEMPLATES = 2000


@xarray_aware()
def permutation_entropy(
    x: ArrayLike,
    order: int = 3,
    delay: int = 1,
    normalized: bool = True,
    axis: int = -1,
    *,
    base: float = math.e,
) -> Result:
    r"""Permutation entropy :math:`H = -\sum_\pi p_\pi \ln p_\pi / \ln d!` of the ordinal patterns
    (Bandt & Pompe [BP02]_).

    :math:`p_\pi` from :func:`ordinal_patterns` (stable argsort: ties keep their time order, so a
    constant series has H = 0).

    Parameters
    ----------
    x : array_like or xarray.DataArray
        Series along ``axis``.
    order : int
        Embedding dimension d ≥ 2.
    delay : int
        Embedding delay τ ≥ 1.
    normalized : bool
        Divide by ln d! (default), giving a value in [0, 1]; otherwise in units of ``base``.
    axis : int
        Axis of the series.
    base : float
        Logarithm base when not normalised.
    dim : str, optional
        Dimension name instead of ``axis`` for a DataArray.

    Returns
    -------
    float, ndarray or DataArray
        H; NaN (and a warning) for a series shorter than one window or with non-finite values.
    """
    order, delay = check_embedding(order, delay)
    log_base = check_base(base)
    rows, batch = to_rows(np.asarray(x, dtype=float), axis)
    p = ordinal_rows(rows, order, delay, "permutation_entropy")
    h_max = math.log(math.factorial(order))
    h = finish_entropy(
        shannon_nat(p), p.shape[-1], normalized, h_max, log_base, "permutation_entropy"
    )
    return scalar_out(h, batch)


@xarray_aware()
def spectral_entropy(
    x: ArrayLike,
    axis: int = -1,
    normalized: bool = True,
    *,
    base: float = math.e,
    onesided: bool | None = None,
) -> Result:
    r"""Spectral entropy :math:`H = -\sum_k P_k \ln P_k` of the normalised power spectrum
    :math:`P_k` (Powell & Percival [PP79]_).

    :math:`P_k` from :func:`power_spectrum` (one-sided for real input, K = n//2 + 1 modes; two-sided
    for complex input, K = n). 0 for a single Fourier mode, close to (but on average below) ln K for
    white noise.

    Parameters
    ----------
    x : array_like or xarray.DataArray
        Samples along ``axis``.
    axis : int
        Axis to transform.
    normalized : bool
        Divide by ln K (default), giving a value in [0, 1].
    base : float
        Logarithm base when not normalised.
    onesided : bool, optional
        See :func:`power_spectrum`.
    dim : str, optional
        Dimension name instead of ``axis`` for a DataArray.

    Returns
    -------
    float, ndarray or DataArray
        H; NaN (and a warning) for an all-zero, empty or non-finite series.
    """
    log_base = check_base(base)
    rows, batch = to_rows(np.asarray(x), axis)
    p = power_rows(rows, onesided, "spectral_entropy")
    n_states = p.shape[-1]
    h_max = math.log(max(n_states, 1))
    return scalar_out(
        finish_entropy(shannon_nat(p), n_states, normalized, h_max, log_base, "spectral_entropy"),
        batch,
    )


# --------------------------------------------------------------------------------------------------
# Sample entropy
# --------------------------------------------------------------------------------------------------


@numba.njit(cache=True)
def _sampen_counts_numba(x: np.ndarray, m: int, r: np.ndarray) -> np.ndarray:  # pragma: no cover
    n_rows, n = x.shape
    n_templates = n - m
    out = np.zeros((n_rows, 2), np.int64)
    for s in range(n_rows):
        a = 0
        b = 0
        for i in range(n_templates - 1):
            for j in range(i + 1, n_templates):
                close = True
                for k in range(m):
                    if abs(x[s, i + k] - x[s, j + k]) > r[s]:
                        close = False
                        break
                if close:
                    b += 1
                    if abs(x[s, i + m] - x[s, j + m]) <= r[s]:
                        a += 1
        out[s, 0] = a
        out[s, 1] = b
    return out


def _sampen_counts_numpy(x: np.ndarray, m: int, r: np.ndarray) -> np.ndarray:
    """Pair counts (A, B) by lag: all pairs (i, i + k) of one lag k at once."""
    n_rows, n = x.shape
    n_templates = n - m
    out = np.zeros((n_rows, 2), np.int64)
    tol = r[:, None]
    for lag in range(1, n_templates):
        dist = np.abs(x[:, lag:] - x[:, :-lag])  # |x_{i+lag} − x_i|, i = 0 … n − 1 − lag
        n_pairs = n_templates - lag
        cheb = dist[:, :n_pairs]
        for k in range(1, m):
            cheb = np.maximum(cheb, dist[:, k : k + n_pairs])
        close_m = cheb <= tol
        out[:, 1] += close_m.sum(axis=-1)
        out[:, 0] += (close_m & (dist[:, m : m + n_pairs] <= tol)).sum(axis=-1)
    return out


@xarray_aware()
def sample_entropy(x: ArrayLike, m: int = 2, r: float | None = None, axis: int = -1) -> Result:
    r"""Sample entropy :math:`\mathrm{SampEn}(m, r) = -\ln(A/B)` (Richman & Moorman [RM00]_).

    The N − m templates :math:`u_i = (x_i, \dots, x_{i+m-1})`, i = 0 … N − m − 1, are compared
    pairwise (i < j, so self-matches are excluded) with the Chebyshev distance
    :math:`\max_k |x_{i+k} - x_{j+k}|`. B counts the pairs within r (≤ r), A the pairs that stay
    within r when extended to length m + 1. The same N − m templates are used for both, so A/B
    estimates P(match of m + 1 points | match of m points).

    Parameters
    ----------
    x : array_like or xarray.DataArray
        Series along ``axis`` (N ≥ m + 2).
    m : int
        Template length ≥ 1.
    r : float, optional
        Tolerance (absolute). Default 0.2 × the series' standard deviation (ddof = 0), per series.
    axis : int
        Axis of the series.
    dim : str, optional
        Dimension name instead of ``axis`` for a DataArray.

    Returns
    -------
    float, ndarray or DataArray
        SampEn; NaN (and a warning) for a short or non-finite series and when A = 0 or B = 0 (undefined,
        not +inf).

    Notes
    -----
    O(N² m) work. Below :data:`SAMPEN_NUMBA_MIN_TEMPLATES` templates a NumPy loop over lags does all
    pairs of one lag at once; longer series use a compiled numba kernel with early exit on the first mismatch.
    """
    m = operator.index(m)
    if m < 1:
        raise ValueError("m must be >= 1")
    rows, batch = to_rows(np.asarray(x, dtype=float), axis)
    n_rows, n = rows.shape
    if r is None:
        tol = 0.2 * np.std(rows, axis=-1) if n else np.zeros(n_rows)
    elif np.isfinite(r) and r >= 0:
        tol = np.full(n_rows, float(r))
    else:
        raise ValueError(f"r must be finite and >= 0, got {r!r}")
    bad = ~np.isfinite(rows).all(axis=-1) | (n < m + 2)
    warn_nan(bad, "sample_entropy", "are too short (N < m + 2) or not finite")
    counts = np.zeros((n_rows, 2), np.int64)
    good = ~bad
    if good.any():
        xs, ts = np.ascontiguousarray(rows[good]), np.ascontiguousarray(tol[good])
        kernel = (
            _sampen_counts_numba if n - m >= SAMPEN_NUMBA_MIN_TEMPLATES else _sampen_counts_numpy
        )
        counts[good] = kernel(xs, m, ts)
    a, b = counts[:, 0], counts[:, 1]
    no_match = good & ((a == 0) | (b == 0))
    warn_nan(no_match, "sample_entropy", "have no matching template pairs (A = 0 or B = 0)")
    valid = good & ~no_match
    out = np.full(n_rows, np.nan)
    out[valid] = -np.log(a[valid] / b[valid])
    return scalar_out(out, batch)
