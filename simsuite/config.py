"""TOML configuration → frozen dataclasses, with defaults, validation and dotted overrides.

Every key a user can set is a dataclass field declared with :func:`param`, which records its default, unit,
allowed range or choices and a one-line doc. The loader walks these declarations, so validation, error
messages, ``simsuite show-config`` and the generated config reference all come from one place.

A run config is a dataclass whose fields are *sections* (``[time]``, ``[grid]`` …). Each model defines its
own config class (see :mod:`simsuite.models`), extending :class:`RunConfig` with its sections, and the
loader finds it by the model's name in :mod:`simsuite.registry` (it never imports the models). A section
whose class has a ``registry`` (initial conditions) is *polymorphic*: its ``type`` key chooses the class.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import sys
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import tomli_w

from simsuite.registry import get_model, model_names

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


class ConfigError(ValueError):
    """A config value is missing, unknown, of the wrong type, out of range or inconsistent.

    The message names the source (file), the dotted key, the offending value and what is allowed.
    """

    def __init__(self, source: str, key: str, value: Any, allowed: str, hint: str = ""):
        self.source, self.key, self.value, self.allowed, self.hint = (
            source,
            key,
            value,
            allowed,
            hint,
        )
        where = f"{source}: " if source else ""
        shown = "" if value is MISSING else f" = {_show(value)}"
        text = f"{where}{key}{shown}: {allowed}"
        if hint:
            text += f" ({hint})"
        super().__init__(text)


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


#: The value of a :class:`ConfigError` about a key that is absent (the message shows no value).
MISSING: Any = _Missing()


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# --------------------------------------------------------------------------------------------------
# Declaring keys
# --------------------------------------------------------------------------------------------------
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
) -> Any:
    """Declare one config key: its default, unit, allowed range or choices and a doc line."""
    meta = {
        "doc": doc,
        "unit": unit,
        "ge": ge,
        "gt": gt,
        "le": le,
        "lt": lt,
        "choices": choices,
        "finite": finite,
    }
    return field(default=default, metadata=meta)


def section(factory: Any) -> Any:
    """Declare a section (a nested dataclass) with its default instance."""
    return field(default_factory=factory, metadata={"section": True})


def describe_range(meta: Mapping[str, Any], kind: type) -> str:
    """Human-readable description of what a key accepts, e.g. ``float > 0``."""
    if meta.get("choices"):
        return "one of " + ", ".join(repr(c) for c in meta["choices"])
    parts = []
    for op, sym in (("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤")):
        if meta.get(op) is not None:
            parts.append(f"{sym} {_fmt(meta[op])}")
    name = {float: "float", int: "integer", bool: "boolean", str: "string"}.get(kind, kind.__name__)
    return name + (" " + " and ".join(parts) if parts else "")


def _fmt(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() and abs(bound) < 1e15 else f"{bound:g}"


def _check_value(source: str, key: str, value: Any, kind: type, meta: Mapping[str, Any]) -> Any:
    """Coerce ``value`` to ``kind`` and check its range; return the clean value or raise."""
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
        hint = _did_you_mean(str(value), [str(c) for c in choices])
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


def did_you_mean(word: str, candidates: list[str]) -> str:
    """A "did you mean 'x'?" hint for the closest candidate, or an empty string."""
    return _did_you_mean(word, candidates)


def _did_you_mean(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


# --------------------------------------------------------------------------------------------------
# Common sections
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelSection:
    name: str = param("", doc="model to run: one of the registered models (simsuite list)")
    label: str = param("", doc="free text describing the run, stored in the output")


@dataclass(frozen=True)
class TimeSection:
    t_final: float = param(10.0, unit="time", gt=0.0, doc="end time of the run (starts at 0)")
    dt: float = param(
        0.01, unit="time", gt=0.0, doc="fixed step, or initial step for adaptive methods"
    )
    n_snapshots: int = param(
        101, ge=2, le=10**7, doc="output times evenly spaced over [0, t_final], t = 0 included"
    )


@dataclass(frozen=True)
class IntegratorSection:
    method: str = param("", doc="time integrator (simsuite list shows those of each model)")
    rtol: float = param(1e-9, gt=0.0, lt=1.0, doc="relative tolerance (adaptive methods only)")
    atol: float = param(1e-11, gt=0.0, doc="absolute tolerance (adaptive methods only)")
    max_steps: int = param(
        10_000_000, ge=1, doc="abort when one output interval needs more steps than this"
    )
    error_norm: str = param(
        "global",
        choices=("global", "componentwise"),
        doc="adaptive methods: measure the local error against atol + rtol * rms(state) (global) "
        "or per component, as scipy does (componentwise)",
    )


@dataclass(frozen=True)
class OutputSection:
    path: str = param(
        "",
        doc="NetCDF output file, relative to the working directory; '' = do not write. "
        "Missing parent directories are created",
    )
    compression: int = param(4, ge=0, le=9, doc="zlib compression level, 0 = none")
    save_every: int = param(
        0,
        ge=0,
        doc="if > 0, write a snapshot every save_every steps of time.dt (overrides "
        "time.n_snapshots; t_final must then be a whole number of steps)",
    )
    max_bytes: float = param(
        4e9,
        gt=0.0,
        unit="bytes",
        doc="refuse to start a run whose output (uncompressed) would exceed this size",
    )
    checkpoint_every: int = param(
        0,
        ge=0,
        doc="snapshots between restart checkpoints (sidecar <path>.ckpt.nc, written atomically; "
        "continue with simsuite run CONFIG --restart OUTPUT.nc), 0 = off",
    )


@dataclass(frozen=True)
class RunSection:
    seed: int = param(
        42, ge=0, doc="seed of numpy.random.Generator(PCG64(seed)), the source of every random draw"
    )
    threads: int = param(0, ge=0, le=1024, doc="threads for FFTs and kernels, 0 = all cores")
    fft: str = param(
        "auto",
        choices=("auto", "fftw", "fftw_measure", "scipy"),
        doc="FFTs of the NLSE right-hand side: FFTW through pyFFTW (2-4x faster than scipy.fft; "
        "estimated plans, bitwise reproducible), fftw_measure (timed plans: faster from n ~ 8192, "
        "last bits may differ between processes), scipy.fft, or auto = fftw when pyFFTW is "
        "installed",
    )
    progress: bool = param(True, doc="show a progress bar (also off with --quiet)")
    max_memory: float = param(
        0.8,
        ge=0.0,
        unit="bytes",
        doc="refuse to start a run whose estimated working memory (state, stages, propagators, "
        "grids, in-memory output) exceeds this: > 1 = bytes, 0 < x <= 1 = that fraction of the "
        "memory available at start (Linux MemAvailable; no limit where it cannot be read), "
        "0 = no limit",
    )


@dataclass(frozen=True)
class DiagnosticsSection:
    enabled: bool = param(
        False,
        doc="compute the entropy diagnostics into the output when the run ends (as simsuite analyze "
        "does)",
    )
    renyi_orders: str = param(
        "0.5, 2, inf", doc="comma-separated Renyi orders alpha of the field entropies (>= 0, inf)"
    )
    tsallis_q: str = param("0.5, 2", doc="comma-separated Tsallis indices q of the field entropies")
    permutation_order: int = param(
        4, ge=2, le=8, doc="order d of the permutation entropies (Bandt-Pompe)"
    )
    permutation_delay: int = param(1, ge=1, doc="delay of the permutation entropies")
    probe_x: float = param(
        0.0,
        unit="length",
        doc="fields: probe point of the probe series recorded during the run (spectral "
        "interpolation, exact at any x in the domain) and of its time-series measures",
    )
    probe_every: float = param(
        0.0,
        ge=0.0,
        unit="time",
        doc="fields: spacing of the probe series (each output interval split into equal parts "
        "no longer than this); 0 = time.dt, every step of a fixed-step method; adaptive methods "
        "stop at each probe time, which shortens steps (raise it to save them; at least the "
        "output interval: one sample per snapshot, no extra cost)",
    )
    schooling_definition: str = param(
        "simsuite",
        choices=("simsuite", "dewi-kadita"),
        doc="couzin: definition of the seven schooling entropies and the OSI",
    )

    def orders(self, source: str, key: str) -> list[float]:
        """The numbers of ``renyi_orders`` or ``tsallis_q`` (``key``), validated."""
        text = getattr(self, key)
        try:
            values = [float(v) for v in text.split(",") if v.strip()]
        except ValueError:
            values = []
        if not values or any(v != v for v in values):
            raise ConfigError(
                source, f"diagnostics.{key}", text, "must be comma-separated numbers, e.g. '0.5, 2'"
            )
        if key == "renyi_orders" and any(v < 0 for v in values):
            raise ConfigError(source, f"diagnostics.{key}", text, "orders must be >= 0 (or inf)")
        if key == "tsallis_q" and any(not math.isfinite(v) for v in values):
            raise ConfigError(source, f"diagnostics.{key}", text, "indices must be finite")
        return values


class Polymorphic:
    """Base of sections whose ``type`` key selects a dataclass from ``registry``."""

    registry: ClassVar[dict[str, type]]
    type_name: ClassVar[str] = ""
    default_type: ClassVar[str] = ""
    description: ClassVar[str] = ""


@dataclass(frozen=True)
class RunConfig:
    """Sections shared by every model. Models extend it with their own sections."""

    model: ModelSection = section(ModelSection)
    time: TimeSection = section(TimeSection)
    integrator: IntegratorSection = section(IntegratorSection)
    output: OutputSection = section(OutputSection)
    run: RunSection = section(RunSection)
    diagnostics: DiagnosticsSection = section(DiagnosticsSection)
    source: str = field(default="", metadata={"internal": True})

    def check(self) -> None:
        """Cross-key checks; models override and call ``super().check()``."""
        if self.time.dt > self.time.t_final:
            raise ConfigError(
                self.source,
                "time.dt",
                self.time.dt,
                f"must not exceed time.t_final = {self.time.t_final}",
            )
        if self.output.save_every > 0:
            self.check_whole_steps("output.save_every", self.output.save_every)
        self.diagnostics.orders(self.source, "renyi_orders")
        self.diagnostics.orders(self.source, "tsallis_q")

    def check_integrator(self, methods: tuple[str, ...], model: str) -> None:
        """Require ``integrator.method`` to be one of the model's ``methods``."""
        method = self.integrator.method
        if method not in methods:
            raise ConfigError(
                self.source,
                "integrator.method",
                method,
                "must be one of " + ", ".join(methods) + f" for the {model} model",
                _did_you_mean(method, list(methods)),
            )

    def check_whole_steps(self, key: str, value: Any) -> None:
        """Require ``time.t_final`` to be a whole number of steps ``time.dt``."""
        n_steps = self.time.t_final / self.time.dt
        if not math.isfinite(n_steps):  # e.g. t_final = 1e300, dt = 1e-300
            raise ConfigError(
                self.source,
                key,
                value,
                f"needs a finite number of steps time.t_final / time.dt = "
                f"{self.time.t_final} / {self.time.dt}",
            )
        if abs(n_steps - round(n_steps)) > 1e-9 * max(1.0, n_steps):
            raise ConfigError(
                self.source,
                key,
                value,
                f"needs time.t_final = {self.time.t_final} to be a whole number of steps "
                f"time.dt = {self.time.dt} (it is {n_steps:.6g} steps)",
            )


# --------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------
def _fields(cls: type) -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def key_of(f: dataclasses.Field) -> str:
    """The config key of a field: its name without a trailing underscore (``lambda_`` → ``lambda``,
    for keys that are Python keywords)."""
    return f.name[:-1] if f.name.endswith("_") else f.name


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build_section(cls: type, raw: Any, default: Any, source: str, prefix: str) -> Any:
    """Build dataclass ``cls`` from the TOML table ``raw``; missing keys come from ``default``."""
    if not isinstance(raw, Mapping):
        raise ConfigError(source, prefix, raw, "must be a table")
    if issubclass(cls, Polymorphic):
        return _build_polymorphic(cls, raw, default, source, prefix)
    return _build_plain(cls, raw, default, source, prefix)


def _build_plain(cls: type, raw: Mapping, default: Any, source: str, prefix: str) -> Any:
    hints = _hints(cls)
    names = {key_of(f) for f in _fields(cls)}
    for key in raw:
        if key not in names:
            hint = _did_you_mean(str(key), sorted(names))
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
    for f in _fields(cls):
        name = key_of(f)
        key = f"{prefix}.{name}"
        current = getattr(default, f.name)
        if name not in raw:
            values[f.name] = current
        else:
            values[f.name] = _check_value(source, key, raw[name], hints[f.name], f.metadata)
    return cls(**values)


def _build_polymorphic(base: type, raw: Mapping, default: Any, source: str, prefix: str) -> Any:
    registry = base.registry
    type_name = raw.get("type", default.type_name if default is not None else base.default_type)
    if not isinstance(type_name, str) or type_name not in registry:
        hint = _did_you_mean(str(type_name), sorted(registry))
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
        hint = _did_you_mean(str(name), names) if name is not MISSING else ""
        raise ConfigError(source, "model.name", name, "must be one of " + ", ".join(names), hint)
    cls = config_class_for(name)
    default = cls()
    sections = {f.name: f for f in _fields(cls)}
    for key in raw:
        if key not in sections:
            hint = _did_you_mean(str(key), sorted(sections))
            raise ConfigError(
                source,
                key,
                MISSING,
                "unknown section; allowed: " + ", ".join(sorted(sections)),
                hint,
            )
    hints = _hints(cls)
    values = {}
    for fname in sections:
        values[fname] = _build_section(
            hints[fname], raw.get(fname, {}), getattr(default, fname), source, fname
        )
    cfg = cls(**values, source=source)
    cfg.check()
    return cfg


# --------------------------------------------------------------------------------------------------
# Writing and describing
# --------------------------------------------------------------------------------------------------
def to_dict(cfg: Any) -> dict[str, Any]:
    """The resolved config as nested plain dicts (what a TOML file would hold)."""
    out: dict[str, Any] = {}
    if isinstance(cfg, Polymorphic):
        out["type"] = cfg.type_name
    for f in _fields(type(cfg)):
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
    hints = _hints(cls)
    for f in _fields(cls):
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
