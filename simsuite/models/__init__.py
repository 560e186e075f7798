"""Models: each module registers one :class:`~simsuite.models.base.Model` subclass by name."""

from __future__ import annotations

from simsuite.models import couzin, kg, nlse  # noqa: F401  (register the models)
from simsuite.models.base import Coordinate, Model, VariableSpec

__all__ = ["Coordinate", "Model", "VariableSpec", "get_model", "model_names"]


def model_names() -> list[str]:
    """Names of the registered models."""
    return sorted(Model.registry)


def get_model(name: str) -> type[Model]:
    """The model class registered under ``name``."""
    try:
        return Model.registry[name]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(model_names())}") from None
