"""Sweep files: parsing, validation and expansion into runs (no Dask here).

:func:`load_sweep` reads a sweep file (or a mapping), checks every key, builds and validates the config
of every run, derives the replicate seeds and names each run by the hash of its resolved config. A bad
sweep file raises :class:`~simsuite.config.ConfigError` before any run starts. See :mod:`simsuite.sweep`
for the file format and the rules.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from simsuite.config import (
    MISSING,
    ConfigError,
    RunConfig,
    build_config,
    describe,
    did_you_mean,
    to_dict,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "CARRY_MODES",
    "MAX_RUNS",
    "REDUCTIONS",
    "Collect",
    "RunSpec",
    "Sweep",
    "config_hash",
    "load_sweep",
    "replicate_seeds",
]

TOP_KEYS = (
    "base",
    "description",
    "seed",
    "replicates",
    "carry_state",
    "carry_key",
    "outdir",
    "sweep",
    "set",
    "collect",
)
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


# --------------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------------
def _read(source: str | Path | Mapping[str, Any]) -> tuple[dict[str, Any], str, Path]:
    """The parsed sweep, its name for messages and the directory ``base`` is relative to."""
    if isinstance(source, Mapping):
        return _plain(source), "<dict>", Path.cwd()
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(source), "file", MISSING, "no such sweep file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(source), "file", MISSING, f"cannot be read ({exc})") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(source), "TOML", MISSING, f"malformed ({exc})") from None
    return raw, str(source), path.resolve().parent


def _plain(raw: Mapping) -> dict:
    return {k: _plain(v) if isinstance(v, Mapping) else v for k, v in raw.items()}


def _is_range(value: Any) -> bool:
    return isinstance(value, Mapping) and ("start" in value or "stop" in value)


def _flatten(table: Mapping, prefix: str, src: str, where: str, ranges: bool) -> dict[str, Any]:
    """Dotted key → value of a table written with quoted dotted keys or nested tables."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and not (ranges and _is_range(value)):
            out.update(_flatten(value, dotted, src, where, ranges))
        elif "." not in dotted:
            raise ConfigError(
                src,
                f"{where}.{dotted}",
                value,
                "keys are dotted config keys such as zones.delta_r_orientation",
            )
        else:
            out[dotted] = value
    return out


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _clean(v: float) -> float:
    """Drop the rounding noise of start + k·step (0.30000000000000004 → 0.3)."""
    return float(f"{v:.12g}")


def _expand_range(src: str, key: str, spec: Mapping) -> list:
    where = f"sweep.{key}"
    keys = set(spec)
    if keys not in ({"start", "stop", "num"}, {"start", "stop", "step"}):
        raise ConfigError(
            src, where, dict(spec), "a range is {start, stop, num} or {start, stop, step}"
        )
    start, stop = spec["start"], spec["stop"]
    if not (_number(start) and _number(stop)) or not (math.isfinite(start) and math.isfinite(stop)):
        raise ConfigError(src, where, dict(spec), "start and stop must be finite numbers")
    integers = isinstance(start, int) and isinstance(stop, int)
    if "num" in spec:
        num = spec["num"]
        if not isinstance(num, int) or isinstance(num, bool) or num < 1:
            raise ConfigError(src, f"{where}.num", num, "must be an integer >= 1")
        values = np.linspace(start, stop, num) if num > 1 else np.array([start], float)
        integers = integers and bool(np.all(values == np.round(values)))
    else:
        step = spec["step"]
        if not _number(step) or step == 0 or not math.isfinite(step):
            raise ConfigError(src, f"{where}.step", step, "must be a finite non-zero number")
        if (stop - start) * step < 0:
            raise ConfigError(
                src, f"{where}.step", step, f"must have the sign of stop - start = {stop - start}"
            )
        n = int(math.floor((stop - start) / step + 1e-9)) + 1
        values = start + step * np.arange(n)
        integers = integers and isinstance(step, int)
    return [int(round(v)) if integers else _clean(v) for v in values]


def _values(src: str, key: str, value: Any) -> list:
    if _is_range(value):
        values = _expand_range(src, key, value)
    elif isinstance(value, list):
        values = list(value)
    else:
        raise ConfigError(
            src, f"sweep.{key}", value, "must be a list or a {start, stop, num|step} table"
        )
    if not values:
        raise ConfigError(src, f"sweep.{key}", value, "must not be empty")
    seen: set = set()  # a set, not values[:i]: long lists stay linear
    for v in values:
        if isinstance(v, (list, dict)):
            raise ConfigError(
                src, f"sweep.{key}", value, "values must be numbers, strings or bools"
            )
        if v in seen:
            raise ConfigError(src, f"sweep.{key}", value, f"holds {v!r} twice")
        seen.add(v)
    return values


def _length(value: Any) -> int:
    """Number of values of a swept key, without expanding it; at least 1 (when malformed or
    empty the expansion then names the error)."""
    if isinstance(value, list):
        return max(1, len(value))  # an empty list is an error, not a factor 0 hiding the others
    if not _is_range(value):
        return 1
    if isinstance(value.get("num"), int) and not isinstance(value.get("num"), bool):
        return max(1, value["num"])
    start, stop, step = value.get("start"), value.get("stop"), value.get("step")
    if not all(_number(v) and math.isfinite(v) for v in (start, stop, step)) or step == 0:
        return 1
    steps = (stop - start) / step  # as the expansion computes it
    if not math.isfinite(steps):  # beyond floats (1e300 / 1e-300): count exactly
        return max(1, math.floor((Fraction(stop) - Fraction(start)) / Fraction(step)) + 1)
    return max(1, math.floor(steps + 1e-9) + 1)


def count_runs(raw: Mapping[str, Any]) -> tuple[int, str]:
    """The number of runs a parsed sweep file asks for, counted without expanding anything, and
    the sweep-file key that contributes most (``replicates`` or ``sweep.<key>``)."""
    table = dict(raw.get("sweep", {})) if isinstance(raw.get("sweep", {}), Mapping) else {}
    mode = table.pop("mode", "grid")
    try:
        swept = _flatten(table, "", "", "sweep", ranges=True)
    except ConfigError:
        swept = {}
    lengths = {f"sweep.{k}": _length(v) for k, v in swept.items()}
    replicates = raw.get("replicates", 1)
    replicates = replicates if isinstance(replicates, int) and replicates > 1 else 1
    points = 1
    if lengths:
        points = max(lengths.values()) if mode == "zip" else math.prod(lengths.values())
    branches = 2 if raw.get("carry_state") == "both" else 1
    factors = {**lengths, "replicates": replicates}
    return points * replicates * branches, max(factors, key=lambda k: factors[k])


def _check_count(src: str, raw: Mapping[str, Any], max_runs: int) -> None:
    count, key = count_runs(raw)
    if count > max_runs:
        digits = str(count)
        shown = digits if count < 10**15 else f"{digits[0]}.{digits[1:3]}e+{len(digits) - 1}"
        raise ConfigError(
            src,
            key,
            raw.get("replicates") if key == "replicates" else MISSING,
            f"the sweep would be {shown} runs, more than max_runs = {max_runs}; shrink it, or "
            "raise the limit (simsuite sweep --max-runs, simsuite.sweep(..., max_runs=...))",
        )


def _check_type(src: str, key: str, value: Any, kind: type | tuple, allowed: str) -> None:
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        raise ConfigError(src, key, value, allowed)


def _collect(src: str, table: Any) -> tuple[Collect, ...]:
    if not isinstance(table, Mapping):
        raise ConfigError(src, "collect", table, 'must be a table: name = "reduction"')
    out = []
    allowed = "must be one of " + ", ".join(REDUCTIONS)
    for name, value in table.items():
        if isinstance(value, str):
            item = Collect(name, name, value)
        elif isinstance(value, Mapping):
            extra = set(value) - {"variable", "reduce"}
            if extra or "reduce" not in value:
                raise ConfigError(
                    src,
                    f"collect.{name}",
                    dict(value),
                    "a table needs reduce (and optionally variable): "
                    '{variable = "polarization", reduce = "std_last_half"}',
                )
            item = Collect(name, str(value.get("variable", name)), value["reduce"])
        else:
            raise ConfigError(
                src, f"collect.{name}", value, allowed.replace("must be", "must be a reduction,")
            )
        if item.reduction not in REDUCTIONS:
            hint = did_you_mean(str(item.reduction), list(REDUCTIONS))
            raise ConfigError(src, f"collect.{name}", item.reduction, allowed, hint)
        if name in RESERVED:
            raise ConfigError(src, f"collect.{name}", value, "this name is taken by the summary")
        out.append(item)
    return tuple(out)


# --------------------------------------------------------------------------------------------------
# Loading and expanding
# --------------------------------------------------------------------------------------------------
def load_sweep(
    source: str | Path | Mapping[str, Any],
    outdir: str | Path | None = None,
    max_runs: int = MAX_RUNS,
) -> Sweep:
    """Read, validate and expand a sweep.

    Parameters
    ----------
    source
        Path of a sweep TOML file, or the parsed mapping (``base`` is then relative to the working
        directory).
    outdir
        Output directory (default: the file's ``outdir`` key, else ``outputs/sweeps/<file stem>``),
        relative to the working directory.
    max_runs
        Refuse a sweep of more runs than this (counted from the file before anything is
        expanded: a range's ``num`` or step count, list lengths, ``replicates``, branches).

    Returns
    -------
    Sweep
        With every run's validated config and hash.

    Raises
    ------
    ConfigError
        For an unknown or bad key, an empty list, a missing base config, a collect variable the model
        does not write, more than ``max_runs`` runs, ... (naming the sweep file and the key).
    """
    raw, src, here = _read(source)
    _check_count(src, raw, max_runs)
    for key in raw:
        if key not in TOP_KEYS:
            raise ConfigError(
                src,
                str(key),
                MISSING,
                "unknown sweep key; allowed: " + ", ".join(TOP_KEYS),
                did_you_mean(str(key), list(TOP_KEYS)),
            )
    base_rel = raw.get("base", MISSING)
    if not isinstance(base_rel, str) or not base_rel:
        raise ConfigError(
            src, "base", base_rel, "must name the base config (relative to the sweep)"
        )
    base = (here / base_rel).resolve()
    if not base.is_file():
        raise ConfigError(src, "base", base_rel, f"no such config file ({base})")
    try:
        base_raw = tomllib.loads(base.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(src, "base", base_rel, f"cannot be read ({exc})") from None

    replicates = raw.get("replicates", 1)
    _check_type(src, "replicates", replicates, int, "must be an integer >= 1")
    if replicates < 1:
        raise ConfigError(src, "replicates", replicates, "must be an integer >= 1")
    carry = raw.get("carry_state", False)
    if carry not in CARRY_MODES or carry is True:
        raise ConfigError(
            src, "carry_state", carry, 'must be false, "ascending", "descending" or "both"'
        )
    table = raw.get("sweep", {})
    if not isinstance(table, Mapping):
        raise ConfigError(src, "sweep", table, "must be a table of dotted keys")
    table = dict(table)
    mode = table.pop("mode", "grid")
    if mode not in ("grid", "zip"):
        raise ConfigError(src, "sweep.mode", mode, 'must be "grid" or "zip"')
    swept = _flatten(table, "", src, "sweep", ranges=True)
    values = {k: _values(src, k, v) for k, v in swept.items()}
    keys = tuple(values)
    fixed_table = raw.get("set", {})
    if not isinstance(fixed_table, Mapping):
        raise ConfigError(src, "set", fixed_table, "must be a table of dotted keys")
    fixed = _flatten(fixed_table, "", src, "set", ranges=False)
    _check_keys(src, keys, fixed, values, mode, replicates, carry)
    carry_key = _carry_key(src, raw, keys, values, mode, carry, fixed)
    collect = _collect(src, raw.get("collect", {}))

    # the base config (with [set]) must be valid on its own: its seed is the replicates' base seed
    base_cfg = _build(base_raw, {**fixed, "run.progress": False}, base, src, ())
    seed = raw.get("seed", base_cfg.run.seed)
    _check_type(src, "seed", seed, int, "must be an integer >= 0")
    if seed < 0:
        raise ConfigError(src, "seed", seed, "must be an integer >= 0")
    if outdir is None:
        outdir = raw.get(
            "outdir", f"outputs/sweeps/{Path(src).stem if src != '<dict>' else 'sweep'}"
        )
        _check_type(src, "outdir", outdir, str, "must be a directory path")
    sw = Sweep(
        source=src,
        base=base,
        outdir=Path(outdir).resolve(),
        mode=mode,
        keys=keys,
        values=values,
        replicates=replicates,
        seeds=replicate_seeds(seed, replicates),
        carry_state=carry,
        carry_key=carry_key,
        collect=collect,
        raw=raw,
    )
    sw.dim_names = _dim_names(keys, collect)
    sw.units = _units(base_cfg, keys)
    threads = {} if "run.threads" in fixed else {"run.threads": 1}
    _expand(sw, base_raw, {**fixed, **threads, "run.progress": False})
    sw.collect_units = _check_collect(src, sw)
    return sw


def _check_keys(src, keys, fixed, values, mode, replicates, carry) -> None:
    for key in (*keys, *fixed):
        where = f"sweep.{key}" if key in values else f"set.{key}"
        if key == "model.name":
            raise ConfigError(src, where, MISSING, "a sweep runs one model (set it in the base)")
        if key in UNHASHED and key in values:
            raise ConfigError(src, where, MISSING, "does not change the result; not sweepable")
        if carry and key.startswith("initial_condition."):
            raise ConfigError(
                src, where, MISSING, "cannot be set with carry_state (the state is carried)"
            )
    if "run.seed" in values and replicates > 1:
        raise ConfigError(
            src, "sweep.run.seed", MISSING, "sweep run.seed or use replicates, not both"
        )
    if mode == "zip" and keys:
        lengths = {k: len(values[k]) for k in keys}
        if len(set(lengths.values())) > 1:
            raise ConfigError(src, "sweep", lengths, 'mode = "zip" needs lists of equal length')


def _carry_key(src, raw, keys, values, mode, carry, fixed) -> str | None:
    key = raw.get("carry_key")
    if not carry:
        if key is not None:
            raise ConfigError(src, "carry_key", key, "needs carry_state")
        return None
    if mode == "zip":
        raise ConfigError(src, "carry_state", carry, 'needs mode = "grid"')
    if key is None:
        if len(keys) != 1:
            raise ConfigError(
                src,
                "carry_key",
                MISSING,
                "name the swept key whose points are run in order: one of " + ", ".join(keys)
                if keys
                else "carry_state needs a swept key",
            )
        key = keys[0]
    if key not in values:
        raise ConfigError(src, "carry_key", key, "must be a swept key: " + ", ".join(keys))
    if not all(_number(v) for v in values[key]):
        raise ConfigError(src, f"sweep.{key}", values[key], "a carried key needs numeric values")
    return key


def _dim_names(keys: tuple[str, ...], collect: tuple[Collect, ...]) -> dict[str, str]:
    """Summary dimension of each swept key: its last component when that is unambiguous."""
    taken = set(RESERVED) | {c.name for c in collect}
    lasts = [k.rsplit(".", 1)[-1] for k in keys]
    names = {}
    for key, last in zip(keys, lasts, strict=True):
        names[key] = last if lasts.count(last) == 1 and last not in taken else key.replace(".", "_")
    return names


#: units of the config documentation that udunits cannot parse → (CF units, words for long_name)
_CF_UNITS = {
    "": ("1", ""),
    "body lengths": ("1", "in body lengths"),
    "body lengths/s": ("s-1", "in body lengths per second"),
    "degrees": ("degree", ""),
    "degrees/s": ("degree s-1", ""),
    "length": ("1", "dimensionless length"),
    "time": ("1", "dimensionless time"),
    "length/time": ("1", "dimensionless velocity"),
    "1/length": ("1", "dimensionless wavenumber"),
    "1/time": ("1", "dimensionless frequency"),
    "c": ("1", "in units of the wave speed c"),
}


def coordinate_attrs(key: str, unit: str) -> dict[str, str]:
    """CF attributes of the summary coordinate of config ``key`` documented in ``unit``: udunits
    ``units`` (``"1"`` for dimensionless model units and body lengths) and a ``long_name`` that
    names the key and, where ``units`` cannot, the unit."""
    units, words = _CF_UNITS.get(unit, (unit, ""))
    return {"long_name": f"{key} ({words})" if words else key, "units": units}


def _units(cfg: RunConfig, keys: tuple[str, ...]) -> dict[str, str]:
    ic = getattr(cfg, "initial_condition", None)
    rows = {}
    for row in describe(type(cfg)):
        key = row.key
        if ic is not None and key.startswith(f"initial_condition[{ic.type_name}]."):
            key = "initial_condition." + key.split("].", 1)[1]
        rows[key] = row.unit
    return {k: rows.get(k, "") for k in keys}


def _build(
    base_raw: Mapping, changes: Mapping[str, Any], base: Path, src: str, swept: tuple[str, ...]
) -> RunConfig:
    """Validate the base config with dotted ``changes``; errors name the sweep file and key."""
    raw = _plain(base_raw)
    carried = changes.get("initial_condition")
    try:
        for key, value in changes.items():
            if key == "initial_condition":
                continue
            node = raw
            parts = key.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
                if not isinstance(node, dict):
                    raise ConfigError(str(base), key, value, f"{part!r} is not a table")
            node[parts[-1]] = value
        if carried is not None:
            raw["initial_condition"] = dict(carried)
        return build_config(raw, str(base))
    except ConfigError as exc:
        raise ConfigError(
            src,
            _where(exc.key, swept, changes),
            exc.value,
            f"{exc.allowed} (base config {base.name})",
            exc.hint,
        ) from None


def _where(key: str, swept: tuple[str, ...], changes: Mapping[str, Any]) -> str:
    """The sweep-file key behind an error on config key ``key`` (or a section of it)."""
    for table, names in (("sweep", swept), ("set", changes)):
        for name in names:
            if name == key or name.startswith(key + "."):
                return f"{table}.{name}"
    return key


def _expand(sw: Sweep, base_raw: Mapping, common: dict[str, Any]) -> None:
    keys, values = sw.keys, sw.values
    if not keys:
        points = [((), {})]
    elif sw.mode == "zip":
        n = len(values[keys[0]])
        points = [((i,), {k: values[k][i] for k in keys}) for i in range(n)]
    else:
        points = [
            (idx, {k: values[k][i] for k, i in zip(keys, idx, strict=True)})
            for idx in itertools.product(*(range(len(values[k])) for k in keys))
        ]
    seeded = sw.replicates > 1 or "seed" in sw.raw

    def make(params, r, index, branch=None, previous=None) -> RunSpec:
        changes = {**common, **params}
        if seeded:
            changes["run.seed"] = sw.seeds[r]
        if previous is not None:
            path = sw.outdir / "runs" / f"{previous}.nc"
            changes["initial_condition"] = {"type": "from_file", "path": str(path), "time": -1.0}
        cfg = _build(base_raw, changes, sw.base, sw.source, keys)
        return RunSpec(
            hash=config_hash(cfg, previous),
            config=cfg,
            params=params,
            replicate=r,
            seed=cfg.run.seed,
            index=index,
            branch=branch,
            previous=previous,
        )

    runs: list[RunSpec] = []
    if not sw.carry_state:
        for idx, params in points:
            for r in range(sw.replicates):
                runs.append(make(params, r, (*idx, r)))
    else:
        c = keys.index(sw.carry_key)
        column = values[sw.carry_key]
        up = sorted(range(len(column)), key=lambda i: column[i])
        orders = {"ascending": up, "descending": up[::-1]}
        others = [(idx, params) for idx, params in points if idx[c] == 0]
        for idx, _ in others:
            for r in range(sw.replicates):
                previous = None
                for b, branch in enumerate(sw.branches):
                    for i in orders[branch]:
                        full = (*idx[:c], i, *idx[c + 1 :])
                        params = {k: values[k][j] for k, j in zip(keys, full, strict=True)}
                        spec = make(params, r, (b, *full, r), branch, previous)
                        runs.append(spec)
                        previous = spec.hash
    seen: dict[str, RunSpec] = {}
    for spec in runs:
        if spec.hash in seen:
            raise ConfigError(
                sw.source,
                "sweep",
                MISSING,
                f"runs {seen[spec.hash].params} and {spec.params} have the same resolved config",
            )
        seen[spec.hash] = spec
    sw.runs = runs


def _check_collect(src: str, sw: Sweep) -> dict[str, str]:
    """Every collected variable is a (t,) variable the model writes (or a diagnostic when
    ``diagnostics.enabled``); returns their units."""
    from simsuite.models import get_model
    from simsuite.run_output import output_variables

    first = sw.runs[0].config
    try:
        model = get_model(first.model.name).from_config(first)
    except ConfigError as exc:
        raise ConfigError(
            src, exc.key, exc.value, f"{exc.allowed} (base config)", exc.hint
        ) from None
    specs = output_variables(model)
    series = sorted(n for n, s in specs.items() if s.dims == ("t",))
    diagnostics = any(r.config.diagnostics.enabled for r in sw.runs)
    units = {}
    for item in sw.collect:
        spec = specs.get(item.variable)
        if spec is None and not diagnostics:
            raise ConfigError(
                src,
                f"collect.{item.name}",
                item.variable,
                f"not a variable of the {first.model.name} output; time series: "
                + ", ".join(series)
                + " (diagnostics variables need diagnostics.enabled = true)",
                did_you_mean(item.variable, series),
            )
        if spec is not None and spec.dims != ("t",):
            raise ConfigError(
                src,
                f"collect.{item.name}",
                item.variable,
                f"has dims {spec.dims}; collect reduces (t,) series: " + ", ".join(series),
            )
        units[item.name] = spec.units if spec is not None else "1"  # diagnostics: "1"
    return units


def sweep_toml(sw: Sweep) -> str:
    """The sweep file's content as TOML text (stored in the summary)."""
    return tomli_w.dumps(sw.raw)
