"""The example scripts run, measure the right physics and write their figures.

Every example runs with ``--quick`` in a few seconds and writes its PNG under ``--outdir`` and
nothing in the working directory; where the quick run still measures physics, the test checks it.
The README gallery (``docs/img``) is made by ``examples/make_gallery.py`` from every example; one
``--quick`` run of it, from an empty working directory, is the test that each example runs as a
script from elsewhere.

The documentation's gallery runs the same scripts under sphinx-gallery, plus one page per paper
(``examples/papers/``); ``docs/_ext/gallery_scraper.py`` gives each its command line and shows the
PNGs it writes. The tests below run one paper page and check the scraper's logic.

``examples/kg_kink_antikink_windows.py``: φ⁴ kink–antikink collisions (λ = 2, v = 1, kink width 1,
critical speed u_c ≈ 0.2598). Below u_c the pair is captured into a bion except in narrow two-bounce
windows; above it the walls separate after one bounce, more slowly than they came.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import re
import runpy
import struct
import subprocess
import sys

import numpy as np
import pytest

from .conftest import ROOT


def load_example(name: str):
    """Import ``examples/<name>.py`` and register it under its name (its dataclasses and the
    process pool look it up in ``sys.modules``); the caller removes it."""
    folder = str(ROOT / "examples")
    if folder not in sys.path:  # as when the script runs: its folder (and _common.py) importable
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def windows():
    """The kink–antikink example module."""
    try:
        yield load_example("kg_kink_antikink_windows")
    finally:
        sys.modules.pop("kg_kink_antikink_windows", None)


@pytest.fixture(autouse=True)
def elsewhere(tmp_path_factory, monkeypatch):
    """Run each test from an empty working directory that must stay empty: examples write only
    under their ``--outdir``."""
    cwd = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(cwd)
    yield cwd
    assert sorted(p.name for p in cwd.iterdir()) == []


def png_size(path):
    """(width, height) from the IHDR chunk of a PNG."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


# -- measurement -----------------------------------------------------------------------------------
def test_zero_crossings_find_both_walls(windows):
    """The walls of tanh(x + a) − tanh(x − a) − 1 are at ±x_w, cosh 2x_w = 2 sinh 2a − cosh 2a;
    linear interpolation on dx = 0.1 locates them to better than 1e-3."""
    x = np.linspace(-30.0, 30.0, 601)
    a = 7.3
    phi = np.tanh(x + a) - np.tanh(x - a) - 1.0
    root = 0.5 * np.arccosh(2.0 * np.sinh(2.0 * a) - np.cosh(2.0 * a))
    crossings = windows.zero_crossings(x, phi)
    assert crossings.size == 2
    assert np.allclose(crossings, [-root, root], atol=1e-3)
    assert windows.zero_crossings(x, -np.ones_like(x)).size == 0


def test_outgoing_speed_fits_free_walls_only(windows):
    t = np.arange(0.2, 100.01, 0.2)
    # walls that bounce near the centre and then leave at speed 0.12 from t = 40
    right = np.where(t < 40.0, 1.0, 1.0 + 0.12 * (t - 40.0))
    walls = np.column_stack((-right, right))
    assert windows.outgoing_speed(t, walls, 100.0) == pytest.approx(0.12, rel=1e-12)
    # a bion: crossings within one width of the centre, or none at all
    bion = np.column_stack((-0.7 * np.abs(np.sin(t)), 0.7 * np.abs(np.sin(t))))
    bion[::3] = np.nan
    assert windows.outgoing_speed(t, bion, 100.0) is None
    # an excursion beyond FREE_RADIUS that has come back by the end is not an escape
    excursion = np.column_stack((-right, right))
    excursion[-10:] = [-2.0, 2.0]
    assert windows.outgoing_speed(t, excursion, 100.0) is None


def test_critical_speed_needs_one_bounce_escape(windows):
    """Two-bounce escapes just below u_c do not pull the estimate down."""
    O = windows.Outcome
    outcomes = [
        O(0.20, 0.0, True, None),
        O(0.23, 0.15, False, 2),
        O(0.24, 0.0, True, None),
        O(0.25, 0.18, False, 2),
        O(0.255, 0.16, False, 3),
        O(0.26, 0.03, False, 1),
        O(0.30, 0.14, False, 1),
    ]
    u_c, below = windows.critical_speed(outcomes)
    assert (u_c, below) == (0.26, 0.255)
    found = windows.escape_windows(outcomes, u_c)
    assert [(w.first, w.last, w.below, w.above) for w in found] == [
        (0.23, 0.23, 0.20, 0.24),
        (0.25, 0.255, 0.24, 0.26),
    ]
    assert found[1].bounces == (2, 3)


# -- the script ------------------------------------------------------------------------------------
def test_capture_below_and_escape_above_the_critical_speed(windows, tmp_path, capsys):
    """u = 0.22 lies between the first two two-bounce windows: captured. u = 0.30 and 0.35 escape
    after one bounce, inelastically (0 < u_out < u). L = 100, n = 1024 (dx ≈ 0.1), t = 100: the
    outgoing speeds agree with those on L = 200, n = 2048, t = 250 to 1e-3."""
    result = windows.main(
        [
            "--speeds",
            "0.22",
            "0.30",
            "0.35",
            "--n-points",
            "1024",
            "--length",
            "100",
            "--t-final",
            "100",
            "--outdir",
            str(tmp_path),
        ]
    )
    by_speed = {round(o.u, 6): o for o in result.outcomes}
    assert by_speed[0.22].captured and by_speed[0.22].u_out == 0.0
    for u, expected in ((0.30, 0.1385), (0.35, 0.2159)):
        o = by_speed[u]
        assert not o.captured and o.n_bounces == 1
        assert 0.0 < o.u_out < u
        assert o.u_out == pytest.approx(expected, abs=1e-3)
    assert result.critical_speed == pytest.approx(0.30)

    assert result.png == tmp_path / "kg_kink_antikink_windows.png"
    assert result.png.stat().st_size > 0
    width, _ = png_size(result.png)
    assert width <= 1280
    rows = list(csv.DictReader(result.csv.open(encoding="utf-8")))
    assert [r["captured"] for r in rows] == ["1", "0", "0"]
    assert [r["n_bounces"] for r in rows] == ["", "1", "1"]
    assert float(rows[1]["u_out"]) == pytest.approx(by_speed[0.30].u_out, abs=1e-6)
    assert "critical speed u_c" in capsys.readouterr().out


@pytest.mark.slow
def test_the_first_two_bounce_window(windows, tmp_path):
    """u = 0.198 sits inside the first two-bounce window (≈ 0.19–0.20): escape after two bounces;
    u = 0.185 and 0.21 on either side are captured."""
    result = windows.main(
        [
            "--speeds",
            "0.185",
            "0.198",
            "0.21",
            "--n-points",
            "1024",
            "--length",
            "100",
            "--t-final",
            "150",
            "--outdir",
            str(tmp_path),
        ]
    )
    captured = [o.captured for o in result.outcomes]
    assert captured == [True, False, True]
    inside = result.outcomes[1]
    assert inside.n_bounces == 2 and 0.0 < inside.u_out < inside.u
    assert [(w.first, w.last) for w in result.windows] == [(0.198, 0.198)]


# -- the other examples, at their --quick sizes ----------------------------------------------------
@pytest.fixture
def example(request):
    name = request.param
    try:
        yield load_example(name)
    finally:
        sys.modules.pop(name, None)


@pytest.mark.parametrize("example", ["nlse_mi_gain"], indirect=True)
def test_mi_gain_matches_benjamin_feir(example, tmp_path):
    """Every sideband with analytic growth rate above 0.5 grows at that rate to 2e-3 (the quick
    run measures 2.7e-4)."""
    gain = example.main(["--quick", "--outdir", str(tmp_path)])
    fast = gain.analytic > 0.5
    assert fast.sum() >= 10
    np.testing.assert_allclose(gain.measured[fast], gain.analytic[fast], rtol=0, atol=2e-3)
    peak = gain.wavenumber[np.argmax(gain.measured)]
    assert abs(peak - np.sqrt(2.0)) < 0.07  # the grid spacing is 2π/100
    assert gain.png.stat().st_size > 0


@pytest.mark.parametrize("example", ["couzin_states"], indirect=True)
def test_couzin_states_example(example, tmp_path):
    measured = example.main(["--quick", "--outdir", str(tmp_path)])
    assert set(measured) == set(example.STATES)
    assert all(0.0 <= p <= 1.0 and 0.0 <= m <= 1.0 for p, m in measured.values())
    assert png_size(tmp_path / "couzin_states.png")[0] <= 1440


@pytest.mark.parametrize("example", ["entropy_regimes"], indirect=True)
def test_entropy_regimes_example(example, tmp_path):
    points = example.main(["--quick", "--outdir", str(tmp_path)])
    assert len(points) == len(example.FIELD_RUNS) + len(example.SCHOOL_RUNS)
    assert all(0.0 <= h <= 1.0 and 0.0 <= c <= 1.0 for h, c in points.values())
    assert points["kg_kink"] == (0.0, 0.0)  # a field that does not move has no ordinal structure
    assert (tmp_path / "entropy_regimes.png").stat().st_size > 0


def test_windows_quick_flag(windows, tmp_path):
    result = windows.main(["--quick", "--outdir", str(tmp_path)])
    assert [round(o.u, 2) for o in result.outcomes] == [0.22, 0.3, 0.35]
    assert result.png.exists()


@pytest.mark.parametrize("example", ["couzin_phase_diagram"], indirect=True)
def test_phase_diagram_example_runs_a_sweep(example, tmp_path):
    summary = example.main(["--quick", "--workers", "1", "--outdir", str(tmp_path)])
    assert summary.sizes["delta_r_orientation"] == 2 and summary.sizes["delta_r_attraction"] == 2
    assert (summary["status"] == "complete").all()
    for name in ("polarization", "rotation"):
        values = summary[name].values
        assert ((values >= 0) & (values <= 1)).all()
    assert png_size(tmp_path / "couzin_phase_diagram.png")[0] <= 1280


# -- the gallery -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gallery():
    try:
        yield load_example("make_gallery")
    finally:
        sys.modules.pop("make_gallery", None)


def test_gallery_covers_readme_and_docs_img(gallery):
    """make_gallery.py makes every image README.md shows from docs/img, every PNG in docs/img,
    and runs every example (so that its --quick run below runs each as a script)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"docs/img/([\w.-]+\.png)", readme))
    made = set(gallery.images())
    assert shown and shown <= made
    assert {p.name for p in (ROOT / "docs" / "img").glob("*.png")} == made
    scripts = {p.stem for p in (ROOT / "examples").glob("*.py")} - {"_common", "make_gallery"}
    assert set(gallery.GALLERY) == scripts


def test_quick_gallery_from_elsewhere(gallery, elsewhere, tmp_path):
    """``make_gallery.py --quick`` run from an empty directory writes every image into --outdir
    and nothing into the directory; it runs each example as a script in an empty working
    directory of its own and fails if the example leaves anything there or writes no PNG."""
    outdir = tmp_path / "gallery"
    script = ROOT / "examples" / "make_gallery.py"
    done = subprocess.run(
        [sys.executable, str(script), "--quick", "--outdir", str(outdir)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert sorted(p.name for p in outdir.iterdir()) == sorted(gallery.images())
    for name in gallery.images():
        width, height = png_size(outdir / name)
        assert 600 <= width <= 1440 and height >= 400
    for name in ("nlse_four_cases.png", "kg_four_cases.png"):
        width, height = png_size(outdir / name)
        assert 800 <= width <= 1280 and height > 400


# -- the documentation's gallery (sphinx-gallery) -------------------------------------------------
def test_paper_page(elsewhere, tmp_path, monkeypatch, capsys):
    """``examples/papers/reproduce_nlse.py --quick`` run as sphinx-gallery and Python run it (as
    ``__main__``, its folder on the path) from an empty directory: the paper's figures and report
    land in --outdir, the report is printed as tables, nothing is left in the directory."""
    from simsuite.papers import get_paper

    outdir = tmp_path / "nlse"
    script = ROOT / "examples" / "papers" / "reproduce_nlse.py"
    monkeypatch.syspath_prepend(str(script.parent))
    monkeypatch.setattr(sys, "argv", [str(script), "--quick", "--outdir", str(outdir)])
    monkeypatch.delitem(sys.modules, "_reproduce", raising=False)
    try:
        runpy.run_path(str(script), run_name="__main__")
    finally:
        sys.modules.pop("_reproduce", None)
    printed = capsys.readouterr().out
    for name in get_paper("nlse").figures:
        assert f"wrote {outdir / name}.png" in printed
        assert png_size(outdir / f"{name}.png")[0] >= 600
    assert (outdir / "report.md").is_file()
    lines = printed.splitlines()
    assert "Quick mode: reduced sizes; the numbers are not the paper's runs." in lines
    assert "Two-soliton collision" in lines  # a section of the report, as a table
    assert any(line.split()[:4] == ["quantity", "simsuite", "paper", "unit"] for line in lines)


@pytest.fixture
def scraper(monkeypatch, tmp_path):
    """``docs/_ext/gallery_scraper.py`` with its output folders under ``tmp_path``."""
    pytest.importorskip("sphinx_gallery")
    spec = importlib.util.spec_from_file_location(
        "gallery_scraper", ROOT / "docs" / "_ext" / "gallery_scraper.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUTPUT", tmp_path / "docs")
    return module


def test_gallery_pages_are_the_examples_and_the_papers(scraper, gallery):
    """The gallery orders every example of the README gallery and one page per paper of
    ``simsuite reproduce``, and nothing else."""
    from simsuite.papers import paper_names

    pages = {p.stem for p in (ROOT / "examples" / "papers").glob("[a-z]*.py")}
    assert pages == {f"reproduce_{name.replace('-', '_')}" for name in paper_names()}
    assert scraper.PAPER_PAGES == tuple(f"reproduce_{n.replace('-', '_')}" for n in paper_names())
    assert scraper.GALLERY == gallery.GALLERY
    order = scraper.GalleryOrder("unused")
    assert sorted(["zzz.py", *(f"{n}.py" for n in reversed(order.ORDER))], key=order) == [
        *(f"{n}.py" for n in order.ORDER),
        "zzz.py",
    ]


def test_gallery_command_line(scraper, monkeypatch, tmp_path):
    """``--quick`` under SIMSUITE_QUICK=1, else the README gallery's arguments; always an
    ``--outdir`` of the example's own (relative to its folder), emptied of earlier PNGs. The mode
    is stamped beside the page, and a build in the other mode runs every example again."""
    example = ROOT / "examples" / "kg_kink_antikink_windows.py"
    page = ROOT / "examples" / "papers" / "reproduce_nlse.py"
    folder = tmp_path / "docs" / "kg_kink_antikink_windows"
    folder.mkdir(parents=True)
    (folder / "old.png").write_bytes(b"")
    (folder / "kept.csv").write_bytes(b"")
    built = tmp_path / "auto_examples"
    built.mkdir()
    target = built / "kg_kink_antikink_windows.py"
    target.with_suffix(".py.md5").write_text("0", encoding="utf-8")
    script_vars = {"src_file": str(example), "target_file": str(target)}
    monkeypatch.setenv("SIMSUITE_QUICK", "1")
    assert scraper.ran_in_other_mode(built)  # a page made in an unknown mode
    argv = scraper.example_argv({}, script_vars)
    assert argv[:2] == ["--quick", "--outdir"]
    assert (example.parent / argv[2]).resolve() == folder.resolve()
    assert sorted(p.name for p in folder.iterdir()) == ["kept.csv"]
    assert not scraper.ran_in_other_mode(built)
    monkeypatch.delenv("SIMSUITE_QUICK")
    assert scraper.ran_in_other_mode(built)
    assert scraper.example_argv({}, script_vars)[:3] == ["--workers", "2", "--outdir"]
    assert not scraper.ran_in_other_mode(built)
    argv = scraper.example_argv({}, {"src_file": str(page), "target_file": str(built / "p.py")})
    assert argv[0] == "--outdir"
    assert (page.parent / argv[1]).resolve() == (tmp_path / "docs" / "papers" / "reproduce_nlse")


def test_gallery_scraper_shows_each_written_figure_once(scraper, tmp_path):
    """The scraper moves the PNGs written since the last block, oldest first, into the gallery's
    image files and returns one image directive for each; CSV files and subfolders stay."""
    from sphinx_gallery.scrapers import ImagePathIterator

    example = ROOT / "examples" / "nlse_four_cases.py"
    folder = tmp_path / "docs" / "nlse_four_cases"
    (folder / "runs").mkdir(parents=True)
    (folder / "runs" / "inner.png").write_bytes(b"not shown")
    (folder / "table.csv").write_bytes(b"u")
    images = tmp_path / "src" / "auto_examples" / "images"
    images.mkdir(parents=True)
    block_vars = {
        "src_file": str(example),
        "image_path_iterator": ImagePathIterator(images / "sphx_glr_nlse_four_cases_{0:03}.png"),
    }
    conf = {"src_dir": str(tmp_path / "src")}
    for k, name in enumerate(("second", "first")):
        (folder / f"{name}.png").write_bytes(name.encode())
        os.utime(folder / f"{name}.png", ns=(10**9 * (2 - k), 10**9 * (2 - k)))
    rst = scraper.written_figures(None, block_vars, conf)
    shown = [
        images / "sphx_glr_nlse_four_cases_001.png",
        images / "sphx_glr_nlse_four_cases_002.png",
    ]
    assert [p.read_bytes() for p in shown] == [b"first", b"second"]
    assert rst.count(".. image-sg:: /auto_examples/images/sphx_glr_nlse_four_cases_00") == 2
    assert rst.index(":alt: first") < rst.index(":alt: second")
    assert sorted(p.name for p in folder.iterdir()) == ["runs", "table.csv"]
    assert scraper.written_figures(None, block_vars, conf) == ""  # nothing new: nothing shown
