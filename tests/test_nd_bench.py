"""The N-D benchmark runs and ends with its figures (no timing is asserted: machines are noisy)."""

from __future__ import annotations

import json
import re

import pytest

from .test_benchmarks import _load


def test_nd_bench_prints_figures_last(capsys, tmp_path):
    bench = _load("nd_bench")
    record = tmp_path / "nd.json"
    bench.main(["--quick", "--json", str(record), "--note", "smoke"])
    lines = capsys.readouterr().out.strip().splitlines()
    figures = lines[-7:]
    names = [line.split(":")[0] for line in figures]
    assert names == [
        "nd_nonlinear_cost_vs_two_ffts_32x32",
        "nd_ssf4_step_cost_vs_two_ffts_32x32",
        "nd_etd_abm8_step_cost_vs_two_ffts_32x32",
        "nd_threads2_speedup_32x32",
        "nd_threads2_bitwise_32x32",
        "nd_threads2_speedup_16x16x16",
        "nd_threads2_bitwise_16x16x16",
    ]
    assert all(re.fullmatch(r"[\w.-]+: \d+\.\d\d", line) for line in figures)
    # the pointwise kernels and the FFTs on two threads give the numbers of one thread
    assert figures[4].endswith("1.00") and figures[6].endswith("1.00")
    saved = json.loads(record.read_text())
    assert saved["benchmark"] == "nd" and saved["metadata"]["note"] == "smoke"
    assert {row["backend"] for row in saved["rows"] if "backend" in row} == {
        "fftw",
        "fftw_measure",
        "scipy",
    }


def test_parallel_pointwise_kernels_equal_the_serial_ones_bitwise():
    import numpy as np

    from simsuite.models.nlse import kernels

    rng = np.random.default_rng(5)
    psi = rng.standard_normal(70001) + 1j * rng.standard_normal(70001)
    for serial, parallel, arg in (
        (kernels.cubic_term, kernels.cubic_term_parallel, 0.7),
        (kernels.cubic_phase, kernels.cubic_phase_parallel, 0.3),
    ):
        a, b = psi.copy(), psi.copy()
        serial(a, arg, 1.0 / 3.0)
        parallel(b, arg, 1.0 / 3.0)
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("shape", [(256, 256), (32, 32, 32)])
def test_two_threads_give_the_one_thread_run_bitwise(shape):
    """At and above THREADS_FROM points the transforms (scipy.fft in 2D, FFTW in 3D) and the
    parallel pointwise kernels run on 2 threads, and give the numbers of 1 thread."""
    import numpy as np

    from simsuite.models.nlse.cubic import parallel_pointwise
    from simsuite.runner import build

    bench = _load("nd_bench")
    finals = []
    for threads in (1, 2):
        model, stepper = build(bench.config(shape, "ssf4", threads))
        assert parallel_pointwise(model.problem.fft) == (threads == 2)
        u = bench.generic_state(model.problem)
        finals.append(stepper.advance(u, 0.0, 5 * bench.DT)[0])
    np.testing.assert_array_equal(finals[0], finals[1])
