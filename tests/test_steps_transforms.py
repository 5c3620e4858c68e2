"""step_inverse, step_logit, step_invlogit, step_hyperbolic and step_relu against the
recipes 1.3.2 ground truth (tests/data/steps), and R's errors on input it refuses."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pykerasnip.recipes as rc
from pykerasnip.errors import ForgeError
from steps_truth import Case, make_tests

CASES = [
    Case("inverse", "y ~ .", lambda r: r.step_inverse(rc.all_numeric_predictors())),
    Case("inverse_offset", "y ~ .", lambda r: r.step_inverse("a", "b", offset=0.5)),
    Case("logit", "y ~ .", lambda r: r.step_logit("p")),
    Case("logit_offset", "y ~ .", lambda r: r.step_logit("p", offset=0.01)),
    Case("invlogit", "y ~ .", lambda r: r.step_invlogit("a", "s")),
    Case("hyperbolic", "y ~ .", lambda r: r.step_hyperbolic("a", "b")),
    Case("hyperbolic_cosh", "y ~ .",
         lambda r: r.step_hyperbolic("a", "b", func="cosh", inverse=False)),
    Case("hyperbolic_atanh", "y ~ .", lambda r: r.step_hyperbolic("s", func="tanh")),
    Case("relu", "y ~ .", lambda r: r.step_relu("a", "b")),
    Case("relu_options", "y ~ .",
         lambda r: r.step_relu("a", "s", shift=0.25, reverse=True, smooth=True)),
    Case("relu_prefix", "y ~ .", lambda r: r.step_relu("b", shift=2, prefix="hinge_", role="hinge")),
]

globals().update(make_tests(CASES))


def _prepped(build, data):
    return build(rc.recipe("~ .", data)).prep(data)


def test_logit_refuses_values_outside_0_1_and_integer_columns_without_0_or_1():
    data = pd.DataFrame({"p": [0.2, 0.5], "k": pd.array([2, 3], dtype="Int32")})
    prepped = _prepped(lambda r: r.step_logit("p"), data)
    with pytest.raises(ForgeError, match="out of range"):
        prepped.bake(pd.DataFrame({"p": [0.5, 1.5], "k": pd.array([2, 3], dtype="Int32")}))
    with pytest.raises(ForgeError, match="no double values"):
        _prepped(lambda r: r.step_logit("k"), data)


def test_invlogit_refuses_integers_but_passes_zero_rows():
    data = pd.DataFrame({"k": pd.array([2, 3], dtype="Int32")})
    with pytest.raises(ForgeError, match="integer"):
        _prepped(lambda r: r.step_invlogit("k"), data)
    prepped = _prepped(lambda r: r.step_invlogit("x"), pd.DataFrame({"x": [0.0, 1.0]}))
    empty = prepped.bake(pd.DataFrame({"x": np.empty(0)}))
    assert empty.shape == (0, 1)


def test_relu_refuses_a_name_collision():
    data = pd.DataFrame({"x": [0.0, 1.0], "right_relu_x": [1.0, 2.0]})
    with pytest.raises(ForgeError, match="right_relu_x"):
        _prepped(lambda r: r.step_relu("x"), data)
