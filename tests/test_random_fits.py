"""A randomized end-to-end differential trial of kerasnip fits (tests/r/make_random_fits.R):
random data sets, modes (regression on one or several outcomes, binary and multiclass
classification with odd, shuffled and unused outcome levels), preprocessors (random
recipes, formulas with blueprints, add_variables, bare fit()/fit_xy() model_fits),
sequential and functional specs with random blocks, hyperparameters, compile and fit
arguments, saved as workflows, model_fits, bundles or butchered objects with random
compressions, ascii and RDS versions. ``read_rds(object).predict(new_data, type, level,
seed)`` equals R's prediction of the object R read back, exactly, for every type of the
mode (Monte Carlo types right after ``keras3::set_random_seed(seed)``), or raises a typed
error where R's predict() stopped. Each case's ``spec.json`` says what was drawn (R code
as text, never run here).

The committed cases are tests/data/random_fits (made by its MAKE file); ``RANDOM_FITS``
points the same tests at another folder of cases (a hunt)."""
from __future__ import annotations

import functools
import json
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip.errors import PykerasnipError
from recipe_cases import case_names, matrix_cells

DATA = Path(os.environ.get("RANDOM_FITS", Path(__file__).parent / "data" / "random_fits"))
CASES = case_names(DATA)
COMMITTED = 65
#: what R's Keras says predicting zero rows (no new data, or none left after the recipe's
#: row steps), where Python gives R's zero-row frame
KERAS_NO_ROWS = "local variable 'batch_outputs' where it is not associated with a value"
PREDICTIONS = [(case, kind) for case in CASES
               for kind in (DATA / case / "types.txt").read_text().split()]


def test_the_cases_are_there() -> None:
    if "RANDOM_FITS" not in os.environ:
        assert len(CASES) == COMMITTED
    assert CASES
    for case in CASES:
        files = {p.name for p in (DATA / case).iterdir()}
        assert {"object.rds", "new_data.rds", "spec.json", "types.txt"} <= files, case
        for kind in (DATA / case / "types.txt").read_text().split():
            assert files & {f"{kind}.rds", f"{kind}_error.txt"}, (case, kind)


@pytest.mark.parametrize("case,kind", PREDICTIONS)
def test_python_predicts_what_r_predicted(case: str, kind: str) -> None:
    folder = DATA / case
    drawn = json.loads((folder / "spec.json").read_text())
    fitted, new_data = read_case(case)

    def predict() -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return fitted.predict(new_data, type=kind, level=drawn["level"], seed=drawn["predict_seed"])
    error = folder / f"{kind}_error.txt"
    if error.exists() and no_row_reached_the_model(error.read_text(), new_data):
        assert len(predict()) == 0  # by design (docs/security.md: zero rows)
        return
    if error.exists():
        assert error.read_text()
        with pytest.raises(PykerasnipError):
            predict()
        return
    want = one_column_matrices(pk.read_rds(folder / f"{kind}.rds"))
    pd.testing.assert_frame_equal(nested_cells(matrix_cells(predict())), nested_cells(matrix_cells(want)),
                                  check_exact=True)


def no_row_reached_the_model(r_error: str, new_data: pd.DataFrame) -> bool:
    """R stopped on zero rows: in Keras' predict, or (new data of no rows) in kerasnip's
    stacking of list-column cells, an ``abind`` of nothing."""
    return KERAS_NO_ROWS in r_error or (not len(new_data) and r_error.strip() == "subscript out of bounds")


@functools.lru_cache(maxsize=2)  # the types of a case run one after another
def read_case(case: str) -> tuple:
    """The case's object as Python reads it, and its new data."""
    return pk.read_rds(DATA / case / "object.rds"), pk.read_rds(DATA / case / "new_data.rds")


def nested_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A multistep model's per-row frames (``.step``, ``.pred``...) as their columns' values,
    missing values as None, so that R's and Python's compare value by value (R's integer
    ``.step`` reads as Int32, Python's is int64)."""
    def values(cell: object) -> object:
        if not isinstance(cell, pd.DataFrame):
            return cell
        return {name: [None if pd.isna(v) else v for v in column.tolist()] for name, column in cell.items()}
    nested = [c for c in frame.columns if frame[c].dtype == object and len(frame)
              and isinstance(frame[c].iloc[0], pd.DataFrame)]
    return frame.assign(**{c: frame[c].map(values) for c in nested})


def one_column_matrices(frame: pd.DataFrame) -> pd.DataFrame:
    """R's N x 1 matrix columns (a multi-head model's ``.pred_<output>``) as the double
    columns Python gives."""
    def column(values: pd.Series) -> pd.Series:
        if values.dtype == object and len(values) and all(
                isinstance(v, np.ndarray) and v.shape == (1,) for v in values):
            return pd.Series(np.concatenate(values.to_list()), name=values.name, index=values.index)
        return values
    return frame.apply(column) if len(frame.columns) else frame
