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
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import signal
import sys
import threading
import time as _time
from pathlib import Path

import numba
import numpy as np
import xarray as xr

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from simsuite.config import ConfigError, RunConfig, load_config, to_toml
from simsuite.integrators import IntegrationError, Interrupted, get_integrator
from simsuite.io.checkpoint import (
    Checkpoint,
    check_checkpoint_times,
    checkpoint_path,
    read_checkpoint,
    write_checkpoint,
)
from simsuite.io.netcdf import (
    MemoryWriter,
    NetCDFWriter,
    OutputLock,
    file_status,
    open_output,
)
from simsuite.io.paths import check_output_file
from simsuite.memory import estimate_memory, memory_limit
from simsuite.models import Model, VariableSpec, get_model
from simsuite.models.base import PROBE_DIM
from simsuite.progress import progress_bar
from simsuite.version import __version__


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


def build(cfg: RunConfig) -> tuple[Model, object]:
    """The model and its integrator for a validated config."""
    model = get_model(cfg.model.name).from_config(cfg)
    integ = cfg.integrator
    cls = get_integrator(integ.method)
    options = {"max_steps": integ.max_steps}
    if "error_norm" in getattr(cls, "defaults", {}):
        options["error_norm"] = integ.error_norm
    stepper = cls(model.problem, dt=cfg.time.dt, rtol=integ.rtol, atol=integ.atol, **options)
    return model, stepper


def output_times(cfg: RunConfig) -> np.ndarray:
    """Snapshot times: ``time.n_snapshots`` evenly spaced over [0, t_final], or every
    ``output.save_every`` steps of ``time.dt`` when that is set."""
    every = cfg.output.save_every
    if every > 0:
        n_steps = round(cfg.time.t_final / cfg.time.dt)
        steps = np.arange(0, n_steps + 1, every)
        if steps[-1] != n_steps:
            steps = np.append(steps, n_steps)
        return steps * cfg.time.dt
    return np.linspace(0.0, cfg.time.t_final, cfg.time.n_snapshots)


def estimated_bytes(model: Model, n_snapshots: int) -> int:
    """Size of the data the run will write (before compression), from the variable specs."""
    sizes = {name: np.asarray(c.values).size for name, c in model.coords().items()}
    total = 0
    for spec in output_variables(model).values():
        count = np.prod([sizes.get(d, 1) for d in spec.dims if d != "t"], dtype=float)
        total += count * (4 if spec.dtype == "f4" else 8)
    return int(total * n_snapshots)


def check_output_size(cfg: RunConfig, model: Model) -> None:
    """Refuse a run whose output would exceed ``output.max_bytes`` (exit 2, before it starts)."""
    n_bytes = estimated_bytes(model, len(output_times(cfg)))
    if n_bytes > cfg.output.max_bytes:
        raise ConfigError(
            cfg.source,
            "output.max_bytes",
            cfg.output.max_bytes,
            f"the output would hold {n_bytes / 1e9:.3g} GB ({len(output_times(cfg))} snapshots); "
            "raise output.max_bytes, or thin the snapshots (time.n_snapshots, output.save_every)",
        )


def check_memory(cfg: RunConfig, in_memory: bool = False) -> None:
    """Refuse a run whose working memory would exceed ``run.max_memory`` (exit 2), estimated from
    the config before the model or the integrator allocate anything (:mod:`simsuite.memory`);
    ``in_memory``: the snapshots are kept in memory (no output file)."""
    limit, what = memory_limit(cfg.run.max_memory)
    if limit is None:
        return
    estimate = estimate_memory(cfg, len(output_times(cfg)) if in_memory else 0)
    if estimate.total > limit:
        raise ConfigError(
            cfg.source,
            "run.max_memory",
            cfg.run.max_memory,
            f"the run would need about {estimate.total / 1e9:.3g} GB of working memory "
            f"({estimate.describe()}), more than the {limit / 1e9:.3g} GB allowed ({what}); "
            "reduce the grid or the number of agents, choose a method with fewer stages"
            + (", write the output to a file" if in_memory else "")
            + ", or raise run.max_memory (0 = no limit)",
        )


#: Prefix of the natural scales in the runner's ``reference`` dict (beside the initial values).
SCALE = "scale:"


def output_variables(
    model: Model, reference: dict[str, float] | None = None
) -> dict[str, VariableSpec]:
    """The model's variables and the drift ``<name>_rel_error`` of each conserved scalar, with the
    value of its natural scale as the attribute ``natural_scale`` when ``reference`` holds it."""
    specs = dict(model.variables())
    for name, spec in model.variables().items():
        if spec.dims == ("t",) and spec.drift:
            definition = spec.scale or f"|{name}[0]| (1 when {name}[0] = 0: an absolute drift)"
            attrs: tuple = (("natural_scale_definition", definition),)
            if reference and SCALE + name in reference:
                attrs += (("natural_scale", reference[SCALE + name]),)
            specs[f"{name}_rel_error"] = VariableSpec(
                ("t",),
                f"drift of {name} relative to its natural scale: ({name} - {name}[0]) / "
                "natural scale",
                "1",
                attrs=attrs,
            )
    return specs


def _reference(model: Model, state) -> dict[str, float]:
    """The initial value I0 (key ``name``) and the natural scale s (key ``scale:name``) of each
    conserved invariant, from the initial ``state``; s = 1 where the model's scale is not a
    positive number (a zero state: the drift is then absolute). Checkpointed with the run, so a
    restart divides by the same numbers."""
    specs = model.variables()
    reference = {
        name: float(value) for name, value in model.invariants(state).items() if specs[name].drift
    }
    for name, scale in model.invariant_scales(state).items():
        reference[SCALE + name] = float(scale) if scale > 0 and np.isfinite(scale) else 1.0
    return reference


def _global_attrs(cfg: RunConfig, model: Model) -> dict:
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    attrs = {
        "title": cfg.model.label or f"simsuite {cfg.model.name} run",
        "model": cfg.model.name,
        "label": cfg.model.label,
        "simsuite_version": __version__,
        "created": now,
        "config_toml": to_toml(cfg),
        "config_source": cfg.source,
        "integrator": cfg.integrator.method,
        "seed": cfg.run.seed,
        "history": f"{now} simsuite run {cfg.source} ({' '.join(sys.argv[1:])})".strip(),
    }
    attrs.update(model.attrs())
    return attrs


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
        Output path overriding ``output.path`` ("" = keep in memory only).
    progress
        Show a progress bar; default ``run.progress``.
    overrides
        Dotted-key overrides, used when ``config`` is a path.
    overwrite
        Replace an existing file at the output path (refused otherwise).
    restart
        An incomplete output of this config to continue from its checkpoint (``output`` is then
        ignored); see :mod:`simsuite.io.checkpoint`.

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
    reference = None if initial is None else _reference(model, initial)
    variables = {**output_variables(model, reference), **model.probe_variables()}
    writer_args = {
        "coords": model.coords(),
        "variables": variables,
        "series": _series(model),
        "attrs": _global_attrs(cfg, model),
        "time_units": model.time_units,
        "time_long_name": model.time_long_name,
    }
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
                writer, start = _resume(cfg, model, stepper, path)
            else:
                _refuse_overwrite(cfg, path, overwrite)
                writer = _new_writer(cfg, target, writer_args)
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


def _new_writer(cfg: RunConfig, target: Path, writer_args: dict) -> NetCDFWriter:
    """The writer of a new run on ``target``. An existing file there (``--overwrite``) and its
    checkpoint are replaced only when the first snapshot is written: a start that fails leaves
    them as they were."""
    sidecar = checkpoint_path(target)
    if not target.exists():
        sidecar.unlink(missing_ok=True)  # a stale one would mislead
        return NetCDFWriter(target, compression=cfg.output.compression, **writer_args)
    return NetCDFWriter(
        target,
        compression=cfg.output.compression,
        replace=True,
        stale=(sidecar,),
        **writer_args,
    )


def _refuse_overwrite(cfg: RunConfig, path: str, overwrite: bool) -> None:
    """Refuse to replace an existing file unless asked to (exit 2, nothing is touched)."""
    status = file_status(path)
    if status is None or overwrite:
        return
    what = {
        "complete": "a complete simsuite output",
        "incomplete": "an incomplete simsuite output (continue it with --restart if it has a "
        "checkpoint)",
    }.get(status, "a file that is not a simsuite output")
    raise ConfigError(
        cfg.source,
        "output.path",
        path,
        f"already exists ({what}); pass --overwrite (simsuite.run(..., overwrite=True)) to "
        "replace it, or choose another --output",
    )


_RESTART_FREE = ("output.path", "run.progress", "run.threads")


def _flat(table: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _resume(cfg: RunConfig, model: Model, stepper, path: str):
    """The writer reopened on ``path`` and its checkpoint, after checking they belong to ``cfg``;
    the model and stepper get their saved state back."""
    real = Path(os.path.realpath(path))  # the checkpoint is beside the file a symlink points to
    status = file_status(real)
    if status is None:
        raise ConfigError(cfg.source, "--restart", path, "no such output file")
    if status == "complete":
        raise ConfigError(
            cfg.source, "--restart", path, "is complete: there is nothing to continue"
        )
    _refuse_other_model(cfg, path, real)
    sidecar = checkpoint_path(real)
    if not sidecar.exists():
        raise ConfigError(
            cfg.source,
            "output.checkpoint_every",
            cfg.output.checkpoint_every,
            f"{path} has no checkpoint ({sidecar.name}): the run had checkpoint_every = 0 or "
            "stopped before its first checkpoint; run it again with --overwrite",
        )
    start = read_checkpoint(sidecar)
    mine, theirs = _flat(tomllib.loads(to_toml(cfg))), _flat(tomllib.loads(start.config_toml))
    differ = sorted(
        k
        for k in set(mine) | set(theirs)
        if k not in _RESTART_FREE and mine.get(k) != theirs.get(k)
    )
    if differ:
        key = differ[0]
        raise ConfigError(
            cfg.source,
            key,
            mine.get(key),
            f"must equal the value of the run being restarted ({theirs.get(key)!r}); a restart "
            "continues the same run",
        )
    check_checkpoint_times(start, output_times(cfg), sidecar)  # a damaged one: exit 2
    model.restore_state(start.model)
    stepper.restore_state(start.integrator)
    for name, value in _restored_stats(start).items():
        setattr(stepper.stats, name, value)
    note = f"{_dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()} restarted "
    note += f"at t = {start.t:.17g} after {start.n_written} snapshots"
    n_series = {}
    if model.probe_variables():  # the samples up to the checkpointed snapshot
        n_series[PROBE_DIM] = 1 + int(np.sum(probe_counts(cfg)[: start.n_written - 1]))
    return NetCDFWriter.resume(real, start.n_written, note, n_series), start


def _refuse_other_model(cfg: RunConfig, path: str, real: Path) -> None:
    """Refuse to continue an output of another model (exit 2) before comparing any key."""
    try:
        with open_output(real) as ds:
            theirs = str(ds.attrs.get("model", ""))
    except (OSError, ValueError):
        return  # not readable as a dataset: the checkpoint decides
    if theirs and theirs != cfg.model.name:
        raise ConfigError(
            cfg.source,
            "model.name",
            cfg.model.name,
            f"is a different model from the run being restarted ({path} holds a {theirs} run); "
            f"restart it with its own {theirs} config",
        )


def _restored_stats(start: Checkpoint) -> dict[str, float]:
    """The step counters to continue from. A stepper that carried its last force into the next
    call (first same as last, ``fsal`` in its checkpoint state) evaluates it again after the
    restart: that evaluation is the one the uninterrupted run had already counted."""
    stats = dict(start.stats)
    if start.integrator.get("fsal") and "n_rhs" in stats:
        stats["n_rhs"] -= 1
    return stats


def probe_counts(cfg: RunConfig) -> np.ndarray:
    """Number of probe intervals in each output interval: m_k = ⌈(t_k − t_{k−1})/h_p⌉ (at least
    1), h_p = ``diagnostics.probe_every`` or ``time.dt`` when that is 0 — the rule by which the
    fixed-step methods split an interval into equal steps, so that with h_p = dt every probe
    interval is one step. The series holds 1 + Σ m_k samples: t = 0 and the ends of the probe
    intervals, every snapshot time among them."""
    h = cfg.diagnostics.probe_every or cfg.time.dt
    spans = np.diff(output_times(cfg))
    return np.maximum(1, np.ceil(spans / h * (1.0 - 1e-12))).astype(int)


def _series(model: Model) -> dict[str, dict[str, str]]:
    """The probe-series dimension and its coordinate's attributes, if the model has a probe."""
    if not model.probe_variables():
        return {}
    return {PROBE_DIM: {"long_name": "time of the probe samples", "units": model.time_units}}


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
    from ``initial`` (the initial state and its :func:`_reference`)."""
    times = output_times(cfg)
    if start is None:
        state, reference = initial if initial is not None else (model.initial_state(), None)
        k0, t, before = 0, 0.0, 0.0
        reference = dict(reference) if reference is not None else _reference(model, state)
    else:
        k0, t, state = start.n_written, start.t, start.state
        reference, before = dict(start.reference), start.wall_time_s
        if any(SCALE + name not in reference for name in reference if SCALE not in name):
            # a checkpoint written before the scales were: take them from the initial state
            reference.update(_reference(model, model.initial_state()) | dict(start.reference))
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
                snapshot = _snapshot(model, state, reference)
                if not all(np.all(np.isfinite(v)) for v in snapshot.values()):
                    raise RunFailed(
                        f"non-finite state at t = {t:.6g} (snapshot {k}); hint: reduce time.dt or the "
                        "tolerances, enable grid.dealias, or raise grid.n_points"
                    )
                writer.append(float(t_out), snapshot)
                bar.update(1)
                if every and k % every == 0 and 0 < k < len(times) - 1:
                    elapsed = before + _time.perf_counter() - started
                    _checkpoint(
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


def _checkpoint(cfg, model, stepper, path, state, t, n_written, reference, elapsed) -> None:
    stats = stepper.stats
    write_checkpoint(
        path,
        Checkpoint(
            state=state,
            t=t,
            n_written=n_written,
            stats={f: getattr(stats, f) for f in ("n_steps", "n_rejected", "n_rhs", "last_dt")},
            integrator=stepper.checkpoint_state(),
            model=model.checkpoint_state(),
            reference=reference,
            wall_time_s=elapsed,
            config_toml=to_toml(cfg),
        ),
    )


def _snapshot(model: Model, state, reference: dict[str, float]) -> dict[str, np.ndarray | float]:
    """Observables, invariants and the drifts (I − I0)/s of the conserved ones (``reference``:
    I0 and the natural scale s of each, from :func:`_reference`)."""
    values: dict[str, np.ndarray | float] = dict(model.observables(state))
    specs = model.variables()
    for name, value in model.invariants(state).items():
        values[name] = value
        if specs[name].drift:
            values[f"{name}_rel_error"] = (value - reference[name]) / reference[SCALE + name]
    return values
