"""Kernels of the Couzin schooling model: perception, zones, noise, turning, neighbour searches.

Each rule of Couzin et al. (2002) is checked on a configuration whose answer is known in closed form;
the cell list is checked against the all-pairs kernel on random states, and the kernels against
themselves on 1 and 2 threads (bitwise).
"""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest

from simsuite.models.couzin.kernels import step
from simsuite.models.couzin.neighbours import (
    ALL_PAIRS_MAX_N,
    choose_neighbour_search,
    desired_directions,
)
from simsuite.models.couzin.params import StepParams
from simsuite.models.couzin.turning import draw_noise, turn_and_move

SEARCHES = ("all_pairs", "cell")
EX, EY, EZ = np.eye(3)


def make(**kw) -> StepParams:
    """Defaults: r_r = 1, r_o = 3, r_a = 6, α = 360°, no noise."""
    base = dict(
        r_r=1.0,
        r_o=3.0,
        r_a=6.0,
        cos_half_fov=-1.0,
        max_turn=0.1,
        noise_sd=0.0,
        speed=3.0,
        dt=0.1,
    )
    base.update(kw)
    return StepParams(**base)


def cos_half(alpha_deg: float) -> float:
    return math.cos(math.radians(alpha_deg) / 2.0)


def focal_desired(others, other_heads, params, neighbours, focal_head=EX, focal=(0.0, 0.0, 0.0)):
    """Desired direction of agent 0 at ``focal`` heading ``focal_head``, with the given neighbours."""
    pos = np.vstack([np.asarray(focal, float)[None], np.asarray(others, float).reshape(-1, 3)])
    head = np.vstack(
        [np.asarray(focal_head, float)[None], np.asarray(other_heads, float).reshape(-1, 3)]
    )
    return desired_directions(pos, head, params, neighbours)[0]


def unit(v):
    v = np.asarray(v, float)
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def angle(a, b):
    """Angle between rows of a and b, accurate near 0 and π."""
    return np.arctan2(np.linalg.norm(np.cross(a, b), axis=-1), np.sum(a * b, axis=-1))


def random_units(rng, n):
    return unit(rng.standard_normal((n, 3)))


def random_rotation(rng):
    q, r = np.linalg.qr(rng.standard_normal((3, 3)))
    q *= np.sign(np.diag(r))
    return q if np.linalg.det(q) > 0 else -q


# --- perception cone -------------------------------------------------------------------------------


@pytest.mark.parametrize("neighbours", SEARCHES)
def test_neighbour_exactly_behind_is_blind_below_360(neighbours):
    # an orientation-zone neighbour straight behind, heading +y
    for alpha, visible in ((359.0, False), (300.0, False), (360.0, True)):
        d = focal_desired([-2.0, 0.0, 0.0], EY, make(cos_half_fov=cos_half(alpha)), neighbours)
        np.testing.assert_array_equal(d, EY if visible else np.zeros(3))


@pytest.mark.parametrize("neighbours", SEARCHES)
def test_perception_boundary_at_half_angle(neighbours):
    # exactly on the cone with exact geometry; cos(α/2) and r̂ round differently (6e-17 ≠ 0 at 90°)
    for alpha, other in (
        (180.0, [0.0, 2.0, 0.0]),
        (270.0, [-2.0, 2.0, 0.0]),
        (90.0, [2.0, 2.0, 0.0]),
    ):
        d = focal_desired(other, EZ, make(cos_half_fov=cos_half(alpha)), neighbours)
        np.testing.assert_array_equal(d, EZ)
    rng = np.random.default_rng(3)
    for alpha in (270.0, 180.0, 90.0):
        half = math.radians(alpha) / 2.0
        params = make(cos_half_fov=cos_half(alpha))
        # exactly on the cone (in the x–y plane): visible
        on = 2.0 * np.array([math.cos(half), math.sin(half), 0.0])
        np.testing.assert_allclose(focal_desired(on, EZ, params, neighbours), EZ, atol=1e-15)
        # 1e-9 rad inside / outside, in arbitrary orientations
        for _ in range(5):
            rot = random_rotation(rng)
            for delta, visible in ((-1e-9, True), (1e-9, False)):
                a = half + delta
                other = rot @ (2.0 * np.array([math.cos(a), math.sin(a), 0.0]))
                d = focal_desired(other, rot @ EZ, params, neighbours, focal_head=rot @ EX)
                np.testing.assert_allclose(d, rot @ EZ if visible else 0.0, atol=1e-14)


# --- zones and their combination ------------------------------------------------------------------


@pytest.mark.parametrize("neighbours", SEARCHES)
def test_repulsion_has_priority(neighbours):
    close = np.array([0.5, 0.3, -0.2])
    others = [close, [2.0, 0.0, 0.0], [0.0, -2.5, 0.0], [4.0, 1.0, 0.0], [0.0, 0.0, -5.0]]
    heads = [EY, EZ, -EX, EY, EZ]
    d = focal_desired(others, heads, make(), neighbours)
    np.testing.assert_allclose(d, -unit(close), atol=1e-15)
    # two repulsive neighbours: −(r̂_1 + r̂_2), normalised
    others[1] = [0.0, 0.7, 0.0]
    d = focal_desired(others, heads, make(), neighbours)
    np.testing.assert_allclose(d, unit(-(unit(close) + EY)), atol=1e-15)


@pytest.mark.parametrize("neighbours", SEARCHES)
def test_zone_boundaries(neighbours):
    params = make(r_r=1.0, r_o=3.0, r_a=6.0)
    # d = r_r exactly: orientation (adopt its heading +y)
    np.testing.assert_array_equal(focal_desired([0.0, 1.0, 0.0], EZ, params, neighbours), EZ)
    # d = r_o exactly: attraction (towards it)
    np.testing.assert_array_equal(focal_desired([0.0, 0.0, 3.0], EY, params, neighbours), EZ)
    # d = r_a exactly: outside (keep)
    np.testing.assert_array_equal(focal_desired([0.0, 6.0, 0.0], EZ, params, neighbours), 0.0)
    # just inside r_r: repulsion
    np.testing.assert_array_equal(
        focal_desired([0.0, 1.0 - 1e-12, 0.0], EZ, params, neighbours), -EY
    )
    # no neighbours, or only a coincident one: keep
    np.testing.assert_array_equal(focal_desired([0.0, 0.0, 0.0], EY, params, neighbours), 0.0)


@pytest.mark.parametrize("neighbours", SEARCHES)
def test_orientation_and_attraction_are_averaged_after_normalising(neighbours):
    orient = [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.5]]
    orient_heads = [EY, EZ, EZ]
    attract = [[4.0, 0.0, 0.0], [0.0, 5.0, 0.0]]
    params = make()
    d_o = unit(EY + 2 * EZ)
    d_a = unit(EX + EY)
    d = focal_desired(orient + attract, orient_heads + [EX, EX], params, neighbours)
    np.testing.assert_allclose(d, unit(0.5 * (d_o + d_a)), atol=1e-15)
    # one zone only: that zone's direction
    d = focal_desired(orient, orient_heads, params, neighbours)
    np.testing.assert_allclose(d, d_o, atol=1e-15)
    d = focal_desired(attract, [EZ, EZ], params, neighbours)
    np.testing.assert_allclose(d, d_a, atol=1e-15)
    # weighted_sum (dewi-kadita): w·Σv̂_j + Σr̂_ij from the raw sums
    w = 0.3
    d = focal_desired(
        orient + attract,
        orient_heads + [EX, EX],
        make(weighted_sum=True, orientation_weight=w),
        neighbours,
    )
    np.testing.assert_allclose(d, unit(w * (EY + 2 * EZ) + (EX + EY)), atol=1e-15)
    assert np.linalg.norm(d - unit(0.5 * (d_o + d_a))) > 0.05


@pytest.mark.parametrize("neighbours", SEARCHES)
def test_include_self(neighbours):
    # the focal heading joins d_o when its orientation zone has neighbours ...
    d = focal_desired([0.0, 2.0, 0.0], EY, make(include_self=True), neighbours)
    np.testing.assert_allclose(d, unit(EX + EY), atol=1e-15)
    d = focal_desired([0.0, 2.0, 0.0], EY, make(include_self=False), neighbours)
    np.testing.assert_array_equal(d, EY)
    # ... and the zones stay "neighbours found" (Couzin 2002): attraction only is unchanged
    d = focal_desired([0.0, 4.0, 0.0], EZ, make(include_self=True), neighbours)
    np.testing.assert_array_equal(d, EY)


def test_cancelling_repulsion_means_keep():
    d = focal_desired([[0.5, 0.0, 0.0], [-0.5, 0.0, 0.0]], [EY, EY], make(), "all_pairs")
    np.testing.assert_array_equal(d, 0.0)


# --- turning --------------------------------------------------------------------------------------


def turn(head, desired, params, noise=None, seed=0):
    n = len(head)
    if noise is None:
        noise = draw_noise(np.random.default_rng(seed), n, params)
    return turn_and_move(np.zeros((n, 3)), head, desired, noise, params)[1]


def test_exact_turn_by_max_turn():
    rng = np.random.default_rng(11)
    n = 2000
    v = random_units(rng, n)
    d = random_units(rng, n)
    max_turn = rng.uniform(0.01, 1.5)
    params = make(max_turn=max_turn)
    big = angle(v, d) > max_turn
    assert big.sum() > 1000
    new = turn(v, d, params)
    np.testing.assert_allclose(angle(v[big], new[big]), max_turn, rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(new, axis=1), 1.0, rtol=0, atol=1e-15)
    normal = unit(np.cross(v[big], d[big]))
    np.testing.assert_allclose(np.sum(new[big] * normal, axis=1), 0.0, atol=1e-14)
    # it turned towards d̂: the remaining angle is the difference
    np.testing.assert_allclose(
        angle(new[big], d[big]), angle(v[big], d[big]) - max_turn, atol=1e-12
    )
    # within reach: takes the desired direction exactly
    np.testing.assert_array_equal(new[~big], d[~big])


def test_exact_turn_antiparallel_and_nearly_so():
    rng = np.random.default_rng(12)
    n = 200
    v = random_units(rng, n)
    for max_turn in (0.07, 0.5, 2.0):
        params = make(max_turn=max_turn)
        for d in (-v, unit(-v + 1e-10 * random_units(rng, n))):
            new = turn(v, d, params, seed=int(1e3 * max_turn))
            np.testing.assert_allclose(angle(v, new), max_turn, rtol=0, atol=1e-12)
            np.testing.assert_allclose(np.linalg.norm(new, axis=1), 1.0, rtol=0, atol=1e-15)
    # exactly antiparallel: the plane comes from the pre-drawn angle β (column 2) and varies with it
    params = make(max_turn=0.5)
    noise = np.zeros((n, 4))
    noise[:, 2] = rng.uniform(0, 2 * np.pi, n)
    a = turn(v, -v, params, noise)
    noise[:, 2] += 1.0
    b = turn(v, -v, params, noise)
    assert np.all(angle(a, b) > 0.1)


def test_interpolated_turn_compat():
    v = np.array([EX, EX, EX])
    d = np.array([EY, -EX, unit([1.0, 0.01, 0.0])])
    for deg, ratio in ((4.0, 0.6657501915), (10.0, 0.7125016349)):
        m = math.radians(deg)
        new = turn(v, d, make(max_turn=m, interpolated_turn=True))
        f = m / (math.pi / 2)
        # 90°: atan2(f, 1 − f), the documented fraction of the nominal turn
        turned = angle(v[0], new[0])
        assert turned == pytest.approx(math.atan2(f, 1 - f), abs=1e-12)
        assert turned / m == pytest.approx(ratio, abs=1e-9)
        np.testing.assert_allclose(new[0] @ EZ, 0.0, atol=1e-15)
        # 180°: no turn at all
        assert angle(v[1], new[1]) < 1e-15
        # within reach: takes the desired direction
        np.testing.assert_array_equal(new[2], d[2])
        np.testing.assert_allclose(np.linalg.norm(new, axis=1), 1.0, atol=1e-15)


# --- noise ----------------------------------------------------------------------------------------


def test_wrapped_gaussian_noise():
    rng = np.random.default_rng(5)
    n = 20000
    sigma = 0.05
    params = make(noise_sd=sigma, max_turn=math.pi)  # max_turn = π: the heading becomes the noisy d̂
    d0 = unit([0.3, -0.5, 0.8])
    d = np.tile(d0, (n, 1))
    noise = draw_noise(rng, n, params)
    new = turn(d, d, params, noise)
    ang = angle(d, new)
    # the angle turned is |φ| exactly: the rotation axis is perpendicular to d̂
    np.testing.assert_allclose(ang, np.abs(noise[:, 0]), rtol=0, atol=1e-12)
    turned = ang > 1e-3  # where the axis d̂ × d̂′ is well defined
    axis = unit(np.cross(d[turned], new[turned]))
    np.testing.assert_allclose(axis @ d0, 0.0, atol=1e-12)
    assert ang.mean() == pytest.approx(sigma * math.sqrt(2 / math.pi), rel=0.02)
    # axis azimuth uniform: the perpendicular parts average out and are isotropic in the plane
    perp = unit(new - np.outer(new @ d0, d0))
    assert np.linalg.norm(perp.mean(axis=0)) < 0.02
    cov = perp.T @ perp / n
    np.testing.assert_allclose(cov, 0.5 * (np.eye(3) - np.outer(d0, d0)), atol=0.02)
    np.testing.assert_allclose(np.linalg.norm(new, axis=1), 1.0, atol=1e-15)
    # σ = 0: unchanged, bit for bit
    zero = draw_noise(rng, n, make(noise_sd=0.0))
    np.testing.assert_array_equal(turn(d, d, make(max_turn=math.pi), zero), d)


def test_additive_noise_compat():
    rng = np.random.default_rng(6)
    n = 5000
    sigma = 0.2
    v = random_units(rng, n)
    d = random_units(rng, n)
    for interpolated in (False, True):
        params = make(
            noise_sd=sigma, additive_noise=True, interpolated_turn=interpolated, max_turn=0.3
        )
        noise = draw_noise(rng, n, params)
        assert noise[:, :3].std() == pytest.approx(sigma, rel=0.03)
        quiet = noise.copy()
        quiet[:, :3] = 0.0
        turned = turn(v, d, params, quiet)  # the turn alone
        new = turn(v, d, params, noise)
        np.testing.assert_allclose(new, unit(turned + noise[:, :3]), atol=1e-15)


def test_draw_noise_layout_and_reproducibility():
    params = make(noise_sd=0.1)
    a = draw_noise(np.random.default_rng(1), 1000, params)
    b = draw_noise(np.random.default_rng(1), 1000, params)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (1000, 4) and a.dtype == np.float64
    assert np.all((a[:, 1:3] >= 0) & (a[:, 1:3] < 2 * np.pi)) and np.all(a[:, 3] == 0)
    c = draw_noise(np.random.default_rng(1), 1000, make(noise_sd=0.1, additive_noise=True))
    assert np.all((c[:, 3] >= 0) & (c[:, 3] < 2 * np.pi))


# --- neighbour searches ---------------------------------------------------------------------------


def random_state(rng, n, box=0.0, side=20.0):
    pos = rng.uniform(0.0, box or side, (n, 3))
    if box:  # agents straddling every face
        k = n // 10
        pos[:k] = rng.uniform(0.0, 0.05, (k, 3))
        pos[k : 2 * k] = rng.uniform(box - 0.05, box, (k, 3))
        pos[2 * k : 3 * k, 0] = rng.uniform(box - 0.5, box, k)
    return pos, random_units(rng, n)


@pytest.mark.parametrize("box", [0.0, 20.0])
@pytest.mark.parametrize("n", [50, 500, 3000])
def test_cell_list_matches_all_pairs(n, box):
    rng = np.random.default_rng(n + int(box))
    pos, head = random_state(rng, n, box)
    params = make(r_r=1.0, r_o=2.5, r_a=4.0, cos_half_fov=cos_half(270.0), box=box, noise_sd=0.05)
    a = desired_directions(pos, head, params, "all_pairs")
    c = desired_directions(pos, head, params, "cell")
    np.testing.assert_allclose(c, a, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(c == 0.0, a == 0.0)
    assert (np.abs(a).sum(axis=1) > 0).mean() > (0.3 if n == 50 else 0.9)
    noise = draw_noise(rng, n, params)
    pa, ha = step(pos, head, params, noise, "all_pairs")
    pc, hc = step(pos, head, params, noise, "cell")
    np.testing.assert_allclose(hc, ha, rtol=0, atol=1e-12)
    np.testing.assert_allclose(pc, pa, rtol=0, atol=1e-12)


@pytest.mark.parametrize("box", [0.0, 48.0])
@pytest.mark.parametrize(
    "options", [{}, {"include_self": True}, {"weighted_sum": True, "orientation_weight": 0.3}]
)
def test_cell_list_and_all_pairs_agree_bitwise_on_triplets(box, options):
    # Triplets of agents 12 apart (> r_a plus their size): every agent has at most two neighbours, so
    # no zone sum has more than two terms, and floating-point addition being commutative, the two
    # searches must then agree bitwise (they visit the neighbours in different orders). The agents
    # are shuffled so that index order and cell order differ; periodic triplets straddle the faces.
    rng = np.random.default_rng(21)
    centres = 12.0 * np.stack(np.meshgrid(*[np.arange(4)] * 3), axis=-1).reshape(-1, 3)
    pos = (centres[:, None, :] + rng.uniform(-1.2, 1.2, (len(centres), 3, 3))).reshape(-1, 3)
    order = rng.permutation(len(pos))
    pos, head = pos[order], random_units(rng, len(pos))
    if box:
        pos = np.mod(pos, box)
    params = make(r_r=1.0, r_o=2.5, r_a=4.0, cos_half_fov=cos_half(270.0), box=box, **options)
    a = desired_directions(pos, head, params, "all_pairs")
    c = desired_directions(pos, head, params, "cell")
    np.testing.assert_array_equal(c, a)
    assert (np.abs(a).sum(axis=1) > 0).mean() > 0.9
    noise = draw_noise(rng, len(pos), params)
    for cell, pair in zip(
        step(pos, head, params, noise, "cell"),
        step(pos, head, params, noise, "all_pairs"),
        strict=True,
    ):
        np.testing.assert_array_equal(cell, pair)


def test_cell_list_on_fragments_far_apart():
    # two schools 10⁴ body lengths apart: the grid would need 10⁷ cells of edge r_a, so the cells are
    # coarsened to keep memory O(N); the result must not change
    rng = np.random.default_rng(14)
    pos, head = random_state(rng, 400, side=15.0)
    pos[200:] += [1e4, -3e3, 5e3]
    params = make(r_a=4.0, cos_half_fov=cos_half(270.0))
    a = desired_directions(pos, head, params, "all_pairs")
    np.testing.assert_allclose(desired_directions(pos, head, params, "cell"), a, rtol=0, atol=1e-12)
    assert choose_neighbour_search(pos, params) == "cell"


def test_periodic_box_too_small_for_cells_falls_back():
    rng = np.random.default_rng(8)
    pos, head = random_state(rng, 300, box=10.0)
    params = make(r_a=4.0, box=10.0)  # ⌊10/4⌋ = 2 cells per axis
    np.testing.assert_array_equal(
        desired_directions(pos, head, params, "cell"),
        desired_directions(pos, head, params, "all_pairs"),
    )
    assert choose_neighbour_search(pos, params) == "all_pairs"


@pytest.mark.parametrize("neighbours", SEARCHES)
def test_minimum_image(neighbours):
    L = 10.0
    pos = np.array([[0.1, 5.0, 5.0], [L - 0.1, 5.0, 5.0]])
    head = np.array([EY, EZ])
    # 0.2 apart through the face: repulsion from just above r_r = 0.2, not from just below
    for r_r, expected in ((0.2 + 1e-9, EX), (0.2 - 1e-9, EZ)):
        params = make(r_r=r_r, r_o=1.0, r_a=2.0, box=L)
        np.testing.assert_allclose(
            desired_directions(pos, head, params, neighbours)[0], expected, atol=1e-15
        )
    # in open space they are 9.8 apart: out of range
    params = make(r_r=0.3, r_o=1.0, r_a=2.0)
    np.testing.assert_array_equal(desired_directions(pos, head, params, neighbours), 0.0)


def test_choose_neighbour_search():
    rng = np.random.default_rng(9)
    params = make(r_a=4.0)
    small, _ = random_state(rng, ALL_PAIRS_MAX_N - 1, side=100.0)
    assert choose_neighbour_search(small, params) == "all_pairs"
    spread, _ = random_state(rng, 2000, side=100.0)
    assert choose_neighbour_search(spread, params) == "cell"
    compact, _ = random_state(rng, 2000, side=7.9)  # < 2 r_a along every axis
    assert choose_neighbour_search(compact, params) == "all_pairs"
    assert choose_neighbour_search(compact * [1.0, 1.0, 1.2], params) == "cell"
    # periodic (cells of edge 100/24): a compact group straddling a face spans 2 cells per axis, a
    # box-filling one all of them
    periodic = make(r_a=4.0, box=100.0)
    straddling, _ = random_state(rng, 2000, side=4.0)
    assert choose_neighbour_search(np.mod(straddling - 3.5, 100.0), periodic) == "all_pairs"
    assert choose_neighbour_search(spread, periodic) == "cell"


def test_reproducible_across_thread_counts():
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("needs 2 numba threads")
    outputs = {}
    previous = numba.get_num_threads()
    try:
        for threads in (1, 2):
            numba.set_num_threads(threads)
            for box in (0.0, 20.0):
                pos, head = random_state(np.random.default_rng(4), 3000, box)
                params = make(r_a=4.0, cos_half_fov=cos_half(270.0), box=box, noise_sd=0.05)
                noise = draw_noise(np.random.default_rng(7), 3000, params)
                for neighbours in SEARCHES:
                    outputs[threads, box, neighbours] = step(pos, head, params, noise, neighbours)
    finally:
        numba.set_num_threads(previous)
    for key in outputs:
        if key[0] == 1:
            for one, two in zip(outputs[key], outputs[(2, *key[1:])], strict=True):
                np.testing.assert_array_equal(one, two)


# --- moving ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("box", [0.0, 10.0])
def test_step_moves_by_speed_dt_and_wraps(box):
    rng = np.random.default_rng(13)
    n = 400
    pos, head = random_state(rng, n, box, side=10.0)
    if box:
        pos[:20, 0] = box - 1e-3  # about to cross the face
    head[:20] = unit(EX + 0.1 * rng.standard_normal((20, 3)))
    params = make(r_o=1.5, r_a=2.0, box=box, noise_sd=0.05, speed=3.0, dt=0.1)
    pos0, head0 = pos.copy(), head.copy()
    new_pos, new_head = step(pos, head, params, draw_noise(rng, n, params))
    np.testing.assert_array_equal(pos, pos0)  # inputs untouched
    np.testing.assert_array_equal(head, head0)
    np.testing.assert_allclose(np.linalg.norm(new_head, axis=1), 1.0, atol=1e-15)
    shift = new_pos - pos - 0.3 * new_head
    if box:
        assert np.all((new_pos >= 0.0) & (new_pos < box))
        assert np.all(new_pos[:20, 0] < 1.0)  # crossed the face
        shift -= box * np.round(shift / box)
    np.testing.assert_allclose(shift, 0.0, atol=1e-12)


def test_invalid_input():
    with pytest.raises(ValueError, match="r_r <= r_o <= r_a"):
        make(r_r=2.0, r_o=1.0)
    with pytest.raises(ValueError, match="box/2"):
        make(r_a=6.0, box=10.0)
    with pytest.raises(ValueError, match="known: auto, cell, all_pairs"):
        desired_directions(np.zeros((2, 3)), np.tile(EX, (2, 1)), make(), "kd_tree")
    with pytest.raises(ValueError, match="finite"):
        desired_directions(np.full((2, 3), np.nan), np.tile(EX, (2, 1)), make())
