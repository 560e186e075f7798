"""The Couzin zone-based schooling model in 3D (Couzin, Krause, James, Ruxton & Franks 2002).

N agents move at constant speed s; each step of length τ (``time.dt``) every agent picks a desired
direction from the neighbours it can see (field of perception α): away from those in the zone of
repulsion (r < r_r, which overrides everything), else the average of the normalised orientation
(r_r ≤ r < r_o: their headings) and attraction (r_o ≤ r < r_a: towards them) terms; the direction is
rotated by spherically wrapped Gaussian noise (σ), the heading turns towards it by at most θτ, and all
agents move synchronously. The rules, and every dewi-kadita compatibility option, are implemented in
the numba kernels of :mod:`simsuite.models.couzin.kernels` (one step: neighbour rules by cell list or
all pairs, then noise, turn and move); the run config and its sections are in
:mod:`simsuite.models.couzin.config`. This module builds the model from a config: it owns the random
generator, steps the school and writes the order parameters of :mod:`simsuite.diagnostics.schooling`.
The output attributes store the zone radii r_r, r_o, r_a (and the widths).

Units: body lengths and seconds; the turning rate is in degrees per second (θτ per step).

References
----------
.. [Cou02] I. D. Couzin, J. Krause, R. James, G. D. Ruxton and N. R. Franks, "Collective memory and
   spatial sorting in animal groups", J. Theor. Biol. 218, 1–11 (2002).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from simsuite.config import ConfigError
from simsuite.diagnostics.schooling import order_parameters
from simsuite.models.base import Coordinate, MemoryNeeds, Model, VariableSpec
from simsuite.models.couzin import kernels
from simsuite.models.couzin.config import INTEGRATORS, CouzinConfig
from simsuite.models.couzin.initial import CouzinContext
from simsuite.models.couzin.params import StepParams
from simsuite.models.couzin.turning import draw_noise


class CouzinProblem:
    """One synchronous step of the school; owns the run's random generator.

    The state is an array of shape (2, N, 3): positions and unit headings. Every step draws its random
    numbers from ``rng`` (outside the parallel kernel), so a run is bitwise reproducible for any number
    of threads.
    """

    def __init__(self, params: StepParams, rng: np.random.Generator, neighbours: str):
        self.params = params
        self.rng = rng
        self.neighbours = neighbours

    def step(self, u: np.ndarray) -> np.ndarray:
        noise = draw_noise(self.rng, u.shape[1], self.params)
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
    integrators = INTEGRATORS
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
