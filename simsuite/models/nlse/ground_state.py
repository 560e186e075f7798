r"""Ground states (and low excited states) of the NLSE / Gross–Pitaevskii equation by imaginary time.

Equation and functionals
------------------------
For :math:`i ψ_t + ½∇²ψ + g|ψ|²ψ − Vψ = 0` (``g > 0`` focusing/attractive, ``g < 0``
defocusing/repulsive: a trapped repulsive condensate has ``g < 0`` here) the energy and the
chemical potential of a state of mass :math:`N = ∫|ψ|² dV` are

.. math::

    E[ψ] = ∫ ½|∇ψ|² + V|ψ|² − \tfrac{g}{2}|ψ|⁴ \, dV, \qquad
    μ[ψ] = \frac{1}{N} ∫ ½|∇ψ|² + V|ψ|² − g|ψ|⁴ \, dV.

The ground state minimises :math:`E` at fixed :math:`N`; it solves
:math:`μψ = −½∇²ψ + Vψ − g|ψ|²ψ`. The kinetic term is evaluated spectrally (Parseval:
:math:`∫½|∇ψ|² = ½ Σ_k |k|²|\hat ψ_k|² ΔV/N_{\rm pts}`), the others by the grid's trapezoid
quadrature.

Method: normalised gradient flow
--------------------------------
Imaginary time :math:`t → −iτ` turns the equation into the gradient flow
:math:`ψ_τ = ½∇²ψ − Vψ + g|ψ|²ψ`, which damps every component by :math:`e^{−(μ_j − μ_0)τ}` relative
to the ground state; projecting back to the prescribed mass after every step gives the
*normalised gradient flow* (GFDN) of Bao & Du [BD04]_. One step of length :math:`Δτ` is the
second-order Strang split step of [BD04]_

1. half step of the potential and nonlinearity, :math:`ψ_τ = −(V − μ_* − g|ψ|²)ψ` for :math:`Δτ/2`;
2. full kinetic step in Fourier space, :math:`\hat ψ ← e^{−|k|²Δτ/2}\hat ψ`;
3. the half step 1 again;
4. optionally remove the components along given states (Gram–Schmidt), then rescale to mass
   :math:`N` exactly.

:math:`μ_*` is the chemical potential at the last check (see the stopping rule). The constant shift
changes nothing in the linear case (the rescaling removes it), but near convergence it keeps the
mass nearly constant *during* a step, so the nonlinear term sees the prescribed mass: without it
the mass decays by :math:`e^{−2μΔτ}` within each step and the converged μ carries an
:math:`O(Δτ)` bias for ``g ≠ 0`` (measured: the bias halved with Δτ).

Sub-step 1 is solved exactly, pointwise: the phase of ψ is constant and :math:`ρ = |ψ|²` obeys the
Bernoulli equation :math:`ρ_τ = −2Wρ + 2gρ²` with :math:`W = V − μ_*`, so with :math:`h = Δτ/2`

.. math::

    ψ(h) = \frac{e^{−Wh} ψ(0)}{\sqrt{1 − g|ψ(0)|²\, 2h\,\mathrm{exprel}(−2Wh)}},
    \qquad \mathrm{exprel}(u) = (e^u − 1)/u .

To first order in :math:`Δτ` this is [BD04]_'s :math:`e^{−(W − g|ψ|²)Δτ/2}ψ`; solved exactly, each
sub-step is the exact flow of its part of the equation and the step is the symmetric Strang
composition. With ``g > 0`` the sub-step blows up where :math:`g |ψ|² Δτ ≳ 1`; a step that large
raises :class:`ValueError` (reduce ``dt``).

Stopping rule
-------------
μ is evaluated every ``check_interval`` of imaginary time (every
``max(1, round(check_interval/Δτ))`` steps); a stage has converged when two consecutive checks
differ by :math:`|μ_{\rm new} − μ_{\rm old}| ≤ \mathrm{tol}\,|μ_{\rm new}|`. Near convergence the
error of μ decays like :math:`e^{−2γτ}` (γ the gap to the next state the flow couples to), so the
remaining error is about :math:`|Δμ|/(1 − e^{−2γ\,\mathrm{check\_interval}})`, three times the last
change for the default interval 0.2 and γ = 1. The error of ψ decays only like :math:`e^{−γτ}`:
it is of the order of the square root of the error of μ (measured: ``tol = 1e-13`` gives a ψ
within 2–5e-8 of the exact harmonic-oscillator ground state). A stage not converged within
``max_steps`` raises :class:`GroundStateNotConverged` with the change it reached.

Splitting bias and its remedy
-----------------------------
The fixed point of the split-step flow is not exactly the ground state: the Strang step is the
exact flow of a modified equation whose operator differs by :math:`O(Δτ²)`, so the converged ψ
carries an :math:`O(Δτ²)` bias, and so does μ for ``g ≠ 0``; E, being minimal at the ground state,
and μ = E/N for ``g = 0`` only :math:`O(Δτ⁴)`. With ``refine=True`` (the default) the flow is
continued from the converged state with :math:`Δτ/2, Δτ/4, …` (each stage converged by the rule
above, with ``tol`` at most ``refine_tol/100``) and the last two stages are combined by Richardson
extrapolation, :math:`ψ_R = (4ψ_{Δτ/2} − ψ_{Δτ})/3` (phases aligned, then projected and rescaled to mass N),
which removes the :math:`Δτ²` term. Halving stops when the relative change of μ between two
halvings, unextrapolated or extrapolated, is at most ``refine_tol``; the extrapolated state is
returned. After ``max_halvings`` halvings without that, :class:`GroundStateNotConverged` is raised
with the change reached. Measured for ``g ≠ 0`` (2D harmonic trap, |g|N = 20 to 1600): the
unextrapolated μ moves by 4× less per halving (the Δτ² bias), the extrapolated μ by 8 to 13×
less (not 16×: a Δτ³ term remains, which we attribute to the renormalisation breaking the time
symmetry of the step), so
a 1e-9 relative change takes three to four halvings from ``dt = 0.01``.

Excited states
--------------
``orthogonal_to`` removes the components along given states after every step (modified
Gram–Schmidt against an orthonormalised copy), so for ``g = 0`` the flow converges to the lowest
state orthogonal to them, e.g. the first excited state when given the ground state. The initial
state must have a component in that subspace: the default initial state (a Gaussian times a factor
odd along every axis, see :func:`default_initial`) has one in every parity sector. For ``g ≠ 0``
such constrained minimisers are not in general stationary states of the nonlinear equation.

References
----------
.. [BD04] W. Bao and Q. Du, "Computing the ground state solution of Bose–Einstein condensates by
   a normalized gradient flow", *SIAM J. Sci. Comput.* **25** (2004) 1674–1697.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.special

from simsuite.spectral.nd_grid import PeriodicGridND

__all__ = [
    "GroundState",
    "GroundStateNotConverged",
    "chemical_potential",
    "default_initial",
    "energy",
    "ground_state",
]


class GroundStateNotConverged(RuntimeError):
    """The normalised gradient flow did not meet its tolerance within ``max_steps``."""


@dataclass(frozen=True)
class GroundState:
    """Result of :func:`ground_state`.

    Attributes
    ----------
    psi : ndarray
        The state, complex, shape ``grid.shape``, with ``∫|ψ|² dV`` equal to the prescribed mass.
    mu : float
        Its chemical potential μ[ψ].
    energy : float
        Its energy E[ψ].
    steps : int
        Split steps taken, summed over all stages.
    mu_change : float
        The last relative change of μ that decided convergence (see the module's stopping rule;
        with refinement, the change between the last two extrapolated or halved values).
    dt : float
        The imaginary-time step of the last stage.
    stages : tuple of (float, float, int)
        ``(dt, μ, steps)`` of every stage, before extrapolation.
    extrapolated : bool
        Whether ψ is the Richardson extrapolation of the last two stages.
    """

    psi: np.ndarray
    mu: float
    energy: float
    steps: int
    mu_change: float
    dt: float
    stages: tuple[tuple[float, float, int], ...]
    extrapolated: bool


def _parts(
    grid: PeriodicGridND, psi: np.ndarray, v: np.ndarray, g: float
) -> tuple[float, float, float, float]:
    """``(∫½|∇ψ|², ∫V|ψ|², ∫|ψ|⁴, ∫|ψ|²)``; the kinetic part by Parseval."""
    psi_hat = grid.fft(psi)
    power = psi_hat.real**2 + psi_hat.imag**2
    kinetic = 0.5 * float(np.sum(grid.k_squared * power)) * grid.cell_volume / grid.size
    density = psi.real**2 + psi.imag**2
    return (
        kinetic,
        float(grid.integrate(v * density)),
        float(grid.integrate(density * density)),
        float(grid.integrate(density)),
    )


def _potential_array(grid: PeriodicGridND, potential) -> np.ndarray:
    if potential is None:
        return np.zeros(grid.shape)
    if hasattr(potential, "values") and callable(potential.values):
        potential = potential.values(grid)
    v = np.asarray(potential)
    if np.iscomplexobj(v):
        raise ValueError("the potential must be real")
    try:
        v = np.array(np.broadcast_to(v, grid.shape), dtype=float)
    except ValueError:
        raise ValueError(
            f"the potential of shape {v.shape} does not fit the grid's shape {grid.shape}"
        ) from None
    if not np.all(np.isfinite(v)):
        raise ValueError("the potential has non-finite values")
    return v


def energy(grid: PeriodicGridND, psi: np.ndarray, potential, g: float) -> float:
    """``E[ψ] = ∫ ½|∇ψ|² + V|ψ|² − (g/2)|ψ|⁴ dV`` (the kinetic term spectrally).

    ``potential`` is an array (broadcastable to ``grid.shape``), a potential object with
    ``values(grid)`` (:mod:`simsuite.models.nlse.potentials`) or ``None`` (V = 0).
    """
    kinetic, pot, quartic, _ = _parts(grid, psi, _potential_array(grid, potential), g)
    return kinetic + pot - 0.5 * g * quartic


def chemical_potential(grid: PeriodicGridND, psi: np.ndarray, potential, g: float) -> float:
    """``μ[ψ] = (∫ ½|∇ψ|² + V|ψ|² − g|ψ|⁴ dV) / ∫|ψ|² dV``; arguments as in :func:`energy`."""
    kinetic, pot, quartic, mass = _parts(grid, psi, _potential_array(grid, potential), g)
    return (kinetic + pot - g * quartic) / mass


def default_initial(grid: PeriodicGridND) -> np.ndarray:
    """The default initial state: a Gaussian at the box centre, width 1/8 of each box length,
    times ``1 + Σ_i ½ s_i + ¼ s_x s_y …`` with ``s_i = (x_i − c_i)/w_i``, so it has a component
    in every parity sector (odd along any axis or pair of axes) and the flow with
    ``orthogonal_to`` can reach excited states."""
    gaussian = np.ones(grid.shape)
    factor = np.ones(grid.shape)
    product = np.ones(grid.shape)
    for axis, x in zip(grid.axes, grid.coordinates, strict=True):
        c = axis.x_min + 0.5 * axis.length
        w = axis.length / 8.0
        s = (x - c) / w
        gaussian = gaussian * np.exp(-0.5 * s * s)
        factor = factor + 0.5 * s
        product = product * s
    if grid.ndim > 1:
        factor = factor + 0.25 * product
    return (gaussian * factor).astype(complex)


def _orthonormal(grid: PeriodicGridND, states: Sequence[np.ndarray]) -> list[np.ndarray]:
    """An orthonormal basis (inner product ``∫ conj(a) b dV``) of the span of ``states``."""
    basis: list[np.ndarray] = []
    for state in states:
        u = np.array(np.broadcast_to(state, grid.shape), dtype=complex)
        for b in basis:
            u -= grid.integrate(np.conj(b) * u) * b
        norm = math.sqrt(float(grid.integrate(np.abs(u) ** 2)))
        if norm <= 1e-12 * math.sqrt(float(grid.integrate(np.abs(state) ** 2)) or 1.0):
            raise ValueError(
                "orthogonal_to holds a zero state or states that are linearly dependent"
            )
        basis.append(u / norm)
    return basis


def _project(grid: PeriodicGridND, psi: np.ndarray, basis: list[np.ndarray]) -> None:
    for b in basis:  # modified Gram–Schmidt, in place
        psi -= grid.integrate(np.conj(b) * psi) * b


def _normalise(grid: PeriodicGridND, psi: np.ndarray, mass: float) -> None:
    current = float(grid.integrate(psi.real**2 + psi.imag**2))
    if not current > 0 or not math.isfinite(current):
        raise ValueError(f"the state has lost its norm (∫|ψ|² = {current}); check the inputs")
    psi *= math.sqrt(mass / current)


def _relax(grid, psi, v, g, mass, dt, tol, max_steps, check_interval, basis):
    """Run the normalised split-step flow from ``psi`` (in place) until μ settles.

    Returns ``(μ, steps, relative change of μ at the last check)``.
    """
    h = 0.5 * dt
    check_every = max(1, round(check_interval / dt))
    kinetic = np.exp(-0.5 * grid.k_squared * dt)

    def factors(mu_ref: float) -> tuple[np.ndarray, np.ndarray]:
        # the linear part of the potential half step and the integral of the Bernoulli solution
        shifted = v - mu_ref
        return np.exp(-shifted * h), 2.0 * h * scipy.special.exprel(-2.0 * shifted * h)

    def half_step(psi: np.ndarray) -> np.ndarray:
        denominator = 1.0 - g * (psi.real**2 + psi.imag**2) * blow
        if g > 0 and not np.all(denominator > 0):
            raise ValueError(
                f"dt = {dt} is too large for the focusing nonlinearity (g = {g}): the potential "
                "half step blows up where 2·g·|ψ|²·dt/2 ≥ 1; reduce dt"
            )
        return psi * (decay / np.sqrt(denominator))

    kinetic_part, pot, quartic, n = _parts(grid, psi, v, g)
    mu_old = (kinetic_part + pot - g * quartic) / n
    decay, blow = factors(mu_old)
    change = math.inf
    for step in range(1, max_steps + 1):
        psi[...] = half_step(psi)
        psi[...] = grid.ifft(kinetic * grid.fft(psi))
        psi[...] = half_step(psi)
        _project(grid, psi, basis)
        _normalise(grid, psi, mass)
        if step % check_every == 0:
            kinetic_part, pot, quartic, n = _parts(grid, psi, v, g)
            mu_new = (kinetic_part + pot - g * quartic) / n
            change = _relative(mu_new, mu_old)
            if change <= tol:
                return mu_new, step, change
            mu_old = mu_new
            decay, blow = factors(mu_old)
    raise GroundStateNotConverged(
        f"the normalised gradient flow (dt = {dt}) did not converge within {max_steps} steps: "
        f"the relative change of μ between checks {check_every} steps apart was still "
        f"{change:.3g}, tolerance {tol:.3g}"
    )


def ground_state(
    grid: PeriodicGridND,
    potential,
    g: float,
    mass: float,
    *,
    dt: float = 0.01,
    tol: float = 1e-11,
    max_steps: int = 200_000,
    check_interval: float = 0.2,
    initial: np.ndarray | None = None,
    orthogonal_to: Sequence[np.ndarray] = (),
    refine: bool = True,
    refine_tol: float = 1e-8,
    max_halvings: int = 6,
) -> GroundState:
    """Ground state of ``i ψ_t + ½∇²ψ + g|ψ|²ψ − Vψ = 0`` with ``∫|ψ|² dV = mass``.

    Normalised gradient flow with a Strang split step [BD04]_; the method, the stopping rule, the
    O(Δτ²) splitting bias and its Richardson remedy are described in the module docstring.

    Parameters
    ----------
    grid : PeriodicGridND
        The periodic grid (1, 2 or 3 axes).
    potential : ndarray, potential object or None
        ``V`` as an array broadcastable to ``grid.shape``, an object with ``values(grid)`` (see
        :mod:`simsuite.models.nlse.potentials`), or ``None`` for V = 0.
    g : float
        Nonlinear coefficient: ``g > 0`` focusing (attractive), ``g < 0`` repulsive.
    mass : float
        Prescribed ``N = ∫|ψ|² dV > 0``; the result has it to round-off.
    dt : float
        Imaginary-time step Δτ of the first stage.
    tol : float
        Stopping rule of every stage: relative change of μ between two checks (made at most
        ``refine_tol/100`` when ``refine``).
    max_steps : int
        Largest number of steps of any one stage.
    check_interval : float
        Imaginary time between two evaluations of μ (``max(1, round(check_interval/dt))`` steps).
    initial : ndarray, optional
        Initial state (any norm; it is rescaled); default :func:`default_initial`. A complex
        initial state (e.g. with a vortex phase) stays complex.
    orthogonal_to : sequence of ndarray
        States to project out after every step (for excited states).
    refine : bool
        Halve ``dt`` and Richardson-extrapolate the converged states, see the module docstring.
    refine_tol : float
        Refinement stops when the relative change of μ between halvings (extrapolated, or not)
        is at most ``refine_tol``. The stages then use ``min(tol, refine_tol/100)`` as their
        tolerance, so that their stopping error does not spoil the extrapolation.
    max_halvings : int
        Largest number of halvings of ``dt`` when ``refine``.

    Returns
    -------
    GroundState
        ψ, μ, E, the steps taken and the last relative change of μ.

    Raises
    ------
    GroundStateNotConverged
        When a stage does not converge within ``max_steps``, or the refinement does not meet
        ``refine_tol`` within ``max_halvings`` (the message gives the change reached).
    ValueError
        For a bad argument, or a ``dt`` too large for a focusing nonlinearity.
    """
    for name, value in (
        ("mass", mass),
        ("dt", dt),
        ("tol", tol),
        ("check_interval", check_interval),
        ("refine_tol", refine_tol),
    ):
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive number, got {value}")
    if not math.isfinite(g):
        raise ValueError(f"g must be finite, got {g}")
    if int(max_steps) < 1 or int(max_halvings) < 1:
        raise ValueError("max_steps and max_halvings must be at least 1")
    v = _potential_array(grid, potential)
    basis = _orthonormal(grid, orthogonal_to)
    psi = default_initial(grid) if initial is None else initial
    psi = np.array(np.broadcast_to(psi, grid.shape), dtype=complex)
    _project(grid, psi, basis)
    _normalise(grid, psi, mass)

    stage_tol = min(tol, 0.01 * refine_tol) if refine else tol

    def relax(step: float) -> tuple[float, int, float]:
        return _relax(grid, psi, v, g, mass, step, stage_tol, max_steps, check_interval, basis)

    mu, steps, change = relax(dt)
    stages = [(dt, mu, steps)]
    total = steps
    extrapolated = False
    if refine:
        previous_psi, previous_mu, previous_richardson = psi.copy(), mu, None
        for _ in range(max_halvings):
            dt = 0.5 * dt
            mu, steps, _ = relax(dt)
            stages.append((dt, mu, steps))
            total += steps
            # Richardson: the Δτ² term of the bias cancels in (4ψ(Δτ/2) − ψ(Δτ))/3
            overlap = grid.integrate(np.conj(previous_psi) * psi)
            phase = overlap / abs(overlap) if abs(overlap) > 0 else 1.0
            richardson = (4.0 * psi - phase * previous_psi) / 3.0
            _project(grid, richardson, basis)
            _normalise(grid, richardson, mass)
            mu_richardson = chemical_potential(grid, richardson, v, g)
            change = _relative(mu, previous_mu)
            if previous_richardson is not None:
                change = min(change, _relative(mu_richardson, previous_richardson))
            if change <= refine_tol:
                psi, extrapolated = richardson, True
                break
            previous_psi, previous_mu, previous_richardson = psi.copy(), mu, mu_richardson
        else:
            raise GroundStateNotConverged(
                f"halving dt {max_halvings} times (down to {dt:.3g}) did not bring the relative "
                f"change of μ between halvings below refine_tol = {refine_tol:.3g}: it was still "
                f"{change:.3g}; start from a smaller dt or allow more halvings"
            )
    return GroundState(
        psi=psi,
        mu=chemical_potential(grid, psi, v, g),
        energy=energy(grid, psi, v, g),
        steps=total,
        mu_change=change,
        dt=dt,
        stages=tuple(stages),
        extrapolated=extrapolated,
    )


def _relative(new: float, old: float) -> float:
    return abs(new - old) / abs(new) if new != 0 else abs(new - old)
