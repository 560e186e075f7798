"""Initial conditions of the Klein–Gordon model, one registered dataclass per ``[initial_condition] type``.

Each returns ``(φ, φ_t)`` at t = 0 on the points it is given; the closed forms are those of
:mod:`simsuite.models.klein_gordon.exact`, so exact solutions start exactly (φ_t included).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from simsuite import expressions
from simsuite.config import ConfigError, Polymorphic, param
from simsuite.models.from_file import FromFileSnapshot
from simsuite.models.klein_gordon import exact
from simsuite.models.klein_gordon.potentials import Phi4, Potential, SineGordon


@dataclass(frozen=True)
class KGContext:
    """What an initial condition may use besides its own keys."""

    x: np.ndarray
    potential: Potential
    base_dir: Path
    source: str


SPEED = {"gt": -1.0, "lt": 1.0, "unit": "c"}


@dataclass(frozen=True)
class KGInitialCondition(Polymorphic):
    """Base of the Klein–Gordon initial conditions (registry keyed by ``type_name``)."""

    registry: ClassVar[dict[str, type]] = {}
    default_type: ClassVar[str] = "gaussian"
    potentials: ClassVar[tuple[str, ...]] = ()  # potentials it needs; () = any

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.type_name:
            KGInitialCondition.registry[cls.type_name] = cls

    def evaluate(self, ctx: KGContext) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
        raise NotImplementedError

    def check(self, source: str, prefix: str) -> None:
        """Cross-key checks."""


@dataclass(frozen=True)
class Gaussian(KGInitialCondition):
    """φ = A exp(−(x − x₀)²/(2w²)); travelling to the right at ``velocity`` u: φ_t = −u φ_x
    (a pulse that translates rigidly for the wave equation m = 0; not an exact solution otherwise)."""

    type_name: ClassVar[str] = "gaussian"
    amplitude: float = param(1.0, doc="amplitude A")
    width: float = param(1.0, unit="length", gt=0.0, doc="width w (standard deviation)")
    x0: float = param(0.0, unit="length", doc="centre x₀")
    velocity: float = param(0.0, unit="c", doc="u in φ_t = −u φ_x (0 = at rest)")

    def evaluate(self, ctx):
        d = ctx.x - self.x0
        w2 = self.width * self.width  # not width**2: a float power overflows with an error
        phi = self.amplitude * np.exp(-(d**2) / (2.0 * w2))
        return phi, self.velocity * d / w2 * phi


def _phi4(ctx: KGContext) -> Phi4:
    return ctx.potential  # type: ignore[return-value]  (checked by ``potentials``)


@dataclass(frozen=True)
class Kink(KGInitialCondition):
    """Boosted kink of the potential: φ⁴ v tanh(γ(x − x₀ − u t)/w), w = √2/(√λ v); sine-Gordon
    4 arctan(exp(m γ (x − x₀ − u t))). Exact (see :mod:`~simsuite.models.klein_gordon.exact`)."""

    type_name: ClassVar[str] = "kink"
    potentials: ClassVar[tuple[str, ...]] = ("phi4", "sine_gordon")
    sign: ClassVar[int] = 1
    x0: float = param(0.0, unit="length", doc="centre x₀")
    velocity: float = param(0.0, doc="speed u, |u| < 1", **SPEED)

    def evaluate(self, ctx):
        pot = ctx.potential
        if isinstance(pot, SineGordon):
            return exact.sine_gordon_kink(ctx.x, 0.0, pot.mass, self.x0, self.velocity, self.sign)
        pot = _phi4(ctx)
        return exact.phi4_kink(ctx.x, 0.0, pot.lam, pot.vacuum, self.x0, self.velocity, self.sign)


@dataclass(frozen=True)
class Antikink(Kink):
    """The kink with φ → −φ (φ⁴: +v → −v) or φ → 2π − φ (sine-Gordon: 2π → 0)."""

    type_name: ClassVar[str] = "antikink"
    sign: ClassVar[int] = -1


@dataclass(frozen=True)
class KinkAntikink(KGInitialCondition):
    """φ⁴ kink at −x₀ and antikink at +x₀, each moving toward the other at speed u:
    φ = v[tanh(γ(x + x₀)/w) − tanh(γ(x − x₀)/w) − 1] (−v outside, +v between: periodic)."""

    type_name: ClassVar[str] = "kink_antikink"
    potentials: ClassVar[tuple[str, ...]] = ("phi4",)
    x0: float = param(
        10.0, unit="length", gt=0.0, doc="half-separation: kink at −x0, antikink at +x0"
    )
    velocity: float = param(0.3, doc="speed u of each wall toward the other, |u| < 1", **SPEED)

    def centres(self) -> dict[str, tuple[float, ...]]:
        """The walls at −x₀ and +x₀ (see :mod:`simsuite.models.initial_checks`)."""
        return {"x0": (-self.x0, self.x0)}

    def evaluate(self, ctx):
        pot = _phi4(ctx)
        return exact.phi4_kink_antikink(ctx.x, 0.0, pot.lam, pot.vacuum, self.x0, self.velocity)


@dataclass(frozen=True)
class SineGordonKink(Kink):
    """Sine-Gordon kink 4 arctan(exp(m γ (x − x₀ − u t))) (needs ``potential.name = sine_gordon``)."""

    type_name: ClassVar[str] = "sine_gordon_kink"
    potentials: ClassVar[tuple[str, ...]] = ("sine_gordon",)


@dataclass(frozen=True)
class SineGordonKinkAntikink(KGInitialCondition):
    """Perring–Skyrme kink–antikink solution 4 arctan[sinh(γ u m τ)/(u cosh(γ m x))] at τ = t₀
    (t₀ < 0: the walls approach and pass through each other at t = −t₀)."""

    type_name: ClassVar[str] = "sine_gordon_kink_antikink"
    potentials: ClassVar[tuple[str, ...]] = ("sine_gordon",)
    velocity: float = param(0.5, unit="c", gt=0.0, lt=1.0, doc="speed u of each wall, 0 < u < 1")
    t0: float = param(-20.0, unit="time", doc="time τ of the exact solution at the start")

    def evaluate(self, ctx):
        return exact.perring_skyrme(ctx.x, 0.0, self.velocity, ctx.potential.mass, self.t0)


@dataclass(frozen=True)
class Breather(KGInitialCondition):
    """Sine-Gordon breather 4 arctan[(σ/ω) sin(ω τ)/cosh(σ(x − x₀))], σ = √(m² − ω²), at τ = t₀."""

    type_name: ClassVar[str] = "breather"
    potentials: ClassVar[tuple[str, ...]] = ("sine_gordon",)
    omega: float = param(0.5, unit="1/time", gt=0.0, doc="frequency ω, 0 < ω < m")
    x0: float = param(0.0, unit="length", doc="centre x₀")
    t0: float = param(0.0, unit="time", doc="phase of the oscillation: the state at time t₀")

    def evaluate(self, ctx):
        m = ctx.potential.mass
        if not self.omega < m:
            raise ConfigError(
                ctx.source,
                "initial_condition.omega",
                self.omega,
                f"must be below the mass potential.mass = {m}",
            )
        return exact.sine_gordon_breather(ctx.x, 0.0, self.omega, m, self.x0, self.t0)


@dataclass(frozen=True)
class Expression(KGInitialCondition):
    """φ(x) and φ_t(x) from formulas in x, evaluated by the whitelisted AST interpreter of
    :mod:`simsuite.expressions` (never ``eval``)."""

    type_name: ClassVar[str] = "expression"
    phi: str = param("exp(-x**2)", doc="formula for φ(x)")
    phi_t: str = param("0", doc="formula for φ_t(x)")

    def check(self, source, prefix):
        for key in ("phi", "phi_t"):
            try:
                expressions.parse(getattr(self, key), ("x",))
            except expressions.ExpressionError as exc:
                raise ConfigError(source, f"{prefix}.{key}", getattr(self, key), str(exc)) from None

    def evaluate(self, ctx):
        out = []
        for key in ("phi", "phi_t"):
            try:
                value = expressions.evaluate(getattr(self, key), {"x": ctx.x})
            except expressions.ExpressionError as exc:  # e.g. 1j % 2 fails only when computed
                raise ConfigError(
                    ctx.source, f"initial_condition.{key}", getattr(self, key), str(exc)
                ) from None
            value = np.broadcast_to(value, ctx.x.shape)
            if np.iscomplexobj(value):
                raise ConfigError(
                    ctx.source,
                    f"initial_condition.{key}",
                    getattr(self, key),
                    "must give a real field",
                )
            out.append(np.array(value, dtype=float))
        return out[0], out[1]


@dataclass(frozen=True)
class FromFile(FromFileSnapshot, KGInitialCondition):
    """φ and φ_t from a snapshot of an earlier Klein–Gordon output on the same grid (``path`` is
    relative to the config file)."""

    type_name: ClassVar[str] = "from_file"
    output_of: ClassVar[str] = "a klein_gordon output file"
    variables: ClassVar[tuple[str, ...]] = ("phi", "phi_t")
    same_grid: ClassVar[str] = "x_min, x_max, n_points, boundary"
    path: str = param(
        "", doc="NetCDF output of an earlier klein_gordon run, relative to the config"
    )
    time: float = param(-1.0, unit="time", doc="snapshot time to take (nearest); negative = last")

    def evaluate(self, ctx):
        snap = self.read(ctx, x=ctx.x)
        return np.asarray(snap["phi"], float), np.asarray(snap["phi_t"], float)
