"""Initial conditions of the Couzin model, one registered dataclass per ``[initial_condition] type``.

Each returns ``(positions, headings)``, arrays of shape (N, 3) with unit headings, drawing every random
number from the run's generator (``numpy.random.Generator(PCG64(run.seed))``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from simsuite.config import ConfigError, Polymorphic, param
from simsuite.models.from_file import FromFileSnapshot


@dataclass(frozen=True)
class CouzinContext:
    """What an initial condition may use besides its own keys."""

    n: int
    box_size: float  # 0 = open space
    rng: np.random.Generator
    base_dir: Path
    source: str


def isotropic_headings(rng: np.random.Generator, n: int) -> np.ndarray:
    """Unit vectors uniform on the sphere (normalised Gaussian triples)."""
    v = rng.standard_normal((n, 3))
    norm = np.linalg.norm(v, axis=1, keepdims=True)
    while np.any(norm == 0.0):  # probability zero, but never divide by it
        bad = norm[:, 0] == 0.0
        v[bad] = rng.standard_normal((int(bad.sum()), 3))
        norm = np.linalg.norm(v, axis=1, keepdims=True)
    return v / norm


def uniform_ball(rng: np.random.Generator, n: int, radius: float) -> np.ndarray:
    """Points uniform in a ball: isotropic direction times radius·U^(1/3)."""
    return isotropic_headings(rng, n) * (radius * rng.random(n) ** (1.0 / 3.0))[:, None]


@dataclass(frozen=True)
class CouzinInitialCondition(Polymorphic):
    """Base of the Couzin initial conditions (registry keyed by ``type_name``)."""

    registry: ClassVar[dict[str, type]] = {}
    default_type: ClassVar[str] = "random_ball"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.type_name:
            CouzinInitialCondition.registry[cls.type_name] = cls

    def evaluate(self, ctx: CouzinContext) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
        raise NotImplementedError

    def check(self, source: str, prefix: str) -> None:
        """Cross-key checks."""


def _centre(ctx: CouzinContext) -> np.ndarray:
    return np.full(3, 0.5 * ctx.box_size)


@dataclass(frozen=True)
class RandomBall(CouzinInitialCondition):
    """Positions uniform in a ball of ``radius`` (centred in the box when periodic), headings
    isotropic."""

    type_name: ClassVar[str] = "random_ball"
    radius: float = param(5.0, unit="body lengths", gt=0.0, doc="radius of the ball")

    def evaluate(self, ctx):
        pos = _centre(ctx) + uniform_ball(ctx.rng, ctx.n, self.radius)
        return pos, isotropic_headings(ctx.rng, ctx.n)


@dataclass(frozen=True)
class RandomBox(CouzinInitialCondition):
    """Positions uniform in a cube of side ``size`` (0 = the periodic box itself), headings
    isotropic."""

    type_name: ClassVar[str] = "random_box"
    size: float = param(
        0.0, unit="body lengths", ge=0.0, doc="side of the cube; 0 = the whole periodic box"
    )

    def evaluate(self, ctx):
        side = self.size or ctx.box_size
        if not side > 0:
            raise ConfigError(
                ctx.source,
                "initial_condition.size",
                self.size,
                "must be > 0 in open space (0 means the periodic box, and there is none)",
            )
        pos = _centre(ctx) + side * (ctx.rng.random((ctx.n, 3)) - 0.5)
        return pos, isotropic_headings(ctx.rng, ctx.n)


@dataclass(frozen=True)
class Aligned(CouzinInitialCondition):
    """Positions uniform in a ball of ``radius``, every heading +x (a polarized start, for
    hysteresis runs)."""

    type_name: ClassVar[str] = "aligned"
    radius: float = param(5.0, unit="body lengths", gt=0.0, doc="radius of the ball")

    def evaluate(self, ctx):
        pos = _centre(ctx) + uniform_ball(ctx.rng, ctx.n, self.radius)
        head = np.zeros((ctx.n, 3))
        head[:, 0] = 1.0
        return pos, head


@dataclass(frozen=True)
class Torus(CouzinInitialCondition):
    """A mill: agents on a ring of ``radius`` in the x–y plane (jittered by ``thickness``), heading
    along the ring (counter-clockwise)."""

    type_name: ClassVar[str] = "torus"
    radius: float = param(6.0, unit="body lengths", gt=0.0, doc="radius of the ring")
    thickness: float = param(1.0, unit="body lengths", ge=0.0, doc="radial/vertical jitter (sd)")

    def evaluate(self, ctx):
        phi = ctx.rng.uniform(0.0, 2.0 * np.pi, ctx.n)
        jitter = self.thickness * ctx.rng.standard_normal((ctx.n, 2))
        r = self.radius + jitter[:, 0]
        pos = np.stack((r * np.cos(phi), r * np.sin(phi), jitter[:, 1]), axis=1) + _centre(ctx)
        head = np.stack((-np.sin(phi), np.cos(phi), np.zeros(ctx.n)), axis=1)
        return pos, head


@dataclass(frozen=True)
class FromFile(FromFileSnapshot, CouzinInitialCondition):
    """Positions and headings from a snapshot of an earlier Couzin output (``path`` relative to the
    config file); this is how a sweep carries the state from one parameter value to the next."""

    type_name: ClassVar[str] = "from_file"
    output_of: ClassVar[str] = "a couzin output file"
    variables: ClassVar[tuple[str, ...]] = ("position", "velocity")
    path: str = param("", doc="NetCDF output of an earlier couzin run, relative to the config file")
    time: float = param(-1.0, unit="s", doc="snapshot time to take (nearest); negative = last")

    def evaluate(self, ctx):
        snap = self.read(ctx)
        pos = np.asarray(snap["position"], float)
        vel = np.asarray(snap["velocity"], float)
        if pos.shape != (ctx.n, 3):
            raise ConfigError(
                ctx.source,
                "initial_condition.path",
                self.path,
                f"holds {pos.shape[0]} agents; agents.n = {ctx.n}",
            )
        return pos, vel / np.linalg.norm(vel, axis=1, keepdims=True)
