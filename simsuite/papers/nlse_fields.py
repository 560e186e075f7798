"""ψ(t, x) and its periodic centre from an NLSE output: what the NLSE paper's analysis
(:mod:`simsuite.papers.nlse`) and its figures (:mod:`simsuite.papers.nlse_figures`) both read."""

from __future__ import annotations

import numpy as np
import xarray as xr

__all__ = ["domain_length", "energy_centre", "psi_of"]


def psi_of(ds: xr.Dataset) -> np.ndarray:
    """ψ(t, x) of an NLSE output."""
    return ds["psi_real"].values + 1j * ds["psi_imag"].values


def domain_length(ds: xr.Dataset) -> float:
    """Length L = x_max − x_min of the periodic domain of an NLSE output."""
    return float(ds.attrs["x_max"]) - float(ds.attrs["x_min"])


def energy_centre(ds: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Centre of |ψ|² on the periodic domain and its resultant length, per snapshot.

    The circular mean x_c = x_min + (L/2π) arg Σ_j |ψ_j|² e^{2πi(x_j − x_min)/L} (Mardia & Jupp 2000,
    §2.2), which moves continuously when a soliton crosses the boundary, where the plain first moment
    jumps by L. The resultant length R = |Σ|ψ|² e^{iθ}|/Σ|ψ|² ∈ [0, 1] says whether a centre exists:
    R ≈ 0 for a field spread over the whole domain (breather, modulation instability).
    """
    x0, length = float(ds.attrs["x_min"]), domain_length(ds)
    rho = np.abs(psi_of(ds)) ** 2
    phase = np.exp(2j * np.pi * (ds["x"].values - x0) / length)
    resultant = rho @ phase / rho.sum(axis=1)
    centre = x0 + (np.angle(resultant) % (2 * np.pi)) * length / (2 * np.pi)
    return centre, np.abs(resultant)
