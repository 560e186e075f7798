"""Initial fields that are not on the grid are refused, and extreme inputs warn about nothing
(issue 17 item 8): overflowing closed forms are computed in a stable form, an overflowing custom
potential is reported as an error, and a structure centred outside the domain, narrower than a
cell, with an unresolved carrier wavenumber or too large for double precision exits 2 naming the
initial-condition key.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from simsuite.cli import main
from simsuite.models.klein_gordon import exact as kg_exact
from simsuite.models.nlse import exact as nlse_exact

from .conftest import CONFIGS

CANONICAL = sorted(p for p in CONFIGS.glob("*.toml") if not p.name.startswith("couzin"))


def _validate(config: str, *sets: str) -> int:
    argv = ["validate", str(CONFIGS / config)]
    for item in sets:
        argv += ["--set", item]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning fails the test
        return main(argv)


@pytest.mark.parametrize(
    ("config", "setting", "key"),
    [
        ("nlse_single_soliton.toml", "initial_condition.x0=1e308", "initial_condition.x0"),
        ("nlse_single_soliton.toml", "initial_condition.x0=30", "initial_condition.x0"),
        ("nlse_two_soliton.toml", "initial_condition.x2=-1e300", "initial_condition.x2"),
        ("nlse_single_soliton.toml", "initial_condition.velocity=1e308", "velocity"),
        ("nlse_single_soliton.toml", "initial_condition.velocity=1000", "velocity"),
        ("kg_kink.toml", "initial_condition.x0=1e308", "initial_condition.x0"),
        ("kg_collision.toml", "initial_condition.x0=1e308", "initial_condition.x0"),
        ("kg_breather.toml", "initial_condition.x0=-1e10", "initial_condition.x0"),
        ("kg_linear_wave.toml", "initial_condition.width=1e-300", "initial_condition.width"),
        ("kg_linear_wave.toml", "initial_condition.amplitude=1e200", "energy is not finite"),
        ("kg_linear_wave.toml", "initial_condition.amplitude=1e300", "energy is not finite"),
    ],
)
def test_initial_field_off_the_grid_exits_2_without_warnings(config, setting, key, capsys):
    assert _validate(config, setting) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert config in err and key in err


def test_a_soliton_narrower_than_its_grid_point_spacing_is_refused(capsys):
    # η = 1e100: sech(η(x − x₀)) underflows to 0 at every grid point (x₀ is not one of them)
    assert _validate("nlse_single_soliton.toml", "initial_condition.eta=1e100") == 2
    err = capsys.readouterr().err
    assert "single_soliton" in err and "zero at every grid point" in err


@pytest.mark.parametrize("config", CANONICAL, ids=lambda p: p.stem)
def test_canonical_configs_pass_the_checks_silently(config, capsys):
    assert _validate(config.name) == 0


def test_overflowing_custom_potential_is_an_error_not_a_warning(capsys):
    sets = (
        "potential.name=custom",
        "potential.V=exp(1000*phi)",
        "potential.dV=1000*exp(1000*phi)",
    )
    assert _validate("kg_linear_wave.toml", *sets) == 2
    err = capsys.readouterr().err
    assert "potential.dV" in err and "not finite" in err and "nan" not in err


def test_stable_sech_and_exact_solutions_warn_nothing():
    x = np.linspace(-50.0, 50.0, 401)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nlse_exact.sech(np.array([0.0, 800.0, -1e308, np.inf]))[1:].tolist() == [0, 0, 0]
        psi = nlse_exact.bright_soliton(x, 0.0, 1e150, 1.0)  # narrower than any grid
        assert np.all(np.isfinite(psi)) and np.count_nonzero(psi) <= 1
        for u in (0.5, 0.9999999999999999):
            phi, phi_t = kg_exact.phi4_kink(x, 0.0, 2.0, 1.0, 0.0, u)
            assert np.all(np.isfinite(phi)) and np.all(np.isfinite(phi_t))
            phi, phi_t = kg_exact.sine_gordon_kink(x, 0.0, 1.0, 0.0, u)
            assert np.all(np.isfinite(phi)) and np.all(np.isfinite(phi_t))
        for u, t0 in ((0.9999999999999999, -20.0), (0.5, 1e308), (0.5, -1e5), (0.5, -1e3)):
            phi, phi_t = kg_exact.perring_skyrme(x, 0.0, u, 1.0, t0)
            assert np.all(np.isfinite(phi)) and np.all(np.isfinite(phi_t))


def test_stable_forms_equal_the_plain_ones_where_those_do_not_overflow():
    z = np.linspace(-30.0, 30.0, 601)
    np.testing.assert_allclose(nlse_exact.sech(z), 1.0 / np.cosh(z), rtol=1e-15, atol=0)
    x = np.linspace(-40.0, 40.0, 801)
    for t0 in (-20.0, 0.0, 3.0, -600.0):
        u, m = 0.5, 1.0
        gamma = 1.0 / np.sqrt(1.0 - u * u)
        plain = 4.0 * np.arctan(np.sinh(gamma * u * m * t0) / (u * np.cosh(gamma * m * x)))
        phi, _ = kg_exact.perring_skyrme(x, 0.0, u, m, t0)
        np.testing.assert_allclose(phi, plain, rtol=1e-14, atol=1e-14)
    # beyond the switch to the scaled form (|a| > 700) and before cosh overflows (710) the plain
    # formula still works: the two agree
    u, m = 0.5, 1.0
    gamma = 1.0 / np.sqrt(1.0 - u * u)
    a = -705.0
    F = np.sinh(a) / (u * np.cosh(gamma * m * x))
    F_t = gamma * u * m * np.cosh(a) / (u * np.cosh(gamma * m * x))
    phi, phi_t = kg_exact.perring_skyrme(x, 0.0, u, m, a / (gamma * u * m))
    np.testing.assert_allclose(phi, 4.0 * np.arctan(F), rtol=1e-14)
    with np.errstate(over="ignore"):  # where F² overflows the plain form gives 0
        plain_t = 4.0 * F_t / (1.0 + F * F)
    np.testing.assert_allclose(phi_t, plain_t, rtol=1e-12, atol=1e-250)
