"""Config loading: defaults, validation messages, overrides, round trip to TOML."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simsuite.config import ConfigError, describe, load_config, parse_override, replace, to_toml
from simsuite.models.klein_gordon.model import KGConfig
from simsuite.models.nlse.model import NLSEConfig

from .conftest import CONFIGS, SMALL_NLSE, write_config


def test_canonical_configs_load():
    names = sorted(p.stem for p in CONFIGS.glob("*.toml") if not p.stem.startswith("couzin"))
    assert names == [
        "kg2d_sine_gordon_ring",
        "kg3d_phi4_oscillon",
        "kg_breather",
        "kg_collision",
        "kg_kink",
        "kg_linear_wave",
        "kg_sg_kink_antikink",
        "nlse2d_townes_collapse",
        "nlse2d_townes_spreading",
        "nlse2d_vortex_trap",
        "nlse_breather",
        "nlse_modulation_instability",
        "nlse_peregrine",
        "nlse_single_soliton",
        "nlse_two_soliton",
    ]
    for path in CONFIGS.glob("[kn]*.toml"):  # the couzin ones: test_couzin.py
        cfg = load_config(path)
        expected = NLSEConfig if path.stem.startswith("nlse") else KGConfig
        assert isinstance(cfg, expected)
        assert cfg.output.path == f"outputs/{path.stem}.nc"


def test_defaults_fill_missing_keys():
    cfg = load_config({"model": {"name": "nlse"}})
    assert cfg.grid.n_points == 512 and cfg.grid.x_min == -25.0
    assert cfg.integrator.method == "dop853"
    assert cfg.initial_condition.type_name == "single_soliton"
    assert cfg.time.t_final == 20.0


def test_int_accepted_for_float_but_not_float_for_int():
    cfg = load_config({"model": {"name": "nlse"}, "time": {"t_final": 3}})
    assert cfg.time.t_final == 3.0 and isinstance(cfg.time.t_final, float)
    with pytest.raises(ConfigError, match=r"grid\.n_points = 512\.0: must be integer"):
        load_config({"model": {"name": "nlse"}, "grid": {"n_points": 512.0}})


@pytest.mark.parametrize(
    ("raw", "key", "fragment"),
    [
        ({"grid": {"n_points": -4}}, "grid.n_points", "≥ 4"),
        ({"grid": {"n_point": 256}}, "grid.n_point", "did you mean 'n_points'"),
        ({"tme": {"t_final": 1.0}}, "tme", "did you mean 'time'"),
        ({"time": {"t_final": "long"}}, "time.t_final", "must be float > 0"),
        ({"time": {"t_final": math.nan}}, "time.t_final", "finite"),
        ({"time": {"dt": 5.0, "t_final": 1.0}}, "time.dt", "must not exceed"),
        ({"run": {"progress": 1}}, "run.progress", "boolean"),
        ({"integrator": {"method": "verlet"}}, "integrator.method", "for the nlse model"),
        ({"integrator": {"method": "dop835"}}, "integrator.method", "did you mean 'dop853'"),
        ({"grid": {"dealias": "2/3"}}, "grid.dealias", "one of"),
        ({"grid": {"x_min": 5.0, "x_max": 1.0}}, "grid.x_max", "greater than grid.x_min"),
        ({"grid": 3}, "grid", "must be a table"),
        ({"initial_condition": {"type": "solitn"}}, "initial_condition.type", "single_soliton"),
        (
            {"initial_condition": {"type": "peregrine", "eta": 1.0}},
            "initial_condition.eta",
            "unknown key for type 'peregrine'",
        ),
        (
            {"initial_condition": {"type": "akhmediev_breather", "a": 0.7}},
            "initial_condition.a",
            "< 0.5",
        ),
        ({"grid": {"fit_periods": 3}}, "grid.fit_periods", "periodic initial condition"),
        ({"grid": {"boundary": "neumann"}}, "grid.boundary", "the nlse model supports periodic"),
        ({"grid": {"winding": 1}}, "grid.winding", "the nlse model takes no winding"),
        (
            {"initial_condition": {"type": "expression", "psi": "__import__('os')"}},
            "initial_condition.psi",
            "not allowed",
        ),
    ],
)
def test_bad_values_name_key_value_and_allowed(raw, key, fragment):
    raw = {"model": {"name": "nlse"}, **raw}
    with pytest.raises(ConfigError) as info:
        load_config(raw)
    assert info.value.key == key
    assert fragment in str(info.value)
    assert str(info.value).startswith("<dict>: " + key)


@pytest.mark.parametrize(
    "grid, key, fragment",
    [
        ({"fit_periods": 2}, "grid.fit_periods", "periodic initial condition; 'gaussian'"),
        ({"winding": 1, "boundary": "neumann"}, "grid.winding", "needs grid.boundary"),
        ({"x_min": 1.0, "x_max": 1.0}, "grid.x_max", "greater than grid.x_min"),
    ],
)
def test_one_grid_section_checked_for_klein_gordon(grid, key, fragment):
    """The [grid] section is the same class for every field model; each model says what it
    supports (Klein-Gordon: every boundary and windings, no periodic initial condition)."""
    with pytest.raises(ConfigError) as info:
        load_config({"model": {"name": "klein_gordon"}, "grid": grid})
    assert info.value.key == key
    assert fragment in str(info.value)


def test_grid_defaults_are_the_models_own():
    kg = load_config({"model": {"name": "klein_gordon"}})
    nlse = load_config({"model": {"name": "nlse"}})
    assert type(kg.grid) is type(nlse.grid)
    assert (kg.grid.x_min, kg.grid.x_max) == (-30.0, 30.0)
    assert (nlse.grid.x_min, nlse.grid.x_max) == (-25.0, 25.0)


def test_unknown_model_lists_known():
    with pytest.raises(
        ConfigError, match="model.name = 'nls': must be one of couzin, klein_gordon, nlse"
    ):
        load_config({"model": {"name": "nls"}})
    with pytest.raises(ConfigError, match="model.name: must be one of"):
        load_config({})


def test_file_errors_name_the_file(tmp_path):
    with pytest.raises(ConfigError, match="missing.toml: file: no such file"):
        load_config(tmp_path / "missing.toml")
    bad = write_config(tmp_path / "bad.toml", "[model\nname = 'nlse'")
    with pytest.raises(ConfigError, match="bad.toml: TOML: malformed"):
        load_config(bad)


def test_overrides_and_parse(tmp_path):
    path = write_config(tmp_path / "c.toml", SMALL_NLSE)
    key, value = parse_override("time.t_final=5")
    assert (key, value) == ("time.t_final", 5)
    assert parse_override("grid.dealias=half") == ("grid.dealias", "half")
    assert parse_override('model.label="a b"') == ("model.label", "a b")
    cfg = load_config(path, {key: value, "grid.dealias": "half"})
    assert cfg.time.t_final == 5.0 and cfg.grid.dealias == "half"
    with pytest.raises(ConfigError, match="overrides are written key=value"):
        parse_override("time.t_final")


def test_resolved_toml_round_trip(tmp_path):
    cfg = load_config(write_config(tmp_path / "c.toml", SMALL_NLSE))
    again = load_config(write_config(tmp_path / "again.toml", to_toml(cfg)))
    assert dataclasses.replace(again, source=cfg.source) == cfg
    changed = replace(cfg, **{"grid.n_points": 128})
    assert changed.grid.n_points == 128 and changed.time == cfg.time


def test_every_key_is_documented():
    rows = describe(NLSEConfig)
    keys = {r.key for r in rows}
    assert {
        "grid.n_points",
        "time.dt",
        "initial_condition[peregrine].t0",
        "equation.nonlinearity",
    } <= keys
    for row in rows:
        assert row.doc and row.allowed, row.key


@settings(max_examples=200, deadline=None)
@given(
    section=st.sampled_from(["time", "grid", "integrator", "run", "output", "equation", "zzz"]),
    key=st.sampled_from(
        ["t_final", "dt", "n_points", "method", "seed", "x_min", "nonlinearity", "ü"]
    ),
    value=st.one_of(
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=5),
        st.booleans(),
        st.lists(st.integers(), max_size=2),
        st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    ),
)
def test_fuzzed_values_give_config_errors_or_configs(section, key, value):
    raw = {"model": {"name": "nlse"}, section: {key: value}}
    try:
        load_config(raw)
    except ConfigError as exc:
        assert exc.key  # every rejection names a key
