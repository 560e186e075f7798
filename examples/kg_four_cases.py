"""Space–time maps of the four Klein–Gordon regimes of the seed paper: a dispersing linear wave
packet, a static φ⁴ kink, the sine-Gordon breather and a φ⁴ kink–antikink collision.

Each case is its canonical config (``configs/kg_*.toml``) run in memory; the figure shows φ(x, t)
on a diverging colormap centred on 0. ``--quick`` (or ``SIMSUITE_QUICK=1``) runs on 256 points to
t = 10 for a smoke test.

Usage: ``python examples/kg_four_cases.py [--quick] [--outdir DIR]``
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import simsuite
from simsuite.plotting.fields import spacetime_panels

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
CASES = ("kg_linear_wave", "kg_kink", "kg_breather", "kg_collision")
QUICK = {"grid.n_points": 256, "time.t_final": 10.0, "time.n_snapshots": 26}


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grid, short runs")
    parser.add_argument("--outdir", default="examples/output", help="folder for the PNG")
    args = parser.parse_args(argv)
    quick = args.quick or os.environ.get("SIMSUITE_QUICK") == "1"
    overrides = {**(QUICK if quick else {}), "run.progress": False}
    runs = [simsuite.run(CONFIGS / f"{c}.toml", output="", overrides=overrides) for c in CASES]
    figure = spacetime_panels(runs)
    figure.suptitle("Klein–Gordon  φ_tt − φ_xx + V′(φ) = 0: φ(x, t)")
    path = Path(args.outdir) / "kg_four_cases.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main()
