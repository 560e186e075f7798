"""``simsuite analyze``: entropy and schooling diagnostics of an output file, written back as variables.

The run's own resolved config (the ``config_toml`` attribute every output carries) says which model made
the file and how its grid was built; ``[diagnostics]`` keys in it, or overrides such as
``{"diagnostics.renyi_orders": "1, 2"}``, choose the orders and options. The model says which
diagnostics apply (its ``diagnostics``) and what shape its state has (``state_sizes``): field
models get the diagnostics of ``simsuite.diagnostics.fields``, the Couzin model those of
:mod:`simsuite.diagnostics.schooling` (the seven entropies, the Oceanic Schooling Index, the order index
and nearest-neighbour statistics), all on the ``t`` dimension.

The result goes to a new file holding the diagnostics with the time coordinate and the run's
attributes (the fields are not copied) plus the run file's relative path and SHA-256
(``run_file``, ``run_sha256``), through which ``simsuite plot`` of the analyzed file finds the fields;
an existing file is replaced only with ``overwrite=True``, and only when it is such an analysis
(never a run output or a foreign file). Or, with
``inplace=True``, into the input file: the new variables are appended without rewriting the fields;
when the file already holds diagnostics of an earlier analysis, the whole file is rewritten to a
temporary file in the same directory, flushed and renamed over the input (atomic).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from simsuite.config import ConfigError, RunConfig, load_config
from simsuite.diagnostics import schooling
from simsuite.diagnostics.fields import field_diagnostics, not_computed
from simsuite.io.netcdf import check_snapshots, check_state, read_output, staging_path
from simsuite.io.paths import check_output_file
from simsuite.io.reader import check_reduced
from simsuite.registry import get_model, model_names, state_variables

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "analyze",
    "analyzed_path",
    "diagnostics_for",
    "file_sha256",
    "not_applicable",
    "summary_table",
]


def _run_config(ds: xr.Dataset, source: str, overrides: dict[str, Any] | None) -> RunConfig:
    text = ds.attrs.get("config_toml")
    hint = " (attribute 'model' and the run's 'config_toml')"
    if not text:
        raise ConfigError(
            source,
            "model",
            ds.attrs.get("model"),
            "must be a simsuite output of " + ", ".join(model_names()) + hint,
        )
    check_reduced(
        ds, source, state_variables(ds.attrs.get("model")) or (), "simsuite analyze needs"
    )
    model, _ = check_state(ds, source, "for a {model} analysis", hint)
    try:
        raw = tomllib.loads(str(text))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            source,
            "config_toml",
            str(text)[:40],
            f"the run's stored config is not valid TOML ({exc}); the file is damaged",
        ) from None
    overrides = {
        key: str(value) if key.endswith(("renyi_orders", "tsallis_q")) else value
        for key, value in (overrides or {}).items()
    }  # "--set diagnostics.renyi_orders=2" parses as a number; the key holds a list as text
    # the initial condition is not rebuilt; a from_file one may point to a file that has moved
    try:
        cfg = load_config(raw, overrides)
    except ConfigError as exc:
        raise ConfigError(source, exc.key, exc.value, exc.allowed, exc.hint) from None
    if cfg.model.name != model:
        raise ConfigError(
            source,
            "model",
            model,
            f"disagrees with the run's stored config ({cfg.model.name!r}); the file is damaged",
        )
    _check_data(ds, cfg, source)
    return _with_source(cfg, source)


def _check_data(ds: xr.Dataset, cfg: RunConfig, source: str) -> None:
    """Refuse a file whose state variables cannot be the run's: no snapshot, dimensions that
    disagree with its config, or non-finite values (a run stops before writing those)."""
    names = state_variables(cfg.model.name) or ()
    check_snapshots(ds, source, names, "nothing to analyze")
    sizes = get_model(cfg.model.name).state_sizes(cfg)
    for name in names:
        var = ds[name]
        dims = ("t", *sizes)
        shape = (ds.sizes["t"], *sizes.values())
        if var.dims != dims or var.shape != shape:
            raise ConfigError(
                source,
                name,
                f"dims {var.dims} shape {var.shape}",
                f"must have dims {dims} and shape {shape} (the run's config); the file is damaged",
            )
    # a state on a grid (x; y, z on 2D and 3D grids): the field diagnostics need its spacings,
    # recorded as attributes (dx, dy, dz) or, on a 2D or 3D grid, by a uniform coordinate
    axes = [name for name in ("x", "y", "z") if name in sizes]
    for axis in axes:
        dx = ds.attrs.get(f"d{axis}")
        if dx is None and len(axes) > 1 and axis in ds.coords:
            dx = _uniform_step(ds[axis].values)
        if not isinstance(dx, (int, float, np.number)) or not np.isfinite(dx) or dx <= 0:
            raise ConfigError(
                source, f"d{axis}", dx, f"must be the grid spacing along {axis}, a number > 0"
            )


def _uniform_step(values: np.ndarray) -> float | None:
    """The step of an evenly spaced coordinate (None when it is not evenly spaced)."""
    if len(values) < 2:
        return None
    steps = np.diff(values)
    uniform = np.allclose(steps, steps[0], rtol=1e-10, atol=0)
    return float(steps[0]) if uniform else None


def _with_source(cfg: RunConfig, source: str) -> RunConfig:
    import dataclasses

    return dataclasses.replace(cfg, source=source)


def diagnostics_for(
    ds: xr.Dataset, cfg: RunConfig | None = None, overrides: dict[str, Any] | None = None
) -> dict[str, xr.DataArray]:
    """The diagnostics of the dataset's model, as DataArrays (see :mod:`simsuite.analyze`)."""
    source = ds.encoding.get("source", "<dataset>")
    cfg = cfg or _run_config(ds, source, overrides)
    if get_model(cfg.model.name).diagnostics == "schooling":
        return _schooling(ds, cfg)
    return field_diagnostics(ds, cfg)


def not_applicable(ds: xr.Dataset) -> dict[str, str]:
    """The diagnostics :func:`diagnostics_for` leaves out for this run, with the reason: on a
    2D or 3D grid the permutation entropy of the spatial profile and the probe-series
    diagnostics (``simsuite.diagnostics.fields.not_computed``); nothing otherwise."""
    model = get_model(str(ds.attrs.get("model")))
    if model.diagnostics != "fields" or not model.field_variables:
        return {}
    return not_computed(ds)


def _schooling(ds: xr.Dataset, cfg: RunConfig) -> dict[str, xr.DataArray]:
    box = cfg.domain.box_size if cfg.domain.kind == "periodic" else None
    definition = cfg.diagnostics.schooling_definition
    if definition == "dewi-kadita" and box is None:
        raise ConfigError(
            cfg.source,
            "diagnostics.schooling_definition",
            definition,
            'needs a run in a periodic box (domain.kind = "periodic"), as that package had; '
            "this run is in open space. Use it on runs of the couzin_dk_* configs (or any config "
            'with a periodic [domain]), or keep the default definition "simsuite", which '
            "handles open space",
        )
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
        if name.startswith("nearest_neighbour_distance"):  # body length is not a udunits unit
            long_name += ", in body lengths"
        units = "1"
        out[name] = xr.DataArray(
            values, coords={"t": ds["t"]}, dims="t", attrs={"long_name": long_name, "units": units}
        )
    return out


def analyzed_path(path: str | Path) -> Path:
    """Where :func:`analyze` writes by default: ``<name>_analyzed.nc`` beside the run file."""
    path = Path(path)
    return path.with_name(path.stem + "_analyzed.nc")


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, as hex (read in blocks: outputs may be gigabytes)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def analyze(
    path: str | Path,
    output: str | Path | None = None,
    *,
    inplace: bool = False,
    overwrite: bool = False,
    overrides: dict[str, Any] | None = None,
) -> xr.Dataset:
    """Compute the diagnostics of an output file and write them (see :mod:`simsuite.analyze`).

    Parameters
    ----------
    path
        A simsuite run output.
    output
        The file to write; default :func:`analyzed_path` (``<name>_analyzed.nc`` beside the input).
        It holds the diagnostics, the time coordinate and the run's attributes, plus ``run_file``
        (the run's path relative to the analyzed file's folder) and ``run_sha256`` (the run file's
        SHA-256), so that ``simsuite plot`` of the analyzed file finds the fields it lacks and can
        tell when the run file has changed since.
    inplace
        Add the variables to ``path`` itself instead.
    overwrite
        Replace an existing ``output`` (refused otherwise, as ``simsuite run`` refuses). Only a
        file written by ``analyze`` (readable NetCDF with ``run_file`` and ``run_sha256``) is
        replaced; any other file, a run output included, is refused even with ``overwrite``.
    overrides
        ``diagnostics.*`` keys, e.g. ``{"diagnostics.renyi_orders": "1, 2"}``.

    Returns
    -------
    xarray.Dataset
        The run with the new variables; ``encoding["target"]`` is the path written.
    """
    path = Path(path)
    target = path if inplace else Path(output) if output else analyzed_path(path)
    if not inplace and target.exists() and not overwrite:
        raise ConfigError(
            str(path),
            "--output",
            str(target),
            f"{target.name} already exists; pass --overwrite (analyze(..., overwrite=True)) to "
            "replace it, "
            "--inplace to add the diagnostics to the run file, or choose another --output",
        )
    check_output_file(target, str(path), "--inplace" if inplace else "--output")
    if not inplace and target.exists():
        _refuse_foreign(target, path)
    ds = read_output(path)
    cfg = _run_config(ds, str(path), overrides)
    try:
        new = diagnostics_for(ds, cfg)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError(
            str(path),
            "file",
            path.name,
            f"cannot be analyzed ({type(exc).__name__}: {exc}); is it an unmodified simsuite "
            "output?",
        ) from exc
    history = (
        str(ds.attrs.get("history", "")) + "\nsimsuite analyze: added " + ", ".join(new)
    ).strip()
    stale = [name for name in _names_and_dims(new) if name in ds.variables]
    result = ds.drop_vars(stale).assign(new)  # an earlier analysis is replaced, not merged
    result.attrs["history"] = history
    if not inplace:
        run_file = os.path.relpath(path.resolve(), target.resolve().parent)
        attrs = {**ds.attrs, "history": history, "run_file": run_file}
        attrs["run_sha256"] = file_sha256(path)
        _write_atomic(xr.Dataset(new, attrs=attrs), target)
    elif any(name in ds.variables or name in ds.dims for name in _names_and_dims(new)):
        _write_atomic(result, path)
    else:
        _append(path, new, history)
    result.encoding["target"] = str(target)
    return result


#: Attributes that mark a file written by :func:`analyze` (without ``inplace``).
ANALYSIS_ATTRS = ("run_file", "run_sha256")


def _refuse_foreign(target: Path, path: Path) -> None:
    """Refuse to replace ``target`` (with ``overwrite``) unless it is an analysis written by
    :func:`analyze`: readable NetCDF holding the attributes of :data:`ANALYSIS_ATTRS`. A run
    output, or any other file, is never replaced: it may hold what cannot be recomputed."""
    import netCDF4

    try:
        with netCDF4.Dataset(target, "r") as nc:
            attrs = set(nc.ncattrs())
            model = nc.getncattr("model") if "model" in attrs else None
    except (OSError, RuntimeError, UnicodeDecodeError):
        what = "not a readable NetCDF file"
    else:
        if all(name in attrs for name in ANALYSIS_ATTRS):
            return
        what = (
            f"a simsuite {model} run output, not an analysis"
            if model and "config_toml" in attrs
            else "not a simsuite analysis output (no run_file, run_sha256 attributes)"
        )
    raise ConfigError(
        str(path),
        "--output",
        str(target),
        f"{target.name} exists and is {what}; --overwrite replaces only files written by "
        "simsuite analyze. "
        "Remove it yourself, choose another --output, or use --inplace to add the diagnostics "
        "to the run file",
    )


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
    """Write ``ds`` to a temporary file beside ``target``, flush it and rename it over ``target``.
    The file gets the permissions of the file it replaces, else the usual ones (umask): never the
    owner-only mode of :func:`tempfile.mkstemp`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = staging_path(target)
    try:
        ds.to_netcdf(tmp, engine="netcdf4")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        if target.exists():
            shutil.copymode(target, tmp)
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
