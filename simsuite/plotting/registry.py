"""The standard figures by name: what a model lists in its ``figures``.

A model declares the names of its standard figures (:attr:`simsuite.models.base.Model.figures`);
the plotting modules register the function that draws each name with :func:`standard_figure`, so
the front end draws a model's set by asking the model, never by its name, and a new model that
reuses existing figures needs no edit here. This module imports neither matplotlib nor the
models: the figure modules import it, and :mod:`simsuite.plotting` imports those.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import xarray as xr

__all__ = ["REGISTRY", "StandardFigure", "figures_of", "standard_figure"]


@dataclass(frozen=True)
class StandardFigure:
    """A figure a model may list in its ``figures``.

    Attributes
    ----------
    name : str
        The name models list (unique in ``REGISTRY``).
    draw : callable
        ``draw(ds) -> Figure``.
    file_name : str
        The ``<name>`` of ``<stem>_<name>.png`` (and the key in
        :func:`~simsuite.plotting.standard_figures`); two figures of different models may share it.
    applies : callable or None
        ``applies(ds) -> bool``: the figure is drawn only when true (None: always).
    prepare : callable or None
        ``prepare(ds) -> ds``: the dataset with what the figure needs added (computed when
        absent); applied before any of the model's figures is drawn, so they all see it.
    """

    name: str
    draw: Callable[[xr.Dataset], Any]
    file_name: str
    applies: Callable[[xr.Dataset], bool] | None = None
    prepare: Callable[[xr.Dataset], xr.Dataset] | None = None


#: The registered standard figures by name.
REGISTRY: dict[str, StandardFigure] = {}


def standard_figure(
    name: str,
    *,
    file_name: str = "",
    applies: Callable[[xr.Dataset], bool] | None = None,
    prepare: Callable[[xr.Dataset], xr.Dataset] | None = None,
) -> Callable:
    """Decorator registering a figure function under ``name`` (see :class:`StandardFigure`)."""

    def register(draw: Callable[[xr.Dataset], Any]) -> Callable[[xr.Dataset], Any]:
        if name in REGISTRY:
            raise ValueError(f"a standard figure named {name!r} is already registered")
        REGISTRY[name] = StandardFigure(name, draw, file_name or name, applies, prepare)
        return draw

    return register


def figures_of(model: Any) -> list[StandardFigure]:
    """The standard figures a model class declares (its ``figures``), in its order.

    Raises
    ------
    KeyError
        When the model names a figure no plotting module registered.
    """
    unknown = [name for name in model.figures if name not in REGISTRY]
    if unknown:
        raise KeyError(
            f"model {model.name!r} lists figures {', '.join(map(repr, unknown))} that are not "
            f"registered; known: {', '.join(sorted(REGISTRY))}"
        )
    return [REGISTRY[name] for name in model.figures]
