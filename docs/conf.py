"""Sphinx configuration of the simsuite documentation site.

Build it with ``python -m sphinx -W -b html docs docs/_build/html`` (after
``python -m pip install -e ".[docs]"``); ``SIMSUITE_QUICK=1`` runs the gallery's examples in their
quick mode (a couple of minutes on 2 cores in all).
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

from gallery_conf import sphinx_gallery_conf  # noqa: E402, F401

import simsuite  # noqa: E402

project = "simsuite"
author = "simsuite developers"
copyright = "2026, simsuite developers"
release = simsuite.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "api_pages",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "**.ipynb_checkpoints", "auto_examples/**/*.ipynb"]
# _templates/autosummary/class.rst: the class pages of the API reference
templates_path = ["_templates"]

# -- MyST (the guide pages are Markdown) -----------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# -- API reference: autodoc + autosummary, NumPy-style docstrings through napoleon ----------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
# a type such as {"shannon", "renyi"} becomes literals, "optional" stays prose
napoleon_preprocess_types = True
# types of an "Attributes" entry come from the docstring only, never from the class annotations
# (RunConfig's annotations name its section classes, which the config reference documents instead)
napoleon_attr_annotations = False

# Broken cross-references are errors (with -W); names of other packages cannot resolve offline
# (no intersphinx inventories), so only they are exempt.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|xarray|xr|matplotlib|mpl|scipy|numba|dask|distributed|netCDF4)(\..*)?"),
    (r"py:.*", r"(pathlib|os|collections|typing|concurrent|argparse|types|dataclasses)\..*"),
    (r"py:.*", r"(ndarray|array_like|array-like|Dataset|DataArray|Figure|Axes|Path|optional)"),
    # the NumPy docstring vocabulary for a function argument (the builtin callable is no class)
    (r"py:class", r"callable"),
    # numpy.typing.ArrayLike, imported for type checkers only: the signatures hold the bare name
    (r"py:class", r"ArrayLike"),
]

# -- HTML -----------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"simsuite {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    # the project's name as the navbar's brand (there is no logo image)
    "logo": {"text": f"simsuite {release}"},
    # no icon links: the project has no public repository or site URL to point to
    "icon_links": [],
    "use_edit_page_button": False,
    "navbar_align": "left",
    "navbar_end": ["theme-switcher"],
    # every top-level page in the navbar (getting started, guide, gallery, API, config, benchmarks,
    # changelog) before a "More" menu would hide some
    "header_links_before_dropdown": 7,
    # left sidebar: the pages of the current section, two levels open (e.g. the API reference's
    # modules, then their function pages)
    "show_nav_level": 1,
    "navigation_depth": 3,
    "collapse_navigation": False,
    "navigation_with_keys": False,
    # right sidebar: this page's headings
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_show_sourcelink = False
