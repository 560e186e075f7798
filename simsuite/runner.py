"""The model-independent run loop.

``run`` builds the model and its integrator from a config, then for each output time
t_k = k·t_final/(n_snapshots − 1) advances the state exactly to t_k, checks it is finite, evaluates the
observables and invariants, and appends the snapshot to the output (streamed NetCDF or memory). A
non-finite state, an integrator failure or an interruption stops the loop; the file then keeps every
snapshot so far and is marked ``status = "incomplete"`` with the reason.
"""

from __future__ import annotations

import datetime as _dt
import signal
import sys
import threading
import time as _time
from pathlib import Path

import numba
import numpy as np
import xarray as xr
from tqdm import tqdm

from simsuite import __version__
from simsuite.config import ConfigError, RunConfig, load_config, to_toml
from simsuite.integrators import IntegrationError, get_integrator
from simsuite.io.netcdf import MemoryWriter, NetCDFWriter, open_output
from simsuite.models import Model, VariableSpec, get_model


class RunFailed(RuntimeError):
    """The run stopped before t_final (blow-up, integrator failure). The output is kept, incomplete."""


class RunInterrupted(BaseException):
    """The run was stopped by SIGINT or SIGTERM after finishing (and writing) the current snapshot."""

    def __init__(self, signum: int, name: str):
        super().__init__(name)
        self.signum = signum
        self.name = name


class _StopOnSignal:
    """While active, SIGINT and SIGTERM only *request* a stop; the loop honours it after the current
    snapshot. Raising from the handler instead is unreliable: the exception can be lost when the signal
    lands inside C code (FFT, HDF5). A second SIGINT interrupts at once. Only in the main thread."""

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
    for spec in _variables(model).values():
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


def _variables(model: Model) -> dict[str, VariableSpec]:
    specs = dict(model.variables())
    for name, spec in model.variables().items():
        if spec.dims == ("t",) and spec.drift:
            specs[f"{name}_rel_error"] = VariableSpec(
                ("t",),
                f"relative drift of {name}: ({name} - {name}[0]) / |{name}[0]| "
                "(absolute drift when the initial value is 0)",
                "1",
            )
    return specs


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

    Raises
    ------
    RunFailed
        When the state becomes non-finite or the integrator gives up; the file keeps the snapshots so far.
    """
    cfg = config if isinstance(config, RunConfig) else load_config(config, overrides)
    path = cfg.output.path if output is None else str(output)
    if cfg.run.threads:
        numba.set_num_threads(min(cfg.run.threads, numba.config.NUMBA_NUM_THREADS))
    model, stepper = build(cfg)
    if path:
        check_output_size(cfg, model)
    variables = _variables(model)
    attrs = _global_attrs(cfg, model)
    writer_args = {"coords": model.coords(), "variables": variables, "attrs": attrs}
    writer = (
        NetCDFWriter(path, compression=cfg.output.compression, **writer_args)
        if path
        else MemoryWriter(**writer_args)
    )
    show = cfg.run.progress if progress is None else progress
    _loop(cfg, model, stepper, writer, show)
    if isinstance(writer, MemoryWriter):
        ds = writer.to_dataset()
        if cfg.diagnostics.enabled:
            from simsuite.analyze import diagnostics_for

            ds = ds.assign(diagnostics_for(ds, cfg))
        return ds
    if cfg.diagnostics.enabled:  # the complete run is on disk; add the diagnostics atomically
        from simsuite.analyze import analyze

        return analyze(path, inplace=True)
    with open_output(path) as ds:
        return ds.load()


def _loop(cfg: RunConfig, model: Model, stepper, writer, show: bool) -> None:
    times = output_times(cfg)
    state = model.initial_state()
    reference: dict[str, float] = {}
    bar = tqdm(
        total=len(times),
        disable=not show,
        mininterval=0.25,
        unit="snap",
        leave=False,
        desc=cfg.model.label or cfg.model.name,
        file=sys.stderr,
    )
    started = _time.perf_counter()
    t = 0.0
    with _StopOnSignal() as stop:
        try:
            for k, t_out in enumerate(times):
                if k > 0:
                    try:
                        state, t = stepper.advance(state, t, float(t_out))
                    except IntegrationError as exc:
                        raise RunFailed(
                            f"integrator {cfg.integrator.method} failed at t = {exc.t:.6g} "
                            f"(step {exc.step}): {exc}"
                            + (f"; hint: {exc.hint}" if exc.hint else "")
                        ) from exc
                snapshot = _snapshot(model, state, reference)
                if not all(np.all(np.isfinite(v)) for v in snapshot.values()):
                    raise RunFailed(
                        f"non-finite state at t = {t:.6g} (snapshot {k}); hint: reduce time.dt or the "
                        "tolerances, enable grid.dealias, or raise grid.n_points"
                    )
                writer.append(float(t_out), snapshot)
                bar.update(1)
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
            "wall_time_s": round(_time.perf_counter() - started, 3),
            "n_steps": stats.n_steps,
            "n_rejected_steps": stats.n_rejected,
            "n_rhs_evaluations": stats.n_rhs,
        }
    )
    writer.close("complete", "")


def _snapshot(model: Model, state, reference: dict[str, float]) -> dict[str, np.ndarray | float]:
    values: dict[str, np.ndarray | float] = dict(model.observables(state))
    specs = model.variables()
    for name, value in model.invariants(state).items():
        values[name] = value
        if not specs[name].drift:
            continue
        ref = reference.setdefault(name, value)
        values[f"{name}_rel_error"] = (value - ref) / abs(ref) if ref != 0 else value - ref
    return values
