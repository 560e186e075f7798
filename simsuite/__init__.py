"""simsuite: simulations of nonlinear waves and collective motion, with entropy diagnostics.

Public API::

    cfg = simsuite.load_config("configs/nlse_two_soliton.toml", overrides={"time.t_final": 5.0})
    ds = simsuite.run(cfg)                  # xarray.Dataset, also written to cfg.output.path
    ds = simsuite.open_output("outputs/nlse_two_soliton.nc")
"""

__version__ = "0.1.0"

from simsuite.config import ConfigError, load_config  # noqa: E402
from simsuite.io.netcdf import open_output  # noqa: E402
from simsuite.runner import RunFailed, run  # noqa: E402

__all__ = ["ConfigError", "RunFailed", "__version__", "load_config", "open_output", "run"]
