"""Row steps (naomit, filter, slice, arrange, sample, shuffle; skipped on new data by
default, applied with skip = FALSE) and step_lag against the recipes 1.3.2 ground truth
(tests/data/steps). R set the seed 4242 before baking; Python bakes inside
``r_session(4242)`` and draws the same rows."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pykerasnip.recipes as rc
from pykerasnip.errors import ForgeError
from pykerasnip.rrng import RRandom
from pykerasnip.recipes.steps.rows import sample_indices
from steps_truth import Case, make_tests

CASES = [
    Case("naomit", "y ~ .", lambda r: r.step_naomit("a", "g")),
    Case("naomit_new", "y ~ .", lambda r: r.step_naomit(rc.all_predictors(), skip=False)),
    Case("filter", "y ~ .", lambda r: r.step_filter("a > 2", "k < 80L | is.na(k)", skip=False)),
    Case("filter_skip", "y ~ .", lambda r: r.step_filter("a > 2")),
    Case("slice", "y ~ .", lambda r: r.step_slice("c(2:4, 7, 20)", skip=False)),
    Case("slice_negative", "y ~ .", lambda r: r.step_slice("-(1:2)", "-n()", skip=False)),
    Case("arrange", "y ~ .", lambda r: r.step_arrange("desc(a)", "k", skip=False)),
    # Debian's older dplyr sorts strings in the session locale, dplyr >= 1.1 in C
    Case("arrange_text", "y ~ .", lambda r: r.step_arrange("s", "desc(g)", skip=False),
         debian=False),
    Case("sample", "y ~ .", lambda r: r.step_sample(size=4, skip=False)),
    Case("sample_frac", "y ~ .", lambda r: r.step_sample(size=0.5, replace=True, skip=False)),
    Case("sample_skip", "y ~ .", lambda r: r.step_sample()),
    Case("shuffle", "y ~ .", lambda r: r.step_shuffle("a", "g", "s")),
    Case("lag", "y ~ .", lambda r: r.step_lag("a", "g", "k")),
    # step_lag's keep_original_cols is newer than recipes 1.0.4
    Case("lag_options", "y ~ .", lambda r: r.step_lag(
        "a", "k", lag=[0, 2, 3], prefix="L", default=0, keep_original_cols=False), debian=False),
]

globals().update(make_tests(CASES))


def test_sample_without_replacement_is_a_permutation_prefix():
    rows = sample_indices(RRandom(1), 10, 10, False)
    assert sorted(rows.tolist()) == list(range(10))
    with pytest.raises(ForgeError, match="larger than the population"):
        sample_indices(RRandom(1), 3, 4, False)


def test_slice_refuses_mixed_signs():
    data = pd.DataFrame({"a": np.arange(4.0)})
    prepped = rc.recipe("~ .", data).step_slice("c(1, -2)", skip=False)
    with pytest.raises(ForgeError, match="mix"):
        prepped.prep()
