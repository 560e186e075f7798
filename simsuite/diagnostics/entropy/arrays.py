"""Axis, xarray and degenerate-input plumbing shared by every entropy module.

Every entropy function works on *rows*: :func:`to_rows` moves ``axis`` last and flattens the other
axes into one batch axis, the computation runs on the (M, n) rows, and :func:`scalar_out` or
:func:`vector_out` put the batch shape back. :func:`xarray_aware` lets such a function take an
``xarray.DataArray`` and a ``dim=`` name. :func:`normalise_rows` turns rows of weights into
probabilities, setting degenerate rows to NaN with the single :func:`warn_nan` warning the package
gives (attributed to the caller's line outside this package).
"""

from __future__ import annotations

import functools
import inspect
import math
import os
import sys
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import xarray as xr
    from numpy.typing import ArrayLike

    #: What every entropy function returns: a float for a 1-D input, an ndarray over the other
    #: axes for an N-D input, and a DataArray (coordinates kept) when a DataArray was passed.
    Result = np.ndarray | float | xr.DataArray

# ``new_dim`` of :func:`xarray_aware` for a function whose output has its input's shape
KEEP_DIMS = "<keep>"

# the directory of this package: the frames :func:`warn_nan` skips to reach the caller
_PACKAGE_DIR = os.path.dirname(__file__)


def _is_dataarray(obj: Any) -> bool:
    # a DataArray can only exist if xarray has been imported, so do not import it here
    xr_mod = sys.modules.get("xarray")
    return xr_mod is not None and isinstance(obj, xr_mod.DataArray)


def xarray_aware(new_dim: str | None = None) -> Callable[[Callable], Callable]:
    """Let ``func(data, ..., axis=-1)`` take an ``xarray.DataArray`` and a ``dim=`` name.

    ``new_dim=None``: ``func`` reduces ``axis`` away; a string: ``func`` replaces ``axis`` by a new
    dimension of that name (placed last); ``KEEP_DIMS``: the output has the input's shape and
    coordinates.
    """

    def decorate(func: Callable) -> Callable:
        sig = inspect.signature(func)
        first = next(iter(sig.parameters))

        @functools.wraps(func)
        def wrapper(*args: Any, dim: str | None = None, **kwargs: Any) -> Any:
            bound = sig.bind(*args, **kwargs)
            data = bound.arguments[first]
            if not _is_dataarray(data):
                if dim is not None:
                    raise TypeError("dim= needs an xarray.DataArray; use axis= for arrays")
                return func(*args, **kwargs)
            import xarray as xr

            if dim is None:
                dim = data.dims[bound.arguments.get("axis", sig.parameters["axis"].default)]
            elif dim not in data.dims:
                raise ValueError(f"dimension {dim!r} not in {data.dims}")
            da = data.transpose(..., dim)
            bound.arguments[first] = da.values
            bound.arguments["axis"] = -1
            out = func(*bound.args, **bound.kwargs)
            if new_dim == KEEP_DIMS:
                result = xr.DataArray(out, dims=da.dims, coords=da.coords, name=func.__name__)
                return result.transpose(*data.dims)
            coords = {k: c for k, c in da.coords.items() if dim not in c.dims}
            dims = da.dims[:-1] if new_dim is None else (*da.dims[:-1], new_dim)
            return xr.DataArray(out, dims=dims, coords=coords, name=func.__name__)

        return wrapper

    return decorate


def to_rows(x: np.ndarray, axis: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """Move ``axis`` last and flatten the others: (M, n) rows and the batch shape."""
    if x.ndim == 0:
        raise ValueError("expected an array with at least one dimension")
    x = np.moveaxis(x, axis, -1)
    batch = x.shape[:-1]
    return x.reshape(math.prod(batch), x.shape[-1]), batch


def scalar_out(values: np.ndarray, batch: tuple[int, ...]) -> np.ndarray | float:
    """One value per row → the batch shape (a NumPy scalar for a 1-D input)."""
    out = values.reshape(batch)
    return out[()] if out.ndim == 0 else out


def vector_out(rows: np.ndarray, batch: tuple[int, ...], axis: int) -> np.ndarray:
    """Rows of states → the batch shape with the states where ``axis`` was."""
    return np.moveaxis(rows.reshape(*batch, rows.shape[-1]), -1, axis)


def warn_nan(bad: np.ndarray, what: str, why: str) -> None:
    """One ``RuntimeWarning`` saying how many inputs (``bad``) of ``what`` give NaN, and ``why``."""
    if not np.any(bad):
        return
    # attribute the warning to the caller's line, however deep inside this package we are
    frame, level = sys._getframe(0), 1
    while frame.f_back is not None and os.path.dirname(frame.f_code.co_filename) == _PACKAGE_DIR:
        frame, level = frame.f_back, level + 1
    warnings.warn(
        f"{what}: {int(np.sum(bad))} of {bad.size} input(s) {why}; returning NaN for them",
        RuntimeWarning,
        stacklevel=level,
    )


def normalise_rows(
    w: np.ndarray, what: str, why: str = "are empty, all zero or not finite"
) -> np.ndarray:
    """Rows of non-negative weights → probabilities; degenerate rows become all-NaN (with a warning)."""
    total = w.sum(axis=-1)
    bad = ~(np.isfinite(total) & (total > 0)) | (w.shape[-1] == 0)
    p = w / np.where(bad, 1.0, total)[:, None]
    p[bad] = np.nan
    warn_nan(bad, what, why)
    return p


def prob_rows(p: ArrayLike, axis: int, what: str) -> tuple[np.ndarray, tuple[int, ...]]:
    """Probabilities or counts along ``axis`` → normalised rows and the batch shape."""
    rows, batch = to_rows(np.asarray(p, dtype=float), axis)
    if np.any(rows < 0):
        raise ValueError(f"{what}: probabilities must be non-negative")
    return normalise_rows(rows, what), batch
