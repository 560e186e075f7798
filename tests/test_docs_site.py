"""The documentation site (issue 21): built with warnings as errors, and checked over its HTML.

The build is the one the README gives (``python -m sphinx -W -b html docs …``) with the gallery in
its quick mode (``SIMSUITE_QUICK=1``), into a temporary folder. It fails on any warning: a broken
cross-reference (``nitpicky``), a docstring that does not parse, a public name without documentation
(``docs/_ext/api_pages.py``) or an example that raises. The HTML is then checked: every public name
of the API reference has its page, every example has a gallery page showing a figure, and every
internal link and image points at a file (and an anchor) that exists.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import types
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import sphinx  # noqa: F401  (the test extra installs the docs extra)

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"

sys.path.insert(0, str(DOCS / "_ext"))
api_pages = importlib.import_module("api_pages")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built as the README says, the gallery in quick mode; its HTML folder."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "SIMSUITE_QUICK": "1", "MPLBACKEND": "Agg"}
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    command += [str(DOCS), str(out / "html"), "-d", str(out / "doctrees")]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, (done.stdout[-3000:] + done.stderr[-6000:]) or "sphinx failed"
    return out / "html"


class Page(HTMLParser):
    """The ids, links (``href``) and images (``src``) of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag in ("img", "script", "link") and values.get("src" if tag != "link" else "href"):
            target = values["src" if tag != "link" else "href"]
            (self.images if tag == "img" else self.links).append(target)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def api_names() -> list[str]:
    """Every documented public name, as ``module.name``, of the API list of ``api_pages``."""
    names = []
    for section in api_pages.API:
        module = importlib.import_module(section.module)
        for name in api_pages.public_names(module):
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType):
                names += [f"{obj.__name__}.{sub}" for sub in api_pages.public_names(obj)]
            else:
                names.append(f"{section.module}.{name}")
    return names


def test_the_api_list_covers_what_the_issue_names():
    names = set(api_names())
    for required in ("run", "load_config", "open_output", "sweep", "reproduce"):
        assert f"simsuite.{required}" in names
    assert "simsuite.analyze.analyze" in names
    assert "simsuite.diagnostics.entropy.shannon" in names
    assert "simsuite.diagnostics.schooling.oceanic_schooling_index" in names
    assert "simsuite.plotting.standard_figures" in names
    assert "simsuite.plotting.fields.spacetime_map" in names


def test_every_public_name_has_an_api_page(site):
    missing = []
    for name in api_names():
        page = site / "api" / "generated" / f"{name}.html"
        if not page.is_file() or name not in parse(page).ids:
            missing.append(name)
    assert not missing, f"no API page (or no entry with the name's anchor) for {missing}"


def gallery_scripts() -> list[Path]:
    """The example scripts (helpers start with ``_``; ``make_gallery.py`` builds the README's images)."""
    scripts = [*EXAMPLES.glob("*.py"), *(EXAMPLES / "papers").glob("*.py")]
    return sorted(p for p in scripts if not p.stem.startswith("_") and p.stem != "make_gallery")


def test_every_example_has_a_gallery_page_with_a_figure(site):
    scripts = gallery_scripts()
    assert len(scripts) >= 10  # seven examples and a page per paper
    for script in scripts:
        page = site / "auto_examples" / script.relative_to(EXAMPLES).with_suffix(".html")
        assert page.is_file(), f"no gallery page for {script.relative_to(ROOT)}"
        images = [src for src in parse(page).images if "sphx_glr" in src]
        assert images, f"{page.name} shows no figure of its example"
        for src in images:
            assert (page.parent / unquote(src)).is_file(), f"{page.name}: missing image {src}"


def test_internal_links_and_images_resolve(site):
    # the theme's _static/ holds Jinja templates, not pages
    pages = {path: parse(path) for path in site.rglob("*.html") if "_static" not in path.parts}
    broken = []
    for path, page in pages.items():
        for target in page.links + page.images:
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith(("mailto:", "javascript:")):
                continue
            file = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if file.is_dir():
                file = file / "index.html"
            if not file.exists():
                broken.append(f"{path.relative_to(site)} -> {target}")
            elif parts.fragment and file.suffix == ".html":
                ids = pages[file].ids if file in pages else parse(file).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{path.relative_to(site)} -> {target} (no such anchor)")
    assert len(pages) > 50
    assert not broken, "broken internal links:\n" + "\n".join(sorted(set(broken))[:40])


def test_a_public_name_without_documentation_is_reported(caplog):
    """The check that makes an undocumented public function fail the ``-W`` build."""
    module = types.ModuleType("fake_api")
    module.__all__ = ["documented", "undocumented", "absent"]

    def documented():
        """Has a docstring."""

    def undocumented():
        pass

    module.documented, module.undocumented = documented, undocumented
    with caplog.at_level("WARNING"):
        api_pages.check_documented(module, api_pages.public_names(module))
    messages = " ".join(record.getMessage() for record in caplog.records)
    assert "fake_api.undocumented has no documentation" in messages
    assert "'absent'" in messages
    assert "fake_api.documented" not in messages
