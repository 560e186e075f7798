"""The ``from_file`` initial condition every model offers: the state taken from a snapshot of an
earlier output of the same model (how a run is continued, and how a sweep carries its state from
one parameter value to the next).

What is common lives here: opening the file and saying what is wrong with it (no such file, not a
readable NetCDF output, a variable missing, no snapshot, an ``x`` grid that differs from the run's),
always as a :class:`~simsuite.config.ConfigError` on ``initial_condition.path``, and taking the
snapshot nearest ``time`` (the last one for ``time`` < 0). Each model's ``FromFile`` keeps only its
own part: its keys (``path``, ``time``, documented in the model's words), which variables it reads,
and how they become its initial state.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

import numpy as np

from simsuite.config import ConfigError

__all__ = ["FromFileSnapshot", "read_initial_snapshot"]


def read_initial_snapshot(
    source: str,
    key: str,
    path: Path,
    time: float,
    names: Iterable[str],
    what: str,
    x: np.ndarray | None = None,
    same_grid: str = "",
) -> dict[str, np.ndarray]:
    """A snapshot of an earlier output for a ``from_file`` initial condition (``time`` < 0: the
    last one); a file that is missing or not such an output is a :class:`ConfigError` on ``key``,
    and so is one whose ``x`` grid differs from ``x`` (when given; ``same_grid`` names the keys
    that must agree)."""
    from simsuite.io.netcdf import read_snapshot

    try:
        snap = read_snapshot(path, None if time < 0 else time, tuple(names))
    except FileNotFoundError:
        raise ConfigError(source, key, str(path), f"no such file; must name {what}") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:  # not NetCDF, a folder, no variable
        raise ConfigError(source, key, str(path), f"cannot be read as {what} ({exc})") from None
    if x is not None and (
        snap["x"].shape != x.shape or not np.allclose(snap["x"], x, rtol=0, atol=1e-9)
    ):
        raise ConfigError(
            source,
            key,
            str(path),
            f"the file's x grid differs from [grid]; use the same {same_grid}",
        )
    return snap


class FromFileSnapshot:
    """Mixin of the models' ``from_file`` initial conditions (dataclasses with the keys ``path``,
    relative to the config file, and ``time``, negative for the last snapshot).

    A subclass names what it reads: ``output_of`` (the kind of file, for the error messages),
    ``variables`` (the state variables taken) and ``same_grid`` (the keys that must agree when the
    file's ``x`` grid is compared with the run's; "" when there is no grid).
    """

    output_of: ClassVar[str] = "an output file"
    variables: ClassVar[tuple[str, ...]] = ()
    same_grid: ClassVar[str] = ""

    path: str
    time: float

    def check(self, source: str, prefix: str) -> None:
        """Require ``path``: an empty one names no file."""
        if not self.path:
            raise ConfigError(source, f"{prefix}.path", self.path, f"must name {self.output_of}")

    def read(self, ctx, x: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """The :attr:`variables` (and the coordinates) at the chosen snapshot of the file, read
        relative to ``ctx.base_dir``; errors name ``ctx.source``. With ``x``, the file's grid must
        be ``x``."""
        return read_initial_snapshot(
            ctx.source,
            "initial_condition.path",
            ctx.base_dir / self.path,
            self.time,
            self.variables,
            self.output_of,
            x=x,
            same_grid=self.same_grid,
        )
