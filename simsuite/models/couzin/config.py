"""Run config of the Couzin schooling model: its sections (agents, zones, behaviour, domain, output).

Zones may be given as Couzin's widths (``delta_r_orientation`` Δr_o, ``delta_r_attraction`` Δr_a) or as
radii (``r_orientation``, ``r_attraction``); the radii r_r, r_o = r_r + Δr_o, r_a = r_o + Δr_a are
what the kernels use. :meth:`CouzinConfig.step_params` turns a checked config into the kernels'
:class:`~simsuite.models.couzin.params.StepParams`.

Units: body lengths and seconds; the turning rate is in degrees per second (θτ per step).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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
from simsuite.models.couzin.initial import CouzinInitialCondition, RandomBall
from simsuite.models.couzin.params import StepParams

__all__ = [
    "INTEGRATORS",
    "UNSET",
    "AgentsSection",
    "BehaviourSection",
    "CouzinConfig",
    "CouzinOutputSection",
    "DomainSection",
    "ZonesSection",
]

#: Integrators of the model: its step rule is a map, applied as it is.
INTEGRATORS = ("map",)

#: Default of the optional keys (a radius or a compat value given instead of another key): not set.
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
        if self.integrator.method not in INTEGRATORS:
            raise ConfigError(
                self.source,
                "integrator.method",
                self.integrator.method,
                "must be 'map' for the couzin model (its step rule is the model)",
                did_you_mean(self.integrator.method, list(INTEGRATORS)),
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

    def step_params(self) -> StepParams:
        r_r, r_o, r_a = self.zones.radii()
        b = self.behaviour
        return StepParams(
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
