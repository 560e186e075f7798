"""The Klein–Gordon model: ``model`` (config sections and the model class), its compiled kernels, initial
conditions and exact solutions. Importing the package registers the model."""

from simsuite.models.klein_gordon import model  # noqa: F401  (registers the model)
