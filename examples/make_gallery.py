"""Make the README gallery (``docs/img``) from the examples, so that it cannot go stale.

Every example in :data:`GALLERY` runs as its own process, as a user would run it
(``python examples/<name>.py --outdir DIR``), in an empty temporary working directory and with
``--outdir`` another temporary folder; its figure ``<name>.png`` is then copied to ``--outdir``
(default ``docs/img``) under the same name, which is the name README.md uses. The build stops with
an error if an example fails, does not write its PNG, or leaves anything in its working directory.

``--quick`` (or ``SIMSUITE_QUICK=1``) runs every example with ``--quick`` (a smoke test in well
under a minute) and writes to ``examples/output/gallery`` unless ``--outdir`` says otherwise: quick
figures never land in ``docs/img`` by default.

Usage: ``python examples/make_gallery.py [--quick] [--outdir DIR] [NAME ...]`` (names: only these
examples; default all).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCS_IMG = HERE.parent / "docs" / "img"
QUICK_OUTDIR = HERE / "output" / "gallery"

#: example script (``examples/<name>.py``, writing ``<name>.png``) → extra arguments of the full run
GALLERY: dict[str, tuple[str, ...]] = {
    "nlse_four_cases": (),
    "nlse_mi_gain": (),
    "nlse2d_townes": (),
    "kg_four_cases": (),
    "kg_kink_antikink_windows": ("--workers", "2"),
    "kg_oscillon": (),
    "couzin_states": (),
    "couzin_phase_diagram": (),
    "entropy_regimes": (),
}


def images() -> list[str]:
    """The file names the gallery writes, one per example."""
    return [f"{name}.png" for name in GALLERY]


def run_example(name: str, outdir: Path, quick: bool) -> float:
    """Run ``examples/<name>.py`` in a fresh empty working directory, copy its PNG to ``outdir``
    and return the wall time in seconds."""
    args = ["--quick"] if quick else list(GALLERY[name])
    env = {k: v for k, v in os.environ.items() if k != "SIMSUITE_QUICK"}  # --quick says it
    with tempfile.TemporaryDirectory(prefix=f"gallery-{name}-") as scratch:
        cwd, out = Path(scratch) / "cwd", Path(scratch) / "out"
        cwd.mkdir()
        command = [sys.executable, str(HERE / f"{name}.py"), *args, "--outdir", str(out)]
        print(f"$ {' '.join(command[1:])}", flush=True)
        start = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, env=env)
        seconds = time.perf_counter() - start
        if result.returncode != 0:
            raise SystemExit(f"{name}.py failed (exit status {result.returncode})")
        stray = sorted(p.name for p in cwd.iterdir())
        if stray:
            raise SystemExit(f"{name}.py wrote {stray} into its working directory")
        png = out / f"{name}.png"
        if not png.is_file():
            raise SystemExit(f"{name}.py did not write {png.name} into --outdir")
        outdir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, outdir / png.name)
    print(f"{name}: {seconds:.0f} s -> {outdir / png.name}", flush=True)
    return seconds


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Build the gallery; the wall time of each example, in seconds."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--quick", action="store_true", help="every example at --quick sizes (or SIMSUITE_QUICK=1)"
    )
    p.add_argument(
        "--outdir",
        type=Path,
        help="folder for the PNGs (default docs/img; with --quick examples/output/gallery)",
    )
    p.add_argument("names", nargs="*", help=f"only these examples ({', '.join(GALLERY)})")
    args = p.parse_args(argv)
    unknown = sorted(set(args.names) - set(GALLERY))
    if unknown:
        p.error(f"unknown examples {unknown}; known: {', '.join(GALLERY)}")
    quick = args.quick or os.environ.get("SIMSUITE_QUICK") == "1"
    outdir = args.outdir or (QUICK_OUTDIR if quick else DOCS_IMG)
    start = time.perf_counter()
    seconds = {name: run_example(name, outdir, quick) for name in args.names or GALLERY}
    print(f"gallery: {len(seconds)} images in {time.perf_counter() - start:.0f} s -> {outdir}")
    return seconds


if __name__ == "__main__":
    main()
