"""The dewi-kadita reproduction: the quick run writes every figure and both reports, the states and
the paper's claims are in the report with the paper's numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simsuite import reproduce
from simsuite.papers.dewi_kadita import PAPER, RULES, STATES, cases, classify, separation

FAITHFUL = "Couzin's rules"
SWARM = "Claim: the swarm keeps P < 0.1 with OSI ≈ 0.71"
PARALLEL = "Claim: highly parallel P = 0.998, OSI = 0.24, H_vel → 0"
APART = "Claim: the entropies tell the torus from the dynamic parallel state"
TIMING = "Timing: 150–250 agents, 1000–2000 steps within five minutes"


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("dewi-kadita")
    report = reproduce("dewi-kadita", outdir=outdir, quick=True, workers=2, progress=False)
    return outdir, report


def test_quick_reproduction_writes_every_figure_and_both_reports(quick):
    outdir, report = quick
    for name in PAPER.figures:
        assert (outdir / f"{name}.png").stat().st_size > 10_000, name
    assert report.figures == list(PAPER.figures)
    data = json.loads((outdir / "report.json").read_text())
    assert data["paper"] == "dewi-kadita" and data["quick"] is True
    text = (outdir / "report.md").read_text()
    for section in (SWARM, PARALLEL, APART, TIMING):
        assert f"## {section}" in text


def test_highly_parallel_is_highly_parallel_with_couzins_rules(quick):
    _, report = quick
    per_seed = report.value(PARALLEL, f"P, {FAITHFUL}, per seed")
    assert len(per_seed) == 2 and min(per_seed) > 0.95
    assert report.value(PARALLEL, f"H_vel, {FAITHFUL}, mean") < 0.05


def test_faithful_swarm_and_torus_reach_their_states(quick):
    _, report = quick
    section = "States reached (second-half P, M)"
    assert report.value(section, f"swarm, {FAITHFUL}") == "swarm, swarm"
    assert report.value(section, f"torus, {FAITHFUL}") == "torus, torus"


def test_every_claim_has_a_row_with_the_papers_number(quick):
    _, report = quick
    papers = {(row.section, row.name): row.paper for row in report.rows}
    for rules in RULES:
        assert papers[(SWARM, f"P, {rules.label}, mean")] == "< 0.1"
        assert papers[(SWARM, f"OSI, {rules.label}, mean")] == 0.71
        assert papers[(PARALLEL, f"P, {rules.label}, mean")] == 0.998
        assert papers[(PARALLEL, f"OSI, {rules.label}, mean")] == 0.24
        assert papers[(PARALLEL, f"H_vel, {rules.label}, mean")] == 0.0
        assert papers[(APART, f"entropies with |Δ| > 3 seed sd, {rules.label}")] == "told apart"
    timing = [row for row in report.rows if row.section == TIMING]
    assert len(timing) == len(STATES) and all(row.paper == "< 300" for row in timing)
    assert all(0 < row.value < 300 for row in timing)
    for row in report.rows:  # every OSI and entropy is a normalised entropy
        if row.name.startswith(("OSI", "H_")) and isinstance(row.value, float):
            assert 0.0 <= row.value <= 1.0, row


def test_cases_cover_both_rule_sets_states_and_seeds():
    quick_cases, full_cases = cases(quick=True), cases(quick=False)
    assert len(quick_cases) == 2 * 4 * 2 and len(full_cases) == 2 * 4 * 3
    names = {case.name for case in full_cases}
    assert "published-torus-s42" in names and "faithful-highly_parallel-s2" in names
    assert {case.config for case in full_cases} == {
        pattern.format(state) for pattern in ("couzin_{}", "couzin_dk_{}") for state, _ in STATES
    }


def test_classify_and_separation():
    assert classify(0.05, 0.2) == "swarm"
    assert classify(0.1, 0.9) == "torus"
    assert classify(0.9, 0.05) == "dynamic parallel"
    assert classify(0.999, 0.01) == "highly parallel"
    delta, d = separation([1.0, 2.0, 3.0], [0.0, 1.0, 2.0])
    assert delta == pytest.approx(1.0) and d == pytest.approx(1.0)
    assert separation([1.0, 1.0], [0.0, 0.0]) == (1.0, np.inf)
