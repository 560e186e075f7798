"""The standard figures by name: what a model lists in its ``figures``.

A model declares the names of its standard figures (:attr:`simsuite.models.base.Model.figures`);
the plotting modules register the function that draws each name with :func:`standard_figure`, so
the front end draws a model's set by asking the model, never by its name, and a new model that
reuses existing figures needs no edit here. This module imports neither matplotlib nor the
models: the figure modules import it, and :mod:`simsuite.plotting` imports those.

A model's ``figures`` are those of its fields on a 1D grid. A field on a 2D or 3D grid (told by
the dimensions of the model's field variables, :func:`grid_ndim`) gets ``ND_FIGURES``, the
same for every field model: maps of the field, the invariants and the entropies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import xarray as xr

from simsuite.io.reader import grid_ndim as _grid_ndim
from simsuite.registry import get_model, state_variables

__all__ = [
    "ND_FIGURES",
    "REGISTRY",
    "StandardFigure",
    "figures_of",
    "grid_ndim",
    "standard_figure",
]


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


#: The standard figures of a field model's run on a 2D or 3D grid, in order: snapshot maps (2D),
#: mid-plane slices and projections (3D), each drawn when it applies to the file, then the
#: invariants' drifts and the entropies (when analyzed).
ND_FIGURES = ("field_maps", "field_slices", "field_projections", "invariants", "field_entropy")


def grid_ndim(ds: xr.Dataset) -> int:
    """The number of spatial axes of the dataset's field: 1, 2 or 3 (1 for agent models), from the
    dimensions of its model's field (else state) variables, of their 3D slices, or the ``ndim``
    attribute (:func:`simsuite.io.reader.grid_ndim`)."""
    name = ds.attrs.get("model")
    names = state_variables(name) or ()
    if names:
        names = get_model(str(name)).field_variables or names
    return _grid_ndim(ds, names)


def figures_of(model: Any, ndim: int = 1) -> list[StandardFigure]:
    """The standard figures of a model class's runs on an ``ndim``-dimensional grid, in order: its
    ``figures`` in 1D, ``ND_FIGURES`` for a field model (``field_variables``) in 2D and 3D.

    Raises
    ------
    KeyError
        When the model names a figure no plotting module registered.
    """
    names = model.figures
    if ndim > 1:
        if not model.field_variables:
            raise KeyError(f"model {model.name!r} has no field on a {ndim}D grid to draw")
        names = ND_FIGURES
    unknown = [name for name in names if name not in REGISTRY]
    if unknown:
        raise KeyError(
            f"model {model.name!r} lists figures {', '.join(map(repr, unknown))} that are not "
            f"registered; known: {', '.join(sorted(REGISTRY))}"
        )
    return [REGISTRY[name] for name in names]
