"""Exact solutions of the (1+1)D Klein–Gordon equations φ_tt − φ_xx + V′(φ) = 0.

Every function returns ``(phi, phi_t)`` on the points ``x`` at time ``t``, with φ_t from the analytic
time derivative (never a finite difference), so that a run can start from the exact state.

Scales of the φ⁴ potential V = (λ/4)(φ² − v²)²: vacua ±v, mass of small oscillations
m² = V″(±v) = 2λv², kink width w = √2/(√λ v), kink rest mass (2√2/3)√λ v³. The sine-Gordon potential is
V = m²(1 − cos φ); its kink has width 1/m and mass 8m.

Moving solutions are Lorentz boosts of the static ones, x − x₀ → γ(x − x₀ − u t), γ = 1/√(1 − u²)
(units c = 1).

References
----------
.. [Raj82] R. Rajaraman, *Solitons and Instantons*, North-Holland (1982), ch. 2 (φ⁴ kink, sine-Gordon
   kink, breather).
.. [PS62] J. K. Perring and T. H. R. Skyrme, "A model unified field equation", Nucl. Phys. 31,
   550–555 (1962) (the kink–antikink solution).
.. [CSW83] D. K. Campbell, J. F. Schonfeld and C. A. Wingate, "Resonance structure in kink–antikink
   interactions in φ⁴ theory", Physica D 9, 1–32 (1983).
"""

from __future__ import annotations

import numpy as np

from simsuite.models.nlse.exact import sech

__all__ = [
    "lorentz_gamma",
    "phi4_kink_width",
    "phi4_kink_mass",
    "phi4_kink",
    "phi4_kink_antikink",
    "sine_gordon_kink",
    "sine_gordon_breather",
    "perring_skyrme",
]


def lorentz_gamma(u: float) -> float:
    """γ = 1/√(1 − u²) for |u| < 1."""
    if not abs(u) < 1.0:
        raise ValueError(f"speed |u| = {abs(u)} must be below 1 (the speed of light)")
    return 1.0 / np.sqrt(1.0 - u * u)


def phi4_kink_width(lam: float, v: float) -> float:
    """w = √2/(√λ v): the φ⁴ kink is v tanh((x − x₀)/w)."""
    return np.sqrt(2.0) / (np.sqrt(lam) * v)


def phi4_kink_mass(lam: float, v: float) -> float:
    """Rest energy of the φ⁴ kink, (2√2/3)√λ v³."""
    return 2.0 * np.sqrt(2.0) / 3.0 * np.sqrt(lam) * v**3


def phi4_kink(
    x: np.ndarray, t: float, lam: float, v: float, x0: float = 0.0, u: float = 0.0, sign: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Boosted φ⁴ kink (sign = +1) or antikink (sign = −1).

    φ = s v tanh(ξ), ξ = γ(x − x₀ − u t)/w, φ_t = −s v γ u sech²(ξ)/w.
    """
    gamma = lorentz_gamma(u)
    w = phi4_kink_width(lam, v)
    xi = gamma * (x - x0 - u * t) / w
    sech2 = sech(xi) ** 2
    return sign * v * np.tanh(xi), -sign * v * gamma * u / w * sech2


def phi4_kink_antikink(
    x: np.ndarray, t: float, lam: float, v: float, x0: float, u: float
) -> tuple[np.ndarray, np.ndarray]:
    """Kink at −x₀ moving right and antikink at +x₀ moving left, each at speed u (superposition).

    φ = v[tanh(γ(x + x₀ − u t)/w) − tanh(γ(x − x₀ + u t)/w) − 1]: φ → −v outside the pair and +v
    between the walls (the true vacua on both sides of each wall), so the state is periodic. It is an
    approximate solution with error of order exp(−2·2x₀/w) for well-separated walls [CSW83].
    """
    kink, kink_t = phi4_kink(x, t, lam, v, -x0, u, +1)
    anti, anti_t = phi4_kink(x, t, lam, v, x0, -u, -1)
    return kink + anti - v, kink_t + anti_t


def sine_gordon_kink(
    x: np.ndarray, t: float, m: float = 1.0, x0: float = 0.0, u: float = 0.0, sign: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Boosted sine-Gordon kink (sign = +1, φ: 0 → 2π) or antikink (sign = −1, 2π → 0).

    φ = 4 arctan(exp(s)), s = sign·m γ (x − x₀ − u t), written as π + 4 arctan(tanh(s/2)) so that no
    exponential overflows; φ_t = 2 sech(s)·∂_t s = −2 sign m γ u sech(s).
    """
    gamma = lorentz_gamma(u)
    s = sign * m * gamma * (x - x0 - u * t)
    phi = np.pi + 4.0 * np.arctan(np.tanh(0.5 * s))
    return phi, -2.0 * sign * m * gamma * u * sech(s)


def sine_gordon_breather(
    x: np.ndarray, t: float, omega: float, m: float = 1.0, x0: float = 0.0, t0: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Breather at rest, frequency 0 < ω < m:

    φ = 4 arctan[(σ/ω) sin(ω τ)/cosh(σ (x − x₀))], σ = √(m² − ω²), τ = t + t₀;
    φ_t = 4 F_t/(1 + F²) with F_t = σ cos(ω τ)/cosh(σ (x − x₀)). Its amplitude is
    4 arctan(σ/ω) (4π/3 for ω = ½, m = 1).
    """
    if not 0.0 < omega < m:
        raise ValueError(f"breather frequency {omega} must lie in (0, m = {m})")
    sigma = np.sqrt(m * m - omega * omega)
    tau = t + t0
    envelope = sech(sigma * (x - x0))
    F = sigma / omega * np.sin(omega * tau) * envelope
    F_t = sigma * np.cos(omega * tau) * envelope
    return 4.0 * np.arctan(F), 4.0 * F_t / (1.0 + F * F)


def perring_skyrme(
    x: np.ndarray, t: float, u: float, m: float = 1.0, t0: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Exact sine-Gordon kink–antikink solution of Perring and Skyrme [PS62]:

    φ = 4 arctan[sinh(γ u m τ)/(u cosh(γ m x))], τ = t + t₀, 0 < u < 1.

    For τ < 0 an antikink (left) and a kink (right) approach each other at speed u with φ ≈ −2π
    between them; they pass through each other at τ = 0 (φ ≡ 0) and separate with φ ≈ +2π between
    them. φ → 0 at both ends, so the state is periodic.
    φ_t = 4 F_t/(1 + F²), F_t = γ m cosh(γ u m τ)/cosh(γ m x).
    """
    if not 0.0 < u < 1.0:
        raise ValueError(f"Perring–Skyrme speed {u} must lie in (0, 1)")
    gamma = lorentz_gamma(u)
    a = gamma * u * m * (t + t0)
    b = gamma * m * np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):  # each branch is kept only where it does not overflow
        denom = u * np.cosh(b)
        F = np.sinh(a) / denom
        F_t = gamma * u * m * np.cosh(a) / denom
        phi_t = 4.0 * F_t / (1.0 + F * F)
        # where |a| or |b| > 700, with every hyperbolic function scaled by e^{-M}, M = max(|a|, |b|):
        # F = sh/(u ch_b) (±inf is exact enough for arctan) and
        # φ_t = 4 γ m u² ch_a ch_b / (u² ch_b² + sh²)
        big = np.maximum(abs(a), np.abs(b)) > 700.0
        M = np.maximum(abs(a), np.abs(b))
        sh = 0.5 * (np.exp(a - M) - np.exp(-a - M))
        ch_a = 0.5 * (np.exp(a - M) + np.exp(-a - M))
        ch_b = 0.5 * (np.exp(b - M) + np.exp(-b - M))
        F = np.where(big, sh / (u * ch_b), F)
        scaled = 4.0 * gamma * m * u * u * ch_a * ch_b / (u * u * ch_b * ch_b + sh * sh)
        phi_t = np.where(big, scaled, phi_t)
    return 4.0 * np.arctan(F), phi_t
