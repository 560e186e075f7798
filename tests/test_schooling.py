"""Schooling diagnostics: order index, nearest-neighbour statistics, the seven schooling entropies and
the Oceanic Schooling Index, in the simsuite definition and the dewi-kadita reproduction."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from simsuite.diagnostics import schooling
from simsuite.diagnostics.schooling import (
    ENTROPIES,
    DegenerateSchoolWarning,
    geometry,
    histogram_kernels,
    histograms,
    neighbours_kernels,
    timeseries,
)

BOTH = ("simsuite", "dewi-kadita")
OSI = "oceanic_schooling_index"


def isotropic(rng, n):
    v = rng.normal(size=(n, 3))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def ring_mill(n=64, radius=5.0, centre=(0.0, 0.0, 0.0)):
    phi = np.linspace(0, 2 * np.pi, n, endpoint=False)
    pos = np.stack((radius * np.cos(phi), radius * np.sin(phi), np.zeros_like(phi)), axis=1)
    head = np.stack((-np.sin(phi), np.cos(phi), np.zeros_like(phi)), axis=1)
    return pos + centre, head


def gas(rng, n=150, box=25.0):
    return rng.uniform(0.0, box, size=(n, 3)), isotropic(rng, n)


def test_the_old_public_names_are_importable_from_the_package():
    """Every public name of the former module simsuite/diagnostics/schooling.py, from the package."""
    from simsuite.diagnostics.schooling import (  # noqa: F401
        DEFINITIONS,
        ENTROPIES,
        OSI_WEIGHTS,
        DegenerateSchoolWarning,
        SchoolingDefinition,
        angular_momentum_entropy,
        centroid,
        cohesion_entropy,
        depth_entropy,
        nearest_neighbour_distance,
        nearest_neighbour_entropy,
        nearest_neighbour_statistics,
        oceanic_schooling_index,
        offsets,
        order_index,
        order_parameters,
        polarization,
        polarization_entropy,
        rotation,
        schooling_timeseries,
        shape_entropy,
        spread,
        velocity_correlation_entropy,
    )

    old_names = {
        "polarization", "centroid", "offsets", "rotation", "spread", "nearest_neighbour_distance",
        "nearest_neighbour_statistics", "order_index", "order_parameters", "ENTROPIES",
        "OSI_WEIGHTS", "DEFINITIONS", "SchoolingDefinition", "DegenerateSchoolWarning",
        "cohesion_entropy", "polarization_entropy", "depth_entropy", "angular_momentum_entropy",
        "nearest_neighbour_entropy", "velocity_correlation_entropy", "shape_entropy",
        "oceanic_schooling_index", "schooling_timeseries",
    }  # fmt: skip
    assert set(schooling.__all__) == old_names
    assert all(callable(getattr(schooling, name)) for name in old_names if name.islower())


# -- order index and nearest-neighbour statistics ---------------------------------------------------
def test_order_index_is_the_larger_of_polarization_and_rotation():
    pos, head = ring_mill()
    assert schooling.order_index(pos, head) == pytest.approx(1.0, abs=1e-14)
    rng = np.random.default_rng(0)
    pos = rng.normal(size=(40, 3))
    parallel = np.tile([0.0, 0.6, 0.8], (40, 1))
    assert schooling.order_index(pos, parallel) == pytest.approx(1.0, abs=1e-15)
    head = isotropic(rng, 40)
    expected = max(schooling.polarization(head), schooling.rotation(pos, head))
    assert schooling.order_index(pos, head) == expected


def test_nearest_neighbour_statistics_of_a_lattice():
    a = 1.5
    grid = a * np.stack(np.meshgrid(*[np.arange(4)] * 3, indexing="ij"), axis=-1).reshape(-1, 3)
    for box in (None, 4 * a):  # open space and the periodic lattice
        stats = schooling.nearest_neighbour_statistics(grid, box)
        assert stats["nearest_neighbour_distance"] == pytest.approx(a, rel=1e-14)
        assert stats["nearest_neighbour_distance_sd"] == pytest.approx(0.0, abs=1e-14)
        assert stats["nearest_neighbour_distance_min"] == pytest.approx(a, rel=1e-14)
        assert stats["nearest_neighbour_distance"] == schooling.nearest_neighbour_distance(
            grid, box
        )
    assert all(np.isnan(v) for v in schooling.nearest_neighbour_statistics(grid[:1]).values())


# -- the entropies on states with known answers -----------------------------------------------------
@pytest.mark.parametrize("definition", BOTH)
def test_aligned_headings_have_zero_polarization_and_velocity_entropy(definition):
    rng = np.random.default_rng(1)
    direction = rng.normal(size=3)
    speeds = rng.uniform(0.5, 3.0, size=(80, 1))  # velocities, not unit headings
    vel = speeds * direction / np.linalg.norm(direction)
    assert schooling.polarization_entropy(vel, definition) == 0.0
    assert schooling.velocity_correlation_entropy(vel, definition) == 0.0
    result = schooling.oceanic_schooling_index(rng.uniform(0, 20, (80, 3)), vel, 20.0, definition)
    assert result["entropy_polarization"] == 0.0
    assert result["entropy_velocity_correlation"] == 0.0


def test_isotropic_headings_fill_the_sphere():
    """Solid-angle weighting makes isotropic headings flat (H_pol → 1); the seed's sin θ weighting
    tops out at 0.946 (the entropy of p ∝ Ω_b sin θ_b over the 288 bins)."""
    vel = isotropic(np.random.default_rng(2), 200_000)
    assert schooling.polarization_entropy(vel) == pytest.approx(1.0, abs=0.01)
    assert schooling.polarization_entropy(vel, "dewi-kadita") == pytest.approx(0.946, abs=0.01)
    # the large-N limit of the seed's value, from the bin geometry alone
    edges = np.linspace(0, np.pi, 13)
    weight = np.repeat(-np.diff(np.cos(edges)) * np.sin(0.5 * (edges[1:] + edges[:-1])), 24)
    p = weight / weight.sum()
    assert -np.sum(p * np.log(p)) / np.log(288) == pytest.approx(0.946, abs=5e-4)


def test_polarization_weights_by_hand():
    """Half the headings in polar bin 0, half in polar bin 6 (same azimuth bin): p ∝ n/Ω_b (simsuite)
    or n·sin θ_b (seed), entropy over 12 × 24 bins."""
    theta = np.r_[np.full(10, np.radians(5.0)), np.full(10, np.radians(95.0))]
    vel = np.stack((np.sin(theta), np.zeros_like(theta), np.cos(theta)), axis=1)  # φ = π
    edges = np.linspace(0, np.pi, 13)
    for definition, w in (
        ("simsuite", 1 / (np.cos(edges[[0, 6]]) - np.cos(edges[[1, 7]]))),
        ("dewi-kadita", np.sin(0.5 * (edges[[0, 6]] + edges[[1, 7]]))),
    ):
        p = w / w.sum()
        expected = -np.sum(p * np.log(p)) / np.log(288)
        assert schooling.polarization_entropy(vel, definition) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("definition", BOTH)
def test_ring_mill_has_zero_angular_momentum_entropy(definition):
    """All |r̂ × v̂| = 1 fall in the last bin (the seed drops the few that round to 1 + 1 ulp)."""
    pos, head = ring_mill(centre=(20.0, 20.0, 20.0))
    assert schooling.angular_momentum_entropy(pos, head, 40.0, definition) == 0.0
    if definition == "simsuite":
        assert schooling.angular_momentum_entropy(pos - 20.0, head) == 0.0


def test_shape_entropy_of_a_line_and_an_octahedron():
    line = np.outer(np.linspace(-3, 3, 20), [1.0, 0.0, 0.0])
    assert schooling.shape_entropy(line) < 1e-7  # two eigenvalues floored at 1e-10
    octahedron = np.vstack((np.eye(3), -np.eye(3)))
    assert schooling.shape_entropy(octahedron) == pytest.approx(1.0, abs=1e-14)


def test_seed_depth_uses_the_box_and_simsuite_the_group():
    """A flat-ish school in the bottom fifteenth of the box: one seed depth bin, a spread histogram
    over the group's own z range."""
    rng = np.random.default_rng(3)
    pos = rng.uniform(0, 30, size=(60, 3))
    pos[:, 2] = rng.uniform(0.1, 1.9, size=60)
    assert schooling.depth_entropy(pos, 30.0, "dewi-kadita") == 0.0
    z = pos[:, 2]
    counts = np.histogram(z, bins=15, range=(z.min(), z.max()))[0]
    p = counts[counts > 0] / 60
    expected = -np.sum(p * np.log(p)) / np.log(15)
    assert schooling.depth_entropy(pos, 30.0) == pytest.approx(expected, rel=1e-12)


def test_blocked_pair_histogram_equals_all_pairs(monkeypatch):
    rng = np.random.default_rng(4)
    vel = isotropic(rng, 203) + 0.3  # not unit: normalised inside
    unit = vel / np.linalg.norm(vel, axis=1, keepdims=True)
    cosines = (unit @ unit.T)[np.triu_indices(203, k=1)]
    expected = np.histogram((cosines + 1) / 2, bins=20, range=(0, 1))[0]
    p = expected[expected > 0] / expected.sum()
    h_expected = -np.sum(p * np.log(p)) / np.log(20)
    for block in (1, 7, 203, 2**18):
        monkeypatch.setattr(histograms, "_PAIR_BLOCK", block)
        for definition in BOTH:
            h = schooling.velocity_correlation_entropy(vel, definition)
            assert h == pytest.approx(h_expected, rel=1e-12)


# -- the gas, ranges and degenerate input ------------------------------------------------------------
def test_uniform_gas_osi():
    """Uniform positions in the periodic box, isotropic headings, N = 150, L = 25, 50 draws: the
    dewi-kadita package's measured OSI is 0.805. The simsuite value (0.803 on these draws) is a
    regression value: H_pol of 150 headings in 288 bins is ≈ 0.80 in both definitions, far from the
    large-N limits, so the definitions nearly agree here."""
    rng = np.random.default_rng(5)
    osi = {d: [] for d in BOTH}
    for _ in range(50):
        pos, vel = gas(rng)
        for definition in BOTH:
            osi[definition].append(
                schooling.oceanic_schooling_index(pos, vel, 25.0, definition)[OSI]
            )
    assert np.mean(osi["dewi-kadita"]) == pytest.approx(0.805, abs=0.01)
    assert np.mean(osi["simsuite"]) == pytest.approx(0.803, abs=0.01)


def _states(rng):
    pos, vel = gas(rng, 120, 25.0)
    yield "gas", pos, vel, 25.0
    mill_pos, mill_head = ring_mill(centre=(12.0, 12.0, 12.0))
    yield "mill", mill_pos, mill_head, 25.0
    school = rng.normal(12.0, 1.5, size=(90, 3))
    yield (
        "school",
        school,
        np.tile([1.0, 0.2, 0.0], (90, 1)) + 0.05 * rng.normal(size=(90, 3)),
        25.0,
    )
    yield "open", 1e3 * rng.normal(size=(50, 3)), isotropic(rng, 50), None


@pytest.mark.parametrize("definition", BOTH)
def test_every_entropy_lies_in_the_unit_interval(definition):
    rng = np.random.default_rng(6)
    for label, pos, vel, box in _states(rng):
        if box is None and definition == "dewi-kadita":
            with pytest.raises(ValueError, match="needs box_size"):
                schooling.oceanic_schooling_index(pos, vel, box, definition)
            continue
        result = schooling.oceanic_schooling_index(pos, vel, box, definition)
        for key in (*ENTROPIES, OSI):
            assert 0.0 <= result[key] <= 1.0, (label, key, result[key])
        weighted = sum(w * result[k] for k, w in schooling.OSI_WEIGHTS.items())
        assert result[OSI] == pytest.approx(weighted, rel=1e-15)


def test_open_space_entropies_ignore_where_the_school_is_and_its_scale():
    """In open space L is the group's bounding cube and H_depth uses the group's z range, so moving
    or enlarging the school changes nothing."""
    rng = np.random.default_rng(14)
    pos = rng.normal(size=(80, 3)) * [3.0, 1.0, 0.5]
    vel = isotropic(rng, 80) + [0.5, 0.0, 0.0]
    reference = schooling.oceanic_schooling_index(pos, vel)
    moved = schooling.oceanic_schooling_index(7.25 * pos + [100.0, -40.0, 3.0], vel)
    for key in (*ENTROPIES, OSI):
        assert moved[key] == pytest.approx(reference[key], abs=1e-12), key


@pytest.mark.parametrize("n", [1, 2])
def test_too_few_agents_give_nan_and_a_warning(n):
    rng = np.random.default_rng(7)
    pos, vel = rng.uniform(0, 10, (n, 3)), isotropic(rng, n)
    with pytest.warns(DegenerateSchoolWarning, match="too few agents"):
        result = schooling.oceanic_schooling_index(pos, vel, 10.0)
    assert all(np.isnan(result[key]) for key in (*ENTROPIES, OSI))
    with pytest.warns(DegenerateSchoolWarning):
        assert np.isnan(schooling.polarization_entropy(vel))
    with pytest.warns(DegenerateSchoolWarning, match="returned 0.5"):
        seed = schooling.oceanic_schooling_index(pos, vel, 10.0, "dewi-kadita")
    for key in ("entropy_angular_momentum", "entropy_nearest_neighbour", "entropy_shape"):
        assert seed[key] == 0.5  # the seed's silent fallback, reproduced


def test_only_the_entropies_short_of_agents_are_nan():
    rng = np.random.default_rng(8)
    pos, vel = rng.uniform(0, 10, (5, 3)), isotropic(rng, 5)
    with pytest.warns(DegenerateSchoolWarning, match="entropy_nearest_neighbour"):
        result = schooling.oceanic_schooling_index(pos, vel, 10.0)
    assert np.isnan(result["entropy_nearest_neighbour"]) and np.isnan(result[OSI])
    assert not any(np.isnan(result[k]) for k in ENTROPIES if k != "entropy_nearest_neighbour")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # six agents: nothing degenerate
        pos, vel = rng.uniform(0, 10, (6, 3)), isotropic(rng, 6)
        assert not np.isnan(schooling.oceanic_schooling_index(pos, vel, 10.0)[OSI])


def test_periodic_school_straddling_a_face_matches_the_unwrapped_school():
    """The same school in the middle of the box and across the x, y and z faces (a corner): the
    simsuite entropies agree; the seed's wrapped-coordinate centroid (H_ang, H_shape) does not."""
    rng = np.random.default_rng(9)
    box = 40.0
    school = rng.normal(0.0, 2.0, size=(100, 3))
    school[:50, 0] *= 3.0  # anisotropic, so the shape entropy is not trivially 1
    vel = np.array([1.0, 0.5, 0.2]) + 0.4 * rng.normal(size=(100, 3))
    inside = school + box / 2
    straddling = np.mod(school, box)  # centred on the corner of the box
    middle = schooling.oceanic_schooling_index(inside, vel, box)
    corner = schooling.oceanic_schooling_index(straddling, vel, box)
    for key in (*ENTROPIES, OSI):
        assert corner[key] == pytest.approx(middle[key], abs=1e-12), key
    seed_middle = schooling.oceanic_schooling_index(inside, vel, box, "dewi-kadita")
    seed_corner = schooling.oceanic_schooling_index(straddling, vel, box, "dewi-kadita")
    assert seed_corner["entropy_shape"] - seed_middle["entropy_shape"] > 0.2  # looks isotropic
    mill, head = ring_mill(centre=(0.0, 0.0, box / 2))  # across the x and y faces
    assert schooling.angular_momentum_entropy(np.mod(mill, box), head, box) == 0.0
    assert schooling.angular_momentum_entropy(np.mod(mill, box), head, box, "dewi-kadita") > 0.3


# -- API -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("definition", BOTH)
def test_timeseries_equals_per_snapshot_calls(definition):
    rng = np.random.default_rng(10)
    box = 20.0
    pos = rng.uniform(0, box, size=(4, 30, 3))
    vel = 2.0 * isotropic(rng, 120).reshape(4, 30, 3)
    series = schooling.schooling_timeseries(pos, vel, box, definition)
    for t in range(4):
        snap = schooling.oceanic_schooling_index(pos[t], vel[t], box, definition)
        for key, value in snap.items():  # the same counts; sums of p ln p in another order
            assert series[key][t] == pytest.approx(value, abs=1e-12), key
        head = vel[t] / 2.0
        order = schooling.order_parameters(pos[t], head, box)
        order.update(schooling.nearest_neighbour_statistics(pos[t], box))
        order["order_index"] = schooling.order_index(pos[t], head, box)
        for key, value in order.items():
            np.testing.assert_allclose(series[key][t], value, rtol=1e-14, atol=1e-14, err_msg=key)
    assert series["centroid"].shape == (4, 3)
    assert all(len(v) == 4 for v in series.values())


def test_timeseries_warns_once_for_the_whole_series():
    rng = np.random.default_rng(11)
    with pytest.warns(DegenerateSchoolWarning, match="in 3 snapshots") as record:
        series = schooling.schooling_timeseries(
            rng.uniform(0, 5, (3, 2, 3)), rng.normal(size=(3, 2, 3))
        )
    assert len(record) == 1
    assert np.isnan(series[OSI]).all()


def test_bad_input_is_refused():
    rng = np.random.default_rng(12)
    pos, vel = gas(rng, 20, 10.0)
    with pytest.raises(ValueError, match="known: 'simsuite', 'dewi-kadita'"):
        schooling.oceanic_schooling_index(pos, vel, 10.0, definition="dewi")
    with pytest.raises(ValueError, match="needs box_size"):
        schooling.cohesion_entropy(pos, definition="dewi-kadita")
    with pytest.raises(ValueError, match="shape"):
        schooling.oceanic_schooling_index(pos[:, :2], vel[:, :2], 10.0)
    with pytest.raises(ValueError, match="disagree"):
        schooling.oceanic_schooling_index(pos, vel[:-1], 10.0)


# -- the batched path of schooling_timeseries against the per-snapshot path -------------------------
# A histogram that differs by one count moves an entropy by ~1/N ≫ 1e-12 here, so entropies equal
# to 1e-12 mean identical counts; what is left is the order of the sums of p ln p (~1e-16).
ENTROPY_ATOL = 1e-12


def _reference_neighbours(points, box, k):
    """scipy's cKDTree, as the per-snapshot path queries it."""
    from scipy.spatial import cKDTree

    tree = cKDTree(geometry.wrap(points, box), boxsize=box) if box else cKDTree(points)
    return tree.query(tree.data, k=k + 1)[0][:, 1:]


def _point_sets(rng):
    """(label, points, box): random, anisotropic, ties, coincident agents, strays, tiny N."""
    yield "uniform", rng.uniform(0, 10, (300, 3)), None
    yield "uniform periodic", rng.uniform(0, 10, (300, 3)), 10.0
    yield "flat", rng.normal(size=(200, 3)) * [5.0, 1.0, 0.0], None
    yield "line", np.outer(rng.normal(size=60), [1.0, 2.0, -1.0]), None
    lattice = np.stack(np.meshgrid(*[np.arange(5.0)] * 3, indexing="ij"), -1).reshape(-1, 3)
    yield "lattice (ties)", 1.5 * lattice, None
    yield "lattice periodic (ties across faces)", 1.5 * lattice, 7.5
    yield "rounded (coincident)", np.round(rng.uniform(0, 3, (150, 3))), None
    yield "rounded periodic", np.round(rng.uniform(0, 3, (150, 3))), 3.0
    yield "all coincident", np.tile(rng.uniform(0, 5, 3), (40, 1)), None
    yield "pairs coincident", np.repeat(rng.uniform(0, 5, (25, 3)), 2, axis=0), 5.0
    school = rng.normal(0.0, 1.0, (500, 3))
    school[:3] += [300.0, -200.0, 1000.0]  # three strays: a very unbalanced bounding box
    yield "school with strays", school, None
    yield "straddling the faces", np.mod(rng.normal(0.0, 1.5, (200, 3)), 20.0), 20.0
    for n in (2, 3, 4, 6, 7):
        yield f"N = {n}", rng.uniform(0, 4, (n, 3)), None
        yield f"N = {n} periodic", rng.uniform(0, 4, (n, 3)), 4.0


def test_compiled_neighbours_equal_ckdtree_to_the_last_bit():
    rng = np.random.default_rng(20)
    for label, points, box in _point_sets(rng):
        points = geometry.wrap(points, box) if box else points
        for k in sorted({1, min(5, len(points) - 1), min(7, len(points) - 1)}):
            got = neighbours_kernels.neighbour_distances(points[np.newaxis], box, k)[0]
            np.testing.assert_array_equal(got, _reference_neighbours(points, box, k), err_msg=label)
        # several snapshots at once (the parallel kernel): the agents in other orders
        batch = np.stack((points, points[::-1], np.roll(points, 7, axis=0)))
        got = neighbours_kernels.neighbour_distances(batch, box, min(5, len(points) - 1))
        for snapshot, distances in zip(batch, got, strict=True):
            expected = _reference_neighbours(snapshot, box, min(5, len(points) - 1))
            np.testing.assert_array_equal(distances, expected, err_msg=label)


def test_compiled_neighbours_refuse_too_few_agents():
    for n, k in ((1, 1), (2, 2), (9, 8), (5, 0)):
        with pytest.raises(ValueError, match="k must be"):
            neighbours_kernels.neighbour_distances(np.zeros((1, n, 3)), None, k)


def _numpy_pair_counts(unit, bins, clip):
    """The pair histogram in NumPy: c = (x x' + y y') + z z' over i < j, then ``_counts``'s
    clipped bin or ``np.histogram`` of (1 + c)/2."""
    i, j = np.triu_indices(len(unit), k=1)
    c = unit[i, 0] * unit[j, 0]
    c += unit[i, 1] * unit[j, 1]
    c += unit[i, 2] * unit[j, 2]
    if clip:
        index = np.clip((c + 1.0) * (bins / 2.0), 0, bins - 1).astype(np.intp)
        return np.bincount(index, minlength=bins)
    return np.histogram((c + 1.0) / 2.0, bins=bins, range=(0.0, 1.0))[0]


def test_compiled_pair_counts_equal_numpy():
    rng = np.random.default_rng(21)
    aligned = np.tile([0.6, 0.0, 0.8], (50, 1))  # c = 1 (± 1 ulp): the end bin, or dropped
    opposite = np.vstack((aligned[:25], -aligned[:25]))  # c = −1
    axes = np.vstack([np.eye(3), -np.eye(3)] * 5)  # c = 0 exactly: a bin edge
    for unit in (isotropic(rng, 257), aligned, opposite, axes, isotropic(rng, 1), np.zeros((0, 3))):
        usable = rng.random(len(unit)) < 0.8
        for clip in (True, False):
            for bins in (20, 7):
                got = histogram_kernels.pair_cosine_counts(unit[np.newaxis], None, bins, clip)
                np.testing.assert_array_equal(got[0], _numpy_pair_counts(unit, bins, clip))
                got = histogram_kernels.pair_cosine_counts(
                    unit[np.newaxis], usable[np.newaxis], bins, clip
                )
                np.testing.assert_array_equal(got[0], _numpy_pair_counts(unit[usable], bins, clip))
                # several snapshots at once (the parallel kernel)
                got = histogram_kernels.pair_cosine_counts(
                    np.stack((unit, unit[::-1])),
                    np.stack((usable, np.ones_like(usable))),
                    bins,
                    clip,
                )
                np.testing.assert_array_equal(got[0], _numpy_pair_counts(unit[usable], bins, clip))
                np.testing.assert_array_equal(got[1], _numpy_pair_counts(unit[::-1], bins, clip))


def test_compiled_row_counts_equal_counts_and_histogram():
    rng = np.random.default_rng(22)
    edges = np.linspace(0.0, 2.0, 21)
    values = np.concatenate(
        (
            rng.uniform(-0.5, 2.5, 500),
            edges,  # on the edges, and one ulp either side
            np.nextafter(edges, -np.inf),
            np.nextafter(edges, np.inf),
        )
    )
    rows = np.stack([rng.permutation(values) for _ in range(4)])
    usable = rng.random(rows.shape) < 0.7
    for clip in (True, False):
        got = histogram_kernels.row_counts(rows, 0.0, 2.0, 20, clip, usable)
        for row, mask, counts in zip(rows, usable, got, strict=True):
            np.testing.assert_array_equal(
                counts, histograms.bin_counts(row[mask], 0.0, 2.0, 20, clip)
            )
    # per-row ranges, one of them of zero width (everything in bin 0)
    lo, hi = rows.min(axis=1), rows.max(axis=1)
    hi[1] = lo[1]
    got = histogram_kernels.row_counts(rows, lo, hi, 15, clip=True)
    for t, counts in enumerate(got):
        np.testing.assert_array_equal(
            counts, histograms.bin_counts(rows[t], lo[t], hi[t], 15, True)
        )


def test_norm_helpers_sum_as_numpy_does():
    """The batched path relies on the order in which NumPy sums a short last axis."""
    rng = np.random.default_rng(23)
    v = rng.normal(size=(50, 40, 3)) * 10.0 ** rng.uniform(-5, 5, (50, 40, 3))
    np.testing.assert_array_equal(geometry.norm3(v), np.linalg.norm(v, axis=-1))
    np.testing.assert_array_equal(geometry.squared3(v), np.sum(v * v, axis=-1))
    d = np.abs(rng.normal(size=(50, 40, 5))) * 10.0 ** rng.uniform(-5, 5, (50, 40, 1))
    d[0, :3] = 0.0  # coincident neighbours: cv 0 (simsuite), 0/1e-10 (seed)
    cv = neighbours_kernels.neighbour_cv(d, seed_guard=False)
    mean, sd = d.mean(axis=-1), d.std(axis=-1)
    np.testing.assert_array_equal(cv, np.divide(sd, mean, out=np.zeros_like(sd), where=mean > 0))
    cv = neighbours_kernels.neighbour_cv(d, seed_guard=True)
    np.testing.assert_array_equal(cv, d.std(axis=-1) / (d.mean(axis=-1) + 1e-10))


def _trajectories(rng):
    """(label, positions, velocities, box) of a few snapshots each."""
    yield "gas", rng.uniform(0, 20, (4, 120, 3)), rng.normal(size=(4, 120, 3)), 20.0
    pos = rng.normal(10.0, 1.5, (3, 90, 3))
    vel = np.array([1.0, 0.3, 0.0]) + 0.1 * rng.normal(size=(3, 90, 3))
    vel[:, ::7] = 0.0  # no heading
    pos[:, 5] = pos[:, 6:].mean(axis=1)  # near the centroid
    yield "school, some agents still", pos, vel, 25.0
    yield "school in open space", pos - 10.0, vel, None
    mill, head = ring_mill(n=80, centre=(0.0, 0.0, 15.0))
    yield "mill across the faces", np.mod(mill, 30.0)[np.newaxis], head[np.newaxis], 30.0
    yield "mill in open space", mill[np.newaxis], 3.0 * head[np.newaxis], None
    grid = np.round(rng.uniform(0, 4, (3, 100, 3)))
    yield "coincident agents, axis headings", grid, np.round(rng.normal(size=(3, 100, 3))), 4.0
    pos = rng.normal(0.0, 2.0, (3, 200, 3))
    pos[:, :2] += 500.0  # strays
    yield "strays", pos, rng.normal(size=(3, 200, 3)), None
    yield (
        "unwrapped, far from the box",
        rng.normal(0, 3, (2, 60, 3)) - 77.0,
        rng.normal(size=(2, 60, 3)),
        10.0,
    )
    for n in (1, 2, 3, 4, 5, 6, 7):
        pos, vel = rng.uniform(0, 5, (3, n, 3)), rng.normal(size=(3, n, 3))
        yield f"N = {n}", pos, vel, 5.0
        yield f"N = {n} open", pos, vel, None


def _assert_series_equal_per_snapshot(series, pos, vel, box, definition, label):
    for t in range(len(pos)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateSchoolWarning)
            snap = schooling.oceanic_schooling_index(pos[t], vel[t], box, definition)
        for key, value in snap.items():
            np.testing.assert_allclose(
                series[key][t], value, rtol=0, atol=ENTROPY_ATOL, err_msg=f"{label} {key} {t}"
            )
        head = geometry.unit_vectors(vel[t])[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # N = 1: no neighbours
            order = schooling.order_parameters(pos[t], head, box)
            order.update(schooling.nearest_neighbour_statistics(pos[t], box))
            order["order_index"] = schooling.order_index(pos[t], head, box)
        for key, value in order.items():
            np.testing.assert_allclose(
                series[key][t], value, rtol=1e-14, atol=1e-14, err_msg=f"{label} {key} {t}"
            )


@pytest.mark.parametrize("definition", BOTH)
def test_batched_timeseries_equals_the_per_snapshot_path(definition):
    """Open space and periodic boxes, N = 1 … 200: every output of schooling_timeseries against
    oceanic_schooling_index, order_parameters and nearest_neighbour_statistics per snapshot
    (entropies to 1e-12, i.e. the same histogram counts; order parameters to 1e-14)."""
    rng = np.random.default_rng(24)
    for label, pos, vel, box in _trajectories(rng):
        if box is None and definition == "dewi-kadita":
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateSchoolWarning)
            series = schooling.schooling_timeseries(pos, vel, box, definition)
        _assert_series_equal_per_snapshot(series, pos, vel, box, definition, label)


def test_timeseries_chunks_and_threads_change_nothing(monkeypatch):
    import numba

    rng = np.random.default_rng(25)
    pos, vel = rng.normal(0, 3, (11, 60, 3)), rng.normal(size=(11, 60, 3))
    reference = schooling.schooling_timeseries(pos, vel, 12.0)
    monkeypatch.setattr(timeseries, "_SERIES_CHUNK", 7 * 60)  # chunks of 7 and 4 snapshots
    chunked = schooling.schooling_timeseries(pos, vel, 12.0)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        serial = schooling.schooling_timeseries(pos, vel, 12.0)
    finally:
        numba.set_num_threads(threads)
    for key in reference:
        np.testing.assert_array_equal(chunked[key], reference[key], err_msg=key)
        np.testing.assert_array_equal(serial[key], reference[key], err_msg=key)


def test_timeseries_of_no_snapshots_or_no_agents():
    empty = schooling.schooling_timeseries(np.zeros((0, 5, 3)), np.zeros((0, 5, 3)))
    assert empty["centroid"].shape == (0, 3) and empty[OSI].shape == (0,)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        nobody = schooling.schooling_timeseries(np.zeros((2, 0, 3)), np.zeros((2, 0, 3)))
    assert all(np.isnan(nobody[key]).all() for key in (*ENTROPIES, OSI, "polarization"))
    with pytest.raises(ValueError, match="shape"):
        schooling.schooling_timeseries(np.zeros((2, 5, 2)), np.zeros((2, 5, 2)))
    with pytest.raises(ValueError, match="needs box_size"):
        schooling.schooling_timeseries(
            np.zeros((2, 5, 3)), np.zeros((2, 5, 3)), None, "dewi-kadita"
        )
