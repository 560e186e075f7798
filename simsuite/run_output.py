"""What a run writes: its output variables, snapshot values, global attributes and the writer.

Beside the model's own variables, a run writes the drift ``<name>_rel_error`` = (I − I0)/s of each
conserved scalar I, with I0 its initial value and s its natural scale (:func:`initial_reference`).
:func:`writer_arguments` gathers the coordinates, variables, probe series and attributes of the output;
:func:`new_writer` opens the file of a new run, after :func:`refuse_overwrite` has checked the path.
"""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

import numpy as np

from simsuite.config import ConfigError, RunConfig, to_toml
from simsuite.io.checkpoint import checkpoint_path
from simsuite.io.reader import file_status
from simsuite.io.writer import NetCDFWriter
from simsuite.models import Model, VariableSpec
from simsuite.models.base import PROBE_DIM
from simsuite.version import __version__

#: Prefix of the natural scales in the runner's ``reference`` dict (beside the initial values).
SCALE = "scale:"


#: The grid dimensions of a 3D field, in array order.
SPACE_3D = ("z", "y", "x")
#: The planes of ``output.fields`` slices and projections: name → the axis across it.
PLANES = {"xy": "z", "xz": "y", "yz": "x"}


def _is_field(spec: VariableSpec) -> bool:
    """Whether a variable has dimensions besides ``t`` (a field, or the agents' arrays)."""
    return spec.dims[:1] == ("t",) and len(spec.dims) > 1


def _check_density(model: Model, fields: tuple[str, ...], source: str) -> None:
    """Refuse projections of a model without a density (exit 2, before the run starts)."""
    if "projections" in fields and type(model).density is Model.density:
        raise ConfigError(
            source,
            "output.fields",
            list(fields),
            f"'projections' needs a density of the model, and the {model.name} model on this "
            "grid has none: use 'full', 'slices' or 'none'",
        )


def field_specs(
    model: Model, fields: tuple[str, ...] = ("full",), source: str = ""
) -> dict[str, VariableSpec]:
    """The model's variables as ``output.fields`` selects them (before the drift variables).

    ``full``: the fields as the model writes them; ``slices``: for every field V on
    (t, z, y, x) the mid-planes ``V_xy`` (z = z[n_z//2]) on (t, y, x), ``V_xz`` (y = y[n_y//2])
    on (t, z, x) and ``V_yz`` (x = x[n_x//2]) on (t, z, y), with attributes ``slice_axis`` and
    ``slice_value``; ``projections``: the model's density D integrated along one axis,
    ``density_proj_xy`` = ∫ D dz, ``density_proj_xz`` = ∫ D dy, ``density_proj_yz`` = ∫ D dx,
    with the attribute ``projection_axis``; ``none``: no field. The scalars on ``t`` are always
    written."""
    _check_density(model, fields, source)
    coords = model.coords()
    out: dict[str, VariableSpec] = {}
    for name, spec in model.variables().items():
        if not _is_field(spec):
            out[name] = spec
            continue
        if "full" in fields:
            out[name] = spec
        if "slices" in fields and spec.dims[1:] == SPACE_3D:
            for plane, axis in PLANES.items():
                values = np.asarray(coords[axis].values)
                where = float(values[values.size // 2])
                out[f"{name}_{plane}"] = VariableSpec(
                    tuple(d for d in spec.dims if d != axis),
                    f"{spec.long_name} on the plane {axis} = {where:.6g}",
                    spec.units,
                    drift=False,
                    dtype=spec.dtype,
                    attrs=(*spec.attrs, ("slice_axis", axis), ("slice_value", where)),
                )
    if "projections" in fields:
        for plane, axis in PLANES.items():
            out[f"density_proj_{plane}"] = VariableSpec(
                ("t", *(d for d in SPACE_3D if d != axis)),
                f"{type(model).density_long_name} integrated along {axis}",
                "1",
                drift=False,
                attrs=(("projection_axis", axis),),
            )
    return out


def _spacing(model: Model, axis: str) -> float:
    """The cell width along ``axis`` of the model's uniform grid (its ``grid.axes[i].dx`` when
    it has one, else the spacing of the coordinate)."""
    grid = getattr(model, "grid", None)
    axes = getattr(grid, "axes", None)
    i = "xyz".index(axis)
    if axes is not None and i < len(axes) and hasattr(axes[i], "dx"):
        return float(axes[i].dx)
    values = np.asarray(model.coords()[axis].values, dtype=float)
    return float((values[-1] - values[0]) / (values.size - 1))


def field_values(
    model: Model, state, fields: tuple[str, ...] = ("full",)
) -> dict[str, np.ndarray | float]:
    """The field values of ``state`` that :func:`field_specs` describes: the slices are the
    mid-planes of the full fields (the same numbers), a projection is the sum of D along the
    axis times the cell width (the rectangle rule, exact for the trigonometric interpolant of a
    periodic grid up to aliasing)."""
    values: dict[str, np.ndarray | float] = {}
    if "full" in fields or "slices" in fields:
        specs = model.variables()
        for name, value in model.observables(state).items():
            if "full" in fields:
                values[name] = value
            if "slices" in fields and specs[name].dims[1:] == SPACE_3D:
                nz, ny, nx = value.shape
                values[f"{name}_xy"] = np.ascontiguousarray(value[nz // 2, :, :])
                values[f"{name}_xz"] = np.ascontiguousarray(value[:, ny // 2, :])
                values[f"{name}_yz"] = np.ascontiguousarray(value[:, :, nx // 2])
    if "projections" in fields:
        density = model.density(state)
        for k, (plane, axis) in enumerate(PLANES.items()):
            values[f"density_proj_{plane}"] = np.sum(density, axis=k) * _spacing(model, axis)
    return values


def output_variables(
    model: Model,
    reference: dict[str, float] | None = None,
    fields: tuple[str, ...] = ("full",),
    source: str = "",
) -> dict[str, VariableSpec]:
    """The model's variables as ``output.fields`` selects them (:func:`field_specs`) and the
    drift ``<name>_rel_error`` of each conserved scalar, with the value of its natural scale as
    the attribute ``natural_scale`` when ``reference`` holds it."""
    specs = field_specs(model, fields, source)
    for name, spec in model.variables().items():
        if spec.dims == ("t",) and spec.drift:
            definition = spec.scale or f"|{name}[0]| (1 when {name}[0] = 0: an absolute drift)"
            attrs: tuple = (("natural_scale_definition", definition),)
            if reference and SCALE + name in reference:
                attrs += (("natural_scale", reference[SCALE + name]),)
            specs[f"{name}_rel_error"] = VariableSpec(
                ("t",),
                f"drift of {name} relative to its natural scale: ({name} - {name}[0]) / "
                "natural scale",
                "1",
                attrs=attrs,
            )
    return specs


def initial_reference(model: Model, state) -> dict[str, float]:
    """The initial value I0 (key ``name``) and the natural scale s (key ``scale:name``) of each
    conserved invariant, from the initial ``state``; s = 1 where the model's scale is not a
    positive number (a zero state: the drift is then absolute). Checkpointed with the run, so a
    restart divides by the same numbers."""
    specs = model.variables()
    reference = {
        name: float(value) for name, value in model.invariants(state).items() if specs[name].drift
    }
    for name, scale in model.invariant_scales(state).items():
        reference[SCALE + name] = float(scale) if scale > 0 and np.isfinite(scale) else 1.0
    return reference


def global_attrs(cfg: RunConfig, model: Model) -> dict:
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    attrs = {
        "title": cfg.model.label or f"simsuite {cfg.model.name} run",
        "model": cfg.model.name,
        "label": cfg.model.label,
        "simsuite_version": __version__,
        "created": now,
        "config_toml": to_toml(cfg),
        "config_source": cfg.source,
        "integrator": cfg.integrator.method,
        "seed": cfg.run.seed,
        "history": f"{now} simsuite run {cfg.source} ({' '.join(sys.argv[1:])})".strip(),
    }
    attrs.update(model.attrs())
    return attrs


def writer_arguments(cfg: RunConfig, model: Model, reference: dict[str, float] | None) -> dict:
    """The coordinates, variables, probe series and global attributes of the run's output: the
    arguments of :class:`~simsuite.io.writer.NetCDFWriter` and :class:`~simsuite.io.writer.MemoryWriter`
    (``reference`` from :func:`initial_reference`, None for a restart)."""
    return {
        "coords": model.coords(),
        "variables": {
            **output_variables(model, reference, cfg.output.field_outputs(), cfg.source),
            **model.probe_variables(),
        },
        "series": series_coordinates(model),
        "attrs": global_attrs(cfg, model),
        "time_units": model.time_units,
        "time_long_name": model.time_long_name,
    }


def series_coordinates(model: Model) -> dict[str, dict[str, str]]:
    """The probe-series dimension and its coordinate's attributes, if the model has a probe."""
    if not model.probe_variables():
        return {}
    return {PROBE_DIM: {"long_name": "time of the probe samples", "units": model.time_units}}


def snapshot_values(
    model: Model, state, reference: dict[str, float], fields: tuple[str, ...] = ("full",)
) -> dict[str, np.ndarray | float]:
    """The fields ``output.fields`` selects (:func:`field_values`), invariants and the drifts
    (I − I0)/s of the conserved ones (``reference``: I0 and the natural scale s of each, from
    :func:`initial_reference`)."""
    values = field_values(model, state, fields)
    specs = model.variables()
    for name, value in model.invariants(state).items():
        values[name] = value
        if specs[name].drift:
            values[f"{name}_rel_error"] = (value - reference[name]) / reference[SCALE + name]
    return values


def new_writer(cfg: RunConfig, target: Path, writer_args: dict) -> NetCDFWriter:
    """The writer of a new run on ``target``. An existing file there (``--overwrite``) and its
    checkpoint are replaced only when the first snapshot is written: a start that fails leaves
    them as they were."""
    sidecar = checkpoint_path(target)
    if not target.exists():
        sidecar.unlink(missing_ok=True)  # a stale one would mislead
        return NetCDFWriter(target, compression=cfg.output.compression, **writer_args)
    return NetCDFWriter(
        target,
        compression=cfg.output.compression,
        replace=True,
        stale=(sidecar,),
        **writer_args,
    )


def refuse_overwrite(cfg: RunConfig, path: str, overwrite: bool) -> None:
    """Refuse to replace an existing file unless asked to (exit 2, nothing is touched)."""
    status = file_status(path)
    if status is None or overwrite:
        return
    what = {
        "complete": "a complete simsuite output",
        "incomplete": "an incomplete simsuite output (continue it with --restart if it has a "
        "checkpoint)",
    }.get(status, "a file that is not a simsuite output")
    raise ConfigError(
        cfg.source,
        "output.path",
        path,
        f"already exists ({what}); pass --overwrite (simsuite.run(..., overwrite=True)) to "
        "replace it, or choose another --output",
    )
