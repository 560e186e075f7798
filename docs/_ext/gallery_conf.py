"""The sphinx-gallery configuration: the examples of ``examples/`` become the gallery's pages."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/[a-z]",
    "ignore_pattern": r"(_common|make_gallery)\.py",
    "reset_argv": lambda gallery_conf, script_vars: (
        ["--quick"] if os.environ.get("SIMSUITE_QUICK") == "1" else []
    ),
    "download_all_examples": False,
    "remove_config_comments": True,
    "plot_gallery": "True",
}
