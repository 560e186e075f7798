"""amangkurat: the (1+1)D nonlinear Klein–Gordon library
=======================================================

The amangkurat paper solves φ_tt − φ_xx + V′(φ) = 0 with a symplectic pseudo-spectral method in four
regimes, each a shipped canonical config: a dispersing linear Gaussian pulse (``kg_linear_wave``),
the static φ⁴ kink on an antiperiodic grid (``kg_kink``), the exact sine-Gordon breather
(``kg_breather``) and a φ⁴ kink–antikink collision at u = 0.3, above the critical speed
(``kg_collision``).

:func:`simsuite.reproduce` runs the four cases and redraws the paper's four figures: the space–time
map with the energy centroid, snapshots, the distributions of φ (kernel density estimates, box plots,
Kruskal–Wallis and Cliff's δ on decorrelated samples) and the phase space (φ, φ_t) at x = 0. Its
report sets each number beside the paper's, or beside the exact answer where the physics has one
(kink shape, breather period, conserved energy); it is printed at the end of this page.

``--quick`` (or ``SIMSUITE_QUICK=1``) runs reduced sizes in seconds; its numbers are not the
paper's runs. Same as ``simsuite reproduce amangkurat [--quick] --outdir DIR``.

Usage: ``python examples/papers/reproduce_amangkurat.py [--quick] [--outdir DIR] [--workers N]``
"""

from _reproduce import parse_args, print_report

import simsuite

args = parse_args("amangkurat")
report = simsuite.reproduce(
    "amangkurat", args.outdir, quick=args.quick, workers=args.workers, progress=False
)
for name in report.figures:
    print(f"wrote {args.outdir / name}.png")

# %%
# The report
# ----------
# Every number of ``report.md`` (beside it, ``report.json`` holds the same rows): simsuite's value
# next to the paper's, "–" where the paper prints none. ``report.md`` adds how each was made.

print_report(report)
