"""step_window against the recipes 1.3.2 ground truth (tests/data/steps): every
RcppRoll statistic, with and without ``na_rm``, in place or as new named columns."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pykerasnip.recipes as rc
from pykerasnip.errors import ForgeError, SpecError
from pykerasnip.cxxalgo import partial_sort_copy
from steps_truth import Case, make_tests

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


def test_partial_sort_copy_places_nan_as_libstdcxx_does():
    assert partial_sort_copy([3.0, 1.0, 2.0], 2) == [1.0, 2.0]
    # NaN compares false both ways: it stays where the heap leaves it (these outputs are
    # those of libstdc++ 12, checked on 3000 random windows against a compiled program)
    assert partial_sort_copy([np.nan, 1.0, 0.5], 2)[0] == 0.5
    got = partial_sort_copy([2.5, 1.5, np.nan, 1.5, np.nan, 1.5, 2.0, 2.0, 3.0], 5)
    assert [None if np.isnan(v) else v for v in got] == [1.5, None, 1.5, 2.5, None]


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
