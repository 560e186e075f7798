"""A new user's first hour, as CI checks it: every command of README.md's Quick start, in order.

Run after the README's two set-up commands, in the same environment and from the repository root
(``.ci/run`` does exactly that). Checks that

* each shell command and the Python snippet of the Quick start exits 0;
* the canonical outputs that ``simsuite run --all`` wrote are left as they were (same SHA-256);
* the installed package works from a folder other than the repository root (where pytest's
  ``sys.path`` cannot hide a broken install): ``simsuite list``, an example script, the three paper
  reproductions (``--quick``), and ``import simsuite`` resolving to the repository's own (editable)
  sources;
* the README's *Documentation* command builds the site into ``docs/_build/html``, with the gallery
  at its quick sizes (``SIMSUITE_QUICK=1``, as the README offers: the full sizes take minutes more).

Exits 1 on the first failure, naming the command.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quick_start(readme: Path = ROOT / "README.md") -> tuple[list[str], list[str]]:
    """The shell commands (comments stripped) and Python snippets of the README's Quick start."""
    text = readme.read_text(encoding="utf-8")
    section = text.split("\n## Quick start", 1)[1].split("\n## ", 1)[0]
    shell: list[str] = []
    python: list[str] = []
    for lang, body in re.findall(r"```(\w+)\n(.*?)```", section, flags=re.S):
        if lang == "bash":
            for line in body.splitlines():
                command = line.split(" #", 1)[0].strip()
                if command and not command.startswith("#"):
                    shell.append(command)
        elif lang == "python":
            python.append(body)
    return shell, python


def documentation(readme: Path = ROOT / "README.md") -> list[str]:
    """The shell commands of the README's Documentation section."""
    section = readme.read_text(encoding="utf-8").split("\n## Documentation", 1)[1]
    section = section.split("\n## ", 1)[0]
    return [body.strip() for body in re.findall(r"```bash\n(.*?)```", section, flags=re.S)]


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.nc"))}


def _run(command: list[str] | str, cwd: Path, label: str, **environ: str) -> None:
    started = time.perf_counter()
    print(f"$ {label}", flush=True)
    env = {**os.environ, "MPLBACKEND": "Agg", **environ}
    done = subprocess.run(command, cwd=cwd, shell=isinstance(command, str), env=env)
    print(f"  exit {done.returncode} in {time.perf_counter() - started:.1f} s", flush=True)
    if done.returncode != 0:
        sys.exit(f"user path: '{label}' exited {done.returncode}")


def main() -> None:
    shell, python = quick_start()
    # start as right after the set-up: what an earlier pass of the Quick start wrote goes first
    shutil.rmtree(ROOT / "outputs" / "quickstart", ignore_errors=True)
    (ROOT / "my_run.toml").unlink(missing_ok=True)
    canonical = _digests(ROOT / "outputs")
    if not canonical:
        sys.exit("user path: outputs/ holds no canonical output: run the README's set-up first")
    for command in shell:
        _run(command, ROOT, command)
    for snippet in python:
        _run([sys.executable, "-c", snippet], ROOT, "python (the Quick start snippet)")
    after = _digests(ROOT / "outputs")
    changed = [name for name, digest in canonical.items() if after.get(name) != digest]
    if changed:
        sys.exit(f"user path: the Quick start changed canonical outputs: {', '.join(changed)}")
    print(f"canonical outputs untouched: {len(canonical)} files", flush=True)

    with tempfile.TemporaryDirectory() as elsewhere:
        where = Path(elsewhere)
        _run("simsuite list", where, "simsuite list (from another folder)")
        example = ROOT / "examples" / "nlse_four_cases.py"
        _run(
            [sys.executable, str(example), "--quick", "--outdir", "figures"],
            where,
            "python examples/nlse_four_cases.py --quick (from another folder)",
        )
        _run("simsuite reproduce --list", where, "simsuite reproduce --list (from another folder)")
        for paper in ("amangkurat", "nlse", "dewi-kadita"):
            _run(
                f"simsuite reproduce {paper} --quick --quiet --outdir papers/{paper}",
                where,
                f"simsuite reproduce {paper} --quick (from another folder)",
            )
            if not (where / "papers" / paper / "report.md").is_file():
                sys.exit(f"user path: simsuite reproduce {paper} wrote no report.md")
        found = subprocess.run(
            [sys.executable, "-c", "import simsuite; print(simsuite.__file__)"],
            cwd=where,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if Path(found).resolve() != ROOT / "simsuite" / "__init__.py":
            sys.exit(f"user path: import simsuite found {found}, not the editable install")
        print(f"import simsuite -> {found}", flush=True)
    shutil.rmtree(ROOT / "docs" / "_build", ignore_errors=True)
    for command in documentation():
        _run(command, ROOT, f"SIMSUITE_QUICK=1 {command}", SIMSUITE_QUICK="1")
    if not (ROOT / "docs" / "_build" / "html" / "index.html").is_file():
        sys.exit("user path: the Documentation command wrote no docs/_build/html/index.html")
    print("user path: every Quick start and Documentation command ran", flush=True)


if __name__ == "__main__":
    main()
