"""Klein–Gordon: the four regimes of the seed paper
=================================================

Space–time maps of the four Klein–Gordon regimes of the seed paper: a dispersing linear wave
packet, a static φ⁴ kink, the sine-Gordon breather and a φ⁴ kink–antikink collision.

Each case is its canonical config (``configs/kg_*.toml``) run in memory; the figure shows φ(x, t)
on a diverging colormap centred on 0. ``--quick`` (or ``SIMSUITE_QUICK=1``) runs on 256 points to
t = 10 for a smoke test.

Usage: ``python examples/kg_four_cases.py [--quick] [--outdir DIR]``
"""

from __future__ import annotations

from pathlib import Path

from _common import is_quick, parser, run_canonical, save

from simsuite.plotting.fields import spacetime_panels

CASES = ("kg_linear_wave", "kg_kink", "kg_breather", "kg_collision")
QUICK = {"grid.n_points": 256, "time.t_final": 10.0, "time.n_snapshots": 26}


def main(argv: list[str] | None = None) -> Path:
    args = parser(__doc__, "small grid, short runs").parse_args(argv)
    figure = spacetime_panels(run_canonical(CASES, QUICK if is_quick(args) else {}))
    figure.suptitle("Klein–Gordon  φ_tt − φ_xx + V′(φ) = 0: φ(x, t)")
    return save(figure, args.outdir, "kg_four_cases")


if __name__ == "__main__":
    main()
