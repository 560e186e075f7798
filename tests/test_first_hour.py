"""A new user's first hour (issue 16): where compiled kernels are cached, the README's set-up and
Quick start as CI runs them, progress reports off a terminal, and paths printed as a user reads them.

The whole path (a fresh environment, the two set-up commands in the README's order, then every Quick
start command) runs in ``.ci/run`` through ``.ci/user_path.py``; these tests keep the README, the CI
script and the package in step, and check each cause of the failures that path once hit.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import tomli_w

from simsuite import cli
from simsuite.numba_cache import PRUNE_DAYS, kernel_fingerprint, prune_other_fingerprints
from simsuite.progress import LineProgress, progress_bar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".ci"))
from user_path import documentation, quick_start  # noqa: E402

PACKAGE = ROOT / "simsuite"


def _python(code: str, env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _env_without_numba_cache(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    return {**env, **extra}


def test_compiled_kernels_are_cached_per_user_not_in_the_package(tmp_path):
    """A cached kernel compiled by simsuite lands under the per-user cache folder; nothing is
    written into the package's own folders (which in an installed copy are site-packages: a
    read-only install, and folders that outlive ``pip uninstall`` and shadow an editable install)."""
    env = _env_without_numba_cache(XDG_CACHE_HOME=str(tmp_path / "cache"))
    before = set(PACKAGE.rglob("*weighted_sum_into*.nbi"))
    code = (
        "import numpy as np, numba, simsuite\n"
        "from simsuite.integrators.kernels import weighted_sum_into\n"
        "out = np.zeros(4); weighted_sum_into(out, np.ones((2, 4)), np.array([1.0, 2.0]))\n"
        "assert out.tolist() == [3.0] * 4\n"
        "print(numba.config.CACHE_DIR)\n"
    )
    printed = _python(code, env, tmp_path)
    assert Path(printed) == tmp_path / "cache" / "simsuite" / "numba" / kernel_fingerprint()
    assert list(Path(printed).rglob("kernels.weighted_sum_into*.nbi"))
    assert set(PACKAGE.rglob("*weighted_sum_into*.nbi")) == before


def test_a_users_numba_cache_dir_is_respected_and_numba_imported_first_is_covered(tmp_path):
    chosen = tmp_path / "mine"
    env = _env_without_numba_cache(NUMBA_CACHE_DIR=str(chosen))
    assert _python("import simsuite, numba; print(numba.config.CACHE_DIR)", env, tmp_path) == str(
        chosen
    )
    env = _env_without_numba_cache(XDG_CACHE_HOME=str(tmp_path / "cache"))
    code = "import numba; import simsuite; print(numba.config.CACHE_DIR)"
    expected = tmp_path / "cache" / "simsuite" / "numba" / kernel_fingerprint()
    assert Path(_python(code, env, tmp_path)) == expected


def test_the_integrators_compiled_loops_load_from_the_cache_in_a_new_process(tmp_path):
    """The compiled loops take a model's kernels as arguments (``JitArgument``); a second process
    must load them from numba's cache, not compile them again (each compile costs seconds)."""
    code = (
        "import simsuite\n"
        "from simsuite.run_setup import build\n"
        "for name, method in (('nlse', 'dop853'), ('nlse', 'etd_abm4'), ('klein_gordon', 'verlet'),"
        " ('klein_gordon', 'exponential_verlet')):\n"
        "    cfg = simsuite.load_config({'model': {'name': name}, 'integrator': {'method': method},"
        " 'grid': {'n_points': 64}})\n"
        "    model, stepper = build(cfg)\n"
        "    stepper.advance(model.initial_state(), 0.0, 0.05)\n"
    )
    env = _env_without_numba_cache(NUMBA_CACHE_DIR=str(tmp_path / "numba"), NUMBA_DEBUG_CACHE="1")
    first = _python(code, env, tmp_path)
    second = _python(code, env, tmp_path)
    loops = ("lawson_step", "adams_steps", "kick_drift_steps", "exponential_run")
    for loop in loops:
        assert any(loop in line and "data saved" in line for line in first.splitlines()), loop
        assert any(loop in line and "data loaded" in line for line in second.splitlines()), loop
    assert "data saved" not in second


def test_a_change_to_any_kernel_module_starts_a_fresh_cache_folder(tmp_path):
    """numba checks a cached kernel against its own file only; a kernel that calls (or is handed)
    kernels of other modules would go stale when only those change. The fingerprint covers every
    module that uses numba, and only those."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "a.py").write_text("import numba\n")
    (package / "sub" / "b.py").write_text("from numba import njit\n")
    (package / "c.py").write_text("x = 1\n")
    first = kernel_fingerprint(package)
    (package / "c.py").write_text("x = 2\n")
    assert kernel_fingerprint(package) == first
    (package / "sub" / "b.py").write_text("from numba import njit  # changed\n")
    assert kernel_fingerprint(package) != first


def test_cache_folders_of_other_fingerprints_are_pruned_when_unused(tmp_path):
    old, recent, current = (tmp_path / name for name in ("old", "recent", "current"))
    for folder in (old, recent, current):
        folder.mkdir()
    days_ago = time.time() - (PRUNE_DAYS + 1) * 86400.0
    os.utime(old, (days_ago, days_ago))
    os.utime(current, (days_ago, days_ago))
    prune_other_fingerprints(tmp_path, keep="current")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current", "recent"]


def test_ci_runs_the_readmes_setup_commands_in_order_then_the_quick_start():
    """``.ci/run`` performs the user's path exactly as the README gives it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set-up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", setup, flags=re.S)
    assert commands == [
        "python -m pip install . && simsuite run --all",
        'python -m pip install -e ".[test]" && python -m pytest',
    ]
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    positions = [lines.index(command) for command in commands]
    assert positions == sorted(positions)
    assert lines.index("python .ci/user_path.py") > positions[-1]


def test_quick_start_leaves_the_canonical_outputs_alone():
    """Every run of the Quick start writes its own file, never one that ``run --all`` wrote; the
    Python snippet passes its own ``output`` to every ``simsuite.run``."""
    shell, python = quick_start()
    canonical = {f"outputs/{p.stem}.nc" for p in (ROOT / "configs").glob("*.toml")}
    runs = [c for c in shell if c.startswith("simsuite run ")]
    assert len(runs) >= 3
    for command in runs:
        output = re.search(r"--output (\S+)", command)
        assert output, command
        assert output.group(1) not in canonical, command
    assert all(not c.startswith("simsuite analyze") or "--output" in c for c in shell)
    (snippet,) = python
    calls = re.findall(r"simsuite\.run\((.*)\)", snippet)
    assert calls and all("output=" in call for call in calls)
    assert "overwrite=True" not in snippet or "outputs/quickstart/" in snippet


def test_line_progress_off_a_terminal_prints_a_line_per_tenth():
    file = io.StringIO()  # not a terminal
    bar = progress_bar(201, desc="kink", unit="snap", file=file)
    assert isinstance(bar, LineProgress)
    for _ in range(201):
        bar.update(1)
    bar.close()
    lines = file.getvalue().splitlines()
    assert len(lines) == 10 and "\r" not in file.getvalue()
    assert lines[0].startswith("kink: 10% (21/201 snap, ")
    assert lines[-1].startswith("kink: 100% (201/201 snap, ")


def test_line_progress_after_a_restart_and_on_a_terminal():
    file = io.StringIO()
    bar = LineProgress(100, initial=55, file=file)
    bar.update(5)
    bar.update(40)
    assert [line.split("%")[0] for line in file.getvalue().splitlines()] == ["60", "100"]

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    from tqdm import tqdm

    bar = progress_bar(10, file=Terminal())
    assert isinstance(bar, tqdm)
    bar.close()
    silent = progress_bar(10, enabled=False, file=Terminal())
    silent.update(3)
    silent.set_postfix_str("1 failed")  # the sweep's bar shows failures beside the count
    file = io.StringIO()
    bar = progress_bar(4, desc="sweep", unit="run", file=file)
    bar.set_postfix_str("1 failed", refresh=False)
    bar.update(4)
    assert file.getvalue().startswith("sweep: 100% (4/4 run, ") and "s) 1 failed" in file.getvalue()
    assert not isinstance(silent, (tqdm, LineProgress))


def test_run_all_prints_config_names_and_relative_paths(tmp_path, monkeypatch, capsys):
    """``run --all`` names each case and prints where it wrote relative to the current folder, not
    the installed package's site-packages paths."""
    shipped = tmp_path / "site-packages" / "simsuite" / "configs"
    shipped.mkdir(parents=True)
    raw = {
        "model": {"name": "nlse"},
        "time": {"t_final": 0.2, "dt": 0.01, "n_snapshots": 3},
        "grid": {"n_points": 64},
        "output": {"path": "outputs/tiny.nc"},
    }
    (shipped / "tiny.toml").write_text(tomli_w.dumps(raw))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(cli, "canonical_configs", lambda: [shipped / "tiny.toml"])
    assert cli.main(["run", "--all", "--set", "run.progress=false"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("tiny: wrote outputs/tiny.nc (3 snapshots, ")
    assert "site-packages" not in out


def test_display_path():
    assert cli.display_path(Path.cwd() / "a" / "b.nc") == os.path.join("a", "b.nc")
    assert cli.display_path("/") == "/"


def test_the_docs_build_command_is_the_same_in_the_readme_and_the_docs():
    """The README's Documentation section installs the docs extra and builds with warnings as
    errors; getting started gives the same commands, and CI (``.ci/user_path.py``) runs them."""
    commands = documentation()
    assert commands == [
        'python -m pip install -e ".[docs]" && python -m sphinx -W -b html docs docs/_build/html'
    ]
    guide = (ROOT / "docs" / "getting_started.md").read_text(encoding="utf-8")
    for part in commands[0].split(" && "):
        assert part in guide
