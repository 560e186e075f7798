"""Initial conditions of the Klein–Gordon model defined on 2D and 3D grids only.

Each returns ``(φ, φ_t)`` at t = 0 on the sparse grid coordinates ``ctx.coords`` (x, y, z) of a
periodic box with side lengths ``ctx.lengths``. The types defined in every dimension (``gaussian``,
``expression``, ``from_file``) are in :mod:`~simsuite.models.klein_gordon.initial`.

* ``plane_wave`` (linear potential): φ = A cos(k·x − ωt + θ₀), ω² = |k|² + m², k_i = 2π m_i/L_i.
  An exact solution, and exact on the grid too: cos(k·x) is a grid Fourier mode, on which the
  spectral ∇² is exactly −|k|².
* ``stripe_kink`` (φ⁴ or sine-Gordon): a kink–antikink pair of the 1D model as a stripe f(n̂·x − ut)
  along an integer box direction n̂ ∝ (m_x/L_x, m_y/L_y, m_z/L_z) (period P = 1/|m/L| along n̂, see
  :func:`~simsuite.models.nlse.exact_nd.stripe_direction`). A single kink is not periodic; the pair
  (kink at s₀ − d/2, antikink at s₀ + d/2, both moving at u along n̂) is, summed over its periodic
  images. Since ∇²f(n̂·x) = f''(s), each wall is the exact boosted 1D kink; the pair interacts only
  through the overlap of the tails, of order e^{−κ min(d, P − d)} (κ = 2γ/w for φ⁴, γm for
  sine-Gordon).
* ``ring_kink`` (2D, φ⁴ or sine-Gordon): the 1D kink profile in r − R, φ⁴ v tanh((r − R)/w), sine-Gordon
  4 arctan(exp(m(R − r))), at rest. Its wall has tension σ (the 1D kink mass); for R ≫ w the
  thin-wall (Nambu–Goto) ring obeys R̈ = −(1 − Ṙ²)/R, i.e. R/√(1 − Ṙ²) = R₀ (energy 2πRσγ
  conserved) and, from rest, R(t) = R₀ cos(t/R₀): it collapses at t = πR₀/2.
* ``gaussian_bubble`` (φ⁴, 2D and 3D): φ = v − A exp(−r²/r₀²), at rest; A = 2v puts the core in the
  other vacuum −v, the oscillon seed of Copeland, Gleiser and Müller [CGM95].

References
----------
.. [CGM95] E. J. Copeland, M. Gleiser and H.-R. Müller, "Oscillons: resonant configurations during
   bubble collapse", Phys. Rev. D 52, 1920–1933 (1995).
.. [Wid89] J. A. Widrow, "Dynamics of thick domain walls", Phys. Rev. D 40, 1002 (1989) (the
   thin-wall equation of motion of a ring or bubble wall).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from simsuite.config import ConfigError, param
from simsuite.models.klein_gordon import exact
from simsuite.models.klein_gordon.initial import SPEED, KGContext, KGInitialCondition
from simsuite.models.klein_gordon.potentials import Phi4, SineGordon
from simsuite.models.nlse.exact_nd import stripe_direction

__all__ = ["PlaneWave", "StripeKink", "RingKink", "GaussianBubble", "plane_wave", "stripe_pair"]


def _shape(ctx: KGContext) -> tuple[int, ...]:
    return np.broadcast_shapes(*(c.shape for c in ctx.coords))


def _radius(ctx: KGContext, centre: np.ndarray) -> np.ndarray:
    """|x − centre| on the grid (no periodic images: the structure must fit the box)."""
    return np.sqrt(sum((x - c) ** 2 for x, c in zip(ctx.coords, centre, strict=True)))


def plane_wave(
    coords, t: float, amplitude: float, k: np.ndarray, mass: float, phase: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """φ = A cos(k·x − ωt + θ₀), φ_t = A ω sin(k·x − ωt + θ₀), ω = √(|k|² + m²): exact for
    φ_tt − ∇²φ + m²φ = 0 in any dimension."""
    omega = float(np.sqrt(k @ k + mass * mass))
    theta = sum(ki * x for ki, x in zip(k, coords, strict=True)) - omega * t + phase
    return amplitude * np.cos(theta), amplitude * omega * np.sin(theta)


def stripe_pair(
    s: np.ndarray,
    t: float,
    potential,
    period: float,
    offset: float,
    separation: float,
    velocity: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The periodic kink–antikink pair of the 1D model as a function of s = n̂·x (module docstring).

    With ξ = s − s₀ folded into [−P/2, P/2): φ⁴, φ = −v + Σ_j [K(ξ − s_j⁻) + A(ξ − s_j⁺)] with the
    boosted kink K = v tanh(γ(·)/w) and antikink A = −K, walls at s_j∓ = ∓d/2 + jP + ut;
    sine-Gordon, φ = Σ_j [K + A − 2π] with K = 4 arctan(exp(γm(·))) and A = 2π − K. Each term
    vanishes away from its image, the sum is P-periodic; the images are summed until their tails
    are below 1e-17. φ_t is the analytic derivative of the boosted walls.
    """
    gamma = exact.lorentz_gamma(velocity)
    if isinstance(potential, Phi4):
        rate = 2.0 * gamma / exact.phi4_kink_width(potential.lam, potential.vacuum)
        base, offset_each = -potential.vacuum, 0.0

        def wall(x, x0, sign):
            return exact.phi4_kink(x, t, potential.lam, potential.vacuum, x0, velocity, sign)
    else:
        rate = gamma * potential.mass
        base, offset_each = 0.0, 2.0 * np.pi

        def wall(x, x0, sign):
            return exact.sine_gordon_kink(x, t, potential.mass, x0, velocity, sign)

    xi = s - offset
    shift = velocity * t
    xi = xi - period * np.round((xi - shift) / period)
    images = int(np.ceil((40.0 / rate + separation + period) / period)) + 1
    phi = np.full(np.shape(xi), base)
    phi_t = np.zeros(np.shape(xi))
    for j in range(-images, images + 1):
        kink, kink_t = wall(xi, -0.5 * separation + j * period, +1)
        anti, anti_t = wall(xi, 0.5 * separation + j * period, -1)
        phi += kink + anti - offset_each
        phi_t += kink_t + anti_t
    return phi, phi_t


def _fits_box(ctx: KGContext, phi: np.ndarray, vacuum: float, key: str, value, what: str) -> None:
    """Refuse a localised field that is not at the vacuum on the faces of the periodic box (it
    would not be periodic, and its seam would radiate)."""
    worst = 0.0
    for axis in range(phi.ndim):
        face = np.take(phi, 0, axis=axis)
        worst = max(worst, float(np.max(np.abs(face - vacuum))))
    if worst > 1e-6 * max(1.0, abs(vacuum)):
        raise ConfigError(
            ctx.source,
            f"initial_condition.{key}",
            value,
            f"the {what} does not fit the box: phi differs from the vacuum {vacuum:.6g} "
            f"by {worst:.3g} on the box faces (needs < 1e-6); make it smaller or the box larger",
        )


@dataclass(frozen=True)
class PlaneWave(KGInitialCondition):
    """Plane wave φ = A cos(k·x + θ₀), φ_t = Aω sin(k·x + θ₀), k_i = 2π m_i/L_i (integer mode
    numbers m_i, so that it fits the periodic box), ω² = |k|² + m² (linear potential): exact,
    φ(x, t) = A cos(k·x − ωt + θ₀)."""

    type_name: ClassVar[str] = "plane_wave"
    dims: ClassVar[tuple[int, ...]] = (2, 3)
    potentials: ClassVar[tuple[str, ...]] = ("linear",)
    amplitude: float = param(1.0, doc="amplitude A")
    modes: int = param(
        1,
        ge=-(2**20),
        le=2**20,
        per_axis=True,
        doc="mode number m_i per axis, k_i = 2 pi m_i / L_i (a number applies to every axis)",
    )
    phase: float = param(0.0, unit="rad", doc="phase θ₀")

    def evaluate(self, ctx):  # pragma: no cover - refused in 1D
        raise NotImplementedError("plane_wave needs a 2D or 3D grid")

    def wavevector(self, lengths: tuple[float, ...]) -> np.ndarray:
        """k_i = 2π m_i/L_i."""
        return 2.0 * np.pi * self.vector("modes", len(lengths)) / np.asarray(lengths)

    def evaluate_nd(self, ctx):
        modes = self.vector("modes", len(ctx.lengths))
        for i, (m, x) in enumerate(zip(modes, ctx.coords, strict=True)):
            if not abs(m) < x.size / 2:
                raise ConfigError(
                    ctx.source,
                    "initial_condition.modes",
                    self.modes if isinstance(self.modes, int) else list(self.modes),
                    f"mode {m:g} on axis {'xyz'[i]} is not resolved by its {x.size} points "
                    f"(needs |m| < {x.size / 2:g})",
                )
        k = self.wavevector(ctx.lengths)
        phi, phi_t = plane_wave(ctx.coords, 0.0, self.amplitude, k, ctx.potential.mass, self.phase)
        shape = _shape(ctx)
        return np.broadcast_to(phi, shape).copy(), np.broadcast_to(phi_t, shape).copy()


@dataclass(frozen=True)
class StripeKink(KGInitialCondition):
    """A kink–antikink pair of the 1D φ⁴ or sine-Gordon model as a stripe along the integer box
    direction n̂ ∝ (m_x/L_x, m_y/L_y, m_z/L_z): kink at s₀ − d/2, antikink at s₀ + d/2 along
    s = n̂·x, both moving at u along n̂, summed over the periodic images (period P along n̂; the
    module docstring). Exact up to the tail overlap e^{−κ min(d, P − d)}."""

    type_name: ClassVar[str] = "stripe_kink"
    dims: ClassVar[tuple[int, ...]] = (2, 3)
    potentials: ClassVar[tuple[str, ...]] = ("phi4", "sine_gordon")
    direction: int = param(
        1,
        ge=-1000,
        le=1000,
        per_axis=True,
        doc="integer box vector m of the direction n̂ ∝ (m_x/L_x, m_y/L_y, m_z/L_z): [1, 0] is "
        "along x, [1, 1] the diagonal of a square box",
    )
    offset: float = param(0.0, unit="length", doc="centre s₀ of the pair along n̂")
    separation: float = param(
        0.0,
        unit="length",
        ge=0.0,
        doc="distance d from the kink to the antikink along n̂, 0 < d < P; 0 = half the period P/2",
    )
    velocity: float = param(0.0, doc="speed u of both walls along n̂, |u| < 1", **SPEED)

    def evaluate(self, ctx):  # pragma: no cover - refused in 1D
        raise NotImplementedError("stripe_kink needs a 2D or 3D grid")

    def check(self, source, prefix):
        if not np.any(self.vector("direction", 3)):
            raise ConfigError(source, f"{prefix}.direction", self.direction, "must not be all zero")

    def geometry(self, lengths: tuple[float, ...]) -> tuple[np.ndarray, float, float]:
        """The unit direction n̂, the period P along it and the separation d."""
        direction, period = stripe_direction(self.vector("direction", len(lengths)), lengths)
        return direction, period, self.separation or 0.5 * period

    def evaluate_nd(self, ctx):
        direction, period, separation = self.geometry(ctx.lengths)
        if not separation < period:
            raise ConfigError(
                ctx.source,
                "initial_condition.separation",
                self.separation,
                f"must be below the period P = {period:.6g} of the stripe along its direction",
            )
        s = sum(n * x for n, x in zip(direction, ctx.coords, strict=True))
        phi, phi_t = stripe_pair(
            s, 0.0, ctx.potential, period, self.offset, separation, self.velocity
        )
        shape = _shape(ctx)
        return np.broadcast_to(phi, shape).copy(), np.broadcast_to(phi_t, shape).copy()


@dataclass(frozen=True)
class RingKink(KGInitialCondition):
    """A circular domain wall at rest (2D): the 1D kink profile in r − R, r = |x − x₀|: φ⁴
    v tanh((r − R)/w) (−v inside, +v outside), sine-Gordon 4 arctan(exp(m(R − r))) (2π inside, 0
    outside). For R ≫ w it collapses as R(t) ≈ R cos(t/R) (thin wall)."""

    type_name: ClassVar[str] = "ring_kink"
    dims: ClassVar[tuple[int, ...]] = (2,)
    potentials: ClassVar[tuple[str, ...]] = ("phi4", "sine_gordon")
    radius: float = param(10.0, unit="length", gt=0.0, doc="radius R of the ring")
    x0: float = param(0.0, unit="length", per_axis=True, doc="centre x₀ of the ring, per axis")

    def evaluate(self, ctx):  # pragma: no cover - refused in 1D
        raise NotImplementedError("ring_kink needs a 2D grid")

    def evaluate_nd(self, ctx):
        r = _radius(ctx, self.vector("x0", len(ctx.coords)))
        pot = ctx.potential
        if isinstance(pot, SineGordon):
            phi, _ = exact.sine_gordon_kink(r, 0.0, pot.mass, self.radius, 0.0, -1)
            outside = 0.0
        else:
            phi, _ = exact.phi4_kink(r, 0.0, pot.lam, pot.vacuum, self.radius)
            outside = pot.vacuum
        phi = np.broadcast_to(phi, _shape(ctx)).copy()
        _fits_box(ctx, phi, outside, "radius", self.radius, "ring")
        return phi, np.zeros_like(phi)


@dataclass(frozen=True)
class GaussianBubble(KGInitialCondition):
    """The φ⁴ oscillon seed φ = v − A exp(−|x − x₀|²/r₀²), φ_t = 0 (2D and 3D): A = 2v puts the
    core in the other vacuum −v [CGM95]."""

    type_name: ClassVar[str] = "gaussian_bubble"
    dims: ClassVar[tuple[int, ...]] = (2, 3)
    potentials: ClassVar[tuple[str, ...]] = ("phi4",)
    amplitude: float = param(2.0, doc="depth A of the bubble: phi(x0) = v - A (2v: core at -v)")
    radius: float = param(2.0, unit="length", gt=0.0, doc="radius r0 of the Gaussian")
    x0: float = param(0.0, unit="length", per_axis=True, doc="centre x₀ of the bubble, per axis")

    def evaluate(self, ctx):  # pragma: no cover - refused in 1D
        raise NotImplementedError("gaussian_bubble needs a 2D or 3D grid")

    def evaluate_nd(self, ctx):
        r = _radius(ctx, self.vector("x0", len(ctx.coords)))
        v = ctx.potential.vacuum
        ratio = r / self.radius
        phi = np.broadcast_to(v - self.amplitude * np.exp(-ratio * ratio), _shape(ctx)).copy()
        _fits_box(ctx, phi, v, "radius", self.radius, "bubble")
        return phi, np.zeros_like(phi)
