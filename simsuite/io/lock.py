"""The lock that claims an output file while a run writes it.

:class:`OutputLock` is the file ``<output>.lock`` holding the writer's PID, process start time and host;
a second run finds it and refuses, a stale one (its process gone, or the PID reused) is taken over.
:func:`writer_of` says which live run, if any, is writing a file.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from pathlib import Path


class OutputLock:
    """Exclusive claim on an output file while a run writes it.

    The lock is the file ``<real path>.lock`` beside the file the path resolves to
    (:func:`os.path.realpath`), so every path reaching the same file — a symlink, ``a/../b.nc``, a
    relative path — meets the same lock. It is created atomically with its content (a hard link of
    a complete temporary file; ``O_EXCL`` where links are unsupported) and holds, as JSON, the
    writer's ``pid``, its ``start`` time (field 22 of ``/proc/<pid>/stat``; ``null`` where there is
    no ``/proc``) and ``host``. A second run finds the lock and refuses. A lock is stale, and taken
    over, when its process is gone, or when a live process with its PID started at another time or
    runs on another host (the PID was reused, e.g. after a reboot). A lock holding only a PID (the
    format before) counts as held while that PID is alive.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.real = Path(os.path.realpath(self.path))
        self.lock = self.real.with_name(self.real.name + ".lock")
        self._held = False
        self._token = ""

    def holder(self) -> int | None:
        """PID of a live process holding the lock (not this one), or None."""
        try:
            record = json.loads(self.lock.read_text() or "null")
        except (OSError, ValueError):
            return None
        if isinstance(record, int):
            record = {"pid": record}
        if not isinstance(record, dict) or not isinstance(record.get("pid"), int):
            return None
        pid = record["pid"]
        if pid <= 0 or pid == os.getpid() or not _alive(pid):
            return None
        if "host" in record and record["host"] != socket.gethostname():
            return None
        start = record.get("start")
        if start is not None and process_start(pid) not in (None, start):
            return None  # the PID was reused by an unrelated process
        return pid

    def acquire(self) -> None:
        """Take the lock, or raise ``FileExistsError`` naming the live process holding it."""
        self.lock.parent.mkdir(parents=True, exist_ok=True)
        pid = os.getpid()
        self._token = json.dumps(
            {"pid": pid, "start": process_start(pid), "host": socket.gethostname()}
        )
        for _ in range(2):
            if _create_with(self.lock, self._token):
                self._held = True
                return
            holder = self.holder()
            if holder is not None:
                raise FileExistsError(
                    f"{self.path} is being written by another simsuite run (pid {holder}); "
                    f"wait for it, or remove {self.lock} if that process is gone"
                )
            self.lock.unlink(missing_ok=True)  # stale: its writer was killed or the PID reused
        raise FileExistsError(f"could not take the lock {self.lock}")

    def release(self) -> None:
        """Remove the lock if this object holds it (and it still holds this process's record)."""
        if not self._held:
            return
        self._held = False
        try:
            mine = self.lock.read_text() == self._token
        except OSError:
            return
        if mine:
            self.lock.unlink(missing_ok=True)

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def writer_of(path: str | Path) -> int | None:
    """PID of the live simsuite run writing ``path`` (from its :class:`OutputLock`), or None."""
    return OutputLock(path).holder()


def process_start(pid: int) -> int | None:
    """Start time of process ``pid`` in clock ticks after boot (field 22 of ``/proc/<pid>/stat``),
    or None where it cannot be read (no ``/proc``: the lock then relies on PID and host)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        # the command name (field 2) may hold spaces and parentheses: split after its last ')'
        return int(stat[stat.rindex(")") + 2 :].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


def _create_with(path: Path, text: str) -> bool:
    """Create ``path`` holding ``text`` unless it exists (then False), atomically: a reader never
    sees it empty. A hard link of a complete temporary file; ``O_EXCL`` where links fail."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(text)
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        return True
    finally:
        tmp.unlink(missing_ok=True)
