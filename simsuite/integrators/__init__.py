"""Time integrators; importing this package registers every stepper by name.

Registered methods (``get_integrator(name)``):

* ``dop853``, ``dopri5`` — adaptive integrating-factor (Lawson) Dormand–Prince 8(5,3) and 5(4);
* ``etd_abm4``, ``etd_abm6``, ``etd_abm8`` — exponential Adams–Bashforth–Moulton predictor–corrector
  (ETD multistep), two evaluations of N per step, fixed step;
* ``rk4ip`` — Hult's fourth-order Runge–Kutta in the interaction picture, fixed step;
* ``ssf2``, ``ssf4``, ``ssf6`` — Strang split-step and Yoshida's 4th/6th-order compositions, fixed
  step;
* ``dop853_plain`` — scipy's DOP853 on the plain right-hand side (the seed package's method, a reference);
* ``verlet``, ``yoshida4``, ``yoshida6``, ``yoshida8`` — Störmer–Verlet (kick–drift–kick) and its
  symmetric compositions for second-order problems q'' = a(q), fixed step;
* ``exponential_verlet``, ``exponential_yoshida4``, ``exponential_yoshida6`` — the same with the exact
  flow of the linear part as the drift (no CFL limit from it);
* ``map`` — a model's own discrete-time step rule (Couzin schooling).

Layout: :mod:`.base` (problem protocol, :class:`~.base.SemilinearKernels`, the ``Integrator``
registry), :mod:`.fixed_step` (the loop every fixed-step method runs), :mod:`.lawson` (one
integrating-factor Runge–Kutta step) with :mod:`.compiled_lawson`, :mod:`.dormand_prince` (the
adaptive driver) with :mod:`.step_control`, :mod:`.rk4ip`, :mod:`.exponential_adams` with
:mod:`.adams_weights` and :mod:`.compiled_adams`, :mod:`.tableaux` and :mod:`.kernels` (shared stage
sums); :mod:`.compositions` (the weights of Strang, Yoshida and Blanes–Moan compositions),
:mod:`.splitting` (split-step), :mod:`.symplectic` and :mod:`.exponential_symplectic` (kick–drift)
over :mod:`.second_order` (:class:`~.second_order.KickDriftKernels`) with
:mod:`.compiled_kick_drift`, :mod:`.discrete` (a model's own map). Compiled loops take a model's
kernels as arguments (:mod:`.jit_argument`); nothing here imports a model.
"""

from . import (  # noqa: F401  (registers them)
    discrete,
    dormand_prince,
    exponential_adams,
    exponential_symplectic,
    reference,
    rk4ip,
    splitting,
    symplectic,
)
from .base import (
    IntegrationError,
    Integrator,
    Interrupted,
    SemilinearProblem,
    get_integrator,
    integrators_for,
)

__all__ = [
    "Integrator",
    "get_integrator",
    "integrators_for",
    "IntegrationError",
    "Interrupted",
    "SemilinearProblem",
]
