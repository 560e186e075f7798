"""Models: each module registers one :class:`~simsuite.models.base.Model` subclass by name."""

from __future__ import annotations

from simsuite.models import couzin, klein_gordon, nlse  # noqa: F401  (register the models)
from simsuite.models.base import Coordinate, MemoryNeeds, Model, VariableSpec
from simsuite.registry import get_model, model_names

__all__ = ["Coordinate", "MemoryNeeds", "Model", "VariableSpec", "get_model", "model_names"]
