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

The default folder ends in a *fingerprint* of simsuite's kernel sources (:func:`kernel_fingerprint`,
a hash of every module that uses numba). numba checks a cached kernel against its own source file
only, but a kernel that calls kernels of other modules (or takes them as arguments, as the
integrators' compiled loops take a model's physics kernels) has their code compiled into it: a
change to one of those alone would leave it stale. A new fingerprint starts a fresh folder instead;
folders of other fingerprints unused for :data:`PRUNE_DAYS` days are removed. Inside the folder
numba keeps one subfolder per source directory, so an installed copy and a development checkout
never share (or invalidate) each other's entries. The choice is made through the environment
variable, so Dask workers and other subprocesses started by simsuite use the same folder. Deleting
the folder is always safe: the kernels are compiled again on first use (about 15 s). A
``NUMBA_CACHE_DIR`` set by the user is used as it is, without the fingerprint.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import platformdirs

__all__ = ["cache_dir", "configure", "kernel_fingerprint"]

ENV = "NUMBA_CACHE_DIR"

#: Cache folders of other kernel fingerprints unused for this many days are removed.
PRUNE_DAYS = 14

PACKAGE = Path(__file__).resolve().parent


def kernel_fingerprint(package: Path = PACKAGE) -> str:
    """A hash (16 hex digits) of the path and bytes of every module under ``package`` that
    mentions numba: it changes whenever any compiled kernel's source changes."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        data = path.read_bytes()
        if b"numba" in data:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + data + b"\0")
    return digest.hexdigest()[:16]


def prune_other_fingerprints(parent: Path, keep: str) -> None:
    """Remove the entries of ``parent`` other than ``keep`` unused for :data:`PRUNE_DAYS` days."""
    cutoff = time.time() - PRUNE_DAYS * 86400.0
    try:
        entries = list(parent.iterdir())
    except OSError:
        return
    for entry in entries:
        try:
            stale = entry.name != keep and entry.stat().st_mtime < cutoff
        except OSError:
            continue
        if stale:
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(True)


def _usable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        os.utime(folder)  # marks it in use, for the pruning of other fingerprints
        return os.access(folder, os.W_OK)
    except OSError:
        return False


def _default_dir() -> Path:
    fingerprint = kernel_fingerprint()
    parent = Path(platformdirs.user_cache_dir("simsuite", appauthor=False)) / "numba"
    if _usable(parent / fingerprint):
        prune_other_fingerprints(parent, fingerprint)
        return parent / fingerprint
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (e.g. some containers)
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"simsuite-numba-{user}" / fingerprint


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
