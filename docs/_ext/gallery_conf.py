"""The sphinx-gallery configuration: the examples of ``examples/`` become the gallery's pages.

``examples/*.py`` are the examples and ``examples/papers/*.py`` the paper reproductions, one page
each (files starting with ``_`` are their shared helpers; ``make_gallery.py`` builds the README
gallery). ``SIMSUITE_QUICK=1`` runs every page in its quick mode (about a minute for the whole
gallery on 2 cores); without it the examples run as the README gallery runs them. The command line,
the figures (written as PNG files, not pyplot figures) and the order come from
:mod:`gallery_scraper`; callables are named by strings so that Sphinx can pickle the config.
"""

from __future__ import annotations

from pathlib import Path

from gallery_scraper import ran_in_other_mode

ROOT = Path(__file__).resolve().parents[2]

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/[a-z]\w*\.py$",  # run every page
    "ignore_pattern": r"(^|/)(_\w*|make_gallery)\.py$",
    "within_subsection_order": "gallery_scraper.GalleryOrder",
    "reset_argv": "gallery_scraper.example_argv",
    "image_scrapers": ("gallery_scraper.written_figures",),
    "download_all_examples": False,
    "remove_config_comments": True,
    "plot_gallery": "True",
    # pages made in the other mode (quick / full) than this build's run again, changed or not
    "run_stale_examples": ran_in_other_mode(ROOT / "docs" / "auto_examples"),
}
