"""FFTW plans that numba-compiled loops execute themselves, with no Python between transforms.

A Klein–Gordon force is one real transform pair plus a few passes over the grid, an NLSE
right-hand side one complex pair and one pass. Called from Python, each evaluation also pays the
interpreter: method calls, the dispatch into each numba kernel, pyFFTW's ``execute`` and the
temporary arrays, which costs more than the transform pair itself at n = 512–1024. A loop of
many steps compiled as a whole removes that overhead, but it must be able to run the
transforms: numba cannot call pyFFTW objects, so this module plans FFTW itself (through ``ctypes``,
on the very library pyFFTW ships and has loaded) and gives compiled code the two integers it needs
to run a plan, the address of ``fftw_execute`` and the plan pointer (:func:`execute`):
:class:`RealPlan` for the real fields of :mod:`simsuite.models.klein_gordon.kernels`, :class:`ComplexPlan`
for :mod:`simsuite.models.nlse.kernels`.

Plans are made with FFTW_ESTIMATE on aligned buffers (as :mod:`simsuite.spectral.fft` does), so the
algorithm, and with it every bit of the result, is the same in every process, and single-threaded
(the lengths these loops serve are far below the length at which threads pay off). Each plan object
owns its buffers: the compiled loops write the input buffer, execute, and read the output buffer.

When no FFTW library can be found (pyFFTW missing, or built against a library that cannot be
located) :func:`available` is False and callers keep their Python paths.

References
----------
.. [FJ05] M. Frigo and S. G. Johnson, "The design and implementation of FFTW3", Proc. IEEE 93,
   216–231 (2005); the FFTW 3 manual, "Thread safety".
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import glob
import os
import threading

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

__all__ = ["available", "execute", "execute_pairs", "ComplexPlan", "RealPlan"]

_FFTW_ESTIMATE = 1 << 6
_FFTW_DESTROY_INPUT = 1
_FFTW_FORWARD, _FFTW_BACKWARD = -1, 1
_ALIGNMENT = 64  # bytes; at least what any SIMD width of FFTW needs
# FFTW's planner is not thread-safe (its execute functions are): plans are made under this lock
_PLAN_LOCK = threading.Lock()


@intrinsic
def execute(typingctx, function, plan):
    """Compiled code only: run the FFTW plan ``plan`` through ``fftw_execute`` at address
    ``function`` (both integers, from a plan object's ``execute_address`` and one of its plan
    pointers, e.g. :attr:`RealPlan.r2c` or :attr:`ComplexPlan.forward`). As arguments, not
    constants, they keep the calling kernel cacheable."""

    def codegen(context, builder, signature, args):
        void_ptr = ir.IntType(8).as_pointer()
        fn_type = ir.FunctionType(ir.VoidType(), [void_ptr])
        fn = builder.inttoptr(args[0], fn_type.as_pointer())
        builder.call(fn, [builder.inttoptr(args[1], void_ptr)])
        return context.get_dummy_value()

    return types.void(types.intp, types.intp), codegen


@numba.njit(cache=True)
def execute_pairs(function: int, first: int, second: int, calls: int) -> None:
    """Run the plans ``first`` then ``second`` ``calls`` times (a transform pair's cost, as
    compiled loops pay it; for benchmarks)."""
    for _ in range(calls):
        execute(function, first)
        execute(function, second)


def _library_candidates() -> list[str]:
    """Paths of a double-precision FFTW: the copy inside pyFFTW's wheel first (already loaded by
    pyFFTW, so one planner serves both), then the system's."""
    paths = []
    try:
        import pyfftw
    except ImportError:
        pyfftw = None
    if pyfftw is not None:
        site = os.path.dirname(os.path.dirname(pyfftw.__file__))
        paths += sorted(glob.glob(os.path.join(site, "pyfftw.libs", "libfftw3-*.so*")))
    system = ctypes.util.find_library("fftw3")
    if system:
        paths.append(system)
    return paths


class _Library:
    """The ctypes bindings this module uses."""

    def __init__(self, path: str):
        lib = ctypes.CDLL(path)
        self.path = path
        for name, args in (
            (
                "fftw_plan_dft_r2c_1d",
                [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint],
            ),
            (
                "fftw_plan_dft_c2r_1d",
                [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint],
            ),
            (
                "fftw_plan_dft_1d",
                [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_uint],
            ),
        ):
            function = getattr(lib, name)
            function.restype, function.argtypes = ctypes.c_void_p, args
            setattr(self, name, function)
        lib.fftw_destroy_plan.restype, lib.fftw_destroy_plan.argtypes = None, [ctypes.c_void_p]
        self.destroy = lib.fftw_destroy_plan
        self.execute_address = ctypes.cast(lib.fftw_execute, ctypes.c_void_p).value
        self._threads = self._thread_setter(path)

    @staticmethod
    def _thread_setter(path: str):
        """``fftw_plan_with_nthreads`` of the threads library beside ``path``, if one is loaded:
        pyFFTW sets the planner's thread count per plan, and it is global state."""
        folder = os.path.dirname(path)
        for candidate in sorted(glob.glob(os.path.join(folder, "libfftw3_omp-*.so*"))) + sorted(
            glob.glob(os.path.join(folder, "libfftw3_threads-*.so*"))
        ):
            try:
                setter = ctypes.CDLL(candidate).fftw_plan_with_nthreads
            except (OSError, AttributeError):
                continue
            setter.restype, setter.argtypes = None, [ctypes.c_int]
            return setter
        return None

    def single_threaded(self) -> None:
        if self._threads is not None:
            self._threads(1)


@functools.cache
def _library() -> _Library | None:
    for path in _library_candidates():
        try:
            return _Library(path)
        except (OSError, AttributeError):
            continue
    return None


def available() -> bool:
    """Whether FFTW plans can be made for compiled loops."""
    return _library() is not None


def _aligned(n: int, dtype) -> np.ndarray:
    """A zeroed array of ``n`` elements whose data start on a ``_ALIGNMENT``-byte boundary."""
    dtype = np.dtype(dtype)
    raw = np.zeros(n * dtype.itemsize + _ALIGNMENT, dtype=np.uint8)
    start = -raw.ctypes.data % _ALIGNMENT
    return raw[start : start + n * dtype.itemsize].view(dtype)


class _Plans:
    """Owner of FFTW plans: destroys them with the object; a copy or unpickled object re-plans."""

    def __init__(self, n: int):
        lib = _library()
        if lib is None:
            raise RuntimeError("no FFTW library found (python -m pip install pyfftw)")
        self.n = int(n)
        self._lib = lib
        self.execute_address = lib.execute_address
        self._owned: list[int] = []

    def _plan(self, maker, *args) -> int:
        with _PLAN_LOCK:
            self._lib.single_threaded()
            plan = maker(*args)
        if not plan:
            raise RuntimeError(f"FFTW could not plan a transform of length {self.n}")
        self._owned.append(plan)
        return plan

    def __del__(self):
        for plan in getattr(self, "_owned", ()):
            self._lib.destroy(plan)
        self._owned = []

    def __getstate__(self) -> dict:
        return {"n": self.n}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["n"])


class RealPlan(_Plans):
    """``rfft`` (``r2c``: :attr:`real` → :attr:`modes`) and unnormalised ``irfft``
    (``c2r``: :attr:`modes` → :attr:`real`, ``n`` times ``irfft``; it may overwrite
    :attr:`modes`) of length ``n``.

    Attributes
    ----------
    real : ndarray of float64, shape (n,)
    modes : ndarray of complex128, shape (n // 2 + 1,)
    r2c, c2r : int
        Plan pointers, for :func:`execute`.
    execute_address : int
        Address of ``fftw_execute``, for :func:`execute`.
    args : tuple
        ``(real, modes, execute_address, r2c, c2r)``.

    Hold the plan object, not copies of its pointers: a copy or an unpickled plan plans anew,
    and the old pointers are invalid once it is gone.
    """

    def __init__(self, n: int):
        super().__init__(n)
        self.real = _aligned(self.n, np.float64)
        self.modes = _aligned(self.n // 2 + 1, np.complex128)
        lib, real, modes = self._lib, self.real.ctypes.data, self.modes.ctypes.data
        self.r2c = self._plan(lib.fftw_plan_dft_r2c_1d, self.n, real, modes, _FFTW_ESTIMATE)
        self.c2r = self._plan(
            lib.fftw_plan_dft_c2r_1d, self.n, modes, real, _FFTW_ESTIMATE | _FFTW_DESTROY_INPUT
        )
        #: what the kernels take: (real, modes, execute_address, r2c, c2r)
        self.args = (self.real, self.modes, self.execute_address, self.r2c, self.c2r)


class ComplexPlan(_Plans):
    """Complex ``fft`` (``forward``: :attr:`physical` → :attr:`spectral`) and unnormalised
    ``ifft`` (``backward``: :attr:`spectral` → :attr:`physical`, ``n`` times ``ifft``) of length
    ``n``, out of place; neither overwrites its input.

    Attributes
    ----------
    spectral, physical : ndarray of complex128, shape (n,)
    forward, backward : int
        Plan pointers, for :func:`execute`.
    execute_address : int
        Address of ``fftw_execute``, for :func:`execute`.
    args : tuple
        ``(spectral, physical, execute_address, forward, backward)``.

    As for :class:`RealPlan`, hold the plan object, not copies of its pointers.
    """

    def __init__(self, n: int):
        super().__init__(n)
        self.spectral = _aligned(self.n, np.complex128)
        self.physical = _aligned(self.n, np.complex128)
        lib = self._lib
        spectral, physical = self.spectral.ctypes.data, self.physical.ctypes.data
        self.forward = self._plan(
            lib.fftw_plan_dft_1d, self.n, physical, spectral, _FFTW_FORWARD, _FFTW_ESTIMATE
        )
        self.backward = self._plan(
            lib.fftw_plan_dft_1d, self.n, spectral, physical, _FFTW_BACKWARD, _FFTW_ESTIMATE
        )
        #: what the kernels take: (spectral, physical, execute_address, forward, backward)
        self.args = (
            self.spectral,
            self.physical,
            self.execute_address,
            self.forward,
            self.backward,
        )
