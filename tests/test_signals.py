"""SIGINT and SIGTERM are obeyed between integrator steps, not only between snapshots (issue 17,
item 3): ``advance(..., should_stop)`` stops between steps (compiled loops between blocks of
steps) without changing any number, and a run inside one long output interval exits 130 / 143
within about a second, its file incomplete with every snapshot written before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
import xarray as xr

import simsuite
from simsuite import runner
from simsuite.config import load_config
from simsuite.integrators import Interrupted
from simsuite.integrators import base as integrators_base
from simsuite.io.checkpoint import checkpoint_path, read_checkpoint
from simsuite.io.netcdf import NetCDFWriter
from simsuite.runner import RunInterrupted, build
from simsuite.spectral import fftw_numba

from .conftest import CONFIGS, ROOT, write_config
from .test_couzin import couzin_config
from .test_kg import kg_config
from .test_nlse import SOLITON, nlse_config
from .test_reliability import CASES, _data, _overrides

needs_fftw = pytest.mark.skipif(not fftw_numba.available(), reason="no FFTW library")


class StopAfter:
    """A ``should_stop`` that answers true from its ``k``-th call on, counting its calls."""

    def __init__(self, k: int):
        self.k = k
        self.calls = 0

    def __call__(self) -> bool:
        self.calls += 1
        return self.calls >= self.k


def _python_path(model) -> None:
    """Make the model's problem take its Python loops (no compiled kernels)."""
    model.problem.__dict__["_compiled"] = None
    assert not getattr(model.problem, "compiled_steps", False)


def _nlse(method: str, **keys):
    return build(nlse_config(integrator__method=method, grid__n_points=128, **SOLITON, **keys))


def _kg(method: str, **sections):
    return build(kg_config(integrator={"method": method}, **sections))


def _couzin():
    return build(load_config(couzin_config()))


# every family, on its Python loop: (name, builder)
PYTHON_LOOPS = {
    "dop853": lambda: _nlse("dop853"),
    "dopri5": lambda: _nlse("dopri5"),
    "rk4ip": lambda: _nlse("rk4ip"),
    "ssf4": lambda: _nlse("ssf4"),
    "etd_abm4": lambda: _nlse("etd_abm4"),
    "yoshida4": lambda: _kg("yoshida4"),
    "exponential_yoshida4": lambda: _kg("exponential_yoshida4"),
    "map": _couzin,
}


@pytest.mark.parametrize("name", sorted(PYTHON_LOOPS))
def test_should_stop_true_after_k_checks_stops_after_k_steps(name):
    model, stepper = PYTHON_LOOPS[name]()
    if name != "map":
        _python_path(model)
    u0 = model.initial_state()
    dt = stepper.dt if stepper.dt > 0 else 0.01
    k = 7 + (stepper.steps - 1 if hasattr(stepper, "steps") else 0)  # past a multistep start-up
    stop = StopAfter(k)
    with pytest.raises(Interrupted) as info:
        stepper.advance(u0, 0.0, 1000 * dt, stop)
    stats = stepper.stats
    assert stop.calls == k
    assert info.value.step == stats.n_steps
    if stepper.adaptive:  # asked after every attempt, accepted or rejected
        assert stats.n_steps + stats.n_rejected == k
        assert 0 < info.value.t < 1000 * dt
    else:
        assert stats.n_steps == k
        assert info.value.t == pytest.approx(k * dt, rel=1e-12)


@pytest.mark.parametrize("name", sorted(PYTHON_LOOPS))
def test_asking_never_true_changes_nothing(name):
    """``should_stop`` is only asked: the steps and their numbers are those of a call without it."""
    results = []
    for should_stop in (None, StopAfter(10**9)):
        model, stepper = PYTHON_LOOPS[name]()
        if name != "map":
            _python_path(model)
        u, t = model.initial_state(), 0.0
        for target in (0.3, 0.6):
            u, t = stepper.advance(u, t, target, should_stop)
        results.append((u, stepper.stats.n_steps, stepper.stats.n_rhs))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    assert results[0][1:] == results[1][1:]


# the compiled multi-step loops: (name, builder, span)
COMPILED = {
    "yoshida4": (lambda: _kg("yoshida4"), 40.0),
    "verlet": (lambda: _kg("verlet"), 40.0),
    "blanes_moan4 (filtered)": (
        lambda: _kg("blanes_moan4", grid={"dealias": "two_thirds"}),
        40.0,
    ),
    "exponential_yoshida4": (lambda: _kg("exponential_yoshida4"), 40.0),
    "exponential_verlet (sine-Gordon, filtered)": (
        lambda: _kg(
            "exponential_verlet", potential={"name": "sine_gordon"}, grid={"dealias": "half"}
        ),
        40.0,
    ),
    "etd_abm6": (lambda: _nlse("etd_abm6", time__dt=0.002), 4.0),
}


@needs_fftw
@pytest.mark.parametrize("name", sorted(COMPILED))
def test_compiled_loops_in_blocks_equal_one_call_bit_for_bit(name, monkeypatch):
    build_, span = COMPILED[name]
    results = []
    for should_stop in (None, StopAfter(10**9)):
        model, stepper = build_()
        assert model.problem.compiled_steps
        if should_stop is not None:  # blocks of a few steps: many block boundaries
            monkeypatch.setattr(integrators_base, "BLOCK_SECONDS", 1e-5)
        u, t = model.initial_state(), 0.0
        for target in (span / 2, span):
            u, t = stepper.advance(u, t, target, should_stop)
        results.append((u, stepper.stats.n_steps, stepper.stats.n_rhs))
        if should_stop is not None:
            assert should_stop.calls > 10  # asked between blocks, so there were blocks
    np.testing.assert_array_equal(results[0][0], results[1][0])
    assert results[0][1:] == results[1][1:]


@needs_fftw
@pytest.mark.parametrize("name", sorted(COMPILED))
def test_compiled_loops_stop_between_blocks(name, monkeypatch):
    build_, span = COMPILED[name]
    model, stepper = build_()
    monkeypatch.setattr(integrators_base, "BLOCK_SECONDS", 1e-4)
    stop = StopAfter(3 + (stepper.steps if hasattr(stepper, "steps") else 0))
    n = round(span / stepper.dt)
    started = time.perf_counter()
    with pytest.raises(Interrupted) as info:
        stepper.advance(model.initial_state(), 0.0, span, stop)
    assert time.perf_counter() - started < 1.0
    steps = stepper.stats.n_steps
    assert info.value.step == steps and 0 < steps < n
    assert info.value.t == pytest.approx(steps * stepper.dt, rel=1e-9)
    if hasattr(stepper, "check_every"):  # blocks of whole check intervals
        assert steps % stepper.check_every == 0


def test_step_blocks_cover_the_steps_in_multiples():
    assert list(integrators_base.step_blocks(250, None, 100)) == [250]
    sizes = list(integrators_base.step_blocks(12345, lambda: False, 100))
    assert sum(sizes) == 12345 and sizes[0] == 100
    assert all(size % 100 == 0 for size in sizes[:-1])


# -- a run in a subprocess, signalled inside a long output interval --------------------------------

#: Seconds allowed from the signal to the exit of the process (file closed).
SIGNAL_TO_EXIT = 2.0

# the reproduction: a Gaussian of amplitude 1e6 makes dop853 grind inside the first
# output interval (56 s before it gave up; signalled after 10 s it exited 1 after 56 s)
GRINDING_NLSE = """
[model]
name = "nlse"

[time]
t_final = 1.0
dt = 0.01
n_snapshots = 101

[integrator]
method = "dop853"
rtol = 1e-10
atol = 1e-12
max_steps = 3000000

[grid]
x_min = -25.0
x_max = 25.0
n_points = 512

[initial_condition]
type = "gaussian"
amplitude = 1e6

[output]
path = "out/run.nc"
"""

# compiled fixed step: 5e6 Yoshida steps (15-30 s) in one output interval
LONG_KG = """
[model]
name = "klein_gordon"

[time]
t_final = 100000.0
dt = 0.02
n_snapshots = 2

[integrator]
method = "yoshida4"

[grid]
x_min = -30.0
x_max = 30.0
n_points = 256

[potential]
name = "phi4"

[initial_condition]
type = "gaussian"

[output]
path = "out/run.nc"

[run]
threads = 1
"""

# the Couzin map: 4·10^5 steps of 60 agents (about 40 s) in one output interval
LONG_COUZIN = """
[model]
name = "couzin"

[time]
t_final = 40000.0
dt = 0.1
n_snapshots = 2

[agents]
n = 60

[output]
path = "out/run.nc"

[run]
threads = 1
"""


def _signal_inside_interval(workdir, text: str, sig: int, wait: float = 3.0):
    """Start ``simsuite run`` on ``text``, send ``sig`` ``wait`` s after the output file appears
    (the first snapshot is being written then; the next interval takes far longer); return the
    exit code, stderr and the seconds from the signal to the exit."""
    path = write_config(workdir / "run.toml", text)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "simsuite", "run", str(path), "--quiet"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    out = workdir / "out" / "run.nc"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None and not out.exists():
            time.sleep(0.05)
        time.sleep(wait)
        assert proc.poll() is None, "the run ended before the signal"
    finally:
        proc.send_signal(sig)
        signalled = time.monotonic()
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    return proc.returncode, err, time.monotonic() - signalled


def _assert_interrupted_file(path, name: str, t_final: float) -> None:
    """Readable, incomplete with a reason naming the signal, holding the snapshots before it."""
    with xr.open_dataset(path) as ds:
        assert ds.attrs["status"] == "incomplete"
        assert name in ds.attrs["status_reason"]
        assert 1 <= ds.sizes["t"] and float(ds.t[-1]) < t_final
        assert np.all(np.isfinite(ds[next(iter(ds.data_vars))].values))


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_stops_a_grinding_adaptive_run_within_a_second(sig, code, workdir):
    returncode, err, seconds = _signal_inside_interval(workdir, GRINDING_NLSE, sig)
    assert returncode == code, err
    assert seconds < SIGNAL_TO_EXIT, f"{seconds:.2f} s from the signal to the exit"
    assert "interrupted" in err and "Traceback" not in err
    _assert_interrupted_file(workdir / "out" / "run.nc", signal.Signals(sig).name, 1.0)


ONE_ADVANCE = "[diagnostics]\nprobe_every = 100000.0\n"  # 5e6 steps in one advance: in blocks


@needs_fftw
@pytest.mark.parametrize(
    ("method", "probe"),
    [
        ("yoshida4", ""),  # the probe every dt: one advance per step
        ("yoshida4", ONE_ADVANCE),
        ("exponential_yoshida4", ONE_ADVANCE),
    ],
    ids=["probe every step", "one advance", "exponential, one advance"],
)
def test_sigterm_stops_a_compiled_kg_run_inside_a_long_interval(method, probe, workdir):
    text = LONG_KG.replace('"yoshida4"', f'"{method}"') + probe
    returncode, err, seconds = _signal_inside_interval(workdir, text, signal.SIGTERM)
    assert returncode == 143, err
    assert seconds < SIGNAL_TO_EXIT, f"{seconds:.2f} s from the signal to the exit"
    _assert_interrupted_file(workdir / "out" / "run.nc", "SIGTERM", 100000.0)


def test_sigint_stops_the_couzin_map_inside_a_long_interval(workdir):
    returncode, err, seconds = _signal_inside_interval(workdir, LONG_COUZIN, signal.SIGINT)
    assert returncode == 130, err
    assert seconds < SIGNAL_TO_EXIT, f"{seconds:.2f} s from the signal to the exit"
    _assert_interrupted_file(workdir / "out" / "run.nc", "SIGINT", 40000.0)


def test_sigint_stops_simsuite_run_in_the_main_thread(workdir):
    """The library call (no CLI): a SIGINT inside the grinding interval raises RunInterrupted
    within a second, the file incomplete; the previous SIGINT handler is back afterwards."""
    path = write_config(workdir / "run.toml", GRINDING_NLSE)
    before = signal.getsignal(signal.SIGINT)
    sent: list[float] = []

    def interrupt() -> None:
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(3.0, interrupt)
    timer.start()
    try:
        with pytest.raises(RunInterrupted) as info:
            simsuite.run(path, progress=False)
    finally:
        timer.cancel()
    assert info.value.signum == signal.SIGINT
    assert time.monotonic() - sent[0] < SIGNAL_TO_EXIT
    assert signal.getsignal(signal.SIGINT) is before
    _assert_interrupted_file(workdir / "out" / "run.nc", "SIGINT", 1.0)


@pytest.mark.parametrize("case", ["nlse_dop853", "nlse_etd_abm8", "kg_yoshida4", "couzin"])
def test_a_stop_inside_an_interval_writes_no_checkpoint_and_restarts_exactly(
    case, tmp_path, monkeypatch
):
    """A signal between two steps of interval 9 (8 snapshots written, the last checkpoint after
    7): nothing of the interval is written, the checkpoint stays the one of snapshot 7, and
    ``--restart`` continues from it to the numbers of the uninterrupted run."""
    config = CONFIGS / CASES[case][0]
    whole = simsuite.run(config, output=tmp_path / "whole.nc", overrides=_overrides(case))

    armed: list[bool] = []
    append = NetCDFWriter.append

    def counting_append(self, t, values):
        append(self, t, values)
        if self.n_written == 8:
            armed.append(True)

    def requested(self) -> bool:  # SIGTERM arrives at the first check inside interval 9
        if armed and self.received is None:
            self.received = signal.SIGTERM
        return self.received is not None

    path = tmp_path / "broken.nc"
    with monkeypatch.context() as patch:
        patch.setattr(NetCDFWriter, "append", counting_append)
        patch.setattr(runner._StopOnSignal, "requested", requested)
        with pytest.raises(RunInterrupted):
            simsuite.run(config, output=path, overrides=_overrides(case))
    with xr.open_dataset(path) as partial:
        assert partial.attrs["status"] == "incomplete"
        assert "SIGTERM" in partial.attrs["status_reason"]
        assert partial.sizes["t"] == 8
    assert read_checkpoint(checkpoint_path(path)).n_written == 7

    restarted = simsuite.run(config, restart=path, overrides=_overrides(case))
    assert restarted.attrs["status"] == "complete"
    xr.testing.assert_identical(_data(restarted), _data(whole))


def test_scipy_reference_stops_at_an_evaluation():
    """``dop853_plain`` takes its steps inside scipy: the request is honoured at the next
    evaluation of the right-hand side."""
    model, stepper = _nlse("dop853_plain")
    stop = StopAfter(5)
    with pytest.raises(Interrupted) as info:
        stepper.advance(model.initial_state(), 0.0, 1.0, stop)
    assert stop.calls == 5 and 0.0 <= info.value.t < 1.0
