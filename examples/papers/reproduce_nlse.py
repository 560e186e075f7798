r"""simple-idealized-1d-nlse: the pseudo-spectral NLSE solver
===========================================================

The simple-idealized-1d-nlse paper runs the focusing NLSE
:math:`i\psi_t + \tfrac12\psi_{xx} + |\psi|^2\psi = 0` on a periodic grid in four cases, each
a shipped canonical config: a bright soliton (``nlse_single_soliton``), a head-on two-soliton
collision (``nlse_two_soliton``), an Akhmediev breather (``nlse_breather``) and noise-seeded
modulation instability (``nlse_modulation_instability``).

:func:`simsuite.reproduce` runs the four cases and redraws the paper's four figures: the space–time
patterns, snapshots of the evolution, the phase space (Re ψ, Im ψ) and the intensity distributions.
Its report sets each number beside the paper's, or beside the exact answer where the physics has one:
the soliton's invariants, the Zakharov–Shabat position and phase shifts of the collision, the
breather's peak and period and the gain of modulation instability; it is printed at the end of this
page.

``--quick`` (or ``SIMSUITE_QUICK=1``) runs reduced sizes in seconds; its numbers are not the
paper's runs. Same as ``simsuite reproduce nlse [--quick] --outdir DIR``.

Usage: ``python examples/papers/reproduce_nlse.py [--quick] [--outdir DIR] [--workers N]``
"""

from _reproduce import parse_args, print_report

import simsuite

args = parse_args("nlse")
report = simsuite.reproduce(
    "nlse", args.outdir, quick=args.quick, workers=args.workers, progress=False
)
for name in report.figures:
    print(f"wrote {args.outdir / name}.png")

# %%
# The report
# ----------
# Every number of ``report.md`` (beside it, ``report.json`` holds the same rows): simsuite's value
# next to the paper's, "–" where the paper prints none. ``report.md`` adds how each was made.

print_report(report)
