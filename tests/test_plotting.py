"""Figures and animations: every standard figure renders with labelled, non-empty axes; the
``plot`` and ``animate`` commands write the expected files and refuse wrong files with exit 2."""

from __future__ import annotations

import io

import numpy as np
import pytest
import xarray as xr
from PIL import Image

from simsuite import run
from simsuite.cli import main
from simsuite.plotting import FIGURES, fields, load_output, save_figures, standard_figures, sweeps
from simsuite.plotting.animation import animate
from tests.conftest import CONFIGS

SMALL = {
    "nlse": ("nlse_two_soliton.toml", {"grid.n_points": 128, "time.t_final": 2.0}),
    "klein_gordon": ("kg_kink.toml", {"grid.n_points": 128, "time.t_final": 2.0}),
    "couzin": ("couzin_torus.toml", {"agents.n": 30, "time.t_final": 2.0}),
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """One small output file per model (11 snapshots), with diagnostics for the field models."""
    folder = tmp_path_factory.mktemp("plot_outputs")
    paths = {}
    for model, (name, overrides) in SMALL.items():
        path = folder / f"{model}.nc"
        overrides = {**overrides, "time.n_snapshots": 11, "run.progress": False}
        if model != "couzin":
            overrides["diagnostics.enabled"] = True
        run(CONFIGS / name, output=path, overrides=overrides)
        paths[model] = path
    return paths


def _main_axes(figure):
    """The axes that show data (colorbars excluded)."""
    return [ax for ax in figure.axes if not hasattr(ax, "_colorbar")]


def _has_data(ax) -> bool:
    return bool(ax.lines or ax.images or ax.collections or ax.patches)


@pytest.mark.parametrize("model", sorted(FIGURES))
def test_every_figure_renders_with_labels_and_a_title(outputs, model):
    ds = load_output(outputs[model])
    figures = standard_figures(ds)
    assert set(figures) == set(FIGURES[model])  # the entropy figure too: diagnostics are present
    for name, figure in figures.items():
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=50)
        image = Image.open(io.BytesIO(buffer.getvalue()))
        assert image.size[0] > 100 and image.size[1] > 100, name
        suptitle = figure.get_suptitle()
        for ax in _main_axes(figure):
            assert _has_data(ax), f"{model} {name}: empty axes"
            assert ax.get_xlabel() and ax.get_ylabel(), f"{model} {name}: unlabelled axes"
            assert ax.get_title() or suptitle, f"{model} {name}: no title"


def test_field_figures_show_the_run(outputs):
    """The space-time map holds |psi| itself, and the drift plot one line per invariant."""
    ds = load_output(outputs["nlse"])
    image = fields.spacetime_map(ds).axes[0].images[0].get_array()
    expected = np.hypot(ds["psi_real"].values, ds["psi_imag"].values)
    np.testing.assert_allclose(np.asarray(image), expected, rtol=0, atol=0)
    drift = fields.invariant_drift(ds).axes[0]
    assert len(drift.lines) == sum(str(v).endswith("_rel_error") for v in ds.data_vars)
    assert drift.get_yscale() == "log"


def test_field_entropy_figure_needs_the_diagnostics(outputs):
    ds = load_output(outputs["klein_gordon"])
    bare = ds.drop_vars([v for v in ds.data_vars if "entropy" in str(v)])
    assert "entropy" not in standard_figures(bare)
    with pytest.raises(ValueError, match="simsuite analyze"):
        fields.entropy_timeseries(bare)


def test_couzin_entropies_are_computed_when_absent(outputs):
    ds = load_output(outputs["couzin"])
    assert "oceanic_schooling_index" not in ds
    axes = standard_figures(ds)["entropy"].axes[0]
    assert len(axes.lines) == 8  # seven entropies and the OSI


@pytest.mark.parametrize("model", sorted(FIGURES))
def test_plot_command_writes_the_figures(outputs, model, tmp_path, capsys):
    code = main(["plot", str(outputs[model]), "--outdir", str(tmp_path), "--dpi", "40", "--pdf"])
    assert code == 0
    expected = {f"{model}_{name}{s}" for name in FIGURES[model] for s in (".png", ".pdf")}
    assert {p.name for p in tmp_path.iterdir()} == expected
    assert all(p.stat().st_size > 0 for p in tmp_path.iterdir())
    assert capsys.readouterr().out.count("wrote") == len(expected)


def test_save_figures_creates_the_folder(outputs, tmp_path):
    written = save_figures(load_output(outputs["couzin"]), tmp_path / "new" / "dir", "run", dpi=30)
    assert len(written) == len(FIGURES["couzin"]) and all(p.exists() for p in written)


def test_plot_refuses_wrong_files(tmp_path, outputs, capsys):
    text = tmp_path / "notes.nc"
    text.write_text("not a NetCDF file")
    assert main(["plot", str(text)]) == 2
    assert "not a readable NetCDF file" in capsys.readouterr().err
    assert main(["plot", str(tmp_path / "missing.nc")]) == 2
    assert "no such file" in capsys.readouterr().err
    foreign = tmp_path / "foreign.nc"
    load_output(outputs["nlse"]).drop_vars("psi_imag").to_netcdf(foreign)
    assert main(["plot", str(foreign)]) == 2
    assert "psi_imag" in capsys.readouterr().err
    unknown = tmp_path / "unknown.nc"
    load_output(outputs["nlse"]).assign_attrs(model="heat").to_netcdf(unknown)
    assert main(["plot", str(unknown)]) == 2
    assert "model = 'heat'" in capsys.readouterr().err
    assert main(["plot", str(outputs["nlse"]), "--dpi", "0"]) == 2


@pytest.mark.parametrize("model", ["nlse", "couzin"])
def test_animation_has_one_frame_per_snapshot(outputs, model, tmp_path):
    path = animate(
        load_output(outputs[model]), tmp_path / "movie", fmt="gif", max_frames=6, progress=False
    )
    assert path.suffix == ".gif" and path.stat().st_size > 0
    with Image.open(path) as gif:
        assert gif.n_frames == 6  # 6 of the 11 snapshots, first and last included
        assert gif.size == (640, 480)


def test_animate_command(outputs, tmp_path, capsys):
    target = tmp_path / "kg.gif"
    code = main(
        ["animate", str(outputs["klein_gordon"]), "--format", "gif", "--output", str(target)]
        + ["--quiet", "--dpi", "50"]
    )
    assert code == 0
    with Image.open(target) as gif:
        assert gif.n_frames == 11 and gif.size == (320, 240)
    assert main(["animate", str(outputs["nlse"]), "--format", "gif", "--fps", "0"]) == 2
    assert "--fps" in capsys.readouterr().err
    assert main(["animate", str(outputs["nlse"]), "--dpi", "500", "--format", "gif"]) == 2
    assert "1280 px" in capsys.readouterr().err


# -- sweep summaries -------------------------------------------------------------------------------
def _summary(dims: dict[str, np.ndarray], carry: str = "") -> xr.Dataset:
    """A summary shaped like simsuite.sweep's: collected variables on the swept dims and replicate."""
    shape = tuple(len(v) for v in dims.values())
    rng = np.random.default_rng(0)
    coords = {}
    for name, values in dims.items():
        attrs = {} if name in ("branch", "replicate") else {"config_key": f"zones.{name}"}
        coords[name] = (name, values, attrs)
    data = {
        "polarization": (tuple(dims), rng.uniform(0, 1, shape), {"units": "1"}),
        "rotation": (tuple(dims), rng.uniform(0, 1, shape), {"units": "1"}),
        "status": (tuple(dims), np.full(shape, "complete", dtype=object)),
        "wall_time": (tuple(dims), np.ones(shape), {"units": "s"}),
    }
    attrs = {"sweep_toml": "base = 'x'", "title": "simsuite sweep test", "carry_key": carry}
    return xr.Dataset(data, coords=coords, attrs=attrs)


def test_hysteresis_summary_draws_both_branches(tmp_path):
    ds = _summary(
        {
            "branch": np.array(["ascending", "descending"], dtype=object),
            "delta_r_orientation": np.array([0.0, 2.0, 4.0, 6.0]),
            "replicate": np.arange(2),
        },
        carry="zones.delta_r_orientation",
    )
    figures = standard_figures(ds)
    assert set(figures) == {"lines"}
    axes = _main_axes(figures["lines"])
    assert len(axes) == 2  # polarization and rotation
    for ax in axes:
        assert ax.get_xlabel() == "zones.delta_r_orientation" and ax.get_ylabel() and ax.get_title()
        labels = ax.get_legend_handles_labels()[1]
        assert labels == ["ascending", "descending"]
        line = ax.lines[0]  # the mean over the two replicates
        np.testing.assert_allclose(
            line.get_ydata(),
            ds["polarization" if "pol" in ax.get_title() else "rotation"]
            .isel(branch=0)
            .mean("replicate")
            .values,
        )


def test_grid_summary_gets_maps(tmp_path):
    ds = _summary(
        {
            "delta_r_orientation": np.array([0.0, 1.0, 4.0]),
            "delta_r_attraction": np.array([2.0, 14.0]),
            "replicate": np.arange(1),
        }
    )
    path = tmp_path / "summary.nc"
    ds.to_netcdf(path)
    written = save_figures(load_output(path), tmp_path, "summary", dpi=40)
    assert {p.name for p in written} == {
        "summary_lines.png",
        "summary_map_polarization.png",
        "summary_map_rotation.png",
    }
    figure = sweeps.sweep_map(ds, "rotation")
    mesh = figure.axes[0].collections[0]
    np.testing.assert_array_equal(
        np.asarray(mesh.get_array()).reshape(3, 2), ds["rotation"].isel(replicate=0).values
    )


def test_animate_refuses_a_sweep_summary(tmp_path):
    path = tmp_path / "summary.nc"
    _summary({"delta_r_orientation": np.array([0.0, 1.0]), "replicate": np.arange(1)}).to_netcdf(
        path
    )
    assert main(["animate", str(path), "--format", "gif"]) == 2


def _fits(ax, margin: float = 0.05) -> bool:
    """The y-limits hold every line of ``ax`` and exceed their range by at most matplotlib's
    default margins (5 % of the range each side), up to round-off."""
    y = np.concatenate([np.asarray(line.get_ydata(), float) for line in ax.lines])
    low, high = ax.get_ylim()
    span = float(y.max() - y.min())
    slack = 1e-9 * max(1.0, abs(float(y.max())))
    return (
        low <= y.min() + slack
        and high >= y.max() - slack
        and high - low <= span * (1 + 2 * margin) + slack
    )


@pytest.mark.parametrize(
    ("config", "families"),
    [
        ("kg_collision.toml", ["density", "energy", "Rényi", "Tsallis", "spectral"]),
        ("nlse_two_soliton.toml", ["density", "Rényi", "Tsallis", "spectral"]),
    ],
)
def test_entropy_figure_has_one_axes_per_family(tmp_path, config, families):
    """Issue 16 item 9: one axes per entropy family present (the energy entropy only for φ⁴ and
    sine-Gordon), t shared, and each axes scaled to its own data, so that the Tsallis q = 0.5
    curve (≈ 18 for a φ⁴ pair) no longer flattens the others (≈ 1–5)."""
    overrides = {"grid.n_points": 256, "time.n_snapshots": 41, "diagnostics.enabled": True}
    overrides["time.t_final"] = 40.0 if config.startswith("kg") else 4.0
    ds = run(CONFIGS / config, output="", overrides={**overrides, "run.progress": False})
    axes = _main_axes(fields.entropy_timeseries(ds))
    assert len(axes) == len(families)
    for ax, family in zip(axes, families, strict=True):
        assert family in ax.get_title(), (ax.get_title(), family)
        assert ax.lines and _fits(ax), family
        assert axes[0].get_shared_x_axes().joined(axes[0], ax)
    tsallis = axes[families.index("Tsallis")]
    assert len(tsallis.lines) == ds.sizes["q"]
    low, high = tsallis.get_ylim()
    assert high - low < 1.0  # changes since t = 0, not levels 1 and 18 on one axis
