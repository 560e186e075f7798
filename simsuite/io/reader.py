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
    ds: xr.Dataset, source: str, purpose: str, hint: str = "", *, reduced: bool = False
) -> tuple[str, tuple[str, ...]]:
    """The model that made ``ds`` (its ``model`` attribute) and that model's state variables,
    after checking that the model is registered and every state variable is in ``ds``.

    With ``reduced``, a file holding no state variable but slices or projections of a 3D field
    (:func:`reduced_variables`) is accepted too, and the names returned are those variables.

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
    reduced : bool, optional
        Accept slices and projections of a 3D field in place of the state variables.

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
    if reduced and len(missing) == len(required) and (planes := reduced_variables(ds, required)):
        return str(model), tuple(planes)
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


#: The mid-planes and projections of a 3D field, by the axes they span (the naming contract of the
#: 3D output): ``V_xy`` is the plane z = z[n_z // 2] of a field variable V on (t, z, y, x), on
#: (t, y, x); ``V_xz`` the plane y = y[n_y // 2], on (t, z, x); ``V_yz`` the plane
#: x = x[n_x // 2], on (t, z, y). ``density_proj_xy`` is the model's density integrated along z
#: (and so on for ``_xz``, ``_yz``).
PLANES: dict[str, tuple[str, str]] = {"xy": ("y", "x"), "xz": ("z", "x"), "yz": ("z", "y")}

#: The axis each plane of :data:`PLANES` is normal to (the one a slice fixes or a projection
#: integrates over).
NORMAL = {"xy": "z", "xz": "y", "yz": "x"}

#: Prefix of the projection variables ``density_proj_<plane>``.
PROJECTION = "density_proj"


def grid_ndim(ds: xr.Dataset, names: Iterable[str]) -> int:
    """The number of spatial axes of the fields ``names`` (state or field variables) in ``ds``.

    Read from the dimensions of the first of ``names`` the file holds (``(t, x)`` is 1D,
    ``(t, y, x)`` 2D, ``(t, z, y, x)`` 3D); a file that holds only slices or projections of a 3D
    field (see :data:`PLANES`) is 3D. The ``ndim`` attribute is the fallback (files without it and
    without spatial fields are 1D: agent models, older outputs).
    """
    for name in names:
        if name in ds.variables:
            dims = ds[name].dims
            if dims[:1] == ("t",) and set(dims[1:]) <= {"x", "y", "z"} and len(dims) > 1:
                return len(dims) - 1
            return int(ds.attrs.get("ndim", 1))
    if reduced_variables(ds, names):
        return 3
    return int(ds.attrs.get("ndim", 1))


def reduced_variables(ds: xr.Dataset, names: Iterable[str]) -> dict[str, str]:
    """The slices and projections of a 3D field that ``ds`` holds, by variable name: for each of
    ``names`` its mid-plane slices ``<name>_<plane>`` and the density projections
    ``density_proj_<plane>`` (:data:`PLANES`); the value is the plane (``"xy"``, ``"xz"``,
    ``"yz"``)."""
    found = {}
    for plane in PLANES:
        for name in (*names, PROJECTION):
            if f"{name}_{plane}" in ds.variables:
                found[f"{name}_{plane}"] = plane
    return found


def check_reduced(ds: xr.Dataset, source: str, names: Iterable[str], what: str) -> None:
    """Refuse (:class:`~simsuite.ConfigError`) a file that holds only slices or projections of a 3D
    field instead of the fields ``names``: ``what`` (e.g. ``"simsuite analyze computes its
    diagnostics from"``) needs the whole field."""
    names = tuple(names)
    missing = [name for name in names if name not in ds.variables]
    reduced = reduced_variables(ds, names)
    if missing and reduced:
        raise ConfigError(
            source,
            "variables",
            ", ".join(missing),
            f"are absent: the file holds only slices or projections of the 3D field "
            f"({', '.join(reduced)}), and {what} the whole field; run with full fields in "
            "output.fields (simsuite plot and animate draw the slices and projections)",
        )
