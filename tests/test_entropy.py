"""Entropy diagnostics: reference values, limits, closed forms, degenerate input and axis/xarray plumbing."""

from __future__ import annotations

import importlib
import itertools
import math
import warnings

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.optimize import brentq

from simsuite.diagnostics import entropy as E
from simsuite.diagnostics.entropy import signals

RNG_SEED = 20240605


def random_distributions(rng, n, k, zeros=True):
    p = rng.random((n, k))
    if zeros:
        p[rng.random((n, k)) < 0.2] = 0.0
        p[:, 0] += 1e-3  # keep every row non-degenerate
    return p / p.sum(axis=-1, keepdims=True)


def logistic_map(n, x0=0.4, r=4.0, skip=100):
    x = np.empty(n + skip)
    x[0] = x0
    for i in range(1, n + skip):
        x[i] = r * x[i - 1] * (1.0 - x[i - 1])
    return x[skip:]


# ---------------------------------------------------------------------------------------------------
# Shannon, Rényi, Tsallis
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("base", [math.e, 2, 10])
@pytest.mark.parametrize("k", [2, 7, 50])
def test_shannon_matches_scipy(base, k):
    rng = np.random.default_rng(RNG_SEED + k)
    p = random_distributions(rng, 40, k)
    expected = stats.entropy(p, base=base, axis=-1)
    assert np.max(np.abs(E.shannon(p, base=base) - expected)) <= 1e-12
    # unnormalised counts along axis 0
    counts = rng.integers(0, 20, size=(k, 30)).astype(float)
    counts[0] += 1
    got = E.shannon(counts, base=base, axis=0)
    assert np.max(np.abs(got - stats.entropy(counts, base=base, axis=0))) <= 1e-12


def test_shannon_normalized_is_base_free():
    p = random_distributions(np.random.default_rng(RNG_SEED), 10, 9)
    h = E.shannon(p, normalized=True)
    assert np.allclose(h, E.shannon(p, base=2, normalized=True), rtol=0, atol=1e-15)
    assert np.allclose(h, stats.entropy(p, axis=-1) / math.log(9), rtol=0, atol=1e-15)
    assert E.shannon(np.full(9, 1 / 9), normalized=True) == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize("eps", [1e-7, -1e-7])
def test_renyi_tsallis_tend_to_shannon(eps):
    p = random_distributions(np.random.default_rng(RNG_SEED), 30, 12)
    h = E.shannon(p)
    assert np.max(np.abs(E.renyi(p, 1 + eps) - h)) <= 1e-6
    assert np.max(np.abs(E.tsallis(p, 1 + eps) - h)) <= 1e-6
    assert np.array_equal(E.renyi(p, 1), h)
    assert np.array_equal(E.tsallis(p, 1), h)
    assert np.max(np.abs(E.renyi(p, 1 + eps, base=2) - stats.entropy(p, base=2, axis=-1))) <= 1e-6


def test_renyi_special_orders_and_closed_form():
    p = random_distributions(np.random.default_rng(RNG_SEED), 30, 12)
    support = np.count_nonzero(p, axis=-1)
    assert np.max(np.abs(E.renyi(p, 0) - np.log(support))) <= 1e-14
    assert np.max(np.abs(E.renyi(p, np.inf) - (-np.log(p.max(axis=-1))))) <= 1e-14
    for alpha in (0.5, 2.0, 3.0, 20.0):
        expected = np.log(np.sum(p**alpha, axis=-1)) / (1 - alpha)
        assert np.max(np.abs(E.renyi(p, alpha) - expected)) <= 1e-12
    # non-increasing in α
    alphas = [0, 0.5, 1, 2, 5, np.inf]
    values = np.array([E.renyi(p, a) for a in alphas])
    assert np.all(np.diff(values, axis=0) <= 1e-12)


def test_tsallis_closed_form_and_uniform_maximum():
    p = random_distributions(np.random.default_rng(RNG_SEED), 30, 12)
    for q in (0.0, 0.5, 2.0, 3.0):
        nz = np.where(p > 0, p, 0.0)
        expected = (1 - np.sum(np.where(p > 0, nz**q, 0.0), axis=-1)) / (q - 1)
        assert np.max(np.abs(E.tsallis(p, q) - expected)) <= 1e-12
        assert E.tsallis(np.full(12, 1 / 12), q, normalized=True) == pytest.approx(1.0, abs=1e-14)
    with pytest.raises(ValueError):
        E.tsallis(p, -1.0, normalized=True)


probability_vectors = st.lists(
    st.floats(0.0, 1.0, allow_subnormal=False), min_size=2, max_size=40
).filter(lambda v: sum(v) > 1e-6)


@settings(max_examples=60, deadline=None)
@given(
    v=probability_vectors,
    alpha=st.sampled_from([0.0, 0.3, 1 - 1e-7, 1.0, 2.0, 7.5, np.inf]),
    q=st.sampled_from([0.0, 0.5, 1.0, 1 + 1e-7, 2.0, 4.0]),
    seed=st.integers(0, 2**32 - 1),
)
def test_entropy_bounds_and_permutation_invariance(v, alpha, q, seed):
    p = np.asarray(v)
    k = p.size
    perm = np.random.default_rng(seed).permutation(k)
    for value, permuted in [
        (E.shannon(p), E.shannon(p[perm])),
        (E.renyi(p, alpha), E.renyi(p[perm], alpha)),
    ]:
        assert -1e-12 <= value <= math.log(k) + 1e-12
        assert permuted == pytest.approx(value, abs=1e-12)
    for value in (
        E.shannon(p, normalized=True),
        E.renyi(p, alpha, normalized=True),
        E.tsallis(p, q, normalized=True),
    ):
        assert -1e-12 <= value <= 1 + 1e-12
    assert E.tsallis(p[perm], q) == pytest.approx(E.tsallis(p, q), abs=1e-12)
    c = E.statistical_complexity(p)
    assert 0.0 <= c <= 1.0
    assert E.statistical_complexity(p[perm]) == pytest.approx(c, abs=1e-12)


# ---------------------------------------------------------------------------------------------------
# Probability makers
# ---------------------------------------------------------------------------------------------------


def test_histogram_matches_numpy():
    rng = np.random.default_rng(RNG_SEED)
    x = rng.normal(size=(6, 200))
    x[0, :10] = x[0, 10]  # repeated values
    x[1] = np.round(x[1], 1)  # many values exactly on bin edges
    for bins, rng_arg in [(10, None), (7, (-1.0, 1.5)), (np.array([-3, -1, 0, 0.5, 3.0]), None)]:
        got = E.histogram(x, bins, range=rng_arg)
        for row, g in zip(x, got, strict=True):
            counts, _ = np.histogram(row, bins, range=rng_arg)
            assert np.array_equal(g, counts / counts.sum())
    # empty bins are kept as zeros and count as states
    p = E.histogram([0.0, 0.0, 1.0], 4)
    assert np.array_equal(p, [2 / 3, 0, 0, 1 / 3])
    assert E.shannon(p, normalized=True) == pytest.approx(stats.entropy(p) / math.log(4), abs=1e-15)
    # the bins replace the sample axis
    assert E.histogram(x.T, 5, axis=0).shape == (5, 6)


def test_ordinal_patterns_order_and_ties():
    rng = np.random.default_rng(RNG_SEED)
    x = rng.integers(0, 4, size=300).astype(float)  # many ties
    for order, delay in [(3, 1), (4, 2)]:
        perms = list(itertools.permutations(range(order)))
        counts = np.zeros(len(perms))
        span = (order - 1) * delay + 1
        for t in range(x.size - span + 1):
            window = x[t : t + span : delay]
            key = tuple(sorted(range(order), key=lambda i, w=window: (w[i], i)))
            counts[perms.index(key)] += 1
        assert np.array_equal(E.ordinal_patterns(x, order, delay), counts / counts.sum())
    p = E.ordinal_patterns(np.arange(10.0))
    assert p[0] == 1.0  # increasing is pattern 0
    assert E.ordinal_patterns(np.arange(10.0)[::-1])[-1] == 1.0  # decreasing is the last


def test_field_density_is_a_distribution():
    x = np.linspace(-10, 10, 128, endpoint=False)
    psi = (1 / np.cosh(x)) * np.exp(1j * 0.7 * x)
    p = E.field_density(psi, dx=x[1] - x[0])
    assert p.sum() == pytest.approx(1.0, abs=1e-14)
    assert np.allclose(p, np.abs(psi) ** 2 / np.sum(np.abs(psi) ** 2), rtol=1e-14, atol=0)
    # a uniform Δx cancels (to rounding)
    assert np.allclose(
        E.field_density(psi.real), E.field_density(psi.real, dx=0.3), rtol=1e-15, atol=0
    )
    widths = np.full(x.size, x[1] - x[0])
    assert np.allclose(E.field_density(psi, dx=widths), p, rtol=1e-14, atol=0)


def test_power_spectrum_and_spectral_entropy():
    n = 64
    x = 2 * np.pi * np.arange(n) / n
    # one Fourier mode: all power in one |k| (real) or one k (complex)
    assert E.spectral_entropy(np.sin(3 * x)) <= 1e-12
    assert E.spectral_entropy(np.exp(3j * x)) <= 1e-12
    p = E.power_spectrum(np.cos(3 * x) + 0.5)
    assert p.shape == (n // 2 + 1,)
    # Parseval: mean 0.5 carries power 0.25, the cosine 0.5
    assert p[0] == pytest.approx(1 / 3, abs=1e-14) and p[3] == pytest.approx(2 / 3, abs=1e-14)
    # one-sided = two-sided folded onto |k|
    rng = np.random.default_rng(RNG_SEED)
    for size in (64, 65):
        f = rng.normal(size=size)
        two = np.abs(np.fft.fft(f)) ** 2
        folded = two[: size // 2 + 1].copy()
        folded[1 : (size + 1) // 2] += two[::-1][: (size + 1) // 2 - 1]
        assert np.allclose(E.power_spectrum(f), folded / folded.sum(), rtol=1e-12, atol=0)
        assert np.allclose(E.power_spectrum(f, onesided=False), two / two.sum(), rtol=1e-12, atol=0)
        h = E.spectral_entropy(f)
        assert h == pytest.approx(stats.entropy(folded) / math.log(size // 2 + 1), abs=1e-12)
        assert 0 <= h <= 1


# ---------------------------------------------------------------------------------------------------
# Field entropies: resolution independence and closed forms
# ---------------------------------------------------------------------------------------------------


def grid(n, length):
    x = -length / 2 + length * np.arange(n) / n  # periodic grid, right end excluded
    return x, length / n


def test_field_entropy_resolution_independent_soliton():
    eta = 1.5
    values = {}
    for n in (256, 1024):
        x, dx = grid(n, 50.0)
        psi = eta / np.cosh(eta * (x - 1.0)) * np.exp(0.8j * x)
        values[n] = {
            "shannon": E.field_entropy(psi, dx),
            "renyi2": E.field_entropy(psi, dx, "renyi", alpha=2.0),
            "renyi_inf": E.field_entropy(psi, dx, "renyi", alpha=np.inf),
            "tsallis2": E.field_entropy(psi, dx, "tsallis", q=2.0),
            "discrete": E.shannon(E.field_density(psi, dx)),
        }
    for key in ("shannon", "renyi2", "tsallis2"):
        assert abs(values[256][key] - values[1024][key]) <= 1e-6, key
    # h = 2 − ln(2η) for ρ = η sech²(η x)/2
    assert values[1024]["shannon"] == pytest.approx(2 - math.log(2 * eta), abs=1e-10)
    # ∫ρ² = η/3 for the same ρ
    assert values[1024]["renyi2"] == pytest.approx(-math.log(eta / 3), abs=1e-10)
    assert values[1024]["tsallis2"] == pytest.approx(1 - eta / 3, abs=1e-10)
    # the discrete entropy of p_j grows by ln 4 when the resolution is quadrupled
    growth = values[1024]["discrete"] - values[256]["discrete"]
    assert growth == pytest.approx(math.log(4), abs=1e-6)


@pytest.mark.parametrize("sigma", [0.5, 2.0])
def test_field_entropy_gaussian_closed_forms(sigma):
    for n in (256, 1024):
        x, dx = grid(n, 40.0)
        f = np.exp(-(x**2) / (4 * sigma**2))  # |f|² ∝ N(0, σ²)
        h = E.field_entropy(f, dx)
        assert h == pytest.approx(0.5 * math.log(2 * math.pi * math.e * sigma**2), abs=1e-9)
        for alpha in (0.5, 2.0, 3.0):
            expected = 0.5 * math.log(2 * math.pi * sigma**2) + math.log(alpha) / (2 * (alpha - 1))
            assert E.field_entropy(f, dx, "renyi", alpha=alpha) == pytest.approx(expected, abs=1e-9)
        for q in (0.5, 2.0):
            integral = (2 * math.pi * sigma**2) ** ((1 - q) / 2) / math.sqrt(q)
            expected = (1 - integral) / (q - 1)
            assert E.field_entropy(f, dx, "tsallis", q=q) == pytest.approx(expected, abs=1e-9)
        # bits: divide by ln 2; uniform cell widths given as an array: same value
        assert E.field_entropy(f, dx, base=2) == pytest.approx(h / math.log(2), abs=1e-12)
        assert E.field_entropy(f, np.full(n, dx)) == pytest.approx(h, abs=1e-12)


# ---------------------------------------------------------------------------------------------------
# Permutation entropy and statistical complexity
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", [3, 4, 5])
def test_permutation_entropy_matches_ordpy(order):
    ordpy = pytest.importorskip("ordpy")
    rng = np.random.default_rng(RNG_SEED + order)
    for series in (rng.normal(size=3000), logistic_map(3000)):
        for delay in (1, 2):
            ours = E.permutation_entropy(series, order, delay)
            assert abs(ours - ordpy.permutation_entropy(series, dx=order, taux=delay)) <= 1e-12
            bits = E.permutation_entropy(series, order, delay, normalized=False, base=2)
            theirs = ordpy.permutation_entropy(
                series, dx=order, taux=delay, base=2, normalized=False
            )
            assert abs(bits - theirs) <= 1e-12
        h, c = ordpy.complexity_entropy(series, dx=order)
        assert abs(E.statistical_complexity(E.ordinal_patterns(series, order)) - c) <= 1e-12
        assert abs(E.permutation_entropy(series, order) - h) <= 1e-12


def test_permutation_entropy_constant_and_monotone_series_are_zero():
    assert E.permutation_entropy(np.full(50, 3.0), 4) == 0.0
    assert E.permutation_entropy(np.arange(50.0), 5, 2) == 0.0
    # random series approach the maximum
    assert E.permutation_entropy(np.random.default_rng(RNG_SEED).normal(size=20000), 3) > 0.999


def complexity_reference(p):
    """C = Q0 JS(p, u) H with Q0 = 1/JS(δ, u), all from scipy.stats.entropy on full vectors."""
    k = p.size
    u = np.full(k, 1 / k)
    delta = np.eye(k)[0]

    def js(a):
        return stats.entropy((a + u) / 2) - stats.entropy(a) / 2 - stats.entropy(u) / 2

    return js(p) / js(delta) * stats.entropy(p) / math.log(k)


def test_statistical_complexity_definition_and_zeros():
    rng = np.random.default_rng(RNG_SEED)
    p = random_distributions(rng, 20, 24)
    expected = np.array([complexity_reference(row) for row in p])
    assert np.max(np.abs(E.statistical_complexity(p) - expected)) <= 1e-12
    for k in (2, 6, 120):
        assert E.statistical_complexity(np.eye(k)[1]) == 0.0
        assert abs(E.statistical_complexity(np.full(k, 1 / k))) <= 1e-14


def min_family(pmax, k):
    return np.r_[pmax, np.full(k - 1, (1 - pmax) / (k - 1))]


def max_family(p, n, k):
    free = k - n - 1
    return np.r_[np.zeros(n), p, np.full(free, (1 - p) / free)]


def curve_at(h, k, which):
    """C on the minimum or maximum curve at normalised entropy h (root-finding on the families)."""
    if which == "min":
        pmax = brentq(
            lambda s: stats.entropy(min_family(s, k)) / math.log(k) - h, 1 / k, 1, xtol=1e-15
        )
        return complexity_reference(min_family(pmax, k))
    for n in range(k - 1):
        if math.log(k - n - 1) / math.log(k) <= h <= math.log(k - n) / math.log(k):
            p = brentq(
                lambda s, n=n: stats.entropy(max_family(s, n, k)) / math.log(k) - h,
                0,
                1 / (k - n),
                xtol=1e-15,
            )
            return complexity_reference(max_family(p, n, k))
    raise AssertionError(h)


@pytest.mark.parametrize("k", [6, 24])
def test_complexity_between_theoretical_curves(k):
    (h_min, c_min), (h_max, c_max) = E.complexity_entropy_curves(k, n_points=500)
    for h, c in ((h_min, c_min), (h_max, c_max)):
        assert np.all(np.diff(h) >= 0)
        assert h[0] == pytest.approx(0, abs=1e-15) and h[-1] == pytest.approx(1, abs=1e-15)
        assert c[0] == pytest.approx(0, abs=1e-15) and c[-1] == pytest.approx(0, abs=1e-14)
    # the returned points lie on the curves
    for h, c, which in ((h_min, c_min, "min"), (h_max, c_max, "max")):
        for i in np.linspace(1, h.size - 2, 15).astype(int):
            assert c[i] == pytest.approx(curve_at(h[i], k, which), abs=1e-12)
    # random distributions, from nearly delta to nearly uniform, lie between them
    rng = np.random.default_rng(RNG_SEED + k)
    p = np.concatenate([rng.dirichlet(np.full(k, a), size=8) for a in (0.05, 0.3, 1.0, 5.0, 100.0)])
    hs, cs = E.shannon(p, normalized=True), E.statistical_complexity(p)
    for h, c in zip(hs, cs, strict=True):
        assert curve_at(h, k, "min") - 1e-12 <= c <= curve_at(h, k, "max") + 1e-12


# ---------------------------------------------------------------------------------------------------
# Sample entropy
# ---------------------------------------------------------------------------------------------------


def sampen_reference(x, m, r):
    """Richman & Moorman: templates i = 0 … N − m − 1, pairs i < j, Chebyshev distance ≤ r."""
    n_templates = len(x) - m
    a = b = 0
    for i in range(n_templates):
        for j in range(i + 1, n_templates):
            if max(abs(x[i + k] - x[j + k]) for k in range(m)) <= r:
                b += 1
                a += abs(x[i + m] - x[j + m]) <= r
    return -math.log(a / b)


@pytest.fixture(params=["numpy", "numba"])
def sampen_path(request, monkeypatch):
    if request.param == "numba":
        monkeypatch.setattr(signals, "SAMPEN_NUMBA_MIN_TEMPLATES", 0)
    return request.param


def test_sample_entropy_matches_reference(sampen_path):
    rng = np.random.default_rng(RNG_SEED)
    t = np.arange(240)
    series = np.sin(0.3 * t) + 0.3 * rng.normal(size=t.size)
    series[100:104] = series[99]  # ties exactly at r = 0
    for m in (1, 2, 3):
        r = 0.2 * np.std(series)
        assert E.sample_entropy(series, m) == pytest.approx(
            sampen_reference(series, m, r), abs=1e-12
        )
    assert E.sample_entropy(series, 2, r=0.5) == pytest.approx(
        sampen_reference(series, 2, 0.5), abs=1e-12
    )
    # logistic map: every row of a 2-D call equals its 1-D call
    rows = np.stack([logistic_map(200, x0) for x0 in (0.1, 0.2, 0.3)])
    got = E.sample_entropy(rows, 2, r=0.1)
    expected = [sampen_reference(row, 2, 0.1) for row in rows]
    assert np.allclose(got, expected, rtol=0, atol=1e-12)


def test_sample_entropy_paths_agree_on_long_series():
    x = np.random.default_rng(RNG_SEED).normal(size=(2, 2600))
    counts_numpy = signals._sampen_counts_numpy(x, 2, np.array([0.2, 0.3]))
    counts_numba = signals._sampen_counts_numba(x, 2, np.array([0.2, 0.3]))
    assert np.array_equal(counts_numpy, counts_numba)
    assert E.sample_entropy(np.full(30, 1.0)) == 0.0  # every template matches


# ---------------------------------------------------------------------------------------------------
# Degenerate input, axes and xarray
# ---------------------------------------------------------------------------------------------------

DEGENERATE = [
    ("shannon zeros", lambda: E.shannon(np.zeros(5))),
    ("shannon empty", lambda: E.shannon(np.zeros(0))),
    ("shannon nan", lambda: E.shannon([0.5, np.nan])),
    ("renyi zeros", lambda: E.renyi(np.zeros(5), 2.0)),
    ("renyi inf zeros", lambda: E.renyi(np.zeros(5), np.inf)),
    ("tsallis zeros", lambda: E.tsallis(np.zeros(5), 2.0)),
    ("normalized one state", lambda: E.shannon([1.0], normalized=True)),
    ("histogram all nan", lambda: E.shannon(E.histogram(np.full(5, np.nan), 4))),
    ("histogram out of range", lambda: E.shannon(E.histogram([5.0, 6.0], 4, range=(0, 1)))),
    ("field zeros", lambda: E.field_entropy(np.zeros(16), 0.1)),
    ("field density zeros", lambda: E.shannon(E.field_density(np.zeros(16)))),
    ("spectral zeros", lambda: E.spectral_entropy(np.zeros(16))),
    ("spectral empty", lambda: E.spectral_entropy(np.zeros(0))),
    ("permutation too short", lambda: E.permutation_entropy(np.arange(3.0), 4)),
    ("permutation nan", lambda: E.permutation_entropy(np.r_[np.arange(9.0), np.nan])),
    ("complexity zeros", lambda: E.statistical_complexity(np.zeros(6))),
    ("complexity one state", lambda: E.statistical_complexity([1.0])),
    ("sampen too short", lambda: E.sample_entropy(np.arange(3.0), 2)),
    ("sampen no match", lambda: E.sample_entropy(np.arange(50.0), 2, r=0.5)),
    ("sampen nan", lambda: E.sample_entropy(np.r_[np.arange(20.0), np.nan])),
]


@pytest.mark.parametrize("call", [c for _, c in DEGENERATE], ids=[name for name, _ in DEGENERATE])
def test_degenerate_input_gives_nan_and_warning(call):
    with pytest.warns(RuntimeWarning):
        value = call()
    assert np.all(np.isnan(value))


def test_degenerate_rows_do_not_spoil_the_others():
    p = np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    with pytest.warns(RuntimeWarning, match="1 of 3"):
        h = E.shannon(p)
    assert h[0] == pytest.approx(math.log(2), abs=1e-15) and np.isnan(h[1]) and h[2] == 0.0
    with pytest.raises(ValueError):
        E.shannon([0.5, -0.1])


def axis_cases(rng):
    p = random_distributions(rng, 5, 8)
    series = rng.normal(size=(5, 300))
    field = rng.normal(size=(5, 64)) + 1j * rng.normal(size=(5, 64))
    return [
        (lambda a, **kw: E.shannon(a, base=2, **kw), p),
        (lambda a, **kw: E.renyi(a, 2.5, normalized=True, **kw), p),
        (lambda a, **kw: E.tsallis(a, 0.5, **kw), p),
        (E.statistical_complexity, p),
        (lambda a, **kw: E.histogram(a, 6, **kw), series),
        (lambda a, **kw: E.field_density(a, 0.1, **kw), field),
        (lambda a, **kw: E.field_entropy(a, 0.1, "renyi", alpha=2.0, **kw), field),
        (E.power_spectrum, series),
        (E.spectral_entropy, field),
        (lambda a, **kw: E.ordinal_patterns(a, 4, **kw), series),
        (lambda a, **kw: E.permutation_entropy(a, 4, 2, **kw), series),
        (lambda a, **kw: E.sample_entropy(a, 2, **kw), series[:, :120]),
    ]


def test_axis_handling_matches_one_dimensional_calls():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for func, data in axis_cases(np.random.default_rng(RNG_SEED)):
            per_row = np.array([func(row) for row in data])
            assert np.array_equal(func(data), per_row)
            # the states move to where the axis was; reductions drop it
            along_0 = func(data.T, axis=0)
            assert np.array_equal(along_0, per_row.T if per_row.ndim == 2 else per_row)
            stacked = func(np.stack([data, data]))
            assert np.array_equal(stacked[1], per_row)


def test_dataarray_in_dataarray_out():
    rng = np.random.default_rng(RNG_SEED)
    t, x = np.arange(4) * 0.5, np.linspace(-5, 5, 64, endpoint=False)
    values = np.exp(-((x[None, :] - t[:, None]) ** 2)) * (1 + 0.1 * rng.random((4, 64)))
    da = xr.DataArray(
        values, dims=("t", "x"), coords={"t": t, "x": x, "step": ("t", np.arange(4))}, name="phi"
    )
    p = E.field_density(da, dx=x[1] - x[0], dim="x")
    assert p.dims == ("t", "x") and np.array_equal(p.x, x)
    assert np.array_equal(p.values, E.field_density(values, x[1] - x[0]))

    h = E.shannon(p, dim="x")
    assert isinstance(h, xr.DataArray) and h.dims == ("t",)
    assert np.array_equal(h.t, t) and np.array_equal(h.step, np.arange(4))
    assert np.array_equal(h.values, E.shannon(p.values))
    # the dimension is found by name whatever its position
    assert np.array_equal(E.shannon(p.transpose("x", "t"), dim="x").values, h.values)
    assert np.array_equal(E.shannon(p).values, h.values)  # default: the last dimension

    hf = E.field_entropy(da, x[1] - x[0], dim="x")
    assert hf.dims == ("t",) and np.array_equal(hf.values, E.field_entropy(values, x[1] - x[0]))

    patterns = E.ordinal_patterns(da, 3, dim="t")
    assert patterns.dims == ("x", "pattern") and np.array_equal(patterns.x, x)
    pe = E.permutation_entropy(da, 3, dim="x")
    assert pe.dims == ("t",) and np.array_equal(pe.values, E.permutation_entropy(values, 3))
    assert E.histogram(da, 5, dim="x").dims == ("t", "bin")
    assert E.power_spectrum(da, dim="x").sizes["mode"] == 33

    with pytest.raises(TypeError):
        E.shannon(values, dim="x")
    with pytest.raises(ValueError):
        E.shannon(da, dim="y")


def test_field_entropies_match_field_entropy_one_by_one():
    """The batched Shannon/Rényi/Tsallis of one density equal the one-at-a-time functions, and the
    direct Rényi sum (α ln n < 700) and logsumexp branch agree with long-double sums to 1e-15."""
    rng = np.random.default_rng(5)
    field = rng.standard_normal((6, 257)) + 1j * rng.standard_normal((6, 257))
    field[:, :30] = 0.0  # zero cells are outside the support
    dx, alphas, qs = 0.013, (0.0, 0.3, 0.9, 2.0, 3.7, np.inf, 200.0), (0.5, 1.0, 2.0)
    shannon, renyi, tsallis = E.field_entropies(field, dx, alphas, qs)
    assert renyi.shape == (6, len(alphas)) and tsallis.shape == (6, len(qs))
    np.testing.assert_array_equal(shannon, E.field_entropy(field, dx, "shannon"))
    for i, a in enumerate(alphas):
        np.testing.assert_array_equal(renyi[:, i], E.field_entropy(field, dx, "renyi", alpha=a))
    for i, q in enumerate(qs):
        np.testing.assert_array_equal(tsallis[:, i], E.field_entropy(field, dx, "tsallis", q=q))
    p = (np.abs(field) ** 2).astype(np.longdouble)
    p /= p.sum(axis=1, keepdims=True)
    for i, a in enumerate(alphas[1:-2], start=1):
        support = p > 0
        exact = np.log(np.sum(np.where(support, p, 1) ** a * support, axis=1) * dx ** (1 - a))
        np.testing.assert_allclose(renyi[:, i], (exact / (1 - a)).astype(float), rtol=0, atol=1e-14)


# ---------------------------------------------------------------------------------------------------
# The package keeps the public names of the former module simsuite/diagnostics/entropy.py
# ---------------------------------------------------------------------------------------------------

# The former module's __all__, plus its public names outside it that the package uses
# (field_entropies in diagnostics.fields) or that tune it (SAMPEN_NUMBA_MIN_TEMPLATES).
FORMER_PUBLIC_NAMES = [
    "histogram",
    "field_density",
    "power_spectrum",
    "ordinal_patterns",
    "shannon",
    "renyi",
    "tsallis",
    "field_entropy",
    "permutation_entropy",
    "spectral_entropy",
    "statistical_complexity",
    "complexity_entropy_curves",
    "sample_entropy",
    "field_entropies",
    "SAMPEN_NUMBA_MIN_TEMPLATES",
]


@pytest.mark.parametrize("name", FORMER_PUBLIC_NAMES)
def test_former_public_names_importable_from_the_package(name):
    """``from simsuite.diagnostics.entropy import name`` works, and gives the object defined in one
    of the package's modules."""
    package = importlib.import_module("simsuite.diagnostics.entropy")
    assert name in package.__all__
    obj = getattr(package, name)  # what the from-import statement binds
    if callable(obj):
        assert obj.__name__ == name
        assert obj.__module__.startswith("simsuite.diagnostics.entropy.")
        assert getattr(importlib.import_module(obj.__module__), name) is obj
