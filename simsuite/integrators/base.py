"""Model-independent time-stepping interface.

An integrator advances a *problem* — an object that supplies operators — from one time to another.
It never knows which equation it integrates. This module defines the problem protocol for semilinear
evolution equations, the integrator base class with its registry, and the bookkeeping shared by all
steppers.

Semilinear problems
-------------------
The spectral models are written as

.. math:: \\frac{du}{dt} = L u + N(u),

where ``u`` is the state in its spectral representation (e.g. the Fourier coefficients of ψ), ``L``
is diagonal in that representation (an array, e.g. ``-1j * k**2 / 2`` for the NLSE) and ``N`` is the
nonlinear part, evaluated pseudo-spectrally by the model. Splitting methods additionally need the
exact flow of ``du/dt = N(u)`` over a step, which the model provides as ``nonlinear_flow``.

A problem that can evaluate ``N`` inside compiled code declares it with one attribute, ``kernels``:
a :class:`SemilinearKernels` (or None). The integrators then compile their own loops around it
(:mod:`.compiled_lawson`, :mod:`.compiled_adams`); the model never learns which integrators exist.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from .jit_argument import JitArgument


@runtime_checkable
class SemilinearProblem(Protocol):
    """``du/dt = L u + N(u)`` with ``L`` diagonal in the state's representation.

    Attributes
    ----------
    linear : ndarray
        Diagonal of ``L``, same shape as the state (complex or real).
    """

    linear: np.ndarray
    #: Compiled ``N`` for the integrators' compiled loops, or None (Python loops only). A problem
    #: without the attribute counts as None.
    kernels: SemilinearKernels | None

    def nonlinear(self, u: np.ndarray) -> np.ndarray:
        """Return ``N(u)`` as a new array of the state's shape."""
        ...

    def nonlinear_flow(self, u: np.ndarray, h: float) -> np.ndarray:
        """Return the exact solution at time ``h`` of ``dw/dt = N(w)``, ``w(0) = u`` (splitting)."""
        ...

    def filter(self, u: np.ndarray) -> np.ndarray:
        """Apply the dealiasing filter to a state (identity when none is configured)."""
        ...


@dataclass(frozen=True)
class SemilinearKernels:
    """The compiled nonlinear part ``N`` of a semilinear problem, declared for compiled loops.

    Contract
    --------
    ``nonlinear_into(out, u, params) -> None``, a module-level numba-jitted function
    (``@numba.njit(cache=True)``; a compiled loop takes it as an argument, as
    :attr:`nonlinear_arg`, and calls it in nopython mode):

    * computes ``out = N(u)``, exactly what the problem's ``nonlinear(u)`` returns (the same
      arithmetic in the same order, so that compiled and Python loops agree bit for bit where they
      evaluate ``N`` alike), any dealiasing mask included;
    * ``u`` and ``out`` are 1-D C-contiguous complex128 arrays of the state's size ``n``; ``u`` is
      only read and may be the same array as ``out`` (in place); no allocation, nothing returned;
    * ``params`` is :attr:`params`, passed through unchanged: the constants and work buffers the
      kernel needs (e.g. the nonlinearity, FFT plans and their buffers, a mask), a tuple that numba
      can type (arrays, floats, ints). The kernel may overwrite buffers held in ``params`` but no
      other state, so that calls are independent of each other.

    ``buffer``, optional: a 1-D complex128 array of size ``n`` in which the kernel works anyway
    (e.g. an FFT plan's input and output). A caller may assemble its argument there and pass it as
    ``u``, and/or pass it as ``out``: the kernel then skips the copy in or out. Its content is lost
    at the next call.

    Compiled loops use these kernels for 1-D complex states only; other states take the Python
    loops.
    """

    nonlinear_into: Any
    params: tuple
    buffer: np.ndarray | None = None
    #: :attr:`nonlinear_into` as the compiled loops take it (:class:`JitArgument`)
    nonlinear_arg: JitArgument = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "nonlinear_arg", JitArgument(self.nonlinear_into))

    def work_array(self, size: int) -> np.ndarray:
        """:attr:`buffer`, or a new array of ``size`` complex numbers when there is none."""
        return self.buffer if self.buffer is not None else np.empty(size, complex)


def semilinear_kernels(problem) -> SemilinearKernels | None:
    """The problem's declared :class:`SemilinearKernels`, None when it declares none."""
    kernels = getattr(problem, "kernels", None)
    return kernels if isinstance(kernels, SemilinearKernels) else None


class IntegrationError(RuntimeError):
    """The integration cannot continue (non-finite state, step-size underflow, too many steps)."""

    def __init__(self, message: str, t: float, step: int, hint: str = ""):
        super().__init__(message)
        self.t = t
        self.step = step
        self.hint = hint


class Interrupted(Exception):
    """``advance`` stopped between two steps because its ``should_stop()`` returned true.

    The state reached is not returned: ``t`` lies inside the interval being crossed, and what a
    stepper carries to its next call (a history of N, a force kept for the next step) is dropped
    or, for an adaptive method's step size, is that of the time reached. A run continues from its
    last checkpoint instead (the runner writes none after an interruption).

    Attributes
    ----------
    t : float
        Time reached (after the last step taken).
    step : int
        Steps taken in total (``stats.n_steps``) when it stopped.
    """

    def __init__(self, message: str, t: float, step: int):
        super().__init__(message)
        self.t = t
        self.step = step


#: ``should_stop`` of :meth:`Integrator.advance`: asked between steps, true to stop there.
StopCheck = Callable[[], bool]

#: Wall time a block of compiled steps is sized to take between two ``should_stop`` checks.
BLOCK_SECONDS = 0.1


def step_blocks(n: int, should_stop: StopCheck | None, multiple: int = 1) -> Iterator[int]:
    """The sizes of consecutive blocks of ``n`` steps that a compiled loop runs between two
    ``should_stop`` checks: one block of ``n`` without ``should_stop``, else blocks sized from the
    time the previous one took so that each takes about :data:`BLOCK_SECONDS` (the first block is
    ``multiple`` steps; every block but the last a multiple of ``multiple``).

    The caller runs each block before asking for the next; the time between the two requests is
    the block's duration. Running the same steps in blocks must give the same numbers as running
    them at once (the caller's business: its compiled loop resumes where the last block ended).
    """
    if should_stop is None:
        if n > 0:
            yield n
        return
    multiple = max(1, int(multiple))
    size, done = multiple, 0
    while done < n:
        count = min(size, n - done)
        started = time.perf_counter()
        yield count
        elapsed = time.perf_counter() - started
        done += count
        # towards BLOCK_SECONDS, growing at most eightfold per block (a first block can be fast
        # for reasons that do not last, e.g. a state still small)
        want = count * BLOCK_SECONDS / max(elapsed, 1e-6)
        size = max(multiple, int(min(want, 8 * count) // multiple) * multiple)


@dataclass
class IntegratorStats:
    """Counters accumulated over a run."""

    n_steps: int = 0
    n_rejected: int = 0
    n_rhs: int = 0
    last_dt: float = float("nan")


class Integrator:
    """Base class of every time stepper; subclasses register themselves by ``name``.

    Parameters
    ----------
    problem
        The object supplying the operators (see the module docstring).
    dt : float
        Fixed step (fixed-step methods) or initial step (adaptive methods; ``<= 0`` chooses one).
    rtol, atol : float
        Tolerances of adaptive methods; ignored by fixed-step methods.

    Notes
    -----
    ``advance(u, t, t_target)`` returns ``(u_new, t_target)`` and lands exactly on ``t_target``.
    Fixed-step methods divide ``[t, t_target]`` into ``ceil((t_target - t) / dt)`` equal steps, so
    the step actually taken never exceeds ``dt``.
    """

    name: ClassVar[str] = ""
    problem_kind: ClassVar[str] = "semilinear"
    adaptive: ClassVar[bool] = False
    order: ClassVar[int] = 0
    description: ClassVar[str] = ""

    registry: ClassVar[dict[str, type[Integrator]]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.name:
            Integrator.registry[cls.name] = cls

    def __init__(self, problem, dt: float, rtol: float = 1e-9, atol: float = 1e-11, **options):
        self.problem = problem
        self.dt = float(dt)
        self.rtol = float(rtol)
        self.atol = float(atol)
        self.options = options
        self.stats = IntegratorStats()

    def advance(
        self, u: np.ndarray, t: float, t_target: float, should_stop: StopCheck | None = None
    ) -> tuple[np.ndarray, float]:
        """Advance ``u`` from ``t`` to exactly ``t_target``; return ``(u_new, t_target)``.

        ``should_stop``, when given, is called between steps (compiled loops: between blocks of
        steps taking about :data:`BLOCK_SECONDS`); when it returns true the call raises
        :class:`Interrupted`. Asking it changes no number: the same steps are taken in the same
        order.
        """
        raise NotImplementedError  # pragma: no cover - abstract

    def _interrupted(self, t: float) -> Interrupted:
        """The exception for a stop requested by ``should_stop`` at time ``t``."""
        return Interrupted(
            f"{self.name}: stopped on request at t = {t:.17g}, after step {self.stats.n_steps}",
            t,
            self.stats.n_steps,
        )

    def _blow_up(self, t: float) -> IntegrationError:
        """The error for a state found non-finite at time ``t`` (checked every
        :data:`CHECK_EVERY` steps of the fixed-step methods, and at every output time)."""
        return IntegrationError(
            f"{self.name}: non-finite state (NaN or inf) at t = {t:.17g}, after step "
            f"{self.stats.n_steps}",
            t,
            self.stats.n_steps,
            FAILURE_HINT,
        )

    # -- memory ------------------------------------------------------------------------------------
    @classmethod
    def memory_arrays(
        cls, size: int, *, linear: bool = True, compiled: bool = False
    ) -> dict[str, float]:
        """Arrays of the state's size the stepper holds at its peak, by what they are, for a state
        of ``size`` elements whose problem has a non-zero linear part (``linear``) and may run
        compiled steps (``compiled``): the run's memory estimate (:mod:`simsuite.memory`), made
        before anything is allocated. This default: the state in and out and two temporaries."""
        return {"integrator work arrays": 4.0}

    # -- restart -----------------------------------------------------------------------------------
    def checkpoint_state(self) -> dict[str, Any]:
        """What the stepper carries from one ``advance`` call to the next (JSON-serialisable), so
        that a restarted run takes the same steps; fixed-step methods carry nothing."""
        return {}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        """Take back what :meth:`checkpoint_state` returned."""

    # -- helpers shared by fixed-step methods ------------------------------------------------------
    def _equal_steps(self, t: float, t_target: float) -> tuple[int, float]:
        """Number of equal steps of size ``<= dt`` covering ``[t, t_target]`` and their size."""
        span = t_target - t
        if span <= 0.0:
            return 0, 0.0
        n = max(1, int(np.ceil(span / self.dt * (1.0 - 1e-12))))
        return n, span / n

    def _fixed_steps(self, t: float, t_target: float) -> tuple[int, float]:
        """Validated ``(n, h)`` of :meth:`_equal_steps`: rejects going backwards and more than
        ``self.max_steps`` steps with an :class:`IntegrationError` naming time and step."""
        if t_target < t:
            raise ValueError(f"t_target = {t_target} lies before t = {t}")
        n, h = self._equal_steps(t, t_target)
        max_steps = getattr(self, "max_steps", None)
        if max_steps is not None and n > max_steps:
            raise IntegrationError(
                f"{self.name}: {n} steps of dt = {self.dt:g} needed from t = {t:.17g} to "
                f"{t_target:.17g}, more than max_steps = {max_steps}; hint: {FAILURE_HINT}",
                t,
                self.stats.n_steps,
                FAILURE_HINT,
            )
        return n, h


def get_integrator(name: str) -> type[Integrator]:
    """Return the integrator class registered under ``name``."""
    try:
        return Integrator.registry[name]
    except KeyError:
        known = ", ".join(sorted(Integrator.registry))
        raise KeyError(f"unknown integrator {name!r}; known: {known}") from None


def integrators_for(problem_kind: str) -> list[str]:
    """Names of registered integrators that accept problems of ``problem_kind``."""
    return sorted(n for n, c in Integrator.registry.items() if c.problem_kind == problem_kind)


class PropagatorCache:
    """Arrays derived from ``exp(L τ)`` for the last few step sizes, built on demand.

    Computing ``exp(L c h)`` costs transcendental functions per element, more than a right-hand side
    on small grids, so steppers keep them for the step sizes they reuse (the held step of an
    adaptive method, the equal steps of a fixed-step method, the landing step before an output
    time).

    Parameters
    ----------
    build : callable
        ``build(h)`` returns whatever the stepper needs for step ``h``.
    maxsize : int
        Number of step sizes kept (least recently used ones are dropped).

    Notes
    -----
    A step size within a few ulps (of the times involved) of a cached one is *snapped* to it: steps
    computed as ``t_target - t`` differ by round-off from call to call, and the time error of
    reusing the cached propagators is of the same size as the round-off in ``t`` itself.
    """

    def __init__(self, build, maxsize: int = 2):
        self._build = build
        self.maxsize = int(maxsize)
        self._entries: list[tuple[float, object]] = []
        self.n_builds = 0

    def get(self, h: float, time_scale: float = 0.0) -> tuple[float, object]:
        """Return ``(h_used, value)``; ``h_used`` is ``h`` or a cached step within round-off."""
        tol = 8.0 * np.finfo(float).eps * max(abs(time_scale), abs(h))
        for i, (key, value) in enumerate(self._entries):
            if abs(key - h) <= tol:
                if i:
                    self._entries.insert(0, self._entries.pop(i))
                return key, value
        # drop the least recently used entries first, so that building never holds more than
        # ``maxsize`` sets at once (the memory estimate counts ``maxsize``)
        del self._entries[max(self.maxsize - 1, 0) :]
        value = self._build(h)
        self.n_builds += 1
        self._entries.insert(0, (h, value))
        return h, value

    def clear(self) -> None:
        self._entries.clear()

    def keys(self) -> list[float]:
        """The cached step sizes, most recently used first (for a restart checkpoint)."""
        return [key for key, _ in self._entries]

    def warm(self, keys: list[float]) -> None:
        """Build the entries for ``keys`` (as :meth:`keys` returned them), so that a restarted run
        snaps its steps to exactly the sizes the interrupted one was using."""
        for h in reversed(keys):
            if all(key != h for key, _ in self._entries):
                self._entries.insert(0, (h, self._build(h)))
                self.n_builds += 1
        del self._entries[self.maxsize :]


def check_options(cls_name: str, options: dict, allowed: dict) -> dict:
    """Merge ``options`` into the defaults ``allowed``; unknown keys raise ``TypeError``."""
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise TypeError(f"{cls_name}: unknown option(s) {', '.join(unknown)}; known: {known}")
    return {**allowed, **options}


def wants_filter(problem) -> bool:
    """Whether the problem asks for its dealiasing filter after every accepted step."""
    return bool(getattr(problem, "filter_each_step", False))


FAILURE_HINT = "reduce dt, enable dealiasing or raise n_points"


#: Steps between the cheap non-finite checks (one sum over the state) of fixed-step methods.
CHECK_EVERY = 64
