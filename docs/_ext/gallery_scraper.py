"""How sphinx-gallery runs simsuite's examples: their command line, their figures, their order.

The example scripts draw on :class:`matplotlib.figure.Figure` objects (no pyplot) and write each
figure as a PNG under their ``--outdir``; sphinx-gallery's matplotlib scraper looks at pyplot's
figures and so sees none of them. The docs build therefore gives every example an output folder
of its own, ``examples/output/docs/<example>`` (gitignored), through its command line, and shows
what the example wrote there:

* :func:`example_argv` (``reset_argv``) is an example's command line in the docs build:
  ``--quick`` when ``SIMSUITE_QUICK=1``, otherwise the arguments of the full run of the README
  gallery (``GALLERY`` of ``examples/make_gallery.py``), then ``--outdir`` its folder, from which
  it first removes the PNGs of an earlier build;
* :func:`written_figures` (the image scraper) runs after every code block: it moves the PNGs that
  appeared in that folder, in the order they were written, to the gallery's image files and returns
  the reST that shows them, one full-width image each (a moved file cannot be shown twice);
* :class:`GalleryOrder` (``within_subsection_order``) lists the examples in the order of
  ``GALLERY`` and the paper pages in the order of ``simsuite reproduce --list``;
* :func:`ran_in_other_mode` (``run_stale_examples``): sphinx-gallery runs an example again only
  when its source changed, so a quick build after a full one (or the reverse) would keep the other
  mode's pages; :func:`example_argv` stamps the mode each example ran in beside its page, and a
  build in the other mode runs them all again.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from typing import Any

from sphinx_gallery.scrapers import figure_rst

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
#: every example's output folder in the docs build lies under this one (``examples/output`` is
#: gitignored and is also the scripts' default ``--outdir``)
OUTPUT = EXAMPLES / "output" / "docs"
#: the paper pages (``examples/papers/``), in the order of ``simsuite reproduce --list``
PAPER_PAGES = ("reproduce_amangkurat", "reproduce_nlse", "reproduce_dewi_kadita")


def _readme_gallery() -> dict[str, tuple[str, ...]]:
    """``GALLERY`` of ``examples/make_gallery.py``: example name → arguments of its full run."""
    spec = importlib.util.spec_from_file_location(
        "_simsuite_make_gallery", EXAMPLES / "make_gallery.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.GALLERY)


GALLERY = _readme_gallery()


def quick() -> bool:
    """Whether the docs build runs the examples in their quick mode (``SIMSUITE_QUICK=1``)."""
    return os.environ.get("SIMSUITE_QUICK") == "1"


def output_folder(src_file: str | Path) -> Path:
    """The folder the example ``src_file`` writes into during the docs build."""
    relative = Path(src_file).resolve().relative_to(EXAMPLES.resolve())
    return OUTPUT / relative.with_suffix("")


def mode() -> str:
    """``"quick"`` or ``"full"``: how the examples run in this build."""
    return "quick" if quick() else "full"


def ran_in_other_mode(gallery_dir: str | Path) -> bool:
    """Whether some page of the generated gallery ``gallery_dir`` was made in the other mode (or
    in an unknown one): then every example must run again, changed or not."""
    for md5 in Path(gallery_dir).rglob("*.py.md5"):  # sphinx-gallery's mark of a page that ran
        stamp = md5.with_suffix(".mode")
        if not stamp.is_file() or stamp.read_text(encoding="utf-8").strip() != mode():
            return True
    return False


def example_argv(gallery_conf: dict[str, Any], script_vars: dict[str, Any]) -> list[str]:
    """The command line (``sys.argv[1:]``) of an example in the docs build; empties its folder of
    the PNGs of an earlier build, so that only what this run writes is shown, and stamps the mode
    beside the page (``<example>.py.mode``)."""
    src_file = Path(script_vars["src_file"])
    folder = output_folder(src_file)
    for stale in folder.glob("*.png"):
        stale.unlink()
    Path(f"{script_vars['target_file']}.mode").write_text(mode() + "\n", encoding="utf-8")
    arguments = ["--quick"] if quick() else list(GALLERY.get(src_file.stem, ()))
    # relative to the example's folder, the working directory sphinx-gallery runs it in: the
    # printed "wrote ..." lines then show no machine-specific path
    return [*arguments, "--outdir", os.path.relpath(folder, src_file.parent)]


def written_figures(block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any]) -> str:
    """The image scraper: the figures the example wrote into its folder during the last block."""
    folder = output_folder(block_vars["src_file"])
    if not folder.is_dir():
        return ""
    written = sorted(folder.glob("*.png"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    rst = []
    for png in written:
        image = Path(block_vars["image_path_iterator"].next())
        shutil.move(png, image)
        alt = png.stem.replace("_", " ")
        rst.append(figure_rst([image], gallery_conf["src_dir"], alt))
    return "".join(rst)


class GalleryOrder:
    """Sort key of the examples in a gallery folder: the README gallery's order, then the papers'
    (anything else after them, by file name)."""

    ORDER = (*GALLERY, *PAPER_PAGES)

    def __init__(self, src_dir: str | Path) -> None:
        self.src_dir = src_dir

    def __repr__(self) -> str:  # sphinx-gallery compares configs through it
        return "<GalleryOrder>"

    def __call__(self, filename: str) -> tuple[int, str]:
        stem = Path(filename).stem
        rank = self.ORDER.index(stem) if stem in self.ORDER else len(self.ORDER)
        return rank, str(filename)
