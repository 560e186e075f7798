"""The school figure's 2D projection: the plane basis is orthonormal for every direction, a ring
mill projects to a circle of its radius (to round-off) along ± its normal, a parallel group is
drawn along its mean heading, and the figure holds the 3D view beside the projection."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from simsuite.plotting.school import panel_basis, plane_basis, projection_axis, school_snapshot

#: tolerance of round-off in a few products of unit vectors
ROUND_OFF = 1e-13


def _directions(rng: np.random.Generator) -> np.ndarray:
    """Random directions plus the awkward ones: the poles, the equator, just off the −z pole."""
    special = [
        (0, 0, 1),
        (0, 0, -1),
        (1, 0, 0),
        (0, -1, 0),
        (1e-12, 0, -1),
        (0, 1e-9, -1),
        (-1e-300, 0, -1),
        (3, 4, 0),
    ]
    return np.vstack([np.array(special, dtype=float), rng.normal(size=(200, 3))])


def test_plane_basis_is_orthonormal_and_right_handed_for_every_direction():
    rng = np.random.default_rng(16)
    for normal in _directions(rng):
        n = normal / np.linalg.norm(normal)
        e1, e2 = plane_basis(normal)
        gram = np.array([[e1 @ e1, e1 @ e2, e1 @ n], [e2 @ e1, e2 @ e2, e2 @ n]])
        np.testing.assert_allclose(gram, [[1, 0, 0], [0, 1, 0]], rtol=0, atol=ROUND_OFF)
        np.testing.assert_allclose(np.cross(e1, e2), n, rtol=0, atol=ROUND_OFF)


@pytest.mark.parametrize("bad", [(0.0, 0.0, 0.0), (np.nan, 0.0, 1.0), (np.inf, 0.0, 0.0)])
def test_plane_basis_refuses_a_zero_or_non_finite_normal(bad):
    with pytest.raises(ValueError, match="non-zero normal"):
        plane_basis(np.array(bad))


def _ring(normal: np.ndarray, radius: float, centre: np.ndarray, n: int, rng) -> tuple:
    """Agents on a circle in the plane normal to ``normal``, headings tangent (anticlockwise about
    the normal). The in-plane frame comes from Gram–Schmidt, independent of :func:`plane_basis`."""
    normal = normal / np.linalg.norm(normal)
    a = rng.normal(size=3)
    a -= (a @ normal) * normal
    a /= np.linalg.norm(a)
    b = np.cross(normal, a)
    theta = np.sort(rng.uniform(0, 2 * np.pi, n))
    position = centre + radius * (np.outer(np.cos(theta), a) + np.outer(np.sin(theta), b))
    heading = np.outer(-np.sin(theta), a) + np.outer(np.cos(theta), b)
    return position, heading


def test_a_ring_mill_projects_to_a_circle_of_its_radius_along_its_normal():
    rng = np.random.default_rng(7)
    for _ in range(20):
        normal = rng.normal(size=3)
        radius = rng.uniform(2.0, 12.0)
        centre = rng.normal(scale=50, size=3)
        position, heading = _ring(normal, radius, centre, 60, rng)
        relative = position - position.mean(axis=0)
        axis, name, p, m = projection_axis(relative, heading)
        assert name == "angular momentum L" and m > p
        n_hat = normal / np.linalg.norm(normal)
        assert abs(abs(axis @ n_hat) - 1.0) < ROUND_OFF
        assert axis @ n_hat > 0  # L points along the normal for an anticlockwise mill
        # about the ring's centre (unevenly spaced agents: not their centroid) the projected
        # distances are the radius, to round-off
        e1, e2 = panel_basis(axis, True, relative)
        radii = np.hypot((position - centre) @ e1, (position - centre) @ e2)
        np.testing.assert_allclose(radii, radius, rtol=1e-12, atol=0)


def _dataset(position: np.ndarray, velocity: np.ndarray, box: float | None = None) -> xr.Dataset:
    attrs = {"model": "couzin", "label": "synthetic"}
    if box is not None:
        attrs.update(domain="periodic", box_size=box)
    return xr.Dataset(
        {
            "position": (("t", "agent", "dim"), position[None]),
            "velocity": (("t", "agent", "dim"), velocity[None]),
        },
        coords={"t": ("t", [0.0], {"units": "s"})},
        attrs=attrs,
    )


def _panels(figure):
    return [ax for ax in figure.axes if not hasattr(ax, "_colorbar")]


@pytest.mark.parametrize("box", [None, 40.0])
def test_the_figure_shows_a_ring_mill_as_a_circle_beside_the_3d_view(box):
    """Evenly spaced agents (centroid = centre): the plotted points lie on the circle, also when
    the ring straddles a face of a periodic box (minimum image about the circular-mean centroid)."""
    rng = np.random.default_rng(3)
    normal, radius, n = np.array([0.3, -0.8, 0.5]), 6.5, 48
    n_hat = normal / np.linalg.norm(normal)
    a = np.cross(n_hat, [1.0, 0.0, 0.0])
    a /= np.linalg.norm(a)
    b = np.cross(n_hat, a)
    theta = 2 * np.pi * np.arange(n) / n
    centre = np.array([1.0, 39.0, 20.0]) if box else rng.normal(size=3)
    position = centre + radius * (np.outer(np.cos(theta), a) + np.outer(np.sin(theta), b))
    heading = np.outer(-np.sin(theta), a) + np.outer(np.cos(theta), b)
    if box:
        position = np.mod(position, box)
    figure = school_snapshot(_dataset(position, 3.0 * heading, box))
    panels = _panels(figure)
    assert len(panels) == 2
    assert panels[0].name == "3d" and panels[1].name == "rectilinear"
    flat = panels[1]
    assert flat.get_aspect() == 1.0
    assert "angular momentum L" in flat.get_title() and "M = 1.00" in flat.get_title()
    assert "P = 0.00" in flat.get_title()
    points = flat.collections[0].get_offsets()
    np.testing.assert_allclose(np.hypot(points[:, 0], points[:, 1]), radius, rtol=1e-12)


def test_a_parallel_group_is_drawn_along_its_mean_heading():
    rng = np.random.default_rng(11)
    direction = np.array([-0.6, 0.7, 0.4])
    direction /= np.linalg.norm(direction)
    position = rng.normal(scale=3.0, size=(80, 3)) * [1.0, 2.0, 0.5]
    heading = direction + rng.normal(scale=0.1, size=(80, 3))
    heading /= np.linalg.norm(heading, axis=1, keepdims=True)
    relative = position - position.mean(axis=0)
    axis, name, p, m = projection_axis(relative, heading)
    mean = heading.sum(axis=0) / np.linalg.norm(heading.sum(axis=0))
    assert name == "mean heading" and p >= m
    np.testing.assert_allclose(axis, mean, rtol=0, atol=ROUND_OFF)
    e1, e2 = panel_basis(axis, False, relative)
    np.testing.assert_allclose(e1, mean, rtol=0, atol=ROUND_OFF)
    assert abs(e1 @ e2) < ROUND_OFF and abs(np.linalg.norm(e2) - 1.0) < ROUND_OFF
    figure = school_snapshot(_dataset(position, 2.0 * heading))
    flat = _panels(figure)[1]
    assert "mean heading" in flat.get_title() and "P ≥ M" in flat.get_title()
    arrows = flat.collections[1]
    assert np.all(arrows.U > 0.9)  # every heading points right, along the mean heading


def test_an_axes_passed_in_gets_the_3d_view_only():
    from simsuite.plotting.common import new_figure

    rng = np.random.default_rng(5)
    figure = new_figure()
    ax = figure.add_subplot(projection="3d")
    velocity = rng.normal(size=(20, 3))
    school_snapshot(_dataset(rng.normal(size=(20, 3)), velocity), ax=ax, colorbar=False)
    assert _panels(figure) == [ax]
