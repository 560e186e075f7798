"""Planned complex FFTs for the hot loops: FFTW through pyFFTW, or scipy.fft.

A right-hand side such as the NLSE's ``N(ψ̂) = FFT(i g |ψ|² ψ)`` is two transforms of one fixed
length, called hundreds of thousands of times. FFTW with a measured plan (Frigo and Johnson 2005)
does such a transform pair several times faster than ``scipy.fft`` on one thread at n = 512–2048
(docs/benchmarks.md gives the measured ratio), so :class:`ComplexFFT` uses it when
pyFFTW can be imported and ``scipy.fft`` otherwise (or when asked).

Plans are made with FFTW_ESTIMATE by default: the algorithm is then chosen by FFTW's cost model, the
same in every process, so that a run restarted from a checkpoint, or repeated, reproduces every bit.
``fftw_measure`` times candidate algorithms instead (FFTW_MEASURE), which pays off on large grids
(n ≳ 8192), but the choice, and so the last bits of the results, can differ from one process to
the next.

The plan owns two aligned buffers: ``backward(u_hat)`` copies the spectrum into one and leaves
``n · ifft(u_hat)`` (FFTW's unnormalised inverse) in the other, which the caller may change in place;
``forward()`` then transforms that buffer back. The scale ``1/n`` of the inverse is left to the
caller (:attr:`ComplexFFT.inverse_scale`), who can fold it into the pointwise work it does anyway.

References
----------
.. [FJ05] M. Frigo and S. G. Johnson, "The design and implementation of FFTW3", Proc. IEEE 93,
   216–231 (2005).
"""

from __future__ import annotations

import os

import numpy as np
import scipy.fft as sfft

#: OpenMP threads spin on a core for a while after each parallel region (GNU libgomp: 300000
#: spins) before they sleep. FFTW's threads (pyFFTW's own libgomp) and numba's parallel kernels
#: (another libgomp) take turns in every step of an N-D run, so each pool's spinning held a core
#: the other needed: 2 threads gave 1.04x at 512^2 and 1.45x at 128^3, 1.58x and 1.64x with
#: GOMP_SPINCOUNT=0 (docs/benchmarks.md). Set before pyFFTW loads its libgomp; a value the user
#: set is kept.
os.environ.setdefault("GOMP_SPINCOUNT", "0")

try:  # pragma: no cover - depends on the installation
    import pyfftw
except ImportError:  # pragma: no cover
    pyfftw = None

__all__ = ["FFT_BACKENDS", "ComplexFFT", "RealFFT", "fftw_available", "resolve_backend"]

FFT_BACKENDS = ("auto", "fftw", "fftw_measure", "scipy")

#: Largest length planned with FFTW_MEASURE (longer ones use FFTW_ESTIMATE: measuring takes seconds).
MEASURE_LIMIT = 2**16
#: Shortest length transformed with several threads: below it, waking the threads costs more than
#: the transform (and oversubscribed cores, as under pytest-xdist or Dask, make it far worse).
THREADS_FROM = 2**15


def fftw_available() -> bool:
    """Whether pyFFTW could be imported."""
    return pyfftw is not None


def resolve_backend(name: str) -> str:
    """``"fftw"``, ``"fftw_measure"`` or ``"scipy"`` for a ``run.fft`` setting (``"auto"``: FFTW
    when available)."""
    if name not in FFT_BACKENDS:
        raise ValueError(f"unknown FFT backend {name!r}; known: {', '.join(FFT_BACKENDS)}")
    if name == "auto":
        return "fftw" if fftw_available() else "scipy"
    if name.startswith("fftw") and not fftw_available():
        raise ValueError(f"FFT backend {name!r} needs pyFFTW (python -m pip install pyfftw)")
    return name


def fftw_options(n: int, workers: int, backend: str) -> dict:
    """Planner flags and threads for an FFTW plan of ``n`` points in all (see the module docstring)."""
    measure = backend == "fftw_measure" and n <= MEASURE_LIMIT
    return {
        "flags": ("FFTW_MEASURE",) if measure else ("FFTW_ESTIMATE",),
        "threads": workers if n >= THREADS_FROM else 1,
    }


class ComplexFFT:
    """A forward/backward pair of complex FFTs of length ``n`` with their own buffers.

    Parameters
    ----------
    n : int
        Transform length.
    workers : int
        Threads of the transforms.
    backend : {"auto", "fftw", "fftw_measure", "scipy"}

    Attributes
    ----------
    inverse_scale : float
        Factor turning :meth:`backward`'s result into ``ifft(u_hat)`` (``1/n`` for FFTW, 1 for
        scipy, whose inverse is normalised).
    """

    def __init__(self, n: int, workers: int = 1, backend: str = "auto"):
        self.n = int(n)
        self.workers = int(workers)
        self.backend = resolve_backend(backend)
        if self.backend.startswith("fftw"):
            options = fftw_options(self.n, self.workers, self.backend)
            self._spectral = pyfftw.empty_aligned(self.n, dtype="complex128")
            self._physical = pyfftw.empty_aligned(self.n, dtype="complex128")
            self._backward = pyfftw.FFTW(
                self._spectral, self._physical, direction="FFTW_BACKWARD", **options
            )
            self._forward = pyfftw.FFTW(
                self._physical, self._spectral, direction="FFTW_FORWARD", **options
            )
            self.inverse_scale = 1.0 / self.n
        else:
            self._physical = np.empty(self.n, dtype=complex)
            self.inverse_scale = 1.0

    def backward(self, u_hat: np.ndarray) -> np.ndarray:
        """The buffer holding ``ifft(u_hat) / inverse_scale``; valid until the next call."""
        if self.backend != "scipy":
            np.copyto(self._spectral, u_hat)
            self._backward.execute()
        else:
            self._physical = sfft.ifft(u_hat, workers=self.workers)
        return self._physical

    def forward(self) -> np.ndarray:
        """A new array holding the FFT of the buffer :meth:`backward` returned."""
        if self.backend != "scipy":
            self._forward.execute()
            return self._spectral.copy()
        return sfft.fft(self._physical, workers=self.workers, overwrite_x=True)

    def __getstate__(self) -> dict:
        """Plans are not picklable: a copy re-plans (same length, threads and backend)."""
        return {"n": self.n, "workers": self.workers, "backend": self.backend}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["n"], state["workers"], state["backend"])


class RealFFT:
    """``rfft`` / ``irfft`` of one length (real field ↔ ``n // 2 + 1`` modes) with own buffers.

    Both return new arrays and equal ``scipy.fft.rfft`` / ``irfft(c, n)`` to round-off; only
    one-dimensional arrays go through the FFTW plans (stacks of fields use scipy.fft).

    Parameters
    ----------
    n : int
    workers : int
    backend : {"auto", "fftw", "fftw_measure", "scipy"}
    """

    def __init__(self, n: int, workers: int = 1, backend: str = "auto"):
        self.n = int(n)
        self.workers = int(workers)
        self.backend = resolve_backend(backend)
        if self.backend != "scipy":
            options = fftw_options(self.n, self.workers, self.backend)
            self._real = pyfftw.empty_aligned(self.n, dtype="float64")
            self._modes = pyfftw.empty_aligned(self.n // 2 + 1, dtype="complex128")
            self._r2c = pyfftw.FFTW(self._real, self._modes, direction="FFTW_FORWARD", **options)
            options["flags"] += ("FFTW_DESTROY_INPUT",)  # c2r is faster when it may (a copy)
            self._c2r = pyfftw.FFTW(self._modes, self._real, direction="FFTW_BACKWARD", **options)

    def field(self, c: np.ndarray) -> np.ndarray:
        """The plan's real buffer holding ``irfft(c, n)``; the caller may change it in place and
        then call :meth:`modes_of_field`. Valid until the next call."""
        if self.backend == "scipy":
            self._field = sfft.irfft(c, n=self.n, workers=self.workers)
            return self._field
        np.multiply(c, 1.0 / self.n, out=self._modes)  # the scale of the unnormalised c2r
        self._c2r.execute()
        return self._real

    def modes_of_field(self) -> np.ndarray:
        """The plan's mode buffer holding ``rfft`` of the buffer :meth:`field` returned (FFTW), or
        a new array (scipy). Valid until the next call."""
        if self.backend == "scipy":
            return sfft.rfft(self._field, workers=self.workers)
        self._r2c.execute()
        return self._modes

    def forward(self, f: np.ndarray) -> np.ndarray:
        """``rfft(f)`` along the last axis."""
        if self.backend == "scipy" or f.ndim != 1:
            return sfft.rfft(f, workers=self.workers)
        np.copyto(self._real, f)
        self._r2c.execute()
        return self._modes.copy()

    def inverse(self, c: np.ndarray) -> np.ndarray:
        """``irfft(c, n)`` along the last axis."""
        if self.backend == "scipy" or c.ndim != 1:
            return sfft.irfft(c, n=self.n, workers=self.workers)
        np.multiply(c, 1.0 / self.n, out=self._modes)  # c2r is unnormalised and destroys its input
        self._c2r.execute()
        return self._real.copy()

    def __getstate__(self) -> dict:
        return {"n": self.n, "workers": self.workers, "backend": self.backend}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["n"], state["workers"], state["backend"])
