r"""Jensen–Shannon statistical complexity and the complexity–entropy plane.

* :func:`statistical_complexity` :math:`C = Q_J \cdot H` [LRM04]_ [RLM07]_ of a probability vector,
* :func:`complexity_entropy_curves` — the minimum and maximum C at each normalised entropy H over K
  states, which bound the complexity–entropy plane [MPR06]_.
"""

from __future__ import annotations

import math
import operator
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import entr

from simsuite.diagnostics.entropy.arrays import prob_rows, scalar_out, warn_nan, xarray_aware
from simsuite.diagnostics.entropy.row_functionals import shannon_nat

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from simsuite.diagnostics.entropy.arrays import Result


def _js_max(n_states: int) -> float:
    """max_p JS(p, u) = −½[(K + 1)/K ln(K + 1) − 2 ln(2K) + ln K], reached by a delta distribution."""
    k = n_states
    return -0.5 * ((k + 1) / k * math.log(k + 1) - 2 * math.log(2 * k) + math.log(k))


@xarray_aware()
def statistical_complexity(p: ArrayLike, axis: int = -1) -> Result:
    r"""Jensen–Shannon statistical complexity :math:`C = Q_J[p, u] \cdot H_S[p]` [LRM04]_ [RLM07]_.

    :math:`H_S = S[p] / \ln K` is the normalised Shannon entropy, u the uniform distribution on the
    K states, and :math:`Q_J = Q_0 \cdot \mathrm{JS}(p, u)` the disequilibrium, with the
    Jensen–Shannon divergence and the normaliser

    .. math::

        \mathrm{JS}(p, u) = S[(p + u)/2] - S[p]/2 - S[u]/2, \qquad
        Q_0 = \frac{-2}{\frac{K + 1}{K} \ln(K + 1) - 2 \ln(2K) + \ln K},

    which makes :math:`\max Q_J = 1` (reached by a delta distribution). C = 0 for a delta
    (:math:`H_S = 0`) and for the uniform distribution (:math:`Q_J = 0`); in between it lies between
    the curves of
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
    rows, batch = prob_rows(p, axis, "statistical_complexity")
    n_states = rows.shape[-1]
    if n_states < 2:
        warn_nan(
            np.full(rows.shape[0], n_states == 1),
            "statistical_complexity",
            "have fewer than 2 states",
        )
        return scalar_out(np.full(rows.shape[0], np.nan), batch)
    return scalar_out(_complexity(rows), batch)


def _complexity(p: np.ndarray) -> np.ndarray:
    n_states = p.shape[-1]
    log_k = math.log(n_states)
    s = shannon_nat(p)
    js = shannon_nat(0.5 * (p + 1.0 / n_states)) - 0.5 * s - 0.5 * log_k
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
    r"""Minimum and maximum statistical complexity C as functions of :math:`H_S` over K states [MPR06]_.

    * Minimum: :math:`p = (p_{\max}, (1 - p_{\max})/(K - 1), \dots)`, :math:`1/K \le p_{\max} \le 1`.
    * Maximum: the union over n = 0 … K − 2 of the families with n zero states, one state p and
      K − n − 1 states :math:`(1 - p)/(K - n - 1)`, :math:`0 \le p \le 1/(K - n)`; family n covers
      :math:`\ln(K - n - 1)/\ln K \le H_S \le \ln(K - n)/\ln K`.

    Every distribution on K states lies between the two curves in the :math:`(H_S, C)` plane of
    :func:`statistical_complexity`. Both curves run from (0, 0) to (1, 0).

    Parameters
    ----------
    n_states : int
        K ≥ 2 (d! for permutation entropy of order d).
    n_points : int
        Points on the minimum curve; the maximum curve gets about as many, shared among its K − 1
        families in proportion to the :math:`H_S` interval each covers (at least 2 per family, so about
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
