"""Shared fixtures: a scratch working directory and small NLSE configs."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """Run in an empty temporary directory (outputs land there)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


SMALL_NLSE = """
[model]
name = "nlse"
label = "small soliton"

[time]
t_final = 1.0
dt = 0.01
n_snapshots = 11

[integrator]
method = "dop853"
rtol = 1e-9
atol = 1e-11

[grid]
x_min = -25.0
x_max = 25.0
n_points = 256

[initial_condition]
type = "single_soliton"
eta = 2.0
velocity = 1.0
x0 = -10.0

[output]
path = "out/small.nc"
"""


@pytest.fixture
def small_config(workdir) -> Path:
    return write_config(workdir / "small.toml", SMALL_NLSE)


def interrupt_after(monkeypatch, n_snapshots: int) -> None:
    """Make the writer raise KeyboardInterrupt (as a Ctrl-C would) after ``n_snapshots``."""
    from simsuite.io.netcdf import NetCDFWriter

    original = NetCDFWriter.append

    def append(self, t, values):
        original(self, t, values)
        if self.n_written == n_snapshots:
            raise KeyboardInterrupt

    monkeypatch.setattr(NetCDFWriter, "append", append)
