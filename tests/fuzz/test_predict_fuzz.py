"""Hypothesis over ``read_rds`` + ``repr`` + ``predict`` of mutated fixtures: only
pykerasnip's typed errors escape, and a structural mutation never changes a
prediction without a warning or an error. CI runs a short deterministic budget
(``PYKERASNIP_FUZZ_EXAMPLES``, default 40); ``python -m tests.fuzz.campaign`` runs long."""
from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings, strategies as st

from .campaign import _write_report, campaign
from .harness import FIXTURES, KINDS, SEEDS, Mutation, run, seed_models_reused


mutations = st.builds(Mutation, seed=st.integers(0, len(SEEDS) - 1), site=st.integers(0, 10**6),
                      kind=st.sampled_from(KINDS), choice=st.integers(0, 10**6))


def test_fixtures_are_present() -> None:
    assert FIXTURES.exists(), f"the fuzzer's seed fixtures are missing at {FIXTURES}"


@settings(max_examples=int(os.environ.get("PYKERASNIP_FUZZ_EXAMPLES", "40")), derandomize=True,
          database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutations)
def test_mutated_files_fail_typed_or_predict_the_same(mutation: Mutation) -> None:
    outcome = run(mutation)
    assert outcome.status != "escape", f"{outcome.what}: {outcome.error}"
    assert outcome.status != "changed", f"silently different prediction after {outcome.what}"


def test_reusing_the_seed_models_changes_no_outcome() -> None:
    """The campaign's shortcut (each seed's unchanged archives load once) gives every
    input the outcome a fresh load gives, seeded interval predictions included."""
    batch = [Mutation(i % len(SEEDS), 7919 * i, KINDS[i % len(KINDS)], 104729 * i) for i in range(36)]
    fresh = [(o.status, o.what) for o in map(run, batch)]
    with seed_models_reused():
        reused = [(o.status, o.what) for o in map(run, batch)]
    assert reused == fresh
    assert {status for status, _ in fresh} >= {"ok", "typed"}


def test_a_campaign_hands_over_its_figures_at_every_progress_step(tmp_path) -> None:
    """What a run killed outright leaves: the report as of its last progress step."""
    report = tmp_path / "report.json"
    seen: list[dict] = []

    def checkpoint(figures: dict) -> None:
        seen.append(figures)
        _write_report(str(report), figures)

    figures = campaign(6, seed=3, progress=2, checkpoint=checkpoint)
    assert [f["inputs"] for f in seen] == [2, 4, 6] and figures["inputs"] == 6
    assert json.loads(report.read_text())["outcomes"] == figures["outcomes"]
    assert sum(figures["outcomes"].values()) == 6
