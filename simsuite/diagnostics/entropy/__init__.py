r"""Entropy diagnostics: probability makers and the functionals that apply to them.

One probability layer, many functionals (the design of ComplexityMeasures.jl [HD23]_). A *probability
maker* turns data into a probability vector along an axis,

* :func:`histogram` — bin counts / total count (empty bins kept as zeros),
* :func:`field_density` — :math:`p_j = |f_j|^2 \Delta x_j / \sum_k |f_k|^2 \Delta x_k` for a field
  on a grid,
* :func:`power_spectrum` — the normalised power spectrum :math:`|\hat f_k|^2 / \sum_k |\hat f_k|^2`,
* :func:`ordinal_patterns` — Bandt–Pompe ordinal-pattern frequencies [BP02]_,

and a *functional* maps probability vectors to numbers:

* :func:`shannon` :math:`H = -\sum p \ln p` [Sha48]_,
  :func:`renyi` :math:`H_\alpha = \ln(\sum p^\alpha)/(1 - \alpha)` [Ren61]_,
  :func:`tsallis` :math:`S_q = (1 - \sum p^q)/(q - 1)` [Tsa88]_,
* :func:`statistical_complexity` :math:`C = Q_J \cdot H` [LRM04]_ [RLM07]_, with the bounding curves of the
  complexity–entropy plane from :func:`complexity_entropy_curves` [MPR06]_.

Composites: :func:`permutation_entropy`, :func:`spectral_entropy` [PP79]_, :func:`field_entropy` (the
resolution-independent differential entropy of a field) and :func:`sample_entropy` [RM00]_.

Modules
-------
Everything public is importable from this package; the modules, in the order they import each other:

* ``arrays`` — axis, xarray and NaN-warning plumbing,
* ``row_functionals`` — the functionals on rows of probabilities
  (natural log), shared by everything below,
* :mod:`~simsuite.diagnostics.entropy.probabilities` — the probability makers,
* :mod:`~simsuite.diagnostics.entropy.functionals` — Shannon, Rényi, Tsallis and the differential
  entropies of a field (:func:`field_entropy`, :func:`field_entropies`),
* :mod:`~simsuite.diagnostics.entropy.signals` — permutation, spectral and sample entropy,
* :mod:`~simsuite.diagnostics.entropy.complexity` — statistical complexity and the plane's curves.

Conventions
-----------
* Every function works along ``axis`` (default the last), so one call handles every snapshot; a 1-D
  input gives a NumPy scalar, an N-D input an array over the other axes. Probability makers put their
  states where ``axis`` was.
* An ``xarray.DataArray`` may be passed instead, with ``dim=`` naming the dimension (default: the one at
  ``axis``); the result is a DataArray that keeps the coordinates of the other dimensions. Probability
  makers call their new dimension ``bin``, ``pattern`` or ``mode`` (:func:`field_density` keeps ``dim``).
* Logarithms are natural unless ``base`` is given (any base > 1, e.g. 2 for bits); 0 ln 0 = 0, i.e.
  states with p = 0 are skipped. ``normalized=True`` divides by the maximum over K states (K = length
  along ``axis``, empty states counted), which makes the value base independent and puts it in [0, 1].
* Functionals normalise their input to unit sum, so raw counts may be passed; negative entries raise
  ``ValueError``.
* Degenerate input — empty, all zero, non-finite, too short, no matches — gives NaN together with a
  ``RuntimeWarning``, never ±inf or a silent default.

References
----------
.. [Sha48] C\. E. Shannon, "A mathematical theory of communication", Bell Syst. Tech. J. 27, 379 (1948).
.. [Ren61] A. Rényi, "On measures of entropy and information", Proc. 4th Berkeley Symp. Math. Stat.
   Prob. 1, 547 (1961).
.. [Tsa88] C. Tsallis, "Possible generalization of Boltzmann–Gibbs statistics", J. Stat. Phys. 52, 479
   (1988).
.. [BP02] C. Bandt and B. Pompe, "Permutation entropy: a natural complexity measure for time series",
   Phys. Rev. Lett. 88, 174102 (2002).
.. [LRM04] P. W. Lamberti, M. T. Martín, A. Plastino and O. A. Rosso, "Intensive entropic non-triviality
   measure", Physica A 334, 119 (2004).
.. [RLM07] O. A. Rosso, H. A. Larrondo, M. T. Martín, A. Plastino and M. A. Fuentes, "Distinguishing
   noise from chaos", Phys. Rev. Lett. 99, 154102 (2007).
.. [MPR06] M. T. Martín, A. Plastino and O. A. Rosso, "Generalized statistical complexity measures:
   geometrical and analytical properties", Physica A 369, 439 (2006).
.. [RM00] J. S. Richman and J. R. Moorman, "Physiological time-series analysis using approximate
   entropy and sample entropy", Am. J. Physiol. Heart Circ. Physiol. 278, H2039 (2000).
.. [PP79] G. E. Powell and I. C. Percival, "A spectral entropy method for distinguishing regular and
   irregular motion of Hamiltonian systems", J. Phys. A 12, 2053 (1979).
.. [CT06] T\. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed., Wiley (2006), §8.3.
.. [HD23] K\. A. Haaga and G. Datseris, ComplexityMeasures.jl (2023), https://juliadynamics.github.io.
"""

from simsuite.diagnostics.entropy.complexity import (
    complexity_entropy_curves,
    statistical_complexity,
)
from simsuite.diagnostics.entropy.functionals import (
    field_entropies,
    field_entropy,
    renyi,
    shannon,
    tsallis,
)
from simsuite.diagnostics.entropy.probabilities import (
    field_density,
    histogram,
    ordinal_patterns,
    power_spectrum,
)
from simsuite.diagnostics.entropy.signals import (
    SAMPEN_NUMBA_MIN_TEMPLATES,
    permutation_entropy,
    sample_entropy,
    spectral_entropy,
)

__all__ = [
    "histogram",
    "field_density",
    "power_spectrum",
    "ordinal_patterns",
    "shannon",
    "renyi",
    "tsallis",
    "field_entropy",
    "field_entropies",
    "permutation_entropy",
    "spectral_entropy",
    "statistical_complexity",
    "complexity_entropy_curves",
    "sample_entropy",
    "SAMPEN_NUMBA_MIN_TEMPLATES",
]
