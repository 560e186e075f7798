"""The protocol every model implements; subclasses register in :mod:`simsuite.registry`.

The runner drives a model through these methods only; nothing in the core names a specific model.
A model turns its config into a *problem* (the operators an integrator needs), an initial state, and the
fields and scalars written per snapshot. It never opens an output file and never steps time itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from simsuite.config import ConfigError, RunConfig
from simsuite.registry import MODELS, register_model


def check_probe(source: str, probe_x: float, x_min: float, x_max: float) -> None:
    """Require the probe point ``diagnostics.probe_x`` inside the domain [x_min, x_max]."""
    if not x_min <= probe_x <= x_max:
        raise ConfigError(
            source,
            "diagnostics.probe_x",
            probe_x,
            f"must lie in the domain [{x_min:g}, {x_max:g}] (the probe series is recorded there)",
        )


#: The dimension of the probe series (:meth:`Model.probe`), sampled more densely than ``t``.
PROBE_DIM = "t_probe"


@dataclass(frozen=True)
class MemoryNeeds:
    """What a model's run holds in memory, from its config alone.

    Attributes
    ----------
    state_bytes : int
        Bytes of one state array, the unit of :meth:`Integrator.memory_arrays`.
    state_size : int
        Elements of the state (as the integrator sees them).
    parts : dict
        Bytes of the model's own arrays, by what they are.
    snapshot_bytes : int
        One snapshot as :class:`~simsuite.io.netcdf.MemoryWriter` keeps it (fields and scalars).
    probe_values : int
        Values recorded per probe time (0 when the model has no probe series).
    linear : bool
        Whether the semilinear view has a non-zero linear part (else no propagators are built).
    compiled : bool
        Whether the integrators may hand the problem compiled steps (stacked propagator copies).
    """

    state_bytes: int
    state_size: int
    parts: dict[str, float] = field(default_factory=dict)
    snapshot_bytes: int = 0
    probe_values: int = 0
    linear: bool = True
    compiled: bool = False


@dataclass(frozen=True)
class VariableSpec:
    """Description of one output variable (CF-style ``long_name`` and ``units``)."""

    dims: tuple[str, ...]
    long_name: str
    units: str = "1"
    #: a scalar on ``t`` that is conserved: the runner adds its drift ``<name>_rel_error``
    drift: bool = True
    #: storage type in the file, "f8" or "f4"
    dtype: str = "f8"
    #: definition of the natural scale of a conserved scalar (``drift``), which its drift
    #: ``<name>_rel_error = (I − I0)/scale`` is relative to ("" = |I0|, see
    #: :meth:`Model.invariant_scales`)
    scale: str = ""
    #: further attributes of the variable in the file (numbers or strings)
    attrs: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Coordinate:
    """A coordinate variable: its values and attributes."""

    values: np.ndarray
    long_name: str
    units: str = "1"


class Model:
    """Base class of the models; subclasses register themselves by ``name``.

    Subclasses define ``config_class`` (a :class:`RunConfig` subclass with the model's sections),
    ``integrators`` (names of the integrators they support, the first being the default),
    ``state_variables`` (the output variables holding the state) and implement the methods below.
    What the front end (``analyze``, ``plot``, ``animate``) needs is declared as class variables
    (``diagnostics``, ``field_variables``, ``field_diagnostics``, ``figures``, ``animation``):
    the front end asks the model class, never tests its name.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    config_class: ClassVar[type[RunConfig]] = RunConfig
    integrators: ClassVar[tuple[str, ...]] = ()
    #: ``grid.boundary`` values the model's bases implement (field models; () for agent models).
    boundaries: ClassVar[tuple[str, ...]] = ()
    #: the output variables that hold the state at each snapshot: every output of the model has
    #: them, and analysis and plotting read the run from them
    state_variables: ClassVar[tuple[str, ...]] = ()
    #: which diagnostics ``simsuite analyze`` computes: ``"fields"`` (those of
    #: :mod:`simsuite.diagnostics.fields`, for a state on the grid ``x``) or ``"schooling"``
    #: (:mod:`simsuite.diagnostics.schooling`, for agents)
    diagnostics: ClassVar[str] = "fields"
    #: the state variables that make the field f of the field diagnostics: one real variable
    #: (φ), or the real and imaginary parts of a complex field (ψ)
    field_variables: ClassVar[tuple[str, ...]] = ()
    #: further field diagnostics that apply to the model, by name
    #: (:data:`simsuite.diagnostics.fields.FURTHER_DIAGNOSTICS`)
    field_diagnostics: ClassVar[tuple[str, ...]] = ()
    #: names of the model's standard figures in order (``simsuite plot``); each is registered by
    #: a plotting module (:mod:`simsuite.plotting.registry`); the model imports no plotting code
    figures: ClassVar[tuple[str, ...]] = ()
    #: what ``simsuite animate`` draws, by name (:data:`simsuite.plotting.animation.SCENES`);
    #: "" when the model has no animation
    animation: ClassVar[str] = ""
    registry: ClassVar[dict[str, type[Model]]] = MODELS  # the one registry, simsuite.registry
    #: CF (udunits) units and ``long_name`` of the time coordinate ``t``
    time_units: ClassVar[str] = "1"
    time_long_name: ClassVar[str] = "dimensionless time"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.name:
            register_model(cls)

    problem: Any

    @classmethod
    def from_config(cls, cfg: RunConfig) -> Model:
        raise NotImplementedError  # pragma: no cover - abstract

    @classmethod
    def state_sizes(cls, cfg: RunConfig) -> dict[str, int]:
        """Sizes of the state variables' dimensions other than ``t``, in order, for a run of
        ``cfg`` (``simsuite analyze`` checks a file's state variables against them)."""
        raise NotImplementedError  # pragma: no cover - abstract

    @classmethod
    def memory_needs(cls, cfg: RunConfig) -> MemoryNeeds:
        """What a run of ``cfg`` holds in memory (its state, its own arrays, a snapshot), from the
        config alone: the runner checks ``run.max_memory`` with it before :meth:`from_config`
        allocates anything (:mod:`simsuite.memory`). This default knows nothing: an empty state,
        so the check passes."""
        return MemoryNeeds(state_bytes=0, state_size=0)

    def initial_state(self) -> np.ndarray:
        """The state at t = 0 in the representation the integrator evolves."""
        raise NotImplementedError  # pragma: no cover - abstract

    def observables(self, state: np.ndarray) -> dict[str, np.ndarray]:
        """Fields written at each snapshot (names as in :meth:`variables`)."""
        raise NotImplementedError  # pragma: no cover - abstract

    def invariants(self, state: np.ndarray) -> dict[str, float]:
        """Scalars written at each snapshot; each conserved one (``drift``) also gets a
        ``<name>_rel_error`` drift variable."""
        raise NotImplementedError  # pragma: no cover - abstract

    def invariant_scales(self, state: np.ndarray) -> dict[str, float]:
        """The natural scale s of each conserved invariant I, evaluated on ``state`` (the initial
        state): the runner writes the drift (I − I0)/s. A drift is relative to the quantity's
        natural size, never to a value that may be round-off (a momentum of 1e-17 for a pair at
        rest). This default is s = |I0|; the runner takes s = 1 (an absolute drift) where s is 0.
        Models override it where I0 can vanish while the state does not (the variable's
        :attr:`VariableSpec.scale` then states the definition)."""
        specs = self.variables()
        return {
            name: abs(float(value))
            for name, value in self.invariants(state).items()
            if specs[name].drift
        }

    def probe_variables(self) -> dict[str, VariableSpec]:
        """Specs of the probe series, on :data:`PROBE_DIM`: values at one point that the runner
        records at every probe time (``diagnostics.probe_every``), between the snapshots. None
        by default."""
        return {}

    def probe(self, state: np.ndarray) -> dict[str, float]:
        """The values of :meth:`probe_variables` on ``state``."""
        return {}

    def stop_reason(self, state: np.ndarray, t: float) -> str:
        """Why the run must stop at the snapshot of ``state`` at time ``t`` (e.g. a collapse the
        grid no longer resolves), or ``""`` to go on. The runner asks before it writes each
        snapshot and stops with :class:`~simsuite.runner.RunFailed` carrying this message
        (exit 1; the snapshots before are kept). This default never stops."""
        return ""

    def coords(self) -> dict[str, Coordinate]:
        """Coordinate variables other than time."""
        raise NotImplementedError  # pragma: no cover - abstract

    def checkpoint_state(self) -> dict[str, Any]:
        """What the model carries besides the integrated state (JSON-serialisable), e.g. the state
        of its random generator; deterministic models carry nothing."""
        return {}

    def restore_state(self, state: dict[str, Any]) -> None:
        """Take back what :meth:`checkpoint_state` returned."""

    def variables(self) -> dict[str, VariableSpec]:
        """Specs of the observables and invariants."""
        raise NotImplementedError  # pragma: no cover - abstract

    def attrs(self) -> dict[str, Any]:
        """Model-specific global attributes of the output (numbers or strings)."""
        return {}

    #: what :meth:`density` is, the ``long_name`` of its projections in the output
    density_long_name: ClassVar[str] = ""

    def density(self, state: np.ndarray) -> np.ndarray | None:
        """A non-negative density D on the grid (array of the grid's shape) of ``state``, whose
        integrals along each axis ``output.fields = "projections"`` writes
        (:mod:`simsuite.run_output`); None (this default) when the model has none."""
        return None
