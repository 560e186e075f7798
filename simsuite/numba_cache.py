"""Where numba keeps simsuite's compiled kernels: a per-user cache folder, never the package itself.

simsuite's kernels are ``numba.njit(cache=True)``: the machine code is written to disk the first time
a kernel runs and reused by every later process. By default numba writes it into ``__pycache__``
folders beside the source, which for an installed package means inside ``site-packages``. That breaks
two things: a read-only install (system Python, a shared cluster environment) cannot write there, and
``pip`` does not know those files, so uninstalling the package leaves ``site-packages/simsuite/``
behind as a folder without ``__init__.py`` that then shadows an editable install of simsuite as a
namespace package (``import simsuite`` finds nothing in it).

So simsuite points numba at a per-user cache folder before any kernel is compiled:

1. ``NUMBA_CACHE_DIR`` when the user has set it (numba's own setting, respected as it is);
2. else ``<user cache dir>/simsuite/numba`` from :func:`platformdirs.user_cache_dir`
   (``~/.cache/simsuite/numba`` on Linux, ``$XDG_CACHE_HOME`` respected;
   ``~/Library/Caches/simsuite/numba`` on macOS; ``%LOCALAPPDATA%\\simsuite\\Cache\\numba`` on Windows);
3. else, when that folder cannot be created, ``<temporary dir>/simsuite-numba-<user>``.

Inside the folder numba keeps one subfolder per source directory, so an installed copy and a
development checkout never share (or invalidate) each other's entries. The choice is made through the
environment variable, so Dask workers and other subprocesses started by simsuite use the same folder.
Deleting the folder is always safe: the kernels are compiled again on first use (about 15 s).
"""

from __future__ import annotations

import getpass
import os
import sys
import tempfile
from pathlib import Path

import platformdirs

__all__ = ["cache_dir", "configure"]

ENV = "NUMBA_CACHE_DIR"


def _default_dir() -> Path:
    folder = Path(platformdirs.user_cache_dir("simsuite", appauthor=False)) / "numba"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (e.g. some containers)
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"simsuite-numba-{user}"


def configure() -> Path:
    """Point numba's cache at the per-user folder (see the module docstring) and return it.

    Sets ``NUMBA_CACHE_DIR`` unless the user set it; when numba was imported before simsuite, its
    already-read setting is updated too (numba looks it up each time it caches a function).
    """
    chosen = os.environ.get(ENV) or str(_default_dir())
    os.environ[ENV] = chosen
    config = sys.modules.get("numba.core.config")
    if config is not None and not getattr(config, "CACHE_DIR", ""):
        config.CACHE_DIR = chosen
    return Path(chosen)


def cache_dir() -> Path:
    """The folder numba caches simsuite's compiled kernels in."""
    return Path(os.environ.get(ENV) or configure())
