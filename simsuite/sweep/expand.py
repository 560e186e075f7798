"""Expanding a validated sweep into its runs, and the layout of its summary.

:func:`expand_runs` makes one :class:`~simsuite.sweep.plan.RunSpec` per point of the grid (or of the
zipped lists) and replicate, in submission order; with carried state, the points of the carried key
run in ascending and/or descending order, each starting from the previous run's final state. Every
run's config is the base config with the sweep's changes, validated (:func:`build_run_config`; errors
name the sweep-file key). :func:`dim_names`, :func:`key_units` and :func:`coordinate_attrs` give the
summary's dimensions and their CF attributes; :func:`check_collect` checks the collected variables.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simsuite.config import MISSING, ConfigError, RunConfig, build_config, describe, did_you_mean
from simsuite.sweep.parse import plain_copy
from simsuite.sweep.plan import RESERVED, Collect, RunSpec, Sweep, config_hash


def dim_names(keys: tuple[str, ...], collect: tuple[Collect, ...]) -> dict[str, str]:
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


def key_units(cfg: RunConfig, keys: tuple[str, ...]) -> dict[str, str]:
    """The documented unit of each swept key (``""`` for a key without one)."""
    ic = getattr(cfg, "initial_condition", None)
    rows = {}
    for row in describe(type(cfg)):
        key = row.key
        if ic is not None and key.startswith(f"initial_condition[{ic.type_name}]."):
            key = "initial_condition." + key.split("].", 1)[1]
        rows[key] = row.unit
    return {k: rows.get(k, "") for k in keys}


def build_run_config(
    base_raw: Mapping, changes: Mapping[str, Any], base: Path, src: str, swept: tuple[str, ...]
) -> RunConfig:
    """Validate the base config with dotted ``changes``; errors name the sweep file and key."""
    raw = plain_copy(base_raw)
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


def expand_runs(sw: Sweep, base_raw: Mapping, common: dict[str, Any]) -> None:
    """Fill ``sw.runs``: one run per point and replicate (and branch), each config the base with
    ``common`` and the point's values; refuse two runs with the same resolved config."""
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
        cfg = build_run_config(base_raw, changes, sw.base, sw.source, keys)
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


def check_collect(src: str, sw: Sweep) -> dict[str, str]:
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
