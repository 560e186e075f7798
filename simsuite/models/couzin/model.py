"""The Couzin zone-based schooling model in 3D (Couzin, Krause, James, Ruxton & Franks 2002).

N agents move at constant speed s; each step of length τ (``time.dt``) every agent picks a desired
direction from the neighbours it can see (field of perception α): away from those in the zone of
repulsion (r < r_r, which overrides everything), else the average of the normalised orientation
(r_r ≤ r < r_o: their headings) and attraction (r_o ≤ r < r_a: towards them) terms; the direction is
rotated by spherically wrapped Gaussian noise (σ), the heading turns towards it by at most θτ, and all
agents move synchronously. The rules, and every dewi-kadita compatibility option, are implemented in
:mod:`simsuite.models.couzin.kernels` (numba, cell list or all pairs); this module turns the config into
those parameters, owns the random generator and writes the order parameters of
:mod:`simsuite.diagnostics.schooling`.

Zones may be given as Couzin's widths (``delta_r_orientation`` Δr_o, ``delta_r_attraction`` Δr_a) or as
radii (``r_orientation``, ``r_attraction``); the radii r_r, r_o = r_r + Δr_o, r_a = r_o + Δr_a are
what the kernels use and what the output attributes store (with the widths).

Units: body lengths and seconds; the turning rate is in degrees per second (θτ per step).

References
----------
.. [Cou02] I. D. Couzin, J. Krause, R. James, G. D. Ruxton and N. R. Franks, "Collective memory and
   spatial sorting in animal groups", J. Theor. Biol. 218, 1–11 (2002).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from simsuite.config import (
    ConfigError,
    IntegratorSection,
    ModelSection,
    OutputSection,
    RunConfig,
    TimeSection,
    did_you_mean,
    param,
    section,
)
from simsuite.diagnostics.schooling import order_parameters
from simsuite.models.base import Coordinate, MemoryNeeds, Model, VariableSpec
from simsuite.models.couzin import kernels
from simsuite.models.couzin.initial import CouzinContext, CouzinInitialCondition, RandomBall

UNSET = -1.0


@dataclass(frozen=True)
class AgentsSection:
    n: int = param(
        100,
        ge=1,
        le=10**7,
        doc="number of agents N (at most 10^7: the initial state alone then takes about 1 GB)",
    )
    speed: float = param(3.0, unit="body lengths/s", gt=0.0, doc="constant speed s")


@dataclass(frozen=True)
class ZonesSection:
    r_repulsion: float = param(
        1.0, unit="body lengths", gt=0.0, doc="radius r_r of the zone of repulsion"
    )
    delta_r_orientation: float = param(
        2.0, unit="body lengths", ge=0.0, doc="width Δr_o of the zone of orientation (0 allowed)"
    )
    delta_r_attraction: float = param(
        12.0, unit="body lengths", ge=0.0, doc="width Δr_a of the zone of attraction"
    )
    r_orientation: float = param(
        UNSET,
        unit="body lengths",
        doc="outer radius r_o of the orientation zone; if set (>= 0) it replaces "
        "delta_r_orientation (then r_o >= r_r is required)",
    )
    r_attraction: float = param(
        UNSET,
        unit="body lengths",
        doc="outer radius r_a of the attraction zone; if set (>= 0) it replaces delta_r_attraction",
    )

    def radii(self) -> tuple[float, float, float]:
        r_r = self.r_repulsion
        r_o = self.r_orientation if self.r_orientation >= 0 else r_r + self.delta_r_orientation
        r_a = self.r_attraction if self.r_attraction >= 0 else r_o + self.delta_r_attraction
        return r_r, r_o, r_a

    def check(self, source: str) -> None:
        r_r, r_o, r_a = self.radii()
        for radius, name, width in (
            (r_o, "r_orientation", "delta_r_orientation"),
            (r_a, "r_attraction", "delta_r_attraction"),
        ):
            if not math.isfinite(radius):  # a sum of huge widths overflows
                raise ConfigError(
                    source,
                    f"zones.{width}",
                    getattr(self, width),
                    f"gives a zone radius {name} = inf; the radii r_r <= r_o <= r_a must be finite",
                )
        if r_o < r_r:
            raise ConfigError(
                source,
                "zones.r_orientation",
                self.r_orientation,
                f"must be >= zones.r_repulsion = {r_r}",
            )
        if r_a < r_o:
            raise ConfigError(
                source, "zones.r_attraction", self.r_attraction, f"must be >= r_orientation = {r_o}"
            )


@dataclass(frozen=True)
class BehaviourSection:
    field_of_perception_deg: float = param(
        270.0,
        unit="degrees",
        gt=0.0,
        le=360.0,
        doc="full visible angle alpha; the rear blind cone has full angle 360 - alpha",
    )
    turning_rate_deg: float = param(
        40.0, unit="degrees/s", gt=0.0, doc="maximum turning rate theta (theta * dt per step)"
    )
    noise_sd: float = param(
        0.05,
        unit="rad",
        ge=0.0,
        doc="sd of the spherically wrapped Gaussian noise on the direction",
    )
    include_self: bool = param(False, doc="add the agent's own heading to the orientation sum")
    # -- dewi-kadita compatibility ----------------------------------------------------------------
    blind_angle_deg: float = param(
        UNSET,
        unit="degrees",
        le=180.0,
        doc="compat: half-angle of the rear blind cone as dewi-kadita read it (alpha = 360 - 2 x "
        "this); excludes field_of_perception_deg",
    )
    max_turn_per_step: float = param(
        UNSET,
        unit="rad",
        doc="compat: maximum turn per step in radians (dewi-kadita); excludes turning_rate_deg",
    )
    turning: str = param(
        "exact",
        choices=("exact", "interpolated"),
        doc="exact rotation by the turn limit, or dewi-kadita's normalised linear interpolation",
    )
    noise_model: str = param(
        "wrapped_gaussian",
        choices=("wrapped_gaussian", "additive"),
        doc="noise rotating the desired direction (Couzin), or isotropic Gaussian added to the "
        "heading after the turn (dewi-kadita)",
    )
    combine: str = param(
        "average",
        choices=("average", "weighted_sum"),
        doc="orientation and attraction: Couzin's average of unit vectors, or dewi-kadita's "
        "orientation_weight * sum(v_j) + sum(r_ij)",
    )
    orientation_weight: float = param(
        1.0, ge=0.0, doc="compat: weight w of the orientation sum (combine = 'weighted_sum' only)"
    )

    def check(self, source: str) -> None:
        default = BehaviourSection()
        if self.blind_angle_deg != UNSET:
            if self.blind_angle_deg < 0:
                raise ConfigError(
                    source, "behaviour.blind_angle_deg", self.blind_angle_deg, "must be in [0, 180]"
                )
            if self.field_of_perception_deg != default.field_of_perception_deg:
                raise ConfigError(
                    source,
                    "behaviour.blind_angle_deg",
                    self.blind_angle_deg,
                    "cannot be combined with behaviour.field_of_perception_deg "
                    f"= {self.field_of_perception_deg}; give one of them",
                )
        if self.max_turn_per_step != UNSET:
            if not self.max_turn_per_step > 0:
                raise ConfigError(
                    source, "behaviour.max_turn_per_step", self.max_turn_per_step, "must be > 0"
                )
            if self.turning_rate_deg != default.turning_rate_deg:
                raise ConfigError(
                    source,
                    "behaviour.max_turn_per_step",
                    self.max_turn_per_step,
                    f"cannot be combined with behaviour.turning_rate_deg = {self.turning_rate_deg}; "
                    "give one of them",
                )
        if self.combine == "average" and self.orientation_weight != 1.0:
            raise ConfigError(
                source,
                "behaviour.orientation_weight",
                self.orientation_weight,
                "is only used with behaviour.combine = 'weighted_sum' (Couzin's average has no weight)",
            )

    def field_of_perception(self) -> float:
        """α in degrees, from either key."""
        if self.blind_angle_deg != UNSET:
            return 360.0 - 2.0 * self.blind_angle_deg
        return self.field_of_perception_deg

    def max_turn(self, dt: float) -> float:
        """Largest turn per step in radians: θτ, or the compat value."""
        if self.max_turn_per_step != UNSET:
            return self.max_turn_per_step
        return math.radians(self.turning_rate_deg) * dt


@dataclass(frozen=True)
class DomainSection:
    kind: str = param("open", choices=("open", "periodic"), doc="open space or a periodic cube")
    box_size: float = param(
        0.0, unit="body lengths", ge=0.0, doc="side L of the periodic cube (needs r_a <= L/2)"
    )
    allow_small_box: bool = param(
        False,
        doc="compat: accept r_a > L/2 as dewi-kadita did (the minimum image then cuts the "
        "attraction zone: an agent is seen at most L/2 away along each axis)",
    )

    def check(self, source: str, r_a: float) -> None:
        if self.kind == "open":
            if self.allow_small_box:
                raise ConfigError(
                    source,
                    "domain.allow_small_box",
                    True,
                    "only applies to domain.kind = 'periodic'",
                )
            return
        if not self.box_size > 0:
            raise ConfigError(
                source, "domain.box_size", self.box_size, "must be > 0 for domain.kind = 'periodic'"
            )
        if r_a > 0.5 * self.box_size and not self.allow_small_box:
            raise ConfigError(
                source,
                "domain.box_size",
                self.box_size,
                f"must be at least 2 r_a = {2 * r_a:g} (the attraction zone must fit the minimum "
                "image)",
                "set domain.allow_small_box = true only to reproduce dewi-kadita runs",
            )


@dataclass(frozen=True)
class CouzinOutputSection(OutputSection):
    float32: bool = param(
        False,
        doc="store positions and velocities as float32 (halves the file; scalars stay float64)",
    )


@dataclass(frozen=True)
class CouzinConfig(RunConfig):
    """Run config of the Couzin model."""

    model: ModelSection = section(lambda: ModelSection(name="couzin"))
    time: TimeSection = section(lambda: TimeSection(t_final=300.0, dt=0.1, n_snapshots=301))
    integrator: IntegratorSection = section(lambda: IntegratorSection(method="map"))
    output: CouzinOutputSection = section(CouzinOutputSection)
    agents: AgentsSection = section(AgentsSection)
    zones: ZonesSection = section(ZonesSection)
    behaviour: BehaviourSection = section(BehaviourSection)
    domain: DomainSection = section(DomainSection)
    initial_condition: CouzinInitialCondition = section(RandomBall)

    def check(self) -> None:
        super().check()
        if self.integrator.method not in Couzin.integrators:
            raise ConfigError(
                self.source,
                "integrator.method",
                self.integrator.method,
                "must be 'map' for the couzin model (its step rule is the model)",
                did_you_mean(self.integrator.method, list(Couzin.integrators)),
            )
        self.check_whole_steps("time.t_final", self.time.t_final)
        if self.output.save_every == 0:
            n_steps = round(self.time.t_final / self.time.dt)
            if n_steps % (self.time.n_snapshots - 1):
                raise ConfigError(
                    self.source,
                    "time.n_snapshots",
                    self.time.n_snapshots,
                    f"must split the {n_steps} steps evenly (n_snapshots - 1 must divide {n_steps}); "
                    "or set output.save_every",
                )
        self.zones.check(self.source)
        self.behaviour.check(self.source)
        if not math.isfinite(self.behaviour.max_turn(self.time.dt)):
            raise ConfigError(
                self.source,
                "behaviour.turning_rate_deg",
                self.behaviour.turning_rate_deg,
                f"times time.dt = {self.time.dt} must give a finite turn per step",
            )
        self.domain.check(self.source, self.zones.radii()[2])
        self.initial_condition.check(self.source, "initial_condition")

    def step_params(self) -> kernels.StepParams:
        r_r, r_o, r_a = self.zones.radii()
        b = self.behaviour
        return kernels.StepParams(
            r_r=r_r,
            r_o=r_o,
            r_a=r_a,
            cos_half_fov=math.cos(math.radians(0.5 * b.field_of_perception())),
            max_turn=b.max_turn(self.time.dt),
            noise_sd=b.noise_sd,
            speed=self.agents.speed,
            dt=self.time.dt,
            box=self.domain.box_size if self.domain.kind == "periodic" else 0.0,
            include_self=b.include_self,
            interpolated_turn=b.turning == "interpolated",
            additive_noise=b.noise_model == "additive",
            weighted_sum=b.combine == "weighted_sum",
            orientation_weight=b.orientation_weight,
            allow_small_box=self.domain.allow_small_box,
        )


class CouzinProblem:
    """One synchronous step of the school; owns the run's random generator.

    The state is an array of shape (2, N, 3): positions and unit headings. Every step draws its random
    numbers from ``rng`` (outside the parallel kernel), so a run is bitwise reproducible for any number
    of threads.
    """

    def __init__(self, params: kernels.StepParams, rng: np.random.Generator, neighbours: str):
        self.params = params
        self.rng = rng
        self.neighbours = neighbours

    def step(self, u: np.ndarray) -> np.ndarray:
        noise = kernels.draw_noise(self.rng, u.shape[1], self.params)
        pos, head = kernels.step(u[0], u[1], self.params, noise, self.neighbours)
        return np.stack((pos, head))


class Couzin(Model):
    """Couzin et al. (2002) zone-based schooling in 3D, with dewi-kadita compatibility options."""

    name = "couzin"
    state_variables = ("position", "velocity")
    diagnostics = "schooling"
    figures = ("school", "order_parameters", "centroid", "nearest_neighbours", "schooling_entropy")
    animation = "school"
    description = "3D zone-based schooling (Couzin et al. 2002): repulsion, orientation, attraction"
    config_class = CouzinConfig
    integrators = ("map",)
    time_units = "s"
    time_long_name = "time (seconds)"

    def __init__(
        self, cfg: CouzinConfig, problem: CouzinProblem, pos0: np.ndarray, head0: np.ndarray
    ):
        self.cfg = cfg
        self.problem = problem
        self.pos0 = pos0
        self.head0 = head0
        self.box = problem.params.box or None

    @classmethod
    def state_sizes(cls, cfg: CouzinConfig) -> dict[str, int]:
        return {"agent": cfg.agents.n, "dim": 3}

    @classmethod
    def memory_needs(cls, cfg: CouzinConfig) -> MemoryNeeds:
        """The state (positions, headings) is 6 N floats (48 N bytes). Own arrays, per agent:
        the initial positions and headings and the initial state (2 × 48); a step's noise (32),
        desired directions (24), cell list (cell, order, sorted copies, cell starts: 80) and
        new positions and headings (2 × 48); the order parameters' and nearest neighbours'
        temporaries (a k-d tree and distances: about 200). A snapshot: positions and
        velocities (2 × 24, or 2 × 12 as float32)."""
        n = cfg.agents.n
        field = 12 if cfg.output.float32 else 24
        return MemoryNeeds(
            state_bytes=48 * n,
            state_size=6 * n,
            parts={
                "agents' initial arrays": 2 * 48 * n,
                "step buffers and cell lists": (32 + 24 + 80 + 2 * 48) * n,
                "order parameter temporaries": 200 * n,
            },
            snapshot_bytes=2 * field * n + 16 * 8,
            linear=False,
        )

    @classmethod
    def from_config(cls, cfg: CouzinConfig) -> Couzin:
        source = cfg.source
        params = cfg.step_params()
        rng = np.random.Generator(np.random.PCG64(cfg.run.seed))
        base_dir = Path(source).parent if source not in ("", "<dict>") else Path.cwd()
        ctx = CouzinContext(cfg.agents.n, params.box, rng, base_dir, source)
        pos, head = cfg.initial_condition.evaluate(ctx)
        if params.box:
            pos = np.mod(pos, params.box)
        if not (np.all(np.isfinite(pos)) and np.all(np.isfinite(head))):
            raise ConfigError(
                source,
                "initial_condition",
                cfg.initial_condition.type_name,
                "gives non-finite positions or headings",
            )
        # "auto": the kernels pick the cell list or all pairs at every step, from N and the extent of
        # the group (which changes as it moves)
        return cls(cfg, CouzinProblem(params, rng, "auto"), pos, head)

    def initial_state(self) -> np.ndarray:
        return np.stack((self.pos0, self.head0))

    def checkpoint_state(self) -> dict[str, Any]:
        """The PCG64 state of the noise generator (the next draws of a restarted run)."""
        return {"rng": self.problem.rng.bit_generator.state}

    def restore_state(self, state: dict[str, Any]) -> None:
        self.problem.rng.bit_generator.state = state["rng"]

    def observables(self, state: np.ndarray) -> dict[str, np.ndarray]:
        order = order_parameters(state[0], state[1], self.box)
        return {
            "position": state[0],
            "velocity": self.cfg.agents.speed * state[1],
            "centroid": order["centroid"],
        }

    def invariants(self, state: np.ndarray) -> dict[str, float]:
        order = order_parameters(state[0], state[1], self.box)
        return {k: v for k, v in order.items() if k != "centroid"}

    def coords(self) -> dict[str, Coordinate]:
        return {
            "agent": Coordinate(np.arange(self.cfg.agents.n), "agent index", "1"),
            "dim": Coordinate(np.arange(3), "spatial dimension (0 = x, 1 = y, 2 = z)", "1"),
        }

    def variables(self) -> dict[str, VariableSpec]:
        big = "f4" if self.cfg.output.float32 else "f8"
        return {
            "position": VariableSpec(
                ("t", "agent", "dim"),
                "position in body lengths (wrapped into the box when periodic)",
                "1",
                dtype=big,
            ),
            "velocity": VariableSpec(
                ("t", "agent", "dim"),
                "velocity = speed x unit heading, in body lengths per second",
                "s-1",
                dtype=big,
            ),
            "centroid": VariableSpec(
                ("t", "dim"),
                "group centroid in body lengths (circular mean per axis when periodic)",
                "1",
            ),
            "polarization": VariableSpec(
                ("t",), "polarization P = |sum of unit headings| / N", "1", drift=False
            ),
            "rotation": VariableSpec(
                ("t",),
                "rotation (milling) M = |sum of r_ic x v_i| / N, r_ic unit vector from the centroid",
                "1",
                drift=False,
            ),
            "group_spread": VariableSpec(
                ("t",),
                "root-mean-square distance from the centroid, in body lengths",
                "1",
                drift=False,
            ),
            "nearest_neighbour_distance": VariableSpec(
                ("t",),
                "mean distance to the nearest neighbour, in body lengths",
                "1",
                drift=False,
            ),
        }

    def attrs(self) -> dict[str, Any]:
        cfg, p = self.cfg, self.problem.params
        b = cfg.behaviour
        return {
            "n_agents": cfg.agents.n,
            "speed": cfg.agents.speed,
            "r_repulsion": p.r_r,
            "r_orientation": p.r_o,
            "r_attraction": p.r_a,
            "delta_r_orientation": p.r_o - p.r_r,
            "delta_r_attraction": p.r_a - p.r_o,
            "zones_stored_as": "radii r_repulsion, r_orientation, r_attraction (widths derived)",
            "field_of_perception_deg": b.field_of_perception(),
            "turning_rate_deg": b.turning_rate_deg,
            "max_turn_per_step_rad": p.max_turn,
            "noise_sd": b.noise_sd,
            "include_self": int(b.include_self),
            "turning": b.turning,
            "noise_model": b.noise_model,
            "combine": b.combine,
            "orientation_weight": b.orientation_weight,
            "domain": cfg.domain.kind,
            "box_size": cfg.domain.box_size,
            "neighbour_search": "auto: cell list or all pairs, chosen at every step",
            "initial_condition": cfg.initial_condition.type_name,
        }
