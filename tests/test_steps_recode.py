"""step_relevel, step_unorder, step_bin2factor, step_num2factor, step_integer,
step_string2factor and step_factor2string against the recipes 1.3.2 ground truth
(tests/data/steps)."""
from __future__ import annotations

import pandas as pd
import pytest

import pykerasnip.recipes as rc
from pykerasnip.errors import ForgeError
from steps_truth import Case, make_tests

CASES = [
    Case("relevel", "y ~ .", lambda r: r.step_relevel("ch", ref_level="x")),
    Case("relevel_f", "y ~ .", lambda r: r.step_relevel("f", ref_level="c")),
    Case("unorder", "y ~ .", lambda r: r.step_unorder("o")),
    Case("bin2factor", "y ~ .", lambda r: r.step_bin2factor("d", "lg")),
    Case("bin2factor_options", "y ~ .",
         lambda r: r.step_bin2factor("d", levels=("hit", "miss"), ref_first=False)),
    Case("num2factor", "y ~ .", lambda r: r.step_num2factor("n", levels=["one", "two", "three"])),
    Case("num2factor_transform", "y ~ .",
         lambda r: r.step_num2factor("n0", levels=["zero", "one", "two"], transform="x + 1",
                                     ordered=True)),
    Case("integer", "y ~ .", lambda r: r.step_integer("f", "o", "n", "a", "lg")),
    Case("integer_options", "y ~ .",
         lambda r: r.step_integer("f", "a", "n0", strict=False, zero_based=True)),
    Case("string2factor", "y ~ .", lambda r: r.step_string2factor("ch")),
    Case("string2factor_options", "y ~ .",
         lambda r: r.step_string2factor("ch", levels=["y", "x", "w"], ordered=True)),
    Case("factor2string", "y ~ .", lambda r: r.step_factor2string("f", "o"),
         debian_written_xfail="recipes 1.0.4's bake makes every column with stored levels a "
                              "factor (its turn_strings_to_factors ignores the template): "
                              "factor2string's character column comes back a factor"),
]

globals().update(make_tests(CASES))


def test_relevel_needs_the_reference_level_in_training_and_new_data():
    data = pd.DataFrame({"f": pd.Categorical(["a", "b"])})
    with pytest.raises(ForgeError, match="reference level"):
        rc.recipe("~ .", data).step_relevel("f", ref_level="z").prep()
    prepped = rc.recipe("~ .", data).step_relevel("f", ref_level="b").prep()
    with pytest.raises(ForgeError, match="existing level"):
        prepped.bake(pd.DataFrame({"f": pd.Categorical(["a"])}))


def test_num2factor_refuses_positions_below_one():
    data = pd.DataFrame({"n": [1.0, 2.0]})
    prepped = rc.recipe("~ .", data).step_num2factor("n", levels=["a", "b"]).prep()
    with pytest.raises(ForgeError, match="below 1"):
        prepped.bake(pd.DataFrame({"n": [0.0, 1.0]}))
