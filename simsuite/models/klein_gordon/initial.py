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
from simsuite.models.initial_checks import check_ic_dims
from simsuite.models.klein_gordon import exact
from simsuite.models.klein_gordon.potentials import Phi4, Potential, SineGordon


@dataclass(frozen=True)
class KGContext:
    """What an initial condition may use besides its own keys."""

    x: np.ndarray
    potential: Potential
    base_dir: Path
    source: str
    #: the grid coordinates (x, y, z) of an N-D grid, sparse and broadcastable (empty in 1D)
    coords: tuple[np.ndarray, ...] = ()
    #: the box lengths (L_x, L_y, L_z) of an N-D grid (empty in 1D)
    lengths: tuple[float, ...] = ()


SPEED = {"gt": -1.0, "lt": 1.0, "unit": "c"}


@dataclass(frozen=True)
class KGInitialCondition(Polymorphic):
    """Base of the Klein–Gordon initial conditions (registry keyed by ``type_name``)."""

    registry: ClassVar[dict[str, type]] = {}
    default_type: ClassVar[str] = "gaussian"
    potentials: ClassVar[tuple[str, ...]] = ()  # potentials it needs; () = any
    #: grid dimensions the initial condition is defined in
    dims: ClassVar[tuple[int, ...]] = (1,)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.type_name:
            KGInitialCondition.registry[cls.type_name] = cls

    def evaluate(self, ctx: KGContext) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
        raise NotImplementedError

    def check(self, source: str, prefix: str) -> None:
        """Cross-key checks."""

    def check_dims(self, source: str, prefix: str, ndim: int) -> None:
        """The type is defined on an ``ndim``-dimensional grid and every per-axis array has
        ``ndim`` entries (1D: none); then :meth:`check`."""
        check_ic_dims(self, source, prefix, ndim)
        self.check(source, prefix)

    def evaluate_nd(self, ctx: KGContext) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
        """(φ, φ_t) on an N-D grid (``ctx.coords``), for the types whose :attr:`dims` hold ≥ 2."""
        raise NotImplementedError

    def vector(self, name: str, ndim: int) -> np.ndarray:
        """The per-axis key ``name`` as a vector of ``ndim`` entries (a number on every axis)."""
        value = getattr(self, name)
        if isinstance(value, tuple):
            return np.array(value, dtype=float)
        return np.full(ndim, float(value))


@dataclass(frozen=True)
class Gaussian(KGInitialCondition):
    """φ = A exp(−(x − x₀)²/(2w²)); travelling to the right at ``velocity`` u: φ_t = −u φ_x
    (a pulse that translates rigidly for the wave equation m = 0; not an exact solution otherwise).
    On a 2D or 3D grid φ = A exp(−Σ_i (x_i − x₀,i)²/(2w_i²)), φ_t = −u·∇φ, with x₀, w and u per
    axis."""

    type_name: ClassVar[str] = "gaussian"
    dims: ClassVar[tuple[int, ...]] = (1, 2, 3)
    amplitude: float = param(1.0, doc="amplitude A")
    width: float = param(
        1.0, unit="length", gt=0.0, per_axis=True, doc="width w (standard deviation; N-D: per axis)"
    )
    x0: float = param(0.0, unit="length", per_axis=True, doc="centre x₀ (N-D: per axis)")
    velocity: float = param(
        0.0, unit="c", per_axis=True, doc="u in φ_t = −u φ_x (0 = at rest; N-D: per axis, −u·∇φ)"
    )

    def evaluate_nd(self, ctx):
        d = len(ctx.coords)
        centre, width, velocity = (self.vector(k, d) for k in ("x0", "width", "velocity"))
        scaled = [(x - c) / (w * w) for x, c, w in zip(ctx.coords, centre, width, strict=True)]
        exponent = sum(s * (x - c) for s, x, c in zip(scaled, ctx.coords, centre, strict=True))
        phi = self.amplitude * np.exp(-0.5 * exponent)
        # −u·∇φ = φ Σ u_i (x_i − c_i)/w_i²
        phi_t = phi * sum(u * s for u, s in zip(velocity, scaled, strict=True))
        shape = np.broadcast_shapes(*(c.shape for c in ctx.coords))
        return np.broadcast_to(phi, shape).copy(), np.broadcast_to(phi_t, shape).copy()

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
    """φ(x) and φ_t(x) from formulas in x (on a 2D or 3D grid in x, y and z), evaluated by the
    whitelisted AST interpreter of :mod:`simsuite.expressions` (never ``eval``)."""

    type_name: ClassVar[str] = "expression"
    dims: ClassVar[tuple[int, ...]] = (1, 2, 3)
    phi: str = param("exp(-x**2)", doc="formula for φ(x) (2D/3D grids: in x, y, z)")
    phi_t: str = param("0", doc="formula for φ_t(x) (2D/3D grids: in x, y, z)")

    def check_dims(self, source, prefix, ndim):
        if ndim == 1:
            return self.check(source, prefix)
        for key in ("phi", "phi_t"):
            try:
                expressions.parse(getattr(self, key), ("x", "y", "z")[:ndim])
            except expressions.ExpressionError as exc:
                raise ConfigError(source, f"{prefix}.{key}", getattr(self, key), str(exc)) from None

    def evaluate_nd(self, ctx):
        names = dict(zip("xyz", ctx.coords, strict=False))
        shape = np.broadcast_shapes(*(c.shape for c in ctx.coords))
        out = []
        for key in ("phi", "phi_t"):
            try:
                value = expressions.evaluate(getattr(self, key), names)
            except expressions.ExpressionError as exc:
                raise ConfigError(
                    ctx.source, f"initial_condition.{key}", getattr(self, key), str(exc)
                ) from None
            if np.iscomplexobj(value):
                raise ConfigError(
                    ctx.source,
                    f"initial_condition.{key}",
                    getattr(self, key),
                    "must give a real field",
                )
            out.append(np.array(np.broadcast_to(value, shape), dtype=float))
        return out[0], out[1]

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

    dims: ClassVar[tuple[int, ...]] = (1, 2, 3)

    def evaluate(self, ctx):
        snap = self.read(ctx, x=ctx.x)
        return np.asarray(snap["phi"], float), np.asarray(snap["phi_t"], float)

    def evaluate_nd(self, ctx):
        """φ and φ_t of a snapshot of an earlier N-D run whose coordinates x, y (, z) are those
        of the grid."""
        snap = self.read(ctx)
        for name, coord in zip("xyz", ctx.coords, strict=False):
            values = snap.get(name)
            if (
                values is None
                or values.shape != (coord.size,)
                or not np.allclose(values, coord.ravel(), rtol=0, atol=1e-9)
            ):
                raise ConfigError(
                    ctx.source,
                    "initial_condition.path",
                    self.path,
                    f"the file's {name} grid differs from [grid]; use the same x_min, x_max, "
                    "n_points per axis",
                )
        phi, phi_t = np.asarray(snap["phi"], float), np.asarray(snap["phi_t"], float)
        shape = tuple(c.size for c in reversed(ctx.coords))
        if phi.shape != shape:
            raise ConfigError(
                ctx.source,
                "initial_condition.path",
                self.path,
                f"holds phi of shape {phi.shape}; the grid needs {shape}",
            )
        return phi, phi_t
