"""step_classdist, step_classdist_shrunken and step_depth against the recipes 1.3.2
ground truth (tests/data/steps)."""
from __future__ import annotations

import pandas as pd
import pytest

import pykerasnip.recipes as rc
from pykerasnip.errors import SpecError
from steps_truth import Case, make_tests

#: step_classdist_shrunken is newer than Debian's recipes 1.0.4
SHRUNKEN = {"debian": False}

CASES = [
    Case("classdist", "y ~ .", lambda r: r.step_classdist("a", "b", "c", class_="cls")),
    Case("classdist_pool", "y ~ .", lambda r: r.step_classdist(
        rc.all_numeric_predictors(), class_="cls", pool=True, log=False, prefix="cd_",
        keep_original_cols=False),
         debian=False),  # recipes 1.0.4's step_classdist always keeps the original columns
    Case("classdist_median", "y ~ .", lambda r: r.step_classdist(
        "a", "c", class_="cls", mean_func="median", role="dist")),
    Case("classdist_shrunken", "y ~ .",
         lambda r: r.step_classdist_shrunken("a", "b", "c", class_="cls"), **SHRUNKEN),
    Case("classdist_shrunken_options", "y ~ .", lambda r: r.step_classdist_shrunken(
        rc.all_numeric_predictors(), class_="cls", threshold=0.2, sd_offset=0.9, log=False,
        prefix="sc_", keep_original_cols=False, role="shrunk"), **SHRUNKEN),
    Case("classdist_shrunken_zero", "y ~ .", lambda r: r.step_classdist_shrunken(
        "a", "c", class_="cls", threshold=0, sd_offset=0), **SHRUNKEN),
    Case("classdist_shrunken_full", "y ~ .", lambda r: r.step_classdist_shrunken(
        "b", class_="cls", threshold=1, sd_offset=1), **SHRUNKEN),
]

globals().update(make_tests(CASES))
