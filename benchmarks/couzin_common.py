"""The dewi-kadita baseline and the timing protocol shared by ``couzin_bench.py`` and
``couzin_dense_sparse.py``.

Baseline: a re-implementation of the dewi-kadita package's cost, written in its style (described in
full in the docstring of ``couzin_bench.py``): an O(N²) ``numba.njit`` loop over all ordered pairs that
allocates the displacement, its minimum image and the unit vector of every visible pair, sums the zones
raw, turns by the normalised linear interpolation and adds Gaussian noise drawn in the kernel;
positions move by s τ v̂ and wrap into the box (numpy). It takes its radii, field of perception, turn,
noise, speed and τ from a :class:`~simsuite.models.couzin.params.StepParams` (the compatibility flags
are ignored: the baseline always turns, adds noise and sums as the package did).

Timing (:func:`time_per_step`): best over several blocks of consecutive calls of the mean time per call,
the blocks of all steppers taking turns so that load from other processes falls on all of them alike.
"""

from __future__ import annotations

import math
import os
import time

import numba
import numpy as np

from simsuite.models.couzin.params import StepParams

SLOW = 2.0  # seconds: a step this long is timed twice only

# ---------------------------------------------------------------------------------------------------
# baseline: the dewi-kadita package's all-pairs loop, in its allocating style


@numba.njit
def _baseline_displacement(xi, xj, box):
    """Minimum-image c_j − c_i, with a fresh array for every intermediate, as the package did."""
    d = xj - xi
    return d - box * np.round(d / box)


@numba.njit
def _baseline_visible(v, d, cos_fov):
    """Visibility by the clamped cosine between v and d, both norms recomputed for every pair."""
    v_norm = math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
    d_norm = math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
    if v_norm < 1e-10 or d_norm < 1e-10:
        return True
    cos_angle = (v[0] * d[0] + v[1] * d[1] + v[2] * d[2]) / (v_norm * d_norm)
    return max(-1.0, min(1.0, cos_angle)) > cos_fov


@numba.njit
def _baseline_unit(v):
    """v/|v| as a new array, or zeros when |v| < 1e-10."""
    norm = math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
    if norm < 1e-10:
        return np.zeros(3)
    return v / norm


@numba.njit
def _baseline_agent(
    i, pos, vel, new_vel, box, r_r, r_o, r_a, cos_fov, max_turn, noise_sd, speed, w
):
    """New velocity of agent i: zone sums over all others, interpolated turn, additive noise."""
    n = pos.shape[0]
    v = vel[i]
    own = _baseline_unit(v)
    repulsion = np.zeros(3)
    orientation = np.zeros(3)
    attraction = np.zeros(3)
    n_r = n_o = n_a = 0
    for j in range(n):
        if j == i:
            continue
        d = _baseline_displacement(pos[i], pos[j], box)
        dist = math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
        if dist < 1e-10 or not _baseline_visible(v, d, cos_fov):
            continue
        r_hat = d / dist
        if dist < r_r:
            repulsion -= r_hat
            n_r += 1
        elif dist < r_o:
            vj = vel[j]
            vj_norm = math.sqrt(vj[0] * vj[0] + vj[1] * vj[1] + vj[2] * vj[2])
            if vj_norm > 1e-10:
                orientation += vj / vj_norm
                n_o += 1
        elif dist < r_a:
            attraction += r_hat
            n_a += 1
    if n_r > 0:
        desired = _baseline_unit(repulsion)
    elif n_o > 0 or n_a > 0:
        desired = _baseline_unit(w * orientation + attraction)
    else:
        desired = own.copy()
    if desired[0] == 0.0 and desired[1] == 0.0 and desired[2] == 0.0:
        desired = own.copy()
    angle = np.arccos(max(-1.0, min(1.0, np.sum(own * desired))))
    if angle <= max_turn:
        heading = desired
    else:
        f = max_turn / angle
        heading = _baseline_unit(own + f * (desired - own))
        if heading[0] == 0.0 and heading[1] == 0.0 and heading[2] == 0.0:
            heading = own.copy()
    if noise_sd > 0.0:
        # numba's in-kernel generator, as the package drew its noise
        kick = np.array([np.random.randn(), np.random.randn(), np.random.randn()])  # noqa: NPY002
        noisy = _baseline_unit(heading + noise_sd * kick)
        if noisy[0] != 0.0 or noisy[1] != 0.0 or noisy[2] != 0.0:
            heading = noisy
    new_vel[i] = heading * speed


@numba.njit
def _baseline_serial(pos, vel, *args):
    new_vel = np.empty_like(vel)
    for i in range(pos.shape[0]):
        _baseline_agent(i, pos, vel, new_vel, *args)
    return new_vel


@numba.njit(parallel=True)
def _baseline_prange(pos, vel, *args):
    new_vel = np.empty_like(vel)
    for i in numba.prange(pos.shape[0]):
        _baseline_agent(i, pos, vel, new_vel, *args)
    return new_vel


_BASELINE_KERNELS = {False: _baseline_serial, True: _baseline_prange}


def baseline_box(pos: np.ndarray, box: float, r_a: float) -> float:
    """The box the baseline works in: ``box``, or in open space one 4× the school's extent (+ 4 r_a)."""
    if box > 0.0:
        return box
    return 4.0 * float(np.max(pos.max(axis=0) - pos.min(axis=0))) + 4.0 * r_a


def baseline_step(
    pos: np.ndarray, vel: np.ndarray, box: float, params: StepParams, parallel: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """One baseline step: new velocities (speed s) from the all-pairs loop, then c ← c + τ v, wrapped."""
    vel = _BASELINE_KERNELS[parallel](
        pos,
        vel,
        box,
        params.r_r,
        params.r_o,
        params.r_a,
        params.cos_half_fov,
        params.max_turn,
        params.noise_sd,
        params.speed,
        params.orientation_weight,
    )
    return np.mod(pos + vel * params.dt, box), vel


def baseline_stepper(pos, head, box: float, params: StepParams, parallel: bool):
    """A closure taking one baseline step from the school given here per call."""
    box = baseline_box(pos, box, params.r_a)
    pos, vel = np.mod(pos, box), params.speed * head

    def step_once():
        baseline_step(pos, vel, box, params, parallel=parallel)

    return step_once


# ---------------------------------------------------------------------------------------------------
# timing


def time_per_step(steppers: dict, block: float, repeats: int) -> dict[str, float]:
    """Seconds per call of each stepper: best over ``repeats`` blocks of consecutive calls lasting
    about ``block`` seconds, of the mean per call. The blocks of the different steppers take turns,
    so that load from other processes falls on all of them alike. A stepper whose single call
    exceeds ``block`` runs one call per block; one exceeding :data:`SLOW` is timed twice only."""
    best, calls, rounds = {}, {}, {}
    for name, step_once in steppers.items():
        start = time.perf_counter()
        step_once()
        best[name] = time.perf_counter() - start
        calls[name] = max(1, int(block / best[name]))
        rounds[name] = min(1, repeats) if best[name] > SLOW else repeats
    for round_ in range(repeats):
        for name, step_once in steppers.items():
            if round_ >= rounds[name]:
                continue
            start = time.perf_counter()
            for _ in range(calls[name]):
                step_once()
            best[name] = min(best[name], (time.perf_counter() - start) / calls[name])
    return best


def fit_exponent(points: dict[int, float], n_min: int) -> tuple[float, list[int]]:
    """Slope of log t against log N over the points with N ≥ ``n_min`` (all when fewer than 2)."""
    sizes = sorted(n for n in points if n >= n_min)
    if len(sizes) < 2:
        sizes = sorted(points)
    if len(sizes) < 2:
        return math.nan, sizes
    slope = np.polyfit(np.log(sizes), np.log([points[n] for n in sizes]), 1)[0]
    return float(slope), sizes


def load_average() -> str:
    """The system's 1, 5 and 15 minute load averages: other processes make parallel steps wait."""
    if not hasattr(os, "getloadavg"):
        return "load average: unknown"
    one, five, fifteen = os.getloadavg()
    return f"load average: {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cpus"
