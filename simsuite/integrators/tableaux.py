"""Butcher tableaux of the explicit Runge–Kutta methods, kept as data.

A method is a :class:`ButcherTableau`; the stepping logic that uses it lives once, in
:mod:`simsuite.integrators.dormand_prince` (adaptive) and :mod:`simsuite.integrators.rk4ip`
(fixed step).

Conventions
-----------
For an explicit ``s``-stage method applied to ``y' = f(y)`` over a step ``h``::

    k_i     = f(y_n + h * sum_{j<i} a[i, j] k_j),     stage time t_n + c[i] h,   i = 0 .. s-1
    y_{n+1} = y_n + h * sum_i b[i] k_i
    err     = h * sum_i e[i] k_i      (i = 0 .. s; k_s = f(y_{n+1}))

The error weights have ``s + 1`` entries: the last one multiplies the derivative at the new
solution, which is also the first stage of the next step ("first same as last", FSAL). It is
non-zero for Dormand–Prince 5(4), whose seventh stage is ``f(y_{n+1})``, and zero for DOP853, whose
estimators use the twelve stages of the step only.

References
----------
.. [DP80] J. R. Dormand and P. J. Prince, "A family of embedded Runge–Kutta formulae",
   J. Comput. Appl. Math. 6, 19–26 (1980).
.. [HNW93] E. Hairer, S. P. Nørsett and G. Wanner, *Solving Ordinary Differential Equations I:
   Nonstiff Problems*, 2nd ed., Springer (1993), Sec. II.5 and II.10; Fortran code DOP853 (version
   of 1996).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["ButcherTableau", "DOPRI5", "DOP853", "RK4", "TABLEAUX"]


def _readonly(x, shape: tuple[int, ...] | None = None) -> np.ndarray:
    arr = np.array(x, dtype=float)
    if shape is not None and arr.shape != shape:
        raise ValueError(f"expected shape {shape}, got {arr.shape}")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class ButcherTableau:
    """Coefficients of an explicit (embedded) Runge–Kutta method.

    Attributes
    ----------
    name : str
        Short name of the method.
    c : ndarray, shape (s,)
        Stage nodes (``c[0] == 0``).
    a : ndarray, shape (s, s)
        Strictly lower-triangular stage coefficients.
    b : ndarray, shape (s,)
        Weights of the propagated solution (order ``order``).
    e : ndarray, shape (s + 1,) or None
        Weights of the local error estimate, ``err = h * sum(e[i] k_i)``; ``e[s]`` multiplies
        ``f(y_{n+1})``. ``None`` for methods without an embedded estimator.
    e3 : ndarray, shape (s + 1,) or None
        Second, lower-order error estimator (DOP853's third-order one). When present the error norm
        is Hairer's combined estimate ``|err5|^2 / sqrt(|err5|^2 + 0.01 |err3|^2)``, where ``err5``
        is ``e``.
    order : int
        Order of the propagated solution.
    error_order : int or None
        Order of the error estimator: the controlled error behaves like ``h**(error_order + 1)``
        (scipy's ``error_estimator_order``).
    n_stages : int
        Number of stages ``s`` evaluated per step (excluding the FSAL evaluation at ``y_{n+1}``).
    """

    name: str
    c: np.ndarray
    a: np.ndarray
    b: np.ndarray
    e: np.ndarray | None
    order: int
    error_order: int | None
    n_stages: int
    e3: np.ndarray | None = None
    reference: str = field(default="", repr=False)

    def __post_init__(self):
        s = self.n_stages
        set_ = object.__setattr__
        set_(self, "c", _readonly(self.c, (s,)))
        set_(self, "a", _readonly(self.a, (s, s)))
        set_(self, "b", _readonly(self.b, (s,)))
        for name in ("e", "e3"):
            if getattr(self, name) is not None:
                set_(self, name, _readonly(getattr(self, name), (s + 1,)))
        if np.any(np.triu(self.a) != 0.0):
            raise ValueError(f"{self.name}: a must be strictly lower triangular (explicit method)")
        if self.c[0] != 0.0:
            raise ValueError(f"{self.name}: c[0] must be 0")

    @property
    def adaptive(self) -> bool:
        """Whether the tableau carries an embedded error estimator."""
        return self.e is not None

    @property
    def error_needs_last(self) -> bool:
        """Whether the error estimate uses ``f(y_{n+1})`` (so it is evaluated before accepting)."""
        return any(w is not None and w[-1] != 0.0 for w in (self.e, self.e3))


def _lower(rows: Sequence[Mapping[int, float]], s: int) -> np.ndarray:
    """Dense ``(s, s)`` matrix from sparse rows ``{j: a_ij}`` of the stages ``i = 1 .. s-1``."""
    a = np.zeros((s, s))
    for i, row in enumerate(rows, start=1):
        for j, value in row.items():
            a[i, j] = value
    return a


def _sparse(entries: Mapping[int, float], n: int) -> np.ndarray:
    v = np.zeros(n)
    for j, value in entries.items():
        v[j] = value
    return v


# -- classic Runge–Kutta, order 4 ------------------------------------------------------------------
RK4 = ButcherTableau(
    name="rk4",
    c=[0.0, 0.5, 0.5, 1.0],
    a=_lower([{0: 0.5}, {1: 0.5}, {2: 1.0}], 4),
    b=[1 / 6, 1 / 3, 1 / 3, 1 / 6],
    e=None,
    order=4,
    error_order=None,
    n_stages=4,
    reference="W. Kutta, Z. Math. Phys. 46, 435 (1901)",
)

# -- Dormand–Prince 5(4) [DP80], FSAL: the 7th stage is f(y_{n+1}) ---------------------------------
DOPRI5 = ButcherTableau(
    name="dopri5",
    c=[0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0],
    a=_lower(
        [
            {0: 1 / 5},
            {0: 3 / 40, 1: 9 / 40},
            {0: 44 / 45, 1: -56 / 15, 2: 32 / 9},
            {0: 19372 / 6561, 1: -25360 / 2187, 2: 64448 / 6561, 3: -212 / 729},
            {0: 9017 / 3168, 1: -355 / 33, 2: 46732 / 5247, 3: 49 / 176, 4: -5103 / 18656},
        ],
        6,
    ),
    b=[35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
    # b - b_hat, with b_hat the 4th-order weights (including the FSAL stage).
    e=[-71 / 57600, 0.0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40],
    order=5,
    error_order=4,
    n_stages=6,
    reference="Dormand & Prince, J. Comput. Appl. Math. 6, 19 (1980)",
)

# -- Dormand–Prince 8(5,3), Hairer's DOP853 coefficients [HNW93] -----------------------------------
_DOP853_C = [
    0.0,
    0.526001519587677318785587544488e-01,
    0.789002279381515978178381316732e-01,
    0.118350341907227396726757197510,
    0.281649658092772603273242802490,
    0.333333333333333333333333333333,
    0.25,
    0.307692307692307692307692307692,
    0.651282051282051282051282051282,
    0.6,
    0.857142857142857142857142857142,
    1.0,
]

_DOP853_A = [
    {0: 5.26001519587677318785587544488e-2},
    {0: 1.97250569845378994544595329183e-2, 1: 5.91751709536136983633785987549e-2},
    {0: 2.95875854768068491816892993775e-2, 2: 8.87627564304205475450678981324e-2},
    {
        0: 2.41365134159266685502369798665e-1,
        2: -8.84549479328286085344864962717e-1,
        3: 9.24834003261792003115737966543e-1,
    },
    {
        0: 3.7037037037037037037037037037e-2,
        3: 1.70828608729473871279604482173e-1,
        4: 1.25467687566822425016691814123e-1,
    },
    {
        0: 3.7109375e-2,
        3: 1.70252211019544039314978060272e-1,
        4: 6.02165389804559606850219397283e-2,
        5: -1.7578125e-2,
    },
    {
        0: 3.70920001185047927108779319836e-2,
        3: 1.70383925712239993810214054705e-1,
        4: 1.07262030446373284651809199168e-1,
        5: -1.53194377486244017527936158236e-2,
        6: 8.27378916381402288758473766002e-3,
    },
    {
        0: 6.24110958716075717114429577812e-1,
        3: -3.36089262944694129406857109825,
        4: -8.68219346841726006818189891453e-1,
        5: 2.75920996994467083049415600797e1,
        6: 2.01540675504778934086186788979e1,
        7: -4.34898841810699588477366255144e1,
    },
    {
        0: 4.77662536438264365890433908527e-1,
        3: -2.48811461997166764192642586468,
        4: -5.90290826836842996371446475743e-1,
        5: 2.12300514481811942347288949897e1,
        6: 1.52792336328824235832596922938e1,
        7: -3.32882109689848629194453265587e1,
        8: -2.03312017085086261358222928593e-2,
    },
    {
        0: -9.3714243008598732571704021658e-1,
        3: 5.18637242884406370830023853209,
        4: 1.09143734899672957818500254654,
        5: -8.14978701074692612513997267357,
        6: -1.85200656599969598641566180701e1,
        7: 2.27394870993505042818970056734e1,
        8: 2.49360555267965238987089396762,
        9: -3.0467644718982195003823669022,
    },
    {
        0: 2.27331014751653820792359768449,
        3: -1.05344954667372501984066689879e1,
        4: -2.00087205822486249909675718444,
        5: -1.79589318631187989172765950534e1,
        6: 2.79488845294199600508499808837e1,
        7: -2.85899827713502369474065508674,
        8: -8.87285693353062954433549289258,
        9: 1.23605671757943030647266201528e1,
        10: 6.43392746015763530355970484046e-1,
    },
]

_DOP853_B = {
    0: 5.42937341165687622380535766363e-2,
    5: 4.45031289275240888144113950566,
    6: 1.89151789931450038304281599044,
    7: -5.8012039600105847814672114227,
    8: 3.1116436695781989440891606237e-1,
    9: -1.52160949662516078556178806805e-1,
    10: 2.01365400804030348374776537501e-1,
    11: 4.47106157277725905176885569043e-2,
}

# Hairer's er1..er12: the fifth-order error estimator.
_DOP853_E5 = {
    0: 0.1312004499419488073250102996e-1,
    5: -0.1225156446376204440720569753e1,
    6: -0.4957589496572501915214079952,
    7: 0.1664377182454986536961530415e1,
    8: -0.3503288487499736816886487290,
    9: 0.3341791187130174790297318841,
    10: 0.8192320648511571246570742613e-1,
    11: -0.2235530786388629525884427845e-1,
}

# Hairer's bhh1..bhh3: a third-order solution using stages 1, 9 and 12; e3 = b - bhh.
_DOP853_BHH = {
    0: 0.244094488188976377952755905512,
    8: 0.733846688281611857341361741547,
    11: 0.220588235294117647058823529412e-1,
}


def _dop853() -> ButcherTableau:
    s = 12
    b = _sparse(_DOP853_B, s)
    e3 = np.zeros(s + 1)
    e3[:s] = b - _sparse(_DOP853_BHH, s)
    return ButcherTableau(
        name="dop853",
        c=_DOP853_C,
        a=_lower(_DOP853_A, s),
        b=b,
        e=_sparse(_DOP853_E5, s + 1),
        e3=e3,
        order=8,
        error_order=7,
        n_stages=s,
        reference="Hairer, Nørsett & Wanner, Solving ODEs I, Sec. II.10; code DOP853",
    )


DOP853 = _dop853()

TABLEAUX: dict[str, ButcherTableau] = {t.name: t for t in (RK4, DOPRI5, DOP853)}
