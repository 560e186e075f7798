"""Parameter sweeps and ensembles on Dask (``simsuite sweep``, :func:`simsuite.sweep`).

A sweep file (TOML) names a base config and the keys to vary::

    base = "../couzin_torus.toml"      # relative to the sweep file
    replicates = 2                     # runs per point, seeds derived from the base seed
    # seed = 7                         # base seed of the replicates (default: the base's run.seed)
    # carry_state = "ascending"        # false | "ascending" | "descending" | "both"
    # carry_key = "zones.delta_r_orientation"   # needed when more than one key is swept
    # outdir = "outputs/sweeps/phase"  # default outputs/sweeps/<file stem>, relative to the cwd

    [sweep]
    mode = "grid"                      # "grid": every combination; "zip": lists taken pairwise
    "zones.delta_r_orientation" = [0, 1, 2, 4]
    "zones.delta_r_attraction" = {start = 2, stop = 14, step = 4}   # or {start, stop, num}

    [set]                              # fixed overrides applied to every run
    "time.t_final" = 100.0

    [collect]                          # scalars per run; reductions over the t dimension
    polarization = "mean_last_half"
    rotation = "final"
    polarization_sd = {variable = "polarization", reduce = "std_last_half"}

Keys may be written quoted (``"zones.delta_r_orientation"``) or as TOML dotted keys / nested tables.
Ranges include ``stop`` (``step``: when it falls on the grid, to 1e-9 steps); their values are rounded
to 12 significant digits, and are integers when start, stop and step are. Reductions: ``final``,
``mean``, ``mean_last_half``, ``max``, ``min``, ``max_abs``, ``std_last_half`` (the last half =
snapshots with index ≥ n // 2; std with ddof = 0; a scalar variable is taken as it is). A collected
variable must be a (t,) variable of the model's output; diagnostics variables (e.g.
``oceanic_schooling_index``) are accepted when ``diagnostics.enabled`` is true, and a run whose output
lacks one is recorded as failed. The base config with ``[set]`` applied must be valid on its own.

Rules:

* Seeds: with ``replicates = 1`` every run keeps the base seed (``seed`` key, else the base config's
  ``run.seed``), so a one-replicate point is exactly ``simsuite run`` of the same config. With n > 1,
  replicate r has ``run.seed = int(SeedSequence(base_seed).spawn(n)[r].generate_state(1, uint32)[0])``
  at every point (common random numbers across points); child r does not depend on n, so raising
  ``replicates`` keeps the earlier replicates and their files.
* Names: a run's output is ``runs/<hash>.nc``, hash = first 16 hex digits of the SHA-256 of its resolved
  config as TOML (:func:`simsuite.config.to_toml` form) without the keys that cannot change the
  result (``output.path``, ``output.compression``, ``output.max_bytes``, ``output.checkpoint_every``,
  ``run.progress``, ``run.threads``). A simsuite version that adds config keys changes the names (the
  runs are then recomputed). A carried run's ``initial_condition.path`` enters the hash as the hash of
  the run it starts from, so the chain is part of the name and the name does not depend on the output
  directory.
* Threads: Dask provides the parallelism, one run per single-threaded worker process, so every run gets
  ``run.threads = 1`` (numba and FFT threads) unless ``[set]`` gives ``run.threads``; N workers then use
  N cores without oversubscription. Workers of an external cluster should have one thread each
  (``dask worker --nthreads 1``): HDF5 is not thread-safe.
* Carried state: the points of ``carry_key`` run in ascending (or descending) order, each starting from
  the last snapshot of the previous one (``initial_condition.type = "from_file"``; every model supports
  it, for Couzin it carries positions and headings); the first point starts from the base's initial
  condition. ``"both"`` runs up and then down, the descending branch starting from the final state of
  the ascending branch's last point. The chains (one per replicate and combination of the other keys)
  run in parallel; within a chain a run waits for its predecessor, and is ``skipped`` if it failed.
* Output: each worker writes only its run's file; the client writes ``manifest.csv`` (hash, branch,
  parameters, replicate, seed, previous, status, reused, wall and CPU time, error, output) and ``summary.nc``
  with dims [``branch``,] one per swept key (``point`` for zip, the keys as coordinates on it) and
  ``replicate``; the dimension of a key is its last component when unambiguous (``delta_r_orientation``,
  the full key in the ``config_key`` attribute). Failed runs are recorded and NaN in the summary; they
  do not stop the sweep. ``resume`` keeps every run whose file has ``status = "complete"``.

Scripts that start a local cluster must guard their entry point with ``if __name__ == "__main__":``
(Dask's worker processes are spawned and import the main module).
"""

from simsuite.sweep.execute import build_summary, run_task, sweep
from simsuite.sweep.spec import REDUCTIONS, Collect, RunSpec, Sweep, config_hash, load_sweep

__all__ = [
    "REDUCTIONS",
    "Collect",
    "RunSpec",
    "Sweep",
    "build_summary",
    "config_hash",
    "load_sweep",
    "run_task",
    "sweep",
]
