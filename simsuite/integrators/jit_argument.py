"""Jitted functions as arguments of other jitted functions: typed cheaply, cached across processes.

The integrators' compiled loops take the model's kernels as arguments
(:class:`~.base.SemilinearKernels`, :class:`~.second_order.KickDriftKernels` and
:class:`~.second_order.ModalKernels`, which carry them wrapped here), so that one loop serves
every model. Numba accepts a dispatcher
as an argument (``types.Dispatcher``), but with two costs: it types the argument in Python at every
call (about as long as a small compiled step, paid at every step of a loop driven from Python), and
its type is keyed by the dispatcher object, which differs from process to process, so that a loop
compiled with ``cache=True`` is never found in the cache by the next process.

:class:`JitArgument` wraps the function in an object that carries its numba type
(``_numba_type_``, typed without Python); :class:`NamedDispatcher`, that type, is the dispatcher
type keyed by the function's module and qualified name, and pickles as them, so that the cache
index of the loop matches in every process. Lowering is numba's own for dispatchers: a direct call
of the compiled function.

Contract: the function is a module-level ``@numba.njit`` function, importable as
``module.qualname``.
"""

from __future__ import annotations

import importlib

from numba.core import boxing, types
from numba.core.datamodel.models import OpaqueModel
from numba.core.extending import box, register_model, unbox

__all__ = ["JitArgument", "NamedDispatcher"]


class NamedDispatcher(types.Dispatcher):
    """``types.Dispatcher`` of a module-level jitted function, keyed by module and name."""

    def __init__(self, dispatcher):
        self.where = (dispatcher.py_func.__module__, dispatcher.py_func.__qualname__)
        super().__init__(dispatcher)
        self.name = "jit({}.{})".format(*self.where)

    @property
    def key(self):
        return self.where

    def __reduce__(self):
        return (named_dispatcher, self.where)


def named_dispatcher(module: str, qualname: str) -> NamedDispatcher:
    """The :class:`NamedDispatcher` of the jitted function ``module.qualname`` (unpickling)."""
    function = importlib.import_module(module)
    for part in qualname.split("."):
        function = getattr(function, part)
    return NamedDispatcher(function)


register_model(NamedDispatcher)(OpaqueModel)
unbox(NamedDispatcher)(boxing.unbox_dispatcher)
box(NamedDispatcher)(boxing.box_pyobject)


class JitArgument:
    """A module-level jitted ``function`` to pass to another jitted function (module docstring)."""

    def __init__(self, function):
        self.function = function
        self._numba_type_ = NamedDispatcher(function)

    def __reduce__(self):
        return (JitArgument, (self.function,))
