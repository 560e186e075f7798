"""Loading a run config: TOML file or mapping → the model's frozen, validated config, and back to TOML.

:func:`load_config` reads the TOML file (every failure to read it becomes a :class:`ConfigError`),
applies the dotted ``--set`` overrides (:func:`parse_override`), finds the model's config class by the
model's name in :mod:`simsuite.registry` (it never imports the models) and builds each section from its
table, rejecting unknown sections and keys with the allowed ones and a "did you mean" hint.
:func:`to_toml` writes the resolved config (stored in every output file); :func:`replace` changes keys
of a config and validates it again.
"""

from __future__ import annotations

import dataclasses
import sys
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from simsuite.config.errors import MISSING, ConfigError, did_you_mean
from simsuite.config.schema import Polymorphic, check_value, config_fields, key_of
from simsuite.config.sections import RunConfig
from simsuite.registry import get_model, model_names

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


def _build_section(cls: type, raw: Any, default: Any, source: str, prefix: str) -> Any:
    """Build dataclass ``cls`` from the TOML table ``raw``; missing keys come from ``default``."""
    if not isinstance(raw, Mapping):
        raise ConfigError(source, prefix, raw, "must be a table")
    if issubclass(cls, Polymorphic):
        return _build_polymorphic(cls, raw, default, source, prefix)
    return _build_plain(cls, raw, default, source, prefix)


def _build_plain(cls: type, raw: Mapping, default: Any, source: str, prefix: str) -> Any:
    hints = typing.get_type_hints(cls)
    names = {key_of(f) for f in config_fields(cls)}
    for key in raw:
        if key not in names:
            hint = did_you_mean(str(key), sorted(names))
            what = (
                f"unknown key for type {cls.type_name!r}"
                if issubclass(cls, Polymorphic)
                else ("unknown key")
            )
            raise ConfigError(
                source,
                f"{prefix}.{key}",
                MISSING,
                f"{what}; allowed: " + ", ".join(sorted(names)),
                hint,
            )
    values = {}
    for f in config_fields(cls):
        name = key_of(f)
        key = f"{prefix}.{name}"
        current = getattr(default, f.name)
        if name not in raw:
            values[f.name] = current
        else:
            values[f.name] = check_value(source, key, raw[name], hints[f.name], f.metadata)
    return cls(**values)


def _build_polymorphic(base: type, raw: Mapping, default: Any, source: str, prefix: str) -> Any:
    registry = base.registry
    type_name = raw.get("type", default.type_name if default is not None else base.default_type)
    if not isinstance(type_name, str) or type_name not in registry:
        hint = did_you_mean(str(type_name), sorted(registry))
        raise ConfigError(
            source,
            f"{prefix}.type",
            type_name,
            "must be one of " + ", ".join(sorted(registry)),
            hint,
        )
    cls = registry[type_name]
    body = {k: v for k, v in raw.items() if k != "type"}
    start = default if type(default) is cls else cls()
    return _build_plain(cls, body, start, source, prefix)


def _set_dotted(raw: dict, key: str, value: Any, source: str) -> None:
    parts = key.split(".")
    if len(parts) < 2 or not all(parts):
        raise ConfigError(source, key, value, "override keys are dotted paths like time.t_final")
    node = raw
    for part in parts[:-1]:
        nxt = node.setdefault(part, {})
        if not isinstance(nxt, dict):
            raise ConfigError(source, key, value, f"{part!r} is not a table")
        node = nxt
    node[parts[-1]] = value


def parse_override(text: str) -> tuple[str, Any]:
    """Parse ``key=value`` (value in TOML syntax; bare words are strings)."""
    if "=" not in text:
        raise ConfigError("--set", text, MISSING, "overrides are written key=value")
    key, _, value = text.partition("=")
    key, value = key.strip(), value.strip()
    try:
        parsed = tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        parsed = value
    return key, parsed


def config_class_for(model_name: str) -> type[RunConfig]:
    """The config class of the model registered as ``model_name`` (:mod:`simsuite.registry`)."""
    return get_model(model_name).config_class


def load_config(
    source: str | Path | Mapping[str, Any],
    overrides: Mapping[str, Any] | None = None,
) -> RunConfig:
    """Load and validate a run config.

    Parameters
    ----------
    source
        Path of a TOML file, or an already-parsed mapping (``source`` is then ``"<dict>"``).
    overrides
        Dotted keys and values applied on top, e.g. ``{"time.t_final": 5.0}``.

    Raises
    ------
    ConfigError
        Naming the file, the dotted key, the value and what is allowed.
    """
    if isinstance(source, Mapping):
        raw = _deep_copy(source)
        origin = "<dict>"
    else:
        path = Path(source)
        origin = str(source)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(origin, "file", MISSING, "no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(origin, "file", MISSING, f"cannot be read ({exc})") from None
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(origin, "TOML", MISSING, f"malformed ({exc})") from None
        except RecursionError:  # the parser recurses into every nested array / inline table
            raise ConfigError(
                origin, "TOML", MISSING, "malformed (arrays or inline tables nested too deeply)"
            ) from None
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            raise ConfigError(origin, "TOML", MISSING, f"malformed ({exc})") from None
    for key, value in (overrides or {}).items():
        _set_dotted(raw, key, value, origin)
    return build_config(raw, origin)


def _deep_copy(raw: Mapping) -> dict:
    return {k: _deep_copy(v) if isinstance(v, Mapping) else v for k, v in raw.items()}


def build_config(raw: Mapping[str, Any], source: str = "<dict>") -> RunConfig:
    """Validate a parsed TOML mapping and return the model's frozen config."""
    model = raw.get("model", {})
    name = model.get("name", MISSING) if isinstance(model, Mapping) else MISSING
    names = model_names()
    if name not in names:
        hint = did_you_mean(str(name), names) if name is not MISSING else ""
        raise ConfigError(source, "model.name", name, "must be one of " + ", ".join(names), hint)
    cls = config_class_for(name)
    default = cls()
    sections = {f.name: f for f in config_fields(cls)}
    for key in raw:
        if key not in sections:
            hint = did_you_mean(str(key), sorted(sections))
            raise ConfigError(
                source,
                key,
                MISSING,
                "unknown section; allowed: " + ", ".join(sorted(sections)),
                hint,
            )
    hints = typing.get_type_hints(cls)
    values = {}
    for fname in sections:
        values[fname] = _build_section(
            hints[fname], raw.get(fname, {}), getattr(default, fname), source, fname
        )
    cfg = cls(**values, source=source)
    cfg.check()
    return cfg


def to_dict(cfg: Any) -> dict[str, Any]:
    """The resolved config as nested plain dicts (what a TOML file would hold)."""
    out: dict[str, Any] = {}
    if isinstance(cfg, Polymorphic):
        out["type"] = cfg.type_name
    for f in config_fields(type(cfg)):
        value = getattr(cfg, f.name)
        out[key_of(f)] = to_dict(value) if dataclasses.is_dataclass(value) else value
    return out


def to_toml(cfg: RunConfig) -> str:
    """The resolved config as TOML text (stored in every output file)."""
    return tomli_w.dumps(to_dict(cfg))


def replace(cfg: RunConfig, **changes: Any) -> RunConfig:
    """Return a copy of ``cfg`` with dotted keys changed and re-validated."""
    raw = to_dict(cfg)
    for key, value in changes.items():
        _set_dotted(raw, key.replace("__", "."), value, cfg.source)
    return build_config(raw, cfg.source)
