"""Closed-form solutions of the focusing NLSE  i ψ_t + ½ ψ_xx + |ψ|²ψ = 0  (g = 1).

These serve both as initial conditions (evaluated at t = t0) and as references in the tests. For another
positive nonlinearity g, ψ/√g solves i ψ_t + ½ ψ_xx + g|ψ|²ψ = 0; the initial conditions apply that scaling.

References
----------
Zakharov & Shabat, Sov. Phys. JETP 34, 62 (1972) — solitons and their collisions.
Akhmediev & Korneev, Theor. Math. Phys. 69, 1089 (1986) — breathers.
Peregrine, J. Austral. Math. Soc. B 25, 16 (1983) — rational soliton.
Kuznetsov, Sov. Phys. Dokl. 22, 507 (1977); Ma, Stud. Appl. Math. 60, 43 (1979).
"""

from __future__ import annotations

import numpy as np


def sech(z):
    """sech z = 2e^{−|z|}/(1 + e^{−2|z|}), without the overflow of 1/cosh z for |z| > 710 (the
    value there underflows to 0 quietly, as it should)."""
    a = np.exp(-np.abs(z))
    return 2.0 * a / (1.0 + a * a)


def bright_soliton(x, t: float, eta: float, velocity: float, x0: float = 0.0, phase: float = 0.0):
    """ψ = η sech(η(x − x₀ − v t)) · exp(i[v x + ½(η² − v²) t + θ₀])."""
    x = np.asarray(x, dtype=float)
    envelope = eta * sech(eta * (x - x0 - velocity * t))
    return envelope * np.exp(
        1j * (velocity * x + 0.5 * (eta * eta - velocity * velocity) * t + phase)
    )


def peregrine(x, t: float):
    """ψ = [1 − 4(1 + 2 i t)/(1 + 4x² + 4t²)] e^{it}: a rational breather peaking at t = 0, |ψ(0,0)| = 3."""
    x = np.asarray(x, dtype=float)
    return (1.0 - 4.0 * (1.0 + 2.0j * t) / (1.0 + 4.0 * x**2 + 4.0 * (t * t))) * np.exp(1j * t)


def akhmediev_parameters(a: float) -> tuple[float, float]:
    """Spatial frequency Ω = 2√(1 − 2a) and growth rate b = √(8a(1 − 2a)) of the breather, 0 < a < ½."""
    return 2.0 * np.sqrt(1.0 - 2.0 * a), np.sqrt(8.0 * a * (1.0 - 2.0 * a))


def akhmediev_breather(x, t: float, a: float):
    """Akhmediev breather, periodic in x with period 2π/Ω, 0 < a < ½.

    ψ = [(1 − 4a) cosh(bt) + √(2a) cos(Ωx) + i b sinh(bt)] / [√(2a) cos(Ωx) − cosh(bt)] · e^{it}.
    """
    x = np.asarray(x, dtype=float)
    omega, b = akhmediev_parameters(a)
    r = np.sqrt(2.0 * a)
    numerator = (1.0 - 4.0 * a) * np.cosh(b * t) + r * np.cos(omega * x) + 1j * b * np.sinh(b * t)
    return numerator / (r * np.cos(omega * x) - np.cosh(b * t)) * np.exp(1j * t)


def kuznetsov_ma_parameters(a: float) -> tuple[float, float]:
    """Spatial decay κ = 2√(2a − 1) and temporal frequency β = √(8a(2a − 1)), a > ½."""
    return 2.0 * np.sqrt(2.0 * a - 1.0), np.sqrt(8.0 * a * (2.0 * a - 1.0))


def kuznetsov_ma(x, t: float, a: float):
    """Kuznetsov–Ma breather, periodic in t with period 2π/β, a > ½.

    The Akhmediev formula continued to a > ½ (Ω → iκ, b → iβ):
    ψ = [(1 − 4a) cos(βt) + √(2a) cosh(κx) − i β sin(βt)] / [√(2a) cosh(κx) − cos(βt)] · e^{it}.
    """
    x = np.asarray(x, dtype=float)
    kappa, beta = kuznetsov_ma_parameters(a)
    r = np.sqrt(2.0 * a)
    numerator = (
        (1.0 - 4.0 * a) * np.cos(beta * t) + r * np.cosh(kappa * x) - 1j * beta * np.sin(beta * t)
    )
    return numerator / (r * np.cosh(kappa * x) - np.cos(beta * t)) * np.exp(1j * t)


def mi_growth_rate(amplitude: float, wavenumber: float, nonlinearity: float = 1.0) -> float:
    """Growth rate σ = ½|K|√(4gA² − K²) of a perturbation at wavenumber K on a background of amplitude A.

    Zero (stable) when K² ≥ 4gA²; the maximum gA² is reached at K = √(2g)·A.
    """
    disc = 4.0 * nonlinearity * amplitude**2 - wavenumber**2
    return 0.5 * abs(wavenumber) * np.sqrt(disc) if disc > 0 else 0.0


def collision_shift(eta: float, eta_other: float, velocity: float, velocity_other: float) -> float:
    """Forward position shift of a soliton (η, v) after colliding with (η', v') (Zakharov & Shabat 1972).

    δx = (1/η) ln{[(η + η')² + (v − v')²] / [(η − η')² + (v − v')²]}, along the soliton's own direction.
    """
    dv2 = (velocity - velocity_other) ** 2
    return np.log(((eta + eta_other) ** 2 + dv2) / ((eta - eta_other) ** 2 + dv2)) / eta
