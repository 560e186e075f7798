"""Reading and validating a sweep file: its top-level keys and its [sweep], [set] and [collect] tables.

Every check names the sweep file and the sweep-file key (``sweep.zones.delta_r_orientation``,
``collect.polarization``) and raises :class:`~simsuite.config.ConfigError` before any run starts.
A swept key's values are a list or a range ``{start, stop, num}`` / ``{start, stop, step}``
(:func:`swept_values`); :func:`count_runs` counts the runs without expanding anything, so an
oversized sweep is refused at once (:func:`check_count`).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from simsuite.config import MISSING, ConfigError, did_you_mean
from simsuite.sweep.plan import REDUCTIONS, RESERVED, UNHASHED, Collect

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

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


def read_sweep_source(source: str | Path | Mapping[str, Any]) -> tuple[dict[str, Any], str, Path]:
    """The parsed sweep, its name for messages and the directory ``base`` is relative to."""
    if isinstance(source, Mapping):
        return plain_copy(source), "<dict>", Path.cwd()
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


def plain_copy(raw: Mapping) -> dict:
    """A copy of ``raw`` as nested plain dicts (the caller may change it)."""
    return {k: plain_copy(v) if isinstance(v, Mapping) else v for k, v in raw.items()}


def _is_range(value: Any) -> bool:
    return isinstance(value, Mapping) and ("start" in value or "stop" in value)


def flatten_keys(table: Mapping, prefix: str, src: str, where: str, ranges: bool) -> dict[str, Any]:
    """Dotted key → value of a table written with quoted dotted keys or nested tables."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and not (ranges and _is_range(value)):
            out.update(flatten_keys(value, dotted, src, where, ranges))
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


def swept_values(src: str, key: str, value: Any) -> list:
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
        swept = flatten_keys(table, "", "", "sweep", ranges=True)
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


def check_count(src: str, raw: Mapping[str, Any], max_runs: int) -> None:
    """Refuse a sweep of more than ``max_runs`` runs, naming the key that contributes most."""
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


def check_type(src: str, key: str, value: Any, kind: type | tuple, allowed: str) -> None:
    """Require ``value`` to be a ``kind`` (a bool is not an int here)."""
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        raise ConfigError(src, key, value, allowed)


def parse_collect(src: str, table: Any) -> tuple[Collect, ...]:
    """The ``[collect]`` table: ``name = "reduction"`` or ``name = {variable, reduce}``."""
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


def check_keys(src, keys, fixed, values, mode, replicates, carry) -> None:
    """Checks across the swept (``keys``, ``values``) and fixed keys: what may not be swept or set,
    seeds swept with replicates, zipped lists of unequal length."""
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


def carry_key_of(src, raw, keys, values, mode, carry, fixed) -> str | None:
    """The swept key whose points a carried-state sweep runs in order (``carry_key``, or the one
    swept key), None without ``carry_state``."""
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
