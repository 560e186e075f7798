"""Working memory: the estimate bounds the measured peak, and ``run.max_memory`` refuses a run that
does not fit before anything big is allocated (issue 17, item 2)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time

import pytest

import simsuite
from simsuite.config import ConfigError, load_config
from simsuite.memory import available_memory, estimate_memory, memory_limit
from simsuite.runner import check_memory, output_times

from .conftest import CONFIGS

#: The estimate lies between 1 and FACTOR times the measured peak growth (docs/guide/reliability.md,
#: "Working memory").
FACTOR = 3.0

ISSUE_CASE = {"grid.n_points": 16777216}  # the documented maximum of grid.n_points


def test_issue_case_is_refused_quickly_and_touches_nothing(tmp_path):
    """The run the kernel killed at 23.5 GB resident exits 2 at once, naming the key and the
    estimate, and creates no output."""
    cfg = load_config(CONFIGS / "nlse_single_soliton.toml", ISSUE_CASE)
    limit, _ = memory_limit(cfg.run.max_memory)
    if limit is None or estimate_memory(cfg).total <= limit:
        pytest.skip("this machine has the memory for the issue's run")
    out = tmp_path / "big.nc"
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "simsuite", "run", str(CONFIGS / "nlse_single_soliton.toml")]
        + ["--set", "grid.n_points=16777216", "--set", f"output.path={out}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.monotonic() - start
    assert proc.returncode == 2, proc.stderr
    assert elapsed < 15
    message = proc.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "run.max_memory" in message and " GB of working memory" in message
    assert "propagators" in message  # what it is made of
    assert not list(tmp_path.iterdir())


def test_small_limit_refuses_and_large_limit_accepts(small_config):
    with pytest.raises(ConfigError) as info:
        simsuite.run(small_config, overrides={"run.max_memory": 1000.0}, progress=False)
    assert info.value.key == "run.max_memory"
    assert not (small_config.parent / "out").exists()
    ds = simsuite.run(small_config, overrides={"run.max_memory": 1e12}, progress=False)
    assert ds.sizes["t"] == 11


def test_zero_disables_the_check():
    cfg = load_config(CONFIGS / "nlse_single_soliton.toml", {**ISSUE_CASE, "run.max_memory": 0})
    assert memory_limit(0.0) == (None, "no limit")
    check_memory(cfg, in_memory=True)  # no error; the run itself is never started here


def test_a_fraction_is_of_the_available_memory():
    available = available_memory()
    limit, what = memory_limit(0.5)
    if available is None:
        assert limit is None
    else:
        assert limit == pytest.approx(0.5 * available, rel=0.05)
        assert "available" in what
    assert memory_limit(2e9) == (2e9, "2 GB")


def test_negative_max_memory_is_a_config_error():
    with pytest.raises(ConfigError, match="run.max_memory"):
        load_config(CONFIGS / "nlse_single_soliton.toml", {"run.max_memory": -1})


def test_output_in_memory_is_counted():
    cfg = load_config(CONFIGS / "nlse_single_soliton.toml", {"grid.n_points": 2**16})
    n_snap = len(output_times(cfg))
    on_disk = estimate_memory(cfg, 0)
    in_memory = estimate_memory(cfg, n_snap)
    kept = in_memory.parts["output kept in memory"]
    assert kept >= n_snap * 2 * 8 * 2**16
    assert in_memory.total == pytest.approx(on_disk.total + kept)
    between = dataclasses.replace(cfg.run, max_memory=on_disk.total + kept / 2)
    cfg = dataclasses.replace(cfg, run=between)
    check_memory(cfg, in_memory=False)  # fits when written to a file
    with pytest.raises(ConfigError, match="write the output to a file"):
        check_memory(cfg, in_memory=True)


# -- the estimate against the measured peak ----------------------------------------------------------
MEASURE = r"""
import gc, json, sys
import simsuite
from simsuite.config import load_config
from simsuite.memory import estimate_memory
from simsuite.runner import output_times

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024

path, overrides, size_key = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
small = {**overrides, size_key: 64 if size_key == "agents.n" else 256}
simsuite.run(path, overrides=small, progress=False)  # compile the kernels first
gc.collect()
with open("/proc/self/clear_refs", "w") as f:  # reset the peak (VmHWM) to the current size
    f.write("5")
base = status("VmRSS")
simsuite.run(path, overrides=overrides, progress=False)
cfg = load_config(path, overrides)
estimate = estimate_memory(cfg, len(output_times(cfg))).total
print(json.dumps({"growth": status("VmHWM") - base, "estimate": estimate}))
"""

SHORT = {"time.n_snapshots": 4, "output.path": ""}
CASES = {
    "nlse-dop853": ("nlse_single_soliton", {"grid.n_points": 2**18, "time.t_final": 0.05}),
    "kg-yoshida4": (
        "kg_kink",
        {"grid.n_points": 2**18, "grid.x_min": -6553.6, "grid.x_max": 6553.6, "time.dt": 0.01}
        | {"time.t_final": 0.06},
    ),
    "nlse-etd_abm8": (
        "nlse_single_soliton",
        {"grid.n_points": 2**18, "time.t_final": 0.05, "integrator.method": "etd_abm8"},
    ),
    "kg-exponential_blanes_moan4": (
        "kg_kink",
        {"grid.n_points": 2**18, "integrator.method": "exponential_blanes_moan4"}
        | {"time.t_final": 0.06, "time.dt": 0.02},
    ),
    "couzin": ("couzin_swarm", {"agents.n": 10**4, "time.t_final": 0.3, "time.dt": 0.1}),
}
SLOW = {"nlse-etd_abm8", "kg-exponential_blanes_moan4", "couzin"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW else c for c in CASES]
)
def test_estimate_bounds_the_measured_peak(case):
    name, overrides = CASES[case]
    size_key = "agents.n" if name.startswith("couzin") else "grid.n_points"
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, str(CONFIGS / f"{name}.toml")]
        + [json.dumps({**overrides, **SHORT}), size_key],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    ratio = result["estimate"] / result["growth"]
    assert 1.0 <= ratio <= FACTOR, result
