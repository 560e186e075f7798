"""One step of the Couzin schooling model: neighbour rules, then noise, turn and move.

One step of length τ (Couzin, Krause, James, Ruxton & Franks 2002, *J. Theor. Biol.* 218, 1–11) for
positions c_i ∈ ℝ³ and unit headings v̂_i, in the modules that implement it:

1. **Perception**, 2. **repulsion**, 3. **orientation and attraction**: the desired direction of every
   agent from the neighbours it sees (:mod:`~simsuite.models.couzin.rules` for one agent,
   :mod:`~simsuite.models.couzin.neighbours` for all of them, by all pairs or by the cell list of
   :mod:`~simsuite.models.couzin.cells`);
4. **noise** on the desired direction, 5. **turn** by at most θτ towards it, 6. synchronous **move**
   (:mod:`~simsuite.models.couzin.turning`, which also draws the step's random numbers).

:class:`~simsuite.models.couzin.params.StepParams` holds the parameters in the kernels' units.

Compatibility options (the dewi-kadita package): ``interpolated_turn`` replaces 5 by the normalised
linear interpolation v̂ ← normalise(v̂ + f (d̂ − v̂)), f = min(1, θτ/angle(v̂, d̂)). Its turn is
atan2(f sin Θ, 1 − f + f cos Θ) for an angle Θ > θτ between v̂ and d̂, less than the nominal θτ
(≈ θτ · sin Θ/Θ for small θτ). At Θ = 90° it is 66.6 % of θτ for the default 4° per step, 71.3 % for
10° per step, → 2/π ≈ 63.7 % as θτ → 0. At Θ = 180° there is no turn at all for θτ < 90° (the
interpolant stays parallel to v̂; for θτ > 90° it flips to −v̂, exactly at 90° it is zero and v̂ is
kept). ``additive_noise`` replaces 4 by
v̂ ← normalise(v̂ + σ g), g ~ N(0, I₃), applied *after* the turn. ``weighted_sum`` replaces the
average of 3 by the raw sum w Σ v̂_j + Σ r̂_ij (``orientation_weight`` w).

Determinism. Each agent's neighbours are summed in a fixed order (index order for all pairs; stencil
order and index order within a cell for the cell list), every agent is handled by one thread, and all
random numbers of a step are drawn up front by :func:`~simsuite.models.couzin.turning.draw_noise` from
the run's ``numpy.random.Generator``. The results are therefore bitwise identical for any number of
numba threads. The two neighbour searches sum in different orders, so they agree to rounding (~1e-16),
not bitwise.
"""

from __future__ import annotations

import numpy as np

from simsuite.models.couzin.neighbours import desired_directions
from simsuite.models.couzin.params import StepParams, check_state
from simsuite.models.couzin.turning import turn_and_move

__all__ = ["step"]


def step(
    pos: np.ndarray,
    head: np.ndarray,
    params: StepParams,
    noise: np.ndarray,
    neighbours: str = "auto",
) -> tuple[np.ndarray, np.ndarray]:
    """Advance every agent by one step of length τ (rules 1–6 of the module docstring).

    Parameters
    ----------
    pos, head
        Positions and unit headings, shape (N, 3); not modified.
    params
        Step parameters.
    noise
        The (N, 4) array of :func:`~simsuite.models.couzin.turning.draw_noise` for this step.
    neighbours
        Neighbour search, as for :func:`~simsuite.models.couzin.neighbours.desired_directions`.

    Returns
    -------
    tuple of numpy.ndarray
        New positions (wrapped into [0, L) when periodic) and new unit headings, each (N, 3).
    """
    pos, head = check_state(pos, head)
    noise = np.ascontiguousarray(noise, dtype=np.float64)
    if noise.shape != (pos.shape[0], 4):
        raise ValueError(f"noise must have shape ({pos.shape[0]}, 4), got {noise.shape}")
    desired = desired_directions(pos, head, params, neighbours)
    return turn_and_move(pos, head, desired, noise, params)
