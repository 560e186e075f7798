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

__all__ = ["field_of", "field_diagnostics"]


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


def _energy_density(ds: xr.Dataset, cfg: RunConfig) -> np.ndarray | None:
    """e(t, x) of a Klein–Gordon dataset with a kink-bearing potential, or None."""
    pot = cfg.potential
    if pot.name not in ("phi4", "sine_gordon"):
        return None
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
