"""Initial conditions of the NLSE model, one registered dataclass per ``[initial_condition] type``.

Closed forms are those of :mod:`simsuite.models.nlse.exact` for g = 1; for a focusing nonlinearity g > 0
the exact solutions are divided by √g so that they stay exact (ψ/√g solves the equation with g).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from simsuite import expressions
from simsuite.config import ConfigError, Polymorphic, param
from simsuite.models.from_file import FromFileSnapshot
from simsuite.models.initial_checks import check_ic_dims
from simsuite.models.nlse import exact, exact_nd


@dataclass(frozen=True)
class ICContext:
    """What an initial condition may use besides its own keys."""

    x: np.ndarray
    nonlinearity: float
    rng: np.random.Generator
    base_dir: Path
    source: str
    #: the grid coordinates (x, y, z) of an N-D grid, sparse and broadcastable (empty in 1D)
    coords: tuple[np.ndarray, ...] = ()
    #: the box lengths (L_x, L_y, L_z) of an N-D grid (empty in 1D)
    lengths: tuple[float, ...] = ()
    #: the N-D grid (a PeriodicGridND; None in 1D)
    grid: Any = None
    #: the external potential V on the N-D grid (None: V = 0)
    potential: np.ndarray | None = None


@dataclass(frozen=True)
class NLSEInitialCondition(Polymorphic):
    """Base of the NLSE initial conditions (registry keyed by ``type_name``)."""

    registry: ClassVar[dict[str, type]] = {}
    default_type: ClassVar[str] = "single_soliton"
    #: grid dimensions the initial condition is defined in
    dims: ClassVar[tuple[int, ...]] = (1,)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.type_name:
            NLSEInitialCondition.registry[cls.type_name] = cls

    def evaluate(self, ctx: ICContext) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def period(self) -> float | None:
        """Natural spatial period, used by ``grid.fit_periods``; ``None`` if there is none."""
        return None

    def check(self, source: str, prefix: str) -> None:
        """Cross-key checks."""

    def check_dims(self, source: str, prefix: str, ndim: int) -> None:
        """Checks on an N-D grid (``ndim`` ≥ 2) in place of :meth:`check`: the type is defined in
        ``ndim`` dimensions and every per-axis array has ``ndim`` entries."""
        check_ic_dims(self, source, prefix, ndim)
        self.check(source, prefix)

    def evaluate_nd(self, ctx: ICContext) -> np.ndarray:  # pragma: no cover - abstract
        """ψ on an N-D grid (``ctx.coords``), for the types whose :attr:`dims` hold ≥ 2."""
        raise NotImplementedError

    def vector(self, name: str, ndim: int) -> np.ndarray:
        """The per-axis key ``name`` as a vector of ``ndim`` entries (a number on every axis)."""
        value = getattr(self, name)
        if isinstance(value, tuple):
            return np.array(value, dtype=float)
        return np.full(ndim, float(value))


def _scale(nonlinearity: float) -> float:
    return 1.0 / np.sqrt(nonlinearity) if nonlinearity > 0 else 1.0


@dataclass(frozen=True)
class SingleSoliton(NLSEInitialCondition):
    """Bright soliton ψ = η sech(η(x − x₀)) e^{i(v x + θ₀)} (exact, see ``bright_soliton``)."""

    type_name: ClassVar[str] = "single_soliton"
    eta: float = param(2.0, gt=0.0, doc="amplitude η (also the inverse width)")
    velocity: float = param(1.0, unit="length/time", doc="group velocity v")
    x0: float = param(-10.0, unit="length", doc="initial centre x₀")
    phase: float = param(0.0, unit="rad", doc="phase θ₀")

    def evaluate(self, ctx: ICContext) -> np.ndarray:
        return _scale(ctx.nonlinearity) * exact.bright_soliton(
            ctx.x, 0.0, self.eta, self.velocity, self.x0, self.phase
        )


@dataclass(frozen=True)
class TwoSoliton(NLSEInitialCondition):
    """Two well-separated bright solitons, the second with relative phase θ:
    ψ = η₁ sech(η₁(x − x₁)) e^{i v₁ x} + η₂ sech(η₂(x − x₂)) e^{i(v₂ x + θ)}."""

    type_name: ClassVar[str] = "two_soliton"
    eta1: float = param(2.0, gt=0.0, doc="amplitude of soliton 1")
    velocity1: float = param(2.0, unit="length/time", doc="velocity of soliton 1")
    x1: float = param(-10.0, unit="length", doc="initial centre of soliton 1")
    eta2: float = param(1.5, gt=0.0, doc="amplitude of soliton 2")
    velocity2: float = param(-2.0, unit="length/time", doc="velocity of soliton 2")
    x2: float = param(10.0, unit="length", doc="initial centre of soliton 2")
    phase: float = param(0.0, unit="rad", doc="phase of soliton 2 relative to soliton 1")

    def evaluate(self, ctx: ICContext) -> np.ndarray:
        first = exact.bright_soliton(ctx.x, 0.0, self.eta1, self.velocity1, self.x1)
        second = exact.bright_soliton(ctx.x, 0.0, self.eta2, self.velocity2, self.x2, self.phase)
        return _scale(ctx.nonlinearity) * (first + second)


@dataclass(frozen=True)
class Sech(NLSEInitialCondition):
    """ψ = A sech((x − x₀)/w). With w = 1 and integer A = N it is the N-soliton of Satsuma & Yajima
    (Prog. Theor. Phys. Suppl. 55, 284, 1974); for N = 2, |ψ| is periodic in t with period π/2."""

    type_name: ClassVar[str] = "sech"
    amplitude: float = param(2.0, doc="amplitude A")
    width: float = param(1.0, unit="length", gt=0.0, doc="width w")
    x0: float = param(0.0, unit="length", doc="centre x₀")

    def evaluate(self, ctx: ICContext) -> np.ndarray:
        envelope = self.amplitude / np.cosh((ctx.x - self.x0) / self.width)
        return _scale(ctx.nonlinearity) * envelope.astype(complex)


@dataclass(frozen=True)
class NSoliton(Sech):
    """Alias of ``sech`` under its physical name: ψ = N sech(x − x₀) (``amplitude`` = N)."""

    type_name: ClassVar[str] = "n_soliton"


@dataclass(frozen=True)
class AkhmedievBreather(NLSEInitialCondition):
    """Akhmediev breather at time t₀ (exact; period 2π/Ω in x, Ω = 2√(1 − 2a)); see ``akhmediev_breather``.
    Use ``grid.fit_periods`` so the domain holds a whole number of periods."""

    type_name: ClassVar[str] = "akhmediev_breather"
    a: float = param(0.25, gt=0.0, lt=0.5, doc="breather parameter a (0 < a < ½)")
    t0: float = param(-3.0, unit="time", doc="time of the exact solution taken as ψ(x, 0)")

    def evaluate(self, ctx: ICContext) -> np.ndarray:
        return _scale(ctx.nonlinearity) * exact.akhmediev_breather(ctx.x, self.t0, self.a)

    def period(self) -> float:
        return 2.0 * np.pi / exact.akhmediev_parameters(self.a)[0]


@dataclass(frozen=True)
class KuznetsovMa(NLSEInitialCondition):
    """Kuznetsov–Ma breather at time t₀ (exact; localised in x, period 2π/β in t); see ``kuznetsov_ma``."""

    type_name: ClassVar[str] = "kuznetsov_ma"
    a: float = param(1.0, gt=0.5, doc="breather parameter a (a > ½)")
    t0: float = param(0.0, unit="time", doc="time of the exact solution taken as ψ(x, 0)")

    def evaluate(self, ctx: ICContext) -> np.ndarray:
        return _scale(ctx.nonlinearity) * exact.kuznetsov_ma(ctx.x, self.t0, self.a)


@dataclass(frozen=True)
class Peregrine(NLSEInitialCondition):
    """Peregrine soliton at time t₀ (exact; rational, peak |ψ| = 3 at t = 0); see ``peregrine``."""

    type_name: ClassVar[str] = "peregrine"
    t0: float = param(-3.0, unit="time", doc="time of the exact solution taken as ψ(x, 0)")

    def evaluate(self, ctx: ICContext) -> np.ndarray:
        return _scale(ctx.nonlinearity) * exact.peregrine(ctx.x, self.t0)


@dataclass(frozen=True)
class ModulationInstability(NLSEInitialCondition):
    """Background A perturbed at one wavenumber, ψ = A(1 + ε cos(K x)), or for K = 0 by complex white
    noise, ψ = A(1 + ε(ξ₁ + iξ₂)/√2) with ξ standard normal from ``run.seed``.

    A mode K grows at σ = ½|K|√(4gA² − K²) (Benjamin & Feir 1967; see ``mi_growth_rate``)."""

    type_name: ClassVar[str] = "modulation_instability"
    amplitude: float = param(1.0, gt=0.0, doc="background amplitude A")
    epsilon: float = param(1e-3, ge=0.0, doc="relative perturbation ε")
    wavenumber: float = param(
        0.0, unit="1/length", ge=0.0, doc="perturbation wavenumber K; 0 = white noise"
    )

    def evaluate(self, ctx: ICContext) -> np.ndarray:
        if self.wavenumber > 0.0:
            return self.amplitude * (1.0 + self.epsilon * np.cos(self.wavenumber * ctx.x)) + 0j
        noise = ctx.rng.standard_normal(ctx.x.size) + 1j * ctx.rng.standard_normal(ctx.x.size)
        return self.amplitude * (1.0 + self.epsilon * noise / np.sqrt(2.0))

    def period(self) -> float | None:
        return 2.0 * np.pi / self.wavenumber if self.wavenumber > 0.0 else None


@dataclass(frozen=True)
class Gaussian(NLSEInitialCondition):
    """Gaussian pulse ψ = A exp(−(x − x₀)²/(2w²)) e^{i v x} (not an exact solution)."""

    type_name: ClassVar[str] = "gaussian"
    dims: ClassVar[tuple[int, ...]] = (1, 2, 3)
    amplitude: float = param(1.0, doc="amplitude A")
    width: float = param(1.0, unit="length", gt=0.0, doc="width w (standard deviation of |ψ|)")
    x0: float = param(0.0, unit="length", per_axis=True, doc="centre x₀ (N-D: per axis)")
    velocity: float = param(
        0.0,
        unit="length/time",
        per_axis=True,
        doc="carrier wavenumber = group velocity v (N-D: per axis; a number applies to every axis)",
    )

    def evaluate(self, ctx: ICContext) -> np.ndarray:
        envelope = self.amplitude * np.exp(
            -((ctx.x - self.x0) ** 2) / (2.0 * self.width * self.width)
        )
        return envelope * np.exp(1j * self.velocity * ctx.x)

    def evaluate_nd(self, ctx: ICContext) -> np.ndarray:
        """ψ = A exp(−|x − x₀|²/(2w²)) e^{i v·x}; with g = 0 it spreads as
        :func:`~simsuite.models.nlse.exact_nd.free_gaussian` (times A (πw²)^{d/4} e^{i v·x₀})."""
        d = len(ctx.coords)
        centre, velocity = self.vector("x0", d), self.vector("velocity", d)
        square = sum((x - c) ** 2 for x, c in zip(ctx.coords, centre, strict=True))
        phase = sum(v * x for v, x in zip(velocity, ctx.coords, strict=True))
        return self.amplitude * np.exp(-square / (2.0 * self.width**2)) * np.exp(1j * phase)


@dataclass(frozen=True)
class Expression(NLSEInitialCondition):
    """ψ(x) from a formula in x, e.g. ``"1/cosh(x)*exp(0.5j*x)"``, evaluated by a whitelisted AST
    interpreter (:mod:`simsuite.expressions`), never by ``eval``."""

    type_name: ClassVar[str] = "expression"
    dims: ClassVar[tuple[int, ...]] = (1, 2, 3)
    psi: str = param(
        "1/cosh(x)",
        doc="formula for ψ(x): arithmetic, numbers, x, pi, e, numpy functions; on a 2D or 3D "
        "grid also y (and z)",
    )

    def check(self, source: str, prefix: str) -> None:
        try:
            expressions.parse(self.psi, ("x",))
        except expressions.ExpressionError as exc:
            raise ConfigError(source, f"{prefix}.psi", self.psi, str(exc)) from None

    def evaluate(self, ctx: ICContext) -> np.ndarray:
        try:
            value = expressions.evaluate(self.psi, {"x": ctx.x})
        except expressions.ExpressionError as exc:  # e.g. 1j % 2 fails only when computed
            raise ConfigError(ctx.source, "initial_condition.psi", self.psi, str(exc)) from None
        return np.broadcast_to(value, ctx.x.shape).astype(complex)

    def check_dims(self, source: str, prefix: str, ndim: int) -> None:
        """On an N-D grid the formula is in x, y (and z)."""
        try:
            expressions.parse(self.psi, ("x", "y", "z")[:ndim])
        except expressions.ExpressionError as exc:
            raise ConfigError(source, f"{prefix}.psi", self.psi, str(exc)) from None

    def evaluate_nd(self, ctx: ICContext) -> np.ndarray:
        names = dict(zip("xyz", ctx.coords, strict=False))
        try:
            value = expressions.evaluate(self.psi, names)
        except expressions.ExpressionError as exc:
            raise ConfigError(ctx.source, "initial_condition.psi", self.psi, str(exc)) from None
        shape = np.broadcast_shapes(*(c.shape for c in ctx.coords))
        return np.broadcast_to(value, shape).astype(complex)


@dataclass(frozen=True)
class PlaneWave(NLSEInitialCondition):
    """Plane wave ψ = A e^{i(k·x + θ₀)} with k_i = 2π m_i/L_i (integer mode numbers m_i, so it fits
    the periodic box): exact, ψ(x, t) = ψ(x, 0) e^{−iωt}, ω = ½|k|² − gA²
    (:func:`~simsuite.models.nlse.exact_nd.plane_wave`)."""

    type_name: ClassVar[str] = "plane_wave"
    dims: ClassVar[tuple[int, ...]] = (1, 2, 3)
    amplitude: float = param(1.0, doc="amplitude A")
    modes: int = param(
        1,
        ge=-(2**20),
        le=2**20,
        per_axis=True,
        doc="mode number m_i per axis, k_i = 2 pi m_i / L_i (a number applies to every axis)",
    )
    phase: float = param(0.0, unit="rad", doc="phase θ₀")

    def wavevector(self, lengths: tuple[float, ...]) -> np.ndarray:
        """k_i = 2π m_i/L_i."""
        return 2.0 * np.pi * self.vector("modes", len(lengths)) / np.asarray(lengths)

    def evaluate(self, ctx: ICContext) -> np.ndarray:
        return self.evaluate_nd(dataclasses.replace(ctx, coords=(ctx.x,)))

    def evaluate_nd(self, ctx: ICContext) -> np.ndarray:
        k = self.wavevector(ctx.lengths)
        psi = exact_nd.plane_wave(ctx.coords, 0.0, self.amplitude, k, ctx.nonlinearity)
        return psi * np.exp(1j * self.phase)


@dataclass(frozen=True)
class StripeSoliton(NLSEInitialCondition):
    """The 1D bright soliton η sech(η(s − s₀)) e^{i(v s + θ₀)} of s = n̂·x, extended as a stripe
    along the other axes (focusing g > 0; divided by √g). The direction n̂ ∝ (m_x/L_x, m_y/L_y, …)
    with integer m fits the periodic box (:func:`~simsuite.models.nlse.exact_nd.stripe_direction`:
    m = (1, 0) is along x, m = (1, 1) the diagonal of a square box); the envelope is folded into
    one period P of s (exact to about 2e^{−ηP/2})."""

    type_name: ClassVar[str] = "stripe_soliton"
    dims: ClassVar[tuple[int, ...]] = (2, 3)
    eta: float = param(2.0, gt=0.0, doc="amplitude η (also the inverse width)")
    velocity: float = param(0.0, unit="length/time", doc="velocity v along the direction n̂")
    offset: float = param(0.0, unit="length", doc="position s₀ of the stripe along n̂")
    phase: float = param(0.0, unit="rad", doc="phase θ₀")
    direction: int = param(
        1,
        ge=-1000,
        le=1000,
        per_axis=True,
        doc="integer box vector m of the direction, n̂ ∝ (m_x/L_x, m_y/L_y, m_z/L_z)",
    )

    def evaluate(self, ctx: ICContext) -> np.ndarray:  # pragma: no cover - refused in 1D
        raise NotImplementedError("stripe_soliton needs a 2D or 3D grid")

    def check(self, source: str, prefix: str) -> None:
        if not np.any(self.vector("direction", 3)):
            raise ConfigError(source, f"{prefix}.direction", self.direction, "must not be all zero")

    def geometry(self, lengths: tuple[float, ...]) -> tuple[np.ndarray, float]:
        """The unit direction n̂ and the period P of the stripe along it."""
        return exact_nd.stripe_direction(self.vector("direction", len(lengths)), lengths)

    def evaluate_nd(self, ctx: ICContext) -> np.ndarray:
        if ctx.nonlinearity <= 0.0:
            raise ConfigError(
                ctx.source,
                "equation.nonlinearity",
                ctx.nonlinearity,
                "must be > 0 for initial_condition.type = 'stripe_soliton' (a bright soliton)",
            )
        direction, period = self.geometry(ctx.lengths)
        turns = self.velocity * period / (2.0 * np.pi)
        if abs(turns - round(turns)) > 1e-9 * max(1.0, abs(turns)):
            raise ConfigError(
                ctx.source,
                "initial_condition.velocity",
                self.velocity,
                f"must be a multiple of 2 pi/P = {2.0 * np.pi / period:.12g} (P = {period:.12g}, "
                "the period of the stripe along its direction) for e^{i v s} to fit the box",
            )
        return exact_nd.stripe_soliton(
            ctx.coords,
            0.0,
            self.eta,
            self.velocity,
            direction,
            self.offset,
            g=ctx.nonlinearity,
            phase=self.phase,
            period=period,
        )


@dataclass(frozen=True)
class FromFile(FromFileSnapshot, NLSEInitialCondition):
    """ψ from a snapshot of an earlier NLSE output (same grid). ``path`` is relative to the config file."""

    type_name: ClassVar[str] = "from_file"
    dims: ClassVar[tuple[int, ...]] = (1, 2, 3)
    output_of: ClassVar[str] = "an NLSE output file"
    variables: ClassVar[tuple[str, ...]] = ("psi_real", "psi_imag")
    same_grid: ClassVar[str] = "x_min, x_max, n_points"
    path: str = param("", doc="NetCDF output of an earlier NLSE run, relative to the config file")
    time: float = param(-1.0, unit="time", doc="snapshot time to take (nearest); negative = last")

    def evaluate(self, ctx: ICContext) -> np.ndarray:
        snap = self.read(ctx, x=ctx.x)
        return snap["psi_real"] + 1j * snap["psi_imag"]

    def evaluate_nd(self, ctx: ICContext) -> np.ndarray:
        """ψ from a snapshot of an N-D run on the same grid: every coordinate x, y (z) of the
        file must equal the run's (to 1e-9) and the field must have the grid's shape."""
        snap = self.read(ctx)
        for name, axis in zip("xyz", ctx.grid.axes, strict=False):
            values = snap.get(name)
            if (
                values is None
                or values.shape != axis.x.shape
                or not np.allclose(values, axis.x, rtol=0, atol=1e-9)
            ):
                raise ConfigError(
                    ctx.source,
                    "initial_condition.path",
                    self.path,
                    f"the file's {name} grid differs from [grid] (or the file has none); use the "
                    f"same {self.same_grid} per axis",
                )
        psi = snap["psi_real"] + 1j * snap["psi_imag"]
        if psi.shape != ctx.grid.shape:
            raise ConfigError(
                ctx.source,
                "initial_condition.path",
                self.path,
                f"holds psi of shape {psi.shape}, the {ctx.grid.ndim}D grid has {ctx.grid.shape}",
            )
        return psi


def _kick(ic: NLSEInitialCondition, ctx: ICContext, psi: np.ndarray) -> np.ndarray:
    """ψ e^{i v·x} with v = ``ic.velocity`` per axis (no factor where v = 0)."""
    d = len(ctx.coords)
    velocity = ic.vector("velocity", d)
    if not np.any(velocity):
        return psi
    for v, axis in zip(velocity, ctx.grid.axes, strict=True):
        if abs(v) >= axis.k_max:
            raise ConfigError(
                ctx.source,
                "initial_condition.velocity",
                list(velocity),
                f"every entry must be below the grid's largest wavenumber pi/dx = {axis.k_max:.6g}",
            )
    phase = sum(v * x for v, x in zip(velocity, ctx.coords, strict=True))
    return psi * np.exp(1j * phase)


def _ground_state(
    ctx: ICContext, mass: float, tolerance: float, dt: float, max_steps: int, key: str
):
    """ψ of :func:`~simsuite.models.nlse.ground_state.ground_state` for the run's grid, potential
    and g, with its failures as config errors on ``initial_condition.<...>``."""
    from simsuite.models.nlse.ground_state import GroundStateNotConverged, ground_state

    try:
        return ground_state(
            ctx.grid,
            ctx.potential,
            ctx.nonlinearity,
            mass,
            dt=dt,
            refine_tol=tolerance,
            max_steps=max_steps,
        ).psi
    except GroundStateNotConverged as exc:
        raise ConfigError(
            ctx.source,
            f"{key}.tolerance",
            tolerance,
            f"the ground state did not converge: {exc}",
        ) from None
    except ValueError as exc:
        raise ConfigError(
            ctx.source, f"{key}.dt", dt, f"the ground state cannot be computed: {exc}"
        ) from None


@dataclass(frozen=True)
class GroundState(NLSEInitialCondition):
    """The ground state of the run's equation, i ψ_t + ½∇²ψ + g|ψ|²ψ − Vψ = 0 with the run's
    ``[potential]`` and g, at mass N: the minimiser of the energy at fixed N, computed by the
    normalised gradient flow of :mod:`simsuite.models.nlse.ground_state` (imaginary time,
    Strang split steps from ``dt`` halved until μ changes by at most ``tolerance`` relative,
    then Richardson-extrapolated). Optionally kicked: ψ e^{i v·x} with v = ``velocity``; in a
    harmonic trap the centre of mass then oscillates as (v_i/ω_i) sin(ω_i t) for any g (Kohn)."""

    type_name: ClassVar[str] = "ground_state"
    dims: ClassVar[tuple[int, ...]] = (2, 3)
    mass: float = param(1.0, gt=0.0, doc="mass N = integral of |psi|^2 dV")
    tolerance: float = param(
        1e-10,
        gt=0.0,
        lt=1e-2,
        doc="relative change of the chemical potential mu between two halvings of the "
        "imaginary-time step at which the flow has converged",
    )
    dt: float = param(0.01, unit="time", gt=0.0, doc="first imaginary-time step")
    max_steps: int = param(
        200_000, ge=1, doc="refuse the run when one stage of the flow needs more steps than this"
    )
    velocity: float = param(
        0.0,
        unit="length/time",
        per_axis=True,
        doc="kick: psi is multiplied by exp(i v.x) (per axis; a number applies to every axis)",
    )

    def evaluate(self, ctx: ICContext) -> np.ndarray:  # pragma: no cover - refused in 1D
        raise NotImplementedError("ground_state needs a 2D or 3D grid")

    def evaluate_nd(self, ctx: ICContext) -> np.ndarray:
        psi = _ground_state(
            ctx, self.mass, self.tolerance, self.dt, self.max_steps, "initial_condition"
        )
        return _kick(self, ctx, psi)


@dataclass(frozen=True)
class Townes(NLSEInitialCondition):
    """The Townes soliton scaled by a factor: ψ = s R(|x − x₀|/w)/(w √(2g)) (2D, focusing g > 0),
    R the Townes profile (ΔR − R + R³ = 0, :func:`~simsuite.models.nlse.exact_nd.townes_profile`).
    With s = 1 it is the stationary Townes soliton ψ e^{it/(2w²)} of mass N_R/(2g), N_R = 11.7009
    (:func:`~simsuite.models.nlse.exact_nd.townes`; the mass does not depend on w); the mass is
    s² N_R/(2g). The critical mass for collapse (Weinstein 1983): s < 1 spreads, s > 1 collapses
    in finite time."""

    type_name: ClassVar[str] = "townes"
    dims: ClassVar[tuple[int, ...]] = (2,)
    scale: float = param(1.0, gt=0.0, doc="amplitude factor s (mass s^2 N_R/(2g))")
    width: float = param(1.0, unit="length", gt=0.0, doc="width w (R(r/w), R ~ e^{-r} far out)")
    x0: float = param(0.0, unit="length", per_axis=True, doc="centre (per axis x, y)")

    def evaluate(self, ctx: ICContext) -> np.ndarray:  # pragma: no cover - refused in 1D
        raise NotImplementedError("townes needs a 2D grid")

    def evaluate_nd(self, ctx: ICContext) -> np.ndarray:
        if ctx.nonlinearity <= 0.0:
            raise ConfigError(
                ctx.source,
                "equation.nonlinearity",
                ctx.nonlinearity,
                "must be > 0 for initial_condition.type = 'townes' (a focusing nonlinearity)",
            )
        centre = self.vector("x0", 2)
        psi = exact_nd.townes(ctx.coords, ctx.nonlinearity, centre, 1.0 / self.width)
        return self.scale * psi


def _vortex_factor(ctx: ICContext, centre, charge: int, width: float) -> np.ndarray:
    """tanh(r/w)^|m| e^{imθ} about ``centre`` (r, θ polar coordinates in the x-y plane)."""
    x = ctx.coords[0] - centre[0]
    y = ctx.coords[1] - centre[1]
    r = np.sqrt(x * x + y * y)
    return np.tanh(r / width) ** abs(charge) * np.exp(1j * charge * np.arctan2(y, x))


@dataclass(frozen=True)
class Vortex(NLSEInitialCondition):
    """A quantised vortex of charge m (2D): ψ = B(x) tanh(r/w)^|m| e^{imθ}, r and θ about
    ``x0``; with ``dipole = true`` a vortex–antivortex pair, charges +m at x0 + (0, d/2) and
    −m at x0 − (0, d/2) (d = ``separation``; the pair moves along x). The background B is a
    uniform amplitude A (``background = "uniform"``) or the ground state of the run's
    potential and g at mass N (``background = "ground_state"``, as
    ``initial_condition.type = "ground_state"``; the product is rescaled to mass N). The core
    profile tanh(r/w)^|m| is not the exact core of the Gross–Pitaevskii vortex (it relaxes by
    emitting sound); w of the order of the healing length 1/sqrt(|g| A²) keeps that small. On a
    uniform background the phase is not periodic: the box edges carry a jump (single vortex) or a
    mismatch of order d/L (dipole); the trapped background has none (ψ vanishes at the edges)."""

    type_name: ClassVar[str] = "vortex"
    dims: ClassVar[tuple[int, ...]] = (2,)
    charge: int = param(1, ge=-100, le=100, doc="winding number m (a nonzero integer)")
    width: float = param(1.0, unit="length", gt=0.0, doc="core width w of tanh(r/w)^|m|")
    x0: float = param(0.0, unit="length", per_axis=True, doc="centre (per axis x, y)")
    background: str = param(
        "uniform",
        choices=("uniform", "ground_state"),
        doc="uniform amplitude A, or the ground state of the run's potential and g at mass N",
    )
    amplitude: float = param(1.0, gt=0.0, doc="uniform background: amplitude A")
    mass: float = param(1.0, gt=0.0, doc="ground_state background: mass N")
    tolerance: float = param(
        1e-10, gt=0.0, lt=1e-2, doc="ground_state background: tolerance on mu (as ground_state)"
    )
    dt: float = param(
        0.01, unit="time", gt=0.0, doc="ground_state background: first imaginary-time step"
    )
    max_steps: int = param(
        200_000, ge=1, doc="ground_state background: largest number of steps of one stage"
    )
    dipole: bool = param(False, doc="a vortex-antivortex pair (charges +m and -m)")
    separation: float = param(
        4.0, unit="length", gt=0.0, doc="dipole: distance d between the two cores (along y)"
    )

    def check(self, source: str, prefix: str) -> None:
        if self.charge == 0:
            raise ConfigError(source, f"{prefix}.charge", self.charge, "must be a nonzero integer")

    def evaluate(self, ctx: ICContext) -> np.ndarray:  # pragma: no cover - refused in 1D
        raise NotImplementedError("vortex needs a 2D grid")

    def evaluate_nd(self, ctx: ICContext) -> np.ndarray:
        centre = self.vector("x0", 2)
        if self.dipole:
            shift = np.array([0.0, 0.5 * self.separation])
            core = _vortex_factor(ctx, centre + shift, self.charge, self.width) * _vortex_factor(
                ctx, centre - shift, -self.charge, self.width
            )
        else:
            core = _vortex_factor(ctx, centre, self.charge, self.width)
        if self.background == "uniform":
            return self.amplitude * core
        psi = _ground_state(
            ctx, self.mass, self.tolerance, self.dt, self.max_steps, "initial_condition"
        )
        psi = psi * core
        current = float(ctx.grid.integrate(psi.real**2 + psi.imag**2))
        if not current > 0:
            raise ConfigError(
                ctx.source,
                "initial_condition.width",
                self.width,
                "leaves no mass: the vortex core covers the whole condensate",
            )
        return psi * np.sqrt(self.mass / current)
