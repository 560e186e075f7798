"""Restart checkpoints of a run: writing one, and continuing a run from one.

Every ``output.checkpoint_every`` snapshots the run writes the state, the integrator's and the model's
own state, the step counters and the drift reference to the sidecar ``<output>.ckpt.nc``
(:mod:`simsuite.io.checkpoint`). :func:`resume` reopens an incomplete output and its checkpoint after
checking they belong to the config (same model, same keys but those a restart may change) and gives the
model and the integrator their saved state back, so the continued run is bitwise the uninterrupted one.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
from pathlib import Path

import numpy as np

from simsuite.config import ConfigError, RunConfig, to_toml
from simsuite.io.checkpoint import (
    Checkpoint,
    check_checkpoint_times,
    checkpoint_path,
    read_checkpoint,
    write_checkpoint,
)
from simsuite.io.reader import file_status, open_output
from simsuite.io.writer import NetCDFWriter
from simsuite.models import Model
from simsuite.models.base import PROBE_DIM
from simsuite.run_setup import output_times, probe_counts

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_RESTART_FREE = ("output.path", "run.progress", "run.threads")


def _flat(table: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def resume(cfg: RunConfig, model: Model, stepper, path: str):
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


def write_run_checkpoint(
    cfg, model, stepper, path, state, t, n_written, reference, elapsed
) -> None:
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
