"""The model registry: model name → model class.

The models register themselves here (through :class:`~simsuite.models.base.Model`'s
``__init_subclass__``); the config loader looks a model's config class up here by the name in
``[model]``, and the runner and the CLI look the model itself up. This module imports nothing from
simsuite, so the config schema, the loader and the models all point one way: down to it. The models
are registered when :mod:`simsuite.models` is imported, which ``import simsuite`` does.
"""

from __future__ import annotations

from typing import Any

#: The registered model classes by name (:class:`~simsuite.models.base.Model` subclasses).
MODELS: dict[str, Any] = {}


def register_model(cls: Any) -> None:
    """Register the model class ``cls`` under ``cls.name``."""
    MODELS[cls.name] = cls


def model_names() -> list[str]:
    """Names of the registered models."""
    return sorted(MODELS)


def state_variables(name: Any) -> tuple[str, ...] | None:
    """The state variables every output of model ``name`` holds (the model's
    ``state_variables``), or None when no model of that name is registered.

    ``name`` may be anything, typically the ``model`` attribute read from a file.
    """
    cls = MODELS.get(name) if isinstance(name, str) else None
    return None if cls is None else tuple(cls.state_variables)


def get_model(name: str) -> Any:
    """The model class registered under ``name``.

    Raises
    ------
    KeyError
        Naming the known models.
    """
    try:
        return MODELS[name]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(model_names())}") from None
