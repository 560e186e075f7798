"""Reproduction of the simple-idealized-1d-nlse paper: four cases of the focusing NLSE.

The equation, in the normalisation of simsuite and of the paper,

    i ψ_t + ½ ψ_xx + g |ψ|² ψ = 0     (g = 1, periodic domain),

is run for the paper's four cases from the shipped configs: a bright soliton (η = 2, v = 1), a
head-on two-soliton collision (η = 2, 1.5; v = ±2), an Akhmediev breather (a = 0.25) and modulation
instability seeded by noise. The report holds

* **Conservation** — mass N = ∫|ψ|² dx, momentum P = ∫Im(ψ* ψ_x) dx and the Hamiltonian
  H = ∫(½|ψ_x|² − (g/2)|ψ|⁴) dx at t = 0 and their largest drift; for the soliton
  ψ = η sech(η(x − vt)) e^{i(vx + (η² − v²)t/2)} the exact values N = 2η, P = 2ηv, H = ηv² − η³/3;
* **Two-soliton collision** — position and phase shifts fitted from the run against the
  Zakharov–Shabat prediction (:func:`collision_prediction`);
* **Akhmediev breather** — peak amplitude 1 + 2√(2a), time of the peak, spatial period
  2π/Ω with Ω = 2√(1 − 2a), and the distance to the exact solution at the peak;
* **Modulation instability** — growth rate of the dominant sideband against
  σ(K) = ½|K|√(4gA² − K²) (Benjamin & Feir 1967);
* **Entropy** — Shannon, Rényi and Tsallis entropies per case, the paper's discrete ones beside
  simsuite's grid-independent differential ones;
* **Phase space** and **Intensity distribution** — the statistics drawn in those figures;
* **Timing** — the wall time of each run.

The figures are drawn by :mod:`simsuite.papers.nlse_figures`.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import xarray as xr
from scipy import stats

from simsuite.analyze import diagnostics_for
from simsuite.diagnostics import entropy
from simsuite.models.nlse import exact
from simsuite.papers.common import Case, Paper, Report, run_cases, save_figure
from simsuite.papers.nlse_collision import (
    AFTER,
    BEFORE,
    collision_prediction,
    collision_shifts,
    ic_value,
)
from simsuite.papers.nlse_fields import domain_length, energy_centre, psi_of
from simsuite.papers.statistics import cliffs_delta, decorrelated_samples

__all__ = [
    "CASES",
    "PAPER",
    "collision_prediction",
    "energy_centre",
    "phase_space_statistics",
    "psi_of",
    "run",
]

#: Snapshots of every case in ``--quick`` mode; the grids stay the paper's (the runs take < 1 s,
#: and 512 points are what resolves the η = 2 soliton to 1e-10 and the collision to 1e-5).
QUICK = {"time.n_snapshots": 41}

CASES = (
    Case("soliton", "nlse_single_soliton", "single soliton", quick=QUICK),
    Case("two_soliton", "nlse_two_soliton", "two-soliton collision", quick=QUICK),
    Case("breather", "nlse_breather", "Akhmediev breather", quick=QUICK),
    Case("mi", "nlse_modulation_instability", "modulation instability", quick=QUICK),
)

FIGURES = ("spacetime_patterns", "evolution_snapshots", "phase_space", "intensity_distribution")

# --- conservation -------------------------------------------------------------------------------


def _conservation(report: Report, name: str, label: str, ds: xr.Dataset) -> None:
    section = "Conservation"
    exact_values = {}
    eta = v = 0.0
    if name == "soliton":
        eta, v = ic_value(ds, "eta"), ic_value(ds, "velocity")
        exact_values = {"mass": 2 * eta, "momentum": 2 * eta * v, "energy": eta * v**2 - eta**3 / 3}
    notes = {
        "mass": "N = 2η (exact, η = {eta:g})",
        "momentum": "P = 2ηv (exact, v = {v:g})",
        "energy": "H = ηv² − η³/3 (exact)",
    }
    for var, what in (("mass", "mass N"), ("momentum", "momentum P"), ("energy", "Hamiltonian H")):
        series = ds[var].values
        paper = exact_values.get(var)
        note = "at t = 0, from the output's variable"
        if paper is not None:
            note = notes[var].format(eta=eta, v=v) + "; simsuite's value at t = 0 on the grid"
        report.add(section, f"{label}: {what}(0)", float(series[0]), paper=paper, note=note)
        report.add(
            section,
            f"{label}: max |{what}(t) − {what}(0)|",
            float(np.max(np.abs(series - series[0]))),
            note="largest drift over the run's snapshots",
        )


# --- two-soliton collision ----------------------------------------------------------------------


def _collision(report: Report, ds: xr.Dataset) -> None:
    section = "Two-soliton collision"
    where = f"fitted over t ∈ [{BEFORE[0]:g}, {BEFORE[1]:g}] and [{AFTER[0]:g}, {AFTER[1]:g}]"
    for j, (dx, dx_pred, dth, dth_pred) in collision_shifts(ds).items():
        eta, v = ic_value(ds, f"eta{j}"), ic_value(ds, f"velocity{j}")
        who = f"soliton {j} (η = {eta:g}, v = {v:+g})"
        note = "Zakharov–Shabat: (s/η) ln{[(η+η')²+Δv²]/[(η−η')²+Δv²]}; " + where
        report.add(section, f"{who}: position shift δx", dx, paper=dx_pred, note=note)
        note = "Zakharov–Shabat: 2[atan((η+η')/|Δv|) − atan((η−η')/|Δv|)], carrier e^{ivx}"
        report.add(section, f"{who}: phase shift δθ", dth, paper=dth_pred, unit="rad", note=note)


# --- Akhmediev breather -------------------------------------------------------------------------


def _interpolated_max(values: np.ndarray, factor: int = 16) -> float:
    """Largest value of a periodic real profile, band-limited interpolation (zero padding)."""
    n = values.size
    spectrum = np.fft.rfft(values)
    return float(np.max(np.fft.irfft(spectrum, n * factor) * factor))


def _breather(report: Report, ds: xr.Dataset) -> None:
    section = "Akhmediev breather"
    a, t0 = ic_value(ds, "a"), ic_value(ds, "t0")
    omega, growth = exact.akhmediev_parameters(a)
    psi, x, t = psi_of(ds), ds["x"].values, ds["t"].values
    peak_k = int(np.argmax(np.max(np.abs(psi), axis=1)))
    peak = _interpolated_max(np.abs(psi[peak_k]) ** 2) ** 0.5
    report.add(
        section,
        "peak amplitude max|ψ|",
        peak,
        paper=1 + 2 * math.sqrt(2 * a),
        note="exact 1 + 2√(2a); band-limited interpolation of |ψ|² at the peak snapshot",
    )
    report.add(
        section,
        "time of the peak",
        float(t[peak_k]),
        paper=-t0,
        note="exact −t₀ (the run starts at t₀); snapshot of the largest |ψ|",
    )
    spectrum = np.abs(np.fft.rfft(np.abs(psi[peak_k]) ** 2))
    mode = int(np.argmax(spectrum[1:]) + 1)
    report.add(
        section,
        "spatial period",
        domain_length(ds) / mode,
        paper=2 * math.pi / omega,
        note="exact 2π/Ω, Ω = 2√(1 − 2a); L over the dominant mode of |ψ|² (the grid is "
        "fitted to whole periods, so this checks which mode carries the pattern)",
    )
    ref = exact.akhmediev_breather(x, t[peak_k] + t0, a)
    report.add(
        section,
        "max |ψ − ψ_exact| at the peak",
        float(np.max(np.abs(psi[peak_k] - ref))),
        paper=0.0,
        note=f"growth rate b = {growth:.4g}: round-off seeds modulation instability, which grows "
        "as the breather decays",
    )


# --- modulation instability ---------------------------------------------------------------------


def sideband_growth(ds: xr.Dataset, linear_limit: float = 0.05) -> dict[str, float]:
    """Growth rate of the dominant sideband during the linear stage of modulation instability.

    The sideband amplitude a(K, t) = (|ψ̂(K)|² + |ψ̂(−K)|²)^½ is fitted by a line in ln a over the
    snapshots with t ≥ 2 (the decaying partner e^{−σt} of each growing mode has faded) whose
    perturbation ‖ψ − ψ̂₀‖/‖ψ̂₀‖ (all modes but K = 0) is below ``linear_limit``. The dominant
    sideband is the K with the largest a at the end of that window.
    """
    psi, t = psi_of(ds), ds["t"].values
    n = psi.shape[1]
    spectrum = np.fft.fft(psi, axis=1) / n
    k = 2 * np.pi * np.fft.fftfreq(n, d=domain_length(ds) / n)
    level = np.sqrt(np.sum(np.abs(spectrum[:, 1:]) ** 2, axis=1)) / np.abs(spectrum[:, 0])
    window = (t >= 2.0) & (np.cumsum(level >= linear_limit) == 0)
    positive = np.flatnonzero(k > 0)  # m = 1 … n/2 − 1; −K is at index n − m
    negative = n - positive
    sideband = np.hypot(np.abs(spectrum[:, positive]), np.abs(spectrum[:, negative]))
    last = np.flatnonzero(window)[-1]
    j = int(np.argmax(sideband[last]))
    slope = np.polyfit(t[window], np.log(sideband[window, j]), 1)[0]
    amplitude = float(np.abs(spectrum[0, 0]))
    return {
        "K": float(k[positive][j]),
        "sigma": float(slope),
        "sigma_exact": exact.mi_growth_rate(amplitude, float(k[positive][j])),
        "t_end": float(t[last]),
        "amplitude": amplitude,
    }


def _instability(report: Report, ds: xr.Dataset) -> None:
    section = "Modulation instability"
    g = sideband_growth(ds)
    report.add(
        section,
        "dominant sideband K",
        g["K"],
        paper=math.sqrt(2.0) * g["amplitude"],
        note="the fastest K = √(2g)A; the grid holds K = 2πm/L only",
    )
    report.add(
        section,
        "growth rate σ of that sideband",
        g["sigma"],
        paper=g["sigma_exact"],
        note=f"σ(K) = ½K√(4gA² − K²) at the dominant K; line fit of ln|ψ̂(±K)| over "
        f"t ∈ [2, {g['t_end']:.3g}] (perturbation < 5% of the background)",
    )


# --- entropies ----------------------------------------------------------------------------------


def _entropies(report: Report, label: str, ds: xr.Dataset) -> None:
    """Time means of the paper's discrete entropies and of simsuite's differential ones.

    The paper's: Shannon −Σp ln p, Rényi ln(Σp^α)/(1 − α), Tsallis (1 − Σp^q)/(q − 1) of
    p_j = |ψ_j|²/Σ|ψ|², which grow with the number of grid points (Shannon and Rényi by ln 2 per
    doubling). simsuite's: the differential entropies of ρ = |ψ|²/∫|ψ|² dx
    (:mod:`simsuite.diagnostics.fields`), e.g. h = −∫ρ ln ρ dx = H[p] + ln Δx, which do not.
    """
    section = "Entropy"
    rho = np.abs(psi_of(ds)) ** 2
    p = rho / rho.sum(axis=1, keepdims=True)
    diag = diagnostics_for(ds)
    alphas, qs = diag["renyi_entropy"]["alpha"].values, diag["tsallis_entropy"]["q"].values
    dx = float(ds.attrs["dx"])
    rows = [("Shannon", entropy.shannon(p), diag["shannon_entropy"].values)]
    rows += [
        (f"Rényi α = {a:g}", entropy.renyi(p, a), diag["renyi_entropy"].values[:, i])
        for i, a in enumerate(alphas)
    ]
    rows += [
        (f"Tsallis q = {q:g}", entropy.tsallis(p, q), diag["tsallis_entropy"].values[:, i])
        for i, q in enumerate(qs)
    ]
    for name, discrete, differential in rows:
        report.add(
            section,
            f"{label}: {name}, paper's discrete",
            float(np.mean(discrete)),
            note=f"time mean; p_j = |ψ_j|²/Σ|ψ|² on {int(ds.attrs['n_points'])} points",
        )
        extra = f" = discrete + ln Δx (Δx = {dx:.4g})" if not name.startswith("Tsallis") else ""
        report.add(
            section,
            f"{label}: {name}, simsuite differential",
            float(np.mean(differential)),
            note="time mean; of ρ = |ψ|²/∫|ψ|² dx" + extra,
        )


# --- phase space and intensity statistics -------------------------------------------------------


def normalised_mutual_information(a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    """NMI = I(X; Y)/√(H(X) H(Y)) from a 2D histogram of equal-width bins, k = ⌈√(n/5)⌉ per axis
    (about five points per occupied cell for a spread cloud), plug-in entropies in nats.
    Returns the NMI and k."""
    bins = max(2, math.ceil(math.sqrt(a.size / 5)))
    joint, _, _ = np.histogram2d(a, b, bins=bins)
    pxy = joint / joint.sum()
    px, py = pxy.sum(axis=1), pxy.sum(axis=0)
    hx, hy, hxy = (float(entropy.shannon(v[v > 0])) for v in (px, py, pxy.ravel()))
    denominator = math.sqrt(hx * hy)
    return ((hx + hy - hxy) / denominator if denominator > 0 else float("nan")), bins


def phase_space_statistics(psi: np.ndarray) -> dict[str, float]:
    """Statistics of the cloud (Re ψ_j, Im ψ_j) over the grid points of one snapshot.

    Pearson r and Spearman ρ (scipy.stats); the normalised mutual information
    (:func:`normalised_mutual_information`); the circular mean arg Σw e^{iθ} and circular standard
    deviation √(−2 ln R), R = |Σw e^{iθ}|/Σw, of the phase θ = arg ψ (the definitions of
    scipy.stats.circmean/circstd, Mardia & Jupp 2000) weighted by w = |ψ|², so that the grid points
    where ψ is round-off (a soliton's far field, whose phase is noise) do not count; the
    eccentricity e = √(1 − λ_min/λ_max) of the covariance ellipse of the cloud (unweighted).
    """
    re, im = psi.real, psi.imag
    nmi, bins = normalised_mutual_information(re, im)
    weight = np.abs(psi) ** 2
    resultant = np.sum(weight * np.exp(1j * np.angle(psi))) / np.sum(weight)
    eig = np.linalg.eigvalsh(np.cov(re, im))
    return {
        "pearson": float(stats.pearsonr(re, im).statistic),
        "spearman": float(stats.spearmanr(re, im).statistic),
        "nmi": nmi,
        "nmi_bins": bins,
        "circ_mean": float(np.angle(resultant)),
        "circ_std": float(math.sqrt(-2.0 * math.log(min(1.0, abs(resultant))))),
        "eccentricity": float(math.sqrt(max(0.0, 1.0 - eig[0] / eig[1]))),
    }


# --- the reproduction ---------------------------------------------------------------------------


def run(outdir: Path, *, quick: bool, workers: int, pdf: bool, progress: bool) -> Report:
    """Run the four cases, write the four figures and return the report."""
    from simsuite.papers import nlse_figures as figs

    report = Report("nlse", PAPER.title, quick=quick)
    report.note(
        "The focusing NLSE i ψ_t + ½ψ_xx + |ψ|²ψ = 0 on a periodic grid, run from the shipped "
        "configs nlse_single_soliton, nlse_two_soliton, nlse_breather and "
        "nlse_modulation_instability (DOP853 in the interaction picture, rtol 1e-10 / 1e-9). "
        "The 'paper' column holds the exact value where the physics has one (soliton invariants, "
        "Zakharov–Shabat shifts, breather, modulation-instability gain); the paper prints no "
        "numbers for the statistics, which are given with how they were made."
    )
    data = run_cases(CASES, outdir, quick=quick, workers=workers, progress=progress)
    labels = {case.name: case.label for case in CASES}
    for case in CASES:
        _conservation(report, case.name, case.label, data[case.name])
    _collision(report, data["two_soliton"])
    _breather(report, data["breather"])
    _instability(report, data["mi"])
    for case in CASES:
        _entropies(report, case.label, data[case.name])
    phase = {}
    for case in CASES:
        ds = data[case.name]
        half = int(np.argmin(np.abs(ds["t"].values - 0.5 * ds["t"].values[-1])))
        phase[case.name] = (float(ds["t"].values[half]), phase_space_statistics(psi_of(ds)[half]))
        for key, name in (
            ("pearson", "Pearson r"),
            ("spearman", "Spearman ρ"),
            ("nmi", "normalised mutual information"),
            ("circ_mean", "circular mean of arg ψ (|ψ|²-weighted)"),
            ("circ_std", "circular std of arg ψ (|ψ|²-weighted)"),
            ("eccentricity", "eccentricity"),
        ):
            note = f"(Re ψ, Im ψ) over the grid at t = {phase[case.name][0]:g}"
            if key == "nmi":
                note += f"; histogram, {phase[case.name][1]['nmi_bins']} equal bins per axis"
            unit = "rad" if key.startswith("circ") else ""
            report.add(
                "Phase space",
                f"{case.label}: {name}",
                phase[case.name][1][key],
                unit=unit,
                note=note,
            )
    samples = {}
    for case in CASES:
        values, st, sx = decorrelated_samples(np.abs(psi_of(data[case.name])) ** 2)
        samples[case.name] = values
        report.add(
            "Intensity distribution",
            f"{case.label}: samples n",
            int(values.size),
            note=f"|ψ|² every {sx} grid points and every {st} snapshots (1/e decorrelation)",
        )
    kw = stats.kruskal(*samples.values())
    report.add(
        "Intensity distribution",
        "Kruskal–Wallis H",
        float(kw.statistic),
        note="across the four cases, thinned samples",
    )
    report.add(
        "Intensity distribution",
        "Kruskal–Wallis p",
        float(kw.pvalue),
        note="0 means below the smallest double (the four distributions differ grossly)",
    )
    deltas = {}
    names = [case.name for case in CASES]
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            deltas[(a, b)] = cliffs_delta(samples[a], samples[b])
            report.add(
                "Intensity distribution",
                f"Cliff's δ: {labels[a]} vs {labels[b]}",
                deltas[(a, b)],
                note="P(|ψ|²_first > |ψ|²_second) − P(<)",
            )
    for case in CASES:
        ds = data[case.name]
        report.add(
            "Timing",
            f"{case.label}: wall time",
            float(ds.attrs["wall_time_s"]),
            unit="s",
            note=f"{int(ds.attrs['n_points'])} points, {int(ds.attrs['n_steps'])} steps",
        )
    figures = {
        "spacetime_patterns": figs.spacetime_patterns(data, labels),
        "evolution_snapshots": figs.evolution_snapshots(data, labels),
        "phase_space": figs.phase_space(data, labels, phase),
        "intensity_distribution": figs.intensity_distribution(
            samples, labels, float(kw.statistic), float(kw.pvalue), deltas
        ),
    }
    for name in FIGURES:
        save_figure(figures[name], outdir, name, pdf=pdf)
        report.figures.append(name)
    return report


PAPER = Paper(
    name="nlse",
    title="Pseudo-spectral solver for the 1D nonlinear Schrödinger equation (simple-idealized-1d-nlse)",
    figures=FIGURES,
    run=run,
)
