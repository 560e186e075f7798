"""The Klein–Gordon model: ``config`` (its config sections), ``problem`` (the semi-discrete
equation on a spectral basis, with the compiled kernels it hands the integrators), ``model`` (the
model class), ``kernels`` (compiled physics: force, energy and momentum, modal remainder),
``potentials``, ``initial`` (initial conditions) and ``exact`` (exact solutions). Importing the
package registers the model."""

from simsuite.models.klein_gordon import model  # noqa: F401  (registers the model)
