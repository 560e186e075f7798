"""The inputs of a Couzin step: its parameters (:class:`StepParams`) and the agents' state arrays."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["StepParams", "check_state"]


@dataclass(frozen=True)
class StepParams:
    """Parameters of one step, in the units the kernels use (lengths, radians, cosines).

    Attributes
    ----------
    r_r, r_o, r_a
        Outer radii of the zones of repulsion, orientation and attraction, 0 ≤ r_r ≤ r_o ≤ r_a.
    cos_half_fov
        cos(α/2) for a field of perception of full angle α (−1 for α = 360°).
    max_turn
        Largest turn per step in radians (θτ in Couzin 2002, or dewi-kadita's ``max_turn_per_step``).
    noise_sd
        σ: standard deviation of the rotation angle (radians) of the wrapped-Gaussian noise, or of each
        component of the Gaussian vector added to the heading when ``additive_noise``.
    speed, dt
        Constant speed s and step length τ; each step moves an agent by s τ.
    box
        0 for open space, else the side L of the periodic cube (r_a ≤ L/2 is required unless
        ``allow_small_box``).
    include_self
        Add the focal agent's own heading to d_o (when its orientation zone has neighbours).
    interpolated_turn, additive_noise, weighted_sum, orientation_weight
        dewi-kadita compatibility options (see :mod:`simsuite.models.couzin.kernels`).
    allow_small_box
        dewi-kadita compatibility: accept r_a > L/2 (the minimum image then cuts the attraction zone;
        the cell list falls back to all pairs).
    """

    r_r: float
    r_o: float
    r_a: float
    cos_half_fov: float
    max_turn: float
    noise_sd: float
    speed: float
    dt: float
    box: float = 0.0
    include_self: bool = False
    interpolated_turn: bool = False
    additive_noise: bool = False
    weighted_sum: bool = False
    orientation_weight: float = 1.0
    allow_small_box: bool = False

    def __post_init__(self) -> None:
        for name in ("r_r", "r_o", "r_a", "cos_half_fov", "max_turn", "noise_sd", "speed", "dt"):
            if not math.isfinite(getattr(self, name)):
                raise ValueError(f"StepParams.{name} must be finite, got {getattr(self, name)!r}")
        if not 0.0 <= self.r_r <= self.r_o <= self.r_a:
            raise ValueError(
                f"zone radii must satisfy 0 <= r_r <= r_o <= r_a, got {self.r_r}, {self.r_o}, {self.r_a}"
            )
        if not -1.0 <= self.cos_half_fov <= 1.0:
            raise ValueError(f"cos_half_fov must lie in [-1, 1], got {self.cos_half_fov}")
        if self.max_turn < 0.0 or self.noise_sd < 0.0 or self.speed < 0.0 or self.dt <= 0.0:
            raise ValueError("max_turn, noise_sd and speed must be >= 0 and dt > 0")
        if not (self.box >= 0.0 and math.isfinite(self.box)):
            raise ValueError(f"box must be 0 (open space) or a positive length, got {self.box}")
        if self.box > 0.0 and self.r_a > 0.5 * self.box and not self.allow_small_box:
            raise ValueError(
                f"periodic box of side {self.box} needs r_a <= box/2, got r_a = {self.r_a}"
            )
        if not math.isfinite(self.orientation_weight):
            raise ValueError("orientation_weight must be finite")


def check_state(pos: np.ndarray, head: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions and headings as C-contiguous float64 arrays of shape (N, 3); ValueError if not finite."""
    pos = np.ascontiguousarray(pos, dtype=np.float64)
    head = np.ascontiguousarray(head, dtype=np.float64)
    if pos.ndim != 2 or pos.shape[1] != 3 or head.shape != pos.shape:
        raise ValueError(
            f"pos and head must both have shape (N, 3), got {pos.shape} and {head.shape}"
        )
    if not (np.isfinite(pos).all() and np.isfinite(head).all()):
        raise ValueError("positions and headings must be finite")
    return pos, head
