"""Symmetric compositions as data: the sub-step weights of Strang/Verlet compositions (Yoshida,
Suzuki) and of splittings with their own outer coefficients (Blanes–Moan).

Algorithm
---------
A symmetric splitting of a flow into two parts ``A`` (outer) and ``B`` (inner) is

.. math:: S(h) = A(b_0 h)\\, B(a_1 h)\\, A(b_1 h) ⋯ B(a_m h)\\, A(b_m h),

with palindromic coefficients ``a`` (the *weights*, ``Σ a = 1``) and ``b`` (the *outer
coefficients*, ``Σ b = 1``). A composition ``S_2(w_m h) ⋯ S_2(w_1 h)`` of a symmetric
second-order base step ``S_2(h) = A(h/2) B(h) A(h/2)`` (Strang, Störmer–Verlet) is the special case
``a = w`` and ``b = (w_1/2, (w_1 + w_2)/2, …, (w_{m-1} + w_m)/2, w_m/2)``: the half steps of
``A`` of neighbouring base steps merge. Across two consecutive steps the last and first outer
sub-steps merge as well, into ``b_m + b_0`` (:attr:`Composition.merged_coefficient`).

The split-step methods (:mod:`~simsuite.integrators.splitting`: ``A`` the linear flow, ``B`` the
nonlinear flow) and the kick–drift methods (:mod:`~simsuite.integrators.symplectic`: ``A`` the
kick, ``B`` the drift) read the same tables: a new method is a new table.

References
----------
.. [Str68] G. Strang, SIAM J. Numer. Anal. 5, 506–517 (1968).
.. [Yos90] H. Yoshida, "Construction of higher order symplectic integrators",
   Phys. Lett. A 150, 262–268 (1990).
.. [HLW06] E. Hairer, C. Lubich and G. Wanner, *Geometric Numerical Integration*, 2nd ed., Springer
   (2006), Sec. II.4 and V.3 (the digits of Yoshida's sixth-order weights).
.. [BM02] S. Blanes and P. C. Moan, "Practical symplectic partitioned Runge–Kutta and
   Runge–Kutta–Nyström methods", J. Comput. Appl. Math. 142, 313–330 (2002).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Composition",
    "STRANG",
    "YOSHIDA4",
    "YOSHIDA6",
    "YOSHIDA8",
    "BLANES_MOAN4",
    "kick_drift_stable_step",
]


@dataclass(frozen=True)
class Composition:
    """A symmetric splitting ``A(b_0 h) B(a_1 h) ⋯ B(a_m h) A(b_m h)`` (module docstring).

    Attributes
    ----------
    name : str
    weights : tuple of float
        The inner sub-steps ``a_1..a_m`` (palindromic, sum 1): the weights of the base steps of a
        composition, or the drifts of a Runge–Kutta–Nyström splitting.
    order : int
    reference : str
    outer : tuple of float or None
        The outer sub-steps ``b_0..b_m`` (palindromic, sum 1) when the splitting has its own;
        None for a composition of a symmetric base step, whose outer sub-steps are the merged half
        weights (:attr:`outer_coefficients`).
    """

    name: str
    weights: tuple[float, ...]
    order: int
    reference: str = ""
    outer: tuple[float, ...] | None = None

    def __post_init__(self):
        for part in (self.weights, self.outer):
            if part is None:
                continue
            w = np.asarray(part)
            if abs(w.sum() - 1.0) > 1e-14 or not np.array_equal(w, w[::-1]):
                raise ValueError(f"{self.name}: coefficients must be palindromic and sum to 1")
        if self.outer is not None and len(self.outer) != len(self.weights) + 1:
            raise ValueError(f"{self.name}: needs one outer coefficient more than weights")

    @property
    def of_base_steps(self) -> bool:
        """Whether this is a composition of a symmetric base step (no outer coefficients of its
        own)."""
        return self.outer is None

    @property
    def outer_coefficients(self) -> tuple[float, ...]:
        """The ``m + 1`` outer sub-steps ``b_0..b_m`` (in units of ``h``) around the ``m`` inner
        ones."""
        if self.outer is not None:
            return self.outer
        w = self.weights
        mids = tuple(0.5 * (w[k] + w[k + 1]) for k in range(len(w) - 1))
        return (0.5 * w[0], *mids, 0.5 * w[-1])

    @property
    def merged_coefficient(self) -> float:
        """Outer sub-step joining two consecutive steps, ``b_m + b_0`` (``(w_m + w_1)/2`` for a
        composition of base steps)."""
        if self.outer is not None:
            return self.outer[-1] + self.outer[0]
        return 0.5 * (self.weights[-1] + self.weights[0])


def _yoshida4() -> Composition:
    """Yoshida's triple jump: ``w1 = 1/(2 - 2^(1/3))``, ``w0 = 1 - 2 w1`` (= ``-2^(1/3) w1``)."""
    w1 = 1.0 / (2.0 - 2.0 ** (1.0 / 3.0))
    w0 = 1.0 - 2.0 * w1
    return Composition(
        "yoshida4", (w1, w0, w1), 4, "Yoshida, Phys. Lett. A 150, 262 (1990), eq. (4.1)"
    )


def _yoshida6() -> Composition:
    """Yoshida's sixth-order "solution A", seven base steps ``(w3, w2, w1, w0, w1, w2, w3)``.

    ``w0 = 1 - 2 (w1 + w2 + w3)``; the digits are those of [HLW06], eq. (V.3.11) ("p6 s7").
    """
    w1 = -1.17767998417887100694641568096431573
    w2 = 0.235573213359358133684793182978534602
    w3 = 0.784513610477557263819497633866349876
    w0 = 1.0 - 2.0 * (w1 + w2 + w3)
    return Composition(
        "yoshida6a",
        (w3, w2, w1, w0, w1, w2, w3),
        6,
        "Yoshida, Phys. Lett. A 150, 262 (1990), Table 1, solution A",
    )


def _yoshida8() -> Composition:
    """Yoshida's eighth-order "solution A", fifteen base steps ``(w7, …, w1, w0, w1, …, w7)``.

    ``w0 = 1 - 2 (w1 + … + w7)``; the fifteen digits printed in [Yos90], Table 2 (they satisfy the
    order conditions to ~1e-12, far below any error measurable at order 8).
    """
    w = (
        -1.61582374150097,
        -2.44699182370524,
        -0.716989419708120e-2,
        2.44002732616735,
        0.157739928123617,
        1.82020630970714,
        1.04242620869991,
    )
    w0 = 1.0 - 2.0 * sum(w)
    return Composition(
        "yoshida8a",
        (*w[::-1], w0, *w),
        8,
        "Yoshida, Phys. Lett. A 150, 262 (1990), Table 2, solution A",
    )


def _blanes_moan4() -> Composition:
    """Blanes and Moan's optimised fourth-order RKN splitting "SRKN_6^b": six inner sub-steps
    (force evaluations of a kick–drift method) per step, with error coefficients far below those
    of the triple jump.

    The last outer coefficient and the middle inner pair follow from consistency
    (``Σ a = Σ b = 1``).
    """
    a1, a2 = 0.245298957184271, 0.604872665711080
    a3 = 0.5 - a1 - a2
    b1, b2, b3 = 0.0829844064174052, 0.396309801498368, -0.0390563049223486
    b4 = 1.0 - 2.0 * (b1 + b2 + b3)
    return Composition(
        "blanes_moan4",
        (a1, a2, a3, a3, a2, a1),
        4,
        "S. Blanes and P. C. Moan, J. Comput. Appl. Math. 142, 313 (2002), Table 3, SRKN_6^b",
        outer=(b1, b2, b3, b4, b3, b2, b1),
    )


STRANG = Composition("strang", (1.0,), 2, "Strang, SIAM J. Numer. Anal. 5, 506 (1968)")
YOSHIDA4 = _yoshida4()
YOSHIDA6 = _yoshida6()
YOSHIDA8 = _yoshida8()
BLANES_MOAN4 = _blanes_moan4()


@functools.cache
def kick_drift_stable_step(composition: Composition) -> float:
    """Largest ``x = hω`` such that the composition read as kicks (outer) and drifts (inner) is
    stable for ``q'' = −ω² q`` on all of ``(0, x)``: the step is a 2×2 matrix of determinant 1,
    stable while ``|trace| < 2``. Found by a scan in steps of 1e-3 and bisection to 1e-12."""

    def trace(x: float) -> float:
        m = np.eye(2)
        kicks, drifts = composition.outer_coefficients, composition.weights
        for k, kick in enumerate(kicks):
            m = np.array([[1.0, 0.0], [-kick * x, 1.0]]) @ m
            if k < len(drifts):
                m = np.array([[1.0, drifts[k] * x], [0.0, 1.0]]) @ m
        return float(np.trace(m))

    x = 1e-3
    while abs(trace(x)) < 2.0 and x < 100.0:
        x += 1e-3
    lo, hi = x - 1e-3, x
    while hi - lo > 1e-12:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if abs(trace(mid)) < 2.0 else (lo, mid)
    return lo
