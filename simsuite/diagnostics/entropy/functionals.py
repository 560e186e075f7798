r"""Entropy functionals of a probability vector, and the differential entropies of a field.

* :func:`shannon` :math:`H = -\sum p \ln p` [Sha48]_,
  :func:`renyi` :math:`H_\alpha = \ln(\sum p^\alpha)/(1 - \alpha)` [Ren61]_,
  :func:`tsallis` :math:`S_q = (1 - \sum p^q)/(q - 1)` [Tsa88]_, on probabilities (or counts) along
  an axis;
* :func:`field_entropy` — their differential (continuous) forms for the density
  :math:`\rho = |f|^2 / \int |f|^2 \, dx` of a field on a grid, which do not depend on the
  resolution [CT06]_; :func:`field_entropies` — all of them at once, from one density and one
  logarithm.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from simsuite.diagnostics.entropy.arrays import prob_rows, scalar_out, to_rows, xarray_aware
from simsuite.diagnostics.entropy.probabilities import cell_widths, field_rows
from simsuite.diagnostics.entropy.row_functionals import (
    check_base,
    finish_entropy,
    log_density,
    renyi_nat,
    shannon_nat,
    tsallis_max,
    tsallis_nat,
)

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from simsuite.diagnostics.entropy.arrays import Result


@xarray_aware()
def shannon(p: ArrayLike, base: float = math.e, normalized: bool = False, axis: int = -1) -> Result:
    r"""Shannon entropy :math:`H = -\sum_i p_i \log_b p_i` [Sha48]_ (:math:`0 \log 0 = 0`).

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
    log_base = check_base(base)
    rows, batch = prob_rows(p, axis, "shannon")
    n_states = rows.shape[-1]
    h = finish_entropy(
        shannon_nat(rows), n_states, normalized, math.log(max(n_states, 1)), log_base, "shannon"
    )
    return scalar_out(h, batch)


@xarray_aware()
def renyi(
    p: ArrayLike, alpha: float, base: float = math.e, normalized: bool = False, axis: int = -1
) -> Result:
    r"""Rényi entropy :math:`H_\alpha = \log_b(\sum_i p_i^\alpha) / (1 - \alpha)`, α ≥ 0 [Ren61]_.

    Limits: α = 0 gives the Hartley entropy :math:`\log_b \#\{i : p_i > 0\}`, α = 1 the Shannon
    entropy, α = ∞ the min-entropy :math:`-\log_b \max_i p_i`. Near α = 1 it is evaluated as
    :math:`\operatorname{log1p}(\sum p \, (p^{\alpha - 1} - 1)) / (1 - \alpha)`, which has no
    cancellation, so α = 1 ± 1e-7 agrees with Shannon to rounding.

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
    log_base = check_base(base)
    rows, batch = prob_rows(p, axis, "renyi")
    n_states = rows.shape[-1]
    h_max = math.log(max(n_states, 1))
    h = finish_entropy(
        renyi_nat(rows, float(alpha)), n_states, normalized, h_max, log_base, "renyi"
    )
    return scalar_out(h, batch)


@xarray_aware()
def tsallis(p: ArrayLike, q: float, normalized: bool = False, axis: int = -1) -> Result:
    r"""Tsallis entropy :math:`S_q = (1 - \sum_i p_i^q) / (q - 1)` [Tsa88]_; :math:`S_1 = -\sum p \ln p`
    (natural log).

    Evaluated as :math:`-\sum p \, (p^{q - 1} - 1) / (q - 1)` with ``expm1``, exact as q → 1. There
    is no log base.

    Parameters
    ----------
    p : array_like or xarray.DataArray
        Probabilities (or counts) along ``axis``.
    q : float
        Entropic index (finite).
    normalized : bool
        Divide by the maximum over K states, :math:`(1 - K^{1 - q}) / (q - 1)` (ln K at q = 1),
        reached by the uniform distribution for q ≥ 0 (:math:`S_q` is concave there); ``ValueError``
        for q < 0.
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
    rows, batch = prob_rows(p, axis, "tsallis")
    n_states = rows.shape[-1]
    h_max = tsallis_max(n_states, float(q))
    return scalar_out(
        finish_entropy(tsallis_nat(rows, float(q)), n_states, normalized, h_max, 1.0, "tsallis"),
        batch,
    )


@xarray_aware()
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
    r"""Differential (continuous) entropy of the density :math:`\rho = |f|^2 / \int |f|^2 \, dx` of a
    field on a grid.

    With :math:`p_j = \rho_j \Delta x_j` (:func:`field_density`) and the quadrature
    :math:`\int g \, dx \approx \sum_j g_j \Delta x_j`:

    * Shannon: :math:`h = -\int \rho \ln \rho \, dx \approx -\sum_j p_j \ln(p_j / \Delta x_j)`
      (:math:`= H[p] + \ln \Delta x` on a uniform grid),
    * Rényi: :math:`h_\alpha = \ln(\int \rho^\alpha dx)/(1 - \alpha)
      \approx \ln(\sum_j p_j (p_j / \Delta x_j)^{\alpha - 1})/(1 - \alpha)`
      (:math:`= H_\alpha[p] + \ln \Delta x`), with :math:`h_0 = \ln |\operatorname{supp} \rho|` and
      :math:`h_\infty = -\ln \max \rho`,
    * Tsallis: :math:`s_q = (1 - \int \rho^q dx)/(q - 1)
      \approx (1 - \sum_j p_j (p_j / \Delta x_j)^{q - 1})/(q - 1)`, the continuous
      Tsallis entropy (not additive in Δx: it equals
      :math:`(1 - \Delta x^{1 - q} \sum p^q)/(q - 1)`; :math:`s_1 = h`).

    Why not the discrete entropy of :math:`p_j`? For a smooth field
    :math:`H[p] = h - \ln \Delta x + o(1)` [CT06]_ (Thm 8.3.1):
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
    log_base = check_base(base)
    rows, batch = to_rows(np.asarray(field), axis)
    widths = cell_widths(dx, rows.shape[-1])
    p = field_rows(rows, widths, "field_entropy")
    if kind == "shannon":
        h = shannon_nat(p, widths) / log_base
    elif kind == "renyi":
        if alpha is None or not alpha >= 0:
            raise ValueError("kind='renyi' needs alpha >= 0")
        h = renyi_nat(p, float(alpha), widths) / log_base
    elif kind == "tsallis":
        if q is None or not np.isfinite(q):
            raise ValueError("kind='tsallis' needs a finite q")
        if base != math.e:
            raise ValueError("the Tsallis entropy has no log base")
        h = tsallis_nat(p, float(q), widths)
    else:
        raise ValueError(f"unknown kind {kind!r}; known: 'shannon', 'renyi', 'tsallis'")
    return scalar_out(h, batch)


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
    rows, batch = to_rows(np.asarray(field), axis)
    widths = cell_widths(dx, rows.shape[-1])
    p = field_rows(rows, widths, "field_entropy")
    known = log_density(p, widths)
    shannon = shannon_nat(p, widths, known)
    renyi = [renyi_nat(p, float(a), widths, known) for a in alphas]
    tsallis = [tsallis_nat(p, float(q), widths, known) for q in qs]

    def stacked(values: list[np.ndarray]) -> np.ndarray:
        out = np.stack(values, axis=-1) if values else np.empty((p.shape[0], 0))
        return out.reshape(*batch, len(values))

    return shannon.reshape(batch), stacked(renyi), stacked(tsallis)
