"""The sections every run config shares, and :class:`RunConfig`, the base of each model's config.

A run config is a frozen dataclass whose fields are *sections* (``[time]``, ``[integrator]`` …). Each model
defines its own config class (see :mod:`simsuite.models`), extending :class:`RunConfig` with its own
sections and defaults, and checks across keys in :meth:`RunConfig.check`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from simsuite.config.errors import ConfigError, did_you_mean
from simsuite.config.schema import param, section

#: Values of ``output.fields``: what a run writes of its fields (:mod:`simsuite.run_output`).
FIELD_OUTPUTS = ("full", "slices", "projections", "none")


@dataclass(frozen=True)
class ModelSection:
    name: str = param("", doc="model to run: one of the registered models (simsuite list)")
    label: str = param("", doc="free text describing the run, stored in the output")


@dataclass(frozen=True)
class TimeSection:
    t_final: float = param(10.0, unit="time", gt=0.0, doc="end time of the run (starts at 0)")
    dt: float = param(
        0.01, unit="time", gt=0.0, doc="fixed step, or initial step for adaptive methods"
    )
    n_snapshots: int = param(
        101, ge=2, le=10**7, doc="output times evenly spaced over [0, t_final], t = 0 included"
    )


@dataclass(frozen=True)
class IntegratorSection:
    method: str = param("", doc="time integrator (simsuite list shows those of each model)")
    rtol: float = param(1e-9, gt=0.0, lt=1.0, doc="relative tolerance (adaptive methods only)")
    atol: float = param(1e-11, gt=0.0, doc="absolute tolerance (adaptive methods only)")
    max_steps: int = param(
        10_000_000, ge=1, doc="abort when one output interval needs more steps than this"
    )
    error_norm: str = param(
        "global",
        choices=("global", "componentwise"),
        doc="adaptive methods: measure the local error against atol + rtol * rms(state) (global) "
        "or per component, as scipy does (componentwise)",
    )


@dataclass(frozen=True)
class OutputSection:
    path: str = param(
        "",
        doc="NetCDF output file, relative to the working directory; '' = do not write. "
        "Missing parent directories are created",
    )
    compression: int = param(4, ge=0, le=9, doc="zlib compression level, 0 = none")
    save_every: int = param(
        0,
        ge=0,
        doc="if > 0, write a snapshot every save_every steps of time.dt (overrides "
        "time.n_snapshots; t_final must then be a whole number of steps)",
    )
    max_bytes: float = param(
        4e9,
        gt=0.0,
        unit="bytes",
        doc="refuse to start a run whose output (uncompressed) would exceed this size",
    )
    checkpoint_every: int = param(
        0,
        ge=0,
        doc="snapshots between restart checkpoints (sidecar <path>.ckpt.nc, written atomically; "
        "continue with simsuite run CONFIG --restart OUTPUT.nc), 0 = off",
    )
    fields: str = param(
        "full",
        choices=FIELD_OUTPUTS,
        many=True,
        doc="the field output of each snapshot: full (the whole fields), slices (3D grid: the "
        "three mid-planes V_xy, V_xz, V_yz of every field V), projections (3D grid: the model's "
        "density integrated along each axis, density_proj_xy/_xz/_yz), none (only the scalars "
        "on t); e.g. ['slices', 'projections']",
    )

    def field_outputs(self) -> tuple[str, ...]:
        """``fields`` as a tuple (a single string is a tuple of one)."""
        return (self.fields,) if isinstance(self.fields, str) else tuple(self.fields)

    def check(self, source: str, ndim: int | None, diagnostics: bool) -> None:
        """Cross-key checks of ``fields``: ``none`` stands alone; ``slices`` and ``projections``
        need a field model on a 3D grid (``ndim``, None for a model without a grid); the
        diagnostics computed at the end of a run (``diagnostics``) read the full fields."""
        chosen = self.field_outputs()
        value = chosen[0] if len(chosen) == 1 else list(chosen)
        if "none" in chosen and len(chosen) > 1:
            raise ConfigError(
                source, "output.fields", value, "'none' (scalars only) cannot be combined"
            )
        planar = [f for f in chosen if f in ("slices", "projections")]
        if planar and ndim != 3:
            what = "this model has no grid" if ndim is None else f"this run is {ndim}D"
            raise ConfigError(
                source,
                "output.fields",
                value,
                f"{' and '.join(planar)} need a 3D grid (grid.n_points with 3 entries); {what}: "
                "use 'full' or 'none'",
            )
        if diagnostics and "full" not in chosen:
            raise ConfigError(
                source,
                "output.fields",
                value,
                "must include 'full' when diagnostics.enabled = true (the diagnostics are "
                "computed from the whole fields)",
            )


@dataclass(frozen=True)
class RunSection:
    seed: int = param(
        42, ge=0, doc="seed of numpy.random.Generator(PCG64(seed)), the source of every random draw"
    )
    threads: int = param(0, ge=0, le=1024, doc="threads for FFTs and kernels, 0 = all cores")
    fft: str = param(
        "auto",
        choices=("auto", "fftw", "fftw_measure", "scipy"),
        doc="FFTs of the NLSE right-hand side: FFTW through pyFFTW (2-4x faster than scipy.fft; "
        "estimated plans, bitwise reproducible), fftw_measure (timed plans: faster from n ~ 8192, "
        "last bits may differ between processes), scipy.fft, or auto = fftw when pyFFTW is "
        "installed (on 2D grids scipy.fft, faster there)",
    )
    progress: bool = param(True, doc="show a progress bar (also off with --quiet)")
    max_memory: float = param(
        0.8,
        ge=0.0,
        unit="bytes",
        doc="refuse to start a run whose estimated working memory (state, stages, propagators, "
        "grids, in-memory output) exceeds this: > 1 = bytes, 0 < x <= 1 = that fraction of the "
        "memory available at start (Linux MemAvailable; no limit where it cannot be read), "
        "0 = no limit",
    )


@dataclass(frozen=True)
class DiagnosticsSection:
    enabled: bool = param(
        False,
        doc="compute the entropy diagnostics into the output when the run ends (as simsuite analyze "
        "does)",
    )
    renyi_orders: str = param(
        "0.5, 2, inf", doc="comma-separated Renyi orders alpha of the field entropies (>= 0, inf)"
    )
    tsallis_q: str = param("0.5, 2", doc="comma-separated Tsallis indices q of the field entropies")
    permutation_order: int = param(
        4, ge=2, le=8, doc="order d of the permutation entropies (Bandt-Pompe)"
    )
    permutation_delay: int = param(1, ge=1, doc="delay of the permutation entropies")
    probe_x: float = param(
        0.0,
        unit="length",
        doc="fields: probe point of the probe series recorded during the run (spectral "
        "interpolation, exact at any x in the domain) and of its time-series measures",
    )
    probe_every: float = param(
        0.0,
        ge=0.0,
        unit="time",
        doc="fields: spacing of the probe series (each output interval split into equal parts "
        "no longer than this); 0 = time.dt, every step of a fixed-step method; adaptive methods "
        "stop at each probe time, which shortens steps (raise it to save them; at least the "
        "output interval: one sample per snapshot, no extra cost)",
    )
    schooling_definition: str = param(
        "simsuite",
        choices=("simsuite", "dewi-kadita"),
        doc="couzin: definition of the seven schooling entropies and the OSI",
    )

    def orders(self, source: str, key: str) -> list[float]:
        """The numbers of ``renyi_orders`` or ``tsallis_q`` (``key``), validated."""
        text = getattr(self, key)
        try:
            values = [float(v) for v in text.split(",") if v.strip()]
        except ValueError:
            values = []
        if not values or any(v != v for v in values):
            raise ConfigError(
                source, f"diagnostics.{key}", text, "must be comma-separated numbers, e.g. '0.5, 2'"
            )
        if key == "renyi_orders" and any(v < 0 for v in values):
            raise ConfigError(source, f"diagnostics.{key}", text, "orders must be >= 0 (or inf)")
        if key == "tsallis_q" and any(not math.isfinite(v) for v in values):
            raise ConfigError(source, f"diagnostics.{key}", text, "indices must be finite")
        return values


@dataclass(frozen=True)
class RunConfig:
    """Sections shared by every model. Models extend it with their own sections.

    Made by :func:`simsuite.load_config` and frozen (change values with its ``overrides``); a
    value is read as ``cfg.time.t_final``. Every key, with its default, unit and allowed range, is
    listed in the config reference.

    Attributes
    ----------
    model
        The ``[model]`` section: ``name`` and ``label``.
    time
        The ``[time]`` section: ``t_final``, ``dt``, ``n_snapshots``.
    integrator
        The ``[integrator]`` section: ``method``, and ``rtol``, ``atol``, ``max_steps`` and
        ``error_norm`` of the adaptive methods.
    output
        The ``[output]`` section: ``path``, ``compression``, ``save_every``, ``max_bytes``,
        ``checkpoint_every``.
    run
        The ``[run]`` section: ``seed``, ``threads``, ``fft``, ``progress``, ``max_memory``.
    diagnostics
        The ``[diagnostics]`` section: whether the entropy diagnostics are computed when the run
        ends (``enabled``), and their orders and options.
    source : str
        Where the config came from: the TOML file's path, or ``"<dict>"`` for a mapping.
    """

    model: ModelSection = section(ModelSection)
    time: TimeSection = section(TimeSection)
    integrator: IntegratorSection = section(IntegratorSection)
    output: OutputSection = section(OutputSection)
    run: RunSection = section(RunSection)
    diagnostics: DiagnosticsSection = section(DiagnosticsSection)
    source: str = field(default="", metadata={"internal": True})

    def check(self) -> None:
        """Cross-key checks; models override and call ``super().check()``."""
        if self.time.dt > self.time.t_final:
            raise ConfigError(
                self.source,
                "time.dt",
                self.time.dt,
                f"must not exceed time.t_final = {self.time.t_final}",
            )
        if self.output.save_every > 0:
            self.check_whole_steps("output.save_every", self.output.save_every)
        grid = getattr(self, "grid", None)
        self.output.check(self.source, getattr(grid, "ndim", None), self.diagnostics.enabled)
        self.diagnostics.orders(self.source, "renyi_orders")
        self.diagnostics.orders(self.source, "tsallis_q")

    def check_integrator(self, methods: tuple[str, ...], model: str) -> None:
        """Require ``integrator.method`` to be one of the model's ``methods``."""
        method = self.integrator.method
        if method not in methods:
            raise ConfigError(
                self.source,
                "integrator.method",
                method,
                "must be one of " + ", ".join(methods) + f" for the {model} model",
                did_you_mean(method, list(methods)),
            )

    def check_whole_steps(self, key: str, value: Any) -> None:
        """Require ``time.t_final`` to be a whole number of steps ``time.dt``."""
        n_steps = self.time.t_final / self.time.dt
        if not math.isfinite(n_steps):  # e.g. t_final = 1e300, dt = 1e-300
            raise ConfigError(
                self.source,
                key,
                value,
                f"needs a finite number of steps time.t_final / time.dt = "
                f"{self.time.t_final} / {self.time.dt}",
            )
        if abs(n_steps - round(n_steps)) > 1e-9 * max(1.0, n_steps):
            raise ConfigError(
                self.source,
                key,
                value,
                f"needs time.t_final = {self.time.t_final} to be a whole number of steps "
                f"time.dt = {self.time.dt} (it is {n_steps:.6g} steps)",
            )
