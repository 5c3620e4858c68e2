"""A short, deterministic budget of the decoder's differential check against R's
``readRDS`` (tests/fuzz/differential.py): the first inputs of the long run's sequence,
judged by R and pykerasnip, end in agreement or in a documented divergence. It needs
Rscript; its committed seeds must be there, R or not."""
from __future__ import annotations

from r_oracle import requires_r

from .differential import DIVERGENCES, SEEDS, run, seeds

#: inputs of the budget (R reads them in one batch, about 30 s on a shared machine)
BUDGET = 300


def test_the_seeds_are_committed():
    assert len(seeds()) >= 270, f"seed streams missing under {SEEDS}"


@requires_r()
def test_pykerasnip_agrees_with_r_on_the_first_inputs():
    report = run(BUDGET, batch=BUDGET)
    assert report["unexplained"] == 0, report["samples"]
    classes = report["classes"]
    assert classes.get("both read, same", 0) > BUDGET // 3, classes
    assert set(k.split(" / ")[1] for k in report["explained"]) <= set(DIVERGENCES)
