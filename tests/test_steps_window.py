"""step_window against the recipes 1.3.2 ground truth (tests/data/steps): every
RcppRoll statistic, with and without ``na_rm``, in place or as new named columns."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pykerasnip.recipes as rc
from pykerasnip.errors import ForgeError, SpecError
from steps_truth import Case, check_read_back, make_tests

STATISTICS = ("mean", "median", "sd", "var", "sum", "prod", "min", "max")

CASES = [
    *(Case(f"window_{stat}", "y ~ .", lambda r, s=stat: r.step_window("a", "k", "s", statistic=s))
      for stat in STATISTICS),
    *(Case(f"window_{stat}_na", "y ~ .", lambda r, s=stat: r.step_window(
        "a", "k", "s", statistic=s, na_rm=False, size=5, names=[f"{s}_a", f"{s}_k", f"{s}_s"]))
      for stat in STATISTICS),
    Case("window_names", "y ~ .", lambda r: r.step_window(
        "a", "s", size=7, statistic="median", names=["ma", "ms"], keep_original_cols=False,
        role="rolled"),
         debian=False),  # recipes 1.0.4 keeps the original columns whatever keep_original_cols says
]

globals().update(make_tests(CASES))


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_python_reads_back_what_it_writes(case: Case) -> None:
    check_read_back(case)


def test_window_needs_more_rows_than_its_size():
    data = pd.DataFrame({"x": np.arange(10.0)})
    prepped = rc.recipe("~ .", data).step_window("x", size=5).prep()
    with pytest.raises(ForgeError, match="too large"):
        prepped.bake(data.iloc[:7])


def test_window_size_must_be_odd_and_names_match():
    data = pd.DataFrame({"x": np.arange(10.0)})
    with pytest.raises(SpecError, match="odd"):
        rc.recipe("~ .", data).step_window("x", size=4).prep()
    with pytest.raises(SpecError, match="names"):
        rc.recipe("~ .", data).step_window("x", names=["a", "b"]).prep()
    with pytest.raises(SpecError, match="statistic"):
        rc.recipe("~ .", data).step_window("x", statistic="mode")
