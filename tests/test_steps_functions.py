"""step_mutate_at and step_profile against the recipes 1.3.2 ground truth
(tests/data/steps)."""
from __future__ import annotations

import pykerasnip.recipes as rc
from pykerasnip.recipes.steps.profile import r_seq
from steps_truth import Case, make_tests

CASES = [
    # `expression` is R's function itself in R's object, a lambda in Python's
    Case("mutate_at", "y ~ .", lambda r: r.step_mutate_at("a", "p", fn="sqrt"),
         skip_state=("expression",)),
    Case("mutate_at_lambda", "y ~ .",
         lambda r: r.step_mutate_at(rc.all_numeric_predictors(), fn="~ .x * 2 + 1")),
    Case("mutate_at_function", "y ~ .", lambda r: r.step_mutate_at("b", fn="~ pmax(.x, 3L)")),
    # `profile_selector` holds a selector (R code in R's object), not trained state
    Case("profile", "y ~ .", lambda r: r.step_profile("f", "o", "ch", "n", "n0", profile="a"),
         skip_state=("profile_selector",)),
    Case("profile_options", "y ~ .", lambda r: r.step_profile(
        "f", "o", "ch", "n", "d", profile="n0", pct=0.25, index=2,
        grid={"pctl": False, "len": 7}), skip_state=("profile_selector",), debian=False),
    # recipes 1.0.4 keeps the training column order; 1.3.2 puts the profiled column last
    Case("profile_integer", "y ~ .", lambda r: r.step_profile(
        "a", profile="n", grid={"pctl": True, "len": 4}), skip_state=("profile_selector",),
         debian=False),
]

globals().update(make_tests(CASES))


def test_r_seq_keeps_both_ends_exact():
    grid = r_seq(0.1, 0.7, 4)
    assert grid[0] == 0.1 and grid[-1] == 0.7 and grid[1] == 0.1 + 1 * ((0.7 - 0.1) / 3)
