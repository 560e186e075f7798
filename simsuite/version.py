"""The version of simsuite, in a module of its own so that the runner and the sweep can stamp it
on their outputs without importing the package's facade (``simsuite/__init__.py``), which imports
them."""

__version__ = "0.1.0"
