"""step_dummy_extract and step_dummy_multi_choice against the recipes 1.3.2 ground truth
(tests/data/steps)."""
from __future__ import annotations

import re

from pykerasnip.recipes.steps.extract import r_strsplit
from steps_truth import Case, make_tests

CASES = [
    Case("dummy_extract", "y ~ .", lambda r: r.step_dummy_extract("langs", sep=", ")),
    Case("dummy_extract_options", "y ~ .", lambda r: r.step_dummy_extract(
        "langs", sep=r",\s*", threshold=0.3, other="rest", keep_original_cols=True)),
    Case("dummy_extract_pattern", "y ~ .",
         lambda r: r.step_dummy_extract("codes", pattern="[A-Z][0-9]", threshold=2)),
    Case("dummy_multi_choice", "y ~ .", lambda r: r.step_dummy_multi_choice("c1", "c2", "c3")),
    Case("dummy_multi_choice_options", "y ~ .", lambda r: r.step_dummy_multi_choice(
        "c1", "c2", "c3", threshold=0.5, other="rare", prefix="lang", keep_original_cols=True)),
]

globals().update(make_tests(CASES))


def test_strsplit_drops_one_trailing_empty_piece():
    comma = re.compile(",")
    assert r_strsplit(",a,,b,", comma) == ["", "a", "", "b"]
    assert r_strsplit("", comma) == []
