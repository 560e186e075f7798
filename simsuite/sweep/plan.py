"""What a sweep is once read: its runs, their seeds and names, and the values it collects.

:class:`Sweep` holds the settings, the summary layout and every :class:`RunSpec` (config, hash, seed,
position in the summary). A run is named by :func:`config_hash` of its resolved config, and the
replicates' seeds come from :func:`replicate_seeds`. :data:`REDUCTIONS` are the reductions a
:class:`Collect` may apply to a (t,) series.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from simsuite.config import RunConfig, to_dict

CARRY_MODES = (False, "ascending", "descending", "both")
HASH_LENGTH = 16
#: config keys left out of a run's hash: where the output goes, how it is compressed, checkpointed,
#: size-checked, shown or threaded do not change the result (Couzin results are bitwise identical for
#: any thread count). Keys a version of simsuite does not have are skipped.
UNHASHED = (
    "output.path",
    "output.compression",
    "output.max_bytes",
    "output.checkpoint_every",
    "run.progress",
    "run.threads",
)
RESERVED = ("replicate", "branch", "point", "seed", "status", "run_hash", "wall_time")
#: Default largest number of runs of one sweep (``max_runs``, ``simsuite sweep --max-runs``).
MAX_RUNS = 100_000


def _last_half(x: np.ndarray) -> np.ndarray:
    return x[x.shape[0] // 2 :]


#: reductions of a (t,) series to one number; "last half" = snapshots with index >= n // 2
REDUCTIONS: dict[str, Callable[[np.ndarray], float]] = {
    "final": lambda x: float(x[-1]),
    "mean": lambda x: float(np.mean(x)),
    "mean_last_half": lambda x: float(np.mean(_last_half(x))),
    "max": lambda x: float(np.max(x)),
    "min": lambda x: float(np.min(x)),
    "max_abs": lambda x: float(np.max(np.abs(x))),
    "std_last_half": lambda x: float(np.std(_last_half(x))),
}


@dataclass(frozen=True)
class Collect:
    """One summary variable ``name``: ``reduction`` of the output's (t,) variable ``variable``."""

    name: str
    variable: str
    reduction: str

    def reduce(self, values: np.ndarray) -> float:
        """The reduction of a (t,) series (a scalar variable is taken as it is)."""
        values = np.asarray(values, dtype=float)
        if values.ndim == 0:
            return float(values)
        if values.ndim != 1 or values.shape[0] == 0:
            raise ValueError(
                f"{self.variable} has shape {values.shape}; collect needs a (t,) series"
            )
        return REDUCTIONS[self.reduction](values)


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep.

    Attributes
    ----------
    hash : str
        First 16 hex digits of the SHA-256 of the resolved config (see :func:`config_hash`); the output
        is ``runs/<hash>.nc``.
    config : RunConfig
        The resolved, validated config of the run.
    params : dict
        Swept key → value of this run.
    replicate, seed : int
        Replicate number and the run's ``run.seed``.
    index : tuple of int
        Position in the summary arrays (order of :attr:`Sweep.dims`).
    branch : str or None
        "ascending" / "descending" for carried-state sweeps.
    previous : str or None
        Hash of the run whose final state this run starts from (carried state).
    """

    hash: str
    config: RunConfig
    params: dict[str, Any]
    replicate: int
    seed: int
    index: tuple[int, ...]
    branch: str | None = None
    previous: str | None = None

    @property
    def output(self) -> str:
        """Output path relative to the sweep's output directory."""
        return f"runs/{self.hash}.nc"


@dataclass
class Sweep:
    """An expanded sweep: its settings, the summary layout and every run in submission order."""

    source: str
    base: Path
    outdir: Path
    mode: str
    keys: tuple[str, ...]
    values: dict[str, list]
    replicates: int
    seeds: list[int]
    carry_state: str | bool
    carry_key: str | None
    collect: tuple[Collect, ...]
    raw: dict[str, Any]
    runs: list[RunSpec] = field(default_factory=list)
    dim_names: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    collect_units: dict[str, str] = field(default_factory=dict)

    @property
    def branches(self) -> list[str]:
        """Branch labels of a carried-state sweep (empty otherwise)."""
        if not self.carry_state:
            return []
        return ["ascending", "descending"] if self.carry_state == "both" else [self.carry_state]

    @property
    def dims(self) -> tuple[str, ...]:
        """Dimensions of the summary: [branch], one per swept key (or ``point`` for zip), replicate."""
        head = ("branch",) if self.carry_state else ()
        if self.mode == "zip" and self.keys:
            return (*head, "point", "replicate")
        return (*head, *(self.dim_names[k] for k in self.keys), "replicate")

    @property
    def shape(self) -> tuple[int, ...]:
        head = (len(self.branches),) if self.carry_state else ()
        if self.mode == "zip" and self.keys:
            return (*head, len(self.values[self.keys[0]]), self.replicates)
        return (*head, *(len(self.values[k]) for k in self.keys), self.replicates)


# --------------------------------------------------------------------------------------------------
# Seeds and hashes
# --------------------------------------------------------------------------------------------------
def replicate_seeds(base_seed: int, replicates: int) -> list[int]:
    """``run.seed`` of each replicate.

    One replicate keeps ``base_seed`` (the run is then the base config's own run). With n > 1,
    replicate r gets ``int(SeedSequence(base_seed).spawn(n)[r].generate_state(1, uint32)[0])``; the
    child of index r does not depend on n, so adding replicates keeps the earlier ones (and their
    files, for ``--resume``).
    """
    if replicates == 1:
        return [int(base_seed)]
    children = np.random.SeedSequence(base_seed).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


def config_hash(cfg: RunConfig, previous: str | None = None) -> str:
    """The run's name: SHA-256 of its resolved config as TOML, without the keys of ``UNHASHED``
    (``output.path``, ``output.compression``, ``output.max_bytes``, ``output.checkpoint_every``,
    ``run.progress``, ``run.threads``); a carried run's ``initial_condition.path`` is replaced by
    the hash of the run it starts from (so the name does not depend on the output directory)."""
    raw = to_dict(cfg)
    for key in UNHASHED:
        section, name = key.split(".")
        raw[section].pop(name, None)
    if previous is not None:
        raw["initial_condition"]["path"] = f"sweep-run:{previous}"
    text = tomli_w.dumps(raw)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def sweep_toml(sw: Sweep) -> str:
    """The sweep file's content as TOML text (stored in the summary)."""
    return tomli_w.dumps(sw.raw)
