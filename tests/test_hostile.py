"""The prediction path under hostile or awkward input: zero rows, seeded threads,
Keras' global state, crafted ``.keras`` archives and validated stored parameters."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import case_dir, fixture_cases
from pykerasnip import read_rds
from pykerasnip.convert import to_pandas
from pykerasnip.rds import load

R_DTYPES = {"numeric": "float64", "factor": "category", "list": "object"}


def _predicted_cases() -> list[tuple[dict, str]]:
    return [(case, kind) for case in fixture_cases() for kind in case.get("predictions") or {}]


def _case_object(case: dict):
    return read_rds(case_dir(case) / case["files"][0]["file"])


@pytest.fixture(scope="module")
def loaded() -> dict:
    return {}


@pytest.mark.parametrize("case, kind", _predicted_cases(),
                         ids=[f"{c['case']}-{k}" for c, k in _predicted_cases()])
def test_zero_rows_give_r_columns_and_types(case: dict, kind: str, loaded: dict) -> None:
    """hardhat's forge keeps zero rows; the prediction is a zero-row frame with the
    columns (and column classes, factor levels) R returns."""
    obj = loaded.setdefault(case["case"], _case_object(case))
    new_data = to_pandas(load(case_dir(case) / case["new_data"]["rds"])).iloc[:0]
    want = case["predictions"][kind]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = obj.predict(new_data, type=kind, seed=1)
    assert len(got) == 0
    assert list(got.columns) == want["columns"]
    for column, classes in want["column_classes"].items():
        assert str(got[column].dtype) == R_DTYPES[classes[0]], column
        if classes[0] == "factor":
            assert list(got[column].cat.categories) == want["factor_levels"][column]
