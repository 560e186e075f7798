"""The Klein–Gordon operators on one basis (:class:`KGProblem`): the force a(φ) = φ_xx − V′(φ) for
the symplectic integrators, the split into the linear part ∂_xx − m² (exact flow per mode) and the
remainder for the exponential ones, their modal view, the first-order view for ``dop853``, the
compiled kernels (:mod:`~simsuite.models.klein_gordon.kernels`) and the energy and momentum."""

from __future__ import annotations

import math
from functools import cached_property
from typing import Any

import numpy as np

from simsuite.integrators.compiled_kick_drift import kick_rotate
from simsuite.integrators.second_order import KickDriftKernels, ModalKernels
from simsuite.models.klein_gordon import kernels as kg_kernels
from simsuite.models.klein_gordon.kernels import scaled_sum_into
from simsuite.models.klein_gordon.potentials import Linear, Phi4, Potential, SineGordon
from simsuite.spectral import fftw_numba
from simsuite.spectral.bases import FieldBasis, PeriodicBasis


class KGProblem:
    """The Klein–Gordon operators on one basis (see the module docstring).

    Parameters
    ----------
    basis : FieldBasis
    potential : Potential
    mask : ndarray or None
        Mode filter applied to V′(φ) (dealiasing), or None.
    max_field : float
        Largest |φ| expected (the initial one), for the stability estimate ``max_frequency``.
    """

    filter_each_step = False

    def __init__(
        self, basis: FieldBasis, potential: Potential, mask: np.ndarray | None, max_field: float
    ):
        self.basis = basis
        self.potential = potential
        self.mask = mask
        self.mass2 = max(float(potential.mass2), 0.0)
        self.omega = np.sqrt(basis.k**2 + self.mass2)
        curvature = potential.max_curvature(-max_field, max_field)
        self.max_frequency = math.sqrt(basis.k_max * basis.k_max + max(curvature, 0.0))
        self._flow_cache: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        n = basis.x.size
        self._zeros = np.zeros(n)
        # first-order form for the Runge–Kutta methods: y = (φ, π), y' = (π, a(φ)), no linear part
        self.linear = np.zeros((2, n))

    # -- second-order view -------------------------------------------------------------------------
    def _potential_force(self, phi: np.ndarray) -> np.ndarray:
        """−V′(φ), filtered when a mask is set."""
        force = -self.potential.dV(phi)
        if self.mask is None:
            return force
        return self.basis.apply_filter(force, self.mask, subtract_reference=False)

    def acceleration(self, phi: np.ndarray) -> np.ndarray:
        """a(φ) = φ_xx − V′(φ)."""
        lap = self.basis.laplacian(phi)
        if self.mask is None:
            return self.potential.force_into(lap, lap, phi)  # elementwise: in place is safe
        return lap + self._potential_force(phi)

    def remainder(self, phi: np.ndarray) -> np.ndarray:
        """a(φ) − A(φ − φ_ref) = m²(φ − φ_ref) − V′(φ)."""
        ref = self.basis.reference
        shifted = phi if ref is None else phi - ref
        return self.mass2 * shifted + self._potential_force(phi)

    def linear_flow(self, phi: np.ndarray, pi: np.ndarray, h: float):
        """Exact flow over h of φ_tt = φ_xx − m²(φ − φ_ref), mode by mode:
        a ← a cos ωh + b sin(ωh)/ω, b ← −a ω sin ωh + b cos ωh, ω² = k² + m²."""
        cos, sin_over, minus_w_sin = self._flow_factors(h)
        a = self.basis.to_modes(phi)
        b = self.basis.to_modes(pi, subtract_reference=False)
        a_new = cos * a + sin_over * b
        b_new = minus_w_sin * a + cos * b
        return self.basis.from_modes(a_new), self.basis.from_modes(b_new, add_reference=False)

    # -- modal view (the exponential methods keep (φ, π) as mode coefficients between kicks) ------
    def to_modal(self, phi: np.ndarray, pi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mode coefficients (a, b) of φ − φ_ref and π."""
        return self.basis.to_modes(phi), self.basis.to_modes(pi, subtract_reference=False)

    def from_modal(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(φ, π) on the grid from their mode coefficients (φ_ref added back)."""
        return self.basis.from_modes(a), self.basis.from_modes(b, add_reference=False)

    def modal_kick_flow(self, a: np.ndarray, b: np.ndarray, g: np.ndarray, c: float, h: float):
        """In place, the kick b ← b + c·g followed by the exact flow over h of
        φ_tt = φ_xx − m²(φ − φ_ref) on the modes (as :meth:`linear_flow`, without the transforms;
        one pass)."""
        cos, sin_over, minus_w_sin = self._flow_factors(h)
        kick_rotate(a, b, g, c, cos, sin_over, minus_w_sin)

    def modal_remainder(self, a: np.ndarray) -> np.ndarray:
        """Modes of g(φ) = m²(φ − φ_ref) − V′(φ) for φ with modes ``a``: m² a + modes of −V′(φ)
        (filtered when a mask is set); one inverse and one forward transform."""
        plan = getattr(self.basis, "plan", None)
        if plan is not None:  # one pass through the plan's buffers, no copies
            phi = plan.field(a)
            if self.basis.reference is not None:
                phi += self.basis.reference
            self.potential.force_into(phi, self._zeros, phi)  # elementwise: in place is safe
            force = np.empty_like(a)
            scaled_sum_into(force, plan.modes_of_field(), self.mask, self.mass2, a)
            return force
        phi = self.basis.from_modes(a)
        minus_dv = self.potential.force_into(phi, self._zeros, phi)
        force = self.basis.to_modes(minus_dv, subtract_reference=False)
        scaled_sum_into(force, force, self.mask, self.mass2, a)
        return force

    def _flow_factors(self, h: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """cos ωh, sin(ωh)/ω and −ω sin ωh per mode, cached per step size."""
        factors = self._flow_cache.get(h)
        if factors is None:
            if len(self._flow_cache) >= 16:  # the sub-steps of a composition: a handful of sizes
                self._flow_cache.clear()
            wh = self.omega * h
            sin_over = h * np.sinc(wh / np.pi)  # sin(ωh)/ω, = h at ω = 0
            factors = (np.cos(wh), sin_over, -(self.omega**2) * sin_over)
            self._flow_cache[h] = factors
        return factors

    # -- compiled kernels (simsuite.models.klein_gordon.kernels) -------------------------------------
    @cached_property
    def _compiled(self) -> dict[str, Any] | None:
        """The compiled kernels' arguments that describe the equation, or None where they do not
        apply: another basis than periodic, a custom potential, ``run.fft`` other than FFTW's
        estimate plans, or no FFTW library for compiled code."""
        basis, pot = self.basis, self.potential
        if not isinstance(basis, PeriodicBasis) or basis.plan.backend != "fftw":
            return None
        if not fftw_numba.available():
            return None
        if isinstance(pot, Phi4):
            kind, c1, c2 = kg_kernels.PHI4, pot.lam, pot.vacuum * pot.vacuum
        elif isinstance(pot, SineGordon):
            kind, c1, c2 = kg_kernels.SINE_GORDON, pot.mass2, 0.0
        elif isinstance(pot, Linear):
            kind, c1, c2 = kg_kernels.LINEAR, pot.mass2, 0.0
        else:
            return None
        plan = fftw_numba.RealPlan(basis.n)
        empty = np.empty(0)
        c = {
            "ref": empty if basis.reference is None else np.ascontiguousarray(basis.reference),
            "mask": empty if self.mask is None else np.ascontiguousarray(self.mask, dtype=float),
            "potential": (kind, float(c1), float(c2)),
            "plan": plan,  # owns the buffers and plans that the kernels' params point to
        }
        params = kg_kernels.params(
            c["ref"], basis.minus_k2, c["mask"], c["potential"], self.mass2, plan.args
        )
        modal = ModalKernels(
            modes_into=kg_kernels.modes_into,
            fields_into=kg_kernels.fields_into,
            remainder_into=kg_kernels.modal_remainder_into,
            flow_factors=self.stacked_flow_factors,
        )
        c["kernels"] = KickDriftKernels(kg_kernels.force_into, params, modal)
        return c

    def __getstate__(self) -> dict[str, Any]:
        """Without the compiled kernels: their params point into this process's FFTW plans, and
        a copy plans anew when it first needs them."""
        state = self.__dict__.copy()
        if state.get("_compiled") is not None:
            del state["_compiled"]
        return state

    @property
    def kernels(self) -> KickDriftKernels | None:
        """The compiled kernels the kick–drift integrators run whole steps on
        (:mod:`~simsuite.models.klein_gordon.kernels`), or None where they do not apply (see
        ``_compiled``)."""
        c = self._compiled
        return None if c is None else c["kernels"]

    @property
    def compiled_steps(self) -> bool:
        """Whether :attr:`kernels` are offered (for tests and benchmarks)."""
        return self._compiled is not None

    def stacked_flow_factors(self, drifts: tuple[float, ...]):
        """:meth:`_flow_factors` of each drift, stacked into three (m, modes) arrays."""
        cache = self.__dict__.setdefault("_stacked_cache", {})
        stacked = cache.get(drifts)
        if stacked is None:
            if len(cache) >= 4:
                cache.clear()
            rows = [self._flow_factors(h) for h in drifts]
            stacked = tuple(np.ascontiguousarray([r[i] for r in rows]) for i in range(3))
            cache[drifts] = stacked
        return stacked

    # -- first-order view (dop853) -----------------------------------------------------------------
    def nonlinear(self, y: np.ndarray) -> np.ndarray:
        """(π, a(φ)) for y = (φ, π)."""
        return np.stack((y[1], self.acceleration(y[0])))

    def filter(self, y: np.ndarray) -> np.ndarray:
        return y

    # -- diagnostics -------------------------------------------------------------------------------
    def invariants(self, y: np.ndarray) -> dict[str, float]:
        """Energy and momentum. The gradient energy ½∫φ_x² is evaluated as
        ½(s² L − ∫ w w_xx dx), w = φ − φ_ref (s the slope of φ_ref; integration by parts with w
        satisfying the boundary condition), i.e. by Parseval with every mode the dynamics uses —
        the Nyquist mode included, which a pointwise spectral φ_x drops for even n."""
        basis = self.basis
        phi, pi = y[0], y[1]
        c = self._compiled
        if c is not None and np.ndim(phi) == 1:  # the same sums, by Parseval, compiled
            energy, momentum = kg_kernels.energy_momentum(
                np.ascontiguousarray(phi, dtype=float), np.ascontiguousarray(pi, dtype=float),
                c["ref"], basis.reference_slope, basis.dx, basis.k, basis.k_odd, *c["potential"],
                *c["plan"].args[:4],
            )  # fmt: skip
            return {"energy": float(energy), "momentum": float(momentum)}
        ref = basis.reference
        w = phi if ref is None else phi - ref
        lap, grad = basis.laplacian_and_gradient(phi)
        gradient_energy = 0.5 * (basis.reference_slope**2 * basis.length - basis.integrate(w * lap))
        energy = basis.integrate(0.5 * pi**2 + self.potential.V(phi)) + gradient_energy
        return {"energy": energy, "momentum": -basis.integrate(pi * grad)}

    def energy_scale(self, y: np.ndarray) -> float:
        """E_s = ∫ (½φ_t² + ½φ_x² + |V(φ)|) dx: the energy of :meth:`invariants` (same derivatives
        and quadrature) plus ∫ (|V| − V) dx, so E_s = E exactly where V ≥ 0 (every built-in
        potential). E_s ≥ |E|, and E_s ≥ |P| since |φ_t φ_x| ≤ ½(φ_t² + φ_x²) (unit wave speed)."""
        v = self.potential.V(y[0])
        return float(self.invariants(y)["energy"] + self.basis.integrate(np.abs(v) - v))
