"""Simsuite's NetCDF output: the names the rest of the package and users import, in one place.

The work is done in three modules, re-exported here:

* :mod:`simsuite.io.writer` — :class:`NetCDFWriter` (streaming NetCDF-4 writer, CF-1.10 style) and
  :class:`MemoryWriter` (the same interface, building an in-memory :class:`xarray.Dataset`);
* :mod:`simsuite.io.lock` — :class:`OutputLock`, the claim of a run on the file it writes;
* :mod:`simsuite.io.reader` — :func:`open_output` (the lazy public opener), :func:`read_output` (the
  validated reader of the front end), :func:`check_state`, :func:`check_snapshots`, :func:`file_status` and
  :func:`read_snapshot`.
"""

from __future__ import annotations

from simsuite.io.lock import OutputLock, process_start, writer_of
from simsuite.io.reader import (
    check_snapshots,
    check_state,
    file_status,
    open_output,
    read_output,
    read_snapshot,
)
from simsuite.io.writer import SERIES_CHUNK, TIME, MemoryWriter, NetCDFWriter, staging_path

__all__ = [
    "SERIES_CHUNK",
    "TIME",
    "MemoryWriter",
    "NetCDFWriter",
    "OutputLock",
    "check_snapshots",
    "check_state",
    "file_status",
    "open_output",
    "process_start",
    "read_output",
    "read_snapshot",
    "staging_path",
    "writer_of",
]
