"""Restart checkpoints: everything a run needs to continue exactly where it was.

A checkpoint is a small NetCDF-4 sidecar ``<output>.ckpt.nc`` beside the output file, holding

* the integrator's state array ``u`` (real and imaginary parts for complex states) at the last
  checkpointed snapshot — the array itself, not the stored observables, so nothing is lost to a
  Fourier round trip or to single-precision output;
* as attributes: the time ``t``, the number of snapshots written (``n_written``), the step counters,
  the integrator's own state (the adaptive step size and controller memory), the model's (the
  random generator's state for Couzin), the reference values of the invariants for their drift,
  the run's wall time so far and its resolved config.

It is written atomically: to a temporary file in the same folder, fsync'ed, then renamed over the
previous checkpoint (``os.replace``), so a crash at any moment leaves either the old checkpoint or
the new one, never a torn file.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import netCDF4
import numpy as np

SUFFIX = ".ckpt.nc"


def checkpoint_path(output: str | Path) -> Path:
    """The sidecar of ``output``: ``run.nc`` → ``run.nc.ckpt.nc``."""
    output = Path(output)
    return output.with_name(output.name + SUFFIX)


@dataclass
class Checkpoint:
    """The state of a run after snapshot ``n_written − 1``."""

    state: np.ndarray
    t: float
    n_written: int
    stats: dict[str, float] = field(default_factory=dict)
    integrator: dict[str, Any] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)
    reference: dict[str, float] = field(default_factory=dict)
    wall_time_s: float = 0.0
    config_toml: str = ""


_JSON_ATTRS = ("stats", "integrator", "model", "reference")


def write_checkpoint(path: str | Path, checkpoint: Checkpoint) -> None:
    """Write ``checkpoint`` to ``path`` atomically (temporary file, fsync, rename)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    state = np.asarray(checkpoint.state)
    try:
        with netCDF4.Dataset(tmp, "w", format="NETCDF4") as nc:
            dims = tuple(f"axis{i}" for i in range(state.ndim))
            for name, size in zip(dims, state.shape, strict=True):
                nc.createDimension(name, size)
            parts = (
                {"u_real": state.real, "u_imag": state.imag}
                if np.iscomplexobj(state)
                else {"u": state}
            )
            for name, values in parts.items():
                nc.createVariable(name, values.dtype, dims)[:] = values
            nc.setncatts(
                {
                    "t": float(checkpoint.t),
                    "n_written": int(checkpoint.n_written),
                    "wall_time_s": float(checkpoint.wall_time_s),
                    "config_toml": checkpoint.config_toml,
                    "state_dtype": str(state.dtype),
                    **{k: json.dumps(getattr(checkpoint, k)) for k in _JSON_ATTRS},
                }
            )
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _fsync_directory(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_checkpoint(path: str | Path) -> Checkpoint:
    """Read a checkpoint written by :func:`write_checkpoint`.

    Raises
    ------
    ConfigError
        When the file is not a readable checkpoint (truncated, overwritten, not NetCDF, or missing
        or malformed state and attributes), naming the file; the run cannot be continued from it.
    """
    path = Path(path)
    try:
        return _read(path)
    except Exception as exc:  # noqa: BLE001 - any reader failure means "not a usable checkpoint"
        raise _unusable(path, exc) from None


def check_checkpoint_times(checkpoint: Checkpoint, times: np.ndarray, path: str | Path) -> None:
    """Refuse (ConfigError naming ``path``) a checkpoint that is not on the run's output
    ``times``: every checkpoint a run writes has ``1 <= n_written <= len(times)`` and
    ``t == times[n_written - 1]``; a damaged one (a flipped bit in an attribute) may not."""
    k = checkpoint.n_written
    if not 1 <= k <= len(times) or not np.isclose(checkpoint.t, times[k - 1], rtol=1e-12, atol=0):
        raise _unusable(
            Path(path),
            ValueError(
                f"t = {checkpoint.t!r} after {k} snapshots is not an output time of the run"
            ),
        )


def _unusable(path: Path, exc: BaseException) -> Exception:
    from simsuite.config import ConfigError

    return ConfigError(
        str(path),
        "checkpoint",
        path.name,
        f"is not a readable simsuite checkpoint ({type(exc).__name__}: {_first_line(exc)}); "
        "the run cannot be continued from it: run it again with --overwrite",
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else "no detail"


def _read(path: Path) -> Checkpoint:
    with netCDF4.Dataset(path, "r") as nc:
        nc.set_auto_mask(False)
        dtype = np.dtype(nc.getncattr("state_dtype"))
        if "u_real" in nc.variables:
            state = np.empty(nc.variables["u_real"].shape, dtype)
            state.real = nc.variables["u_real"][:]
            state.imag = nc.variables["u_imag"][:]
        else:
            state = np.asarray(nc.variables["u"][:], dtype=dtype)
        attrs = {k: nc.getncattr(k) for k in nc.ncattrs()}
    checkpoint = Checkpoint(
        state=np.ascontiguousarray(state),
        t=float(attrs["t"]),
        n_written=int(attrs["n_written"]),
        wall_time_s=float(attrs["wall_time_s"]),
        config_toml=str(attrs["config_toml"]),
        **{k: json.loads(attrs[k]) for k in _JSON_ATTRS},
    )
    if not all(isinstance(getattr(checkpoint, k), dict) for k in _JSON_ATTRS):
        raise ValueError(", ".join(_JSON_ATTRS) + " must be JSON objects")
    if checkpoint.n_written < 1 or not np.isfinite(checkpoint.t) or checkpoint.state.size == 0:
        raise ValueError(f"n_written = {checkpoint.n_written}, t = {checkpoint.t}")
    if not np.all(np.isfinite(checkpoint.state)):
        raise ValueError("the state holds non-finite values")
    return checkpoint
