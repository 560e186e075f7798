"""Reading simsuite outputs: the lazy opener, the validated reader and its checks.

:func:`open_output` is the public, lazy opener; :func:`read_output` is the one validated reader of the
front end (``simsuite analyze``, ``simsuite plot``), which loads and closes the file and turns every
failure into a :class:`~simsuite.config.ConfigError`; :func:`check_state` checks the file holds a
registered model's state. :func:`file_status` tells complete, incomplete and foreign files apart, and
:func:`read_snapshot` reads one snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import netCDF4
import numpy as np
import xarray as xr

from simsuite.config import ConfigError
from simsuite.io.lock import writer_of
from simsuite.io.writer import TIME
from simsuite.registry import model_names, state_variables


def file_status(path: str | Path) -> str | None:
    """The ``status`` attribute of a simsuite output (``"complete"``, ``"incomplete"``), ``""``
    for a file that is not one (unreadable or without the attribute), ``None`` if it is absent."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        with netCDF4.Dataset(path, "r") as nc:
            return str(nc.getncattr("status")) if "status" in nc.ncattrs() else ""
    except OSError:
        return ""


def open_output(path: str | Path) -> xr.Dataset:
    """Open a simsuite output file as an :class:`xarray.Dataset` (lazily, via the netCDF4 engine).

    The public opener for users; the front end reads with ``read_output``, which loads the
    file, closes it and turns every failure into a :class:`~simsuite.ConfigError`.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such output file")
    return xr.open_dataset(path, engine="netcdf4")


def read_output(path: str | Path, source: str | None = None) -> xr.Dataset:
    """Read the output file ``path`` into memory and close it (a run may append to it later).

    This is the one validated reader of the front end (``simsuite analyze``, ``simsuite plot``);
    :func:`open_output` is the lazy opener for users. What the file must hold beyond being
    readable is the caller's to say, with :func:`check_state`.

    Parameters
    ----------
    path : str or Path
        The NetCDF file.
    source : str, optional
        What the errors are reported on; default: ``path``.

    Raises
    ------
    ConfigError
        When there is no such file, when a live simsuite run is writing it (HDF5 locks the file
        then; the error names the run's PID, see :func:`writer_of`), or when the netCDF4 engine
        cannot read it.
    """
    path = Path(path)
    source = str(path) if source is None else source
    if not path.exists():
        raise ConfigError(source, "file", str(path), "no such file")
    try:
        with xr.open_dataset(path, engine="netcdf4") as ds:
            return ds.load()
    except Exception as exc:  # noqa: BLE001 - any reader failure means "not a simsuite output"
        if (pid := writer_of(path)) is not None:
            msg = f"is being written by a running simsuite run (pid {pid}); wait for it to finish"
            raise ConfigError(source, "file", path.name, msg) from None
        raise ConfigError(
            source, "file", path.name, f"is not a readable NetCDF file ({type(exc).__name__})"
        ) from None


def check_state(
    ds: xr.Dataset, source: str, purpose: str, hint: str = ""
) -> tuple[str, tuple[str, ...]]:
    """The model that made ``ds`` (its ``model`` attribute) and that model's state variables,
    after checking that the model is registered and every state variable is in ``ds``.

    Parameters
    ----------
    ds : xarray.Dataset
        A dataset read by :func:`read_output`.
    source : str
        What the errors are reported on.
    purpose : str
        Ends the error on missing variables, ``"are needed <purpose>"``; ``{model}`` in it is
        replaced by the model's name.
    hint : str, optional
        Appended to the error on an unknown model.

    Raises
    ------
    ConfigError
        On an unknown or absent ``model`` attribute, or missing state variables.
    """
    model = ds.attrs.get("model")
    required = state_variables(model)
    if required is None:
        raise ConfigError(
            source,
            "model",
            model,
            "must be a simsuite output of " + ", ".join(model_names()) + hint,
        )
    missing = [name for name in required if name not in ds.variables]
    if missing:
        raise ConfigError(
            source, "variables", ", ".join(missing), "are needed " + purpose.format(model=model)
        )
    return str(model), required


def check_snapshots(ds: xr.Dataset, source: str, names: tuple[str, ...], what: str) -> None:
    """Require at least one snapshot and finite values in the variables ``names`` of ``ds`` (a
    run stops before writing NaN or inf, so anything else is a damaged file); ``what`` ends the
    no-snapshot error (e.g. ``"nothing to analyze"``)."""
    if ds.sizes.get("t", 0) == 0:
        raise ConfigError(
            source, "t", 0, "the file holds no snapshot" + (f": {what}" if what else "")
        )
    for name in names:
        if not np.all(np.isfinite(ds[name].values)):
            raise ConfigError(
                source,
                name,
                "non-finite values",
                "must be finite (a run stops before writing NaN or inf); the file is damaged",
            )


def read_snapshot(
    path: str | Path, time: float | None, names: Iterable[str]
) -> dict[str, np.ndarray]:
    """Read the variables ``names`` (and every coordinate) at the snapshot nearest ``time``.

    ``time=None`` takes the last snapshot. Raises ``ValueError`` naming what is missing.
    """
    with open_output(path) as ds:
        missing = [n for n in names if n not in ds.variables]
        if missing:
            raise ValueError(f"{path}: variables {', '.join(missing)} not in the file")
        if ds.sizes.get(TIME, 0) == 0:
            raise ValueError(f"{path}: the file holds no snapshot")
        snap = ds.isel({TIME: -1}) if time is None else ds.sel({TIME: time}, method="nearest")
        out = {n: np.asarray(snap[n].values) for n in names}
        for c in ds.coords:
            out[c] = np.asarray(ds[c].values)
        return out


def refuse_nd_fields(ds: xr.Dataset, source: str, names, what: str) -> None:
    """Refuse (:class:`~simsuite.ConfigError`) a run whose state variables ``names`` are fields
    on a 2D or 3D grid: ``what`` (e.g. "simsuite plot draws") handles 1D fields only so far."""
    for name in names:
        dims = ds[name].dims
        if len(dims) > 2 and dims[0] == "t" and set(dims[1:]) <= {"x", "y", "z"}:
            raise ConfigError(
                source,
                name,
                f"dims {dims}",
                f"{what} fields on a 1D grid (t, x) only so far; this run is "
                f"{len(dims) - 1}D (read it with simsuite.open_output)",
            )
