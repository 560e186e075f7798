"""Reproduction of *amangkurat: a Python library for symplectic pseudo-spectral solution of the
idealized (1+1)D nonlinear Klein–Gordon equation* (abstract in ``shared/seeds.md``).

The paper's four regimes of φ_tt − φ_xx + V′(φ) = 0, each a shipped canonical config:

* ``linear`` — a Gaussian pulse of the linear equation (V = ½m²φ², m = 1) dispersing
  (``kg_linear_wave``);
* ``kink`` — the static φ⁴ kink φ = v tanh(x/w), w = √2/(√λ v), on an antiperiodic grid (``kg_kink``);
* ``breather`` — the exact sine-Gordon breather, ω = ½ (``kg_breather``);
* ``collision`` — a φ⁴ kink–antikink pair at u = 0.3, above the critical speed ≈ 0.26 (one bounce,
  then the walls separate; Campbell, Schonfeld & Wingate, Physica D 9, 1 (1983)) (``kg_collision``).

Figures (the paper's layout): ``fig1_spacetime`` φ(x, t) with the energy centroid, ``fig2_snapshots``,
``fig3_distributions`` (KDE, box plots, Kruskal–Wallis, Cliff's δ on decorrelated samples),
``fig4_phase_space`` ((φ, φ_t) at x = 0 from the probe sampled every step, Pearson ρ). The report holds
the entropies (the paper's discrete ones and simsuite's grid-independent differential ones), the
statistics, the validation numbers with exact answers and the wall times.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import xarray as xr
from scipy import stats

from simsuite.analyze import diagnostics_for
from simsuite.config import RunConfig
from simsuite.diagnostics import entropy
from simsuite.papers.common import Case, Paper, Report, case_config, run_cases, save_figure
from simsuite.papers.statistics import cliffs_delta, decorrelated_samples
from simsuite.spectral.bases import make_basis

__all__ = [
    "CASES",
    "PAPER",
    "breather_period",
    "discrete_entropies",
    "energy_centroid",
    "energy_density",
    "run",
    "wall_positions",
]

#: Renyi order and Tsallis index of the entropy table (both in simsuite's default orders).
ALPHA, Q = 2.0, 2.0

_PROBE = {"diagnostics.probe_x": 0.0}
CASES = (
    Case(
        "linear",
        "kg_linear_wave",
        "linear wave",
        overrides=_PROBE,
        quick={"grid.n_points": 256, "time.t_final": 25.0, "time.n_snapshots": 51},
    ),
    Case(
        "kink",
        "kg_kink",
        "static φ⁴ kink",
        overrides=_PROBE,
        quick={"grid.n_points": 256, "time.t_final": 25.0, "time.n_snapshots": 51},
    ),
    Case(
        "breather",
        "kg_breather",
        "sine-Gordon breather",
        overrides=_PROBE,
        quick={"grid.n_points": 256, "time.t_final": 40.0, "time.n_snapshots": 81},
    ),
    Case(
        "collision",
        "kg_collision",
        "φ⁴ kink–antikink",
        overrides=_PROBE,
        quick={"grid.n_points": 512, "time.t_final": 60.0, "time.n_snapshots": 121},
    ),
)
FIGURES = ("fig1_spacetime", "fig2_snapshots", "fig3_distributions", "fig4_phase_space")


# -- the fields ------------------------------------------------------------------------------------
def energy_density(ds: xr.Dataset, cfg: RunConfig) -> np.ndarray:
    """e(t, x) = ½φ_t² + ½φ_x² + V(φ), φ_x spectrally in the run's own basis (periodic or
    antiperiodic), V the run's potential."""
    g = cfg.grid
    jump = 2.0 * math.pi * g.winding if g.winding else 0.0
    basis = make_basis(g.boundary, g.x_min, g.x_max, g.n_points, jump=jump)
    phi, pi = ds["phi"].values, ds["phi_t"].values
    phi_x = basis.gradient(phi)
    return 0.5 * pi**2 + 0.5 * phi_x**2 + cfg.potential.build().V(phi)


def energy_centroid(
    e: np.ndarray, x: np.ndarray, length: float, x_min: float, min_concentration: float = 0.1
) -> np.ndarray:
    """The energy centre x_E(t) of e(t, x) on a periodic domain, as a circular mean.

    x_E = x_min + L·arg(Σ_j e_j e^{iθ_j})/2π mod L, θ_j = 2π(x_j − x_min)/L: the centroid
    ∫x e dx/∫e dx for energy localised away from the seam, with no jump when the energy wraps
    (Mardia & Jupp, *Directional Statistics*, 2000, §2.2). Where the mean resultant length
    |Σ e e^{iθ}|/Σ e is below ``min_concentration`` the energy is spread over the domain and the
    centre is undefined: NaN there.
    """
    theta = 2.0 * np.pi * (x - x_min) / length
    z = e @ np.exp(1j * theta)
    total = e.sum(axis=-1)
    centre = x_min + np.mod(np.angle(z), 2.0 * np.pi) * length / (2.0 * np.pi)
    return np.where(np.abs(z) >= min_concentration * total, centre, np.nan)


def wall_positions(phi: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Left and right zero crossings of φ(t, x) per snapshot (linear interpolation), NaN where φ
    does not change sign: the kink and antikink of a φ⁴ pair (−v outside, +v between)."""
    a, b = phi[:, :-1], phi[:, 1:]
    crossing = (a * b < 0.0) | ((a == 0.0) & (b != 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        where = x[:-1] + (x[1:] - x[:-1]) * a / (a - b)
    where = np.where(crossing, where, np.nan)
    has = crossing.any(axis=1)
    left = np.where(has, np.nanmin(np.where(has[:, None], where, 0.0), axis=1), np.nan)
    right = np.where(has, np.nanmax(np.where(has[:, None], where, 0.0), axis=1), np.nan)
    return left, right


def breather_period(t: np.ndarray, phi0: np.ndarray) -> float:
    """Period of φ(0, t) from its zero crossings: twice the least-squares slope of the crossing
    times (linear interpolation between samples) against their index."""
    a, b = phi0[:-1], phi0[1:]
    k = np.flatnonzero(a * b < 0.0)
    times = t[k] + (t[k + 1] - t[k]) * a[k] / (a[k] - b[k])
    if times.size < 2:
        return float("nan")
    return 2.0 * float(np.polyfit(np.arange(times.size), times, 1)[0])


def discrete_entropies(phi: np.ndarray) -> tuple[float, float, float]:
    """Time means of the discrete Shannon, Rényi (α = 2) and Tsallis (q = 2) entropies of
    p_j = φ_j²/Σ_i φ_i² per snapshot (natural logarithms).

    H = −Σ p ln p; H_α = ln(Σ p^α)/(1 − α); S_q = (1 − Σ p^q)/(q − 1). These depend on the grid
    (H grows by ln 2 each time n doubles); simsuite's differential versions do not. Snapshots with
    φ ≡ 0 are left out.
    """
    p = phi[np.any(phi != 0.0, axis=-1)] ** 2  # φ ≡ 0 (the breather at sin ωt = 0): no density
    return (
        float(np.mean(entropy.shannon(p, axis=-1))),
        float(np.mean(entropy.renyi(p, ALPHA, axis=-1))),
        float(np.mean(entropy.tsallis(p, Q, axis=-1))),
    )


# -- the reproduction ------------------------------------------------------------------------------
def _analyse(ds: xr.Dataset, cfg: RunConfig) -> dict:
    """Everything the figures and the report need from one run."""
    g = cfg.grid
    x = ds["x"].values
    e = energy_density(ds, cfg)
    samples, lag_t, lag_x = decorrelated_samples(ds["phi"].values)
    return {
        "centroid": energy_centroid(e, x, g.x_max - g.x_min, g.x_min),
        "samples": samples,
        "lags": (lag_t, lag_x),
        "probe_x": float(ds["probe_phi"].attrs.get("probe_x", cfg.diagnostics.probe_x)),
        "walls": wall_positions(ds["phi"].values, x),
    }


def _entropy_rows(report: Report, case: Case, ds: xr.Dataset) -> None:
    shannon, renyi, tsallis = discrete_entropies(ds["phi"].values)
    with warnings.catch_warnings():  # φ ≡ 0 snapshots give NaN, left out of the means
        warnings.simplefilter("ignore", RuntimeWarning)
        diag = diagnostics_for(ds)
    differential = (
        float(diag["shannon_entropy"].mean(skipna=True)),
        float(diag["renyi_entropy"].sel(alpha=ALPHA).mean(skipna=True)),
        float(diag["tsallis_entropy"].sel(q=Q).mean(skipna=True)),
    )
    n = ds.sizes["x"]
    names = ("Shannon H", f"Rényi H_{ALPHA:g}", f"Tsallis S_{Q:g}")
    for name, value in zip(names, (shannon, renyi, tsallis), strict=True):
        report.add(
            "Entropy",
            f"{case.label}: {name} (discrete)",
            value,
            unit="nat" if "Tsallis" not in name else "1",
            note=f"p_j = φ_j²/Σφ² on the {n}-point grid, mean over snapshots",
        )
    for name, value in zip(names, differential, strict=True):
        report.add(
            "Entropy",
            f"{case.label}: {name} (differential)",
            value,
            unit="nat" if "Tsallis" not in name else "1",
            note="simsuite: density ρ = φ²/∫φ² dx, grid-independent; mean over snapshots",
        )


def _statistics_rows(report: Report, data: dict, results: dict) -> dict:
    """Kruskal–Wallis, Cliff's δ per pair, Pearson ρ per case, effective n; returns the numbers
    the figures show."""
    names = [c.name for c in CASES]
    samples = [results[n]["samples"] for n in names]
    h, p = stats.kruskal(*samples)
    report.add(
        "Statistics",
        "Kruskal–Wallis H (φ, 4 cases)",
        float(h),
        note="on the decorrelated samples (n per case below)",
    )
    report.add("Statistics", "Kruskal–Wallis p", float(p))
    deltas = np.zeros((len(names), len(names)))
    for i, a in enumerate(samples):
        for j, b in enumerate(samples):
            deltas[i, j] = cliffs_delta(a, b)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            report.add(
                "Statistics",
                f"Cliff's δ ({CASES[i].label} vs {CASES[j].label})",
                float(deltas[i, j]),
                note="P(φ_a > φ_b) − P(φ_a < φ_b)",
            )
    rhos = {}
    for case in CASES:
        ds = data[case.name]
        phi0, pi0 = ds["probe_phi"].values, ds["probe_phi_t"].values
        lag_t, lag_x = results[case.name]["lags"]
        report.add(
            "Statistics",
            f"{case.label}: effective n",
            int(results[case.name]["samples"].size),
            note=f"strides {lag_t} in t and {lag_x} in x (1/e autocorrelation lags) through the "
            f"{ds.sizes['t']}×{ds.sizes['x']} snapshot values",
        )
        if np.std(phi0) < 1e-10 or np.std(pi0) < 1e-10:
            rhos[case.name] = float("nan")
            report.add(
                "Statistics",
                f"{case.label}: Pearson ρ(φ, φ_t) at x = 0",
                None,
                note=f"undefined: φ(0, t) is constant to round-off (max |φ| "
                f"{np.abs(phi0).max():.1e}, max |φ_t| {np.abs(pi0).max():.1e})",
            )
            continue
        rhos[case.name] = float(stats.pearsonr(phi0, pi0)[0])
        report.add(
            "Statistics",
            f"{case.label}: Pearson ρ(φ, φ_t) at x = 0",
            rhos[case.name],
            note=f"{phi0.size} probe samples, every step",
        )
    return {"H": float(h), "p": float(p), "delta": deltas, "rho": rhos}


def _validation_rows(report: Report, data: dict, configs: dict, results: dict) -> None:
    kink, cfg = data["kink"], configs["kink"]
    lam, v = cfg.potential.lambda_, cfg.potential.vacuum
    width = math.sqrt(2.0) / (math.sqrt(lam) * v)
    exact = v * np.tanh((kink["x"].values - cfg.initial_condition.x0) / width)
    report.add(
        "Validation",
        "static kink: max |φ − v tanh(x/w)| over the run",
        float(np.abs(kink["phi"].values - exact).max()),
        paper=None,
        note=f"w = √2/(√λ v) = {width:g}; every snapshot to t = {float(kink.t[-1]):g}",
    )
    for case in CASES:
        report.add(
            "Validation",
            f"{case.label}: max |energy drift|",
            float(np.abs(data[case.name]["energy_rel_error"].values).max()),
            note="max |energy_rel_error| over the snapshots (relative to the energy scale)",
        )
    for case in CASES:
        report.add(
            "Validation",
            f"{case.label}: probe x",
            results[case.name]["probe_x"],
            note="(φ, φ_t) of fig4 are the probe at exactly this x",
        )
    br, omega = data["breather"], configs["breather"].initial_condition.omega
    period = breather_period(br["t_probe"].values, br["probe_phi"].values)
    exact_period = 2.0 * math.pi / omega
    report.add(
        "Validation",
        "breather period",
        period,
        unit="time",
        note=f"zero crossings of φ(0, t); exact 2π/ω = {exact_period:.6g}",
    )
    report.add(
        "Validation",
        "breather period: relative error",
        abs(period - exact_period) / exact_period,
    )
    _collision_rows(report, data["collision"], configs["collision"])


def _collision_rows(report: Report, ds: xr.Dataset, cfg: RunConfig) -> None:
    """Bounces (excursions of φ(0, t) below 0) and the walls' speeds before and after."""
    phi0, tp = ds["probe_phi"].values, ds["t_probe"].values
    negative = phi0 < 0.0
    bounces = int(np.count_nonzero(np.diff(negative.astype(int)) == 1) + negative[0])
    report.add(
        "Validation",
        "collision: number of bounces",
        bounces,
        note="excursions of φ(0, t) below 0 (the walls meet); one bounce expected at u = 0.3",
    )
    left, right = wall_positions(ds["phi"].values, ds["x"].values)
    t = ds["t"].values
    half = 0.5 * (right - left)
    u0 = cfg.initial_condition.velocity
    if not negative.any():
        return
    t_in, t_out = tp[negative][0], tp[negative][-1]
    before = (t < t_in - 5.0) & np.isfinite(half)
    after = (t > t_out + 10.0) & np.isfinite(half)
    if before.sum() >= 3:
        report.add(
            "Validation",
            "collision: incoming wall speed",
            float(-np.polyfit(t[before], half[before], 1)[0]),
            unit="c",
            note=f"slope of the half-separation of the φ = 0 crossings; set u = {u0:g}",
        )
    if after.sum() >= 3:
        report.add(
            "Validation",
            "collision: outgoing wall speed",
            float(np.polyfit(t[after], half[after], 1)[0]),
            unit="c",
            note=f"same, from t = {t_out + 10:.3g} on (the walls separate; energy lost to radiation "
            "and the shape mode makes it slower)",
        )


def run(outdir: Path, *, quick: bool, workers: int, pdf: bool, progress: bool) -> Report:
    """Run the four cases, write the four figures and return the report."""
    from simsuite.papers import amangkurat_figures as figs

    outdir = Path(outdir)
    report = Report("amangkurat", PAPER.title, quick=quick)
    configs = {case.name: case_config(case, quick) for case in CASES}
    data = run_cases(CASES, outdir, quick=quick, workers=workers, progress=progress)
    results = {c.name: _analyse(data[c.name], configs[c.name]) for c in CASES}
    report.note(
        "Cases: the shipped configs kg_linear_wave, kg_kink, kg_breather, kg_collision"
        + (" at reduced sizes (--quick)." if quick else ".")
        + " Entropies: the discrete ones on p_j = φ_j²/Σφ² per snapshot averaged over time (our"
        " reading of the paper's definitions; its full text is not available), beside simsuite's"
        " differential ones of ρ = φ²/∫φ² dx. Statistics on decorrelated samples: φ(t, x) thinned"
        " by its 1/e autocorrelation lags in t and x (a static field gives one snapshot)."
        " The KDEs use all grid values."
    )
    for case in CASES:
        _entropy_rows(report, case, data[case.name])
    numbers = _statistics_rows(report, data, results)
    _validation_rows(report, data, configs, results)
    for case in CASES:
        report.add(
            "Timing",
            f"{case.label}: wall time",
            float(data[case.name].attrs.get("wall_time_s", float("nan"))),
            unit="s",
            note=f"{data[case.name].attrs.get('n_steps', '?')} steps, "
            f"{data[case.name].sizes['x']} points",
        )
    figures = {
        "fig1_spacetime": figs.spacetime(CASES, data, results, configs),
        "fig2_snapshots": figs.snapshots(CASES, data),
        "fig3_distributions": figs.distributions(CASES, data, results, numbers),
        "fig4_phase_space": figs.phase_space(CASES, data, numbers),
    }
    for name in PAPER.figures:
        save_figure(figures[name], outdir, name, pdf=pdf)
        report.figures.append(name)
    return report


PAPER = Paper(
    "amangkurat",
    "Symplectic pseudo-spectral solution of the (1+1)D nonlinear Klein–Gordon equation (amangkurat)",
    figures=FIGURES,
    run=run,
)
