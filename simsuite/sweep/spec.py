"""Sweep files: parsing, validation and expansion into runs (no Dask here).

:func:`load_sweep` reads a sweep file (or a mapping), checks every key, builds and validates the config
of every run, derives the replicate seeds and names each run by the hash of its resolved config. A bad
sweep file raises :class:`~simsuite.config.ConfigError` before any run starts. See :mod:`simsuite.sweep`
for the file format and the rules.

The work is shared by :mod:`simsuite.sweep.plan` (:class:`Sweep`, :class:`RunSpec`, seeds and hashes),
:mod:`simsuite.sweep.parse` (reading and validating the sweep file's tables) and
:mod:`simsuite.sweep.expand` (the runs and the summary layout); this module puts them together in
:func:`load_sweep` and re-exports the names imported from here.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simsuite.config import MISSING, ConfigError, did_you_mean
from simsuite.sweep.expand import (
    build_run_config,
    check_collect,
    coordinate_attrs,
    dim_names,
    expand_runs,
    key_units,
)
from simsuite.sweep.parse import (
    TOP_KEYS,
    carry_key_of,
    check_count,
    check_keys,
    check_type,
    count_runs,
    flatten_keys,
    parse_collect,
    read_sweep_source,
    swept_values,
)
from simsuite.sweep.plan import (
    CARRY_MODES,
    MAX_RUNS,
    REDUCTIONS,
    Collect,
    RunSpec,
    Sweep,
    config_hash,
    replicate_seeds,
    sweep_toml,
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
    "coordinate_attrs",
    "count_runs",
    "load_sweep",
    "replicate_seeds",
    "sweep_toml",
]


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
    raw, src, here = read_sweep_source(source)
    check_count(src, raw, max_runs)
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
    check_type(src, "replicates", replicates, int, "must be an integer >= 1")
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
    swept = flatten_keys(table, "", src, "sweep", ranges=True)
    values = {k: swept_values(src, k, v) for k, v in swept.items()}
    keys = tuple(values)
    fixed_table = raw.get("set", {})
    if not isinstance(fixed_table, Mapping):
        raise ConfigError(src, "set", fixed_table, "must be a table of dotted keys")
    fixed = flatten_keys(fixed_table, "", src, "set", ranges=False)
    check_keys(src, keys, fixed, values, mode, replicates, carry)
    carry_key = carry_key_of(src, raw, keys, values, mode, carry, fixed)
    collect = parse_collect(src, raw.get("collect", {}))

    # the base config (with [set]) must be valid on its own: its seed is the replicates' base seed
    base_cfg = build_run_config(base_raw, {**fixed, "run.progress": False}, base, src, ())
    seed = raw.get("seed", base_cfg.run.seed)
    check_type(src, "seed", seed, int, "must be an integer >= 0")
    if seed < 0:
        raise ConfigError(src, "seed", seed, "must be an integer >= 0")
    if outdir is None:
        outdir = raw.get(
            "outdir", f"outputs/sweeps/{Path(src).stem if src != '<dict>' else 'sweep'}"
        )
        check_type(src, "outdir", outdir, str, "must be a directory path")
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
    sw.dim_names = dim_names(keys, collect)
    sw.units = key_units(base_cfg, keys)
    threads = {} if "run.threads" in fixed else {"run.threads": 1}
    expand_runs(sw, base_raw, {**fixed, **threads, "run.progress": False})
    sw.collect_units = check_collect(src, sw)
    return sw
