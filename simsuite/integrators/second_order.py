"""What a second-order problem ``q'' = a(q)`` offers the kick–drift integrators: the operators
(:class:`SecondOrderProblem`, :class:`ExponentialSecondOrderProblem`, :class:`ModalSecondOrderProblem`)
and, optionally, compiled kernels (:class:`KickDriftKernels`) from which the integrators build
compiled loops of whole steps (:mod:`~simsuite.integrators.compiled_kick_drift`).

The integrator state is one real array ``u`` of shape ``(2, *shape)`` with ``u[0] = q`` and
``u[1] = p = q'``. The exponential methods also need the split ``a(q) = A q + g(q)`` into a linear
part ``A`` (e.g. ``∂_xx − m²``), whose exact flow the problem provides, and a remainder ``g``.

A problem declares its compiled kernels in one attribute, ``kernels``: a :class:`KickDriftKernels`
or None (an absent attribute counts as None). The integrators test its type, never the presence of
single methods.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .jit_argument import JitArgument

__all__ = [
    "SecondOrderProblem",
    "ExponentialSecondOrderProblem",
    "ModalSecondOrderProblem",
    "KickDriftKernels",
    "ModalKernels",
    "kick_drift_kernels",
]


@runtime_checkable
class SecondOrderProblem(Protocol):
    """``q'' = a(q)`` for a real ``q`` of any shape; the state is ``u = (q, q')``, shape ``(2, *shape)``.

    Attributes
    ----------
    max_frequency : float
        Largest frequency ``ω`` of the linearised problem (e.g. ``sqrt(k_max² + max V'')``); used to
        refuse unstable steps. Optional: without it no check is made.
    kernels : KickDriftKernels or None
        Compiled kernels of the problem, for loops of whole steps in compiled code. Optional:
        without it (or None) the integrators call the methods below once per sub-step.
    """

    max_frequency: float

    def acceleration(self, q: np.ndarray) -> np.ndarray:
        """Return ``a(q)`` as a new array of ``q``'s shape."""
        ...


@runtime_checkable
class ExponentialSecondOrderProblem(SecondOrderProblem, Protocol):
    """A :class:`SecondOrderProblem` split as ``a(q) = A q + g(q)`` for the exponential methods."""

    def linear_flow(self, q: np.ndarray, p: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
        """Exact flow over time ``h`` (of either sign) of ``q'' = A q``: new arrays ``(q, p)``."""
        ...

    def remainder(self, q: np.ndarray) -> np.ndarray:
        """Return ``g(q) = a(q) - A q`` as a new array."""
        ...


@runtime_checkable
class ModalSecondOrderProblem(ExponentialSecondOrderProblem, Protocol):
    """An :class:`ExponentialSecondOrderProblem` whose linear part ``A`` is diagonal in a modal
    basis (e.g. Fourier modes): the exponential methods then keep the state as mode coefficients
    ``(a, b)`` of ``(q − q_ref, p)`` between kicks, so that a sub-step costs one transform pair
    (for the remainder) instead of three."""

    def to_modal(self, q: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mode coefficients ``(a, b)`` of ``q − q_ref`` and ``p`` (new arrays)."""
        ...

    def from_modal(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(q, p)`` from their mode coefficients (``q_ref`` added back; new arrays)."""
        ...

    def modal_remainder(self, a: np.ndarray) -> np.ndarray:
        """Modes of ``g(q)`` for ``q`` with modes ``a`` (a new array)."""
        ...

    def modal_kick_flow(self, a: np.ndarray, b: np.ndarray, g: np.ndarray, c: float, h: float):
        """In place, the kick ``b ← b + c g`` followed by the exact flow over ``h`` of
        ``q'' = A q`` on the modes."""
        ...


@dataclass(frozen=True)
class ModalKernels:
    """Compiled modal pieces of an exponential second-order problem (see
    :class:`ModalSecondOrderProblem`), for the exponential kick–drift loops.

    The functions are kernels as :attr:`KickDriftKernels.force_into` is (numba-jitted, returning
    nothing, writing their first arguments in place); ``params`` is :attr:`KickDriftKernels.params`.
    Rows are 1-D, C-contiguous: ``q``, ``p`` float64 of the grid, ``a``, ``b``, ``g`` complex128 of
    the modes.

    Attributes
    ----------
    modes_into : numba function
        ``modes_into(a, b, q, p, params)``: ``a``, ``b`` ← the modes of ``q − q_ref`` and ``p``.
    fields_into : numba function
        ``fields_into(q, p, a, b, params)``: ``q``, ``p`` ← the grid values of the modes ``a``
        (``q_ref`` added back) and ``b``.
    remainder_into : numba function
        ``remainder_into(g, a, params)``: ``g`` ← the modes of the remainder ``g(q)`` for ``q``
        with modes ``a``.
    flow_factors : callable
        ``flow_factors(drifts)`` for a tuple of drift times ``τ_1..τ_m``: three C-contiguous
        float64 arrays of shape ``(m, modes)``, row ``k`` holding ``cos ωτ_k``, ``sin(ωτ_k)/ω``
        and ``−ω sin ωτ_k`` per mode (``ω² = −A``), the exact flow of ``q'' = A q``.
    """

    modes_into: Any
    fields_into: Any
    remainder_into: Any
    flow_factors: Callable[[tuple[float, ...]], tuple[np.ndarray, np.ndarray, np.ndarray]]
    #: the three kernels as the compiled loops take them (:class:`~.jit_argument.JitArgument`)
    modes_arg: JitArgument = field(init=False, repr=False, compare=False)
    fields_arg: JitArgument = field(init=False, repr=False, compare=False)
    remainder_arg: JitArgument = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "modes_arg", JitArgument(self.modes_into))
        object.__setattr__(self, "fields_arg", JitArgument(self.fields_into))
        object.__setattr__(self, "remainder_arg", JitArgument(self.remainder_into))


@dataclass(frozen=True)
class KickDriftKernels:
    """Compiled kernels a second-order problem offers the kick–drift integrators.

    The integrators close their compiled loops over these (they pass them as arguments); the
    problem never sees the loops, and every integrator built on them works with every problem that
    offers them. A kernel must do exactly the operations of the problem's Python methods, in the
    same order, so that both paths give the same numbers.

    Attributes
    ----------
    force_into : numba function
        ``force_into(out, q, params)``: ``out`` ← ``a(q)`` as :meth:`SecondOrderProblem.acceleration`
        computes it, for 1-D C-contiguous float64 rows ``out`` and ``q`` (``out`` is not ``q``).
        A module-level ``numba.njit`` function (``cache=True`` keeps it across processes),
        returning nothing: the loops take it as an argument, as :attr:`force_arg`
        (:class:`~simsuite.integrators.jit_argument.JitArgument`), and call it directly.
    params : tuple
        Everything the kernels read besides their array arguments (constant arrays, numbers, work
        buffers, FFT plan pointers), passed unchanged as their last argument. Valid for the
        problem's lifetime in this process only: read it again after pickling.
    modal : ModalKernels or None
        The exponential methods' modal pieces, when the problem offers them.
    """

    force_into: Any
    params: tuple
    modal: ModalKernels | None = None
    #: :attr:`force_into` as the compiled loops take it (:class:`~.jit_argument.JitArgument`)
    force_arg: JitArgument = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "force_arg", JitArgument(self.force_into))


def kick_drift_kernels(problem) -> KickDriftKernels | None:
    """The problem's declared ``kernels`` when they are :class:`KickDriftKernels`, else None."""
    kernels = getattr(problem, "kernels", None)
    return kernels if isinstance(kernels, KickDriftKernels) else None
