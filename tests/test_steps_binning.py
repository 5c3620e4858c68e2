"""step_cut, step_discretize and step_percentile against the recipes 1.3.2 ground truth
(tests/data/steps)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pykerasnip.errors import ForgeError
from pykerasnip.recipes.steps.binning import StepCut, approx, cut_labels
from steps_truth import Case, make_tests

CASES = [
    Case("cut", "y ~ .", lambda r: r.step_cut("x", "k", breaks=[10, 25.5, 40])),
    Case("cut_outside", "y ~ .",
         lambda r: r.step_cut("x", "k", breaks=[5, 1000 / 3], include_outside_range=True)),
    # recipes 1.0.4 fails on this one (missing values with include_outside_range)
    Case("cut_single", "y ~ .",
         lambda r: r.step_cut("w", breaks=[0, 20], include_outside_range=True), debian=False),
    Case("discretize", "y ~ .", lambda r: r.step_discretize("x", "k")),
    Case("discretize_options", "y ~ .", lambda r: r.step_discretize(
        "x", "k", num_breaks=3, min_unique=5, options={"prefix": "q", "infs": False})),
    Case("discretize_few", "y ~ .", lambda r: r.step_discretize("w", min_unique=20)),
    Case("discretize_labels", "y ~ .", lambda r: r.step_discretize(
        "k", num_breaks=2, options={"labels": ["low", "high"], "keep_na": False})),
    Case("percentile", "y ~ .", lambda r: r.step_percentile("k", "w")),
    # `outside` is newer than recipes 1.0.4: Debian's R ignores it
    Case("percentile_options", "y ~ .", lambda r: r.step_percentile(
        "k", "w", options={"probs": [0.5, 0.1, 0.9, 1 / 3]}, outside="both"), debian=False),
    Case("percentile_upper", "y ~ .", lambda r: r.step_percentile("k", outside="upper"),
         debian=False),
    Case("percentile_lower", "y ~ .", lambda r: r.step_percentile(
        "k", options={"probs": list(np.arange(201) / 200)}, outside="lower"), debian=False),
]

globals().update(make_tests(CASES))


def test_cut_labels_gain_digits_until_neighbours_differ():
    assert cut_labels(np.array([1.0, 1.0001, 2.0])) == ["[1,1.0001]", "(1.0001,2]"]
    # formatC() formats the non-finite breaks together: " Inf" beside "-Inf" (as R's cut)
    assert cut_labels(np.array([-np.inf, 0.5, np.inf])) == ["[-Inf,0.5]", "(0.5, Inf]"]
    assert cut_labels(np.array([0.0, 1.5, np.inf])) == ["[0,1.5]", "(1.5,Inf]"]


def test_cut_outside_range_with_missing_values_fails_like_r():
    step = StepCut("x", breaks=[1.0], include_outside_range=True)
    data = pd.DataFrame({"x": [0.0, 2.0, 3.0]})
    step.prep(data, pd.DataFrame({"variable": ["x"], "type": [["double", "numeric"]],
                                  "role": ["predictor"], "source": ["original"]}))
    with pytest.raises(ForgeError, match="missing values"):
        step.bake(pd.DataFrame({"x": [-1.0, np.nan]}))


def test_approx_rules_and_exact_knots():
    ref, grid = np.array([0.0, 1.0, 3.0]), np.array([0.0, 50.0, 100.0])
    x = np.array([-1.0, 0.0, 2.0, 3.0, 4.0, np.nan])
    np.testing.assert_array_equal(approx(x, ref, grid, (1, 1)), [np.nan, 0, 75, 100, np.nan, np.nan])
    np.testing.assert_array_equal(approx(x, ref, grid, (2, 2)), [0, 0, 75, 100, 100, np.nan])
