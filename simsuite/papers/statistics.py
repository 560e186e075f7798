"""Statistics the paper reproductions share: decorrelated samples of a field and Cliff's δ.

A field sampled on a grid over time is strongly autocorrelated, so tests across cases on every
value would pretend 10⁵ independent points. :func:`decorrelated_samples` thins it to roughly
independent ones, every ℓ_t-th snapshot and every ℓ_x-th point, ℓ the lags at which the
autocorrelation first drops below 1/e (:func:`correlation_lag`). :func:`cliffs_delta` is the effect
size reported beside a Kruskal–Wallis test.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["cliffs_delta", "correlation_lag", "decorrelated_samples"]


def correlation_lag(field: np.ndarray, axis: int, periodic: bool) -> int:
    """First lag (in samples) at which the autocorrelation of ``field`` along ``axis`` drops below
    1/e, the other axis averaged; the full length when it never does (a static field).

    The autocovariance is taken about the mean along ``axis`` by FFT (circular when ``periodic``,
    zero-padded otherwise) and summed over the other axis before normalising.
    """
    f = np.moveaxis(field, axis, -1)
    f = f - f.mean(axis=-1, keepdims=True)
    n = f.shape[-1]
    size = n if periodic else 2 * n
    spectrum = np.abs(np.fft.rfft(f, n=size, axis=-1)) ** 2
    acov = np.fft.irfft(spectrum, n=size, axis=-1)[..., :n].sum(axis=0)
    if not acov[0] > 1e-300:
        return n
    rho = acov / acov[0]
    below = np.flatnonzero(rho[: n // 2 + 1 if periodic else n] < math.exp(-1.0))
    return int(below[0]) if below.size else n


def decorrelated_samples(phi: np.ndarray) -> tuple[np.ndarray, int, int]:
    """A real field φ(t, x) on (snapshot, periodic grid point) thinned to roughly independent
    samples: every ℓ_t-th snapshot and every ℓ_x-th point, ℓ the 1/e autocorrelation lags of
    :func:`correlation_lag` in t and (periodically) in x. A field that does not change in time (to
    1e-8 of its size) counts one snapshot only.

    Returns the samples and the two strides (ℓ_t, ℓ_x).
    """
    static = np.ptp(phi, axis=0).max() <= 1e-8 * max(float(np.abs(phi).max()), 1e-300)
    lag_t = phi.shape[0] if static else max(1, correlation_lag(phi, axis=0, periodic=False))
    lag_x = max(1, correlation_lag(phi, axis=1, periodic=True))
    return phi[::lag_t, ::lag_x].ravel(), lag_t, lag_x


def cliffs_delta(a: np.ndarray, b: np.ndarray) -> float:
    """Cliff's δ = [#(a_i > b_j) − #(a_i < b_j)]/(n_a n_b) (Cliff, Psychol. Bull. 114, 494 (1993)),
    counted for all pairs at once by sorting ``b`` and ``searchsorted``: O((n_a + n_b) log n_b)."""
    b = np.sort(np.asarray(b, dtype=float))
    a = np.asarray(a, dtype=float)
    greater = np.searchsorted(b, a, side="left").sum()
    less = (b.size - np.searchsorted(b, a, side="right")).sum()
    return float(greater - less) / (a.size * b.size)
