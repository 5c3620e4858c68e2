"""step_impute_lower (R's runif draws after set.seed(4242)) and step_impute_roll against
the recipes 1.3.2 ground truth (tests/data/steps)."""
from __future__ import annotations

import numpy as np
import pytest

from pykerasnip.errors import SpecError, UnsupportedStepError
from pykerasnip.recipes.steps.impute_more import StepImputeRoll, _median, window_rows
from steps_truth import Case, make_tests

CASES = [
    Case("impute_lower", "y ~ .", lambda r: r.step_impute_lower("a", "k")),
    Case("impute_roll", "y ~ .", lambda r: r.step_impute_roll("a", "b")),
    Case("impute_roll_mean", "y ~ .", lambda r: r.step_impute_roll("b", statistic="mean", window=3)),
]

globals().update(make_tests(CASES))


def test_window_rows_shift_inwards_at_the_edges():
    assert list(window_rows(0, 10, 5)) == [0, 1, 2, 3, 4]
    assert list(window_rows(5, 10, 5)) == [3, 4, 5, 6, 7]
    assert list(window_rows(9, 10, 5)) == [5, 6, 7, 8, 9]
    assert _median(np.array([3.0, 1.0, 2.0, 10.0])) == 2.5


def test_impute_roll_refuses_even_windows_and_other_statistics():
    with pytest.raises(SpecError, match="odd"):
        StepImputeRoll("a", window=4)
    with pytest.raises(UnsupportedStepError, match="median and mean"):
        StepImputeRoll("a", statistic="max")
