"""Planned complex FFTs over whole 1-, 2- and 3-dimensional arrays: FFTW through pyFFTW, or scipy.fft.

:class:`ComplexFFTND` is the N-dimensional counterpart of :class:`~simsuite.spectral.fft.ComplexFFT`,
with the same interface (``backward(u_hat)`` fills a buffer with the unnormalised inverse transform,
``forward()`` transforms that buffer back, :attr:`~ComplexFFTND.inverse_scale` is left to the caller)
and the same conventions: the forward transform is unnormalised,
``f̂[m] = Σ_j f[j] exp(−2πi Σ_a m_a j_a / n_a)``, the inverse carries ``1/N``, ``N = Π n_a`` (as
``scipy.fft.fftn`` / ``ifftn``), and every axis of the array is transformed.
Backends are chosen as in :mod:`simsuite.spectral.fft`
(:func:`~simsuite.spectral.fft.resolve_backend`), except that ``"auto"`` is ``scipy.fft`` on 2D
arrays (:func:`auto_backend`): FFTW plans are made with FFTW_ESTIMATE, so every
bit of the result is the same from one process to the next, unless ``fftw_measure`` is asked for;
FFTW_MEASURE is used up to :data:`MEASURE_LIMIT_ND` points (1D arrays:
:data:`~simsuite.spectral.fft.MEASURE_LIMIT`) and several threads only from
:data:`~simsuite.spectral.fft.THREADS_FROM` points on, both counted in the total number of points
``N``.

References
----------
.. [FJ05] M. Frigo and S. G. Johnson, "The design and implementation of FFTW3", Proc. IEEE 93,
   216–231 (2005).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.fft as sfft

from simsuite.spectral.fft import fftw_options, resolve_backend

try:  # pragma: no cover - depends on the installation
    import pyfftw
except ImportError:  # pragma: no cover
    pyfftw = None

__all__ = ["MEASURE_LIMIT_ND", "ComplexFFTND", "auto_backend"]

#: Most points planned with FFTW_MEASURE by ``run.fft = "fftw_measure"`` on a 2D or 3D array. At
#: 512² the measured plans transform 2.3–2.9× faster than the estimated ones after 0.46 s of planning;
#: at 128³ they gained 8 % after 1.5 s (1 thread) to 36 s (2 threads, loaded machine) of planning
#: (docs/benchmarks.md, "NLSE on 2D and 3D grids").
MEASURE_LIMIT_ND = 2**18


def auto_backend(backend: str, shape: tuple[int, ...]) -> str:
    """``run.fft`` for arrays of ``shape``: ``"auto"`` is ``scipy.fft`` on 2D arrays, where
    pocketfft was measured 1.4–1.8× faster than FFTW's estimated plans at 256²–1024², and FFTW
    otherwise (3D: FFTW's estimated plans 1.5–2.6× faster than pocketfft at 64³ and 128³;
    docs/benchmarks.md, "NLSE on 2D and 3D grids"). Both are bitwise reproducible from one process,
    and one thread count, to the next. Other settings are kept."""
    return "scipy" if backend == "auto" and len(shape) == 2 else backend


class ComplexFFTND:
    """A forward/backward pair of complex FFTs over all axes of arrays of one shape.

    Parameters
    ----------
    shape : tuple of int
        Array shape, 1 to 3 axes (for a :class:`~simsuite.spectral.nd_grid.PeriodicGridND`, its
        :attr:`~simsuite.spectral.nd_grid.PeriodicGridND.shape`, ``(n_z, n_y, n_x)``).
    workers : int
        Threads of the transforms (FFTW uses one below
        :data:`~simsuite.spectral.fft.THREADS_FROM` points).
    backend : {"auto", "fftw", "fftw_measure", "scipy"}

    Attributes
    ----------
    size : int
        Number of points ``N``.
    inverse_scale : float
        Factor turning :meth:`backward`'s result into ``ifftn(u_hat)`` (``1/N`` for FFTW, 1 for
        scipy, whose inverse is normalised).
    """

    def __init__(self, shape: tuple[int, ...], workers: int = 1, backend: str = "auto"):
        self.shape = tuple(int(n) for n in shape)
        if not 1 <= len(self.shape) <= 3 or min(self.shape) < 1:
            raise ValueError(f"shape must have 1 to 3 positive lengths, got {shape!r}")
        self.size = math.prod(self.shape)
        self.workers = int(workers)
        self.backend = resolve_backend(auto_backend(backend, self.shape))
        if self.backend.startswith("fftw"):
            options = fftw_options(self.size, self.workers, self.backend)
            if (
                self.backend == "fftw_measure"
                and len(self.shape) > 1
                and self.size <= MEASURE_LIMIT_ND
            ):
                options["flags"] = ("FFTW_MEASURE",)
            options["axes"] = tuple(range(len(self.shape)))
            self._spectral = pyfftw.empty_aligned(self.shape, dtype="complex128")
            self._physical = pyfftw.empty_aligned(self.shape, dtype="complex128")
            self._backward = pyfftw.FFTW(
                self._spectral, self._physical, direction="FFTW_BACKWARD", **options
            )
            self._forward = pyfftw.FFTW(
                self._physical, self._spectral, direction="FFTW_FORWARD", **options
            )
            self.inverse_scale = 1.0 / self.size
        else:
            self._physical = np.empty(self.shape, dtype=complex)
            self.inverse_scale = 1.0

    def backward(self, u_hat: np.ndarray) -> np.ndarray:
        """The buffer holding ``ifftn(u_hat) / inverse_scale``; valid until the next call.

        The caller may change it in place and then call :meth:`forward`.
        """
        if self.backend != "scipy":
            np.copyto(self._spectral, u_hat)
            self._backward.execute()
        else:
            self._physical = sfft.ifftn(u_hat, workers=self.workers)
        return self._physical

    def forward(self) -> np.ndarray:
        """A new array holding ``fftn`` of the buffer :meth:`backward` returned."""
        if self.backend != "scipy":
            self._forward.execute()
            return self._spectral.copy()
        return sfft.fftn(self._physical, workers=self.workers, overwrite_x=True)

    def fft(self, f: np.ndarray) -> np.ndarray:
        """``fftn(f)`` (unnormalised) as a new array; ``f`` is not changed."""
        if self.backend == "scipy":
            return sfft.fftn(f, workers=self.workers)
        np.copyto(self._physical, f)
        return self.forward()

    def ifft(self, f_hat: np.ndarray) -> np.ndarray:
        """``ifftn(f_hat)`` (with its ``1/N``) as a new array; ``f_hat`` is not changed."""
        if self.backend == "scipy":
            return sfft.ifftn(f_hat, workers=self.workers)
        return self.backward(f_hat) * self.inverse_scale

    def __getstate__(self) -> dict:
        """Plans are not picklable: a copy re-plans (same shape, threads and backend)."""
        return {"shape": self.shape, "workers": self.workers, "backend": self.backend}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["shape"], state["workers"], state["backend"])
