"""CF-valid units: every variable and coordinate of a run file of each model, the diagnostics of
``simsuite analyze`` and the coordinates a sweep summary would write for any config key carry a
``units`` attribute that udunits parses (checked with ``cf_units``, the udunits-2 binding of the
CF conventions). Units udunits does not know (body lengths, model units) are ``"1"`` with a
``long_name`` that says what the number is in."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from simsuite import run
from simsuite.config import describe
from simsuite.models import Model, get_model
from simsuite.plotting.common import time_label
from simsuite.sweep.spec import coordinate_attrs
from tests.conftest import CONFIGS

cf_units = pytest.importorskip("cf_units")

TINY = {
    "nlse": ("nlse_two_soliton.toml", {"grid.n_points": 64, "time.t_final": 0.2}),
    "klein_gordon": ("kg_kink.toml", {"grid.n_points": 64, "time.t_final": 0.2}),
    "couzin": ("couzin_torus.toml", {"agents.n": 12, "time.t_final": 1.0}),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, xr.Dataset]:
    """A tiny run of each model, written to NetCDF and read back (3 snapshots)."""
    folder = tmp_path_factory.mktemp("units")
    out = {}
    for model, (name, overrides) in TINY.items():
        path = folder / f"{model}.nc"
        run(CONFIGS / name, output=path, overrides={**overrides, "time.n_snapshots": 3})
        with xr.open_dataset(path) as ds:
            out[model] = ds.load()
    return out


def _assert_cf_units(ds: xr.Dataset) -> None:
    for name in list(ds.data_vars) + list(ds.coords):
        units = ds[name].attrs.get("units")
        assert units is not None, f"{name} has no units"
        try:
            cf_units.Unit(units)
        except ValueError as exc:
            raise AssertionError(f"{name}: units {units!r} do not parse ({exc})") from None
        assert ds[name].attrs.get("long_name"), f"{name} has no long_name"


@pytest.mark.parametrize("model", sorted(TINY))
def test_every_variable_of_a_run_file_has_udunits_units(files, model):
    _assert_cf_units(files[model])


@pytest.mark.parametrize("model", sorted(TINY))
def test_an_in_memory_run_has_the_same_attributes(files, model):
    name, overrides = TINY[model]
    memory = run(CONFIGS / name, output="", overrides={**overrides, "time.n_snapshots": 3})
    for var in list(memory.data_vars) + list(memory.coords):
        assert memory[var].attrs.get("units") == files[model][var].attrs.get("units"), var
        assert memory[var].attrs.get("long_name") == files[model][var].attrs.get("long_name")


def test_time_and_space_say_what_they_are_in(files):
    couzin, nlse, kg = files["couzin"], files["nlse"], files["klein_gordon"]
    assert couzin["t"].attrs["units"] == "s" and "seconds" in couzin["t"].attrs["long_name"]
    assert cf_units.Unit(couzin["t"].attrs["units"]).is_convertible(cf_units.Unit("minutes"))
    for ds in (nlse, kg):
        assert ds["t"].attrs == {"long_name": "dimensionless time", "units": "1", "axis": "T"}
        assert ds["x"].attrs == {"long_name": "position (dimensionless)", "units": "1"}
    for name in ("position", "centroid", "group_spread", "nearest_neighbour_distance"):
        assert couzin[name].attrs["units"] == "1"
        assert "in body lengths" in couzin[name].attrs["long_name"], name
    assert couzin["velocity"].attrs["units"] == "s-1"
    assert "body lengths per second" in couzin["velocity"].attrs["long_name"]


def test_figure_labels_read_well(files):
    assert time_label(files["couzin"]) == "t [s]"
    assert time_label(files["nlse"]) == time_label(files["klein_gordon"]) == "t"


def test_schooling_diagnostics_have_udunits_units(files):
    from simsuite.analyze import diagnostics_for

    diagnostics = diagnostics_for(files["couzin"])
    assert diagnostics
    _assert_cf_units(xr.Dataset(diagnostics))
    distances = [n for n in diagnostics if n.startswith("nearest_neighbour_distance")]
    for name in distances:
        assert "in body lengths" in diagnostics[name].attrs["long_name"]


@pytest.mark.parametrize("model", sorted(Model.registry))
def test_sweep_coordinates_of_every_config_key_have_udunits_units(model):
    """A sweep summary's coordinate of a swept key: the key's documented unit made CF-valid."""
    for row in describe(get_model(model).config_class):
        attrs = coordinate_attrs(row.key, row.unit)
        cf_units.Unit(attrs["units"])  # raises ValueError when udunits cannot parse it
        assert attrs["long_name"].startswith(row.key)
        if attrs["units"] == "1" and row.unit not in ("", "1"):
            assert row.unit in attrs["long_name"] or "dimensionless" in attrs["long_name"]


def test_body_lengths_are_named_in_the_sweep_coordinate():
    attrs = coordinate_attrs("zones.r_repulsion", "body lengths")
    assert attrs == {"long_name": "zones.r_repulsion (in body lengths)", "units": "1"}
    assert np.isclose(cf_units.Unit("degree s-1").convert(180.0, cf_units.Unit("rad s-1")), np.pi)


@pytest.mark.parametrize("name", ["couzin_phase_diagram", "kg_kink_antikink_speed"])
def test_every_numeric_variable_of_a_sweep_summary_has_udunits_units(name):
    from simsuite.sweep.execute import build_summary
    from simsuite.sweep.spec import load_sweep

    summary = build_summary(load_sweep(CONFIGS / "sweeps" / f"{name}.toml"), {})
    numeric = [n for n in [*summary.data_vars, *summary.coords] if summary[n].dtype.kind in "fiu"]
    _assert_cf_units(summary[numeric])
