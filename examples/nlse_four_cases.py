r"""NLSE: the four cases of the seed paper
=======================================

Space–time maps of the four NLSE cases of the seed paper: a single soliton, an elastic
two-soliton collision, an Akhmediev breather and noise-seeded modulation instability.

Each case is its canonical config (``configs/nlse_*.toml``) run in memory; the figure shows
:math:`|\psi|(x, t)`.
``--quick`` (or ``SIMSUITE_QUICK=1``) runs on 128 points to t = 5 for a smoke test.

Usage: ``python examples/nlse_four_cases.py [--quick] [--outdir DIR]``
"""

from __future__ import annotations

from pathlib import Path

from _common import is_quick, parser, run_canonical, save

from simsuite.plotting.fields import spacetime_panels

CASES = ("nlse_single_soliton", "nlse_two_soliton", "nlse_breather", "nlse_modulation_instability")
QUICK = {"grid.n_points": 128, "time.t_final": 5.0, "time.n_snapshots": 26}


def main(argv: list[str] | None = None) -> Path:
    args = parser(__doc__, "small grid, short runs").parse_args(argv)
    figure = spacetime_panels(run_canonical(CASES, QUICK if is_quick(args) else {}))
    figure.suptitle("NLSE  iψ_t + ½ψ_xx + |ψ|²ψ = 0: |ψ|(x, t)")
    return save(figure, args.outdir, "nlse_four_cases")


if __name__ == "__main__":
    main()
