"""What a run will do, decided from its config before anything runs.

:func:`build` makes the model and its integrator; :func:`output_times` and :func:`probe_counts` are the
snapshot times and the probe intervals within each output interval; :func:`check_memory` and
:func:`check_output_size` refuse (:class:`~simsuite.config.ConfigError`, exit 2) a run whose working
memory or output would exceed ``run.max_memory`` or ``output.max_bytes``.
"""

from __future__ import annotations

import numpy as np

from simsuite.config import ConfigError, RunConfig
from simsuite.integrators import get_integrator
from simsuite.memory import estimate_memory, memory_limit
from simsuite.models import Model, get_model
from simsuite.run_output import output_variables


def build(cfg: RunConfig) -> tuple[Model, object]:
    """The model and its integrator for a validated config."""
    model = get_model(cfg.model.name).from_config(cfg)
    integ = cfg.integrator
    cls = get_integrator(integ.method)
    options = {"max_steps": integ.max_steps}
    if "error_norm" in getattr(cls, "defaults", {}):
        options["error_norm"] = integ.error_norm
    stepper = cls(model.problem, dt=cfg.time.dt, rtol=integ.rtol, atol=integ.atol, **options)
    return model, stepper


def output_times(cfg: RunConfig) -> np.ndarray:
    """Snapshot times: ``time.n_snapshots`` evenly spaced over [0, t_final], or every
    ``output.save_every`` steps of ``time.dt`` when that is set."""
    every = cfg.output.save_every
    if every > 0:
        n_steps = round(cfg.time.t_final / cfg.time.dt)
        steps = np.arange(0, n_steps + 1, every)
        if steps[-1] != n_steps:
            steps = np.append(steps, n_steps)
        return steps * cfg.time.dt
    return np.linspace(0.0, cfg.time.t_final, cfg.time.n_snapshots)


def estimated_bytes(
    model: Model, n_snapshots: int, fields: tuple[str, ...] = ("full",), source: str = ""
) -> int:
    """Size of the data the run will write (before compression), from the specs of the
    variables it writes (``fields``: ``output.fields``)."""
    sizes = {name: np.asarray(c.values).size for name, c in model.coords().items()}
    total = 0
    for spec in output_variables(model, None, fields, source).values():
        count = np.prod([sizes.get(d, 1) for d in spec.dims if d != "t"], dtype=float)
        total += count * (4 if spec.dtype == "f4" else 8)
    return int(total * n_snapshots)


def check_output_size(cfg: RunConfig, model: Model) -> None:
    """Refuse a run whose output would exceed ``output.max_bytes`` (exit 2, before it starts)."""
    n_bytes = estimated_bytes(model, len(output_times(cfg)), cfg.output.field_outputs(), cfg.source)
    if n_bytes > cfg.output.max_bytes:
        raise ConfigError(
            cfg.source,
            "output.max_bytes",
            cfg.output.max_bytes,
            f"the output would hold {n_bytes / 1e9:.3g} GB ({len(output_times(cfg))} snapshots); "
            "raise output.max_bytes, thin the snapshots (time.n_snapshots, output.save_every), "
            "or write less of each field (output.fields = ['slices'] on a 3D grid)",
        )


def planned_output_bytes(cfg: RunConfig) -> float:
    """The size of the output (before compression) estimated from the config alone, before the
    model is built: per snapshot the model's :attr:`~simsuite.models.base.MemoryNeeds.snapshot_bytes`
    with ``output.fields = "full"``; else the scalars, and for a 3D grid 8 bytes per point of
    the three mid-planes for each state variable (``slices``) and once more (``projections``).
    :func:`check_output_size` checks the exact size from the built model's variables."""
    cls = get_model(cfg.model.name)
    needs = cls.memory_needs(cfg)
    fields = cfg.output.field_outputs()
    if "full" in fields:
        per_snapshot = float(needs.snapshot_bytes)
    else:
        sizes = list(cls.state_sizes(cfg).values())
        n_fields = len(cls.state_variables)
        per_snapshot = max(needs.snapshot_bytes - 8.0 * n_fields * np.prod(sizes), 0.0)
        if len(sizes) == 3:
            nz, ny, nx = sizes
            planes = float(nx * ny + nx * nz + ny * nz)
            per_snapshot += 8 * planes * (n_fields * ("slices" in fields))
            per_snapshot += 8 * planes * ("projections" in fields)
    return per_snapshot * len(output_times(cfg))


def _size(n_bytes: float) -> str:
    """``n_bytes`` for a person: "1.2 GB", "35 MB", "12 kB"."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6)):
        if n_bytes >= 0.1 * scale:
            return f"{n_bytes / scale:.2g} {unit}"
    return f"{n_bytes / 1e3:.2g} kB"


def memory_line(cfg: RunConfig, in_memory: bool = False) -> str | None:
    """The line ``simsuite run`` prints before a run starts: the estimated working memory with
    its largest parts, the limit, and the output's size; None when the run does not fit
    (:func:`check_memory` then refuses it, quoting the same estimate)."""
    estimate = estimate_memory(cfg, len(output_times(cfg)) if in_memory else 0)
    limit, what = memory_limit(cfg.run.max_memory)
    if limit is not None and estimate.total > limit:
        return None
    parts = ", ".join(
        f"{name} {_size(value)}"
        for name, value in sorted(estimate.parts.items(), key=lambda item: -item[1])[:3]
        if value > 0
    )
    allowed = "no limit" if limit is None else f"limit {_size(limit)}"
    if in_memory:
        output = "output kept in memory (included)"
    else:
        output = (
            f"output: {_size(planned_output_bytes(cfg))} on disk before compression "
            f"({len(output_times(cfg))} snapshots)"
        )
    return f"estimated memory: {_size(estimate.total)} ({parts}; {allowed}); {output}"


def check_memory(cfg: RunConfig, in_memory: bool = False) -> None:
    """Refuse a run whose working memory would exceed ``run.max_memory`` (exit 2), estimated from
    the config before the model or the integrator allocate anything (:mod:`simsuite.memory`);
    ``in_memory``: the snapshots are kept in memory (no output file)."""
    limit, what = memory_limit(cfg.run.max_memory)
    if limit is None:
        return
    estimate = estimate_memory(cfg, len(output_times(cfg)) if in_memory else 0)
    if estimate.total > limit:
        raise ConfigError(
            cfg.source,
            "run.max_memory",
            cfg.run.max_memory,
            f"the run would need about {estimate.total / 1e9:.3g} GB of working memory "
            f"({estimate.describe()}), more than the {limit / 1e9:.3g} GB allowed ({what}); "
            "reduce the grid or the number of agents, choose a method with fewer stages"
            + (", write the output to a file" if in_memory else "")
            + ", or raise run.max_memory (0 = no limit)",
        )


def probe_counts(cfg: RunConfig) -> np.ndarray:
    """Number of probe intervals in each output interval: m_k = ⌈(t_k − t_{k−1})/h_p⌉ (at least
    1), h_p = ``diagnostics.probe_every`` or ``time.dt`` when that is 0 — the rule by which the
    fixed-step methods split an interval into equal steps, so that with h_p = dt every probe
    interval is one step. The series holds 1 + Σ m_k samples: t = 0 and the ends of the probe
    intervals, every snapshot time among them."""
    h = cfg.diagnostics.probe_every or cfg.time.dt
    spans = np.diff(output_times(cfg))
    return np.maximum(1, np.ceil(spans / h * (1.0 - 1e-12))).astype(int)
