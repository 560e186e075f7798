"""Entropy diagnostics of the field models (NLSE ψ, Klein–Gordon φ) from their output datasets.

Per snapshot, for the density ρ = |f|²/∫|f|² dx of the field f (ψ for the NLSE, φ for Klein–Gordon):

* ``shannon_entropy`` — the differential Shannon entropy h = −∫ρ ln ρ dx, estimated from
  p_j = ρ_j Δx (a proper discrete distribution) as H[p] + ln Δx, which does not depend on the grid
  (the discrete H[p] alone grows by ln 2 whenever n doubles; see :func:`~.entropy.field_entropy`);
* ``renyi_entropy(alpha)`` and ``tsallis_entropy(q)`` — the differential Rényi and Tsallis entropies;
* ``spectral_entropy`` — normalised Shannon entropy of the power spectrum |f̂_k|² (0 for one mode);
* ``permutation_entropy`` — normalised Bandt–Pompe entropy of the spatial profile (|ψ| or φ);
* for the models that list it in their ``field_diagnostics`` (Klein–Gordon), with φ⁴ or sine-Gordon
  potentials: ``energy_entropy``, the differential Shannon entropy of the energy density
  e = ½φ_t² + ½φ_x² + V(φ) (localised on kinks and breathers, unlike φ²).

Which field f a model has is its ``field_variables`` (:class:`simsuite.models.base.Model`).

On a 2D or 3D grid (fields on ``(t, y, x)`` or ``(t, z, y, x)``, see :func:`field_axes`), the same
names hold the N-D analogues: with the cell volume ΔV = Π_i Δx_i and p_j = ρ_j ΔV the mass in cell
j, h = −∫ρ ln ρ dV ≈ −Σ_j p_j ln(p_j/ΔV) = H[p] + ln ΔV (the differential Shannon, Rényi and
Tsallis entropies, :func:`density_entropies`); ``spectral_entropy`` is taken over every Fourier
mode k of the grid (:func:`spectral_entropy_nd`); ``energy_entropy`` uses |∇φ|² on a periodic grid.
What needs a 1D profile or a probe series — ``permutation_entropy`` (ordinal patterns of a
profile along x), ``probe_permutation_entropy`` and ``probe_statistical_complexity`` (an N-D run
records no probe) — is not computed; :func:`not_computed` says why.

Per run (no time dimension), of the time series of the profile (|ψ| or φ) at the probe point
x_p = ``diagnostics.probe_x``: ``probe_permutation_entropy`` and ``probe_statistical_complexity``
(the Jensen–Shannon complexity of its ordinal patterns, Rosso et al. 2007). The series is the
probe recorded during the run (``probe_phi`` or ``probe_psi_real``/``_imag`` on ``t_probe``,
every ``diagnostics.probe_every``, at x_p exactly) when the file holds it; older files fall back
to the snapshots at the grid point nearest x_p.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import xarray as xr

from simsuite.config import DiagnosticsSection, RunConfig
from simsuite.diagnostics import entropy
from simsuite.registry import get_model
from simsuite.spectral.bases import make_basis

__all__ = [
    "cell_volume",
    "density_entropies",
    "field_axes",
    "field_diagnostics",
    "field_of",
    "grid_spacing",
    "not_computed",
    "spectral_entropy_nd",
]


def field_of(ds: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """The field f(t, x) of a field model's dataset and its real profile (|ψ| or φ): the model's
    ``field_variables``, a real field (φ) or the real and imaginary parts of a complex one (ψ)."""
    names = get_model(str(ds.attrs.get("model"))).field_variables
    if len(names) == 2:
        psi = ds[names[0]].values + 1j * ds[names[1]].values
        return psi, np.abs(psi)
    if len(names) != 1:
        raise ValueError(f"model {ds.attrs.get('model')!r} declares no field (field_variables)")
    phi = ds[names[0]].values
    return phi, phi


def field_axes(ds: xr.Dataset) -> tuple[str, ...]:
    """The spatial dimensions of the dataset's field (its model's ``field_variables``), in array
    order: ``("x",)`` in 1D, ``("y", "x")`` in 2D, ``("z", "y", "x")`` in 3D."""
    names = get_model(str(ds.attrs.get("model"))).field_variables
    if not names or names[0] not in ds.variables:
        raise ValueError(f"model {ds.attrs.get('model')!r}: no field variable in the dataset")
    return tuple(str(d) for d in ds[names[0]].dims[1:])


def grid_spacing(ds: xr.Dataset, axis: str) -> float:
    """The spacing of the uniform grid along ``axis``: the attribute ``d<axis>`` the file records
    (``dx``, ``dy``, ``dz``), else the step of the coordinate ``axis``."""
    if f"d{axis}" in ds.attrs:
        return float(ds.attrs[f"d{axis}"])
    values = ds[axis].values
    return float(values[1] - values[0]) if len(values) > 1 else float("nan")


def cell_volume(ds: xr.Dataset, axes: tuple[str, ...]) -> float:
    r"""ΔV = Π_i Δx_i of a uniform grid along ``axes`` (:func:`grid_spacing`)."""
    return float(np.prod([grid_spacing(ds, axis) for axis in axes]))


def density_entropies(
    field: np.ndarray, volume: float, alphas: tuple[float, ...] = (), qs: tuple[float, ...] = ()
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Differential Shannon, Rényi and Tsallis entropies of the density of an N-D field, per
    snapshot.

    ``field`` has shape ``(n_t, *grid)``; :math:`\rho = |f|^2 / \int |f|^2 \, dV` and
    :math:`p_j = \rho_j \Delta V` (Σ p = 1), the mass fraction in cell j. With the quadrature
    :math:`\int g \, dV \approx \sum_j g_j \Delta V` (the trapezoidal rule of a periodic grid,
    spectrally accurate for a smooth, localised or periodic ρ):

    .. math::

        h = -\int \rho \ln \rho \, dV \approx -\sum_j \Delta V \rho_j \ln \rho_j
          = -\sum_j p_j \ln \frac{p_j}{\Delta V} = H[p] + \ln \Delta V,

    and likewise :math:`h_\alpha = H_\alpha[p] + \ln \Delta V` and
    :math:`s_q = (1 - \sum_j p_j (p_j/\Delta V)^{q-1})/(q - 1)`. The cells are the states of
    :func:`~simsuite.diagnostics.entropy.field_entropies` with the one width ΔV, so the values
    are those of the 1D functions on the flattened grid (a uniform density gives ln V exactly; a
    Gaussian :math:`\rho \propto \exp(-\sum_i x_i^2 / 2\sigma_i^2)` gives
    :math:`\tfrac d2 \ln(2\pi e) + \sum_i \ln \sigma_i`).

    Returns
    -------
    (shannon, renyi, tsallis)
        Shapes ``(n_t,)``, ``(n_t, len(alphas))``, ``(n_t, len(qs))``, in nats.
    """
    rows = np.asarray(field).reshape(field.shape[0], -1)
    return entropy.field_entropies(rows, volume, alphas, qs)


def spectral_entropy_nd(field: np.ndarray, real: bool | None = None) -> np.ndarray:
    r"""Normalised Shannon entropy of the power spectrum over every Fourier mode of an N-D grid,
    per snapshot (``field`` of shape ``(n_t, *grid)``).

    :math:`P_k = |\hat f_k|^2 / \sum_{k'} |\hat f_{k'}|^2` with f̂ the N-D DFT. A complex field
    (ψ) has K = N = Π n_i distinct modes and :math:`H = -\sum_k P_k \ln P_k / \ln N`. A real field
    (φ) has :math:`P_{-k} = P_k`, so its states are the pairs {k, −k} (as the one-sided 1D
    spectrum): a pair k ≠ −k holds 2P_k, a self-conjugate mode (every component 0 or Nyquist) P_k,
    so :math:`H = -\sum_k P_k \ln P_k - \ln 2 \sum_{k \ne -k} P_k` over all modes, divided by
    ln K with K = (N + S)/2 states, S the number of self-conjugate modes. One mode (or one pair)
    gives 0; on a grid with one point along every axis but x it equals the 1D
    :func:`~simsuite.diagnostics.entropy.spectral_entropy`.
    """
    field = np.asarray(field)
    real = not np.iscomplexobj(field) if real is None else real
    axes = tuple(range(1, field.ndim))
    spectrum = np.fft.fftn(field, axes=axes)
    power = spectrum.real**2 + spectrum.imag**2
    total = power.reshape(field.shape[0], -1).sum(axis=1)
    shape = field.shape[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = power / total.reshape(-1, *(1,) * len(shape))
        terms = np.where(p > 0, -p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    h = terms.reshape(field.shape[0], -1).sum(axis=1)
    n_modes = int(np.prod(shape))
    if real:
        self_conjugate = np.ones(shape, dtype=bool)
        for i, n in enumerate(shape):
            index = np.arange(n)
            own = (index == 0) | (2 * index == n)
            self_conjugate &= own.reshape([n if j == i else 1 for j in range(len(shape))])
        paired = np.where(self_conjugate, 0.0, p).reshape(field.shape[0], -1).sum(axis=1)
        h = h - math.log(2.0) * paired
        n_states = (n_modes + int(self_conjugate.sum())) // 2
    else:
        n_states = n_modes
    out = h / math.log(n_states) if n_states > 1 else np.full(h.shape, np.nan)
    bad = ~(total > 0) | ~np.isfinite(total)
    if np.any(bad):
        warnings.warn(
            f"spectral_entropy_nd: {int(bad.sum())} snapshot(s) all zero or non-finite: NaN",
            RuntimeWarning,
            stacklevel=2,
        )
    return np.where(bad, np.nan, out)


def _gradient_squared(values: np.ndarray, ds: xr.Dataset, axes: tuple[str, ...]) -> np.ndarray:
    """|∇f|² of a real field (t, *grid) on a periodic grid, spectral derivatives per axis
    (k = 2π fftfreq(n, Δ)); the Nyquist mode of an even axis is dropped from the derivative."""
    total = np.zeros(values.shape)
    for i, axis in enumerate(axes, start=1):
        n = values.shape[i]
        k = 2.0 * np.pi * np.fft.fftfreq(n, grid_spacing(ds, axis))
        if n % 2 == 0:
            k[n // 2] = 0.0
        shape = [1] * values.ndim
        shape[i] = n
        derivative = np.fft.ifft(1j * k.reshape(shape) * np.fft.fft(values, axis=i), axis=i).real
        total += derivative**2
    return total


def _energy_density(ds: xr.Dataset, cfg: RunConfig) -> np.ndarray | None:
    """e(t, x) of a Klein–Gordon dataset with a kink-bearing potential, or None; on a 2D or 3D
    periodic grid e = ½φ_t² + ½|∇φ|² + V(φ) on (t, *grid)."""
    pot = cfg.potential
    if pot.name not in ("phi4", "sine_gordon"):
        return None
    axes = field_axes(ds)
    if len(axes) > 1:
        boundary = cfg.grid.boundary
        kinds = set(boundary) if isinstance(boundary, tuple) else {boundary}
        if kinds != {"periodic"}:
            return None  # |∇φ|² of the other bases per axis: not done on N-D grids
        phi = ds["phi"].values
        e = 0.5 * ds["phi_t"].values ** 2 + 0.5 * _gradient_squared(phi, ds, axes)
        return e + pot.build().V(phi)
    g = cfg.grid
    kwargs = {}
    if g.boundary == "dirichlet":
        kwargs.update(left=ds.attrs["dirichlet_left"], right=ds.attrs["dirichlet_right"])
    if g.winding:
        kwargs["jump"] = 2.0 * math.pi * g.winding
    basis = make_basis(g.boundary, g.x_min, g.x_max, g.n_points, **kwargs)
    phi, pi = ds["phi"].values, ds["phi_t"].values
    phi_x = basis.gradient(phi)
    return 0.5 * pi**2 + 0.5 * phi_x**2 + pot.build().V(phi)


def energy_entropy(ds: xr.Dataset, cfg: RunConfig) -> tuple[np.ndarray | None, str]:
    """The differential Shannon entropy of the energy density per snapshot (None when the
    potential bears no kinks), and its description."""
    density = _energy_density(ds, cfg)
    if density is None:
        return None, ""
    if density.ndim > 2:
        values = density_entropies(
            np.sqrt(np.maximum(density, 0.0)), cell_volume(ds, field_axes(ds))
        )[0]
        return values, "differential Shannon entropy of the energy density"
    values = entropy.field_entropy(
        np.sqrt(np.maximum(density, 0.0)), float(ds.attrs["dx"]), "shannon"
    )
    return values, "differential Shannon entropy of the energy density"


#: Field diagnostics that only some models have (their ``field_diagnostics``), by output name:
#: ``diagnostic(ds, cfg)`` returns the values on ``t`` (or None: not for this run) and a
#: ``long_name``.
FURTHER_DIAGNOSTICS = {"energy_entropy": energy_entropy}


def field_diagnostics(ds: xr.Dataset, cfg: RunConfig) -> dict[str, xr.DataArray]:
    """The diagnostics of the module docstring as DataArrays on ``t`` (and ``alpha``, ``q``)."""
    if len(field_axes(ds)) > 1:
        return _field_diagnostics_nd(ds, cfg)
    d: DiagnosticsSection = cfg.diagnostics
    alphas = d.orders(cfg.source, "renyi_orders")
    qs = d.orders(cfg.source, "tsallis_q")
    field, profile = field_of(ds)
    dx = float(ds.attrs["dx"])
    t = ds["t"]
    out: dict[str, xr.DataArray] = {}

    def on_t(values, long_name: str) -> xr.DataArray:
        return xr.DataArray(values, coords={"t": t}, dims="t", attrs=_attrs(long_name))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-zero snapshot: NaN, warned below
        shannon, renyi, tsallis = entropy.field_entropies(field, dx, alphas, qs)
    if np.any(np.isnan(shannon)):
        entropy.field_entropy(field, dx, "shannon")  # the usual warning for degenerate snapshots
    out["shannon_entropy"] = on_t(shannon, "differential Shannon entropy of |f|^2")
    out["renyi_entropy"] = xr.DataArray(
        renyi,
        coords={"t": t, "alpha": ("alpha", alphas, _attrs("Renyi order"))},
        dims=("t", "alpha"),
        attrs=_attrs("differential Renyi entropy of |f|^2"),
    )
    out["tsallis_entropy"] = xr.DataArray(
        tsallis,
        coords={"t": t, "q": ("q", qs, _attrs("Tsallis index"))},
        dims=("t", "q"),
        attrs=_attrs("differential Tsallis entropy of |f|^2"),
    )
    out["spectral_entropy"] = on_t(
        entropy.spectral_entropy(field), "normalised Shannon entropy of the power spectrum"
    )
    out["permutation_entropy"] = on_t(
        entropy.permutation_entropy(profile, d.permutation_order, d.permutation_delay),
        f"normalised permutation entropy of the spatial profile (order {d.permutation_order})",
    )
    for name in get_model(cfg.model.name).field_diagnostics:
        values, long_name = FURTHER_DIAGNOSTICS[name](ds, cfg)
        if values is not None:
            out[name] = on_t(values, long_name)
    series, x_p, where = probe_series(ds, profile, d.probe_x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # short runs: NaN is the honest answer
        pe = entropy.permutation_entropy(series, d.permutation_order, d.permutation_delay)
        patterns = entropy.ordinal_patterns(series, d.permutation_order, d.permutation_delay)
        complexity = entropy.statistical_complexity(patterns)
    out["probe_permutation_entropy"] = xr.DataArray(
        float(pe),
        attrs=_attrs(f"permutation entropy of the time series at x = {x_p:.6g} ({where})"),
    )
    out["probe_statistical_complexity"] = xr.DataArray(
        float(complexity),
        attrs=_attrs(
            f"Jensen-Shannon statistical complexity of the series at x = {x_p:.6g} ({where})"
        ),
    )
    return out


def _field_diagnostics_nd(ds: xr.Dataset, cfg: RunConfig) -> dict[str, xr.DataArray]:
    """The diagnostics of a field on a 2D or 3D grid (the module docstring)."""
    d: DiagnosticsSection = cfg.diagnostics
    alphas = d.orders(cfg.source, "renyi_orders")
    qs = d.orders(cfg.source, "tsallis_q")
    field, _ = field_of(ds)
    axes = field_axes(ds)
    volume = cell_volume(ds, axes)
    t = ds["t"]
    grid = f"{len(axes)}D grid, cell volume {volume:.6g}"

    def on_t(values, long_name: str) -> xr.DataArray:
        return xr.DataArray(values, coords={"t": t}, dims="t", attrs=_attrs(long_name))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        shannon, renyi, tsallis = density_entropies(field, volume, alphas, qs)
    if np.any(np.isnan(shannon)):
        warnings.warn(
            f"field_diagnostics: {int(np.isnan(shannon).sum())} snapshot(s) all zero: NaN",
            RuntimeWarning,
            stacklevel=2,
        )
    out = {
        "shannon_entropy": on_t(shannon, f"differential Shannon entropy of |f|^2 ({grid})"),
        "renyi_entropy": xr.DataArray(
            renyi,
            coords={"t": t, "alpha": ("alpha", alphas, _attrs("Renyi order"))},
            dims=("t", "alpha"),
            attrs=_attrs(f"differential Renyi entropy of |f|^2 ({grid})"),
        ),
        "tsallis_entropy": xr.DataArray(
            tsallis,
            coords={"t": t, "q": ("q", qs, _attrs("Tsallis index"))},
            dims=("t", "q"),
            attrs=_attrs(f"differential Tsallis entropy of |f|^2 ({grid})"),
        ),
        "spectral_entropy": on_t(
            spectral_entropy_nd(field),
            f"normalised Shannon entropy of the power spectrum over all {len(axes)}D modes",
        ),
    }
    out["shannon_entropy"].attrs["cell_volume"] = volume
    for name in get_model(cfg.model.name).field_diagnostics:
        values, long_name = FURTHER_DIAGNOSTICS[name](ds, cfg)
        if values is not None:
            out[name] = on_t(values, long_name)
    return out


def not_computed(ds: xr.Dataset) -> dict[str, str]:
    """The field diagnostics that :func:`field_diagnostics` leaves out for this dataset, with
    the reason (empty for a field on a 1D grid)."""
    axes = field_axes(ds)
    if len(axes) == 1:
        return {}
    grid = f"a {len(axes)}D grid"
    return {
        "permutation_entropy": f"ordinal patterns need a 1D spatial profile; this field is on {grid}",
        "probe_permutation_entropy": f"needs a probe series (diagnostics.probe_x); runs on {grid} "
        "record none",
        "probe_statistical_complexity": f"needs a probe series; runs on {grid} record none",
    }


def probe_series(
    ds: xr.Dataset, profile: np.ndarray, probe_x: float
) -> tuple[np.ndarray, float, str]:
    """The time series of the profile (|ψ| or φ) at the probe: the dense series recorded during
    the run when ``ds`` holds it, else the snapshots at the grid point nearest ``probe_x``;
    with the probe's x and a note saying which."""
    if "probe_phi" in ds.variables:
        return ds["probe_phi"].values, float(ds["probe_phi"].attrs["probe_x"]), "probe series"
    if "probe_psi_real" in ds.variables:
        series = np.hypot(ds["probe_psi_real"].values, ds["probe_psi_imag"].values)
        return series, float(ds["probe_psi_real"].attrs["probe_x"]), "probe series"
    j = int(np.argmin(np.abs(ds["x"].values - probe_x)))
    return profile[:, j], float(ds["x"].values[j]), "snapshots, nearest grid point"


def _attrs(long_name: str) -> dict[str, str]:
    return {"long_name": long_name, "units": "1"}
