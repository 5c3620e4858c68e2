"""step_mutate_at against the recipes 1.3.2 ground truth (tests/data/steps)."""
from __future__ import annotations

import pykerasnip.recipes as rc
from steps_truth import Case, make_tests

CASES = [
    # `expression` is R's function itself in R's object, a lambda in Python's
    Case("mutate_at", "y ~ .", lambda r: r.step_mutate_at("a", "p", fn="sqrt"),
         skip_state=("expression",)),
    Case("mutate_at_lambda", "y ~ .",
         lambda r: r.step_mutate_at(rc.all_numeric_predictors(), fn="~ .x * 2 + 1")),
    Case("mutate_at_function", "y ~ .", lambda r: r.step_mutate_at("b", fn="~ pmax(.x, 3L)")),
]

globals().update(make_tests(CASES))
