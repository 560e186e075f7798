"""The loop every fixed-step integrator runs: ``n`` steps of size ``h``, in blocks.

:func:`run_fixed_steps` owns what is the same for all of them: asking ``should_stop`` between
steps (Python loops) or between blocks of about :data:`~.base.BLOCK_SECONDS` (compiled loops),
counting the steps in ``integrator.stats``, checking the state for NaN/inf every
:data:`~.base.CHECK_EVERY` steps and at the end, and raising :class:`~.base.Interrupted` or the
integrator's blow-up error (``integrator._blow_up``) with the time and step reached. The
integrator supplies only ``take_steps``, which advances its own state.

Contract of ``take_steps(done, count) -> int``
----------------------------------------------
Take steps ``done + 1, …, done + count`` (numbered from 1 within the :func:`run_fixed_steps` call)
and return how many were taken.

* Python loops (``compiled=False``): always ``count``. Blocks are one step long when
  ``should_stop`` is given (it is asked after every step but the last) and otherwise end at the
  multiples of ``CHECK_EVERY``; the checks are made here.
* Compiled loops (``compiled=True``): blocks are sized by :func:`~.base.step_blocks` (``multiple``
  steps first, then about ``BLOCK_SECONDS`` each, every block but the last a multiple of
  ``multiple``). The loop itself must check ``sum(state)`` after every step whose number is a
  multiple of ``CHECK_EVERY`` and that is not the last of its block, and return early (the number
  of steps taken, fewer than ``count``) at the first non-finite one; the check after a block's last
  step is made here. Running the steps in blocks must give the numbers of one block.

``state()`` returns the current state (only read, for the checks); ``on_abort()``, when given, runs
before either exception is raised (e.g. to drop a history that ends inside the interval).

Options of integrators with checks of their own
-----------------------------------------------
``check_every`` replaces ``CHECK_EVERY`` above (an integrator's option of that name); ``finite()``,
when given, replaces both checks (``sum(state())`` between steps, every entry of ``state()`` at the
end), e.g. an entrywise test that cannot overflow, the one a compiled loop makes; ``blow_up(t, done)``,
when given, makes the error instead of ``integrator._blow_up(t)``, knowing the number ``done`` of
steps taken in this call.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from . import base
from .base import CHECK_EVERY, Integrator, StopCheck

__all__ = ["run_fixed_steps"]


def run_fixed_steps(
    integrator: Integrator,
    t: float,
    t_target: float,
    n: int,
    h: float,
    take_steps: Callable[[int, int], int],
    state: Callable[[], np.ndarray],
    should_stop: StopCheck | None = None,
    *,
    compiled: bool = False,
    multiple: int = 1,
    on_abort: Callable[[], None] | None = None,
    check_every: int = CHECK_EVERY,
    finite: Callable[[], bool] | None = None,
    blow_up: Callable[[float, int], Exception] | None = None,
) -> None:
    """Take ``n`` steps of size ``h`` from ``t`` to ``t_target`` by ``take_steps`` (module
    docstring); on return ``integrator.stats`` counts them and the state is finite."""
    stats = integrator.stats

    def stop(error: Callable[[float, int], Exception], done: int) -> Exception:
        """``error`` at the time reached after ``done`` steps, counted first."""
        if on_abort is not None:
            on_abort()
        stats.n_steps += done
        return error(t + done * h, done)

    if compiled:
        blocks = base.step_blocks(n, should_stop, multiple)
    elif should_stop is not None:
        blocks = itertools.repeat(1, n)
    else:
        blocks = (n,)
    done = 0
    for i, block in enumerate(blocks):
        if i and should_stop is not None and should_stop():
            raise stop(lambda time, done: integrator._interrupted(time), done)
        end = done + block
        while done < end:
            count = end - done if compiled else min(end - done, check_every - done % check_every)
            taken = take_steps(done, count)
            done += taken
            ok = taken == count
            if ok and done < n and done % check_every == 0:
                ok = finite() if finite is not None else bool(np.isfinite(np.sum(state())))
            if not ok:
                raise stop(blow_up or (lambda time, done: integrator._blow_up(time)), done)
    stats.n_steps += n
    stats.last_dt = h
    if not (finite() if finite is not None else np.all(np.isfinite(state()))):
        if on_abort is not None:
            on_abort()
        raise blow_up(t_target, n) if blow_up is not None else integrator._blow_up(t_target)
