"""step_rename, step_rename_at, step_regex, step_count, step_filter_missing and
step_lincomb against the recipes 1.3.2 ground truth (tests/data/steps)."""
from __future__ import annotations

import numpy as np
import pytest

import pykerasnip.recipes as rc

from pykerasnip.errors import UnsupportedStepError
from pykerasnip.recipes.steps.naming import name_function
from pykerasnip.rlinalg import qr_linpack
from steps_truth import Case, make_tests

CASES = [
    Case("rename", "y ~ .", lambda r: r.step_rename(alpha="a", beta="b")),
    # `fn` is the R function itself in R's object, a lambda in Python's
    Case("rename_at", "y ~ .", lambda r: r.step_rename_at("a", "b", fn="toupper")
         .step_rename_at(rc.starts_with("c"),
                         fn="~ paste0('x_', .x)"), skip_state=("fn", "expression")),
    Case("regex", "y ~ .", lambda r: r.step_regex("s", pattern="[[:digit:]]")),
    # keep_original_cols of regex/count is newer than Debian's recipes 1.0.4
    Case("regex_options", "y ~ .", lambda r: r.step_regex(
        "f", pattern="R", options={"ignore.case": True}, result="has_r", keep_original_cols=False),
         debian=False),
    Case("count", "y ~ .", lambda r: r.step_count("s", pattern="[aeiou]")),
    Case("count_options", "y ~ .",
         lambda r: r.step_count("f", pattern="e", normalize=True, result="e_share")),
    Case("count_fixed", "y ~ .", lambda r: r.step_count(
        "s", pattern="-", options={"fixed": True}, keep_original_cols=False), debian=False),
    Case("filter_missing", "y ~ .", lambda r: r.step_filter_missing("a", "d", "e")),
    Case("filter_missing_threshold", "y ~ .", lambda r: r.step_filter_missing(
        rc.all_numeric_predictors(), threshold=0)),
    Case("lincomb", "y ~ .", lambda r: r.step_mutate(g="a + b").step_lincomb("a", "b", "c", "g")),
    Case("lincomb_steps", "y ~ .", lambda r: r.step_mutate(g="a + b", h="2 * c", i="a - c")
         .step_lincomb("a", "b", "c", "g", "h", "i", max_steps=2)),
]

globals().update(make_tests(CASES))


def test_name_functions_replay_lambdas_and_refuse_other_code():
    fn, _ = name_function("~ gsub('_', '.', toupper(.x))")
    assert fn(["a_b", "c"]) == ["A.B", "C"]
    fn, _ = name_function("~ paste(.x, 'new', sep = '-')")
    assert fn(["a"]) == ["a-new"]
    with pytest.raises(UnsupportedStepError):
        name_function("~ system(.x)")[0](["a"])


def test_dqrdc2_moves_dependent_columns_last():
    x = np.column_stack([np.arange(6.0), np.ones(6), np.arange(6.0) + 1, np.arange(6.0) ** 2])
    qr = qr_linpack(x)
    assert qr.rank == 3 and qr.pivot == [0, 1, 3, 2]
