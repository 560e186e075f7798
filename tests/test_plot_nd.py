"""``simsuite plot`` and ``animate`` of fields on 2D and 3D grids (issue 22): snapshot maps, mid-plane
slices and projections, from full fields or from files that hold only slices/projections, for the
NLSE (runs) and Klein–Gordon (synthetic files in the layout of the N-D KG output)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from PIL import Image

import simsuite
from simsuite.cli import main
from simsuite.config import build_config
from simsuite.io.reader import grid_ndim as reader_grid_ndim
from simsuite.plotting import load_output, maps, save_figures, standard_figures
from simsuite.plotting.animation import animate
from simsuite.plotting.registry import grid_ndim


def _nlse(grid: dict, ic: dict, n_snapshots: int) -> dict:
    return {
        "model": {"name": "nlse", "label": "test run"},
        "grid": grid,
        "time": {"t_final": 0.4, "dt": 0.02, "n_snapshots": n_snapshots},
        "integrator": {"method": "ssf4"},
        "run": {"threads": 1, "progress": False},
        "initial_condition": ic,
    }


def _slices_and_projections(full: xr.Dataset, keep_field: bool = False) -> xr.Dataset:
    """The 3D output's reduced layout (naming contract of issue 22) made from a full 3D run."""
    out = full if keep_field else full.drop_vars(["psi_real", "psi_imag"])
    density = full["psi_real"] ** 2 + full["psi_imag"] ** 2
    for name in ("psi_real", "psi_imag"):
        for plane, axis in (("xy", "z"), ("xz", "y"), ("yz", "x")):
            middle = full.sizes[axis] // 2
            out[f"{name}_{plane}"] = (
                full[name]
                .isel({axis: middle})
                .drop_vars(axis)
                .assign_attrs(slice_axis=axis, slice_value=float(full[axis][middle]))
            )
    for plane, axis in (("xy", "z"), ("xz", "y"), ("yz", "x")):
        projected = density.sum(axis) * float(full.attrs[f"d{axis}"])
        out[f"density_proj_{plane}"] = projected.assign_attrs(
            projection_axis=axis, long_name=f"density |psi|^2 integrated along {axis}"
        )
    return out


def _kg(ndim: int) -> xr.Dataset:
    """A synthetic Klein–Gordon run on a 2D or 3D grid: φ, φ_t on (t, [z,] y, x), invariants."""
    n = {"x": 24, "y": 20, "z": 16}
    axes = ("z", "y", "x")[3 - ndim :]
    coords = {a: np.linspace(-5.0, 5.0, n[a], endpoint=False) for a in axes}
    t = np.linspace(0.0, 2.0, 5)
    grids = np.meshgrid(*(coords[a] for a in axes), indexing="ij")
    r2 = sum(g**2 for g in grids)
    phi = np.stack([np.cos(2.0 * s) * 1.5 * np.exp(-r2 / (1 + s)) - 0.2 for s in t])
    drift = np.array([0.0, 1e-13, 3e-13, 2e-13, 5e-13])
    data = {
        "phi": (("t", *axes), phi),
        "phi_t": (("t", *axes), np.gradient(phi, t, axis=0)),
        "energy": ("t", 3.0 * (1 + drift)),
        "energy_rel_error": ("t", drift, {"natural_scale": 3.0}),
    }
    for a in axes:
        data[f"momentum_{a}"] = ("t", drift * 0.1)
        data[f"momentum_{a}_rel_error"] = ("t", drift * 0.5 + 1e-16)
    attrs = {"model": "klein_gordon", "label": f"kg {ndim}D", "ndim": ndim}
    attrs.update({f"d{a}": 10.0 / n[a] for a in axes})
    return xr.Dataset(data, coords={"t": t, **coords}, attrs=attrs)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nd_plots")
    paths = {}
    raw = _nlse(
        {"x_min": [-8.0, -6.0], "x_max": [8.0, 6.0], "n_points": [32, 24]},
        {"type": "gaussian", "width": 1.3, "x0": [1.0, 0.0], "velocity": [1.0, 0.5]},
        5,
    )
    paths["nlse2"] = folder / "nlse2.nc"
    simsuite.run(build_config(raw), output=paths["nlse2"], progress=False)
    raw = _nlse(
        {"x_min": -5.0, "x_max": 5.0, "n_points": [16, 16, 12]},
        {"type": "gaussian", "width": 1.2, "x0": [1.0, -0.5, 0.5], "velocity": [1.0, 0.0, 0.0]},
        3,
    )
    paths["nlse3"] = folder / "nlse3.nc"
    simsuite.run(build_config(raw), output=paths["nlse3"], progress=False)
    full = xr.load_dataset(paths["nlse3"])
    paths["sliced3"] = folder / "sliced3.nc"
    _slices_and_projections(full).to_netcdf(paths["sliced3"])
    paths["projected3"] = folder / "projected3.nc"
    reduced = _slices_and_projections(full)
    reduced.drop_vars([v for v in reduced.data_vars if str(v).startswith("psi_")]).to_netcdf(
        paths["projected3"]
    )
    paths["kg2"] = folder / "kg2.nc"
    _kg(2).to_netcdf(paths["kg2"])
    paths["kg3"] = folder / "kg3.nc"
    _kg(3).to_netcdf(paths["kg3"])
    return paths


def _map_axes(figure) -> list:
    return [ax for ax in figure.axes if ax.images and not hasattr(ax, "_colorbar")]


def _check_rendered(figure, name: str) -> None:
    """Every data axes has data and labels; the figure renders to a non-trivial PNG."""
    for ax in figure.axes:
        if hasattr(ax, "_colorbar"):
            assert ax.get_ylabel(), f"{name}: colorbar without a label"
            continue
        assert ax.lines or ax.images, f"{name}: empty axes"
        assert ax.get_xlabel() and ax.get_ylabel(), f"{name}: unlabelled axes"
        assert ax.get_title() or figure.get_suptitle(), f"{name}: no title"


def test_grid_dimension_is_read_from_the_field_dims(files):
    assert grid_ndim(load_output(files["nlse2"])) == 2
    assert grid_ndim(load_output(files["nlse3"])) == 3
    assert grid_ndim(load_output(files["sliced3"])) == 3
    assert grid_ndim(load_output(files["projected3"])) == 3
    assert grid_ndim(load_output(files["kg2"])) == 2
    no_attr = _kg(2)
    del no_attr.attrs["ndim"]
    assert reader_grid_ndim(no_attr, ("phi",)) == 2


def test_2d_maps_show_the_density_at_first_middle_last_on_one_scale(files, tmp_path):
    ds = load_output(files["nlse2"])
    figures = standard_figures(ds)
    assert list(figures) == ["maps", "invariants"]
    figure = figures["maps"]
    _check_rendered(figure, "maps")
    panels = _map_axes(figure)
    assert [ax.get_title() for ax in panels] == ["t = 0", "t = 0.2", "t = 0.4"]
    density = ds["psi_real"].values ** 2 + ds["psi_imag"].values ** 2
    for ax, k in zip(panels, (0, 2, 4), strict=True):
        np.testing.assert_array_equal(np.asarray(ax.images[0].get_array()), density[k])
        assert ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
        assert ax.get_aspect() == 1.0
        assert ax.images[0].get_clim() == (0.0, float(density[[0, 2, 4]].max()))
    colorbars = [ax for ax in figure.axes if hasattr(ax, "_colorbar")]
    assert len(colorbars) == 1 and colorbars[0].get_ylabel() == "|ψ|²"
    drift = [ax for ax in figure.axes if ax.lines and not ax.images]
    assert len(drift) == 1 and drift[0].get_yscale() == "log"
    assert len(drift[0].lines) == sum(str(v).endswith("_rel_error") for v in ds.data_vars)
    chosen = maps.snapshot_maps(ds, times=[0.1, 0.3])
    assert [ax.get_title() for ax in _map_axes(chosen)] == ["t = 0.1", "t = 0.3"]


def test_plot_command_writes_2d_figures_and_the_entropy_figure_after_analyze(files, tmp_path):
    assert main(["plot", str(files["nlse2"]), "--outdir", str(tmp_path), "--dpi", "40"]) == 0
    assert {p.name for p in tmp_path.iterdir()} == {"nlse2_maps.png", "nlse2_invariants.png"}
    analyzed = tmp_path / "nlse2_analyzed.nc"
    assert main(["analyze", str(files["nlse2"]), "--output", str(analyzed), "--quiet"]) == 0
    out = tmp_path / "figures"
    assert main(["plot", str(analyzed), "--outdir", str(out), "--dpi", "40", "--quiet"]) == 0
    names = {p.name for p in out.iterdir()}
    assert names == {f"nlse2_analyzed_{n}.png" for n in ("maps", "invariants", "entropy")}
    entropy = standard_figures(load_output(analyzed))["entropy"]
    titles = [ax.get_title() for ax in entropy.axes]
    assert "spectral entropy (normalised)" in titles


def test_3d_mid_plane_slices_are_the_planes_through_the_middle(files):
    ds = load_output(files["nlse3"])
    figures = standard_figures(ds)
    assert list(figures) == ["slices", "invariants"]
    panels = _map_axes(figures["slices"])
    assert len(panels) == 6  # xy, xz, yz at the first and last snapshots
    _check_rendered(figures["slices"], "slices")
    density = ds["psi_real"].values ** 2 + ds["psi_imag"].values ** 2  # (t, z, y, x)
    last = [density[-1][6], density[-1][:, 8, :], density[-1][:, :, 8]]
    for ax, want in zip(panels[3:], last, strict=True):
        np.testing.assert_array_equal(np.asarray(ax.images[0].get_array()), want)
    assert [(ax.get_xlabel(), ax.get_ylabel()) for ax in panels[:3]] == [
        ("x", "y"),
        ("x", "z"),
        ("y", "z"),
    ]
    assert panels[0].get_title() == "z = 0, t = 0"
    assert panels[5].get_title() == "x = 0, t = 0.4"
    assert len({ax.images[0].get_clim() for ax in panels}) == 1


def test_a_file_of_slices_and_projections_draws_what_it_holds(files, tmp_path):
    full = _map_axes(standard_figures(load_output(files["nlse3"]))["slices"])
    ds = load_output(files["sliced3"])
    figures = standard_figures(ds)
    assert list(figures) == ["slices", "projections", "invariants"]
    sliced = _map_axes(figures["slices"])
    for a, b in zip(full, sliced, strict=True):
        np.testing.assert_array_equal(a.images[0].get_array(), b.images[0].get_array())
        assert a.get_title() == b.get_title()
    projected = _map_axes(figures["projections"])
    assert len(projected) == 6 and projected[0].get_title() == "∫ dz, t = 0"
    _check_rendered(figures["projections"], "projections")
    np.testing.assert_allclose(
        projected[0].images[0].get_array(), ds["density_proj_xy"].values[0], rtol=0, atol=0
    )
    # the projection of |ψ|² over all three axes is the mass
    mass = ds["density_proj_xy"].sum(("y", "x")).values * ds.attrs["dx"] * ds.attrs["dy"]
    np.testing.assert_allclose(mass, ds["mass"].values, rtol=1e-13)
    only = load_output(files["projected3"])
    assert list(standard_figures(only)) == ["projections", "invariants"]
    written = save_figures(only, tmp_path, "p", dpi=30)
    assert sorted(p.name for p in written) == ["p_invariants.png", "p_projections.png"]


def test_kg_2d_maps_show_phi_on_a_scale_centred_on_zero(files, tmp_path):
    ds = load_output(files["kg2"])
    figure = standard_figures(ds)["maps"]
    panels = _map_axes(figure)
    low, high = panels[0].images[0].get_clim()
    assert low == -high and high == pytest.approx(float(np.abs(ds["phi"].values[[0, 2, 4]]).max()))
    np.testing.assert_array_equal(panels[1].images[0].get_array(), ds["phi"].values[2])
    assert [ax for ax in figure.axes if hasattr(ax, "_colorbar")][0].get_ylabel() == "φ"
    assert main(["plot", str(files["kg3"]), "--outdir", str(tmp_path), "--dpi", "30"]) == 0
    assert {p.name for p in tmp_path.iterdir()} == {"kg3_slices.png", "kg3_invariants.png"}


@pytest.mark.parametrize("name", ["nlse2", "kg2", "nlse3", "sliced3", "projected3"])
def test_animate_writes_one_frame_per_snapshot(files, tmp_path, name):
    path = animate(load_output(files[name]), tmp_path / name, fmt="gif", dpi=30, progress=False)
    with Image.open(path) as gif:
        assert gif.n_frames == load_output(files[name]).sizes["t"]


def test_animate_command_on_a_2d_file(files, tmp_path):
    target = tmp_path / "movie.gif"
    code = main(["animate", str(files["nlse2"]), "--format", "gif", "--output", str(target)])
    assert code == 0 and target.stat().st_size > 0


def test_what_cannot_be_drawn_is_refused_with_exit_2(files, tmp_path, capsys):
    ds = load_output(files["nlse3"])
    bare = tmp_path / "bare.nc"
    ds.drop_vars(["psi_real", "psi_imag"]).to_netcdf(bare)
    assert main(["plot", str(bare)]) == 2
    err = capsys.readouterr().err
    assert "'psi_real, psi_imag': are needed to plot nlse" in err and "_xy" in err
    odd = tmp_path / "odd.nc"  # only an xz slice of Re ψ: no plane to animate
    ds.drop_vars(["psi_real", "psi_imag"]).assign(
        psi_real_xz=ds["psi_real"].isel(y=8).drop_vars("y")
    ).to_netcdf(odd)
    assert main(["animate", str(odd), "--format", "gif", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "no xy plane" in err and "Traceback" not in err
