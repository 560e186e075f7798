"""Config sections of the Klein–Gordon model: ``[potential]`` and the run config
(:class:`KGConfig`), with the integrators the model accepts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simsuite.config import (
    ConfigError,
    IntegratorSection,
    ModelSection,
    RunConfig,
    TimeSection,
    param,
    section,
)
from simsuite.models.klein_gordon import initial_nd  # noqa: F401  (registers the N-D types)
from simsuite.models.klein_gordon.initial import Gaussian, KGInitialCondition
from simsuite.models.klein_gordon.potentials import Custom, Linear, Phi4, Potential, SineGordon
from simsuite.spectral.grids import BOUNDARY_CHOICES, GridSection

POTENTIALS = ("linear", "phi4", "sine_gordon", "custom")

#: The integrators a Klein–Gordon run accepts (``integrator.method``), the default first.
INTEGRATORS = (
    "yoshida4",
    "verlet",
    "yoshida6",
    "yoshida8",
    "exponential_verlet",
    "exponential_yoshida4",
    "exponential_yoshida6",
    "blanes_moan4",
    "exponential_blanes_moan4",
    "dop853",
)


@dataclass(frozen=True)
class PotentialSection:
    """``[potential]`` of the Klein–Gordon model."""

    name: str = param("phi4", choices=POTENTIALS, doc="linear, phi4, sine_gordon or custom")
    mass: float = param(
        1.0,
        ge=0.0,
        doc="m of the linear (m^2 phi^2/2) and sine_gordon (m^2 (1 - cos phi)) potentials",
    )
    lambda_: float = param(2.0, gt=0.0, doc="lambda of phi4: V = lambda/4 (phi^2 - v^2)^2")
    vacuum: float = param(
        1.0,
        doc="phi4: the vacuum v > 0 (kink width sqrt(2)/(sqrt(lambda) v)); custom: the vacuum "
        "about which the linear part m^2 = V''(vacuum) is taken",
    )
    V: str = param("0.5*phi**2", doc="custom: V(phi), an expression in phi")
    dV: str = param("phi", doc="custom: V'(phi), an expression in phi (checked against V)")

    def check(self, source: str) -> None:
        if self.name == "sine_gordon" and not self.mass > 0:
            raise ConfigError(source, "potential.mass", self.mass, "must be > 0 for sine_gordon")
        if self.name == "phi4" and not self.vacuum > 0:
            raise ConfigError(source, "potential.vacuum", self.vacuum, "must be > 0 for phi4")
        if self.name != "custom":
            return
        from simsuite import expressions

        for key in ("V", "dV"):
            try:  # parse, and compute once: some errors (1j % 2) only show when computed
                expressions.evaluate(getattr(self, key), {"phi": np.linspace(-3.0, 3.0, 7)})
            except expressions.ExpressionError as exc:
                raise ConfigError(
                    source, f"potential.{key}", getattr(self, key), str(exc)
                ) from None
        mismatch = self.build().derivative_mismatch()
        if not mismatch < 1e-5:
            raise ConfigError(
                source,
                "potential.dV",
                self.dV,
                f"must be the derivative of potential.V = {self.V!r} "
                + (
                    f"(they differ by {mismatch:.2g} on -3 <= phi <= 3)"
                    if np.isfinite(mismatch)
                    else "(V or dV is not finite somewhere on -3 <= phi <= 3)"
                ),
            )

    def build(self) -> Potential:
        if self.name == "linear":
            return Linear(self.mass)
        if self.name == "phi4":
            return Phi4(self.lambda_, self.vacuum)
        if self.name == "sine_gordon":
            return SineGordon(self.mass)
        return Custom(self.V, self.dV, self.vacuum)


@dataclass(frozen=True)
class KGConfig(RunConfig):
    """Run config of the Klein–Gordon model."""

    model: ModelSection = section(lambda: ModelSection(name="klein_gordon"))
    time: TimeSection = section(lambda: TimeSection(t_final=50.0, dt=0.01, n_snapshots=101))
    integrator: IntegratorSection = section(lambda: IntegratorSection(method="yoshida4"))
    grid: GridSection = section(lambda: GridSection(x_min=-30.0, x_max=30.0))
    potential: PotentialSection = section(PotentialSection)
    initial_condition: KGInitialCondition = section(Gaussian)

    def check(self) -> None:
        super().check()
        self.check_integrator(INTEGRATORS, "klein_gordon")
        self.grid.check(
            self.source,
            "klein_gordon",
            boundaries=BOUNDARY_CHOICES,
            windings=True,
            ic_name=self.initial_condition.type_name,
            max_dims=3,
            nd_boundaries=("periodic", "neumann", "dirichlet"),
        )
        ndim = self.grid.ndim
        if ndim > 1:
            self._check_nd(ndim)
        self.potential.check(self.source)
        ic = self.initial_condition
        if ic.potentials and self.potential.name not in ic.potentials:
            raise ConfigError(
                self.source,
                "initial_condition.type",
                ic.type_name,
                "needs potential.name = "
                + " or ".join(repr(p) for p in ic.potentials)
                + f" (is {self.potential.name!r})",
            )
        ic.check_dims(self.source, "initial_condition", ndim)

    def _check_nd(self, ndim: int) -> None:
        """What a 2D or 3D grid refuses besides the per-axis checks of ``[grid]``: a winding
        (1D only); every integrator has an N-D path."""
        if self.grid.winding:
            raise ConfigError(
                self.source,
                "grid.winding",
                self.grid.winding,
                f"applies to 1D grids only (this one is {ndim}D); set it to 0",
            )
