"""The NLSE model: ``model`` (config sections and the model class), its compiled kernels, initial
conditions and exact solutions. Importing the package registers the model."""

from simsuite.models.nlse import model  # noqa: F401  (registers the model)
