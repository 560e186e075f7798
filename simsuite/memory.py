"""The working memory of a run, estimated from its config before anything big is allocated.

A run holds, besides the Python process itself (about 0.27 GB with numba and its compiled kernels),
the arrays of its model (grids, wavenumbers, operators, FFT buffers and plans, dealiasing masks, the
initial state, the temporaries of the observables; Couzin: the agents' arrays, cell lists and
neighbour buffers), those of its integrator (stages, history, propagators cached per step size, the
quadrature of the exponential Adams weights) and, when nothing is written (``output.path = ""``),
the snapshots the :class:`~simsuite.io.netcdf.MemoryWriter` keeps. The model states what it holds as
a :class:`~simsuite.models.base.MemoryNeeds` (:meth:`~simsuite.models.base.Model.memory_needs`),
the integrator how many arrays of the state's size it holds at its peak
(:meth:`~simsuite.integrators.base.Integrator.memory_arrays`); both are computed from the config
alone, so that the runner can refuse a run that does not fit (``run.max_memory``) before the model
builds its grids.

The counts are upper bounds of the peak resident growth above the warmed-up process, measured for
each model and integrator family (docs/guide/reliability.md, "Working memory"): the estimate lies
between 1 and 3 times the measured growth.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from simsuite.integrators import get_integrator
from simsuite.models.base import MemoryNeeds
from simsuite.registry import get_model

__all__ = [
    "GB",
    "MemoryEstimate",
    "MemoryNeeds",
    "available_memory",
    "estimate_memory",
    "memory_limit",
]

#: Bytes per gigabyte (decimal, as in the messages).
GB = 1e9


@dataclass(frozen=True)
class MemoryEstimate:
    """The estimated working memory of a run, in bytes, by what it is made of."""

    parts: dict[str, float]

    @property
    def total(self) -> float:
        return float(sum(self.parts.values()))

    def describe(self, n_parts: int = 4) -> str:
        """The largest parts, e.g. ``"propagators 19 GB, stages 4.4 GB, grids and FFT 2.3 GB"``."""
        big = sorted(self.parts.items(), key=lambda item: -item[1])
        shown = [f"{name} {value / GB:.2g} GB" for name, value in big[:n_parts] if value > 0]
        rest = sum(value for _, value in big[n_parts:])
        if rest > 0:
            shown.append(f"other {rest / GB:.2g} GB")
        return ", ".join(shown)


def estimate_memory(cfg, n_snapshots_in_memory: int = 0) -> MemoryEstimate:
    """The working memory of the run ``cfg`` (a validated config), without building it.

    Parameters
    ----------
    cfg : RunConfig
        The run.
    n_snapshots_in_memory : int
        Snapshots kept in memory (``output.path = ""``), 0 when they are written to a file.
    """
    needs = get_model(cfg.model.name).memory_needs(cfg)
    stepper = get_integrator(cfg.integrator.method)
    parts = dict(needs.parts)
    arrays = stepper.memory_arrays(needs.state_size, linear=needs.linear, compiled=needs.compiled)
    for name, count in arrays.items():
        parts[name] = parts.get(name, 0.0) + count * needs.state_bytes
    if n_snapshots_in_memory:
        output = needs.snapshot_bytes * n_snapshots_in_memory
        if needs.probe_values:
            every = cfg.diagnostics.probe_every or cfg.time.dt
            n_probe = cfg.time.t_final / every + n_snapshots_in_memory
            output += 8 * needs.probe_values * n_probe
        parts["output kept in memory"] = float(output)
    return MemoryEstimate(parts)


def available_memory() -> float | None:
    """Bytes of memory available to a new allocation now: ``MemAvailable`` of /proc/meminfo
    (Linux: free memory plus reclaimable caches), else the free physical pages
    (``os.sysconf``), else None (unknown)."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES"))
    except (AttributeError, OSError, ValueError):
        return None


def memory_limit(max_memory: float) -> tuple[float | None, str]:
    """The limit ``run.max_memory`` stands for, in bytes (None = no limit), and how it was made:
    0 = no limit; a value in (0, 1] = that fraction of :func:`available_memory` (no limit where it is
    unknown); a value above 1 = bytes."""
    if max_memory <= 0:
        return None, "no limit"
    if max_memory > 1:
        return float(max_memory), f"{max_memory / GB:.3g} GB"
    available = available_memory()
    if available is None:
        return None, "available memory unknown"
    return max_memory * available, f"{max_memory:g} of the {available / GB:.3g} GB available"
