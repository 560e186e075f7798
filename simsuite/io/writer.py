"""Streaming NetCDF-4 output (CF-1.10 style), and its in-memory twin.

The writer knows nothing about models: it is given coordinates, variable specs (``dims``, ``long_name``,
``units``) and global attributes, then appends one snapshot at a time along the unlimited ``t`` dimension
and flushes after each, so a run that dies leaves a readable file holding every snapshot so far. The file
carries ``status = "incomplete"`` (with ``status_reason``) until :meth:`NetCDFWriter.close` marks it
``"complete"``. :class:`MemoryWriter` has the same interface and builds an :class:`xarray.Dataset`
instead (a run without an output file).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import netCDF4
import numpy as np
import xarray as xr

TIME = "t"
#: Chunk length of the series dimensions (``series``): samples come a few thousand at a time.
SERIES_CHUNK = 1024


class NetCDFWriter:
    """Append-only NetCDF-4 writer of snapshots.

    Parameters
    ----------
    path : path-like
        File to create (overwritten if it exists; missing parent directories are created).
    coords : mapping
        Coordinate name → object with ``values``, ``long_name``, ``units`` (time excluded).
    variables : mapping
        Variable name → object with ``dims``, ``long_name``, ``units``. Dims other than ``t`` must be
        coordinates (or named in ``dim_sizes``).
    attrs : mapping
        Global attributes (strings or numbers).
    compression : int
        zlib level 0–9 (0 = uncompressed).
    time_units : str
        CF (udunits) units of the time coordinate.
    time_long_name : str
        ``long_name`` of the time coordinate.
    series : mapping
        Further unlimited dimensions → attributes of their coordinate (``long_name``, ``units``):
        series sampled at their own times (a probe recorded between the snapshots), appended with
        :meth:`append_series`; variables whose dims are ``(name,)`` live on them.
    replace : bool
        Replace an existing file at ``path`` only once the new one holds a snapshot: write to a
        temporary file beside it and rename that over ``path`` (removing the files ``stale``
        first) when :meth:`append` has written the first snapshot. A run that stops before (a
        crash, an interrupt) leaves the old file untouched; :meth:`close` removes the temporary.
    stale : iterable of path-like
        Files that belong to the replaced file (its checkpoint), removed when it is replaced.
    """

    def __init__(
        self,
        path: str | Path,
        coords: Mapping[str, Any],
        variables: Mapping[str, Any],
        attrs: Mapping[str, Any],
        compression: int = 4,
        time_units: str = "1",
        dim_sizes: Mapping[str, int] | None = None,
        time_long_name: str = "time",
        series: Mapping[str, Mapping[str, Any]] | None = None,
        replace: bool = False,
        stale: Iterable[str | Path] = (),
    ):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.variables = dict(variables)
        self.n_written = 0
        self.n_series = {name: 0 for name in series or {}}
        self._stale = tuple(Path(p) for p in stale)
        self._staging = staging_path(self.path) if replace else None
        self._nc = netCDF4.Dataset(self._staging or self.path, "w", format="NETCDF4")
        try:
            self._define(coords, attrs, compression, time_units, dim_sizes, time_long_name, series)
        except BaseException:
            self._discard()
            raise

    def _define(self, coords, attrs, compression, time_units, dim_sizes, time_long_name, series):
        """Write the attributes, dimensions, coordinates and (empty) variables."""
        nc = self._nc
        nc.setncatts({k: _attr(v) for k, v in attrs.items()})
        nc.setncattr("Conventions", "CF-1.10")
        nc.setncattr("status", "incomplete")
        nc.setncattr("status_reason", "run in progress")
        nc.createDimension(TIME, None)
        time = nc.createVariable(TIME, "f8", (TIME,))
        time.setncatts({"long_name": time_long_name, "units": time_units, "axis": "T"})
        for name, coord_attrs in (series or {}).items():
            nc.createDimension(name, None)
            var = nc.createVariable(name, "f8", (name,), chunksizes=(SERIES_CHUNK,))
            var.setncatts({k: _attr(v) for k, v in coord_attrs.items()})
        sizes = dict(dim_sizes or {})
        for name, coord in coords.items():
            values = np.asarray(coord.values)
            nc.createDimension(name, values.size)
            sizes[name] = values.size
            var = nc.createVariable(name, values.dtype, (name,))
            var[:] = values
            var.setncatts({"long_name": coord.long_name, "units": coord.units})
        for name, size in sizes.items():
            if name not in nc.dimensions:
                nc.createDimension(name, size)
        zlib = compression > 0
        for name, spec in self.variables.items():
            chunks = [
                1 if d == TIME else SERIES_CHUNK if d in self.n_series else sizes[d]
                for d in spec.dims
            ]
            # series variables are appended a few samples at a time: no zlib
            series = bool(set(spec.dims[:1]) & set(self.n_series))
            var = nc.createVariable(
                name,
                getattr(spec, "dtype", "f8"),
                spec.dims,
                zlib=zlib and not series,
                complevel=None if series else compression or None,
                chunksizes=chunks if zlib or series or len(chunks) > 1 else None,
            )
            var.setncatts(_variable_attrs(spec))
        nc.sync()

    @classmethod
    def resume(
        cls,
        path: str | Path,
        n_written: int,
        note: str,
        n_series: Mapping[str, int] | None = None,
    ) -> NetCDFWriter:
        """Reopen an incomplete output to continue after its first ``n_written`` snapshots and the
        first ``n_series[dim]`` samples of each series (later ones, written after the last
        checkpoint, are overwritten as the run reaches them again)."""
        self = cls.__new__(cls)
        self.path = Path(path)
        self._nc = netCDF4.Dataset(self.path, "a")
        self._staging, self._stale = None, ()
        self.variables = {name: None for name in self._nc.variables}
        self.n_written = int(n_written)
        self.n_series = {name: int(count) for name, count in (n_series or {}).items()}
        self._nc.setncattr("status", "incomplete")
        self._nc.setncattr("status_reason", "run in progress (restarted)")
        self._nc.setncattr("history", f"{self._nc.getncattr('history')}\n{note}".strip())
        self._nc.sync()
        return self

    def append(self, t: float, values: Mapping[str, np.ndarray | float]) -> None:
        """Write the snapshot at time ``t`` and flush it to disk."""
        i = self.n_written
        self._nc.variables[TIME][i] = t
        for name, value in values.items():
            self._nc.variables[name][i, ...] = value
        self.n_written += 1
        self._nc.sync()
        if self._staging is not None:
            self._publish()

    def _publish(self) -> None:
        """Rename the temporary file over the one it replaces (the open file follows on POSIX:
        later snapshots go to ``self.path``), after removing the replaced file's ``stale`` ones."""
        for stale in self._stale:
            stale.unlink(missing_ok=True)
        os.replace(self._staging, self.path)
        self._staging = None

    def _discard(self) -> None:
        """Close and remove a temporary file that never replaced anything."""
        if self._nc.isopen():
            self._nc.close()
        if self._staging is not None:
            self._staging.unlink(missing_ok=True)

    def append_series(self, dim: str, times: np.ndarray, values: Mapping[str, np.ndarray]) -> None:
        """Write samples at ``times`` of the series on ``dim`` (flushed with the next snapshot)."""
        i = self.n_series[dim]
        j = i + len(times)
        self._nc.variables[dim][i:j] = times
        for name, value in values.items():
            self._nc.variables[name][i:j] = value
        self.n_series[dim] = j

    def set_attrs(self, attrs: Mapping[str, Any]) -> None:
        self._nc.setncatts({k: _attr(v) for k, v in attrs.items()})

    def close(self, status: str = "complete", reason: str = "") -> None:
        """Record the final status and close the file (idempotent)."""
        if not self._nc.isopen():
            return
        if self._staging is not None:  # no snapshot: keep the file it was to replace
            self._discard()
            return
        self._nc.setncattr("status", status)
        self._nc.setncattr("status_reason", reason)
        self._nc.close()


def staging_path(path: str | Path) -> Path:
    """A fresh temporary name beside ``path`` (same folder, so the rename is atomic)."""
    path = Path(path)
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")


class MemoryWriter:
    """Same interface as :class:`NetCDFWriter`, collecting snapshots for an in-memory Dataset."""

    def __init__(
        self,
        coords,
        variables,
        attrs,
        time_units: str = "1",
        dim_sizes=None,
        time_long_name: str = "time",
        series: Mapping[str, Mapping[str, Any]] | None = None,
    ):
        self.coords = dict(coords)
        self.series = {name: dict(attrs) for name, attrs in (series or {}).items()}
        self.series_times: dict[str, list] = {name: [] for name in self.series}
        self.n_series = {name: 0 for name in self.series}
        self.variables = dict(variables)
        self.attrs = {k: _attr(v) for k, v in attrs.items()}
        self.attrs["Conventions"] = "CF-1.10"
        self.time_units = time_units
        self.time_long_name = time_long_name
        self.times: list[float] = []
        self.rows: dict[str, list] = {name: [] for name in self.variables}
        self.n_written = 0

    def append(self, t: float, values: Mapping[str, np.ndarray | float]) -> None:
        self.times.append(float(t))
        for name, value in values.items():
            self.rows[name].append(np.array(value, dtype=float))
        self.n_written += 1

    def append_series(self, dim: str, times: np.ndarray, values: Mapping[str, np.ndarray]) -> None:
        self.series_times[dim].extend(np.asarray(times, dtype=float))
        for name, value in values.items():
            self.rows[name].extend(np.asarray(value, dtype=float))
        self.n_series[dim] += len(times)

    def set_attrs(self, attrs: Mapping[str, Any]) -> None:
        self.attrs.update({k: _attr(v) for k, v in attrs.items()})

    def close(self, status: str = "complete", reason: str = "") -> None:
        self.attrs["status"] = status
        self.attrs["status_reason"] = reason

    def to_dataset(self) -> xr.Dataset:
        coords = {
            TIME: (
                TIME,
                np.array(self.times),
                {"long_name": self.time_long_name, "units": self.time_units},
            )
        }
        for name, c in self.coords.items():
            coords[name] = (
                name,
                np.asarray(c.values),
                {"long_name": c.long_name, "units": c.units},
            )
        for name, attrs in self.series.items():
            coords[name] = (name, np.array(self.series_times[name], dtype=float), attrs)
        data = {}
        for name, spec in self.variables.items():
            rows = self.rows[name]
            if set(spec.dims[:1]) & set(self.series):
                data[name] = (spec.dims, np.array(rows, dtype=float), _variable_attrs(spec))
                continue
            shape = [len(rows)] + [len(self.coords[d].values) for d in spec.dims[1:]]
            values = np.array(rows).reshape(shape).astype(getattr(spec, "dtype", "f8"))
            data[name] = (spec.dims, values, _variable_attrs(spec))
        return xr.Dataset(data, coords=coords, attrs=self.attrs)


def _variable_attrs(spec: Any) -> dict[str, Any]:
    """``long_name``, ``units`` and the spec's further ``attrs`` (pairs), if any."""
    extra = {k: _attr(v) for k, v in dict(getattr(spec, "attrs", ())).items()}
    return {"long_name": spec.long_name, "units": spec.units, **extra}


def _attr(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (str, int, float, np.integer, np.floating)):
        return value
    return str(value)
