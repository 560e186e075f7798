"""The Couzin schooling model: ``config`` (its config sections), ``model`` (the model class),
``initial`` (initial positions and headings) and the compiled step, split by job: ``params``
(constants of a step), ``vectors``, ``rules`` (zones, blind angle, desired direction), ``cells``
(the cell list), ``neighbours`` (all-pairs and cell-list searches), ``turning`` (limited turning,
noise, the move) and ``kernels`` (one step). Importing the package registers the model."""

from simsuite.models.couzin import model  # noqa: F401  (registers the model)
