"""Spectral numerics shared by the field models.

* :mod:`~simsuite.spectral.grids`: the periodic Fourier grid, dealiasing filters and the one
  ``[grid]`` config section;
* :mod:`~simsuite.spectral.bases`: the field bases (periodic, antiperiodic, cosine, sine) with
  their transforms, derivatives and quadrature;
* :mod:`~simsuite.spectral.fft`: FFT back-ends (pyFFTW plans, with ``scipy.fft`` as fallback);
* :mod:`~simsuite.spectral.fftw_numba`: FFTW plans executed from numba-compiled code.
"""
