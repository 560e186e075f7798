"""dewi-kadita: fish schooling with entropy diagnostics
======================================================

The dewi-kadita paper simulates the 3D Couzin schooling model in four states (swarm, torus, dynamic
parallel, highly parallel) and tells them apart with entropy diagnostics and an Oceanic Schooling
Index (OSI). Its claims: a swarm keeps the polarization P below 0.1 with OSI ≈ 0.71, the highly
parallel state reaches P = 0.998 with OSI = 0.24, the entropies separate the torus from the
dynamic parallel state, and 150–250 agents run 1000–2000 steps within five minutes.

:func:`simsuite.reproduce` runs every state twice over several seeds: with that package's published
configs and rules (``couzin_dk_*``) and with Couzin et al. (2002)'s rules (``couzin_*``). It redraws
the paper's five figures (3D snapshots for both rule sets, the order parameters P and M against time,
the entropies against time, the final-state entropy profile) and sets each claim beside simsuite's
numbers in its report, printed at the end of this page.

``--quick`` (or ``SIMSUITE_QUICK=1``) runs reduced sizes in seconds; its numbers are not the
paper's runs. Same as ``simsuite reproduce dewi-kadita [--quick] --outdir DIR``.

Usage: ``python examples/papers/reproduce_dewi_kadita.py [--quick] [--outdir DIR] [--workers N]``
"""

# sphinx_gallery_thumbnail_number = 3

from _reproduce import parse_args, print_report

import simsuite

args = parse_args("dewi-kadita")
report = simsuite.reproduce(
    "dewi-kadita", args.outdir, quick=args.quick, workers=args.workers, progress=False
)
for name in report.figures:
    print(f"wrote {args.outdir / name}.png")

# %%
# The report
# ----------
# Every claim and number of ``report.md`` (beside it, ``report.json`` holds the same rows):
# simsuite's value next to the paper's, "–" where the paper gives none. ``report.md`` adds how each
# was made and why the two differ.

print_report(report)
