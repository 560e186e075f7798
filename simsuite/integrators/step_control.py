"""Step-size controllers of the adaptive Runge–Kutta drivers.

A controller turns the error norm ``err`` of a step (accepted when ``err < 1``) into the factor by
which the next step is scaled. :class:`IntegralController` is the elementary rule (scipy's);
:class:`PIController` adds Gustafsson's proportional term, which damps the oscillation of the step
size around its equilibrium [Gus91, HW96].

References
----------
.. [HW96] E. Hairer and G. Wanner, *Solving Ordinary Differential Equations II*, 2nd ed., Springer
   (1996), Sec. IV.2 (PI step-size control).
.. [Gus91] K. Gustafsson, "Control theoretic techniques for stepsize selection in explicit
   Runge–Kutta methods", ACM Trans. Math. Softw. 17, 533–554 (1991).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["IntegralController", "PIController", "CONTROLLERS"]


@dataclass
class IntegralController:
    """Elementary (integral) controller, exactly scipy's rule for its explicit RK solvers.

    Accepted step: ``factor = min(max_factor, safety * err**(-1/k))`` (``max_factor`` if
    ``err == 0``), capped at 1 right after a rejection; rejected step:
    ``max(min_factor, safety * err**(-1/k))``; ``k = error_order + 1``.
    """

    safety: float = 0.9
    min_factor: float = 0.2
    max_factor: float = 10.0
    k: int = field(default=1, init=False)

    def bind(self, error_order: int) -> None:
        self.k = error_order + 1

    def reset(self) -> None:
        pass

    def accept(self, err: float, after_reject: bool) -> float:
        if err == 0.0:
            factor = self.max_factor
        else:
            factor = min(self.max_factor, self.safety * err ** (-1.0 / self.k))
        return min(1.0, factor) if after_reject else factor

    def reject(self, err: float) -> float:
        return max(self.min_factor, self.safety * err ** (-1.0 / self.k))


@dataclass
class PIController(IntegralController):
    """Proportional–integral controller of Gustafsson [Gus91], gains of [HW96] eq. (IV.2.43c).

    Accepted step::

        factor = (rho / err) ** (kI) * (err_prev / err) ** (kP),   kI = 0.3/k,  kP = 0.4/k,

    i.e. ``err**(-0.7/k) * err_prev**(0.4/k)`` up to a constant, with ``k = error_order + 1`` and
    ``err_prev`` the (corrected, see :class:`~.dormand_prince.AdaptiveLawsonRK`) error of the
    previous accepted step, floored at 1e-4. The set point ``rho = safety**k`` puts the
    equilibrium at the integral
    controller's step ``safety * h_opt`` (a plain ``safety * err**(-0.7/k) ...`` would settle at
    ``safety**(1/0.3) h_opt ≈ 0.70 h_opt``). The factor is clipped to ``[min_factor, max_factor]``
    and to at most 1 right after a rejection; a rejected step uses the integral rule.
    """

    k_integral: float = 0.3
    k_proportional: float = 0.4
    err_prev: float = field(default=float("nan"), init=False)

    def bind(self, error_order: int) -> None:
        super().bind(error_order)
        self.reset()

    @property
    def set_point(self) -> float:
        return self.safety**self.k

    def reset(self) -> None:
        self.err_prev = self.set_point

    def accept(self, err: float, after_reject: bool) -> float:
        if err == 0.0:
            factor = self.max_factor
        else:
            e = max(err, 1e-4)
            factor = (self.set_point / e) ** (self.k_integral / self.k) * (self.err_prev / e) ** (
                self.k_proportional / self.k
            )
            factor = min(self.max_factor, max(self.min_factor, factor))
        self.err_prev = max(err, 1e-4)
        return min(1.0, factor) if after_reject else factor


CONTROLLERS = {"pi": PIController, "integral": IntegralController}
