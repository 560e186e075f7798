"""The amangkurat reproduction (quick sizes): every figure and both reports, and the numbers with
exact answers — the static φ⁴ kink stays tanh, energy drifts are small, the breather's period is
2π/ω, the collision bounces once, the phase-space data are the probe at x = 0 exactly."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats

from simsuite.papers import reproduce
from simsuite.papers.amangkurat import (
    CASES,
    PAPER,
    breather_period,
    energy_centroid,
)
from simsuite.papers.statistics import cliffs_delta, correlation_lag


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("amangkurat")
    report = reproduce("amangkurat", outdir=outdir, quick=True, progress=False)
    return outdir, report


def test_quick_reproduction_writes_every_figure_and_both_reports(quick):
    outdir, report = quick
    assert report.figures == list(PAPER.figures)
    for name in PAPER.figures:
        assert (outdir / f"{name}.png").stat().st_size > 10_000
    data = json.loads((outdir / "report.json").read_text())
    assert data["paper"] == "amangkurat" and data["quick"] is True
    text = (outdir / "report.md").read_text()
    for section in ("## Entropy", "## Statistics", "## Validation", "## Timing"):
        assert section in text


def test_static_kink_stays_tanh(quick):
    # quick size: 256 points on L = 60 (dx = 0.23) to t = 25; the full size (512 points, t = 50)
    # stays within 1e-13
    assert quick[1].value("Validation", "static kink: max |φ − v tanh(x/w)| over the run") < 1e-9


def test_energy_drifts_are_small(quick):
    report = quick[1]
    bounds = {"linear": 1e-7, "kink": 1e-13, "breather": 1e-10, "collision": 1e-5}
    for case in CASES:
        drift = report.value("Validation", f"{case.label}: max |energy drift|")
        assert drift < bounds[case.name], case.name


def test_breather_period_and_one_bounce(quick):
    report = quick[1]
    assert report.value("Validation", "breather period") == pytest.approx(4 * math.pi, rel=1e-6)
    assert report.value("Validation", "collision: number of bounces") == 1
    assert report.value("Validation", "collision: incoming wall speed") == pytest.approx(0.3, 0.02)
    assert 0.05 < report.value("Validation", "collision: outgoing wall speed") < 0.3


def test_phase_space_is_the_probe_at_x_zero(quick):
    outdir, report = quick
    import xarray as xr

    for case in CASES:
        assert report.value("Validation", f"{case.label}: probe x") == 0.0
        (path,) = (outdir / "runs").glob(f"{case.name}-*.nc")
        with xr.open_dataset(path) as ds:
            assert ds["probe_phi"].attrs["probe_x"] == 0.0
            assert ds.sizes["t_probe"] - 1 == ds.attrs["n_steps"]  # every step
    # the breather at x = 0 is 4 arctan(√3 sin(t/2)) exactly
    (path,) = (outdir / "runs").glob("breather-*.nc")
    with xr.open_dataset(path) as ds:
        t = ds["t_probe"].values
        exact = 4 * np.arctan(math.sqrt(3.0) * np.sin(0.5 * t))
        np.testing.assert_allclose(ds["probe_phi"].values, exact, atol=1e-8)


def test_statistics_are_reported_with_effective_n(quick):
    report = quick[1]
    assert 0 <= report.value("Statistics", "Kruskal–Wallis p") < 1e-3
    for case in CASES:
        n = report.value("Statistics", f"{case.label}: effective n")
        assert 3 <= n < 5000
    assert report.value("Statistics", "static φ⁴ kink: Pearson ρ(φ, φ_t) at x = 0") is None


def test_cliffs_delta_matches_the_pairwise_definition():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=60).round(1), rng.normal(0.3, size=45).round(1)
    brute = np.sign(a[:, None] - b[None, :]).mean()
    assert cliffs_delta(a, b) == pytest.approx(brute, abs=1e-15)
    assert cliffs_delta(a, a) == 0.0
    # δ is the Mann–Whitney U rescaled: δ = 2U/(n m) − 1
    u = stats.mannwhitneyu(a, b).statistic
    assert cliffs_delta(a, b) == pytest.approx(2 * u / (a.size * b.size) - 1)


def test_energy_centroid_wraps_and_correlation_lag():
    x = np.linspace(-10, 10, 200, endpoint=False)
    near_seam = np.exp(-((x - 9.5) ** 2)) + np.exp(-((x + 10.5) ** 2))  # a bump across the seam
    (centre,) = energy_centroid(near_seam[None, :], x, 20.0, -10.0)
    assert min(abs(centre - 9.5), abs(centre + 10.5)) < 1e-6
    assert np.isnan(energy_centroid(np.ones((1, 200)), x, 20.0, -10.0)[0])
    wave = np.sin(2 * np.pi * x / 20.0)[None, :] * np.ones((3, 1))
    # ρ(s) = cos(2πs/L): first below 1/e at s = L arccos(1/e)/2π
    lag = math.ceil(200 * math.acos(math.exp(-1)) / (2 * math.pi))
    assert correlation_lag(wave, axis=1, periodic=True) == lag
    t = np.linspace(0, 40, 400)
    assert breather_period(t, np.sin(t)) == pytest.approx(2 * np.pi, rel=1e-4)
