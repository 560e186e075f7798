"""TOML configuration → frozen dataclasses, with defaults, validation and dotted overrides.

Every key a user can set is a dataclass field declared with :func:`param`, which records its default, unit,
allowed range or choices and a one-line doc. The loader walks these declarations, so validation, error
messages, ``simsuite show-config`` and the generated config reference all come from one place.

A run config is a dataclass whose fields are *sections* (``[time]``, ``[grid]`` …). Each model defines its
own config class (see :mod:`simsuite.models`), extending :class:`RunConfig` with its sections, and the
loader finds it by the model's name in :mod:`simsuite.registry` (it never imports the models). A section
whose class has a ``registry`` (initial conditions) is *polymorphic*: its ``type`` key chooses the class.

The package's modules, each with one job:

* :mod:`simsuite.config.errors` — :class:`ConfigError`, :data:`MISSING` and the "did you mean" hint;
* :mod:`simsuite.config.schema` — declaring keys (:func:`param`, :func:`section`, :class:`Polymorphic`),
  checking a value against its declaration, and :func:`describe` (the key documentation);
* :mod:`simsuite.config.sections` — the sections every model shares and :class:`RunConfig`;
* :mod:`simsuite.config.load` — :func:`load_config` (TOML reading, ``--set`` overrides, unknown-key
  errors), :func:`build_config`, :func:`to_dict`, :func:`to_toml` and :func:`replace`.

Everything public is re-exported here: ``from simsuite.config import load_config`` is the import to use
outside the package.
"""

from __future__ import annotations

from simsuite.config.errors import MISSING, ConfigError, did_you_mean
from simsuite.config.load import (
    build_config,
    config_class_for,
    load_config,
    parse_override,
    replace,
    to_dict,
    to_toml,
    tomllib,
)
from simsuite.config.schema import (
    KeyDoc,
    Polymorphic,
    check_value,
    config_fields,
    describe,
    describe_range,
    key_of,
    param,
    section,
)
from simsuite.config.sections import (
    DiagnosticsSection,
    IntegratorSection,
    ModelSection,
    OutputSection,
    RunConfig,
    RunSection,
    TimeSection,
)

__all__ = [
    "MISSING",
    "ConfigError",
    "DiagnosticsSection",
    "IntegratorSection",
    "KeyDoc",
    "ModelSection",
    "OutputSection",
    "Polymorphic",
    "RunConfig",
    "RunSection",
    "TimeSection",
    "build_config",
    "check_value",
    "config_class_for",
    "config_fields",
    "describe",
    "describe_range",
    "did_you_mean",
    "key_of",
    "load_config",
    "param",
    "parse_override",
    "replace",
    "section",
    "to_dict",
    "to_toml",
    "tomllib",
]
