"""simsuite: simulations of nonlinear waves and collective motion, with entropy diagnostics.

Public API::

    cfg = simsuite.load_config("configs/nlse_two_soliton.toml", overrides={"time.t_final": 5.0})
    ds = simsuite.run(cfg)                  # xarray.Dataset, also written to cfg.output.path
    ds = simsuite.open_output("outputs/nlse_two_soliton.nc")
    summary = simsuite.sweep("configs/sweeps/couzin_phase_diagram.toml")   # runs on Dask
    report = simsuite.reproduce("nlse", outdir="figures/nlse")  # a paper's figures and numbers
"""

# Before any kernel is compiled: numba's cache goes to a per-user folder, never into the package
# (see simsuite.numba_cache for why).
from simsuite import numba_cache  # noqa: E402

numba_cache.configure()

# The models register themselves (simsuite.registry) before any config is loaded.
from simsuite import models  # noqa: E402, F401
from simsuite.config import ConfigError, load_config  # noqa: E402
from simsuite.io.netcdf import open_output  # noqa: E402
from simsuite.papers import reproduce  # noqa: E402
from simsuite.runner import RunFailed, run  # noqa: E402

# Imported eagerly (cheap: Dask itself is imported only when a sweep runs) so that the name
# simsuite.sweep is always the function, never the subpackage of the same name.
from simsuite.sweep import sweep  # noqa: E402
from simsuite.version import __version__  # noqa: E402

__all__ = [
    "ConfigError",
    "RunFailed",
    "__version__",
    "load_config",
    "open_output",
    "reproduce",
    "run",
    "sweep",
]
