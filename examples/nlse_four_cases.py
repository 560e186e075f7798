"""Space–time maps of the four NLSE cases of the seed paper: a single soliton, an elastic
two-soliton collision, an Akhmediev breather and noise-seeded modulation instability.

Each case is its canonical config (``configs/nlse_*.toml``) run in memory; the figure shows |ψ|(x, t).
``--quick`` (or ``SIMSUITE_QUICK=1``) runs on 128 points to t = 5 for a smoke test.

Usage: ``python examples/nlse_four_cases.py [--quick] [--outdir DIR]``
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import simsuite
from simsuite.plotting.fields import spacetime_panels

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
CASES = ("nlse_single_soliton", "nlse_two_soliton", "nlse_breather", "nlse_modulation_instability")
QUICK = {"grid.n_points": 128, "time.t_final": 5.0, "time.n_snapshots": 26}


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grid, short runs")
    parser.add_argument("--outdir", default="examples/output", help="folder for the PNG")
    args = parser.parse_args(argv)
    quick = args.quick or os.environ.get("SIMSUITE_QUICK") == "1"
    overrides = {**(QUICK if quick else {}), "run.progress": False}
    runs = [simsuite.run(CONFIGS / f"{c}.toml", output="", overrides=overrides) for c in CASES]
    figure = spacetime_panels(runs)
    figure.suptitle("NLSE  iψ_t + ½ψ_xx + |ψ|²ψ = 0: |ψ|(x, t)")
    path = Path(args.outdir) / "nlse_four_cases.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main()
