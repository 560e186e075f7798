"""The probe series recorded during a run (issue 16, item 8): φ, φ_t (Klein–Gordon) or Re ψ,
Im ψ (NLSE) at x = ``diagnostics.probe_x`` exactly, every ``diagnostics.probe_every`` (default
time.dt), on the dimension ``t_probe``; streamed with the snapshots and restart-exact."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import simsuite
from simsuite.diagnostics import entropy
from simsuite.diagnostics.fields import field_diagnostics
from simsuite.io.checkpoint import checkpoint_path, read_checkpoint
from simsuite.models.nlse.exact import bright_soliton
from simsuite.plotting import fields
from simsuite.spectral.bases import make_basis

from .conftest import CONFIGS, interrupt_after

QUIET = {"run.progress": False}
KG = ("kg_collision.toml", {"grid.n_points": 256, "time.t_final": 4.0, "time.n_snapshots": 9})
KG_KINK = ("kg_kink.toml", {"grid.n_points": 128, "time.t_final": 2.0, "time.n_snapshots": 5})
NLSE = (
    "nlse_two_soliton.toml",
    {"grid.n_points": 128, "time.t_final": 2.0, "time.n_snapshots": 11},
)


def _run(case, **more) -> xr.Dataset:
    name, overrides = case
    return simsuite.run(CONFIGS / name, output="", overrides={**overrides, **QUIET, **more})


@pytest.mark.parametrize("kind", ["periodic", "antiperiodic", "neumann", "dirichlet"])
@pytest.mark.parametrize("n", [16, 17])
def test_basis_interpolation_is_the_basis_expansion(kind, n):
    """f(x) from the modes equals f at every grid point (round-off, 1e-13 for values O(1)), and
    a field made of a few of the basis's own modes (plus its reference) at any x (1e-14), also
    through the grid weights of ``cardinal``."""
    extra = {"periodic": {"jump": 2 * np.pi}, "dirichlet": {"left": -1.0, "right": 1.0}}
    basis = make_basis(kind, -5.0, 5.0, n, **extra.get(kind, {}))
    values = np.random.default_rng(n).standard_normal(n)
    on_grid = np.array([basis.interpolate(values, x) for x in basis.x])
    np.testing.assert_allclose(on_grid, values, rtol=0, atol=1e-13)
    s = lambda x: (x + 5.0) / 10.0  # noqa: E731 - position in units of L
    exact = {
        "periodic": lambda x: np.sin(2 * np.pi * s(x)) + 0.3 + 2 * np.pi * s(x),
        "antiperiodic": lambda x: np.sin(np.pi * s(x)) - 0.2 * np.cos(3 * np.pi * s(x)),
        "neumann": lambda x: np.cos(2 * np.pi * s(x)) + 0.5,
        "dirichlet": lambda x: -1.0 + 2.0 * s(x) + np.sin(3 * np.pi * s(x)),
    }[kind]
    ref = np.zeros(n) if basis.reference is None else basis.reference
    for x in (0.0, 0.123, -4.9, 3.3):
        assert basis.interpolate(exact(basis.x), x) == pytest.approx(exact(x), abs=1e-14)
        # the same value as one dot product with the grid weights (what the model's probe uses)
        by_weights = basis.cardinal(x) @ (exact(basis.x) - ref) + basis.reference_at(x)
        assert by_weights == pytest.approx(exact(x), abs=1e-14)


@pytest.mark.parametrize(
    "case", [KG, KG_KINK, NLSE], ids=["kg_periodic", "kg_antiperiodic", "nlse"]
)
def test_probe_equals_the_snapshots_interpolated_at_the_shared_times(case):
    """Every snapshot time is a probe time, and there the probe is the snapshot's field
    interpolated at probe_x in the model's basis, to round-off: Klein–Gordon the same grid values
    through a transform (the run's FFTW plan against scipy here: measured 7e-16 for |φ| ≤ 1),
    the NLSE ψ̂ summed directly against the FFT of the stored ψ = ifft(ψ̂) (a round trip:
    measured 1e-16). Bound 1e-14: a few ulps of values O(1) for any FFT library."""
    ds = _run(case, **{"diagnostics.probe_x": 0.3})
    t, tp = ds["t"].values, ds["t_probe"].values
    shared = np.searchsorted(tp, t)
    np.testing.assert_array_equal(tp[shared], t)  # exactly, not to round-off
    x = ds["x"].values
    if "phi" in ds:
        basis = make_basis(ds.attrs["boundary"], ds.attrs["x_min"], ds.attrs["x_max"], x.size)
        for name, ref in (("phi", True), ("phi_t", False)):
            expected = [
                basis.interpolate(row, 0.3, subtract_reference=ref) for row in ds[name].values
            ]
            got = ds[f"probe_{name}"].values[shared]
            np.testing.assert_allclose(got, expected, rtol=0, atol=1e-14)
            assert ds[f"probe_{name}"].attrs["probe_x"] == 0.3
    else:
        basis = make_basis("periodic", ds.attrs["x_min"], ds.attrs["x_max"], x.size)
        for part in ("real", "imag"):
            expected = [basis.interpolate(row, 0.3) for row in ds[f"psi_{part}"].values]
            got = ds[f"probe_psi_{part}"].values[shared]
            np.testing.assert_allclose(got, expected, rtol=0, atol=1e-14)


def test_nlse_probe_at_zero_is_exact_off_the_grid():
    """511 points on [-25, 25]: x = 0 lies half-way between two grid points. The probe follows the
    exact soliton η sech(η(x − vt)) e^{i(vx + (η² − v²)t/2)} at x = 0 to the integrator's error
    (dop853 at rtol 1e-10: measured 8e-11; bound 1e-8), where the nearest grid point is off by
    |ψ_x|·dx/2 ≈ 0.1 (measured 0.12)."""
    ds = simsuite.run(
        CONFIGS / "nlse_single_soliton.toml",
        output="",
        overrides={
            **QUIET,
            "grid.n_points": 511,
            "grid.x_min": -25.0,
            "grid.x_max": 25.0,
            "initial_condition.x0": -1.0,
            "time.t_final": 2.0,
            "time.n_snapshots": 5,
            "integrator.rtol": 1e-10,
            "integrator.atol": 1e-12,
        },
    )
    assert np.min(np.abs(ds["x"].values)) > 0.04  # 0 is not a grid point
    ic = simsuite.load_config(CONFIGS / "nlse_single_soliton.toml").initial_condition
    tp = ds["t_probe"].values
    exact = np.array([bright_soliton(0.0, t, ic.eta, ic.velocity, -1.0, ic.phase) for t in tp])
    probe = ds["probe_psi_real"].values + 1j * ds["probe_psi_imag"].values
    assert np.max(np.abs(probe - exact)) < 1e-8
    j = int(np.argmin(np.abs(ds["x"].values)))
    nearest = ds["psi_real"].values[:, j] + 1j * ds["psi_imag"].values[:, j]
    assert np.max(np.abs(nearest - exact[np.searchsorted(tp, ds["t"].values)])) > 1e-2


def test_kg_probe_at_zero_is_exact_on_a_cell_centred_grid():
    """A static φ⁴ kink tanh(x) centred at 0 on a Neumann (cell-centred) grid of even size:
    x = 0 is a cell edge, no grid point. The probe reads φ(0) = 0 and φ_t(0) = 0 to round-off
    (measured 1.5e-15; bound 1e-12) over the run; the nearest grid point, at dx/2 = 0.23, reads
    tanh(0.23) ≈ 0.23."""
    ds = _run(KG_KINK, **{"grid.boundary": "neumann"})
    assert np.min(np.abs(ds["x"].values)) > 0.2
    assert np.max(np.abs(ds["probe_phi"].values)) < 1e-12
    assert np.max(np.abs(ds["probe_phi_t"].values)) < 1e-12
    j = int(np.argmin(np.abs(ds["x"].values)))
    assert np.min(np.abs(ds["phi"].values[:, j])) > 0.2  # what the nearest grid point reads


def test_series_length_and_spacing():
    """Fixed step (yoshida4, dt = 0.02): one sample per step, 1 + t_final/dt samples, spacing dt
    to round-off (1e-12). probe_every = 0.1: the 0.5 output intervals split into 5. probe_every
    at least the output interval: the snapshot times. Adaptive (dop853): each output interval
    split into ⌈interval/dt⌉ parts."""
    ds = _run(KG)
    tp = ds["t_probe"].values
    assert tp.size == 1 + round(4.0 / 0.02) and tp[0] == 0.0 and tp[-1] == 4.0
    np.testing.assert_allclose(np.diff(tp), 0.02, rtol=0, atol=1e-12)
    assert ds.attrs["n_steps"] == tp.size - 1  # the probe costs no extra step
    coarse = _run(KG, **{"diagnostics.probe_every": 0.1})["t_probe"].values
    np.testing.assert_allclose(coarse, np.linspace(0.0, 4.0, 41), rtol=0, atol=1e-12)
    sparse = _run(KG, **{"diagnostics.probe_every": 0.5})
    np.testing.assert_array_equal(sparse["t_probe"].values, sparse["t"].values)
    nlse = _run(NLSE)  # dt = 0.01, output interval 0.2
    assert nlse["t_probe"].size == 1 + 10 * 20
    np.testing.assert_allclose(np.diff(nlse["t_probe"].values), 0.01, rtol=0, atol=1e-12)


def test_couzin_has_no_probe():
    ds = simsuite.run(
        CONFIGS / "couzin_torus.toml",
        output="",
        overrides={**QUIET, "agents.n": 20, "time.t_final": 1.0, "time.n_snapshots": 11},
    )
    assert "t_probe" not in ds.dims and not any(str(v).startswith("probe_") for v in ds)


def test_probe_outside_the_domain_is_refused():
    with pytest.raises(simsuite.config.ConfigError, match="diagnostics.probe_x"):
        _run(KG, **{"diagnostics.probe_x": 80.0})


def test_restart_overwrites_the_probe_samples_past_the_checkpoint(tmp_path, monkeypatch):
    """Interrupted after 6 snapshots with checkpoints every 2: the file holds the probe samples of
    6 snapshots, the checkpoint 5. The restart rewrites those past snapshot 5 and the file equals
    the uninterrupted run bit for bit."""
    name, overrides = KG
    overrides = {**overrides, **QUIET, "output.checkpoint_every": 2}
    whole = simsuite.run(CONFIGS / name, output=tmp_path / "whole.nc", overrides=overrides)
    path = tmp_path / "broken.nc"
    with monkeypatch.context() as patch:
        interrupt_after(patch, 6)
        with pytest.raises(KeyboardInterrupt):
            simsuite.run(CONFIGS / name, output=path, overrides=overrides)
    assert read_checkpoint(checkpoint_path(path)).n_written == 5
    with xr.open_dataset(path) as partial:
        assert partial.sizes["t_probe"] == 1 + 5 * 25  # through snapshot 6 (t = 2.5)
    restarted = simsuite.run(CONFIGS / name, restart=path, overrides=overrides)
    assert restarted.sizes["t_probe"] == whole.sizes["t_probe"] == 201
    for name in ("t_probe", "probe_phi", "probe_phi_t"):
        np.testing.assert_array_equal(restarted[name].values, whole[name].values)
    xr.testing.assert_identical(restarted.drop_attrs(), whole.drop_attrs())


def test_phase_portrait_draws_the_probe_series():
    """The curve is the probe series (201 samples), not the 9 snapshots; a file without the
    series (older runs) falls back to the snapshots at the nearest grid point."""
    ds = _run(KG)
    curve = fields.phase_portrait(ds).axes[0].lines[0]
    np.testing.assert_array_equal(curve.get_xdata(), ds["probe_phi"].values)
    np.testing.assert_array_equal(curve.get_ydata(), ds["probe_phi_t"].values)
    old = ds.drop_vars(["probe_phi", "probe_phi_t", "t_probe"])
    curve = fields.phase_portrait(old).axes[0].lines[0]
    j = int(np.argmin(np.abs(ds["x"].values)))
    np.testing.assert_array_equal(curve.get_xdata(), ds["phi"].values[:, j])


def test_probe_entropies_use_the_dense_series():
    """The run-level permutation entropy is that of the dense probe series of φ (201 samples),
    and falls back to the snapshots without it."""
    ds = _run(KG)
    cfg = simsuite.load_config(CONFIGS / KG[0], KG[1])
    d = cfg.diagnostics
    out = field_diagnostics(ds, cfg)
    expected = entropy.permutation_entropy(
        ds["probe_phi"].values, d.permutation_order, d.permutation_delay
    )
    assert float(out["probe_permutation_entropy"]) == pytest.approx(float(expected), abs=1e-15)
    assert "probe series" in out["probe_permutation_entropy"].attrs["long_name"]
    old = field_diagnostics(ds.drop_vars(["probe_phi", "probe_phi_t", "t_probe"]), cfg)
    assert "nearest grid point" in old["probe_permutation_entropy"].attrs["long_name"]
