"""Declaring config keys: :func:`param`, :func:`section`, :class:`Polymorphic`, and what follows from them.

Every key a user can set is a dataclass field declared with :func:`param`, which records its default, unit,
allowed range or choices and a one-line doc. From these declarations come the value checks
(:func:`check_value`, used by the loader) and the key documentation (:func:`describe`, used by
``simsuite show-config`` and the generated config reference). A section whose class derives from
:class:`Polymorphic` (initial conditions) has a ``type`` key that chooses the class from its ``registry``.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from simsuite.config.errors import ConfigError, did_you_mean


def param(
    default: Any,
    *,
    doc: str,
    unit: str = "1",
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    choices: tuple[Any, ...] | None = None,
    finite: bool = True,
    per_axis: bool = False,
    many: bool = False,
) -> Any:
    """Declare one config key: its default, unit, allowed range or choices and a doc line.

    ``per_axis``: the key also takes an array of 2 or 3 such values, one per grid axis
    ``(x, y, z)`` (:data:`PER_AXIS`); each entry is checked like the single value. ``many``: the
    key also takes a non-empty array of such values, without repeats (a tuple)."""
    meta = {
        "doc": doc,
        "unit": unit,
        "ge": ge,
        "gt": gt,
        "le": le,
        "lt": lt,
        "choices": choices,
        "finite": finite,
        "per_axis": per_axis,
        "many": many,
    }
    return field(default=default, metadata=meta)


def section(factory: Any) -> Any:
    """Declare a section (a nested dataclass) with its default instance."""
    return field(default_factory=factory, metadata={"section": True})


def describe_range(meta: Mapping[str, Any], kind: type) -> str:
    """Human-readable description of what a key accepts, e.g. ``float > 0``."""
    if meta.get("choices"):
        text = "one of " + ", ".join(repr(c) for c in meta["choices"])
        return text + (", or an array of them" if meta.get("many") else "")
    parts = []
    for op, sym in (("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤")):
        if meta.get(op) is not None:
            parts.append(f"{sym} {_fmt(meta[op])}")
    name = {float: "float", int: "integer", bool: "boolean", str: "string"}.get(kind, kind.__name__)
    text = name + (" " + " and ".join(parts) if parts else "")
    if meta.get("many"):
        text += ", or an array of them"
    return text + (f", or {PER_AXIS_TEXT} of them" if meta.get("per_axis") else "")


#: Lengths of the arrays a ``per_axis`` key takes (one entry per grid axis x, y, z).
PER_AXIS = (2, 3)
PER_AXIS_TEXT = "an array of 2 or 3 (one per axis x, y, z)"


def _fmt(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() and abs(bound) < 1e15 else f"{bound:g}"


def check_value(source: str, key: str, value: Any, kind: type, meta: Mapping[str, Any]) -> Any:
    """Coerce ``value`` to ``kind`` and check its range; return the clean value or raise.

    A ``per_axis`` key given an array returns a tuple of checked values (2 or 3 of them)."""
    if meta.get("per_axis") and isinstance(value, (list, tuple)):
        if len(value) not in PER_AXIS:
            raise ConfigError(
                source,
                key,
                list(value),
                f"must be {describe_range(meta, kind)} (an array has {len(value)} entries; "
                "use a single number for one dimension)",
            )
        single = {**meta, "per_axis": False}
        checked = []
        for i, entry in enumerate(value):
            try:
                checked.append(check_value(source, key, entry, kind, single))
            except ConfigError as exc:  # named by the key, the whole array and the axis
                raise ConfigError(
                    source, key, list(value), f"entry {i} (axis {'xyz'[i]}): {exc.allowed}"
                ) from None
        return tuple(checked)
    if meta.get("many") and isinstance(value, (list, tuple)):
        allowed = "must be " + describe_range(meta, kind)
        if not value or len(set(map(str, value))) != len(value):
            raise ConfigError(source, key, list(value), allowed + " (non-empty, no repeats)")
        single = {**meta, "many": False}
        return tuple(check_value(source, key, entry, kind, single) for entry in value)
    allowed = "must be " + describe_range(meta, kind)
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(source, key, value, allowed)
    elif kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(source, key, value, allowed)
    elif kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(source, key, value, allowed)
        try:
            value = float(value)
        except OverflowError:  # an integer beyond the float range
            raise ConfigError(source, key, value, allowed + " (finite)") from None
        if meta.get("finite", True) and not math.isfinite(value):
            raise ConfigError(source, key, value, allowed + " (finite)")
    elif kind is str:
        if not isinstance(value, str):
            raise ConfigError(source, key, value, allowed)
    choices = meta.get("choices")
    if choices and value not in choices:
        hint = did_you_mean(str(value), [str(c) for c in choices])
        raise ConfigError(source, key, value, allowed, hint)
    bounds = (
        ("gt", lambda v, b: v > b),
        ("ge", lambda v, b: v >= b),
        ("lt", lambda v, b: v < b),
        ("le", lambda v, b: v <= b),
    )
    for op, ok in bounds:
        bound = meta.get(op)
        if bound is not None and not ok(value, bound):
            raise ConfigError(source, key, value, allowed)
    return value


class Polymorphic:
    """Base of sections whose ``type`` key selects a dataclass from ``registry``."""

    registry: ClassVar[dict[str, type]]
    type_name: ClassVar[str] = ""
    default_type: ClassVar[str] = ""
    description: ClassVar[str] = ""


def config_fields(cls: type) -> list[dataclasses.Field]:
    """The fields of a config or section class that are config keys (not internal ones like ``source``)."""
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def key_of(f: dataclasses.Field) -> str:
    """The config key of a field: its name without a trailing underscore (``lambda_`` → ``lambda``,
    for keys that are Python keywords)."""
    return f.name[:-1] if f.name.endswith("_") else f.name


@dataclass(frozen=True)
class KeyDoc:
    key: str
    default: Any
    unit: str
    allowed: str
    doc: str


def describe(cls: type, prefix: str = "", default: Any = None) -> list[KeyDoc]:
    """Every key of a config or section class with default, unit, allowed values and doc.

    ``default`` is the instance whose values are the defaults (``cls()`` if None): a run config
    builds each section with the model's own defaults (``section(lambda: TimeSection(...))``),
    and those are the ones documented.
    """
    rows: list[KeyDoc] = []
    default = cls() if default is None else default
    hints = typing.get_type_hints(cls)
    for f in config_fields(cls):
        key = f"{prefix}{key_of(f)}"
        kind = hints[f.name]
        if f.metadata.get("section"):
            if isinstance(kind, type) and issubclass(kind, Polymorphic):
                rows.extend(_describe_polymorphic(kind, getattr(default, f.name), key))
            else:
                rows.extend(describe(kind, key + ".", getattr(default, f.name)))
            continue
        meta = f.metadata
        rows.append(
            KeyDoc(
                key, getattr(default, f.name), meta["unit"], describe_range(meta, kind), meta["doc"]
            )
        )
    return rows


def _describe_polymorphic(base: type, default: Any, key: str) -> list[KeyDoc]:
    types = sorted(base.registry)
    rows = [
        KeyDoc(
            f"{key}.type",
            default.type_name,
            "",
            "one of " + ", ".join(types),
            "which initial condition; each type has the keys listed below it",
        )
    ]
    for name in types:
        cls = base.registry[name]
        for row in describe(cls, f"{key}[{name}]."):
            rows.append(row)
    return rows
