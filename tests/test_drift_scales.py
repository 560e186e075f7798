"""Drifts relative to each invariant's natural scale (issue 16, item 6): ``<name>_rel_error`` is
(I − I0)/s with s evaluated on the initial state, never |I0| when I0 is round-off."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import simsuite
from simsuite.config import load_config
from simsuite.io.checkpoint import checkpoint_path, read_checkpoint, write_checkpoint
from simsuite.models import get_model
from simsuite.runner import SCALE

from .conftest import CONFIGS, SMALL_NLSE, interrupt_after, write_config


def _model(text: str, tmp_path, overrides: dict | None = None):
    cfg = load_config(write_config(tmp_path / "case.toml", text), overrides or {})
    return get_model(cfg.model.name).from_config(cfg)


def test_nlse_soliton_invariants_and_scales(tmp_path):
    """Bright soliton ψ = η sech(ηx) e^{ivx}: N = 2η, P = N v, K = ∫|ψ_x|² = ⅔η³ + 2ηv²,
    ∫|ψ|⁴ = (4/3)η³, so H = ηv² − η³/3 and the scales are N, √(N K), ½K + ½∫|ψ|⁴ = η³ + ηv².
    The sech tails are e^{-2·25} ≈ 2e-22 at the ends of [-25, 25], so spectral sums are exact to
    round-off: rtol 1e-12."""
    eta, v = 2.0, 1.0
    model = _model(SMALL_NLSE, tmp_path, {"initial_condition.x0": 0.0, "grid.n_points": 512})
    state = model.initial_state()
    inv, scales = model.invariants(state), model.invariant_scales(state)
    mass, kinetic2 = 2 * eta, 2 * eta**3 / 3 + 2 * eta * v**2
    expected = {"mass": mass, "momentum": mass * v, "energy": eta * v**2 - eta**3 / 3}
    for name, value in expected.items():
        assert inv[name] == pytest.approx(value, rel=1e-12), name
    assert scales["mass"] == pytest.approx(mass, rel=1e-12)
    assert scales["momentum"] == pytest.approx(np.sqrt(mass * kinetic2), rel=1e-12)
    assert scales["energy"] == pytest.approx(eta**3 + eta * v**2, rel=1e-12)


KG_CUSTOM = """
[model]
name = "klein_gordon"
[time]
t_final = 1.0
dt = 0.01
[grid]
x_min = -20.0
x_max = 20.0
n_points = 256
[potential]
name = "custom"
V = "0.5*phi**2 - 0.25*phi**4"
dV = "phi - phi**3"
vacuum = 0.0
[initial_condition]
type = "gaussian"
amplitude = 2.0
width = 2.0
velocity = 0.4
"""


@pytest.mark.parametrize(
    ("config", "overrides"),
    [
        ("nlse_two_soliton.toml", {}),
        ("nlse_two_soliton.toml", {"equation.nonlinearity": -1.0}),
        ("nlse_modulation_instability.toml", {}),
        ("kg_collision.toml", {}),
        ("kg_breather.toml", {}),
        ("kg_sg_kink_antikink.toml", {}),
        ("kg_linear_wave.toml", {}),
    ],
)
def test_scale_bounds_the_invariant(config, overrides):
    """Every scale is positive and at least |I| (Cauchy–Schwarz for the NLSE momentum,
    |φ_t φ_x| ≤ ½(φ_t² + φ_x²) for the Klein–Gordon one), as the same discrete sums; for V ≥ 0
    the Klein–Gordon scale is the energy itself, bit for bit. The topological charge has scale 1
    (a unit: its drift is absolute)."""
    cfg = load_config(CONFIGS / config, overrides)
    model = get_model(cfg.model.name).from_config(cfg)
    state = model.initial_state()
    inv, scales = model.invariants(state), model.invariant_scales(state)
    assert set(scales) == {n for n, s in model.variables().items() if s.dims == ("t",)}
    for name, scale in scales.items():
        assert scale > 0, name
        if name != "topological_charge":
            assert scale >= abs(inv[name]), (name, scale, inv[name])
    if cfg.model.name == "klein_gordon":
        assert scales["energy"] == inv["energy"] == scales["momentum"]
        assert scales.get("topological_charge", 1.0) == 1.0


def test_kg_energy_scale_counts_a_negative_potential(tmp_path):
    """V = φ²/2 − φ⁴/4 is negative for |φ| > √2: E_s = E + ∫(|V| − V) dx exceeds E (and |E|)."""
    model = _model(KG_CUSTOM, tmp_path)
    state = model.initial_state()
    phi = state[0]
    v = 0.5 * phi**2 - 0.25 * phi**4
    energy = model.invariants(state)["energy"]
    scales = model.invariant_scales(state)
    negative = float(np.sum(v[v < 0]) * model.basis.dx)
    assert negative < -1e-3  # the case does test a negative potential
    assert scales["energy"] == pytest.approx(energy - 2 * negative, rel=1e-13)
    assert scales["momentum"] == scales["energy"] >= abs(energy)


def test_kg_collision_momentum_drift_is_round_off(workdir):
    """The pair has P0 = −8.8e-18 (round-off of a symmetric state), so the old (P − P0)/|P0| was
    1e0–1e3. The spectral semi-discretisation on a periodic grid conserves P exactly (translation
    invariance) and Yoshida-4 preserves it too (a linear invariant of a symplectic Runge–Kutta–
    Nyström composition), so (P − P0)/E_s is round-off: measured 6.5e-16 over the 5000 steps to
    t = 100; the bound 1e-12 leaves three decades for other FFT libraries and thread counts."""
    ds = simsuite.run(CONFIGS / "kg_collision.toml", output="", overrides={"run.progress": False})
    drift = ds["momentum_rel_error"]
    assert float(np.abs(drift).max()) < 1e-12
    assert drift.attrs["natural_scale"] == float(ds["energy"][0])  # V ≥ 0: E_s = E
    assert "natural scale" in drift.attrs["long_name"]
    assert "E_s" in drift.attrs["natural_scale_definition"]
    momentum = ds["momentum"].values
    assert abs(momentum[0]) < 1e-15  # what the old definition divided by
    np.testing.assert_array_equal(
        drift.values, (momentum - momentum[0]) / drift.attrs["natural_scale"]
    )
    charge = ds["topological_charge_rel_error"]
    assert charge.attrs["natural_scale"] == 1.0
    np.testing.assert_array_equal(
        charge.values, ds["topological_charge"].values - ds["topological_charge"].values[0]
    )


def test_zero_field_gets_an_absolute_drift(workdir):
    """ψ = 0 has every scale 0: the runner divides by 1 (an absolute drift), never by 0."""
    cfg = write_config(
        workdir / "zero.toml",
        SMALL_NLSE.replace('type = "single_soliton"', 'type = "expression"\npsi = "0*x"')
        .replace("eta = 2.0\n", "")
        .replace("velocity = 1.0\n", "")
        .replace("x0 = -10.0\n", ""),
    )
    ds = simsuite.run(cfg, output="", overrides={"run.progress": False})
    for name in ("mass", "momentum", "energy"):
        assert ds[f"{name}_rel_error"].attrs["natural_scale"] == 1.0
        np.testing.assert_array_equal(ds[f"{name}_rel_error"].values, 0.0)


def test_restart_from_a_checkpoint_without_scales(tmp_path, monkeypatch):
    """A checkpoint written before the scales existed holds only the initial values: the restart
    takes the scales from the initial state (the same numbers) and equals the whole run."""
    overrides = {
        "grid.n_points": 256,
        "time.t_final": 4.0,
        "time.n_snapshots": 9,
        "output.checkpoint_every": 2,
        "run.progress": False,
    }
    config = CONFIGS / "kg_collision.toml"
    whole = simsuite.run(config, output=tmp_path / "whole.nc", overrides=overrides)
    path = tmp_path / "broken.nc"
    with monkeypatch.context() as patch:
        interrupt_after(patch, 6)
        with pytest.raises(KeyboardInterrupt):
            simsuite.run(config, output=path, overrides=overrides)
    sidecar = checkpoint_path(path)
    saved = read_checkpoint(sidecar)
    assert saved.reference[SCALE + "momentum"] == float(whole["energy"][0])
    saved.reference = {k: v for k, v in saved.reference.items() if not k.startswith(SCALE)}
    write_checkpoint(sidecar, saved)
    restarted = simsuite.run(config, restart=path, overrides=overrides)
    xr.testing.assert_identical(restarted.drop_attrs(), whole.drop_attrs())
