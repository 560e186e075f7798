"""Entropy diagnostics: probability makers and the functionals that apply to them.

One probability layer, many functionals (the design of ComplexityMeasures.jl [HD23]_). A *probability
maker* turns data into a probability vector along an axis,

* :func:`histogram` — bin counts / total count (empty bins kept as zeros),
* :func:`field_density` — p_j = |f_j|² Δx_j / Σ_k |f_k|² Δx_k for a field on a grid,
* :func:`power_spectrum` — the normalised power spectrum |f̂_k|² / Σ|f̂|²,
* :func:`ordinal_patterns` — Bandt–Pompe ordinal-pattern frequencies [BP02]_,

and a *functional* maps probability vectors to numbers:

* :func:`shannon` H = −Σ p ln p [Sha48]_, :func:`renyi` H_α = ln(Σ p^α)/(1 − α) [Ren61]_,
  :func:`tsallis` S_q = (1 − Σ p^q)/(q − 1) [Tsa88]_,
* :func:`statistical_complexity` C = Q_J·H [LRM04]_ [RLM07]_, with the bounding curves of the
  complexity–entropy plane from :func:`complexity_entropy_curves` [MPR06]_.

Composites: :func:`permutation_entropy`, :func:`spectral_entropy` [PP79]_, :func:`field_entropy` (the
resolution-independent differential entropy of a field) and :func:`sample_entropy` [RM00]_.

Conventions
-----------
* Every function works along ``axis`` (default the last), so one call handles every snapshot; a 1-D
  input gives a NumPy scalar, an N-D input an array over the other axes. Probability makers put their
  states where ``axis`` was.
* An ``xarray.DataArray`` may be passed instead, with ``dim=`` naming the dimension (default: the one at
  ``axis``); the result is a DataArray that keeps the coordinates of the other dimensions. Probability
  makers call their new dimension ``bin``, ``pattern`` or ``mode`` (:func:`field_density` keeps ``dim``).
* Logarithms are natural unless ``base`` is given (any base > 1, e.g. 2 for bits); 0 ln 0 = 0, i.e.
  states with p = 0 are skipped. ``normalized=True`` divides by the maximum over K states (K = length
  along ``axis``, empty states counted), which makes the value base independent and puts it in [0, 1].
* Functionals normalise their input to unit sum, so raw counts may be passed; negative entries raise
  ``ValueError``.
* Degenerate input — empty, all zero, non-finite, too short, no matches — gives NaN together with a
  ``RuntimeWarning``, never ±inf or a silent default.

References
----------
.. [Sha48] C. E. Shannon, "A mathematical theory of communication", Bell Syst. Tech. J. 27, 379 (1948).
.. [Ren61] A. Rényi, "On measures of entropy and information", Proc. 4th Berkeley Symp. Math. Stat.
   Prob. 1, 547 (1961).
.. [Tsa88] C. Tsallis, "Possible generalization of Boltzmann–Gibbs statistics", J. Stat. Phys. 52, 479
   (1988).
.. [BP02] C. Bandt and B. Pompe, "Permutation entropy: a natural complexity measure for time series",
   Phys. Rev. Lett. 88, 174102 (2002).
.. [LRM04] P. W. Lamberti, M. T. Martín, A. Plastino and O. A. Rosso, "Intensive entropic non-triviality
   measure", Physica A 334, 119 (2004).
.. [RLM07] O. A. Rosso, H. A. Larrondo, M. T. Martín, A. Plastino and M. A. Fuentes, "Distinguishing
   noise from chaos", Phys. Rev. Lett. 99, 154102 (2007).
.. [MPR06] M. T. Martín, A. Plastino and O. A. Rosso, "Generalized statistical complexity measures:
   geometrical and analytical properties", Physica A 369, 439 (2006).
.. [RM00] J. S. Richman and J. R. Moorman, "Physiological time-series analysis using approximate
   entropy and sample entropy", Am. J. Physiol. Heart Circ. Physiol. 278, H2039 (2000).
.. [PP79] G. E. Powell and I. C. Percival, "A spectral entropy method for distinguishing regular and
   irregular motion of Hamiltonian systems", J. Phys. A 12, 2053 (1979).
.. [CT06] T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed., Wiley (2006), §8.3.
.. [HD23] K. A. Haaga and G. Datseris, ComplexityMeasures.jl (2023), https://juliadynamics.github.io.
"""

from __future__ import annotations

import functools
import inspect
import math
import operator
import sys
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numba
import numpy as np
import scipy.fft as sfft
from numpy.lib.stride_tricks import sliding_window_view
from scipy.special import entr, logsumexp

if TYPE_CHECKING:
    import xarray as xr
    from numpy.typing import ArrayLike

    Result = np.ndarray | float | xr.DataArray

__all__ = [
    "histogram",
    "field_density",
    "power_spectrum",
    "ordinal_patterns",
    "shannon",
    "renyi",
    "tsallis",
    "field_entropy",
    "permutation_entropy",
    "spectral_entropy",
    "statistical_complexity",
    "complexity_entropy_curves",
    "sample_entropy",
]

# Below this many templates the NumPy lag loop of sample_entropy beats compiling the numba kernel.
SAMPEN_NUMBA_MIN_TEMPLATES = 2000

_KEEP = "<keep>"


# --------------------------------------------------------------------------------------------------
# xarray and axis plumbing
# --------------------------------------------------------------------------------------------------


def _is_dataarray(obj: Any) -> bool:
    # a DataArray can only exist if xarray has been imported, so do not import it here
    xr_mod = sys.modules.get("xarray")
    return xr_mod is not None and isinstance(obj, xr_mod.DataArray)


def _xarray_aware(new_dim: str | None = None) -> Callable[[Callable], Callable]:
    """Let ``func(data, ..., axis=-1)`` take an ``xarray.DataArray`` and a ``dim=`` name.

    ``new_dim=None``: ``func`` reduces ``axis`` away; a string: ``func`` replaces ``axis`` by a new
    dimension of that name (placed last); ``_KEEP``: the output has the input's shape and coordinates.
    """

    def decorate(func: Callable) -> Callable:
        sig = inspect.signature(func)
        first = next(iter(sig.parameters))

        @functools.wraps(func)
        def wrapper(*args: Any, dim: str | None = None, **kwargs: Any) -> Any:
            bound = sig.bind(*args, **kwargs)
            data = bound.arguments[first]
            if not _is_dataarray(data):
                if dim is not None:
                    raise TypeError("dim= needs an xarray.DataArray; use axis= for arrays")
                return func(*args, **kwargs)
            import xarray as xr

            if dim is None:
                dim = data.dims[bound.arguments.get("axis", sig.parameters["axis"].default)]
            elif dim not in data.dims:
                raise ValueError(f"dimension {dim!r} not in {data.dims}")
            da = data.transpose(..., dim)
            bound.arguments[first] = da.values
            bound.arguments["axis"] = -1
            out = func(*bound.args, **bound.kwargs)
            if new_dim == _KEEP:
                result = xr.DataArray(out, dims=da.dims, coords=da.coords, name=func.__name__)
                return result.transpose(*data.dims)
            coords = {k: c for k, c in da.coords.items() if dim not in c.dims}
            dims = da.dims[:-1] if new_dim is None else (*da.dims[:-1], new_dim)
            return xr.DataArray(out, dims=dims, coords=coords, name=func.__name__)

        return wrapper

    return decorate


def _to_rows(x: np.ndarray, axis: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """Move ``axis`` last and flatten the others: (M, n) rows and the batch shape."""
    if x.ndim == 0:
        raise ValueError("expected an array with at least one dimension")
    x = np.moveaxis(x, axis, -1)
    batch = x.shape[:-1]
    return x.reshape(math.prod(batch), x.shape[-1]), batch


def _scalar_out(values: np.ndarray, batch: tuple[int, ...]) -> np.ndarray | float:
    out = values.reshape(batch)
    return out[()] if out.ndim == 0 else out


def _vector_out(rows: np.ndarray, batch: tuple[int, ...], axis: int) -> np.ndarray:
    return np.moveaxis(rows.reshape(*batch, rows.shape[-1]), -1, axis)


def _warn_nan(bad: np.ndarray, what: str, why: str) -> None:
    if not np.any(bad):
        return
    # attribute the warning to the caller's line, however deep inside this module we are
    frame, level = sys._getframe(0), 1
    while frame.f_back is not None and frame.f_code.co_filename == __file__:
        frame, level = frame.f_back, level + 1
    warnings.warn(
        f"{what}: {int(np.sum(bad))} of {bad.size} input(s) {why}; returning NaN for them",
        RuntimeWarning,
        stacklevel=level,
    )


def _normalise_rows(
    w: np.ndarray, what: str, why: str = "are empty, all zero or not finite"
) -> np.ndarray:
    """Rows of non-negative weights → probabilities; degenerate rows become all-NaN (with a warning)."""
    total = w.sum(axis=-1)
    bad = ~(np.isfinite(total) & (total > 0)) | (w.shape[-1] == 0)
    p = w / np.where(bad, 1.0, total)[:, None]
    p[bad] = np.nan
    _warn_nan(bad, what, why)
    return p


def _prob_rows(p: ArrayLike, axis: int, what: str) -> tuple[np.ndarray, tuple[int, ...]]:
    rows, batch = _to_rows(np.asarray(p, dtype=float), axis)
    if np.any(rows < 0):
        raise ValueError(f"{what}: probabilities must be non-negative")
    return _normalise_rows(rows, what), batch


def _check_base(base: float) -> float:
    if not (np.isfinite(base) and base > 1):
        raise ValueError(f"log base must be a finite number > 1, got {base!r}")
    return math.log(base)


def _nan_rows(values: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Put NaN where a probability row is NaN (degenerate) or has no states at all."""
    values = np.asarray(values, dtype=float)
    if p.shape[-1] == 0:
        return np.full(p.shape[0], np.nan)
    return np.where(np.isnan(p[:, 0]), np.nan, values)


def _finish(
    h: np.ndarray, n_states: int, normalized: bool, h_max: float, scale: float, what: str
) -> np.ndarray:
    """Divide natural-log values by the maximum ``h_max`` (normalized) or by ``scale`` (log base)."""
    if not normalized:
        return h / scale
    if n_states < 2:
        if n_states == 1:  # (no states at all was already reported as empty)
            _warn_nan(np.ones(h.shape, bool), what, "have a single state: nothing to normalise by")
        return np.full(h.shape, np.nan)
    return h / h_max


# --------------------------------------------------------------------------------------------------
# Functional kernels on normalised rows (natural log; dx = measure of each state, 1 when discrete)
# --------------------------------------------------------------------------------------------------


LogDensity = tuple[np.ndarray, np.ndarray]


def _log_density(p: np.ndarray, dx: float | np.ndarray, known: LogDensity | None = None):
    """(p > 0, ln ρ = ln(p/Δx) where p > 0); ``known`` is returned as it is (one logarithm for
    several functionals of the same p)."""
    if known is not None:
        return known
    pos = p > 0
    return pos, np.log(np.where(pos, p, 1.0)) - np.log(dx)


def _shannon_nat(
    p: np.ndarray, dx: float | np.ndarray = 1.0, known: LogDensity | None = None
) -> np.ndarray:
    pos, log_rho = _log_density(p, dx, known)
    return _nan_rows(0.0 - np.sum(np.where(pos, p * log_rho, 0.0), axis=-1), p)  # 0 − 0 is +0


def _renyi_nat(
    p: np.ndarray, alpha: float, dx: float | np.ndarray = 1.0, known: LogDensity | None = None
) -> np.ndarray:
    if alpha == 1:
        return _shannon_nat(p, dx, known)
    pos, log_rho = _log_density(p, dx, known)
    if alpha == 0:
        out = np.log(np.sum(np.where(pos, dx, 0.0), axis=-1))
    elif np.isinf(alpha):
        out = -np.max(np.where(pos, log_rho, -np.inf), axis=-1, initial=-np.inf)
    elif abs(alpha - 1) < 0.25:
        # ln Σ p ρ^(α−1) = ln(1 + Σ p (ρ^(α−1) − 1)): no cancellation as α → 1
        s = np.sum(np.where(pos, p * np.expm1((alpha - 1) * log_rho), 0.0), axis=-1)
        out = np.log1p(s) / (1 - alpha)
    elif alpha * math.log(max(p.shape[-1], 2)) < 700.0:
        # p ρ^(α−1) = ρ^α Δx with α ln ρ ≤ −α ln Δx: the direct sum cannot overflow, and its
        # largest term (p_max ≥ 1/n) cannot underflow while α ln n < 700
        with np.errstate(under="ignore"):
            terms = np.where(pos, np.exp(alpha * log_rho) * dx, 0.0)
        out = np.log(np.sum(terms, axis=-1)) / (1 - alpha)
    else:
        log_terms = np.where(pos, np.log(np.where(pos, p, 1.0)) + (alpha - 1) * log_rho, -np.inf)
        out = logsumexp(log_terms, axis=-1) / (1 - alpha)
    return _nan_rows(out, p)


def _tsallis_nat(
    p: np.ndarray, q: float, dx: float | np.ndarray = 1.0, known: LogDensity | None = None
) -> np.ndarray:
    if q == 1:
        return _shannon_nat(p, dx, known)
    pos, log_rho = _log_density(p, dx, known)
    # (1 − Σ p ρ^(q−1))/(q − 1) = −Σ p (ρ^(q−1) − 1)/(q − 1), exact as q → 1; for a large exponent
    # (a tiny p with q far below 1) p·ρ^(q−1) = exp(ln p + (q − 1) ln ρ) − p, which cannot overflow
    x = (q - 1) * log_rho
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        small = p * np.expm1(np.minimum(x, 50.0))
        large = np.exp(np.log(np.where(pos, p, 1.0)) + x) - p
    s = np.sum(np.where(pos, np.where(x < 50.0, small, large), 0.0), axis=-1)
    return _nan_rows(-s / (q - 1), p)


def _tsallis_max(n_states: int, q: float) -> float:
    """(1 − K^(1−q))/(q − 1), ln K at q = 1."""
    if q == 1 or n_states < 1:
        return math.log(max(n_states, 1))
    return -math.expm1((1 - q) * math.log(n_states)) / (q - 1)


# --------------------------------------------------------------------------------------------------
# Probability makers
# --------------------------------------------------------------------------------------------------


@_xarray_aware(new_dim="bin")
def histogram(
    values: ArrayLike,
    bins: int | ArrayLike,
    range: tuple[float, float] | None = None,
    axis: int = -1,
) -> Result:
    """Histogram probabilities p_b = n_b / Σ n along ``axis`` (the states are the bins).

    Bins follow :func:`numpy.histogram`: ``bins`` equal-width bins on ``range`` (half-open
    [e_b, e_{b+1}) except the last, which is closed), or explicit non-decreasing edges. Empty bins are
    kept as zeros, so K = number of bins. Values outside the range and non-finite values are not
    counted; the probabilities are fractions of the counted values.

    Parameters
    ----------
    values : array_like or xarray.DataArray
        Samples; each series along ``axis`` is binned separately.
    bins : int or array_like
        Number of equal-width bins, or the bin edges (shared by all series).
    range : (float, float), optional
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
    rows, batch = _to_rows(np.asarray(values, dtype=float), axis)
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
    return _vector_out(_normalise_rows(counts.astype(float), "histogram"), batch, axis)


def field_entropies(
    field: ArrayLike,
    dx: float | ArrayLike,
    alphas: tuple[float, ...] = (),
    qs: tuple[float, ...] = (),
    axis: int = -1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The differential Shannon entropy and the Rényi (``alphas``) and Tsallis (``qs``) entropies of
    :func:`field_entropy`, in nats, from one density and one logarithm.

    Returns ``(shannon, renyi, tsallis)`` with shapes batch, batch + (len(alphas),) and
    batch + (len(qs),): the values ``field_entropy`` gives one by one, for many orders at about
    the cost of one.
    """
    rows, batch = _to_rows(np.asarray(field), axis)
    widths = _cell_widths(dx, rows.shape[-1])
    p = _field_rows(rows, widths, "field_entropy")
    known = _log_density(p, widths)
    shannon = _shannon_nat(p, widths, known)
    renyi = [_renyi_nat(p, float(a), widths, known) for a in alphas]
    tsallis = [_tsallis_nat(p, float(q), widths, known) for q in qs]

    def stacked(values: list[np.ndarray]) -> np.ndarray:
        out = np.stack(values, axis=-1) if values else np.empty((p.shape[0], 0))
        return out.reshape(*batch, len(values))

    return shannon.reshape(batch), stacked(renyi), stacked(tsallis)


def _cell_widths(dx: float | ArrayLike | None, n: int) -> float | np.ndarray:
    if dx is None:
        return 1.0
    widths = np.asarray(dx, dtype=float)
    if widths.ndim > 1 or (widths.ndim == 1 and widths.shape != (n,)):
        raise ValueError(f"dx must be a scalar or have the length of the axis ({n})")
    if not np.all(np.isfinite(widths) & (widths > 0)):
        raise ValueError("dx must be finite and positive")
    return float(widths) if widths.ndim == 0 else widths


def _field_rows(rows: np.ndarray, widths: float | np.ndarray, what: str) -> np.ndarray:
    power = rows.real**2 + rows.imag**2 if np.iscomplexobj(rows) else rows.astype(float) ** 2
    return _normalise_rows(power * widths, what)


@_xarray_aware(new_dim=_KEEP)
def field_density(field: ArrayLike, dx: float | ArrayLike | None = None, axis: int = -1) -> Result:
    """Spatial probabilities of a field, p_j = |f_j|² Δx_j / Σ_k |f_k|² Δx_k.

    A proper discrete distribution (Σ p = 1, 0 ≤ p ≤ 1): the mass fraction in cell j of the density
    ρ = |f|²/∫|f|² (|ψ|² for the NLSE, φ² for Klein–Gordon). On a uniform grid Δx cancels. Its Shannon
    entropy grows like ln N with resolution; see :func:`field_entropy` for the resolution-independent
    quantity.

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
    rows, batch = _to_rows(np.asarray(field), axis)
    p = _field_rows(rows, _cell_widths(dx, rows.shape[-1]), "field_density")
    return _vector_out(p, batch, axis)


def _power_rows(rows: np.ndarray, onesided: bool | None, what: str) -> np.ndarray:
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
    return _normalise_rows(power, what)


@_xarray_aware(new_dim="mode")
def power_spectrum(field: ArrayLike, axis: int = -1, *, onesided: bool | None = None) -> Result:
    """Normalised power spectrum P_k = |f̂_k|² / Σ_k' |f̂_k'|², f̂ = ``scipy.fft.fft(f)``.

    Parameters
    ----------
    field : array_like or xarray.DataArray
        Real or complex samples along ``axis`` (a periodic profile or a time series).
    axis : int
        Axis to transform.
    onesided : bool, optional
        Default: True for real input, False for complex input. One-sided: the n//2 + 1 modes
        k = 0 … ⌊n/2⌋ (``scipy.fft.rfft`` order) with the power of ±k added (|f̂_{−k}| = |f̂_k| for a real
        field), i.e. the distribution of power over |k|. Two-sided: all n modes in ``scipy.fft.fft``
        order (0, 1, …, −1), as needed for complex fields where ±k differ.
    dim : str, optional
        Dimension name instead of ``axis`` for a DataArray (new dimension ``mode``).

    Returns
    -------
    ndarray or DataArray
        Probabilities with the modes along ``axis``; NaN (and a warning) for an all-zero, empty or
        non-finite series.
    """
    rows, batch = _to_rows(np.asarray(field), axis)
    return _vector_out(_power_rows(rows, onesided, "power_spectrum"), batch, axis)


def _check_embedding(order: int, delay: int) -> tuple[int, int]:
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


def _ordinal_rows(rows: np.ndarray, order: int, delay: int, what: str) -> np.ndarray:
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
    return _normalise_rows(counts, what, "are shorter than one window or not finite")


@_xarray_aware(new_dim="pattern")
def ordinal_patterns(series: ArrayLike, order: int = 3, delay: int = 1, axis: int = -1) -> Result:
    """Relative frequencies of the order! ordinal patterns of a series (Bandt & Pompe [BP02]_).

    Each window (x_t, x_{t+τ}, …, x_{t+(d−1)τ}), t = 0 … n − 1 − (d − 1)τ, is mapped to the permutation π
    that sorts it, x_{t+π_0 τ} ≤ x_{t+π_1 τ} ≤ … (a stable argsort: tied values keep their time
    order, so a constant series has the single pattern (0, 1, …, d − 1)). Pattern k is the k-th
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
    order, delay = _check_embedding(order, delay)
    rows, batch = _to_rows(np.asarray(series, dtype=float), axis)
    return _vector_out(_ordinal_rows(rows, order, delay, "ordinal_patterns"), batch, axis)


# --------------------------------------------------------------------------------------------------
# Functionals
# --------------------------------------------------------------------------------------------------


@_xarray_aware()
def shannon(p: ArrayLike, base: float = math.e, normalized: bool = False, axis: int = -1) -> Result:
    """Shannon entropy H = −Σ_i p_i log_b p_i [Sha48]_ (0 log 0 = 0).

    Parameters
    ----------
    p : array_like or xarray.DataArray
        Probabilities (or counts; normalised to unit sum) along ``axis``.
    base : float
        Logarithm base b > 1 (e: nats, 2: bits, 10: hartleys).
    normalized : bool
        Divide by the maximum ln K (K states along ``axis``), giving a base-free value in [0, 1].
    axis : int
        Axis of the states.
    dim : str, optional
        Dimension name instead of ``axis`` for a DataArray.

    Returns
    -------
    float, ndarray or DataArray
        H over the other axes; NaN (and a warning) for empty, all-zero or non-finite input.
    """
    log_base = _check_base(base)
    rows, batch = _prob_rows(p, axis, "shannon")
    n_states = rows.shape[-1]
    h = _finish(
        _shannon_nat(rows), n_states, normalized, math.log(max(n_states, 1)), log_base, "shannon"
    )
    return _scalar_out(h, batch)


@_xarray_aware()
def renyi(
    p: ArrayLike, alpha: float, base: float = math.e, normalized: bool = False, axis: int = -1
) -> Result:
    """Rényi entropy H_α = log_b(Σ_i p_i^α) / (1 − α), α ≥ 0 [Ren61]_.

    Limits: α = 0 gives the Hartley entropy log_b(#{i : p_i > 0}), α = 1 the Shannon entropy, α = ∞ the
    min-entropy −log_b max_i p_i. Near α = 1 it is evaluated as log1p(Σ p (p^(α−1) − 1))/(1 − α), which
    has no cancellation, so α = 1 ± 1e-7 agrees with Shannon to rounding.

    Parameters
    ----------
    p : array_like or xarray.DataArray
        Probabilities (or counts) along ``axis``.
    alpha : float
        Order α ≥ 0 (``numpy.inf`` allowed).
    base : float
        Logarithm base > 1.
    normalized : bool
        Divide by the maximum ln K (the uniform distribution, for every α).
    axis : int
        Axis of the states.
    dim : str, optional
        Dimension name instead of ``axis`` for a DataArray.

    Returns
    -------
    float, ndarray or DataArray
        H_α; NaN (and a warning) for degenerate input.
    """
    if not alpha >= 0:
        raise ValueError(f"alpha must be >= 0, got {alpha!r}")
    log_base = _check_base(base)
    rows, batch = _prob_rows(p, axis, "renyi")
    n_states = rows.shape[-1]
    h_max = math.log(max(n_states, 1))
    h = _finish(_renyi_nat(rows, float(alpha)), n_states, normalized, h_max, log_base, "renyi")
    return _scalar_out(h, batch)


@_xarray_aware()
def tsallis(p: ArrayLike, q: float, normalized: bool = False, axis: int = -1) -> Result:
    """Tsallis entropy S_q = (1 − Σ_i p_i^q) / (q − 1) [Tsa88]_; S_1 = −Σ p ln p (natural log).

    Evaluated as −Σ p (p^(q−1) − 1)/(q − 1) with ``expm1``, exact as q → 1. There is no log base.

    Parameters
    ----------
    p : array_like or xarray.DataArray
        Probabilities (or counts) along ``axis``.
    q : float
        Entropic index (finite).
    normalized : bool
        Divide by the maximum over K states, (1 − K^(1−q))/(q − 1) (ln K at q = 1), reached by the
        uniform distribution for q ≥ 0 (S_q is concave there); ``ValueError`` for q < 0.
    axis : int
        Axis of the states.
    dim : str, optional
        Dimension name instead of ``axis`` for a DataArray.

    Returns
    -------
    float, ndarray or DataArray
        S_q; NaN (and a warning) for degenerate input.
    """
    if not np.isfinite(q):
        raise ValueError(f"q must be finite, got {q!r}")
    if normalized and q < 0:
        raise ValueError("normalized Tsallis entropy needs q >= 0 (no uniform maximum for q < 0)")
    rows, batch = _prob_rows(p, axis, "tsallis")
    n_states = rows.shape[-1]
    h_max = _tsallis_max(n_states, float(q))
    return _scalar_out(
        _finish(_tsallis_nat(rows, float(q)), n_states, normalized, h_max, 1.0, "tsallis"), batch
    )


@_xarray_aware()
def field_entropy(
    field: ArrayLike,
    dx: float | ArrayLike,
    kind: str = "shannon",
    *,
    alpha: float | None = None,
    q: float | None = None,
    base: float = math.e,
    axis: int = -1,
) -> Result:
    """Differential (continuous) entropy of the density ρ = |f|²/∫|f|² dx of a field on a grid.

    With p_j = ρ_j Δx_j (:func:`field_density`) and the quadrature ∫ g dx ≈ Σ_j g_j Δx_j:

    * Shannon:  h = −∫ ρ ln ρ dx ≈ −Σ_j p_j ln(p_j/Δx_j)        (= H[p] + ln Δx on a uniform grid),
    * Rényi:    h_α = ln(∫ ρ^α dx)/(1 − α) ≈ ln(Σ_j p_j (p_j/Δx_j)^(α−1))/(1 − α)   (= H_α[p] + ln Δx),
      with h_0 = ln |supp ρ| and h_∞ = −ln max ρ,
    * Tsallis:  s_q = (1 − ∫ ρ^q dx)/(q − 1) ≈ (1 − Σ_j p_j (p_j/Δx_j)^(q−1))/(q − 1), the continuous
      Tsallis entropy (not additive in Δx: it equals (1 − Δx^(1−q) Σ p^q)/(q − 1); s_1 = h).

    Why not the discrete entropy of p_j? For a smooth field H[p] = h − ln Δx + o(1) [CT06]_ (Thm 8.3.1):
    it grows by ln 4 when the resolution is quadrupled, so it measures the grid as much as the field.
    The quantities above converge to the field's own value (spectrally fast for smooth fields on a
    periodic grid, where the sum is the trapezoidal rule), e.g. h = 2 − ln(2η) for the NLSE soliton
    ψ = η sech(η x) and h = ½ ln(2πeσ²) for a Gaussian ρ. Like every differential entropy they depend
    on the unit of length (h shifts by ln c when x → c x) and may be negative for a narrow field.
    Normalising by ln K is not offered: K is the number of grid points, not a property of the field.

    Parameters
    ----------
    field : array_like or xarray.DataArray
        Real or complex field values along ``axis``.
    dx : float or array_like
        Grid spacing (or cell widths on a non-uniform grid, length of ``axis``).
    kind : {"shannon", "renyi", "tsallis"}
        Functional.
    alpha : float
        Rényi order α ≥ 0 (``kind="renyi"``).
    q : float
        Tsallis index (``kind="tsallis"``).
    base : float
        Logarithm base > 1 for Shannon and Rényi (Tsallis has none).
    axis : int
        Spatial axis.
    dim : str, optional
        Dimension name instead of ``axis`` for a DataArray.

    Returns
    -------
    float, ndarray or DataArray
        The differential entropy per snapshot; NaN (and a warning) for an all-zero or non-finite one.
    """
    if dx is None:
        raise ValueError("field_entropy needs the grid spacing dx")
    log_base = _check_base(base)
    rows, batch = _to_rows(np.asarray(field), axis)
    widths = _cell_widths(dx, rows.shape[-1])
    p = _field_rows(rows, widths, "field_entropy")
    if kind == "shannon":
        h = _shannon_nat(p, widths) / log_base
    elif kind == "renyi":
        if alpha is None or not alpha >= 0:
            raise ValueError("kind='renyi' needs alpha >= 0")
        h = _renyi_nat(p, float(alpha), widths) / log_base
    elif kind == "tsallis":
        if q is None or not np.isfinite(q):
            raise ValueError("kind='tsallis' needs a finite q")
        if base != math.e:
            raise ValueError("the Tsallis entropy has no log base")
        h = _tsallis_nat(p, float(q), widths)
    else:
        raise ValueError(f"unknown kind {kind!r}; known: 'shannon', 'renyi', 'tsallis'")
    return _scalar_out(h, batch)


@_xarray_aware()
def permutation_entropy(
    x: ArrayLike,
    order: int = 3,
    delay: int = 1,
    normalized: bool = True,
    axis: int = -1,
    *,
    base: float = math.e,
) -> Result:
    """Permutation entropy H = −Σ_π p_π ln p_π / ln d! of the ordinal patterns (Bandt & Pompe [BP02]_).

    p_π from :func:`ordinal_patterns` (stable argsort: ties keep their time order, so a constant
    series has H = 0).

    Parameters
    ----------
    x : array_like or xarray.DataArray
        Series along ``axis``.
    order, delay : int
        Embedding dimension d ≥ 2 and delay τ ≥ 1.
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
    order, delay = _check_embedding(order, delay)
    log_base = _check_base(base)
    rows, batch = _to_rows(np.asarray(x, dtype=float), axis)
    p = _ordinal_rows(rows, order, delay, "permutation_entropy")
    h_max = math.log(math.factorial(order))
    h = _finish(_shannon_nat(p), p.shape[-1], normalized, h_max, log_base, "permutation_entropy")
    return _scalar_out(h, batch)


@_xarray_aware()
def spectral_entropy(
    x: ArrayLike,
    axis: int = -1,
    normalized: bool = True,
    *,
    base: float = math.e,
    onesided: bool | None = None,
) -> Result:
    """Spectral entropy H = −Σ_k P_k ln P_k of the normalised power spectrum P_k (Powell & Percival [PP79]_).

    P_k from :func:`power_spectrum` (one-sided for real input, K = n//2 + 1 modes; two-sided for complex
    input, K = n). 0 for a single Fourier mode, close to (but on average below) ln K for white noise.

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
    log_base = _check_base(base)
    rows, batch = _to_rows(np.asarray(x), axis)
    p = _power_rows(rows, onesided, "spectral_entropy")
    n_states = p.shape[-1]
    h_max = math.log(max(n_states, 1))
    return _scalar_out(
        _finish(_shannon_nat(p), n_states, normalized, h_max, log_base, "spectral_entropy"), batch
    )


def _js_max(n_states: int) -> float:
    """max_p JS(p, u) = −½[(K + 1)/K ln(K + 1) − 2 ln(2K) + ln K], reached by a delta distribution."""
    k = n_states
    return -0.5 * ((k + 1) / k * math.log(k + 1) - 2 * math.log(2 * k) + math.log(k))


@_xarray_aware()
def statistical_complexity(p: ArrayLike, axis: int = -1) -> Result:
    """Jensen–Shannon statistical complexity C = Q_J[p, u] · H_S[p] [LRM04]_ [RLM07]_.

    H_S = S[p]/ln K is the normalised Shannon entropy, u the uniform distribution on the K states, and
    Q_J = Q_0 · JS(p, u) the disequilibrium, JS(p, u) = S[(p + u)/2] − S[p]/2 − S[u]/2 the
    Jensen–Shannon divergence and Q_0 = −2 / [(K + 1)/K ln(K + 1) − 2 ln(2K) + ln K] the normaliser
    that makes max Q_J = 1 (reached by a delta distribution). C = 0 for a delta (H_S = 0) and for the
    uniform distribution (Q_J = 0); in between it lies between the curves of
    :func:`complexity_entropy_curves`. With :func:`ordinal_patterns` this is the complexity–entropy
    causality plane of Rosso et al.

    Parameters
    ----------
    p : array_like or xarray.DataArray
        Probabilities (or counts) along ``axis``, K ≥ 2 states.
    axis : int
        Axis of the states.
    dim : str, optional
        Dimension name instead of ``axis`` for a DataArray.

    Returns
    -------
    float, ndarray or DataArray
        C in [0, 1); NaN (and a warning) for degenerate input or K < 2.
    """
    rows, batch = _prob_rows(p, axis, "statistical_complexity")
    n_states = rows.shape[-1]
    if n_states < 2:
        _warn_nan(
            np.full(rows.shape[0], n_states == 1),
            "statistical_complexity",
            "have fewer than 2 states",
        )
        return _scalar_out(np.full(rows.shape[0], np.nan), batch)
    return _scalar_out(_complexity(rows), batch)


def _complexity(p: np.ndarray) -> np.ndarray:
    n_states = p.shape[-1]
    log_k = math.log(n_states)
    s = _shannon_nat(p)
    js = _shannon_nat(0.5 * (p + 1.0 / n_states)) - 0.5 * s - 0.5 * log_k
    return np.maximum(js, 0.0) / _js_max(n_states) * (s / log_k)  # JS ≥ 0; clip rounding


def _plane_point(
    levels: list[tuple[np.ndarray, int]], n_states: int
) -> tuple[np.ndarray, np.ndarray]:
    """(H_S, C) of distributions given as (value, multiplicity) pairs, without building them."""
    s = sum(mult * entr(v) for v, mult in levels)
    s_mix = sum(mult * entr(0.5 * (v + 1.0 / n_states)) for v, mult in levels)
    log_k = math.log(n_states)
    js = np.maximum(s_mix - 0.5 * s - 0.5 * log_k, 0.0)
    return s / log_k, js / _js_max(n_states) * (s / log_k)


def complexity_entropy_curves(
    n_states: int, n_points: int = 1000
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Minimum and maximum statistical complexity C as functions of H_S over K states [MPR06]_.

    * Minimum: p = (p_max, (1 − p_max)/(K − 1), …), 1/K ≤ p_max ≤ 1.
    * Maximum: the union over n = 0 … K − 2 of the families with n zero states, one state p and K − n − 1
      states (1 − p)/(K − n − 1), 0 ≤ p ≤ 1/(K − n); family n covers ln(K − n − 1)/ln K ≤ H_S ≤
      ln(K − n)/ln K.

    Every distribution on K states lies between the two curves in the (H_S, C) plane of
    :func:`statistical_complexity`. Both curves run from (0, 0) to (1, 0).

    Parameters
    ----------
    n_states : int
        K ≥ 2 (d! for permutation entropy of order d).
    n_points : int
        Points on the minimum curve; the maximum curve gets about as many, shared among its K − 1
        families in proportion to the H_S interval each covers (at least 2 per family, so about
        ``n_points + 2K`` in all for large K).

    Returns
    -------
    (H, C_min), (H, C_max) : tuple of tuple of ndarray
        Each curve sorted by increasing H.
    """
    k, n_points = operator.index(n_states), operator.index(n_points)
    if k < 2 or n_points < 2:
        raise ValueError("need n_states >= 2 and n_points >= 2")
    p_max = np.linspace(1.0, 1.0 / k, n_points)
    h_min, c_min = _plane_point([(p_max, 1), ((1 - p_max) / (k - 1), k - 1)], k)
    h_parts, c_parts = [], []
    log_k = math.log(k)
    for n in range(k - 2, -1, -1):
        free = k - n - 1
        share = math.log((k - n) / free) / log_k
        grid = np.linspace(0.0, 1.0 / (k - n), max(2, math.ceil(n_points * share)) + 1)
        p = grid if n == k - 2 else grid[1:]  # p = 0 repeats the end of family n + 1
        h, c = _plane_point([(np.zeros_like(p), n), (p, 1), ((1 - p) / free, free)], k)
        h_parts.append(h)
        c_parts.append(c)
    h_max, c_max = np.concatenate(h_parts), np.concatenate(c_parts)
    order = np.argsort(h_max, kind="stable")
    return (h_min, c_min), (h_max[order], c_max[order])


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


@_xarray_aware()
def sample_entropy(x: ArrayLike, m: int = 2, r: float | None = None, axis: int = -1) -> Result:
    """Sample entropy SampEn(m, r) = −ln(A/B) (Richman & Moorman [RM00]_).

    The N − m templates u_i = (x_i, …, x_{i+m−1}), i = 0 … N − m − 1, are compared pairwise (i < j, so
    self-matches are excluded) with the Chebyshev distance max_k |x_{i+k} − x_{j+k}|. B counts the pairs
    within r (≤ r), A the pairs that stay within r when extended to length m + 1. The same N − m
    templates are used for both, so A/B estimates P(match of m + 1 points | match of m points).

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
    O(N² m) work. Below ``SAMPEN_NUMBA_MIN_TEMPLATES`` templates a NumPy loop over lags does all pairs of
    one lag at once; longer series use a compiled numba kernel with early exit on the first mismatch.
    """
    m = operator.index(m)
    if m < 1:
        raise ValueError("m must be >= 1")
    rows, batch = _to_rows(np.asarray(x, dtype=float), axis)
    n_rows, n = rows.shape
    if r is None:
        tol = 0.2 * np.std(rows, axis=-1) if n else np.zeros(n_rows)
    elif np.isfinite(r) and r >= 0:
        tol = np.full(n_rows, float(r))
    else:
        raise ValueError(f"r must be finite and >= 0, got {r!r}")
    bad = ~np.isfinite(rows).all(axis=-1) | (n < m + 2)
    _warn_nan(bad, "sample_entropy", "are too short (N < m + 2) or not finite")
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
    _warn_nan(no_match, "sample_entropy", "have no matching template pairs (A = 0 or B = 0)")
    valid = good & ~no_match
    out = np.full(n_rows, np.nan)
    out[valid] = -np.log(a[valid] / b[valid])
    return _scalar_out(out, batch)
