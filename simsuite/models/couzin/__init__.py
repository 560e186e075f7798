"""The Couzin schooling model: ``model`` (config sections and the model class), its compiled kernels, initial
conditions and exact solutions. Importing the package registers the model."""

from simsuite.models.couzin import model  # noqa: F401  (registers the model)
