"""Spectral numerics shared by the field models.

* :mod:`~simsuite.spectral.grids`: the periodic Fourier grid, dealiasing filters and the one
  ``[grid]`` config section;
* :mod:`~simsuite.spectral.bases`: the field bases (periodic, antiperiodic, cosine, sine) with
  their transforms, derivatives and quadrature;
* :mod:`~simsuite.spectral.fft`: FFT back-ends (pyFFTW plans, with ``scipy.fft`` as fallback);
* :mod:`~simsuite.spectral.fftw_numba`: FFTW plans executed from numba-compiled code;
* :mod:`~simsuite.spectral.nd_grid` and :mod:`~simsuite.spectral.nd_fft`: the periodic grid and its
  FFTs in 1, 2 or 3 dimensions (arrays shaped ``(n_z, n_y, n_x)``), for the 2D/3D fields of issue 22.
"""
