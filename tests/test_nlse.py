"""NLSE physics: exact solutions, convergence orders, collisions, modulation instability, invariants.

Every tolerance below is stated against a closed-form result (see simsuite.models.nlse.exact); the
measured values at the time of writing are given in comments so a regression is visible.
"""

from __future__ import annotations

import numpy as np
import pytest

from simsuite.config import ConfigError, load_config
from simsuite.models.nlse.exact import (
    akhmediev_breather,
    bright_soliton,
    collision_shift,
    kuznetsov_ma,
    mi_growth_rate,
    peregrine,
)
from simsuite.models.nlse.model import NLSE, nlse_invariants
from simsuite.runner import build, run

ALL_METHODS = ["dop853", "dopri5", "rk4ip", "ssf2", "ssf4", "ssf6"]


def nlse_config(**keys):
    """An NLSE config from dotted keys (``grid__n_points=256`` → ``grid.n_points``)."""
    raw = {"model": {"name": "nlse"}, "output": {"path": ""}, "run": {"progress": False}}
    for dotted, value in keys.items():
        section, key = dotted.split("__")
        raw.setdefault(section, {})[key] = value
    return load_config(raw)


def evolve(cfg, t_final: float) -> tuple[NLSE, np.ndarray]:
    """ψ(x, t_final) and the model, advancing directly (no output)."""
    model, stepper = build(cfg)
    state, _ = stepper.advance(model.initial_state(), 0.0, t_final)
    return model, model.psi(state)


SOLITON = {
    "initial_condition__type": "single_soliton",
    "initial_condition__eta": 2.0,
    "initial_condition__velocity": 1.0,
    "initial_condition__x0": -10.0,
}


def soliton_error(method: str, t_final: float = 20.0, **keys) -> float:
    cfg = nlse_config(integrator__method=method, time__t_final=t_final, **{**SOLITON, **keys})
    model, psi = evolve(cfg, t_final)
    return float(np.max(np.abs(psi - bright_soliton(model.grid.x, t_final, 2.0, 1.0, -10.0))))


# -- exact solutions --------------------------------------------------------------------------------
def test_soliton_dop853_near_round_off():
    # measured 2.6e-12 at rtol 1e-12 (acceptance: 1e-9)
    assert soliton_error("dop853", integrator__rtol=1e-12, integrator__atol=1e-14) <= 1e-9


def test_soliton_dop853_default_tolerance_design_case():
    # DESIGN.md: 512 points on [-25, 25], rtol 1e-10, t = 20: near round-off
    assert soliton_error("dop853", integrator__rtol=1e-10, integrator__atol=1e-12) <= 1e-8


def test_soliton_ssf4():
    # measured ~2e-9 at dt = 1e-3 (acceptance: 1e-7)
    assert soliton_error("ssf4", time__dt=1e-3) <= 1e-7


@pytest.mark.parametrize(
    ("method", "tolerance"),
    # measured: 2.6e-11, 7.0e-10, 3.8e-9, 9.4e-5, 1.4e-9, 1.2e-11 (ssf2 is second order)
    [
        ("dop853", 1e-8),
        ("dopri5", 1e-8),
        ("rk4ip", 1e-7),
        ("ssf2", 2e-4),
        ("ssf4", 1e-7),
        ("ssf6", 1e-8),
    ],
)
def test_every_method_follows_the_soliton(method, tolerance):
    assert soliton_error(method, t_final=2.0, time__dt=2e-3) <= tolerance


# The rational tails ~1/x² do not fit a periodic box: far from the centre the box limits the error
# (measured max 6.7e-5 at the peak and 7.8e-4 at exact time 3 on [-100, 100); 8.4e-6 and 9.8e-5 on
# [-200, 200)). In the core |x| < 10 the solver is accurate: measured 1.5e-7 and 3.7e-8.
CORE_TOL, BOX_TOL = 1e-6, 2e-3


def test_peregrine_against_exact():
    cfg = nlse_config(
        initial_condition__type="peregrine",
        initial_condition__t0=-3.0,
        grid__x_min=-100.0,
        grid__x_max=100.0,
        grid__n_points=2048,
        integrator__rtol=1e-11,
        integrator__atol=1e-13,
        time__t_final=6.0,
    )
    model, stepper = build(cfg)
    state, t = stepper.advance(model.initial_state(), 0.0, 3.0)  # exact time 0: the peak
    peak = model.psi(state)
    state, t = stepper.advance(state, t, 6.0)  # exact time 3
    x = model.grid.x
    core = np.abs(x) < 10.0
    later = model.psi(state)
    assert abs(np.max(np.abs(peak)) - 3.0) < CORE_TOL  # the rogue wave reaches |ψ| = 3
    assert np.max(np.abs(peak - peregrine(x, 0.0))[core]) < CORE_TOL
    assert np.max(np.abs(later - peregrine(x, 3.0))[core]) < CORE_TOL
    assert np.max(np.abs(later - peregrine(x, 3.0))) < BOX_TOL


def test_akhmediev_breather_against_exact():
    cfg = nlse_config(
        initial_condition__type="akhmediev_breather",
        initial_condition__a=0.25,
        initial_condition__t0=-3.0,
        grid__fit_periods=4,
        grid__n_points=256,
        integrator__rtol=1e-12,
        integrator__atol=1e-14,
        time__t_final=6.0,
    )
    model, psi = evolve(cfg, 6.0)
    assert np.max(np.abs(psi - akhmediev_breather(model.grid.x, 3.0, 0.25))) < 1e-8


def test_satsuma_yajima_two_soliton_breather_period():
    # ψ(x, 0) = 2 sech x: |ψ| returns to itself after π/2 (Satsuma & Yajima 1974)
    cfg = nlse_config(
        initial_condition__type="sech",
        initial_condition__amplitude=2.0,
        grid__x_min=-20.0,
        grid__x_max=20.0,
        grid__n_points=512,
        integrator__rtol=1e-12,
        integrator__atol=1e-14,
    )
    model, psi_half = evolve(cfg, np.pi / 4)
    _, psi_period = evolve(cfg, np.pi / 2)
    start = np.abs(model.psi0)
    assert np.max(np.abs(np.abs(psi_period) - start)) < 1e-8
    assert np.max(np.abs(np.abs(psi_half) - start)) > 0.5  # it really breathes in between


# -- convergence orders ------------------------------------------------------------------------------
def _slope(dts, errors) -> float:
    return float(np.polyfit(np.log(dts), np.log(errors), 1)[0])


@pytest.mark.parametrize(
    ("method", "order", "dts"),
    [
        ("ssf2", 2, [0.04, 0.02, 0.01, 0.005]),
        ("rk4ip", 4, [0.04, 0.02, 0.01, 0.005]),
        ("ssf4", 4, [0.04, 0.02, 0.01, 0.005]),
        ("ssf6", 6, [0.05, 0.025, 0.0125, 0.00625]),  # measured slope 5.75
    ],
)
def test_fixed_step_convergence_order(method, order, dts):
    # 512 points: the spatial error (~3e-11) stays below the smallest time-stepping error
    errors = [soliton_error(method, t_final=1.0, time__dt=dt) for dt in dts]
    assert min(errors) > 1e-12, errors  # still above round-off, so the slope means something
    assert abs(_slope(dts, errors) - order) <= 0.3, errors


def test_spectral_convergence_in_n_points():
    errors = [
        soliton_error(
            "dop853", t_final=1.0, grid__n_points=n, integrator__rtol=1e-13, integrator__atol=1e-15
        )
        for n in (128, 256, 384, 512)
    ]
    # exponential: equal steps in n gain equal factors (~e^{-πΔk/2η}), not a power of n
    assert errors[-1] < 1e-9, errors
    ratios = [a / b for a, b in zip(errors, errors[1:], strict=False)]
    assert min(ratios) > 100, errors


# -- two-soliton collision ---------------------------------------------------------------------------
def _soliton_moments(x, psi, window):
    """Mass 2η, velocity P/N and centre ∫x|ψ|²/N of the soliton inside ``window``."""
    sel = (x > window[0]) & (x < window[1])
    dx = x[1] - x[0]
    density = np.abs(psi) ** 2
    mass = density[sel].sum() * dx
    k = 2 * np.pi * np.fft.fftfreq(x.size, dx)
    psi_x = np.fft.ifft(1j * k * np.fft.fft(psi))
    momentum = np.imag(np.conj(psi[sel]) * psi_x[sel]).sum() * dx
    return mass / 2.0, momentum / mass, (x[sel] * density[sel]).sum() * dx / mass


def test_two_soliton_collision_shifts():
    eta1, v1, x1, eta2, v2, x2 = 2.0, 2.0, -10.0, 1.5, -2.0, 10.0
    cfg = nlse_config(
        initial_condition__type="two_soliton",
        initial_condition__eta1=eta1,
        initial_condition__velocity1=v1,
        initial_condition__x1=x1,
        initial_condition__eta2=eta2,
        initial_condition__velocity2=v2,
        initial_condition__x2=x2,
        grid__x_min=-40.0,
        grid__x_max=40.0,
        grid__n_points=2048,
        integrator__rtol=1e-12,
        integrator__atol=1e-14,
    )
    t = 10.0
    model, psi = evolve(cfg, t)
    x = model.grid.x
    eta_a, vel_a, pos_a = _soliton_moments(x, psi, (0.0, 30.0))
    eta_b, vel_b, pos_b = _soliton_moments(x, psi, (-30.0, 0.0))
    assert eta_a == pytest.approx(eta1, abs=1e-6) and eta_b == pytest.approx(eta2, abs=1e-6)
    assert vel_a == pytest.approx(v1, abs=1e-6) and vel_b == pytest.approx(v2, abs=1e-6)
    shift_a = pos_a - (x1 + v1 * t)
    shift_b = -(pos_b - (x2 + v2 * t))  # soliton 2 moves to the left: forward is -x
    assert shift_a == pytest.approx(collision_shift(eta1, eta2, v1, v2), abs=1e-3)
    assert shift_b == pytest.approx(collision_shift(eta2, eta1, v2, v1), abs=1e-3)


# -- modulation instability --------------------------------------------------------------------------
def test_modulation_instability_growth_rate():
    amplitude, k = 1.0, 1.0
    cfg = nlse_config(
        initial_condition__type="modulation_instability",
        initial_condition__amplitude=amplitude,
        initial_condition__epsilon=1e-8,
        initial_condition__wavenumber=k,
        grid__fit_periods=1,
        grid__n_points=64,
        integrator__rtol=1e-12,
        integrator__atol=1e-16,
    )
    model, stepper = build(cfg)
    state, t = model.initial_state(), 0.0
    mode = int(np.argmin(np.abs(model.grid.k - k)))
    times, amps = [], []
    for t_out in np.linspace(4.0, 12.0, 9):
        state, t = stepper.advance(state, t, t_out)
        times.append(t)
        amps.append(abs(state[mode]))
    rate = np.polyfit(times, np.log(amps), 1)[0]
    expected = mi_growth_rate(amplitude, k)  # ½|K|√(4A² − K²) = 0.866
    assert rate == pytest.approx(expected, rel=0.01)


# -- invariants --------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["ssf2", "ssf4", "ssf6"])
def test_split_step_conserves_mass_to_round_off(method):
    cfg = nlse_config(
        integrator__method=method, initial_condition__type="two_soliton", time__dt=0.01
    )
    model, stepper = build(cfg)
    u0 = model.initial_state()
    u1, _ = stepper.advance(u0, 0.0, 5.0)
    m0 = nlse_invariants(u0, model.grid, 1.0)["mass"]
    m1 = nlse_invariants(u1, model.grid, 1.0)["mass"]
    assert abs(m1 - m0) / m0 < 1e-12


def test_dop853_invariant_drift_below_tolerance():
    # 1024 points: at 512 the collision's peak spectrum reaches k_max and aliasing alone moves the
    # momentum by 6.5e-8 (measured); resolved, the drift is 8e-11.
    cfg = nlse_config(
        initial_condition__type="two_soliton",
        integrator__rtol=1e-10,
        integrator__atol=1e-12,
        grid__n_points=1024,
    )
    model, stepper = build(cfg)
    u0 = model.initial_state()
    u1, _ = stepper.advance(u0, 0.0, 20.0)
    before = nlse_invariants(u0, model.grid, 1.0)
    after = nlse_invariants(u1, model.grid, 1.0)
    for name in ("mass", "energy", "momentum"):
        assert abs(after[name] - before[name]) / abs(before[name]) < 1e-8, name


def test_invariants_of_exact_soliton():
    cfg = nlse_config(**SOLITON)
    model = NLSE.from_config(cfg)
    inv = model.invariants(model.initial_state())
    # N = 2η, P = 2ηv, H = ηv² − η³/3 for the bright soliton
    assert inv["mass"] == pytest.approx(4.0, rel=1e-12)
    assert inv["momentum"] == pytest.approx(4.0, rel=1e-12)
    assert inv["energy"] == pytest.approx(2.0 - 8.0 / 3.0, rel=1e-12)


def test_dealiasing_options_run_and_half_rule_is_stable():
    for dealias in ("two_thirds", "half", "exponential"):
        err = soliton_error("dop853", t_final=1.0, grid__dealias=dealias, grid__n_points=1024)
        assert err < 1e-8, dealias  # the soliton's spectrum lies well inside the kept band


def test_kuznetsov_ma_against_exact():
    # localised breather on the unit background, periodic in time with period 2π/β (a = 1: β = √8)
    cfg = nlse_config(
        initial_condition__type="kuznetsov_ma",
        initial_condition__a=1.0,
        initial_condition__t0=0.0,
        grid__x_min=-20.0,
        grid__x_max=20.0,
        grid__n_points=1024,
        integrator__rtol=1e-12,
        integrator__atol=1e-14,
    )
    model, psi = evolve(cfg, 1.0)
    # measured 5.4e-12 (512 points under-resolve the peak: 4e-8)
    assert np.max(np.abs(psi - kuznetsov_ma(model.grid.x, 1.0, 1.0))) < 1e-10


def test_expression_gaussian_and_from_file_initial_conditions(workdir):
    x = np.linspace(-25, 25, 512, endpoint=False)
    expr = nlse_config(
        initial_condition__type="expression", initial_condition__psi="2*sech(2*(x+10))*exp(1j*x)"
    )
    assert np.allclose(NLSE.from_config(expr).psi0, bright_soliton(x, 0.0, 2.0, 1.0, -10.0))
    gauss = nlse_config(
        initial_condition__type="gaussian",
        initial_condition__amplitude=1.5,
        initial_condition__width=2.0,
        initial_condition__x0=1.0,
        initial_condition__velocity=0.5,
    )
    expected = 1.5 * np.exp(-((x - 1.0) ** 2) / 8.0) * np.exp(0.5j * x)
    assert np.allclose(NLSE.from_config(gauss).psi0, expected)
    # from_file continues an earlier run: 0 → 1 then 1 → 2 equals 0 → 2 (same fixed steps; only the
    # FFT round trip through the file differs)
    first = load_config(
        {
            **_raw(SOLITON),
            "time": {"t_final": 1.0, "n_snapshots": 3},
            "integrator": {"method": "ssf4"},
            "output": {"path": "first.nc"},
        }
    )
    run(first)
    second = load_config(
        {
            "model": {"name": "nlse"},
            "time": {"t_final": 1.0, "n_snapshots": 3},
            "integrator": {"method": "ssf4"},
            "output": {"path": ""},
            "initial_condition": {"type": "from_file", "path": "first.nc"},
        }
    )
    whole = load_config(
        {
            **_raw(SOLITON),
            "time": {"t_final": 2.0, "n_snapshots": 5},
            "integrator": {"method": "ssf4"},
            "output": {"path": ""},
        }
    )
    continued, straight = run(second), run(whole)
    np.testing.assert_allclose(
        continued.psi_real[-1].values, straight.psi_real[-1].values, rtol=0, atol=1e-13
    )
    bad = load_config(
        {
            "model": {"name": "nlse"},
            "grid": {"n_points": 256},
            "initial_condition": {"type": "from_file", "path": "first.nc"},
        }
    )
    with pytest.raises(ConfigError, match="x grid differs"):
        NLSE.from_config(bad)


def _raw(keys: dict) -> dict:
    raw: dict = {"model": {"name": "nlse"}}
    for dotted, value in keys.items():
        section, key = dotted.split("__")
        raw.setdefault(section, {})[key] = value
    return raw
