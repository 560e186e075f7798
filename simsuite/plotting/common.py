"""What every figure needs: a validated output dataset, a figure without pyplot, and labels.

Figures are built on :class:`matplotlib.figure.Figure` with an Agg canvas, never through
``pyplot``: library code holds no global figure state, shows nothing, and works headless.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from simsuite.config import ConfigError
from simsuite.io.netcdf import check_snapshots, check_state, read_output
from simsuite.registry import state_variables

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


def load_output(path: str | Path) -> xr.Dataset:
    """Read a simsuite output into memory, or raise :class:`~simsuite.ConfigError` saying what is wrong.

    The file must be readable NetCDF and either a sweep summary or a run output: with the ``model``
    attribute of a known model, that model's state variables and at least one snapshot. A file
    written by ``simsuite analyze`` without ``--inplace`` holds only the diagnostics: the run file
    it names (``run_file``, relative to its folder) is read too and the two are joined, after
    checking that the run file is the one that was analyzed (``run_sha256``).
    """
    path = Path(path)
    ds = read_output(path)
    if "run_file" in ds.attrs and not _has_state(ds):
        ds = _with_run(ds, path)
    check_dataset(ds, str(path))
    return ds


def _has_state(ds: xr.Dataset) -> bool:
    required = state_variables(ds.attrs.get("model"))
    return required is not None and all(name in ds.variables for name in required)


def _with_run(analyzed: xr.Dataset, path: Path) -> xr.Dataset:
    """The run an analyzed file was made from, with the analyzed file's diagnostics added."""
    from simsuite.analyze import file_sha256

    run_path = path.parent / str(analyzed.attrs["run_file"])
    what = f"the run file this analysis was made from ({run_path})"
    if not run_path.exists():
        raise ConfigError(
            str(path),
            "run_file",
            str(analyzed.attrs["run_file"]),
            f"{what} is missing; keep the two files side by side, or run "
            "simsuite analyze --inplace on the run file",
        )
    if file_sha256(run_path) != analyzed.attrs.get("run_sha256"):
        raise ConfigError(
            str(path),
            "run_sha256",
            analyzed.attrs.get("run_sha256"),
            f"{what} has changed since it was analyzed; analyze it again (--overwrite)",
        )
    run = read_output(run_path)
    return run.drop_vars([n for n in analyzed.data_vars if n in run.variables]).merge(
        analyzed.drop_vars([n for n in analyzed.coords if n in run.coords]),
        combine_attrs="override",
    )


#: What :func:`check_dataset` returns for a sweep summary (no model's name).
SWEEP = "sweep"


def check_dataset(ds: xr.Dataset, source: str = "<dataset>") -> str:
    """The dataset's model name (:data:`SWEEP` for a sweep summary), after checking it can be
    plotted (else :class:`~simsuite.ConfigError`): the model's state variables present (or, for a
    3D field, its slices or projections), at least one snapshot, and every state value finite."""
    if "sweep_toml" in ds.attrs:
        return SWEEP
    model, required = check_state(
        ds,
        source,
        "to plot {model} (a 3D run may hold their mid-plane slices <name>_xy, _xz, _yz or "
        "the projections density_proj_xy, _xz, _yz instead)",
        reduced=True,
    )
    check_snapshots(ds, source, required, "")
    return model


def new_figure(width: float = 7.0, height: float = 4.5) -> Figure:
    """A figure of ``width`` × ``height`` inches on an Agg canvas (``savefig`` works headless)."""
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def run_label(ds: xr.Dataset) -> str:
    """The run's label (``model.label`` of its config), or the model name."""
    return str(ds.attrs.get("label") or ds.attrs.get("model", "simsuite run"))


def title(ds: xr.Dataset, what: str, width: int = 55) -> str:
    """``"<run label>: <what>"``, on two lines when that is longer than ``width`` characters."""
    label = run_label(ds)
    return f"{label}: {what}" if len(label) + len(what) + 2 <= width else f"{label}\n{what}"


def axis_label(da: xr.DataArray, fallback: str) -> str:
    """``long_name [units]`` of a variable (units left out when dimensionless)."""
    name = str(da.attrs.get("long_name") or fallback)
    units = str(da.attrs.get("units", ""))
    return name if units in ("", "1") else f"{name} [{units}]"


def time_label(ds: xr.Dataset) -> str:
    units = str(ds["t"].attrs.get("units", ""))
    return "t" if units in ("", "1") else f"t [{units}]"


def config_value(ds: xr.Dataset, section: str, key: str, default):
    """A key of the run's resolved config (stored in the ``config_toml`` attribute)."""
    try:
        table = tomllib.loads(str(ds.attrs.get("config_toml", "")))
    except tomllib.TOMLDecodeError:
        return default
    return table.get(section, {}).get(key, default)


def snapshot_indices(n_snapshots: int, count: int) -> np.ndarray:
    """``count`` snapshot indices spread evenly over 0 … n_snapshots − 1, first and last included."""
    count = max(1, min(count, n_snapshots))
    return np.unique(np.round(np.linspace(0, n_snapshots - 1, count)).astype(int))


def snapshot_index(ds: xr.Dataset, time: float | None) -> int:
    """Index of the snapshot nearest ``time`` (the last one for ``None``)."""
    if time is None:
        return ds.sizes["t"] - 1
    return int(np.argmin(np.abs(ds["t"].values - time)))
