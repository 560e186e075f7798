"""Couzin model: config, order parameters, reproducibility, output, bad input and the four states.

The step rules themselves are tested in test_couzin_kernels.py.
"""

from __future__ import annotations

import numpy as np
import pytest
import tomli_w

from simsuite import open_output
from simsuite.cli import main
from simsuite.config import ConfigError, load_config
from simsuite.diagnostics import schooling
from simsuite.runner import build, run

from .conftest import CONFIGS


def couzin_config(**sections):
    raw = {
        "model": {"name": "couzin"},
        "time": {"t_final": 2.0, "dt": 0.1, "n_snapshots": 5},
        "agents": {"n": 60},
        "output": {"path": ""},
        "run": {"threads": 1, "progress": False},
    }
    for name, table in sections.items():
        raw[name] = {**raw.get(name, {}), **table}
    return raw


# -- order parameters ------------------------------------------------------------------------------
def test_parallel_school_has_polarization_one():
    rng = np.random.default_rng(1)
    pos = rng.normal(size=(50, 3))
    head = np.tile([0.0, 0.6, 0.8], (50, 1))
    assert schooling.polarization(head) == pytest.approx(1.0, abs=1e-15)
    assert schooling.rotation(pos, head) < 1.0


def test_ring_mill_has_rotation_one():
    phi = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    pos = np.stack((5 * np.cos(phi), 5 * np.sin(phi), np.zeros_like(phi)), axis=1)
    head = np.stack((-np.sin(phi), np.cos(phi), np.zeros_like(phi)), axis=1)
    assert schooling.rotation(pos, head) == pytest.approx(1.0, abs=1e-14)
    assert schooling.polarization(head) < 1e-14


def test_periodic_centroid_follows_a_school_across_a_face():
    """A mill straddling the x faces of a periodic box: same M, spread and nearest-neighbour
    distance as the same school unwrapped (the plain mean of wrapped coordinates gets M wrong)."""
    L = 40.0
    phi = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    pos = np.stack((5 * np.cos(phi), 5 * np.sin(phi) + 20, np.full_like(phi, 20)), axis=1)
    head = np.stack((-np.sin(phi), np.cos(phi), np.zeros_like(phi)), axis=1)
    wrapped = np.mod(pos, L)  # centred on x = 0: half the ring sits near x = L
    open_space = schooling.order_parameters(pos, head)
    periodic = schooling.order_parameters(wrapped, head, L)
    for key in ("rotation", "group_spread", "nearest_neighbour_distance", "polarization"):
        assert periodic[key] == pytest.approx(open_space[key], abs=1e-12)
    shift = periodic["centroid"] - [0.0, 20.0, 20.0]
    assert np.allclose(shift - L * np.round(shift / L), 0.0, atol=1e-12)
    naive = schooling.order_parameters(wrapped, head)  # ignores the box
    assert naive["rotation"] < 0.7


# -- the model -------------------------------------------------------------------------------------
def test_canonical_couzin_configs_load_and_state_their_mode():
    names = sorted(p.stem for p in CONFIGS.glob("couzin_*.toml"))
    assert names == [
        "couzin_dk_dynamic_parallel",
        "couzin_dk_highly_parallel",
        "couzin_dk_swarm",
        "couzin_dk_torus",
        "couzin_dynamic_parallel",
        "couzin_highly_parallel",
        "couzin_swarm",
        "couzin_torus",
    ]
    for path in CONFIGS.glob("couzin_*.toml"):
        cfg = load_config(path)
        compat = path.stem.startswith("couzin_dk_")
        assert (cfg.behaviour.turning == "interpolated") == compat
        assert (cfg.domain.kind == "periodic") == compat
        model, _ = build(cfg)
        state = model.initial_state()
        assert state.shape == (2, cfg.agents.n, 3)
        assert np.allclose(np.linalg.norm(state[1], axis=1), 1.0)


def test_dk_torus_reads_the_blind_angle_as_a_half_angle():
    cfg = load_config(CONFIGS / "couzin_dk_torus.toml")
    assert cfg.behaviour.field_of_perception() == 60.0  # 360 - 2 x 150: 6.7 % of the sphere
    params = cfg.step_params()
    assert params.max_turn == 0.2 and params.weighted_sum and params.additive_noise


def test_turn_limit_is_the_turning_rate_times_tau():
    cfg = load_config(couzin_config(behaviour={"turning_rate_deg": 40.0}))
    assert cfg.step_params().max_turn == pytest.approx(np.radians(40.0) * 0.1, rel=1e-15)
    assert cfg.step_params().cos_half_fov == pytest.approx(np.cos(np.radians(135.0)))


def test_zone_widths_and_radii_agree():
    widths = load_config(
        couzin_config(zones={"delta_r_orientation": 0.0, "delta_r_attraction": 10.0})
    )
    radii = load_config(couzin_config(zones={"r_orientation": 1.0, "r_attraction": 11.0}))
    assert widths.step_params() == radii.step_params()
    assert widths.zones.radii() == (1.0, 1.0, 11.0)


def test_same_seed_same_output_for_one_and_two_threads():
    one = run(load_config(couzin_config(run={"threads": 1})), output="")
    two = run(load_config(couzin_config(run={"threads": 2})), output="")
    np.testing.assert_array_equal(one.position.values, two.position.values)
    np.testing.assert_array_equal(one.velocity.values, two.velocity.values)
    other = run(load_config(couzin_config(run={"seed": 7})), output="")
    assert not np.array_equal(one.position.values, other.position.values)


def test_output_variables_and_thinning(workdir):
    raw = couzin_config(
        time={"t_final": 3.0, "dt": 0.1},
        output={"path": "school.nc", "save_every": 10, "float32": True},
        domain={"kind": "periodic", "box_size": 40.0},
        zones={"delta_r_attraction": 10.0},
    )
    (workdir / "school.toml").write_text(tomli_w.dumps(raw))
    assert main(["run", str(workdir / "school.toml"), "--quiet"]) == 0
    ds = open_output(workdir / "school.nc")
    assert list(ds.t.values) == pytest.approx([0.0, 1.0, 2.0, 3.0])
    assert ds.position.dims == ("t", "agent", "dim") and ds.position.dtype == np.float32
    assert ds.velocity.shape == (4, 60, 3)
    speeds = np.linalg.norm(ds.velocity.values.astype(float), axis=-1)
    assert np.allclose(speeds, 3.0, rtol=1e-6)
    assert np.all((ds.position.values >= 0) & (ds.position.values < 40.0))
    for name in (
        "polarization",
        "rotation",
        "centroid",
        "group_spread",
        "nearest_neighbour_distance",
    ):
        assert name in ds
    assert "polarization_rel_error" not in ds
    assert ds.attrs["r_attraction"] == 13.0 and ds.attrs["domain"] == "periodic"


def test_from_file_continues_a_run_bitwise(workdir):
    """Positions and headings from a file restart the school exactly (noise aside: σ = 0)."""
    base = {"behaviour": {"noise_sd": 0.0}, "time": {"t_final": 2.0, "n_snapshots": 3}}
    full = run(load_config(couzin_config(**{**base, "time": {"t_final": 4.0, "n_snapshots": 5}})))
    first = couzin_config(**base, output={"path": str(workdir / "first.nc")})
    run(load_config(first))
    second = couzin_config(
        **base, initial_condition={"type": "from_file", "path": str(workdir / "first.nc")}
    )
    cont = run(load_config(second), output="")
    np.testing.assert_allclose(cont.position[-1], full.position[-1], rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "change, key",
    [
        ({"zones": {"r_repulsion": 3.0, "r_orientation": 2.0}}, "zones.r_orientation"),
        ({"behaviour": {"field_of_perception_deg": 400.0}}, "behaviour.field_of_perception_deg"),
        ({"behaviour": {"field_of_perception_deg": 0.0}}, "behaviour.field_of_perception_deg"),
        ({"agents": {"speed": -1.0}}, "agents.speed"),
        ({"agents": {"n": 0}}, "agents.n"),
        ({"domain": {"kind": "periodic", "box_size": 20.0}}, "domain.box_size"),
        (
            {"behaviour": {"blind_angle_deg": 30.0, "field_of_perception_deg": 300.0}},
            "behaviour.blind_angle_deg",
        ),
        (
            {"behaviour": {"max_turn_per_step": 0.3, "turning_rate_deg": 90.0}},
            "behaviour.max_turn_per_step",
        ),
        ({"behaviour": {"orientation_weight": 0.1}}, "behaviour.orientation_weight"),
        ({"time": {"t_final": 2.05}}, "time.t_final"),
        ({"time": {"n_snapshots": 4}}, "time.n_snapshots"),
        ({"integrator": {"method": "dop853"}}, "integrator.method"),
    ],
)
def test_bad_input_exits_2_naming_the_key(workdir, capsys, change, key):
    raw = couzin_config(**change)
    raw["output"]["path"] = "bad.nc"
    (workdir / "bad.toml").write_text(tomli_w.dumps(raw))
    assert main(["run", str(workdir / "bad.toml"), "--quiet"]) == 2
    assert key in capsys.readouterr().err
    assert not (workdir / "bad.nc").exists()


def test_oversized_output_is_refused_before_the_run(workdir, capsys):
    raw = couzin_config(agents={"n": 1000}, output={"path": "big.nc", "max_bytes": 1e5})
    (workdir / "big.toml").write_text(tomli_w.dumps(raw))
    assert main(["run", str(workdir / "big.toml"), "--quiet"]) == 2
    assert "output.max_bytes" in capsys.readouterr().err
    assert not (workdir / "big.nc").exists()


def test_default_widths_are_rejected_with_an_impossible_box():
    with pytest.raises(ConfigError, match="domain.box_size"):
        load_config(couzin_config(domain={"kind": "periodic", "box_size": 10.0}))


# -- the four collective states (Couzin 2002, faithful mode) ---------------------------------------
STATES = {
    "couzin_swarm": lambda P, M: P < 0.3 and M < 0.35,
    "couzin_torus": lambda P, M: M > 0.6,
    "couzin_dynamic_parallel": lambda P, M: P > 0.6,
    "couzin_highly_parallel": lambda P, M: P > 0.97,
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(STATES))
def test_canonical_states_appear_from_random_starts(name):
    """P and M averaged over the last 500 of 3000 steps; the state must appear for at least 2 of
    3 seeds."""
    hits = []
    for seed in (1, 2, 3):
        cfg = load_config(
            CONFIGS / f"{name}.toml",
            {"output.path": "", "run.seed": seed, "run.progress": False},
        )
        ds = run(cfg, output="")
        late = ds.t >= ds.t[-1] - 50.0
        P = float(ds.polarization.where(late, drop=True).mean())
        M = float(ds.rotation.where(late, drop=True).mean())
        hits.append(STATES[name](P, M))
    assert sum(hits) >= 2, hits
