"""Progress reports that suit where they go: a live bar on a terminal, a line per tenth elsewhere.

On a terminal :func:`progress_bar` returns a :class:`tqdm.tqdm` bar redrawn in place. When standard
error is not a terminal (a log file, CI, a Dask worker, ``2> run.log``) a redrawn bar becomes one
endless line of carriage returns, so it returns a :class:`LineProgress` instead, which prints one
plain line each time another tenth of the work is done::

    kink-antikink collision: 30% (61/201 snap, 2.4 s)
"""

from __future__ import annotations

import sys
import time
from typing import IO

from tqdm import tqdm

__all__ = ["LineProgress", "progress_bar"]


class LineProgress:
    """A progress report of one line per ``1/steps`` of ``total`` (and one at the end).

    Parameters
    ----------
    total
        Units of work in all.
    desc, unit
        Printed in each line: ``"{desc}: {percent}% ({done}/{total} {unit}, {elapsed} s)"``.
    initial
        Units already done (a restarted run); lines start from the next tenth after it.
    file
        Where the lines go (default: standard error).
    steps
        Number of reports over the whole run (10: one per tenth).
    """

    def __init__(
        self,
        total: int,
        *,
        desc: str = "",
        unit: str = "it",
        initial: int = 0,
        file: IO[str] | None = None,
        steps: int = 10,
    ):
        self.total = max(int(total), 0)
        self.n = int(initial)
        self.desc = desc
        self.unit = unit
        self.file = file if file is not None else sys.stderr
        self.steps = steps
        self._reported = self._tenth(self.n)
        self._started = time.perf_counter()
        self.postfix = ""

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        """Text added to the next lines (e.g. ``"2 failed"``), as tqdm's bar shows it."""
        self.postfix = s

    def _tenth(self, n: int) -> int:
        return n * self.steps // self.total if self.total else self.steps

    def update(self, n: int = 1) -> None:
        """Count ``n`` more units; print a line when a new tenth (or the end) is reached."""
        self.n += n
        tenth = self._tenth(self.n)
        if tenth > self._reported:
            self._reported = tenth
            self._print()

    def _print(self) -> None:
        percent = 100 * self.n // self.total if self.total else 100
        elapsed = time.perf_counter() - self._started
        prefix = f"{self.desc}: " if self.desc else ""
        suffix = f" {self.postfix}" if self.postfix else ""
        print(
            f"{prefix}{percent}% ({self.n}/{self.total} {self.unit}, {elapsed:.1f} s){suffix}",
            file=self.file,
            flush=True,
        )

    def close(self) -> None:
        """Nothing to release: every line was printed when its tenth was reached."""

    def __enter__(self) -> LineProgress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Silent:
    """The report when progress is off: counts nothing, prints nothing."""

    n = 0

    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> _Silent:
        return self

    def __exit__(self, *exc) -> None:
        pass


def progress_bar(
    total: int,
    *,
    desc: str = "",
    unit: str = "it",
    enabled: bool = True,
    initial: int = 0,
    leave: bool = False,
    file: IO[str] | None = None,
) -> tqdm | LineProgress | _Silent:
    """A progress report on ``file`` (default standard error): a tqdm bar when it is a terminal,
    else a :class:`LineProgress` (a line per tenth); nothing when ``enabled`` is false.

    The returned object has ``update(n)`` and ``close()`` and is a context manager.
    """
    if not enabled:
        return _Silent()
    file = file if file is not None else sys.stderr
    isatty = getattr(file, "isatty", None)
    if isatty is not None and isatty():
        return tqdm(
            total=total,
            initial=initial,
            desc=desc,
            unit=unit,
            leave=leave,
            mininterval=0.25,
            file=file,
        )
    return LineProgress(total, desc=desc, unit=unit, initial=initial, file=file)
