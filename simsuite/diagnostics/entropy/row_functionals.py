"""Shannon, Rényi and Tsallis functionals on rows of normalised probabilities, in nats.

The kernels behind the public functionals (:mod:`~simsuite.diagnostics.entropy.functionals`) and
the composite entropies. Each takes (M, K) rows made by
:func:`~simsuite.diagnostics.entropy.arrays.normalise_rows` (unit sum, or all NaN for a degenerate
row) and the measure ``dx`` of each state (1 for discrete states, the cell widths for the
differential entropies of a field), and returns one natural-log value per row (NaN for a degenerate
row). :func:`finish_entropy` then converts to a log base or normalises by the maximum.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import logsumexp

from simsuite.diagnostics.entropy.arrays import warn_nan

# (p > 0, ln ρ) of :func:`log_density`
LogDensity = tuple[np.ndarray, np.ndarray]


def check_base(base: float) -> float:
    """ln b of a logarithm base b, which must be a finite number > 1."""
    if not (np.isfinite(base) and base > 1):
        raise ValueError(f"log base must be a finite number > 1, got {base!r}")
    return math.log(base)


def _nan_rows(values: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Put NaN where a probability row is NaN (degenerate) or has no states at all."""
    values = np.asarray(values, dtype=float)
    if p.shape[-1] == 0:
        return np.full(p.shape[0], np.nan)
    return np.where(np.isnan(p[:, 0]), np.nan, values)


def finish_entropy(
    h: np.ndarray, n_states: int, normalized: bool, h_max: float, scale: float, what: str
) -> np.ndarray:
    """Divide natural-log values by the maximum ``h_max`` (normalized) or by ``scale`` (log base)."""
    if not normalized:
        return h / scale
    if n_states < 2:
        if n_states == 1:  # (no states at all was already reported as empty)
            warn_nan(np.ones(h.shape, bool), what, "have a single state: nothing to normalise by")
        return np.full(h.shape, np.nan)
    return h / h_max


def log_density(
    p: np.ndarray, dx: float | np.ndarray, known: LogDensity | None = None
) -> LogDensity:
    """(p > 0, ln ρ = ln(p/Δx) where p > 0); ``known`` is returned as it is (one logarithm for
    several functionals of the same p)."""
    if known is not None:
        return known
    pos = p > 0
    return pos, np.log(np.where(pos, p, 1.0)) - np.log(dx)


def shannon_nat(
    p: np.ndarray, dx: float | np.ndarray = 1.0, known: LogDensity | None = None
) -> np.ndarray:
    """h = −Σ_j p_j ln(p_j/Δx_j) per row (the discrete Shannon entropy when Δx = 1)."""
    pos, log_rho = log_density(p, dx, known)
    return _nan_rows(0.0 - np.sum(np.where(pos, p * log_rho, 0.0), axis=-1), p)  # 0 − 0 is +0


def renyi_nat(
    p: np.ndarray, alpha: float, dx: float | np.ndarray = 1.0, known: LogDensity | None = None
) -> np.ndarray:
    """h_α = ln(Σ_j p_j (p_j/Δx_j)^(α−1))/(1 − α) per row; α = 0, 1 and ∞ as their limits."""
    if alpha == 1:
        return shannon_nat(p, dx, known)
    pos, log_rho = log_density(p, dx, known)
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


def tsallis_nat(
    p: np.ndarray, q: float, dx: float | np.ndarray = 1.0, known: LogDensity | None = None
) -> np.ndarray:
    """s_q = (1 − Σ_j p_j (p_j/Δx_j)^(q−1))/(q − 1) per row; the Shannon h at q = 1."""
    if q == 1:
        return shannon_nat(p, dx, known)
    pos, log_rho = log_density(p, dx, known)
    # (1 − Σ p ρ^(q−1))/(q − 1) = −Σ p (ρ^(q−1) − 1)/(q − 1), exact as q → 1; for a large exponent
    # (a tiny p with q far below 1) p·ρ^(q−1) = exp(ln p + (q − 1) ln ρ) − p, which cannot overflow
    x = (q - 1) * log_rho
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        small = p * np.expm1(np.minimum(x, 50.0))
        large = np.exp(np.log(np.where(pos, p, 1.0)) + x) - p
    s = np.sum(np.where(pos, np.where(x < 50.0, small, large), 0.0), axis=-1)
    return _nan_rows(-s / (q - 1), p)


def tsallis_max(n_states: int, q: float) -> float:
    """(1 − K^(1−q))/(q − 1), ln K at q = 1."""
    if q == 1 or n_states < 1:
        return math.log(max(n_states, 1))
    return -math.expm1((1 - q) * math.log(n_states)) / (q - 1)
