"""``simsuite analyze``: entropy and schooling diagnostics of an output file, written back as variables.

The run's own resolved config (the ``config_toml`` attribute every output carries) says which model made
the file and how its grid was built; ``[diagnostics]`` keys in it, or overrides such as
``{"diagnostics.renyi_orders": "1, 2"}``, choose the orders and options. Field models get the
diagnostics of :mod:`simsuite.diagnostics.fields`, the Couzin model those of
:mod:`simsuite.diagnostics.schooling` (the seven entropies, the Oceanic Schooling Index, the order index
and nearest-neighbour statistics), all on the ``t`` dimension.

The result goes to a new file holding the diagnostics with the time coordinate and the run's
attributes (the fields are not copied: ``xarray.merge`` joins the two files), or, with
``inplace=True``, into the input file: the new variables are appended without rewriting the fields;
when the file already holds diagnostics of an earlier analysis, the whole file is rewritten to a
temporary file in the same directory, flushed and renamed over the input (atomic).
"""

from __future__ import annotations

import os
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from simsuite.config import ConfigError, RunConfig, load_config
from simsuite.diagnostics import schooling
from simsuite.diagnostics.fields import field_diagnostics

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["diagnostics_for", "analyze", "summary_table"]

REQUIRED = {
    "nlse": ("psi_real", "psi_imag"),
    "klein_gordon": ("phi", "phi_t"),
    "couzin": ("position", "velocity"),
}


def _open(path: Path) -> xr.Dataset:
    if not path.exists():
        raise ConfigError(str(path), "file", str(path), "no such file")
    try:
        with xr.open_dataset(path, engine="netcdf4") as ds:
            return ds.load()  # and close it: the file may be appended to
    except Exception as exc:  # noqa: BLE001 - any reader failure means "not a simsuite output"
        raise ConfigError(
            str(path), "file", path.name, f"is not a readable NetCDF file ({type(exc).__name__})"
        ) from None


def _run_config(ds: xr.Dataset, source: str, overrides: dict[str, Any] | None) -> RunConfig:
    text = ds.attrs.get("config_toml")
    model = ds.attrs.get("model")
    if not text or model not in REQUIRED:
        raise ConfigError(
            source,
            "model",
            model,
            "must be a simsuite output of " + ", ".join(sorted(REQUIRED)) + " (attribute "
            "'model' and the run's 'config_toml')",
        )
    missing = [v for v in REQUIRED[model] if v not in ds.variables]
    if missing:
        raise ConfigError(
            source, "variables", ", ".join(missing), f"are needed for a {model} analysis"
        )
    raw = tomllib.loads(text)
    overrides = {
        key: str(value) if key.endswith(("renyi_orders", "tsallis_q")) else value
        for key, value in (overrides or {}).items()
    }  # "--set diagnostics.renyi_orders=2" parses as a number; the key holds a list as text
    # the initial condition is not rebuilt; a from_file one may point to a file that has moved
    try:
        cfg = load_config(raw, overrides)
    except ConfigError as exc:
        raise ConfigError(source, exc.key, exc.value, exc.allowed, exc.hint) from None
    return _with_source(cfg, source)


def _with_source(cfg: RunConfig, source: str) -> RunConfig:
    import dataclasses

    return dataclasses.replace(cfg, source=source)


def diagnostics_for(
    ds: xr.Dataset, cfg: RunConfig | None = None, overrides: dict[str, Any] | None = None
) -> dict[str, xr.DataArray]:
    """The diagnostics of the dataset's model, as DataArrays (see the module docstring)."""
    source = ds.encoding.get("source", "<dataset>")
    cfg = cfg or _run_config(ds, source, overrides)
    if ds.attrs["model"] == "couzin":
        return _schooling(ds, cfg)
    return field_diagnostics(ds, cfg)


def _schooling(ds: xr.Dataset, cfg: RunConfig) -> dict[str, xr.DataArray]:
    box = cfg.domain.box_size if cfg.domain.kind == "periodic" else None
    definition = cfg.diagnostics.schooling_definition
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            series = schooling.schooling_timeseries(
                ds["position"].values.astype(float),
                ds["velocity"].values.astype(float),
                box,
                definition=definition,
            )
        except ValueError as exc:
            raise ConfigError(
                cfg.source, "diagnostics.schooling_definition", definition, str(exc)
            ) from None
    out = {}
    for name, values in series.items():
        if name in ds.variables or np.ndim(values) != 1:
            continue  # P, M, centroid, spread, mean NN distance are already in the output
        long_name = name.replace("_", " ")
        if name.startswith("entropy_") or name == "oceanic_schooling_index":
            long_name += f" ({cfg.diagnostics.schooling_definition} definition)"
        units = "body lengths" if name.startswith("nearest_neighbour_distance") else "1"
        out[name] = xr.DataArray(
            values, coords={"t": ds["t"]}, dims="t", attrs={"long_name": long_name, "units": units}
        )
    return out


def analyze(
    path: str | Path,
    output: str | Path | None = None,
    *,
    inplace: bool = False,
    overrides: dict[str, Any] | None = None,
) -> xr.Dataset:
    """Compute the diagnostics of an output file and write them (see the module docstring).

    ``output`` defaults to ``<name>_analyzed.nc`` next to the input; ``inplace`` replaces the input.
    Returns the dataset with the new variables.
    """
    path = Path(path)
    ds = _open(path)
    cfg = _run_config(ds, str(path), overrides)
    new = diagnostics_for(ds, cfg)
    history = (
        str(ds.attrs.get("history", "")) + "\nsimsuite analyze: added " + ", ".join(new)
    ).strip()
    stale = [name for name in _names_and_dims(new) if name in ds.variables]
    result = ds.drop_vars(stale).assign(new)  # an earlier analysis is replaced, not merged
    result.attrs["history"] = history
    if not inplace:
        target = Path(output) if output else path.with_name(path.stem + "_analyzed.nc")
        only = xr.Dataset(new, attrs={**ds.attrs, "history": history, "analyzed_file": str(path)})
        _write_atomic(only, target)
    elif any(name in ds.variables or name in ds.dims for name in _names_and_dims(new)):
        _write_atomic(result, path)
    else:
        _append(path, new, history)
    return result


def _names_and_dims(new: dict[str, xr.DataArray]) -> set[str]:
    names = set(new)
    for da in new.values():
        names.update(d for d in da.dims if d != "t")
    return names


def _append(path: Path, new: dict[str, xr.DataArray], history: str) -> None:
    """Add the variables (and their ``alpha``/``q`` coordinates) to the file without rewriting it."""
    import netCDF4

    with netCDF4.Dataset(path, "a") as nc:
        for da in new.values():
            for dim in da.dims:
                if dim != "t" and dim not in nc.dimensions:
                    nc.createDimension(dim, da.sizes[dim])
                    coord = nc.createVariable(dim, "f8", (dim,))
                    coord[:] = da[dim].values
                    coord.setncatts({k: str(v) for k, v in da[dim].attrs.items()})
        for name, da in new.items():
            var = nc.createVariable(name, "f8", da.dims)
            var[...] = da.values
            var.setncatts({k: str(v) for k, v in da.attrs.items()})
        nc.setncattr("history", history)
        nc.sync()


def _write_atomic(ds: xr.Dataset, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".nc", dir=target.parent)
    os.close(fd)
    try:
        ds.to_netcdf(tmp, engine="netcdf4")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def summary_table(new: dict[str, xr.DataArray]) -> str:
    """Initial, final and mean-of-second-half values of each diagnostic on ``t`` (first column of
    those with an extra dimension, which is named), and the per-run scalars."""
    rows = [f"{'diagnostic':<42} {'initial':>11} {'final':>11} {'mean 2nd half':>14}"]
    for name, da in new.items():
        if "t" not in da.dims:
            rows.append(f"{name:<42} {float(da):>11.5g}")
            continue
        extra = [d for d in da.dims if d != "t"]
        series = da
        label = name
        if extra:
            first = {d: 0 for d in extra}
            label += "[" + ", ".join(f"{d}={float(da[d][0]):g}" for d in extra) + "]"
            series = da.isel(first)
        values = series.values
        half = values[len(values) // 2 :]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = float(np.nanmean(half)) if half.size else float("nan")
        rows.append(f"{label:<42} {values[0]:>11.5g} {values[-1]:>11.5g} {mean:>14.5g}")
    return "\n".join(rows)
