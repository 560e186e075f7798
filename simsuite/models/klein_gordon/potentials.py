"""Potentials V(φ) of the Klein–Gordon model φ_tt − φ_xx + V′(φ) = 0.

=============  ==============================  ====================  =================
name           V(φ)                            V′(φ)                 m² = V″(vacuum)
=============  ==============================  ====================  =================
linear         ½ m² φ²                         m² φ                  m²
phi4           (λ/4)(φ² − v²)²                 λ φ (φ² − v²)         2 λ v²
sine_gordon    m² (1 − cos φ)                  m² sin φ              m²
custom         an expression in ``phi``        a second expression   V″ at ``vacuum``
=============  ==============================  ====================  =================

Squares of the parameters are products, not ``**``: a Python float power raises ``OverflowError``
where a product gives inf (which the model's checks then report).

Each potential gives V, V′ (fused into the force ``φ_xx − V′(φ)`` by a numba kernel for the built-in
ones), V″, the mass m² of small oscillations about its vacuum (the linear part used by exponential
integrators) and the largest V″ a field of a given range can reach (for the stability limit of
explicit methods).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from simsuite import expressions

__all__ = ["Potential", "Linear", "Phi4", "SineGordon", "Custom"]


@numba.njit(cache=True)
def _force_linear(out, lap, phi, m2):
    for j in range(phi.size):
        out[j] = lap[j] - m2 * phi[j]


@numba.njit(cache=True)
def _force_phi4(out, lap, phi, lam, v2):
    for j in range(phi.size):
        f = phi[j]
        out[j] = lap[j] - lam * f * (f * f - v2)


@numba.njit(cache=True)
def _force_sine_gordon(out, lap, phi, m2):
    for j in range(phi.size):
        out[j] = lap[j] - m2 * np.sin(phi[j])


class Potential:
    """Interface of a potential; see the module table."""

    name: str = ""
    mass2: float = 0.0  # V″ at the vacuum

    def V(self, phi: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover - abstract

    def dV(self, phi: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover - abstract

    def d2V(self, phi: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover - abstract

    def force_into(self, out: np.ndarray, lap: np.ndarray, phi: np.ndarray) -> np.ndarray:
        """``out = lap − V′(φ)`` (the acceleration φ_tt given φ_xx = ``lap``)."""
        np.subtract(lap, self.dV(phi), out=out)
        return out

    def max_curvature(self, phi_min: float, phi_max: float) -> float:
        """Largest V″(φ) for φ in [phi_min, phi_max] (sampled, exact for the built-in ones)."""
        grid = np.linspace(phi_min, phi_max, 2049)
        return float(np.max(self.d2V(grid)))


@dataclass(frozen=True)
class Linear(Potential):
    """V = ½ m² φ² (the linear Klein–Gordon equation)."""

    mass: float = 1.0
    name = "linear"

    @property
    def mass2(self) -> float:
        return self.mass * self.mass

    def V(self, phi):
        return 0.5 * self.mass2 * phi * phi

    def dV(self, phi):
        return self.mass2 * phi

    def d2V(self, phi):
        return np.full_like(np.asarray(phi, dtype=float), self.mass2)

    def force_into(self, out, lap, phi):
        _force_linear(out, lap, phi, self.mass2)
        return out


@dataclass(frozen=True)
class Phi4(Potential):
    """V = (λ/4)(φ² − v²)², vacua ±v, m² = 2λv²."""

    lam: float = 2.0
    vacuum: float = 1.0
    name = "phi4"

    @property
    def mass2(self) -> float:
        return 2.0 * self.lam * (self.vacuum * self.vacuum)

    def V(self, phi):
        d = phi * phi - self.vacuum * self.vacuum
        return 0.25 * self.lam * d * d

    def dV(self, phi):
        return self.lam * phi * (phi * phi - self.vacuum * self.vacuum)

    def d2V(self, phi):
        return self.lam * (3.0 * phi * phi - self.vacuum * self.vacuum)

    def force_into(self, out, lap, phi):
        _force_phi4(out, lap, phi, self.lam, self.vacuum * self.vacuum)
        return out

    def max_curvature(self, phi_min, phi_max):
        peak = max(abs(phi_min), abs(phi_max))
        return float(self.lam * (3.0 * peak * peak - self.vacuum * self.vacuum))


@dataclass(frozen=True)
class SineGordon(Potential):
    """V = m²(1 − cos φ), vacua 2πn, m² = V″(0)."""

    mass: float = 1.0
    name = "sine_gordon"

    @property
    def mass2(self) -> float:
        return self.mass * self.mass

    def V(self, phi):
        return self.mass2 * (1.0 - np.cos(phi))

    def dV(self, phi):
        return self.mass2 * np.sin(phi)

    def d2V(self, phi):
        return self.mass2 * np.cos(phi)

    def force_into(self, out, lap, phi):
        _force_sine_gordon(out, lap, phi, self.mass2)
        return out

    def max_curvature(self, phi_min, phi_max):
        return self.mass2


@dataclass(frozen=True)
class Custom(Potential):
    """V and V′ given as expressions in ``phi`` (whitelisted, see :mod:`simsuite.expressions`).

    V″ is the centred difference of V′ (used only for the linear part and the stability estimate).
    """

    V_text: str = "0.5*phi**2"
    dV_text: str = "phi"
    vacuum: float = 0.0
    name = "custom"

    def _eval(self, text: str, phi):
        value = expressions.evaluate(text, {"phi": np.asarray(phi, dtype=float)})
        return np.real(np.broadcast_to(value, np.shape(phi))).astype(float)

    @property
    def mass2(self) -> float:
        return float(self.d2V(np.array([self.vacuum]))[0])

    def V(self, phi):
        return self._eval(self.V_text, phi)

    def dV(self, phi):
        return self._eval(self.dV_text, phi)

    def d2V(self, phi):
        phi = np.asarray(phi, dtype=float)
        h = 1e-5 * np.maximum(1.0, np.abs(phi))
        return (self.dV(phi + h) - self.dV(phi - h)) / (2.0 * h)

    def derivative_mismatch(self, phi_min: float = -3.0, phi_max: float = 3.0) -> float:
        """Largest |V′ − dV/dφ| (centred difference of V) over [phi_min, phi_max], relative to
        max(1, |V′|): a check that the two expressions belong together. ``inf`` when V or V′
        is not finite somewhere there (an overflowing formula such as exp(1000 phi)): the two
        cannot then be compared, and the overflow is not warned about, since it is reported."""
        phi = np.linspace(phi_min, phi_max, 241)
        h = 1e-5 * np.maximum(1.0, np.abs(phi))
        with np.errstate(all="ignore"):
            values = self.V(np.concatenate([phi + h, phi - h]))
            given = self.dV(phi)
            if not (np.all(np.isfinite(values)) and np.all(np.isfinite(given))):
                return float("inf")
            numeric = (values[: phi.size] - values[phi.size :]) / (2.0 * h)
            return float(np.max(np.abs(numeric - given) / np.maximum(1.0, np.abs(given))))
