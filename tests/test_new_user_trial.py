"""Files a new user's R session made (tests/r/make_new_user_trial.R): data sets, step
options, level names, compressions, RDS versions, blueprints and butchered objects the
shared fixtures do not use.
Python predicts R's numbers to the bit, its classes and their level order, gives R's
novel-level warnings and no NumPy floating-point warning, and stops where R stops."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip import rowblocks
from pykerasnip.errors import ForgeError, SpecError
from recipe_cases import check_r_prediction

DATA = Path(__file__).parent / "data" / "new_user"
CASES = sorted(p.name for p in DATA.iterdir()) if DATA.is_dir() else []
PREDICTIONS = [(case, kind) for case in CASES
               for kind in (DATA / case / "types.txt").read_text().split()]


def test_the_trial_files_are_there() -> None:
    assert len(CASES) == 16 and len(PREDICTIONS) == 28


@pytest.fixture(scope="module")
def objects() -> dict:
    return {case: pk.read_rds(DATA / case / "object.rds") for case in CASES}


@pytest.mark.parametrize("case,kind", PREDICTIONS)
def test_python_predicts_what_r_predicted(objects: dict, case: str, kind: str) -> None:
    check_r_prediction(DATA / case, objects[case], kind)


@pytest.mark.parametrize("case,novel", [("levels_bundle", "unseen!"), ("dates_v2", "Mars"),
                                        ("recipe_novel_butchered", "Anvers")])
def test_novel_levels_warn_as_in_r(objects: dict, case: str, novel: str) -> None:
    with pytest.warns(UserWarning, match=novel):
        objects[case].predict(pk.read_rds(DATA / case / "new_data.rds"))


def test_missing_values_reaching_box_cox_stop_bake_as_in_r(objects: dict) -> None:
    folder = DATA / "iris_ascii"
    assert "missing value where TRUE/FALSE needed" in (folder / "error_na.txt").read_text()
    with pytest.raises(ForgeError, match="step_BoxCox: column Sepal.Width has missing values"):
        objects["iris_ascii"].predict(pk.read_rds(folder / "new_data_na.rds"))


def test_missing_values_stop_box_cox_prep_as_in_r() -> None:
    folder = DATA / "iris_ascii"
    assert "missing value where TRUE/FALSE needed" in (folder / "prep_error_na.txt").read_text()
    train = pk.read_rds(folder / "train_na.rds")
    rec = pk.recipe("Species ~ .", data=train).step_BoxCox(pk.all_numeric_predictors())
    with pytest.raises(SpecError, match="missing values"):
        rec.prep()


def test_box_cox_warns_on_non_positive_values_and_missing_values_then_pass() -> None:
    train = pd.DataFrame({"x": np.arange(1.0, 11.0), "y": np.arange(10.0)})
    rec = pk.recipe("y ~ x", data=train).step_BoxCox("x").prep()
    with pytest.warns(UserWarning, match="non-positive data in column x"):
        out = rec.bake(pd.DataFrame({"x": [-1.0, np.nan, 2.0]}))
    assert np.isnan(out["x"][:2]).all() and np.isfinite(out["x"][2])


@pytest.mark.parametrize("x,outcome", [
    ([-1.0, 2.0, 3.0, 4.0, 5.0, -6.0], "warns"),   # non-positive values in two blocks
    ([-1.0, 2.0, np.nan, 4.0, 5.0, 6.0], "warns"),  # the NA's block alone would stop
    ([1.0, 2.0, np.nan, 4.0, 5.0, 6.0], "stops"),
])
def test_box_cox_in_row_blocks_says_what_one_piece_says(x: list, outcome: str) -> None:
    train = pd.DataFrame({"x": np.arange(1.0, 11.0), "y": np.arange(10.0)})
    rec = pk.recipe("y ~ x", data=train).step_BoxCox("x").prep()
    new = pd.DataFrame({"x": x})
    with rowblocks.blocking(rows=2):
        if outcome == "stops":
            with pytest.raises(ForgeError, match="missing values"):
                rec.bake(new)
            return
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = rec.bake(new)
    assert [str(w.message) for w in caught] == ["Applying Box-Cox transformation to non-positive "
                                                "data in column x."]
    with pytest.warns(UserWarning):
        pd.testing.assert_frame_equal(got, rec.bake(new), check_exact=True)
