"""FFT plans (simsuite.spectral.fft): FFTW and scipy.fft give the same transforms, and the NLSE runs
the same on either."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import scipy.fft as sfft

from simsuite.config import ConfigError, load_config
from simsuite.runner import build
from simsuite.spectral.fft import ComplexFFT, RealFFT, fftw_available, resolve_backend

needs_fftw = pytest.mark.skipif(not fftw_available(), reason="pyFFTW is not installed")
BACKENDS = ["scipy", pytest.param("fftw", marks=needs_fftw)]


def _random(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n) + 1j * rng.standard_normal(n)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("n", [8, 96, 512, 2048])
def test_backward_and_forward_match_scipy(backend, n):
    u_hat = _random(n)
    fft = ComplexFFT(n, 1, backend)
    physical = fft.backward(u_hat) * fft.inverse_scale
    np.testing.assert_allclose(physical, sfft.ifft(u_hat), rtol=0, atol=1e-15 * np.abs(u_hat).max())
    fft.backward(u_hat)
    back = fft.forward() * fft.inverse_scale
    np.testing.assert_allclose(back, u_hat, rtol=0, atol=1e-14 * np.abs(u_hat).max())


@pytest.mark.parametrize("backend", BACKENDS)
def test_forward_returns_a_new_array_each_call(backend):
    fft = ComplexFFT(64, 1, backend)
    first = fft.backward(_random(64, 1)).copy()
    out1 = fft.forward()
    fft.backward(_random(64, 2))
    out2 = fft.forward()
    assert out1 is not out2
    np.testing.assert_allclose(out1 * fft.inverse_scale, sfft.fft(first * fft.inverse_scale))


@needs_fftw
def test_plans_survive_pickling():
    fft = ComplexFFT(128, 1, "fftw")
    copy = pickle.loads(pickle.dumps(fft))
    u = _random(128)
    np.testing.assert_array_equal(copy.backward(u), fft.backward(u).copy())


def test_backend_names():
    assert resolve_backend("scipy") == "scipy"
    assert resolve_backend("auto") == ("fftw" if fftw_available() else "scipy")
    with pytest.raises(ValueError, match="unknown FFT backend 'fftx'"):
        resolve_backend("fftx")


def test_config_rejects_an_unknown_backend():
    with pytest.raises(ConfigError, match="run.fft"):
        load_config({"model": {"name": "nlse"}, "run": {"fft": "mkl"}})


def _soliton_run(fft: str, method: str) -> np.ndarray:
    cfg = load_config(
        {
            "model": {"name": "nlse"},
            "time": {"t_final": 1.0, "dt": 0.005},
            "integrator": {"method": method},
            "grid": {"x_min": -20.0, "x_max": 20.0, "n_points": 256},
            "initial_condition": {"type": "single_soliton", "eta": 1.5, "velocity": 0.5},
            "output": {"path": ""},
            "run": {"threads": 1, "fft": fft},
        }
    )
    model, stepper = build(cfg)
    state, _ = stepper.advance(model.initial_state(), 0.0, 1.0)
    return model.psi(state)


@needs_fftw
@pytest.mark.parametrize("method", ["ssf4", "etd_abm8", "dop853"])
def test_nlse_is_the_same_on_fftw_and_scipy(method):
    """Round-off apart (the transforms round differently), the two libraries give one solution."""
    diff = np.max(np.abs(_soliton_run("fftw", method) - _soliton_run("scipy", method)))
    assert diff < 1e-12, diff


@needs_fftw
def test_estimated_plans_are_reproducible():
    """FFTW_ESTIMATE plans do not depend on timing: two runs agree to the bit."""
    np.testing.assert_array_equal(_soliton_run("fftw", "ssf4"), _soliton_run("fftw", "ssf4"))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("n", [8, 97, 1024])
def test_real_transforms_match_scipy(backend, n):
    f = np.random.default_rng(3).standard_normal(n)
    plan = RealFFT(n, 1, backend)
    modes = plan.forward(f)
    np.testing.assert_allclose(modes, sfft.rfft(f), rtol=0, atol=1e-13 * np.abs(modes).max())
    np.testing.assert_allclose(plan.inverse(modes), f, rtol=0, atol=1e-14)
    # the buffer interface: field(c) is irfft(c); modes_of_field() transforms it back
    field = plan.field(modes)
    np.testing.assert_allclose(field, f, rtol=0, atol=1e-14)
    field *= 2.0
    np.testing.assert_allclose(plan.modes_of_field(), 2.0 * modes, atol=1e-12 * np.abs(modes).max())
    # stacks of fields go through scipy.fft
    stack = np.stack([f, -f])
    np.testing.assert_allclose(plan.forward(stack)[1], -modes, atol=1e-12 * np.abs(modes).max())


@needs_fftw
def test_real_plan_survives_pickling():
    plan = pickle.loads(pickle.dumps(RealFFT(64, 1, "fftw")))
    f = np.arange(64.0)
    np.testing.assert_allclose(plan.inverse(plan.forward(f)), f, atol=1e-12)
