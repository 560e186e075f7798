"""The model-independent run loop.

``run`` builds the model and its integrator from a config, then for each output time
t_k = k·t_final/(n_snapshots − 1) advances the state exactly to t_k, checks it is finite, evaluates the
observables and invariants, and appends the snapshot to the output (streamed NetCDF or memory). A
non-finite state, an integrator failure or an interruption stops the loop; the file then keeps every
snapshot so far and is marked ``status = "incomplete"`` with the reason.

A field model's probe (φ, φ_t or Re ψ, Im ψ at ``diagnostics.probe_x``) is recorded more densely: each
output interval is crossed in equal parts no longer than ``diagnostics.probe_every`` (default
``time.dt``), the probe read at the end of each, and the samples appended to the series on
``t_probe`` with the snapshot that closes the interval.

This module holds the orchestration (:func:`run`), the loop and the stop on a signal; the rest lives
in :mod:`simsuite.run_setup` (model and integrator, output times, refusals before the start),
:mod:`simsuite.run_output` (output variables, snapshot values, the writer) and
:mod:`simsuite.run_restart` (checkpoints and restarts), and is re-exported here.
"""

from __future__ import annotations

import dataclasses
import signal
import threading
import time as _time
from pathlib import Path

import numba
import numpy as np
import xarray as xr

from simsuite.config import ConfigError, RunConfig, load_config
from simsuite.integrators import IntegrationError, Interrupted
from simsuite.io.checkpoint import Checkpoint, checkpoint_path
from simsuite.io.lock import OutputLock
from simsuite.io.paths import check_output_file
from simsuite.io.reader import open_output
from simsuite.io.writer import MemoryWriter
from simsuite.models import Model
from simsuite.models.base import PROBE_DIM
from simsuite.progress import progress_bar
from simsuite.run_output import (
    SCALE,
    initial_reference,
    new_writer,
    output_variables,
    refuse_overwrite,
    snapshot_values,
    writer_arguments,
)
from simsuite.run_restart import resume, write_run_checkpoint
from simsuite.run_setup import (
    build,
    check_memory,
    check_output_size,
    estimated_bytes,
    output_times,
    probe_counts,
)

#: Imported from here by the CLI, tests, examples and benchmarks (defined in the run_* modules).
__all__ = [
    "SCALE",
    "RunFailed",
    "RunInterrupted",
    "build",
    "check_memory",
    "check_output_size",
    "estimated_bytes",
    "output_times",
    "output_variables",
    "probe_counts",
    "run",
]


class RunFailed(RuntimeError):
    """The run stopped before t_final (blow-up, integrator failure). The output is kept, incomplete."""


class RunInterrupted(BaseException):
    """The run was stopped by SIGINT or SIGTERM between two integrator steps; every snapshot
    finished before is written, the interval in progress is not."""

    def __init__(self, signum: int, name: str):
        super().__init__(name)
        self.signum = signum
        self.name = name


class _StopOnSignal:
    """While active, SIGINT and SIGTERM only *request* a stop; the loop honours it between two
    steps of the integrator (:meth:`requested` is its ``should_stop``; compiled loops ask it
    every ~0.1 s) or after a snapshot. Raising from the handler instead is unreliable: the
    exception can be lost when the signal lands inside C code (FFT, HDF5). A second SIGINT
    interrupts at once. Only in the main thread."""

    def __init__(self):
        self.received: int | None = None
        self._previous: dict = {}

    def __enter__(self) -> _StopOnSignal:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, _frame) -> None:
        if self.received == signal.SIGINT and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.received = signum

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def requested(self) -> bool:
        """Whether a stop was requested (the integrators' ``should_stop``)."""
        return self.received is not None

    def check(self) -> None:
        if self.received is not None:
            raise RunInterrupted(self.received, signal.Signals(self.received).name)


def run(
    config: RunConfig | str | Path,
    *,
    output: str | Path | None = None,
    progress: bool | None = None,
    overrides: dict | None = None,
    overwrite: bool = False,
    restart: str | Path | None = None,
) -> xr.Dataset:
    """Run a simulation and return its output as an :class:`xarray.Dataset`.

    Parameters
    ----------
    config
        A config from :func:`simsuite.load_config`, or the path of a TOML file.
    output
        Output path overriding ``output.path`` (``""`` = keep in memory only).
    progress
        Show a progress bar; default ``run.progress``.
    overrides
        Dotted-key overrides, used when ``config`` is a path.
    overwrite
        Replace an existing file at the output path (refused otherwise).
    restart
        An incomplete output of this config to continue from its checkpoint (``output`` is then
        ignored); see ``simsuite.io.checkpoint``.

    Raises
    ------
    RunFailed
        When the state becomes non-finite or the integrator gives up; the file keeps the snapshots so far.
    ConfigError
        Before anything runs: bad config, an existing output without ``overwrite``, an output that
        another run is writing, or a restart that does not match its file.
    """
    cfg = config if isinstance(config, RunConfig) else load_config(config, overrides)
    path = (
        str(restart) if restart is not None else cfg.output.path if output is None else str(output)
    )
    cfg = _with_output(cfg, path)  # the file records the path actually written
    if restart is not None and not path:
        raise ConfigError(cfg.source, "--restart", path, "the path of an incomplete output file")
    if cfg.run.threads:
        numba.set_num_threads(min(cfg.run.threads, numba.config.NUMBA_NUM_THREADS))
    check_memory(cfg, in_memory=not path)  # before the model allocates its grids
    model, stepper = build(cfg)
    show = cfg.run.progress if progress is None else progress
    initial = None if restart is not None and path else model.initial_state()
    reference = None if initial is None else initial_reference(model, initial)
    writer_args = writer_arguments(cfg, model, reference)
    check_output_size(cfg, model)  # on disk, or in memory when nothing is written
    if not path:
        writer = MemoryWriter(**writer_args)
        _loop(cfg, model, stepper, writer, show, initial=(initial, reference))
    else:
        check_output_file(path, cfg.source, "output.path")  # a writable regular file (exit 2)
        lock = OutputLock(path)  # on the file the path resolves to: symlinks meet the same lock
        target = lock.real
        try:
            lock.acquire()
        except FileExistsError as exc:
            raise ConfigError(cfg.source, "output.path", path, str(exc)) from None
        try:
            if restart is not None:
                writer, start = resume(cfg, model, stepper, path)
            else:
                refuse_overwrite(cfg, path, overwrite)
                writer = new_writer(cfg, target, writer_args)
                start = None
            _loop(
                cfg,
                model,
                stepper,
                writer,
                show,
                start=start,
                checkpoint=checkpoint_path(target),
                initial=(initial, reference),
            )
        finally:
            lock.release()
    if isinstance(writer, MemoryWriter):
        ds = writer.to_dataset()
        if cfg.diagnostics.enabled:
            from simsuite.analyze import diagnostics_for

            ds = ds.assign(diagnostics_for(ds, cfg))
        return ds
    if cfg.diagnostics.enabled:  # the complete run is on disk; add the diagnostics atomically
        from simsuite.analyze import analyze

        return analyze(target, inplace=True)
    with open_output(target) as ds:
        return ds.load()


def _with_output(cfg: RunConfig, path: str) -> RunConfig:
    """``cfg`` with ``output.path`` set to the path the run writes (``--output``, ``--restart``)."""
    if cfg.output.path == path:
        return cfg
    return dataclasses.replace(cfg, output=dataclasses.replace(cfg.output, path=path))


def _probe_times(t: float, t_out: float, parts: int) -> np.ndarray:
    """The ends of ``parts`` equal intervals of [t, t_out], the last exactly ``t_out``."""
    ends = t + (t_out - t) * np.arange(1, parts + 1) / parts
    ends[-1] = t_out
    return ends


def _advance(
    cfg: RunConfig, model: Model, stepper, writer, state, t: float, t_out: float, parts, stop
):
    """Advance ``state`` from t to t_out; with ``parts`` (a count, or None without a probe)
    through the probe times of :func:`_probe_times`, recording the probe at each and appending
    them to the probe series. An integrator failure becomes :class:`RunFailed`; a stop
    requested by a signal (``stop``, a :class:`_StopOnSignal`) between two steps becomes
    :class:`RunInterrupted`, and nothing of the interval is written."""
    targets = [t_out] if parts is None else _probe_times(t, t_out, int(parts))
    samples = []
    try:
        for i, target in enumerate(targets):
            if i and stop.requested():  # between probe intervals (one step each by default)
                stop.check()
            state, t = stepper.advance(state, t, float(target), stop.requested)
            if parts is not None:
                samples.append(model.probe(state))
    except IntegrationError as exc:
        raise RunFailed(
            f"integrator {cfg.integrator.method} failed at t = {exc.t:.6g} "
            f"(step {exc.step}): {exc}"
            + (f"; hint: {exc.hint}" if exc.hint and exc.hint not in str(exc) else "")
        ) from exc
    except Interrupted as exc:
        stop.check()  # the request the integrator obeyed: RunInterrupted
        raise RuntimeError(f"{exc} without a stop request") from exc  # pragma: no cover
    if parts is not None:
        writer.append_series(PROBE_DIM, targets, _columns(samples))
    return state, t


def _columns(samples: list[dict[str, float]]) -> dict[str, np.ndarray]:
    return {name: np.array([s[name] for s in samples]) for name in samples[0]}


def _loop(
    cfg: RunConfig,
    model: Model,
    stepper,
    writer,
    show: bool,
    start: Checkpoint | None = None,
    checkpoint: Path | None = None,
    initial: tuple[np.ndarray, dict[str, float]] | None = None,
) -> None:
    """Advance to each output time and write the snapshots; from ``start`` (a checkpoint) or
    from ``initial`` (the initial state and its :func:`initial_reference`)."""
    times = output_times(cfg)
    if start is None:
        state, reference = initial if initial is not None else (model.initial_state(), None)
        k0, t, before = 0, 0.0, 0.0
        reference = dict(reference) if reference is not None else initial_reference(model, state)
    else:
        k0, t, state = start.n_written, start.t, start.state
        reference, before = dict(start.reference), start.wall_time_s
        if any(SCALE + name not in reference for name in reference if SCALE not in name):
            # a checkpoint written before the scales were: take them from the initial state
            reference.update(
                initial_reference(model, model.initial_state()) | dict(start.reference)
            )
    every = cfg.output.checkpoint_every if checkpoint is not None else 0
    counts = probe_counts(cfg) if model.probe_variables() else None
    if counts is not None and start is None:  # the probe at t = 0
        writer.append_series(PROBE_DIM, np.zeros(1), _columns([model.probe(state)]))
    bar = progress_bar(
        len(times),
        initial=k0,
        enabled=show,
        unit="snap",
        desc=cfg.model.label or cfg.model.name,
    )
    started = _time.perf_counter()
    with _StopOnSignal() as stop:
        try:
            for k in range(k0, len(times)):
                t_out = times[k]
                if k > 0:
                    parts = None if counts is None else counts[k - 1]
                    state, t = _advance(
                        cfg, model, stepper, writer, state, t, float(t_out), parts, stop
                    )
                snapshot = snapshot_values(model, state, reference, cfg.output.field_outputs())
                if not all(np.all(np.isfinite(v)) for v in snapshot.values()):
                    raise RunFailed(
                        f"non-finite state at t = {t:.6g} (snapshot {k}); hint: reduce time.dt or the "
                        "tolerances, enable grid.dealias, or raise grid.n_points"
                    )
                reason = model.stop_reason(state, t)
                if reason:  # e.g. a collapse: the state has left the grid's resolution
                    raise RunFailed(reason)
                writer.append(float(t_out), snapshot)
                bar.update(1)
                if every and k % every == 0 and 0 < k < len(times) - 1:
                    elapsed = before + _time.perf_counter() - started
                    write_run_checkpoint(
                        cfg, model, stepper, checkpoint, state, t, k + 1, reference, elapsed
                    )
                if k + 1 < len(times):
                    stop.check()
        except RunFailed as exc:
            writer.close("incomplete", str(exc))
            raise
        except (KeyboardInterrupt, RunInterrupted) as exc:
            name = exc.name if isinstance(exc, RunInterrupted) else "SIGINT"
            writer.close("incomplete", f"interrupted by {name} after {writer.n_written} snapshots")
            raise
        except BaseException as exc:
            writer.close("incomplete", f"{type(exc).__name__}: {exc}")
            raise
        finally:
            bar.close()
    stats = stepper.stats
    writer.set_attrs(
        {
            "wall_time_s": round(before + _time.perf_counter() - started, 3),
            "n_steps": stats.n_steps,
            "n_rejected_steps": stats.n_rejected,
            "n_rhs_evaluations": stats.n_rhs,
        }
    )
    writer.close("complete", "")
    if checkpoint is not None:
        checkpoint.unlink(missing_ok=True)  # the complete file needs no restart
