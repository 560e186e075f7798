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
