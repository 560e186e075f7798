"""Checks of the paths a command will write, made before anything is computed.

A run, an analysis, a figure set or a sweep refuses at once (:class:`~simsuite.config.ConfigError`,
exit 2) when its target cannot be written, instead of failing inside HDF5 or matplotlib after the
work is done: a target that is a directory or a device (``/dev/null``), a folder whose path passes
through a regular file, a broken symbolic link, a backslash in a file's path (HDF5 2.2 refuses to
create it on Linux), or a folder in which no file can be created (read-only file system, ``/proc``,
missing permission). Missing folders are fine: the writers create them. Writability is tested by
creating (and removing) an empty temporary file in the nearest existing folder, which is the only
test that also holds for root and for read-only mounts.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from simsuite.config import ConfigError

__all__ = ["check_output_file", "check_output_folder"]


def check_output_file(path: str | Path, source: str, key: str) -> None:
    """Refuse an output file path that cannot be written as a regular file.

    Parameters
    ----------
    path
        The file to be written (it may exist: whether it may be replaced is decided elsewhere).
    source
        The config file or command named in the message.
    key
        The key or option that gave the path (``output.path``, ``--output``).

    Raises
    ------
    ConfigError
        When ``path`` is a directory, a device, pipe or socket, a broken symbolic link, contains a
        backslash (HDF5 2.2 cannot create it, measured with netCDF4 1.7.5 on Linux), or lies in a folder
        that cannot be created or written.
    """
    target = Path(path)
    if "\\" in str(path):
        raise ConfigError(
            source,
            key,
            str(path),
            "contains a backslash, which HDF5 (the NetCDF-4 library) cannot create on this "
            "system; choose a path without one",
        )
    if target.is_dir():
        raise ConfigError(
            source, key, str(path), "is a directory; give the path of a file, e.g. DIR/run.nc"
        )
    if target.exists() and not target.is_file():
        raise ConfigError(
            source,
            key,
            str(path),
            "is not a regular file (a device, pipe or socket); give the path of a NetCDF file",
        )
    if os.path.islink(target) and not target.exists():
        raise ConfigError(source, key, str(path), "is a broken symbolic link")
    _check_folder(target.parent, source, key, str(path))


def check_output_folder(folder: str | Path, source: str, key: str) -> None:
    """Refuse an output folder in which files cannot be created (see :func:`check_output_file`).

    The folder need not exist; its nearest existing ancestor must be a writable directory.
    """
    _check_folder(Path(folder), source, key, str(folder))


def _check_folder(folder: Path, source: str, key: str, shown: str) -> None:
    probe = folder if str(folder) else Path(".")
    while not probe.exists():
        if os.path.islink(probe):
            raise ConfigError(source, key, shown, f"{probe} is a broken symbolic link")
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise ConfigError(
            source, key, shown, f"{probe} is a file, not a folder: choose a path in a folder"
        )
    try:
        fd, tmp = tempfile.mkstemp(prefix=".simsuite-write-test-", dir=probe)
    except OSError as exc:
        raise ConfigError(
            source,
            key,
            shown,
            f"cannot create files in {probe} ({exc.strerror or type(exc).__name__}); "
            "choose a writable folder",
        ) from None
    os.close(fd)
    os.unlink(tmp)
